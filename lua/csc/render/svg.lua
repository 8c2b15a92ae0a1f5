--- SVG charts for csceval reports: small, deterministic and accessible.
--
-- SHARED FILE between issue 5 (ITS charts) and issue 6 (reports).  Extend
-- it, do not break the API below: add a chart kind as a new function and an
-- entry in M.kinds, and document it here and in docs/reports.md.
--
-- Every chart function takes one table and returns one <svg> string that
-- has role="img", aria-labelledby pointing at its <title> and <desc>, a
-- white background (so PNG exports are not transparent), and only numbers
-- written with fixed decimals, so the same data give the same bytes.
-- Series differ by colour (the government Analysis Function palette, each
-- colour at least 3:1 against white), by dash pattern and by marker, so a
-- chart still reads in greyscale or for readers who cannot tell colours.
--
-- Fields every chart takes:
--   id      prefix of the ids inside the SVG; unique within a page (default "chart")
--   title   short title, drawn at the top and used as <title>        (required)
--   desc    a sentence or two on what the chart shows, as <desc>      (required)
--   width   viewBox width (default 640); the height follows the content
--   xlabel, ylabel   axis titles; x = {...}, y = {...} axis options (min, max,
--           ticks, format = function(v) -> text, include = {values}, pad)
--
-- API:
--   svg.plot(spec)       generic chart from layers: band, line, points, vline,
--                        hline, hbar, vbar, text (see plot below)
--   svg.lines(spec)      series = {{name, x, y}, ...}: lines with markers
--   svg.its(spec)        ITS / CITS: observed points, fitted segments, dashed
--                        counterfactual, intervention line, CI band
--   svg.love(spec)       love plot: standardised differences before/after adjustment
--   svg.overlap(spec)    propensity score overlap: mirrored histograms by group
--   svg.benchmark(spec)  authority against its neighbours' mean and range, and England
--   svg.funnel(spec)     funnel plot with 95% and 99.8% limits
--   svg.bars(spec)       grouped horizontal bars (cross-tabs)
--   svg.tornado(spec)    tornado chart for one-way sensitivity analysis
--   svg.kinds            kind name -> function (used by ctx:chart{kind = ...})
--   svg.chart(spec)      a chart built step by step: c:band, c:line, c:points,
--                        c:vline, c:render() (see "Builder API" below; the API
--                        the ITS designs of issue 5 were written against)
--   svg.nice_ticks(lo, hi, n) -> ticks, lo, hi, step
--   svg.num(x), svg.escape(s), svg.palette, svg.dashes, svg.markers
-- @module csc.render.svg

local util = require("csc.util")

local M = {}

--- Series colours: the Analysis Function categorical palette (GSS colour
-- guidance), in its recommended order.  Contrast against white: 10.3, 3.2,
-- 9.8, 3.0, 10.9, 3.1 (WCAG 1.4.11 asks 3:1 for graphics).
M.palette = { "#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1" }
--- Dash pattern per series ("" is solid), so lines differ without colour.
M.dashes = { "", "8 4", "2 3", "8 3 2 3", "4 2", "1 2" }
--- Marker per series.
M.markers = { "circle", "square", "triangle", "diamond", "cross", "circle" }
M.ink = "#0b0c0c"
M.muted = "#505a5f"
M.grid = "#b1b4b6"
M.font = "Arial, Helvetica, sans-serif"

local FS = 13         -- body text size in viewBox units
local TICK_FS = 12
-- legends are compact: smaller type and rows, so they take little of the chart
local LEGEND_FS = 12
local LEGEND_ROW = 18

local function style(i)
  i = ((i or 1) - 1) % #M.palette + 1
  return { colour = M.palette[i], dash = M.dashes[i], marker = M.markers[i] }
end

--- XML text escaping; control characters, which XML 1.0 forbids, are shown
-- as their control pictures (util.visible_controls).
function M.escape(s)
  return (util.visible_controls(s):gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
    ['"'] = "&quot;", ["'"] = "&#39;" }))
end
local esc = M.escape

--- A coordinate as text: two decimals with trailing zeros cut and no "-0",
-- so output does not depend on the C library's shortest-float printing.
function M.num(x)
  local s = string.format("%.2f", x)
  s = s:gsub("0+$", ""):gsub("%.$", "")
  if s == "-0" then s = "0" end
  return s
end
local num = M.num

local function ok(v) return type(v) == "number" and v == v and v ~= math.huge and v ~= -math.huge end

-- Heckbert's "nice numbers" (Graphics Gems, 1990): 1, 2, 5 or 10 times a
-- power of ten, rounded or taken as the next one up.
local function nicenum(x, round)
  local e = math.floor(math.log(x, 10))
  local f = x / 10 ^ e
  local nf
  if round then nf = (f < 1.5 and 1) or (f < 3 and 2) or (f < 7 and 5) or 10
  else nf = (f <= 1 and 1) or (f <= 2 and 2) or (f <= 5 and 5) or 10 end
  return nf * 10 ^ e
end

--- About n nice ticks covering [lo, hi].
-- @treturn table ticks  @treturn number lo  @treturn number hi  @treturn number step
function M.nice_ticks(lo, hi, n)
  n = math.max(n or 5, 2)
  if hi < lo then lo, hi = hi, lo end
  if hi - lo < 1e-12 * math.max(1, math.abs(lo)) then
    local d = (lo == 0) and 1 or math.abs(lo) * 0.1
    lo, hi = lo - d, hi + d
  end
  local step = nicenum(nicenum(hi - lo, false) / (n - 1), true)
  local glo = math.floor(lo / step + 1e-9) * step
  local ghi = math.ceil(hi / step - 1e-9) * step
  local ticks = {}
  for i = 0, math.floor((ghi - glo) / step + 0.5) do ticks[#ticks + 1] = glo + i * step end
  return ticks, glo, ghi, step
end

-- Thousands separators for whole-number labels of 10,000 or more (years
-- such as 2018 stay as they are).
local function group3(s)
  local sign, int, frac = s:match("^(%-?)(%d+)(.*)$")
  if not int or #int < 5 then return s end
  int = int:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return sign .. int .. frac
end

--- Label for a tick value, with as many decimals as the step needs.
local function tick_format(step)
  local d = math.max(0, -math.floor(math.log(step, 10) + 1e-9))
  return function(v)
    local s = string.format("%." .. d .. "f", v)
    if s:match("^%-0%.?0*$") then s = s:sub(2) end
    return group3(s)
  end
end

--- Default label for a bar's value: up to two decimals, trailing zeros cut.
local function value_format(v) return group3(num(v)) end

--- Approximate width of text in viewBox units (Arial averages about 0.55 em).
local function text_w(s, size)
  return (utf8.len(s) or #s) * (size or FS) * 0.55
end

--- Split text into lines no wider than w.
local function wrap(s, w, size)
  local lines, cur = {}, ""
  for word in tostring(s):gmatch("%S+") do
    local try = cur == "" and word or (cur .. " " .. word)
    if cur ~= "" and text_w(try, size) > w then lines[#lines + 1] = cur; cur = word
    else cur = try end
  end
  if cur ~= "" then lines[#lines + 1] = cur end
  if #lines == 0 then lines[1] = "" end
  return lines
end

local function text(x, y, s, attrs)
  return string.format('<text x="%s" y="%s"%s>%s</text>', num(x), num(y), attrs or "", esc(s))
end

local function req(spec, fn)
  if type(spec) ~= "table" then error(fn .. ": expected a table", 0) end
  for _, k in ipairs({ "title", "desc" }) do
    if type(spec[k]) ~= "string" or spec[k] == "" then
      error(string.format("%s: %s must be a non-empty string (charts need a title and a description "
        .. "for readers who cannot see them)", fn, k), 0)
    end
  end
end

local function list(v, what, fn)
  if type(v) ~= "table" then error(string.format("%s: %s must be a list", fn, what), 0) end
  return v
end

-- ===== Markers, patterns and legend samples =====

local function marker(shape, x, y, colour, open, r)
  r = r or 4
  local fill = open and "#ffffff" or colour
  local sw = open and ' stroke-width="1.5"' or ' stroke-width="1"'
  if shape == "square" then
    return string.format('<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s"%s/>',
      num(x - r), num(y - r), num(2 * r), num(2 * r), fill, colour, sw)
  elseif shape == "triangle" then
    return string.format('<path d="M%s %sL%s %sL%s %sZ" fill="%s" stroke="%s"%s/>', num(x), num(y - 1.25 * r),
      num(x + 1.15 * r), num(y + 0.85 * r), num(x - 1.15 * r), num(y + 0.85 * r), fill, colour, sw)
  elseif shape == "diamond" then
    return string.format('<path d="M%s %sL%s %sL%s %sL%s %sZ" fill="%s" stroke="%s"%s/>', num(x), num(y - 1.35 * r),
      num(x + 1.35 * r), num(y), num(x), num(y + 1.35 * r), num(x - 1.35 * r), num(y), fill, colour, sw)
  elseif shape == "cross" then
    return string.format('<path d="M%s %sL%s %sM%s %sL%s %s" stroke="%s" stroke-width="2" fill="none"/>',
      num(x - r), num(y - r), num(x + r), num(y + r), num(x - r), num(y + r), num(x + r), num(y - r), colour)
  end
  return string.format('<circle cx="%s" cy="%s" r="%s" fill="%s" stroke="%s"%s/>', num(x), num(y), num(r), fill, colour, sw)
end

-- A bar fill: plain colour, or colour with white diagonal stripes when
-- `hatch` is set, so neighbouring bars differ without colour.
local function fill_of(c, colour, hatch)
  if not hatch then return colour end
  local pid = string.format("%s-hatch%d", c.id, c:pattern(colour))
  return "url(#" .. pid .. ")"
end

local function dash_attr(d)
  if d and d ~= "" then return ' stroke-dasharray="' .. d .. '"' end
  return ""
end

local MONTHS = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }
--- A month written as a code ("2017-04", "2017m4") in words ("Apr 2017");
-- any other text is returned as it is.
function M.month_label(s)
  s = tostring(s)
  local y, m = s:match("^(%d%d%d%d)%-(%d%d)$")
  if not y then y, m = s:match("^(%d%d%d%d)m(%d%d?)$") end
  local k = m and tonumber(m)
  if k and k >= 1 and k <= 12 then return MONTHS[k] .. " " .. y end
  return s
end

--- Add lines of small print at the foot of a finished SVG, inside the image
-- (so they travel with the SVG and its PNG): the chart's source, and the
-- synthetic-data mark.  lines: {{text = s, strong = bool}, ...}.  The
-- height (viewBox and height attribute) grows to make room; an SVG without
-- a viewBox or numeric width and height is returned unchanged.
function M.footnote(svg, lines)
  if not lines or #lines == 0 then return svg end
  local open_tag = svg:match("^%s*(<svg[^>]*>)")
  if not open_tag then return svg end
  local x0, y0, w, h = open_tag:match('viewBox%s*=%s*"%s*([%-%d.]+)[%s,]+([%-%d.]+)[%s,]+([%d.]+)[%s,]+([%d.]+)%s*"')
  x0, y0, w, h = tonumber(x0), tonumber(y0), tonumber(w), tonumber(h)
  local aw = tonumber(open_tag:match('%swidth%s*=%s*"([%d.]+)"'))
  local ah = tonumber(open_tag:match('%sheight%s*=%s*"([%d.]+)"'))
  if not w then
    if not (aw and ah) then return svg end
    x0, y0, w, h = 0, 0, aw, ah
  end
  local size = 11
  local body = {}
  local y = y0 + h + 4
  for _, l in ipairs(lines) do
    for _, line in ipairs(wrap(l.text, w - 16, size)) do
      y = y + size + 3
      body[#body + 1] = text(x0 + 8, y, line, string.format(' font-size="%d"%s fill="%s"', size,
        l.strong and ' font-weight="bold"' or "", l.strong and M.ink or M.muted))
    end
  end
  local extra = y + 6 - (y0 + h)
  local nh = h + extra
  local tag = open_tag:gsub('(viewBox%s*=%s*")[^"]*(")', function(a, b)
    return a .. string.format("%s %s %s %s", num(x0), num(y0), num(w), num(nh)) .. b
  end, 1)
  if not open_tag:match("viewBox") then
    tag = tag:gsub("^<svg", string.format('<svg viewBox="%s %s %s %s"', num(x0), num(y0), num(w), num(nh)), 1)
  end
  if ah then
    tag = tag:gsub('(%sheight%s*=%s*")[%d.]+(")', function(a, b) return a .. num(ah * nh / h) .. b end, 1)
  end
  local close = svg:find("</svg>%s*$")
  if not close then return svg end
  local head_start, head_end = svg:find(open_tag, 1, true)
  return svg:sub(1, head_start - 1) .. tag .. svg:sub(head_end + 1, close - 1)
    .. string.format('<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff"/>\n', num(x0), num(y0 + h), num(w), num(extra))
    .. table.concat(body, "\n") .. "\n</svg>\n"
end

-- ===== The canvas: header, title, legend, defs =====

local Canvas = {}
Canvas.__index = Canvas

local function canvas(spec, fn)
  req(spec, fn)
  local id = spec.id or "chart"
  if not tostring(id):match("^[%a][%w_%-]*$") then
    error(fn .. ": id must start with a letter and hold only letters, digits, _ and -", 0)
  end
  local w = spec.width or 640
  local c = setmetatable({ id = id, w = w, spec = spec, body = {}, patterns = {}, pattern_list = {},
    legend = {} }, Canvas)
  c.title_lines = wrap(spec.title, w - 16, 15)
  return c
end

function Canvas:add(s) self.body[#self.body + 1] = s end

function Canvas:pattern(colour)
  if not self.patterns[colour] then
    self.pattern_list[#self.pattern_list + 1] = colour
    self.patterns[colour] = #self.pattern_list
  end
  return self.patterns[colour]
end

--- Legend entry: {label, kind = "line"|"marker"|"box", colour, dash, marker, open, hatch, opacity}.
function Canvas:key(e) self.legend[#self.legend + 1] = e end

-- Legend rows laid out left to right, wrapping at the width.
function Canvas:legend_layout()
  local rows, x, row = {}, 8, {}
  for _, e in ipairs(self.legend) do
    local iw = 34 + text_w(e.label, LEGEND_FS) + 14
    if #row > 0 and x + iw > self.w - 8 then rows[#rows + 1] = row; row = {}; x = 8 end
    row[#row + 1] = { e = e, x = x }
    x = x + iw
  end
  if #row > 0 then rows[#rows + 1] = row end
  return rows
end

--- Height used above the plot area: title and legend.
function Canvas:header_height()
  self.legend_rows = self:legend_layout()
  return 10 + #self.title_lines * 20 + #self.legend_rows * LEGEND_ROW + 6
end

function Canvas:draw_legend(y0)
  for r, row in ipairs(self.legend_rows) do
    local y = y0 + (r - 1) * LEGEND_ROW + 9
    for _, it in ipairs(row) do
      local e, x = it.e, it.x
      if e.kind == "box" then
        self:add(string.format('<rect x="%s" y="%s" width="28" height="12" fill="%s" fill-opacity="%s" stroke="%s"/>',
          num(x), num(y - 6), fill_of(self, e.colour, e.hatch), e.opacity or 1, e.colour))
      else
        if e.kind == "line" then
          self:add(string.format('<path d="M%s %sH%s" stroke="%s" stroke-width="2.5"%s fill="none"/>',
            num(x), num(y), num(x + 28), e.colour, dash_attr(e.dash)))
        end
        if e.marker then self:add(marker(e.marker, x + 14, y, e.colour, e.open)) end
      end
      self:add(text(x + 34, y + 4, e.label, ' font-size="' .. LEGEND_FS .. '" fill="' .. M.ink .. '"'))
    end
  end
end

function Canvas:finish(h)
  local o = {}
  o[#o + 1] = string.format('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" '
    .. 'role="img" aria-labelledby="%s-title %s-desc" font-family="%s" font-size="%d">',
    num(self.w), num(h), num(self.w), num(h), self.id, self.id, M.font, FS)
  o[#o + 1] = string.format('<title id="%s-title">%s</title>', self.id, esc(self.spec.title))
  o[#o + 1] = string.format('<desc id="%s-desc">%s</desc>', self.id, esc(self.spec.desc))
  if #self.pattern_list > 0 then
    o[#o + 1] = "<defs>"
    for i, colour in ipairs(self.pattern_list) do
      o[#o + 1] = string.format('<pattern id="%s-hatch%d" width="6" height="6" patternUnits="userSpaceOnUse" '
        .. 'patternTransform="rotate(45)"><rect width="6" height="6" fill="%s"/>'
        .. '<path d="M0 0V6" stroke="#ffffff" stroke-width="2.5"/></pattern>', self.id, i, colour)
    end
    o[#o + 1] = "</defs>"
  end
  o[#o + 1] = string.format('<rect width="%s" height="%s" fill="#ffffff"/>', num(self.w), num(h))
  for i, line in ipairs(self.title_lines) do
    o[#o + 1] = text(8, 10 + i * 20 - 5, line, ' font-size="15" font-weight="bold" fill="' .. M.ink .. '"')
  end
  for _, s in ipairs(self.body) do o[#o + 1] = s end
  o[#o + 1] = "</svg>"
  return table.concat(o, "\n") .. "\n"
end

-- ===== Generic plot =====

local function collect(layers, axis, out)
  local function put(v) if ok(v) then out[#out + 1] = v end end
  local function putl(t) if type(t) == "table" then for _, v in pairs(t) do put(v) end elseif t then put(t) end end
  for _, l in ipairs(layers) do
    if axis == "x" then
      if l.type == "vline" then put(l.x)
      elseif l.type == "hbar" then putl(l.from or 0); putl(l.to)
      elseif l.type == "vbar" then putl(l.x0); putl(l.x1)
      elseif l.type ~= "hline" and l.type ~= "text" then putl(l.x) end
    else
      if l.type == "hline" then put(l.y)
      elseif l.type == "band" then putl(l.lo); putl(l.hi)
      elseif l.type == "vbar" then putl(l.from or 0); putl(l.to)
      elseif l.type ~= "vline" and l.type ~= "hbar" and l.type ~= "text" and not l.noscale then putl(l.y) end
    end
  end
  return out
end

local function domain(opts, values)
  local lo, hi = opts.min, opts.max
  for _, v in ipairs(opts.include or {}) do values[#values + 1] = v end
  for _, v in ipairs(values) do
    if opts.min == nil and (lo == nil or v < lo) then lo = v end
    if opts.max == nil and (hi == nil or v > hi) then hi = v end
  end
  if lo == nil then lo, hi = 0, 1 end
  return lo, hi
end

-- Runs of consecutive valid points (a missing value breaks a line).
local function runs(xs, ys, ys2)
  local out, cur = {}, {}
  for i = 1, math.max(#xs, #ys) do
    if ok(xs[i]) and ok(ys[i]) and (ys2 == nil or ok(ys2[i])) then cur[#cur + 1] = i
    elseif #cur > 0 then out[#out + 1] = cur; cur = {} end
  end
  if #cur > 0 then out[#out + 1] = cur end
  return out
end

local function as_list(v, n)
  if type(v) == "table" then return v end
  local t = {}
  for i = 1, n do t[i] = v end
  return t
end

--- Generic chart.  spec.layers is a list drawn in order; each has a type:
--   band   {x, lo, hi}                    shaded interval between two lines
--   line   {x, y, markers = bool}         line, broken at missing values
--   points {x, y, open = bool}            markers only
--   vline  {x, label}, hline {y, label}   reference lines
--   hbar   {y (category index), from, to, slot, slots, labels = bool, format}
--   vbar   {x0, x1, from, to}             histogram-style bars
--   text   {x, y, text, anchor}
-- Shared layer fields: style (series number), name (legend label), dash,
-- marker, colour, hatch (striped fill for bars), clip (clip to the plot),
-- key_order (legend position; default: drawing order).
-- spec.y.categories makes y categorical (rows top to bottom), as in bar
-- charts and love plots.
function M.plot(spec)
  local c = canvas(spec, "svg.plot")
  local layers = list(spec.layers or {}, "layers", "svg.plot")
  local xo, yo = spec.x or {}, spec.y or {}
  local cats = yo.categories

  -- legend entries from named layers, in key_order where given (a series
  -- drawn last, on top, can still come first in the legend)
  local named = {}
  for i, l in ipairs(layers) do if l.name then named[#named + 1] = { l = l, k = l.key_order or 1000, i = i } end end
  table.sort(named, function(p, q) if p.k ~= q.k then return p.k < q.k end return p.i < q.i end)
  for _, nl in ipairs(named) do
    local l = nl.l
    do
      local st = style(l.style)
      local colour = l.colour or st.colour
      local kind = "line"
      if l.type == "band" then kind = "box"
      elseif l.type == "points" then kind = "marker"
      elseif l.type == "hbar" or l.type == "vbar" then kind = "box" end
      c:key({ label = l.name, kind = kind, colour = colour,
        dash = (l.type == "vline" or l.type == "hline") and (l.dash or "4 3") or (l.dash or st.dash),
        marker = (l.type == "points" or (l.type == "line" and l.markers)) and (l.marker or st.marker) or nil,
        open = l.open, hatch = l.hatch, opacity = l.type == "band" and num(l.opacity or 0.25) or nil })
    end
  end
  local top = c:header_height()

  -- x scale
  local xlo, xhi = domain(xo, collect(layers, "x", {}))
  local pad = (xo.pad or 0) * (xhi - xlo)
  local xticks, xstep
  if xo.ticks then xticks = xo.ticks
  else
    local n = math.max(3, math.floor((c.w - 120) / 90))
    local t, lo, hi, st = M.nice_ticks(xlo, xhi, n)
    if not xo.exact then xlo, xhi = lo, hi end
    xticks, xstep = {}, st
    for _, v in ipairs(t) do if v >= xlo - 1e-9 and v <= xhi + 1e-9 then xticks[#xticks + 1] = v end end
  end
  if xhi <= xlo then xhi = xlo + 1 end
  xlo, xhi = xlo - pad, xhi + pad
  local xfmt = xo.format or tick_format(xstep or 1)
  do
    -- months read as "Apr 2017", not "2017-04" or "2017m4"
    local raw = xfmt
    xfmt = function(v) return M.month_label(raw(v)) end
  end

  -- y scale
  local ylo, yhi, yticks, yfmt
  local left
  if cats then
    local maxw = 0
    for _, s in ipairs(cats) do maxw = math.max(maxw, text_w(s, TICK_FS)) end
    left = math.min(maxw, c.w * 0.35) + 14
  else
    ylo, yhi = domain(yo, collect(layers, "y", {}))
    local t, lo, hi, st = M.nice_ticks(ylo, yhi, yo.nticks or 5)
    if yo.ticks then yticks = yo.ticks
    else
      -- nice ticks widen the range, except where the caller fixed an end
      local a, b = yo.min or lo, yo.max or hi
      yticks = {}
      for _, v in ipairs(t) do if v >= a - 1e-9 and v <= b + 1e-9 then yticks[#yticks + 1] = v end end
      ylo, yhi = a, b
    end
    yfmt = yo.format or tick_format(st)
    local maxw = 0
    for _, v in ipairs(yticks) do maxw = math.max(maxw, text_w(yfmt(v), TICK_FS)) end
    left = math.max(40, maxw + 14)
  end
  if spec.ylabel and not cats then top = top + 20 end
  -- labelled reference lines get a row above the plot, so labels never sit on data
  for _, l in ipairs(layers) do if l.type == "vline" and l.label then top = top + 18; break end end
  -- x tick labels, and room on the right for the last one
  local maxw, labels = 0, {}
  for i, v in ipairs(xticks) do labels[i] = xfmt(v); maxw = math.max(maxw, text_w(labels[i], TICK_FS)) end
  local right = spec.right or math.max(20, (#labels > 0 and text_w(labels[#labels], TICK_FS) / 2 or 0) + 6)
  local pw = c.w - left - right
  local row = spec.row_height or 28
  local ph = cats and (#cats * row) or (spec.plot_height or 240)
  local bottom = 26 + (spec.xlabel and 22 or 0)
  local h = top + ph + bottom

  local function sx(v) return left + (v - xlo) / (xhi - xlo) * pw end
  local sy
  if cats then sy = function(i) return top + (i - 0.5) * row end
  else sy = function(v) return top + ph - (v - ylo) / (yhi - ylo) * ph end end

  -- clip path for layers that ask for it (funnel limits run off the chart)
  c:add(string.format('<clipPath id="%s-clip"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath>',
    c.id, num(left), num(top), num(pw), num(ph)))

  -- grid and axes
  c:add('<g aria-hidden="true">')
  if not cats then
    for _, v in ipairs(yticks) do
      local y = sy(v)
      c:add(string.format('<path d="M%s %sH%s" stroke="%s" stroke-width="1"/>', num(left), num(y), num(left + pw), M.grid))
      c:add(text(left - 6, y + 4, yfmt(v), ' text-anchor="end" font-size="' .. TICK_FS .. '" fill="' .. M.ink .. '"'))
    end
    if spec.ylabel then
      c:add(text(8, top - 12, spec.ylabel, ' fill="' .. M.ink .. '"'))
    end
  else
    for i, s in ipairs(cats) do
      -- long labels take two lines, the second cut with an ellipsis
      local lines = wrap(s, left - 14, TICK_FS)
      if #lines > 2 then lines = { lines[1], lines[2] .. "…" } end
      for k, line in ipairs(lines) do
        c:add(text(left - 8, sy(i) + 4 + (k - (#lines + 1) / 2) * 13, line,
          ' text-anchor="end" font-size="' .. TICK_FS .. '" fill="' .. M.ink .. '"'))
      end
    end
    for _, v in ipairs(xticks) do
      c:add(string.format('<path d="M%s %sV%s" stroke="%s" stroke-width="1"/>', num(sx(v)), num(top), num(top + ph), M.grid))
    end
  end
  -- x tick labels, thinned so they never overlap
  local every = 1
  if #xticks > 1 then
    local gap = math.abs(sx(xticks[2]) - sx(xticks[1]))
    while gap * every < maxw + 10 do every = every + 1 end
  end
  c:add(string.format('<path d="M%s %sH%s" stroke="%s" stroke-width="1"/>', num(left), num(top + ph), num(left + pw), M.ink))
  for i, v in ipairs(xticks) do
    local x = sx(v)
    c:add(string.format('<path d="M%s %sV%s" stroke="%s" stroke-width="1"/>', num(x), num(top + ph), num(top + ph + 5), M.ink))
    if (i - 1) % every == 0 then
      c:add(text(x, top + ph + 18, labels[i], ' text-anchor="middle" font-size="' .. TICK_FS .. '" fill="' .. M.ink .. '"'))
    end
  end
  if spec.xlabel then
    c:add(text(left + pw / 2, top + ph + 40, spec.xlabel, ' text-anchor="middle" fill="' .. M.ink .. '"'))
  end
  c:add("</g>")

  -- layers
  for _, l in ipairs(layers) do
    local st = style(l.style)
    local colour = l.colour or st.colour
    local clip = l.clip and string.format(' clip-path="url(#%s-clip)"', c.id) or ""
    if l.type == "band" then
      for _, r in ipairs(runs(l.x, l.lo, l.hi)) do
        local d = {}
        for k, i in ipairs(r) do d[#d + 1] = (k == 1 and "M" or "L") .. num(sx(l.x[i])) .. " " .. num(sy(l.hi[i])) end
        for k = #r, 1, -1 do local i = r[k]; d[#d + 1] = "L" .. num(sx(l.x[i])) .. " " .. num(sy(l.lo[i])) end
        c:add(string.format('<path d="%sZ" fill="%s" fill-opacity="%s" stroke="%s" stroke-width="1" stroke-dasharray="2 2"%s/>',
          table.concat(d), colour, num(l.opacity or 0.25), colour, clip))
      end
    elseif l.type == "line" or l.type == "points" then
      if l.type == "line" then
        for _, r in ipairs(runs(l.x, l.y)) do
          local d = {}
          for k, i in ipairs(r) do d[#d + 1] = (k == 1 and "M" or "L") .. num(sx(l.x[i])) .. " " .. num(sy(l.y[i])) end
          c:add(string.format('<path%s d="%s" fill="none" stroke="%s" stroke-width="%s" stroke-linejoin="round"%s%s/>',
            l.class and (' class="' .. M.escape(l.class) .. '"') or "",
            table.concat(d), colour, num(l.width or 2.5), dash_attr(l.dash or st.dash), clip))
        end
      end
      if l.type == "points" or l.markers then
        for i = 1, #l.x do
          if ok(l.x[i]) and ok(l.y[i]) then
            c:add(marker(l.marker or st.marker, sx(l.x[i]), sy(l.y[i]), colour, l.open, l.size))
          end
        end
      end
    elseif l.type == "vline" then
      local x = sx(l.x)
      c:add(string.format('<path d="M%s %sV%s" stroke="%s" stroke-width="1.5"%s/>', num(x), num(top), num(top + ph),
        l.colour or M.ink, dash_attr(l.dash or "4 3")))
      if l.label and l.inside then
        -- inside the plot, beside the line near its top, on a white halo,
        -- so it does not collide with an intervention label above the plot
        local lw = text_w(l.label, TICK_FS)
        local anchor, tx = "start", x + 4
        if x + 4 + lw > left + pw then anchor, tx = "end", x - 4 end
        c:add(text(tx, top + 14, l.label, ' text-anchor="' .. anchor .. '" font-size="' .. TICK_FS .. '" fill="'
          .. M.ink .. '" stroke="#ffffff" stroke-width="3" paint-order="stroke"'))
      elseif l.label then
        local lw, anchor, tx = text_w(l.label, TICK_FS), "middle", x
        if x + lw / 2 > c.w - 4 then anchor, tx = "end", x + 4
        elseif x - lw / 2 < 4 then anchor, tx = "start", x - 4 end
        c:add(text(tx, top - 6, l.label,
          ' text-anchor="' .. anchor .. '" font-size="' .. TICK_FS .. '" fill="' .. M.ink .. '"'))
      end
    elseif l.type == "hline" then
      local y = sy(l.y)
      c:add(string.format('<path d="M%s %sH%s" stroke="%s" stroke-width="1.5"%s/>', num(left), num(y), num(left + pw),
        l.colour or M.ink, dash_attr(l.dash or "4 3")))
      if l.label then
        c:add(text(left + pw - 4, y - 5, l.label, ' text-anchor="end" font-size="' .. TICK_FS .. '" fill="' .. M.ink .. '"'))
      end
    elseif l.type == "hbar" then
      local n = #l.y
      local from, to = as_list(l.from or 0, n), l.to
      local slots, slot = l.slots or 1, l.slot or 1
      local bh = row * 0.7 / slots
      for i = 1, n do
        if ok(from[i]) and ok(to[i]) then
          local y = sy(l.y[i]) - row * 0.35 + (slot - 1) * bh
          local x0, x1 = sx(math.min(from[i], to[i])), sx(math.max(from[i], to[i]))
          c:add(string.format('<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s"/>',
            num(x0), num(y + 1), num(math.max(x1 - x0, 0.5)), num(bh - 2), fill_of(c, colour, l.hatch), colour))
          if l.labels then
            local s = (l.format or value_format)(to[i])
            local right_side = to[i] >= from[i]
            c:add(text(right_side and x1 + 4 or x0 - 4, y + bh / 2 + 4, s, ' text-anchor="'
              .. (right_side and "start" or "end") .. '" font-size="' .. TICK_FS .. '" fill="' .. M.ink .. '"'))
          end
        end
      end
    elseif l.type == "vbar" then
      local n = #l.x0
      local from = as_list(l.from or 0, n)
      for i = 1, n do
        if ok(from[i]) and ok(l.to[i]) and l.to[i] ~= from[i] then
          local y0, y1 = sy(math.max(from[i], l.to[i])), sy(math.min(from[i], l.to[i]))
          c:add(string.format('<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s"/>',
            num(sx(l.x0[i])), num(y0), num(sx(l.x1[i]) - sx(l.x0[i])), num(y1 - y0), fill_of(c, colour, l.hatch), colour))
        end
      end
    elseif l.type == "text" then
      -- a white halo keeps a label legible over points and lines
      c:add(text(sx(l.x), sy(l.y) + 4, l.text, ' text-anchor="' .. (l.anchor or "start") .. '" font-size="'
        .. TICK_FS .. '" fill="' .. M.ink .. '" stroke="#ffffff" stroke-width="3" paint-order="stroke"'))
    else
      error("svg.plot: unknown layer type " .. tostring(l.type), 0)
    end
  end

  c:draw_legend(10 + #c.title_lines * 20)
  return c:finish(h)
end

local function copy_common(spec, extra)
  local o = { id = spec.id, title = spec.title, desc = spec.desc, width = spec.width, xlabel = spec.xlabel,
    ylabel = spec.ylabel, x = spec.x, y = spec.y, plot_height = spec.plot_height }
  for k, v in pairs(extra or {}) do o[k] = v end
  return o
end

-- The checked x and y of series i of a chart's `series` list.
local function series_xy(s, i, fn)
  return list(s.x, "series[" .. i .. "].x", fn), list(s.y, "series[" .. i .. "].y", fn)
end

-- ===== Chart kinds =====

--- Several series as lines with markers: series = {{name, x, y}, ...}.
function M.lines(spec)
  req(spec, "svg.lines")
  local layers = {}
  for i, s in ipairs(list(spec.series, "series", "svg.lines")) do
    local x, y = series_xy(s, i, "svg.lines")
    layers[#layers + 1] = { type = "line", x = x, y = y, name = s.name, style = s.style or i, markers = true }
  end
  return M.plot(copy_common(spec, { layers = layers }))
end

--- Interrupted time series, single or comparative.
-- series = {{name, x, y, fitted = {{x, y}, ...}, counterfactual = {x, y},
--            band = {x, lo, hi}}, ...}; intervention = x, or {x =, label =},
-- or a list of those.  With one series the legend drops its name.
function M.its(spec)
  req(spec, "svg.its")
  local series = list(spec.series, "series", "svg.its")
  local layers = {}
  local fdash, cdash = { "", "4 2" }, { "8 4", "8 3 2 3" }
  local function nm(s, what) return #series > 1 and ((s.name or "series") .. ": " .. what) or (what:sub(1, 1):upper() .. what:sub(2)) end
  for i, s in ipairs(series) do
    if s.band then
      layers[#layers + 1] = { type = "band", x = s.band.x, lo = s.band.lo, hi = s.band.hi, style = i,
        name = nm(s, "95% confidence interval") }
    end
  end
  for i, s in ipairs(series) do
    if s.counterfactual then
      layers[#layers + 1] = { type = "line", x = s.counterfactual.x, y = s.counterfactual.y, style = i,
        dash = cdash[(i - 1) % 2 + 1], width = 2, name = nm(s, s.counterfactual_name or "counterfactual (no intervention)") }
    end
    for k, seg in ipairs(s.fitted or {}) do
      layers[#layers + 1] = { type = "line", x = seg.x, y = seg.y, style = i, dash = fdash[(i - 1) % 2 + 1],
        name = k == 1 and nm(s, "fitted trend") or nil }
    end
  end
  for i, s in ipairs(series) do
    local x, y = series_xy(s, i, "svg.its")
    layers[#layers + 1] = { type = "points", x = x, y = y, style = i, marker = M.markers[i], name = nm(s, "observed") }
  end
  local iv = spec.intervention
  if type(iv) == "number" then iv = { { x = iv } }
  elseif type(iv) == "table" and iv.x then iv = { iv } end
  for _, v in ipairs(iv or {}) do
    layers[#layers + 1] = { type = "vline", x = v.x, label = v.label or "Intervention" }
  end
  -- definition breaks: dotted, labelled inside the plot
  for i, m in ipairs(list(spec.markers or {}, "markers", "svg.its")) do
    if type(m) ~= "table" or type(m.x) ~= "number" then
      error(string.format("svg.its: markers[%d] needs a numeric x", i), 0)
    end
    layers[#layers + 1] = { type = "vline", x = m.x, label = m.label or "definition change", dash = m.dash or "2 3",
      colour = M.muted, inside = true }
  end
  return M.plot(copy_common(spec, { layers = layers }))
end

--- Love plot.  variables = {names}, before = {smd}, after = {smd},
-- threshold (default 0.1), absolute (default true: plot |SMD|).
function M.love(spec)
  req(spec, "svg.love")
  local vars = list(spec.variables, "variables", "svg.love")
  local thr = spec.threshold or 0.1
  local absolute = spec.absolute ~= false
  local function f(v) if ok(v) and absolute then return math.abs(v) end return v end
  -- sorted by imbalance before adjustment, largest first (sort = false keeps
  -- the given order); variance ratios after adjustment, when given, are
  -- written beside each name
  local order = {}
  for i = 1, #vars do order[i] = i end
  if spec.sort ~= false then
    local function key(i) local v = spec.before[i]; return ok(v) and math.abs(v) or -1 end
    table.sort(order, function(p, q) if key(p) ~= key(q) then return key(p) > key(q) end return p < q end)
  end
  local vr = spec.variance_ratios
  local names, idx, b, a = {}, {}, {}, {}
  for k, i in ipairs(order) do
    idx[k] = k; b[k] = f(spec.before[i]); a[k] = f(spec.after[i])
    names[k] = tostring(vars[i])
    if vr and ok(vr[i]) then names[k] = names[k] .. string.format(" (variance ratio %.2f)", vr[i]) end
  end
  vars = names
  local layers = {}
  for i = 1, #vars do   -- a faint line from before to after shows the movement
    if ok(b[i]) and ok(a[i]) then
      layers[#layers + 1] = { type = "line", x = { b[i], a[i] }, y = { i, i }, colour = M.grid, width = 1.5, dash = "" }
    end
  end
  layers[#layers + 1] = { type = "vline", x = 0, dash = "", colour = M.ink }
  layers[#layers + 1] = { type = "vline", x = thr, label = "±" .. num(thr), dash = "4 3" }
  if not absolute then layers[#layers + 1] = { type = "vline", x = -thr, dash = "4 3" } end
  layers[#layers + 1] = { type = "points", x = b, y = idx, style = 4, marker = "circle", open = true, size = 5,
    name = spec.before_name or "Before adjustment" }
  layers[#layers + 1] = { type = "points", x = a, y = idx, style = 1, marker = "diamond",
    name = spec.after_name or "After adjustment" }
  local x = spec.x or { include = absolute and { 0, thr * 1.5 } or { -thr * 1.5, thr * 1.5 } }
  return M.plot(copy_common(spec, { layers = layers, x = x,
    xlabel = spec.xlabel or (absolute and "Absolute standardised mean difference" or "Standardised mean difference"),
    y = { categories = vars } }))
end

--- Propensity score overlap as mirrored histograms: group 1 above the axis,
-- group 2 below.  groups = {{name, values}, {name, values}}; bins (20);
-- range ({0, 1}).  Bars show each group's share (%) of its members per bin.
function M.overlap(spec)
  req(spec, "svg.overlap")
  local groups = list(spec.groups, "groups", "svg.overlap")
  if #groups ~= 2 then error("svg.overlap: groups must hold exactly two groups", 0) end
  local nb = spec.bins or 20
  local lo, hi = (spec.range or {})[1] or 0, (spec.range or {})[2] or 1
  local w = (hi - lo) / nb
  local layers, x0, x1 = {}, {}, {}
  for k = 1, nb do x0[k] = lo + (k - 1) * w; x1[k] = lo + k * w end
  local peak = 0
  for g, grp in ipairs(groups) do
    local counts, n = {}, 0
    for k = 1, nb do counts[k] = 0 end
    for _, v in ipairs(list(grp.values, "groups[" .. g .. "].values", "svg.overlap")) do
      if ok(v) and v >= lo and v <= hi then
        local k = math.min(nb, math.floor((v - lo) / w) + 1)
        counts[k] = counts[k] + 1
        n = n + 1
      end
    end
    local to = {}
    for k = 1, nb do
      to[k] = n > 0 and counts[k] / n * 100 or 0
      peak = math.max(peak, to[k])
      if g == 2 then to[k] = -to[k] end
    end
    layers[#layers + 1] = { type = "vbar", x0 = x0, x1 = x1, to = to, style = g == 1 and 1 or 2, hatch = g == 2,
      name = string.format("%s (n = %d)%s", grp.name or ("group " .. g), n, g == 1 and ", above the axis" or ", below") }
  end
  peak = peak > 0 and peak or 1
  layers[#layers + 1] = { type = "hline", y = 0, dash = "", colour = M.ink }
  local _, _, top = M.nice_ticks(0, peak, 4)
  local ticks = M.nice_ticks(-top, top, 6)
  local fmt = tick_format(ticks[2] - ticks[1])
  return M.plot(copy_common(spec, { layers = layers,
    x = { min = lo, max = hi, exact = true },
    y = { min = -top, max = top, ticks = ticks, format = function(v) return fmt(math.abs(v)) end },
    xlabel = spec.xlabel or "Propensity score", ylabel = spec.ylabel or "Share of the group (%)" }))
end

--- Benchmarking lines.  x = {years}, xformat = function(year) -> label,
-- authority = {name, values}, neighbours = {name, mean, min, max},
-- england = {name, values}; optional neighbours.lines = {{name, values}, ...}
-- (each neighbour's own line, thin and grey) and marker = {x, label} (a dashed
-- vertical line, e.g. at the programme's first year - 0.5).
function M.benchmark(spec)
  req(spec, "svg.benchmark")
  local x = list(spec.x, "x", "svg.benchmark")
  local layers = {}
  local nb = spec.neighbours
  if nb then
    local nname = nb.name or "Statistical neighbours"
    if nb.min and nb.max then
      layers[#layers + 1] = { type = "band", x = x, lo = nb.min, hi = nb.max, style = 2, name = nname .. ": range" }
    end
    -- each neighbour's own line: thin, grey, behind the summary lines, one
    -- legend entry for them all
    for i, v in ipairs(list(nb.lines or {}, "neighbours.lines", "svg.benchmark")) do
      layers[#layers + 1] = { type = "line", x = x, y = list(v.values or v, "neighbours.lines[" .. i .. "]", "svg.benchmark"),
        colour = "#8e9599", width = 1, dash = "", class = "neighbour-line",
        name = i == 1 and "Each neighbour" or nil, key_order = 1001 }
    end
    if nb.mean then
      layers[#layers + 1] = { type = "line", x = x, y = nb.mean, style = 2, markers = true, marker = "square",
        name = nname .. ": mean" }
    end
  end
  if spec.england then
    layers[#layers + 1] = { type = "line", x = x, y = spec.england.values, style = 3, markers = true,
      marker = "triangle", dash = "2 3", name = spec.england.name or "England" }
  end
  local a = spec.authority or {}
  layers[#layers + 1] = { type = "line", x = x, y = list(a.values, "authority.values", "svg.benchmark"), style = 1,
    markers = true, marker = "circle", name = a.name or "Authority", key_order = 1 }
  -- the intervention year: a dashed line before the first year of the
  -- programme (x = that year - 0.5), labelled above the plot
  if spec.marker then
    local m = spec.marker
    if type(m.x) ~= "number" then error("svg.benchmark: marker needs a numeric x", 0) end
    layers[#layers + 1] = { type = "vline", x = m.x, label = m.label or "Intervention", dash = "6 3", colour = M.ink }
  end
  local fmt = spec.xformat or function(v) return string.format("%d", v) end
  return M.plot(copy_common(spec, { layers = layers, x = { ticks = x, format = fmt, pad = 0.03 },
    y = spec.y or { include = spec.zero and { 0 } or nil } }))
end

--- Funnel plot.  units = {{label, n, value}, ...} (value per `per`);
-- model = "proportion" (binomial) or "rate" (Poisson); centre (default the
-- pooled value); highlight = label or {labels}.  Limits use the normal
-- approximation: centre ± z·sqrt(p(1−p)/n) or ± z·sqrt(p/n), z = 1.96 and 3.09,
-- unless limits = function(n, level) -> lo, hi (level 0.95 or 0.998, in the
-- units of value) gives them.
function M.funnel(spec)
  req(spec, "svg.funnel")
  local units = list(spec.units, "units", "svg.funnel")
  local per = spec.per or 1
  local model = spec.model or "proportion"
  local sumn, sumv, nmin, nmax = 0, 0, math.huge, 0
  local hl = {}
  for _, h in ipairs(type(spec.highlight) == "table" and spec.highlight or { spec.highlight }) do hl[h] = true end
  local xs, ys, hx, hy, labels = {}, {}, {}, {}, {}
  for _, u in ipairs(units) do
    if ok(u.n) and ok(u.value) and u.n > 0 then
      sumn = sumn + u.n; sumv = sumv + u.value * u.n
      nmin, nmax = math.min(nmin, u.n), math.max(nmax, u.n)
      if hl[u.label] then hx[#hx + 1] = u.n; hy[#hy + 1] = u.value; labels[#labels + 1] = u
      else xs[#xs + 1] = u.n; ys[#ys + 1] = u.value end
    end
  end
  if sumn == 0 then error("svg.funnel: no unit has a positive n and a value", 0) end
  local centre = spec.centre or sumv / sumn
  local p = centre / per
  local lx = {}
  for k = 0, 80 do lx[k + 1] = nmin * 0.9 + (nmax * 1.05 - nmin * 0.9) * k / 80 end
  local function lim(z, sign)
    local t = {}
    for i, n in ipairs(lx) do
      local v
      if spec.limits then
        -- limits computed by the caller (e.g. exact Poisson or Wilson form)
        local lo, hi = spec.limits(n, z > 3 and 0.998 or 0.95)
        v = sign > 0 and hi or lo
      else
        local se = model == "rate" and math.sqrt(math.max(p, 0) / n) or math.sqrt(math.max(p * (1 - p), 0) / n)
        v = (p + sign * z * se) * per
      end
      if v < 0 then v = 0 end
      if model ~= "rate" and v > per then v = per end
      t[i] = v
    end
    return t
  end
  local allv = {}
  for _, v in ipairs(ys) do allv[#allv + 1] = v end
  for _, v in ipairs(hy) do allv[#allv + 1] = v end
  allv[#allv + 1] = centre
  local ylo, yhi = math.huge, -math.huge
  for _, v in ipairs(allv) do ylo = math.min(ylo, v); yhi = math.max(yhi, v) end
  local padv = (yhi - ylo) * 0.15 + 1e-9
  local layers = {
    { type = "line", x = lx, y = lim(3.09, 1), style = 5, dash = "2 3", width = 1.5, clip = true, noscale = true, name = "99.8% limits" },
    { type = "line", x = lx, y = lim(3.09, -1), style = 5, dash = "2 3", width = 1.5, clip = true, noscale = true },
    { type = "line", x = lx, y = lim(1.96, 1), style = 5, dash = "8 4", width = 1.5, clip = true, noscale = true, name = "95% limits" },
    { type = "line", x = lx, y = lim(1.96, -1), style = 5, dash = "8 4", width = 1.5, clip = true, noscale = true },
    { type = "hline", y = centre, dash = "", colour = M.ink, label = spec.centre_label or ("Centre: " .. num(centre)) },
    { type = "points", x = xs, y = ys, style = 1, open = true, marker = "circle", name = spec.units_name or "Units" },
  }
  if #hx > 0 then
    layers[#layers + 1] = { type = "points", x = hx, y = hy, style = 3, marker = "diamond", size = 5.5,
      name = #labels == 1 and labels[1].label or "Highlighted" }
    for _, u in ipairs(labels) do
      layers[#layers + 1] = { type = "text", x = u.n, y = u.value, text = "  " .. u.label }
    end
  end
  return M.plot(copy_common(spec, { layers = layers,
    x = spec.x or { include = { 0 } },
    y = spec.y or { include = { math.max(model == "rate" and 0 or -math.huge, ylo - padv), yhi + padv } },
    xlabel = spec.xlabel or "Size (denominator)" }))
end

--- Grouped horizontal bars.  categories = {labels}, series = {{name, values}},
-- format = function(v) -> label (default two decimals at most).
function M.bars(spec)
  req(spec, "svg.bars")
  local cats = list(spec.categories, "categories", "svg.bars")
  local series = list(spec.series, "series", "svg.bars")
  local idx = {}
  for i = 1, #cats do idx[i] = i end
  local vals = { 0 }
  local layers = {}
  for k, s in ipairs(series) do
    list(s.values, "series[" .. k .. "].values", "svg.bars")
    for _, v in ipairs(s.values) do if ok(v) then vals[#vals + 1] = v end end
    layers[#layers + 1] = { type = "hbar", y = idx, from = 0, to = s.values, style = s.style or k, slot = k,
      slots = #series, hatch = k % 2 == 0, labels = true, format = spec.format, name = #series > 1 and s.name or nil }
  end
  local lo, hi = math.huge, -math.huge
  for _, v in ipairs(vals) do lo = math.min(lo, v); hi = math.max(hi, v) end
  local room = (hi - lo) * 0.15   -- space for the value labels
  return M.plot(copy_common(spec, { layers = layers, y = { categories = cats },
    row_height = spec.row_height or math.max(28, 16 * #series + 10),
    x = spec.x or { include = { lo < 0 and lo - room or 0, hi > 0 and hi + room or 0 } } }))
end

--- Tornado chart.  base = outcome at the base case; items = {{label, low,
-- high}, ...}: the outcome with each input at its low and high value.
-- Rows are sorted by the width of their swing, widest first.
--- Forest plot: one row per estimate, its point and 95% interval, and a
-- line at the value of no effect (spec.null, default 0).
-- items = {{label, value, low, high}}; estimates should share one unit.
function M.forest(spec)
  req(spec, "svg.forest")
  local items = list(spec.items, "items", "svg.forest")
  local null = spec.null or 0
  local cats, layers, xs, ys = {}, {}, {}, {}
  local lo, hi = null, null
  for i, it in ipairs(items) do
    cats[i] = it.label
    if ok(it.low) and ok(it.high) then
      layers[#layers + 1] = { type = "line", x = { it.low, it.high }, y = { i, i }, style = 1, dash = "",
        name = i == 1 and "95% confidence interval" or nil }
      lo, hi = math.min(lo, it.low), math.max(hi, it.high)
    end
    if ok(it.value) then xs[#xs + 1] = it.value; ys[#ys + 1] = i; lo, hi = math.min(lo, it.value), math.max(hi, it.value) end
  end
  layers[#layers + 1] = { type = "points", x = xs, y = ys, style = 1, marker = "diamond", name = "Estimate" }
  layers[#layers + 1] = { type = "vline", x = null, dash = "4 3", colour = M.ink,
    label = spec.null_label or ("No effect (" .. num(null) .. ")") }
  local room = (hi - lo) * 0.05 + 1e-9
  return M.plot(copy_common(spec, { layers = layers, y = { categories = cats },
    x = spec.x or { include = { lo - room, hi + room } } }))
end

function M.tornado(spec)
  req(spec, "svg.tornado")
  local base = spec.base
  if not ok(base) then error("svg.tornado: base must be a number", 0) end
  local items = {}
  for i, it in ipairs(list(spec.items, "items", "svg.tornado")) do items[i] = { it = it, i = i } end
  table.sort(items, function(p, q)
    local sp = math.abs((p.it.high or base) - (p.it.low or base))
    local sq = math.abs((q.it.high or base) - (q.it.low or base))
    if sp ~= sq then return sp > sq end
    return p.i < q.i
  end)
  local cats, idx, lows, highs = {}, {}, {}, {}
  local lo, hi = base, base
  for k, e in ipairs(items) do
    cats[k] = e.it.label; idx[k] = k; lows[k] = e.it.low; highs[k] = e.it.high
    for _, v in ipairs({ e.it.low, e.it.high }) do if ok(v) then lo = math.min(lo, v); hi = math.max(hi, v) end end
  end
  local room = (hi - lo) * 0.18 + 1e-9
  local layers = {
    { type = "hbar", y = idx, from = base, to = lows, style = 1, labels = true, format = spec.format,
      name = spec.low_name or "Input at its low value" },
    { type = "hbar", y = idx, from = base, to = highs, style = 2, hatch = true, labels = true, format = spec.format,
      name = spec.high_name or "Input at its high value" },
    { type = "vline", x = base, dash = "", colour = M.ink, label = spec.base_label or ("Base case: " .. num(base)) },
  }
  return M.plot(copy_common(spec, { layers = layers, y = { categories = cats },
    x = spec.x or { include = { lo - room, hi + room } } }))
end

-- ===== Builder API (for the ITS designs, issue 5) =====
--
--   local c = svg.chart{ width = 720, height = 400, title = "...", desc = "...",
--     id = "...", x_label = "...", y_label = "...",
--     x_ticks = {{2015, "2014/15"}, ...},   -- optional; else nice numbers
--     y_min = 0, y_max = 100,               -- optional; else from the data
--     y_zero = false }                      -- true: the y range includes 0
--   c:band{ x = {...}, lo = {...}, hi = {...}, color = ..., opacity = 0.15, label = "95% CI" }
--   c:line{ x = {...}, y = {...}, color = ..., width = 2, dashed = false, label = "..." }
--   c:points{ x = {...}, y = {...}, color = ..., hollow = false, radius = 3, label = "..." }
--   c:vline{ x = 2018.5, label = "Early Help", color = ..., dashed = true }
--   local text = c:render()
--
-- Bands are drawn first, then lines, points and vertical markers, whatever
-- the call order, so a band never hides data; each label appears once in
-- the legend.  It renders through svg.plot, so these charts share the
-- others' look, accessible name and description and determinism.  Named
-- colours for it are in svg.palette (treated, comparator, ...), alongside
-- the numbered series colours.

M.palette.treated = M.palette[1]
M.palette.comparator = M.muted       -- 7:1 on white: de-emphasised, still readable
M.palette.counterfactual = M.palette[4]
M.palette.band = M.palette[4]
M.palette.marker = M.ink
M.palette.excluded = M.muted         -- drawn hollow, so it differs from the solid points

local Builder = {}
Builder.__index = Builder
M.Chart = Builder

--- A new chart built step by step (fields above).
function M.chart(spec)
  return setmetatable({ spec = spec or {}, layers = { band = {}, line = {}, points = {}, vline = {} }, seen = {} }, Builder)
end

local function check_xy(fn, x, y, yname)
  if type(x) ~= "table" or type(y) ~= "table" then
    error(string.format("svg %s: x and %s must be arrays", fn, yname), 3)
  end
  if #x ~= #y then
    error(string.format("svg %s: x has %d values but %s has %d", fn, #x, yname, #y), 3)
  end
end

local function once(self, label)
  if label and not self.seen[label] then self.seen[label] = true; return label end
  return nil
end

--- A shaded band between lo and hi.
function Builder:band(o)
  check_xy("band", o.x, o.lo, "lo")
  check_xy("band", o.x, o.hi, "hi")
  local t = self.layers.band
  t[#t + 1] = { type = "band", x = o.x, lo = o.lo, hi = o.hi, colour = o.color or M.palette.band,
    opacity = o.opacity or 0.15, name = once(self, o.label) }
  return self
end

--- A polyline (dashed = true for a counterfactual).
function Builder:line(o)
  check_xy("line", o.x, o.y, "y")
  local t = self.layers.line
  t[#t + 1] = { type = "line", x = o.x, y = o.y, colour = o.color or M.palette.treated,
    width = o.width or 2, dash = o.dashed and "8 4" or "", name = once(self, o.label) }
  return self
end

--- Markers at (x, y); hollow = true draws rings (e.g. excluded periods).
function Builder:points(o)
  check_xy("points", o.x, o.y, "y")
  local t = self.layers.points
  t[#t + 1] = { type = "points", x = o.x, y = o.y, colour = o.color or M.palette.treated,
    open = o.hollow, size = o.radius or 3.5, marker = "circle", name = once(self, o.label) }
  return self
end

--- A vertical line across the plot at x, labelled at the top.
function Builder:vline(o)
  if not ok(o.x) then error("svg vline: x must be a number", 2) end
  local t = self.layers.vline
  t[#t + 1] = { type = "vline", x = o.x, label = o.label, colour = o.color or M.palette.marker,
    dash = o.dashed == false and "" or "4 3" }
  return self
end

--- The SVG document.
function Builder:render()
  local s = self.spec
  local layers = {}
  for _, kind in ipairs({ "band", "line", "points", "vline" }) do
    local group = self.layers[kind]
    for _, l in ipairs(group) do layers[#layers + 1] = l end
  end
  local x = { pad = 0.02 }
  if s.x_ticks then
    local vals, labels = {}, {}
    for i, t in ipairs(s.x_ticks) do vals[i] = t[1]; labels[i] = t[2] or tostring(t[1]) end
    x.ticks = vals
    x.format = function(v)
      for i, tv in ipairs(vals) do if tv == v then return labels[i] end end
      return tostring(v)
    end
  end
  return M.plot({ id = s.id, title = s.title or "Chart", desc = s.desc or s.title or "Chart",
    width = s.width or 720, plot_height = math.max(120, (s.height or 400) - 150),
    xlabel = s.x_label, ylabel = s.y_label, x = x,
    y = { min = s.y_min, max = s.y_max, include = s.y_zero and { 0 } or nil }, layers = layers })
end

--- The fields each chart kind reads, besides what ctx:chart itself takes
-- (name, kind, table, title, desc): ctx:chart refuses any other field with a
-- "did you mean", so a misspelt option is not silently left out of the chart.
local COMMON = { "width", "xlabel", "ylabel", "x", "y", "plot_height" }   -- copy_common
local function with_common(list)
  local out = { table.unpack(COMMON) }
  for _, k in ipairs(list) do out[#out + 1] = k end
  return out
end
M.kind_fields = {
  plot = { "layers", "plot_height", "right", "row_height", "x", "xlabel", "y", "ylabel", "width" },
  lines = with_common({ "series" }),
  its = with_common({ "intervention", "markers", "series" }),
  love = with_common({ "absolute", "after", "after_name", "before", "before_name", "sort", "threshold", "variables",
    "variance_ratios" }),
  overlap = with_common({ "bins", "groups", "range" }),
  benchmark = with_common({ "authority", "england", "marker", "neighbours", "xformat", "zero" }),
  funnel = with_common({ "centre", "centre_label", "highlight", "limits", "model", "per", "units", "units_name" }),
  bars = with_common({ "categories", "format", "row_height", "series" }),
  forest = with_common({ "items", "null", "null_label" }),
  tornado = with_common({ "base", "base_label", "format", "high_name", "items", "low_name" }),
  diverging = { "labels", "rows", "scores" },
}

--- Chart kinds by name, for ctx:chart{kind = ...}.
M.kinds = {
  forest = M.forest,
  plot = M.plot, lines = M.lines, its = M.its, love = M.love, overlap = M.overlap,
  benchmark = M.benchmark, funnel = M.funnel, bars = M.bars, tornado = M.tornado,
  -- csc.render.diverging draws with this module's helpers: loaded when first asked for
  diverging = function(spec) return require("csc.render.diverging").diverging(spec) end,
}

return M
