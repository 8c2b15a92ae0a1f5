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
local labels = require("csc.render.labels")
local util = require("csc.util")
local D = require("csc.disclosure")

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

--- The decimals of column `c` of a table record: its `digits`, a number
-- for every column or a table by column name (nil: as cell() chooses).
-- The report.xlsx sheets use the same rule.
function M.digits_for(t, c)
  if type(t.digits) == "table" then return t.digits[c] end
  if type(t.digits) == "number" then return t.digits end
  return nil
end
local digits_for = M.digits_for

--- A table block from a ctx table record {name, columns, rows, digits, caption, note}.
M.MAX_ROWS = 500

--- Tables longer than this show their first M.SUMMARY_ROWS rows in the
-- report when the full table is linked as CSV.
M.LONG_TABLE = 25
M.SUMMARY_ROWS = 15

function M.table_block(t, heading, opts)
  opts = opts or {}
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
  local csv = opts.csv and t.csv ~= false and t.name and (t.name .. ".csv") or nil
  if csv and #t.rows > M.LONG_TABLE then shown = M.SUMMARY_ROWS end
  -- p-value columns (p, p_value, impact_p, ...) read as p-values: "< 0.001"
  local pcol = {}
  for j, c in ipairs(t.columns) do
    local l = tostring(c):lower()
    pcol[j] = l == "p" or l == "pvalue" or l:match("[_%s]p$") ~= nil or l:match("p[_%s]?value$") ~= nil
  end
  local termcol = {}
  for j, c in ipairs(t.columns) do termcol[j] = tostring(c):lower() == "term" end
  for i = 1, shown do
    local row, cells = t.rows[i], {}
    for j, c in ipairs(t.columns) do
      cells[j] = (pcol[j] and type(row[j]) == "number") and fmt_p(row[j]) or cell(row[j], digits_for(t, c))
      -- model terms in words, the code name on hover
      local words = termcol[j] and type(row[j]) == "string" and labels.term(row[j])
      if words then cells[j] = { text = words, key = row[j] } end
    end
    rows[i] = cells
  end
  local note = t.note
  if shown < #t.rows then
    local more = csv and string.format("The first %d of %d rows are shown; every row is in [%s](%s).",
      shown, #t.rows, csv, csv)
      or string.format("The first %d of %d rows are shown; every row is in results.json.", shown, #t.rows)
    note = note and (note .. " " .. more) or more
  end
  local cols = {}
  for j, c in ipairs(t.columns) do
    local words = labels.column(c, t.labels or opts.labels)
    cols[j] = words ~= tostring(c) and { text = words, key = tostring(c) } or tostring(c)
  end
  return { kind = "table", name = t.name, caption = t.caption or t.name, heading = heading,
           columns = cols, rows = rows, align = align, note = note, csv = csv }
end

local function slug(s, used) return util.slug(s, used, "section") end

--- A published or input-check comparison as a table row: the label in
-- words, values at their printed precision, the difference, the tolerance
-- in words, ✓/✗, and the note (with how the figure relates to synthetic data).
local SYNTH_WORDS = {
  calibrated = "Calibrated into the synthetic data: agreement by construction.",
  designed = "Designed into the synthetic data's shape: agreement by construction.",
  found = "Found by the analysis (not calibrated into the synthetic data).",
}

local function decimals(x)
  local t = util.fmt_number(x)
  if t:find("e") then return 3 end
  local frac = t:match("%.(%d+)$")
  return frac and #frac or 0
end

local function comparison_rows(list, anchor_prefix)
  -- mismatches first, each linked to its explanation below the table
  local order, k = {}, 0
  for _, pb in ipairs(list) do if not pb.within then order[#order + 1] = pb end end
  for _, pb in ipairs(list) do if pb.within then order[#order + 1] = pb end end
  local rows, explain = {}, {}
  for _, pb in ipairs(order) do
    local label, codes = labels.strip_code(pb.label)
    -- a figure given as printed is shown as printed (".5601378")
    local d = math.max(pb.printed and #(pb.printed:match("%.(%d+)") or "") or decimals(pb.published),
      decimals(pb.tolerance))
    local function show(v)
      if v == nil then return "–" end
      local w = labels.coded(v, codes)
      if w then return w end
      if d == 0 and v == math.floor(v) then return util.fmt_number(v) end
      return util.fmt_fixed(v, math.min(d + 1, 6))
    end
    local pub = labels.coded(pb.published, codes) or pb.printed or util.fmt_number(pb.published)
    local diff = "–"
    if pb.reproduced ~= nil and not codes then
      local dv = pb.reproduced - pb.published
      diff = (dv > 0 and "+" or "") .. util.fmt_fixed(dv, math.min(d + 1, 6))
      if tonumber(diff) == 0 then diff = "0" end
    elseif pb.reproduced ~= nil then
      diff = pb.within and "same" or "differs"
    end
    local notes = {}
    if pb.synthetic then notes[#notes + 1] = SYNTH_WORDS[pb.synthetic] end
    if pb.note then notes[#notes + 1] = (pb.note:gsub("^%l", string.upper)) end
    if pb.method then notes[#notes + 1] = (pb.method:gsub("^%l", string.upper)) .. "." end
    local note = #notes > 0 and table.concat(notes, " ") or "–"
    local first = label .. (pb.source and (" (" .. pb.source .. ")") or "")
    if not pb.within then
      k = k + 1
      local id = anchor_prefix .. "-differs-" .. k
      explain[#explain + 1] = { id = id, text = string.format("**%s**: published %s, reproduced %s. %s",
        label, pub, show(pb.reproduced), pb.note and ((pb.note:gsub("^%l", string.upper):gsub("([^%.])$", "%1."))) or "The recipe gives no explanation.") }
      first = { text = first, href = "#" .. id }
    end
    rows[#rows + 1] = { first, pub, show(pb.reproduced), diff, labels.tolerance(pb.tolerance, util.fmt_number),
      { mark = pb.within and true or false }, note }
  end
  return rows, explain
end

--- An estimate in words for the findings box: "Label: 7.2 pp (95% CI -4.8
-- to 19.2); not statistically significant (p = 0.234)."
local function finding(e, name, alpha)
  local s = string.format("**%s**: %s%s", name, cell(e.value), e.unit and (" " .. e.unit) or "")
  if e.ci then s = s .. string.format(" (95%% CI %s to %s)", cell(e.ci[1]), cell(e.ci[2])) end
  if e.p then
    s = s .. string.format("; %s (p %s)", e.p < alpha and "statistically significant at 5%"
      or "not statistically significant", e.p < 0.001 and "< 0.001" or ("= " .. util.fmt_fixed(e.p, 3)))
  end
  return s .. "."
end

--- Add a forest plot of the report's estimates with intervals when two or
-- more share a unit (estimates in different units cannot share an axis; the
-- largest group is drawn).  Called by the runner after the design has run.
function M.add_forest(ctx, r, published)
  local groups, order = {}, {}
  for _, e in ipairs(ctx.estimates) do
    if not e.detail and e.ci and type(e.value) == "number" then
      local u = e.unit or ""
      if not groups[u] then groups[u] = {}; order[#order + 1] = u end
      table.insert(groups[u], e)
    end
  end
  local best
  for _, u in ipairs(order) do if not best or #groups[u] > #groups[best] then best = u end end
  if not best or #groups[best] < 2 then return nil end
  local name = "forest"
  while ctx.chart_index[name] do name = name .. "_estimates" end
  local items = {}
  for _, e in ipairs(groups[best]) do
    items[#items + 1] = { label = e.title or labels.estimate(e.label, { labels = r.spec.labels, published = published }),
      value = e.value, low = e.ci[1], high = e.ci[2] }
  end
  local unit = best ~= "" and best or nil
  local rec = ctx:chart{ name = name, kind = "forest", items = items,
    title = "Estimates with their 95% confidence intervals" .. (unit and (" (" .. unit .. ")") or ""),
    desc = string.format("Forest plot of %d estimates%s: each point is the estimate and its line the 95%% "
      .. "confidence interval; the dashed line marks no effect (0). The figures are in the Estimates table.",
      #items, unit and (" in " .. unit) or ""),
    xlabel = unit }
  rec.forest = true
  return rec
end

--- The report's content, independent of output format.
-- opts.csv: the result tables are written as CSV files (linked under each).
function M.model(ctx, r, published, stamp, opts)
  opts = opts or {}
  local s = r.spec
  local doc = { title = s.title, lead = {}, sections = {} }
  local used = { main = true, contents = true, ["key-findings"] = true }
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
  local function chart_block(c)
    return { kind = "chart", chart = c,
      synthetic = ctx.synthetic and require("csc.synthetic").words(ctx.synthetic_kind).chart or nil }
  end
  local function name_of(e)
    return e.title or labels.estimate(e.label, { labels = s.labels, published = published })
  end
  local pubs, checks = {}, {}
  for _, pb in ipairs(published) do
    if pb.input_check then checks[#checks + 1] = pb else pubs[#pubs + 1] = pb end
  end

  -- Key findings first: the headline estimates in words, the strength of
  -- evidence, one line on published against reproduced, and the synthetic mark.
  local items = {}
  if ctx.synthetic then
    local w = require("csc.synthetic").words(ctx.synthetic_kind)
    items[#items + 1] = "**" .. w.lead .. "** " .. w.lead_more:gsub("%.$", "") .. " (see below)."
  end
  local heads = {}
  for _, e in ipairs(ctx.estimates) do if e.headline then heads[#heads + 1] = e end end
  if #heads == 0 then
    for _, e in ipairs(ctx.estimates) do
      if not e.detail and e.ci and #heads < 4 then heads[#heads + 1] = e end
    end
  end
  if #heads == 0 then
    for _, e in ipairs(ctx.estimates) do if not e.detail then heads[1] = e; break end end
  end
  for _, e in ipairs(heads) do items[#items + 1] = finding(e, name_of(e), ctx.alpha or 0.05) end
  if ctx.evidence then items[#items + 1] = "**Strength of evidence.** " .. tostring(ctx.evidence) end
  if #ctx.warnings > 0 then
    items[#items + 1] = string.format("%d diagnostic%s raised: see [Diagnostics and warnings](#diagnostics-and-warnings).",
      #ctx.warnings, #ctx.warnings == 1 and "" or "s")
  end
  if #pubs > 0 then
    local nw = 0
    for _, pb in ipairs(pubs) do if pb.within then nw = nw + 1 end end
    local differ = #pubs - nw
    items[#items + 1] = string.format("**Published against reproduced:** %d of %d within tolerance%s: "
      .. "[see the table](#published-against-reproduced).", nw, #pubs,
      differ > 0 and string.format("; %d differ%s", differ, differ == 1 and "s" or "") or "")
  else
    items[#items + 1] = "The source report printed no figures this recipe compares with."
  end
  if #checks > 0 then
    local nw = 0
    for _, pb in ipairs(checks) do if pb.within then nw = nw + 1 end end
    items[#items + 1] = string.format("**Input checks** (the data against other sources, not figures of the "
      .. "report): %d of %d passed.", nw, #checks)
  end
  block({ kind = "findings", title = "Key findings", items = items })

  p("**Question.** " .. s.question)
  if #published > 0 then
    p(string.format("**Source.** %s%s. Reruns: %s.", s.source.report,
      s.source.reference and (" (" .. s.source.reference .. ")") or "", table.concat(s.source.tables, ", ")))
  else
    -- nothing published to compare with: a new analysis, not "0 of 0"
    -- a source that only says "New analysis" is not repeated before the notice
    local rep = s.source.report
    local src = rep:lower():match("^%s*a?%s*new analysis[%s%.]*$") and ""
      or string.format("**Source.** %s%s. ", rep, s.source.reference and (" (" .. s.source.reference .. ")") or "")
    p(string.format("%s**A new analysis:** there are no published figures to compare with%s.", src,
      (#s.source.tables > 0 and s.source.tables[1]:lower() ~= "none")
        and ("; context: " .. table.concat(s.source.tables, ", ")) or ""))
  end
  -- Each synthetic input is named with its generator, what the real file
  -- is and the columns it needs, and the command that runs the recipe on
  -- the real files.
  local synthetic, names, dopts = {}, {}, {}
  for _, pv in ipairs(ctx.provenance) do
    if pv.synthetic then
      local inp = (s.inputs or {})[pv.name] or {}
      local what = {}
      if pv.mark and (pv.replaced or not inp.generator) then
        what[#what + 1] = require("csc.synthetic").describe(pv.mark)
      elseif inp.generator then what[#what + 1] = "made by `" .. inp.generator .. "`" end
      if inp.real_data then what[#what + 1] = "the real data: " .. inp.real_data:gsub("%.$", "") end
      -- the layout a real file needs (the data set's columns, data/datasets.csv)
      if type(inp.columns) == "table" and #inp.columns > 0 then
        what[#what + 1] = "columns " .. table.concat(inp.columns, ", ")
      end
      synthetic[#synthetic + 1] = pv.name .. (#what > 0 and (" (" .. table.concat(what, "; ") .. ")") or "")
      names[#names + 1] = pv.name
      dopts[#dopts + 1] = "--data " .. pv.name .. "=PATH"
    end
  end
  if #synthetic > 0 then
    block({ kind = "inset", text = "**These results use synthetic data.** The input" .. (#names > 1 and "s " or " ")
      .. table.concat(synthetic, ", ") .. (#names > 1 and " were " or " was ")
      .. require("csc.synthetic").words(ctx.synthetic_kind).made .. ". To run on the real "
      .. (#names > 1 and "files" or "file") .. ": `csceval run " .. r.path .. " " .. table.concat(dopts, " ") .. "`." })
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
        .. "or grand total would reveal a suppressed one%s; in the text (rows not used, Method, warnings) such a "
        .. "count reads \"fewer than %d\". %s", dc.threshold - 1,
        dc.round and string.format("; shown counts are rounded to the nearest %d", dc.round) or "",
        dc.threshold,
        #parts > 0 and ("Suppressed cells by table: " .. table.concat(parts, ", ") .. ".") or "No cell needed suppression."))
    end
  end
  if s.data_note then p(s.data_note) end
  if s.strength then p(require("csc.evidence").paragraph(s.strength)) end
  local files = {}
  if opts.json then files[#files + 1] = "[results.json](results.json) (every figure, with its code name)" end
  if opts.md then files[#files + 1] = "[report.md](report.md)" end
  if #files > 0 then p("**Files.** " .. table.concat(files, ", ") .. (opts.csv and "; each table links its CSV." or ".")) end

  section("Design")
  p(ctx.design_text or ("Design: " .. s.design.type .. "."))

  section("Data")
  local prov_rows = {}
  for _, pv in ipairs(ctx.provenance) do
    if pv.missing then
      prov_rows[#prov_rows + 1] = { pv.name, pv.synthetic and "yes" or "no", { code = pv.path }, "–", "–",
        "not found (optional input; left out)" }
    else
      prov_rows[#prov_rows + 1] = { pv.name, pv.synthetic and "yes" or "no", { code = pv.path },
        string.format("%d", pv.rows), string.format("%d", pv.columns),
        { code = pv.sha256:sub(1, 16) .. "…", full = pv.sha256 } }
    end
  end
  block({ kind = "table", caption = "Input files", columns = { "input", "synthetic", "file", "rows", "columns", "SHA-256" },
    rows = prov_rows, align = { "left", "left", "left", "right", "right", "left" }, stack = true })
  -- What is missing, and why, in the columns each input is used for; then
  -- the rows the analysis left out and the reason.
  local WHY = { blank = "blank", NA = "NA", c = "suppressed (c)", x = "not available (x)",
    z = "not applicable (z)", k = "fewer than 0.5 (k)", u = "low reliability (u)", low = "low",
    [":"] = "not available (:)", calculated = "not calculable" }
  local dropped = {}
  for _, pv in ipairs(ctx.provenance) do
    local mv = pv.missing_values
    if mv and next(mv) then
      local parts = {}
      for _, reason in ipairs(util.sorted_keys(mv)) do
        parts[#parts + 1] = string.format("%s %s", D.count_text(ctx.disclosure, mv[reason]), WHY[reason] or reason)
      end
      dropped[#dropped + 1] = string.format("%s: missing values in the %d column%s used: %s.", pv.name,
        pv.columns_checked, pv.columns_checked == 1 and "" or "s", table.concat(parts, ", "))
    end
  end
  for _, d in ipairs(ctx.drops) do
    -- the count is formatted here, under disclosure control ("fewer than 5 rows")
    local hidden = D.hides(ctx.disclosure, d.n)
    dropped[#dropped + 1] = string.format("%s: %s row%s not used: %s.", d.input, D.count_text(ctx.disclosure, d.n),
      (d.n == 1 and not hidden) and "" or "s", d.reason)
  end
  for _, pv in ipairs(ctx.provenance) do
    if pv.replaced and pv.mark then
      dropped[#dropped + 1] = string.format("%s: read from the file given with --data, not the recipe's own file; "
        .. "it carries csceval's synthetic-data mark (%s; `%s`), so %s.%s", pv.name,
        require("csc.synthetic").describe(pv.mark), pv.mark.path, require("csc.synthetic").words(pv.synthetic_kind).marked,
        pv.mark.changed and (" The file changed after it was generated (" .. pv.mark.changed .. "); if it now "
          .. "holds real records, delete the mark.") or "")
    elseif pv.replaced then
      dropped[#dropped + 1] = string.format("%s: read from the file given with --data, not the recipe's own file; "
        .. "where the recipe's notes describe the synthetic data, they do not apply to this input.", pv.name)
    elseif pv.mark and pv.mark.changed then
      dropped[#dropped + 1] = string.format("%s: the file carries csceval's synthetic-data mark (`%s`), but %s; it "
        .. "is treated as synthetic.", pv.name, pv.mark.path, pv.mark.changed)
    end
  end
  if #dropped > 0 then block({ kind = "list", items = dropped }) end

  if #ctx.methods > 0 then
    section("Method")
    for _, m in ipairs(ctx.methods) do p(m) end
  end

  section("Results")
  local shown, hidden = {}, 0
  for _, e in ipairs(ctx.estimates) do
    if e.detail then hidden = hidden + 1 else shown[#shown + 1] = e end
  end
  -- the forest plot of the estimates (M.add_forest) comes first
  for _, c in ipairs(ctx.charts or {}) do if c.forest then block(chart_block(c)) end end
  if #shown > 0 then
    local rows = {}
    for _, e in ipairs(shown) do
      -- a yes/no or coded figure (the published label says "1 = yes") in words
      local codes
      for _, pb in ipairs(published) do
        if pb.estimate == e.label and (pb.field == nil or pb.field == "value") then
          codes = select(2, labels.strip_code(pb.label))
        end
      end
      local value = labels.coded(e.value, codes) or (cell(e.value) .. (e.unit and (" " .. e.unit) or ""))
      rows[#rows + 1] = { { text = name_of(e), key = e.label }, value, cell(e.se),
        e.ci and string.format("%s to %s", cell(e.ci[1]), cell(e.ci[2])) or "–", fmt_p(e.p),
        e.n and tostring(e.n) or "–" }
    end
    block({ kind = "table", caption = "Estimates", columns = { "estimate", "value", "SE", "95% CI", "p", "n" },
      rows = rows, align = { "left", "right", "right", "right", "right", "right" } })
  end
  if hidden > 0 then
    p(string.format("%d further estimate%s (the figures behind the tables below) %s in results.json.", hidden,
      hidden == 1 and "" or "s", hidden == 1 and "is" or "are"))
  end
  -- each chart comes before the table it is drawn from
  local placed = {}
  for _, t in ipairs(ctx.tables) do
    for _, c in ipairs(ctx.charts or {}) do
      if c.table == t.name and not c.forest then block(chart_block(c)); placed[c] = true end
    end
    block(M.table_block(t, true, { csv = opts.csv, labels = s.labels }))
  end
  for _, c in ipairs(ctx.charts or {}) do
    if not placed[c] and not c.forest then block(chart_block(c)) end
  end

  -- a comparison section: its rows, the table's first three column names
  -- and caption, and the reasons for the figures that differ
  local function comparison(list, kind, title, intro, caption, names)
    if #list == 0 then return end
    section(title)
    p(intro)
    local rows, explain = comparison_rows(list, kind)
    block({ kind = "table", caption = caption,
      columns = { names[1], names[2], names[3], "difference", "tolerance", "within", "note" },
      rows = rows, align = { "left", "right", "right", "right", "left", "left", "left" }, stack = true })
    if #explain > 0 then p("**Why figures differ.**"); block({ kind = "explain", items = explain }) end
  end
  comparison(pubs, "published", "Published against reproduced",
    "Each figure the source report printed, with the value csceval reproduced, the difference, and the "
      .. "tolerance the recipe allows (with its reason in the note). Published figures and tolerances are shown "
      .. "as printed; the reproduced value has one decimal more. Figures that differ come first.",
    "Published figures against reproduced ones", { "figure", "published", "reproduced" })
  comparison(checks, "check", "Input checks",
    "Checks of the input data against other sources. They are not figures of the source report and are "
      .. "not counted among the published figures reproduced.",
    "Input data checked against other sources", { "check", "expected", "found" })

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
  if #files > 0 then p("Files: " .. table.concat(files, ", ") .. ".") end
  doc.stamp = stamp
  return doc
end

-- ===== Markdown =====

--- Text for report.md from the model's inline Markdown (`code`, **bold**,
-- *em*, [text](link)), so that nothing in a recipe's strings or the data
-- becomes markup: outside code spans, a "<" that would open an HTML tag,
-- comment or autolink is escaped as "\<" (Markdown shows "<"), and control
-- characters are shown as their control pictures.  Code spans are shown
-- literally by every Markdown renderer and are left alone.  The same spans
-- as csc.render.html's inline, so the two reports show the same text.
function M.md_text(s)
  s = util.visible_controls(s)
  if not s:find("<", 1, true) then return s end
  local out, pos = {}, 1
  while pos <= #s do
    local a, b = s:find("`[^`]+`", pos)
    out[#out + 1] = (s:sub(pos, (a or #s + 1) - 1):gsub("<([%a/!?])", "\\<%1"))
    if not a then break end
    out[#out + 1] = s:sub(a, b)
    pos = b + 1
  end
  return table.concat(out)
end
local md_text = M.md_text

local function md_cell(v)
  if type(v) == "table" then
    if v.code then return "`" .. util.visible_controls(v.code) .. "`" end
    if v.mark ~= nil then return v.mark and "✓" or "✗" end
    if v.text then
      local t = md_text(v.text):gsub("|", "\\|"):gsub("\n", " ")
      return v.href and ("[" .. t .. "](" .. v.href .. ")") or t
    end
  end
  return (md_text(v):gsub("|", "\\|"):gsub("\n", " "))
end

local function md_table_lines(b)
  local out = {}
  local head = {}
  for j, c in ipairs(b.columns) do head[j] = md_cell(c) end
  out[#out + 1] = "| " .. table.concat(head, " | ") .. " |"
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
  if t.caption then out[#out + 1] = "*" .. md_text(t.caption) .. "*\n" end
  out[#out + 1] = md_table_lines(b)
  if t.note then out[#out + 1] = "\n" .. md_text(t.note) end
  return table.concat(out, "\n") .. "\n"
end

local function md_block(b)
  if b.kind == "p" or b.kind == "markdown" then return md_text(b.text)
  elseif b.kind == "inset" then return "> " .. md_text(b.text)
  elseif b.kind == "findings" then
    local out = { "> **" .. md_text(b.title) .. "**", ">" }
    for _, it in ipairs(b.items) do out[#out + 1] = "> - " .. md_text(it) end
    return table.concat(out, "\n")
  elseif b.kind == "explain" then
    local out = {}
    for _, it in ipairs(b.items) do out[#out + 1] = '- <a id="' .. it.id .. '"></a>' .. md_text(it.text) end
    return table.concat(out, "\n")
  elseif b.kind == "list" then
    local out = {}
    for _, it in ipairs(b.items) do out[#out + 1] = "- " .. md_text(it) end
    return table.concat(out, "\n")
  elseif b.kind == "table" then
    local s = md_table_lines(b)
    if b.heading then s = "### " .. md_text(b.caption) .. "\n\n" .. s end
    if b.note then s = s .. "\n\n" .. md_text(b.note) end
    if b.csv then s = s .. "\n\nFull table: [" .. b.csv .. "](" .. b.csv .. ")" end
    return s
  elseif b.kind == "chart" then
    return string.format("![%s](%s.svg)%s", (md_text(b.chart.title):gsub("[%[%]]", "")), b.chart.name,
      b.synthetic and ("\n\n*" .. md_text(b.synthetic) .. "*") or "")
  end
  error("report: unknown block kind " .. tostring(b.kind))
end

--- report.md from the model: each block is followed by a blank line.
function M.render_markdown(doc)
  local o = { "# " .. md_text(doc.title) .. "\n" }
  for _, b in ipairs(doc.lead) do o[#o + 1] = md_block(b) .. "\n" end
  for _, sec in ipairs(doc.sections) do
    o[#o + 1] = "## " .. md_text(sec.title) .. "\n"
    for _, b in ipairs(sec.blocks) do o[#o + 1] = md_block(b) .. "\n" end
  end
  return table.concat(o, "\n")
end

--- report.md for a finished run.
function M.markdown(ctx, r, published, stamp)
  return M.render_markdown(M.model(ctx, r, published, stamp))
end

return M
