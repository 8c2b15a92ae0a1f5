--- Documentation generated from the recipe schemas (lua/csc/recipe.lua and
-- each design's schema): the field tables at the end of docs/recipes.md and
-- the LuaLS annotations in lua/meta/recipe.lua, so editors complete and
-- check recipes.  `make docs` writes both; tests/lua/test_explain.lua fails
-- when either differs from what the schemas say.
-- @module csc.schema_doc
local recipe = require("csc.recipe")
local util = require("csc.util")

local M = {}

-- The words for a scalar kind in the reference (DOC_NAMES) and in the
-- LuaLS annotations (LUA_NAMES), and an enum's values in a format joined by sep.
local DOC_NAMES = { string = "text", column = "column name", number = "number", integer = "whole number",
  boolean = "true/false", ["function"] = "function", any = "any" }
local LUA_NAMES = { string = "string", column = "string", number = "number", integer = "integer",
  boolean = "boolean", ["function"] = "function", any = "any" }
local function enum_values(s, fmt, sep)
  local v = {}
  for i, x in ipairs(s.values) do v[i] = string.format(fmt, x) end
  return table.concat(v, sep)
end

local function typename(s)
  local k = s.kind
  if DOC_NAMES[k] then return DOC_NAMES[k] end
  if k == "enum" then return "one of " .. enum_values(s, "`\"%s\"`", ", ") end
  if k == "list" then return "list of " .. typename(s.item) end
  if k == "map" then return "table NAME = " .. typename(s.item) end
  if k == "record" then return "table" end
  if k == "either" and s.tags then return "table naming one verb" end
  if k == "either" then
    local v = {}
    for i, a in ipairs(s.alts) do v[i] = typename(a) end
    return table.concat(v, " or ")
  end
  return k
end

-- rows {path, type, required, doc} of a schema, depth first, fields sorted
local function rows(s, path, out, first)
  if s.kind == "record" then
    local keys = util.sorted_keys(s.fields)
    if first then   -- a step's verb before its other fields
      table.sort(keys, function(a, b) return (a == first and 0 or 1) .. a < (b == first and 0 or 1) .. b end)
    end
    for _, k in ipairs(keys) do
      local f = s.fields[k]
      local p = path == "" and k or (path .. "." .. k)
      out[#out + 1] = { p, typename(f), f.required and "yes" or "", f.doc or "" }
      rows(f, p, out)
    end
  elseif s.kind == "list" then rows(s.item, path .. "[i]", out)
  elseif s.kind == "map" then rows(s.item, path .. ".NAME", out)
  elseif s.kind == "either" then
    for i, a in ipairs(s.alts) do if a.kind == "record" then rows(a, path, out, s.tags and s.tags[i]) end end
  end
  return out
end

local function md_table(list)
  local out = { "| field | type | required | meaning |", "|---|---|---|---|" }
  for _, r in ipairs(list) do
    out[#out + 1] = string.format("| `%s` | %s | %s | %s |", r[1], r[2]:gsub("|", "\\|"), r[3], r[4]:gsub("|", "\\|"))
  end
  return table.concat(out, "\n")
end

M.BEGIN = "<!-- fields:begin (generated from the schemas by `make docs`; do not edit by hand) -->"
M.END = "<!-- fields:end -->"

--- The generated block of docs/recipes.md.
function M.markdown()
  local out = { M.BEGIN, "", "## Every field", "",
    "Generated from the schemas, so it lists exactly what `csceval check` accepts. `csceval explain FIELD` "
      .. "prints a field's entry.", "", "### The recipe", "", md_table(rows(recipe.schema, "", {})), "" }
  for _, d in ipairs(recipe.designs) do
    local ok, mod = pcall(recipe.design_module, d)
    if ok and mod.schema then
      out[#out + 1] = string.format("### `design` of type `%s`", d)
      out[#out + 1] = ""
      out[#out + 1] = md_table(rows(mod.schema, "design", {}))
      out[#out + 1] = ""
    end
  end
  out[#out + 1] = M.END
  return table.concat(out, "\n")
end

--- docs/recipes.md with its generated block replaced (or appended).
function M.recipes_md(text)
  local a = text:find(M.BEGIN, 1, true)
  local b = text:find(M.END, 1, true)
  if a and b then return text:sub(1, a - 1) .. M.markdown() .. text:sub(b + #M.END) end
  return text:gsub("\n*$", "\n\n") .. M.markdown() .. "\n"
end

-- ===== LuaLS annotations =====

local function luatype(s, classname, classes)
  local k = s.kind
  if LUA_NAMES[k] then return LUA_NAMES[k] end
  if k == "enum" then return enum_values(s, "%q", "|") end
  if k == "list" then
    local t = luatype(s.item, classname, classes)
    return t:find("|", 1, true) and ("(" .. t .. ")[]") or (t .. "[]")
  end
  if k == "map" then return "table<string, " .. luatype(s.item, classname, classes) .. ">" end
  if k == "record" then
    classes[#classes + 1] = { name = classname, s = s }
    return classname
  end
  if k == "either" and s.tags then   -- a step: one class per verb, shared by every design
    local v = {}
    for i, a in ipairs(s.alts) do
      v[i] = luatype(a, "csc.Step." .. s.tags[i]:gsub("^%l", string.upper):gsub("_(%l)", string.upper), classes)
    end
    return table.concat(v, "|")
  end
  if k == "either" then
    local v = {}
    local nrec = 0
    for _, a in ipairs(s.alts) do if a.kind == "record" then nrec = nrec + 1 end end
    for i, a in ipairs(s.alts) do v[i] = luatype(a, classname .. ((nrec > 1 and i > 1) and tostring(i) or ""), classes) end
    return table.concat(v, "|")
  end
  return "any"
end

local function class_text(name, s, classes, extra)
  local out = { "---@class " .. name }
  for _, k in ipairs(util.sorted_keys(s.fields)) do
    local f = s.fields[k]
    local sub = name .. "." .. k:gsub("^%l", string.upper)
    local t = luatype(f, sub, classes)
    out[#out + 1] = string.format("---@field %s%s %s%s", k, f.required and "" or "?", t,
      f.doc and (" " .. f.doc:gsub("\n", " ")) or "")
  end
  for _, l in ipairs(extra or {}) do out[#out + 1] = l end
  return table.concat(out, "\n")
end

--- lua/meta/recipe.lua: ---@class annotations for recipes.
function M.luals()
  local blocks = { table.concat({ "---@meta",
    "-- LuaLS annotations for csceval recipes, generated from the schemas by `make docs`; do not edit.",
    "-- Editors with the Lua language server complete and check a recipe annotated as",
    "--   ---@type csc.Recipe",
    "--   local recipe = { ... }",
    "--   return recipe",
    "-- (add lua/meta to the workspace library in .luarc.json: {\"workspace.library\": [\"lua/meta\"]})" }, "\n") }
  local designs = {}
  for _, d in ipairs(recipe.designs) do
    local ok, mod = pcall(recipe.design_module, d)
    if ok and mod.schema then designs[#designs + 1] = { name = d, s = mod.schema } end
  end
  local classes = {}
  local dnames = {}
  for _, d in ipairs(designs) do dnames[#dnames + 1] = "csc.Design." .. d.name:gsub("^%l", string.upper) end
  -- the recipe, with design as the union of the designs
  local top = util.copy(recipe.schema.fields)
  top.design = nil
  local rec = { kind = "record", fields = top }
  local queue = {}
  blocks[#blocks + 1] = class_text("csc.Recipe", rec, queue,
    { "---@field design " .. table.concat(dnames, "|") .. " the design: its type and fields" })
  for _, d in ipairs(designs) do
    local cname = "csc.Design." .. d.name:gsub("^%l", string.upper)
    blocks[#blocks + 1] = class_text(cname, d.s, queue,
      { string.format("---@field type %q", d.name) })
  end
  -- nested record classes, breadth first, each once
  local seen = {}
  local i = 1
  while i <= #queue do
    local c = queue[i]
    if not seen[c.name] then
      seen[c.name] = true
      blocks[#blocks + 1] = class_text(c.name, c.s, queue)
    end
    i = i + 1
  end
  return table.concat(blocks, "\n\n") .. "\n"
end

return M
