-- csc.json: deterministic encoding and round trips.
local H = ...
local json = require("csc.json")

H.case("json sorts object keys so output is byte-stable", function()
  H.eq(json.encode({ b = 1, a = 2, c = { z = true, y = false } }, true), '{"a":2,"b":1,"c":{"y":false,"z":true}}')
end)

H.case("json writes the shortest exact decimal for doubles", function()
  H.eq(json.encode({ 0.1, 1 / 3, 1e300, 2 ^ 53, -0.5, 3 }, true),
    "[0.1,0.3333333333333333,1e+300,9007199254740992,-0.5,3]")
end)

H.case("json writes NaN and infinities as null", function()
  H.eq(json.encode({ 0 / 0, math.huge }, true), "[null,null]")
end)

H.case("json escapes control characters and quotes", function()
  H.eq(json.encode('a"b\\c\n\1', true), '"a\\"b\\\\c\\n\\u0001"')
end)

H.case("json round-trips nested values", function()
  local v = { label = "x", ci = { -3.94, 31.37 }, within = true, n = 47 }
  H.eq(json.decode(json.encode(v)), v)
end)

H.case("json empty arrays stay arrays when marked", function()
  H.eq(json.encode({ a = json.array() }, true), '{"a":[]}')
end)

H.case("json decode reports the byte of a syntax error", function()
  H.raises("at byte", json.decode, '{"a": [1, 2}')
end)

H.case("json decode refuses bad escapes, numbers and deep nesting with a json: message", function()
  for _, s in ipairs({ '"\\u00zz"', '"\\u12"', '"\\ud83d"', '1e', '1+2', '-', '01x', '[1,2',
    string.rep("[", 65) .. string.rep("]", 65) }) do
    local ok, e = pcall(json.decode, s)
    H.eq(ok, false)
    H.ok(type(e) == "string" and e:match("^json: .+ at byte %d+$"), tostring(e))
  end
  H.eq(json.decode(string.rep("[", 64) .. string.rep("]", 64))[1] ~= nil, true)
end)

H.case("json decode joins surrogate pairs and reads RFC 8259 numbers", function()
  H.eq(json.decode('"\\ud83d\\ude00"'), "\u{1F600}")
  H.eq(json.decode('[-0.5e2, 1E+2, 12]')[1], -50.0)
  H.eq(json.decode('[-0.5e2, 1E+2, 12]')[3], 12)
end)
