--- Reading a data file of any supported format into a frame.
-- The format comes from the file name's extension: .csv (and anything not
-- listed), .dta (Stata), .sav, .zsav and .por (SPSS), .sas7bdat (SAS),
-- .xlsx and .xlsm (Excel), .ods (OpenDocument).  A survey platform's export
-- (two header rows: question, then answer option) is read with
-- format = "survey", from .csv or a workbook.
-- Recipes do not call this: their `inputs` do (csc.data), and so does
-- `csceval describe`.  Formats and rules: docs/data.md.
-- @module csc.read
local hframe = require("host.frame")

local M = {}

local kinds = {
  dta = "stat", sav = "stat", zsav = "stat", por = "stat", sas7bdat = "stat",
  xlsx = "workbook", xlsm = "workbook", ods = "workbook",
}

--- The reader a path needs: "stat", "workbook" or "csv".
-- @tparam string path
-- @treturn string
function M.kind(path)
  local ext = path:match("%.([%w]+)$")
  return ext and kinds[ext:lower()] or "csv"
end

--- Read path into a frame.
-- @tparam string path
-- @tparam[opt] table o options: types (CSV columns' types), origin (where the
--   types came from, for messages), labels (statistical files: "auto",
--   "text", "codes", or a table of them by column with an optional default),
--   sheet (workbooks: a name or a 1-based position), header_row (workbooks
--   and surveys: the 1-based row of the header; found when absent), format
--   ("survey": two header rows, question then option)
-- @treturn host.Frame|nil the frame, or nil and a message naming the file
-- @treturn string|nil
-- @treturn string|nil with a frame: a warning about values the reader left
--   out (a workbook's rows below the table's first empty row)
function M.read(path, o)
  o = o or {}
  local kind = M.kind(path)
  if kind == "stat" then
    if o.types and next(o.types) then
      return nil, path .. ": types apply to CSV files; a Stata, SPSS or SAS file carries its own "
        .. "types (use labels = {column = \"codes\"} to read labelled codes as numbers)"
    end
    return hframe.read_stat(path, { labels = o.labels })
  end
  if o.labels then
    return nil, path .. ": labels apply to Stata, SPSS and SAS files (.dta, .sav, .por, .sas7bdat)"
  end
  local survey = o.format == "survey"
  if kind == "workbook" then
    return hframe.read_workbook(path, { sheet = o.sheet, header_row = o.header_row,
      header_rows = survey and 2 or 1, types = o.types, origin = o.origin })
  end
  if o.sheet then return nil, path .. ": sheet applies to workbooks (.xlsx, .ods)" end
  if survey then
    return hframe.read_survey_csv(path, { header_row = o.header_row, types = o.types, origin = o.origin })
  end
  if o.header_row and o.header_row ~= 1 then
    return nil, path .. ": a CSV file's header is its first row; header_row applies to workbooks and survey exports"
  end
  return hframe.read_csv(path, { types = o.types, origin = o.origin })
end

return M
