-- csceval la: authority look-up on the shared public data (skipped when
-- ../shared/data is absent).  Expected values are read from the files
-- themselves (neighbour lists, codes), not typed in twice.
local H = ...
local sys = require("host.sys")
local A = require("csc.authorities")

local shared = "../shared/data"
if sys.kind(shared .. "/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv") ~= "file" then
  H.skip("csceval la", "../shared/data is absent (the shared public statistics); nothing to look up")
  return
end

local function cli(args)
  local dir = os.tmpname()
  local cmd = sys.exe()
  for _, a in ipairs(args) do cmd = cmd .. " '" .. a:gsub("'", "'\\''") .. "'" end
  local ok, _, code = os.execute(cmd .. " >" .. dir .. ".out 2>" .. dir .. ".err")
  local function slurp(p) local f = io.open(p); local s = f:read("a"); f:close(); os.remove(p); return s end
  os.remove(dir)
  return ok and 0 or code, slurp(dir .. ".out"), slurp(dir .. ".err")
end
H.cli = cli

local idx = assert(A.load(shared))

H.case("la: Derby by name, old code and ONS code", function()
  local first21 = io.open(shared .. "/ees/New_Statistical_Neighbour_Groupings_April_2021.csv"):read("a")
    :match("\n831,Derby,831,[^\n]*")
  H.ok(first21, "Derby's row in the 2021 neighbour file")
  local sn1 = first21:match("^\n831,Derby,831,%d+,[^,]+,(%d+),")
  for _, q in ipairs({ "Derby", "derby", "831", "E06000015" }) do
    local code, out, err = cli({ "la", q })
    H.eq(code, 0)
    H.ok(out:find("Derby: old LA code 831, East Midlands", 1, true), out .. err)
    H.ok(out:find("statistical neighbours, 2021 model", 1, true))
    H.ok(out:find("statistical neighbours, 2025 model", 1, true))
    H.ok(out:find(" 1  " .. sn1 .. "  ", 1, true), "first 2021 neighbour " .. sn1)
  end
  H.eq(idx.by_code["831"].sn[2021][1].code, sn1)
  H.eq(#idx.by_code["831"].sn[2025], 10)
end)

H.case("la: reorganised authorities", function()
  local _, out = cli({ "la", "Northamptonshire" })
  H.ok(out:find("from 2021/22 see 940 North Northamptonshire and 941 West Northamptonshire", 1, true), out)
  H.ok(out:find("2012/13 to 2020/21", 1, true), out)
  _, out = cli({ "la", "Cumbria" })
  H.ok(out:find("from 2023/24 see 942 Cumberland and 943 Westmorland and Furness", 1, true), out)
  _, out = cli({ "la", "North Yorkshire" })
  H.ok(out:find("ONS code E10000023: 2012/13 to 2022/23", 1, true), out)
  H.ok(out:find("ONS code E06000065: 2023/24 to 2024/25", 1, true), out)
  _, out = cli({ "la", "E06000066" })
  H.ok(out:find("Somerset: old LA code 933", 1, true), out)
  _, out = cli({ "la", "Cumberland" })
  H.ok(out:find("Its series starts in 2023/24; before that see 909 Cumbria", 1, true), out)
end)

H.case("la: typos get suggestions and exit 2", function()
  local code, _, err = cli({ "la", "Dreby" })
  H.eq(code, 2)
  H.ok(err:find("did you mean Derby (831)?", 1, true), err)
  code, _, err = cli({ "la", "Lincolnshre" })
  H.eq(code, 2)
  H.ok(err:find("Lincolnshire (925)", 1, true), err)
  code, _, err = cli({ "la", "999" })
  H.eq(code, 2)
  H.ok(err:find("no local authority matches", 1, true), err)
end)
