--- Deterministic JSON encoder for results.json.
-- Objects are written with keys in sorted order and numbers in their
-- shortest exact form, so the same results give the same bytes.
-- Arrays are tables whose keys are exactly 1..n; an empty table is an
-- object unless marked with json.array().
-- @module csc.json
local util = require("csc.util")

local M = {}

local array_mt = { __name = "json.array" }
--- Mark a table as a JSON array (so an empty one encodes as []).
function M.array(t)
  return setmetatable(t or {}, array_mt)
end

--- JSON null (distinct from an absent key).
M.null = setmetatable({}, { __name = "json.null", __tostring = function() return "null" end })

local escapes = {
  ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f',
  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t',
}
local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

local function is_array(t)
  if getmetatable(t) == array_mt then return true end
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  if n == 0 then return false end
  for i = 1, n do if t[i] == nil then return false end end
  return true
end

local function encode(v, indent, depth, out)
  local tv = type(v)
  if v == nil or v == M.null then out[#out + 1] = "null"
  elseif tv == "boolean" then out[#out + 1] = tostring(v)
  elseif tv == "number" then
    if v ~= v or v == math.huge or v == -math.huge then out[#out + 1] = "null"
    else out[#out + 1] = util.fmt_number(v) end
  elseif tv == "string" then out[#out + 1] = quote(v)
  elseif tv == "table" then
    if getmetatable(v) and getmetatable(v).__name == "NA" then out[#out + 1] = "null"; return end
    if depth > 64 then error("json: nesting deeper than 64 (a cycle?)", 0) end
    local pad = indent and ("\n" .. string.rep(indent, depth + 1)) or ""
    local close = indent and ("\n" .. string.rep(indent, depth)) or ""
    local sep = indent and ": " or ":"
    if is_array(v) then
      if #v == 0 then out[#out + 1] = "[]"; return end
      out[#out + 1] = "["
      for i = 1, #v do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = pad
        encode(v[i], indent, depth + 1, out)
      end
      out[#out + 1] = close .. "]"
    else
      local keys = util.sorted_keys(v)
      if #keys == 0 then out[#out + 1] = "{}"; return end
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = pad .. quote(tostring(k)) .. sep
        encode(v[k], indent, depth + 1, out)
      end
      out[#out + 1] = close .. "}"
    end
  else
    error("json: cannot encode a " .. tv, 0)
  end
end

--- Encode v; pretty-printed with two-space indents unless compact is true.
function M.encode(v, compact)
  local out = {}
  encode(v, not compact and "  " or nil, 0, out)
  return table.concat(out)
end

--- Decoder (for tests, golden comparisons and the report index, which reads
-- results.json files back).  A document it cannot read raises
-- "json: WHAT at byte N"; nothing else.  Nesting is limited to the 64 levels
-- the encoder writes, so a hostile file cannot exhaust the stack.
function M.decode(s)
  local pos = 1
  local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
  local function err(what) error(string.format("json: %s at byte %d", what, pos), 0) end
  local map = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t", ['"'] = '"', ["\\"] = "\\", ["/"] = "/" }
  local value
  local function hex4(at)
    local h = s:match("^%x%x%x%x", at)
    if not h then err("a \\u escape needs four hexadecimal digits") end
    return tonumber(h, 16)
  end
  local function str()
    local out = {}
    pos = pos + 1
    while true do
      local c = s:sub(pos, pos)
      if c == "" then err("unterminated string") end
      if c == '"' then pos = pos + 1; break end
      if c == "\\" then
        local e = s:sub(pos + 1, pos + 1)
        if e == "u" then
          local cp = hex4(pos + 2)
          pos = pos + 6
          if cp >= 0xD800 and cp <= 0xDBFF and s:sub(pos, pos + 1) == "\\u" then
            local lo = hex4(pos + 2)
            if lo >= 0xDC00 and lo <= 0xDFFF then
              cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
              pos = pos + 6
            end
          end
          if cp >= 0xD800 and cp <= 0xDFFF then err("a \\u escape of half a surrogate pair") end
          out[#out + 1] = utf8.char(cp)
        elseif map[e] then out[#out + 1] = map[e]; pos = pos + 2
        else err("bad escape") end
      else out[#out + 1] = c; pos = pos + 1 end
    end
    return table.concat(out)
  end
  function value(depth)
    if depth > 64 then err("nesting deeper than 64") end
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      local t = {}
      pos = pos + 1; ws()
      if s:sub(pos, pos) == "}" then pos = pos + 1; return t end
      while true do
        ws()
        if s:sub(pos, pos) ~= '"' then err("expected a key") end
        local k = str(); ws()
        if s:sub(pos, pos) ~= ":" then err("expected ':'") end
        pos = pos + 1
        t[k] = value(depth + 1); ws()
        local d = s:sub(pos, pos); pos = pos + 1
        if d == "}" then return t end
        if d ~= "," then pos = pos - 1; err("expected ',' or '}'") end
      end
    elseif c == "[" then
      local t = M.array({})
      pos = pos + 1; ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1; return t end
      while true do
        t[#t + 1] = value(depth + 1); ws()
        local d = s:sub(pos, pos); pos = pos + 1
        if d == "]" then return t end
        if d ~= "," then pos = pos - 1; err("expected ',' or ']'") end
      end
    elseif c == '"' then return str()
    elseif s:sub(pos, pos + 3) == "true" then pos = pos + 4; return true
    elseif s:sub(pos, pos + 4) == "false" then pos = pos + 5; return false
    elseif s:sub(pos, pos + 3) == "null" then pos = pos + 4; return M.null
    else
      -- RFC 8259 numbers: -?int frac? exp?
      local num = s:match("^-?%d+", pos)
      if not num then err("unexpected character") end
      local rest = pos + #num
      local frac = s:match("^%.%d+", rest)
      if frac then rest = rest + #frac end
      local exp = s:match("^[eE][-+]?%d+", rest)
      if exp then rest = rest + #exp end
      local v = tonumber(s:sub(pos, rest - 1))
      if v == nil then err("bad number") end
      pos = rest
      return v
    end
  end
  local v = value(1); ws()
  if pos <= #s then err("trailing characters") end
  return v
end

return M
