"""`lax ledger export` → `lax ledger import` carries the WHOLE ledger, not only the village files: the township
files (quarterly submissions with quarter, villages, source, recorded), the ledger's first quarter
(`_ledger.yaml`, `lax ledger start`) and the work record (`_work/<year>.yaml`, `lax ledger work`), with the
village profile events and `progress --highlight` — byte for byte, every file of a ledger built through the
command line. A bad cell in the new sheets is one line naming sheet, row and column, exit 2, nothing written;
a workbook of an older lax (without these sheets) imports as before."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis_profiles import examples
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from lax.cli import app

_runner = CliRunner()
TODAY = "2027-12-31"

HEADER = [
    "乡镇",
    "村名",
    "村代码",
    "党员人数",
    "入党积极分子人数",
    "两委缺额人数",
    "换届完成",
    "群众满意度",
    "排查日期",
]


def lax(*args: str, today: str = TODAY, lang: str | None = None) -> subprocess.CompletedProcess:
    """`lax ARGS` on that day, by 王芳, as a process would answer: exit code, stdout, stderr."""
    result = _runner.invoke(
        app,
        list(args),
        env={"LAX_TODAY": today, "LAX_NOW": f"{today}T10:00:00+08:00", "LAX_USER": "王芳", "LAX_LEDGER": None,
             "LAX_LANG": lang},
    )  # fmt: skip
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(["lax", *args], result.exit_code, result.stdout, result.stderr)


def ok(*args: str, today: str = TODAY) -> subprocess.CompletedProcess:
    done = lax(*args, today=today)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def sheet(path: Path, township: str, rows: list[tuple]) -> Path:
    """A township's 排查表 with the profile columns (党员人数, 入党积极分子人数) and the date examined."""
    wb = Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(HEADER)
    for name, code, members, activists, vacancies, elected, satisfaction, day in rows:
        ws.append(
            [township, name, code, members, activists, vacancies, elected, satisfaction, dt.date.fromisoformat(day)]
        )
    wb.save(path)
    return path


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of a ledger but its cache and lock: the names relative to the folder, and the bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.parts and p.name not in (".lock",)
    }


def cells(book: Path) -> dict[str, list[list]]:
    wb = load_workbook(book)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def build(tmp_path: Path) -> Path:
    """A year and a half of a county's ledger, every kind of file through the CLI: the first quarter,
    two quarters of township sheets (profile values changed in the second), a village through a failed and a
    passed acceptance with a highlighted step, a rebound, and county and township work in two years."""
    led = tmp_path / "ledger"
    q3 = [
        sheet(Path("邓埠镇Q3.xlsx"), "邓埠镇", [
            ("宋三村", "360622101201", 35, 2, 0, "否", 80, "2026-09-20"),
            ("新桥村", "360622101202", 41, 3, 0, "是", 85, "2026-09-28"),
        ]),
        sheet(Path("黄溪镇Q3.xlsx"), "黄溪镇", [
            ("东阳村", "360622102201", 28, 1, 0, "是", 55, "2026-09-21"),
            ("渡口村", "360622102202", 30, 2, 0, "是", 88, "2026-09-22"),
        ]),
    ]  # fmt: skip
    ok("ledger", "start", "2026Q3", "--ledger", str(led), today="2026-10-01")
    ok("ledger", "work", "成立县委整顿软弱涣散村级党组织工作领导小组，由县委副书记任组长", "--kind", "organisation",
       "--county", "--date", "2026-10-05", "--ledger", str(led), today="2026-10-05")  # fmt: skip
    done = lax("check", *map(str, q3), "--record", "--quarter", "2026Q3", "--as-of", "2026-10-08",
               "--ledger", str(led), "-o", str(tmp_path / "q3.txt"), today="2026-10-08")  # fmt: skip
    assert done.returncode == 1, done.stderr  # villages flagged: exit 1, the record made
    q4 = [
        sheet(Path("邓埠镇Q4.xlsx"), "邓埠镇", [
            ("宋三村", "360622101201", 37, 4, 0, "否", 82, "2026-12-18"),
            ("新桥村", "360622101202", 41, 3, 0, "是", 86, "2026-12-18"),
        ]),
    ]  # fmt: skip
    done = lax("check", *map(str, q4), "--record", "--quarter", "2026Q4", "--as-of", "2026-12-20",
               "--ledger", str(led), "-o", str(tmp_path / "q4.txt"), today="2026-12-20")  # fmt: skip
    assert done.returncode == 1, done.stderr
    steps = [
        ("2027-01-10", "plan", "宋三村", "--measure", "选优配强支部书记", "--measure", "+县乡联合督导",
         "--helping-unit", "县农业农村局", "--date", "2027-01-10"),
        ("2027-03-15", "progress", "宋三村", "新建村部，组织党员群众培训会", "--funds", "31500", "--highlight",
         "--date", "2027-03-15"),
        ("2027-04-10", "accept", "宋三村", "--fail", "--score", "60", "--by", "县委组织部", "--date", "2027-04-10",
         "--deadline", "2027-06-30"),
        ("2027-06-20", "accept", "宋三村", "--pass", "--score", "88", "--date", "2027-06-20"),
        ("2027-02-01", "plan", "东阳村", "--measure", "每月召开村民代表会议", "--date", "2027-02-01"),
        ("2027-09-01", "accept", "东阳村", "--pass", "--score", "90", "--date", "2027-09-01"),
        ("2027-11-02", "reopen", "东阳村", "--reason", "群众满意度再次低于60%", "--standards", "C15",
         "--date", "2027-11-02"),
    ]  # fmt: skip
    for day, *args in steps:
        ok("ledger", *args, "--ledger", str(led), today=day)
    for day, *args in [
        ("2027-03-05", "举办村党组织书记培训班", "--kind", "教育培训", "--township", "洪湖乡", "--people", "86",
         "--villages", "12", "--funds", "5000", "--date", "2027-03-05"),
        ("2027-03-01", "=召开全县整顿工作推进会", "--kind", "meetings", "--county", "--people", "120",
         "--date", "2027-03-01"),
        ("2027-05-05", "县委组织部对邓埠镇开展专项督查\n发现问题3个", "--kind", "inspection", "--county",
         "--villages", "3", "--date", "2027-05-05"),
    ]:  # fmt: skip
        ok("ledger", "work", *args, "--ledger", str(led), today=day)
    return led


@pytest.fixture
def county(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return build(tmp_path)


# ------------------------------------------------------------------------------------- the whole round trip


def test_export_import_export_gives_every_file_byte_for_byte(county, tmp_path):
    before = files_of(county)
    # Every kind of file is there, built by the commands: villages, townships, first quarter, work by year.
    assert sorted(before) == [
        "_ledger.yaml",
        "_townships/邓埠镇.yaml",
        "_townships/黄溪镇.yaml",
        "_work/2026.yaml",
        "_work/2027.yaml",
        "邓埠镇-宋三村.yaml",
        "黄溪镇-东阳村.yaml",
    ]
    songsan = before["邓埠镇-宋三村.yaml"].decode()
    assert "  type: profile\n  profile: {party_members: 37, activists: 4, satisfaction: 82}\n" in songsan, songsan
    assert "  highlight: true\n" in songsan
    assert "quarter: 2026Q4\n  villages: 2\n" in before["_townships/邓埠镇.yaml"].decode()

    done = ok("ledger", "export", "台账.xlsx", "--ledger", str(county), "--as-of", "2027-12-31")
    assert (done.stdout, done.stderr) == ("wrote 2 village(s) to 台账.xlsx\n", "")
    first = cells(tmp_path / "台账.xlsx")
    assert list(first) == ["Ledger", "Submissions", "工作记录 work", "起始季度 start", "事件 events"]

    done = ok("ledger", "import", "台账.xlsx", "--ledger", "副本")
    assert done.stdout == "imported 2 village(s) from 台账.xlsx into 副本: 7 new file(s), 0 already there\n"
    assert files_of(tmp_path / "副本") == before

    ok("ledger", "export", "台账2.xlsx", "--ledger", "副本", "--as-of", "2027-12-31")
    assert cells(tmp_path / "台账2.xlsx") == first
    ok("ledger", "import", "台账2.xlsx", "--ledger", "副本2")
    assert files_of(tmp_path / "副本2") == before
    done = ok("ledger", "verify", "--ledger", "副本2")
    assert done.stderr == "7 file(s) checked, no problems\n"

    # Into the ledger it came from: every file already there, nothing written.
    done = ok("ledger", "import", "台账.xlsx", "--ledger", str(county))
    assert done.stdout.endswith(": 0 new file(s), 7 already there\n")
    assert files_of(county) == before


def test_the_sheets_people_read(county, tmp_path):
    ok("ledger", "export", "台账.xlsx", "--ledger", str(county), "--lang", "zh")
    book = cells(tmp_path / "台账.xlsx")
    assert list(book) == ["台账", "乡镇报送", "工作记录 work", "起始季度 start", "事件 events"]
    assert book["乡镇报送"] == [
        ["乡镇", "报送季度", "排查村数", "记录日期", "报送文件", "记录人", "备注"],
        ["邓埠镇", "2026Q3", 2, dt.datetime(2026, 10, 8), "邓埠镇Q3.xlsx", "王芳", None],
        ["邓埠镇", "2026Q4", 2, dt.datetime(2026, 12, 20), "邓埠镇Q4.xlsx", "王芳", None],
        ["黄溪镇", "2026Q3", 2, dt.datetime(2026, 10, 8), "黄溪镇Q3.xlsx", "王芳", None],
    ]
    work = book["工作记录 work"]
    assert work[0] == ["file", "record", "date", "level", "township", "kind", "text", "people", "villages", "funds",
                       "recorded"]  # fmt: skip
    assert work[1:] == [
        ["_work/2026.yaml", 1, "2026-10-05", "county", None, "organisation",
         "成立县委整顿软弱涣散村级党组织工作领导小组，由县委副书记任组长", None, None, None,
         '{"by":"王芳","at":"2026-10-05T10:00:00+08:00"}'],
        ["_work/2027.yaml", 1, "2027-03-05", "township", "洪湖乡", "training", "举办村党组织书记培训班", "86", "12",
         "5000", '{"by":"王芳","at":"2027-03-05T10:00:00+08:00"}'],
        # a text that would run as a formula is written as quoted text, never a formula
        ["_work/2027.yaml", 2, "2027-03-01", "county", None, "meetings", '"=召开全县整顿工作推进会"', "120", None,
         None, '{"by":"王芳","at":"2027-03-01T10:00:00+08:00"}'],
        ["_work/2027.yaml", 3, "2027-05-05", "county", None, "inspection", "县委组织部对邓埠镇开展专项督查\n发现问题3个",
         None, "3", None, '{"by":"王芳","at":"2027-05-05T10:00:00+08:00"}'],
    ]  # fmt: skip
    assert book["起始季度 start"] == [
        ["file", "start", "recorded"],
        ["_ledger.yaml", "2026Q3", '{"by":"王芳","at":"2026-10-01T10:00:00+08:00"}'],
    ]
    # Printed as the 台账 is: landscape, one page wide, the header on every page, frozen under it.
    wb = load_workbook(tmp_path / "台账.xlsx")
    for name, frozen in (("乡镇报送", "B2"), ("工作记录 work", "C2"), ("起始季度 start", "A2")):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape", name
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage is True, name
        assert ws.print_title_rows == "$1:$1", name
        assert ws.freeze_panes == frozen, name
        assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7"), name


def test_a_part_of_the_ledger_carries_no_county_files(county, tmp_path):
    """--township and --status export a part: the work record and the first quarter belong to the county."""
    ok("ledger", "export", "邓埠镇.xlsx", "--ledger", str(county), "--township", "邓埠镇")
    assert list(cells(tmp_path / "邓埠镇.xlsx")) == ["Ledger", "事件 events"]
    ok("ledger", "export", "整改中.xlsx", "--ledger", str(county), "--status", "rectifying")
    assert list(cells(tmp_path / "整改中.xlsx")) == ["Ledger", "事件 events"]
    ok("ledger", "import", "邓埠镇.xlsx", "--ledger", "邓埠镇台账")
    assert sorted(files_of(tmp_path / "邓埠镇台账")) == ["_townships/邓埠镇.yaml", "邓埠镇-宋三村.yaml"]


def test_an_older_workbook_without_the_new_sheets_imports_as_before(county, tmp_path):
    ok("ledger", "export", "台账.xlsx", "--ledger", str(county))
    wb = load_workbook(tmp_path / "台账.xlsx")
    for name in ("Submissions", "工作记录 work", "起始季度 start"):
        del wb[name]
    wb.save(tmp_path / "旧台账.xlsx")
    done = ok("ledger", "import", "旧台账.xlsx", "--ledger", "副本")
    assert done.stdout == "imported 2 village(s) from 旧台账.xlsx into 副本: 4 new file(s), 0 already there\n"
    before = files_of(county)
    assert files_of(tmp_path / "副本") == {k: v for k, v in before.items() if not k.startswith(("_work", "_ledger"))}


def test_with_sheet_only_the_events_sheet_is_read(county, tmp_path):
    ok("ledger", "export", "台账.xlsx", "--ledger", str(county))
    ok("ledger", "import", "台账.xlsx", "--sheet", "事件 events", "--ledger", "副本")
    assert not (tmp_path / "副本" / "_work").exists() and not (tmp_path / "副本" / "_ledger.yaml").exists()


# ------------------------------------------------------------------------------------------- bad cells


def edited(tmp_path: Path, county: Path, changes: dict[str, list[tuple[str, str, object]]], name="改过.xlsx") -> str:
    """The export with cells changed: {sheet: [(column header, row, value)]}, saved as `name`."""
    ok("ledger", "export", "台账.xlsx", "--ledger", str(county))
    wb = load_workbook(tmp_path / "台账.xlsx")
    for sheet_name, edits in changes.items():
        ws = wb[sheet_name]
        header = [c.value for c in ws[1]]
        for column, row, value in edits:
            ws.cell(row=int(row), column=header.index(column) + 1).value = value  # None too: a cell emptied
    wb.save(tmp_path / name)
    return name


def test_bad_work_cells_name_sheet_row_and_column_and_nothing_is_imported(county, tmp_path):
    book = edited(tmp_path, county, {"工作记录 work": [
        ("kind", "3", "picnic"),  # not a kind
        ("people", "4", "-3"),  # not a number of people
        ("date", "5", "2026-05-05"),  # in the file of 2027
        ("text", "2", None),  # no text
        ("recorded", "3", "王芳"),  # not {by, at}
    ]})  # fmt: skip
    done = lax("ledger", "import", book, "--ledger", "副本")
    assert done.returncode == 2
    w = "改过.xlsx, sheet 工作记录 work"
    assert done.stderr.splitlines() == [
        "nothing imported: 5 problem(s) in 改过.xlsx",
        f"{w}, row 2, column G: text: must be text saying what was done [missing-value]",
        f"{w}, row 3, column F: kind: 'picnic' is not one of organisation, documents, meetings, publicity, "
        "training, inspection, system, funds, other [bad-value]",
        f"{w}, row 3, column K: recorded: must be {{by: NAME, at: '2026-11-29T23:50:00+08:00'}} [bad-value]",
        f"{w}, row 4, column H: people: -3 is not a number of people (a whole number, 0 or more) [bad-value]",
        f"{w}, row 5, column C: date: 2026-05-05 is not in 2027; a record goes in the file of its year "
        "(2026.yaml) [bad-date]",
    ]
    assert not (tmp_path / "副本").exists() or files_of(tmp_path / "副本") == {}


def test_bad_work_cells_in_chinese(county, tmp_path):
    book = edited(tmp_path, county, {"工作记录 work": [("villages", "5", "三个")]})
    done = lax("ledger", "import", book, "--ledger", "副本", lang="zh")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "未导入任何内容：改过.xlsx 中有 1 处问题",
        "改过.xlsx，工作记录 work，第5行，I列：villages：'三个' 不是村数（应为不小于 0 的整数） [bad-value]",
    ]


def test_a_work_record_missing_or_twice(county, tmp_path):
    book = edited(tmp_path, county, {"工作记录 work": [("record", "5", 2)]})
    done = lax("ledger", "import", book, "--ledger", "副本")
    assert done.stderr.splitlines()[1:] == [
        "改过.xlsx, sheet 工作记录 work, row 5, column B: record 2 of _work/2027.yaml is already on row 4 "
        "[duplicate-event]"
    ]
    book = edited(tmp_path, county, {"工作记录 work": [("record", "5", 4)]}, "缺一条.xlsx")
    done = lax("ledger", "import", book, "--ledger", "副本")
    assert done.stderr.splitlines()[1:] == [
        "缺一条.xlsx, sheet 工作记录 work, row 3, column B: _work/2027.yaml: record 3 is missing [missing-event]"
    ]
    book = edited(tmp_path, county, {"工作记录 work": [("file", "2", "_work/../2026.yaml")]}, "路径.xlsx")
    done = lax("ledger", "import", book, "--ledger", "副本")
    assert done.stderr.splitlines()[1:] == [
        "路径.xlsx, sheet 工作记录 work, row 2, column A: the file must be a work file like _work/2027.yaml [bad-file]"
    ]
    assert not (tmp_path / "副本").exists() or files_of(tmp_path / "副本") == {}


def test_hostile_work_cells_are_one_line_each(county, tmp_path):
    """A control character written out in JSON, a tagged value where a date goes, a number typed over a
    text cell: each one line at its place, nothing imported, never a traceback."""
    book = edited(tmp_path, county, {"工作记录 work": [
        ("text", "2", '"会议\\u001b纪要"'),
        ("date", "3", '{"$bytes":"AAAA"}'),
    ], "起始季度 start": [("start", "2", 2026)]})  # fmt: skip
    done = lax("ledger", "import", book, "--ledger", "副本")
    assert done.returncode == 2
    w = "改过.xlsx, sheet 工作记录 work"
    assert done.stderr.splitlines() == [
        "nothing imported: 3 problem(s) in 改过.xlsx",
        f"{w}, row 2, column G: control character in '会议\\x1b纪要' (remove it or write it out) [control-character]",
        f"{w}, row 3, column C: date: b'\\x00\\x00\\x00' is not a date like 2027-03-05 (unquoted) [bad-date]",
        "改过.xlsx, sheet 起始季度 start, row 2, column B: 2026.0 is not a value as lax writes it (text; edit the "
        "ledger, not this sheet) [bad-cell]",
    ]
    assert not (tmp_path / "副本").exists() or files_of(tmp_path / "副本") == {}


def test_bad_first_quarter_cells(county, tmp_path):
    book = edited(tmp_path, county, {"起始季度 start": [("start", "2", "2026Q5")]})
    done = lax("ledger", "import", book, "--ledger", "副本")
    assert done.returncode == 2
    assert done.stderr.splitlines()[1:] == [
        "改过.xlsx, sheet 起始季度 start, row 2, column B: start: '2026Q5' is not a quarter like 2026Q3 [bad-value]"
    ]
    # After a quarter a submission is for: refused, as `lax ledger start 2027Q1` is.
    book = edited(tmp_path, county, {"起始季度 start": [("start", "2", "2027Q1")]}, "晚了.xlsx")
    done = lax("ledger", "import", book, "--ledger", "副本")
    assert done.stderr.splitlines()[1:] == [
        "晚了.xlsx, sheet 起始季度 start, row 2, column B: the ledger holds a submission for 2026Q3 "
        "(_townships/邓埠镇.yaml): it cannot start after that quarter [bad-value]"
    ]
    assert not (tmp_path / "副本").exists() or files_of(tmp_path / "副本") == {}


def test_into_a_ledger_with_other_work_or_another_first_quarter(county, tmp_path):
    ok("ledger", "export", "台账.xlsx", "--ledger", str(county))
    other = tmp_path / "县台账"
    ok("ledger", "start", "2026Q1", "--ledger", str(other), today="2026-01-05")
    ok("ledger", "work", "印发整顿工作方案", "--kind", "documents", "--county", "--date", "2027-02-01",
       "--ledger", str(other), today="2027-02-01")  # fmt: skip
    before = files_of(other)
    done = lax("ledger", "import", "台账.xlsx", "--ledger", str(other))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "nothing imported: 2 problem(s) in 台账.xlsx",
        "台账.xlsx, sheet 工作记录 work, row 3, column A: _work/2027.yaml is already in the ledger with other "
        "records; remove its rows or fix the file [already-in-ledger]",
        "台账.xlsx, sheet 起始季度 start, row 2, column A: _ledger.yaml is already in the ledger with other "
        "records; remove its rows or fix the file [already-in-ledger]",
    ]
    assert files_of(other) == before


def test_an_export_names_a_broken_work_file_and_leaves_it_out(county, tmp_path):
    broken = county / "_work" / "2026.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("kind: organisation", "kind: 聚餐"), encoding="utf-8")
    done = lax("ledger", "export", "台账.xlsx", "--ledger", str(county))
    assert done.returncode == 2
    assert done.stdout == "wrote 2 village(s) to 台账.xlsx\n"
    assert done.stderr.splitlines() == [
        f"{county}/_work/2026.yaml:5: kind: '聚餐' is not one of organisation, documents, meetings, publicity, "
        "training, inspection, system, funds, other"
    ]
    work = cells(tmp_path / "台账.xlsx")["工作记录 work"]
    assert {row[0] for row in work[1:]} == {"_work/2027.yaml"}  # the broken year left out whole, never a part


# ------------------------------------------------------------------------------- any work record comes back

TRICKY = ["=SUM(A1:A3)", "+86 138", "-5", "@某人", "'quoted", "500", "true", "null", "2026-03-31", "[C05]",
          '{"a":1}', '"引号"', "第一行\n第二行", "零宽\u200b空格", "NaN", "1e5", "｜全角", "＝全角等号"]  # fmt: skip
# What `lax ledger work` takes: trimmed text, line breaks but no other control characters.
TEXTS = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85") | st.just("\n"),
            min_size=1, max_size=30),
).filter(lambda t: t.strip() == t and t)  # fmt: skip
RECORDS = st.lists(
    st.tuples(
        st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
        st.one_of(st.none(), st.sampled_from(["邓埠镇", "黄溪镇", "洪湖乡", "500", "=乡"])),
        st.sampled_from(["organisation", "documents", "meetings", "publicity", "training", "inspection", "system",
                         "funds", "other"]),
        TEXTS,
        st.one_of(st.none(), st.integers(0, 10_000)),
        st.one_of(st.none(), st.integers(0, 300)),
        st.one_of(st.none(), st.integers(0, 10**7), st.floats(0, 10**7).map(lambda f: round(f, 2))),
    ),
    min_size=1,
    max_size=6,
)  # fmt: skip


@examples(15)
@given(RECORDS)
def test_any_work_record_comes_back_byte_for_byte(tmp_path_factory, records):
    from lax.ledger import WorkRecord, add_work
    from lax.problems import LaxError

    base = tmp_path_factory.mktemp("work")
    folder = base / "ledger"
    for day, township, kind, text, people, villages, funds in records:
        record = WorkRecord(day, "township" if township else "county", township, kind, text, people, villages,
                            funds, {"by": "李明", "at": "2027-03-01T09:00:00+08:00"})  # fmt: skip
        try:
            add_work(folder, record)
        except LaxError:  # a value `lax ledger work` refuses (e.g. funds beyond the limit): not recorded
            continue
    assume(folder.exists())
    before = files_of(folder)
    done = lax("ledger", "export", str(base / "台账.xlsx"), "--ledger", str(folder))
    assert done.returncode == 0, done.stderr
    done = lax("ledger", "import", str(base / "台账.xlsx"), "--ledger", str(base / "again"))
    assert done.returncode == 0, done.stderr
    assert files_of(base / "again") == before
