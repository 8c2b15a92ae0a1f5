# Run as: Rscript make_edges.R   (from tests/reference/matching/)
#
# MatchIt on the edges of nearest-neighbour matching that csceval reports
# (tests/lua/test_match.lua, "ratio edges"): 3:1 Mahalanobis matching
# without replacement on data_small.csv, which has 29 treated and only 31
# controls, so most treated units get fewer than 3 matches and MatchIt warns.
# Writes edges.csv (case, quantity, value): the warning text, the number of
# treated units with 1 or 2 (fewer than 3, more than 0) matches, with none,
# and the pairs (treated row, slot, control row; rows 1-based).
# The propensity-score path of MatchIt 4.5.1 is not used (see make_matching.R).
suppressMessages(library(MatchIt))
d <- read.csv("data_small.csv")
w <- character(0)
m <- withCallingHandlers(
  matchit(t ~ x1 + x2 + x3, data = d, method = "nearest", distance = "mahalanobis", ratio = 3),
  warning = function(c) { w <<- c(w, conditionMessage(c)); invokeRestart("muffleWarning") })
mm <- m$match.matrix
got <- rowSums(!is.na(mm))
out <- data.frame(case = "ratio3", quantity = c("warning", "n_fewer_than_ratio", "n_unmatched"),
                  value = c(paste(w, collapse = " | "), sum(got > 0 & got < 3), sum(got == 0)))
pairs <- data.frame()
for (i in seq_len(nrow(mm))) for (s in seq_len(ncol(mm))) if (!is.na(mm[i, s]))
  pairs <- rbind(pairs, data.frame(case = "ratio3_pair",
    quantity = paste(rownames(mm)[i], s, sep = ":"), value = mm[i, s]))
write.csv(rbind(out, pairs), "edges.csv", row.names = FALSE)
print(out)
