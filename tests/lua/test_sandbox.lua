-- The sandbox as a tested allow-list (issue 17): everything a recipe can
-- reach from its environment, found by walking it, is compared with the
-- list documented in docs/recipes.md ("The sandbox").
--
-- The walk follows what a recipe can index: the globals of its _ENV, the
-- fields of every table reached, the __index of the metatables of every
-- value reached (strings, frames, NA, the read-only library views) and, for
-- an __index that is a function, the tables among its upvalues that it
-- returns values from.  Every other upvalue of an exposed function is
-- checked against an explicit list, so a new one fails here until reviewed.
local H = require("harness")
local sandbox = require("csc.sandbox")
local hframe = require("host.frame")

-- Every standard-library function by identity -> its name ("string.rep").
-- (a list: math.atan2 is math.atan where Lua keeps the old name)
local stdname = {}
local function name_it(v, n) stdname[v] = stdname[v] or {}; table.insert(stdname[v], n) end
for _, lib in ipairs({ "string", "table", "math", "utf8", "os", "io", "debug", "coroutine", "package" }) do
  for k, v in pairs(_G[lib]) do
    if type(v) == "function" then name_it(v, lib .. "." .. k) end
  end
end
for k, v in pairs(_G) do
  if type(v) == "function" then name_it(v, k) end
end

-- Upvalues of __index functions that hold what the function returns from.
local INDEX_SOURCES = { allowed = true, t = true, src = true }
-- Every other upvalue a function reachable from a recipe may have, by name:
-- it is part of how the function works and the recipe cannot get at it.
-- M: the sandbox module (its denied list and string methods); _ENV: the
-- library's globals, used by name only; the rest are the sandbox's helpers
-- (deep_readonly, wrap, refuse), the caches of read-only views (ro_cache),
-- the names dropped from a library (drop), the print target (printer) and
-- the recipe's own metatables (owned).
local KNOWN_UPVALUES = {
  M = true, _ENV = true, deep_readonly = true, drop = true, name = true, owned = true,
  printer = true, refuse = true, ro_cache = true, wrap = true,
}

local function walk(root_env)
  local seen, funcs, tables, unknown = {}, {}, 0, {}
  local function visit(v, path)
    local tv = type(v)
    if tv ~= "table" and tv ~= "function" and tv ~= "userdata" then return end
    if seen[v] then return end
    seen[v] = path
    if tv == "function" then
      funcs[v] = path
      local info = debug.getinfo(v, "Su")
      -- the functions that stand between the recipe and the host are the
      -- sandbox's own (its wrappers and read-only views): their upvalues are
      -- reviewed one by one; the library's functions are its public API
      if not info.source:match("csc[/\\]sandbox%.lua$") then return end
      for i = 1, info.nups do
        local uname, uv = debug.getupvalue(v, i)
        if not KNOWN_UPVALUES[uname] and not INDEX_SOURCES[uname]
            and (type(uv) == "table" or type(uv) == "function" or type(uv) == "userdata") then
          unknown[#unknown + 1] = path .. " upvalue " .. tostring(uname)
        end
      end
      return
    end
    if tv == "table" then
      tables = tables + 1
      for k, x in next, v do visit(x, path .. "." .. tostring(k)) end
    end
    local mt = debug.getmetatable(v)
    if mt then
      local idx = rawget(mt, "__index")
      if type(idx) == "table" then visit(idx, path .. ":")
      elseif type(idx) == "function" then
        visit(idx, path .. "<__index>")
        for i = 1, debug.getinfo(idx, "u").nups do
          local uname, uv = debug.getupvalue(idx, i)
          if INDEX_SOURCES[uname] and type(uv) == "table" then visit(uv, path) end
        end
      end
      -- the other metamethods run on the recipe's behalf: recorded, and their
      -- upvalues checked like any exposed function's
      for k, m in pairs(mt) do
        if k ~= "__index" and type(m) == "function" then visit(m, path .. "<" .. k .. ">") end
      end
    end
  end
  local envmt = debug.getmetatable(root_env)
  for i = 1, debug.getinfo(envmt.__index, "u").nups do
    local uname, uv = debug.getupvalue(envmt.__index, i)
    if uname == "allowed" then
      for k, x in pairs(uv) do visit(x, k) end
    end
  end
  visit("", "(string)")
  visit(hframe.new and hframe.NA or nil, "NA")
  -- a frame, as ctx.data gives them, and every public module through require
  local f = assert(hframe.read_csv("tests/hardening/small.csv"))
  visit(f, "(frame)")
  for name in pairs(sandbox.public_modules) do visit(root_env.require(name), "require(" .. name .. ")") end
  return funcs, unknown
end

-- The documented list: the lines between the markers in docs/recipes.md.
local function documented()
  local fh = assert(io.open("docs/recipes.md"))
  local text = fh:read("a")
  fh:close()
  local block = assert(text:match("<!%-%- sandbox%-allow%-list:begin %-%->(.-)<!%-%- sandbox%-allow%-list:end %-%->"),
    "docs/recipes.md has no sandbox allow-list block")
  local names = {}
  for line in block:gmatch("[^\n]+") do
    local lib, list = line:match("^%- `([%w_]+)`: (.*)$")
    if lib then
      for w in list:gmatch("`([%w_]+)`") do
        names[lib == "globals" and w or (lib .. "." .. w)] = true
      end
    end
  end
  return names
end

H.case("everything a recipe can reach is the documented allow-list", function()
  local env = sandbox.env("r.lua", function() end)
  local funcs, unknown = walk(env)
  local reached = {}
  local nfuncs = 0
  for fn in pairs(funcs) do
    nfuncs = nfuncs + 1
    for _, n in ipairs(stdname[fn] or {}) do reached[n] = true end
  end
  H.ok(nfuncs > 150, "the walk reached only " .. nfuncs .. " functions")
  local doc = documented()
  local WRAPPED = { print = true, require = true, getmetatable = true, setmetatable = true }
  local extra, missing = {}, {}
  for n in pairs(reached) do if not doc[n] then extra[#extra + 1] = n end end
  for n in pairs(doc) do
    local real = n:find("%.") and load("return " .. n)() or _G[n]
    if type(real) == "function" and not WRAPPED[n] and not reached[n] then missing[#missing + 1] = n end
  end
  table.sort(extra); table.sort(missing)
  H.ok(#extra == 0, "reachable but not documented: " .. table.concat(extra, " "))
  H.ok(#missing == 0, "documented but not reachable: " .. table.concat(missing, " "))
  H.ok(#unknown == 0, "upvalues not yet reviewed: " .. table.concat(unknown, "; "))
  -- the wrapped globals are the sandbox's own functions, not the real ones
  for _, g in ipairs({ "print", "require", "getmetatable", "setmetatable" }) do
    H.ok(env[g] ~= _G[g], g .. " is the sandbox's wrapper")
  end
  -- never reachable, by any path
  for _, bad in ipairs({ "string.dump", "load", "loadfile", "dofile", "rawset", "collectgarbage",
      "require", "getmetatable", "setmetatable", "os.execute", "io.open", "debug.getinfo",
      "coroutine.create", "package.loadlib", "math.random", "math.randomseed" }) do
    H.ok(not reached[bad], bad .. " is reachable from a recipe")
  end
end)

H.case("the global names a recipe sees are the documented ones", function()
  local doc = documented()
  local env = sandbox.env("r.lua", function() end)
  local upv
  local envmt = debug.getmetatable(env)
  for i = 1, debug.getinfo(envmt.__index, "u").nups do
    local uname, uv = debug.getupvalue(envmt.__index, i)
    if uname == "allowed" then upv = uv end
  end
  local got, want = {}, {}
  for k in pairs(upv) do got[#got + 1] = k end
  for n in pairs(doc) do if not n:find("%.") then want[#want + 1] = n end end
  table.sort(got); table.sort(want)
  H.eq(table.concat(got, " "), table.concat(want, " "))
end)

H.case("the string metatable offers only the allowed string functions", function()
  sandbox.env("r.lua", function() end)
  local idx = getmetatable("").__index
  local doc = documented()
  for k in pairs(idx) do H.ok(doc["string." .. k], "string method " .. k .. " is documented") end
  H.eq(rawget(idx, "dump"), nil)
  H.raises("recipes cannot use 'string.dump'", function() return ("").dump end)
end)
