-- recipes/nwd_leaving_care_lait.lua (comparative ITS on
-- LAIT's care-leaver series, 2015-2019) against base R on the raw LAIT
-- file: tests/reference/its/make_nwd_lait.R -> nwd_lait_expected.csv.
local H = ...
local sys = require("host.sys")
local frame = require("host.frame")

if sys.kind("../shared/data/lait/lait_csc_key_measures_2015_2025_long.csv") ~= "file" then
  H.skip("nwd_leaving_care_lait", "../shared/data/lait/ is absent")
  return
end

H.case("nwd_leaving_care_lait: the impacts on the real LAIT series agree with R", function()
  local res = require("csc.runner").run("recipes/nwd_leaving_care_lait.lua", { out = "tests/out/nwd_lait", trusted = true, data = {} })
  local by = {}
  for _, e in ipairs(res.estimates) do by[e.label] = e end
  local ref = assert(frame.read_csv("tests/reference/its/nwd_lait_expected.csv", { types = { outcome = "text" } }))
  -- OLS and a sandwich on 16 and 28 rows: agreement to rounding, 1e-9 relative
  for i = 1, ref:nrow() do
    local e = by[ref:value(i, "outcome") .. ".impact"]
    H.ok(e ~= nil, "estimate for " .. ref:value(i, "outcome"))
    H.eq(e.value, ref:value(i, "impact"), 1e-9)
    H.eq(e.se, ref:value(i, "se"), 1e-9)
    H.eq(e.p, ref:value(i, "p"), 1e-9)
    H.eq(e.ci, { ref:value(i, "conf_low"), ref:value(i, "conf_high") }, 1e-9)
    H.eq(e.df, ref:value(i, "df"))
    H.eq(e.n, ref:value(i, "n"))
  end
  local w = table.concat(res.warnings, "\n")
  H.ok(w:find("pre-period of three years", 1, true), "the shorter pre-period is stated")
  -- real data throughout: nothing is marked synthetic, and the one published
  -- figure (England's NEET share, 39% in the Introduction) is LAIT's own
  H.eq(res.synthetic, nil)
  H.eq({ res.npublished, res.nwithin }, { 1, 1 })
  local lait = assert(frame.read_csv("../shared/data/lait/lait_csc_key_measures_2015_2025_long.csv",
    { types = { value = "text" } })):filter('measure_short == "CareLeaversNEET" and year == 2019 and la_number == 970')
  H.eq(by["england.neet_2019"].value, tonumber(lait:value(1, "value")))
end)
