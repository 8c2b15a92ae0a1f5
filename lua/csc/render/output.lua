--- Turning a finished run into files: results.json, report.md,
-- report.html, one CSV per result table and one SVG (and, when asked, PNG)
-- per chart.  Everything is rendered in memory first and written by the
-- runner through a staging folder, so a failed run leaves nothing behind.
-- @module csc.render.output
local errors = require("csc.errors")
local html = require("csc.render.html")
local json = require("csc.json")
local report = require("csc.render.report")
local svg = require("csc.render.svg")
local util = require("csc.util")

local M = {}

local NA = require("host.frame").NA

--- The chart kinds a recipe or design may ask ctx:chart for, with the
-- functions that draw them (handed to the context by the runner).
M.chart_kinds = require("csc.render.svg").kinds
--- The fields each of those kinds takes (ctx:chart refuses others).
M.chart_fields = require("csc.render.svg").kind_fields

local function csv_field(v)
  if v == nil or v == NA then return "" end
  local s
  if type(v) == "number" then s = util.fmt_number(v) else s = tostring(v) end
  if s:find('[,"\r\n]') or s:match("^%s") or s:match("%s$") then
    s = '"' .. s:gsub('"', '""') .. '"'
  end
  return s
end

--- CSV text for a table record {columns, rows}.
function M.csv(t)
  local out = {}
  local head = {}
  for j, c in ipairs(t.columns) do head[j] = csv_field(c) end
  out[1] = table.concat(head, ",")
  for i, row in ipairs(t.rows) do
    local f = {}
    for j = 1, #t.columns do f[j] = csv_field(row[j]) end
    out[i + 1] = table.concat(f, ",")
  end
  return table.concat(out, "\n") .. "\n"
end

local function clean(v)
  if v == NA then return json.null end
  return v
end

--- The results.json document.
function M.results(ctx, r, published, stamp)
  local est = json.array()
  for _, e in ipairs(ctx.estimates) do
    est[#est + 1] = {
      label = e.label, value = e.value, se = e.se, p = e.p, n = e.n, df = e.df,
      ci = e.ci and json.array({ e.ci[1], e.ci[2] }) or nil, unit = e.unit,
      method = e.method, group = e.group, headline = e.headline, detail = e.detail, title = e.title,
    }
  end
  local tables = json.array()
  for _, t in ipairs(ctx.tables) do
    local rows = json.array()
    for i, row in ipairs(t.rows) do
      local o = json.array()
      for j = 1, #t.columns do o[j] = clean(row[j]) == nil and json.null or clean(row[j]) end
      rows[i] = o
    end
    tables[#tables + 1] = { name = t.name, caption = t.caption, columns = json.array(util.copy(t.columns)), rows = rows }
  end
  local inputs = json.array()
  for _, p in ipairs(ctx.provenance) do
    inputs[#inputs + 1] = { name = p.name, path = p.path, sha256 = p.sha256, rows = p.rows,
      columns = p.columns, synthetic = p.synthetic, synthetic_kind = p.synthetic_kind,
      replaced_with_data_option = p.replaced,
      missing = p.missing or nil,
      -- the mark csceval's generators leave beside a file (csc.synthetic)
      synthetic_mark = p.mark and { file = p.mark.path, generator = p.mark.generator, seed = p.mark.seed,
        changed = p.mark.changed } or nil }
  end
  -- Figures printed in the source report, and apart from them the checks
  -- of the inputs against other sources (not counted as reproduced figures).
  -- On synthetic data each says how it relates to the data: calibrated into
  -- them, designed into their shape, or found by the analysis.
  local pub, checks = json.array(), json.array()
  for _, p in ipairs(published) do
    local list = p.input_check and checks or pub
    list[#list + 1] = { label = p.label, published = p.published, printed = p.printed, reproduced = p.reproduced,
      tolerance = p.tolerance, within = p.within, unit = p.unit, source = p.source,
      estimate = p.estimate, field = p.field, method = p.method, note = p.note, synthetic_data = p.synthetic,
      by_construction = nil }
    if p.synthetic then list[#list].by_construction = p.synthetic ~= "found" end
  end
  local s = r.spec
  return json.encode({
    recipe = { id = ctx.id, title = s.title, question = s.question, design = s.design.type,
      design_label = s.design.label,
      source = { report = s.source.report, tables = json.array(util.copy(s.source.tables)),
                 reference = s.source.reference } },
    estimates = est, published = pub, input_checks = checks, tables = tables, inputs = inputs,
    synthetic = ctx.synthetic,
    synthetic_kind = ctx.synthetic and ctx.synthetic_kind or nil,
    synthetic_note = ctx.synthetic and require("csc.synthetic").words(ctx.synthetic_kind).note or nil,
    warnings = json.array(util.copy(ctx.warnings)),
    evidence = ctx.evidence,
    strength = s.strength and { level = s.strength.level, summary = require("csc.evidence").summary(s.strength),
      qualifiers = s.strength.qualifiers and json.array(util.copy(s.strength.qualifiers)) or nil,
      result = s.strength.result, result_label = s.strength.result_label, reason = s.strength.reason } or nil,
    stamp = stamp,
  }) .. "\n"
end

--- The index record (runner.INDEX_FILE, beside the marker in every output
-- folder): what out/index.html and index.md show of a run, in the shape of
-- results.json but only those fields, so that a run whose formats leave out
-- json is listed too.  formats: the formats written.
function M.index_record(ctx, r, published, formats)
  local head
  for _, e in ipairs(ctx.estimates) do
    if e.headline == true then head = e; break end
  end
  head = head or ctx.estimates[1]
  local pub, checks = json.array(), json.array()
  for _, p in ipairs(published) do
    local list = p.input_check and checks or pub
    list[#list + 1] = { label = p.label, estimate = p.estimate, field = p.field, within = p.within }
  end
  local s = r.spec
  return json.encode({
    recipe = { id = ctx.id, title = s.title, question = s.question, design = s.design.type,
      design_label = s.design.label },
    estimates = json.array(head and { { label = head.label, value = head.value, unit = head.unit,
      title = head.title, headline = head.headline } } or {}),
    published = pub, input_checks = checks, synthetic = ctx.synthetic,
    synthetic_kind = ctx.synthetic and ctx.synthetic_kind or nil,
    warnings = json.array(util.copy(ctx.warnings)), evidence = ctx.evidence,
    strength = s.strength and { summary = require("csc.evidence").summary(s.strength) } or nil,
    formats = json.array(util.copy(formats)),
  }) .. "\n"
end

--- The formats a run writes: the --format list, else the recipe's
-- outputs.formats, else M.default_formats.
function M.formats_of(r, formats)
  return formats or (r.spec.outputs or {}).formats or M.default_formats
end

--- Formats written when neither --format nor the recipe's outputs.formats says.
M.default_formats = { "md", "csv", "json", "html" }

--- Every format --format and outputs.formats accept: the defaults and
-- xlsx (report.xlsx, as --xlsx writes it), which is written only when asked.
M.format_list = { "md", "csv", "json", "html", "xlsx" }
M.formats = {}
for _, f in ipairs(M.format_list) do M.formats[f] = true end

-- CRC-32 (ISO 3309, as PNG chunks use), table-driven.
local CRC = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do c = (c & 1) ~= 0 and (0xEDB88320 ~ (c >> 1)) or (c >> 1) end
  CRC[i] = c
end
local function crc32(s)
  local c = 0xFFFFFFFF
  for i = 1, #s do c = CRC[(c ~ s:byte(i)) & 0xFF] ~ (c >> 8) end
  return c ~ 0xFFFFFFFF
end

--- Add tEXt chunks (keyword -> Latin-1 text) to PNG bytes, after IHDR, so
-- the chart's title, source and synthetic-data mark travel in the file's
-- text layer as well as in its pixels.  keys: list of {keyword, text}.
function M.png_text(png, keys)
  if png:sub(1, 8) ~= "\137PNG\r\n\26\n" or png:sub(13, 16) ~= "IHDR" then return png end
  local ihdr_end = 8 + 8 + string.unpack(">I4", png, 9) + 4
  local chunks = {}
  for _, kv in ipairs(keys) do
    -- PNG text is Latin-1: other characters become "?"
    local text = kv[2]:gsub("[\xC0-\xFF][\x80-\xBF]*", "?")
    local data = "tEXt" .. kv[1] .. "\0" .. text
    chunks[#chunks + 1] = string.pack(">I4", #data - 4) .. data .. string.pack(">I4", crc32(data))
  end
  return png:sub(1, ihdr_end) .. table.concat(chunks) .. png:sub(ihdr_end + 1)
end

--- PNG bytes of a chart, at twice the SVG's size (sharp when pasted into
-- Word).  Rendered by librsvg and cairo through host.png.
function M.png(svg_text, name)
  local ok, res = pcall(require("host.png").from_svg, svg_text, 2)
  if not ok then
    -- a hand-made SVG librsvg cannot draw is a problem with this output, not a crash
    errors.raise("output", string.format("chart %s: cannot make %s.png: %s", name, name,
      (tostring(res):gsub("^png%.from_svg: ", ""))))
  end
  return res
end

--- The mark every chart carries, inside the image, when the data are
-- synthetic: its words follow what the synthetic inputs stand for
-- (csc.synthetic.words; M.SYNTHETIC_CHART_NOTE is that of a stand-in for
-- confidential records).
M.SYNTHETIC_CHART_NOTE = require("csc.synthetic").words("stand_in").chart_mark
function M.synthetic_chart_note(ctx)
  return require("csc.synthetic").words(ctx.synthetic_kind).chart_mark
end

--- Inside each chart's image, where it travels with a pasted SVG or PNG:
-- where the figures come from and, on synthetic data, that agreement is by
-- construction (svg.footnote).  Done once per chart.
function M.chart_footnotes(ctx, r)
  local src = r.spec.source
  local foot = {}
  if type(src) == "table" and type(src.report) == "string" then
    foot[#foot + 1] = { text = "Source: csceval rerun of " .. src.report
      .. (src.reference and (" (" .. src.reference .. ")") or "") .. "." }
  end
  if ctx.synthetic then foot[#foot + 1] = { text = M.synthetic_chart_note(ctx), strong = true } end
  for _, c in ipairs(ctx.charts or {}) do
    if not c.footnoted then c.svg = svg.footnote(c.svg, foot); c.footnoted = true end
  end
end

--- All files of one run: name -> content.  formats: the --format list, else
-- the recipe's outputs.formats, else M.default_formats.  PNG charts are made
-- when --png (ctx.png) or outputs.png asks.
function M.render(ctx, r, published, stamp, formats)
  local files = {}
  local want = {}
  local outputs = r.spec.outputs or {}
  for _, f in ipairs(M.formats_of(r, formats)) do want[f] = true end
  if want.json then files["results.json"] = M.results(ctx, r, published, stamp) end
  M.chart_footnotes(ctx, r)
  local doc
  if want.md or want.html then
    doc = report.model(ctx, r, published, stamp, { csv = want.csv, json = want.json, md = want.md })
  end
  if want.md then files["report.md"] = report.render_markdown(doc) end
  local png = ctx.png or outputs.png
  for _, c in ipairs(ctx.charts or {}) do
    -- the reports link to name.svg; PNGs are made whenever asked for
    if want.md or want.html then files[c.name .. ".svg"] = c.svg end
    if png then
      local keys = { { "Title", c.title } }
      local src = r.spec.source and r.spec.source.report
      if src then keys[#keys + 1] = { "Source", "csceval rerun of " .. src } end
      if ctx.synthetic then keys[#keys + 1] = { "Comment", M.synthetic_chart_note(ctx) } end
      files[c.name .. ".png"] = M.png_text(M.png(c.svg, c.name), keys)
    end
  end
  if want.html then
    files["report.html"] = html.report(doc, { home = "../index.html", chart_links = png and { "svg", "png" } or { "svg" } })
  end
  if want.csv then
    for _, t in ipairs(ctx.tables) do
      if t.csv then files[t.name .. ".csv"] = M.csv(t) end
    end
  end
  if outputs.ees then
    for name, text in pairs(require("csc.render.ees").files(ctx, r)) do files[name] = text end
  end
  if ctx.xlsx or want.xlsx then
    files["report.xlsx"] = require("csc.render.xlsx").render(ctx, r, published, stamp)
  end
  for name, text in pairs(ctx.files) do files[name] = text end
  return files
end

return M
