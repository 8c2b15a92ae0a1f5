--- A design's data preparation as a plan: `data = "<input>"` and an ordered
-- list of steps, each a small table naming one verb,
--   data = "pupils",
--   steps = {
--     { expand = "n_pupils", optional = true },
--     { derive = "bot", as = 'if_else(cohort == "2017/18", 1, 0)' },
--     { filter = 'geographic_level == "Local authority"' },
--     { join = "population", on = { "old_la_code" }, how = "left" },
--     { wider = { id = { "la", "year" }, names_from = "measure", values_from = "pct" } },
--     { bind = "other_input", steps = { ... } },
--     { aggregate = { { "n", "sum", "count" } }, by = "year" },
--   },
-- run in the order written on the frame of the input (docs/recipes.md,
-- "Preparing the data").  Every design that takes its frame from
-- csc.designs.base accepts `steps`; the runner runs them once, before the
-- analysis, so `csceval check` runs them too.
--
-- The verbs live in a registry: `register(verb, schema, run)` adds one, so a
-- concept module can bring its own (cohort verbs, say) and every design
-- takes it.  A step is checked against its verb's schema when the recipe is
-- validated (a misspelt verb or field: exit 2 with a "did you mean"), and
-- its failures at run time name `design.steps[i].<verb>` and the recipe
-- line.  Rows a step leaves out are recorded with ctx:drop, and what a step
-- did to the rows that a reader should know (an expansion) with ctx:note.
-- @module csc.steps
local S = require("csc.schema")
local errors = require("csc.errors")
local util = require("csc.util")

local M = {}

-- ===== The registry =====

local verbs = {}        -- verb -> { schema =, run =, index = }
M.order = {}            -- verbs in the order registered (for docs and hints)

-- Words analysts bring from dplyr and Stata, pointed at the verb that does it.
local SYNONYMS = { mutate = "derive", generate = "derive", gen = "derive", replace = "derive",
  keep = "filter", drop_if = "filter", where = "filter", uncount = "expand",
  left_join = "join", inner_join = "join", merge = "join", pivot_wider = "wider", pivot_longer = "longer",
  reshape = "wider or longer", append = "bind", bind_rows = "bind", summarise = "aggregate", summarize = "aggregate",
  collapse = "aggregate", group_by = "aggregate" }

-- One schema for a step: the alternative its verb names (pick), each a record.
M.step = S.either({}, { doc = "one step: a table naming one verb (derive, filter, expand, join, select, rename, "
  .. "wider, longer, bind, aggregate, ...) with its fields" })
M.step.tags = {}        -- the verb of each alternative, for schema_doc

local function names_of(v)
  local found, other = {}, {}
  for _, k in ipairs(util.sorted_keys(v)) do
    if type(k) == "string" and verbs[k] then found[#found + 1] = k else other[#other + 1] = k end
  end
  return found, other
end

-- pick(step) -> the index of its verb's schema, or nil, message, subfield.
M.step.pick = function(v)
  if type(v) ~= "table" then
    return nil, string.format("expected a step table such as { filter = \"...\" }, got %s", type(v))
  end
  local found, other = names_of(v)
  if #found == 1 then return verbs[found[1]].index end
  if #found > 1 then
    return nil, string.format("names %d verbs (%s); give each its own step, in the order they are to run",
      #found, table.concat(found, ", "))
  end
  -- a misspelt verb: the first key that is no verb's other field ("on", "as")
  local fields = {}
  for _, w in pairs(verbs) do for f in pairs(w.schema.fields) do fields[f] = true end end
  for _, k in ipairs(other) do
    if type(k) == "string" and not fields[k] then
      local hint = util.hint(k, M.order)
      if hint == "" and SYNONYMS[k] then hint = string.format(" (did you mean %s? it is dplyr's or Stata's %s)",
        SYNONYMS[k], k) end
      if hint ~= "" then
        return nil, string.format("%q is not a step verb%s; the verbs: %s", k, hint, table.concat(M.order, ", ")), k
      end
    end
  end
  return nil, "names no verb: give one of " .. table.concat(M.order, ", ")
end

--- The steps of a design: an ordered list (never a table of names).
M.schema = S.list(M.step, { doc = "the data preparation: steps run in order on the frame of `data`, each a "
  .. "table naming one verb (docs/recipes.md, \"Preparing the data\")" })

--- Add a verb.  `schema` is a csc.schema record of the whole step table,
-- with a field named `verb` (required) for the verb's main argument;
-- run(f, step, env) returns the new frame.  env: .data (the inputs),
-- .ctx (the run context, nil in plain calls), .input (the name of the
-- design's input), .design (the design table, nil in plain calls),
-- .path ("design.steps[3]"), .index (3),
-- :raise(field, message [, kind]) (an error naming design.steps[3].field
-- and the recipe line; kind default "recipe"), :call(field, f, ...) (calls f,
-- raising its failure at the field), :drop(n, reason), :note(text).
-- Registering a verb twice replaces it (same position).
function M.register(verb, schema, run)
  assert(type(verb) == "string" and verb:match("^[%l][%w_]*$"), "steps.register: the verb must be a lower-case name")
  assert(type(schema) == "table" and schema.kind == "record" and schema.fields and schema.fields[verb],
    "steps.register: the schema must be a csc.schema record with a field named " .. verb)
  assert(type(run) == "function", "steps.register: run must be a function(f, step, env)")
  schema.fields[verb].required = true
  local v = verbs[verb]
  if v then
    v.schema, v.run = schema, run
    M.step.alts[v.index] = schema
  else
    M.order[#M.order + 1] = verb
    M.step.alts[#M.step.alts + 1] = schema
    M.step.tags[#M.step.alts] = verb
    verbs[verb] = { schema = schema, run = run, index = #M.step.alts }
  end
end

--- Take a verb out of the registry (tests that register one of their own).
function M.unregister(verb)
  local v = verbs[verb]
  if not v then return end
  table.remove(M.step.alts, v.index)
  table.remove(M.step.tags, v.index)
  for i, name in ipairs(M.order) do if name == verb then table.remove(M.order, i) break end end
  verbs[verb] = nil
  for _, w in pairs(verbs) do if w.index > v.index then w.index = w.index - 1 end end
end

--- The verb a step names (nil when it names none or several).
function M.verb_of(step)
  if type(step) ~= "table" then return nil end
  local found = names_of(step)
  return #found == 1 and found[1] or nil
end

--- Check a list of steps against the registry, outside a recipe (the join
-- verb's own steps use it).  Returns the first mistake as message, subpath.
function M.check_list(list)
  local errs = {}
  S.validate(M.schema, list, "", errs)
  if errs[1] then return errs[1].msg, errs[1].path end
end

-- ===== Running =====

local Env = {}
Env.__index = Env

function Env:where(field)
  return self.path .. "." .. (field or self.verb)
end

function Env:raise(field, msg, kind)
  self.raise_at(self:where(field), msg, kind or "recipe")
end

-- A frame operation's failure as a step's: its kind kept for data errors
-- (a count that is not a whole number), the recipe's otherwise (a misspelt
-- column, an expression that does not parse: the step is written wrong).
function Env:call(field, f, ...)
  local res = table.pack(pcall(f, ...))
  if res[1] then return table.unpack(res, 2, res.n) end
  local e = res[2]
  if errors.is(e) and e.located then error(e, 0) end
  e = errors.from_host(e, nil, "recipe")
  local kind = e.kind == "data" and "data" or "recipe"
  self:raise(field, util.plain_error(e), kind)
end

function Env:drop(n, reason)
  if self.ctx and n > 0 then self.ctx:drop(self.input or "prepared data", n, reason) end
end

function Env:note(text)
  if self.ctx then self.ctx:note(text) end
end

-- A count of rows or records for a note: under the run's disclosure control
-- (ctx:count) a count from 1 to the threshold is "fewer than 5".
function Env:count(n)
  if self.ctx and self.ctx.count then return self.ctx:count(n) end
  return tostring(math.tointeger(n) or n)
end

--- Run `list` on frame f.  opts: data (inputs), ctx, input (the name of the
-- input f is), design, path (default "design.steps"), raise(path, message, kind)
-- (default: a structured error naming the path), trace (a list: each step
-- appends {path =, verb =, rows_in =, rows =, cols =}).  Returns the frame.
function M.run(f, list, opts)
  opts = opts or {}
  local base = opts.path or "design.steps"
  local raise_at = opts.raise or function(path, msg, kind) errors.raise(kind or "recipe", path .. ": " .. msg) end
  for i, step in ipairs(list or {}) do
    local verb = M.verb_of(step)
    local path = string.format("%s[%d]", base, i)
    if not verb then
      local _, msg = M.step.pick(step)
      raise_at(path, msg or "names no verb")
    end
    local env = setmetatable({ data = opts.data or {}, ctx = opts.ctx, input = opts.input, design = opts.design,
      path = path, index = i, verb = verb, raise_at = raise_at, trace = opts.trace }, Env)
    local g = verbs[verb].run(f, step, env)
    if type(g) ~= "userdata" or type(g.nrow) ~= "function" then
      env:raise(nil, "the verb returned " .. type(g) .. " instead of a data frame", "internal")
    end
    if opts.trace then
      opts.trace[#opts.trace + 1] = { path = path, verb = verb, rows_in = f:nrow(), rows = g:nrow(), cols = g:ncol() }
    end
    f = g
  end
  return f
end

--- A one-line account of a step, for comments in exported scripts and notes.
function M.describe(step)
  local verb = M.verb_of(step)
  if not verb then return "?" end
  local parts = {}
  local function show(v)
    if type(v) == "table" then
      local items = {}
      for _, k in ipairs(util.sorted_keys(v)) do
        items[#items + 1] = (type(k) == "number" and "" or (k .. " = ")) .. show(v[k])
      end
      return "{ " .. table.concat(items, ", ") .. " }"
    end
    if type(v) ~= "string" then return tostring(v) end
    -- as a recipe writes it: 'if_else(sex == "M", 1, 0)' in single quotes
    if v:find('"', 1, true) and not v:find("[\\'\n]") then return "'" .. v .. "'" end
    return string.format("%q", v)
  end
  parts[1] = verb .. " = " .. show(step[verb])
  for _, k in ipairs(util.sorted_keys(step)) do
    if k ~= verb then parts[#parts + 1] = k .. " = " .. show(step[k]) end
  end
  return "{ " .. table.concat(parts, ", ") .. " }"
end

-- ===== The verbs =====

local NAME = { pattern = "^[^`]+$", pattern_doc = "a column name (no backticks)" }
local function name(o)
  local s = { pattern = NAME.pattern, pattern_doc = NAME.pattern_doc }
  for k, v in pairs(o or {}) do s[k] = v end
  return S.string(s)
end
local function names(doc, required)
  return S.either({ name(), S.list(name(), { min_items = 1 }) }, { doc = doc, required = required })
end
local function as_list(v) return type(v) == "table" and v or { v } end

-- derive: one column from an expression (dplyr's mutate, Stata's generate).
-- The check of a verb that runs steps of its own on another input (join,
-- bind): its `steps` are a step list too.
local function check_nested(s)
  if type(s.steps) == "table" then
    local msg, sub = M.check_list(s.steps)
    if msg then return msg, "steps" .. sub end
  end
end

-- Another input of the recipe, through its own `steps` when given (join,
-- bind); an unknown name is a recipe error with a did-you-mean.
local function other_input(env, input, list)
  local other = env.data[input]
  if other == nil then
    env:raise(nil, string.format("%q is not among the inputs%s", input, util.hint(input, util.sorted_keys(env.data))))
  end
  if list then
    other = M.run(other, list, { data = env.data, ctx = env.ctx, input = input, design = env.design,
      path = env:where("steps"), raise = env.raise_at, trace = env.trace })
  end
  return other
end

M.register("derive", S.record({
  derive = name({ doc = "derive: the column to make (replaced when it exists)" }),
  as = S.string({ required = true, doc = "derive: its expression (docs/expressions.md), e.g. "
    .. "'if_else(sex == \"M\", 1, 0)'" }),
}), function(f, s, env)
  return env:call(nil, f.mutate, f, s.derive, s.as)
end)

-- filter: keep the rows where the condition is true (Stata's keep if).
M.register("filter", S.record({
  filter = S.string({ doc = "filter: keep the rows where this expression is true; rows where it is false or "
    .. "missing are left out and recorded" }),
}), function(f, s, env)
  local g = env:call(nil, f.filter, f, s.filter)
  env:drop(f:nrow() - g:nrow(), string.format("left out by %s (filter: %s)", env.path, s.filter))
  return g
end)

-- expand: rows that stand for several identical records, repeated
-- (tidyr's uncount, Stata's expand).
M.register("expand", S.record({
  expand = name({ doc = "expand: a whole-number count column; each row is repeated that many times, in order, "
    .. "and the column left out (tidyr's uncount); a note says how many rows became how many records" }),
  optional = S.boolean({ doc = "expand: skip the step when the column is absent (a file with one row per record)" }),
}), function(f, s, env)
  if not f:has(s.expand) then
    if s.optional then return f end
    env:raise(nil, string.format("no column %q to expand by%s (optional = true skips the step when it is absent)",
      s.expand, util.hint(s.expand, f:names())))
  end
  local n = f:nrow()
  local g = env:call(nil, f.uncount, f, s.expand)
  env:note(string.format("Input %s stores identical records once, with their number in %s: %s rows for %s "
    .. "records, expanded in file order (%s).", env.input or "data", s.expand, env:count(n), env:count(g:nrow()),
    env:where()))
  return g
end)

-- join: columns of another input, matched on keys (dplyr's left_join or
-- inner_join, Stata's merge m:1 keeping the master or the matches).
M.register("join", S.record({
  join = name({ doc = "join: the input to take columns from" }),
  on = S.any({ required = true, doc = "join: the key columns, a name or a list; a key named differently in the "
    .. "other input is written name = \"other_name\" (as f:join's keys)" }),
  how = S.enum({ "left", "inner" }, { doc = "join: \"left\" (default) keeps every row; \"inner\" keeps the rows "
    .. "with a match and records the others as left out" }),
  steps = S.list(S.any(), { doc = "join: steps run on the other input before the join (the same verbs), e.g. "
    .. "its own filter, derive and select" }),
  suffix = S.list(S.string(), { min_items = 2, doc = "join: suffixes for names in both frames (default "
    .. "{\".x\", \".y\"})" }),
}, { check = function(s)
  local on = s.on
  if on ~= nil and type(on) ~= "string" and type(on) ~= "table" then return "expected a column name or a table of them", "on" end
  if type(on) == "table" then
    if next(on) == nil then return "give at least one key column", "on" end
    for k, v in pairs(on) do
      if type(v) ~= "string" or (type(k) ~= "string" and math.type(k) ~= "integer") then
        return "expected column names: { \"a\", b = \"other_b\" }", "on"
      end
    end
  end
  return check_nested(s)
end }), function(f, s, env)
  local other = other_input(env, s.join, s.steps)
  local opts = s.suffix and { suffix = s.suffix } or nil
  if (s.how or "left") == "left" then return env:call("on", f.join, f, other, s.on, "left", opts) end
  -- inner: a marker column counts the rows without a match before they go
  local mark = "_steps_matched"
  while f:has(mark) or other:has(mark) do mark = mark .. "_" end
  local j = env:call("on", f.join, f, other:mutate(mark, "1"), s.on, "left", opts)
  local g = j:filter("not is_missing(`" .. mark .. "`)")
  env:drop(j:nrow() - g:nrow(), string.format("no match in %s (%s, inner join)", s.join, env.path))
  local keep = {}
  for _, c in ipairs(g:names()) do if c ~= mark then keep[#keep + 1] = c end end
  return g:select(keep)
end)

-- select: these columns, in this order (dplyr's select, Stata's keep varlist).
M.register("select", S.record({
  select = S.list(name(), { min_items = 1, doc = "select: the columns to keep, in the order given" }),
}), function(f, s, env)
  return env:call(nil, f.select, f, s.select)
end)

-- rename: columns renamed, order kept.
M.register("rename", S.record({
  rename = S.map(name(), { doc = "rename: old = \"new\" for each column renamed" }),
}), function(f, s, env)
  return env:call(nil, f.rename, f, s.rename)
end)

-- wider: one column per value of a names column (tidyr's pivot_wider,
-- Stata's reshape wide).
M.register("wider", S.record({
  wider = S.record({
    id = names("the columns identifying a row of the result (default every other column)"),
    names_from = name({ required = true, doc = "the column whose values name the new columns" }),
    values_from = name({ required = true, doc = "the column holding their values" }),
  }, { doc = "wider: { id = {...}, names_from = ..., values_from = ... } as f:pivot_wider (docs/frames.md)" }),
}), function(f, s, env)
  local w = s.wider
  return env:call(nil, f.pivot_wider, f, { id = w.id and as_list(w.id), names_from = w.names_from,
    values_from = w.values_from })
end)

-- longer: columns stacked into name and value columns (tidyr's
-- pivot_longer, Stata's reshape long).
M.register("longer", S.record({
  longer = S.record({
    id = names("the columns repeated on each row (default every column not stacked)"),
    cols = names("the columns to stack", true),
    names_to = name({ doc = "the column of their names (default \"name\")" }),
    values_to = name({ doc = "the column of their values (default \"value\")" }),
  }, { doc = "longer: { cols = {...}, names_to = ..., values_to = ... } as f:pivot_longer (docs/frames.md)" }),
}), function(f, s, env)
  local l = s.longer
  return env:call(nil, f.pivot_longer, f, { id = l.id and as_list(l.id), cols = as_list(l.cols),
    names_to = l.names_to, values_to = l.values_to })
end)

-- bind: the rows of other inputs appended, columns matched by name (dplyr's
-- bind_rows, Stata's append).
M.register("bind", S.record({
  bind = names("bind: the input (or list of inputs) whose rows are appended, in order; columns are matched by "
    .. "name and a column a frame lacks is missing (frame.bind_rows, docs/frames.md)"),
  steps = S.list(S.any(), { doc = "bind: steps run on each appended input before it is appended (the same verbs), "
    .. "e.g. its own filter, derive and select" }),
}, { check = check_nested }), function(f, s, env)
  local parts = { f }
  for _, input in ipairs(as_list(s.bind)) do
    parts[#parts + 1] = other_input(env, input, s.steps)
  end
  return env:call(nil, require("csc.frame").bind_rows, parts)
end)

-- aggregate: one row per group of the `by` columns, one column per
-- aggregate (dplyr's group_by |> summarise, Stata's collapse).
M.register("aggregate", S.record({
  aggregate = S.list(S.list(S.any(), { min_items = 2 }), { min_items = 1, doc = "aggregate: the columns to make, "
    .. "in order, each { name, fn, column[, p] } as f:aggregate's list form, e.g. { \"referrals\", \"sum\", "
    .. "\"referral_count\" }; fn is count, n, sum, mean, sd, var, min, max, median, quantile, first, last or "
    .. "n_distinct (docs/frames.md, \"Grouping\")" }),
  by = names("aggregate: the group columns (default none: the whole frame is one group); groups come out sorted"),
}, { check = function(s)
  if type(s.aggregate) ~= "table" then return end
  for i, a in ipairs(s.aggregate) do
    if type(a) == "table" and (type(a[1]) ~= "string" or type(a[2]) ~= "string"
        or (a[3] ~= nil and type(a[3]) ~= "string")) then
      return "expected { name, fn, column[, p] }, e.g. { \"referrals\", \"sum\", \"referral_count\" }",
        string.format("aggregate[%d]", i)
    end
  end
end }), function(f, s, env)
  local specs = {}
  for i, a in ipairs(s.aggregate) do specs[i] = { a[1], a[2], a[3], a[4] } end
  return env:call(nil, f.aggregate, f, s.by and as_list(s.by) or {}, specs)
end)

-- ===== Verbs from other modules =====

--- Modules that add verbs of their own (each requires csc.steps and calls
-- register).  Listed here, they are loaded with this module, so every
-- design, `csceval check` and the generated field reference know their verbs.
M.EXTENSIONS = { "csc.cohort.steps" }

package.loaded["csc.steps"] = M
for _, m in ipairs(M.EXTENSIONS) do require(m) end

return M
