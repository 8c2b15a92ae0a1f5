--- `csceval la NAME|CODE ...`: an authority's codes, name, region, years in
-- the statistics, reorganisation and statistical neighbours (2021 and 2025
-- models), from the shared public data.  Exit 2 when nothing matches, with
-- the closest names.
-- @module csc.cli.la
local A = require("csc.authorities")
local errors = require("csc.errors")
local sys = require("host.sys")

local M = {}

function M.main(o)
  if #o.files == 0 then
    errors.raise("usage", "la needs an authority: csceval la Derby, csceval la 831 or csceval la E06000015")
  end
  local idx, err = A.load(o.shared)
  if not idx then errors.raise("data", err) end
  local out = {}
  for _, q in ipairs(o.files) do
    local found, sugg = A.find(idx, q)
    if #found == 0 then
      local msg = string.format("la: no local authority matches %q", q)
      if #sugg > 0 then
        msg = msg .. "; did you mean " .. table.concat(sugg, ", ") .. "?"
      else
        msg = msg .. "; give a name (\"Derby\"), an old three-digit code (831) or an ONS code (E06000015)"
      end
      errors.raise("usage", msg)
    end
    for _, e in ipairs(found) do out[#out + 1] = A.text(idx, e) end
  end
  sys.stdout(table.concat(out, "\n"))
  return 0
end

return M
