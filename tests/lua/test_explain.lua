-- csceval explain: topics, recipe fields from the schemas, and
-- docs/explain.md generated from the same text (make docs).
local H = ...
local E = require("csc.explain")

H.case("explain: docs/explain.md is generated from data/explain.yaml (run make docs)", function()
  local f = assert(io.open("docs/explain.md"))
  local doc = f:read("a")
  f:close()
  H.ok(doc == E.markdown(), "docs/explain.md differs from `csceval explain docs`: run make docs")
end)

H.case("explain: topics, aliases, fields and suggestions", function()
  for _, q in ipairs({ "slope_change", "impact", "placebo rank", "its", "cits", "did", "benchmark", "matching",
      "ipw", "custom", "durbin_watson", "exit codes", "years", "rate.slope_change", "referral_rate.impact" }) do
    local text = E.lookup(q)
    H.ok(text and text:find("What:", 1, true), q)
  end
  for name, t in pairs(E.topics) do
    H.ok(t.title and t.what and t.read and t.see, name .. " has a title, what, how to read it and a reference")
  end
  local text = E.lookup("year_lag")
  H.ok(text:find("design.measures[i].denominator.year_lag (design benchmark)", 1, true), text)
  text = E.lookup("interruption")
  H.ok(text:find("design.interruption (design its)", 1, true), text)
  local none, sugg = E.lookup("slop_change")
  H.eq(none, nil)
  H.eq(sugg, "slope_change")
  -- every topic named in the index exists
  for _, n in ipairs(E.order) do H.ok(E.topics[n], n) end
end)

H.case("docs/recipes.md's field tables and lua/meta/recipe.lua are generated from the schemas (run make docs)", function()
  local D = require("csc.schema_doc")
  local md = assert(io.open("docs/recipes.md")):read("a")
  H.ok(md == D.recipes_md(md), "docs/recipes.md's 'Every field' section differs from the schemas: run make docs")
  local meta = assert(io.open("lua/meta/recipe.lua")):read("a")
  H.ok(meta == D.luals(), "lua/meta/recipe.lua differs from the schemas: run make docs")
  -- every field of every design appears, with its doc string
  H.ok(md:find("| `design.rates.NAME.denominator.year_lag` | whole number |", 1, true), "year_lag row")
  H.ok(meta:find("---@class csc.Design.Its", 1, true) and meta:find("---@field interruption? any", 1, true), "its class")
end)
