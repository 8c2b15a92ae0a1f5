/* host/data/cohort.h -- cohorts from event-level data (one row per event:
 * offence, referral, ...): each person's first event, as the pseudo start
 * date of a historical comparator (Future4Me: first recorded offence plus
 * 47 days), and counts of a person's events in windows of days before and
 * after their start date, in total and by event type.  Pure C on frames,
 * no Lua; bound by host/bind/lmatch.c.
 *
 * Ids match by value: numbers with numbers (int64 2 equals float64 2.0),
 * text with text (dictionaries may differ); other pairs are an error.
 * Events with a missing id or date are ignored; a person with a missing
 * start gets missing counts (NA_CALC). */
#ifndef CSC_COHORT_H
#define CSC_COHORT_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

/* A window of days relative to the start date, both ends included:
 * {-365, -1} is the year before the start, {0, 364} the year from it. */
struct cohort_window {
  const char *name;
  int32_t from, to;
};

/* One row per distinct id, in increasing id order (numbers numerically,
 * text by bytes): the id column (as in events) and out_col, a date column
 * holding the earliest event date plus offset_days.  NULL on error, with the
 * reason in err. */
struct frame *cohort_first_event(const struct frame *events, const char *id_col,
                                 const char *date_col, int32_t offset_days, const char *out_col,
                                 char *err, size_t errlen);

/* For each row of people (in order): its id column, then per window w an
 * int64 column "<w.name>" counting the person's events with
 * from <= event date - start <= to, and for each of the ntypes values in
 * types a column "<w.name>_<type>" counting only events whose type_col
 * value is that type (text, or a number written as text).  type_col may be
 * NULL when ntypes is 0.  NULL on error, with the reason in err. */
struct frame *cohort_window_counts(const struct frame *events, const char *ev_id,
                                   const char *ev_date, const char *type_col,
                                   const char *const *types, size_t ntypes,
                                   const struct frame *people, const char *p_id,
                                   const char *p_start, const struct cohort_window *win,
                                   size_t nwin, char *err, size_t errlen);

#endif
