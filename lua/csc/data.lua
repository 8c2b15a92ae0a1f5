--- Reading a recipe's declared inputs.
-- Paths are taken as written, relative to the folder csceval runs in
-- (normally the project root), or replaced with --data NAME=PATH (every
-- recipe of the run) or --data RECIPE:NAME=PATH (that recipe only).  Each file
-- is hashed for the report's provenance section.  Recipes never open files
-- themselves: they receive frames through ctx.data.
-- @module csc.data
local errors = require("csc.errors")
local read = require("csc.read")
local recipe = require("csc.recipe")
local synthetic = require("csc.synthetic")
local sys = require("host.sys")
local util = require("csc.util")

local M = {}

-- One --data argument: NAME=PATH, or RECIPE:NAME=PATH for one recipe of a
-- run (RECIPE its id or file stem).  Returns recipe (nil when plain), name,
-- path; raises a usage error on any other form.
function M.parse_override(item)
  local lhs, path = item:match("^([^=]+)=(.+)$")
  if not lhs then
    errors.raise("usage", string.format("--data %s: expected NAME=PATH or RECIPE:NAME=PATH, e.g. "
      .. "--data pupils=real/pupils.csv", item))
  end
  local rec, name = lhs:match("^(.*):(.*)$")
  if rec == nil then return nil, lhs, path end
  if rec == "" or name == "" then
    errors.raise("usage", string.format("--data %s: expected RECIPE:NAME=PATH with both a recipe (its id or "
      .. "file name without .lua) and an input name, e.g. --data derby_survey:responses=real.csv", item))
  end
  return rec, name, path
end

--- Whether a --data argument applies to recipe r: a plain NAME=PATH
-- applies to every recipe, RECIPE:NAME=PATH to the recipe whose id or file
-- stem is RECIPE.
function M.applies(item, r)
  local rec = M.parse_override(item)
  return rec == nil or rec == r.id or rec == util.stem(r.path)
end

--- Parse the --data arguments that apply to recipe r into a map name ->
-- path, checking the names exist.  A recipe-qualified RECIPE:NAME=PATH
-- wins over a plain NAME=PATH for the same input, whatever their order.
function M.overrides(r, list)
  local out, qualified = {}, {}
  for _, item in ipairs(list or {}) do
    local rec, name, path = M.parse_override(item)
    if rec == nil or M.applies(item, r) then
      if not r.spec.inputs[name] then
        errors.raise("usage", string.format("--data %s: the recipe %s has no input named %q%s (its inputs: %s)",
          item, r.path, name, util.hint(name, util.sorted_keys(r.spec.inputs)),
          table.concat(util.sorted_keys(r.spec.inputs), ", ")))
      end
      if rec ~= nil then
        out[name], qualified[name] = path, true
      elseif not qualified[name] then
        out[name] = path
      end
    end
  end
  return out
end

--- Check that every RECIPE:NAME=PATH names one of the recipes of the run
-- (`recipes`: {id =, path =} each); raises a usage error naming the
-- recipes otherwise.
function M.check_qualified(list, recipes)
  for _, item in ipairs(list or {}) do
    local rec = M.parse_override(item)
    if rec ~= nil then
      local hit, names = false, {}
      for _, r in ipairs(recipes) do
        if M.applies(item, r) then hit = true end
        names[#names + 1] = r.id
      end
      if not hit then
        errors.raise("usage", string.format("--data %s: no recipe %q in this run%s (the recipes: %s; "
          .. "RECIPE is a recipe's id or its file name without .lua)", item, rec, util.hint(rec, names),
          table.concat(names, ", ")))
      end
    end
  end
end

--- csceval's cache folder, where large generated files live outside the
-- checkout (the national extracts of the scale series: tests/bench/scale.sh
-- writes them to its national/ subfolder and recipes read them from there
-- with a path beginning "cache:").  One rule: $CSCEVAL_CACHE when set;
-- else $XDG_CACHE_HOME/csceval when XDG_CACHE_HOME is an absolute path (the
-- XDG base directory rule); else $HOME/.cache/csceval; nil without HOME.
function M.cache_dir()
  local c = sys.getenv("CSCEVAL_CACHE")
  if c and c ~= "" then return (c:gsub("(.)/+$", "%1")) end
  local x = sys.getenv("XDG_CACHE_HOME")
  if x and x:sub(1, 1) == "/" then return (x:gsub("(.)/+$", "%1")) .. "/csceval" end
  local home = sys.getenv("HOME")
  if home and home ~= "" then return home .. "/.cache/csceval" end
  return nil
end

--- A recipe's input path with a leading "~/" read as the user's home
-- folder ($HOME), and a leading "cache:" as csceval's cache folder
-- (M.cache_dir: "cache:national/national_10m.csv"), for files kept outside
-- the checkout (a generated cache).
function M.expand(path)
  if path:sub(1, 6) == "cache:" then
    local c = M.cache_dir()
    if c then return c .. "/" .. path:sub(7):gsub("^/+", "") end
    return path
  end
  if path:sub(1, 2) == "~/" then
    local home = sys.getenv("HOME")
    if home and home ~= "" then return home .. path:sub(2) end
  end
  return path
end

--- What a synthetic input stands for (csc.synthetic.KINDS), or nil when it
-- is not synthetic: the mark's kind when its file carries one; else the
-- recipe's synthetic_kind for its own file, or for a file given with --data
-- whose mark names the recipe's generator (a mark written before marks
-- carried a kind); else "stand_in".
function M.synthetic_kind(inp, mark, overridden, is_synthetic)
  if not is_synthetic then return nil end
  if mark and mark.kind then return mark.kind end
  if inp.synthetic_kind and (not overridden or (mark and mark.generator and mark.generator == inp.generator)) then
    return inp.synthetic_kind
  end
  return "stand_in"
end

--- Why a run of r skips rather than reads input `inp` at `path` (nil: it
-- reads it).  An input with skip_when_absent (a large generated file) skips
-- the whole run when its file is not there and no --data replaced it, and
-- also when the environment sets CSCEVAL_SKIP_LARGE=1 (the test suites do,
-- so a ten-million-row example never runs under the sanitizers).
local function skip_reason(name, inp, path, overridden)
  if not inp.skip_when_absent or overridden then return nil end
  if sys.getenv("CSCEVAL_SKIP_LARGE") == "1" then
    return string.format("the input %s (%s) is skipped because CSCEVAL_SKIP_LARGE=1 is set (unset it to run "
      .. "this recipe)", name, path)
  end
  if sys.kind(path) == nil then
    return string.format("the input %s (%s) is not here; %s, or pass --data %s=PATH", name, path,
      inp.skip_when_absent, name)
  end
end

--- The synthetic-data mark of an input's file (csc.synthetic), or nil; for a
-- folder (an SSDA903 return), the folder's own mark or that of any file in
-- it.  A mark file that is not csceval's is a data error: the input's
-- standing (synthetic or real) cannot be told.
function M.mark_of(path, sha, where, name)
  local m, bad = synthetic.read(path, sha)
  if not m and not bad and sys.kind(path) == "dir" then
    local names = sys.listdir(path) or {}
    table.sort(names)
    for _, f in ipairs(names) do
      if f:sub(-#synthetic.SUFFIX) ~= synthetic.SUFFIX and sys.kind(path .. "/" .. f) == "file" then
        m, bad = synthetic.read(path .. "/" .. f)
        if m or bad then break end
      end
    end
  end
  if bad then errors.raise("data", string.format("%s%s (input \"%s\")", where or "", bad, name or "?")) end
  return m
end

--- Load every input.  Returns data (name -> frame), provenance records and,
-- when the run is to be skipped (skip_reason), the reason instead of data.
function M.load_inputs(r, overrides)
  local data, prov = {}, {}
  for _, name in ipairs(util.sorted_keys(r.spec.inputs)) do
    local inp = r.spec.inputs[name]
    local why = skip_reason(name, inp, M.expand(inp.path), overrides[name] ~= nil)
    if why then return nil, nil, why end
  end
  for _, name in ipairs(util.sorted_keys(r.spec.inputs)) do
    local inp = r.spec.inputs[name]
    local path = overrides[name] or M.expand(inp.path)
    local where = recipe.where(r, "inputs." .. name .. ".path")
    if sys.kind(path) ~= "file" and inp.optional and not overrides[name] then
      -- an optional input (context figures, say) that is not here: the
      -- recipe runs without it and the report says so
      prov[#prov + 1] = { name = name, path = path, missing = true, rows = 0, columns = 0,
        synthetic = false, replaced = false, description = inp.description }
      goto continue
    end
    if inp.format == "ssda903" then
      local obj, pv = require("csc.ssda903.input").load(name, inp, path, function(msg)
        errors.raise("data", string.format("%s%s (input \"%s\" of %s)", where, msg, name, r.path))
      end)
      pv.replaced = overrides[name] ~= nil
      pv.mark = M.mark_of(path, nil, where, name)
      pv.synthetic = (inp.synthetic and not overrides[name]) or pv.mark ~= nil
      pv.synthetic_kind = M.synthetic_kind(inp, pv.mark, overrides[name] ~= nil, pv.synthetic)
      data[name] = obj
      prov[#prov + 1] = pv
      goto continue
    end
    local problem = require("csc.files").problem(path)
    if problem and problem ~= "no such file" then
      errors.raise("data", string.format("%s%s %s (input \"%s\")", where, path, problem, name))
    end
    if problem then
      local hint
      if overrides[name] then hint = "check the path given with --data " .. name .. "=..."
      elseif path:match("^%.%./shared/") then
        hint = "this recipe reads the shared public data folder ../shared/; run csceval from the project root with that folder beside it, or pass --data " .. name .. "=PATH"
      elseif inp.generator then
        hint = "make it with the generator " .. inp.generator .. " (see the recipe's data note), or pass --data " .. name .. "=PATH"
      else hint = "pass --data " .. name .. "=PATH" end
      errors.raise("data", string.format("%sfile %s not found; %s", where, path, hint))
    end
    local f, msg, left_out = read.read(path, { types = inp.types, labels = inp.labels, sheet = inp.sheet,
      header_row = inp.header_row, format = inp.format })
    if not f then errors.raise("data", msg .. " (input \"" .. name .. "\" of " .. r.path .. ")") end
    if f:nrow() == 0 then
      errors.raise("data", string.format("%s%s has a header but no data rows; check that the file is the "
        .. "complete extract", where, path))
    end
    data[name] = f
    local sha = sys.sha256_file(path)
    local mark = M.mark_of(path, sha, where, name)
    prov[#prov + 1] = {
      name = name, path = path, sha256 = sha,
      rows = f:nrow(), columns = f:ncol(),
      -- synthetic: the recipe's own synthetic file, or any file with the
      -- mark of csceval's generators (csc.synthetic), --data or not
      synthetic = (inp.synthetic and not overrides[name]) or mark ~= nil,
      synthetic_kind = M.synthetic_kind(inp, mark, overrides[name] ~= nil,
        (inp.synthetic and not overrides[name]) or mark ~= nil),
      mark = mark,
      replaced = overrides[name] ~= nil,
      description = inp.description,
      -- missing values by reason in the columns the recipe declares using
      -- (all columns when it declares none), for the provenance section
      missing_values = M.suppression(f, inp.columns or f:names()),
      columns_checked = inp.columns and #inp.columns or f:ncol(),
      -- what the reader left out (rows below a workbook table's first empty row)
      warnings = left_out and { string.format("input %s: %s", name, left_out) } or nil,
    }
    ::continue::
  end
  return data, prov
end

-- Bytes a value of each column type takes (host/data/frame.h): doubles and
-- 64-bit integers 8, dates and text codes 4 (int32 into a shared
-- dictionary), 0/1 columns 1.
local TYPE_BYTES = { float64 = 8, int64 = 8, date = 4, text = 4, bool = 1 }

--- The column data of frame f in bytes: its values, at their type's width,
-- plus one byte a row for a column with missing values (the reason array).
-- Text dictionaries are left out (a few bytes per distinct value).
function M.column_bytes(f)
  local n, total = f:nrow(), 0
  for _, c in ipairs(f:names()) do
    total = total + n * (TYPE_BYTES[f:type(c)] or 8)
    local nas = f:na_counts(c)
    if (nas.present or n) < n then total = total + n end
  end
  return total
end

--- Missing values in the named columns of f, by reason, e.g. {c = 12, x = 3}.
function M.suppression(f, cols)
  local out = {}
  for _, c in ipairs(cols) do
    if f:has(c) then
      for reason, n in pairs(f:na_counts(c)) do
        if reason ~= "present" then out[reason] = (out[reason] or 0) + n end
      end
    end
  end
  return out
end

return M
