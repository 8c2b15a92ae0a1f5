--- Small helpers shared by the csceval library: names, numbers, tables.
-- @module csc.util
local M = {}

--- Levenshtein distance between two strings (for "did you mean" hints).
function M.edit_distance(a, b)
  local la, lb = #a, #b
  if la > 64 or lb > 64 then return math.huge end
  local prev = {}
  for j = 0, lb do prev[j] = j end
  for i = 1, la do
    local cur = { [0] = i }
    local ai = a:byte(i)
    for j = 1, lb do
      local cost = (ai == b:byte(j)) and 0 or 1
      cur[j] = math.min(prev[j - 1] + cost, prev[j] + 1, cur[j - 1] + 1)
    end
    prev = cur
  end
  return prev[lb]
end

--- The candidate closest to name within two edits, or nil.
function M.suggest(name, candidates)
  -- the same name in other capitals ("ITS" for "its") first
  for _, c in ipairs(candidates) do
    if type(c) == "string" and type(name) == "string" and c ~= name and c:lower() == name:lower() then return c end
  end
  local best, bestd = nil, 3
  for _, c in ipairs(candidates) do
    local d = M.edit_distance(name, c)
    if d < bestd then best, bestd = c, d end
  end
  return best
end

--- ' (did you mean "x"?)' or "".
function M.hint(name, candidates)
  local s = M.suggest(name, candidates)
  return s and string.format(' (did you mean "%s"?)', s) or ""
end

--- Sorted keys of a table (strings before numbers, each in natural order).
function M.sorted_keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, function(x, y)
    local tx, ty = type(x), type(y)
    if tx ~= ty then return tx == "string" end
    return x < y
  end)
  return ks
end

--- Shortest decimal that reads back as the same double (up to 17 digits),
-- so outputs are exact and byte-identical across runs.
function M.fmt_number(x)
  if x ~= x then return "NaN" end
  if x == math.huge then return "Inf" end
  if x == -math.huge then return "-Inf" end
  if math.type(x) == "integer" then return string.format("%d", x) end
  if x == math.floor(x) and math.abs(x) < 2^53 then return string.format("%.0f", x) end
  for p = 15, 17 do
    local s = string.format("%." .. p .. "g", x)
    if tonumber(s) == x then return s end
  end
  return string.format("%.17g", x)
end

--- A number for messages and printed results: 6 significant digits, NaN,
-- Inf and -Inf spelt as R prints them; anything else as tostring.
function M.fmt_g(x)
  if type(x) ~= "number" then return tostring(x) end
  if x ~= x then return "NaN" end
  if x == math.huge then return "Inf" end
  if x == -math.huge then return "-Inf" end
  return string.format("%.6g", x)
end

--- Round for display: d digits after the point, "" for nil.
function M.fmt_fixed(x, d)
  if x == nil then return "" end
  if type(x) ~= "number" then return tostring(x) end
  if x ~= x then return "NaN" end
  local s = string.format("%." .. (d or 2) .. "f", x)
  if s:match("^%-0%.?0*$") then s = s:sub(2) end   -- no "-0.00"
  return s
end

--- Stem of a path: "recipes/lincs_benchmarks.lua" -> "lincs_benchmarks".
function M.stem(path)
  local base = path:match("([^/]+)$") or path
  return (base:gsub("%.[^.]*$", ""))
end

--- Folder part of a path ("." when none).
function M.dirname(path)
  return path:match("^(.*)/[^/]*$") or "."
end

--- The records of CSV text (RFC 4180: fields separated by commas, a field
-- in double quotes may hold commas, line breaks and "" for a quote), each a
-- list of strings exactly as written, with the line it starts on (`line`).
-- Blank lines are skipped.  Returns nil, message, line on a quote left open
-- or text after a closing quote.
---@param text string
---@return table[]? rows
---@return string? message
---@return integer? line
function M.csv_rows(text)
  local rows, row, field, line, start = {}, {}, {}, 1, 1
  local i, n = 1, #text
  local quoted_field = false
  local function end_field()
    row[#row + 1] = table.concat(field)
    field, quoted_field = {}, false
  end
  local function end_row()
    end_field()
    if not (#row == 1 and row[1] == "" and not quoted_field) then
      row.line = start
      rows[#rows + 1] = row
    end
    row = {}
  end
  while i <= n do
    local c = text:sub(i, i)
    if c == '"' and #field == 0 and not quoted_field then
      local j, buf = i + 1, {}
      while true do
        local q = text:find('"', j, true)
        if not q then return nil, "a quoted field is not closed", line end
        local part = text:sub(j, q - 1)
        local _, nl = part:gsub("\n", "")
        line = line + nl
        buf[#buf + 1] = part
        if text:sub(q + 1, q + 1) == '"' then
          buf[#buf + 1] = '"'
          j = q + 2
        else
          i = q + 1
          break
        end
      end
      field = { table.concat(buf) }
      quoted_field = true
      local nxt = text:sub(i, i)
      if nxt ~= "," and nxt ~= "\n" and nxt ~= "\r" and nxt ~= "" then
        return nil, "text after a closing quote (write \"\" for a quote inside a quoted field)", line
      end
    elseif c == "," then
      end_field()
      i = i + 1
    elseif c == "\n" or c == "\r" then
      end_row()
      if c == "\r" and text:sub(i + 1, i + 1) == "\n" then i = i + 1 end
      line = line + 1
      start = line
      i = i + 1
    else
      local j = text:find('[,\r\n]', i) or n + 1
      field[#field + 1] = text:sub(i, j - 1)
      i = j
    end
  end
  if #field > 0 or #row > 0 or quoted_field then end_row() end
  return rows
end

--- The sign of x as 1, -1 or 0: the direction of a change, for the 0/1
-- and -1/0/1 figures a report states in words ("fell", "rose").
---@param x number
---@return integer
function M.sign(x)
  if x > 0 then return 1 elseif x < 0 then return -1 end
  return 0
end

--- A file of csceval's data folder: data/<name> beside the lua/ folder the
-- library was loaded from (the project root in a checkout, share/csceval/
-- when installed), so it is found from any working folder.
---@param name string e.g. "reports.csv"
---@return string
function M.data_path(name)
  local here = package.searchpath("csc.util", package.path)
  local root = here and here:match("^(.*)[/\\]lua[/\\]csc[/\\]util%.lua$")
  return (root and root ~= "" and (root .. "/") or "") .. "data/" .. name
end

--- A unique id for s among the ids in `used` (which it joins): lower
-- case, runs of other characters as "-", "-2", "-3" ... on a repeat, and
-- `empty` when nothing is left.
---@param s string
---@param used table<string, true>
---@param empty string
---@return string
function M.slug(s, used, empty)
  local base = s:lower():gsub("[^%w]+", "-"):gsub("^%-+", ""):gsub("%-+$", "")
  if base == "" then base = empty end
  local id, k = base, 1
  while used[id] do k = k + 1; id = base .. "-" .. k end
  used[id] = true
  return id
end

--- Shallow copy.
--- Control characters made visible: each of U+0000-U+001F other than tab,
-- line feed and carriage return becomes its Unicode control picture (a NUL
-- byte shows as "␀"), and DEL (U+007F) becomes "␡".  Reports, charts and the
-- index pass every text through this, so a control character that came with
-- the data can neither corrupt an HTML or SVG file nor hide in it.
function M.visible_controls(s)
  s = tostring(s)
  if not s:find("[%z\1-\8\11\12\14-\31\127]") then return s end
  return (s:gsub("[%z\1-\8\11\12\14-\31\127]", function(c)
    local b = c:byte()
    return utf8.char(b == 127 and 0x2421 or 0x2400 + b)
  end))
end

function M.copy(t)
  local o = {}
  for k, v in pairs(t) do o[k] = v end
  return o
end

--- An error message without the "file.lua:LINE: " position Lua adds, for
-- showing a caught failure in a result table: the position names a file of
-- this checkout, and results must not depend on where csceval is installed.
function M.plain_error(e)
  local msg = type(e) == "table" and (e.msg or tostring(e)) or tostring(e)
  local _, untagged = require("csc.errors").untag(msg)   -- the kind C tagged it with
  return (untagged:gsub("^[^\n]-%.lua:%d+: ", ""))
end

return M
