"""Measured change in one village: the values of the criteria's `tracked: true` fields (群众满意度, 集体访次数,
越级访次数) before and after rectification, for the reports' 成效 and `lax ledger show`.

The ledger holds a tracked value wherever it was measured, each on a dated event: the `profile` of the events
a check records (`lax.ledger.profile`: the sheet at identification, and each later sheet of a village still
under rectification or in its watch year), the `evidence` of a standard the value made true, and the
acceptance (`lax ledger accept --satisfaction 92 --collective-petitions 0`: keys named as the fields, listed
in `ACCEPTANCE_KEYS`). The "before" value is the latest measured on or before the day the village's current
round was identified; the "after" value the latest measured after that day, up to the date asked. Nothing is
inferred: a village with no later measurement has no "after". Pure: events and dates in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from lax.lifecycle import Event

# The tracked values an acceptance may carry, as keys of the acceptance event: the fields of the packaged
# criteria file they measure again at the inspection.
ACCEPTANCE_KEYS = ("satisfaction", "collective_petitions", "leapfrog_petitions")
# The events whose `evidence` comes from a sheet: a value there is a measurement on the event's date.
_EVIDENCE_EVENTS = frozenset({"identified", "amended", "reopened", "missed_inclusion"})


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def event_value(event: Event, field: str) -> int | float | None:
    """The value of `field` the event measured, or None: its profile's, else its evidence's, else (an
    acceptance) its own key's."""
    data = event.data
    profile = data.get("profile")
    if isinstance(profile, dict) and _number(profile.get(field)):
        return profile[field]
    if event.type in _EVIDENCE_EVENTS:
        evidence = data.get("evidence")
        if isinstance(evidence, dict):
            for values in evidence.values():
                if isinstance(values, dict) and _number(values.get(field)):
                    return values[field]
    if event.type == "acceptance" and field in ACCEPTANCE_KEYS and _number(data.get(field)):
        return data[field]
    return None


def round_start(events: Iterable[Event], as_of: dt.date | None = None) -> dt.date | None:
    """The day the village's latest round was identified (by `as_of`), or None when none was."""
    start = None
    for ev in events:
        if as_of is not None and ev.date > as_of:
            break
        if ev.type == "identified":
            start = ev.date
    return start


def open_round_start(events: Sequence[Event]) -> dt.date | None:
    """The day the village's round was identified when that round is still open (not closed), else None."""
    start = None
    for ev in events:
        if ev.type == "identified":
            start = ev.date
        elif ev.type == "closed":
            start = None
    return start


def measured_after(events: Iterable[Event], field: str, day: dt.date) -> bool:
    """Whether any event dated after `day` measured `field`."""
    return any(ev.date > day and event_value(ev, field) is not None for ev in events)


def before_after(
    events: Sequence[Event], field: str, as_of: dt.date | None = None
) -> tuple[tuple[dt.date, Any] | None, tuple[dt.date, Any] | None]:
    """((date, value) at identification, (date, value) latest after it), each None when not measured, for the
    round current on `as_of` (None: after every event)."""
    return befores_afters(events, (field,), as_of).get(field, (None, None))


def befores_afters(
    events: Sequence[Event], fields: Sequence[str], as_of: dt.date | None = None
) -> dict[str, tuple[tuple[dt.date, Any] | None, tuple[dt.date, Any] | None]]:
    """`before_after` for several fields in one pass over the events (a county report asks it of every
    village): {field: (before, after)}, a field not measured at all left out."""
    start = round_start(events, as_of)
    out: dict[str, list] = {}
    if start is None:
        return {}
    tracked = frozenset(fields)
    accepted_keys = tracked.intersection(ACCEPTANCE_KEYS)
    for ev in events:
        if as_of is not None and ev.date > as_of:
            break
        # only these events can hold a measurement (plans and progress reports, most of a ledger, cannot)
        data = ev.data
        etype = ev.type
        profile = data.get("profile")
        if type(profile) is not dict and not isinstance(profile, dict):
            profile = None
        elif tracked.isdisjoint(profile):
            profile = None  # a profile of none of the fields (the common case: 党员人数…) measures nothing here
        # the first number each field has in the evidence, in the evidence's order (as `event_value`)
        from_evidence = None
        if etype in _EVIDENCE_EVENTS:
            evidence = data.get("evidence")
            if isinstance(evidence, dict):
                for values in evidence.values():
                    if isinstance(values, dict) and not tracked.isdisjoint(values):
                        for f in fields:
                            if _number(values.get(f)):
                                if from_evidence is None:
                                    from_evidence = {f: values[f]}
                                elif f not in from_evidence:
                                    from_evidence[f] = values[f]
        acceptance = etype == "acceptance" and accepted_keys and not accepted_keys.isdisjoint(data)
        if profile is None and from_evidence is None and not acceptance:
            continue
        # as `event_value`: the profile's value, else the evidence's, else the acceptance's own key
        for f in fields:
            value = profile.get(f) if profile is not None else None
            if not _number(value):
                value = from_evidence.get(f) if from_evidence is not None else None
                if value is None and acceptance and f in ACCEPTANCE_KEYS and _number(data.get(f)):
                    value = data[f]
                if value is None:
                    continue
            pair = out.setdefault(f, [None, None])
            pair[0 if ev.date <= start else 1] = (ev.date, value)
    return {f: (pair[0], pair[1]) for f, pair in out.items()}


def village_measures(events: Sequence[Event], fields: Sequence[str], as_of: dt.date | None = None) -> dict[str, Any]:
    """{field: {"before", "before_on", "after", "after_on"}} for each field measured at all in the current
    round (`ledger show`); dates as ISO text, a value not measured as None."""
    out: dict[str, Any] = {}
    for f in fields:
        before, after = before_after(events, f, as_of)
        if before is None and after is None:
            continue
        out[f] = {
            "before": before[1] if before else None,
            "before_on": before[0].isoformat() if before else None,
            "after": after[1] if after else None,
            "after_on": after[0].isoformat() if after else None,
        }
    return out
