--- Local authorities in England: codes, names, regions, years in the
-- statistics and statistical neighbours, read from the shared public data
-- (../shared/data/ees/ and ../shared/data/lookups/).  Used by `csceval la`,
-- by `csceval new --la` and by `check` to name authorities.
--
-- Everything is read from the files except the list of reorganisations
-- below (which authorities replaced which), a matter of record that the
-- statistics show only as one series ending and others starting.
-- @module csc.authorities
local hframe = require("host.frame")
local sys = require("host.sys")
local util = require("csc.util")

local M = {}

M.default_dir = "../shared/data"

M.files = {
  statistics = "ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
  sn2021 = "ees/New_Statistical_Neighbour_Groupings_April_2021.csv",
  sn2025 = "ees/sn_model_2025_wide.csv",
  lookup = "lookups/Provider_data_lookup.csv",
}

--- Reorganisations of local government in England since 2009 that the
-- statistics cover: `year` is the first financial year of the new
-- authorities, as time_period (2022 = 2021/22).
M.reorganisations = {
  { year = 2020, from = { "835", "836", "837" }, to = { "838", "839" },
    what = "Dorset County Council, Bournemouth and Poole were replaced on 1 April 2019 by Dorset (838) "
      .. "and Bournemouth, Christchurch and Poole (839)" },
  { year = 2021, from = { "825" }, to = { "825" },
    what = "Buckinghamshire became a unitary authority on 1 April 2020: same old code 825, new ONS code "
      .. "E06000060 (was E10000002)" },
  { year = 2022, from = { "928" }, to = { "940", "941" },
    what = "Northamptonshire was replaced on 1 April 2021 by North Northamptonshire (940) and West "
      .. "Northamptonshire (941)" },
  { year = 2024, from = { "909" }, to = { "942", "943" },
    what = "Cumbria was replaced on 1 April 2023 by Cumberland (942) and Westmorland and Furness (943)" },
  { year = 2024, from = { "815" }, to = { "815" },
    what = "North Yorkshire became a unitary authority on 1 April 2023: same old code 815, new ONS code "
      .. "E06000065 (was E10000023)" },
  { year = 2024, from = { "933" }, to = { "933" },
    what = "Somerset became a unitary authority on 1 April 2023: same old code 933, new ONS code "
      .. "E06000066 (was E10000027)" },
}

--- "2018/19" for time_period 2019 (the year ending March 2019).
function M.fy(y)
  return string.format("%d/%02d", y - 1, y % 100)
end

local function read(dir, key)
  local path = dir .. "/" .. M.files[key]
  if sys.kind(path) ~= "file" then return nil, path end
  local types = {}
  if key == "statistics" then types = { old_la_code = "text", new_la_code = "text" } end
  if key == "lookup" then types = { la_code = "text" } end
  local f, msg = hframe.read_csv(path, { types = types })
  if not f then return nil, msg end
  return f, path
end

local function columns(f)
  local c = {}
  for _, n in ipairs(f:names()) do c[n] = f:column(n) end
  return c
end

local function str(v)
  if v == nil or v == hframe.NA then return nil end
  if math.type(v) == "integer" then return string.format("%d", v) end
  local s = tostring(v):gsub("^%s+", ""):gsub("%s+$", "")
  return s ~= "" and s or nil
end

--- Read the shared files into an index.  Returns the index, or nil and a
-- message naming the file that is missing.
-- index.by_code[old code] = {code, names = {...}, name, new_codes = {{code, first, last}}, region,
--   first, last, sn = {[2021] = {{code, closeness}}, [2025] = {...}}}
function M.load(dir)
  dir = dir or M.default_dir
  local idx = { by_code = {}, dir = dir, sources = {} }
  local function entry(code)
    local e = idx.by_code[code]
    if not e then
      e = { code = code, names = {}, new_codes = {}, sn = {} }
      idx.by_code[code] = e
    end
    return e
  end
  local stats, spath = read(dir, "statistics")
  if not stats then
    return nil, string.format("%s not found: csceval la reads the shared public data; run it from the "
      .. "project root with ../shared beside it, or give --shared DIR", spath)
  end
  idx.sources[#idx.sources + 1] = spath
  local la = stats:filter('geographic_level == "Local authority"')
  local a = la:aggregate({ "old_la_code", "new_la_code", "la_name", "region_name" },
    { { "first", "min", "time_period" }, { "last", "max", "time_period" } })
  local c = columns(a)
  idx.max_year, idx.min_year = 0, math.huge
  for i = 1, a:nrow() do
    local code = str(c.old_la_code[i])
    if code then
      local e = entry(code)
      local first, last = c.first[i], c.last[i]
      idx.max_year = math.max(idx.max_year, last)
      idx.min_year = math.min(idx.min_year, first)
      e.first = math.min(e.first or first, first)
      e.last = math.max(e.last or last, last)
      local nm = str(c.la_name[i])
      if nm and (not e.name_last or last >= e.name_last) then e.name, e.name_last = nm, last end
      if nm then e.names[nm] = true end
      e.region = str(c.region_name[i]) or e.region
      local nc = str(c.new_la_code[i])
      if nc then e.new_codes[#e.new_codes + 1] = { code = nc, first = first, last = last } end
    end
  end
  for _, e in pairs(idx.by_code) do
    table.sort(e.new_codes, function(x, y) return x.first < y.first end)
  end
  -- statistical neighbours: one file a model, ten neighbours a row, each
  -- with its closeness; m names the model's columns
  local function model(key, year, m)
    local f, path = read(dir, key)
    if not f then return end
    idx.sources[#idx.sources + 1] = path
    local k = columns(f)
    for i = 1, f:nrow() do
      local code = str(k[m.code][i])
      if code then
        local e = entry(code)
        e.name = e.name or str(k[m.name][i])
        m.region(e, k, i)
        local list = {}
        for j = 1, 10 do
          local n = str(k[m.sn(j)] and k[m.sn(j)][i])
          local p = k[m.closeness(j)]
          if n then list[#list + 1] = { code = n, closeness = p and str(p[i]) } end
        end
        e.sn[year] = list
      end
    end
  end
  -- 2021 model: SN1..SN10 with closeness SNP, SNP_2, ...; the 2021 region
  model("sn2021", 2021, { code = "LA num", name = "LA Name",
    region = function(e, k, i) e.region21 = str(k.GOReg[i]) end,
    sn = function(j) return "SN" .. j end, closeness = function(j) return j == 1 and "SNP" or ("SNP_" .. j) end })
  -- 2025 model: SN_1..SN_10 with closeness SN_1P, ...
  model("sn2025", 2025, { code = "old_la_code", name = "la_name",
    region = function(e, k, i) e.region = e.region or str(k.region_name[i]) end,
    sn = function(j) return "SN_" .. j end, closeness = function(j) return "SN_" .. j .. "P" end })
  -- the Ofsted provider look-up: current ONS codes, and neighbours when a
  -- model file above is absent
  local fl, pl = read(dir, "lookup")
  if fl then
    idx.sources[#idx.sources + 1] = pl
    local k = columns(fl)
    for i = 1, fl:nrow() do
      local code = str(k.la_code[i])
      if code then
        local e = entry(code)
        e.name = e.name or str(k.local_authority_ons_name[i])
        e.region = e.region or str(k.region_name[i])
        local nc = str(k.la_code_new[i])
        if nc and #e.new_codes == 0 then e.new_codes[1] = { code = nc } end
        for year, col in pairs({ [2025] = "stat_neighbours", [2021] = "stat_neighbours_previous" }) do
          local v = k[col] and str(k[col][i])
          if v and not e.sn[year] then
            local list = {}
            for n in v:gmatch("%d+") do list[#list + 1] = { code = n } end
            e.sn[year] = list
          end
        end
      end
    end
  end
  for _, e in pairs(idx.by_code) do
    e.region = e.region or e.region21
    -- reorganisations
    for _, r in ipairs(M.reorganisations) do
      for _, x in ipairs(r.from) do if x == e.code then e.reorg = e.reorg or {}; e.reorg[#e.reorg + 1] = r end end
      for _, x in ipairs(r.to) do
        if x == e.code and not (#r.from == 1 and r.from[1] == x) then
          e.created = e.created or {}; e.created[#e.created + 1] = r
        end
      end
    end
  end
  return idx
end

local function norm(s)
  return (s:lower():gsub("[%s%p]+", " "):gsub("^%s+", ""):gsub("%s+$", ""):gsub("^city of ", ""))
end

--- Find authorities matching a query: an old code (831), an ONS code
-- (E06000015) or a name (case and punctuation ignored; a part of a name
-- matches when it is unique enough).  Returns a list of entries, and when
-- it is empty, a list of suggested names.
function M.find(idx, q)
  q = tostring(q):gsub("^%s+", ""):gsub("%s+$", "")
  if q:match("^%d+$") then
    local e = idx.by_code[q]
    return e and { e } or {}, {}
  end
  local up = q:upper()
  if up:match("^E%d%d%d%d%d%d%d%d$") then
    local out = {}
    for _, code in ipairs(util.sorted_keys(idx.by_code)) do
      local e = idx.by_code[code]
      for _, nc in ipairs(e.new_codes) do
        if nc.code == up then out[#out + 1] = e; break end
      end
    end
    return out, {}
  end
  local nq = norm(q)
  local exact, part = {}, {}
  for _, code in ipairs(util.sorted_keys(idx.by_code)) do
    local e = idx.by_code[code]
    local hit_exact, hit_part = false, false
    for nm in pairs(e.names) do
      local n = norm(nm)
      if n == nq then hit_exact = true elseif n:find(nq, 1, true) then hit_part = true end
    end
    if e.name and norm(e.name) == nq then hit_exact = true end
    if hit_exact then exact[#exact + 1] = e elseif hit_part then part[#part + 1] = e end
  end
  if #exact > 0 then return exact, {} end
  if #part > 0 then return part, {} end
  -- did you mean: names within a few edits (more for longer names)
  local scored = {}
  for _, e in pairs(idx.by_code) do
    for nm in pairs(e.names) do
      local d = util.edit_distance(nq, norm(nm))
      if d <= math.max(2, #nq // 4) then scored[#scored + 1] = { name = nm, d = d, code = e.code } end
    end
  end
  table.sort(scored, function(x, y) if x.d ~= y.d then return x.d < y.d end return x.name < y.name end)
  local sugg, seen = {}, {}
  for _, s in ipairs(scored) do
    if not seen[s.name] and #sugg < 5 then seen[s.name] = true; sugg[#sugg + 1] = s.name .. " (" .. s.code .. ")" end
  end
  return {}, sugg
end

--- Name of an old code, or nil.
function M.name(idx, code)
  local e = idx.by_code[tostring(code)]
  return e and e.name
end

--- A text block describing one authority (what `csceval la` prints).
function M.text(idx, e)
  local out = {}
  local function add(s) out[#out + 1] = s end
  local others = {}
  for nm in pairs(e.names) do if nm ~= e.name then others[#others + 1] = nm end end
  table.sort(others)
  add(string.format("%s: old LA code %s%s", e.name or "?", e.code, e.region and (", " .. e.region) or ""))
  if #others > 0 then add("  also written: " .. table.concat(others, "; ")) end
  for _, nc in ipairs(e.new_codes) do
    if nc.first then
      add(string.format("  ONS code %s: %s to %s", nc.code, M.fy(nc.first), M.fy(nc.last)))
    else
      add(string.format("  ONS code %s", nc.code))
    end
  end
  if e.first then
    add(string.format("  in the children-in-need statistics %s to %s (time_period %d to %d: the year ending "
      .. "31 March, so %d is %s)", M.fy(e.first), M.fy(e.last), e.first, e.last, e.last, M.fy(e.last)))
  else
    add("  not in the children-in-need statistics")
  end
  for _, r in ipairs(e.reorg or {}) do
    local succ = {}
    for _, t in ipairs(r.to) do succ[#succ + 1] = string.format("%s %s", t, M.name(idx, t) or "?") end
    if #r.to == 1 and r.to[1] == e.code then
      add("  reorganised: " .. r.what .. "; one series, check the ONS code when joining by new_la_code")
    else
      add(string.format("  reorganised: %s. Its series ends in %s; from %s see %s", r.what,
        M.fy(r.year - 1), M.fy(r.year), table.concat(succ, " and ")))
    end
  end
  for _, r in ipairs(e.created or {}) do
    local pred = {}
    for _, t in ipairs(r.from) do pred[#pred + 1] = string.format("%s %s", t, M.name(idx, t) or "?") end
    add(string.format("  created: %s. Its series starts in %s; before that see %s", r.what, M.fy(r.year),
      table.concat(pred, " and ")))
  end
  if not e.reorg and e.last and idx.max_year and e.last < idx.max_year then
    add(string.format("  no figures after %s", M.fy(e.last)))
  end
  for _, year in ipairs({ 2021, 2025 }) do
    local list = e.sn[year]
    if list and #list > 0 then
      add(string.format("  statistical neighbours, %d model (closest first):", year))
      for j, n in ipairs(list) do
        local ne = idx.by_code[n.code]
        local note = ""
        if ne and ne.reorg then
          for _, r in ipairs(ne.reorg) do
            if not (#r.to == 1 and r.to[1] == ne.code) then note = string.format(" [no figures from %s: reorganised]", M.fy(r.year)) end
          end
        elseif ne and ne.created then
          note = string.format(" [figures from %s]", M.fy(ne.created[1].year))
        end
        add(string.format("    %2d  %s  %s%s%s", j, n.code, ne and ne.name or "?",
          n.closeness and ("  (" .. n.closeness .. ")") or "", note))
      end
    elseif e.last == nil or e.last >= 2021 then
      add(string.format("  statistical neighbours, %d model: none listed", year))
    end
  end
  local codes = {}
  for _, n in ipairs(e.sn[2021] or {}) do codes[#codes + 1] = n.code end
  if #codes > 0 then
    add(string.format("  in a recipe: treated = %s; neighbours: select = { neighbours = { input = \"neighbours\" } }, "
      .. "with inputs.neighbours = { dataset = \"statistical_neighbours_2021\" }", e.code))
  end
  return table.concat(out, "\n") .. "\n"
end

return M
