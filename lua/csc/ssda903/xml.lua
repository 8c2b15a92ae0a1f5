--- Reading the XML form of an SSDA903 return (read_903{xml = PATH}).
-- The file is parsed with libxml2 (host.xml); a file that is not
-- well-formed XML is a data error naming its line and the element
-- libxml2 reports.  The layout is the one DfE's return and the sector's
-- 903 validator use (one CHILD element per child):
--
--   <EXPSSDA903>                       (the root's name is not checked)
--     <CHILD>
--       <HEADER>
--         CHILDID UPN SEX DOB ETHNIC MOTHER MC_DOB       -> header
--         UASC DUC                                      -> uasc (when UASC is 1 or DUC is given)
--         IN_TOUCH ACTIV ACCOM                          -> oc3 (when any is given)
--         DATE_INT DATE_MATCH FOSTER_CARE NB_ADOPTR SEX_ADOPTR LS_ADOPTR -> ad1
--         <AREVIEW> REVIEW REVIEW_CODE </AREVIEW>       -> reviews, one per element
--         <AMISSING> MISSING MIS_START MIS_END          -> missing
--         <OC2> SDQ_SCORE ... </OC2>                    -> oc2
--         <PERMANENCE> PREV_PERM LA_PERM DATE_PERM      -> previous_permanence
--         <AD_PLACED> DATE_PLACED ...                   -> placed_for_adoption
--       </HEADER>
--       <EPISODE> DECOM RNE LS CIN PL PL_POST HOME_POST URN PLACE_PROVIDER DEC REC REASON_PLACE_CHANGE
--     </CHILD>
--
-- CHILDID is the CSV's CHILD and PL its PLACE.  A table row takes the
-- child's header fields it needs (CHILD, SEX, DOB) unless its own element
-- gives them (an empty element is a blank).  A CHILD without HEADER is a
-- child missing from the header table; its other elements may then sit
-- directly under CHILD.  Each row's line is its element's line in the file,
-- so validation failures name the line as they do for CSV files.  An
-- element this layout does not know is a validation failure (SPEC) naming
-- its line and tag; it is never dropped silently.
-- @module csc.ssda903.xml
local hxml = require("host.xml")
local spec_mod = require("csc.ssda903.spec")
local read = require("csc.ssda903.read")

local M = {}

--- Sub-elements that are rows of a table, by tag.
M.row_tags = { AREVIEW = "reviews", AMISSING = "missing", OC2 = "oc2", PERMANENCE = "previous_permanence",
  AD_PLACED = "placed_for_adoption", EPISODE = "episodes" }
--- Header-level fields that make a row of a one-per-child table.
M.header_groups = {
  { table = "uasc", fields = { "DUC" }, flag = "UASC" },
  { table = "oc3", fields = { "IN_TOUCH", "ACTIV", "ACCOM" } },
  { table = "ad1", fields = { "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR" } },
}
--- XML tag -> CSV field name.
M.rename = { CHILDID = "CHILD", PL = "PLACE" }
--- Header fields a table row inherits unless it gives its own.
M.inherited = { "CHILD", "SEX", "DOB" }

local function leaves(el)
  local t, order = {}, {}
  for _, c in ipairs(el) do
    if #c == 0 then
      local name = M.rename[c.tag] or c.tag
      t[name] = c.text
      order[#order + 1] = { name = name, line = c.line, tag = c.tag }
    end
  end
  return t, order
end

--- Read the XML return at `path` into `ret` (a read.new_return).  Returns
-- true, or nil and a message when the file is not well-formed XML.
function M.read_into(ret, path)
  local root, err = hxml.load_file(path)
  if not root then return nil, err end
  local spec = ret.spec
  local rows, lines = {}, {}
  for _, t in ipairs(read.tables) do rows[t], lines[t] = {}, {} end
  local function fields_of(t) return spec.tables[spec_mod.table_names[t]] or {} end
  local used = {}   -- header fields some table takes
  for _, g in ipairs(M.header_groups) do
    for _, f in ipairs(g.fields) do used[f] = true end
    if g.flag then used[g.flag] = true end
  end
  for f in pairs(fields_of("header")) do used[f] = true end
  local function unknown(line, tag, where)
    read.fail(ret, { rule = "SPEC", table = where, file = path, line = line, field = tag,
      message = string.format("<%s> is not an element of the SSDA903 XML layout here; it was not read", tag) })
  end
  -- a row of table t from element leaves `own` over the header's `head`
  local function add(t, line, head, own, own_order)
    local fields = fields_of(t)
    local rec = {}
    for _, f in ipairs(M.inherited) do
      if fields[f] and head[f] ~= nil then rec[f] = head[f] end
    end
    for f, v in pairs(own) do rec[f] = v end
    for _, o in ipairs(own_order or {}) do
      if not fields[o.name] then unknown(o.line, o.tag, t) end
    end
    for f, v in pairs(rec) do if v == "" or not fields[f] then rec[f] = nil end end
    rows[t][#rows[t] + 1] = rec
    lines[t][#lines[t] + 1] = line
  end
  for _, child in ipairs(root) do
    if child.tag ~= "CHILD" then
      unknown(child.line, child.tag, "header")
    else
      local header
      for _, c in ipairs(child) do if c.tag == "HEADER" then header = c end end
      local head, head_order = leaves(header or child)
      if header then
        -- the header row, then the header-level tables
        local own, own_order = {}, {}
        for _, o in ipairs(head_order) do
          if fields_of("header")[o.name] then own[o.name] = head[o.name]; own_order[#own_order + 1] = o
          elseif not used[o.name] then unknown(o.line, o.tag, "header") end
        end
        add("header", header.line, {}, own, own_order)
        for _, g in ipairs(M.header_groups) do
          local any = g.flag and head[g.flag] == "1"
          for _, f in ipairs(g.fields) do if head[f] ~= nil and head[f] ~= "" then any = true end end
          if any then
            local own2 = {}
            for _, f in ipairs(g.fields) do own2[f] = head[f] end
            add(g.table, header.line, head, own2)
          end
        end
      else
        for _, o in ipairs(head_order) do
          if o.name ~= "CHILD" then unknown(o.line, o.tag, "header") end
        end
      end
      local function subrows(parent)
        for _, c in ipairs(parent) do
          if #c > 0 or M.row_tags[c.tag] then
            local t = M.row_tags[c.tag]
            if t then
              local own, own_order = leaves(c)
              for _, sub in ipairs(c) do if #sub > 0 then unknown(sub.line, sub.tag, t) end end
              add(t, c.line, head, own, own_order)
            elseif c.tag ~= "HEADER" then
              unknown(c.line, c.tag, "header")
            end
          end
        end
      end
      if header then subrows(header) end
      subrows(child)
    end
  end
  for _, t in ipairs(read.tables) do
    if #rows[t] > 0 or t == "header" or t == "episodes" then
      local names = {}
      for f in pairs(fields_of(t)) do names[#names + 1] = f end
      table.sort(names)
      read.check_rows(ret, t, path, names, rows[t], lines[t])
    end
  end
  ret.xml = path
  return true
end

-- ===== Writing: the generator of XML returns from CSV extracts =====

local function esc(v)
  return (tostring(v):gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

local function csv_rows(path)
  local hframe = require("host.frame")
  local fh = io.open(path, "rb")
  if not fh then return nil end
  local first = (fh:read("l") or ""):gsub("^\239\187\191", ""):gsub("\r$", "")
  fh:close()
  local types = {}
  for name in (first .. ","):gmatch("([^,]*),") do
    name = name:gsub('^"(.*)"$', "%1")
    if name ~= "" then types[name] = "text" end
  end
  local f = assert(hframe.read_csv(path, { types = types }))
  local names, out = f:names(), {}
  local cols = {}
  for _, n in ipairs(names) do cols[n] = f:column(n) end
  for i = 1, f:nrow() do
    local r = {}
    for _, n in ipairs(names) do
      local v = cols[n][i]
      r[n] = v == hframe.NA and "" or tostring(v)
    end
    out[i] = r
  end
  return out, names
end

--- Write the XML form of a return from its CSV extracts: the tables of
-- M.row_tags and M.header_groups plus header, read from
-- DIR/<prefix><table>.csv.  Fields are written in the CSV's column order,
-- blanks as empty elements; a row's CHILD, SEX or DOB is written in its own
-- element only where it differs from the child's header, so that reading
-- the XML gives back the CSV's tables.  Children are in the order they
-- first appear (header first).  Returns the number of children and the
-- list of tables present but not in the layout (sw_episodes), or raises
-- when a one-per-child table (uasc, oc3, ad1) has two rows for a child,
-- which this layout cannot hold.
function M.write_from_csv(dir, prefix, out)
  local tabs, order = {}, {}
  for _, t in ipairs(read.tables) do
    local r, names = csv_rows(dir .. "/" .. prefix .. t .. ".csv")
    if r then tabs[t] = { rows = r, names = names } end
  end
  if not tabs.header then error("write_from_csv: " .. dir .. "/" .. prefix .. "header.csv is needed", 0) end
  local kids = {}
  local function kid(c)
    if not kids[c] then kids[c] = { rows = {}, one = {} }; order[#order + 1] = c end
    return kids[c]
  end
  local extra_heads = {}
  for _, r in ipairs(tabs.header.rows) do
    local k = kid(r.CHILD)
    if k.head then extra_heads[#extra_heads + 1] = r else k.head = r end
  end
  local tag_of, grouped, skipped = {}, {}, {}
  for tag, t in pairs(M.row_tags) do tag_of[t] = tag end
  for _, g in ipairs(M.header_groups) do grouped[g.table] = true end
  for _, t in ipairs(read.tables) do
    local tab = tabs[t]
    if tab and t ~= "header" and not tag_of[t] and not grouped[t] then skipped[#skipped + 1] = t end
    if tab and t ~= "header" and (tag_of[t] or grouped[t]) then
      for _, r in ipairs(tab.rows) do
        local k = kid(r.CHILD)
        if tag_of[t] then
          k.rows[#k.rows + 1] = { t = t, r = r, names = tab.names }
        else
          for _, g in ipairs(M.header_groups) do
            if g.table == t then
              if k.one[t] then
                error(string.format("write_from_csv: child %s has two rows in %s%s.csv; the XML layout holds one", r.CHILD, prefix, t), 0)
              end
              k.one[t] = { r = r, names = tab.names, g = g }
            end
          end
        end
      end
    end
  end
  local o = { '<?xml version="1.0" encoding="UTF-8"?>', "<EXPSSDA903>" }
  local function leaf(ind, name, v)
    local tag = name == "CHILD" and "CHILDID" or name == "PLACE" and "PL" or name
    if v == "" then o[#o + 1] = ind .. "<" .. tag .. "/>" else o[#o + 1] = ind .. "<" .. tag .. ">" .. esc(v) .. "</" .. tag .. ">" end
  end
  local function body(ind, row, names, head)
    for _, n in ipairs(names) do
      local inherited = n == "CHILD" or n == "SEX" or n == "DOB"
      if not (inherited and head and (head[n] or "") == row[n]) then
        if not (inherited and not head and n ~= "CHILD" and row[n] == "") then leaf(ind, n, row[n]) end
      end
    end
  end
  local function write_child(c, k, head)
    o[#o + 1] = "  <CHILD>"
    local ind = "      "
    if head then
      o[#o + 1] = "    <HEADER>"
      body(ind, head, tabs.header.names, nil)
      for _, g in ipairs(M.header_groups) do
        local one = k.one[g.table]
        if one then
          if g.flag then leaf(ind, g.flag, "1") end
          -- the group's own fields, then any inherited field that differs:
          -- those cannot sit in the header, so the layout cannot hold them
          for _, n in ipairs(one.names) do
            if n == "CHILD" or n == "SEX" or n == "DOB" then
              if (head[n] or "") ~= one.r[n] then
                error(string.format("write_from_csv: child %s's %s in %s%s.csv (%s) differs from the header's (%s); "
                  .. "the XML layout holds one", c, n, prefix, g.table, one.r[n], head[n] or ""), 0)
              end
            else leaf(ind, n, one.r[n]) end
          end
        end
      end
    else
      o[#o + 1] = "    <CHILDID>" .. esc(c) .. "</CHILDID>"
      for _, g in ipairs(M.header_groups) do
        if k.one[g.table] then
          error(string.format("write_from_csv: child %s is in %s%s.csv but not in the header; the XML layout cannot hold it",
            c, prefix, g.table), 0)
        end
      end
    end
    for _, x in ipairs(k.rows) do
      if x.t ~= "episodes" then
        local tag = tag_of[x.t]
        local i2 = head and "      " or "    "
        o[#o + 1] = i2 .. "<" .. tag .. ">"
        body(i2 .. "  ", x.r, x.names, head or { CHILD = c })
        o[#o + 1] = i2 .. "</" .. tag .. ">"
      end
    end
    if head then o[#o + 1] = "    </HEADER>" end
    for _, x in ipairs(k.rows) do
      if x.t == "episodes" then
        o[#o + 1] = "    <EPISODE>"
        body("      ", x.r, x.names, head or { CHILD = c })
        o[#o + 1] = "    </EPISODE>"
      end
    end
    o[#o + 1] = "  </CHILD>"
  end
  for _, c in ipairs(order) do write_child(c, kids[c], kids[c].head) end
  -- a second header row for the same child: another CHILD with only a header
  for _, r in ipairs(extra_heads) do write_child(r.CHILD, { rows = {}, one = {} }, r) end
  o[#o + 1] = "</EXPSSDA903>"
  local fh = assert(io.open(out, "wb"))
  fh:write(table.concat(o, "\n"), "\n")
  fh:close()
  return #order, skipped
end

return M
