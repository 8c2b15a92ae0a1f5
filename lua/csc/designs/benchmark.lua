--- Design "benchmark": an authority against its statistical neighbours and
-- England, year by year, on measures built from Explore Education Statistics
-- tidy files (time_period, geographic_level, old_la_code, ...).
-- A measure is numerator / denominator * per, where the denominator is a
-- column of the same file or of another input (e.g. ONS child population,
-- with a year lag: the mid-2017 estimate for 2017/18); without a denominator
-- the numerator column is the value (a published rate).  Neighbours' figure
-- is the unweighted mean of their rates, with the range, as the DfE's
-- LA Interactive Tool shows it.  Each year also says whether the authority
-- was below the neighbours' mean and below England (1 or 0).
-- A measure may instead name a LAIT indicator (lait = "CareLeaverEET"): its
-- input is DfE's LAIT long file (measure_short, year, la_number, area_name,
-- region, value; England is 970, the regions 980-990, "-" is missing).
-- Such a measure also gets the authority's region.
-- Every measure, LAIT or EES, gets the authority's rank and quartile among
-- all authorities with a figure that year (csc.benchmark.lait.rank; ties
-- share the best rank), and a table of every authority's figure, rank and
-- quartile in the last year with figures (table NAME_ranks).
-- @module csc.designs.benchmark
local S = require("csc.schema")
local util = require("csc.util")

local M = {}
local NA = require("host.frame").NA
local lait = require("csc.benchmark.lait")
local reorg = require("csc.benchmark.reorg")
local intervals = require("csc.benchmark.intervals")

local function input_of_measure(root, parent) return parent.input end

local denominator = S.either({
  S.column({ input = input_of_measure }),
  S.record({
    input = S.string({ required = true }),
    column = S.column({ input = "input", required = true }),   -- checked in that input by csceval check
    year_lag = S.integer({ min = 0, doc = "denominator year = time_period - year_lag" }),
    where = S.string({ doc = "filter expression for the denominator rows" }),
  }),
})

local measure = S.record({
  name = S.string({ required = true, pattern = "^[%w_]+$", pattern_doc = "letters, digits and _" }),
  label = S.string({ required = true }),
  input = S.string({ required = true }),
  numerator = S.column({ input = "input", doc = "required unless the measure names a LAIT indicator (lait)" }),
  lait = S.string({ doc = "a LAIT measure code (measure_short), e.g. \"CareLeaverEET\"; the input is the LAIT long file" }),
  polarity = S.enum({ "high", "low" }, { doc = "rank 1 among all authorities is the highest value (high, default) or the lowest (low)" }),
  denominator = denominator,
  per = S.number({ doc = "multiplier: 100 for a percentage, 10000 for a rate per 10,000" }),
  where = S.string({ doc = "filter expression for the numerator rows, e.g. category == \"...\"" }),
  digits = S.integer({ min = 0 }),
  peak = S.record({ from = S.integer({ required = true }), to = S.integer({ required = true }) }),
  count = S.string({ doc = "for a LAIT measure: the LAIT measure holding its numerator count (e.g. \"LACnum\" for \"LAC\"), for intervals and the funnel plot" }),
  base = S.string({ doc = "for a LAIT proportion: the LAIT measure holding its denominator (e.g. \"NoCareLeavers\"); a rate without base takes its population from `population`, or else the one its published rate implies" }),
  population = S.record({
    input = S.string({ required = true, doc = "an EES-form file (time_period, geographic_level, old_la_code), e.g. the ONS child population" }),
    column = S.string({ required = true }),
    year_lag = S.integer({ min = 0, doc = "population year = LAIT year - year_lag (1: the mid-2018 estimate for March 2019)" }),
    where = S.string({ doc = "filter expression for the population rows" }),
  }, { doc = "for a LAIT rate with count and no base: the population (denominator) of its intervals and funnel plot; where it has no figure the population the published rate implies is used, and the report says so" }),
  interval = S.enum({ "wilson", "exact", "byar", "none" }, { doc = "95% interval of the authority's figure (table NAME_authority): wilson (proportion; default when per = 100), exact Poisson (rate; default otherwise), byar, or none; needs counts (a denominator, or count for LAIT)" }),
  funnel = S.either({ S.boolean(), S.integer() }, { doc = "a funnel plot of every authority around England: true for the last year, or a year; needs counts" }),
  part_year = S.record({
    year = S.integer({ required = true, doc = "the year whose figures cover part of the year" }),
    months = S.integer({ required = true, min = 1, doc = "how many months they cover (1 to 11)" }),
  }, { doc = "annualise a part-year: the numerator counts of that year are scaled by 12 / months (a flow such as referrals; flagged in the report)" }),
}, { check = function(m)
  if m.lait == nil and m.numerator == nil then return "needs a numerator column, or lait = \"MEASURE\" for a LAIT indicator", "numerator" end
  if m.lait ~= nil and (m.numerator ~= nil or m.denominator ~= nil) then
    return "a LAIT measure is the published value; leave out numerator and denominator", "lait"
  end
  if m.lait == nil and (m.count ~= nil or m.base ~= nil) then
    return "count and base name LAIT measures; an EES measure's counts are its numerator and denominator", m.count and "count" or "base"
  end
  if m.lait ~= nil and m.count ~= nil and m.per == nil then
    return "a LAIT measure with count needs per (100 for a percentage, 10000 for a rate per 10,000) to turn counts into its units", "per"
  end
  if m.base ~= nil and m.count == nil then return "base needs count (the LAIT measure of the numerator)", "base" end
  if m.population ~= nil and (m.lait == nil or m.count == nil or m.base ~= nil) then
    return "population is the denominator of a LAIT rate: it needs lait and count, and no base", "population"
  end
  if m.funnel ~= nil and m.funnel ~= false and not intervals.kind({ lait = m.lait, count = m.count, denominator = m.denominator, per = m.per }) then
    return "a funnel plot needs counts: a denominator, or count = \"...\" for a LAIT measure", "funnel"
  end
  if m.part_year then
    if m.lait then return "a LAIT figure is published for the whole year; part_year applies to counts read from a file", "part_year" end
    if type(m.denominator) == "string" then
      return "the numerator and denominator come from the same part-year file, so the share needs no annualising", "part_year"
    end
    if m.part_year.months > 11 then return "months must be 1 to 11 (12 is a whole year)", "part_year" end
  end
end })

M.schema = S.record({
  authority = S.either({ S.integer(), S.string() }, { required = true, doc = "old_la_code of the authority" }),
  authority_name = S.string({ required = true }),
  neighbours = S.record({
    input = S.string({ required = true, doc = "the statistical-neighbour groupings input" }),
    code_column = S.string({ required = true, doc = "the groupings file's authority-code column (from data/neighbour_groupings.csv when the input is a file listed there)" }),
    columns = S.list(S.string()),
    model = S.string({ doc = "the groupings model's name in the report (from data/neighbour_groupings.csv when the input is a file listed there)" }),
    name_column = S.string({ doc = "the column of authority names (default \"LA Name\" or \"la_name\" when the file has one)" }),
  }, { required = true }),
  years = S.record({
    from = S.integer({ required = true }),
    to = S.integer({ required = true }),
    ending = S.string({ doc = "when the year ends if not 31 March, e.g. \"30 September\"; years are then labelled 2017, not 2016/17" }),
  }, { required = true }),
  code_column = S.string({ doc = "column holding the authority code (default old_la_code)" }),
  marker = S.record({
    at = S.integer({ required = true, doc = "the programme's first year, as in `years` (2019 = 2018/19)" }),
    label = S.string({ doc = "the line's label (default \"Programme began\")" }),
  }, { doc = "an intervention-year marker: a dashed vertical line on each chart before year `at`" }),
  neighbour_lines = S.boolean({ doc = "draw each neighbour's own line (thin, grey) behind the summary lines" }),
  join_predecessors = S.boolean({ doc = "before a reorganisation, show the predecessor's figures for a successor authority (flagged; csc.benchmark.reorg)" }),
  measures = S.list(measure, { required = true, min_items = 1 }),
  checks = S.list(S.record({
    name = S.string({ required = true, pattern = "^[%w_]+$", pattern_doc = "letters, digits and _" }),
    label = S.string({ required = true }),
    count = S.number({ required = true, doc = "the printed count" }),
    base = S.number({ required = true, doc = "the printed base (denominator)" }),
    printed = S.number({ required = true, doc = "the printed percentage" }),
    tolerance = S.number({ min = 0, doc = "percentage points within which the printed figure counts as consistent (default 0.5: a whole-number percentage)" }),
  }), { doc = "arithmetic checks of a printed table: each printed percentage against 100 x count / base" }),
})

local function financial_label(y) return string.format("%d/%02d", y - 1, y % 100) end
local function plain_label(y) return string.format("%d", y) end

function M.describe(d)
  local year_label = d.years.ending and plain_label or financial_label
  local lines = {
    string.format("Benchmarking: %s against its statistical neighbours (%s) and England, %s to %s.",
      d.authority_name, d.neighbours.model or "neighbour list", year_label(d.years.from), year_label(d.years.to)),
    d.years.ending and string.format("Years end on %s: 2018 is the year to, or the count at, %s 2018.", d.years.ending, d.years.ending)
      or "Years are financial years ending 31 March (2018 = 2017/18).",
    "The neighbours' figure is the unweighted mean of their rates, shown with their range.",
  }
  return table.concat(lines, " ")
end

--- Neighbour codes of the authority, in order.
local function neighbour_codes(ctx, d)
  local f = ctx.data[d.neighbours.input]
  local codecol = d.neighbours.code_column
  local cols = d.neighbours.columns
  if not cols then
    cols = {}
    for _, n in ipairs(f:names()) do if n:match("^SN_?%d+$") then cols[#cols + 1] = n end end
  end
  local codes = f:column(codecol)
  for i = 1, #codes do
    if tostring(codes[i]) == tostring(d.authority) then
      local out = {}
      for _, c in ipairs(cols) do
        local v = f:value(i, c)
        if v ~= NA then out[#out + 1] = v end
      end
      return out
    end
  end
  error(string.format("design.authority: %s is not in the neighbour list %q (column %q)",
    tostring(d.authority), d.neighbours.input, codecol), 0)
end

--- Neighbour names by code from the groupings file's name column (when it
-- has one), for the table of each neighbour's figures.
local function neighbour_names(ctx, d)
  local f = ctx.data[d.neighbours.input]
  local col = d.neighbours.name_column
  if not col then
    for _, c in ipairs({ "LA Name", "la_name", "LA name", "name" }) do if f:has(c) then col = c; break end end
  end
  local out = {}
  if not col or not f:has(col) then return out end
  local codes, names = f:column(d.neighbours.code_column), f:column(col)
  for i = 1, #codes do if codes[i] ~= NA and names[i] ~= NA then out[tostring(codes[i])] = tostring(names[i]) end end
  return out
end

--- Index rows of an EES frame: key "level|code|year" -> row value of column.
-- A missing value is kept as a reason string ("c", "x", ...) in why[key], so
-- the report can tell a suppressed figure from a row that is not there.
local function index(f, col, where, codecol)
  if where then f = f:filter(where) end
  local lev, code, year, val = f:column("geographic_level"), f:column(codecol), f:column("time_period"), f:column(col)
  local t, why, names = {}, {}, {}
  local name = f:has("la_name") and f:column("la_name") or nil
  for i = 1, #lev do
    local key
    if name and lev[i] == "Local authority" and code[i] ~= NA and name[i] ~= NA then names[tostring(code[i])] = tostring(name[i]) end
    if lev[i] == "National" then key = "E|" .. tostring(year[i])
    elseif lev[i] == "Local authority" and code[i] ~= NA then key = tostring(code[i]) .. "|" .. tostring(year[i]) end
    if key then
      t[key] = val[i]
      if val[i] == NA then why[key] = f:na_reason(i, col) end
    end
  end
  return t, why, names
end

--- Why code's figure for year y is missing, in words.
local function missing_reason(num, numwhy, den, denwhy, key, denkey)
  if num[key] == nil then return "no row" end
  if numwhy[key] then return numwhy[key] == "" and "blank" or ("\"" .. numwhy[key] .. "\"") end
  if den and den[denkey] == nil then return "no denominator row" end
  if den and denwhy[denkey] then return "denominator " .. (denwhy[denkey] == "" and "blank" or ("\"" .. denwhy[denkey] .. "\"")) end
  return "denominator 0"
end

local function ratio(num, den, per)
  if num == nil or den == nil or num == NA or den == NA or den == 0 then return nil end
  return num / den * per
end

--- Arithmetic checks of the printed table: each printed percentage against
-- the one recomputed from the printed count and base.
local function printed_checks(ctx, d)
  local rows, bad = {}, {}
  for _, c in ipairs(d.checks) do
    local pct = c.base ~= 0 and 100 * c.count / c.base or nil
    local tol = c.tolerance or 0.5
    local ok = pct ~= nil and math.abs(pct - c.printed) <= tol + 1e-9
    rows[#rows + 1] = { c.label, c.count, c.base, pct or NA, c.printed, ok and "yes" or "no" }
    if pct then ctx:estimate({ label = "check." .. c.name, value = pct, unit = "% recomputed from the printed count", group = "checks", detail = true }) end
    if not ok then bad[#bad + 1] = string.format("%s: %g of %g is %.1f%%, printed %g%%", c.label, c.count, c.base, pct or 0 / 0, c.printed) end
  end
  ctx:table("printed_checks", { columns = { "figure", "printed_count", "printed_base", "recomputed_percent", "printed_percent", "consistent" },
    rows = rows }, { caption = "The printed table's arithmetic: percentages recomputed from its own counts", digits = 1 })
  if #bad > 0 then
    ctx:warn(string.format("%d printed percentage(s) do not follow from the printed counts (beyond rounding): %s. "
      .. "The report's figures are reproduced as printed and these are flagged, not corrected.", #bad, table.concat(bad, "; ")))
  end
end

function M.run(ctx, d)
  if d.checks then printed_checks(ctx, d) end
  local year_label = d.years.ending and plain_label or financial_label
  local codecol = d.code_column or "old_la_code"
  local sn = neighbour_codes(ctx, d)
  local auth = tostring(d.authority)
  if d.marker and (d.marker.at < d.years.from or d.marker.at > d.years.to) then
    error(string.format("design.marker.at: %s is outside the years shown (%s to %s); give the programme's first "
      .. "year within design.years", year_label(d.marker.at), year_label(d.years.from), year_label(d.years.to)), 0)
  end
  ctx:method(string.format("Neighbours of %s (%s): %d authorities, old LA codes %s.",
    d.authority_name, d.neighbours.model or d.neighbours.input, #sn, table.concat(util.copy(sn), ", ")))
  for _, m in ipairs(d.measures) do
    local per = m.per or 1
    local num, numwhy, extra, names
    if m.lait then
      num, numwhy, extra = lait.index(ctx.data[m.input], m.lait)
      if not next(num) then
        error(string.format("design.measures: the LAIT input %q has no rows for the measure %q", m.input, m.lait), 0)
      end
      ctx:method(string.format("%s: the LAIT indicator %s as published (England is LAIT code 970).", m.label, m.lait))
    else
      num, numwhy, names = index(ctx.data[m.input], m.numerator, m.where, codecol)
    end
    local den, denwhy, lag = nil, {}, 0
    if type(m.denominator) == "string" then
      den, denwhy = index(ctx.data[m.input], m.denominator, m.where, codecol)
    elseif type(m.denominator) == "table" then
      den, denwhy = index(ctx.data[m.denominator.input], m.denominator.column, m.denominator.where, codecol)
      lag = m.denominator.year_lag or 0
      ctx:method(string.format("%s: %s / %s (%s) × %s; the denominator for year ending March Y is %s's figure for %s.",
        m.label, m.numerator, m.denominator.column, m.denominator.input, util.fmt_number(per),
        m.denominator.input, lag == 0 and "Y" or ("Y − " .. lag)))
    end
    if type(m.denominator) == "string" then
      ctx:method(string.format("%s: %s / %s × %s.", m.label, m.numerator, m.denominator, util.fmt_number(per)))
    elseif m.denominator == nil and not m.lait then
      ctx:method(string.format("%s: the published column %s (%s), as it stands.", m.label, m.numerator, m.input))
    end
    local ikind = intervals.kind(m)
    local pop, plag
    if m.population then
      pop = index(ctx.data[m.population.input], m.population.column, m.population.where, codecol)
      plag = m.population.year_lag or 0
      if not next(pop) then
        error(string.format("design.measures: %s's population input %q has no rows with a figure in %q",
          m.name, m.population.input, m.population.column), 0)
      end
    end
    local counts, implied
    if ikind or m.funnel then counts, implied = intervals.counter(ctx, m, num, den, lag, pop, plag) end
    local popsaid = m.lait and not m.base and (pop
      and string.format("the population is %s (%s) for year %s, or, where it has none, the one the published rate implies "
        .. "(%s × %s / rate)", m.population.column, m.population.input, plag == 0 and "Y" or ("Y − " .. plag), m.count, util.fmt_number(per))
      or string.format("the population is the one the published rate implies (%s × %s / rate), so it carries the rate's "
        .. "rounding", m.count, util.fmt_number(per)))
    if ikind then
      ctx:method(string.format("%s: 95%% interval of %s's figure: %s.", m.label, d.authority_name, intervals.method_name[ikind]
        .. (ikind ~= "wilson" and popsaid and ("; " .. popsaid) or "")))
    end
    if m.funnel and popsaid and not ikind then ctx:method(string.format("%s: in the funnel plot %s.", m.label, popsaid)) end
    -- a part-year: the numerator of that year covers `months` months and is
    -- annualised (× 12 / months), assuming the same rate through the year
    local py = m.part_year
    local function scale(y) return (py and y == py.year) and 12 / py.months or 1 end
    if py then
      ctx:method(string.format("%s: the %s figures cover %d months and are annualised (× 12/%d), assuming the "
        .. "same rate over the rest of the year.", m.label, year_label(py.year), py.months, py.months))
      ctx:warn(string.format("%s: %s is annualised from %d months of figures (× 12/%d); it is an estimate of the full "
        .. "year, not a count of it.", m.label, year_label(py.year), py.months, py.months))
    end
    -- the measure's figure for an authority code (or "E") in year y, or nil
    local function value_of(code, y)
      if den == nil then
        local v = num[code .. "|" .. y]
        return (v ~= nil and v ~= NA) and v * scale(y) or nil
      end
      local r = ratio(num[code .. "|" .. y], den[code .. "|" .. (y - lag)], per)
      return r and r * scale(y)
    end
    -- an EES measure: every authority's figure by year, for ranks and
    -- quartiles among all authorities (a LAIT measure has them from its file)
    if not extra then
      extra = { region_of = {}, region = {}, all = {}, names = names or {}, no_region = true }
      for key in pairs(num) do
        local c, yy = key:match("^(%d+)|(%d+)$")
        yy = tonumber(yy)
        if c and yy >= d.years.from and yy <= d.years.to then
          local v = value_of(c, yy)
          if v then lait.add_figure(extra, yy, c, v) end
        end
      end
      for _, l in pairs(extra.all) do table.sort(l, function(p, q) return tonumber(p[1]) < tonumber(q[1]) end) end
    end
    local rows = {}
    local notes, arows = {}, {}
    local offcount = {}
    local series = {}
    local joined = {}
    local missing_sn = {}
    local last_rank
    local nbl = {}   -- each neighbour's value by year, for neighbour_lines
    for j = 1, #sn do nbl[j] = {} end
    for y = d.years.from, d.years.to do
      local function val(code) return value_of(code, y) end
      local a = val(auth)
      local acode = auth   -- the code whose figure stands for the authority this year
      if a == nil and d.join_predecessors then
        local pc, info = reorg.code_for(auth, y)
        if info then
          a = val(pc)
          if a then joined[#joined + 1] = { y = y, info = info }; acode = pc end
        end
      end
      local note
      if a == nil then
        note = "no figure: " .. missing_reason(num, numwhy, den, denwhy, auth .. "|" .. y, auth .. "|" .. (y - lag))
      elseif acode ~= auth then
        note = string.format("predecessor %s (%s)", acode, reorg.successors[auth].name)
      end
      if py and y == py.year then note = (note and (note .. "; ") or "") .. string.format("annualised from %d months", py.months) end
      local ci, k, b
      if ikind and a then
        k, b = counts(acode, y, a / scale(y))
        if k then
          local lo, hi = intervals.ci(ikind, k, b, per)
          ci = { lo * scale(y), hi * scale(y) }
          -- a published figure that does not follow from its own counts
          if m.base and math.abs(k / b * per - a) > 1 then
            offcount[#offcount + 1] = string.format("%s: %s of %s is %.1f, published %s", year_label(y),
              util.fmt_number(k), util.fmt_number(b), k / b * per, util.fmt_number(a))
          end
        end
      end
      local e = val("E")
      local vals = {}
      for j, c in ipairs(sn) do
        local v = val(tostring(c))
        nbl[j][#rows + 1] = v or NA
        if v then vals[#vals + 1] = v else
          local key = tostring(c) .. "|" .. y
          missing_sn[#missing_sn + 1] = string.format("%s in %s: %s", c, year_label(y),
            missing_reason(num, numwhy, den, denwhy, key, tostring(c) .. "|" .. (y - lag)))
        end
      end
      local mean, lo, hi
      if #vals > 0 then
        local s = 0
        lo, hi = math.huge, -math.huge
        for _, v in ipairs(vals) do s = s + v; lo = math.min(lo, v); hi = math.max(hi, v) end
        mean = s / #vals
      end
      -- rank among the authority and its neighbours (1 = highest) and quartile
      local rank, quart = NA, NA
      if a and #vals > 0 then
        local above = 0
        for _, v in ipairs(vals) do if v > a then above = above + 1 end end
        rank = string.format("%d of %d", above + 1, #vals + 1)
        quart = math.min(4, math.floor(4 * above / (#vals + 1)) + 1)
        last_rank = { year = year_label(y), rank = rank, quartile = quart }
      end
      rows[#rows + 1] = { year_label(y), a or NA, mean or NA, lo or NA, hi or NA, #vals, e or NA }
      -- in a joined year the rank and region are the predecessor's
      if extra then lait.add_year(ctx, m, extra, acode, y, rows[#rows], a) end
      table.insert(rows[#rows], rank)
      table.insert(rows[#rows], quart)
      -- the authority's figure with its counts, interval and a note on why it
      -- is missing or whose it is
      arows[#rows] = { year_label(y), a or NA, k or NA, b or NA, ci and ci[1] or NA, ci and ci[2] or NA, note or "" }
      notes[#rows] = note
      series[y] = a
      if a then ctx:estimate({ label = string.format("%s.authority.%d", m.name, y), value = a, ci = ci, unit = m.label, group = m.name, detail = true,
        method = ci and intervals.method_name[ikind] or nil }) end
      if mean then ctx:estimate({ label = string.format("%s.neighbours_mean.%d", m.name, y), value = mean, n = #vals, unit = m.label, group = m.name, detail = true }) end
      if e then ctx:estimate({ label = string.format("%s.england.%d", m.name, y), value = e, unit = m.label, group = m.name, detail = true }) end
      -- 1 when the authority is strictly below the comparator, 0 otherwise
      if a and mean then ctx:estimate({ label = string.format("%s.below_neighbours.%d", m.name, y), value = a < mean and 1 or 0,
        unit = "1 = below the neighbours' mean", group = m.name, detail = true }) end
      if a and e then ctx:estimate({ label = string.format("%s.below_england.%d", m.name, y), value = a < e and 1 or 0,
        unit = "1 = below England", group = m.name, detail = true }) end
    end
    local columns = { "year", d.authority_name, "neighbours_mean", "neighbours_min", "neighbours_max", "neighbours_n", "England" }
    if extra then lait.add_columns(columns, extra, auth) end
    columns[#columns + 1] = "rank_among_neighbours"
    columns[#columns + 1] = "quartile_among_neighbours"
    -- years without a figure for the authority, by reason: said under the
    -- table, never shown as zeros
    local why, order = {}, {}
    for i = 1, #rows do
      local n = notes[i]
      if n then
        if not why[n] then why[n] = {}; order[#order + 1] = n end
        why[n][#why[n] + 1] = rows[i][1]
      end
    end
    local said = {}
    for _, n in ipairs(order) do said[#said + 1] = table.concat(why[n], ", ") .. ": " .. n end
    ctx:table(m.name, {
      columns = columns,
      rows = rows,
    }, { caption = m.label .. ": " .. d.authority_name .. ", statistical neighbours and England", digits = m.digits or 1,
      note = #said > 0 and (d.authority_name .. ": " .. table.concat(said, "; ") .. ". A missing figure is blank, never 0.") or nil,
      labels = { rank_among_neighbours = "rank among neighbours (1 = highest)",
        quartile_among_neighbours = "quartile among neighbours (1 = highest)" } })
    -- the authority's own figures: counts and 95% interval (with counts),
    -- and a note on each missing, suppressed, joined or annualised year
    if ikind or #said > 0 then
      local acols = { "year", d.authority_name, "count", "denominator", "ci_low", "ci_high", "note" }
      local keep = ikind and { 1, 2, 3, 4, 5, 6, 7 } or { 1, 2, 7 }
      local cols2, rows2 = {}, {}
      for _, j in ipairs(keep) do cols2[#cols2 + 1] = acols[j] end
      for i, r in ipairs(arows) do
        local r2 = {}
        for _, j in ipairs(keep) do r2[#r2 + 1] = r[j] end
        rows2[i] = r2
      end
      ctx:table(m.name .. "_authority", { columns = cols2, rows = rows2 }, {
        caption = m.label .. ": " .. d.authority_name .. (ikind and "'s figures with their counts and 95% intervals"
          or "'s figures, with why any is missing"), digits = m.digits or 1,
        note = ikind and (intervals.method_name[ikind] .. ".") or nil,
        labels = { ci_low = "95% interval: low", ci_high = "95% interval: high",
          note = "note on " .. d.authority_name .. "'s figure" } })
    end
    -- each neighbour's own figure, year by year (missing stays missing)
    local nnames = neighbour_names(ctx, d)
    local ncols, nrows = { "year" }, {}
    for _, c in ipairs(sn) do
      ncols[#ncols + 1] = nnames[tostring(c)] and string.format("%s (%s)", nnames[tostring(c)], tostring(c)) or tostring(c)
    end
    for i, row in ipairs(rows) do
      local r = { row[1] }
      for j = 1, #sn do r[#r + 1] = nbl[j][i] end
      nrows[i] = r
    end
    ctx:table(m.name .. "_neighbours", { columns = ncols, rows = nrows },
      { caption = m.label .. ": each statistical neighbour of " .. d.authority_name, digits = m.digits or 1 })
    -- every authority's figure, rank and quartile in the last year with figures
    local ry
    for y = d.years.to, d.years.from, -1 do if extra.all[y] and #extra.all[y] > 0 then ry = y; break end end
    if ry then
      local ranked, n = lait.ranks(extra, ry, m.polarity)
      local isn = {}
      for _, c in ipairs(sn) do isn[tostring(c)] = true end
      local rrows = {}
      for _, r in ipairs(ranked) do
        rrows[#rrows + 1] = { r.code, r.name or NA, r.value, r.rank, r.quartile,
          r.code == auth and d.authority_name or (isn[r.code] and "neighbour" or "") }
      end
      ctx:table(m.name .. "_ranks", { columns = { "code", "authority", "value", "rank", "quartile", "comparison" }, rows = rrows }, {
        caption = string.format("%s, %s: every authority's figure, rank and quartile (%d authorities with a figure; "
          .. "1 = %s; ties share the best rank)", m.label, year_label(ry), n, m.polarity == "low" and "lowest" or "highest"),
        digits = m.digits or 1,
        note = "Authorities without a figure that year (missing or suppressed) are not ranked. Quartile = ceil(4 × rank / n).",
        labels = { code = "old LA code", comparison = "role in this comparison" } })
    end
    local years, col = {}, { {}, {}, {}, {}, {}, {}, {} }
    for y = d.years.from, d.years.to do years[#years + 1] = y end
    for i, row in ipairs(rows) do for j = 2, 7 do col[j][i] = row[j] end end
    ctx:chart({
      name = m.name, kind = "benchmark", table = m.name,
      title = m.label .. ": " .. d.authority_name .. ", statistical neighbours and England"
        .. (last_rank and string.format(" (%s: %s ranks %s with its neighbours, quartile %d; 1 = highest)",
          last_rank.year, d.authority_name, last_rank.rank, last_rank.quartile) or ""),
      desc = string.format("Line chart of %s by year, %s to %s: %s (solid line, circles), the mean of its "
        .. "statistical neighbours (dashed line, squares) with their range shaded, and England (dotted line, "
        .. "triangles).%s%s Its rank and quartile among its neighbours each year are in the table.",
        m.label:lower(), year_label(d.years.from), year_label(d.years.to), d.authority_name,
        d.neighbour_lines and string.format(" Each of the %d neighbours' own figures is a thin grey line behind them.", #sn) or "",
        d.marker and string.format(" A dashed vertical line before %s marks %s.", year_label(d.marker.at),
          (d.marker.label or "Programme began"):lower()) or ""),
      marker = d.marker and { x = d.marker.at - 0.5, label = d.marker.label or "Programme began" } or nil,
      x = years, xformat = year_label, ylabel = m.label,
      authority = { name = d.authority_name, values = col[2] },
      neighbours = { name = "Statistical neighbours", mean = col[3], min = col[4], max = col[5],
        lines = d.neighbour_lines and nbl or nil },
      england = { name = "England", values = col[7] },
    })
    if #offcount > 0 then
      ctx:warn(string.format("%s: the published figure differs by more than 1 from %s / %s in %d year(s) (%s); the "
        .. "interval is that of the counts, so it is centred on the counts' figure, not the published one.", m.label,
        m.count, m.base, #offcount, table.concat(offcount, "; ")))
    end
    if m.funnel then
      local fy = m.funnel == true and d.years.to or m.funnel
      if fy < d.years.from or fy > d.years.to then
        error(string.format("design.measures: %s's funnel year %s is outside design.years", m.name, year_label(fy)), 0)
      end
      local units, names = {}, {}
      local codes = {}
      for key in pairs(num) do
        local c, yy = key:match("^(%d+)|(%d+)$")
        if c and tonumber(yy) == fy and (not m.lait or tonumber(c) < lait.ENGLAND) then codes[#codes + 1] = c end
      end
      table.sort(codes, function(p, q) return tonumber(p) < tonumber(q) end)
      for _, c in ipairs(codes) do
        local v
        if den == nil then v = num[c .. "|" .. fy]; v = (v ~= nil and v ~= NA) and v * scale(fy) or nil
        else v = ratio(num[c .. "|" .. fy], den[c .. "|" .. (fy - lag)], per); v = v and v * scale(fy) end
        local k, b = nil, nil
        if v then k, b = counts(c, fy, v / scale(fy)) end
        if k then units[#units + 1] = { code = c, value = v, n = b, name = c == auth and d.authority_name or nil } end
      end
      for _, u in ipairs(units) do if u.code == auth then names[#names + 1] = d.authority_name end end
      local ev = num["E|" .. fy]
      local centre
      if den == nil then centre = (ev ~= nil and ev ~= NA) and ev or nil
      else centre = ratio(num["E|" .. fy], den["E|" .. (fy - lag)], per) end
      intervals.funnel(ctx, d, m, fy, units, centre and centre * scale(fy), year_label, names[1])
    end
    -- a LAIT rate whose population file lacked an authority-year: its
    -- denominator was implied from the rounded published rate instead
    if pop and implied and next(implied) then
      local ks = {}
      for k in pairs(implied) do ks[#ks + 1] = k end
      table.sort(ks)
      local shown = {}
      for i = 1, math.min(#ks, 8) do
        local c, y = ks[i]:match("^(.-)|(%d+)$")
        shown[i] = string.format("%s in %s", c, year_label(tonumber(y)))
      end
      ctx:warn(string.format("%s: %s has no population figure for %d authority-year(s) (%s%s); there the denominator is "
        .. "the one the published rate implies (%s × %s / rate), which carries the rate's rounding.", m.label,
        m.population.input, #ks, table.concat(shown, ", "), #ks > 8 and ", …" or "", m.count, util.fmt_number(per)))
      ctx:estimate({ label = m.name .. ".population_implied", value = #ks,
        unit = "authority-years whose population is implied from the published rate", group = m.name, detail = true })
    end
    -- zero runs: a count of 0 in three or more consecutive years looks like a
    -- recording artefact (a field not filled in) rather than a true zero
    local runs = {}
    for _, c in ipairs({ auth, table.unpack(sn) }) do
      local len, start = 0, nil
      for y = d.years.from, d.years.to + 1 do
        local v = y <= d.years.to and num[tostring(c) .. "|" .. y] or nil
        if v == 0 then
          len = len + 1
          start = start or y
        else
          if len >= 3 then runs[#runs + 1] = string.format("%s %s to %s", tostring(c), year_label(start), year_label(y - 1)) end
          len, start = 0, nil
        end
      end
    end
    if #runs > 0 then
      ctx:warn(string.format("%s: %s is 0 in three or more consecutive years for %s; a run of zeros is often a field "
        .. "not recorded rather than none happening, so check these before reading them as zero.", m.label,
        m.lait or m.numerator, table.concat(runs, "; ")))
      ctx:estimate({ label = m.name .. ".zero_runs", value = #runs, unit = "authorities with 3+ consecutive zero years",
        group = m.name, detail = true })
    end
    if #joined > 0 then
      local ys = {}
      for _, j in ipairs(joined) do ys[#ys + 1] = year_label(j.y) end
      ctx:warn(string.format("%s: %s's figures for %s are those of its predecessor %s (%s), the whole area before the %s; "
        .. "they are not comparable one for one with the later figures.", m.label, d.authority_name, table.concat(ys, ", "),
        joined[1].info.name, joined[1].info.predecessor, joined[1].info.event))
      for _, j in ipairs(joined) do
        ctx:estimate({ label = string.format("%s.joined_predecessor.%d", m.name, j.y), value = tonumber(j.info.predecessor),
          unit = "old LA code of the predecessor whose figure is shown", group = m.name, detail = true })
      end
    end
    local cont = reorg.continuing[auth]
    if cont and d.years.to >= cont.first then
      ctx:warn(string.format("%s: %s from %s on: %s; the series continues under the same code.", m.label,
        d.authority_name, year_label(cont.first), cont.event))
    end
    if #missing_sn > 0 then
      ctx:warn(string.format("%s: no figure for %d neighbour-years (%s); the neighbours' mean uses those available.",
        m.label, #missing_sn, table.concat(missing_sn, ", ", 1, math.min(#missing_sn, 6)) .. (#missing_sn > 6 and ", …" or "")))
    end
    if m.peak then
      local best, by
      for y = m.peak.from, m.peak.to do
        if series[y] and (not best or series[y] > best) then best, by = series[y], y end
      end
      if best then
        ctx:estimate({ label = m.name .. ".authority.peak_year", value = by, group = m.name })
        ctx:estimate({ label = m.name .. ".authority.peak_value", value = best, unit = m.label, group = m.name,
          headline = true })
      end
    end
  end
end

return M
