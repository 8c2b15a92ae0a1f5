--- Validation of an SSDA903 return against the previous year's return: the
-- DfE rules whose tables include Header_last, Episodes_last or Missing_last
-- (903_2024_25_rule_info.csv).  A recipe input that reads consecutive years
-- applies them to each year after the first (csc.ssda903.input); in Lua,
-- validate_last(ret, last).  Failures name this year's record, as the
-- current-year rules do, and quote last year's value and line.
-- The social-worker rules are not implemented.
-- @module csc.ssda903.validate_last
local validate = require("csc.ssda903.validate")
local date = require("csc.ssda903.date")

local M = {}

local fail = validate.fail

local function where(last, rec)
  return string.format("%s:%d", last.tables[rec._table] and last.tables[rec._table].file or rec._table, rec._line)
end

--- The rules: {code=, what=, run=function(ret, last, ch, lch)}.
local year_on_year = validate.ruleset()
M.rules = year_on_year.rules
local rule = year_on_year.add

-- children in both years, in order of CHILD
local function both(ch, lch)
  local ids = {}
  for id in pairs(ch) do if lch[id] then ids[#ids + 1] = id end end
  table.sort(ids)
  local i = 0
  return function() i = i + 1; local id = ids[i]; if id then return ch[id], lch[id] end end
end

local function header_same(code, field, what)
  rule(code, what, function(ret, last, ch, lch)
    for c, l in both(ch, lch) do
      local h, hl = c.header, l.header
      if h and hl and h[field] and hl[field] and h[field] ~= hl[field] then
        fail(ret, code, h, field, string.format("%s differs from last year's %s (%s)", field, hl[field], where(last, hl)))
      end
    end
  end)
end
-- ===== UASC across years (205A-D) =====
-- Whether a child is identified as UASC in a year: the header's UASC field
-- when that year's header has one (the DfE's returns carry it, the
-- specification files here do not, so it also gets a SPEC "not a field"
-- failure), else a row for the child in that year's UASC table (a CSV
-- return lists UASC children there).  DUC is that row's date UASC ceased.
local function uasc_status(ret, c)
  local h = c.header
  local has_field = false
  for _, f in ipairs(ret.tables.header and ret.tables.header.fields or {}) do if f == "UASC" then has_field = true end end
  if has_field then return h ~= nil and h.UASC == "1", h end
  return c.uasc ~= nil, c.uasc
end
local function duc(c) return c.uasc and c.uasc._d.DUC end
local function in_year(d, r) return d ~= nil and d >= r.start and d <= r.stop end
local function uasc_rule(code, what, check)
  rule(code, what, function(ret, last, ch, lch)
    if not (ret.tables.uasc or last.tables.uasc) then return end
    for c, l in both(ch, lch) do
      local now, rec = uasc_status(ret, c)
      local before, lrec = uasc_status(last, l)
      local field, msg = check(now, before, duc(c), duc(l), ret, last)
      if field then
        local r = (field == "DUC" and c.uasc) or rec or c.header or c.uasc
        if r then
          fail(ret, code, r, field, msg .. string.format(" (last year: %s)", where(last, l.uasc or lrec or l.header)))
        end
      end
    end
  end)
end
local function fmt(d) return d and date.format(d) or "blank" end
uasc_rule("205A", "a child UASC last year and not this year: last year's DUC falls in last year, and no DUC this year",
  function(now, before, d, dl, ret, last)
    if before and not now and (not in_year(dl, last) or d ~= nil) then
      return "CHILD", string.format("the child was UASC last year and is not this year, but last year's DUC is %s "
        .. "(last year ran %s to %s) and this year's is %s", fmt(dl), fmt(last.start), fmt(last.stop), fmt(d))
    end
  end)
uasc_rule("205B", "a child UASC last year and this year: last year's DUC is not before this year",
  function(now, before, d, dl, ret)
    if before and now and dl ~= nil and dl < ret.start then
      return "DUC", string.format("the child is UASC this year and was last year, but last year's DUC %s is "
        .. "before this year's start %s", fmt(dl), fmt(ret.start))
    end
  end)
uasc_rule("205C", "a child UASC in neither year has no DUC", function(now, before, d)
  if not now and not before and d ~= nil then
    return "DUC", string.format("DUC is %s, but the child is not UASC this year or last year", fmt(d))
  end
end)
uasc_rule("205D", "a child UASC this year and in last year's return was UASC last year too", function(now, before)
  if now and not before then
    return "CHILD", "the child is UASC this year but was not identified as UASC in last year's return"
  end
end)

header_same("202", "SEX", "SEX agrees with last year's header")
header_same("203", "DOB", "DOB agrees with last year's header")
header_same("204", "ETHNIC", "ETHNIC agrees with last year's header")
header_same("624", "MC_DOB", "MC_DOB agrees with last year's header")

local UN = { UN1 = true, UN2 = true, UN3 = true, UN4 = true, UN5 = true }
rule("208", "UPN agrees with last year's, unless it was unknown (blank or UN1-UN5) and is now known, or UN1/blank became UN2-UN5",
  function(ret, last, ch, lch)
    for c, l in both(ch, lch) do
      local h, hl = c.header, l.header
      if h and hl then
        local now, before = h.UPN and h.UPN:upper(), hl.UPN and hl.UPN:upper()
        if now ~= before and (now or before) then
          local was_unknown = before == nil or UN[before]
          local now_known = now ~= nil and not UN[now]
          local un_change = (before == nil or before == "UN1") and now and UN[now] and now ~= "UN1"
          local blank_to_un1 = before == nil and now == "UN1"
          if not ((was_unknown and now_known) or un_change or blank_to_un1) then
            fail(ret, "208", h, "UPN", string.format("UPN differs from last year's %s (%s)", hl.UPN or "blank", where(last, hl)))
          end
        end
      end
    end
  end)

rule("207", "a child recorded as a mother last year is still a mother (when looked after this year)", function(ret, last, ch, lch)
  for c, l in both(ch, lch) do
    local h, hl = c.header, l.header
    if h and hl and hl.MOTHER == "1" and h.MOTHER ~= "1" and #c.episodes > 0 then
      fail(ret, "207", h, "MOTHER", string.format("MOTHER is %s but was 1 last year (%s)", h.MOTHER or "blank", where(last, hl)))
    end
  end
end)

rule("626", "a child recorded as not a mother last year (MOTHER 0) whose first child was born before this year "
  .. "cannot be a mother now", function(ret, last, ch, lch)
  for c, l in both(ch, lch) do
    local h, hl = c.header, l.header
    if h and hl and h.MOTHER == "1" and hl.MOTHER == "0" and h._d.MC_DOB and h._d.MC_DOB < ret.start then
      fail(ret, "626", h, "MC_DOB", string.format("MOTHER is 1 and the first child was born %s, before this year, but "
        .. "last year's MOTHER was 0 (%s)", h.MC_DOB, where(last, hl)))
    end
  end
end)

-- last year's open episodes (no DEC) and its latest episode
local function open_last(l)
  local out = {}
  for _, e in ipairs(l.episodes) do if e.DEC == nil then out[#out + 1] = e end end
  return out
end

rule("502", "the first episode this year starts when last year's open episode did", function(ret, last, ch, lch)
  for c, l in both(ch, lch) do
    local first = c.episodes[1]
    if first and first._d.DECOM then
      for _, o in ipairs(open_last(l)) do
        if o._d.DECOM and o._d.DECOM ~= first._d.DECOM then
          fail(ret, "502", first, "DECOM", string.format("the first episode starts %s, but last year's open episode "
            .. "started %s (%s)", first.DECOM, o.DECOM, where(last, o)))
          break
        end
      end
    end
  end
end)

local function carried(code, field)
  rule(code, field .. " of the first episode agrees with last year's open episode it continues", function(ret, last, ch, lch)
    for c, l in both(ch, lch) do
      local first, latest = c.episodes[1], l.episodes[#l.episodes]
      if first and latest and latest.DEC == nil and first._d.DECOM and first._d.DECOM == latest._d.DECOM
          and first[field] ~= latest[field] then
        fail(ret, code, first, field, string.format("%s is %s, but last year's open episode has %s (%s)", field,
          first[field] or "blank", latest[field] or "blank", where(last, latest)))
      end
    end
  end)
end
carried("503A", "RNE")
carried("503B", "LS")
carried("503C", "CIN")
carried("503E", "PLACE_PROVIDER")
carried("503F", "URN")
-- PL_DISTANCE, PL_LA and PL_LOCATION are in the DfE's returns since 2021-22
-- but in neither specification file here, so a return carrying them also
-- gets SPEC failures ("not a field"); these rules compare them when both
-- years have them (a distance as a number: 1.5 and 1.50 agree).
local function carried_if_present(code, field, numeric)
  rule(code, field .. " of the first episode agrees with last year's open episode it continues (when both "
    .. "years record it)", function(ret, last, ch, lch)
    local tn, tl = ret.tables.episodes, last.tables.episodes
    local function has(t) for _, f in ipairs(t and t.fields or {}) do if f == field then return true end end end
    if not (has(tn) and has(tl)) then return end
    for c, l in both(ch, lch) do
      local first, latest = c.episodes[1], l.episodes[#l.episodes]
      if first and latest and latest.DEC == nil and first._d.DECOM and first._d.DECOM == latest._d.DECOM then
        local a, b = first[field], latest[field]
        if numeric and tonumber(a) and tonumber(b) then a, b = tonumber(a), tonumber(b) end
        if a ~= b then
          fail(ret, code, first, field, string.format("%s is %s, but last year's open episode has %s (%s)", field,
            first[field] or "blank", latest[field] or "blank", where(last, latest)))
        end
      end
    end
  end)
end
carried_if_present("503G", "PL_DISTANCE", true)
carried_if_present("503H", "PL_LA")
carried_if_present("503J", "PL_LOCATION")

-- 452 and 453: the first episode this year against last year's latest
-- episode, when that was still open and has the same reason for new episode
-- (RNE) (so this year's first episode continues it), for a field the
-- specification files lack (see 503G-J): only when both years' episodes
-- carry it.  Unlike 503H and 503G they do not need the two start dates to
-- agree.  A blank on one side and a value on the other is a contradiction
-- too.  `differ(a, b)` says whether two recorded values contradict.
local function continued_field(code, field, what, differ)
  rule(code, what, function(ret, last, ch, lch)
    local function has(t) for _, f in ipairs(t and t.fields or {}) do if f == field then return true end end end
    if not (has(ret.tables.episodes) and has(last.tables.episodes)) then return end
    for c, l in both(ch, lch) do
      local first, latest = c.episodes[1], l.episodes[#l.episodes]
      if first and latest and latest.DEC == nil and first.RNE == latest.RNE then
        local a, b = first[field], latest[field]
        if (a == nil) ~= (b == nil) or (a ~= nil and differ(a, b)) then
          fail(ret, code, first, field, string.format("%s is %s in the first episode, but %s in last year's latest "
            .. "episode, still open with the same RNE %s (%s)", field, a or "blank", b or "blank", first.RNE or "blank",
            where(last, latest)))
        end
      end
    end
  end)
end
continued_field("452", "PL_LA", "PL_LA of the first episode agrees with last year's latest episode when that was "
  .. "still open with the same RNE (when both years record it)", function(a, b) return a ~= b end)
-- A distance is in miles to one decimal place, worked out from the two
-- postcodes; 0.2 miles or more apart is a contradiction, less is taken as
-- rounding (the tolerance of the sector's SSDA903 validator).  A value that
-- is not a number contradicts any other value.
continued_field("453", "PL_DISTANCE", "PL_DISTANCE of the first episode agrees with last year's latest episode "
  .. "when that was still open with the same RNE, within 0.2 miles (when both years record it)", function(a, b)
    local x, y = tonumber(a), tonumber(b)
    if x == nil or y == nil then return a ~= b end
    return math.abs(x - y) >= 0.2 - 1e-9
  end)

rule("562", "an episode that started before this year continues last year's latest episode", function(ret, last, ch, lch)
  for c, l in both(ch, lch) do
    local first, latest = c.episodes[1], l.episodes[#l.episodes]
    if first and first._d.DECOM and first._d.DECOM < ret.start and latest
        and latest._d.DECOM ~= first._d.DECOM then
      fail(ret, "562", first, "DECOM", string.format("the episode started %s, before this year, but last year's latest "
        .. "episode started %s (%s)", first.DECOM, latest.DECOM or "?", where(last, latest)))
    end
  end
end)

rule("NoE", "a child looked after since before this year has episodes in last year's return", function(ret, last, ch, lch)
  local ids = {}
  for id in pairs(ch) do ids[#ids + 1] = id end
  table.sort(ids)
  for _, id in ipairs(ids) do
    local c, l = ch[id], lch[id]
    local first = c.episodes[1]
    if first and first._d.DECOM and first._d.DECOM < ret.start and not (l and #l.episodes > 0) then
      fail(ret, "NoE", first, "DECOM", string.format("the episode started %s, before this year, but the child has no "
        .. "episodes in last year's return", first.DECOM))
    end
  end
end)

rule("1010", "care leaver information for a child whose episode was open at the end of last year needs this year's episodes",
  function(ret, last, ch, lch)
    for c, l in both(ch, lch) do
      local o = c.oc3
      if o and #c.episodes == 0 and (o.IN_TOUCH or o.ACTIV or o.ACCOM) and #open_last(l) > 0 then
        fail(ret, "1010", o, "IN_TOUCH", string.format("care leaver information, no episodes this year, but an open "
          .. "episode at the end of last year (%s)", where(last, open_last(l)[1])))
      end
    end
  end)

rule("576", "a missing period open at the end of last year is recorded again this year", function(ret, last)
  local now = {}
  for _, m in ipairs(ret.tables.missing and ret.tables.missing.rows or {}) do
    if m.CHILD and m.MIS_START then now[m.CHILD .. "|" .. m.MIS_START] = true end
  end
  local ch = validate.children(ret)
  for _, m in ipairs(last.tables.missing and last.tables.missing.rows or {}) do
    if m.CHILD and m.MIS_START and m.MIS_END == nil and not now[m.CHILD .. "|" .. m.MIS_START] then
      -- the child's header row this year carries the failure (the missing row is absent)
      local c = ch[m.CHILD]
      local rec = c and (c.header or c.episodes[1])
      if rec then
        fail(ret, "576", rec, "CHILD", string.format("last year's open missing period from %s (%s) is not in this "
          .. "year's missing table", m.MIS_START, where(last, m)))
      end
    end
  end
end)

-- ===== Decisions to place for adoption (PlacedAdoption, both years) =====
-- Each rule compares a row of this year's placed_for_adoption table with
-- last year's rows of the same child, as the DfE rules do (every pair);
-- they apply only when both returns have the table.

-- last year's placed_for_adoption rows by CHILD, or nil without the table
local function adoption_last(last)
  local t = last.tables.placed_for_adoption
  if not t then return nil end
  local by = {}
  for _, r in ipairs(t.rows) do
    if r.CHILD then by[r.CHILD] = by[r.CHILD] or {}; table.insert(by[r.CHILD], r) end
  end
  return by
end

-- fn(now_row, last_rows) for each of this year's rows, when both years have the table
local function each_adoption(ret, last, fn)
  local by = adoption_last(last)
  local t = ret.tables.placed_for_adoption
  if not (by and t) then return end
  for _, r in ipairs(t.rows) do
    if r.CHILD then fn(r, by[r.CHILD] or {}) end
  end
end

-- a date field as days (parsed when read) or, if it did not parse, its text
local function day(r, f) return r._d[f] or r[f] end
local function ceased(l) return l.DATE_PLACED_CEASED ~= nil or l.REASON_PLACED_CEASED ~= nil end

rule("559", "a decision to place for adoption dated before this year was recorded in last year's return",
  function(ret, last)
    each_adoption(ret, last, function(r, ls)
      if r._d.DATE_PLACED and r._d.DATE_PLACED < ret.start then
        for _, l in ipairs(ls) do if l.DATE_PLACED then return end end
        fail(ret, "559", r, "DATE_PLACED", string.format("DATE_PLACED is %s, before this year, but last year's "
          .. "placed for adoption table has no decision for the child", r.DATE_PLACED))
      end
    end)
  end)

rule("560", "a decision to place for adoption still in force last year keeps its date", function(ret, last)
  each_adoption(ret, last, function(r, ls)
    for _, l in ipairs(ls) do
      if l.DATE_PLACED and l.DATE_PLACED_CEASED == nil and day(r, "DATE_PLACED") ~= day(l, "DATE_PLACED") then
        fail(ret, "560", r, "DATE_PLACED", string.format("DATE_PLACED is %s, but last year's decision of %s had not "
          .. "ceased (%s)", r.DATE_PLACED or "blank", l.DATE_PLACED, where(last, l)))
        return
      end
    end
  end)
end)

rule("561", "a decision to place for adoption that ceased last year is not recorded again with the same date",
  function(ret, last)
    each_adoption(ret, last, function(r, ls)
      for _, l in ipairs(ls) do
        if r.DATE_PLACED and day(r, "DATE_PLACED") == day(l, "DATE_PLACED") and ceased(l) then
          fail(ret, "561", r, "DATE_PLACED", string.format("DATE_PLACED is %s, the date of last year's decision, "
            .. "which ceased (%s%s; %s)", r.DATE_PLACED, l.DATE_PLACED_CEASED and ("on " .. l.DATE_PLACED_CEASED) or "",
            l.REASON_PLACED_CEASED and ((l.DATE_PLACED_CEASED and ", " or "") .. "reason " .. l.REASON_PLACED_CEASED) or "",
            where(last, l)))
          return
        end
      end
    end)
  end)

rule("584", "after last year's decision to place for adoption ceased, a decision this year is later than it",
  function(ret, last)
    each_adoption(ret, last, function(r, ls)
      for _, l in ipairs(ls) do
        if l._d.DATE_PLACED and ceased(l) and not (r._d.DATE_PLACED and r._d.DATE_PLACED > l._d.DATE_PLACED) then
          fail(ret, "584", r, "DATE_PLACED", string.format("DATE_PLACED is %s, not after last year's decision of %s, "
            .. "which ceased (%s)", r.DATE_PLACED or "blank", l.DATE_PLACED, where(last, l)))
          return
        end
      end
    end)
  end)

--- Rules by code.
M.by_code = year_on_year.index().by_code

--- Apply every rule (or those in `only`) to return `ret` against `last`,
-- the previous collection year's return.  Failures go to ret.failures.
function M.validate_last(ret, last, only)
  if last.year ~= ret.year - 1 then
    error(string.format("validate_last: last year's return is for %d, not %d", last.year, ret.year - 1), 2)
  end
  year_on_year.apply(only, ret, last, validate.children(ret), validate.children(last))
  return ret
end

return M
