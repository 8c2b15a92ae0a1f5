-- Issue 5's synthetic inputs and real-data recipes:
--   * each generator in data/ re-runs to the same bytes as the committed file;
--   * the Early Help months add up to Lincolnshire's real annual referral and
--     NFA counts in the children in need census (skipped without ../shared);
--   * the NWD panel still gives the report's comparison sets and Table 5's scale;
--   * recipes/lincs_referrals_cits.lua's Lincolnshire rates equal
--     recipes/lincs_benchmarks.lua's (skipped without ../shared).
local H = ...
local sys = require("host.sys")
local frame = require("host.frame")
local runner = require("csc.runner")

local SHARED = "../shared/data/ees/"
local C1 = SHARED .. "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
local have_shared = sys.kind(C1) == "file"

local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-gen5-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid()) .. "-"
  .. tostring(math.random(1e6))
sys.mkdirs(tmp)

-- Run a generator script in this Lua state with its messages silenced.
local generate = H.run_script

local function bytes(path) return assert(sys.read(path)) end

H.case("lincs_early_help generator: same bytes as the committed file", function()
  local out = tmp .. "/monthly.csv"
  H.eq(generate("data/lincs_early_help/gen.lua", out, C1), 0)
  H.ok(bytes(out) == bytes("data/lincs_early_help/referrals_monthly.csv"),
    "re-running data/lincs_early_help/gen.lua must reproduce data/lincs_early_help/referrals_monthly.csv byte for byte")
  -- its synthetic-data mark (csc.synthetic): the same generator, seed and bytes
  local mark = require("csc.synthetic").read(out, sys.sha256_file(out))
  H.ok(mark and mark.generator == "data/lincs_early_help/gen.lua" and not mark.changed, "the generator marks its file")
  -- Without the census file it falls back to the figures the census publishes: same bytes.
  local out2 = tmp .. "/monthly_fallback.csv"
  H.eq(generate("data/lincs_early_help/gen.lua", out2, tmp .. "/no_such_file.csv"), 0)
  H.ok(bytes(out2) == bytes(out), "the fallback totals give the same file")
end)

if have_shared then
  H.case("lincs_early_help data: each financial year adds up to the real census counts", function()
    local c1 = assert(frame.read_csv(C1))
    local m = assert(frame.read_csv("data/lincs_early_help/referrals_monthly.csv"))
    H.eq(m:nrow(), 24)
    for _, y in ipairs({ 2018, 2019 }) do
      local real = c1:filter(string.format(
        'geographic_level == "Local authority" and old_la_code == 925 and time_period == %d', y))
      H.eq(real:nrow(), 1)
      local months = m:filter("time_period == " .. y)
      H.eq(months:nrow(), 12)
      local s = months:aggregate(nil, { { "ref", "sum", "referral_count" }, { "nfa", "sum", "no_further_action_count" } })
      H.eq(s:value(1, "ref"), real:value(1, "referral_count"))
      H.eq(s:value(1, "nfa"), real:value(1, "no_further_action_count"))
    end
  end)
else
  H.skip("lincs_early_help data against the census", "needs " .. C1 .. " (the shared public statistics beside this checkout); not found")
end

H.case("nwd_leaving_care generator: same bytes, the report's comparison sets and Table 5's scale", function()
  local out = tmp .. "/panel.csv"
  -- The generator itself fails (returns 1) when itsamatch does not pick the report's sets.
  H.eq(generate("data/nwd_leaving_care/gen.lua", out), 0)
  H.ok(bytes(out) == bytes("data/nwd_leaving_care/panel.csv"),
    "re-running data/nwd_leaving_care/gen.lua must reproduce data/nwd_leaving_care/panel.csv byte for byte")
  local mark = require("csc.synthetic").read(out, sys.sha256_file(out))
  H.ok(mark and mark.generator == "data/nwd_leaving_care/gen.lua" and not mark.changed, "the generator marks its file")
  H.eq(sys.kind(out .. ".tmp.csceval.json"), nil)
  local its = require("csc.its")
  local f = assert(frame.read_csv(out))
  local want = {
    { col = "suitable_accommodation_pct", comps = { 925, 860, 384 }, lag = 0, est = 7.2, lo = -4.81, hi = 19.21, p = 0.234 },
    { col = "eet_pct", comps = { 383, 925, 392, 928, 860, 384 }, lag = 2, est = 7.1, lo = -6.9, hi = 21, p = 0.318 },
  }
  for _, w in ipairs(want) do
    local P = its.panel{ data = f, unit = "old_la_code", time = "time_period", value = w.col }
    local r = P:cits{ treated = 815, comparators = w.comps, interruption = 2019, definition_change = 2014,
      exclude = { 2018 }, lag = w.lag }
    H.ok(math.abs(r.impact.estimate - w.est) <= 0.05, w.col .. ": impact " .. r.impact.estimate)
    H.ok(math.abs(r.impact.conf_low - w.lo) <= 0.05, w.col .. ": CI low " .. r.impact.conf_low)
    H.ok(math.abs(r.impact.conf_high - w.hi) <= 0.5, w.col .. ": CI high " .. r.impact.conf_high)
    H.ok(math.abs(r.impact.p_value - w.p) <= 0.003, w.col .. ": p " .. r.impact.p_value)
  end
end)

if have_shared then
  H.case("lincs_referrals_cits: Lincolnshire's rates equal lincs_benchmarks'", function()
    local out = tmp .. "/out"
    runner.run("recipes/lincs_benchmarks.lua", { out = out, formats = { "csv" } })
    runner.run("recipes/lincs_referrals_cits.lua", { out = out, formats = { "csv" } })
    local b = assert(frame.read_csv(out .. "/lincs_benchmarks/referral_rate.csv"))
    local c = assert(frame.read_csv(out .. "/lincs_referrals_cits/referral_rate_periods.csv"))
    H.eq(c:column("period"), b:column("year"))
    H.eq(c:column("treated_observed"), b:column("Lincolnshire"))
  end)
else
  H.skip("lincs_referrals_cits against lincs_benchmarks", "needs ../shared/data/ees (the shared public statistics); not found")
end
