-- host.frame relational methods (host/bind/lframe_rel.c over host/frameops*.c):
-- select, rename, sort, aggregate, join, pivot_longer, pivot_wider,
-- frame.bind_rows, and their argument errors.
local H = ...
local frame = require("host.frame")
local NA = frame.NA

local function la_frame()
  return frame.new{
    names = { "la", "year", "rate", "n" },
    columns = {
      { "E2", "E1", "E1", "E2", "E1", NA },
      { 2020, 2020, 2021, 2021, 2020, 2020 },
      { 1.5, 2.5, NA, 4.0, 6.5, 9.0 },
      { 10, 20, 30, 40, 50, 60 },
    },
  }
end

H.case("frame select keeps the order given, as a list or as arguments", function()
  local f = la_frame()
  H.eq(f:select{ "n", "la" }:names(), { "n", "la" })
  H.eq(f:select("rate"):column("rate"), { 1.5, 2.5, NA, 4.0, 6.5, 9.0 })
  H.eq(f:names(), { "la", "year", "rate", "n" })       -- input untouched
  H.raises('select: no column "yaer" (did you mean "year"?)', f.select, f, { "yaer" })
  H.raises('select: column "la" given twice', f.select, f, { "la", "la" })
  H.raises("select: the column list[2] must be a column name (a string), got number", f.select, f, { "la", 3 })
end)

H.case("frame rename maps old to new names", function()
  local f = la_frame():rename{ la = "code", n = "count" }
  H.eq(f:names(), { "code", "year", "rate", "count" })
  H.raises('rename: no column "nn" (did you mean "n"?)', la_frame().rename, la_frame(), { nn = "x" })
  H.raises('would give two columns called "year"', la_frame().rename, la_frame(), { n = "year" })
end)

H.case("frame sort is stable, multi-key, missing last", function()
  local f = la_frame()
  H.eq(f:sort{ "la" }:column("n"), { 20, 30, 50, 10, 40, 60 })
  H.eq(f:sort{ "la", { "year", desc = true } }:column("n"), { 30, 20, 50, 40, 10, 60 })
  H.eq(f:sort{ { "rate", desc = true } }:column("n"), { 60, 50, 40, 20, 10, 30 })
  H.eq(f:sort("rate"):column("rate"), { 1.5, 2.5, 4.0, 6.5, 9.0, NA })
  H.raises('sort: no column "rat" (did you mean "rate"?)', f.sort, f, { "rat" })
  H.raises('sort: desc for key "la" must be true or false, got string', f.sort, f, { { "la", desc = "yes" } })
  H.raises("sort: key 1 must be a column name or {name, desc = true}, got number", f.sort, f, { 1 })
end)

H.case("frame aggregate, map form: groups sorted, columns in name order", function()
  local f = la_frame()
  local g = f:aggregate({ "la" }, {
    n = { "count" }, mean_rate = { "mean", "rate" }, q90 = { "quantile", "n", 0.9 },
    sd_n = { "sd", "n" }, total = { "sum", "n" }, first_rate = { "first", "rate" },
  })
  H.eq(g:names(), { "la", "first_rate", "mean_rate", "n", "q90", "sd_n", "total" })
  H.eq(g:column("la"), { "E1", "E2", NA })
  H.eq(g:column("n"), { 3, 2, 1 })
  H.eq(g:column("mean_rate"), { 4.5, 2.75, 9.0 })   -- the missing rate is skipped
  H.eq(g:column("total"), { 100, 50, 60 })
  H.eq(g:column("first_rate"), { 2.5, 1.5, 9.0 })
  H.eq(g:column("q90"), { 46, 37, 60 }, 1e-12)
  H.eq(g:value(1, "sd_n"), 15.275252316519467, 1e-12)
  H.eq(g:value(3, "sd_n"), NA)                     -- one value: no sd
  H.eq(g:na_reason(3, "sd_n"), "NaN")              -- reason: calculated
end)

H.case("frame aggregate, list form keeps the order; quantile is R type 7", function()
  local ten = {}
  for i = 1, 10 do ten[i] = i end
  local f = frame.new{ names = { "x" }, columns = { ten } }
  local g = f:aggregate(nil, {
    { "q90", "quantile", "x", 0.9 }, { "med", "median", "x" }, { "n", "count" },
    { "var", "var", "x" }, { "nd", "n_distinct", "x" },
  })
  H.eq(g:names(), { "q90", "med", "n", "var", "nd" })
  H.eq(g:value(1, "q90"), 9.1, 1e-12)
  H.eq(g:value(1, "med"), 5.5)
  H.eq(g:value(1, "n"), 10)
  H.eq(g:value(1, "var"), 55 / 6, 1e-12)
  H.eq(g:value(1, "nd"), 10)
  local e = f:head(0):aggregate({}, { s = { "sum", "x" }, m = { "mean", "x" } })
  H.eq(e:nrow(), 1)
  H.eq(e:value(1, "s"), 0)
  H.eq(e:value(1, "m"), NA)
end)

H.case("frame aggregate argument errors name the field", function()
  local f = la_frame()
  H.raises('aggregate: "m": unknown function "meen" (did you mean "mean"?)', f.aggregate, f, { "la" },
    { m = { "meen", "rate" } })
  H.raises('aggregate: "q": quantile needs a probability as its third entry', f.aggregate, f, { "la" },
    { q = { "quantile", "rate" } })
  H.raises('aggregate: "m": mean needs a number column, and "la" is text', f.aggregate, f, nil,
    { m = { "mean", "la" } })
  H.raises('aggregate: "s": sum needs a column name as its second entry, got nil', f.aggregate, f, nil,
    { s = { "sum" } })
  H.raises("give the aggregates either as a list", f.aggregate, f, nil, { { "n", "count" }, m = { "mean", "rate" } })
  H.raises('aggregate: no column "yeer" (did you mean "year"?)', f.aggregate, f, { "yeer" }, { n = { "count" } })
  H.raises("aggregate: aggregate 1 must be {name, fn, column[, p]}", f.aggregate, f, nil, { { 1, "count" } })
end)

H.case("frame join left and inner, many-to-many in dplyr order", function()
  local l = la_frame()
  local r = frame.new{
    names = { "code", "year", "rate", "region" },
    columns = { { "E1", "E1", "E2", "E9" }, { 2020, 2020, 2021, 2020 }, { 0.1, 0.2, 0.3, 0.4 },
                { "north", "north2", "south", "x" } },
  }
  local j = l:join(r, { "year", la = "code" }, "left")
  H.eq(j:names(), { "la", "year", "rate.x", "n", "rate.y", "region" })
  H.eq(j:column("n"), { 10, 20, 20, 30, 40, 50, 50, 60 })
  H.eq(j:column("region"), { NA, "north", "north2", NA, "south", "north", "north2", NA })
  H.eq(j:na_reason(1, "region"), "NaN")             -- unmatched: calculated
  local i = l:join(r, { year = "year", la = "code" }, "inner", { suffix = { "_la", "_ref" } })
  H.eq(i:names(), { "la", "year", "rate_la", "n", "rate_ref", "region" })
  H.eq(i:column("n"), { 20, 20, 40, 50, 50 })
  H.eq(l:join(r:rename{ code = "la" }, "la"):nrow(), 9)  -- a single key name, how defaults to left
end)

H.case("frame join errors", function()
  local l = la_frame()
  local r = frame.new{ names = { "la", "v" }, columns = { { 1, 2 }, { 3, 4 } } }
  H.raises('join: key "la" is text in the left frame but "la" is int64 in the right frame', l.join, l, r, "la")
  H.raises('join: no column "laa" in the right frame (did you mean "la"?)', l.join, l, r, { la = "laa" })
  H.raises('join: how must be "left" or "inner", got "outer"', l.join, l, r, "la", "outer")
  H.raises([[join: unknown field 'sufix' (did you mean "suffix"?)]], l.join, l, r, "la", "left", { sufix = {} })
  H.raises("host.Frame expected, got table", l.join, l, {}, "la")
end)

H.case("frame pivot_longer and pivot_wider round trip", function()
  local w = frame.new{
    names = { "la", "y2019", "y2020" },
    columns = { { "E1", "E2" }, { 1, NA }, { 2.5, 3.5 } },
  }
  local long = w:pivot_longer{ id = { "la" }, cols = { "y2019", "y2020" }, names_to = "year", values_to = "rate" }
  H.eq(long:names(), { "la", "year", "rate" })
  H.eq(long:column("year"), { "y2019", "y2020", "y2019", "y2020" })
  H.eq(long:column("rate"), { 1, 2.5, NA, 3.5 })
  H.eq(long:type("rate"), "float64")                -- int64 and float64 promote
  H.eq(w:pivot_longer{ cols = "y2020" }:names(), { "la", "y2019", "name", "value" })
  local back = long:pivot_wider{ id = { "la" }, names_from = "year", values_from = "rate" }
  H.eq(back:names(), { "la", "y2019", "y2020" })
  H.eq(back:column("y2019"), { 1, NA })
  H.eq(back:column("y2020"), { 2.5, 3.5 })
  local f = frame.new{
    names = { "la", "year", "n" },
    columns = { { "E2", "E1", "E1", "E3" }, { 2020, 2020, 2021, 2020 }, { 10, 20, 30, 40 } },
  }
  local wide = f:pivot_wider{ names_from = "year", values_from = "n" }
  H.eq(wide:names(), { "la", "2020", "2021" })
  H.eq(wide:column("la"), { "E2", "E1", "E3" })      -- ids in order of first appearance
  H.eq(wide:column("2020"), { 10, 20, 40 })
  H.eq(wide:column("2021"), { NA, 30, NA })
  H.eq(wide:na_reason(1, "2021"), "NaN")             -- not present: calculated
end)

H.case("frame pivot errors", function()
  local f = la_frame()
  H.raises([[pivot_longer: unknown field 'names_too' (did you mean "names_to"?)]], f.pivot_longer, f,
    { cols = { "rate" }, names_too = "x" })
  H.raises('pivot_longer: field "cols" is required', f.pivot_longer, f, { id = "la" })
  H.raises('pivot_longer: value columns "la" (text) and "rate" (float64) cannot share one column',
    f.pivot_longer, f, { cols = { "la", "rate" } })
  H.raises('pivot_wider: rows 2 and 5 have the same id (la="E1") and year = 2020; aggregate them first',
    f.pivot_wider, f, { id = "la", names_from = "year", values_from = "n" })
  H.raises('pivot_wider: field "values_from" is required', f.pivot_wider, f, { names_from = "year" })
end)

H.case("frame.bind_rows matches names, promotes, fills missing", function()
  local a = frame.new{ names = { "la", "n" }, columns = { { "E1", "E2" }, { 1, 2 } } }
  local b = frame.new{ names = { "n", "la", "extra" }, columns = { { 2.5 }, { "E3" }, { true } } }
  local r = frame.bind_rows{ a, b }
  H.eq(r:names(), { "la", "n", "extra" })
  H.eq(r:column("la"), { "E1", "E2", "E3" })
  H.eq(r:column("n"), { 1, 2, 2.5 })
  H.eq(r:type("n"), "float64")
  H.eq(r:column("extra"), { NA, NA, true })
  H.eq(frame.bind_rows(a, a):nrow(), 4)
  H.eq(frame.bind_rows{}:ncol(), 0)
  H.raises("bind_rows: item 2 is not a frame (got table)", frame.bind_rows, { a, {} })
  local c = frame.new{ names = { "la" }, columns = { { true } } }
  H.raises('bind_rows: column "la" is text in frame 1 and bool in frame 2', frame.bind_rows, { a, c })
end)
