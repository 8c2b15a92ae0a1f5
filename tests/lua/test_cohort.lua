-- csc.cohort: pseudo start dates for a historical comparison group, age in
-- completed years at a date, and events counted in windows around the start,
-- each against values worked out by hand on a small cohort (below).
local H = ...
local hframe = require("host.frame")
local cohort = require("csc.cohort")
local errors = require("csc.errors")
local NA = hframe.NA

-- Eight people: 1-3 and 7 in the programme (grp = 1), the rest comparators.
-- Person 5 has no event; person 7 no start date.  By hand, the programme
-- group's gaps from first event to start are 60 (1 Jan to 1 Mar 2016, a leap
-- year), 10 and 19 days: mean 29.67, median 19, so the offset is 30 days.
local people = hframe.new{ names = { "pid", "grp", "start_date", "dob" }, types = { start_date = "date", dob = "date" },
  columns = {
    { 1, 2, 3, 4, 5, 6, 7, 8 },
    { 1, 1, 1, 0, 0, 0, 1, 0 },
    { "2016-03-01", "2016-02-10", "2016-05-20", NA, NA, NA, NA, NA },
    { "2000-02-29", "2001-06-15", "1999-12-31", "2001-03-01", "2002-01-01", "2000-02-29", "2001-01-01", "2000-02-29" },
  } }
local events = hframe.new{ names = { "who", "when", "kind" }, types = { when = "date" }, columns = {
  { 1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 6, 6, 7, 8, 9 },
  { "2016-01-01", "2016-03-01", "2016-06-01", "2016-01-31", "2016-02-05", "2017-02-10", "2016-05-01", "2017-05-19",
    "2014-02-27", "2014-03-10", "2014-06-01", "2014-01-30", "2014-03-01", "2016-01-01", "2014-01-29", "2015-01-01" },
  { "violent", "drugs", "violent", "drugs", "violent", "theft", "violent", "theft",
    "violent", "drugs", "violent", "theft", "violent", "violent", "drugs", "violent" },
} }

-- A run context that records what it is told.
local function recorder()
  local r = { drops = {}, estimates = {}, methods = {}, warnings = {} }
  function r:drop(input, n, why) self.drops[#self.drops + 1] = { input, n, why } end
  function r:estimate(e) self.estimates[#self.estimates + 1] = e end
  function r:method(s) self.methods[#self.methods + 1] = s end
  function r:warn(s) self.warnings[#self.warnings + 1] = s end
  return r
end

local function start_spec(extra)
  local s = { data = people, events = events, id = "pid", event_id = "who", date = "when", treat = "grp",
    start = "start_date", anchor = "first", name = "start" }
  for k, v in pairs(extra or {}) do s[k] = v end
  return s
end

H.case("cohort.pseudo_start: the programme group's mean gap, rounded, dates the comparators", function()
  local ctx = recorder()
  local d, info = cohort.pseudo_start(start_spec({ ctx = ctx, input = "people",
    words = { treated = "young people", comparison = "comparator", anchor = "first offence" } }))
  H.eq(d:column("pid"), { 1, 2, 3, 4, 6, 8 })
  H.eq(d:column("first"), { "2016-01-01", "2016-01-31", "2016-05-01", "2014-02-27", "2014-01-30", "2014-01-29" })
  -- programme: their own start; comparators: first event + 30 days (2014 has no 29 February)
  H.eq(d:column("start"), { "2016-03-01", "2016-02-10", "2016-05-20", "2014-03-29", "2014-03-01", "2014-02-28" })
  H.eq({ info.n, info.median, info.min, info.max, info.offset, info.statistic, info.n_no_anchor, info.n_no_start,
    info.n_negative }, { 3, 19, 10, 60, 30, "mean", 1, 1, 0 })
  H.eq(info.mean, 89 / 3, 1e-15)
  H.eq(ctx.drops, { { "people", 1, "no first offence (nothing to date a start from)" },
    { "people", 1, "in the programme group without a start date (start_date)" } })
  H.eq(#ctx.estimates, 1)
  H.eq({ ctx.estimates[1].label, ctx.estimates[1].n, ctx.estimates[1].unit }, { "pseudo_start.offset_days", 3, "days" })
  H.eq(ctx.estimates[1].value, 89 / 3, 1e-15)
  H.eq(ctx.methods, { "Pseudo start dates: the 3 young people started on average 29.67 days after their first "
    .. "offence (median 19, range 10 to 60); each comparator's pseudo start is their first offence plus 30 days (the "
    .. "mean, rounded to the nearest day)." })
  H.eq(ctx.warnings, {})
end)

H.case("cohort.pseudo_start: median, rounding down or up, a stated offset, a filter on the events", function()
  local _, m = cohort.pseudo_start(start_spec({ offset = "median" }))
  H.eq({ m.offset, m.statistic }, { 19, "median" })
  local d = cohort.pseudo_start(start_spec({ round = "down" }))
  H.eq(d:column("start")[4], "2014-03-28")   -- 29 days
  local _, up = cohort.pseudo_start(start_spec({ round = "up" }))
  H.eq(up.offset, 30)
  local ctx = recorder()
  local s, st = cohort.pseudo_start(start_spec({ offset = 47, ctx = ctx }))
  H.eq({ st.offset, st.statistic }, { 47, "stated" })
  H.eq(s:column("start")[4], "2014-04-15")   -- 27 February + 47 days
  H.ok(ctx.methods[1]:find("plus the stated 47 days.", 1, true), ctx.methods[1])
  -- anchoring on the first violent event: person 2's is 5 February (gap 5),
  -- person 6's 1 March 2014; person 8 has none and is dropped with person 5
  local v, vi = cohort.pseudo_start(start_spec({ where = 'kind == "violent"' }))
  H.eq(v:column("pid"), { 1, 2, 3, 4, 6 })
  H.eq({ vi.n_no_anchor, vi.offset }, { 2, 28 })   -- (60 + 5 + 19) / 3 = 28
  -- a programme member who started before the anchoring event: a warning
  local early = people:mutate("start_date", 'if_else(pid == 2, date("2016-01-20"), start_date)')
  local wctx = recorder()
  local _, ei = cohort.pseudo_start(start_spec({ data = early, ctx = wctx }))
  H.eq({ ei.n_negative, ei.min }, { 1, -11 })
  H.eq(wctx.warnings, { "1 of the programme group members started before their first event (a negative gap, "
    .. "included in the mean)" })
end)

H.case("cohort.pseudo_start: mistakes are recipe errors naming the field", function()
  local function raises(spec, field, text, kind)
    local ok, e = pcall(cohort.pseudo_start, spec)
    H.ok(not ok and errors.is(e), "expected a structured error: " .. tostring(e))
    H.eq({ e.kind, e.field }, { kind or "recipe", field })
    H.ok(tostring(e):find(text, 1, true), tostring(e))
  end
  raises(start_spec({ ofset = 3 }), "ofset", "did you mean \"offset\"?")
  raises(start_spec({ treat = "grp2" }), "treat", "no column \"grp2\" in the data (did you mean \"grp\"?)")
  raises(start_spec({ treat = "dob" }), "treat", "column \"dob\" is date")
  raises(start_spec({ date = "kind" }), "date", "column \"kind\" of the events is text, not a date")
  raises(start_spec({ offset = "mode" }), "offset", "\"mean\", \"median\" or a whole number of days")
  raises(start_spec({ round = "nearst" }), "round", "did you mean \"nearest\"?")
  raises(start_spec({ anchor = "dob" }), "anchor", "already has a column \"dob\"")
  raises(start_spec({ words = { treatd = "x" } }), "words.treatd", "did you mean \"treated\"?")
  -- no programme member with both dates: a data error, unless the offset is stated
  local none = people:filter("grp == 0")
  raises(start_spec({ data = none }), "data", "the mean gap cannot be estimated", "data")
  local d, info = cohort.pseudo_start(start_spec({ data = none, offset = 10 }))
  H.eq({ d:nrow(), info.n, info.offset }, { 3, 0, 10 })
end)

H.case("cohort.age: completed years at a date, with 29 February birthdays", function()
  local d = cohort.pseudo_start(start_spec())
  local a = cohort.age({ data = d, born = "dob", at = "start" })
  -- by hand: 16 (29 Feb 2000 to 1 Mar 2016), 14, 16, 13, 14 (29 Feb 2000 to
  -- 1 Mar 2014: the birthday counts from 1 March), 13 (to 28 Feb 2014)
  H.eq(a:column("age"), { 16, 14, 16, 13, 14, 13 })
  H.eq(a:type("age"), "int64")
  local c = cohort.age({ data = people, born = "dob", at = "2016-02-28", name = "age_census" })
  H.eq(c:column("age_census"), { 15, 14, 16, 14, 14, 15, 15, 15 })
  H.raises("cohort.age: at: \"strat\" is neither a column of the data nor a date written YYYY-MM-DD",
    cohort.age, { data = d, born = "dob", at = "strat" })
  H.raises("cohort.age: born: column \"pid\" of the data is int64, not a date", cohort.age,
    { data = d, born = "pid", at = "start" })
end)

H.case("cohort.event_counts: windows around the start, by type, flags, the start day", function()
  local d = cohort.pseudo_start(start_spec())
  local ctx = recorder()
  local c, info = cohort.event_counts({ data = d, events = events, id = "pid", event_id = "who", date = "when",
    start = "start", type = "kind", types = { "violent", "drugs" },
    windows = { pre = { -36500, -1 }, post = { 1, 365 } }, flags = { reoffended = "post" }, ctx = ctx,
    words = { people = "young people", event = "an offence" } })
  H.eq(c:column("pid"), { 1, 2, 3, 4, 6, 8 })
  -- by hand: person 2's offence 366 days on (2016 is a leap year) is outside
  -- the year; person 3's, 364 days on, inside it; person 4's of 10 March is
  -- before the pseudo start of 29 March
  H.eq(c:column("pre"), { 1, 2, 1, 2, 1, 1 })
  H.eq(c:column("pre_violent"), { 1, 1, 1, 1, 0, 0 })
  H.eq(c:column("pre_drugs"), { 0, 1, 0, 1, 0, 1 })
  H.eq(c:column("post"), { 1, 0, 1, 1, 0, 0 })
  H.eq(c:column("post_violent"), { 1, 0, 0, 1, 0, 0 })
  H.eq(c:column("reoffended"), { 1, 0, 1, 1, 0, 0 })
  -- persons 1 and 6 have an offence on their start day, which no window holds
  H.eq(info.n_start_day, 2)
  H.eq(ctx.warnings, { "2 young people have an offence on their (pseudo) start day; it is counted in no window." })
  H.eq(ctx.methods, { "Events counted in windows of days around each (pseudo) start, both ends included (post, 1 "
    .. "to 365 days; pre, any time up to -1 days), in total and by type (violent, drugs)." })
  -- a window that holds day 0 counts them, and there is nothing to warn about
  local ctx2 = recorder()
  local c2, i2 = cohort.event_counts({ data = d, events = events, id = "pid", event_id = "who", date = "when",
    windows = { { name = "after", from = 0, to = 365 } }, ctx = ctx2, method = "Offences on or after the start." })
  H.eq(c2:column("after"), { 2, 0, 1, 1, 1, 0 })
  H.eq({ i2.n_start_day, ctx2.warnings, ctx2.methods }, { 0, {}, { "Offences on or after the start." } })
  H.raises("cohort.event_counts: flags.reoffended: pst is not one of the windows (did you mean \"post\"?)",
    cohort.event_counts, { data = d, events = events, id = "pid", event_id = "who", date = "when",
      windows = { pre = { -365, -1 }, post = { 1, 365 } }, flags = { reoffended = "pst" } })
  H.raises("cohort.event_counts: windows.pre: starts after it ends (-1 to -365 days)", cohort.event_counts,
    { data = d, events = events, id = "pid", event_id = "who", date = "when", windows = { pre = { -1, -365 } } })
end)

H.case("cohort: counts of people in warnings follow disclosure control (ctx:count)", function()
  local ctx = recorder()
  function ctx:count(n) return (n > 0 and n < 5) and "fewer than 5" or tostring(n) end
  local d = cohort.pseudo_start(start_spec())
  cohort.event_counts({ data = d, events = events, id = "pid", event_id = "who", date = "when",
    windows = { post = { 1, 365 } }, ctx = ctx, words = { people = "young people", event = "an offence" } })
  H.eq(ctx.warnings, { "fewer than 5 young people have an offence on their (pseudo) start day; it is counted in no "
    .. "window." })
end)

H.case("cohort verbs in a design's steps: the frame the calls make, mistakes at the step's field", function()
  local steps = require("csc.steps")
  local list = {
    { pseudo_start = "start", events = "ev", id = "pid", event_id = "who", date = "when", treat = "grp",
      start = "start_date", anchor = "first", words = { anchor = "first offence" } },
    { age = "age", born = "dob", at = "start" },
    { event_counts = "ev", id = "pid", event_id = "who", date = "when", type = "kind", types = { "violent", "drugs" },
      windows = { pre = { -36500, -1 }, post = { 1, 365 } }, flags = { reoffended = "post" } },
  }
  H.eq(steps.check_list(list), nil)
  local ctx = recorder()
  local f = steps.run(people, list, { data = { ev = events }, ctx = ctx, input = "people" })
  local d = cohort.pseudo_start(start_spec())
  d = cohort.age({ data = d, born = "dob", at = "start" })
  d = cohort.event_counts({ data = d, events = events, id = "pid", event_id = "who", date = "when", type = "kind",
    types = { "violent", "drugs" }, windows = { pre = { -36500, -1 }, post = { 1, 365 } },
    flags = { reoffended = "post" } })
  H.eq(f:names(), d:names())
  for _, c in ipairs(d:names()) do H.eq(f:column(c), d:column(c)) end
  H.eq(ctx.drops, { { "people", 1, "no first offence (nothing to date a start from)" },
    { "people", 1, "in the programme group without a start date (start_date)" } })
  H.eq({ #ctx.estimates, #ctx.methods, #ctx.warnings }, { 1, 2, 1 })
  -- a misspelt field is refused when the recipe is checked
  local errs = {}
  require("csc.schema").validate(steps.schema, { { age = "age", bron = "dob", at = "start" } }, "design.steps", errs)
  local found = false
  for _, e in ipairs(errs) do
    if e.path == "design.steps[1].bron" and e.msg == "unknown field (did you mean \"born\"?)" then found = true end
  end
  H.ok(found, "a misspelt field: " .. require("csc.json").encode(errs))
  H.ok(steps.check_list({ { pseudo_start = "start", events = "ev", id = "pid", date = "when", treat = "grp",
    start = "start_date", offset = "mode" } }) ~= nil, "an offset that is neither mean, median nor days")
  -- a mistake found when the step runs names the step's field
  H.raises("design.steps[1].treat: no column \"nope\" in the data", steps.run, people, { { pseudo_start = "start",
    events = "ev", id = "pid", event_id = "who", date = "when", treat = "nope", start = "start_date" } },
    { data = { ev = events } })
  H.raises("design.steps[1].events: \"evs\" is not among the inputs (did you mean \"ev\"?)", steps.run, people,
    { { pseudo_start = "start", events = "evs", id = "pid", date = "when", treat = "grp", start = "start_date" } },
    { data = { ev = events } })
  H.raises("design.steps[1].pseudo_start: in expression \"kind == \"", steps.run, people,
    { { pseudo_start = "start", events = "ev", id = "pid", event_id = "who", date = "when", treat = "grp",
      start = "start_date", where = "kind == " } },
    { data = { ev = events } })
  H.raises("design.steps[2].age: the data already has a column \"grp\"", steps.run, people,
    { { derive = "x", as = "1" }, { age = "grp", born = "dob", at = "2016-01-01" } }, { data = {} })
  H.raises("design.steps[1].flags.reoffended: pst is not one of the windows", steps.run, f:select({ "pid", "start" }),
    { { event_counts = "ev", id = "pid", event_id = "who", date = "when", windows = { post = { 1, 365 } },
      flags = { reoffended = "pst" } } }, { data = { ev = events } })
end)
