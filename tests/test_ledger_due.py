"""`lax ledger due`: the to-do list (overdue, time limits within N days, closable, watch years ending, late
quarterly examinations) in the terminal and as JSON; the same rows as `ledger list`, the same late sheets
as `lax report`."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lax.ledger import dump_township, dump_village, township_file_name, village_file_name
from lax.lifecycle import Event

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-09-30"
D = dt.date.fromisoformat


def rec(by, day):
    return {"by": by, "at": f"{day}T09:30:00+08:00"}


def ident(day, criteria, row, evidence=None, deadline=None, channel="self", path="邓埠镇2026Q1排查.xlsx"):
    data = {
        "channel": channel,
        "criteria": criteria,
        "evidence": evidence or {criteria[0]: {"election_completed": False}},
        "source": {"path": path, "sheet": "排查表", "row": row},
        "recorded": rec("张丽", day),
    }
    if deadline:
        data["deadline"] = D(deadline)
    return Event(D(day), "identified", data)


def plan(day, deadline=None):
    data = {
        "measures": ["召开党员大会重新选举", "县乡联合督导"],
        "county_leader": "刘建华",
        "township_leader": "李明",
        "first_secretary": "王强",
        "helping_unit": "县财政局",
        "recorded": rec("张丽", day),
    }
    if deadline:
        data["deadline"] = D(deadline)
    return Event(D(day), "planned", data)


def progress(day, funds, note="完成支部换届选举"):
    return Event(D(day), "progress", {"note": note, "funds": funds, "recorded": rec("陈芳", day)})


def accept(day, passed=True, score=85, deadline=None):
    data = {"passed": passed, "score": score, "by": "县委组织部", "recorded": rec("张丽", day)}
    if deadline:
        data["deadline"] = D(deadline)
    return Event(D(day), "acceptance", data)


VILLAGES = [
    # township, village, code, events
    (
        "邓埠镇",
        "宋三村",
        "360622101201",
        [ident("2026-01-10", ["C05"], 5), plan("2026-01-20"), progress("2026-03-05", 31500)],
    ),  # overdue by 2026-09-30
    (
        "邓埠镇",
        "塔洲村",
        "360622101202",
        [
            ident(
                "2026-04-08", ["C01", "C13"], 6, {"C01": {"secretary_vacant_months": 7}, "C13": {"cadre_violations": 2}}
            ),
            plan("2026-04-15"),
            progress("2026-06-01", 12000),
        ],
    ),  # due 2026-10-08
    (
        "邓埠镇",
        "新店村",
        "360622101203",
        [
            ident("2025-03-01", ["C04"], 7, {"C04": {"committee_vacancies": 2}}),
            plan("2025-03-10"),
            progress("2025-05-01", 8000),
            accept("2025-08-20", score=82),
        ],
    ),
    (
        "邓埠镇",
        "方丘村",
        "360622101204",
        [ident("2026-08-20", ["C15"], 8, {"C15": {"satisfaction": 58}}, channel="mass")],
    ),
    (
        "黄溪镇",
        "东阳村",
        "360622102201",
        [
            ident("2025-06-01", ["C12"], 3, {"C12": {"petitions": 4}}, path="黄溪镇.xlsx"),
            plan("2025-06-10"),
            progress("2025-09-01", 20000),
            accept("2025-11-20", score=78),
        ],
    ),  # watching
    (
        "黄溪镇",
        "渡口村",
        "360622102202",
        [
            ident("2024-05-01", ["C05"], 4, path="黄溪镇.xlsx"),
            plan("2024-05-10"),
            accept("2024-10-01", score=80),
            Event(D("2025-10-08"), "closed", {"by": "县委组织部", "recorded": rec("张丽", "2025-10-08")}),
        ],
    ),
    (
        "黄溪镇",
        "石门村",
        "360622102203",
        [
            ident("2026-02-01", ["C09"], 5, {"C09": {"asset_cases": 3}}, path="黄溪镇.xlsx"),
            plan("2026-02-10"),
            accept("2026-07-01", passed=False, score=61, deadline="2026-10-20"),
        ],
    ),
    (
        "洪湖乡",
        "塘桥村",
        "360622203201",
        [
            ident("2025-04-01", ["C02"], 9, {"C02": {"organising_ability": False}}, channel="spot"),
            plan("2025-04-10"),
            accept("2025-09-01", score=90),
            Event(
                D("2026-03-01"),
                "reopened",
                {
                    "reason": "再次出现越级访",
                    "criteria": ["C12"],
                    "deadline": D("2026-09-01"),
                    "recorded": rec("张丽", "2026-03-01"),
                },
            ),
        ],
    ),
    (
        "洪湖乡",
        "柏树村",
        "360622203202",
        [
            ident("2026-03-15", ["C03", "C05"], 10, channel="department"),
            plan("2026-03-25"),
            progress("2026-05-10", 5000),
            accept("2026-08-10", score=88),
        ],
    ),
    (
        "洪湖乡",
        "龙岗村",
        "360622203203",
        [ident("2026-09-01", ["C14"], 11, {"C14": {"two_committees_conflict": True}})],
    ),
]

SUBMISSIONS = {
    "邓埠镇": [("2026-03-28", "2026Q1"), ("2026-06-29", "2026Q2")],
    "黄溪镇": [("2026-04-10", "2026Q1"), ("2026-06-30", "2026Q2")],
    "洪湖乡": [("2026-03-30", "2026Q1")],
}


def make_county(folder: Path, extra=()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for township, village, code, events in list(VILLAGES) + list(extra):
        (folder / village_file_name(township, village)).write_text(
            dump_village(township, village, code, events), encoding="utf-8"
        )
    tdir = folder / "_townships"
    tdir.mkdir(exist_ok=True)
    for township, subs in SUBMISSIONS.items():
        events = [
            Event(D(day), "submission", {"quarter": q, "villages": 20, "recorded": rec("张丽", day)}) for day, q in subs
        ]
        (tdir / township_file_name(township)).write_text(dump_township(township, events), encoding="utf-8")
    return folder


def lax(*args: str, today: str = AS_OF) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), LAX_TODAY=today)
    env.pop("LAX_LEDGER", None)
    env.pop("LAX_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "lax", *args], capture_output=True, text=True, env=env, encoding="utf-8"
    )


@pytest.fixture()
def ledger(tmp_path):
    return make_county(tmp_path / "ledger")


def _names(rows):
    return [(r["village"], r["days"]) for r in rows]


def test_due_json(ledger):
    done = lax("ledger", "due", "--format", "json", "--ledger", str(ledger))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["as_of"] == AS_OF and data["within"] == 30
    assert _names(data["overdue"]) == [("宋三村", -82), ("塘桥村", -29)]
    assert _names(data["due"]) == [("塔洲村", 8), ("石门村", 20)]
    assert _names(data["closable"]) == [("新店村", -41)]
    assert _names(data["watch_ending"]) == []  # 东阳村's watch year ends in 51 days
    # Each village is its `ledger list` row, plus the days.
    listed = {
        v["village"]: v
        for v in json.loads(lax("ledger", "list", "--format", "json", "--ledger", str(ledger)).stdout)["villages"]
    }
    for row in data["overdue"] + data["due"] + data["closable"]:
        assert {k: v for k, v in row.items() if k != "days"} == listed[row["village"]]
    late = [(r["township"], r["quarter"], r["status"]) for r in data["late_submissions"]]
    assert data["submissions_from"] == "2025-10-01"
    assert late == [
        ("邓埠镇", "2025Q4", "missing"),
        ("邓埠镇", "2026Q3", "missing"),
        ("黄溪镇", "2025Q4", "missing"),
        ("黄溪镇", "2026Q1", "late"),
        ("黄溪镇", "2026Q3", "missing"),
        ("洪湖乡", "2025Q4", "missing"),
        ("洪湖乡", "2026Q2", "missing"),
        ("洪湖乡", "2026Q3", "missing"),
    ]


def test_due_late_sheets_equal_the_report_for_the_same_span(ledger):
    data = json.loads(lax("ledger", "due", "--format", "json", "--ledger", str(ledger)).stdout)
    report = lax(
        "report", "--from", data["submissions_from"], "--to", AS_OF, "--format", "json", "--ledger", str(ledger)
    )
    assert report.returncode == 0, report.stderr
    theirs = json.loads(report.stdout)["submissions"]["late"]
    assert data["late_submissions"] == [
        {k: r[k] for k in ("township", "quarter", "quarter_label", "due", "date", "status", "status_text")}
        for r in theirs
    ]


def test_due_within_60_days(ledger):
    data = json.loads(lax("ledger", "due", "--within", "60", "--format", "json", "--ledger", str(ledger)).stdout)
    assert _names(data["due"]) == [("塔洲村", 8), ("石门村", 20)]
    assert _names(data["watch_ending"]) == [("东阳村", 51)]
    data = json.loads(lax("ledger", "due", "--within", "10", "--format", "json", "--ledger", str(ledger)).stdout)
    assert _names(data["due"]) == [("塔洲村", 8)]


def test_due_as_of_an_earlier_day(ledger):
    data = json.loads(lax("ledger", "due", "--as-of", "2026-07-05", "--format", "json", "--ledger", str(ledger)).stdout)
    assert _names(data["overdue"]) == []
    assert _names(data["due"]) == [("宋三村", 5)]  # time limit 2026-07-10
    assert data["submissions_from"] == "2025-07-06"


def test_due_table_in_chinese(ledger):
    done = lax("ledger", "due", "--lang", "zh", "--ledger", str(ledger))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"截至 {AS_OF} 的待办事项"
    assert "已超期（超过整改时限）: 2" in lines
    assert any(line.startswith("邓埠镇") and "宋三村" in line and line.rstrip().endswith("82") for line in lines)
    assert "季度排查逾期或未报送（自 2025-10-01 起）：8" in lines
    assert any("黄溪镇" in line and "逾期报送（2026年4月10日）" in line for line in lines)


def test_due_errors(ledger, tmp_path):
    missing = lax("ledger", "due", "--ledger", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert missing.stderr.startswith(f"no ledger at {tmp_path / 'nope'}")
    bad = lax("ledger", "due", "--format", "xml", "--ledger", str(ledger))
    assert bad.returncode == 2 and bad.stderr == "--format: 'xml' is not one of table, json\n"
    negative = lax("ledger", "due", "--within", "-3", "--ledger", str(ledger))
    assert negative.returncode == 2 and "--within" in negative.stderr


def test_due_with_a_broken_file_lists_the_rest_and_exits_2(ledger):
    (ledger / "黄溪镇-坏村.yaml").write_text("township: 黄溪镇\nvillage: 坏村\nevents: [\n", encoding="utf-8")
    done = lax("ledger", "due", "--format", "json", "--ledger", str(ledger))
    assert done.returncode == 2
    assert len(json.loads(done.stdout)["overdue"]) == 2
    assert "黄溪镇-坏村.yaml:" in done.stderr
