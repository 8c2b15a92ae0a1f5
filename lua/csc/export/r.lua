--- R scripts from an export plan (csc.export): `csceval export --to r`.
-- Each script is plain base R plus the standard packages (sandwich, lmtest,
-- MatchIt), comments naming each step as the recipe's plan does, and ends
-- by writing its key results as name,value rows to <id>_results.csv beside
-- itself (the names are csceval's estimate names, `name:se`, `name:p`,
-- `name:ci_low`, `name:ci_high` for the other parts; docs/export.md).
-- One section per design below: its, cits, did, matching, ipw, benchmark.
-- @module csc.export.r
local util = require("csc.util")

local M = {}

M.ext = "R"

-- ===== R literals =====

--- A Lua string as an R string literal.
local function rstr(s)
  s = tostring(s)
  return '"' .. s:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", "\\n"):gsub("\r", "\\r"):gsub("\t", "\\t") .. '"'
end

--- A Lua value as an R literal: numbers to 17 digits, strings quoted, booleans, NULL.
local function rval(v)
  if v == nil then return "NULL" end
  if type(v) == "boolean" then return v and "TRUE" or "FALSE" end
  if math.type(v) == "integer" then return string.format("%d", v) end
  if type(v) == "number" then
    if v ~= v then return "NA" end
    if v == math.huge then return "Inf" elseif v == -math.huge then return "-Inf" end
    for _, fmt in ipairs({ "%.15g", "%.16g", "%.17g" }) do
      local t = string.format(fmt, v)
      if tonumber(t) == v then return t end
    end
  end
  return rstr(v)
end

--- c(...) of a Lua list (nil: NULL).
local function rvec(list)
  if list == nil then return "NULL" end
  if type(list) ~= "table" then list = { list } end
  local parts = {}
  for i, v in ipairs(list) do parts[i] = rval(v) end
  return "c(" .. table.concat(parts, ", ") .. ")"
end

--- A block of text as R comment lines, each starting with `prefix`.
local function comment(text, prefix)
  prefix = prefix or "# "
  local out = {}
  for line in (tostring(text) .. "\n"):gmatch("([^\n]*)\n") do
    out[#out + 1] = (prefix .. line):gsub("%s+$", "")
  end
  return table.concat(out, "\n")
end

--- Word-wrapped comment (about 90 columns).
local function wrap(text, prefix)
  prefix = prefix or "# "
  local out, line = {}, prefix
  for word in tostring(text):gmatch("%S+") do
    if #line + #word + 1 > 92 and line ~= prefix then out[#out + 1] = line:gsub("%s+$", ""); line = prefix end
    line = line .. word .. " "
  end
  if line ~= prefix then out[#out + 1] = line:gsub("%s+$", "") end
  return table.concat(out, "\n")
end

M.rstr, M.rval, M.rvec = rstr, rval, rvec

-- ===== The parts every script shares =====

local function header(plan, packages)
  local h = {}
  local function add(s) h[#h + 1] = s end
  add("# " .. plan.id .. ".R: " .. (plan.title or plan.id))
  add("#")
  add("# Written by `csceval export --to r " .. plan.recipe .. "` from the recipe " .. plan.recipe .. ".")
  add("# It loads the same inputs and runs the same analysis (design \"" .. plan.type .. "\") with base R and")
  add("# the standard packages, so that the evaluation can be rerun and checked in R.")
  add("# Run it from the folder csceval was run in (the project root), e.g.")
  add("#   Rscript " .. (plan.script_path or (plan.id .. ".R")))
  add("# It writes its key results, one name,value row each, to " .. plan.results_file .. " beside itself")
  add("# (the names are csceval's estimate names; compare with results.json of `csceval run`).")
  if plan.question then add("#"); add(wrap("Question: " .. plan.question)) end
  if plan.synthetic then
    add("#")
    add("# SYNTHETIC DATA: the input(s) " .. table.concat(plan.synthetic_inputs, ", ") .. " are synthetic records made")
    add("# by the recipe's committed generator, written beside this script. Agreement with the published")
    add("# figures on them is by construction, not a finding. With the real file, change its path below.")
  end
  if #plan.warnings > 0 then
    add("#")
    add("# Differences from csceval's own run (options with no R equivalent here):")
    for _, w in ipairs(plan.warnings) do add(wrap("- " .. w, "#   ")) end
  end
  add("")
  add("suppressPackageStartupMessages({")
  for _, p in ipairs(packages) do add("  library(" .. p .. ")") end
  add("})")
  add("")
  add([==[# The folder of this script: synthetic and prepared data are read from there.
script_dir <- local({
  a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(a) > 0) dirname(normalizePath(sub("^--file=", "", a[1]))) else getwd()
})

# Key results, collected as name = value and written at the end.
results <- list()
put <- function(name, value) results[[name]] <<- as.numeric(value)
# an estimate with its standard error, p-value and confidence interval
put_est <- function(name, est, se = NA, p = NA, lo = NA, hi = NA) {
  put(name, est)
  if (!is.na(se)) put(paste0(name, ":se"), se)
  if (!is.na(p)) put(paste0(name, ":p"), p)
  if (!is.na(lo)) put(paste0(name, ":ci_low"), lo)
  if (!is.na(hi)) put(paste0(name, ":ci_high"), hi)
}
# a linear combination c'b with its standard error, p-value and interval
# (t on df, or the normal distribution when df is Inf)
lincom <- function(b, V, cv, df, level = LEVEL) {
  est <- sum(cv * b)
  se <- sqrt(drop(t(cv) %*% V %*% cv))
  q <- if (is.finite(df)) qt(1 - (1 - level) / 2, df) else qnorm(1 - (1 - level) / 2)
  p <- if (is.finite(df)) 2 * pt(-abs(est / se), df) else 2 * pnorm(-abs(est / se))
  list(est = est, se = se, p = p, lo = est - q * se, hi = est + q * se)
}]==])
  return table.concat(h, "\n")
end

local function footer(plan)
  return string.format([==[

# ---- Write the key results -------------------------------------------------
out <- data.frame(name = names(results),
                  value = vapply(results, function(v) sprintf("%%.17g", v), ""),
                  stringsAsFactors = FALSE)
out_file <- file.path(script_dir, %s)
write.csv(out, out_file, row.names = FALSE, quote = TRUE)
cat(sprintf("%%s: %%d results -> %%s\n", %s, nrow(out), out_file))
]==], rstr(plan.results_file), rstr(plan.id))
end

--- R code reading one input (or the prepared frame) into `var`.
local function reader(plan, var, e)
  local where = e.file and string.format("file.path(script_dir, %s)", rstr(e.file)) or rstr(e.path)
  local fmt = e.file and "csv" or (e.format or "csv")
  if fmt == "csv" then
    return string.format("%s <- read.csv(%s, check.names = FALSE, stringsAsFactors = FALSE,\n"
      .. "  na.strings = c(\"\", \"NA\", \"c\", \"x\", \"z\", \"k\", \"u\", \"low\", \".\", \":\"))", var, where)
  elseif fmt == "dta" then
    return string.format("%s <- foreign::read.dta(%s, convert.factors = FALSE)", var, where)
  elseif fmt == "sav" or fmt == "por" then
    return string.format("%s <- as.data.frame(foreign::read.spss(%s, to.data.frame = TRUE, use.value.labels = FALSE))",
      var, where)
  end
  plan.warn(string.format("input %s is a .%s file, which base R does not read; convert it to CSV and change "
    .. "the path in the script", e.name, fmt))
  return string.format("stop(%s)  # convert %s to CSV first", rstr("cannot read " .. e.path .. " in base R"), e.path)
end

--- Load every input the design uses, and the analysis frame `d` (the
-- prepared frame or design.data, then the cohort filter).
local function load_data(plan, body)
  local function add(s) body[#body + 1] = s end
  add("")
  add("# ---- Inputs ------------------------------------------------------------------")
  add("# read as csceval reads them: empty cells and DfE's suppression symbols are missing")
  local fr = plan.frame
  for _, e in ipairs(plan.inputs) do
    if not e.missing and e.columns then
      local used = (not fr) or (not fr.prepared and fr.input == e.name) or plan.type == "benchmark"
        or plan.uses and plan.uses[e.name]
      local what = e.synthetic and " (SYNTHETIC, copied beside this script as " .. e.file .. ")"
        or (e.replaced and " (given with --data)" or "")
      add(string.format("# %s: %s, %d rows, %d columns%s", e.name, e.path, e.rows or 0, #e.columns, what))
      if used then
        add(reader(plan, "input_" .. e.name:gsub("[^%w_]", "_"), e))
      else
        add("#   read by the recipe's data preparation (below), not by this script")
      end
    end
  end
  if not fr then return end
  add("")
  add("# ---- The data the design analyses ------------------------------------------------")
  if fr.prepared then
    if fr.prepare then
      add("# The recipe's data preparation is Lua code (design.prepare, " .. plan.recipe .. " lines "
        .. fr.prepare.lines .. "):")
      add(comment(fr.prepare.lua, "#   "))
      add("# csceval ran it once and wrote its result beside this script; the script reads that frame.")
    else
      add("# The design's rates (design.rates) were added by csceval and written beside this script.")
    end
    add(string.format("# %d rows: %s", fr.rows, table.concat(fr.columns, ", ")))
    add(reader(plan, "d", { file = fr.file, name = "prepared" }))
  else
    add("d <- input_" .. fr.input:gsub("[^%w_]", "_"))
  end
  if plan.cohort then
    add("# The cohort: the design's where = " .. plan.cohort.where)
    if plan.cohort.r then
      add("d <- d[with(d, " .. plan.cohort.r .. ") %in% TRUE, , drop = FALSE]")
    else
      plan.warn("the design's where filter (" .. plan.cohort.where .. ") uses " .. tostring(plan.cohort.r_problem)
        .. ", which the export does not translate; apply it by hand")
      add("# NOT APPLIED: the filter uses " .. tostring(plan.cohort.r_problem) .. "; apply it by hand")
    end
  end
  add("cat(sprintf(\"analysis data: %d rows\\n\", nrow(d)))")
end

-- ===== Designs =====

local designs = {}

-- The shared time-axis helpers of the its, cits and did designs: a time
-- value as a number on the axis (months since year 0 for YYYY-MM dates,
-- else the number), the axis step, and itsa's time count (x - first)/step.
local AXIS_R = [==[
# ---- The time axis (as csceval's: monthly dates count months; t = (x - first) / step)
axis_num <- function(v) {
  v <- as.character(v)
  dated <- grepl("^[0-9]{4}-[0-9]{2}", v)
  x <- suppressWarnings(as.numeric(v))
  if (any(dated)) {
    y <- as.numeric(substr(v, 1, 4)); m <- as.numeric(substr(v, 6, 7))
    x <- if (FREQUENCY == "quarter") y * 4 + (m - 1) %/% 3 else if (FREQUENCY == "year") y else y * 12 + (m - 1)
  }
  x
}
axis_step <- function(x) {
  if (!is.na(STEP)) return(STEP)
  d <- diff(sort(unique(x)))
  if (length(d) == 0) 1 else min(d[d > 0])
}
]==]

--- The axis constants for a design (frequency and its step).
local function axis_consts(d)
  local freq = type(d.frequency) == "string" and d.frequency or "month"
  local step = type(d.frequency) == "number" and d.frequency or ((d.frequency == "year") and 1 or nil)
  return string.format("FREQUENCY <- %s\nSTEP <- %s   # NA: the smallest gap between times\n", rstr(freq),
    step and rval(step) or "NA")
end

--- A time value (number or "YYYY-MM[-DD]") on the axis, in R.
local function rtime(v) return string.format("axis_num(%s)", rval(v)) end

--- R code for the sample mask over times `tm`: from, to, exclude.
local function sample_r(d)
  local parts = { "use <- rep(TRUE, length(tm))" }
  if d.from ~= nil then parts[#parts + 1] = string.format("use <- use & tm >= %s - 1e-9", rtime(d.from)) end
  if d.to ~= nil then parts[#parts + 1] = string.format("use <- use & tm <= %s + 1e-9", rtime(d.to)) end
  for _, e in ipairs(d.exclude or {}) do
    if type(e) == "table" then
      parts[#parts + 1] = string.format("use <- use & !(tm >= %s - 1e-9 & tm <= %s + 1e-9)  # excluded",
        rtime(e.from), rtime(e.to))
    else
      parts[#parts + 1] = string.format("use <- use & abs(tm - %s) > 1e-9  # excluded (transition period)", rtime(e))
    end
  end
  return table.concat(parts, "\n")
end

--- The interruptions, in time order: list of {at, level, slope}.
local function breaks_of(d)
  local list = d.interruptions or { d.interruption }
  local out = {}
  for _, b in ipairs(list) do
    if type(b) == "table" then out[#out + 1] = { at = b.at, level = b.level ~= false, slope = b.slope ~= false }
    else out[#out + 1] = { at = b, level = true, slope = true } end
  end
  return out
end

local function definition_list(dc)
  if dc == nil then return {} end
  if type(dc) == "table" then return dc end
  return { dc }
end

-- ----- its -----

local ITS_R = [==[
# ---- Segmented regression with csceval's guided autocorrelation workflow ------
# OLS first; Durbin-Watson, Breusch-Godfrey (orders 1..max_lag), ACF/PACF and
# Ljung-Box of the residuals.  Autocorrelation is "found" when Breusch-Godfrey of
# order 1 or of order max_lag, or Ljung-Box up to max_lag, rejects at alpha.  Then
# (autocorrelation = "auto"): none found -> OLS; an AR(1) signature (a single PACF
# spike, at lag 1) -> Prais-Winsten; otherwise Newey-West with lag = the highest
# lag whose PACF is outside the 95% band, capped at floor(4 (n/100)^(2/9)).
prais_fit <- function(y, X, corc = FALSE, tol = 1e-6, maxit = 100) {
  # Prais-Winsten (or Cochrane-Orcutt) as Stata prais: rho from the no-constant
  # regression of e_t on e_{t-1}, iterated until it changes by less than tol.
  n <- length(y)
  b <- qr.coef(qr(X), y)
  rho_of <- function(b) { u <- y - X %*% b; sum(u[-1] * u[-n]) / sum(u[-n]^2) }
  transform <- function(rho) {
    ys <- c(sqrt(1 - rho^2) * y[1], y[-1] - rho * y[-n])
    Xs <- rbind(sqrt(1 - rho^2) * X[1, ], X[-1, , drop = FALSE] - rho * X[-n, , drop = FALSE])
    if (corc) list(y = ys[-1], X = Xs[-1, , drop = FALSE]) else list(y = ys, X = Xs)
  }
  rho <- rho_of(b); iter <- 1
  repeat {
    fit <- lm.fit(transform(rho)$X, transform(rho)$y)
    rho_new <- rho_of(fit$coefficients); iter <- iter + 1
    if (abs(rho_new - rho) < tol || iter > maxit) { rho <- rho_new; break }
    rho <- rho_new
  }
  tr <- transform(rho)
  fit <- lm.fit(tr$X, tr$y)
  s2 <- sum(fit$residuals^2) / fit$df.residual
  V <- s2 * chol2inv(qr.R(fit$qr))
  dimnames(V) <- list(colnames(X), colnames(X))
  list(coef = fit$coefficients, V = V, df = fit$df.residual, rho = rho)
}

segmented <- function(y, X, autocorrelation, max_lag, monthly_cap) {
  ols <- lm(y ~ ., data = X)
  n <- length(y); k <- ncol(X) + 1
  if (is.na(max_lag)) max_lag <- max(1, min(monthly_cap, n %/% 4, n - k - 1))
  r <- residuals(ols)
  dw <- dwtest(ols)
  bg <- lapply(seq_len(max_lag), function(l) bgtest(ols, order = l))
  lb <- Box.test(r, lag = max_lag, type = "Ljung-Box")
  pa <- as.numeric(pacf(r, lag.max = max_lag, plot = FALSE)$acf)
  band <- qnorm(0.975) / sqrt(n)
  found <- bg[[1]]$p.value < ALPHA || bg[[max_lag]]$p.value < ALPHA || lb$p.value < ALPHA
  lstar <- if (any(abs(pa) > band)) max(which(abs(pa) > band)) else 0
  ar1 <- abs(pa[1]) > band && lstar == 1
  if (found && lstar == 0) lstar <- 1
  if (!found) lstar <- 0
  lstar <- min(lstar, max(1, floor(4 * (n / 100)^(2 / 9))))
  method <- autocorrelation$method; lag <- autocorrelation$lag
  if (method == "auto") {
    method <- if (!found) "ols" else if (ar1 && lstar <= 1) "prais" else "newey"
    if (method == "newey") lag <- max(lstar, 1)
  } else if (method == "none") method <- "ols"
  else if (method == "newey" && is.na(lag)) lag <- max(lstar, 1)
  cat(sprintf("  Durbin-Watson d = %.3f (p = %.3f); Breusch-Godfrey(1) p = %.3f; Ljung-Box(%d) p = %.3f -> %s%s\n",
              dw$statistic, dw$p.value, bg[[1]]$p.value, max_lag, lb$p.value, method,
              if (method == "newey") sprintf(" (lag %d)", lag) else ""))
  if (method == "ols") {
    fit <- list(coef = coef(ols), V = vcov(ols), df = ols$df.residual)
  } else if (method == "newey") {
    # sandwich::NeweyWest with Bartlett weights, no prewhitening, small-sample
    # adjustment n/(n-k): Stata newey's covariance
    fit <- list(coef = coef(ols), V = NeweyWest(ols, lag = lag, prewhite = FALSE, adjust = TRUE),
                df = ols$df.residual)
  } else {
    fit <- prais_fit(y, cbind("(Intercept)" = 1, as.matrix(X)), corc = method == "corc")
  }
  fit$method <- method; fit$dw <- dw$statistic
  if (INFERENCE == "z") fit$df <- Inf
  fit
}
]==]

designs.its = function(plan, body)
  local d = plan.design
  local function add(s) body[#body + 1] = s end
  local unsupported = { "covariates", "bounds" }
  for _, k in ipairs(unsupported) do
    if d[k] ~= nil and k == "covariates" then
      plan.warn("design.covariates (an adjustment set) is not exported: the script fits the segmented "
        .. "regression without it")
    end
  end
  if type(d.season) == "table" and d.season.type == "harmonics" then
    plan.warn("season harmonics are not exported; the script uses month dummies")
  end
  add(AXIS_R)
  add(axis_consts(d))
  add(ITS_R)
  add("# ---- The series, in time order ----------------------------------------------")
  add(string.format("d <- d[order(axis_num(d[[%s]])), , drop = FALSE]", rstr(d.time)))
  add(string.format("tm <- axis_num(d[[%s]])", rstr(d.time)))
  add("first <- min(tm); step <- axis_step(tm)")
  add("tt <- (tm - first) / step   # t counts periods from the first (0, 1, 2, ...)")
  add(sample_r(d))
  add("# The design columns: t, and for each interruption a step x (1 from it on) and")
  add("# a ramp x_t = x (t - T), T the interruption on the t scale")
  add("X <- data.frame(t = tt)")
  for j, b in ipairs(breaks_of(d)) do
    local sfx = #breaks_of(d) == 1 and "" or ("_" .. j)
    add(string.format("T%d <- (%s - first) / step", j, rtime(b.at)))
    if b.level then add(string.format("X$x%s <- as.numeric(tm >= %s - 1e-9)", sfx, rtime(b.at))) end
    if b.slope then add(string.format("X$x_t%s <- as.numeric(tm >= %s - 1e-9) * (tt - T%d)", sfx, rtime(b.at), j)) end
  end
  for j, t in ipairs(definition_list(d.definition_change)) do
    add(string.format("X$def_%d <- as.numeric(tm >= %s - 1e-9)   # change of definition", j, rtime(t)))
  end
  local season = d.season
  add(string.format("monthly_cap <- if (any(grepl(\"^[0-9]{4}-\", d[[%s]])) && FREQUENCY == \"month\") 12 else "
    .. "if (FREQUENCY == \"quarter\") 4 else 3", rstr(d.time)))
  for _, o in ipairs(plan.outcomes) do
    local N = o.name
    local ac = o.autocorrelation or d.autocorrelation or "auto"
    local method, lag = type(ac) == "table" and ac.method or ac, type(ac) == "table" and ac.lag or nil
    local fam = o.family or "gaussian"
    local s = o.season or season
    add("")
    add(string.format("# ---- Outcome %s: %s", N, o.label or o.column))
    add(string.format("y_all <- as.numeric(d[[%s]])", rstr(o.column)))
    add("Xo <- X")
    if type(s) == "table" then
      add("season <- if (any(grepl(\"^[0-9]{4}-\", d[[" .. rstr(d.time) .. "]]))) tm %% 12 + 1 else tm")
      add("for (m in sort(unique(season[use]))[-1]) Xo[[paste0(\"month_\", m)]] <- as.numeric(season == m)")
    end
    add("rows <- use & !is.na(y_all)")
    if fam == "poisson" then
      if o.exposure then
        add(string.format("off <- log(as.numeric(d[[%s]]))", rstr(o.exposure)))
      else add("off <- rep(0, nrow(d))") end
      local disp = o.dispersion or "pearson"
      add(string.format("g <- glm(y_all[rows] ~ ., data = Xo[rows, , drop = FALSE], offset = off[rows], family = %s)",
        disp == "pearson" and "quasipoisson" or "poisson"))
      add("fit <- list(coef = coef(g), V = vcov(g), df = if (" .. rstr(disp) .. " == \"pearson\") g$df.residual else Inf)")
      add("if (INFERENCE == \"z\") fit$df <- Inf")
    else
      add(string.format("fit <- segmented(y_all[rows], Xo[rows, , drop = FALSE], list(method = %s, lag = %s), %s, monthly_cap)",
        rstr(method), lag and rval(lag) or "NA", d.max_lag and rval(d.max_lag) or "NA"))
    end
    add("b <- fit$coef; V <- fit$V; nm <- names(b)")
    add("unit <- function(term) as.numeric(nm == term)")
    local brks = breaks_of(d)
    for j, b in ipairs(brks) do
      local sfx = #brks == 1 and "" or ("_" .. j)
      for _, k in ipairs({ "level", "slope" }) do
        if b[k] then
          local term = k == "level" and ("x" .. sfx) or ("x_t" .. sfx)
          add(string.format("e <- lincom(b, V, unit(%s), fit$df)", rstr(term)))
          add(string.format("put_est(%s, e$est, e$se, e$p, e$lo, e$hi)", rstr(N .. "." .. k .. "_change_" .. j)))
          if j == 1 then add(string.format("put_est(%s, e$est, e$se, e$p, e$lo, e$hi)", rstr(N .. "." .. k .. "_change"))) end
        end
      end
    end
    add("# slopes before the first and after the last interruption")
    add("e <- lincom(b, V, unit(\"t\"), fit$df)")
    add(string.format("put_est(%s, e$est, e$se, e$p, e$lo, e$hi)", rstr(N .. ".pre_slope")))
    add("cv <- unit(\"t\") + Reduce(`+`, lapply(grep(\"^x_t\", nm, value = TRUE), unit), 0 * unit(\"t\"))")
    add("e <- lincom(b, V, cv, fit$df)")
    add(string.format("put_est(%s, e$est, e$se, e$p, e$lo, e$hi)", rstr(N .. ".post_slope")))
    if fam ~= "poisson" then
      add("# the effect at the last period: fitted minus the projected pre-interruption line")
      add("last <- length(tm)")
      add("cv <- rep(0, length(b)); names(cv) <- nm")
      add("for (term in grep(\"^x\", nm, value = TRUE)) cv[term] <- Xo[last, term]")
      add("e <- lincom(b, V, cv, fit$df)")
      add(string.format("put_est(%s, e$est, e$se, e$p, e$lo, e$hi)", rstr(N .. ".effect_end")))
      add(string.format("if (!is.null(fit$rho)) put(%s, fit$rho)", rstr(N .. ".rho")))
      add(string.format("put(%s, fit$dw)", rstr(N .. ".durbin_watson")))
    end
    add(string.format("put(%s, mean(y_all[rows & tm < T1 * step + first - 1e-9]))", rstr(N .. ".mean_pre")))
  end
end

-- ===== The script =====

M.designs = { its = true }
local PACKAGES = { its = { "sandwich", "lmtest" } }

function M.script(plan)
  local build = designs[plan.type]
  local body = {}
  load_data(plan, body)
  body[#body + 1] = string.format("\nALPHA <- %s\nLEVEL <- %s\nINFERENCE <- %s",
    rval(plan.options.alpha), rval(plan.options.level), rstr(plan.design.inference or "t"))
  build(plan, body)
  -- the header last: the design may have recorded warnings
  return header(plan, PACKAGES[plan.type] or {}) .. "\n" .. table.concat(body, "\n") .. "\n" .. footer(plan)
end

return M
