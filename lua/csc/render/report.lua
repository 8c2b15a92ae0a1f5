--- The report of one recipe run, as one section model that both report.md
-- (here) and report.html (csc.render.html) render, so the two never disagree.
-- Sections follow docs/reports.md: question and design, data provenance,
-- method, results, published against reproduced, diagnostics, limitations
-- and a reproducibility stamp.
--
-- The model: { title, lead = {block...}, sections = {{id, title, blocks}} }.
-- Block kinds (text fields hold inline Markdown: `code`, **bold**, *em*):
--   p        {text}
--   inset    {text}                 a call-out (synthetic data)
--   list     {items = {text...}}
--   table    {caption, heading (md shows the caption as a ### heading),
--             columns, rows, align = {"left"|"right"...}, note, name}
--            cells are literal strings, {code = s [, full = s]} or {mark = bool}
--   markdown {text}                 a Markdown body from ctx:section
--   chart    {chart = ctx chart record}
-- @module csc.render.report
local util = require("csc.util")

local M = {}
local NA = require("host.frame").NA

--- A value as report text: "–" for missing, integers as they are, other
-- numbers with `digits` decimals (or 1 from 100 up, else 2).
function M.cell(v, digits)
  if v == nil or v == NA then return "–" end
  if type(v) == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    if v ~= v or v == math.huge or v == -math.huge then return "–" end   -- null in results.json too
    if digits then return util.fmt_fixed(v, digits) end
    if v == math.floor(v) and math.abs(v) < 1e15 then return string.format("%.0f", v) end
    return util.fmt_fixed(v, math.abs(v) >= 100 and 1 or 2)
  end
  return tostring(v)
end
local cell = M.cell

local function fmt_p(p)
  if p == nil then return "–" end
  if p < 0.001 then return "< 0.001" end
  return util.fmt_fixed(p, 3)
end

local function digits_for(t, c)
  if type(t.digits) == "table" then return t.digits[c] end
  if type(t.digits) == "number" then return t.digits end
  return nil
end

--- A table block from a ctx table record {name, columns, rows, digits, caption, note}.
M.MAX_ROWS = 500

function M.table_block(t, heading)
  local rows, align = {}, {}
  for j, c in ipairs(t.columns) do
    align[j] = "left"
    for _, row in ipairs(t.rows) do
      local v = row[j]
      if v ~= nil and v ~= NA then align[j] = type(v) == "number" and "right" or "left"; break end
    end
  end
  -- A report shows at most M.MAX_ROWS rows of a table; the CSV and
  -- results.json keep every row.  A reader cannot use a page of a million
  -- rows, and building one would cost minutes and gigabytes.
  local shown = math.min(#t.rows, M.MAX_ROWS)
  -- p-value columns (p, p_value, impact_p, ...) read as p-values: "< 0.001"
  local pcol = {}
  for j, c in ipairs(t.columns) do
    local l = tostring(c):lower()
    pcol[j] = l == "p" or l == "pvalue" or l:match("[_%s]p$") ~= nil or l:match("p[_%s]?value$") ~= nil
  end
  for i = 1, shown do
    local row, cells = t.rows[i], {}
    for j, c in ipairs(t.columns) do
      cells[j] = (pcol[j] and type(row[j]) == "number") and fmt_p(row[j]) or cell(row[j], digits_for(t, c))
    end
    rows[i] = cells
  end
  local note = t.note
  if shown < #t.rows then
    local more = string.format("The first %d of %d rows are shown; every row is in %s.csv and results.json.",
      shown, #t.rows, t.name)
    note = note and (note .. " " .. more) or more
  end
  return { kind = "table", name = t.name, caption = t.caption or t.name, heading = heading,
           columns = t.columns, rows = rows, align = align, note = note }
end

local function slug(s, used)
  local base = s:lower():gsub("[^%w]+", "-"):gsub("^%-+", ""):gsub("%-+$", "")
  if base == "" then base = "section" end
  local id, k = base, 1
  while used[id] do k = k + 1; id = base .. "-" .. k end
  used[id] = true
  return id
end

--- The report's content, independent of output format.
function M.model(ctx, r, published, stamp)
  local s = r.spec
  local doc = { title = s.title, lead = {}, sections = {} }
  local used = { main = true, contents = true }
  local cur
  local function section(title)
    cur = { id = slug(title, used), title = title, blocks = {} }
    doc.sections[#doc.sections + 1] = cur
  end
  local function block(b)
    local list = cur and cur.blocks or doc.lead
    list[#list + 1] = b
  end
  local function p(text) block({ kind = "p", text = text }) end

  p("**Question.** " .. s.question)
  if #published > 0 then
    p(string.format("**Source.** %s%s. Reruns: %s.", s.source.report,
      s.source.reference and (" (" .. s.source.reference .. ")") or "", table.concat(s.source.tables, ", ")))
  else
    -- nothing published to compare with: a new analysis, not "0 of 0"
    p(string.format("**Source.** %s%s. **A new analysis:** there are no published figures to compare with%s.",
      s.source.report, s.source.reference and (" (" .. s.source.reference .. ")") or "",
      (#s.source.tables > 0 and s.source.tables[1]:lower() ~= "none")
        and ("; context: " .. table.concat(s.source.tables, ", ")) or ""))
  end
  -- Each synthetic input is named with its generator and what the real file
  -- is, and the command that runs the recipe on the real files.
  local synthetic, names, opts = {}, {}, {}
  for _, pv in ipairs(ctx.provenance) do
    if pv.synthetic then
      local inp = (s.inputs or {})[pv.name] or {}
      local what = {}
      if inp.generator then what[#what + 1] = "made by `" .. inp.generator .. "`" end
      if inp.real_data then what[#what + 1] = "the real data: " .. inp.real_data:gsub("%.$", "") end
      synthetic[#synthetic + 1] = pv.name .. (#what > 0 and (" (" .. table.concat(what, "; ") .. ")") or "")
      names[#names + 1] = pv.name
      opts[#opts + 1] = "--data " .. pv.name .. "=PATH"
    end
  end
  if #synthetic > 0 then
    block({ kind = "inset", text = "**These results use synthetic data.** The input" .. (#names > 1 and "s " or " ")
      .. table.concat(synthetic, ", ") .. (#names > 1 and " were" or " was")
      .. " generated to match the published descriptives, because the original records are "
      .. "not public (confidential or unpublished). To run on the real "
      .. (#names > 1 and "files" or "file") .. ": `csceval run " .. r.path .. " " .. table.concat(opts, " ") .. "`." })
  end
  -- disclosure control: a visible notice when small counts are shown on
  -- purpose, otherwise what was suppressed and by which rule
  local dc = ctx.disclosure
  if dc and dc.on then
    if dc.allow_small then
      block({ kind = "inset", text = "**Small counts are shown.** This report is built from record-level data, and "
        .. "disclosure control is off at the recipe's request: " .. dc.allow_small:gsub("%.$", "") .. "." })
    else
      local by = {}
      for _, e in ipairs(dc.log) do by[e.table] = (by[e.table] or 0) + 1 end
      local parts = {}
      for _, t in ipairs(util.sorted_keys(by)) do parts[#parts + 1] = string.format("%s (%d)", t, by[t]) end
      p(string.format("**Disclosure control.** This report is built from record-level data about children. "
        .. "Counts from 1 to %d are suppressed (shown as `c`), and further cells are suppressed where a row, column "
        .. "or grand total would reveal a suppressed one%s. %s", dc.threshold - 1,
        dc.round and string.format("; shown counts are rounded to the nearest %d", dc.round) or "",
        #parts > 0 and ("Suppressed cells by table: " .. table.concat(parts, ", ") .. ".") or "No cell needed suppression."))
    end
  end
  if s.data_note then p(s.data_note) end
  if s.strength then p(require("csc.evidence").paragraph(s.strength)) end

  section("Design")
  p(ctx.design_text or ("Design: " .. s.design.type .. "."))

  section("Data")
  local prov_rows = {}
  for _, pv in ipairs(ctx.provenance) do
    if pv.missing then
      prov_rows[#prov_rows + 1] = { pv.name, { code = pv.path }, "–", "–", "not found (optional input; left out)", "no" }
    else
      prov_rows[#prov_rows + 1] = { pv.name, { code = pv.path }, string.format("%d", pv.rows), string.format("%d", pv.columns),
        { code = pv.sha256:sub(1, 16) .. "…", full = pv.sha256 }, pv.synthetic and "yes" or "no" }
    end
  end
  block({ kind = "table", caption = "Input files", columns = { "input", "file", "rows", "columns", "SHA-256", "synthetic" },
    rows = prov_rows, align = { "left", "left", "right", "right", "left", "left" } })
  -- What is missing, and why, in the columns each input is used for; then
  -- the rows the analysis left out and the reason.
  local WHY = { blank = "blank", NA = "NA", c = "suppressed (c)", x = "not available (x)",
    z = "not applicable (z)", k = "fewer than 0.5 (k)", u = "low reliability (u)", low = "low",
    [":"] = "not available (:)", calculated = "not calculable" }
  local items = {}
  for _, pv in ipairs(ctx.provenance) do
    local mv = pv.missing_values
    if mv and next(mv) then
      local parts = {}
      for _, reason in ipairs(util.sorted_keys(mv)) do
        parts[#parts + 1] = string.format("%d %s", mv[reason], WHY[reason] or reason)
      end
      items[#items + 1] = string.format("%s: missing values in the %d column%s used: %s.", pv.name,
        pv.columns_checked, pv.columns_checked == 1 and "" or "s", table.concat(parts, ", "))
    end
  end
  for _, d in ipairs(ctx.drops) do items[#items + 1] = string.format("%s: %d rows not used: %s.", d.input, d.n, d.reason) end
  for _, pv in ipairs(ctx.provenance) do
    if pv.replaced then
      items[#items + 1] = string.format("%s: read from the file given with --data, not the recipe's own file; "
        .. "where the recipe's notes describe the synthetic data, they do not apply to this input.", pv.name)
    end
  end
  if #items > 0 then block({ kind = "list", items = items }) end

  if #ctx.methods > 0 then
    section("Method")
    for _, m in ipairs(ctx.methods) do p(m) end
  end

  section("Results")
  local shown, hidden = {}, 0
  for _, e in ipairs(ctx.estimates) do
    if e.detail then hidden = hidden + 1 else shown[#shown + 1] = e end
  end
  if #shown > 0 then
    local rows = {}
    for _, e in ipairs(shown) do
      rows[#rows + 1] = { e.label, cell(e.value) .. (e.unit and (" " .. e.unit) or ""), cell(e.se),
        e.ci and string.format("%s to %s", cell(e.ci[1]), cell(e.ci[2])) or "–", fmt_p(e.p),
        e.n and tostring(e.n) or "–" }
    end
    block({ kind = "table", caption = "Estimates", columns = { "estimate", "value", "SE", "95% CI", "p", "n" },
      rows = rows, align = { "left", "right", "right", "right", "right", "right" } })
  end
  if hidden > 0 then
    p(string.format("%d further estimates (the figures behind the tables below) are in results.json.", hidden))
  end
  local placed = {}
  for _, t in ipairs(ctx.tables) do
    block(M.table_block(t, true))
    for _, c in ipairs(ctx.charts or {}) do
      if c.table == t.name then block({ kind = "chart", chart = c }); placed[c] = true end
    end
  end
  for _, c in ipairs(ctx.charts or {}) do
    if not placed[c] then block({ kind = "chart", chart = c }) end
  end

  if #published > 0 then
    section("Published against reproduced")
    -- Published figures and tolerances appear as the recipe wrote them; the
    -- reproduced value gets one decimal more than either, so a reader sees
    -- where it falls inside the tolerance (0.234 ± 0.003 against 0.2354).
    local function decimals(x)
      local t = util.fmt_number(x)
      if t:find("e") then return 3 end
      local frac = t:match("%.(%d+)$")
      return frac and #frac or 0
    end
    local rows = {}
    for _, pb in ipairs(published) do
      -- a figure given as printed is shown as printed (".5601378")
      local d = math.max(pb.printed and #(pb.printed:match("%.(%d+)") or "") or decimals(pb.published),
        decimals(pb.tolerance))
      rows[#rows + 1] = { pb.label, pb.source or "–", pb.printed or util.fmt_number(pb.published),
        pb.reproduced == nil and "–"
          or (d == 0 and pb.reproduced == math.floor(pb.reproduced)) and util.fmt_number(pb.reproduced)
          or util.fmt_fixed(pb.reproduced, math.min(d + 1, 6)),
        "±" .. util.fmt_number(pb.tolerance), { mark = pb.within and true or false } }
    end
    block({ kind = "table", caption = "Published figures against reproduced ones",
      columns = { "figure", "source", "published", "reproduced", "tolerance", "within" },
      rows = rows, align = { "left", "left", "right", "right", "right", "left" } })
    -- every ✗ is explained: the recipe's note on that figure, or a plain
    -- statement that the recipe gives none
    local why = {}
    for _, pb in ipairs(published) do
      if not pb.within then
        why[#why + 1] = string.format("✗ %s: %s", pb.label, pb.note or "no explanation recorded in the recipe.")
      end
    end
    if #why > 0 then
      p("**Why figures differ.**")
      block({ kind = "list", items = why })
    end
  end

  for _, sec in ipairs(ctx.sections) do
    section(sec.title)
    block({ kind = "markdown", text = sec.body })
  end

  section("Diagnostics and warnings")
  if ctx.evidence then p("**Strength of evidence.** " .. tostring(ctx.evidence)) end
  if #ctx.warnings == 0 then p("None raised.")
  else block({ kind = "list", items = util.copy(ctx.warnings) }) end
  if #ctx.notes > 0 then
    section("Notes")
    block({ kind = "list", items = util.copy(ctx.notes) })
  end
  section("Limitations")
  if s.limitations and #s.limitations > 0 then block({ kind = "list", items = util.copy(s.limitations) })
  else block({ kind = "list", items = { "None recorded in the recipe." } }) end
  section("Reproducibility")
  p(string.format("csceval %s, Lua %s, GSL %s. Recipe `%s`, SHA-256 `%s`. Seed %d.",
    stamp.csceval, (stamp.lua:gsub("^Lua ", "")), stamp.gsl, r.path, stamp.recipe_sha256, stamp.seed))
  p("Command: `" .. stamp.command .. "`")
  doc.stamp = stamp
  return doc
end

-- ===== Markdown =====

local function md_cell(v)
  if type(v) == "table" then
    if v.code then return "`" .. v.code .. "`" end
    if v.mark ~= nil then return v.mark and "✓" or "✗" end
  end
  return (tostring(v):gsub("|", "\\|"):gsub("\n", " "))
end

local function md_table_lines(b)
  local out = {}
  out[#out + 1] = "| " .. table.concat(b.columns, " | ") .. " |"
  local sep = {}
  for j = 1, #b.columns do sep[j] = "---" end
  out[#out + 1] = "|" .. table.concat(sep, "|") .. "|"
  for _, row in ipairs(b.rows) do
    local cells = {}
    for j = 1, #b.columns do cells[j] = md_cell(row[j]) end
    out[#out + 1] = "| " .. table.concat(cells, " | ") .. " |"
  end
  return table.concat(out, "\n")
end

--- A Markdown table from {columns, rows, digits, caption, note} (rows of raw values).
function M.md_table(t)
  local b = M.table_block(t, false)
  local out = {}
  if t.caption then out[#out + 1] = "*" .. t.caption .. "*\n" end
  out[#out + 1] = md_table_lines(b)
  if t.note then out[#out + 1] = "\n" .. t.note end
  return table.concat(out, "\n") .. "\n"
end

local function md_block(b)
  if b.kind == "p" or b.kind == "markdown" then return b.text
  elseif b.kind == "inset" then return "> " .. b.text
  elseif b.kind == "list" then
    local out = {}
    for _, it in ipairs(b.items) do out[#out + 1] = "- " .. it end
    return table.concat(out, "\n")
  elseif b.kind == "table" then
    local s = md_table_lines(b)
    if b.heading then s = "### " .. b.caption .. "\n\n" .. s end
    if b.note then s = s .. "\n\n" .. b.note end
    return s
  elseif b.kind == "chart" then
    return string.format("![%s](%s.svg)", (b.chart.title:gsub("[%[%]]", "")), b.chart.name)
  end
  error("report: unknown block kind " .. tostring(b.kind))
end

--- report.md from the model: each block is followed by a blank line.
function M.render_markdown(doc)
  local o = { "# " .. doc.title .. "\n" }
  for _, b in ipairs(doc.lead) do o[#o + 1] = md_block(b) .. "\n" end
  for _, sec in ipairs(doc.sections) do
    o[#o + 1] = "## " .. sec.title .. "\n"
    for _, b in ipairs(sec.blocks) do o[#o + 1] = md_block(b) .. "\n" end
  end
  return table.concat(o, "\n")
end

--- report.md for a finished run.
function M.markdown(ctx, r, published, stamp)
  return M.render_markdown(M.model(ctx, r, published, stamp))
end

return M
