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
  ["csc.its"] = true, ["csc.match"] = true,
}

local function readonly(name, src, drop)
  local t = {}
  for k, v in pairs(src) do if not (drop and drop[k]) then t[k] = v end end
  return setmetatable({}, {
    __index = t,
    __newindex = function(_, k)
      error(string.format("recipe tried to change %s.%s; library tables are read-only", name, tostring(k)), 2)
    end,
    __metatable = false,
  })
end

local safe_globals = {
  "assert", "error", "ipairs", "next", "pairs", "pcall", "xpcall", "select",
  "tonumber", "tostring", "type", "rawequal", "rawlen", "rawget", "setmetatable", "getmetatable",
}

--- A fresh sandboxed _ENV for one recipe.
-- @tparam string chunkname for messages
-- @tparam function printer receives print()'s text (diagnostics go to stderr)
function M.env(chunkname, printer)
  local allowed = {}
  for _, name in ipairs(safe_globals) do allowed[name] = _G[name] end
  allowed.string = readonly("string", string, { dump = true })
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
    return require(name)
  end
  allowed.NA = require("host.frame").NA
  local env = {}
  local denied = {
    os = "os", io = "io", debug = "debug", package = "package", load = "load",
    loadfile = "loadfile", dofile = "dofile", collectgarbage = "collectgarbage",
    loadstring = "loadstring", require_raw = "require",
  }
  return setmetatable(env, {
    __index = function(_, k)
      local v = allowed[k]
      if v ~= nil then return v end
      if denied[k] then
        error(string.format("recipes cannot use '%s' (the recipe sandbox has no file, system or "
          .. "debug access; declare files under inputs, write with ctx:write, or run with --trusted)", k), 2)
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
