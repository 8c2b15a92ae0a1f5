--- Scoring respondents on an instrument's scales.
-- Each response is checked against its item's options (a value outside
-- them is a data error naming the file, line and column); reverse-scored
-- items become (min + max - score); a scale's score is the sum (or mean) of
-- its items under its missing rule:
--   complete   every item answered, else no score (complete-case);
--   prorate    at most max_missing items missing: the mean of those answered
--              times the number of items (for a sum), as SWEMWBS guidance and
--              most manuals allow for one or two missing items;
--   available  the sum (or mean) of the items answered, with at least
--              min_answered of them.
-- A scale with `convert` then maps its (whole-number) raw score through the
-- instrument's conversion table, and `bands` label it.
-- @module csc.survey.score
local errors = require("csc.errors")
local instrument = require("csc.survey.instrument")
local util = require("csc.util")
local NA = require("host.frame").NA

local M = {}

--- Item scores of every respondent in frame f.
-- @tparam table inst checked instrument
-- @tparam userdata f host.Frame with one column per item (item.column)
-- @tparam table opts {file = path for messages, input = name, items = {ids} (default all)}
-- @treturn table rows: list of {item_id = score | nil}
function M.items(inst, f, opts)
  opts = opts or {}
  local ids = opts.items
  if not ids then ids = {}; for _, it in ipairs(inst.items) do ids[#ids + 1] = it.id end end
  local names = f:names()
  local rows = {}
  for i = 1, f:nrow() do rows[i] = {} end
  for _, id in ipairs(ids) do
    local it = inst.item_index[id]
    if not f:has(it.column) then
      errors.raise("data", string.format("%s: no column %q for item %s of %s (%s)%s", opts.file or opts.input or "responses",
        it.column, id, inst.id, it.text:sub(1, 60), util.hint(it.column, names)))
    end
    local col = f:column(it.column)
    for i = 1, #col do
      local v = col[i]
      if v ~= NA and v ~= nil and v ~= "" then
        local s, msg = instrument.response_score(it, v)
        if s == nil then
          errors.raise("data", string.format("%s:%d: column %s: %s; fix the value or leave it blank for a missing answer",
            opts.file or opts.input or "responses", i + 1, it.column, msg))
        end
        if s then
          if it.reverse then s = it.set.min + it.set.max - s end
          rows[i][id] = s
        end
      end
    end
  end
  return rows
end

--- Score one respondent (a table item_id -> score) on scale sc.
-- @treturn number|nil score (nil: not scored)
-- @treturn table {answered =, missing =, raw =, reason =}
function M.scale(inst, sc, resp, scored)
  if sc.scales then
    local s = 0
    for _, sid in ipairs(sc.scales) do
      local v = scored and scored[sid]
      if v == nil then return nil, { reason = "subscale " .. sid .. " not scored" } end
      s = s + v
    end
    return s, { raw = s }
  end
  local sum, n, k = 0, 0, #sc.item_ids
  for _, id in ipairs(sc.item_ids) do
    local v = resp[id]
    if v ~= nil then sum = sum + v; n = n + 1 end
  end
  local info = { answered = n, missing = k - n }
  local rule = sc.missing
  local raw
  if n == k then
    raw = sc.method == "mean" and sum / k or sum
  elseif rule.rule == "complete" then
    info.reason = string.format("%d of %d items missing (complete-case rule)", k - n, k)
    return nil, info
  elseif rule.rule == "prorate" then
    local maxm = rule.max_missing or 0
    if k - n > maxm or n == 0 then
      info.reason = string.format("%d of %d items missing (at most %d may be prorated)", k - n, k, maxm)
      return nil, info
    end
    raw = sc.method == "mean" and sum / n or sum / n * k
  else   -- available
    local mina = rule.min_answered or 1
    if n < mina then
      info.reason = string.format("%d of %d items answered (at least %d needed)", n, k, mina)
      return nil, info
    end
    raw = sc.method == "mean" and sum / n or sum
  end
  info.raw = raw
  if sc.convert then
    local conv = inst.conversions[sc.convert]
    local key = math.floor(raw + 0.5)
    if math.abs(raw - key) > 1e-9 then
      info.reason = string.format("raw score %s is not a whole number, so the %s table cannot convert it", util.fmt_number(raw), sc.convert)
      return nil, info
    end
    local v = conv.table[key]
    if v == nil then
      info.reason = string.format("raw score %d is not in the %s table", key, sc.convert)
      return nil, info
    end
    return v, info
  end
  return raw, info
end

--- Band label of a score (nil when no band holds it).  Bands are closed
-- below: a score belongs to the band with the highest lower bound at or
-- under it (so a prorated 293.5 is in the band starting at 197, not in a
-- gap between 293 and 294), and must lie within the scale's range.
function M.band(sc, v)
  if v == nil or not sc.bands then return nil end
  if v < sc.min - 1e-9 or v > sc.max + 1e-9 then return nil end
  local best
  for _, b in ipairs(sc.bands) do
    if v >= b.min - 1e-9 and (best == nil or b.min > best.min) then best = b end
  end
  return best and best.label or nil
end

--- Score every respondent on every scale (in the instrument's order, so a
-- total can use its subscales).
-- @treturn table list of {scales = {id -> score}, info = {id -> info}, bands = {id -> label}}
function M.all(inst, rows)
  local out = {}
  for i, resp in ipairs(rows) do
    local r = { scales = {}, info = {}, bands = {} }
    for _, sc in ipairs(inst.scales) do
      local v, info = M.scale(inst, sc, resp, r.scales)
      r.scales[sc.id], r.info[sc.id], r.bands[sc.id] = v, info, M.band(sc, v)
    end
    out[i] = r
  end
  return out
end

return M
