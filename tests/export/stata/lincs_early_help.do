* lincs_early_help.do: Lincolnshire Early Help offer: interrupted time series of monthly referrals and of the share with no further action
*
* Written by `csceval export --to stata recipes/lincs_early_help.lua` (csceval 0.1.0) from
* the recipe recipes/lincs_early_help.lua (design "its"). It loads the same inputs and runs the
* same analysis with Stata's standard commands, so that the evaluation can be rerun and checked
* in Stata (16 or later). Run it from the folder csceval was run in (the project root):
*   do tests/out/export_stata/golden/lincs_early_help.do
* It writes its key results, one name,value row each, to lincs_early_help_results.csv beside
* itself, named as csceval names its estimates in results.json (`csceval run`).
* csceval's tests check this do-file's structure only; they do not run it (Stata is not on
* the build machine), so its numbers have not been compared with csceval's: see docs/export.md.
*
* Question: Did referrals to Lincolnshire's children's social care, and the share of them
* closed with no further action, change in level or trend when the Early Help offer began
* in April 2018?
*
* SYNTHETIC DATA: the input(s) monthly are synthetic records made
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
    capture confirm file `"`dofile_dir'/lincs_early_help.do"'
    if _rc local dofile_dir `"`c(pwd)'"'
}

* Key results, one name,value row each, written as they are computed.
capture file close csc_out
file open csc_out using `"`dofile_dir'/lincs_early_help_results.csv"', write text replace
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
* monthly: data/lincs_early_help/referrals_monthly.csv, 24 rows, 4 columns (SYNTHETIC, copied beside this do-file as lincs_early_help_monthly.csv)
*   read by the recipe's data preparation (below), not by this do-file

* ---- The data the design analyses ---------------------------------------------
* The recipe's data preparation is a list of steps (design.steps, recipes/lincs_early_help.lua), from input monthly:
*   1. { derive = "nfa_pct", as = "no_further_action_count / referral_count * 100" }
* csceval ran them once and wrote the result beside this do-file; the do-file reads that frame.
* 24 rows: month, time_period, referral_count, no_further_action_count, nfa_pct
import delimited using `"`dofile_dir'/lincs_early_help_prepared.csv"', clear varnames(nonames) rowrange(2) encoding("utf-8") bindquote(strict) stringcols(_all)
* the columns, in file order (csceval's names in the variable labels)
rename (v1 v2 v3 v4 v5) (month time_period referral_count no_further_action_count nfa_pct)
label variable month "month"
label variable time_period "time_period"
label variable referral_count "referral_count"
label variable no_further_action_count "no_further_action_count"
label variable nfa_pct "nfa_pct"
* numbers: empty cells and DfE's symbols (c, x, z, k, u, low, :) become missing, as csceval reads them
destring time_period referral_count no_further_action_count nfa_pct, replace force
count
display as text "analysis data: " r(N) " rows"
tempfile analysis
save `analysis'

* ---- Segmented regression (itsa's model) with csceval's autocorrelation workflow --
capture program drop csc_autocorr
program define csc_autocorr, rclass
    * csc_autocorr RESIDUAL MAXLAG: csceval's rule for the standard errors after OLS.
    * Returns r(found) (autocorrelation found), r(lstar) (the lag for Newey-West) and
    * r(ar1) (a single PACF spike at lag 1: Prais-Winsten).
    args e L
    quietly estat bgodfrey, lags(`=cond(`L' == 1, "1", "1 `L'")')
    tempname P
    matrix `P' = r(p)
    local p1 = `P'[1, 1]
    local pL = `P'[1, colsof(`P')]
    quietly wntestq `e', lags(`L')
    local plb = r(p)
    local found = (`p1' < $CSC_ALPHA) | (`pL' < $CSC_ALPHA) | (`plb' < $CSC_ALPHA)
    quietly count if !missing(`e')
    local n = r(N)
    quietly corrgram `e', lags(`L') noplot
    local band = invnormal(0.975) / sqrt(`n')
    * Durbin-Levinson: phi(l,l) from the autocorrelations r(ac1)..r(acL)
    tempname ac phi prev
    matrix `ac' = J(1, `L', 0)
    forvalues l = 1/`L' {
        matrix `ac'[1, `l'] = r(ac`l')
    }
    matrix `phi' = J(`L', `L', 0)
    local lstar = 0
    forvalues l = 1/`L' {
        if `l' == 1 matrix `phi'[1, 1] = `ac'[1, 1]
        else {
            local num = `ac'[1, `l']
            local den = 1
            forvalues j = 1/`=`l' - 1' {
                local num = `num' - `phi'[`l' - 1, `j'] * `ac'[1, `l' - `j']
                local den = `den' - `phi'[`l' - 1, `j'] * `ac'[1, `j']
            }
            matrix `phi'[`l', `l'] = `num' / `den'
            forvalues j = 1/`=`l' - 1' {
                matrix `phi'[`l', `j'] = `phi'[`l' - 1, `j'] - `phi'[`l', `l'] * `phi'[`l' - 1, `l' - `j']
            }
        }
        if abs(`phi'[`l', `l']) > `band' local lstar = `l'
    }
    local ar1 = abs(`phi'[1, 1]) > `band' & `lstar' == 1
    if `found' & `lstar' == 0 local lstar = 1
    if !`found' local lstar = 0
    local cap = max(1, floor(4 * (`n' / 100)^(2 / 9)))
    if `lstar' > `cap' local lstar = `cap'
    display as text "  Breusch-Godfrey(1) p = " %5.3f `p1' ", (`L') p = " %5.3f `pL' "; Ljung-Box(`L') p = " %5.3f `plb'
    return scalar found = `found'
    return scalar lstar = `lstar'
    return scalar ar1 = `ar1'
end

* The time axis (as csceval's): month as a number; dates count months
capture confirm numeric variable month
if _rc {
    generate double _tm = ym(real(substr(month, 1, 4)), real(substr(month, 6, 2)))
}
else generate double _tm = month
sort _tm
quietly summarize _tm
local first = r(min)
* the axis step: the smallest gap between times
generate double _gap = _tm[_n + 1] - _tm if _tm[_n + 1] > _tm
quietly summarize _gap
local step = cond(r(N) > 0, r(min), 1)
drop _gap
generate double _t = (_tm - `first') / `step'   // itsa's _t: periods since the first (0, 1, 2, ...)
local T1 = (ym(2018, 4) - `first') / `step'   // interruption 1 on the t scale
generate byte _x = _t >= `T1' - 1e-9   // step: 1 from the interruption on
generate double _x_t = (_t >= `T1' - 1e-9) * (_t - `T1')   // ramp: 0 at the interruption
local cap = cond(substr("`: type month'", 1, 3) == "str", 12, 3)
tempfile series
save `series'

* ---- Outcome referrals: Referrals to children's social care per month (Figure 6)
use `series', clear
drop if missing(referral_count)
* the rows in time order, counted without gaps: Newey-West and Prais-Winsten treat
* the remaining rows as consecutive (Stata's force), as csceval does
sort _tm
generate long _row = _n
tsset _row
regress referral_count _t _x _x_t
local n = e(N)
local k = e(df_m) + 1
estat dwatson
local dw = r(dw)
predict double _e, residuals
local L = max(1, min(`cap', floor(`n' / 4), `n' - `k' - 2))
csc_autocorr _e `L'
local method = cond(!r(found), "ols", cond(r(ar1) & r(lstar) <= 1, "prais", "newey"))
local lag = max(r(lstar), 1)
display as text "  Durbin-Watson d = " %6.3f `dw' " -> `method'"
if "`method'" == "newey" {
    newey referral_count _t _x _x_t, lag(`lag') force   // Bartlett weights, n/(n-k): csceval's Newey-West
}
else if "`method'" == "prais" | "`method'" == "corc" {
    prais referral_count _t _x _x_t, rhotype(regress)`=cond("`method'" == "corc", " corc", "")'
    csc_put referrals.rho e(rho)
}
else {
    regress referral_count _t _x _x_t
}
local df = e(df_r)
lincom _x
csc_est referrals.level_change `df'
csc_est referrals.level_change_1 `df'
lincom _x_t
csc_est referrals.slope_change `df'
csc_est referrals.slope_change_1 `df'
* slopes before the first and after the last interruption (itsa's posttrend)
lincom _t
csc_est referrals.pre_slope `df'
lincom _t + _x_t
csc_est referrals.post_slope `df'
* the effect at the last period: fitted minus the projected pre-interruption line
lincom `=_x[_N]' * _x + `=_x_t[_N]' * _x_t
csc_est referrals.effect_end `df'
csc_put referrals.durbin_watson `dw'
quietly summarize referral_count if _tm < ym(2018, 4)
csc_put referrals.mean_pre r(mean)
* The same model with itsa (ssc install itsa), which builds _t, _x and _x_t itself;
* itsa fits Newey-West errors (lag(0) is robust, not OLS) or, with prais, Prais-Winsten.
capture which itsa
if !_rc {
    preserve
    tsset _tm
    itsa referral_count, single trperiod(`=ym(2018, 4)') lag(`=cond("`method'" == "newey", `lag', 0)') posttrend replace
    restore
}

* ---- Outcome nfa: Referrals with no further action, % of the month's referrals (Figure 8)
use `series', clear
drop if missing(nfa_pct)
* the rows in time order, counted without gaps: Newey-West and Prais-Winsten treat
* the remaining rows as consecutive (Stata's force), as csceval does
sort _tm
generate long _row = _n
tsset _row
regress nfa_pct _t _x _x_t
local n = e(N)
local k = e(df_m) + 1
estat dwatson
local dw = r(dw)
predict double _e, residuals
local L = max(1, min(`cap', floor(`n' / 4), `n' - `k' - 2))
csc_autocorr _e `L'
local method = cond(!r(found), "ols", cond(r(ar1) & r(lstar) <= 1, "prais", "newey"))
local lag = max(r(lstar), 1)
display as text "  Durbin-Watson d = " %6.3f `dw' " -> `method'"
if "`method'" == "newey" {
    newey nfa_pct _t _x _x_t, lag(`lag') force   // Bartlett weights, n/(n-k): csceval's Newey-West
}
else if "`method'" == "prais" | "`method'" == "corc" {
    prais nfa_pct _t _x _x_t, rhotype(regress)`=cond("`method'" == "corc", " corc", "")'
    csc_put nfa.rho e(rho)
}
else {
    regress nfa_pct _t _x _x_t
}
local df = e(df_r)
lincom _x
csc_est nfa.level_change `df'
csc_est nfa.level_change_1 `df'
lincom _x_t
csc_est nfa.slope_change `df'
csc_est nfa.slope_change_1 `df'
* slopes before the first and after the last interruption (itsa's posttrend)
lincom _t
csc_est nfa.pre_slope `df'
lincom _t + _x_t
csc_est nfa.post_slope `df'
* the effect at the last period: fitted minus the projected pre-interruption line
lincom `=_x[_N]' * _x + `=_x_t[_N]' * _x_t
csc_est nfa.effect_end `df'
csc_put nfa.durbin_watson `dw'
quietly summarize nfa_pct if _tm < ym(2018, 4)
csc_put nfa.mean_pre r(mean)
* The same model with itsa (ssc install itsa), which builds _t, _x and _x_t itself;
* itsa fits Newey-West errors (lag(0) is robust, not OLS) or, with prais, Prais-Winsten.
capture which itsa
if !_rc {
    preserve
    tsset _tm
    itsa nfa_pct, single trperiod(`=ym(2018, 4)') lag(`=cond("`method'" == "newey", `lag', 0)') posttrend replace
    restore
}

* ---- The results file ----------------------------------------------------------
file close csc_out
display as text "lincs_early_help: results written to `dofile_dir'/lincs_early_help_results.csv"
