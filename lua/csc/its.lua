--- Interrupted time series: single-series segmented regression, comparative
-- ITS as Stata's `itsa`, choosing comparison units as `itsamatch` (plus a
-- distance ranking), difference-in-differences with an event study, and
-- placebo-in-space.  docs/its.md is the reference (every field, every
-- result); docs/methods/its.md gives the formulas, assumptions and pitfalls.
--
-- The numerics run in C: single-series fits through csc.model (host.model:
-- OLS, Prais-Winsten, Poisson GLM and the time-series diagnostics); the
-- panel designs through host.its (design matrix, QR fit, Newey-West within
-- units, counterfactual lines and impacts).  This module checks fields,
-- names the one that is wrong, and shapes results.
--
-- Summary of the API (all functions take one table of fields):
--
--   its.axis{values, frequency, format}           a time axis (numbers, ISO dates)
--   its.segmented{data, time, y, interruptions, ...}  single-series ITS
--   its.panel{data, unit, time, value, weight, name}  a unit x period panel
--   panel:cits{treated, comparators, interruptions, ...}   comparative ITS (itsa)
--   panel:match{treated, candidates, before, ...}  comparison selection (itsamatch)
--   panel:placebo{treated, units, ...}              placebo-in-space
--   its.did{panel, treated, start, ...}             2x2 and two-way fixed effects DiD
--   its.event_study{panel, treated, start, leads, lags, ...}
--   its.pool{panel, treated, region, neighbours, ...}  candidate pool
--
-- Errors are raised as strings "its.<function>: <field>: what is wrong"
-- at the caller's line (error level 2), so a recipe that calls these
-- directly sees its own line; the designs in csc/designs/ add the recipe
-- field path.
-- @module csc.its
local hits = require("host.its")
local hmodel = require("host.model")
local hframe = require("host.frame")
local model = require("csc.model")
local util = require("csc.util")

local M = {}
local NA = hframe.NA

-- ===== Small helpers =====

local function isnan(x) return x ~= x end
local function num_or_nil(x) if type(x) ~= "number" or isnan(x) then return nil end return x end

--- Raise "its.fn: msg" at the caller of the public function (level 3 from
-- a helper called by the public function).
local function fail(fn, msg, level)
  error(string.format("its.%s: %s", fn, msg), (level or 2) + 1)
end

local function need_table(fn, spec)
  if type(spec) ~= "table" then fail(fn, "expected a table of fields, got " .. type(spec), 2) end
end

-- Refuse unknown fields (typos), suggesting the one meant.
local function known(fn, spec, fields)
  local names = {}
  for k in pairs(fields) do names[#names + 1] = k end
  table.sort(names)
  for k in pairs(spec) do
    if not fields[k] then
      fail(fn, string.format("unknown field '%s'%s (fields: %s)", tostring(k),
        util.hint(tostring(k), names), table.concat(names, ", ")), 2)
    end
  end
end

local function set(list)
  local t = {}
  for _, k in ipairs(list) do t[k] = true end
  return t
end

local function choice(fn, field, v, options, dflt)
  if v == nil then return dflt end
  for _, o in ipairs(options) do if v == o then return v end end
  local q = {}
  for i, o in ipairs(options) do q[i] = string.format("%q", o) end
  fail(fn, string.format("%s: %s is not one of %s%s", field, tostring(v),
    table.concat(q, ", "), util.hint(tostring(v), options)), 2)
end

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
function M.axis(spec)
  spec = spec or {}
  local a = setmetatable({ frequency = spec.frequency, format = spec.format, values = {},
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

--- How a number on the axis is shown: "2018-04" (monthly dates), "2018 Q2",
-- "2017/18" (format "fy") or the number.
function Axis:label(x)
  if self.dates and (self.frequency == nil or self.frequency == "month") then
    return string.format("%04d-%02d", x // 12, x % 12 + 1)
  elseif self.dates and self.frequency == "quarter" then
    return string.format("%d Q%d", x // 4, x % 4 + 1)
  elseif self.format == "fy" then
    return string.format("%d/%02d", math.tointeger(x) - 1, math.tointeger(x) % 100)
  end
  return util.fmt_number(x)
end

--- Stata-style suffix for term names: 2015, 2018m4, 2018q2.
function Axis:suffix(x)
  if self.dates and (self.frequency == nil or self.frequency == "month") then
    return string.format("%dm%d", x // 12, x % 12 + 1)
  elseif self.dates and self.frequency == "quarter" then
    return string.format("%dq%d", x // 4, x % 4 + 1)
  end
  return (util.fmt_number(x):gsub("[^%w]", "_"))
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
    fail(fn, string.format("%s must be a data frame, got %s", field, type(f)), 3)
  end
end

local function check_col(fn, f, col, field)
  if type(col) ~= "string" then fail(fn, string.format("%s must be a column name, got %s", field, type(col)), 3) end
  if not f:has(col) then
    fail(fn, string.format("%s: no column %q in the data%s", field, col, util.hint(col, f:names())), 3)
  end
end

local function numeric(v)
  if v == NA or v == nil then return nil end
  if type(v) == "number" then return not isnan(v) and v or nil end
  if type(v) == "boolean" then return v and 1 or 0 end
  return nil
end

-- ===== Panels =====

local Panel = {}
Panel.__index = Panel
M.Panel = Panel

--- A unit x period panel from a long frame (one row per unit and period).
-- @tparam table spec `data` (frame), `unit` (code column), `time`, `value`
--   (the outcome column), optional `weight` (e.g. child population, for
--   comparators averaged with weights), `name` (a readable unit name
--   column), `region` (a region column, for `its.pool`), `frequency`,
--   `format` (see `its.axis`), `covariates` (array of column names kept as
--   panels of their own, for `panel:match`)
-- @treturn csc.its.Panel fields units (codes as strings, in first-seen
--   order), index (code -> position), names, regions, times (axis
--   numbers, sorted), labels, axis, Y[u][p] (NaN when missing), W[u][p],
--   covariates (name -> Panel)
-- @usage local p = its.panel{data = d, unit = "old_la_code", time = "time_period", value = "rate"}
function M.panel(spec)
  need_table("panel", spec)
  known("panel", spec, set({ "data", "unit", "time", "value", "weight", "name", "region",
    "frequency", "format", "covariates" }))
  local f = spec.data
  check_frame("panel", f, "data")
  for _, field in ipairs({ "unit", "time", "value" }) do check_col("panel", f, spec[field], field) end
  for _, field in ipairs({ "weight", "name", "region" }) do
    if spec[field] ~= nil then check_col("panel", f, spec[field], field) end
  end
  local axis = M.axis{ frequency = spec.frequency, format = spec.format }
  local ucol, tcol, vcol = f:column(spec.unit), f:column(spec.time), f:column(spec.value)
  local wcol = spec.weight and f:column(spec.weight)
  local ncol = spec.name and f:column(spec.name)
  local rcol = spec.region and f:column(spec.region)
  local units, index, names, regions = {}, {}, {}, {}
  local tnum, tset = {}, {}
  for i = 1, #ucol do
    if ucol[i] ~= NA then
      local x, why = axis:num(tcol[i])
      if x == nil then fail("panel", string.format("time: row %d: %s", i, why), 2) end
      if date_parts(tcol[i]) then axis.dates = true end
      tnum[i] = x
      if not tset[x] then tset[x] = true end
      local k = M.key(ucol[i])
      if not index[k] then
        units[#units + 1] = k
        index[k] = #units
        names[k] = ncol and ncol[i] ~= NA and tostring(ncol[i]) or k
        regions[k] = rcol and rcol[i] ~= NA and tostring(rcol[i]) or nil
      end
    end
  end
  local times = {}
  for x in pairs(tset) do times[#times + 1] = x end
  table.sort(times)
  if #times == 0 then fail("panel", "data: no rows with a unit code", 2) end
  axis:fix(times)
  local pidx = {}
  for p, x in ipairs(times) do pidx[x] = p end
  local function grid(col, what)
    local G = {}
    for u = 1, #units do
      local row = {}
      for p = 1, #times do row[p] = 0 / 0 end
      G[u] = row
    end
    local seen = {}
    for i = 1, #ucol do
      if ucol[i] ~= NA then
        local u, p = index[M.key(ucol[i])], pidx[tnum[i]]
        local key = u * 100000 + p
        if seen[key] and what == "value" then
          fail("panel", string.format("unit %s has two rows for time %s (rows %d and %d); one row "
            .. "per unit and period is needed (filter the data with where = ...)",
            units[u], axis:label(tnum[i]), seen[key], i), 3)
        end
        seen[key] = i
        local v = numeric(col[i])
        if col[i] ~= NA and v == nil and type(col[i]) ~= "number" then
          fail("panel", string.format("%s: row %d: %s is not a number", what, i, tostring(col[i])), 3)
        end
        G[u][p] = v or 0 / 0
      end
    end
    return G
  end
  local P = setmetatable({
    units = units, index = index, names = names, regions = regions, times = times, axis = axis,
    Y = grid(vcol, "value"), W = wcol and grid(wcol, "weight") or nil, value = spec.value,
    covariates = {}, cache = {},
  }, Panel)
  P.labels = {}
  for p, x in ipairs(times) do P.labels[p] = axis:label(x) end
  for i, c in ipairs(spec.covariates or {}) do
    check_col("panel", f, c, string.format("covariates[%d]", i))
    local cp = setmetatable({ units = units, index = index, names = names, regions = regions,
      times = times, axis = axis, labels = P.labels, Y = grid(f:column(c), c), value = c,
      covariates = {}, cache = {} }, Panel)
    P.covariates[c] = cp
  end
  return P
end

--- Position of a time value in the panel, or nil.
function Panel:period(v)
  local x = self.axis:num(v)
  if x == nil then return nil end
  for p, t in ipairs(self.times) do
    if math.abs(t - x) < 1e-9 then return p end
  end
  return nil
end

--- Unit position of a code, or raise naming the field.
function Panel:unit(code, fn, field)
  local u = self.index[M.key(code)]
  if not u then
    fail(fn or "panel", string.format("%s: unit %s is not in the data%s", field or "unit",
      M.key(code), util.hint(M.key(code), self.units)), 3)
  end
  return u
end

--- Number of units and periods.
function Panel:size() return #self.units, #self.times end

--- The host panel for a transform and set of period covariates, cached.
-- @local
function Panel:host(opts)
  local key = string.format("%s|%s|%s", opts.transform or "", opts.scale or "",
    table.concat(opts.xnames or {}, ","))
  local h = self.cache[key]
  if h then return h end
  local t = {}
  for p, x in ipairs(self.times) do t[p] = self.axis:t(x) end
  h = hits.panel{ Y = self.Y, t = t, W = self.W, X = opts.X, xnames = opts.xnames,
    transform = opts.transform, scale = opts.scale }
  self.cache[key] = h
  return h
end

return M
