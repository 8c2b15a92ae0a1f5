-- The synthetic-data mark (csc.synthetic, docs/data.md "Synthetic data"):
-- csceval's generators write <file>.csceval.json beside what they make, and an
-- input read from a file with the mark is synthetic even when --data names it,
-- so every output says so (CLI summary, results.json, report, index, charts);
-- a file without the mark stays real.  And the cache folder rule
-- (csc.data.cache_dir) that the "cache:" input paths and tests/bench/scale.sh share.
local H = ...
local sys = require("host.sys")
local json = require("csc.json")
local runner = require("csc.runner")
local data = require("csc.data")
local synthetic = require("csc.synthetic")

local dir = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-mark-" .. tostring(os.time()) .. "-" .. tostring(sys.pid())
sys.mkdirs(dir)

-- A matching recipe whose own input is a real file (not declared synthetic):
-- only the mark can make a --data file synthetic.  Its love plot is a chart.
local function write_pupils(path)
  local lines = { "id,t,x,z,y" }
  for i = 1, 60 do
    local t = (i % 5 == 0) and 1 or 0
    lines[#lines + 1] = string.format("%d,%d,%.2f,%d,%.2f", i, t, (i * 7 % 13) / 3, i % 3, i * 0.5 + t * 2)
  end
  assert(sys.write_atomic(path, table.concat(lines, "\n") .. "\n"))
end
local recipe = dir .. "/marked.lua"
assert(sys.write_atomic(recipe, string.format([[
return {
  title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { pupils = { path = %q } },
  design = { type = "matching", data = "pupils", treat = "t", covariates = { "x", "z" }, ratio = 2,
    outcomes = { { name = "y", column = "y" } } },
}
]], dir .. "/own.csv")))
write_pupils(dir .. "/own.csv")

-- csceval run in a child process: its stdout (the CLI summary) and the results
local function run_cli(file, out)
  local cmd = string.format("%q run %q --out %q --format md,json,html,csv --data pupils=%q 2>&1", sys.exe(), recipe,
    out, file)
  local h = assert(io.popen(cmd))
  local text = h:read("a")
  local ok = h:close()
  H.ok(ok, text)
  return text, json.decode(assert(sys.read(out .. "/marked/results.json")))
end

H.case("a file without the mark given with --data is real: no synthetic flag anywhere", function()
  write_pupils(dir .. "/real.csv")
  local text, res = run_cli(dir .. "/real.csv", dir .. "/out_real")
  H.ok(not text:find("SYNTHETIC", 1, true), text)
  H.eq(res.synthetic, false)
  H.eq(res.inputs[1].synthetic, false)
  H.eq(res.inputs[1].synthetic_mark, nil)
  H.ok(not sys.read(dir .. "/out_real/marked/report.md"):find("These results use synthetic data", 1, true))
  H.ok(not sys.read(dir .. "/out_real/index.md"):find("synthetic data", 1, true))
  for _, f in ipairs(sys.listdir(dir .. "/out_real/marked")) do
    if f:match("%.svg$") then H.ok(not sys.read(dir .. "/out_real/marked/" .. f):find("SYNTHETIC", 1, true), f) end
  end
end)

H.case("a generator's file given with --data stays synthetic: CLI summary, results.json, report, index, charts", function()
  write_pupils(dir .. "/gen.csv")
  local mp = synthetic.write(dir .. "/gen.csv", { generator = "data/x/gen.lua", seed = 42 })
  H.eq(mp, dir .. "/gen.csv.csceval.json")
  local mark = json.decode(sys.read(mp))
  H.eq(mark.synthetic, true)
  H.eq(mark.generator, "data/x/gen.lua")
  H.eq(mark.seed, 42)
  H.eq(mark.sha256, sys.sha256_file(dir .. "/gen.csv"))
  local out = dir .. "/out_gen"
  local text, res = run_cli(dir .. "/gen.csv", out)
  H.ok(text:find("(SYNTHETIC data in pupils: agreement by construction)", 1, true), text)
  H.eq(res.synthetic, true)
  H.ok(res.synthetic_note, "results.json has the synthetic note")
  H.eq(res.inputs[1].synthetic, true)
  H.eq(res.inputs[1].replaced_with_data_option, true)
  H.eq(res.inputs[1].synthetic_mark.generator, "data/x/gen.lua")
  H.eq(res.inputs[1].synthetic_mark.seed, 42)
  H.eq(res.inputs[1].synthetic_mark.changed, nil)
  local md = sys.read(out .. "/marked/report.md")
  H.ok(md:find("These results use synthetic data", 1, true), md)
  H.ok(md:find("made by `data/x/gen.lua` with seed 42", 1, true), md)
  H.ok(md:find("carries csceval's synthetic-data mark", 1, true), md)
  H.ok(sys.read(out .. "/marked/report.html"):find("synthetic", 1, true))
  H.ok(sys.read(out .. "/index.md"):find("synthetic data", 1, true), sys.read(out .. "/index.md"))
  local charts = 0
  for _, f in ipairs(sys.listdir(out .. "/marked")) do
    if f:match("%.svg$") then
      charts = charts + 1
      H.ok(sys.read(out .. "/marked/" .. f):find("SYNTHETIC", 1, true), f .. " carries the synthetic mark")
    end
  end
  H.ok(charts > 0, "the run drew a chart")
end)

H.case("a benchmark extract (mark kind benchmark) is worded as one everywhere, not as made to match published figures", function()
  local W = synthetic.words("benchmark")
  write_pupils(dir .. "/bench.csv")
  synthetic.write(dir .. "/bench.csv", { generator = "tests/bench/gen_x.c", seed = 7, kind = "benchmark" })
  H.eq(json.decode(sys.read(dir .. "/bench.csv.csceval.json")).kind, "benchmark")
  local out = dir .. "/out_bench"
  local text, res = run_cli(dir .. "/bench.csv", out)
  H.ok(text:find("(SYNTHETIC data in pupils: " .. W.short .. ")", 1, true), text)
  H.eq(res.synthetic_kind, "benchmark")
  H.eq(res.inputs[1].synthetic_kind, "benchmark")
  H.eq(res.synthetic_note, W.note)
  local md = sys.read(out .. "/marked/report.md")
  H.ok(md:find(W.lead, 1, true) and md:find(W.made, 1, true) and md:find(W.marked, 1, true), md)
  H.ok(sys.read(out .. "/index.md"):find(W.index, 1, true), sys.read(out .. "/index.md"))
  H.ok(sys.read(out .. "/index.html"):find(W.lead, 1, true))
  for _, f in ipairs({ "marked/report.md", "marked/report.html", "marked/results.json", "index.md", "index.html" }) do
    local t = sys.read(out .. "/" .. f)
    H.ok(not t:find("made to match the published", 1, true) and not t:find("confidential or unpublished", 1, true),
      f .. " keeps the stand-in's words")
  end
  for _, f in ipairs(sys.listdir(out .. "/marked")) do
    if f:match("%.svg$") then
      H.ok(sys.read(out .. "/marked/" .. f):find("generated benchmark extract", 1, true), f)
    end
  end
  -- which kind an input gets: the mark's, else the recipe's (own file, or a mark of the recipe's
  -- generator given with --data), else a stand-in
  local data = require("csc.data")
  local inp = { synthetic = true, synthetic_kind = "benchmark", generator = "g.c" }
  H.eq(data.synthetic_kind(inp, nil, false, true), "benchmark")
  H.eq(data.synthetic_kind(inp, { generator = "g.c" }, true, true), "benchmark")
  H.eq(data.synthetic_kind(inp, { generator = "other.lua" }, true, true), "stand_in")
  H.eq(data.synthetic_kind({}, { kind = "benchmark" }, true, true), "benchmark")
  H.eq(data.synthetic_kind({ synthetic = true }, nil, false, true), "stand_in")
  H.eq(data.synthetic_kind(inp, nil, false, false), nil)
  H.eq(synthetic.run_kind({ { synthetic = true, synthetic_kind = "benchmark" }, { synthetic = false } }), "benchmark")
  H.eq(synthetic.run_kind({ { synthetic = true, synthetic_kind = "benchmark" }, { synthetic = true, synthetic_kind = "stand_in" } }), "stand_in")
end)

H.case("a marked file changed after it was made is still synthetic, with a warning", function()
  write_pupils(dir .. "/edited.csv")
  synthetic.write(dir .. "/edited.csv", { generator = "data/x/gen.lua", seed = 1 })
  local fh = assert(io.open(dir .. "/edited.csv", "a"))
  fh:write("61,0,1.00,1,3.00\n")
  fh:close()
  local res = runner.run(recipe, { out = dir .. "/out_edit", formats = { "json", "md" },
    data = { "pupils=" .. dir .. "/edited.csv" } })
  H.eq(res.synthetic and res.synthetic[1], "pupils")
  local warned = false
  for _, w in ipairs(res.warnings) do
    if w:find("synthetic-data mark", 1, true) and w:find("SHA-256 differs", 1, true) then warned = true end
  end
  H.ok(warned, table.concat(res.warnings, "\n"))
  H.ok(sys.read(dir .. "/out_edit/marked/report.md"):find("The file changed after it was generated", 1, true))
end)

H.case("a .csceval.json beside a file that is not csceval's mark is a data error naming it", function()
  write_pupils(dir .. "/odd.csv")
  assert(sys.write_atomic(dir .. "/odd.csv.csceval.json", "{\"something\": 1}\n"))
  local ok, err = pcall(runner.run, recipe, { out = dir .. "/out_odd", formats = { "json" },
    data = { "pupils=" .. dir .. "/odd.csv" } })
  H.ok(not ok)
  H.eq(err.kind, "data")
  H.ok(err.msg:find("odd.csv.csceval.json is not a csceval synthetic-data mark", 1, true), err.msg)
end)

H.case("a recipe's declared synthetic input replaced by an unmarked file is real; the recipe's own is synthetic", function()
  local p = dir .. "/declared.lua"
  write_pupils(dir .. "/declared.csv")
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { pupils = { path = %q, synthetic = true, generator = "data/y/gen.lua" } },
  design = { type = "matching", data = "pupils", treat = "t", covariates = { "x", "z" }, ratio = 2,
    outcomes = { { name = "y", column = "y" } } },
}
]], dir .. "/declared.csv")))
  H.eq(runner.run(p, { out = dir .. "/out_decl", formats = { "json" } }).synthetic[1], "pupils")
  write_pupils(dir .. "/plain.csv")
  H.eq(runner.run(p, { out = dir .. "/out_decl2", formats = { "json" },
    data = { "pupils=" .. dir .. "/plain.csv" } }).synthetic, nil)
end)

H.case("every committed generated file in data/ carries its generator's mark, matching its bytes", function()
  local n = 0
  for _, d in ipairs(sys.listdir("data")) do
    if sys.kind("data/" .. d .. "/gen.lua") == "file" then
      for _, f in ipairs(sys.listdir("data/" .. d)) do
        if f:match("%.csv$") then
          local path = "data/" .. d .. "/" .. f
          local m = synthetic.read(path, sys.sha256_file(path))
          if d ~= "ssda903_xml" then
            H.ok(m, path .. " has no synthetic-data mark")
            if m then
              H.eq(m.generator, "data/" .. d .. "/gen.lua")
              H.eq(m.changed, nil)
              n = n + 1
            end
          end
        end
      end
    end
  end
  H.ok(n >= 18, "marks checked: " .. n)
end)

-- the cache folder: CSCEVAL_CACHE, else an absolute XDG_CACHE_HOME, else ~/.cache
local function cache_with(env)
  local h = assert(io.popen(string.format("env -u CSCEVAL_CACHE -u XDG_CACHE_HOME %s %q test "
    .. "tests/bench/scale_report.lua cache 2>&1", env, sys.exe())))
  local s = h:read("a")
  h:close()
  return (s:gsub("\n$", ""))
end

H.case("the cache folder: one rule for cache: paths and tests/bench/scale.sh", function()
  H.eq(cache_with("CSCEVAL_CACHE=/tmp/cc/"), "/tmp/cc/national")
  H.eq(cache_with("CSCEVAL_CACHE=/tmp/cc XDG_CACHE_HOME=/tmp/xdg"), "/tmp/cc/national")
  H.eq(cache_with("XDG_CACHE_HOME=/tmp/xdg"), "/tmp/xdg/csceval/national")
  H.eq(cache_with("XDG_CACHE_HOME=relative HOME=/tmp/home"), "/tmp/home/.cache/csceval/national")
  H.eq(cache_with("HOME=/tmp/home"), "/tmp/home/.cache/csceval/national")
  -- in this process: cache: paths resolve under data.cache_dir()
  local c = data.cache_dir()
  if c then H.eq(data.expand("cache:national/x.csv"), c .. "/national/x.csv") end
  -- the national recipe looks where scale.sh writes (its skip message names the path)
  local h = assert(io.popen(string.format("env -u XDG_CACHE_HOME CSCEVAL_CACHE=%q CSCEVAL_SKIP_LARGE=0 %q check "
    .. "recipes/example_national_matching.lua 2>&1", dir .. "/nocache", sys.exe())))
  local s = h:read("a")
  h:close()
  H.ok(s:find("the input national (" .. dir .. "/nocache/national/national_10m.csv) is not here", 1, true), s)
end)

-- data/ssda903_xml/gen.lua reads its arguments from `arg`
local function xml_gen(...)
  local saved = arg
  arg = { ... }
  local ok, rc = pcall(H.run_script, "data/ssda903_xml/gen.lua")
  arg = saved
  if not ok then error(rc, 0) end
  return rc
end

H.case("the SSDA903 XML writer marks its XML when the CSV extracts carry the mark, and only then", function()
  local out = dir .. "/2017.xml"
  H.eq(xml_gen("data/derby_care_leavers", "2017-", out), 0)
  local m = synthetic.read(out, sys.sha256_file(out))
  H.ok(m and m.generator == "data/ssda903_xml/gen.lua" and not m.changed, "the XML of marked extracts is marked")
  local plain = dir .. "/plain903"
  sys.mkdirs(plain)
  for _, t in ipairs({ "header", "episodes", "oc3" }) do
    assert(sys.write_atomic(plain .. "/2017-" .. t .. ".csv", sys.read("data/derby_care_leavers/2017-" .. t .. ".csv")))
  end
  H.eq(xml_gen(plain, "2017-", dir .. "/plain.xml"), 0)
  H.eq(sys.kind(dir .. "/plain.xml.csceval.json"), nil)
end)
