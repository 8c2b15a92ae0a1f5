--- LAIT indicators for the benchmark design: DfE's Local Authority
-- Interactive Tool data in long form (../shared/data/lait/
-- lait_csc_key_measures_2015_2025_long.csv: measure_short, year, la_number,
-- area_name, region, value).  England is code 970, the regions 980-990;
-- "-" marks a missing or suppressed value, which stays missing (never 0).
-- Besides the authority, its neighbours and England, a LAIT measure gives
-- the authority's region and its rank and quartile among all authorities
-- with a value that year.
-- @module csc.benchmark.lait
local NA = require("host.frame").NA

local M = {}

M.ENGLAND = 970

local function num(v)
  if v == NA or v == nil then return nil end
  if type(v) == "number" then return v end
  return tonumber(v)
end

--- Add an authority's figure `v` for year `y` to extra.all (the list of
-- every authority's figures that ranks and quartiles are taken from).
function M.add_figure(extra, y, code, v)
  local l = extra.all[y] or {}
  l[#l + 1] = { code, v }
  extra.all[y] = l
end

--- Index one measure: key "code|year" (England "E|year") -> value or NA,
-- why[key] = the printed token when missing, and extra =
-- {region_of = {code -> region}, region = {"name|year" -> value},
--  all = {year -> {{code, value}, ...}}} for ranks and regions.
function M.index(f, measure)
  for _, c in ipairs({ "measure_short", "year", "la_number", "area_name", "region", "value" }) do
    if not f:has(c) then
      error(string.format("a LAIT input needs the column %q (the long LAIT file has measure_short, year, la_number, "
        .. "area_name, region, value)", c), 0)
    end
  end
  local ms, yr, code, name, reg, val = f:column("measure_short"), f:column("year"), f:column("la_number"),
    f:column("area_name"), f:column("region"), f:column("value")
  local t, why = {}, {}
  local extra = { region_of = {}, region = {}, all = {}, names = {} }
  for i = 1, #ms do
    if ms[i] == measure and code[i] ~= NA and yr[i] ~= NA then
      local c, y = math.tointeger(tonumber(code[i])), math.tointeger(tonumber(yr[i]))
      local v = num(val[i])
      if c and y then
        local key = (c == M.ENGLAND and "E" or tostring(c)) .. "|" .. y
        t[key] = v or NA
        if not v then why[key] = val[i] == NA and (f:na_reason(i, "value") or "") or tostring(val[i]) end
        if c > M.ENGLAND then
          if v then extra.region[tostring(name[i]) .. "|" .. y] = v end
        elseif c < M.ENGLAND then
          if reg[i] ~= NA then extra.region_of[tostring(c)] = reg[i] end
          if name[i] ~= NA then extra.names[tostring(c)] = tostring(name[i]) end
          if v then M.add_figure(extra, y, c, v) end
        end
      end
    end
  end
  return t, why, extra
end

--- Rank (1 = highest, or lowest with polarity "low"; ties share the best
-- rank), number ranked and quartile (1 = the top quarter: ceil(4 rank / n)).
function M.rank(list, code, polarity)
  local mine
  for _, p in ipairs(list or {}) do if tostring(p[1]) == tostring(code) then mine = p[2] end end
  if not mine then return nil end
  local better = 0
  for _, p in ipairs(list) do
    if (polarity == "low" and p[2] < mine) or (polarity ~= "low" and p[2] > mine) then better = better + 1 end
  end
  local r, n = better + 1, #list
  return r, n, math.ceil(4 * r / n)
end

function M.add_columns(columns, extra, auth)
  if not extra.no_region then columns[#columns + 1] = extra.region_of[auth] or "region" end
  columns[#columns + 1] = "rank"
  columns[#columns + 1] = "authorities_ranked"
  columns[#columns + 1] = "quartile"
end

--- Every authority's value, rank and quartile in year y, best first (ties
-- by code): {code, name, value, rank, quartile}, with n authorities ranked.
function M.ranks(extra, y, polarity)
  local list = extra.all[y] or {}
  local out = {}
  for _, p in ipairs(list) do
    local r, n, q = M.rank(list, p[1], polarity)
    out[#out + 1] = { code = tostring(p[1]), name = extra.names and extra.names[tostring(p[1])], value = p[2], rank = r, n = n, quartile = q }
  end
  table.sort(out, function(a, b)
    if a.rank ~= b.rank then return a.rank < b.rank end
    return tonumber(a.code) < tonumber(b.code)
  end)
  return out, #list
end

--- Add region (unless extra.no_region), rank, n and quartile for year y to the row and as estimates.
function M.add_year(ctx, m, extra, auth, y, row, a)
  local region = extra.region_of[auth]
  local rv = region and extra.region[region .. "|" .. y]
  local r, n, q = M.rank(extra.all[y], auth, m.polarity)
  if not extra.no_region then row[#row + 1] = rv or NA end
  row[#row + 1] = r or NA
  row[#row + 1] = n or NA
  row[#row + 1] = q or NA
  if rv then ctx:estimate({ label = string.format("%s.region.%d", m.name, y), value = rv, unit = m.label, group = m.name, detail = true }) end
  if r then
    ctx:estimate({ label = string.format("%s.rank.%d", m.name, y), value = r, n = n,
      unit = (m.polarity == "low" and "1 = lowest" or "1 = highest") .. " of " .. n .. " authorities", group = m.name, detail = true })
    ctx:estimate({ label = string.format("%s.quartile.%d", m.name, y), value = q, unit = "1 = top quarter", group = m.name, detail = true })
  end
  return a
end

return M
