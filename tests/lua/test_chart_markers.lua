-- Chart markers and neighbour lines: the benchmark design's intervention-year
-- marker and each neighbour's own line, and the ITS / comparative ITS
-- definition-break markers.  Small synthetic frames; no shared data needed.
local H = ...
local frame = require("host.frame")
local context = require("csc.context")
local svg = require("csc.render.svg")
local bench = require("csc.designs.benchmark")
local its = require("csc.designs.its")
local cits = require("csc.designs.cits")

local function count(s, pat)
  local n = 0
  for _ in s:gmatch(pat) do n = n + 1 end
  return n
end

-- authority 1 with neighbours 2, 3 and 4, and England, 2016-2020
local function bench_data()
  local years, level, code, v = {}, {}, {}, {}
  local vals = { [1] = { 10, 12, 14, 13, 11 }, [2] = { 8, 9, 9, 10, 11 }, [3] = { 15, 14, 13, 12, 12 },
    [4] = { 11, 11, 12, 12, 13 }, E = { 12, 12, 12, 12, 12 } }
  for _, c in ipairs({ 1, 2, 3, 4, "E" }) do
    for i, y in ipairs({ 2016, 2017, 2018, 2019, 2020 }) do
      years[#years + 1] = y
      level[#level + 1] = c == "E" and "National" or "Local authority"
      code[#code + 1] = c == "E" and frame.NA or c
      v[#v + 1] = vals[c][i]
    end
  end
  local f = frame.new({ names = { "time_period", "geographic_level", "old_la_code", "rate" },
    columns = { years, level, code, v }, types = { old_la_code = "int64" } })
  local nb = frame.new({ names = { "LA num", "SN1", "SN2", "SN3" }, columns = { { 1 }, { 2 }, { 3 }, { 4 } } })
  return { d = f, nb = nb }
end

local function bench_design(extra)
  local d = { authority = 1, authority_name = "Authority A", neighbours = { input = "nb", code_column = "LA num" },
    years = { from = 2016, to = 2020 }, measures = { { name = "rate", label = "Rate", input = "d", numerator = "rate" } } }
  for k, v in pairs(extra or {}) do d[k] = v end
  return d
end

local function bench_chart(extra)
  local ctx = context.new({ spec = { inputs = {} }, path = "test", id = "t" }, bench_data(), {}, {}, svg.kinds)
  bench.run(ctx, bench_design(extra))
  return ctx.chart_index.rate, ctx
end

H.case("benchmark chart without options has no marker and no neighbour lines", function()
  local c = bench_chart()
  H.eq(count(c.svg, 'class="neighbour%-line"'), 0)
  H.ok(not c.svg:find("Each neighbour", 1, true), "no legend entry")
  H.ok(not c.svg:find("Programme began", 1, true), "no marker")
end)

H.case("benchmark neighbour_lines draws one thin grey line per neighbour, with one legend entry", function()
  local c = bench_chart({ neighbour_lines = true })
  H.eq(count(c.svg, '<path class="neighbour%-line"'), 3)
  H.eq(count(c.svg, ">Each neighbour</text>"), 1)
  -- drawn behind: every neighbour line comes before the neighbours' mean and the authority
  local last_nb = 0
  for p in c.svg:gmatch('()<path class="neighbour%-line"') do last_nb = p end
  local first_auth = c.svg:find('stroke="' .. svg.palette[1] .. '" stroke-width="2.5"', 1, true)
  H.ok(first_auth and last_nb < first_auth, "neighbour lines are drawn before the authority's line")
  H.ok(c.desc:find("Each of the 3 neighbours", 1, true), "the description says so")
  H.ok(c.svg:find("<title", 1, true) and c.svg:find("<desc", 1, true), "title and desc kept")
end)

H.case("benchmark marker draws a dashed, labelled line before the programme's first year", function()
  local c = bench_chart({ marker = { at = 2018, label = "Programme began" } })
  H.eq(count(c.svg, ">Programme began</text>"), 1)
  H.eq(count(c.svg, 'stroke%-dasharray="6 3"'), 1)
  H.ok(c.desc:find("before 2017/18 marks programme began", 1, true), c.desc)
  -- the default label
  c = bench_chart({ marker = { at = 2019 } })
  H.eq(count(c.svg, ">Programme began</text>"), 1)
end)

H.case("benchmark marker outside the years shown is a recipe error naming the field", function()
  H.raises("design.marker.at: 2021/22 is outside the years shown", bench_chart, { marker = { at = 2022 } })
end)

H.case("svg.its draws definition-change markers dotted and labelled inside the plot", function()
  local s = svg.its({ title = "t", desc = "d", series = { { name = "s", x = { 1, 2, 3, 4, 5, 6 }, y = { 1, 2, 3, 5, 6, 7 } } },
    intervention = { x = 3.5, label = "Intervention" }, markers = { { x = 1.5, label = "definition change" } } })
  H.eq(count(s, ">definition change</text>"), 1)
  H.eq(count(s, ">Intervention</text>"), 1)
  H.eq(count(s, 'stroke%-dasharray="2 3"'), 1)
  H.raises("markers[1] needs a numeric x", svg.its, { title = "t", desc = "d",
    series = { { x = { 1, 2 }, y = { 1, 2 } } }, markers = { { label = "x" } } })
end)

-- a yearly series 2010-2021, a definition change in 2014, an intervention in 2017
local function its_frame()
  local t, y, u = {}, {}, {}
  for yr = 2010, 2021 do
    for _, unit in ipairs({ 1, 2, 3 }) do
      t[#t + 1], u[#u + 1] = yr, unit
      local v = 50 + 2 * (yr - 2010) + unit + (yr >= 2014 and 5 or 0) + (unit == 1 and yr >= 2017 and -6 or 0)
      y[#y + 1] = v + ((yr * 7 + unit * 3) % 5) * 0.3
    end
  end
  return frame.new({ names = { "year", "unit", "rate" }, columns = { t, u, y } })
end

H.case("ITS design marks its definition change on the chart", function()
  local f = its_frame():filter("unit == 1")
  local ctx = context.new({ spec = { inputs = {} }, path = "test", id = "t" }, { panel = f }, {}, {}, svg.kinds)
  its.run(ctx, { data = "panel", time = "year", interruption = 2017, definition_change = 2014, frequency = "year",
    outcomes = { { name = "rate", column = "rate" } } })
  local c = ctx.charts[1]
  H.ok(c, "a chart")
  H.eq(count(c.svg, ">definition change</text>"), 1)
  H.ok(c.desc:find("definition changed (from 2014)", 1, true), c.desc)
end)

H.case("comparative ITS design marks its definition change on the chart", function()
  local ctx = context.new({ spec = { inputs = {} }, path = "test", id = "t" }, { panel = its_frame() }, {}, {}, svg.kinds)
  cits.run(ctx, { data = "panel", time = "year", unit = "unit", treated = 1, comparators = { 2, 3 }, interruption = 2017,
    definition_change = 2014, frequency = "year", outcomes = { { name = "rate", column = "rate" } } })
  local found = 0
  local said = false
  for _, c in ipairs(ctx.charts) do
    found = found + count(c.svg, ">definition change</text>")
    said = said or c.desc:find("definition changed (from 2014)", 1, true) ~= nil
  end
  H.eq(found, 1)
  H.ok(said, "the chart description names the definition change")
end)
