"""The small county of the site and to-do tests, written as ledger files: villages at every stage on
AS_OF (overdue, due soon, closable, rebound, a hostile name), township submissions, and `lax` run on that day
(in-process)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from lax.cli import app
from lax.ledger import dump_township, dump_village, township_file_name, village_file_name
from lax.lifecycle import Event

AS_OF = "2026-09-30"
HOSTILE = "<img src=x onerror=alert(1)>"
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


_runner = CliRunner()


def lax(*args: str, today: str = AS_OF) -> subprocess.CompletedProcess:
    """`lax ARGS` on that day, in this process (`typer.testing.CliRunner`: about a tenth of a `python -m lax`'s
    start-up), with what a process would give back: the exit code, stdout and stderr. These tests read output and
    files only; what needs a real process (signals, pipes, a crash) is tested elsewhere."""
    result = _runner.invoke(app, list(args), env={"LAX_TODAY": today, "LAX_LEDGER": None, "LAX_LANG": None})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # an escaped exception is a failure of the test, not an exit code to compare
    return subprocess.CompletedProcess(["lax", *args], result.exit_code, result.stdout, result.stderr)
