"""The ledger as data for the CLI: one village (`show_data`), the list (`list_data`), the log of every
recorded event (`log_data`), with dates as ISO text for JSON (`json_value`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lax.criteria import Policy
from lax.i18n import _
from lax.ledger.fileformat import Entry, event_dict
from lax.ledger.recorder import parse_timestamp
from lax.ledger.store import _township_files
from lax.lifecycle import Event, Replay, State, state_as_of
from lax.problems import LaxError, Problem


def json_value(value: Any) -> Any:
    """Dates as ISO strings, recursively, for JSON output."""
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def summary(entry: Entry, state: State) -> dict:
    """One village as `show`/`list` print it (the lifecycle's keys first; more keys after)."""
    return {
        "township": entry.township,
        "village": entry.village,
        "code": entry.code,
        "status": state.status,
        "overdue": state.overdue,
        "deadline": state.deadline.isoformat() if state.deadline else None,
        "watch_until": state.watch_until.isoformat() if state.watch_until else None,
        "criteria": list(state.criteria),
        "rounds": state.rounds,
        "identified_on": state.identified_on.isoformat() if state.identified_on else None,
        "channel": state.channel,
        "rebounds": state.rebounds,
        "funds": state.funds,
        "file": entry.path.name,
    }


def show_data(entry: Entry, as_of: dt.date, policy: Policy) -> dict:
    state = state_as_of(entry.events, as_of, policy)
    data = summary(entry, state)
    data["events"] = [json_value(event_dict(e)) for e in entry.events if e.date <= as_of]
    return data


def list_data(
    entries: Sequence[Entry],
    as_of: dt.date,
    policy: Policy,
    status: str | None = None,
    township: str | None = None,
    overdue: bool = False,
) -> dict:
    """`lax ledger list` as data: villages with a round opened by `as_of`, filtered, in township/village order."""
    rows = []
    for e in entries:
        if township is not None and e.township != township:
            continue
        replay = Replay(policy)
        for ev in e.events:
            if ev.date <= as_of:
                replay.step(ev)
        if replay.status is None:
            continue
        state = replay.snapshot(as_of)
        if status is not None and state.status != status:
            continue
        if overdue and not state.overdue:
            continue
        rows.append(summary(e, state))
    rows.sort(key=lambda r: (r["township"], r["village"], r["code"] or ""))
    return {"as_of": as_of.isoformat(), "villages": rows}


def log_data(
    folder: Path,
    entries: Sequence[Entry],
    since: dt.date | None = None,
    village: Entry | None = None,
    by: str | None = None,
) -> tuple[list[dict], list[Problem]]:
    """`lax ledger log` as data: every event of the ledger (village and township files) in the order it was
    recorded, and the problems of township files that could not be read.

    Events lax wrote carry `recorded: {by, at}` and are ordered by `at`, then by file and line; events
    without it (typed by hand, or from before lax kept it) come first, by their own date. `since` keeps
    events recorded on or after that day (events without `recorded`: dated on or after it); `village` keeps
    one village's events; `by` keeps the events recorded by that name.
    """
    from lax.ledger.recorder import clean_name

    who = clean_name(by) if by is not None else None
    if by is not None and who is None:
        raise LaxError(_(f"by: '{by}' is not a name", f"by：“{by}”不是姓名"))
    sources: list[tuple[Path, str, str | None, str | None, Sequence[Event]]] = []
    for e in sorted(entries, key=lambda e: e.path.name):
        if village is None or e.path == village.path:
            sources.append((e.path, e.township, e.village, e.code, e.events))
    problems: list[Problem] = []
    if village is None:
        towns, problems = _township_files(folder)
        sources += [(path, township, None, None, events) for path, township, events in towns]
    rows: list[tuple[tuple, dict]] = []
    order = 0
    for path, township, name, code, events in sources:
        for ev in events:
            order += 1
            rec = ev.data.get("recorded")
            stamp = parse_timestamp(rec.get("at")) if isinstance(rec, dict) else None
            if stamp is None:
                rec = None
            if who is not None and (rec is None or rec.get("by") != who):
                continue
            day = stamp.date() if stamp is not None else ev.date
            if since is not None and day < since:
                continue
            key = (1, stamp.timestamp(), order) if stamp is not None else (0, ev.date.toordinal(), order)
            row = {
                "township": township,
                "village": name,
                "code": code,
                "date": ev.date.isoformat(),
                "type": ev.type,
                "recorded": json_value(rec) if rec is not None else None,
                "path": str(path),
                "line": ev.line,
            }
            row.update({k: json_value(v) for k, v in ev.data.items() if k != "recorded" and k not in row})
            rows.append((key, row))
    rows.sort(key=lambda r: r[0])
    return [r for _key, r in rows], problems
