--- Running one recipe from file to finished output folder.
-- load -> validate -> read inputs -> check columns -> run the design ->
-- compare with the published figures -> render -> write atomically.
-- @module csc.runner
local check = require("csc.recipe_check")
local context = require("csc.context")
local DI = require("csc.designs.base")
local deadline = require("csc.deadline")
local data = require("csc.data")
local errors = require("csc.errors")
local output = require("csc.render.output")
local progress = require("csc.progress")
local published = require("csc.published")
local recipe = require("csc.recipe")
local sys = require("host.sys")
local util = require("csc.util")

local M = {}

--- Message handler for code that runs recipe functions: errors that do not
-- already name the recipe get the innermost recipe line as their prefix
-- (errors raised in C carry no position of their own).
-- Kinds: an error raised at a line of the recipe itself (a Lua mistake, a
-- sandbox refusal, a misused ctx method) is a recipe error (exit 2); one
-- raised inside csceval's numerics or data code (a singular design,
-- separation) is an analysis error (exit 4), located at the recipe line that
-- called it, with the library's own file position removed.
-- A structured error a library function raised (e.fn) keeps its kind and
-- field and gets the recipe line that called the function.
local function recipe_line(rpath)
  for level = 3, 60 do
    local info = debug.getinfo(level, "Sl")
    if not info then break end
    if info.short_src == rpath and info.currentline and info.currentline > 0 then
      return string.format("%s:%d: ", rpath, info.currentline)
    end
  end
end

local function locator(rpath)
  return function(e)
    if errors.is(e) then
      local at = e.fn and not e.located and recipe_line(rpath)
      return at and errors.prefixed(e, at) or e
    end
    local kind = "analysis"
    if type(e) ~= "string" and type(e) ~= "number" then
      -- error() with a table or other value: never call its metamethods here
      e, kind = string.format("error() was called with a %s; give it a message (a string)", type(e)), "recipe"
    end
    local msg = tostring(e)
    if msg:sub(1, #rpath + 1) == rpath .. ":" then return errors.wrap(msg, "recipe") end
    msg = msg:gsub("^[^\n]-[/\\]csc[/\\][%w_/\\]+%.lua:%d+: ", "")
    local tagged
    tagged, msg = errors.untag(msg)           -- a kind C gave the error (host/lhelp.h)
    kind = tagged or kind
    local at = recipe_line(rpath)
    if at then return errors.wrap(at .. msg, kind) end
    return errors.wrap(msg .. "\n" .. debug.traceback("", 2), "internal")
  end
end

--- Call f(...) turning failures into analysis errors that point at the recipe.
function M.call(r, f, ...)
  deadline.set(r.timeout or 3600, r.tick)
  local locate, handled = locator(r.path), false
  local res = table.pack(xpcall(f, function(e) handled = true; return locate(e) end, ...))
  deadline.set(nil)
  if not res[1] then
    -- Lua raises its own out-of-memory (LUA_ERRMEM) without calling the
    -- message handler: that, not the message's words, tells it apart
    if not handled then
      errors.raise("analysis", r.path .. ": out of memory: the recipe needed more Lua memory than its cap; "
        .. "raise the cap with --memory MB (default 4096) or keep less data in Lua tables")
    end
    error(res[2], 0)
  end
  return table.unpack(res, 2, res.n)
end

--- Load, validate and read inputs (shared by run and check).  Returns the
-- recipe, data, provenance and design module; or the recipe and, as the
-- fifth value, why the run is skipped (an input with skip_when_absent).
-- opts.steps (csc.progress.steps) times reading the inputs.
function M.prepare(path, opts)
  local r = recipe.load(path, { trusted = opts.trusted, timeout = opts.timeout })
  r.timeout = opts.timeout
  check.read_year_text(r)
  recipe.validate(r)
  local ov = data.overrides(r, opts.data)
  if opts.steps then opts.steps:begin("read the inputs") end
  local d, prov, skip = data.load_inputs(r, ov)
  if skip then return r, nil, nil, nil, skip end
  recipe.check_columns(r, d)
  local mod = recipe.design_module(r.spec.design.type)
  if mod.check then M.call(r, mod.check, r, d) end
  return r, d, prov, mod
end

--- The data preparation, with the run context (prepare may record drops,
-- notes and estimates through it), then the design's columns in the frame
-- it made and the year fields against the data (shared by run and check;
-- check passes a context whose records are thrown away).
function M.prepare_data(r, d, ctx)
  local frame = M.prepared(r, d, ctx)
  if frame then recipe.check_columns(r, d, frame) end
  r.time = check.read_years(r, d, frame)
  return frame
end

--- Run the design's data preparation (`design.steps` or `design.prepare`,
-- then `design.rates`) once, before the
-- analysis, so its mistakes are found by `check` too; the design then
-- analyses the same frame.  A failure is the recipe's (exit 2): a
-- misspelt column, a bad expression, a join on the wrong keys.
function M.prepared(r, d, ctx)
  local design = r.spec.design
  local function raise(_, path, msg, kind) errors.raise(kind or "recipe", recipe.where(r, path) .. msg) end
  if type(design.prepare) ~= "function" then
    -- the steps (design.steps), then rates (design.rates), are made from the
    -- design's input once, here
    local steps, rates = type(design.steps) == "table", type(design.rates) == "table"
    if type(design.data) == "string" and type(r.spec.inputs) == "table" and r.spec.inputs[design.data] == nil then
      raise(nil, "design.data", DI.not_an_input(design.data, r.spec.inputs))
    end
    if (steps or rates) and type(design.data) == "string" and d[design.data] then
      local f = d[design.data]
      if steps then f = DI.run_steps(f, d, design, raise, ctx) end
      if rates then f = DI.add_rates(f, design, d, raise) end
      DI.prepared[design] = f
      return f
    end
    return nil
  end
  local ok, f = pcall(M.call, r, design.prepare, d, ctx)
  if not ok then
    local e = errors.is(f) and f or errors.wrap(f, "recipe")
    if e.kind == "analysis" then
      e = errors.wrap(e.msg .. "\n(in design.prepare: the data preparation failed; fix the line named, "
        .. "then run csceval check again)", "recipe")
    end
    error(e, 0)
  end
  if type(f) ~= "userdata" or type(f.nrow) ~= "function" then
    errors.raise("recipe", recipe.where(r, "design.prepare") .. "must return a data frame (end it with "
      .. "return <frame>), it returned " .. type(f))
  end
  if type(design.rates) == "table" then f = DI.add_rates(f, design, d, raise) end
  DI.prepared[design] = f
  return f
end

--- Compare published figures with the run's estimates (csc.published).
local function compare(ctx, r)
  return published.compare(ctx, r.spec.published, function(path) return recipe.where(r, path) end)
end

--- Every output folder carries this file, so a rerun replaces only a folder
-- csceval wrote: a folder of the same name holding anything else (the
-- recipe's own inputs, say) is never deleted.
M.MARKER = ".csceval-output"

--- Beside the marker: what the index of the output folder shows of this run
-- (csc.render.output.index_record), written whatever the formats, so a run
-- without results.json is listed too.
M.INDEX_FILE = require("csc.render.index").RECORD

--- The limits on what one run writes (--max-files, --max-output).
M.MAX_FILES, M.MAX_OUTPUT_MB = 10000, 1024

local held = {}   -- output folders this process has locked (a second flock would fail)

local function output_error(fmt, ...) errors.raise("output", string.format(fmt, ...)) end

--- The file in a locked output folder that names the run holding it, for
-- the message another run prints; removed when the run ends (a killed run
-- leaves it, and the next run overwrites it).
M.RUN_FILE = ".csceval-run"

--- Lock the output folder for this process, so two runs never write into
-- one folder at once; the second is refused at once, naming the first.
-- The lock is flock(2) on the folder itself: the kernel drops it when the
-- process ends, however it ends, so a killed run never leaves a stale lock.
-- A recipe of a multi-recipe run (M.covered) runs under its parent's lock.
function M.lock(out_dir, command)
  local key = sys.canonical(out_dir) or out_dir
  if held[key] or M.covered then return end
  local ok, err = sys.mkdirs(out_dir)
  if not ok then errors.raise("output", err) end
  local info = string.format("pid %d: %s\n", sys.pid(), command or "csceval")
  local got, msg, holder = sys.lock_dir(out_dir, M.RUN_FILE, info)
  if not got then
    if holder then
      output_error("the output folder %s is in use by another csceval run (%s); nothing was changed. Wait for "
        .. "that run to finish, or give this one another --out folder", out_dir,
        holder ~= "" and holder or "it has only just started")
    end
    errors.raise("output", msg)
  end
  held[key] = { dir = out_dir, info = info }
  -- the index this run will rebuild must be csceval's: checked now, before
  -- the analysis, so a user's own index.md stops the run with nothing changed
  local fine, why = require("csc.render.index").check_ours(out_dir)
  if not fine then errors.raise("output", why) end
  -- temporary files of the index's atomic writes that a killed run left
  -- (csceval's own names: index.html.tmp.XXXXXX); nothing else is touched
  for _, name in ipairs(sys.listdir(out_dir) or {}) do
    if name:match("^index%.html%.tmp%.%w%w%w%w%w%w$") or name:match("^index%.md%.tmp%.%w%w%w%w%w%w$") then
      if sys.kind(out_dir .. "/" .. name) == "file" and not sys.is_link(out_dir .. "/" .. name) then
        sys.remove(out_dir .. "/" .. name)
      end
    end
  end
end

--- At the end of the process: remove the run files this process wrote.
function M.unlock_all()
  for _, h in pairs(held) do
    local path = h.dir .. "/" .. M.RUN_FILE
    if not sys.is_link(path) and sys.read(path) == h.info then sys.remove(path) end
  end
  held = {}
end

local function has_marker(dir) return sys.kind(dir .. "/" .. M.MARKER) == "file" end

--- Remove a folder csceval left behind (a staging folder, or a previous
-- report moved aside) only when it carries the marker or is empty: a
-- folder of that name holding anything else is the user's.
local function remove_ours(path, what)
  local kind = sys.kind(path)
  if kind == nil then return end
  if kind == "dir" and (has_marker(path) or #(sys.listdir(path) or { 1 }) == 0) then
    local ok, err = sys.rmdir_flat(path)
    if ok then return end
    output_error("cannot remove %s, %s left by an earlier run (%s); remove it by hand", path, what, err)
  end
  output_error("%s is in the way of %s and was not made by csceval; nothing was changed. Move it away or "
    .. "choose another --out folder", path, what)
end

--- The first byte that is not UTF-8 in text, with what surrounds it; nil
-- when it is all UTF-8.
local function bad_utf8(text)
  local ok, at = utf8.len(text)
  if ok then return nil end
  local a = math.max(1, at - 30)
  local around = text:sub(a, at + 10):gsub("%c+", " "):gsub("[\128-\255]", function(c)
    return string.format("\\x%02X", c:byte())
  end)
  return at, around
end

--- Write files (name -> text) as out_dir/id/, atomically as a folder: built
-- as out_dir/.id.partial (marked first), then exchanged with the old
-- folder in one rename, so out_dir/id is at every instant the complete
-- previous report or the complete new one.
local function write_outputs(out_dir, id, files, index_record)
  if not id:match("^[%w_%-]+$") then
    errors.raise("recipe", string.format("the recipe id %q is not a plain folder name; set id = \"...\" "
      .. "(letters, digits, _ and -) in the recipe", id))
  end
  M.lock(out_dir)
  local final = out_dir .. "/" .. id
  local staging = out_dir .. "/." .. id .. ".partial"
  local aside = out_dir .. "/." .. id .. ".previous"
  for _, p in ipairs({ final, staging, aside }) do
    if sys.is_link(p) then
      output_error("%s is a symbolic link; csceval never writes or deletes through one. Remove the link or "
        .. "choose another --out folder", p)
    end
  end
  -- a run killed between the two renames of a swap (file systems without
  -- an atomic exchange) left the previous report aside: put it back first
  if sys.kind(final) == nil and sys.kind(aside) == "dir" and has_marker(aside) then
    local ok, err = sys.swap_dir(aside, final, aside)
    if not ok then errors.raise("output", err) end
  end
  local kind = sys.kind(final)
  local ours = kind == "dir" and has_marker(final)
  if (kind and kind ~= "dir") or (kind == "dir" and not ours and #(sys.listdir(final) or {}) > 0) then
    output_error("%s already exists and was not written by csceval; nothing was changed. Choose another --out "
      .. "folder, or move that %s away", final, kind == "dir" and "folder" or kind)
  end
  -- names are checked again here: a recipe could add to ctx.files directly
  local nfiles, nbytes = 0, 0
  for name, text in pairs(files) do
    if type(name) ~= "string" or not name:match("^[%w_%-][%w_%-%.]*$") or name:find("..", 1, true)
        or name == M.MARKER then
      output_error("refusing to write %q: output files have plain names", tostring(name))
    end
    if type(text) ~= "string" then output_error("output file %s: its content is a %s, not text", name, type(text)) end
    nfiles, nbytes = nfiles + 1, nbytes + #text
    -- every text output is UTF-8: a label or value that is not is the recipe's mistake
    if not name:match("%.png$") and not name:match("%.xlsx$") then
      local at, around = bad_utf8(text)
      if at then
        errors.raise("recipe", string.format("%s: a label or value for %s is not UTF-8 text (byte %d, near "
          .. "\"%s\"); write the recipe's text in UTF-8 (data files are checked as they are read)",
          M.current_path or id, name, at, around))
      end
    end
  end
  local max_files, max_mb = M.limits.max_files or M.MAX_FILES, M.limits.max_output or M.MAX_OUTPUT_MB
  if nfiles + 1 > max_files then
    output_error("%s: the run would write %d files, over the limit on output files of %d; nothing was changed "
      .. "(raise it with --max-files N)", final, nfiles + 1, max_files)
  end
  if nbytes > max_mb * 1048576 then
    output_error("%s: the run would write %.1f MB, over the limit on output size of %g MB; nothing was changed "
      .. "(raise it with --max-output MB)", final, nbytes / 1048576, max_mb)
  end
  remove_ours(staging, "this run's staging folder")
  if kind == "dir" then remove_ours(aside, "the previous report's place while it is replaced") end
  local ok, err = sys.mkdirs(staging)
  if not ok then errors.raise("output", err) end
  -- the marker first: a staging folder killed half-written is still known as csceval's
  ok, err = sys.write_plain(staging .. "/" .. M.MARKER,
    "This folder was written by csceval; a rerun of the recipe replaces it.\n")
  if not ok then sys.rmdir_flat(staging); errors.raise("output", err) end
  if index_record then
    ok, err = sys.write_atomic(staging .. "/" .. M.INDEX_FILE, index_record)
    if not ok then sys.rmdir_flat(staging); errors.raise("output", err) end
  end
  for _, name in ipairs(util.sorted_keys(files)) do
    local target = staging .. "/" .. name
    if not sys.is_within(target, staging) then
      sys.rmdir_flat(staging)
      output_error("refusing to write %q outside the output folder", name)
    end
    ok, err = sys.write_atomic(target, files[name])
    if not ok then sys.rmdir_flat(staging); errors.raise("output", err) end
  end
  ok, err = sys.swap_dir(staging, final, aside)
  if not ok then sys.rmdir_flat(staging); errors.raise("output", err) end
  return final
end

--- Limits set from the command line (csc.cli): max_files, max_output (MB).
M.limits = {}

--- Run one recipe.  opts: out, data (list of [RECIPE:]NAME=PATH), seed, formats,
-- trusted, command (string for the stamp, or a function(r) giving it).
-- Returns a summary table.
-- A run whose recipe asks for no timings still times its steps: the
-- progress line on a terminal follows them.
function M.run(path, opts)
  opts.steps = opts.steps or progress.steps({ quiet = opts.quiet, total = 6 })
  local ok, r, d, prov, mod, skip = pcall(M.prepare, path, opts)
  if not ok then opts.steps:finish(); error(r, 0) end
  if skip then
    opts.steps:finish()
    return { skipped = skip, id = r.id, title = r.spec.title, estimates = {}, warnings = {}, tables = {},
      published = {}, nwithin = 0, npublished = 0, ninput_checks = 0, ninput_checks_ok = 0 }
  end
  local res = table.pack(pcall(M.run_loaded, r, d, prov, mod, opts))
  opts.steps:finish()
  if not res[1] then error(res[2], 0) end
  return res[2]
end

--- The timings table of a recipe with timings = true: each step so far, the
-- peak resident memory of the process and the inputs' column data.
local function timings_table(ctx, steps, prov, d)
  local rows, total = {}, 0
  for _, s in ipairs(steps.list) do
    local sec = s.seconds or (sys.clock() - s.start)
    total = total + sec
    rows[#rows + 1] = { s.label, sec }
  end
  rows[#rows + 1] = { "total (writing the report not included)", total }
  ctx:table("timings", { columns = { "step", "seconds" }, rows = rows },
    { digits = 2, caption = "Time taken by each step of this run (wall clock, on this machine; differs from run to run)" })
  local bytes = 0
  for _, pv in ipairs(prov) do
    local f = d[pv.name]
    if type(f) == "userdata" and type(f.nrow) == "function" then bytes = bytes + data.column_bytes(f) end
  end
  local peak = sys.peak_rss()
  ctx:note(string.format("Memory: the process's peak resident memory up to the report was %.0f MB; the inputs' "
    .. "column data take %.0f MB (ratio %.2f).", peak / 1048576, bytes / 1048576, bytes > 0 and peak / bytes or 0))
  ctx:estimate({ label = "run.peak_rss_mb", value = peak / 1048576, detail = true, group = "run",
    title = "peak resident memory of the run (MB)" })
  ctx:estimate({ label = "run.column_data_mb", value = bytes / 1048576, detail = true, group = "run",
    title = "column data of the inputs (MB)" })
end

--- Run a recipe built in memory (csceval synthesise): r = {path, spec,
-- map, sha256, id}.  Validated and its inputs read as a file's would be.
function M.run_spec(r, opts)
  recipe.validate(r)
  local d, prov = data.load_inputs(r, {})
  recipe.check_columns(r, d)
  return M.run_loaded(r, d, prov, recipe.design_module(r.spec.design.type), opts)
end

--- The rest of a run, once the recipe is loaded and its inputs read.
function M.run_loaded(r, d, prov, mod, opts)
  r.timeout, r.tick = opts.timeout, opts.tick
  -- the rerun command (csc.cli gives a function of the loaded recipe)
  local command = opts.command
  if type(command) == "function" then command = command(r) end
  -- the output folder is locked before the analysis: a second run on the
  -- same folder is told at once, not after an hour's work
  M.lock(opts.out or "out", command)
  local ctx = context.new(r, d, prov, opts, output.chart_kinds, output.chart_fields)
  for _, pv in ipairs(prov) do
    for _, w in ipairs(pv.warnings or {}) do ctx:warn(w) end
  end
  local steps = opts.steps or progress.steps({ quiet = true })
  ctx.steps = steps
  -- "step k of n": the steps so far, prepare, the design's own (or one),
  -- checks and writing
  steps.total = #steps.list + 1 + (mod.steps and mod.steps(r.spec.design) or 1) + 2
  steps:begin("prepare the data")
  M.prepare_data(r, d, ctx)
  if mod.describe then ctx.design_text = mod.describe(r.spec.design, r.spec) end
  steps:begin("analysis (" .. r.spec.design.type .. ")", true)
  M.call(r, mod.run, ctx, r.spec.design, r.spec)
  -- the recipe's own assertions and derived figures, on what the design recorded
  steps:begin("checks and published figures")
  if r.spec.evidence then ctx.evidence = r.spec.evidence end
  if r.spec.tables then
    require("csc.tables").run(ctx, r.spec.tables, d, function(path, msg, kind)
      errors.raise(kind or "recipe", recipe.where(r, path) .. msg)
    end)
  end
  if r.spec.checks then M.call(r, r.spec.checks, ctx) end
  -- the recipe's evidence sentence, filled from the estimates (unless the
  -- checks hook wrote its own), and its fixed warnings
  if r.spec.evidence and ctx.evidence == r.spec.evidence then
    ctx.evidence = published.fill_template(ctx, r.spec.evidence, recipe.where(r, "evidence"))
  end
  for _, w in ipairs(r.spec.warnings or {}) do ctx:warn(w) end
  local pub = compare(ctx, r)
  require("csc.render.report").add_forest(ctx, r, pub)
  if r.spec.timings then timings_table(ctx, steps, prov, d) end
  steps:begin("write the report")
  local v = sys.versions()
  local stamp = { csceval = v.csceval, lua = v.lua, gsl = v.gsl, recipe = r.path,
    recipe_sha256 = r.sha256, seed = ctx.seed, command = command or ("csceval run " .. r.path) }
  local files = output.render(ctx, r, pub, stamp, opts.formats)
  M.current_path = r.path
  local dir = write_outputs(opts.out or "out", r.id, files,
    output.index_record(ctx, r, pub, output.formats_of(r, opts.formats)))
  local nwithin, npub, nchecks, nchecks_ok = 0, 0, 0, 0
  for _, p in ipairs(pub) do
    if p.input_check then nchecks = nchecks + 1; if p.within then nchecks_ok = nchecks_ok + 1 end
    else npub = npub + 1; if p.within then nwithin = nwithin + 1 end end
  end
  local synthetic = {}
  for _, pv in ipairs(prov) do if pv.synthetic then synthetic[#synthetic + 1] = pv.name end end
  return { synthetic = #synthetic > 0 and synthetic or nil, synthetic_kind = ctx.synthetic_kind, id = r.id, title = r.spec.title, dir = dir,
           published = pub, nwithin = nwithin, npublished = npub,
           ninput_checks = nchecks, ninput_checks_ok = nchecks_ok,
           estimates = ctx.estimates, warnings = ctx.warnings, question = r.spec.question,
           tables = ctx.tables, disclosure = ctx.disclosure,
           design = r.spec.design.type }
end

--- Validate a recipe and its data without running the analysis.
function M.check(path, opts)
  local r, d, prov, _, skip = M.prepare(path, opts)
  if skip then return { id = r.id, inputs = { "run skipped: " .. skip } } end
  local rows = {}
  for _, name in ipairs(util.sorted_keys(d)) do
    local f = d[name]
    if type(f) == "userdata" and type(f.nrow) == "function" then
      rows[#rows + 1] = string.format("%s (%d rows, %d columns)", name, f:nrow(), f:ncol())
    elseif type(f) == "table" then
      rows[#rows + 1] = string.format("%s (%d files)", name, #util.sorted_keys(f))
    end
  end
  local frame = M.prepare_data(r, d, context.new(r, d, prov, {}, output.chart_kinds, output.chart_fields))
  -- the declared tables' steps, so their mistakes are found before a run
  for i, entry in ipairs(r.spec.tables or {}) do
    require("csc.tables").frame(entry, i, d, function(p, msg, kind)
      errors.raise(kind or "recipe", recipe.where(r, p) .. msg)
    end)
  end
  local info, warn = check.deep(r, d, frame, r.time)
  return { id = r.id, inputs = rows, info = info, warnings = warn }
end

return M
