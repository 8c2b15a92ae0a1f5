-- The random stream every data generator draws from: splitmix64 (Steele,
-- Lea and Flood 2014) on Lua's 64-bit integers, so a seed gives the same
-- numbers on every platform and Lua build, unlike math.random.
--   local splitmix = dofile(<this file>)   -- a fresh class each time
--   local r = splitmix.new(seed); r:unif(); r:int(6); r:bern(0.3)
-- Generators add their own draws (normal, gamma, ...) as methods of
-- splitmix.Rng.
local M = {}
local Rng = {}
Rng.__index = Rng
M.Rng = Rng

function M.new(seed) return setmetatable({ s = seed }, Rng) end

--- The next 64-bit output.
function Rng:next()
  self.s = self.s + 0x9E3779B97F4A7C15
  local z = self.s
  z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
  z = (z ~ (z >> 27)) * 0x94D049BB133111EB
  return z ~ (z >> 31)
end

--- Uniform on (0, 1): the top 53 bits, centred, so never 0 or 1.
function Rng:unif() return ((self:next() >> 11) + 0.5) / 9007199254740992.0 end

--- Uniform integer 1..n.
function Rng:int(n) return 1 + math.floor(self:unif() * n) end

--- true with probability p.
function Rng:bern(p) return self:unif() < p end

return M
