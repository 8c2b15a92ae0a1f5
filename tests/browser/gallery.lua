-- Browser-test gallery: one report that holds every chart kind, every block
-- the report model has (synthetic-data call-out, drops, methods, estimates
-- with CIs, a wide table, a Markdown section with a table and a list,
-- published figures both reproduced and not, warnings, notes) and a
-- hand-made SVG, so tests/browser/check.mjs sees all of them at 375 and
-- 1280 px.  The data are made up (tests/browser/gallery.csv).
return {
  title = "Chart gallery: every chart kind and report block, on made-up data",
  question = "Do csceval's reports read well, and stay within the screen, at phone and desktop widths?",
  source = { report = "csceval browser tests (no published report)", tables = { "every chart kind" } },
  data_note = "Made-up monthly figures for browser tests; nothing here describes a real authority.",
  inputs = {
    gallery = { path = "tests/browser/gallery.csv", synthetic = true, generator = "tests/browser/gallery.csv",
      description = "24 made-up months" },
  },
  seed = 7,
  design = {
    type = "custom",
    summary = "A walk through every chart kind: interrupted time series, comparative ITS, love plot, "
      .. "propensity overlap, benchmarking lines, funnel plot, bars and a tornado chart.",
    analyse = function(ctx)
      local f = ctx.data.gallery
      local month, ref, comp = f:column("month"), f:column("referrals"), f:column("comparison")
      ctx:drop("gallery", 0, "no rows were left out (shown to exercise the provenance list)")
      ctx:method("Segmented regression by eye: a line before month 12 and another after, each drawn through "
        .. "the made-up points. Model: `referrals ~ month + after + month_after`.")
      local pre_x, pre_y, post_x, post_y, cf_y, lo, hi = {}, {}, {}, {}, {}, {}, {}
      for m = 1, 12 do pre_x[#pre_x + 1] = m; pre_y[#pre_y + 1] = 50 + 0.8 * m end
      for m = 13, 24 do
        post_x[#post_x + 1] = m; post_y[#post_y + 1] = 44 + 0.8 * m; cf_y[#cf_y + 1] = 50 + 0.8 * m
        lo[#lo + 1] = 42.5 + 0.8 * m; hi[#hi + 1] = 45.5 + 0.8 * m
      end
      ctx:estimate{ label = "level change at month 13", value = -6.02, se = 0.74, ci = { -7.5, -4.54 }, p = 0.00002,
        n = 24, unit = "referrals per 10,000", headline = true }
      ctx:estimate{ label = "slope change", value = 0.013, se = 0.09, ci = { -0.17, 0.2 }, p = 0.88, n = 24 }

      local wide = { columns = { "month" }, rows = {} }
      for k = 1, 11 do wide.columns[#wide.columns + 1] = "authority_number_" .. k end
      for i = 1, 6 do
        local row = { month[i] }
        for k = 1, 11 do row[#row + 1] = ref[i] * (1 + k / 100) end
        wide.rows[i] = row
      end
      ctx:table("wide", wide, { caption = "A wide table that must scroll inside its box on a phone", digits = 1,
        note = "Made-up values; twelve columns on purpose." })

      ctx:chart{ name = "its", kind = "its", table = "wide",
        title = "Referrals per 10,000 children before and after the programme",
        desc = "Monthly referrals for 24 months with a fitted line before and after month 12, a dashed "
          .. "counterfactual continuing the pre-programme trend, and its 95% confidence band.",
        xlabel = "Month", ylabel = "Referrals per 10,000",
        series = { { name = "Authority", x = month, y = ref,
          fitted = { { x = pre_x, y = pre_y }, { x = post_x, y = post_y } },
          counterfactual = { x = post_x, y = cf_y }, band = { x = post_x, lo = lo, hi = hi } } },
        intervention = { x = 12.5, label = "Programme starts" } }
      ctx:chart{ name = "cits", kind = "its",
        title = "Authority against a comparison group",
        desc = "The authority's monthly referrals and the comparison group's, with the authority's fitted "
          .. "segments and counterfactual.",
        xlabel = "Month", ylabel = "Referrals per 10,000",
        series = { { name = "Authority", x = month, y = ref, fitted = { { x = pre_x, y = pre_y }, { x = post_x, y = post_y } },
          counterfactual = { x = post_x, y = cf_y } }, { name = "Comparison", x = month, y = comp } },
        intervention = 12.5 }
      ctx:chart{ name = "love", kind = "love", title = "Balance before and after matching",
        desc = "Absolute standardised mean differences of five covariates before matching (open circles) "
          .. "and after (diamonds); 0.1 is the usual threshold.",
        variables = { "age", "free school meals", "SEN support", "prior exclusions", "female" },
        before = { 0.31, -0.25, 0.12, 0.42, 0.05 }, after = { 0.02, 0.14, -0.03, 0.05, 0.01 } }
      local t, c = {}, {}
      for i = 1, 200 do t[i] = (i * 37 % 100) / 100 * 0.6 + 0.3; c[i] = (i * 53 % 100) / 100 * 0.6 end
      ctx:chart{ name = "overlap", kind = "overlap", title = "Propensity scores by group",
        desc = "Histograms of propensity scores: the treated group above the axis, the comparison group below. "
          .. "Scores overlap between 0.3 and 0.6.",
        groups = { { name = "Treated", values = t }, { name = "Comparison", values = c } } }
      local years, a, m, mn, mx, e = {}, {}, {}, {}, {}, {}
      for y = 2013, 2025 do
        years[#years + 1] = y
        a[#a + 1] = 400 + (y - 2013) * 12; m[#m + 1] = 480 + (y % 3) * 10
        mn[#mn + 1] = 300; mx[#mx + 1] = 700 + (y % 2) * 40; e[#e + 1] = 540
      end
      a[3] = NA
      ctx:chart{ name = "benchmark", kind = "benchmark", title = "An authority against its neighbours and England",
        desc = "Made-up yearly rates: the authority (solid line), its neighbours' mean (dashed) and range (shaded), "
          .. "England (dotted). 2014/15 is missing for the authority.",
        x = years, xformat = function(y) return string.format("%d/%02d", y - 1, y % 100) end,
        ylabel = "Rate per 10,000", authority = { name = "Authority", values = a },
        neighbours = { mean = m, min = mn, max = mx }, england = { values = e } }
      local units = {}
      for i = 1, 150 do units[i] = { label = "LA " .. i, n = 500 + (i * 137) % 9000, value = 20 + ((i * 71) % 100) / 10 } end
      units[5].label = "Authority"
      ctx:chart{ name = "funnel", kind = "funnel", title = "Re-referral rates against the number of referrals",
        desc = "Each circle is an authority; the funnel lines are 95% and 99.8% limits around the national rate.",
        units = units, per = 100, highlight = "Authority", ylabel = "Re-referrals (%)", xlabel = "Referrals" }
      ctx:chart{ name = "bars", kind = "bars", title = "Outcome of referrals, 2018 and 2020",
        desc = "Counts of children by outcome of referral in two years.",
        categories = { "No further action", "Assessment", "Child in need plan", "Child protection plan" },
        series = { { name = "2018", values = { 120, 340, 56, 12 } }, { name = "2020", values = { 100, 360, 70, 20 } } },
        xlabel = "Children" }
      ctx:chart{ name = "tornado", kind = "tornado", title = "Sensitivity of the net benefit",
        desc = "Net benefit when each input is set to its low and high value; the widest swing is at the top.",
        base = 0.12, xlabel = "Net benefit (£m)",
        items = { { label = "Discount rate", low = 0.10, high = 0.15 }, { label = "Unit cost", low = 0.05, high = 0.2 },
          { label = "Attrition", low = 0.11, high = 0.125 } } }
      ctx:chart{ name = "handmade", title = "A hand-made SVG", desc = "A single blue square, drawn by hand.",
        svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40" width="100" height="40">'
          .. '<defs><pattern id="p" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="2" height="2" '
          .. 'fill="#12436D"/></pattern></defs><rect width="100" height="40" fill="url(#p)"/></svg>' }

      ctx:section("Worked example", "A section written in Markdown by the recipe, with a **bold** word, "
        .. "`code` and a [link to the index](../index.html).\n\n| group | n | share |\n|---|---|---|\n"
        .. "| treated | 120 | 0.5 |\n| comparison \\| matched | 120 | 0.5 |\n\n- first point\n- second point")
      ctx:warn("pre-period trends differ (p = 0.03)")
      ctx:warn("only one post-intervention point in the comparison series: the estimate is fragile")
      ctx:note("All numbers on this page are made up.")
      ctx.evidence = "Made-up data: this report only shows what the charts look like."
    end,
  },
  published = {
    { label = "Level change", estimate = "level change at month 13", value = -6, tolerance = 0.1, source = "Table 1" },
    { label = "Slope change", estimate = "slope change", value = 0.5, tolerance = 0.1, source = "Table 1",
      note = "deliberately not reproduced, to show the ✗" },
  },
  limitations = { "Made-up data.", "The fitted lines are drawn, not estimated." },
}
