-- The shipped recipes read as analysis plans (docs/architecture.md):
-- every one runs on a declarative design (none needs `custom`), and none is
-- longer than 200 lines apart from the rows of published tables typed into
-- it (a row of a `published` table: a line that opens with `{ "`, `{ '` or
-- `{ <number>`).  There is no exception: a recipe that grows past 200
-- lines holds more than one analysis plan and is split (as
-- nwd_leaving_care.lua and nwd_leaving_care_lait.lua were).  The data a
-- design analyses are prepared by a list of steps (csc.steps), not by a
-- `prepare` function: a shipped recipe with one fails.
local H = ...
local sys = require("host.sys")
local recipe = require("csc.recipe")

local function plan_lines(src)
  local n, inpub = 0, false
  for line in (src .. "\n"):gmatch("(.-)\n") do
    if line:match("^  published = {") then inpub = true end
    if inpub and line:match("^  },?$") then inpub = false end
    if not (inpub and (line:match("^%s*{%s*[\"'%d%-]"))) then n = n + 1 end
  end
  return n
end

-- What keeps a loaded recipe from reading as a plan (nil when nothing).
local function program_parts(r)
  local d = r.spec.design
  if d.type == "custom" then return "is a custom program" end
  if type(d.prepare) == "function" then
    return "prepares its data with a Lua function (design.prepare): write it as design.steps "
      .. "(docs/recipes.md, \"Preparing the data\")"
  end
end

H.case("a recipe with a prepare function or a custom design is not a plan", function()
  local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-plans-" .. tostring(os.time()) .. ".lua"
  local head = 'return { title = "t", question = "q", source = { report = "r", tables = { "T" } }, '
    .. 'inputs = { s = { path = "s.csv" } }, design = '
  local cases = {
    { 'type = "its", prepare = function(data) return data.s:mutate("y2", "y * 2") end, time = "year", '
      .. 'interruption = 2015, outcomes = { { name = "y", column = "y2" } }', "design.prepare" },
    { 'type = "custom", analyse = function(ctx) end', "custom program" },
    { 'type = "its", data = "s", steps = { { derive = "y2", as = "y * 2" } }, time = "year", '
      .. 'interruption = 2015, outcomes = { { name = "y", column = "y2" } }', nil },
  }
  for _, c in ipairs(cases) do
    assert(sys.write_atomic(tmp, head .. "{ " .. c[1] .. " } }\n"))
    local why = program_parts(recipe.load(tmp))
    if c[2] then H.ok(why and why:find(c[2], 1, true), c[1] .. ": " .. tostring(why))
    else H.eq(why, nil) end
  end
  os.remove(tmp)
end)

H.case("every shipped recipe runs on a declarative design, and reads in 200 lines apart from typed tables", function()
  local n = 0
  for _, f in ipairs(sys.listdir("recipes")) do
    local id = f:match("^(.-)%.lua$")
    if id then
      n = n + 1
      local r = recipe.load("recipes/" .. f)
      local why = program_parts(r)
      H.ok(why == nil, "recipes/" .. f .. " " .. tostring(why))
      H.ok(recipe.design_module(r.spec.design.type) ~= nil, "recipes/" .. f .. ": no design " .. r.spec.design.type)
      local lines = plan_lines(sys.read("recipes/" .. f))
      H.ok(lines <= 200, string.format("recipes/%s: %d lines apart from typed published rows", f, lines))
    end
  end
  H.ok(n >= 16, "recipes read: " .. n)
end)
