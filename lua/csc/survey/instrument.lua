--- Survey instruments as data: items, response options and their scores,
-- reverse-scored items, scales (areas, subscales, totals) with their missing
-- rules, conversions and bands, and the instrument's source.
-- An instrument is a Lua file in data/instruments/ that returns a plain
-- table (no code runs: it is loaded with an empty environment), or a table
-- written inline in a recipe.  The format is in docs/surveys.md.
-- @module csc.survey.instrument
local errors = require("csc.errors")
local sys = require("host.sys")
local util = require("csc.util")

local M = {}

--- Folder searched for instruments named by id: data/instruments/ of
-- csceval's data folder (csc.util.data_path), so recipes find them from any
-- working folder.
M.dir = util.data_path("instruments")

local function bad(where, msg) errors.raise("recipe", where .. ": " .. msg) end

--- Options of a response set as a list {score, label} sorted by score, and
-- the set's range.  A numeric set is {min =, max =, step =} (e.g. 0-10).
local function check_responses(name, set, where)
  if type(set) ~= "table" then bad(where, "response set " .. name .. " must be a table") end
  if set.options then
    if type(set.options) ~= "table" or #set.options < 2 then
      bad(where, "response set " .. name .. ": options needs at least two {score =, label =} entries")
    end
    local seen = {}
    for i, o in ipairs(set.options) do
      if type(o) ~= "table" or type(o.score) ~= "number" or type(o.label) ~= "string" then
        bad(where, string.format("response set %s: options[%d] must be {score = number, label = \"...\"}", name, i))
      end
      if seen[o.score] then bad(where, string.format("response set %s: score %s given twice", name, o.score)) end
      seen[o.score] = true
    end
    local lo, hi = math.huge, -math.huge
    for _, o in ipairs(set.options) do lo = math.min(lo, o.score); hi = math.max(hi, o.score) end
    set.min, set.max = lo, hi
  elseif type(set.min) == "number" and type(set.max) == "number" and set.min < set.max then
    set.step = set.step or 1
  else
    bad(where, "response set " .. name .. ": give options = {{score =, label =}, ...} or min = and max =")
  end
  return set
end

--- Validate an instrument table and index it.  Returns the same table with
-- item_index, scale_index and, per item, its response set resolved.
function M.check(inst, where)
  where = where or "instrument"
  if type(inst) ~= "table" then bad(where, "an instrument must be a table") end
  for _, k in ipairs({ "id", "title" }) do
    if type(inst[k]) ~= "string" or inst[k] == "" then bad(where, k .. " is required (a string)") end
  end
  if type(inst.source) ~= "table" or type(inst.source.citation) ~= "string" then
    bad(where, "source = {citation = \"...\"} is required: say where the instrument comes from")
  end
  if type(inst.responses) ~= "table" then bad(where, "responses (named response sets) is required") end
  for name, set in pairs(inst.responses) do check_responses(name, set, where) end
  if type(inst.items) ~= "table" or #inst.items < 1 then bad(where, "items must list at least one item") end
  inst.item_index = {}
  for i, it in ipairs(inst.items) do
    local w = string.format("%s: items[%d]", where, i)
    if type(it) ~= "table" or type(it.id) ~= "string" or not it.id:match("^[%w_]+$") then
      bad(w, "each item needs id = \"...\" (letters, digits and _)")
    end
    if inst.item_index[it.id] then bad(w, "item id " .. it.id .. " is used twice") end
    if type(it.text) ~= "string" then bad(w, "item " .. it.id .. " needs its wording as text = \"...\"") end
    local set = inst.responses[it.responses or inst.default_responses or ""]
    if not set then
      bad(w, string.format("item %s: responses %q is not a response set of the instrument%s", it.id,
        tostring(it.responses or inst.default_responses), util.hint(tostring(it.responses), util.sorted_keys(inst.responses))))
    end
    it.set = set
    it.column = it.column or it.id
    inst.item_index[it.id] = it
  end
  inst.scales = inst.scales or {}
  inst.scale_index = {}
  for i, sc in ipairs(inst.scales) do
    local w = string.format("%s: scales[%d]", where, i)
    if type(sc) ~= "table" or type(sc.id) ~= "string" then bad(w, "each scale needs id = \"...\"") end
    if inst.scale_index[sc.id] or inst.item_index[sc.id] then bad(w, "scale id " .. sc.id .. " is used twice") end
    local ids = {}
    if sc.items == "all" then
      for _, it in ipairs(inst.items) do if it.set == inst.items[1].set and not it.unscored then ids[#ids + 1] = it.id end end
    elseif type(sc.area) == "string" then
      for _, it in ipairs(inst.items) do if it.area == sc.area then ids[#ids + 1] = it.id end end
    elseif type(sc.items) == "table" then
      for _, id in ipairs(sc.items) do
        if not inst.item_index[id] then
          bad(w, string.format("scale %s: no item %q%s", sc.id, tostring(id), util.hint(tostring(id), util.sorted_keys(inst.item_index))))
        end
        ids[#ids + 1] = id
      end
    elseif type(sc.scales) == "table" then
      -- a total over other scales: the sum of their scores
      for _, sid in ipairs(sc.scales) do
        if not inst.scale_index[sid] then bad(w, string.format("scale %s: no earlier scale %q", sc.id, tostring(sid))) end
      end
    else
      bad(w, "scale " .. sc.id .. ": give items = {...}, items = \"all\", area = \"...\" or scales = {...}")
    end
    if not sc.scales and #ids < 1 then bad(w, "scale " .. sc.id .. " has no items") end
    sc.item_ids = ids
    sc.method = sc.method or "sum"
    if sc.method ~= "sum" and sc.method ~= "mean" then bad(w, "scale " .. sc.id .. ": method must be \"sum\" or \"mean\"") end
    local miss = sc.missing or { rule = "complete" }
    if type(miss) == "string" then miss = { rule = miss } end
    if miss.rule ~= "complete" and miss.rule ~= "prorate" and miss.rule ~= "available" then
      bad(w, string.format("scale %s: missing rule %q is not \"complete\", \"prorate\" or \"available\"", sc.id, tostring(miss.rule)))
    end
    sc.missing = miss
    if sc.convert then
      local conv = inst.conversions and inst.conversions[sc.convert]
      if not conv then bad(w, string.format("scale %s: no conversion %q in the instrument", sc.id, sc.convert)) end
    end
    -- the scale's range, from its items' ranges
    local lo, hi = 0, 0
    if sc.scales then
      for _, sid in ipairs(sc.scales) do lo = lo + inst.scale_index[sid].min; hi = hi + inst.scale_index[sid].max end
    else
      for _, id in ipairs(ids) do lo = lo + inst.item_index[id].set.min; hi = hi + inst.item_index[id].set.max end
      if sc.method == "mean" then lo, hi = lo / #ids, hi / #ids end
    end
    sc.min, sc.max = lo, hi
    if sc.bands then
      for j, b in ipairs(sc.bands) do
        if type(b.label) ~= "string" or type(b.min) ~= "number" or type(b.max) ~= "number" or b.min > b.max then
          bad(w, string.format("scale %s: bands[%d] must be {label =, min =, max =} with min <= max", sc.id, j))
        end
      end
    end
    inst.scale_index[sc.id] = sc
  end
  return inst
end

--- Load an instrument: a name from data/instruments/, a path to a .lua
-- file, or a table.  `extends = "name"` in a table takes the named
-- instrument's response sets and source (a generic Likert scale with the
-- recipe's own items).
function M.load(spec, where)
  where = where or "design.instrument"
  if type(spec) == "table" then
    local inst = util.copy(spec)
    if inst.extends then
      local base = M.load(inst.extends, where .. ".extends")
      inst.responses = inst.responses or util.copy(base.responses)
      inst.default_responses = inst.default_responses or base.default_responses
      inst.source = inst.source or base.source
      inst.conversions = inst.conversions or base.conversions
    end
    return M.check(inst, where)
  end
  if type(spec) ~= "string" then bad(where, "give an instrument name, a path or a table") end
  local path = spec:match("%.lua$") and spec or (M.dir .. "/" .. spec .. ".lua")
  local src, err = sys.read(path)
  if not src then
    local names = {}
    for _, f in ipairs(sys.listdir(M.dir) or {}) do names[#names + 1] = f:match("^(.*)%.lua$") end
    table.sort(names)
    bad(where, string.format("no instrument %q (%s)%s; instruments in %s: %s", spec, tostring(err),
      util.hint(spec, names), M.dir, table.concat(names, ", ")))
  end
  local chunk, lerr = load(src, "@" .. path, "t", {})
  if not chunk then bad(where, "instrument file " .. path .. ": " .. lerr) end
  local ok, inst = pcall(chunk)
  if not ok then bad(where, "instrument file " .. path .. ": " .. tostring(inst)) end
  inst = M.check(inst, path)
  inst.path = path
  return inst
end

--- Score of a response: a number in the item's range, or a label of its
-- options (case and surrounding space ignored).  Returns score, false for
-- a declared missing answer ("Don't know"), or nil and a message.  Reverse-scored items are flipped by the caller (score.lua).
function M.response_score(it, v)
  local set = it.set
  if type(v) == "string" then
    local key = v:lower():gsub("^%s+", ""):gsub("%s+$", "")
    if key == "" then return false end
    for _, m in ipairs(set.missing_labels or {}) do
      if m:lower() == key then return false end   -- a declared missing answer
    end
    for _, o in ipairs(set.options or {}) do
      if o.label:lower() == key then return o.score end
    end
    local n = tonumber(key)
    if n == nil then
      local labels = {}
      for _, o in ipairs(set.options or {}) do labels[#labels + 1] = string.format("%q", o.label) end
      return nil, string.format("%q is not a response option of item %s (options: %s)", v, it.id,
        #labels > 0 and table.concat(labels, ", ") or string.format("numbers %s to %s", set.min, set.max))
    end
    v = n
  end
  if type(v) ~= "number" or v ~= v then return nil, "is not a number" end
  if set.options then
    for _, o in ipairs(set.options) do if o.score == v then return v end end
    local scores = {}
    for _, o in ipairs(set.options) do scores[#scores + 1] = util.fmt_number(o.score) end
    return nil, string.format("%s is not a score of item %s (allowed: %s)", util.fmt_number(v), it.id, table.concat(scores, ", "))
  end
  if v < set.min or v > set.max then
    return nil, string.format("%s is outside item %s's range %s to %s", util.fmt_number(v), it.id,
      util.fmt_number(set.min), util.fmt_number(set.max))
  end
  local steps = (v - set.min) / set.step
  if math.abs(steps - math.floor(steps + 0.5)) > 1e-9 then
    return nil, string.format("%s is not on item %s's steps of %s", util.fmt_number(v), it.id, util.fmt_number(set.step))
  end
  return v
end

return M
