--- A small schema language for recipe tables, and the validator.
-- A schema is a table {kind = ..., ...}; `validate` walks a value against it
-- and collects every mistake with its field path ("design.covariates[3]"),
-- so a recipe author sees all problems at once, each with its line.
-- Column references are checked later against the loaded data (see
-- `columns`), because the data must be read first.
-- @module csc.schema
local util = require("csc.util")

local S = {}

local function mk(kind, opts)
  local s = opts or {}
  s.kind = kind
  return s
end

--- Field constructors.  Options common to all: required (bool), doc (string).
function S.string(o) return mk("string", o) end
function S.number(o) return mk("number", o) end
function S.integer(o) return mk("integer", o) end
function S.boolean(o) return mk("boolean", o) end
function S.func(o) return mk("function", o) end
function S.any(o) return mk("any", o) end
--- One of a fixed set of strings.
function S.enum(values, o) local s = mk("enum", o); s.values = values; return s end
--- Array of items.
function S.list(item, o) local s = mk("list", o); s.item = item; return s end
--- Table with string keys, each value matching item (e.g. inputs).
function S.map(item, o) local s = mk("map", o); s.item = item; return s end
--- Table with named fields; unknown fields are mistakes (typos) unless open.
function S.record(fields, o) local s = mk("record", o); s.fields = fields; return s end
--- A column name in one of the recipe's inputs.  `input` names a sibling
-- field holding the input's name, or is a function(root, parent) -> name.
function S.column(o) return mk("column", o) end
--- Either of several schemas (first that matches without errors wins; with
-- o.pick = function(v) -> index, the one it names, or nil, why, subfield
-- when v fits none: the mistake reported, e.g. a misspelt step verb).
function S.either(alts, o) local s = mk("either", o); s.alts = alts; return s end

local function typename(v)
  local t = type(v)
  if t == "number" then return math.type(v) == "integer" and "integer" or "number" end
  return t
end

-- What to write instead when a value has the wrong type and the likely
-- cause is quoting: a number or true/false typed in quotes, or a name typed
-- as a number.  "" when there is nothing more useful to say.
local function retype(kind, v)
  if type(v) == "string" then
    local n = tonumber((v:gsub("^%s+", ""):gsub("%s+$", ""):gsub("(%d),(%d%d%d)", "%1%2")))
    if n and (kind == "number" or (kind == "integer" and math.type(n) == "integer")) then
      return string.format(" %q: write %s, without quotes", v, util.fmt_number(n))
    end
    if kind == "boolean" and (v == "true" or v == "false") then
      return string.format(" %q: write %s, without quotes", v, v)
    end
  elseif type(v) == "number" and (kind == "string" or kind == "column") then
    local t = util.fmt_number(v)
    return string.format(" %s: text is written in quotes, \"%s\"", t, t)
  elseif type(v) == "boolean" and (kind == "number" or kind == "integer") then
    return string.format(" %s: give a number", tostring(v))
  end
  return ""
end

local function join(path, key)
  if type(key) == "number" then return string.format("%s[%d]", path, key) end
  if path == "" then return key end
  return path .. "." .. key
end

--- Validate v against schema s.  Appends {path=, msg=} to errs (with
-- unknown = true for a field the record does not declare).
-- `columns` collects {path=, input=, column=} for the later column check.
function S.validate(s, v, path, errs, ctx)
  ctx = ctx or { columns = {}, root = v }
  local function bad(msg) errs[#errs + 1] = { path = path, msg = msg } end
  if v == nil then
    if s.required then bad("is required" .. (s.doc and (": " .. s.doc) or "")) end
    return ctx
  end
  local k = s.kind
  if k == "any" then return ctx end
  if k == "string" or k == "column" then
    if type(v) ~= "string" then bad("expected a string, got " .. typename(v) .. retype(k, v)); return ctx end
    if s.pattern and not v:match(s.pattern) then
      bad(string.format("%q does not match the form %s", v, s.pattern_doc or s.pattern))
    end
    if k == "column" then ctx.columns[#ctx.columns + 1] = { path = path, column = v, s = s, parent = ctx.parent } end
  elseif k == "number" then
    if type(v) ~= "number" then bad("expected a number, got " .. typename(v) .. retype(k, v)); return ctx end
    if s.min and v < s.min then bad(string.format("must be at least %s, got %s", s.min, v)) end
    if s.max and v > s.max then bad(string.format("must be at most %s, got %s", s.max, v)) end
  elseif k == "integer" then
    if math.type(v) ~= "integer" then bad("expected a whole number, got " .. typename(v) .. retype(k, v)); return ctx end
    if s.min and v < s.min then bad(string.format("must be at least %d, got %d", s.min, v)) end
  elseif k == "boolean" then
    if type(v) ~= "boolean" then bad("expected true or false, got " .. typename(v) .. retype(k, v)) end
  elseif k == "function" then
    if type(v) ~= "function" then bad("expected a function, got " .. typename(v)) end
  elseif k == "enum" then
    local ok = false
    for _, a in ipairs(s.values) do if v == a then ok = true end end
    if not ok then
      local names = {}
      for _, a in ipairs(s.values) do names[#names + 1] = string.format("%q", a) end
      bad(string.format("%s is not one of %s%s", type(v) == "string" and string.format("%q", v) or tostring(v),
        table.concat(names, ", "), type(v) == "string" and util.hint(v, s.values) or ""))
    end
  elseif k == "list" then
    if type(v) ~= "table" then bad("expected a list {...}, got " .. typename(v)); return ctx end
    local n = #v
    for key in pairs(v) do
      if math.type(key) ~= "integer" or key < 1 or key > n then
        bad(string.format("expected a list, but it has the key %s", tostring(key)))
        return ctx
      end
    end
    if s.min_items and n < s.min_items then bad(string.format("needs at least %d item(s)", s.min_items)) end
    for i = 1, n do S.validate(s.item, v[i], join(path, i), errs, ctx) end
  elseif k == "map" then
    if type(v) ~= "table" then bad("expected a table {name = ...}, got " .. typename(v)); return ctx end
    for _, key in ipairs(util.sorted_keys(v)) do
      if type(key) ~= "string" then bad("keys must be names, found " .. tostring(key))
      else S.validate(s.item, v[key], join(path, key), errs, ctx) end
    end
  elseif k == "record" then
    if type(v) ~= "table" then bad("expected a table {...}, got " .. typename(v)); return ctx end
    local known = {}
    for name in pairs(s.fields) do known[#known + 1] = name end
    table.sort(known)
    local saved = ctx.parent
    ctx.parent = v
    for _, name in ipairs(known) do
      S.validate(s.fields[name], v[name], join(path, name), errs, ctx)
    end
    ctx.parent = saved
    if not s.open then
      for _, key in ipairs(util.sorted_keys(v)) do
        if s.fields[key] == nil then
          errs[#errs + 1] = { path = join(path, tostring(key)), unknown = true,
            msg = "unknown field" .. (type(key) == "string" and util.hint(key, known) or "") }
        end
      end
    end
    if s.check then
      local msg, sub = s.check(v, ctx.root)
      if msg then errs[#errs + 1] = { path = sub and join(path, sub) or path, msg = msg } end
    end
  elseif k == "either" then
    -- pick(v) names the alternative outright, so its own mistakes are shown;
    -- or it says why none fits (message, and the subfield it is about)
    local i, why, sub
    if s.pick then i, why, sub = s.pick(v) end
    if i then return S.validate(s.alts[i], v, path, errs, ctx) end
    if why then
      errs[#errs + 1] = { path = sub and join(path, sub) or path, msg = why }
      return ctx
    end
    local best
    for _, alt in ipairs(s.alts) do
      local e = {}
      S.validate(alt, v, path, e, ctx)
      if #e == 0 then return ctx end
      best = best or e
    end
    for _, e in ipairs(best) do errs[#errs + 1] = e end
  end
  return ctx
end

return S
