"""The rectification lifecycle of one village as pure functions over its dated events.

A village's ledger is an append-only list of events; nothing else is stored. Its state as of any date is
found by replaying the events up to that date (`state_as_of`), so a past quarter's figures are always
reproducible. Whether a new event may follow the ones already recorded is decided here too
(`refusal`), and `problems` lists every impossible step in a hand-edited history. No I/O and no clock:
every date comes in as an argument.

    identified --planned--> rectifying --acceptance passed--> accepted --watch_months, closed--> closed
                            ^   |  acceptance failed (new time limit) keeps it rectifying
                            +---+-- reopened (a rebound while accepted)
    closed --identified--> a new round in the same file
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lax.criteria import Policy
from lax.i18n import _

STATUSES = ("identified", "rectifying", "accepted", "closed")
CHANNELS = ("self", "mass", "spot", "department")
# `amended` is an addition to the contract: standards added to a round that is still open, recorded by
# `check --record` when a rectifying village is found meeting further standards.
EVENT_TYPES = ("identified", "planned", "progress", "acceptance", "reopened", "closed", "missed_inclusion", "amended")
# `profile` too: the village's profile (the criteria's `profile: true` fields) changed by a later sheet; it
# leaves the state as it is (`lax.ledger.profile`).
EVENT_TYPES += ("profile",)

# The keys each event type may carry besides `date` and `type`, in the order they are written. `recorded`
# ({by, at}: who entered the event and when) is last in every type, as lax writes it.
EVENT_KEYS: dict[str, tuple[str, ...]] = {
    "identified": ("channel", "criteria", "evidence", "deadline", "profile", "source", "note", "recorded"),
    "planned": (
        "measures",
        "county_leader",
        "township_leader",
        "first_secretary",
        "helping_unit",
        "deadline",
        "note",
        "recorded",
    ),
    "progress": ("note", "funds", "funds_confirmed", "highlight", "recorded"),
    # satisfaction, collective_petitions, leapfrog_petitions: measured again at the inspection, for 成效
    # (`lax ledger accept --satisfaction`; `lax.ledger.measured`)
    "acceptance": (
        "passed",
        "score",
        "satisfaction",
        "collective_petitions",
        "leapfrog_petitions",
        "by",
        "deadline",
        "note",
        "recorded",
    ),
    "reopened": ("reason", "channel", "criteria", "evidence", "deadline", "profile", "source", "note", "recorded"),
    "closed": ("by", "note", "recorded"),
    "missed_inclusion": ("channel", "criteria", "evidence", "source", "note", "recorded"),
    "amended": ("channel", "criteria", "evidence", "profile", "source", "note", "recorded"),
    "profile": ("profile", "source", "note", "recorded"),
}
# The keys of a township file's events (its quarterly submissions), in the order they are written.
TOWNSHIP_EVENT_KEYS = ("quarter", "villages", "source", "note", "recorded")


def event_keys(etype: str) -> tuple[str, ...]:
    """The keys an event of this type may carry besides `date` and `type`, in their written order."""
    return TOWNSHIP_EVENT_KEYS if etype == "submission" else EVENT_KEYS.get(etype, ())


@dataclass(frozen=True)
class Event:
    date: dt.date
    type: str
    data: dict  # every other key of the event, as read (criteria, funds, passed, score, ...)
    line: int = 0  # line in the file, for FILE:LINE messages


@dataclass(frozen=True)
class State:
    status: str | None  # identified | rectifying | accepted | closed; None if no round opened by as_of
    overdue: bool  # identified or rectifying and as_of > deadline
    deadline: dt.date | None
    watch_until: dt.date | None  # acceptance date + watch_months, when accepted/closed
    criteria: tuple[str, ...]  # standards of the current round (incl. those added by a rebound)
    rounds: int  # number of rounds opened by as_of
    identified_on: dt.date | None  # start of the current round
    channel: str | None  # channel of the current round
    rebounds: int  # reopened events by as_of (all rounds)
    # Additions to the contract (never renamed, only added):
    accepted_on: dt.date | None = None  # the passed acceptance of the current round
    closed_on: dt.date | None = None
    failed: int = 0  # failed acceptances in the current round
    funds: float = 0  # yuan reported in the current round's progress events
    watching: bool = False  # accepted and as_of < watch_until: in the watch year
    last_date: dt.date | None = None  # date of the last event replayed


EMPTY = State(None, False, None, None, (), 0, None, None, 0)


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has fewer days: 2026-08-31 + 6 -> 2027-02-28.

    Past the calendar's ends it stays at 9999-12-31 (or 0001-01-01): a hand-typed 9999-12-01 in a ledger
    file, or a policy of 10**8 months, must give a far deadline, not an exception in every listing."""
    # Remembered: a province's report replays some 200,000 events over a few hundred distinct dates.
    key = (d, months)
    try:
        return _MONTHS_LATER[key]
    except (KeyError, TypeError):
        pass
    later = _add_months(d, months)
    if len(_MONTHS_LATER) >= 100_000:
        _MONTHS_LATER.clear()
    try:
        _MONTHS_LATER[key] = later
    except TypeError:
        pass
    return later


_MONTHS_LATER: dict = {}


def _add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + (d.month - 1) + int(months)
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    month += 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


# ------------------------------------------------------------------------------------- the policy
# The county's policy (criteria file, `policy:`) decides three things, each in one function here: the time
# limit a round gets when none is given, how long an accepted village is watched, and the pass score.


def default_deadline(on: dt.date, policy: Policy) -> dt.date:
    """The time limit of a round identified, reopened, or failed at acceptance on `on` when none is given:
    `policy.rectify_months` later."""
    return add_months(on, policy.rectify_months)


def watch_end(accepted_on: dt.date, policy: Policy) -> dt.date:
    """The end of the watch year of a village that passed acceptance on `accepted_on`: `policy.watch_months`
    later; it can be closed from that day if it does not rebound."""
    return add_months(accepted_on, policy.watch_months)


def passes(score: float, policy: Policy) -> bool:
    """Acceptance by score: `policy.pass_score` or more passes."""
    return score >= policy.pass_score


def standard_ids(value: Any) -> tuple[str, ...]:
    """An event's `criteria` as a tuple of standard ids (a list, or one id written alone)."""
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    if isinstance(value, str) and value:
        return (value,)
    return ()


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def _number(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return 0


class Replay:
    """The state being built while events are replayed (mutable, for speed: a 10,000-village list replays
    some 50,000 events). Its attributes are those of `State`; `snapshot` freezes it."""

    __slots__ = ("policy", *State.__dataclass_fields__)

    def __init__(self, policy: Policy, state: State = EMPTY):
        # Spelt out rather than looped over the fields: this runs once per village per listing.
        self.policy = policy
        self.status, self.overdue, self.deadline, self.watch_until = (
            state.status,
            state.overdue,
            state.deadline,
            state.watch_until,
        )
        self.criteria, self.rounds, self.identified_on, self.channel = (
            state.criteria,
            state.rounds,
            state.identified_on,
            state.channel,
        )
        self.rebounds, self.accepted_on, self.closed_on, self.failed = (
            state.rebounds,
            state.accepted_on,
            state.closed_on,
            state.failed,
        )
        self.funds, self.watching, self.last_date = state.funds, state.watching, state.last_date

    def snapshot(self, as_of: dt.date | None = None) -> State:
        """The frozen state; with `as_of`, `overdue` and `watching` are worked out for that date."""
        if as_of is not None:
            self.overdue = (
                self.status in ("identified", "rectifying") and self.deadline is not None and as_of > self.deadline
            )
            self.watching = self.status == "accepted" and self.watch_until is not None and as_of < self.watch_until
        return State(
            self.status,
            self.overdue,
            self.deadline,
            self.watch_until,
            self.criteria,
            self.rounds,
            self.identified_on,
            self.channel,
            self.rebounds,
            self.accepted_on,
            self.closed_on,
            self.failed,
            self.funds,
            self.watching,
            self.last_date,
        )

    def step(self, event: Event) -> None:
        """Apply one event, leniently: a step that `refusal` would reject is applied as best it can be, so that
        a hand-broken file still shows something sensible (`lax ledger verify` names the step)."""
        t, d, data = event.type, event.date, event.data
        self.last_date = d
        if t == "identified":
            self.status = "identified"
            self.deadline = _date(data.get("deadline")) or default_deadline(d, self.policy)
            self.watch_until = None
            self.criteria = standard_ids(data.get("criteria"))
            self.rounds += 1
            self.identified_on = d
            self.channel = str(data.get("channel") or "self")
            self.accepted_on = self.closed_on = None
            self.failed = 0
            self.funds = 0
            return
        if self.status is None:
            return
        if t == "planned":
            if self.status == "identified":
                self.status = "rectifying"
            self.deadline = _date(data.get("deadline")) or self.deadline
        elif t == "progress":
            self.funds += _number(data.get("funds"))
        elif t == "acceptance":
            if data.get("passed") is True:
                self.status = "accepted"
                self.accepted_on = d
                self.watch_until = watch_end(d, self.policy)
            else:
                self.status = "rectifying"
                self.failed += 1
                self.deadline = _date(data.get("deadline")) or default_deadline(d, self.policy)
        elif t == "reopened":
            self.status = "rectifying"
            self.rebounds += 1
            self.watch_until = self.accepted_on = None
            self.criteria = _merge(self.criteria, standard_ids(data.get("criteria")))
            self.deadline = _date(data.get("deadline")) or default_deadline(d, self.policy)
        elif t == "amended":
            self.criteria = _merge(self.criteria, standard_ids(data.get("criteria")))
        elif t == "closed":
            self.status = "closed"
            self.closed_on = d
        # missed_inclusion, profile and anything unknown leave the state as it is


def _merge(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    return old + tuple(c for c in dict.fromkeys(new) if c not in old)


def state_as_of(events: Sequence[Event], as_of: dt.date, policy: Policy) -> State:
    """The village's state on `as_of`, from its events up to and including that date (later ones are ignored).

    `Replay.step` spelt out over local variables: a province's report replays some 200,000 events, and an
    attribute of the replay per step cost a third of the time. The steps are the same as `Replay.step`'s
    (`tests/test_report_compute.py` compares the two over every kind of history)."""
    status = deadline = watch_until = identified_on = channel = accepted_on = closed_on = last_date = None
    criteria: tuple[str, ...] = ()
    rounds = rebounds = failed = 0
    funds: float = 0
    for event in events:
        d = event.date
        if d > as_of:
            continue
        t, data = event.type, event.data
        last_date = d
        if t == "identified":
            status = "identified"
            deadline = _date(data.get("deadline")) or default_deadline(d, policy)
            watch_until = None
            criteria = standard_ids(data.get("criteria"))
            rounds += 1
            identified_on = d
            channel = str(data.get("channel") or "self")
            accepted_on = closed_on = None
            failed = 0
            funds = 0
        elif status is None:
            continue
        elif t == "progress":
            funds += _number(data.get("funds"))
        elif t == "planned":
            if status == "identified":
                status = "rectifying"
            deadline = _date(data.get("deadline")) or deadline
        elif t == "acceptance":
            if data.get("passed") is True:
                status = "accepted"
                accepted_on = d
                watch_until = watch_end(d, policy)
            else:
                status = "rectifying"
                failed += 1
                deadline = _date(data.get("deadline")) or default_deadline(d, policy)
        elif t == "reopened":
            status = "rectifying"
            rebounds += 1
            watch_until = accepted_on = None
            criteria = _merge(criteria, standard_ids(data.get("criteria")))
            deadline = _date(data.get("deadline")) or default_deadline(d, policy)
        elif t == "amended":
            criteria = _merge(criteria, standard_ids(data.get("criteria")))
        elif t == "closed":
            status = "closed"
            closed_on = d
    overdue = status in ("identified", "rectifying") and deadline is not None and as_of > deadline
    watching = status == "accepted" and watch_until is not None and as_of < watch_until
    # the frozen dataclass's __init__ sets each of 15 fields through object.__setattr__: filled at once instead
    state = object.__new__(State)
    state.__dict__.update(
        zip(
            _STATE_FIELDS,
            (
                status,
                overdue,
                deadline,
                watch_until,
                criteria,
                rounds,
                identified_on,
                channel,
                rebounds,
                accepted_on,
                closed_on,
                failed,
                funds,
                watching,
                last_date,
            ),
        )
    )
    return state


_STATE_FIELDS = tuple(State.__dataclass_fields__)


def refusal(state: State | Replay, event: Event, policy: Policy) -> str | None:
    """Why `event` cannot follow a history whose state (just before it) is `state`, or None when it can."""
    t, d, status = event.type, event.date, state.status
    if state.last_date is not None and d < state.last_date:
        return _(
            f"{d} is before the last recorded event ({state.last_date}); events are recorded in date order",
            f"{d} 早于最近一条记录（{state.last_date}）；记录须按日期先后追加",
        )
    if t in ("missed_inclusion", "profile"):  # facts about the village, whatever its state
        return None
    if t == "identified":
        if status in (None, "closed"):
            return None
        return _(
            f"already identified on {state.identified_on} and {_status_en(status)}; a new round starts only "
            f"after the account is closed",
            f"已于 {state.identified_on} 认定，目前{_status_zh(status)}；销号后才能开始新一轮",
        )
    if status is None:
        return _(
            "not in the ledger yet: it must be identified first (lax ledger open)",
            "尚未列入台账：须先认定（lax ledger open）",
        )
    if status == "closed" and t != "identified":
        return _(
            f"the account was closed on {state.closed_on}; a new round starts with lax ledger open",
            f"已于 {state.closed_on} 销号；如再次出现问题，请用 lax ledger open 开始新一轮",
        )
    if t == "planned":
        if status == "accepted":
            return _(
                f"passed acceptance on {state.accepted_on}; if the problem came back, reopen it first",
                f"已于 {state.accepted_on} 通过验收；如问题反弹，请先重新整改（reopen）",
            )
        return None
    if t == "progress":
        return None
    if t == "amended":
        if status in ("identified", "rectifying"):
            return None
        return _(
            "standards can be added only while it is identified or rectifying", "只有在已认定或整改中时才能追加认定情形"
        )
    if t == "acceptance":
        if status == "identified":
            return _("no rectification plan is recorded yet (lax ledger plan)", "尚未录入整改措施（lax ledger plan）")
        if status == "accepted":
            return _(f"already passed acceptance on {state.accepted_on}", f"已于 {state.accepted_on} 通过验收")
        if event.data.get("passed") is False and _date(event.data.get("deadline")) is None:
            return _(
                "a failed acceptance needs a new time limit (deadline)", "验收未通过须设定新的整改时限（deadline）"
            )
        return None
    if t == "reopened":
        if status == "accepted":
            return None
        return _(
            f"it is {_status_en(status)}, not accepted: only an accepted village can rebound",
            f"目前{_status_zh(status)}，并非已验收：只有已通过验收的村才会反弹",
        )
    if t == "closed":
        return close_refusal(state, d, policy)
    return _(f"unknown event type '{t}'", f"未知的事件类型“{t}”")


def close_refusal(state: State | Replay, on: dt.date, policy: Policy) -> str | None:
    """Why the account cannot be closed on `on`, naming the earliest date it can; None when it can."""
    if state.status == "accepted" and state.watch_until is not None:
        if on >= state.watch_until:
            return None
        return _(
            f"still in the watch year after passing acceptance on {state.accepted_on}: "
            f"it can be closed on {state.watch_until} at the earliest if it does not rebound",
            f"于 {state.accepted_on} 通过验收，仍在观察期内：如无反弹，最早可于 {state.watch_until} 销号",
        )
    if state.status == "closed":
        return _(f"already closed on {state.closed_on}", f"已于 {state.closed_on} 销号")
    if state.status is None:
        return _("not in the ledger yet", "尚未列入台账")
    # Not accepted: the earliest close is a passed acceptance today plus the watch period.
    earliest = watch_end(on, policy)
    return _(
        f"it is {_status_en(state.status)}: it must pass acceptance and then {_months_en(policy.watch_months)} "
        f"with no rebound; the earliest date it could be closed is {earliest}",
        f"目前{_status_zh(state.status)}：须通过验收并经过 {policy.watch_months} 个月观察期无反弹方可销号；"
        f"最早可销号日期为 {earliest}",
    )


def _months_en(n: int) -> str:
    return f"{n} month" + ("" if n == 1 else "s")


def _status_term(status: str | None) -> Any:
    from lax import terms

    return terms.NOT_LISTED if status is None else terms.STATUSES.get(status)


def _status_en(status: str | None) -> str:
    term = _status_term(status)
    return term.en if term is not None else str(status)


def _status_zh(status: str | None) -> str:
    term = _status_term(status)
    return term.zh if term is not None else str(status)


def status_label(status: str | None) -> str:
    """The status as a person reads it, in the current language."""
    return _(_status_en(status), _status_zh(status))


def history_refusals(events: Sequence[Event], policy: Policy) -> list[tuple[Event, str, bool]]:
    """Every step of a (possibly hand-edited) history that could not have been recorded: (the event, why,
    whether it is out of date order)."""
    found: list[tuple[Event, str, bool]] = []
    r = Replay(policy)
    for event in events:
        reason = refusal(r, event, policy)
        if reason is not None:
            found.append((event, reason, r.last_date is not None and event.date < r.last_date))
        r.step(event)
    return found


def history_problems(events: Sequence[Event], policy: Policy) -> list[tuple[int, str]]:
    """Every step of a (possibly hand-edited) history that could not have been recorded: (line, message)."""
    return [
        (event.line, _(f"{event.type} on {event.date}: {reason}", f"{event.date} 的 {event.type}：{reason}"))
        for event, reason, _order in history_refusals(events, policy)
    ]
