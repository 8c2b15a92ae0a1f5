* lincs_benchmarks.do: Lincolnshire referrals and no-further-action share against statistical neighbours and England
*
* Written by `csceval export --to stata recipes/lincs_benchmarks.lua` (csceval 0.1.0) from
* the recipe recipes/lincs_benchmarks.lua (design "benchmark"). It loads the same inputs and runs the
* same analysis with Stata's standard commands, so that the evaluation can be rerun and checked
* in Stata (16 or later). Run it from the folder csceval was run in (the project root):
*   do tests/out/export_stata/golden/lincs_benchmarks.do
* It writes its key results, one name,value row each, to lincs_benchmarks_results.csv beside
* itself, named as csceval names its estimates in results.json (`csceval run`).
* csceval's tests check this do-file's structure only; they do not run it (Stata is not on
* the build machine), so its numbers have not been compared with csceval's: see docs/export.md.
*
* Question: How did referrals to Lincolnshire's children's social care, and the share
* closed with no further action, move from 2012/13 to 2024/25, compared with similar
* authorities and England?

version 16
clear all
set more off

* The folder of this do-file, where synthetic and prepared data are read and the results
* written: $CSC_DIR when set (a do-file moved elsewhere), else tests/out/export_stata/golden when the do-file
* is there, else the current folder.
local dofile_dir `"$CSC_DIR"'
if `"`dofile_dir'"' == "" {
    local dofile_dir "tests/out/export_stata/golden"
    capture confirm file `"`dofile_dir'/lincs_benchmarks.do"'
    if _rc local dofile_dir `"`c(pwd)'"'
}

* Key results, one name,value row each, written as they are computed.
capture file close csc_out
file open csc_out using `"`dofile_dir'/lincs_benchmarks_results.csv"', write text replace
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
* lait: ../shared/data/lait/lait_csc_key_measures_2015_2025_long.csv, 54740 rows, 7 columns
import delimited using "../shared/data/lait/lait_csc_key_measures_2015_2025_long.csv", clear varnames(nonames) rowrange(2) encoding("utf-8") bindquote(strict) stringcols(_all)
* the columns, in file order (csceval's names in the variable labels)
rename (v1 v2 v3 v4 v5 v6 v7) (measure_short year la_number area_name region value source_commit)
label variable measure_short "measure_short"
label variable year "year"
label variable la_number "la_number"
label variable area_name "area_name"
label variable region "region"
label variable value "value"
label variable source_commit "source_commit"
* numbers: empty cells and DfE's symbols (c, x, z, k, u, low, :) become missing, as csceval reads them
destring year la_number, replace force
tempfile input_lait
save `input_lait'
* neighbours: ../shared/data/ees/New_Statistical_Neighbour_Groupings_April_2021.csv, 159 rows, 25 columns
import delimited using "../shared/data/ees/New_Statistical_Neighbour_Groupings_April_2021.csv", clear varnames(nonames) rowrange(2) encoding("utf-8") bindquote(strict) stringcols(_all)
* the columns, in file order (csceval's names in the variable labels)
rename (v1 v2 v3 v4 v5 v6 v7 v8 v9 v10 v11 v12 v13 v14 v15 v16 v17 v18 v19 v20 v21 v22 v23 v24 v25) (LA_num LA_Name LA_number GOInd GOReg SN1 SNP SN2 SNP_2 SN3 SNP_3 SN4 SNP_4 SN5 SNP_5 SN6 SNP_6 SN7 SNP_7 SN8 SNP_8 SN9 SNP_9 SN10 SNP_10)
label variable LA_num "LA num"
label variable LA_Name "LA Name"
label variable LA_number "LA number"
label variable GOInd "GOInd"
label variable GOReg "GOReg"
label variable SN1 "SN1"
label variable SNP "SNP"
label variable SN2 "SN2"
label variable SNP_2 "SNP_2"
label variable SN3 "SN3"
label variable SNP_3 "SNP_3"
label variable SN4 "SN4"
label variable SNP_4 "SNP_4"
label variable SN5 "SN5"
label variable SNP_5 "SNP_5"
label variable SN6 "SN6"
label variable SNP_6 "SNP_6"
label variable SN7 "SN7"
label variable SNP_7 "SNP_7"
label variable SN8 "SN8"
label variable SNP_8 "SNP_8"
label variable SN9 "SN9"
label variable SNP_9 "SNP_9"
label variable SN10 "SN10"
label variable SNP_10 "SNP_10"
* numbers: empty cells and DfE's symbols (c, x, z, k, u, low, :) become missing, as csceval reads them
destring LA_num LA_number GOInd SN1 SN2 SN3 SN4 SN5 SN6 SN7 SN8 SN9 SN10, replace force
tempfile input_neighbours
save `input_neighbours'
* population: ../shared/data/ees/ons_mid-year_population_estimates_2012_to_2024.csv, 2132 rows, 12 columns
import delimited using "../shared/data/ees/ons_mid-year_population_estimates_2012_to_2024.csv", clear varnames(nonames) rowrange(2) encoding("utf-8") bindquote(strict) stringcols(_all)
* the columns, in file order (csceval's names in the variable labels)
rename (v1 v2 v3 v4 v5 v6 v7 v8 v9 v10 v11 v12) (time_period time_identifier geographic_level country_code country_name region_code region_name old_la_code new_la_code la_name age_group population_estimate)
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
label variable age_group "age_group"
label variable population_estimate "population_estimate"
* numbers: empty cells and DfE's symbols (c, x, z, k, u, low, :) become missing, as csceval reads them
destring time_period old_la_code population_estimate, replace force
tempfile input_population
save `input_population'
* referrals: ../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv, 2132 rows, 21 columns
import delimited using "../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", clear varnames(nonames) rowrange(2) encoding("utf-8") bindquote(strict) stringcols(_all)
* the columns, in file order (csceval's names in the variable labels)
rename (v1 v2 v3 v4 v5 v6 v7 v8 v9 v10 v11 v12 v13 v14 v15 v16 v17 v18 v19 v20 v21) (time_period time_identifier geographic_level country_code country_name region_code region_name old_la_code new_la_code la_name category referral_count rereferral_count rereferral_percent no_further_action_count no_further_action_percent not_in_need_count not_in_need_percent referral_child_count rereferral_child_count rereferral_child_percent)
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
* numbers: empty cells and DfE's symbols (c, x, z, k, u, low, :) become missing, as csceval reads them
destring time_period old_la_code referral_count rereferral_count rereferral_percent no_further_action_count no_further_action_percent not_in_need_count not_in_need_percent referral_child_count rereferral_child_count rereferral_child_percent, replace force
tempfile input_referrals
save `input_referrals'

* ---- Benchmarking against statistical neighbours and England --------------------
* Lincolnshire's statistical neighbours (2021 statistical neighbours)
use `input_neighbours', clear
keep if LA_num == 925
local neighbours
foreach v in SN1 SN2 SN3 SN4 SN5 SN6 SN7 SN8 SN9 SN10 {
    if !missing(`v'[1]) local neighbours `neighbours' `=`v'[1]'
}
display as text "neighbours: `neighbours'"

* ---- Measure referral_rate: Referrals per 10,000 children
use `input_referrals', clear
keep if geographic_level == "Local authority" | geographic_level == "National"
generate double _code = cond(geographic_level == "National", 0, old_la_code)   // England as 0
generate double _year = time_period
generate double _num = referral_count
keep _code _year _num
duplicates drop _code _year, force
tempfile num
save `num'
use `input_population', clear
keep if geographic_level == "Local authority" | geographic_level == "National"
generate double _code = cond(geographic_level == "National", 0, old_la_code)
generate double _year = time_period + 1   // the denominator of year Y is the figure for Y - 1
generate double _den = population_estimate
keep _code _year _den
duplicates drop _code _year, force
merge 1:1 _code _year using `num', keep(using match) nogenerate
generate double _value = _num / _den * 10000 if _den != 0 & !missing(_den)
drop if missing(_code)
keep _code _year _value
rename (_code _year _value) (code year value)
keep if year >= 2013 & year <= 2025
duplicates drop code year, force
tempfile values
save `values'
* rank among all authorities (1 = the highest; ties share the best rank) and quartile
egen rank = rank(-value) if code != 0 & !missing(value), by(year) field
egen ranked = count(value) if code != 0 & !missing(value), by(year)
generate quartile = ceil(4 * rank / ranked)
* the neighbours' mean of their own figures (not of pooled counts), by year
preserve
keep if inlist(code, `=subinstr("`neighbours'", " ", ",", .)') & !missing(value)
collapse (mean) neighbours_mean = value (count) neighbours_n = value, by(year)
tempfile nbmean
save `nbmean'
restore
keep if code == 925 | code == 0
generate str9 who = cond(code == 0, "england", "authority")
keep year who value rank ranked quartile
reshape wide value rank ranked quartile, i(year) j(who) string
merge 1:1 year using `nbmean', nogenerate
sort year
list year valueauthority neighbours_mean valueengland rankauthority quartileauthority, noobs
forvalues i = 1/`=_N' {
    local y = year[`i']
    if !missing(valueauthority[`i']) csc_put referral_rate.authority.`y' valueauthority[`i']
    if !missing(neighbours_mean[`i']) {
        csc_put referral_rate.neighbours_mean.`y' neighbours_mean[`i']
        csc_put referral_rate.neighbours_mean.`y':n neighbours_n[`i']
    }
    if !missing(valueengland[`i']) csc_put referral_rate.england.`y' valueengland[`i']
    if !missing(valueauthority[`i'], neighbours_mean[`i']) csc_put referral_rate.below_neighbours.`y' valueauthority[`i'] < neighbours_mean[`i']
    if !missing(valueauthority[`i'], valueengland[`i']) csc_put referral_rate.below_england.`y' valueauthority[`i'] < valueengland[`i']
    if !missing(rankauthority[`i']) {
        csc_put referral_rate.rank.`y' rankauthority[`i']
        csc_put referral_rate.rank.`y':n rankedauthority[`i']
    }
    if !missing(quartileauthority[`i']) csc_put referral_rate.quartile.`y' quartileauthority[`i']
}

* ---- Measure nfa_share: Referrals with no further action (%)
use `input_referrals', clear
keep if geographic_level == "Local authority" | geographic_level == "National"
generate double _code = cond(geographic_level == "National", 0, old_la_code)   // England as 0
generate double _year = time_period
generate double _num = no_further_action_count
generate double _den = referral_count
generate double _value = _num / _den * 100 if _den != 0
drop if missing(_code)
keep _code _year _value
rename (_code _year _value) (code year value)
keep if year >= 2013 & year <= 2025
duplicates drop code year, force
tempfile values
save `values'
* rank among all authorities (1 = the highest; ties share the best rank) and quartile
egen rank = rank(-value) if code != 0 & !missing(value), by(year) field
egen ranked = count(value) if code != 0 & !missing(value), by(year)
generate quartile = ceil(4 * rank / ranked)
* the neighbours' mean of their own figures (not of pooled counts), by year
preserve
keep if inlist(code, `=subinstr("`neighbours'", " ", ",", .)') & !missing(value)
collapse (mean) neighbours_mean = value (count) neighbours_n = value, by(year)
tempfile nbmean
save `nbmean'
restore
keep if code == 925 | code == 0
generate str9 who = cond(code == 0, "england", "authority")
keep year who value rank ranked quartile
reshape wide value rank ranked quartile, i(year) j(who) string
merge 1:1 year using `nbmean', nogenerate
sort year
list year valueauthority neighbours_mean valueengland rankauthority quartileauthority, noobs
forvalues i = 1/`=_N' {
    local y = year[`i']
    if !missing(valueauthority[`i']) csc_put nfa_share.authority.`y' valueauthority[`i']
    if !missing(neighbours_mean[`i']) {
        csc_put nfa_share.neighbours_mean.`y' neighbours_mean[`i']
        csc_put nfa_share.neighbours_mean.`y':n neighbours_n[`i']
    }
    if !missing(valueengland[`i']) csc_put nfa_share.england.`y' valueengland[`i']
    if !missing(valueauthority[`i'], neighbours_mean[`i']) csc_put nfa_share.below_neighbours.`y' valueauthority[`i'] < neighbours_mean[`i']
    if !missing(valueauthority[`i'], valueengland[`i']) csc_put nfa_share.below_england.`y' valueauthority[`i'] < valueengland[`i']
    if !missing(rankauthority[`i']) {
        csc_put nfa_share.rank.`y' rankauthority[`i']
        csc_put nfa_share.rank.`y':n rankedauthority[`i']
    }
    if !missing(quartileauthority[`i']) csc_put nfa_share.quartile.`y' quartileauthority[`i']
}

* ---- Measure lac_rate: Children looked after at 31 March per 10,000 children
* the LAIT indicator LAC as published (England is LAIT code 970)
use `input_lait', clear
keep if measure_short == "LAC"
destring value, replace force   // LAIT's value column: suppressed figures become missing
generate double _code = la_number
generate double _year = year
generate double _value = value
replace _code = 0 if _code == 970   // England
drop if _code > 970   // regions
keep _code _year _value
rename (_code _year _value) (code year value)
keep if year >= 2013 & year <= 2025
duplicates drop code year, force
tempfile values
save `values'
* rank among all authorities (1 = the lowest; ties share the best rank) and quartile
egen rank = rank(value) if code != 0 & !missing(value), by(year) field
egen ranked = count(value) if code != 0 & !missing(value), by(year)
generate quartile = ceil(4 * rank / ranked)
* the neighbours' mean of their own figures (not of pooled counts), by year
preserve
keep if inlist(code, `=subinstr("`neighbours'", " ", ",", .)') & !missing(value)
collapse (mean) neighbours_mean = value (count) neighbours_n = value, by(year)
tempfile nbmean
save `nbmean'
restore
keep if code == 925 | code == 0
generate str9 who = cond(code == 0, "england", "authority")
keep year who value rank ranked quartile
reshape wide value rank ranked quartile, i(year) j(who) string
merge 1:1 year using `nbmean', nogenerate
sort year
list year valueauthority neighbours_mean valueengland rankauthority quartileauthority, noobs
forvalues i = 1/`=_N' {
    local y = year[`i']
    if !missing(valueauthority[`i']) csc_put lac_rate.authority.`y' valueauthority[`i']
    if !missing(neighbours_mean[`i']) {
        csc_put lac_rate.neighbours_mean.`y' neighbours_mean[`i']
        csc_put lac_rate.neighbours_mean.`y':n neighbours_n[`i']
    }
    if !missing(valueengland[`i']) csc_put lac_rate.england.`y' valueengland[`i']
    if !missing(valueauthority[`i'], neighbours_mean[`i']) csc_put lac_rate.below_neighbours.`y' valueauthority[`i'] < neighbours_mean[`i']
    if !missing(valueauthority[`i'], valueengland[`i']) csc_put lac_rate.below_england.`y' valueauthority[`i'] < valueengland[`i']
    if !missing(rankauthority[`i']) {
        csc_put lac_rate.rank.`y' rankauthority[`i']
        csc_put lac_rate.rank.`y':n rankedauthority[`i']
    }
    if !missing(quartileauthority[`i']) csc_put lac_rate.quartile.`y' quartileauthority[`i']
}

* ---- Measure cpp_rate: Children on a child protection plan at 31 March per 10,000 children
* the LAIT indicator CPP_rate as published (England is LAIT code 970)
use `input_lait', clear
keep if measure_short == "CPP_rate"
destring value, replace force   // LAIT's value column: suppressed figures become missing
generate double _code = la_number
generate double _year = year
generate double _value = value
replace _code = 0 if _code == 970   // England
drop if _code > 970   // regions
keep _code _year _value
rename (_code _year _value) (code year value)
keep if year >= 2013 & year <= 2025
duplicates drop code year, force
tempfile values
save `values'
* rank among all authorities (1 = the lowest; ties share the best rank) and quartile
egen rank = rank(value) if code != 0 & !missing(value), by(year) field
egen ranked = count(value) if code != 0 & !missing(value), by(year)
generate quartile = ceil(4 * rank / ranked)
* the neighbours' mean of their own figures (not of pooled counts), by year
preserve
keep if inlist(code, `=subinstr("`neighbours'", " ", ",", .)') & !missing(value)
collapse (mean) neighbours_mean = value (count) neighbours_n = value, by(year)
tempfile nbmean
save `nbmean'
restore
keep if code == 925 | code == 0
generate str9 who = cond(code == 0, "england", "authority")
keep year who value rank ranked quartile
reshape wide value rank ranked quartile, i(year) j(who) string
merge 1:1 year using `nbmean', nogenerate
sort year
list year valueauthority neighbours_mean valueengland rankauthority quartileauthority, noobs
forvalues i = 1/`=_N' {
    local y = year[`i']
    if !missing(valueauthority[`i']) csc_put cpp_rate.authority.`y' valueauthority[`i']
    if !missing(neighbours_mean[`i']) {
        csc_put cpp_rate.neighbours_mean.`y' neighbours_mean[`i']
        csc_put cpp_rate.neighbours_mean.`y':n neighbours_n[`i']
    }
    if !missing(valueengland[`i']) csc_put cpp_rate.england.`y' valueengland[`i']
    if !missing(valueauthority[`i'], neighbours_mean[`i']) csc_put cpp_rate.below_neighbours.`y' valueauthority[`i'] < neighbours_mean[`i']
    if !missing(valueauthority[`i'], valueengland[`i']) csc_put cpp_rate.below_england.`y' valueauthority[`i'] < valueengland[`i']
    if !missing(rankauthority[`i']) {
        csc_put cpp_rate.rank.`y' rankauthority[`i']
        csc_put cpp_rate.rank.`y':n rankedauthority[`i']
    }
    if !missing(quartileauthority[`i']) csc_put cpp_rate.quartile.`y' quartileauthority[`i']
}

* ---- Measure placements_3plus: Children looked after with 3 or more placements in the year (%)
* the LAIT indicator LACStable_2016on as published (England is LAIT code 970)
use `input_lait', clear
keep if measure_short == "LACStable_2016on"
destring value, replace force   // LAIT's value column: suppressed figures become missing
generate double _code = la_number
generate double _year = year
generate double _value = value
replace _code = 0 if _code == 970   // England
drop if _code > 970   // regions
keep _code _year _value
rename (_code _year _value) (code year value)
keep if year >= 2013 & year <= 2025
duplicates drop code year, force
tempfile values
save `values'
* rank among all authorities (1 = the lowest; ties share the best rank) and quartile
egen rank = rank(value) if code != 0 & !missing(value), by(year) field
egen ranked = count(value) if code != 0 & !missing(value), by(year)
generate quartile = ceil(4 * rank / ranked)
* the neighbours' mean of their own figures (not of pooled counts), by year
preserve
keep if inlist(code, `=subinstr("`neighbours'", " ", ",", .)') & !missing(value)
collapse (mean) neighbours_mean = value (count) neighbours_n = value, by(year)
tempfile nbmean
save `nbmean'
restore
keep if code == 925 | code == 0
generate str9 who = cond(code == 0, "england", "authority")
keep year who value rank ranked quartile
reshape wide value rank ranked quartile, i(year) j(who) string
merge 1:1 year using `nbmean', nogenerate
sort year
list year valueauthority neighbours_mean valueengland rankauthority quartileauthority, noobs
forvalues i = 1/`=_N' {
    local y = year[`i']
    if !missing(valueauthority[`i']) csc_put placements_3plus.authority.`y' valueauthority[`i']
    if !missing(neighbours_mean[`i']) {
        csc_put placements_3plus.neighbours_mean.`y' neighbours_mean[`i']
        csc_put placements_3plus.neighbours_mean.`y':n neighbours_n[`i']
    }
    if !missing(valueengland[`i']) csc_put placements_3plus.england.`y' valueengland[`i']
    if !missing(valueauthority[`i'], neighbours_mean[`i']) csc_put placements_3plus.below_neighbours.`y' valueauthority[`i'] < neighbours_mean[`i']
    if !missing(valueauthority[`i'], valueengland[`i']) csc_put placements_3plus.below_england.`y' valueauthority[`i'] < valueengland[`i']
    if !missing(rankauthority[`i']) {
        csc_put placements_3plus.rank.`y' rankauthority[`i']
        csc_put placements_3plus.rank.`y':n rankedauthority[`i']
    }
    if !missing(quartileauthority[`i']) csc_put placements_3plus.quartile.`y' quartileauthority[`i']
}

* ---- The results file ----------------------------------------------------------
file close csc_out
display as text "lincs_benchmarks: results written to `dofile_dir'/lincs_benchmarks_results.csv"
