-- A small test harness for lua/ (run by `csceval test tests/lua/run.lua`).
-- eq(got, want [, rtol]) compares numbers with a relative tolerance and
-- tables deeply; raises(pattern, f, ...) expects an error matching a plain
-- substring.  Failures print file:line with got and needed.
local H = { passed = 0, failed = 0, current = "?" }

local function where(level)
  local info = debug.getinfo(level + 1, "Sl")
  return info and (info.short_src .. ":" .. info.currentline) or "?"
end

local function show(v)
  if type(v) == "table" then
    local ok, json = pcall(require, "csc.json")
    if ok then local ok2, s = pcall(json.encode, v, true); if ok2 then return s end end
  end
  return tostring(v)
end

local function deep_eq(a, b, rtol)
  if type(a) == "number" and type(b) == "number" then
    if a == b then return true end
    if a ~= a and b ~= b then return true end
    return math.abs(a - b) <= (rtol or 0) * math.max(math.abs(a), math.abs(b))
  end
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  for k, v in pairs(a) do if not deep_eq(v, b[k], rtol) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

function H.fail(msg, level)
  error({ harness = true, msg = where((level or 1) + 1) .. ": " .. msg }, 0)
end

function H.eq(got, want, rtol)
  if not deep_eq(got, want, rtol) then
    H.fail(string.format("got: %s\n    needed: %s%s", show(got), show(want),
      rtol and string.format(" (rtol %g)", rtol) or ""), 2)
  end
end

function H.ok(cond, msg)
  if not cond then H.fail(msg or "expected a true value", 2) end
end

--- Expect f(...) to raise an error whose message contains `text` (plain).
function H.raises(text, f, ...)
  local ok, e = pcall(f, ...)
  if ok then H.fail("expected an error containing: " .. text, 2) end
  local msg = type(e) == "table" and (e.msg or tostring(e)) or tostring(e)
  if not msg:find(text, 1, true) then
    H.fail(string.format("error message\n    got: %s\n    needed to contain: %s", msg, text), 2)
  end
  return msg
end

function H.case(name, f)
  H.current = name
  local ok, e = xpcall(f, function(err)
    if type(err) == "table" and err.harness then return err.msg end
    return debug.traceback(tostring(type(err) == "table" and (err.msg or err) or err), 2)
  end)
  if ok then H.passed = H.passed + 1
  else
    H.failed = H.failed + 1
    io.stderr:write("FAIL ", name, "\n    ", tostring(e), "\n")
  end
end

--- Run a Lua script (a data generator, say) in this state with its
-- messages to stderr silenced; returns what it returns, raises its error.
function H.run_script(script, ...)
  local chunk = assert(loadfile(script, "t"))
  local saved = io.stderr
  io.stderr = assert(io.open("/dev/null", "w"))
  local ok, rc = pcall(chunk, ...)
  io.stderr:close()
  io.stderr = saved
  if not ok then error(rc, 0) end
  return rc
end

--- A frame as plain Lua, to compare with H.eq: its names and columns
-- (missing values as "NA(reason)").
function H.plain(f)
  local t = { names = f:names() }
  for _, n in ipairs(t.names) do
    local col = {}
    for i = 1, f:nrow() do
      local r = f:na_reason(i, n)
      col[i] = r and ("NA(" .. r .. ")") or f:value(i, n)
    end
    t[n] = col
  end
  return t
end

--- Run `./csceval CMD PATH --out OUT/cli` with its output silenced;
-- returns {how, code} as os.execute gives them ("exit", 2).
function H.run_cli(cmd, path, out)
  local _, how, code = os.execute(string.format("./csceval %s %s --out %s/cli >/dev/null 2>&1", cmd, path, out))
  return { how, code }
end

--- Write a minimal recipe to `path` (atomically) and return the path: the
-- plan head every test recipe needs (title, question, source with one
-- table), then `body`, the recipe's other fields as Lua source
-- ("inputs = {...}, design = {...},").
function H.recipe_file(path, body, tables)
  local text = string.format('return {\n  title = "t", question = "q", source = { report = "r", tables = { %q } },\n'
    .. '%s\n}\n', tables or "T", body)
  assert(require("host.sys").write_atomic(path, text))
  return path
end

function H.skip(name, why)
  H.skipped = (H.skipped or 0) + 1
  io.stdout:write("skipped: ", name, ": ", why, "\n")
end

return H
