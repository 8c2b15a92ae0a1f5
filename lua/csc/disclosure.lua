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

--- The equations of a grid with optional totals, over the suppressed
-- entries.  grid: {nr, nc, row_total (bool), col_total (bool)}; entries are
-- addressed (i, j) with i = nr + 1 the total row and j = nc + 1 the total
-- column.  Returns eqs and vars (list of {i, j}) for the suppressed set.
local function equations(g, sup)
  local vars, index = {}, {}
  local R = g.nr + (g.col_total and 1 or 0)
  local C = g.nc + (g.row_total and 1 or 0)
  for i = 1, R do for j = 1, C do
    if sup[i][j] then vars[#vars + 1] = { i, j }; index[i * 100000 + j] = #vars end
  end end
  local eqs = {}
  local function line(cells, total)
    local e, any = {}, false
    for _, c in ipairs(cells) do
      local k = index[c[1] * 100000 + c[2]]
      if k then e[k] = 1; any = true end
    end
    local k = index[total[1] * 100000 + total[2]]
    if k then e[k] = -1; any = true end
    if any then eqs[#eqs + 1] = e end
  end
  if g.row_total then
    for i = 1, R do
      local cells = {}
      for j = 1, g.nc do cells[#cells + 1] = { i, j } end
      line(cells, { i, g.nc + 1 })
    end
  end
  if g.col_total then
    for j = 1, C do
      local cells = {}
      for i = 1, g.nr do cells[#cells + 1] = { i, j } end
      line(cells, { g.nr + 1, j })
    end
  end
  return eqs, vars
end

--- Suppressed entries that can be recovered from the totals ({i, j} list).
function M.recoverable(g, sup)
  local eqs, vars = equations(g, sup)
  local out = {}
  for k, v in ipairs(vars) do
    if determined(eqs, #vars, k) then out[#out + 1] = v end
  end
  return out
end

--- Protect a grid of counts.  values[i][j] for i = 1..R, j = 1..C where R,
-- C include the total row / column when present.  opts: threshold (5),
-- row_total, col_total (the last column / row holds totals).
-- Returns sup[i][j] = "primary" | "secondary" | nil.
function M.protect_grid(values, opts)
  local threshold = opts.threshold or M.DEFAULT_THRESHOLD
  local R = #values
  local C = #values[1]
  local g = { nr = R - (opts.col_total and 1 or 0), nc = C - (opts.row_total and 1 or 0),
    row_total = opts.row_total, col_total = opts.col_total }
  local sup = {}
  for i = 1, R do
    sup[i] = {}
    for j = 1, C do
      local v = values[i][j]
      if type(v) == "number" and v > 0 and v < threshold then sup[i][j] = "primary" end
    end
  end
  local function is_total(i, j) return (g.col_total and i == R) or (g.row_total and j == C) end
  for _ = 1, R * C do
    local rec = M.recoverable(g, sup)
    if #rec == 0 then break end
    local function nsup_row(i) local n = 0 for j = 1, C do if sup[i][j] then n = n + 1 end end return n end
    local function nsup_col(j) local n = 0 for i = 1, R do if sup[i][j] then n = n + 1 end end return n end
    -- work first on a recoverable cell alone in its row or column: that
    -- line's equation is what gives it away
    local i0, j0 = rec[1][1], rec[1][2]
    for _, r in ipairs(rec) do
      if (g.row_total and nsup_row(r[1]) == 1) or (g.col_total and nsup_col(r[2]) == 1) then i0, j0 = r[1], r[2]; break end
    end
    -- candidates: shown entries in the cell's row or column.  Preferred, in
    -- order: a cell over a total; a line (row or column) of the cell with
    -- fewer suppressed entries; a candidate whose other line already holds a
    -- suppressed entry (closing a rectangle); then the smallest count.
    local best, bi, bj
    local function consider(i, j, line_n, other_n)
      local v = values[i][j]
      if sup[i][j] or type(v) ~= "number" then return end
      local key = (is_total(i, j) and 1e15 or 0) + line_n * 1e12 + (other_n > 0 and 0 or 1e10) + v
      if not best or key < best then best, bi, bj = key, i, j end
    end
    local rn, cn = nsup_row(i0), nsup_col(j0)
    for j = 1, C do if j ~= j0 then consider(i0, j, rn, nsup_col(j)) end end
    for i = 1, R do if i ~= i0 then consider(i, j0, cn, nsup_row(i)) end end
    if not bi then
      -- nothing in its row or column: suppress any shown entry (never reached for grids of 2 x 2 or more)
      for i = 1, R do for j = 1, C do if not bi then consider(i, j, 0, 0) end end end
    end
    if not bi then break end
    sup[bi][bj] = "secondary"
  end
  if #M.recoverable(g, sup) > 0 then
    -- never expected; if it happens, show nothing rather than something recoverable
    for i = 1, R do for j = 1, C do if type(values[i][j]) == "number" and not sup[i][j] then sup[i][j] = "secondary" end end end
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

--- Round v to the nearest multiple of base (halves away from zero).
function M.round(v, base)
  if type(v) ~= "number" or not base or base <= 1 then return v end
  return math.floor(v / base + 0.5) * base
end

return M
