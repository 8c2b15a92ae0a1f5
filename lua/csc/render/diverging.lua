--- Chart kind "diverging" (ctx:chart{kind = "diverging", ...}): diverging
-- stacked bars for answer distributions on an ordered scale (the survey
-- design's distribution analyses).  The colours are the report palette's
-- two ends with lighter steps toward the middle; every segment carries a
-- <title> with its label and share, so the chart reads without colour.
-- @module csc.render.diverging
local svg = require("csc.render.svg")

local M = {}
local esc, num = svg.escape, svg.num

-- Negative side dark red to light, positive side light blue to dark.
local NEG = { "#801650", "#b35d8a", "#d9a3c0" }
local POS = { "#9fb8cf", "#4f7ba3", "#12436D" }
local MID = "#bfc1c3"

--- spec: id, title, scores {...}, labels {...}, rows {{label, counts}}.
function M.diverging(spec)
  local k = #spec.scores
  local half = k / 2
  local W, left, right, rowh, top = 720, 280, 30, 26, 46
  local h = top + rowh * #spec.rows + 60
  local pw = W - left - right
  local cx = left + pw / 2
  local scale = pw / 200   -- -100% .. 100%
  local o = {}
  o[#o + 1] = string.format('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" '
    .. 'aria-labelledby="%s-title %s-desc" font-family="%s" font-size="12">', W, h, W, h, spec.id, spec.id, svg.font)
  o[#o + 1] = string.format('<title id="%s-title">%s</title><desc id="%s-desc">Diverging stacked bars of answer shares; '
    .. 'answers below the middle of the scale extend left of the centre line.</desc>', spec.id, esc(spec.title), spec.id)
  o[#o + 1] = string.format('<text x="8" y="20" font-size="15" font-weight="bold" fill="%s">%s</text>', svg.ink, esc(spec.title))
  local function colour(j)
    if k % 2 == 1 and j == (k + 1) / 2 then return MID end
    if j <= half then return NEG[math.max(1, #NEG - math.floor(half) + j)] or NEG[1] end
    local r = j - math.ceil(half)
    return POS[math.min(#POS, #POS - (k - math.ceil(half)) + r)] or POS[#POS]
  end
  for i, row in ipairs(spec.rows) do
    local n = 0
    for _, c in ipairs(row.counts) do n = n + c end
    local y = top + (i - 1) * rowh
    o[#o + 1] = string.format('<text x="%s" y="%s" text-anchor="end" fill="%s">%s</text>', num(left - 8), num(y + rowh / 2 + 4),
      svg.ink, esc(#row.label > 44 and (row.label:sub(1, 42) .. "…") or row.label))
    if n > 0 then
      -- start of the bar: minus the share of answers below the middle (half the middle one)
      local below = 0
      for j = 1, k do
        local c = row.counts[j]
        if j <= math.floor(half) then below = below + c elseif k % 2 == 1 and j == (k + 1) / 2 then below = below + c / 2 end
      end
      local x = cx - 100 * below / n * scale
      for j = 1, k do
        local wdt = 100 * row.counts[j] / n * scale
        if wdt > 0 then
          local lab = spec.labels and spec.labels[j] or num(spec.scores[j])
          o[#o + 1] = string.format('<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#ffffff" stroke-width="0.5">'
            .. '<title>%s: %s%%</title></rect>', num(x), num(y + 4), num(wdt), num(rowh - 8), colour(j), esc(lab),
            num(100 * row.counts[j] / n))
        end
        x = x + wdt
      end
    end
  end
  local axisy = top + rowh * #spec.rows + 6
  o[#o + 1] = string.format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>', num(cx), num(top), num(cx), num(axisy), svg.ink)
  for _, p in ipairs({ -100, -50, 0, 50, 100 }) do
    o[#o + 1] = string.format('<text x="%s" y="%s" text-anchor="middle" fill="%s">%d%%</text>', num(cx + p * scale),
      num(axisy + 14), svg.ink, math.abs(p))
  end
  local lx = left
  for j = 1, k do
    local lab = spec.labels and spec.labels[j] or num(spec.scores[j])
    o[#o + 1] = string.format('<rect x="%s" y="%s" width="12" height="12" fill="%s"/><text x="%s" y="%s" fill="%s">%s</text>',
      num(lx), num(axisy + 26), colour(j), num(lx + 16), num(axisy + 36), svg.ink, esc(lab))
    lx = lx + 26 + 7 * #lab
  end
  o[#o + 1] = "</svg>"
  return table.concat(o, "\n")
end

return M
