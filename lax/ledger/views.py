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
from lax.ledger.store import _load_scanned, _scan, _stat_key, _stray_problems, _township_files
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
    """The list's rows before filtering: per village with a round opened by the date, (township, status,
    overdue, the row as its JSON text), in township/village order. `lines` filters; `rows` decodes."""

    def __init__(self, as_of: dt.date, rows: list[list]):
        self.as_of = as_of
        self.all_rows = rows

    def lines(self, status: str | None = None, township: str | None = None, overdue: bool = False) -> list[str]:
        """The JSON text of each village kept by the filters (as `list_data` filters)."""
        return [
            line
            for town, st, late, line in self.all_rows
            if (township is None or town == township) and (status is None or st == status) and (late or not overdue)
        ]

    @staticmethod
    def rows(lines: Sequence[str]) -> list[dict]:
        """The villages as dicts (`list_data`'s "villages"), from their JSON text, in one decode."""
        return json.loads("[" + ",".join(lines) + "]")


_LIST_CACHE_VERSION = 1
_RACY_NS = 2_000_000_000  # as the entry cache: a file changed this recently could change again unseen


def list_view(folder: Path, as_of: dt.date, policy: Policy) -> tuple[ListView, list[Problem]]:
    """`lax ledger list`'s rows on `as_of` (unfiltered) and the ledger's problems, as `load_entries_checked`
    gives them. The rows of a ledger without problems (other than stray files, named again each time) are
    cached, keyed by `as_of`, the policy and every village file's stat signature, taken before reading, so a
    file edited while it is read, or at any time after, never matches."""
    folder = Path(folder)
    _settle(folder)
    dirents, stray = _scan(folder)
    dirents.sort(key=lambda d: d.name)
    path = folder / CACHE_DIR / "list.json"
    sig = None
    racy = False
    keys: dict[str, list[int]] = {}
    try:
        parts = []
        newest = 0
        for d in dirents:
            st = d.stat()
            keys[d.name] = key = _stat_key(st)
            parts.append(f"{d.name}\0{key[0]}\0{key[1]}\0{key[2]}\0{key[3]}")
            newest = max(newest, key[2], key[3])
        # lax's own version too: rows written by another lax (another rule, another format) never match
        parts.append(f"{as_of.isoformat()}\0{policy!r}\0{_LIST_CACHE_VERSION}\0{__version__}")
        sig = hashlib.blake2b("\n".join(parts).encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()
        racy = time.time_ns() - newest < _RACY_NS
    except OSError:
        sig = None
        keys = {}
    if sig is not None and dirents:
        try:
            raw = json.loads(path.read_text("utf-8"))
            if isinstance(raw, dict) and raw.get("sig") == sig and isinstance(raw.get("rows"), list):
                rows = raw["rows"]
                if all(isinstance(r, list) and len(r) == 4 and isinstance(r[3], str) for r in rows):
                    return ListView(as_of, rows), _stray_problems(folder, stray)
        except (OSError, ValueError, TypeError, RecursionError):
            pass
    entries, problems = _load_scanned(folder, dirents, stray, keys=keys)
    data = list_data(entries, as_of, policy)
    encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(v, ensure_ascii=False), one encoder for all
    rows = [[v["township"], v["status"], v["overdue"], encode(v)] for v in data["villages"]]
    if sig is not None and dirents and not racy and all(p.code == "stray-file" for p in problems):
        _save_list_cache(path, {"sig": sig, "rows": rows})
    return ListView(as_of, rows), problems


def _save_list_cache(path: Path, content: dict) -> None:
    from lax.files import write_text

    try:
        path.parent.mkdir(exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            write_text(ignore, "# lax's cache of parsed ledger files; safe to delete\n*\n")
        write_text(path, json.dumps(content, ensure_ascii=False, separators=(",", ":")), ".json")
    except OSError:
        pass  # a read-only ledger still lists; it is just not faster next time


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
