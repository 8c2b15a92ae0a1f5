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
  if not self.enabled then return end
  local now = sys.clock()
  -- after the first second, and then at most five redraws a second
  if now - self.start < 1 or (self.last and now - self.last < 0.2 and k == self.last_k) then return end
  self.last, self.last_k = now, k
  local width = 30
  local filled = math.floor(width * k / math.max(self.total, 1))
  sys.stderr(string.format("\r[%s%s] %d/%d %s %.0f s\27[K", string.rep("#", filled),
    string.rep(".", width - filled), k, self.total, label or "", sys.clock() - self.start))
  self.shown = true
end

--- Rub out the bar before a line is printed, so it never shares the line.
function P:clear()
  if self.shown then sys.stderr("\r\27[K"); self.shown = false end
end

function P:done()
  if self.shown then sys.stderr("\r\27[K") end
end

return M
