-- Runs the documentation as a test (make test-docs, part of make check).
-- The same rule for every page (README.md and docs/**/*.md):
--   ```lua file=my/NAME.lua     the block is written to that file
--   ```sh run                    each line is a command, run from the project
--                                root; it must exit 0 (```sh run exit=2: that
--                                code).  ```sh blocks without `run` are shown,
--                                not run (make, real data, installation).
--   <!-- prints TEXT -->         after a run block: TEXT is in what its
--                                commands printed (stdout and stderr), and the
--                                paragraph that follows the comment quotes it
--                                (several comments may stand above one paragraph).
--   <!-- mistake FILE: FROM => TO | exit N | TEXT -->   FILE (written by a
--                                lua file= block) with its first FROM replaced
--                                by TO (\n a new line), given to csceval
--                                check, must exit N
--                                and print TEXT, which the paragraph or table
--                                that follows the comment quotes.
--   <!-- check FILE LABEL VALUE TOL -->   the estimate LABEL in FILE
--                                (a results.json) must be VALUE within TOL,
--                                and VALUE must be written in the paragraph
--                                that follows the comment.
-- "my/" in paths and commands is a scratch folder of the page's own, and a
-- command's `--out out` (or a path out/...) writes there too, so a page
-- never writes into the checkout.  Every relative link of every page must
-- name a file that exists, and a #fragment one of its headings.
-- A page with runnable blocks is skipped, with a message, when ../shared/data
-- is absent (the pages run on the shared public statistics); its links are
-- still checked.  Arguments: pages to run (default every page).
local sys = require("host.sys")
local json = require("csc.json")

local args = { ... }
local pass, fail = 0, 0
local function bad(page, line, msg)
  fail = fail + 1
  io.stderr:write(string.format("FAIL docs: %s:%d: %s\n", page, line, msg))
end

local function slurp(p)
  local fh = io.open(p)
  if not fh then return nil end
  local s = fh:read("a")
  fh:close()
  return s
end

local function lines_of(text)
  local t = {}
  for l in (text .. "\n"):gmatch("([^\n]*)\n") do t[#t + 1] = l end
  return t
end

-- ===== Pages =====

local function pages()
  if #args > 0 then return args end
  local list = { "README.md" }
  local function walk(dir)
    local names = sys.listdir(dir)
    table.sort(names)
    for _, n in ipairs(names) do
      local p = dir .. "/" .. n
      if n:match("%.md$") and sys.kind(p) == "file" then list[#list + 1] = p
      elseif sys.kind(p) == "dir" and n ~= "." and n ~= ".." then walk(p) end
    end
  end
  walk("docs")
  return list
end

local function dirname(p) return p:match("^(.*)/[^/]*$") or "." end

local function normpath(p)
  local out = {}
  for part in p:gmatch("[^/]+") do
    if part == ".." and #out > 0 and out[#out] ~= ".." then out[#out] = nil
    elseif part ~= "." then out[#out + 1] = part end
  end
  return table.concat(out, "/")
end

-- ===== Links =====

-- GitHub's heading anchor: lower case, punctuation other than - and _
-- dropped (ASCII, and the dashes and quotes of Unicode's general
-- punctuation), spaces as hyphens.
local function slug(h)
  h = h:gsub("^%s+", ""):gsub("%s+$", ""):lower()
  h = h:gsub("\226[\128\129][\128-\191]", "")   -- general punctuation (U+2000-U+207F: dashes, quotes)
  h = h:gsub("[^%w%-_ \128-\255]", "")
  return (h:gsub(" ", "-"))
end

local anchor_cache = {}
local function anchors(p)
  if anchor_cache[p] then return anchor_cache[p] end
  local set, code = {}, false
  for _, l in ipairs(lines_of(slurp(p) or "")) do
    if l:match("^```") then code = not code
    elseif not code and l:match("^#+%s") then set[slug(l:gsub("^#+", ""))] = true end
  end
  anchor_cache[p] = set
  return set
end

local function check_links(page, lines)
  local code = false
  for i, l in ipairs(lines) do
    if l:match("^```") then code = not code
    elseif not code then
      local prose = l:gsub("`[^`]*`", "")   -- code spans are examples, not links
      for target in prose:gmatch("%]%(([^)%s]+)%)") do
        if not target:match("^%a[%w+.-]*:") then
          local file, frag = target:match("^([^#]*)#?(.*)$")
          local path = file == "" and page or normpath(dirname(page) .. "/" .. file)
          local kind = sys.kind(path)
          if kind ~= "file" and kind ~= "dir" then
            bad(page, i, string.format("the link %s names %s, which does not exist", target, path))
          elseif frag ~= "" and path:match("%.md$") and not anchors(path)[frag] then
            bad(page, i, string.format("the link %s: %s has no heading #%s", target, path, frag))
          else
            pass = pass + 1
          end
        end
      end
    end
  end
end

-- ===== Runnable blocks =====

local function shq(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function paragraph_after(lines, i)
  local para, j = {}, i + 1
  while j <= #lines and lines[j]:match("^<!%-%-.*%-%->%s*$") do j = j + 1 end   -- comments stacked above it
  while j <= #lines and lines[j] ~= "" and not lines[j]:match("^<!%-%-") do para[#para + 1] = lines[j]; j = j + 1 end
  return table.concat(para, " ")
end

local function run_page(page, lines, shared)
  local runnable = false
  for _, l in ipairs(lines) do
    if l:match("^```sh%s+run") or l:match("^```lua%s.*file=") or l:match("^<!%-%- check ")
      or l:match("^<!%-%- prints ") or l:match("^<!%-%- mistake ") then runnable = true end
  end
  if not runnable then return end
  if not shared then
    print(string.format("docs: %s: skipped: ../shared/data is absent (the page runs on the shared public statistics)", page))
    return
  end
  local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-docs-" .. tostring(sys.pid()) .. "-"
    .. page:gsub("[^%w]", "_")
  os.execute("rm -rf " .. shq(tmp) .. " && mkdir -p " .. shq(tmp .. "/my"))
  local function fix(s)
    s = s:gsub("%f[%w_/.]my/", tmp .. "/my/")
    s = s:gsub("(%-%-out%s+)out%f[^%w_.]", "%1" .. tmp .. "/out")
    s = s:gsub("(%s)out/", "%1" .. tmp .. "/out/")
    return s
  end
  local printed = ""   -- what the last run block printed
  local i = 1
  while i <= #lines do
    local l = lines[i]
    local lang, attrs = l:match("^```(%w+)%s*(.*)$")
    if lang then
      local start = i
      local body = {}
      i = i + 1
      while i <= #lines and not lines[i]:match("^```%s*$") do body[#body + 1] = lines[i]; i = i + 1 end
      local file = attrs:match("file=(%S+)")
      if lang == "lua" and file then
        local fh = assert(io.open(fix(file), "w"))
        fh:write(table.concat(body, "\n"), "\n")
        fh:close()
      elseif lang == "sh" and attrs:match("^run") then
        local want = tonumber(attrs:match("exit=(%d+)") or "0")
        printed = ""
        for k, cmd in ipairs(body) do
          if cmd:match("%S") and not cmd:match("^%s*#") then
            local ok, _, code = os.execute("{ " .. fix(cmd) .. "\n} >" .. tmp .. "/out.txt 2>" .. tmp .. "/err.txt")
            code = ok and 0 or code
            local out, err = slurp(tmp .. "/out.txt") or "", slurp(tmp .. "/err.txt") or ""
            printed = printed .. out .. err
            if code ~= want then
              bad(page, start + k, string.format("`%s` exited %s, the page expects %d: %s", cmd, tostring(code), want,
                err:sub(1, 2000)))
            else
              pass = pass + 1
            end
          end
        end
      end
    else
      local text = l:match("^<!%-%- prints (.-) %-%->")
      if text then
        local plain = printed:gsub((tmp .. "/"):gsub("%p", "%%%0"), "")
        if not plain:find(text, 1, true) then
          bad(page, i, string.format("the commands above did not print %q; they printed:\n%s", text, plain:sub(1, 2000)))
        elseif not paragraph_after(lines, i):find(text, 1, true) then
          bad(page, i, string.format("the paragraph after the comment does not quote %q", text))
        else
          pass = pass + 1
        end
      end
      local mfile, from, to, mexit, mtext = l:match("^<!%-%- mistake (%S+): (.-) => (.-) | exit (%d+) | (.-) %-%->%s*$")
      if mfile then
        local src = slurp(fix(mfile))
        local at = src and src:find(from, 1, true)
        if not src then bad(page, i, mfile .. " was not written")
        elseif not at then bad(page, i, string.format("%s has no %q to change", mfile, from))
        else
          local mpath = tmp .. "/mistake.lua"
          local fh = assert(io.open(mpath, "w"))
          fh:write(src:sub(1, at - 1), (to:gsub("\\n", "\n")), src:sub(at + #from))
          fh:close()
          local ok, _, code = os.execute("./csceval check " .. shq(mpath) .. " >" .. tmp .. "/out.txt 2>" .. tmp .. "/err.txt")
          code = ok and 0 or code
          local said = (slurp(tmp .. "/out.txt") or "") .. (slurp(tmp .. "/err.txt") or "")
          if code ~= tonumber(mexit) then
            bad(page, i, string.format("%s => %s: check exited %s, the page expects %s: %s", from, to, tostring(code), mexit, said))
          elseif not said:find(mtext, 1, true) then
            bad(page, i, string.format("%s => %s: check did not print %q; it printed: %s", from, to, mtext, said))
          elseif not paragraph_after(lines, i):find(mtext, 1, true) then
            bad(page, i, string.format("the paragraph or table after the comment does not quote %q", mtext))
          else
            pass = pass + 1
          end
        end
      end
      local rfile, label, value, tol = l:match("^<!%-%- check (%S+) (%S+) (%S+) (%S+) %-%->")
      if rfile then
        local src = slurp(fix(rfile))
        local want, t = tonumber(value), tonumber(tol)
        if not src then bad(page, i, rfile .. " was not written")
        else
          local got
          for _, e in ipairs(json.decode(src).estimates) do if e.label == label then got = e.value end end
          local para = paragraph_after(lines, i)
          local quoted = para:find((value:gsub("^%-", "−")), 1, true) or para:find(value, 1, true)
          if got == nil then bad(page, i, string.format("no estimate %s in %s", label, rfile))
          elseif math.abs(got - want) > t then
            bad(page, i, string.format("%s is %.6g in the run, the page says %s (tolerance %s)", label, got, value, tol))
          elseif not quoted then
            bad(page, i, string.format("the paragraph after the check does not quote %s", value))
          else
            pass = pass + 1
          end
        end
      end
    end
    i = i + 1
  end
  os.execute("rm -rf " .. shq(tmp))
end

local shared = sys.kind("../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv") == "file"
for _, page in ipairs(pages()) do
  local text = slurp(page)
  if not text then bad(page, 0, "no such page")
  else
    local lines = lines_of(text)
    check_links(page, lines)
    run_page(page, lines, shared)
  end
end

os.execute("mkdir -p tests/out")
local fh = io.open("tests/out/summary.txt", "a")
if fh then fh:write(string.format("docs %d %d\n", pass, fail)); fh:close() end
print(string.format("docs: %d passed, %d failed", pass, fail))
return fail == 0 and 0 or 1
