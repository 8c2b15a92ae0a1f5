--- A progress bar on stderr for long runs: shown only when stderr is a
-- terminal and the work has taken over a second, never in logs or CI.
-- @module csc.progress
local sys = require("host.sys")

local M = {}
local P = {}
local S = {}
P.__index = P

function M.new(total, quiet)
  return setmetatable({ total = total, start = sys.clock(), shown = false,
    enabled = not quiet and sys.isatty(2) }, P)
end

function P:step(k, label)
  -- a run's own step line (M.steps) has the terminal while it is open
  if not self.enabled or M.ticking then return end
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

-- ===== The steps of one run =====

--- The steps of one recipe run, timed, with a progress line on the terminal
-- for any step that lasts over `delay` seconds (default 2).  The line is
-- drawn by a thread (host/app/ticker.c), so it moves while a step's C loops
-- work (reading ten million rows, matching); it is shown only when stderr
-- is a terminal and not quiet, and never changes what the run computes.
--   local st = progress.steps{ quiet = true|false, total = n }
--   st:begin("read the inputs") ... st:begin("matching") ... st:finish()
--   st.list  -- { {label =, seconds =}, ... } in order
-- @tparam table opts `quiet`, `total` (the expected number of steps: the
-- line shows "step k of n"; grows when more are begun), `delay` (seconds)
function M.steps(opts)
  opts = opts or {}
  return setmetatable({ list = {}, total = opts.total or 0, delay = opts.delay or 2,
    enabled = not opts.quiet and sys.isatty(2) }, S)
end

S.__index = S

local function close(self)
  local cur = self.current
  if cur then
    cur.seconds = sys.clock() - cur.start
    cur.start = nil
    self.current = nil
  end
end

--- End the step that is open (if any) and begin the next, named label.
-- `placeholder`: the step is only a name for what follows until the work
-- names its own steps (the runner's "analysis" before a design that calls
-- ctx:step); a step begun within a millisecond of it takes its place.
function S:begin(label, placeholder)
  local cur = self.current
  if cur and cur.placeholder and sys.clock() - cur.start < 0.001 then
    cur.label, cur.placeholder = tostring(label), placeholder
  else
    close(self)
    cur = { label = tostring(label), start = sys.clock(), placeholder = placeholder }
    self.list[#self.list + 1] = cur
  end
  self.current = cur
  if #self.list > self.total then self.total = #self.list end
  if self.enabled then
    M.ticking = sys.ticker(cur.label, #self.list, self.total, self.delay) and true or nil
  end
end

--- End the open step and take the line off the terminal.
function S:finish()
  close(self)
  if M.ticking then sys.ticker(); M.ticking = nil end
end

--- Seconds from the first step's start to now (or to the end of the last).
function S:elapsed()
  local t = 0
  for _, s in ipairs(self.list) do t = t + (s.seconds or (sys.clock() - s.start)) end
  return t
end

return M
