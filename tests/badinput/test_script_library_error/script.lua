local model = require("csc.model")
local f = require("host.frame").new{ names = { "y", "x" }, columns = { { 1, 2, 4 }, { 1, 3, 2 } } }
model.ols{ data = f, y = "y", x = { "x" }, vcov = "HC9" }
