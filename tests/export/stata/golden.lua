-- The golden do-files of the Stata export (tests/export/stata/<id>.do), one
-- per design, compared by tests/lua/test_export_stata.lua.  After a change
-- to lua/csc/export/stata.lua (or to one of these recipes), read the diff
-- and regenerate them from the project root with
--   ./csceval test tests/export/stata/golden.lua --update
-- (--check compares instead and exits 1 on a difference).  Without either
-- it is a module: the test loads it for its list.  Recipes that read
-- ../shared/data are skipped when it is absent.
local mode = ...
local M = {}

--- recipe -> design, one per design the Stata export covers.
M.list = {
  { recipe = "recipes/lincs_early_help.lua", design = "its" },
  { recipe = "recipes/nwd_leaving_care.lua", design = "cits" },
  { recipe = "tests/export/stata/did_derby.lua", design = "did", shared = true },
  { recipe = "recipes/nwd_back_on_track.lua", design = "matching" },
  { recipe = "recipes/lincs_future4me.lua", design = "ipw" },
  { recipe = "recipes/lincs_benchmarks.lua", design = "benchmark", shared = true },
}

M.dir = "tests/export/stata"
M.out = "tests/out/export_stata/golden"

--- Export every listed recipe to `out`; returns { {entry, path, text | nil, why} }.
function M.export_all(out)
  local sys = require("host.sys")
  local export = require("csc.export")
  local res = {}
  for _, e in ipairs(M.list) do
    if e.shared and sys.kind("../shared/data") ~= "dir" then
      res[#res + 1] = { entry = e, why = "needs ../shared/data (absent)" }
    else
      local ok, r = pcall(export.export, e.recipe, { to = "stata", out = out })
      if not ok then error(e.recipe .. ": " .. (type(r) == "table" and (r.msg or tostring(r)) or tostring(r)), 0) end
      res[#res + 1] = { entry = e, path = r.path, id = r.plan.id, text = sys.read(r.path), plan = r.plan }
    end
  end
  return res
end

-- run as a script: compare or --update
if mode == "--update" or mode == "--check" then
  local sys = require("host.sys")
  local update = mode == "--update"
  -- the folder the test exports to: the do-file names its own path
  local out = M.out
  os.execute("rm -rf " .. out)
  local bad = 0
  for _, r in ipairs(M.export_all(out)) do
    if not r.text then
      print("skip " .. r.entry.recipe .. ": " .. r.why)
    else
      local gold = M.dir .. "/" .. r.id .. ".do"
      if update then
        assert(sys.write_atomic(gold, r.text))
        print("wrote " .. gold)
      elseif sys.read(gold) ~= r.text then
        bad = bad + 1
        print("DIFFERS " .. gold .. " (diff " .. gold .. " " .. r.path .. ")")
      else
        print("same " .. gold)
      end
    end
  end
  return bad == 0 and 0 or 1
end

return M
