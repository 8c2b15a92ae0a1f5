-- Issue 4's synthetic inputs and their recipes:
--   * each generator in data/ re-runs to the same bytes as the committed files
--     (the generators also check themselves against the recipes' own matcher
--     and estimators, and fail when they do not reproduce the published tables);
--   * nwd_back_on_track: the compact pupils.csv (identical pupils stored once
--     with n_pupils) gives exactly the results of the one-row-per-pupil file
--     a real extract would be; the pool and cohort sizes and sums are the
--     published ones; the trend file's 2015/16 row is the pool's own Year 8;
--   * lincs_future4me: the records are well formed (every young person has an
--     offence before the start; comparators have no start date; the mean gap
--     is 47 days);
--   * both recipes reproduce every published figure they list.
local H = ...
local sys = require("host.sys")
local frame = require("host.frame")
local runner = require("csc.runner")
local json = require("csc.json")

local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-gen4-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid()) .. "-"
  .. tostring(math.random(1e6))
sys.mkdirs(tmp)

-- Run a generator script in this Lua state with its messages silenced.
local generate = H.run_script

local function bytes(path) return assert(sys.read(path)) end

local nwd = tmp .. "/nwd"
local f4m = tmp .. "/f4m"
sys.mkdirs(nwd)
sys.mkdirs(f4m)

H.case("nwd_back_on_track generator: same bytes as the committed files", function()
  H.eq(generate("data/nwd_back_on_track/gen.lua", nwd, "--pupil-level", nwd .. "/pupil_level.csv"), 0)
  for _, f in ipairs({ "pupils.csv", "year8_absence.csv" }) do
    H.ok(bytes(nwd .. "/" .. f) == bytes("data/nwd_back_on_track/" .. f),
      "re-running data/nwd_back_on_track/gen.lua must reproduce data/nwd_back_on_track/" .. f .. " byte for byte")
    -- and its synthetic-data mark (csc.synthetic)
    H.ok(bytes(nwd .. "/" .. f .. ".csceval.json") == bytes("data/nwd_back_on_track/" .. f .. ".csceval.json"), f)
  end
end)

H.case("nwd_back_on_track data: cohort sizes, pool sums and the Year 8 series", function()
  local f = assert(frame.read_csv("data/nwd_back_on_track/pupils.csv"))
  local s = f:aggregate("cohort", { { "pupils", "sum", "n_pupils" } })
  H.eq(s:column("cohort"), { "2014/15", "2017/18" })
  H.eq(s:column("pupils"), { 64077, 47 })
  local pool = f:filter('cohort == "2014/15"')
    :mutate("w_ua", "ua_pre * n_pupils"):mutate("w_year", "ncyear_pre * n_pupils")
    :mutate("w_boy", 'if_else(gender == "M", n_pupils, 0)'):mutate("w_ehc", 'if_else(sen == "E", n_pupils, 0)')
    :mutate("w_sup", 'if_else(sen == "K", n_pupils, 0)'):mutate("w_fsm", "fsm * n_pupils")
    :mutate("w_fx", "fx_pre * n_pupils")
  local sums = pool:aggregate(nil, { { "ua", "sum", "w_ua" }, { "year", "sum", "w_year" }, { "boy", "sum", "w_boy" },
    { "ehc", "sum", "w_ehc" }, { "sup", "sum", "w_sup" }, { "fsm", "sum", "w_fsm" }, { "fx", "sum", "w_fx" } })
  -- the sums the published pool means (Tables 9 and 10) force for 64,077 pupils
  local want = { ua = 68433, year = 310993, boy = 32780, ehc = 1164, sup = 7771, fsm = 5292, fx = 5986 }
  for k, v in pairs(want) do H.eq(sums:value(1, k), v) end
  -- the trend file's 2015/16 Year 8 = the pool's Year 6 of 2013/14, two years on
  local y6 = pool:filter("ncyear_pre == 6"):mutate("w_out", "ua_post * n_pupils")
    :aggregate(nil, { { "n", "sum", "n_pupils" }, { "s", "sum", "w_out" } })
  local y8 = assert(frame.read_csv("data/nwd_back_on_track/year8_absence.csv")):filter('academic_year == "2015/16"')
  H.eq(y8:value(1, "year8_pupils"), y6:value(1, "n"))
  H.eq(y8:value(1, "ua_sessions"), y6:value(1, "s"))
end)

H.case("nwd_back_on_track: the compact file and the one-row-per-pupil file give the same results", function()
  local level = nwd .. "/pupil_level.csv"
  H.ok(sys.kind(level) == "file", "the generator wrote the pupil-level file")
  -- as a real extract would be: without the generator's synthetic-data mark
  -- (with it, the file given with --data is reported as synthetic: test_synthetic_mark.lua)
  H.ok(sys.kind(level .. ".csceval.json") == "file", "the generator marked the pupil-level file")
  os.remove(level .. ".csceval.json")
  local a = runner.run("recipes/nwd_back_on_track.lua", { out = tmp .. "/o1", formats = { "json" } })
  local b = runner.run("recipes/nwd_back_on_track.lua", { out = tmp .. "/o2", formats = { "json", "md" },
    data = { "pupils=" .. level } })
  H.eq(#a.published, 95)
  H.eq(a.nwithin, #a.published)
  H.eq(#b.estimates, #a.estimates)
  for i, e in ipairs(a.estimates) do
    H.eq(b.estimates[i].label, e.label)
    H.eq(b.estimates[i].value, e.value)
  end
  -- with --data the report must not assert that the pupil records are synthetic
  local md = bytes(tmp .. "/o2/nwd_back_on_track/report.md")
  H.ok(not md:find("records are synthetic", 1, true) and not md:find("The data are synthetic", 1, true),
    "the recipe's own text asserts synthetic data although pupils was given with --data")
  -- formulas in Method; a balance table per analysis (SMD, variance ratio, flag)
  for _, f in ipairs({ "`d²(i, j) = uᵀ W^½ S⁻¹ W^½ u`", "`y_i = a + τ·T_i + b′z_i + e_i`",
                       "`SMD = (mean_T − mean_C)/√((s²_T + s²_C)/2)`" }) do
    H.ok(md:find(f, 1, true), "Method gives the formula " .. f)
  end
  local res = json.decode(bytes(tmp .. "/o1/nwd_back_on_track/results.json"))
  local tabs = {}
  for _, t in ipairs(res.tables) do tabs[t.name] = t end
  for _, n in ipairs({ "absences", "exclusions" }) do
    local t = tabs[n .. "_balance"]
    H.ok(t, n .. "_balance: the balance table is written")
    H.eq(t.columns, { "covariate", "treated_before", "comparison_before", "smd_before", "variance_ratio_before",
      "treated_after", "comparison_after", "smd_after", "variance_ratio_after", "over_threshold" })
    H.eq(#t.rows, 6)
    -- weights = "smd": each covariate weighs its |SMD| before matching
    for i, row in ipairs(t.rows) do H.eq(tabs[n .. "_weights"].rows[i][3], math.abs(row[4]), 1e-12) end
    H.ok(type(t.rows[1][5]) == "number", "variance ratio of the continuous characteristic")
  end
end)

H.case("lincs_future4me generator: same bytes as the committed files", function()
  H.eq(generate("data/lincs_future4me/gen.lua", f4m), 0)
  for _, f in ipairs({ "people.csv", "offences.csv" }) do
    H.ok(bytes(f4m .. "/" .. f) == bytes("data/lincs_future4me/" .. f),
      "re-running data/lincs_future4me/gen.lua must reproduce data/lincs_future4me/" .. f .. " byte for byte")
    H.ok(bytes(f4m .. "/" .. f .. ".csceval.json") == bytes("data/lincs_future4me/" .. f .. ".csceval.json"), f)
  end
end)

H.case("lincs_future4me data: groups, start dates, offences before the start", function()
  local p = assert(frame.read_csv("data/lincs_future4me/people.csv", { types = { start_date = "date" } }))
  local o = assert(frame.read_csv("data/lincs_future4me/offences.csv"))
  local g = p:aggregate("group", { { "n", "count" }, { "starts", "n", "start_date" } })
  H.eq(g:column("group"), { "Future4Me", "comparator" })
  H.eq(g:column("n"), { 236, 280 })
  H.eq(g:column("starts"), { 236, 0 })
  local first = o:aggregate("person_id", { { "first", "min", "offence_date" } })
  local d = p:join(first, "person_id", "left")
  H.eq(d:filter("is_missing(first)"):nrow(), 0)
  local gap = d:filter('group == "Future4Me"'):mutate("gap", "days_between(first, start_date)")
  H.eq(gap:filter("gap < 1"):nrow(), 0)
  H.eq(gap:aggregate(nil, { { "m", "mean", "gap" } }):value(1, "m"), 47)
end)

H.case("lincs_future4me: every published figure within tolerance", function()
  local r = runner.run("recipes/lincs_future4me.lua", { out = tmp .. "/o3", formats = { "json", "md" } })
  H.eq(#r.published, 25)
  H.eq(r.nwithin, #r.published)
end)

H.case("lincs_future4me: common support is a warning; SMDs and variance ratios in the balance table; formulas", function()
  -- the same people as a real file would be: without the generator's synthetic-data mark
  assert(sys.write_atomic(f4m .. "/people_unmarked.csv", bytes("data/lincs_future4me/people.csv")))
  local r = runner.run("recipes/lincs_future4me.lua", { out = tmp .. "/o4", formats = { "json", "md" },
    data = { "people=" .. f4m .. "/people_unmarked.csv" } })
  local w = table.concat(r.warnings, "\n")
  H.ok(w:find("22 programme units have a propensity score outside the other group's range", 1, true), w)
  H.ok(w:find("5 comparison units have a propensity score outside the other group's range", 1, true), w)
  local res = json.decode(bytes(tmp .. "/o4/lincs_future4me/results.json"))
  local bal
  for _, t in ipairs(res.tables) do if t.name == "balance" then bal = t end end
  H.eq(bal.columns, { "covariate", "treated_before", "comparison_before", "smd_before", "variance_ratio_before",
    "treated_after", "comparison_after", "smd_after", "variance_ratio_after", "over_threshold" })
  H.eq(bal.rows[1][1], "Average age")
  H.ok(math.abs(bal.rows[1][4]) > 0.1 and math.abs(bal.rows[1][8]) < 0.1, "age: SMD before and after weighting")
  H.eq(bal.rows[1][10], "no")
  local md = bytes(tmp .. "/o4/lincs_future4me/report.md")
  for _, f in ipairs({ "`w_i = T_i/p_i + (1 − T_i)/(1 − p_i)`", "`y_i = a + τ·T_i + b′z_i + e_i`",
                       "`logit p_i = a + b′x_i`", "`SMD = (mean_T − mean_C)/√((s²_T + s²_C)/2)`" }) do
    H.ok(md:find(f, 1, true), "Method gives the formula " .. f)
  end
  H.ok(not md:find("records are synthetic", 1, true) and not md:find("The data are synthetic", 1, true),
    "the recipe's own text asserts synthetic data although people was given with --data")
end)

-- clean up (each folder holds files only)
for _, d in ipairs({ nwd, f4m, tmp .. "/o1/nwd_back_on_track", tmp .. "/o1", tmp .. "/o2/nwd_back_on_track", tmp .. "/o2",
                     tmp .. "/o3/lincs_future4me", tmp .. "/o3", tmp .. "/o4/lincs_future4me", tmp .. "/o4", tmp }) do
  sys.rmdir_flat(d)
end
