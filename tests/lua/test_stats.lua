-- csc.stats through host.stats: a few R reference values from
-- tests/reference/stats/expected.csv (make_stats.R) reaching the recipe in
-- htest shape, and argument mistakes reported naming the argument.  The C
-- test (tests/c/test_stats.c) checks the numerics in depth.  Tolerance
-- 1e-8 relative (closed form), 1e-6 for the Fisher odds ratio (a root,
-- see test_stats.c's TOL_ROOT).
local H = ...
local stats = require("csc.stats")
local hframe = require("host.frame")
local NA = hframe.NA

-- expected.csv as ref[test][case][quantity] = {values in order}.
local ref = {}
do
  local fh = assert(io.open("tests/reference/stats/expected.csv"))
  fh:read("l")
  for line in fh:lines() do
    local t, c, q, v = line:match("^([^,]*),([^,]*),([^,]*),([^,]*)$")
    if t then
      ref[t] = ref[t] or {}
      ref[t][c] = ref[t][c] or {}
      ref[t][c][q] = ref[t][c][q] or {}
      local num = v == "NA" and NA or v == "Inf" and math.huge or v == "-Inf" and -math.huge
        or tonumber(v)
      table.insert(ref[t][c][q], num)
    end
  end
  fh:close()
end
local data = {}
for name, q in pairs(ref.data) do data[name] = q.value end

local function rows(name)   -- a put_table() matrix (nrow, row-major values) back as rows
  local m = ref.data[name]
  local nr = m.nrow[1]
  local nc = #m.value // nr
  local out = {}
  for i = 1, nr do
    out[i] = {}
    for j = 1, nc do out[i][j] = m.value[(i - 1) * nc + j] end
  end
  return out
end

H.case("stats.t_test Welch and paired match R t.test", function()
  local w, want = stats.t_test(data.x1, data.y1), ref.ttest.welch
  H.eq({ w.statistic, w.parameter.df, w.p_value, w.conf_int[1], w.conf_int[2] },
    { want.statistic[1], want.parameter[1], want.p_value[1], want.conf_lo[1], want.conf_hi[1] }, 1e-8)
  H.eq(w.method, "Welch Two Sample t-test")
  local p, wp = stats.t_test(data.pre, data.post, { paired = true }), ref.ttest.paired
  H.eq({ p.statistic, p.parameter.df, p.p_value }, { wp.statistic[1], wp.parameter[1], wp.p_value[1] }, 1e-8)
end)

H.case("stats.chisq_test and fisher_test on a 2 x 2 table match R", function()
  local tab = rows("tab2")
  H.eq(tab, { { 12, 5 }, { 7, 15 } })
  local c, wc = stats.chisq_test(tab), ref.chisq.tab2
  H.eq({ c.statistic, c.parameter.df, c.p_value },
    { wc.statistic[1], wc.parameter[1], wc.p_value[1] }, 1e-8)
  local f, wf = stats.fisher_test(tab), ref.fisher.tab2
  H.eq(f.p_value, wf.p_value[1], 1e-8)
  H.eq({ f.estimate.odds_ratio, f.conf_int[1], f.conf_int[2] },
    { wf.estimate[1], wf.conf_lo[1], wf.conf_hi[1] }, 1e-6)
end)

H.case("stats.p_adjust keeps NA in place (Holm, BH)", function()
  for _, m in ipairs({ "holm", "BH" }) do
    local got, want = stats.p_adjust(data.pv, m), ref.padjust[m].adjusted
    for i = 1, #want do
      if rawequal(want[i], NA) then H.ok(rawequal(got[i], NA), m .. " NA at " .. i)
      else H.eq(got[i], want[i], 1e-8) end
    end
  end
end)

H.case("stats.cronbach_alpha matches the psych::alpha formulas", function()
  local items = rows("items")
  H.eq(#items, 8)
  H.eq(items[1], { 4, 5, 4, 3 })
  local a, want = stats.cronbach_alpha(items), ref.alpha.items
  H.eq({ a.raw_alpha, a.std_alpha, a.average_r },
    { want.raw_alpha[1], want.std_alpha[1], want.average_r[1] }, 1e-8)
end)

H.case("csc.stats names the argument at fault", function()
  H.raises("t_test: x[2] is NA", stats.t_test, { 1, NA, 3 }, { 2, 3, 4 })
  H.raises("unknown field 'alternativ' (did you mean \"alternative\"?)", stats.t_test, { 1, 2, 3 }, { alternativ = "less" })
  H.raises('did you mean "BH"', stats.p_adjust, { 0.1, 0.2 }, "BJ")
  H.raises("p_adjust: p[2] is 1.5", stats.p_adjust, { 0.1, 1.5 })
end)
