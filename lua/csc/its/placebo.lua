--- Placebo-in-space for csc.its panels (`panel:placebo`, which
-- csc.its.panel delegates here): the comparative design rerun with each
-- eligible unit as if treated, ranking the treated unit's impact among
-- them.  Not a public module; recipes use csc.its.
-- @module csc.its.placebo
local util = require("csc.util")
local C = require("csc.its.core")
local P_ = require("csc.its.panel")

local M = {}
local fail, options, choice = C.fail, C.options, C.choice
local num_or_nil, check_segments = C.num_or_nil, C.check_segments
local comparator_positions, observed_times = P_.comparator_positions, P_.observed_times

local PLACEBO_LIST = util.copy(P_.CITS_LIST)
for _, f in ipairs({ "units", "comparators_rule", "statistic" }) do PLACEBO_LIST[#PLACEBO_LIST + 1] = f end
C.declare("placebo", PLACEBO_LIST)

-- ===== Placebo in space =====

--- Placebo-in-space: rerun the comparative design with each eligible unit
-- as if it were treated, and see where the real treated unit's impact
-- falls among them.
-- @tparam table spec the fields of `panel:cits` (treated, comparators,
--   interruption(s), ...), plus `units` (codes eligible as placebo-treated;
--   default every unit with data but the treated one), `comparators_rule`
--   ("rest": every other eligible unit, pooled or averaged as `combine`
--   says, the usual placebo-in-space; "same": the design's comparators,
--   less the placebo unit itself), `statistic` ("estimate": rank the
--   impacts, the default; "t": rank impact / SE, which discounts noisy units)
-- @treturn table rows ({code, name, estimate, std_error, statistic,
--   treated, rank, note}), rank (of the treated unit, 1 = most extreme),
--   n (units ranked), p_two (share of units at least as extreme, treated
--   included), p_one (the same in the direction of the treated impact)
function M.placebo(self, spec)
  options("placebo", spec)
  local tu = self:unit(spec.treated, "placebo", "treated")
  local rule = choice("placebo", "comparators_rule", spec.comparators_rule, { "rest", "same" }, "rest")
  local stat = choice("placebo", "statistic", spec.statistic, { "estimate", "t" }, "estimate")
  local same
  if rule == "same" then same = comparator_positions(self, "placebo", spec.comparators, tu) end
  local cfg = self:_prepare_cits(spec, "placebo")
  check_segments("placebo", cfg.brks, observed_times(self, cfg, tu))
  local p_at
  if spec.effect_at ~= nil then
    p_at = self:period(spec.effect_at)
    if not p_at then fail("placebo", "effect_at", "no period " .. tostring(spec.effect_at) .. " in the data") end
  else
    for p = #self.times, 1, -1 do if cfg.use[p] then p_at = p; break end end
  end
  local units = self:others(spec.units, tu, "placebo", "units")
  local function comps_for(u)
    local out = {}
    if rule == "same" then
      for _, c in ipairs(same) do if c ~= u then out[#out + 1] = c end end
    else
      for _, c in ipairs(units) do if c ~= u then out[#out + 1] = c end end
    end
    return out
  end
  local rows = {}
  local function run(u, comps, is_treated)
    local k = self.units[u]
    local row = { code = k, name = self.names[k], treated = is_treated }
    if #comps == 0 then
      row.note = "no comparators left"
    else
      local ok, r = pcall(self._fit_host, self, cfg, u, comps, { lines = false, at = p_at, detail = false })
      local gaps = self:missing_words(self:missing(u, cfg.use))
      if not ok then
        -- A unit with gaps in its series usually fails for that reason
        -- (no post-period rows, say, so a term is collinear): say so.
        local msg = (util.plain_error(r):gsub("^its fit: ", ""))
        row.note = gaps and string.format("missing data (%s): the model cannot be estimated", gaps) or msg
      else
        if gaps then row.note = string.format("estimated without the missing periods (%s)", gaps) end
        local a = cfg.logit and { est = r.at.impact_orig, se = r.at.impact_orig_se }
          or { est = r.at.impact, se = r.at.impact_se }
        row.estimate, row.std_error = num_or_nil(a.est), num_or_nil(a.se)
        if row.estimate and row.std_error and row.std_error > 0 then
          row.statistic = stat == "t" and row.estimate / row.std_error or row.estimate
        else
          row.note = "no estimate"
        end
      end
    end
    rows[#rows + 1] = row
    return row
  end
  local trow = run(tu, rule == "same" and same or comps_for(tu), true)
  if not trow.statistic then
    fail("placebo", "treated", "the design cannot be estimated for the treated unit (" .. tostring(trow.note) .. ")", "analysis")
  end
  for _, u in ipairs(units) do run(u, comps_for(u), false) end
  -- Rank by |statistic| (1 = most extreme); ties share the worse rank, so
  -- the p-value is never flattering.
  local ranked = {}
  for _, row in ipairs(rows) do if row.statistic then ranked[#ranked + 1] = row end end
  local t0 = trow.statistic
  local ge_two, ge_one = 0, 0
  for _, row in ipairs(ranked) do
    if math.abs(row.statistic) >= math.abs(t0) - 1e-12 * math.abs(t0) then ge_two = ge_two + 1 end
    if (t0 >= 0 and row.statistic >= t0 - 1e-12 * math.abs(t0))
        or (t0 < 0 and row.statistic <= t0 + 1e-12 * math.abs(t0)) then ge_one = ge_one + 1 end
  end
  table.sort(ranked, function(a, b)
    local x, y = math.abs(a.statistic), math.abs(b.statistic)
    if x ~= y then return x > y end
    return a.code < b.code
  end)
  for i, row in ipairs(ranked) do row.rank = i end
  return { rows = rows, treated = trow, rank = ge_two, n = #ranked, p_two = ge_two / #ranked,
    p_one = ge_one / #ranked, statistic = stat, comparators_rule = rule,
    effect_at = self.labels[p_at], skipped = #rows - #ranked }
end

return M
