-- The shipped recipes read as analysis plans (docs/architecture.md):
-- every one runs on a declarative design (none needs `custom`), and none is
-- longer than 200 lines apart from the rows of published tables typed into
-- it (a row of a `published` table: a line that opens with `{ "`, `{ '` or
-- `{ <number>`).  There is no exception: a recipe that grows past 200
-- lines holds more than one analysis plan and is split (as
-- nwd_leaving_care.lua and nwd_leaving_care_lait.lua were).
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

H.case("every shipped recipe runs on a declarative design, and reads in 200 lines apart from typed tables", function()
  local n = 0
  for _, f in ipairs(sys.listdir("recipes")) do
    local id = f:match("^(.-)%.lua$")
    if id then
      n = n + 1
      local r = recipe.load("recipes/" .. f)
      H.ok(r.spec.design.type ~= "custom", "recipes/" .. f .. " is a custom program")
      H.ok(recipe.design_module(r.spec.design.type) ~= nil, "recipes/" .. f .. ": no design " .. r.spec.design.type)
      local lines = plan_lines(sys.read("recipes/" .. f))
      H.ok(lines <= 200, string.format("recipes/%s: %d lines apart from typed published rows", f, lines))
    end
  end
  H.ok(n >= 16, "recipes read: " .. n)
end)
