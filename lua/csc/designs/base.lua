--- The frame a design analyses, shared by the designs that take one: a
-- recipe names an input (`data = "pupils"`) or builds the frame itself
-- (`prepare = function(data) ... end`), optionally filtered by `where`.
-- @module csc.designs.base
local util = require("csc.util")

local M = {}

--- Schema check: exactly one of data and prepare.  Returns message, field.
function M.check_source(d)
  if d.data == nil and d.prepare == nil then return "give data = \"<input>\" or prepare = function(data) ... end", "data" end
  if d.data ~= nil and d.prepare ~= nil then return "give data or prepare, not both", "prepare" end
end

--- The frame to analyse: prepare(data, ctx) or data[design.data], filtered
-- by design.where.  raise(design, field, message) reports a mistake with the
-- recipe's line.  With ctx (the run context), rows `where` leaves out are
-- recorded as dropped, and prepare may record its own drops and notes.
function M.frame(data, design, raise, ctx)
  local f
  if design.prepare then
    f = design.prepare(data, ctx)
    if type(f) ~= "userdata" or type(f.nrow) ~= "function" then
      raise(design, "design.prepare", "must return a data frame, it returned " .. type(f))
    end
  else
    f = data[design.data]
    if f == nil then raise(design, "design.data", string.format("%q is not among the inputs", tostring(design.data))) end
  end
  if design.where then
    local ok, g = pcall(f.filter, f, design.where)
    if not ok then raise(design, "design.where", util.plain_error(g)) end
    if ctx and g:nrow() < f:nrow() then
      ctx:drop(design.data or "prepared data", f:nrow() - g:nrow(), "outside the design's where: " .. design.where)
    end
    f = g
  end
  return f
end

return M
