"""Writing a check result: formula-safe text, the CSV and the Excel copy sent back to townships."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import openpyxl
import pytest
from openpyxl import Workbook

from lax.check import CheckResult, check_records
from lax.criteria import load_criteria, packaged_path
from lax.i18n import set_lang
from lax.problems import LaxError, Problem
from lax.render.results import (
    EVIDENCE_FILL,
    FLAGGED_FILL,
    PROBLEM_FILL,
    UNKNOWN_FILL,
    csv_header,
    safe_text,
    write_csv,
    write_xlsx,
)

AS_OF = dt.date(2026, 9, 30)


@dataclass
class FakeRecord:
    """What `lax.check` needs of a record; built here so these tests do not depend on the readers."""

    values: tuple
    path: str
    sheet: str | None
    row: int
    columns: dict | None = None


CLEAN = dict(
    party_members=30,
    secretary_vacant_months=0,
    secretary_unfit=False,
    secretary_absent_days=0,
    team_disunity=False,
    committee_vacancies=0,
    election_completed=True,
    vote_buying_cases=0,
    org_life_held=True,
    years_since_new_member=0,
    gang_interference=False,
    disclosure_missed_months=0,
    asset_cases=0,
    collective_petitions=0,
    leapfrog_petitions=0,
    cadre_violations=0,
    mass_incidents=0,
    forest_fires=0,
    illegal_buildings=0,
    has_venue=True,
    satisfaction=88.0,
    collective_income=8.5,
    checked_on=dt.date(2026, 9, 24),
)


@pytest.fixture(scope="module")
def criteria():
    return load_criteria(packaged_path("criteria.yaml"))


def record(criteria, row, township, village, code, **changes):
    values = {"township": township, "village": village, "code": code, **CLEAN, **changes}
    return FakeRecord(tuple(values.get(f.id) for f in criteria.fields), "dengbu.xlsx", "排查表", row)


@pytest.fixture()
def result(criteria):
    records = [
        record(criteria, 5, "邓埠镇", "宋三村", "360622100201", forest_fires=2),
        record(criteria, 6, "邓埠镇", "仙台村", "360622100202"),
        record(criteria, 7, "邓埠镇", "新塘村", "360622100207", satisfaction=None),
        record(criteria, 8, "春涛乡", "罗坪村", "360622203201", election_completed=False, cadre_violations=1),
        record(criteria, 9, "邓埠镇", '=HYPERLINK("http://evil.example","点我")', None),
        record(criteria, 10, "邓埠镇", "大桥村", "360622100205", party_members=None),
    ]
    problems = [Problem("bad-number", "“七”不是整数", "dengbu.xlsx", "排查表", 10, "D", "party_members", "七")]
    return CheckResult(criteria, AS_OF, check_records(records, criteria), problems)


# ---------------------------------------------------------------------------------------- safe_text


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+86 701 5881234",
        "-2",
        "@SUM(A1:A9)",
        "\t=1",
        "\r=1",
        "＝1+1",
        "＋1",
        "－1",
        "＠A1",
        '=HYPERLINK("http://evil.example")',
    ],
)
def test_safe_text_neutralises_formula_starts(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("value", ["宋三村", "C05、C13", "", " =1", 7, 3.5, None, True, dt.date(2026, 9, 30)])
def test_safe_text_leaves_everything_else(value):
    assert safe_text(value) == value


# ---------------------------------------------------------------------------------------------- CSV


def read_csv_bytes(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_write_csv_chinese(tmp_path, result):
    set_lang("zh")
    path = tmp_path / "结果.csv"
    write_csv(result, path)
    rows = read_csv_bytes(path.read_bytes())
    assert rows[0][:6] == ["乡镇", "村名", "村代码", "来源", "认定", "符合标准"]
    assert rows[0][6] == "C01 党组织书记长期缺职"
    assert rows[0][-2:] == ["证据", "待定"]
    assert len(rows[0]) == 6 + 15 + 2
    assert len(rows) == 7

    song = rows[1]
    assert song[:6] == ["邓埠镇", "宋三村", "360622100201", "dengbu.xlsx，排查表，第5行", "是", "C14"]
    assert song[6 + 13] == "符合"
    assert song[6] == "不符合"
    assert song[-2:] == ["C14：森林火灾次数 = 2", ""]

    assert rows[2][4:6] == ["否", ""]
    assert rows[3][4] == "否"
    assert rows[3][6 + 14] == "待定"
    assert rows[3][-1] == "C15（空白：群众满意度）"

    luoping = rows[4]
    assert luoping[4:6] == ["是", "C05、C13"]
    assert luoping[-2] == "C05：换届完成 = 否；C13：干部违纪违法人次 = 1"

    # A village name that is a formula arrives as text starting with a quote.
    assert rows[5][1] == '\'=HYPERLINK("http://evil.example","点我")'
    assert rows[5][2] == ""


def test_write_csv_english_header_and_words(result):
    buf = io.BytesIO()
    write_csv(result, buf)
    rows = read_csv_bytes(buf.getvalue())
    assert rows[0][:6] == ["Township", "Village", "Village code", "Source", "Flagged", "Standards met"]
    assert rows[0][6 + 4] == "C05 Two-committee election not completed"
    assert rows[1][3:6] == ["dengbu.xlsx, 排查表, row 5", "yes", "C14"]
    assert rows[1][6 + 13] == "met" and rows[1][6] == "not met"
    assert rows[3][6 + 14] == "undetermined"
    assert rows[3][-1] == "C15 (blank: Satisfaction (%))"
    assert rows[4][-2] == "C05: Election completed = no; C13: Cadre violations = 1"
    assert csv_header(result.criteria) == rows[0]


def test_write_csv_to_text_stream_has_no_bom(result):
    buf = io.StringIO()
    write_csv(result, buf)
    assert buf.getvalue().startswith("Township,Village,")
    buf = io.StringIO()
    write_csv(result, buf, bom=True)
    assert buf.getvalue().startswith("\ufeffTownship,")


def test_write_csv_unwritable_path_is_one_clear_error(tmp_path, result):
    with pytest.raises(LaxError, match="cannot write"):
        write_csv(result, tmp_path / "no-such-folder" / "out.csv")


# --------------------------------------------------------------------------------------------- xlsx


def fill(cell) -> str | None:
    if cell.fill is None or cell.fill.fill_type != "solid":
        return None
    return cell.fill.fgColor.rgb[-6:]


def test_write_xlsx_results_sheet(tmp_path, result, criteria):
    set_lang("zh")
    path = tmp_path / "结果.xlsx"
    write_xlsx(result, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["结果", "问题", "说明"]
    ws = wb["结果"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["乡镇", "村名", "村代码"]
    assert header[26] == "排查日期"
    assert header[27] == "C01 党组织书记长期缺职"
    assert header[27 + 14] == "C15 群众满意度低"
    assert header[42:] == ["认定结果", "符合标准", "证据", "待定", "来源文件", "工作表", "行号"]
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == "A1:AW7"  # 27 fields + 15 standards + 7 = 49 columns
    assert ws.max_row == 7

    col = {h: i for i, h in enumerate(header)}
    song = list(ws[2])
    values = [c.value for c in song]
    assert values[:4] == ["邓埠镇", "宋三村", "360622100201", 30]
    assert values[col["书记不胜任"]] == "否"
    assert values[col["换届完成"]] == "是"
    assert values[col["排查日期"]] == dt.datetime(2026, 9, 24)
    assert song[col["排查日期"]].number_format == "yyyy-mm-dd"
    assert values[col["C14 社会治安和安全问题突出"]] == "符合"
    assert values[col["C01 党组织书记长期缺职"]] is None  # blank = not met
    assert values[42:] == ["是", "C14", "C14：森林火灾次数 = 2", None, "dengbu.xlsx", "排查表", 5]
    # The flagged row is light red; the evidence and the standard met are orange and bold.
    assert fill(song[0]) == FLAGGED_FILL
    assert fill(song[col["C01 党组织书记长期缺职"]]) == FLAGGED_FILL
    assert fill(song[col["森林火灾次数"]]) == EVIDENCE_FILL and song[col["森林火灾次数"]].font.b
    assert fill(song[col["C14 社会治安和安全问题突出"]]) == EVIDENCE_FILL
    assert not song[0].font.b

    xiantai = list(ws[3])
    assert [c.value for c in xiantai][42] == "否"
    assert all(fill(c) is None for c in xiantai)

    # Undetermined: the standard and the blank it waits for are light yellow; the row is not flagged.
    xintang = list(ws[4])
    assert xintang[col["群众满意度"]].value is None
    assert fill(xintang[col["群众满意度"]]) == UNKNOWN_FILL
    assert xintang[col["C15 群众满意度低"]].value == "待定"
    assert fill(xintang[col["C15 群众满意度低"]]) == UNKNOWN_FILL
    assert fill(xintang[0]) is None
    assert xintang[45].value == "C15（空白：群众满意度）"

    luoping = list(ws[5])
    assert fill(luoping[col["换届完成"]]) == EVIDENCE_FILL and luoping[col["换届完成"]].value == "否"
    assert fill(luoping[col["干部违纪违法人次"]]) == EVIDENCE_FILL
    assert luoping[42 + 1].value == "C05、C13"

    # Formula text stays text.
    assert ws.cell(6, 2).value == '\'=HYPERLINK("http://evil.example","点我")'
    assert ws.cell(6, 2).data_type == "s"

    # A bad value is shown as read, in lilac, where the township typed it.
    daqiao = list(ws[7])
    assert daqiao[col["党员人数"]].value == "七"
    assert fill(daqiao[col["党员人数"]]) == PROBLEM_FILL


def test_write_xlsx_problems_and_about_sheets(tmp_path, result):
    set_lang("zh")
    path = tmp_path / "结果.xlsx"
    write_xlsx(result, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["问题"]
    assert [c.value for c in ws[1]] == ["问题代码", "文件", "工作表", "行号", "列", "字段", "值", "说明"]
    assert [c.value for c in ws[2]] == [
        "bad-number",
        "dengbu.xlsx",
        "排查表",
        10,
        "D",
        "党员人数",
        "七",
        "“七”不是整数",
    ]
    assert ws.freeze_panes == "A2"

    about = {r[0]: r[1] for r in wb["说明"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert about["认定标准"] == "村级党组织软弱涣散认定标准（15条）"
    assert about["版本"] == 1
    assert about["截至日期"] == dt.datetime(2026, 9, 30)
    assert about["村数"] == 6
    assert about["认定软弱涣散"] == 2
    assert about["存在待定标准"] == 1
    assert about["数据问题"] == 1
    assert about["C14"] == "社会治安和安全问题突出"
    counts = {r[0]: r[2] for r in wb["说明"].iter_rows(min_row=2, values_only=True) if r[0] and r[0].startswith("C")}
    assert counts["C14"] == 1 and counts["C05"] == 1 and counts["C01"] == 0


def test_write_xlsx_english(tmp_path, result):
    path = tmp_path / "results.xlsx"
    calls = []
    write_xlsx(result, path, on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(6, 6)]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Results", "Problems", "About"]
    ws = wb["Results"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Township", "Village", "Village code"]
    assert header[27 + 4] == "C05 Two-committee election not completed"
    assert header[42:44] == ["Flagged", "Standards met"]
    row = [c.value for c in ws[5]]
    assert row[header.index("Election completed")] == "no"
    assert row[header.index("C05 Two-committee election not completed")] == "met"
    assert row[42:45] == ["yes", "C05, C13", "C05: Election completed = no; C13: Cadre violations = 1"]


def test_write_xlsx_no_problems_leaves_a_header_only_sheet(tmp_path, criteria):
    res = CheckResult(
        criteria, AS_OF, check_records([record(criteria, 3, "黄溪镇", "塔洲村", "360622101201")], criteria)
    )
    write_xlsx(res, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert wb["Problems"].max_row == 1
    assert wb["Results"].max_row == 2


def test_write_xlsx_unwritable_path_is_one_clear_error(tmp_path, result):
    with pytest.raises(LaxError, match="cannot write"):
        write_xlsx(result, tmp_path / "no-such-folder" / "out.xlsx")


def test_write_xlsx_replaces_an_existing_file_and_leaves_no_temporary(tmp_path, result):
    path = tmp_path / "结果.xlsx"
    path.write_bytes(b"old")
    write_xlsx(result, path)
    assert openpyxl.load_workbook(path).sheetnames == ["Results", "Problems", "About"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["结果.xlsx"]
    with pytest.raises(LaxError, match="is a folder"):
        write_xlsx(result, tmp_path)


def test_results_workbook_reads_back_through_lax_check(tmp_path, criteria):
    """The copy sent back to a township is itself a valid input: same villages, same values, and the bad
    value still reported, now at its place in the results sheet."""
    from lax.check import run_check

    src = tmp_path / "邓埠镇.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["邓埠镇村级党组织软弱涣散情况排查表"])
    ws.append([f.title_zh for f in criteria.fields])
    rows = [
        {"village": "宋三村", "code": "360622100201", "forest_fires": 2},
        {"village": "仙台村", "code": "360622100202", "party_members": "七"},
        {"village": "新塘村", "code": "360622100207", "satisfaction": None, "election_completed": False},
    ]
    for r in rows:
        values = {"township": "邓埠镇", **CLEAN, **r}
        ws.append(
            [("是" if v else "否") if isinstance(v, bool) else v for v in (values.get(f.id) for f in criteria.fields)]
        )
    wb.save(src)

    first = run_check([str(src)], criteria, AS_OF)
    assert [p.code for p in first.problems] == ["bad-number"]
    set_lang("zh")
    out = tmp_path / "结果.xlsx"
    write_xlsx(first, out)
    second = run_check([str(out)], criteria, AS_OF)
    assert [v.record.values for v in second.villages] == [v.record.values for v in first.villages]
    assert [(m.matches, m.undetermined) for m in second.villages] == [
        (m.matches, m.undetermined) for m in first.villages
    ]
    assert [(p.code, p.sheet, p.row, p.field, p.value) for p in second.problems] == [
        ("bad-number", "结果", 3, "party_members", "七")
    ]
