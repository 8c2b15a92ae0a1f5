#!/usr/bin/python3
# Run as: /usr/bin/python3 tests/reference/workbooks/make_workbooks.py   (from the project root;
# needs Debian's python3-openpyxl)
#
# Fixtures for csceval's workbook reader (host/data/workbook*.c):
#   outcomes.xlsx  a published-table sheet as DfE and Ofsted lay them out: a
#                  merged title row, a note, a blank row, then the table (header
#                  in row 4), a blank row and a footnote; shared strings (one in
#                  rich-text runs), an inline string, numbers, a percentage,
#                  dates in a built-in and a custom format, a date-time, booleans,
#                  formulas with their cached results, an error (#DIV/0!), the
#                  suppression code "c", a region merged down two rows.  A
#                  cover sheet comes first, so the table is not sheet 1; a
#                  third sheet holds ISO 8601 date cells (t="d").
#   survey.xlsx,   a SurveyMonkey-style export: row 1 the questions (merged
#   survey.csv     across their options in the .xlsx, blank after the first in
#                  the .csv), row 2 "Response" or the answer option; a
#                  single-answer question, a tick-all-that-apply question with an
#                  "Other (please specify)" text box, and a two-row matrix.
# The workbooks are written part by part (as Excel writes them, with cached
# formula values, which openpyxl cannot write), then read back with openpyxl
# (data_only=True, its cached values) into expected_outcomes.csv: the second
# reader's view that tests/lua/test_workbooks.lua compares csceval with.  In
# that file a merged range's cells all take the anchor's value (csceval's
# documented rule; openpyxl leaves them empty) and a date is written
# YYYY-MM-DD (YYYY-MM-DD HH:MM:SS with a time).
import csv, datetime, os, zipfile
from xml.sax.saxutils import escape

D = "tests/reference/workbooks"
FIXED = (2024, 1, 1, 0, 0, 0)   # zip member times, so the bytes are the same each run

def col_name(c):
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s

def ref(r, c):
    return f"{col_name(c)}{r + 1}"

def serial(d):
    base = datetime.datetime(1899, 12, 30)
    if isinstance(d, datetime.date) and not isinstance(d, datetime.datetime):
        d = datetime.datetime(d.year, d.month, d.day)
    return (d - base).total_seconds() / 86400.0

class Book:
    def __init__(self):
        self.sst, self.sheets = [], []
    def s(self, text):
        if text not in self.sst:
            self.sst.append(text)
        return self.sst.index(text)
    def sheet(self, name, cells, merges=()):
        self.sheets.append((name, cells, merges))
    def sheet_xml(self, cells, merges):
        rows = {}
        for (r, c), v in cells.items():
            rows.setdefault(r, []).append((c, v))
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>']
        for r in sorted(rows):
            out.append(f'<row r="{r + 1}">')
            for c, v in sorted(rows[r]):
                kind, rest = v[0], v[1:]
                a = ref(r, c)
                if kind == "s":
                    out.append(f'<c r="{a}" t="s"><v>{self.s(rest[0])}</v></c>')
                elif kind == "rich":     # a shared string in rich-text runs
                    out.append(f'<c r="{a}" t="s"><v>{self.s(rest)}</v></c>')
                elif kind == "inline":
                    out.append(f'<c r="{a}" t="inlineStr"><is><t>{escape(rest[0])}</t></is></c>')
                elif kind == "n":
                    st = f' s="{rest[1]}"' if len(rest) > 1 else ""
                    out.append(f'<c r="{a}"{st}><v>{rest[0]!r}</v></c>')
                elif kind == "f":        # formula, cached value, style
                    st = f' s="{rest[2]}"' if len(rest) > 2 else ""
                    out.append(f'<c r="{a}"{st}><f>{escape(rest[0])}</f><v>{rest[1]!r}</v></c>')
                elif kind == "d":        # an ISO 8601 date cell, as strict OOXML writes them
                    out.append(f'<c r="{a}" t="d"><v>{rest[0]}</v></c>')
                elif kind == "b":
                    out.append(f'<c r="{a}" t="b"><v>{rest[0]}</v></c>')
                elif kind == "e":
                    out.append(f'<c r="{a}" t="e"><f>{escape(rest[1])}</f><v>{rest[0]}</v></c>')
            out.append('</row>')
        out.append('</sheetData>')
        if merges:
            out.append(f'<mergeCells count="{len(merges)}">')
            out += [f'<mergeCell ref="{m}"/>' for m in merges]
            out.append('</mergeCells>')
        out.append('</worksheet>')
        return "".join(out)
    def save(self, path):
        sheets_xml = [self.sheet_xml(c, m) for _, c, m in self.sheets]
        ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        sst = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {ns} count="{len(self.sst)}" uniqueCount="{len(self.sst)}">']
        for t in self.sst:
            if isinstance(t, tuple):
                sst.append("<si>" + "".join(f'<r><t xml:space="preserve">{escape(x)}</t></r>' for x in t) + "</si>")
            else:
                sst.append(f'<si><t xml:space="preserve">{escape(t)}</t></si>')
        sst.append("</sst>")
        styles = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {ns}>'
                  '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
                  '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>'
                  '<fonts count="1"><font><sz val="11"/><name val="Arial"/></font></fonts>'
                  '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
                  '<borders count="1"><border/></borders>'
                  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                  '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                  '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                  '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                  '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                  '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                  '</cellXfs></styleSheet>')
        wb = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {ns} '
              'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>']
        rels = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
        ct = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types '
              'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
              '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
              '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>']
        for i, (name, _, _) in enumerate(self.sheets, 1):
            wb.append(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>')
            rels.append(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>')
            ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        n = len(self.sheets)
        rels.append(f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>')
        rels.append(f'<Relationship Id="rId{n + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
        wb.append("</sheets></workbook>")
        rels.append("</Relationships>")
        ct.append("</Types>")
        parts = {
            "[Content_Types].xml": "".join(ct),
            "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            "xl/workbook.xml": "".join(wb),
            "xl/_rels/workbook.xml.rels": "".join(rels),
            "xl/styles.xml": styles,
            "xl/sharedStrings.xml": "".join(sst),
        }
        for i, x in enumerate(sheets_xml, 1):
            parts[f"xl/worksheets/sheet{i}.xml"] = x
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, text in parts.items():
                z.writestr(zipfile.ZipInfo(name, FIXED), text)

# ===== outcomes.xlsx =====
b = Book()
b.sheet("Cover", {(0, 0): ("s", "Children in need: outcomes by authority"),
                  (2, 0): ("s", "This workbook holds one table, on the sheet Table 1.")})
header = ["la_code", "la_name", "region", "rate", "referrals", "share", "started",
          "reviewed", "updated", "good", "double_rate", "per_referral"]
rows = [
    ["E06000015", "Derby", "East Midlands", 512.25, 3021, 0.25, datetime.date(2019, 4, 1),
     datetime.date(2020, 3, 31), datetime.datetime(2021, 6, 1, 9, 30), 1],
    ["E10000007", "Derbyshire", None, 401.5, "c", 0.125, datetime.date(2019, 10, 1),
     datetime.date(2020, 12, 31), datetime.datetime(2021, 6, 2, 0, 0), 0],
    ["E06000018", "Nottingham", "East Midlands 2", 630.0, 0, 0.5, datetime.date(2018, 1, 15),
     datetime.date(2019, 1, 15), datetime.datetime(2021, 6, 3, 17, 45, 30), 1],
    ["E10000024", "Nottinghamshire, County", "East Midlands 2", 0.1, 1200, 1.0, datetime.date(2000, 2, 29),
     datetime.date(1900, 3, 1), datetime.datetime(2021, 6, 4, 12, 0), 0],
]
cells = {(0, 0): ("s", "Table 1: Referrals to children's social care, by local authority, 2019-20"),
         (1, 0): ("s", "Source: a test fixture for csceval. The table begins in cell A4."),
         (10, 0): ("s", "c: suppressed to protect confidentiality.")}
for c, h in enumerate(header):
    cells[(3, c)] = ("s", h)
for i, row in enumerate(rows):
    r = 4 + i
    code, name, region, rate, refs, share, started, reviewed, updated, good = row
    cells[(r, 0)] = ("inline", code) if i == 3 else ("s", code)
    cells[(r, 1)] = ("rich", "Derby", "shire") if name == "Derbyshire" else ("s", name)
    if region is not None:
        cells[(r, 2)] = ("s", region)
    cells[(r, 3)] = ("n", rate, 5)
    cells[(r, 4)] = ("s", refs) if isinstance(refs, str) else ("n", refs)
    cells[(r, 5)] = ("n", share, 4)
    cells[(r, 6)] = ("n", serial(started), 1)
    cells[(r, 7)] = ("n", serial(reviewed), 2)
    cells[(r, 8)] = ("n", serial(updated), 3)
    cells[(r, 9)] = ("b", good)
    cells[(r, 10)] = ("f", f"D{r + 1}*2", rate * 2)
    if refs == 0:
        cells[(r, 11)] = ("e", "#DIV/0!", f"D{r + 1}/E{r + 1}")
    elif isinstance(refs, str):
        cells[(r, 11)] = ("e", "#VALUE!", f"D{r + 1}/E{r + 1}")
    else:
        cells[(r, 11)] = ("f", f"D{r + 1}/E{r + 1}", rate / refs)
# East Midlands merged down the rows of Derby and Derbyshire; the title across the table
b.sheet("Table 1", cells, merges=["A1:L1", "C5:C6"])
b.sheet("As at", {(0, 0): ("s", "as_at"), (1, 0): ("d", "2025-03-31T00:00:00"),
                  (2, 0): ("d", "2025-06-30T00:00:00")})
b.save(os.path.join(D, "outcomes.xlsx"))

# ===== survey.xlsx and survey.csv =====
q_safe = "How safe do you feel where you live?"
q_help = "Which of these help you when things are hard? (tick all that apply)"
q_often = "In the last week, how often did you..."
head1 = ["Respondent ID", "Collector ID", "Start Date", q_safe, q_help, None, None, None, None, q_often, None]
head2 = [None, None, None, "Response", "Friends", "Family", "School", "Other (please specify)",
         "Open-Ended Response", "sleep well", "eat breakfast"]
answers = [
    [11401, 3001, "2019-05-02", "Very safe", "Friends", None, "School", None, None, "Most days", "Every day"],
    [11402, 3001, "2019-05-02", "Quite safe", None, "Family", None, "Other (please specify)", "My dog", "Some days", None],
    [11403, 3002, "2019-05-03", None, None, None, None, None, None, None, None],
    [11404, 3002, "2019-05-04", "Not very safe, sometimes", "Friends", "Family", "School", None, None, "Never", "Most days"],
]
sb = Book()
cells = {}
for c, t in enumerate(head1):
    if t is not None:
        cells[(0, c)] = ("s", t)
for c, t in enumerate(head2):
    if t is not None:
        cells[(1, c)] = ("s", t)
for i, row in enumerate(answers):
    for c, v in enumerate(row):
        if v is None:
            continue
        cells[(2 + i, c)] = ("n", v) if isinstance(v, int) else ("s", v)
sb.sheet("Sheet", cells, merges=["E1:I1", "J1:K1"])
sb.save(os.path.join(D, "survey.xlsx"))
with open(os.path.join(D, "survey.csv"), "w", newline="") as fh:
    w = csv.writer(fh, lineterminator="\r\n")
    w.writerow(["" if x is None else x for x in head1])
    w.writerow(["" if x is None else x for x in head2])
    for row in answers:
        w.writerow(["" if x is None else x for x in row])

# ===== the second reader: openpyxl's view of outcomes.xlsx =====
import openpyxl
wb = openpyxl.load_workbook(os.path.join(D, "outcomes.xlsx"), data_only=True)
ws = wb["Table 1"]
fill = {}
for rng in ws.merged_cells.ranges:
    anchor = ws.cell(rng.min_row, rng.min_col).value
    for r in range(rng.min_row, rng.max_row + 1):
        for c in range(rng.min_col, rng.max_col + 1):
            fill[(r, c)] = anchor
def show(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d") if v.time() == datetime.time(0) else v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, float):
        return repr(v)
    return str(v)
with open(os.path.join(D, "expected_outcomes.csv"), "w", newline="") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["row", "column", "value"])
    for r in range(5, 9):
        for c in range(1, len(header) + 1):
            v = fill.get((r, c), ws.cell(r, c).value)
            w.writerow([r - 4, header[c - 1], show(v)])
