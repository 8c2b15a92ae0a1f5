--- csc.export.text: comment lines for the exported scripts, the same for
--- every language (csc.export.r with "# ", csc.export.stata with "* ").
local M = {}

--- text as comment lines, line by line, each starting with prefix
--- (trailing blanks dropped).
function M.comment(text, prefix)
  local out = {}
  for line in (tostring(text) .. "\n"):gmatch("([^\n]*)\n") do
    out[#out + 1] = (prefix .. line):gsub("%s+$", "")
  end
  return table.concat(out, "\n")
end

--- text word-wrapped into comment lines of about 90 columns, each starting
--- with prefix.
function M.wrap(text, prefix)
  local out, line = {}, prefix
  for word in tostring(text):gmatch("%S+") do
    if #line + #word + 1 > 92 and line ~= prefix then out[#out + 1] = line:gsub("%s+$", ""); line = prefix end
    line = line .. word .. " "
  end
  if line ~= prefix then out[#out + 1] = line:gsub("%s+$", "") end
  return table.concat(out, "\n")
end

return M
