--- R scripts from an export plan (csc.export): `csceval export --to r`.
-- Each script is plain base R plus the standard packages (sandwich, lmtest,
-- MatchIt), comments naming each step as the recipe's plan does, and ends
-- by writing its key results as name,value rows to <id>_results.csv beside
-- itself (the names are csceval's estimate names, `name:se`, `name:p`,
-- `name:ci_low`, `name:ci_high` for the other parts; docs/export.md).
-- One section per design below: its, cits, did, matching, ipw, benchmark.
-- @module csc.export.r
local design = require("csc.export.design")
local text = require("csc.export.text")
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



local function comment(t, prefix) return text.comment(t, prefix or "# ") end

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
  for _, line in ipairs(text.notes(plan, "# ", { synthetic = plan.synthetic_kind == "benchmark" and {
      "by the recipe's committed generator as a benchmark extract, written beside this script. The",
      "effects in them were built in by the generator, so recovering them is not a finding. With the",
      "real file, export again with",
      "`csceval export --to r " .. plan.recipe .. " --data NAME=PATH`, or change its path below." } or {
      "by the recipe's committed generator, written beside this script. Agreement with the published",
      "figures on them is by construction, not a finding. With the real file, export again with",
      "`csceval export --to r " .. plan.recipe .. " --data NAME=PATH`, or change its path below." },
    differences = "Differences from csceval's own run (options with no R equivalent here):" })) do
    add(line)
  end
  add("")
  if #packages > 0 then
    add("suppressPackageStartupMessages({")
    for _, p in ipairs(packages) do add("  library(" .. p .. ")") end
    add("})")
    add("")
  end
  add([==[# The folder of this script: synthetic and prepared data are read from there.
script_dir <- local({
  a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(a) > 0) dirname(normalizePath(sub("^--file=", "", a[1]))) else getwd()
})

# A CSV file read as csceval reads it (docs/data.md): empty cells, NA, N/A, NaN
# and "." are missing; DfE's suppression symbols (c, x, z, k, u, low, :) are
# missing in a column whose other values are numbers, booleans or dates, and
# ordinary values in a text column.
read_csc <- function(path) {
  d <- read.csv(path, check.names = FALSE, stringsAsFactors = FALSE, fileEncoding = "UTF-8-BOM",
                colClasses = "character", na.strings = c("", "NA", "N/A", "NaN", "."))
  sym <- c("c", "x", "z", "k", "u", "low", ":")
  for (j in seq_along(d)) {
    v <- d[[j]]
    rest <- v[!is.na(v) & !(v %in% sym)]
    dated <- length(rest) > 0 && all(grepl("^[0-9]{4}-[0-9]{2}-[0-9]{2}$|^[0-9]{2}/[0-9]{2}/[0-9]{4}$", rest))
    if (dated || !is.character(type.convert(rest, as.is = TRUE))) v[v %in% sym] <- NA
    d[[j]] <- type.convert(v, as.is = TRUE)
  }
  d
}

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
    return string.format("%s <- read_csc(%s)", var, where)
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

--- design.steps as R lines working on `d`, when every step has a
-- translation (derive, filter, expand, select, rename, with expressions
-- csc.export.expr_r translates) and nothing else prepares the frame (no
-- rates); else nil.  Each step's lines follow a comment showing the step.
local function steps_r(plan)
  local d = plan.design
  if type(d.steps) ~= "table" or d.rates ~= nil or d.prepare ~= nil or type(d.data) ~= "string" then return nil end
  local S = require("csc.steps")
  local expr_r = require("csc.export").expr_r
  local out = {}
  for i, s in ipairs(d.steps) do
    local verb = S.verb_of(s)
    out[#out + 1] = string.format("# %d. %s", i, S.describe(s))
    if verb == "derive" then
      local x = expr_r(s.as)
      if not x then return nil end
      out[#out + 1] = string.format("d[[%s]] <- with(d, %s)", rstr(s.derive), x)
    elseif verb == "filter" then
      local x = expr_r(s.filter)
      if not x then return nil end
      out[#out + 1] = string.format("d <- d[with(d, %s) %%in%% TRUE, , drop = FALSE]", x)
    elseif verb == "expand" then
      local line = string.format("d <- d[rep(seq_len(nrow(d)), d[[%s]]), setdiff(names(d), %s), drop = FALSE]; "
        .. "rownames(d) <- NULL", rstr(s.expand), rstr(s.expand))
      out[#out + 1] = s.optional and string.format("if (%s %%in%% names(d)) { %s }", rstr(s.expand), line) or line
    elseif verb == "select" then
      out[#out + 1] = string.format("d <- d[, %s, drop = FALSE]", rvec(s.select))
    elseif verb == "rename" then
      local old = util.sorted_keys(s.rename)
      local new = {}
      for j, k in ipairs(old) do new[j] = s.rename[k] end
      out[#out + 1] = string.format("names(d)[match(%s, names(d))] <- %s", rvec(old), rvec(new))
    else
      return nil
    end
  end
  return out
end

--- Load every input the design uses, and the analysis frame `d` (the
-- prepared frame or design.data, then the cohort filter).
local function load_data(plan, body)
  local function add(s) body[#body + 1] = s end
  local rsteps = plan.frame and steps_r(plan)
  add("")
  add("# ---- Inputs ------------------------------------------------------------------")
  add("# read as csceval reads them (read_csc above): empty cells are missing, and so are DfE's suppression")
  add("# symbols in a column of numbers")
  local fr = plan.frame
  for _, e in ipairs(plan.inputs) do
    if not e.missing and e.columns then
      local used = (not fr) or (not fr.prepared and fr.input == e.name) or plan.type == "benchmark"
        or (rsteps and e.name == plan.design.data)
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
  if rsteps then
    plan.files[fr.file] = nil   -- the script prepares the frame itself
    add("# The recipe's data preparation is a list of steps (design.steps, " .. plan.recipe .. "), from input "
      .. plan.design.data .. ", done here in R:")
    add("d <- input_" .. plan.design.data:gsub("[^%w_]", "_"))
    for _, line in ipairs(rsteps) do add(line) end
    add(string.format("# csceval's steps made %d rows: %s", fr.rows, table.concat(fr.columns, ", ")))
    add(string.format("if (nrow(d) != %d) stop(sprintf(\"the steps made %%d rows here, %d in csceval\", nrow(d)))",
      fr.rows, fr.rows))
  elseif fr.prepared then
    for _, line in ipairs(text.preparation(plan, "# ", "script", "#   ")) do add(line) end
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

--- The times of the rows on the axis (tm), its origin and step, the
--- periods since the first (tt, when t_note says what they are called) and
--- the sample mask: the lines every time-series design starts with.
local function time_lines(add, d, t_note)
  add(string.format("tm <- axis_num(d[[%s]])", rstr(d.time)))
  add("first <- min(tm); step <- axis_step(tm)")
  if t_note then add("tt <- (tm - first) / step   # " .. t_note) end
  add(sample_r(d))
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
  if type(d.covariates) == "string" then
    plan.warn("design.covariates given as a formula (" .. d.covariates .. ") are not exported: the script fits "
      .. "the segmented regression without them; list the columns instead")
  end
  add(AXIS_R)
  add(axis_consts(d))
  add(ITS_R)
  add("# ---- The series, in time order ----------------------------------------------")
  add(string.format("d <- d[order(axis_num(d[[%s]])), , drop = FALSE]", rstr(d.time)))
  time_lines(add, d, "t counts periods from the first (0, 1, 2, ...)")
  add("# The design columns: t, and for each interruption a step x (1 from it on) and")
  add("# a ramp x_t = x (t - T), T the interruption on the t scale")
  add("X <- data.frame(t = tt)")
  for j, b in ipairs(design.breaks(d)) do
    local sfx = #design.breaks(d) == 1 and "" or ("_" .. j)
    add(string.format("T%d <- (%s - first) / step", j, rtime(b.at)))
    if b.level then add(string.format("X$x%s <- as.numeric(tm >= %s - 1e-9)", sfx, rtime(b.at))) end
    if b.slope then add(string.format("X$x_t%s <- as.numeric(tm >= %s - 1e-9) * (tt - T%d)", sfx, rtime(b.at), j)) end
  end
  for j, t in ipairs(design.list(d.definition_change)) do
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
      local quarterly = d.frequency == "quarter"
      add(string.format("PERIOD <- %d", s.period or (quarterly and 4 or 12)))
      add(string.format("dated <- any(grepl(\"^[0-9]{4}-[0-9]{2}\", d[[%s]]))", rstr(d.time)))
      if s.type == "harmonics" then
        add(string.format("# seasonality: %d harmonic(s) of the calendar %s, sin and cos(2 pi h s / PERIOD)",
          s.harmonics or 1, quarterly and "quarter" or "month"))
        add(string.format("sea <- if (dated) tm %%%% %d + 1 else tm", quarterly and 4 or 12))
        add(string.format("for (h in seq_len(%d)) {", s.harmonics or 1))
        add("  sn <- sin(2 * pi * h * sea / PERIOD)")
        add("  # at h = PERIOD / 2 the sine is 0 at every whole-number season: left out")
        add("  if (2 * h < PERIOD || diff(range(sn[use])) > 1e-9) Xo[[paste0(\"sin\", h)]] <- sn")
        add("  Xo[[paste0(\"cos\", h)]] <- cos(2 * pi * h * sea / PERIOD)")
        add("}")
      else
        add("# seasonality: a dummy per season present in the sample, the first the reference")
        add("sea <- tm %% PERIOD")
        add("for (m in sort(unique(sea[use]))[-1]) Xo[[paste0(\"season\", m + 1)]] <- as.numeric(sea == m)")
      end
    end
    if type(d.covariates) == "table" then
      add("# the adjustment set: covariates entered in the model (at their observed values in the counterfactual)")
      for _, c in ipairs(d.covariates) do add(string.format("Xo[[%s]] <- as.numeric(d[[%s]])", rstr(c), rstr(c))) end
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
    local brks = design.breaks(d)
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

-- ----- matching and ipw: balance and effects as csceval computes them -----

local BALANCE_R = [==[
# ---- Balance as csceval (cobalt's bal.tab conventions, or the options the design sets)
# SMD = (mean_T - mean_C) / s, s from the unadjusted sample (ATT: the treated group's SD,
# ATC: the comparison group's, ATE or sd = "pooled": sqrt((s_T^2 + s_C^2) / 2)), the same s
# after adjustment; variances weighted and unbiased, sum w (x - m)^2 / (sum w - sum w^2 / sum w),
# or m (1 - m) for a 0/1 covariate (variance = "cobalt"); 0/1 covariates as the raw difference
# in proportions unless binary = "std".
wvar <- function(x, w) { m <- sum(w * x) / sum(w); sum(w * (x - m)^2) / (sum(w) - sum(w^2) / sum(w)) }
balance <- function(data, treat, covs, w, sd = NA, variance = "cobalt", binary = "raw", estimand = "ATT",
                    prefix = "") {
  tr <- data[[treat]] == 1
  if (is.na(sd)) sd <- switch(estimand, ATT = "treated", ATC = "control", "pooled")
  for (v in covs) {
    x <- as.numeric(data[[v]])
    is_bin <- all(x %in% c(0, 1))
    var_of <- function(g) {
      if (is_bin && variance == "cobalt") { m <- mean(x[g]); m * (1 - m) } else var(x[g])
    }
    s <- switch(sd, treated = sqrt(var_of(tr)), control = sqrt(var_of(!tr)),
                pooled = sqrt((var_of(tr) + var_of(!tr)) / 2))
    if (is_bin && binary == "raw") s <- 1
    mt <- mean(x[tr]); mc <- mean(x[!tr])
    mta <- sum(w[tr] * x[tr]) / sum(w[tr]); mca <- sum(w[!tr] * x[!tr]) / sum(w[!tr])
    b <- paste0(prefix, "balance.", v, ".")
    put(paste0(b, "mean_treated_before"), mt); put(paste0(b, "mean_comparison_before"), mc)
    put(paste0(b, "smd_before"), (mt - mc) / s)
    put(paste0(b, "mean_treated_after"), mta); put(paste0(b, "mean_comparison_after"), mca)
    put(paste0(b, "smd_after"), (mta - mca) / s)
  }
}

# ---- Effects: weighted least squares y = a + tau treat [+ adjustment], as lm(weights = w)
# Standard errors: "cluster" sandwich::vcovCL on the matched sets (HC1: G/(G-1) (n-1)/(n-k));
# "HC0".."HC3" sandwich::vcovHC; "svyglm" HC0 x n/(n-1) (survey::svyglm's); "classical" vcov(lm).
# A rescale factor multiplies the comparison group's outcome first (a time-trend ratio).
effect <- function(data, y, treat, w, adjust = character(0), vcov_type = "HC1", cluster = NULL,
                   rescale = 1, normal = FALSE, scale = 1, name = "effect") {
  keep <- w > 0 & !is.na(data[[y]])
  for (a in adjust) keep <- keep & !is.na(data[[a]])
  dd <- data[keep, , drop = FALSE]; ww <- w[keep]
  dd[[y]] <- ifelse(dd[[treat]] == 1, dd[[y]], dd[[y]] * rescale)
  f <- reformulate(c(treat, adjust), response = y)
  fit <- lm(f, data = dd, weights = ww)
  n <- nrow(dd)
  V <- switch(vcov_type,
    cluster = vcovCL(fit, cluster = dd[[cluster]], type = "HC1"),
    svyglm = vcovHC(fit, type = "HC0") * n / (n - 1),
    classical = vcov(fit),
    vcovHC(fit, type = vcov_type))
  df <- if (normal) Inf else fit$df.residual
  cv <- as.numeric(names(coef(fit)) == treat)
  e <- lincom(coef(fit), V, cv, df)
  tr <- dd[[treat]] == 1
  mt <- sum(ww[tr] * dd[[y]][tr]) / sum(ww[tr]); mc <- sum(ww[!tr] * dd[[y]][!tr]) / sum(ww[!tr])
  put_est(paste0(name, ".effect"), e$est * scale, e$se * scale, e$p, e$lo * scale, e$hi * scale)
  put(paste0(name, ".mean_treated"), mt * scale)
  put(paste0(name, ".mean_comparison"), mc * scale)
  if (length(adjust) > 0) put(paste0(name, ".mean_comparison_adjusted"), (mt - e$est) * scale)
  print(coeftest(fit, vcov. = V, df = df)[treat, , drop = FALSE])
}
]==]

--- R code for an outcome's rescale_control: a number, or the trend ratio of a series.
local function rescale_r(plan, o, name, add)
  local t = o.rescale_control
  if t == nil then return "1" end
  if type(t) == "number" then return rval(t) end
  add(string.format("# the time-trend ratio: %s, %s over %s (input %s)", t.label or t.value, tostring(t.to),
    tostring(t.from), t.data))
  add(string.format("series <- input_%s", t.data:gsub("[^%w_]", "_")))
  add(string.format("rate <- series[[%s]]%s", rstr(t.value), t.per and (" / series[[" .. rstr(t.per) .. "]]") or ""))
  add(string.format("trend_ratio <- rate[as.character(series[[%s]]) == %s] / rate[as.character(series[[%s]]) == %s]",
    rstr(t.time), rstr(tostring(t.to)), rstr(t.time), rstr(tostring(t.from))))
  add(string.format("put(%s, trend_ratio)", rstr(name .. ".trend_ratio")))
  return "trend_ratio"
end

local function covariate_list(plan, v, what)
  if type(v) == "string" then
    plan.warn(what .. " given as a formula (" .. v .. ") are not exported; write them as a list of columns")
    return {}
  end
  return v or {}
end

local function effect_calls(plan, add, outcomes, pre, vcov_default, cluster)
  for _, o in ipairs(outcomes) do
    local name = pre .. o.name
    add("")
    add(string.format("# Outcome %s: %s", name, o.label or o.column))
    local rescale = rescale_r(plan, o, name, add)
    if o.interact then plan.warn(name .. ": interact = true (g-computation) is not exported; the script fits the "
      .. "additive adjustment") end
    add(string.format("effect(d_used, %s, TREAT, w, adjust = %s, vcov_type = %s, cluster = %s, rescale = %s, "
      .. "normal = %s, scale = %s, name = %s)", rstr(o.column),
      #covariate_list(plan, o.adjust, name .. ": adjust") > 0 and rvec(o.adjust) or "character(0)",
      rstr(o.vcov or vcov_default), cluster and rstr(cluster) or "NULL", rescale,
      o.inference == "z" and "TRUE" or "FALSE", rval(o.scale or 1), rstr(name)))
  end
end

-- ----- ipw -----

designs.ipw = function(plan, body)
  local d = plan.design
  local function add(s) body[#body + 1] = s end
  local covs = covariate_list(plan, d.covariates, "design.covariates")
  local est = d.estimand or "ATT"
  local link = d.link or "logit"
  add(BALANCE_R)
  add(string.format("TREAT <- %s", rstr(d.treat)))
  add("# ---- The propensity score ----------------------------------------------------")
  add("# units with the treatment and every propensity covariate (as csceval, the others are dropped)")
  add(string.format("covs <- %s", rvec(covs)))
  add("d_used <- d[complete.cases(d[c(TREAT, covs)]), , drop = FALSE]")
  add(string.format("ps_model <- glm(reformulate(covs, response = TREAT), data = d_used, family = binomial(link = %s))",
    rstr(link)))
  add("print(summary(ps_model)$coefficients)")
  add("ps <- fitted(ps_model)")
  add("tr <- d_used[[TREAT]] == 1")
  if d.trim ~= nil then
    local lo, hi
    if type(d.trim) == "table" then lo, hi = d.trim[1], d.trim[2] else lo, hi = d.trim, 1 - d.trim end
    add(string.format("# trimming: scores outside the %s and %s quantiles (type 7) weigh 0", rval(lo), rval(hi)))
    add(string.format("q <- quantile(ps, c(%s, %s), type = 7)", rval(lo), rval(hi)))
    add("kept <- ps >= q[1] & ps <= q[2]")
  else
    add("kept <- rep(TRUE, length(ps))")
  end
  add(string.format("# weights for the %s", est))
  if est == "ATE" then add("w <- ifelse(tr, 1 / ps, 1 / (1 - ps))")
  elseif est == "ATC" then add("w <- ifelse(tr, (1 - ps) / ps, 1)")
  else add("w <- ifelse(tr, 1, ps / (1 - ps))") end
  add("w[!kept] <- 0")
  if d.truncate ~= nil then
    local lo, hi
    if type(d.truncate) == "table" then lo, hi = d.truncate[1], d.truncate[2] else lo, hi = nil, d.truncate end
    add("# truncation: each group's weights capped at that group's own quantiles")
    add("for (g in c(TRUE, FALSE)) {")
    add("  k <- tr == g & kept")
    if lo then add(string.format("  w[k] <- pmax(w[k], quantile(w[k], %s, type = 7))", rval(lo))) end
    add(string.format("  w[k] <- pmin(w[k], quantile(w[k], %s, type = 7))", rval(hi)))
    add("}")
  end
  if d.stabilize then
    add("# stabilised: each group's weights times its share of the units kept")
    add("w[tr] <- w[tr] * sum(kept & tr) / sum(kept); w[!tr] <- w[!tr] * sum(kept & !tr) / sum(kept)")
  end
  add("# effective sample sizes (Kish): (sum w)^2 / sum w^2")
  add("put(\"n_programme\", sum(kept & tr)); put(\"n_comparison\", sum(kept & !tr))")
  add("put(\"ess_programme\", sum(w[tr])^2 / sum(w[tr]^2)); put(\"ess_comparison\", sum(w[!tr])^2 / sum(w[!tr]^2))")
  local b = d.balance or {}
  local bcovs = b.covariates and covariate_list(plan, b.covariates, "design.balance.covariates") or covs
  add("")
  add("# ---- Balance before and after weighting ----------------------------------------")
  add(string.format("balance(d_used[kept, , drop = FALSE], TREAT, %s, w[kept], sd = %s, variance = %s, binary = %s, "
    .. "estimand = %s)", rvec(bcovs), b.sd and rstr(b.sd) or "NA", rstr(b.variance or "cobalt"),
    rstr(b.binary or "raw"), rstr(est)))
  add("")
  add("# ---- Effects under the weights (survey::svyglm's robust standard errors by default) ----")
  effect_calls(plan, add, plan.outcomes, "", "svyglm", nil)
end

-- ----- matching -----

local MAHA_R = [==[
# ---- The (weighted) Mahalanobis distance, as MatchIt's distance = "mahalanobis"
# Covariates standardised by their SD over all rows (constant ones left out); S their pooled
# within-group covariance (each group centred on its own mean, divided by n - 2); with
# covariate weights w, d^2(i, j) = u' W^1/2 S^-1 W^1/2 u (weights 1 give MatchIt's distance).
# MatchIt takes the treated x control matrix of distances as its `distance`.
maha_matrix <- function(data, treat, covs, wts) {
  X <- as.matrix(data[covs])
  keep <- apply(X, 2, function(x) diff(range(x)) >= sqrt(.Machine$double.eps))
  X <- X[, keep, drop = FALSE]; wts <- wts[keep]
  Z <- scale(X)
  tr <- data[[treat]] == 1
  centred <- rbind(scale(Z[tr, , drop = FALSE], scale = FALSE), scale(Z[!tr, , drop = FALSE], scale = FALSE))
  S <- crossprod(centred) / (nrow(Z) - 2)
  A <- diag(sqrt(wts), length(wts)) %*% solve(S) %*% diag(sqrt(wts), length(wts))
  Zt <- Z[tr, , drop = FALSE]; Zc <- Z[!tr, , drop = FALSE]
  D <- t(vapply(seq_len(nrow(Zt)), function(i) {
    U <- sweep(Zc, 2, Zt[i, ])
    sqrt(pmax(rowSums((U %*% A) * U), 0))
  }, numeric(nrow(Zc))))
  matrix(D, nrow = nrow(Zt))
}
]==]

designs.matching = function(plan, body)
  local d = plan.design
  local function add(s) body[#body + 1] = s end
  add(BALANCE_R)
  add(MAHA_R)
  add(string.format("TREAT <- %s", rstr(d.treat)))
  local list = d.analyses or { d }
  for _, x in ipairs(list) do
    local a = {}
    for _, k in ipairs({ "covariates", "distance", "weights", "ps_covariates", "ratio", "replace", "exact",
      "caliper", "std_caliper", "order", "discard", "estimand", "balance", "outcomes" }) do
      if x[k] ~= nil then a[k] = x[k] else a[k] = d[k] end
    end
    local pre = d.analyses and (x.name .. ".") or ""
    local covs = covariate_list(plan, a.covariates, pre .. "covariates")
    local dist = a.distance or "mahalanobis"
    if dist == "glm" then dist = "logit" end
    local est = a.estimand or "ATT"
    local b = a.balance or {}
    add("")
    add(string.format("# ==== %s ====", x.label or x.name or "Matching"))
    add(string.format("covs <- %s", rvec(covs)))
    add("# units with the treatment and every matching covariate")
    add("d_used <- d[complete.cases(d[c(TREAT, covs)]), , drop = FALSE]")
    add(string.format("put(%s, sum(d_used[[TREAT]] == 1))", rstr(pre .. "n_treated")))
    local distance_arg
    if dist == "mahalanobis" then
      if a.weights == "smd" then
        add("# covariate weights: each covariate's absolute standardised difference before matching")
        add("results_before <- results")
        add(string.format("balance(d_used, TREAT, covs, rep(1, nrow(d_used)), sd = %s, variance = %s, binary = %s, "
          .. "estimand = %s, prefix = \"_w.\")", b.sd and rstr(b.sd) or "NA", rstr(b.variance or "cobalt"),
          rstr(b.binary or "raw"), rstr(est)))
        add("wts <- abs(vapply(covs, function(v) results[[paste0(\"_w.balance.\", v, \".smd_before\")]], 0))")
        add("results <- results_before")
        add(string.format("for (v in covs) put(paste0(%s, v), wts[[v]])", rstr(pre .. "weight.")))
      elseif type(a.weights) == "table" then
        local wl = {}
        for i, c in ipairs(covs) do wl[i] = a.weights[c] or 1 end
        add(string.format("wts <- %s   # the recipe's covariate weights", rvec(wl)))
      else
        add("wts <- rep(1, length(covs))")
      end
      add("D <- maha_matrix(d_used, TREAT, covs, wts)")
      distance_arg = "D"
    else
      local ps = a.ps_covariates and covariate_list(plan, a.ps_covariates, pre .. "ps_covariates") or covs
      add(string.format("ps_covs <- %s", rvec(ps)))
      local link = dist:gsub("^linear%.", "")
      distance_arg = rstr("glm") .. string.format(", link = %s", rstr((dist:match("^linear") and "linear." or "") .. link))
      add("# the propensity score: MatchIt fits it (glm) from the formula below")
      add("covs <- union(covs, ps_covs)")
      plan.warn("MatchIt 4.5.1 (Debian 12) matches a propensity score with a routine that rounds score differences "
        .. "to whole numbers (MatchIt issue #163, fixed in 4.5.4); csceval implements the intended rule, so the "
        .. "matched sets can differ under that version")
    end
    if a.exact then plan.warn(pre .. "exact matching is exported as matchit(exact = ...)") end
    if a.discard and a.discard ~= "none" then plan.warn(pre .. "discard = \"" .. a.discard .. "\" is exported as matchit(discard = ...)") end
    add(string.format("m <- matchit(reformulate(covs, response = TREAT), data = d_used, method = \"nearest\", "
      .. "distance = %s, ratio = %d, replace = %s, estimand = %s%s%s%s%s)", distance_arg, a.ratio or 1,
      a.replace and "TRUE" or "FALSE", rstr(est),
      a.exact and (", exact = " .. rvec(a.exact)) or "",
      type(a.caliper) == "number" and (", caliper = " .. rval(a.caliper) .. ", std.caliper = "
        .. (a.std_caliper == false and "FALSE" or "TRUE")) or "",
      a.order and (", m.order = " .. rstr(a.order)) or "",
      (a.discard and a.discard ~= "none") and (", discard = " .. rstr(a.discard)) or ""))
    if type(a.caliper) == "table" then
      plan.warn(pre .. "calipers on covariates ({column = width}) are not exported; the script matches without them")
    end
    add("print(summary(m, un = FALSE)$nn)")
    add("w <- m$weights")
    add(string.format("put(%s, sum(w > 0 & d_used[[TREAT]] == 1)); put(%s, sum(w > 0 & d_used[[TREAT]] == 0))",
      rstr(pre .. "n_matched_treated"), rstr(pre .. "n_matched_comparison")))
    add("d_used$subclass <- m$subclass")
    add("")
    add("# balance before and after matching")
    local bcovs = b.covariates and covariate_list(plan, b.covariates, pre .. "balance.covariates") or covs
    add(string.format("balance(d_used, TREAT, %s, w, sd = %s, variance = %s, binary = %s, estimand = %s, prefix = %s)",
      rvec(bcovs), b.sd and rstr(b.sd) or "NA", rstr(b.variance or "cobalt"), rstr(b.binary or "raw"), rstr(est),
      rstr(pre)))
    add("")
    add("# effects in the matched sample")
    effect_calls(plan, add, a.outcomes or {}, pre, a.replace and "HC3" or "cluster", "subclass")
  end
end

-- ----- cits: comparative interrupted time series as Stata itsa -----

local CITS_R = [==[
# ---- Comparative ITS as Stata's itsa ------------------------------------------
# y = b0 + b1 _t + b2 _z + b3 _z_t + sum_j (b4j _x_j + b5j _x_t_j + b6j _z_x_j + b7j _z_x_t_j) + covariates
# (_z = 1 for the treated unit, _x_j = 1 from interruption j on, _x_t_j = _x_j (_t - T_j)), fitted by
# OLS on the treated unit's rows and every comparator's, with Newey-West standard errors whose
# lags run within each series (Stata newey with force on a panel; lags count observations).
nw_panel <- function(X, e, unit, pos, L) {
  # M = sum_i psi_i psi_i' + sum_l (1 - l/(L+1)) sum_{same unit, pos_i - pos_j = l} (psi_i psi_j' + psi_j psi_i')
  # V = n/(n-k) B M B, B = (X'X)^-1
  n <- nrow(X); k <- ncol(X)
  psi <- X * e
  M <- crossprod(psi)
  if (L > 0) for (u in unique(unit)) {
    idx <- which(unit == u)
    for (a in idx) for (b in idx) {
      l <- pos[a] - pos[b]
      if (l >= 1 && l <= L) M <- M + (1 - l / (L + 1)) * (tcrossprod(psi[a, ], psi[b, ]) + tcrossprod(psi[b, ], psi[a, ]))
    }
  }
  B <- solve(crossprod(X))
  V <- n / (n - k) * B %*% M %*% B
  dimnames(V) <- list(colnames(X), colnames(X))
  V
}

# The itsa regression of `treated` against `comps` on the rows in `use_time`.
# breaks: list of (T = interruption on the t scale, level, slope).
itsa <- function(treated, comps, use_time, breaks, lag, extra = NULL) {
  rows <- keys %in% c(treated, comps) & use_time & !is.na(y_all)
  o <- order(keys[rows] != treated, match(keys[rows], c(treated, comps)), tm[rows])
  idx <- which(rows)[o]
  z <- as.numeric(keys[idx] == treated)
  X <- cbind("(Intercept)" = 1, "_t" = tt[idx], "_z" = z, "_z_t" = z * tt[idx])
  for (j in seq_along(breaks)) {
    b <- breaks[[j]]
    x <- as.numeric(tt[idx] >= b$T - 1e-9)
    if (b$level) X <- cbind(X, x, z * x)
    if (b$slope) X <- cbind(X, x * (tt[idx] - b$T), z * x * (tt[idx] - b$T))
    cn <- c(if (b$level) paste0(c("_x", "_z_x"), "_", j), if (b$slope) paste0(c("_x_t", "_z_x_t"), "_", j))
    colnames(X)[(ncol(X) - length(cn) + 1):ncol(X)] <- cn
  }
  if (!is.null(extra)) X <- cbind(X, extra[idx, , drop = FALSE])
  y <- y_all[idx]
  fit <- lm.fit(X, y)
  pos <- ave(seq_along(idx), keys[idx], FUN = seq_along)   # lags count observations within a series
  V <- nw_panel(X, fit$residuals, keys[idx], pos, lag)
  df <- if (INFERENCE == "z") Inf else nrow(X) - ncol(X)
  list(coef = setNames(fit$coefficients, colnames(X)), V = V, df = df, X = X, keys = keys[idx], t = tt[idx])
}
put_coef <- function(fit, term, name) {
  if (!term %in% names(fit$coef)) return(invisible())
  e <- lincom(fit$coef, fit$V, as.numeric(names(fit$coef) == term), fit$df)
  put_est(name, e$est, e$se, e$p, e$lo, e$hi)
}
]==]

local SELECT_R = [==[
# ---- Choosing the comparators as Stata's itsamatch, ranked by distance ---------
# For each candidate, over the pre-intervention periods only, the two-series regression
# y = b0 + b1 _t + b2 _z + b3 _z_t (Newey-West errors); itsamatch keeps it when both
# p-values exceed the threshold.  Distance: sqrt((b2 + b3 tbar)^2 + (b3 span)^2), tbar the
# mean and span the range of the treated unit's pre-period _t; ties by code.
select_comparators <- function(treated, candidates, before, lag, method, threshold, n) {
  pre <- tm < before - 1e-9 & sample_use
  tpre <- tt[keys == treated & pre & !is.na(y_all)]
  tbar <- mean(tpre); span <- max(tpre) - min(tpre)
  rows <- lapply(candidates, function(k) {
    if (sum(keys == k & pre & !is.na(y_all)) < 3) return(NULL)
    f <- itsa(treated, k, pre, list(), lag)
    lo <- lincom(f$coef, f$V, as.numeric(names(f$coef) == "_z"), f$df)
    tr <- lincom(f$coef, f$V, as.numeric(names(f$coef) == "_z_t"), f$df)
    data.frame(code = k, level = lo$est, level_p = lo$p, trend = tr$est, trend_p = tr$p,
               distance = sqrt((lo$est + tr$est * tbar)^2 + (tr$est * span)^2), stringsAsFactors = FALSE)
  })
  tab <- do.call(rbind, rows)
  tab <- tab[order(tab$distance, tab$code), ]
  tab$passes <- tab$level_p > threshold & tab$trend_p > threshold
  keep <- if (method == "distance") rep(TRUE, nrow(tab)) else tab$passes
  kept <- tab$code[keep]
  if (!is.na(n)) kept <- head(kept, n)
  print(tab, row.names = FALSE)
  kept
}
]==]

--- The candidate pool of select: statistical neighbours (a groupings input or codes),
-- a region, both or either, less `exclude`; in R.
local function pool_r(plan, d, sel, add)
  local parts = {}
  if type(sel.neighbours) == "table" and sel.neighbours.input then
    local nb = sel.neighbours
    plan.uses[nb.input] = true
    add(string.format("groupings <- input_%s", nb.input:gsub("[^%w_]", "_")))
    add(string.format("sn_cols <- %s", nb.columns and rvec(nb.columns)
      or "grep(\"^SN_?[0-9]+$\", names(groupings), value = TRUE)"))
    add(string.format("row <- groupings[as.character(groupings[[%s]]) == TREATED, , drop = FALSE]", rstr(nb.code_column)))
    add("neighbours <- as.character(unlist(row[1, sn_cols]))")
    add("neighbours <- neighbours[!is.na(neighbours) & neighbours != \"\"]")
    parts[#parts + 1] = "nb"
  elseif type(sel.neighbours) == "table" then
    add(string.format("neighbours <- as.character(%s)", rvec(sel.neighbours)))
    parts[#parts + 1] = "nb"
  end
  if sel.region ~= nil then
    add(string.format("regions <- %s", sel.region == "same"
      and string.format("unique(d[[%s]][keys == TREATED])", rstr(d.region)) or rvec(sel.region)))
    add(string.format("in_region <- unique(keys[d[[%s]] %%in%% regions])", rstr(d.region)))
    parts[#parts + 1] = "reg"
  end
  add("candidates <- setdiff(unique(keys), TREATED)")
  if #parts == 2 then
    add(string.format("candidates <- candidates[%s]", (sel.combine == "either")
      and "candidates %in% neighbours | candidates %in% in_region" or "candidates %in% neighbours & candidates %in% in_region"))
  elseif parts[1] == "nb" then add("candidates <- candidates[candidates %in% neighbours]")
  elseif parts[1] == "reg" then add("candidates <- candidates[candidates %in% in_region]") end
  if sel.candidates then add(string.format("candidates <- intersect(candidates, as.character(%s))", rvec(sel.candidates))) end
  if sel.exclude then add(string.format("candidates <- setdiff(candidates, as.character(%s))", rvec(sel.exclude))) end
end

designs.cits = function(plan, body)
  local d = plan.design
  local function add(s) body[#body + 1] = s end
  if d.combine and d.combine ~= "pool" then
    plan.warn("combine = \"" .. d.combine .. "\" (the comparators averaged per period) is not exported; the script "
      .. "pools every comparator's series, as itsa")
  end
  if d.season then plan.warn("season terms of a comparative ITS are not exported") end
  if d.hac == "time" then plan.warn("hac = \"time\" is not exported; the script counts Newey-West lags in observations") end
  if d.placebo then plan.warn("the placebo-in-space runs are not exported") end
  if d.did then plan.warn("the difference-in-differences sensitivity run (design.did) is not exported") end
  add(AXIS_R)
  add(axis_consts(d))
  add(CITS_R)
  add(string.format("TREATED <- %s", rstr(tostring(d.treated))))
  add(string.format("keys <- as.character(d[[%s]])   # the unit codes", rstr(d.unit)))
  time_lines(add, d, "_t counts periods from the first (0, 1, 2, ...)")
  add("sample_use <- use")
  local brks = design.breaks(d)
  local defs = design.list(d.definition_change)
  if #defs > 0 then
    add("# a 0/1 dummy from each change of definition on, shared by every series")
    add("extra <- cbind(" .. (function()
      local p = {}
      for j, t in ipairs(defs) do p[j] = string.format("\"_def%d\" = as.numeric(tm >= %s - 1e-9)", j, rtime(t)) end
      return table.concat(p, ", ")
    end)() .. ")")
  else
    add("extra <- NULL")
  end
  local sel = type(d.select) == "table" and d.select or nil
  if sel and not sel.report_only then
    add(SELECT_R)
  elseif sel then
    add("# The recipe's select table (itsamatch over a candidate pool) is shown in csceval's report only")
    add("# (report_only = true): the analysis uses the comparators the recipe gives.")
  end
  for _, o in ipairs(plan.outcomes) do
    local N = o.name
    local lag = o.lag or d.lag or 0
    add("")
    add(string.format("# ---- Outcome %s: %s", N, o.label or o.column))
    if o.logit or d.logit_sensitivity then
      plan.warn(N .. ": the logit-transform sensitivity run is not exported")
    end
    add(string.format("y_all <- as.numeric(d[[%s]])", rstr(o.column)))
    local comps = o.comparators or d.comparators
    if sel and not sel.report_only and not comps then
      pool_r(plan, d, sel, add)
      add(string.format("put(%s, length(candidates))", rstr(N .. ".candidates_n")))
      add(string.format("comps <- select_comparators(TREATED, candidates, %s, %d, %s, %s, %s)",
        rtime(brks[1].at), sel.lag or lag, rstr(sel.method or "both"), rval(sel.threshold or 0.05),
        sel.n and rval(sel.n) or "NA"))
      add(string.format("put(%s, length(comps))", rstr(N .. ".selected_n")))
      if sel.covariates and #sel.covariates > 0 then
        plan.warn(N .. ": select.covariates (itsamatch on covariates too) are not exported")
      end
    else
      add(string.format("comps <- as.character(%s)", rvec(comps)))
    end
    add("cat(\"comparators:\", comps, \"\\n\")")
    add("# interruptions; a slope change needs two observed periods of the treated unit after it")
    add("breaks <- list(")
    for j, b in ipairs(brks) do
      add(string.format("  list(T = (%s - first) / step, level = %s, slope = %s)%s", rtime(b.at),
        b.level and "TRUE" or "FALSE", b.slope and "TRUE" or "FALSE", j < #brks and "," or ""))
    end
    add(")")
    add("for (j in seq_along(breaks)) {")
    add("  nxt <- if (j < length(breaks)) breaks[[j + 1]]$T else Inf")
    add("  npost <- sum(keys == TREATED & use & !is.na(y_all) & tt >= breaks[[j]]$T - 1e-9 & tt < nxt - 1e-9)")
    add("  if (npost == 1) breaks[[j]]$slope <- FALSE")
    add("}")
    add(string.format("fit <- itsa(TREATED, comps, use, breaks, %d, extra)", lag))
    add("print(cbind(estimate = fit$coef, se = sqrt(diag(fit$V))))")
    add(string.format("put(%s, length(comps))", rstr(N .. ".comparators_n")))
    add(string.format("put_coef(fit, \"_z\", %s)", rstr(N .. ".pre_level_difference")))
    add(string.format("put_coef(fit, \"_z_t\", %s)", rstr(N .. ".pre_trend_difference")))
    add(string.format("put_coef(fit, \"_z_x_1\", %s)", rstr(N .. ".level_change")))
    add(string.format("put_coef(fit, \"_z_x_t_1\", %s)", rstr(N .. ".slope_change")))
    add("for (j in seq_along(breaks)) {")
    add(string.format("  put_coef(fit, paste0(\"_z_x_\", j), paste0(%s, j))", rstr(N .. ".level_change_")))
    add(string.format("  put_coef(fit, paste0(\"_z_x_t_\", j), paste0(%s, j))", rstr(N .. ".slope_change_")))
    add("}")
    local at = o.effect_at or d.effect_at
    add("# the impact: the treated unit's departure from its projected trend minus the comparators',")
    add(at ~= nil and string.format("# at %s", tostring(at)) or "# at the last period in the sample")
    add(string.format("t_at <- (%s - first) / step", at ~= nil and rtime(at) or "max(tm[use])"))
    add("cv <- setNames(rep(0, length(fit$coef)), names(fit$coef))")
    add("for (j in seq_along(breaks)) if (t_at >= breaks[[j]]$T - 1e-9) {")
    add("  if (breaks[[j]]$level) cv[paste0(\"_z_x_\", j)] <- 1")
    add("  if (breaks[[j]]$slope) cv[paste0(\"_z_x_t_\", j)] <- t_at - breaks[[j]]$T")
    add("}")
    add("e <- lincom(fit$coef, fit$V, cv, fit$df)")
    add(string.format("put_est(%s, e$est, e$se, e$p, e$lo, e$hi)", rstr(N .. ".impact")))
  end
end

-- ----- did: difference-in-differences -----

designs.did = function(plan, body)
  local d = plan.design
  local function add(s) body[#body + 1] = s end
  if d.covariates then plan.warn("design.covariates (an adjustment set) is not exported") end
  if d.placebo then plan.warn("the placebo-in-space ranking is not exported") end
  local vcov = d.vcov or "CR1"
  add(AXIS_R)
  add(axis_consts(d))
  add(string.format("keys <- as.character(d[[%s]])   # the unit codes", rstr(d.unit)))
  time_lines(add, d)
  local treated = type(d.treated) == "table" and d.treated or { d.treated }
  local tcodes = {}
  for i, c in ipairs(treated) do tcodes[i] = tostring(c) end
  add(string.format("treated <- %s", rvec(tcodes)))
  if d.comparators then
    local cc = {}
    for i, c in ipairs(d.comparators) do cc[i] = tostring(c) end
    add(string.format("comparators <- %s", rvec(cc)))
  else
    add("comparators <- setdiff(unique(keys), treated)   # every other unit")
  end
  add(string.format("start <- %s   # the first period of the intervention", rtime(d.start)))
  add([==[
# ---- Difference-in-differences ----------------------------------------------------
# 2x2: y = b0 + b1 treat + b2 post + b3 treat x post; two-way fixed effects: y = unit + period +
# b treat x post.  Standard errors clustered by unit (CR1: sandwich::vcovCL type HC1,
# G/(G-1) (n-1)/(n-k)); for the fixed-effects fit k counts the regressors and the constant but
# not the unit effects (Stata xtreg, fe); tests on G - 1 degrees of freedom (cluster_df = "clusters").]==])
  add(string.format("VCOV <- %s\nCLUSTER_DF <- %s", rstr(vcov), rstr(d.cluster_df or "clusters")))
  for _, o in ipairs(plan.outcomes) do
    local N = o.name
    add("")
    add(string.format("# ---- Outcome %s: %s", N, o.label or o.column))
    add(string.format("p <- data.frame(unit = keys, time = tm, y = as.numeric(d[[%s]]), stringsAsFactors = FALSE)",
      rstr(o.column)))
    add("p <- p[use & p$unit %in% c(treated, comparators) & !is.na(p$y), ]")
    add("p$treat <- as.numeric(p$unit %in% treated); p$post <- as.numeric(p$time >= start - 1e-9)")
    add("G <- length(unique(p$unit)); n <- nrow(p)")
    add("f2 <- lm(y ~ treat + post + treat:post, data = p)")
    add("V2 <- switch(VCOV, CR1 = vcovCL(f2, cluster = p$unit, type = \"HC1\"), HC1 = vcovHC(f2, type = \"HC1\"), vcov(f2))")
    add("df2 <- if (VCOV == \"CR1\" && CLUSTER_DF == \"clusters\") G - 1 else f2$df.residual")
    add("e <- lincom(coef(f2), V2, as.numeric(names(coef(f2)) == \"treat:post\"), df2)")
    add(string.format("put_est(%s, e$est, e$se, e$p, e$lo, e$hi)", rstr(N .. ".did_2x2")))
    add("print(coeftest(f2, vcov. = V2, df = df2))")
    add("# two-way fixed effects (unit and period dummies)")
    add("ffe <- lm(y ~ I(treat * post) + factor(unit) + factor(time), data = p)")
    add("kw <- 1 + length(unique(p$time)) - 1   # treat x post and the period effects")
    add("Vfe <- switch(VCOV, CR1 = vcovCL(ffe, cluster = p$unit, type = \"HC0\") * (n - 1) / (n - kw - 1),")
    add("              HC1 = vcovHC(ffe, type = \"HC1\"), vcov(ffe))")
    add("dffe <- if (VCOV == \"CR1\" && CLUSTER_DF == \"clusters\") G - 1 else ffe$df.residual")
    add("e <- lincom(coef(ffe), Vfe, as.numeric(names(coef(ffe)) == \"I(treat * post)\"), dffe)")
    add(string.format("put_est(%s, e$est, e$se, e$p, e$lo, e$hi)", rstr(N .. ".did_twfe")))
    if d.event_study ~= false then
      local es = type(d.event_study) == "table" and d.event_study or {}
      local leads, lags, ref = es.leads or 3, es.lags or 3, es.reference or -1
      add(string.format("# ---- Event study: two-way fixed effects with a dummy per period from the start, k = -%d..%d,",
        leads, lags))
      add(string.format("# k = %d left out as the reference%s; clustered as above. Pre-trend test: the", ref,
        es.bin == false and "" or ", the end dummies also taking the periods beyond them"))
      add("# joint Wald test that every lead before the reference is 0, F on (leads, G - 1) df.")
      add("p$rel <- floor((p$time - start) / step + 0.5)")
      add(string.format("LEADS <- %d; LAGS <- %d; REF <- %d", leads, lags, ref))
      if es.bin == false then
        add("pe <- p[p$treat == 0 | (p$rel >= -LEADS & p$rel <= LAGS), ]")
      else
        add("pe <- p")
      end
      add("relc <- pmin(pmax(pe$rel, -LEADS), LAGS)")
      add("ks <- setdiff(-LEADS:LAGS, REF)")
      add("terms <- ifelse(ks < 0, paste0(\"lead\", -ks), paste0(\"lag\", ks))")
      add("for (j in seq_along(ks)) pe[[terms[j]]] <- as.numeric(pe$treat == 1 & relc == ks[j])")
      add("fes <- lm(reformulate(c(terms, \"factor(unit)\", \"factor(time)\"), response = \"y\"), data = pe)")
      add("ne <- nrow(pe); kwe <- length(terms) + length(unique(pe$time)) - 1; Ge <- length(unique(pe$unit))")
      add("Ves <- switch(VCOV, CR1 = vcovCL(fes, cluster = pe$unit, type = \"HC0\") * (ne - 1) / (ne - kwe - 1),")
      add("              HC1 = vcovHC(fes, type = \"HC1\"), vcov(fes))")
      add("dfes <- if (VCOV == \"CR1\" && CLUSTER_DF == \"clusters\") Ge - 1 else fes$df.residual")
      add("for (j in seq_along(ks)) {")
      add("  e <- lincom(coef(fes), Ves, as.numeric(names(coef(fes)) == terms[j]), dfes)")
      add(string.format("  put_est(paste0(%s, ks[j]), e$est, e$se, e$p, e$lo, e$hi)", rstr(N .. ".event.")))
      add("}")
      add("pre_terms <- terms[ks < REF]")
      add("if (length(pre_terms) > 0 && !(VCOV == \"CR1\" && length(treated) <= length(pre_terms))) {")
      add("  b <- coef(fes)[pre_terms]; Vb <- Ves[pre_terms, pre_terms, drop = FALSE]")
      add("  Fst <- drop(t(b) %*% solve(Vb) %*% b) / length(b)")
      add("  pF <- pf(Fst, length(b), dfes, lower.tail = FALSE)")
      add(string.format("  put_est(%s, Fst, p = pF); put(%s, pF)", rstr(N .. ".pretrend_F"), rstr(N .. ".pretrend_p")))
      add("}")
    end
  end
end

-- ----- benchmark: an authority against its statistical neighbours and England -----

local BENCH_R = [==[
# ---- Benchmarking ---------------------------------------------------------------
num <- function(v) suppressWarnings(as.numeric(as.character(v)))   # "-", "c", "x": missing
# An Explore Education Statistics tidy file as "code|year" -> value (England: "E|year"); the
# last row of a key wins, as in csceval.
ees_index <- function(f, col, codecol) {
  lev <- as.character(f$geographic_level)
  key <- ifelse(lev == "National", "E", ifelse(lev == "Local authority", as.character(f[[codecol]]), NA))
  tab <- setNames(num(f[[col]]), paste(key, f$time_period, sep = "|"))
  tab <- tab[!is.na(key)]
  tab[!duplicated(names(tab), fromLast = TRUE)]
}
# One measure of DfE's LAIT long file (measure_short, year, la_number, area_name, region, value):
# England is LAIT code 970, the regions above it.
lait_index <- function(f, measure) {
  f <- f[f$measure_short == measure & !is.na(f$la_number) & !is.na(f$year), ]
  code <- as.integer(num(f$la_number)); v <- num(f$value)
  key <- ifelse(code == 970, "E", as.character(code))
  tab <- setNames(v, paste(key, as.integer(num(f$year)), sep = "|"))
  tab <- tab[!duplicated(names(tab), fromLast = TRUE)]
  la <- code < 970
  list(tab = tab,
       all = split(setNames(v[la & !is.na(v)], code[la & !is.na(v)]), num(f$year)[la & !is.na(v)]),
       region_of = setNames(as.character(f$region[la]), code[la]),
       region = setNames(v[code > 970], paste(f$area_name[code > 970], num(f$year)[code > 970], sep = "|")))
}
get <- function(tab, key) { v <- unname(tab[key]); if (length(v) == 0) NA else v }
# Rank among all authorities with a figure that year (1 = highest, or lowest with polarity
# "low"; ties share the best rank), the number ranked, and the quartile ceil(4 rank / n).
rank_of <- function(vals, code, polarity) {
  mine <- vals[code]
  if (is.na(mine)) return(NULL)
  better <- if (polarity == "low") sum(vals < mine) else sum(vals > mine)
  r <- better + 1; n <- length(vals)
  list(rank = r, n = n, quartile = ceiling(4 * r / n))
}
]==]

designs.benchmark = function(plan, body)
  local d = plan.design
  local function add(s) body[#body + 1] = s end
  local expr_r = require("csc.export").expr_r
  if d.join_predecessors then
    plan.warn("join_predecessors (figures of a reorganised authority's predecessor) is not exported")
  end
  plan.uses[d.neighbours.input] = true
  for _, m in ipairs(d.measures) do
    plan.uses[m.input] = true
    if type(m.denominator) == "table" then plan.uses[m.denominator.input] = true end
  end
  add(BENCH_R)
  local codecol = d.code_column or "old_la_code"
  add(string.format("AUTH <- %s   # %s", rstr(tostring(d.authority)), d.authority_name))
  add(string.format("YEARS <- %d:%d%s", d.years.from, d.years.to,
    d.years.ending and ("   # years ending " .. d.years.ending) or "   # financial years ending March (2018 = 2017/18)"))
  add("# the authority's statistical neighbours")
  add(string.format("groupings <- input_%s", d.neighbours.input:gsub("[^%w_]", "_")))
  add(string.format("sn_cols <- %s", d.neighbours.columns and rvec(d.neighbours.columns)
    or "grep(\"^SN_?[0-9]+$\", names(groupings), value = TRUE)"))
  add(string.format("row <- groupings[as.character(groupings[[%s]]) == AUTH, , drop = FALSE]", rstr(d.neighbours.code_column)))
  add("sn <- as.character(unlist(row[1, sn_cols])); sn <- sn[!is.na(sn) & sn != \"\"]")
  add("cat(\"neighbours:\", sn, \"\\n\")")
  if d.checks then
    add("")
    add("# The printed table's arithmetic: each printed percentage recomputed from its count and base")
    for _, c in ipairs(d.checks) do
      add(string.format("put(%s, 100 * %s / %s)   # %s: printed %s", rstr("check." .. c.name), rval(c.count),
        rval(c.base), c.label, rval(c.printed)))
    end
  end
  local function filtered(input, where, what)
    local v = "input_" .. input:gsub("[^%w_]", "_")
    if not where then return v end
    local rx, why = expr_r(where)
    if not rx then
      plan.warn(what .. ": the filter " .. where .. " uses " .. tostring(why) .. ", which the export does not translate")
      return v
    end
    return string.format("subset(%s, (%s) %%in%% TRUE)", v, rx)
  end
  for _, m in ipairs(d.measures) do
    local per = m.per or 1
    add("")
    add(string.format("# ---- Measure %s: %s", m.name, m.label))
    if m.lait then
      add(string.format("# the LAIT indicator %s as published", m.lait))
      add(string.format("L <- lait_index(input_%s, %s)", m.input:gsub("[^%w_]", "_"), rstr(m.lait)))
      add("numt <- L$tab; dent <- NULL; lag <- 0")
    else
      add(string.format("numt <- ees_index(%s, %s, %s)", filtered(m.input, m.where, m.name .. ".where"),
        rstr(m.numerator), rstr(codecol)))
      if type(m.denominator) == "string" then
        add(string.format("dent <- ees_index(%s, %s, %s); lag <- 0   # %s / %s x %s",
          filtered(m.input, m.where, m.name .. ".where"), rstr(m.denominator), rstr(codecol), m.numerator,
          m.denominator, rval(per)))
      elseif type(m.denominator) == "table" then
        local dn = m.denominator
        add(string.format("dent <- ees_index(%s, %s, %s); lag <- %d   # the denominator of year Y is %s's for Y - %d",
          filtered(dn.input, dn.where, m.name .. ".denominator.where"), rstr(dn.column), rstr(codecol),
          dn.year_lag or 0, dn.input, dn.year_lag or 0))
      else
        add("dent <- NULL; lag <- 0   # the published column as it stands")
      end
    end
    local py = m.part_year
    add(string.format("value_of <- function(code, y) {\n  sc <- %s\n  if (is.null(dent)) return(get(numt, paste(code, y, sep = \"|\")) * sc)\n"
      .. "  den <- get(dent, paste(code, y - lag, sep = \"|\"))\n"
      .. "  if (is.na(den) || den == 0) return(NA)\n  get(numt, paste(code, y, sep = \"|\")) / den * %s * sc\n}",
      py and string.format("if (y == %d) 12 / %d else 1   # a part-year, annualised", py.year, py.months) or "1",
      rval(per)))
    local ikind = m.interval ~= "none" and ((m.lait and m.count) or (not m.lait and m.denominator ~= nil))
      and (m.interval or (per == 100 and "wilson" or "exact")) or nil
    if ikind then
      add(string.format("# the 95%% interval of the authority's figure: %s", ikind == "wilson"
        and "Wilson score interval (prop.test(correct = FALSE))" or ikind == "exact"
        and "exact Poisson interval for the count (poisson.test), scaled to the rate"
        or "Byar's approximation to the exact Poisson interval, scaled to the rate"))
      if m.lait then
        add(string.format("cnt <- lait_index(input_%s, %s)$tab", m.input:gsub("[^%w_]", "_"), rstr(m.count)))
        if m.base then
          add(string.format("bas <- lait_index(input_%s, %s)$tab", m.input:gsub("[^%w_]", "_"), rstr(m.base)))
        else add("bas <- NULL") end
        if m.population then
          local pp = m.population
          add(string.format("pop <- ees_index(%s, %s, %s); plag <- %d", filtered(pp.input, pp.where, m.name .. ".population.where"),
            rstr(pp.column), rstr(codecol), pp.year_lag or 0))
        else add("pop <- NULL; plag <- 0") end
        add(string.format([[counts_of <- function(code, y, value) {
  k <- get(cnt, paste(code, y, sep = "|")); if (is.na(k)) return(NULL)
  if (!is.null(bas)) { b <- get(bas, paste(code, y, sep = "|")); if (!is.na(b) && b > 0 && k <= b) return(c(k, b)); return(NULL) }
  if (!is.null(pop)) { b <- get(pop, paste(code, y - plag, sep = "|")); if (!is.na(b) && b > 0) return(c(k, b)) }
  if (!is.na(value) && value > 0) return(c(k, k * %s / value))   # the population the published rate implies
  NULL
}]], rval(per)))
      else
        add(string.format([[counts_of <- function(code, y, value) {
  k <- get(numt, paste(code, y, sep = "|")); b <- get(dent, paste(code, y - lag, sep = "|"))
  if (!is.na(k) && !is.na(b) && b > 0 && (%s || k <= b)) c(k, b) else NULL
}]], ikind == "wilson" and "FALSE" or "TRUE"))
      end
      add(string.format([[ci_of <- function(k, b) {
  if (%s == "wilson") return(prop.test(k, b, correct = FALSE)$conf.int * %s)
  if (%s == "byar") { z <- qnorm(0.975)
    lo <- if (k == 0) 0 else k * (1 - 1 / (9 * k) - z / (3 * sqrt(k)))^3
    hi <- (k + 1) * (1 - 1 / (9 * (k + 1)) + z / (3 * sqrt(k + 1)))^3
    return(c(lo, hi) / b * %s) }
  poisson.test(k)$conf.int / b * %s
}]], rstr(ikind), rval(per), rstr(ikind), rval(per), rval(per)))
    end
    add("for (y in YEARS) {")
    add("  a <- value_of(AUTH, y); e <- value_of(\"E\", y)")
    if ikind then
      local sc = py and string.format("(if (y == %d) 12 / %d else 1)", py.year, py.months) or "1"
      add(string.format("  kb <- if (!is.na(a)) counts_of(AUTH, y, a / %s) else NULL", sc))
      add(string.format("  if (!is.null(kb)) { ci <- ci_of(kb[1], kb[2]) * %s; put(paste0(%s, y, \":ci_low\"), ci[1]); "
        .. "put(paste0(%s, y, \":ci_high\"), ci[2]) }", sc, rstr(m.name .. ".authority."), rstr(m.name .. ".authority.")))
    end
    add("  v <- vapply(sn, value_of, 0, y = y); v <- v[!is.na(v)]")
    add(string.format("  if (!is.na(a)) put(paste0(%s, y), a)", rstr(m.name .. ".authority.")))
    add(string.format("  if (length(v) > 0) { put(paste0(%s, y), mean(v)); put(paste0(%s, y, \":n\"), length(v)) }",
      rstr(m.name .. ".neighbours_mean."), rstr(m.name .. ".neighbours_mean.")))
    add(string.format("  if (!is.na(e)) put(paste0(%s, y), e)", rstr(m.name .. ".england.")))
    add(string.format("  if (!is.na(a) && length(v) > 0) put(paste0(%s, y), as.numeric(a < mean(v)))",
      rstr(m.name .. ".below_neighbours.")))
    add(string.format("  if (!is.na(a) && !is.na(e)) put(paste0(%s, y), as.numeric(a < e))", rstr(m.name .. ".below_england.")))
    add("  # rank and quartile among every authority with a figure that year")
    if m.lait then
      add("  vals <- L$all[[as.character(y)]]")
      add("  reg <- L$region_of[AUTH]")
      add(string.format("  if (!is.na(reg) && !is.na(get(L$region, paste(reg, y, sep = \"|\")))) put(paste0(%s, y), "
        .. "get(L$region, paste(reg, y, sep = \"|\")))", rstr(m.name .. ".region.")))
    else
      add("  codes <- unique(sub(\"\\\\|.*\", \"\", grep(paste0(\"^[0-9]+\\\\|\", y, \"$\"), names(numt), value = TRUE)))")
      add("  vals <- vapply(codes, value_of, 0, y = y); vals <- vals[!is.na(vals)]")
    end
    add(string.format("  r <- if (length(vals) > 0) rank_of(vals, AUTH, %s) else NULL", rstr(m.polarity or "high")))
    add(string.format("  if (!is.null(r)) { put(paste0(%s, y), r$rank); put(paste0(%s, y, \":n\"), r$n); "
      .. "put(paste0(%s, y), r$quartile) }", rstr(m.name .. ".rank."), rstr(m.name .. ".rank."), rstr(m.name .. ".quartile.")))
    add("}")
  end
end

-- ===== The script =====

M.designs = { its = true, ipw = true, matching = true, cits = true, did = true, benchmark = true }
local PACKAGES = { its = { "sandwich", "lmtest" }, ipw = { "sandwich", "lmtest" },
  cits = { "sandwich", "lmtest" }, did = { "sandwich", "lmtest" }, benchmark = {},
  matching = { "MatchIt", "sandwich", "lmtest" } }

function M.script(plan)
  local build = designs[plan.type]
  local body = {}
  -- inputs the design reads besides its frame (a trend ratio's series)
  plan.uses = {}
  for _, o in ipairs(plan.outcomes or {}) do
    if type(o.rescale_control) == "table" and o.rescale_control.data then plan.uses[o.rescale_control.data] = true end
  end
  local design_body = {}
  build(plan, design_body)   -- first: it records the inputs it reads (plan.uses) and its warnings
  load_data(plan, body)
  body[#body + 1] = string.format("\nALPHA <- %s\nLEVEL <- %s\nINFERENCE <- %s",
    rval(plan.options.alpha), rval(plan.options.level), rstr(plan.design.inference or "t"))
  for _, line in ipairs(design_body) do body[#body + 1] = line end
  -- the header last: the design may have recorded warnings
  return header(plan, PACKAGES[plan.type] or {}) .. "\n" .. table.concat(body, "\n") .. "\n" .. footer(plan)
end

return M
