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

H.case("schema says what to write for a value of the wrong type in quotes, or a name typed as a number", function()
  local s = S.record({ n = S.integer(), x = S.number(), b = S.boolean(), t = S.string() })
  local function one(v)
    local e = {}
    S.validate(s, v, "", e)
    return e[1] and (e[1].path .. ": " .. e[1].msg)
  end
  H.eq(one({ n = "3" }), 'n: expected a whole number, got string "3": write 3, without quotes')
  H.eq(one({ x = "10,000" }), 'x: expected a number, got string "10,000": write 10000, without quotes')
  H.eq(one({ x = " 0.5 " }), 'x: expected a number, got string " 0.5 ": write 0.5, without quotes')
  H.eq(one({ b = "true" }), 'b: expected true or false, got string "true": write true, without quotes')
  H.eq(one({ t = 831 }), 't: expected a string, got integer 831: text is written in quotes, "831"')
  H.eq(one({ n = true }), "n: expected a whole number, got boolean true: give a number")
  -- nothing more is said when quoting is not the likely cause
  H.eq(one({ n = "3.5" }), "n: expected a whole number, got string")
  H.eq(one({ n = "three" }), "n: expected a whole number, got string")
  H.eq(one({ b = 1 }), "b: expected true or false, got integer")
end)
