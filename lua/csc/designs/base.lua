--- The skeleton the designs share: where a design's errors point (the
-- recipe field and its line, with the kind the error was raised with), the
-- frame a design analyses (a recipe names an input, `data = "pupils"`,
-- prepared by a list of `steps` (csc.steps), or builds the frame itself,
-- `prepare = function(data) ... end`, optionally filtered by `where`), and the outcome-by-outcome run of the designs that
-- take a list of outcomes.  Not a design itself (csc.recipe skips it).
-- @module csc.designs.base
local errors = require("csc.errors")
local recipe = require("csc.recipe")
local util = require("csc.util")
local steps = require("csc.steps")
local S = require("csc.schema")

local M = {}

--- Frames already made by design.prepare (the runner calls it once, before
-- the analysis, so `check` runs it too), by design table.
M.prepared = setmetatable({}, { __mode = "k" })

--- What each of design.steps did to the rows (csc.steps trace), by design
-- table, for `csceval check`.
M.trace = setmetatable({}, { __mode = "k" })

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

--- The message for a name that is not among the recipe's inputs
-- (csc.recipe.not_an_input).
M.not_an_input = recipe.not_an_input

--- The schema fields that say where a design's frame comes from: `data`
-- (its doc is `data_doc`), `steps`, `prepare` and `where`.  Check them with
-- M.check_source.
function M.source_fields(data_doc)
  return {
    data = S.string({ doc = data_doc }),
    steps = steps.schema,
    prepare = S.func({ doc = "function(data, ctx) returning the frame to analyse, data.NAME each input: for what "
      .. "steps cannot say (docs/recipes.md, \"Preparing the data\")" }),
    where = S.string({ doc = "filter expression applied to the frame first" }),
  }
end

--- Schema check: exactly one of data and prepare; steps only with data.
-- Returns message, field.
function M.check_source(d)
  if d.data == nil and d.prepare == nil then return "give data = \"<input>\" or prepare = function(data) ... end", "data" end
  if d.data ~= nil and d.prepare ~= nil then return "give data or prepare, not both", "prepare" end
  if d.steps ~= nil and d.prepare ~= nil then
    return "give steps (with data) or prepare, not both: write the steps inside prepare, or drop prepare", "steps"
  end
end

--- The design's input prepared by design.steps (csc.steps), in order; raise
-- as M.frame's.  With ctx, rows the steps leave out are recorded as dropped
-- and their notes kept.
function M.run_steps(f, data, design, raise, ctx)
  raise = raise or M.raise
  local trace = {}
  M.trace[design] = trace
  return steps.run(f, design.steps, { data = data, ctx = ctx, input = design.data, design = design, trace = trace,
    raise = function(path, msg, kind) raise(design, path, msg, kind) end })
end

--- The frame to analyse: prepare(data, ctx), or data[design.data] through
-- design.steps, filtered by design.where (the runner has usually made it
-- already, once, M.prepared).  raise(design, field, message) reports a mistake with the
-- recipe's line (default M.raise).  With ctx (the run context), rows `where`
-- leaves out are recorded as dropped, and prepare may record its own drops
-- and notes.
function M.frame(data, design, raise, ctx)
  raise = raise or M.raise
  local f
  if M.prepared[design] then
    f = M.prepared[design]
  elseif design.prepare then
    f = design.prepare(data, ctx)
    if type(f) ~= "userdata" or type(f.nrow) ~= "function" then
      raise(design, "design.prepare", "must return a data frame, it returned " .. type(f))
    end
  else
    f = data[design.data]
    if f == nil then raise(design, "design.data", M.not_an_input(design.data, data)) end
    if design.steps then f = M.run_steps(f, data, design, raise, ctx) end
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

--- Rates built from a numerator column of the design's frame and a
-- denominator from another input, a number of years earlier, as the
-- benchmark design's `year_lag` does:
--   rates = { referral_rate = { numerator = "referral_count",
--     denominator = { input = "population", column = "population_estimate", year_lag = 1,
--       where = 'geographic_level == "Local authority"' }, per = 10000 } }
-- adds the column referral_rate = referral_count / population(year - 1) x per,
-- joined on `by` (default the design's unit column, else old_la_code) and
-- the design's time column.  Returns the new frame.
function M.add_rates(f, design, data, raise)
  local names = {}
  for k in pairs(design.rates) do names[#names + 1] = k end
  table.sort(names)
  for _, name in ipairs(names) do
    local r = design.rates[name]
    local path = "design.rates." .. name
    local den = r.denominator
    local by = r.by or design.unit or "old_la_code"
    local time = design.time
    local src = data[den.input]
    if not src then raise(design, path .. ".denominator.input", M.not_an_input(den.input, data)) end
    for _, c in ipairs({ by, time, den.column }) do
      if not src:has(c) then
        raise(design, path .. (c == den.column and ".denominator.column" or ".denominator"),
          string.format("no column %q in input %q%s", c, den.input,
          util.hint(c, src:names())))
      end
    end
    for _, c in ipairs({ by, time, r.numerator }) do
      if not f:has(c) then
        raise(design, path, string.format("no column %q in the design's data%s", c, util.hint(c, f:names())))
      end
    end
    if den.where then
      local ok, g = pcall(src.filter, src, den.where)
      if not ok then raise(design, path .. ".denominator.where", util.plain_error(g)) end
      src = g
    end
    local tmp_t, tmp_d = "_rate_time_" .. name, "_rate_den_" .. name
    local lag = den.year_lag or 0
    local d2 = src:mutate(tmp_t, string.format("`%s` + %d", time, lag)):select({ by, tmp_t, den.column })
      :rename({ [den.column] = tmp_d })
    local keys = { by }
    keys[time] = tmp_t
    local ok, j = pcall(f.join, f, d2, keys, "left")
    if not ok then raise(design, path, util.plain_error(j)) end
    j = j:mutate(name, string.format("`%s` / `%s` * %s", r.numerator, tmp_d, util.fmt_number(r.per or 1)))
    local keep = {}
    for _, c in ipairs(j:names()) do if c ~= tmp_d then keep[#keep + 1] = c end end
    f = j:select(keep)
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
