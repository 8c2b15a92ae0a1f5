---@meta
-- LuaLS annotations shared by the csc.* modules; read by editors only, never
-- loaded at run time.

---@alias csc.Alternative "two.sided"|"less"|"greater"

---A structured csceval error (csc.errors): its kind gives the exit code (docs/cli.md).
---@class csc.Error
---@field kind string
---@field msg string
---@field fn? string
---@field field? string
