--- The steps of a "survey" design (design.analyses[i].kind): what each
-- reads, computes and records.  See docs/surveys.md for the fields.
-- Estimates are labelled "<step name>.<key>...", keys in lower case with
-- spaces as "_", so a recipe's published figures can name them.
-- @module csc.survey.steps
local S = require("csc.schema")
local records = require("csc.records")
local compare = require("csc.survey.compare")
local describe = require("csc.survey.describe")
local reliability = require("csc.survey.reliability")
local score = require("csc.survey.score")
local util = require("csc.util")
local NA = require("host.frame").NA
local tables = require("csc.survey.tables")
local H = require("csc.survey.stephelp")
local key, fail, source_of, result_of, show_count, item_ids, inst_of = H.key, H.fail, H.source_of, H.result_of,
  H.show_count, H.item_ids, H.inst_of

local M = {}

M.kinds = { "score", "items", "reliability", "bands", "rank_agreement", "change", "response_rates",
  "distribution", "crosstab", "proportions", "figures" }

local WORDS = {
  score = "respondents scored on the instrument's scales", items = "item means ranked",
  reliability = "Cronbach's alpha per scale", bands = "totals banded", rank_agreement = "two rankings compared",
  change = "baseline to follow-up change", response_rates = "response rates", distribution = "answer distributions",
  crosstab = "a categorical distribution compared", proportions = "proportions compared between groups or waves",
  figures = "arithmetic on printed figures",
}
function M.describe_kind(k) return WORDS[k] or k end

local common = { kind = S.string(), name = S.string(), source = S.string({ doc = "the report's table or page" }),
  caption = S.string(), note = S.string() }
local function rec(fields)
  local f = util.copy(common)
  for k, v in pairs(fields) do f[k] = v end
  return S.record(f)
end
local count = S.either({ S.number(), S.boolean(), S.string() })   -- false / "?" = unknown

M.schemas = {
  score = rec({
    input = S.string({ required = true }), instrument = S.string(), id = S.string(), group = S.string(), wave = S.string(),
    scales = S.list(S.string()),
    exclude = S.list(S.record({
      scale = S.string({ required = true }), group = S.string(), wave = S.string(),
      rule = S.enum({ "lowest", "highest" }, { required = true }), n = S.integer({ min = 1 }),
      reason = S.string({ required = true, doc = "why the report excluded it, in its words" }),
    })),
    compare = S.record({ by = S.string({ required = true }), within = S.string(), groups = S.list(S.string()) }),
    digits = S.integer({ min = 0 }),
    per_unit = S.list(S.string(), { doc = "scales whose score is recorded for each respondent (by id) as <name>.<scale>.<id>" }),
  }),
  items = rec({ from = S.string({ required = true }), items = S.any(), area = S.string(),
    rank = S.record({ top = S.integer({ min = 1 }), bottom = S.integer({ min = 1 }),
      ties = S.enum({ "first", "min", "average" }), digits = S.integer({ min = 0 }) }),
    top_box = S.integer({ min = 1 }), digits = S.integer({ min = 0 }), chart = S.boolean() }),
  reliability = rec({ from = S.string({ required = true }), scales = S.list(S.string()),
    threshold = S.number(), conf_level = S.number({ min = 0, max = 1 }) }),
  bands = rec({ from = S.string({ required = true }), scale = S.string({ required = true }) }),
  rank_agreement = rec({ from = S.string({ required = true }), a = S.string({ required = true }),
    b = S.string({ required = true }), flag = S.integer({ min = 1 }), ties = S.enum({ "first", "min", "average" }) }),
  change = rec({ rows = records.schema(S.record({ id = S.any({ required = true }), before = S.number({ required = true }),
      after = S.number({ required = true }), status = S.string() })),
    input = S.string(), id = S.string(), before = S.string(), after = S.string(), status = S.string() }),
  response_rates = rec({ rows = records.schema(S.record({ label = S.string({ required = true }), returned = count,
    sent = count }), { required = true }), denominator = S.string({ doc = "what the denominator counts" }) }),
  distribution = rec({ scores = S.list(S.number()), labels = S.list(S.string()),
    rows = records.schema(S.record({ label = S.string({ required = true }), counts = S.list(S.number(), { required = true }) })),
    from = S.string({ doc = "a score step: count the answers to its items instead of typed rows" }),
    items = S.list(S.string()), top_box = S.integer({ min = 1 }), digits = S.integer({ min = 0 }) }),
  crosstab = rec({ categories = S.list(S.string(), { required = true }), groups = S.list(S.string(), { required = true }),
    counts = S.list(S.list(S.number()), { required = true, doc = "one list per category, one count per group" }),
    combine = S.list(S.record({ label = S.string({ required = true }), categories = S.list(S.string(), { required = true }) })) }),
  proportions = rec({ comparisons = S.list(S.record({
      label = S.string({ required = true }),
      a = S.record({ x = S.any(), n = S.number({ required = true }), pct = S.number(), label = S.string() }, { required = true }),
      b = S.record({ x = S.any(), n = S.number({ required = true }), pct = S.number(), label = S.string() }, { required = true }),
      paired = S.record({ b = S.integer({ required = true }), c = S.integer({ required = true }) }),
    }), { required = true }) }),
  figures = rec({ figures = S.list(S.record({ label = S.string({ required = true }),
    op = S.enum({ "sum", "difference", "pct_change", "percent", "union", "ratio" }, { required = true }),
    args = S.list(S.number(), { required = true, min_items = 1 }), note = S.string() }), { required = true }) }),
}

-- ===== score =====

local function cells(frame, col)
  if not col then return nil end
  if not frame:has(col) then return false end
  local out = {}
  for i, v in ipairs(frame:column(col)) do out[i] = v == NA and "(missing)" or tostring(v) end
  return out
end

local function run_score(ctx, state, a)
  local f = ctx.data[a.input]
  local inst = inst_of(state, a.instrument)
  local file = ctx.recipe.inputs[a.input].path
  local synthetic = false
  for _, pv in ipairs(ctx.provenance or {}) do
    if pv.name == a.input then file = pv.path; synthetic = pv.synthetic end
  end
  local rows = score.items(inst, f, { file = file, input = a.input })
  local scored = score.all(inst, rows)
  local ids = cells(f, a.id)
  local groups, waves = cells(f, a.group), cells(f, a.wave)
  for _, fv in ipairs({ { "id", ids }, { "group", groups }, { "wave", waves } }) do
    local field, v = fv[1], fv[2]
    if v == false then fail(state, field, string.format("no column %q in input %q", a[field], a.input)) end
  end
  local scales = a.scales or {}
  if #scales == 0 then for _, sc in ipairs(inst.scales) do scales[#scales + 1] = sc.id end end
  for _, sid in ipairs(scales) do
    if not inst.scale_index[sid] then fail(state, "scales", string.format("no scale %q in %s%s", sid, inst.id, util.hint(sid, util.sorted_keys(inst.scale_index)))) end
  end
  -- cells: wave x group, in order of first appearance
  local cellkeys, cellorder = {}, {}
  local function cellof(i)
    local w, g = waves and waves[i], groups and groups[i]
    local k = (w and (w .. " / ") or "") .. (g or "")
    if k == "" then k = "all" end
    if not cellkeys[k] then cellkeys[k] = { wave = w, group = g, rows = {} }; cellorder[#cellorder + 1] = k end
    return cellkeys[k]
  end
  for i = 1, #rows do local c = cellof(i); c.rows[#c.rows + 1] = i end
  local excluded = {}
  local tabrows = {}
  local digits = a.digits or 2
  for _, sid in ipairs(scales) do
    local sc = inst.scale_index[sid]
    for _, ck in ipairs(cellorder) do
      local c = cellkeys[ck]
      local vals, idx, notscored, reasons = {}, {}, 0, {}
      for _, i in ipairs(c.rows) do
        local v = scored[i].scales[sid]
        if v ~= nil then vals[#vals + 1] = v; idx[#idx + 1] = i
        else notscored = notscored + 1; local why = scored[i].info[sid].reason or "not scored"; reasons[why] = (reasons[why] or 0) + 1 end
      end
      local all_vals = util.copy(vals)
      local nexcl, exclnote = 0, nil
      for _, ex in ipairs(a.exclude or {}) do
        if ex.scale == sid and (ex.group == nil or ex.group == c.group) and (ex.wave == nil or ex.wave == c.wave) then
          for _ = 1, ex.n or 1 do
            if #vals == 0 then break end
            local best = 1
            for j = 2, #vals do
              if (ex.rule == "lowest" and vals[j] < vals[best]) or (ex.rule == "highest" and vals[j] > vals[best]) then best = j end
            end
            local who = ids and ids[idx[best]] or ("row " .. (idx[best] + 1))
            excluded[#excluded + 1] = { scale = sid, cell = ck, value = vals[best], who = who, reason = ex.reason }
            exclnote = string.format("%s %s (%s) left out: %s", ex.rule, util.fmt_number(vals[best]), who, ex.reason)
            table.remove(vals, best); table.remove(idx, best)
            nexcl = nexcl + 1
          end
        end
      end
      local m = describe.mean(vals, state.conf_level)
      local base = key(a.name) .. "." .. key(sid) .. (ck ~= "all" and ("." .. key(ck)) or "")
      tabrows[#tabrows + 1] = { sc.label or sid, c.wave or "", c.group or "", #c.rows, show_count(state, m.n), notscored, nexcl,
        m.mean or NA, m.sd or NA, m.ci and m.ci[1] or NA, m.ci and m.ci[2] or NA, m.min or NA, m.max or NA }
      ctx:estimate({ label = base .. ".n", value = m.n, unit = "respondents scored", group = a.name, detail = true })
      ctx:estimate({ label = base .. ".not_scored", value = notscored, unit = "respondents", group = a.name, detail = true })
      if m.mean then
        ctx:estimate({ label = base .. ".mean", value = m.mean, n = m.n, ci = m.ci, unit = sc.label or sid, group = a.name,
          method = "mean of scored respondents" .. (nexcl > 0 and " after the stated exclusion" or ""), detail = true })
      end
      if nexcl > 0 then
        local mall = describe.mean(all_vals, state.conf_level)
        ctx:estimate({ label = base .. ".mean_without_exclusion", value = mall.mean, n = mall.n, unit = sc.label or sid,
          group = a.name, detail = true })
        ctx:note(string.format("%s, %s: %s; the mean is %s with every score and %s after leaving it out (n %d and %d).",
          sc.label or sid, ck, exclnote, util.fmt_fixed(mall.mean, digits), util.fmt_fixed(m.mean, digits), mall.n, m.n))
      end
      for _, why in ipairs(util.sorted_keys(reasons)) do
        local n = reasons[why]
        ctx:note(string.format("%s, %s: %d respondent(s) not scored: %s.", sc.label or sid, ck, n, why))
      end
      c[sid] = vals
    end
  end
  for _, sid in ipairs(a.per_unit or {}) do
    if not inst.scale_index[sid] then fail(state, "per_unit", "no scale " .. sid) end
    local rowsu = {}
    for i, s in ipairs(scored) do
      local who = ids and ids[i] or tostring(i)
      local v = s.scales[sid]
      if v ~= nil then
        ctx:estimate({ label = key(a.name) .. "." .. key(sid) .. "." .. key(who), value = v, unit = inst.scale_index[sid].label or sid,
          group = a.name, detail = true })
      end
      rowsu[#rowsu + 1] = { who, v or NA, s.info[sid].answered or NA, s.info[sid].reason or "" }
    end
    ctx:table(a.name .. "_" .. sid, { columns = { "respondent", sid, "items_answered", "not_scored_because" }, rows = rowsu },
      { caption = (inst.scale_index[sid].label or sid) .. " of each respondent", digits = 2 })
  end
  ctx:table(a.name, { columns = { "scale", "wave", "group", "respondents", "scored", "not_scored", "excluded", "mean", "sd",
    "ci_low", "ci_high", "min", "max" }, rows = tabrows },
    { caption = (a.caption or ("Scale scores by " .. ((a.wave and a.group) and "wave and group" or (a.group and "group" or (a.wave and "wave" or "respondent"))))) .. source_of(a),
      digits = digits })
  -- group comparisons within waves
  if a.compare then
    local by, within = a.compare.by, a.compare.within
    local crow = {}
    for _, sid in ipairs(scales) do
      local bywave = {}
      local worder = {}
      for _, ck in ipairs(cellorder) do
        local c = cellkeys[ck]
        local w = c.wave or "all"
        if not bywave[w] then bywave[w] = {}; worder[#worder + 1] = w end
        bywave[w][#bywave[w] + 1] = c
      end
      for _, w in ipairs(worder) do
        local cs = bywave[w]
        if a.compare.groups then
          local sel = {}
          for _, gname in ipairs(a.compare.groups) do for _, c in ipairs(cs) do if c.group == gname then sel[#sel + 1] = c end end end
          cs = sel
        end
        if #cs == 2 then
          local x, y = cs[1][sid], cs[2][sid]
          local r = compare.scores(x, y, { cs[1].group, cs[2].group }, function(n) return ctx:count(n) end)
          state.small = state.small
          local base = key(a.name) .. "." .. key(sid) .. "." .. key(w) .. ".compare"
          if r.diff then ctx:estimate({ label = base .. ".difference", value = r.diff, unit = cs[1].group .. " minus " .. cs[2].group, group = a.name, detail = true }) end
          if r.welch then ctx:estimate({ label = base .. ".welch_p", value = r.welch.statistic, p = r.welch.p_value, ci = { r.welch.conf_int[1], r.welch.conf_int[2] }, df = r.welch.parameter.df, method = r.welch.method, group = a.name, detail = true }) end
          if r.permutation then ctx:estimate({ label = base .. ".permutation_p", value = r.permutation.p_value, p = r.permutation.p_value, method = r.permutation.method, group = a.name, detail = true }) end
          if r.mann_whitney then ctx:estimate({ label = base .. ".mann_whitney_p", value = r.mann_whitney.statistic, p = r.mann_whitney.p_value, method = r.mann_whitney.method, group = a.name, detail = true }) end
          crow[#crow + 1] = { sid, w, cs[1].group .. " vs " .. cs[2].group, #x, #y, r.diff or NA,
            r.welch and r.welch.conf_int[1] or NA, r.welch and r.welch.conf_int[2] or NA,
            r.welch and r.welch.p_value or NA, r.permutation and r.permutation.p_value or NA,
            r.mann_whitney and r.mann_whitney.p_value or NA }
          for _, wmsg in ipairs(r.warnings) do ctx:warn(string.format("%s, %s: %s.", sid, w, wmsg)) end
        end
      end
    end
    if #crow > 0 then
      ctx:table(a.name .. "_compare", { columns = { "scale", "wave", "groups", "n_1", "n_2", "difference", "ci_low", "ci_high",
        "welch_p", "permutation_p", "mann_whitney_p" }, rows = crow },
        { caption = "Group comparisons of scale scores: Welch t (95% interval of the difference), exact permutation test "
          .. "of the difference in means, and Mann-Whitney", digits = 3 })
    end
  end
  return { kind = "score", inst = inst, rows = rows, scored = scored, ids = ids, groups = groups, waves = waves,
    excluded = excluded, synthetic = synthetic }
end

-- ===== items =====

local function run_items(ctx, state, a)
  local r = result_of(state, a, "score")
  local inst = r.inst
  local ids = item_ids(inst, a)
  local entries = {}
  for _, id in ipairs(ids) do
    local it = inst.item_index[id]
    if not it then fail(state, "items", string.format("no item %q in %s", tostring(id), inst.id)) end
    local vals = {}
    for i, row in ipairs(r.rows) do vals[i] = row[id] end
    local m = describe.mean(vals, state.conf_level)
    entries[#entries + 1] = { id = id, value = m.mean or -math.huge, n = m.n, m = m, it = it }
  end
  local ranked = describe.rank(entries, a.rank and a.rank.ties or "first", a.rank and a.rank.digits)
  local rows = {}
  local top, bottom = a.rank and a.rank.top, a.rank and a.rank.bottom
  for _, e in ipairs(ranked) do
    local m = e.m
    local base = key(a.name) .. "." .. key(e.id)
    if m.mean then
      ctx:estimate({ label = base .. ".mean", value = m.mean, n = m.n, ci = m.ci, unit = "mean score", group = a.name, detail = true })
      ctx:estimate({ label = base .. ".rank", value = e.rank, unit = "rank (1 = highest mean)", group = a.name, detail = true })
      ctx:estimate({ label = base .. ".n", value = m.n, unit = "answers", group = a.name, detail = true })
    end
    local show = (not top and not bottom) or (top and e.rank <= top) or (bottom and e.rank > #ranked - bottom)
    if show then
      local row = { e.rank, e.id, e.it.area or "", e.it.text, m.n, m.mean or NA, m.sd or NA }
      if a.top_box then
        local scores = {}
        for _, o in ipairs(e.it.set.options or {}) do scores[#scores + 1] = o.score end
        local vals = {}
        for i, rr in ipairs(r.rows) do vals[i] = rr[e.id] end
        local dist = describe.distribution(vals, scores, a.top_box, #r.rows)
        row[#row + 1] = dist.top_share or NA
      end
      rows[#rows + 1] = row
    end
  end
  local cols = { "rank", "item", "area", "text", "n", "mean", "sd" }
  if a.top_box then cols[#cols + 1] = "top_box_pct" end
  ctx:table(a.name, { columns = cols, rows = rows },
    { caption = (a.caption or "Item means, highest first") .. source_of(a), digits = a.digits or 3 })
  if a.chart then
    -- dot plot: each item's mean with its 95% t interval, highest first
    local cats, means, lo, hi, idx = {}, {}, {}, {}, {}
    for k, e in ipairs(ranked) do
      cats[k] = e.it.short or e.id; idx[k] = k
      means[k] = e.m.mean or NA
      lo[k] = e.m.ci and e.m.ci[1] or NA; hi[k] = e.m.ci and e.m.ci[2] or NA
    end
    local syn = r.synthetic and " (synthetic data, made to reproduce the published figures)" or ""
    ctx:chart({ name = a.name, kind = "plot", table = a.name, title = (a.caption or "Item means") .. syn,
      desc = "Dot plot of the mean score of each item, highest first, with a bar for its 95% confidence interval; "
        .. "the values are in the table above." .. (r.synthetic and " The answers behind them are synthetic." or ""),
      y = { categories = cats }, xlabel = "Mean score",
      layers = {
        { type = "hbar", y = idx, from = lo, to = hi, slot = 3, slots = 6, style = 4, name = "95% interval" },
        { type = "points", x = means, y = idx, style = 1, name = "Mean" },
      } })
  end
  return { kind = "items", ranked = ranked }
end

-- ===== reliability =====

local function run_reliability(ctx, state, a)
  local r = result_of(state, a, "score")
  local inst = r.inst
  local sids = a.scales
  if not sids then
    sids = {}
    for _, sc in ipairs(inst.scales) do if #sc.item_ids >= 2 then sids[#sids + 1] = sc.id end end
  end
  local thr = a.threshold or 0.7
  local rows, drows = {}, {}
  for _, sid in ipairs(sids) do
    local sc = inst.scale_index[sid]
    if not sc then fail(state, "scales", "no scale " .. sid) end
    local res = reliability.alpha(r.rows, sc.item_ids, a.conf_level or state.conf_level)
    local base = key(a.name) .. "." .. key(sid)
    if res.error then
      ctx:warn(string.format("%s: %s.", sc.label or sid, res.error))
      rows[#rows + 1] = { sc.label or sid, res.k, res.n, NA, NA, NA, NA, NA, res.error }
    else
      ctx:estimate({ label = base .. ".alpha", value = res.raw_alpha, n = res.n, ci = res.ci, group = a.name,
        method = "Cronbach's alpha (raw), Feldt interval", detail = true })
      ctx:estimate({ label = base .. ".std_alpha", value = res.std_alpha, n = res.n, group = a.name, detail = true })
      ctx:estimate({ label = base .. ".acceptable", value = res.raw_alpha >= thr and 1 or 0,
        unit = "1 = alpha at least " .. util.fmt_number(thr), group = a.name, detail = true })
      rows[#rows + 1] = { sc.label or sid, res.k, res.n, res.raw_alpha, res.ci and res.ci[1] or NA, res.ci and res.ci[2] or NA,
        res.std_alpha, res.average_r, res.raw_alpha >= thr and "yes" or "no" }
      for _, id in ipairs(sc.item_ids) do
        drows[#drows + 1] = { sc.label or sid, id, res.item_dropped[id] or NA }
      end
      if res.n < res.k then
        ctx:warn(string.format("%s: alpha from %s respondents on %d items: fewer respondents than items, so the "
          .. "estimate is very uncertain (95%% interval %s to %s).", sc.label or sid, ctx:count(res.n), res.k,
          util.fmt_fixed(res.ci and res.ci[1] or 0 / 0, 2), util.fmt_fixed(res.ci and res.ci[2] or 0 / 0, 2)))
      end
    end
  end
  ctx:table(a.name, { columns = { "scale", "items", "n", "alpha", "ci_low", "ci_high", "std_alpha", "average_r",
    string.format("alpha_at_least_%s", util.fmt_number(thr)) }, rows = rows },
    { caption = (a.caption or "Cronbach's alpha per scale (complete cases), 95% Feldt interval") .. source_of(a), digits = 3 })
  ctx:table(a.name .. "_item_dropped", { columns = { "scale", "item", "alpha_if_dropped" }, rows = drows },
    { caption = "Cronbach's alpha with each item dropped", digits = 3 })
  ctx:method("Cronbach's alpha = k/(k-1) (1 - sum of item variances / variance of the total) over respondents who "
    .. "answered every item of the scale (psych::alpha raw_alpha); interval by Feldt's F method.")
  return { kind = "reliability" }
end

-- ===== bands =====

local function run_bands(ctx, state, a)
  local r = result_of(state, a, "score")
  local sc = r.inst.scale_index[a.scale]
  if not sc then fail(state, "scale", "no scale " .. a.scale) end
  if not sc.bands then fail(state, "scale", "scale " .. a.scale .. " has no bands in the instrument") end
  local entries = {}
  for i, s in ipairs(r.scored) do
    local v = s.scales[a.scale]
    if v ~= nil then entries[#entries + 1] = { id = r.ids and r.ids[i] or tostring(i), value = v } end
  end
  local ranked = describe.rank(entries, "first")
  local counts, members = {}, {}
  for _, b in ipairs(sc.bands) do counts[b.label] = 0; members[b.label] = {} end
  local unbanded = 0
  for _, e in ipairs(ranked) do
    local lab = score.band(sc, e.value)
    if lab then counts[lab] = counts[lab] + 1; members[lab][#members[lab] + 1] = e.id else unbanded = unbanded + 1 end
    ctx:estimate({ label = key(a.name) .. ".position." .. key(e.id), value = e.rank, unit = "position by " .. (sc.label or a.scale),
      group = a.name, detail = true })
  end
  local rows = {}
  for _, b in ipairs(sc.bands) do
    local n = counts[b.label]
    local pct = #ranked > 0 and 100 * n / #ranked or nil
    ctx:estimate({ label = key(a.name) .. "." .. key(b.label) .. ".n", value = n, group = a.name, detail = true })
    if pct then ctx:estimate({ label = key(a.name) .. "." .. key(b.label) .. ".percent", value = pct, n = #ranked, unit = "%", group = a.name, detail = true }) end
    rows[#rows + 1] = { b.label, util.fmt_number(b.min) .. " to " .. util.fmt_number(b.max), show_count(state, n), pct or NA,
      table.concat(members[b.label], ", ") }
  end
  ctx:table(a.name, { columns = { "band", "scores", "n", "percent", "members_highest_first" }, rows = rows },
    { caption = (a.caption or ("Bands of " .. (sc.label or a.scale))) .. source_of(a), digits = 1 })
  if unbanded > 0 then
    ctx:warn(string.format("%s: %s score(s) fall in no band.", sc.label or a.scale, ctx:count(unbanded)))
  end
  return { kind = "bands" }
end

-- ===== rank_agreement =====

local function values_of(r, what)
  local out = {}
  for i, s in ipairs(r.scored) do
    local v = s.scales[what]
    if v == nil and r.inst.item_index[what] then v = r.rows[i][what] end
    out[i] = v
  end
  return out
end

local function run_rank_agreement(ctx, state, a)
  local r = result_of(state, a, "score")
  for _, f in ipairs({ "a", "b" }) do
    if not r.inst.scale_index[a[f]] and not r.inst.item_index[a[f]] then fail(state, f, "no scale or item " .. a[f]) end
  end
  local va, vb = values_of(r, a.a), values_of(r, a.b)
  local ea, eb = {}, {}
  for i = 1, #r.rows do
    if va[i] ~= nil and vb[i] ~= nil then
      local id = r.ids and r.ids[i] or tostring(i)
      ea[#ea + 1] = { id = id, value = va[i] }; eb[#eb + 1] = { id = id, value = vb[i] }
    end
  end
  local ties = a.ties or "min"
  local ra, rb = {}, {}
  for _, e in ipairs(describe.rank(ea, ties)) do ra[e.id] = e end
  for _, e in ipairs(describe.rank(eb, ties)) do rb[e.id] = e end
  local flag = a.flag or 3
  local rows, nflag = {}, 0
  for _, e in ipairs(describe.rank(eb, "first")) do
    local id = e.id
    local d = ra[id].rank - rb[id].rank
    local flagged = math.abs(d) >= flag
    if flagged then nflag = nflag + 1 end
    ctx:estimate({ label = key(a.name) .. "." .. key(id) .. ".rank_a", value = ra[id].rank, group = a.name, detail = true })
    ctx:estimate({ label = key(a.name) .. "." .. key(id) .. ".rank_b", value = rb[id].rank, group = a.name, detail = true })
    rows[#rows + 1] = { id, ra[id].value, ra[id].rank, rb[id].value, rb[id].rank, d, flagged and "yes" or "" }
  end
  ctx:estimate({ label = key(a.name) .. ".flagged", value = nflag, unit = string.format("units whose ranks differ by %d or more", flag), group = a.name })
  local xa, xb = {}, {}
  for i, e in ipairs(ea) do xa[i] = e.value; xb[i] = eb[i].value end
  if #xa >= 3 then
    local ok, ct = pcall(require("csc.stats").cor_test, xa, xb, { method = "spearman" })
    if ok then ctx:estimate({ label = key(a.name) .. ".spearman", value = ct.estimate.rho, p = ct.p_value, n = #xa, group = a.name,
      method = ct.method }) end
  end
  ctx:table(a.name, { columns = { "unit", a.a, "rank_" .. a.a, a.b, "rank_" .. a.b, "rank_difference",
    string.format("differs_by_%d_or_more", flag) }, rows = rows },
    { caption = (a.caption or ("Rank by " .. a.a .. " against rank by " .. a.b)) .. source_of(a), digits = 2 })
  return { kind = "rank_agreement" }
end

local RUN = { score = run_score, items = run_items, reliability = run_reliability, bands = run_bands,
  rank_agreement = run_rank_agreement }
for k, f in pairs(tables.run) do RUN[k] = f end

function M.run(ctx, state, a)
  if a.note then ctx:note(a.note) end
  -- rows typed as the report printed them ({table =, columns =}) become records
  if records.typed(a.rows) then a = setmetatable({ rows = records.of(a.rows, state.path .. ".rows") }, { __index = a }) end
  return RUN[a.kind](ctx, state, a)
end

return M
