--- Interrupted time series: single-series segmented regression, comparative
-- ITS as Stata's `itsa`, choosing comparison units as `itsamatch` (plus a
-- distance ranking), difference-in-differences with an event study, and
-- placebo-in-space.  docs/its.md is the reference (every field, every
-- result); docs/methods/its.md gives the formulas, assumptions and pitfalls.
--
-- The numerics run in C: single-series fits through csc.model (host.model:
-- OLS, Prais-Winsten, Poisson GLM and the time-series diagnostics); the
-- panel designs through host.its (design matrix, QR fit, Newey-West within
-- units, counterfactual lines and impacts).  This module checks fields,
-- names the one that is wrong, and shapes results.  It gathers its parts
-- in lua/csc/its/: core (checks, time axis, sample), panel (panels, cits),
-- selection (neighbours, pool, match), placebo, series (segmented) and did
-- (did, event_study).
--
-- Summary of the API (all functions take one table of fields):
--
--   its.axis{values, frequency, format}           a time axis (numbers, ISO dates)
--   its.segmented{data, time, y, interruptions, ...}  single-series ITS
--   its.panel{data, unit, time, value, weight, name}  a unit x period panel
--   panel:cits{treated, comparators, interruptions, ...}   comparative ITS (itsa)
--   panel:match{treated, candidates, before, ...}  comparison selection (itsamatch)
--   panel:placebo{treated, units, ...}              placebo-in-space
--   its.did{panel, treated, start, ...}             2x2 and two-way fixed effects DiD
--   its.event_study{panel, treated, start, leads, lags, ...}
--   its.pool{panel, treated, region, neighbours, ...}  candidate pool
--
-- Errors are raised as strings "its.<function>: <field>: what is wrong";
-- a recipe that calls these directly gets its own line prefixed by the
-- runner, and the designs in csc/designs/ point at the recipe field.
-- @module csc.its
local C = require("csc.its.core")
local P = require("csc.its.panel")
local S = require("csc.its.selection")
local R = require("csc.its.series")
local D = require("csc.its.did")
require("csc.its.placebo")   -- panel:placebo (declares its fields)

---@class csc.its
local M = {}

-- The public functions only; panels carry their methods (cits, match,
-- placebo) with them.
---@type fun(v: integer|number|string): string
M.key = C.key
---@type fun(spec: {frequency?: string, format?: string, first?: number}): table
M.axis = C.axis
---@type fun(spec: {data: csc.Frame, unit: string, time: string, value: string}|table): table
M.panel = P.panel
---@type fun(spec: {data: csc.Frame, code_column: string, unit: string|integer, columns?: string[]}): string[]
M.neighbours = S.neighbours
---@type fun(spec: table): table
M.pool = S.pool
---@type fun(spec: table): table
M.segmented = R.segmented
---@type fun(spec: table): table
M.did = D.did
---@type fun(spec: table): table
M.event_study = D.event_study

return M
