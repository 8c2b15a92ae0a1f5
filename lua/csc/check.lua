--- Argument checks for the public library functions (csc.stats, csc.model,
-- csc.match, csc.its), built on csc.schema: one way to say "this function
-- takes a table of these fields", to refuse a field it does not know with a
-- "did you mean", to check a choice among strings, and to call a C function
-- so that its failure keeps the kind C gave it.  Every failure is a
-- structured error (csc.errors) with the function, the field and a kind.
--
--   local sig = check.signature("model.ols", {"data", "y", "x", ...})
--   local spec = check.options(sig, spec)        -- table, no unknown field
--   local v = check.choice(sig.fn, "vcov", spec.vcov, {"classical", "HC1"}, "classical")
--   check.fail(sig.fn, "lag", "must be a whole number >= 0")
--   local r = check.call(sig.fn, hmodel.ols, ...)
--
-- `check.signatures` lists every signature declared, so a test can call each
-- public function with a misspelt field (tests/lua/test_api_options.lua
-- checks that each is reached from the public API).
-- @module csc.check
local errors = require("csc.errors")
local S = require("csc.schema")
local util = require("csc.util")

---@class csc.check
local M = {}

--- Every declared signature, by function name ("model.ols").
M.signatures = {}

--- Declare the fields function `fn` takes in its option table.  `fields` is
-- a list of names or a csc.schema record; `opts.optional` says the table
-- may be absent (stats tests: `t_test(x, y)`), `opts.what` shows what the
-- table holds in the "expected a table" message.
---@param fn string
---@param fields string[]|table names or a csc.schema record
---@param opts? {optional?: boolean, what?: string}
---@return table sig
function M.signature(fn, fields, opts)
  local schema = fields
  if fields.kind ~= "record" then
    local f = {}
    for _, name in ipairs(fields) do f[name] = S.any() end
    schema = S.record(f)
  end
  local names = util.sorted_keys(schema.fields)
  local sig = { fn = fn, schema = schema, names = names, optional = opts and opts.optional,
    what = opts and opts.what }
  M.signatures[fn] = sig
  return sig
end

--- Raise a recipe error (or `kind`) found in `fn` about `field`:
-- "fn: field: detail".  Never returns.
---@param fn string
---@param field string
---@param detail string
---@param kind? string default "recipe"
---@return nil
function M.fail(fn, field, detail, kind)
  errors.throw({ kind = kind or "recipe", fn = fn, field = field, detail = detail })
end

--- The same, where `text` already names the field: "fn: text".
---@param fn string
---@param field string
---@param text string
---@param kind? string
---@return nil
function M.fail_named(fn, field, text, kind)
  errors.throw({ kind = kind or "recipe", fn = fn, field = field, detail = text, named = true })
end

--- Check an option table against a signature: a table (or nil when the
-- signature says optional: then {}), every field known, and the field
-- types the schema gives.  Returns the table.
---@param sig table from check.signature
---@param spec table?
---@return table spec
function M.options(sig, spec)
  if spec == nil and sig.optional then return {} end
  if type(spec) ~= "table" then
    M.fail_named(sig.fn, nil, string.format("expected a table of fields%s, got %s",
      sig.what and (" " .. sig.what) or "", type(spec)))
  end
  local errs = {}
  S.validate(sig.schema, spec, "", errs)
  local e = errs[1]
  if e then
    if e.unknown then   -- marked by the validator, not read from its words
      local k = e.path
      errors.throw({ kind = "recipe", fn = sig.fn, field = k, named = true, fields = sig.names,
        detail = string.format("unknown field '%s'%s (fields: %s)", k, util.hint(k, sig.names),
          table.concat(sig.names, ", ")) })
    end
    M.fail(sig.fn, e.path, e.msg)
  end
  return spec
end

--- `v` if it is one of `options` (strings), `default` if nil; otherwise a
-- recipe error naming `field` with the options and a "did you mean".
---@param fn string
---@param field string
---@param v string?
---@param options string[]
---@param default? string
---@return string
function M.choice(fn, field, v, options, default)
  if v == nil then return default end
  for _, o in ipairs(options) do if v == o then return v end end
  local q = {}
  for i, o in ipairs(options) do q[i] = string.format("%q", o) end
  M.fail(fn, field, string.format("%s is not one of %s%s", tostring(v), table.concat(q, ", "),
    util.hint(tostring(v), options)))
end

--- A set {name = true} from a list of names.
---@param list string[]
---@return table<string, true>
function M.set(list)
  local t = {}
  for _, k in ipairs(list) do t[k] = true end return t
end

--- The data frame in field `field` of `spec`, or a recipe error of `fn`.
---@param fn string
---@param spec table
---@param field string
---@return csc.Frame
function M.frame(fn, spec, field)
  local f = spec[field]
  if type(f) ~= "userdata" or type(f.nrow) ~= "function" then
    M.fail_named(fn, field, string.format("field '%s' must be a data frame (ctx.data.<input>), got %s", field, type(f)))
  end
  return f
end

--- Column `name` of frame f, given in field `field` (nil when absent and not
-- `required`); otherwise a recipe error of `fn` with a "did you mean".
-- `what` names the frame in the message (default "the data").
---@param fn string
---@param f csc.Frame
---@param field string
---@param name string?
---@param required? boolean
---@param what? string
---@return string?
function M.column(fn, f, field, name, required, what)
  if name == nil then
    if required then M.fail_named(fn, field, string.format("field '%s' is required (a column name)", field)) end
    return nil
  end
  if type(name) ~= "string" then
    M.fail_named(fn, field, string.format("field '%s' must be a column name (string), got %s", field, type(name)))
  end
  if not f:has(name) then
    M.fail(fn, field, string.format("no column %q in %s%s", name, what or "the data", util.hint(name, f:names())))
  end
  return name
end

--- Call a C function (host.*); a failure is re-raised as a structured error
-- of the kind C tagged it with (default "analysis": the data and the model
-- could not be fitted), attributed to `fn`.  The message is C's, unchanged.
---@param fn string
---@param f function a host.* function
---@param ... any
---@return any ...
function M.call(fn, f, ...)
  local res = table.pack(pcall(f, ...))
  if res[1] then return table.unpack(res, 2, res.n) end
  local e = errors.from_host(res[2], fn)
  -- C names the function itself ("match.nearest: ...", "ols: ..."): the
  -- detail is what follows
  for _, name in ipairs({ fn, fn:match("[^.]+$") }) do
    if e.fn == fn and e.detail:sub(1, #name + 2) == name .. ": " then
      e.detail, e.named = e.detail:sub(#name + 3), true
      break
    end
  end
  error(e, 0)
end

return M
