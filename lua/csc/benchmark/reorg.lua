--- Local government reorganisations that change authority codes, so that an
-- authority's series can be joined across them (old LA codes, years ending
-- 31 March).  A successor created in year Y (its first year of figures) has
-- its predecessor's figures before Y; they are figures for the predecessor's
-- whole area, so the join is flagged wherever it is used.
--   Northamptonshire (928) -> North Northamptonshire (940), West
--     Northamptonshire (941), April 2021: first year 2021/22 (2022)
--   Cumbria (909) -> Cumberland (942), Westmorland and Furness (943),
--     April 2023: first year 2023/24 (2024)
-- North Yorkshire (815) and Somerset (933) became unitary in April 2023
-- keeping their codes: their series continue, but their figures from 2024
-- cover a council with new functions; they are flagged, not joined.
-- @module csc.benchmark.reorg
local M = {}

M.successors = {
  ["940"] = { predecessor = "928", first = 2022, name = "Northamptonshire", event = "split of Northamptonshire, April 2021" },
  ["941"] = { predecessor = "928", first = 2022, name = "Northamptonshire", event = "split of Northamptonshire, April 2021" },
  ["942"] = { predecessor = "909", first = 2024, name = "Cumbria", event = "split of Cumbria, April 2023" },
  ["943"] = { predecessor = "909", first = 2024, name = "Cumbria", event = "split of Cumbria, April 2023" },
}
M.continuing = {
  ["815"] = { first = 2024, event = "North Yorkshire became a unitary council, April 2023" },
  ["933"] = { first = 2024, event = "Somerset became a unitary council, April 2023" },
}

--- The code whose figure stands for `code` in `year`, and a flag when it
-- is a predecessor's.
function M.code_for(code, year)
  local s = M.successors[tostring(code)]
  if s and year < s.first then return s.predecessor, s end
  return tostring(code), nil
end

return M
