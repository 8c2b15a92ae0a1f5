--- Line numbers for the fields of a recipe's returned table.
-- Lua does not remember where a table constructor's fields were written, so
-- this module reads the recipe's source: it tokenises it (skipping comments
-- and strings), finds the table after the top-level `return`, and records
-- the line of every field by path ("design.covariates[3]",
-- "published[2].value").  Validation uses it to point at the exact line.
-- @module csc.srcmap
local M = {}

local keywords_open = { ["function"] = true, ["if"] = true, ["do"] = true, ["repeat"] = true }
local keywords_close = { ["end"] = true, ["until"] = true }

--- Tokenise Lua source into {type, text, line} records.
local function tokenise(src)
  local toks, pos, line, n = {}, 1, 1, #src
  local function add(t, text) toks[#toks + 1] = { t = t, s = text, line = line } end
  while pos <= n do
    local c = src:sub(pos, pos)
    if c == "\n" then line = line + 1; pos = pos + 1
    elseif c:match("%s") then pos = pos + 1
    elseif src:sub(pos, pos + 1) == "--" then
      local eq = src:match("^%[(=*)%[", pos + 2)
      if eq then
        local close = "]" .. eq .. "]"
        local e = src:find(close, pos, true) or n
        for _ in src:sub(pos, e):gmatch("\n") do line = line + 1 end
        pos = e + #close
      else
        pos = (src:find("\n", pos, true) or n + 1)
      end
    elseif c == "[" and src:match("^%[=*%[", pos) then
      local eq = src:match("^%[(=*)%[", pos)
      local close = "]" .. eq .. "]"
      local e = src:find(close, pos, true) or n
      add("string", "")
      for _ in src:sub(pos, e):gmatch("\n") do line = line + 1 end
      pos = e + #close
    elseif c == '"' or c == "'" then
      local i = pos + 1
      while i <= n do
        local d = src:sub(i, i)
        if d == "\\" then i = i + 2
        elseif d == c or d == "\n" then break
        else i = i + 1 end
      end
      add("string", src:sub(pos + 1, i - 1))
      pos = i + 1
    elseif c:match("[%a_]") then
      local w = src:match("^[%w_]+", pos)
      add("name", w)
      pos = pos + #w
    elseif c:match("%d") then
      local w = src:match("^[%w_%.]+", pos)
      add("number", w)
      pos = pos + #w
    else
      local two = src:sub(pos, pos + 1)
      if two == "==" or two == "~=" or two == "<=" or two == ">=" or two == ".." or two == "::" then
        add("op", two); pos = pos + 2
      else
        add("op", c); pos = pos + 1
      end
    end
  end
  return toks
end

--- Map from field path to line for the table the chunk returns.
-- @tparam string src recipe source
-- @treturn table paths -> line numbers ("" -> line of the table itself)
function M.build(src)
  local toks = tokenise(src)
  local map = {}
  -- find the last top-level "return {"
  local depth, start = 0, nil
  for i, t in ipairs(toks) do
    if t.t == "name" and keywords_open[t.s] then depth = depth + 1
    elseif t.t == "name" and keywords_close[t.s] then depth = depth - 1
    elseif depth == 0 and t.t == "name" and t.s == "return"
        and toks[i + 1] and toks[i + 1].s == "{" then
      start = i + 1
    end
  end
  if not start then return map end
  local i = start

  -- skip one expression value, stopping before "," ";" or the closing "}"
  local function skip_value()
    local br, blk = 0, 0
    while toks[i] do
      local t = toks[i]
      if t.t == "name" and keywords_open[t.s] then blk = blk + 1
      elseif t.t == "name" and keywords_close[t.s] then blk = blk - 1
      elseif t.t == "op" and (t.s == "(" or t.s == "[" or t.s == "{") then br = br + 1
      elseif t.t == "op" and (t.s == ")" or t.s == "]" or t.s == "}") then
        if br == 0 and blk == 0 then return end
        br = br - 1
      elseif br == 0 and blk == 0 and t.t == "op" and (t.s == "," or t.s == ";") then return end
      i = i + 1
    end
  end

  local function table_at(path)
    map[path] = toks[i].line
    i = i + 1                         -- past "{"
    local index = 0
    while toks[i] and toks[i].s ~= "}" do
      local t = toks[i]
      local key
      if t.t == "name" and toks[i + 1] and toks[i + 1].s == "=" then
        key = (path == "" and "" or path .. ".") .. t.s
        map[key] = t.line
        i = i + 2
      elseif t.s == "[" and toks[i + 1] and toks[i + 2] and toks[i + 2].s == "]"
          and toks[i + 3] and toks[i + 3].s == "=" then
        local k = toks[i + 1]
        key = k.t == "string" and ((path == "" and "" or path .. ".") .. k.s)
              or string.format("%s[%s]", path, k.s)
        map[key] = t.line
        i = i + 4
      else
        index = index + 1
        key = string.format("%s[%d]", path, index)
        map[key] = t.line
      end
      if toks[i] and toks[i].s == "{" then table_at(key) else skip_value() end
      if toks[i] and (toks[i].s == "," or toks[i].s == ";") then i = i + 1 end
    end
    i = i + 1                         -- past "}"
  end
  table_at("")
  return map
end

--- Line for path, falling back to its nearest recorded parent.
function M.line(map, path)
  while path and path ~= "" do
    if map[path] then return map[path] end
    local parent = path:match("^(.*)%[[^%]]*%]$") or path:match("^(.*)%.[^.]*$")
    path = parent
  end
  return map[""] or 1
end

return M
