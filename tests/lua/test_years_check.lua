-- Years written the ways people write them, and the recipes `check` passes
-- (tests/newcomer/: the same recipes the bad-input newcomer cases break).
local H = ...
local Y = require("csc.years")
local sys = require("host.sys")

H.case("years: financial and academic years written many ways", function()
  for _, s in ipairs({ "2018/19", "2018-19", "2018/2019", "2018-2019", "2018 to 2019", "FY2018/19", "FY 2018-19",
      "2018/19 financial year", "AY 2018/19", "academic year 2018/19", "201819" }) do
    H.eq(Y.read(s), 2019)
    H.eq(Y.read(s, "six"), 201819)
  end
  H.eq(Y.read("1999/00"), 2000)
  H.eq(Y.parse_text("2018-04"), nil)        -- a month, left to the data's own time column
  H.eq(Y.parse_text("2018-2019"), 2018)
  H.eq(Y.read(2019, "end"), 2019)
  H.eq(Y.read(201819, "six"), 201819)
  local y, why = Y.read(201819, "end")
  H.eq(y, nil); H.ok(why:find('write "2018/19" or 2019', 1, true), why)
  y, why = Y.read("2018-04-01", "end")
  H.eq(y, nil); H.ok(why:find('falls in 2018/19', 1, true), why)
  y, why = Y.read("2018-03-31", "end")
  H.ok(why:find('falls in 2017/18', 1, true), why)
  y, why = Y.read("2018/20")
  H.eq(y, nil); H.ok(why:find("the second year must follow the first", 1, true), why)
  y, why = Y.read(2019, "six")
  H.eq(y, nil); H.ok(why:find("ambiguous", 1, true), why)
  H.eq(Y.label(2019), "2018/19")
  H.eq(Y.label(201819), "2018/19")
  H.eq(Y.label(2000), "1999/00")
  -- both years in full, as some reports print them (No Wrong Door's Table 8)
  H.eq({ Y.label(2017, "full"), Y.label(201819, "full"), Y.label(2000, "full"), Y.label(199900, "full") },
    { "2016/2017", "2018/2019", "1999/2000", "1999/2000" })
  H.eq(Y.label(2019, "plain"), "2019")
  H.eq(Y.style({ 2013, 2014 }), "end")
  H.eq(Y.style({ 201213, 201314 }), "six")
  H.eq(Y.style({ "2018-04-01" }), "date")
  H.eq(#Y.dates_in("began in April 2018 and ended Sept 2019"), 2)
end)

local function cli(args, dir)
  local tmp = os.tmpname()
  local cmd = "cd " .. dir .. " && " .. sys.exe()
  for _, a in ipairs(args) do cmd = cmd .. " '" .. a .. "'" end
  local ok, _, code = os.execute(cmd .. " >" .. tmp .. ".out 2>" .. tmp .. ".err")
  local function slurp(p) local f = io.open(p); local s = f:read("a"); f:close(); os.remove(p); return s end
  os.remove(tmp)
  return ok and 0 or code, slurp(tmp .. ".out"), slurp(tmp .. ".err")
end

H.case("check: the newcomer recipes pass, name the authorities and the years", function()
  local dir = "tests/newcomer"
  local out = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-newcomer-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid())
  for _, f in ipairs({ "its.lua", "its_text_year.lua", "cits.lua", "benchmark.lua" }) do
    local code, o, e = cli({ "check", f }, dir)
    H.eq(code, 0)
    H.ok(o:find(f .. ": ok", 1, true), o .. e)
    H.ok(o:find("2012/13 to 2024/25", 1, true), o)
    H.ok(o:find("831 Derby", 1, true) or o:find("series: Derby", 1, true), o)
    code, o, e = cli({ "run", f, "--out", out, "--quiet" }, dir)
    H.eq(code, 0)
    H.eq(e, "")
  end
  -- no published figures: a new analysis, not "0 of 0"; the series is named
  local code, o = cli({ "run", "its.lua", "--out", out }, dir)
  H.eq(code, 0)
  H.ok(o:find("its: %d+ estimates; a new analysis %(no published figures to compare with%)"), o)
  local md = io.open(out .. "/its/report.md"):read("a")
  H.ok(md:find("**A new analysis:** there are no published figures to compare with", 1, true), md)
  H.ok(not md:find("Reruns:", 1, true), "no 'Reruns:' line")
  -- the source says only "New analysis": it is not printed again before the notice
  H.ok(not md:find("New analysis. **A new analysis", 1, true), "new analysis said twice")
  H.ok(md:find("The series analysed: Derby (la_name).", 1, true), "names the authority")
  local index = io.open(out .. "/index.md"):read("a")
  H.ok(index:find("A new analysis: no published figures to compare with.", 1, true), index)
  local _, o = cli({ "check", "its_text_year.lua" }, dir)
  H.ok(o:find("design.interruption = 2019: 2018/19", 1, true), o)
  local _, o2 = cli({ "check", "cits.lua" }, dir)
  H.ok(o2:find("comparator: 874 Peterborough", 1, true), o2)
  os.execute("rm -rf '" .. out .. "'")
end)

H.case("frames print as aligned tables; describe --where, show", function()
  local hframe = require("host.frame")
  require("csc.frame_text").install()
  local f = hframe.new({ names = { "la", "rate" }, columns = { { "Derby", "Bolton", "Leeds" }, { 1.5, hframe.NA, 12 } } })
  H.eq(tostring(f:head(2)), "2 rows, 2 columns\n   la      rate\n1  Derby    1.5\n2  Bolton    NA")
  local s = tostring(f)
  H.ok(s:find("3 rows, 2 columns", 1, true), s)
  local code, out = cli({ "show", "referrals.csv", "--where", "old_la_code == 831 and time_period >= 2024",
    "--columns", "time_period,la_name,referral_count" }, "tests/newcomer")
  H.eq(code, 0)
  H.ok(out:find("rows where old_la_code == 831 and time_period >= 2024: 2 rows, 3 columns", 1, true), out)
  H.ok(out:find("2025  Derby", 1, true), out)
  code, out = cli({ "describe", "referrals.csv", "--where", 'la_name == "Derby"', "--columns", "referral_count" },
    "tests/newcomer")
  H.eq(code, 0)
  H.ok(out:find("13 rows, 1 column", 1, true), out)
  local err
  code, _, err = cli({ "show", "referrals.csv", "--columns", "referal_count" }, "tests/newcomer")
  H.eq(code, 2)
  H.ok(err:find('did you mean "referral_count"', 1, true), err)
end)

H.case("cits: a warning when fewer comparators are chosen than select.n asks; the placebo table names its comparison set", function()
  local out = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-newcomer-sel-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid())
  local code, o = cli({ "check", "cits_select.lua" }, "tests/newcomer")
  H.eq(code, 0)
  H.ok(o:find("warning: select.n = 5 but only 3 neighbours have data", 1, true), o)
  code = cli({ "run", "cits_select.lua", "--out", out, "--quiet" }, "tests/newcomer")
  H.eq(code, 0)
  local res = require("csc.json").decode(io.open(out .. "/cits_select/results.json"):read("a"))
  local found = false
  for _, w in ipairs(res.warnings) do
    if w:find("select.n asks for 5 comparison units but only", 1, true) then found = true end
  end
  H.ok(found, "warning about too few comparators")
  local cap
  for _, t in ipairs(res.tables) do if t.name == "rate_placebo" then cap = t.caption end end
  H.ok(cap and cap:find("not with the chosen comparators", 1, true), tostring(cap))
  os.execute("rm -rf '" .. out .. "'")
end)

H.case("its: design.rates with year_lag gives the same analysis as the hand-written preparation", function()
  local out = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-newcomer-rates-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid())
  for _, f in ipairs({ "its.lua", "its_rates.lua" }) do
    local code = cli({ "run", f, "--out", out, "--quiet", "--format", "json" }, "tests/newcomer")
    H.eq(code, 0)
  end
  local json = require("csc.json")
  local a = json.decode(io.open(out .. "/its/results.json"):read("a"))
  local b = json.decode(io.open(out .. "/its_rates/results.json"):read("a"))
  local eb = {}
  for _, e in ipairs(b.estimates) do eb[e.label] = e.value end
  H.ok(#a.estimates > 10, "estimates")
  for _, e in ipairs(a.estimates) do H.eq(eb[e.label], e.value, 1e-12) end
  os.execute("rm -rf '" .. out .. "'")
end)
