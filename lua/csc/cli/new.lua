--- `csceval new DESIGN [--la CODE] [--data FILE] [--out RECIPE.lua]`: a
-- commented starting recipe for a design (benchmark, its, cits, did,
-- matching, ipw, custom).  It runs as written on the shared public data
-- (referrals per 10,000 children, the authority given with --la, default
-- Derby); what only the analyst can supply (the source report, published
-- figures, the programme's start) is marked TODO, which `check` reports as
-- unfilled.  With --data FILE the recipe reads that file instead and lists
-- its columns for the analyst to choose from.
-- @module csc.cli.new
local A = require("csc.authorities")
local errors = require("csc.errors")
local sys = require("host.sys")
local util = require("csc.util")

local M = {}

M.designs = { "benchmark", "its", "cits", "did", "matching", "ipw", "custom" }

local EES = "../shared/data/ees/"
local REFERRALS = EES .. "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
local POPULATION = EES .. "ons_mid-year_population_estimates_2012_to_2024.csv"
local NEIGHBOURS = EES .. "New_Statistical_Neighbour_Groupings_April_2021.csv"

local function header(design, what)
  return string.format([[
-- %s
-- Written by `csceval new %s`: a starting point that runs as it is on the
-- shared public statistics. Replace every TODO, then
--   ./csceval check THIS_FILE     (checks everything short of the analysis)
--   ./csceval run THIS_FILE --out out
-- `./csceval explain %s` explains the design and the names of its estimates;
-- docs/tutorial.md walks through one evaluation from start to finish.
]], what, design, design)
end

local SOURCE = [[
  -- The report this analysis reruns. For a new analysis, say so here and
  -- leave published empty: the report then calls it a new analysis.
  source = {
    report = "TODO: the evaluation report's title, or \"New analysis\"",
    tables = { "TODO: the tables or figures it reruns, or \"none\"" },
  },
]]

local PUBLISHED = [[
  -- Published figures to compare with, one table each, e.g.
  --   { label = "Referrals per 10,000, 2018/19", estimate = "%s", value = 0, tolerance = 1,
  --     source = "Table 2", note = "rounded to whole numbers in the report" },
  -- `csceval explain estimates` lists the estimate names each design makes.
  published = {
    -- TODO: add the report's figures here (or leave this empty for a new analysis)
  },
]]

local INPUTS = [[
  inputs = {
    referrals = {
      path = "%s",
      description = "Children in need census: referrals by authority and year (DfE, Explore Education Statistics)",
    },
    population = {
      path = "%s",
      description = "ONS mid-year estimates of children aged 0 to 17, by authority",
    },
    neighbours = {
      path = "%s",
      description = "Statistical neighbour groupings, April 2021 model (ten neighbours per authority)",
    },
  },
]]

-- The rate per 10,000 children, built as the benchmark design builds it:
-- referrals in the year ending March Y over the mid-year estimate for Y - 1.
local PREPARE = [[
    -- The data: the referrals file's authority rows (steps run in order:
    -- docs/recipes.md, "Preparing the data"), with the rate per 10,000
    -- children. time_period 2019 is the year ending March 2019 (2018/19); its
    -- population is the mid-2018 estimate (year_lag = 1).
    data = "referrals",
    steps = {
      { filter = 'geographic_level == "Local authority"%s' },
    },
    rates = {
      referral_rate = { numerator = "referral_count", per = 10000,
        denominator = { input = "population", column = "population_estimate", year_lag = 1,
                        where = 'geographic_level == "Local authority"' } },
    },
]]

local OUTCOME = [[
    outcomes = {
      { name = "referral_rate", column = "referral_rate", label = "Referrals per 10,000 children",
        unit = "referrals per 10,000 children", digits = 1 },
    },
]]

local function la_info(o)
  local idx = A.load(o.shared)
  local q = o.la or "831"
  if not idx then
    if o.la and not o.la:match("^%d+$") then
      errors.raise("data", "new --la " .. o.la .. ": the shared data (../shared/data) is not here to look the "
        .. "name up; give the old three-digit code instead")
    end
    return { code = q, name = "authority " .. q, neighbours = {} }
  end
  local found, sugg = A.find(idx, q)
  if #found ~= 1 then
    if #found > 1 then
      local names = {}
      for _, e in ipairs(found) do names[#names + 1] = string.format("%s (%s)", e.name, e.code) end
      errors.raise("usage", string.format("new --la %s: several authorities match: %s; give the code", q,
        table.concat(names, ", ")))
    end
    errors.raise("usage", string.format("new --la %s: no local authority matches%s", q,
      #sugg > 0 and ("; did you mean " .. table.concat(sugg, ", ") .. "?") or " (see csceval la NAME)"))
  end
  local e = found[1]
  local nb = {}
  for _, n in ipairs(e.sn[2021] or {}) do
    local ne = idx.by_code[n.code]
    nb[#nb + 1] = { code = n.code, name = ne and ne.name or n.code }
  end
  return { code = e.code, name = e.name, neighbours = nb, region = e.region }
end

local function codes_list(nb, n)
  local c, names = {}, {}
  for i, x in ipairs(nb) do
    if not n or i <= n then c[#c + 1] = x.code; names[#names + 1] = x.name end
  end
  return "{ " .. table.concat(c, ", ") .. " }", table.concat(names, ", ")
end

-- The recipe every design writes, top to bottom: the header, title and
-- question, the source and inputs (the same for every design), the design
-- (its type, then r.design, a list of text), the published figures naming
-- r.estimate, and one TODO limitation.
local function recipe(r)
  return table.concat({
    header(r.type, r.what), r.preamble or "",
    "return {\n",
    "  title = \"" .. r.title .. "\",\n",
    "  question = \"" .. r.question .. "\",\n",
    SOURCE, INPUTS:format(REFERRALS, POPULATION, NEIGHBOURS),
    "  design = {\n    type = \"" .. r.type .. "\",\n",
    table.concat(r.design),
    "  },\n",
    PUBLISHED:format(r.estimate),
    "  limitations = {\n    \"TODO: " .. r.limitation .. "\",\n  },\n",
    "}\n",
  })
end

local function its_recipe(la)
  return recipe({ type = "its",
    what = string.format("Interrupted time series: referrals per 10,000 children in %s.", la.name),
    title = string.format("Referrals per 10,000 children in %s before and after TODO: the programme", la.name),
    question = string.format("Did %s's rate of referrals per 10,000 children change in level or trend after TODO: "
      .. "the programme began (TODO: month and year, e.g. April 2018)?", la.name),
    design = {
      PREPARE:format(string.format(" and old_la_code == %s", la.code)),
      "    time = \"time_period\",\n    format = \"fy\",            -- print 2019 as 2018/19\n",
      "    -- The first year of the programme, written as the statistics write it:\n"
        .. "    -- \"2018/19\" is April 2018 to March 2019 (time_period 2019).\n",
      "    interruption = \"2018/19\",   -- TODO: the programme's first year\n",
      "    autocorrelation = \"auto\",   -- test the residuals and choose the standard errors\n",
      OUTCOME,
    },
    estimate = "referral_rate.level_change",
    limitation = "what this analysis cannot show (other changes at the same time, short pre-period, ...)" })
end

local function cits_recipe(la)
  return recipe({ type = "cits",
    what = string.format("Comparative interrupted time series: %s against its statistical neighbours.", la.name),
    title = string.format("Referrals per 10,000 children in %s against its statistical neighbours", la.name),
    question = string.format("Did %s's rate of referrals per 10,000 children depart from its trend, relative to "
      .. "similar authorities, after TODO: the programme began?", la.name),
    design = {
      PREPARE:format(""),
      "    unit = \"old_la_code\", time = \"time_period\", name = \"la_name\", region = \"region_name\",\n",
      "    format = \"fy\",\n",
      string.format("    treated = %s,                 -- %s (csceval la %s)\n", la.code, la.name, la.code),
      "    interruption = \"2018/19\",     -- TODO: the programme's first year\n",
      "    lag = 1,                      -- Newey-West lag for annual data\n",
      "    -- Comparators: the statistical neighbours whose pre-period level and\n"
        .. "    -- trend are closest (itsamatch's test is shown for each).\n",
      "    select = {\n      neighbours = { input = \"neighbours\" },   -- the groupings input (data/neighbour_groupings.csv)\n"
        .. "      method = \"distance\",\n      n = 5,\n    },\n",
      OUTCOME,
      "    placebo = { units = \"all\", comparators_rule = \"rest\", statistic = \"t\" },\n",
    },
    estimate = "referral_rate.impact", limitation = "what this analysis cannot show" })
end

local function did_recipe(la)
  local list, names = codes_list(la.neighbours)
  return recipe({ type = "did",
    what = string.format("Difference-in-differences: %s against its statistical neighbours.", la.name),
    title = string.format("Referrals per 10,000 children: %s against its statistical neighbours, "
      .. "difference-in-differences", la.name),
    question = string.format("Did referrals per 10,000 children change more in %s than in similar authorities "
      .. "after TODO: the programme began?", la.name),
    design = {
      PREPARE:format(""),
      "    unit = \"old_la_code\", time = \"time_period\", name = \"la_name\", format = \"fy\",\n",
      string.format("    treated = %s,   -- %s\n", la.code, la.name),
      string.format("    -- its 2021 statistical neighbours: %s\n", names ~= "" and names or "none listed"),
      #la.neighbours > 0 and string.format("    comparators = %s,\n", list) or "",
      "    start = \"2018/19\",   -- TODO: the programme's first year\n",
      "    event_study = { leads = 3, lags = 3 },\n",
      "    outcomes = {\n      { name = \"referral_rate\", column = \"referral_rate\", label = \"Referrals per 10,000 "
        .. "children\" },\n    },\n",
    },
    estimate = "referral_rate.did_2x2", limitation = "what this analysis cannot show" })
end

local function benchmark_recipe(la)
  return recipe({ type = "benchmark",
    what = string.format("Benchmarking: %s against its statistical neighbours and England.", la.name),
    title = string.format("%s: referrals per 10,000 children against statistical neighbours and England", la.name),
    question = string.format("How did referrals to %s's children's social care move, compared with similar "
      .. "authorities and England?", la.name),
    design = {
      string.format("    authority = %s,\n    authority_name = %q,\n", la.code, la.name),
      "    neighbours = { input = \"neighbours\" },   -- code column and model: data/neighbour_groupings.csv\n",
      "    years = { from = \"2012/13\", to = \"2024/25\" },\n",
      "    measures = {\n      {\n        name = \"referral_rate\",\n        label = \"Referrals per 10,000 children\",\n"
        .. "        input = \"referrals\",\n        numerator = \"referral_count\",\n"
        .. "        -- 2017/18 referrals over the mid-2017 estimate of children aged 0-17\n"
        .. "        denominator = { input = \"population\", column = \"population_estimate\", year_lag = 1 },\n"
        .. "        per = 10000,\n        digits = 0,\n      },\n    },\n",
    },
    estimate = "referral_rate.authority.2019", limitation = "what this comparison cannot show" })
end

-- matching and ipw: authorities as units, one row each, treated = the
-- programme's authorities (placeholder: the authority and its neighbours)
local function cross_section(la, kind)
  local group = { { code = la.code, name = la.name } }
  for _, n in ipairs(la.neighbours) do group[#group + 1] = n end
  local list, names = codes_list(group)
  return recipe({ type = kind,
    what = kind == "matching" and "Matched comparison: authorities in a programme against matched authorities."
      or "Inverse probability weighting: authorities in a programme against weighted authorities.",
    preamble = "-- The units here are authorities (one row each); with record-level data\n"
      .. "-- (one row per child) pass it with --data and set treat, covariates and outcomes.\n"
      .. string.format("local PROGRAMME = %s   -- TODO: the programme's authorities (placeholder: %s)\n", list, names)
      .. "-- The population file's authority rows, each year's estimate moved to the\n"
      .. "-- year it is the denominator of (mid-2017 for 2017/18, time_period 2018)\n"
      .. "local POPULATION = {\n"
      .. "  { filter = 'geographic_level == \"Local authority\"' },\n"
      .. "  { derive = \"rate_year\", as = \"time_period + 1\" },\n"
      .. "  { select = { \"rate_year\", \"old_la_code\", \"population_estimate\" } },\n"
      .. "}\n\n",
    title = "Referrals per 10,000 children in TODO: the programme's authorities against comparable authorities",
    question = "Did referral rates in 2024/25 differ between the programme's authorities and comparable "
      .. "authorities with similar rates before it began (2017/18)?",
    design = {
      "    -- One row per authority: the rate before (2017/18) and after (2024/25),\n"
        .. "    -- each referrals over the mid-year children aged 0-17 of the year before\n"
        .. "    -- (steps run in order: docs/recipes.md, \"Preparing the data\").\n",
      "    data = \"referrals\",\n",
      "    steps = {\n"
        .. "      { filter = 'geographic_level == \"Local authority\" and time_period == 2018' },\n"
        .. "      { join = \"population\", on = { \"old_la_code\", time_period = \"rate_year\" }, steps = POPULATION },\n"
        .. "      { derive = \"rate_2018\", as = \"referral_count / population_estimate * 10000\" },\n"
        .. "      { derive = \"children_k\", as = \"population_estimate / 1000\" },\n"
        .. "      { select = { \"old_la_code\", \"la_name\", \"rate_2018\", \"children_k\" } },\n"
        .. "      { join = \"referrals\", on = \"old_la_code\", how = \"inner\", steps = {\n"
        .. "        { filter = 'geographic_level == \"Local authority\" and time_period == 2025' },\n"
        .. "        { join = \"population\", on = { \"old_la_code\", time_period = \"rate_year\" }, steps = POPULATION },\n"
        .. "        { derive = \"rate_2025\", as = \"referral_count / population_estimate * 10000\" },\n"
        .. "        { select = { \"old_la_code\", \"rate_2025\" } },\n"
        .. "      } },\n"
        .. "      { filter = \"not is_missing(rate_2018) and not is_missing(rate_2025)\" },\n"
        .. "      { derive = \"programme\", as = \"old_la_code in {\" .. table.concat(PROGRAMME, \", \") .. \"}\" },\n"
        .. "    },\n",
      "    treat = \"programme\",\n",
      "    labels = { rate_2018 = \"Referrals per 10,000, 2017/18\", children_k = \"Children aged 0-17 (thousands)\" },\n",
      "    covariates = { \"rate_2018\", \"children_k\" },\n",
      kind == "matching" and "    distance = \"mahalanobis\",\n    ratio = 1,\n" or "    estimand = \"ATT\",\n",
      "    outcomes = {\n      { name = \"referral_rate\", column = \"rate_2025\", label = "
        .. "\"Referrals per 10,000 children, 2024/25\",\n        unit = \"referrals per 10,000 children\" },\n    },\n",
    },
    estimate = "referral_rate.effect",
    limitation = "what this comparison cannot show (few units, unmeasured differences)" })
end

local function custom_recipe(la)
  return recipe({ type = "custom",
    what = string.format("A custom analysis: %s's referral rate against England, year by year.", la.name),
    title = string.format("%s's referral rate against England", la.name),
    question = string.format("How far was %s's rate of referrals per 10,000 children from England's, each year?",
      la.name),
    design = {
      "    label = \"Difference from England, year by year\",\n",
      "    -- analyse(ctx) does the work: ctx.data.NAME is each input (a frame),\n"
        .. "    -- ctx:estimate{...} records a number, ctx:table(...) a table.\n",
      "    analyse = function(ctx)\n",
      "      local pop = ctx.data.population:mutate(\"rate_year\", \"time_period + 1\")\n"
        .. "        :select{ \"rate_year\", \"geographic_level\", \"old_la_code\", \"population_estimate\" }\n",
      "      local ref = ctx.data.referrals:join(pop, { \"geographic_level\", \"old_la_code\", time_period = "
        .. "\"rate_year\" }, \"left\")\n"
        .. "        :mutate(\"rate\", \"referral_count / population_estimate * 10000\")\n",
      string.format("      local la = ref:filter('old_la_code == %s'):sort(\"time_period\")\n", la.code),
      "      local england = ref:filter('geographic_level == \"National\"')\n",
      "      local eng = {}\n",
      "      for i, y in ipairs(england:column(\"time_period\")) do eng[y] = england:value(i, \"rate\") end\n",
      "      local rows = {}\n",
      "      for i, y in ipairs(la:column(\"time_period\")) do\n"
        .. "        local r, e = la:value(i, \"rate\"), eng[y]\n"
        .. "        if r ~= NA and e ~= nil and e ~= NA then\n"
        .. "          local label = string.format(\"%d/%02d\", y - 1, y % 100)\n"
        .. "          rows[#rows + 1] = { label, r, e, r - e }\n"
        .. "          ctx:estimate{ label = \"difference.\" .. y, value = r - e, unit = \"per 10,000\", detail = true }\n"
        .. "        end\n"
        .. "      end\n",
      "      ctx:table(\"by_year\", { columns = { \"year\", \"authority\", \"england\", \"difference\" }, rows = rows },\n"
        .. "        { caption = \"Referrals per 10,000 children\", digits = 1 })\n",
      "    end,\n",
    },
    estimate = "difference.2019", limitation = "what this analysis cannot show" })
end

-- --data FILE: the design's input is that file; its columns listed for the
-- analyst, the preparation left to them.
local function from_file(design, path)
  local hframe = require("host.frame")
  local problem = require("csc.files").problem(path)
  if problem then errors.raise("data", "new --data " .. path .. ": " .. problem) end
  local f, msg = hframe.read_csv(path, {})
  if not f then errors.raise("data", msg) end
  local cols = {}
  for _, c in ipairs(f:names()) do cols[#cols + 1] = string.format("--   %-28s %s", c, f:type(c)) end
  return cols, f
end

local makers = { its = its_recipe, cits = cits_recipe, did = did_recipe, benchmark = benchmark_recipe,
  matching = function(la) return cross_section(la, "matching") end,
  ipw = function(la) return cross_section(la, "ipw") end, custom = custom_recipe }

function M.text(design, o)
  local la = la_info(o)
  local text = makers[design](la)
  if o.datafile then
    local cols = from_file(design, o.datafile)
    text = text:gsub('path = "' .. REFERRALS:gsub("%p", "%%%0") .. '"',
      'path = "' .. o.datafile:gsub("%%", "%%%%") .. '",   -- TODO: check the columns below against this file')
    text = "-- Your file " .. o.datafile .. " is the referrals input; its columns:\n" .. table.concat(cols, "\n")
      .. "\n-- TODO: point the design at these columns: its steps (the filter that keeps the rows to\n"
      .. "-- analyse), rates, time, unit and outcomes; csceval check names the first column the file lacks.\n" .. text
  end
  return text
end

function M.main(o)
  local design = o.files[1]
  if design == nil or #o.files > 1 then
    errors.raise("usage", "new takes one design: csceval new its --la 831 (designs: "
      .. table.concat(M.designs, ", ") .. ")")
  end
  if not makers[design] then
    errors.raise("usage", string.format("new: unknown design %q%s (use %s)", design, util.hint(design, M.designs),
      table.concat(M.designs, ", ")))
  end
  -- --data FILE for new (not NAME=PATH)
  for _, d in ipairs(o.data) do o.datafile = d end
  local text = M.text(design, o)
  if o.out and o.out ~= "-" then
    if sys.kind(o.out) ~= nil then
      errors.raise("output", string.format("new: %s already exists; nothing was written (choose another --out, "
        .. "or move that file away)", o.out))
    end
    local ok, err = sys.write_atomic(o.out, text)
    if not ok then errors.raise("output", err) end
    sys.stderr(string.format("wrote %s; next: ./csceval check %s\n", o.out, o.out))
  else
    sys.stdout(text)
  end
  return 0
end

return M
