--- Helpers shared by the designs "its", "cits" and "did" (lua/csc/designs/):
-- reading the design's data, turning csc.its errors into recipe errors
-- that name the field and its line, and the tables and charts the three
-- report.  Not a public module: recipes use csc.its.
-- @module csc.its_design
local DI = require("csc.design_input")
local errors = require("csc.errors")
local its = require("csc.its")
local recipe = require("csc.recipe")
local S = require("csc.schema")
local util = require("csc.util")

local M = {}
local NA = require("host.frame").NA

-- ===== Where errors point =====

-- design table -> recipe (for recipe.where).  Set by each design's check,
-- which the runner calls with the loaded recipe before run.  Weak keys.
local recipe_of = setmetatable({}, { __mode = "k" })

function M.remember(r) recipe_of[r.spec.design] = r end

--- "recipes/x.lua:LINE: design.field: " for a field path under design.
function M.where(design, path)
  local r = recipe_of[design]
  if r then return recipe.where(r, path) end
  return path .. ": "
end

--- Raise a recipe (or analysis) error naming design field `path`.
function M.raise(design, path, msg, kind)
  errors.raise(kind or "recipe", M.where(design, path) .. msg)
end

-- Messages from a fit that are about the data and the model, not about
-- how the recipe is written: exit code 4 (analysis).
local ANALYSIS = { "collinear", "rows", "cannot be estimated", "not finite", "observed period",
  "pre-intervention value", "could not", "no estimate", "no logit" }

--- Call f(...) (a csc.its function) and re-raise its errors at the design
-- field they are about: "its.cits: comparators[2]: ..." becomes
-- "recipes/x.lua:12: design.outcomes[1].comparators[2]: ...".  `base` is
-- the design path the call's fields live under ("design" or
-- "design.outcomes[1]"); `fields` maps a csc.its field name to the design
-- path it came from when that differs.
function M.call(design, base, fields, f, ...)
  local res = table.pack(pcall(f, ...))
  if res[1] then return table.unpack(res, 2, res.n) end
  local e = res[2]
  if errors.is(e) then error(e, 0) end
  local msg = tostring(e):gsub("^[^\n]-%.lua:%d+: ", "")
  local body = msg:gsub("^its%.[%w_]+: ", "")
  local field, rest = body:match("^([%w_]+[%w_%.%[%]]*): (.*)$")
  local kind = "recipe"
  for _, w in ipairs(ANALYSIS) do if body:find(w, 1, true) then kind = "analysis" end end
  if field and not field:find(" ") then
    local head = field:match("^([%w_]+)")
    local path = (fields and fields[head]) and (fields[head] .. field:sub(#head + 1)) or (base .. "." .. field)
    M.raise(design, path, rest, kind)
  end
  M.raise(design, base, body, kind)
end

-- ===== Schema pieces =====

--- Input name holding the design's data (for column checks).
function M.data_input(root) return root.design and root.design.data end

--- Fields every panel or series design shares.
function M.source_fields()
  return {
    data = S.string({ doc = "the input holding the data (one row per period, or per unit and period)" }),
    prepare = S.func({ doc = "function(data) returning the frame to analyse; data.NAME is each input" }),
    where = S.string({ doc = "filter expression applied to the frame first" }),
    time = S.column({ required = true, input = M.data_input, doc = "the time column" }),
    frequency = S.either({ S.enum({ "month", "quarter", "year" }), S.number({ min = 0 }) }),
    format = S.enum({ "fy" }, { doc = "\"fy\": show 2018 as 2017/18" }),
    from = S.any({ doc = "first time in the sample" }),
    to = S.any({ doc = "last time in the sample" }),
    exclude = S.list(S.any(), { doc = "times left out (transition periods): values or {from = ..., to = ...}" }),
    level = S.number({ min = 0.5, max = 0.999 }),
    summary = S.string({ doc = "the design in plain English, for the report" }),
    chart = S.boolean({ doc = "draw the ITS charts (default true)" }),
  }
end

-- Which frame to analyse: shared with the other designs (csc.design_input).
M.check_source = DI.check_source
function M.frame(data, design) return DI.frame(data, design, M.raise) end

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

return M
