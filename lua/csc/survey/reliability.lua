--- Internal consistency of a scale: Cronbach's alpha (raw, as psych::alpha's
-- raw_alpha: k/(k-1) (1 - sum of item variances / variance of the total)),
-- the standardised alpha, alpha with each item dropped, and Feldt's F
-- interval (psych::alpha.ci).  Complete cases only: a respondent missing any
-- item of the scale is left out, and the n used is reported.
-- @module csc.survey.reliability
local hsurvey = require("host.survey")
local stats = require("csc.stats")

local M = {}

local function matrix(rows, ids)
  local m, dropped = {}, 0
  for _, r in ipairs(rows) do
    local row, ok = {}, true
    for j, id in ipairs(ids) do
      local v = r[id]
      if v == nil then ok = false; break end
      row[j] = v
    end
    if ok then m[#m + 1] = row else dropped = dropped + 1 end
  end
  return m, dropped
end

local function constant_items(m, ids)
  local out = {}
  for j, id in ipairs(ids) do
    local first, same = m[1] and m[1][j], true
    for i = 2, #m do if m[i][j] ~= first then same = false; break end end
    if same then out[#out + 1] = id end
  end
  return out
end

--- Alpha of the items `ids` over respondents `rows` (item_id -> score).
-- @tparam table rows
-- @tparam {string,...} ids item ids
-- @tparam[opt] number conf_level (0.95)
-- @treturn table raw_alpha, std_alpha, average_r, n, k, dropped, ci {lo, hi},
--   item_dropped {id -> alpha}, or {error = "..."} when alpha is undefined
function M.alpha(rows, ids, conf_level)
  local m, dropped = matrix(rows, ids)
  local res = { n = #m, k = #ids, dropped = dropped }
  if #ids < 2 then res.error = "a scale needs at least two items for alpha"; return res end
  if #m < 3 then res.error = string.format("only %d complete respondent(s); alpha needs at least 3", #m); return res end
  local const = constant_items(m, ids)
  if #const > 0 then
    res.error = "no variance in item(s) " .. table.concat(const, ", ") .. ", so alpha is undefined"
    return res
  end
  local a = stats.cronbach_alpha(m)
  res.raw_alpha, res.std_alpha, res.average_r = a.raw_alpha, a.std_alpha, a.average_r
  if a.raw_alpha < 1 then
    local lo, hi = hsurvey.alpha_feldt(a.raw_alpha, #m, #ids, conf_level or 0.95)
    res.ci = { lo, hi }
  end
  res.item_dropped = {}
  if #ids > 2 then
    for j, id in ipairs(ids) do
      local sub = {}
      for i, row in ipairs(m) do
        local r = {}
        for jj = 1, #ids do if jj ~= j then r[#r + 1] = row[jj] end end
        sub[i] = r
      end
      local ok, d = pcall(stats.cronbach_alpha, sub)
      res.item_dropped[id] = ok and d.raw_alpha or nil
    end
  end
  return res
end

--- Feldt interval on its own (for an alpha the report prints, say).
function M.feldt(alpha, n, k, conf_level)
  return hsurvey.alpha_feldt(alpha, n, k, conf_level or 0.95)
end

return M
