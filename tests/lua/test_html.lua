-- Reports: the shared section model, report.md's format, report.html and
-- index.html, SVG charts, PNG export, ctx:chart, and byte-identical reruns.
local H = ...
local svg = require("csc.render.svg")
local html = require("csc.render.html")
local report = require("csc.render.report")
local context = require("csc.context")
local json = require("csc.json")
local sys = require("host.sys")
local NA = require("host.frame").NA

local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-html-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid()) .. "-"
  .. tostring(math.random(1e6))
sys.mkdirs(tmp)

local function count(s, pat)
  local n = 0
  for _ in s:gmatch(pat) do n = n + 1 end
  return n
end

-- ===== svg =====

H.case("nice ticks follow Heckbert's 1-2-5 steps and cover the range", function()
  local t, lo, hi, step = svg.nice_ticks(0, 513, 5)
  H.eq({ lo, hi, step }, { 0, 600, 200 })
  H.eq(#t, 4)
  t, lo, hi, step = svg.nice_ticks(2.7, 38.0, 5)
  H.eq({ lo, hi, step }, { 0, 40, 10 })
  t, lo, hi, step = svg.nice_ticks(0.31, 0.72, 5)
  H.eq(step, 0.1, 1e-12)
  H.ok(lo <= 0.31 and hi >= 0.72, "ticks cover the data")
  t = svg.nice_ticks(5, 5, 5)   -- a flat series still gets an axis
  H.ok(#t >= 2)
end)

H.case("svg numbers are fixed-format with no negative zero", function()
  H.eq(svg.num(1.5), "1.5")
  H.eq(svg.num(2), "2")
  H.eq(svg.num(-0.001), "0")
  H.eq(svg.num(10.126), "10.13")
  H.eq(svg.num(100), "100")
end)

H.case("every series colour has at least 3:1 contrast on white (WCAG 1.4.11)", function()
  local function lum(hex)
    local c = {}
    for i = 0, 2 do
      local v = tonumber(hex:sub(2 + 2 * i, 3 + 2 * i), 16) / 255
      c[i + 1] = v <= 0.03928 and v / 12.92 or ((v + 0.055) / 1.055) ^ 2.4
    end
    return 0.2126 * c[1] + 0.7152 * c[2] + 0.0722 * c[3]
  end
  for _, colour in ipairs(svg.palette) do
    local ratio = 1.05 / (lum(colour) + 0.05)
    H.ok(ratio >= 3, colour .. " has contrast " .. ratio)
  end
  -- series also differ without colour: dash patterns and markers are distinct
  local seen = {}
  for i = 1, 4 do
    local key = svg.dashes[i] .. "/" .. svg.markers[i]
    H.ok(not seen[key], "style " .. i .. " repeats an earlier one"); seen[key] = true
  end
end)

local years, auth, mean, mn, mx, eng = {}, {}, {}, {}, {}, {}
for y = 2013, 2025 do
  years[#years + 1] = y
  auth[#auth + 1] = 400 + (y - 2013) * 11.5; mean[#mean + 1] = 500; mn[#mn + 1] = 300; mx[#mx + 1] = 700; eng[#eng + 1] = 550
end
auth[3] = NA

local kinds = {
  benchmark = { x = years, authority = { name = "A", values = auth },
    neighbours = { mean = mean, min = mn, max = mx }, england = { values = eng } },
  its = { series = { { name = "A", x = { 1, 2, 3, 4, 5, 6 }, y = { 5, 6, 7, 4, 5, 6 },
    fitted = { { x = { 1, 3 }, y = { 5, 7 } }, { x = { 4, 6 }, y = { 4, 6 } } },
    counterfactual = { x = { 4, 6 }, y = { 8, 10 } }, band = { x = { 4, 6 }, lo = { 3, 5 }, hi = { 5, 7 } } } },
    intervention = 3.5 },
  love = { variables = { "age", "fsm" }, before = { 0.3, -0.2 }, after = { 0.02, 0.14 } },
  overlap = { groups = { { name = "T", values = { 0.2, 0.5, 0.55, 0.9 } }, { name = "C", values = { 0.1, 0.2, 0.4 } } } },
  funnel = { units = { { label = "a", n = 100, value = 20 }, { label = "b", n = 1000, value = 25 },
    { label = "c", n = 5000, value = 22 } }, per = 100, highlight = "b" },
  bars = { categories = { "x", "y" }, series = { { name = "2018", values = { 1, 2 } }, { name = "2020", values = { 3, 4 } } } },
  tornado = { base = 1, items = { { label = "p", low = 0.5, high = 1.5 }, { label = "q", low = 0.9, high = 1.2 } } },
  lines = { series = { { name = "s", x = { 1, 2, 3 }, y = { 1, 4, 9 } } } },
}

H.case("every chart kind is accessible, deterministic and free of NaN", function()
  for _, kind in ipairs({ "benchmark", "its", "love", "overlap", "funnel", "bars", "tornado", "lines" }) do
    local spec = kinds[kind]
    spec.id, spec.title, spec.desc = "c-" .. kind, "Title of " .. kind, "What " .. kind .. " shows."
    local s = svg.kinds[kind](spec)
    H.ok(s:match('^<svg [^>]*role="img"'), kind .. ": role=img")
    H.ok(s:find('aria-labelledby="c-' .. kind .. '-title c-' .. kind .. '-desc"', 1, true), kind .. ": aria-labelledby")
    H.ok(s:find('<title id="c-' .. kind .. '-title">Title of ' .. kind .. "</title>", 1, true), kind .. ": title")
    H.ok(s:find('<desc id="c-' .. kind .. '-desc">', 1, true), kind .. ": desc")
    H.ok(not s:lower():find("nan") and not s:find("inf"), kind .. ": no NaN or inf in the output")
    H.ok(not s:find("%d%.%d%d%d"), kind .. ": coordinates have at most two decimals")
    H.eq(svg.kinds[kind](spec), s)
  end
end)

H.case("the step-by-step builder (svg.chart, used by the ITS designs) draws through svg.plot", function()
  local c = svg.chart({ id = "b", title = "ITS", desc = "Rates by year.", x_label = "Year", y_label = "Rate",
    x_ticks = { { 2015, "2014/15" }, { 2016, "2015/16" }, { 2017, "2016/17" } }, y_zero = true })
  c:points({ x = { 2015, 2016, 2017 }, y = { 5, 6, NA }, label = "Observed" })   -- drawn after the band
  c:band({ x = { 2016, 2017 }, lo = { 4, 5 }, hi = { 6, 7 }, label = "95% CI" })
  c:line({ x = { 2015, 2017 }, y = { 5, 7 }, dashed = true, color = svg.palette.counterfactual, label = "Counterfactual" })
  c:line({ x = { 2015, 2017 }, y = { 5, 6 }, label = "Counterfactual" })          -- label shown once
  c:vline({ x = 2015.5, label = "Programme" })
  local s = c:render()
  H.ok(s:find('aria-labelledby="b-title b-desc"', 1, true) and s:find("<desc id=\"b-desc\">Rates by year.</desc>", 1, true))
  H.ok(s:find(">2015/16</text>", 1, true) and s:find(">Programme</text>", 1, true))
  H.eq(count(s, ">Counterfactual</text>"), 1)
  H.ok(s:find("fill-opacity=\"0.15\"", 1, true), "band opacity kept")
  H.ok(s:find("<path d=\"M[^\"]*Z\" fill=") < s:find("<circle"), "the band is drawn before the points")
  H.ok(s:find(">0</text>", 1, true), "y_zero puts 0 on the axis")
  H.eq(c:render(), s)
  H.raises("svg line: x has 1 values but y has 2", c.line, c, { x = { 1 }, y = { 1, 2 } })
  H.raises("svg vline: x must be a number", c.vline, c, { x = "a" })
end)

H.case("charts refuse to be drawn without a title or a description", function()
  H.raises("desc must be a non-empty string", svg.bars, { title = "t", categories = {}, series = {} })
  H.raises("title must be a non-empty string", svg.its, { desc = "d", series = {} })
end)

H.case("chart text is escaped", function()
  local s = svg.bars({ title = "<b>&", desc = "d", categories = { "<script>" }, series = { { values = { 1 } } } })
  H.ok(not s:find("<script>", 1, true) and s:find("&lt;script&gt;", 1, true))
  H.ok(s:find("&lt;b&gt;&amp;", 1, true))
end)

-- ===== html helpers =====

H.case("inline Markdown becomes escaped HTML; unsafe links stay text", function()
  H.eq(html.inline("**Q.** a `x < y` and *b* <i>"),
    "<strong>Q.</strong> a <code>x &lt; y</code> and <em>b</em> &lt;i&gt;")
  H.eq(html.inline("[index](../index.html)"), '<a href="../index.html">index</a>')
  H.ok(not html.inline("[x](javascript:alert(1))"):find("<a", 1, true))
  H.eq(html.inline("2 * 3 * 4"), "2 * 3 * 4")
end)

H.case("section Markdown: tables with captions, lists, headings never above h3", function()
  local ids = 0
  local out = html.markdown("# Big\n\ntext\nmore\n\n| a | b |\n|---|---|\n| 1 \\| 2 | 3 |\n\n- one\n- two",
    function(b) ids = ids + 1; return b .. ids end, "My section")
  H.ok(out:find("<h3>Big</h3>", 1, true), out)
  H.ok(out:find("<p>text more</p>", 1, true))
  H.ok(out:find("<caption id=\"table-my-section-table-11\">My section: table 1</caption>", 1, true)
    or out:find("My section: table 1</caption>", 1, true), out)
  H.ok(out:find("<th scope=\"row\">1 | 2</th>", 1, true), out)
  H.ok(out:find("<li>two</li>", 1, true))
end)

-- ===== the section model and report.md =====

local function fake_run(extra)
  local ctx = context.new({ spec = {}, path = "recipes/x.lua", id = "x" }, {}, {
    { name = "d", path = "data/d.csv", rows = 3, columns = 2, sha256 = string.rep("ab", 32), synthetic = true },
  }, {}, svg.kinds)
  ctx:method("Mean of y.")
  ctx:estimate({ label = "mean", value = 2.5, se = 0.5, ci = { 1.5, 3.5 }, p = 0.0001, n = 3, headline = true })
  ctx:estimate({ label = "detail", value = 1, detail = true })
  ctx:table("t", { columns = { "g", "y" }, rows = { { "a", 1.25 }, { "b|c", NA } } }, { caption = "Y by g", digits = 1 })
  ctx:chart({ name = "c", kind = "bars", table = "t", title = "Y [by] g", desc = "Bars of y.",
    categories = { "a", "b" }, series = { { values = { 1.25, 0 } } } })
  ctx:warn("pre-period trends differ (p = 0.03)")
  if extra then extra(ctx) end
  local r = { path = "recipes/x.lua", spec = { title = "T", question = "Q?", design = { type = "custom" },
    source = { report = "R", reference = "RR1", tables = { "Table 1" } }, limitations = { "L." } } }
  local published = { { label = "m", source = "Table 1", published = 2.5, reproduced = 2.5, tolerance = 0.1, within = true } }
  local stamp = { csceval = "9.9", lua = "Lua 5.4.4", gsl = "2.7", recipe_sha256 = "ff", seed = 1,
    command = "csceval run recipes/x.lua" }
  return ctx, r, published, stamp
end

H.case("the synthetic-data notice names each input's generator, real data and the columns a real file needs", function()
  local ctx, r, published, stamp = fake_run()
  r.spec.inputs = { d = { generator = "data/gen.lua", real_data = "the council's file, held by the council.",
    columns = { "g", "y" } } }
  local md = report.markdown(ctx, r, published, stamp)
  H.ok(md:find("The input d (made by `data/gen.lua`; the real data: the council's file, held by the council; "
    .. "columns g, y) was generated to match the published descriptives", 1, true), md)
end)

H.case("report.md keeps its layout: every block then a blank line", function()
  local md = report.markdown(fake_run())
  H.eq(md, table.concat({
    "# T", "",
    "> **Key findings**", ">",
    "> - **Synthetic data: agreement by construction.** The inputs were made to match the published figures, "
      .. "so reproducing them is not a finding (see below).",
    "> - **Mean**: 2.50 (95% CI 1.50 to 3.50); statistically significant at 5% (p < 0.001).",
    "> - 1 diagnostic raised: see [Diagnostics and warnings](#diagnostics-and-warnings).",
    "> - **Published against reproduced:** 1 of 1 within tolerance: [see the table](#published-against-reproduced).", "",
    "**Question.** Q?", "",
    "**Source.** R (RR1). Reruns: Table 1.", "",
    "> **These results use synthetic data.** The input d was generated to match the published descriptives, "
      .. "because the original records are not public (confidential or unpublished). To run on the real file: `csceval run recipes/x.lua --data d=PATH`.", "",
    "## Design", "", "Design: custom.", "",
    "## Data", "",
    "| input | synthetic | file | rows | columns | SHA-256 |", "|---|---|---|---|---|---|",
    "| d | yes | `data/d.csv` | 3 | 2 | `abababababababab…` |", "",
    "## Method", "", "Mean of y.", "",
    "## Results", "",
    "| estimate | value | SE | 95% CI | p | n |", "|---|---|---|---|---|---|",
    "| Mean | 2.50 | 0.50 | 1.50 to 3.50 | < 0.001 | 3 |", "",
    "1 further estimate (the figures behind the tables below) is in results.json.", "",
    "![Y by g](c.svg)", "",
    "*Synthetic data: agreement with the published figures is by construction.*", "",
    "### Y by g", "", "| g | y |", "|---|---|", "| a | 1.2 |", "| b\\|c | – |", "",
    "## Published against reproduced", "",
    "Each figure the source report printed, with the value csceval reproduced, the difference, and the tolerance "
      .. "the recipe allows (with its reason in the note). Published figures and tolerances are shown as printed; "
      .. "the reproduced value has one decimal more. Figures that differ come first.", "",
    "| figure | published | reproduced | difference | tolerance | within | note |", "|---|---|---|---|---|---|---|",
    "| m (Table 1) | 2.5 | 2.50 | 0 | ± 0.1 | ✓ | – |", "",
    "## Diagnostics and warnings", "", "- pre-period trends differ (p = 0.03)", "",
    "## Limitations", "", "- L.", "",
    "## Reproducibility", "",
    "csceval 9.9, Lua 5.4.4, GSL 2.7. Recipe `recipes/x.lua`, SHA-256 `ff`. Seed 1.", "",
    "Command: `csceval run recipes/x.lua`", "",
  }, "\n"))
end)

H.case("a design's evidence note is shown under Diagnostics", function()
  local md = report.markdown(fake_run(function(ctx) ctx.evidence = "Only one post-period point." end))
  H.ok(md:find("## Diagnostics and warnings\n\n**Strength of evidence.** Only one post-period point.\n", 1, true))
end)

H.case("report.md: HTML in recipe text and data is escaped, control characters are shown", function()
  local ctx, r, published, stamp = fake_run(function(c)
    c:estimate({ label = "n\1<i>", value = 1 })
    c:table("u", { columns = { "<script>g", "n" }, rows = { { "a\0b<em>", 1 } } })
  end)
  r.spec.title = "T <script>alert(1)</script> `<b>kept</b>`"
  r.spec.question = "Q <img src=x onerror=alert(1)>?"
  r.spec.limitations = { "a <!-- c --> limit", "p < 0.05 and 2<3" }
  local md = report.markdown(ctx, r, published, stamp)
  H.ok(md:find("# T \\<script>alert(1)\\</script> `<b>kept</b>`\n", 1, true), md)
  H.ok(md:find("**Question.** Q \\<img src=x onerror=alert(1)>?", 1, true))
  H.ok(md:find("- a \\<!-- c --> limit\n- p < 0.05 and 2<3\n", 1, true), "a < that opens no tag is left")
  H.ok(md:find("| \\<script>g | n |", 1, true) and md:find("| a\u{2400}b\\<em> | 1 |", 1, true), md)
  H.ok(md:find("N\u{2401}\\<i>", 1, true) or md:find("n\u{2401}\\<i>", 1, true), md)
  -- outside code spans, no "<" is left that opens a tag, and no control character at all
  local outside = md:gsub("`[^`]+`", "")
  H.ok(not outside:find("[^\\]<[%a/!?]"), "an unescaped tag")
  H.ok(not md:find("[%z\1-\8\11\12\14-\31\127]"), "a control character")
  local page = html.report(report.model(ctx, r, published, stamp), { home = "../index.html" })
  H.ok(not page:find("<script", 1, true) and not page:find("[%z\1-\8\11\12\14-\31\127]"))
  H.ok(page:find("a\u{2400}b&lt;em&gt;", 1, true))
  H.eq(report.md_text("x <y> `<z>` <"), "x \\<y> `<z>` <")
end)

H.case("report.html: self-contained, same sections, accessible structure", function()
  local ctx, r, published, stamp = fake_run()
  local doc = report.model(ctx, r, published, stamp)
  local page = html.report(doc, { home = "../index.html", chart_links = { "svg" } })
  H.ok(page:match("^<!DOCTYPE html>\n<html lang=\"en\">"))
  H.ok(page:find("default-src 'none'", 1, true), "a CSP that forbids every fetch")
  H.ok(not page:find("<script", 1, true) and not page:find("<link", 1, true) and not page:find("%ssrc="),
    "no scripts, no linked stylesheets, no src= attributes")
  local _, nhttp = page:gsub("https?://", "")
  local _, nns = page:gsub('xmlns="http://www.w3.org/2000/svg"', "")
  H.eq(nhttp, nns)   -- the only URLs are SVG namespace names, which are never fetched
  H.eq(count(page, "<h1>"), 1)
  for _, sec in ipairs(doc.sections) do
    H.ok(page:find('<h2 id="' .. sec.id .. '">' .. sec.title .. "</h2>", 1, true), sec.title)
  end
  H.eq(count(page, "<table[ >]"), count(page, "<caption "))
  H.eq(count(page, "<table[ >]"), 4)
  H.ok(page:find('<a class="skip-link" href="#main">', 1, true))
  H.ok(page:find('<main id="main"', 1, true))
  H.ok(page:find("@page { size: A4;", 1, true) and page:find("@media print", 1, true))
  H.ok(page:find('role="img" aria-labelledby="chart-c-title chart-c-desc"', 1, true))
  H.ok(page:find('<span class="visually-hidden">yes</span>', 1, true))
  H.ok(page:find('<code class="hash">' .. string.rep("ab", 32) .. "</code>", 1, true), "the full SHA-256")
  H.ok(not page:find("%d%d%d%d%-%d%d%-%d%d"), "no dates in the page")
  H.ok(page:find("b|c", 1, true))
end)

-- ===== ctx:chart =====

H.case("ctx:chart checks names, descriptions, kinds and hand-made SVG", function()
  local ctx = context.new({ spec = {}, path = "r.lua", id = "r" }, {}, {}, {}, svg.kinds)
  local good = { name = "a", title = "t", desc = "d", kind = "bars", categories = { "x" }, series = { { values = { 1 } } } }
  ctx:chart(good)
  H.raises('"a" is used twice', ctx.chart, ctx, good)
  H.raises("desc must be a non-empty string", ctx.chart, ctx, { name = "b", title = "t", kind = "bars" })
  H.raises("kind pie is not a chart kind (use bars, benchmark", ctx.chart, ctx,
    { name = "b", title = "t", desc = "d", kind = "pie" })
  H.raises("name must be letters", ctx.chart, ctx, { name = "../x", title = "t", desc = "d", kind = "bars" })
  H.raises("ctx:chart b: svg.bars: categories must be a list", ctx.chart, ctx,
    { name = "b", title = "t", desc = "d", kind = "bars" })
  local head = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
  for _, bad in ipairs({
    { head .. "<script>alert(1)</script></svg>", "<script>" },
    { head .. '<image href="https://example.org/x.png"/></svg>', "a link to another file" },
    { head .. '<image xlink:href="/etc/passwd"/></svg>', "a link to another file" },
    { head .. '<rect onclick="x()"/></svg>', "event handler" },
    { head .. '<rect style="fill:url(http://x/y)"/></svg>', "url()" },
    { "<div>not svg</div>", "one <svg> element" },
  }) do
    H.raises(bad[2], ctx.chart, ctx, { name = "raw", title = "t", desc = "d", svg = bad[1] })
  end
  ctx:chart({ name = "raw", title = "t", desc = "d", svg = head .. '<rect fill="url(#p)"/></svg>' })
end)

H.case("hand-made SVG ids are made unique in the page, references follow", function()
  local ctx, r, published, stamp = fake_run(function(ctx)
    local s = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><pattern id="p"/></defs>'
      .. '<rect fill="url(#p)"/></svg>'
    ctx:chart({ name = "r1", title = "one", desc = "d", svg = s })
    ctx:chart({ name = "r2", title = "two", desc = "d", svg = s })
  end)
  local page = html.report(report.model(ctx, r, published, stamp), {})
  H.ok(page:find('id="chart-r1-p"', 1, true) and page:find('fill="url(#chart-r2-p)"', 1, true), "ids prefixed")
  H.ok(not page:find('id="p"', 1, true))
  H.ok(page:find('<svg role="img" aria-label="one"', 1, true), "an accessible name is added")
end)

-- ===== PNG =====

H.case("PNG export: librsvg renders a chart; same SVG, same bytes; bad SVG is an error", function()
  local png = require("host.png")
  local s = svg.bars({ id = "b", title = "t", desc = "d", categories = { "a" }, series = { { values = { 1 } } } })
  local p = png.from_svg(s, 1)
  H.eq(p:sub(1, 8), "\137PNG\r\n\26\n")
  -- IHDR holds the size: 640 wide at scale 1
  H.eq(string.unpack(">I4", p, 17), 640)
  H.eq(string.unpack(">I4", png.from_svg(s, 2), 17), 1280)
  H.eq(png.from_svg(s, 1), p)
  H.raises("png.from_svg: not a readable SVG document", png.from_svg, "<svg")
  H.raises("outside 1 to", png.from_svg, '<svg xmlns="http://www.w3.org/2000/svg" width="99999" height="9"/>')
  H.raises("scale must be", png.from_svg, s, 0)
end)

H.case("a chart librsvg cannot draw is an output error naming the chart", function()
  local output = require("csc.render.output")
  local ctx, r, published, stamp = fake_run(function(ctx)
    ctx:chart({ name = "broken", title = "t", desc = "d", svg = "<svg><rect></svg>" })
    ctx.png = true
  end)
  local msg = H.raises("chart broken: cannot make broken.png: not a readable SVG document", output.render,
    ctx, r, published, stamp, { "md" })
  local ok, e = pcall(output.render, ctx, r, published, stamp, { "md" })
  H.eq(e.kind, "output")
  H.ok(msg and not ok)
end)

-- ===== whole runs: determinism, formats, index =====

local runner = require("csc.runner")
local index = require("csc.render.index")

local function files_of(dir)
  local t = {}
  for _, f in ipairs(sys.listdir(dir)) do
    if f:sub(1, 1) ~= "." then t[f] = sys.read(dir .. "/" .. f) end
  end
  return t
end

local function run_into(out, recipe, opts)
  opts = opts or {}
  return runner.run(recipe, { out = out, png = opts.png, formats = opts.formats,
    command = "csceval run " .. recipe .. " --png" })
end

H.case("same inputs and seed give byte-identical outputs, PNGs included", function()
  local a, b = tmp .. "/a", tmp .. "/b"
  run_into(a, "tests/browser/gallery.lua", { png = true })
  run_into(b, "tests/browser/gallery.lua", { png = true })
  local fa, fb = files_of(a .. "/gallery"), files_of(b .. "/gallery")
  local names = {}
  for k in pairs(fa) do names[#names + 1] = k end
  table.sort(names)
  H.ok(#names >= 20, "report.md, report.html, results.json, CSV, 9 SVG and 9 PNG: " .. #names)
  for _, n in ipairs(names) do H.ok(fa[n] == fb[n], n .. " differs between two runs") end
  for k in pairs(fb) do H.ok(fa[k] ~= nil, k .. " only in the second run") end
  for _, n in ipairs({ "report.html", "report.md", "results.json" }) do
    H.ok(not fa[n]:find("20%d%d%-%d%d%-%d%d"), n .. " holds no date")
  end
  H.ok(fa["its.png"] and fa["tornado.svg"] and fa["handmade.png"])
end)

H.case("the benchmark design draws one chart per measure", function()
  if sys.kind("../shared/data/ees") ~= "dir" then
    H.skip("benchmark chart", "needs ../shared/data"); return
  end
  local a, b = tmp .. "/la", tmp .. "/lb"
  run_into(a, "recipes/lincs_benchmarks.lua")
  run_into(b, "recipes/lincs_benchmarks.lua")
  local fa, fb = files_of(a .. "/lincs_benchmarks"), files_of(b .. "/lincs_benchmarks")
  H.ok(fa["referral_rate.svg"] and fa["nfa_share.svg"], "two charts")
  H.ok(fa["report.md"]:find("![Referrals per 10,000 children: Lincolnshire, statistical neighbours and England "
    .. "(2024/25: Lincolnshire ranks ", 1, true), "the chart's title gives the latest rank among the neighbours")
  H.ok(fa["report.md"]:find("(referral_rate.svg)", 1, true))
  H.ok(fa["report.html"]:find('aria-labelledby="chart-referral_rate-title chart-referral_rate-desc"', 1, true))
  for k, v in pairs(fa) do H.ok(fb[k] == v, k .. " differs between two runs") end
end)

H.case("--format and outputs.formats choose the files; html is a default", function()
  local out = tmp .. "/f"
  run_into(out, "tests/browser/gallery.lua", { formats = { "json" } })
  local f = files_of(out .. "/gallery")
  H.ok(f["results.json"] and not f["report.html"] and not f["report.md"] and not f["its.svg"])
  run_into(out, "tests/browser/gallery.lua", { formats = { "html" } })
  f = files_of(out .. "/gallery")
  H.ok(f["report.html"] and f["its.svg"] and not f["report.md"] and not f["its.png"])
  local src = sys.read("tests/browser/gallery.lua")
  local recipe = tmp .. "/only_md.lua"
  assert(sys.write_atomic(recipe, (src:gsub("\n  seed = 7,", '\n  seed = 7,\n  outputs = { formats = { "md" }, png = true },', 1))))
  run_into(out, recipe)
  f = files_of(out .. "/only_md")
  H.ok(f["report.md"] and f["its.png"] and not f["report.html"] and not f["results.json"])
  run_into(out, "tests/browser/gallery.lua")
  f = files_of(out .. "/gallery")
  H.ok(f["report.html"] and f["report.md"] and f["results.json"] and f["wide.csv"] and not f["its.png"])
end)

H.case("index.html lists each recipe with its headline and strength of evidence", function()
  local out = tmp .. "/i"
  run_into(out, "tests/browser/gallery.lua")
  index.write(out)
  local page = sys.read(out .. "/index.html")
  H.ok(page:find('<a href="gallery/report.html">Chart gallery', 1, true))
  H.ok(page:find("<dt>Headline result</dt><dd>Level change: -6.02 referrals per 10,000</dd>", 1, true), page)
  H.ok(page:find("Published figures reproduced within tolerance: 1 of 2. 2 diagnostics raised (see the report). "
    .. "Made-up data: this report only shows what the charts look like.", 1, true))
  -- the gallery's input is marked synthetic: its card says so
  H.ok(page:find("Agreement by construction: synthetic data.", 1, true), "synthetic mark on the index card")
  H.ok(page:find("Custom analysis written in the recipe (custom)", 1, true))
  local md = sys.read(out .. "/index.md")
  H.ok(md:find("| Agreement by construction: synthetic data (made to match the published figures). "
    .. "Published figures reproduced within tolerance: 1 of 2. 2 diagnostics raised (see the report). "
    .. "Made-up data: this report only shows what the charts look like. |", 1, true), md)
  local doc = json.decode(sys.read(out .. "/gallery/results.json"))
  H.eq(doc.evidence, "Made-up data: this report only shows what the charts look like.")
end)

H.case("index lists a run whose formats leave out json, from its index record", function()
  local full, mdonly, csvonly = tmp .. "/ij", tmp .. "/im", tmp .. "/ic"
  run_into(full, "tests/browser/gallery.lua")
  run_into(mdonly, "tests/browser/gallery.lua", { formats = { "md" } })
  run_into(csvonly, "tests/browser/gallery.lua", { formats = { "csv" } })
  for _, o in ipairs({ full, mdonly, csvonly }) do index.write(o) end
  H.eq(sys.kind(mdonly .. "/gallery/results.json"), nil)
  H.eq(sys.kind(mdonly .. "/gallery/" .. index.RECORD), "file")
  -- the same card as with results.json, linking the report the run wrote
  local want = sys.read(full .. "/index.html"):gsub("gallery/report%.html", "gallery/report.md")
  H.eq(sys.read(mdonly .. "/index.html"), want)
  H.eq(sys.read(mdonly .. "/index.md"), sys.read(full .. "/index.md"))
  -- no report at all: the card links the folder and says why
  local page = sys.read(csvonly .. "/index.html")
  H.ok(page:find('<a href="gallery/">Chart gallery', 1, true), page)
  H.ok(page:find("No report written (the run&#39;s formats: csv).", 1, true), page)
  H.ok(page:find("<dt>Headline result</dt><dd>Level change: -6.02 referrals per 10,000</dd>", 1, true))
end)
