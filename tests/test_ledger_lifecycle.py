"""The rectification lifecycle as pure functions: every path, every refusal, replays as of past dates."""

from datetime import date as D

import pytest

from lax.criteria import Policy
from lax.lifecycle import (
    Event,
    Replay,
    add_months,
    close_refusal,
    history_problems,
    refusal,
    state_as_of,
)

POLICY = Policy(rectify_months=6, watch_months=12, pass_score=70)


def ev(day: str, etype: str, line: int = 0, **data) -> Event:
    return Event(D.fromisoformat(day), etype, data, line)


# 邓埠镇 宋三村: identified for C05 and C13, planned, progress, failed once, passed, watched, closed.
SONGSAN = [
    ev("2026-09-30", "identified", channel="self", criteria=["C05", "C13"], deadline=D(2027, 3, 30)),
    ev("2026-10-10", "planned", measures=["召开党员大会重新选举", "县乡联合督导"], township_leader="李明"),
    ev("2026-11-15", "progress", note="完成支部换届选举", funds=31500),
    ev("2027-03-20", "acceptance", passed=False, score=62, deadline=D(2027, 6, 30)),
    ev("2027-05-10", "progress", note="查处违纪干部", funds=8000.5),
    ev("2027-06-25", "acceptance", passed=True, score=85, by="县委组织部"),
    ev("2028-06-25", "closed"),
]


def _replay(events, day):
    return state_as_of(events, D.fromisoformat(day), POLICY)


@pytest.mark.parametrize(
    "start, months, expected",
    [
        ("2026-08-31", 6, "2027-02-28"),
        ("2027-08-31", 6, "2028-02-29"),
        ("2026-09-30", 6, "2027-03-30"),
        ("2026-01-31", 1, "2026-02-28"),
        ("2026-11-15", 2, "2027-01-15"),
        ("2027-03-20", 12, "2028-03-20"),
        ("2028-02-29", 12, "2029-02-28"),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(D.fromisoformat(start), months) == D.fromisoformat(expected)


@pytest.mark.parametrize(
    "day, status, overdue, deadline, watch_until, funds",
    [
        ("2026-09-29", None, False, None, None, 0),
        ("2026-09-30", "identified", False, "2027-03-30", None, 0),
        ("2026-10-10", "rectifying", False, "2027-03-30", None, 0),
        ("2026-12-31", "rectifying", False, "2027-03-30", None, 31500),
        ("2027-03-20", "rectifying", False, "2027-06-30", None, 31500),  # failed: new time limit
        ("2027-06-24", "rectifying", False, "2027-06-30", None, 39500.5),
        ("2027-06-25", "accepted", False, "2027-06-30", "2028-06-25", 39500.5),
        ("2028-06-24", "accepted", False, "2027-06-30", "2028-06-25", 39500.5),
        ("2028-06-25", "closed", False, "2027-06-30", "2028-06-25", 39500.5),
        ("2030-01-01", "closed", False, "2027-06-30", "2028-06-25", 39500.5),
    ],
)
def test_replay_as_of_past_dates(day, status, overdue, deadline, watch_until, funds):
    s = _replay(SONGSAN, day)
    assert s.status == status
    assert s.overdue is overdue
    assert (s.deadline.isoformat() if s.deadline else None) == deadline
    assert (s.watch_until.isoformat() if s.watch_until else None) == watch_until
    assert s.funds == funds
    assert s.rounds == (0 if status is None else 1)


def test_state_fields_of_a_full_round():
    s = _replay(SONGSAN, "2028-01-01")
    assert s.criteria == ("C05", "C13")
    assert s.identified_on == D(2026, 9, 30)
    assert s.channel == "self"
    assert s.accepted_on == D(2027, 6, 25)
    assert s.failed == 1
    assert s.watching is True
    assert s.rebounds == 0
    assert _replay(SONGSAN, "2028-06-25").watching is False


def test_overdue_is_after_the_time_limit_day():
    events = SONGSAN[:2]
    assert _replay(events, "2027-03-30").overdue is False
    assert _replay(events, "2027-03-31").overdue is True
    # Identified without a plan is overdue too; an accepted village never is.
    assert _replay(SONGSAN[:1], "2027-04-01").overdue is True
    assert _replay(SONGSAN[:6], "2029-01-01").overdue is False


def test_default_time_limit_is_identification_plus_rectify_months():
    s = _replay([ev("2026-08-31", "identified", criteria=["C01"])], "2026-09-01")
    assert s.deadline == D(2027, 2, 28)
    s = state_as_of([ev("2026-08-31", "identified", criteria=["C01"])], D(2026, 9, 1), Policy(3, 12, 70))
    assert s.deadline == D(2026, 11, 30)


def test_failed_acceptance_without_deadline_gets_rectify_months():
    events = SONGSAN[:3] + [ev("2027-03-20", "acceptance", passed=False)]
    assert _replay(events, "2027-03-21").deadline == D(2027, 9, 20)


# 洪湖乡 东阳村: passes, rebounds in the watch year (C12), passes again, is closed, and is identified again.
DONGYANG = [
    ev("2026-03-31", "identified", channel="spot", criteria=["C12"]),
    ev("2026-04-05", "planned", measures=["化解信访积案"]),
    ev("2026-09-01", "acceptance", passed=True, score=78),
    ev("2027-05-01", "reopened", reason="再次出现越级访", criteria=["C12", "C14"], deadline=D(2027, 11, 1)),
    ev("2027-06-01", "planned", measures=["县乡联合督导"]),
    ev("2027-10-20", "acceptance", passed=True, score=88),
    ev("2028-10-20", "closed"),
    ev("2029-03-31", "identified", channel="self", criteria=["C15"]),
]


def test_rebound_reopens_and_merges_standards():
    s = _replay(DONGYANG, "2027-05-01")
    assert s.status == "rectifying"
    assert s.rebounds == 1
    assert s.criteria == ("C12", "C14")
    assert s.deadline == D(2027, 11, 1)
    assert s.watch_until is None
    assert s.channel == "spot"


def test_watch_starts_again_after_the_second_acceptance():
    s = _replay(DONGYANG, "2027-12-01")
    assert (s.status, s.watch_until, s.rebounds) == ("accepted", D(2028, 10, 20), 1)


def test_a_closed_village_identified_again_starts_a_new_round():
    s = _replay(DONGYANG, "2029-04-01")
    assert (s.status, s.rounds, s.criteria, s.channel) == ("identified", 2, ("C15",), "self")
    assert s.identified_on == D(2029, 3, 31)
    assert s.deadline == D(2029, 9, 30)
    assert s.rebounds == 1  # counted over all rounds
    assert s.funds == 0
    assert _replay(DONGYANG, "2029-03-30").status == "closed"


def test_missed_inclusion_changes_no_state():
    events = [ev("2026-10-08", "missed_inclusion", channel="spot", criteria=["C12"])]
    assert _replay(events, "2026-12-31").status is None
    events.append(ev("2026-10-08", "identified", channel="spot", criteria=["C12"]))
    assert _replay(events, "2026-12-31").status == "identified"


def test_amended_adds_standards_to_the_open_round():
    events = SONGSAN[:2] + [ev("2026-12-31", "amended", criteria=["C12"])]
    assert _replay(events, "2027-01-01").criteria == ("C05", "C13", "C12")


def _state(events, day=None):
    r = Replay(POLICY)
    for e in events:
        r.step(e)
    return r.snapshot()


@pytest.mark.parametrize(
    "history, new, fragment",
    [
        ([], ev("2026-10-10", "planned", measures=["x"]), "must be identified first"),
        ([], ev("2026-10-10", "progress", note="x"), "must be identified first"),
        ([], ev("2026-10-10", "acceptance", passed=True), "must be identified first"),
        ([], ev("2026-10-10", "reopened", reason="x"), "must be identified first"),
        ([], ev("2026-10-10", "closed"), "must be identified first"),
        (
            SONGSAN[:1],
            ev("2026-10-01", "identified", criteria=["C01"]),
            "already identified on 2026-09-30 and identified",
        ),
        (
            SONGSAN[:2],
            ev("2026-10-11", "identified", criteria=["C01"]),
            "already identified on 2026-09-30 and rectifying",
        ),
        (
            SONGSAN[:6],
            ev("2027-07-01", "identified", criteria=["C01"]),
            "a new round starts only after the account is closed",
        ),
        (SONGSAN[:1], ev("2026-10-10", "acceptance", passed=True), "no rectification plan is recorded yet"),
        (SONGSAN[:6], ev("2027-07-01", "acceptance", passed=True), "already passed acceptance on 2027-06-25"),
        (SONGSAN[:6], ev("2027-07-01", "planned", measures=["x"]), "reopen it first"),
        (SONGSAN[:2], ev("2026-10-11", "reopened", reason="x"), "only an accepted village can rebound"),
        (SONGSAN, ev("2028-07-01", "reopened", reason="x"), "the account was closed on 2028-06-25"),
        (SONGSAN, ev("2028-07-01", "progress", note="x"), "the account was closed on 2028-06-25"),
        (SONGSAN, ev("2028-07-01", "closed"), "the account was closed on 2028-06-25"),
        (SONGSAN[:3], ev("2026-11-01", "progress", note="x"), "before the last recorded event (2026-11-15)"),
        (SONGSAN[:3], ev("2027-03-20", "acceptance", passed=False), "needs a new time limit"),
        (SONGSAN[:6], ev("2028-06-24", "closed"), "it can be closed on 2028-06-25 at the earliest"),
        (SONGSAN[:3], ev("2027-01-01", "closed"), "the earliest date it could be closed is 2028-01-01"),
        (DONGYANG[:4], ev("2027-09-01", "closed"), "must pass acceptance"),
    ],
)
def test_refusals(history, new, fragment):
    reason = refusal(_state(history), new, POLICY)
    assert reason is not None and fragment in reason, reason


@pytest.mark.parametrize(
    "history, new",
    [
        ([], ev("2026-09-30", "identified", criteria=["C05"])),
        (SONGSAN, ev("2029-01-01", "identified", criteria=["C05"])),
        (SONGSAN[:1], ev("2026-09-30", "planned", measures=["x"])),  # same day is fine
        (SONGSAN[:1], ev("2026-10-01", "progress", note="x")),
        (SONGSAN[:2], ev("2026-10-11", "planned", measures=["y"])),  # a revised plan
        (SONGSAN[:6], ev("2027-08-01", "progress", note="巩固提升")),  # consolidation during the watch year
        (SONGSAN[:6], ev("2027-08-01", "reopened", reason="反弹")),
        (SONGSAN[:6], ev("2028-06-25", "closed")),  # exactly at the end of the watch year
        (SONGSAN[:6], ev("2027-08-01", "missed_inclusion", criteria=["C12"])),
    ],
)
def test_allowed_steps(history, new):
    assert refusal(_state(history), new, POLICY) is None


def test_close_refusal_names_the_earliest_date_in_chinese():
    from lax.i18n import set_lang

    set_lang("zh")
    try:
        msg = close_refusal(_state(SONGSAN[:6]), D(2027, 12, 1), POLICY)
    finally:
        set_lang("en")
    assert "最早可于 2028-06-25 销号" in msg


def test_history_problems_names_each_impossible_step_by_line():
    events = [
        ev("2026-09-30", "identified", line=5, criteria=["C05"]),
        ev("2026-10-10", "acceptance", line=10, passed=True),  # no plan yet
        ev("2026-10-01", "planned", line=13, measures=["x"]),  # out of order
        ev("2026-12-01", "closed", line=16),  # in the watch year
    ]
    problems = history_problems(events, POLICY)
    assert [line for line, _msg in problems] == [10, 13, 16]
    assert "no rectification plan" in problems[0][1]
    assert "before the last recorded event" in problems[1][1]
    assert "2027-10-10 at the earliest" in problems[2][1]
    assert history_problems(SONGSAN, POLICY) == []
    assert history_problems(DONGYANG, POLICY) == []


def test_replay_carries_every_state_field():
    """Replay spells the State fields out for speed; a field added to State must be added there too."""
    from dataclasses import fields

    from lax.lifecycle import Replay, State

    s = _replay(DONGYANG, "2027-12-01")
    r = Replay(POLICY, s)
    assert r.snapshot() == s
    assert set(Replay.__slots__) == {"policy", *(f.name for f in fields(State))}
