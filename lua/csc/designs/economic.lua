--- Design "economic": costs, break-even, savings and discounted appraisal
-- from figures typed in from a report (each with its table and page), or
-- read from an input (a unit-cost library).  Every printed total is
-- checked against its parts and a mismatch is reported, never absorbed.
--
-- All quantities live in one namespace of named numbers: a cost table's
-- name stands for the sum of its cells, a figure's name for its value, a
-- unit cost's name for its value (brought to the base price year when the
-- recipe gives deflators), and a derived quantity's name for its result.
-- Break-even, savings, appraisal and sensitivity entries refer to them by
-- name (or take a number).  Formulas: csc.econ.formulas; the methods are
-- in docs/economic.md.
-- @module csc.designs.economic
local S = require("csc.schema")
local errors = require("csc.errors")
local F = require("csc.econ.formulas")
local util = require("csc.util")

local M = {}
local NA = require("host.frame").NA

local NAME = { required = true, pattern = "^[%a][%w_]*$", pattern_doc = "a letter, then letters, digits or _" }
local ref = S.either({ S.number(), S.string() }, { required = true, doc = "a number, or the name of a cost table, figure, unit cost or derived quantity" })
local optref = S.either({ S.number(), S.string() })

local cost_table = S.record({
  name = S.string(NAME),
  label = S.string({ required = true }),
  source = S.string({ required = true, doc = "table and page of the report, e.g. \"Table 6, p. 42\"" }),
  years = S.list(S.string(), { required = true, min_items = 1, doc = "column labels, e.g. {\"2017-18\", ...}" }),
  rows = S.list(S.record({
    category = S.string({ required = true }),
    values = S.list(S.number(), { required = true, min_items = 1 }),
    setup = S.boolean({ doc = "true for a row of set-up costs" }),
  }), { required = true, min_items = 1 }),
  printed_total = S.number({ doc = "the total printed in the report, checked against the sum of the cells" }),
  quoted_totals = S.list(S.record({
    value = S.number({ required = true }),
    source = S.string({ required = true }),
  }), { doc = "the same total as quoted elsewhere (e.g. in the text), each checked against the sum" }),
  setup_share = S.number({ min = 0, max = 1, doc = "share of the total that was set-up cost, when not given by rows" }),
  price_year = S.string(),
  note = S.string(),
})

-- A typed-in number with its source: a figure, or a unit cost with more.
local function sourced(more)
  local fields = { name = S.string(NAME), label = S.string({ required = true }),
    value = S.number({ required = true }), source = S.string({ required = true }), note = S.string() }
  for k, v in pairs(more) do fields[k] = v end
  return S.record(fields)
end

local figure = sourced({ unit = S.string() })

local unit_cost = sourced({
  price_year = S.string({ required = true }),
  perspective = S.string({ required = true, doc = "who bears the cost, e.g. \"local authority\", \"wider public sector\"" }),
})

local derived = S.record({
  name = S.string(NAME),
  label = S.string({ required = true }),
  op = S.enum({ "sum", "difference", "product", "ratio", "mean", "share" }, { required = true }),
  of = S.list(S.either({ S.number(), S.string() }), { required = true, min_items = 1 }),
  unit = S.string(),
  digits = S.integer({ min = 0 }),
  note = S.string(),
})

local check = S.record({
  name = S.string(NAME),
  label = S.string({ required = true }),
  left = ref,
  relation = S.enum({ "<=", "<", ">=", ">", "==" }, { required = true }),
  right = ref,
  tolerance = S.number({ min = 0, doc = "for ==: how far apart the two may be" }),
  claim = S.string({ doc = "the report's words that the relation states, quoted" }),
})

local break_even = S.record({
  name = S.string(NAME),
  label = S.string({ required = true }),
  cost = ref,
  setup_share = S.either({ S.number(), S.string() }, { doc = "share of the cost that was set-up, left out of the running cost (default 0)" }),
  unit_value = ref,
  outcome = S.string({ doc = "what is avoided, e.g. \"young people becoming NEET\"" }),
})

local saving = S.record({
  name = S.string(NAME),
  label = S.string({ required = true }),
  change = ref,
  unit_cost = ref,
  attribution = optref,
})

local appraisal = S.record({
  name = S.string(NAME),
  label = S.string({ required = true }),
  years = S.list(S.string(), { required = true, min_items = 1 }),
  costs = S.list(S.either({ S.number(), S.string() }), { required = true, min_items = 1 }),
  benefits = S.list(S.either({ S.number(), S.string() }), { required = true, min_items = 1 }),
  rate = S.number({ min = 0, max = 1, doc = "discount rate (default 0.035, the Green Book rate)" }),
  schedule = S.enum({ "constant", "green_book" }, { doc = "green_book: the declining long-term rates" }),
  optimism_bias = S.number({ min = 0, doc = "uplift to costs, e.g. 0.2 for 20%" }),
})

local sensitivity = S.record({
  target = S.string({ required = true, doc = "the name of a break_even, saving or appraisal entry" }),
  measure = S.enum({ "ratio", "rounded", "npv", "bcr" },
    { doc = "break-even: ratio (default) or rounded; appraisal: npv (default) or bcr" }),
  inputs = S.list(S.record({
    name = S.string({ required = true }),
    label = S.string(),
    low = S.number({ required = true }),
    high = S.number({ required = true }),
    source = S.string({ doc = "why these bounds" }),
  }), { required = true, min_items = 1 }),
})

M.schema = S.record({
  currency = S.string({ doc = "symbol shown with money (default £)" }),
  base_year = S.string({ doc = "the price year every unit cost is brought to" }),
  deflators = S.record({
    source = S.string({ required = true }),
    index = S.map(S.number(), { required = true, doc = "price year -> deflator index" }),
  }),
  cost_tables = S.list(cost_table),
  figures = S.either({ S.list(figure), S.record({ input = S.string({ required = true }) }) },
    { doc = "a list, or {input = \"figures\"} to read them from an input with columns name, label, value, "
      .. "source, and optionally unit and note (a figure a row)" }),
  unit_costs = S.either({ S.list(unit_cost), S.record({ input = S.string({ required = true }),
    names = S.list(S.string()) }) }, { doc = "a list, or {input = \"unit_costs\"} to read a unit-cost library" }),
  derived = S.either({ S.list(derived), S.record({ input = S.string({ required = true }) }) },
    { doc = "a list, or {input = \"derived\"} to read them from an input with columns name, label, op, of "
      .. "(names or numbers, separated by spaces), and optionally unit and note (a quantity a row)" }),
  break_even = S.list(break_even),
  savings = S.list(saving),
  appraisals = S.list(appraisal),
  sensitivity = S.list(sensitivity),
  checks = S.list(check, { doc = "relations the report states between its figures, each checked" }),
  label = S.string(),
}, {
  check = function(d)
    local seen = {}
    for _, key in ipairs({ "cost_tables", "figures", "unit_costs", "derived", "break_even", "savings", "appraisals" }) do
      local l = d[key]
      if type(l) == "table" and l.input == nil then
        for i, e in ipairs(l) do
          if type(e) == "table" and type(e.name) == "string" then
            if seen[e.name] then return string.format("the name %q is used twice (first in %s)", e.name, seen[e.name]),
              string.format("%s[%d].name", key, i) end
            seen[e.name] = key
          end
        end
      end
    end
    for i, t in ipairs(type(d.cost_tables) == "table" and d.cost_tables or {}) do
      if type(t) == "table" and type(t.years) == "table" and type(t.rows) == "table" then
        for j, r in ipairs(t.rows) do
          if type(r) == "table" and type(r.values) == "table" and #r.values ~= #t.years then
            return string.format("has %d values for %d years (%s)", #r.values, #t.years, table.concat(t.years, ", ")),
              string.format("cost_tables[%d].rows[%d].values", i, j)
          end
        end
      end
    end
    return nil
  end,
})

function M.describe(d)
  local parts = { "Economic evaluation from the report's own figures." }
  if d.cost_tables then parts[#parts + 1] = "Cost tables are summed by year and category and each printed total is checked against its parts." end
  if d.break_even then parts[#parts + 1] = "Break-even: the number of outcomes avoided at which their value repays the running cost "
    .. "(total less the set-up share), exact and rounded up to a whole outcome." end
  if d.appraisals then parts[#parts + 1] = "Appraisal: present values discounted as the HM Treasury Green Book does (year 0 undiscounted), "
    .. "net present value, benefit-cost ratio, return on investment and payback." end
  if d.sensitivity then parts[#parts + 1] = "One-way sensitivity: each input at its low and high value, the others at base." end
  return table.concat(parts, " ")
end

-- The design's evidence: an economic analysis of a report's figures is not
-- an outcome analysis of its own (csc.evidence).
M.evidence = { comparator = false, significance = false, outcomes = false }

--- A design mistake found while running: "recipes/x.lua:LINE: design.field: what",
-- the line found from the recipe's own text (csc.srcmap) when it can be read.
function M.raiser(ctx)
  return function(msg)
    local field = msg:match("^(design[%w_%.%[%]]*):")
    local prefix = ctx.path .. ": "
    if field then
      local ok, src = pcall(require("host.sys").read, ctx.path)
      if ok and type(src) == "string" then
        local srcmap = require("csc.srcmap")
        prefix = string.format("%s:%d: ", ctx.path, srcmap.line(srcmap.build(src), field))
      end
    end
    errors.raise("recipe", prefix .. msg)
  end
end

local function money(cur, x)
  if x == nil then return "–" end
  local neg = x < 0
  local s = util.fmt_fixed(math.abs(x), (x == math.floor(x)) and 0 or 2)
  local int, frac = s:match("^(%d+)(.*)$")
  int = int:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return (neg and "−" or "") .. cur .. int .. frac
end
M.money = money

--- Run the design.
function M.run(ctx, d)
  local bad = M.raiser(ctx)
  local cur = d.currency or "£"
  local env, src, what = {}, {}, {}   -- name -> value, source text, label
  local function where(path) return "design." .. path end
  local function define(name, v, source, label, path)
    if env[name] ~= nil then bad(string.format("%s: the name %q is used twice", where(path), name)) end
    env[name], src[name], what[name] = v, source, label
  end
  local function value(x, path)
    if type(x) == "number" then return x end
    local v = env[x]
    if v == nil then
      bad(string.format("%s: %q is not a cost table, figure, unit cost or derived quantity defined above it%s",
        where(path), tostring(x), util.hint(x, util.sorted_keys(env))))
    end
    return v
  end

  -- ===== cost tables =====
  for ti, t in ipairs(d.cost_tables or {}) do
    local path = string.format("cost_tables[%d]", ti)
    local ny = #t.years
    local coltot, rows, all, setup = {}, {}, {}, 0
    for j = 1, ny do coltot[j] = {} end
    for _, r in ipairs(t.rows) do
      local rowtot = F.sum(r.values)
      local cells = { r.category }
      for j = 1, ny do cells[#cells + 1] = r.values[j]; coltot[j][#coltot[j] + 1] = r.values[j]; all[#all + 1] = r.values[j] end
      cells[#cells + 1] = rowtot
      rows[#rows + 1] = cells
      if r.setup then setup = setup + rowtot end
    end
    local total = F.sum(all)
    if #t.rows > 1 then
      local cells = { "Total" }
      for j = 1, ny do cells[#cells + 1] = F.sum(coltot[j]) end
      cells[#cells + 1] = total
      rows[#rows + 1] = cells
    end
    local cols = { "category" }
    for _, y in ipairs(t.years) do cols[#cols + 1] = y end
    cols[#cols + 1] = "total (sum of cells)"
    local note = "Source: " .. t.source .. "."
    define(t.name, total, t.source, t.label, path)
    ctx:estimate({ label = "cost." .. t.name .. ".total", value = total, unit = cur, group = "costs",
      method = "sum of the table's cells" })
    for j, y in ipairs(t.years) do
      ctx:estimate({ label = string.format("cost.%s.%s", t.name, y), value = F.sum(coltot[j]), unit = cur,
        group = "costs", detail = true })
    end
    if t.printed_total then
      local chk = F.check_total(all, t.printed_total)
      ctx:estimate({ label = "cost." .. t.name .. ".printed_total", value = t.printed_total, unit = cur, group = "costs", detail = true })
      ctx:estimate({ label = "cost." .. t.name .. ".printed_minus_sum", value = chk.difference, unit = cur, group = "costs",
        detail = true })
      if chk.agrees then
        note = note .. string.format(" The printed total, %s, equals the sum of the cells.", money(cur, t.printed_total))
      else
        note = note .. string.format(" **The printed total, %s, differs from the sum of the cells, %s, by %s.**",
          money(cur, t.printed_total), money(cur, total), money(cur, chk.difference))
        ctx:warn(string.format("%s (%s): the printed total %s is not the sum of its cells, %s (difference %s). "
          .. "The sum is used; the printed total is kept as published.", t.label, t.source, money(cur, t.printed_total),
          money(cur, total), money(cur, chk.difference)))
      end
    end
    for qi, q in ipairs(t.quoted_totals or {}) do
      local chk = F.check_total(all, q.value)
      ctx:estimate({ label = string.format("cost.%s.quoted_minus_sum.%d", t.name, qi), value = chk.difference,
        unit = cur, group = "costs", detail = true })
      if chk.agrees then
        note = note .. string.format(" The total quoted in %s, %s, agrees.", q.source, money(cur, q.value))
      else
        note = note .. string.format(" **The total quoted in %s, %s, differs from the sum of the cells by %s.**",
          q.source, money(cur, q.value), money(cur, chk.difference))
        ctx:warn(string.format("%s: the total quoted in %s, %s, is not the sum of the table's cells, %s (difference %s).",
          t.label, q.source, money(cur, q.value), money(cur, total), money(cur, chk.difference)))
      end
    end
    local share = t.setup_share
    if setup > 0 then share = setup / total end
    if share then
      ctx:estimate({ label = "cost." .. t.name .. ".setup_share", value = share, group = "costs",
        unit = "share of the total", detail = true })
      note = note .. string.format(" Set-up share: %s%%.", util.fmt_number(share * 100))
    end
    if t.note then note = note .. " " .. t.note end
    ctx:table("costs_" .. t.name, { columns = cols, rows = rows },
      { caption = t.label .. " (" .. cur .. ")", digits = 0, note = note })
  end

  -- A list the recipe gives as {input = "name"}: one entry a row of that
  -- input, with the columns `columns` (`cell(column, value)` converts a
  -- cell), each checked as the recipe's own entry would be.  Returns the
  -- list and the place of entry i for messages.
  local NA = require("host.frame").NA
  local function from_input(key, list, schema, columns, cell)
    local at = function(i) return string.format("%s[%d]", key, i) end
    if type(list) ~= "table" or list.input == nil then return list, at end
    local name = list.input
    local f = ctx.data[name]
    if not f then bad(string.format("design.%s.input: %q is not an input of the recipe", key, name)) end
    local out = {}
    for i = 1, f:nrow() do
      local e = {}
      for _, c in ipairs(columns) do
        local v = f:has(c) and f:value(i, c) or nil
        if v ~= nil and v ~= NA and v ~= "" then e[c] = cell and cell(c, v) or v end
      end
      local errs = {}
      S.validate(schema, e, "", errs)
      if errs[1] then
        bad(string.format("design.%s: input %q, row %d: %s%s", key, name, i,
          errs[1].path ~= "" and (errs[1].path .. ": ") or "", errs[1].msg))
      end
      out[i] = e
    end
    return out, function(i) return string.format("%s (input %q, row %d)", key, name, i) end
  end
  -- whole numbers stay whole (78 families), as when typed in a recipe
  local function number_cell(c, v)
    if c == "value" and type(v) == "number" then return math.tointeger(v) or v end
    if c == "of" then
      local list = {}
      for w in tostring(v):gmatch("%S+") do
        local x = tonumber(w)
        list[#list + 1] = x and (math.tointeger(x) or x) or w
      end
      return list
    end
    return v
  end

  -- the figures and derived quantities, typed in the recipe or in a file
  local figures, figures_at = from_input("figures", d.figures, figure,
    { "name", "label", "value", "unit", "source", "note" }, number_cell)
  local derived_list, derived_at = from_input("derived", d.derived, derived,
    { "name", "label", "op", "of", "unit", "note" }, number_cell)

  -- ===== typed-in figures =====
  if figures and #figures > 0 then
    local rows = {}
    for i, f in ipairs(figures) do
      define(f.name, f.value, f.source, f.label, figures_at(i))
      ctx:estimate({ label = "figure." .. f.name, value = f.value, unit = f.unit, group = "figures", detail = true })
      rows[#rows + 1] = { f.label, f.value, f.unit or "", f.source, f.note or "" }
    end
    ctx:table("figures", { columns = { "figure", "value", "unit", "source", "note" }, rows = rows },
      { caption = "Figures typed in from the report", digits = 2 })
  end

  -- ===== unit costs (brought to one price year) =====
  local ucs = d.unit_costs
  if ucs and ucs.input then
    local f = ctx.data[ucs.input]
    local want = {}
    for _, n in ipairs(ucs.names or {}) do want[n] = true end
    local list = {}
    for i = 1, f:nrow() do
      local n = f:value(i, "name")
      if not ucs.names or want[n] then
        list[#list + 1] = { name = n, label = f:value(i, "label"), value = f:value(i, "value"),
          source = f:value(i, "source"), price_year = tostring(f:value(i, "price_year")),
          perspective = f:value(i, "perspective"), note = f:has("note") and f:value(i, "note") or nil }
        want[n] = nil
      end
    end
    local missing = util.sorted_keys(want)
    if #missing > 0 then
      bad(string.format("design.unit_costs.names: %s not in the unit-cost library %q", table.concat(missing, ", "),
        ucs.input))
    end
    ucs = list
  end
  if ucs and #ucs > 0 then
    local rows = {}
    for i, u in ipairs(ucs) do
      local v = u.value
      if type(v) ~= "number" then bad(string.format("unit cost %s: value is not a number", tostring(u.name))) end
      local base = v
      if d.base_year and d.deflators and u.price_year ~= d.base_year then
        base = F.rebase(v, u.price_year, d.base_year, d.deflators.index)
      end
      define(u.name, base, u.source, u.label, string.format("unit_costs[%d]", i))
      ctx:estimate({ label = "unit_cost." .. u.name, value = base, unit = cur .. (d.base_year and (", " .. d.base_year .. " prices") or ""),
        group = "unit costs", detail = true })
      rows[#rows + 1] = { u.label, v, u.price_year, d.base_year and base or NA, u.perspective, u.source }
    end
    ctx:table("unit_costs", { columns = { "unit cost", "value", "price year", "value in base year", "perspective", "source" },
      rows = rows }, { caption = "Unit costs" .. (d.base_year and (", brought to " .. d.base_year .. " prices") or ""),
      digits = 0, note = d.deflators and ("Deflators: " .. d.deflators.source .. ".") or nil })
  end

  -- ===== derived quantities =====
  if derived_list and #derived_list > 0 then
    local rows = {}
    for i, q in ipairs(derived_list) do
      local path = derived_at(i)
      local xs, names = {}, {}
      for j, a in ipairs(q.of) do
        xs[j] = value(a, path .. string.format(".of[%d]", j))
        names[j] = type(a) == "string" and (what[a] or a) or util.fmt_number(a)
      end
      local v
      if q.op == "sum" then v = F.sum(xs)
      elseif q.op == "mean" then v = F.sum(xs) / #xs
      elseif q.op == "difference" then v = xs[1]; for j = 2, #xs do v = v - xs[j] end
      elseif q.op == "product" or q.op == "share" then v = 1; for j = 1, #xs do v = v * xs[j] end
      elseif q.op == "ratio" then
        if #xs ~= 2 then bad(string.format("design.%s.of: a ratio takes two quantities, got %d", path, #xs)) end
        if xs[2] == 0 then bad(string.format("design.%s: the denominator %s is 0", path, names[2])) end
        v = xs[1] / xs[2]
      end
      define(q.name, v, "derived", q.label, path)
      ctx:estimate({ label = "derived." .. q.name, value = v, unit = q.unit, group = "derived", detail = true })
      local opname = { sum = " + ", difference = " − ", product = " × ", share = " × ", ratio = " ÷ ", mean = ", " }
      rows[#rows + 1] = { q.label, (q.op == "mean" and "mean of " or "") .. table.concat(names, opname[q.op]), v, q.note or "" }
    end
    ctx:table("derived", { columns = { "quantity", "formula", "value", "note" }, rows = rows },
      { caption = "Quantities derived from the report's figures", digits = 2 })
  end

  -- ===== checks: relations the report states between its figures =====
  if d.checks and #d.checks > 0 then
    local rows = {}
    local rel = {
      ["<="] = function(a, b) return a <= b end, ["<"] = function(a, b) return a < b end,
      [">="] = function(a, b) return a >= b end, [">"] = function(a, b) return a > b end,
    }
    for i, c in ipairs(d.checks) do
      local path = string.format("checks[%d]", i)
      local a, b = value(c.left, path .. ".left"), value(c.right, path .. ".right")
      local holds
      if c.relation == "==" then holds = math.abs(a - b) <= (c.tolerance or 0) + 1e-12
      else holds = rel[c.relation](a, b) end
      ctx:estimate({ label = "check." .. c.name, value = holds and 1 or 0, unit = "1 = holds", group = "checks",
        detail = true })
      local ln = type(c.left) == "string" and (what[c.left] or c.left) or util.fmt_number(c.left)
      local rn = type(c.right) == "string" and (what[c.right] or c.right) or util.fmt_number(c.right)
      rows[#rows + 1] = { c.label, string.format("%s %s %s", ln, c.relation, rn), a, b, holds and "holds" or "FAILS",
        c.claim or "" }
      if not holds then
        ctx:warn(string.format("%s: the report's figures do not satisfy %s %s %s (%s against %s)%s.", c.label, ln,
          c.relation, rn, util.fmt_number(a), util.fmt_number(b), c.claim and (", although it says " .. c.claim) or ""))
      end
    end
    ctx:table("checks", { columns = { "check", "relation", "left", "right", "result", "the report's words" }, rows = rows },
      { caption = "Relations the report states between its figures", digits = 2 })
  end

  -- ===== break-even =====
  local be_inputs = {}
  if d.break_even and #d.break_even > 0 then
    local rows = {}
    for i, b in ipairs(d.break_even) do
      local path = string.format("break_even[%d]", i)
      local cost = value(b.cost, path .. ".cost")
      local sh = b.setup_share == nil and 0 or value(b.setup_share, path .. ".setup_share")
      local uv = value(b.unit_value, path .. ".unit_value")
      if sh < 0 or sh > 1 then bad(string.format("design.%s.setup_share: must be between 0 and 1, got %s", path, util.fmt_number(sh))) end
      if uv <= 0 then bad(string.format("design.%s.unit_value: the value per outcome avoided must be positive, got %s", path, util.fmt_number(uv))) end
      local run = F.running_cost(cost, sh)
      local x, up = F.break_even(run, uv)
      be_inputs[b.name] = { cost = cost, setup_share = sh, unit_value = uv }
      define(b.name, x, "break-even", b.label, path)
      local g = "break-even " .. b.name
      ctx:estimate({ label = "break_even." .. b.name .. ".running_cost", value = run, unit = cur, group = g,
        method = "cost × (1 − set-up share)" })
      ctx:estimate({ label = "break_even." .. b.name .. ".ratio", value = x, group = g,
        unit = b.outcome or "outcomes avoided", method = "running cost ÷ value per outcome" })
      ctx:estimate({ label = "break_even." .. b.name .. ".rounded", value = up, group = g,
        unit = b.outcome or "outcomes avoided", method = "ratio rounded up to a whole outcome", headline = i == 1 or nil })
      rows[#rows + 1] = { b.label, cost, sh * 100, run, uv, x, up }
    end
    ctx:table("break_even", { columns = { "basis", "cost", "set-up share (%)", "running cost", "value per outcome",
      "break-even (exact)", "break-even (rounded up)" }, rows = rows },
      { caption = "Break-even: outcomes avoided that repay the running cost", digits = { 0, 0, 0, 0, 0, 3, 0 } })
    -- the chart: value of outcomes avoided against the running cost
    local first = d.break_even[1]
    local bi = be_inputs[first.name]
    local run = F.running_cost(bi.cost, bi.setup_share)
    local _, up = F.break_even(run, bi.unit_value)
    local xs, sv, rc = {}, {}, {}
    for n = 0, math.max(up + 2, math.ceil(up * 1.5)) do xs[#xs + 1] = n; sv[#sv + 1] = n * bi.unit_value; rc[#rc + 1] = run end
    ctx:chart({ name = "break_even", kind = "lines", table = "break_even",
      title = "Break-even: " .. first.label,
      desc = string.format("Line chart: the value of %s avoided (rising line, %s each) against the running cost "
        .. "(flat line, %s). The lines cross at %s; rounded up, %d.", first.outcome or "outcomes", money(cur, bi.unit_value),
        money(cur, run), util.fmt_fixed(run / bi.unit_value, 2), up),
      xlabel = first.outcome and ("Number of " .. first.outcome) or "Number of outcomes avoided", ylabel = "Pounds",
      series = { { name = "Value of outcomes avoided", x = xs, y = sv }, { name = "Running cost", x = xs, y = rc } } })
  end

  -- ===== savings =====
  if d.savings and #d.savings > 0 then
    local rows = {}
    for i, s in ipairs(d.savings) do
      local path = string.format("savings[%d]", i)
      local ch, uc = value(s.change, path .. ".change"), value(s.unit_cost, path .. ".unit_cost")
      local at = s.attribution == nil and 1 or value(s.attribution, path .. ".attribution")
      local ok, v = pcall(F.savings, ch, uc, at)
      if not ok then bad(string.format("design.%s: %s", path, tostring(v):gsub("^.-:%d+: ", ""))) end
      define(s.name, v, "savings", s.label, path)
      ctx:estimate({ label = "saving." .. s.name, value = v, unit = cur, group = "savings",
        method = "outcome change × unit cost × attribution share" })
      rows[#rows + 1] = { s.label, ch, uc, at * 100, v }
    end
    ctx:table("savings", { columns = { "saving", "outcome change", "unit cost", "attribution (%)", "saving" }, rows = rows },
      { caption = "Savings: outcome change × unit cost × attribution", digits = { 0, 2, 0, 0, 0 } })
  end

  -- ===== appraisals =====
  local app_inputs = {}
  for i, a in ipairs(d.appraisals or {}) do
    local path = string.format("appraisals[%d]", i)
    local n = #a.years
    if #a.costs ~= n or #a.benefits ~= n then
      bad(string.format("design.%s: years, costs and benefits must have the same length (%d, %d, %d)", path,
        n, #a.costs, #a.benefits))
    end
    local c, b = {}, {}
    for j = 1, n do
      c[j] = value(a.costs[j], string.format("%s.costs[%d]", path, j)) * (1 + (a.optimism_bias or 0))
      b[j] = value(a.benefits[j], string.format("%s.benefits[%d]", path, j))
    end
    local rate = a.schedule == "green_book" and F.GREEN_BOOK or (a.rate or 0.035)
    local r = F.appraise(c, b, rate)
    local net = {}
    for j = 1, n do net[j] = b[j] - c[j] end
    local irr = F.irr(net)
    app_inputs[a.name] = { costs = c, benefits = b, rate = rate }
    define(a.name, r.npv, "appraisal", a.label, path)
    local g = "appraisal " .. a.name
    ctx:estimate({ label = "appraisal." .. a.name .. ".pv_costs", value = r.pv_costs, unit = cur, group = g })
    ctx:estimate({ label = "appraisal." .. a.name .. ".pv_benefits", value = r.pv_benefits, unit = cur, group = g })
    ctx:estimate({ label = "appraisal." .. a.name .. ".npv", value = r.npv, unit = cur, group = g,
      method = "present value of benefits − present value of costs" })
    if r.bcr then
      ctx:estimate({ label = "appraisal." .. a.name .. ".bcr", value = r.bcr, group = g, method = "PV benefits ÷ PV costs" })
      ctx:estimate({ label = "appraisal." .. a.name .. ".roi", value = r.roi, group = g, method = "(PV benefits − PV costs) ÷ PV costs" })
    end
    if r.payback then ctx:estimate({ label = "appraisal." .. a.name .. ".payback", value = r.payback, unit = "years", group = g }) end
    if irr then ctx:estimate({ label = "appraisal." .. a.name .. ".irr", value = irr, group = g }) end
    local rows, cc, cb = {}, 0, 0
    for j = 1, n do
      local df = F.discount_factor(rate, j - 1)
      cc, cb = cc + c[j] * df, cb + b[j] * df
      rows[j] = { a.years[j], j - 1, df, c[j], b[j], c[j] * df, b[j] * df, cb - cc }
    end
    ctx:table("appraisal_" .. a.name, { columns = { "year", "t", "discount factor", "costs", "benefits",
      "PV costs", "PV benefits", "cumulative PV net" }, rows = rows },
      { caption = a.label .. (a.schedule == "green_book" and " (Green Book declining rates)"
        or string.format(" (discounted at %s%%)", util.fmt_number((a.rate or 0.035) * 100))),
        digits = { 0, 0, 4, 0, 0, 0, 0, 0 },
        note = a.optimism_bias and string.format("Costs include an optimism-bias uplift of %s%%.", util.fmt_number(a.optimism_bias * 100)) or nil })
  end

  -- ===== sensitivity =====
  for si, s in ipairs(d.sensitivity or {}) do
    local path = string.format("sensitivity[%d]", si)
    local f, base, outlabel
    local for_be = { ratio = true, rounded = true }
    if s.measure and (be_inputs[s.target] and not for_be[s.measure] or app_inputs[s.target] and for_be[s.measure]) then
      bad(string.format("design.%s.measure: %q does not apply to %s (a break-even takes ratio or rounded, an "
        .. "appraisal npv or bcr)", path, s.measure, s.target))
    end
    if be_inputs[s.target] then
      base = util.copy(be_inputs[s.target])
      local rounded = s.measure == "rounded"
      f = function(v)
        local x, up = F.break_even(F.running_cost(v.cost, v.setup_share), v.unit_value)
        return rounded and up or x
      end
      outlabel = rounded and "break-even (rounded up)" or "break-even (exact)"
    elseif app_inputs[s.target] then
      local ai = app_inputs[s.target]
      base = { rate = type(ai.rate) == "number" and ai.rate or 0.035, cost_scale = 1, benefit_scale = 1 }
      local m = s.measure == "bcr" and "bcr" or "npv"
      f = function(v)
        local c, b = {}, {}
        for j = 1, #ai.costs do c[j] = ai.costs[j] * v.cost_scale; b[j] = ai.benefits[j] * v.benefit_scale end
        -- under the Green Book schedule the base case keeps the schedule;
        -- a rate moved in the sensitivity is a constant rate
        local rate = (type(ai.rate) == "table" and v.rate == base.rate) and ai.rate or v.rate
        return F.appraise(c, b, rate)[m]
      end
      outlabel = m == "bcr" and "benefit-cost ratio" or "net present value"
    else
      bad(string.format("design.%s.target: %q is not a break_even or appraisals entry%s", path, s.target,
        util.hint(s.target, util.sorted_keys(be_inputs))))
    end
    local ranges = {}
    for j, inp in ipairs(s.inputs) do
      if base[inp.name] == nil then
        bad(string.format("design.%s.inputs[%d].name: %q is not an input of %s (use %s)", path, j, inp.name, s.target,
          table.concat(util.sorted_keys(base), ", ")))
      end
      if inp.low > inp.high then
        bad(string.format("design.%s.inputs[%d]: low (%s) is above high (%s)", path, j, util.fmt_number(inp.low), util.fmt_number(inp.high)))
      end
      ranges[j] = { name = inp.name, label = inp.label or inp.name, low = inp.low, high = inp.high }
    end
    local ok, b, res = pcall(F.one_way, f, base, ranges)
    if not ok then bad(string.format("design.%s: %s", path, tostring(b):gsub("^.-:%d+: ", ""))) end
    local rows, items = {}, {}
    for j, r in ipairs(res) do
      local src_note = s.inputs[j].source or ""
      rows[j] = { r.label, base[r.name], r.low, r.high, r.out_low, r.out_high, r.swing, src_note }
      items[j] = { label = r.label, low = r.out_low, high = r.out_high }
      ctx:estimate({ label = string.format("sensitivity.%s.%s.low", s.target, r.name), value = r.out_low, group = "sensitivity", detail = true })
      ctx:estimate({ label = string.format("sensitivity.%s.%s.high", s.target, r.name), value = r.out_high, group = "sensitivity", detail = true })
    end
    local tname = "sensitivity_" .. s.target
    ctx:table(tname, { columns = { "input", "base", "low", "high", "outcome at low", "outcome at high", "swing", "why these bounds" },
      rows = rows }, { caption = string.format("One-way sensitivity of the %s (%s): base %s", outlabel, what[s.target] or s.target,
      util.fmt_fixed(b, 3)), digits = { 0, 2, 2, 2, 3, 3, 3, 0 } })
    ctx:chart({ name = tname, kind = "tornado", table = tname, base = b,
      title = string.format("Sensitivity of the %s: %s", outlabel, what[s.target] or s.target),
      desc = string.format("Tornado chart: the %s with each input at its low and high value, widest swing first; "
        .. "base case %s. The figures are in the table above.", outlabel, util.fmt_fixed(b, 2)),
      xlabel = outlabel, items = items })
  end
end

return M
