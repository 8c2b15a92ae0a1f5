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
    indicators = { "n" } } } } } }
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
