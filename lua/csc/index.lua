--- out/index.md: every recipe whose results are in the output folder, with
-- its question, design, headline result and how many published figures it
-- reproduced.  Rebuilt from the results.json files after each run.
-- @module csc.index
local json = require("csc.json")
local sys = require("host.sys")
local util = require("csc.util")

local M = {}

function M.write(out_dir)
  local list = sys.listdir and sys.listdir(out_dir) or {}
  table.sort(list)
  local rows = {}
  for _, name in ipairs(list) do
    local path = out_dir .. "/" .. name .. "/results.json"
    if name:sub(1, 1) ~= "." and sys.kind(path) == "file" then
      local ok, doc = pcall(json.decode, sys.read(path))
      if ok and type(doc) == "table" and doc.recipe then
        local within, total = 0, 0
        for _, p in ipairs(doc.published or {}) do
          total = total + 1
          if p.within == true then within = within + 1 end
        end
        local head
        for _, e in ipairs(doc.estimates or {}) do
          if e.headline then head = e; break end
        end
        head = head or (doc.estimates and doc.estimates[1])
        rows[#rows + 1] = string.format("| [%s](%s/report.md) | %s | %s | %s | %d of %d |",
          doc.recipe.title or name, name, (doc.recipe.question or ""):gsub("|", "/"), doc.recipe.design or "",
          head and (head.label .. ": " .. util.fmt_fixed(head.value, 2)) or "–", within, total)
      end
    end
  end
  local text = "# csceval results\n\n| recipe | question | design | headline | published reproduced |\n|---|---|---|---|---|\n"
      .. table.concat(rows, "\n") .. "\n"
  sys.write_atomic(out_dir .. "/index.md", text)
end

return M
