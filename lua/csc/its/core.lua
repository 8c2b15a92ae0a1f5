--- Internals shared by csc.its's parts (panel, selection,
-- series, did): field checks, the time axis, the estimation
-- sample, interruptions, period covariates, and re-inference on a model
-- result.  Not a public module; recipes use csc.its.
-- @module csc.its.core
local hmodel = require("host.model")
local hframe = require("host.frame")
local util = require("csc.util")
local check = require("csc.check")

local M = {}
local NA = hframe.NA

-- ===== Small helpers =====

local function isnan(x) return x ~= x end
local function num_or_nil(x) if type(x) ~= "number" or isnan(x) then return nil end return x end

--- Raise a structured error (csc.check) from its.fn about `field`:
-- "its.fn: field: detail".  No position of its own: these errors come from
-- helpers at varying depths below the public function.  When a recipe
-- function is running, the runner prefixes the recipe line that called
-- (docs/recipes.md, "Error messages"); the designs re-raise at the recipe
-- field (csc.its.design.call).  `kind` is "recipe" unless given.
local function fail(fn, field, detail, kind) check.fail("its." .. fn, field, detail, kind) end

--- The same where the text already names the field: "its.fn: text".
local function failn(fn, field, text, kind) check.fail_named("its." .. fn, field, text, kind) end

--- Declare the fields of its.fn's option table (csc.check.signature);
-- returns them as a set.
local function declare(fn, list)
  check.signature("its." .. fn, list)
  return check.set(list)
end

--- Check the option table of its.fn: a table, every field declared.
local function options(fn, spec)
  return check.options(check.signatures["its." .. fn], spec)
end

local set = check.set

local function choice(fn, field, v, opts, dflt) return check.choice("its." .. fn, field, v, opts, dflt) end

--- Key of a unit code: 925, 925.0 and "925" are the same authority.
function M.key(v)
  if type(v) == "number" and v == math.floor(v) and math.abs(v) < 2^53 then
    return string.format("%d", v)
  end
  return tostring(v)
end

-- ===== Time axes =====
-- Times arrive as numbers (2018, a month index) or ISO dates ("2018-04-01",
-- also "2018-04").  On the axis every time is a number: dates become
-- year * 12 + month - 1 (monthly) or year * 4 + quarter - 1 (quarterly), so
-- one step is one period.  itsa's _t is (time - first) / step.

local Axis = {}
Axis.__index = Axis
M.Axis = Axis

local function date_parts(v)
  if type(v) ~= "string" then return nil end
  local y, m = v:match("^(%d%d%d%d)%-(%d%d)")
  if y then return tonumber(y), tonumber(m) end
  return nil
end

--- A time axis.
-- @tparam table spec `frequency` ("year", "quarter", "month" or a number:
--   the step between periods; default "month" for dates, else the
--   smallest gap between the numbers), `format` ("fy": 2018 is shown
--   "2017/18"; default plain), `first` (the time of _t = 0; default the
--   smallest value seen by `axis:add`)
declare("axis", { "frequency", "format", "first" })
function M.axis(spec)
  spec = spec == nil and {} or options("axis", spec)
  local a = setmetatable({ frequency = spec.frequency, format = spec.format, first = spec.first, values = {},
    seen = {} }, Axis)
  return a
end

--- The number on the axis for a time value, or nil and a reason.
function Axis:num(v)
  local y, m = date_parts(v)
  if y then
    if self.frequency == nil or self.frequency == "month" then return y * 12 + (m - 1) end
    if self.frequency == "quarter" then return y * 4 + (m - 1) // 3 end
    if self.frequency == "year" then return y end
    return nil, string.format("%q is a date but the frequency is %s", v, tostring(self.frequency))
  end
  if type(v) == "number" and not isnan(v) then return v end
  if type(v) == "string" and tonumber(v) then return tonumber(v) end
  return nil, string.format("%s is not a time (a number or a date YYYY-MM-DD)", tostring(v))
end

-- A dated axis value as text: `month` or `quarter` is the format of
-- (year, month) or (year, quarter); nil when the axis is not dated.
local function dated(self, x, month, quarter)
  if self.dates and (self.frequency == nil or self.frequency == "month") then
    return string.format(month, x // 12, x % 12 + 1)
  elseif self.dates and self.frequency == "quarter" then
    return string.format(quarter, x // 4, x % 4 + 1)
  end
end

--- How a number on the axis is shown: "2018-04" (monthly dates), "2018 Q2",
-- "2017/18" (format "fy") or the number.
function Axis:label(x)
  local s = dated(self, x, "%04d-%02d", "%d Q%d")
  if s then return s end
  if self.format == "fy" then
    return string.format("%d/%02d", math.tointeger(x) - 1, math.tointeger(x) % 100)
  end
  return util.fmt_number(x)
end

--- Stata-style suffix for term names: 2015, 2018m4, 2018q2.
function Axis:suffix(x)
  return dated(self, x, "%dm%d", "%dq%d") or (util.fmt_number(x):gsub("[^%w]", "_"))
end

--- Fix the axis from the numbers seen: first value and step.
function Axis:fix(nums)
  local sorted = {}
  for _, x in ipairs(nums) do sorted[#sorted + 1] = x end
  table.sort(sorted)
  self.first = self.first or sorted[1]
  local step = type(self.frequency) == "number" and self.frequency or nil
  if step == nil and (self.dates or self.frequency == "year") then step = 1 end
  if step == nil then
    for i = 2, #sorted do
      local d = sorted[i] - sorted[i - 1]
      if d > 0 and (step == nil or d < step) then step = d end
    end
  end
  self.step = step or 1
  return self
end

--- itsa's _t: (x - first) / step.
function Axis:t(x) return (x - self.first) / self.step end

-- ===== Reading a series or a panel from a frame =====

local function check_frame(fn, f, field)
  if type(f) ~= "userdata" or type(f.nrow) ~= "function" then
    failn(fn, field, string.format("%s must be a data frame, got %s", field, type(f)))
  end
end

local function check_col(fn, f, col, field)
  if type(col) ~= "string" then failn(fn, field, string.format("%s must be a column name, got %s", field, type(col))) end
  if not f:has(col) then
    fail(fn, field, string.format("no column %q in the data%s", col, util.hint(col, f:names())))
  end
end

local function numeric(v)
  if v == NA or v == nil then return nil end
  if type(v) == "number" then return not isnan(v) and v or nil end
  if type(v) == "boolean" then return v and 1 or 0 end
  return nil
end

-- ===== Pieces shared by the designs =====

-- The periods in the estimation sample: within `from`..`to` and not
-- `exclude`d (an array of times, or of {from = a, to = b} ranges).
-- Returns use[p] and the labels of the periods left out by `exclude`.
local function sample_mask(fn, axis, times, spec)
  local function num(v, field)
    local x, why = axis:num(v)
    if x == nil then fail(fn, field, why) end
    return x
  end
  local lo = spec.from ~= nil and num(spec.from, "from") or nil
  local hi = spec.to ~= nil and num(spec.to, "to") or nil
  local use = {}
  for p, x in ipairs(times) do
    use[p] = (lo == nil or x >= lo - 1e-9) and (hi == nil or x <= hi + 1e-9)
  end
  local dropped = {}
  if spec.exclude ~= nil and type(spec.exclude) ~= "table" then
    fail(fn, "exclude", "expected a list of times or {from = ..., to = ...} ranges")
  end
  for i, e in ipairs(spec.exclude or {}) do
    local a, b
    if type(e) == "table" then
      a, b = num(e.from, string.format("exclude[%d].from", i)), num(e.to, string.format("exclude[%d].to", i))
    else
      a = num(e, string.format("exclude[%d]", i))
      b = a
    end
    local hit = false
    for p, x in ipairs(times) do
      if x >= a - 1e-9 and x <= b + 1e-9 then
        if use[p] then dropped[#dropped + 1] = axis:label(x) end
        use[p] = false
        hit = true
      end
    end
    if not hit then
      fail(fn, string.format("exclude[%d]", i), string.format("no period %s in the data",
        type(e) == "table" and (axis:label(a) .. " to " .. axis:label(b)) or axis:label(a)))
    end
  end
  return use, dropped
end

-- Interruptions from `interruption = time` or `interruptions = {time or
-- {at = time, label = "...", level = true, slope = true}, ...}`, in time
-- order: {x, t, level, slope, name, suffix}.
local function parse_breaks(fn, axis, spec)
  local list = spec.interruptions
  if list == nil and spec.interruption ~= nil then list = { spec.interruption } end
  if type(list) ~= "table" or #list == 0 then
    fail(fn, "interruptions", "give the time the intervention began (interruption = 2015, or "
      .. "interruptions = {...})")
  end
  local out = {}
  for i, b in ipairs(list) do
    local at, level, slope, label = b, true, true, nil
    if type(b) == "table" then
      at, label = b.at, b.label
      level, slope = b.level ~= false, b.slope ~= false
    end
    local field = spec.interruptions and string.format("interruptions[%d]", i) or "interruption"
    local x, why = axis:num(at)
    if x == nil then fail(fn, field, why or "needs at = <time>") end
    out[i] = { x = x, t = axis:t(x), level = level, slope = slope,
      name = label or axis:label(x), suffix = axis:suffix(x), field = field }
  end
  table.sort(out, function(a, b) return a.x < b.x end)
  for j, b in ipairs(out) do b.index = j end   -- stable names: level_change_<index>
  for i = 2, #out do
    if out[i].x == out[i - 1].x then fail(fn, "interruptions", "the same time is given twice") end
  end
  return out
end

-- Drop a slope change that cannot be estimated: an interruption followed
-- by fewer than two periods of the treated series before the next one
-- (a single post point has no slope).  Raises when a segment is empty.
-- Returns notes in plain words.
local function check_segments(fn, brks, xs_used)
  local notes = {}
  for j, b in ipairs(brks) do
    local nxt = brks[j + 1] and brks[j + 1].x or math.huge
    local n = 0
    for _, x in ipairs(xs_used) do if x >= b.x - 1e-9 and x < nxt - 1e-9 then n = n + 1 end end
    if n == 0 then
      fail(fn, b.field, string.format("no observed period from %s to the next "
        .. "interruption or the end of the series, so its effect cannot be estimated", b.name), "analysis")
    end
    if n == 1 and b.slope then
      b.slope = false
      notes[#notes + 1] = string.format("Only one observed period follows the interruption at %s, "
        .. "so only a change in level is estimated there (a slope needs at least two points).", b.name)
    end
  end
  local pre = 0
  for _, x in ipairs(xs_used) do if x < brks[1].x - 1e-9 then pre = pre + 1 end end
  if pre < 2 then
    fail(fn, brks[1].field, string.format("%d observed period(s) before %s; at least 2 are needed "
      .. "to estimate a pre-intervention trend (8 or more is the usual advice)", pre,
      brks[1].name), "analysis")
  end
  return notes, pre
end

-- A design column that is constant over the estimation rows cannot be told
-- apart from the intercept: it is collinear.  The columns built here
-- (dummies, harmonics, time counts) have unit scale, so a spread below
-- 1e-9 of max(1, |value|) is rounding noise (sin(pi x) at whole-number x
-- is about 1e-12, not 0) and is caught here, whatever tolerance the
-- least-squares code uses: a near-zero column it kept would get an
-- enormous, meaningless coefficient.  `rows`: the row positions used (nil:
-- all); `why[name]`: {field, text}, the recipe field that made the column
-- and a plain-words hint.  Raises an analysis error.
local NEAR_CONSTANT = 1e-9
local function check_constant(fn, names, cols, rows, why)
  for j, col in ipairs(cols) do
    local lo, hi, big, n = math.huge, -math.huge, 0, 0
    local function see(v)
      if type(v) == "number" and v == v then
        n = n + 1
        if v < lo then lo = v end
        if v > hi then hi = v end
        if math.abs(v) > big then big = math.abs(v) end
      end
    end
    if rows then for _, p in ipairs(rows) do see(col[p]) end else for p = 1, #col do see(col[p]) end end
    if n > 0 and hi - lo <= NEAR_CONSTANT * math.max(1, big) then
      local val = math.abs(hi) <= NEAR_CONSTANT * math.max(1, big) and "0"
        or util.fmt_number(tonumber(string.format("%.6g", (lo + hi) / 2)))
      local w = why and why[names[j]] or {}
      fail(fn, w.field or "data", string.format("the design column '%s' is "
        .. "constant over the %d periods of the estimation sample (every value is %s%s), so it cannot "
        .. "be told apart from the intercept: it is collinear. %s", names[j], n, val,
        hi > lo and string.format(" up to rounding: they differ by %.2g", hi - lo) or "",
        w.text or "Drop it or widen the sample."), "analysis")
    end
  end
end

-- Period-level covariates shared by every unit: season dummies or
-- harmonics, and definition-change dummies.  Returns columns (arrays over
-- the given times), names and plain-words notes.
--
-- The season of a time: with dated times the calendar month (1..12) on a
-- monthly axis, the quarter (1..4) on a quarterly one, as R's
-- tsModel::harmonic(month, K, 12) and Stata's month(); otherwise the time
-- value itself.  The default period is 4 on a dated quarterly axis, else 12.
-- Harmonics are sin(2 pi h s / period) and cos(2 pi h s / period), h = 1..K;
-- at h = period / 2 the sine is sin(pi s) = 0 at every whole-number s and is
-- left out (kept when the seasons in the sample are not all whole numbers),
-- the cosine cos(pi s) = (-1)^s kept.
local function season_of(axis, x)
  if axis.dates and (axis.frequency == nil or axis.frequency == "month") then return x % 12 + 1 end
  if axis.dates and axis.frequency == "quarter" then return x % 4 + 1 end
  return x
end

local function period_covariates(fn, axis, times, use, spec)
  local cols, names, why = {}, {}, {}
  local season = spec.season
  if season ~= nil then
    if type(season) ~= "table" then fail(fn, "season", "expected {type = \"months\"} or {type = \"harmonics\", harmonics = 2}") end
    local quarterly = axis.dates and axis.frequency == "quarter"
    local period = season.period or (quarterly and 4 or 12)
    if math.type(period) ~= "integer" or period < 2 then failn(fn, "season.period", "season.period must be a whole number >= 2") end
    local kind = choice(fn, "season.type", season.type, { "months", "harmonics" }, "months")
    if kind == "months" then
      -- One dummy per season (month) present in the sample, the first one
      -- seen being the reference.
      local present, order = {}, {}
      for p, x in ipairs(times) do
        local m = math.tointeger(x % period) or (x % period)
        if use[p] and not present[m] then present[m] = true; order[#order + 1] = m end
      end
      table.sort(order)
      for i = 2, #order do
        local m = order[i]
        local c = {}
        for p, x in ipairs(times) do c[p] = ((x % period) == m) and 1 or 0 end
        cols[#cols + 1] = c
        names[#names + 1] = string.format("season%d", (math.tointeger(m) or m) + 1)
      end
    else
      local K = season.harmonics or 1
      if math.type(K) ~= "integer" or K < 1 or 2 * K > period then
        failn(fn, "season.harmonics", string.format("season.harmonics must be a whole number from 1 to %d", period // 2))
      end
      for h = 1, K do
        local sn, cs = {}, {}
        for p, x in ipairs(times) do
          local s = season_of(axis, x)
          sn[p] = math.sin(2 * math.pi * h * s / period)
          cs[p] = math.cos(2 * math.pi * h * s / period)
        end
        -- At h = period/2 the sine is sin(pi s): 0 at every whole-number s
        -- (up to rounding), so it is left out there; seasons that are not
        -- whole numbers (times in half-periods, say) keep it.
        local keep_sin = 2 * h < period
        if not keep_sin then
          local lo, hi = math.huge, -math.huge
          for p = 1, #times do
            if use[p] then lo, hi = math.min(lo, sn[p]), math.max(hi, sn[p]) end
          end
          keep_sin = hi - lo > NEAR_CONSTANT
        end
        if keep_sin then
          cols[#cols + 1] = sn
          names[#names + 1] = "sin" .. h
        end
        cols[#cols + 1] = cs
        names[#names + 1] = "cos" .. h
        local w = { field = "season", text = "A harmonic is constant when the times fall on only some "
          .. "phases of the period (a step other than 1, or a sample shorter than the period); use "
          .. "fewer harmonics or season = {type = \"months\"}." }
        why["sin" .. h], why["cos" .. h] = w, w
      end
    end
  end
  local dc = spec.definition_change
  if dc ~= nil then
    if type(dc) ~= "table" then dc = { dc } end
    for i, v in ipairs(dc) do
      local x, bad = axis:num(v)
      if x == nil then fail(fn, string.format("definition_change[%d]", i), bad) end
      local c = {}
      for p, t in ipairs(times) do c[p] = t >= x - 1e-9 and 1 or 0 end
      cols[#cols + 1] = c
      names[#names + 1] = "_def" .. axis:suffix(x)
      why[names[#names]] = { field = string.format("definition_change[%d]", i), text = string.format(
        "The definition change at %s is before or after every period of the sample; leave it out.",
        axis:label(x)) }
    end
  end
  local rows = {}
  for p = 1, #times do if use[p] then rows[#rows + 1] = p end end
  check_constant(fn, names, cols, rows, why)
  return cols, names
end


-- "p = 0.123" or "p < 0.001", for reasons and explanations.
local function pw(p)
  if p == nil then return "p not defined" end
  if p < 0.001 then return "p < 0.001" end
  return string.format("p = %.3f", p)
end


-- A copy of a model result with its covariance scaled and/or its reference
-- law changed (df = math.huge: normal), coefficient table recomputed.
local function reinfer(fit, scale, df)
  local r = setmetatable({}, getmetatable(fit))
  for key, v in pairs(fit) do r[key] = v end
  local k = #fit.coef
  if scale ~= nil and scale ~= 1 then
    local V = {}
    for a = 1, k do
      V[a] = {}
      for c = 1, k do V[a][c] = fit.vcov[a][c] * scale end
    end
    r.vcov = V
  end
  if df ~= nil then r.df = df end
  r.dist = r.df == math.huge and "z" or "t"
  r.se, r.statistic, r.p_value, r.coefficients = {}, {}, {}, {}
  for j = 1, k do
    local c = {}
    for i = 1, k do c[i] = (i == j) and 1 or 0 end
    local lc = hmodel.lincom(r, c, 0, r.level or 0.95)
    r.se[j], r.statistic[j], r.p_value[j] = lc.se, lc.statistic, lc.p_value
    r.coefficients[j] = { term = r.terms[j], estimate = r.coef[j], std_error = lc.se,
      statistic = lc.statistic, p_value = lc.p_value, conf_low = lc.conf_low, conf_high = lc.conf_high }
  end
  return r
end

-- c'b with its SE, test and interval from C, for a weight vector c in term
-- order, with the estimate replaced by `value` when given: the delta method
-- passes its gradient as c (se = sqrt(c'Vc)) and its own estimate (c0 is
-- set so that c'b - c0 = value).
local function lincom_vec(fit, c, value)
  local cb = 0
  for j = 1, #c do cb = cb + c[j] * fit.coef[j] end
  local r = hmodel.lincom(fit, c, value ~= nil and (cb - value) or 0, fit.level or 0.95)
  return { estimate = value ~= nil and value or r.estimate, std_error = r.se,
    statistic = r.statistic, p_value = r.p_value, conf_low = r.conf_low, conf_high = r.conf_high }
end

--- A row of the slopes table (segment, estimate, std_error, p_value,
-- conf_low, conf_high) from a lincom result.  A slope whose variance is
-- zero up to rounding (lincom's se 0) rests only on periods the model fits
-- exactly: a segment of two periods with its own level and slope change
-- passes through both points, so every sandwich estimator (Newey-West,
-- HC) gives it variance 0.  That 0 is not precision: the row keeps its
-- estimate, leaves the standard error, p-value and interval out (NA), and a
-- note saying why goes into `notes`.
function M.trend_row(segment, lc, notes)
  local row = { segment = segment, estimate = lc.estimate, std_error = lc.std_error,
    p_value = lc.p_value, conf_low = lc.conf_low, conf_high = lc.conf_high }
  if lc.std_error == 0 then
    row.std_error, row.p_value, row.conf_low, row.conf_high = nil, nil, nil, nil
    notes[#notes + 1] = string.format("The slope \"%s\" has no standard error: the periods it rests "
      .. "on are fitted exactly (a segment of two periods, with its own level and slope), so the "
      .. "residuals carry no information about its precision and the robust variance is 0. Its "
      .. "estimate is shown without a test or interval; a longer segment, or no slope change at the "
      .. "interruption that opens it (slope = false), gives one.", segment)
  end
  return row
end

--- Stable names for the interruption terms (term -> name) and the change
-- rows: "level_change_j" and "slope_change_j" for interruption j (in time
-- order), whatever the term names (which carry the time: _x2018m4).  `rows`
-- ({term, kind, index, ...}) get `name`; the result `res` gets res[name] = row
-- and, for the first interruption, res.level_change and res.slope_change.
function M.name_changes(res, rows)
  for _, row in ipairs(rows) do
    row.name = string.format("%s_change_%d", row.kind, row.index)
    res[row.name] = row
    if row.index == 1 then res[row.kind .. "_change"] = row end
  end
  return rows
end

M.isnan = isnan
M.num_or_nil = num_or_nil
M.fail = fail
M.failn = failn
M.declare = declare
M.options = options
M.set = set
M.choice = choice
M.date_parts = date_parts
M.check_frame = check_frame
M.check_col = check_col
M.numeric = numeric
M.sample_mask = sample_mask
M.parse_breaks = parse_breaks
M.check_segments = check_segments
M.period_covariates = period_covariates
M.check_constant = check_constant
M.season_of = season_of
M.pw = pw
M.reinfer = reinfer
M.lincom_vec = lincom_vec

return M
