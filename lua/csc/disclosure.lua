--- Statistical disclosure control for tables of counts about children.
-- Primary suppression: a count above 0 and below the threshold (default 5)
-- is not shown.  Secondary suppression: a table with row totals, column
-- totals or a grand total is a set of linear equations (each row of cells
-- sums to its total, each column likewise); a suppressed cell must not be
-- recoverable from them.  After primary suppression, each suppressed cell is
-- tested with Gaussian elimination on those equations (it is recoverable
-- when its unit vector lies in the row space of the equations restricted to
-- the suppressed cells); while one is, the smallest shown count in its row or
-- column (a total only when nothing else is left) is suppressed as well.
-- Zeros are shown: a zero cell reveals no individual.  Optional rounding
-- to a base (e.g. 5) applies to every shown count afterwards.
-- @module csc.disclosure
---@class csc.disclosure
local M = {}

M.DEFAULT_THRESHOLD = 5

--- Is cell k (index into vars) determined by the equations?  eqs: list of
-- {coefficient by var index}; only suppressed vars are unknowns (the rest
-- are known numbers moved to the right-hand side, so they drop out).
local function determined(eqs, nvars, k)
  -- row-reduce the equations; then e_k is in the row space iff reducing e_k
  -- against the echelon rows leaves zero
  local rows = {}
  for _, e in ipairs(eqs) do
    local r = {}
    for j = 1, nvars do r[j] = e[j] or 0 end
    rows[#rows + 1] = r
  end
  local piv = {}
  local rank = 0
  for col = 1, nvars do
    local best, bi = 1e-9, nil
    for i = rank + 1, #rows do
      if math.abs(rows[i][col]) > best then best, bi = math.abs(rows[i][col]), i end
    end
    if bi then
      rank = rank + 1
      rows[rank], rows[bi] = rows[bi], rows[rank]
      local p = rows[rank][col]
      for j = 1, nvars do rows[rank][j] = rows[rank][j] / p end
      for i = 1, #rows do
        if i ~= rank and math.abs(rows[i][col]) > 1e-12 then
          local f = rows[i][col]
          for j = 1, nvars do rows[i][j] = rows[i][j] - f * rows[rank][j] end
        end
      end
      piv[#piv + 1] = { col = col, row = rank }
    end
  end
  local v = {}
  for j = 1, nvars do v[j] = (j == k) and 1 or 0 end
  for _, p in ipairs(piv) do
    local f = v[p.col]
    if math.abs(f) > 1e-12 then
      for j = 1, nvars do v[j] = v[j] - f * rows[p.row][j] end
    end
  end
  for j = 1, nvars do if math.abs(v[j]) > 1e-9 then return false end end
  return true
end

--- Cells of the equation system that are determined by the equations.
-- values: array of counts (nil = not a count); eqs: list of {parts = {i,...},
-- total = i} (the parts sum to the total); sup[i] truthy when cell i is
-- suppressed.  Returns the list of suppressed cells that can be recovered.
---@param n integer
---@param eqs {parts: integer[], total: integer}[]
---@param sup table<integer, any>
---@return integer[]
function M.recoverable_cells(n, eqs, sup)
  local vars, index = {}, {}
  for i = 1, n do if sup[i] then vars[#vars + 1] = i; index[i] = #vars end end
  local rows = {}
  for _, e in ipairs(eqs) do
    local r, any = {}, false
    for _, c in ipairs(e.parts) do if index[c] then r[index[c]] = (r[index[c]] or 0) + 1; any = true end end
    if index[e.total] then r[index[e.total]] = (r[index[e.total]] or 0) - 1; any = true end
    if any then rows[#rows + 1] = r end
  end
  local out = {}
  for k, cell in ipairs(vars) do
    if determined(rows, #vars, k) then out[#out + 1] = cell end
  end
  return out
end

--- Protect cells tied by equations.  values[i] a count or nil; eqs as in
-- recoverable_cells; opts.threshold (5); opts.suppressed: cells already
-- suppressed.  Returns sup[i] = "primary" | "secondary" | nil.
---@param values (number?)[]
---@param eqs {parts: integer[], total: integer}[]
---@param opts? {threshold?: number, suppressed?: table<integer, any>}
---@return table<integer, 'primary'|'secondary'>
function M.protect(values, eqs, opts)
  local threshold = opts and opts.threshold or M.DEFAULT_THRESHOLD
  local n = #values
  for _, e in ipairs(eqs) do
    for _, c in ipairs(e.parts) do if c > n then n = c end end
    if e.total > n then n = e.total end
  end
  local sup = {}
  for i, why in pairs(opts and opts.suppressed or {}) do sup[i] = why end
  local is_total = {}
  for _, e in ipairs(eqs) do is_total[e.total] = true end
  for i = 1, n do
    local v = values[i]
    if type(v) == "number" and v > 0 and v < threshold then sup[i] = "primary" end
  end
  local function nsup(e)
    local k = sup[e.total] and 1 or 0
    for _, c in ipairs(e.parts) do if sup[c] then k = k + 1 end end
    return k
  end
  for _ = 1, n do
    local rec = M.recoverable_cells(n, eqs, sup)
    if #rec == 0 then break end
    -- the equations through a recoverable cell; work first on one that
    -- holds a single suppressed entry (that equation gives the cell away)
    local target, teqs
    for _, cell in ipairs(rec) do
      local through = {}
      for _, e in ipairs(eqs) do
        local inside = e.total == cell
        for _, c in ipairs(e.parts) do if c == cell then inside = true end end
        if inside then through[#through + 1] = e end
      end
      local single = false
      for _, e in ipairs(through) do if nsup(e) == 1 then single = true end end
      if single or not target then target, teqs = cell, through end
      if single then break end
    end
    -- candidates: shown counts in those equations.  Preferred, in order: a
    -- cell over a total; an equation with fewer suppressed entries; a
    -- candidate that sits in another equation already holding a suppressed
    -- entry (closing a rectangle); then the smallest count.
    local best, bi
    for _, e in ipairs(teqs) do
      local en = nsup(e)
      local members = { e.total }
      for _, c in ipairs(e.parts) do members[#members + 1] = c end
      for _, c in ipairs(members) do
        local v = values[c]
        if c ~= target and not sup[c] and type(v) == "number" then
          local other = 0
          for _, f in ipairs(eqs) do
            if f ~= e then
              local inside = f.total == c
              for _, x in ipairs(f.parts) do if x == c then inside = true end end
              if inside and nsup(f) > 0 then other = 1 end
            end
          end
          local key = (is_total[c] and 1e15 or 0) + en * 1e12 + (other > 0 and 0 or 1e10) + v
          if not best or key < best then best, bi = key, c end
        end
      end
    end
    if not bi then
      for i = 1, n do
        if not sup[i] and type(values[i]) == "number" and (not best or values[i] < best) then best, bi = values[i], i end
      end
    end
    if not bi then break end
    sup[bi] = "secondary"
  end
  if #M.recoverable_cells(n, eqs, sup) > 0 then
    -- never expected; if it happens, show nothing rather than something recoverable
    for i = 1, n do if type(values[i]) == "number" and not sup[i] then sup[i] = "secondary" end end
  end
  return sup
end

--- The equations of an R x C grid whose last column (row_total) and/or last
-- row (col_total) hold totals; cell (i, j) is number (i - 1) * C + j.
local function grid_equations(R, C, row_total, col_total)
  local eqs = {}
  local function id(i, j) return (i - 1) * C + j end
  -- line k of n lines of m cells: cells 1..m-1 add up to cell m; at(k, t)
  -- is the cell number of the t-th cell of line k
  local function lines(n, m, at)
    for k = 1, n do
      local parts = {}
      for t = 1, m - 1 do parts[#parts + 1] = at(k, t) end
      eqs[#eqs + 1] = { parts = parts, total = at(k, m) }
    end
  end
  if row_total then lines(R, C, id) end
  if col_total then lines(C, R, function(j, i) return id(i, j) end) end
  return eqs, id
end

--- Suppressed entries of a grid that can be recovered from its totals.
-- g = {nr, nc, row_total, col_total} (nr, nc without the totals); sup[i][j].
---@param g {nr: integer, nc: integer, row_total?: boolean, col_total?: boolean}
---@param sup table[]
---@return table[]
function M.recoverable(g, sup)
  local R = g.nr + (g.col_total and 1 or 0)
  local C = g.nc + (g.row_total and 1 or 0)
  local eqs, id = grid_equations(R, C, g.row_total, g.col_total)
  local flat = {}
  for i = 1, R do for j = 1, C do if sup[i] and sup[i][j] then flat[id(i, j)] = true end end end
  local out = {}
  for _, cell in ipairs(M.recoverable_cells(R * C, eqs, flat)) do
    out[#out + 1] = { (cell - 1) // C + 1, (cell - 1) % C + 1 }
  end
  return out
end

--- Protect a grid of counts.  values[i][j] for i = 1..R, j = 1..C where R,
-- C include the total row / column when present.  opts: threshold (5),
-- row_total, col_total (the last column / row holds totals).
-- Returns sup[i][j] = "primary" | "secondary" | nil.
---@param values (number?)[][]
---@param opts? {threshold?: number, row_total?: boolean, col_total?: boolean}
---@return table[]
function M.protect_grid(values, opts)
  local R, C = #values, #values[1]
  local eqs, id = grid_equations(R, C, opts.row_total, opts.col_total)
  local flat = {}
  for i = 1, R do for j = 1, C do flat[id(i, j)] = values[i][j] end end
  local fs = M.protect(flat, eqs, { threshold = opts.threshold })
  local sup = {}
  for i = 1, R do
    sup[i] = {}
    for j = 1, C do sup[i][j] = fs[id(i, j)] end
  end
  return sup
end

--- The EES symbol a suppressed cell shows.
M.SYMBOL = "c"

--- Protect a result table {columns = {...}, rows = {{...}}}.  spec:
--   counts     names of the columns holding counts (the protected grid)
--   row_total  name of the column that totals the other count columns
--   total_row  true when the last row totals the rows above
--   threshold  (5), round (nil or a base such as 5)
-- Returns the new rows (suppressed cells hold "c") and a list of
-- {row =, column =, rule = "primary" | "secondary", why = text}.
---@param columns string[]
---@param rows table[]
---@param spec table
---@return table[] rows
---@return {row: integer, column: string, rule: string, why: string}[] suppressed
function M.protect_table(columns, rows, spec)
  local threshold = spec.threshold or M.DEFAULT_THRESHOLD
  local colidx = {}
  for j, c in ipairs(columns) do colidx[c] = j end
  local grid_cols = {}
  for _, c in ipairs(spec.counts) do
    if c ~= spec.row_total then
      assert(colidx[c], "disclosure: no column " .. tostring(c))
      grid_cols[#grid_cols + 1] = colidx[c]
    end
  end
  if spec.row_total then
    assert(colidx[spec.row_total], "disclosure: no column " .. tostring(spec.row_total))
    grid_cols[#grid_cols + 1] = colidx[spec.row_total]
  end
  local values = {}
  for i, row in ipairs(rows) do
    values[i] = {}
    for k, j in ipairs(grid_cols) do values[i][k] = row[j] end
  end
  local out, log = {}, {}
  if #values == 0 then return out, log end
  local sup = M.protect_grid(values, { threshold = threshold, row_total = spec.row_total ~= nil,
    col_total = spec.total_row and true or false })
  for i, row in ipairs(rows) do
    local r = {}
    for j = 1, #columns do r[j] = row[j] end
    for k, j in ipairs(grid_cols) do
      local why = sup[i][k]
      if why then
        r[j] = M.SYMBOL
        log[#log + 1] = { row = i, column = columns[j], rule = why,
          why = why == "primary" and string.format("a count from 1 to %d", threshold - 1)
            or "would be recoverable from the row or column totals" }
      elseif spec.round then
        r[j] = M.round(r[j], spec.round)
      end
    end
    out[i] = r
  end
  return out, log
end

--- Is n a count that disclosure control dc (a run context's `disclosure`:
-- on, threshold, allow_small) keeps out of the outputs?  A count from 1 to
-- threshold - 1 on record-level input, unless the recipe says why it may be
-- shown (allow_small).  Zero reveals no one and is shown.
---@param dc table?
---@param n any
---@return boolean
function M.hides(dc, n)
  return dc ~= nil and dc.on == true and not dc.allow_small and type(n) == "number" and n > 0
    and n < (dc.threshold or M.DEFAULT_THRESHOLD)
end

--- A count of people or records for running text under disclosure control
-- dc: "fewer than T" when hidden (M.hides), else the number (rounded to the
-- recipe's base when it asks for rounding).
---@param dc table?
---@param n number
---@return string
function M.count_text(dc, n)
  if M.hides(dc, n) then return "fewer than " .. (dc.threshold or M.DEFAULT_THRESHOLD) end
  if dc and dc.on and not dc.allow_small and dc.round then n = M.round(n, dc.round) end
  return tostring(math.tointeger(n) or n)
end

--- Round v to the nearest multiple of base (halves away from zero).
---@param v number
---@param base number
---@return number
function M.round(v, base)
  if type(v) ~= "number" or not base or base <= 1 then return v end
  return math.floor(v / base + 0.5) * base
end

return M
