"""Property tests for the ledger: random histories, random files, hostile files.

- A random *legal* history (each step chosen by this file's own model of the lifecycle, written through
  lax's library as a user's commands would) is accepted step by step; replayed as of any date it gives the
  state the model gives, which is always a legal state; `verify` finds nothing; read-then-write of the file
  is the identity.
- A random *illegal* step is refused, exit 1 through the CLI, and the file is unchanged.
- Random event sequences and random hand edits of a file never raise: every problem is one `FILE:LINE:
  message` line, and every date, even 0001-01-01 or 9999-12-31, replays to a state.
- YAML bombs, object tags and oversized files in a ledger folder are refused quickly, one line each.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples
from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import Policy
from lax.ledger import (
    add_event,
    dump_entry,
    dump_village,
    list_data,
    load_entries,
    make_event,
    open_village,
    read_village,
    show_data,
    verify,
)
from lax.lifecycle import Event, Replay, add_months, history_problems, refusal, state_as_of

POLICY = Policy(6, 12, 70)
IDS = {f"C{k:02d}" for k in range(1, 16)}
runner = CliRunner()
LINE_RE = re.compile(r"(?P<file>[^\n]+\.yaml):(?P<line>\d+): [^\n]+")


# ============================================================================ the model of the lifecycle


@dataclass
class Model:
    """The lifecycle of docs/ledger.md written out again, plainly, to check lax against."""

    status: str | None = None
    deadline: dt.date | None = None
    watch_until: dt.date | None = None
    criteria: tuple = ()
    rounds: int = 0
    rebounds: int = 0
    funds: float = 0
    identified_on: dt.date | None = None
    accepted_on: dt.date | None = None
    closed_on: dt.date | None = None
    last: dt.date | None = None
    events: list = field(default_factory=list)

    def allowed(self, etype: str, day: dt.date, data: dict) -> bool:
        if self.last is not None and day < self.last:
            return False
        s = self.status
        if etype == "missed_inclusion":
            return True
        if etype == "identified":
            return s in (None, "closed")
        if etype in ("planned", "amended"):
            return s in ("identified", "rectifying")
        if etype == "progress":
            return s in ("identified", "rectifying", "accepted")
        if etype == "acceptance":
            return s == "rectifying" and (data["passed"] or "deadline" in data)
        if etype == "reopened":
            return s == "accepted"
        if etype == "closed":
            return s == "accepted" and day >= self.watch_until
        raise AssertionError(etype)

    def apply(self, e: Event) -> None:
        d, data, t = e.date, e.data, e.type
        self.last = d
        self.events.append(e)
        if t == "identified":
            self.status, self.rounds, self.identified_on = "identified", self.rounds + 1, d
            self.deadline = data.get("deadline") or add_months(d, POLICY.rectify_months)
            self.criteria, self.funds, self.watch_until = tuple(data["criteria"]), 0, None
            self.accepted_on = self.closed_on = None
        elif t == "planned":
            self.status = "rectifying"
            self.deadline = data.get("deadline") or self.deadline
        elif t == "progress":
            self.funds += data.get("funds", 0)
        elif t == "acceptance" and data["passed"]:
            self.status, self.accepted_on = "accepted", d
            self.watch_until = add_months(d, POLICY.watch_months)
        elif t == "acceptance":
            self.status, self.deadline = "rectifying", data["deadline"]
        elif t == "reopened":
            self.status, self.rebounds, self.watch_until, self.accepted_on = "rectifying", self.rebounds + 1, None, None
            self.criteria += tuple(c for c in dict.fromkeys(data.get("criteria", [])) if c not in self.criteria)
            self.deadline = data.get("deadline") or add_months(d, POLICY.rectify_months)
        elif t == "amended":
            self.criteria += tuple(c for c in dict.fromkeys(data["criteria"]) if c not in self.criteria)
        elif t == "closed":
            self.status, self.closed_on = "closed", d


def model_as_of(events: list[Event], as_of: dt.date) -> Model:
    m = Model()
    for e in events:
        if e.date <= as_of:
            m.apply(e)
    return m


def assert_legal_and_equal(events: list[Event], as_of: dt.date) -> None:
    s = state_as_of(events, as_of, POLICY)
    m = model_as_of(events, as_of)
    assert (s.status, s.deadline, s.watch_until, s.criteria, s.rounds, s.rebounds, s.funds, s.identified_on) == (
        m.status,
        m.deadline,
        m.watch_until,
        m.criteria,
        m.rounds,
        m.rebounds,
        m.funds,
        m.identified_on,
    ), as_of
    assert s.overdue == (m.status in ("identified", "rectifying") and as_of > m.deadline)
    assert s.watching == (m.status == "accepted" and as_of < m.watch_until)
    # A legal state, whatever the date:
    assert s.status in (None, "identified", "rectifying", "accepted", "closed")
    assert (s.status is None) == (s.rounds == 0)
    if s.status in ("identified", "rectifying"):
        assert s.criteria and s.deadline >= s.identified_on and s.identified_on <= as_of
    if s.status == "accepted":
        assert s.accepted_on <= as_of and s.watch_until == add_months(s.accepted_on, POLICY.watch_months)
    if s.status == "closed":
        assert s.closed_on <= as_of and s.watch_until is not None and s.closed_on >= s.watch_until
    assert s.funds >= 0 and s.rebounds <= s.rounds * 100


# ================================================================================== legal histories

STANDARDS = st.lists(st.sampled_from(sorted(IDS)), min_size=1, max_size=3, unique=True)


KINDS = ["identified", "planned", "progress", "acceptance", "reopened", "closed", "amended", "missed_inclusion"]
# How often each allowed step is taken: moving the round on (a plan, acceptance, closing) is favoured so that
# histories reach the watch year, rebounds, closed accounts and new rounds.
WEIGHT = {
    "identified": 6,
    "planned": 3,
    "progress": 2,
    "acceptance": 5,
    "reopened": 2,
    "closed": 8,
    "amended": 1,
    "missed_inclusion": 1,
}


@st.composite
def steps(draw):
    """A legal history of 1-16 events chosen by the model, and one illegal step to try after it."""
    m = Model()
    day = draw(st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
    for _ in range(draw(st.integers(1, 16))):
        day = day + dt.timedelta(days=draw(st.sampled_from([0, 1, 10, 45, 120, 200, 370])))
        options = []
        for t in KINDS:
            data = _data(draw, t, day)
            if m.allowed(t, day, data):
                options += [(t, data)] * WEIGHT[t]
        t, data = draw(st.sampled_from(options))
        m.apply(make_event(day, t, **data))
    # One step that must be refused now: a kind the model does not allow, or an event dated too early.
    later = m.last + dt.timedelta(days=draw(st.sampled_from([0, 30, 400])))
    refused = [
        (t, later, data)
        for t in KINDS
        if t != "missed_inclusion"
        for data in [_data(draw, t, later)]
        if not m.allowed(t, later, data)
    ]
    refused.append(("progress", m.last - dt.timedelta(days=1), {"note": "补记"}))
    return m, draw(st.sampled_from(refused))


def _data(draw, etype: str, day: dt.date) -> dict:
    later = day + dt.timedelta(days=draw(st.integers(1, 400)))
    if etype == "identified":
        return {
            "channel": draw(st.sampled_from(["self", "mass", "spot", "department"])),
            "criteria": draw(STANDARDS),
            "deadline": draw(st.sampled_from([later, None])),
        }
    if etype == "planned":
        return {
            "measures": draw(st.lists(st.sampled_from(["召开党员大会", "县乡联合督导", "选派第一书记"]), max_size=2)),
            "deadline": draw(st.sampled_from([later, None])),
            "county_leader": draw(st.sampled_from(["张建国", None])),
        }
    if etype == "progress":
        return {
            "note": draw(st.sampled_from(["完成支部换届", "清理集体资产", "整改进展"])),
            "funds": draw(st.sampled_from([None, 0, 31500, 1200.5])),
        }
    if etype == "acceptance":
        passed = draw(st.booleans())
        return {
            "passed": passed,
            "score": draw(st.sampled_from([None, 85, 60])),
            **({} if passed else {"deadline": draw(st.sampled_from([later, later]))}),
        }
    if etype == "reopened":
        return {
            "reason": "再次出现越级访",
            "criteria": draw(st.sampled_from([None, ["C12"], ["C05", "C13"]])),
            "deadline": draw(st.sampled_from([later, None])),
        }
    if etype == "amended":
        return {"criteria": draw(STANDARDS)}
    if etype == "missed_inclusion":
        return {"channel": "spot", "criteria": draw(STANDARDS)}
    return {}


@examples(25, dev=100)
@given(case=steps(), probes=st.lists(st.dates(dt.date(2023, 6, 1), dt.date(2031, 12, 31)), max_size=6))
def test_a_legal_history_is_accepted_replays_like_the_model_and_round_trips(tmp_path_factory, case, probes):
    m, (bad_type, bad_day, bad_data) = case
    folder = tmp_path_factory.mktemp("ledger")
    entry = None
    for e in m.events:
        if entry is None:
            entry, created = open_village(folder, "洪湖乡", "东阳村", "360622105201", e, POLICY)
            assert created
        else:
            assert refusal(_replay(entry.events), e, POLICY) is None, e
            entry = add_event(folder, entry, e, POLICY)
    path = entry.path
    text = path.read_text(encoding="utf-8")
    checked = read_village(path, POLICY, IDS)
    assert checked.problems == ()
    assert [(e.date, e.type, e.data) for e in checked.entry.events] == [(e.date, e.type, e.data) for e in m.events]
    assert dump_entry(checked.entry) == text  # read, then write: the same bytes
    assert verify(folder, POLICY, IDS) == (1, [])
    assert history_problems(checked.entry.events, POLICY) == []
    first, last = m.events[0].date, m.events[-1].date
    for as_of in {
        *probes,
        first - dt.timedelta(days=1),
        first,
        last,
        last + dt.timedelta(days=400),
        dt.date(1, 1, 1),
        dt.date(9999, 12, 31),
    }:
        assert_legal_and_equal(list(checked.entry.events), as_of)
        shown = show_data(checked.entry, as_of, POLICY)
        assert [e["date"] for e in shown["events"]] == [e.date.isoformat() for e in m.events if e.date <= as_of]
    # An illegal next step is refused (exit 1) and changes nothing.
    assert not m.allowed(bad_type, bad_day, bad_data)
    assert refusal(_replay(checked.entry.events), make_event(bad_day, bad_type, **bad_data), POLICY) is not None
    args = {
        "progress": ["progress", "东阳村", bad_data.get("note") or "进展"],
        "closed": ["close", "东阳村"],
        "reopened": ["reopen", "东阳村", "--reason", "反弹"],
        "identified": ["open", "东阳村", "--standards", "C05"],
    }.get(bad_type)
    if args:
        r = runner.invoke(app, ["ledger", *args, "--date", bad_day.isoformat(), "--ledger", str(folder)])
        assert r.exit_code == 1, r.output
        assert r.stderr.startswith("refused: 洪湖乡/东阳村: ") and r.stderr.count("\n") == 1
        assert path.read_text(encoding="utf-8") == text


def _replay(events) -> Replay:
    r = Replay(POLICY)
    for e in events:
        r.step(e)
    return r


# ==================================================================== any events, any files, any date

any_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**15),
    st.floats(),
    st.text(max_size=15),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.sampled_from(["C05", "C99", "self", "nobody", "2026-13-40", "2026-02-30"]),
)
any_value = st.one_of(
    any_scalar,
    st.lists(any_scalar, max_size=3),
    st.dictionaries(
        st.text(max_size=5),
        st.one_of(any_scalar, st.dictionaries(st.text(max_size=5), any_scalar, max_size=2)),
        max_size=3,
    ),
)
any_event = st.builds(
    Event,
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)) | st.dates(dt.date(2025, 1, 1), dt.date(2028, 1, 1)),
    st.sampled_from(
        [
            "identified",
            "planned",
            "progress",
            "acceptance",
            "reopened",
            "closed",
            "amended",
            "missed_inclusion",
            "submission",
            "bogus",
        ]
    ),
    st.dictionaries(
        st.sampled_from(
            [
                "criteria",
                "deadline",
                "passed",
                "funds",
                "score",
                "channel",
                "note",
                "reason",
                "measures",
                "evidence",
                "by",
                "source",
                "extra",
            ]
        ),
        any_value,
        max_size=5,
    ),
)


def _assert_problem_lines(problems, folder: Path):
    for p in problems:
        assert "\n" not in p, p
        m = LINE_RE.fullmatch(p)
        assert m, p
        path = Path(m["file"])
        assert folder in path.parents or path.parent == folder
        if path.exists():
            assert 1 <= int(m["line"]) <= max(1, len(path.read_bytes().splitlines())) + 1, p


@examples(30, dev=150)
@given(
    files=st.lists(
        st.tuples(
            st.sampled_from(["洪湖乡", "黄庄乡", "../x", "a/b", ".."]),
            st.sampled_from(["东阳村", "塘桥村", "方丘村", "\u2028", "- x"]),
            st.one_of(st.none(), st.just("360622105201"), st.text(max_size=4)),
            st.lists(any_event, max_size=6),
        ),
        min_size=1,
        max_size=4,
    ),
    as_of=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
)
def test_any_events_in_any_files_never_raise_and_every_problem_has_a_line(tmp_path_factory, files, as_of):
    folder = tmp_path_factory.mktemp("any")
    for k, (township, village, code, events) in enumerate(files):
        try:
            text = dump_village(township, village, code, events)
        except (yaml.YAMLError, ValueError, TypeError):
            continue
        (folder / f"v{k}.yaml").write_text(text, encoding="utf-8")
    entries, problems = load_entries(folder, IDS, POLICY)
    _assert_problem_lines(problems, folder)
    files_count, vproblems = verify(folder, POLICY, IDS)
    _assert_problem_lines(vproblems, folder)
    for e in entries:
        for day in (as_of, dt.date(1, 1, 1), dt.date(9999, 12, 31)):
            state_as_of(e.events, day, POLICY)
            show_data(e, day, POLICY)
    list_data(entries, as_of, POLICY)
    r = runner.invoke(
        app, ["ledger", "list", "--as-of", as_of.isoformat(), "--format", "json", "--ledger", str(folder)]
    )
    assert r.exit_code in (0, 2) and "internal error" not in r.output and "Traceback" not in r.output, r.output
    r = runner.invoke(app, ["ledger", "verify", "--ledger", str(folder)])
    assert r.exit_code in (0, 2) and "internal error" not in r.output, r.output
    assert ("no problems" in r.stderr) == (r.exit_code == 0)


SONGSAN = """\
# 邓埠镇 宋三村 —— 手工维护
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
- date: 2026-10-10
  type: planned
  measures: [召开党员大会重新选举, 县乡联合督导]
  county_leader: 张建国
- date: 2026-11-15   # 换届
  type: progress
  note: "完成支部换届选举"
  funds: 31500
"""
JUNK = [
    "",
    "  ",
    "- ",
    ":",
    "- date: 2026-13-40",
    "  type: closed",
    "&a [1, 2]",
    "*a",
    "!!python/object/apply:os.system ['true']",
    "events: []",
    "township: 黄溪镇",
    "  funds: -5",
    "  criteria: C99",
    "\t- tab",
    "- date: 9999-12-01\n  type: identified\n  criteria: [C01]",
    "%YAML 1.1",
    "---",
    "...",
    "{",
    "'unclosed",
    "  passed: maybe",
    "- [1, 2]",
    "code: 360622101201",
]


@examples(40, dev=200)
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["delete", "insert", "swap", "replace", "dup"]),
            st.integers(0, 30),
            st.integers(0, 30),
            st.sampled_from(JUNK),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_hand_edits_of_a_file_never_raise_and_a_clean_edit_keeps_its_history(tmp_path_factory, edits):
    folder = tmp_path_factory.mktemp("hand")
    lines = SONGSAN.splitlines()
    for op, i, j, junk in edits:
        i, j = i % (len(lines) + 1), j % (len(lines) + 1)
        if op == "delete" and i < len(lines):
            del lines[i]
        elif op == "insert":
            lines[i:i] = junk.split("\n")
        elif op == "swap" and i < len(lines) and j < len(lines):
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "replace" and i < len(lines) and ": " in lines[i]:
            lines[i] = lines[i].split(": ", 1)[0] + ": " + junk
        elif op == "dup" and i < len(lines):
            lines.insert(i, lines[i])
    path = folder / "邓埠镇-宋三村.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = path.read_bytes()
    checked = read_village(path, POLICY, IDS)
    _assert_problem_lines(checked.problems, folder)
    r = runner.invoke(
        app,
        ["ledger", "progress", "宋三村", "再记一条", "--date", "2027-01-05", "--funds", "100", "--ledger", str(folder)],
    )
    assert r.exit_code in (0, 1, 2) and "internal error" not in r.output and "Traceback" not in r.output, r.output
    if r.exit_code != 0:
        assert path.read_bytes() == before  # a refusal or a broken file: nothing written
        assert r.stderr.count("\n") == 1
        return
    assert checked.problems == () and checked.entry is not None
    after = read_village(path, POLICY, IDS)
    assert after.problems == ()
    old = [(e.date, e.type, e.data) for e in checked.entry.events]
    assert [(e.date, e.type, e.data) for e in after.entry.events][: len(old)] == old  # no history lost
    assert after.entry.events[-1].data == {
        "note": "再记一条",
        "funds": 100,
        "recorded": {"by": "测试员", "at": "2026-09-30T10:15:00+08:00"},
    }


# ===================================================================================== hostile files


def _ledger_with(tmp_path: Path, text: str | bytes) -> Path:
    folder = tmp_path / "ledger"
    folder.mkdir()
    path = folder / "洪湖乡-东阳村.yaml"
    (path.write_bytes if isinstance(text, bytes) else lambda t: path.write_text(t, encoding="utf-8"))(text)
    return folder


BILLION_LAUGHS = (
    "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 10))
    + "township: 洪湖乡\nvillage: 东阳村\ncode: null\nevents:\n- date: 2026-09-30\n  type: identified\n"
    "  criteria: *a9\n"
)


@pytest.mark.parametrize(
    "text, fragment",
    [
        (BILLION_LAUGHS, "anchors and aliases (& and *) are not allowed in a ledger file"),
        ("township: 洪湖乡\nvillage: &v 东阳村\ncode: *v\nevents: []\n", "anchors and aliases"),
        (
            "township: !!python/object/apply:os.system ['touch {marker}']\nvillage: 东阳村\nevents: []\n",
            "tag not allowed",
        ),
        ("township: !!python/name:os.system\nvillage: 东阳村\nevents: []\n", "tag not allowed"),
        # nested 3,000 deep: thrice past Python's recursion limit, and a tenth of the parsing of 20,000
        ("township: 洪湖乡\nvillage: 东阳村\nevents: " + "[" * 3000 + "]" * 3000 + "\n", "YAML"),
        (
            "township: 洪湖乡\nvillage: 东阳村\nevents:\n- date: 2026-09-30\n  type: identified\n  criteria: [C05]\n"
            '  note: "' + "很长的备注" * 1_100_000 + '"\n',
            "the file is too large for a ledger file",
        ),
        (b"township: \xb6\xab\xd1\xf4\xb4\xe5\n", "the file is not UTF-8 text"),
        (b"\x00\x01\x02" * 100, ""),
        ("", "a ledger file must be a mapping"),
        ("- just\n- a list\n", "a ledger file must be a mapping"),
    ],
    # short names: pytest otherwise builds (and every report repeats) a test id of the 16 MB text, 4 s of set-up
    ids=["aliases", "anchor", "tag-apply", "tag-name", "deep", "too-large", "gbk", "binary", "empty", "list"],
)
def test_hostile_ledger_files_are_one_line_problems_quickly(tmp_path, text, fragment):
    marker = tmp_path / "pwned"
    if isinstance(text, str):
        text = text.replace("{marker}", str(marker))
    folder = _ledger_with(tmp_path, text)
    # CPU time of this process: the work done, not how busy the machine is (two test workers, other jobs)
    started = time.process_time()
    r = runner.invoke(app, ["ledger", "verify", "--ledger", str(folder)])
    assert time.process_time() - started < 10
    assert r.exit_code == 2, r.output
    assert "internal error" not in r.output and "Traceback" not in r.output
    problems = r.stdout.splitlines()
    assert len(problems) == 1 and problems[0].startswith(f"{folder / '洪湖乡-东阳村.yaml'}:")
    assert fragment in problems[0] and len(problems[0]) < 400
    assert not marker.exists()
    # The rest of the ledger still works, and nothing is added to a file lax cannot read.
    r = runner.invoke(app, ["ledger", "list", "--ledger", str(folder)])
    assert r.exit_code == 2 and "internal error" not in r.output
    r = runner.invoke(
        app,
        ["ledger", "open", "塘桥村", "--township", "洪湖乡", "--standards", "C05", "--ledger", str(folder)],
        env={"LAX_TODAY": "2026-10-01"},
    )
    assert r.exit_code == 2 and "every village file must be readable" in r.stderr


def test_a_far_future_date_typed_by_hand_does_not_break_any_listing(tmp_path):
    # Found by the random files: 9999-12-01 + 6 months overflowed Python's calendar (exit 3 in verify and show).
    folder = _ledger_with(
        tmp_path,
        "township: 洪湖乡\nvillage: 东阳村\ncode: null\nevents:\n"
        "- date: 9999-12-01\n  type: identified\n  criteria: [C05]\n",
    )
    r = runner.invoke(app, ["ledger", "verify", "--ledger", str(folder)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app, ["ledger", "show", "东阳村", "--as-of", "9999-12-31", "--format", "json", "--ledger", str(folder)]
    )
    assert r.exit_code == 0 and '"deadline": "9999-12-31"' in r.stdout
    assert add_months(dt.date(9999, 12, 1), 6) == dt.date(9999, 12, 31)
    assert add_months(dt.date(1, 3, 1), -6) == dt.date(1, 1, 1)
    assert add_months(dt.date(2026, 8, 31), 10**8) == dt.date.max


def test_a_huge_policy_number_does_not_break_opening(tmp_path):
    # Found while fuzzing the criteria: rectify_months: 100000000 overflowed the deadline (exit 3).
    root = Path(__file__).resolve().parent.parent
    crit = tmp_path / "criteria.yaml"
    crit.write_text(
        (root / "criteria.yaml").read_text(encoding="utf-8").replace("rectify_months: 6", "rectify_months: 100000000"),
        encoding="utf-8",
    )
    r = runner.invoke(
        app,
        [
            "ledger",
            "open",
            "东阳村",
            "--township",
            "洪湖乡",
            "--standards",
            "C05",
            "--date",
            "2026-09-30",
            "--criteria",
            str(crit),
            "--ledger",
            str(tmp_path / "ledger"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "time limit 9999-12-31" in r.stdout
