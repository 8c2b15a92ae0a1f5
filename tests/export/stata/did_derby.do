* did_derby.do: Referrals per 10,000 children: Derby against its statistical neighbours, difference-in-differences
*
* Written by `csceval export --to stata tests/export/stata/did_derby.lua` (csceval 0.1.0) from
* the recipe tests/export/stata/did_derby.lua (design "did"). It loads the same inputs and runs the
* same analysis with Stata's standard commands, so that the evaluation can be rerun and checked
* in Stata (16 or later). Run it from the folder csceval was run in (the project root):
*   do tests/out/export_stata/golden/did_derby.do
* It writes its key results, one name,value row each, to did_derby_results.csv beside
* itself, named as csceval names its estimates in results.json (`csceval run`).
* csceval's tests check this do-file's structure only; they do not run it (Stata is not on
* the build machine), so its numbers have not been compared with csceval's: see docs/export.md.
*
* Question: Did referrals per 10,000 children change more in Derby than in similar
* authorities after TODO: the programme began?

version 16
clear all
set more off

* The folder of this do-file, where synthetic and prepared data are read and the results
* written: $CSC_DIR when set (a do-file moved elsewhere), else tests/out/export_stata/golden when the do-file
* is there, else the current folder.
local dofile_dir `"$CSC_DIR"'
if `"`dofile_dir'"' == "" {
    local dofile_dir "tests/out/export_stata/golden"
    capture confirm file `"`dofile_dir'/did_derby.do"'
    if _rc local dofile_dir `"`c(pwd)'"'
}

* Key results, one name,value row each, written as they are computed.
capture file close csc_out
file open csc_out using `"`dofile_dir'/did_derby_results.csv"', write text replace
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
* neighbours: ../shared/data/ees/New_Statistical_Neighbour_Groupings_April_2021.csv, 159 rows, 25 columns
*   read by the recipe's data preparation (below), not by this do-file
* population: ../shared/data/ees/ons_mid-year_population_estimates_2012_to_2024.csv, 2132 rows, 12 columns
*   read by the recipe's data preparation (below), not by this do-file
* referrals: ../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv, 2132 rows, 21 columns
*   read by the recipe's data preparation (below), not by this do-file

* ---- The data the design analyses ---------------------------------------------
* The recipe's data preparation is Lua code (design.prepare, tests/export/stata/did_derby.lua lines 35-42):
*       prepare = function(data)
*         local pop = data.population:filter('geographic_level == "Local authority"')
*           :mutate("rate_year", "time_period + 1")
*           :select{ "rate_year", "old_la_code", "population_estimate" }
*         return data.referrals:filter('geographic_level == "Local authority"')
*           :join(pop, { "old_la_code", time_period = "rate_year" }, "left")
*           :mutate("referral_rate", "referral_count / population_estimate * 10000")
*       end,
* csceval ran it once and wrote its result beside this do-file; the do-file reads that frame.
* 1976 rows: time_period, time_identifier, geographic_level, country_code, country_name, region_code, region_name, old_la_code, new_la_code, la_name, category, referral_count, rereferral_count, rereferral_percent, no_further_action_count, no_further_action_percent, not_in_need_count, not_in_need_percent, referral_child_count, rereferral_child_count, rereferral_child_percent, population_estimate, referral_rate
import delimited using `"`dofile_dir'/did_derby_prepared.csv"', clear varnames(nonames) rowrange(2) encoding("utf-8") bindquote(strict) stringcols(_all)
* the columns, in file order (csceval's names in the variable labels)
rename (v1 v2 v3 v4 v5 v6 v7 v8 v9 v10 v11 v12 v13 v14 v15 v16 v17 v18 v19 v20 v21 v22 v23) (time_period time_identifier geographic_level country_code country_name region_code region_name old_la_code new_la_code la_name category referral_count rereferral_count rereferral_percent no_further_action_count no_further_action_percent not_in_need_count not_in_need_percent referral_child_count rereferral_child_count rereferral_child_percent population_estimate referral_rate)
label variable time_period "time_period"
label variable time_identifier "time_identifier"
label variable geographic_level "geographic_level"
label variable country_code "country_code"
label variable country_name "country_name"
label variable region_code "region_code"
label variable region_name "region_name"
label variable old_la_code "old_la_code"
label variable new_la_code "new_la_code"
label variable la_name "la_name"
label variable category "category"
label variable referral_count "referral_count"
label variable rereferral_count "rereferral_count"
label variable rereferral_percent "rereferral_percent"
label variable no_further_action_count "no_further_action_count"
label variable no_further_action_percent "no_further_action_percent"
label variable not_in_need_count "not_in_need_count"
label variable not_in_need_percent "not_in_need_percent"
label variable referral_child_count "referral_child_count"
label variable rereferral_child_count "rereferral_child_count"
label variable rereferral_child_percent "rereferral_child_percent"
label variable population_estimate "population_estimate"
label variable referral_rate "referral_rate"
* numbers: empty cells and DfE's symbols (c, x, z, k, u, low, :) become missing, as csceval reads them
destring time_period old_la_code referral_count rereferral_count rereferral_percent no_further_action_count no_further_action_percent not_in_need_count not_in_need_percent referral_child_count rereferral_child_count rereferral_child_percent population_estimate referral_rate, replace force
count
display as text "analysis data: " r(N) " rows"
tempfile analysis
save `analysis'

* ---- Difference-in-differences ---------------------------------------------------
* The time axis (as csceval's): time_period as a number; dates count months
capture confirm numeric variable time_period
if _rc {
    generate double _tm = ym(real(substr(time_period, 1, 4)), real(substr(time_period, 6, 2)))
}
else generate double _tm = time_period
keep if inlist(old_la_code, 831, 874, 373, 350, 894, 331, 335, 332, 887, 382, 383)
generate byte _treat = inlist(old_la_code, 831)
generate byte _post = _tm >= 2019   // from the start, 2019
generate byte _treat_post = _treat * _post
egen long _unit = group(old_la_code)
tempfile panel
save `panel'

* ---- Outcome referral_rate: Referrals per 10,000 children
use `panel', clear
drop if missing(referral_rate)
* 2x2: y = b0 + b1 treat + b2 post + b3 treat x post, standard errors clustered by unit
regress referral_rate _treat _post _treat_post, vce(cluster _unit)
local df = e(N_clust) - 1
lincom _treat_post
csc_est referral_rate.did_2x2 `df'
* two-way fixed effects: unit effects absorbed (xtreg, fe), period dummies; xtreg's
* clustered errors do not count the unit effects, as csceval (areg would count them)
xtset _unit
xtreg referral_rate _treat_post i._tm, fe vce(cluster _unit)
local df = e(N_clust) - 1
lincom _treat_post
csc_est referral_rate.did_twfe `df'
* areg referral_rate _treat_post i._tm, absorb(_unit) vce(cluster _unit)   // the same estimate
* Event study: a dummy per period from the start, k = -3..3, k = -1 left out; the end dummies take the periods beyond them
generate double _rel = (_tm - 2019) / 1 if _treat   // periods from the start
replace _rel = max(-3, min(3, _rel)) if _treat
generate byte _lead3 = _treat & _rel == -3
generate byte _lead2 = _treat & _rel == -2
generate byte _lag0 = _treat & _rel == 0
generate byte _lag1 = _treat & _rel == 1
generate byte _lag2 = _treat & _rel == 2
generate byte _lag3 = _treat & _rel == 3
xtreg referral_rate _lead3 _lead2 _lag0 _lag1 _lag2 _lag3 i._tm, fe vce(cluster _unit)
local df = e(N_clust) - 1
lincom _lead3
csc_est referral_rate.event.-3 `df'
lincom _lead2
csc_est referral_rate.event.-2 `df'
lincom _lag0
csc_est referral_rate.event.0 `df'
lincom _lag1
csc_est referral_rate.event.1 `df'
lincom _lag2
csc_est referral_rate.event.2 `df'
lincom _lag3
csc_est referral_rate.event.3 `df'
* the joint pre-trend test of the leads (not defined with no more treated clusters than leads)
capture test _lead3 _lead2

* ---- The results file ----------------------------------------------------------
file close csc_out
display as text "did_derby: results written to `dofile_dir'/did_derby_results.csv"
