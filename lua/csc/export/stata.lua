--- Stata do-files from an export plan (csc.export): `csceval export --to stata`.
-- Each do-file reads the same inputs with `import delimited` (or `use`,
-- `import excel`), applies the cohort filter, and runs the design with
-- Stata's standard commands where the design maps to them: `regress`,
-- `newey`, `prais` and `itsa` (ssc) for its and cits; `regress, vce(cluster)`
-- and `xtreg, fe` for did; `teffects nnmatch` for matching; `logit` with
-- weights and `svy: regress` (and `teffects ipw`) for ipw; `egen`,
-- `collapse` and `egen rank` for benchmark.  Where csceval does something
-- Stata has no command for, the do-file says so in a comment and the export
-- prints a warning (plan.warn).  Every do-file ends by writing its key
-- results as name,value rows to <id>_results.csv beside itself, named as
-- csceval names its estimates in results.json (docs/export.md); a number is
-- written only where the do-file computes the same quantity as csceval.
--
-- Stata is not free software and is not on the build machine: csceval's
-- tests check these do-files for structure (inputs, covariates, commands
-- from an allow-list, golden files), never by running them.
-- @module csc.export.stata
local design = require("csc.export.design")
local text = require("csc.export.text")
local tokens = require("csc.export.expr").tokens
local M = {}

M.ext = "do"
M.designs = { its = true, cits = true, did = true, matching = true, ipw = true, benchmark = true }

-- ===== Stata literals and names =====

--- A Lua string as a Stata string literal: compound quotes when it holds a
-- double quote.
local function sstr(s)
  s = tostring(s):gsub("[\r\n]", " ")
  if s:find('"', 1, true) then return '`"' .. s .. '"\'' end
  return '"' .. s .. '"'
end

--- A Lua number as a Stata literal (up to 17 significant digits).
local function snum(v)
  if math.type(v) == "integer" then return string.format("%d", v) end
  if type(v) ~= "number" or v ~= v then return "." end
  for _, fmt in ipairs({ "%.15g", "%.16g", "%.17g" }) do
    local t = string.format(fmt, v)
    if tonumber(t) == v then return t end
  end
  return string.format("%.17g", v)
end

--- A value as a Stata literal: numbers as numbers, anything else as text.
local function sval(v)
  if type(v) == "number" then return snum(v) end
  return sstr(v)
end

-- Words Stata reserves: a column with one of these names gets a trailing _.
local RESERVED = {}
for w in ([[_all _b byte _coef _cons double float if in int long _n _N _pi _pred _rc _se _skip str
  strL using with]]):gmatch("%S+") do RESERVED[w] = true end

--- The Stata variable name the do-file gives a column: characters other
--- than letters, digits and _ become _, a leading digit gets a _ before it,
--- at most 32 characters; `used` (name -> true) keeps the names of one file
--- unique (SNP, SNP_2, ...).
function M.varname(col, used)
  local s = tostring(col):gsub("^\239\187\191", ""):gsub("[^%w_]", "_")
  if s == "" then s = "_v" end
  if s:match("^%d") then s = "_" .. s end
  if RESERVED[s] then s = s .. "_" end
  s = s:sub(1, 32)
  if used then
    local base, k = s, 1
    while used[s] do
      k = k + 1
      local sfx = "_" .. k
      s = base:sub(1, 32 - #sfx) .. sfx
    end
    used[s] = true
  end
  return s
end

--- A column of the design as the do-file's variable name.
local function var(map, col) return map[col] or M.varname(col) end

--- Columns of the design as the do-file's variable names.
local function vars(map, cols)
  local out = {}
  for i, c in ipairs(cols) do out[i] = var(map, c) end
  return out
end

local function comment(t, prefix) return text.comment(t, prefix or "*   ") end

-- ===== Expressions =====

local FUNCS = { if_else = "cond", is_missing = "missing", is_na = "missing", abs = "abs", log = "ln",
  exp = "exp", sqrt = "sqrt", floor = "floor", ceiling = "ceil", ceil = "ceil", min = "min", max = "max",
  round = "round" }

--- A csceval expression (docs/expressions.md) in Stata, or nil and what it
--- uses that is not translated.  Columns become the do-file's variable
--- names (`names`: column -> Stata name); `and`, `or`, `not` become &, |,
--- !; `x in {a, b}` becomes inlist(x, a, b); ~= becomes !=.  Stata treats a
--- missing number as larger than any number, while csceval's comparisons
--- with a missing value are false, so a comparison that involves a column
--- also requires the column to be present: `x > 5` is `(x > 5 & !missing(x))`.
function M.expr(expr, names)
  names = names or {}
  local toks, why = tokens(expr)
  if not toks then return nil, why end
  -- a recursive-descent translation: or > and > not > comparison > sum > product > power > unary
  local pos = 1
  local function peek() return toks[pos] end
  local function take() pos = pos + 1; return toks[pos - 1] end
  local function isop(t, v) return t and t.k == "op" and t.v == v end
  local function col_name(c) return names[c] or M.varname(c) end
  local orx
  local function primary()
    local t = take()
    if not t then error("an expression that ends too soon", 0) end
    if t.k == "num" then return t.v, false end
    if t.k == "pi" then return "_pi", false end
    if t.k == "str" then return sstr(t.v), false end
    if t.k == "true" then return "1", false end
    if t.k == "false" then return "0", false end
    if t.k == "col" then return col_name(t.v), true end
    if t.k == "fn" then
      local f = FUNCS[t.v]
      if not f then error("the function " .. t.v .. "()", 0) end
      if not isop(take(), "(") then error("a call without (", 0) end
      local args = {}
      if not isop(peek(), ")") then
        repeat
          args[#args + 1] = orx()
          local sep = take()
          if isop(sep, ")") then break end
          if not isop(sep, ",") then error("a call without )", 0) end
        until false
      else take() end
      return f .. "(" .. table.concat(args, ", ") .. ")", false
    end
    if isop(t, "(") then
      local e = orx()
      if not isop(take(), ")") then error("an unclosed (", 0) end
      return "(" .. e .. ")", false
    end
    if isop(t, "-") then local e = primary(); return "-" .. e, false end
    error("the symbol " .. tostring(t.v or t.k), 0)
  end
  local function power()
    local a, col = primary()
    while isop(peek(), "^") do take(); a = a .. "^" .. (primary()); col = false end
    return a, col
  end
  local function product()
    local a, col = power()
    while isop(peek(), "*") or isop(peek(), "/") do local o = take().v; a = a .. " " .. o .. " " .. (power()); col = false end
    return a, col
  end
  local function sum()
    local a, col = product()
    while isop(peek(), "+") or isop(peek(), "-") do local o = take().v; a = a .. " " .. o .. " " .. (product()); col = false end
    return a, col
  end
  local CMP = { ["=="] = true, ["!="] = true, ["<"] = true, ["<="] = true, [">"] = true, [">="] = true }
  local function comparison()
    local a, acol = sum()
    local t = peek()
    if t and t.k == "op" and CMP[t.v] then
      take()
      local b, bcol = sum()
      local e = a .. " " .. t.v .. " " .. b
      local guard = {}
      if acol then guard[#guard + 1] = "!missing(" .. a .. ")" end
      if bcol then guard[#guard + 1] = "!missing(" .. b .. ")" end
      if #guard > 0 then e = "(" .. e .. " & " .. table.concat(guard, " & ") .. ")" end
      return e
    end
    if t and t.k == "in" then
      take()
      if not isop(take(), "{") then error("in without a {...} list", 0) end
      local items = {}
      if not isop(peek(), "}") then
        repeat
          items[#items + 1] = (sum())
          local sep = take()
          if isop(sep, "}") then break end
          if not isop(sep, ",") then error("an unclosed in {...} list", 0) end
        until false
      else take() end
      local e = "inlist(" .. a .. ", " .. table.concat(items, ", ") .. ")"
      if acol then e = "(" .. e .. " & !missing(" .. a .. "))" end
      return e
    end
    return a
  end
  local function notx()
    if peek() and peek().k == "not" then take(); return "!(" .. notx() .. ")" end
    return comparison()
  end
  local function andx()
    local a = notx()
    while peek() and peek().k == "and" do take(); a = a .. " & " .. notx() end
    return a
  end
  orx = function()
    local a = andx()
    while peek() and peek().k == "or" do take(); a = a .. " | " .. andx() end
    return a
  end
  local ok, res = pcall(function()
    local e = orx()
    if pos <= #toks then error("the symbol " .. tostring(toks[pos].v or toks[pos].k), 0) end
    return e
  end)
  if not ok then return nil, tostring(res) end
  return res
end

-- ===== The parts every do-file shares =====

local function header(plan)
  local h = {}
  local function add(s) h[#h + 1] = s end
  add("* " .. plan.id .. ".do: " .. (plan.title or plan.id))
  add("*")
  add("* Written by `csceval export --to stata " .. plan.recipe .. "` (csceval " .. M.version() .. ") from")
  add("* the recipe " .. plan.recipe .. " (design \"" .. plan.type .. "\"). It loads the same inputs and runs the")
  add("* same analysis with Stata's standard commands, so that the evaluation can be rerun and checked")
  add("* in Stata (16 or later). Run it from the folder csceval was run in (the project root):")
  local script = plan.script_path or ("out/export/" .. plan.id .. ".do")
  local dir = script:match("^(.*)/[^/]*$") or "."
  add("*   do " .. script)
  add("* It writes its key results, one name,value row each, to " .. plan.results_file .. " beside")
  add("* itself, named as csceval names its estimates in results.json (`csceval run`).")
  add("* csceval's tests check this do-file's structure only; they do not run it (Stata is not on")
  add("* the build machine), so its numbers have not been compared with csceval's: see docs/export.md.")
  for _, line in ipairs(text.notes(plan, "* ", { synthetic = plan.synthetic_kind == "benchmark" and {
      "by the recipe's committed generator as a benchmark extract, written beside this do-file. The",
      "effects in them were built in by the generator, so recovering them is not a finding. With the",
      "real file, change its path below." } or {
      "by the recipe's committed generator, written beside this do-file. Agreement with the published",
      "figures on them is by construction, not a finding. With the real file, change its path below." },
    differences = "Differences from csceval's own run (what this do-file does not reproduce):" })) do
    add(line)
  end
  add("")
  add("version 16")
  add("clear all")
  add("set more off")
  add("")
  add("* The folder of this do-file, where synthetic and prepared data are read and the results")
  add("* written: $CSC_DIR when set (a do-file moved elsewhere), else " .. dir .. " when the do-file")
  add("* is there, else the current folder.")
  add("local dofile_dir `\"$CSC_DIR\"'")
  add("if `\"`dofile_dir'\"' == \"\" {")
  add("    local dofile_dir " .. sstr(dir))
  add("    capture confirm file `\"`dofile_dir'/" .. plan.id .. ".do\"'")
  add("    if _rc local dofile_dir `\"`c(pwd)'\"'")
  add("}")
  add("")
  add("* Key results, one name,value row each, written as they are computed.")
  add("capture file close csc_out")
  add("file open csc_out using `\"`dofile_dir'/" .. plan.results_file .. "\"', write text replace")
  add("file write csc_out \"name,value\" _n")
  add("capture program drop csc_put")
  add("program define csc_put")
  add("    * csc_put NAME EXPRESSION: one row, the value at full precision (NA when missing)")
  add("    gettoken name 0 : 0")
  add("    tempname v")
  add("    scalar `v' = `0'")
  add("    if missing(`v') file write csc_out \"`name',NA\" _n")
  add("    else file write csc_out \"`name',\" (strtrim(strofreal(`v', \"%21.0g\"))) _n")
  add("end")
  add("capture program drop csc_est")
  add("program define csc_est")
  add("    * csc_est NAME DF [EST SE]: the last lincom's estimate (or EST with standard error SE)")
  add("    * with its standard error, p-value and confidence interval (t on DF degrees of freedom,")
  add("    * or the normal law when DF is .)")
  add("    args name df b0 s0")
  add("    tempname b s p q")
  add("    if `\"`b0'\"' == \"\" {")
  add("        scalar `b' = r(estimate)")
  add("        scalar `s' = r(se)")
  add("    }")
  add("    else {")
  add("        scalar `b' = `b0'")
  add("        scalar `s' = `s0'")
  add("    }")
  add("    if `df' >= . {")
  add("        scalar `p' = 2 * normal(-abs(`b' / `s'))")
  add("        scalar `q' = invnormal(1 - (1 - $CSC_LEVEL) / 2)")
  add("    }")
  add("    else {")
  add("        scalar `p' = 2 * ttail(`df', abs(`b' / `s'))")
  add("        scalar `q' = invttail(`df', (1 - $CSC_LEVEL) / 2)")
  add("    }")
  add("    csc_put `name' `b'")
  add("    csc_put `name':se `s'")
  add("    csc_put `name':p `p'")
  add("    csc_put `name':ci_low `b' - `q' * `s'")
  add("    csc_put `name':ci_high `b' + `q' * `s'")
  add("end")
  add(string.format("global CSC_ALPHA %s", snum(plan.options.alpha)))
  add(string.format("global CSC_LEVEL %s", snum(plan.options.level)))
  return table.concat(h, "\n")
end

local function footer(plan)
  return table.concat({
    "",
    "* ---- The results file ----------------------------------------------------------",
    "file close csc_out",
    "display as text \"" .. plan.id .. ": results written to `dofile_dir'/" .. plan.results_file .. "\"",
    "",
  }, "\n")
end

--- The Stata names of one input's (or frame's) columns: column -> name, in order.
local function names_of(columns)
  local used, map, list = {}, {}, {}
  for j, c in ipairs(columns or {}) do
    local s = M.varname(c, used)
    map[c], list[j] = s, s
  end
  return map, list
end

--- Stata lines that read a CSV (or another format) into memory with the
--- do-file's names for its columns; numbers keep DfE's symbols as missing.
local function reader(plan, add, e, path_expr)
  local fmt = e.file and "csv" or (e.format or "csv")
  local map, list = names_of(e.columns)
  if fmt == "csv" then
    -- no header: the first row is skipped and each column named here, so the
    -- names do not depend on how import delimited would rename the header
    add(string.format("import delimited using %s, clear varnames(nonames) rowrange(2) encoding(\"utf-8\") "
      .. "bindquote(strict) stringcols(_all)", path_expr))
    local renames = {}
    for j, s in ipairs(list) do renames[#renames + 1] = string.format("v%d %s", j, s) end
    if #list > 0 then
      add("* the columns, in file order (csceval's names in the variable labels)")
      add("rename (" .. table.concat((function() local t = {} for j = 1, #list do t[j] = "v" .. j end return t end)(), " ")
        .. ") (" .. table.concat(list, " ") .. ")")
    end
    for _, c in ipairs(e.columns or {}) do
      add(string.format("label variable %s %s", map[c], sstr(c)))
    end
    local nums = {}
    for _, c in ipairs(e.columns or {}) do
      local t = e.types and e.types[c]
      if t == "int64" or t == "float64" or t == "bool" then nums[#nums + 1] = map[c] end
    end
    if #nums > 0 then
      add("* numbers: empty cells and DfE's symbols (c, x, z, k, u, low, :) become missing, as csceval reads them")
      add("destring " .. table.concat(nums, " ") .. ", replace force")
    end
    for _, c in ipairs(e.columns or {}) do
      if e.types and e.types[c] == "date" then
        add(string.format("generate double %s_d = date(%s, \"YMD\")", map[c]:sub(1, 30), map[c]))
        add(string.format("format %s_d %%td", map[c]:sub(1, 30)))
        add(string.format("drop %s", map[c]))
        add(string.format("rename %s_d %s", map[c]:sub(1, 30), map[c]))
      end
    end
  elseif fmt == "dta" then
    add(string.format("use %s, clear", path_expr))
  elseif fmt == "xlsx" then
    add(string.format("import excel using %s, clear firstrow%s", path_expr,
      e.sheet and (" sheet(" .. sstr(e.sheet) .. ")") or ""))
  else
    plan.warn(string.format("input %s is a .%s file, which Stata reads with import %s or after conversion; "
      .. "convert it to CSV and change the path in the do-file", e.name, fmt, fmt == "sav" and "spss" or fmt))
    add(string.format("* convert %s to CSV, then read it with import delimited", e.path))
    add("exit 601")
  end
  return map
end

--- Read every input the design uses and the analysis frame; returns the
--- frame's column -> Stata name map (nil without a frame).
local function load_data(plan, add, used_inputs)
  add("")
  add("* ---- Inputs --------------------------------------------------------------------")
  local fr = plan.frame
  local maps = {}
  for _, e in ipairs(plan.inputs) do
    if not e.missing and e.columns then
      local what = e.synthetic and (" (SYNTHETIC, copied beside this do-file as " .. e.file .. ")")
        or (e.replaced and " (given with --data)" or "")
      add(string.format("* %s: %s, %d rows, %d columns%s", e.name, e.path, e.rows or 0, #e.columns, what))
      local used = (used_inputs and used_inputs[e.name]) or (fr and not fr.prepared and fr.input == e.name)
      if used then
        local path = e.file and ("`\"`dofile_dir'/" .. e.file .. "\"'") or sstr(e.path)
        maps[e.name] = reader(plan, add, e, path)
        add("tempfile input_" .. M.varname(e.name))
        add("save `input_" .. M.varname(e.name) .. "'")
      else
        add("*   read by the recipe's data preparation (below), not by this do-file")
      end
    end
  end
  if not fr then return nil, maps end
  add("")
  add("* ---- The data the design analyses ---------------------------------------------")
  local map
  if fr.prepared then
    for _, line in ipairs(text.preparation(plan, "* ", "do-file", "*   ")) do add(line) end
    add(string.format("* %d rows: %s", fr.rows or 0, table.concat(fr.columns or {}, ", ")))
    map = reader(plan, add, { file = fr.file, name = "prepared", columns = fr.columns, types = fr.types },
      "`\"`dofile_dir'/" .. fr.file .. "\"'")
  else
    add("use `input_" .. M.varname(fr.input) .. "', clear")
    map = maps[fr.input]
  end
  if plan.cohort then
    add("* The cohort: the design's where = " .. plan.cohort.where)
    local sx, why = M.expr(plan.cohort.where, map)
    if sx then
      add("keep if " .. sx)
    else
      plan.warn("the design's where filter (" .. plan.cohort.where .. ") uses " .. tostring(why)
        .. ", which the export does not translate; apply it by hand")
      add("* NOT APPLIED: the filter uses " .. tostring(why) .. "; apply it by hand")
    end
  end
  add("count")
  add("display as text \"analysis data: \" r(N) \" rows\"")
  add("tempfile analysis")
  add("save `analysis'")
  return map, maps
end

-- ===== Time axes (its, cits, did) =====

--- The axis of a design as Stata code: a numeric time variable `_tm` built
--- from the time column (monthly dates count months: ym(); quarterly dates
--- quarters: yq(); numbers as they are), and a function giving a recipe's
--- time value on that axis.  Returns lines-adder and the value function.
local function axis(d, map, add)
  local tv = var(map, d.time)
  local freq = d.frequency
  add(string.format("* The time axis (as csceval's): %s as a number; dates count %s", d.time,
    freq == "quarter" and "quarters" or (freq == "year" and "years" or "months")))
  add("capture confirm numeric variable " .. tv)
  add("if _rc {")
  if freq == "quarter" then
    add(string.format("    generate double _tm = yq(real(substr(%s, 1, 4)), ceil(real(substr(%s, 6, 2)) / 3))", tv, tv))
  elseif freq == "year" then
    add(string.format("    generate double _tm = real(substr(%s, 1, 4))", tv))
  else
    add(string.format("    generate double _tm = ym(real(substr(%s, 1, 4)), real(substr(%s, 6, 2)))", tv, tv))
  end
  add("}")
  add(string.format("else generate double _tm = %s", tv))
  local function at(v)
    if type(v) == "string" then
      local y, m = v:match("^(%d%d%d%d)%-(%d%d)")
      if y then
        if freq == "quarter" then return string.format("yq(%s, %d)", y, math.ceil(tonumber(m) / 3)) end
        if freq == "year" then return y end
        return string.format("ym(%s, %d)", y, tonumber(m))
      end
      local yr = require("csc.years").read(v)
      if yr then return snum(yr) end
      return sstr(v)
    end
    return snum(v)
  end
  return at
end

--- Lines keeping the design's sample: from, to, exclude (times on the axis).
local function sample(d, at, add)
  if d.from ~= nil then add(string.format("drop if _tm < %s", at(d.from))) end
  if d.to ~= nil then add(string.format("drop if _tm > %s", at(d.to))) end
  for _, e in ipairs(d.exclude or {}) do
    if type(e) == "table" then
      add(string.format("drop if _tm >= %s & _tm <= %s   // excluded", at(e.from), at(e.to)))
    else
      add(string.format("drop if _tm == %s   // excluded (transition period)", at(e)))
    end
  end
end

--- Numbers (codes) as Stata literals.
local function snums(list)
  local t = {}
  for i, c in ipairs(list) do t[i] = snum(c) end
  return t
end

--- design.covariates as variable names; a formula is not exported (the
--- warning says what the do-file does instead).
local function covariate_vars(plan, d, map, warning)
  local covs = {}
  if type(d.covariates) == "table" then
    covs = vars(map, d.covariates)
  elseif d.covariates ~= nil then
    plan.warn(warning)
  end
  return covs
end

--- The heading of an outcome's block, and its data: the file saved before
--- the outcomes (`file`), reloaded.
local function outcome_start(add, o, file)
  add("")
  add(string.format("* ---- Outcome %s: %s", o.name, o.label or o.column))
  add("use `" .. file .. "', clear")
end

--- itsa's own fit of the same model, run when itsa is installed (ssc install
--- itsa) on a copy of the data: `tsset` and `itsa` are its two commands.
local function itsa_check(add, tsset, itsa)
  add("capture which itsa")
  add("if !_rc {")
  add("    preserve")
  add("    " .. tsset)
  add("    " .. itsa)
  add("    restore")
  add("}")
end

-- ===== Designs =====

local designs = {}

-- ----- its -----

-- The guided autocorrelation workflow, as csceval's (docs/methods/its.md):
-- after OLS, Durbin-Watson, Breusch-Godfrey of orders 1..L, Ljung-Box up
-- to L, ACF and the PACF; the PACF is Durbin-Levinson's, from the ACF (as
-- R's pacf and csceval; corrgram's PAC is regression-based).
local ITS_PROGRAM = [==[
capture program drop csc_autocorr
program define csc_autocorr, rclass
    * csc_autocorr RESIDUAL MAXLAG: csceval's rule for the standard errors after OLS.
    * Returns r(found) (autocorrelation found), r(lstar) (the lag for Newey-West) and
    * r(ar1) (a single PACF spike at lag 1: Prais-Winsten).
    args e L
    quietly estat bgodfrey, lags(`=cond(`L' == 1, "1", "1 `L'")')
    tempname P
    matrix `P' = r(p)
    local p1 = `P'[1, 1]
    local pL = `P'[1, colsof(`P')]
    quietly wntestq `e', lags(`L')
    local plb = r(p)
    local found = (`p1' < $CSC_ALPHA) | (`pL' < $CSC_ALPHA) | (`plb' < $CSC_ALPHA)
    quietly count if !missing(`e')
    local n = r(N)
    quietly corrgram `e', lags(`L') noplot
    local band = invnormal(0.975) / sqrt(`n')
    * Durbin-Levinson: phi(l,l) from the autocorrelations r(ac1)..r(acL)
    tempname ac phi prev
    matrix `ac' = J(1, `L', 0)
    forvalues l = 1/`L' {
        matrix `ac'[1, `l'] = r(ac`l')
    }
    matrix `phi' = J(`L', `L', 0)
    local lstar = 0
    forvalues l = 1/`L' {
        if `l' == 1 matrix `phi'[1, 1] = `ac'[1, 1]
        else {
            local num = `ac'[1, `l']
            local den = 1
            forvalues j = 1/`=`l' - 1' {
                local num = `num' - `phi'[`l' - 1, `j'] * `ac'[1, `l' - `j']
                local den = `den' - `phi'[`l' - 1, `j'] * `ac'[1, `j']
            }
            matrix `phi'[`l', `l'] = `num' / `den'
            forvalues j = 1/`=`l' - 1' {
                matrix `phi'[`l', `j'] = `phi'[`l' - 1, `j'] - `phi'[`l', `l'] * `phi'[`l' - 1, `l' - `j']
            }
        }
        if abs(`phi'[`l', `l']) > `band' local lstar = `l'
    }
    local ar1 = abs(`phi'[1, 1]) > `band' & `lstar' == 1
    if `found' & `lstar' == 0 local lstar = 1
    if !`found' local lstar = 0
    local cap = max(1, floor(4 * (`n' / 100)^(2 / 9)))
    if `lstar' > `cap' local lstar = `cap'
    display as text "  Breusch-Godfrey(1) p = " %5.3f `p1' ", (`L') p = " %5.3f `pL' "; Ljung-Box(`L') p = " %5.3f `plb'
    return scalar found = `found'
    return scalar lstar = `lstar'
    return scalar ar1 = `ar1'
end
]==]

designs.its = function(plan, add, map)
  local d = plan.design
  local covs = covariate_vars(plan, d, map, "design.covariates written as a formula is not exported: the do-file "
    .. "fits the segmented regression without them (list the columns instead)")
  add("")
  add("* ---- Segmented regression (itsa's model) with csceval's autocorrelation workflow --")
  add(ITS_PROGRAM)
  local at = axis(d, map, add)
  add("sort _tm")
  sample(d, at, add)
  add("quietly summarize _tm")
  add("local first = r(min)")
  local step = d.frequency == "year" and 1 or nil
  if type(d.frequency) == "number" then step = d.frequency end
  if step then add(string.format("local step = %s", snum(step)))
  else
    add("* the axis step: the smallest gap between times")
    add("generate double _gap = _tm[_n + 1] - _tm if _tm[_n + 1] > _tm")
    add("quietly summarize _gap")
    add("local step = cond(r(N) > 0, r(min), 1)")
    add("drop _gap")
  end
  add("generate double _t = (_tm - `first') / `step'   // itsa's _t: periods since the first (0, 1, 2, ...)")
  local brks = design.breaks(d)
  local xs = { "_t" }
  for j, b in ipairs(brks) do
    local sfx = #brks == 1 and "" or ("_" .. j)
    add(string.format("local T%d = (%s - `first') / `step'   // interruption %d on the t scale", j, at(b.at), j))
    if b.level then
      add(string.format("generate byte _x%s = _t >= `T%d' - 1e-9   // step: 1 from the interruption on", sfx, j))
      xs[#xs + 1] = "_x" .. sfx
    end
    if b.slope then
      add(string.format("generate double _x_t%s = (_t >= `T%d' - 1e-9) * (_t - `T%d')   // ramp: 0 at the interruption", sfx, j, j))
      xs[#xs + 1] = "_x_t" .. sfx
    end
  end
  for j, t in ipairs(design.list(d.definition_change)) do
    add(string.format("generate byte _def_%d = _tm >= %s   // change of definition", j, at(t)))
    xs[#xs + 1] = "_def_" .. j
  end
  local cap = d.frequency == "quarter" and 4 or (d.frequency == "year" and 3 or nil)
  add(string.format("local cap = %s", cap and tostring(cap) or
    ("cond(substr(\"`: type " .. (map[d.time] or d.time) .. "'\", 1, 3) == \"str\", 12, 3)")))
  add("tempfile series")
  add("save `series'")
  for _, o in ipairs(plan.outcomes or {}) do
    local N = o.name
    local y = var(map, o.column)
    local ac = o.autocorrelation or d.autocorrelation or "auto"
    local method, lag = type(ac) == "table" and ac.method or ac, type(ac) == "table" and ac.lag or nil
    local s = o.season or d.season
    local ox = { table.unpack(xs) }
    for _, c in ipairs(covs) do ox[#ox + 1] = c end
    outcome_start(add, o, "series")
    add(string.format("drop if missing(%s)", table.concat({ y, table.unpack(covs) }, ", ")))
    if #covs > 0 then
      add("* the adjustment set (design.covariates) enters the model; the counterfactual keeps their observed values")
    end
    if type(s) == "table" then
      if s.type == "harmonics" then
        plan.warn("season harmonics are not exported; the do-file uses month dummies")
      end
      add("generate byte _season = cond(_tm > 3000, month(dofm(_tm)), _tm)   // the calendar month (dates) or the time")
      ox[#ox + 1] = "i._season"
    end
    add("* the rows in time order, counted without gaps: Newey-West and Prais-Winsten treat")
    add("* the remaining rows as consecutive (Stata's force), as csceval does")
    add("sort _tm")
    add("generate long _row = _n")
    add("tsset _row")
    local X = table.concat(ox, " ")
    if (o.family or "gaussian") == "poisson" then
      local disp = o.dispersion or "pearson"
      add(string.format("glm %s %s, family(poisson) link(log)%s%s   // %s", y, X,
        o.exposure and (" exposure(" .. var(map, o.exposure) .. ")") or "",
        disp == "pearson" and " scale(x2)" or "",
        disp == "pearson" and "quasi-Poisson: the Pearson dispersion, as R's quasipoisson" or "Poisson, dispersion 1"))
      add(string.format("local df = %s", (disp == "pearson" and d.inference ~= "z") and "e(df)" or "."))
    else
      add(string.format("regress %s %s", y, X))
      add("local n = e(N)")
      add("local k = e(df_m) + 1")
      add("estat dwatson")
      add("local dw = r(dw)")
      add("predict double _e, residuals")
      add(d.max_lag and string.format("local L = %d", d.max_lag) or "local L = max(1, min(`cap', floor(`n' / 4), `n' - `k' - 2))")
      add("csc_autocorr _e `L'")
      if method == "auto" then
        add("local method = cond(!r(found), \"ols\", cond(r(ar1) & r(lstar) <= 1, \"prais\", \"newey\"))")
        add("local lag = max(r(lstar), 1)")
      elseif method == "none" then
        add("local method \"ols\"")
      elseif method == "newey" then
        add("local method \"newey\"")
        add(lag and string.format("local lag = %d", lag) or "local lag = max(r(lstar), 1)")
      else
        add(string.format("local method %s", sstr(method)))
      end
      add("display as text \"  Durbin-Watson d = \" %6.3f `dw' \" -> `method'\"")
      add("if \"`method'\" == \"newey\" {")
      add(string.format("    newey %s %s, lag(`lag') force   // Bartlett weights, n/(n-k): csceval's Newey-West", y, X))
      add("}")
      add("else if \"`method'\" == \"prais\" | \"`method'\" == \"corc\" {")
      add(string.format("    prais %s %s, rhotype(regress)`=cond(\"`method'\" == \"corc\", \" corc\", \"\")'", y, X))
      add(string.format("    csc_put %s e(rho)", N .. ".rho"))
      add("}")
      add("else {")
      add(string.format("    regress %s %s", y, X))
      add("}")
      add(string.format("local df = %s", d.inference == "z" and "." or "e(df_r)"))
    end
    for j, b in ipairs(brks) do
      local sfx = #brks == 1 and "" or ("_" .. j)
      for _, k in ipairs({ "level", "slope" }) do
        if b[k] then
          local term = k == "level" and ("_x" .. sfx) or ("_x_t" .. sfx)
          add(string.format("lincom %s", term))
          if j == 1 then add(string.format("csc_est %s `df'", N .. "." .. k .. "_change")) end
          add(string.format("csc_est %s `df'", N .. "." .. k .. "_change_" .. j))
        end
      end
    end
    add("* slopes before the first and after the last interruption (itsa's posttrend)")
    add("lincom _t")
    add(string.format("csc_est %s `df'", N .. ".pre_slope"))
    local post = { "_t" }
    for j, b in ipairs(brks) do if b.slope then post[#post + 1] = "_x_t" .. (#brks == 1 and "" or ("_" .. j)) end end
    add("lincom " .. table.concat(post, " + "))
    add(string.format("csc_est %s `df'", N .. ".post_slope"))
    if (o.family or "gaussian") ~= "poisson" then
      add("* the effect at the last period: fitted minus the projected pre-interruption line")
      local terms = {}
      for j, b in ipairs(brks) do
        local sfx = #brks == 1 and "" or ("_" .. j)
        if b.level then terms[#terms + 1] = string.format("_x%s[_N] * _b[_x%s]", sfx, sfx) end
        if b.slope then terms[#terms + 1] = string.format("_x_t%s[_N] * _b[_x_t%s]", sfx, sfx) end
      end
      local lc = {}
      for j, b in ipairs(brks) do
        local sfx = #brks == 1 and "" or ("_" .. j)
        if b.level then lc[#lc + 1] = string.format("`=_x%s[_N]' * _x%s", sfx, sfx) end
        if b.slope then lc[#lc + 1] = string.format("`=_x_t%s[_N]' * _x_t%s", sfx, sfx) end
      end
      add("lincom " .. table.concat(lc, " + "))
      add(string.format("csc_est %s `df'", N .. ".effect_end"))
      add(string.format("csc_put %s `dw'", N .. ".durbin_watson"))
    end
    add(string.format("quietly summarize %s if _tm < %s", y, at(brks[1].at)))
    add(string.format("csc_put %s r(mean)", N .. ".mean_pre"))
    add("* The same model with itsa (ssc install itsa), which builds _t, _x and _x_t itself;")
    add("* itsa fits Newey-West errors (lag(0) is robust, not OLS) or, with prais, Prais-Winsten.")
    itsa_check(add, "tsset _tm", string.format("itsa %s, single trperiod(`=%s') "
      .. "lag(`=cond(\"`method'\" == \"newey\", `lag', 0)') posttrend replace", y, at(brks[1].at)))
  end
end

-- ----- cits -----

designs.cits = function(plan, add, map)
  local d = plan.design
  local unit = var(map, d.unit)
  local sel = d.select
  if d.covariates ~= nil then
    plan.warn("design.covariates (an adjustment set) is not exported: the do-file fits the comparative "
      .. "ITS without it")
  end
  if d.combine and d.combine ~= "pool" then
    plan.warn(string.format("combine = %q (the comparators' %s mean per period) is not exported: the do-file "
      .. "pools every comparator's series, as itsa does", d.combine, d.combine == "weighted" and "weighted" or "unweighted"))
  end
  if d.placebo then
    plan.warn("the placebo-in-space ranking is not exported (loop the do-file's model over the units to rerun it)")
  end
  if d.did then
    plan.warn("the difference-in-differences sensitivity run (design.did) is not exported: export a did design "
      .. "for it")
  end
  add("")
  add("* ---- Comparative interrupted time series (itsa's model) ------------------------")
  local at = axis(d, map, add)
  sample(d, at, add)
  local step = (type(d.frequency) == "number" and d.frequency) or 1
  add("quietly summarize _tm")
  add("local first = r(min)")
  add(string.format("local step = %s", snum(step)))
  add("generate double _t = (_tm - `first') / `step'   // itsa's _t")
  local brks = design.breaks(d)
  add(string.format("local T = (%s - `first') / `step'   // the interruption on the t scale", at(brks[1].at)))
  if #brks > 1 then
    plan.warn("a second interruption is not exported: the do-file models the first only")
  end
  add("generate byte _x = _t >= `T' - 1e-9")
  add("generate double _x_t = _x * (_t - `T')")
  local extra = {}
  for j, t in ipairs(design.list(d.definition_change)) do
    add(string.format("generate byte _def_%d = _tm >= %s   // change of definition, shared by every series", j, at(t)))
    extra[#extra + 1] = "_def_" .. j
  end
  add("tempfile panel")
  add("save `panel'")
  local lag0 = d.lag or 0
  for _, o in ipairs(plan.outcomes or {}) do
    local N = o.name
    local y = var(map, o.column)
    local comps = o.comparators or d.comparators
    local lag = o.lag or lag0
    outcome_start(add, o, "panel")
    add(string.format("drop if missing(%s)", y))
    if comps then
      add(string.format("local comparators %s", table.concat(snums(comps), " ")))
      if sel and not sel.report_only then
        add("* the recipe names the comparators; its selection rule (design.select) is shown for reference only")
      end
    elseif sel then
      local method = sel.method or "both"
      add("* Comparators chosen as csceval's select does (docs/methods/its.md, as itsamatch): for each")
      add("* candidate, the pre-period two-series regression y = b0 + b1 _t + b2 _z + b3 _z_t with")
      add("* Newey-West errors; itsamatch keeps a candidate when every p-value exceeds the threshold;")
      add("* the distance d = sqrt((b2 + b3 tbar)^2 + (b3 span)^2) ranks them.")
      if sel.covariates then
        plan.warn("select.covariates (itsamatch on covariates too) is not exported: candidates are compared on "
          .. "the outcome only")
      end
      local pool = {}
      if sel.neighbours then
        if type(sel.neighbours) == "table" and sel.neighbours.input then
          pool[#pool + 1] = "neighbours"
          plan.uses_neighbours = sel.neighbours
        elseif type(sel.neighbours) == "table" then
          add("local pool " .. table.concat(snums(sel.neighbours), " "))
        end
      end
      if sel.region then
        plan.warn("select.region (candidates from regions) is not exported: the candidates are the statistical "
          .. "neighbours or every unit")
      end
      if plan.uses_neighbours then
        local nb = plan.uses_neighbours
        add("* the candidates: the treated unit's statistical neighbours")
        add("preserve")
        add("use `input_" .. M.varname(nb.input) .. "', clear")
        local nmap = plan.input_maps[nb.input] or {}
        local code = var(nmap, nb.code_column or "LA num")
        add(string.format("keep if %s == %s", code, snum(d.treated)))
        local sns = {}
        for k = 1, 10 do sns[#sns + 1] = (nmap["SN" .. k] or ("SN" .. k)) end
        add("local pool")
        add("foreach v in " .. table.concat(sns, " ") .. " {")
        add("    local pool `pool' `=`v'[1]'")
        add("}")
        add("restore")
      elseif not sel.neighbours then
        add("levelsof " .. unit .. " if " .. unit .. " != " .. snum(d.treated) .. ", local(pool)")
      end
      for _, x in ipairs(sel.exclude or {}) do add("local pool : list pool - " .. snum(x) .. "   // never a comparator") end
      add("tempname cand")
      add("matrix `cand' = J(1, 5, .)")
      add("foreach c of local pool {")
      add("    preserve")
      add(string.format("    keep if (%s == %s | %s == `c') & _t < `T' - 1e-9", unit, snum(d.treated), unit))
      add(string.format("    quietly count if %s == `c'", unit))
      add("    if r(N) >= 3 {")
      add(string.format("        generate byte _z = %s == %s", unit, snum(d.treated)))
      add("        generate double _z_t = _z * _t")
      add(string.format("        bysort %s (_t): generate long _row = _n", unit))
      add(string.format("        tsset %s _row", unit))
      add(string.format("        quietly newey %s _t _z _z_t, lag(%d) force", y, sel.lag or lag))
      add("        quietly summarize _t if _z")
      add("        local tbar = r(mean)")
      add("        local span = r(max) - r(min)")
      add("        local pl = 2 * ttail(e(df_r), abs(_b[_z] / _se[_z]))")
      add("        local pt = 2 * ttail(e(df_r), abs(_b[_z_t] / _se[_z_t]))")
      add("        local dist = sqrt((_b[_z] + _b[_z_t] * `tbar')^2 + (_b[_z_t] * `span')^2)")
      add("        matrix `cand' = `cand' \\ (`c', `pl', `pt', `dist', .)")
      add("    }")
      add("    restore")
      add("}")
      add("preserve")
      add("clear")
      add("svmat double `cand', names(_c)")
      add("drop if missing(_c1)")
      add("rename (_c1 _c2 _c3 _c4) (code level_p trend_p distance)")
      add(string.format("generate byte passes = level_p > %s & trend_p > %s", snum(sel.threshold or 0.05),
        snum(sel.threshold or 0.05)))
      add("sort distance code")
      add("list code level_p trend_p distance passes, noobs")
      if method == "itsamatch" then add("keep if passes")
      elseif method == "both" then add("keep if passes") end
      if sel.n and method ~= "itsamatch" then add(string.format("keep in 1/`=min(_N, %d)'", sel.n)) end
      add("levelsof code, local(comparators)")
      add("restore")
      add("* itsamatch (ssc install itsamatch) applies the p-value rule itself:")
      add(string.format("* itsamatch %s, treatid(%s) trperiod(`=%s') pr(%s) lag(%d)", y, snum(d.treated), at(brks[1].at),
        snum(sel.threshold or 0.05), sel.lag or lag))
    else
      add(string.format("levelsof %s if %s != %s, local(comparators)   // every other unit", unit, unit, snum(d.treated)))
    end
    add(string.format("keep if %s == %s | inlist(%s, `=subinstr(\"`comparators'\", \" \", \",\", .)')", unit,
      snum(d.treated), unit))
    add(string.format("generate byte _z = %s == %s   // the treated unit", unit, snum(d.treated)))
    add("generate double _z_t = _z * _t")
    add("generate byte _z_x = _z * _x")
    add("generate double _z_x_t = _z * _x_t")
    add("* Newey-West within each series, lags counted in rows (Stata's force; csceval's hac = \"rows\")")
    add(string.format("bysort %s (_tm): generate long _row = _n", unit))
    add(string.format("tsset %s _row", unit))
    add("* a single observed post period of the treated unit has no slope: only the change in level (as csceval)")
    add("quietly count if _z & _x")
    add("local slope = r(N) > 1")
    add("local X \"_t _z _z_t _x _z_x" .. (#extra > 0 and (" " .. table.concat(extra, " ")) or "") .. "\"")
    add("if `slope' local X \"`X' _x_t _z_x_t\"")
    local X = "`X'"
    add(string.format("newey %s %s, lag(%d) force", y, X, lag))
    add(string.format("local df = %s", d.inference == "z" and "." or "e(df_r)"))
    local te = o.effect_at or d.effect_at
    if te ~= nil then add(string.format("local te = (%s - `first') / `step'   // the impact's period", at(te)))
    else
      add("quietly summarize _t")
      add("local te = r(max)   // the impact's period: the last in the sample")
    end
    add("local ramp")
    add("local tramp")
    add("local cramp")
    add("if `slope' {")
    add("    local ramp \"+ (`te' - `T') * _z_x_t\"")
    add("    local tramp \"+ (`te' - `T') * (_x_t + _z_x_t)\"")
    add("    local cramp \"+ (`te' - `T') * _x_t\"")
    add("}")
    add("lincom _z_x `ramp'   // the impact: the treated unit's departure beyond the comparators'")
    add(string.format("csc_est %s `df'", N .. ".impact"))
    add("lincom _z_x")
    add(string.format("csc_est %s `df'", N .. ".level_change"))
    add(string.format("csc_est %s `df'", N .. ".level_change_1"))
    add("if `slope' {")
    add("    lincom _z_x_t")
    add(string.format("    csc_est %s `df'", N .. ".slope_change"))
    add(string.format("    csc_est %s `df'", N .. ".slope_change_1"))
    add("}")
    add("lincom _z")
    add(string.format("csc_est %s `df'", N .. ".pre_level_difference"))
    add("lincom _z_t")
    add(string.format("csc_est %s `df'", N .. ".pre_trend_difference"))
    add("lincom _x + _z_x `tramp'")
    add(string.format("csc_est %s `df'", N .. ".treated_departure"))
    add("lincom _x `cramp'")
    add(string.format("csc_est %s `df'", N .. ".comparators_departure"))
    add(string.format("csc_put %s `: word count `comparators''", N .. ".comparators_n"))
    if o.logit or d.logit_sensitivity then
      local sc = o.scale or 100
      add("* Logit sensitivity run: the same model on logit(y / scale); the impact on the logit scale")
      add(string.format("generate double _ly = logit(%s / %s)", y, snum(sc)))
      add(string.format("newey _ly %s, lag(%d) force", X, lag))
      add("lincom _z_x `ramp'")
      add(string.format("csc_est %s `df'", N .. ".impact_logit"))
      add("* ... and back on the original scale by the delta method (nlcom): the treated unit's fitted")
      add("* minus projected value, minus the comparators', each through the inverse logit")
      add("local def")
      for j, t in ipairs(design.list(d.definition_change)) do
        add(string.format("if `first' + `te' * `step' >= %s local def \"`def' + _b[_def_%d]\"", at(t), j))
      end
      add("local c1 \"_b[_cons] + _b[_t] * `te' + _b[_z] + _b[_z_t] * `te' `def'\"")
      add("local a1 \"`c1' + _b[_x] + _b[_z_x]\"")
      add("local c0 \"_b[_cons] + _b[_t] * `te' `def'\"")
      add("local a0 \"`c0' + _b[_x]\"")
      add("if `slope' {")
      add("    local a1 \"`a1' + (`te' - `T') * (_b[_x_t] + _b[_z_x_t])\"")
      add("    local a0 \"`a0' + (`te' - `T') * _b[_x_t]\"")
      add("}")
      add(string.format("nlcom %s * (invlogit(`a1') - invlogit(`c1') - invlogit(`a0') + invlogit(`c0'))", snum(sc)))
      add(string.format("csc_est %s `df' el(r(b),1,1) sqrt(el(r(V),1,1))", N .. ".impact_logit_pp"))
    end
    add("* The same model with itsa (ssc install itsa): the treated unit against the comparators kept above")
    itsa_check(add, string.format("tsset %s _tm", unit), string.format("itsa %s, treatid(%s) trperiod(`=%s') "
      .. "lag(%d) posttrend replace", y, snum(d.treated), at(brks[1].at), lag))
  end
end

-- ----- did -----

designs.did = function(plan, add, map)
  local d = plan.design
  local unit = var(map, d.unit)
  local treated = design.list(d.treated)
  if d.placebo then plan.warn("the placebo-in-space ranking is not exported") end
  local covs = covariate_vars(plan, d, map, "design.covariates as a formula is not exported: the do-file fits the "
    .. "regressions without it")
  local vcov = d.vcov or "CR1"
  add("")
  add("* ---- Difference-in-differences ---------------------------------------------------")
  local at = axis(d, map, add)
  sample(d, at, add)
  local tlist = snums(treated)
  if d.comparators then
    add(string.format("keep if inlist(%s, %s, %s)", unit, table.concat(tlist, ", "), table.concat(snums(d.comparators), ", ")))
  end
  add(string.format("generate byte _treat = inlist(%s, %s)", unit, table.concat(tlist, ", ")))
  add(string.format("generate byte _post = _tm >= %s   // from the start, %s", at(d.start), tostring(d.start)))
  add("generate byte _treat_post = _treat * _post")
  add("egen long _unit = group(" .. unit .. ")")
  add("tempfile panel")
  add("save `panel'")
  local vce = vcov == "CR1" and "vce(cluster _unit)" or (vcov == "HC1" and "vce(robust)" or "")
  if d.cluster_df == "residual" and vcov == "CR1" then
    plan.warn("cluster_df = \"residual\" (tests on n - k degrees of freedom) has no Stata option: Stata's "
      .. "clustered tests use G - 1, so the do-file's p-values and intervals use G - 1")
  end
  local C = #covs > 0 and (" " .. table.concat(covs, " ")) or ""
  for _, o in ipairs(plan.outcomes or {}) do
    local N = o.name
    local y = var(map, o.column)
    outcome_start(add, o, "panel")
    add(string.format("drop if missing(%s)%s", y, #covs > 0 and (" | missing(" .. table.concat(covs, ", ") .. ")") or ""))
    add("* 2x2: y = b0 + b1 treat + b2 post + b3 treat x post, standard errors clustered by unit")
    add(string.format("regress %s _treat _post _treat_post%s%s", y, C, vce ~= "" and (", " .. vce) or ""))
    add(string.format("local df = %s", vcov == "CR1" and "e(N_clust) - 1" or "e(df_r)"))
    add("lincom _treat_post")
    add(string.format("csc_est %s `df'", N .. ".did_2x2"))
    add("* two-way fixed effects: unit effects absorbed (xtreg, fe), period dummies; xtreg's")
    add("* clustered errors do not count the unit effects, as csceval (areg would count them)")
    add("xtset _unit")
    add(string.format("xtreg %s _treat_post i._tm%s, fe %s", y, C, vce))
    add(string.format("local df = %s", vcov == "CR1" and "e(N_clust) - 1" or "e(df_r)"))
    add("lincom _treat_post")
    add(string.format("csc_est %s `df'", N .. ".did_twfe"))
    add(string.format("* areg %s _treat_post i._tm%s, absorb(_unit) %s   // the same estimate", y, C, vce))
    if d.event_study ~= false then
      local es = type(d.event_study) == "table" and d.event_study or {}
      local leads, lags, ref = es.leads or 3, es.lags or 3, es.reference or -1
      local bin = es.bin ~= false
      add(string.format("* Event study: a dummy per period from the start, k = -%d..%d, k = %d left out%s", leads, lags,
        ref, bin and "; the end dummies take the periods beyond them" or ""))
      add(string.format("generate double _rel = (_tm - %s) / %s if _treat   // periods from the start", at(d.start),
        type(d.frequency) == "number" and snum(d.frequency) or "1"))
      if bin then
        add(string.format("replace _rel = max(-%d, min(%d, _rel)) if _treat", leads, lags))
      else
        add(string.format("drop if _treat & (_rel < -%d | _rel > %d)", leads, lags))
      end
      local terms = {}
      for k = -leads, lags do
        if k ~= ref then
          local nm = k < 0 and ("_lead" .. -k) or ("_lag" .. k)
          add(string.format("generate byte %s = _treat & _rel == %d", nm, k))
          terms[#terms + 1] = { k = k, nm = nm }
        end
      end
      local tn = {}
      for i, t in ipairs(terms) do tn[i] = t.nm end
      add(string.format("xtreg %s %s i._tm%s, fe %s", y, table.concat(tn, " "), C, vce))
      add(string.format("local df = %s", vcov == "CR1" and "e(N_clust) - 1" or "e(df_r)"))
      for _, t in ipairs(terms) do
        add("lincom " .. t.nm)
        add(string.format("csc_est %s `df'", N .. ".event." .. t.k))
      end
      local leadsl = {}
      for _, t in ipairs(terms) do if t.k < ref then leadsl[#leadsl + 1] = t.nm end end
      if #leadsl > 0 then
        add("* the joint pre-trend test of the leads (not defined with no more treated clusters than leads)")
        add("capture test " .. table.concat(leadsl, " "))
      end
    end
  end
end

-- ----- matching and ipw: balance -----

-- The balance of one covariate (docs/methods/matching.md): group means,
-- the standardised difference with the denominator s from the unadjusted
-- sample (the treated group's SD for the ATT, the control group's for the
-- ATC, pooled sqrt((s1^2 + s0^2)/2) for the ATE, or as balance.sd says); a
-- 0/1 covariate as the raw difference in proportions unless binary = "std",
-- its variance m(1 - m) unless variance = "sample".  With a weight
-- variable, the weighted means and SMD after weighting too.
local BALANCE_PROGRAM = [==[
capture program drop csc_balance
program define csc_balance, rclass
    * csc_balance PREFIX NAME VAR TREAT SD BINARY VARIANCE [WEIGHT]; returns r(smd), the
    * standardised difference before adjustment
    args prefix name v treat sd binary variance w
    quietly summarize `v' if `treat' == 1
    local m1 = r(mean)
    local v1 = r(Var)
    quietly summarize `v' if `treat' == 0
    local m0 = r(mean)
    local v0 = r(Var)
    capture assert inlist(`v', 0, 1) if !missing(`v')
    local bin = !_rc
    if `bin' & "`variance'" != "sample" {
        local v1 = `m1' * (1 - `m1')
        local v0 = `m0' * (1 - `m0')
    }
    if "`sd'" == "pooled" local s = sqrt((`v1' + `v0') / 2)
    else if "`sd'" == "control" local s = sqrt(`v0')
    else local s = sqrt(`v1')
    local raw = `bin' & "`binary'" != "std"
    csc_put `prefix'balance.`name'.mean_treated_before `m1'
    csc_put `prefix'balance.`name'.mean_comparison_before `m0'
    local smd = cond(`raw', `m1' - `m0', (`m1' - `m0') / `s')
    csc_put `prefix'balance.`name'.smd_before `smd'
    if "`w'" != "" {
        quietly summarize `v' [aw = `w'] if `treat' == 1
        local a1 = r(mean)
        quietly summarize `v' [aw = `w'] if `treat' == 0
        local a0 = r(mean)
        csc_put `prefix'balance.`name'.mean_treated_after `a1'
        csc_put `prefix'balance.`name'.mean_comparison_after `a0'
        * the same denominator as before adjustment
        csc_put `prefix'balance.`name'.smd_after cond(`raw', `a1' - `a0', (`a1' - `a0') / `s')
    }
    return scalar smd = `smd'
end
]==]

--- One csc_balance call per covariate.
local function balance_lines(add, P, c, v, treat, bal, estimand, after)
  local sd = bal.sd or (estimand == "ATC" and "control" or (estimand == "ATE" and "pooled" or "treated"))
  add(string.format("csc_balance %s %s %s %s %s %s %s%s", P == "" and '""' or P, c, v, treat, sd, bal.binary or "raw",
    bal.variance or "default", after and (" " .. after) or ""))
end

-- ----- matching -----

designs.matching = function(plan, add, map)
  local d = plan.design
  local treat = var(map, d.treat)
  local analyses = d.analyses or { d }
  plan.warn("teffects nnmatch matches with replacement and estimates the effect with Abadie-Imbens "
    .. "standard errors; csceval (as MatchIt) matches without replacement unless replace = true, in data order, "
    .. "and adjusts by regression on the matched sample. The do-file's balance before matching and sample sizes "
    .. "are csceval's; its teffects estimates are Stata's own and are shown, not written to the results file")
  add("")
  add("* ---- Matching -------------------------------------------------------------------")
  add(BALANCE_PROGRAM)
  add("tempfile cohort")
  add("save `cohort'")
  for _, a in ipairs(analyses) do
    local A = a.name
    local covs = a.covariates or d.covariates
    if type(covs) ~= "table" then
      plan.warn("covariates given as a formula are not exported; list the columns")
      covs = {}
    end
    local cv = vars(map, covs)
    local ratio = a.ratio or d.ratio or 1
    local distance = a.distance or d.distance or "mahalanobis"
    local est = a.estimand or d.estimand or "ATT"
    local weights = a.weights or d.weights
    local bal = a.balance or d.balance or {}
    add("")
    add(string.format("* ---- Analysis %s%s: %d neighbour%s, %s distance on %s", A and (A .. " ") or "",
      a.label and ("(" .. a.label .. ")") or "", ratio, ratio == 1 and "" or "s", distance, table.concat(covs, ", ")))
    add("use `cohort', clear")
    add(string.format("drop if missing(%s, %s)", treat, table.concat(cv, ", ")))
    local P = A and (A .. ".") or ""
    add(string.format("quietly count if %s == 1", treat))
    add(string.format("csc_put %sn_treated r(N)", P))
    add("* Balance before matching: means by group and the standardised difference")
    if bal.variance == "population" then
      plan.warn("balance.variance = \"population\" is not exported: the do-file uses sample (n - 1) variances")
    end
    for i, c in ipairs(covs) do
      balance_lines(add, P, c, cv[i], treat, bal, est)
      if weights == "smd" then
        add(string.format("csc_put %sweight.%s abs(r(smd))   // the covariate's weight in the distance: |SMD| before matching", P, c))
      elseif type(weights) == "table" then
        add(string.format("csc_put %sweight.%s %s   // the recipe's weight", P, c, snum(weights[c] or 1)))
      end
    end
    if type(weights) == "table" or weights == "smd" then
      add("* csceval weights the Mahalanobis distance (weights = " .. (weights == "smd" and "\"smd\": each covariate's "
        .. "absolute standardised difference before matching" or "the recipe's") .. "); teffects' metric(matrix) "
        .. "takes a weighting matrix: see docs/methods/matching.md")
    end
    for _, o in ipairs(a.outcomes or {}) do
      local y = var(map, o.column)
      local adjust = vars(map, o.adjust or {})
      add(string.format("* Outcome %s: %s", o.name, o.label or o.column))
      if distance == "mahalanobis" then
        add(string.format("teffects nnmatch (%s %s) (%s), nneighbor(%d) metric(maha) %s", y, table.concat(cv, " "),
          treat, ratio, est == "ATT" and "atet" or (est == "ATC" and "atc" or "ate")))
      else
        add(string.format("teffects psmatch (%s) (%s %s, %s), nneighbor(%d) %s", y, treat, table.concat(cv, " "),
          (distance == "probit" or distance == "linear.probit") and "probit" or "logit", ratio,
          est == "ATT" and "atet" or "ate"))
      end
      add("tebalance summarize")
      add("* psmatch2 (ssc) matches without replacement one-to-one:")
      add(string.format("* psmatch2 %s, mahalanobis(%s) outcome(%s) noreplacement", treat, table.concat(cv, " "), y))
      if #adjust > 0 then
        add(string.format("* csceval then adjusts by regression on the matched sample: regress %s %s %s [aw = matched weight]",
          y, treat, table.concat(adjust, " ")))
      end
      if o.rescale_control then
        plan.warn(string.format("%s.%s: the time-trend ratio applied to the comparison group (rescale_control) is "
          .. "not exported", A or "", o.name))
      end
    end
  end
end

-- ----- ipw -----

designs.ipw = function(plan, add, map)
  local d = plan.design
  local treat = var(map, d.treat)
  local covs = d.covariates
  if type(covs) ~= "table" then
    plan.warn("covariates given as a formula are not exported; list the columns")
    covs = {}
  end
  local cv = vars(map, covs)
  local est = d.estimand or "ATT"
  local link = d.link or "logit"
  if d.trim or d.truncate then
    plan.warn("trim and truncate (weights cut at quantiles) are not exported: the do-file keeps every weight")
  end
  local bal = d.balance or {}
  add("")
  add("* ---- Inverse probability weighting -----------------------------------------------")
  add(BALANCE_PROGRAM)
  add(string.format("drop if missing(%s, %s)", treat, table.concat(cv, ", ")))
  add(string.format("* the propensity score: a %s model of %s on %s", link, d.treat, table.concat(covs, ", ")))
  add(string.format("%s %s %s", link, treat, table.concat(cv, " ")))
  add("predict double _ps, pr")
  add(string.format("* weights for the %s", est))
  if est == "ATE" then
    add(string.format("generate double _w = cond(%s == 1, 1 / _ps, 1 / (1 - _ps))", treat))
  elseif est == "ATC" then
    add(string.format("generate double _w = cond(%s == 1, (1 - _ps) / _ps, 1)", treat))
  else
    add(string.format("generate double _w = cond(%s == 1, 1, _ps / (1 - _ps))", treat))
  end
  if d.stabilize then
    add(string.format("quietly summarize %s", treat))
    add(string.format("replace _w = _w * cond(%s == 1, r(mean), 1 - r(mean))   // stabilised", treat))
  end
  add("* group sizes and Kish's effective sample sizes (sum w)^2 / sum w^2")
  for _, g in ipairs({ { 1, "programme" }, { 0, "comparison" } }) do
    add(string.format("quietly count if %s == %d", treat, g[1]))
    add(string.format("csc_put n_%s r(N)", g[2]))
    add("generate double _w2 = _w^2")
    add(string.format("quietly summarize _w if %s == %d", treat, g[1]))
    add("local sw = r(sum)")
    add(string.format("quietly summarize _w2 if %s == %d", treat, g[1]))
    add(string.format("csc_put ess_%s `sw'^2 / r(sum)", g[2]))
    add("drop _w2")
  end
  add("* Balance before and after weighting: means by group and the standardised difference")
  for i, c in ipairs(covs) do balance_lines(add, "", c, cv[i], treat, bal, est, "_w") end
  add("* Effects: the weighted difference in means (a weighted regression on the programme")
  add("* indicator) with survey-robust standard errors, as R's survey::svyglm")
  add("svyset _n [pweight = _w]")
  for _, o in ipairs(plan.outcomes or {}) do
    local y = var(map, o.column)
    local sc = o.scale or 1
    local adjust = vars(map, o.adjust or {})
    add(string.format("* Outcome %s: %s%s", o.name, o.label or o.column, sc ~= 1 and string.format(" (x %s)", snum(sc)) or ""))
    add(string.format("generate double _y_%s = %s * %s", o.name:sub(1, 28), y, snum(sc)))
    add(string.format("svy: regress _y_%s %s%s", o.name:sub(1, 28), treat,
      #adjust > 0 and (" " .. table.concat(adjust, " ")) or ""))
    add("local df = e(df_r)")
    add("lincom " .. treat)
    add(string.format("csc_est %s.effect `df'", o.name))
    add(string.format("quietly summarize _y_%s [aw = _w] if %s == 1", o.name:sub(1, 28), treat))
    add(string.format("csc_put %s.mean_treated r(mean)", o.name))
    add(string.format("quietly summarize _y_%s [aw = _w] if %s == 0", o.name:sub(1, 28), treat))
    add(string.format("csc_put %s.mean_comparison r(mean)", o.name))
    add("* Stata's own estimator (normalised weights; standard errors that allow for the estimated")
    add("* propensity score, so they differ from the survey-robust ones above):")
    add(string.format("teffects ipw (_y_%s) (%s %s, %s), %s", o.name:sub(1, 28), treat, table.concat(cv, " "), link,
      est == "ATT" and "atet" or "ate"))
    if est == "ATC" then plan.warn("teffects ipw has no ATC; the do-file's teffects line estimates the ATE") end
  end
  add("tebalance summarize")
end

-- ----- benchmark -----

designs.benchmark = function(plan, add)
  local d = plan.design
  local codecol = d.code_column or "old_la_code"
  local auth = snum(tonumber(d.authority) or d.authority)
  add("")
  add("* ---- Benchmarking against statistical neighbours and England --------------------")
  -- the neighbours
  local nb = d.neighbours or {}
  local nmap = plan.input_maps[nb.input] or {}
  if nb.input then
    add(string.format("* %s's statistical neighbours (%s)", d.authority_name or auth, nb.model or nb.input))
    add("use `input_" .. M.varname(nb.input) .. "', clear")
    local code = var(nmap, nb.code_column or "LA num")
    add(string.format("keep if %s == %s", code, auth))
    local sns = {}
    for k = 1, 10 do sns[#sns + 1] = (nmap["SN" .. k] or ("SN" .. k)) end
    add("local neighbours")
    add("foreach v in " .. table.concat(sns, " ") .. " {")
    add("    if !missing(`v'[1]) local neighbours `neighbours' `=`v'[1]'")
    add("}")
  elseif type(nb.codes) == "table" or type(d.neighbours) == "table" then
    local codes = nb.codes or d.neighbours
    local t = {}
    for i, c in ipairs(codes) do t[i] = snum(c) end
    add("local neighbours " .. table.concat(t, " "))
  end
  add("display as text \"neighbours: `neighbours'\"")
  local from, to = d.years.from, d.years.to
  for _, m in ipairs(d.measures or {}) do
    add("")
    add(string.format("* ---- Measure %s: %s", m.name, m.label or m.name))
    local per = m.per or 1
    local imap = plan.input_maps[m.input] or {}
    if m.part_year then plan.warn(m.name .. ": the part-year annualisation (part_year) is not exported") end
    -- the measure's columns are built under names no input has (_code, _year, _num, _den,
    -- _value) and renamed code, year, value at the end
    local c = function(x) return var(imap, x) end
    if m.lait then
      add(string.format("* the LAIT indicator %s as published (England is LAIT code 970)", m.lait))
      add("use `input_" .. M.varname(m.input) .. "', clear")
      add(string.format("keep if %s == %s", c("measure_short"), sstr(m.lait)))
      add(string.format("destring %s, replace force   // LAIT's value column: suppressed figures become missing", c("value")))
      add(string.format("generate double _code = %s", c("la_number")))
      add(string.format("generate double _year = %s", c("year")))
      add(string.format("generate double _value = %s", c("value")))
      add("replace _code = 0 if _code == 970   // England")
      add("drop if _code > 970   // regions")
    else
      add("use `input_" .. M.varname(m.input) .. "', clear")
      if m.where then
        local sx, why = M.expr(m.where, imap)
        if sx then add("keep if " .. sx) else
          plan.warn(m.name .. ": its where filter uses " .. tostring(why) .. ", which the export does not translate")
        end
      end
      add(string.format("keep if %s == \"Local authority\" | %s == \"National\"", c("geographic_level"), c("geographic_level")))
      add(string.format("generate double _code = cond(%s == \"National\", 0, %s)   // England as 0", c("geographic_level"), c(codecol)))
      add(string.format("generate double _year = %s", c("time_period")))
      add(string.format("generate double _num = %s", c(m.numerator)))
      if type(m.denominator) == "string" then
        add(string.format("generate double _den = %s", c(m.denominator)))
        add(string.format("generate double _value = _num / _den * %s if _den != 0", snum(per)))
      elseif type(m.denominator) == "table" then
        local den = m.denominator
        local dmap = plan.input_maps[den.input] or {}
        local dc = function(x) return var(dmap, x) end
        add("keep _code _year _num")
        add("duplicates drop _code _year, force")
        add("tempfile num")
        add("save `num'")
        add("use `input_" .. M.varname(den.input) .. "', clear")
        if den.where then
          local sx, why = M.expr(den.where, dmap)
          if sx then add("keep if " .. sx) else
            plan.warn(m.name .. ": its denominator's where filter uses " .. tostring(why) .. ", which the export does not translate")
          end
        end
        add(string.format("keep if %s == \"Local authority\" | %s == \"National\"", dc("geographic_level"), dc("geographic_level")))
        add(string.format("generate double _code = cond(%s == \"National\", 0, %s)", dc("geographic_level"), dc(codecol)))
        add(string.format("generate double _year = %s + %d   // the denominator of year Y is the figure for Y - %d",
          dc("time_period"), den.year_lag or 0, den.year_lag or 0))
        add(string.format("generate double _den = %s", dc(den.column)))
        add("keep _code _year _den")
        add("duplicates drop _code _year, force")
        add("merge 1:1 _code _year using `num', keep(using match) nogenerate")
        add(string.format("generate double _value = _num / _den * %s if _den != 0 & !missing(_den)", snum(per)))
      else
        add("generate double _value = _num   // a published rate, as it stands")
      end
      add("drop if missing(_code)")
    end
    add("keep _code _year _value")
    add("rename (_code _year _value) (code year value)")
    add(string.format("keep if year >= %d & year <= %d", from, to))
    add("duplicates drop code year, force")
    add("tempfile values")
    add("save `values'")
    add(string.format("* rank among all authorities (1 = the %s; ties share the best rank) and quartile",
      m.polarity == "low" and "lowest" or "highest"))
    add(string.format("egen rank = rank(%svalue) if code != 0 & !missing(value), by(year) field", m.polarity == "low" and "" or "-"))
    add("egen ranked = count(value) if code != 0 & !missing(value), by(year)")
    add("generate quartile = ceil(4 * rank / ranked)")
    add("* the neighbours' mean of their own figures (not of pooled counts), by year")
    add("preserve")
    add("keep if inlist(code, `=subinstr(\"`neighbours'\", \" \", \",\", .)') & !missing(value)")
    add("collapse (mean) neighbours_mean = value (count) neighbours_n = value, by(year)")
    add("tempfile nbmean")
    add("save `nbmean'")
    add("restore")
    add(string.format("keep if code == %s | code == 0", auth))
    add(string.format("generate str9 who = cond(code == 0, \"england\", \"authority\")"))
    add("keep year who value rank ranked quartile")
    add("reshape wide value rank ranked quartile, i(year) j(who) string")
    add("merge 1:1 year using `nbmean', nogenerate")
    add("sort year")
    add("list year valueauthority neighbours_mean valueengland rankauthority quartileauthority, noobs")
    add("forvalues i = 1/`=_N' {")
    add("    local y = year[`i']")
    add(string.format("    if !missing(valueauthority[`i']) csc_put %s.authority.`y' valueauthority[`i']", m.name))
    add("    if !missing(neighbours_mean[`i']) {")
    add(string.format("        csc_put %s.neighbours_mean.`y' neighbours_mean[`i']", m.name))
    add(string.format("        csc_put %s.neighbours_mean.`y':n neighbours_n[`i']", m.name))
    add("    }")
    add(string.format("    if !missing(valueengland[`i']) csc_put %s.england.`y' valueengland[`i']", m.name))
    add(string.format("    if !missing(valueauthority[`i'], neighbours_mean[`i']) csc_put %s.below_neighbours.`y' "
      .. "valueauthority[`i'] < neighbours_mean[`i']", m.name))
    add(string.format("    if !missing(valueauthority[`i'], valueengland[`i']) csc_put %s.below_england.`y' "
      .. "valueauthority[`i'] < valueengland[`i']", m.name))
    add("    if !missing(rankauthority[`i']) {")
    add(string.format("        csc_put %s.rank.`y' rankauthority[`i']", m.name))
    add(string.format("        csc_put %s.rank.`y':n rankedauthority[`i']", m.name))
    add("    }")
    add(string.format("    if !missing(quartileauthority[`i']) csc_put %s.quartile.`y' quartileauthority[`i']", m.name))
    add("}")
  end
  if d.checks then
    plan.warn("the printed checks (design.checks: each printed percentage against its count and base) are not exported")
  end
end

-- ===== The do-file =====

--- csceval's version, for the header.
function M.version()
  local ok, v = pcall(function() return require("host.sys").versions().csceval end)
  if ok and type(v) == "string" then return v end
  return "unknown"
end

--- The inputs a design reads itself (besides its frame).
local function inputs_used(plan)
  local d, used = plan.design, {}
  if plan.type == "benchmark" then
    for _, e in ipairs(plan.inputs) do used[e.name] = true end
  end
  if plan.type == "cits" and type(d.select) == "table" and type(d.select.neighbours) == "table"
      and d.select.neighbours.input then
    used[d.select.neighbours.input] = true
  end
  return used
end

function M.script(plan)
  local build = designs[plan.type]
  local body = {}
  local function add(s) body[#body + 1] = s end
  local map, maps = load_data(plan, add, inputs_used(plan))
  plan.input_maps = maps
  build(plan, add, map or {})
  -- the header last: the design may have recorded warnings
  return header(plan) .. "\n" .. table.concat(body, "\n") .. "\n" .. footer(plan)
end

return M
