---@meta
-- LuaLS annotations for csceval recipes, generated from the schemas by `make docs`; do not edit.
-- Editors with the Lua language server complete and check a recipe annotated as
--   ---@type csc.Recipe
--   local recipe = { ... }
--   return recipe
-- (add lua/meta to the workspace library in .luarc.json: {"workspace.library": ["lua/meta"]})

---@class csc.Recipe
---@field alpha? number
---@field checks? function function(ctx) run after the design: the recipe's own assertions and derived figures
---@field data_note? string
---@field disclosure? csc.Recipe.Disclosure disclosure control for outputs built from record-level input (on by default for such input)
---@field evidence? string the strength of the evidence in a sentence, for the report and out/index; {estimate} or {estimate.field} (optionally {estimate.p:%.3f}) is filled from the run's estimates
---@field id? string
---@field inputs table<string, csc.Recipe.Inputs>
---@field labels? table<string, string> estimate keys (or their leading parts) and column names in plain words for the report, e.g. labels = { referrals = "Referrals per month" } (csc.render.labels)
---@field limitations? string[]
---@field outputs? csc.Recipe.Outputs
---@field published? (csc.Recipe.Published|csc.Recipe.Published2|csc.Recipe.Published3)[]
---@field question string the evaluation question in plain English
---@field seed? integer
---@field source csc.Recipe.Source
---@field strength? csc.Recipe.Strength strength of evidence on the Innovation Programme's scale; see docs/synthesis.md
---@field tables? csc.Recipe.Tables[] result tables made from the inputs by steps, written as any result table (docs/recipes.md, "Result tables from the inputs")
---@field timings? boolean add a table of the time each step of the run took, with the process's peak resident memory and the size of the inputs' column data, to the report (its figures then differ from run to run)
---@field title string
---@field warnings? string[] fixed warnings the run always gives (e.g. what synthetic data can and cannot show), shown with the design's warnings
---@field design csc.Design.Benchmark|csc.Design.Cits|csc.Design.Custom|csc.Design.Did|csc.Design.Economic|csc.Design.Ipw|csc.Design.Its|csc.Design.Matching|csc.Design.Ssda903|csc.Design.Survey|csc.Design.Synthesis the design: its type and fields

---@class csc.Design.Benchmark
---@field authority integer|string old_la_code of the authority
---@field authority_name string
---@field checks? csc.Design.Benchmark.Checks[] arithmetic checks of a printed table: each printed percentage against 100 x count / base
---@field code_column? string column holding the authority code (default old_la_code)
---@field join_predecessors? boolean before a reorganisation, show the predecessor's figures for a successor authority (flagged; csc.benchmark.reorg)
---@field marker? csc.Design.Benchmark.Marker an intervention-year marker: a dashed vertical line on each chart before year `at`
---@field measures csc.Design.Benchmark.Measures[]
---@field neighbour_lines? boolean draw each neighbour's own line (thin, grey) behind the summary lines
---@field neighbours csc.Design.Benchmark.Neighbours
---@field years csc.Design.Benchmark.Years
---@field type "benchmark"

---@class csc.Design.Cits
---@field chart? boolean draw the ITS charts (default true)
---@field combine? "pool"|"mean"|"weighted"
---@field comparators? (integer|string)[]
---@field data? string the input holding the data (one row per period, or per unit and period)
---@field definition_change? any
---@field did? boolean|csc.Design.Cits.Did
---@field effect_at? any
---@field exclude? any[] times left out (transition periods): values or {from = ..., to = ...}
---@field format? "fy" "fy": show 2018 as 2017/18
---@field frequency? "month"|"quarter"|"year"|number
---@field from? any first time in the sample
---@field hac? "rows"|"time"
---@field inference? "t"|"z"
---@field interruption? any
---@field interruptions? any[]
---@field label? string a short name of the design for out/index (e.g. "Weighted Mahalanobis matching")
---@field lag? integer
---@field level? number
---@field logit_sensitivity? boolean
---@field name? string a readable unit name column
---@field outcomes csc.Design.Cits.Outcomes[]
---@field placebo? boolean|csc.Design.Cits.Placebo
---@field prepare? function function(data, ctx) returning the frame to analyse, data.NAME each input: for what steps cannot say (docs/recipes.md, "Preparing the data")
---@field rates? table<string, csc.Design.Cits.Rates> columns to make: name = {numerator, denominator = {input, column, year_lag}, per}
---@field region? string a region column (for select.region)
---@field season? csc.Design.Cits.Season
---@field select? csc.Design.Cits.Select
---@field steps? (csc.Step.Derive|csc.Step.Filter|csc.Step.Expand|csc.Step.Join|csc.Step.Select|csc.Step.Rename|csc.Step.Wider|csc.Step.Longer|csc.Step.Bind|csc.Step.Aggregate|csc.Step.PseudoStart|csc.Step.Age|csc.Step.EventCounts)[] the data preparation: steps run in order on the frame of `data`, each a table naming one verb (docs/recipes.md, "Preparing the data")
---@field summary? string the design in plain English, for the report
---@field time string the time column
---@field to? any last time in the sample
---@field treated any the treated unit's code
---@field unit string the unit code column
---@field weight? string weights for combine = "weighted" (child population)
---@field where? string filter expression applied to the frame first
---@field type "cits"

---@class csc.Design.Custom
---@field analyse function function(ctx) that computes the results
---@field label? string a short name of the design for out/index (e.g. "Weighted Mahalanobis matching")
---@field summary? string the design in plain English, for the report
---@field type "custom"

---@class csc.Design.Did
---@field chart? boolean draw the ITS charts (default true)
---@field cluster_df? "clusters"|"residual"
---@field comparators? (integer|string)[] default: every other unit
---@field covariates? string[]|string an adjustment set entered in the 2x2, two-way fixed-effects and event-study regressions: a list of columns or a one-sided formula "~ x + factor(g)"
---@field data? string the input holding the data (one row per period, or per unit and period)
---@field event_study? boolean|csc.Design.Did.Event_study
---@field exclude? any[] times left out (transition periods): values or {from = ..., to = ...}
---@field format? "fy" "fy": show 2018 as 2017/18
---@field frequency? "month"|"quarter"|"year"|number
---@field from? any first time in the sample
---@field label? string a short name of the design for out/index (e.g. "Weighted Mahalanobis matching")
---@field level? number
---@field name? string
---@field outcomes csc.Design.Did.Outcomes[]
---@field placebo? boolean
---@field prepare? function function(data, ctx) returning the frame to analyse, data.NAME each input: for what steps cannot say (docs/recipes.md, "Preparing the data")
---@field rates? table<string, csc.Design.Did.Rates> columns to make: name = {numerator, denominator = {input, column, year_lag}, per}
---@field start any the first period of the intervention
---@field steps? (csc.Step.Derive|csc.Step.Filter|csc.Step.Expand|csc.Step.Join|csc.Step.Select|csc.Step.Rename|csc.Step.Wider|csc.Step.Longer|csc.Step.Bind|csc.Step.Aggregate|csc.Step.PseudoStart|csc.Step.Age|csc.Step.EventCounts)[] the data preparation: steps run in order on the frame of `data`, each a table naming one verb (docs/recipes.md, "Preparing the data")
---@field summary? string the design in plain English, for the report
---@field time string the time column
---@field to? any last time in the sample
---@field treated integer|string|(integer|string)[]
---@field unit string
---@field vcov? "CR1"|"HC1"|"classical"
---@field where? string filter expression applied to the frame first
---@field type "did"

---@class csc.Design.Economic
---@field appraisals? csc.Design.Economic.Appraisals[]
---@field base_year? string the price year every unit cost is brought to
---@field break_even? csc.Design.Economic.Break_even[]
---@field checks? csc.Design.Economic.Checks[] relations the report states between its figures, each checked
---@field cost_tables? csc.Design.Economic.Cost_tables[]
---@field currency? string symbol shown with money (default £)
---@field deflators? csc.Design.Economic.Deflators
---@field derived? csc.Design.Economic.Derived[]|csc.Design.Economic.Derived a list, or {input = "derived"} to read them from an input with columns name, label, op, of (names or numbers, separated by spaces), and optionally unit and note (a quantity a row)
---@field figures? csc.Design.Economic.Figures[]|csc.Design.Economic.Figures a list, or {input = "figures"} to read them from an input with columns name, label, value, source, and optionally unit and note (a figure a row)
---@field label? string
---@field savings? csc.Design.Economic.Savings[]
---@field sensitivity? csc.Design.Economic.Sensitivity[]
---@field unit_costs? csc.Design.Economic.Unit_costs[]|csc.Design.Economic.Unit_costs a list, or {input = "unit_costs"} to read a unit-cost library
---@field type "economic"

---@class csc.Design.Ipw
---@field balance? csc.Design.Ipw.Balance
---@field bins? integer
---@field charts? boolean draw the love plot and the score overlap (default true)
---@field covariates string[]|string the propensity model; or a one-sided formula
---@field data? string the input holding one row per unit
---@field estimand? "ATT"|"ATE"|"ATC"
---@field label? string a short name of the design for out/index (e.g. "Weighted Mahalanobis matching")
---@field labels? table<string, string> column -> label for tables
---@field level? number
---@field link? "logit"|"probit"
---@field min_ess? number warn when a group's effective sample size falls below this share of its size (default 0.5)
---@field outcomes csc.Design.Ipw.Outcomes[]
---@field prepare? function function(data, ctx) returning the frame to analyse, data.NAME each input: for what steps cannot say (docs/recipes.md, "Preparing the data")
---@field stabilize? boolean
---@field steps? (csc.Step.Derive|csc.Step.Filter|csc.Step.Expand|csc.Step.Join|csc.Step.Select|csc.Step.Rename|csc.Step.Wider|csc.Step.Longer|csc.Step.Bind|csc.Step.Aggregate|csc.Step.PseudoStart|csc.Step.Age|csc.Step.EventCounts)[] the data preparation: steps run in order on the frame of `data`, each a table naming one verb (docs/recipes.md, "Preparing the data")
---@field summary? string the design in plain English, for the report
---@field treat string 0/1 (or true/false) column: 1 for the programme group
---@field trim? number|number[]
---@field truncate? number|number[]
---@field where? string filter expression applied to the frame first
---@field type "ipw"

---@class csc.Design.Its
---@field autocorrelation? any
---@field chart? boolean draw the ITS charts (default true)
---@field covariates? string[]|string an adjustment set: time-varying covariates entered in the model: a list of columns or a one-sided formula "~ x + factor(g)"
---@field data? string the input holding the data (one row per period, or per unit and period)
---@field definition_change? any time(s) from which a 0/1 dummy is added
---@field exclude? any[] times left out (transition periods): values or {from = ..., to = ...}
---@field format? "fy" "fy": show 2018 as 2017/18
---@field frequency? "month"|"quarter"|"year"|number
---@field from? any first time in the sample
---@field inference? "t"|"z"
---@field interruption? any the time the intervention began
---@field interruptions? any[] times, or {at = time, label = "...", level = true, slope = true}
---@field label? string a short name of the design for out/index (e.g. "Weighted Mahalanobis matching")
---@field level? number
---@field max_lag? integer
---@field outcomes csc.Design.Its.Outcomes[]
---@field prepare? function function(data, ctx) returning the frame to analyse, data.NAME each input: for what steps cannot say (docs/recipes.md, "Preparing the data")
---@field rates? table<string, csc.Design.Its.Rates> columns to make: name = {numerator, denominator = {input, column, year_lag}, per}
---@field season? csc.Design.Its.Season
---@field steps? (csc.Step.Derive|csc.Step.Filter|csc.Step.Expand|csc.Step.Join|csc.Step.Select|csc.Step.Rename|csc.Step.Wider|csc.Step.Longer|csc.Step.Bind|csc.Step.Aggregate|csc.Step.PseudoStart|csc.Step.Age|csc.Step.EventCounts)[] the data preparation: steps run in order on the frame of `data`, each a table naming one verb (docs/recipes.md, "Preparing the data")
---@field summary? string the design in plain English, for the report
---@field time string the time column
---@field to? any last time in the sample
---@field where? string filter expression applied to the frame first
---@field type "its"

---@class csc.Design.Matching
---@field analyses? csc.Design.Matching.Analyses[]
---@field balance? csc.Design.Matching.Balance
---@field caliper? number|table<string, number> SDs of the score, or {column = SDs}
---@field charts? boolean draw the love plot and the score overlap (default true)
---@field covariates? string[]|string matching covariates (Mahalanobis), or the propensity model's; or a one-sided formula
---@field data? string the input holding one row per unit
---@field discard? "none"|"both"|"control"|"treated"
---@field distance? "mahalanobis"|"logit"|"glm"|"probit"|"linear.logit"|"linear.probit" "glm" is MatchIt's name for "logit"
---@field estimand? "ATT"|"ATC"
---@field exact? string[]
---@field label? string a short name of the design for out/index (e.g. "Weighted Mahalanobis matching")
---@field labels? table<string, string> column -> label for tables
---@field level? number
---@field order? "data"|"largest"|"smallest"|"random"
---@field outcomes? csc.Design.Matching.Outcomes[]
---@field prepare? function function(data, ctx) returning the frame to analyse, data.NAME each input: for what steps cannot say (docs/recipes.md, "Preparing the data")
---@field ps_covariates? string[]|string the propensity model, when it differs from covariates; or a one-sided formula
---@field ratio? integer
---@field replace? boolean
---@field std_caliper? boolean
---@field steps? (csc.Step.Derive|csc.Step.Filter|csc.Step.Expand|csc.Step.Join|csc.Step.Select|csc.Step.Rename|csc.Step.Wider|csc.Step.Longer|csc.Step.Bind|csc.Step.Aggregate|csc.Step.PseudoStart|csc.Step.Age|csc.Step.EventCounts)[] the data preparation: steps run in order on the frame of `data`, each a table naming one verb (docs/recipes.md, "Preparing the data")
---@field summary? string the design in plain English, for the report
---@field treat string 0/1 (or true/false) column: 1 for the programme group
---@field weights? "smd"|table<string, number> covariate -> weight of a weighted Mahalanobis distance, or "smd": each covariate's absolute standardised difference before matching
---@field where? string filter expression applied to the frame first
---@field type "matching"

---@class csc.Design.Ssda903
---@field all_label? string caption name of the whole cohort (default "all")
---@field area? csc.Design.Ssda903.Area
---@field cohort "care_leavers"|"looked_after" care_leavers: young people with an OC3 row in the year's return; looked_after: children looked after at 31 March
---@field groups? csc.Design.Ssda903.Groups
---@field input string an input with format = "ssda903"
---@field white? string Lua pattern of ETHNIC codes counted as White (default "^W")
---@field type "ssda903"

---@class csc.Design.Survey
---@field analyses csc.Design.Survey.Analyses[]
---@field conf_level? number
---@field headline? string label of the estimate out/index shows for this recipe
---@field instrument? any instrument name in data/instruments/, a path, or a table
---@field instruments? table<string, any> several instruments by name, for steps that name theirs
---@field label? string
---@field small_counts? csc.Design.Survey.Small_counts
---@field small_group? integer groups smaller than this get a plain-word warning (default 10)
---@field summary? string
---@field type "survey"

---@class csc.Design.Synthesis
---@field columns? csc.Design.Synthesis.Columns
---@field costs? any an economic design's fields, run alongside (see docs/economic.md)
---@field evaluations? csc.Design.Synthesis.Evaluations[] evaluations given directly instead of an input
---@field flags? csc.Design.Synthesis.Flags[] ratings the report's own text puts in doubt; shown beside the evaluation and as warnings
---@field groups? string[] order of the groups in the cross-tab
---@field input? string the input with one row per evaluation
---@field label? string
---@field levels? csc.Design.Synthesis.Levels[] rules rating the analysis words; default: Table 4's wording
---@field overrides? csc.Design.Synthesis.Overrides[]
---@field results? csc.Design.Synthesis.Results[] rules classing the result words; default: as Table 3 counts them
---@field type "synthesis"

---@class csc.Recipe.Disclosure
---@field allow_small? string why this report may show small counts (e.g. to compare with a published table); the report shows a notice
---@field round? integer round every shown count to this base (e.g. 5)
---@field threshold? integer counts from 1 to threshold - 1 are suppressed (default 5)

---@class csc.Recipe.Inputs
---@field columns? string[]
---@field dataset? string a data set listed in data/datasets.csv, e.g. "statistical_neighbours_2021": its path, description, columns, types and provenance come from there (csc.sources)
---@field description? string
---@field format? "csv"|"ssda903"|"survey" csv (default: the format the extension says) or ssda903: a folder of SSDA903 CSV extracts (docs/ssda903.md), or survey: a survey platform's export (.csv or .xlsx) with two header rows, question then answer option (docs/data.md)
---@field generator? string
---@field header_row? integer workbooks and survey exports: the 1-based row of the table's header (default: found below any title rows)
---@field labels? "auto"|"text"|"codes"|table<string, "auto"|"text"|"codes"> Stata, SPSS and SAS files: value-labelled columns as "text" (the labels), "codes" (numbers, labels kept) or "auto" (text when every value has a label); one word for all, or {column = ..., default = ...}
---@field last_year_rules? boolean ssda903: false to skip the rules that compare each year with the year before (on by default when consecutive years are read)
---@field optional? boolean run without this input when its file is absent (the recipe checks ctx.data)
---@field path string the file to read, e.g. "../shared/data/ees/x.csv"; its extension gives the format: .csv, .dta (Stata), .sav/.zsav/.por (SPSS), .sas7bdat (SAS), .xlsx/.ods (workbooks) (docs/data.md); for format = "ssda903", the folder of the return's CSV files; a leading "~/" is the home folder and "cache:" csceval's cache folder ($CSCEVAL_CACHE, else $XDG_CACHE_HOME/csceval, else ~/.cache/csceval), for large generated files
---@field prefix? string ssda903: file name prefix, "{year}" replaced by each year and "{start}" by the year before (default "{year}-")
---@field real_data? string what the real file is and who holds it
---@field record_level? boolean the file holds one row per child (or per event): outputs get disclosure control
---@field sheet? string|integer workbooks (.xlsx, .ods): the sheet, by name or 1-based position (default the first)
---@field skip_when_absent? string for a large generated file: when it is absent (and no --data replaces it) the run is skipped, with a message, instead of failing; the text says how to make the file (e.g. "make it with sh tests/bench/scale.sh"). Also skipped when the environment sets CSCEVAL_SKIP_LARGE=1, as the test suites do
---@field synthetic? boolean
---@field synthetic_kind? "stand_in"|"benchmark" what a synthetic file stands for, which words every output's synthetic-data notice: "stand_in" (default) records generated in place of confidential ones to reproduce a report's published descriptives, "benchmark" an extract generated with the real data's shape and effects built in, for demonstrations and benchmarks (csc.synthetic)
---@field types? table<string, "float64"|"float"|"number"|"double"|"int64"|"int"|"integer"|"bool"|"boolean"|"date"|"text"|"string"|"categorical"|"cat"> column -> type, e.g. {code = "text"}
---@field xml? string ssda903: read the XML form of the return instead, one file per year in the folder, "{year}" and "{start}" replaced (e.g. "{year}.xml")
---@field years? integer[] ssda903: the collection years (ending 31 March) to read

---@class csc.Recipe.Outputs
---@field ees? csc.Recipe.Outputs.Ees[] result tables also written as EES open data: <table>_ees.csv and <table>_ees.meta.csv (docs/reports.md)
---@field formats? ("md"|"csv"|"json"|"html"|"xlsx")[] the files to write when --format does not say (default md, csv, json, html; xlsx: report.xlsx)
---@field png? boolean also write each chart as a PNG (like --png)

---@class csc.Recipe.Published
---@field columns? table<string, string> figure column -> words for {column} in the label
---@field estimate string template, e.g. "absences.balance.{covariate}.{column}"
---@field field? "value"|"se"|"p"|"ci_low"|"ci_high"|"n"|"df"|"significant"|"sign"|"positive" which part of the estimate the report printed (default value): value, se, p, ci_low, ci_high, n, df, or a property of it: significant (1 when p < the run's alpha, else 0), sign (-1, 0 or +1), positive (1 when the value is above zero, else 0)
---@field input_check? boolean a check of the input data against another source, not a figure of the report: listed apart from the published figures and not counted with them
---@field label string template, e.g. "Table 9: {characteristic}, {column}"
---@field note? string
---@field rows ((string|number|boolean|csc.Recipe.Published.Rows)[])[]
---@field rows_file? string instead of rows: a CSV file beside the recipe holding the table as the report printed it (the header row first; every cell printed text, an empty cell a figure not printed), e.g. "published/my_table.csv"
---@field source? string where in the report; may name key columns, e.g. "{table}"
---@field synthetic? "calibrated"|"designed"|"found" on synthetic data: the figure was calibrated into the data, designed into their shape, or found by the analysis (default calibrated: agreement by construction)
---@field tolerance? number for cells given as numbers
---@field unit? string

---@class csc.Recipe.Published2
---@field estimate? string
---@field field? "value"|"se"|"p"|"ci_low"|"ci_high"|"n"|"df"|"significant"|"sign"|"positive" which part of the estimate the report printed (default value): value, se, p, ci_low, ci_high, n, df, or a property of it: significant (1 when p < the run's alpha, else 0), sign (-1, 0 or +1), positive (1 when the value is above zero, else 0)
---@field input_check? boolean a check of the input data against another source, not a figure of the report: listed apart from the published figures and not counted with them
---@field label string
---@field note? string
---@field printed? string the figure as the report printed it, e.g. ".5601378"; the tolerance is then half a unit of its last digit unless given
---@field source? string
---@field synthetic? "calibrated"|"designed"|"found" on synthetic data: the figure was calibrated into the data, designed into their shape, or found by the analysis (default calibrated: agreement by construction)
---@field tolerance? number
---@field unit? string
---@field value? number

---@class csc.Recipe.Published3
---@field field? "value"|"se"|"p"|"ci_low"|"ci_high"|"n"|"df"|"significant"|"sign"|"positive" which part of the estimate the report printed (default value): value, se, p, ci_low, ci_high, n, df, or a property of it: significant (1 when p < the run's alpha, else 0), sign (-1, 0 or +1), positive (1 when the value is above zero, else 0)
---@field file string a CSV file of figures, relative to the recipe's folder, e.g. "published/my_recipe.csv"; columns: label, printed, value, tolerance, estimate, field, unit, source, note, synthetic, input_check
---@field input_check? boolean a check of the input data against another source, not a figure of the report: listed apart from the published figures and not counted with them
---@field note? string
---@field source? string for rows that give none
---@field synthetic? "calibrated"|"designed"|"found" on synthetic data: the figure was calibrated into the data, designed into their shape, or found by the analysis (default calibrated: agreement by construction)
---@field tolerance? number for rows that give value without tolerance
---@field unit? string

---@class csc.Recipe.Source
---@field authors? string
---@field file? string
---@field publisher? string
---@field reference? string the report's reference, e.g. "RR1030": a report listed in data/reports.csv takes its title, authors, publisher, year and file from there
---@field report string the report's title; taken from data/reports.csv when reference names a report there (csc.sources)
---@field tables string[] the tables or figures of the report this recipe reruns
---@field url? string
---@field year? integer

---@class csc.Recipe.Strength
---@field basis? csc.Recipe.Strength.Basis what the analysis has; required for a custom design
---@field level "stronger"|"moderate"|"compromised"|"changes"|"none"
---@field qualifiers? ("limited comparison"|"no comparator"|"limited outcomes evidence"|"mixed")[]
---@field rated? csc.Recipe.Strength.Rated the rating as a report published it (RR1012, Table 4): the level, qualifiers and result come from that row unless the recipe gives them (csc.evidence.rating)
---@field reason? string
---@field result? "positive"|"mixed"|"none"|"not applicable"
---@field result_label? string the result as the report words it, e.g. "Some positive impact"

---@class csc.Recipe.Tables
---@field caption? string
---@field counts? string[] the columns of counts of children: disclosure control suppresses those from 1 to the threshold (docs/privacy.md)
---@field csv? boolean write name.csv (default true)
---@field digits? integer|table<string, integer> decimal places shown: a number, or column = places
---@field estimates? csc.Recipe.Tables.Estimates[] estimates read from the table, one per row and entry
---@field input string the input the table is made from (a key of `inputs`)
---@field labels? table<string, string> column name -> words for the report
---@field name string the table's name (name.csv in the outputs)
---@field note? string
---@field row_total? string disclosure control: the column holding each row's total of the counts
---@field steps? (csc.Step.Derive|csc.Step.Filter|csc.Step.Expand|csc.Step.Join|csc.Step.Select|csc.Step.Rename|csc.Step.Wider|csc.Step.Longer|csc.Step.Bind|csc.Step.Aggregate|csc.Step.PseudoStart|csc.Step.Age|csc.Step.EventCounts)[] the data preparation: steps run in order on the frame of `data`, each a table naming one verb (docs/recipes.md, "Preparing the data")
---@field total_row? boolean disclosure control: the last row is the total of the rows above it

---@class csc.Design.Benchmark.Checks
---@field base number the printed base (denominator)
---@field count number the printed count
---@field label string
---@field name string
---@field printed number the printed percentage
---@field tolerance? number percentage points within which the printed figure counts as consistent (default 0.5: a whole-number percentage)

---@class csc.Design.Benchmark.Marker
---@field at integer the programme's first year, as in `years` (2019 = 2018/19)
---@field label? string the line's label (default "Programme began")

---@class csc.Design.Benchmark.Measures
---@field base? string for a LAIT proportion: the LAIT measure holding its denominator (e.g. "NoCareLeavers"); a rate without base takes its population from `population`, or else the one its published rate implies
---@field count? string for a LAIT measure: the LAIT measure holding its numerator count (e.g. "LACnum" for "LAC"), for intervals and the funnel plot
---@field denominator? string|csc.Design.Benchmark.Measures.Denominator
---@field digits? integer
---@field funnel? boolean|integer a funnel plot of every authority around England: true for the last year, or a year; needs counts
---@field input string
---@field interval? "wilson"|"exact"|"byar"|"none" 95% interval of the authority's figure (table NAME_authority): wilson (proportion; default when per = 100), exact Poisson (rate; default otherwise), byar, or none; needs counts (a denominator, or count for LAIT)
---@field label string
---@field lait? string a LAIT measure code (measure_short), e.g. "CareLeaverEET"; the input is the LAIT long file
---@field name string
---@field numerator? string required unless the measure names a LAIT indicator (lait)
---@field part_year? csc.Design.Benchmark.Measures.Part_year annualise a part-year: the numerator counts of that year are scaled by 12 / months (a flow such as referrals; flagged in the report)
---@field peak? csc.Design.Benchmark.Measures.Peak
---@field per? number multiplier: 100 for a percentage, 10000 for a rate per 10,000
---@field polarity? "high"|"low" rank 1 among all authorities is the highest value (high, default) or the lowest (low)
---@field population? csc.Design.Benchmark.Measures.Population for a LAIT rate with count and no base: the population (denominator) of its intervals and funnel plot; where it has no figure the population the published rate implies is used, and the report says so
---@field where? string filter expression for the numerator rows, e.g. category == "..."

---@class csc.Design.Benchmark.Neighbours
---@field code_column string the groupings file's authority-code column (from data/neighbour_groupings.csv when the input is a file listed there)
---@field columns? string[]
---@field input string the statistical-neighbour groupings input
---@field model? string the groupings model's name in the report (from data/neighbour_groupings.csv when the input is a file listed there)
---@field name_column? string the column of authority names (default "LA Name" or "la_name" when the file has one)

---@class csc.Design.Benchmark.Years
---@field ending? string when the year ends if not 31 March, e.g. "30 September"; years are then labelled 2017, not 2016/17
---@field from integer
---@field to integer

---@class csc.Design.Cits.Did
---@field comparators? "selected"|"pool"
---@field lags? integer
---@field leads? integer
---@field start? any
---@field vcov? "CR1"|"HC1"|"classical"

---@class csc.Design.Cits.Outcomes
---@field column string
---@field combine? "pool"|"mean"|"weighted"
---@field comparators? (integer|string)[]
---@field digits? integer
---@field effect_at? any
---@field label? string
---@field lag? integer
---@field logit? boolean run the logit-transform sensitivity analysis (percentages)
---@field name string
---@field scale? number 100 for a percentage (logit of y / scale)
---@field unit? string

---@class csc.Design.Cits.Placebo
---@field comparators_rule? "rest"|"same"
---@field statistic? "estimate"|"t"
---@field units? "pool"|"all"

---@class csc.Design.Cits.Rates
---@field by? string the key joining numerator and denominator rows (default the unit column, else old_la_code)
---@field denominator csc.Design.Cits.Rates.Denominator
---@field numerator string the count column of the design's data
---@field per? number multiplier: 10000 for a rate per 10,000

---@class csc.Design.Cits.Season
---@field harmonics? integer
---@field period? integer
---@field type "months"|"harmonics"

---@class csc.Design.Cits.Select
---@field candidates? (integer|string)[] an explicit candidate pool
---@field combine? "both"|"either"
---@field covariates? string[]
---@field exclude? (integer|string)[] units never used as comparators
---@field lag? integer
---@field method? "itsamatch"|"distance"|"both"
---@field n? integer
---@field neighbours? csc.Design.Cits.Select.Neighbours|(integer|string)[] the treated unit's statistical neighbours: {input, code_column, columns} (a groupings file) or a list of codes
---@field region? string|string[] "same", a region name or names (needs design.region)
---@field report_only? boolean show the selection table but use the given comparators
---@field threshold? number

---@class csc.Step.Derive
---@field as string derive: its expression (docs/expressions.md), e.g. 'if_else(sex == "M", 1, 0)'
---@field derive string derive: the column to make (replaced when it exists)

---@class csc.Step.Filter
---@field filter string filter: keep the rows where this expression is true; rows where it is false or missing are left out and recorded

---@class csc.Step.Expand
---@field expand string expand: a whole-number count column; each row is repeated that many times, in order, and the column left out (tidyr's uncount); a note says how many rows became how many records
---@field optional? boolean expand: skip the step when the column is absent (a file with one row per record)

---@class csc.Step.Join
---@field how? "left"|"inner" join: "left" (default) keeps every row; "inner" keeps the rows with a match and records the others as left out
---@field join string join: the input to take columns from
---@field on any join: the key columns, a name or a list; a key named differently in the other input is written name = "other_name" (as f:join's keys)
---@field steps? any[] join: steps run on the other input before the join (the same verbs), e.g. its own filter, derive and select
---@field suffix? string[] join: suffixes for names in both frames (default {".x", ".y"})

---@class csc.Step.Select
---@field select string[] select: the columns to keep, in the order given

---@class csc.Step.Rename
---@field rename table<string, string> rename: old = "new" for each column renamed

---@class csc.Step.Wider
---@field wider csc.Step.Wider.Wider wider: { id = {...}, names_from = ..., values_from = ... } as f:pivot_wider (docs/frames.md)

---@class csc.Step.Longer
---@field longer csc.Step.Longer.Longer longer: { cols = {...}, names_to = ..., values_to = ... } as f:pivot_longer (docs/frames.md)

---@class csc.Step.Bind
---@field bind string|string[] bind: the input (or list of inputs) whose rows are appended, in order; columns are matched by name and a column a frame lacks is missing (frame.bind_rows, docs/frames.md)
---@field steps? any[] bind: steps run on each appended input before it is appended (the same verbs), e.g. its own filter, derive and select

---@class csc.Step.Aggregate
---@field aggregate any[][] aggregate: the columns to make, in order, each { name, fn, column[, p] } as f:aggregate's list form, e.g. { "referrals", "sum", "referral_count" }; fn is count, n, sum, mean, sd, var, min, max, median, quantile, first, last or n_distinct (docs/frames.md, "Grouping")
---@field by? string|string[] aggregate: the group columns (default none: the whole frame is one group); groups come out sorted

---@class csc.Step.PseudoStart
---@field anchor? string pseudo_start: the column of the anchoring (first) event's date to make (default "anchor")
---@field date string pseudo_start: the events' date column
---@field event_id? string pseudo_start: the events' id column (default id)
---@field events string pseudo_start: the input of events, one row each
---@field id string pseudo_start: the people's id column
---@field label? string pseudo_start: the estimate of the gap (default "pseudo_start.offset_days")
---@field offset? "mean"|"median"|integer pseudo_start: "mean" (default), "median" or a whole number of days the report states
---@field pseudo_start string pseudo_start: the start column to make: the programme group's own start date, and for the comparison group its anchoring event plus the programme group's mean (or median) gap, in whole days (docs/cohort.md)
---@field round? "nearest"|"down"|"up" pseudo_start: the gap in whole days: nearest (default, halves up), down or up
---@field start string pseudo_start: the programme group's start date column
---@field treat string pseudo_start: 0/1 or true/false column, 1 = the programme group
---@field where? string pseudo_start: which events can anchor, an expression on the events
---@field words? csc.Step.PseudoStart.Words pseudo_start: how the Methods sentence names the programme group (plural), a comparison group member, the anchoring event and the start

---@class csc.Step.Age
---@field age string age: the column to make: age in completed years (years_between(born, at))
---@field at string age: a date column, or a date written "YYYY-MM-DD"
---@field born string age: the date of birth column

---@class csc.Step.EventCounts
---@field date string event_counts: the events' date column
---@field event_counts string event_counts: the input of events to count in windows around each start (columns <window> and <window>_<type>)
---@field event_id? string event_counts: the events' id column (default id)
---@field flags? table<string, string> event_counts: { new_column = "window" }: 1 when the window holds an event
---@field id string event_counts: the people's id column
---@field method? string event_counts: the Methods sentence, instead of the generated one
---@field start? string event_counts: the people's start column (default "start")
---@field type? string event_counts: the events' type column
---@field types? string[] event_counts: types counted separately
---@field windows table<string, integer[]> event_counts: { name = { from, to } }, days from the start, both ends included
---@field words? csc.Step.EventCounts.Words event_counts: how the start-day warning names the people and an event

---@class csc.Design.Did.Event_study
---@field bin? boolean
---@field lags? integer
---@field leads? integer
---@field reference? integer

---@class csc.Design.Did.Outcomes
---@field column string
---@field digits? integer
---@field label? string
---@field name string
---@field unit? string

---@class csc.Design.Did.Rates
---@field by? string the key joining numerator and denominator rows (default the unit column, else old_la_code)
---@field denominator csc.Design.Did.Rates.Denominator
---@field numerator string the count column of the design's data
---@field per? number multiplier: 10000 for a rate per 10,000

---@class csc.Design.Economic.Appraisals
---@field benefits (number|string)[]
---@field costs (number|string)[]
---@field label string
---@field name string
---@field optimism_bias? number uplift to costs, e.g. 0.2 for 20%
---@field rate? number discount rate (default 0.035, the Green Book rate)
---@field schedule? "constant"|"green_book" green_book: the declining long-term rates
---@field years string[]

---@class csc.Design.Economic.Break_even
---@field cost number|string a number, or the name of a cost table, figure, unit cost or derived quantity
---@field label string
---@field name string
---@field outcome? string what is avoided, e.g. "young people becoming NEET"
---@field setup_share? number|string share of the cost that was set-up, left out of the running cost (default 0)
---@field unit_value number|string a number, or the name of a cost table, figure, unit cost or derived quantity

---@class csc.Design.Economic.Checks
---@field claim? string the report's words that the relation states, quoted
---@field label string
---@field left number|string a number, or the name of a cost table, figure, unit cost or derived quantity
---@field name string
---@field relation "<="|"<"|">="|">"|"=="
---@field right number|string a number, or the name of a cost table, figure, unit cost or derived quantity
---@field tolerance? number for ==: how far apart the two may be

---@class csc.Design.Economic.Cost_tables
---@field label string
---@field name string
---@field note? string
---@field price_year? string
---@field printed_total? number the total printed in the report, checked against the sum of the cells
---@field quoted_totals? csc.Design.Economic.Cost_tables.Quoted_totals[] the same total as quoted elsewhere (e.g. in the text), each checked against the sum
---@field rows csc.Design.Economic.Cost_tables.Rows[]
---@field setup_share? number share of the total that was set-up cost, when not given by rows
---@field source string table and page of the report, e.g. "Table 6, p. 42"
---@field years string[] column labels, e.g. {"2017-18", ...}

---@class csc.Design.Economic.Deflators
---@field index table<string, number> price year -> deflator index
---@field source string

---@class csc.Design.Economic.Derived
---@field digits? integer
---@field label string
---@field name string
---@field note? string
---@field of (number|string)[]
---@field op "sum"|"difference"|"product"|"ratio"|"mean"|"share"
---@field unit? string

---@class csc.Design.Economic.Figures
---@field label string
---@field name string
---@field note? string
---@field source string
---@field unit? string
---@field value number

---@class csc.Design.Economic.Savings
---@field attribution? number|string
---@field change number|string a number, or the name of a cost table, figure, unit cost or derived quantity
---@field label string
---@field name string
---@field unit_cost number|string a number, or the name of a cost table, figure, unit cost or derived quantity

---@class csc.Design.Economic.Sensitivity
---@field inputs csc.Design.Economic.Sensitivity.Inputs[]
---@field measure? "ratio"|"rounded"|"npv"|"bcr" break-even: ratio (default) or rounded; appraisal: npv (default) or bcr
---@field target string the name of a break_even, saving or appraisal entry

---@class csc.Design.Economic.Unit_costs
---@field label string
---@field name string
---@field note? string
---@field perspective string who bears the cost, e.g. "local authority", "wider public sector"
---@field price_year string
---@field source string
---@field value number

---@class csc.Design.Ipw.Balance
---@field binary? "std"|"raw"
---@field covariates? string[]|string balance covariates; or a one-sided formula
---@field sd? "treated"|"control"|"pooled"
---@field threshold? number
---@field variance? "cobalt"|"sample"

---@class csc.Design.Ipw.Outcomes
---@field adjust? string[]|string covariates for regression adjustment; or a one-sided formula
---@field column string
---@field digits? integer
---@field inference? "t"|"z" "z": normal intervals and p-values
---@field interact? boolean interact the adjustment with treatment (g-computation)
---@field label? string
---@field name string
---@field rescale_control? number|csc.Design.Ipw.Outcomes.Rescale_control multiply the comparison group's outcome: a number, or {data, time, value, per, from, to}, the ratio of a series' rate in `to` over `from` (a time-trend ratio)
---@field scale? number multiply estimates for the report: 100 gives percentage points
---@field unit? string
---@field vcov? "cluster"|"HC0"|"HC1"|"HC3"|"svyglm"|"classical"

---@class csc.Design.Its.Outcomes
---@field autocorrelation? any "auto", "none", "newey", "prais", "corc" or {method = ..., lag = ...}
---@field bounds? number[] {0, 100} for a percentage
---@field column string
---@field digits? integer
---@field dispersion? "pearson"|"fixed"
---@field exposure? string Poisson: column whose log is the offset
---@field family? "gaussian"|"poisson"
---@field label? string readable name, for tables and charts
---@field name string
---@field season? csc.Design.Its.Outcomes.Season
---@field unit? string unit of the outcome, e.g. "referrals" or "%"

---@class csc.Design.Its.Rates
---@field by? string the key joining numerator and denominator rows (default the unit column, else old_la_code)
---@field denominator csc.Design.Its.Rates.Denominator
---@field numerator string the count column of the design's data
---@field per? number multiplier: 10000 for a rate per 10,000

---@class csc.Design.Its.Season
---@field harmonics? integer
---@field period? integer
---@field type "months"|"harmonics"

---@class csc.Design.Matching.Analyses
---@field balance? csc.Design.Matching.Analyses.Balance
---@field caliper? number|table<string, number> SDs of the score, or {column = SDs}
---@field covariates? string[]|string matching covariates (Mahalanobis), or the propensity model's; or a one-sided formula
---@field discard? "none"|"both"|"control"|"treated"
---@field distance? "mahalanobis"|"logit"|"glm"|"probit"|"linear.logit"|"linear.probit" "glm" is MatchIt's name for "logit"
---@field estimand? "ATT"|"ATC"
---@field exact? string[]
---@field label? string
---@field name string
---@field order? "data"|"largest"|"smallest"|"random"
---@field outcomes? csc.Design.Matching.Analyses.Outcomes[]
---@field ps_covariates? string[]|string the propensity model, when it differs from covariates; or a one-sided formula
---@field ratio? integer
---@field replace? boolean
---@field std_caliper? boolean
---@field weights? "smd"|table<string, number> covariate -> weight of a weighted Mahalanobis distance, or "smd": each covariate's absolute standardised difference before matching

---@class csc.Design.Matching.Balance
---@field binary? "std"|"raw"
---@field covariates? string[]|string balance covariates; or a one-sided formula
---@field sd? "treated"|"control"|"pooled"
---@field threshold? number
---@field variance? "cobalt"|"sample"

---@class csc.Design.Matching.Outcomes
---@field adjust? string[]|string covariates for regression adjustment; or a one-sided formula
---@field column string
---@field digits? integer
---@field inference? "t"|"z" "z": normal intervals and p-values
---@field interact? boolean interact the adjustment with treatment (g-computation)
---@field label? string
---@field name string
---@field rescale_control? number|csc.Design.Matching.Outcomes.Rescale_control multiply the comparison group's outcome: a number, or {data, time, value, per, from, to}, the ratio of a series' rate in `to` over `from` (a time-trend ratio)
---@field scale? number multiply estimates for the report: 100 gives percentage points
---@field unit? string
---@field vcov? "cluster"|"HC0"|"HC1"|"HC3"|"svyglm"|"classical"

---@class csc.Design.Ssda903.Area
---@field name string
---@field postcodes string Lua pattern of the area's postcodes, e.g. "^DE%d"

---@class csc.Design.Ssda903.Groups
---@field child_column? string default CHILD
---@field group_column? string default group
---@field input string a CSV file with the year, the child and the group
---@field labels? table<string, string>
---@field order string[] the groups to tabulate, in order
---@field status_column? string a further column counted in its own block (e.g. relationship status)
---@field status_order? string[]
---@field year_column? string default year

---@class csc.Design.Survey.Analyses
---@field kind "score"|"items"|"reliability"|"bands"|"rank_agreement"|"change"|"response_rates"|"distribution"|"crosstab"|"proportions"|"figures"
---@field name string

---@class csc.Design.Survey.Small_counts
---@field show? string why small counts may be shown (e.g. they are published aggregates)
---@field threshold? integer counts below this are shown as "<threshold" (default 5)

---@class csc.Design.Synthesis.Columns
---@field analysis string
---@field group? string
---@field id string
---@field result string

---@class csc.Design.Synthesis.Evaluations
---@field analysis? string
---@field group? string
---@field id string
---@field level? "stronger"|"moderate"|"compromised"|"changes"|"none"
---@field qualifiers? string[]
---@field result? string
---@field result_class? "positive"|"mixed"|"none"|"not applicable"
---@field source? string

---@class csc.Design.Synthesis.Flags
---@field id string
---@field note string what in the report does not fit the rating, in its words

---@class csc.Design.Synthesis.Levels
---@field level "stronger"|"moderate"|"compromised"|"changes"|"none"
---@field match string

---@class csc.Design.Synthesis.Overrides
---@field id string
---@field level? "stronger"|"moderate"|"compromised"|"changes"|"none"
---@field reason string why, with the report's own words (e.g. its footnote)
---@field result_class? "positive"|"mixed"|"none"|"not applicable"

---@class csc.Design.Synthesis.Results
---@field class "positive"|"mixed"|"none"|"not applicable"
---@field match string

---@class csc.Recipe.Outputs.Ees
---@field filters? string[] columns that classify the rows (EES filters)
---@field geographic_level "National"|"Regional"|"Local authority"
---@field geography? table<string, string|csc.Recipe.Outputs.Ees.Geography> EES geography column -> a column of the table or a literal value; { value = "..." } is always the literal (for a value that is also a column's name)
---@field indicators (string|csc.Recipe.Outputs.Ees.Indicators)[] columns of numbers (EES indicators): a name, or {column, label, unit, dp, grouping}
---@field table string the result table to write
---@field time_identifier? string EES time identifier (default "Reporting year")
---@field time_period string|integer a column of the table holding the period, or the period itself (YYYY or YYYYYY, e.g. 2024 or 202324)

---@class csc.Recipe.Published.Rows
---@field label? string
---@field note? string
---@field printed? string the figure as the report printed it, e.g. ".5601378"; the tolerance is then half a unit of its last digit unless given
---@field synthetic? "calibrated"|"designed"|"found"
---@field tolerance? number
---@field value? number

---@class csc.Recipe.Strength.Basis
---@field comparator? boolean
---@field outcomes? boolean
---@field significance? boolean

---@class csc.Recipe.Strength.Rated
---@field reference string the report that rates the evaluation (data/reports.csv)
---@field row integer the evaluation's row of the report's table of ratings

---@class csc.Recipe.Tables.Estimates
---@field detail? boolean listed with the detail estimates (results.json), not in the report's main table
---@field group? string
---@field label string the estimate's label, a template: {column} is the row's value of that column (whole numbers without decimals), e.g. "annual.referrals.{time_period}"
---@field method? string
---@field title? string
---@field unit? string
---@field value string the column holding the estimate's value

---@class csc.Design.Benchmark.Measures.Denominator
---@field column string
---@field input string
---@field where? string filter expression for the denominator rows
---@field year_lag? integer denominator year = time_period - year_lag

---@class csc.Design.Benchmark.Measures.Part_year
---@field months integer how many months they cover (1 to 11)
---@field year integer the year whose figures cover part of the year

---@class csc.Design.Benchmark.Measures.Peak
---@field from integer
---@field to integer

---@class csc.Design.Benchmark.Measures.Population
---@field column string
---@field input string an EES-form file (time_period, geographic_level, old_la_code), e.g. the ONS child population
---@field where? string filter expression for the population rows
---@field year_lag? integer population year = LAIT year - year_lag (1: the mid-2018 estimate for March 2019)

---@class csc.Design.Cits.Rates.Denominator
---@field column string
---@field input string the input holding the denominator (e.g. population)
---@field where? string filter expression for the denominator rows
---@field year_lag? integer denominator year = time - year_lag (1: the mid-2017 population for 2017/18)

---@class csc.Design.Cits.Select.Neighbours
---@field code_column string the groupings file's authority-code column (from data/neighbour_groupings.csv when the input is a file listed there)
---@field columns? string[]
---@field input string the statistical-neighbour groupings input

---@class csc.Step.Wider.Wider
---@field id? string|string[] the columns identifying a row of the result (default every other column)
---@field names_from string the column whose values name the new columns
---@field values_from string the column holding their values

---@class csc.Step.Longer.Longer
---@field cols string|string[] the columns to stack
---@field id? string|string[] the columns repeated on each row (default every column not stacked)
---@field names_to? string the column of their names (default "name")
---@field values_to? string the column of their values (default "value")

---@class csc.Step.PseudoStart.Words
---@field anchor? string pseudo_start: the anchoring event ("first recorded offence")
---@field comparison? string pseudo_start: a comparison group member ("comparator")
---@field start? string pseudo_start: the start ("the programme start")
---@field treated? string pseudo_start: the programme group, plural ("young people")

---@class csc.Step.EventCounts.Words
---@field event? string event_counts: one event ("an offence")
---@field people? string event_counts: the people, plural ("young people")

---@class csc.Design.Did.Rates.Denominator
---@field column string
---@field input string the input holding the denominator (e.g. population)
---@field where? string filter expression for the denominator rows
---@field year_lag? integer denominator year = time - year_lag (1: the mid-2017 population for 2017/18)

---@class csc.Design.Economic.Cost_tables.Quoted_totals
---@field source string
---@field value number

---@class csc.Design.Economic.Cost_tables.Rows
---@field category string
---@field setup? boolean true for a row of set-up costs
---@field values number[]

---@class csc.Design.Economic.Sensitivity.Inputs
---@field high number
---@field label? string
---@field low number
---@field name string
---@field source? string why these bounds

---@class csc.Design.Ipw.Outcomes.Rescale_control
---@field data string the input holding the series
---@field from any the comparison group's outcome period
---@field label? string what the rate is, for the report
---@field per? string divide by this (e.g. pupils): the rate per unit
---@field time string
---@field to any the programme group's outcome period
---@field value string the total (e.g. sessions)

---@class csc.Design.Its.Outcomes.Season
---@field harmonics? integer
---@field period? integer
---@field type "months"|"harmonics"

---@class csc.Design.Its.Rates.Denominator
---@field column string
---@field input string the input holding the denominator (e.g. population)
---@field where? string filter expression for the denominator rows
---@field year_lag? integer denominator year = time - year_lag (1: the mid-2017 population for 2017/18)

---@class csc.Design.Matching.Analyses.Balance
---@field binary? "std"|"raw"
---@field covariates? string[]|string balance covariates; or a one-sided formula
---@field sd? "treated"|"control"|"pooled"
---@field threshold? number
---@field variance? "cobalt"|"sample"

---@class csc.Design.Matching.Analyses.Outcomes
---@field adjust? string[]|string covariates for regression adjustment; or a one-sided formula
---@field column string
---@field digits? integer
---@field inference? "t"|"z" "z": normal intervals and p-values
---@field interact? boolean interact the adjustment with treatment (g-computation)
---@field label? string
---@field name string
---@field rescale_control? number|csc.Design.Matching.Analyses.Outcomes.Rescale_control multiply the comparison group's outcome: a number, or {data, time, value, per, from, to}, the ratio of a series' rate in `to` over `from` (a time-trend ratio)
---@field scale? number multiply estimates for the report: 100 gives percentage points
---@field unit? string
---@field vcov? "cluster"|"HC0"|"HC1"|"HC3"|"svyglm"|"classical"

---@class csc.Design.Matching.Outcomes.Rescale_control
---@field data string the input holding the series
---@field from any the comparison group's outcome period
---@field label? string what the rate is, for the report
---@field per? string divide by this (e.g. pupils): the rate per unit
---@field time string
---@field to any the programme group's outcome period
---@field value string the total (e.g. sessions)

---@class csc.Recipe.Outputs.Ees.Geography
---@field value string

---@class csc.Recipe.Outputs.Ees.Indicators
---@field column string
---@field dp? integer
---@field grouping? string
---@field label? string
---@field name? string the column's name in the EES file (default the table's column name)
---@field unit? string

---@class csc.Design.Matching.Analyses.Outcomes.Rescale_control
---@field data string the input holding the series
---@field from any the comparison group's outcome period
---@field label? string what the rate is, for the report
---@field per? string divide by this (e.g. pupils): the rate per unit
---@field time string
---@field to any the programme group's outcome period
---@field value string the total (e.g. sessions)
