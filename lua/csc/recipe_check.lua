--- What `csceval check` verifies beyond the recipe's structure and its
-- inputs' columns, short of estimating anything:
--   * year fields written as "2018/19" (or 2018-19, FY 2018/19, ...) are
--     read as the numbers the data use, and years that cannot be right for
--     the data's time column (201819 for 2019, a date for a year) are
--     recipe errors saying how to write them (also on `run`);
--   * the data preparation (`design.prepare`) runs, and the design's
--     columns are checked in the frame it returns (also on `run`);
--   * interruption, sample and effect years against the years in the data;
--   * the treated authority and the comparators exist, with their names;
--   * published estimate names can be produced by the design;
--   * the financial-year trap: a recipe that says a programme began in
--     April 2018 and puts the interruption at 2018 (2017/18);
--   * placeholders (TODO) left by `csceval new`, reported as unfilled.
-- @module csc.recipe_check
local errors = require("csc.errors")
local srcmap = require("csc.srcmap")
local util = require("csc.util")
local years = require("csc.years")
local NA = require("host.frame").NA

local M = {}

local function where(r, path)
  return string.format("%s:%d: %s: ", r.path, srcmap.line(r.map, path), path)
end

local function fail(r, errs)
  local lines = {}
  for _, e in ipairs(errs) do lines[#lines + 1] = where(r, e.path) .. e.msg end
  errors.raise("recipe", table.concat(lines, "\n"))
end

-- ===== Year fields =====

--- Every year field of a design: list of {path, get = function() -> value,
-- set = function(v), role}.  role: "break" (interruption), "from", "to",
-- "effect", "exclude", "start".
local function year_fields(d)
  local out = {}
  if type(d) ~= "table" then return out end
  local function add(path, t, k, role)
    if type(t) == "table" and t[k] ~= nil and type(t[k]) ~= "table" then
      out[#out + 1] = { path = path, role = role, get = function() return t[k] end,
        set = function(v) t[k] = v end }
    end
  end
  local ty = d.type
  if ty == "benchmark" then
    if type(d.years) == "table" then
      add("design.years.from", d.years, "from", "from")
      add("design.years.to", d.years, "to", "to")
    end
    if type(d.marker) == "table" then add("design.marker.at", d.marker, "at", "break") end
    for i, m in ipairs(type(d.measures) == "table" and d.measures or {}) do
      if type(m) == "table" and type(m.peak) == "table" then
        add(string.format("design.measures[%d].peak.from", i), m.peak, "from", "from")
        add(string.format("design.measures[%d].peak.to", i), m.peak, "to", "to")
      end
    end
    return out
  end
  add("design.interruption", d, "interruption", "break")
  for i, b in ipairs(type(d.interruptions) == "table" and d.interruptions or {}) do
    if type(b) == "table" then add(string.format("design.interruptions[%d].at", i), b, "at", "break")
    else add(string.format("design.interruptions[%d]", i), d.interruptions, i, "break") end
  end
  add("design.from", d, "from", "from")
  add("design.to", d, "to", "to")
  add("design.effect_at", d, "effect_at", "effect")
  add("design.start", d, "start", "break")
  if type(d.did) == "table" then add("design.did.start", d.did, "start", "break") end
  for i, o in ipairs(type(d.outcomes) == "table" and d.outcomes or {}) do
    if type(o) == "table" then add(string.format("design.outcomes[%d].effect_at", i), o, "effect_at", "effect") end
  end
  for i, e in ipairs(type(d.exclude) == "table" and d.exclude or {}) do
    if type(e) == "table" then
      add(string.format("design.exclude[%d].from", i), e, "from", "exclude")
      add(string.format("design.exclude[%d].to", i), e, "to", "exclude")
    else add(string.format("design.exclude[%d]", i), d.exclude, i, "exclude") end
  end
  if type(d.definition_change) == "table" then
    for i in ipairs(d.definition_change) do
      add(string.format("design.definition_change[%d]", i), d.definition_change, i, "exclude")
    end
  else add("design.definition_change", d, "definition_change", "exclude") end
  return out
end
M.year_fields = year_fields

--- Before validation: years written as text ("2018/19") become numbers
-- (2019, the year ending March 2019); the text is kept in r.years_written
-- so the data's own style can be applied later.  A text that looks like a
-- year but is not one ("2018/20") is a recipe error.
function M.read_year_text(r)
  local d = type(r.spec) == "table" and r.spec.design
  r.years_written = {}
  local errs = {}
  for _, f in ipairs(year_fields(d)) do
    local v = f.get()
    if type(v) == "string" then
      local y, bad = years.parse_text(v)
      if bad then errs[#errs + 1] = { path = f.path, msg = bad }
      elseif y then
        r.years_written[f.path] = v
        f.set(y + 1)
      end
    end
  end
  if #errs > 0 then fail(r, errs) end
end

--- The time column's values and style for the design, or nil.
local function time_values(r, data, frame)
  local d = r.spec.design
  if d.type == "benchmark" then
    local m = type(d.measures) == "table" and d.measures[1]
    local f = m and data[m.input]
    if f and f:has("time_period") then return f:column("time_period"), "time_period", f end
    return nil
  end
  local f = frame or (d.data and data[d.data])
  if f and type(d.time) == "string" and f:has(d.time) then return f:column(d.time), d.time, f end
  return nil
end

local function range(vals)
  local lo, hi, set = nil, nil, {}
  for _, v in ipairs(vals) do
    if type(v) == "number" then
      lo = (lo == nil or v < lo) and v or lo
      hi = (hi == nil or v > hi) and v or hi
      set[v] = true
    end
  end
  return lo, hi, set
end

--- With the data: read every year field in the style of the data's time
-- column (2019 or 201819), and reject years that cannot be right for it.
-- Returns {style, lo, hi, column} for the later checks (or nil).
function M.read_years(r, data, frame)
  local vals, col = time_values(r, data, frame)
  if not vals then return nil end
  local style = years.style(vals)
  if style ~= "end" and style ~= "six" then return { style = style, column = col } end
  local d = r.spec.design
  if style == "end" and d.type ~= "benchmark" and d.format == nil and col == "time_period" then
    -- DfE's time_period: say so when the recipe has not
    r.fy_implicit = true
  end
  local errs = {}
  for _, f in ipairs(year_fields(d)) do
    local written = r.years_written[f.path]
    local v = written or f.get()
    if type(v) == "number" or type(v) == "string" then
      local y, why = years.read(v, style)
      if y == nil then errs[#errs + 1] = { path = f.path, msg = why }
      else f.set(y) end
    end
  end
  if #errs > 0 then fail(r, errs) end
  local lo, hi, set = range(vals)
  return { style = style, lo = lo, hi = hi, set = set, column = col }
end

local function ylab(y, t)
  return years.label(y, t and t.style == "six" and "six" or "end")
end

-- ===== The deeper checks (check only) =====

local function key(v)
  if type(v) == "number" and v == math.floor(v) then return string.format("%d", v) end
  return tostring(v)
end

-- code -> name for the values of a unit column (name column optional).
local function units_of(f, unitcol, namecol)
  local codes = f:column(unitcol)
  local names = namecol and f:has(namecol) and f:column(namecol) or nil
  local out, list = {}, {}
  for i = 1, #codes do
    if codes[i] ~= NA then
      local k = key(codes[i])
      if out[k] == nil then list[#list + 1] = k end
      if out[k] == nil or out[k] == true then
        out[k] = (names and names[i] ~= NA and tostring(names[i])) or true
      end
    end
  end
  return out, list
end

local function closest_codes(k, list)
  local n = tonumber(k)
  if not n then return util.hint(k, list) end
  local best = {}
  for _, c in ipairs(list) do if tonumber(c) then best[#best + 1] = c end end
  table.sort(best, function(a, b) return math.abs(tonumber(a) - n) < math.abs(tonumber(b) - n) end)
  local show = {}
  for i = 1, math.min(3, #best) do show[i] = best[i] end
  return #show > 0 and (" (nearest codes in the data: " .. table.concat(show, ", ") .. ")") or ""
end

local function la_hint()
  return "; look an authority up with csceval la NAME"
end

--- Outcome or measure names: the first part of every estimate label.
local function estimate_prefixes(d)
  local out = {}
  for _, o in ipairs(type(d.outcomes) == "table" and d.outcomes or {}) do
    if type(o) == "table" and o.name then out[#out + 1] = o.name end
  end
  for _, m in ipairs(type(d.measures) == "table" and d.measures or {}) do
    if type(m) == "table" and m.name then out[#out + 1] = m.name end
  end
  return out
end

--- Run the deeper checks.  Returns lines to print (what was found) and
-- warnings; raises a recipe error listing every mistake.
function M.deep(r, data, frame, t)
  local d = r.spec.design
  local info, warn, errs = {}, {}, {}
  local function err(path, msg) errs[#errs + 1] = { path = path, msg = msg } end
  -- the frame a panel or series design analyses
  local f = frame or (d.data and data[d.data])
  -- the rows each preparation step kept, as Stata prints "(n observations deleted)"
  for _, st in ipairs(require("csc.designs.base").trace[d] or {}) do
    info[#info + 1] = string.format("%s %s: %d rows -> %d rows, %d columns", st.path, st.verb, st.rows_in, st.rows,
      st.cols)
  end
  if f and d.where and f.filter then
    local ok, g = pcall(f.filter, f, d.where)
    if ok then f = g end
  end
  if f and d.type ~= "benchmark" and d.type ~= "custom" then
    if f:nrow() == 0 then
      err(d.where and "design.where" or (d.prepare and "design.prepare" or (d.steps and "design.steps" or "design.data")),
        "leaves no rows to analyse; check the filter and the codes it compares with (csceval show FILE "
        .. "--where EXPR prints the rows an expression keeps)")
    else
      info[#info + 1] = string.format("design data: %d rows, %d columns%s", f:nrow(), f:ncol(),
        d.prepare and " (after design.prepare)" or (d.steps and " (after design.steps)" or ""))
    end
  end
  -- years against the data
  if t and t.lo then
    info[#info + 1] = string.format("years in the data (%s): %s to %s", t.column, ylab(t.lo, t), ylab(t.hi, t))
    if r.fy_implicit then
      info[#info + 1] = string.format("%s counts years by their end: %d is %s (April %d to March %d); "
        .. "add format = \"fy\" to print years that way", t.column, t.hi, ylab(t.hi, t), t.hi - 1, t.hi)
    end
    for _, fld in ipairs(year_fields(d)) do
      local y = fld.get()
      if type(y) == "number" then
        local lab = ylab(y, t)
        if y < t.lo or y > t.hi then
          err(fld.path, string.format("%s (%s) is outside the years in the data, %s to %s", tostring(y), lab,
            ylab(t.lo, t), ylab(t.hi, t)))
        elseif fld.role == "break" then
          if y <= t.lo then
            err(fld.path, string.format("%s (%s) is the first year in the data: an interruption needs years "
              .. "before it (the data start at %s)", tostring(y), lab, ylab(t.lo, t)))
          else
            local npre = 0
            for v in pairs(t.set) do if v < y then npre = npre + 1 end end
            info[#info + 1] = string.format("%s = %s: %s, the first year of the intervention; %d years before it",
              fld.path, tostring(y), lab, npre)
          end
        end
      end
    end
    -- the financial-year trap: "began in April 2018" with interruption 2018
    if t.style == "end" then
      local texts = { r.spec.question, r.spec.title, d.summary }
      for _, fld in ipairs(year_fields(d)) do
        if fld.role == "break" and type(fld.get()) == "number" and not r.years_written[fld.path] then
          local y = fld.get()
          for _, text in ipairs(texts) do
            for _, dt in ipairs(years.dates_in(text or "")) do
              if dt.year == y and dt.month >= 4 then
                err(fld.path, string.format("%d is the year ending March %d, %s; the recipe says the programme "
                  .. "began %s, which is %d here (%s). Write %s = \"%s\" (or %d); if you do mean %s, write \"%s\"",
                  y, y, ylab(y, t), dt.text, y + 1, ylab(y + 1, t), fld.path:match("[%w_]+$"), ylab(y + 1, t),
                  y + 1, ylab(y, t), ylab(y, t)))
                goto next_field
              end
            end
          end
        end
        ::next_field::
      end
    end
  end
  -- a single series: one row per time, and which series it is
  if f and f:nrow() > 0 and d.type == "its" and type(d.time) == "string" and f:has(d.time) then
    local seen, dup = {}, nil
    for _, v in ipairs(f:column(d.time)) do
      if v ~= NA then
        if seen[v] then dup = v end
        seen[v] = true
      end
    end
    if dup ~= nil then
      err(d.prepare and "design.prepare" or (d.where and "design.where" or "design.data"),
        string.format("the series has more than one row for %s %s: an interrupted time series needs one row "
          .. "per period, so keep one authority (e.g. where = 'old_la_code == 831') or add the rows up with "
          .. "aggregate", d.time, t and ylab(dup, t) or tostring(dup)))
    end
    local name, col = require("csc.designs.its").series_name(f)
    if name then info[#info + 1] = string.format("series: %s (%s)", name, col) end
  end
  -- the treated authority and the comparators
  if f and f:nrow() > 0 and type(d.unit) == "string" and f:has(d.unit) then
    local units, list = units_of(f, d.unit, d.name)
    local function check_code(path, v, role)
      local k = key(v)
      local nm = units[k]
      if nm == nil then
        err(path, string.format("%s is not a value of %s in the data%s%s", k, d.unit, closest_codes(k, list), la_hint()))
      else
        info[#info + 1] = string.format("%s: %s%s", role, k, nm ~= true and (" " .. nm) or "")
      end
    end
    if type(d.treated) == "table" then
      for i, v in ipairs(d.treated) do check_code(string.format("design.treated[%d]", i), v, "treated") end
    elseif d.treated ~= nil then check_code("design.treated", d.treated, "treated") end
    for i, v in ipairs(type(d.comparators) == "table" and d.comparators or {}) do
      check_code(string.format("design.comparators[%d]", i), v, "comparator")
    end
    info[#info + 1] = string.format("units in the data: %d", #list)
    -- neighbours: the treated authority must have a row in the groupings
    local sel = type(d.select) == "table" and d.select or nil
    local nb = sel and type(sel.neighbours) == "table" and sel.neighbours
    if nb and data[nb.input] and data[nb.input]:has(nb.code_column) and d.treated ~= nil then
      local g = data[nb.input]
      local codes = g:column(nb.code_column)
      local found
      for i = 1, #codes do if key(codes[i]) == key(d.treated) then found = i end end
      if not found then
        err("design.select.neighbours", string.format("the treated unit %s has no row in %q (column %q), so it has "
          .. "no statistical neighbours there%s", key(d.treated), nb.input, nb.code_column, la_hint()))
      else
        local names, missing = {}, {}
        for _, c in ipairs(g:names()) do
          if c:match("^SN_?%d+$") then
            local v = g:value(found, c)
            if v ~= NA then
              local k = key(v)
              if units[k] then names[#names + 1] = k .. (units[k] ~= true and (" " .. units[k]) or "")
              else missing[#missing + 1] = k end
            end
          end
        end
        info[#info + 1] = "neighbours in the data: " .. table.concat(names, ", ")
        if #missing > 0 then
          warn[#warn + 1] = string.format("neighbours with no rows in the data (reorganised, or not in this "
            .. "file): %s", table.concat(missing, ", "))
        end
        if sel.n and #names < sel.n then
          warn[#warn + 1] = string.format("select.n = %d but only %d neighbours have data; at most %d can be "
            .. "chosen", sel.n, #names, #names)
        end
      end
    end
  end
  -- benchmark: the authority in the code column of each measure's input
  if d.type == "benchmark" and type(d.measures) == "table" then
    local codecol = d.code_column or "old_la_code"
    for i, m in ipairs(d.measures) do
      local g = type(m) == "table" and data[m.input]
      if g and g:has(codecol) then
        local units, list = units_of(g, codecol, g:has("la_name") and "la_name" or nil)
        local nm = units[key(d.authority)]
        if nm == nil then
          err("design.authority", string.format("%s is not a value of %s in input %q%s%s", key(d.authority), codecol,
            m.input, closest_codes(key(d.authority), list), la_hint()))
          break
        elseif i == 1 then
          info[#info + 1] = string.format("authority: %s%s", key(d.authority), nm ~= true and (" " .. nm) or "")
          if nm ~= true and type(d.authority_name) == "string" and nm ~= d.authority_name then
            warn[#warn + 1] = string.format("design.authority_name is %q but code %s is %q in the data",
              d.authority_name, key(d.authority), nm)
          end
        end
      end
    end
  end
  -- published estimate names: the first part is an outcome or measure name
  -- (the time-series and benchmark designs name every estimate this way;
  -- matching and weighting also record unprefixed ones, and a label with
  -- {...} is a template the recipe fills in; a recipe's `checks` may record
  -- estimates of its own, named as it likes)
  local prefixes = estimate_prefixes(d)
  -- the estimates the recipe's tables read (tables[i].estimates): their
  -- labels' first parts
  for _, t in ipairs(type(r.spec.tables) == "table" and r.spec.tables or {}) do
    for _, e in ipairs(type(t) == "table" and type(t.estimates) == "table" and t.estimates or {}) do
      local head = type(e) == "table" and type(e.label) == "string" and e.label:match("^([^%.{]+)%.")
      if head and #prefixes > 0 then prefixes[#prefixes + 1] = head end
    end
  end
  local prefixed = { its = true, cits = true, did = true, benchmark = true }
  if #prefixes > 0 and prefixed[d.type] and type(r.spec.checks) ~= "function" then
    local function check_name(p, path)
      local label = p.estimate or p.label
      local head = type(label) == "string" and label:match("^([^%.]+)%.")
      local ok = type(label) ~= "string" or label:find("{", 1, true) ~= nil
      for _, x in ipairs(prefixes) do if head == x then ok = true end end
      if not ok then
        err(path .. (p.estimate and ".estimate" or ".label"),
          string.format("%s%q cannot be an estimate of this design: its estimates are named OUTCOME.WHAT, "
            .. "where OUTCOME is one of %s%s (csceval explain estimates lists the names)",
            p.at and (p.at .. ": ") or "", tostring(label), table.concat(prefixes, ", "),
            head and util.hint(head, prefixes) or ""))
      end
    end
    for i, p in ipairs(type(r.spec.published) == "table" and r.spec.published or {}) do
      local path = string.format("published[%d]", i)
      if type(p) == "table" and p.file then
        for _, f in ipairs(require("csc.published").file_figures(p)) do check_name(f, path) end
      else
        check_name(p, path)
      end
    end
  end
  if type(r.spec.published) ~= "table" or #r.spec.published == 0 then
    info[#info + 1] = "published figures: none (a new analysis: the report will say so)"
  end
  -- placeholders left to fill
  local n = 0
  for line in (r.source .. "\n"):gmatch("([^\n]*)\n") do
    n = n + 1
    if line:find("TODO:", 1, true) then
      local text = line:gsub("^%s+", ""):gsub("%s+$", "")
      if #text > 110 then text = text:sub(1, 107) .. "..." end
      warn[#warn + 1] = string.format("unfilled (line %d): %s", n, text)
    end
  end
  if #errs > 0 then fail(r, errs) end
  return info, warn
end

return M
