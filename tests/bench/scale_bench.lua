-- csceval's side of the scale series (tests/bench/scale.sh), through the real
-- binary and the public Lua API:
--   csceval test tests/bench/scale_bench.lua STEP FILE.csv RUNS OUT
--     times STEP (best of RUNS wall seconds; loading the file is timed only in
--     csv_load) on the national-like extract FILE.csv (tests/bench/gen_national.c)
--     and its authority table FILE_la.csv, prints the seconds and writes the
--     step's result to OUT for the checks:
--       key,value lines (%.17g) for load, filter, mutate, groupby, join, logit,
--       ols_cluster, ipw; the matched sets (treated,slot,control) for ps, maha
--   csceval test tests/bench/scale_bench.lua check STEP OURS THEIRS [FILE.csv]
--     compares two result files and prints one line; exit status 1 on a difference.
-- The steps' definitions are in docs/performance.md ("Scale series"); every peer
-- script (peer_scale.R, peer_duckdb.mjs, peer_scale_models.py, peer_matchit_scale.R)
-- computes the same quantities.
local frame = require("host.frame")
local sys = require("host.sys")
local model = require("csc.model")
local match = require("csc.match")
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local sets = dofile(here .. "match_sets.lua")

local X = { "fsm", "sen", "eal", "idaci", "prior" }
local FILTER = 'fsm == 1 and ncyear >= 7 and idaci > 0.3'
local MUTATE = "outcome - 8 * prior + log(idaci + 1)"

local function write_kv(path, kv)
  local fh = assert(io.open(path, "w"))
  for _, p in ipairs(kv) do fh:write(string.format("%s,%.17g\n", p[1], p[2])) end
  fh:close()
end

local function read_kv(path)
  local t, order = {}, {}
  for line in io.lines(path) do
    local k, v = line:match("^([^,]+),(.+)$")
    if k then t[k] = tonumber(v); order[#order + 1] = k end
  end
  return t, order
end

local function sum(c) local s = 0 for i = 1, #c do s = s + c[i] end return s end

local function write_pairs(m, path)
  local t, s, c = m.pairs:column("treated_row"), m.pairs:column("slot"), m.pairs:column("control_row")
  local idx = {}
  for i = 1, #t do idx[i] = i end
  table.sort(idx, function(a, b) if t[a] ~= t[b] then return t[a] < t[b] end return s[a] < s[b] end)
  local fh = assert(io.open(path, "w"))
  fh:write("treated,slot,control\n")
  for _, i in ipairs(idx) do fh:write(string.format("%d,%d,%d\n", t[i], s[i], c[i])) end
  fh:close()
end

local function nearest(d, step)
  if step == "maha" then
    return match.nearest{ data = d, treat = "treated", covariates = { "idaci", "prior" }, ratio = 10 }
  end
  return match.nearest{ data = d, treat = "treated", distance = "logit", covariates = X }
end

-- Each step: function(d, la) -> result list of {key, value} (or a match
-- result), or a function giving that list: only the step itself is timed, and
-- the function, called after the timing, reads the values the checks need out
-- of the step's frame (as the peers compute their check sums after timing).
local STEPS = {
  filter = function(d)
    local s = d:filter(FILTER)
    return function() return { { "rows", s:nrow() }, { "sum_pupil_id", sum(s:column("pupil_id")) } } end
  end,
  mutate = function(d)
    local m = d:mutate("v", MUTATE)
    return function() return { { "sum_v", sum(m:column("v")) } } end
  end,
  groupby = function(d)
    local g = d:aggregate("la", { { "n", "count" }, { "mean_outcome", "mean", "outcome" },
                                  { "sum_fsm", "sum", "fsm" } })
    return function()
      local la, n, mo, sf = g:column("la"), g:column("n"), g:column("mean_outcome"), g:column("sum_fsm")
      local kv = {}
      for i = 1, #la do
        kv[#kv + 1] = { la[i] .. ":n", n[i] }
        kv[#kv + 1] = { la[i] .. ":mean_outcome", mo[i] }
        kv[#kv + 1] = { la[i] .. ":sum_fsm", sf[i] }
      end
      return kv
    end
  end,
  join = function(d, la)
    local j = d:join(la, "la", "inner")
    return function() return { { "rows", j:nrow() }, { "sum_spend", sum(j:column("spend")) } } end
  end,
  logit = function(d)
    local r = model.glm{ data = d, y = "treated", x = X, family = "binomial", link = "logit" }
    local kv = {}
    for k, row in ipairs(r.coefficients) do kv[k] = { "coef:" .. row.term, row.estimate } end
    return kv
  end,
  ols_cluster = function(d)
    local x = { "treated", table.unpack(X) }
    local r = model.ols{ data = d, y = "outcome", x = x, vcov = "CR1", cluster = "la" }
    local kv = {}
    for _, row in ipairs(r.coefficients) do
      kv[#kv + 1] = { "coef:" .. row.term, row.estimate }
      kv[#kv + 1] = { "se:" .. row.term, row.std_error }
    end
    return kv
  end,
  ipw = function(d)
    local w = match.ipw{ data = d, treat = "treated", covariates = X, estimand = "ATT" }
    local b = w:balance{}
    -- the sum of the weights by a C sweep (per group, then added): reading
    -- 10 million weights into a Lua array would put 160 MB into the step's
    -- peak memory that the step itself never needs
    local g = w.data:aggregate("treated", { { "sw", "sum", "weights" } }):column("sw")
    local kv = { { "sum_weights", g[1] + g[2] } }
    for _, row in ipairs(b.rows) do kv[#kv + 1] = { "smd_adj:" .. row.covariate, row.smd_adj } end
    return kv
  end,
  ps = function(d) return nearest(d, "ps") end,
  maha = function(d) return nearest(d, "maha") end,
}

local step = arg[1]
if step == "check" then
  local kind, ours, theirs = arg[2], arg[3], arg[4]
  if kind == "ps" or kind == "maha" then
    local a, na = sets.read_sets(ours)
    local b, nb = sets.read_sets(theirs)
    if kind == "maha" then
      -- a 10:1 matched set is a set: MatchIt and csceval may list equally distant
      -- controls in another slot order, so compare the controls sorted by row
      for _, t in ipairs({ a, b }) do
        for tr, row in pairs(t) do
          local c = {}
          for _, v in pairs(row) do c[#c + 1] = v end
          table.sort(c)
          t[tr] = c
        end
      end
    end
    local diff, total = sets.same_sets(a, b)
    if diff == 0 then
      print(string.format("identical matched sets: %d treated units, %d pairs", total, na))
      return 0
    end
    if kind == "maha" and arg[5] then
      -- Sets that differ must differ only through exact ties: replay both
      -- match matrices as MatchIt's greedy rounds (match_sets.lua).
      local d = assert(frame.read_csv(arg[5]))
      local X, tr = { d:column("idaci"), d:column("prior") }, d:column("treated")
      local ra, rb = sets.read_sets(ours), sets.read_sets(theirs)
      local ba, sa, ta, fa = sets.greedy_check(ra, X, tr, 10)
      local bb, sb, tb, fb = sets.greedy_check(rb, X, tr, 10)
      if ba == 0 and bb == 0 then
        print(string.format("matched sets differ for %d of %d treated units, all through exactly tied "
          .. "distances: both are MatchIt 4.5.1's greedy rounds (every one of csceval's %d and MatchIt's "
          .. "%d choices is the nearest control still available; %d and %d of them had an equally near "
          .. "rival, which each tool breaks by its own floating-point rounding)", diff, total, sa, sb, ta, tb))
        return 0
      end
      print(string.format("DIFFERENT matched sets: %d of %d treated units differ; not the nearest "
        .. "available control: csceval %d (%s), MatchIt %d (%s)", diff, total, ba, fa or "-", bb, fb or "-"))
      os.exit(1)
    end
    if kind == "ps" and arg[5] then
      local d = assert(frame.read_csv(arg[5]))
      local m = nearest(d, "ps")
      local rd = sets.same_sets(sets.replay_v451(m.data:column("distance"), d:column("treated")), b)
      if rd == 0 then
        print(string.format("MatchIt's %d pairs are exactly its 4.5.1 score rule (MatchIt issue #163) "
          .. "replayed on csceval's scores; csceval's nearest controls differ for %d of %d treated units",
          nb, diff, total))
        return 0
      end
    end
    print(string.format("DIFFERENT matched sets: %d of %d treated units differ (%d and %d pairs)", diff, total, na, nb))
    os.exit(1)
  end
  -- Every value to 1e-8, relative to max(1, |value|): the issue's tolerance for
  -- coefficients; counts and integer sums are exact in doubles, and sums of
  -- decimals differ between tools only by summation order, far below 1e-8.
  local a, order = read_kv(ours)
  local b = read_kv(theirs)
  local worst, wkey, n = 0, nil, 0
  for _, k in ipairs(order) do
    n = n + 1
    if b[k] == nil then print("DIFFERENT: " .. k .. " missing from " .. theirs); os.exit(1) end
    local e = math.abs(a[k] - b[k]) / math.max(1, math.abs(b[k]))
    if e > worst then worst, wkey = e, k end
  end
  for k in pairs(b) do if a[k] == nil then print("DIFFERENT: " .. k .. " missing from " .. ours); os.exit(1) end end
  if worst > 1e-8 then
    print(string.format("DIFFERENT: %s %.17g against %.17g (relative %.2g > 1e-8)", wkey, a[wkey], b[wkey], worst))
    os.exit(1)
  end
  print(string.format("same %d values to 1e-8 (largest relative difference %.2g)", n, worst))
  return 0
end

local path, runs, out = arg[2], tonumber(arg[3]) or 3, arg[4]
local best = math.huge
if step == "load" then
  local d
  for _ = 1, runs do
    d = nil
    collectgarbage()
    local t0 = sys.clock()
    d = assert(frame.read_csv(path))
    local t = sys.clock() - t0
    if t < best then best = t end
  end
  -- the check sum by a C sweep over the column (a whole-frame aggregate), as
  -- the ipw step sums its weights: d:column("outcome") would build a Lua
  -- array of every value, 16 bytes a row, and the step's peak memory would
  -- measure that array rather than the loaded frame
  if out then
    local s = d:aggregate(nil, { { "s", "sum", "outcome" } }):column("s")[1]
    write_kv(out, { { "rows", d:nrow() }, { "sum_outcome", s } })
  end
else
  local f = STEPS[step] or error("scale_bench: unknown step " .. tostring(step))
  local d = assert(frame.read_csv(path))
  local la = assert(frame.read_csv((path:gsub("%.csv$", "_la.csv"))))
  local r
  for _ = 1, runs do
    r = nil
    collectgarbage()
    local t0 = sys.clock()
    r = f(d, la)
    local t = sys.clock() - t0
    if t < best then best = t end
  end
  if type(r) == "function" then r = r() end
  if out then
    if step == "ps" or step == "maha" then write_pairs(r, out) else write_kv(out, r) end
  end
end
print(string.format("%.4f", best))
return 0
