"""Checking a ledger file: the identity, each event's date, type and keys, each value (dates, channels,
standards, amounts, who recorded it), the standards against the criteria file and the history against the
lifecycle. Every problem is a `lax.problems.Problem` with a code (`bad-date`, `unknown-key`,
`impossible-step` ...), its file and line; `problem_text` prints one as `FILE:LINE: message`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lax.criteria import Policy
from lax.i18n import _
from lax.ledger.fileformat import Entry, _BadScalar, _Parsed, _read_text, _Unreadable, parse_text
from lax.ledger.recorder import parse_timestamp
from lax.lifecycle import CHANNELS, EVENT_TYPES, Event, event_keys, history_refusals
from lax.problems import Problem

_TEXT_KEYS = {"source", "note", "reason", "by", "county_leader", "township_leader", "first_secretary", "helping_unit"}


def _is_date(v: Any) -> bool:
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


MAX_FUNDS = 10**9  # yuan in one progress report; more is a typo (an extra 0000) unless confirmed
HARD_MAX_FUNDS = 10**15  # beyond this no amount is plausible, and floats stop holding whole yuan exactly
FUNDS_CONFIRMED = "funds_confirmed"  # `true` on a progress event whose funds above MAX_FUNDS were confirmed (--force)
HIGHLIGHT = "highlight"  # `true` on a progress event the reports may name as an example (--highlight)
# Keys every event may carry whatever its type: who recorded it and when (`recorded: {by, at}`).
_EVERY_EVENT_KEYS = ("recorded",)
_RECORDED_KEYS = ("by", "at")
_SOURCE_KEYS = ("path", "sheet", "row")


def funds_problem(value: Any, confirmed: bool = False) -> str | None:
    """Why `value` is not a believable amount of yuan for one progress report, or None."""
    if not _is_number(value) or value < 0:
        return _(f"funds: {value!r} is not an amount in yuan", f"funds：{value!r} 不是以元计的金额")
    if not math.isfinite(value):
        return _(f"funds: {value!r} is not a finite amount in yuan", f"funds：{value!r} 不是有限的金额")
    if value > HARD_MAX_FUNDS:
        return _(f"funds: {value:g} yuan is not a plausible amount", f"funds：{value:g} 元不是可信的金额")
    if value > MAX_FUNDS and not confirmed:
        return _(
            f"funds: {value:,.0f} yuan is more than 10^9 yuan; if it is right, add 'funds_confirmed: true' to the "
            f"event (what lax ledger progress --force writes)",
            f"funds：{value:,.0f} 元超过 10^9 元；如确实无误，请在该事件中加上“funds_confirmed: true”"
            f"（即 lax ledger progress --force 所写）",
        )
    return None


_STAMPS: dict[str, bool] = {}  # the `at` texts seen in this run: one `check --record` writes one for many villages


def _timestamp(value: Any) -> bool:
    """`'2026-11-29T23:50:00+08:00'`: a time with its UTC offset, written as text (`recorder.parse_timestamp`,
    by which `ledger log` orders events, so every `at` that verifies can be ordered)."""
    if not isinstance(value, str):
        return False
    ok = _STAMPS.get(value)
    if ok is None:
        if len(_STAMPS) > 100_000:
            _STAMPS.clear()
        ok = _STAMPS[value] = parse_timestamp(value) is not None
    return ok


def _value_problem(key: str, value: Any, etype: str, event: dict | None = None) -> tuple[str, str] | None:
    """What is wrong with one key of an event, as (code, message), or None."""
    if isinstance(value, _BadScalar):
        return "bad-date", _(f"{key}: '{value}' is not a valid date", f"{key}：“{value}”不是有效日期")
    if key == "deadline":
        if not _is_date(value):
            return "bad-date", _(
                f"deadline: {value!r} is not a date like 2027-03-30", f"deadline：{value!r} 不是 2027-03-30 这样的日期"
            )
    elif key == "channel":
        if value not in CHANNELS:
            return "bad-value", _(
                f"channel: '{value}' is not one of {', '.join(CHANNELS)}",
                f"channel：“{value}”不在 {', '.join(CHANNELS)} 之中",
            )
    elif key == "criteria":
        ids = value if isinstance(value, list) else None
        if ids is None or not all(isinstance(c, str) for c in ids):
            return "bad-value", _(
                "criteria: must be a list of standard ids such as [C05, C13]",
                "criteria：应为标准编号列表，例如 [C05, C13]",
            )
        if not ids and etype in ("identified", "amended"):
            return "missing-value", _("criteria: at least one standard is needed", "criteria：至少需要一条标准")
    elif key == "evidence":
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            return "bad-value", _(
                "evidence: must map a standard to its field values, e.g. {C05: {election_completed: false}}",
                "evidence：应为标准到字段值的映射，例如 {C05: {election_completed: false}}",
            )
        if _non_finite(value):
            return "bad-amount", _(
                "evidence: holds .nan or .inf, which is not a number", "evidence：含有 .nan 或 .inf，不是数字"
            )
    elif key == "profile":
        from lax.ledger.profile import value_problem

        message = value_problem(value)
        if message:
            return ("bad-amount" if _non_finite(value) else "bad-value"), message
    elif key == "measures":
        if not (isinstance(value, str) or (isinstance(value, list) and all(isinstance(m, str) for m in value))):
            return "bad-value", _("measures: must be a list of texts", "measures：应为文字列表")
    elif key == "funds":
        message = funds_problem(value, bool(event and event.get(FUNDS_CONFIRMED) is True))
        if message:
            return "bad-amount", message
    elif key in (FUNDS_CONFIRMED, HIGHLIGHT):
        if value is not True:
            return "bad-value", _(
                f"{key}: {value!r} must be true (or leave the key out)", f"{key}：{value!r} 应为 true（或删去该键）"
            )
    elif key == "score":
        if not _is_number(value) or not math.isfinite(value) or value < 0:
            return ("bad-amount" if _is_number(value) else "bad-value"), _(
                f"score: {value!r} is not a score", f"score：{value!r} 不是有效分数"
            )
    elif key == "satisfaction":
        if not _is_number(value) or not math.isfinite(value) or not 0 <= value <= 100:
            return ("bad-amount" if _is_number(value) else "bad-value"), _(
                f"satisfaction: {value!r} is not a percent from 0 to 100",
                f"satisfaction：{value!r} 不是 0 到 100 的百分数",
            )
    elif key in ("collective_petitions", "leapfrog_petitions"):
        if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
            return "bad-value", _(
                f"{key}: {value!r} is not a count of 0 or more", f"{key}：{value!r} 不是 0 或以上的次数"
            )
    elif key == "passed":
        if not isinstance(value, bool):
            return "bad-value", _(f"passed: {value!r} must be true or false", f"passed：{value!r} 应为 true 或 false")
    elif key == "recorded":
        return _recorded_problem(value)
    elif key == "source" and isinstance(value, dict):
        return _source_problem(value)
    elif key in _TEXT_KEYS:
        if not isinstance(value, str):
            return "bad-value", _(f"{key}: {value!r} must be text", f"{key}：{value!r} 应为文字")
    return None


# Keys whose value was found right, by (key, event type, value's type, value): most lines of a ledger repeat
# from village to village (`channel: self`, `by: 县委组织部`, `criteria: [C05]`), so a cold read checks each
# distinct one once. Only "no problem" is kept (a message depends on the language); `funds` is left out (its
# check depends on the event's other keys), and so is any value that is not a plain scalar or a list of texts.
_FINE: set = set()
_FINE_MAX = 200_000
_MEMO_SCALARS = frozenset({str, int, float, bool, type(None), dt.date})


def _fine_key(key: str, value: Any, etype: str) -> tuple | None:
    t = type(value)
    if key == "funds":
        return None
    if t in _MEMO_SCALARS:
        return (key, etype, t, value)
    if t is list and all(type(x) is str for x in value):
        return (key, etype, list, tuple(value))
    return None


def _value_problem_memo(key: str, value: Any, etype: str, event: dict | None = None) -> tuple[str, str] | None:
    """`_value_problem`, remembering the values found right."""
    memo = _fine_key(key, value, etype)
    if memo is not None and memo in _FINE:
        return None
    found = _value_problem(key, value, etype, event)
    if found is None and memo is not None:
        if len(_FINE) >= _FINE_MAX:
            _FINE.clear()
        _FINE.add(memo)
    return found


def _recorded_problem(value: Any) -> tuple[str, str] | None:
    """`recorded: {by: 李明, at: '2026-11-29T23:50:00+08:00'}`: who entered the event, and when."""
    if not isinstance(value, dict):
        return "bad-value", _(
            "recorded: must be {by: NAME, at: '2026-11-29T23:50:00+08:00'}",
            "recorded：应为 {by: 姓名, at: '2026-11-29T23:50:00+08:00'}",
        )
    unknown = [str(k) for k in value if k not in _RECORDED_KEYS]
    if unknown:
        return "unknown-key", _(
            f"recorded: unknown key '{unknown[0]}' (allowed: by, at)",
            f"recorded：未知的键“{unknown[0]}”（允许：by, at）",
        )
    by = value.get("by")
    if not isinstance(by, str) or not by.strip():
        return "bad-value", _(
            f"recorded: by: {by!r} must be the name of who recorded it", f"recorded：by：{by!r} 应为记录人姓名"
        )
    if not _timestamp(value.get("at")):
        return "bad-value", _(
            f"recorded: at: {value.get('at')!r} must be a quoted time like '2026-11-29T23:50:00+08:00'",
            f"recorded：at：{value.get('at')!r} 应为加引号的时间，例如 '2026-11-29T23:50:00+08:00'",
        )
    return None


def _source_problem(value: dict) -> tuple[str, str] | None:
    """`source: {path: 邓埠镇.xlsx, sheet: 排查表, row: 17}` (older files hold plain text, also fine)."""
    unknown = [str(k) for k in value if k not in _SOURCE_KEYS]
    if unknown:
        return "unknown-key", _(
            f"source: unknown key '{unknown[0]}' (allowed: path, sheet, row)",
            f"source：未知的键“{unknown[0]}”（允许：path, sheet, row）",
        )
    path, sheet, row = value.get("path"), value.get("sheet"), value.get("row")
    if not isinstance(path, str) or not path.strip():
        return "bad-value", _(
            f"source: path: {path!r} must be the name of the file read", f"source：path：{path!r} 应为所读文件的名称"
        )
    if sheet is not None and not isinstance(sheet, str):
        return "bad-value", _(f"source: sheet: {sheet!r} must be text", f"source：sheet：{sheet!r} 应为文字")
    if not isinstance(row, int) or isinstance(row, bool) or row < 1:
        return "bad-value", _(f"source: row: {row!r} must be a row number", f"source：row：{row!r} 应为行号")
    return None


def _non_finite(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            return True
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def _id_range(ids: set[str]) -> str:
    ordered = sorted(ids)
    if len(ordered) > 4:
        return f"{ordered[0]}..{ordered[-1]}"
    return ", ".join(ordered)


@dataclass
class _Checked:
    """A parsed file after the format checks (no criteria or lifecycle yet)."""

    identity: dict | None
    problems: list[tuple[int, str, str]]  # (line, code, message)
    events: list[Event]
    criteria_lines: list[int]  # per event: the line of its `criteria` key (for unknown-standard messages)


def _entry_from(parsed: _Parsed, kind: str = "village") -> _Checked:
    """Check a parsed file's format: identity, event dates and types, each key's value."""
    problems: list[tuple[int, str, str]] = list(parsed.problems)
    criteria_lines: list[int] = []
    doc = parsed.doc

    def say(line: int, code: str, message: str) -> None:
        problems.append((line, code, message))

    if not isinstance(doc, dict):
        say(
            1,
            "bad-structure",
            _(
                "a ledger file must be a mapping with township, village, code and events",
                "台账文件应为包含 township、village、code、events 的映射",
            )
            if kind == "village"
            else _(
                "a township file must be a mapping with township and events", "乡镇文件应为包含 township、events 的映射"
            ),
        )
        return _Checked(None, problems, [], [])
    kl = parsed.key_lines
    allowed = ("township", "village", "code", "events") if kind == "village" else ("township", "events")
    for key in doc:
        if key not in allowed:
            say(
                kl.get(key, 1),
                "unknown-key",
                _(
                    f"unknown key '{key}' (expected {', '.join(allowed)})",
                    f"未知的键“{key}”（应为 {', '.join(allowed)}）",
                ),
            )
    identity: dict[str, Any] = {}
    for key in allowed[:-1]:
        value = doc.get(key)
        if key == "code":
            if value is None:
                identity[key] = None
            elif isinstance(value, str) and value.strip():
                identity[key] = value.strip()
            elif _is_number(value):
                say(
                    kl.get(key, 1),
                    "bad-code",
                    _(
                        f"code: write the code as quoted text, e.g. code: '{value}'",
                        f"code：村代码应加引号写成文字，例如 code: '{value}'",
                    ),
                )
                identity[key] = str(value)
            else:
                say(kl.get(key, 1), "bad-code", _("code: must be text or null", "code：应为文字或 null"))
                identity[key] = None
        elif not isinstance(value, str) or not value.strip():
            say(kl.get(key, 1), "missing-value", _(f"'{key}' is missing or not a name", f"缺少“{key}”或其值不是名称"))
            identity = {}
            break
        else:
            identity[key] = value.strip()
    raw_events = doc.get("events")
    events: list[Event] = []
    if raw_events is None:
        say(
            kl.get("events", 1),
            "missing-value",
            _("'events' is missing (write events: [] for none)", "缺少“events”（没有事件时写 events: []）"),
        )
        raw_events = []
    elif not isinstance(raw_events, list):
        say(
            kl.get("events", 1),
            "bad-structure",
            _("'events' must be a list of dated events", "“events”应为带日期的事件列表"),
        )
        raw_events = []
    types = EVENT_TYPES if kind == "village" else ("submission",)
    for index, item in enumerate(raw_events):
        line, keys = parsed.event_lines[index] if index < len(parsed.event_lines) else (kl.get("events", 1), {})
        if not isinstance(item, dict):
            say(
                line,
                "bad-structure",
                _("an event must be a mapping with date and type", "事件应为包含 date 和 type 的映射"),
            )
            continue
        date = item.get("date")
        etype = item.get("type")
        ok = True
        if isinstance(date, _BadScalar):
            say(
                keys.get("date", line),
                "bad-date",
                _(f"date: '{date}' is not a valid date", f"date：“{date}”不是有效日期"),
            )
            ok = False
        elif not _is_date(date):
            say(
                keys.get("date", line),
                "bad-date",
                _(
                    f"date: {date!r} is not a date like 2026-09-30 (unquoted)",
                    f"date：{date!r} 不是 2026-09-30 这样的日期（不加引号）",
                ),
            )
            ok = False
        if etype not in types:
            say(
                keys.get("type", line),
                "unknown-event-type",
                _(
                    f"unknown event type {etype!r} (expected one of {', '.join(types)})",
                    f"未知的事件类型 {etype!r}（应为 {', '.join(types)} 之一）",
                ),
            )
            ok = False
        if not ok:
            continue
        allowed_keys = event_keys(etype)
        data = {}
        for key, value in item.items():
            if key in ("date", "type"):
                continue
            data[key] = value
            if key not in allowed_keys and key not in _EVERY_EVENT_KEYS:
                say(
                    keys.get(key, line),
                    "unknown-key",
                    _(
                        f"{etype}: unknown key '{key}' (allowed: {', '.join(allowed_keys)})",
                        f"{etype}：未知的键“{key}”（允许：{', '.join(allowed_keys)}）",
                    ),
                )
                continue
            if kind == "township":
                found = _township_value_problem(key, value)
            else:
                found = _value_problem_memo(key, value, etype, item)
            if found:
                say(keys.get(key, line), *found)
        if etype in ("identified", "amended") and "criteria" not in data:
            say(line, "missing-value", _(f"{etype}: 'criteria' is missing", f"{etype}：缺少“criteria”"))
        if etype == "profile" and "profile" not in data:
            say(line, "missing-value", _("profile: the 'profile' values are missing", "profile：缺少“profile”"))
        if etype == "acceptance" and "passed" not in data:
            say(
                line,
                "missing-value",
                _("acceptance: 'passed' (true or false) is missing", "acceptance：缺少“passed”（true 或 false）"),
            )
        if etype == "submission" and "quarter" not in data:
            say(line, "missing-value", _("submission: 'quarter' is missing", "submission：缺少“quarter”"))
        deadline = data.get("deadline")
        if _is_date(deadline) and deadline < date:
            say(
                keys.get("deadline", line),
                "bad-deadline",
                _(f"deadline {deadline} is before the event's date {date}", f"整改时限 {deadline} 早于事件日期 {date}"),
            )
        if events and date < events[-1].date:
            say(
                keys.get("date", line),
                "event-order",
                _(
                    f"events out of order: {date} comes after {events[-1].date}",
                    f"事件顺序错误：{date} 排在 {events[-1].date} 之后",
                ),
            )
        events.append(Event(date, etype, data, line))
        criteria_lines.append(keys.get("criteria", line))
    return _Checked(identity or None, problems, events, criteria_lines)


def _standards_problems(
    events: Sequence[Event], criteria_lines: Sequence[int], criteria_ids: set[str]
) -> list[tuple[int, str, str]]:
    """Standards in the events that the criteria file does not define."""
    problems = []
    for e, line in zip(events, criteria_lines):
        ids = e.data.get("criteria")
        if isinstance(ids, list):
            unknown = [str(c) for c in ids if c not in criteria_ids]
            if unknown:
                problems.append(
                    (
                        line,
                        "unknown-standard",
                        _(
                            f"criteria: unknown standard {', '.join(unknown)} (valid: {_id_range(criteria_ids)})",
                            f"criteria：未知标准 {'、'.join(unknown)}（有效编号：{_id_range(criteria_ids)}）",
                        ),
                    )
                )
    return problems


# A quarter as the ledger writes it (a submission's `quarter`, the first quarter in `_ledger.yaml`): `2026Q3`.
QUARTER_KEY = re.compile(r"^\d{4}Q[1-4]$")


def _township_value_problem(key: str, value: Any) -> tuple[str, str] | None:
    if isinstance(value, _BadScalar):
        return "bad-date", _(f"{key}: '{value}' is not a valid date", f"{key}：“{value}”不是有效日期")
    if key == "quarter":
        if not isinstance(value, str) or not QUARTER_KEY.match(value):
            return "bad-value", _(
                f"quarter: {value!r} is not a quarter like 2026Q3", f"quarter：{value!r} 不是 2026Q3 这样的季度"
            )
    elif key == "villages":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return "bad-value", _(f"villages: {value!r} is not a number of villages", f"villages：{value!r} 不是村数")
    elif key == "recorded":
        return _recorded_problem(value)
    elif key == "source" and isinstance(value, dict):
        return _source_problem(value)
    elif not isinstance(value, str):
        return "bad-value", _(f"{key}: {value!r} must be text", f"{key}：{value!r} 应为文字")
    return None


# Problems that mean the file does not read as what it says: a key given twice (YAML kept only the last), an
# amount that is NaN, infinite or absurd, a control character no one can see. Every command treats such a file
# as unreadable (no entry, the problem reported), as `verify` does, so none works on a silently wrong reading.
UNTRUSTED = frozenset({"duplicate-key", "bad-amount", "control-character"})


@dataclass(frozen=True)
class Checked:
    """One village file, read and checked."""

    entry: Entry | None
    problems: tuple[str, ...]  # format and history problems, `FILE:LINE: message`
    parsed: _Parsed | None = None
    typed: tuple[Problem, ...] = ()  # the same problems as `Problem`s (code, path, line, message)


def problem_text(p: Problem) -> str:
    """A ledger problem as `verify` prints it: `FILE:LINE: message`."""
    return f"{p.path}:{p.line}: {p.message}"


def _unreadable_problem(label: str, e: _Unreadable) -> Problem:
    return Problem(e.code, e.message, label, line=e.line)


def read_village(
    path: Path,
    policy: Policy | None = None,
    criteria_ids: set[str] | None = None,
    label: str | None = None,
    parsed: _Parsed | None = None,
) -> Checked:
    """Read and check one village file (the history too, when a policy is given)."""
    label = label or str(path)
    if parsed is None:
        try:
            parsed = parse_text(_read_text(path, label))
        except _Unreadable as e:
            p = _unreadable_problem(label, e)
            return Checked(None, (problem_text(p),), None, (p,))
    c = _entry_from(parsed)
    entry = None
    if c.identity is not None:
        entry = Entry(path, c.identity["township"], c.identity["village"], c.identity.get("code"), tuple(c.events))
    typed = _typed(label, c.problems + _more_problems(c.events, c.criteria_lines, policy, criteria_ids))
    return Checked(entry, tuple(problem_text(p) for p in typed), parsed, tuple(typed))


def _more_problems(
    events: Sequence[Event], criteria_lines: Sequence[int], policy: Policy | None, criteria_ids: set[str] | None
) -> list[tuple[int, str, str]]:
    found: list[tuple[int, str, str]] = []
    if criteria_ids is not None:
        found += _standards_problems(events, criteria_lines, criteria_ids)
    if policy is not None:
        found += _history_problems(events, policy)
    return found


def _history_problems(events: Sequence[Event], policy: Policy) -> list[tuple[int, str, str]]:
    """`lifecycle.history_problems` with codes: `event-order` for a date before the last one's,
    `impossible-step` for a step the lifecycle would have refused."""
    return [
        (
            event.line,
            "event-order" if out_of_order else "impossible-step",
            _(f"{event.type} on {event.date}: {reason}", f"{event.date} 的 {event.type}：{reason}"),
        )
        for event, reason, out_of_order in history_refusals(events, policy)
    ]


def _typed(label: str, problems: Sequence[tuple[int, str, str]]) -> list[Problem]:
    """`Problem`s in line order (stable, so a line's problems keep the order they were found)."""
    return [Problem(code, msg, label, line=line) for line, code, msg in sorted(problems, key=lambda p: p[0])]


def _format_problems(label: str, problems: Sequence[tuple[int, str, str]]) -> tuple[str, ...]:
    """`FILE:LINE: message`, in line order."""
    return tuple(problem_text(p) for p in _typed(label, problems))


def profile_field_problems(entries: Sequence[Entry], fields: Mapping[str, Any]) -> list[Problem]:
    """`bad-profile` for each event `profile` the criteria file contradicts (a field it does not define, a
    value not of the field's type), at the line of its `profile` key. `fields`: field id -> `Field`."""
    from lax.ledger.profile import PROFILE_KEY, field_problems, value_problem

    found: list[Problem] = []
    for entry in entries:
        bad = [
            (ev, message)
            for ev in entry.events
            # one that is not even a mapping of plain values is already a `bad-value` of the file's format
            if isinstance(ev.data.get(PROFILE_KEY), dict) and value_problem(ev.data[PROFILE_KEY]) is None
            for message in field_problems(ev.data[PROFILE_KEY], fields)
        ]
        if not bad:
            continue
        label = str(entry.path)
        try:  # the key's own line, read again only for the few files that have such a problem
            lines = {n: keys.get(PROFILE_KEY, n) for n, keys in parse_text(_read_text(entry.path, label)).event_lines}
        except _Unreadable:
            lines = {}
        found += [Problem("bad-profile", message, label, line=lines.get(ev.line, ev.line)) for ev, message in bad]
    return found
