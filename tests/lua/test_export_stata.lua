-- csceval export --to stata (csc.export.stata).  Stata is not on the build
-- machine, so the do-files are checked for structure, not run
-- (docs/export.md): the translation of cohort filters and column names;
-- every shipped recipe whose design the export covers (and the did fixture
-- in tests/export/stata/) exports without error; each do-file mentions each
-- input and reads the ones it uses, mentions each covariate of the design
-- in a command, uses only commands from an allow-list, balances its blocks,
-- writes only result names that csceval's own run of the recipe gives, says
-- so when the data are synthetic and lists what it does not reproduce; and
-- each design's do-file equals its golden file in tests/export/stata/
-- (regenerated with ./csceval test tests/export/stata/golden.lua --update).
local H = ...
local sys = require("host.sys")
local errors = require("csc.errors")
local json = require("csc.json")
local recipe = require("csc.recipe")
local data = require("csc.data")
local stata = require("csc.export.stata")
local has_export, export = pcall(require, "csc.export")
if not has_export then
  -- the export framework (lua/csc/export/init.lua) is not in this build
  H.skip("stata export", "csc.export (lua/csc/export/init.lua) is not in this build")
  return
end
local golden = dofile("tests/export/stata/golden.lua")

local tmp = "tests/out/export_stata"
os.execute("rm -rf " .. tmp .. " && mkdir -p " .. tmp)
local shared = sys.kind("../shared/data") == "dir"

H.case("stata export: cohort filters are translated, with csceval's treatment of missing values", function()
  H.eq(stata.expr('(cohort == "2017/18" and back_on_track == 1) or cohort == "2014/15"'),
    '((cohort == "2017/18" & !missing(cohort)) & (back_on_track == 1 & !missing(back_on_track))) | '
    .. '(cohort == "2014/15" & !missing(cohort))')
  -- Stata's missing is larger than every number: x > 5 must not keep it
  H.eq(stata.expr("age > 15"), "(age > 15 & !missing(age))")
  H.eq(stata.expr('la_name in {"Derby", "Leeds"}'), '(inlist(la_name, "Derby", "Leeds") & !missing(la_name))')
  H.eq(stata.expr("not is_missing(x) and y ~= 2"), "!(missing(x)) & (y != 2 & !missing(y))")
  H.eq(stata.expr("if_else(sen == \"E\", 1, 0) == 1"), 'cond((sen == "E" & !missing(sen)), 1, 0) == 1')
  H.eq(stata.expr("a / b * 100 >= 2.5e1"), "a / b * 100 >= 2.5e1")
  H.eq(stata.expr("`Number of children` >= 1", { ["Number of children"] = "Number_of_children" }),
    "(Number_of_children >= 1 & !missing(Number_of_children))")
  local s, why = stata.expr("year(dob) == 2010")
  H.eq(s, nil)
  H.eq(why, "the function year()")
  s, why = stata.expr("a == (1")
  H.eq(s, nil)
  H.ok(why ~= nil)
end)

H.case("stata export: column names become valid, unique Stata names", function()
  local used = {}
  H.eq(stata.varname("LA num", used), "LA_num")
  H.eq(stata.varname("SNP", used), "SNP")
  H.eq(stata.varname("SNP", used), "SNP_2")
  H.eq(stata.varname("\239\187\191LA num"), "LA_num")
  H.eq(stata.varname("2020 rate"), "_2020_rate")
  H.eq(stata.varname("in"), "in_")
  H.eq(#stata.varname(string.rep("x", 40)), 32)
end)

-- ===== Structure of the do-files =====

-- Commands a do-file may use: Stata's own and the two user-written ones the
-- export names (itsa, itsamatch; run only when installed), and the do-file's
-- own programs.
local ALLOW = {}
for w in ([[version clear set capture confirm program end args gettoken local global scalar matrix tempname tempfile
  assert file import use save preserve restore keep drop generate replace egen sort bysort merge collapse rename
  label format destring duplicates reshape list display count summarize quietly tsset xtset regress newey
  prais glm lincom nlcom test predict estat corrgram wntestq logit probit xtreg teffects tebalance svyset svy
  levelsof svmat forvalues foreach if else which exit return
  itsa csc_put csc_est csc_autocorr csc_balance]]):gmatch("%S+") do ALLOW[w] = true end

--- The commands of a do-file: {line, word} for each line that is not a
--- comment, with capture/quietly/noisily prefixes and `svy:` looked through.
local function commands(text)
  local out, n = {}, 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    n = n + 1
    local l = line:gsub("%s+//.*$", ""):gsub("^%s+", "")
    if l ~= "" and not l:match("^%*") and not l:match("^}") then
      local w = l:match("^([%w_]+:?)")
      while w == "capture" or w == "quietly" or w == "noisily" or w == "svy:" do
        l = l:sub(#w + 1):gsub("^%s+", "")
        w = l:match("^([%w_]+:?)")
      end
      out[#out + 1] = { line = n, word = w or l:sub(1, 10), text = line }
    end
  end
  return out
end

local function code_only(text)
  local t = {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    if not line:match("^%s*%*") then t[#t + 1] = (line:gsub("%s+//.*$", "")) end
  end
  return table.concat(t, "\n")
end

-- The result names a do-file writes, with their parts: static names from
-- csc_put and csc_est, the prefix of names built in a loop, and the names
-- csc_balance builds.
local function result_names(text)
  local static, prefixes = {}, {}
  for _, c in ipairs(commands(text)) do
    local name = c.text:match("csc_put%s+(%S+)") or c.text:match("csc_est%s+(%S+)")
    if name and not c.text:match("^%s*program") and not name:find("`name'", 1, true) then
      if name:find("`", 1, true) then prefixes[#prefixes + 1] = name:match("^([^`]*)")
      else static[#static + 1] = name end
    end
    local p, nm, w = c.text:match("^%s*csc_balance%s+(%S+)%s+(%S+)%s+%S+%s+%S+%s+%S+%s+%S+%s+%S+%s*(%S*)")
    if p then
      p = p == '""' and "" or p
      for _, k in ipairs({ "mean_treated_before", "mean_comparison_before", "smd_before" }) do
        static[#static + 1] = p .. "balance." .. nm .. "." .. k
      end
      if w ~= "" then
        for _, k in ipairs({ "mean_treated_after", "mean_comparison_after", "smd_after" }) do
          static[#static + 1] = p .. "balance." .. nm .. "." .. k
        end
      end
    end
  end
  return static, prefixes
end

-- names csceval writes only when its run takes that branch: Prais-Winsten's
-- rho; a slope change only with two or more post periods
local CONDITIONAL = { rho = true, slope_change = true, slope_change_1 = true }

local function check_structure(plan, text, labels)
  local where = plan.recipe
  -- header: where it came from, csceval's version, structure-only, synthetic notice
  H.ok(text:find("Written by `csceval export --to stata " .. plan.recipe .. "` (csceval " .. stata.version() .. ")",
    1, true), where .. ": header names the recipe and csceval's version")
  H.ok(text:find("structure only", 1, true), where .. ": says it is checked for structure only")
  H.eq(text:find("SYNTHETIC DATA", 1, true) ~= nil, plan.synthetic == true, where .. ": synthetic notice")
  for _, w in ipairs(plan.warnings) do
    H.ok(text:find(w:sub(1, 40), 1, true) or text:find(w:sub(1, 30):gsub("%s+", " "), 1, true),
      where .. ": the header lists the warning: " .. w)
  end
  -- every input is named, and every input read is read from its path (or its copy)
  local code = code_only(text)
  for _, e in ipairs(plan.inputs) do
    H.ok(text:find("* " .. e.name .. ": " .. e.path, 1, true), where .. ": input " .. e.name .. " named")
    if code:find("input_" .. stata.varname(e.name) .. "'", 1, true) then
      H.ok(code:find(e.file or e.path, 1, true), where .. ": input " .. e.name .. " read from " .. (e.file or e.path))
    end
  end
  if plan.frame and plan.frame.file then
    H.ok(code:find(plan.frame.file, 1, true), where .. ": reads " .. plan.frame.file)
  end
  -- every covariate of the design appears in a command
  local d, covs = plan.design, {}
  local function add_list(l) if type(l) == "table" then for _, c in ipairs(l) do covs[#covs + 1] = c end end end
  add_list(d.covariates)
  for _, a in ipairs(d.analyses or {}) do add_list(a.covariates) end
  for _, c in ipairs(covs) do
    H.ok(code:find("%f[%w_]" .. stata.varname(c):gsub("%p", "%%%0") .. "%f[^%w_]"), where .. ": covariate " .. c)
  end
  -- commands from the allow-list; blocks and programs balanced
  local nprog, nend = 0, 0
  for _, c in ipairs(commands(text)) do
    if not ALLOW[c.word] then H.fail(string.format("%s line %d: command %q is not on the allow-list: %s", where,
      c.line, tostring(c.word), c.text)) end
    if c.word == "program" and c.text:match("program define") then nprog = nprog + 1 end
    if c.word == "end" then nend = nend + 1 end
  end
  H.eq(nprog, nend, where .. ": program define ... end")
  local _, open = code:gsub("{", "")
  local _, close = code:gsub("}", "")
  H.eq(open, close, where .. ": braces")
  H.ok(text:find('file open csc_out using `"`dofile_dir\'/' .. plan.results_file .. '"\'', 1, true), where .. ": results file")
  -- the result names are csceval's
  if labels then
    local static, prefixes = result_names(text)
    H.ok(#static + #prefixes > 0, where .. ": writes results")
    for _, n in ipairs(static) do
      if not labels[n] and not CONDITIONAL[n:match("([%w_]+)$")] then
        H.fail(where .. ": result " .. n .. " is not among csceval's estimates")
      end
    end
    for _, p in ipairs(prefixes) do
      local found = false
      for l in pairs(labels) do if l:sub(1, #p) == p then found = true; break end end
      H.ok(found, where .. ": results named " .. p .. "... are among csceval's estimates")
    end
  end
end

local function labels_of(recipe)
  local out = tmp .. "/runs"
  local cmd = string.format("'%s' run '%s' --out '%s' --format json --quiet", sys.exe(), recipe, out)
  if not os.execute(cmd) then return nil end
  local id = recipe:match("([^/]+)%.lua$")
  local txt = sys.read(out .. "/" .. id .. "/results.json")
  if not txt then return nil end
  local set = {}
  for _, e in ipairs(json.decode(txt).estimates) do set[e.label] = true end
  return set
end

-- Whether the recipe at `path` reads a file under ../shared: its inputs as
-- the run resolves them (a dataset name filled from data/datasets.csv by
-- csc.sources, "~/" and "cache:" expanded by csc.data), not its source text,
-- which may name a data set in any spelling or mention ../shared in a
-- comment.  A recipe that does not load is not skipped for it (nil).
local function reads_shared(path)
  local ok, r = pcall(recipe.load, path, { trusted = true })
  if not ok or type(r.spec.inputs) ~= "table" then return nil end
  for _, inp in pairs(r.spec.inputs) do
    if type(inp) == "table" and type(inp.path) == "string"
        and data.expand(inp.path):find("^%.%./shared/") then
      return true
    end
  end
  return false
end

H.case("stata export: a recipe reads ../shared by its resolved inputs, not by its source text", function()
  local dir = tmp .. "/resolve"
  os.execute("mkdir -p " .. dir)
  local function recipe_with(name, inputs, comment)
    local p = dir .. "/" .. name .. ".lua"
    sys.write_atomic(p, (comment or "") .. "return { title = \"t\", inputs = " .. inputs
      .. ", design = { type = \"its\" } }\n")
    return p
  end
  -- a data set named with no space before "=": resolved to its ../shared path
  H.eq(reads_shared(recipe_with("named", '{ d = { dataset="cin_referrals" } }')), true)
  -- a local file, with ../shared/ only in a comment: reads nothing from there
  H.eq(reads_shared(recipe_with("local", '{ d = { path = "tests/data/x.csv" } }',
    "-- unlike ../shared/data/ees/x.csv, this reads a local file\n")), false)
  -- a path written out in full
  H.eq(reads_shared(recipe_with("path", '{ d = { path = "../shared/data/ees/x.csv" } }')), true)
end)

H.case("stata export: every shipped recipe with a covered design exports, and its do-file is well formed", function()
  local files = {}
  for _, f in ipairs(sys.listdir("recipes")) do if f:match("%.lua$") then files[#files + 1] = "recipes/" .. f end end
  table.sort(files)
  files[#files + 1] = "tests/export/stata/did_derby.lua"
  local done, designs = 0, {}
  for _, path in ipairs(files) do
    local from_shared = reads_shared(path)
    -- a recipe on a large generated file that is absent (or under CSCEVAL_SKIP_LARGE=1) is
    -- skipped by run, and export says so with an error of kind "skipped"
    local ok, res = pcall(export.export, path, { to = "stata", out = tmp })
    if not ok then
      local msg = type(res) == "table" and (res.msg or "") or tostring(res)
      if errors.is(res) and res.kind == "skipped" then
        -- an input marked skip_when_absent (the large national file) that is not here,
        -- or CSCEVAL_SKIP_LARGE=1: nothing to export from (the error kind says so)
        H.skip("stata export of " .. path, msg)
      elseif msg:find("has no Stata export", 1, true) then
        -- a design the export does not cover: refused by name
      elseif not shared and from_shared then
        -- its inputs are in ../shared/data, which is absent
      else
        H.fail(path .. ": " .. msg)
      end
    else
      done = done + 1
      designs[res.plan.type] = true
      H.eq(res.path, tmp .. "/" .. res.plan.id .. ".do")
      check_structure(res.plan, sys.read(res.path), labels_of(path))
    end
  end
  for _, dname in ipairs({ "its", "cits", "matching", "ipw" }) do H.ok(designs[dname], "a shipped " .. dname .. " recipe exported") end
  if shared then
    H.ok(designs.benchmark and designs.did, "benchmark and did exported (../shared/data present)")
    H.ok(done >= 9, "covered recipes exported: " .. done)
  else
    H.skip("stata export of the benchmark and did recipes", "../shared/data is absent")
  end
end)

H.case("stata export: each design's do-file equals its golden file", function()
  for _, r in ipairs(golden.export_all(golden.out)) do
    if not r.text then
      H.skip("stata golden " .. r.entry.recipe, r.why)
    else
      local want = sys.read(golden.dir .. "/" .. r.id .. ".do")
      H.ok(want ~= nil, golden.dir .. "/" .. r.id .. ".do exists (./csceval test tests/export/stata/golden.lua --update)")
      if want and want ~= r.text then
        H.fail(string.format("%s differs from its golden file %s/%s.do: diff them, then regenerate with "
          .. "./csceval test tests/export/stata/golden.lua --update", r.path, golden.dir, r.id))
      end
    end
  end
end)

H.case("stata export: what a do-file does not reproduce is said in its header and warned", function()
  local res = export.export("recipes/nwd_back_on_track.lua", { to = "stata", out = tmp .. "/w" })
  H.ok(#res.warnings >= 2, "warnings recorded")
  local text = sys.read(res.path)
  H.ok(text:find("* Differences from csceval's own run (what this do-file does not reproduce):", 1, true))
  H.ok(text:find("teffects nnmatch matches with replacement", 1, true))
  H.ok(text:find("the time-trend ratio applied to the comparison group", 1, true))
  -- the matching's balance uses the recipe's conventions (pooled SD, sample variances, 0/1 standardised)
  H.ok(text:find("csc_balance absences. ua_pre ua_pre bot pooled std sample", 1, true))
  H.ok(text:find("teffects nnmatch (ua_post ua_pre ncyear_pre boy ehc sen_support fsm) (bot), nneighbor(10) "
    .. "metric(maha) atet", 1, true))
end)

H.case("stata export: the comparative ITS is itsa's model, with the logit run on both scales", function()
  local res = export.export("recipes/nwd_leaving_care.lua", { to = "stata", out = tmp .. "/c" })
  local text = sys.read(res.path)
  H.ok(text:find('local X "_t _z _z_t _x _z_x _def_1"\nif `slope\' local X "`X\' _x_t _z_x_t"', 1, true), "itsa's terms")
  H.ok(text:find("newey suitable_accommodation_pct `X', lag(0) force", 1, true))
  H.ok(text:find("newey eet_pct `X', lag(2) force", 1, true))
  H.ok(text:find("drop if _tm == 2018", 1, true), "the excluded year")
  H.ok(text:find("keep if old_la_code == 815 | inlist(old_la_code, `=subinstr(\"`comparators'\"", 1, true))
  H.ok(text:find("local comparators 925 860 384", 1, true), "the report's comparators for accommodation")
  H.ok(text:find("nlcom 100 * (invlogit(`a1') - invlogit(`c1') - invlogit(`a0') + invlogit(`c0'))", 1, true))
  H.ok(text:find("csc_est eet.impact_logit_pp `df' el(r(b),1,1) sqrt(el(r(V),1,1))", 1, true))
end)
