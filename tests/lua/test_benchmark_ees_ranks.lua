-- Benchmark design on measures built from Explore Education Statistics
-- files: every authority's figure, rank and quartile against figures
-- computed independently from the raw files
-- (tests/reference/benchmark/ees_ranks.py), for Lincolnshire (925), Derby
-- (831) and North Northamptonshire (940, created in 2021 when
-- Northamptonshire was reorganised; no figure before then, so no rank).
local H = ...
local frame = require("host.frame")
local sys = require("host.sys")
local context = require("csc.context")
local bench = require("csc.designs.benchmark")

local REF = "../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
local POP = "../shared/data/ees/ons_mid-year_population_estimates_2012_to_2024.csv"
local SN = "../shared/data/ees/New_Statistical_Neighbour_Groupings_April_2021.csv"
if sys.kind(REF) ~= "file" or sys.kind(POP) ~= "file" or sys.kind(SN) ~= "file" then
  H.skip("benchmark EES ranks", "../shared/data/ees/ (referrals, population or neighbour groupings) is absent")
  return
end

local MEASURES = {
  { name = "referral_rate", label = "Referrals per 10,000 children", input = "referrals", numerator = "referral_count",
    denominator = { input = "population", column = "population_estimate", year_lag = 1 }, per = 10000 },
  { name = "nfa_share", label = "Referrals with no further action (%)", input = "referrals",
    numerator = "no_further_action_count", denominator = "referral_count", per = 100 },
}

H.case("benchmark EES measures: every authority's rank and quartile agree with the independent computation", function()
  local data = { referrals = assert(frame.read_csv(REF)), population = assert(frame.read_csv(POP)),
    neighbours = assert(frame.read_csv(SN)) }
  local ref = assert(frame.read_csv("tests/reference/benchmark/ees_ranks.csv", { types = { code = "text", value = "number" } }))
  -- reference: measure|year|code -> row
  local want, byyear = {}, {}
  for i = 1, ref:nrow() do
    local m, y, c = ref:value(i, "measure"), ref:value(i, "year"), ref:value(i, "code")
    want[m .. "|" .. y .. "|" .. c] = i
    byyear[m .. "|" .. y] = (byyear[m .. "|" .. y] or 0) + 1
  end
  local checked = 0
  for _, auth in ipairs({ 925, 831, 940 }) do
    local d = { authority = auth, authority_name = "A" .. auth,
      neighbours = { input = "neighbours", code_column = "LA num" }, years = { from = 2013, to = 2025 },
      measures = MEASURES }
    local ctx = context.new({ spec = { inputs = {} }, path = "test", id = "t" }, data, {}, {}, require("csc.render.svg").kinds)
    bench.run(ctx, d)
    for _, m in ipairs(MEASURES) do
      for y = 2013, 2025 do
        local i = want[m.name .. "|" .. y .. "|" .. auth]
        local r, q = ctx:get(string.format("%s.rank.%d", m.name, y)), ctx:get(string.format("%s.quartile.%d", m.name, y))
        if i == nil then
          H.ok(r == nil and q == nil, string.format("%d %s %d: no figure, so no rank expected", auth, m.name, y))
        else
          H.ok(r ~= nil and q ~= nil, string.format("%d %s %d: rank missing", auth, m.name, y))
          H.eq(r.value, ref:value(i, "rank"))
          H.eq(r.n, ref:value(i, "ranked"))
          H.eq(q.value, ref:value(i, "quartile"))
          checked = checked + 1
        end
      end
      -- the table of every authority in the last year: same authorities,
      -- figures, ranks and quartiles as the reference
      local t = ctx.table_index[m.name .. "_ranks"]
      H.ok(t ~= nil, m.name .. "_ranks table")
      H.eq(#t.rows, byyear[m.name .. "|2025"])
      local seen_self = false
      for _, row in ipairs(t.rows) do
        local i = want[m.name .. "|2025|" .. row[1]]
        H.ok(i ~= nil, string.format("%s 2025: %s is not in the reference", m.name, row[1]))
        -- the same quotient of the same two numbers: equal up to the last bit
        H.eq(row[3], ref:value(i, "value"), 1e-12 * math.abs(ref:value(i, "value")))
        H.eq(row[4], ref:value(i, "rank"))
        H.eq(row[5], ref:value(i, "quartile"))
        if row[1] == tostring(auth) then seen_self = true; H.eq(row[6], "A" .. auth) end
      end
      H.ok(seen_self, string.format("%d is in its own %s_ranks table", auth, m.name))
    end
  end
  -- every reference row of the three authorities was compared
  local expected = 0
  for i = 1, ref:nrow() do
    local c = ref:value(i, "code")
    if c == "925" or c == "831" or c == "940" then expected = expected + 1 end
  end
  H.eq(checked, expected)
  H.ok(checked >= 60, "compared " .. checked .. " ranks")
end)
