--- A progress bar on stderr for long runs: shown only when stderr is a
-- terminal and the work has taken over a second, never in logs or CI.
-- @module csc.progress
local sys = require("host.sys")

local M = {}
local P = {}
P.__index = P

function M.new(total, quiet)
  return setmetatable({ total = total, start = sys.clock(), shown = false,
    enabled = not quiet and sys.isatty(2) }, P)
end

function P:step(k, label)
  if not self.enabled or sys.clock() - self.start < 1 then return end
  local width = 30
  local filled = math.floor(width * k / math.max(self.total, 1))
  sys.stderr(string.format("\r[%s%s] %d/%d %s\27[K", string.rep("#", filled),
    string.rep(".", width - filled), k, self.total, label or ""))
  self.shown = true
end

function P:done()
  if self.shown then sys.stderr("\r\27[K") end
end

return M
