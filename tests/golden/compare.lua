-- Compare a run's results.json with the stored golden copy.
-- Estimates, tables and published comparisons must match: numbers to a
-- relative 1e-9 (the runs are deterministic; the slack only absorbs a
-- different compiler or libm rounding the last bits), text exactly.
-- The stamp and input paths are not compared (they name the machine).
local json = require("csc.json")
local sys = require("host.sys")
local want_path, got_path = arg[1], arg[2]
local want = json.decode(assert(sys.read(want_path)))
local got = json.decode(assert(sys.read(got_path)))
local RTOL = 1e-9
local problems = {}

local function cmp(a, b, path)
  if #problems >= 20 then return end
  if type(a) == "number" and type(b) == "number" then
    if a ~= b and math.abs(a - b) > RTOL * math.max(math.abs(a), math.abs(b)) then
      problems[#problems + 1] = string.format("%s: expected %.17g, got %.17g", path, a, b)
    end
  elseif type(a) == "table" and type(b) == "table" then
    for k, v in pairs(a) do cmp(v, b[k], path .. "." .. tostring(k)) end
    for k in pairs(b) do
      if a[k] == nil then problems[#problems + 1] = path .. "." .. tostring(k) .. ": not in the golden file" end
    end
  elseif a ~= b then
    problems[#problems + 1] = string.format("%s: expected %s, got %s", path, tostring(a), tostring(b))
  end
end

for _, key in ipairs({ "estimates", "tables", "published", "warnings" }) do
  cmp(want[key], got[key], key)
end

-- Results must not depend on where csceval is installed: no source
-- positions of library files in any text.
local function no_paths(v, path)
  if type(v) == "string" and v:find("%.lua:%d+:") and not v:find("^recipes/") then
    problems[#problems + 1] = path .. ": names a source file position: " .. v:sub(1, 120)
  elseif type(v) == "table" then
    for k, x in pairs(v) do no_paths(x, path .. "." .. tostring(k)) end
  end
end
for _, key in ipairs({ "estimates", "tables", "published", "warnings" }) do no_paths(got[key], key) end
for i, inp in ipairs(want.inputs or {}) do
  local g = (got.inputs or {})[i] or {}
  cmp(inp.sha256, g.sha256, "inputs[" .. i .. "].sha256")
end
if #problems > 0 then
  for _, p in ipairs(problems) do io.stderr:write("    ", p, "\n") end
  return 1
end
return 0
