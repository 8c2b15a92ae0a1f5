-- Children's Social Care Innovation Programme, Round 2 final report: the
-- 48 evaluations of Table 4 rated on the Programme's strength-of-evidence
-- scale and tallied as Table 3 and Figure 1, and the benefit-cost figures
-- the text quotes, rerun from their parts where it gives them.
return {
  title = "Innovation Programme Round 2: strength of evidence and results of 48 evaluations, and their cost-benefit figures",
  question = "How strong was the evidence from the Round 2 evaluations, how many found positive results at each "
    .. "strength and in each project group, and do the quoted cost-benefit figures agree with their parts?",
  source = {
    reference = "RR1012",   -- the report (data/reports.csv)
    tables = { "Table 3 (pp. 21-23)", "Figure 1 (pp. 22-24)", "Table 4 (Appendix 1, pp. 81-89)",
      "Cost benefits (chapter 'Impact and outcomes', from p. 24)" },
  },

  inputs = {
    evaluations = { dataset = "innovation_programme_r2_table4" },
    cost_figures = { dataset = "innovation_programme_r2_cost_figures" },
    cost_derived = { dataset = "innovation_programme_r2_cost_derived" },
  },

  design = {
    type = "synthesis",
    input = "evaluations",
    columns = { id = "project", group = "group", analysis = "analysis", result = "result" },
    groups = { "Partners in Practice", "Large scale system change and workforce development",
      "Services for looked after children", "Services for care leavers", "Other targeted projects" },
    overrides = {
      { id = "The Fostering Network's Mockingbird project", level = "stronger", result_class = "positive",
        reason = "Footnote 21: counted among the 6 'stronger' evaluations and, 'for the purposes of Table 2 [3] and "
          .. "Figure 1', as 'positive' (carers: moderate comparison, very positive; young people: stronger, no "
          .. "significant impact yet)." },
    },

    -- Ratings the report's own text puts in doubt (kept as rated).
    flags = {
      { id = "Calderdale", note = "Rated 'moderate' (no measure of statistical significance), yet the text says "
          .. "'a significantly greater proportion (68%)' remained at home, against 37% of the retrospective cohort." },
      { id = "Barnardo's NFGMC", note = "Rated 'Some positive changes', yet the text reports 'no observable increase "
          .. "in referrals' during the evaluation period." },
    },

    -- The cost-benefit figures of the 'Cost benefits' section, typed in,
    -- what follows from them (sums, differences, products and ratios of
    -- them, a quantity a row), and the relations the text states.
    costs = {
      figures = { input = "cost_figures" },   -- data/innovation_programme_r2/cost_figures.csv
      derived = { input = "cost_derived" },   -- data/innovation_programme_r2/cost_derived.csv
      checks = {
        { name = "io_missing_rounding", label = "Inside Out: 34 missing episodes is 33.6 rounded", left = "io_missing_impact",
          relation = "==", right = "io_missing_baseline", tolerance = 0.5,
          claim = "33.6 in the baseline section, 34 in the impact sections" },
        { name = "rsw_denominator", label = "Reclaiming Social Work: re-referral counts cover the project's authorities",
          left = "rsw_rereferral_las", relation = "==", right = "rsw_las",
          claim = "'2 out of the 4 local authorities for which data were reported' and, for re-referrals, 1 decreased and "
            .. "'the other 4 saw increases'" },
        { name = "break_placement_in_total", label = "Break: placement savings are part of the total savings",
          left = "break_placement", relation = "<=", right = "break_gross_high",
          claim = "'Placement cost savings (£1,614,736) accounted for the majority of the total indicative savings'" },
        { name = "newday_net_cost", label = "Newham NewDAY operated at a net cost", left = "newday_bcr", relation = "<",
          right = 1, claim = "'an estimated net cost of £31,828.20 per year'" },
        { name = "dva_no_net_benefit", label = "Slough DAARR did not achieve savings", left = "slough_daarr_bcr",
          relation = "<", right = 1, claim = "'the project did not achieve cost savings within the evaluation period'" },
      },
    },
  },

  -- the figures as the report printed them, one a row: label, value, tolerance, estimate, source, note
  published = { { file = "published/innovation_programme_r2.csv" } },

  strength = {
    level = "none",
    reason = "A synthesis of other evaluations' ratings and cost figures: it analyses no outcome of its own.",
  },

  limitations = {
    "The ratings are the report's: this recipe reproduces how Table 3 and Figure 1 tally Table 4, not the underlying evaluations.",
    "Mockingbird rates its two strands differently ('Mixed'); it is counted as 'stronger' and 'positive' because footnote 21 says the report did so.",
    "Firstline's 'Some positive changes, no impact found' is counted as not positive, as Table 3's six stronger positives require.",
    "Figure 1 is a chart without printed values; its cross-tab is rebuilt from Table 4 and cannot be checked figure by figure.",
    "Cost-benefit figures are rerun only where the text gives their parts; ratios quoted alone (Pause £4.50 and £7.61, "
      .. "Bradford 1.4, Mockingbird 0.99, North East Lincolnshire 3.4) cannot be recomputed from this report.",
    "'Around', 'about' and 'just over' figures (Havering £750,000 and £12,000, Inside Out £16,900 and 2.5) are taken as printed.",
  },
}
