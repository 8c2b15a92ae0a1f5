--- `csceval export --to r|stata RECIPE`: a script in another statistics
-- package that loads the same inputs and runs the same analysis, so a
-- reviewer can rerun the evaluation in the tool they trust.
--
-- The recipe is loaded and validated as `check` does (no analysis runs),
-- its inputs are resolved as `run` resolves them (the recipe's paths, or
-- --data NAME=PATH), the design's data preparation runs once (as `check`
-- runs it), and the result is a *plan*, a plain table that a language
-- module (csc.export.r, csc.export.stata) turns into script text with
-- `script(plan)`.  The script is written atomically to DIR/<id>.R (or .do);
-- data files the script needs that are not the recipe's own public files
-- (synthetic inputs, the frame a Lua `prepare` function made) are written
-- beside it.  docs/export.md describes the plan and the scripts.
--
-- ===== The plan (stable interface for the language modules) =====
--
--   plan.id           recipe id ("lincs_early_help"); the script is <id>.R / <id>.do
--   plan.title        the recipe's title
--   plan.recipe       the recipe's path as given ("recipes/lincs_early_help.lua")
--   plan.question     the recipe's question (may be nil)
--   plan.type         the design type ("its", "cits", "did", "matching", "ipw", "benchmark")
--   plan.design       the design table as declared, copied; a function value is
--                     replaced by { lua = "<its source text>", lines = "12-18" }
--   plan.inputs       list, sorted by name, of resolved inputs:
--     .name           input name ("monthly")
--     .path           the path csceval read (the recipe's path or the --data path),
--                     relative to the folder csceval ran in (the project root)
--     .file           base name of a copy written beside the script, or nil; when set
--                     the script reads this copy from its own folder, not .path
--                     (synthetic inputs are copied, so script and data travel together)
--     .format         "csv", "dta", "sav", "por", "sas7bdat", "xlsx", "ods", "ssda903"
--     .sheet, .header_row   as the recipe declares them (workbooks), or nil
--     .columns        list of column names, in file order
--     .types          column name -> csceval type ("int64", "float64", "text", "date", "bool")
--     .rows           number of data rows
--     .synthetic      true when csceval's synthetic file is used (no --data override)
--     .generator      the recipe's generator path, or nil
--     .replaced       true when --data gave the path
--   plan.frame        the data the design analyses (nil for designs without one, e.g. benchmark):
--     .input          the input it comes from (design.data), or nil when prepared
--     .prepared       true when a Lua `prepare` function (or design.steps, design.rates) made it;
--                     the framework then writes it beside the script as .file
--     .file           base name of that CSV beside the script ("<id>_prepared.csv"), or nil
--     .path           the input's path when not prepared (as inputs[].path)
--     .columns, .types, .rows   as for inputs (before `where`)
--     .prepare        { lua = source, lines = "a-b" } of design.prepare, or nil
--     .steps          design.steps, one line each ("{ derive = \"boy\", as = \"...\" }"), or nil
--   plan.cohort       { where = "<csceval expression>", r = "<R translation>" | nil,
--                       stata = "<Stata translation>" | nil } or nil: the design's row filter
--   plan.outcomes     design.outcomes (or, for matching, every analysis's outcomes) as declared
--   plan.options      { alpha = 0.05, level = 0.95, seed = n | nil }
--   plan.synthetic    true when any input is synthetic
--   plan.synthetic_inputs  names of the synthetic inputs
--   plan.synthetic_kind    what they stand for (csc.synthetic.words)
--   plan.results_file the base name of the CSV the script writes beside itself,
--                     "<id>_results.csv": columns name,value (see docs/export.md)
--   plan.script_path  where the script is written ("out/export/<id>.R"), for its own header
--   plan.files        base name -> text of the data files written beside the script (the
--                     framework fills it: synthetic inputs, the prepared frame)
--   plan.warn(msg)    record a warning (an option with no equivalent); printed by the
--                     export and listed in the script's header by the language module
--   plan.warnings     the warnings recorded so far
--
-- A language module is `require("csc.export." .. lang)` and returns a table
-- with script(plan) -> text, the file extension `ext` ("R", "do") and the
-- designs it covers `designs` (set: type -> true).
-- @module csc.export
local errors = require("csc.errors")
local sys = require("host.sys")
local util = require("csc.util")
local tokens = require("csc.export.expr").tokens

local M = {}

--- The languages `--to` accepts, with their module and file extension.
M.languages = {
  r = { module = "csc.export.r", ext = "R", name = "R" },
  stata = { module = "csc.export.stata", ext = "do", name = "Stata" },
}

local NA = require("host.frame").NA

-- ===== Values and files =====

--- A function's source text from the recipe, for the plan and the script's comments.
local function function_source(fn, r)
  local info = debug.getinfo(fn, "S")
  if not info or info.source ~= "@" .. r.path or info.linedefined <= 0 then
    return { lua = "(a Lua function defined outside the recipe)", lines = "?" }
  end
  local lines, n = {}, 0
  for line in (r.source .. "\n"):gmatch("([^\n]*)\n") do
    n = n + 1
    if n >= info.linedefined and n <= info.lastlinedefined then lines[#lines + 1] = line end
  end
  return { lua = table.concat(lines, "\n"), lines = string.format("%d-%d", info.linedefined, info.lastlinedefined) }
end

--- A deep copy of a recipe table with functions replaced by their source.
local function declared(v, r, seen)
  if type(v) == "function" then return function_source(v, r) end
  if type(v) ~= "table" then return v end
  seen = seen or {}
  if seen[v] then return seen[v] end
  local out = {}
  seen[v] = out
  for k, x in pairs(v) do out[k] = declared(x, r, seen) end
  return out
end

local function csv_field(v)
  if v == nil or v == NA then return "" end
  local s
  if math.type(v) == "integer" then s = string.format("%d", v)
  elseif type(v) == "number" then
    if v ~= v then return "" end
    s = string.format("%.17g", v)
  elseif type(v) == "boolean" then s = v and "1" or "0"
  else s = tostring(v) end
  if s:find('[,"\r\n]') or s:match("^%s") or s:match("%s$") then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

--- A frame as CSV text (full precision: 17 significant digits, missing as empty).
function M.frame_csv(f)
  local names = f:names()
  local cols = {}
  for j, c in ipairs(names) do cols[j] = f:column(c) end
  local out, head = {}, {}
  for j, c in ipairs(names) do head[j] = csv_field(c) end
  out[1] = table.concat(head, ",")
  for i = 1, f:nrow() do
    local row = {}
    for j = 1, #names do row[j] = csv_field(cols[j][i]) end
    out[i + 1] = table.concat(row, ",")
  end
  return table.concat(out, "\n") .. "\n"
end

local function frame_meta(f)
  local names, types = f:names(), {}
  for _, c in ipairs(names) do types[c] = f:type(c) end
  return names, types, f:nrow()
end

local function format_of(path, inp)
  if inp.format then return inp.format end
  local ext = path:match("%.([%w]+)$")
  return ext and ext:lower() or "csv"
end

-- ===== Expressions =====

--- A csceval expression (docs/expressions.md) in R, or nil with the reason
-- when it uses something this translation does not cover.  Covers columns
-- (bare or `quoted`), numbers, text, and/or/not, comparisons, arithmetic,
-- `in {..}`, and the functions below.
local R_FUNCS = { if_else = "ifelse", is_na = "is.na", abs = "abs", log = "log", exp = "exp",
  sqrt = "sqrt", round = "round", floor = "floor", ceiling = "ceiling", ceil = "ceiling",
  min = "pmin", max = "pmax", year = "as.integer(format(%s, '%%Y'))" }

local R_WORDS = { ["and"] = "&", ["or"] = "|", ["not"] = "!", ["true"] = "TRUE", ["false"] = "FALSE", pi = "pi" }
local R_OPS = { ["//"] = "%/%", ["%"] = "%%", ["{"] = false, ["}"] = false }

-- The R of tokens i..j (csc.export.expr), or nil and the reason.
local function tokens_r(toks, i, j)
  local out = {}
  while i <= j do
    local t = toks[i]
    i = i + 1
    if t.k == "str" then out[#out + 1] = '"' .. t.raw:gsub('"', '\\"') .. '"'
    elseif t.k == "col" then out[#out + 1] = t.quoted and ("`" .. t.v .. "`") or t.v
    elseif t.k == "num" then out[#out + 1] = t.v
    elseif R_WORDS[t.k] then out[#out + 1] = R_WORDS[t.k]
    elseif t.k == "in" then
      -- x in {a, b}: x %in% c(a, b)
      if not (toks[i] and toks[i].k == "op" and toks[i].v == "{") then return nil, "in without a {...} list" end
      local close = i + 1
      while toks[close] and not (toks[close].k == "op" and toks[close].v == "}") do close = close + 1 end
      if not toks[close] then return nil, "an unclosed in {...} list" end
      local inner, why = tokens_r(toks, i + 1, close - 1)
      if not inner then return nil, why end
      out[#out + 1] = "%in%"
      out[#out + 1] = "c("
      out[#out + 1] = inner .. ")"
      i = close + 1
    elseif t.k == "fn" then
      local f = R_FUNCS[t.v]
      if not f or f:find("%s", 1, true) then return nil, "the function " .. t.v .. "()" end
      out[#out + 1] = f
    else
      local o = R_OPS[t.v]
      if o == false then return nil, "the symbol " .. t.v end
      out[#out + 1] = o or t.v
    end
  end
  -- a function's name sits against its "(" (a column is never followed by one)
  return (table.concat(out, " "):gsub("%( ", "("):gsub(" %)", ")"):gsub(" ,", ","):gsub("([%w_%.]) %(", "%1("))
end

function M.expr_r(expr)
  local toks, why = tokens(expr)
  if not toks then return nil, why end
  return tokens_r(toks, 1, #toks)
end

-- ===== Building the plan =====

--- The plan for a loaded, validated recipe with its inputs read (see the
-- top of this file).  opts.lang: "r" or "stata" (for the cohort's translation).
function M.plan(r, d, prov, frame)
  local spec, design = r.spec, r.spec.design
  local plan = { id = r.id, title = spec.title, recipe = r.path, question = spec.question,
    type = design.type, design = declared(design, r), inputs = {}, synthetic = false,
    synthetic_inputs = {}, warnings = {}, results_file = r.id .. "_results.csv",
    options = { alpha = spec.alpha or 0.05, seed = spec.seed } }
  plan.options.level = design.level or (1 - plan.options.alpha)
  plan.warn = function(msg) plan.warnings[#plan.warnings + 1] = msg end
  plan.files = {}   -- base name -> text, written beside the script
  for _, pv in ipairs(prov) do
    local inp = spec.inputs[pv.name]
    local e = { name = pv.name, path = pv.path, synthetic = pv.synthetic or false,
      replaced = pv.replaced or false, generator = inp.generator, sheet = inp.sheet, header_row = inp.header_row,
      format = format_of(pv.path, inp), missing = pv.missing }
    local f = d[pv.name]
    if type(f) == "userdata" and type(f.nrow) == "function" then
      e.columns, e.types, e.rows = frame_meta(f)
      if e.synthetic then
        -- the synthetic file is written beside the script, so the script and
        -- its data travel together
        e.file = r.id .. "_" .. pv.name .. ".csv"
        plan.files[e.file] = M.frame_csv(f)
        e.format = "csv"
      end
    end
    if e.synthetic then
      plan.synthetic = true
      plan.synthetic_inputs[#plan.synthetic_inputs + 1] = pv.name
      plan.synthetic_kind = require("csc.synthetic").run_kind(prov)
    end
    plan.inputs[#plan.inputs + 1] = e
  end
  table.sort(plan.inputs, function(a, b) return a.name < b.name end)
  if frame then
    local fr = {}
    fr.columns, fr.types, fr.rows = frame_meta(frame)
    if type(design.prepare) == "function" or type(design.rates) == "table" or type(design.steps) == "table" then
      fr.prepared = true
      fr.file = r.id .. "_prepared.csv"
      fr.prepare = type(design.prepare) == "function" and function_source(design.prepare, r) or nil
      if type(design.steps) == "table" then
        fr.steps = {}
        for i, st in ipairs(design.steps) do fr.steps[i] = require("csc.steps").describe(st) end
      end
      plan.files[fr.file] = M.frame_csv(frame)
    else
      fr.input = design.data
      for _, e in ipairs(plan.inputs) do if e.name == design.data then fr.path, fr.file = e.path, e.file end end
    end
    plan.frame = fr
  end
  if type(design.where) == "string" then
    local rx, why = M.expr_r(design.where)
    plan.cohort = { where = design.where, r = rx, r_problem = why }
  end
  if design.outcomes then
    plan.outcomes = declared(design.outcomes, r)
  elseif type(design.analyses) == "table" then
    plan.outcomes = {}
    for _, a in ipairs(design.analyses) do
      for _, o in ipairs(a.outcomes or {}) do
        local c = declared(o, r)
        c.analysis = a.name
        plan.outcomes[#plan.outcomes + 1] = c
      end
    end
  end
  return plan
end

--- The language module for `--to LANG`, or a usage error naming the choices.
function M.language(lang)
  local L = M.languages[lang]
  if not L then
    errors.raise("usage", string.format("--to %s: unknown language (use r or stata)", tostring(lang)))
  end
  local ok, mod = pcall(require, L.module)
  if not ok then
    if tostring(mod):find("module '" .. L.module .. "' not found", 1, true) then
      errors.raise("usage", string.format("--to %s: the %s export is not available in this build of csceval "
        .. "(lua/csc/export/%s.lua is missing); use --to r", lang, L.name, lang))
    end
    error(mod, 0)
  end
  return mod, L
end

--- The files export wrote in a folder, with their SHA-256: a file there is
-- replaced only when it is one of them, unchanged since, so a user's own
-- script or data file of the same name (an input beside --out .) is never
-- overwritten.
M.MANIFEST = ".csceval-export"

local function read_manifest(dir)
  local path = dir .. "/" .. M.MANIFEST
  local m = {}
  if sys.is_link(path) or sys.kind(path) ~= "file" then return m end
  for sha, name in (sys.read(path) or ""):gmatch("(%x+) ([^\n]+)\n") do m[name] = sha end
  return m
end

local function write_manifest(dir, m)
  local lines = {}
  for _, name in ipairs(util.sorted_keys(m)) do lines[#lines + 1] = m[name] .. " " .. name .. "\n" end
  local ok, err = sys.write_atomic(dir .. "/" .. M.MANIFEST, table.concat(lines))
  if not ok then errors.raise("output", err) end
end

local function check_ours(dir, files, m)
  for _, name in ipairs(util.sorted_keys(files)) do
    local path = dir .. "/" .. name
    local kind = sys.kind(path)
    if sys.is_link(path) or (kind ~= nil and (kind ~= "file" or m[name] == nil or m[name] ~= sys.sha256_file(path))) then
      errors.raise("output", string.format("%s already exists and was not written by csceval export (or was "
        .. "changed since); nothing was changed. Move it away or choose another --out folder", path))
    end
  end
end

--- Export one recipe.  opts: to ("r" | "stata"), out (folder, default
-- "out/export"), data (list of [RECIPE:]NAME=PATH), trusted, timeout.
-- Returns { path = script path, files = {written data files}, warnings = {...}, plan = plan }.
function M.export(path, opts)
  local mod, L = M.language(opts.to)
  local runner = require("csc.runner")
  local context = require("csc.context")
  local output = require("csc.render.output")
  local r, d, prov, _, skip = runner.prepare(path, { data = opts.data, trusted = opts.trusted, timeout = opts.timeout })
  if skip then
    -- an input with skip_when_absent that is not here: nothing to export from
    errors.throw({ kind = "skipped", detail = string.format("%s: %s", r.path, skip) })
  end
  local design = r.spec.design
  if not (mod.designs or {})[design.type] then
    local list = util.sorted_keys(mod.designs or {})
    errors.raise("recipe", string.format("%s: design %q has no %s export (covered: %s); run it with csceval run",
      r.path, tostring(design.type), L.name, table.concat(list, ", ")))
  end
  if not r.id:match("^[%w_%-]+$") then
    errors.raise("recipe", string.format("the recipe id %q is not a plain file name; set id = \"...\" "
      .. "(letters, digits, _ and -) in the recipe", r.id))
  end
  -- the design's data preparation, once, as check runs it; its notes are discarded
  local frame
  local ctx = context.new(r, d, prov, {}, output.chart_kinds, output.chart_fields)
  local prepared = runner.prepare_data(r, d, ctx)
  if design.data ~= nil or design.prepare ~= nil then
    frame = prepared or d[design.data]
    if type(frame) ~= "userdata" then frame = nil end
  end
  local plan = M.plan(r, d, prov, frame)
  local dir = opts.out or "out/export"
  plan.script_path = dir .. "/" .. r.id .. "." .. L.ext
  local text = mod.script(plan)
  local ok, err = sys.mkdirs(dir)
  if not ok then errors.raise("output", err) end
  local target = dir .. "/" .. r.id .. "." .. L.ext
  local all = {}
  for name, content in pairs(plan.files) do all[name] = content end
  all[r.id .. "." .. L.ext] = text
  local manifest = read_manifest(dir)
  check_ours(dir, all, manifest)
  local written = {}
  for _, name in ipairs(util.sorted_keys(plan.files)) do
    ok, err = sys.write_atomic(dir .. "/" .. name, plan.files[name])
    if not ok then errors.raise("output", err) end
    manifest[name] = sys.sha256(plan.files[name])
    written[#written + 1] = dir .. "/" .. name
  end
  ok, err = sys.write_atomic(target, text)
  if not ok then errors.raise("output", err) end
  manifest[r.id .. "." .. L.ext] = sys.sha256(text)
  write_manifest(dir, manifest)
  return { path = target, files = written, warnings = plan.warnings, plan = plan }
end

return M
