-- csc.schema: every mistake found, each with its path.
local H = ...
local S = require("csc.schema")

local schema = S.record({
  title = S.string({ required = true }),
  n = S.integer({ min = 1 }),
  kind = S.enum({ "its", "cits", "matching" }),
  items = S.list(S.record({ label = S.string({ required = true }) })),
})

local function errs(v)
  local e = {}
  S.validate(schema, v, "", e)
  local out = {}
  for _, x in ipairs(e) do out[#out + 1] = x.path .. ": " .. x.msg end
  table.sort(out)
  return out
end

H.case("schema accepts a valid table", function()
  H.eq(errs({ title = "t", n = 3, kind = "its", items = { { label = "a" } } }), {})
end)

H.case("schema reports missing required fields", function()
  H.eq(errs({}), { "title: is required" })
end)

H.case("schema suggests the field meant by a typo", function()
  H.eq(errs({ title = "t", kidn = "its" }), { 'kidn: unknown field (did you mean "kind"?)' })
end)

H.case("schema suggests the value meant for an enum", function()
  H.eq(errs({ title = "t", kind = "cit" }),
    { 'kind: "cit" is not one of "its", "cits", "matching" (did you mean "cits"?)' })
end)

H.case("schema checks list items by index", function()
  H.eq(errs({ title = "t", items = { { label = "a" }, {} } }), { "items[2].label: is required" })
end)

H.case("schema rejects a fraction where a whole number is needed", function()
  H.eq(errs({ title = "t", n = 2.5 }), { "n: expected a whole number, got number" })
end)
