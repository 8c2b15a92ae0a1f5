--- Helpers shared by the survey design's steps (csc.survey.steps and
-- csc.survey.tables): estimate keys, recipe errors naming the step's field,
-- earlier steps' results, and small-count display.
-- @module csc.survey.stephelp
local compare = require("csc.survey.compare")
local errors = require("csc.errors")

local M = {}

--- An estimate key: lower case, runs of other characters as "_".
function M.key(s) return (tostring(s):lower():gsub("[^%w]+", "_"):gsub("^_+", ""):gsub("_+$", "")) end

--- A step that names something the instrument or data do not have is a
-- recipe mistake (exit 2), named by file and field.  Never returns.
function M.fail(state, field, msg)
  errors.raise("recipe", string.format("%s: %s%s: %s", state.recipe_path or "recipe", state.path, field and ("." .. field) or "", msg))
end

--- The instrument a step names (design.instruments key), or the design's one.
function M.inst_of(state, name)
  local inst = state.instruments[name or "default"]
  if not inst then M.fail(state, "instrument", "no instrument " .. tostring(name or "(design.instrument)")) end
  return inst
end

--- " (Table 3)" for captions.
function M.source_of(a) return a.source and (" (" .. a.source .. ")") or "" end

--- The result of the earlier step a.from, of the given kind.
function M.result_of(state, a, kind)
  local r = state.results[a.from]
  if not r then M.fail(state, "from", string.format("no earlier step named %q", tostring(a.from))) end
  if kind and r.kind ~= kind then M.fail(state, "from", string.format("step %q is a %s step, not %s", a.from, r.kind, kind)) end
  return r
end

--- A count as a table shows it: "<5" for a small count unless the recipe
-- says why small counts may be shown.
function M.show_count(state, c)
  local sc = state.small_counts
  return compare.suppress(c, sc.threshold or 5, sc.show)
end

--- Items a step covers: a.area's items, the list a.items, or every item on
-- the first scored item's response set.
function M.item_ids(inst, a)
  if a.area then
    local out = {}
    for _, it in ipairs(inst.items) do if it.area == a.area then out[#out + 1] = it.id end end
    return out
  end
  if type(a.items) == "table" then return a.items end
  local out, set = {}, nil
  for _, it in ipairs(inst.items) do
    if not it.unscored then set = set or it.set; if it.set == set then out[#out + 1] = it.id end end
  end
  return out
end

return M
