"""Adding events to village files: `make_event`, `open_village`, `add_event`, and the steps every writer
shares (re-read a file under the lock, check the new events against its history, write the new texts as
one transaction).

A new event is appended to the file's text when that gives exactly the new history, so a hand edit's
comments and layout survive; otherwise the file is written in its canonical layout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lax.criteria import Policy
from lax.i18n import _
from lax.ledger.fileformat import Entry, _dump, _Parsed, _read_text, _Unreadable, dump_entry, event_dict, parse_text
from lax.ledger.names import _match, _new_path
from lax.ledger.store import _refuse_if_unreadable, load_entries_checked
from lax.ledger.transaction import _write_all, locked
from lax.ledger.validate import _entry_from, _unreadable_problem, problem_text, read_village
from lax.lifecycle import Event, Replay, event_keys, refusal
from lax.problems import LaxError


def _appended_text(old_text: str | None, old: Entry | None, new: Entry, added: Sequence[Event]) -> str:
    """The new village file text: the old text with the new events appended when that is exact (so a hand
    edit's comments and layout survive), else the canonical text."""
    canonical = dump_entry(new)
    if old_text is None or old is None or old_text == dump_entry(old):
        return canonical
    return _appended(old_text, added, new.events, "village") or canonical


def _appended(old_text: str, added: Sequence[Event], expected: Sequence[Event], kind: str) -> str | None:
    """The old text with `added` appended to its event list, if reading it back gives exactly `expected`
    (the events are the file's last block, in block style); else None."""
    base = old_text if old_text.endswith("\n") else old_text + "\n"
    text = base + _dump([event_dict(e) for e in added])
    try:
        parsed = parse_text(text)
    except _Unreadable:
        return None
    c = _entry_from(parsed, kind=kind)
    if c.identity and [(e.date, e.type, e.data) for e in c.events] == [
        (e.date, e.type, _plain(e.data)) for e in expected
    ]:
        return text
    return None


def _plain(value: Any) -> Any:
    """A value with flow maps and lists as plain dicts and lists, for comparing what two files hold."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass
class _Change:
    path: Path
    old_text: str | None
    old: Entry | None
    new: Entry
    added: list[Event]


def _fresh(path: Path, policy: Policy) -> tuple[Entry, str]:
    """Re-read a village file under the lock; refuse to add to a file that has problems."""
    label = str(path)
    try:
        text = _read_text(path, label)
    except _Unreadable as e:
        raise LaxError(problem_text(_unreadable_problem(label, e))) from None
    checked = read_village(path, policy, None, label, _safe_parse(text, label))
    if checked.entry is None or checked.problems:
        first = checked.problems[0] if checked.problems else label
        raise LaxError(
            _(
                f"{first} (fix the file before adding to it; lax ledger verify lists every problem)",
                f"{first}（请先修正该文件再添加记录；lax ledger verify 会列出全部问题）",
            )
        )
    return checked.entry, text


def _safe_parse(text: str, label: str) -> _Parsed:
    try:
        return parse_text(text)
    except _Unreadable as e:
        raise LaxError(problem_text(_unreadable_problem(label, e))) from None


def _plan(
    path: Path,
    old: Entry | None,
    old_text: str | None,
    identity: tuple[str, str, str | None],
    events: Sequence[Event],
    policy: Policy,
) -> _Change:
    """Check new events against the history; raise a refusal (exit 1) naming the village if one cannot follow."""
    history = list(old.events) if old else []
    replay = Replay(policy)
    for e in history:
        replay.step(e)
    for e in events:
        reason = refusal(replay, e, policy)
        if reason is not None:
            township, village, _code = identity
            raise LaxError(
                _(f"refused: {township}/{village}: {reason}", f"已拒绝：{township}/{village}：{reason}"), exit_code=1
            )
        replay.step(e)
    new = Entry(path, identity[0], identity[1], identity[2], tuple(history) + tuple(events))
    return _Change(path, old_text, old, new, list(events))


def _commit(
    changes: Sequence[_Change], more: Sequence[tuple[Path, str]] = (), folder: Path | None = None
) -> list[Path]:
    """Write the changed village files (and `more` files, e.g. township files) as one transaction."""
    files = [(c.path, _appended_text(c.old_text, c.old, c.new, c.added)) for c in changes] + list(more)
    if files:
        _write_all(Path(folder) if folder is not None else files[0][0].parent, files)
    return [c.path for c in changes]


def make_event(date: dt.date, etype: str, **data: Any) -> Event:
    """An event with its keys in the written order and blank options left out."""
    order = event_keys(etype)
    clean = {k: data[k] for k in order if k in data and data[k] is not None and data[k] != "" and data[k] != []}
    clean.update({k: v for k, v in data.items() if k not in order and v is not None})
    return Event(date, etype, clean)


def open_village(
    folder: Path, township: str, village: str, code: str | None, event: Event, policy: Policy
) -> tuple[Entry, bool]:
    """Record an `identified` event, creating the village's file when it is new: (entry, created)."""
    folder = Path(folder)
    with locked(folder):
        entries, problems = load_entries_checked(folder)
        existing = _match(entries, township, village, code)
        if existing is not None and (existing.township, existing.village) != (township, village):
            raise LaxError(
                _(
                    f"code {code} belongs to {existing.label} in the ledger, not to {township}/{village}",
                    f"村代码 {code} 在台账中属于 {existing.label}，而不是 {township}/{village}",
                )
            )
        if existing is not None:
            old, text = _fresh(existing.path, policy)
            change = _plan(old.path, old, text, (old.township, old.village, old.code), [event], policy)
            _commit([change])
            return change.new, False
        _refuse_if_unreadable(entries, problems, folder)
        path = _new_path(folder, township, village, code, set())
        change = _plan(path, None, None, (township, village, code), [event], policy)
        _commit([change])
        return change.new, True


def add_event(folder: Path, entry: Entry, event: Event, policy: Policy) -> Entry:
    """Append one event to a village's file, if the lifecycle allows it (else a refusal, exit 1)."""
    folder = Path(folder)
    with locked(folder):
        if not entry.path.exists():
            raise LaxError(_(f"{entry.path} disappeared", f"{entry.path} 已不存在"))
        old, text = _fresh(entry.path, policy)
        change = _plan(old.path, old, text, (old.township, old.village, old.code), [event], policy)
        _commit([change])
        return change.new


def _read_text_or_raise(path: Path, label: str) -> str:
    try:
        return _read_text(path, label)
    except _Unreadable as e:
        raise LaxError(problem_text(_unreadable_problem(label, e))) from None
