"""Quarterly submissions done right (issue 11): `lax check --record --quarter`, the quarter taken from the
sheet's 排查日期 (else `--as-of`) with a notice saying which and why, `lax ledger start` (the ledger's first
quarter, `_ledger.yaml`), reports that count no quarter before it as missing, the villages each submission
examined and the county's "全县X个乡镇Y个行政村全部排查" sentence — all through the command line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from lax.cli import app

_runner = CliRunner()

HEADER = ["乡镇", "村名", "村代码", "两委缺额人数", "换届完成", "群众满意度", "排查日期"]


def lax(*args: str, today: str = "2026-11-30") -> subprocess.CompletedProcess:
    """`lax ARGS` on that day, in this process, as a process would answer: exit code, stdout, stderr."""
    result = _runner.invoke(
        app,
        list(args),
        env={
            "LAX_TODAY": today,
            "LAX_LEDGER": None,
            "LAX_LANG": None,
            "LAX_USER": "王芳",
            "LAX_NOW": f"{today}T10:00:00+08:00",
        },
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(["lax", *args], result.exit_code, result.stdout, result.stderr)


def sheet(path: Path, township: str, villages: list[tuple], dated: bool = True) -> Path:
    """A township's 排查表: one row per village (name, code, vacancies, election done, satisfaction, date)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(HEADER if dated else HEADER[:-1])
    for name, code, vacancies, elected, satisfaction, day in villages:
        row = [township, name, code, vacancies, elected, satisfaction]
        if dated:
            row.append(dt.date.fromisoformat(day) if day else None)
        ws.append(row)
    wb.save(path)
    return path


DENGBU = [  # 邓埠镇: 宋三村 flagged (C05, no election), the others clean
    ("宋三村", "360622101201", 0, "否", 80, "2026-09-20"),
    ("新桥村", "360622101202", 0, "是", 85, "2026-09-28"),
    ("西畈村", "360622101203", 0, "是", 90, "2026-09-25"),
]
HUANGXI = [  # 黄溪镇: 塔洲村 flagged (C15, satisfaction 55)
    ("塔洲村", "360622102201", 0, "是", 55, None),
    ("渡口村", "360622102202", 0, "是", 88, None),
]


def township_file(led: Path, township: str) -> str:
    return (led / "_townships" / f"{township}.yaml").read_text(encoding="utf-8")


def submissions(led: Path, township: str) -> list[tuple[str, str, int | None]]:
    """(date, quarter, villages) of each submission in a township's file, in order."""
    import yaml

    doc = yaml.safe_load(township_file(led, township))
    return [(str(e["date"]), e["quarter"], e.get("villages")) for e in doc["events"]]


@pytest.fixture()
def books(tmp_path):
    return {
        "邓埠镇": sheet(tmp_path / "邓埠镇.xlsx", "邓埠镇", DENGBU),
        "黄溪镇": sheet(tmp_path / "黄溪镇.xlsx", "黄溪镇", HUANGXI, dated=False),
        "黄溪镇blank": sheet(tmp_path / "黄溪镇空日期.xlsx", "黄溪镇", HUANGXI, dated=True),
    }


def record(led: Path, *args: str, today: str = "2026-11-30", lang: str = "en") -> subprocess.CompletedProcess:
    return lax(
        "check", *args, "--record", "--ledger", str(led), "--lang", lang, "-o", str(led.parent / "out.txt"), today=today
    )


# --------------------------------------------------------------------------- the quarter a submission is for


def test_quarter_from_the_latest_date_with_a_notice(books, tmp_path):
    led = tmp_path / "ledger"
    done = record(led, str(books["邓埠镇"]), "--as-of", "2026-10-08")
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].endswith("1 submission(s); 2 file(s) written")
    assert lines[1] == (
        f"notice: 邓埠镇: submission filed under 2026Q3: the latest Checked on date in {books['邓埠镇']} is 2026-09-28"
    )
    # A Q3 examination handed in on 8 October: filed under Q3, dated the day it was recorded, 3 villages.
    assert submissions(led, "邓埠镇") == [("2026-10-08", "2026Q3", 3)]


def test_the_notice_in_chinese(books, tmp_path):
    led = tmp_path / "ledger"
    done = record(led, str(books["邓埠镇"]), "--as-of", "2026-10-08", lang="zh")
    assert (
        done.stderr.splitlines()[1] == f"提示：邓埠镇：报送记入 2026Q3：{books['邓埠镇']} 中最晚的排查日期为 2026-09-28"
    )


def test_no_date_column_files_under_the_quarter_of_as_of_and_says_so(books, tmp_path):
    led = tmp_path / "ledger"
    done = record(led, str(books["黄溪镇"]), "--as-of", "2027-01-10", today="2027-01-10")
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[1] == (
        f"notice: 黄溪镇: submission filed under 2027Q1: {books['黄溪镇']} has no Checked on column, so the quarter "
        "of the check date 2027-01-10 is taken; if the sheet was for another quarter, record it with --quarter"
    )
    assert submissions(led, "黄溪镇") == [("2027-01-10", "2027Q1", 2)]


def test_every_date_blank_is_said_as_such(books, tmp_path):
    led = tmp_path / "ledger"
    done = record(led, str(books["黄溪镇blank"]), "--as-of", "2027-01-10", today="2027-01-10", lang="zh")
    assert done.stderr.splitlines()[1] == (
        f"提示：黄溪镇：报送记入 2027Q1：{books['黄溪镇blank']} 排查日期全部为空，故按检查日期 2027-01-10 所在季度；"
        "如该表是其他季度的排查，请用 --quarter 指定季度"
    )


@pytest.mark.parametrize("spelling", ["2026Q4", "2026-Q4", "2026年第四季度"])
def test_quarter_given_files_every_township_under_it(books, tmp_path, spelling):
    led = tmp_path / "ledger"
    done = record(led, str(books["黄溪镇"]), "--as-of", "2027-01-10", "--quarter", spelling, today="2027-01-10")
    assert done.returncode == 1, done.stderr
    assert len(done.stderr.splitlines()) == 1  # asked for, nothing to explain: no notice
    assert submissions(led, "黄溪镇") == [("2027-01-10", "2026Q4", 2)]  # a late Q4 submission


def test_quarter_given_against_the_sheets_dates_is_noticed(books, tmp_path):
    led = tmp_path / "ledger"
    done = record(led, str(books["邓埠镇"]), str(books["黄溪镇"]), "--as-of", "2026-11-30", "--quarter", "2026Q4")
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[1:] == [
        f"notice: 邓埠镇: submission filed under 2026Q4: as asked, although the latest Checked on date in "
        f"{books['邓埠镇']} is 2026-09-28 (2026Q3)"
    ]
    assert submissions(led, "邓埠镇") == [("2026-11-30", "2026Q4", 3)]
    assert submissions(led, "黄溪镇") == [("2026-11-30", "2026Q4", 2)]


def test_recording_twice_changes_nothing(books, tmp_path):
    led = tmp_path / "ledger"
    args = (str(books["邓埠镇"]), str(books["黄溪镇"]), "--as-of", "2026-11-30", "--quarter", "2026Q4")
    assert record(led, *args).returncode == 1
    before = {p: p.read_bytes() for p in led.rglob("*.yaml")}
    again = record(led, *args)
    assert again.returncode == 1
    assert again.stderr == "ledger: nothing new to record (2 flagged village(s) already recorded)\n"
    assert {p: p.read_bytes() for p in led.rglob("*.yaml")} == before


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("--quarter", "2026Q4"),
            "--quarter needs --record (it says which quarter the recorded submissions are for)\n",
        ),
    ],
)
def test_quarter_without_record_is_a_usage_error(books, tmp_path, args, message):
    done = lax("check", str(books["邓埠镇"]), *args, "--ledger", str(tmp_path / "ledger"))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message)
    assert not (tmp_path / "ledger").exists()


def test_a_quarter_after_that_of_as_of_is_refused(books, tmp_path):
    led = tmp_path / "ledger"
    done = record(led, str(books["邓埠镇"]), "--as-of", "2026-11-30", "--quarter", "2027Q1")
    assert done.returncode == 2
    assert done.stderr == (
        "--quarter: 2027Q1 is after 2026Q4, the quarter of the check date 2026-11-30; a submission is filed "
        "under a quarter that has begun\n"
    )
    assert not led.exists()
    bad = record(led, str(books["邓埠镇"]), "--quarter", "2026Q5")
    assert (bad.returncode, bad.stderr) == (
        2,
        "--quarter: '2026Q5' is not a quarter (expected e.g. 2026Q4, 2026-Q4 or 2026年第四季度)\n",
    )


def test_quarter_with_a_spot_check_is_a_usage_error(books, tmp_path):
    done = record(tmp_path / "ledger", str(books["邓埠镇"]), "--channel", "spot", "--quarter", "2026Q4")
    assert done.returncode == 2
    assert done.stderr.startswith("--quarter is for --channel self")


# --------------------------------------------------------------------------- lax ledger start


def test_ledger_start_sets_shows_and_is_verified(tmp_path):
    led = tmp_path / "ledger"
    shown = lax("ledger", "start", "--ledger", str(led))
    assert shown.returncode == 2 and shown.stderr.startswith(f"no ledger at {led}")
    done = lax("ledger", "start", "2026年第三季度", "--ledger", str(led))
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout
        == f"the ledger starts at 2026Q3: submissions before it are not counted as missing ({led}/_ledger.yaml)\n"
    )
    text = (led / "_ledger.yaml").read_text(encoding="utf-8")
    assert text.endswith("start: 2026Q3\nrecorded:\n  by: 王芳\n  at: '2026-11-30T10:00:00+08:00'\n")
    assert (
        lax("ledger", "start", "--ledger", str(led)).stdout
        == f"the ledger starts at 2026Q3 (set in {led}/_ledger.yaml)\n"
    )
    same = lax("ledger", "start", "2026Q3", "--ledger", str(led))
    assert same.stdout == f"the ledger already starts at 2026Q3 ({led}/_ledger.yaml); nothing written\n"
    moved = lax("ledger", "start", "2026Q2", "--ledger", str(led), "--lang", "zh")
    assert moved.stdout == f"台账起始季度改为 2026Q2（原为 2026Q3）：此前的季度不统计未报送（{led}/_ledger.yaml）\n"
    ok = lax("ledger", "verify", "--ledger", str(led))
    assert (ok.returncode, ok.stderr) == (0, "1 file(s) checked, no problems\n")
    # A hand edit that breaks it is named FILE:LINE by verify, and a report refuses it.
    (led / "_ledger.yaml").write_text("start: 2026-Q3\nrecorded: {by: 王芳}\nnote: x\n", encoding="utf-8")
    bad = lax("ledger", "verify", "--ledger", str(led))
    assert bad.returncode == 2
    assert bad.stdout.splitlines() == [
        f"{led}/_ledger.yaml:1: start: '2026-Q3' is not a quarter like 2026Q3",
        f"{led}/_ledger.yaml:2: recorded: at: None must be a quoted time like '2026-11-29T23:50:00+08:00'",
        f"{led}/_ledger.yaml:3: unknown key 'note' (allowed: start, recorded)",
    ]
    report = lax("report", "--year", "2026", "--ledger", str(led))
    assert report.returncode == 2
    assert report.stderr.startswith(f"{led}/_ledger.yaml:1: start: '2026-Q3' is not a quarter like 2026Q3")


def test_ledger_start_after_a_recorded_submission_is_refused(books, tmp_path):
    led = tmp_path / "ledger"
    record(led, str(books["邓埠镇"]), "--as-of", "2026-10-08")
    shown = lax("ledger", "start", "--ledger", str(led))
    assert shown.stdout == (
        f"the ledger starts at 2026Q3, the quarter of the first submission recorded ({led}/_townships/邓埠镇.yaml:3); "
        f"none set in {led}/_ledger.yaml\n"
    )
    done = lax("ledger", "start", "2026Q4", "--ledger", str(led))
    assert done.returncode == 1
    assert done.stderr == (
        f"the ledger already holds a submission for 2026Q3 ({led}/_townships/邓埠镇.yaml:3): it cannot start after "
        "that quarter; use lax ledger start 2026Q3 or earlier\n"
    )
    assert not (led / "_ledger.yaml").exists()


def test_a_submission_before_the_ledgers_start(books, tmp_path):
    led = tmp_path / "ledger"
    assert lax("ledger", "start", "2026Q4", "--ledger", str(led)).returncode == 0
    # From the sheet's dates (Q3): the villages are recorded, the submission is not, and a notice says why.
    done = record(led, str(books["邓埠镇"]), "--as-of", "2026-10-08")
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[1] == (
        f"notice: 邓埠镇: no submission filed: 2026Q3 is before the ledger's first quarter 2026Q4 "
        f"({led}/_ledger.yaml); the latest Checked on date in {books['邓埠镇']} is 2026-09-28"
    )
    assert (led / "邓埠镇-宋三村.yaml").exists() and not (led / "_townships").exists()
    # Asked for: refused, nothing recorded.
    asked = record(led, str(books["黄溪镇"]), "--as-of", "2026-10-08", "--quarter", "2026Q3")
    assert asked.returncode == 2
    assert asked.stderr == (
        f"quarter 2026Q3 is before the ledger's first quarter 2026Q4 ({led}/_ledger.yaml); nothing recorded\n"
    )
    assert not (led / "黄溪镇-塔洲村.yaml").exists()


# --------------------------------------------------------------------------- reports


def _year(led: Path, lang: str = "en", *extra: str) -> dict:
    done = lax(
        "report", "--year", "2026", "--format", "json", "--ledger", str(led), "--lang", lang, *extra, today="2027-01-15"
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_ledger_started_in_q3_does_not_call_q1_and_q2_missing(books, tmp_path):
    led = tmp_path / "ledger"
    assert lax("ledger", "start", "2026Q3", "--ledger", str(led)).returncode == 0
    record(led, str(books["邓埠镇"]), "--as-of", "2026-09-29", today="2026-09-29")  # Q3, on time
    record(
        led,
        str(books["邓埠镇"]),
        str(books["黄溪镇"]),
        "--as-of",
        "2026-12-20",
        "--quarter",
        "2026Q4",
        today="2026-12-20",
    )
    context = _year(led)
    assert [q["key"] for q in context["submissions"]["quarters"]] == ["2026Q3", "2026Q4"]
    assert context["submissions"]["first_quarter"] == "2026Q3"
    assert [(r["township"], r["quarter"], r["status"]) for r in context["submissions"]["late"]] == [
        ("黄溪镇", "2026Q3", "missing")
    ]
    rows = {t["township"]: t for t in context["townships"]}
    assert [(s["quarter"], s["status"]) for s in rows["邓埠镇"]["submissions"]] == [
        ("2026Q3", "on_time"),
        ("2026Q4", "on_time"),
    ]
    # Without the start the ledger begins at its first submission's quarter: the same here.
    (led / "_ledger.yaml").unlink()
    assert _year(led)["submissions"]["late"] == context["submissions"]["late"]
    # The Markdown says no more than that.
    text = lax("report", "--year", "2026", "--ledger", str(led), "--lang", "zh", today="2027-01-15").stdout
    assert "- 未按时报送季度排查情况：黄溪镇第三季度未报送。" in text.splitlines()
    assert "第一季度" not in text and "第二季度" not in text


def test_villages_examined_in_the_context_and_the_sentence(books, tmp_path):
    led = tmp_path / "ledger"
    record(
        led,
        str(books["邓埠镇"]),
        str(books["黄溪镇"]),
        "--as-of",
        "2026-12-20",
        "--quarter",
        "2026Q4",
        today="2026-12-20",
    )
    context = _year(led)
    assert context["examined"] == {
        "tracked": True,
        "townships": 2,
        "reported": 2,
        "villages": 5,
        "uncounted": [],
        "missing": [],
        "missing_count": 0,
        "all": True,
    }
    rows = {t["township"]: t for t in context["townships"]}
    assert (rows["邓埠镇"]["examined"], rows["邓埠镇"]["examined_quarter"]) == (3, "2026Q4")
    zh = lax("report", "--year", "2026", "--ledger", str(led), "--lang", "zh", today="2027-01-15").stdout
    assert "\n全县2个乡镇5个行政村全部排查。严格对照15条界定标准" in zh
    en = lax("report", "--year", "2026", "--ledger", str(led), "--lang", "en", today="2027-01-15").stdout
    assert "\nBoth of the county's townships examined their 5 administrative villages. Measured against" in en
    township = lax(
        "report", "--year", "2026", "--ledger", str(led), "--lang", "zh", "--township", "黄溪镇", today="2027-01-15"
    ).stdout
    assert "\n黄溪镇2个行政村全部排查。截至2026年12月31日" in township
    township_en = lax(
        "report", "--year", "2026", "--ledger", str(led), "--township", "邓埠镇", today="2027-01-15"
    ).stdout
    assert "\n邓埠镇 examined its 3 administrative villages. By 31 December 2026" in township_en


def test_a_township_that_did_not_report_is_named(books, tmp_path, monkeypatch):
    led = tmp_path / "ledger"
    record(
        led,
        str(books["邓埠镇"]),
        str(books["黄溪镇"]),
        "--as-of",
        "2026-09-29",
        "--quarter",
        "2026Q3",
        today="2026-09-29",
    )
    record(led, str(books["邓埠镇"]), "--as-of", "2026-12-20", "--quarter", "2026Q4", today="2026-12-20")
    # A third township known from a village opened by hand: it never sent a sheet.
    opened = lax("ledger", "open", "洪湖乡/塘桥村", "--standards", "C05", "--date", "2026-11-02", "--ledger", str(led))
    assert opened.returncode == 0, opened.stderr
    q4 = lax("report", "--quarter", "2026Q4", "--ledger", str(led), "--lang", "zh", today="2027-01-15").stdout
    assert "\n全县3个乡镇中1个乡镇3个行政村完成排查（2个乡镇未报：黄溪镇、洪湖乡）。严格对照" in q4
    q4_en = lax("report", "--quarter", "2026Q4", "--ledger", str(led), today="2027-01-15").stdout
    assert "\nOf the county's 3 townships, 1 examined 3 administrative villages (2 not reported: " in q4_en
    alone = lax(
        "report",
        "--quarter",
        "2026Q4",
        "--ledger",
        str(led),
        "--lang",
        "zh",
        "--township",
        "黄溪镇",
        today="2027-01-15",
    ).stdout
    assert "\n黄溪镇未报送本期排查情况。截至" in alone
    # A quarter before the ledger's first says nothing of it.
    early = lax("report", "--quarter", "2026Q2", "--ledger", str(led), "--format", "json", today="2027-01-15")
    data = json.loads(early.stdout)
    assert data["examined"]["tracked"] is False and data["submissions"]["quarters"] == []
    text = lax("report", "--quarter", "2026Q2", "--ledger", str(led), "--lang", "zh", today="2027-01-15").stdout
    assert "排查。" not in text.split("严格对照")[0]


def test_an_old_ledger_without_counts_still_reads_and_verifies(tmp_path):
    led = tmp_path / "ledger"
    (led / "_townships").mkdir(parents=True)
    (led / "_townships" / "邓埠镇.yaml").write_text(
        "township: 邓埠镇\nevents:\n- date: 2026-09-28\n  type: submission\n  quarter: 2026Q3\n  source: dengbu.xlsx\n",
        encoding="utf-8",
    )
    (led / "邓埠镇-宋三村.yaml").write_text(
        "township: 邓埠镇\nvillage: 宋三村\ncode: '360622101201'\nevents:\n- date: 2026-09-28\n  type: identified\n"
        "  channel: self\n  criteria: [C05]\n  deadline: 2027-03-28\n",
        encoding="utf-8",
    )
    ok = lax("ledger", "verify", "--ledger", str(led))
    assert (ok.returncode, ok.stderr) == (0, "2 file(s) checked, no problems\n")
    context = json.loads(
        lax("report", "--quarter", "2026Q3", "--ledger", str(led), "--format", "json", today="2026-10-15").stdout
    )
    assert context["examined"]["villages"] is None and context["examined"]["uncounted"] == ["邓埠镇"]
    assert context["townships"][0]["examined"] is None and context["townships"][0]["reported"] is True
    zh = lax("report", "--quarter", "2026Q3", "--ledger", str(led), "--lang", "zh", today="2026-10-15").stdout
    assert "\n全县1个乡镇全部排查。严格对照" in zh
    # A count that is no number is named FILE:LINE.
    (led / "_townships" / "邓埠镇.yaml").write_text(
        "township: 邓埠镇\nevents:\n- date: 2026-09-28\n  type: submission\n  quarter: 2026Q3\n  villages: 十二\n",
        encoding="utf-8",
    )
    bad = lax("ledger", "verify", "--ledger", str(led))
    assert bad.returncode == 2
    assert bad.stdout == f"{led}/_townships/邓埠镇.yaml:6: villages: '十二' is not a number of villages\n"


def test_a_county_wide_sheet_gives_one_notice_for_its_townships(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(HEADER)
    for township, name, code, day in [
        ("邓埠镇", "宋三村", "360622101201", "2026-09-20"),
        ("黄溪镇", "塔洲村", "360622102201", "2026-09-29"),
        ("洪湖乡", "东阳村", "360622200201", "2026-09-26"),
    ]:
        ws.append([township, name, code, 0, "是", 80, dt.date.fromisoformat(day)])
    wb.save(tmp_path / "余江区.xlsx")
    led = tmp_path / "ledger"
    done = record(led, str(tmp_path / "余江区.xlsx"), "--as-of", "2026-10-08")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[1:] == [
        f"notice: 邓埠镇, 黄溪镇, 洪湖乡: submissions filed under 2026Q3: the latest Checked on date in "
        f"{tmp_path / '余江区.xlsx'} is 2026-09-29"
    ]
    assert [submissions(led, t) for t in ("邓埠镇", "黄溪镇", "洪湖乡")] == [[("2026-10-08", "2026Q3", 1)]] * 3


def test_the_start_file_is_no_village_and_bounds_the_to_do_list(books, tmp_path):
    led = tmp_path / "ledger"
    record(led, str(books["邓埠镇"]), "--as-of", "2026-09-29", today="2026-09-29")
    assert lax("ledger", "start", "2026Q2", "--ledger", str(led)).returncode == 0
    listed = lax("ledger", "list", "--format", "json", "--ledger", str(led), today="2026-12-01")
    assert listed.returncode == 0, listed.stderr
    assert [v["village"] for v in json.loads(listed.stdout)["villages"]] == ["宋三村"]
    due = json.loads(lax("ledger", "due", "--format", "json", "--ledger", str(led), today="2026-12-01").stdout)
    # From the set start (2026Q2), not from the first submission's quarter (2026Q3): Q2 is missing.
    assert due["submissions_from"] == "2026-04-01"
    assert [(r["township"], r["quarter"], r["status"]) for r in due["late_submissions"]] == [
        ("邓埠镇", "2026Q2", "missing")
    ]
