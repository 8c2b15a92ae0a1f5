-- Stata, SPSS and SAS files through ReadStat (host/data/statfile.c): the
-- fixtures in tests/reference/statfiles/ read back and compared with what R's
-- foreign package found in them (expected.csv, labels.csv, value_labels.csv,
-- written by make_statfiles.R).  Exact comparisons: the values are stored
-- as doubles and printed by R with 15 significant digits, which these
-- values (at most 4 significant digits) survive unchanged.
local H = ...
local frame = require("host.frame")
local read = require("csc.read")
local NA = frame.NA
local dir = "tests/reference/statfiles/"

local function load_csv(name, types)
  local f = assert(frame.read_csv(dir .. name, { types = types }))
  local rows = {}
  for i = 1, f:nrow() do
    local r = {}
    for _, c in ipairs(f:names()) do
      local v = f:value(i, c)
      if v == NA then v = f:na_reason(i, c) == "NA" and "NA" or "" end
      r[c] = v
    end
    rows[#rows + 1] = r
  end
  return rows
end

local expected = load_csv("expected.csv", { value = "text", missing = "text" })
local labels = load_csv("labels.csv", { label = "text" })
local vlabels = load_csv("value_labels.csv", { value = "text", label = "text" })

local function rows_of(tbl, file)
  local out = {}
  for _, r in ipairs(tbl) do if r.file == file then out[#out + 1] = r end end
  return out
end

-- Compare f (read with labels = "codes") against R's view of `as` (another
-- file holding the same data); upper: the column names are upper case (.por).
local function check_cells(f, as, upper)
  local n = 0
  for _, e in ipairs(rows_of(expected, as)) do
    local col = upper and e.column:upper() or e.column
    local got, why = f:value(e.row, col), f:na_reason(e.row, col)
    local where = string.format("%s row %d", col, e.row)
    if e.missing == "" then
      H.ok(why == nil, where .. " should be present, is missing (" .. tostring(why) .. ")")
      if type(got) == "number" then H.eq(got, tonumber(e.value))
      else H.eq(got, e.value) end
    elseif e.missing == "user" then
      H.eq(why, "user")
      H.eq(f:user_code(e.row, col), tonumber(e.value))
    elseif e.missing == "NA" and as == "r_children.dta" and f:type(col) ~= "float64" and why == ".z" then
      -- R's write.dta stores NA in an integer column as 2147483647, Stata 6's
      -- missing code, which in the Stata 8+ formats it writes is .z; Stata
      -- and ReadStat read it as .z, R's read.dta as NA
    else
      H.eq(why, e.missing == "blank" and "" or e.missing)
    end
    n = n + 1
  end
  H.ok(n > 0, "no expectations for " .. as)
end

local function check_labels(f, as, upper, with_values)
  for _, e in ipairs(rows_of(labels, as)) do
    local m = f:meta(upper and e.column:upper() or e.column)
    H.eq(m and m.label, e.label)
  end
  if not with_values then return end
  local want, got = {}, {}
  for _, e in ipairs(rows_of(vlabels, as)) do
    want[#want + 1] = (upper and e.column:upper() or e.column) .. " " .. e.value .. " " .. e.label
  end
  for _, c in ipairs(f:names()) do
    local m = f:meta(c)
    for _, v in ipairs(m and m.value_labels or {}) do
      got[#got + 1] = c .. " " .. tostring(v.tag or v.value or v.code) .. " " .. v.label
    end
  end
  table.sort(want); table.sort(got)
  H.eq(got, want)
end

local cases = {
  { file = "children.dta", as = "children.dta", values = true },
  -- foreign's write.dta stores a Date as a plain number of days since 1970
  -- (format %9.0g), so that file's dob is a number to every reader
  { file = "r_children.dta", as = "r_children.dta", values = true, no_dates = true },
  { file = "children.sav", as = "children.sav", values = true },
  -- R's foreign reads neither of these two; they hold the same data as the
  -- .sav and the .dta.  SAS keeps value labels in a separate catalogue file.
  { file = "children.por", as = "children.sav", upper = true, values = true },
  { file = "children.sas7bdat", as = "children.dta", values = false },
}

for _, c in ipairs(cases) do
  H.case("statfile " .. c.file .. ": values, missing reasons, dates and labels as R reads them", function()
    local f, msg = read.read(dir .. c.file, { labels = "codes" })
    H.ok(f, msg)
    check_cells(f, c.as, c.upper)
    check_labels(f, c.as, c.upper, c.values)
    local dob = c.upper and "DOB" or "dob"
    H.eq(f:type(dob), c.no_dates and "int64" or "date")
  end)
end

H.case("statfile value labels as text, codes or auto, chosen per column", function()
  local f = assert(read.read(dir .. "children.dta"))          -- auto
  H.eq(f:type("sex"), "text")        -- every present code has a label
  H.eq(f:type("region"), "int64")    -- 4 has no label: codes, labels kept
  H.eq(f:column("sex"), { "Girl", "Boy", "Boy", "Girl", NA, "Girl", "Boy", NA })
  H.eq(f:na_reason(5, "sex"), ".a")
  local g = assert(read.read(dir .. "children.dta", { labels = { region = "text", sex = "codes" } }))
  H.eq(g:type("sex"), "int64")
  H.eq(g:column("region"), { "North", "Midlands", "South", "4", "North", "Midlands", "South", "North" })
  H.eq(g:meta("region").label, "Region of the authority")
  local s = assert(read.read(dir .. "children.sav", { labels = "text" }))
  -- a user-missing code is missing, and its label is kept as the text
  H.eq(s:na_reason(5, "sex"), "user")
  H.eq(s:user_code(5, "sex"), "Refused")
  H.eq(s:na_counts("score"), { present = 6, NA = 1, user = 1 })
end)

H.case("statfile labels survive filtering, sorting and renaming", function()
  local f = assert(read.read(dir .. "children.sav", { labels = "codes" }))
  local g = f:filter("id > 2"):sort{ "id" }:rename{ sex = "gender" }
  H.eq(g:meta("gender").label, "Sex of child")
  H.eq(#g:meta("gender").value_labels, 3)
  H.eq(g:na_reason(3, "gender"), "user")
end)

H.case("statfile describe shows the variable and value labels and the user-missing codes", function()
  local f = assert(read.read(dir .. "children.sav", { labels = "codes" }))
  local text = frame.describe(f, "children.sav")
  H.ok(text:find('label: "Sex of child"', 1, true), text)
  H.ok(text:find('value labels: 1 = "Girl", 2 = "Boy", -9 = "Refused"', 1, true), text)
  H.ok(text:find('user-missing codes: -9 "Refused" 1', 1, true), text)
  H.ok(text:find("1 NA, 1 user-missing", 1, true), text)
  local t = frame.describe(assert(read.read(dir .. "children.sav")), "children.sav")   -- sex as text
  H.ok(t:find('user-missing codes: "Refused" 1', 1, true), t)
  local d = frame.describe(assert(read.read(dir .. "children.dta")), "children.dta")
  H.ok(d:find('.a = "Not asked"', 1, true), d)
  H.ok(d:find("1 missing (.a)", 1, true), d)
end)

H.case("statfile errors name the file and what is wrong", function()
  local f, msg = read.read("tests/reference/statfiles/labels.csv.dta")
  H.eq(f, nil)
  H.ok(msg:find("labels.csv.dta: cannot open the file", 1, true), msg)
  f, msg = read.read(dir .. "children.dta", { labels = { nosuch = "text" } })
  H.eq(f, nil)
  H.ok(msg:find('labels option names column "nosuch", which the file does not have (its columns: id, sex', 1, true), msg)
  f, msg = read.read(dir .. "children.dta", { types = { id = "text" } })
  H.ok(msg:find("types apply to CSV files", 1, true), msg)
  H.raises('"words" is not a way to read value labels', read.read, dir .. "children.dta", { labels = "words" })
end)

H.case("statfile a recipe input is read by its extension, with its labels option", function()
  local data = require("csc.data")
  local r = { path = "recipes/x.lua", map = {}, spec = { inputs = {
    survey = { path = dir .. "children.sav", labels = { default = "codes", region = "text" } },
    stata = { path = dir .. "children.dta" } } } }
  local d, prov = data.load_inputs(r, {})
  H.eq(d.survey:type("sex"), "int64")
  H.eq(d.survey:value(1, "region"), "North")
  H.eq(d.stata:type("sex"), "text")
  H.eq(prov[2].name, "survey")
  H.eq(prov[2].rows, 8)
  H.eq(prov[2].missing_values, { NA = 3, user = 2, blank = 1 })   -- sex, score, dob; sex -9, score 99; name
end)
