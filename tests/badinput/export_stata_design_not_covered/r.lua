return {
  title = "Referrals counted by a recipe function",
  question = "How many referrals are in the file?",
  source = { report = "New analysis", tables = { "none" } },
  inputs = { referrals = { path = "referrals.csv" } },
  design = {
    type = "custom",
    analyse = function(ctx)
      ctx:estimate{ label = "rows", value = ctx.data.referrals:nrow() }
    end,
  },
}
