-- Every public function and method that takes an option table refuses a
-- misspelt option: a recipe error (exit code 2) with a "did you mean".
--
-- Nothing here lists the functions by hand.  The API is read by
-- introspection: every function of every module a recipe may require
-- (csc.sandbox.public_modules), and every method of the objects they give
-- (a frame's methods bound in C, a model, a matching, a weighting, a panel,
-- ...: whatever their metatables hold).  Each one's parameters are read
-- from its definition in the source (`function M.ols(spec)`,
-- `function Model:lincom(spec)`) or, for one assigned or bound in C, from
-- its LuaLS annotation (`---@type fun(spec: ...)`, lua/meta/frame.lua); a
-- parameter named spec, opts, options or o is an option table.  Each such
-- function is called twice: with an option no function has (it must be
-- refused by name, and the message lists the fields the function knows),
-- then with one of those fields misspelt (it must be refused with "did you
-- mean" that field).  A new public function or method with an option table
-- and no check fails here without anyone adding it to a list.  Positional
-- arguments before the option table come from the parameter's annotated
-- type (a frame, numbers, a table of counts) or name (keys, how).
local H = ...
local errors = require("csc.errors")
local sandbox = require("csc.sandbox")
local frame = require("csc.frame")
local hframe = require("host.frame")
local model = require("csc.model")
local match = require("csc.match")
local its = require("csc.its")

local OPTION_PARAMS = { spec = true, opts = true, options = true, o = true }

-- ===== Reading parameters from the source =====

local source_cache = {}
local function lines_of(path)
  if not source_cache[path] then
    local t = {}
    for l in io.lines(path) do t[#t + 1] = l end
    source_cache[path] = t
  end
  return source_cache[path]
end

local function escape(s) return (s:gsub("%p", "%%%0")) end

-- The annotation block above line i: {param name = type}, and the names of a
-- `---@type fun(a: T, b: T)` in order.
local function annotation(lines, i)
  local types, fun_names = {}, nil
  local j = i - 1
  while j >= 1 and lines[j]:match("^%-%-") do
    local name, ty = lines[j]:match("^%-%-%-@param ([%w_]+)%??%s+(%S+)")
    if name then types[name] = ty end
    local sig = lines[j]:match("^%-%-%-@type fun%((.*)%)")
    if sig then
      fun_names = {}
      -- top-level "name: type" pairs (types may hold braces and commas)
      local depth, cur = 0, ""
      for ch in (sig .. ","):gmatch(".") do
        if ch == "{" or ch == "(" then depth = depth + 1 elseif ch == "}" or ch == ")" then depth = depth - 1 end
        if ch == "," and depth == 0 then
          local n, t = cur:match("^%s*([%w_%.]+)%??%s*:%s*(.-)%s*$")
          if n then fun_names[#fun_names + 1] = n; types[n] = types[n] or t end
          cur = ""
        else
          cur = cur .. ch
        end
      end
    end
    j = j - 1
  end
  return types, fun_names
end

-- Parameters {name, type} of `def` (a pattern for the definition line,
-- e.g. "^function M%.ols%(") in the file at path, or of the assignment
-- `assign` with its ---@type annotation; nil when neither is found.
local function params_in(path, def, assign)
  local lines = lines_of(path)
  for i, l in ipairs(lines) do
    local list = l:match(def .. "([^)]*)%)")
    if list then
      local types = annotation(lines, i)
      local out = {}
      for n in list:gmatch("[%w_%.]+") do out[#out + 1] = { name = n, type = types[n] } end
      return out
    end
    if assign and l:match(assign) then
      local types, names = annotation(lines, i)
      local out = {}
      for _, n in ipairs(names or {}) do out[#out + 1] = { name = n, type = types[n] } end
      return out
    end
  end
end

-- Every Lua file of the library, for finding where a method is defined.
local lua_files = {}
do
  local sys = require("host.sys")
  local function walk(dir)
    for _, f in ipairs(sys.listdir(dir) or {}) do
      local p = dir .. "/" .. f
      if f:match("%.lua$") then lua_files[#lua_files + 1] = p
      elseif sys.kind(p) == "dir" then walk(p) end
    end
  end
  walk("lua/csc")
  table.sort(lua_files)
end

-- Parameters of method `name` of a class: from `function X:name(...)` in
-- the library (X any class name; the defining file that declares the
-- method on the object's class), else from lua/meta/frame.lua (C).
local function method_params(name, is_frame)
  if is_frame then
    return params_in("lua/meta/frame.lua", "^function Frame:" .. escape(name) .. "%(")
  end
  for _, p in ipairs(lua_files) do
    local r = params_in(p, "^function [%w_]+[:.]" .. escape(name) .. "%(")
    if r then return r end
  end
end

-- ===== Arguments before the option table =====

local d = frame.new({ names = { "unit", "year", "y", "x", "t" }, columns = {
  { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 }, { 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4 },
  { 3, 4, 6, 5, 7, 9, 8, 10, 4, 6, 5, 7 }, { 1, 3, 2, 5, 4, 6, 3, 8, 2, 5, 4, 6 },
  { 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 } } })

local function fixture(p)
  local n, ty = p.name, p.type or ""
  if ty:match("Frame") or n == "other" then return d:select({ "unit", "x" }) end
  if ty:match("%[%]%[%]") then return { { 3, 4 }, { 5, 6 } } end
  if ty:match("^number%[%]") or ty:match("^integer%[%]") then return n == "y" and { 2, 3, 5, 4 } or { 1, 2, 3, 5 } end
  local lit = ty:match("^'([^']+)'") or ty:match('^"([^"]+)"')
  if lit then return lit end
  if ty:match("^number") or ty:match("^integer") then return n == "n" and 10 or 3 end
  if n == "keys" then return "unit" end
  if n == "name" then return "n" .. tostring(math.random(1e9)) end          -- a result's name
  if n == "t" then return { columns = { "a" }, rows = { { 1 } } } end       -- a result table
  if n == "how" then return "left" end
end

-- ===== The API =====

-- {label, function, params, self}: every public function, then every
-- method of the objects the library gives.
local api = {}
local modules = {}
for mod in pairs(sandbox.public_modules) do modules[#modules + 1] = mod end
table.sort(modules)
for _, mod in ipairs(modules) do
  local path = assert(package.searchpath(mod, package.path))
  local names = {}
  for k, v in pairs(require(mod)) do if type(v) == "function" then names[#names + 1] = k end end
  table.sort(names)
  for _, k in ipairs(names) do
    local short = mod:match("^csc%.(.+)$") .. "." .. k
    api[#api + 1] = { label = short, f = require(mod)[k], path = path,
      params = params_in(path, "^function M%." .. escape(k) .. "%(", "^M%." .. escape(k) .. " *=") }
  end
end

-- Objects of every class the public functions give, and their methods.
local fit = model.ols({ data = d, y = "y", x = { "x" } })
local objects = {
  { "Frame", d, true },
  { "Model", fit },
  { "Matched", match.nearest({ data = d, treat = "t", covariates = { "x" } }) },
  { "Weighted", match.ipw({ data = d, treat = "t", covariates = { "x" } }) },
  { "Panel", its.panel({ data = d, unit = "unit", time = "year", value = "y" }) },
  { "Axis", its.axis({}) },
  -- what a recipe's own code (a checks hook, a custom design) records through
  { "Context", require("csc.context").new({ spec = { inputs = {} }, path = "t.lua", id = "t" }, { d = d }, {}, {},
    require("csc.render.output").chart_kinds, require("csc.render.output").chart_fields) },
}
for _, o in ipairs(objects) do
  local class, obj, is_frame = o[1], o[2], o[3]
  local mt = getmetatable(obj)
  local seen, names = {}, {}
  local function add(t)
    for k, v in pairs(t) do
      if type(k) == "string" and type(v) == "function" and not k:match("^__") and not seen[k] then
        seen[k] = true
        names[#names + 1] = k
      end
    end
  end
  if is_frame then add(hframe.methods) else
    add(mt)
    if type(mt.__index) == "table" then add(mt.__index) end
  end
  table.sort(names)
  for _, k in ipairs(names) do
    -- (a name starting with _ is the class's own business: Panel:_host)
    if k:sub(1, 1) == "_" then goto next end
    local f = is_frame and hframe.methods[k] or obj[k]
    api[#api + 1] = { label = class .. ":" .. k, f = f, self = obj, params = method_params(k, is_frame) }
    ::next::
  end
end

-- ===== The test =====

local function misspell(name, known)
  for i = #name, 1, -1 do
    for _, c in ipairs({ "q", "z", "x" }) do
      local m = name:sub(1, i - 1) .. c .. name:sub(i + 1)
      if m ~= name and not known[m] then return m end
    end
  end
end

-- Call entry e with option table o at its option position; returns ok, err.
local function call(e, pos, o)
  local args, n = {}, 0
  if e.self then n = 1; args[1] = e.self end
  for i = 1, pos - 1 do args[n + i] = fixture(e.params[i]) end
  args[n + pos] = o
  return pcall(e.f, table.unpack(args, 1, n + pos))
end

H.case("the API read from the source: every public function and method, with its parameters", function()
  H.ok(#api >= 60, "functions and methods found: " .. #api)
  local missing = {}
  for _, e in ipairs(api) do
    if not e.params then missing[#missing + 1] = e.label end
  end
  H.ok(#missing == 0, "no definition or ---@type annotation found for " .. table.concat(missing, ", "))
end)

H.case("every public function and method with an option table refuses a misspelt option: exit 2, did you mean", function()
  local checked, problems, reached = {}, {}, {}
  for _, e in ipairs(api) do
    local pos
    for i, p in ipairs(e.params or {}) do if OPTION_PARAMS[p.name] then pos = i end end
    if pos then
      local ok_fix = true
      for i = 1, pos - 1 do
        if fixture(e.params[i]) == nil then
          problems[#problems + 1] = e.label .. ": no argument for parameter " .. e.params[i].name
            .. " (" .. tostring(e.params[i].type) .. "); teach fixture() its type"
          ok_fix = false
        end
      end
      if ok_fix then
        -- 1. an option nobody has: refused by name, with the fields listed
        local ok, raw = call(e, pos, { qqq_no_such_option = true })
        local err = errors.from_host(raw, e.label)
        local msg = tostring(err)
        -- the fields it knows: on a Lua error as a list, from C in its message
        local fields = type(err.fields) == "table" and table.concat(err.fields, " ")
          or msg:match("unknown field 'qqq_no_such_option'.-%(fields[^:]*: ([^)]*)%)")
        if not msg:find("unknown field 'qqq_no_such_option'", 1, true) then fields = nil end
        if ok or not fields then
          problems[#problems + 1] = string.format("%s: an unknown option was %s", e.label,
            ok and "accepted silently" or ("not refused by name: " .. msg))
        else
          -- 2. the longest known field, misspelt: "did you mean" it
          local known, best = {}, nil
          for f in fields:gmatch("[^%s,]+") do
            known[f] = true
            if not best or #f > #best then best = f end
          end
          local typo = misspell(best, known)
          ok, raw = call(e, pos, { [typo] = true })
          err = errors.from_host(raw, e.label)
          msg = tostring(err)
          if ok then
            problems[#problems + 1] = e.label .. ": accepted the misspelt option " .. typo
          elseif err.kind ~= "recipe" or errors.code(err) ~= 2
            or not msg:find(string.format([[unknown field '%s' (did you mean "%s"?)]], typo, best), 1, true) then
            problems[#problems + 1] = string.format("%s: %s gave kind %s (exit %d): %s", e.label, typo,
              tostring(err.kind), errors.code(err), msg)
          else
            checked[#checked + 1] = e.label
            if err.fn then reached[err.fn] = true end
          end
        end
      end
    end
  end
  -- and every signature declared with csc.check is one of them (none left
  -- behind by a renamed or removed function)
  local check = require("csc.check")
  for name in pairs(check.signatures) do
    if not reached[name] then problems[#problems + 1] = "signature " .. name .. " is not reached from the API" end
  end
  H.ok(#problems == 0, "\n  " .. table.concat(problems, "\n  "))
  table.sort(checked)
  H.ok(#checked >= 45, #checked .. " checked: " .. table.concat(checked, ", "))
  if os.getenv("CSC_API_LIST") then print(#checked .. " checked: " .. table.concat(checked, ", ")) end
end)
