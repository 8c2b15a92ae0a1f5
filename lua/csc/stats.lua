--- Hypothesis tests, small-sample tests and the bootstrap for recipes.
-- The numerics run in C (host.stats, on GSL; see docs/methods/tests.md and
-- docs/methods/bootstrap.md); this module checks arguments, naming the one
-- that is wrong, and returns results shaped like R's htest objects:
-- `statistic`, `statistic_name`, `parameter`, `p_value`, `conf_int`
-- (`{lo, hi, level = }`), `estimate` (a table of named values),
-- `null_value`, `alternative`, `method`, `n`, and `warnings` where R warns.
--
-- Missing values (the csc.NA sentinel) are refused, never dropped, so the
-- n reported is always the n used: remove them explicitly first.
-- Argument errors are structured errors (csc.check: kind, function,
-- field); the runner adds the recipe line that called the function.
-- @module csc.stats
local hstats = require("host.stats")
local util = require("csc.util")
local check = require("csc.check")

local function failn(fn, field, text, kind) check.fail_named("stats." .. fn, field, text, kind) end

-- The NA sentinel, only to name it in messages (host.frame may be absent
-- when host.stats is tested on its own).
local ok_frame, hframe = pcall(require, "host.frame")
local NA = ok_frame and type(hframe) == "table" and hframe.NA or nil

---@class csc.stats
local M = {}

--- Metatable shared by every test result: printing looks like R's.
---@class csc.stats.Htest
---@field statistic? number
---@field parameter? table
---@field p_value number
---@field conf_int? number[]
---@field estimate? table<string, number>
---@field method string
---@field alternative? string
local Htest = {}
Htest.__index = Htest
M.Htest = Htest

local fmt = util.fmt_g

function Htest.__tostring(r)
  local out = { r.method }
  local line = {}
  if r.statistic then line[#line + 1] = (r.statistic_name or "statistic") .. " = " .. fmt(r.statistic) end
  for k, v in pairs(r.parameter or {}) do line[#line + 1] = k .. " = " .. fmt(v) end
  if r.p_value then line[#line + 1] = "p-value = " .. fmt(r.p_value) end
  if #line > 0 then out[#out + 1] = table.concat(line, ", ") end
  if r.alternative then out[#out + 1] = "alternative: " .. r.alternative end
  if r.conf_int then
    out[#out + 1] = string.format("%g%% confidence interval: [%s, %s]", 100 * r.conf_int.level,
      fmt(r.conf_int[1]), fmt(r.conf_int[2]))
  end
  if r.estimate then
    local e = {}
    for _, k in ipairs(util.sorted_keys(r.estimate)) do e[#e + 1] = k .. " = " .. fmt(r.estimate[k]) end
    out[#out + 1] = "estimate: " .. table.concat(e, ", ")
  end
  for _, w in ipairs(r.warnings or {}) do out[#out + 1] = "warning: " .. w end
  return table.concat(out, "\n")
end

local function htest(t)
  if t.warnings and #t.warnings == 0 then t.warnings = nil end
  return setmetatable(t, Htest)
end

-- ===== Argument checks =====
-- Helpers raise at level 3: helper -> csc.stats function -> recipe line.

local function describe(v)
  if NA ~= nil and rawequal(v, NA) then return "NA" end
  return type(v)
end

--- A Lua array of finite numbers with at least min_n elements.
local function numbers(fn, v, name, min_n, allow_nonfinite)
  if type(v) ~= "table" then
    failn(fn, name, string.format("%s must be an array of numbers, got %s", name, describe(v)))
  end
  local n = #v
  for k in pairs(v) do
    if math.type(k) ~= "integer" or k < 1 or k > n then
      failn(fn, name, string.format("%s must be an array of numbers (it has key %s)", name, tostring(k)))
    end
  end
  for i = 1, n do
    local x = v[i]
    if type(x) ~= "number" then
      if NA ~= nil and rawequal(x, NA) then
        failn(fn, name, string.format("%s[%d] is NA; csc.stats refuses missing values, drop them first", name, i))
      end
      failn(fn, name, string.format("%s[%d] is %s, expected a number", name, i, type(x)))
    end
    if not allow_nonfinite and (x ~= x or x == math.huge or x == -math.huge) then
      failn(fn, name, string.format("%s[%d] is %s, expected a finite number", name, i, fmt(x)))
    end
  end
  if n < (min_n or 0) then
    failn(fn, name, string.format("%s needs at least %d values, got %d", name, min_n, n))
  end
  return n
end

--- Check an options table against the fields declared for stats.<fn>
-- (csc.check); returns it (or {} when absent).
local function options(fn, opts)
  return check.options(check.signatures["stats." .. fn], opts)
end

local function declare(fn, list) check.signature("stats." .. fn, list, { optional = true }) end
declare("t_test", { "mu", "paired", "var_equal", "alternative", "conf_level" })
declare("chisq_test", { "correct" })
declare("fisher_test", { "alternative", "conf_level", "or" })
declare("wilcox_test", { "mu", "paired", "alternative", "exact", "correct" })
declare("prop_test", { "p", "alternative", "conf_level", "correct" })
declare("prop_z_test", { "p", "alternative", "conf_level" })
declare("cor_test", { "method", "alternative", "conf_level", "exact" })
declare("poisson_ci", { "method", "conf_level" })
declare("wilson_ci", { "conf_level" })
declare("funnel_limits", { "conf_level" })
check.signature("stats.bootstrap", { "data", "statistic", "seed", "reps", "type", "conf_level", "cluster" },
  { what = "{data =, statistic =, seed =}" })

local ALTS = { ["two.sided"] = "two.sided", ["two-sided"] = "two.sided", less = "less",
  greater = "greater" }

local function alternative(fn, a)
  if a == nil then return "two.sided" end
  local v = ALTS[a]
  if not v then
    failn(fn, "alternative", string.format('alternative must be "two.sided", "less" or "greater", got %s', tostring(a)))
  end
  return v
end

local function conf_level(fn, c)
  if c == nil then return 0.95 end
  if type(c) ~= "number" or not (c > 0 and c < 1) then
    failn(fn, "conf_level", string.format("conf_level must be a number between 0 and 1, got %s", tostring(c)))
  end
  return c
end

local function number_opt(fn, v, name, default)
  if v == nil then return default end
  if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
    failn(fn, name, string.format("%s must be a finite number, got %s", name, tostring(v)))
  end
  return v
end

local function bool_opt(fn, v, name, default)
  if v == nil then return default end
  if type(v) ~= "boolean" then
    failn(fn, name, string.format("%s must be true or false, got %s", name, tostring(v)))
  end
  return v
end

local function exact_opt(fn, v)
  if v == nil or v == "auto" then return "auto" end
  if type(v) ~= "boolean" then
    failn(fn, "exact", string.format('exact must be true, false or "auto", got %s', tostring(v)))
  end
  return v
end

--- An array of rows of non-negative counts -> flat row-major cells, nr, nc.
local function table_cells(fn, tab, name)
  if type(tab) ~= "table" or #tab < 2 then
    failn(fn, name, string.format("%s must be an array of at least 2 rows", name))
  end
  local cells, nc = {}, nil
  for i, row in ipairs(tab) do
    if type(row) ~= "table" then
      failn(fn, name, string.format("%s[%d] must be a row (an array of counts), got %s", name, i, describe(row)))
    end
    nc = nc or #row
    if #row ~= nc then
      failn(fn, name, string.format("%s[%d] has %d columns, row 1 has %d", name, i, #row, nc))
    end
    for j = 1, nc do
      local x = row[j]
      if type(x) ~= "number" or x ~= x or x < 0 or x == math.huge then
        failn(fn, name, string.format("%s[%d][%d] is %s, expected a non-negative count", name, i, j, type(x) == "number" and fmt(x) or describe(x)))
      end
      cells[#cells + 1] = x
    end
  end
  if nc < 2 then failn(fn, name, string.format("%s needs at least 2 columns", name)) end
  return cells, #tab, nc
end

-- A table called as the second argument with only named keys is options.
local function split_y(y, opts)
  if opts == nil and type(y) == "table" and #y == 0 and next(y) ~= nil then return nil, y end
  return y, opts
end

-- What a one- or two-sample test reads first: y and its options (split_y,
-- checked against fn's signature), then mu and paired.
local function sample_options(fn, y, opts)
  y, opts = split_y(y, opts)
  opts = options(fn, opts)
  return y, opts, number_opt(fn, opts.mu, "mu", 0), bool_opt(fn, opts.paired, "paired", false)
end

-- ===== Tests =====

--- t-test: one-sample, paired or two-sample (Welch by default); should
-- match R `t.test(x, y, mu =, paired =, var.equal =, alternative =, conf.level =)`.
-- @tparam {number,...} x sample (differences' first member when paired)
-- @tparam[opt] {number,...} y second sample; nil for a one-sample test
-- @tparam[opt] table opts `mu` (0), `paired` (false), `var_equal` (false),
--   `alternative` ("two.sided"), `conf_level` (0.95)
-- @treturn Htest statistic t, parameter.df, estimate mean / mean_difference /
--   mean_x, mean_y, plus `se`
-- @usage local r = stats.t_test(treated, control)
---@param x number[]
---@param y? number[] second sample (nil: one-sample)
---@param opts? {mu?: number, paired?: boolean, var_equal?: boolean, alternative?: csc.Alternative, conf_level?: number}
---@return csc.stats.Htest
function M.t_test(x, y, opts)
  local fn = "t_test"
  local mu, paired
  y, opts, mu, paired = sample_options(fn, y, opts)
  local var_equal = bool_opt(fn, opts.var_equal, "var_equal", false)
  local alt, conf = alternative(fn, opts.alternative), conf_level(fn, opts.conf_level)
  local nx, ny, method, estimate
  if y == nil then
    if paired then failn("t_test", nil, "paired = true needs y") end
    nx = numbers(fn, x, "x", 2)
    method = "One Sample t-test"
  elseif paired then
    nx = numbers(fn, x, "x", 2)
    ny = numbers(fn, y, "y", 2)
    if nx ~= ny then failn("t_test", nil, string.format("paired x and y differ in length (%d and %d)", nx, ny)) end
    method = "Paired t-test"
  else
    local need = var_equal and 1 or 2
    nx = numbers(fn, x, "x", need)
    ny = numbers(fn, y, "y", need)
    if var_equal and nx + ny < 3 then failn("t_test", nil, "need at least 3 observations in all") end
    method = var_equal and "Two Sample t-test" or "Welch Two Sample t-test"
  end
  local r = check.call("stats.t_test", hstats.t_test, x, y, mu, paired, var_equal, alt, conf)
  if y == nil then estimate = { mean = r.estimate1 }
  elseif paired then estimate = { mean_difference = r.estimate1 }
  else estimate = { mean_x = r.estimate1, mean_y = r.estimate2 } end
  return htest {
    method = method, statistic = r.statistic, statistic_name = "t",
    parameter = { df = r.df }, p_value = r.p_value,
    conf_int = { r.conf_lo, r.conf_hi, level = conf }, estimate = estimate,
    null_value = mu, alternative = alt, se = r.se,
    n = (y == nil or paired) and { nx } or { nx, ny },
  }
end

--- Pearson chi-square test of independence on an r x c table; should match
-- R `chisq.test(x, correct =)` (Yates' correction, capped as R caps it, for
-- 2 x 2 tables only).
-- @tparam {{number,...},...} tab rows of counts
-- @tparam[opt] table opts `correct` (true)
-- @treturn Htest statistic X-squared, parameter.df, `expected` (rows)
---@param tab number[][] rows of counts
---@param opts? {correct?: boolean}
---@return csc.stats.Htest
function M.chisq_test(tab, opts)
  local fn = "chisq_test"
  opts = options(fn, opts)
  local correct = bool_opt(fn, opts.correct, "correct", true)
  local cells, nr, nc = table_cells(fn, tab, "tab")
  local r = check.call("stats.chisq_test", hstats.chisq_test, cells, nr, nc, correct)
  local expected = {}
  for i = 1, nr do
    local row = {}
    for j = 1, nc do row[j] = r.expected[(i - 1) * nc + j] end
    expected[i] = row
  end
  local total = 0
  for _, c in ipairs(cells) do total = total + c end
  return htest {
    method = "Pearson's Chi-squared test" ..
      (r.yates > 0 and " with Yates' continuity correction" or ""),
    statistic = r.statistic, statistic_name = "X-squared", parameter = { df = r.df },
    p_value = r.p_value, expected = expected, n = { total },
    warnings = { r.min_expected < 5 and "Chi-squared approximation may be incorrect" or nil },
  }
end

--- Fisher's exact test; should match R `fisher.test(x, or =, alternative =,
-- conf.level =)`.  2 x 2: conditional MLE odds ratio and interval (R's
-- root finder and tolerance).  Larger tables: two-sided p-value only, by an
-- exact network search (errors if the table is too large for it).
-- @tparam {{number,...},...} tab rows of whole-number counts
-- @tparam[opt] table opts `alternative`, `conf_level`, `or` (1) -- 2 x 2 only
-- @treturn Htest p_value; estimate.odds_ratio and conf_int for 2 x 2
---@param tab integer[][] rows of whole-number counts
---@param opts? {alternative?: csc.Alternative, conf_level?: number, ['or']?: number}
---@return csc.stats.Htest
function M.fisher_test(tab, opts)
  local fn = "fisher_test"
  opts = options(fn, opts)
  local cells, nr, nc = table_cells(fn, tab, "tab")
  for i, c in ipairs(cells) do
    if c ~= math.floor(c) then
      failn("fisher_test", "tab", string.format("tab[%d][%d] is %s, expected a whole number", (i - 1) // nc + 1, (i - 1) % nc + 1, fmt(c)))
    end
  end
  local alt, conf = alternative(fn, opts.alternative), conf_level(fn, opts.conf_level)
  local orn = number_opt(fn, opts["or"], "or", 1)
  if orn < 0 then failn("fisher_test", "or", "or must not be negative") end
  local two = nr == 2 and nc == 2
  if not two and (alt ~= "two.sided" or orn ~= 1) then
    failn("fisher_test", nil, "tables larger than 2 x 2 have only the two-sided test of independence")
  end
  local r = check.call("stats.fisher_test", hstats.fisher_test, cells, nr, nc, orn, alt, conf)
  local total = 0
  for _, c in ipairs(cells) do total = total + c end
  return htest {
    method = "Fisher's Exact Test for Count Data", p_value = r.p_value,
    estimate = two and { odds_ratio = r.estimate } or nil,
    conf_int = two and { r.conf_lo, r.conf_hi, level = conf } or nil,
    null_value = two and orn or nil, alternative = alt, n = { total },
  }
end

--- Wilcoxon rank-sum (Mann-Whitney) or signed-rank test; should match R
-- `wilcox.test(x, y, mu =, paired =, alternative =, exact =, correct =)`:
-- exact when samples have fewer than 50 values and no ties (or zeros),
-- else the normal approximation with tie and continuity corrections.
-- @tparam {number,...} x sample
-- @tparam[opt] {number,...} y second sample; nil for the signed-rank test on x - mu
-- @tparam[opt] table opts `mu` (0), `paired` (false), `alternative`,
--   `exact` ("auto" | true | false), `correct` (true)
-- @treturn Htest statistic W (rank sum) or V (signed rank), p_value, `exact`
---@param x number[]
---@param y? number[]
---@param opts? {mu?: number, paired?: boolean, alternative?: csc.Alternative, exact?: boolean|'auto', correct?: boolean}
---@return csc.stats.Htest
function M.wilcox_test(x, y, opts)
  local fn = "wilcox_test"
  local mu, paired
  y, opts, mu, paired = sample_options(fn, y, opts)
  local alt = alternative(fn, opts.alternative)
  local exact = exact_opt(fn, opts.exact)
  local correct = bool_opt(fn, opts.correct, "correct", true)
  local nx, ny = numbers(fn, x, "x", 1), nil
  if y ~= nil then ny = numbers(fn, y, "y", 1) end
  if paired then
    if y == nil then failn("wilcox_test", nil, "paired = true needs y") end
    if nx ~= ny then failn("wilcox_test", nil, string.format("paired x and y differ in length (%d and %d)", nx, ny)) end
  end
  local r = check.call("stats.wilcox_test", hstats.wilcox_test, x, y, mu, paired, alt, exact, correct)
  local signed = y == nil or paired
  local method = signed and "Wilcoxon signed rank" or "Wilcoxon rank sum"
  if r.exact then method = method .. " exact test"
  elseif r.correction ~= 0 then method = method .. " test with continuity correction"
  else method = method .. " test" end
  -- R's rule: an exact test was wanted (asked, or small samples) but could not be had
  local wanted = exact == true or (exact == "auto" and r.n1 < 50 and (signed or r.n2 < 50))
  local warnings = {}
  if wanted and r.ties then warnings[#warnings + 1] = "cannot compute exact p-value with ties" end
  if wanted and r.zeros then warnings[#warnings + 1] = "cannot compute exact p-value with zeroes" end
  return htest {
    method = method, statistic = r.statistic, statistic_name = signed and "V" or "W",
    p_value = r.p_value, null_value = mu, alternative = alt, exact = r.exact, z = r.z,
    n = signed and { r.n1 } or { r.n1, r.n2 }, warnings = warnings,
  }
end

local function counts(fn, x, n)
  local two = type(x) == "table"
  local xs = two and x or { x }
  local ns = type(n) == "table" and n or { n }
  if #xs < 1 or #xs > 2 or #ns ~= #xs then
    failn(fn, nil, "x and n must both be numbers (one sample) or both arrays of 2 (two samples)")
  end
  for i = 1, #xs do
    local xi, ni = xs[i], ns[i]
    if type(xi) ~= "number" or type(ni) ~= "number" or not (ni > 0) or xi < 0 or xi > ni
      or ni == math.huge then
      failn(fn, nil, string.format("need 0 <= x <= n and n > 0, got x = %s, n = %s", describe(xi) == "number" and fmt(xi) or describe(xi), describe(ni) == "number" and fmt(ni) or describe(ni)))
    end
  end
  return xs, ns
end

-- What prop_test and prop_z_test share: their checks, the C call (z:
-- the plain z test) and the fields of the result; the caller adds the
-- method and the statistic's name.
local function proportions(fn, x, n, opts, z)
  opts = options(fn, opts)
  local xs, ns = counts(fn, x, n)
  local two = #xs == 2
  if two and opts.p ~= nil then failn(fn, nil, "p applies to one sample only") end
  local p0 = number_opt(fn, opts.p, "p", 0.5)
  if not (p0 > 0 and p0 < 1) then failn(fn, "p", "p must lie strictly between 0 and 1") end
  local alt, conf = alternative(fn, opts.alternative), conf_level(fn, opts.conf_level)
  local correct = not z and bool_opt(fn, opts.correct, "correct", true)
  local r = check.call("stats.prop_test", hstats.prop_test, xs[1], ns[1], xs[2], ns[2], p0, alt, conf, correct, z)
  return {
    statistic = r.statistic, p_value = r.p_value, conf_int = { r.conf_lo, r.conf_hi, level = conf },
    estimate = two and { prop_1 = r.estimate1, prop_2 = r.estimate2 } or { p = r.estimate1 },
    null_value = not two and p0 or nil, alternative = alt, n = ns,
  }, r, two
end

--- Test of one or two proportions; should match R `prop.test(x, n, p =,
-- alternative =, conf.level =, correct =)`: score chi-square (Yates'
-- correction capped as R), Wilson score interval for one sample, Wald
-- interval for p1 - p2.
-- @tparam number|{number,number} x successes
-- @tparam number|{number,number} n trials
-- @tparam[opt] table opts `p` (0.5, one sample only), `alternative`,
--   `conf_level`, `correct` (true)
-- @treturn Htest statistic X-squared, parameter.df, estimate p or prop_1, prop_2
---@param x number|number[] successes
---@param n number|number[] trials
---@param opts? {p?: number, alternative?: csc.Alternative, conf_level?: number, correct?: boolean}
---@return csc.stats.Htest
function M.prop_test(x, n, opts)
  local h, r, two = proportions("prop_test", x, n, opts, false)
  local with = r.yates > 0 and "with" or "without"
  h.method = two and ("2-sample test for equality of proportions " .. with .. " continuity correction")
    or ("1-sample proportions test " .. with .. " continuity correction")
  h.statistic_name, h.parameter = "X-squared", { df = r.df }
  h.warnings = { r.min_expected < 5 and "Chi-squared approximation may be incorrect" or nil }
  return htest(h)
end

--- z test of one or two proportions with Wald interval, as Stata `prtest`
-- (two samples: pooled standard error for the test; z^2 equals
-- `prop.test(correct = FALSE)`'s statistic).
-- @tparam number|{number,number} x successes
-- @tparam number|{number,number} n trials
-- @tparam[opt] table opts `p` (0.5, one sample only), `alternative`, `conf_level`
-- @treturn Htest statistic z
---@param x number|number[] successes
---@param n number|number[] trials
---@param opts? {p?: number, alternative?: csc.Alternative, conf_level?: number}
---@return csc.stats.Htest
function M.prop_z_test(x, n, opts)
  local h, _, two = proportions("prop_z_test", x, n, opts, true)
  h.method = two and "Two-sample z test of proportions (pooled SE; Stata prtest)"
    or "One-sample z test of a proportion (Stata prtest)"
  h.statistic_name = "z"
  return htest(h)
end

--- Confidence interval for the mean of a Poisson count, and so for a rate
-- built on it.  "exact" (default) is Garwood's interval from chi-square
-- quantiles and should match R `poisson.test(x)$conf.int`; "byar" is
-- Byar's approximation (Breslow and Day 1987), close to exact from about 10
-- events.  A rate's interval is the count's scaled by rate / count.
-- @tparam number x the count (>= 0)
-- @tparam[opt] table opts `method` ("exact" | "byar"), `conf_level` (0.95)
-- @treturn {number,number,level=number,method=string}
---@param x number
---@param opts? {method?: 'exact'|'byar', conf_level?: number}
---@return {[1]: number, [2]: number, level: number, method: string}
function M.poisson_ci(x, opts)
  local fn = "poisson_ci"
  opts = options(fn, opts)
  local method = opts.method or "exact"
  if method ~= "exact" and method ~= "byar" then
    failn(fn, "method", 'method must be "exact" or "byar", got ' .. tostring(method))
  end
  if type(x) ~= "number" or not (x >= 0) or x == math.huge then
    failn(fn, nil, "x must be a count of 0 or more, got " .. describe(x))
  end
  local conf = conf_level(fn, opts.conf_level)
  local lo, hi = check.call("stats.poisson_ci", hstats.rate_ci, x, method, conf)
  return { lo, hi, level = conf, method = method == "exact" and "exact Poisson (Garwood)" or "Byar's approximation" }
end

--- Wilson score interval for a proportion x / n, without continuity
-- correction; should match R `prop.test(x, n, correct = FALSE)$conf.int`.
-- @tparam number x successes
-- @tparam number n trials (x <= n)
-- @tparam[opt] table opts `conf_level` (0.95)
-- @treturn {number,number,level=number,method=string} bounds as proportions (0..1)
---@param x number
---@param n number
---@param opts? {conf_level?: number}
---@return {[1]: number, [2]: number, level: number, method: string}
function M.wilson_ci(x, n, opts)
  local fn = "wilson_ci"
  opts = options(fn, opts)
  local xs, ns = counts(fn, x, n)
  local conf = conf_level(fn, opts.conf_level)
  local lo, hi = check.call("stats.wilson_ci", hstats.wilson_ci, xs[1], ns[1], conf)
  return { lo, hi, level = conf, method = "Wilson score" }
end

--- Funnel-plot control limits at denominator n around a centre value:
-- model "proportion" (centre 0..1; the Wilson form) or "rate" (centre per
-- unit of n; exact Poisson limits for the expected count centre * n), as
-- Spiegelhalter (2005) and the APHO funnel plot tools.
-- @tparam string model "proportion" | "rate"
-- @tparam number centre the target (e.g. England's value, as a proportion or rate per unit)
-- @tparam number n the denominator
-- @tparam[opt] table opts `conf_level` (0.95; 0.998 for the outer limits)
-- @treturn number,number lower and upper limit
---@param model 'proportion'|'rate'
---@param centre number
---@param n number
---@param opts? {conf_level?: number}
---@return number lo
---@return number hi
function M.funnel_limits(model, centre, n, opts)
  local fn = "funnel_limits"
  opts = options(fn, opts)
  if model ~= "proportion" and model ~= "rate" then
    failn(fn, "model", 'model must be "proportion" or "rate", got ' .. tostring(model))
  end
  if type(centre) ~= "number" or type(n) ~= "number" then
    failn(fn, nil, "centre and n must be numbers, got " .. describe(centre) .. " and " .. describe(n))
  end
  return check.call("stats.funnel_limits", hstats.funnel_limits, model, centre, n, conf_level(fn, opts.conf_level))
end

--- Correlation test; should match R `cor.test(x, y, method =, alternative =,
-- conf.level =, exact =)`.  Pearson: t test, Fisher-z interval (n > 3).
-- Spearman: R's AS 89 p-value (exact for n <= 9, Edgeworth series to
-- n = 1290) without ties, else the t approximation; no interval.
-- @tparam {number,...} x
-- @tparam {number,...} y same length as x
-- @tparam[opt] table opts `method` ("pearson" | "spearman"), `alternative`,
--   `conf_level`, `exact` (Spearman: "auto" | true | false)
-- @treturn Htest estimate cor or rho; statistic t or S
---@param x number[]
---@param y number[]
---@param opts? {method?: 'pearson'|'spearman', alternative?: csc.Alternative, conf_level?: number, exact?: boolean|'auto'}
---@return csc.stats.Htest
function M.cor_test(x, y, opts)
  local fn = "cor_test"
  opts = options(fn, opts)
  local method = opts.method or "pearson"
  if method ~= "pearson" and method ~= "spearman" then
    failn("cor_test", "method", 'method must be "pearson" or "spearman", got ' .. tostring(method))
  end
  local pearson = method == "pearson"
  local nx = numbers(fn, x, "x", pearson and 3 or 2)
  local ny = numbers(fn, y, "y", pearson and 3 or 2)
  if nx ~= ny then failn("cor_test", nil, string.format("x and y differ in length (%d and %d)", nx, ny)) end
  local alt, conf = alternative(fn, opts.alternative), conf_level(fn, opts.conf_level)
  local exact = exact_opt(fn, opts.exact)
  local r = check.call("stats.cor_test", hstats.cor_test, x, y, method, alt, conf, exact)
  local res = {
    method = pearson and "Pearson's product-moment correlation" or "Spearman's rank correlation rho",
    statistic = r.statistic, statistic_name = pearson and "t" or "S",
    parameter = pearson and { df = r.df } or nil, p_value = r.p_value,
    estimate = pearson and { cor = r.estimate } or { rho = r.estimate },
    null_value = 0, alternative = alt, n = { nx }, warnings = {},
  }
  if pearson and nx > 3 then res.conf_int = { r.conf_lo, r.conf_hi, level = conf } end
  if not pearson then
    res.exact = r.exact
    if r.ties and exact ~= false then
      res.warnings[1] = "Cannot compute exact p-value with ties"
    end
  end
  return htest(res)
end

--- Cronbach's alpha of a multi-item scale, by the formulas of R
-- `psych::alpha`: raw_alpha from the item covariances, std_alpha from the
-- correlations, average_r the mean inter-item correlation.
-- @tparam {{number,...},...} items one row per respondent, one column per item
--   (complete cases only)
-- @treturn table raw_alpha, std_alpha, average_r, n_items, n_obs, method
---@param items number[][] one row per respondent, one column per item
---@return {raw_alpha: number, std_alpha: number, average_r: number, n_items: integer, n_obs: integer, method: string}
function M.cronbach_alpha(items)
  local fn = "cronbach_alpha"
  if type(items) ~= "table" or #items < 2 then
    failn("cronbach_alpha", "items", "items must be an array of at least 2 respondents (rows)")
  end
  local cells, k = {}, nil
  for i, row in ipairs(items) do
    if type(row) ~= "table" then
      failn("cronbach_alpha", "items", string.format("items[%d] must be a row of item scores, got %s", i, describe(row)))
    end
    k = k or #row
    if #row ~= k then
      failn("cronbach_alpha", "items", string.format("items[%d] has %d items, row 1 has %d", i, #row, k))
    end
    for j = 1, k do
      local v = row[j]
      if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
        failn("cronbach_alpha", "items", string.format("items[%d][%d] is %s, expected a finite number%s", i, j, type(v) == "number" and fmt(v) or describe(v), describe(v) == "NA" and " (complete cases only: drop missing rows first)" or ""))
      end
      cells[#cells + 1] = v
    end
  end
  if k < 2 then failn("cronbach_alpha", nil, "need at least 2 items") end
  local r = check.call("stats.cronbach_alpha", hstats.cronbach_alpha, cells, #items, k)
  return {
    method = "Cronbach's alpha (psych::alpha raw_alpha and std.alpha)",
    raw_alpha = r.raw_alpha, std_alpha = r.std_alpha, average_r = r.average_r,
    n_items = k, n_obs = #items,
  }
end

local PADJ = { bonferroni = true, holm = true, hochberg = true, BH = true, fdr = true,
  BY = true, none = true }

--- Adjust p-values for multiple comparisons; should match R `p.adjust(p,
-- method, n)`.  NA entries stay NA and are not counted in n.
-- @tparam {number|NA,...} p p-values in [0, 1]
-- @tparam[opt] string method "holm" (default, as R), "hochberg", "BH" (or
--   "fdr"), "BY", "bonferroni", "none"
-- @tparam[opt] integer n number of tests (default: non-missing p)
-- @treturn {number|NA,...} adjusted p-values, same order
---@param p number[]
---@param method? 'holm'|'hochberg'|'hommel'|'BH'|'fdr'|'BY'|'bonferroni'|'none'
---@param n? integer
---@return number[] adjusted
function M.p_adjust(p, method, n)
  local fn = "p_adjust"
  method = method or "holm"
  if not PADJ[method] then
    local names = util.sorted_keys(PADJ)
    failn("p_adjust", nil, string.format("unknown method %s%s (methods: %s)", tostring(method), util.hint(tostring(method), names), table.concat(names, ", ")))
  end
  if type(p) ~= "table" then failn("p_adjust", "p", "p must be an array of p-values") end
  local vals, m = {}, 0
  for i = 1, #p do
    local v = p[i]
    if NA ~= nil and rawequal(v, NA) then
      vals[i] = 0 / 0
    elseif type(v) ~= "number" or not (v >= 0 and v <= 1) then
      failn("p_adjust", "p", string.format("p[%d] is %s, expected a p-value in [0, 1]", i, type(v) == "number" and fmt(v) or describe(v)))
    else
      vals[i] = v
      m = m + 1
    end
  end
  if n ~= nil and (math.type(n) ~= "integer" or n < m) then
    failn("p_adjust", "n", string.format("n must be an integer >= the number of p-values (%d)", m))
  end
  local out = check.call("stats.p_adjust", hstats.p_adjust, vals, method, n)
  for i = 1, #p do
    if NA ~= nil and rawequal(p[i], NA) then out[i] = NA end
  end
  return out
end

-- ===== Bootstrap =====

--- Nonparametric bootstrap interval with case or cluster resampling.
-- Replicates are drawn with GSL's MT19937 seeded with `seed` (the same seed
-- gives the same replicates everywhere); percentile and BCa intervals are
-- computed as R `boot::boot.ci(type = c("perc", "bca"))` with the BCa
-- acceleration from the jackknife (over clusters when clustered), i.e.
-- `L = empinf(b, type = "jack")`.  See docs/methods/bootstrap.md.
-- @tparam table spec
--   `data` array of observations (numbers or row tables), required;
--   `statistic` function(sample) -> number, required; `sample` is an array of
--     observations drawn from data (NaN marks an undefined replicate, dropped);
--   `seed` integer 1 .. 2^32-1, required;
--   `reps` (2000); `type` "bca" (default) | "perc" | "both";
--   `conf_level` (0.95);
--   `cluster` array of cluster ids (numbers or strings), one per
--     observation, to resample whole clusters (also accepted as data.cluster)
-- @treturn table estimate.statistic, conf_int, bias, std_error, perc, bca,
--   z0, acceleration, reps, replicates_used, seed, n, replicates, method
-- @usage local b = stats.bootstrap{data = rows, statistic = ratio, seed = 2024}
---@param spec {data: any, statistic: function, seed?: integer, reps?: integer, type?: string, conf_level?: number, cluster?: string}
---@return table result
function M.bootstrap(spec)
  local fn = "bootstrap"
  if type(spec) ~= "table" then failn("bootstrap", nil, "expected a table {data =, statistic =, seed =}") end
  options(fn, spec)
  local data = spec.data
  if type(data) ~= "table" then failn("bootstrap", "data", "data must be an array of observations") end
  local n = #data
  if n < 2 then failn("bootstrap", "data", "data needs at least 2 observations, got " .. n) end
  if type(spec.statistic) ~= "function" then
    failn("bootstrap", "statistic", "statistic must be a function(sample) returning a number")
  end
  local seed = spec.seed
  if math.type(seed) ~= "integer" or seed < 1 or seed > 4294967295 then
    failn("bootstrap", "seed", "seed must be an integer 1 .. 2^32-1 (it makes the result reproducible), got "
      .. tostring(seed))
  end
  local reps = spec.reps or 2000
  if math.type(reps) ~= "integer" or reps < 2 then
    failn("bootstrap", "reps", "reps must be an integer >= 2, got " .. tostring(reps))
  end
  local btype = spec.type or "bca"
  if btype ~= "bca" and btype ~= "perc" and btype ~= "both" then
    failn("bootstrap", "type", 'type must be "bca", "perc" or "both", got ' .. tostring(btype))
  end
  local conf = conf_level(fn, spec.conf_level)
  local cluster = spec.cluster
  if cluster == nil and type(data.cluster) == "table" then cluster = data.cluster end
  local cl, g = nil, nil
  if cluster ~= nil then
    if type(cluster) ~= "table" or #cluster ~= n then
      failn("bootstrap", "cluster", string.format("cluster must be an array with one id per observation (%d)", n))
    end
    local seen = {}
    cl, g = {}, 0
    for i = 1, n do
      local id = cluster[i]
      if (type(id) ~= "number" and type(id) ~= "string") or id ~= id then
        failn("bootstrap", "cluster", string.format("cluster[%d] is %s, expected a cluster id (number or string)", i, describe(id)))
      end
      if not seen[id] then g = g + 1; seen[id] = g end
      cl[i] = seen[id]
    end
    if g < 2 then failn("bootstrap", nil, "need at least 2 clusters") end
  end
  local values = {}
  for i = 1, n do values[i] = data[i] end   -- the array part only
  local r = check.call("stats.bootstrap", hstats.bootstrap, values, cl, g, spec.statistic, reps, seed, conf)
  if btype == "bca" and r.bca_error then failn("bootstrap", "type", r.bca_error, "analysis") end
  local use_bca = btype ~= "perc" and not r.bca_error
  local warnings = {}
  if r.extreme then warnings[#warnings + 1] = "extreme order statistics used as endpoints" end
  if r.used < r.reps then
    warnings[#warnings + 1] = string.format("%d of %d replicates were not finite and were dropped",
      r.reps - r.used, r.reps)
  end
  if btype == "both" and r.bca_error then warnings[#warnings + 1] = r.bca_error end
  return htest {
    method = string.format("Nonparametric %s bootstrap, %s interval",
      cl and "cluster" or "case", use_bca and "BCa" or "percentile"),
    estimate = { statistic = r.t0 },
    conf_int = use_bca and { r.bca_lo, r.bca_hi, level = conf } or { r.perc_lo, r.perc_hi, level = conf },
    perc = { r.perc_lo, r.perc_hi, level = conf },
    bca = not r.bca_error and { r.bca_lo, r.bca_hi, level = conf } or nil,
    bias = r.bias, std_error = r.se, z0 = r.z0, acceleration = r.a,
    reps = r.reps, replicates_used = r.used, seed = seed, type = btype,
    n = cl and { observations = n, clusters = g } or { n },
    replicates = r.t, warnings = warnings,
  }
end

return M
