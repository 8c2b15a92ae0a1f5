-- make docs: the parts of the documentation generated from the code.
--   docs/recipes.md  its "Every field" section, from the recipe and design schemas
--   lua/meta/recipe.lua  LuaLS ---@class annotations for recipes
-- (docs/explain.md is written by `csceval explain docs`.)
local D = require("csc.schema_doc")
local function write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  print("wrote " .. path)
end
local cur = assert(io.open("docs/recipes.md")):read("a")
write("docs/recipes.md", D.recipes_md(cur))
os.execute("mkdir -p lua/meta")
write("lua/meta/recipe.lua", D.luals())
return 0
