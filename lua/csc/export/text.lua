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

--- Comment lines (each starting with prefix) saying how csceval prepared the
-- frame the script reads (plan.frame, prepared): the Lua `prepare` function's
-- source, the list of steps, or the rates.  `file` is the script's own word
-- for itself ("script", "do-file"); `indent` the prefix of the source lines.
function M.preparation(plan, prefix, file, indent)
  local fr, out = plan.frame, {}
  if fr.prepare then
    out[#out + 1] = prefix .. "The recipe's data preparation is Lua code (design.prepare, " .. plan.recipe
      .. " lines " .. fr.prepare.lines .. "):"
    out[#out + 1] = M.comment(fr.prepare.lua, indent)
    out[#out + 1] = string.format("%scsceval ran it once and wrote its result beside this %s; the %s reads that frame.",
      prefix, file, file)
  elseif fr.steps then
    out[#out + 1] = prefix .. "The recipe's data preparation is a list of steps (design.steps, " .. plan.recipe
      .. "), from input " .. tostring(plan.design.data) .. ":"
    for i, st in ipairs(fr.steps) do out[#out + 1] = string.format("%s  %d. %s", prefix, i, st) end
    out[#out + 1] = string.format("%scsceval ran them once%s and wrote the result beside this %s; the %s reads "
      .. "that frame.", prefix, plan.design.rates and ", added the rates (design.rates)" or "", file, file)
  else
    out[#out + 1] = string.format("%sThe design's rates (design.rates) were added by csceval and written beside "
      .. "this %s.", prefix, file)
  end
  return out
end

--- The notes of every script's header, as comment lines starting with
--- prefix, each block after a bare comment line: the question, the warning
--- on synthetic inputs (its first line names them; o.synthetic: the lines
--- after it, in the language's words) and what differs from csceval's own run
--- (o.differences: the heading of the list of plan.warnings).
function M.notes(plan, prefix, o)
  local out = {}
  local bare = prefix:gsub("%s+$", "")
  if plan.question then out[#out + 1] = bare; out[#out + 1] = M.wrap("Question: " .. plan.question, prefix) end
  if plan.synthetic then
    out[#out + 1] = bare
    out[#out + 1] = prefix .. "SYNTHETIC DATA: the input(s) " .. table.concat(plan.synthetic_inputs, ", ")
      .. " are synthetic records made"
    for _, line in ipairs(o.synthetic) do out[#out + 1] = prefix .. line end
  end
  if #plan.warnings > 0 then
    out[#out + 1] = bare
    out[#out + 1] = prefix .. o.differences
    for _, w in ipairs(plan.warnings) do out[#out + 1] = M.wrap("- " .. w, prefix .. "  ") end
  end
  return out
end

return M
