-- Compare the results an exported script wrote (name,value CSV) with
-- csceval's own results.json, to the tolerance of the design
-- (docs/export.md, "What is compared").  Run by tests/export/run.sh:
--   ./csceval test tests/export/compare.lua RESULTS.json SCRIPT_RESULTS.csv DESIGN
-- Every row of the CSV must name an estimate of results.json (or a part of
-- one: NAME:se, NAME:p, NAME:ci_low, NAME:ci_high, NAME:n) and agree with it:
-- |script - csceval| <= tol * max(1, |csceval|).  Exit 0 when all agree.
local sys = require("host.sys")
local json = require("csc.json")
local util = require("csc.util")

-- The tolerance of each design, with its reason (docs/export.md).
local TOL = {
  -- the same least-squares fits (pivoted QR in both); Prais-Winsten iterates
  -- rho to the same 1e-6 from the same start
  its = 1e-6, cits = 1e-6, did = 1e-6,
  -- MatchIt picks the same matches (same rules, same order): the balance and
  -- effect estimates are then the same least-squares arithmetic
  matching = 1e-6,
  -- the logistic propensity model is fitted by IRLS in both, to a convergence
  -- criterion (R glm: relative deviance change 1e-8); weights inherit its error
  ipw = 1e-5,
  -- arithmetic on the same published figures
  benchmark = 1e-9,
}

local json_path, csv_path, design = arg[1], arg[2], arg[3]
local tol = TOL[design]
if not tol then error("no tolerance for design " .. tostring(design)) end
local doc = json.decode(assert(sys.read(json_path)))
local by = {}
for _, e in ipairs(doc.estimates) do by[e.label] = e end
local rows = util.csv_rows(assert(sys.read(csv_path)))
local n, bad = 0, {}
local worst, worst_name = 0, nil
for i = 2, #rows do
  local name, value = rows[i][1], tonumber(rows[i][2])
  local label, part = name:match("^(.-):([%w_]+)$")
  if not label then label, part = name, "value" end
  local e = by[label]
  local ref
  if e then
    if part == "value" then ref = e.value
    elseif part == "se" then ref = e.se
    elseif part == "p" then ref = e.p
    elseif part == "n" then ref = e.n
    elseif part == "ci_low" then ref = e.ci and e.ci[1]
    elseif part == "ci_high" then ref = e.ci and e.ci[2] end
  end
  if type(ref) ~= "number" then
    bad[#bad + 1] = string.format("%s: not among csceval's results (%s)", name, json_path)
  elseif value == nil or value ~= value then
    bad[#bad + 1] = string.format("%s: the script gave no number (%s); csceval %.10g", name, tostring(rows[i][2]), ref)
  else
    local diff = math.abs(value - ref) / math.max(1, math.abs(ref))
    if diff > worst then worst, worst_name = diff, name end
    if diff > tol then
      bad[#bad + 1] = string.format("%s: script %.10g, csceval %.10g (relative difference %.2g > %g)",
        name, value, ref, diff, tol)
    end
    n = n + 1
  end
end
if n == 0 then bad[#bad + 1] = "no results to compare in " .. csv_path end
print(string.format("%s: %d numbers compared (%s tolerance %g); largest difference %.2g%s", csv_path, n, design,
  tol, worst, worst_name and (" (" .. worst_name .. ")") or ""))
for _, b in ipairs(bad) do print("  MISMATCH " .. b) end
return #bad == 0 and 0 or 1
