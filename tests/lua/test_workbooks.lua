-- Workbooks (host/data/workbook*.c, on libzip and libxml2) and survey
-- exports.  outcomes.xlsx is compared cell by cell with a second reader,
-- openpyxl (expected_outcomes.csv, written by make_workbooks.py); the Ofsted
-- .ods files in ../shared/data/ofsted/ are compared with the CSV sheets
-- beside them.  Numbers are compared exactly: the reader writes each with
-- enough digits for strtod to give back the same double, and openpyxl's
-- repr() does the same.
local H = ...
local frame = require("host.frame")
local read = require("csc.read")
local sys = require("host.sys")
local NA = frame.NA
local dir = "tests/reference/workbooks/"
local SYMBOLS = { c = true, x = true, z = true, k = true, u = true, low = true, [":"] = true }

H.case("workbook xlsx: every cell of the table as openpyxl reads it", function()
  local f = assert(read.read(dir .. "outcomes.xlsx", { sheet = "Table 1" }))
  local e = assert(frame.read_csv(dir .. "expected_outcomes.csv", { types = { value = "text" } }))
  H.eq(f:nrow(), 4)          -- below the title, note and blank rows; above the footnote
  H.eq(f:names(), { "la_code", "la_name", "region", "rate", "referrals", "share", "started",
    "reviewed", "updated", "good", "double_rate", "per_referral" })
  local n = 0
  for i = 1, e:nrow() do
    local row, col, want = e:value(i, "row"), e:value(i, "column"), e:value(i, "value")
    local got, why = f:value(row, col), f:na_reason(row, col)
    local where = string.format("%s row %d", col, row)
    if want == NA and e:na_reason(i, "value") == "" then
      H.ok(why == "", where .. ": expected blank, got " .. tostring(got))
    elseif want == NA then
      H.eq(why, e:na_reason(i, "value"))
    elseif SYMBOLS[want] then                    -- "c" in a number column of the workbook: missing
      H.eq(why, want)                            -- for that reason (the expected file's value
                                                 -- column is text, where "c" is a value)
    elseif want:match("^#") then
      H.eq(why, "NA")                            -- an error value (#DIV/0!) is missing
    elseif type(got) == "number" then
      H.eq(got, tonumber(want))
    elseif type(got) == "boolean" then
      H.eq(got and "TRUE" or "FALSE", want)
    else
      H.eq(got, want)
    end
    n = n + 1
  end
  H.eq(n, 48)
  H.eq(f:type("rate"), "float64")
  H.eq(f:type("referrals"), "int64")
  H.eq(f:type("started"), "date")      -- built-in date format 14
  H.eq(f:type("reviewed"), "date")     -- custom dd/mm/yyyy
  H.eq(f:type("updated"), "text")      -- date-times: a frame has no time type
  H.eq(f:type("good"), "bool")
  H.eq(f:value(4, "reviewed"), "1900-03-01")   -- serial 61, after Excel's phantom 29 Feb 1900
  H.eq(f:value(2, "region"), "East Midlands")  -- merged down from the row above
end)

H.case("workbook sheet by position, header row given or found, the same table", function()
  local a = assert(read.read(dir .. "outcomes.xlsx", { sheet = 2 }))
  local b = assert(read.read(dir .. "outcomes.xlsx", { sheet = "table 1", header_row = 4 }))
  H.eq(a:column("per_referral"), b:column("per_referral"))
  H.eq(a:nrow(), b:nrow())
  local c = assert(read.read(dir .. "outcomes.xlsx"))     -- sheet 1, the cover: its one line is the table
  H.eq(c:names(), { "Children in need: outcomes by authority" })
  local d = assert(read.read(dir .. "outcomes.xlsx", { sheet = "As at" }))   -- ISO 8601 date cells
  H.eq(d:type("as_at"), "date")
  H.eq(d:column("as_at"), { "2025-03-31", "2025-06-30" })
end)

H.case("workbook errors name the file, the sheet and the cell", function()
  local f, msg = read.read(dir .. "outcomes.xlsx", { sheet = "Tabel 1" })
  H.eq(f, nil)
  H.eq(msg, dir .. 'outcomes.xlsx: no sheet "Tabel 1" (its sheets: "Cover", "Table 1", "As at")')
  f, msg = read.read(dir .. "outcomes.xlsx", { sheet = 4 })
  H.eq(msg, dir .. 'outcomes.xlsx: sheet 4 asked for, but the workbook has 3 sheets ("Cover", "Table 1", "As at")')
  f, msg = read.read(dir .. "outcomes.xlsx", { sheet = "Table 1", types = { rate = "int64" } })
  H.eq(msg, dir .. 'outcomes.xlsx: sheet "Table 1", cell D5 (column "rate"): "512.25" is not a whole number; '
    .. "the column was given type int64 in the recipe")
  f, msg = read.read(dir .. "outcomes.xlsx", { sheet = "Table 1", types = { started = "int64" } })
  H.ok(msg:find('sheet "Table 1", cell G5 (column "started")', 1, true), msg)
  f, msg = read.read(dir .. "expected_outcomes.csv.xlsx")
  H.eq(msg, dir .. "expected_outcomes.csv.xlsx: cannot open the file")
  f, msg = read.read(dir .. "outcomes.xlsx", { sheet = "Table 1", header_row = 3 })
  H.eq(msg, dir .. 'outcomes.xlsx: sheet "Table 1": header_row 3 is empty (the sheet has 11 rows)')
end)

H.case("workbook survey export, xlsx and csv: a column per question or per option, labels kept", function()
  for _, file in ipairs{ "survey.xlsx", "survey.csv" } do
    local f = assert(read.read(dir .. file, { format = "survey" }))
    H.eq(f:names(), { "respondent_id", "collector_id", "start_date", "how_safe_do_you_feel_where_you_live",
      "which_of_these_help_you_when_things_are_friends", "which_of_these_help_you_when_things_are_family",
      "which_of_these_help_you_when_things_are_school",
      "which_of_these_help_you_when_things_are_other_please_specify",
      "which_of_these_help_you_when_things_are_open_ended_response",
      "in_the_last_week_how_often_did_you_sleep_well", "in_the_last_week_how_often_did_you_eat_breakfast" })
    H.eq(f:meta("how_safe_do_you_feel_where_you_live").label, "How safe do you feel where you live?")
    H.eq(f:meta("which_of_these_help_you_when_things_are_family").label,
      "Which of these help you when things are hard? (tick all that apply): Family")
    -- tick boxes are true/false; a respondent who ticked none has skipped the question
    H.eq(f:type("which_of_these_help_you_when_things_are_friends"), "bool")
    H.eq(f:column("which_of_these_help_you_when_things_are_friends"), { true, false, NA, true })
    H.eq(f:column("which_of_these_help_you_when_things_are_other_please_specify"), { false, true, NA, false })
    H.eq(f:column("which_of_these_help_you_when_things_are_open_ended_response"), { NA, "My dog", NA, NA })
    H.eq(f:column("in_the_last_week_how_often_did_you_eat_breakfast"), { "Every day", NA, NA, "Most days" })
    H.eq(f:type("start_date"), "date")
    H.eq(f:value(4, "how_safe_do_you_feel_where_you_live"), "Not very safe, sometimes")
  end
end)

H.case("workbook values below the table's first empty row are not read, and a warning names the rows", function()
  -- row 1 a title, row 2 the header, rows 3-5 the table, row 6 empty, rows 7-8 more
  -- authorities, row 9 empty, row 10 a footnote of one text cell
  local rows = {
    { "Referrals by authority" },
    { "la_code", "referrals" },
    { "E1", 10 }, { "E2", 12 }, { "E3", 9 },
    {},
    { "E4", 30 }, { "E5", 31 },
    {},
    { "Source: local returns" },
  }
  local only_note = { { "la_code", "referrals" }, { "E1", 10 }, {}, { "c = suppressed" }, { 2024 } }
  local path = os.tmpname() .. ".xlsx"
  local fh = assert(io.open(path, "wb"))
  fh:write(require("host.xlsx").workbook({ sheets = {
    { name = "T", ncol = 2, rows = rows },
    { name = "Notes only", ncol = 2, rows = { only_note[1], only_note[2], only_note[3], only_note[4] } },
    { name = "A year", ncol = 2, rows = only_note },
  } }))
  fh:close()
  local f, msg, warn = read.read(path, { sheet = "T" })
  H.eq(msg, nil)
  H.eq(f:nrow(), 3)
  H.eq(warn, path .. ': sheet "T": 2 rows between rows 7 and 8 below the empty row 6 hold values that were '
    .. "not read: the table ends at its first empty row. To read them with the table, delete the empty row; "
    .. "to read them as a table of their own, give header_row = 7 (csceval describe: --header-row 7)")
  local warn_t = warn
  -- a footnote of one text cell is not data: no warning
  f, msg, warn = read.read(path, { sheet = "Notes only" })
  H.eq(f:nrow(), 1)
  H.eq(warn, nil)
  -- one number alone below the table is
  f, msg, warn = read.read(path, { sheet = "A year" })
  H.ok(warn and warn:find("row 5 below the empty row 3 holds values", 1, true), warn)
  -- a recipe run shows the warning among its diagnostics
  local dir = os.tmpname() .. "-d"
  sys.mkdirs(dir)
  local rf = assert(io.open(dir .. "/r.lua", "w"))
  rf:write(string.format([==[return { title = "t", question = "q", source = { report = "r", tables = { "T" } },
    inputs = { d = { path = %q, sheet = "T" } },
    design = { type = "custom", analyse = function(ctx) ctx:estimate{ label = "rows", value = ctx.data.d:nrow() } end } }]==],
    path))
  rf:close()
  require("csc.runner").run(dir .. "/r.lua", { out = dir .. "/out", formats = { "json" } })
  local doc = require("csc.json").decode(assert(sys.read(dir .. "/out/r/results.json")))
  H.eq(doc.warnings, { "input d: " .. warn_t })
  os.remove(path)
end)

H.case("workbook damaged files are data errors naming the file", function()
  local f, msg = read.read("tests/reference/statfiles/children.dta.xlsx")
  H.eq(f, nil)
  local tmp = os.tmpname()
  local fh = assert(io.open(tmp .. ".xlsx", "wb"))
  fh:write("la_code,rate\nE1,2\n")
  fh:close()
  f, msg = read.read(tmp .. ".xlsx")
  os.remove(tmp .. ".xlsx"); os.remove(tmp)
  H.ok(msg:find("not an Excel (.xlsx) or OpenDocument (.ods) workbook: it is not a zip archive", 1, true), msg)
end)

-- ===== the Ofsted workbooks against the CSV sheets beside them =====

local ofsted = "../shared/data/ofsted/"
local function same(a, b, cols_a, cols_b, label)
  H.eq(a:nrow(), b:nrow())
  for j, cb in ipairs(cols_b) do
    local ca = cols_a[j]
    H.eq(a:type(ca), b:type(cb))
    for i = 1, b:nrow() do
      local x, y = a:value(i, ca), b:value(i, cb)
      if x ~= y or a:na_reason(i, ca) ~= b:na_reason(i, cb) then
        H.fail(string.format("%s: row %d column %q: workbook %s (%s), CSV %s (%s)", label, i, cb,
          tostring(x), tostring(a:na_reason(i, ca)), tostring(y), tostring(b:na_reason(i, cb))))
      end
    end
  end
end

if sys.kind(ofsted .. "LA_Inspection_Outcomes_as_at_31_March_2025.ods") ~= "file" then
  H.skip("workbook Ofsted .ods files", "../shared/data/ofsted/ is not beside the project (the shared data folder)")
else
  H.case("workbook Ofsted .ods sheets read without conversion and match their CSV sheets", function()
    local book = ofsted .. "LA_Inspection_Outcomes_as_at_31_March_2025.ods"
    H.eq(frame.sheets(book), { "Cover", "Contents", "Notes", "Inspections_as_at_31_March",
      "In-year_inspections", "ILACS_inspection_history" })
    for sheet, csv in pairs{
      Inspections_as_at_31_March = "LIO2025_Inspections_as_at_31_March_2025.csv",
      ["In-year_inspections"] = "LIO2025_In-year_inspections_2024-25.csv",
      ILACS_inspection_history = "LIO2025_ILACS_inspection_history_2018-2025.csv" } do
      local a = assert(read.read(book, { sheet = sheet }))
      local b = assert(read.read(ofsted .. csv))
      H.eq(a:names(), b:names())
      same(a, b, a:names(), b:names(), sheet)
    end
  end)

  H.case("workbook Ofsted 2009-2023 sheet: two tables, each read from its header row", function()
    local book = ofsted .. "Childrens_social_care_in_England_2023_underlying_data.ods"
    -- the current authorities' table is found below the title rows ...
    local a, _, left_out = assert(read.read(book, { sheet = "LA_inspections_2009-2023" }))
    -- the table below is named in a warning, with its header row
    H.ok(left_out:find("below the empty row 158", 1, true) and left_out:find("header_row = 161", 1, true), left_out)
    local b = assert(read.read(ofsted .. "CSC2023_LA_inspections_2009-2023_current_LAs.csv"))
    -- ... and the CSV's conversion dropped the line breaks inside two header cells
    local names = {}
    for j, n in ipairs(a:names()) do names[j] = n:gsub("\n", "") end
    H.eq(names, b:names())
    same(a, b, a:names(), b:names(), "current authorities")
    -- the former authorities' table, below a blank row, from its header row
    local c = assert(read.read(book, { sheet = "LA_inspections_2009-2023", header_row = 161 }))
    local d = assert(read.read(ofsted .. "CSC2023_LA_inspections_2009-2023_former_LAs.csv"))
    local cols, cnames = {}, {}
    for j = 1, c:ncol() do cols[j] = d:names()[j]; cnames[j] = c:names()[j]:gsub("\n", "") end
    H.eq(cnames, cols)
    same(c, d, c:names(), cols, "former authorities")
    -- the conversion gave the sheet's 7 unused columns the header "nan"; they hold nothing
    for j = c:ncol() + 1, d:ncol() do H.eq(d:na_counts(d:names()[j]).present, 0) end
  end)
end
