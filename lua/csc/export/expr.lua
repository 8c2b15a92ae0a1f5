--- csc.export.expr: a csceval expression (docs/expressions.md) as a list of
--- tokens, read the same way for every export language; csc.export.expr_r
--- (R) and csc.export.stata.expr (Stata) translate the tokens.
local M = {}

local KEYWORDS = { ["and"] = true, ["or"] = true, ["not"] = true, ["in"] = true, ["true"] = true, ["false"] = true }
local TWO = { ["~="] = "!=", ["!="] = "!=", ["=="] = "==", ["<="] = "<=", [">="] = ">=", ["//"] = "//" }

--- The tokens of expr, or nil and what could not be read.  Each token is a
--- table {k = kind, v = value}:
---   str   text in quotes: v unescaped (\x is x), raw as written between the quotes
---   col   a column: a bare name, or `quoted` (then quoted = true)
---   num   a number as written
---   fn    a name followed by "(" (the function of a call)
---   pi    the constant pi
---   and, or, not, in, true, false   the keywords (no v)
---   op    an operator or bracket: + - * / ^ % < > ( ) , { } == != <= >= //
---         (~= is read as !=)
function M.tokens(expr)
  local toks, i, n = {}, 1, #expr
  while i <= n do
    local c = expr:sub(i, i)
    if c:match("%s") then i = i + 1
    elseif c == '"' or c == "'" then
      local j, buf = i + 1, {}
      while j <= n and expr:sub(j, j) ~= c do
        if expr:sub(j, j) == "\\" then buf[#buf + 1] = expr:sub(j + 1, j + 1); j = j + 2
        else buf[#buf + 1] = expr:sub(j, j); j = j + 1 end
      end
      if j > n then return nil, "an unterminated text literal" end
      toks[#toks + 1] = { k = "str", v = table.concat(buf), raw = expr:sub(i + 1, j - 1) }
      i = j + 1
    elseif c == "`" then
      local j = expr:find("`", i + 1, true)
      if not j then return nil, "an unterminated `name`" end
      toks[#toks + 1] = { k = "col", v = expr:sub(i + 1, j - 1), quoted = true }
      i = j + 1
    elseif c:match("%d") or (c == "." and expr:sub(i + 1, i + 1):match("%d")) then
      local num = expr:match("^%d*%.?%d*[eE][%+%-]?%d+", i) or expr:match("^%d*%.?%d*", i)
      toks[#toks + 1] = { k = "num", v = num }
      i = i + #num
    elseif c:match("[%a_]") then
      local word = expr:match("^[%w_]+", i)
      i = i + #word
      if KEYWORDS[word] then toks[#toks + 1] = { k = word }
      elseif expr:match("^%s*%(", i) then toks[#toks + 1] = { k = "fn", v = word }
      elseif word == "pi" then toks[#toks + 1] = { k = "pi" }
      else toks[#toks + 1] = { k = "col", v = word } end
    else
      local two = TWO[expr:sub(i, i + 1)]
      if two then toks[#toks + 1] = { k = "op", v = two }; i = i + 2
      elseif c:match("[%+%-%*/%^%%<>%(%),{}]") then toks[#toks + 1] = { k = "op", v = c }; i = i + 1
      else return nil, "the symbol " .. c end
    end
  end
  return toks
end

return M
