--- Descriptive summaries of survey answers: item and scale means with
-- t intervals (R t.test), distributions with percentages and top-box
-- shares, ranking with a stated tie rule, bands, response rates with their
-- denominators, and change between two waves.
-- @module csc.survey.describe
local stats = require("csc.stats")

local M = {}

--- Mean, sd, n and a t interval of the non-missing values (nil skipped).
-- @treturn table n, mean, sd, sum, ci {lo, hi} (n >= 2 and sd > 0), min, max
function M.mean(values, conf_level)
  local xs = {}
  -- values may have holes (nil = missing): walk the indices in order, so
  -- the sums (and the output bytes) do not depend on table iteration order
  local top = 0
  for k in pairs(values) do if math.type(k) == "integer" and k > top then top = k end end
  for i = 1, top do local v = values[i]; if type(v) == "number" then xs[#xs + 1] = v end end
  local n = #xs
  local r = { n = n }
  if n == 0 then return r end
  local s, lo, hi = 0, math.huge, -math.huge
  for _, v in ipairs(xs) do s = s + v; lo = math.min(lo, v); hi = math.max(hi, v) end
  r.sum, r.mean, r.min, r.max = s, s / n, lo, hi
  if n >= 2 then
    local ss = 0
    for _, v in ipairs(xs) do ss = ss + (v - r.mean) ^ 2 end
    r.sd = math.sqrt(ss / (n - 1))
    if r.sd > 0 then
      local t = stats.t_test(xs, { conf_level = conf_level or 0.95 })
      r.ci = { t.conf_int[1], t.conf_int[2] }
    end
  end
  return r
end

--- Counts and percentages of each score of a response set, over those who
-- answered, and the top-box share (the `top` highest options).
-- @tparam table values list (nil = missing)
-- @tparam {number,...} scores the possible scores, in order
-- @treturn table n, missing, counts {score -> n}, percent {score -> %}, top_share (%)
function M.distribution(values, scores, top, nrows)
  local counts, n = {}, 0
  for _, s in ipairs(scores) do counts[s] = 0 end
  for i = 1, nrows or #values do
    local v = values[i]
    if v ~= nil then counts[v] = (counts[v] or 0) + 1; n = n + 1 end
  end
  local pct = {}
  for s, c in pairs(counts) do pct[s] = n > 0 and 100 * c / n or nil end
  local r = { n = n, missing = (nrows or #values) - n, counts = counts, percent = pct }
  if top and n > 0 then
    local sorted = {}
    for _, s in ipairs(scores) do sorted[#sorted + 1] = s end
    table.sort(sorted, function(a, b) return a > b end)
    local c = 0
    for j = 1, math.min(top, #sorted) do c = c + counts[sorted[j]] end
    r.top_count, r.top_share = c, 100 * c / n
  end
  return r
end

--- Rank entries {id =, value =} from highest to lowest.
-- ties: "first" (consecutive ranks in the given order, as the New
-- Belongings tables number them), "min" (shared lowest rank, R
-- rank(ties.method = "min") on -value) or "average".
-- @treturn table the entries sorted, each with rank
function M.rank(entries, ties, decimals)
  ties = ties or "first"
  local e = {}
  for i, x in ipairs(entries) do
    local c = {}
    for k, v in pairs(x) do c[k] = v end
    c.order = i
    e[i] = c
  end
  local function key(v) return decimals and math.floor(v * 10 ^ decimals + 0.5) or v end
  table.sort(e, function(a, b)
    if key(a.value) ~= key(b.value) then return key(a.value) > key(b.value) end
    return a.order < b.order
  end)
  local i = 1
  while i <= #e do
    local j = i
    while j < #e and key(e[j + 1].value) == key(e[i].value) do j = j + 1 end
    for k = i, j do
      if ties == "first" then e[k].rank = k
      elseif ties == "min" then e[k].rank = i
      else e[k].rank = (i + j) / 2 end
      e[k].tied = j > i
    end
    i = j + 1
  end
  return e
end

--- Percentage with its denominator; nil when either count is unknown or
-- the denominator is 0.
function M.rate(num, den, per)
  if type(num) ~= "number" or type(den) ~= "number" or den == 0 then return nil end
  return num / den * (per or 100)
end

--- Response rates of several units and pooled over those with both counts.
-- @tparam table rows list of {label =, returned =, sent =} (nil = unknown)
-- @treturn table rows (with rate), pooled {returned, sent, rate, units},
--   total_returned (all known returns), range {lo, hi}, mean_rate (unweighted)
function M.response_rates(rows)
  local out, pr, ps, units, tot, lo, hi, sumr, nr = {}, 0, 0, 0, 0, math.huge, -math.huge, 0, 0
  for i, r in ipairs(rows) do
    local rate = M.rate(r.returned, r.sent)
    out[i] = { label = r.label, returned = r.returned, sent = r.sent, rate = rate }
    if type(r.returned) == "number" then tot = tot + r.returned end
    if rate then
      pr, ps, units = pr + r.returned, ps + r.sent, units + 1
      lo, hi, sumr, nr = math.min(lo, rate), math.max(hi, rate), sumr + rate, nr + 1
    end
  end
  return { rows = out, total_returned = tot,
    pooled = { returned = pr, sent = ps, rate = M.rate(pr, ps), units = units },
    range = nr > 0 and { lo, hi } or nil, mean_rate = nr > 0 and sumr / nr or nil }
end

--- Relative change from a to b in percent ((b - a) / a * 100).
function M.pct_change(a, b)
  if a == 0 then return nil end
  return (b - a) / a * 100
end

--- Change between paired scores: per unit (after - before) with direction,
-- and the summaries.  pairs = list of {id =, before =, after =}.
function M.change(pairs_)
  local rows, diffs, b, a = {}, {}, {}, {}
  for i, p in ipairs(pairs_) do
    local d = p.after - p.before
    rows[i] = { id = p.id, before = p.before, after = p.after, change = d,
      direction = d > 0 and "higher" or (d < 0 and "lower" or "same") }
    diffs[i], b[i], a[i] = d, p.before, p.after
  end
  local up, same, down = 0, 0, 0
  for _, r in ipairs(rows) do
    if r.change > 0 then up = up + 1 elseif r.change < 0 then down = down + 1 else same = same + 1 end
  end
  local sorted = {}
  for i, d in ipairs(diffs) do sorted[i] = d end
  table.sort(sorted)
  local n = #sorted
  local median = n > 0 and (n % 2 == 1 and sorted[(n + 1) // 2] or (sorted[n // 2] + sorted[n // 2 + 1]) / 2) or nil
  return { rows = rows, n = n, higher = up, same = same, lower = down,
    before = M.mean(b), after = M.mean(a), diff = M.mean(diffs), median_change = median,
    diffs = diffs, befores = b, afters = a }
end

return M
