--- Design "ssda903": summaries of an authority's SSDA903 returns by year,
-- for a cohort of children and, optionally, groups of them named in a
-- linkage file (e.g. those a programme supported).  Every return is read
-- and validated first (csc.ssda903); each failure is carried into the
-- report (a table by rule and year, and validation_failures.csv).  Counts
-- are protected by disclosure control (csc.disclosure) unless the recipe
-- says why not: a cell from 1 to threshold - 1 is suppressed, and further
-- cells where a subtotal (male + female = N, ...) would reveal it.
-- Cohorts and rows are defined in docs/ssda903.md.
-- @module csc.designs.ssda903
local S = require("csc.schema")
local D = require("csc.disclosure")
local derive = require("csc.ssda903.derive")
local validate = require("csc.ssda903.validate")
local NA = require("host.frame").NA

local M = {}

M.schema = S.record({
  input = S.string({ required = true, doc = "an input with format = \"ssda903\"" }),
  cohort = S.enum({ "care_leavers", "looked_after" }, { required = true,
    doc = "care_leavers: young people with an OC3 row in the year's return; looked_after: children looked after at 31 March" }),
  groups = S.record({
    input = S.string({ required = true, doc = "a CSV file with the year, the child and the group" }),
    year_column = S.string({ doc = "default year" }),
    child_column = S.string({ doc = "default CHILD" }),
    group_column = S.string({ doc = "default group" }),
    order = S.list(S.string(), { required = true, doc = "the groups to tabulate, in order" }),
    labels = S.map(S.string()),
    status_column = S.string({ doc = "a further column counted in its own block (e.g. relationship status)" }),
    status_order = S.list(S.string()),
  }),
  area = S.record({
    name = S.string({ required = true }),
    postcodes = S.string({ required = true, doc = "Lua pattern of the area's postcodes, e.g. \"^DE%d\"" }),
  }),
  white = S.string({ doc = "Lua pattern of ETHNIC codes counted as White (default \"^W\")" }),
  all_label = S.string({ doc = "caption name of the whole cohort (default \"all\")" }),
})

local function label_year(y) return string.format("%d/%02d", y - 1, y % 100) end

function M.describe(d)
  local what = d.cohort == "care_leavers"
    and "care leavers (young people with a row in the year's OC3 table: their 17th to 21st birthday falls in the year)"
    or "children looked after at 31 March"
  return string.format("SSDA903 summaries by collection year of %s%s. Each return is validated against DfE's "
    .. "specification and rules first; no record is dropped.", what,
    d.groups and (", for all of them and for the groups " .. table.concat(d.groups.order, ", ") .. " named in the linkage file") or "")
end

--- The rows of each cohort's table: {key, label, block}; blocks tie counts
-- by equations (parts sum to the block's total).
local ROWS = {
  care_leavers = {
    { "n", "N" },
    { "male", "Gender: male" }, { "female", "Gender: female" },
    { "white", "Ethnicity: White (British/Irish/other)" }, { "other", "Ethnicity: other" },
    { "mother", "Motherhood status: yes" },
    { "area", "Postcode: living in the area" }, { "out", "Postcode: out of the area" }, { "unknown", "Postcode: unknown" },
    { "in_touch", "In touch" }, { "not_in_touch", "Not in touch (excluded below)" },
    { "ft", "Full-time EET" }, { "pt", "Part-time EET" }, { "neet", "NEET" },
    { "neet_ill", "NEET: illness or disability" }, { "neet_preg", "NEET: pregnancy or parenting" },
    { "neet_other", "NEET: other circumstances" },
    { "suitable", "Accommodation: suitable" }, { "unsuitable", "Accommodation: unsuitable" },
  },
  looked_after = {
    { "n", "N" },
    { "male", "Gender: male" }, { "female", "Gender: female" },
    { "age_0", "Age under 1" }, { "age_1_4", "Age 1 to 4" }, { "age_5_9", "Age 5 to 9" }, { "age_10_15", "Age 10 to 15" },
    { "age_16", "Age 16 and over" },
    { "uasc", "Unaccompanied asylum-seeking (UASC table)" },
    { "placements_1", "Placements in the year: 1" }, { "placements_2", "Placements in the year: 2" },
    { "placements_3", "Placements in the year: 3 or more" },
  },
}
local EQUATIONS = {
  care_leavers = {
    { total = "n", parts = { "male", "female" } }, { total = "n", parts = { "white", "other" } },
    { total = "n", parts = { "area", "out", "unknown" } }, { total = "n", parts = { "in_touch", "not_in_touch" } },
    { total = "in_touch", parts = { "ft", "pt", "neet" } }, { total = "neet", parts = { "neet_ill", "neet_preg", "neet_other" } },
    { total = "in_touch", parts = { "suitable", "unsuitable" } },
  },
  looked_after = {
    { total = "n", parts = { "male", "female" } },
    { total = "n", parts = { "age_0", "age_1_4", "age_5_9", "age_10_15", "age_16" } },
    { total = "n", parts = { "placements_1", "placements_2", "placements_3" } },
  },
}

--- Count one child into the tally t.
local function tally_care_leaver(t, ret, c, d)
  local function add(k) t[k] = (t[k] or 0) + 1 end
  add("n")
  local h = c.header or {}
  if h.SEX == "1" then add("male") elseif h.SEX == "2" then add("female") end
  if h.ETHNIC and h.ETHNIC:match(d.white or "^W") then add("white") else add("other") end
  if h.MOTHER == "1" then add("mother") end
  local last = c.episodes[#c.episodes]
  local post = last and last.PL_POST
  if not post then add("unknown")
  elseif d.area and post:match(d.area.postcodes) then add("area") else add("out") end
  local cl = derive.care_leaver(ret, c.oc3, c)
  if cl.in_touch == "in touch" then
    add("in_touch")
    if cl.activity == "EET full time" then add("ft") elseif cl.activity == "EET part time" then add("pt")
    elseif cl.neet then
      add("neet")
      if cl.activity == "NEET illness or disability" then add("neet_ill")
      elseif cl.activity == "NEET pregnancy or parenting" then add("neet_preg") else add("neet_other") end
    end
    if cl.accommodation == "suitable" then add("suitable") elseif cl.accommodation == "unsuitable" then add("unsuitable") end
  else
    add("not_in_touch")
  end
  t._years = (t._years or 0) + derive.years_in_care(c, ret.stop)
end

local function tally_looked_after(t, ret, c)
  local function add(k) t[k] = (t[k] or 0) + 1 end
  add("n")
  local h = c.header or {}
  if h.SEX == "1" then add("male") elseif h.SEX == "2" then add("female") end
  local a = derive.age(c, ret.stop)
  if a then
    add(a < 1 and "age_0" or a <= 4 and "age_1_4" or a <= 9 and "age_5_9" or a <= 15 and "age_10_15" or "age_16")
  end
  if c.uasc then add("uasc") end
  local n = derive.placements_in_year(ret, c)
  add(n >= 3 and "placements_3" or n == 2 and "placements_2" or "placements_1")
  t._years = (t._years or 0) + derive.years_in_care(c, ret.stop)
end

--- Groups: {group -> {year -> {child -> status}}} from the linkage file.
local function read_groups(ctx, g)
  local f = ctx.data[g.input]
  local yc, cc, gc = g.year_column or "year", g.child_column or "CHILD", g.group_column or "group"
  for _, col in ipairs({ yc, cc, gc, g.status_column }) do
    if not f:has(col) then error(string.format("design.groups: no column %q in the input %q", col, g.input), 0) end
  end
  local ys, cs, gs = f:column(yc), f:column(cc), f:column(gc)
  local ss = g.status_column and f:column(g.status_column)
  local out = {}
  for i = 1, #ys do
    local grp, y = gs[i], math.tointeger(tonumber(ys[i]))
    if grp ~= NA and y then
      out[grp] = out[grp] or {}
      out[grp][y] = out[grp][y] or {}
      out[grp][y][tostring(cs[i])] = (ss and ss[i] ~= NA) and ss[i] or true
    end
  end
  return out
end

local SENSITIVE = { DOB = true, MC_DOB = true, UPN = true, HOME_POST = true, PL_POST = true, CHILD = true }

local function report_validation(ctx, obj)
  local dfe = validate.messages() or {}
  local codes, per = {}, {}
  local lines = { "year,rule,table,file,line,field,value,message" }
  local function csv(v)
    v = tostring(v or "")
    if v:find('[,"\n]') then v = '"' .. v:gsub('"', '""') .. '"' end
    return v
  end
  for _, y in ipairs(obj.years) do
    for _, f in ipairs(obj.returns[y].failures) do
      if not per[f.rule] then per[f.rule] = {}; codes[#codes + 1] = f.rule end
      per[f.rule][y] = (per[f.rule][y] or 0) + 1
      lines[#lines + 1] = table.concat({ y, csv(f.rule), csv(f.table), csv(f.file), csv(f.line), csv(f.field),
        csv(SENSITIVE[f.field or ""] and "(withheld)" or f.value), csv(f.message) }, ",")
    end
  end
  table.sort(codes)
  local rows = {}
  for _, code in ipairs(codes) do
    local row = { code, (dfe[code] or (code == "SPEC" and "value or field not as the specification says")
      or (code == "FILE" and "file could not be read") or ""):sub(1, 120) }
    for _, y in ipairs(obj.years) do row[#row + 1] = per[code][y] or 0 end
    rows[#rows + 1] = row
  end
  local cols = { "rule", "message" }
  for _, y in ipairs(obj.years) do cols[#cols + 1] = label_year(y) end
  -- failures are counts of records about children: disclosure control on
  -- the year columns, in the warning and in the estimate
  local year_cols = {}
  for j = 3, #cols do year_cols[#year_cols + 1] = cols[j] end
  ctx:table("validation", { columns = cols, rows = rows }, { caption = "Validation failures by DfE rule and collection year "
    .. "(every failure, with file, line and field, is in validation_failures.csv)", digits = 0,
    counts = #year_cols > 0 and year_cols or nil })
  ctx:write("validation_failures.csv", table.concat(lines, "\n") .. "\n")
  if #lines > 1 then
    ctx:warn(string.format("The SSDA903 returns break %d validation rule(s), %s failure(s) in all (table "
      .. "validation, file validation_failures.csv); the records were kept.", #codes, ctx:count(#lines - 1)))
  end
  ctx:estimate({ label = "validation.failures", value = #lines - 1, unit = "failures", group = "validation",
    count = true })
end

function M.run(ctx, d)
  local obj = ctx.data[d.input]
  if type(obj) ~= "table" or obj.kind ~= "ssda903" then
    error(string.format("design.input: %q is not an input with format = \"ssda903\"", d.input), 0)
  end
  report_validation(ctx, obj)
  local groups = d.groups and read_groups(ctx, d.groups) or {}
  local sets = { { key = "all", label = d.all_label or "all" } }
  for _, g in ipairs(d.groups and d.groups.order or {}) do
    sets[#sets + 1] = { key = g, label = d.groups.labels and d.groups.labels[g] or g, members = groups[g] or {} }
  end
  local rows_def = ROWS[d.cohort]
  local eqs_def = EQUATIONS[d.cohort]
  ctx:method(d.cohort == "care_leavers" and ("Care leavers: every young person with a row in the year's OC3 table. "
    .. "Gender from SEX (1 male, 2 female); ethnicity White when ETHNIC matches " .. (d.white or "^W")
    .. "; motherhood MOTHER = 1; postcode from PL_POST of the young person's latest episode"
    .. (d.area and (" (" .. d.area.name .. ": " .. d.area.postcodes .. ")") or "") .. ", unknown when blank; in touch IN_TOUCH = YES "
    .. "(anything else counts as not in touch and is left out of the activity and accommodation rows); activity and "
    .. "accommodation grouped as the national statistics group them (docs/ssda903.md); years in care: the total length "
    .. "of the periods of care in the return, to 31 March, in years of 365.25 days.")
    or ("Looked after at 31 March: an episode open at the end of 31 March. Age at 31 March; placements in the year "
    .. "counted from episodes that start a new placement (RNE S, P, T, B, U), plus the one held on 1 April."))
  for _, set in ipairs(sets) do
    local cols = { "row" }
    local tallies = {}
    for _, y in ipairs(obj.years) do
      cols[#cols + 1] = label_year(y)
      local ret = obj.returns[y]
      local t = {}
      local ch = derive.children(ret)
      local status_in = set.members and set.members[y]
      -- children in sorted order: the years-in-care sum is floating point, so
      -- pairs' order (seeded per run) would change its last bits between runs
      local ids = {}
      for id in pairs(ch) do ids[#ids + 1] = id end
      table.sort(ids)
      for _, id in ipairs(ids) do
        local c = ch[id]
        local inc
        if d.cohort == "care_leavers" then inc = c.oc3 ~= nil else inc = derive.looked_after_at(c, ret.stop) end
        if inc and set.members then inc = status_in and status_in[id] ~= nil end
        if inc then
          if d.cohort == "care_leavers" then tally_care_leaver(t, ret, c, d) else tally_looked_after(t, ret, c) end
          if set.members and d.groups.status_column then
            local st = "status:" .. tostring(status_in[id])
            t[st] = (t[st] or 0) + 1
          end
        end
      end
      tallies[#tallies + 1] = t
    end
    -- rows (with the status block for groups that have one)
    local defs = {}
    local eqs = {}
    for _, e in ipairs(eqs_def) do eqs[#eqs + 1] = e end
    if set.members and d.groups.status_column then
      local parts = {}
      for _, s in ipairs(d.groups.status_order or {}) do
        defs[#defs + 1] = { "status:" .. s, "Status: " .. s }
        parts[#parts + 1] = "status:" .. s
      end
      eqs[#eqs + 1] = { total = "n", parts = parts }
    end
    for _, r in ipairs(rows_def) do defs[#defs + 1] = r end
    -- disclosure control over the cells (row k, year j), with the equations
    -- that hold in the data (a subtotal that does not add up ties nothing)
    local idx, values = {}, {}
    for k, r in ipairs(defs) do
      for j, t in ipairs(tallies) do
        local id = (k - 1) * #tallies + j
        idx[r[1] .. "|" .. j] = id
        values[id] = t[r[1]] or 0
      end
    end
    local eq_cells = {}
    for _, e in ipairs(eqs) do
      for j, t in ipairs(tallies) do
        local s = 0
        for _, p in ipairs(e.parts) do s = s + (t[p] or 0) end
        if s == (t[e.total] or 0) and idx[e.total .. "|" .. j] then
          local parts = {}
          for _, p in ipairs(e.parts) do parts[#parts + 1] = idx[p .. "|" .. j] end
          eq_cells[#eq_cells + 1] = { total = idx[e.total .. "|" .. j], parts = parts }
        end
      end
    end
    local dc = ctx.disclosure
    local protect = dc and dc.on and not dc.allow_small
    local sup = protect and D.protect(values, eq_cells, { threshold = dc.threshold }) or {}
    local rows = {}
    for k, r in ipairs(defs) do
      local row = { r[2] }
      for j, y in ipairs(obj.years) do
        local id = idx[r[1] .. "|" .. j]
        if sup[id] then
          row[#row + 1] = D.SYMBOL
          dc.log[#dc.log + 1] = { table = set.key, row = k, column = label_year(y), rule = sup[id] }
        else
          local v = values[id]
          if protect and dc.round then v = D.round(v, dc.round) end
          row[#row + 1] = v
          ctx:estimate({ label = string.format("%s.%s.%d", set.key, r[1]:gsub(":", "_"), y), value = v,
            unit = "young people", group = set.key, detail = true })
        end
      end
      rows[#rows + 1] = row
    end
    -- mean years in care: not shown where N is suppressed or below the threshold
    local mrow = { "Average number of years in care" }
    for j, y in ipairs(obj.years) do
      local t = tallies[j]
      local n = t.n or 0
      if n == 0 or (protect and (n < dc.threshold or sup[idx["n|" .. j]])) then
        mrow[#mrow + 1] = n == 0 and NA or D.SYMBOL
      else
        local m = t._years / n
        mrow[#mrow + 1] = m
        ctx:estimate({ label = string.format("%s.years_in_care.%d", set.key, y), value = m, n = n, unit = "years",
          group = set.key, detail = true })
      end
    end
    rows[#rows + 1] = mrow
    ctx:table("profile_" .. set.key, { columns = cols, rows = rows }, {
      caption = string.format("SSDA903 summary by collection year: %s", set.label),
      digits = 1,
      note = protect and "Counts from 1 to " .. (dc.threshold - 1) .. " and the cells that would reveal them through "
        .. "a subtotal are shown as c." or nil })
  end
end

return M
