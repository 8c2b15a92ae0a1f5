-- SSDA903 end to end: the derived tables of the five-year fictional
-- authority against an independent Python computation
-- (tests/reference/ssda903/derive.py -> demand_model_fake.csv); the Derby
-- generator gives the same bytes twice; and a recipe on record-level input
-- run with disclosure control on leaves no count from 1 to 4 in any output.
local H = ...
local read = require("csc.ssda903.read")
local validate = require("csc.ssda903.validate")
local derive = require("csc.ssda903.derive")
local frame = require("host.frame")
local sys = require("host.sys")

local ROOT = "../shared/data/ssda903/demand_model_fake"
if sys.kind(ROOT) ~= "dir" then
  H.skip("ssda903 recipe", ROOT .. " is absent: the SSDA903 end-to-end tests need ../shared/data/ssda903/")
  return
end

H.case("ssda903 derived tables of the fictional authority match the Python reference", function()
  local ref = assert(frame.read_csv("tests/reference/ssda903/demand_model_fake.csv"))
  local cols = ref:names()
  for i = 1, ref:nrow() do
    local year = ref:value(i, "year")
    local ret = assert(read.read_903({ dir = ROOT, prefix = (year - 1) .. "-", year = year }))
    validate.validate(ret)
    local t = { n = 0, male = 0, female = 0, age_0 = 0, age_1_4 = 0, age_5_9 = 0, age_10_15 = 0, age_16 = 0, uasc = 0,
      placements_1 = 0, placements_2 = 0, placements_3 = 0, cl_17_21 = 0, cl_eet = 0, cl_neet = 0, cl_suitable = 0, cl_in_touch = 0 }
    local years = 0
    for _, c in pairs(derive.children(ret)) do
      if derive.looked_after_at(c, ret.stop) then
        t.n = t.n + 1
        local sex = c.header and c.header.SEX
        if sex == "1" then t.male = t.male + 1 elseif sex == "2" then t.female = t.female + 1 end
        local a = derive.age(c, ret.stop)
        if a then
          local k = a < 1 and "age_0" or a <= 4 and "age_1_4" or a <= 9 and "age_5_9" or a <= 15 and "age_10_15" or "age_16"
          t[k] = t[k] + 1
        end
        if c.uasc then t.uasc = t.uasc + 1 end
        local np = derive.placements_in_year(ret, c)
        local k = np >= 3 and "placements_3" or np == 2 and "placements_2" or "placements_1"
        t[k] = t[k] + 1
        years = years + derive.years_in_care(c, ret.stop)
      end
    end
    for _, r in ipairs(ret.tables.oc3.rows) do
      local cl = derive.care_leaver(ret, r, nil)
      if cl.age and cl.age >= 17 and cl.age <= 21 then
        t.cl_17_21 = t.cl_17_21 + 1
        if cl.eet then t.cl_eet = t.cl_eet + 1 end
        if cl.neet then t.cl_neet = t.cl_neet + 1 end
        if cl.suitable then t.cl_suitable = t.cl_suitable + 1 end
        if cl.in_touch == "in touch" then t.cl_in_touch = t.cl_in_touch + 1 end
      end
    end
    for _, c in ipairs(cols) do
      if c ~= "year" and c ~= "years_in_care" then
        if t[c] ~= ref:value(i, c) then H.fail(string.format("%d %s: got %s, Python %s", year, c, t[c], ref:value(i, c)), 1) end
      end
    end
    -- the reference is written to 9 decimals
    H.eq(years / t.n, ref:value(i, "years_in_care"), 1e-8)
  end
end)

H.case("the Derby synthetic extracts are reproducible byte for byte from their seed", function()
  local dir = os.tmpname()
  os.remove(dir)
  assert(sys.mkdirs(dir))
  local chunk = assert(loadfile("data/derby_care_leavers/gen.lua"))
  local saved = arg
  arg = { dir }
  local ok, err = pcall(chunk)
  arg = saved
  H.ok(ok, tostring(err))
  for _, f in ipairs({ "2017-header.csv", "2018-episodes.csv", "2019-oc3.csv", "groups.csv" }) do
    H.eq(sys.sha256_file(dir .. "/" .. f), sys.sha256_file("data/derby_care_leavers/" .. f))
    H.eq(sys.read(dir .. "/" .. f .. ".csceval.json"), sys.read("data/derby_care_leavers/" .. f .. ".csceval.json"))
  end
  for _, f in ipairs(sys.listdir(dir)) do os.remove(dir .. "/" .. f) end
  os.remove(dir)
end)

H.case("disclosure: a recipe on record-level input shows no count from 1 to 4 anywhere", function()
  local runner = require("csc.runner")
  local out = os.tmpname()
  os.remove(out)
  local res = runner.run("tests/data/recipes/ssda903_fictional.lua", { out = out, trusted = true, data = {} })
  local dir = res.dir
  local scanned = 0
  -- every CSV table with counts: the profile tables
  for _, f in ipairs(sys.listdir(dir)) do
    if f:match("^profile_.*%.csv$") then
      local fr = assert(frame.read_csv(dir .. "/" .. f, { types = {} }))
      for i = 1, fr:nrow() do
        local label = fr:value(i, "row")
        if not tostring(label):match("^Average") then
          for _, c in ipairs(fr:names()) do
            if c ~= "row" then
              local v = fr:value(i, c)
              scanned = scanned + 1
              if type(v) == "number" and v > 0 and v < 5 then
                H.fail(string.format("%s row %q column %s shows %s", f, label, c, tostring(v)), 1)
              end
              if v == frame.NA then H.eq(fr:na_reason(i, c), "c") end
            end
          end
        end
      end
    end
  end
  H.ok(scanned > 50, "scanned the profile tables")
  -- results.json: no count estimate from 1 to 4
  local json = sys.read(dir .. "/results.json")
  for label, value in json:gmatch('"label":%s*"(all%.[%w_]+%.%d+)"[^}]-"value":%s*([%d%.]+)') do
    local v = tonumber(value)
    if not label:match("years_in_care") and v > 0 and v < 5 then H.fail(label .. " = " .. value .. " in results.json", 1) end
  end
  -- report.md: the profile table rows carry no cell from 1 to 4
  local md = sys.read(dir .. "/report.md")
  local in_profile = false
  for line in md:gmatch("[^\n]+") do
    if line:match("^###") then in_profile = line:match("SSDA903 summary") ~= nil end
    if in_profile and line:match("^|") and not line:match("Average") then
      for cell in line:gmatch("[^|]+") do
        local v = tonumber((cell:gsub("^%s+", ""):gsub("%s+$", "")))
        if v and v > 0 and v < 5 then H.fail("report.md: " .. line, 1) end
      end
    end
  end
  H.ok(md:find("Disclosure control", 1, true), "the report says what was suppressed and why")
  for _, f in ipairs(sys.listdir(dir)) do os.remove(dir .. "/" .. f) end
  os.remove(dir)
  os.remove(out)
end)
