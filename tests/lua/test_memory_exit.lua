-- Running out of memory is one rule (docs/cli.md's exit codes; docs/host.md,
-- "Errors"): an analysis error, exit 4, whichever layer runs out, reading
-- an input included.
--   * C memory: a binding whose malloc fails raises through lh_nomem
--     (bind/lhelp.h).  Here f:uncount("n") asks for 100 million rows (800 MB
--     of row indices) under `ulimit -v` of 500 MB, so the allocation fails.
--     It used to be tagged "internal" (exit 1, "a bug in csceval").
--   * Lua memory: a recipe past its --memory cap; the message says how to
--     raise it.
local H = ...
local sys = require("host.sys")

local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-memory-" .. tostring(os.time()) .. "-"
  .. tostring(sys.pid())
sys.mkdirs(tmp)

local function q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

-- Run csceval in tmp with a shell prefix; returns the exit code and stderr.
local function run(prefix, args)
  local cmd = string.format("cd %s && %s %s %s >/dev/null 2>stderr.txt", q(tmp), prefix, q(sys.exe()), args)
  local ok, _, code = os.execute("sh -c " .. q(cmd))
  return ok and 0 or code, sys.read(tmp .. "/stderr.txt") or ""
end

local function write(name, text)
  local f = assert(io.open(tmp .. "/" .. name, "w"))
  f:write(text)
  f:close()
end

write("d.csv", "n\n100000000\n")
write("uncount.lua", [[
return {
  title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = "d.csv" } },
  design = { type = "custom", analyse = function(ctx)
    ctx:estimate{ label = "rows", value = ctx.data.d:uncount("n"):nrow() }
  end },
}
]])
write("grow.lua", [[
return {
  title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = "d.csv" } },
  design = { type = "custom", analyse = function(ctx)
    local t = {}
    for i = 1, 1e9 do t[i] = string.rep("x", 100) .. i end
  end },
}
]])

-- A sanitizer build reserves terabytes of address space: ulimit -v cannot
-- be used with it.
local asan = (sys.exe() or ""):find("asan", 1, true)
if asan then
  H.skip("out of C memory", "the executable is a sanitizer build (ulimit -v would stop it starting)")
else
  H.case("out of C memory in a binding: exit 4 (analysis), not 1 (internal)", function()
    local code, err = run("ulimit -v 500000;", "run uncount.lua --out out --quiet")
    H.eq(code, 4)
    H.ok(err:find('uncount: column "n": not enough memory', 1, true), "the message names the call:\n" .. err)
    H.ok(not err:find("internal error", 1, true), "not reported as a bug:\n" .. err)
  end)
end

-- A reader that runs out of memory (docs/data.md, "Speed and memory"): a
-- 3 GB file (sparse: no disk is used) is within --max-input, but under a
-- 1 GB address-space limit the loader cannot hold it.  Nothing is wrong
-- with the file, so it is exit 4 naming the file, not 3 (a data error), for
-- a recipe's input and for describe alike.
if asan then
  H.skip("a reader out of memory", "the executable is a sanitizer build (ulimit -v would stop it starting)")
else
  H.case("a reader out of memory: exit 4 naming the file, not 3 (data)", function()
    local fh = assert(io.open(tmp .. "/big.csv", "wb"))
    fh:write("n\n")
    fh:seek("set", 3 * 1024 * 1024 * 1024 - 1)
    fh:write("\n")
    fh:close()
    write("big.lua", [[
return {
  title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = "big.csv" } },
  design = { type = "custom", analyse = function(ctx)
    ctx:estimate{ label = "rows", value = ctx.data.d:nrow() }
  end },
}
]])
    for _, args in ipairs({ "run big.lua --out out --quiet", "describe big.csv" }) do
      local code, err = run("ulimit -v 1000000;", args)
      H.eq({ args, code }, { args, 4 })
      H.ok(err:find("big.csv: out of memory reading the file", 1, true), args .. ":\n" .. err)
      H.ok(not err:find("\x1F", 1, true) and not err:find("\\x1F", 1, true), "no kind tag shown:\n" .. err)
    end
    os.remove(tmp .. "/big.csv")
  end)
end

H.case("out of Lua memory under --memory: exit 4, with the hint to raise the cap", function()
  local code, err = run("", "run grow.lua --out out --quiet --memory 16")
  H.eq(code, 4)
  H.ok(err:find("out of memory", 1, true) and err:find("--memory", 1, true), "the hint:\n" .. err)
end)

H.case("the bindings raise out-of-memory through lh_nomem, never tagged internal", function()
  for _, f in ipairs(sys.listdir("host/bind")) do
    if f:match("%.c$") then
      local src = assert(sys.read("host/bind/" .. f))
      for line in src:gmatch("[^\n]+") do
        if line:find("not enough memory", 1, true) and not line:find("analysis:memory", 1, true) then
          H.fail("host/bind/" .. f .. ": raises out-of-memory without the analysis kind: " .. line)
        end
      end
    end
  end
end)
