--- Structured errors with exit codes.
-- Every error a user can cause is raised as a table {kind, msg}; the command
-- line prints msg and exits with the code of its kind (docs/cli.md).
-- Anything else that reaches the top is an internal error (exit 1).
-- @module csc.errors
local M = {}

--- Exit codes, one per kind of failure.
M.codes = {
  ok = 0,
  internal = 1,  -- a bug in csceval
  usage = 2,     -- bad command line
  recipe = 2,    -- the recipe is invalid
  data = 3,      -- an input file is missing or malformed
  analysis = 4,  -- the analysis cannot be computed (e.g. singular design)
  output = 5,    -- results could not be written
}

local Err = {}
Err.__index = Err
Err.__tostring = function(e) return e.msg end

--- Raise an error of the given kind.  Never returns.
-- @tparam string kind one of the keys of `codes`
-- @tparam string msg the full message, already prefixed with file:line where known
function M.raise(kind, msg)
  assert(M.codes[kind], "unknown error kind " .. tostring(kind))
  error(setmetatable({ kind = kind, msg = msg, csc_error = true }, Err), 0)
end

--- True when e is a csceval error table.
function M.is(e)
  -- by metatable, not by fields: a recipe can raise a table that looks like
  -- one (kind = "ok") but cannot give it this metatable
  return type(e) == "table" and rawequal(getmetatable(e), Err)
end

--- Convert any caught error into a csceval error of `kind`, keeping csceval
-- errors as they are.  Lua string errors keep their "file:line:" prefix.
function M.wrap(e, kind)
  if M.is(e) then return e end
  return setmetatable({ kind = kind, msg = tostring(e), csc_error = true }, Err)
end

return M
