"""`lax ledger ...` driven like a county clerk would: every lifecycle path, every refusal, replays, lists."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lax.cli import app

runner = CliRunner()


@pytest.fixture
def led(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAX_TODAY", "2026-10-01")
    return tmp_path / "ledger"


def lax(*args: str, today: str | None = None):
    env = {"LAX_TODAY": today} if today else None
    return runner.invoke(app, ["ledger", *args], env=env)


def ok(*args: str, **kw):
    r = lax(*args, **kw)
    assert r.exit_code == 0, r.output
    return r


def files(led: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(led.glob("*.yaml"))}


def show(village: str, *args: str) -> dict:
    return json.loads(ok("show", village, "--format", "json", *args).stdout)


def open_songsan():
    return ok(
        "open",
        "宋三村",
        "--township",
        "邓埠镇",
        "--standards",
        "C05,C13",
        "--code",
        "360622101201",
        "--date",
        "2026-09-30",
    )


# ------------------------------------------------------------------------------------------- the paths


def test_full_lifecycle_of_songsan_village(led):
    r = open_songsan()
    assert r.stdout == (
        "opened 邓埠镇/宋三村 [ledger/邓埠镇-宋三村.yaml]: round 1, C05, C13, identified 2026-09-30, "
        "time limit 2027-03-30\n"
    )
    r = ok(
        "plan",
        "宋三村",
        "--measure",
        "召开党员大会重新选举",
        "--measure",
        "县乡联合督导",
        "--county-leader",
        "张建国",
        "--township-leader",
        "李明",
        "--first-secretary",
        "王强",
        "--helping-unit",
        "县财政局",
        "--date",
        "2026-10-10",
    )
    assert r.stdout == "planned 邓埠镇/宋三村 [ledger/邓埠镇-宋三村.yaml]: 2 measure(s) on 2026-10-10\n"
    r = ok("progress", "360622101201", "完成支部换届选举", "--funds", "31,500", "--date", "2026-11-15")
    assert r.stdout == "progress recorded for 邓埠镇/宋三村 [ledger/邓埠镇-宋三村.yaml] on 2026-11-15, 31500 yuan\n"
    r = ok("accept", "邓埠镇/宋三村", "--fail", "--score", "62", "--date", "2027-03-20", "--deadline", "2027-06-30")
    assert r.stdout == (
        "邓埠镇/宋三村 [ledger/邓埠镇-宋三村.yaml] failed acceptance on 2027-03-20; keeps rectifying, "
        "new time limit 2027-06-30\n"
    )
    ok("progress", "宋三村", "查处违纪干部，健全监督机制", "--funds", "0.8万", "--date", "2027-05-10")
    r = ok("accept", "宋三村", "--pass", "--score", "85", "--by", "县委组织部", "--date", "2027-06-25")
    assert r.stdout == (
        "邓埠镇/宋三村 [ledger/邓埠镇-宋三村.yaml] passed acceptance on 2027-06-25; watched until 2028-06-25\n"
    )
    r = ok("close", "宋三村", "--date", "2028-06-25")
    assert r.stdout == "closed 邓埠镇/宋三村 [ledger/邓埠镇-宋三村.yaml] on 2028-06-25 (account cancelled)\n"

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
  deadline: 2027-03-30
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
- date: 2026-10-10
  type: planned
  measures: [召开党员大会重新选举, 县乡联合督导]
  county_leader: 张建国
  township_leader: 李明
  first_secretary: 王强
  helping_unit: 县财政局
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
- date: 2026-11-15
  type: progress
  note: 完成支部换届选举
  funds: 31500
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
- date: 2027-03-20
  type: acceptance
  passed: false
  score: 62
  deadline: 2027-06-30
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
- date: 2027-05-10
  type: progress
  note: 查处违纪干部，健全监督机制
  funds: 8000
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
- date: 2027-06-25
  type: acceptance
  passed: true
  score: 85
  by: 县委组织部
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
- date: 2028-06-25
  type: closed
  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}
"""
    )
    data = show("宋三村", "--as-of", "2030-01-01")
    assert {
        k: data[k]
        for k in ("township", "village", "code", "status", "overdue", "deadline", "watch_until", "criteria", "rounds")
    } == {
        "township": "邓埠镇",
        "village": "宋三村",
        "code": "360622101201",
        "status": "closed",
        "overdue": False,
        "deadline": "2027-06-30",
        "watch_until": "2028-06-25",
        "criteria": ["C05", "C13"],
        "rounds": 1,
    }
    assert data["funds"] == 39500
    assert [e["type"] for e in data["events"]] == [
        "identified",
        "planned",
        "progress",
        "acceptance",
        "progress",
        "acceptance",
        "closed",
    ]
    assert data["events"][3] == {
        "date": "2027-03-20",
        "type": "acceptance",
        "passed": False,
        "score": 62,
        "deadline": "2027-06-30",
        "recorded": {"by": "测试员", "at": "2026-09-30T10:15:00+08:00"},
    }
    assert ok("verify").exit_code == 0


def test_show_json_keys_and_replays_of_past_dates(led):
    open_songsan()
    ok("plan", "宋三村", "--measure", "县乡联合督导", "--date", "2026-10-10")
    ok("accept", "宋三村", "--pass", "--date", "2027-03-20")
    data = show("宋三村", "--as-of", "2026-10-05")
    assert list(data)[:10] == [
        "township",
        "village",
        "code",
        "status",
        "overdue",
        "deadline",
        "watch_until",
        "criteria",
        "rounds",
        "identified_on",
    ]
    assert list(data)[-1] == "events"
    assert (data["status"], data["overdue"], data["watch_until"]) == ("identified", False, None)
    assert [e["type"] for e in data["events"]] == ["identified"]
    assert show("宋三村", "--as-of", "2027-03-19")["status"] == "rectifying"
    assert show("宋三村", "--as-of", "2027-03-20")["watch_until"] == "2028-03-20"
    assert show("宋三村", "--as-of", "2026-09-29")["status"] is None
    # Default "today" comes from LAX_TODAY.
    assert json.loads(lax("show", "宋三村", "--format", "json", today="2026-12-01").stdout)["status"] == "rectifying"


def test_overdue_as_of_a_date(led):
    open_songsan()
    ok("plan", "宋三村", "--measure", "县乡联合督导", "--date", "2026-10-10")
    assert show("宋三村", "--as-of", "2027-03-30")["overdue"] is False
    assert show("宋三村", "--as-of", "2027-03-31")["overdue"] is True
    listing = json.loads(ok("list", "--overdue", "--as-of", "2027-04-01", "--format", "json").stdout)
    assert [v["village"] for v in listing["villages"]] == ["宋三村"]
    assert json.loads(ok("list", "--overdue", "--as-of", "2027-03-01", "--format", "json").stdout)["villages"] == []


def test_rebound_then_new_round_in_the_same_file(led):
    ok("open", "洪湖乡/东阳村", "--standards", "C12", "--channel", "spot", "--date", "2026-03-31")
    ok("plan", "东阳村", "--measure", "化解信访积案", "--date", "2026-04-05")
    ok("accept", "东阳村", "--score", "78", "--date", "2026-09-01")  # score alone: 78 >= 70 passes
    assert show("东阳村", "--as-of", "2026-09-02")["status"] == "accepted"
    r = ok("reopen", "东阳村", "--reason", "再次出现越级访", "--standards", "C14", "--date", "2027-05-01")
    assert (
        r.stdout
        == "reopened 洪湖乡/东阳村 [ledger/洪湖乡-东阳村.yaml] on 2027-05-01 (rebound); time limit 2027-11-01\n"
    )
    data = show("东阳村", "--as-of", "2027-05-02")
    assert (data["status"], data["criteria"], data["rebounds"], data["deadline"]) == (
        "rectifying",
        ["C12", "C14"],
        1,
        "2027-11-01",
    )
    ok("accept", "东阳村", "--pass", "--date", "2027-10-20")
    ok("close", "东阳村", "--date", "2028-10-20")
    r = ok("open", "东阳村", "--standards", "15", "--date", "2029-03-31")
    assert "round 2, C15" in r.stdout
    data = show("东阳村", "--as-of", "2029-04-01")
    assert (data["status"], data["rounds"], data["criteria"]) == ("identified", 2, ["C15"])
    assert list(led.glob("*.yaml")) == [led / "洪湖乡-东阳村.yaml"]


def test_failed_acceptance_default_time_limit_and_score_alone(led):
    ok("open", "黄溪镇/塔洲村", "--standards", "C07", "--date", "2026-06-30")
    ok("plan", "塔洲村", "--measure", "落实三会一课", "--date", "2026-07-01")
    r = ok("accept", "塔洲村", "--score", "65", "--date", "2026-12-20")
    assert "failed acceptance on 2026-12-20; keeps rectifying, new time limit 2027-06-20" in r.stdout
    # A veto item fails a village whatever its score.
    r = ok("accept", "塔洲村", "--fail", "--score", "90", "--date", "2027-06-20", "--note", "一票否决：发生群体性事件")
    assert "new time limit 2027-12-20" in r.stdout


# ------------------------------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["accept", "宋三村", "--pass", "--date", "2026-10-20"], "no rectification plan is recorded yet"),
        (["close", "宋三村", "--date", "2026-10-20"], "the earliest date it could be closed is 2027-10-20"),
        (
            ["reopen", "宋三村", "--reason", "又出现问题", "--date", "2026-10-20"],
            "only an accepted village can rebound",
        ),
        (
            ["open", "宋三村", "--township", "邓埠镇", "--standards", "C01", "--date", "2026-10-20"],
            "already identified on 2026-09-30 and identified",
        ),
        (["progress", "宋三村", "补记", "--date", "2026-09-01"], "before the last recorded event (2026-09-30)"),
    ],
)
def test_refused_steps_exit_1_and_write_nothing(led, args, fragment):
    open_songsan()
    before = files(led)
    r = lax(*args)
    assert r.exit_code == 1, r.output
    assert r.stderr.startswith("refused: 邓埠镇/宋三村: ")
    assert fragment in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert r.stdout == ""
    assert files(led) == before


def test_close_in_the_watch_year_names_the_earliest_date(led):
    open_songsan()
    ok("plan", "宋三村", "--measure", "县乡联合督导", "--date", "2026-10-10")
    ok("accept", "宋三村", "--pass", "--date", "2027-03-20")
    before = files(led)
    r = lax("close", "宋三村", "--date", "2028-03-19")
    assert r.exit_code == 1
    assert r.stderr == (
        "refused: 邓埠镇/宋三村: still in the watch year after passing acceptance on 2027-03-20: "
        "it can be closed on 2028-03-20 at the earliest if it does not rebound\n"
    )
    r = lax("close", "宋三村", "--date", "2028-03-19", "--lang", "zh")
    assert (
        r.stderr == "已拒绝：邓埠镇/宋三村：于 2027-03-20 通过验收，仍在观察期内：如无反弹，最早可于 2028-03-20 销号\n"
    )
    assert files(led) == before
    # After a rebound the watch year no longer counts.
    ok("reopen", "宋三村", "--reason", "再次出现越级访", "--date", "2027-08-01")
    r = lax("close", "宋三村", "--date", "2028-03-20")
    assert r.exit_code == 1 and "must pass acceptance" in r.stderr
    ok("accept", "宋三村", "--pass", "--date", "2027-09-01")
    assert lax("close", "宋三村", "--date", "2028-03-20").exit_code == 1
    ok("close", "宋三村", "--date", "2028-09-01")


def test_events_after_closing_are_refused(led):
    open_songsan()
    ok("plan", "宋三村", "--measure", "县乡联合督导", "--date", "2026-10-10")
    ok("accept", "宋三村", "--pass", "--date", "2027-03-20")
    ok("close", "宋三村", "--date", "2028-03-20")
    for args in (
        ["progress", "宋三村", "x", "--date", "2028-04-01"],
        ["plan", "宋三村", "--measure", "x", "--date", "2028-04-01"],
        ["accept", "宋三村", "--pass", "--date", "2028-04-01"],
        ["close", "宋三村", "--date", "2028-04-01"],
        ["reopen", "宋三村", "--reason", "x", "--date", "2028-04-01"],
    ):
        r = lax(*args)
        assert r.exit_code == 1, args
        assert "the account was closed on 2028-03-20" in r.stderr


# ------------------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    "args, fragment",
    [
        (
            ["open", "宋三村", "--township", "邓埠镇", "--standards", "C05,C99"],
            "--standards: unknown standard C99; valid: C01, C02, C03, C04, C05, C06, C07, C08, C09, C10, C11, C12, C13, C14, C15",
        ),
        (["open", "宋三村", "--township", "邓埠镇", "--standards", "党建"], "unknown standard 党建"),
        (["open", "宋三村", "--township", "邓埠镇"], "--standards is required"),
        (
            ["open", "宋三村", "--township", "邓埠镇", "--standards", "C05", "--date", "2026-13-40"],
            "--date: '2026-13-40' is not a valid date",
        ),
        (
            ["open", "宋三村", "--township", "邓埠镇", "--standards", "C05", "--date", "明天"],
            "--date: '明天' is not a valid date",
        ),
        (["open", "../../x", "--township", "邓埠镇", "--standards", "C05"], "VILLAGE says township '..'"),
        (["open", "../../x", "--standards", "C05"], "village name '../x' may not contain"),
        (["open", "x\\y", "--township", "邓埠镇", "--standards", "C05"], "may not contain"),
        (["open", "宋三村", "--township", "  ", "--standards", "C05"], "the township name is empty"),
        (
            ["open", "宋三村", "--township", "邓埠镇", "--standards", "C05", "--code", "../1"],
            "village code '../1' must be",
        ),
        (
            ["open", "宋三村", "--township", "邓埠镇", "--standards", "C05", "--channel", "phone"],
            "--channel: 'phone' is not one of",
        ),
        (
            [
                "open",
                "宋三村",
                "--township",
                "邓埠镇",
                "--standards",
                "C05",
                "--date",
                "2026-09-30",
                "--deadline",
                "2026-09-01",
            ],
            "--deadline 2026-09-01 is before the event's date 2026-09-30",
        ),
        (["open", "新村", "--standards", "C05"], "--township is required: '新村' is not in the ledger yet"),
    ],
)
def test_usage_errors_exit_2_without_traceback_or_files(led, args, fragment):
    r = lax(*args)
    assert r.exit_code == 2, r.output
    assert fragment in r.stderr, r.stderr
    assert "Traceback" not in r.output
    assert not led.exists() or files(led) == {}
    assert not (led.parent.parent / "x.yaml").exists()


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["accept", "宋三村", "--pass", "--fail"], "give --pass or --fail, not both"),
        (["accept", "宋三村"], "give --pass, --fail, or --score"),
        (["accept", "宋三村", "--pass", "--score", "65"], "--pass with --score 65 contradicts the pass score 70"),
        (["accept", "宋三村", "--score", "八十"], "--score: '八十' is not a score from 0 to 100"),
        (["accept", "宋三村", "--score", "180"], "is not a score from 0 to 100"),
        (
            ["accept", "宋三村", "--pass", "--deadline", "2027-12-31"],
            "--deadline is the new time limit of a failed acceptance",
        ),
        (["progress", "宋三村", "x", "--funds", "三万"], "--funds: '三万' is not an amount in yuan"),
        (["progress", "宋三村", "x", "--funds", "-5"], "is not an amount in yuan"),
        (["progress", "宋三村", "x", "--funds", "nan"], "is not an amount in yuan"),
        (["progress", "宋三村", "  "], "NOTE is empty"),
        (["plan", "宋三村"], "--measure is required"),
        (["reopen", "宋三村"], "--reason is required"),
        (["reopen", "宋三村", "--reason", "x", "--standards", "C16"], "unknown standard C16"),
        (["show", "宋三村", "--format", "yaml"], "--format: 'yaml' is not one of table, json"),
        (["show", "宋三村", "--as-of", "2026-02-30"], "--as-of: '2026-02-30' is not a valid date"),
        (["list", "--status", "done"], "--status: 'done' is not one of identified, rectifying, accepted, closed"),
        (["list", "--format", "xlsx"], "--format xlsx needs --output"),
        (["show", "不存在村"], "no village '不存在村' in the ledger"),
    ],
)
def test_usage_errors_on_an_existing_village(led, args, fragment):
    open_songsan()
    before = files(led)
    r = lax(*args)
    assert r.exit_code == 2, r.output
    assert fragment in r.stderr, r.stderr
    assert "Traceback" not in r.output
    assert files(led) == before


def test_no_ledger_folder(led):
    r = lax("list")
    assert r.exit_code == 2
    assert r.stderr.startswith("no ledger at ledger (use --ledger DIR or LAX_LEDGER")


# -------------------------------------------------------------------------------- naming a village


def test_village_resolution_by_code_name_and_township(led):
    ok("open", "东阳村", "--township", "洪湖乡", "--standards", "C12", "--code", "360622201001", "--date", "2026-09-30")
    ok("open", "东阳村", "--township", "黄庄乡", "--standards", "C07", "--code", "360622202004", "--date", "2026-09-30")
    ok("open", "塘桥村", "--township", "洪湖乡", "--standards", "C12", "--date", "2026-09-30")
    r = lax("show", "东阳村")
    assert r.exit_code == 2
    assert r.stderr == (
        "'东阳村' matches 2 villages: 洪湖乡/东阳村 (360622201001), 黄庄乡/东阳村 (360622202004); "
        "name it as township/village or by code\n"
    )
    assert show("黄庄乡/东阳村")["criteria"] == ["C07"]
    assert show("360622201001")["criteria"] == ["C12"]
    assert show("洪湖乡塘桥村")["village"] == "塘桥村"
    r = lax("show", "东杨村")
    assert r.exit_code == 2
    assert (
        "no village '东杨村' in the ledger (ledger); did you mean: 洪湖乡/东阳村 (360622201001), 黄庄乡/东阳村"
        in r.stderr
    )


def test_same_names_different_code_get_their_own_file(led):
    ok("open", "新店村", "--township", "马荃镇", "--standards", "C01", "--code", "360622103001", "--date", "2026-09-30")
    ok("open", "新店村", "--township", "马荃镇", "--standards", "C02", "--code", "360622103009", "--date", "2026-09-30")
    assert sorted(files(led)) == ["马荃镇-新店村-360622103009.yaml", "马荃镇-新店村.yaml"]
    r = lax("open", "新店村", "--township", "黄溪镇", "--standards", "C02", "--code", "360622103001")
    assert r.exit_code == 2
    assert "code 360622103001 belongs to 马荃镇/新店村 in the ledger, not to 黄溪镇/新店村" in r.stderr


def test_names_that_make_the_same_file_name_are_numbered(led):
    # 宋:三村, 宋?三村 and 宋*三村 are three villages whose names all make 邓埠镇-宋_三村.yaml.
    for name in ("宋:三村", "宋?三村", "宋*三村"):
        ok("open", f"邓埠镇/{name}", "--standards", "C05", "--date", "2026-09-30")
    assert sorted(files(led)) == ["邓埠镇-宋_三村-2.yaml", "邓埠镇-宋_三村-3.yaml", "邓埠镇-宋_三村.yaml"]
    assert "village: 宋*三村\n" in (led / "邓埠镇-宋_三村-3.yaml").read_text(encoding="utf-8")


def test_a_hand_broken_file_refuses_new_events_until_fixed(led):
    open_songsan()
    p = led / "邓埠镇-宋三村.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("2027-03-30", "2027-02-30"), encoding="utf-8")
    r = lax("progress", "宋三村", "x", "--date", "2026-10-05")
    assert r.exit_code == 2
    assert "deadline: '2027-02-30' is not a valid date" in r.stderr
    assert "fix the file before adding to it" in r.stderr


def test_hand_edits_with_comments_survive_an_append(led):
    open_songsan()
    p = led / "邓埠镇-宋三村.yaml"
    text = p.read_text(encoding="utf-8").replace("events:\n", "# 2026年第三季度乡镇自查认定\nevents:\n")
    p.write_text(text, encoding="utf-8")
    ok("progress", "宋三村", "完成支部换届选举", "--date", "2026-10-05")
    assert p.read_text(encoding="utf-8") == text + (
        "- date: 2026-10-05\n  type: progress\n  note: 完成支部换届选举\n"
        "  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}\n"
    )


# ------------------------------------------------------------------------------------------- list


def _seed(led):
    open_songsan()
    ok("plan", "宋三村", "--measure", "县乡联合督导", "--date", "2026-10-10")
    ok("open", "黄溪镇/塔洲村", "--standards", "C07", "--date", "2026-09-30")
    ok("open", "洪湖乡/东阳村", "--standards", "C12", "--date", "2026-03-31", "--channel", "spot")
    ok("plan", "东阳村", "--measure", "化解信访积案", "--date", "2026-04-05")
    ok("accept", "东阳村", "--pass", "--score", "80", "--date", "2026-09-01")


def test_list_json_shape_filters_and_as_of(led):
    _seed(led)
    data = json.loads(ok("list", "--format", "json", "--as-of", "2026-12-31").stdout)
    assert data["as_of"] == "2026-12-31"
    assert [(v["township"], v["village"], v["status"]) for v in data["villages"]] == [
        ("洪湖乡", "东阳村", "accepted"),
        ("邓埠镇", "宋三村", "rectifying"),
        ("黄溪镇", "塔洲村", "identified"),
    ]
    first = data["villages"][0]
    assert "events" not in first
    assert {k: first[k] for k in ("code", "overdue", "deadline", "watch_until", "criteria", "rounds")} == {
        "code": None,
        "overdue": False,
        "deadline": "2026-09-30",
        "watch_until": "2027-09-01",
        "criteria": ["C12"],
        "rounds": 1,
    }
    # As of an earlier date the September villages were not listed yet.
    data = json.loads(ok("list", "--format", "json", "--as-of", "2026-06-30").stdout)
    assert [(v["village"], v["status"]) for v in data["villages"]] == [("东阳村", "rectifying")]
    data = json.loads(ok("list", "--format", "json", "--status", "identified", "--as-of", "2026-12-31").stdout)
    assert [v["village"] for v in data["villages"]] == ["塔洲村"]
    data = json.loads(ok("list", "--format", "json", "--township", "邓埠镇", "--as-of", "2026-12-31").stdout)
    assert [v["village"] for v in data["villages"]] == ["宋三村"]


def test_list_table_csv_and_xlsx(led, tmp_path):
    _seed(led)
    r = ok("list", "--as-of", "2026-12-31")
    lines = r.stdout.splitlines()
    assert lines[0].split() == [
        "Township",
        "Village",
        "Code",
        "Status",
        "Overdue",
        "Time",
        "limit",
        "Watched",
        "until",
        "Standards",
        "Rounds",
    ]
    assert lines[2].split() == ["洪湖乡", "东阳村", "accepted", "2026-09-30", "2027-09-01", "C12", "1"]
    assert lines[-1] == "3 village(s) as of 2026-12-31"
    r = ok("list", "--as-of", "2026-12-31", "--lang", "zh")
    assert r.stdout.splitlines()[2].split() == [
        "洪湖乡",
        "东阳村",
        "已验收（观察期）",
        "2026-09-30",
        "2027-09-01",
        "C12",
        "1",
    ]
    r = ok("list", "--as-of", "2026-12-31", "--format", "csv")
    assert r.stdout.splitlines()[0] == (
        "township,village,code,status,overdue,deadline,watch_until,criteria,rounds,identified_on,channel,rebounds,funds"
    )
    assert (
        r.stdout.splitlines()[2]
        == '邓埠镇,宋三村,360622101201,rectifying,false,2027-03-30,,"C05,C13",1,2026-09-30,self,0,0'
    )
    out = tmp_path / "list.xlsx"
    r = ok("list", "--as-of", "2026-12-31", "--format", "xlsx", "--output", str(out), "--lang", "zh")
    assert r.stdout == f"已将 3 个村写入 {out}\n"
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[1][:4] == ["乡镇", "村名", "村代码", "状态"]
    assert rows[2][:4] == ["洪湖乡", "东阳村", "", "已验收（观察期）"]


def test_show_table(led):
    _seed(led)
    r = ok("show", "宋三村", "--as-of", "2026-12-31")
    assert r.stdout.splitlines()[0] == "邓埠镇/宋三村 (360622101201)  as of 2026-12-31"
    assert "  Status: rectifying" in r.stdout
    assert "2026-10-10" in r.stdout and "measures: 县乡联合督导" in r.stdout
    r = ok("show", "宋三村", "--as-of", "2026-12-31", "--lang", "zh")
    assert "  状态：整改中" in r.stdout


def test_list_still_lists_when_a_file_is_broken(led):
    _seed(led)
    (led / "坏文件.yaml").write_text("township: [\n", encoding="utf-8")
    r = lax("list", "--format", "json", "--as-of", "2026-12-31")
    assert r.exit_code == 2
    assert len(json.loads(r.stdout)["villages"]) == 3
    assert "坏文件.yaml:2: YAML syntax error" in r.stderr


# ------------------------------------------------------------------------------- policy and safety


def test_policy_numbers_come_from_the_criteria_file(led, tmp_path):
    from lax.criteria import packaged_path

    text = packaged_path("criteria.yaml").read_text(encoding="utf-8")
    text = (
        text.replace("rectify_months: 6", "rectify_months: 3")
        .replace("watch_months: 12", "watch_months: 6")
        .replace("pass_score: 70", "pass_score: 80")
    )
    crit = tmp_path / "县标准.yaml"
    crit.write_text(text, encoding="utf-8")
    r = ok("open", "黄庄乡/方丘村", "--standards", "C04", "--date", "2026-09-30", "--criteria", str(crit))
    assert "time limit 2026-12-30" in r.stdout
    ok("plan", "方丘村", "--measure", "配齐两委班子", "--date", "2026-10-08", "--criteria", str(crit))
    r = lax("accept", "方丘村", "--pass", "--score", "75", "--date", "2026-12-01", "--criteria", str(crit))
    assert r.exit_code == 2 and "contradicts the pass score 80" in r.stderr
    r = ok("accept", "方丘村", "--score", "75", "--date", "2026-12-01", "--criteria", str(crit))
    assert "new time limit 2027-03-01" in r.stdout
    r = ok("accept", "方丘村", "--score", "86", "--date", "2027-02-20", "--criteria", str(crit))
    assert "watched until 2027-08-20" in r.stdout
    r = lax("close", "方丘村", "--date", "2027-08-19", "--criteria", str(crit))
    assert r.exit_code == 1 and "it can be closed on 2027-08-20 at the earliest" in r.stderr
    ok("close", "方丘村", "--date", "2027-08-20", "--criteria", str(crit))


def test_an_unreadable_file_blocks_adding_a_new_village(led):
    open_songsan()
    (led / "杨溪乡-墩上村.yaml").write_text("township: 杨溪乡\nvillage: [墩上村\n", encoding="utf-8")
    r = lax("open", "杨溪乡/墩上村", "--standards", "C08", "--date", "2026-10-01")
    assert r.exit_code == 2
    assert "杨溪乡-墩上村.yaml:3: YAML syntax error" in r.stderr
    assert "every village file must be readable before a new village is added" in r.stderr
    assert sorted(files(led)) == ["杨溪乡-墩上村.yaml", "邓埠镇-宋三村.yaml"]
    ok("progress", "宋三村", "其他村照常记录", "--date", "2026-10-02")  # existing villages still take events


def test_ledger_from_the_environment(led, tmp_path, monkeypatch):
    monkeypatch.setenv("LAX_LEDGER", str(tmp_path / "县台账"))
    ok("open", "春涛乡/罗坪村", "--standards", "C10", "--date", "2026-09-30")
    assert (tmp_path / "县台账" / "春涛乡-罗坪村.yaml").exists()
    assert not led.exists()


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis_profiles import examples  # noqa: E402

typed = st.one_of(
    st.text(max_size=15),
    st.sampled_from(
        [
            "../../x",
            "..",
            ".",
            "/",
            "a/b/c",
            "C:\\x",
            "\x00",
            "宋三村\n",
            "-",
            "--help",
            "2026-13-40",
            "2026-02-29",
            "9999-12-31",
            "0000-01-01",
            "C99",
            "C05,,C13",
            "1e400",
            "nan",
            "-1",
            "邓埠镇/宋三村",
        ]
    ),
)


@examples(25, dev=120)  # each example types into all five commands
@given(name=typed, township=typed, criteria=typed, day=typed, funds=typed, score=typed)
def test_nothing_typed_gives_a_traceback_or_escapes(tmp_path_factory, name, township, criteria, day, funds, score):
    base = tmp_path_factory.mktemp("fuzz")
    led = base / "ledger"
    runs = [
        ["open", name, "--township", township, "--standards", criteria, "--date", day],
        ["progress", name, "进展", "--funds", funds, "--date", day],
        ["accept", name, "--score", score, "--date", day],
        ["show", name, "--as-of", day, "--format", "json"],
        ["list", "--as-of", day, "--township", township],
    ]
    for args in runs:
        r = runner.invoke(app, ["ledger", *args, "--ledger", str(led)], env={"LAX_TODAY": "2026-10-01"})
        assert r.exit_code in (0, 1, 2), (args, r.output)
        assert "Traceback" not in r.output and "internal error" not in r.output, (args, r.output)
    written = [p for p in base.rglob("*") if p.is_file()]
    assert all(led in p.parents for p in written), written
