"""Importing a county's existing Excel 台账 into the ledger, and exporting the ledger back to one."""

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import load_criteria
from lax.ledger.excel import neutralise, parse_standards

runner = CliRunner()
D = dt.date

HEADER = [
    "序号",
    "乡镇",
    "村名",
    "认定时间",
    "软弱涣散情形",
    "主要问题",
    "整改措施",
    "责任人",
    "整改时限",
    "整改进展",
    "投入资金（元）",
    "验收时间",
    "验收情况",
    "销号时间",
]


def make_ledger(path: Path, rows: list[list], header=HEADER, title=True) -> Path:
    """A 台账 as a county keeps it: title rows, a header, the township merged down, a footer."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "整顿台账"
    if title:
        ws.append(["余江县软弱涣散村党组织整顿台账"])
        ws.append(["填报单位：县委组织部", None, None, None, None, None, None, None, "日期：2026年12月31日"])
    ws.append(header)
    first = ws.max_row + 1
    for r in rows:
        ws.append(r)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text a clerk typed, not a formula
    ws.append([])
    ws.append(["填表人：张三", None, None, None, "审核人：李四"])
    # 邓埠镇 merged over its two villages, as townships send it.
    if title and len(rows) > 1 and rows[1][1] is None:
        ws.merge_cells(start_row=first, start_column=2, end_row=first + 1, end_column=2)
    wb.save(path)
    return path


REALISTIC = [
    [
        1,
        "邓埠镇",
        "宋三村",
        D(2026, 3, 31),
        "C05、C13",
        "换届选举未完成；村干部违规发放补贴",
        "1.召开党员大会重新选举\n2.县乡联合督导",
        "李明",
        D(2026, 9, 30),
        "完成支部换届选举",
        31500,
        D(2026, 9, 20),
        "通过（85分）",
        None,
    ],
    [
        2,
        None,
        "西畈村",
        D(2025, 3, 31),
        "第12条",
        "越级上访集中",
        "化解信访积案",
        "王强",
        D(2025, 9, 30),
        None,
        None,
        D(2025, 9, 30),
        "合格",
        D(2026, 10, 8),
    ],
    [
        3,
        "黄溪镇",
        "塔洲村",
        "2026年6月30日",
        "组织生活不正常，“三会一课”不落实",
        "三会一课长期不开",
        "落实三会一课制度",
        "赵刚",
        "2026/12/31",
        "已开展两次主题党日",
        "1.2万",
        D(2026, 12, 20),
        "未通过",
        None,
    ],
    [
        4,
        "洪湖乡",
        "东阳村",
        D(2026, 9, 30),
        "第五条、第十三条",
        '=HYPERLINK("http://x")',
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],
    [
        5,
        "洪湖乡",
        "塘桥村",
        D(2026, 3, 31),
        "信访矛盾纠纷集中",
        "集体访频发",
        "化解信访积案；县乡联合督导",
        "周平",
        D(2026, 9, 30),
        None,
        None,
        D(2026, 9, 28),
        "78",
        None,
    ],
]


def lax(*args, cwd_env=None):
    return runner.invoke(app, ["ledger", *args], env=cwd_env)


@pytest.fixture
def crit():
    return load_criteria()


@pytest.mark.parametrize(
    "text, ids, unknown",
    [
        ("C05、C13", ["C05", "C13"], []),
        ("c5,13", ["C05", "C13"], []),
        ("第12条", ["C12"], []),
        ("第五条、第十三条", ["C05", "C13"], []),
        ("组织生活不正常，“三会一课”不落实", ["C07"], []),
        ("书记不胜任现职、工作不在状态；村干部违纪违法", ["C02", "C13"], []),
        ('C05 "两委"换届未能顺利完成\nC13 村干部违纪违法', ["C05", "C13"], []),
        ("Vote-buying in elections", ["C06"], []),
        ("党建薄弱、C03", ["C03"], ["党建薄弱"]),
        ("第16条", [], ["第16条"]),
    ],
)
def test_parse_standards(crit, text, ids, unknown):
    assert parse_standards(text, crit) == (ids, unknown)


def test_import_a_realistic_ledger(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = make_ledger(tmp_path / "2026年整顿台账.xlsx", REALISTIC)
    r = lax("import", str(src), "--date", "2026-12-31")
    assert r.exit_code == 0, r.output
    assert r.stdout == f"imported 5 village(s) from {src} into ledger: 5 new file(s), 0 already there\n"
    led = tmp_path / "ledger"
    assert sorted(p.name for p in led.glob("*.yaml")) == [
        "洪湖乡-东阳村.yaml",
        "洪湖乡-塘桥村.yaml",
        "邓埠镇-宋三村.yaml",
        "邓埠镇-西畈村.yaml",
        "黄溪镇-塔洲村.yaml",
    ]
    assert (
        (led / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8")
        == """\
township: 邓埠镇
village: 宋三村
code: null
events:
- date: 2026-03-31
  type: identified
  channel: self
  criteria: [C05, C13]
  deadline: 2026-09-30
  source: 2026年整顿台账.xlsx
  note: 换届选举未完成；村干部违规发放补贴
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
- date: 2026-03-31
  type: planned
  measures: [召开党员大会重新选举, 县乡联合督导]
  township_leader: 李明
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
- date: 2026-09-20
  type: progress
  note: 完成支部换届选举
  funds: 31500
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
- date: 2026-09-20
  type: acceptance
  passed: true
  score: 85
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
"""
    )

    def show(name, day):
        r = lax("show", name, "--as-of", day, "--format", "json")
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    xifan = show("西畈村", "2026-12-31")
    assert (xifan["township"], xifan["status"], xifan["criteria"], xifan["watch_until"]) == (
        "邓埠镇",
        "closed",
        ["C12"],
        "2026-09-30",
    )
    tazhou = show("塔洲村", "2026-12-31")
    assert (tazhou["status"], tazhou["deadline"], tazhou["criteria"], tazhou["funds"]) == (
        "rectifying",
        "2027-06-20",
        ["C07"],
        12000,
    )
    assert tazhou["events"][0]["date"] == "2026-06-30"
    dongyang = show("东阳村", "2026-12-31")
    assert (dongyang["status"], dongyang["criteria"]) == ("identified", ["C05", "C13"])
    assert dongyang["events"][0]["note"] == '=HYPERLINK("http://x")'
    tangqiao = show("塘桥村", "2026-12-31")
    assert (tangqiao["status"], tangqiao["events"][-1]["score"]) == ("accepted", 78)  # 78 alone passes (>= 70)
    assert lax("verify").exit_code == 0
    # Importing the same ledger again finds everything already there and writes nothing.
    before = {p.name: p.read_bytes() for p in led.glob("*.yaml")}
    r = lax("import", str(src), "--date", "2026-12-31")
    assert r.exit_code == 0, r.output
    assert "0 new file(s), 5 already there" in r.stdout
    assert {p.name: p.read_bytes() for p in led.glob("*.yaml")} == before


def test_export_then_import_gives_the_same_ledger(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = make_ledger(tmp_path / "台账.xlsx", REALISTIC)
    assert lax("import", str(src), "--date", "2026-12-31").exit_code == 0
    out = tmp_path / "out" / "台账.xlsx"  # same file name, so the recorded source matches
    r = lax("export", str(out), "--as-of", "2026-12-31", "--lang", "zh")
    assert r.exit_code == 0, r.output
    assert r.stdout == f"已将 5 个村写入 {out}\n"
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    assert ws["A1"].value == "软弱涣散村党组织整顿台账（截至 2026年12月31日）"
    assert [c.value for c in ws[2]][:8] == [
        "序号",
        "乡镇",
        "村名",
        "村代码",
        "认定时间",
        "认定渠道",
        "软弱涣散情形",
        "主要问题",
    ]
    assert ws[2][0].font.b is True
    assert ws.freeze_panes == "A3"
    rows = {ws.cell(row=r, column=3).value: r for r in range(3, ws.max_row + 1)}
    dongyang = rows["东阳村"]
    note = ws.cell(row=dongyang, column=8)
    assert note.value == '\'=HYPERLINK("http://x")' and note.data_type == "s"  # cannot run as a formula
    assert ws.cell(row=rows["宋三村"], column=7).value == 'C05 "两委"换届未能顺利完成\nC13 村干部违纪违法'
    assert ws.cell(row=rows["宋三村"], column=5).value == dt.datetime(2026, 3, 31)
    # Import the export into a fresh ledger: the same files, byte for byte.
    r = lax("import", str(out), "--date", "2026-12-31", "--ledger", "again")
    assert r.exit_code == 0, r.output
    first = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "ledger").glob("*.yaml")}
    second = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "again").glob("*.yaml")}
    assert second == first


def test_every_bad_cell_is_a_problem_and_nothing_is_imported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = [
        [
            1,
            "邓埠镇",
            "宋三村",
            D(2026, 3, 31),
            "党建薄弱、C05",
            None,
            None,
            None,
            "2026-13-40",
            None,
            "三万元",
            None,
            None,
            None,
        ],
        [2, "黄溪镇", None, D(2026, 3, 31), "C07", None, None, None, None, None, None, None, None, None],
        [
            3,
            "黄溪镇",
            "塔洲村",
            D(2026, 3, 31),
            "C07",
            None,
            None,
            None,
            None,
            None,
            None,
            D(2026, 9, 1),
            "基本完成",
            None,
        ],
        [
            4,
            "洪湖乡",
            "东阳村",
            D(2026, 3, 31),
            "C12",
            None,
            "化解信访积案",
            None,
            None,
            None,
            None,
            D(2026, 9, 1),
            "通过",
            D(2027, 3, 1),
        ],
        [5, "洪湖乡", "塘桥村", D(2026, 3, 31), None, None, None, None, None, None, None, None, "通过", None],
        [6, "黄溪镇", "塔洲村", D(2026, 3, 31), "C07", None, None, None, None, None, None, None, None, None],
        [7, "马荃镇", "新店村", D(2026, 3, 31), "C01", None, None, None, None, None, None, None, None, D(2026, 5, 1)],
    ]
    src = make_ledger(tmp_path / "台账.xlsx", rows)
    r = lax("import", str(src))
    assert r.exit_code == 2, r.output
    f = str(src)
    lines = r.stderr.splitlines()
    assert lines[0] == f"nothing imported: 10 problem(s) in {f}"
    assert lines[1:] == [
        f"{f}, sheet 整顿台账, row 4, column E: '党建薄弱' names no standard (use C01..C15, 第5条, or the title) [bad-standard]",
        f"{f}, sheet 整顿台账, row 4, column I: '2026-13-40' is not a date like 2026-09-30 [bad-date]",
        f"{f}, sheet 整顿台账, row 4, column K: '三万元' is not an amount in yuan [bad-number]",
        f"{f}, sheet 整顿台账, row 5, column C: the village is blank [missing-value]",
        f"{f}, sheet 整顿台账, row 6, column M: '基本完成' is not an acceptance result (通过, 未通过, or a score) [bad-acceptance]",
        f"{f}, sheet 整顿台账, row 7, column N: still in the watch year after passing acceptance on 2026-09-01: it can be "
        "closed on 2027-09-01 at the earliest if it does not rebound [impossible-step]",
        f"{f}, sheet 整顿台账, row 8, column E: no standard given (软弱涣散情形 is blank) [missing-value]",
        f"{f}, sheet 整顿台账, row 8, column M: an acceptance result needs its date in the 验收时间 column [missing-value]",
        f"{f}, sheet 整顿台账, row 9, column C: 黄溪镇/塔洲村 is already on row 6 [duplicate-village]",
        f"{f}, sheet 整顿台账, row 10, column N: it is identified: it must pass acceptance and then 12 months with no rebound; "
        "the earliest date it could be closed is 2027-05-01 [impossible-step]",
    ]
    assert "Traceback" not in r.output
    assert not (tmp_path / "ledger").exists() or not list((tmp_path / "ledger").glob("*.yaml"))


def test_duplicate_rows_are_problems(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = [
        [1, "黄溪镇", "塔洲村", D(2026, 3, 31), "C07"] + [None] * 9,
        [2, "黄溪镇", "塔洲村", D(2026, 3, 31), "C03"] + [None] * 9,
    ]
    src = make_ledger(tmp_path / "台账.xlsx", rows, title=False)
    r = lax("import", str(src))
    assert r.exit_code == 2
    assert f"{src}, sheet 整顿台账, row 3, column C: 黄溪镇/塔洲村 is already on row 2 [duplicate-village]" in r.stderr


def test_a_village_already_in_the_ledger_with_other_records(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert lax("open", "黄溪镇/塔洲村", "--standards", "C03", "--date", "2026-03-31").exit_code == 0
    src = make_ledger(
        tmp_path / "台账.xlsx", [[1, "黄溪镇", "塔洲村", D(2026, 3, 31), "C07"] + [None] * 9], title=False
    )
    r = lax("import", str(src))
    assert r.exit_code == 2
    assert "黄溪镇/塔洲村 is already in the ledger as 黄溪镇-塔洲村.yaml with other records" in r.stderr


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"this is not a spreadsheet", "cannot be read as a spreadsheet"),
        (b"PK\x03\x04truncated zip", "cannot be read as a spreadsheet"),
    ],
)
def test_unreadable_files_are_one_line(tmp_path, content, fragment):
    p = tmp_path / "台账.xlsx"
    p.write_bytes(content)
    r = lax("import", str(p), "--ledger", str(tmp_path / "ledger"))
    assert r.exit_code == 2
    assert fragment in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_a_sheet_without_a_ledger_header(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    wb.save(tmp_path / "x.xlsx")
    r = lax("import", str(tmp_path / "x.xlsx"), "--ledger", str(tmp_path / "ledger"))
    assert r.exit_code == 2
    assert "no ledger header (乡镇, 村名, 软弱涣散情形 …) in the first 10 rows of any sheet" in r.stderr
    r = lax("import", str(tmp_path / "x.xlsx"), "--sheet", "台账", "--ledger", str(tmp_path / "ledger"))
    assert r.exit_code == 2
    assert "no sheet '台账' (sheets: Sheet)" in r.stderr
    r = lax("import", str(tmp_path / "missing.xlsx"), "--ledger", str(tmp_path / "ledger"))
    assert r.exit_code == 2 and "file not found" in r.stderr


def test_csv_and_xlsx_output_neutralise_formulas(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert lax("open", "=cmd|' -C calc'!A0/东阳村", "--standards", "C12", "--date", "2026-09-30").exit_code == 0
    r = lax("list", "--format", "csv", "--as-of", "2026-10-01")
    assert r.stdout.splitlines()[1].startswith("'=cmd|' -C calc'!A0,东阳村,")
    assert neutralise("@SUM(1)") == "'@SUM(1)" and neutralise("+1") == "'+1" and neutralise("-") == "'-"
    assert neutralise(5) == 5 and neutralise("邓埠镇") == "邓埠镇"
    out = tmp_path / "l.xlsx"
    assert lax("list", "--format", "xlsx", "--output", str(out), "--as-of", "2026-10-01").exit_code == 0
    from openpyxl import load_workbook

    cell = load_workbook(out).active["A3"]
    assert cell.value == "'=cmd|' -C calc'!A0" and cell.data_type == "s"


def two_row_header_ledger(path: Path) -> Path:
    """A 台账 with a two-row header: 整顿措施 and 验收 merged over their parts, the single columns merged down."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "整顿台账"
    ws.append(["余江县软弱涣散村党组织整顿台账"])
    ws.append(
        [
            "序号",
            "乡镇",
            "村名",
            "认定时间",
            "软弱涣散情形",
            "整顿措施",
            None,
            None,
            "整改时限",
            "验收",
            None,
            "销号时间",
        ]
    )
    ws.append(
        [None, None, None, None, None, "具体措施", "县级联系领导", "乡镇包村领导", None, "验收时间", "验收结果", None]
    )
    for col in "ABCDEIL":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("F2:H2")
    ws.merge_cells("J2:K2")
    ws.append(
        [
            1,
            "邓埠镇",
            "宋三村",
            D(2026, 3, 31),
            "C05",
            "召开党员大会重新选举",
            "刘县长",
            "李明",
            D(2026, 9, 30),
            D(2026, 9, 20),
            "通过（85分）",
            None,
        ]
    )
    ws.append(
        [
            2,
            "黄溪镇",
            "塔洲村",
            D(2026, 6, 30),
            "C07",
            "落实三会一课制度",
            "陈部长",
            "赵刚",
            D(2026, 12, 31),
            None,
            None,
            None,
        ]
    )
    ws.append(["合计", "2个村"])
    wb.save(path)
    return path


def test_a_two_row_header_imports_every_column(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = two_row_header_ledger(tmp_path / "台账.xlsx")
    r = lax("import", str(src), "--date", "2026-12-31")
    assert r.exit_code == 0, r.output
    assert "imported 2 village(s)" in r.stdout
    song = json.loads(lax("show", "宋三村", "--as-of", "2026-12-31", "--format", "json").stdout)
    planned = [e for e in song["events"] if e["type"] == "planned"][0]
    assert (planned["county_leader"], planned["township_leader"]) == ("刘县长", "李明")
    assert song["status"] == "accepted" and song["events"][-1]["score"] == 85
    tazhou = json.loads(lax("show", "塔洲村", "--as-of", "2026-12-31", "--format", "json").stdout)
    assert (tazhou["township"], tazhou["criteria"], tazhou["deadline"]) == ("黄溪镇", ["C07"], "2026-12-31")


@pytest.mark.parametrize("name", ["整顿台账.xls", "整顿台账.et"])  # an .xlsx named .xls; WPS's own extension
def test_a_ledger_under_another_extension_is_imported(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    src = make_ledger(tmp_path / name, REALISTIC[:1])
    r = lax("import", str(src), "--date", "2026-12-31")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "ledger" / "邓埠镇-宋三村.yaml").exists()
