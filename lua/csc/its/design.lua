--- Helpers shared by the designs "its", "cits" and "did" (lua/csc/designs/):
-- reading the design's data, turning csc.its errors into recipe errors
-- that name the field and its line, and the tables and charts the three
-- report.  Not a public module: recipes use csc.its.
-- @module csc.its.design
local DI = require("csc.designs.base")
local its = require("csc.its")
local S = require("csc.schema")
local util = require("csc.util")

local M = {}
local NA = require("host.frame").NA

-- ===== Where errors point =====
-- The designs' shared skeleton (csc.designs.base): remember the recipe,
-- name the field and its line, keep the kind.

M.remember, M.check, M.where, M.raise = DI.remember, DI.check, DI.where, DI.raise

--- Call f(...) (a csc.its function) and re-raise its errors at the design
-- field they are about: its.cits's error on "comparators[2]" becomes
-- "recipes/x.lua:12: design.outcomes[1].comparators[2]: ...".  `base` is
-- the design path the call's fields live under ("design" or
-- "design.outcomes[1]"); `fields` maps a csc.its field name to the design
-- path it came from when that differs.
function M.call(design, base, fields, f, ...)
  return DI.call(design, base, function(name) return (fields and fields[name]) or (base .. "." .. name) end, f, ...)
end

-- ===== Schema pieces =====

--- Input name holding the design's data (for column checks).
function M.data_input(root) return root.design and root.design.data end

--- The fields every outcome of the cits and did designs has, plus `extra`.
function M.outcome_fields(extra)
  local f = {
    name = S.string({ required = true, pattern = "^[%a][%w_]*$", pattern_doc = "a letter, then letters, digits or _" }),
    column = S.column({ required = true, input = M.data_input }),
    label = S.string(),
    unit = S.string(),
    digits = S.integer({ min = 0 }),
  }
  for k, v in pairs(extra or {}) do f[k] = v end
  return f
end

--- Fields every panel or series design shares.
function M.source_fields()
  local f = DI.source_fields("the input holding the data (one row per period, or per unit and period)")
  for k, v in pairs({
    time = S.column({ required = true, input = M.data_input, doc = "the time column" }),
    frequency = S.either({ S.enum({ "month", "quarter", "year" }), S.number({ min = 0 }) }),
    format = S.enum({ "fy" }, { doc = "\"fy\": show 2018 as 2017/18" }),
    from = S.any({ doc = "first time in the sample" }),
    to = S.any({ doc = "last time in the sample" }),
    exclude = S.list(S.any(), { doc = "times left out (transition periods): values or {from = ..., to = ...}" }),
    level = S.number({ min = 0.5, max = 0.999 }),
    summary = S.string({ doc = "the design in plain English, for the report" }),
    label = S.string({ doc = "a short name of the design for out/index (e.g. \"Weighted Mahalanobis matching\")" }),
    chart = S.boolean({ doc = "draw the ITS charts (default true)" }),
    rates = S.map(S.record({
      numerator = S.string({ required = true, doc = "the count column of the design's data" }),
      denominator = S.record({
        input = S.string({ required = true, doc = "the input holding the denominator (e.g. population)" }),
        column = S.string({ required = true }),
        year_lag = S.integer({ min = 0, doc = "denominator year = time - year_lag (1: the mid-2017 population for 2017/18)" }),
        where = S.string({ doc = "filter expression for the denominator rows" }),
      }, { required = true }),
      per = S.number({ doc = "multiplier: 10000 for a rate per 10,000" }),
      by = S.string({ doc = "the key joining numerator and denominator rows (default the unit column, else old_la_code)" }),
    }), { doc = "columns to make: name = {numerator, denominator = {input, column, year_lag}, per}" }),
  }) do f[k] = v end
  return f
end

-- Which frame to analyse: shared with the other designs (csc.designs.base).
M.check_source = DI.check_source
function M.frame(data, design, ctx) return DI.frame(data, design, nil, ctx) end

--- Schema check shared by the its and cits designs: a data source and at
-- least one interruption.  Returns message, field.
function M.check_breaks(d)
  local msg, sub = DI.check_source(d)
  if msg then return msg, sub end
  if d.interruption == nil and d.interruptions == nil then
    return "give interruption = <time> or interruptions = {...}", "interruption"
  end
end

--- An event study's rows as a result table's rows (with its columns), each
-- also recorded as a detail estimate "<N>.event.<k>".
function M.event_rows(ctx, N, es, unit)
  local rows = {}
  for _, row in ipairs(es.rows) do
    rows[#rows + 1] = { row.k, row.term, row.estimate, row.std_error, row.p_value, row.conf_low, row.conf_high }
    M.estimate(ctx, string.format("%s.event.%d", N, row.k), row, { group = N, unit = unit, detail = true })
  end
  return rows, { "k", "term", "estimate", "std_error", "p_value", "conf_low", "conf_high" }
end

-- ===== Formatting =====

function M.p(p)
  if p == nil then return "–" end
  if p < 0.001 then return "< 0.001" end
  return string.format("%.3f", p)
end

function M.pw(p)
  if p == nil then return "p not defined" end
  if p < 0.001 then return "p < 0.001" end
  return string.format("p = %.3f", p)
end

function M.num(x, d)
  if x == nil then return "–" end
  return util.fmt_fixed(x, d or 2)
end

function M.v(x) if x == nil then return NA end return x end

--- Is column name c a p-value column ("p", "p_value", "impact_p",
-- "level_p", ...)?
function M.is_p_column(c)
  return c == "p" or c == "p_value" or c:match("_p$") ~= nil
end

--- Per-column digits for a result table: p-value columns always get 3
-- decimals (they are p-values, whatever the outcome's `digits`), the
-- other columns `digits`.
function M.digits(columns, digits)
  local out = {}
  for _, c in ipairs(columns) do out[c] = M.is_p_column(c) and 3 or digits end
  return out
end

--- The missing values behind rows a comparative fit could not use: one
-- warning per unit in plain words and one ctx:drop per unit, naming the
-- periods and why each value is missing (the frame's reason).  units are
-- panel positions; use marks the periods in the sample.
function M.report_missing(ctx, d, P, label, units, use)
  for _, u in ipairs(units) do
    local miss = P:missing(u, use)
    if #miss > 0 then
      local k = P.units[u]
      local words = P:missing_words(miss)
      local nuse = 0
      for p = 1, #P.times do if use == nil or use[p] then nuse = nuse + 1 end end
      ctx:warn(string.format("%s: %s (%s) has no value for %d of the %d periods in the model (%s); "
        .. "%s left out of the fit, which uses the other %d.", label, P.names[k] or k, k,
        #miss, nuse, words, #miss == 1 and "that row is" or "those rows are", nuse - #miss))
      ctx:drop(d.data or "prepared data", #miss, string.format("%s: %s (%s), %s", label,
        P.names[k] or k, k, words))
    end
  end
end

--- Report an event study's joint pre-trend test: as an estimate (F with its
-- p-value) and, when p < alpha, a warning in words; when the test is not
-- defined (too few treated clusters for clustered errors), a warning that
-- says so and why, and no p-value.
function M.pretrend(ctx, N, label, es, start)
  local pt = es.pretrend
  if pt == nil then return end
  if pt.defined and pt.p_value then
    ctx:estimate{ label = N .. ".pretrend_F", value = pt.F, p = pt.p_value, df = pt.df2, group = N,
      method = string.format("joint test that every lead is 0: F(%d, %s)", pt.df1,
        util.fmt_number(pt.df2)) }
    ctx:estimate{ label = N .. ".pretrend_p", value = pt.p_value, group = N, detail = true,
      method = "p-value of the joint pre-trend test" }
    if pt.p_value < ctx.alpha then
      ctx:warn(string.format("%s: pre-period trends differ (%s): the event study's leads differ "
        .. "jointly from 0 (F(%d, %s) = %s), so the groups' trends were not parallel before %s.",
        label, M.pw(pt.p_value), pt.df1, util.fmt_number(pt.df2), util.fmt_fixed(pt.F, 2), start))
    end
  else
    ctx:warn(string.format("%s (event study): %s No p-value is reported for it.", label, pt.note))
  end
end

--- The event-study chart: coefficients by period from the start, the
-- reference period fixed at 0, 95% intervals as a band.
function M.event_chart(ctx, N, label, es, start, unit, level)
  local x, y, lo, hi = {}, {}, {}, {}
  for _, row in ipairs(es.rows) do
    x[#x + 1], y[#y + 1], lo[#lo + 1], hi[#hi + 1] = row.k, row.estimate, row.conf_low, row.conf_high
  end
  table.insert(x, 1, es.reference); table.insert(y, 1, 0); table.insert(lo, 1, NA); table.insert(hi, 1, NA)
  local order = {}
  for j = 1, #x do order[j] = j end
  table.sort(order, function(a, b) return x[a] < x[b] end)
  local sx, sy, slo, shi = {}, {}, {}, {}
  for j, k in ipairs(order) do sx[j], sy[j], slo[j], shi[j] = x[k], y[k], lo[k], hi[k] end
  local pct = util.fmt_number(100 * (level or 0.95))
  ctx:chart{ name = N .. "_event_study", kind = "plot", table = N .. "_event_study",
    title = label .. ": event study",
    desc = string.format("Event-study coefficients of %s by period relative to %s (k = 0 is the "
      .. "first period of the intervention, k = %d the reference, fixed at 0), with %s%% "
      .. "confidence intervals as a band.", label, start, es.reference, pct),
    layers = { { type = "band", x = sx, lo = slo, hi = shi, name = pct .. "% confidence interval" },
      { type = "line", x = sx, y = sy, markers = true, name = "estimate" },
      { type = "hline", y = 0 }, { type = "vline", x = -0.5, label = "start" } },
    xlabel = "periods from the start", ylabel = unit }
end

--- An estimate from a {estimate, std_error, conf_low, conf_high, p_value, df} row.
function M.estimate(ctx, label, r, extra)
  if r == nil or r.estimate == nil then return end
  local e = { label = label, value = r.estimate, se = r.std_error, p = r.p_value, df = r.df,
    ci = (r.conf_low and r.conf_high) and { r.conf_low, r.conf_high } or nil }
  for k, v in pairs(extra or {}) do e[k] = v end
  return ctx:estimate(e)
end

--- A coefficient table for the report.
function M.coef_table(ctx, name, fit, caption, digits)
  local rows = {}
  for _, c in ipairs(fit.coefficients) do
    rows[#rows + 1] = { c.term, c.estimate, c.std_error, c.statistic, c.p_value, c.conf_low, c.conf_high }
  end
  ctx:table(name, { columns = { "term", "estimate", "std_error", fit.dist == "z" and "z" or "t",
    "p_value", "conf_low", "conf_high" }, rows = rows }, { caption = caption, digits = digits or 3 })
end

-- ===== Charts =====

--- Ticks for a time axis: at most about 10, on round steps of periods.
function M.ticks(axis, times)
  local n = #times
  local step = 1
  for _, s in ipairs({ 1, 2, 3, 4, 6, 12, 24, 60 }) do
    step = s
    if n / s <= 10 then break end
  end
  local out = {}
  for i, x in ipairs(times) do
    if (i - 1) % step == 0 then out[#out + 1] = x end
  end
  return out
end

--- Chart spec fields for a time axis.
function M.x_axis(axis, times)
  return { ticks = M.ticks(axis, times), format = function(v) return axis:label(v) end }
end

--- Chart markers for definition breaks: a definition_change time (or list)
-- -> {{x, label}} for svg.its, each drawn half a step before the first
-- period under the new definition, like the intervention line.
function M.definition_markers(dc, axis)
  if dc == nil then return nil end
  if type(dc) ~= "table" then dc = { dc } end
  local out = {}
  for _, v in ipairs(dc) do
    local x = axis:num(v)
    if x then out[#out + 1] = { x = x - 0.5 * axis.step, label = "definition change" } end
  end
  return #out > 0 and out or nil
end

--- The chart description's sentence for definition breaks ("" without).
function M.definition_words(dc)
  if dc == nil then return "" end
  if type(dc) ~= "table" then dc = { dc } end
  local t = {}
  for _, v in ipairs(dc) do t[#t + 1] = tostring(v) end
  return string.format(" A dotted vertical line labelled \"definition change\" marks where the measure's "
    .. "definition changed (from %s).", table.concat(t, ", "))
end

--- An adjustment set: a list of columns, or a one-sided formula
-- ("~ unemployment + factor(quarter)", docs/formulas.md).
function M.covariates(doc)
  return S.either({ S.list(S.column({ input = M.data_input })), S.string() },
    { pick = function(v) return type(v) == "string" and 2 or 1 end,
      doc = (doc or "covariates") .. ": a list of columns or a one-sided formula \"~ x + factor(g)\"" })
end

--- An adjustment set in words, for the Method section.
function M.covariate_words(res)
  if res.covariates_formula then
    return string.format("the columns of the formula `%s` (%s)", res.covariates_formula,
      table.concat(res.covariates, ", "))
  end
  return table.concat(res.covariates or {}, ", ")
end

return M
