/* tests/fuzz/workbook.c -- the workbook and survey-export reader
 * (host/data/workbook*.c).  Input: one option byte, then the bytes of one
 * part.  The option's low two bits choose what the bytes are: a survey
 * export saved as CSV, the sheet XML of an .xlsx, its shared strings, or the
 * content.xml of an .ods; the other parts are fixed and valid, so the
 * fuzzer works on the XML, not on the zip archive.  Bit 2 asks for two
 * header rows (a survey export), bit 3 for header row 2.  Checks: no crash
 * or sanitizer report; a load gives a frame that keeps every invariant
 * (fz_frame_check); an error gives a message naming the file. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "data/workbook.h"
#include "frame_check.h"

static char csv_path[64], xlsx_path[64], ods_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  snprintf(csv_path, sizeof csv_path, "/tmp/csceval-fuzz-wb-%ld.csv", (long)getpid());
  snprintf(xlsx_path, sizeof xlsx_path, "/tmp/csceval-fuzz-wb-%ld.xlsx", (long)getpid());
  snprintf(ods_path, sizeof ods_path, "/tmp/csceval-fuzz-wb-%ld.ods", (long)getpid());
  return 0;
}

static const char workbook_xml[] =
  "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
  "<sheet name=\"T\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels_xml[] =
  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
  "<Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>";
static const char styles_xml[] =
  "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
  "<numFmts><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/></numFmts><cellXfs>"
  "<xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>";
static const char sst_xml[] =
  "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
  "<si><t>la</t></si><si><t>rate</t></si><si><r><t>Der</t></r><r><t>by</t></r></si></sst>";
static const char sheet_xml[] =
  "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
  "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
  "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" s=\"1\"><v>43000</v></c></row>"
  "</sheetData></worksheet>";

static void add(zip_t *z, const char *name, const void *data, size_t len) {
  zip_source_t *s = zip_source_buffer(z, data, len, 0);
  if (!s || zip_file_add(z, name, s, ZIP_FL_OVERWRITE) < 0) fuzz_fail("cannot add %s", name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  unsigned opt = data[0];
  const char *buf = (const char *)data + 1;
  size_t len = size - 1;
  struct workbook_opts o;
  workbook_opts_init(&o);
  if (opt & 4) o.header_rows = 2;
  if (opt & 8) o.header_row = 2;
  const char *path;
  struct workbook_error e;
  struct frame *f;
  if ((opt & 3) == 0) {
    path = csv_path;
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(buf, 1, len, fp) != len || fclose(fp) != 0) fuzz_fail("cannot write %s", path);
    o.header_rows = 2;
    f = workbook_read_survey_csv(path, &o, &e);
  } else {
    path = (opt & 3) == 3 ? ods_path : xlsx_path;
    int err = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z) fuzz_fail("cannot create %s", path);
    if ((opt & 3) == 3) {
      add(z, "content.xml", buf, len);
    } else {
      add(z, "xl/workbook.xml", workbook_xml, sizeof workbook_xml - 1);
      add(z, "xl/_rels/workbook.xml.rels", rels_xml, sizeof rels_xml - 1);
      add(z, "xl/styles.xml", styles_xml, sizeof styles_xml - 1);
      if ((opt & 3) == 1) {
        add(z, "xl/sharedStrings.xml", sst_xml, sizeof sst_xml - 1);
        add(z, "xl/worksheets/sheet1.xml", buf, len);
      } else {
        add(z, "xl/sharedStrings.xml", buf, len);
        add(z, "xl/worksheets/sheet1.xml", sheet_xml, sizeof sheet_xml - 1);
      }
    }
    if (zip_close(z) != 0) fuzz_fail("cannot write %s", path);
    f = workbook_read(path, &o, &e);
  }
  unlink(path);
  if (f) fz_frame_check(f);
  else if (strncmp(e.msg, path, strlen(path)) != 0) fuzz_fail("message without the file name: %s", e.msg);
  frame_free(f);
  return 0;
}
