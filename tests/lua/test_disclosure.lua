-- Disclosure control: primary and secondary suppression, rounding, and a
-- property test over random tables that no suppressed cell can be
-- recovered from the row, column or grand totals.
local H = ...
local D = require("csc.disclosure")

local function pattern(sup, R, C)
  local out = {}
  for i = 1, R do
    local t = {}
    for j = 1, C do t[j] = sup[i][j] == "primary" and "P" or sup[i][j] == "secondary" and "S" or "." end
    out[i] = table.concat(t)
  end
  return out
end

H.case("disclosure: a small cell and its complements form a rectangle", function()
  local v = { { 10, 3, 20, 33 }, { 12, 15, 8, 35 }, { 22, 18, 28, 68 } }
  local sup = D.protect_grid(v, { row_total = true, col_total = true })
  H.eq(pattern(sup, 3, 4), { "SP..", "SS..", "...." })
  H.eq(#D.recoverable({ nr = 2, nc = 3, row_total = true, col_total = true }, sup), 0)
end)

H.case("disclosure: zeros are shown, threshold is per call, no totals means no secondary", function()
  local v = { { 0, 4, 7 }, { 9, 5, 2 } }
  H.eq(pattern(D.protect_grid(v, {}), 2, 3), { ".P.", "..P" })
  H.eq(pattern(D.protect_grid(v, { threshold = 10 }), 2, 3), { ".PP", "PPP" })
  H.eq(pattern(D.protect_grid(v, { threshold = 1 }), 2, 3), { "...", "..." })
end)

H.case("disclosure: a single-line table with a total", function()
  -- one row with its total: one small cell needs a second suppressed cell
  local sup = D.protect_grid({ { 2, 30, 40, 72 } }, { row_total = true })
  H.eq(pattern(sup, 1, 4), { "PS.." })
end)

H.case("disclosure: protect_table marks cells and says why", function()
  local rows, log = D.protect_table({ "group", "boys", "girls", "total" },
    { { "a", 12, 3, 15 }, { "b", 20, 25, 45 }, { "all", 32, 28, 60 } },
    { counts = { "boys", "girls" }, row_total = "total", total_row = true })
  H.eq(rows[1], { "a", "c", "c", 15 })
  H.eq(rows[2], { "b", "c", "c", 45 })
  H.eq(rows[3], { "all", 32, 28, 60 })
  H.eq(#log, 4)
  H.eq(log[2].rule, "primary")
  local r2 = D.protect_table({ "g", "n" }, { { "x", 12 }, { "y", 23 } }, { counts = { "n" }, round = 5 })
  H.eq(r2, { { "x", 10 }, { "y", 25 } })
end)

H.case("disclosure property: random tables never leave a suppressed cell recoverable", function()
  local state = 12345
  local function rnd(n) state = (state * 1103515245 + 12345) % 2147483648; return state % n end
  local checked = 0
  for _ = 1, 300 do
    local nr, nc = 1 + rnd(5), 1 + rnd(5)
    local row_total, col_total = rnd(2) == 1, rnd(2) == 1
    local v = {}
    for i = 1, nr do
      v[i] = {}
      for j = 1, nc do v[i][j] = rnd(3) == 0 and rnd(5) or rnd(40) end
    end
    if row_total then for i = 1, nr do local s = 0 for j = 1, nc do s = s + v[i][j] end v[i][nc + 1] = s end end
    if col_total then
      v[nr + 1] = {}
      for j = 1, #v[1] do local s = 0 for i = 1, nr do s = s + v[i][j] end v[nr + 1][j] = s end
    end
    local sup = D.protect_grid(v, { row_total = row_total, col_total = col_total })
    local g = { nr = nr, nc = nc, row_total = row_total, col_total = col_total }
    H.eq(D.recoverable(g, sup), {})
    for i = 1, #v do for j = 1, #v[i] do
      local x = v[i][j]
      if x > 0 and x < 5 then H.ok(sup[i][j] ~= nil, "every count from 1 to 4 is suppressed") end
    end end
    checked = checked + 1
  end
  H.eq(checked, 300)
end)
