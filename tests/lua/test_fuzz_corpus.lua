-- The recipe fuzz harness's seeds (tests/fuzz/recipe.lua): the committed
-- corpus tests/fuzz/corpus/recipe/ holds only the cases that test rejection
-- (bad_*: each is refused somewhere on the way from loading to running) and
-- other hand-made inputs; the valid seeds are the shipped recipes themselves,
-- which tests/fuzz/replay.sh (make check) and tests/fuzz/run.sh (make fuzz)
-- give the harness beside the corpus.  Copies of shipped recipes in the
-- corpus went stale as the recipe schema moved on (inline report records
-- and input descriptions where recipes now name data/reports.csv and
-- data/datasets.csv), so none may come back; and every shipped recipe goes
-- through the harness here without a finding.
local H = ...
local sys = require("host.sys")

local CORPUS = "tests/fuzz/corpus/recipe"

H.case("fuzz corpus: no stale copy of a shipped recipe; the harness reads recipes/ itself", function()
  local shipped = {}
  for _, f in ipairs(sys.listdir("recipes")) do
    local stem = f:match("^(.+)%.lua$")
    if stem then shipped[stem] = true end
  end
  local copies = {}
  for _, f in ipairs(sys.listdir(CORPUS)) do
    if shipped[f] or shipped[f:gsub("%.lua$", "")] then copies[#copies + 1] = f end
  end
  table.sort(copies)
  H.eq(copies, {}, "copies of shipped recipes in " .. CORPUS .. " (the harness reads recipes/ itself)")
  for _, script in ipairs({ "tests/fuzz/replay.sh", "tests/fuzz/run.sh" }) do
    local text = assert(sys.read(script))
    H.ok(text:find('[ "$n" = recipe ] && extra=recipes', 1, true), script .. " gives the recipe harness recipes/")
  end
end)

H.case("fuzz corpus: every shipped recipe passes the recipe harness (load and validate, structured errors only)", function()
  local harness = dofile("tests/fuzz/recipe.lua")
  -- the C harness (tests/fuzz/lua.c) gives the coverage hook; none here
  local had = rawget(_G, "fuzz_cover")
  if not had then rawset(_G, "fuzz_cover", function() end) end
  local n = 0
  for _, f in ipairs(sys.listdir("recipes")) do
    if f:match("%.lua$") then
      local src = assert(sys.read("recipes/" .. f))
      -- the harness raises on an unstructured error; a shipped recipe must also load cleanly
      local ok, e = pcall(harness, src)
      H.ok(ok, "recipes/" .. f .. ": " .. tostring(e))
      local recipe = require("csc.recipe")
      local ok2, e2 = pcall(function() recipe.validate(recipe.load("recipes/" .. f, { printer = function() end })) end)
      H.ok(ok2, "recipes/" .. f .. " does not validate: " .. tostring(type(e2) == "table" and e2.msg or e2))
      n = n + 1
    end
  end
  if not had then rawset(_G, "fuzz_cover", nil) end
  H.ok(n >= 10, "shipped recipes seen: " .. n)
end)
