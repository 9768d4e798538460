"""Ledger files: the exact text lax writes, safe names, safe and fast reading, the cache, and `verify`."""

import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest
from helpers import write
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples
from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import Policy
from lax.ledger import dump_village, load_entries, parse_text, read_village, safe_part, village_file_name
from lax.ledger.fileformat import _fast_parse, _slow_parse
from lax.lifecycle import Event

POLICY = Policy(6, 12, 70)
runner = CliRunner()

SONGSAN = """\
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
  source: dengbu.xlsx
- date: 2026-10-10
  type: planned
  measures: [召开党员大会重新选举, 县乡联合督导]
  county_leader: 张建国
  township_leader: 李明
  first_secretary: 王强
  helping_unit: 县财政局
- date: 2026-11-15
  type: progress
  note: 完成支部换届选举
  funds: 31500
- date: 2027-03-20
  type: acceptance
  passed: true
  score: 85
  by: 县委组织部
"""


# ------------------------------------------------------------------------------------------ round trip


def test_contract_example_reads_and_writes_back_byte_for_byte(tmp_path):
    p = write(tmp_path, "邓埠镇-宋三村.yaml", SONGSAN)
    checked = read_village(p, POLICY)
    assert checked.problems == ()
    e = checked.entry
    assert (e.township, e.village, e.code) == ("邓埠镇", "宋三村", "360622101201")
    assert [x.type for x in e.events] == ["identified", "planned", "progress", "acceptance"]
    assert [x.line for x in e.events] == [5, 12, 19, 23]
    assert e.events[0].data["evidence"] == {"C05": {"election_completed": False}, "C13": {"cadre_violations": 1}}
    assert e.events[0].data["deadline"] == dt.date(2027, 3, 30)
    assert dump_village(e.township, e.village, e.code, e.events) == SONGSAN


def test_fast_and_slow_parsers_agree_on_the_contract_example():
    fast = _fast_parse(SONGSAN)
    slow = _slow_parse(SONGSAN)
    assert fast is not None
    assert (fast.doc, fast.key_lines, fast.event_lines) == (slow.doc, slow.key_lines, slow.event_lines)


names = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and s
)
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
tricky = st.sampled_from(
    [
        "yes",
        "no",
        "on",
        "null",
        "~",
        "",
        "2026-13-40",
        "2026-09-30",
        "0x10",
        "1_000",
        "017",
        "1:30",
        "- a",
        "? b",
        "a: b",
        "a #b",
        "#c",
        "[x]",
        "{y}",
        "'q'",
        '"d"',
        " lead",
        "trail ",
        "=SUM(A1)",
        "@x",
        "+1",
        "-1",
        "1e5",
        ".inf",
        "<<",
        "=",
        "a,b",
        "100%",
        "多行\n文字",
        "tab\there",
        "é",
        "\u2028",
    ]
)
scalars = st.one_of(
    texts,
    tricky,
    st.booleans(),
    st.none(),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=False, allow_infinity=True, width=64),
    st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)),
)
keys = st.one_of(st.sampled_from(["election_completed", "cadre_violations", "satisfaction", "on", "y", "C05"]), names)
events = st.lists(
    st.builds(
        lambda d, t, data: Event(d, t, data),
        st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
        st.sampled_from(["identified", "planned", "progress", "acceptance", "reopened", "closed", "missed_inclusion"]),
        st.dictionaries(
            st.sampled_from(
                [
                    "note",
                    "criteria",
                    "evidence",
                    "funds",
                    "measures",
                    "passed",
                    "score",
                    "deadline",
                    "channel",
                    "reason",
                    "source",
                    "by",
                ]
            ),
            st.one_of(
                scalars,
                st.lists(st.one_of(names, tricky), max_size=4),
                st.dictionaries(keys, st.dictionaries(keys, scalars, max_size=3), max_size=3),
            ),
            max_size=6,
        ),
    ),
    max_size=5,
)


@examples(60, dev=300)
@given(
    township=names, village=names, code=st.one_of(st.none(), st.from_regex(r"[0-9]{12}", fullmatch=True)), evs=events
)
def test_write_read_write_is_identical_and_both_parsers_agree(township, village, code, evs):
    text = dump_village(township, village, code, evs)
    slow = _slow_parse(text)
    fast = _fast_parse(text)
    if fast is not None:
        assert (fast.doc, fast.key_lines, fast.event_lines) == (slow.doc, slow.key_lines, slow.event_lines)
    parsed = parse_text(text)
    checked = read_village(Path("x.yaml"), None, None, "x.yaml", parsed)
    e = checked.entry
    assert e is not None
    assert dump_village(e.township, e.village, e.code, e.events) == text


def test_fast_parser_gives_way_to_yaml_for_hand_edits():
    with_comment = SONGSAN.replace("  funds: 31500\n", "  funds: 31500   # 县财政拨付\n")
    assert _fast_parse(with_comment) is None
    assert parse_text(with_comment).doc["events"][2]["funds"] == 31500
    block_list = SONGSAN.replace(
        "  measures: [召开党员大会重新选举, 县乡联合督导]\n",
        "  measures:\n  - 召开党员大会重新选举\n  - 县乡联合督导\n",
    )
    assert _fast_parse(block_list) is None
    assert parse_text(block_list).doc["events"][1]["measures"] == ["召开党员大会重新选举", "县乡联合督导"]


# ------------------------------------------------------------------------------------------------ names


@pytest.mark.parametrize(
    "township, village, code, expected",
    [
        ("邓埠镇", "宋三村", None, "邓埠镇-宋三村.yaml"),
        ("邓埠镇", "宋三村", "360622101201", "邓埠镇-宋三村-360622101201.yaml"),
        ("..", "../../x", None, "__-______x.yaml"),
        ("a/b", 'c\\d:e*f?g"h<i>j|k', None, "a_b-c_d_e_f_g_h_i_j_k.yaml"),
        (".hidden", "村\n名\t", None, "_hidden-村_名.yaml"),
        ("黄溪镇", "塔洲村..", None, "黄溪镇-塔洲村__.yaml"),
    ],
)
def test_file_names_are_safe_and_recognisable(township, village, code, expected):
    name = village_file_name(township, village, code)
    assert name == expected
    assert "/" not in name and "\\" not in name and ".." not in name and not name.startswith(".")


def test_safe_part_limits_length():
    assert len(safe_part("长" * 500)) == 60


# ------------------------------------------------------------------------------------- cache and speed


def test_cache_notices_a_hand_edit_of_the_same_size(tmp_path):
    led = tmp_path / "ledger"
    p = write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    old = time.time() - 3600
    os.utime(p, (old, old))
    entries, problems = load_entries(led)
    assert problems == [] and entries[0].events[0].data["criteria"] == ["C05", "C13"]
    assert (led / ".cache" / "ledger.json").exists()
    assert (led / ".cache" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    # Same size, same mtime: only the inode/ctime tell it apart, as after an editor's in-place save.
    p.write_text(SONGSAN.replace("C13]", "C12]"), encoding="utf-8")
    os.utime(p, (old, old))
    entries, _ = load_entries(led)
    assert entries[0].events[0].data["criteria"] == ["C05", "C12"]


def test_a_file_just_written_is_not_trusted_to_the_cache(tmp_path):
    led = tmp_path / "ledger"
    p = write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    load_entries(led)
    p.write_text(SONGSAN.replace("C13]", "C12]"), encoding="utf-8")
    entries, _ = load_entries(led)
    assert entries[0].events[0].data["criteria"] == ["C05", "C12"]


def test_a_corrupt_or_hostile_cache_is_ignored(tmp_path):
    led = tmp_path / "ledger"
    write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    (led / ".cache").mkdir()
    (led / ".cache" / "ledger.json").write_bytes(b"\x80\x04\x95 not json cos\nsystem\n")
    entries, problems = load_entries(led)
    assert len(entries) == 1 and problems == []


# -------------------------------------------------------------------------------------------- verify


def verify(led: Path, *args: str):
    return runner.invoke(app, ["ledger", "verify", "--ledger", str(led), *args])


def test_verify_clean_ledger(tmp_path):
    led = tmp_path / "ledger"
    write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    r = verify(led)
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    assert "1 file(s) checked, no problems" in r.stderr


BROKEN = """\
township: 黄溪镇
village: 塔洲村
code: 360622102203
events:
- date: 2026-09-30
  type: identified
  criteria: [C05, C99]
  channel: phone
- date: 2026-13-40
  type: planned
  measures: [县乡联合督导]
- date: 2026-10-20
  type: inspected
- date: 2026-10-10
  type: progress
  note: 完成换届
  funds: 三万
  dealine: 2027-01-01
- date: '2026-11-01'
  type: progress
- date: 2026-11-15
  type: acceptance
  passed: true
- date: 2026-12-01
  type: closed
"""


def test_verify_names_every_problem_of_a_hand_broken_file(tmp_path):
    led = tmp_path / "ledger"
    write(led, "黄溪镇-塔洲村.yaml", BROKEN)
    r = verify(led)
    assert r.exit_code == 2
    f = str(led / "黄溪镇-塔洲村.yaml")
    lines = r.stdout.splitlines()
    assert lines == [
        f"{f}:3: code: write the code as quoted text, e.g. code: '360622102203'",
        f"{f}:7: criteria: unknown standard C99 (valid: C01..C15)",
        f"{f}:8: channel: 'phone' is not one of self, mass, spot, department",
        f"{f}:9: date: '2026-13-40' is not a valid date",
        f"{f}:13: unknown event type 'inspected' (expected one of identified, planned, progress, acceptance, "
        "reopened, closed, missed_inclusion, amended, profile)",
        f"{f}:17: funds: '三万' is not an amount in yuan",
        f"{f}:18: progress: unknown key 'dealine' (allowed: note, funds, funds_confirmed, highlight, recorded)",
        f"{f}:19: date: '2026-11-01' is not a date like 2026-09-30 (unquoted)",
        f"{f}:21: acceptance on 2026-11-15: no rectification plan is recorded yet (lax ledger plan)",
        f"{f}:24: closed on 2026-12-01: still in the watch year after passing acceptance on 2026-11-15: it can be "
        "closed on 2027-11-15 at the earliest if it does not rebound",
    ]
    assert "5 problem(s)" not in r.stderr and "10 problem(s) in 1 file(s)" in r.stderr


def test_verify_finds_events_out_of_order(tmp_path):
    led = tmp_path / "ledger"
    text = SONGSAN.replace("- date: 2026-11-15\n", "- date: 2026-10-01\n")
    write(led, "邓埠镇-宋三村.yaml", text)
    r = verify(led)
    f = str(led / "邓埠镇-宋三村.yaml")
    assert r.exit_code == 2
    assert r.stdout.splitlines() == [
        f"{f}:19: events out of order: 2026-10-01 comes after 2026-10-10",
        f"{f}:19: progress on 2026-10-01: 2026-10-01 is before the last recorded event (2026-10-10); events are "
        "recorded in date order",
    ]


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        (
            "township: 邓埠镇\nvillage: !!python/object/apply:os.system ['echo hacked']\nevents: []\n",
            2,
            "tag not allowed",
        ),
        ("township: 邓埠镇\nvillage: [unclosed\nevents: []\n", 3, "YAML syntax error"),
        ("township: 邓埠镇\n\tvillage: 宋三村\n", 2, "YAML syntax error"),
        ("a: &x [1, 2]\nb: *x\n", 1, "anchors and aliases"),
        ("- just\n- a list\n", 1, "a ledger file must be a mapping"),
        ("township: 邓埠镇\nevents: []\n", 1, "'village' is missing or not a name"),
        ("township: 邓埠镇\nvillage: 宋三村\n", 1, "'events' is missing"),
        ("township: 邓埠镇\nvillage: 宋三村\ncode: null\nevents:\n- 2026-09-30\n", 5, "an event must be a mapping"),
        ("township: 邓埠镇\nvillage: 宋三村\ncode: null\nevents: []\nremark: x\n", 5, "unknown key 'remark'"),
        (
            "township: 邓埠镇\nvillage: 宋三村\ncode: null\nevents:\n- date: 2026-09-30\n  type: identified\n",
            5,
            "'criteria' is missing",
        ),
        (
            "township: 邓埠镇\nvillage: 宋三村\ncode: null\nevents:\n- date: 2026-09-30 10:00:00\n  type: identified\n"
            "  criteria: [C01]\n",
            5,
            "is not a date like 2026-09-30",
        ),
    ],
)
def test_verify_reports_unreadable_and_malformed_files_on_one_line(tmp_path, text, line, fragment):
    led = tmp_path / "ledger"
    write(led, "x.yaml", text)
    r = verify(led)
    assert r.exit_code == 2, r.output
    out = r.stdout.splitlines()
    assert out[0].startswith(f"{led / 'x.yaml'}:{line}: "), out
    assert fragment in out[0]
    assert "Traceback" not in r.output
    assert "hacked" not in r.output


def test_verify_flags_duplicate_villages_and_leftover_temp_files(tmp_path):
    led = tmp_path / "ledger"
    write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    write(led, "宋三村-copy.yaml", SONGSAN)
    write(led, ".tmp-abc.yaml", "township: x\n")
    r = verify(led)
    assert r.exit_code == 2
    assert (
        f"{led / '邓埠镇-宋三村.yaml'}:1: the same village as 宋三村-copy.yaml (邓埠镇/宋三村); merge the two files"
        in r.stdout
    )
    assert f"{led / '.tmp-abc.yaml'}:1: left over from an interrupted write; safe to delete" in r.stdout


def test_verify_checks_township_files(tmp_path):
    led = tmp_path / "ledger"
    write(
        led / "_townships",
        "邓埠镇.yaml",
        "township: 邓埠镇\nevents:\n- date: 2026-09-28\n  type: submission\n  quarter: 2026Q5\n  villages: 12\n",
    )
    r = verify(led)
    assert r.exit_code == 2
    assert r.stdout.strip() == f"{led / '_townships' / '邓埠镇.yaml'}:5: quarter: '2026Q5' is not a quarter like 2026Q3"


def test_verify_without_a_ledger_folder(tmp_path):
    r = verify(tmp_path / "nowhere")
    assert r.exit_code == 2
    assert "no ledger folder at" in r.stderr


def test_verify_in_chinese(tmp_path):
    led = tmp_path / "ledger"
    write(led, "黄溪镇-塔洲村.yaml", BROKEN)
    r = verify(led, "--lang", "zh")
    assert r.exit_code == 2
    assert "date：“2026-13-40”不是有效日期" in r.stdout
    assert "10 处问题" in r.stderr


def test_a_broken_file_does_not_hide_the_others(tmp_path):
    led = tmp_path / "ledger"
    write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    write(led, "bad.yaml", "township: [\n")
    entries, problems = load_entries(led)
    assert [e.village for e in entries] == ["宋三村"]
    assert len(problems) == 1 and problems[0].startswith(f"{led / 'bad.yaml'}:")


def test_cache_survives_edits_among_many_files(tmp_path):
    led = tmp_path / "ledger"
    old = time.time() - 3600
    for n, name in enumerate(("宋三村", "塔洲村", "东阳村")):
        p = write(led, f"邓埠镇-{name}.yaml", SONGSAN.replace("宋三村", name).replace("101201", f"10120{n}"))
        os.utime(p, (old, old))
    first, problems = load_entries(led)
    assert problems == []
    first = {e.village: e for e in first}
    p = led / "邓埠镇-塔洲村.yaml"
    p.write_text(
        SONGSAN.replace("宋三村", "塔洲村").replace("101201", "101201").replace("funds: 31500", "funds: 41500"),
        encoding="utf-8",
    )
    os.utime(p, (old, old))
    (led / "邓埠镇-东阳村.yaml").unlink()
    for _ in range(2):  # the second load reads the cache the first one rewrote
        entries, problems = load_entries(led)
        assert problems == []
        by_name = {e.village: e for e in entries}
        assert sorted(by_name) == ["塔洲村", "宋三村"]
        assert by_name["塔洲村"].events[2].data["funds"] == 41500
        assert by_name["宋三村"].events == first["宋三村"].events  # from the cache
        assert by_name["宋三村"].events[0].data["deadline"] == dt.date(2027, 3, 30)
        assert by_name["宋三村"].events[0].line == 5


def test_two_events_sharing_objects_are_written_without_anchors():
    day = dt.date(2026, 10, 8)
    ids = ["C12"]
    text = dump_village(
        "邓埠镇",
        "西畈村",
        None,
        [Event(day, "missed_inclusion", {"criteria": ids}), Event(day, "identified", {"criteria": ids})],
    )
    assert "&" not in text and "*" not in text
    assert text.count("date: 2026-10-08") == 2


@pytest.mark.parametrize("odd", ["\x85", "\u2028", "\u2029"])
def test_verify_gives_the_editors_line_when_a_note_holds_a_unicode_line_break(tmp_path, odd):
    # Text pasted from a web page or a PDF can carry NEL/LS/PS, which YAML (but no editor) counts as breaks.
    led = tmp_path / "ledger"
    note = f"镇党委书记到村督导{odd}两次"
    write(led, "黄溪镇-塔洲村.yaml", BROKEN.replace("type: identified\n", f"type: identified\n  note: '{note}'\n", 1))
    r = verify(led)
    f = str(led / "黄溪镇-塔洲村.yaml")
    text = (led / "黄溪镇-塔洲村.yaml").read_text(encoding="utf-8")
    editor = {n: line for n, line in enumerate(text.split("\n"), 1)}  # what an editor numbers (CR/LF only)
    reported = [line for line in r.stdout.splitlines() if "2026-13-40" in line]
    assert reported == [f"{f}:10: date: '2026-13-40' is not a valid date"]
    assert "2026-13-40" in editor[10]


# ------------------------------------------------------------- provenance and authorship: `source`, `recorded`

stamps = st.builds(
    lambda d, h, m, s, off: dt.datetime(
        d.year, d.month, d.day, h, m, s, tzinfo=dt.timezone(dt.timedelta(minutes=off))
    ).isoformat(),
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 59),
    st.sampled_from([0, 480, -300, 330]),
)
recorders = st.one_of(
    names, tricky.filter(bool), st.sampled_from(["李明", "Li Ming", "王 芳", "o'brien", "a, b", "x: y"])
)
row_sources = st.one_of(
    texts,
    st.builds(
        lambda p, sh, r: {"path": p, **({"sheet": sh} if sh is not None else {}), "row": r},
        st.one_of(names, tricky.filter(bool), st.sampled_from(["乡镇/邓埠镇.xlsx", "C:\\报表\\q3.xlsx", "a b.csv"])),
        st.one_of(st.none(), names, st.sampled_from(["排查表", "Sheet1", "2026年三季度"])),
        st.integers(1, 1_048_576),
    ),
)
provenance_events = st.lists(
    st.builds(
        lambda d, t, src, by, at, note: Event(
            d, t, {"criteria": ["C05"], "source": src, "note": note, "recorded": {"by": by, "at": at}}
        ),
        st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
        st.sampled_from(["identified", "amended", "reopened"]),
        row_sources,
        recorders,
        stamps,
        st.one_of(st.none(), texts),
    ),
    max_size=4,
)


@examples(40, dev=200)
@given(township=names, village=names, evs=provenance_events)
def test_source_and_recorded_round_trip_and_both_parsers_agree(township, village, evs):
    text = dump_village(township, village, None, evs)
    slow = _slow_parse(text)
    fast = _fast_parse(text)
    if fast is not None:
        assert (fast.doc, fast.key_lines, fast.event_lines) == (slow.doc, slow.key_lines, slow.event_lines)
    e = read_village(Path("x.yaml"), None, None, "x.yaml", parse_text(text)).entry
    assert [ev.data for ev in e.events] == [{k: v for k, v in ev.data.items()} for ev in evs]
    assert all(isinstance(ev.data["recorded"]["at"], str) for ev in e.events)  # quoted: never read as a datetime
    assert dump_village(e.township, e.village, e.code, e.events) == text


def test_the_canonical_layout_of_provenance_takes_the_fast_path_and_the_cache(tmp_path):
    led = tmp_path / "ledger"
    text = SONGSAN.replace(
        "  source: dengbu.xlsx\n",
        "  source: {path: 邓埠镇.xlsx, sheet: 排查表, row: 5}\n"
        "  recorded: {by: 李明, at: '2026-09-30T10:15:00+08:00'}\n",
        1,
    )
    assert _fast_parse(text) is not None
    p = write(led, "邓埠镇-宋三村.yaml", text)
    old = time.time() - 3600
    os.utime(p, (old, old))
    first, problems = load_entries(led)
    assert problems == []
    data = first[0].events[0].data
    assert data["source"] == {"path": "邓埠镇.xlsx", "sheet": "排查表", "row": 5}
    assert data["recorded"] == {"by": "李明", "at": "2026-09-30T10:15:00+08:00"}
    assert p.name in json.loads((led / ".cache" / "ledger.json").read_text(encoding="utf-8"))["files"]
    again, _ = load_entries(led)  # from the cache
    assert again == first
