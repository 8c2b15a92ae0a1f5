--- The object a recipe's design (and any recipe function) works through.
-- It holds the loaded data and collects what the run produces: estimates,
-- result tables, charts, notes, warnings, extra files and row drops.  The
-- runner turns these into report.md, report.html, results.json, CSV and SVG
-- files.
-- @module csc.context
local check = require("csc.check")
local errors = require("csc.errors")
local util = require("csc.util")
local NA = require("host.frame").NA

local M = {}
local Ctx = {}

Ctx.__index = Ctx

-- The fields ctx:estimate and ctx:table's options take (csc.check): another
-- field is a recipe error with a "did you mean", not silently ignored.
local ESTIMATE = check.signature("ctx:estimate", { "label", "value", "se", "p", "n", "df", "ci", "unit", "method",
  "group", "title", "headline", "detail", "count" }, { what = "{label = ..., value = ...}" })

local TABLE = check.signature("ctx:table", { "caption", "digits", "csv", "labels", "note", "counts", "row_total",
  "total_row" }, { optional = true, what = "(the third argument: caption, digits, ...)" })

--- New context for recipe r with loaded data.  `kinds` maps a chart kind
-- to the function that draws it (csc.render.svg.kinds, passed in by the
-- runner) and `kind_fields` a kind to the fields it takes
-- (csc.render.svg.kind_fields): the context records results and never
-- requires rendering itself, so what an analysis computes cannot depend on
-- how it is drawn.
function M.new(r, data, prov, opts, kinds, kind_fields)
  local synthetic = false
  for _, pv in ipairs(prov or {}) do if pv.synthetic then synthetic = true end end
  -- disclosure control is on when any input holds records about children
  local dspec = r.spec.disclosure or {}
  local record_level = false
  for _, pv in ipairs(prov or {}) do
    local inp = (r.spec.inputs or {})[pv.name] or {}
    if pv.record_level or inp.record_level then record_level = true end
  end
  local disclosure = { on = record_level, threshold = dspec.threshold or 5, round = dspec.round,
    allow_small = dspec.allow_small, log = {} }
  local warnings = {}
  for _, pv in ipairs(prov or {}) do
    if pv.mark and pv.mark.changed then
      warnings[#warnings + 1] = string.format("input %s (%s) carries csceval's synthetic-data mark (%s), but %s: "
        .. "it is still treated as synthetic; if the file now holds real records, delete %s", pv.name, pv.path,
        pv.mark.path, pv.mark.changed, pv.mark.path)
    end
  end
  return setmetatable({
    disclosure = disclosure,
    chart_kinds = kinds or {},
    -- kind -> the fields it takes (csc.render.output.chart_fields); a kind
    -- not listed takes any field
    chart_fields = kind_fields or {},
    -- true when any input is synthetic (the recipe's own synthetic file, or
    -- any file with csceval's synthetic-data mark, csc.synthetic): every
    -- output, chart images included, then says so
    synthetic = synthetic,
    -- what the synthetic inputs stand for, which words the notice
    -- (csc.synthetic.words): "benchmark" or "stand_in"
    synthetic_kind = require("csc.synthetic").run_kind(prov),
    recipe = r.spec, path = r.path, id = r.id, data = data, provenance = prov,
    seed = opts.seed or r.spec.seed or 20260101, alpha = r.spec.alpha or 0.05,
    estimates = {}, estimate_index = {}, tables = {}, table_index = {},
    notes = {}, warnings = warnings, files = {}, drops = {}, sections = {}, charts = {},
    methods = {}, chart_index = {},
    -- evidence: a design's own sentence on how strong its evidence is (set
    -- ctx.evidence = "..."); shown in the report and in out/index.html.
    evidence = nil,
    -- output options that are not recipe content (--png); read by csc.render.output
    png = opts.png or nil,
    xlsx = opts.xlsx or nil,
  }, Ctx)
end

local function num_or_nil(v, what, level)
  if v ~= nil and type(v) ~= "number" then
    error(string.format("%s must be a number, got %s", what, type(v)), level + 1)
  end
  return v
end

--- Begin a named step of the analysis (e.g. "matching"): the run times
-- each step (a recipe with timings = true shows them in its report) and, on
-- a terminal, shows a progress line for a step that lasts over 2 seconds.
function Ctx:step(label)
  if self.steps then self.steps:begin(tostring(label)) end
  -- frames the last step let go of are freed now, not at some later
  -- collection: on ten million rows each holds hundreds of megabytes
  collectgarbage()
end

--- Record an estimate.  Fields: label (unique), value, and optionally se,
-- ci = {low, high}, p, n, df, unit, method, group, title (the estimate in
-- words for readers; csc.render.labels makes one when absent); headline = true marks the
-- one figure out/index.md shows; detail = true keeps it out of the report's
-- results list (it is still in results.json, usually shown in a table); count = true
-- marks a count of children (disclosure control).
function Ctx:estimate(spec)
  local e = spec
  if type(e) == "table" then check.options(ESTIMATE, e) end   -- a misspelt field first
  if type(e) ~= "table" or type(e.label) ~= "string" then
    error("ctx:estimate{label = \"...\", value = ...}: label must be a string", 2)
  end
  if self.estimate_index[e.label] then
    error(string.format("ctx:estimate: the label %q is used twice; labels must be unique", e.label), 2)
  end
  num_or_nil(e.value, "estimate " .. e.label .. ": value", 2)
  num_or_nil(e.se, "estimate " .. e.label .. ": se", 2)
  num_or_nil(e.p, "estimate " .. e.label .. ": p", 2)
  num_or_nil(e.n, "estimate " .. e.label .. ": n", 2)
  num_or_nil(e.df, "estimate " .. e.label .. ": df", 2)
  for _, k in ipairs({ "value", "se" }) do
    local v = e[k]
    if v ~= nil and (v ~= v or v == math.huge or v == -math.huge) then
      error(string.format("estimate %s: %s is not a finite number (%s); leave it out, or record why in "
        .. "ctx:warn", e.label, k, tostring(v)), 2)
    end
  end
  if e.p ~= nil and not (e.p >= 0 and e.p <= 1) then
    error(string.format("estimate %s: p must be between 0 and 1, got %s", e.label, tostring(e.p)), 2)
  end
  if e.ci ~= nil then
    if type(e.ci) ~= "table" or type(e.ci[1]) ~= "number" or type(e.ci[2]) ~= "number" then
      error(string.format("estimate %s: ci must be {low, high} with two numbers", e.label), 2)
    end
  end
  for _, k in ipairs({ "unit", "method", "group", "title" }) do
    if e[k] ~= nil and type(e[k]) ~= "string" then
      error(string.format("estimate %s: %s must be a string, got %s", e.label, k, type(e[k])), 2)
    end
  end
  -- disclosure control: a count of children (count = true), or the n of an
  -- estimate, from 1 to threshold - 1 is not shown on record-level input
  local dc = self.disclosure
  local value, n = e.value, e.n
  if dc and dc.on and not dc.allow_small then
    local function small(v) return type(v) == "number" and v > 0 and v < dc.threshold end
    if e.count and small(value) then
      value = nil
      dc.log[#dc.log + 1] = { table = "results.json", row = e.label, column = "value", rule = "primary",
        why = string.format("a count from 1 to %d", dc.threshold - 1) }
    end
    if small(n) then
      n = nil
      dc.log[#dc.log + 1] = { table = "results.json", row = e.label, column = "n", rule = "primary",
        why = string.format("a count from 1 to %d", dc.threshold - 1) }
    end
  end
  local rec = {
    label = e.label, value = value, se = e.se, p = e.p, n = n, df = e.df, suppressed = (value == nil and e.value ~= nil) or nil,
    ci = e.ci and { e.ci[1], e.ci[2] } or nil, unit = e.unit, method = e.method, group = e.group,
    headline = e.headline or nil, detail = e.detail or nil, title = e.title,
  }
  self.estimates[#self.estimates + 1] = rec
  self.estimate_index[e.label] = rec
  return rec
end

--- Record a result table.  t is a host.Frame or {columns = {...}, rows = {{...}, ...}}.
-- opts: caption, digits (number or per-column table), csv (default true),
-- labels (column name -> words for the report; csc.render.labels makes the rest),
-- note, and counts, row_total, total_row (disclosure control); another field is
-- a recipe error with a "did you mean".
function Ctx:table(name, t, opts)
  if type(name) ~= "string" or not name:match("^[%w_%-]+$") then
    error("ctx:table(name, ...): name must be letters, digits, _ or - (it becomes name.csv)", 2)
  end
  check.options(TABLE, opts)
  if self.table_index[name] then error(string.format("ctx:table: %q is used twice", name), 2) end
  local cols, rows
  if type(t) == "userdata" then
    cols = t:names()
    local data = {}
    for j, c in ipairs(cols) do data[j] = t:column(c) end
    rows = {}
    for i = 1, t:nrow() do
      local row = {}
      for j = 1, #cols do row[j] = data[j][i] end
      rows[i] = row
    end
  elseif type(t) == "table" and type(t.columns) == "table" and type(t.rows) == "table" then
    cols, rows = t.columns, t.rows
  else
    error("ctx:table: expected a frame or {columns = {...}, rows = {...}}", 2)
  end
  -- cells are numbers, strings, booleans or NA: anything else cannot be
  -- written to CSV or JSON the same way twice
  for i, row in ipairs(rows) do
    if type(row) ~= "table" then error(string.format("ctx:table %q: row %d is not a list of cells", name, i), 2) end
    for j = 1, #cols do
      local v = row[j]
      local tv = type(v)
      if not (v == nil or v == NA or tv == "number" or tv == "string" or tv == "boolean") then
        error(string.format("ctx:table %q: row %d, column %q holds a %s; cells must be numbers, text, "
          .. "true/false or NA", name, i, tostring(cols[j]), tv), 2)
      end
    end
  end
  -- disclosure control on the count columns of a table built from records
  -- about children (opts.counts, with opts.row_total and opts.total_row)
  local note = opts and opts.note
  local dc = self.disclosure
  if opts and opts.counts and dc and dc.on and not dc.allow_small then
    local D = require("csc.disclosure")
    local log
    rows, log = D.protect_table(cols, rows, { counts = opts.counts, row_total = opts.row_total,
      total_row = opts.total_row, threshold = dc.threshold, round = dc.round })
    for _, e in ipairs(log) do
      dc.log[#dc.log + 1] = { table = name, row = e.row, column = e.column, rule = e.rule, why = e.why }
    end
    local np, ns = 0, 0
    for _, e in ipairs(log) do if e.rule == "primary" then np = np + 1 else ns = ns + 1 end end
    local say = string.format("Disclosure control: %d cell(s) with counts from 1 to %d suppressed (c)%s%s.", np,
      dc.threshold - 1, ns > 0 and string.format(", and %d more so that no total reveals them", ns) or "",
      dc.round and string.format("; counts rounded to the nearest %d", dc.round) or "")
    -- the report's header says when nothing needed suppression
    if np + ns > 0 or dc.round then note = note and (note .. " " .. say) or say end
  end
  local rec = { name = name, columns = cols, rows = rows, caption = opts and opts.caption,
                digits = opts and opts.digits, csv = not (opts and opts.csv == false),
                note = note, counts = opts and opts.counts, labels = opts and opts.labels }
  self.tables[#self.tables + 1] = rec
  self.table_index[name] = rec
  return rec
end

--- A count of children for running text: the number, or "fewer than T"
-- when disclosure control is on and it is from 1 to T - 1.
function Ctx:count(n)
  return require("csc.disclosure").count_text(self.disclosure, n)
end

--- A sentence for the report's notes.
function Ctx:note(text) self.notes[#self.notes + 1] = tostring(text) end

--- A diagnostic or caveat in plain words ("pre-period trends differ (p = 0.03)").
function Ctx:warn(text) self.warnings[#self.warnings + 1] = tostring(text) end

--- Describe the method (shown under "Method"); may be called several times.
function Ctx:method(text) self.methods[#self.methods + 1] = tostring(text) end

--- An extra report section: title and Markdown body.
function Ctx:section(title, body) self.sections[#self.sections + 1] = { title = title, body = body } end

-- Raw SVG from a recipe is inlined into report.html, so refuse anything
-- that could run code or fetch a file: the page must stay self-contained.
local UNSAFE_SVG = {
  { "<script", "a <script> element" }, { "<foreignobject", "a <foreignObject> element" },
  { "%son[%a]+%s*=", "an event handler attribute (on...=)" }, { "javascript:", "a javascript: link" },
  { "href%s*=%s*[\"']%s*[^#\"'%s]", "a link to another file or site (only #id links are allowed)" },
  { "url%(%s*[\"']?%s*[^#\"'%s%)]", "a url() that is not a #id reference" },
  { "<!doctype", "a DOCTYPE" }, { "<!entity", "an ENTITY declaration" },
  { "<%?xml%-stylesheet", "an xml-stylesheet instruction" }, { "@import", "an @import rule" },
}

--- Register a chart.  Fields: name (plain, becomes name.svg), title and
-- desc (required: they are the chart's accessible name and description),
-- and either kind = "benchmark" | "its" | "love" | "overlap" | "funnel" |
-- "bars" | "tornado" | "lines" | "plot" | "diverging" with that kind's fields (see
-- lua/csc/render/svg.lua), or svg = "<svg ...>...</svg>" drawn by hand.
-- table = "name" shows the chart right after that result table.
function Ctx:chart(c)
  if type(c) ~= "table" then
    error("ctx:chart{name = ..., title = ..., desc = ..., kind = ... or svg = ...}: expected a table", 2)
  end
  if type(c.name) ~= "string" or not c.name:match("^[%w_%-]+$") then
    error("ctx:chart: name must be letters, digits, _ or - (it becomes name.svg)", 2)
  end
  if self.chart_index[c.name] then error(string.format("ctx:chart: %q is used twice", c.name), 2) end
  for _, k in ipairs({ "title", "desc" }) do
    if type(c[k]) ~= "string" or c[k] == "" then
      error(string.format("ctx:chart %s: %s must be a non-empty string (it is what a screen reader "
        .. "says for the chart)", c.name, k), 2)
    end
  end
  -- every field is one ctx:chart or the chart's kind reads: a misspelt one is a recipe error
  local fields = c.svg ~= nil and {} or self.chart_fields[c.kind]
  if fields then
    local known = { "name", "title", "desc", "table", c.svg ~= nil and "svg" or "kind", table.unpack(fields) }
    local set = check.set(known)
    table.sort(known)
    for _, k in ipairs(util.sorted_keys(c)) do
      if not set[k] then
        check.fail_named("ctx:chart", tostring(k), string.format("unknown field '%s'%s (fields of %s: %s)", tostring(k),
          type(k) == "string" and util.hint(k, known) or "", c.svg ~= nil and "a chart drawn by hand"
          or ("a " .. c.kind .. " chart"), table.concat(known, ", ")))
      end
    end
  end
  local text
  if c.svg ~= nil then
    if type(c.svg) ~= "string" or not c.svg:match("^%s*<svg[%s>]") then
      error(string.format("ctx:chart %s: svg must be a string holding one <svg> element", c.name), 2)
    end
    local lower = c.svg:lower()
    for _, rule in ipairs(UNSAFE_SVG) do
      if lower:find(rule[1]) then
        error(string.format("ctx:chart %s: the SVG holds %s; reports must be self-contained and run no code",
          c.name, rule[2]), 2)
      end
    end
    text = c.svg
  else
    local f = self.chart_kinds[c.kind]
    if not f then
      error(string.format("ctx:chart %s: kind %s is not a chart kind (use %s), or give svg = \"<svg ...>\"",
        c.name, tostring(c.kind), table.concat(util.sorted_keys(self.chart_kinds), ", ")), 2)
    end
    local spec = {}
    for k, v in pairs(c) do spec[k] = v end
    spec.id, spec.name, spec.kind, spec.table = "chart-" .. c.name, nil, nil, nil
    local ok, res = pcall(f, spec)
    if not ok then error(string.format("ctx:chart %s: %s", c.name, tostring(res)), 2) end
    text = res
  end
  local rec = { name = c.name, title = c.title, desc = c.desc, svg = text, table = c.table, kind = c.kind,
                own_ids = c.svg == nil }
  self.charts[#self.charts + 1] = rec
  self.chart_index[c.name] = rec
  return rec
end

--- Record that n rows of an input were dropped, and why (for provenance).
-- n stays a number: the report formats it under disclosure control (a count
-- from 1 to threshold - 1 of rows about children is "fewer than T"), so the
-- reason must not repeat it.
function Ctx:drop(input, n, reason)
  if type(n) ~= "number" then
    error(string.format("ctx:drop(input, n, reason): n must be the number of rows dropped, got %s", type(n)), 2)
  end
  self.drops[#self.drops + 1] = { input = input, n = n, reason = reason }
  local D = require("csc.disclosure")
  if D.hides(self.disclosure, n) then
    local dc = self.disclosure
    dc.log[#dc.log + 1] = { table = "rows-not-used list", row = #self.drops, column = "rows", rule = "primary",
      why = string.format("a count from 1 to %d", dc.threshold - 1) }
  end
end

--- Write an extra output file inside this recipe's output folder only.
function Ctx:write(name, text)
  if type(name) ~= "string" or not name:match("^[%w_%-][%w_%-%.]*$") or name:find("..", 1, true) then
    error(string.format("ctx:write: %q is not a plain file name; recipes may write only inside their "
      .. "own output folder (use a name like \"extra.csv\", no folders or '..')", tostring(name)), 2)
  end
  if type(text) ~= "string" then error("ctx:write(name, text): text must be a string", 2) end
  self.files[name] = text
end

--- Look up an estimate by label (nil if absent).
function Ctx:get(label) return self.estimate_index[label] end

M.Ctx = Ctx
return M
