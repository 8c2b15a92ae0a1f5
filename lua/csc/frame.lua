--- Data frames for recipes: the public face of host.frame.
-- Frames arrive in ctx.data (one per declared input) and their methods
-- (filter, mutate, sort, aggregate, join, ...) are documented in
-- docs/frames.md.  This module adds what a recipe needs to make frames of
-- its own.  It deliberately has no read_csv: a recipe reads files only
-- through the inputs it declares, so a reader of the recipe sees every file
-- it touches.
-- @module csc.frame
local hframe = require("host.frame")
local check = require("csc.check")

---@class csc.frame
---@field NA any the missing-value sentinel
local M = {}

--- The missing-value sentinel (also the global NA inside recipes).
M.NA = hframe.NA

--- A frame from Lua columns: frame.new{names = {...}, columns = {{...}, ...}, types = {...}}.
local NEW = check.signature("frame.new", { "names", "columns", "types" },
  { what = "{names = {...}, columns = {{...}, ...}}" })
---@param spec {names: string[], columns: any[][], types?: csc.ColumnType[]}
---@return csc.Frame
function M.new(spec)
  check.options(NEW, spec)
  return check.call("frame.new", hframe.new, spec)
end

--- Text summary of a frame (as `csceval describe` prints).
---@type fun(f: csc.Frame, label?: string): string
M.describe = hframe.describe

--- Stack frames by column name (present once the relational operations are built in).
---@type fun(frames: csc.Frame[]|csc.Frame, ...: csc.Frame): csc.Frame
M.bind_rows = hframe.bind_rows

return M
