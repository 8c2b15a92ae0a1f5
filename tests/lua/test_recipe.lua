-- Recipe loading, validation messages and the sandbox.
local H = ...
local recipe = require("csc.recipe")
local sys = require("host.sys")
local errors = require("csc.errors")

local dir = os.getenv("TMPDIR") or "/tmp"
dir = dir .. "/csceval-test-recipe-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid()) .. "-" .. tostring(math.random(1e6))
sys.mkdirs(dir)

local HEAD = [[
return {
  title = "t",
  question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = "d.csv" } },
]]

local function write(name, text)
  local p = dir .. "/" .. name
  assert(sys.write_atomic(p, text))
  return p
end

local function load_validate(text, opts)
  local p = write("r.lua", text)
  local r = recipe.load(p, opts)
  recipe.validate(r)
  return r, p
end

local function custom(body)
  return HEAD .. "  design = { type = \"custom\", analyse = function(ctx)\n" .. body .. "\n  end },\n}\n"
end

H.case("a valid recipe loads and its id defaults to the file stem", function()
  local r = load_validate(custom(""))
  H.eq(r.id, "r")
  H.eq(r.spec.title, "t")
end)

H.case("a recipe's own id wins over the stem", function()
  local r = load_validate((custom(""):gsub("title = \"t\",", "id = \"my_eval\", title = \"t\",")))
  H.eq(r.id, "my_eval")
end)

H.case("every mistake is reported with file:line and field path", function()
  local text = HEAD .. [[
  seed = "x",
  design = { type = "custom", analyse = function() end },
  published = { { label = "a", value = 1 } },
}
]]
  local msg = H.raises("seed", load_validate, text)
  H.ok(msg:find("r.lua:6: seed:", 1, true), msg)
  H.ok(msg:find("r.lua:8: published[1].tolerance: is required", 1, true), msg)
end)

H.case("recipe errors carry the recipe exit code", function()
  local ok, e = pcall(load_validate, "return {}\n")
  H.ok(not ok and errors.is(e))
  H.eq(errors.codes[e.kind], 2)
end)

H.case("a typo in a field name gets a suggestion", function()
  H.raises('desing: unknown field (did you mean "design"?)', load_validate,
    HEAD .. "  desing = { type = \"custom\" },\n}\n")
end)

H.case("an unknown design lists the known ones", function()
  local msg = H.raises("design.type", load_validate, HEAD .. "  design = { type = \"rdd\" },\n}\n")
  H.ok(msg:find("benchmark", 1, true) and msg:find("custom", 1, true), msg)
end)

H.case("a syntax error names the line", function()
  H.raises(":2:", load_validate, "return {\n  title = = 1 }\n")
end)

H.case("precompiled bytecode is refused", function()
  local p = dir .. "/b.lua"
  assert(sys.write_atomic(p, string.dump(function() return {} end)))
  H.raises("bytecode", recipe.load, p)
end)

H.case("the sandbox has no os, io, debug, package, load or dofile", function()
  for _, g in ipairs({ "os", "io", "debug", "package", "load", "dofile", "loadfile", "collectgarbage" }) do
    H.raises("recipes cannot use '" .. g .. "'", load_validate, "local x = " .. g .. "\nreturn {}\n")
  end
end)

H.case("string.dump and math.random are not in the sandbox, nor through the string metatable", function()
  H.raises("recipes cannot use 'string.dump'", load_validate, "local ok = string.dump(print)\nreturn {}\n")
  H.raises("recipes cannot use 'math.random'", load_validate, "local x = math.random()\nreturn {}\n")
  H.raises("recipes cannot use 'string.dump'", load_validate, "local ok = (''):dump()\nreturn {}\n")
  H.raises("recipes cannot use 'string.dump'", load_validate, "local ok = ('').dump(print)\nreturn {}\n")
  local r = load_validate(custom(""))
  H.eq(rawget(getmetatable("").__index, "dump"), nil)
  H.eq(getmetatable("").__index.upper, string.upper)
  H.ok(r)
end)

H.case("every absent library gets the sandbox's message", function()
  for _, g in ipairs({ "coroutine", "rawset", "warn", "_G", "loadstring", "setfenv", "getfenv" }) do
    H.raises("recipes cannot use '" .. g .. "' (the recipe sandbox has no", load_validate,
      "local x = " .. g .. "\nreturn {}\n")
  end
  H.raises("in Lua 5.4 use table.unpack", load_validate, "local x = unpack\nreturn {}\n")
end)

H.case("library tables are read-only in the sandbox", function()
  H.raises("read-only", load_validate, "string.upper = nil\nreturn {}\n")
end)

H.case("undeclared globals are errors, both ways", function()
  H.raises("undefined global 'undefined_thing'", load_validate, "local x = undefined_thing\nreturn {}\n")
  H.raises("undeclared global 'y'", load_validate, "y = 1\nreturn {}\n")
end)

H.case("only public modules may be required", function()
  H.raises('not "host.sys"', load_validate, "local s = require('host.sys')\nreturn {}\n")
  local r = load_validate("local st = require('csc.stats')\nlocal f = require('csc.frame')\n" .. custom(""))
  H.ok(r)
end)

H.case("--trusted lifts the sandbox", function()
  local r = load_validate("local t = os.time()\n" .. custom(""), { trusted = true })
  H.eq(r.id, "r")
end)

H.case("ctx:write keeps files inside the output folder", function()
  local context = require("csc.context")
  local ctx = context.new({ spec = {}, path = "r.lua", id = "r" }, {}, {}, {})
  for _, bad in ipairs({ "../x.txt", "/tmp/x.txt", "a/b.txt", "..", ".hidden/../x" }) do
    H.raises("own output folder", ctx.write, ctx, bad, "text")
  end
  ctx:write("extra.csv", "a,b\n")
  H.eq(ctx.files["extra.csv"], "a,b\n")
end)

H.case("estimates must have unique labels and numeric values", function()
  local context = require("csc.context")
  local ctx = context.new({ spec = {}, path = "r.lua", id = "r" }, {}, {}, {})
  ctx:estimate({ label = "a", value = 1 })
  H.raises("used twice", ctx.estimate, ctx, { label = "a", value = 2 })
  H.raises("must be a number", ctx.estimate, ctx, { label = "b", value = "1" })
end)


H.case("library modules are read-only to recipes, nested tables too", function()
  local r = load_validate("local u = require('csc.util')\n" .. custom(""))
  local env = r.env
  local util = env.require("csc.util")
  H.raises("read-only", function() util.stem = function() return "../victim" end end)
  H.eq(type(util.stem), "function")
  local n = 0
  for _ in pairs(util) do n = n + 1 end
  H.ok(n > 3, "pairs over a module proxy sees its functions")
  local model = env.require("csc.model")
  for k, v in pairs(model) do
    if type(v) == "table" then
      H.raises("read-only", function() v.x = 1 end)
      break
    end
  end
  H.eq(require("csc.util").stem("recipes/x.lua"), "x")   -- the host's copy is untouched
end)

H.case("recipes cannot reach library metatables", function()
  local r = load_validate(custom(""))
  local env = r.env
  H.eq(env.getmetatable(""), nil)                          -- no way to the real string table
  H.eq(env.getmetatable(env.require("csc.util")), nil)
  H.raises("belongs to csceval's library", env.setmetatable, env.NA, {})
  local mine = {}
  local mt = { __index = function() return 1 end }
  env.setmetatable(mine, mt)
  H.eq(env.getmetatable(mine), mt)                         -- its own metatables work as usual
  H.eq(mine.anything, 1)
end)

sys.rmdir_flat(dir)

H.case("a design naming a groupings input takes its code column and model from data/neighbour_groupings.csv", function()
  local spec = recipe.load("recipes/lincs_workforce.lua").spec
  H.eq(spec.design.neighbours.code_column, "LA num")
  H.eq(spec.design.neighbours.model, "2021 statistical neighbours")
  local cits = recipe.load("recipes/lincs_referrals_cits.lua").spec
  H.eq(cits.design.select.neighbours.code_column, "LA num")
  H.eq(cits.design.select.neighbours.model, nil)   -- not a field of select.neighbours
  -- the recipe's own fields win; an input that is not a listed groupings file gets nothing
  local fill = require("csc.sources").fill_neighbours
  local d = { neighbours = { input = "nb", code_column = "code", model = "own" } }
  fill(d, { nb = { dataset = "statistical_neighbours_2021" } })
  H.eq(d.neighbours, { input = "nb", code_column = "code", model = "own" })
  d = { neighbours = { input = "nb" } }
  fill(d, { nb = { path = "other.csv" } })
  H.eq(d.neighbours, { input = "nb" })
  -- the groupings file named by its path, as `csceval new` writes it
  d = { neighbours = { input = "nb" } }
  fill(d, { nb = { path = require("csc.sources").datasets().statistical_neighbours_2021.path } })
  H.eq(d.neighbours.code_column, "LA num")
end)
