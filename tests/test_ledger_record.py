"""`record_check`: what `lax check --record` writes to the ledger (opened, rebound, unchanged, submissions,
missed inclusions), idempotent re-recording, and all-or-nothing refusals."""

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import Policy
from lax.ledger import load_entries, load_townships, record_check
from lax.lifecycle import state_as_of
from lax.problems import LaxError

POLICY = Policy(6, 12, 70)
IDS = {f"C{i:02d}" for i in range(1, 16)}
runner = CliRunner()


def village(township, name, code=None, criteria=(), evidence=None):
    return {"township": township, "village": name, "code": code, "criteria": list(criteria), "evidence": evidence or {}}


Q3 = [
    village(
        "邓埠镇",
        "宋三村",
        "360622101201",
        ["C05", "C13"],
        {"C05": {"election_completed": False}, "C13": {"cadre_violations": 1}},
    ),
    village("邓埠镇", "新桥村", "360622101202"),
    village("邓埠镇", "西畈村", "360622101203"),
    village("黄溪镇", "塔洲村", None, ["C12"], {"C12": {"leapfrog_petitions": 2, "collective_petitions": 1}}),
    village("黄溪镇", "渡口村", None),
]


def record(led, villages, day, channel="self", source="dengbu.xlsx"):
    return record_check(led, villages, dt.date.fromisoformat(day), channel, POLICY, IDS, source)


def snapshot(led: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(led)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(led.rglob("*.yaml"))}


def state(led, name, day):
    entries, problems = load_entries(led, IDS, POLICY)
    assert problems == []
    (e,) = [e for e in entries if e.village == name]
    return state_as_of(e.events, dt.date.fromisoformat(day), POLICY)


def test_first_record_opens_flagged_villages_and_records_submissions(tmp_path):
    led = tmp_path / "ledger"
    s = record(led, Q3, "2026-09-28")
    assert (s.opened, s.reopened, s.amended, s.unchanged, s.missed_inclusions, s.submissions) == (2, 0, 0, 0, 0, 2)
    assert sorted(str(p.relative_to(led)) for p in s.files) == [
        "_townships/邓埠镇.yaml",
        "_townships/黄溪镇.yaml",
        "邓埠镇-宋三村.yaml",
        "黄溪镇-塔洲村.yaml",
    ]
    assert (
        (led / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8")
        == """\
township: 邓埠镇
village: 宋三村
code: '360622101201'
events:
- date: 2026-09-28
  type: identified
  channel: self
  criteria: [C05, C13]
  evidence: {C05: {election_completed: false}, C13: {cadre_violations: 1}}
  deadline: 2027-03-28
  source: dengbu.xlsx
"""
    )
    assert (
        (led / "_townships" / "邓埠镇.yaml").read_text(encoding="utf-8")
        == """\
township: 邓埠镇
events:
- date: 2026-09-28
  type: submission
  quarter: 2026Q3
  villages: 3
  source: dengbu.xlsx
"""
    )
    towns = load_townships(led)
    assert [(e.type, e.data["quarter"], e.data["villages"]) for e in towns["黄溪镇"]] == [("submission", "2026Q3", 2)]
    assert "一票" not in s.describe()
    assert s.describe() == (
        "ledger: 2 opened, 0 reopened (rebound), 0 with standards added, 0 unchanged, "
        "0 missed inclusion(s), 2 submission(s); 4 file(s) written"
    )


def test_recording_the_same_check_twice_changes_no_file(tmp_path):
    led = tmp_path / "ledger"
    record(led, Q3, "2026-09-28")
    before = snapshot(led)
    s = record(led, Q3, "2026-09-28")
    assert (s.opened, s.unchanged, s.submissions, s.files) == (0, 2, 0, [])
    assert s.describe() == "ledger: nothing new to record (2 flagged village(s) already recorded)"
    # A later check in the same quarter finding the same standards adds nothing either.
    s = record(led, Q3, "2026-09-30")
    assert s.files == []
    assert snapshot(led) == before


def test_next_quarter_gets_its_own_submission(tmp_path):
    led = tmp_path / "ledger"
    record(led, Q3, "2026-09-28")
    s = record(led, Q3, "2026-12-20")
    assert s.submissions == 2 and s.opened == 0
    assert [e.data["quarter"] for e in load_townships(led)["邓埠镇"]] == ["2026Q3", "2026Q4"]


def test_a_hand_edited_township_file_keeps_its_comments_when_the_next_submission_is_recorded(tmp_path):
    led = tmp_path / "ledger"
    record(led, Q3, "2026-09-28")
    town = led / "_townships" / "邓埠镇.yaml"
    edited = (
        town.read_text(encoding="utf-8")
        .replace("township: 邓埠镇\n", "# 邓埠镇党委 每季度末报送；联系人：王芳 13907010000\ntownship: 邓埠镇\n")
        .replace("  villages: 3\n", "  villages: 3   # 含新桥村（合并后）\n")
    )
    town.write_text(edited, encoding="utf-8")
    s = record(led, Q3, "2026-12-20")
    assert s.submissions == 2
    assert (
        town.read_text(encoding="utf-8")
        == edited
        + """\
- date: 2026-12-20
  type: submission
  quarter: 2026Q4
  villages: 3
  source: dengbu.xlsx
"""
    )
    assert [e.data["quarter"] for e in load_townships(led)["邓埠镇"]] == ["2026Q3", "2026Q4"]


def test_new_standards_for_a_rectifying_village_are_added_not_reopened(tmp_path):
    led = tmp_path / "ledger"
    record(led, Q3, "2026-09-28")
    q4 = [dict(v) for v in Q3]
    q4[0] = village(
        "邓埠镇",
        "宋三村",
        "360622101201",
        ["C05", "C12"],
        {"C05": {"election_completed": False}, "C12": {"leapfrog_petitions": 1}},
    )
    s = record(led, q4, "2026-12-20")
    assert (s.amended, s.unchanged, s.opened) == (1, 1, 0)
    text = (led / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8")
    assert text.endswith("""\
- date: 2026-12-20
  type: amended
  channel: self
  criteria: [C12]
  evidence: {C12: {leapfrog_petitions: 1}}
  source: dengbu.xlsx
""")
    st = state(led, "宋三村", "2026-12-31")
    assert (st.status, st.criteria, st.rounds, st.deadline) == (
        "identified",
        ("C05", "C13", "C12"),
        1,
        dt.date(2027, 3, 28),
    )


def _accept(led: Path, name: str, day: str, closed: str | None = None):
    """Plan and pass a village through the CLI, as the county would between checks."""
    for args in (
        ["plan", name, "--measure", "县乡联合督导", "--date", day],
        ["accept", name, "--pass", "--score", "82", "--date", day],
    ):
        r = runner.invoke(app, ["ledger", *args, "--ledger", str(led)])
        assert r.exit_code == 0, r.output
    if closed:
        r = runner.invoke(app, ["ledger", "close", name, "--date", closed, "--ledger", str(led)])
        assert r.exit_code == 0, r.output


def test_a_village_flagged_in_its_watch_year_rebounds(tmp_path):
    led = tmp_path / "ledger"
    record(led, Q3, "2026-09-28")
    _accept(led, "塔洲村", "2027-03-01")
    q2 = [
        village(
            "黄溪镇", "塔洲村", None, ["C12", "C14"], {"C12": {"leapfrog_petitions": 1}, "C14": {"forest_fires": 1}}
        ),
        village("黄溪镇", "渡口村"),
    ]
    s = record(led, q2, "2027-06-25")
    assert (s.reopened, s.opened, s.submissions) == (1, 0, 1)
    st = state(led, "塔洲村", "2027-06-30")
    assert (st.status, st.rebounds, st.criteria, st.deadline, st.watch_until) == (
        "rectifying",
        1,
        ("C12", "C14"),
        dt.date(2027, 12, 25),
        None,
    )
    text = (led / "黄溪镇-塔洲村.yaml").read_text(encoding="utf-8")
    assert "  type: reopened\n  reason: meets C12, C14 again (self check)\n  channel: self\n" in text
    # Not flagged in the watch year: nothing happens.
    _accept(led, "塔洲村", "2027-09-01")
    s = record(led, [village("黄溪镇", "塔洲村")], "2027-09-28")
    assert (s.reopened, s.unchanged) == (0, 0)
    assert state(led, "塔洲村", "2027-09-30").status == "accepted"


def test_a_closed_village_flagged_again_starts_a_new_round(tmp_path):
    led = tmp_path / "ledger"
    record(led, Q3, "2026-09-28")
    _accept(led, "塔洲村", "2027-03-01", closed="2028-03-01")
    s = record(led, [village("黄溪镇", "塔洲村", None, ["C15"], {"C15": {"satisfaction": 55}})], "2028-06-28")
    assert s.opened == 1
    st = state(led, "塔洲村", "2028-06-30")
    assert (st.status, st.rounds, st.criteria) == ("identified", 2, ("C15",))
    assert list(led.glob("*塔洲村*.yaml")) == [led / "黄溪镇-塔洲村.yaml"]


def test_spot_check_records_missed_inclusions_against_the_township(tmp_path):
    led = tmp_path / "ledger"
    record(led, Q3, "2026-09-28")  # the townships' own lists
    spot = [
        village("邓埠镇", "宋三村", "360622101201", ["C05"], {"C05": {"election_completed": False}}),  # listed already
        village("邓埠镇", "西畈村", "360622101203", ["C12"], {"C12": {"leapfrog_petitions": 1}}),  # missed
        village("黄溪镇", "渡口村", None, ["C14"], {"C14": {"illegal_buildings": 12}}),  # missed
        village("黄溪镇", "塔洲村"),
    ]
    s = record(led, spot, "2026-10-08", channel="spot", source="县级抽查.xlsx")
    assert (s.missed_inclusions, s.opened, s.unchanged, s.submissions) == (2, 2, 1, 0)
    text = (led / "邓埠镇-西畈村.yaml").read_text(encoding="utf-8")
    assert (
        text
        == """\
township: 邓埠镇
village: 西畈村
code: '360622101203'
events:
- date: 2026-10-08
  type: missed_inclusion
  channel: spot
  criteria: [C12]
  evidence: {C12: {leapfrog_petitions: 1}}
  source: 县级抽查.xlsx
- date: 2026-10-08
  type: identified
  channel: spot
  criteria: [C12]
  evidence: {C12: {leapfrog_petitions: 1}}
  deadline: 2027-04-08
  source: 县级抽查.xlsx
"""
    )
    assert state(led, "西畈村", "2026-10-08").channel == "spot"
    # Running the spot check again records nothing more.
    before = snapshot(led)
    s = record(led, spot, "2026-10-08", channel="spot", source="县级抽查.xlsx")
    assert (s.missed_inclusions, s.opened, s.unchanged, s.files) == (0, 0, 3, [])
    assert snapshot(led) == before
    assert sorted(load_townships(led)) == ["邓埠镇", "黄溪镇"]  # spot checks are no township submission


def test_unknown_standard_is_an_error_and_writes_nothing(tmp_path):
    led = tmp_path / "ledger"
    with pytest.raises(LaxError) as info:
        record(led, [village("邓埠镇", "宋三村", None, ["C99"])], "2026-09-28")
    assert info.value.exit_code == 2
    assert "邓埠镇/宋三村: unknown standard C99" in str(info.value)
    assert not list(led.rglob("*.yaml"))


def test_bad_channel_is_an_error(tmp_path):
    with pytest.raises(LaxError) as info:
        record(tmp_path / "ledger", Q3, "2026-09-28", channel="phone")
    assert info.value.exit_code == 2


def test_a_check_older_than_the_ledger_is_refused_as_a_whole(tmp_path):
    led = tmp_path / "ledger"
    record(led, Q3, "2026-09-28")
    _accept(led, "塔洲村", "2027-03-01")
    before = snapshot(led)
    late = [
        village("邓埠镇", "新桥村", "360622101202", ["C07"]),
        village("黄溪镇", "塔洲村", None, ["C12", "C07"]),
    ]  # C07 would be added on 2027-01-10, before 2027-03-01
    with pytest.raises(LaxError) as info:
        record(led, late, "2027-01-10")
    assert info.value.exit_code == 1
    assert "nothing recorded: 1 village(s) cannot take this check's results" in str(info.value)
    assert info.value.details == [
        "refused: 黄溪镇/塔洲村: 2027-01-10 is before the last recorded event (2027-03-01); events are recorded in date order"
    ]
    assert snapshot(led) == before


def test_villages_without_names_and_duplicates_are_skipped(tmp_path):
    led = tmp_path / "ledger"
    rows = [
        village("", "无名村", None, ["C01"]),
        village("邓埠镇", "宋三村", None, ["C01"]),
        village("邓埠镇", "宋三村", None, ["C02"]),
    ]
    s = record(led, rows, "2026-09-28")
    assert s.opened == 1
    assert state(led, "宋三村", "2026-09-30").criteria == ("C01",)


def test_names_that_try_to_escape_are_refused_and_nothing_is_written(tmp_path):
    """The rule of `lax ledger open` holds for `check --record` too: a name with a path separator is refused."""
    led = tmp_path / "deep" / "ledger"
    with pytest.raises(LaxError) as e:
        record(
            led,
            [village("邓埠镇", "宋三村", None, ["C05"]), village("../..", "../../evil", None, ["C01"])],
            "2026-09-28",
        )
    assert e.value.exit_code == 2
    assert str(e.value) == "nothing recorded: 1 name(s) cannot go into the ledger"
    assert e.value.details == [
        "../../../../evil: township name '../..' may not contain '/', '\\' or control characters"
    ]
    assert list(tmp_path.rglob("*.yaml")) == []


def test_lax_check_record_from_the_command_line(tmp_path, monkeypatch):
    """The lead's `lax check --record` calls record_check; a second identical run changes nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q3.csv").write_text(
        "乡镇,村名,村代码,换届完成,干部违纪违法人次,越级访次数\n"
        "邓埠镇,宋三村,360622101201,否,1,0\n邓埠镇,新桥村,360622101202,是,0,0\n黄溪镇,塔洲村,,是,0,2\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["check", "q3.csv", "--as-of", "2026-09-30", "--record", "--ledger", "led"])
    assert r.exit_code == 1, r.output  # villages flagged
    assert sorted(p.name for p in (tmp_path / "led").rglob("*.yaml")) == [
        "邓埠镇-宋三村.yaml",
        "邓埠镇.yaml",
        "黄溪镇-塔洲村.yaml",
        "黄溪镇.yaml",
    ]
    before = snapshot(tmp_path / "led")
    r = runner.invoke(app, ["check", "q3.csv", "--as-of", "2026-09-30", "--record", "--ledger", "led"])
    assert r.exit_code == 1, r.output
    assert snapshot(tmp_path / "led") == before
