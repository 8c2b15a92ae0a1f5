--- Frames as text: the first rows as an aligned table, the way R prints a
-- data frame.  `print(frame)` in a recipe, `frame:head(n)`, `csceval show`
-- and `describe --where` use it.
-- @module csc.frame_text
local hframe = require("host.frame")
local util = require("csc.util")

local M = {}
local NA = hframe.NA

-- Control characters in a value, a column name or a file name are shown as
-- \xNN, as describe does: a file's bytes never reach the terminal as
-- escape sequences (which could recolour or rewrite the screen).
local function visible(s)
  return (s:gsub("[%c]", function(ch) return string.format("\\x%02X", ch:byte()) end))
end

local function cell(f, i, c)
  local v = f:value(i, c)
  if v == NA then
    local why = f:na_reason(i, c)
    return (why == nil or why == "" or why == "NA") and "NA" or ("NA(" .. why .. ")")
  end
  if type(v) == "number" then
    if math.type(v) == "integer" then return string.format("%d", v) end
    local s = string.format("%.6g", v)
    return s
  end
  return visible(tostring(v))
end

--- Text of the first n rows (default 10) of f, columns aligned (numbers to
-- the right), with the frame's size and how many rows are not shown.
function M.table(f, n, title)
  n = n or 10
  local names = f:names()
  local nrow = f:nrow()
  local m = math.min(n, nrow)
  local cols, width, right = {}, {}, {}
  for j, c in ipairs(names) do
    local t = f:type(c)
    right[j] = t == "float64" or t == "int64" or t == "number" or t == "integer"
    cols[j] = {}
    local vc = visible(c)
    width[j] = utf8.len(vc) or #vc
    for i = 1, m do
      local s = cell(f, i, c)
      if (utf8.len(s) or #s) > 40 then s = s:sub(1, 37) .. "..." end
      cols[j][i] = s
      width[j] = math.max(width[j], utf8.len(s) or #s)
    end
  end
  local function pad(s, w, r)
    local gap = string.rep(" ", w - (utf8.len(s) or #s))
    return r and (gap .. s) or (s .. gap)
  end
  local out = {}
  out[#out + 1] = string.format("%s%d rows, %d columns%s", title and (visible(title) .. ": ") or "", nrow, #names,
    m < nrow and string.format(" (first %d shown)", m) or "")
  local rn = #tostring(m)
  local line = { string.rep(" ", rn) }
  for j, c in ipairs(names) do line[#line + 1] = pad(visible(c), width[j], right[j]) end
  out[#out + 1] = table.concat(line, "  ")
  for i = 1, m do
    line = { pad(tostring(i), rn, true) }
    for j = 1, #names do line[#line + 1] = pad(cols[j][i], width[j], right[j]) end
    out[#out + 1] = (table.concat(line, "  "):gsub("%s+$", ""))
  end
  if m < nrow then out[#out + 1] = string.format("... %d more rows", nrow - m) end
  return table.concat(out, "\n")
end

--- Make tostring(frame) (and so print(frame)) show the first rows.
function M.install()
  local probe = hframe.new({ names = { "x" }, columns = { { 1 } } })
  local mt = debug.getmetatable(probe)
  if mt and not mt.csc_text then
    mt.__tostring = function(f)
      local ok, s = pcall(M.table, f, 10)
      if ok then return s end
      return string.format("host.Frame (%d rows, %d columns)", f:nrow(), f:ncol())
    end
    mt.csc_text = true
  end
end

--- Read FILE for describe/show with --where and --columns applied.
function M.read_view(path, o, errors, sys)
  local problem = require("csc.files").problem(path)
  if problem then errors.raise("data", path .. ": " .. problem) end
  local types = {}
  for _, t in ipairs(o.types or {}) do
    local c, ty = t:match("^(.-)=(.+)$")
    if not c then errors.raise("usage", "--type " .. t .. ": expected COLUMN=TYPE") end
    types[c] = ty
  end
  local ok, f, msg, left_out = pcall(require("csc.read").read, path, { types = types, origin = "with --type",
    sheet = o.sheet, header_row = o.header_row, format = o.survey and "survey" or nil })
  if not ok then
    -- a mistake in the options (a --type C refuses) is the command line's;
    -- anything else keeps the kind C gave it (out of memory: analysis, 4)
    local e = errors.from_host(f)
    errors.raise(e.kind == "recipe" and "usage" or e.kind, e.msg)
  end
  if not f then errors.raise("data", msg) end
  if left_out then sys.stderr("csceval: warning: " .. left_out .. "\n") end
  local label = path
  if o.where then
    local okf, g = pcall(f.filter, f, o.where)
    if not okf then errors.raise("usage", "--where: " .. util.plain_error(g)) end
    f = g
    label = string.format("%s, rows where %s", path, o.where)
  end
  if o.columns then
    local list = {}
    for c in o.columns:gmatch("[^,]+") do
      c = c:gsub("^%s+", ""):gsub("%s+$", "")
      if not f:has(c) then
        errors.raise("usage", string.format("--columns: no column %q in %s%s", c, path, util.hint(c, f:names())))
      end
      list[#list + 1] = c
    end
    f = f:select(list)
  end
  return f, label
end

return M
