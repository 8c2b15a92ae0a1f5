/* host/bind/lmatch.c -- Lua module "host.match": matched and weighted comparison
 * groups on a host.Frame.  This file holds the module table and nearest();
 * ipw, balance and effect are in lmatch_weight.c, the cohort helpers in
 * lmatch_cohort.c, shared glue in lmatch_util.c.  Argument checks, row
 * selection (rows missing any used value are left out and counted) and
 * result frames only; the numerics are in match*.c, ipw.c, balance.c,
 * effect.c and cohort.c.  Only lua/csc/match.lua requires this module.
 * Exports luaopen_host_match alone. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <lauxlib.h>
#include <lua.h>

#include "data/frame.h"
#include "lframe.h"
#include "lhelp.h"
#include "lmatch_int.h"
#include "match/match.h"

/* A match_result owned by Lua (freed by __gc even if a later push raises). */
static int resbox_gc(lua_State *L) {
  match_result_fini(lua_touserdata(L, 1));
  return 0;
}

static struct match_result *new_resbox(lua_State *L) {
  return lh_newbox(L, sizeof(struct match_result), "host.match.result", resbox_gc);
}

static const char *const ORDERS[] = {"data", "largest", "smallest", "random", NULL};
static const char *const DISCARDS[] = {"none", "both", "control", "treated", NULL};

/* Index of s in list, or raise listing the choices. */
static int choice(lua_State *L, const char *fn, const char *what, const char *s,
                  const char *const *list) {
  for (int i = 0; list[i]; i++)
    if (strcmp(s, list[i]) == 0) return i;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 0; list[i]; i++) {
    if (i) luaL_addstring(&b, ", ");
    luaL_addchar(&b, '"');
    luaL_addstring(&b, list[i]);
    luaL_addchar(&b, '"');
  }
  luaL_pushresult(&b);
  return lh_error(L, "recipe", "%s: unknown %s \"%s\" (%s)", fn, what, s, lua_tostring(L, -1));
}

/* Lua: match.nearest(frame, spec) -> info, frame, pairs
 * spec: treat, distance ("mahalanobis", "logit", "probit", "linear.logit",
 * "linear.probit", "score"), covariates, xweights, ps_covariates, score,
 * ratio, replace, order, seed, caliper, std_caliper, cal_names, cal_widths,
 * cal_std, exact, discard, estimand ("ATT"/"ATC"), weights_name,
 * subclass_name, distance_name.  As R MatchIt::matchit(method = "nearest");
 * see host/match/match.h. */
static int match_nearest_lua(lua_State *L) {
  const char *fn = "match.nearest";
  luaL_checkstack(L, 60, fn);
  const struct frame *f;
  const char *treat_name = lm_spec(L, fn, &f);
  const char *dist = lh_optstring(L, 2, "distance", "mahalanobis", "a string");
  int maha = strcmp(dist, "mahalanobis") == 0, user_score = strcmp(dist, "score") == 0;
  int linear = strncmp(dist, "linear.", 7) == 0;
  const char *link = linear ? dist + 7 : dist;
  int probit = strcmp(link, "probit") == 0;
  if (!maha && !user_score && strcmp(link, "logit") != 0 && !probit)
    return lh_error(L, "recipe", "%s: unknown distance \"%s\" (mahalanobis, logit, probit, linear.logit, "
                      "linear.probit, score)", fn, dist);
  const char **cov, **pscov, **exn, **caln;
  size_t ncov = lh_optnames(L, 2, "covariates", &cov);
  size_t nps = lh_optnames(L, 2, "ps_covariates", &pscov);
  size_t nex = lh_optnames(L, 2, "exact", &exn);
  size_t ncal = lh_optnames(L, 2, "cal_names", &caln);
  int fit_ps = !maha && !user_score ? 1 : maha && nps > 0;
  if (!maha && !user_score && nps == 0) {   /* the propensity model defaults to the covariates */
    pscov = cov;
    nps = ncov;
  }
  if (maha && ncov == 0) return lh_error(L, "recipe", "%s: Mahalanobis matching needs covariates", fn);
  if (fit_ps && nps == 0) return lh_error(L, "recipe", "%s: the propensity model needs covariates", fn);
  const char *score_name = user_score ? lh_optstring(L, 2, "score", NULL, "a string") : NULL;
  if (user_score && !score_name)
    return lh_error(L, "recipe", "%s: distance = \"score\" needs spec.score (a column name)", fn);

  /* Columns, and the rows where every used value is present. */
  const struct frame_col *tc = lm_col(L, f, fn, "treatment", treat_name);
  size_t ntot = ncov + nps + nex + ncal + 1;
  const struct frame_col **all = lh_scratch(L, (ntot + 1) * sizeof *all);
  const struct frame_col **cc = all, **pc = all + ncov, **ec = pc + nps, **kc = ec + nex;
  for (size_t j = 0; j < ncov; j++) cc[j] = lm_numcol(L, f, fn, "covariate", cov[j]);
  for (size_t j = 0; j < nps; j++) pc[j] = lm_numcol(L, f, fn, "propensity covariate", pscov[j]);
  for (size_t j = 0; j < nex; j++) ec[j] = lm_col(L, f, fn, "exact", exn[j]);
  for (size_t j = 0; j < ncal; j++) kc[j] = lm_numcol(L, f, fn, "caliper", caln[j]);
  const struct frame_col *sc = score_name ? lm_numcol(L, f, fn, "score", score_name) : NULL;
  all[ntot - 1] = sc;
  all[ntot] = tc;
  size_t N = f->nrow, m;
  void **kbox = lh_newmem(L);
  size_t *keep = *kbox = malloc((N ? N : 1) * sizeof *keep);
  if (keep == NULL) return lh_nomem(L, fn);
  m = frame_complete_rows(all, ntot + 1, N, keep);
  if (m == N) {   /* every row is complete: no index array (LM_ROW) */
    lh_freemem(kbox);
    keep = NULL;
  }
  if (m == 0) return lh_error(L, "data", "%s: no row has every value needed", fn);
  unsigned char *treat = lm_treat(L, tc, keep, m, fn);
  const char *est = lh_optstring(L, 2, "estimand", "ATT", "a string");
  int atc = strcmp(est, "ATC") == 0;
  if (!atc && strcmp(est, "ATT") != 0)
    return lh_error(L, "recipe", "%s: estimand must be \"ATT\" or \"ATC\" for nearest-neighbour matching", fn);
  int ps_iter = 0;
  double *score = NULL;
  if (fit_ps) score = lm_pscore(L, fn, pc, pscov, nps, keep, m, treat, probit, linear, &ps_iter);
  else if (sc) score = lm_values(L, sc, keep, m);
  /* ATC: the controls are the focal group (MatchIt flips the indicator). */
  unsigned char *focal = treat;
  if (atc) {
    focal = lh_scratch(L, m);
    for (size_t j = 0; j < m; j++) focal[j] = !treat[j];
  }

  struct match_spec s;
  memset(&s, 0, sizeof s);
  s.n = m;
  s.treat = focal;
  s.score = score;
  if (maha) {
    /* The covariates are read in place when every row is used and the
     * column holds float64 or int64 values; others are copied as doubles. */
    struct match_col *xc = lh_scratch(L, ncov * sizeof *xc);
    for (size_t c = 0; c < ncov; c++) {
      xc[c] = (struct match_col){NULL, NULL};
      if (m == N && cc[c]->type == FRAME_F64) xc[c].f64 = cc[c]->v.f64;
      else if (m == N && cc[c]->type == FRAME_I64) xc[c].i64 = cc[c]->v.i64;
      else xc[c].f64 = lm_values(L, cc[c], keep, m);
    }
    s.xcol = xc;
    s.p = ncov;
    lua_getfield(L, 2, "xweights");
    if (!lua_isnil(L, -1)) {
      int wi = lua_gettop(L);
      if (!lua_istable(L, wi) || (size_t)luaL_len(L, wi) != ncov)
        return lh_error(L, "recipe", "%s: xweights must hold one number per covariate (%d)", fn, (int)ncov);
      double *xw = lh_scratch(L, ncov * sizeof *xw);
      for (size_t c = 0; c < ncov; c++) {
        lua_rawgeti(L, wi, (lua_Integer)c + 1);
        xw[c] = lua_tonumber(L, -1);
        if (!lua_isnumber(L, -1) || !(xw[c] >= 0))
          return lh_error(L, "recipe", "%s: xweights[%d] must be a number >= 0", fn, (int)c + 1);
        lua_pop(L, 1);
      }
      s.xweights = xw;
    }
  }
  if (nex > 0) s.exact = lm_strata(L, ec, nex, keep, m);
  lua_Integer ratio = (lua_Integer)lh_optnumber(L, 2, "ratio", 1);
  if (ratio < 1) return lh_error(L, "recipe", "%s: ratio must be at least 1", fn);
  s.ratio = (size_t)ratio;
  s.replace = lh_optbool(L, 2, "replace", 0);
  s.seed = (uint32_t)(int64_t)lh_optnumber(L, 2, "seed", 0);
  s.caliper = lh_optnumber(L, 2, "caliper", NAN);
  s.caliper_std = lh_optbool(L, 2, "std_caliper", 1);
  const char *ord = lh_optstring(L, 2, "order", NULL, "a string");
  s.order = ord ? (enum match_order)choice(L, fn, "order", ord, ORDERS) : match_default_order(&s, atc);
  if (ncal > 0) {
    double *calX = lh_scratch(L, m * ncal * sizeof *calX), *calw = lh_scratch(L, ncal * sizeof *calw);
    unsigned char *cstd = lh_scratch(L, ncal);
    int std = lh_optbool(L, 2, "cal_std", 1);
    lua_getfield(L, 2, "cal_widths");
    int wi = lua_gettop(L);
    if (!lua_istable(L, wi) || (size_t)luaL_len(L, wi) != ncal)
      return lh_error(L, "recipe", "%s: cal_widths must hold one width per caliper variable", fn);
    for (size_t c = 0; c < ncal; c++) {
      lua_rawgeti(L, wi, (lua_Integer)c + 1);
      calw[c] = lua_tonumber(L, -1);
      lua_pop(L, 1);
      cstd[c] = (unsigned char)std;
      for (size_t j = 0; j < m; j++) calX[j + m * c] = frame_col_getd(kc[c], LM_ROW(keep, j));
    }
    s.cal_X = calX;
    s.ncal = ncal;
    s.cal_width = calw;
    s.cal_std = cstd;
  }
  unsigned char *disc = NULL;
  int dk = choice(L, fn, "discard", lh_optstring(L, 2, "discard", "none", "a string"), DISCARDS);
  if (dk != MATCH_DISCARD_NONE) {
    if (score == NULL)
      return lh_error(L, "recipe", "%s: discard = \"%s\" needs a propensity score", fn, DISCARDS[dk]);
    disc = lh_scratch(L, m);
    match_discard(score, focal, m, (enum match_discard)dk, disc);
    s.discarded = disc;
  }

  struct match_result *r = new_resbox(L);
  char err[512];
  int st = match_nearest(&s, r, err, sizeof err);
  if (st == GSL_ENOMEM) return lh_nomem(L, fn);
  if (st != GSL_SUCCESS) return lh_error(L, "analysis", "%s: %s", fn, err);

  /* info */
  lua_createtable(L, 0, 20);
  int info = lua_gettop(L);
  lh_set_rows(L, N, m);
  size_t n1 = r->n1, nt = 0;
  for (size_t j = 0; j < m; j++) nt += treat[j];
  lh_setint(L, "n_treated", (lua_Integer)nt);
  lh_setint(L, "n_control", (lua_Integer)(m - nt));
  lh_setint(L, "n_focal", (lua_Integer)n1);
  lh_setint(L, "n_matched_focal", (lua_Integer)r->n1_matched);
  lh_setint(L, "n_matched_other", (lua_Integer)r->n0_matched);
  lh_setint(L, "n_matched_treated", (lua_Integer)(atc ? r->n0_matched : r->n1_matched));
  lh_setint(L, "n_matched_control", (lua_Integer)(atc ? r->n1_matched : r->n0_matched));
  lh_setint(L, "n_subclasses", (lua_Integer)r->nsub);
  /* counts and widths that do not apply are 0, not missing */
  size_t nd = 0;
  if (disc)
    for (size_t j = 0; j < m; j++) nd += disc[j];
  lh_setint(L, "n_discarded", (lua_Integer)nd);
  lh_setnum(L, "caliper_raw", isnan(r->caliper) ? 0 : r->caliper);
  /* focal units matched, but to fewer than ratio units (MatchIt warns) */
  size_t nshort = 0;
  for (size_t i = 0; i < n1; i++) {
    size_t got = 0;
    for (size_t s2 = 0; s2 < r->ratio; s2++) got += r->mm[i * r->ratio + s2] != MATCH_NONE;
    nshort += got > 0 && got < s.ratio;
  }
  lh_setint(L, "n_fewer_than_ratio", (lua_Integer)nshort);
  if (ncal > 0) {
    lua_createtable(L, 0, (int)ncal);
    for (size_t c = 0; c < ncal; c++) lh_setnum(L, caln[c], r->cal_raw[c]);
    lua_setfield(L, info, "cal_raw");
  }
  if (maha) {
    lh_setint(L, "maha_rank", (lua_Integer)r->maha_rank);
    lh_setint(L, "maha_dropped", (lua_Integer)r->maha_dropped);
    lua_pushboolean(L, r->maha_pinv);
    lua_setfield(L, info, "maha_pinv");
  }
  if (fit_ps) lh_setint(L, "ps_iter", ps_iter);
  lua_pushstring(L, ORDERS[s.replace ? MATCH_DATA : s.order]);
  lua_setfield(L, info, "order");
  lua_pushstring(L, est);
  lua_setfield(L, info, "estimand");

  /* data with weights, subclass, distance: the result's own arrays */
  struct lm_newcol nc[3];
  size_t nnc = 0;
  nc[nnc++] = (struct lm_newcol){lh_optstring(L, 2, "weights_name", "weights", "a string"), "weights_name",
                                 r->weights, NULL, NULL, 0.0, NULL};
  if (r->subclass)
    nc[nnc++] = (struct lm_newcol){lh_optstring(L, 2, "subclass_name", "subclass", "a string"),
                                   "subclass_name", NULL, NULL, NULL, 0.0, r->subclass};
  if (score)
    nc[nnc++] = (struct lm_newcol){lh_optstring(L, 2, "distance_name", "distance", "a string"),
                                   "distance_name", score, NULL, NULL, NAN, NULL};
  lm_push_frame_with(L, f, keep, m, nc, nnc, fn);

  /* pairs: one row per (focal unit, match) */
  size_t K = r->ratio, np = 0;
  for (size_t i = 0; i < n1 * K; i++) np += r->mm[i] != MATCH_NONE;
  struct frame **pslot = lframe_newbox(L);
  struct frame *pf = lframe_fill(L, pslot, frame_new());
  static const char *const pn[] = {"treated_row", "control_row", "slot", "subclass"};
  struct frame_col *pcol[5];
  for (int c = 0; c < 4; c++) {
    pcol[c] = frame_col_new(pn[c], FRAME_I64, np, NULL);
    if (!pcol[c] || frame_col_resize(pcol[c], np) != 0 || frame_add(pf, pcol[c]) != 0) {
      frame_col_free(pcol[c]);
      return lh_nomem(L, NULL);
    }
  }
  pcol[4] = frame_col_new("distance", FRAME_F64, np, NULL);
  if (!pcol[4] || frame_col_resize(pcol[4], np) != 0 || frame_add(pf, pcol[4]) != 0) {
    frame_col_free(pcol[4]);
    return lh_nomem(L, NULL);
  }
  pf->nrow = np;
  size_t q = 0;
  for (size_t i = 0; i < n1; i++)
    for (size_t k = 0; k < K; k++) {
      size_t c = r->mm[i * K + k];
      if (c == MATCH_NONE) continue;
      size_t a = LM_ROW(keep, r->treated[i]) + 1, b = LM_ROW(keep, c) + 1;
      pcol[0]->v.i64[q] = (int64_t)(atc ? b : a);
      pcol[1]->v.i64[q] = (int64_t)(atc ? a : b);
      pcol[2]->v.i64[q] = (int64_t)k + 1;
      if (r->subclass) pcol[3]->v.i64[q] = (int64_t)r->subclass[r->treated[i]];
      else if (frame_col_set_na(pcol[3], q, NA_CALC) != 0) return lh_nomem(L, NULL);
      pcol[4]->v.f64[q] = r->dist[i * K + k];
      q++;
    }
  lua_pushvalue(L, info);
  lua_insert(L, -3);   /* info, frame, pairs */
  return 3;
}

static const luaL_Reg match_funcs[] = {{"nearest", match_nearest_lua}, {NULL, NULL}};

int luaopen_host_match(lua_State *L) {
  luaL_newlib(L, match_funcs);
  lmatch_weight_register(L);
  lmatch_cohort_register(L);
  return 1;
}
