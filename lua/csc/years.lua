--- Years in recipes: financial and academic years written the ways people
-- write them ("2018/19", "2018-19", "2018/2019", "FY 2018/19", "2018 to
-- 2019"), read as the numbers the statistics use, and printed back as
-- 2018/19.
--
-- DfE's yearly statistics count a year by when it ends: time_period 2019 is
-- the year ending 31 March 2019, 2018/19.  So "2018/19" in a recipe is
-- 2019, and a programme that began in April 2018 starts in 2019.  Files of
-- academic or financial years written 201819 keep that form.
-- @module csc.years
local M = {}

--- "2018/19" for an end year 2019; "2018/19" for 201819; else the number.
-- style "full" writes both years in full, as some reports print them
-- ("2018/2019"); "plain" leaves a four-digit year as it is.
function M.label(y, style)
  y = math.tointeger(y) or y
  if math.type(y) ~= "integer" then return tostring(y) end
  local form = style == "full" and "%d/%d" or "%d/%02d"
  if y >= 190001 and y <= 210099 and (y // 100) % 100 == ((y % 100) + 99) % 100 then
    local a = y // 100
    return string.format(form, a, style == "full" and a + 1 or y % 100)
  end
  if style ~= "plain" and y >= 1900 and y <= 2100 then
    return string.format(form, y - 1, style == "full" and y or y % 100)
  end
  return tostring(y)
end

--- A time value as messages show it: 2018/19 for a year of a design with
-- format = "fy", else as written.
function M.show(v, format)
  if format == "fy" and math.type(v) == "integer" then return M.label(v) end
  return tostring(v)
end

--- The start year of a year written as text, or nil.  Accepts 2018/19,
-- 2018-19, 2018/2019, 2018-2019, 2018 to 2019, 201819 (as text), with FY,
-- AY, "financial year" or "academic year" around it.  Returns start, and a
-- message when the text looks like a year but is wrong (2018/20).
function M.parse_text(s)
  local t = s:lower():gsub("^%s+", ""):gsub("%s+$", "")
  t = t:gsub("^fy%s*", ""):gsub("^ay%s*", ""):gsub("^financial year%s*", ""):gsub("^academic year%s*", "")
  t = t:gsub("%s*financial year$", ""):gsub("%s*academic year$", ""):gsub("%s*fy$", "")
  -- 2018-04 is a month, not a year: with a hyphen the second part must be
  -- the following year (2018-19, 2018-2019) to be read as one
  local ha, hb = t:match("^(%d%d%d%d)%s*%-%s*(%d%d%d?%d?)$")
  if ha then
    local n1, n2 = tonumber(ha), tonumber(hb)
    if not ((#hb == 2 and n2 == (n1 + 1) % 100) or (#hb == 4 and n2 == n1 + 1)) then return nil end
  end
  local a, b = t:match("^(%d%d%d%d)%s*[/%-]%s*(%d%d%d?%d?)$")
  if not a then a, b = t:match("^(%d%d%d%d)%s+to%s+(%d%d%d?%d?)$") end
  if not a then a, b = t:match("^(%d%d%d%d)(%d%d)$") end
  if not a then return nil end
  a = tonumber(a)
  local second = tonumber(b)
  if #b == 2 then second = (a // 100) * 100 + second; if second < a then second = second + 100 end end
  if #b == 3 or second ~= a + 1 then
    return nil, string.format("%q is not a year: the second year must follow the first (write %d/%02d)",
      s, a, (a + 1) % 100)
  end
  return a
end

local HOW = "write a financial or academic year as \"2018/19\" (the year April 2018 to March 2019), "
  .. "or as the number the data's time column uses"

--- Read a year field for yearly data whose time column counts years by
-- their end (2019 = 2018/19).  Returns the number, or nil and a message
-- saying how to write it.  `style` is "end" (2019), "six" (201819) or nil
-- (not yet known: read text as "end").
function M.read(v, style)
  if type(v) == "string" then
    local y, bad = M.parse_text(v)
    if bad then return nil, bad .. "; " .. HOW end
    if y then
      if style == "six" then return y * 100 + (y + 1) % 100 end
      return y + 1
    end
    local dy, dm = v:match("^(%d%d%d%d)%-(%d%d)")
    if dy then
      dy, dm = tonumber(dy), tonumber(dm)
      local fy = dm >= 4 and dy or dy - 1
      return nil, string.format("%q is a date, but the time column here counts years (the year ending 31 "
        .. "March); that date falls in %d/%02d: write \"%d/%02d\" (or %d)", v,
        fy, (fy + 1) % 100, fy, (fy + 1) % 100,
        style == "six" and fy * 100 + (fy + 1) % 100 or fy + 1)
    end
    if tonumber(v) then return M.read(tonumber(v), style) end
    return nil, string.format("%q is not a year; %s", v, HOW)
  end
  if type(v) == "number" then
    local n = math.tointeger(v)
    if not n then return nil, string.format("%s is not a whole year; %s", tostring(v), HOW) end
    if n >= 100000 then
      local a, b = n // 100, n % 100
      if (a + 1) % 100 == b then
        if style == "six" then return n end
        return nil, string.format("%d is how academic and financial years are written in some files (%d/%02d); "
          .. "this data's time column counts years by their end (%d is %d/%02d): write \"%d/%02d\" or %d",
          n, a, b, a + 1, a, b, a, b, a + 1)
      end
      return nil, string.format("%d is not a year; %s", n, HOW)
    end
    if style == "six" and n >= 1900 and n <= 2100 then
      return nil, string.format("%d is ambiguous: this data's time column writes years as 201819 (2018/19); "
        .. "write \"%d/%02d\" or \"%d/%02d\"", n, n - 1, n % 100, n, (n + 1) % 100)
    end
    return n
  end
  return nil, string.format("expected a year, got %s; %s", type(v), HOW)
end

--- The time style of a column's values: "six" (201819), "end" (4-digit
-- years), "date" (ISO dates), or nil (something else: months counted, ...).
function M.style(values)
  local four, six, date, n = 0, 0, 0, 0
  for _, v in ipairs(values) do
    if type(v) == "number" then
      n = n + 1
      local i = math.tointeger(v)
      if i and i >= 1900 and i <= 2100 then four = four + 1
      elseif i and i >= 190001 and i <= 210099 and (i // 100 + 1) % 100 == i % 100 then six = six + 1 end
    elseif type(v) == "string" then
      n = n + 1
      if v:match("^%d%d%d%d%-%d%d") then date = date + 1 end
    end
  end
  if n == 0 then return nil end
  if four == n then return "end" end
  if six == n then return "six" end
  if date == n then return "date" end
  return nil
end

--- Financial-year month names, for reading "began in April 2018".
local MONTHS = { january = 1, february = 2, march = 3, april = 4, may = 5, june = 6, july = 7,
  august = 8, september = 9, october = 10, november = 11, december = 12 }
M.months = MONTHS

--- Dates of the form "April 2018" (or "Apr 2018") in a text, as {month, year, text}.
function M.dates_in(text)
  local out = {}
  for word, year in tostring(text):gmatch("(%a+)%s+(%d%d%d%d)") do
    local w = word:lower()
    local m = MONTHS[w]
    if not m then
      for name, k in pairs(MONTHS) do if #w >= 3 and name:sub(1, #w) == w then m = k end end
    end
    if m then out[#out + 1] = { month = m, year = tonumber(year), text = word .. " " .. year } end
  end
  return out
end

return M
