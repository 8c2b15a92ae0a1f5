-- Runs docs/tutorial.md as a test (make test-tutorial, part of make check):
--   ```lua file=my/NAME.lua     the block is written to that file
--   ```sh                        each line is a command, run from the project
--                                root; it must exit 0 (```sh exit=2: that code)
--   <!-- check FILE LABEL VALUE TOL -->   the estimate LABEL in FILE
--                                (a results.json) must be VALUE within TOL,
--                                and VALUE must be written in the paragraph
--                                that follows the comment.
-- "my/" in paths and commands is a scratch folder.  Skipped, with a message,
-- when ../shared/data is absent.
local sys = require("host.sys")
local json = require("csc.json")

local function record(p, f)
  os.execute("mkdir -p tests/out")
  local fh = io.open("tests/out/summary.txt", "a")
  if fh then fh:write(string.format("tutorial %d %d\n", p, f)); fh:close() end
end

if sys.kind("../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv") ~= "file" then
  print("tutorial: skipped: ../shared/data is absent (docs/tutorial.md runs on the shared public statistics)")
  record(0, 0)
  return 0
end

local doc = assert(io.open("docs/tutorial.md")):read("a")
local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-tutorial-" .. tostring(os.time()) .. "-" .. tostring(math.random(1e6))
os.execute("mkdir -p '" .. tmp .. "/my'")
local function fix(s) return (s:gsub("%f[%w_/]my/", tmp .. "/my/")) end

local pass, fail = 0, 0
local function bad(msg) fail = fail + 1; io.stderr:write("FAIL tutorial: ", msg, "\n") end

local lines = {}
for l in (doc .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
local i = 1
while i <= #lines do
  local l = lines[i]
  local lang, attrs = l:match("^```(%w+)%s*(.*)$")
  if lang then
    local body = {}
    i = i + 1
    while i <= #lines and not lines[i]:match("^```%s*$") do body[#body + 1] = lines[i]; i = i + 1 end
    local text = table.concat(body, "\n") .. "\n"
    local file = attrs:match("file=(%S+)")
    if lang == "lua" and file then
      local fh = assert(io.open(fix(file), "w"))
      fh:write(text)
      fh:close()
    elseif lang == "sh" then
      local want = tonumber(attrs:match("exit=(%d+)") or "0")
      for _, cmd in ipairs(body) do
        if cmd:match("^%./csceval") then
          local ok, _, code = os.execute(fix(cmd) .. " >" .. tmp .. "/out.txt 2>" .. tmp .. "/err.txt")
          code = ok and 0 or code
          if code ~= want then
            bad(string.format("line %d: `%s` exited %s, expected %d: %s", i, cmd, tostring(code), want,
              (io.open(tmp .. "/err.txt"):read("a"))))
          else
            pass = pass + 1
          end
        end
      end
    end
  else
    local file, label, value, tol = l:match("^<!%-%- check (%S+) (%S+) (%S+) (%S+) %-%->")
    if file then
      local fh = io.open(fix(file))
      local want, t = tonumber(value), tonumber(tol)
      if not fh then bad(string.format("line %d: %s was not written", i, file))
      else
        local res = json.decode(fh:read("a"))
        fh:close()
        local got
        for _, e in ipairs(res.estimates) do if e.label == label then got = e.value end end
        -- the paragraph after the comment quotes the number
        local para, j = {}, i + 1
        while j <= #lines and lines[j] ~= "" do para[#para + 1] = lines[j]; j = j + 1 end
        local quoted = table.concat(para, " "):find(value:gsub("^%-", "−"), 1, true)
          or table.concat(para, " "):find(value, 1, true)
        if got == nil then bad(string.format("line %d: no estimate %s in %s", i, label, file))
        elseif math.abs(got - want) > t then
          bad(string.format("line %d: %s is %.6g in the run, the tutorial says %s (tolerance %s)", i, label, got, value, tol))
        elseif not quoted then
          bad(string.format("line %d: the paragraph after the check does not quote %s", i, value))
        else
          pass = pass + 1
        end
      end
    end
  end
  i = i + 1
end
os.execute("rm -rf '" .. tmp .. "'")
record(pass, fail)
print(string.format("tutorial: %d passed, %d failed", pass, fail))
return fail == 0 and 0 or 1
