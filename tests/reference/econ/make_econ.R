# Run as: Rscript make_econ.R   (from tests/reference/econ/)
# Reference values for csc.econ.formulas (tests/lua/test_econ.lua), computed
# by hand in base R from flows.csv: present values, NPV, BCR, ROI, payback,
# IRR (uniroot), Green Book declining discount rates, break-even and
# rebasing with deflators.  Writes expected.csv and sessionInfo.txt.
flows <- read.csv("flows.csv")
out <- data.frame(case = character(), quantity = character(), value = numeric())
add <- function(case, q, v) out[nrow(out) + 1, ] <<- list(case, q, v)

# Green Book 2022 (Table 8): 3.5% for years 0-30, 3.0% 31-75, 2.5% 76-125,
# 2.0% 126-200, 1.5% 201-300, 1.0% beyond; the factor for year t is the
# product of 1/(1 + r_y) over years y = 1..t, each at its own rate.
gb_rate <- function(y) ifelse(y <= 30, 0.035, ifelse(y <= 75, 0.030, ifelse(y <= 125, 0.025,
             ifelse(y <= 200, 0.020, ifelse(y <= 300, 0.015, 0.010)))))
gb_factor <- function(t) sapply(t, function(tt) if (tt == 0) 1 else prod(1 / (1 + gb_rate(1:tt))))
const_factor <- function(r) function(t) 1 / (1 + r)^t

payback <- function(cost, benefit, fac) {
  net <- (benefit - cost) * fac
  cum <- 0
  for (i in seq_along(net)) {
    if (cum + net[i] >= 0 && net[i] > 0) {
      if (i == 1) return(0)
      return((i - 2) + (-cum) / net[i])
    }
    cum <- cum + net[i]
  }
  NA
}

appraise <- function(case, label, fac) {
  f <- flows[flows$case == case, ]
  d <- fac(f$t)
  pc <- sum(f$cost * d); pb <- sum(f$benefit * d)
  add(label, "pv_costs", pc); add(label, "pv_benefits", pb); add(label, "npv", pb - pc)
  add(label, "bcr", pb / pc); add(label, "roi", (pb - pc) / pc)
  add(label, "payback", payback(f$cost, f$benefit, d))
}
appraise("A", "A_3.5", const_factor(0.035))
appraise("A", "A_0", const_factor(0))
appraise("A", "A_10", const_factor(0.10))
appraise("C", "C_10", const_factor(0.10))
appraise("D", "D_greenbook", gb_factor)
appraise("D", "D_3.5", const_factor(0.035))
appraise("E", "E_3.5", const_factor(0.035))
add("gb", "factor_30", gb_factor(30)); add("gb", "factor_31", gb_factor(31))
add("gb", "factor_76", gb_factor(76)); add("gb", "factor_100", gb_factor(100))

irr <- function(case) {
  f <- flows[flows$case == case, ]
  net <- f$benefit - f$cost
  uniroot(function(r) sum(net / (1 + r)^f$t), c(-0.99, 10), tol = 1e-14)$root
}
add("A", "irr", irr("A")); add("C", "irr", irr("C")); add("D", "irr", irr("D"))

# No Wrong Door, Leaving Care (DfE RR1030, p. 42): break-even on NEET prevention
unit <- mean(c(188182, 140038))
for (b in list(list("text", 1592102), list("table", 1596102))) {
  run <- b[[2]] * (1 - 0.10)
  add(paste0("nwd_", b[[1]]), "unit_value", unit)
  add(paste0("nwd_", b[[1]]), "running_cost", run)
  add(paste0("nwd_", b[[1]]), "ratio", run / unit)
  add(paste0("nwd_", b[[1]]), "rounded_up", ceiling(run / unit))
}
# rebasing: 100 at 2010 prices to 2019 prices with index 2010 = 88.4, 2019 = 100.0
add("rebase", "value", 100 * 100.0 / 88.4)

write.csv(transform(out, value = sprintf("%.17g", value)), "expected.csv", row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
