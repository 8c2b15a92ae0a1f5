--- Calendar dates for SSDA903 fields: dd/mm/yyyy to day numbers (days since
-- 1970-01-01, proleptic Gregorian; Howard Hinnant's days_from_civil) and back,
-- and age in whole years at a date.
-- @module csc.ssda903.date
local M = {}

--- Day number of y-m-d.
function M.days(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

--- y, m, d of a day number.
function M.civil(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  return m <= 2 and y + 1 or y, m, d
end

local mdays = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

--- Day number of "dd/mm/yyyy", or nil when it is not a real calendar day.
function M.parse(s)
  if type(s) ~= "string" then return nil end
  local d, m, y = s:match("^(%d%d)/(%d%d)/(%d%d%d%d)$")
  if not d then return nil end
  d, m, y = tonumber(d), tonumber(m), tonumber(y)
  if m < 1 or m > 12 or d < 1 then return nil end
  local leap = (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
  if d > (m == 2 and leap and 29 or mdays[m]) then return nil end
  return M.days(y, m, d)
end

--- "dd/mm/yyyy" of a day number.
function M.format(z)
  local y, m, d = M.civil(z)
  return string.format("%02d/%02d/%04d", d, m, y)
end

--- Age in completed years at day `at` of a child born on day `dob`
-- (a child born on 29 February turns a year older on 1 March in common years).
function M.age(dob, at)
  local by, bm, bd = M.civil(dob)
  local ay, am, ad = M.civil(at)
  local a = ay - by
  if am < bm or (am == bm and ad < bd) then a = a - 1 end
  return a
end

return M
