"""`lax ledger log`: every event of the ledger (village and township files) in the order it was recorded, who
recorded it, filters by date, village and recorder; hand-typed events shown as not recorded by lax."""

import json

import pytest
from typer.testing import CliRunner

from lax.cli import app

runner = CliRunner()
HEADER = "乡镇,村名,村代码,换届完成,干部违纪违法人次,越级访次数\n"


def lax(*args, env=None):
    return runner.invoke(app, list(args), env=env)


@pytest.fixture
def led(tmp_path, monkeypatch):
    """A ledger built over three days by two people, plus one event typed in by hand."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q3.csv").write_text(
        HEADER + "邓埠镇,宋三村,360622101201,否,1,0\n黄溪镇,塔洲村,,是,0,2\n", encoding="utf-8"
    )
    r = lax(
        "check",
        "q3.csv",
        "--as-of",
        "2026-09-30",
        "--record",
        "--ledger",
        "led",
        env={"LAX_USER": "王芳", "LAX_NOW": "2026-10-08T09:00:00+08:00"},
    )
    assert r.exit_code == 1, r.output
    # recorded later in the day by someone in another time zone (01:30 UTC = 09:30 in Beijing)
    r = lax(
        "ledger",
        "plan",
        "塔洲村",
        "--measure",
        "县乡联合督导",
        "--date",
        "2026-10-08",
        "--ledger",
        "led",
        env={"LAX_USER": "李明", "LAX_NOW": "2026-10-08T01:30:00+00:00"},
    )
    assert r.exit_code == 0, r.output
    r = lax(
        "ledger",
        "plan",
        "宋三村",
        "--measure",
        "重新选举",
        "--date",
        "2026-10-10",
        "--ledger",
        "led",
        env={"LAX_USER": "李明", "LAX_NOW": "2026-10-10T15:00:00+08:00"},
    )
    assert r.exit_code == 0, r.output
    p = tmp_path / "led" / "邓埠镇-宋三村.yaml"
    p.write_text(
        p.read_text(encoding="utf-8") + "- date: 2026-10-20\n  type: progress\n  note: 召开党员大会\n", encoding="utf-8"
    )
    return tmp_path / "led"


def log(*args, env=None):
    r = lax("ledger", "log", "--ledger", "led", *args, env=env)
    assert r.exit_code == 0, r.output
    return r


def test_log_lists_events_in_the_order_recorded_hand_edits_first(led):
    r = log()
    assert (
        r.stdout
        == """\
Recorded at                By    Date        Event       Village        Details
─────────────────────────  ────  ──────────  ──────────  ─────────────  ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
not recorded by lax              2026-10-20  progress    邓埠镇/宋三村  note: 召开党员大会
2026-10-08T09:00:00+08:00  王芳  2026-09-30  identified  邓埠镇/宋三村  channel: township self-examination; standards: C05、C13; evidence: C05: Election completed = no; C13: Cadre violations = 1; time limit: 2027-03-30; profile: Leapfrog petitions = 0; source: q3.csv:2
2026-10-08T09:00:00+08:00  王芳  2026-09-30  identified  黄溪镇/塔洲村  channel: township self-examination; standards: C12; evidence: C12: Leapfrog petitions = 2; time limit: 2027-03-30; profile: Leapfrog petitions = 2; source: q3.csv:3
2026-10-08T09:00:00+08:00  王芳  2026-09-30  submission  邓埠镇         quarter: 2026Q3; villages: 1; source: q3.csv
2026-10-08T09:00:00+08:00  王芳  2026-09-30  submission  黄溪镇         quarter: 2026Q3; villages: 1; source: q3.csv
2026-10-08T01:30:00+00:00  李明  2026-10-08  plan        黄溪镇/塔洲村  measures: 县乡联合督导
2026-10-10T15:00:00+08:00  李明  2026-10-10  plan        邓埠镇/宋三村  measures: 重新选举
7 event(s)
"""
    )


def test_log_as_json(led):
    data = json.loads(log("--format", "json").stdout)
    events = data["events"]
    assert [(e["type"], e["village"] or e["township"]) for e in events] == [
        ("progress", "宋三村"),
        ("identified", "宋三村"),
        ("identified", "塔洲村"),
        ("submission", "邓埠镇"),
        ("submission", "黄溪镇"),
        ("planned", "塔洲村"),
        ("planned", "宋三村"),
    ]
    assert events[0] == {
        "township": "邓埠镇",
        "village": "宋三村",
        "code": "360622101201",
        "date": "2026-10-20",
        "type": "progress",
        "recorded": None,
        "path": "led/邓埠镇-宋三村.yaml",
        "line": 18,
        "note": "召开党员大会",
    }
    assert events[1] == {
        "township": "邓埠镇",
        "village": "宋三村",
        "code": "360622101201",
        "date": "2026-09-30",
        "type": "identified",
        "recorded": {"by": "王芳", "at": "2026-10-08T09:00:00+08:00"},
        "path": "led/邓埠镇-宋三村.yaml",
        "line": 5,
        "channel": "self",
        "criteria": ["C05", "C13"],
        "evidence": {"C05": {"election_completed": False}, "C13": {"cadre_violations": 1}},
        "deadline": "2027-03-30",
        # 越级访次数 is tracked (criteria.yaml `tracked: true`): kept from the sheet for the reports' 成效
        "profile": {"leapfrog_petitions": 0},
        "source": {"path": "q3.csv", "row": 2},
    }
    assert events[3] == {
        "township": "邓埠镇",
        "village": None,
        "code": None,
        "date": "2026-09-30",
        "type": "submission",
        "recorded": {"by": "王芳", "at": "2026-10-08T09:00:00+08:00"},
        "path": "led/_townships/邓埠镇.yaml",
        "line": 3,
        "quarter": "2026Q3",
        "villages": 1,
        "source": "q3.csv",
    }


def test_log_filters_by_recorder_village_and_date(led):
    def kinds(*args):
        return [
            (e["type"], e["village"], e["recorded"] and e["recorded"]["by"])
            for e in json.loads(log("--format", "json", *args).stdout)["events"]
        ]

    assert kinds("--by", "李明") == [("planned", "塔洲村", "李明"), ("planned", "宋三村", "李明")]
    assert kinds("--village", "宋三村") == [
        ("progress", "宋三村", None),
        ("identified", "宋三村", "王芳"),
        ("planned", "宋三村", "李明"),
    ]
    # recorded on or after 10 October (by `recorded.at`; a hand-typed event by its own date)
    assert kinds("--since", "2026-10-10") == [("progress", "宋三村", None), ("planned", "宋三村", "李明")]
    assert kinds("--since", "2026-10-21", "--village", "邓埠镇/宋三村") == []
    assert kinds("--by", "赵磊") == []


def test_log_in_chinese_and_its_errors(led):
    r = log("--village", "宋三村", "--lang", "zh")
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["录入时间", "录入人", "日期", "事件", "村", "详情"]
    assert lines[2].split() == ["手工录入", "2026-10-20", "整改进展", "邓埠镇/宋三村", "备注：召开党员大会"]
    assert lines[-1] == "共 3 条记录"
    r = lax("ledger", "log", "--ledger", "led", "--since", "2026-13-01")
    assert r.exit_code == 2
    assert r.stderr == "--since: '2026-13-01' is not a valid date (expected YYYY-MM-DD, e.g. 2026-09-30)\n"
    r = lax("ledger", "log", "--ledger", "led", "--village", "无名村")
    assert r.exit_code == 2 and r.stderr.startswith("no village '无名村' in the ledger (led)")
    r = lax("ledger", "log", "--ledger", "led", "--format", "xml")
    assert r.exit_code == 2 and r.stderr == "--format: 'xml' is not one of table, json\n"
    r = lax("ledger", "log", "--ledger", "nowhere")
    assert r.exit_code == 2 and r.stderr.startswith("no ledger at nowhere")


def test_log_of_a_ledger_with_a_broken_file_lists_the_rest_and_exits_2(led):
    (led / "_townships" / "黄溪镇.yaml").write_text(
        "township: 黄溪镇\nevents:\n- date: 2026-13-40\n  type: submission\n", encoding="utf-8"
    )
    r = lax("ledger", "log", "--ledger", "led", "--format", "json")
    assert r.exit_code == 2
    assert len(json.loads(r.stdout)["events"]) == 6
    assert r.stderr == "led/_townships/黄溪镇.yaml:3: date: '2026-13-40' is not a valid date\n"


def test_a_township_file_with_a_key_given_twice_is_named_and_none_of_its_events_are_listed(led):
    # YAML keeps the last of two `quarter:` keys silently: the file does not read as what it says, so `log`
    # (like every command) lists none of its events and names the problem, exit 2.
    town = led / "_townships" / "黄溪镇.yaml"
    town.write_text(
        town.read_text(encoding="utf-8").replace("  quarter: 2026Q3\n", "  quarter: 2026Q3\n  quarter: 2026Q4\n"),
        encoding="utf-8",
    )
    r = lax("ledger", "log", "--format", "json", "--ledger", str(led))
    assert r.exit_code == 2
    assert [e["township"] for e in json.loads(r.stdout)["events"] if e["type"] == "submission"] == ["邓埠镇"]
    assert f"{town}:" in r.stderr and "is given twice in this mapping" in r.stderr
