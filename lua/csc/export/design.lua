--- csc.export.design: reading a design's declarations the same way for every
--- export language (csc.export.r, csc.export.stata).
local M = {}

--- The interruptions of an its or cits design, in time order: a list of
--- {at, level, slope}, from `interruptions` or the single `interruption`
--- (a time, or a table {at =, level = false, slope = false}).
function M.breaks(d)
  local list = d.interruptions or { d.interruption }
  local out = {}
  for _, b in ipairs(list) do
    if type(b) == "table" then out[#out + 1] = { at = b.at, level = b.level ~= false, slope = b.slope ~= false }
    else out[#out + 1] = { at = b, level = true, slope = true } end
  end
  return out
end

--- A field that may be one value or a list of them, as a list (nil: empty).
function M.list(v)
  if v == nil then return {} end
  if type(v) == "table" then return v end
  return { v }
end

return M
