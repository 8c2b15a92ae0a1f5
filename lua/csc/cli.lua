--- The command line: csceval run | check | describe | test, --help, --version.
-- Parses arguments, dispatches, prints results to stdout and diagnostics to
-- stderr, and returns the exit code (docs/cli.md lists them).
-- @module csc.cli
local errors = require("csc.errors")
local sys = require("host.sys")

local M = {}

--- Commands that live in their own modules (lua/csc/cli/NAME.lua), each
-- exporting main(o) -> exit code.
M.commands = { la = "csc.cli.la", new = "csc.cli.new", explain = "csc.cli.explain", show = "csc.cli.show",
  export = "csc.cli.export" }

M.usage = [[
Usage:
  csceval run RECIPE... [--out DIR] [--data [RECIPE:]NAME=PATH]... [--seed N]
                        [--format md,csv,json,html,xlsx] [--png] [--xlsx] [--quiet] [--trusted]
                        [--memory MB] [--timeout SECONDS] [LIMITS]
  csceval check RECIPE... [--data [RECIPE:]NAME=PATH]... [--timeout SECONDS] [LIMITS]
  csceval describe FILE [--type COLUMN=TYPE]... [--where EXPR] [--columns A,B]
                   [--sheet NAME|N] [--header-row N] [--survey]
  csceval show FILE.csv [--where EXPR] [--columns A,B] [--rows N]
  csceval la NAME|CODE... [--shared DIR]
  csceval new DESIGN [--la CODE] [--data FILE] [--out RECIPE.lua]
  csceval explain [TOPIC]
  csceval export --to r|stata RECIPE... [--out DIR] [--data [RECIPE:]NAME=PATH]...
  csceval synthesise RECIPE... | --table FILE.csv [--out DIR]
  csceval test SCRIPT.lua [ARGS...]
  csceval --help | --version

Commands:
  run       run each recipe and write out/<id>/report.md, report.html, results.json,
            CSV tables and SVG charts
  check     validate the recipe and its input data without running the analysis
  describe  first look at a data file (CSV, .dta, .sav, .por, .sas7bdat, .xlsx, .ods): types, labels,
            missing values by reason, ranges, levels
  show      print the rows of a CSV file (optionally filtered) as an aligned table
  la        a local authority's codes, region, years and statistical neighbours
  new       write a commented starting recipe for a design (benchmark, its, cits,
            did, matching, ipw, custom)
  explain   explain a recipe field, design, estimate name, diagnostic or exit code
  export    write an R (or Stata) script that loads the recipe's inputs and runs the same
            analysis, to DIR/<id>.R (default out/export; docs/export.md)
  synthesise  tabulate evaluations by strength of evidence and result (the recipes'
            own declarations, or a CSV with project, group, analysis, result) into
            out/synthesis/
  test      run a trusted Lua test script with the csceval library (used by make check)

Options:
  --out DIR          output folder (default out)
  --data NAME=PATH   read input NAME from PATH instead of the recipe's file (e.g. the real data);
                     RECIPE:NAME=PATH does so for that recipe only (its id or file name)
  --seed N           random seed (default: the recipe's seed)
  --format LIST      which outputs to write: md, csv, json, html, xlsx (default md,csv,json,html)
  --png              also write each chart as a PNG (for pasting into Word)
  --xlsx             also write report.xlsx (as --format ...,xlsx): a sheet per result table, published against
                     reproduced, estimates and provenance (numbers as numbers)
  --quiet            print nothing but errors
  --trusted          run recipes without the sandbox (full Lua standard library)
  --memory MB        cap on Lua memory per run (default 4096)
  --timeout SECONDS  stop a recipe whose Lua code runs longer than this (default 3600;
                     for check 600)
LIMITS (run, check, describe, show; each refused with a message naming it):
  --max-input MB     largest input file read (default 4096)
  --max-columns N    most columns (fields on a line) in an input (default 16384)
  --max-rows N       most data rows in an input (default 100000000)
  --max-field BYTES  longest field in an input (default 1048576)
  --threads N        threads for loading a large CSV file, 1 to 64 (default: the
                     CSCEVAL_THREADS environment variable, else every core);
                     the data are the same for any number
  --max-files N      most files one recipe writes (default 10000)
  --max-output MB    most bytes one recipe writes (default 1024)
  --where EXPR       describe, show: only the rows where EXPR holds (docs/expressions.md)
  --columns A,B      describe, show: only these columns
  --sheet NAME|N     describe, show: the workbook sheet (.xlsx, .ods), by name or position
  --header-row N     describe, show: the sheet row of the table's header (found when absent)
  --survey           describe, show: a survey export (two header rows: question, option)
  --rows N           show: at most N rows (default 20)
  --shared DIR       la, new: the shared public data folder (default ../shared/data)
  --la CODE          new: the authority to analyse (old code, ONS code or name)
  --to r|stata       export: the language of the script

Exit codes: 0 ok, 1 internal error, 2 usage or recipe error, 3 data error,
4 analysis error, 5 output could not be written.
See `man csceval` and docs/ for the recipe reference.
]]

--- The resource limits a run or check takes from the command line: each
-- has a default, a range and the words its message uses (docs/cli.md,
-- "Limits").  whole: a whole number is expected.
M.limits = {
  ["--memory"] = { key = "memory", default = 4096, min = 1, max = 16777216, unit = "a size in MB" },
  ["--timeout"] = { key = "timeout", default = 3600, min = 0.001, max = 1000000, unit = "a number of seconds" },
  ["--max-input"] = { key = "max_input", default = 4096, min = 1, max = 4194304, unit = "a size in MB" },
  ["--max-columns"] = { key = "max_columns", default = 16384, min = 1, max = 1e9, whole = true,
    unit = "a whole number of columns" },
  ["--max-rows"] = { key = "max_rows", default = 100000000, min = 1, max = 1e15, whole = true,
    unit = "a whole number of rows" },
  ["--max-field"] = { key = "max_field", default = 1048576, min = 1, max = 4294967294, whole = true,
    unit = "a whole number of bytes" },
  ["--max-files"] = { key = "max_files", default = 10000, min = 1, max = 1e9, whole = true,
    unit = "a whole number of files" },
  ["--max-output"] = { key = "max_output", default = 1024, min = 1, max = 4194304, unit = "a size in MB" },
}

--- check's own default time limit: it runs no estimation, so a recipe whose
-- top level or data preparation takes longer is stuck.
M.CHECK_TIMEOUT = 600

local function limit_value(flag, v, lim)
  local n = tonumber(v)
  local bad = not n or n ~= n or n < lim.min or n > lim.max or (lim.whole and n ~= math.floor(n))
  if bad then
    errors.raise("usage", string.format("%s %s: expected %s from %s to %s (default %s)", flag, v, lim.unit,
      lim.whole and string.format("%d", lim.min) or string.format("%g", lim.min), string.format("%.0f", lim.max),
      string.format("%.0f", lim.default)))
  end
  return n
end

--- The loader's limits (host.frame.set_limits) from the options.
local function csv_limits(o)
  require("host.frame").set_limits({
    max_bytes = (o.max_input or M.limits["--max-input"].default) * 1048576,
    max_columns = o.max_columns, max_rows = o.max_rows, max_field = o.max_field, threads = o.threads })
end

local function parse(argv)
  local o = { cmd = nil, files = {}, data = {}, types = {}, formats = nil, rest = {} }
  local i = 1
  local function value(flag)
    i = i + 1
    local v = argv[i]
    if v == nil then errors.raise("usage", flag .. " needs a value (see csceval --help)") end
    return v
  end
  -- a numeric option's value: a whole number 0 or more (whole) or a number
  -- above 0; otherwise "FLAG VALUE: expected WHAT"
  local function number(flag, whole, what)
    local v = value(flag)
    local n = tonumber(v)
    -- (not `whole and tointeger(n) or n`: 1.5 or 1e20 would fall through as a float)
    if whole then n = n and math.tointeger(n) end
    if not n or (whole and n < 0) or (not whole and n <= 0) then
      errors.raise("usage", flag .. " " .. v .. ": expected " .. what)
    end
    return n
  end
  while i <= #argv do
    local a = argv[i]
    if o.cmd == "test" and #o.files > 0 then o.rest[#o.rest + 1] = a
    elseif a == "--help" or a == "-h" then o.help = true
    elseif a == "--version" then o.version = true
    elseif a == "--out" then o.out = value(a)
    elseif a == "--data" then o.data[#o.data + 1] = value(a)
    elseif a == "--type" then o.types[#o.types + 1] = value(a)
    elseif a == "--where" then o.where = value(a)
    elseif a == "--columns" then o.columns = value(a)
    elseif a == "--sheet" then
      local v = value(a)
      o.sheet = math.tointeger(tonumber(v)) or v
    elseif a == "--header-row" then
      o.header_row = number(a, true, "a whole number of a row, from 1")
      if o.header_row < 1 then
        errors.raise("usage", "--header-row " .. o.header_row .. ": expected a row of the sheet, counting from 1")
      end
    elseif a == "--survey" then o.survey = true
    elseif a == "--rows" then o.rows = number(a, true, "a whole number")
    elseif a == "--threads" then
      o.threads = number(a, true, "a whole number of threads from 1 to 64")
      if o.threads < 1 or o.threads > 64 then
        errors.raise("usage", "--threads " .. o.threads .. ": expected a whole number of threads from 1 to 64")
      end
    elseif a == "--shared" then o.shared = value(a)
    elseif a == "--la" then o.la = value(a)
    elseif a == "--to" then o.to = value(a)
    elseif a == "--seed" then o.seed = number(a, true, "a whole number 0 or more")
    elseif a == "--format" then
      o.formats = {}
      local list = value(a)
      if not list:find("[^,%s]") then
        errors.raise("usage", "--format " .. string.format("%q", list) .. ": give at least one of md, csv, json, "
          .. "html, xlsx, comma-separated (leave --format out for md, csv, json and html)")
      end
      for f in list:gmatch("[^,]+") do
        if not require("csc.render.output").formats[f] then
          errors.raise("usage", "--format: unknown format " .. f .. " (use md, csv, json, html, xlsx, comma-separated)")
        end
        o.formats[#o.formats + 1] = f
      end
    elseif a == "--png" then o.png = true
    elseif a == "--xlsx" then o.xlsx = true
    elseif a == "--table" then o.table = value(a)
    elseif a == "--quiet" or a == "-q" then o.quiet = true
    elseif a == "--trusted" then o.trusted = true
    elseif M.limits[a] then
      local lim = M.limits[a]
      o[lim.key] = limit_value(a, value(a), lim)
    -- internal: how a multi-recipe run starts each recipe in its own process
    elseif a == "--one-of-many" then o.child = value(a)
    elseif a:sub(1, 1) == "-" and a ~= "-" then
      errors.raise("usage", "unknown option " .. a .. " (see csceval --help)")
    elseif not o.cmd then
      if a == "synthesize" then a = "synthesise" end
      if a ~= "run" and a ~= "check" and a ~= "describe" and a ~= "test" and a ~= "synthesise"
          and not M.commands[a] then
        local all = { "run", "check", "describe", "test", "synthesise" }
        for k in pairs(M.commands) do all[#all + 1] = k end
        table.sort(all)
        errors.raise("usage", "unknown command " .. a .. require("csc.util").hint(a, all)
          .. " (use " .. table.concat(all, ", ") .. "; see csceval --help)")
      end
      o.cmd = a
    else
      o.files[#o.files + 1] = a
    end
    i = i + 1
  end
  return o
end

local function command_string(argv)
  local parts = { "csceval" }
  for _, a in ipairs(argv) do
    parts[#parts + 1] = a:match("^[%w_%-%./=,:]+$") and a or ("'" .. a:gsub("'", "'\\''") .. "'")
  end
  return table.concat(parts, " ")
end

--- The command that reruns one recipe of a run, and only that one: the
-- report's Reproducibility section shows it (a run of several recipes still
-- gives each report its own command).
local function rerun_command(o, path, r)
  local argv = { "run", path }
  local function add(...) for _, v in ipairs({ ... }) do argv[#argv + 1] = v end end
  if o.out then add("--out", o.out) end
  -- the --data arguments that apply to this recipe (RECIPE:NAME=PATH for
  -- another recipe of the run is left out)
  for _, d in ipairs(o.data) do
    if r == nil or require("csc.data").applies(d, r) then add("--data", d) end
  end
  if o.seed then add("--seed", tostring(o.seed)) end
  if o.formats then add("--format", table.concat(o.formats, ",")) end
  if o.png then add("--png") end
  if o.xlsx then add("--xlsx") end
  if o.trusted then add("--trusted") end
  return command_string(argv)
end

-- Every --data RECIPE:NAME=PATH must name a recipe of the run: by file
-- stem, else by id (the recipes are then loaded to read their ids).
local function check_data_recipes(o)
  local data, util = require("csc.data"), require("csc.util")
  local any = false
  for _, d in ipairs(o.data) do if data.parse_override(d) ~= nil then any = true end end
  if not any then return end
  local recipes = {}
  for _, path in ipairs(o.files) do
    local ok, r = pcall(require("csc.recipe").load, path, { trusted = o.trusted })
    recipes[#recipes + 1] = { id = ok and r.id or util.stem(path), path = path }
  end
  data.check_qualified(o.data, recipes)
end

local function describe(o)
  if #o.files ~= 1 then errors.raise("usage", "describe takes one data file: csceval describe FILE.csv (or .dta, .sav, .por, .sas7bdat, .xlsx, .ods)") end
  local f, label = require("csc.frame_text").read_view(o.files[1], o, errors, sys)
  sys.stdout(require("host.frame").describe(f, label))
  return 0
end

--- Run each recipe as `csceval run RECIPE --one-of-many COMMAND ...` with the
-- same options, then write the index over all of them.
local function run_each(o, argv)
  local exe = sys.exe()
  -- the children write under this process's lock on the output folder
  require("csc.runner").lock(o.out or "out", command_string(argv))
  local common = {}
  local function add(...) for _, v in ipairs({ ... }) do common[#common + 1] = v end end
  add("--out", o.out or "out", "--one-of-many", command_string(argv))
  for _, d in ipairs(o.data) do add("--data", d) end
  if o.seed then add("--seed", tostring(o.seed)) end
  if o.formats then add("--format", table.concat(o.formats, ",")) end
  if o.png then add("--png") end
  if o.xlsx then add("--xlsx") end
  if o.quiet then add("--quiet") end
  if o.trusted then add("--trusted") end
  if o.threads then add("--threads", tostring(o.threads)) end
  for flag, lim in pairs(M.limits) do
    if o[lim.key] then add(flag, string.format("%.17g", o[lim.key])) end
  end
  local first, failed = nil, 0
  for _, path in ipairs(o.files) do
    local cmd = { exe, "run", path }
    for _, v in ipairs(common) do cmd[#cmd + 1] = v end
    local code = sys.spawn(cmd)
    if code ~= 0 then failed = failed + 1; first = first or code end
  end
  local out = o.out or "out"
  local ok, err = require("csc.render.index").write(out)
  if not ok then errors.raise("output", err) end
  if not o.quiet then sys.stdout(string.format("reports: %s/index.html and %s/index.md\n", out, out)) end
  if first then
    sys.stderr(string.format("csceval: %d of %d recipes failed\n", failed, #o.files))
    return first
  end
  return 0
end

local function run(o, argv)
  if #o.files == 0 then errors.raise("usage", "run needs at least one recipe: csceval run recipes/NAME.lua") end
  local runner = require("csc.runner")
  local index = require("csc.render.index")
  sys.set_memory_limit(math.floor((o.memory or 4096) * 1024 * 1024))
  local summaries = {}
  local progress = require("csc.progress").new(#o.files, o.quiet)
  -- Several recipes: each runs in its own csceval process, so nothing one
  -- recipe does (to library tables, memory, the clock) can reach the next.
  -- A recipe that fails is reported and the others still run; the exit code
  -- is that of the first failure.
  if not o.child then check_data_recipes(o) end
  if #o.files > 1 and not o.child then return run_each(o, argv) end
  runner.covered = o.child ~= nil
  -- the hard limit on one recipe's wall-clock time (see sys.set_alarm)
  -- grace: as long again as the limit, at most a minute
  local limit = o.timeout or 3600
  sys.set_alarm(math.ceil(limit + math.min(limit, 60)), #o.files == 1 and o.files[1] or nil)
  local first_failure
  for k, path in ipairs(o.files) do
    progress:step(k - 1, path)
    local ok, s = pcall(runner.run, path, { out = o.out, data = o.data, seed = o.seed, formats = o.formats,
      png = o.png, xlsx = o.xlsx, trusted = o.trusted, timeout = o.timeout, quiet = o.quiet,
      command = function(r) return rerun_command(o, path, r) end,
      tick = function() progress:step(k - 1, path) end })
    progress:clear()
    if ok and s.skipped then
      -- a recipe on a large generated file that is not here: nothing written, not a failure
      if not o.quiet then sys.stdout(string.format("%s: skipped: %s\n", s.id, s.skipped)) end
    elseif ok then
      summaries[#summaries + 1] = s
      if not o.quiet then
        local syn = s.synthetic and (" (SYNTHETIC data in " .. table.concat(s.synthetic, ", ")
          .. ": " .. require("csc.synthetic").words(s.synthetic_kind).short .. ")") or ""
        local checks = s.ninput_checks > 0
          and string.format("; input checks passed: %d of %d", s.ninput_checks_ok, s.ninput_checks) or ""
        if s.npublished == 0 then
          sys.stdout(string.format("%s: %d estimates; a new analysis (no published figures to compare with)%s%s -> %s/\n",
            s.id, #s.estimates, checks, syn, s.dir))
        else
          sys.stdout(string.format("%s: %d estimates; published figures within tolerance: %d of %d%s%s -> %s/\n",
            s.id, #s.estimates, s.nwithin, s.npublished, checks, syn, s.dir))
        end
      end
    else
      if #o.files == 1 then error(s, 0) end   -- one recipe: fail exactly as before
      local e = errors.is(s) and s or errors.wrap(s, "internal")
      sys.stderr("csceval: " .. (e.kind == "internal" and "internal error (please report it): " or "") .. e.msg .. "\n")
      first_failure = first_failure or e
    end
  end
  progress:done()
  sys.set_alarm(0)
  if o.child then return first_failure and (errors.codes[first_failure.kind] or 1) or 0 end
  if #summaries > 0 then
    local ok, err = index.write(o.out or "out")
    if not ok then errors.raise("output", err) end
  end
  if not o.quiet and #summaries > 0 then
    sys.stdout(string.format("reports: %s/index.html and %s/index.md\n", o.out or "out", o.out or "out"))
  end
  if first_failure then
    sys.stderr(string.format("csceval: %d of %d recipes failed\n", #o.files - #summaries, #o.files))
    return errors.codes[first_failure.kind] or 1
  end
  return 0
end

local function check(o)
  if #o.files == 0 then errors.raise("usage", "check needs at least one recipe: csceval check recipes/NAME.lua") end
  local runner = require("csc.runner")
  sys.set_memory_limit(math.floor((o.memory or 4096) * 1024 * 1024))
  local limit = o.timeout or M.CHECK_TIMEOUT
  check_data_recipes(o)
  for _, path in ipairs(o.files) do
    -- the same hard limit as run (sys.set_alarm), per recipe
    sys.set_alarm(math.ceil(limit + math.min(limit, 60)), path)
    local s = runner.check(path, { data = o.data, trusted = o.trusted, timeout = limit })
    sys.set_alarm(0)
    if not o.quiet then
      sys.stdout(string.format("%s: ok (%s)\n", path, table.concat(s.inputs, "; ")))
      for _, line in ipairs(s.info or {}) do sys.stdout("  " .. line .. "\n") end
      for _, line in ipairs(s.warnings or {}) do sys.stdout("  warning: " .. line .. "\n") end
    end
  end
  return 0
end

-- The innermost stack frame (from `level` up) running code of the script
-- `path`: "path:line", or nil.
local function script_where(path, level)
  for l = level, 200 do
    local info = debug.getinfo(l, "Sl")
    if not info then return nil end
    if info.source == "@" .. path and info.currentline and info.currentline > 0 then
      return string.format("%s:%d", info.short_src, info.currentline)
    end
  end
end

-- An error escaping a test script is the script's, not csceval's: it is
-- reported as "script error: FILE:LINE: message" (exit 2, the code of a
-- recipe error), with the script's stack below it.  A structured error
-- raised by a library call keeps its kind (exit code) and gets the line of
-- the script that made the call.
local function test(o)
  if #o.files ~= 1 then errors.raise("usage", "test takes one script: csceval test tests/lua/run.lua") end
  local path = o.files[1]
  local chunk, err = loadfile(path, "t")
  if not chunk then errors.raise("recipe", "script error: " .. tostring(err)) end
  arg = o.rest
  local ok, code = xpcall(chunk, function(e)
    local where = script_where(path, 2)
    if errors.is(e) then
      if e.located or where == nil then return e end
      return errors.prefixed(e, "script error: " .. where .. ": ")
    end
    local msg = type(e) == "table" and type(e.msg) == "string" and e.msg or tostring(e)
    if where and msg:sub(1, #where + 1) ~= where .. ":" and not msg:find("^[^\n]-%.lua:%d+:") then
      msg = where .. ": " .. msg
    end
    local tb = debug.traceback("", 2):gsub("^\n", "")
    local frames = {}
    for line in tb:gmatch("[^\n]+") do
      if line:find(path, 1, true) then frames[#frames + 1] = line end
    end
    if #frames > 0 then msg = msg .. "\nstack traceback (the script's frames):\n" .. table.concat(frames, "\n") end
    return errors.wrap("script error: " .. msg, "recipe")
  end, table.unpack(o.rest))
  if not ok then error(code, 0) end
  return math.tointeger(code) or 0
end

--- Commands that write reports: the paths on their command line appear in
-- the reports (the rerun command, each input's provenance), and every
-- report is UTF-8, so a path that is not is refused before any work, by
-- the option that gave it.
local WRITES_REPORTS = { run = true, synthesise = true, export = true }

local function check_paths_utf8(o)
  if not WRITES_REPORTS[o.cmd] then return end
  local function need(what, v)
    if type(v) == "string" and not utf8.len(v) then
      errors.raise("usage", string.format("%s %s: the name is not UTF-8 text, and the reports, which name it, "
        .. "are UTF-8; rename the file or folder (or copy it to a name in UTF-8)", what, v))
    end
  end
  need("--out", o.out)
  need("--table", o.table)
  for _, d in ipairs(o.data) do need("--data", d) end
  for _, f in ipairs(o.files) do need("recipe", f) end
end

local function main(argv)
  require("csc.frame_text").install()
  local o = parse(argv)
  check_paths_utf8(o)
  csv_limits(o)
  local runner_limits = require("csc.runner").limits
  runner_limits.max_files, runner_limits.max_output = o.max_files, o.max_output
  if o.version then
    local v = sys.versions()
    sys.stdout(string.format("csceval %s (%s, GSL %s)\n", v.csceval, v.lua, v.gsl))
    return 0
  end
  if o.help or not o.cmd then
    if o.help then sys.stdout(M.usage); return 0 end
    sys.stderr(M.usage)
    return errors.codes.usage
  end
  if M.commands[o.cmd] then return require(M.commands[o.cmd]).main(o) end
  if o.cmd == "describe" then return describe(o)
  elseif o.cmd == "run" then return run(o, argv)
  elseif o.cmd == "check" then return check(o)
  elseif o.cmd == "synthesise" then
    local s = require("csc.synthesise").run(o, command_string(argv))
    if not o.quiet then sys.stdout(string.format("synthesis: %d estimates -> %s/\n", #s.estimates, s.dir)) end
    return 0
  else return test(o) end
end

--- A message as it is printed: bytes that are not UTF-8 shown as \xNN, and
-- any run of more than 300 characters without a space (a 100 KB file name)
-- cut in the middle, saying how long it was.
-- A message over 64 KB (an error() with a whole file in it) keeps its
-- first 48 KB and last 8 KB, saying how long it was.
M.MAX_MESSAGE = 65536

function M.printable(msg)
  if #msg > M.MAX_MESSAGE then
    msg = string.format("%s\n...[a message of %d bytes, cut here]...\n%s", msg:sub(1, 49152), #msg, msg:sub(-8192))
  end
  local out, i, n = {}, 1, #msg
  if utf8.len(msg) then out[1], i = msg, n + 1 end   -- all UTF-8: nothing to show as \xNN
  while i <= n do
    local ok, len = pcall(utf8.len, msg, i, i)   -- the character starting at i
    local c = msg:byte(i)
    if ok and len == 1 then
      local j = i + (c < 0x80 and 1 or c < 0xE0 and 2 or c < 0xF0 and 3 or 4)
      out[#out + 1] = msg:sub(i, j - 1)
      i = j
    else
      out[#out + 1] = string.format("\\x%02X", c)
      i = i + 1
    end
  end
  -- control characters other than line breaks and tabs (a file name holding
  -- an escape sequence) are shown, not sent to the terminal
  return (table.concat(out):gsub("[\0-\8\11\12\14-\31\127]", function(ch)
    return string.format("\\x%02X", ch:byte())
  end):gsub("[^%s]+", function(word)
    if #word <= 300 then return word end
    local head = word:sub(1, 120):gsub("[\128-\191]+$", ""):gsub("[\192-\255]$", "")
    local tail = word:sub(-60):gsub("^[\128-\191]+", "")
    return string.format("%s...[%d bytes]...%s", head, #word, tail)
  end))
end

--- Entry point called by host/main.c.  Returns the exit code.
function M.main(argv)
  local handled = false
  local ok, res = xpcall(main, function(e)
    handled = true
    if errors.is(e) then return e end
    -- an error C raised with its kind (a reader out of memory under
    -- `describe`, say) keeps that kind; anything else is a bug
    if type(e) == "string" and errors.untag(e) then return errors.from_host(e) end
    return errors.wrap(debug.traceback(tostring(e), 2), "internal")
  end, argv)
  if package.loaded["csc.runner"] then pcall(package.loaded["csc.runner"].unlock_all) end
  if ok then return res end
  if not errors.is(res) then
    -- Lua raises its own out-of-memory (LUA_ERRMEM) without calling the
    -- message handler: that, not the message's words, tells it apart
    if not handled then
      res = errors.wrap("out of memory: the run needed more Lua memory than its cap; "
        .. "raise the cap with --memory MB (default 4096) or reduce the data the recipe keeps", "analysis")
    else
      res = errors.wrap(tostring(res), "internal")
    end
  end
  local msg = res.msg
  if res.kind == "internal" then msg = "internal error (please report it): " .. msg end
  sys.stderr("csceval: " .. M.printable(msg) .. "\n")
  return errors.codes[res.kind] or 1
end

return M
