--- Cohorts from person-level and event-level records: the constructions an
-- evaluation does before its design, by concept.
--
--   * `pseudo_start`: a historical comparison group's pseudo start dates.
--     The programme group started some time after an anchoring event (a
--     first recorded offence, a first referral); each comparison unit is
--     given a start at its own anchoring event plus the programme group's
--     mean (or median) gap, rounded to whole days.
--   * `age`: age in completed years at a date (the expression function
--     `years_between(born, at)`, docs/expressions.md).
--   * `event_counts`: each person's events counted in windows of days around
--     their (pseudo) start, in total and by type, with flags such as
--     "reoffended" (any event in a window), and a warning when events on the
--     start day fall in no window.
--
-- Column names are arguments; nothing here is specific to offences.  With
-- `ctx` (a run context) each records what a report needs: the people it
-- drops and why, the offset as an estimate, a Methods sentence, warnings.
-- The event-level numerics are `match.first_event` and `match.window_counts`
-- (C).  Reference: docs/cohort.md.
-- @module csc.cohort
local check = require("csc.check")
local match = require("csc.match")
local util = require("csc.util")

---@class csc.cohort
local M = {}

-- ===== checks =====

local function fail(fn, field, detail, kind) check.fail("cohort." .. fn, field, detail, kind) end
local function failn(fn, field, text, kind) check.fail_named("cohort." .. fn, field, text, kind) end

local function declare(fn, list)
  return check.signature("cohort." .. fn, list, { what = "{data = ..., ...}" })
end

local function need_frame(fn, spec, field) return check.frame("cohort." .. fn, spec, field) end

local function need_column(fn, f, field, name, required, what)
  return check.column("cohort." .. fn, f, field, name, required, what and ("the " .. what))
end

local function need_date(fn, f, field, name, what)
  if f:type(name) ~= "date" then
    fail(fn, field, string.format("column %q of the %s is %s, not a date", name, what or "data", f:type(name)))
  end
  return name
end

local function new_name(fn, f, field, name, default)
  name = name or default
  if type(name) ~= "string" or name == "" then
    failn(fn, field, string.format("field '%s' must be a column name (string), got %s", field, type(name)))
  end
  if f:has(name) then
    fail(fn, field, string.format("the data already has a column %q; name the new column otherwise", name))
  end
  return name
end

-- The fields pseudo_start and event_counts share: the people, their
-- events, the two id columns and the events' date.
local function people_and_events(fn, spec)
  check.options(check.signatures["cohort." .. fn], spec)
  local people = need_frame(fn, spec, "data")
  local events = need_frame(fn, spec, "events")
  local id = need_column(fn, people, "id", spec.id, true)
  local eid = need_column(fn, events, "event_id", spec.event_id or id, true, "events")
  local date = need_date(fn, events, "date", need_column(fn, events, "date", spec.date, true, "events"), "events")
  return people, events, id, eid, date
end

local function words_of(fn, v, defaults)
  local w = util.copy(defaults)
  if v == nil then return w end
  if type(v) ~= "table" then failn(fn, "words", "field 'words' must be a table {treated = \"...\", ...}") end
  for k, s in pairs(v) do
    if defaults[k] == nil then
      fail(fn, "words." .. tostring(k), "not one of the words" .. util.hint(tostring(k), util.sorted_keys(defaults)))
    end
    if type(s) ~= "string" then failn(fn, "words." .. k, string.format("words.%s must be text", k)) end
    w[k] = s
  end
  return w
end

local function q(name) return "`" .. name:gsub("`", "``") .. "`" end

-- A count of people in running text: under disclosure control a count from
-- 1 to the threshold is "fewer than 5" (ctx:count).
local function count(ctx, n)
  if ctx.count then return ctx:count(n) end
  return tostring(math.tointeger(n) or n)
end

-- A filter expression for rows of the treated group: a true/false column,
-- or 1 (a 0/1 number).
local function treated_expr(fn, f, treat)
  local t = f:type(treat)
  if t == "bool" then return q(treat) end
  if t == "int64" or t == "float64" then return q(treat) .. " == 1" end
  fail(fn, "treat", string.format("column %q is %s; give a 0/1 or true/false column (1 = the programme group)",
    treat, t))
end

-- Whole days from a gap statistic, rounded as stated.
local ROUND = {
  nearest = function(x) return math.floor(x + 0.5) end,   -- halves up: 46.5 -> 47
  down = math.floor,
  up = math.ceil,
}

local function days(x) return math.tointeger(x) or x end

-- ===== pseudo start dates =====

declare("pseudo_start", { "data", "events", "id", "event_id", "date", "where", "treat", "start", "anchor",
  "name", "offset", "round", "ctx", "input", "label", "words" })

--- Start dates for a programme group and a historical comparison group.
-- Each person's anchoring event is their first event (`match.first_event`,
-- after `where`); people without one are dropped.  The programme group's
-- gap from anchoring event to start gives the offset: its mean (default) or
-- median in days, rounded (`round`: "nearest" with halves up, "down",
-- "up"), or a number of days the report states.  The start column `name`
-- is the programme group's own start and the comparison group's anchoring
-- event plus the offset.
-- @tparam table spec `data` (people, one row each), `events`, `id` (people's
--   id), `event_id` (the events' id, default `id`), `date` (the events'
--   date), `where` (a filter on the events first), `treat` (a 0/1 or
--   true/false column, 1 = programme), `start` (the programme group's start
--   date), `anchor` (new column: the anchoring event's date, "anchor"),
--   `name` (new column: the start, "start"), `offset` ("mean", "median" or
--   whole days), `round`, `ctx`, `input` (the input named in drops, "data"),
--   `label` (the estimate, "pseudo_start.offset_days"), `words` (treated,
--   comparison, anchor, start: how the Methods sentence names them).
-- @treturn frame people with the anchor and start columns
-- @treturn table info: offset, statistic, mean, median, min, max, n (the
--   programme group's gaps), n_no_anchor, n_no_start, n_negative
---@param spec table
---@return csc.Frame, table
function M.pseudo_start(spec)
  local fn = "pseudo_start"
  local people, events, id, eid, date = people_and_events(fn, spec)
  local treat = need_column(fn, people, "treat", spec.treat, true)
  local start = need_date(fn, people, "start", need_column(fn, people, "start", spec.start, true))
  local anchor = new_name(fn, people, "anchor", spec.anchor, "anchor")
  local name = new_name(fn, people, "name", spec.name, "start")
  if name == anchor then fail(fn, "name", "the start and anchor columns need different names") end
  local offset = spec.offset == nil and "mean" or spec.offset
  if not (offset == "mean" or offset == "median" or math.type(offset) == "integer") then
    failn(fn, "offset", string.format("field 'offset' must be \"mean\", \"median\" or a whole number of days, got %s",
      type(offset) == "string" and string.format("%q", offset) or tostring(offset)))
  end
  local rounding = check.choice("cohort." .. fn, "round", spec.round, { "nearest", "down", "up" }, "nearest")
  local ctx, input = spec.ctx, spec.input or "data"
  local w = words_of(fn, spec.words, { treated = "programme group members", comparison = "comparison group member",
    anchor = "first event", start = "the start" })
  local is_treated = treated_expr(fn, people, treat)

  local first = match.first_event({ data = events, id = eid, date = date, name = anchor, where = spec.where })
  local d = people:join(first, { [id] = eid }, "left")
  local info = {}
  info.n_no_anchor = d:filter("is_missing(" .. q(anchor) .. ")"):nrow()
  if info.n_no_anchor > 0 then
    if ctx then ctx:drop(input, info.n_no_anchor, string.format("no %s (nothing to date a start from)", w.anchor)) end
    d = d:filter("not is_missing(" .. q(anchor) .. ")")
  end
  info.n_no_start = d:filter(is_treated .. " and is_missing(" .. q(start) .. ")"):nrow()
  if info.n_no_start > 0 then
    if ctx then ctx:drop(input, info.n_no_start, string.format("in the programme group without a start date (%s)", start)) end
    d = d:filter("not (" .. is_treated .. ") or not is_missing(" .. q(start) .. ")")
  end

  local gaps = d:filter(is_treated):mutate("_gap", string.format("days_between(%s, %s)", q(anchor), q(start)))
    :mutate("_neg", "if_else(_gap < 0, 1, 0)")
  local s = gaps:aggregate(nil, { { "mean", "mean", "_gap" }, { "median", "median", "_gap" }, { "min", "min", "_gap" },
    { "max", "max", "_gap" }, { "n", "n", "_gap" }, { "negative", "sum", "_neg" } })
  info.n = s:value(1, "n")
  if info.n == 0 and math.type(offset) ~= "integer" then
    fail(fn, "data", string.format("no one in the programme group (%s) has both a %s and a %s date, so the %s "
      .. "gap cannot be estimated; state the offset in days instead", treat, w.anchor, w.start, offset), "data")
  end
  info.mean, info.median = s:value(1, "mean"), s:value(1, "median")
  info.min, info.max = days(s:value(1, "min")), days(s:value(1, "max"))
  info.n_negative = s:value(1, "negative")
  if math.type(offset) == "integer" then
    info.statistic, info.offset = "stated", offset
  else
    info.statistic = offset
    info.offset = math.tointeger(ROUND[rounding](info[offset]))
  end

  d = d:mutate(name, string.format("if_else(%s, %s, %s + %d)", is_treated, q(start), q(anchor), info.offset))

  if ctx then
    local how = ({ nearest = "rounded to the nearest day", down = "rounded down to whole days",
      up = "rounded up to whole days" })[rounding]
    if info.n > 0 then
      local stat = info.statistic == "median" and "median" or "mean"
      ctx:estimate({ label = spec.label or "pseudo_start.offset_days", value = info[stat], unit = "days", n = info.n,
        method = string.format("%s days from %s to %s, %s", stat, w.anchor, w.start, w.treated) })
    end
    local where = info.statistic == "stated" and string.format("the stated %d days", info.offset)
      or string.format("%d days (the %s, %s)", info.offset, info.statistic, how)
    if info.n > 0 then
      ctx:method(string.format("Pseudo start dates: the %s %s started on average %.2f days after their %s (median "
        .. "%s, range %s to %s); each %s's pseudo start is their %s plus %s.", count(ctx, info.n), w.treated, info.mean,
        w.anchor,
        util.fmt_number(info.median), tostring(info.min), tostring(info.max), w.comparison, w.anchor, where))
    else
      ctx:method(string.format("Pseudo start dates: each %s's pseudo start is their %s plus %s.", w.comparison,
        w.anchor, where))
    end
    if info.n_negative > 0 then
      ctx:warn(string.format("%s of the %s started before their %s (a negative gap, included in the %s)",
        count(ctx, info.n_negative), w.treated, w.anchor, info.statistic == "median" and "median" or "mean"))
    end
  end
  return d, info
end

-- ===== age =====

declare("age", { "data", "born", "at", "name" })

--- Age in completed years at a date: the new column `name` ("age") is
-- `years_between(born, at)` (docs/expressions.md: the anniversary of
-- 29 February is 1 March in other years).
-- @tparam table spec `data`, `born` (a date column), `at` (a date column, or
--   a date written "YYYY-MM-DD": age on that day), `name`.
-- @treturn frame
---@param spec {data: csc.Frame, born: string, at: string, name?: string}
---@return csc.Frame
function M.age(spec)
  local fn = "age"
  check.options(check.signatures["cohort." .. fn], spec)
  local f = need_frame(fn, spec, "data")
  local born = need_date(fn, f, "born", need_column(fn, f, "born", spec.born, true))
  local at = spec.at
  if type(at) ~= "string" then failn(fn, "at", "field 'at' is required: a date column or a date \"YYYY-MM-DD\"") end
  local at_expr
  if f:has(at) then
    at_expr = q(need_date(fn, f, "at", at))
  elseif at:match("^%d%d%d%d%-%d%d%-%d%d$") then
    at_expr = string.format('date("%s")', at)
  else
    fail(fn, "at", string.format("%q is neither a column of the data nor a date written YYYY-MM-DD%s", at,
      util.hint(at, f:names())))
  end
  local name = new_name(fn, f, "name", spec.name, "age")
  return f:mutate(name, string.format("years_between(%s, %s)", q(born), at_expr))
end

-- ===== events in windows around the start =====

declare("event_counts", { "data", "events", "id", "event_id", "date", "start", "type", "types", "windows", "flags",
  "ctx", "method", "words" })

local function window_list(fn, windows) return match._windows("cohort." .. fn, windows) end

local function span(w)
  if w.from <= -36500 then return string.format("any time up to %d days", w.to) end
  return string.format("%d to %d days", w.from, w.to)
end

--- Each person's events in windows of days around their start, joined to
-- the people: per window `<name>` (all events) and `<name>_<type>` for each
-- of `types`; `flags` {new = "window"} adds 1/0 columns (1 when the window
-- holds any event).  When no window holds day 0, events on the start day
-- are counted nowhere: with `ctx` that is a warning naming how many people
-- have one.
-- @tparam table spec `data` (people, one row each, with `start`), `events`,
--   `id`, `event_id` (default `id`), `date`, `start` ("start"), `type`,
--   `types`, `windows` ({name = {from, to}} or a list of {name =, from =,
--   to =}: days from the start, both ends included; from = -36500 reads
--   "any time before"), `flags`, `ctx`, `method` (the Methods sentence
--   instead of the generated one), `words` (people, event).
-- @treturn frame the people with the counts and flags
-- @treturn table info: windows, n_start_day (people with an event on the
--   start day)
---@param spec table
---@return csc.Frame, table
function M.event_counts(spec)
  local fn = "event_counts"
  local people, events, id, eid, date = people_and_events(fn, spec)
  local start = need_date(fn, people, "start", need_column(fn, people, "start", spec.start or "start", true))
  local typ = need_column(fn, events, "type", spec.type, false, "events")
  local types = spec.types or {}
  if type(types) ~= "table" then failn(fn, "types", "field 'types' must be a list of event types") end
  if #types > 0 and not typ then failn(fn, "types", "'types' need 'type' (the events' type column)") end
  local wins = window_list(fn, spec.windows)
  local flags = spec.flags or {}
  if type(flags) ~= "table" then failn(fn, "flags", "field 'flags' must be a table {new_column = \"window\"}") end
  local known = {}
  for _, w in ipairs(wins) do known[w.name] = true end
  local flag_names = util.sorted_keys(flags)
  for _, k in ipairs(flag_names) do
    local v = flags[k]
    if type(v) ~= "string" or not known[v] then
      local names = {}
      for _, w in ipairs(wins) do names[#names + 1] = w.name end
      fail(fn, "flags." .. tostring(k), string.format("%s is not one of the windows%s", tostring(v),
        util.hint(tostring(v), names)))
    end
  end
  local w = words_of(fn, spec.words, { people = "people", event = "an event" })

  local counts = match.window_counts({ events = events, people = people, id = eid, person_id = id, date = date,
    start = start, type = typ, types = types, windows = wins })
  for _, c in ipairs(counts:names()) do
    if c ~= id and people:has(c) then
      fail(fn, "windows", string.format("the data already has a column %q, which the counts would add", c))
    end
  end
  local d = people:join(counts, id, "left")
  for _, k in ipairs(flag_names) do
    d = d:mutate(new_name(fn, d, "flags." .. k, k), string.format("if_else(%s > 0, 1, 0)", q(flags[k])))
  end

  local info = { windows = wins, n_start_day = 0 }
  local covered = false
  for _, x in ipairs(wins) do if x.from <= 0 and x.to >= 0 then covered = true end end
  if not covered then
    info.n_start_day = match.window_counts({ events = events, people = people, id = eid, person_id = id, date = date,
      start = start, windows = { { name = "day0", from = 0, to = 0 } } }):filter("day0 > 0"):nrow()
  end
  if spec.ctx then
    local ctx = spec.ctx
    if info.n_start_day > 0 then
      ctx:warn(string.format("%s %s have %s on their (pseudo) start day; it is counted in no window.",
        count(ctx, info.n_start_day), w.people, w.event))
    end
    if spec.method ~= nil then
      if type(spec.method) ~= "string" then failn(fn, "method", "field 'method' must be text (a Methods sentence)") end
      ctx:method(spec.method)
    else
      local parts = {}
      for _, x in ipairs(wins) do parts[#parts + 1] = string.format("%s, %s", x.name, span(x)) end
      ctx:method(string.format("Events counted in windows of days around each (pseudo) start, both ends included "
        .. "(%s)%s.", table.concat(parts, "; "), #types > 0 and (", in total and by type (" .. table.concat(types, ", ")
        .. ")") or ""))
    end
  end
  return d, info
end

return M
