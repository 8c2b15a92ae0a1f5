-- EES open data (csc.render.ees): a result table as DfE's tidy CSV and its
-- metadata file.  The conventions are checked against DfE's own file: the
-- local-authority rows of ../shared/data/ees/cla_number_and_rate_per_10k_children.csv
-- are made into a result table, written back as EES data, and every field
-- of every row must equal the published file's (column names, level and
-- time identifier words, codes, the symbols x and z kept).  Then the
-- metadata file, the synthetic mark, and errors that name the field.
local H = ...
local ees = require("csc.render.ees")
local NA = require("host.frame").NA

local function parse_line(s)
  local out, i, n = {}, 1, #s
  while i <= n + 1 do
    if s:sub(i, i) == '"' then
      local buf, j = {}, i + 1
      while true do
        local c = s:sub(j, j)
        if c == '"' and s:sub(j + 1, j + 1) == '"' then buf[#buf + 1] = '"'; j = j + 2
        elseif c == '"' then break
        else buf[#buf + 1] = c; j = j + 1 end
      end
      out[#out + 1] = table.concat(buf)
      i = j + 2
    else
      local j = s:find(",", i, true) or (n + 1)
      out[#out + 1] = s:sub(i, j - 1)
      i = j + 1
    end
  end
  return out
end

local function read(text)
  local lines = {}
  for l in (text:gsub("^\239\187\191", "")):gmatch("[^\r\n]+") do lines[#lines + 1] = l end
  local head = parse_line(lines[1])
  local rows = {}
  for k = 2, #lines do
    local f, r = parse_line(lines[k]), {}
    for j, c in ipairs(head) do r[c] = f[j] end
    rows[#rows + 1] = r
  end
  return head, rows
end

local CLA = "../shared/data/ees/cla_number_and_rate_per_10k_children.csv"
local fh = io.open(CLA, "rb")
if not fh then
  H.skip("ees: round trip through DfE's file", CLA .. " is absent (../shared/data beside the project)")
else
  local text = fh:read("a")
  fh:close()
  H.case("ees: LA rows of DfE's looked-after file written back field for field", function()
    local _, all = read(text)
    local t = { name = "cla", columns = { "year", "old", "code", "la", "rcode", "region", "population_type",
      "population_estimate", "children_count", "rate_per_10000" }, rows = {} }
    local src = {}
    for _, r in ipairs(all) do
      if r.geographic_level == "Local authority" and (r.time_period == "2024" or r.time_period == "2025") then
        local function v(x) return tonumber(x) and math.tointeger(tonumber(x)) or tonumber(x) or x end
        t.rows[#t.rows + 1] = { tonumber(r.time_period), r.old_la_code, r.new_la_code, r.la_name, r.region_code,
          r.region_name, r.population_type, v(r.population_estimate), v(r.children_count), v(r.rate_per_10000) }
        src[#src + 1] = r
      end
    end
    H.ok(#src > 300, "two years of local authority rows")
    local data, meta = ees.write(t, {
      table = "cla", time_period = "year", geographic_level = "Local authority",
      geography = { old_la_code = "old", new_la_code = "code", la_name = "la", region_code = "rcode", region_name = "region" },
      filters = { "population_type" },
      indicators = { "population_estimate", "children_count", { column = "rate_per_10000", label = "Rate per 10,000 children", dp = 0 } },
    }, "outputs.ees[1]")
    local head, back = read(data)
    H.eq(table.concat(head, ",", 1, 5), "time_period,time_identifier,geographic_level,country_code,country_name")
    H.eq(#back, #src)
    local bad = 0
    for i, r in ipairs(src) do
      for _, c in ipairs(head) do
        if back[i][c] ~= r[c] then
          bad = bad + 1
          if bad < 5 then H.fail(string.format("row %d, %s: wrote %s, DfE %s", i, c, tostring(back[i][c]), tostring(r[c]))) end
        end
      end
    end
    H.eq(bad, 0)
    local mhead, mrows = read(meta)
    H.eq(table.concat(mhead, ","), table.concat(ees.META_COLUMNS, ","))
    H.eq(mrows[1].col_name, "population_type")
    H.eq(mrows[1].col_type, "Filter")
    H.eq(mrows[4].col_type, "Indicator")
    H.eq(mrows[4].label, "Rate per 10,000 children")
    H.eq(mrows[4].indicator_dp, "0")
    -- DfE's own rows, written back, pass the checks csceval applies to its EES files
    H.eq(ees.check(data, meta), {})
  end)
end

local function small()
  return { name = "rates", columns = { "year", "group", "n", "rate" },
    rows = { { 2024, "A", 12, 0.125 }, { 2024, "B", "c", NA }, { 2024, NA, 20, 1 / 3 } } }
end

H.case("ees: national rows, defaults, missing as x, suppressed kept, a missing filter is Total", function()
  local data, meta = ees.write(small(), { table = "rates", time_period = "year", geographic_level = "National",
    filters = { "group" }, indicators = { "n", "rate" } }, "outputs.ees[1]")
  local _, rows = read(data)
  H.eq(rows[1].country_code, "E92000001")
  H.eq(rows[1].time_identifier, "Reporting year")
  H.eq(rows[2].n, "c")
  H.eq(rows[2].rate, "x")
  H.eq(rows[3].group, "Total")
  H.eq(tonumber(rows[3].rate), 1 / 3)
  H.ok(not data:find("region_code"), "national rows have no region columns")
  H.ok(meta:find("Indicator", 1, true) ~= nil, "indicators in the metadata")
end)

H.case("ees: on synthetic data the files are named and labelled as synthetic", function()
  local ctx = { synthetic = true, tables = { small() } }
  local r = { spec = { outputs = { ees = { { table = "rates", time_period = 2024, geographic_level = "National",
    filters = { "group" }, indicators = { "n" } } } } } }
  local files = ees.files(ctx, r)
  H.ok(files["rates_ees_synthetic.csv"] ~= nil, "data file named synthetic")
  H.ok(files["rates_ees_synthetic.meta.csv"]:find(ees.SYNTHETIC_LABEL, 1, true) ~= nil, "labels marked synthetic")
end)

H.case("ees: errors name the field and what to do", function()
  local function run(spec) return ees.write(small(), spec, "outputs.ees[1]") end
  H.raises("outputs.ees[1].geography: Local authority rows need region_code", run,
    { table = "rates", time_period = "year", geographic_level = "Local authority", indicators = { "n" } })
  H.raises("outputs.ees[1].indicators[1]: table rates has no column nope", run,
    { table = "rates", time_period = "year", geographic_level = "National", indicators = { "nope" } })
  H.raises("outputs.ees[1].time_period: \"24\" is neither a column", run,
    { table = "rates", time_period = "24", geographic_level = "National", indicators = { "n" } })
  H.raises("\"A\" is neither a number nor an EES symbol", run,
    { table = "rates", time_period = "year", geographic_level = "National", indicators = { "group" } })
  H.raises("outputs.ees[1].table: the run made no table \"none\"", ees.files, { tables = { small() } },
    { spec = { outputs = { ees = { { table = "none", time_period = 2024, geographic_level = "National", indicators = { "n" } } } } } })
end)

H.case("ees: years written 2023/24 become the period their time identifier needs", function()
  H.eq(ees.period("2023/24", "Reporting year"), "2024")
  H.eq(ees.period("2023/24", "Financial year"), "202324")
  H.eq(ees.period("2023/24", "Academic year"), "202324")
  H.eq(ees.period("2023/24", "Calendar year"), "2023/24")   -- not a calendar year: refused below
  H.eq(ees.period("2024", "Reporting year"), "2024")
  local t = { name = "r", columns = { "year", "n" }, rows = { { "2022/23", 1 }, { "2023/24", 2 } } }
  local data = ees.write(t, { table = "r", time_period = "year", geographic_level = "National", indicators = { "n" } }, "o")
  local _, rows = read(data)
  H.eq(rows[1].time_period, "2023")
  H.eq(rows[2].time_period, "2024")
  data = ees.write(t, { table = "r", time_period = "year", time_identifier = "Financial year",
    geographic_level = "National", indicators = { "n" } }, "o")
  _, rows = read(data)
  H.eq(rows[2].time_period, "202324")
  H.raises("o.time_period: table r, row 1: period 2022/23 is not YYYY or YYYYYY", ees.write, t, { table = "r",
    time_period = "year", time_identifier = "Calendar year", geographic_level = "National", indicators = { "n" } }, "o")
end)

H.case("ees: a geography { value = ... } is a literal even when a column has that name; indicators renamed", function()
  local t = { name = "r", columns = { "year", "Lincolnshire" }, rows = { { 2024, 510.5 } } }
  local data, meta = ees.write(t, { table = "r", time_period = "year", geographic_level = "Local authority",
    geography = { old_la_code = "925", new_la_code = "E10000019", la_name = { value = "Lincolnshire" },
      region_code = "E12000004", region_name = "East Midlands" },
    indicators = { { column = "Lincolnshire", name = "referral_rate", label = "Referrals per 10,000 children" } } }, "o")
  local head, rows = read(data)
  H.eq(rows[1].la_name, "Lincolnshire")
  H.eq(rows[1].referral_rate, "510.5")
  H.eq(head[#head], "referral_rate")
  H.ok(meta:find("\nreferral_rate,Indicator,", 1, true) ~= nil, meta)
  H.eq(ees.check(data, meta), {})
end)

H.case("ees: the checks find each broken rule and name it", function()
  local meta = "col_name,col_type,label,indicator_grouping,indicator_unit,indicator_dp,filter_hint,filter_grouping_column\n"
  local function has(problems, text)
    for _, p in ipairs(problems) do if p:find(text, 1, true) then return true end end
    H.fail("no problem mentions " .. text .. ": " .. table.concat(problems, " | "))
  end
  local ok = "time_period,time_identifier,geographic_level,country_code,country_name,group,n\n"
    .. "2024,Reporting year,National,E92000001,England,A,1\n"
  local m = meta .. "group,Filter,Group,,,,,\nn,Indicator,Number,,,0,,\n"
  H.eq(ees.check(ok, m), {})
  has(ees.check(ok:gsub(",n\n", ",N\n", 1), m), "column 7 name \"N\"")
  has(ees.check(ok:gsub("2024,", "202324,", 1), m), "time_period \"202324\": a Reporting year is written 2024")
  has(ees.check(ok:gsub("Reporting year", "Financial year"), m), "two consecutive years")
  has(ees.check(ok:gsub("E92000001", "E9200001"), m), "country_code \"E9200001\" is not a well-formed code")
  has(ees.check(ok:gsub(",1\n$", ",\n"), m), "indicator n is blank")
  has(ees.check(ok:gsub(",1\n$", ",many\n"), m), "indicator n \"many\" is neither a number nor an EES symbol")
  has(ees.check(ok:gsub(",A,", ",,"), m), "filter group is blank")
  has(ees.check(ok .. "2024,Reporting year,National,E92000001,England,A,2\n", m), "the same period, geography and filters as row 2")
  has(ees.check(ok, meta .. "n,Indicator,Number,,,0,,\n"), "meta: no row for column group")
  has(ees.check(ok, m .. "x,Indicator,X,,,,,\n"), "col_name \"x\" is not a column")
  has(ees.check(ok, m:gsub("Filter,Group", "Filters,Group")), "col_type \"Filters\"")
  has(ees.check(ok, m:gsub("Number,,,0", "Number,,,one")), "indicator_dp \"one\"")
  has(ees.check(ok:gsub("National,E92000001,England", "Regional,E92000001,England"), m), "Regional rows need a region_code column")
  -- a recipe whose table would break a rule is stopped before anything is written
  local r = { spec = { outputs = { ees = { { table = "rates", time_period = 2024, geographic_level = "National",
    indicators = { "Rate" } } } } } }
  H.raises("outputs.ees[1]: table rates would not pass EES's checks: data: column 6 name \"Rate\"", ees.files,
    { tables = { { name = "rates", columns = { "Rate" }, rows = { { 1 } } } } }, r)
end)

-- The shipped recipe that publishes authority figures as EES files
-- (recipes/lincs_benchmarks.lua): they pass the checks, their geography is
-- Lincolnshire's as DfE's own children in need file writes it, and the
-- referral counts are DfE's for every year.
local C1 = "../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
fh = io.open(C1, "rb")
if not fh then
  H.skip("ees: lincs_benchmarks' EES files", C1 .. " is absent (../shared/data beside the project)")
else
  local c1 = fh:read("a")
  fh:close()
  H.case("ees: lincs_benchmarks writes EES files that pass the checks and agree with DfE's file", function()
    local sys = require("host.sys")
    local out = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-ees-" .. tostring(sys.pid())
    local cmd = string.format("'%s' run recipes/lincs_benchmarks.lua --out '%s' --format csv --quiet", sys.exe(), out)
    H.ok(os.execute(cmd), cmd)
    local _, dfe = read(c1)
    local by_year = {}
    for _, r in ipairs(dfe) do
      if r.geographic_level == "Local authority" and r.old_la_code == "925" then by_year[r.time_period] = r end
    end
    for _, t in ipairs({ "referral_rate_authority", "nfa_share_authority" }) do
      local data = assert(sys.read(out .. "/lincs_benchmarks/" .. t .. "_ees.csv"))
      local meta = assert(sys.read(out .. "/lincs_benchmarks/" .. t .. "_ees.meta.csv"))
      H.eq(ees.check(data, meta), {})
      local _, rows = read(data)
      H.eq(#rows, 13)   -- 2012/13 to 2024/25
      for _, r in ipairs(rows) do
        local d = by_year[r.time_period]
        H.ok(d ~= nil, "DfE has Lincolnshire in " .. r.time_period)
        for _, g in ipairs({ "time_identifier", "country_code", "region_code", "region_name", "old_la_code",
            "new_la_code", "la_name" }) do
          H.eq(r[g], d[g], t .. " " .. r.time_period .. " " .. g)
        end
        if t == "referral_rate_authority" then
          H.eq(r.referral_count, d.referral_count)
        else
          H.eq(r.no_further_action_count, d.no_further_action_count)
          H.eq(r.referral_count, d.referral_count)
          -- DfE prints the share to one decimal place
          H.ok(math.abs(tonumber(r.no_further_action_percent) - tonumber(d.no_further_action_percent)) <= 0.05 + 1e-9,
            r.time_period .. ": " .. r.no_further_action_percent .. " against DfE's " .. d.no_further_action_percent)
        end
      end
    end
    os.execute("rm -rf '" .. out .. "'")
  end)
end
