--- `csceval explain [TOPIC]`: a design, estimate name, diagnostic, exit
-- code or recipe field explained, from data/explain.yaml (the same text
-- as docs/explain.md).  `csceval explain docs` prints docs/explain.md.
-- @module csc.cli.explain
local E = require("csc.explain")
local errors = require("csc.errors")
local sys = require("host.sys")

local M = {}

function M.main(o)
  if #o.files == 0 then sys.stdout(E.index()); return 0 end
  local q = table.concat(o.files, " ")
  if q == "docs" then sys.stdout(E.markdown()); return 0 end
  local text, sugg = E.lookup(q)
  if not text then
    errors.raise("usage", string.format("explain: no topic or recipe field %q%s; csceval explain lists the topics",
      q, sugg and string.format(' (did you mean "%s"?)', sugg) or ""))
  end
  sys.stdout(text)
  return 0
end

return M
