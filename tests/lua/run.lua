-- Runs every tests/lua/test_*.lua with the shared harness and prints
-- "lua: N passed, N failed".  Exit code 1 when anything failed.
local H = dofile("tests/lua/harness.lua")
package.loaded["harness"] = H
local sys = require("host.sys")
local files = {}
for _, f in ipairs(sys.listdir("tests/lua")) do
  if f:match("^test_.*%.lua$") then files[#files + 1] = f end
end
table.sort(files)
for _, f in ipairs(files) do
  local chunk, err = loadfile("tests/lua/" .. f, "t")
  if not chunk then
    H.failed = H.failed + 1
    io.stderr:write("FAIL ", f, ": ", err, "\n")
  else
    chunk(H)
  end
end
os.execute("mkdir -p tests/out")
local fh = io.open("tests/out/summary.txt", "a")
if fh then fh:write(string.format("lua %d %d\n", H.passed, H.failed)); fh:close() end
print(string.format("lua: %d passed, %d failed%s", H.passed, H.failed,
  H.skipped and string.format(", %d skipped", H.skipped) or ""))
return H.failed == 0 and 0 or 1
