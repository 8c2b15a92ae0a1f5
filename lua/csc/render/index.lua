--- out/index.md and out/index.html: every recipe whose results are in the
-- output folder, with its question, design, headline result and strength of
-- evidence.  Rebuilt from the results.json files after each run, so the
-- index also lists recipes run earlier into the same folder.
-- @module csc.render.index
local html = require("csc.render.html")
local labels = require("csc.render.labels")
local json = require("csc.json")
local report = require("csc.render.report")
local sys = require("host.sys")
local util = require("csc.util")

local M = {}

--- Plain-English names of the designs; a design module may instead set
-- `label` itself (lua/csc/designs/<type>.lua).
M.design_names = {
  benchmark = "Benchmarking against statistical neighbours and England",
  custom = "Custom analysis written in the recipe",
  its = "Interrupted time series",
  cits = "Comparative interrupted time series",
  did = "Difference in differences",
  matching = "Matched comparison group",
}

local function design_name(t)
  if type(t) ~= "string" then return "–" end
  local ok, mod = pcall(require, "csc.designs." .. t)
  local name = (ok and type(mod) == "table" and type(mod.label) == "string" and mod.label) or M.design_names[t]
  return name and string.format("%s (%s)", name, t) or t
end

--- The headline estimate: the one flagged headline = true, else the first.
function M.headline(doc)
  for _, e in ipairs(doc.estimates or {}) do
    if e.headline == true then return e end
  end
  return doc.estimates and doc.estimates[1]
end

--- A headline estimate's name for readers: the label of the published
-- figure it is compared with, when there is one, else its own label.
local function headline_name(doc, head)
  if type(head.title) == "string" then return head.title end
  local pubs = {}
  for _, p in ipairs(doc.published or {}) do pubs[#pubs + 1] = p end
  return labels.estimate(head.label, { published = pubs, labels = doc.recipe and doc.recipe.labels })
end

--- Strength of evidence as sentences: published figures reproduced within
-- tolerance (n of m), diagnostics raised, and the design's own note.
function M.evidence(doc)
  local within, total = 0, 0
  for _, p in ipairs(doc.published or {}) do
    total = total + 1
    if p.within == true then within = within + 1 end
  end
  local out = {}
  if doc.synthetic == true then
    out[#out + 1] = require("csc.synthetic").words(doc.synthetic_kind).index
  end
  if type(doc.strength) == "table" and type(doc.strength.summary) == "string" then
    out[#out + 1] = "Innovation Programme scale: " .. doc.strength.summary .. "."
  end
  if total > 0 then
    out[#out + 1] = string.format("Published figures reproduced within tolerance: %d of %d.", within, total)
  else
    out[#out + 1] = "A new analysis: no published figures to compare with."
  end
  local checks, checks_ok = #(doc.input_checks or {}), 0
  for _, p in ipairs(doc.input_checks or {}) do if p.within == true then checks_ok = checks_ok + 1 end end
  if checks > 0 then
    out[#out + 1] = string.format("Input checks passed: %d of %d.", checks_ok, checks)
  end
  local nw = #(doc.warnings or {})
  out[#out + 1] = nw == 0 and "No diagnostics raised." or
    string.format("%d %s raised (see the report).", nw, nw == 1 and "diagnostic" or "diagnostics")
  if type(doc.evidence) == "string" and doc.evidence ~= "" then out[#out + 1] = doc.evidence end
  return out, within, total
end

--- The index record every run writes in its folder, whatever its formats
-- (csc.render.output.index_record): the fields of results.json the index shows.
M.RECORD = ".csceval-index.json"

--- Every run in out_dir, in name order: its results.json, or for a run
-- whose formats left json out, its index record.
function M.entries(out_dir)
  local list = sys.listdir and sys.listdir(out_dir) or {}
  table.sort(list)
  local entries = {}
  for _, name in ipairs(list) do
    if name:sub(1, 1) ~= "." then
      for _, file in ipairs({ "results.json", M.RECORD }) do
        local path = out_dir .. "/" .. name .. "/" .. file
        if sys.kind(path) == "file" then
          local ok, doc = pcall(json.decode, sys.read(path))
          if ok and type(doc) == "table" and type(doc.recipe) == "table" then
            entries[#entries + 1] = { name = name, doc = doc }
            break
          end
        end
      end
    end
  end
  return entries
end

--- The index files and how csceval's own begin or are headed: a file of
-- that name that csceval did not write (a user's own index.md in the
-- folder given as --out) is never replaced.
M.files = {
  { name = "index.md", ours = function(text) return text:sub(1, 18) == "# csceval results\n" end },
  { name = "index.html", ours = function(text) return text:find("<h1>csceval results</h1>", 1, true) ~= nil end },
}

--- True when the index files in out_dir are absent or csceval's; else
-- nil and a message naming the file.
function M.check_ours(out_dir)
  for _, f in ipairs(M.files) do
    local path = out_dir .. "/" .. f.name
    local kind = sys.kind(path)
    local linked = sys.is_link(path)
    if linked or (kind ~= nil and (kind ~= "file" or not f.ours(sys.read(path) or ""))) then
      return nil, string.format("%s %s and was not written by csceval; nothing was changed. Move it away or "
        .. "choose another --out folder (csceval writes its index of reports there)", path,
        linked and "is a symbolic link" or "already exists")
    end
  end
  return true
end

function M.write(out_dir)
  local fine, why = M.check_ours(out_dir)
  if not fine then return nil, why end
  local entries = M.entries(out_dir)
  local rows, cards = {}, {}
  for _, en in ipairs(entries) do
    local doc, name = en.doc, en.name
    local ev = M.evidence(doc)
    local head = M.headline(doc)
    local dname = doc.recipe.design_label or design_name(doc.recipe.design)
    local headline = head and string.format("%s: %s%s", headline_name(doc, head),
      report.cell(type(head.value) == "number" and head.value or nil),
      type(head.unit) == "string" and (" " .. head.unit) or "") or "–"
    local function md(s) return (report.md_text(s):gsub("|", "/"):gsub("\n", " ")) end
    -- the report the run wrote: report.md first here, report.html first on the
    -- page; a run that wrote neither (--format csv) links to its folder
    local function has(f) return sys.kind(out_dir .. "/" .. name .. "/" .. f) == "file" end
    local md_href = name .. (has("report.md") and "/report.md" or has("report.html") and "/report.html" or "/")
    local html_href = name .. (has("report.html") and "/report.html" or has("report.md") and "/report.md" or "/")
    if not has("report.md") and not has("report.html") then
      ev[#ev + 1] = "No report written (the run's formats: "
        .. (type(doc.formats) == "table" and table.concat(doc.formats, ", ") or "not recorded") .. ")."
    end
    rows[#rows + 1] = string.format("| [%s](%s) | %s | %s | %s | %s |",
      md(doc.recipe.title or name):gsub("[%[%]]", ""), md_href, md(doc.recipe.question or ""), md(dname),
      md(headline), md(table.concat(ev, " ")))
    cards[#cards + 1] = {
      href = html_href,
      title = doc.recipe.title or name,
      question = doc.recipe.question or "",
      design = dname,
      headline = headline,
      evidence = ev,
      synthetic = doc.synthetic == true,
      synthetic_kind = doc.synthetic_kind,
    }
  end
  local text = "# csceval results\n\n| recipe | question | design | headline | strength of evidence |\n|---|---|---|---|---|\n"
      .. table.concat(rows, "\n") .. "\n"
  local ok, err = sys.write_atomic(out_dir .. "/index.md", text)
  if ok then ok, err = sys.write_atomic(out_dir .. "/index.html", html.index(cards)) end
  return ok, err
end

return M
