--- report.html and index.html: one self-contained page per report, with
-- inline CSS and SVG and nothing fetched from anywhere (a Content Security
-- Policy of default-src 'none' makes the browser refuse any attempt).
-- The style follows GOV.UK's (system fonts, black on white, blue links,
-- yellow focus), aims at WCAG 2.1 AA, and prints on A4.  The report's
-- content comes from csc.render.report's section model, shared with report.md.
-- @module csc.render.html
local util = require("csc.util")

local M = {}

--- HTML text escaping (also safe inside double-quoted attributes); control
-- characters are shown as their control pictures (util.visible_controls).
function M.escape(s)
  return (util.visible_controls(s):gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
    ['"'] = "&quot;", ["'"] = "&#39;" }))
end
local esc = M.escape

-- Links may go to a fragment, a relative file or an http(s) page (a link is
-- only followed when clicked, so it fetches nothing on load); anything else
-- (javascript:, data:) is shown as text.
local function safe_href(u)
  if u:match("^https?://") then return u end
  if u:match("^[^/?#]*:") then return nil end   -- any other scheme
  return u
end

--- Inline Markdown to HTML: `code`, **bold**, *em*, [text](link).  Text is
-- escaped first, so nothing in a recipe's strings can become markup.
function M.inline(md)
  local out = {}
  local pos = 1
  md = tostring(md)
  while pos <= #md do
    local a, b = md:find("`[^`]+`", pos)
    local chunk = md:sub(pos, (a or #md + 1) - 1)
    chunk = esc(chunk)
    chunk = chunk:gsub("%[([^%]]+)%]%(([^%)%s]+)%)", function(t, u)
      local h = safe_href(u:gsub("&amp;", "&"))
      if h then return '<a href="' .. esc(h) .. '">' .. t .. "</a>" end
      return t .. " (" .. u .. ")"
    end)
    chunk = chunk:gsub("%*%*(.-)%*%*", "<strong>%1</strong>")
    chunk = chunk:gsub("%f[%w%*]%*([^%*%s][^%*]-)%*%f[^%w%*]", "<em>%1</em>")
    out[#out + 1] = chunk
    if not a then break end
    out[#out + 1] = "<code>" .. esc(md:sub(a + 1, b - 1)) .. "</code>"
    pos = b + 1
  end
  return table.concat(out)
end
local inline = M.inline

-- ===== Tables =====

local function split_row(line)
  line = line:gsub("^%s*|", ""):gsub("|%s*$", "")
  local cells, cur, i = {}, {}, 1
  while i <= #line do
    local ch = line:sub(i, i)
    if ch == "\\" and line:sub(i + 1, i + 1) == "|" then cur[#cur + 1] = "|"; i = i + 2
    elseif ch == "|" then cells[#cells + 1] = table.concat(cur):match("^%s*(.-)%s*$"); cur = {}; i = i + 1
    else cur[#cur + 1] = ch; i = i + 1 end
  end
  cells[#cells + 1] = table.concat(cur):match("^%s*(.-)%s*$")
  return cells
end

local function html_cell(v)
  if type(v) == "table" then
    if v.code then
      if v.full then return '<code class="hash">' .. esc(v.full) .. "</code>" end
      -- paths may break after a slash, and nowhere else, on narrow screens
      return "<code>" .. esc(v.code):gsub("/", "/<wbr>") .. "</code>"
    end
    if v.text then
      -- words for the reader; the code name (results.json) on hover
      local t = esc(v.text)
      if v.key then t = string.format('<span title="%s">%s</span>', esc(v.key), t) end
      if v.href then t = string.format('<a href="%s">%s</a>', esc(v.href), t) end
      return t
    end
    if v.mark ~= nil then
      return v.mark and '<span class="mark yes" aria-hidden="true">✓</span><span class="visually-hidden">yes</span>'
        or '<span class="mark no" aria-hidden="true">✗</span><span class="visually-hidden">no</span>'
    end
  end
  return esc(v)
end

-- Approximate width in px of a cell's text (16 px type, 0.5 em a character),
-- to tell which tables will need to scroll on a phone.
local function text_len(v)
  if type(v) == "table" then v = v.text or v.code or (v.mark ~= nil and "yes") or "" end
  local longest = 0
  for w in tostring(v):gmatch("%S+") do longest = math.max(longest, utf8.len(w) or #w) end
  return longest, utf8.len(tostring(v)) or #tostring(v)
end

--- The narrowest a table can be: each column as wide as its longest word
-- (headers) or its longest cell (numbers do not wrap), plus padding.
local function min_width(b)
  local total = 0
  for j, c in ipairs(b.columns) do
    local w = text_len(c)
    for _, row in ipairs(b.rows) do
      local word, all = text_len(row[j] == nil and "" or row[j])
      w = math.max(w, (b.align and b.align[j] == "right") and all or word)
    end
    total = total + w * 10 + 24
  end
  return total
end

--- A table inside a focusable, labelled scroll region.  The layout is wide
-- enough that no table scrolls at desktop widths; on a phone a table too
-- wide for the screen either stacks its rows (b.stack: each cell under its
-- column name) or scrolls inside its box with a visible cue, so the page
-- itself never scrolls sideways (WCAG 1.4.10 reflow).  The caption sits
-- outside the scroll box, so it never scrolls with the table.
local function table_html(b, ids, md_cells)
  local cid = ids("table-" .. (b.name or b.caption))
  -- a second table with the same caption is numbered, so each scroll
  -- region has its own name (axe-core: landmark-unique)
  local base = ("tablecaption-" .. b.caption):lower():gsub("[^%w]+", "-"):gsub("^%-+", ""):gsub("%-+$", "")
  local got = ids("tablecaption-" .. b.caption)
  local n = got:sub(1, #base + 1) == base .. "-" and got:sub(#base + 2):match("^(%d+)$")
  if n then b = setmetatable({ caption = b.caption .. " (" .. n .. ")" }, { __index = b }) end
  local o = {}
  local minw = min_width(b)
  local narrow = minw > 300            -- may be wider than a phone's screen
  -- on a phone, tables of up to 7 columns stack their rows; wider ones
  -- scroll inside their box, with a cue
  local stack = narrow and (b.stack or #b.columns <= 7)
  o[#o + 1] = string.format('<div class="table-block%s">', stack and " stack" or "")
  o[#o + 1] = string.format('<p class="caption" id="%s">%s</p>', cid, esc(b.caption))
  if narrow and not stack then
    o[#o + 1] = '<p class="scroll-cue" aria-hidden="true">Scroll sideways to see every column →</p>'
  end
  o[#o + 1] = string.format('<div class="table-wrap" role="region" aria-labelledby="%s" tabindex="0">', cid)
  -- many columns: printed smaller so the table fits the width of A4
  local cls = {}
  if #b.columns >= 8 or minw > 680 then cls[#cls + 1] = "wide" end
  if #b.columns >= 9 then cls[#cls + 1] = "xwide" end
  if stack then cls[#cls + 1] = "stack" end
  o[#o + 1] = string.format('<table%s>\n<caption class="visually-hidden">%s</caption>',
    #cls > 0 and (' class="' .. table.concat(cls, " ") .. '"') or "", esc(b.caption))
  o[#o + 1] = "<thead><tr>"
  local heads = {}
  for j, c in ipairs(b.columns) do
    local cls2 = (b.align and b.align[j] == "right") and ' class="num"' or ""
    heads[j] = type(c) == "table" and (c.text or "") or tostring(c)
    o[#o + 1] = string.format('<th scope="col"%s>%s</th>', cls2,
      (md_cells and type(c) == "string") and inline(c) or html_cell(c))
  end
  o[#o + 1] = "</tr></thead>\n<tbody>"
  for _, row in ipairs(b.rows) do
    local cells = {}
    for j = 1, #b.columns do
      local cls2 = (b.align and b.align[j] == "right") and ' class="num"' or ""
      local v = row[j]
      local content = (md_cells and type(v) == "string") and inline(v) or html_cell(v == nil and "" or v)
      local label = stack and j > 1 and string.format(' data-label="%s"', esc(heads[j])) or ""
      if j == 1 then cells[j] = string.format('<th scope="row"%s>%s</th>', cls2, content)
      else cells[j] = string.format("<td%s%s>%s</td>", cls2, label, content) end
    end
    o[#o + 1] = "<tr>" .. table.concat(cells) .. "</tr>"
  end
  o[#o + 1] = "</tbody>\n</table>\n</div>"
  if b.note then o[#o + 1] = '<p class="table-note">' .. inline(b.note) .. "</p>" end
  if b.csv then
    o[#o + 1] = string.format('<p class="table-note"><a href="%s">Download this table as CSV</a> (%s).</p>',
      esc(b.csv), esc(b.csv))
  end
  o[#o + 1] = "</div>"
  return table.concat(o, "\n")
end

-- ===== Markdown bodies (ctx:section) =====

--- Block Markdown to HTML for section bodies: paragraphs, "-" lists,
-- "|" tables, "#" headings (never above level 3: sections are h2),
-- ``` code blocks and ">" call-outs.
function M.markdown(md, ids, title)
  local ntab = 0
  local lines = {}
  for line in (tostring(md) .. "\n"):gmatch("(.-)\r?\n") do lines[#lines + 1] = line end
  local o, i = {}, 1
  while i <= #lines do
    local line = lines[i]
    if line:match("^%s*$") then i = i + 1
    elseif line:match("^```") then
      local code = {}
      i = i + 1
      while i <= #lines and not lines[i]:match("^```") do code[#code + 1] = lines[i]; i = i + 1 end
      i = i + 1
      o[#o + 1] = "<pre><code>" .. esc(table.concat(code, "\n")) .. "</code></pre>"
    elseif line:match("^#+%s") then
      local hashes, text = line:match("^(#+)%s+(.-)%s*#*%s*$")
      local level = math.min(6, math.max(3, #hashes))
      o[#o + 1] = string.format("<h%d>%s</h%d>", level, inline(text), level)
      i = i + 1
    elseif line:match("^%s*|") then
      local rows = {}
      while i <= #lines and lines[i]:match("^%s*|") do rows[#rows + 1] = split_row(lines[i]); i = i + 1 end
      local body = {}
      for k = 3, #rows do body[#body + 1] = rows[k] end
      local is_sep = rows[2] and table.concat(rows[2]):match("^[%s:%-]*$")
      if not is_sep then body = {}; for k = 2, #rows do body[#body + 1] = rows[k] end end
      ntab = ntab + 1
      o[#o + 1] = table_html({ caption = string.format("%s: table %d", title or "Table", ntab), columns = rows[1],
        rows = body }, ids, true)
    elseif line:match("^%s*[%-%*]%s") then
      local items = {}
      while i <= #lines and (lines[i]:match("^%s*[%-%*]%s") or (lines[i]:match("^%s%s+%S") and #items > 0)) do
        local item = lines[i]:match("^%s*[%-%*]%s+(.*)$")
        if item then items[#items + 1] = item else items[#items] = items[#items] .. " " .. lines[i]:match("^%s*(.-)$") end
        i = i + 1
      end
      local li = {}
      for _, it in ipairs(items) do li[#li + 1] = "<li>" .. inline(it) .. "</li>" end
      o[#o + 1] = '<ul class="list">\n' .. table.concat(li, "\n") .. "\n</ul>"
    elseif line:match("^>") then
      local q = {}
      while i <= #lines and lines[i]:match("^>") do q[#q + 1] = lines[i]:gsub("^>%s?", ""); i = i + 1 end
      o[#o + 1] = '<div class="inset">' .. inline(table.concat(q, " ")) .. "</div>"
    else
      local para = {}
      while i <= #lines and not lines[i]:match("^%s*$") and not lines[i]:match("^```")
          and not lines[i]:match("^#+%s") and not lines[i]:match("^%s*|") and not lines[i]:match("^%s*[%-%*]%s")
          and not lines[i]:match("^>") do
        para[#para + 1] = lines[i]; i = i + 1
      end
      o[#o + 1] = "<p>" .. inline(table.concat(para, " ")) .. "</p>"
    end
  end
  return table.concat(o, "\n")
end

-- ===== Charts =====

--- Prefix every id in a hand-made SVG (and the references to them), so two
-- charts in one page cannot clash.
local function namespace_ids(svg, prefix)
  local ids = {}
  for id in svg:gmatch('%sid%s*=%s*"([^"]+)"') do ids[id] = true end
  if next(ids) == nil then return svg end
  local function ref(id) return ids[id] and (prefix .. id) or id end
  svg = svg:gsub('(%sid%s*=%s*")([^"]+)(")', function(a, id, b) return a .. prefix .. id .. b end)
  svg = svg:gsub("url%(#([^%)]+)%)", function(id) return "url(#" .. ref(id) .. ")" end)
  svg = svg:gsub('(href%s*=%s*")#([^"]+)(")', function(a, id, b) return a .. "#" .. ref(id) .. b end)
  svg = svg:gsub('(aria%-[%a]+by%s*=%s*")([^"]*)(")', function(a, list, b)
    return a .. list:gsub("[^%s]+", ref) .. b
  end)
  return svg
end

-- A chart region's name, unique in the page (landmarks need distinct
-- names): a second chart with the same title is "Chart 2: title".
local function region_label(ids, title)
  local base = ("chartname-" .. title):lower():gsub("[^%w]+", "-"):gsub("^%-+", ""):gsub("%-+$", "")
  local got = ids("chartname-" .. title)
  local n = got:sub(1, #base + 1) == base .. "-" and got:sub(#base + 2):match("^(%d+)$")
  return n and ("Chart " .. n .. ": " .. title) or ("Chart: " .. title)
end

local function chart_html(c, links, ids, synthetic)
  local svg = c.svg:gsub("%s+$", "")
  if not c.own_ids then
    svg = namespace_ids(svg, "chart-" .. c.name .. "-")
    -- a hand-made SVG without an accessible name gets the chart's title
    if not svg:match("^%s*<svg[^>]-%srole%s*=") then
      svg = svg:gsub("^(%s*<svg)", '%1 role="img" aria-label="' .. esc(c.title) .. '"', 1)
    end
  end
  local files = {}
  for _, ext in ipairs(links) do
    files[#files + 1] = string.format('<a href="%s.%s">%s</a>', esc(c.name), ext, ext:upper())
  end
  return table.concat({
    string.format('<figure class="chart-figure" id="%s">', ids("figure-" .. c.name)),
    string.format('<div class="chart" role="region" aria-label="%s" tabindex="0">', esc(region_label(ids, c.title))),
    svg,
    "</div>",
    "<figcaption>" .. (synthetic and ('<strong class="synthetic-tag">' .. esc(synthetic) .. "</strong> ") or "")
      .. esc(c.desc) .. (#files > 0 and (" Download: " .. table.concat(files, ", ") .. ".") or "")
      .. "</figcaption>",
    "</figure>",
  }, "\n")
end

-- ===== Page =====

M.css = [[
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: #fff; color: #0b0c0c;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 1rem; line-height: 1.5; }
@media (min-width: 40.0625em) { body { font-size: 1.1875rem; line-height: 1.47; } }
.skip-link { position: absolute; left: -10000px; top: auto; width: 1px; height: 1px; overflow: hidden; }
.skip-link:focus { position: static; width: auto; height: auto; display: block; padding: 10px 15px;
  background: #fd0; color: #0b0c0c; outline: 3px solid #fd0; text-decoration: underline; }
.visually-hidden { position: absolute !important; width: 1px !important; height: 1px !important; margin: 0 !important;
  padding: 0 !important; overflow: hidden !important; clip: rect(0 0 0 0) !important;
  clip-path: inset(50%) !important; border: 0 !important; white-space: nowrap !important; }
/* wide enough that result tables fit at desktop widths; running text keeps
   a readable measure (p, ul: 42em) */
.width-container { max-width: 1240px; margin: 0 15px; }
@media (min-width: 40.0625em) { .width-container { margin: 0 30px; } }
@media (min-width: 1300px) { .width-container { margin: 0 auto; } }
.masthead { background: #0b0c0c; color: #fff; border-bottom: 10px solid #1d70b8; }
.masthead .width-container { display: flex; flex-wrap: wrap; gap: 0 1.5rem; align-items: baseline; padding: 10px 0; }
.masthead-name { font-weight: 700; font-size: 1.25rem; }
.masthead a, .masthead a:visited { color: #fff; }
main { display: block; padding: 1.5rem 0 2rem; }
main:focus { outline: none; }
h1, h2, h3, h4 { font-weight: 700; line-height: 1.2; margin: 0 0 1rem; overflow-wrap: break-word; }
h1 { font-size: 2rem; margin-bottom: 1.5rem; }
h2 { font-size: 1.5rem; margin-top: 2.5rem; padding-top: 0.5rem; border-top: 1px solid #b1b4b6; }
h3 { font-size: 1.1875rem; margin-top: 1.5rem; }
@media (min-width: 40.0625em) { h1 { font-size: 3rem; } h2 { font-size: 2.25rem; } h3 { font-size: 1.5rem; } }
p, ul, ol, dl { margin: 0 0 1.25rem; max-width: 42em; }
ul.list { padding-left: 1.25rem; }
li { margin-bottom: 0.35rem; }
a { color: #1d70b8; text-decoration: underline; text-decoration-thickness: max(1px, .0625rem);
  text-underline-offset: .15em; }
a:visited { color: #4c2c92; }
a:hover { color: #003078; text-decoration-thickness: max(3px, .1875rem); }
a:focus, [tabindex="0"]:focus { outline: 3px solid transparent; background-color: #fd0; color: #0b0c0c;
  box-shadow: 0 -2px #fd0, 0 4px #0b0c0c; text-decoration: none; }
.table-wrap:focus, .chart:focus { background-color: transparent; box-shadow: 0 0 0 3px #fd0, 0 0 0 6px #0b0c0c; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.875em;
  background: #f3f2f1; padding: 0 0.2em; overflow-wrap: anywhere; }
td code, th code { overflow-wrap: normal; word-break: normal; }
td code.hash { word-break: break-all; display: inline-block; min-width: 9em; }
pre { background: #f3f2f1; padding: 0.75rem; overflow-x: auto; max-width: 100%; }
pre code { padding: 0; }
.lead p { font-size: 1.125em; }
.contents { margin-bottom: 2rem; }
.contents h2 { font-size: 1.1875rem; border: 0; margin: 0 0 0.5rem; padding: 0; }
.contents ol { list-style: none; padding: 0; margin: 0; }
.contents li::before { content: "— "; }
.inset { border-left: 10px solid #b1b4b6; padding: 1rem; margin: 0 0 1.5rem; max-width: 42em; }
.inset.warning { border-left-color: #d4351c; }
.findings { border: 5px solid #1d70b8; padding: 1rem 1.25rem 0.25rem; margin: 0 0 2rem; max-width: 48em; }
.findings h2 { margin-top: 0; padding-top: 0; border-top: 0; font-size: 1.5rem; }
.findings ul { margin-bottom: 0.75rem; }
.tag-synthetic { border-left: 10px solid #d4351c; padding: 0.5rem 1rem; }
.synthetic-tag { color: #0b0c0c; }
.explain li:target { background: #fff7bf; }
/* position: relative keeps visually hidden cell text inside the scroll box;
   without it that text widens the page on a phone */
.table-block { margin: 0 0 1.5rem; }
/* a scroll box shows that it scrolls: a shadow at the edge that hides more
   columns (the covers move with the content), and a line of text above */
.table-wrap { overflow-x: auto; margin: 0 0 0.5rem; max-width: 100%; position: relative;
  background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left / 40px 100% no-repeat local,
    linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 40px 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.25), rgba(0,0,0,0)) left / 14px 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.25), rgba(0,0,0,0)) right / 14px 100% no-repeat scroll; }
.scroll-cue { display: none; font-size: 1rem; color: #505a5f; margin: 0 0 0.25rem; }
@media (max-width: 40.0525em) { .scroll-cue { display: block; } }
table { border-collapse: collapse; border-spacing: 0; width: 100%; font-size: 1rem; }
.caption { text-align: left; font-weight: 700; font-size: 1.1875rem; margin: 0 0 0.75rem; max-width: 48em; }
/* on a phone, tables marked to stack show each row as a block, each cell
   under its column's name */
@media (max-width: 40.0525em) {
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.stack, table.stack tbody, table.stack tr, table.stack th, table.stack td { display: block; width: 100%; }
  table.stack tr { border-bottom: 2px solid #b1b4b6; padding: 0.5rem 0; }
  table.stack th, table.stack td { border: 0; padding: 0.15rem 0; text-align: left; white-space: normal; }
  table.stack tbody th { font-weight: 700; }
  table.stack td::before { content: attr(data-label) ": "; font-weight: 700; }
}
th, td { padding: 0.5rem 1.25rem 0.5rem 0; border-bottom: 1px solid #b1b4b6; text-align: left; vertical-align: top; }
thead th { font-weight: 700; }
tbody th { font-weight: 400; }
th:last-child, td:last-child { padding-right: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
/* column names wrap between words; only the numbers under them do not */
thead th.num { white-space: normal; }
/* tables of many columns: a smaller type and tighter columns, so that they
   fit the width of a desktop screen without scrolling */
table.wide { font-size: 0.875rem; }
table.wide th, table.wide td { padding-right: 0.6rem; }
@media (max-width: 40.0525em) { td code, th code { overflow-wrap: anywhere; } }
.mark.yes { color: #00703c; font-weight: 700; }
.mark.no { color: #d4351c; font-weight: 700; }
.table-note { font-size: 1rem; color: #505a5f; }
.chart-figure { margin: 0 0 2rem; }
.chart { overflow-x: auto; max-width: 100%; position: relative; }
/* charts scale to the width: never cropped, never scrolled */
.chart svg { display: block; width: 100%; height: auto; max-width: 48rem; }
figcaption { font-size: 1rem; color: #505a5f; margin-top: 0.5rem; max-width: 42em; }
.summary { margin: 0 0 2rem; padding: 0; }
.summary div { border-bottom: 1px solid #b1b4b6; padding: 0.5rem 0; }
@media (min-width: 40.0625em) { .summary div { display: flex; } .summary dt { flex: 0 0 30%; padding-right: 1.25rem; } }
.summary dt { font-weight: 700; margin: 0; }
.summary dd { margin: 0; flex: 1 1 auto; }
footer { border-top: 1px solid #b1b4b6; padding: 1.5rem 0 2rem; font-size: 1rem; color: #505a5f; }
@page { size: A4; margin: 18mm 15mm 20mm; }
@media print {
  body { font-size: 10.5pt; line-height: 1.35; color: #000; }
  .skip-link, .masthead, .contents, footer { display: none; }
  .width-container { max-width: none; margin: 0; }
  main { padding: 0; }
  h1 { font-size: 20pt; } h2 { font-size: 15pt; margin-top: 1.5rem; } h3 { font-size: 12pt; }
  h1, h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  p, li { orphans: 3; widows: 3; }
  a, a:visited { color: #000; }
  .table-wrap, .chart { overflow: visible; }
  table { font-size: 9pt; break-inside: auto; }
  /* paper cannot scroll: paths and hashes wrap anywhere, column names at
     their underscores (<wbr>), numbers between words */
  th, td { padding: 3pt 6pt 3pt 0; }
  td code, th code, td code.hash { word-break: break-all; min-width: 0; }
  .num { white-space: normal; }
  figcaption, .table-note { font-size: 9pt; }
  table.wide { font-size: 7pt; }
  table.wide th, table.wide td { padding-right: 3pt; }
  table.xwide { font-size: 6pt; }
  table.xwide th, table.xwide td { padding-right: 2pt; }
  /* headers wrap between words only: never "impac t" */
  th, td { hyphens: manual; word-break: normal; overflow-wrap: normal; }
  .table-wrap { background: none; }
  .scroll-cue { display: none; }
  /* a table is not split across pages (long tables are summarised, their
     rows in the CSV) */
  .table-block, .findings { break-inside: avoid; page-break-inside: avoid; }
  .caption { break-after: avoid; page-break-after: avoid; font-size: 11pt; }
  thead { display: table-header-group; }
  tr, th, td, .inset { break-inside: avoid; page-break-inside: avoid; }
  .chart-figure { break-inside: avoid; page-break-inside: avoid; }
  .chart svg { min-width: 0; max-width: 100%; }
  code { background: none; }
}
]]

--- A whole page.  o: title, body (HTML), home (href of the index or nil),
-- footer (HTML or nil).
function M.page(o)
  return table.concat({
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    -- Nothing may be fetched: styles and charts are inline.
    [[<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">]],
    "<title>" .. esc(o.title) .. "</title>",
    "<style>\n" .. M.css .. "</style>",
    "</head>",
    "<body>",
    '<a class="skip-link" href="#main">Skip to main content</a>',
    '<header class="masthead"><div class="width-container"><span class="masthead-name">csceval</span>'
      .. (o.home and ('<a href="' .. esc(o.home) .. '">All reports</a>') or "") .. "</div></header>",
    '<div class="width-container">',
    '<main id="main" tabindex="-1">',
    o.body,
    "</main>",
    o.footer and ("<footer>" .. o.footer .. "</footer>") or "",
    "</div>",
    "</body>",
    "</html>",
  }, "\n") .. "\n"
end

-- Unique ids within one page.
local function id_maker()
  local used = {}
  return function(base) return util.slug(base, used, "x") end
end

local function block_html(b, ids, chart_links, title)
  if b.kind == "p" then return "<p>" .. inline(b.text) .. "</p>"
  elseif b.kind == "inset" then return '<div class="inset warning">' .. inline(b.text) .. "</div>"
  elseif b.kind == "list" then
    local li = {}
    for _, it in ipairs(b.items) do li[#li + 1] = "<li>" .. inline(it) .. "</li>" end
    return '<ul class="list">\n' .. table.concat(li, "\n") .. "\n</ul>"
  elseif b.kind == "findings" then
    local li = {}
    for _, it in ipairs(b.items) do li[#li + 1] = "<li>" .. inline(it) .. "</li>" end
    return string.format('<div class="findings" role="region" aria-labelledby="key-findings">\n'
      .. '<h2 id="key-findings">%s</h2>\n<ul class="list">\n%s\n</ul>\n</div>', esc(b.title), table.concat(li, "\n"))
  elseif b.kind == "explain" then
    local li = {}
    for _, it in ipairs(b.items) do li[#li + 1] = string.format('<li id="%s">%s</li>', esc(it.id), inline(it.text)) end
    return '<ul class="list explain">\n' .. table.concat(li, "\n") .. "\n</ul>"
  elseif b.kind == "table" then return table_html(b, ids)
  elseif b.kind == "markdown" then return M.markdown(b.text, ids, title)
  elseif b.kind == "chart" then return chart_html(b.chart, chart_links, ids, b.synthetic)
  end
  error("html: unknown block kind " .. tostring(b.kind))
end

--- report.html from csc.render.report's model.  opts.chart_links: file types
-- written beside each chart ({"svg", "png"}), linked under it.
function M.report(doc, opts)
  opts = opts or {}
  local ids = id_maker()
  for _, sec in ipairs(doc.sections) do ids(sec.id) end
  ids("main"); ids("contents")
  local o = { "<h1>" .. esc(doc.title) .. "</h1>", '<div class="lead">' }
  for _, b in ipairs(doc.lead) do o[#o + 1] = block_html(b, ids, opts.chart_links or {}) end
  o[#o + 1] = "</div>"
  o[#o + 1] = '<nav class="contents" aria-labelledby="contents"><h2 id="contents">Contents</h2><ol>'
  for _, sec in ipairs(doc.sections) do
    o[#o + 1] = string.format('<li><a href="#%s">%s</a></li>', sec.id, esc(sec.title))
  end
  o[#o + 1] = "</ol></nav>"
  for _, sec in ipairs(doc.sections) do
    o[#o + 1] = string.format('<section aria-labelledby="%s">\n<h2 id="%s">%s</h2>', sec.id, sec.id, esc(sec.title))
    for _, b in ipairs(sec.blocks) do o[#o + 1] = block_html(b, ids, opts.chart_links or {}, sec.title) end
    o[#o + 1] = "</section>"
  end
  local st = doc.stamp or {}
  return M.page({ title = doc.title .. " – csceval report", body = table.concat(o, "\n"), home = opts.home,
    footer = st.csceval and ("Made with csceval " .. esc(st.csceval) .. ". The same inputs, recipe and seed give "
      .. "this page byte for byte.") })
end

--- out/index.html.  entries: {href, title, question, design, headline, evidence = {text...}}.
function M.index(entries)
  local o = { "<h1>csceval results</h1>" }
  if #entries == 0 then
    o[#o + 1] = "<p>No recipe has been run into this folder yet.</p>"
  else
    o[#o + 1] = string.format("<p>%d %s run. Each report sets the figures its source published beside the ones "
      .. "csceval reproduced.</p>", #entries, #entries == 1 and "recipe" or "recipes")
  end
  for _, e in ipairs(entries) do
    o[#o + 1] = "<section>"
    o[#o + 1] = string.format('<h2><a href="%s">%s</a></h2>', esc(e.href), esc(e.title))
    if e.synthetic then
      local w = require("csc.synthetic").words(e.synthetic_kind)
      o[#o + 1] = '<p class="tag-synthetic"><strong>' .. esc(w.card) .. "</strong> " .. esc(w.lead_more) .. "</p>"
    end
    o[#o + 1] = '<dl class="summary">'
    local function row(k, v)
      o[#o + 1] = string.format("<div><dt>%s</dt><dd>%s</dd></div>", esc(k), v)
    end
    row("Question", esc(e.question))
    row("Design", esc(e.design))
    row("Headline result", esc(e.headline))
    local ev = {}
    for _, t in ipairs(e.evidence) do ev[#ev + 1] = esc(t) end
    row("Strength of evidence", table.concat(ev, " "))
    o[#o + 1] = "</dl>"
    o[#o + 1] = "</section>"
  end
  return M.page({ title = "csceval results", body = table.concat(o, "\n"),
    footer = "“Strength of evidence” counts the published figures reproduced within their tolerance and the "
      .. "diagnostics raised, and adds the design’s own note where it gives one (docs/reports.md)." })
end

return M
