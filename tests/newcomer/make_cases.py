# Writes the newcomer-mistake cases tests/badinput/newcomer_*/ and the passing
# recipes in tests/newcomer/ (run from the project root:
#   python3 tests/newcomer/make_cases.py tests/badinput).
# Each case is one mistake a new analyst makes, on a small EES-shaped file.
import os, sys, textwrap
root = sys.argv[1]
las = [(831,"E06000015","Derby","East Midlands",2900),(874,"E06000031","Peterborough","East of England",2300),
       (373,"E08000019","Sheffield","Yorkshire and The Humber",5200),(350,"E08000001","Bolton","North West",3300),
       (925,"E10000019","Lincolnshire","East Midlands",5600)]
def referrals():
    out = ["time_period,time_identifier,geographic_level,old_la_code,new_la_code,la_name,region_name,referral_count"]
    for y in range(2013, 2026):
        for k,(c,n,name,reg,base) in enumerate(las):
            v = base + 37*(y-2013) + (k*13*(y % 5)) + (150 if (c==831 and y>=2019) else 0)
            out.append(f'{y},Reporting year,Local authority,{c},{n},"{name}",{reg},{v}')
    return "\n".join(out)+"\n"
def population():
    out = ["time_period,geographic_level,old_la_code,population_estimate"]
    for y in range(2012, 2025):
        for k,(c,n,name,reg,base) in enumerate(las):
            out.append(f"{y},Local authority,{c},{base*20 + 100*(y-2012) + 7*k}")
    return "\n".join(out)+"\n"
def neighbours():
    out = ["LA num,LA Name,SN1,SN2,SN3"]
    for (c,n,name,reg,base) in las:
        others = [x[0] for x in las if x[0]!=c][:3]
        out.append(f'{c},"{name}",' + ",".join(map(str,others)))
    return "\n".join(out)+"\n"

HEAD = '''return {
  title = "Referrals per 10,000 children in Derby",
  question = "Did Derby's referral rate change level or trend after the Early Help offer began in April 2018?",
  source = { report = "New analysis", tables = { "none" } },
  inputs = {
    referrals = { path = "referrals.csv" },
    population = { path = "population.csv" },
    neighbours = { path = "neighbours.csv" },
  },
'''
PREP = '''    prepare = function(data)
      local pop = data.population:mutate("rate_year", "time_period + 1")
        :select{ "rate_year", "old_la_code", "population_estimate" }
      return data.referrals:FILTER
        :join(pop, { "old_la_code", time_period = "rate_year" }, "left")
        :mutate("rate", "RATE")
    end,
'''
def its(**kw):
    o = dict(FILTER="filter('old_la_code == 831')", RATE="referral_count / population_estimate * 10000",
             interruption="2019", column='"rate"', extra="", published="", fields="", top="", ret="return {", question=None)
    o.update(kw)
    prep = PREP.replace("FILTER", o["FILTER"]).replace("RATE", o["RATE"])
    head = HEAD.replace("return {", o["ret"])
    if o["question"]: head = head.replace("Did Derby's referral rate change level or trend after the Early Help offer began in April 2018?", o["question"])
    return (o["top"] + head + "  design = {\n    type = \"its\",\n" + prep +
        f'    time = "time_period",\n    format = "fy",\n    interruption = {o["interruption"]},\n{o["fields"]}' +
        f'    outcomes = {{ {{ name = "rate", column = {o["column"]}, label = "Referrals per 10,000 children" }} }},\n  }},\n{o["published"]}}}\n')
def cits(**kw):
    o = dict(treated="831", comparators="{ 874, 373 }", interruption="2019", sel=None, fields="")
    o.update(kw)
    prep = PREP.replace("FILTER", "filter('geographic_level == \"Local authority\"')").replace("RATE", "referral_count / population_estimate * 10000")
    cmp = f"    comparators = {o['comparators']},\n" if o["sel"] is None else o["sel"]
    return (HEAD + "  design = {\n    type = \"cits\",\n" + prep +
        f'    unit = "old_la_code", time = "time_period", name = "la_name", format = "fy",\n    treated = {o["treated"]},\n{cmp}    interruption = {o["interruption"]},\n{o["fields"]}' +
        '    outcomes = { { name = "rate", column = "rate" } },\n  },\n}\n')
def bench(**kw):
    o = dict(authority="831", frm="2013", to="2025", name="Derby")
    o.update(kw)
    return (HEAD.replace("population.csv\" },", "population.csv\" },") + f'''  design = {{
    type = "benchmark",
    authority = {o["authority"]},
    authority_name = "{o["name"]}",
    neighbours = {{ input = "neighbours", code_column = "LA num", columns = {{ "SN1", "SN2", "SN3" }} }},
    years = {{ from = {o["frm"]}, to = {o["to"]} }},
    measures = {{
      {{ name = "referral_rate", label = "Referrals per 10,000 children", input = "referrals",
        numerator = "referral_count",
        denominator = {{ input = "population", column = "population_estimate", year_lag = 1 }}, per = 10000 }},
    }},
  }},
}}
''')

cases = {
 "prepare_misspelt_column": (its(RATE="referal_count / population_estimate * 10000"), ['unknown column "referal_count"', 'did you mean "referral_count"']),
 "prepare_misspelt_filter": (its(FILTER="filter('old_la_cod == 831')"), ['unknown column "old_la_cod"', 'old_la_code']),
 "prepare_single_equals": (its(FILTER="filter('old_la_code = 831')"), ['use "==" to compare']),
 "outcome_not_made_by_prepare": (its(column='"referral_rate"'), ['no column "referral_rate" in the frame design.prepare returns', 'its columns: time_period']),
 "prepare_no_return": (its().replace('      return data.referrals', '      local out = data.referrals'), ['design.prepare', 'must return a data frame', 'return <frame>']),
 "interruption_after_data": (its(interruption="2030"), ['design.interruption', 'outside the years in the data, 2012/13 to 2024/25']),
 "interruption_first_year": (its(interruption="2013"), ['design.interruption', 'an interruption needs years before it']),
 "financial_year_off_by_one": (its(interruption="2018"), ['2018 is the year ending March 2018, 2017/18', 'began April 2018, which is 2019 here (2018/19)', 'interruption = "2018/19"']),
 "year_written_201819": (its(interruption="201819"), ['201819 is how academic and financial years are written', 'write "2018/19" or 2019']),
 "year_written_as_date": (its(interruption='"2018-04-01"'), ['is a date, but the time column here counts years', 'write "2018/19"']),
 "year_second_part_wrong": (its(interruption='"2018/20"'), ['"2018/20" is not a year', 'write 2018/19']),
 "year_from_before_data": (its(fields='    from = "2008/09",\n'), ['design.from', 'outside the years in the data']),
 "authority_code_no_rows": (its(FILTER="filter('old_la_code == 813')"), ['leaves no rows to analyse']),
 "cits_treated_not_in_data": (cits(treated="813"), ['design.treated', '813 is not a value of old_la_code', 'csceval la']),
 "cits_comparator_not_in_data": (cits(comparators="{ 874, 999 }"), ['design.comparators[2]', '999 is not a value of old_la_code']),
 "cits_treated_not_in_neighbours": (cits(treated="925", sel='    select = { neighbours = { input = "neighbours", code_column = "LA num" }, n = 2 },\n').replace('"LA num,', '"LA num,'), None),
 "benchmark_unknown_authority": (bench(authority="999"), ['design.authority', '999 is not a value of old_la_code']),
 "benchmark_years_outside": (bench(to="2027"), ['design.years.to', 'outside the years in the data']),
 "design_field_typo": (its(fields='    interuption_label = "x",\n'), ['design.interuption_label', 'unknown field']),
 "design_type_typo": (its().replace('type = "its"', 'type = "ITS"'), ['"ITS" is not one of', 'did you mean "its"']),
 "published_estimate_unknown": (its(published='  published = {\n    { label = "Level change", estimate = "referral_rate.level_change", value = 100, tolerance = 1 },\n  },\n'), ['published[1].estimate', '"referral_rate.level_change" cannot be an estimate of this design', 'rate']),
 "published_estimate_no_outcome": (its(published='  published = {\n    { label = "level_change", value = 100, tolerance = 1 },\n  },\n'), ['published[1].label', 'named OUTCOME.WHAT']),
 "missing_return": (its(ret="{"), ['write `return {` where the table starts']),
 "recipe_in_local_no_return": (its(ret="local recipe = {"), ['it returned nil', 'write return before the table']),
 "unclosed_function": (its().replace('        :mutate("rate", "referral_count / population_estimate * 10000")\n    end,', '        :mutate("rate", "referral_count / population_estimate * 10000")\n    ,'), ['has no matching `end`']),
 "unclosed_table": (its().rstrip().rstrip("}") + "\n", ['the file ends inside a table or function', 'every `{` has its `}`']),
 "lua_single_equals": (its(fields='    where = (function() if 1 = 1 then return "old_la_code == 831" end end)(),\n'), ['to compare two values write `==`']),
}
# the neighbours case: Lincolnshire is in the data but drop it from the neighbour file
for name,(text,expect) in cases.items():
    d = os.path.join(root, "newcomer_" + name)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d,"r.lua"),"w").write(text)
    open(os.path.join(d,"referrals.csv"),"w").write(referrals())
    open(os.path.join(d,"population.csv"),"w").write(population())
    nb = neighbours()
    if name == "cits_treated_not_in_neighbours":
        nb = "\n".join(l for l in nb.splitlines() if not l.startswith("925,")) + "\n"
        expect = ['design.select.neighbours', 'the treated unit 925 has no row in "neighbours"']
    open(os.path.join(d,"neighbours.csv"),"w").write(nb)
    open(os.path.join(d,"cmd"),"w").write("check r.lua\n")
    open(os.path.join(d,"expect"),"w").write("2\n" + "\n".join(expect) + "\n")
# controls (must pass check and run): written to a separate folder
ok = os.path.join(root, "..", "newcomer_ok")
os.makedirs(ok, exist_ok=True)
open(os.path.join(ok,"its.lua"),"w").write(its())
open(os.path.join(ok,"its_text_year.lua"),"w").write(its(interruption='"2018-19"'))
open(os.path.join(ok,"cits.lua"),"w").write(cits())
open(os.path.join(ok,"benchmark.lua"),"w").write(bench())
open(os.path.join(ok,"referrals.csv"),"w").write(referrals())
open(os.path.join(ok,"population.csv"),"w").write(population())
open(os.path.join(ok,"neighbours.csv"),"w").write(neighbours())
