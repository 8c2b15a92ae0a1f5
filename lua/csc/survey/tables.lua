--- Survey steps over aggregate tables and panels: change between waves,
-- response rates, answer distributions (typed or counted from a score
-- step), categorical distributions by group, proportions, and arithmetic
-- on printed figures.  Dispatched from csc.survey.steps; fields in
-- docs/surveys.md.
-- @module csc.survey.tables
local compare = require("csc.survey.compare")
local describe = require("csc.survey.describe")
local util = require("csc.util")
local NA = require("host.frame").NA
local H = require("csc.survey.stephelp")
local key, fail, source_of, result_of, show_count, item_ids = H.key, H.fail, H.source_of, H.result_of, H.show_count, H.item_ids

local M = {}

-- ===== change =====

local function run_change(ctx, state, a)
  local pairs_ = {}
  if a.rows then
    for i, r in ipairs(a.rows) do pairs_[i] = { id = tostring(r.id), before = r.before, after = r.after, status = r.status } end
  elseif a.input then
    local f = ctx.data[a.input]
    local ids, b, af = f:column(a.id), f:column(a.before), f:column(a.after)
    for i = 1, #ids do
      if b[i] ~= NA and af[i] ~= NA then pairs_[#pairs_ + 1] = { id = tostring(ids[i]), before = b[i], after = af[i] } end
    end
  else
    fail(state, nil, "give rows = {{id =, before =, after =}, ...} or input with id, before and after columns")
  end
  local c = describe.change(pairs_)
  local base = key(a.name)
  local rows = {}
  local sorted = util.copy(c.rows)
  for i, r in ipairs(sorted) do r.status = pairs_[i].status end
  table.sort(sorted, function(x, y) if x.change ~= y.change then return x.change < y.change end return false end)
  for i, r in ipairs(c.rows) do
    ctx:estimate({ label = base .. "." .. key(r.id) .. ".change", value = r.change, group = a.name, detail = true })
  end
  for _, r in ipairs(sorted) do rows[#rows + 1] = { r.id, r.status or "", r.before, r.after, r.direction, r.change } end
  ctx:table(a.name, { columns = { "unit", "status", "before", "after", "direction", "change" }, rows = rows },
    { caption = (a.caption or "Change from baseline to follow-up, smallest change first") .. source_of(a), digits = 0 })
  local function est(lbl, v, extra)
    if v == nil then return end
    local e = { label = base .. "." .. lbl, value = v, group = a.name }
    for k, x in pairs(extra or {}) do e[k] = x end
    ctx:estimate(e)
  end
  est("n", c.n); est("higher", c.higher); est("same", c.same); est("lower", c.lower)
  est("mean_before", c.before.mean, { n = c.n }); est("mean_after", c.after.mean, { n = c.n })
  est("mean_change", c.diff.mean, { n = c.n, ci = c.diff.ci }); est("sd_change", c.diff.sd); est("median_change", c.median_change)
  local t = compare.paired(c.befores, c.afters, "the panel", function(n) return ctx:count(n) end)
  est("sign_test", t.sign.higher, { p = t.sign.p_value, method = t.sign.method, unit = "units higher at follow-up" })
  if t.t then est("paired_t", t.t.statistic, { p = t.t.p_value, df = t.t.parameter.df, method = t.t.method }) end
  if t.wilcoxon then est("wilcoxon", t.wilcoxon.statistic, { p = t.wilcoxon.p_value, method = t.wilcoxon.method }) end
  for _, w in ipairs(t.warnings) do ctx:warn(a.name .. ": " .. w .. ".") end
  if c.n >= 3 then
    local ok, ct = pcall(require("csc.stats").cor_test, c.befores, c.diffs)
    if ok then
      est("baseline_change_correlation", ct.estimate.cor, { p = ct.p_value, n = c.n, method = ct.method })
      if ct.estimate.cor < 0 then
        ctx:warn(string.format("%s: units that started lower gained more (r = %.2f), which regression to the mean "
          .. "alone can produce when units are measured twice with error.", a.name, ct.estimate.cor))
      end
    end
  end
  return { kind = "change", change = c }
end

-- ===== response_rates =====

local function num(v) return type(v) == "number" and v or nil end

local function run_response_rates(ctx, state, a)
  local rows = {}
  for i, r in ipairs(a.rows) do rows[i] = { label = r.label, returned = num(r.returned), sent = num(r.sent) } end
  local rr = describe.response_rates(rows)
  local base = key(a.name)
  local out = {}
  for _, r in ipairs(rr.rows) do
    if r.rate then ctx:estimate({ label = base .. "." .. key(r.label) .. ".rate", value = r.rate, unit = "%", n = r.sent, group = a.name, detail = true }) end
    out[#out + 1] = { r.label, r.returned or "?", r.sent or "?", r.rate or NA }
  end
  ctx:estimate({ label = base .. ".total_returned", value = rr.total_returned, unit = "returns (all units with a known count)", group = a.name })
  if rr.pooled.rate then
    ctx:estimate({ label = base .. ".pooled_rate", value = rr.pooled.rate, unit = "%", n = rr.pooled.sent, group = a.name,
      method = string.format("pooled over the %d units with both counts: %d / %d", rr.pooled.units, rr.pooled.returned, rr.pooled.sent) })
    ctx:estimate({ label = base .. ".mean_rate", value = rr.mean_rate, unit = "% (unweighted mean of unit rates)", group = a.name, detail = true })
    ctx:estimate({ label = base .. ".min_rate", value = rr.range[1], unit = "%", group = a.name, detail = true })
    ctx:estimate({ label = base .. ".max_rate", value = rr.range[2], unit = "%", group = a.name, detail = true })
    ctx:estimate({ label = base .. ".units_with_rate", value = rr.pooled.units, group = a.name, detail = true })
  end
  out[#out + 1] = { "Pooled (units with both counts)", rr.pooled.returned, rr.pooled.sent, rr.pooled.rate or NA }
  ctx:table(a.name, { columns = { "unit", "returned", a.denominator or "sent", "rate_pct" }, rows = out },
    { caption = (a.caption or "Response rates") .. source_of(a), digits = 1 })
  return { kind = "response_rates", rates = rr }
end

-- ===== distribution =====

local function run_distribution(ctx, state, a)
  local base = key(a.name)
  local from_data = false
  if a.from then
    -- counts of each option of the items, from the scored answers
    local r = result_of(state, a, "score")
    local ids = a.items or item_ids(r.inst, a)
    local first = r.inst.item_index[ids[1]]
    if not first or not first.set.options then fail(state, "items", "items must have scored response options") end
    local scores, labels = {}, {}
    for j, o in ipairs(first.set.options) do scores[j] = o.score; labels[j] = o.label end
    local order = {}
    for j = 1, #scores do order[j] = j end
    table.sort(order, function(p, q) return scores[p] < scores[q] end)
    local ss, ll = {}, {}
    for j, o in ipairs(order) do ss[j] = scores[o]; ll[j] = labels[o] end
    local rows = {}
    for _, id in ipairs(ids) do
      local it = r.inst.item_index[id]
      if not it or it.set ~= first.set then fail(state, "items", "item " .. tostring(id) .. " is not on the same response options as " .. ids[1]) end
      local vals = {}
      for i, row in ipairs(r.rows) do vals[i] = row[id] end
      -- reverse-scored answers count under the option the respondent chose
      if it.reverse then for i, v in pairs(vals) do vals[i] = it.set.min + it.set.max - v end end
      local d = describe.distribution(vals, ss, nil, #r.rows)
      local counts = {}
      for j, sc in ipairs(ss) do counts[j] = d.counts[sc] or 0 end
      rows[#rows + 1] = { label = it.short or it.id, counts = counts }
    end
    a = setmetatable({ scores = ss, labels = a.labels or ll, rows = rows }, { __index = a })
    from_data = r.synthetic and "synthetic" or "data"
  elseif not (a.scores and a.rows) then
    fail(state, nil, "give scores and rows (typed counts), or from (a score step)")
  end
  local cols = { "item", "n" }
  for j, s in ipairs(a.scores) do cols[#cols + 1] = (a.labels and a.labels[j] or util.fmt_number(s)) .. " (%)" end
  cols[#cols + 1] = "mean"
  if a.top_box then cols[#cols + 1] = "top_" .. a.top_box .. "_pct" end
  local rows = {}
  for i, r in ipairs(a.rows) do
    if #r.counts ~= #a.scores then fail(state, string.format("rows[%d].counts", i), string.format("has %d counts for %d scores", #r.counts, #a.scores)) end
    local n, s = 0, 0
    for j, c in ipairs(r.counts) do n = n + c; s = s + c * a.scores[j] end
    local row = { r.label, n }
    local rk = base .. "." .. key(r.label)
    ctx:estimate({ label = rk .. ".n", value = n, group = a.name, detail = true })
    for j, c in ipairs(r.counts) do
      local pct = n > 0 and 100 * c / n or nil
      if from_data and c > 0 and c < (state.small_counts.threshold or 5) and not state.small_counts.show then
        pct = nil   -- a share of a small count would reveal it
      end
      row[#row + 1] = pct or NA
      if pct then ctx:estimate({ label = rk .. "." .. key(util.fmt_number(a.scores[j])) .. ".percent", value = pct, n = n, unit = "%", group = a.name, detail = true }) end
    end
    row[#row + 1] = n > 0 and s / n or NA
    if n > 0 then ctx:estimate({ label = rk .. ".mean", value = s / n, n = n, group = a.name, detail = true }) end
    if a.top_box then
      local c = 0
      for j = #a.scores - a.top_box + 1, #a.scores do c = c + r.counts[j] end
      row[#row + 1] = n > 0 and 100 * c / n or NA
      if n > 0 then ctx:estimate({ label = rk .. ".top_share", value = 100 * c / n, n = n, unit = "%", group = a.name, detail = true }) end
    end
    rows[#rows + 1] = row
  end
  ctx:table(a.name, { columns = cols, rows = rows }, { caption = (a.caption or "Distribution of answers") .. source_of(a), digits = a.digits or 1 })
  -- diverging stacked bars: the lower half of the scale to the left of 0, the upper to the right
  local syn = from_data == "synthetic" and " (synthetic data)" or ""
  local hidden = false
  if from_data and not state.small_counts.show then
    for _, r in ipairs(a.rows) do
      for _, c in ipairs(r.counts) do if c > 0 and c < (state.small_counts.threshold or 5) then hidden = true end end
    end
  end
  if hidden then
    ctx:note(string.format("%s: shares resting on fewer than %d answers are not shown, and the chart is left out, "
      .. "because the answers are records about people (set design.small_counts.show to say why they may be shown).",
      a.name, state.small_counts.threshold or 5))
    return { kind = "distribution" }
  end
  ctx:chart({ name = a.name, table = a.name, title = (a.caption or "Distribution of answers") .. syn,
    desc = "Diverging stacked bars: for each item, the share of answers below the middle of the scale extends left of "
      .. "zero and the share above it extends right; the middle answer is split evenly. The percentages are in the table above.",
    kind = "diverging", scores = a.scores, labels = a.labels, rows = a.rows })
  return { kind = "distribution" }
end

-- ===== crosstab =====

local function run_crosstab(ctx, state, a)
  local base = key(a.name)
  local ncat, ng = #a.categories, #a.groups
  if #a.counts ~= ncat then fail(state, "counts", string.format("has %d rows for %d categories", #a.counts, ncat)) end
  local totals = {}
  for g = 1, ng do totals[g] = 0 end
  for i, row in ipairs(a.counts) do
    if #row ~= ng then fail(state, string.format("counts[%d]", i), string.format("has %d counts for %d groups", #row, ng)) end
    for g = 1, ng do totals[g] = totals[g] + row[g] end
  end
  local rows = {}
  local function add(label, cnts)
    local row = { label }
    for g = 1, ng do
      local pct = totals[g] > 0 and 100 * cnts[g] / totals[g] or nil
      row[#row + 1] = show_count(state, cnts[g]); row[#row + 1] = pct or NA
      if pct then ctx:estimate({ label = base .. "." .. key(a.groups[g]) .. "." .. key(label) .. ".percent", value = pct, n = totals[g], unit = "%", group = a.name, detail = true }) end
    end
    rows[#rows + 1] = row
  end
  for i, c in ipairs(a.categories) do add(c, a.counts[i]) end
  for _, cb in ipairs(a.combine or {}) do
    local sum = {}
    for g = 1, ng do sum[g] = 0 end
    for _, cname in ipairs(cb.categories) do
      local idx
      for i, c in ipairs(a.categories) do if c == cname then idx = i end end
      if not idx then fail(state, "combine", "no category " .. cname) end
      for g = 1, ng do sum[g] = sum[g] + a.counts[idx][g] end
    end
    add(cb.label, sum)
  end
  local trow = { "Total" }
  for g = 1, ng do trow[#trow + 1] = totals[g]; trow[#trow + 1] = 100; ctx:estimate({ label = base .. "." .. key(a.groups[g]) .. ".total", value = totals[g], group = a.name, detail = true }) end
  rows[#rows + 1] = trow
  local cols = { "category" }
  for _, gname in ipairs(a.groups) do cols[#cols + 1] = gname .. " n"; cols[#cols + 1] = gname .. " %" end
  ctx:table(a.name, { columns = cols, rows = rows }, { caption = (a.caption or "Distribution by group") .. source_of(a), digits = 1 })
  -- test: the categories' distribution differs between groups
  local tab = {}
  for g = 1, ng do tab[g] = {}; for i = 1, ncat do tab[g][i] = a.counts[i][g] end end
  local r = compare.counts(tab, a.groups, function(n) return ctx:count(n) end)
  if r.fisher then ctx:estimate({ label = base .. ".fisher_p", value = r.fisher.p_value, p = r.fisher.p_value, method = r.fisher.method, group = a.name }) end
  if r.chisq then ctx:estimate({ label = base .. ".chisq", value = r.chisq.statistic, p = r.chisq.p_value, df = r.chisq.parameter.df, method = r.chisq.method, group = a.name }) end
  for _, w in ipairs(r.warnings) do ctx:warn(a.name .. ": " .. w .. ".") end
  return { kind = "crosstab" }
end

-- ===== proportions =====

local function side(state, s, field)
  local x = s.x
  if type(x) == "table" then local t = 0; for _, v in ipairs(x) do t = t + v end; x = t end
  local implied = false
  if x == nil and s.pct then x = math.floor(s.pct * s.n / 100 + 0.5); implied = true end
  if type(x) ~= "number" then fail(state, field, "give x (a count or counts to add) or pct with n") end
  if x > s.n then fail(state, field, string.format("x = %s is more than n = %s", util.fmt_number(x), util.fmt_number(s.n))) end
  return x, implied
end

local function run_proportions(ctx, state, a)
  local rows = {}
  for i, c in ipairs(a.comparisons) do
    local f = string.format("comparisons[%d]", i)
    local xa, ia = side(state, c.a, f .. ".a")
    local xb, ib = side(state, c.b, f .. ".b")
    local la, lb = c.a.label or "first", c.b.label or "second"
    local r = compare.proportions(xa, c.a.n, xb, c.b.n, { la, lb })
    local base = key(a.name) .. "." .. key(c.label)
    ctx:estimate({ label = base .. ".a_pct", value = 100 * r.p1, n = c.a.n, unit = "%", group = a.name, detail = true })
    ctx:estimate({ label = base .. ".b_pct", value = 100 * r.p2, n = c.b.n, unit = "%", group = a.name, detail = true })
    ctx:estimate({ label = base .. ".difference", value = 100 * r.diff, unit = "percentage points (second minus first)",
      ci = r.prop and { 100 * r.prop.conf_int[1], 100 * r.prop.conf_int[2] } or nil, group = a.name, detail = true })
    if r.fisher then ctx:estimate({ label = base .. ".fisher_p", value = r.fisher.p_value, p = r.fisher.p_value, method = r.fisher.method, group = a.name, detail = true }) end
    if r.fisher then ctx:estimate({ label = base .. ".significant", value = r.fisher.p_value < (1 - state.conf_level) and 1 or 0,
      unit = "1 = Fisher's exact p below " .. util.fmt_number(1 - state.conf_level), group = a.name, detail = true }) end
    if r.chisq then ctx:estimate({ label = base .. ".chisq_p", value = r.chisq.p_value, p = r.chisq.p_value, method = r.chisq.method, group = a.name, detail = true }) end
    local mc
    if c.paired then
      mc = compare.mcnemar_exact(c.paired.b, c.paired.c)
      ctx:estimate({ label = base .. ".mcnemar_p", value = mc.p_value, p = mc.p_value, method = mc.method, group = a.name, detail = true })
    end
    rows[#rows + 1] = { c.label, la, xa .. (ia and "*" or ""), c.a.n, 100 * r.p1, lb, xb .. (ib and "*" or ""), c.b.n, 100 * r.p2,
      100 * r.diff, r.prop and 100 * r.prop.conf_int[1] or NA, r.prop and 100 * r.prop.conf_int[2] or NA,
      r.fisher and r.fisher.p_value or NA, r.chisq and r.chisq.p_value or NA, mc and mc.p_value or NA }
    for _, w in ipairs(r.warnings) do ctx:warn(c.label .. ": " .. w .. ".") end
    if ia or ib then
      ctx:note(string.format("%s: counts marked * are implied by the printed percentage and base (pct × n / 100, rounded).", c.label))
    end
  end
  ctx:table(a.name, { columns = { "measure", "first", "x_1", "n_1", "pct_1", "second", "x_2", "n_2", "pct_2",
    "difference_pp", "ci_low", "ci_high", "fisher_p", "chisq_p", "mcnemar_p" }, rows = rows },
    { caption = (a.caption or "Proportions compared (Fisher's exact test; chi-square with Yates' correction; 95% interval of the difference)") .. source_of(a), digits = 3 })
  return { kind = "proportions" }
end

-- ===== figures =====

local OPS = {
  sum = function(x) local s = 0; for _, v in ipairs(x) do s = s + v end; return s end,
  difference = function(x) return x[2] - x[1] end,
  pct_change = function(x) return describe.pct_change(x[1], x[2]) end,
  percent = function(x) return describe.rate(x[1], x[2]) end,
  ratio = function(x) return x[2] ~= 0 and x[1] / x[2] or nil end,
  union = function(x) return x[1] + x[2] - x[3] end,   -- |A or B| = |A| + |B| - |A and B|
}
local OP_WORDS = { sum = "sum of %s", difference = "%s: second minus first", pct_change = "(b - a) / a × 100 of %s",
  percent = "a / b × 100 of %s", ratio = "a / b of %s", union = "a + b - both of %s" }

local function run_figures(ctx, state, a)
  local rows = {}
  for i, fg in ipairs(a.figures) do
    local v = OPS[fg.op](fg.args)
    local parts = {}
    for _, x in ipairs(fg.args) do parts[#parts + 1] = util.fmt_number(x) end
    local how = string.format(OP_WORDS[fg.op], table.concat(parts, ", "))
    if v == nil then fail(state, string.format("figures[%d]", i), "division by zero") end
    ctx:estimate({ label = key(a.name) .. "." .. key(fg.label), value = v, method = how, group = a.name, detail = true })
    rows[#rows + 1] = { fg.label, how, v, fg.note or "" }
  end
  ctx:table(a.name, { columns = { "figure", "computed as", "value", "note" }, rows = rows },
    { caption = (a.caption or "Arithmetic on the report's printed figures") .. source_of(a), digits = 2 })
  return { kind = "figures" }
end

M.run = { change = run_change, response_rates = run_response_rates, distribution = run_distribution,
  crosstab = run_crosstab, proportions = run_proportions, figures = run_figures }

return M
