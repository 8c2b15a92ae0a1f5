--- The synthetic-data mark: a small JSON file that csceval's generators
-- (data/*/gen.lua, tests/bench/gen_national.c) write beside each file they
-- make, `<file>.csceval.json`, e.g.
--   {"csceval_mark": 1, "synthetic": true, "file": "pupils.csv",
--    "generator": "data/nwd_back_on_track/gen.lua", "seed": 20171001,
--    "bytes": 12345, "sha256": "..."}
-- so that a generated file stays marked wherever it goes.  An input read from
-- a file with the mark counts as synthetic even when it is given with --data
-- (csc.data), and every output then says so: the CLI summary, results.json,
-- the report, the index and the charts.  A file without the mark is taken as
-- real data.  docs/data.md, "Synthetic data".
-- @module csc.synthetic
local json = require("csc.json")
local sys = require("host.sys")

local M = {}

M.SUFFIX = ".csceval.json"

--- The mark file of `path` (a file or a folder).
function M.mark_path(path)
  return (path:gsub("/+$", "")) .. M.SUFFIX
end

local function size_of(path)
  local fh = io.open(path, "rb")
  if not fh then return nil end
  local n = fh:seek("end")
  fh:close()
  return n
end

--- Write the mark of the generated file `path`: opts.generator (the
-- generator's path in the repository), opts.seed (nil when it draws no
-- random numbers), opts.note (optional text).  The file's size and SHA-256
-- are recorded, so a reader can tell when the file changed after it was
-- made.  Written atomically; raises on failure.
function M.write(path, opts)
  assert(type(opts) == "table" and type(opts.generator) == "string", "synthetic.write(path, {generator = ...})")
  local doc = {
    csceval_mark = 1,
    synthetic = true,
    file = path:match("([^/]+)$"),
    generator = opts.generator,
    seed = opts.seed,
    bytes = size_of(path),
    sha256 = sys.kind(path) == "file" and sys.sha256_file(path) or nil,
    note = opts.note or "synthetic records made by csceval's generator; they describe no real person",
    kind = opts.kind,
  }
  assert(sys.write_atomic(M.mark_path(path), json.encode(doc) .. "\n"))
  return M.mark_path(path)
end

--- The mark of `path`, or nil when it has none.  Returns a table
-- {path = the mark file, generator, seed, bytes, sha256, changed} where
-- `changed` is a sentence when the file's size or SHA-256 (`sha256`, when
-- the caller has it; else only the size is compared) differ from those the
-- generator recorded, nil otherwise.  A mark file that cannot be read, or that
-- is not csceval's, returns nil and the reason as a second value.
function M.read(path, sha256)
  local mp = M.mark_path(path)
  if sys.kind(mp) ~= "file" then return nil end
  local text = sys.read(mp)
  local ok, doc = pcall(json.decode, text or "")
  if not ok or type(doc) ~= "table" or doc.csceval_mark == nil then
    return nil, string.format("%s is not a csceval synthetic-data mark (JSON with \"csceval_mark\" and "
      .. "\"synthetic\"); delete or rename it", mp)
  end
  if doc.synthetic ~= true then return nil end
  local m = { path = mp, generator = type(doc.generator) == "string" and doc.generator or nil,
    seed = type(doc.seed) == "number" and doc.seed or nil, bytes = doc.bytes, sha256 = doc.sha256,
    kind = (doc.kind == "benchmark" or doc.kind == "stand_in") and doc.kind or nil }
  local size = sys.kind(path) == "file" and size_of(path) or nil
  if type(doc.sha256) == "string" and sha256 and doc.sha256 ~= sha256 then
    m.changed = "its SHA-256 differs from the one the generator recorded"
  elseif type(doc.bytes) == "number" and size and doc.bytes ~= size then
    m.changed = string.format("it has %d bytes, not the %d the generator wrote", size, doc.bytes)
  end
  return m
end

--- One phrase naming what made a marked file, e.g.
-- "made by `data/x/gen.lua` with seed 7".
--- What a synthetic input stands for, which decides how every output words
-- the synthetic-data notice:
--   "stand_in"   records generated in place of confidential or unpublished
--                ones, to reproduce the descriptives a report published
--                (data/*/gen.lua): agreement with the report's figures is
--                by construction;
--   "benchmark"  an extract generated with the shape of a real one, for
--                demonstrations and benchmarks, with effects built in by the
--                generator and no report's records behind it
--                (tests/bench/gen_national.c): an estimate that recovers the
--                built-in effect does so by construction.
-- An input says which with `synthetic_kind` (default "stand_in"); a mark
-- file may carry "kind" so a generated file given with --data keeps it.
M.KINDS = { "stand_in", "benchmark" }

local WORDS = {
  stand_in = {
    short = "agreement by construction",
    -- key findings, the index page, results.json
    lead = "Synthetic data: agreement by construction.",
    lead_more = "The inputs were made to match the published figures, so reproducing them is not a finding.",
    index = "Agreement by construction: synthetic data (made to match the published figures).",
    card = "Agreement by construction: synthetic data.",
    -- how the inputs were made (the report's call-out)
    made = "generated to match the published descriptives, because the original records are not public "
      .. "(confidential or unpublished)",
    -- beside each chart, and inside the chart's image
    chart = "Synthetic data: agreement with the published figures is by construction.",
    chart_mark = "SYNTHETIC DATA: made to match the published figures, so agreement is by construction, not a finding.",
    note = "Synthetic data: the inputs marked synthetic were made to match the published figures, so agreement "
      .. "with them is by construction, not a finding.",
    marked = "its records are synthetic and agreement is by construction",
    label = "SYNTHETIC DATA (agreement by construction): ",
  },
  benchmark = {
    short = "a generated benchmark extract: its effects are built in, so recovering them is not a finding",
    lead = "Synthetic data: a generated benchmark extract.",
    lead_more = "The records were made by a generator with the real data's shape and an effect built in; they "
      .. "describe no real person and no report's data, so an estimate that recovers the built-in effect is not "
      .. "a finding.",
    index = "Synthetic data: a generated benchmark extract (effects built in by the generator, so recovering them "
      .. "is not a finding).",
    card = "Synthetic data: a generated benchmark extract.",
    made = "generated as a benchmark extract with the real data's shape and an effect built in; it stands for no "
      .. "report's records",
    chart = "Synthetic data: a generated benchmark extract, not real records; its effects were built in by the "
      .. "generator.",
    chart_mark = "SYNTHETIC DATA: a generated benchmark extract, not real records; its effects are built in by the "
      .. "generator.",
    note = "Synthetic data: the inputs marked synthetic are a generated benchmark extract with effects built in by "
      .. "the generator, so an estimate that recovers them is by construction, not a finding.",
    marked = "its records are a generated benchmark extract, and any effect they show was built in by the generator",
    label = "SYNTHETIC DATA (generated benchmark extract, effects built in): ",
  },
}

--- The notice's words for a run whose synthetic inputs are of `kind`
-- (M.KINDS; nil: "stand_in").  A table of sentences: short (CLI summary),
-- lead and lead_more (key findings; card: the heading on index.html's
-- card, with lead_more), index, made (how the inputs were
-- made), chart (beside a chart), chart_mark (inside its image), note
-- (results.json), marked (a --data file with the mark), label (EES labels).
function M.words(kind)
  return WORDS[kind] or WORDS.stand_in
end

--- The kind of a run: "benchmark" when every synthetic input is one,
-- otherwise "stand_in" (a stand-in anywhere means published figures are
-- reproduced by construction).  `prov`: the run's provenance list.
function M.run_kind(prov)
  local any, all_bench = false, true
  for _, pv in ipairs(prov or {}) do
    if pv.synthetic then
      any = true
      if pv.synthetic_kind ~= "benchmark" then all_bench = false end
    end
  end
  if not any then return nil end
  return all_bench and "benchmark" or "stand_in"
end

function M.describe(m)
  local parts = {}
  if m.generator then parts[#parts + 1] = "made by `" .. m.generator .. "`" end
  if m.seed then parts[#parts + 1] = string.format("with seed %s", math.tointeger(m.seed) or m.seed) end
  return #parts > 0 and table.concat(parts, " ") or "made by a csceval generator"
end

return M
