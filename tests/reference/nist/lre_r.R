# Run as: Rscript tests/reference/nist/lre_r.R   (from the repository root)
#
# The minimum log relative error (LRE) of R's lm() on the eleven NIST StRD
# linear problems, coefficients and standard errors, with lm's default
# tol = 1e-7 and with tol = 1e-10, for docs/methods/regression.md beside
# csceval's (tests/c/test_nist.c prints those).  Same models, same data
# (the files here), same LRE definition.  An aliased coefficient (NA) has
# LRE 0.  Writes lre_r.csv next to this script.
dir <- "tests/reference/nist/"
sets <- list(Norris = c(1, 1, 1), Pontius = c(2, 1, 1), NoInt1 = c(1, 1, 0),
             NoInt2 = c(1, 1, 0), Filip = c(10, 1, 1), Longley = c(0, 6, 1),
             Wampler1 = c(5, 1, 1), Wampler2 = c(5, 1, 1), Wampler3 = c(5, 1, 1),
             Wampler4 = c(5, 1, 1), Wampler5 = c(5, 1, 1))
lre <- function(got, cert) {
  r <- ifelse(cert != 0, -log10(abs(got - cert) / abs(cert)), -log10(abs(got)))
  r[is.na(r)] <- 0
  pmin(r, 15)
}
out <- data.frame()
suppressWarnings(for (nm in names(sets)) {
  s <- sets[[nm]]
  lines <- readLines(paste0(dir, nm, ".dat"))
  hdr <- grep("Data +\\(lines", lines, value = TRUE)
  ab <- as.integer(regmatches(hdr, gregexpr("[0-9]+", hdr))[[1]])
  d <- read.table(text = lines[ab[1]:ab[2]])
  cl <- grep("^ *B[0-9]+ ", lines[1:(ab[1] - 1)], value = TRUE)
  cert <- read.table(text = cl)
  y <- d[[1]]
  X <- if (s[1] > 0) outer(d[[2]], seq_len(s[1]), "^") else as.matrix(d[-1])
  for (tol in c(1e-7, 1e-10)) {
    fit <- if (s[3] == 1) lm(y ~ X, tol = tol) else lm(y ~ X - 1, tol = tol)
    b <- coef(fit)
    se <- sqrt(diag(vcov(fit, complete = TRUE)))
    out <- rbind(out, data.frame(dataset = nm, tol = tol,
                                 min_lre_coef = round(min(lre(b, cert[[2]])), 2),
                                 min_lre_se = round(min(lre(se, cert[[3]])), 2),
                                 aliased = sum(is.na(b))))
  }
})  # lm warns of the essentially perfect fits of Wampler1 and 2
print(out, row.names = FALSE)
write.csv(out, paste0(dir, "lre_r.csv"), row.names = FALSE, quote = FALSE)
