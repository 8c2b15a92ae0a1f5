/* host/bind/lmatch_weight.c -- host.match functions ipw(), balance() and
 * effect(): argument checks, row selection and result tables; numerics in
 * ipw.c, balance.c and effect.c.  Registered by lmatch.c. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <lauxlib.h>
#include <lua.h>

#include "match/balance.h"
#include "match/effect.h"
#include "data/frame.h"
#include "match/ipw.h"
#include "num/chunks.h"
#include "lframe.h"
#include "lhelp.h"
#include "lmatch_int.h"

static int ipwbox_gc(lua_State *L) {
  ipw_result_fini(lua_touserdata(L, 1));
  return 0;
}

static struct ipw_result *new_ipwbox(lua_State *L) {
  return lh_newbox(L, sizeof(struct ipw_result), "host.match.ipw", ipwbox_gc);
}

static void push_group(lua_State *L, const struct ipw_group *g) {
  lua_createtable(L, 0, 11);
  lh_setint(L, "n", (lua_Integer)g->n);
  lh_setint(L, "n_kept", (lua_Integer)g->n_kept);
  lh_setnum(L, "sum_w", g->sum_w);
  lh_setnum(L, "ess", g->ess);
  lh_setnum(L, "w_min", g->w_min);
  lh_setnum(L, "w_max", g->w_max);
  lh_setnum(L, "ps_min", g->ps_min);
  lh_setnum(L, "ps_max", g->ps_max);
  lh_setint(L, "n_outside_support", (lua_Integer)g->n_outside);
  lh_setint(L, "n_truncated", (lua_Integer)g->n_truncated);
}

/* Lua: match.ipw(frame, spec) -> info, frame, histogram
 * spec: treat, ps_covariates, link ("logit"/"probit") or score (a column of
 * scores), estimand ("ATT"/"ATE"/"ATC"), stabilize, trim_lo, trim_hi,
 * trunc_lo, trunc_hi, bins, weights_name, ps_name.  See host/match/ipw.h. */
static int match_ipw_lua(lua_State *L) {
  const char *fn = "match.ipw";
  luaL_checkstack(L, 40, fn);
  const struct frame *f;
  const char *treat_name = lm_spec(L, fn, &f);
  const char *score_name = lh_optstring(L, 2, "score", NULL, "a string");
  const char *link = lh_optstring(L, 2, "link", "logit", "a string");
  if (strcmp(link, "logit") != 0 && strcmp(link, "probit") != 0)
    return lh_error(L, "recipe", "%s: link must be \"logit\" or \"probit\"", fn);
  const char **pscov;
  size_t nps = lh_optnames(L, 2, "ps_covariates", &pscov);
  if (!score_name && nps == 0)
    return lh_error(L, "recipe", "%s: give ps_covariates (for the propensity model) or score", fn);
  const struct frame_col *tc = lm_col(L, f, fn, "treatment", treat_name);
  /* used columns: treatment, score, and the propensity covariates when no
   * score is given */
  const struct frame_col **use = lh_scratch(L, (nps + 2) * sizeof *use), **pc = use + 2;
  for (size_t j = 0; j < nps; j++) pc[j] = lm_numcol(L, f, fn, "propensity covariate", pscov[j]);
  const struct frame_col *sc = score_name ? lm_numcol(L, f, fn, "score", score_name) : NULL;
  use[0] = tc;
  use[1] = sc;
  size_t N = f->nrow, m;
  size_t *keep = lh_complete_rows(L, use, sc ? 2 : nps + 2, N, &m);
  if (m == 0) return lh_error(L, "data", "%s: no row has every value needed", fn);
  unsigned char *treat = lm_treat(L, tc, keep, m, fn);
  int iter = 0;
  double *ps = sc ? lm_values(L, sc, keep, m)
                  : lm_pscore(L, fn, pc, pscov, nps, keep, m, treat, strcmp(link, "probit") == 0,
                              0, &iter);
  struct ipw_opts o;
  memset(&o, 0, sizeof o);
  const char *est = lh_optstring(L, 2, "estimand", "ATT", "a string");
  if (strcmp(est, "ATT") == 0) o.estimand = IPW_ATT;
  else if (strcmp(est, "ATE") == 0) o.estimand = IPW_ATE;
  else if (strcmp(est, "ATC") == 0) o.estimand = IPW_ATC;
  else return lh_error(L, "recipe", "%s: estimand must be \"ATT\", \"ATE\" or \"ATC\"", fn);
  o.stabilize = lh_optbool(L, 2, "stabilize", 0);
  o.trim_lo = lh_optnumber(L, 2, "trim_lo", NAN);
  o.trim_hi = lh_optnumber(L, 2, "trim_hi", NAN);
  o.trunc_lo = lh_optnumber(L, 2, "trunc_lo", NAN);
  o.trunc_hi = lh_optnumber(L, 2, "trunc_hi", NAN);
  lua_Number bins = lh_optnumber(L, 2, "bins", 20);
  if (!(bins >= 0 && bins <= 10000)) return lh_error(L, "recipe", "%s: bins must be in 0..10000", fn);
  o.nbins = (size_t)bins;
  struct ipw_result *r = new_ipwbox(L);
  char err[512];
  int st = ipw_weights(ps, treat, m, &o, r, err, sizeof err);
  if (st == GSL_ENOMEM) return lh_nomem(L, fn);
  if (st != GSL_SUCCESS) return lh_error(L, "analysis", "%s: %s", fn, err);

  lua_createtable(L, 0, 16);
  int info = lua_gettop(L);
  lh_set_rows(L, N, m);
  push_group(L, &r->g[1]);
  lua_setfield(L, info, "treated");
  push_group(L, &r->g[0]);
  lua_setfield(L, info, "control");
  lh_setnum(L, "support_lo", r->support_lo);
  lh_setnum(L, "support_hi", r->support_hi);
  lh_setnum(L, "trim_ps_lo", r->trim_ps_lo);
  lh_setnum(L, "trim_ps_hi", r->trim_ps_hi);
  size_t ntrim = 0;
  for (size_t j = 0; j < m; j++) ntrim += r->trimmed[j];
  lh_setint(L, "n_trimmed", (lua_Integer)ntrim);
  if (iter) lh_setint(L, "ps_iter", iter);
  lua_pushstring(L, est);
  lua_setfield(L, info, "estimand");

  struct lm_newcol nc[2] = {
      {lh_optstring(L, 2, "weights_name", "weights", "a string"), "weights_name", r->w, NULL, NULL, 0.0, NULL},
      {lh_optstring(L, 2, "ps_name", "ps", "a string"), "ps_name", ps, NULL, NULL, NAN, NULL}};
  lm_push_frame_with(L, f, keep, m, nc, sc ? 1 : 2, fn);

  /* histogram: bins of the score by group */
  size_t B = o.nbins;
  struct frame **hslot = lframe_newbox(L);
  struct frame *hf = lframe_fill(L, hslot, frame_new());
  static const char *const hn[] = {"bin_lo", "bin_hi", "n_treated", "n_control", "share_treated",
                                   "share_control", "weighted_share_treated",
                                   "weighted_share_control"};
  struct frame_col *hc[8];
  for (int c = 0; c < 8; c++) {
    hc[c] = frame_col_new(hn[c], c == 2 || c == 3 ? FRAME_I64 : FRAME_F64, B, NULL);
    if (!hc[c] || frame_col_resize(hc[c], B) != 0 || frame_add(hf, hc[c]) != 0) {
      frame_col_free(hc[c]);
      return lh_nomem(L, NULL);
    }
  }
  hf->nrow = B;
  for (size_t b = 0; b < B; b++) {
    hc[0]->v.f64[b] = (double)b / (double)B;
    hc[1]->v.f64[b] = (double)(b + 1) / (double)B;
    hc[2]->v.i64[b] = (int64_t)r->bin_n[1][b];
    hc[3]->v.i64[b] = (int64_t)r->bin_n[0][b];
    hc[4]->v.f64[b] = (double)r->bin_n[1][b] / (double)r->g[1].n;
    hc[5]->v.f64[b] = (double)r->bin_n[0][b] / (double)r->g[0].n;
    hc[6]->v.f64[b] = r->bin_w[1][b];
    hc[7]->v.f64[b] = r->bin_w[0][b];
  }
  lua_pushvalue(L, info);
  lua_insert(L, -3);
  return 3;
}

/* Weights column over rows keep[] (NULL: every row): missing counts as 0
 * (left out).  A float64 column with nothing missing whose every row is
 * used and every value finite and >= 0 is read in place (the same values
 * a copy would hold); else a copy, pushed as scratch.  [-0, +0|+1, e] */
static const double *weights_of(lua_State *L, const struct frame *f, const char *fn,
                                const char *name, const size_t *keep, size_t m) {
  const struct frame_col *c = lm_numcol(L, f, fn, "weights", name);
  if (keep == NULL && c->type == FRAME_F64 && c->na == NULL && c->n == m) {
    const double *v = c->v.f64;
    int ok = 1;
    for (size_t j = 0; j < m; j++) ok &= v[j] >= 0 && v[j] <= DBL_MAX;
    if (ok) return v;
  }
  double *w = lh_scratch(L, (m ? m : 1) * sizeof *w);
  lm_fill_or(c, keep, m, 0.0, w);
  for (size_t j = 0; j < m; j++) {
    if (w[j] < 0 || !isfinite(w[j]))
      lh_error(L, "data", "%s: weights column '%s' has %f in row %d; weights must be finite and >= 0",
                 fn, name, w[j], (int)LM_ROW(keep, j) + 1);
  }
  return w;
}

/* A covariate's balance before (sfx "") or after (sfx "_adj") adjustment:
 * mean_treated, mean_control, var_treated, var_control, diff, smd and
 * var_ratio, each name followed by sfx.  [-0, +0, m] */
static void set_balance(lua_State *L, const char *sfx, const double mean[2], const double var[2],
                        double diff, double smd, double vr) {
  static const char *const names[] = {"mean_treated", "mean_control", "var_treated",
                                      "var_control",  "diff",         "smd", "var_ratio"};
  const double v[] = {mean[1], mean[0], var[1], var[0], diff, smd, vr};
  char key[32];
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    snprintf(key, sizeof key, "%s%s", names[i], sfx);
    lh_setnum(L, key, v[i]);
  }
}

/* One covariate's balance, on a worker thread (no Lua). */
struct bal_task {
  const struct frame_col *col;
  const size_t *keep;
  size_t m;
  const unsigned char *treat;
  const double *base, *adj;
  const struct balance_opts *o;
  int st;
  char err[256];
  struct balance_stat b;
};

/* The covariate read in place when that gives what lm_fill_or would make
 * of it: nothing marked missing, every row used (keep NULL, or keep[j] ==
 * j), and a float64 column with every value finite (returned) or an int64
 * column (*own64 set); else NULL. */
static const double *bal_own(const struct frame_col *c, const size_t *keep, size_t m,
                             const int64_t **own64) {
  *own64 = NULL;
  if (c->na != NULL || c->n != m || (keep != NULL && m > 0 && keep[m - 1] != m - 1)) return NULL;
  if (c->type == FRAME_I64) {
    *own64 = c->v.i64;
    return NULL;
  }
  if (c->type != FRAME_F64) return NULL;
  const double *v = c->v.f64;
  int bad = 0;
  for (size_t i = 0; i < m; i++) bad |= !(fabs(v[i]) <= DBL_MAX);
  return bad ? NULL : v;
}

static int bal_run(void *arg) {
  struct bal_task *t = arg;
  const int64_t *own64;
  const double *own = bal_own(t->col, t->keep, t->m, &own64);
  if (own != NULL || own64 != NULL) {
    t->st = own != NULL ? balance_covariate(own, t->treat, t->base, t->adj, t->m, t->o, &t->b,
                                            t->err, sizeof t->err)
                        : balance_covariate_i64(own64, t->treat, t->base, t->adj, t->m, t->o,
                                                &t->b, t->err, sizeof t->err);
    return 0;
  }
  double *x = malloc((t->m ? t->m : 1) * sizeof *x);
  if (x == NULL) {
    t->st = GSL_ENOMEM;
    return 0;
  }
  mem_advise_large(x, t->m * sizeof *x);
  lm_fill_or(t->col, t->keep, t->m, NAN, x);
  t->st = balance_covariate(x, t->treat, t->base, t->adj, t->m, t->o, &t->b, t->err, sizeof t->err);
  free(x);
  return 0;
}

/* Lua: match.balance(frame, spec) -> {row, ...}
 * spec: treat, covariates, weights (adjustment weights column), base_weights,
 * sd ("treated"/"control"/"pooled"), variance ("cobalt"/"sample"), binary
 * ("std"/"raw").  One row per covariate; see host/match/balance.h. */
static int match_balance_lua(lua_State *L) {
  const char *fn = "match.balance";
  luaL_checkstack(L, 40, fn);
  const struct frame *f;
  const char *treat_name = lm_spec(L, fn, &f);
  const char **cov;
  size_t ncov = lh_optnames(L, 2, "covariates", &cov);
  if (ncov == 0) return lh_error(L, "recipe", "%s: no covariates", fn);
  const struct frame_col *tc = lm_col(L, f, fn, "treatment", treat_name);
  size_t m;
  /* keep NULL: every row has a treatment value (no n-row index made) */
  size_t *keep = lh_complete_rows_or_all(L, &tc, 1, f->nrow, &m);
  unsigned char *treat = lm_treat(L, tc, keep, m, fn);
  const char *wn = lh_optstring(L, 2, "weights", NULL, "a string"), *bn = lh_optstring(L, 2, "base_weights", NULL, "a string");
  const double *adj = wn ? weights_of(L, f, fn, wn, keep, m) : NULL;
  const double *base = bn ? weights_of(L, f, fn, bn, keep, m) : NULL;
  struct balance_opts o;
  const char *sd = lh_optstring(L, 2, "sd", "treated", "a string"), *var = lh_optstring(L, 2, "variance", "cobalt", "a string");
  const char *bin = lh_optstring(L, 2, "binary", "std", "a string");
  if (strcmp(sd, "treated") == 0) o.sd = BALANCE_SD_TREATED;
  else if (strcmp(sd, "control") == 0) o.sd = BALANCE_SD_CONTROL;
  else if (strcmp(sd, "pooled") == 0) o.sd = BALANCE_SD_POOLED;
  else return lh_error(L, "recipe", "%s: sd must be \"treated\", \"control\" or \"pooled\"", fn);
  if (strcmp(var, "cobalt") == 0) o.var = BALANCE_VAR_COBALT;
  else if (strcmp(var, "sample") == 0) o.var = BALANCE_VAR_SAMPLE;
  else return lh_error(L, "recipe", "%s: variance must be \"cobalt\" or \"sample\"", fn);
  if (strcmp(bin, "std") != 0 && strcmp(bin, "raw") != 0)
    return lh_error(L, "recipe", "%s: binary must be \"std\" or \"raw\"", fn);
  o.binary_raw = strcmp(bin, "raw") == 0;
  /* The covariates on threads, one at a time each (the same arithmetic as
   * one after another), then the rows in order. */
  struct bal_task *task = lh_scratch(L, ncov * sizeof *task);
  for (size_t c = 0; c < ncov; c++) {
    memset(&task[c], 0, sizeof task[c]);
    task[c].col = lm_numcol(L, f, fn, "covariate", cov[c]);
    task[c].keep = keep;
    task[c].m = m;
    task[c].treat = treat;
    task[c].base = base;
    task[c].adj = adj;
    task[c].o = &o;
  }
  chunks_run(bal_run, task, sizeof *task, ncov);
  lua_createtable(L, (int)ncov, 0);
  for (size_t c = 0; c < ncov; c++) {
    struct balance_stat b = task[c].b;
    if (task[c].st == GSL_ENOMEM) return lh_nomem(L, fn);
    if (task[c].st != GSL_SUCCESS)
      return lh_error(L, "analysis", "%s: covariate '%s': %s", fn, cov[c], task[c].err);
    lua_createtable(L, 0, 20);
    lua_pushstring(L, cov[c]);
    lua_setfield(L, -2, "covariate");
    lua_pushboolean(L, b.binary);
    lua_setfield(L, -2, "binary");
    lh_setint(L, "n_treated", (lua_Integer)b.n[1]);
    lh_setint(L, "n_control", (lua_Integer)b.n[0]);
    lh_setnum(L, "sd_denom", b.sd_denom);
    set_balance(L, "", b.mean, b.var, b.diff, b.smd, b.vr);
    if (adj) {
      set_balance(L, "_adj", b.mean_adj, b.var_adj, b.diff_adj, b.smd_adj, b.vr_adj);
      lh_setnum(L, "ess_treated_adj", b.ess_adj[1]);
      lh_setnum(L, "ess_control_adj", b.ess_adj[0]);
    }
    lua_rawseti(L, -2, (lua_Integer)c + 1);
  }
  return 1;
}

static const char *const VCOVS[] = {"cluster", "HC0", "HC1", "HC3", "svyglm", "classical", NULL};

/* Lua: match.effect(frame, spec) -> {estimate, se, statistic, df, p_value,
 *   conf_low, conf_high, mean_treated, mean_control, n_used, ...}
 * spec: outcome, treat, weights, adjust, interact, target, cluster, vcov,
 * rescale_control, level, normal.  See host/match/effect.h. */
static int match_effect_lua(lua_State *L) {
  const char *fn = "match.effect";
  luaL_checkstack(L, 40, fn);
  const struct frame *f = lframe_check(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  const char *yn = lh_optstring(L, 2, "outcome", NULL, "a string"), *tn = lh_optstring(L, 2, "treat", NULL, "a string");
  if (!yn || !tn) return lh_error(L, "recipe", "%s: spec.outcome and spec.treat are required", fn);
  const char *wn = lh_optstring(L, 2, "weights", NULL, "a string"), *cn = lh_optstring(L, 2, "cluster", NULL, "a string");
  const char **adj;
  size_t q = lh_optnames(L, 2, "adjust", &adj);
  const struct frame_col *yc = lm_numcol(L, f, fn, "outcome", yn), *tc = lm_col(L, f, fn, "treatment", tn);
  const struct frame_col *wc = wn ? lm_numcol(L, f, fn, "weights", wn) : NULL;
  const struct frame_col *cc = cn ? lm_col(L, f, fn, "cluster", cn) : NULL;
  const struct frame_col **use = lh_scratch(L, (q + 4) * sizeof *use), **zc = use + 4;
  for (size_t c = 0; c < q; c++) zc[c] = lm_numcol(L, f, fn, "adjustment covariate", adj[c]);
  use[0] = yc;
  use[1] = tc;
  use[2] = wc;
  use[3] = cc;
  size_t N = f->nrow, m;
  size_t *keep = lh_complete_rows(L, use, q + 4, N, &m);
  if (m == 0) return lh_error(L, "data", "%s: no row has every value needed", fn);
  struct effect_spec s;
  memset(&s, 0, sizeof s);
  s.n = m;
  s.y = lm_values(L, yc, keep, m);
  s.treat = lm_treat(L, tc, keep, m, fn);
  if (wc) s.w = weights_of(L, f, fn, wn, keep, m);
  if (q > 0) {
    double *Z = lh_scratch(L, m * q * sizeof *Z);
    for (size_t c = 0; c < q; c++)
      for (size_t j = 0; j < m; j++) Z[j + m * c] = frame_col_getd(zc[c], keep[j]);
    s.Z = Z;
    s.q = q;
  }
  s.interact = lh_optbool(L, 2, "interact", 0);
  const char *target = lh_optstring(L, 2, "target", "ATT", "a string");
  if (strcmp(target, "ATT") == 0) s.target = EFFECT_ATT;
  else if (strcmp(target, "ATE") == 0) s.target = EFFECT_ATE;
  else if (strcmp(target, "ATC") == 0) s.target = EFFECT_ATC;
  else return lh_error(L, "recipe", "%s: target must be \"ATT\", \"ATE\" or \"ATC\"", fn);
  const char *vc = lh_optstring(L, 2, "vcov", cc ? "cluster" : "HC1", "a string");
  int vi = -1;
  for (int i = 0; VCOVS[i]; i++)
    if (strcmp(vc, VCOVS[i]) == 0) vi = i;
  if (vi < 0)
    return lh_error(L, "recipe", "%s: unknown vcov \"%s\" (cluster, HC0, HC1, HC3, svyglm, classical)", fn, vc);
  s.vcov = (enum effect_vcov)vi;
  if (cc) {
    const struct frame_col *one[1] = {cc};
    int32_t *code = lm_strata(L, one, 1, keep, m);
    size_t *cl = lh_scratch(L, m * sizeof *cl), G = 0;
    for (size_t j = 0; j < m; j++) {
      cl[j] = (size_t)code[j];
      if (cl[j] + 1 > G) G = cl[j] + 1;
    }
    s.cluster = cl;
    s.G = G;
  }
  s.rescale_control = lh_optnumber(L, 2, "rescale_control", 1.0);
  s.level = lh_optnumber(L, 2, "level", 0.95);
  s.normal = lh_optbool(L, 2, "normal", 0);
  struct effect_result r;
  char err[512];
  int st = effect_estimate(&s, &r, err, sizeof err);
  if (st == GSL_ENOMEM) return lh_nomem(L, fn);
  if (st == GSL_ESING) {
    size_t b = r.bad_col;
    if (b == 1) return lh_error(L, "analysis", "%s: the treatment is collinear with the intercept in the rows used", fn);
    if (b >= 2 && b < 2 + q)
      return lh_error(L, "analysis", "%s: adjustment covariate '%s' is a linear combination of the treatment and "
                        "earlier covariates (collinear) in the rows used; drop it", fn, adj[b - 2]);
    return lh_error(L, "analysis", "%s: the interaction of the treatment with '%s' is collinear; drop it or "
                      "set interact = false", fn, b >= 2 + q ? adj[b - 2 - q] : "?");
  }
  if (st != GSL_SUCCESS) return lh_error(L, "analysis", "%s: %s", fn, err);
  lua_createtable(L, 0, 20);
  lh_set_estimate(L, r.estimate, r.se, r.statistic, r.df, r.p_value, r.conf_low, r.conf_high);
  lh_setnum(L, "mean_treated", r.mean[1]);
  lh_setnum(L, "mean_control", r.mean[0]);
  lh_setnum(L, "sum_w_treated", r.sum_w[1]);
  lh_setnum(L, "sum_w_control", r.sum_w[0]);
  lh_setint(L, "n_used", (lua_Integer)r.n_used);
  lh_setint(L, "n_treated", (lua_Integer)r.n_group[1]);
  lh_setint(L, "n_control", (lua_Integer)r.n_group[0]);
  lh_setint(L, "n_dropped", (lua_Integer)(N - m));
  lh_setint(L, "k", (lua_Integer)r.k);
  if (s.vcov == EFFECT_CR1) lh_setint(L, "n_clusters", (lua_Integer)r.G_used);
  lua_pushstring(L, VCOVS[vi]);
  lua_setfield(L, -2, "vcov");
  return 1;
}

static const luaL_Reg weight_funcs[] = {
    {"ipw", match_ipw_lua}, {"balance", match_balance_lua}, {"effect", match_effect_lua},
    {NULL, NULL}};

void lmatch_weight_register(lua_State *L) { luaL_setfuncs(L, weight_funcs, 0); }
