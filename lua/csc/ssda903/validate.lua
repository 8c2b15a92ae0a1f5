--- Validation of an SSDA903 return against a core set of DfE's rules.
-- Each rule carries its DfE code (../shared/data/ssda903/spec/
-- 903_2024_25_rule_info.csv) and a check over the return read by
-- csc.ssda903.read.  A failure names the rule, table, file, line, child and
-- field.  Only the current year's data are used here: the rules that need
-- last year's return (Header_last, Episodes_last) are in
-- csc.ssda903.validate_last; provider information is not used.
-- Field-level rules (valid codes and dates: 101, 102, 103, 131-133, 141,
-- 143-147, 149, 166, 167, 171, 178, 1004-1006, 1009, ...) are applied by the
-- reader, from the specification; the rules below look across fields,
-- records and tables.
-- @module csc.ssda903.validate
local date = require("csc.ssda903.date")
local read = require("csc.ssda903.read")

local M = {}

local TEMP = { T0 = true, T1 = true, T2 = true, T3 = true, T4 = true }
local RESPITE = { V3 = true, V4 = true }

local function age(dob, at) if dob and at then return date.age(dob, at) end end

--- Children of a return: CHILD -> {header=row, episodes={rows by DECOM}, oc3=row, ...}.
function M.children(ret)
  if ret._children then return ret._children end
  local ch = {}
  local function get(id)
    local c = ch[id]
    if not c then c = { id = id, episodes = {} }; ch[id] = c end
    return c
  end
  for _, t in ipairs({ "header", "oc3", "oc2", "uasc", "previous_permanence" }) do
    for _, r in ipairs(ret.tables[t] and ret.tables[t].rows or {}) do
      if r.CHILD then get(r.CHILD)[t] = get(r.CHILD)[t] or r end
    end
  end
  for _, r in ipairs(ret.tables.episodes and ret.tables.episodes.rows or {}) do
    if r.CHILD then local e = get(r.CHILD).episodes; e[#e + 1] = r end
  end
  for _, c in pairs(ch) do
    table.sort(c.episodes, function(a, b)
      local da, db = a._d.DECOM or math.huge, b._d.DECOM or math.huge
      if da ~= db then return da < db end
      return a._line < b._line
    end)
    c.dob = c.header and c.header._d.DOB
  end
  ret._children = ch
  return ch
end

--- Record that rule `code` fails on record `rec` (its table, file, line,
-- child and `field`'s value); the year-on-year rules use it too.
function M.fail(ret, code, rec, field, msg)
  read.fail(ret, { rule = code, table = rec._table, file = ret.tables[rec._table] and ret.tables[rec._table].file,
    line = rec._line, child = rec.CHILD, field = field, value = field and rec[field] or nil, message = msg })
end
local fail = M.fail

local function days(e) if e._d.DECOM and e._d.DEC then return e._d.DEC - e._d.DECOM end end

--- A set of rules: `set.rules` lists {code=, what=, run=}, `set.add(code,
-- what, run)` adds one, `set.by_code` indexes them once all are added
-- (`set.index()`), and `set.apply(only, ...)` runs each rule, or those whose
-- codes `only` lists, with the arguments given.  The current-year rules
-- here and the year-on-year ones (csc.ssda903.validate_last) are two sets.
function M.ruleset()
  local set = { rules = {}, by_code = {} }
  function set.add(code, what, run) set.rules[#set.rules + 1] = { code = code, what = what, run = run } end
  function set.index()
    for _, r in ipairs(set.rules) do set.by_code[r.code] = r end
    return set
  end
  function set.apply(only, ...)
    local want
    if only then want = {}; for _, c in ipairs(only) do want[c] = true end end
    for _, r in ipairs(set.rules) do
      if not want or want[r.code] then r.run(...) end
    end
  end
  return set
end

--- The rules: {code=, what=, run=function(ret, children)}.  `what` is the
-- rule in short; DfE's message is in the rule file.
local current = M.ruleset()
M.rules = current.rules
local rule = current.add

local function each_episode(f)
  return function(ret, ch)
    for _, e in ipairs(ret.tables.episodes and ret.tables.episodes.rows or {}) do
      f(ret, e, e.CHILD and ch[e.CHILD])
    end
  end
end
local function each_row(t, f)
  return function(ret, ch)
    for _, r in ipairs(ret.tables[t] and ret.tables[t].rows or {}) do f(ret, r, r.CHILD and ch[r.CHILD]) end
  end
end
local function each_child(f)
  return function(ret, ch)
    local ids = {}
    for id in pairs(ch) do ids[#ids + 1] = id end
    table.sort(ids)
    for _, id in ipairs(ids) do f(ret, ch[id]) end
  end
end

-- Episodes: dates
rule("142", "an episode that is not the child's last has no end date", each_child(function(ret, c)
  for i = 1, #c.episodes - 1 do
    if not c.episodes[i].DEC then fail(ret, "142", c.episodes[i], "DEC", "is blank, but a later episode of this child starts") end
  end
end))
rule("148", "DEC and REC both coded or both blank", each_episode(function(ret, e)
  if (e.DEC == nil) ~= (e.REC == nil) then
    fail(ret, "148", e, e.DEC and "REC" or "DEC", "is blank while " .. (e.DEC and "DEC" or "REC") .. " is coded")
  end
end))
local EARLIEST = date.days(1991, 10, 14)
rule("353", "no episode starts before 14 October 1991", each_episode(function(ret, e)
  if e._d.DECOM and e._d.DECOM < EARLIEST then fail(ret, "353", e, "DECOM", "is before 14/10/1991") end
end))
rule("354", "DECOM on or before the end of the collection year", each_episode(function(ret, e)
  if e._d.DECOM and e._d.DECOM > ret.stop then fail(ret, "354", e, "DECOM", "is after " .. date.format(ret.stop)) end
end))
rule("385", "DEC on or before the end of the collection year", each_episode(function(ret, e)
  if e._d.DEC and e._d.DEC > ret.stop then fail(ret, "385", e, "DEC", "is after " .. date.format(ret.stop)) end
end))
rule("356", "DEC not before DECOM", each_episode(function(ret, e)
  local d = days(e)
  if d and d < 0 then fail(ret, "356", e, "DEC", "is before DECOM " .. e.DECOM) end
end))
rule("355", "an episode lasting less than 24 hours (DEC = DECOM)", each_episode(function(ret, e)
  if days(e) == 0 then fail(ret, "355", e, "DEC", "is the same day as DECOM") end
end))
rule("501", "a new episode starts before the previous one ended (overlap or duplicate)", each_child(function(ret, c)
  for i = 2, #c.episodes do
    local p, e = c.episodes[i - 1], c.episodes[i]
    -- a duplicate row starts before its twin ends; a same-day move (an
    -- episode ending the day it began) is not an overlap
    if p._d.DEC and e._d.DECOM and e._d.DECOM < p._d.DEC then
      fail(ret, "501", e, "DECOM", string.format("is before the end (%s) of the episode on line %d", p.DEC, p._line))
    end
  end
end))
-- Episodes: reasons for new episode and for ending
rule("357", "the child's first episode in the return has RNE S", each_child(function(ret, c)
  local e = c.episodes[1]
  if e and e.RNE and e.RNE ~= "S" and e._d.DECOM and e._d.DECOM >= ret.start then
    fail(ret, "357", e, "RNE", "is " .. e.RNE .. " but this is the child's first episode and it starts in the year")
  end
end))
rule("388", "REC X1 (new episode begins) needs a continuation episode", each_child(function(ret, c)
  local e = c.episodes[#c.episodes]
  if e and e.REC == "X1" then fail(ret, "388", e, "REC", "is X1 but the child has no later episode") end
end))
rule("431", "RNE S but the previous episode ended the same day", each_child(function(ret, c)
  for i = 2, #c.episodes do
    local p, e = c.episodes[i - 1], c.episodes[i]
    if e.RNE == "S" and p._d.DEC and p._d.DEC == e._d.DECOM then
      fail(ret, "431", e, "RNE", string.format("is S but the episode on line %d ended the same day", p._line))
    end
  end
end))
rule("433", "a continuation episode (RNE not S) starts the day the previous ended", each_child(function(ret, c)
  for i = 2, #c.episodes do
    local p, e = c.episodes[i - 1], c.episodes[i]
    if e.RNE and e.RNE ~= "S" and p._d.DEC and e._d.DECOM and p._d.DEC ~= e._d.DECOM then
      fail(ret, "433", e, "DECOM", string.format("is not the day (%s) the episode on line %d ended, though RNE is %s",
        p.DEC, p._line, e.RNE))
    end
  end
end))
rule("437", "REC died or aged 18 (E2, E15, E16) but further episodes", each_child(function(ret, c)
  for i = 1, #c.episodes - 1 do
    local r = c.episodes[i].REC
    if r == "E2" or r == "E15" or r == "E16" then fail(ret, "437", c.episodes[i], "REC", "is " .. r .. " but a later episode follows") end
  end
end))
-- Episodes: legal status and placement combinations
local function longer(code, ls, maxd, what)
  rule(code, what, each_episode(function(ret, e)
    local d = days(e)
    if ls[e.LS] and d and d > maxd then
      fail(ret, code, e, "DEC", string.format("is %d days after DECOM; legal status %s allows at most %d", d, e.LS, maxd))
    end
  end))
end
longer("361", { L1 = true }, 3, "police protection (L1) longer than 72 hours")
longer("362", { L2 = true }, 21, "emergency protection order (L2) longer than 21 days")
longer("363", { L3 = true }, 7, "child assessment order (L3) longer than 7 days")
longer("365", { V3 = true }, 17, "a short-term respite break (V3) longer than 17 days")
rule("366", "no placement change within a respite break (V3 with RNE other than S)", each_episode(function(ret, e)
  if e.LS == "V3" and e.RNE and e.RNE ~= "S" then fail(ret, "366", e, "RNE", "is " .. e.RNE .. " during a respite break (LS V3)") end
end))
rule("367", "at most 75 days of respite (V3, V4) in the year", each_child(function(ret, c)
  local total, last = 0, nil
  for _, e in ipairs(c.episodes) do
    if RESPITE[e.LS] and e._d.DECOM then
      local a = math.max(e._d.DECOM, ret.start)
      local b = math.min(e._d.DEC or ret.stop, ret.stop)
      if b >= a then total = total + (b - a) + 1; last = e end
    end
  end
  if total > 75 and last then fail(ret, "367", last, "LS", string.format("respite episodes total %d days in the year (at most 75)", total)) end
end))
rule("378", "a child placed with parents (P1) is not under section 20 (V2)", each_episode(function(ret, e)
  if e.PLACE == "P1" and e.LS == "V2" then fail(ret, "378", e, "PLACE", "is P1 with legal status V2") end
end))
rule("380", "a period of care cannot start with a temporary placement", each_episode(function(ret, e)
  if e.RNE == "S" and TEMP[e.PLACE] then fail(ret, "380", e, "PLACE", "is temporary (" .. e.PLACE .. ") at the start of a period of care") end
end))
rule("381", "a period of care cannot end with a temporary placement", each_episode(function(ret, e)
  if e.REC and e.REC ~= "X1" and TEMP[e.PLACE] then fail(ret, "381", e, "PLACE", "is temporary (" .. e.PLACE .. ") at the end of a period of care") end
end))
rule("382", "respite care (V3, V4) is not a temporary placement", each_episode(function(ret, e)
  if RESPITE[e.LS] and TEMP[e.PLACE] then fail(ret, "382", e, "PLACE", "is temporary (" .. e.PLACE .. ") with legal status " .. e.LS) end
end))
rule("384", "respite care (V3, V4) is not a long-term foster placement (U1, U4)", each_episode(function(ret, e)
  if RESPITE[e.LS] and (e.PLACE == "U1" or e.PLACE == "U4") then fail(ret, "384", e, "PLACE", "is " .. e.PLACE .. " with legal status " .. e.LS) end
end))
rule("217", "placed for adoption with current foster carers (A3, A5) needs RNE S, T or U", each_episode(function(ret, e)
  if (e.PLACE == "A3" or e.PLACE == "A5") and e.RNE and not ({ S = true, T = true, U = true })[e.RNE]
      and e._d.DECOM and e._d.DECOM >= date.days(2015, 4, 1) then
    fail(ret, "217", e, "RNE", "is " .. e.RNE .. " with placement " .. e.PLACE)
  end
end))
local function provider_rule(code, pr, bad)
  rule(code, "provider " .. pr .. " cannot run placements " .. table.concat(bad, ", "), each_episode(function(ret, e)
    if e.PLACE_PROVIDER == pr then
      for _, p in ipairs(bad) do
        if e.PLACE == p then fail(ret, code, e, "PLACE_PROVIDER", string.format("is %s with placement %s", pr, p)) end
      end
    end
  end))
end
provider_rule("527", "PR1", { "P1", "R2", "R5" })
provider_rule("528", "PR2", { "P1", "R2", "R5" })
-- Header and episodes: dates of birth and ages
rule("301", "DOB after the end of the collection year", each_row("header", function(ret, h)
  if h._d.DOB and h._d.DOB > ret.stop then fail(ret, "301", h, "DOB", "is after " .. date.format(ret.stop)) end
end))
rule("302", "first episode before the child was born", each_child(function(ret, c)
  local e = c.episodes[1]
  if e and c.dob and e._d.DECOM and e._d.DECOM < c.dob then fail(ret, "302", e, "DECOM", "is before the date of birth " .. c.header.DOB) end
end))
rule("351", "child over 25 at the start of the year", each_row("header", function(ret, h)
  local a = age(h._d.DOB, ret.start)
  if a and a > 25 then fail(ret, "351", h, "DOB", string.format("makes the child %d at %s", a, date.format(ret.start))) end
end))
rule("352", "a child who started to be looked after (RNE S) was 18 or over", each_episode(function(ret, e, c)
  local a = c and age(c.dob, e._d.DECOM)
  if e.RNE == "S" and a and a >= 18 then fail(ret, "352", e, "DECOM", string.format("is when the child was %d", a)) end
end))
local function age_rule(code, field, codes, cmp, limit, what)
  rule(code, what, each_episode(function(ret, e, c)
    if not codes[e[field]] then return end
    local at = (field == "REC") and e._d.DEC or e._d.DECOM
    local a = c and age(c.dob, at)
    if a and ((cmp == "<" and a < limit) or (cmp == ">=" and a >= limit)) then
      fail(ret, code, e, field, string.format("is %s but the child was %d on %s", e[field], a, date.format(at)))
    end
  end))
end
age_rule("358", "LS", { J1 = true, J2 = true, J3 = true }, "<", 10, "legal status J1-J3 under 10")
age_rule("371", "PLACE", { H5 = true }, "<", 16, "supported accommodation (H5) under 16")
age_rule("372", "PLACE", { R5 = true }, "<", 10, "youth custody or prison (R5) under 10")
age_rule("373", "PLACE", { S1 = true }, "<", 4, "placed in a school (S1) under 4")
age_rule("374", "PLACE", { P3 = true }, "<", 14, "residential employment (P3) under 14")
age_rule("386", "REC", { E11 = true, E12 = true }, ">=", 18, "adopted (E11, E12) at 18 or over")
age_rule("387", "REC", { E14 = true }, "<", 14, "moved to independent living (E14) under 14")
age_rule("389", "REC", { E7 = true }, "<", 16, "transferred to adult social care (E7) under 16")
-- Header: motherhood
rule("174", "MC_DOB recorded for a male child", each_row("header", function(ret, h)
  if h.MC_DOB and h.SEX == "1" then fail(ret, "174", h, "MC_DOB", "is recorded but SEX is 1 (male)") end
end))
rule("611", "MOTHER 1 but MC_DOB blank", each_row("header", function(ret, h)
  if h.MOTHER == "1" and not h.MC_DOB then fail(ret, "611", h, "MC_DOB", "is blank but MOTHER is 1") end
end))
rule("612", "MC_DOB recorded but MOTHER not 1", each_row("header", function(ret, h)
  if h.MC_DOB and h.MOTHER ~= "1" and h.SEX == "2" then fail(ret, "612", h, "MOTHER", "is not 1 but MC_DOB is recorded") end
end))
rule("620", "a mother under 11", each_row("header", function(ret, h)
  local a = age(h._d.DOB, ret.start)
  if h.MOTHER == "1" and a and a < 11 then fail(ret, "620", h, "MOTHER", string.format("is 1 but the child was %d at the start of the year", a)) end
end))
rule("621", "a mother younger than her child", each_row("header", function(ret, h)
  if h._d.MC_DOB and h._d.DOB and h._d.MC_DOB <= h._d.DOB then fail(ret, "621", h, "MC_DOB", "is on or before the mother's own date of birth " .. h.DOB) end
end))
-- UASC
rule("304", "DUC on or before the 18th birthday", each_row("uasc", function(ret, u)
  local dob = u._d.DOB
  if u._d.DUC and dob then
    local y, m, d = date.civil(dob)
    local b18 = (m == 2 and d == 29) and date.days(y + 18, 3, 1) or date.days(y + 18, m, d)
    if u._d.DUC > b18 then fail(ret, "304", u, "DUC", "is after the 18th birthday " .. date.format(b18)) end
  end
end))
-- OC2
rule("158", "INTERVENTION_RECEIVED 1 needs INTERVENTION_OFFERED blank", each_row("oc2", function(ret, r)
  if r.INTERVENTION_RECEIVED == "1" and r.INTERVENTION_OFFERED then fail(ret, "158", r, "INTERVENTION_OFFERED", "is completed although an intervention was received") end
end))
rule("192", "SUBSTANCE_MISUSE 1 needs INTERVENTION_RECEIVED", each_row("oc2", function(ret, r)
  if r.SUBSTANCE_MISUSE == "1" and not r.INTERVENTION_RECEIVED then fail(ret, "192", r, "INTERVENTION_RECEIVED", "is blank although SUBSTANCE_MISUSE is 1") end
end))
rule("193", "SUBSTANCE_MISUSE 0 needs both intervention items blank", each_row("oc2", function(ret, r)
  if r.SUBSTANCE_MISUSE == "0" and (r.INTERVENTION_RECEIVED or r.INTERVENTION_OFFERED) then
    fail(ret, "193", r, r.INTERVENTION_RECEIVED and "INTERVENTION_RECEIVED" or "INTERVENTION_OFFERED", "is completed although SUBSTANCE_MISUSE is 0")
  end
end))
rule("197a", "SDQ_REASON not needed when SDQ_SCORE is completed", each_row("oc2", function(ret, r)
  if r.SDQ_SCORE and r.SDQ_REASON then fail(ret, "197a", r, "SDQ_REASON", "is completed although SDQ_SCORE is " .. r.SDQ_SCORE) end
end))
-- OC3
rule("153", "OC3 items all coded or all blank", each_row("oc3", function(ret, r)
  local n = (r.IN_TOUCH and 1 or 0) + (r.ACTIV and 1 or 0) + (r.ACCOM and 1 or 0)
  if n == 1 or n == 2 then
    local blank = not r.IN_TOUCH and "IN_TOUCH" or not r.ACTIV and "ACTIV" or "ACCOM"
    fail(ret, "153", r, blank, "is blank while other care leaver items are coded")
  end
end))
rule("344", "died or returned home (IN_TOUCH DIED, RHOM): ACTIV and ACCOM blank", each_row("oc3", function(ret, r)
  if (r.IN_TOUCH == "DIED" or r.IN_TOUCH == "RHOM") and (r.ACTIV or r.ACCOM) then
    fail(ret, "344", r, r.ACTIV and "ACTIV" or "ACCOM", "is completed although IN_TOUCH is " .. r.IN_TOUCH)
  end
end))
rule("345", "in touch (IN_TOUCH YES): ACTIV and ACCOM not 0", each_row("oc3", function(ret, r)
  if r.IN_TOUCH == "YES" and (r.ACTIV == "0" or r.ACCOM == "0") then
    fail(ret, "345", r, r.ACTIV == "0" and "ACTIV" or "ACCOM", "is 0 although IN_TOUCH is YES")
  end
end))
rule("391", "care leaver not aged 17 to 21 during the year", each_row("oc3", function(ret, r, c)
  local dob = r._d.DOB or (c and c.dob)
  if dob then
    local a0, a1 = age(dob, ret.start), age(dob, ret.stop)
    if a1 < 17 or a0 > 21 then fail(ret, "391", r, "DOB", string.format("makes the young person %d to %d in the year", a0, a1)) end
  end
end))
rule("1000", "a child who died in care (REC E2) has no care leaver information", each_row("oc3", function(ret, r, c)
  if c then
    for _, e in ipairs(c.episodes) do
      if e.REC == "E2" then fail(ret, "1000", r, "IN_TOUCH", string.format("is completed but the episode on line %d ended with the child's death (E2)", e._line)) end
    end
  end
end))
rule("1002", "care leaver information needs a previous episode of care", each_row("oc3", function(ret, r, c)
  if ret.tables.episodes and (not c or #c.episodes == 0) then
    -- this return alone: the young person may have left care in an earlier year (the DfE rule reads last year's episodes too)
    ret._oc3_no_episodes = (ret._oc3_no_episodes or 0) + 1
  end
end))
-- Cross-table consistency
rule("CHILD", "every child with episodes is in the header (no DfE code)", each_child(function(ret, c)
  if ret.tables.header and #c.episodes > 0 and not c.header then
    fail(ret, "CHILD", c.episodes[1], "CHILD", "has episodes but no row in the header table")
  end
end))
rule("DOB", "DOB agrees between the header and other tables (no DfE code)", function(ret, ch)
  for _, t in ipairs({ "oc3", "oc2", "uasc", "reviews", "missing", "previous_permanence" }) do
    for _, r in ipairs(ret.tables[t] and ret.tables[t].rows or {}) do
      local c = r.CHILD and ch[r.CHILD]
      if c and c.header and r.DOB and c.header.DOB and r.DOB ~= c.header.DOB then
        fail(ret, "DOB", r, "DOB", string.format("differs from the header's %s (line %d)", c.header.DOB, c.header._line))
      end
    end
  end
end)

--- Rules by code.
M.by_code = current.index().by_code

--- Apply every rule (or those listed in `only`) to the return.  Failures are
-- appended to ret.failures.  Returns ret.
function M.validate(ret, only)
  current.apply(only, ret, M.children(ret))
  return ret
end

--- DfE's messages by rule code, from the rule file (or nil when absent).
function M.messages(path)
  path = path or "../shared/data/ssda903/spec/903_2024_25_rule_info.csv"
  local f = require("host.frame").read_csv(path, { types = { ["Rule code"] = "text" } })
  if not f then return nil end
  local out, codes, msgs = {}, f:column("Rule code"), f:column("Rule message")
  for i = 1, #codes do out[codes[i]] = msgs[i] end
  return out
end

return M
