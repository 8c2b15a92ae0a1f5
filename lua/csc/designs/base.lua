--- The skeleton the designs share: where a design's errors point (the
-- recipe field and its line, with the kind the error was raised with), the
-- frame a design analyses (a recipe names an input, `data = "pupils"`, or
-- builds the frame itself, `prepare = function(data) ... end`, optionally
-- filtered by `where`), and the outcome-by-outcome run of the designs that
-- take a list of outcomes.  Not a design itself (csc.recipe skips it).
-- @module csc.designs.base
local errors = require("csc.errors")
local recipe = require("csc.recipe")
local util = require("csc.util")

local M = {}

-- ===== Where errors point =====

-- design table -> loaded recipe, set by each design's check, which the
-- runner calls with the loaded recipe before run.  Weak keys.
local recipe_of = setmetatable({}, { __mode = "k" })

function M.remember(r) recipe_of[r.spec.design] = r end

--- A design's `check`: remember the recipe, so errors can name its lines.
function M.check(r) M.remember(r) end

--- "recipes/x.lua:LINE: design.field: " for a field path under design.
function M.where(design, path)
  local r = recipe_of[design]
  if r then return recipe.where(r, path) end
  return path .. ": "
end

--- Raise a recipe (or analysis, ...) error naming design field `path`.
function M.raise(design, path, msg, kind)
  errors.raise(kind or "recipe", M.where(design, path) .. msg)
end

--- Call f(...) (a library function) and re-raise its structured errors at
-- the design field they are about: an error on field "comparators[2]"
-- becomes "recipes/x.lua:12: design.comparators[2]: ...".  `map(name)`
-- gives the design path of the library's field `name` (nil: not a design
-- field; the error then names `base`).  The kind, and so the exit code, is
-- the one the error was raised with; nothing is read from the message.
function M.call(design, base, map, f, ...)
  local res = table.pack(pcall(f, ...))
  if res[1] then return table.unpack(res, 2, res.n) end
  local e = res[2]
  if errors.is(e) and (e.located or not e.fn) then error(e, 0) end   -- already says where
  e = errors.from_host(e)
  local head = e.field and e.field:match("^([%w_]+)")
  local path = head and map(head)
  if path then M.raise(design, e.named and path or (path .. e.field:sub(#head + 1)), e.detail, e.kind) end
  M.raise(design, base, (e.field and not e.named) and (e.field .. ": " .. e.detail) or e.detail, e.kind)
end

-- ===== The frame to analyse =====

--- Schema check: exactly one of data and prepare.  Returns message, field.
function M.check_source(d)
  if d.data == nil and d.prepare == nil then return "give data = \"<input>\" or prepare = function(data) ... end", "data" end
  if d.data ~= nil and d.prepare ~= nil then return "give data or prepare, not both", "prepare" end
end

--- The frame to analyse: prepare(data, ctx) or data[design.data], filtered
-- by design.where.  raise(design, field, message) reports a mistake with the
-- recipe's line (default M.raise).  With ctx (the run context), rows `where`
-- leaves out are recorded as dropped, and prepare may record its own drops
-- and notes.
function M.frame(data, design, raise, ctx)
  raise = raise or M.raise
  local f
  if design.prepare then
    f = design.prepare(data, ctx)
    if type(f) ~= "userdata" or type(f.nrow) ~= "function" then
      raise(design, "design.prepare", "must return a data frame, it returned " .. type(f))
    end
  else
    f = data[design.data]
    if f == nil then raise(design, "design.data", string.format("%q is not among the inputs", tostring(design.data))) end
  end
  if design.where then
    local ok, g = pcall(f.filter, f, design.where)
    if not ok then raise(design, "design.where", util.plain_error(g)) end
    if ctx and g:nrow() < f:nrow() then
      ctx:drop(design.data or "prepared data", f:nrow() - g:nrow(), "outside the design's where: " .. design.where)
    end
    f = g
  end
  return f
end

-- ===== Outcome by outcome =====

--- "a and b": the outcomes' labels (or names), for a design's description.
function M.outcome_names(d)
  local names = {}
  for _, o in ipairs(d.outcomes) do names[#names + 1] = o.label or o.name end
  return table.concat(names, " and ")
end

--- A design's `run` that analyses each outcome in turn on the design's
-- frame: run_outcome(ctx, d, i, outcome, frame).
function M.each_outcome(run_outcome)
  return function(ctx, d)
    local f = M.frame(ctx.data, d)
    for i, o in ipairs(d.outcomes) do run_outcome(ctx, d, i, o, f) end
  end
end

return M
