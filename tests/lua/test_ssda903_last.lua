-- SSDA903 rules that compare a return with the previous year's
-- (csc.ssda903.validate_last): each has a passing and a failing example,
-- built as two returns (2019 and 2020); and a recipe input of consecutive
-- years applies them.
local H = ...
local sys = require("host.sys")
local read = require("csc.ssda903.read")
local VL = require("csc.ssda903.validate_last")

if sys.kind("../shared/data/ssda903/spec") ~= "dir" then
  H.skip("ssda903 last-year rules", "../shared/data/ssda903/spec is absent (the specification files)")
  return
end

local function hdr(over)
  local h = { CHILD = "1", SEX = "2", DOB = "01/01/2004", ETHNIC = "WBRI", UPN = "A123456789012" }
  for k, v in pairs(over or {}) do h[k] = v end
  return h
end
local function ep(over)
  local e = { CHILD = "1", DECOM = "01/05/2018", RNE = "S", LS = "C2", CIN = "N1", PLACE = "U1", PLACE_PROVIDER = "PR1",
    HOME_POST = "DE1 1AA", PL_POST = "DE2 2BB", URN = "SC000001" }
  for k, v in pairs(over or {}) do e[k] = v end
  return e
end
local function with(a, b) local t = {} for k, v in pairs(a) do t[k] = v end for k, v in pairs(b) do t[k] = v end return t end

-- last year (2018-19): child 1 looked after from 01/05/2018, still open
local LAST = { header = { hdr() }, episodes = { ep() } }
-- this year (2019-20): the same episode continues
local NOW = { header = { hdr() }, episodes = { ep() } }
local function now(over) local t = {} for k, v in pairs(NOW) do t[k] = v end for k, v in pairs(over) do t[k] = v end return t end
local function last(over) local t = {} for k, v in pairs(LAST) do t[k] = v end for k, v in pairs(over) do t[k] = v end return t end

-- a decision to place for adoption (PlacedAdoption)
local function pa(over)
  local r = { CHILD = "1", DOB = "01/01/2004", DATE_PLACED = "01/06/2018" }
  for k, v in pairs(over or {}) do r[k] = v end
  return r
end
local PA_CEASED = pa({ DATE_PLACED_CEASED = "01/03/2019", REASON_PLACED_CEASED = "RD1" })
-- a UASC table row (CHILD, DOB, SEX, DUC)
local function uasc(over)
  local r = { CHILD = "1", DOB = "01/01/2004", SEX = "2" }
  for k, v in pairs(over or {}) do r[k] = v end
  return r
end

local cases = {
  ["202"] = { fail = { now = now({ header = { hdr({ SEX = "1" }) } }) } },
  ["203"] = { fail = { now = now({ header = { hdr({ DOB = "02/01/2004" }) } }) } },
  ["204"] = { fail = { now = now({ header = { hdr({ ETHNIC = "WIRI" }) } }) } },
  ["624"] = { pass = { last = last({ header = { hdr({ MOTHER = "1", MC_DOB = "01/02/2019" }) } }),
                       now = now({ header = { hdr({ MOTHER = "1", MC_DOB = "01/02/2019" }) } }) },
              fail = { last = last({ header = { hdr({ MOTHER = "1", MC_DOB = "01/02/2019" }) } }),
                       now = now({ header = { hdr({ MOTHER = "1", MC_DOB = "01/03/2019" }) } }) } },
  ["208"] = { pass = { last = last({ header = { hdr({ UPN = "UN1" }) } }) },     -- unknown last year, known now
              fail = { now = now({ header = { hdr({ UPN = "B123456789012" }) } }) } },
  ["207"] = { pass = { last = last({ header = { hdr({ MOTHER = "1", MC_DOB = "01/02/2019" }) } }),
                       now = now({ header = { hdr({ MOTHER = "1", MC_DOB = "01/02/2019" }) } }) },
              fail = { last = last({ header = { hdr({ MOTHER = "1", MC_DOB = "01/02/2019" }) } }),
                       now = now({ header = { hdr({ MOTHER = "0" }) } }) } },
  -- not a mother last year; a first child born before 1 April 2019 (this year's start) contradicts it,
  -- one born this year does not
  ["626"] = { pass = { last = last({ header = { hdr({ MOTHER = "0" }) } }),
                       now = now({ header = { hdr({ MOTHER = "1", MC_DOB = "01/06/2019" }) } }) },
              fail = { last = last({ header = { hdr({ MOTHER = "0" }) } }),
                       now = now({ header = { hdr({ MOTHER = "1", MC_DOB = "01/02/2019" }) } }) } },
  ["502"] = { fail = { now = now({ episodes = { ep({ DECOM = "02/05/2018" }) } }) } },
  ["503A"] = { fail = { now = now({ episodes = { ep({ RNE = "P" }) } }) } },
  ["503B"] = { fail = { now = now({ episodes = { ep({ LS = "C1" }) } }) } },
  ["503C"] = { fail = { now = now({ episodes = { ep({ CIN = "N2" }) } }) } },
  ["503E"] = { fail = { now = now({ episodes = { ep({ PLACE_PROVIDER = "PR2" }) } }) } },
  ["503F"] = { fail = { now = now({ episodes = { ep({ URN = "SC000002" }) } }) } },
  -- last year's latest episode started 01/05/2018 and ended; this year's starts before 1 April 2019 on another date
  ["562"] = { pass = { last = last({ episodes = { ep({ DEC = "01/03/2019", REC = "X1", REASON_PLACE_CHANGE = "CARPL" }),
                                                  ep({ DECOM = "01/03/2019", RNE = "P" }) } }),
                       now = now({ episodes = { ep({ DECOM = "01/03/2019", RNE = "P" }) } }) },
              fail = { last = last({ episodes = { ep({ DEC = "01/03/2019", REC = "X1", REASON_PLACE_CHANGE = "CARPL" }),
                                                  ep({ DECOM = "01/03/2019", RNE = "P" }) } }),
                       now = now({ episodes = { ep({ DECOM = "02/03/2019", RNE = "P" }) } }) } },
  ["NoE"] = { fail = { last = last({ episodes = { ep({ CHILD = "9" }) } }) } },
  ["1010"] = { pass = { now = now({ oc3 = { { CHILD = "1", DOB = "01/01/2004", IN_TOUCH = "YES", ACTIV = "F1", ACCOM = "B1" } } }) },
               fail = { now = now({ episodes = {}, oc3 = { { CHILD = "1", DOB = "01/01/2004", IN_TOUCH = "YES", ACTIV = "F1", ACCOM = "B1" } } }) } },
  -- a decision dated before this year (1 April 2019) must be in last year's table
  ["559"] = { pass = { last = last({ placed_for_adoption = { pa() } }), now = now({ placed_for_adoption = { pa() } }) },
              fail = { last = last({ placed_for_adoption = { pa({ CHILD = "9" }) } }),
                       now = now({ placed_for_adoption = { pa() } }) } },
  -- last year's decision had not ceased: same date this year
  ["560"] = { pass = { last = last({ placed_for_adoption = { pa() } }), now = now({ placed_for_adoption = { pa() } }) },
              fail = { last = last({ placed_for_adoption = { pa() } }),
                       now = now({ placed_for_adoption = { pa({ DATE_PLACED = "02/06/2018" }) } }) } },
  -- last year's decision ceased: a new one this year is later, not the same
  ["561"] = { pass = { last = last({ placed_for_adoption = { PA_CEASED } }),
                       now = now({ placed_for_adoption = { pa({ DATE_PLACED = "01/05/2019" }) } }) },
              fail = { last = last({ placed_for_adoption = { PA_CEASED } }),
                       now = now({ placed_for_adoption = { pa() } }) } },
  ["584"] = { pass = { last = last({ placed_for_adoption = { PA_CEASED } }),
                       now = now({ placed_for_adoption = { pa({ DATE_PLACED = "01/05/2019" }) } }) },
              fail = { last = last({ placed_for_adoption = { PA_CEASED } }),
                       now = now({ placed_for_adoption = { pa({ DATE_PLACED = "01/05/2018" }) } }) } },
  -- fields the specification files lack (SPEC failures "not a field" are expected with them)
  ["503G"] = { extra = true, pass = { last = last({ episodes = { ep({ PL_DISTANCE = "1.5" }) } }),
                                      now = now({ episodes = { ep({ PL_DISTANCE = "1.50" }) } }) },
               fail = { last = last({ episodes = { ep({ PL_DISTANCE = "1.5" }) } }),
                        now = now({ episodes = { ep({ PL_DISTANCE = "12.0" }) } }) } },
  ["503H"] = { extra = true, pass = { last = last({ episodes = { ep({ PL_LA = "E06000015" }) } }),
                                      now = now({ episodes = { ep({ PL_LA = "E06000015" }) } }) },
               fail = { last = last({ episodes = { ep({ PL_LA = "E06000015" }) } }),
                        now = now({ episodes = { ep({ PL_LA = "E10000007" }) } }) } },
  ["503J"] = { extra = true, pass = { last = last({ episodes = { ep({ PL_LOCATION = "IN" }) } }),
                                      now = now({ episodes = { ep({ PL_LOCATION = "IN" }) } }) },
               fail = { last = last({ episodes = { ep({ PL_LOCATION = "IN" }) } }),
                        now = now({ episodes = { ep({ PL_LOCATION = "OUT" }) } }) } },
  -- 452, 453: last year's latest episode (open, RNE S) and this year's first, which need not start on the same
  -- day; a distance 0.1 mile apart is rounding, 0.2 a contradiction
  ["452"] = { extra = true, pass = { last = last({ episodes = { ep({ PL_LA = "E06000015" }) } }),
                                     now = now({ episodes = { ep({ DECOM = "02/05/2018", PL_LA = "E06000015" }) } }) },
              fail = { last = last({ episodes = { ep({ PL_LA = "E06000015" }) } }),
                       now = now({ episodes = { ep({ DECOM = "02/05/2018", PL_LA = "E10000007" }) } }) } },
  ["453"] = { extra = true, pass = { last = last({ episodes = { ep({ PL_DISTANCE = "1.5" }) } }),
                                     now = now({ episodes = { ep({ PL_DISTANCE = "1.6" }) } }) },
              fail = { last = last({ episodes = { ep({ PL_DISTANCE = "1.5" }) } }),
                       now = now({ episodes = { ep({ PL_DISTANCE = "1.7" }) } }) } },
  -- 205A-D: UASC status by a row in the UASC table (the specification files have no header UASC field);
  -- DUC is the row's date UASC ceased; last year ran 01/04/2018 to 31/03/2019
  ["205A"] = { pass = { last = last({ uasc = { uasc({ DUC = "01/01/2019" }) } }) },
               fail = { last = last({ uasc = { uasc({ DUC = "01/01/2021" }) } }) } },
  ["205B"] = { pass = { last = last({ uasc = { uasc({ DUC = "01/01/2022" }) } }), now = now({ uasc = { uasc({ DUC = "01/01/2022" }) } }) },
               fail = { last = last({ uasc = { uasc({ DUC = "01/01/2019" }) } }), now = now({ uasc = { uasc({ DUC = "01/01/2022" }) } }) } },
  ["205C"] = { extra = true,
               pass = { last = last({ header = { hdr({ UASC = "0" }) } }), now = now({ header = { hdr({ UASC = "0" }) } }) },
               fail = { last = last({ header = { hdr({ UASC = "0" }) } }), now = now({ header = { hdr({ UASC = "0" }) },
                                                                                       uasc = { uasc({ DUC = "01/01/2022" }) } }) } },
  ["205D"] = { pass = { last = last({ uasc = { uasc({ DUC = "01/01/2022" }) } }), now = now({ uasc = { uasc({ DUC = "01/01/2022" }) } }) },
               fail = { now = now({ uasc = { uasc({ DUC = "01/01/2022" }) } }) } },
  ["576"] = { pass = { last = last({ missing = { { CHILD = "1", DOB = "01/01/2004", MISSING = "M", MIS_START = "01/03/2019" } } }),
                       now = now({ missing = { { CHILD = "1", DOB = "01/01/2004", MISSING = "M", MIS_START = "01/03/2019",
                                                 MIS_END = "05/04/2019" } } }) },
              fail = { last = last({ missing = { { CHILD = "1", DOB = "01/01/2004", MISSING = "M", MIS_START = "01/03/2019" } } }) } },
}

H.case("ssda903 last-year rules: each has a passing and a failing example", function()
  local untested = {}
  for _, r in ipairs(VL.rules) do
    local c = cases[r.code]
    if not c then untested[#untested + 1] = r.code else
      for _, kind in ipairs({ "pass", "fail" }) do
        local spec = c[kind] or {}
        local cur = assert(read.from_rows(2020, spec.now or NOW))
        local prev = assert(read.from_rows(2019, spec.last or LAST))
        for _, f in ipairs(cur.failures) do
          if not (c.extra and f.rule == "SPEC" and f.message:find("is not a field", 1, true)) then
            H.fail(string.format("%s %s example breaks the specification: %s %s", r.code, kind, f.field or "", f.message), 1)
          end
        end
        cur.failures, cur.rule_count = {}, {}
        VL.validate_last(cur, prev, { r.code })
        local n = cur.rule_count[r.code] or 0
        if kind == "pass" and n ~= 0 then H.fail(string.format("rule %s failed on its passing example: %s", r.code,
          cur.failures[1].message), 1) end
        if kind == "fail" and n == 0 then H.fail(string.format("rule %s passed its failing example", r.code), 1) end
        if kind == "fail" and n > 0 then
          local f = cur.failures[1]
          H.ok(f.file and f.line and f.message:find("last year", 1, true), r.code .. ": names this year's record and last year's")
        end
      end
    end
  end
  H.eq(untested, {})
  -- every rule carries a DfE code from the rule file
  local dfe = require("csc.ssda903.validate").messages()
  if dfe then for _, r in ipairs(VL.rules) do H.ok(dfe[r.code] ~= nil, r.code .. " is a DfE rule code") end end
  H.raises("last year's return is for 2019, not 2020", VL.validate_last, assert(read.from_rows(2021, NOW)),
    assert(read.from_rows(2019, LAST)))
end)

H.case("ssda903 rules 452 and 453 compare only a continued episode, and a blank contradicts a value", function()
  local function count(code, l, n)
    local cur = assert(read.from_rows(2020, n))
    cur.failures, cur.rule_count = {}, {}
    VL.validate_last(cur, assert(read.from_rows(2019, l)), { code })
    return cur.rule_count[code] or 0
  end
  local closed = ep({ PL_LA = "E06000015", DEC = "01/03/2019", REC = "E4A" })
  -- last year's latest episode had ended: nothing to continue
  H.eq(count("452", last({ episodes = { closed } }), now({ episodes = { ep({ PL_LA = "E10000007" }) } })), 0)
  -- another reason for new episode: not the same episode
  H.eq(count("452", last({ episodes = { ep({ PL_LA = "E06000015" }) } }),
    now({ episodes = { ep({ RNE = "P", PL_LA = "E10000007" }) } })), 0)
  -- blank this year, recorded last year
  H.eq(count("453", last({ episodes = { ep({ PL_DISTANCE = "1.5" }) } }), now({ episodes = { ep({ PL_DISTANCE = "" }) } })), 1)
  -- a year without the field: the rule does not apply
  H.eq(count("453", last({ episodes = { ep({ PL_DISTANCE = "1.5" }) } }), now({ episodes = { ep() } })), 0)
end)

H.case("ssda903 last-year rules run for each year after the first of a recipe input", function()
  if sys.kind("../shared/data/ssda903/demand_model_fake") ~= "dir" then H.skip("ssda903 last-year input", "no data"); return end
  local input = require("csc.ssda903.input")
  local obj = input.load("returns", { format = "ssda903", years = { 2018, 2019, 2020 }, prefix = "{start}-" },
    "../shared/data/ssda903/demand_model_fake", function(msg) error(msg, 0) end)
  local codes = {}
  for _, r in ipairs(VL.rules) do codes[r.code] = true end
  local per = {}
  for _, y in ipairs({ 2018, 2019, 2020 }) do
    per[y] = 0
    for _, f in ipairs(obj.returns[y].failures) do if codes[f.rule] then per[y] = per[y] + 1 end end
  end
  H.eq(per[2018], 0)   -- the first year has no previous return in the input
  H.ok(per[2019] > 0 and per[2020] > 0, "later years are checked against the year before")
end)
