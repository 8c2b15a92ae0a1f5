--- Design "survey": instruments, scoring, reliability, descriptive tables,
-- response rates, change and small-group comparisons.
-- A survey design names an instrument (data/instruments/, or a table) and
-- lists `analyses`, each a step with a `kind` and a `name`; every step
-- records estimates labelled "<name>.<...>" for the published figures to
-- name, and a result table.  Steps that score respondents read an input with
-- one row per respondent; steps that rework a report's own aggregate tables
-- take the typed numbers with their table reference.  The kinds and their
-- fields are in docs/surveys.md; the numerics in lua/csc/survey/.
-- @module csc.designs.survey
local S = require("csc.schema")
local errors = require("csc.errors")
local srcmap = require("csc.srcmap")
local instrument = require("csc.survey.instrument")
local steps = require("csc.survey.steps")

local M = {}

--- Name of the design for out/index.
M.label = "Survey: scales, reliability and small-group comparisons"

M.schema = S.record({
  instrument = S.any({ doc = "instrument name in data/instruments/, a path, or a table" }),
  instruments = S.map(S.any(), { doc = "several instruments by name, for steps that name theirs" }),
  analyses = S.list(S.record({ kind = S.enum(steps.kinds, { required = true }),
    name = S.string({ required = true, pattern = "^[%w_]+$", pattern_doc = "letters, digits and _" }) },
    { open = true }), { required = true, min_items = 1 }),
  small_group = S.integer({ min = 2, doc = "groups smaller than this get a plain-word warning (default 10)" }),
  small_counts = S.record({
    threshold = S.integer({ min = 1, doc = "counts below this are shown as \"<threshold\" (default 5)" }),
    show = S.string({ doc = "why small counts may be shown (e.g. they are published aggregates)" }),
  }),
  conf_level = S.number({ min = 0, max = 1 }),
  headline = S.string({ doc = "label of the estimate out/index shows for this recipe" }),
  summary = S.string(),
  label = S.string(),
})

--- Instruments of the design, loaded once: name -> checked instrument.
function M.instruments(d)
  local out = {}
  if d.instrument ~= nil then out.default = instrument.load(d.instrument, "design.instrument") end
  local names = {}
  for k in pairs(d.instruments or {}) do names[#names + 1] = k end
  table.sort(names)
  for _, k in ipairs(names) do out[k] = instrument.load(d.instruments[k], "design.instruments." .. k) end
  return out
end

--- Check every step against its kind's fields, with recipe lines.
function M.check(r, data)
  local d = r.spec.design
  local errs = {}
  for i, a in ipairs(d.analyses) do
    local path = string.format("design.analyses[%d]", i)
    S.validate(steps.schemas[a.kind], a, path, errs)
    if a.input ~= nil and not r.spec.inputs[a.input] then
      errs[#errs + 1] = { path = path .. ".input", msg = string.format("%q is not among the recipe's inputs", tostring(a.input)) }
    end
  end
  local seen = {}
  for i, a in ipairs(d.analyses) do
    if seen[a.name] then errs[#errs + 1] = { path = string.format("design.analyses[%d].name", i), msg = "the name " .. a.name .. " is used twice" } end
    if a.from ~= nil and not seen[a.from] then
      local earlier = {}
      for n in pairs(seen) do earlier[#earlier + 1] = n end
      table.sort(earlier)
      errs[#errs + 1] = { path = string.format("design.analyses[%d].from", i), msg = string.format(
        "no earlier step named %q%s (earlier steps: %s)", tostring(a.from), require("csc.util").hint(tostring(a.from), earlier),
        #earlier > 0 and table.concat(earlier, ", ") or "none") }
    end
    if a.instrument ~= nil and not (d.instruments and d.instruments[a.instrument]) then
      errs[#errs + 1] = { path = string.format("design.analyses[%d].instrument", i), msg = string.format(
        "%q is not a key of design.instruments", tostring(a.instrument)) }
    end
    seen[a.name] = true
  end
  if #errs > 0 then
    local lines = {}
    for _, e in ipairs(errs) do
      lines[#lines + 1] = string.format("%s:%d: %s: %s", r.path, srcmap.line(r.map, e.path), e.path, e.msg)
    end
    errors.raise("recipe", table.concat(lines, "\n"))
  end
  local ok, e = pcall(M.instruments, d)
  if not ok then
    if errors.is(e) then
      errors.raise(e.kind, string.format("%s:%d: %s", r.path, srcmap.line(r.map, "design.instrument"), e.msg))
    end
    error(e, 0)
  end
end

function M.describe(d)
  if d.summary then return d.summary end
  local kinds = {}
  for _, a in ipairs(d.analyses) do kinds[#kinds + 1] = steps.describe_kind(a.kind) end
  return "Survey analysis: " .. table.concat(kinds, "; ") .. "."
end

function M.run(ctx, d)
  local state = { instruments = M.instruments(d), results = {}, design = d, recipe_path = ctx.path,
    small_group = d.small_group or 10, conf_level = d.conf_level or 0.95,
    small_counts = d.small_counts or { threshold = 5 } }
  for i, a in ipairs(d.analyses) do
    state.path = string.format("design.analyses[%d]", i)
    state.results[a.name] = steps.run(ctx, state, a)
  end
  -- the recipe's notes on its published figures (documented differences
  -- from the report, rounding, tie orders), where a reader looks for them
  if d.headline then
    local e = ctx.estimate_index[d.headline]
    if not e then
      errors.raise("recipe", string.format("%s: design.headline: no estimate labelled %q was produced", ctx.path, d.headline))
    end
    e.headline, e.detail = true, nil
  end
  local syn = {}
  for _, pv in ipairs(ctx.provenance or {}) do if pv.synthetic then syn[#syn + 1] = pv.name end end
  if #syn > 0 then
    ctx.evidence = string.format("Synthetic %s (%s), made to reproduce the report's tables: agreement with them "
      .. "is by construction, not a finding.", #syn == 1 and "input" or "inputs", table.concat(syn, ", "))
  end
  local lines = {}
  local okp, list = pcall(require("csc.published").expand, ctx.recipe.published or {})
  for _, p in ipairs(okp and list or {}) do
    if p.note then lines[#lines + 1] = string.format("- **%s** (%s): %s", p.label, p.source or "report", p.note) end
  end
  if #lines > 0 then ctx:section("Notes on the published figures", table.concat(lines, "\n")) end
end

return M
