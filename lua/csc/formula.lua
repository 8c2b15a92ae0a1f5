--- Model formulas, as R and Stata users write them.
-- `y ~ x + I(x^2) + factor(region, ref = "North") + x:post` (R) or
-- `y c.x i.region c.x#i.post` (Stata) becomes a model matrix: one frame
-- column per coefficient, named as R's model.matrix names them
-- ("(Intercept)" aside: the fitters add it), ready for the fitting
-- routines, which take column names.
--
-- Expansion follows R's terms.formula: `a*b` is a + b + a:b, `(a+b)^2`
-- all interactions up to order 2, `- term` removes a term, `-1`/`+0`
-- drops the intercept; terms are ordered by degree, then by first
-- appearance, and the variables of an interaction in order of first
-- appearance.  Factors are coded as model.matrix codes them (treatment
-- contrasts where the term without the factor is already in the model,
-- indicator columns otherwise; see docs/formulas.md).
--
-- Columns are made by the expression evaluator in C (host/data): I()
-- terms and functions are compiled expressions, dummies `if_else(...)`,
-- interactions products of columns, and poly() the three-term recurrence
-- of R's orthogonal polynomials, with its coefficients (the centring
-- constants alpha and the norms) computed over the complete rows in C
-- (host.model.poly_coefs, host/num/poly.c).
-- @module csc.formula
local hmodel = require("host.model")
local check = require("csc.check")
local util = require("csc.util")

---@class csc.formula
local M = {}

-- ===== Errors with a caret =====

local function caret_text(text, pos)
  pos = math.max(1, math.min(pos or 1, #text + 1))
  return string.format("\n  %s\n  %s^", text, string.rep(" ", pos - 1))
end

-- A recipe error (exit 2) of `fn` about `field`, the formula printed with a
-- caret under position `pos`.
local function fail_at(ctx, pos, msg)
  check.fail(ctx.fn, ctx.field, msg .. caret_text(ctx.text, pos))
end

-- ===== Tokens =====

local OPS3 = { ["%in%"] = true }
local OPS2 = { ["##"] = true, ["=="] = true, ["~="] = true, ["!="] = true, ["<="] = true, [">="] = true,
  ["%%"] = true, ["&&"] = true, ["||"] = true }
local OPS1 = "[~%+%-%*/:%^%(%),=#<>%%{}!&|%.]"

-- Token list {kind, text, pos, stop}: kind "name", "bq" (backticked name),
-- "num", "str", "op", "eof".
local function tokenize(ctx)
  local s, i, toks = ctx.text, 1, {}
  local n = #s
  while i <= n do
    local c = s:sub(i, i)
    if c:match("%s") then
      i = i + 1
    elseif c:match("[%a_\128-\255]") then
      local j = i
      while j <= n and s:sub(j, j):match("[%w_\128-\255]") do j = j + 1 end
      toks[#toks + 1] = { kind = "name", text = s:sub(i, j - 1), pos = i, stop = j - 1 }
      i = j
    elseif c:match("%d") or (c == "." and s:sub(i + 1, i + 1):match("%d")) then
      local j = i
      while j <= n and s:sub(j, j):match("[%d%.]") do j = j + 1 end
      if s:sub(j, j):match("[eE]") then
        local k = j + 1
        if s:sub(k, k):match("[%+%-]") then k = k + 1 end
        if s:sub(k, k):match("%d") then
          j = k
          while j <= n and s:sub(j, j):match("%d") do j = j + 1 end
        end
      end
      local t = s:sub(i, j - 1)
      if tonumber(t) == nil or s:sub(j, j):match("[%a_]") then
        fail_at(ctx, i, string.format("malformed number %q", s:sub(i, j)))
      end
      toks[#toks + 1] = { kind = "num", text = t, pos = i, stop = j - 1, value = tonumber(t) }
      i = j
    elseif c == '"' or c == "'" or c == "`" then
      local j, buf = i + 1, {}
      while true do
        if j > n then
          fail_at(ctx, i, c == "`" and "name in backticks is not closed (missing `)" or "text is not closed (missing quote)")
        end
        local d = s:sub(j, j)
        if c == "`" and d == "`" and s:sub(j + 1, j + 1) == "`" then
          buf[#buf + 1] = "`"; j = j + 2
        elseif d == c then
          break
        elseif d == "\\" and c ~= "`" then
          buf[#buf + 1] = s:sub(j, j + 1); j = j + 2
        else
          buf[#buf + 1] = d; j = j + 1
        end
      end
      local body = table.concat(buf)
      if c == "`" then
        toks[#toks + 1] = { kind = "bq", text = body, pos = i, stop = j }
      else
        local val = body:gsub("\\(.)", { n = "\n", t = "\t" })
        toks[#toks + 1] = { kind = "str", text = body, value = val, pos = i, stop = j }
      end
      i = j + 1
    else
      local t3, t2 = s:sub(i, i + 3), s:sub(i, i + 1)
      if OPS3[t3] then
        toks[#toks + 1] = { kind = "op", text = t3, pos = i, stop = i + 3 }; i = i + 4
      elseif OPS2[t2] then
        toks[#toks + 1] = { kind = "op", text = t2, pos = i, stop = i + 1 }; i = i + 2
      elseif c:match(OPS1) then
        toks[#toks + 1] = { kind = "op", text = c, pos = i, stop = i }; i = i + 1
      else
        fail_at(ctx, i, string.format("unexpected character %q", c))
      end
    end
  end
  toks[#toks + 1] = { kind = "eof", text = "the end of the formula", pos = n + 1, stop = n }
  return toks
end

local function tok_desc(t)
  if t.kind == "eof" then return t.text end
  return string.format('"%s"', t.text)
end

-- ===== R-style printing of an expression (R's deparse) =====

local SPACED = { ["+"] = true, ["-"] = true, ["*"] = true, ["=="] = true, ["~="] = true, ["!="] = true,
  ["<"] = true, [">"] = true, ["<="] = true, [">="] = true, ["&"] = true, ["|"] = true, ["="] = true,
  ["and"] = true, ["or"] = true, ["in"] = true }

local function syntactic(name) return name:match("^[%a][%w_]*$") ~= nil end

local function fmt_num(v)
  if math.type(v) == "integer" then return tostring(v) end
  if v == math.floor(v) and math.abs(v) < 1e15 then return string.format("%d", v) end
  return (string.format("%.15g", v))
end

-- Tokens a..b printed as R prints the call: spaces around + - * and
-- comparisons, none around / ^ : %%, ", " after commas.
local function deparse(toks, a, b)
  local out = {}
  local prev
  for k = a, b do
    local t = toks[k]
    local piece
    if t.kind == "name" then
      piece = t.text
      if t.text == "not" then piece = "not " end
    elseif t.kind == "bq" then
      piece = syntactic(t.text) and t.text or ("`" .. t.text:gsub("`", "\\`") .. "`")
    elseif t.kind == "num" then
      piece = fmt_num(t.value)
    elseif t.kind == "str" then
      piece = '"' .. t.text:gsub('"', '\\"') .. '"'
    else
      local unary = (t.text == "-" or t.text == "+") and (prev == nil or (prev.kind == "op" and prev.text ~= ")"))
      if t.text == "," then
        piece = ", "
      elseif SPACED[t.text] and not unary then
        piece = " " .. t.text .. " "
      else
        piece = t.text
      end
    end
    if t.kind == "name" and SPACED[t.text] then piece = " " .. t.text .. " " end
    out[#out + 1] = piece
    prev = t
  end
  return (table.concat(out):gsub("  +", " "))
end

-- ===== Parsing and expansion =====

-- Variables of the formula, in order of first appearance: {key, kind
-- ("auto": decided by the column's type, "num", "fac", "poly", "lgl"),
-- src {col = name} or {expr = raw text, at = offset}, ref, degree, raw,
-- pos}.  A term is a sorted array of variable indices; a term set is an
-- ordered list of terms.

local function term_key(t) return table.concat(t, ",") end

local function union_terms(t, u)
  local seen, out = {}, {}
  for _, v in ipairs(t) do if not seen[v] then seen[v] = true; out[#out + 1] = v end end
  for _, v in ipairs(u) do if not seen[v] then seen[v] = true; out[#out + 1] = v end end
  table.sort(out)
  return out
end

local function set_add(set, t)
  local k = term_key(t)
  for _, u in ipairs(set) do if term_key(u) == k then return end end
  set[#set + 1] = t
end

local function set_union(a, b)
  local out = {}
  for _, t in ipairs(a) do set_add(out, t) end
  for _, t in ipairs(b) do set_add(out, t) end
  return out
end

local function set_inter(a, b)
  local out = {}
  for _, t in ipairs(a) do for _, u in ipairs(b) do set_add(out, union_terms(t, u)) end end
  return out
end

local Parser = {}
Parser.__index = Parser

function Parser:peek() return self.toks[self.i] end
function Parser:next() local t = self.toks[self.i]; self.i = self.i + 1; return t end
function Parser:is_op(text) local t = self.toks[self.i]; return t.kind == "op" and t.text == text end
function Parser:expect(text)
  local t = self:peek()
  if not (t.kind == "op" and t.text == text) then
    fail_at(self.ctx, t.pos, string.format('expected "%s", found %s', text, tok_desc(t)))
  end
  return self:next()
end

function Parser:var(spec)
  local v = self.vars_by_key[spec.key]
  if v then return v end
  self.vars[#self.vars + 1] = spec
  spec.index = #self.vars
  self.vars_by_key[spec.key] = spec.index
  return spec.index
end

-- Index of the token closing the parenthesis opened at token i.
function Parser:closing(i)
  local depth = 0
  for k = i, #self.toks do
    local t = self.toks[k]
    if t.kind == "op" and t.text == "(" then depth = depth + 1 end
    if t.kind == "op" and t.text == ")" then
      depth = depth - 1
      if depth == 0 then return k end
    end
    if t.kind == "eof" then
      fail_at(self.ctx, self.toks[i].pos, 'this "(" is not closed (expected ")")')
    end
  end
end

-- Arguments of a call whose "(" is token i and ")" token j: {a, b, name}
-- token ranges, split at top-level commas; `name = value` is named.
function Parser:args(i, j)
  local out, depth, start = {}, 0, i + 1
  local function push(stop)
    if stop < start then
      fail_at(self.ctx, self.toks[start].pos, "expected an argument, found " .. tok_desc(self.toks[start]))
    end
    local a = { a = start, b = stop }
    local t1, t2 = self.toks[start], self.toks[start + 1]
    if t1.kind == "name" and t2.kind == "op" and t2.text == "=" and start + 1 < stop then
      a.name, a.a = t1.text, start + 2
    end
    out[#out + 1] = a
  end
  for k = i + 1, j - 1 do
    local t = self.toks[k]
    if t.kind == "op" and t.text == "(" then depth = depth + 1 end
    if t.kind == "op" and t.text == ")" then depth = depth - 1 end
    if depth == 0 and t.kind == "op" and t.text == "," then push(k - 1); start = k + 1 end
  end
  if j - 1 >= i + 1 then push(j - 1) end
  return out
end

function Parser:raw(a, b)
  return self.ctx.text:sub(self.toks[a].pos, self.toks[b].stop), self.toks[a].pos
end

-- The data a range of tokens stands for: a column, or an expression.
function Parser:source(a, b)
  local t = self.toks[a]
  if a == b and (t.kind == "name" or t.kind == "bq") then return { col = t.text, pos = t.pos } end
  local raw, pos = self:raw(a, b)
  return { expr = raw, at = pos, pos = pos }
end

local function literal(p, arg, what)
  local t = p.toks[arg.a]
  local neg = t.kind == "op" and t.text == "-" and arg.b == arg.a + 1
  if neg then t = p.toks[arg.b] end
  if (arg.b ~= arg.a and not neg) or (t.kind ~= "num" and t.kind ~= "str") then
    fail_at(p.ctx, p.toks[arg.a].pos, what .. " must be a number or a text in quotes")
  end
  if t.kind == "num" then return neg and -t.value or t.value end
  return t.value
end

local function int_literal(p, arg, what)
  local t = p.toks[arg.a]
  if arg.a ~= arg.b or t.kind ~= "num" or t.value ~= math.floor(t.value) or t.value < 1 then
    fail_at(p.ctx, t.pos, what .. " must be a whole number of 1 or more")
  end
  return math.tointeger(t.value)
end

local SPECIAL_BAD = {
  offset = "offset() is not a formula term here: give the model's 'offset' field",
  C = "C() contrasts are not supported: use factor(x, ref = \"level\")",
  relevel = 'write factor(x, ref = "level") for a chosen reference level',
  ns = "splines are not supported", bs = "splines are not supported",
  s = "smooth terms are not supported", strata = "strata() is not a model term",
  as_factor = "write factor(x)",
}

-- A call term: I(), poly(), factor(), or an expression function.
function Parser:call(name_tok)
  local open = self.i
  local close = self:closing(open)
  self.i = close + 1
  local fname = name_tok.text
  local args = self:args(open, close)
  local ctx = self.ctx
  if fname == "I" then
    if #args ~= 1 or args[1].name then fail_at(ctx, name_tok.pos, "I() takes one expression: I(x^2)") end
    local src = self:source(args[1].a, args[1].b)
    if src.col then src = { expr = src.col, at = src.pos, pos = src.pos } end
    return { { self:var({ key = "I(" .. deparse(self.toks, args[1].a, args[1].b) .. ")", kind = "auto",
      src = src, pos = name_tok.pos, isexpr = true }) } }
  elseif fname == "poly" then
    if #args < 2 or args[1].name then
      fail_at(ctx, name_tok.pos, "poly() takes a variable and a degree: poly(x, 2)")
    end
    local degree, raw
    local parts = { deparse(self.toks, args[1].a, args[1].b) }
    for k = 2, #args do
      local a = args[k]
      if a.name == nil and k == 2 or a.name == "degree" then
        degree = int_literal(self, a, "the degree of poly()")
      elseif a.name == "raw" then
        local t = self.toks[a.a]
        if a.a ~= a.b or (t.text ~= "TRUE" and t.text ~= "FALSE" and t.text ~= "true" and t.text ~= "false") then
          fail_at(ctx, t.pos, "raw must be TRUE or FALSE")
        end
        raw = t.text == "TRUE" or t.text == "true"
        if raw then a.print = "TRUE" else a.print = "FALSE" end
      else
        fail_at(ctx, self.toks[a.a].pos, "poly() takes x, degree and raw")
      end
      local val = a.print or deparse(self.toks, a.a, a.b)
      parts[#parts + 1] = a.name and (a.name .. " = " .. val) or val
    end
    if degree == nil then fail_at(ctx, name_tok.pos, "poly() needs a degree: poly(x, 2)") end
    return { { self:var({ key = "poly(" .. table.concat(parts, ", ") .. ")", kind = "poly", degree = degree,
      raw = raw, src = self:source(args[1].a, args[1].b), pos = name_tok.pos }) } }
  elseif fname == "factor" then
    if #args < 1 or args[1].name then fail_at(ctx, name_tok.pos, "factor() takes a variable: factor(region)") end
    local ref
    for k = 2, #args do
      if args[k].name ~= "ref" then
        fail_at(ctx, self.toks[args[k].a].pos, 'factor() takes a variable and ref = "level" only')
      end
      ref = literal(self, args[k], "ref")
    end
    local key = "factor(" .. deparse(self.toks, args[1].a, args[1].b) .. ")"
    local vi = self:var({ key = key, kind = "fac", src = self:source(args[1].a, args[1].b),
      pos = name_tok.pos, ref = ref })
    local v = self.vars[vi]
    if ref ~= nil and v.ref ~= ref then
      fail_at(ctx, name_tok.pos, string.format("%s is given two reference levels", key))
    end
    return { { vi } }
  end
  if SPECIAL_BAD[fname] then fail_at(ctx, name_tok.pos, SPECIAL_BAD[fname]) end
  local raw = self:raw(open - 1, close)
  return { { self:var({ key = deparse(self.toks, open - 1, close), kind = "auto",
    src = { expr = raw, at = name_tok.pos, pos = name_tok.pos }, pos = name_tok.pos, isexpr = true }) } }
end

-- Stata prefixes: i. (factor), ibN. (factor, base level N), c. (continuous).
function Parser:stata_prefix(t)
  local nt = self.toks[self.i + 1]
  if not (nt and nt.kind == "op" and nt.text == "." and nt.pos == t.stop + 1) then return nil end
  local p, base = t.text, nil
  if p ~= "i" and p ~= "c" then
    base = p:match("^ib(.+)$")
    if base == nil then return nil end
  end
  self.i = self.i + 2
  local vt = self:next()
  if vt.kind ~= "name" and vt.kind ~= "bq" then
    fail_at(self.ctx, vt.pos, string.format('expected a column name after "%s.", found %s', p, tok_desc(vt)))
  end
  self.stata = true
  if p == "c" then
    return { { self:var({ key = vt.text, kind = "num", src = { col = vt.text, pos = vt.pos }, pos = vt.pos }) } }
  end
  local ref = base and (tonumber(base) or base) or nil
  local vi = self:var({ key = "factor(" .. (syntactic(vt.text) and vt.text or "`" .. vt.text .. "`") .. ")",
    kind = "fac", src = { col = vt.text, pos = vt.pos }, pos = t.pos, ref = ref })
  return { { vi } }
end

-- atom: ( sum ) | 0 | 1 | name | call | Stata-prefixed name
function Parser:atom(in_hash)
  local t = self:peek()
  if t.kind == "op" and t.text == "(" then
    self:next()
    local s = self:sum()
    self:expect(")")
    return s.terms, s
  elseif t.kind == "num" then
    self:next()
    if t.value == 0 or t.value == 1 then return nil, { number = t.value, tok = t } end
    fail_at(self.ctx, t.pos, string.format("a number in a formula must be 0 or 1 (the intercept), found %s; "
      .. "write I(%s * x) for a scaled term", t.text, t.text))
  elseif t.kind == "name" or t.kind == "bq" then
    if t.kind == "name" then
      local st = self:stata_prefix(t)
      if st then return st end
    end
    self:next()
    local nt = self:peek()
    if t.kind == "name" and nt.kind == "op" and nt.text == "(" then return self:call(t) end
    if t.kind == "name" and nt.kind == "op" and nt.text == "." then
      fail_at(self.ctx, nt.pos, string.format('unknown prefix "%s." (Stata prefixes are i., ib<level>. and c.)', t.text))
    end
    if t.kind == "name" and (t.text == "and" or t.text == "or" or t.text == "not") then
      fail_at(self.ctx, t.pos, string.format('"%s" belongs inside I(...)', t.text))
    end
    -- Stata: an unprefixed variable in an interaction (#) is a factor.
    if in_hash then
      return { { self:var({ key = "factor(" .. (syntactic(t.text) and t.text or "`" .. t.text .. "`") .. ")",
        kind = "fac", src = { col = t.text, pos = t.pos }, pos = t.pos }) } }
    end
    return { { self:var({ key = syntactic(t.text) and t.text or ("`" .. t.text .. "`"), kind = "auto",
      src = { col = t.text, pos = t.pos }, pos = t.pos }) } }
  elseif t.kind == "op" and t.text == "." then
    fail_at(self.ctx, t.pos, '"." (all other columns) is not supported: list the columns')
  end
  fail_at(self.ctx, t.pos, "expected a term (a column, a call such as I(x^2), or 1/0), found " .. tok_desc(t))
end

local function not_number(p, extra, op)
  if extra and extra.number ~= nil then
    fail_at(p.ctx, extra.tok.pos, string.format('the intercept (%s) cannot be used with "%s"', extra.tok.text, op))
  end
end

-- power: atom ( ^ k )?
function Parser:power(in_hash)
  local terms, extra = self:atom(in_hash)
  if self:is_op("^") then
    local op = self:next()
    not_number(self, extra, "^")
    local k = self:next()
    if k.kind ~= "num" or k.value ~= math.floor(k.value) or k.value < 1 then
      fail_at(self.ctx, k.pos, "the power of a term must be a whole number: (a + b)^2")
    end
    local out = terms
    for _ = 2, k.value do out = set_union(out, set_inter(out, terms)) end
    terms, extra = out, nil
    local _ = op
  end
  return terms, extra
end

-- Whether the next tokens are an operand joined by # (so a bare name in
-- it is a Stata factor).
function Parser:hash_follows()
  local k = self.i
  local t = self.toks[k]
  if t.kind == "name" and self.toks[k + 1].kind == "op" and self.toks[k + 1].text == "." then k = k + 3
  elseif t.kind == "name" or t.kind == "bq" then k = k + 1
  else return false end
  local o = self.toks[k]
  return o.kind == "op" and (o.text == "#" or o.text == "##")
end

-- inter: power ( (":" | "#") power )*
function Parser:inter()
  local hash = self:hash_follows()
  local terms, extra = self:power(hash)
  local full = false
  while self:is_op(":") or self:is_op("#") or self:is_op("##") do
    local op = self:next()
    not_number(self, extra, op.text)
    if op.text ~= ":" then self.stata = true end
    local rhs, e2 = self:power(op.text ~= ":")
    not_number(self, e2, op.text)
    if op.text == "##" then
      terms = set_union(set_union(terms, rhs), set_inter(terms, rhs))
      full = true
    else
      terms = set_inter(terms, rhs)
    end
  end
  local _ = full
  return terms, extra
end

-- prod: inter ( "*" inter )*
function Parser:prod()
  local terms, extra = self:inter()
  while self:is_op("*") do
    local op = self:next()
    not_number(self, extra, "*")
    local rhs, e2 = self:inter()
    not_number(self, e2, "*")
    terms = set_union(set_union(terms, rhs), set_inter(terms, rhs))
    local _ = op
  end
  if self:is_op("/") or self:is_op("%in%") then
    local t = self:peek()
    fail_at(self.ctx, t.pos, string.format('"%s" (nesting) is not supported: write a + a:b', t.text))
  end
  return terms, extra
end

local function starts_term(t)
  return t.kind == "name" or t.kind == "bq" or t.kind == "num" or (t.kind == "op" and t.text == "(")
end

-- sum: [-] prod ( ("+" | "-") prod )*; in the Stata form, terms may also be
-- separated by spaces.  Returns {terms, intercept (true, false or nil)}.
function Parser:sum()
  local res = { terms = {}, intercept = nil }
  local function apply(sign, terms, extra, tok)
    if extra and extra.number ~= nil then
      local on = (extra.number == 1) == (sign == "+")
      res.intercept = on
      return
    end
    if extra and extra.intercept ~= nil then res.intercept = extra.intercept end
    if sign == "+" then
      res.terms = set_union(res.terms, terms)
    else
      local drop = {}
      for _, t in ipairs(terms) do drop[term_key(t)] = true end
      local kept, removed = {}, false
      for _, t in ipairs(res.terms) do
        if drop[term_key(t)] then removed = true else kept[#kept + 1] = t end
      end
      if not removed then
        fail_at(self.ctx, tok.pos, "this term is removed but was not in the formula before it")
      end
      res.terms = kept
    end
  end
  local sign = "+"
  if self:is_op("-") then self:next(); sign = "-" elseif self:is_op("+") then self:next() end
  local tok = self:peek()
  local terms, extra = self:prod()
  apply(sign, terms, extra, tok)
  while true do
    if self:is_op("+") or self:is_op("-") then
      sign = self:next().text
    elseif self.ctx.stata_form and starts_term(self:peek()) then
      sign = "+"
    else
      break
    end
    tok = self:peek()
    terms, extra = self:prod()
    apply(sign, terms, extra, tok)
  end
  return res
end

--- Parse a formula.  `text` is "y ~ rhs", "~ rhs" (one-sided), or the
-- Stata form "y x1 i.x2 c.x3#i.x4" (no "~": the first name is the outcome,
-- terms are separated by spaces).  `opts.fn`/`opts.field` name the caller
-- in errors; `opts.one_sided` requires no outcome.
-- @treturn table {text, lhs (a variable or nil), vars, terms, intercept, stata}
function M.parse(text, opts)
  opts = opts or {}
  local ctx = { fn = opts.fn or "formula", field = opts.field or "formula", text = text }
  if type(text) ~= "string" then
    check.fail_named(ctx.fn, ctx.field, string.format("%s: a formula must be a string, got %s", ctx.field, type(text)))
  end
  if text:match("^%s*$") then fail_at(ctx, 1, "the formula is empty") end
  local toks = tokenize(ctx)
  local p = setmetatable({ toks = toks, i = 1, ctx = ctx, vars = {}, vars_by_key = {} }, Parser)
  local tilde
  for k, t in ipairs(toks) do
    if t.kind == "op" and t.text == "~" then
      if tilde then fail_at(ctx, t.pos, 'a formula has one "~"') end
      tilde = k
    end
  end
  local lhs
  if tilde then
    if tilde > 1 then
      if opts.one_sided then
        fail_at(ctx, toks[1].pos, opts.outcome_given
          and "the outcome is already given by field 'y': write the formula without it (\"~ x + z\"), or leave out y"
          or "a covariate formula has no outcome: start it with \"~\"")
      end
      local a, b = 1, tilde - 1
      local key = deparse(toks, a, b)
      local src = p:source(a, b)
      lhs = { key = key, src = src, pos = toks[1].pos, kind = "num", isexpr = src.expr ~= nil }
    end
    p.i = tilde + 1
  else
    ctx.stata_form = true
    if not opts.one_sided then
      local t = toks[1]
      if t.kind ~= "name" and t.kind ~= "bq" then
        fail_at(ctx, t.pos, 'expected the outcome (a column name), or an R formula "y ~ x"')
      end
      lhs = { key = t.text, src = { col = t.text, pos = t.pos }, pos = t.pos, kind = "num" }
      p.i = 2
    end
  end
  if toks[p.i].kind == "eof" then
    fail_at(ctx, toks[p.i].pos, "expected the terms after the outcome, found the end of the formula")
  end
  local res = p:sum()
  local t = p:peek()
  if t.kind ~= "eof" then
    local hint = ""
    if t.kind == "op" and (t.text == "==" or t.text == "<" or t.text == ">") then hint = " (comparisons go inside I(...))" end
    if starts_term(t) then hint = ' (terms are joined by "+")' end
    fail_at(ctx, t.pos, string.format("expected \"+\", \"-\", \"*\", \":\" or the end of the formula, found %s%s",
      tok_desc(t), hint))
  end
  -- R's order: by degree, then as they first appear
  local order = {}
  for k, term in ipairs(res.terms) do order[k] = { term = term, k = k } end
  table.sort(order, function(a, b)
    if #a.term ~= #b.term then return #a.term < #b.term end
    return a.k < b.k
  end)
  local terms = {}
  for k, o in ipairs(order) do terms[k] = o.term end
  local intercept = res.intercept
  if intercept == nil then intercept = true end
  return { text = text, lhs = lhs, vars = p.vars, terms = terms, intercept = intercept,
    stata = p.stata or ctx.stata_form or false, ctx = ctx }
end

--- Whether a covariates field is a formula rather than a column list.
function M.is_formula(v) return type(v) == "string" and v:find("~", 1, true) ~= nil end

-- ===== Model matrix =====

local function bq(name) return "`" .. name:gsub("`", "``") .. "`" end

local function num17(v)
  if v ~= v then return "(0/0)" end
  local s = string.format("%.17g", v)
  if not s:find("[%.eEn]") then s = s .. ".0" end
  if v < 0 then s = "(" .. s .. ")" end
  return s
end

local function level_label(v, typ)
  if typ == "text" then return v end
  if typ == "bool" then return v and "TRUE" or "FALSE" end
  return fmt_num(v)
end

local function level_literal(v, typ)
  if typ == "text" then return string.format("%q", v) end
  if typ == "bool" then return v and "true" or "false" end
  return num17(v)
end

-- Compile an expression on frame g into column `name`; a compile error
-- gets the caret at its place in the formula.
local function mutate_expr(ctx, g, name, src)
  local ok, r = pcall(g.mutate, g, name, src.expr)
  if ok then return r end
  local msg = type(r) == "table" and (r.detail or r.msg) or tostring(r)
  local _, untagged = require("csc.errors").untag(msg)   -- without C's kind tag
  msg = untagged:gsub("^in expression .-: ", "")
  local col, rest = msg:match("^at column (%d+): (.*)$")
  if col then fail_at(ctx, src.at + tonumber(col) - 1, rest) end
  fail_at(ctx, src.pos, msg)
end

local function need_column(ctx, g, src)
  if not g:has(src.col) then
    local names = g:names()
    fail_at(ctx, src.pos, string.format('unknown column "%s"%s', src.col, util.hint(src.col, names)))
  end
end

-- Distinct present values of column `col` in the rows where `keep` holds,
-- sorted (text byte-wise, numbers numerically, false < true).
local function levels_of(g, col, keep)
  local vals = g:column(col)
  local seen, out = {}, {}
  local NA = require("host.frame").NA
  for r = 1, #vals do
    local v = vals[r]
    if keep[r] and v ~= NA and not seen[v] then seen[v] = true; out[#out + 1] = v end
  end
  if g:type(col) == "bool" then
    table.sort(out, function(a, b) return (not a) and b end)
  else
    table.sort(out)
  end
  return out
end

--- Build the model matrix of a parsed formula on frame `f`.
-- `extra` lists further columns whose missing values drop a row (weights,
-- cluster, ...).  `fixed` (from an earlier build's `.fixed`) reuses its
-- factor levels and poly() coefficients, for new data.
-- @treturn table {data (frame with the columns), y (outcome column name or
--   nil), x (column names in model order, R's names), intercept, fixed,
--   formula (the text), terms (term labels)}
function M.build(fm, f, extra, fixed)
  local ctx = fm.ctx
  local g = f
  local tmp = 0
  local function tmpname()
    tmp = tmp + 1
    return string.format(".formula.%d", tmp)
  end
  fixed = fixed or { vars = {} }
  local newfixed = { vars = {} }
  -- 1. each variable's base column
  local base = {}
  local used = {}
  local function base_of(v)
    if v.src.col then
      need_column(ctx, g, v.src)
      return v.src.col
    end
    local name = tmpname()
    g = mutate_expr(ctx, g, name, v.src)
    return name
  end
  local yname
  if fm.lhs then
    yname = fm.lhs.src.col and fm.lhs.src.col or fm.lhs.key
    if fm.lhs.src.col then
      need_column(ctx, g, fm.lhs.src)
    else
      g = mutate_expr(ctx, g, yname, fm.lhs.src)
    end
    used[#used + 1] = yname
  end
  for k, v in ipairs(fm.vars) do
    base[k] = base_of(v)
    used[#used + 1] = base[k]
  end
  for _, c in pairs(extra or {}) do if type(c) == "string" and g:has(c) then used[#used + 1] = c end end
  -- 2. complete rows (as the fitters drop them): poly() and the factor
  -- levels are taken over these rows, as R's model.frame does
  local keep
  local function complete()
    if keep then return keep end
    local parts = {}
    for _, c in ipairs(used) do parts[#parts + 1] = "not is_missing(" .. bq(c) .. ")" end
    keep = #parts > 0 and g:eval(table.concat(parts, " and ")) or {}
    if #parts == 0 then for r = 1, g:nrow() do keep[r] = true end end
    return keep
  end
  -- 3. each variable's columns {name suffix -> column} and its kind
  local info = {}
  for k, v in ipairs(fm.vars) do
    local col = base[k]
    local typ = g:type(col)
    local kind = v.kind
    if kind == "auto" then
      kind = (typ == "text" or typ == "bool") and "fac" or "num"
    end
    if typ == "date" and kind ~= "fac" then
      local name = tmpname()
      g = g:mutate(name, string.format("days_between(date(\"1970-01-01\"), %s)", bq(col)))
      col = name
      typ = "int64"
    end
    local fx = fixed.vars[v.key]
    local it = { kind = kind, key = v.key }
    if kind == "num" then
      if typ == "text" then
        fail_at(ctx, v.pos, string.format('"%s" is text; a numeric term needs numbers (write factor(%s) or i.%s)',
          v.src.col or v.key, v.src.col or v.key, v.src.col or v.key))
      end
      it.cols = { { suffix = "", col = col } }
      if typ == "bool" then
        local name = tmpname()
        g = g:mutate(name, "to_number(" .. bq(col) .. ")")
        it.cols[1].col = name
      end
    elseif kind == "fac" then
      local levels = fx and fx.levels or levels_of(g, col, complete())
      if v.ref ~= nil and not (fx and fx.levels) then
        local want = v.ref
        local pos
        for i, l in ipairs(levels) do
          if l == want or level_label(l, typ) == tostring(want) or (type(l) == "number" and l == tonumber(want)) then
            pos = i
          end
        end
        if pos == nil then
          local labs = {}
          for i, l in ipairs(levels) do labs[i] = level_label(l, typ) end
          fail_at(ctx, v.pos, string.format('reference level "%s" does not occur in %s (levels: %s)', tostring(want),
            v.src.col or v.key, table.concat(labs, ", ")))
        end
        table.insert(levels, 1, table.remove(levels, pos))
      end
      if #levels < 2 and not fx then
        fail_at(ctx, v.pos, string.format("%s has %d level%s in the complete rows; a factor needs at least 2",
          v.src.col or v.key, #levels, #levels == 1 and "" or "s"))
      end
      it.levels, it.typ, it.col = levels, typ, col
      newfixed.vars[v.key] = { levels = levels }
    elseif kind == "poly" then
      if typ == "text" or typ == "bool" then
        fail_at(ctx, v.pos, string.format("poly() needs numbers; %s is %s", v.src.col or v.key, typ))
      end
      it.cols = {}
      if v.raw then
        for j = 1, v.degree do
          local name = tmpname()
          g = g:mutate(name, string.format("%s ^ %d", bq(col), j))
          it.cols[j] = { suffix = tostring(j), col = name }
        end
      else
        local alpha, norm2
        if fx then
          alpha, norm2 = fx.alpha, fx.norm2
        else
          -- over the complete rows, in C (host/num/poly.c)
          local pc = hmodel.poly_coefs(g, col, v.degree, used)
          if v.degree >= pc.distinct then
            fail_at(ctx, v.pos, string.format("the degree of %s must be less than the number of distinct values (%d)",
              v.key, pc.distinct))
          end
          alpha, norm2 = pc.alpha, pc.norm2
        end
        newfixed.vars[v.key] = { alpha = alpha, norm2 = norm2 }
        -- P1 = x - a1, P(j+1) = (x - a(j+1)) Pj - norm2(j+2)/norm2(j+1) P(j-1)
        local pcols = {}
        for j = 1, v.degree do
          local name = tmpname()
          local e
          if j == 1 then
            e = string.format("%s - %s", bq(col), num17(alpha[1]))
          else
            local prev2 = j == 2 and "1.0" or bq(pcols[j - 2])
            e = string.format("(%s - %s) * %s - %s * %s", bq(col), num17(alpha[j]), bq(pcols[j - 1]),
              num17(norm2[j + 1] / norm2[j]), prev2)
          end
          g = g:mutate(name, e)
          pcols[j] = name
        end
        for j = 1, v.degree do
          local name = tmpname()
          g = g:mutate(name, string.format("%s / %s", bq(pcols[j]), num17(math.sqrt(norm2[j + 2]))))
          it.cols[j] = { suffix = tostring(j), col = name }
        end
      end
    end
    info[k] = it
  end
  -- 4. codes (contrasts or indicators) per factor in each term, R's rule
  local factor_code = {}
  local function subset_of(a, b)
    local s = {}
    for _, v in ipairs(b) do s[v] = true end
    for _, v in ipairs(a) do if not s[v] then return false end end
    return true
  end
  for ti, term in ipairs(fm.terms) do
    factor_code[ti] = {}
    for _, vi in ipairs(term) do
      if info[vi].kind == "fac" then
        local rest = {}
        for _, w in ipairs(term) do if w ~= vi then rest[#rest + 1] = w end end
        local code = "indicator"
        if #rest == 0 then
          code = "contrast"
        else
          for pj = 1, ti - 1 do
            if subset_of(rest, fm.terms[pj]) then code = "contrast"; break end
          end
        end
        factor_code[ti][vi] = code
      end
    end
  end
  if not fm.intercept then
    for ti, term in ipairs(fm.terms) do
      local done = false
      for _, vi in ipairs(term) do
        if info[vi].kind == "fac" then factor_code[ti][vi] = "indicator"; done = true; break end
      end
      if done then break end
    end
  end
  -- 5. the columns: dummies made once per level, products per interaction
  local dummy = {}
  local function dummy_col(vi, lev)
    local it = info[vi]
    dummy[vi] = dummy[vi] or {}
    if dummy[vi][lev] then return dummy[vi][lev] end
    local name = tmpname()
    local cond
    if it.typ == "bool" then
      cond = it.levels[lev] and bq(it.col) or ("not " .. bq(it.col))
    else
      cond = string.format("%s == %s", bq(it.col), level_literal(it.levels[lev], it.typ))
    end
    g = g:mutate(name, string.format("if_else(%s, 1.0, 0.0)", cond))
    dummy[vi][lev] = name
    return name
  end
  local xnames, labels = {}, {}
  local final = {}
  local seen_name = {}
  for ti, term in ipairs(fm.terms) do
    local keys = {}
    for _, vi in ipairs(term) do keys[#keys + 1] = info[vi].key end
    labels[ti] = table.concat(keys, ":")
    -- per variable: list of {label, col}
    local per = {}
    for _, vi in ipairs(term) do
      local it = info[vi]
      local list = {}
      if it.kind == "fac" then
        local from = factor_code[ti][vi] == "contrast" and 2 or 1
        for lev = from, #it.levels do
          list[#list + 1] = { label = it.key .. level_label(it.levels[lev], it.typ), vi = vi, lev = lev }
        end
      else
        for _, c in ipairs(it.cols) do list[#list + 1] = { label = it.key .. c.suffix, col = c.col } end
      end
      per[#per + 1] = list
    end
    -- first variable varies fastest
    local idx = {}
    for j = 1, #per do idx[j] = 1 end
    while true do
      local parts, cols = {}, {}
      for j = 1, #per do
        local e = per[j][idx[j]]
        parts[j] = e.label
        cols[j] = e.col or dummy_col(e.vi, e.lev)
      end
      local name = table.concat(parts, ":")
      if seen_name[name] then fail_at(ctx, fm.vars[term[1]].pos, string.format('column "%s" twice', name)) end
      seen_name[name] = true
      xnames[#xnames + 1] = name
      final[#final + 1] = { name = name, cols = cols }
      local j = 1
      while j <= #per do
        idx[j] = idx[j] + 1
        if idx[j] <= #per[j] then break end
        idx[j] = 1
        j = j + 1
      end
      if j > #per then break end
    end
  end
  -- 6. final columns named as R names them (a plain column used as is
  -- keeps its own)
  for _, c in ipairs(final) do
    if not (#c.cols == 1 and c.cols[1] == c.name) then
      local prod = {}
      for j, col in ipairs(c.cols) do prod[j] = bq(col) end
      g = g:mutate(c.name, table.concat(prod, " * "))
    end
  end
  -- the working columns go; the frame keeps its own and the model's
  local keep = {}
  for _, name in ipairs(g:names()) do
    if not name:match("^%.formula%.%d+$") then keep[#keep + 1] = name end
  end
  if #keep < #g:names() then g = g:select(keep) end
  return { data = g, y = yname, x = xnames, intercept = fm.intercept, fixed = newfixed, formula = fm.text,
    terms = labels, parsed = fm }
end

--- Covariates given as a one-sided formula ("~ age + factor(region)"), for
-- matching, weighting and adjustment sets: the model-matrix columns without
-- the intercept (a factor's reference level left out).  Returns the
-- column names and the frame with them added.
-- @tparam string text the formula
-- @tparam userdata f the frame
-- @tparam table opts fn, field (for errors), extra (columns whose missing
--   values drop a row: the treatment, say)
function M.covariates(text, f, opts)
  local fm = M.parse(text, { fn = opts.fn, field = opts.field, one_sided = true })
  if not fm.intercept then
    fail_at(fm.ctx, 1, "a covariate formula has no intercept to remove (leave out -1 and + 0)")
  end
  if #fm.terms == 0 then fail_at(fm.ctx, 1, "the formula has no terms") end
  local mm = M.build(fm, f, opts.extra)
  return mm.x, mm.data, mm
end

--- Parse and build in one step (see `parse` and `build`).
function M.model_frame(text, f, opts)
  local fm = M.parse(text, opts)
  return M.build(fm, f, opts and opts.extra)
end

M.deparse = deparse
return M
