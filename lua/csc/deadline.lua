--- The time limit on recipe code (--timeout), shared by loading a recipe
-- and running its design.
-- @module csc.deadline
local errors = require("csc.errors")
local sys = require("host.sys")

local M = {}

--- A debug hook that stops recipe code running past its time limit, so a
-- recipe stuck in a loop ends with a message instead of hanging.  Checked
-- every million VM instructions: cheap, and C work (a long fit) is never cut
-- off midway.
function M.set(seconds, tick)
  if not seconds then return debug.sethook() end
  local stop = sys.clock() + seconds
  debug.sethook(function()
    if tick then tick() end   -- the progress bar, during one long recipe
    if sys.clock() > stop then
      debug.sethook()
      local info = debug.getinfo(2, "Sl")
      local where = info and info.currentline and info.currentline > 0
        and string.format("%s:%d: ", info.short_src, info.currentline) or ""
      errors.raise("analysis", string.format("%sthe recipe ran for more than %g s and was stopped (is a "
        .. "loop never ending? raise the limit with --timeout SECONDS)", where, seconds))
    end
  end, "", 1000000)
end

return M
