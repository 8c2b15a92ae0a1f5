-- report.xlsx (csc.render.xlsx over host.xlsx, libxlsxwriter): the cell
-- rules (numbers as numbers at the reports' precision, missing as the EES
-- "x", suppressed cells keep their symbol), Excel's sheet-name rules, the
-- same bytes for the same run, and errors that name the sheet.  The
-- workbook written here is read back by openpyxl in tests/tools/xlsx_test.sh.
local H = ...
local xlsx = require("csc.render.xlsx")
local hx = require("host.xlsx")
local NA = require("host.frame").NA

H.case("xlsx cells: numbers keep their value and carry the display precision", function()
  H.eq(xlsx.cell(12).fmt, "0")
  H.eq(xlsx.cell(12).v, 12)
  H.eq(xlsx.cell(3.0).fmt, "0")
  H.eq(xlsx.cell(0.123456).fmt, "0.00")
  H.eq(xlsx.cell(0.123456).v, 0.123456)
  H.eq(xlsx.cell(123.456).fmt, "0.0")
  H.eq(xlsx.cell(0.123456, 4).fmt, "0.0000")
  H.eq(xlsx.cell(5.5, 0).fmt, "0")
end)

H.case("xlsx cells: missing and non-finite are the EES 'x'; suppressed cells keep 'c'", function()
  H.eq(xlsx.cell(NA), "x")
  H.eq(xlsx.cell(nil), "x")
  H.eq(xlsx.cell(0 / 0), "x")
  H.eq(xlsx.cell(math.huge), "x")
  H.eq(xlsx.cell("c"), "c")
  H.eq(xlsx.cell("low"), "low")
end)

H.case("xlsx sheet names follow Excel's rules and stay unique", function()
  local used = { about = true, published = true, estimates = true }
  H.eq(xlsx.sheet_name("a/b:c[d]*?", used), "a_b_c_d___")
  local long = string.rep("x", 40)
  local first = xlsx.sheet_name(long, used)
  H.eq(#first, 31)
  local second = xlsx.sheet_name(long, used)
  H.eq(#second, 31)
  H.ok(first ~= second, "two long names cut to the same 31 characters are told apart")
  H.eq(xlsx.sheet_name("About", used), "About~2")
  H.eq(xlsx.sheet_name("Ünïcödé-" .. string.rep("é", 40), used), "Ünïcödé-" .. string.rep("é", 23))
end)

local function fake()
  local ctx = {
    id = "xlsx_cells", synthetic = true,
    estimates = { { label = "Effect", value = 1.25, se = 0.5, ci = { 0.27, 2.23 }, p = 0.0124, n = 40 } },
    provenance = { { name = "records", path = "data/x.csv", sha256 = string.rep("ab", 32), rows = 40, columns = 3,
      synthetic = true } },
    tables = { { name = "counts", columns = { "group", "n", "rate", "note" }, digits = { rate = 3 },
      rows = { { "A", 12, 0.123456, "ok" }, { "B", "c", NA, "suppressed" }, { "C", 0, 0 / 0, "" } } } },
  }
  local r = { spec = { title = "Cells", question = "?", design = { type = "custom" } } }
  local published = { { label = "Rate", published = 0.12, reproduced = 0.123456, tolerance = 0.01, within = true } }
  local stamp = { csceval = "test", recipe = "x.lua", recipe_sha256 = string.rep("cd", 32), seed = 1, command = "csceval run x.lua" }
  return ctx, r, published, stamp
end

H.case("xlsx workbook: a zip (OOXML), the same bytes for the same run", function()
  local a = xlsx.render(fake())
  local b = xlsx.render(fake())
  H.eq(a:sub(1, 4), "PK\3\4")
  H.ok(a == b, "two renderings of the same run give the same bytes")
  os.execute("mkdir -p tests/out/xlsx")
  local fh = assert(io.open("tests/out/xlsx/cells.xlsx", "wb"))
  fh:write(a)
  fh:close()
end)

H.case("xlsx workbook: a bad cell or sheet is an error naming it", function()
  H.raises("sheet counts, row 2, column 1: v must be a number or string", hx.workbook,
    { sheets = { { name = "counts", ncol = 1, rows = { {}, { { v = true } } } } } })
  H.raises("sheet counts, row 1, column 1: a function cannot be a cell", hx.workbook,
    { sheets = { { name = "counts", ncol = 1, rows = { { print } } } } })
  H.raises("sheet name", hx.workbook, { sheets = { { name = "a:b", ncol = 1, rows = {} } } })
end)

-- xlsx as a format (docs/cli.md): `--format html,xlsx` writes report.html
-- and report.xlsx and nothing the list leaves out; a recipe may ask for it
-- in outputs.formats; an unknown format is still refused.  The workbook is
-- read back with csceval's own workbook reader (openpyxl reads one made the
-- same way in tests/tools/xlsx_test.sh).
H.case("--format html,xlsx and outputs.formats = { \"xlsx\" } write report.xlsx", function()
  local sys, frame = require("host.sys"), require("host.frame")
  local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-xlsxfmt-" .. tostring(sys.pid())
  sys.mkdirs(tmp)
  local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end
  local function cli(args)
    local cmd = { q(sys.exe()) }
    for _, a in ipairs(args) do cmd[#cmd + 1] = q(a) end
    local ok, _, code = os.execute(table.concat(cmd, " ") .. " >/dev/null 2>&1")
    return ok and 0 or code
  end
  local function names(dir)
    local t = {}
    for _, f in ipairs(sys.listdir(dir) or {}) do t[f] = true end
    return t
  end
  H.eq(cli({ "run", "tests/browser/gallery.lua", "--out", tmp .. "/a", "--format", "html,xlsx", "--quiet" }), 0)
  local f = names(tmp .. "/a/gallery")
  H.ok(f["report.html"] and f["report.xlsx"], "report.html and report.xlsx written")
  H.ok(not f["report.md"] and not f["results.json"] and not f["wide.csv"], "nothing the list leaves out")
  local book = tmp .. "/a/gallery/report.xlsx"
  local sheets = frame.sheets(book)
  H.eq(sheets[1], "About")
  local est = assert(require("csc.read").read(book, { sheet = "Estimates" }))
  H.ok(est:nrow() > 0, "the estimates sheet has rows")
  -- the same workbook as --xlsx writes, but for the command it records
  H.eq(cli({ "run", "tests/browser/gallery.lua", "--out", tmp .. "/b", "--format", "html", "--xlsx", "--quiet" }), 0)
  H.eq(frame.sheets(tmp .. "/b/gallery/report.xlsx"), sheets)
  -- a recipe's outputs.formats
  local src = sys.read("tests/browser/gallery.lua")
  local recipe = tmp .. "/only_xlsx.lua"
  assert(sys.write_atomic(recipe, (src:gsub("\n  seed = 7,", '\n  seed = 7,\n  outputs = { formats = { "json", "xlsx" } },', 1))))
  H.eq(cli({ "run", recipe, "--out", tmp .. "/c", "--quiet" }), 0)
  f = names(tmp .. "/c/only_xlsx")
  H.ok(f["report.xlsx"] and f["results.json"] and not f["report.html"], "outputs.formats = { \"json\", \"xlsx\" }")
  H.eq(cli({ "run", "tests/browser/gallery.lua", "--out", tmp .. "/d", "--format", "html,xls" }), 2)
  os.execute("rm -rf " .. q(tmp))
end)
