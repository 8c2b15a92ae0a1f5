-- What the scale series (tests/bench/scale.sh) reports beside its timings:
--   csceval test tests/bench/scale_report.lua bytes FILE.csv [MORE.csv ...]
--     the column data (MB) of the files as the steps read them (csc.data.column_bytes)
--   csceval test tests/bench/scale_report.lua recipe DIR
--     the column data (MB) of the national recipe's input and then one line
--     per step of its run, from the report in DIR (results.json, timings.csv)
--   csceval test tests/bench/scale_report.lua growth RESULTS.csv
--     each step's growth in time from 1M to 10M rows (target < 12), for
--     csceval and each peer, from the newest figures in the results file
--   csceval test tests/bench/scale_report.lua table RESULTS.csv
--     the scale table of docs/performance.md (markdown)
--   csceval test tests/bench/scale_report.lua chart RESULTS.csv OUT.svg
--     the log-log chart of time against rows, one panel per step, one line per
--     tool, drawn by csceval's own chart code (csc.render.svg)
--   csceval test tests/bench/scale_report.lua cache
--     the folder of the national extracts: csceval's cache folder (csc.data.cache_dir:
--     $CSCEVAL_CACHE, else $XDG_CACHE_HOME/csceval, else ~/.cache/csceval) /national,
--     where recipes/example_national_matching.lua reads its input ("cache:national/...")
-- RESULTS.csv: run,step,size,rows,tool,seconds,peak_mb,column_mb (scale.sh
-- appends; for a step, size and tool the newest run counts).
local frame = require("host.frame")
local sys = require("host.sys")
local data = require("csc.data")
local json = require("csc.json")
local svg = require("csc.render.svg")

local STEPS = { "load", "filter", "mutate", "groupby", "join", "logit", "ols_cluster", "ipw", "ps", "maha", "recipe" }
local STEP_LABEL = { load = "CSV load", filter = "filter", mutate = "mutate", groupby = "group-by aggregate",
  join = "join to the authority table", logit = "logit", ols_cluster = "OLS, SEs clustered by authority",
  ipw = "IPW with balance", ps = "1:1 propensity-score matching", maha = "10:1 Mahalanobis matching",
  recipe = "whole national recipe run" }
-- one style (colour, dash, marker) per tool in every panel
local TOOLS = { "csceval", "data.table(1 thread)", "data.table(all threads)", "DuckDB(all threads)", "statsmodels",
  "MatchIt" }
local TOOL_STYLE = {}
for i, t in ipairs(TOOLS) do TOOL_STYLE[t] = i end

local mode = arg[1]

if mode == "cache" then
  local c = data.cache_dir()
  if not c then io.stderr:write("scale_report: no cache folder: set CSCEVAL_CACHE, XDG_CACHE_HOME or HOME\n"); os.exit(1) end
  print(c .. "/national")
  return 0
end

if mode == "bytes" then
  local total = 0
  for i = 2, #arg do total = total + data.column_bytes(assert(frame.read_csv(arg[i]))) end
  print(string.format("%.1f", total / 1048576))
  return 0
end

if mode == "recipe" then
  local dir = arg[2]
  local res = json.decode(assert(sys.read(dir .. "/results.json")))
  local col
  for _, e in ipairs(res.estimates or {}) do
    if e.label == "run.column_data_mb" then col = e.value end
  end
  print(string.format("%.1f", assert(col, "no run.column_data_mb in " .. dir .. "/results.json")))
  local first = true
  for line in io.lines(dir .. "/timings.csv") do
    if first then first = false else
      local step, secs = line:match('^"?(.-)"?,([^,]+)$')
      if step then print(string.format("step %s: %.2f s", step, tonumber(secs))) end
    end
  end
  return 0
end

-- The newest figure of each step, size and tool: t[step][tool][rows] = seconds.
local function read_results(path)
  local t, header = {}, nil
  for line in io.lines(path) do
    local f = {}
    for v in (line .. ","):gmatch("([^,]*),") do f[#f + 1] = v end
    if not header then header = f else
      local run, step, rows, tool, secs = f[1], f[2], tonumber(f[4]), f[5], tonumber(f[6])
      if rows and secs then
        t[step] = t[step] or {}
        t[step][tool] = t[step][tool] or {}
        local old = t[step][tool][rows]
        if not old or run >= old.run then t[step][tool][rows] = { run = run, seconds = secs } end
      end
    end
  end
  return t
end

if mode == "growth" then
  local t = read_results(arg[2])
  local any = false
  for _, step in ipairs(STEPS) do
    for _, tool in ipairs(TOOLS) do
      local r = t[step] and t[step][tool]
      if r and r[1000000] and r[10000000] then
        any = true
        local g = r[10000000].seconds / r[1000000].seconds
        print(string.format("growth %s 1m->10m: %s %.4f s -> %.4f s, ratio %.1f (target < 12: %s)", step, tool,
          r[1000000].seconds, r[10000000].seconds, g, g < 12 and "met" or "NOT met"))
      end
    end
  end
  if not any then print("growth: no step has figures at both 1m and 10m yet") end
  return 0
end

if mode == "table" then
  -- the scale table of docs/performance.md, from the results file: one row per
  -- step and size, each tool's seconds, csceval's peak memory against the
  -- column data, and csceval's growth from 1M to 10M rows
  local t = read_results(arg[2])
  local mem = {}
  for line in io.lines(arg[2]) do
    local f = {}
    for v in (line .. ","):gmatch("([^,]*),") do f[#f + 1] = v end
    if f[5] == "csceval" and tonumber(f[7]) then
      local k = f[2] .. "@" .. f[4]
      if not mem[k] or f[1] >= mem[k].run then mem[k] = { run = f[1], peak = tonumber(f[7]), col = tonumber(f[8]) } end
    end
  end
  local function secs(x)
    if not x then return "" end
    if x >= 100 then return string.format("%.0f s", x) end
    if x >= 1 then return string.format("%.2f s", x) end
    return string.format("%.3g s", x)
  end
  print("| step | rows | csceval | peak memory (× column data) | data.table 1 thread | data.table all threads | "
    .. "DuckDB all threads | statsmodels / MatchIt | csceval 1M→10M |")
  print("|---|---|---|---|---|---|---|---|---|")
  for _, step in ipairs(STEPS) do
    for _, n in ipairs({ 100000, 1000000, 10000000 }) do
      local function get(tool) local r = t[step] and t[step][tool]; return r and r[n] and r[n].seconds end
      if get("csceval") then
        local m = mem[step .. "@" .. string.format("%d", n)]
        local g = ""
        local r = t[step]["csceval"]
        if n == 10000000 and r[1000000] then g = string.format("%.1f", r[n].seconds / r[1000000].seconds) end
        local other = get("statsmodels") and ("statsmodels " .. secs(get("statsmodels")))
          or get("MatchIt") and ("MatchIt " .. secs(get("MatchIt"))) or ""
        print(string.format("| `%s` | %s | %s | %s | %s | %s | %s | %s | %s |", step,
          n >= 1e6 and string.format("%gM", n / 1e6) or string.format("%gk", n / 1e3), secs(get("csceval")),
          m and m.col and string.format("%.0f MB (%.2f)", m.peak, m.peak / m.col) or "",
          secs(get("data.table(1 thread)")), secs(get("data.table(all threads)")), secs(get("DuckDB(all threads)")),
          other, g))
      end
    end
  end
  return 0
end

if mode == "chart" then
  local t = read_results(arg[2])
  local out = assert(arg[3], "chart RESULTS.csv OUT.svg")
  local function size_label(n)
    if n >= 1e6 then return string.format("%gM", n / 1e6) end
    return string.format("%gk", n / 1e3)
  end
  local function secs_label(v)
    local s = 10 ^ v
    if s >= 1 then return string.format("%g s", s) end
    return string.format("%g s", tonumber(string.format("%.3g", s)))
  end
  local panels, W, H = {}, 480, 0
  for _, step in ipairs(STEPS) do
    local series, lo, hi = {}, math.huge, -math.huge
    for _, tool in ipairs(TOOLS) do
      local r = t[step] and t[step][tool]
      if r then
        local rows = {}
        for n in pairs(r) do rows[#rows + 1] = n end
        table.sort(rows)
        local x, y = {}, {}
        for i, n in ipairs(rows) do
          x[i], y[i] = math.log(n, 10), math.log(r[n].seconds, 10)
          lo, hi = math.min(lo, y[i]), math.max(hi, y[i])
        end
        series[#series + 1] = { name = tool, x = x, y = y, style = TOOL_STYLE[tool] }
      end
    end
    if #series > 0 then
      local yt = {}
      for e = math.floor(lo), math.ceil(hi) do yt[#yt + 1] = e end
      if #yt < 2 then yt[#yt + 1] = yt[1] + 1 end
      local id = "scale_" .. step
      local s = svg.lines({ id = id, title = STEP_LABEL[step],
        desc = string.format("Seconds against rows for %s, both on logarithmic scales, one line per tool "
          .. "(synthetic national-like extract).", STEP_LABEL[step]),
        width = 640, xlabel = "rows (log scale)", ylabel = "seconds (log scale)",
        -- the series' three sizes, 100k to 10M, whatever sizes this file holds
        x = { ticks = { 5, 6, 7 }, min = 4.85, max = 7.15,
          format = function(v) return size_label(math.floor(10 ^ v + 0.5)) end },
        y = { ticks = yt, min = yt[1], max = yt[#yt], format = secs_label },
        series = series })
      panels[#panels + 1] = s
    end
  end
  assert(#panels > 0, "no results to chart in " .. arg[2])
  -- the panels two by two in one SVG: each panel keeps its own viewBox
  local cols, pw = 2, W
  local body, y, heights = {}, 40, {}
  for i, s in ipairs(panels) do
    local vw, vh = s:match('viewBox="0 0 ([%d%.]+) ([%d%.]+)"')
    heights[i] = pw * tonumber(vh) / tonumber(vw)
  end
  for i = 1, #panels, cols do
    local rowh = 0
    for j = 0, cols - 1 do
      local s = panels[i + j]
      if s then
        local x = j * pw
        -- drop the XML prolog (if any) and place the panel
        s = s:gsub("^<%?xml[^>]*>%s*", "")
        local root = s:match("^<svg[^>]*>")
        local placed = root:gsub(' width="[^"]*"', ""):gsub(' height="[^"]*"', "")
          :gsub("^<svg ", string.format('<svg x="%.0f" y="%.0f" width="%.0f" height="%.0f" ', x, y, pw, heights[i + j]))
        s = placed .. s:sub(#root + 1)
        body[#body + 1] = s
        rowh = math.max(rowh, heights[i + j])
      end
    end
    y = y + rowh + 10
  end
  local total_w = cols * pw
  H = y + 30
  local head = string.format('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" '
    .. 'role="img" aria-labelledby="scale-title scale-desc">\n<title id="scale-title">csceval scale series: time '
    .. 'against rows, log-log</title>\n<desc id="scale-desc">For each step of the scale series, seconds against rows '
    .. '(100,000, 1 million and 10 million) on logarithmic scales, for csceval and each peer. On a log-log chart a '
    .. 'line of slope 1 grows in proportion to the rows. The data are a SYNTHETIC national-like pupil extract '
    .. '(tests/bench/gen_national.c).</desc>\n<rect width="100%%" height="100%%" fill="#ffffff"/>\n'
    .. '<text x="12" y="26" font-family="%s" font-size="18" font-weight="bold" fill="%s">Scale series: seconds '
    .. 'against rows (log-log), csceval and its peers</text>\n', total_w, H, total_w, H, svg.font, svg.ink)
  local foot = string.format('<text x="12" y="%.0f" font-family="%s" font-size="12" fill="%s">SYNTHETIC data '
    .. '(tests/bench/gen_national.c). Regenerate: ./csceval test tests/bench/scale_report.lua chart '
    .. 'docs/performance-scale.csv docs/performance-scale.svg</text>\n', H - 10, svg.font, svg.muted)
  local text = head .. table.concat(body, "\n") .. foot .. "</svg>\n"
  assert(sys.write_atomic(out, text))
  print(string.format("wrote %s (%d panels)", out, #panels))
  return 0
end

error("scale_report: mode is bytes, recipe, growth, table or chart")
