-- The Lua library's layer rule (docs/library.md, "Rules"): estimation never
-- requires rendering.  Every module of the concepts that compute results
-- (stats, model, its/, match/, survey/, benchmark/, econ/, ssda903/, the
-- designs, the context and the recipe loader) is read as text, and the
-- modules it requires, directly or through others, may not include any
-- under csc.render.  A lazy require inside a function counts too.
local H = ...
local sys = require("host.sys")

-- module name -> list of the modules its source requires
local requires = {}
local function scan(dir, prefix)
  for _, f in ipairs(sys.listdir(dir)) do
    local path = dir .. "/" .. f
    if sys.kind(path) == "dir" then
      scan(path, prefix .. f .. ".")
    elseif f:match("%.lua$") then
      local name = prefix .. f:gsub("%.lua$", "")
      name = name:gsub("%.init$", "")
      local list = {}
      for m in sys.read(path):gmatch("require%s*%(?%s*[\"']([%w_%.]+)[\"']") do list[#list + 1] = m end
      requires[name] = list
    end
  end
end
scan("lua/csc", "csc.")

local ESTIMATION = { "csc.stats", "csc.model", "csc.its", "csc.match", "csc.survey", "csc.benchmark", "csc.econ",
  "csc.ssda903", "csc.designs", "csc.context", "csc.recipe", "csc.evidence", "csc.published", "csc.frame" }

local function estimation(name)
  for _, p in ipairs(ESTIMATION) do
    if name == p or name:sub(1, #p + 1) == p .. "." then return true end
  end
  return false
end

-- the first path from `name` to a csc.render module, or nil
local function path_to_render(name)
  local seen, queue = { [name] = true }, { { name } }
  while #queue > 0 do
    local chain = table.remove(queue, 1)
    for _, m in ipairs(requires[chain[#chain]] or {}) do
      if not seen[m] then
        seen[m] = true
        local next = { table.unpack(chain) }
        next[#next + 1] = m
        if m:match("^csc%.render") then return table.concat(next, " -> ") end
        queue[#queue + 1] = next
      end
    end
  end
end

H.case("estimation modules never require rendering, directly or through another module", function()
  local n = 0
  for name in pairs(requires) do
    if estimation(name) then
      n = n + 1
      local chain = path_to_render(name)
      H.ok(chain == nil, "estimation requires rendering: " .. tostring(chain))
    end
  end
  H.ok(n >= 45, "estimation modules read: " .. n)
  -- the check sees a require: the renderer's own modules do reach csc.render
  H.ok(path_to_render("csc.synthesise") ~= nil, "csc.synthesise writes reports and requires csc.render")
end)
