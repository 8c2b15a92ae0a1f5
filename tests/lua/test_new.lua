-- csceval new DESIGN: every design's starting recipe passes check (its TODOs
-- reported as unfilled, not failures) and runs as written on the shared
-- public data.  Skipped when ../shared/data is absent.
local H = ...
local sys = require("host.sys")

if sys.kind("../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv") ~= "file" then
  H.skip("csceval new", "../shared/data is absent (the shared public statistics the recipes read)")
  return
end

local function cli(args)
  local tmp = os.tmpname()
  local cmd = sys.exe()
  for _, a in ipairs(args) do cmd = cmd .. " '" .. a .. "'" end
  local ok, _, code = os.execute(cmd .. " >" .. tmp .. ".out 2>" .. tmp .. ".err")
  local function slurp(p) local f = io.open(p); local s = f:read("a"); f:close(); os.remove(p); return s end
  os.remove(tmp)
  return ok and 0 or code, slurp(tmp .. ".out"), slurp(tmp .. ".err")
end

local dir = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-new-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid()) .. tostring(math.random(1e6))
os.execute("mkdir -p '" .. dir .. "'")

for _, design in ipairs({ "benchmark", "its", "cits", "did", "matching", "ipw", "custom" }) do
  H.case("new " .. design .. " --la 831: check reports placeholders, run works", function()
    local path = dir .. "/" .. design .. ".lua"
    local code, _, err = cli({ "new", design, "--la", "831", "--out", path })
    H.eq(code, 0)
    H.ok(err:find("wrote " .. path, 1, true), err)
    local src = io.open(path):read("a")
    H.ok(src:find("Derby", 1, true), "names the authority")
    local out
    code, out, err = cli({ "check", path })
    H.eq(code, 0)
    H.ok(out:find("unfilled (line", 1, true), out .. err)
    H.ok(out:find("published figures: none", 1, true), out)
    code, out, err = cli({ "run", path, "--out", dir .. "/out", "--quiet" })
    H.eq(code, 0)
    H.ok(sys.kind(dir .. "/out/" .. design .. "/results.json") == "file", err)
  end)
end

H.case("new: mistakes are usage errors; an existing file is not overwritten", function()
  local code, _, err = cli({ "new", "itss" })
  H.eq(code, 2)
  H.ok(err:find('did you mean "its"', 1, true), err)
  code, _, err = cli({ "new", "its", "--la", "Dreby" })
  H.eq(code, 2)
  H.ok(err:find("Derby (831)", 1, true), err)
  code, _, err = cli({ "new", "its", "--out", dir .. "/its.lua" })
  H.eq(code, 5)
  H.ok(err:find("already exists", 1, true), err)
end)

os.execute("rm -rf '" .. dir .. "'")
