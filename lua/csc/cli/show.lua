--- `csceval show FILE.csv [--where EXPR] [--columns A,B] [--rows N]`: the
-- rows of a CSV file as an aligned table, e.g. one authority's rows.
-- @module csc.cli.show
local errors = require("csc.errors")
local sys = require("host.sys")
local T = require("csc.frame_text")

local M = {}

function M.main(o)
  if #o.files ~= 1 then
    errors.raise("usage", "show takes one data file: csceval show FILE.csv --where 'old_la_code == 831'")
  end
  local f, label = T.read_view(o.files[1], o, errors, sys)
  sys.stdout(T.table(f, o.rows or 20, label) .. "\n")
  return 0
end

return M
