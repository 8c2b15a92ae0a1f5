--- Design "synthesis": rate a set of evaluations on the Innovation
-- Programme's strength-of-evidence scale and roll them up, as the Round 2
-- final report's Table 3 (number of evaluations and positive results by
-- strength) and Figure 1 (by project group) do.
--
-- Each evaluation is a row of an input (one row per evaluation: its name,
-- group, the type of analysis and the result in the report's words) or an
-- entry of `evaluations` (csceval synthesise builds these from recipes).
-- The words are rated by rules: the first rule whose text occurs in the
-- analysis (case-insensitive, plain text) gives the level, and likewise
-- for the result class.  The defaults follow Table 3 and Table 4; a row
-- that no rule rates (a "Mixed" analysis rating two strands differently)
-- is an error unless the recipe gives an override with its reason.
-- Methods: docs/synthesis.md.
-- @module csc.designs.synthesis
local S = require("csc.schema")
local errors = require("csc.errors")
local E = require("csc.evidence")
local util = require("csc.util")

local M = {}
local NA = require("host.frame").NA

--- Default rules for the analysis and result columns (Table 4's wording):
-- csc.evidence's, which published ratings use too.
M.default_levels = E.analysis_rules
M.default_results = E.result_rules

local function input_of(root) return root.design and root.design.input end

local evaluation = S.record({
  id = S.string({ required = true }),
  group = S.string(),
  analysis = S.string(),
  result = S.string(),
  level = S.enum(E.keys),
  qualifiers = S.list(S.string()),
  result_class = S.enum(E.results),
  source = S.string(),
})

M.schema = S.record({
  input = S.string({ doc = "the input with one row per evaluation" }),
  columns = S.record({
    id = S.column({ required = true, input = input_of }),
    group = S.column({ input = input_of }),
    analysis = S.column({ required = true, input = input_of }),
    result = S.column({ required = true, input = input_of }),
  }),
  evaluations = S.list(evaluation, { doc = "evaluations given directly instead of an input" }),
  levels = S.list(S.record({ match = S.string({ required = true }), level = S.enum(E.keys, { required = true }) }),
    { doc = "rules rating the analysis words; default: Table 4's wording" }),
  results = S.list(S.record({ match = S.string({ required = true }), class = S.enum(E.results, { required = true }) }),
    { doc = "rules classing the result words; default: as Table 3 counts them" }),
  overrides = S.list(S.record({
    id = S.string({ required = true }),
    level = S.enum(E.keys),
    result_class = S.enum(E.results),
    reason = S.string({ required = true, doc = "why, with the report's own words (e.g. its footnote)" }),
  })),
  flags = S.list(S.record({
    id = S.string({ required = true }),
    note = S.string({ required = true, doc = "what in the report does not fit the rating, in its words" }),
  }), { doc = "ratings the report's own text puts in doubt; shown beside the evaluation and as warnings" }),
  groups = S.list(S.string(), { doc = "order of the groups in the cross-tab" }),
  costs = S.any({ doc = "an economic design's fields, run alongside (see docs/economic.md)" }),
  label = S.string(),
}, {
  check = function(d)
    if d.input == nil and d.evaluations == nil then return "give input = \"...\" with columns, or evaluations = {...}", "input" end
    if d.input ~= nil and d.columns == nil then return "an input needs columns = {id = ..., analysis = ..., result = ...}", "columns" end
    if d.costs ~= nil then
      local errs = {}
      local ec = require("csc.designs.economic")
      S.validate(ec.schema, d.costs, "design.costs", errs)
      if #errs > 0 then return errs[1].path:gsub("^design%.", "") .. ": " .. errs[1].msg end
    end
    return nil
  end,
})

M.evidence = { comparator = false, significance = false, outcomes = false }

function M.describe(d)
  return "Evidence synthesis: each evaluation is rated on the Innovation Programme's strength-of-evidence scale "
    .. "(stronger, moderate or compromised comparative analysis, changes in outcomes without a comparator, or no "
    .. "outcome analysis) from the words the report uses, its result is classed as positive, mixed or none, and the "
    .. "ratings are tallied by strength (as Table 3) and by project group (as Figure 1)."
    .. (d.costs and " The benefit-cost figures the report quotes are rerun from their parts where it gives them." or "")
end

local rate, qualifiers_of = E.rate, E.qualifiers_of

local function slug(s) return (s:lower():gsub("[^%w]+", "_"):gsub("^_", ""):gsub("_$", "")) end

--- Rate rows {id, group, analysis, result, level?, result_class?} and
-- tabulate them into ctx.  Returns the rated rows.
function M.tabulate(ctx, rows, d)
  local bad = require("csc.designs.economic").raiser(ctx)
  d = d or {}
  local lrules = d.levels or M.default_levels
  local rrules = d.results or M.default_results
  local over = {}
  for i, o in ipairs(d.overrides or {}) do over[o.id] = { o = o, i = i, used = false } end
  local rated, unrated, flagged = {}, {}, {}
  for i, r in ipairs(rows) do
    local level, result = r.level, r.result_class
    local how = r.level and "declared" or nil
    if not level then
      local lv, m = rate(r.analysis, lrules, "level")
      level = lv
      how = m and ("analysis contains \"" .. m .. "\"") or nil
    end
    if not result then
      if level == "none" then result = "not applicable"
      elseif (r.result or "") == "" then result = "not applicable"
      else result = rate(r.result, rrules, "class") end
    end
    local note = ""
    for _, fl in ipairs(d.flags or {}) do
      if fl.id == r.id then
        flagged[fl] = true
        note = note ~= "" and (note .. " " .. fl.note) or fl.note
        ctx:warn(string.format("%s: %s", r.id, fl.note))
      end
    end
    local ov = over[r.id]
    if ov then
      ov.used = true
      if ov.o.level then level = ov.o.level; how = "override" end
      if ov.o.result_class then result = ov.o.result_class end
      note = note ~= "" and (ov.o.reason .. " " .. note) or ov.o.reason
    end
    if not level or not result then
      unrated[#unrated + 1] = string.format("%s (row %d): %s %q", r.id, i, not level and "analysis" or "result",
        tostring(not level and r.analysis or r.result))
    end
    rated[i] = { id = r.id, group = r.group or "All", analysis = r.analysis or "", result = r.result or "",
      level = level, result_class = result, qualifiers = r.qualifiers or qualifiers_of(r.analysis), note = note,
      how = how, source = r.source }
  end
  if #unrated > 0 then
    bad(string.format("design: %d evaluation%s could not be rated by the rules: %s. Add a rule to design.levels or "
      .. "design.results, or an override {id = ..., level = ..., result_class = ..., reason = ...}", #unrated,
      #unrated == 1 and "" or "s", table.concat(unrated, "; ")))
  end
  for i, fl in ipairs(d.flags or {}) do
    if not flagged[fl] then bad(string.format("design.flags[%d].id: %q is not among the evaluations", i, fl.id)) end
  end
  for id, ov in pairs(over) do
    if not ov.used then
      local ids = {}
      for _, r in ipairs(rated) do ids[#ids + 1] = r.id end
      bad(string.format("design.overrides[%d].id: %q is not among the evaluations%s", ov.i, id, util.hint(id, ids)))
    end
  end

  -- the list of evaluations
  local list = {}
  for i, r in ipairs(rated) do
    list[i] = { i, r.id, r.group, r.analysis, E.by_key[r.level].short, table.concat(r.qualifiers, "; "),
      r.result, r.result_class, r.note }
  end
  ctx:table("evaluations", { columns = { "row", "evaluation", "group", "analysis (report's words)", "strength",
    "qualifiers", "result (report's words)", "result class", "note" }, rows = list },
    { caption = "Evaluations rated on the Innovation Programme's strength-of-evidence scale", digits = 0 })

  -- Table 3: by strength
  local n, pos, mixed, none = {}, {}, {}, {}
  for _, k in ipairs(E.keys) do n[k], pos[k], mixed[k], none[k] = 0, 0, 0, 0 end
  for _, r in ipairs(rated) do
    n[r.level] = n[r.level] + 1
    if r.result_class == "positive" then pos[r.level] = pos[r.level] + 1
    elseif r.result_class == "mixed" then mixed[r.level] = mixed[r.level] + 1
    elseif r.result_class == "none" then none[r.level] = none[r.level] + 1 end
  end
  local t3, assessed, positive = {}, 0, 0
  for _, lv in ipairs(E.levels) do
    local k = lv.key
    local has = lv.outcomes
    t3[#t3 + 1] = { lv.label, n[k], has and pos[k] or "N/A", has and mixed[k] or "N/A", has and none[k] or "N/A" }
    ctx:estimate({ label = "count." .. k, value = n[k], unit = "evaluations", group = "by strength" })
    if has then
      ctx:estimate({ label = "positive." .. k, value = pos[k], unit = "evaluations", group = "by strength" })
      assessed, positive = assessed + n[k], positive + pos[k]
    end
  end
  t3[#t3 + 1] = { "Total", #rated, positive, "", "" }
  ctx:estimate({ label = "count.total", value = #rated, unit = "evaluations", group = "by strength" })
  ctx:estimate({ label = "count.assessed", value = assessed, unit = "evaluations assessing impact or outcomes",
    group = "by strength" })
  ctx:estimate({ label = "positive.total", value = positive, unit = "evaluations with positive results",
    group = "by strength", headline = true })
  ctx:table("by_strength", { columns = { "strength of impact or outcomes analysis", "number of evaluations",
    "of these, positive", "mixed", "no impact or change" }, rows = t3 },
    { caption = "Evaluations by strength of evidence and result (as Table 3)", digits = 0 })
  local cats, sp, sm, sn = {}, {}, {}, {}
  for _, lv in ipairs(E.levels) do
    if lv.outcomes then cats[#cats + 1] = lv.short; sp[#sp + 1] = pos[lv.key]; sm[#sm + 1] = mixed[lv.key]; sn[#sn + 1] = none[lv.key] end
  end
  ctx:chart({ name = "by_strength", kind = "bars", table = "by_strength",
    title = "Results by strength of evidence",
    desc = string.format("Grouped bar chart: for each strength of evidence, the number of evaluations with positive, "
      .. "mixed and no results. %d of %d evaluations assessing outcomes had positive results; %d had no outcome analysis.",
      positive, assessed, n.none),
    xlabel = "Evaluations", categories = cats,
    series = { { name = "Positive", values = sp }, { name = "Mixed", values = sm }, { name = "No impact or change", values = sn } } })

  -- Figure 1: by project group
  local groups = d.groups and util.copy(d.groups) or {}
  local gseen = {}
  for _, g in ipairs(groups) do gseen[g] = true end
  for _, r in ipairs(rated) do if not gseen[r.group] then gseen[r.group] = true; groups[#groups + 1] = r.group end end
  local gx = {}
  for _, g in ipairs(groups) do gx[g] = { n = {}, p = {} }; for _, k in ipairs(E.keys) do gx[g].n[k], gx[g].p[k] = 0, 0 end end
  for _, r in ipairs(rated) do
    if not gx[r.group] then
      bad(string.format("design.groups: the group %q of %s is not listed", r.group, r.id))
    end
    gx[r.group].n[r.level] = gx[r.group].n[r.level] + 1
    if r.result_class == "positive" then gx[r.group].p[r.level] = gx[r.group].p[r.level] + 1 end
  end
  local cols, rows = { "group" }, {}
  for _, lv in ipairs(E.levels) do
    cols[#cols + 1] = lv.short
    if lv.outcomes then cols[#cols + 1] = lv.short .. ": positive" end
  end
  cols[#cols + 1] = "total"
  cols[#cols + 1] = "positive of those assessed"
  local series = {}
  for _, lv in ipairs(E.levels) do series[#series + 1] = { name = lv.short, values = {} } end
  local slugs, used = {}, {}
  for _, g in ipairs(groups) do
    local s, k = slug(g), 2
    while used[s] do s = slug(g) .. "_" .. k; k = k + 1 end
    used[s], slugs[g] = true, s
  end
  for gi, g in ipairs(groups) do
    local row, tot, ass, gp = { g }, 0, 0, 0
    for li, lv in ipairs(E.levels) do
      local k = lv.key
      row[#row + 1] = gx[g].n[k]
      if lv.outcomes then row[#row + 1] = gx[g].p[k]; ass = ass + gx[g].n[k]; gp = gp + gx[g].p[k] end
      tot = tot + gx[g].n[k]
      series[li].values[gi] = gx[g].n[k]
      ctx:estimate({ label = string.format("group.%s.%s", slugs[g], k), value = gx[g].n[k], group = "by group", detail = true })
    end
    row[#row + 1] = tot
    row[#row + 1] = string.format("%d of %d", gp, ass)
    ctx:estimate({ label = string.format("group.%s.positive", slugs[g]), value = gp, group = "by group", detail = true })
    ctx:estimate({ label = string.format("group.%s.assessed", slugs[g]), value = ass, group = "by group", detail = true })
    rows[#rows + 1] = row
  end
  ctx:table("by_group", { columns = cols, rows = rows },
    { caption = "Evaluations by project group and strength of evidence, with positive results (as Figure 1)", digits = 0 })
  ctx:chart({ name = "by_group", kind = "bars", table = "by_group",
    title = "Strength of evidence by project group",
    desc = "Grouped bar chart: for each project group, the number of evaluations at each strength of evidence. "
      .. "The counts, with the positive results, are in the table above.",
    xlabel = "Evaluations", categories = groups, series = series })
  return rated
end

function M.run(ctx, d)
  local rows = {}
  if d.input then
    local f = ctx.data[d.input]
    local c = d.columns
    for i = 1, f:nrow() do
      local function v(col)
        if not col then return nil end
        local x = f:value(i, col)
        -- "N/A" is read as a missing value; its words matter here
        if x == NA then return f:na_reason(i, col) or "" end
        if x == nil then return "" end
        return tostring(x)
      end
      rows[i] = { id = v(c.id), group = c.group and v(c.group) or nil, analysis = v(c.analysis), result = v(c.result) }
    end
  else
    for i, e in ipairs(d.evaluations) do rows[i] = util.copy(e) end
  end
  M.tabulate(ctx, rows, d)
  if d.costs then require("csc.designs.economic").run(ctx, d.costs) end
end

return M
