--- Confidence intervals and funnel plots for the benchmark design.
-- A measure has counts when it is numerator / denominator (an EES measure
-- with a denominator) or a LAIT indicator with `count` (the LAIT measure
-- holding its numerator) and, for a proportion, `base` (the measure holding
-- its denominator).  For a LAIT rate without `base` the population is the
-- ONS child population when the measure names one (`population`: an EES-form
-- file keyed by old LA code, with a year lag), and otherwise, or where that
-- file has no figure for an authority and year, the one implied by the
-- published rate: count × per / rate (each such fallback is recorded in
-- counter's second result, so the report can say so).
--   interval = "wilson"  proportion count / base (Wilson score, as R
--                        prop.test(correct = FALSE)); default when per = 100
--   interval = "exact"   rate: exact Poisson interval of the count (as R
--                        poisson.test) × per / denominator; the default otherwise
--   interval = "byar"    rate: Byar's approximation to the exact interval
--   interval = "none"    no interval
-- The funnel plot (funnel = true for the last year, or a year) puts every
-- authority with a figure at its denominator, around England's value, with
-- 95% and 99.8% control limits: the Wilson form for proportions and exact
-- Poisson limits for rates (Spiegelhalter 2005; csc.stats.funnel_limits).
-- @module csc.benchmark.intervals
local stats = require("csc.stats")
local lait = require("csc.benchmark.lait")
local NA = require("host.frame").NA

local M = {}

--- The interval kind of measure m ("wilson", "exact", "byar") or nil when
-- it has none (no counts, or interval = "none").
function M.kind(m)
  if m.interval == "none" then return nil end
  local counted = (m.lait and m.count) or (not m.lait and m.denominator ~= nil)
  if not counted then return nil end
  return m.interval or ((m.per or 1) == 100 and "wilson" or "exact")
end

M.method_name = {
  wilson = "Wilson score interval for a proportion (as R prop.test(correct = FALSE))",
  exact = "exact Poisson interval for the count (Garwood; as R poisson.test), scaled to the rate",
  byar = "Byar's approximation to the exact Poisson interval for the count, scaled to the rate",
}

local function num(v) if v == nil or v == NA then return nil end return tonumber(v) end

--- A function counts(code, y, value) -> count, denominator (or nil) for
-- measure m.  num/den are the indexes the design built (key "code|year");
-- pop (a LAIT rate's population index, key "code|year", England "E|year")
-- with pop_lag.  The second result lists the "code|year" keys whose
-- denominator was implied from the published rate although pop was given.
function M.counter(ctx, m, num_idx, den_idx, lag, pop, pop_lag)
  local implied = {}
  if m.lait then
    local cnt = lait.index(ctx.data[m.input], m.count)
    if not next(cnt) then
      error(string.format("design.measures: the LAIT input %q has no rows for the count measure %q", m.input, m.count), 0)
    end
    local base = m.base and lait.index(ctx.data[m.input], m.base)
    if base and not next(base) then
      error(string.format("design.measures: the LAIT input %q has no rows for the base measure %q", m.input, m.base), 0)
    end
    return function(code, y, value)
      local k = num(cnt[code .. "|" .. y])
      if not k then return nil end
      if base then
        local b = num(base[code .. "|" .. y])
        if b and b > 0 and k <= b then return k, b end
        return nil
      end
      if pop then
        local p = num(pop[code .. "|" .. (y - (pop_lag or 0))])
        if p and p > 0 then return k, p end
      end
      if value and value > 0 then
        if pop then implied[code .. "|" .. y] = true end
        return k, k * (m.per or 1) / value
      end
      return nil
    end, implied
  end
  return function(code, y)
    local k, b = num(num_idx[code .. "|" .. y]), num(den_idx[code .. "|" .. (y - lag)])
    if k and b and b > 0 and (M.kind(m) ~= "wilson" or k <= b) then return k, b end
    return nil
  end, implied
end

--- Interval (in the measure's units) for count k of denominator b.
function M.ci(kind, k, b, per)
  if kind == "wilson" then
    local ci = stats.wilson_ci(k, b)
    return ci[1] * per, ci[2] * per
  end
  local ci = stats.poisson_ci(k, { method = kind })
  return ci[1] / b * per, ci[2] / b * per
end

--- The funnel chart of measure m for year y: every authority (codes below
-- England's) with a count and denominator that year.  units: list of
-- {code = , value = , n = }; centre: England's value.
function M.funnel(ctx, d, m, y, units, centre, year_label, highlight)
  local kind = M.kind(m)
  local per = m.per or 1
  local model = kind == "wilson" and "proportion" or "rate"
  if #units < 3 then
    ctx:warn(string.format("%s: no funnel plot for %s: fewer than 3 authorities have a count and a denominator.",
      m.label, year_label(y)))
    return
  end
  if not centre then
    ctx:warn(string.format("%s: no funnel plot for %s: England has no figure that year.", m.label, year_label(y)))
    return
  end
  local list, outside = {}, {}
  for _, u in ipairs(units) do
    list[#list + 1] = { label = u.name or tostring(u.code), n = u.n, value = u.value }
    local lo, hi = stats.funnel_limits(model, centre / per, u.n, { conf_level = 0.998 })
    if u.value < lo * per or u.value > hi * per then outside[#outside + 1] = u end
  end
  local function limits(n, level)
    local lo, hi = stats.funnel_limits(model, centre / per, n, { conf_level = level })
    return lo * per, hi * per
  end
  ctx:chart({
    name = m.name .. "_funnel", kind = "funnel", table = m.name,
    title = string.format("%s, %s: every authority by its %s, with control limits around England", m.label,
      year_label(y), model == "proportion" and "number of children counted" or "population"),
    desc = string.format("Funnel plot of %s in %s: each open circle is an authority, placed by its denominator "
      .. "(%s) across and its figure up; %s is the filled diamond. The solid horizontal line is England (%s); "
      .. "the dashed and dotted curves are the 95%% and 99.8%% control limits (%s), which narrow as the "
      .. "denominator grows. %d of %d authorities lie outside the 99.8%% limits.",
      m.label:lower(), year_label(y), model == "proportion" and "the base count" or "the population",
      d.authority_name, string.format("%.4g", centre), model == "proportion" and "Wilson form" or "exact Poisson",
      #outside, #units),
    units = list, per = per, model = model, centre = centre, limits = limits,
    centre_label = string.format("England: %.4g", centre),
    highlight = highlight, units_name = "Authorities",
    xlabel = model == "proportion" and "Denominator (children counted)" or "Denominator (population)",
    ylabel = m.label,
  })
  ctx:estimate({ label = string.format("%s.funnel_outside_998.%d", m.name, y), value = #outside, n = #units,
    unit = "authorities outside the 99.8% limits", group = m.name, detail = true })
  ctx:method(string.format("%s, funnel plot for %s: %d authorities with a count and a denominator, around England's "
    .. "value (%.4g); control limits at 95%% and 99.8%% by %s (Spiegelhalter 2005). %d lie outside the 99.8%% limits.",
    m.label, year_label(y), #units, centre, model == "proportion" and "the Wilson form for a proportion"
      or "exact Poisson limits for the expected count", #outside))
end

return M
