-- LuaLS annotations (docs/lua-for-analysts.md, "Editor support"): every
-- public function of the library modules a recipe requires carries a
-- ---@param / ---@return / ---@type block just above its definition, and
-- every frame method bound in C is declared in lua/meta/frame.lua, so the
-- annotations cannot drift from the code.
local H = ...
local frame = require("csc.frame")
local hframe = require("host.frame")

local MODULES = {
  { "csc.frame", "lua/csc/frame.lua" },
  { "csc.stats", "lua/csc/stats.lua" },
  { "csc.model", "lua/csc/model.lua" },
  { "csc.match", "lua/csc/match/init.lua" },
  { "csc.its", "lua/csc/its/init.lua" },
  { "csc.check", "lua/csc/check.lua" },
  { "csc.errors", "lua/csc/errors.lua" },
  { "csc.published", "lua/csc/published.lua" },
  { "csc.disclosure", "lua/csc/disclosure.lua" },
}

local function lines_of(path)
  local fh = assert(io.open(path, "r"))
  local out = {}
  for l in fh:lines() do out[#out + 1] = l end
  fh:close()
  return out
end

local function escape(s) return (s:gsub("%p", "%%%0")) end

-- The comment block directly above line i (contiguous "--" lines).
local function annotated(lines, i)
  local j = i - 1
  while j >= 1 and lines[j]:match("^%-%-") do
    if lines[j]:match("^%-%-%-@") then return true end
    j = j - 1
  end
  return false
end

for _, m in ipairs(MODULES) do
  local name, path = m[1], m[2]
  H.case(name .. ": every public function has a LuaLS annotation block", function()
    local mod = require(name)
    local lines = lines_of(path)
    local fns = {}
    for k, v in pairs(mod) do
      if type(k) == "string" and type(v) == "function" then fns[#fns + 1] = k end
    end
    table.sort(fns)
    H.ok(#fns > 0, name .. " exports no functions")
    local missing = {}
    for _, fn in ipairs(fns) do
      local e = escape(fn)
      local at
      for i, l in ipairs(lines) do
        if l:match("^function M%." .. e .. "%(") or l:match("^M%." .. e .. " *=") then at = i; break end
      end
      if not at then
        missing[#missing + 1] = fn .. " (no `function M." .. fn .. "` or `M." .. fn .. " =` line)"
      elseif not annotated(lines, at) then
        missing[#missing + 1] = fn .. " (line " .. at .. ")"
      end
    end
    H.ok(#missing == 0, path .. ": no ---@ annotation for " .. table.concat(missing, ", "))
  end)
end

H.case("every frame method bound in C is declared in lua/meta/frame.lua", function()
  local meta = table.concat(lines_of("lua/meta/frame.lua"), "\n")
  H.ok(meta:match("^%-%-%-@meta\n"), "lua/meta/frame.lua must start with ---@meta")
  local names = {}
  for k in pairs(hframe.methods) do names[#names + 1] = k end
  table.sort(names)
  H.ok(#names >= 20, "host.frame.methods lists " .. #names .. " methods")
  local missing = {}
  for _, k in ipairs(names) do
    if not meta:find("\nfunction Frame:" .. k .. "(", 1, true) then missing[#missing + 1] = k end
  end
  H.ok(#missing == 0, "lua/meta/frame.lua lacks " .. table.concat(missing, ", "))
  -- and declares nothing the C side does not bind
  for k in meta:gmatch("\nfunction Frame:([%w_]+)%(") do
    H.ok(hframe.methods[k] ~= nil, "lua/meta/frame.lua declares Frame:" .. k .. ", which C does not bind")
  end
  H.ok(frame.NA ~= nil)
end)

H.case("the meta files are annotations only: ---@meta, and no module requires them", function()
  local sys = require("host.sys")
  for _, f in ipairs(sys.listdir("lua/meta")) do
    if f:match("%.lua$") then
      local l = lines_of("lua/meta/" .. f)
      H.eq(l[1], "---@meta")
    end
  end
  local p = io.popen("grep -rln 'meta[./]frame\\|meta[./]csc\\|meta[./]recipe' lua/csc host --include=*.lua --include=*.c 2>/dev/null | grep -v schema_doc.lua")
  local hits = p:read("a"); p:close()
  H.eq(hits, "", "files naming lua/meta")
  H.ok(package.loaded["meta.frame"] == nil and package.loaded["meta.recipe"] == nil,
    "a meta file was loaded at run time")
end)

-- The option-table classes in lua/meta/csc.lua list exactly the fields the
-- function declares with csc.check (misspelt or new options cannot drift).
H.case("option-table classes in lua/meta/csc.lua match the declared signatures", function()
  local check = require("csc.check")
  require("csc.model"); require("csc.match")
  local meta = table.concat(lines_of("lua/meta/csc.lua"), "\n") .. "\n"
  local function fields_of(class)
    local out, parent = {}, nil
    local head = meta:match("\n%-%-%-@class " .. escape(class) .. "([^\n]*)\n")
    H.ok(head, "lua/meta/csc.lua has no class " .. class)
    parent = head and head:match("^: *([%w_.]+)")
    local body = meta:match("\n%-%-%-@class " .. escape(class) .. "[^\n]*\n(.-)\n[^-]")
      or meta:match("\n%-%-%-@class " .. escape(class) .. "[^\n]*\n(.*)$")
    for f in (body or ""):gmatch("%-%-%-@field ([%w_]+)") do out[f] = true end
    if parent then for f in pairs(fields_of(parent)) do out[f] = true end end
    return out
  end
  local PAIRS = {
    ["model.ols"] = "csc.model.FitSpec", ["model.glm"] = "csc.model.GlmSpec",
    ["model.prais"] = "csc.model.PraisSpec", ["match.nearest"] = "csc.match.NearestSpec",
    ["match.ipw"] = "csc.match.IpwSpec", ["match.balance"] = "csc.match.BalanceSpec",
    ["match.effect"] = "csc.match.EffectSpec",
  }
  for fn, class in pairs(PAIRS) do
    local sig = check.signatures[fn]
    H.ok(sig, fn .. " declares no signature")
    local have = fields_of(class)
    local want = {}
    for _, n in ipairs(sig and sig.names or {}) do
      want[n] = true
      H.ok(have[n], class .. " lacks field " .. n .. " that " .. fn .. " takes")
    end
    for n in pairs(have) do H.ok(want[n], class .. " has field " .. n .. " that " .. fn .. " does not take") end
  end
end)
