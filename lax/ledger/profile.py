"""The village profile in the ledger: the facts a sheet gives about a village (the criteria's `profile: true`
fields: 党员人数, 入党积极分子人数, 有固定活动场所, 村集体经济收入), kept from the latest recorded sheet; and,
the same way, the measures of the problem the criteria mark `tracked: true` (群众满意度, 集体访次数, 越级访次数),
whose change from identification the reports' 成效 states (`lax.ledger.measured`).

Stored where the ledger keeps facts, in the events: a `profile: {field: value}` key on the event a check
records for a flagged village (`identified`, `reopened`, `amended`), or a small `profile` event when a later
sheet changes the profile of a village already on the ledger. Each holds only the values that are new or
changed, so the profile on a date is every value recorded up to it, the later over the earlier
(`profile_as_of`); a blank cell, or a sheet without the column, keeps the value already recorded. A sheet
that changes nothing writes nothing. Pure functions: no I/O, dates come in.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lax.i18n import _
from lax.lifecycle import Event

PROFILE_KEY = "profile"
# The events a check records for a flagged village, on which the profile rides instead of an event of its own.
CARRIERS = ("identified", "reopened", "amended")
_ID_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


def profile_as_of(events: Iterable[Event], as_of: dt.date | None = None) -> dict[str, Any]:
    """The village's profile on `as_of` (None: after every event): each value as last recorded by then."""
    profile: dict[str, Any] = {}
    for ev in events:
        if as_of is not None and ev.date > as_of:
            continue
        values = ev.data.get(PROFILE_KEY)
        if isinstance(values, dict):
            profile.update(values)
    return profile


def row_profile(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """A sheet row's profile values (field id -> value), the blank ones left out."""
    return {str(k): v for k, v in (values or {}).items() if v is not None and v != ""}


def _same(a: Any, b: Any) -> bool:
    """Equal as recorded values: `true` is not `1`, `5` is `5.0`."""
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def changed(known: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The values of `new` that `known` does not already hold, in `new`'s order."""
    return {k: v for k, v in new.items() if k not in known or not _same(known[k], v)}


def with_profile(
    events: list[Event] | None,
    history: Sequence[Event],
    values: Mapping[str, Any],
    on: dt.date,
    source: Any = None,
    recorded: dict | None = None,
    tracked: Iterable[str] = (),
) -> list[Event] | None:
    """The events a check records for one ledger village, with its profile: the new or changed `values`
    go on the first event that can carry them, else in a `profile` event of their own (dated `on`). None
    when there is nothing to record. `history` is the village's events so far (empty for a new file).

    A `tracked` field (the criteria's `tracked: true`: 群众满意度, 集体访次数) is a measurement, not only a fact:
    in a round still open, its first value from a sheet dated after the identification is recorded even when
    unchanged, so that 成效 can say "58% before, 58% after" rather than "not measured again"; after that,
    only changes (`lax.ledger.measured`)."""
    diff = changed(profile_as_of(history), values)
    again = _measured_again(history, values, on, tracked, diff)
    if again:
        diff = {k: v for k, v in values.items() if k in diff or k in again}
    if not diff:
        return events
    if events:
        out = list(events)
        for i, ev in enumerate(out):
            if ev.type in CARRIERS:
                out[i] = _carrying(ev, diff)
                return out
    from lax.ledger.append import make_event

    return [*(events or []), make_event(on, "profile", profile=diff, source=source, recorded=recorded)]


def _measured_again(
    history: Sequence[Event], values: Mapping[str, Any], on: dt.date, tracked: Iterable[str], diff: Mapping[str, Any]
) -> set[str]:
    """The tracked fields of `values` to record although unchanged: the round is open, identified before
    `on`, and no event since its identification measured them."""
    from lax.ledger.measured import measured_after, open_round_start

    wanted = [f for f in tracked if f in values and f not in diff]
    if not wanted:
        return set()
    start = open_round_start(history)
    if start is None or on <= start:
        return set()
    return {f for f in wanted if not measured_after(history, f, start)}


def _carrying(event: Event, diff: dict[str, Any]) -> Event:
    """`event` with `profile` in its written place (after `deadline`, before `source`)."""
    from lax.ledger.append import make_event

    return make_event(event.date, event.type, **{**event.data, PROFILE_KEY: diff})


def value_problem(value: Any) -> str | None:
    """What is wrong with an event's `profile` as a file holds it, or None: a mapping of field ids to plain
    values (a count, an amount, yes/no, a text or a date)."""
    if not isinstance(value, dict) or not value:
        return _(
            "profile: must map field ids to values, e.g. {party_members: 31, has_venue: true}",
            "profile：应为字段到数值的映射，例如 {party_members: 31, has_venue: true}",
        )
    for k, v in value.items():
        if not isinstance(k, str) or not _ID_RE.match(k):
            return _(
                f"profile: {k!r} is not a field id (lower-case letters, digits and _)",
                f"profile：{k!r} 不是字段 id（小写字母、数字和下划线）",
            )
        if v is None:
            return _(
                f"profile: {k}: a blank value is left out, not written as null",
                f"profile：{k}：空白值应删去该项，而不是写成 null",
            )
        if isinstance(v, float) and not math.isfinite(v):
            return _(f"profile: {k}: {v!r} is not a number", f"profile：{k}：{v!r} 不是数字")
        if not isinstance(v, (str, int, float, bool, dt.date)) or isinstance(v, dt.datetime):
            return _(
                f"profile: {k}: {v!r} must be a number, yes/no, a text or a date",
                f"profile：{k}：{v!r} 应为数字、是/否、文字或日期",
            )
    return None


def field_problems(value: Mapping[str, Any], fields: Mapping[str, Any]) -> list[str]:
    """Each value of a `profile` that the criteria file contradicts: a field it does not define, or a value
    not of the field's type. `fields` maps field ids to the criteria's `Field`s."""
    out = []
    for k, v in value.items():
        f = fields.get(k)
        if f is None:
            known = ", ".join(sorted(x for x in fields if getattr(fields[x], "profile", False))) or "-"
            out.append(
                _(
                    f"profile: unknown field '{k}' (profile fields of the criteria file: {known})",
                    f"profile：未知字段“{k}”（标准文件中的概况字段：{known}）",
                )
            )
            continue
        why = _type_problem(f.type, v)
        if why:
            out.append(_(f"profile: {k}: {v!r} is not {why[0]}", f"profile：{k}：{v!r} 不是{why[1]}"))
    return out


def _type_problem(ftype: str, v: Any) -> tuple[str, str] | None:
    number = isinstance(v, (int, float)) and not isinstance(v, bool)
    if ftype == "int" and not (isinstance(v, int) and not isinstance(v, bool) and v >= 0):
        return "a whole count of 0 or more", "0 或以上的整数"
    if ftype == "number" and not number:
        return "a number", "数字"
    if ftype == "percent" and not (number and 0 <= v <= 100):
        return "a percent from 0 to 100", "0 到 100 之间的百分数"
    if ftype == "bool" and not isinstance(v, bool):
        return "true or false", "true 或 false"
    if ftype == "date" and not (isinstance(v, dt.date) and not isinstance(v, dt.datetime)):
        return "a date like 2026-09-30", "2026-09-30 这样的日期"
    if ftype == "text" and not isinstance(v, str):
        return "text", "文字"
    return None
