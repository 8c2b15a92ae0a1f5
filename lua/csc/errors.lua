--- Structured errors with exit codes.
-- Every error a user can cause is raised where the problem is found as a
-- table {kind, fn, field, detail, msg}: `kind` (recipe, data, analysis,
-- output, internal; usage for the command line; skipped for a recipe whose
-- large input is absent, which is not a failure) chooses the exit code
-- (docs/cli.md), `fn` is the function that found it ("model.ols"), `field`
-- the option or recipe field it is about ("vcov", "comparators[2]"), `detail`
-- what is wrong with that field, and `msg` the whole message the command line
-- prints.  The exit code comes from the kind, never from the message's words.
-- Optional: `reason`, a word a caller may test ("collinear", "memory"),
-- `column`, the data column it is about, and `columns`, several of them
-- (the aliased columns of a model; `aliases`, what each repeats: {column,
-- terms, coef}, and `relations`, the same as text), `fields`, the fields a
-- function knows when it refuses an unknown one, so callers act on an error without
-- reading its message.
-- Errors raised in C carry their kind as a tag (`M.from_host`, host/lhelp.h).
-- Anything else that reaches the top is an internal error (exit 1).
-- @module csc.errors
---@class csc.errors
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
  -- not a failure: an input marked skip_when_absent (a large generated file)
  -- is not here, or CSCEVAL_SKIP_LARGE=1 is set, so the recipe is skipped
  -- with its reason; the command goes on with the next recipe
  skipped = 0,
}

local Err = {}
Err.__index = Err
Err.__tostring = function(e) return e.msg end

--- Raise an error of the given kind.  Never returns.
-- @tparam string kind one of the keys of `codes`
-- @tparam string msg the full message, already prefixed with file:line where known
---@param kind string
---@param msg string
---@return nil
function M.raise(kind, msg)
  assert(M.codes[kind], "unknown error kind " .. tostring(kind))
  error(setmetatable({ kind = kind, msg = msg, csc_error = true }, Err), 0)
end

--- Raise a structured error found in function `fn` about `field`.
-- The message reads "fn: field: detail"; with `named` true the detail
-- already names the field ("fn: detail").  Never returns.
-- @tparam table t {kind =, fn =, field =, detail =, named =}
---@param t {kind: string, fn?: string, field?: string, detail: string, named?: boolean}
---@return nil
function M.throw(t)
  local kind = t.kind or "recipe"
  assert(M.codes[kind], "unknown error kind " .. tostring(kind))
  local msg = t.detail
  if t.field ~= nil and not t.named then msg = t.field .. ": " .. msg end
  if t.fn ~= nil then msg = t.fn .. ": " .. msg end
  error(setmetatable({ kind = kind, fn = t.fn, field = t.field, detail = t.detail, msg = msg,
    named = t.named, reason = t.reason, column = t.column, columns = t.columns, aliases = t.aliases, relations = t.relations,
    fields = t.fields, csc_error = true }, Err), 0)
end

--- The same error with its message prefixed (a recipe line, say); the kind,
-- function and field stay.
---@param e csc.Error
---@param prefix string
---@return csc.Error
function M.prefixed(e, prefix)
  local o = {}
  for k, v in pairs(e) do o[k] = v end
  o.msg, o.located = prefix .. e.msg, true
  return setmetatable(o, Err)
end

-- Errors raised by the C modules (host.*) are strings; host/lhelp.h's
-- lh_error puts the kind, and optionally a reason a caller can test, in a
-- tag at the start: "\31analysis\31message", "\31analysis:negative_variance\31...".

--- The kind tagged on a message (nil when untagged), the message without
-- the tag (and without a Lua position in front of it), the reason, and the
-- column the error is about ("\31analysis:collinear:x2\31...", lh_error_col).
---@param msg string
---@return string? kind
---@return string message
---@return string? reason
---@return string? column
function M.untag(msg)
  local pos, kind, reason, col, rest = msg:match("^([^\n]-)\31(%a+):?([%w_]*):?([^\31]*)\31(.*)$")
  if kind and M.codes[kind] and (pos == "" or pos:match("%.lua:%d+: $")) then
    return kind, rest, reason ~= "" and reason or nil, col ~= "" and col or nil
  end
  return nil, msg
end

--- A caught error as a structured one: csceval errors as they are, string
-- errors (from C) with the kind of their tag or `default` ("analysis": the
-- data and the model could not be fitted), attributed to `fn`.
---@param e any caught error
---@param fn string
---@param default? string kind
---@return csc.Error
function M.from_host(e, fn, default)
  if M.is(e) then return e end
  local kind, msg, reason, column = M.untag(tostring(e))
  if not kind then msg = msg:gsub("^[^\n]-%.lua:%d+: ", "") end
  return setmetatable({ kind = kind or default or "analysis", fn = fn, detail = msg, msg = msg,
    reason = reason, column = column, csc_error = true }, Err)
end

--- Exit code for a caught error: its kind's, or 1 (internal).
---@param e any
---@return integer
function M.code(e)
  if M.is(e) then return M.codes[e.kind] or 1 end
  return 1
end

--- True when e is a csceval error table.
---@param e any
---@return boolean
function M.is(e)
  -- by metatable, not by fields: a recipe can raise a table that looks like
  -- one (kind = "ok") but cannot give it this metatable
  return type(e) == "table" and rawequal(getmetatable(e), Err)
end

--- Convert any caught error into a csceval error of `kind`, keeping csceval
-- errors as they are.  Lua string errors keep their "file:line:" prefix.
---@param e any
---@param kind string
---@return csc.Error
function M.wrap(e, kind)
  if M.is(e) then return e end
  return setmetatable({ kind = kind, msg = tostring(e), csc_error = true }, Err)
end

return M
