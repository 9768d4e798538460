"""`lax ledger due`: the to-do list (overdue, time limits within N days, closable, watch years ending, late
quarterly examinations) in the terminal and as JSON; the same rows as `ledger list`, the same late sheets
as `lax report`."""

from __future__ import annotations

import json

import pytest
from site_county import (
    AS_OF,
    lax,
    make_county,
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
    # From the ledger's first quarter, that of its first submission (2026Q1): 2025Q4 was before it.
    assert data["submissions_from"] == "2026-01-01"
    assert late == [
        ("邓埠镇", "2026Q3", "missing"),
        ("黄溪镇", "2026Q1", "late"),
        ("黄溪镇", "2026Q3", "missing"),
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
    assert data["submissions_from"] == "2026-01-01"  # the quarter of the first submission


def test_due_table_in_chinese(ledger):
    done = lax("ledger", "due", "--lang", "zh", "--ledger", str(ledger))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"截至 {AS_OF} 的待办事项"
    assert "已超期（超过整改时限）: 2" in lines
    assert any(line.startswith("邓埠镇") and "宋三村" in line and line.rstrip().endswith("82") for line in lines)
    assert "季度排查逾期或未报送（自 2026-01-01 起）：5" in lines
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
