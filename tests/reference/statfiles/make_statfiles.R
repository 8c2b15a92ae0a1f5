# Run as: Rscript tests/reference/statfiles/make_statfiles.R   (from the project root)
#
# Fixtures and expected values for csceval's Stata, SPSS and SAS reader
# (host/data/statfile.c, on ReadStat).  It
#   1. builds and runs gen_statfiles.c, which writes children.dta (with .a/.b),
#      children.sav and children.por (with user-missing -9 and 99) and
#      children.sas7bdat (with .A/.B) through ReadStat's own writer;
#   2. writes r_children.dta with R's foreign::write.dta (a factor, so value
#      labels; variable labels; a Date);
#   3. reads every file R's foreign can read (the .dta files and the .sav;
#      foreign reads neither ReadStat's .por nor any .sas7bdat) and writes
#      what R finds into expected.csv (one row per cell: value and missing
#      reason), labels.csv (variable labels) and value_labels.csv.
# The csceval tests (tests/lua/test_statfiles.lua) read the same files and
# compare; the .por and .sas7bdat are compared with the .sav's and the .dta's
# expectations, which hold the same data.
suppressMessages(library(foreign))
dir <- "tests/reference/statfiles"
exe <- tempfile("gen_statfiles")
stopifnot(system2("cc", c("-o", exe, file.path(dir, "gen_statfiles.c"), "-lreadstat")) == 0)
stopifnot(system2(exe, dir) == 0)

r <- data.frame(
  id = 1:6,
  sex = factor(c("Girl", "Boy", "Boy", NA, "Girl", "Boy"), levels = c("Girl", "Boy")),
  score = c(12.5, NA, 7.25, 20, 3, 11),
  dob = as.Date(c("2010-03-14", NA, "2009-12-31", "2012-02-29", "2008-01-05", "2013-06-30")),
  name = c("Amy", "Ben", "Cal", "Dee", "Eli", "Fay"),
  stringsAsFactors = FALSE)
attr(r, "var.labels") <- c("Child identifier", "Sex of child", "SDQ total difficulties",
                           "Date of birth", "First name")
write.dta(r, file.path(dir, "r_children.dta"), version = 10L)

num <- function(x) trimws(formatC(x, digits = 15, format = "g"))
cells <- list(); labs <- list(); vlabs <- list()

from_dta <- function(file) {
  d <- read.dta(file.path(dir, file), convert.factors = FALSE, convert.dates = TRUE,
                missing.type = TRUE)
  miss <- attr(d, "missing")
  lt <- attr(d, "label.table"); vl <- attr(d, "val.labels")
  for (j in seq_along(d)) {
    v <- names(d)[j]; x <- d[[j]]
    # missing.type: 0 is the system missing ".", k is .a, .b, ... (k-th letter)
    m <- miss[[v]]
    reason <- if (is.null(m)) ifelse(x == "", "blank", "") else
      ifelse(is.na(m), "", ifelse(m == 0, "NA", paste0(".", letters[pmax(m, 1)])))
    val <- if (inherits(x, "Date")) format(x) else if (is.numeric(x)) num(x) else x
    val[reason != ""] <- ""
    cells[[length(cells) + 1]] <<- data.frame(file = file, column = v, row = seq_along(x),
                                              value = val, missing = reason)
    labs[[length(labs) + 1]] <<- data.frame(file = file, column = v,
                                            label = attr(d, "var.labels")[j])
    if (vl[j] != "") {
      t <- lt[[vl[j]]]
      # Stata keeps labels of .a, .b, ... as codes 2147483621 + k
      code <- ifelse(t > 2147483620, paste0(".", letters[pmax(t - 2147483621, 1)]), num(t))
      vlabs[[length(vlabs) + 1]] <<- data.frame(file = file, column = v, value = code,
                                                label = names(t))
    }
  }
}

from_sav <- function(file) {
  d <- read.spss(file.path(dir, file), to.data.frame = FALSE, use.value.labels = FALSE,
                 use.missings = FALSE)
  mis <- attr(d, "missings")
  for (v in names(d)) {
    x <- d[[v]]
    um <- mis[[v]]$value
    # SPSS dates are seconds since 1582-10-14
    is_date <- v == "dob"
    reason <- ifelse(is.na(x), "NA", ifelse(!is.null(um) & x %in% um, "user", ""))
    if (is.character(x)) { x <- sub(" +$", "", x); reason <- ifelse(x == "", "blank", reason) }
    val <- if (is_date) format(as.Date(x / 86400, origin = "1582-10-14")) else
      if (is.numeric(x)) num(x) else x
    val[reason != ""] <- ""
    # a user-missing cell keeps its code, which csceval keeps too
    val[reason == "user"] <- num(x[reason == "user"])
    cells[[length(cells) + 1]] <<- data.frame(file = file, column = v, row = seq_along(x),
                                              value = val, missing = reason)
    labs[[length(labs) + 1]] <<- data.frame(file = file, column = v,
                                            label = attr(d, "variable.labels")[[v]])
    t <- attr(x, "value.labels")
    if (!is.null(t)) {
      t <- t[order(names(t))]
      vlabs[[length(vlabs) + 1]] <<- data.frame(file = file, column = v, value = num(t),
                                                label = names(t))
    }
  }
}

from_dta("children.dta")
from_dta("r_children.dta")
from_sav("children.sav")
write.csv(do.call(rbind, cells), file.path(dir, "expected.csv"), row.names = FALSE)
write.csv(do.call(rbind, labs), file.path(dir, "labels.csv"), row.names = FALSE)
write.csv(do.call(rbind, vlabs), file.path(dir, "value_labels.csv"), row.names = FALSE)
writeLines(capture.output(sessionInfo()), file.path(dir, "sessionInfo.txt"))
