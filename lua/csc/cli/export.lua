--- `csceval export --to r|stata RECIPE... [--out DIR] [--data NAME=PATH]...`:
-- a script in R or Stata that loads the recipe's inputs and runs the same
-- analysis (csc.export), written to DIR/<id>.R or DIR/<id>.do.
-- @module csc.cli.export
local errors = require("csc.errors")
local sys = require("host.sys")

local M = {}

function M.main(o)
  if o.to == nil then
    errors.raise("usage", "export needs --to r or --to stata: csceval export --to r recipes/NAME.lua")
  end
  local export = require("csc.export")
  export.language(o.to)   -- an unknown or missing language is refused before any recipe is read
  if #o.files == 0 then
    errors.raise("usage", "export needs at least one recipe: csceval export --to " .. o.to .. " recipes/NAME.lua")
  end
  sys.set_memory_limit(math.floor((o.memory or 4096) * 1024 * 1024))
  local limit = o.timeout or require("csc.cli").CHECK_TIMEOUT
  for _, path in ipairs(o.files) do
    sys.set_alarm(math.ceil(limit + math.min(limit, 60)), path)
    local ok, res = pcall(export.export, path, { to = o.to, out = o.out or "out/export", data = o.data,
      trusted = o.trusted, timeout = limit })
    sys.set_alarm(0)
    if not ok and errors.is(res) and res.kind == "skipped" then
      -- a recipe on a large generated file that is not here: nothing to export, as run skips it
      if not o.quiet then sys.stdout(string.format("%s: skipped: %s\n", path, res.msg)) end
      goto next_recipe
    end
    if not ok then error(res, 0) end
    for _, w in ipairs(res.warnings) do sys.stderr("csceval: warning: " .. res.plan.id .. ": " .. w .. "\n") end
    if not o.quiet then
      local syn = res.plan.synthetic and (" (SYNTHETIC data in " .. table.concat(res.plan.synthetic_inputs, ", ")
        .. ": " .. (res.plan.synthetic_kind == "benchmark" and require("csc.synthetic").words("benchmark").short
          or "agreement with published figures is by construction") .. ")") or ""
      sys.stdout(string.format("%s: %s%s%s\n", path, res.path,
        #res.files > 0 and (" with " .. table.concat(res.files, ", ")) or "", syn))
    end
    ::next_recipe::
  end
  return 0
end

return M
