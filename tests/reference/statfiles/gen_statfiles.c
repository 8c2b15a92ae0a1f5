/* tests/reference/statfiles/gen_statfiles.c -- writes the Stata, SPSS and SAS
 * fixtures of the statistical-file reader with ReadStat's own writer:
 * children.dta (Stata 12, format 115, with extended missing .a and .b),
 * children.sav and children.por (SPSS, with user-missing codes) and
 * children.sas7bdat (SAS, with special missing .A and .B).  Every file holds
 * the same eight rows, with variable labels, value labels and a date column.
 * Run by make_statfiles.R (first line of that file says how); the files are
 * committed, so the tests need neither R nor this program.
 * Build: cc -o gen_statfiles gen_statfiles.c -lreadstat */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readstat.h>

#define NROW 8

enum fmt { DTA, SAV, POR, SAS };

/* Days from 1970-01-01 (Hinnant's civil-date algorithm). */
static long days_from_civil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long)doe - 719468;
}

static ssize_t put(const void *data, size_t len, void *ctx) {
  return (ssize_t)fwrite(data, 1, len, ctx);
}

/* -1 in the data below marks a missing cell: system missing, or the
 * format's own kind of missing where the row's comment says so. */
static const int sex[NROW] = {1, 2, 2, 1, -100, 1, 2, -1};     /* row 5: .a / user -9 */
static const double score[NROW] = {12.5, 7.25, -1, 20, 15.75, -200, 3, 11};  /* row 6: .b / user 99 */
static const int dob[NROW][3] = {{2010, 3, 14}, {2011, 7, 1}, {2009, 12, 31}, {0, 0, 0},
                                 {2012, 2, 29}, {2010, 10, 10}, {2008, 1, 5}, {2013, 6, 30}};
static const char *const name[NROW] = {"Amy", "Ben", "", "Dee", "Eli", "Fay", "Gus", "Hal"};
static const int region[NROW] = {1, 2, 3, 4, 1, 2, 3, 1};       /* 4 has no label */

/* SPSS portable files hold upper-case names (ReadStat's writer insists). */
static const char *nm(enum fmt f, const char *name) {
  static char buf[64];
  size_t i = 0;
  for (; name[i] && i + 1 < sizeof buf; i++)
    buf[i] = f == POR && name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 32) : name[i];
  buf[i] = '\0';
  return buf;
}

static int write_one(enum fmt f, const char *path) {
  FILE *fp = fopen(path, "wb");
  if (!fp) { perror(path); return 1; }
  readstat_writer_t *w = readstat_writer_init();
  readstat_set_data_writer(w, put);
  readstat_writer_set_file_label(w, "csceval statistical-file fixture");
  readstat_writer_set_file_timestamp(w, 1700000000);   /* fixed, so the bytes are the same each run */
  readstat_type_t lt = f == DTA ? READSTAT_TYPE_INT32 : READSTAT_TYPE_DOUBLE;
  readstat_label_set_t *sexl = NULL, *regl = NULL, *scl = NULL;
  if (f != SAS) {
    sexl = readstat_add_label_set(w, lt, "sexl");
    regl = readstat_add_label_set(w, lt, "regionl");
    if (f == DTA) {
      readstat_label_int32_value(sexl, 1, "Girl");
      readstat_label_int32_value(sexl, 2, "Boy");
      readstat_label_tagged_value(sexl, 'a', "Not asked");
      readstat_label_int32_value(regl, 1, "North");
      readstat_label_int32_value(regl, 2, "Midlands");
      readstat_label_int32_value(regl, 3, "South");
    } else {
      readstat_label_double_value(sexl, 1, "Girl");
      readstat_label_double_value(sexl, 2, "Boy");
      readstat_label_double_value(sexl, -9, "Refused");
      readstat_label_double_value(regl, 1, "North");
      readstat_label_double_value(regl, 2, "Midlands");
      readstat_label_double_value(regl, 3, "South");
      scl = readstat_add_label_set(w, lt, "scorel");
      readstat_label_double_value(scl, 99, "Not recorded");
    }
  }
  readstat_variable_t *v_id = readstat_add_variable(w, nm(f, "id"), READSTAT_TYPE_DOUBLE, 0);
  readstat_variable_set_label(v_id, "Child identifier");
  readstat_variable_set_format(v_id, f == DTA ? "%8.0g" : f == SAS ? "BEST12" : "F8.0");
  readstat_variable_t *v_sex = readstat_add_variable(w, nm(f, "sex"), READSTAT_TYPE_DOUBLE, 0);
  readstat_variable_set_label(v_sex, "Sex of child");
  readstat_variable_set_format(v_sex, f == DTA ? "%8.0g" : f == SAS ? "BEST12" : "F8.0");
  if (sexl) readstat_variable_set_label_set(v_sex, sexl);
  if (f == SAV || f == POR) readstat_variable_add_missing_double_value(v_sex, -9);
  readstat_variable_t *v_score = readstat_add_variable(w, nm(f, "score"), READSTAT_TYPE_DOUBLE, 0);
  readstat_variable_set_label(v_score, "SDQ total difficulties");
  readstat_variable_set_format(v_score, f == DTA ? "%9.2f" : f == SAS ? "BEST12" : "F8.2");
  if (f == SAV || f == POR) {
    readstat_variable_add_missing_double_value(v_score, 99);
    readstat_variable_set_label_set(v_score, scl);
  }
  readstat_variable_t *v_dob = readstat_add_variable(w, nm(f, "dob"), READSTAT_TYPE_DOUBLE, 0);
  readstat_variable_set_label(v_dob, "Date of birth");
  readstat_variable_set_format(v_dob, f == DTA ? "%td" : f == SAS ? "DATE9" : "DATE11");
  readstat_variable_t *v_name = readstat_add_variable(w, nm(f, "name"), READSTAT_TYPE_STRING, 8);
  readstat_variable_set_label(v_name, "First name");
  readstat_variable_set_format(v_name, f == DTA ? "%8s" : f == SAS ? "$8" : "A8");
  readstat_variable_t *v_reg = readstat_add_variable(w, nm(f, "region"), READSTAT_TYPE_DOUBLE, 0);
  readstat_variable_set_label(v_reg, "Region of the authority");
  readstat_variable_set_format(v_reg, f == DTA ? "%8.0g" : f == SAS ? "BEST12" : "F8.0");
  if (regl) readstat_variable_set_label_set(v_reg, regl);

  readstat_error_t rc;
  switch (f) {
  case DTA:
    readstat_writer_set_file_format_version(w, 115);   /* Stata 12: R's foreign reads it */
    rc = readstat_begin_writing_dta(w, fp, NROW);
    break;
  case SAV: rc = readstat_begin_writing_sav(w, fp, NROW); break;
  case POR: rc = readstat_begin_writing_por(w, fp, NROW); break;
  default: rc = readstat_begin_writing_sas7bdat(w, fp, NROW); break;
  }
  long epoch_sas = days_from_civil(1960, 1, 1), epoch_spss = days_from_civil(1582, 10, 14);
  for (int i = 0; i < NROW && rc == READSTAT_OK; i++) {
    readstat_begin_row(w);
    readstat_insert_double_value(w, v_id, i + 1);
    if (sex[i] == -100) {
      if (f == SAV || f == POR) readstat_insert_double_value(w, v_sex, -9);
      else readstat_insert_tagged_missing_value(w, v_sex, f == SAS ? 'A' : 'a');
    } else if (sex[i] < 0) readstat_insert_missing_value(w, v_sex);
    else readstat_insert_double_value(w, v_sex, sex[i]);
    if (score[i] == -200) {
      if (f == SAV || f == POR) readstat_insert_double_value(w, v_score, 99);
      else readstat_insert_tagged_missing_value(w, v_score, f == SAS ? 'B' : 'b');
    } else if (score[i] < 0) readstat_insert_missing_value(w, v_score);
    else readstat_insert_double_value(w, v_score, score[i]);
    if (dob[i][0] == 0) readstat_insert_missing_value(w, v_dob);
    else {
      long d = days_from_civil(dob[i][0], (unsigned)dob[i][1], (unsigned)dob[i][2]);
      double x = f == SAV || f == POR ? (double)(d - epoch_spss) * 86400.0 : (double)(d - epoch_sas);
      readstat_insert_double_value(w, v_dob, x);
    }
    readstat_insert_string_value(w, v_name, name[i]);
    readstat_insert_double_value(w, v_reg, region[i]);
    rc = readstat_end_row(w);
  }
  if (rc == READSTAT_OK) rc = readstat_end_writing(w);
  readstat_writer_free(w);
  fclose(fp);
  if (rc != READSTAT_OK) { fprintf(stderr, "%s: %s\n", path, readstat_error_message(rc)); return 1; }
  return 0;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  static const char *const file[] = {"children.dta", "children.sav", "children.por", "children.sas7bdat"};
  int bad = 0;
  for (int f = 0; f < 4; f++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file[f]);
    bad |= write_one((enum fmt)f, path);
  }
  return bad;
}
