# Run as: Rscript tests/reference/its/make_nwd_lait.R
# recipes/nwd_leaving_care_lait.lua: comparative ITS (itsa
# terms, pooled comparators) of LAIT's care leavers aged 19-21 in suitable
# accommodation (lag 0) and in EET (lag 2), North Yorkshire (815) against
# the report's comparison sets, years 2015-2019 with 2018 left out.
# Written from the raw LAIT file with base R; needs ../shared/data/lait/.
# Writes tests/reference/its/nwd_lait_expected.csv (outcome, impact, se,
# statistic, p, conf_low, conf_high, df, n).
# With one post year, _x_t and _z_x_t are 0 in every row, so they are left
# out (csceval's pivoted QR drops them the same way); impact = _z_x.
lait <- read.csv("../shared/data/lait/lait_csc_key_measures_2015_2025_long.csv", stringsAsFactors = FALSE)
nw_panel <- function(X, e, unit, pos, L) {
  n <- nrow(X); k <- ncol(X)
  psi <- X * e
  M <- crossprod(psi)
  if (L > 0) for (i in seq_len(n)) for (j in seq_len(n)) {
    l <- pos[i] - pos[j]
    if (unit[i] == unit[j] && l >= 1 && l <= L)
      M <- M + (1 - l / (L + 1)) * (tcrossprod(psi[i, ], psi[j, ]) + tcrossprod(psi[j, ], psi[i, ]))
  }
  B <- solve(crossprod(X))
  n / (n - k) * B %*% M %*% B
}
cases <- list(
  list(name = "accommodation", m = "CareLeaverAcc", lag = 0, comp = c(925, 860, 384)),
  list(name = "eet", m = "CareLeaverEET", lag = 2, comp = c(383, 925, 392, 928, 860, 384)))
out <- NULL
for (cs in cases) {
  d <- lait[lait$measure_short == cs$m & lait$year %in% c(2015, 2016, 2017, 2019) &
            lait$la_number %in% c(815, cs$comp), ]
  d$pct <- suppressWarnings(as.numeric(d$value))
  d <- d[!is.na(d$pct), ]
  d <- d[order(d$la_number != 815, d$la_number, d$year), ]
  t_ <- d$year - 2015
  z <- as.numeric(d$la_number == 815)
  x <- as.numeric(d$year >= 2019)
  X <- cbind(1, t_, z, z * t_, x, z * x)
  f <- lm.fit(X, d$pct)
  dfr <- nrow(X) - ncol(X)
  pos <- ave(d$year, d$la_number, FUN = seq_along)   # lags count observations (hac = "rows")
  V <- nw_panel(X, f$residuals, d$la_number, pos, cs$lag)
  est <- f$coefficients[6]; se <- sqrt(V[6, 6])
  crit <- qt(0.975, dfr)
  out <- rbind(out, data.frame(outcome = cs$name, impact = sprintf("%.17g", est), se = sprintf("%.17g", se),
    statistic = sprintf("%.17g", est / se), p = sprintf("%.17g", 2 * pt(-abs(est / se), dfr)),
    conf_low = sprintf("%.17g", est - crit * se), conf_high = sprintf("%.17g", est + crit * se),
    df = dfr, n = nrow(X)))
}
write.csv(out, "tests/reference/its/nwd_lait_expected.csv", row.names = FALSE)
