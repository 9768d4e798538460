"""The ledger as data for the CLI: one village (`show_data`), the list (`list_data`, and `list_view` with its
cache), the log of every recorded event (`log_data`), with dates as ISO text for JSON (`json_value`).

`list_view` keeps the list's own rows in `.cache/list.json`, keyed by the date, the policy and every village
file's name, inode, size and timestamps, so a repeated `lax ledger list` over 10,000 villages is one read
instead of 10,000 entries replayed and encoded; any edit (by lax or by hand) changes the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lax import __version__
from lax.criteria import Policy
from lax.i18n import _
from lax.ledger.fileformat import Entry, event_dict
from lax.ledger.names import CACHE_DIR
from lax.ledger.profile import profile_as_of
from lax.ledger.recorder import parse_timestamp
from lax.ledger.store import (
    RACY_NS,
    _load_scanned,
    _scan,
    _stat_key,
    _stray_problems,
    _township_files,
    cache_folder,
    hash_files,
)
from lax.ledger.transaction import _settle
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


def show_data(entry: Entry, as_of: dt.date, policy: Policy, tracked: Sequence[str] = ()) -> dict:
    """One village as `ledger show` prints it on `as_of`; `tracked`: the criteria's `tracked: true` field ids
    (besides the ones an acceptance measures), whose values before and after are its `measured`."""
    state = state_as_of(entry.events, as_of, policy)
    data = summary(entry, state)
    # the village's profile on the date (criteria fields marked `profile: true`, from the latest sheet recorded)
    data["profile"] = json_value(profile_as_of(entry.events, as_of))
    # the measures 成效 compares (satisfaction, petitions): at identification and latest after (lax.ledger.measured)
    from lax.ledger.measured import ACCEPTANCE_KEYS, village_measures

    data["measured"] = village_measures(entry.events, list(dict.fromkeys([*ACCEPTANCE_KEYS, *tracked])), as_of)
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


class ListView:
    """The list's rows before filtering, per village with a round opened by the date, in township/village
    order: each row's JSON text, and what the filters look at (township, status, overdue), read from the
    cache only when a filter asks. `lines` filters; `rows` decodes."""

    def __init__(self, as_of: dt.date, texts: list[str], keys: list[tuple[str, str, bool]] | list[str]):
        self.as_of = as_of
        self.texts = texts
        self._keys = keys  # (township, status, overdue) per row, or their cache lines, split when first needed

    def keys(self) -> list[tuple[str, str, bool]]:
        if self._keys and isinstance(self._keys[0], str):
            keys = []
            for line in self._keys:
                town, st, late = line.split(_US)  # checked when the cache was read: three fields, late 0 or 1
                keys.append((town, st, late == "1"))
            self._keys = keys
        return self._keys  # type: ignore[return-value]

    def lines(self, status: str | None = None, township: str | None = None, overdue: bool = False) -> list[str]:
        """The JSON text of each village kept by the filters (as `list_data` filters)."""
        if status is None and township is None and not overdue:
            return self.texts
        return [
            text
            for (town, st, late), text in zip(self.keys(), self.texts)
            if (township is None or town == township) and (status is None or st == status) and (late or not overdue)
        ]

    @staticmethod
    def rows(lines: Sequence[str]) -> list[dict]:
        """The villages as dicts (`list_data`'s "villages"), from their JSON text, in one decode."""
        return json.loads("[" + ",".join(lines) + "]")


# The list's cache, `.cache/list.txt`: a first line `lax-list VERSION SIGNATURE ROWS`, then per village a line
# `township US status US 0|1` (US: the unit separator, U+001F; 1 when overdue), then per village its JSON
# text, one a line, in the same order. Plain lines, not a JSON document: 10,000 villages read back in a few
# milliseconds (one split), where decoding them from JSON took ten times as long. A township never holds a
# line break or U+001F (a file with a control character is no entry, and a ledger with such a problem is
# never cached), and JSON text escapes both.
LIST_CACHE = "list.txt"
_LIST_CACHE_VERSION = 2
_US = "\x1f"


def _signature(
    names: Sequence[str], stats: Sequence[os.stat_result], as_of: dt.date, policy: Policy
) -> tuple[str, int]:
    """What the list's rows depend on: every village file's name, inode, size, modification and change time,
    the date, the policy and lax's version (rows written by another lax, another rule or row format, never
    match); with the newest of the files' times."""
    h = hashlib.blake2b(digest_size=20)
    h.update(
        f"{as_of.isoformat()}\0{policy!r}\0{_LIST_CACHE_VERSION}\0{__version__}\0".encode("utf-8", "surrogateescape")
    )
    newest = hash_files(h, names, stats)
    return h.hexdigest(), newest


def list_view(folder: Path, as_of: dt.date, policy: Policy) -> tuple[ListView, list[Problem]]:
    """`lax ledger list`'s rows on `as_of` (unfiltered) and the ledger's problems, as `load_entries_checked`
    gives them. The rows of a ledger without problems (other than stray files, named again each time) are
    cached, keyed by `as_of`, the policy and every village file's stat signature, taken before reading, so a
    file edited while it is read, or at any time after, never matches."""
    folder = Path(folder)
    _settle(folder)
    dirents, stray = _scan(folder)
    dirents.sort(key=_name)
    path = folder / CACHE_DIR / LIST_CACHE
    sig = None
    racy = False
    stats: list[os.stat_result] = []
    try:
        stats = [d.stat() for d in dirents]
        sig, newest = _signature([d.name for d in dirents], stats, as_of, policy)
        racy = time.time_ns() - newest < RACY_NS
    except OSError:
        sig = None
        stats = []
    if sig is not None and dirents:
        cached = _read_list_cache(path, sig)
        if cached is not None:
            return ListView(as_of, *cached), _stray_problems(folder, stray)
    keys = {d.name: _stat_key(st) for d, st in zip(dirents, stats)}
    entries, problems = _load_scanned(folder, dirents, stray, keys=keys)
    data = list_data(entries, as_of, policy)
    encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(v, ensure_ascii=False), one encoder for all
    texts = [encode(v) for v in data["villages"]]
    row_keys = [(v["township"], v["status"], v["overdue"]) for v in data["villages"]]
    if sig is not None and dirents and not racy and all(p.code == "stray-file" for p in problems):
        _save_list_cache(path, sig, texts, row_keys)
    return ListView(as_of, texts, row_keys), problems


def _name(d: os.DirEntry) -> str:
    return d.name


def _read_list_cache(path: Path, sig: str) -> tuple[list[str], list[str]] | None:
    """The cached rows (JSON texts, and their filter lines) when the cache was written for `sig` and reads
    whole; None otherwise."""
    try:
        text = path.read_bytes().decode("utf-8")  # not read_text: no newline translation, the lines as written
    except (OSError, ValueError):
        return None
    lines = text.split("\n")
    head = lines[0].split(" ")
    if len(head) != 4 or head[:3] != ["lax-list", str(_LIST_CACHE_VERSION), sig] or not head[3].isdigit():
        return None
    n = int(head[3])
    if len(lines) != 2 * n + 2 or lines[-1] != "":
        return None  # cut short (or lengthened) since it was written
    keys = lines[1 : n + 1]
    for line in keys:
        fields = line.split(_US)
        if len(fields) != 3 or fields[2] not in ("0", "1"):
            return None
    return lines[n + 1 : 2 * n + 1], keys


def _save_list_cache(path: Path, sig: str, texts: Sequence[str], keys: Sequence[tuple[str, str, bool]]) -> None:
    from lax.files import write_text

    if any("\n" in town or _US in town for town, _st, _late in keys) or any("\n" in t for t in texts):
        return  # cannot happen for a ledger without problems; such rows are simply not cached
    text = "".join(
        [f"lax-list {_LIST_CACHE_VERSION} {sig} {len(texts)}\n"]
        + [f"{town}{_US}{st}{_US}{1 if late else 0}\n" for town, st, late in keys]
        + [t + "\n" for t in texts]
    )
    try:
        cache_folder(path.parent.parent)
        write_text(path, text, ".txt")
        stale = path.parent / "list.json"  # the cache's name before version 2
        if stale.exists():
            stale.unlink()
    except (OSError, UnicodeError):
        pass  # a read-only ledger still lists; it is just not faster next time


def log_data(
    folder: Path,
    entries: Sequence[Entry],
    since: dt.date | None = None,
    village: Entry | None = None,
    by: str | None = None,
    work: Sequence[Any] = (),
) -> tuple[list[dict], list[Problem]]:
    """`lax ledger log` as data: every event of the ledger (village and township files, and the work records
    `work` of `_work/`, as `lax.ledger.work.load_work` reads them) in the order it was recorded, and the
    problems of township files that could not be read.

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
        # a work record is one more recorded thing: as an event of type `work` of its township (None: the county)
        for w in work:
            data: dict[str, Any] = {"level": w.level, "kind": w.kind, "text": w.text}
            data.update(
                {k: v for k, v in (("people", w.people), ("villages", w.villages), ("funds", w.funds)) if v is not None}
            )
            if w.recorded is not None:
                data["recorded"] = w.recorded
            sources.append((w.path, w.township, None, None, [Event(w.date, "work", data, w.line)]))
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
