--- The environment recipes run in.
-- An allow list, as Redis scripting does: recipes get the pure parts of the
-- standard library and csceval's public modules, and nothing that touches
-- the operating system (no io, os, debug, package, load, dofile,
-- string.dump, collectgarbage).  Reading an undeclared global or assigning
-- one is an error naming it.  Files are read only through declared inputs
-- and written only through ctx:write, inside the recipe's output folder.
-- @module csc.sandbox
local M = {}

--- Modules a recipe may require.
M.public_modules = {
  ["csc.frame"] = true, ["csc.stats"] = true, ["csc.model"] = true, ["csc.util"] = true,
  ["csc.its"] = true, ["csc.match"] = true, ["csc.cohort"] = true, ["csc.years"] = true,
}

--- Names the sandbox leaves out, each with what it would give a recipe: a
-- recipe that uses one is told so by name (docs/recipes.md, "The sandbox").
M.denied = {}
for reason, names in pairs({
  ["file, system or debug access"] = { "os", "io", "debug", "package", "dofile", "loadfile", "require_raw" },
  ["way to compile code at run time"] = { "load", "loadstring" },
  ["control of the Lua runtime"] = { "collectgarbage", "warn" },
  ["coroutines (the time limit could not follow them)"] = { "coroutine" },
  ["way round the checks on globals and library tables"] = { "rawset" },
  ["global table (use the names themselves)"] = { "_G" },
  ["way round the checks on globals (Lua 5.1's setfenv)"] = { "setfenv" },
  ["way round the checks on globals (Lua 5.1's getfenv)"] = { "getfenv" },
  ["way to turn functions into bytecode"] = { "string.dump" },
  ["unseeded random numbers (the library's bootstrap and permutation steps use the run's seed, ctx.seed)"] =
    { "math.random", "math.randomseed" },
}) do
  for _, name in ipairs(names) do M.denied[name] = reason end
end

--- Old Lua names with their Lua 5.4 spelling.
M.renamed = { unpack = "table.unpack", module = "a local table returned from the file" }

local function refuse(name, level)
  error(string.format("recipes cannot use '%s' (the recipe sandbox has no %s; declare files under inputs, "
    .. "write with ctx:write, or run with --trusted a recipe you wrote yourself)", name, M.denied[name]), level + 1)
end

local function readonly(name, src, drop)
  local t = {}
  for k, v in pairs(src) do if not (drop and drop[k]) then t[k] = v end end
  return setmetatable({}, {
    __index = function(_, k)
      local v = t[k]
      if v == nil and drop and drop[k] then refuse(name .. "." .. k, 2) end
      return v
    end,
    __newindex = function(_, k)
      error(string.format("recipe tried to change %s.%s; library tables are read-only", name, tostring(k)), 2)
    end,
    __metatable = false,
  })
end

--- A read-only view of a library module.  Recipes of one run share the
-- host's module tables, so a recipe that could assign to them could change
-- what the next recipe does (where it writes, what it reports).  Nested
-- plain tables are wrapped on access; tables with a metatable (sentinels
-- such as NA, objects) are passed through so identity checks still work.
local function deep_readonly(name, src, cache)
  if cache[src] then return cache[src] end
  local function wrap(k, v)
    if type(v) == "table" and getmetatable(v) == nil then
      return deep_readonly(name .. "." .. tostring(k), v, cache)
    end
    return v
  end
  local proxy = setmetatable({}, {
    __index = function(_, k) return wrap(k, src[k]) end,
    __newindex = function(_, k)
      error(string.format("recipe tried to change %s.%s; library tables are read-only", name, tostring(k)), 2)
    end,
    __pairs = function()
      return function(_, k)
        local nk, nv = next(src, k)
        return nk, nk ~= nil and wrap(nk, nv) or nil
      end, nil, nil
    end,
    __len = function() return #src end,
    __metatable = false,
  })
  cache[src] = proxy
  return proxy
end

--- The string methods ("x"):upper() reaches: the string library without
-- dump, in a table no recipe can reach (getmetatable("") is nil to it).
-- Installed for the whole process once a sandbox exists: library code
-- calls string.dump by its name, never as a method.
function M.protect_strings()
  local mt = getmetatable("")
  if M.string_methods and mt.__index == M.string_methods then return end
  local methods = {}
  for k, v in pairs(string) do if k ~= "dump" then methods[k] = v end end
  M.string_methods = setmetatable(methods, {
    __index = function(_, k) if k == "dump" then refuse("string.dump", 2) end end,
    __metatable = false,
  })
  mt.__index = methods
end

local safe_globals = {
  "assert", "error", "ipairs", "next", "pairs", "pcall", "xpcall", "select",
  "tonumber", "tostring", "type", "rawequal", "rawlen", "rawget",
}

--- A fresh sandboxed _ENV for one recipe.
-- @tparam string chunkname for messages
-- @tparam function printer receives print()'s text (diagnostics go to stderr)
function M.env(chunkname, printer)
  local allowed = {}
  local ro_cache = setmetatable({}, { __mode = "k" })
  for _, name in ipairs(safe_globals) do allowed[name] = _G[name] end
  allowed.string = readonly("string", string, { dump = true })
  M.protect_strings()
  allowed.table = readonly("table", table)
  allowed.math = readonly("math", math, { random = true, randomseed = true })
  allowed.utf8 = readonly("utf8", utf8)
  allowed.print = function(...)
    local parts = {}
    for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
    printer(table.concat(parts, "\t") .. "\n")
  end
  allowed.require = function(name)
    if type(name) ~= "string" or not M.public_modules[name] then
      local names = {}
      for k in pairs(M.public_modules) do names[#names + 1] = k end
      table.sort(names)
      error(string.format("recipes may require only csceval's public modules (%s), not %q",
        table.concat(names, ", "), tostring(name)), 2)
    end
    return deep_readonly(name, require(name), ro_cache)
  end
  -- Metatables: a recipe sees and changes only those it set itself, so it
  -- cannot reach the string library through getmetatable("") or rewrite
  -- the methods of frames and other library objects.
  local owned = setmetatable({}, { __mode = "k" })
  allowed.getmetatable = function(v)
    local mt = getmetatable(v)
    if mt ~= nil and owned[mt] then return mt end
    return nil
  end
  allowed.setmetatable = function(t, mt)
    if type(t) ~= "table" then error("setmetatable: expected a table", 2) end
    local cur = getmetatable(t)
    if cur ~= nil and not owned[cur] then
      error("setmetatable: this table belongs to csceval's library; recipes may set metatables only on "
        .. "tables they made", 2)
    end
    if mt ~= nil then
      if type(mt) ~= "table" then error("setmetatable: the metatable must be a table", 2) end
      -- finalizers run with hooks off and outside the recipe's time limit
      if rawget(mt, "__gc") ~= nil then error("setmetatable: recipes cannot set __gc finalizers", 2) end
      local cur_mt = getmetatable(mt)
      if cur_mt ~= nil and not owned[cur_mt] then
        error("setmetatable: that metatable belongs to csceval's library", 2)
      end
      owned[mt] = true
    end
    return setmetatable(t, mt)
  end
  allowed.NA = require("host.frame").NA
  local env = {}
  M.allowed_names = allowed
  return setmetatable(env, {
    __index = function(_, k)
      local v = allowed[k]
      if v ~= nil then return v end
      if M.denied[k] then refuse(k, 2) end
      if M.renamed[k] then
        error(string.format("recipe read '%s', a name from older Lua; in Lua 5.4 use %s", k, M.renamed[k]), 2)
      end
      error(string.format("recipe read the undefined global '%s' (a typo, or a missing 'local'?)", tostring(k)), 2)
    end,
    __newindex = function(_, k)
      error(string.format("recipe assigned to the undeclared global '%s'; declare it with 'local'", tostring(k)), 2)
    end,
    __metatable = false,
  }), chunkname
end

return M
