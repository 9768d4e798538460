"""The to-do list a clerk works from each Monday (`lax ledger due`, the site's to-do page).

Owns: which villages are overdue, whose time limit falls within the next N days, which may have their
account closed (or will within N days), and which townships' quarterly examinations are late or missing.
It decides none of these rules itself: the villages' figures are `lax.ledger.summary` of
`lax.lifecycle.state_as_of` (the rows of `lax ledger list`), "closable" is `lifecycle.close_refusal` saying
nothing, and the submissions are the rows `lax.report.build_context` gives a report ending on the same day.

Pure: entries, township records, criteria and the date come in, plain dicts go out; no clock, no files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

DEFAULT_WITHIN = 30


def village_states(entries: Sequence[Any], as_of: dt.date, policy: Any) -> list[tuple[Any, Any, dict]]:
    """(entry, state, the `ledger list` row) for every village with a round opened by `as_of`, in
    `ledger list` order (township, village, code)."""
    from lax.ledger import summary
    from lax.lifecycle import state_as_of

    out = []
    for e in entries:
        state = state_as_of(e.events, as_of, policy)
        if state.status is None:
            continue
        out.append((e, state, summary(e, state)))
    out.sort(key=lambda t: (t[2]["township"], t[2]["village"], t[2]["code"] or ""))
    return out


def days_left(day: str | None, as_of: dt.date) -> int | None:
    return (dt.date.fromisoformat(day) - as_of).days if day else None


def submissions_period(
    entries: Sequence[Any], townships: Mapping[str, Sequence[Any]], as_of: dt.date, start: str | None = None
):
    """The span whose quarterly examinations the to-do looks at: the twelve months up to `as_of`, but not
    before the quarter of the ledger's first event (a county new to lax is not told it missed the sheets of
    the years before it kept a ledger), nor before the ledger's first quarter (`start`, which when set
    replaces the first event's; else the first submission's: `lax.report.context.first_quarter`). A
    `lax.report.Period` of kind `range`."""
    from lax.report import Period, parse_quarter, quarter_bounds
    from lax.report.context import first_quarter

    first: dt.date | None = None
    for e in entries:
        if e.events and (first is None or e.events[0].date < first):
            first = min(ev.date for ev in e.events)
    for events in townships.values():
        for ev in events:
            if first is None or ev.date < first:
                first = ev.date
    try:
        begin = as_of.replace(year=as_of.year - 1) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        begin = as_of.replace(year=as_of.year - 1, day=28) + dt.timedelta(days=1)
    if first is not None and start is None:  # a start that was set says itself when the ledger began
        begin = max(begin, quarter_bounds(first.year, (first.month - 1) // 3 + 1)[0])
    ledger_first = first_quarter(start, townships, as_of)
    if ledger_first is not None:
        begin = max(begin, quarter_bounds(*parse_quarter(ledger_first))[0])
    begin = min(begin, as_of)
    return Period(kind="range", start=begin, end=as_of, as_of=as_of)


def late_submissions(
    entries: Sequence[Any],
    townships: Mapping[str, Sequence[Any]],
    criteria: Any,
    as_of: dt.date,
    lang: str,
    start: str | None = None,
) -> tuple[Any, list[dict]]:
    """(the period, every quarterly examination in it not submitted on time) — exactly the `submissions.late`
    of `lax report --from START --to AS_OF`. Every township of the ledger is asked, also one with no
    township file; no village figure is needed, so each township goes in as one village without events."""
    from lax.report import build_context

    period = submissions_period(entries, townships, as_of, start)
    one_each: dict[str, Any] = {}
    for e in entries:
        best = one_each.get(e.township)
        if best is None or (str(e.code) if e.code else "\uffff") < (str(best.code) if best.code else "\uffff"):
            one_each[e.township] = e
    stand_ins = [dataclasses.replace(e, events=()) for e in one_each.values()]
    context = build_context(stand_ins, townships, criteria, period, lang=lang, level="county", start=start)
    return period, context["submissions"]["late"]


def due_data(
    entries: Sequence[Any],
    townships: Mapping[str, Sequence[Any]],
    criteria: Any,
    as_of: dt.date,
    within: int = DEFAULT_WITHIN,
    lang: str = "en",
    states: list[tuple[Any, Any, dict]] | None = None,
    start: str | None = None,
) -> dict:
    """The to-do list as of `as_of`: `overdue` (past the time limit, most overdue first), `due` (a time limit
    within `within` days, soonest first), `closable` (the watch year is over: the account can be closed
    today), `watch_ending` (closable within `within` days), `late_submissions` (quarterly examinations
    late or missing). Each village is its `ledger list` row plus `days` (to the date that matters;
    negative when past)."""
    from lax.lifecycle import close_refusal

    policy = criteria.policy
    rows = states if states is not None else village_states(entries, as_of, policy)
    horizon = as_of + dt.timedelta(days=within)
    overdue, due, closable, ending = [], [], [], []
    for _entry, state, row in rows:
        if state.overdue:
            overdue.append({**row, "days": days_left(row["deadline"], as_of)})
        elif state.status in ("identified", "rectifying") and state.deadline is not None and state.deadline <= horizon:
            due.append({**row, "days": days_left(row["deadline"], as_of)})
        elif state.status == "accepted":
            if close_refusal(state, as_of, policy) is None:
                closable.append({**row, "days": days_left(row["watch_until"], as_of)})
            elif state.watch_until is not None and state.watch_until <= horizon:
                ending.append({**row, "days": days_left(row["watch_until"], as_of)})
    overdue.sort(key=lambda r: (r["days"], r["township"], r["village"]))
    due.sort(key=lambda r: (r["days"], r["township"], r["village"]))
    closable.sort(key=lambda r: (r["days"], r["township"], r["village"]))
    ending.sort(key=lambda r: (r["days"], r["township"], r["village"]))
    period, late = late_submissions(entries, townships, criteria, as_of, lang, start)
    return {
        "as_of": as_of.isoformat(),
        "within": within,
        "overdue": overdue,
        "due": due,
        "closable": closable,
        "watch_ending": ending,
        "submissions_from": period.start.isoformat(),
        "late_submissions": [
            {k: r[k] for k in ("township", "quarter", "quarter_label", "due", "date", "status", "status_text")}
            for r in late
        ],
    }
