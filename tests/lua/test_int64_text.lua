-- Whole numbers beyond int64 in a CSV column (docs/data.md, "Type
-- inference"): the column is read as text, every digit kept, as
-- data.table::fread reads it (read.csv would make it a double and lose the
-- last digits of an identifier); a warning names the column, on the
-- command line and in a recipe's report.  Given float64, the column is read
-- as approximate numbers without a warning.
local H = ...
local read = require("csc.read")
local runner = require("csc.runner")
local sys = require("host.sys")

local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-int64-" .. tostring(os.time()) .. "-"
  .. tostring(sys.pid())
sys.mkdirs(tmp)
local csv = tmp .. "/ids.csv"
assert(sys.write_atomic(csv, "child_id,la,score\n"
  .. "1,831,2.5\n"
  .. "92233720368547758071,831,3.5\n"
  .. "92233720368547758072,892,4\n"
  .. "00000000000000000042,892,1\n"))

local WARN = 'column "child_id" holds whole numbers beyond the range of int64 ("92233720368547758071"): '
  .. "it is read as text, so no digit is lost (as data.table::fread does); give it type float64 to "
  .. "read approximate numbers instead"

H.case("a CSV column of whole numbers beyond int64 is text, every digit kept, with a warning", function()
  local f, msg, warning = read.read(csv)
  H.ok(f, msg)
  H.eq(f:type("child_id"), "text")
  H.eq(f:column("child_id"), { "1", "92233720368547758071", "92233720368547758072", "00000000000000000042" })
  H.eq(f:type("la"), "int64")
  H.eq(f:type("score"), "float64")
  H.eq(warning, WARN)
  -- two ids that differ only in the last digit stay two ids (as float64
  -- they would be the same double)
  H.eq(f:aggregate({ "child_id" }, { n = { "count" } }):nrow(), 4)
  -- given float64: the nearest doubles, no warning
  local g, msg2, w2 = read.read(csv, { types = { child_id = "float64" } })
  H.ok(g, msg2)
  H.eq(g:type("child_id"), "float64")
  H.eq(g:column("child_id")[2], 92233720368547758071.0)
  H.eq(w2, nil)
  -- given int64: refused, naming float64
  local h, msg3 = read.read(csv, { types = { child_id = "int64" } })
  H.eq(h, nil)
  H.ok(msg3:find('"92233720368547758071" is too large for int64 (use float64)', 1, true), msg3)
end)

H.case("the warning reaches the command line and a recipe's report", function()
  local cmd = string.format("%s describe %s >/dev/null 2>%s/err.txt", sys.exe(), csv, tmp)
  local ok, how, code = os.execute(cmd)
  H.eq({ ok, how, code }, { true, "exit", 0 })
  H.ok((sys.read(tmp .. "/err.txt") or ""):find("csceval: warning: " .. WARN, 1, true), sys.read(tmp .. "/err.txt"))
  local p = tmp .. "/r.lua"
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "T" } },
  inputs = { ids = { path = %q } },
  design = { type = "custom", analyse = function(ctx)
    ctx:estimate{ label = "children", value = ctx.data.ids:nrow() }
  end },
}
]], csv)))
  local r = runner.run(p, { out = tmp .. "/out", formats = { "md" } })
  local md = sys.read(r.dir .. "/report.md") or sys.read(tmp .. "/out/r/report.md")
  H.ok(md and md:find('input ids: ' .. WARN, 1, true), "report.md names the column:\n" .. tostring(md))
end)
