-- No Wrong Door (North Yorkshire Partners in Practice): the costs of Back on
-- Track and Leaving Care (Tables 4 and 6) and the Leaving Care break-even
-- on NEET prevention, rerun from the report's own figures.  The report's
-- text uses a Leaving Care total of £1,592,102, £4,000 below Table 6's
-- £1,596,102; the break-even is rerun on both.
return {
  title = "No Wrong Door: project costs and the Leaving Care break-even on NEET prevention",
  question = "What did Back on Track and Leaving Care cost from 2017/18 to February 2020, and how many young "
    .. "people would Leaving Care have to keep from becoming NEET to repay its running costs?",
  source = {
    reference = "RR1030",   -- the report (data/reports.csv)
    tables = { "Table 4 (p. 31)", "Table 6 (p. 42)", "Leaving Care cost benefit analysis (pp. 42-43)" },
  },

  inputs = {
    unit_costs = { dataset = "unit_costs" },
  },

  data_note = "Every figure is typed in from the report with its table and page. The Back on Track counts of young "
    .. "people (2, 6, 10, 19) are shown as the report published them: they are its own cohort-level figures, not "
    .. "computed here from records about children, so no small-count suppression applies.",

  design = {
    type = "economic",
    currency = "£",

    cost_tables = {
      { name = "back_on_track", label = "Costs of the Back on Track project", source = "Table 4, p. 31",
        years = { "2017-18", "2018-19", "2019-20" },
        rows = { { category = "All costs, including set-up", values = { 319989, 486488, 396936 } } },
        printed_total = 1203413,
        note = "2019-20 runs to the end of February 2020, although the project ended in July 2019." },
      { name = "leaving_care", label = "Costs incurred by the Leaving Care project", source = "Table 6, p. 42",
        years = { "2017-18", "2018-19", "2019-20" },
        rows = { { category = "All costs, including set-up", values = { 442070, 511271, 642761 } } },
        printed_total = 1596102,
        quoted_totals = { { value = 1592102, source = "the text of p. 42" } } },
    },

    figures = {
      { name = "lc_text_total", label = "Leaving Care overall expenditure, as the text gives it", value = 1592102,
        unit = "£", source = "p. 42, 'Data supplied by the project team shows the overall expenditure of £1,592,102'",
        note = "£4,000 below Table 6" },
      { name = "setup_share", label = "Set-up costs as a share of total costs (assumed)", value = 0.10,
        source = "p. 42 and footnote 14: '10% of the overall costs is a standard assumption'" },
      { name = "bot_high_cost_1617", label = "Back on Track Year One cohort in a high-cost placement, 2016/17", value = 2,
        unit = "young people", source = "Back on Track cost benefit analysis, p. 32" },
      { name = "bot_high_cost_1819", label = "Back on Track Year One cohort in a high-cost placement, 2018/19", value = 19,
        unit = "young people", source = "p. 32 (2017/18: 10)" },
      { name = "bot_yjs_1617", label = "Back on Track Year One cohort known to youth justice, 2016/17", value = 2,
        unit = "young people", source = "p. 32" },
      { name = "bot_yjs_1819", label = "Back on Track Year One cohort known to youth justice, 2018/19", value = 6,
        unit = "young people", source = "p. 32" },
    },

    unit_costs = { input = "unit_costs", names = { "neet_neeha", "neet_frederick", "neet_annual_acevo" } },

    derived = {
      { name = "neet_cost", label = "Mean public finance cost of a NEET care leaver (Coles et al.)", op = "mean",
        of = { "neet_neeha", "neet_frederick" }, unit = "£",
        note = "the report's unit value for the break-even (p. 42)" },
      { name = "lc_table_minus_text", label = "Table 6 total less the text's total", op = "difference",
        of = { "leaving_care", "lc_text_total" }, unit = "£" },
      { name = "bot_high_cost_change", label = "Change in high-cost placements, 2016/17 to 2018/19", op = "difference",
        of = { "bot_high_cost_1819", "bot_high_cost_1617" }, unit = "young people",
        note = "pre/post only, no comparator: the report attributes no savings" },
      { name = "bot_yjs_change", label = "Change in those known to youth justice, 2016/17 to 2018/19", op = "difference",
        of = { "bot_yjs_1819", "bot_yjs_1617" }, unit = "young people", note = "pre/post only, no comparator" },
    },

    break_even = {
      { name = "text_basis", label = "Text total (£1,592,102), 10% set-up", cost = "lc_text_total",
        setup_share = "setup_share", unit_value = "neet_cost", outcome = "young people kept from becoming NEET" },
      { name = "table_basis", label = "Table 6 total (£1,596,102), 10% set-up", cost = "leaving_care",
        setup_share = "setup_share", unit_value = "neet_cost", outcome = "young people kept from becoming NEET" },
      { name = "gross_text", label = "Text total, no set-up deduction", cost = "lc_text_total",
        setup_share = 0, unit_value = "neet_cost", outcome = "young people kept from becoming NEET" },
    },

    sensitivity = {
      { target = "text_basis", measure = "ratio", inputs = {
        { name = "unit_value", label = "Value per NEET young person (£)", low = 140038, high = 188182,
          source = "the two care leavers' costs in Coles et al. (Frederick, Neeha)" },
        { name = "setup_share", label = "Set-up share", low = 0, high = 0.2,
          source = "none to 20%: the evaluators had no set-up data (footnote 14)" },
        { name = "cost", label = "Total cost (£)", low = 1592102, high = 1596102,
          source = "the text's total and Table 6's" },
      } },
    },
  },

  -- the figures as the report printed them, one a row: label, value, tolerance, estimate, source, note
  published = { { file = "published/nwd_costs.csv" } },

  strength = {
    level = "none",
    reason = "A cost description and an illustrative break-even: no outcome is analysed. The impact analysis of "
      .. "Leaving Care is the nwd_leaving_care recipe.",
  },

  limitations = {
    "The break-even is illustrative, as the report says: the Leaving Care impact estimates were not statistically "
      .. "significant, so no savings are attributed to the project.",
    "The unit value is the mean of two case biographies (Coles et al., 2010) of young people NEET at 16 to 18; "
      .. "Leaving Care serves care leavers aged 17 to 25, whose NEET costs the report expects to be lower, so the "
      .. "break-even number is if anything too low.",
    "The report gives no price year for the Coles et al. costs or the project costs; nothing is rebased or discounted.",
    "The set-up share (10%) is an assumption of the evaluators, who had no set-up cost data (footnote 14).",
    "The Back on Track pre/post counts have no comparator; the report attributes no fiscal savings to them.",
  },
}
