-- csceval new DESIGN: every design's starting recipe passes check (its TODOs
-- reported as unfilled, not failures) and runs as written on the shared
-- public data.  Skipped when ../shared/data is absent.
local H = ...
local sys = require("host.sys")

if sys.kind("../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv") ~= "file" then
  H.skip("csceval new", "../shared/data is absent (the shared public statistics the recipes read)")
  return
end

local function cli(args)
  local tmp = os.tmpname()
  local cmd = sys.exe()
  for _, a in ipairs(args) do cmd = cmd .. " '" .. a .. "'" end
  local ok, _, code = os.execute(cmd .. " >" .. tmp .. ".out 2>" .. tmp .. ".err")
  local function slurp(p) local f = io.open(p); local s = f:read("a"); f:close(); os.remove(p); return s end
  os.remove(tmp)
  return ok and 0 or code, slurp(tmp .. ".out"), slurp(tmp .. ".err")
end

local dir = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-new-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid()) .. tostring(math.random(1e6))
os.execute("mkdir -p '" .. dir .. "'")

for _, design in ipairs({ "benchmark", "its", "cits", "did", "matching", "ipw", "custom" }) do
  H.case("new " .. design .. " --la 831: check reports placeholders, run works", function()
    local path = dir .. "/" .. design .. ".lua"
    local code, _, err = cli({ "new", design, "--la", "831", "--out", path })
    H.eq(code, 0)
    H.ok(err:find("wrote " .. path, 1, true), err)
    local src = io.open(path):read("a")
    H.ok(src:find("Derby", 1, true), "names the authority")
    local out
    code, out, err = cli({ "check", path })
    H.eq(code, 0)
    H.ok(out:find("unfilled (line", 1, true), out .. err)
    H.ok(out:find("published figures: none", 1, true), out)
    code, out, err = cli({ "run", path, "--out", dir .. "/out", "--quiet" })
    H.eq(code, 0)
    H.ok(sys.kind(dir .. "/out/" .. design .. "/results.json") == "file", err)
  end)
end

H.case("new: mistakes are usage errors; an existing file is not overwritten", function()
  local code, _, err = cli({ "new", "itss" })
  H.eq(code, 2)
  H.ok(err:find('did you mean "its"', 1, true), err)
  code, _, err = cli({ "new", "its", "--la", "Dreby" })
  H.eq(code, 2)
  H.ok(err:find("Derby (831)", 1, true), err)
  code, _, err = cli({ "new", "its", "--out", dir .. "/its.lua" })
  H.eq(code, 5)
  H.ok(err:find("already exists", 1, true), err)
end)

H.case("new its --data FILE: the file's columns listed; check names the first column the file lacks", function()
  local csv = dir .. "/mine.csv"
  local fh = io.open(csv, "w"); fh:write("year,la,n\n2019,A,5\n"); fh:close()
  local path = dir .. "/mine.lua"
  local code, _, err = cli({ "new", "its", "--data", csv, "--out", path })
  H.eq(code, 0)
  local src = io.open(path):read("a")
  H.ok(src:find("--   year ", 1, true) and src:find("its steps", 1, true), src:sub(1, 400))
  local out
  code, out, err = cli({ "check", path })
  H.ok(code == 2, out .. err)
  H.ok(err:find("design.steps[1].filter", 1, true) and err:find("the columns are year, la, n", 1, true), err)
end)

-- The five mistakes a beginner makes first, each made in every design's
-- starting recipe: the message names the file, the line of the mistake, the
-- field, and what to write, and check exits 2 (a recipe error).
local function line_of(src, pos)
  local n = 1
  for _ in src:sub(1, pos - 1):gmatch("\n") do n = n + 1 end
  return n
end

-- Each: name, the patterns to look for (the first found is edited), the
-- edit (given the captures), then what stderr must contain.
local mistakes = {
  { "a misspelt field", { "\n(%s+)(outcomes) = {", "\n(%s+)(measures) = {" },
    function(ws, f) return "\n" .. ws .. f:sub(1, -3) .. f:sub(-1) .. f:sub(-2, -2) .. " = {" end,
    function(_, f) return { "design." .. f:sub(1, -3) .. f:sub(-1) .. f:sub(-2, -2), 'unknown field (did you mean "' .. f .. '"?)' } end },
  { "a wrong input name", { '(data) = "referrals"', '(input) = "referrals"' },
    function(f) return f .. ' = "referals"' end,
    function(f) return { "." .. f .. ': "referals" is not among the inputs (did you mean "referrals"?)',
      "the recipe's inputs are neighbours, population, referrals" } end },
  { "a column the data lacks", { '(column) = "([%w_]+)"', '(numerator) = "([%w_]+)"' },
    function(f, c) return f .. ' = "' .. c .. 'x"' end,
    function(f, c) return { "." .. f .. ": ", 'no column "' .. c .. 'x"', 'did you mean "' .. c .. '"' } end },
  { "a typo in an expression", { "(filter = '[^']-) == " }, function(pre) return pre .. " = " end,
    function() return { "design.steps[", 'use "==" to compare' } end },
  { "a number in quotes", { "(per = )(%d+)([,%s])", "(digits = )(%d+)([,%s])", "(ratio = )(%d+)([,%s])" }, function(pre, n, post)
      return pre .. '"' .. n .. '"' .. post end,
    function(_, n) return { "expected a", 'got string "' .. n .. '": write ' .. n .. ", without quotes" } end },
}
-- what a design's starting recipe has nothing to make the mistake with
local absent = { benchmark = { [4] = true }, ipw = { [5] = true } }

for _, design in ipairs({ "benchmark", "its", "cits", "did", "matching", "ipw" }) do
  H.case("new " .. design .. ": five beginner mistakes name the file, line, field and what to write", function()
    local src = io.open(dir .. "/" .. design .. ".lua"):read("a")
    local from = src:find("\n  design = {", 1, true)
    H.ok(from, "the recipe has a design table")
    local to = src:find("\n  },", from, true)   -- the design table's closing brace
    H.ok(to, "the design table closes")
    for k, m in ipairs(mistakes) do
      local name, pats, edit, want = m[1], m[2], m[3], m[4]
      local s, e, caps
      for _, pat in ipairs(pats) do
        local r = { src:find(pat, from) }
        if r[1] and r[1] < to then s, e, caps = r[1], r[2], { table.unpack(r, 3) }; break end
      end
      if s then
        local bad = src:sub(1, s - 1) .. edit(table.unpack(caps)) .. src:sub(e + 1)
        local line = line_of(src, s) + (src:sub(s, s) == "\n" and 1 or 0)
        local path = dir .. "/" .. design .. "_mistake" .. k .. ".lua"
        local fh = io.open(path, "w"); fh:write(bad); fh:close()
        local code, out, err = cli({ "check", path })
        H.ok(code == 2, name .. ": exit " .. tostring(code) .. ": " .. out .. err)
        H.ok(err:find(path .. ":" .. line .. ":", 1, true), name .. ": line " .. line .. " in: " .. err)
        -- one message: the mistake, not the fields it left missing
        H.ok(select(2, err:gsub("\n%S", "")) == 0, name .. ": one message, not several: " .. err)
        for _, w in ipairs(want(table.unpack(caps))) do H.ok(err:find(w, 1, true), name .. ": wants " .. w .. " in: " .. err) end
      else
        H.ok(absent[design] and absent[design][k], name .. ": nothing to edit in the " .. design .. " recipe")
      end
    end
  end)
end

os.execute("rm -rf '" .. dir .. "'")
