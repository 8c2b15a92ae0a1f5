-- Runs on large generated files: an input with skip_when_absent skips the
-- run (with its message) when its file is not there, "~/" in an input path
-- is the home folder, the run's steps are timed (timings = true puts them in
-- the report with the peak memory and the column data), and the column data
-- of a frame is counted at its types' widths.
local H = ...
local runner = require("csc.runner")
local data = require("csc.data")
local frame = require("host.frame")
local progress = require("csc.progress")
local json = require("csc.json")
local sys = require("host.sys")

local dir = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-scale-" .. tostring(os.time()) .. "-"
  .. tostring(sys.pid())
sys.mkdirs(dir)

-- 40 rows: 8 treated, each with two close controls; x and z the covariates
local function write_pupils(path)
  local lines = { "id,t,x,z,y" }
  for i = 1, 40 do
    local t = (i % 5 == 0) and 1 or 0
    lines[#lines + 1] = string.format("%d,%d,%.2f,%d,%.2f", i, t, (i * 7 % 13) / 3, i % 3, i * 0.5 + t * 2)
  end
  assert(sys.write_atomic(path, table.concat(lines, "\n") .. "\n"))
end
write_pupils(dir .. "/pupils.csv")

local function recipe(name, path, extra)
  local text = string.format([[
return {
  title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { pupils = { path = %q, skip_when_absent = "make it with gen_x" } },
  design = { type = "matching", data = "pupils", treat = "t", covariates = { "x", "z" }, ratio = 2,
    outcomes = { { name = "y", column = "y" } } },
  %s
}
]], path, extra or "")
  local p = dir .. "/" .. name .. ".lua"
  assert(sys.write_atomic(p, text))
  return p
end

H.case("skip_when_absent: a missing file skips the run with the recipe's hint, and writes nothing", function()
  local p = recipe("absent", dir .. "/no_such_file.csv")
  local res = runner.run(p, { out = dir .. "/out", formats = { "json" } })
  H.ok(res.skipped, "the run is skipped")
  H.ok(res.skipped:find("no_such_file.csv) is not here", 1, true) or res.skipped:find("CSCEVAL_SKIP_LARGE", 1, true),
    res.skipped)
  if sys.getenv("CSCEVAL_SKIP_LARGE") ~= "1" then
    H.ok(res.skipped:find("make it with gen_x, or pass --data pupils=PATH", 1, true), res.skipped)
  end
  H.eq(sys.kind(dir .. "/out/absent"), nil)
  -- check says the same and succeeds
  local c = runner.check(p, {})
  H.ok(c.inputs[1]:find("^run skipped: "), c.inputs[1])
end)

H.case("skip_when_absent: export raises an error of kind skipped, and csceval export skips it with exit 0", function()
  local errors = require("csc.errors")
  local p = recipe("absent_export", dir .. "/no_such_file.csv")
  local ok, e = pcall(require("csc.export").export, p, { to = "r", out = dir .. "/export" })
  H.eq(ok, false)
  H.ok(errors.is(e) and e.kind == "skipped", tostring(e))
  H.eq(errors.code(e), 0)
  H.ok(e.msg:find(p .. ": the input pupils", 1, true), e.msg)
  -- on the command line: a skipped recipe, then one that exports
  local q = recipe("present_export", dir .. "/pupils.csv")
  local out = dir .. "/cli-export.txt"
  local cmd = string.format("env -u CSCEVAL_SKIP_LARGE %q export --to r %q %q --out %q >%q 2>&1", sys.exe(), p, q,
    dir .. "/export", out)
  local okx, _, code = os.execute(cmd)
  local text = sys.read(out) or ""
  H.ok(code == 0, "exit " .. tostring(code) .. ": " .. text)
  H.ok(okx and text:find(p .. ": skipped: " .. p .. ": the input pupils", 1, true), text)
  H.ok(text:find("present_export.R", 1, true), text)
  H.eq(sys.kind(dir .. "/export/absent_export.R"), nil)
end)

H.case("skip_when_absent: --data replaces the file, and the run goes ahead even under CSCEVAL_SKIP_LARGE", function()
  local p = recipe("given", dir .. "/no_such_file.csv")
  local res = runner.run(p, { out = dir .. "/out", formats = { "json" }, data = { "pupils=" .. dir .. "/pupils.csv" } })
  H.eq(res.skipped, nil)
  H.ok(#res.estimates > 0)
end)

H.case("skip_when_absent: a file that is there is read, unless CSCEVAL_SKIP_LARGE=1 is set", function()
  local p = recipe("present", dir .. "/pupils.csv")
  local res = runner.run(p, { out = dir .. "/out", formats = { "json" } })
  if sys.getenv("CSCEVAL_SKIP_LARGE") == "1" then
    H.ok(res.skipped and res.skipped:find("CSCEVAL_SKIP_LARGE=1 is set", 1, true), tostring(res.skipped))
  else
    H.eq(res.skipped, nil)
    H.ok(#res.estimates > 0)
  end
end)

H.case("input paths: a leading ~/ is the home folder; other paths are left as they are", function()
  local home = sys.getenv("HOME")
  if home and home ~= "" then H.eq(data.expand("~/x/y.csv"), home .. "/x/y.csv") end
  H.eq(data.expand("../shared/data/x.csv"), "../shared/data/x.csv")
  H.eq(data.expand("a/~/b.csv"), "a/~/b.csv")
end)

H.case("timings = true: the report has each step's time, the peak memory and the column data", function()
  local p = recipe("timed", "x.csv", "timings = true,")
  local res = runner.run(p, { out = dir .. "/out", formats = { "json", "csv" },
    data = { "pupils=" .. dir .. "/pupils.csv" } })
  local t
  for _, tab in ipairs(res.tables) do if tab.name == "timings" then t = tab end end
  H.ok(t, "a timings table")
  local csv = assert(frame.read_csv(res.dir .. "/timings.csv", { types = { step = "text" } }))
  local steps = csv:column("step")
  local want = { "read the inputs", "prepare the data", "matching", "balance", "effects",
    "checks and published figures", "total (writing the report not included)" }
  local at = {}
  for i, s in ipairs(steps) do at[s] = i end
  for _, s in ipairs(want) do H.ok(at[s], "step " .. s .. " in " .. table.concat(steps, "; ")) end
  H.ok(at["read the inputs"] < at["matching"] and at["matching"] < at["effects"], "steps in run order")
  -- the total is the sum of the steps
  local secs, sum = csv:column("seconds"), 0
  for i = 1, #secs - 1 do H.ok(secs[i] >= 0); sum = sum + secs[i] end
  H.eq(secs[#secs], sum, 1e-6)
  local r = json.decode(assert(sys.read(res.dir .. "/results.json")))
  local est = {}
  for _, e in ipairs(r.estimates) do est[e.label] = e.value end
  H.ok(est["run.peak_rss_mb"] and est["run.peak_rss_mb"] > 1, "peak resident memory recorded")
  -- 40 rows of id, t, z (int64) and x, y (float64): 5 columns of 8 bytes
  H.eq(est["run.column_data_mb"], 40 * 5 * 8 / 1048576, 1e-12)
end)

H.case("no timings: a run without timings = true adds no timings table", function()
  local p = recipe("untimed", "x.csv")
  local res = runner.run(p, { out = dir .. "/out", formats = { "json" }, data = { "pupils=" .. dir .. "/pupils.csv" } })
  for _, tab in ipairs(res.tables) do H.ok(tab.name ~= "timings") end
  H.eq(sys.kind(res.dir .. "/timings.csv"), nil)
end)

H.case("column_bytes: 8 bytes a number, 4 a text code or date, 1 a 0/1 value, plus 1 a row for missing values", function()
  local f = frame.new({ names = { "a", "b", "c", "d" }, columns = { { 1.5, 2, 3 }, { "x", "y", "x" }, { 1, 2, 3 },
    { true, false, true } }, types = { "float64", "text", "int64", "bool" } })
  H.eq(data.column_bytes(f), 3 * (8 + 4 + 8 + 1))
  local g = assert(frame.read_csv(dir .. "/pupils.csv")):mutate("w", "log(z)")   -- log(0): missing
  H.eq(data.column_bytes(g), 40 * (5 * 8 + 8 + 1))
end)

H.case("progress.steps: steps are timed in order; a placeholder step that did nothing is renamed by the next", function()
  local st = progress.steps({ quiet = true })
  H.eq(st.enabled, false)
  st:begin("a", true)
  st:begin("b")          -- the placeholder "a" took no time: it becomes "b"
  local t0 = sys.clock()
  while sys.clock() - t0 < 0.01 do end
  st:begin("c")
  st:finish()
  H.eq(#st.list, 2)
  H.eq(st.list[1].label, "b")
  H.eq(st.list[2].label, "c")
  -- a step that is not a placeholder stays, however short
  local st2 = progress.steps({ quiet = true })
  st2:begin("x"); st2:begin("y"); st2:finish()
  H.eq(#st2.list, 2)
  H.ok(st.list[1].seconds >= 0.009, "the first step lasted the busy wait")
  H.ok(st:elapsed() >= st.list[1].seconds)
end)

H.case("scale_report: the chart has a log-log panel per step, the newest run of a figure wins, growth and table", function()
  local res = dir .. "/results.csv"
  assert(sys.write_atomic(res, table.concat({
    "run,step,size,rows,tool,seconds,peak_mb,column_mb",
    "2026-01-01T00:00:00Z,load,1m,1000000,csceval,9.0,100,80",        -- replaced by the newer run below
    "2026-01-02T00:00:00Z,load,1m,1000000,csceval,0.5,136,80",
    "2026-01-02T00:00:00Z,load,10m,10000000,csceval,5.0,1232,800",
    "2026-01-02T00:00:00Z,load,1m,1000000,DuckDB(all threads),2.0,,",
    "2026-01-02T00:00:00Z,maha,100k,100000,csceval,0.1,38,8",
    "2026-01-02T00:00:00Z,maha,100k,100000,MatchIt,300,,",
  }, "\n") .. "\n"))
  local saved = arg
  local function run(...)
    arg = { ... }
    local ok, err = pcall(H.run_script, "tests/bench/scale_report.lua", ...)
    arg = saved
    if not ok then error(err, 0) end
  end
  run("chart", res, dir .. "/chart.svg")
  local text = assert(sys.read(dir .. "/chart.svg"))
  local n = 0
  for _ in text:gmatch('<svg x="') do n = n + 1 end
  H.eq(n, 2, "one panel for each of the two steps")
  H.ok(text:find("SYNTHETIC", 1, true), "the chart says the data are synthetic")
  H.ok(text:find(">CSV load<", 1, true) and text:find(">10:1 Mahalanobis matching<", 1, true), "panel titles")
  -- every id in the file is unique (panels prefix their own)
  local seen = {}
  for id in text:gmatch(' id="([^"]+)"') do H.ok(not seen[id], "id " .. id .. " repeated"); seen[id] = true end
  H.ok(#assert(require("host.png").from_svg(text, 1)) > 0, "librsvg reads the chart")
  -- the table and the growth lines use the newer 1M load (0.5 s): growth 10.0
  local lines, real = {}, print
  print = function(...) lines[#lines + 1] = table.concat({ ... }, "\t") end
  local ok, err = pcall(function()
    run("table", res)
    run("growth", res)
  end)
  print = real
  if not ok then error(err, 0) end
  local t = table.concat(lines, "\n")
  H.ok(t:find("| `load` | 10M | 5.00 s | 1232 MB (1.54) |", 1, true), t)
  H.ok(t:find("| 10.0 |", 1, true), "growth 1M to 10M in the table")
  H.ok(t:find("growth load 1m->10m: csceval 0.5000 s -> 5.0000 s, ratio 10.0 (target < 12: met)", 1, true), t)
end)
