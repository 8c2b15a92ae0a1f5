-- Disclosure control across the shipped recipes: every recipe with
-- record-level input (an input with record_level = true, or SSDA903
-- returns) is run, and every count column of every table it writes (the
-- columns it declares as counts) is scanned in the CSV files for a count
-- from 1 to threshold - 1.  A recipe that must print small published
-- numbers says so with disclosure = { allow_small = "reason" } and is then
-- checked for the report's notice instead.
local H = ...
local sys = require("host.sys")
local frame = require("host.frame")
local recipe = require("csc.recipe")
local runner = require("csc.runner")

local OUT = "tests/out/disclosure_scan"

local function record_level(spec)
  for _, inp in pairs(spec.inputs or {}) do
    if inp.record_level or inp.format == "ssda903" then return true end
  end
  return false
end

local files = {}
for _, f in ipairs(sys.listdir("recipes")) do if f:match("%.lua$") then files[#files + 1] = "recipes/" .. f end end
table.sort(files)

H.case("disclosure: every recipe on record-level input shows no small count in any count column", function()
  local ran = {}
  for _, path in ipairs(files) do
    local r = recipe.load(path, { trusted = true })
    if record_level(r.spec) then
      local res = runner.run(path, { out = OUT, trusted = true, data = {} })
      -- a recipe on a large generated file that is not here (or under
      -- CSCEVAL_SKIP_LARGE=1) is skipped and writes nothing to scan
      if res.skipped then goto next_recipe end
      ran[#ran + 1] = res.id
      H.ok(res.disclosure and res.disclosure.on, res.id .. ": disclosure control is on")
      local dc = res.disclosure
      local report = sys.read(res.dir .. "/report.md")
      if dc.allow_small then
        H.ok(report:find("disclosure control is off at the recipe's request", 1, true), res.id .. ": the notice is shown")
      else
        local scanned = 0
        for _, t in ipairs(res.tables) do
          if t.counts and t.csv then
            local fr = assert(frame.read_csv(res.dir .. "/" .. t.name .. ".csv", { types = {} }))
            for _, c in ipairs(t.counts) do
              if fr:has(c) then
                for i = 1, fr:nrow() do
                  local v = fr:value(i, c)
                  scanned = scanned + 1
                  if type(v) == "number" and v > 0 and v < dc.threshold then
                    H.fail(string.format("%s: %s.csv row %d column %s shows %s", res.id, t.name, i, c, tostring(v)))
                  end
                end
              end
            end
          end
        end
        H.ok(scanned > 0, res.id .. ": count cells scanned")
        H.ok(report:find("Disclosure control", 1, true), res.id .. ": the report says what disclosure control did")
      end
    end
    ::next_recipe::
  end
  table.sort(ran)
  for _, id in ipairs({ "derby_care_leavers_903", "lincs_future4me", "nwd_back_on_track" }) do
    local found = false
    for _, x in ipairs(ran) do if x == id then found = true end end
    H.ok(found, id .. " is scanned as a record-level recipe")
  end
end)

H.case("disclosure: the IPW design's counts are suppressed when under the threshold (lincs_future4me at 25)", function()
  local r, d, prov, mod = runner.prepare("recipes/lincs_future4me.lua", { trusted = true, data = {} })
  r.spec.disclosure = { threshold = 25 }
  local res = runner.run_loaded(r, d, prov, mod, { out = OUT .. "/t25" })
  local fr = assert(frame.read_csv(res.dir .. "/weights.csv", { types = {} }))
  local shown = {}
  for i = 1, fr:nrow() do
    local v = fr:value(i, "outside_support")
    if v == frame.NA then H.eq(fr:na_reason(i, "outside_support"), "c") else shown[#shown + 1] = v end
    H.ok(v == frame.NA or v == 0 or v >= 25, "outside_support shows " .. tostring(v))
  end
  local report = sys.read(res.dir .. "/report.md")
  H.ok(report:find("counts from 1 to 24 suppressed", 1, true), "the table says what was suppressed")
end)

H.case("disclosure: small counts among the estimates and in running text are not shown", function()
  local context = require("csc.context")
  local function ctx_with(dspec)
    return context.new({ spec = { inputs = { d = { record_level = true } }, disclosure = dspec }, path = "t", id = "t" },
      {}, { { name = "d", record_level = true } }, {}, {})
  end
  local ctx = ctx_with(nil)
  ctx:estimate({ label = "n_small", value = 3, count = true })
  ctx:estimate({ label = "n_big", value = 12, count = true })
  ctx:estimate({ label = "mean", value = 2.5, n = 4 })
  ctx:estimate({ label = "zero", value = 0, count = true })
  H.eq(ctx:get("n_small").value, nil)
  H.eq(ctx:get("n_small").suppressed, true)
  H.eq(ctx:get("n_big").value, 12)
  H.eq(ctx:get("mean").value, 2.5)   -- not a count: kept
  H.eq(ctx:get("mean").n, nil)       -- its n of 4 children is not shown
  H.eq(ctx:get("zero").value, 0)     -- a zero reveals no one
  H.eq(#ctx.disclosure.log, 2)
  H.eq(ctx:count(3), "fewer than 5")
  H.eq(ctx:count(7), "7")
  local open = ctx_with({ allow_small = "a published table" })
  open:estimate({ label = "n_small", value = 3, count = true })
  H.eq(open:get("n_small").value, 3)
  H.eq(open:count(3), "3")
end)
