--- Design "custom": the recipe supplies the analysis as a Lua function.
-- For steps particular to one evaluation.  The function receives the run
-- context (ctx.data holds the inputs) and records estimates and tables.
-- @module csc.designs.custom
local S = require("csc.schema")

local M = {}

M.schema = S.record({
  analyse = S.func({ required = true, doc = "function(ctx) that computes the results" }),
  summary = S.string({ doc = "the design in plain English, for the report" }),
  label = S.string({ doc = "a short name of the design for out/index (e.g. \"Weighted Mahalanobis matching\")" }),
})

function M.describe(design)
  return design.summary or "An analysis written as a recipe function (design \"custom\")."
end

function M.run(ctx, design)
  design.analyse(ctx)
end

return M
