-- What a reader of the reports is promised (docs/reports.md):
--   * a recipe on synthetic data says so wherever its results travel: the
--     command-line summary, index.html and index.md, results.json (overall,
--     per input and per published figure), report.md, and inside every SVG
--     (visible text, not only <desc>) and every PNG (its pixels come from
--     that SVG; its tEXt layer carries the same mark);
--   * report.html and index.html show no estimate code names
--     (word.word.word) outside small print and links to results.json;
--   * what a recipe says about tuning is true of its generator: the
--     generators' settings are read here and each published figure's
--     `synthetic` mark (calibrated, designed, found) is checked against them;
--   * input checks (data against other sources) are not counted as
--     published figures.
local H = ...
local sys = require("host.sys")
local json = require("csc.json")
local recipe = require("csc.recipe")

local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-marks-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid()) .. "-"
  .. tostring(math.random(1e6))
sys.mkdirs(tmp)

local function shell_quote(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

-- Run csceval as a user would and return its standard output.
local function run_cli(args)
  local cmd = { shell_quote(sys.exe()) }
  for _, a in ipairs(args) do cmd[#cmd + 1] = shell_quote(a) end
  local h = assert(io.popen(table.concat(cmd, " ") .. " 2>/dev/null"))
  local out = h:read("a")
  h:close()
  return out
end

-- The tEXt chunks of PNG bytes: keyword -> text.
local function png_text(png)
  local out, i = {}, 9
  while i + 8 <= #png do
    local n = string.unpack(">I4", png, i)
    local kind = png:sub(i + 4, i + 7)
    if kind == "tEXt" then
      local body = png:sub(i + 8, i + 7 + n)
      local k, v = body:match("^([^%z]+)%z(.*)$")
      if k then out[k] = v end
    end
    i = i + 12 + n
  end
  return out
end

local NOTE = require("csc.render.output").SYNTHETIC_CHART_NOTE

H.case("a synthetic-data recipe is marked in the CLI line, index, results.json, report.md, every SVG and PNG", function()
  local out = tmp .. "/synthetic"
  local stdout = run_cli({ "run", "recipes/nwd_leaving_care.lua", "--out", out, "--png" })
  H.ok(stdout:find("nwd_leaving_care: .-SYNTHETIC data in panel: agreement by construction"), "CLI line:\n" .. stdout)
  local dir = out .. "/nwd_leaving_care"
  local index = assert(sys.read(out .. "/index.html"))
  H.ok(index:find("Agreement by construction: synthetic data.", 1, true), "index.html card")
  H.ok(assert(sys.read(out .. "/index.md")):find("Agreement by construction: synthetic data", 1, true), "index.md")
  local doc = json.decode(assert(sys.read(dir .. "/results.json")))
  H.eq(doc.synthetic, true)
  H.ok(type(doc.synthetic_note) == "string" and doc.synthetic_note:find("by construction", 1, true))
  local panel
  for _, inp in ipairs(doc.inputs) do if inp.name == "panel" then panel = inp end end
  H.ok(panel and panel.synthetic == true, "the panel input is marked synthetic in results.json")
  H.ok(#doc.published > 0)
  for _, p in ipairs(doc.published) do
    H.ok(p.synthetic_data == "calibrated" or p.synthetic_data == "designed" or p.synthetic_data == "found",
      "published figure " .. p.label .. " says how it relates to the synthetic data")
    H.eq(p.by_construction, p.synthetic_data ~= "found")
  end
  local md = assert(sys.read(dir .. "/report.md"))
  H.ok(md:find("Synthetic data: agreement by construction", 1, true), "report.md key findings")
  H.ok(md:find("Calibrated into the synthetic data", 1, true), "report.md shows each figure's note")
  local svgs, pngs = 0, 0
  for _, f in ipairs(sys.listdir(dir)) do
    if f:match("%.svg$") then
      svgs = svgs + 1
      local svg = assert(sys.read(dir .. "/" .. f))
      -- visible text inside the image, not only the hidden description
      H.ok(svg:find(">" .. NOTE:gsub("%p", "%%%0") .. "</text>"), f .. " shows the synthetic note as text")
      H.ok(svg:find("Source: csceval rerun of", 1, true), f .. " has a source line")
    elseif f:match("%.png$") then
      pngs = pngs + 1
      local t = png_text(assert(sys.read(dir .. "/" .. f)))
      H.eq(t.Comment, NOTE)
      H.ok(t.Title and t.Title ~= "", f .. " carries its title")
    end
  end
  H.ok(svgs >= 3 and pngs == svgs, string.format("%d SVG and %d PNG charts", svgs, pngs))
end)

H.case("a recipe on real data carries no synthetic mark", function()
  if sys.kind("../shared/data/ees") ~= "dir" then
    return H.skip("real-data recipe", "needs ../shared/data (the public statistics beside this checkout)")
  end
  local out = tmp .. "/real"
  local stdout = run_cli({ "run", "recipes/lincs_benchmarks.lua", "--out", out, "--png" })
  H.ok(stdout:find("lincs_benchmarks:", 1, true) and not stdout:find("SYNTHETIC", 1, true), stdout)
  local doc = json.decode(assert(sys.read(out .. "/lincs_benchmarks/results.json")))
  H.eq(doc.synthetic, false)
  local index = assert(sys.read(out .. "/index.html"))
  H.ok(not index:find("Agreement by construction", 1, true))
  for _, f in ipairs(sys.listdir(out .. "/lincs_benchmarks")) do
    if f:match("%.svg$") then H.ok(not assert(sys.read(out .. "/lincs_benchmarks/" .. f)):find("SYNTHETIC", 1, true)) end
  end
end)

-- Text a reader sees in an HTML page: without styles, small print (.key,
-- <small>), links to results.json and every tag with its attributes.
local function visible_text(page)
  page = page:gsub("<style>.-</style>", " ")
  page = page:gsub("<small[^>]*>.-</small>", " ")
  page = page:gsub('<span class="key"[^>]*>.-</span>', " ")
  page = page:gsub('<a href="results%.json">.-</a>', " ")
  page = page:gsub("<[^>]*>", " ")
  return page
end

local function code_names(text)
  local found = {}
  for m in text:gmatch("%f[%w_][%a_][%w_]*%.[%a_][%w_]*%.[%w_]+") do
    if not m:match("^www%.") and not m:match("%.gov%.uk$") and not m:match("^[%w%-]+%.[%w%-]+%.uk$") then
      found[#found + 1] = m
    end
  end
  return found
end

H.case("report.html and index.html show no estimate code names (word.word.word)", function()
  H.eq(#code_names(visible_text('<p>Referrals <span title="referrals.level_change">x</span> '
    .. '<small>a.b.c</small> <a href="results.json">r.s.t</a></p>')), 0)
  H.eq(code_names(visible_text("<p>see referrals.level_change.x here</p>"))[1], "referrals.level_change.x",
    "the check catches a code name")
  local out = tmp .. "/names"
  local list = { "run", "tests/browser/gallery.lua" }
  for _, f in ipairs(sys.listdir("recipes")) do
    if f:match("%.lua$") then
      local path = "recipes/" .. f
      -- recipes whose inputs are all in this checkout always run; the rest need ../shared
      if sys.kind("../shared/data") == "dir" or f:match("^nwd_") or f == "lincs_early_help.lua"
          or f == "lincs_future4me.lua" then
        list[#list + 1] = path
      end
    end
  end
  list[#list + 1] = "--out"; list[#list + 1] = out
  run_cli(list)
  local pages = { out .. "/index.html" }
  for _, d in ipairs(sys.listdir(out)) do
    if sys.kind(out .. "/" .. d .. "/report.html") == "file" then pages[#pages + 1] = out .. "/" .. d .. "/report.html" end
  end
  H.ok(#pages >= 4, "reports were written")
  for _, p in ipairs(pages) do
    local names = code_names(visible_text(assert(sys.read(p))))
    H.ok(#names == 0, p .. " shows code names: " .. table.concat(names, ", "))
  end
end)

-- ===== claims about tuning, checked against the generators =====

-- The recipe's published figures, one per figure (tables typed in as
-- printed are expanded), keyed "estimate" or "estimate:field".
local function published_of(path)
  local r = recipe.load(path, {})
  local by = {}
  for _, p in ipairs(require("csc.published").expand(r.spec.published)) do
    by[p.estimate .. ((p.field and p.field ~= "value") and (":" .. p.field) or "")] = p
  end
  return r, by
end

H.case("nwd_leaving_care: each figure's synthetic mark matches what data/nwd_leaving_care/gen.lua tunes", function()
  local gen = assert(sys.read("data/nwd_leaving_care/gen.lua"))
  -- What the generator calibrates: the fields of its TARGET table.
  local target = gen:match("local TARGET = (%b{})")
  H.ok(target, "the generator's TARGET table")
  local tunes_estimate = target:find("estimate%s*=") ~= nil
  local tunes_ci = target:find("half_width%s*=") ~= nil
  local tunes_p = target:find("p_value") ~= nil or target:find("[^%w_]p%s*=") ~= nil
  -- What it designs: named comparison authorities set close to the treated
  -- one, and a check that the selection picks them (else it fails); and
  -- the comparators' departure in 2019.
  local designs_sets = gen:find("local NAMED = ") and gen:find("method = \"itsamatch\"", 1, true)
    and gen:find("does not give the report's comparison sets", 1, true)
  local designs_departure = gen:find("local COMP_2019 = ") ~= nil
  local seed_chosen = gen:find("the first whole number from 1 up for which", 1, true) ~= nil
  local r, pub = published_of("recipes/nwd_leaving_care.lua")
  local expect = {}
  for _, o in ipairs({ "accommodation", "eet" }) do
    expect[o .. ".impact"] = tunes_estimate and "calibrated" or "found"
    expect[o .. ".impact:ci_low"] = tunes_ci and "calibrated" or "found"
    expect[o .. ".impact:ci_high"] = tunes_ci and "calibrated" or "found"
    expect[o .. ".impact:p"] = tunes_p and "calibrated" or "found"
    expect[o .. ".selection_matches"] = designs_sets and "designed" or "found"
  end
  expect["accommodation.comparators_departure:sign"] = designs_departure and "designed" or "found"
  for key, want in pairs(expect) do
    H.ok(pub[key], "the recipe compares " .. key)
    if pub[key] then H.eq(pub[key].synthetic or "calibrated", want) end
  end
  -- The words match: nothing designed or calibrated is called "checked, not tuned".
  local src = assert(sys.read("recipes/nwd_leaving_care.lua"))
  H.ok(not src:find("checked,%s*%-*%s*not tuned"), "the recipe no longer says its comparison sets are 'checked, not tuned'")
  if designs_sets then
    H.ok(src:find("comparison sets are by construction", 1, true), "the data note says the sets are by construction")
    for _, o in ipairs({ "accommodation", "eet" }) do
      local note = pub[o .. ".selection_matches"].note or ""
      H.ok(o == "eet" or note:find("first seed", 1, true) or not seed_chosen,
        "the selection figure's note says the generator keeps the first seed that gives the sets")
    end
  end
end)

H.case("lincs_early_help: census totals are input checks; only significance is 'found'", function()
  local gen = assert(sys.read("data/lincs_early_help/gen.lua"))
  -- the generator fits nothing and tests nothing: no model engine, no p-values
  local tests_anything = gen:find("require%(\"csc%.its") or gen:find("p_value", 1, true)
  local designs_shape = gen:find("local DESIGN = ") and gen:find("slope%s*=")
  local r, pub = published_of("recipes/lincs_early_help.lua")
  for key, p in pairs(pub) do
    if key:match("^annual%.") then
      H.eq(p.input_check, true, nil)
    elseif key:match(":significant$") then
      H.eq(p.synthetic, tests_anything and "calibrated" or "found")
    else
      H.eq(p.synthetic, designs_shape and "designed" or "found")
    end
  end
  -- and the run counts them apart
  local out = tmp .. "/eh"
  local stdout = run_cli({ "run", "recipes/lincs_early_help.lua", "--out", out, "--format", "json" })
  H.ok(stdout:find("published figures within tolerance: 12 of 12; input checks passed: 4 of 4", 1, true), stdout)
  local doc = json.decode(assert(sys.read(out .. "/lincs_early_help/results.json")))
  H.eq(#doc.published, 12)
  H.eq(#doc.input_checks, 4)
end)

H.case("benchmark tables give the authority's rank and quartile among its neighbours", function()
  if sys.kind("../shared/data/ees") ~= "dir" then
    return H.skip("benchmark rank", "needs ../shared/data (the public statistics beside this checkout)")
  end
  local frame = require("host.frame")
  local out = tmp .. "/rank"
  run_cli({ "run", "recipes/lincs_benchmarks.lua", "--out", out, "--format", "csv" })
  local f = assert(frame.read_csv(out .. "/lincs_benchmarks/referral_rate.csv", { types = { rank_among_neighbours = "string" } }))
  local a, lo, hi, n = f:column("Lincolnshire"), f:column("neighbours_min"), f:column("neighbours_max"), f:column("neighbours_n")
  local rank, quart = f:column("rank_among_neighbours"), f:column("quartile_among_neighbours")
  H.ok(f:nrow() >= 10)
  for i = 1, f:nrow() do
    local r, of = tostring(rank[i]):match("^(%d+) of (%d+)$")
    r, of = tonumber(r), tonumber(of)
    H.eq(of, n[i] + 1)
    -- above every neighbour: first; below every one: last; else in between
    if a[i] > hi[i] then H.eq(r, 1) elseif a[i] < lo[i] then H.eq(r, of)
    else H.ok(r >= 1 and r <= of) end
    H.eq(quart[i], math.min(4, math.floor(4 * (r - 1) / of) + 1))
  end
end)

H.case("two charts with the same title get distinct region names (axe-core: landmark-unique)", function()
  local html = require("csc.render.html")
  local svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'
  local doc = { title = "T", lead = {}, sections = { { id = "s", title = "S", blocks = {
    { kind = "chart", chart = { name = "a", title = "Balance", desc = "d", svg = svg } },
    { kind = "chart", chart = { name = "b", title = "Balance", desc = "d", svg = svg } },
  } } } }
  local page = html.report(doc, {})
  H.ok(page:find('aria-label="Chart: Balance"', 1, true), page)
  H.ok(page:find('aria-label="Chart 2: Balance"', 1, true), page)
end)
