* lincs_future4me.do: Future4Me (Lincolnshire): reoffending against a weighted historical comparison group
*
* Written by `csceval export --to stata recipes/lincs_future4me.lua` (csceval 0.1.0) from
* the recipe recipes/lincs_future4me.lua (design "ipw"). It loads the same inputs and runs the
* same analysis with Stata's standard commands, so that the evaluation can be rerun and checked
* in Stata (16 or later). Run it from the folder csceval was run in (the project root):
*   do tests/out/export_stata/golden/lincs_future4me.do
* It writes its key results, one name,value row each, to lincs_future4me_results.csv beside
* itself, named as csceval names its estimates in results.json (`csceval run`).
* csceval's tests check this do-file's structure only; they do not run it (Stata is not on
* the build machine), so its numbers have not been compared with csceval's: see docs/export.md.
*
* Question: Did young people supported by Future4Me reoffend less than similar young people
* before the programme existed, once the groups are weighted to be alike in age and prior
* offending?
*
* SYNTHETIC DATA: the input(s) offences, people are synthetic records made
* by the recipe's committed generator, written beside this do-file. Agreement with the published
* figures on them is by construction, not a finding. With the real file, change its path below.

version 16
clear all
set more off

* The folder of this do-file, where synthetic and prepared data are read and the results
* written: $CSC_DIR when set (a do-file moved elsewhere), else tests/out/export_stata/golden when the do-file
* is there, else the current folder.
local dofile_dir `"$CSC_DIR"'
if `"`dofile_dir'"' == "" {
    local dofile_dir "tests/out/export_stata/golden"
    capture confirm file `"`dofile_dir'/lincs_future4me.do"'
    if _rc local dofile_dir `"`c(pwd)'"'
}

* Key results, one name,value row each, written as they are computed.
capture file close csc_out
file open csc_out using `"`dofile_dir'/lincs_future4me_results.csv"', write text replace
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
* offences: data/lincs_future4me/offences.csv, 1280 rows, 3 columns (SYNTHETIC, copied beside this do-file as lincs_future4me_offences.csv)
*   read by the recipe's data preparation (below), not by this do-file
* people: data/lincs_future4me/people.csv, 516 rows, 4 columns (SYNTHETIC, copied beside this do-file as lincs_future4me_people.csv)
*   read by the recipe's data preparation (below), not by this do-file

* ---- The data the design analyses ---------------------------------------------
* The recipe's data preparation is a list of steps (design.steps, recipes/lincs_future4me.lua), from input people:
*   1. { derive = "f4m", as = 'if_else(group == "Future4Me", 1, 0)' }
*   2. { filter = 'group == "Future4Me" or group == "comparator"' }
*   3. { pseudo_start = "start", anchor = "first_offence", date = "offence_date", events = "offences", id = "person_id", offset = "mean", round = "nearest", start = "start_date", treat = "f4m", words = { anchor = "first recorded offence", comparison = "comparator", start = "the Future4Me start", treated = "Future4Me young people" } }
*   4. { age = "age", at = "start", born = "date_of_birth" }
*   5. { event_counts = "offences", date = "offence_date", flags = { reoffended = "post" }, id = "person_id", method = "Offences before the start: every recorded offence before the (pseudo) start date, by type (violent, drugs). Reoffending: any recorded offence from 1 to 365 days after it (the report does not state its follow-up period).", type = "offence_type", types = { "violent", "drugs" }, windows = { post = { 1, 365 }, pre = { -36500, -1 } }, words = { event = "an offence", people = "young people" } }
* csceval ran them once and wrote the result beside this do-file; the do-file reads that frame.
* 516 rows: person_id, group, date_of_birth, start_date, f4m, first_offence, start, age, post, post_violent, post_drugs, pre, pre_violent, pre_drugs, reoffended
import delimited using `"`dofile_dir'/lincs_future4me_prepared.csv"', clear varnames(nonames) rowrange(2) encoding("utf-8") bindquote(strict) stringcols(_all)
* the columns, in file order (csceval's names in the variable labels)
rename (v1 v2 v3 v4 v5 v6 v7 v8 v9 v10 v11 v12 v13 v14 v15) (person_id group date_of_birth start_date f4m first_offence start age post post_violent post_drugs pre pre_violent pre_drugs reoffended)
label variable person_id "person_id"
label variable group "group"
label variable date_of_birth "date_of_birth"
label variable start_date "start_date"
label variable f4m "f4m"
label variable first_offence "first_offence"
label variable start "start"
label variable age "age"
label variable post "post"
label variable post_violent "post_violent"
label variable post_drugs "post_drugs"
label variable pre "pre"
label variable pre_violent "pre_violent"
label variable pre_drugs "pre_drugs"
label variable reoffended "reoffended"
* numbers: empty cells and DfE's symbols (c, x, z, k, u, low, :) become missing, as csceval reads them
destring f4m age post post_violent post_drugs pre pre_violent pre_drugs reoffended, replace force
generate double date_of_birth_d = date(date_of_birth, "YMD")
format date_of_birth_d %td
drop date_of_birth
rename date_of_birth_d date_of_birth
generate double start_date_d = date(start_date, "YMD")
format start_date_d %td
drop start_date
rename start_date_d start_date
generate double first_offence_d = date(first_offence, "YMD")
format first_offence_d %td
drop first_offence
rename first_offence_d first_offence
generate double start_d = date(start, "YMD")
format start_d %td
drop start
rename start_d start
count
display as text "analysis data: " r(N) " rows"
tempfile analysis
save `analysis'

* ---- Inverse probability weighting -----------------------------------------------
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

drop if missing(f4m, age, pre, pre_violent, pre_drugs)
* the propensity score: a logit model of f4m on age, pre, pre_violent, pre_drugs
logit f4m age pre pre_violent pre_drugs
predict double _ps, pr
* weights for the ATE
generate double _w = cond(f4m == 1, 1 / _ps, 1 / (1 - _ps))
* group sizes and Kish's effective sample sizes (sum w)^2 / sum w^2
quietly count if f4m == 1
csc_put n_programme r(N)
generate double _w2 = _w^2
quietly summarize _w if f4m == 1
local sw = r(sum)
quietly summarize _w2 if f4m == 1
csc_put ess_programme `sw'^2 / r(sum)
drop _w2
quietly count if f4m == 0
csc_put n_comparison r(N)
generate double _w2 = _w^2
quietly summarize _w if f4m == 0
local sw = r(sum)
quietly summarize _w2 if f4m == 0
csc_put ess_comparison `sw'^2 / r(sum)
drop _w2
* Balance before and after weighting: means by group and the standardised difference
csc_balance "" age age f4m pooled raw default _w
csc_balance "" pre pre f4m pooled raw default _w
csc_balance "" pre_violent pre_violent f4m pooled raw default _w
csc_balance "" pre_drugs pre_drugs f4m pooled raw default _w
* Effects: the weighted difference in means (a weighted regression on the programme
* indicator) with survey-robust standard errors, as R's survey::svyglm
svyset _n [pweight = _w]
* Outcome reoffending: Reoffended within a year (%) (x 100)
generate double _y_reoffending = reoffended * 100
svy: regress _y_reoffending f4m
local df = e(df_r)
lincom f4m
csc_est reoffending.effect `df'
quietly summarize _y_reoffending [aw = _w] if f4m == 1
csc_put reoffending.mean_treated r(mean)
quietly summarize _y_reoffending [aw = _w] if f4m == 0
csc_put reoffending.mean_comparison r(mean)
* Stata's own estimator (normalised weights; standard errors that allow for the estimated
* propensity score, so they differ from the survey-robust ones above):
teffects ipw (_y_reoffending) (f4m age pre pre_violent pre_drugs, logit), ate
tebalance summarize

* ---- The results file ----------------------------------------------------------
file close csc_out
display as text "lincs_future4me: results written to `dofile_dir'/lincs_future4me_results.csv"
