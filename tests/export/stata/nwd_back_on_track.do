* nwd_back_on_track.do: Back on Track (No Wrong Door, North Yorkshire): matched comparison of absences and exclusions
*
* Written by `csceval export --to stata recipes/nwd_back_on_track.lua` (csceval 0.1.0) from
* the recipe recipes/nwd_back_on_track.lua (design "matching"). It loads the same inputs and runs the
* same analysis with Stata's standard commands, so that the evaluation can be rerun and checked
* in Stata (16 or later). Run it from the folder csceval was run in (the project root):
*   do tests/out/export_stata/golden/nwd_back_on_track.do
* It writes its key results, one name,value row each, to nwd_back_on_track_results.csv beside
* itself, named as csceval names its estimates in results.json (`csceval run`).
* csceval's tests check this do-file's structure only; they do not run it (Stata is not on
* the build machine), so its numbers have not been compared with csceval's: see docs/export.md.
*
* Question: Did Back on Track support in 2017/18 change the number of unauthorised absences
* and of sessions missed through fixed exclusions in the following school year, compared
* with similar North Yorkshire pupils three years earlier?
*
* SYNTHETIC DATA: the input(s) pupils, year8 are synthetic records made
* by the recipe's committed generator, written beside this do-file. Agreement with the published
* figures on them is by construction, not a finding. With the real file, change its path below.
*
* Differences from csceval's own run (what this do-file does not reproduce):
*   - teffects nnmatch matches with replacement and estimates the effect with Abadie-Imbens
*   standard errors; csceval (as MatchIt) matches without replacement unless replace =
*   true, in data order, and adjusts by regression on the matched sample. The do-file's
*   balance before matching and sample sizes are csceval's; its teffects estimates are
*   Stata's own and are shown, not written to the results file
*   - absences.next_year: the time-trend ratio applied to the comparison group
*   (rescale_control) is not exported

version 16
clear all
set more off

* The folder of this do-file, where synthetic and prepared data are read and the results
* written: $CSC_DIR when set (a do-file moved elsewhere), else tests/out/export_stata/golden when the do-file
* is there, else the current folder.
local dofile_dir `"$CSC_DIR"'
if `"`dofile_dir'"' == "" {
    local dofile_dir "tests/out/export_stata/golden"
    capture confirm file `"`dofile_dir'/nwd_back_on_track.do"'
    if _rc local dofile_dir `"`c(pwd)'"'
}

* Key results, one name,value row each, written as they are computed.
capture file close csc_out
file open csc_out using `"`dofile_dir'/nwd_back_on_track_results.csv"', write text replace
file write csc_out "name,value" _n
capture program drop csc_put
program define csc_put
    * csc_put NAME EXPRESSION: one row, the value at full precision (NA when missing)
    gettoken name 0 : 0
    tempname v
    scalar `v' = `0'
    if missing(`v') file write csc_out "`name',NA" _n
    else file write csc_out "`name'," (strtrim(strofreal(`v', "%21.0g"))) _n
end
capture program drop csc_est
program define csc_est
    * csc_est NAME DF [EST SE]: the last lincom's estimate (or EST with standard error SE)
    * with its standard error, p-value and confidence interval (t on DF degrees of freedom,
    * or the normal law when DF is .)
    args name df b0 s0
    tempname b s p q
    if `"`b0'"' == "" {
        scalar `b' = r(estimate)
        scalar `s' = r(se)
    }
    else {
        scalar `b' = `b0'
        scalar `s' = `s0'
    }
    if `df' >= . {
        scalar `p' = 2 * normal(-abs(`b' / `s'))
        scalar `q' = invnormal(1 - (1 - $CSC_LEVEL) / 2)
    }
    else {
        scalar `p' = 2 * ttail(`df', abs(`b' / `s'))
        scalar `q' = invttail(`df', (1 - $CSC_LEVEL) / 2)
    }
    csc_put `name' `b'
    csc_put `name':se `s'
    csc_put `name':p `p'
    csc_put `name':ci_low `b' - `q' * `s'
    csc_put `name':ci_high `b' + `q' * `s'
end
global CSC_ALPHA 0.05
global CSC_LEVEL 0.95

* ---- Inputs --------------------------------------------------------------------
* pupils: data/nwd_back_on_track/pupils.csv, 7711 rows, 12 columns (SYNTHETIC, copied beside this do-file as nwd_back_on_track_pupils.csv)
*   read by the recipe's data preparation (below), not by this do-file
* year8: data/nwd_back_on_track/year8_absence.csv, 6 rows, 3 columns (SYNTHETIC, copied beside this do-file as nwd_back_on_track_year8.csv)
*   read by the recipe's data preparation (below), not by this do-file

* ---- The data the design analyses ---------------------------------------------
* The recipe's data preparation is a list of steps (design.steps, recipes/nwd_back_on_track.lua), from input pupils:
*   1. { expand = "n_pupils", optional = true }
*   2. { derive = "bot", as = 'if_else(cohort == "2017/18", 1, 0)' }
*   3. { derive = "boy", as = 'if_else(gender == "M", 1, 0)' }
*   4. { derive = "ehc", as = 'if_else(sen == "E", 1, 0)' }
*   5. { derive = "sen_support", as = 'if_else(sen == "K", 1, 0)' }
* csceval ran them once and wrote the result beside this do-file; the do-file reads that frame.
* 64124 rows: cohort, back_on_track, ncyear_pre, gender, sen, fsm, ua_pre, fx_pre, px_pre, ua_post, fx_post, bot, boy, ehc, sen_support
import delimited using `"`dofile_dir'/nwd_back_on_track_prepared.csv"', clear varnames(nonames) rowrange(2) encoding("utf-8") bindquote(strict) stringcols(_all)
* the columns, in file order (csceval's names in the variable labels)
rename (v1 v2 v3 v4 v5 v6 v7 v8 v9 v10 v11 v12 v13 v14 v15) (cohort back_on_track ncyear_pre gender sen fsm ua_pre fx_pre px_pre ua_post fx_post bot boy ehc sen_support)
label variable cohort "cohort"
label variable back_on_track "back_on_track"
label variable ncyear_pre "ncyear_pre"
label variable gender "gender"
label variable sen "sen"
label variable fsm "fsm"
label variable ua_pre "ua_pre"
label variable fx_pre "fx_pre"
label variable px_pre "px_pre"
label variable ua_post "ua_post"
label variable fx_post "fx_post"
label variable bot "bot"
label variable boy "boy"
label variable ehc "ehc"
label variable sen_support "sen_support"
* numbers: empty cells and DfE's symbols (c, x, z, k, u, low, :) become missing, as csceval reads them
destring back_on_track ncyear_pre fsm ua_pre fx_pre px_pre ua_post fx_post bot boy ehc sen_support, replace force
* The cohort: the design's where = (cohort == "2017/18" and back_on_track == 1) or cohort == "2014/15"
keep if ((cohort == "2017/18" & !missing(cohort)) & (back_on_track == 1 & !missing(back_on_track))) | (cohort == "2014/15" & !missing(cohort))
count
display as text "analysis data: " r(N) " rows"
tempfile analysis
save `analysis'

* ---- Matching -------------------------------------------------------------------
capture program drop csc_balance
program define csc_balance, rclass
    * csc_balance PREFIX NAME VAR TREAT SD BINARY VARIANCE [WEIGHT]; returns r(smd), the
    * standardised difference before adjustment
    args prefix name v treat sd binary variance w
    quietly summarize `v' if `treat' == 1
    local m1 = r(mean)
    local v1 = r(Var)
    quietly summarize `v' if `treat' == 0
    local m0 = r(mean)
    local v0 = r(Var)
    capture assert inlist(`v', 0, 1) if !missing(`v')
    local bin = !_rc
    if `bin' & "`variance'" != "sample" {
        local v1 = `m1' * (1 - `m1')
        local v0 = `m0' * (1 - `m0')
    }
    if "`sd'" == "pooled" local s = sqrt((`v1' + `v0') / 2)
    else if "`sd'" == "control" local s = sqrt(`v0')
    else local s = sqrt(`v1')
    local raw = `bin' & "`binary'" != "std"
    csc_put `prefix'balance.`name'.mean_treated_before `m1'
    csc_put `prefix'balance.`name'.mean_comparison_before `m0'
    local smd = cond(`raw', `m1' - `m0', (`m1' - `m0') / `s')
    csc_put `prefix'balance.`name'.smd_before `smd'
    if "`w'" != "" {
        quietly summarize `v' [aw = `w'] if `treat' == 1
        local a1 = r(mean)
        quietly summarize `v' [aw = `w'] if `treat' == 0
        local a0 = r(mean)
        csc_put `prefix'balance.`name'.mean_treated_after `a1'
        csc_put `prefix'balance.`name'.mean_comparison_after `a0'
        * the same denominator as before adjustment
        csc_put `prefix'balance.`name'.smd_after cond(`raw', `a1' - `a0', (`a1' - `a0') / `s')
    }
    return scalar smd = `smd'
end

tempfile cohort
save `cohort'

* ---- Analysis absences (Unauthorised absences): 10 neighbours, mahalanobis distance on ua_pre, ncyear_pre, boy, ehc, sen_support, fsm
use `cohort', clear
drop if missing(bot, ua_pre, ncyear_pre, boy, ehc, sen_support, fsm)
quietly count if bot == 1
csc_put absences.n_treated r(N)
* Balance before matching: means by group and the standardised difference
csc_balance absences. ua_pre ua_pre bot pooled std sample
csc_put absences.weight.ua_pre abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching
csc_balance absences. ncyear_pre ncyear_pre bot pooled std sample
csc_put absences.weight.ncyear_pre abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching
csc_balance absences. boy boy bot pooled std sample
csc_put absences.weight.boy abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching
csc_balance absences. ehc ehc bot pooled std sample
csc_put absences.weight.ehc abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching
csc_balance absences. sen_support sen_support bot pooled std sample
csc_put absences.weight.sen_support abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching
csc_balance absences. fsm fsm bot pooled std sample
csc_put absences.weight.fsm abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching
* csceval weights the Mahalanobis distance (weights = "smd": each covariate's absolute standardised difference before matching); teffects' metric(matrix) takes a weighting matrix: see docs/methods/matching.md
* Outcome next_year: Unauthorised absence sessions, 2018/19 against 2015/16
teffects nnmatch (ua_post ua_pre ncyear_pre boy ehc sen_support fsm) (bot), nneighbor(10) metric(maha) atet
tebalance summarize
* psmatch2 (ssc) matches without replacement one-to-one:
* psmatch2 bot, mahalanobis(ua_pre ncyear_pre boy ehc sen_support fsm) outcome(ua_post) noreplacement
* csceval then adjusts by regression on the matched sample: regress ua_post bot ncyear_pre boy ehc sen_support fsm ua_pre fx_pre px_pre [aw = matched weight]

* ---- Analysis exclusions (Fixed exclusions): 4 neighbours, mahalanobis distance on fx_pre, ncyear_pre, boy, ehc, sen_support, fsm
use `cohort', clear
drop if missing(bot, fx_pre, ncyear_pre, boy, ehc, sen_support, fsm)
quietly count if bot == 1
csc_put exclusions.n_treated r(N)
* Balance before matching: means by group and the standardised difference
csc_balance exclusions. fx_pre fx_pre bot pooled std sample
csc_put exclusions.weight.fx_pre abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching
csc_balance exclusions. ncyear_pre ncyear_pre bot pooled std sample
csc_put exclusions.weight.ncyear_pre abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching
csc_balance exclusions. boy boy bot pooled std sample
csc_put exclusions.weight.boy abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching
csc_balance exclusions. ehc ehc bot pooled std sample
csc_put exclusions.weight.ehc abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching
csc_balance exclusions. sen_support sen_support bot pooled std sample
csc_put exclusions.weight.sen_support abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching
csc_balance exclusions. fsm fsm bot pooled std sample
csc_put exclusions.weight.fsm abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching
* csceval weights the Mahalanobis distance (weights = "smd": each covariate's absolute standardised difference before matching); teffects' metric(matrix) takes a weighting matrix: see docs/methods/matching.md
* Outcome next_year: Sessions missed through fixed exclusions, 2018/19 against 2015/16
teffects nnmatch (fx_post fx_pre ncyear_pre boy ehc sen_support fsm) (bot), nneighbor(4) metric(maha) atet
tebalance summarize
* psmatch2 (ssc) matches without replacement one-to-one:
* psmatch2 bot, mahalanobis(fx_pre ncyear_pre boy ehc sen_support fsm) outcome(fx_post) noreplacement
* csceval then adjusts by regression on the matched sample: regress fx_post bot ncyear_pre boy ehc sen_support fsm fx_pre ua_pre px_pre [aw = matched weight]

* ---- The results file ----------------------------------------------------------
file close csc_out
display as text "nwd_back_on_track: results written to `dofile_dir'/nwd_back_on_track_results.csv"
