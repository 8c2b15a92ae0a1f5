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
    seed = type(doc.seed) == "number" and doc.seed or nil, bytes = doc.bytes, sha256 = doc.sha256 }
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
function M.describe(m)
  local parts = {}
  if m.generator then parts[#parts + 1] = "made by `" .. m.generator .. "`" end
  if m.seed then parts[#parts + 1] = string.format("with seed %s", math.tointeger(m.seed) or m.seed) end
  return #parts > 0 and table.concat(parts, " ") or "made by a csceval generator"
end

return M
