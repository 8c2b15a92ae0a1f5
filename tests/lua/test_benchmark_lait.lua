-- Benchmark design on LAIT measures against figures computed independently
-- from the raw files (tests/reference/benchmark/lait_benchmarks.py) for
-- Derby, Lincolnshire and North Northamptonshire (created in 2021 when
-- Northamptonshire was reorganised); and LAIT against the EES looked-after
-- rates where the two overlap (2021-2025).
local H = ...
local frame = require("host.frame")
local sys = require("host.sys")
local context = require("csc.context")
local bench = require("csc.designs.benchmark")

local LAIT = "../shared/data/lait/lait_csc_key_measures_2015_2025_long.csv"
local SN = "../shared/data/ees/New_Statistical_Neighbour_Groupings_April_2021.csv"
local CLA = "../shared/data/ees/cla_number_and_rate_per_10k_children.csv"
if sys.kind(LAIT) ~= "file" or sys.kind(SN) ~= "file" then
  H.skip("benchmark LAIT", "../shared/data/lait/ or ../shared/data/ees/ is absent")
  return
end
local lait = assert(frame.read_csv(LAIT))
local sn = assert(frame.read_csv(SN))

H.case("benchmark LAIT measures agree with the independent computation (3 authorities, one reorganised)", function()
  local ref = assert(frame.read_csv("tests/reference/benchmark/lait_benchmarks.csv", { types = { authority = "text" } }))
  local done = {}
  local checked = 0
  for i = 1, ref:nrow() do
    local auth, m = ref:value(i, "authority"), ref:value(i, "measure")
    local key = auth .. "|" .. m
    if not done[key] then
      local pol = (m == "CareLeaverEET") and "high" or "low"
      local d = { authority = tonumber(auth), authority_name = "A" .. auth,
        neighbours = { input = "neighbours", code_column = "LA num" }, years = { from = 2015, to = 2025 },
        measures = { { name = "m", label = m, input = "lait", lait = m, polarity = pol } } }
      local ctx = context.new({ spec = { inputs = {} }, path = "test", id = "t" }, { lait = lait, neighbours = sn }, {}, {},
        require("csc.render.svg").kinds)
      bench.run(ctx, d)
      done[key] = ctx
    end
    local ctx = done[key]
    local y = ref:value(i, "year")
    local function cmp(label, col, tol)
      local want = ref:value(i, col)
      local e = ctx:get(string.format("m.%s.%d", label, y))
      if want == frame.NA then
        H.ok(e == nil, string.format("%s %s %d %s: no figure expected", auth, m, y, label))
      else
        H.ok(e ~= nil, string.format("%s %s %d %s: missing", auth, m, y, label))
        H.eq(e.value, want, tol)
        checked = checked + 1
      end
    end
    cmp("authority", "value", 0)
    cmp("neighbours_mean", "neighbours_mean", 1e-12)   -- the same sum in another order: rounding only
    cmp("england", "england", 0)
    cmp("region", "region", 0)
    cmp("rank", "rank", 0)
    cmp("quartile", "quartile", 0)
    local r = ctx:get(string.format("m.rank.%d", y))
    if r then H.eq(r.n, ref:value(i, "ranked")) end
    local nm = ctx:get(string.format("m.neighbours_mean.%d", y))
    if nm then H.eq(nm.n, ref:value(i, "neighbours_n")) end
  end
  H.ok(checked > 150, "compared " .. checked .. " figures")
end)

H.case("LAIT and the EES looked-after rates agree where both have a figure (2021-2025)", function()
  if sys.kind(CLA) ~= "file" then H.skip("LAIT vs EES", CLA .. " is absent"); return end
  local cla = assert(frame.read_csv(CLA, { types = { old_la_code = "text", rate_per_10000 = "text" } }))
  local ees = {}
  local lev, code, year, pop, rate = cla:column("geographic_level"), cla:column("old_la_code"), cla:column("time_period"),
    cla:column("population_type"), cla:column("rate_per_10000")
  for i = 1, #lev do
    if pop[i] == "Children looked after on 31 March each year" and rate[i] ~= frame.NA then
      local c = lev[i] == "National" and "970" or (lev[i] == "Local authority" and tostring(code[i]) or nil)
      if c then ees[c .. "|" .. tostring(year[i])] = tonumber(rate[i]) end
    end
  end
  local ms, ly, lc, lv = lait:column("measure_short"), lait:column("year"), lait:column("la_number"), lait:column("value")
  local both, agree = 0, 0
  for i = 1, #ms do
    if ms[i] == "LAC" and ly[i] >= 2021 then
      local e = ees[tostring(lc[i]) .. "|" .. tostring(ly[i])]
      local v = tonumber(lv[i])
      if e and v then
        both = both + 1
        if v == e then agree = agree + 1 else H.fail(string.format("%s %s: LAIT %s, EES %s", lc[i], ly[i], v, e), 1) end
      end
    end
  end
  H.ok(both >= 700, "compared " .. both .. " authority-years")
  H.eq(agree, both)
end)

H.case("benchmark joins a successor authority to its predecessor before a reorganisation, flagged", function()
  local d = { authority = 940, authority_name = "North Northamptonshire", join_predecessors = true,
    neighbours = { input = "neighbours", code_column = "LA num" }, years = { from = 2019, to = 2023 },
    measures = { { name = "lac", label = "LAC", input = "lait", lait = "LAC", polarity = "low" } } }
  local ctx = context.new({ spec = { inputs = {} }, path = "test", id = "t" }, { lait = lait, neighbours = sn }, {}, {},
    require("csc.render.svg").kinds)
  bench.run(ctx, d)
  -- Northamptonshire (928) in LAIT, read independently from the raw column
  local ms, ly, lc, lv = lait:column("measure_short"), lait:column("year"), lait:column("la_number"), lait:column("value")
  local n928, n940 = {}, {}
  for i = 1, #ms do
    if ms[i] == "LAC" and lc[i] == 928 then n928[ly[i]] = tonumber(lv[i]) end
    if ms[i] == "LAC" and lc[i] == 940 then n940[ly[i]] = tonumber(lv[i]) end
  end
  for y = 2019, 2021 do
    H.eq(ctx:get("lac.authority." .. y).value, n928[y])
    H.eq(ctx:get("lac.joined_predecessor." .. y).value, 928)
  end
  for y = 2022, 2023 do
    H.eq(ctx:get("lac.authority." .. y).value, n940[y])
    H.eq(ctx:get("lac.joined_predecessor." .. y), nil)
  end
  local warned = false
  for _, w in ipairs(ctx.warnings) do if w:find("predecessor Northamptonshire (928)", 1, true) then warned = true end end
  H.ok(warned, "the join is flagged in the report")
end)
