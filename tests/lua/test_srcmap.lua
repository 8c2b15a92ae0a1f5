-- csc.srcmap: field paths to recipe lines.
local H = ...
local srcmap = require("csc.srcmap")

local src = [[
-- comment with { braces }
local x = { 1, 2 }
return {
  id = "demo",
  design = {
    type = "custom",
    covariates = { "a", "b",
      "fsmm" },
  },
  text = [==[ a { b ]==],
  f = function(ctx) local t = { 1 } if t then return t end end,
  published = { { label = "p", value = 1 }, { label = "q" } },
}
]]

H.case("srcmap finds nested fields and list items", function()
  local m = srcmap.build(src)
  H.eq(m["id"], 4)
  H.eq(m["design.type"], 6)
  H.eq(m["design.covariates[3]"], 8)
  H.eq(m["published[2].label"], 12)
  H.eq(m["f"], 11)
end)

H.case("srcmap skips strings, comments and function bodies", function()
  local m = srcmap.build(src)
  H.eq(m["text"], 10)
  H.eq(m["published"], 12)
end)

H.case("srcmap falls back to the nearest parent", function()
  local m = srcmap.build(src)
  H.eq(srcmap.line(m, "design.covariates[3].zzz"), 8)
  H.eq(srcmap.line(m, "nothing.here"), 3)
end)
