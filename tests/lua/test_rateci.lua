-- Intervals for counts, rates and proportions, and funnel-plot limits
-- (csc.stats.poisson_ci, wilson_ci, funnel_limits; host/num/rateci.c),
-- against R: tests/reference/rateci/expected.csv from make_rateci.R.
local H = ...
local stats = require("csc.stats")
local hframe = require("host.frame")

local ref = hframe.read_csv("tests/reference/rateci/expected.csv",
  { types = { kind = "text", lo = "text", hi = "text" } })
local function cell(col, i)
  local v = ref:column(col)[i]
  if v == hframe.NA then return nil end
  return tonumber(v)
end

-- Tolerance 1e-9 relative: closed forms and GSL's chi-square and normal
-- quantiles, which agree with R's to about 1e-12 (absolute 1e-12 near 0).
local function close(got, want, what)
  if math.abs(got - want) > 1e-12 and math.abs(got - want) > 1e-9 * math.abs(want) then
    H.fail(string.format("%s: got %.17g, R gives %.17g", what, got, want), 2)
  else H.ok(true) end
end

H.case("poisson_ci, wilson_ci and funnel_limits agree with R", function()
  local kinds = ref:column("kind")
  local seen = {}
  for i = 1, #kinds do
    local k, x, n, c, conf = kinds[i], cell("x", i), cell("n", i), cell("centre", i), cell("conf", i)
    local lo, hi
    if k == "poisson_exact" or k == "poisson_byar" then
      local ci = stats.poisson_ci(x, { method = k == "poisson_exact" and "exact" or "byar", conf_level = conf })
      lo, hi = ci[1], ci[2]
    elseif k == "wilson" then
      local ci = stats.wilson_ci(x, n, { conf_level = conf })
      lo, hi = ci[1], ci[2]
    elseif k == "funnel_proportion" then
      lo, hi = stats.funnel_limits("proportion", c, n, { conf_level = conf })
    else
      lo, hi = stats.funnel_limits("rate", c, n, { conf_level = conf })
    end
    local what = string.format("%s x=%s n=%s centre=%s conf=%s", k, x, n, c, conf)
    close(lo, tonumber(ref:column("lo")[i]), what .. " lower")
    close(hi, tonumber(ref:column("hi")[i]), what .. " upper")
    seen[k] = (seen[k] or 0) + 1
  end
  for _, k in ipairs({ "poisson_exact", "poisson_byar", "wilson", "funnel_proportion", "funnel_rate" }) do
    H.ok((seen[k] or 0) >= 10, k .. " has reference rows")
  end
end)

H.case("the Wilson interval equals prop_test(correct = false)'s", function()
  local a = stats.wilson_ci(114, 136)
  local b = stats.prop_test(114, 136, { correct = false })
  H.eq(a[1], b.conf_int[1], 1e-14)
  H.eq(a[2], b.conf_int[2], 1e-14)
end)

H.case("interval arguments are checked, naming the field", function()
  H.raises("method", stats.poisson_ci, 3, { method = "wald" })
  H.raises("count", stats.poisson_ci, -1)
  H.raises("x <= n", stats.wilson_ci, 5, 3)
  H.raises("model", stats.funnel_limits, "ratio", 0.5, 10)
  H.raises("conf_level", stats.wilson_ci, 1, 3, { conf_level = 95 })
  H.raises("did you mean", stats.poisson_ci, 3, { conf_levl = 0.9 })
end)
