* nwd_leaving_care.do: No Wrong Door, Leaving Care: comparative interrupted time series of care leavers in suitable accommodation and in EET
*
* Written by `csceval export --to stata recipes/nwd_leaving_care.lua` (csceval 0.1.0) from
* the recipe recipes/nwd_leaving_care.lua (design "cits"). It loads the same inputs and runs the
* same analysis with Stata's standard commands, so that the evaluation can be rerun and checked
* in Stata (16 or later). Run it from the folder csceval was run in (the project root):
*   do tests/out/export_stata/golden/nwd_leaving_care.do
* It writes its key results, one name,value row each, to nwd_leaving_care_results.csv beside
* itself, named as csceval names its estimates in results.json (`csceval run`).
* csceval's tests check this do-file's structure only; they do not run it (Stata is not on
* the build machine), so its numbers have not been compared with csceval's: see docs/export.md.
*
* Question: In 2019, were more of North Yorkshire's care leavers aged 19-21 in suitable
* accommodation, and in education, employment or training, than its pre-2019 trends
* predicted, relative to similar authorities?
*
* SYNTHETIC DATA: the input(s) panel are synthetic records made
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
    capture confirm file `"`dofile_dir'/nwd_leaving_care.do"'
    if _rc local dofile_dir `"`c(pwd)'"'
}

* Key results, one name,value row each, written as they are computed.
capture file close csc_out
file open csc_out using `"`dofile_dir'/nwd_leaving_care_results.csv"', write text replace
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
* panel: data/nwd_leaving_care/panel.csv, 792 rows, 7 columns (SYNTHETIC, copied beside this do-file as nwd_leaving_care_panel.csv)
import delimited using `"`dofile_dir'/nwd_leaving_care_panel.csv"', clear varnames(nonames) rowrange(2) encoding("utf-8") bindquote(strict) stringcols(_all)
* the columns, in file order (csceval's names in the variable labels)
rename (v1 v2 v3 v4 v5 v6 v7) (old_la_code la_name region_name time_period suitable_accommodation_pct eet_pct employment_rate)
label variable old_la_code "old_la_code"
label variable la_name "la_name"
label variable region_name "region_name"
label variable time_period "time_period"
label variable suitable_accommodation_pct "suitable_accommodation_pct"
label variable eet_pct "eet_pct"
label variable employment_rate "employment_rate"
* numbers: empty cells and DfE's symbols (c, x, z, k, u, low, :) become missing, as csceval reads them
destring old_la_code time_period suitable_accommodation_pct eet_pct employment_rate, replace force
tempfile input_panel
save `input_panel'

* ---- The data the design analyses ---------------------------------------------
use `input_panel', clear
count
display as text "analysis data: " r(N) " rows"
tempfile analysis
save `analysis'

* ---- Comparative interrupted time series (itsa's model) ------------------------
* The time axis (as csceval's): time_period as a number; dates count months
capture confirm numeric variable time_period
if _rc {
    generate double _tm = ym(real(substr(time_period, 1, 4)), real(substr(time_period, 6, 2)))
}
else generate double _tm = time_period
drop if _tm == 2018   // excluded (transition period)
quietly summarize _tm
local first = r(min)
local step = 1
generate double _t = (_tm - `first') / `step'   // itsa's _t
local T = (2019 - `first') / `step'   // the interruption on the t scale
generate byte _x = _t >= `T' - 1e-9
generate double _x_t = _x * (_t - `T')
generate byte _def_1 = _tm >= 2014   // change of definition, shared by every series
tempfile panel
save `panel'

* ---- Outcome accommodation: Care leavers aged 19-21 in suitable accommodation (%)
use `panel', clear
drop if missing(suitable_accommodation_pct)
local comparators 925 860 384
keep if old_la_code == 815 | inlist(old_la_code, `=subinstr("`comparators'", " ", ",", .)')
generate byte _z = old_la_code == 815   // the treated unit
generate double _z_t = _z * _t
generate byte _z_x = _z * _x
generate double _z_x_t = _z * _x_t
* Newey-West within each series, lags counted in rows (Stata's force; csceval's hac = "rows")
bysort old_la_code (_tm): generate long _row = _n
tsset old_la_code _row
* a single observed post period of the treated unit has no slope: only the change in level (as csceval)
quietly count if _z & _x
local slope = r(N) > 1
local X "_t _z _z_t _x _z_x _def_1"
if `slope' local X "`X' _x_t _z_x_t"
newey suitable_accommodation_pct `X', lag(0) force
local df = e(df_r)
quietly summarize _t
local te = r(max)   // the impact's period: the last in the sample
local ramp
local tramp
local cramp
if `slope' {
    local ramp "+ (`te' - `T') * _z_x_t"
    local tramp "+ (`te' - `T') * (_x_t + _z_x_t)"
    local cramp "+ (`te' - `T') * _x_t"
}
lincom _z_x `ramp'   // the impact: the treated unit's departure beyond the comparators'
csc_est accommodation.impact `df'
lincom _z_x
csc_est accommodation.level_change `df'
csc_est accommodation.level_change_1 `df'
if `slope' {
    lincom _z_x_t
    csc_est accommodation.slope_change `df'
    csc_est accommodation.slope_change_1 `df'
}
lincom _z
csc_est accommodation.pre_level_difference `df'
lincom _z_t
csc_est accommodation.pre_trend_difference `df'
lincom _x + _z_x `tramp'
csc_est accommodation.treated_departure `df'
lincom _x `cramp'
csc_est accommodation.comparators_departure `df'
csc_put accommodation.comparators_n `: word count `comparators''
* Logit sensitivity run: the same model on logit(y / scale); the impact on the logit scale
generate double _ly = logit(suitable_accommodation_pct / 100)
newey _ly `X', lag(0) force
lincom _z_x `ramp'
csc_est accommodation.impact_logit `df'
* ... and back on the original scale by the delta method (nlcom): the treated unit's fitted
* minus projected value, minus the comparators', each through the inverse logit
local def
if `first' + `te' * `step' >= 2014 local def "`def' + _b[_def_1]"
local c1 "_b[_cons] + _b[_t] * `te' + _b[_z] + _b[_z_t] * `te' `def'"
local a1 "`c1' + _b[_x] + _b[_z_x]"
local c0 "_b[_cons] + _b[_t] * `te' `def'"
local a0 "`c0' + _b[_x]"
if `slope' {
    local a1 "`a1' + (`te' - `T') * (_b[_x_t] + _b[_z_x_t])"
    local a0 "`a0' + (`te' - `T') * _b[_x_t]"
}
nlcom 100 * (invlogit(`a1') - invlogit(`c1') - invlogit(`a0') + invlogit(`c0'))
csc_est accommodation.impact_logit_pp `df' el(r(b),1,1) sqrt(el(r(V),1,1))
* The same model with itsa (ssc install itsa): the treated unit against the comparators kept above
capture which itsa
if !_rc {
    preserve
    tsset old_la_code _tm
    itsa suitable_accommodation_pct, treatid(815) trperiod(`=2019') lag(0) posttrend replace
    restore
}

* ---- Outcome eet: Care leavers aged 19-21 in education, employment or training (%)
use `panel', clear
drop if missing(eet_pct)
local comparators 383 925 392 928 860 384
keep if old_la_code == 815 | inlist(old_la_code, `=subinstr("`comparators'", " ", ",", .)')
generate byte _z = old_la_code == 815   // the treated unit
generate double _z_t = _z * _t
generate byte _z_x = _z * _x
generate double _z_x_t = _z * _x_t
* Newey-West within each series, lags counted in rows (Stata's force; csceval's hac = "rows")
bysort old_la_code (_tm): generate long _row = _n
tsset old_la_code _row
* a single observed post period of the treated unit has no slope: only the change in level (as csceval)
quietly count if _z & _x
local slope = r(N) > 1
local X "_t _z _z_t _x _z_x _def_1"
if `slope' local X "`X' _x_t _z_x_t"
newey eet_pct `X', lag(2) force
local df = e(df_r)
quietly summarize _t
local te = r(max)   // the impact's period: the last in the sample
local ramp
local tramp
local cramp
if `slope' {
    local ramp "+ (`te' - `T') * _z_x_t"
    local tramp "+ (`te' - `T') * (_x_t + _z_x_t)"
    local cramp "+ (`te' - `T') * _x_t"
}
lincom _z_x `ramp'   // the impact: the treated unit's departure beyond the comparators'
csc_est eet.impact `df'
lincom _z_x
csc_est eet.level_change `df'
csc_est eet.level_change_1 `df'
if `slope' {
    lincom _z_x_t
    csc_est eet.slope_change `df'
    csc_est eet.slope_change_1 `df'
}
lincom _z
csc_est eet.pre_level_difference `df'
lincom _z_t
csc_est eet.pre_trend_difference `df'
lincom _x + _z_x `tramp'
csc_est eet.treated_departure `df'
lincom _x `cramp'
csc_est eet.comparators_departure `df'
csc_put eet.comparators_n `: word count `comparators''
* Logit sensitivity run: the same model on logit(y / scale); the impact on the logit scale
generate double _ly = logit(eet_pct / 100)
newey _ly `X', lag(2) force
lincom _z_x `ramp'
csc_est eet.impact_logit `df'
* ... and back on the original scale by the delta method (nlcom): the treated unit's fitted
* minus projected value, minus the comparators', each through the inverse logit
local def
if `first' + `te' * `step' >= 2014 local def "`def' + _b[_def_1]"
local c1 "_b[_cons] + _b[_t] * `te' + _b[_z] + _b[_z_t] * `te' `def'"
local a1 "`c1' + _b[_x] + _b[_z_x]"
local c0 "_b[_cons] + _b[_t] * `te' `def'"
local a0 "`c0' + _b[_x]"
if `slope' {
    local a1 "`a1' + (`te' - `T') * (_b[_x_t] + _b[_z_x_t])"
    local a0 "`a0' + (`te' - `T') * _b[_x_t]"
}
nlcom 100 * (invlogit(`a1') - invlogit(`c1') - invlogit(`a0') + invlogit(`c0'))
csc_est eet.impact_logit_pp `df' el(r(b),1,1) sqrt(el(r(V),1,1))
* The same model with itsa (ssc install itsa): the treated unit against the comparators kept above
capture which itsa
if !_rc {
    preserve
    tsset old_la_code _tm
    itsa eet_pct, treatid(815) trperiod(`=2019') lag(2) posttrend replace
    restore
}

* ---- The results file ----------------------------------------------------------
file close csc_out
display as text "nwd_leaving_care: results written to `dofile_dir'/nwd_leaving_care_results.csv"
