--- Loading and validating recipes.
-- A recipe is a Lua file that returns a table describing one evaluation.
-- This module loads it in the sandbox (text only, no bytecode), checks it
-- against the schema below and the design's own schema, and reports every
-- mistake as `recipes/x.lua:14: design.covariates[3]: what is wrong`.
-- @module csc.recipe
local S = require("csc.schema")
local deadline = require("csc.deadline")
local errors = require("csc.errors")
local evidence = require("csc.evidence")
local sandbox = require("csc.sandbox")
local srcmap = require("csc.srcmap")
local sys = require("host.sys")
local util = require("csc.util")

local M = {}

--- Designs csceval knows, by recipe `design.type`.  Each is a module in
-- lua/csc/designs/ exporting `schema` (fields besides `type`), `describe`
-- and `run`; adding a design is adding a file there (designs/base.lua is the
-- skeleton they share, not a design).
local function find_designs()
  local here = package.searchpath("csc.designs.custom", package.path)
  local names = {}
  if here then
    for _, f in ipairs(sys.listdir(here:match("^(.*)[/\\]") or ".")) do
      local n = f:match("^([%w_]+)%.lua$")
      if n and n ~= "base" then names[#names + 1] = n end
    end
  end
  table.sort(names)
  return #names > 0 and names or { "benchmark", "custom" }
end
M.designs = find_designs()

local input_schema = S.record({
  path = S.string({ required = true, doc = "the file to read, e.g. \"../shared/data/ees/x.csv\"; its extension gives the format: .csv, .dta (Stata), .sav/.zsav/.por (SPSS), .sas7bdat (SAS), .xlsx/.ods (workbooks) (docs/data.md); for format = \"ssda903\", the folder of the return's CSV files; a leading \"~/\" is the home folder and \"cache:\" csceval's cache folder ($CSCEVAL_CACHE, else $XDG_CACHE_HOME/csceval, else ~/.cache/csceval), for large generated files" }),
  dataset = S.string({ doc = "a data set listed in data/datasets.csv, e.g. \"statistical_neighbours_2021\": "
    .. "its path, description, columns, types and provenance come from there (csc.sources)" }),
  format = S.enum({ "csv", "ssda903", "survey" }, { doc = "csv (default: the format the extension says) or ssda903: a folder of SSDA903 CSV extracts (docs/ssda903.md), or survey: a survey platform's export (.csv or .xlsx) with two header rows, question then answer option (docs/data.md)" }),
  sheet = S.either({ S.string(), S.integer({ min = 1 }) }, { doc = "workbooks (.xlsx, .ods): the sheet, by name or 1-based position (default the first)" }),
  header_row = S.integer({ min = 1, doc = "workbooks and survey exports: the 1-based row of the table's header (default: found below any title rows)" }),
  years = S.list(S.integer(), { doc = "ssda903: the collection years (ending 31 March) to read" }),
  prefix = S.string({ doc = "ssda903: file name prefix, \"{year}\" replaced by each year and \"{start}\" by the year before (default \"{year}-\")" }),
  last_year_rules = S.boolean({ doc = "ssda903: false to skip the rules that compare each year with the year before (on by default when consecutive years are read)" }),
  xml = S.string({ doc = "ssda903: read the XML form of the return instead, one file per year in the folder, \"{year}\" and \"{start}\" replaced (e.g. \"{year}.xml\")" }),
  record_level = S.boolean({ doc = "the file holds one row per child (or per event): outputs get disclosure control" }),
  description = S.string(),
  types = S.map(S.enum({ "float64", "float", "number", "double", "int64", "int", "integer", "bool", "boolean",
    "date", "text", "string", "categorical", "cat" }), { doc = "column -> type, e.g. {code = \"text\"}" }),
  labels = S.either({ S.enum({ "auto", "text", "codes" }), S.map(S.enum({ "auto", "text", "codes" })) },
    { doc = "Stata, SPSS and SAS files: value-labelled columns as \"text\" (the labels), \"codes\" (numbers, labels kept) or \"auto\" (text when every value has a label); one word for all, or {column = ..., default = ...}" }),
  synthetic = S.boolean(),
  synthetic_kind = S.enum({ "stand_in", "benchmark" }, { doc = "what a synthetic file stands for, which words every "
    .. "output's synthetic-data notice: \"stand_in\" (default) records generated in place of confidential ones to "
    .. "reproduce a report's published descriptives, \"benchmark\" an extract generated with the real data's shape "
    .. "and effects built in, for demonstrations and benchmarks (csc.synthetic)" }),
  generator = S.string(),
  real_data = S.string({ doc = "what the real file is and who holds it" }),
  columns = S.list(S.string()),
  optional = S.boolean({ doc = "run without this input when its file is absent (the recipe checks ctx.data)" }),
  skip_when_absent = S.string({ doc = "for a large generated file: when it is absent (and no --data replaces it) "
    .. "the run is skipped, with a message, instead of failing; the text says how to make the file (e.g. \"make it "
    .. "with sh tests/bench/scale.sh\"). Also skipped when the environment sets CSCEVAL_SKIP_LARGE=1, as the test "
    .. "suites do" }),
})

-- outputs.ees: result tables also written as EES open data (written by
-- csc.render.ees; the schema is the recipe's, so loading a recipe needs no renderer)
local EES_SCHEMA = S.list(S.record({
  table = S.string({ required = true, doc = "the result table to write" }),
  time_period = S.either({ S.string(), S.integer() }, { required = true,
    doc = "a column of the table holding the period, or the period itself (YYYY or YYYYYY, e.g. 2024 or 202324)" }),
  time_identifier = S.string({ doc = "EES time identifier (default \"Reporting year\")" }),
  geographic_level = S.enum({ "National", "Regional", "Local authority" }, { required = true }),
  geography = S.map(S.either({ S.string(), S.record({ value = S.string({ required = true }) }) }),
    { doc = "EES geography column -> a column of the table or a literal value; { value = \"...\" } is always "
      .. "the literal (for a value that is also a column's name)" }),
  filters = S.list(S.string(), { doc = "columns that classify the rows (EES filters)" }),
  indicators = S.list(S.either({ S.string(), S.record({
    column = S.string({ required = true }),
    name = S.string({ pattern = "^[a-z][a-z0-9_]*$", pattern_doc = "lower-case letters, digits and _",
      doc = "the column's name in the EES file (default the table's column name)" }),
    label = S.string(), unit = S.string(),
    dp = S.integer({ min = 0, max = 15 }), grouping = S.string() }) }), { required = true, min_items = 1,
    doc = "columns of numbers (EES indicators): a name, or {column, label, unit, dp, grouping}" }),
}), { doc = "result tables also written as EES open data: <table>_ees.csv and <table>_ees.meta.csv (docs/reports.md)" })

M.schema = S.record({
  id = S.string({ pattern = "^[%w_%-]+$", pattern_doc = "letters, digits, _ and -" }),
  title = S.string({ required = true }),
  question = S.string({ required = true, doc = "the evaluation question in plain English" }),
  source = S.record({
    report = S.string({ required = true, doc = "the report's title; taken from data/reports.csv when reference "
      .. "names a report there (csc.sources)" }),
    reference = S.string({ doc = "the report's reference, e.g. \"RR1030\": a report listed in data/reports.csv "
      .. "takes its title, authors, publisher, year and file from there" }),
    authors = S.string(), publisher = S.string(), year = S.integer(),
    file = S.string(), url = S.string(),
    tables = S.list(S.string(), { required = true, min_items = 1,
      doc = "the tables or figures of the report this recipe reruns" }),
  }, { required = true }),
  inputs = S.map(input_schema, { required = true }),
  design = S.record({
    type = S.enum(M.designs, { required = true }),
  }, { required = true, open = true }),
  published = require("csc.published").schema,
  evidence = S.string({ doc = "the strength of the evidence in a sentence, for the report and out/index; "
    .. "{estimate} or {estimate.field} (optionally {estimate.p:%.3f}) is filled from the run's estimates" }),
  warnings = S.list(S.string(), { doc = "fixed warnings the run always gives (e.g. what synthetic data can and "
    .. "cannot show), shown with the design's warnings" }),
  tables = require("csc.tables").schema,
  checks = S.func({ doc = "function(ctx) run after the design: the recipe's own assertions and derived figures" }),
  outputs = S.record({
    formats = S.list(S.enum({ "md", "csv", "json", "html", "xlsx" }), { min_items = 1,
      doc = "the files to write when --format does not say (default md, csv, json, html; xlsx: report.xlsx)" }),
    png = S.boolean({ doc = "also write each chart as a PNG (like --png)" }),
    ees = EES_SCHEMA,
  }),
  seed = S.integer({ min = 0 }),
  alpha = S.number({ min = 0, max = 1 }),
  limitations = S.list(S.string()),
  disclosure = S.record({
    threshold = S.integer({ min = 1, doc = "counts from 1 to threshold - 1 are suppressed (default 5)" }),
    round = S.integer({ min = 1, doc = "round every shown count to this base (e.g. 5)" }),
    allow_small = S.string({ doc = "why this report may show small counts (e.g. to compare with a published table); the report shows a notice" }),
  }, { doc = "disclosure control for outputs built from record-level input (on by default for such input)" }),
  data_note = S.string(),
  timings = S.boolean({ doc = "add a table of the time each step of the run took, with the process's peak resident "
    .. "memory and the size of the inputs' column data, to the report (its figures then differ from run to run)" }),
  labels = S.map(S.string(), { doc = "estimate keys (or their leading parts) and column names in plain "
    .. "words for the report, e.g. labels = { referrals = \"Referrals per month\" } (csc.render.labels)" }),
  -- strength of evidence on the Innovation Programme's scale (csc.evidence)
  strength = S.record({
    rated = S.record({
      reference = S.string({ required = true, doc = "the report that rates the evaluation (data/reports.csv)" }),
      row = S.integer({ required = true, min = 1, doc = "the evaluation's row of the report's table of ratings" }),
    }, { doc = "the rating as a report published it (RR1012, Table 4): the level, qualifiers and result come "
      .. "from that row unless the recipe gives them (csc.evidence.rating)" }),
    level = S.enum(evidence.keys, { required = true }),
    qualifiers = S.list(S.enum(evidence.qualifiers)),
    result = S.enum(evidence.results),
    result_label = S.string({ doc = "the result as the report words it, e.g. \"Some positive impact\"" }),
    reason = S.string(),
    basis = S.record({ comparator = S.boolean(), significance = S.boolean(), outcomes = S.boolean() },
      { doc = "what the analysis has; required for a custom design" }),
  }, { doc = "strength of evidence on the Innovation Programme's scale; see docs/synthesis.md" }),
})

--- Design module for a type name.
function M.design_module(t)
  return require("csc.designs." .. t)
end

--- Raise a recipe error listing every mistake with file:line.
-- A field reported missing or wrong beside a misspelling of it in the same
-- table (design.interuption: did you mean "interruption"?) is the
-- misspelling's consequence: only the misspelling is reported.
local function consequences(errs)
  local meant = {}
  for _, e in ipairs(errs) do
    local parent, name = e.path:match("^(.-)%.?([^.%[%]]+)$")
    local sug = e.msg:match('^unknown field %(did you mean "([^"]+)"%?%)$')
    if parent and sug and name then meant[(parent ~= "" and parent .. "." or "") .. sug] = true end
  end
  if next(meant) == nil then return errs end
  local kept = {}
  for _, e in ipairs(errs) do if not meant[e.path] then kept[#kept + 1] = e end end
  return kept
end

local function fail(path, map, errs)
  local lines = {}
  for _, e in ipairs(consequences(errs)) do
    local where = e.path ~= "" and (e.path .. ": ") or ""
    lines[#lines + 1] = string.format("%s:%d: %s%s", path, srcmap.line(map, e.path), where, e.msg)
  end
  errors.raise("recipe", table.concat(lines, "\n"))
end

--- A sentence after a Lua syntax error saying what to write.  Lua's own
-- messages name the token it choked on; newcomers need the fix.
function M.syntax_hint(lerr, src)
  local generic = " (a Lua syntax error: check the line named and the one before it)"
  local line = tonumber(lerr:match(":(%d+):"))
  if lerr:match("unexpected symbol near '{'") and line then
    local n, text = 0, nil
    for l in (src .. "\n"):gmatch("([^\n]*)\n") do
      n = n + 1
      if n == line then text = l end
    end
    if text and text:match("^%s*{") then
      return "; a recipe is one table after the word return: write `return {` where the table starts"
    end
  end
  if lerr:match("'then' expected near '='") or lerr:match("'do' expected near '='")
      or lerr:match("'%)' expected near '='") or lerr:match("'}' expected near '='")
      or lerr:match("'end' expected near '='") then
    return "; `=` assigns a value: to compare two values write `==` (and `~=` for not equal), "
      .. "e.g. if x == 1 then ... end"
  end
  local what, at = lerr:match("'end' expected %(to close '(%a+)' at line (%d+)%)")
  if what then
    return string.format("; the %s that starts at line %s has no matching `end`: write `end` after its last "
      .. "statement%s", what, at, what == "function" and " (before the `,` or `}` that follows it in a table)" or "")
  end
  local close, open = lerr:match("'(%p)' expected %(to close '(%p)' at line (%d+)%)")
  at = lerr:match("to close '%p' at line (%d+)")
  if close then
    return string.format("; the %s opened at line %s is not closed: add `%s` where it ends (and a `,` between "
      .. "fields)", open == "{" and "table" or ("`" .. open .. "`"), at, close)
  end
  if lerr:match("near <eof>") then
    return "; the file ends inside a table or function: check that every `{` has its `}` and every "
      .. "function, if and for has its `end`"
  end
  if lerr:match("'}' expected") or (lerr:match("unexpected symbol") and line) then
    return generic .. "; between fields of a table write a comma: { a = 1, b = 2 }"
  end
  return generic
end

--- Load a recipe file.
-- @tparam string path recipe file as given on the command line
-- @tparam table opts {trusted = bool, printer = function}
-- @treturn table {path, id, spec (the returned table), map (field lines), source, sha256}
function M.load(path, opts)
  opts = opts or {}
  local problem = require("csc.files").problem(path)
  if problem then
    errors.raise("usage", string.format("%s: %s (give the path to a .lua recipe, e.g. recipes/lincs_benchmarks.lua)",
      path, problem == "no such file" and "no such recipe file" or problem))
  end
  local src, rerr = sys.read(path)
  if not src then errors.raise("usage", rerr) end
  local env = opts.trusted and setmetatable({}, { __index = _G })
      or sandbox.env(path, opts.printer or function(s) sys.stderr(s) end)
  local chunk, lerr = load(src, "@" .. path, "t", env)
  if not chunk then
    if lerr:match("binary chunk") then
      errors.raise("recipe", string.format("%s:1: recipes must be Lua source text; precompiled bytecode is not accepted", path))
    end
    errors.raise("recipe", lerr .. M.syntax_hint(lerr, src))
  end
  -- top-level code of the recipe runs under the same time limit as its design
  deadline.set(opts.timeout or 3600)
  local ok, spec = pcall(chunk)
  deadline.set(nil)
  if not ok then
    -- stopped by the time limit: an analysis error (exit 4), as in the design
    if errors.is(spec) and spec.kind == "analysis" then error(spec, 0) end
    if spec == "not enough memory" then
      errors.raise("analysis", path .. ": out of memory at the top level of the recipe; raise the cap with "
        .. "--memory MB (default 4096)")
    end
    errors.raise("recipe", errors.is(spec) and spec.msg or tostring(spec))
  end
  if type(spec) ~= "table" then
    errors.raise("recipe", string.format("%s:1: a recipe must return a table describing the evaluation, it returned %s%s",
      path, type(spec), spec == nil and "; write return before the table's opening brace, `return {`, "
        .. "(or end the file with `return r` when you built the table as `local r = {...}`)" or ""))
  end
  -- the report's record (csc.sources) and the published figures typed in
  -- files beside the recipe
  require("csc.sources").fill(spec.source)
  require("csc.sources").fill_inputs(spec.inputs)
  require("csc.sources").fill_neighbours(spec.design, spec.inputs)
  evidence.fill(spec.strength)
  require("csc.published").load_files(spec.published, util.dirname(path))
  local map = srcmap.build(src)
  local r = { path = path, spec = spec, map = map, source = src, sha256 = sys.sha256(src), env = env }
  r.id = spec.id or util.stem(path)
  return r
end

--- Validate the recipe's structure (not yet its columns).
function M.validate(r)
  local errs = {}
  local ctx = S.validate(M.schema, r.spec, "", errs)
  local design = r.spec.design
  if type(design) == "table" and type(design.type) == "string" then
    local okm, mod = pcall(M.design_module, design.type)
    if okm and mod.schema then
      local fields = util.copy(mod.schema.fields)
      fields.type = S.string()
      local ds = S.record(fields, { check = mod.schema.check })
      S.validate(ds, design, "design", errs, ctx)
    end
  end
  -- a strength claim the design cannot support is refused
  local st = r.spec.strength
  if type(st) == "table" and type(st.rated) == "table" and type(st.rated.reference) == "string"
    and math.type(st.rated.row) == "integer" then
    local _, why = evidence.rating(st.rated.reference, st.rated.row)
    if why then errs[#errs + 1] = { path = "strength.rated", msg = why } end
  end
  if #errs == 0 and type(st) == "table" and type(design) == "table" then
    local msg, sub = evidence.check(st, design.type)
    if msg then errs[#errs + 1] = { path = "strength." .. sub, msg = msg } end
  end
  -- the evidence sentence's placeholders and formats (the estimates they
  -- name are known only after the run)
  if type(r.spec.evidence) == "string" then
    local why = require("csc.published").check_template(r.spec.evidence)
    if why then errs[#errs + 1] = { path = "evidence", msg = why } end
  end
  -- every text of the recipe goes into reports, which are UTF-8
  M.check_utf8(r.spec, "", errs, {})
  -- published[i].estimate defaults to the label; checked after the run
  if #errs > 0 then fail(r.path, r.map, errs) end
  r.columns = ctx.columns
  return r
end

--- Names of the control characters a recipe's text may not hold.
local CONTROL_NAMES = { [0] = "a NUL byte", [27] = "an escape (ESC)", [127] = "a delete (DEL)" }

--- Strings in the recipe table (keys and values, nested tables) that are
-- not UTF-8 text, or that hold a control character other than tab, line
-- feed and carriage return (a NUL byte, ESC, U+0080-U+009F): these go into
-- titles, labels and notes of every report, where they would be invisible
-- or break the file.  Schema errors at their field.
function M.check_utf8(t, path, errs, seen)
  if seen[t] then return end
  seen[t] = true
  for k, v in pairs(t) do
    local p = type(k) == "number" and string.format("%s[%d]", path, k)
        or (path == "" and util.visible_controls(k) or path .. "." .. util.visible_controls(k))
    for _, s in ipairs({ k, v }) do
      if type(s) == "string" then
        local ok, at = utf8.len(s)
        if not ok then
          errs[#errs + 1] = { path = p, msg = string.format("the text is not UTF-8 (byte 0x%02X at position %d); "
            .. "save the recipe as UTF-8", s:byte(at), at) }
          break
        end
        local cat = s:find("[%z\1-\8\11\12\14-\31\127]") or s:find("\194[\128-\159]")
        if cat then
          local cp = utf8.codepoint(s, cat)
          errs[#errs + 1] = { path = p, msg = string.format("the text holds a control character (U+%04X%s) "
            .. "at byte %d%s; remove it (write \\n for a line break)", cp,
            CONTROL_NAMES[cp] and (", " .. CONTROL_NAMES[cp]) or "", cat, s == k and " of the field name" or "") }
          break
        end
      end
    end
    if type(v) == "table" and getmetatable(v) == nil and #errs < 50 then M.check_utf8(v, p, errs, seen) end
  end
end

--- The message for a name that is not among the recipe's inputs (`inputs`:
-- a table keyed by input name, the recipe's inputs or the loaded frames):
-- the nearest name, and every name there is.
function M.not_an_input(name, inputs)
  local names = {}
  for k in pairs(inputs or {}) do if type(k) == "string" then names[#names + 1] = k end end
  table.sort(names)
  return string.format("%q is not among the inputs%s; the recipe's inputs are %s (the names under inputs = { ... })",
    tostring(name), util.hint(tostring(name), names), #names > 0 and table.concat(names, ", ") or "none")
end

--- Check every column the recipe names against the loaded inputs.
-- @tparam table r loaded and validated recipe
-- @tparam table data input name -> frame
function M.check_columns(r, data, prepared)
  local errs, reported = {}, {}
  for _, c in ipairs(r.columns or {}) do
    local input = c.s.input
    if type(input) == "function" then input = input(r.spec, c.parent)
    elseif type(input) == "string" and c.parent then input = c.parent[input] or r.spec.design[input] end
    local f = input and data[input]
    local design = type(r.spec.design) == "table" and r.spec.design or {}
    local rates = type(design.rates) == "table" and design.rates
    if not prepared and input == design.data and ((rates and rates[c.column]) or type(design.steps) == "table") then
      f = nil; input = nil   -- made by design.rates or design.steps: checked in the second pass
    end
    if prepared then
      -- second pass: only the columns of the frame design.prepare made
      if (input == nil or input == r.spec.design.data) and type(c.s.input) == "function" and not prepared:has(c.column) then
        errs[#errs + 1] = { path = c.path, msg = string.format("no column %q in the frame %s%s; its columns: %s",
          c.column, r.spec.design.prepare and "design.prepare returns" or "design.steps make",
          util.hint(c.column, prepared:names()),
          table.concat(prepared:names(), ", ")) }
      end
    elseif input and not f then
      -- reported once, at the field that names the input when there is one
      local declared = type(r.spec.inputs) == "table" and r.spec.inputs[input] ~= nil
      local at = c.path
      if type(c.s.input) == "string" and not declared then
        at = (c.parent and c.parent[c.s.input] ~= nil) and c.path:gsub("[^.]+$", c.s.input) or ("design." .. c.s.input)
      end
      if not reported[at] then
        reported[at] = true
        errs[#errs + 1] = { path = at, msg = declared
          and string.format("refers to data %q, which is not among the inputs", tostring(input))
          or M.not_an_input(input, r.spec.inputs) }
      end
    elseif f and not f:has(c.column) then
      errs[#errs + 1] = { path = c.path, msg = string.format("no column %q in data %q%s",
        c.column, input, util.hint(c.column, f:names())) }
    end
  end
  for name, inp in pairs(prepared and {} or r.spec.inputs) do
    for i, col in ipairs(inp.columns or {}) do
      if data[name] and not data[name]:has(col) then
        errs[#errs + 1] = { path = string.format("inputs.%s.columns[%d]", name, i),
          msg = string.format("no column %q in data %q%s", col, name, util.hint(col, data[name]:names())) }
      end
    end
  end
  if #errs > 0 then fail(r.path, r.map, errs) end
end

--- file:line: prefix for a field path (for errors raised while running).
function M.where(r, path)
  return string.format("%s:%d: %s: ", r.path, srcmap.line(r.map, path), path)
end

return M
