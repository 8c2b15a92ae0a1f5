-- Benchmark design: a LAIT rate's intervals and funnel plot take their
-- denominators from a population file (the ONS child population) with a
-- year lag, and fall back, with a warning, to the population the rounded
-- published rate implies where the file has no figure.
local H = ...
local frame = require("host.frame")
local context = require("csc.context")
local bench = require("csc.designs.benchmark")
local stats = require("csc.stats")

local function new_ctx(data)
  return context.new({ spec = { inputs = {} }, path = "test", id = "t" }, data, {}, {}, require("csc.render.svg").kinds)
end

local function write(path, lines)
  os.execute("mkdir -p tests/out")
  local fh = assert(io.open(path, "w"))
  fh:write(table.concat(lines, "\n"), "\n")
  fh:close()
  return assert(frame.read_csv(path))
end

-- authorities 1-5 and England (970), 2018-2019: count k, population p of the
-- year before (mid-year estimate), published rate rounded to a whole number
local function k_of(c, y) return c == 970 and 70000 or 40 * c + (c == 5 and 200 or 0) + (y - 2018) * 7 end
local function p_of(c, y) return c == 970 and 11800000 or 10000 * c + 1234 + (y - 2017) * 50 end

local function data()
  local lait = { "measure_short,year,la_number,area_name,region,value" }
  local pop = { "time_period,geographic_level,old_la_code,population_estimate" }
  for _, y in ipairs({ 2018, 2019 }) do
    for _, c in ipairs({ 1, 2, 3, 4, 5, 970 }) do
      local k, p = k_of(c, y), p_of(c, y - 1)
      lait[#lait + 1] = string.format("R,%d,%d,A%d,%s,%d", y, c, c, c == 970 and "NA" or "East", math.floor(k / p * 1e4 + 0.5))
      lait[#lait + 1] = string.format("Rn,%d,%d,A%d,%s,%d", y, c, c, c == 970 and "NA" or "East", k)
    end
  end
  for _, y in ipairs({ 2017, 2018 }) do
    for _, c in ipairs({ 1, 2, 3, 4, 5, 970 }) do
      -- no population figure for authority 4 in 2018 (so none for 2019's rate)
      if not (c == 4 and y == 2018) then
        pop[#pop + 1] = string.format("%d,%s,%s,%d", y, c == 970 and "National" or "Local authority",
          c == 970 and "" or tostring(c), p_of(c, y))
      end
    end
  end
  return { lait = write("tests/out/benchmark_pop_lait.csv", lait), pop = write("tests/out/benchmark_pop.csv", pop),
    nb = frame.new({ names = { "LA num", "SN1", "SN2" }, columns = { { 1 }, { 2 }, { 3 } } }) }
end

local function design(with_pop)
  return { authority = 1, authority_name = "A", neighbours = { input = "nb", code_column = "LA num" },
    years = { from = 2018, to = 2019 }, measures = {
      { name = "r", label = "Rate per 10,000", input = "lait", lait = "R", count = "Rn", per = 10000, funnel = 2019,
        population = with_pop and { input = "pop", column = "population_estimate", year_lag = 1 } or nil } } }
end

H.case("benchmark: a LAIT rate's interval and funnel use the population file, not the rounded rate", function()
  local ctx = new_ctx(data())
  bench.run(ctx, design(true))
  local t = ctx.table_index.r_authority
  for i, y in ipairs({ 2018, 2019 }) do
    local k, p = k_of(1, y), p_of(1, y - 1)
    H.eq(t.rows[i][3], k)
    H.eq(t.rows[i][4], p)   -- the population of the year before, as given
    local ci = stats.poisson_ci(k)
    H.eq(ctx:get("r.authority." .. y).ci, { ci[1] / p * 1e4, ci[2] / p * 1e4 }, 1e-12)
  end
  -- funnel 2019: every authority at its population (4's implied from its
  -- published rate), limits around England's published rate
  local centre = math.floor(k_of(970, 2019) / p_of(970, 2018) * 1e4 + 0.5) / 1e4
  local outside = 0
  for c = 1, 5 do
    local k = k_of(c, 2019)
    local rate = math.floor(k / p_of(c, 2018) * 1e4 + 0.5)
    local n = c == 4 and k * 1e4 / rate or p_of(c, 2018)
    local lo, hi = stats.funnel_limits("rate", centre, n, { conf_level = 0.998 })
    if rate / 1e4 < lo or rate / 1e4 > hi then outside = outside + 1 end
  end
  local e = ctx:get("r.funnel_outside_998.2019")
  H.eq(e.n, 5)
  H.eq(e.value, outside)
  H.ok(outside >= 1, "authority 5 lies outside the limits")
  -- the fallback is counted and said
  H.eq(ctx:get("r.population_implied").value, 1)
  local said = false
  for _, w in ipairs(ctx.warnings) do
    if w:find("4 in 2018/19", 1, true) and w:find("implies", 1, true) then said = true end
  end
  H.ok(said, "the warning names authority 4 in 2018/19 and says its population is implied")
end)

H.case("benchmark: without a population file a LAIT rate's denominator is the one its rate implies", function()
  local ctx = new_ctx(data())
  bench.run(ctx, design(false))
  local k = k_of(1, 2019)
  local rate = math.floor(k / p_of(1, 2018) * 1e4 + 0.5)
  H.eq(ctx.table_index.r_authority.rows[2][4], k * 1e4 / rate, 1e-9)
  H.eq(ctx:get("r.population_implied"), nil)
end)

H.case("benchmark: population only for a LAIT rate with count and no base, refused naming the field", function()
  local S = require("csc.schema")
  local function errs(measure)
    local e = {}
    S.validate(bench.schema, { authority = 1, authority_name = "A", neighbours = { input = "nb", code_column = "LA num" },
      years = { from = 2018, to = 2019 }, measures = { measure } }, "design", e)
    local out = {}
    for _, x in ipairs(e) do out[#out + 1] = x.path .. ": " .. x.msg end
    return table.concat(out, "\n")
  end
  local pop = { input = "pop", column = "population_estimate", year_lag = 1 }
  local e = errs({ name = "r", label = "R", input = "lait", lait = "R", per = 10000, population = pop })
  H.ok(e:find("population", 1, true) and e:find("needs lait and count", 1, true), e)
  e = errs({ name = "r", label = "R", input = "lait", lait = "R", count = "Rn", base = "B", per = 100, population = pop })
  H.ok(e:find("population", 1, true), e)
  H.eq(errs({ name = "r", label = "R", input = "lait", lait = "R", count = "Rn", per = 10000, population = pop }), "")
end)
