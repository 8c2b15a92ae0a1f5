---@meta
-- LuaLS annotations for the frame methods bound in C (host/bind/lframe*.c) and for
-- the csc.frame module; read by editors only, never loaded at run time.
-- Reference: docs/frames.md.  tests/lua/test_annotations.lua checks that every
-- method in the C method tables is listed here.

---@alias csc.ColumnType "float64"|"int64"|"bool"|"date"|"text"

---A column-oriented data frame (host/data/frame.c).  Frames are immutable:
---each method returns a new frame.
---@class csc.Frame
local Frame = {}

---@return integer rows
function Frame:nrow() end

---@return integer columns
function Frame:ncol() end

---@return string[] names column names in order
function Frame:names() end

---@param col string
---@return boolean
function Frame:has(col) end

---@param col string
---@return csc.ColumnType
function Frame:type(col) end

---@param col string
---@return any[] values missing values are NA
function Frame:column(col) end

---@param row integer 1-based
---@param col string
---@return any
function Frame:value(row, col) end

---@param row integer 1-based
---@param col string
---@return string? reason nil when present, else the reason's symbol ("", "NA", "c", "x", ...)
function Frame:na_reason(row, col) end

---@param col string
---@return table<string, integer> counts {present = n, c = n, blank = n, ...}
function Frame:na_counts(col) end

---@param col string
---@return {label: string?, format: string?, value_labels: {value: number?, tag: string?, code: string?, label: string}[]}? meta what a Stata, SPSS or SAS file or a survey export says about the column; nil when nothing
function Frame:meta(col) end

---@return table<string, string> labels column -> variable label, for the columns that have one
function Frame:labels() end

---@param row integer 1-based
---@param col string
---@return (number|string)? code the SPSS user-missing code (or its label in a text column) when the value is user-missing
function Frame:user_code(row, col) end

---@param rows integer[] 1-based rows, in the order wanted (repeats allowed)
---@return csc.Frame
function Frame:take(rows) end

---@param n? integer default 6
---@return csc.Frame
function Frame:head(n) end

---@param col string whole-number count column (dropped from the result)
---@return csc.Frame
function Frame:uncount(col) end

---@param expr string a boolean expression (docs/expressions.md)
---@return csc.Frame
function Frame:filter(expr) end

---@param name string the column to set
---@param expr string an expression (docs/expressions.md)
---@return csc.Frame
function Frame:mutate(name, expr) end

---@param expr string an expression (docs/expressions.md)
---@return any[] values one per row
function Frame:eval(expr) end

---@param ... string|string[] column names
---@return csc.Frame
function Frame:select(...) end

---@param map table<string, string> {old = "new", ...}
---@return csc.Frame
function Frame:rename(map) end

---@param keys string|(string|{[1]: string, desc?: boolean})[] sort keys
---@return csc.Frame
function Frame:sort(keys) end

---@param keys string|string[]|nil group columns (nil or {} for one group)
---@param aggregates table map {out = {"fn", col, ...}} or list {{out, "fn", col, ...}}
---@return csc.Frame
function Frame:aggregate(keys, aggregates) end

---@param other csc.Frame
---@param keys string|string[]|table<string, string> join keys
---@param how? "left"|"inner" default "left"
---@param opts? table
---@return csc.Frame
function Frame:join(other, keys, how, opts) end

---@param spec {id?: string[], cols: string|string[], names_to?: string, values_to?: string}
---@return csc.Frame
function Frame:pivot_longer(spec) end

---@param spec {id?: string[], names_from: string, values_from: string}
---@return csc.Frame
function Frame:pivot_wider(spec) end
