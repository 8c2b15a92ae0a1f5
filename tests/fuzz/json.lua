--- Fuzz harness (tests/fuzz/lua.c): the JSON reader, csc.json.decode, which
-- reads results.json files back (the report index, the tests).  The input is
-- the document.  A document is either read, or refused with a
-- "json: ... at byte N" message; anything else is a finding.  A document
-- read is written again with csc.json.encode and read back: the value must
-- be the same (a number that JSON cannot hold, such as 1e400, is written
-- as null).
local json = require("csc.json")

local function same(a, b, path)
  if type(a) == "number" and (a ~= a or a == math.huge or a == -math.huge) then a = json.null end
  if type(a) ~= type(b) then error(string.format("%s: %s became %s", path, type(a), type(b)), 0) end
  if type(a) == "table" then
    for k, v in pairs(a) do same(v, b[k], path .. "." .. tostring(k)) end
    for k in pairs(b) do
      if a[k] == nil then error(path .. "." .. tostring(k) .. ": appeared", 0) end
    end
  elseif a ~= b and not (a ~= a and b ~= b) then
    error(string.format("%s: %s became %s", path, tostring(a), tostring(b)), 0)
  end
end

return function(s)
  local ok, v = pcall(json.decode, s)
  if not ok then
    if type(v) ~= "string" or not v:match("^json: [^\n]+ at byte %d+$") then
      error("decode raised something other than a json: message: " .. tostring(v), 0)
    end
    return
  end
  if v == nil then error("decode returned nothing without an error", 0) end
  local text = json.encode(v)
  local ok2, w = pcall(json.decode, text)
  if not ok2 then error("a document read cannot be read again once written: " .. tostring(w), 0) end
  same(v, w, "$")
end
