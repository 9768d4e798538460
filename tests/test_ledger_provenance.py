"""Provenance and authorship in the ledger, through the command line: each event `check --record` writes keeps
the row it came from (`source: {path, sheet, row}`) and its evidence; every event lax writes says who recorded
it and when (`recorded: {by, at}`: --recorded-by, LAX_USER, git's user.name, the login name); and villages are
matched by code, an ambiguous name match being refused, never skipped or merged."""

import getpass
import subprocess

import openpyxl
import pytest
from typer.testing import CliRunner

from lax.cli import app

runner = CliRunner()
NOW = "2026-09-30T10:15:00+08:00"
HEADER = ["乡镇", "村名", "村代码", "换届完成", "干部违纪违法人次", "越级访次数"]


def lax(*args, env=None):
    return runner.invoke(app, list(args), env=env)


def workbook(path, rows, sheet="排查表", title="邓埠镇村级班子排查表"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([title])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def files(led):
    return sorted(str(p.relative_to(led)) for p in led.rglob("*.yaml"))


def test_check_record_keeps_each_villages_own_row_its_evidence_and_who_recorded_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    workbook(
        tmp_path / "邓埠镇.xlsx",
        [
            ["邓埠镇", "宋三村", "360622101201", "否", 1, 0],
            ["邓埠镇", "新桥村", "360622101202", "是", 0, 0],
            ["邓埠镇", "西畈村", "360622101203", "是", 0, 3],
        ],
    )
    (tmp_path / "黄溪镇.csv").write_text(
        ",".join(HEADER) + "\n黄溪镇,东阳村,,是,0,0\n黄溪镇,塔洲村,,是,2,0\n", encoding="utf-8"
    )
    r = lax(
        "check",
        "邓埠镇.xlsx",
        "黄溪镇.csv",
        "--as-of",
        "2026-09-30",
        "--record",
        "--ledger",
        "led",
        env={"LAX_USER": "王芳", "LAX_NOW": NOW},
    )
    assert r.exit_code == 1, r.output
    led = tmp_path / "led"
    assert (
        (led / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8")
        == """\
township: 邓埠镇
village: 宋三村
code: '360622101201'
events:
- date: 2026-09-30
  type: identified
  channel: self
  criteria: [C05, C13]
  evidence: {C05: {election_completed: false}, C13: {cadre_violations: 1}}
  deadline: 2027-03-30
  profile: {leapfrog_petitions: 0}
  source: {path: 邓埠镇.xlsx, sheet: 排查表, row: 3}
  recorded: {by: 王芳, at: '2026-09-30T10:15:00+08:00'}
"""
    )
    xifan = (led / "邓埠镇-西畈村.yaml").read_text(encoding="utf-8")
    assert (
        "  evidence: {C12: {leapfrog_petitions: 3}}\n  deadline: 2027-03-30\n  profile: {leapfrog_petitions: 3}\n"
        "  source: {path: 邓埠镇.xlsx, sheet: 排查表, row: 5}\n" in xifan
    )
    tazhou = (led / "黄溪镇-塔洲村.yaml").read_text(encoding="utf-8")
    assert "  source: {path: 黄溪镇.csv, row: 3}\n  recorded: {by: 王芳, at: '2026-09-30T10:15:00+08:00'}\n" in tazhou
    # each township's submission names the files its own rows came from
    assert (
        (led / "_townships" / "邓埠镇.yaml").read_text(encoding="utf-8")
        == """\
township: 邓埠镇
events:
- date: 2026-09-30
  type: submission
  quarter: 2026Q3
  villages: 3
  source: 邓埠镇.xlsx
  recorded: {by: 王芳, at: '2026-09-30T10:15:00+08:00'}
"""
    )
    assert "  source: 黄溪镇.csv\n" in (led / "_townships" / "黄溪镇.yaml").read_text(encoding="utf-8")
    assert lax("ledger", "verify", "--ledger", "led").exit_code == 0
    shown = lax("ledger", "show", "宋三村", "--ledger", "led", "--format", "json", "--as-of", "2026-10-01")
    assert shown.exit_code == 0
    import json

    event = json.loads(shown.stdout)["events"][0]
    assert event["source"] == {"path": "邓埠镇.xlsx", "sheet": "排查表", "row": 3}
    assert event["recorded"] == {"by": "王芳", "at": NOW}


def test_amended_and_reopened_events_keep_their_own_row(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q3.csv").write_text(",".join(HEADER) + "\n邓埠镇,宋三村,360622101201,否,0,0\n", encoding="utf-8")
    assert lax("check", "q3.csv", "--as-of", "2026-09-30", "--record", "--ledger", "led").exit_code == 1
    (tmp_path / "q4.csv").write_text(
        ",".join(HEADER) + "\n邓埠镇,新桥村,360622101202,是,0,0\n邓埠镇,宋三村,360622101201,否,2,0\n", encoding="utf-8"
    )
    r = lax(
        "check",
        "q4.csv",
        "--as-of",
        "2026-12-20",
        "--record",
        "--ledger",
        "led",
        "--recorded-by",
        "李明",
        env={"LAX_NOW": "2026-12-20T16:00:05+08:00"},
    )
    assert r.exit_code == 1, r.output
    text = (tmp_path / "led" / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8")
    assert text.endswith("""\
- date: 2026-12-20
  type: amended
  channel: self
  criteria: [C13]
  evidence: {C13: {cadre_violations: 2}}
  profile: {leapfrog_petitions: 0}
  source: {path: q4.csv, row: 3}
  recorded: {by: 李明, at: '2026-12-20T16:00:05+08:00'}
""")
    assert (
        lax("ledger", "plan", "宋三村", "--measure", "重新选举", "--date", "2027-01-05", "--ledger", "led").exit_code
        == 0
    )
    assert lax("ledger", "accept", "宋三村", "--pass", "--date", "2027-03-01", "--ledger", "led").exit_code == 0
    (tmp_path / "q2.csv").write_text(",".join(HEADER) + "\n邓埠镇,宋三村,360622101201,是,0,4\n", encoding="utf-8")
    r = lax("check", "q2.csv", "--as-of", "2027-05-10", "--record", "--ledger", "led", "--channel", "spot")
    assert r.exit_code == 1, r.output
    text = (tmp_path / "led" / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8")
    assert (
        text.endswith("""\
  criteria: [C12]
  evidence: {C12: {leapfrog_petitions: 4}}
  deadline: 2027-11-10
  profile: {leapfrog_petitions: 4}
  source: {path: q2.csv, row: 2}
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
""")
        and "  type: reopened\n" in text
    )


def test_every_ledger_command_records_who_and_when(tmp_path):
    led = str(tmp_path / "led")
    env = {"LAX_USER": "赵磊", "LAX_NOW": "2027-01-02T08:30:00+08:00"}
    steps = [
        ("open", "宋三村", "--township", "邓埠镇", "--standards", "C05", "--date", "2026-09-30"),
        ("plan", "宋三村", "--measure", "重新选举", "--date", "2026-10-10"),
        ("progress", "宋三村", "完成换届", "--date", "2026-11-15"),
        ("accept", "宋三村", "--pass", "--score", "85", "--by", "县委组织部", "--date", "2027-03-20"),
        ("reopen", "宋三村", "--reason", "再次出现越级访", "--date", "2027-05-01"),
    ]
    for step in steps:
        r = lax("ledger", *step, "--ledger", led, env=env)
        assert r.exit_code == 0, r.output
    text = (tmp_path / "led" / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8")
    assert text.count("  recorded: {by: 赵磊, at: '2027-01-02T08:30:00+08:00'}\n") == 5
    # `accept --by` is the inspecting organisation, kept apart from who recorded the acceptance
    assert "  by: 县委组织部\n  recorded: {by: 赵磊, at: '2027-01-02T08:30:00+08:00'}\n" in text
    r = lax(
        "ledger",
        "progress",
        "宋三村",
        "整改中",
        "--date",
        "2027-05-02",
        "--ledger",
        led,
        "--recorded-by",
        "  钱七 ",
        env=env,
    )
    assert r.exit_code == 0, r.output
    assert (
        (tmp_path / "led" / "邓埠镇-宋三村.yaml")
        .read_text(encoding="utf-8")
        .endswith("  recorded: {by: 钱七, at: '2027-01-02T08:30:00+08:00'}\n")
    )


def test_import_records_who_imported_and_a_second_import_is_still_unchanged(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["乡镇", "村名", "认定时间", "软弱涣散情形", "整改时限"])
    ws.append(["邓埠镇", "宋三村", "2026-03-31", "C05", "2026-09-30"])
    src = tmp_path / "台账.xlsx"
    wb.save(src)
    led = str(tmp_path / "led")
    r = lax("ledger", "import", str(src), "--ledger", led, "--recorded-by", "孙八")
    assert r.exit_code == 0, r.output
    text = (tmp_path / "led" / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8")
    assert text.endswith("  source: 台账.xlsx\n  recorded: {by: 孙八, at: '2026-09-30T10:15:00+08:00'}\n")
    r = lax("ledger", "import", str(src), "--ledger", led, env={"LAX_NOW": "2026-10-01T09:00:00+08:00"})
    assert r.exit_code == 0, r.output
    assert "0 new file(s), 1 already there" in r.stdout
    assert (tmp_path / "led" / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8") == text


def test_the_name_falls_back_to_git_then_to_the_login_name(tmp_path, monkeypatch):
    monkeypatch.delenv("LAX_USER")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository above the test folder counts
    led = tmp_path / "led"
    led.mkdir()
    subprocess.run(["git", "init", "-q", str(led)], check=True)
    subprocess.run(["git", "config", "user.name", "周九"], cwd=led, check=True)
    r = lax(
        "ledger",
        "open",
        "宋三村",
        "--township",
        "邓埠镇",
        "--standards",
        "C05",
        "--date",
        "2026-09-30",
        "--ledger",
        str(led),
    )
    assert r.exit_code == 0, r.output
    assert "  recorded: {by: 周九, at: '2026-09-30T10:15:00+08:00'}\n" in (led / "邓埠镇-宋三村.yaml").read_text(
        "utf-8"
    )
    other = tmp_path / "plain"  # no git repository: the account's login name
    r = lax(
        "ledger",
        "open",
        "宋三村",
        "--township",
        "邓埠镇",
        "--standards",
        "C05",
        "--date",
        "2026-09-30",
        "--ledger",
        str(other),
    )
    assert r.exit_code == 0, r.output
    assert f"  recorded: {{by: {getpass.getuser()}, at: " in (other / "邓埠镇-宋三村.yaml").read_text("utf-8")


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["--recorded-by", " "], {}, "--recorded-by: ' ' is not a usable name (1 to 100 characters, one line)"),
        (["--recorded-by", "李\n明"], {}, "--recorded-by: '李\n明' is not a usable name"),
        ([], {"LAX_USER": "x" * 101}, "LAX_USER: '" + "x" * 101 + "' is not a usable name"),
        (
            [],
            {"LAX_NOW": "2026-09-30 10:15"},
            "LAX_NOW: '2026-09-30 10:15' is not a timestamp like 2026-09-30T10:15:00+08:00",
        ),
        ([], {"LAX_NOW": "2026-09-30T10:15:00"}, "LAX_NOW: '2026-09-30T10:15:00' is not a timestamp"),
    ],
)
def test_a_bad_name_or_time_is_one_line_and_nothing_is_written(tmp_path, args, env, message):
    led = tmp_path / "led"
    r = lax(
        "ledger", "open", "宋三村", "--township", "邓埠镇", "--standards", "C05", "--ledger", str(led), *args, env=env
    )
    assert r.exit_code == 2
    assert r.stderr.startswith(message)
    assert not list(led.glob("*.yaml")) if led.exists() else True


def test_old_files_with_a_text_source_still_read_and_bad_shapes_are_problems(tmp_path):
    led = tmp_path / "led"
    led.mkdir()
    (led / "邓埠镇-宋三村.yaml").write_text(
        """\
township: 邓埠镇
village: 宋三村
code: '360622101201'
events:
- date: 2026-09-30
  type: identified
  criteria: [C05]
  source: dengbu.xlsx, huangxi.xlsx
- date: 2026-10-10
  type: planned
  measures: [重新选举]
  recorded: {by: 李明, at: '2026-10-10T09:00:00+08:00'}
""",
        encoding="utf-8",
    )
    assert lax("ledger", "verify", "--ledger", str(led)).exit_code == 0
    (led / "黄溪镇-塔洲村.yaml").write_text(
        """\
township: 黄溪镇
village: 塔洲村
code: null
events:
- date: 2026-09-30
  type: identified
  criteria: [C12]
  source: {path: q3.csv, row: 0}
- date: 2026-10-10
  type: progress
  note: 走访
  recorded: {by: 李明, at: 2026-10-10}
- date: 2026-10-11
  type: progress
  note: 走访
  recorded: 李明
""",
        encoding="utf-8",
    )
    r = lax("ledger", "verify", "--ledger", str(led))
    assert r.exit_code == 2
    f = led / "黄溪镇-塔洲村.yaml"
    assert r.stdout.splitlines() == [
        f"{f}:8: source: row: 0 must be a row number",
        f"{f}:12: recorded: at: datetime.date(2026, 10, 10) must be a quoted time like '2026-11-29T23:50:00+08:00'",
        f"{f}:16: recorded: must be {{by: NAME, at: '2026-11-29T23:50:00+08:00'}}",
    ]


# ------------------------------------------------------------------------------------------ match by code


CODELESS = """\
township: 甲镇
village: 一村
code: null
# 2026年二季度群众评议列入，当时未填村代码
events:
- date: 2026-06-30
  type: identified
  channel: mass
  criteria: [C05]
  deadline: 2026-12-30
"""


def codeless_ledger(tmp_path):
    led = tmp_path / "led"
    led.mkdir()
    (led / "甲镇-一村.yaml").write_text(CODELESS, encoding="utf-8")
    return led


def test_two_rows_of_one_name_with_different_codes_against_a_codeless_village_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    led = codeless_ledger(tmp_path)
    workbook(
        tmp_path / "甲镇.xlsx",
        [
            ["甲镇", "一村", "360622100001", "否", 1, 0],
            ["甲镇", "二村", "360622100002", "是", 0, 0],
            ["甲镇", "一村", "360622100003", "是", 0, 2],
        ],
        title="甲镇排查表",
    )
    before = {p: p.read_bytes() for p in led.rglob("*")}
    r = lax("check", "甲镇.xlsx", "--as-of", "2026-09-30", "--record", "--ledger", "led")
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert lines == [
        f"nothing recorded: {led.name}/甲镇-一村.yaml has no village code and the input has 2 villages 甲镇/一村 with "
        "different codes: 甲镇.xlsx:排查表:3 (甲镇/一村, code 360622100001); 甲镇.xlsx:排查表:5 (甲镇/一村, code "
        "360622100003); write the right code into the ledger file (code: '...') and run again"
    ]
    assert {p: p.read_bytes() for p in led.rglob("*") if p.suffix == ".yaml"} == {
        p: b for p, b in before.items() if p.suffix == ".yaml"
    }
    assert files(led) == ["甲镇-一村.yaml"]


def test_a_codeless_village_takes_the_code_of_its_one_row_and_keeps_its_comments(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    led = codeless_ledger(tmp_path)
    (tmp_path / "q3.csv").write_text(
        ",".join(HEADER) + "\n甲镇,一村,360622100001,是,2,0\n甲镇,二村,360622100002,是,0,0\n", encoding="utf-8"
    )
    r = lax("check", "q3.csv", "--as-of", "2026-09-30", "--record", "--ledger", "led")
    assert r.exit_code == 1, r.output
    assert r.stderr.splitlines()[-2] == (  # the last: the notice of the quarter its submission went under
        "ledger: 0 opened, 0 reopened (rebound), 1 with standards added, 0 unchanged, 0 missed inclusion(s), "
        "1 submission(s); 2 file(s) written; satisfaction/petitions recorded after identification for 1 village(s); "
        "code taken from the input: 甲镇/一村 (甲镇-一村.yaml) takes code "
        "360622100001 from q3.csv:2 (甲镇/一村, code 360622100001)"
    )
    assert (
        (led / "甲镇-一村.yaml").read_text(encoding="utf-8")
        == CODELESS.replace("code: null", "code: '360622100001'")
        + """\
- date: 2026-09-30
  type: amended
  channel: self
  criteria: [C13]
  evidence: {C13: {cadre_violations: 2}}
  profile: {leapfrog_petitions: 0}
  source: {path: q3.csv, row: 2}
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
"""
    )
    assert files(led) == ["_townships/甲镇.yaml", "甲镇-一村.yaml"]
    assert lax("ledger", "verify", "--ledger", "led").exit_code == 0
    # the next run matches it by its code: nothing new
    r = lax("check", "q3.csv", "--as-of", "2026-09-30", "--record", "--ledger", "led")
    assert r.exit_code == 1 and "nothing new to record (1 flagged village(s) already recorded)" in r.stderr


def test_a_row_without_a_code_matching_two_coded_villages_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    led = tmp_path / "led"
    for code in ("360622100001", "360622100003"):
        r = lax(
            "ledger",
            "open",
            "甲镇/一村",
            "--code",
            code,
            "--standards",
            "C05",
            "--date",
            "2026-06-30",
            "--ledger",
            "led",
        )
        assert r.exit_code == 0, r.output
    assert files(led) == ["甲镇-一村-360622100003.yaml", "甲镇-一村.yaml"]
    (tmp_path / "q3.csv").write_text(",".join(HEADER) + "\n甲镇,一村,,否,1,0\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in led.glob("*.yaml")}
    r = lax("check", "q3.csv", "--as-of", "2026-09-30", "--record", "--ledger", "led")
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "nothing recorded: q3.csv:2 (甲镇/一村, no code) matches 2 villages of the ledger: "
        "甲镇-一村-360622100003.yaml (360622100003), 甲镇-一村.yaml (360622100001); give the row its village code"
    ]
    assert {p: p.read_bytes() for p in led.glob("*.yaml")} == before
    assert not (led / "_townships").exists()


def test_a_coded_row_is_never_merged_into_a_village_with_another_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (
        lax(
            "ledger",
            "open",
            "甲镇/一村",
            "--code",
            "360622100001",
            "--standards",
            "C05",
            "--date",
            "2026-06-30",
            "--ledger",
            "led",
        ).exit_code
        == 0
    )
    (tmp_path / "q3.csv").write_text(",".join(HEADER) + "\n甲镇,一村,360622100009,否,1,0\n", encoding="utf-8")
    r = lax("check", "q3.csv", "--as-of", "2026-09-30", "--record", "--ledger", "led")
    assert r.exit_code == 1, r.output
    led = tmp_path / "led"
    assert files(led) == ["_townships/甲镇.yaml", "甲镇-一村-360622100009.yaml", "甲镇-一村.yaml"]
    assert "code: '360622100009'\n" in (led / "甲镇-一村-360622100009.yaml").read_text(encoding="utf-8")
    assert "amended" not in (led / "甲镇-一村.yaml").read_text(encoding="utf-8")


def test_a_yaml_input_names_the_item_and_check_takes_recorded_by(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "黄庄乡.yaml").write_text(
        """\
villages:
  - township: 黄庄乡
    village: 大路村
    code: "360622105202"
    election_completed: true
  - township: 黄庄乡
    village: 方丘村
    code: "360622105201"
    election_completed: false
""",
        encoding="utf-8",
    )
    r = lax("check", "黄庄乡.yaml", "--as-of", "2026-09-30", "--record", "--ledger", "led", "--recorded-by", "吴十")
    assert r.exit_code == 1, r.output
    text = (tmp_path / "led" / "黄庄乡-方丘村.yaml").read_text(encoding="utf-8")
    assert (
        "  evidence: {C05: {election_completed: false}}\n  deadline: 2027-03-30\n"
        "  source: {path: 黄庄乡.yaml, row: 2}\n  recorded: {by: 吴十, at: '2026-09-30T10:15:00+08:00'}\n" in text
    )
