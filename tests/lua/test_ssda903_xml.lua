-- The XML form of the SSDA903 return (csc.ssda903.xml, host.xml on
-- libxml2): every synthetic return in ../shared/data/ssda903/ is written in
-- XML by the committed generator (data/ssda903_xml/gen.lua, i.e.
-- write_from_csv) and read back; the XML route must give the same tables
-- and the same validation failures as the CSV route.  Malformed XML is a
-- data error naming the line and the element.
local H = ...
local sys = require("host.sys")
local read = require("csc.ssda903.read")
local validate = require("csc.ssda903.validate")
local xml = require("csc.ssda903.xml")

local OUT = "tests/out/ssda903_xml"
os.execute("mkdir -p " .. OUT)

local function write(path, text)
  local fh = assert(io.open(path, "wb"))
  fh:write(text)
  fh:close()
end

-- a row as text: its fields sorted, internal fields (_line, ...) left out
local function key(rec)
  local ks = {}
  for k, v in pairs(rec) do if type(k) == "string" and k:sub(1, 1) ~= "_" then ks[#ks + 1] = k .. "=" .. tostring(v) end end
  table.sort(ks)
  return table.concat(ks, "|")
end

local function multiset(rows)
  local t = {}
  for _, r in ipairs(rows or {}) do local k = key(r); t[k] = (t[k] or 0) + 1 end
  return t
end

local SPEC_DIR = "../shared/data/ssda903/spec"
local cases = {}
if sys.kind("../shared/data/ssda903/demand_model_fake") == "dir" then
  for y = 2017, 2021 do cases[#cases + 1] = { dir = "../shared/data/ssda903/demand_model_fake", prefix = y .. "-", year = y } end
  cases[#cases + 1] = { dir = "../shared/data/ssda903/validator_fake", prefix = "", year = 2018 }
end
if sys.kind(SPEC_DIR) ~= "dir" then cases = {} end

H.case("SSDA903 XML: every synthetic return read as XML gives the CSV route's tables and failures", function()
  if #cases == 0 then H.skip("SSDA903 XML against CSV", "../shared/data/ssda903/ is absent"); return end
  for _, c in ipairs(cases) do
    local path = string.format("%s/%s_%d.xml", OUT, c.dir:match("[^/]+$"), c.year)
    local nkids, skipped = xml.write_from_csv(c.dir, c.prefix, path)
    H.ok(nkids > 0, path .. ": children written")
    local skip = {}
    for _, t in ipairs(skipped) do skip[t] = true end
    local a = assert(read.read_903({ dir = c.dir, prefix = c.prefix, year = c.year, quiet_extra = true }))
    local b = assert(read.read_903({ xml = path, year = c.year }))
    validate.validate(a)
    validate.validate(b)
    local ntab = 0
    for _, t in ipairs(read.tables) do
      if not skip[t] then
        local ra, rb = a.tables[t] and a.tables[t].rows or {}, b.tables[t] and b.tables[t].rows or {}
        H.eq(#rb, #ra)
        local ma, mb = multiset(ra), multiset(rb)
        local diff = 0
        for k, n in pairs(ma) do if mb[k] ~= n then diff = diff + 1 end end
        for k, n in pairs(mb) do if ma[k] ~= n then diff = diff + 1 end end
        if diff > 0 then H.fail(string.format("%s %s: %d row(s) differ between CSV and XML", path, t, diff)) end
        if #ra > 0 then ntab = ntab + 1 end
      end
    end
    H.ok(ntab >= 5, path .. ": tables compared: " .. ntab)
    -- every rule but the file-level ones (SPEC on line 1 is per file in CSV,
    -- per element in XML; FILE is about the CSV files themselves)
    local rules = {}
    for r in pairs(a.rule_count) do rules[r] = true end
    for r in pairs(b.rule_count) do rules[r] = true end
    local compared = 0
    for r in pairs(rules) do
      if r ~= "SPEC" and r ~= "FILE" and not (skip.sw_episodes and r:match("^SW")) then
        if (a.rule_count[r] or 0) ~= (b.rule_count[r] or 0) then
          H.fail(string.format("%s rule %s: CSV %d failures, XML %d", path, r, a.rule_count[r] or 0, b.rule_count[r] or 0))
        end
        compared = compared + (a.rule_count[r] or 0)
      end
    end
    if c.dir:match("validator_fake") then H.ok(compared > 100, "the validator's deliberate errors are found in XML too: " .. compared) end
  end
end)

H.case("SSDA903 XML: the generator gives the same bytes from the same files", function()
  if #cases == 0 then H.skip("SSDA903 XML generator", "../shared/data/ssda903/ is absent"); return end
  local c = cases[1]
  xml.write_from_csv(c.dir, c.prefix, OUT .. "/a.xml")
  xml.write_from_csv(c.dir, c.prefix, OUT .. "/b.xml")
  H.eq(sys.sha256_file(OUT .. "/a.xml"), sys.sha256_file(OUT .. "/b.xml"))
end)

local SMALL = [[
<?xml version="1.0" encoding="UTF-8"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>101</CHILDID>
      <SEX>1</SEX>
      <DOB>01/05/2005</DOB>
      <ETHNIC>WBRI</ETHNIC>
      <UPN>A123456789012</UPN>
      <MOTHER/>
      <MC_DOB/>
      <FAVOURITE_COLOUR>blue</FAVOURITE_COLOUR>
      <AREVIEW>
        <REVIEW>01/06/2017</REVIEW>
        <REVIEW_CODE>PN1</REVIEW_CODE>
      </AREVIEW>
    </HEADER>
    <EPISODE>
      <DECOM>01/04/2017</DECOM>
      <RNE>S</RNE>
      <LS>C2</LS>
      <CIN>N1</CIN>
      <PL>U1</PL>
      <PLACE_PROVIDER>PR1</PLACE_PROVIDER>
      <DEC>01/02/2017</DEC>
      <REC>E11</REC>
      <REASON_PLACE_CHANGE/>
      <HOME_POST>A1 1AA</HOME_POST>
      <PL_POST>B1 1BB</PL_POST>
      <URN>SC123456</URN>
    </EPISODE>
  </CHILD>
  <CHILD>
    <CHILDID>102</CHILDID>
    <EPISODE>
      <DECOM>01/05/2017</DECOM>
      <RNE>X</RNE>
      <LS>C2</LS>
      <CIN>N1</CIN>
      <PL>U1</PL>
    </EPISODE>
  </CHILD>
</EXPSSDA903>
]]

H.case("SSDA903 XML: a small return is read with each row's element line", function()
  if sys.kind(SPEC_DIR) ~= "dir" then H.skip("SSDA903 XML small", SPEC_DIR .. " is absent"); return end
  local path = OUT .. "/small.xml"
  write(path, SMALL)
  local ret = assert(read.read_903({ xml = path, year = 2018 }))
  validate.validate(ret)
  H.eq(#ret.tables.header.rows, 1)
  H.eq(#ret.tables.episodes.rows, 2)
  H.eq(ret.tables.episodes.rows[1].PLACE, "U1")
  H.eq(ret.tables.episodes.rows[1]._line, 18)
  H.eq(ret.tables.reviews.rows[1].DOB, "01/05/2005")   -- inherited from the header
  H.eq(ret.tables.reviews.rows[1]._line, 13)
  local by = {}
  for _, f in ipairs(ret.failures) do by[f.rule] = by[f.rule] or f end
  -- DEC before DECOM (rule 356) on the episode's line
  H.ok(by["356"] and by["356"].line == 18 and by["356"].file == path, "rule 356 names the EPISODE line")
  -- RNE X is not a code: rule 143, on the second child's EPISODE line
  H.ok(by["143"] and by["143"].line == 35, "rule 143 names line 35")
  -- child 102 has episodes but no header: csceval's CHILD check
  H.ok(by["CHILD"] ~= nil, "a child without a header row is found")
  -- an element the layout does not know is said, with its line and tag
  local spec_fail
  for _, f in ipairs(ret.failures) do if f.rule == "SPEC" and f.field == "FAVOURITE_COLOUR" then spec_fail = f end end
  H.ok(spec_fail and spec_fail.line == 12, "the unknown element is a SPEC failure on line 12")
end)

H.case("SSDA903 XML: malformed XML is a data error naming the line and the element", function()
  local path = OUT .. "/broken.xml"
  write(path, "<?xml version=\"1.0\"?>\n<EXPSSDA903>\n  <CHILD>\n    <HEADER>\n      <CHILDID>1</CHILDID>\n  </CHILD>\n</EXPSSDA903>\n")
  local ret, err = read.read_903({ xml = path, year = 2018 })
  H.eq(ret, nil)
  H.ok(err:find(path .. ":6:", 1, true), err)
  H.ok(err:find("HEADER", 1, true) and err:find("CHILD", 1, true), err)
  write(path, "<EXPSSDA903><CHILD><CHILDID>1 & 2</CHILDID></CHILD></EXPSSDA903>\n")
  ret, err = read.read_903({ xml = path, year = 2018 })
  H.eq(ret, nil)
  H.ok(err:find(path .. ":1:", 1, true), err)
  -- an entity is never fetched from another file
  write(path, '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "/etc/passwd">]>\n<EXPSSDA903><CHILD><HEADER><CHILDID>&e;</CHILDID></HEADER></CHILD></EXPSSDA903>\n')
  ret = read.read_903({ xml = path, year = 2018 })
  if ret then
    local v = ret.tables.header.rows[1].CHILD or ""
    H.ok(not v:find("root:", 1, true), "no file content: " .. v)
  end
end)

H.case("SSDA903 XML: a recipe run on XML returns (--data returns=FOLDER of Y.xml) gives the CSV run's results", function()
  if sys.kind(SPEC_DIR) ~= "dir" then H.skip("SSDA903 XML recipe", SPEC_DIR .. " is absent"); return end
  local runner = require("csc.runner")
  local folder = OUT .. "/derby"
  os.execute("mkdir -p " .. folder)
  for y = 2017, 2019 do xml.write_from_csv("data/derby_care_leavers", y .. "-", folder .. "/" .. y .. ".xml") end
  local a = runner.run("recipes/derby_care_leavers_903.lua", { out = OUT .. "/run_csv", trusted = true, data = {} })
  local b = runner.run("recipes/derby_care_leavers_903.lua", { out = OUT .. "/run_xml", trusted = true,
    data = { "returns=" .. folder } })
  H.eq(#b.estimates, #a.estimates)
  local bv = {}
  for _, e in ipairs(b.estimates) do bv[e.label] = e.value end
  local same = 0
  for _, e in ipairs(a.estimates) do
    if bv[e.label] == e.value then same = same + 1 else H.fail(string.format("%s: CSV %s, XML %s", e.label, e.value, bv[e.label])) end
  end
  H.ok(same > 100, "estimates compared: " .. same)
  H.eq(b.nwithin, a.nwithin)
end)
