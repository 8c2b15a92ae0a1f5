--- What is wrong with a path that should be a regular file, in words for a
-- message: missing, a folder, a named pipe, a device.  Inputs and recipes
-- are read only from regular files (a pipe or /dev/zero would hang a read
-- or never end).
-- @module csc.files
local sys = require("host.sys")

local M = {}

local WORDS = {
  dir = "is a folder, not a file",
  fifo = "is a named pipe (FIFO), not a regular file; save what it gives to a file and use that",
  device = "is a device, not a regular file",
  other = "is not a regular file (a socket?)",
}

--- nil when path is a regular file, else what it is instead ("no such
-- file" when nothing is there).
function M.problem(path)
  local k = sys.kind(path)
  if k == "file" then return nil end
  if k == nil then return "no such file" end
  return WORDS[k]
end

return M
