-- A small recipe for the kill and concurrency tests (tests/hardening/run.sh):
-- quick to run, and its outputs name the seed, so a test can tell which run
-- wrote a report.
return {
  id = "small",
  title = "A small recipe",
  question = "How many rows has the test file?",
  source = { report = "tests/hardening", tables = { "none" } },
  inputs = { d = { path = "small.csv" } },
  design = {
    type = "custom",
    analyse = function(ctx)
      ctx:estimate{ label = "rows", value = ctx.data.d:nrow() }
    end,
  },
}
