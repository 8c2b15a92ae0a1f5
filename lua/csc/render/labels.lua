--- Plain words for readers: the labels of estimates, columns and model
-- terms shown in report.html, report.md and the index.  Code names
-- (referrals.level_change, std_error, _x2018m4) stay in results.json and
-- the CSV files, and appear in the HTML only as small print or on hover.
--
-- Where a label comes from, first match wins:
--   1. the estimate's own `title` (ctx:estimate{label = key, title = "..."});
--   2. the recipe's `labels` map (labels = {["referrals"] = "Referrals per
--      month", ["referrals.level_change"] = "..."}); a key's leading parts
--      are looked up too, so one entry names every estimate of an outcome;
--   3. the label of the published figure compared with it;
--   4. words made from the key with the design vocabulary below
--      (level_change -> "change in level", ci_low -> "95% CI, lower bound").
-- @module csc.render.labels
local M = {}

--- Design vocabulary: the key parts the designs and recipes use.
M.TERMS = {
  level_change = "change in level", slope_change = "change in slope",
  pre_slope = "slope before", post_slope = "slope after",
  pre_level_difference = "difference in level before", pre_trend_difference = "difference in trend before",
  impact = "impact", impact_ci_low = "impact, 95% CI lower bound", impact_ci_high = "impact, 95% CI upper bound",
  impact_p = "impact, p-value", impact_z = "impact, z", impact_se = "impact, SE", impact_t = "impact, t",
  impact_logit_pp = "impact, logit run (percentage points)",
  placebo_rank = "rank among placebo runs", placebo_p = "placebo p-value",
  did_2x2 = "difference in differences (2 × 2)", did_twfe = "difference in differences (two-way fixed effects)",
  fitted_pre_mean = "mean of the fitted line before", fitted_first_post = "fitted value, first month after",
  fitted_end = "fitted value, last month", residual_sd_pre = "spread around the line before (SD)",
  residual_sd_post = "spread around the line after (SD)",
  selection_matches_report = "comparison set matches the report's",
  treated_departure_2019 = "treated authority's departure from its trend, 2019",
  comparators_departure_2019 = "comparators' departure from their trend, 2019",
  peak_year = "peak year", peak_value = "peak value", authority = "authority",
  difference = "difference", significant = "statistically significant", offset_days = "offset (days)",
  trend_ratio = "trend ratio", ate = "average treatment effect", att = "average effect on the treated",
}

--- Column names the designs write, in words.
M.COLUMNS = {
  std_error = "SE", se = "SE", p_value = "p", p = "p", conf_low = "95% CI low", conf_high = "95% CI high",
  effect_low = "effect: 95% CI low", effect_high = "effect: 95% CI high",
  impact_low = "impact: 95% CI low", impact_high = "impact: 95% CI high", impact_se = "impact SE",
  impact_t = "impact t", impact_p = "impact p", level_diff = "level difference", trend_diff = "trend difference",
  level_p = "level p", trend_p = "trend p", in_model = "in model", band_95 = "95% band",
  acf = "autocorrelation (ACF)", pacf = "partial autocorrelation (PACF)", neighbours_n = "neighbours (n)",
  neighbours_mean = "neighbours: mean", neighbours_min = "neighbours: lowest", neighbours_max = "neighbours: highest",
  pre_periods = "periods before", df = "df", t = "t", k = "k", n = "n",
}

local ABBREV = { pct = "%", ci = "CI", se = "SE", sd = "SD", smd = "SMD", pp = "percentage points",
  diff = "difference", n = "number", nfa = "NFA", eet = "EET", did = "DiD", twfe = "two-way FE",
  la = "LA", ny = "North Yorkshire", its = "ITS", cits = "comparative ITS" }

--- A key part in words: "nfa_pct" -> "NFA %", "peak_year" -> "peak year".
function M.words(part)
  part = tostring(part)
  if M.TERMS[part] then return M.TERMS[part] end
  local out = {}
  for w in part:gmatch("[^_]+") do out[#out + 1] = ABBREV[w:lower()] or w end
  return table.concat(out, " ")
end

local function cap(s) return (s:gsub("^%l", string.upper)) end

--- An estimate key in words: "referrals.level_change" -> "Referrals: change in level".
-- opts: labels (the recipe's map), published (list of {estimate, label, field}).
function M.estimate(key, opts)
  opts = opts or {}
  local map = opts.labels or {}
  if map[key] then return map[key] end
  for _, p in ipairs(opts.published or {}) do
    if p.estimate == key and (p.field == nil or p.field == "value") then
      return (M.strip_code(p.label))
    end
  end
  local parts = {}
  for p in tostring(key):gmatch("[^%.]+") do parts[#parts + 1] = p end
  if #parts == 0 then return tostring(key) end
  -- the longest leading part the recipe names
  for k = #parts - 1, 1, -1 do
    local prefix = table.concat(parts, ".", 1, k)
    if map[prefix] then
      local rest = {}
      for i = k + 1, #parts do rest[#rest + 1] = M.words(parts[i]) end
      return map[prefix] .. ": " .. table.concat(rest, ", ")
    end
  end
  local head = cap(M.words(parts[1]))
  if #parts == 1 then return head end
  local rest = {}
  for i = 2, #parts do rest[#rest + 1] = M.words(parts[i]) end
  return head .. ": " .. table.concat(rest, ", ")
end

--- A column name in words (labels: the table's or recipe's own map).
function M.column(name, labels)
  name = tostring(name)
  if labels and labels[name] then return labels[name] end
  if M.COLUMNS[name] then return M.COLUMNS[name] end
  if not name:find("_") then return name end
  return M.words(name)
end

local MONTHS = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }

--- A model term in words, for the regression terms of the ITS designs
-- (Linden's itsa names): _t time, _x<period> after the interruption,
-- _x_t<period> time since it, _z the treated series, _cons the constant.
-- Returns nil when the term is not one of these.
function M.term(term)
  term = tostring(term)
  local function period(p)
    local y, m = p:match("^(%d%d%d%d)m(%d%d?)$")
    if y then return (MONTHS[tonumber(m)] or m) .. " " .. y end
    return p
  end
  if term == "_cons" or term == "(Intercept)" then return "constant" end
  if term == "_t" then return "time (trend before)" end
  if term == "_z" then return "treated series (level difference)" end
  if term == "_z_t" then return "treated series: trend difference" end
  local zx, p = term:match("^(_z)_x(%w+)$")
  if zx and not p:match("^_t") then return "treated series: change in level from " .. period(p) end
  p = term:match("^_z_x_t(%w+)$")
  if p then return "treated series: change in slope from " .. period(p) end
  p = term:match("^_x_t(%w+)$")
  if p then return "change in slope from " .. period(p) end
  p = term:match("^_x(%w+)$")
  if p then return "change in level from " .. period(p) end
  return nil
end

--- Remove a code note such as "(1 = yes, 0 = no)" from a label; returns the
-- label and the codes {[1] = "yes", [0] = "no"} (nil when there are none).
function M.strip_code(label)
  local codes
  local stripped = tostring(label):gsub("%s*%(([^()]*[+-]?%d+%s*=%s*[^()]+)%)", function(inner)
    local found = {}
    for v, w in inner:gmatch("([+-]?%d+)%s*=%s*([%w%s]-)%s*[,;)]") do found[tonumber(v)] = w end
    local v, w = inner:match("([+-]?%d+)%s*=%s*([%w%s]-)%s*$")
    if v then found[tonumber(v)] = w end
    if next(found) then codes = found; return "" end
    return nil
  end)
  return stripped, codes
end

--- A coded value in words given codes from strip_code: 1 -> "yes"; a value
-- with no word of its own is "not <word>" when only one code is given.
function M.coded(v, codes)
  if not codes or type(v) ~= "number" then return nil end
  if codes[v] then return codes[v] end
  local only, n = nil, 0
  for _, w in pairs(codes) do only = w; n = n + 1 end
  if n == 1 then
    if only == "yes" then return "no" end
    return "not " .. only
  end
  if v == 0 then return "no" end
  return nil
end

--- A tolerance in words: 0 -> "exact", 0.5 * 10^-d -> "printed to d
-- decimals", 0.5 -> "printed as a whole number", else "± x".
function M.tolerance(tol, fmt)
  if tol == 0 then return "exact" end
  for d = 0, 10 do
    local half = 0.5 * 10 ^ -d
    if math.abs(tol - half) <= half * 1e-9 then
      if d == 0 then return "rounding to a whole number" end
      return string.format("rounding to %d decimal%s", d, d == 1 and "" or "s")
    end
  end
  return "± " .. (fmt and fmt(tol) or tostring(tol))
end

return M
