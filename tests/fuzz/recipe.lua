--- Fuzz harness (tests/fuzz/lua.c): the recipe loader and schema
-- (csc.recipe.load, csc.recipe.validate), as `csceval check` runs them: the
-- input is a recipe file, loaded in the sandbox with a 2 s time limit on its
-- top-level code, then validated against the recipe and design schemas.
-- Every problem must be a csceval error (recipe, usage, analysis: a
-- structured error with a kind); anything else is a finding.
local recipe = require("csc.recipe")
local errors = require("csc.errors")

local dir = os.getenv("TMPDIR") or "/tmp"
local path = string.format("%s/csceval-fuzz-recipe-%s.lua", dir, tostring({}):match("0x(%x+)") or "x")
local quiet = function() end

return function(s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
  local ok, e = pcall(function()
    local r = recipe.load(path, { timeout = 2, printer = quiet })
    fuzz_cover()   -- the time limit's hook replaced the coverage hook
    recipe.validate(r)
  end)
  os.remove(path)
  if not ok and not errors.is(e) and e ~= "not enough memory" then
    error("recipe check raised an unstructured error: " .. tostring(e), 0)
  end
end
