--- `csceval synthesise RECIPE... | --table FILE`: a programme-level table of
-- evaluations by strength of evidence and result.  From recipes, each
-- recipe's own `strength` declaration (checked against its design, as
-- `run` checks it) is one evaluation; from a table, each row is one, rated
-- from its words by the synthesis design's rules.  The report is written
-- like a recipe's, to OUT/synthesis/ (design "synthesis", docs/synthesis.md).
-- @module csc.synthesise
local errors = require("csc.errors")
local evidence = require("csc.evidence")
local recipe = require("csc.recipe")
local srcmap = require("csc.srcmap")
local sys = require("host.sys")

local M = {}

--- Evaluations from recipe files: one row each, from `strength`.
function M.rows_from_recipes(paths, opts)
  local rows, missing, names = {}, {}, {}
  -- the group is the report a recipe reruns: by its reference (RR1030)
  -- when it has one, named by the first recipe's title of the report
  local function group_of(src)
    local short = (src.report:match("^([^,(]+)") or src.report):gsub("%s+$", "")
    if not src.reference then return short end
    names[src.reference] = names[src.reference] or string.format("%s (%s)", short, src.reference)
    return names[src.reference]
  end
  for _, path in ipairs(paths) do
    local r = recipe.load(path, { trusted = opts.trusted })
    recipe.validate(r)
    local s, spec = r.spec.strength, r.spec
    if type(s) ~= "table" then
      missing[#missing + 1] = path
    else
      local result = s.result or (s.level == "none" and "not applicable" or nil)
      if not result then
        errors.raise("recipe", string.format("%s:%d: strength.result: a recipe at level %q must say its result "
          .. "(positive, mixed or none) to be synthesised", path, srcmap.line(r.map, "strength"), s.level))
      end
      rows[#rows + 1] = {
        id = spec.title, group = group_of(spec.source), level = s.level, qualifiers = s.qualifiers or {},
        result_class = result, analysis = spec.design.label or spec.design.type,
        result = s.result_label or result, source = path,
      }
    end
  end
  if #missing > 0 then
    errors.raise("recipe", string.format("%s: no strength = {...} declared; every recipe to be synthesised must say "
      .. "its strength of evidence (level, result; see docs/synthesis.md)", table.concat(missing, ", ")))
  end
  return rows
end

--- Run the synthesis and write OUT/synthesis/.  o: the parsed command line.
function M.run(o, command)
  local spec = {
    id = "synthesis",
    title = "Synthesis: evaluations by strength of evidence and result",
    question = "How strong is the evidence from these evaluations, and how many found positive results at each "
      .. "strength and in each group?",
    source = { report = "csceval synthesise", tables = {} },
    inputs = {},
    design = { type = "synthesis" },
    strength = { level = "none", reason = "A synthesis of other evaluations: it analyses no outcome of its own." },
    limitations = {},
  }
  if o.table then
    if #o.files > 0 then errors.raise("usage", "synthesise takes recipes or --table FILE, not both") end
    local text = sys.kind(o.table) == "file" and sys.read(o.table)
    if not text then errors.raise("data", o.table .. ": no such file (give a CSV with one row per evaluation)") end
    local header = {}
    for name in (text:match("^[^\r\n]*") or ""):gmatch("[^,]+") do header[(name:gsub('^"', ""):gsub('"$', ""))] = true end
    local id = header.project and "project" or header.evaluation and "evaluation" or "id"
    spec.inputs.evaluations = { path = o.table, description = "the evaluations to synthesise, one per row" }
    spec.design.input = "evaluations"
    spec.design.columns = { id = id, group = header.group and "group" or nil, analysis = "analysis", result = "result" }
    spec.source.tables = { o.table }
    spec.limitations[1] = "Each evaluation is rated from the words of its analysis and result columns by the default "
      .. "rules (docs/synthesis.md); a row the rules cannot rate stops the run."
  else
    if #o.files == 0 then
      errors.raise("usage", "synthesise needs recipes or a table: csceval synthesise recipes/*.lua, or --table FILE.csv")
    end
    spec.design.evaluations = M.rows_from_recipes(o.files, o)
    spec.source.tables = o.files
    spec.limitations[1] = "Each evaluation's strength and result are the recipe's own declaration, checked against "
      .. "its design but not against its run; groups are the reports the recipes rerun."
  end
  local r = { path = "synthesis", spec = spec, map = srcmap.build(""), source = "",
              sha256 = sys.sha256(table.concat(o.files, "\n") .. (o.table or "")), id = "synthesis" }
  local res = require("csc.runner").run_spec(r, { out = o.out, formats = o.formats, command = command })
  -- the synthesis is listed in the output folder's index like a recipe
  local ok, err = require("csc.render.index").write(o.out or "out")
  if not ok then errors.raise("output", err) end
  return res
end

return M
