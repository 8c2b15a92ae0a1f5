--- Comparisons of small groups and waves: Welch t, Mann-Whitney and an exact
-- permutation test for scores, Fisher's exact and chi-square for counts, paired t, Wilcoxon
-- signed-rank and the exact sign test for panels, McNemar's exact test for
-- paired yes/no answers.  Each result carries plain-word warnings when a
-- group is too small to support the comparison.  The tests are csc.stats
-- (checked against R's stats); the binomial tail for the sign and McNemar
-- tests is R binom.test's two-sided rule.
-- @module csc.survey.compare
local stats = require("csc.stats")

local M = {}

--- Smallest group size at which a comparison is worth reporting as more
-- than description (recipes may change it: design.small_group).
M.SMALL_GROUP = 10

local function plain(n) return tostring(math.tointeger(n) or n) end

--- Plain-word warning when a group is small, or nil.  count(n) words the
-- number of respondents (default: the number; a run passes ctx:count, so
-- that under disclosure control a small one reads "fewer than 5").
function M.size_warning(label, n, min, count)
  min = min or M.SMALL_GROUP
  count = count or plain
  local words = count(n)
  local exact = words == plain(n)
  if n < 2 then
    return string.format("%s has %s respondent%s: no comparison is possible", label, words,
      (n == 1 and exact) and "" or "s")
  elseif n < min then
    return string.format("%s has %s%s respondents (fewer than %d): any difference is too uncertain to support a "
      .. "conclusion, and a non-significant result is not evidence of no difference", label, exact and "only " or "",
      words, min)
  end
  return nil
end

--- Exact two-sided binomial p-value of k successes in n with p = 0.5, as
-- R binom.test: the sum of the probabilities no larger than P(k)
-- (with R's relative tolerance 1 + 1e-7).
function M.binom_p(k, n, p)
  p = p or 0.5
  if n == 0 then return 1 end
  local logp = {}
  local lf = { [0] = 0 }
  for i = 1, n do lf[i] = lf[i - 1] + math.log(i) end
  for i = 0, n do
    logp[i] = lf[n] - lf[i] - lf[n - i] + i * math.log(p) + (n - i) * math.log(1 - p)
  end
  local d = math.exp(logp[k]) * (1 + 1e-7)
  local s = 0
  for i = 0, n do
    local pi = math.exp(logp[i])
    if pi <= d then s = s + pi end
  end
  return math.min(1, s)
end

--- Exact permutation test of a difference in means between two groups
-- (Fisher-Pitman; R coin::oneway_test(distribution = "exact"), which uses
-- the same shift algorithm): under the null every split of the pooled
-- values into groups of n1 and n2 is equally likely.  The number of splits
-- giving each group-1 sum is counted exactly by dynamic programming over
-- (group size, sum) on the values scaled to integers (up to 4 decimals);
-- the two-sided p-value is the share of splits whose sum is at least as
-- far from its mean as the observed one (relative tolerance 1e-7, as R's
-- tests use for ties).  Returns nil and a reason when the values are not on
-- a grid of 4 decimals or the table would be too large.
-- @treturn number|nil p_value  @treturn string|nil why not
function M.permutation(x, y)
  local n1, n = #x, #x + #y
  if n1 == 0 or #y == 0 then return nil, "a group is empty" end
  local all = {}
  for _, v in ipairs(x) do all[#all + 1] = v end
  for _, v in ipairs(y) do all[#all + 1] = v end
  local scale
  for d = 0, 4 do
    local ok = true
    for _, v in ipairs(all) do
      local w = v * 10 ^ d
      if math.abs(w - math.floor(w + 0.5)) > 1e-6 then ok = false; break end
    end
    if ok then scale = 10 ^ d; break end
  end
  if not scale then return nil, "values not on a grid of 4 decimals" end
  local lo = math.huge
  local iv = {}
  for i, v in ipairs(all) do iv[i] = math.floor(v * scale + 0.5); lo = math.min(lo, iv[i]) end
  local range = 0
  for i = 1, n do iv[i] = iv[i] - lo; range = range + iv[i] end   -- shift to >= 0: same splits
  local maxs = 0
  do
    local sorted = {}
    for i = 1, n do sorted[i] = iv[i] end
    table.sort(sorted, function(a, b) return a > b end)
    for i = 1, n1 do maxs = maxs + sorted[i] end
  end
  if (n1 + 1) * (maxs + 1) > 4e6 then return nil, "too many distinct sums for the exact count" end
  -- count[k][s]: splits of the values seen so far with k in group 1 summing to s
  local count = {}
  for k = 0, n1 do count[k] = {} end
  count[0][0] = 1
  for i = 1, n do
    local v = iv[i]
    for k = math.min(i, n1), 1, -1 do
      local from, to = count[k - 1], count[k]
      for s, c in pairs(from) do
        local t = s + v
        if t <= maxs then to[t] = (to[t] or 0) + c end
      end
    end
  end
  local obs = 0
  for i = 1, n1 do obs = obs + iv[i] end
  local total, mean = 0, 0
  for s, c in pairs(count[n1]) do total = total + c; mean = mean + s * c end
  mean = mean / total
  local d = math.abs(obs - mean) * (1 - 1e-7)
  local extreme = 0
  local sums = {}
  for s in pairs(count[n1]) do sums[#sums + 1] = s end
  table.sort(sums)   -- a fixed order of addition: the same bytes every run
  for _, s in ipairs(sums) do
    if math.abs(s - mean) >= d then extreme = extreme + count[n1][s] end
  end
  return math.min(1, extreme / total)
end

--- Two independent groups of scores.
-- @treturn table n {nx, ny}, mean {x, y}, diff, welch (Htest or nil),
--   mann_whitney (Htest or nil), warnings
function M.scores(x, y, labels, count)
  labels = labels or { "first group", "second group" }
  local r = { n = { #x, #y }, warnings = {} }
  for i, g in ipairs({ x, y }) do
    local w = M.size_warning(labels[i], #g, nil, count)
    if w then r.warnings[#r.warnings + 1] = w end
  end
  local function mean(v) local s = 0; for _, a in ipairs(v) do s = s + a end; return #v > 0 and s / #v or nil end
  r.mean = { mean(x), mean(y) }
  if r.mean[1] and r.mean[2] then r.diff = r.mean[1] - r.mean[2] end
  if #x >= 2 and #y >= 2 then
    local ok, t = pcall(stats.t_test, x, y)
    if ok then r.welch = t else r.warnings[#r.warnings + 1] = "Welch t-test not possible: " .. tostring(t) end
  end
  if #x >= 1 and #y >= 1 then
    local p, why = M.permutation(x, y)
    r.permutation = p and { p_value = p, method = "Exact permutation test of the difference in means (Fisher-Pitman)" } or nil
    if not p then r.warnings[#r.warnings + 1] = "no exact permutation test: " .. why end
    local ok, w = pcall(stats.wilcox_test, x, y)
    if ok then
      r.mann_whitney = w
      if not w.exact then
        r.warnings[#r.warnings + 1] = "Mann-Whitney p-value from the normal approximation (the scores have ties), as R wilcox.test gives it"
      end
    end
  end
  return r
end

--- Paired scores (a panel): paired t, Wilcoxon signed rank and sign test.
function M.paired(before, after, label, count)
  local r = { n = #before, warnings = {} }
  local w = M.size_warning(label or "the panel", #before, nil, count)
  if w then r.warnings[#r.warnings + 1] = w end
  local up, down = 0, 0
  for i = 1, #before do
    if after[i] > before[i] then up = up + 1 elseif after[i] < before[i] then down = down + 1 end
  end
  r.sign = { higher = up, lower = down, p_value = M.binom_p(up, up + down), method = "Exact sign test (binomial, p = 0.5)" }
  if #before >= 2 then
    local ok, t = pcall(stats.t_test, after, before, { paired = true })
    if ok then r.t = t else r.warnings[#r.warnings + 1] = "paired t-test not possible: " .. tostring(t) end
    local ok2, wt = pcall(stats.wilcox_test, after, before, { paired = true })
    if ok2 then
      r.wilcoxon = wt
      for _, m in ipairs(wt.warnings or {}) do r.warnings[#r.warnings + 1] = "Wilcoxon signed rank: " .. m .. " (normal approximation used)" end
    end
  end
  return r
end

--- Counts in an r x c table (rows = groups): Fisher's exact test and the
-- chi-square test, with a warning when expected counts are below 5.
function M.counts(tab, labels, count)
  local r = { warnings = {} }
  local total = 0
  for _, row in ipairs(tab) do for _, c in ipairs(row) do total = total + c end end
  r.total = total
  local okc, chi = pcall(stats.chisq_test, tab)
  if okc then
    r.chisq = chi
    local small = 0
    for _, row in ipairs(chi.expected or {}) do for _, e in ipairs(row) do if e < 5 then small = small + 1 end end end
    if small > 0 then
      r.warnings[#r.warnings + 1] = string.format("%d expected count(s) below 5: the chi-square p-value is unreliable; "
        .. "use Fisher's exact test", small)
    end
  else
    r.warnings[#r.warnings + 1] = "chi-square not possible: " .. tostring(chi)
  end
  local okf, f = pcall(stats.fisher_test, tab)
  if okf then r.fisher = f else r.warnings[#r.warnings + 1] = "Fisher's exact test not possible: " .. tostring(f) end
  for i, row in ipairs(tab) do
    local n = 0
    for _, c in ipairs(row) do n = n + c end
    local w = M.size_warning((labels and labels[i]) or ("group " .. i), n, nil, count)
    if w then r.warnings[#r.warnings + 1] = w end
  end
  return r
end

--- Two proportions x1/n1 and x2/n2 from independent samples.
function M.proportions(x1, n1, x2, n2, labels)
  local r = M.counts({ { x1, n1 - x1 }, { x2, n2 - x2 } }, labels)
  r.p1, r.p2 = x1 / n1, x2 / n2
  r.diff = r.p2 - r.p1
  local ok, pt = pcall(stats.prop_test, { x2, x1 }, { n2, n1 })
  if ok then r.prop = pt end
  return r
end

--- McNemar's exact test on a paired yes/no answer: b = yes then no,
-- c = no then yes; the p-value is binom.test(c, b + c) (exact, as R
-- exact2x2::mcnemar.exact).
function M.mcnemar_exact(b, c)
  return { b = b, c = c, p_value = M.binom_p(c, b + c), method = "McNemar's exact test (binomial on discordant pairs)" }
end

--- Cell for a count in output built from records about people: counts
-- below `threshold` are shown as "<threshold" unless the recipe states why
-- they may be shown (`reason`).
function M.suppress(count, threshold, reason)
  if reason or type(count) ~= "number" or count == 0 or count >= threshold then return count end
  return "<" .. threshold
end

return M
