--- Evaluation variables derived from an SSDA903 return.  Each function
-- documents its definition; docs/ssda903.md collects them.
-- Dates are day numbers (csc.ssda903.date); `ret` is a return read by
-- csc.ssda903.read; `c` is one child of csc.ssda903.validate.children(ret).
-- @module csc.ssda903.derive
local date = require("csc.ssda903.date")
local validate = require("csc.ssda903.validate")

local M = {}

M.children = validate.children

--- Age in completed years at day `at` (nil when the date of birth is unknown).
function M.age(c, at) if c.dob and at then return date.age(c.dob, at) end end

--- Reasons for a new episode that start a new placement: P (placement
-- changed), T (placement and legal status changed), B and U (placement and
-- legal status changed at the same time, with a new or the same carer), and
-- S (started to be looked after).  L is a change of legal status only.
M.NEW_PLACEMENT = { S = true, P = true, T = true, B = true, U = true }

--- Periods of care: runs of episodes joined without a break.  A period starts
-- with the child's first episode, with any episode whose RNE is S, or after
-- an episode whose reason for ending (REC) is not X1 ("episode ends and a new
-- one begins").  Returns {start=, stop= (nil while open), episodes={...}}.
function M.periods(c)
  local out, cur = {}, nil
  for i, e in ipairs(c.episodes) do
    local prev = c.episodes[i - 1]
    if not cur or e.RNE == "S" or (prev and prev.REC ~= "X1") then
      cur = { start = e._d.DECOM, episodes = {} }
      out[#out + 1] = cur
    end
    cur.episodes[#cur.episodes + 1] = e
    cur.stop = e._d.DEC
    cur.rec = e.REC
  end
  return out
end

--- Total years in care up to day `at`: the days of every period of care
-- before `at` (an open period counts to `at`), divided by 365.25.
function M.years_in_care(c, at)
  local d = 0
  for _, p in ipairs(M.periods(c)) do
    if p.start and p.start <= at then d = d + (math.min(p.stop or at, at) - p.start) end
  end
  return d / 365.25
end

--- Looked after at the end of day `at` (31 March by default): an episode
-- started on or before `at` and not ceased by then (DEC blank or after
-- `at`).  A child whose episode ceased on `at` is not looked after at `at`.
function M.looked_after_at(c, at)
  for _, e in ipairs(c.episodes) do
    if e._d.DECOM and e._d.DECOM <= at and (not e.DEC or (e._d.DEC and e._d.DEC > at)) then return true end
  end
  return false
end

--- Placements during the collection year [ret.start, ret.stop]: episodes
-- that start a new placement (RNE in NEW_PLACEMENT) and are open at some
-- time in the year, plus the placement the child was in on 1 April when
-- that began before the year.  Returns placements, moves (placements that
-- began in the year with RNE other than S, i.e. changes of placement).
function M.placements_in_year(ret, c)
  local n, moves, current, counted = 0, 0, nil, nil
  for _, e in ipairs(c.episodes) do
    if M.NEW_PLACEMENT[e.RNE] or not current then current = e end
    local s, f = e._d.DECOM, e._d.DEC or ret.stop
    -- episodes are in start order, so a placement's episodes are adjacent
    if s and s <= ret.stop and f >= ret.start and counted ~= current then
      counted = current
      n = n + 1
      if current._d.DECOM and current._d.DECOM >= ret.start and current.RNE ~= "S" then moves = moves + 1 end
    end
  end
  return n, moves
end

--- Care leaver status from the OC3 row of a young person whose 17th to
-- 21st birthday falls in the collection year.  Age is the age reached on
-- that birthday (the age at 31 March).  Activity (ACTIV) and accommodation
-- (ACCOM) are grouped as the national statistics group them:
--   activity: F* education, employment or training full time; P* part time
--     (both "EET"); G4 NEET because of illness or disability, G5 NEET for
--     other reasons, G6 NEET because of pregnancy or parenting; 0 or blank
--     no information;
--   accommodation: a code ending in 1 is suitable, in 2 unsuitable; 0 or
--     blank no information;
--   in touch: YES in touch; NO and REFU not in touch (REFU: refused
--     contact); DIED; NREQ (no longer requires services) and RHOM (returned
--     home for 6 months or more) are kept as their own groups.
function M.care_leaver(ret, r, c)
  local dob = r._d.DOB or (c and c.dob)
  local a = dob and date.age(dob, ret.stop)
  local act = r.ACTIV
  local activity = (act == nil or act == "0") and "no information"
    or act:match("^F") and "EET full time" or act:match("^P") and "EET part time"
    or act == "G4" and "NEET illness or disability" or act == "G6" and "NEET pregnancy or parenting"
    or act:match("^G") and "NEET other reasons" or "not coded"
  local acc = r.ACCOM
  local accommodation = (acc == nil or acc == "0") and "no information"
    or acc:match("1$") and "suitable" or acc:match("2$") and "unsuitable" or "not coded"
  local t = r.IN_TOUCH
  local touch = t == "YES" and "in touch" or (t == "NO" or t == "REFU") and "not in touch"
    or t == "DIED" and "died" or t == "NREQ" and "no longer requires services" or t == "RHOM" and "returned home"
    or "no information"
  return {
    child = r.CHILD, age = a,
    age_group = a and (a >= 19 and a <= 21 and "19-21" or (a == 17 or a == 18) and "17-18") or nil,
    activity = activity, eet = activity:match("^EET") ~= nil, neet = activity:match("^NEET") ~= nil,
    accommodation = accommodation, suitable = accommodation == "suitable",
    in_touch = touch,
  }
end

--- One row per child of the return with the derived variables:
-- child, sex, age at 31 March, looked after at 31 March, periods of care,
-- years in care at 31 March, placements and moves in the year, UASC (a row
-- in the UASC table), and, for care leavers (an OC3 row), their status.
function M.child_table(ret)
  local ch = M.children(ret)
  local ids = {}
  for id in pairs(ch) do ids[#ids + 1] = id end
  table.sort(ids)
  local out = {}
  for _, id in ipairs(ids) do
    local c = ch[id]
    local n, moves = M.placements_in_year(ret, c)
    local row = {
      child = id, sex = c.header and c.header.SEX, age = M.age(c, ret.stop),
      looked_after_31_march = M.looked_after_at(c, ret.stop),
      periods = #M.periods(c), years_in_care = M.years_in_care(c, ret.stop),
      placements = n, moves = moves, uasc = c.uasc ~= nil,
      episodes = #c.episodes,
    }
    if c.oc3 then row.care_leaver = M.care_leaver(ret, c.oc3, c) end
    out[#out + 1] = row
  end
  return out
end

return M
