-- make check's test of the scale-series generator (tests/bench/gen_national.c):
--   csceval test tests/bench/check_national.lua FILE.csv ROWS
-- Reads the generated extract and its authority table through csceval and checks
-- the shape and the descriptives the generator is built to give (the bounds are
-- wide enough for sampling error at 100,000 rows: a share p has standard error
-- at most 0.0016 there, and each bound is several times that away).
local frame = require("host.frame")
local path, rows = arg[1], tonumber(arg[2])
local fail = 0
local function check(ok, what)
  if not ok then print("FAIL national generator: " .. what); fail = fail + 1 end
end
local d = assert(frame.read_csv(path))
local want = { "pupil_id", "la", "ncyear", "sex", "fsm", "sen", "eal", "idaci", "prior", "treated", "outcome" }
check(table.concat(d:names(), ",") == table.concat(want, ","), "columns are " .. table.concat(d:names(), ","))
check(d:nrow() == rows, string.format("%d rows, expected %d", d:nrow(), rows))
local function mean(name)
  local c, s = d:column(name), 0
  for i = 1, #c do s = s + c[i] end
  return s / #c
end
local id = d:column("pupil_id")
local ok = true
for i = 1, #id do if id[i] ~= i then ok = false break end end
check(ok, "pupil_id is not 1..ROWS")
local m = { fsm = mean("fsm"), sen = mean("sen"), eal = mean("eal"), treated = mean("treated"),
            prior = mean("prior"), idaci = mean("idaci") }
check(m.fsm > 0.20 and m.fsm < 0.28, "fsm share " .. m.fsm .. " outside 0.20-0.28")
check(m.sen > 0.13 and m.sen < 0.17, "sen share " .. m.sen .. " outside 0.13-0.17")
check(m.eal > 0.17 and m.eal < 0.21, "eal share " .. m.eal .. " outside 0.17-0.21")
check(m.treated > 0.006 and m.treated < 0.015, "treated share " .. m.treated .. " outside 0.006-0.015")
check(m.idaci > 0.15 and m.idaci < 0.35, "idaci mean " .. m.idaci .. " outside 0.15-0.35")
check(m.prior > -0.4 and m.prior < 0.0, "prior mean " .. m.prior .. " outside -0.4-0")
local la = assert(frame.read_csv((path:gsub("%.csv$", "_la.csv"))))
check(la:nrow() == 152, "authority table has " .. la:nrow() .. " rows, expected 152")
local per = d:aggregate("la", { { "n", "count" } })
check(per:nrow() == 152, "extract uses " .. per:nrow() .. " authorities, expected 152")
local j = d:join(la, "la", "inner")
check(j:nrow() == rows, "join to the authority table keeps " .. j:nrow() .. " of " .. rows .. " rows")
if fail > 0 then os.exit(1) end
print(string.format("national generator: %d rows, fsm %.3f, sen %.3f, eal %.3f, treated %.4f", rows,
  m.fsm, m.sen, m.eal, m.treated))
return 0
