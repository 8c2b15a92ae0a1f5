-- Benchmark design: 95% intervals (Wilson, exact Poisson, Byar), the
-- funnel plot, annualising a part-year, notes on missing and suppressed
-- figures, and ranks in years joined to a predecessor authority.
local H = ...
local frame = require("host.frame")
local sys = require("host.sys")
local context = require("csc.context")
local bench = require("csc.designs.benchmark")
local stats = require("csc.stats")
local NA = frame.NA

local function new_ctx(data)
  return context.new({ spec = { inputs = {} }, path = "test", id = "t" }, data, {}, {}, require("csc.render.svg").kinds)
end

-- Five authorities (1 to 5) and England over 2018-2020: counts of events and
-- of children; authority 3's 2019 count is suppressed ("c").
local function ees()
  local lines = { "time_period,geographic_level,old_la_code,events,children,population" }
  for y = 2018, 2020 do
    for c = 0, 5 do
      local ev = c == 0 and 30000 + y or 40 * c + (y - 2018) * 3
      lines[#lines + 1] = string.format("%d,%s,%s,%s,%d,%d", y, c == 0 and "National" or "Local authority",
        c == 0 and "" or tostring(c), (c == 3 and y == 2019) and "c" or tostring(ev),
        c == 0 and 100000 or 100 * c + 20, c == 0 and 12000000 or 20000 * c)
    end
  end
  os.execute("mkdir -p tests/out")
  local path = "tests/out/benchmark_ci.csv"
  local fh = assert(io.open(path, "w"))
  fh:write(table.concat(lines, "\n"), "\n")
  fh:close()
  return assert(frame.read_csv(path))
end
local nb = frame.new({ names = { "LA num", "SN1", "SN2" }, columns = { { 1, 3 }, { 2, 2 }, { 4, 5 } } })

H.case("benchmark: Wilson and exact Poisson intervals of the authority's figure, from its counts", function()
  local ctx = new_ctx({ d = ees(), nb = nb })
  bench.run(ctx, { authority = 1, authority_name = "A", neighbours = { input = "nb", code_column = "LA num" },
    years = { from = 2018, to = 2020 }, measures = {
      { name = "share", label = "Share (%)", input = "d", numerator = "events", denominator = "children", per = 100 },
      { name = "rate", label = "Rate per 10,000", input = "d", numerator = "events", per = 10000,
        denominator = { input = "d", column = "population" } },
      { name = "rate_byar", label = "Rate per 10,000 (Byar)", input = "d", numerator = "events", per = 10000,
        denominator = { input = "d", column = "population" }, interval = "byar" },
    } })
  for y = 2018, 2020 do
    local k = 40 + (y - 2018) * 3
    local w = stats.wilson_ci(k, 120)
    local e = ctx:get("share.authority." .. y)
    H.eq(e.value, 100 * k / 120, 1e-14)
    H.eq(e.ci, { 100 * w[1], 100 * w[2] }, 1e-14)
    local p = stats.poisson_ci(k)
    H.eq(ctx:get("rate.authority." .. y).ci, { p[1] / 20000 * 1e4, p[2] / 20000 * 1e4 }, 1e-14)
    local b = stats.poisson_ci(k, { method = "byar" })
    H.eq(ctx:get("rate_byar.authority." .. y).ci, { b[1] / 20000 * 1e4, b[2] / 20000 * 1e4 }, 1e-14)
  end
  local t = ctx.table_index.share_authority
  H.eq(t.columns, { "year", "A", "count", "denominator", "ci_low", "ci_high", "note" })
  H.eq(t.rows[1][3], 40)
  H.eq(t.rows[1][4], 120)
  -- each neighbour's own figure, year by year
  local nt = ctx.table_index.share_neighbours
  H.eq(nt.columns, { "year", "2", "4" })
  for i, y in ipairs({ 2018, 2019, 2020 }) do
    H.eq(nt.rows[i][2], 100 * (80 + (y - 2018) * 3) / 220, 1e-14)
    H.eq(nt.rows[i][3], 100 * (160 + (y - 2018) * 3) / 420, 1e-14)
  end
end)

H.case("benchmark: a funnel plot of every authority around England, with the authority marked", function()
  local ctx = new_ctx({ d = ees(), nb = nb })
  bench.run(ctx, { authority = 1, authority_name = "Alpha", neighbours = { input = "nb", code_column = "LA num" },
    years = { from = 2018, to = 2020 }, measures = {
      { name = "share", label = "Share (%)", input = "d", numerator = "events", denominator = "children", per = 100,
        funnel = true },
      { name = "rate", label = "Rate per 10,000", input = "d", numerator = "events", per = 10000,
        denominator = { input = "d", column = "population" }, funnel = 2019 },
    } })
  local c = ctx.chart_index.share_funnel
  H.ok(c and c.svg:find("<svg", 1, true), "funnel chart drawn")
  H.ok(c.svg:find("Alpha", 1, true), "the authority is labelled")
  H.ok(c.svg:find("England", 1, true), "the centre is England")
  -- every authority of 2020 is on it; outside the 99.8% limits counted by hand
  local e = ctx:get("share.funnel_outside_998.2020")
  H.eq(e.n, 5)
  local centre = (30000 + 2020) / 100000
  local outside = 0
  for a = 1, 5 do
    local k, n = 40 * a + 6, 100 * a + 20
    local lo, hi = stats.funnel_limits("proportion", centre, n, { conf_level = 0.998 })
    if k / n < lo or k / n > hi then outside = outside + 1 end
  end
  H.eq(e.value, outside)
  -- 2019: authority 3's count is suppressed, so 4 authorities
  H.eq(ctx:get("rate.funnel_outside_998.2019").n, 4)
  H.ok(ctx.chart_index.rate_funnel, "rate funnel drawn")
end)

local function schema_errors(measure)
  local S = require("csc.schema")
  local e = {}
  S.validate(bench.schema, { authority = 1, authority_name = "A", neighbours = { input = "nb", code_column = "LA num" },
    years = { from = 2018, to = 2020 }, measures = { measure } }, "design", e)
  local out = {}
  for _, x in ipairs(e) do out[#out + 1] = x.path .. ": " .. x.msg end
  return table.concat(out, "\n")
end

H.case("benchmark: a funnel plot, interval or part-year that cannot apply is refused, naming the field", function()
  local e = schema_errors({ name = "v", label = "V", input = "d", numerator = "events", funnel = true })
  H.ok(e:find("funnel", 1, true) and e:find("needs counts", 1, true), e)
  e = schema_errors({ name = "s", label = "S", input = "d", numerator = "events", denominator = "children", per = 100,
    part_year = { year = 2020, months = 10 } })
  H.ok(e:find("part_year", 1, true) and e:find("same part-year file", 1, true), e)
  e = schema_errors({ name = "l", label = "L", input = "lait", lait = "LAC", count = "LACnum" })
  H.ok(e:find("per", 1, true) and e:find("needs per", 1, true), e)
  e = schema_errors({ name = "l", label = "L", input = "d", numerator = "events", count = "LACnum" })
  H.ok(e:find("count and base name LAIT measures", 1, true), e)
  H.eq(schema_errors({ name = "l", label = "L", input = "lait", lait = "LAC", count = "LACnum", per = 10000, funnel = 2019 }), "")
end)

H.case("benchmark: missing and suppressed figures are said in a note, never shown as 0", function()
  local ctx = new_ctx({ d = ees(), nb = nb })
  bench.run(ctx, { authority = 3, authority_name = "C", neighbours = { input = "nb", code_column = "LA num" },
    years = { from = 2018, to = 2020 }, measures = {
      { name = "share", label = "Share (%)", input = "d", numerator = "events", denominator = "children", per = 100 } } })
  local t = ctx.table_index.share_authority
  H.eq(t.columns[#t.columns], "note")
  local row = t.rows[2]
  H.eq(row[2], NA)
  H.ok(tostring(row[#row]):find('"c"', 1, true), "the note gives the published symbol: " .. tostring(row[#row]))
  local main = ctx.table_index.share
  H.eq(main.rows[2][2], NA)
  H.ok(main.note:find('2018/19: no figure: "c"', 1, true), main.note)
  H.eq(ctx:get("share.authority.2019"), nil)
end)

H.case("benchmark: a part-year is annualised (× 12 / months) and flagged", function()
  local ctx = new_ctx({ d = ees(), nb = nb })
  bench.run(ctx, { authority = 1, authority_name = "A", neighbours = { input = "nb", code_column = "LA num" },
    years = { from = 2018, to = 2020 }, measures = {
      { name = "rate", label = "Rate per 10,000", input = "d", numerator = "events", per = 10000,
        denominator = { input = "d", column = "population" }, part_year = { year = 2020, months = 10 } } } })
  H.eq(ctx:get("rate.authority.2020").value, 46 * 12 / 10 / 20000 * 1e4, 1e-14)
  H.eq(ctx:get("rate.authority.2019").value, 43 / 20000 * 1e4, 1e-14)
  H.eq(ctx:get("rate.england.2020").value, (30000 + 2020) * 1.2 / 12000000 * 1e4, 1e-14)
  local p = stats.poisson_ci(46)
  H.eq(ctx:get("rate.authority.2020").ci, { p[1] * 1.2 / 2, p[2] * 1.2 / 2 }, 1e-14)
  local w = table.concat(ctx.warnings, "\n")
  H.ok(w:find("annualised from 10 months", 1, true), w)
  local t = ctx.table_index.rate_authority
  H.eq(t.rows[3][#t.rows[3]], "annualised from 10 months")
end)

local LAIT = "../shared/data/lait/lait_csc_key_measures_2015_2025_long.csv"
local SN = "../shared/data/ees/New_Statistical_Neighbour_Groupings_April_2021.csv"
if sys.kind(LAIT) ~= "file" or sys.kind(SN) ~= "file" then
  H.skip("benchmark intervals on LAIT", "../shared/data/lait/ or ../shared/data/ees/ is absent")
  return
end
local lait = assert(frame.read_csv(LAIT))
local sn = assert(frame.read_csv(SN))
-- the raw LAIT value of measure m, code c, year y (nil when not a number)
local raw = {}
do
  local ms, ly, lc, lv = lait:column("measure_short"), lait:column("year"), lait:column("la_number"), lait:column("value")
  for i = 1, #ms do raw[ms[i] .. "|" .. tostring(lc[i]) .. "|" .. tostring(ly[i])] = tonumber(lv[i]) end
end

H.case("benchmark on LAIT: Derby's care leavers in EET, Wilson interval from LAIT's counts", function()
  local ctx = new_ctx({ lait = lait, neighbours = sn })
  bench.run(ctx, { authority = 831, authority_name = "Derby", neighbours = { input = "neighbours", code_column = "LA num" },
    years = { from = 2017, to = 2019 }, measures = { { name = "eet", label = "EET (%)", input = "lait", lait = "CareLeaverEET",
      count = "CareLeaverEETNum", base = "NoCareLeavers", per = 100, funnel = true } } })
  for y = 2017, 2019 do
    local k, b = raw["CareLeaverEETNum|831|" .. y], raw["NoCareLeavers|831|" .. y]
    local w = stats.wilson_ci(k, b)
    H.eq(ctx:get("eet.authority." .. y).ci, { 100 * w[1], 100 * w[2] }, 1e-14)
    -- LAIT's percentage is near its count over its base, not always equal
    -- (2018: 83 of 133 is 62.4%, published 61%), and the design says so
    H.ok(math.abs(raw["CareLeaverEET|831|" .. y] - 100 * k / b) <= 2, "LAIT's % is near its counts'")
  end
  local w = table.concat(ctx.warnings, "\n")
  H.ok(w:find("2017/18: 83 of 133 is 62.4, published 61", 1, true), w)
  H.ok(ctx.chart_index.eet_funnel, "funnel drawn")
  H.ok(ctx:get("eet.funnel_outside_998.2019").n > 140, "every authority with counts is on the funnel")
end)

H.case("benchmark on LAIT: in a year joined to the predecessor, rank and region are the predecessor's", function()
  local ctx = new_ctx({ lait = lait, neighbours = sn })
  bench.run(ctx, { authority = 940, authority_name = "North Northamptonshire", join_predecessors = true,
    neighbours = { input = "neighbours", code_column = "LA num" }, years = { from = 2019, to = 2023 },
    measures = { { name = "lac", label = "LAC", input = "lait", lait = "LAC", polarity = "low" } } })
  for y = 2019, 2021 do
    -- Northamptonshire's (928) rank among all authorities, counted here from the raw file (1 = lowest)
    local mine, better, n = raw["LAC|928|" .. y], 0, 0
    for key, v in pairs(raw) do
      local m, c, yy = key:match("^([^|]+)|(%d+)|(%d+)$")
      if m == "LAC" and tonumber(yy) == y and tonumber(c) < 970 then
        n = n + 1
        if v < mine then better = better + 1 end
      end
    end
    local r = ctx:get("lac.rank." .. y)
    H.ok(r ~= nil, "a rank in the joined year " .. y)
    H.eq(r.value, better + 1)
    H.eq(r.n, n)
    H.ok(ctx:get("lac.region." .. y) ~= nil, "a region figure in " .. y)
  end
  local t = ctx.table_index.lac_authority
  H.eq(t.columns[#t.columns], "note")
  H.ok(t.rows[1][#t.rows[1]]:find("predecessor 928", 1, true), t.rows[1][#t.rows[1]])
end)

H.case("benchmark: on synthetic data the funnel plot carries the synthetic mark like every chart", function()
  ees()   -- writes tests/out/benchmark_ci.csv
  local nbpath = "tests/out/benchmark_ci_nb.csv"
  local fh = assert(io.open(nbpath, "w"))
  fh:write("LA num,SN1,SN2\n1,2,4\n")
  fh:close()
  local rpath = "tests/out/benchmark_ci_recipe.lua"
  fh = assert(io.open(rpath, "w"))
  fh:write([[
return {
  id = "benchmark_ci_synthetic", title = "Synthetic benchmark with a funnel plot", question = "q",
  source = { report = "none: a test of the funnel plot's marks", tables = { "none" } },
  inputs = {
    d = { path = "tests/out/benchmark_ci.csv", synthetic = true, description = "made-up counts" },
    nb = { path = "tests/out/benchmark_ci_nb.csv", description = "made-up neighbours" },
  },
  design = { type = "benchmark", authority = 1, authority_name = "Alpha", neighbours = { input = "nb", code_column = "LA num" },
    years = { from = 2018, to = 2020 }, measures = { { name = "share", label = "Share (%)", input = "d",
      numerator = "events", denominator = "children", per = 100, funnel = true } } },
}
]])
  fh:close()
  local res = require("csc.runner").run(rpath, { out = "tests/out/benchmark_ci_run", trusted = true, data = {} })
  local svg = assert(sys.read(res.dir .. "/share_funnel.svg"))
  local note = require("csc.render.output").SYNTHETIC_CHART_NOTE
  H.ok(svg:find(">" .. note:gsub("%p", "%%%0") .. "</text>"), "the funnel plot shows the synthetic note")
end)
