--- The cohort verbs of a design's steps (csc.steps): what csc.cohort does,
-- written as a plan.
--   steps = {
--     { pseudo_start = "start", events = "offences", id = "person_id", date = "offence_date",
--       treat = "f4m", start = "start_date", anchor = "first_offence" },
--     { age = "age", born = "date_of_birth", at = "start" },
--     { event_counts = "offences", id = "person_id", date = "offence_date", type = "offence_type",
--       types = { "violent", "drugs" }, windows = { pre = { -36500, -1 }, post = { 1, 365 } },
--       flags = { reoffended = "post" } },
--   }
-- Each verb runs on the frame the steps before it made; `events` (and
-- event_counts' own argument) name another input.  Drops, the offset's
-- estimate, Methods sentences and warnings go to the run context; a mistake
-- names design.steps[i].<field> and the recipe line.  docs/cohort.md.
-- @module csc.cohort.steps
local S = require("csc.schema")
local errors = require("csc.errors")
local util = require("csc.util")
local cohort = require("csc.cohort")
local steps = require("csc.steps")

local function col(doc, required) return S.string({ doc = doc, required = required }) end
local WINDOW = S.list(S.integer(), { min_items = 2 })

-- The events input a step names, or an error at `field`.
local function input_of(env, field, name)
  local f = env.data[name]
  if f == nil then
    env:raise(field, string.format("%q is not among the inputs%s", tostring(name), util.hint(tostring(name),
      util.sorted_keys(env.data))))
  end
  return f
end

-- Call a csc.cohort function; its errors are raised at the step's field
-- (`map` renames the library's fields: its `name` is the verb's argument).
local function call(env, map, f, spec)
  local ok, d, info = pcall(f, spec)
  if ok then return d, info end
  local e = d
  if errors.is(e) and type(e.fn) == "string" and e.fn:match("^cohort%.") then
    local head = e.field and e.field:match("^([%w_]+)")
    local field = head and ((map[head] or head) .. e.field:sub(#head + 1)) or nil
    if map[head] == false then field = nil end
    env:raise(field, e.detail, e.kind)
  end
  if errors.is(e) and e.located then error(e, 0) end
  -- what a frame operation or the event-level engine raised (a `where` that
  -- does not parse): at the step, as csc.steps does for its own verbs
  e = errors.from_host(e, nil, "recipe")
  env:raise(nil, util.plain_error(e), e.kind == "data" and "data" or "recipe")
end

steps.register("pseudo_start", S.record({
  pseudo_start = S.string({ doc = "pseudo_start: the start column to make: the programme group's own start date, "
    .. "and for the comparison group its anchoring event plus the programme group's mean (or median) gap, in whole "
    .. "days (docs/cohort.md)" }),
  events = S.string({ required = true, doc = "pseudo_start: the input of events, one row each" }),
  id = col("pseudo_start: the people's id column", true),
  event_id = col("pseudo_start: the events' id column (default id)"),
  date = col("pseudo_start: the events' date column", true),
  where = S.string({ doc = "pseudo_start: which events can anchor, an expression on the events" }),
  treat = col("pseudo_start: 0/1 or true/false column, 1 = the programme group", true),
  start = col("pseudo_start: the programme group's start date column", true),
  anchor = col("pseudo_start: the column of the anchoring (first) event's date to make (default \"anchor\")"),
  offset = S.either({ S.enum({ "mean", "median" }), S.integer() }, { doc = "pseudo_start: \"mean\" (default), "
    .. "\"median\" or a whole number of days the report states" }),
  round = S.enum({ "nearest", "down", "up" }, { doc = "pseudo_start: the gap in whole days: nearest (default, "
    .. "halves up), down or up" }),
  label = S.string({ doc = "pseudo_start: the estimate of the gap (default \"pseudo_start.offset_days\")" }),
  words = S.record({ treated = S.string({ doc = "pseudo_start: the programme group, plural (\"young people\")" }),
    comparison = S.string({ doc = "pseudo_start: a comparison group member (\"comparator\")" }),
    anchor = S.string({ doc = "pseudo_start: the anchoring event (\"first recorded offence\")" }),
    start = S.string({ doc = "pseudo_start: the start (\"the programme start\")" }) },
    { doc = "pseudo_start: how the Methods sentence names the programme group (plural), a comparison group "
      .. "member, the anchoring event and the start" }),
}), function(f, s, env)
  return (call(env, { name = "pseudo_start", data = false }, cohort.pseudo_start, {
    data = f, events = input_of(env, "events", s.events), id = s.id, event_id = s.event_id, date = s.date,
    where = s.where, treat = s.treat, start = s.start, anchor = s.anchor, name = s.pseudo_start, offset = s.offset,
    round = s.round, label = s.label, words = s.words, ctx = env.ctx, input = env.input }))
end)

steps.register("age", S.record({
  age = S.string({ doc = "age: the column to make: age in completed years (years_between(born, at))" }),
  born = col("age: the date of birth column", true),
  at = S.string({ required = true, doc = "age: a date column, or a date written \"YYYY-MM-DD\"" }),
}), function(f, s, env)
  return call(env, { name = "age", data = false }, cohort.age, { data = f, born = s.born, at = s.at, name = s.age })
end)

steps.register("event_counts", S.record({
  event_counts = S.string({ doc = "event_counts: the input of events to count in windows around each start "
    .. "(columns <window> and <window>_<type>)" }),
  id = col("event_counts: the people's id column", true),
  event_id = col("event_counts: the events' id column (default id)"),
  date = col("event_counts: the events' date column", true),
  start = col("event_counts: the people's start column (default \"start\")"),
  type = col("event_counts: the events' type column"),
  types = S.list(S.string(), { doc = "event_counts: types counted separately" }),
  windows = S.map(WINDOW, { required = true, doc = "event_counts: { name = { from, to } }, days from the start, "
    .. "both ends included" }),
  flags = S.map(S.string(), { doc = "event_counts: { new_column = \"window\" }: 1 when the window holds an event" }),
  method = S.string({ doc = "event_counts: the Methods sentence, instead of the generated one" }),
  words = S.record({ people = S.string({ doc = "event_counts: the people, plural (\"young people\")" }),
    event = S.string({ doc = "event_counts: one event (\"an offence\")" }) },
    { doc = "event_counts: how the start-day warning names the people and an event" }),
}), function(f, s, env)
  return (call(env, { events = "event_counts", data = false }, cohort.event_counts, {
    data = f, events = input_of(env, nil, s.event_counts), id = s.id, event_id = s.event_id, date = s.date,
    start = s.start, type = s.type, types = s.types, windows = s.windows, flags = s.flags, method = s.method,
    words = s.words, ctx = env.ctx }))
end)

return {}
