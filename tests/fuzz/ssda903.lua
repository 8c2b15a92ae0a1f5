--- Fuzz harness (tests/fuzz/lua.c): the SSDA903 reader, as a recipe input
-- with format = "ssda903" reads a return (csc.ssda903.input: read, checked
-- against the specification, validated), and the child table derived from
-- it.  Input: one byte choosing the collection year (2019 or 2024, so both
-- specifications), then the tables' CSV files one after another, separated
-- by form feeds (\f), in the order of csc.ssda903.read.tables (header,
-- episodes, uasc, ...); an empty piece is a table that is absent.  A
-- problem must be a data error through `raise` or a recorded validation
-- failure; anything else is a finding.  Needs ../shared/data/ssda903/spec
-- (the specifications): without it every input is skipped.
local input = require("csc.ssda903.input")
local read = require("csc.ssda903.read")
local derive = require("csc.ssda903.derive")
local spec = require("csc.ssda903.spec")
local errors = require("csc.errors")

local have_spec = io.open(spec.dirs[1] .. "/SSDA903_schema_2017.yml", "rb")
if have_spec then have_spec:close() end

local dir = string.format("%s/csceval-fuzz-903-%s", os.getenv("TMPDIR") or "/tmp",
  tostring({}):match("0x(%x+)") or "x")
os.execute("mkdir -p '" .. dir .. "'")

return function(s)
  if not have_spec or #s < 1 then return end
  local year = s:byte(1) % 2 == 0 and 2019 or 2024
  local body = s:sub(2)
  local files, i = {}, 1
  for piece in (body .. "\f"):gmatch("([^\f]*)\f") do
    local t = read.tables[i]
    if not t then break end
    if piece ~= "" then
      local p = string.format("%s/%d-%s.csv", dir, year, t)
      local f = assert(io.open(p, "wb"))
      f:write(piece)
      f:close()
      files[#files + 1] = p
    end
    i = i + 1
  end
  local ok, e = pcall(function()
    local obj = input.load("care", { format = "ssda903", years = { year } }, dir,
      function(msg) errors.raise("data", msg) end)
    for _, ret in pairs(obj.returns) do derive.child_table(ret) end
  end)
  for _, p in ipairs(files) do os.remove(p) end
  if not ok and not errors.is(e) and e ~= "not enough memory" then
    error("the SSDA903 reader raised an unstructured error: " .. tostring(e), 0)
  end
end
