local t = {}
local n = 0
n = n + t.missing.count
