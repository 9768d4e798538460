"""Reading the ledger folder: every village file (`load_entries`), the township files (`load_townships`),
`verify`, and the cache that makes a listing of 10,000 villages fast.

The cache in `.cache/` holds the checked entries of unchanged, problem-free files, keyed by each file's
inode, size and timestamps, so a hand edit is always noticed. Before reading, a record a killed writer left
half-done is finished (`lax.ledger.transaction._settle`), so a reader sees whole records only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from array import array
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lax.criteria import Policy
from lax.files import write_text
from lax.i18n import _
from lax.ledger import parallel
from lax.ledger.fileformat import Entry, _read_text, _Unreadable, parse_text
from lax.ledger.names import (
    CACHE_DIR,
    JOURNAL_NAME,
    LEDGER_FILE,
    TMP_PREFIX,
    TOWNSHIPS_DIR,
    _inside,
    safe_part,
    township_file_name,
)
from lax.ledger.transaction import _settle
from lax.ledger.validate import (
    UNTRUSTED,
    _entry_from,
    _is_date,
    _more_problems,
    _typed,
    _unreadable_problem,
    problem_text,
)
from lax.lifecycle import Event
from lax.problems import LaxError, Problem

# A file changed within the last two seconds could change again within the same timestamp tick without its
# stat changing (git's "racy" case): nothing computed from it is kept by any of the ledger's caches.
RACY_NS = 2_000_000_000


def _village_paths(folder: Path) -> list[os.DirEntry]:
    return _scan(folder)[0]


def _scan(folder: Path) -> tuple[list[os.DirEntry], list[str]]:
    """The ledger files of a folder (`*.yaml`), and the names of its other files, which lax does not read
    (`邓埠镇-宋三村.yml`, `.YAML`, `notes.txt`); hidden files (`.lock`, `.gitignore`) and folders are neither."""
    files: list[os.DirEntry] = []
    stray: list[str] = []
    # `_ledger.yaml` in the ledger folder is the ledger's first quarter (`lax.ledger.start`), not a village
    # (a village file's name always has a `-`); in `_townships/` it would be a township's
    settings = LEDGER_FILE if Path(folder).name != TOWNSHIPS_DIR else None
    try:
        with os.scandir(folder) as it:
            for d in it:
                if d.name.startswith(".") or d.name == settings:
                    continue
                if d.name.endswith(".yaml"):
                    if d.is_file():
                        files.append(d)
                elif d.is_file():
                    stray.append(d.name)
        return files, sorted(stray)
    except FileNotFoundError:
        return [], []
    except NotADirectoryError:
        raise LaxError(
            _(f"ledger folder {folder} is a file, not a folder", f"台账文件夹 {folder} 是文件而不是文件夹")
        ) from None
    except OSError as e:
        raise LaxError(
            _(f"cannot read the ledger folder {folder}: {e.strerror}", f"无法读取台账文件夹 {folder}：{e.strerror}")
        ) from None


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _plain_json(value: Any) -> bool:
    """True when JSON holds `value` exactly (no dates, tuples, non-text keys or NaN inside)."""
    t = type(value)  # the exact types first: a cold list asks this of every value of 10,000 files
    if t is str or t is int or t is bool or value is None:
        return True
    if t is list:
        return all(map(_plain_json, value))
    if t is dict:
        return all(isinstance(k, str) for k in value) and all(map(_plain_json, value.values()))
    if isinstance(value, str) or isinstance(value, (bool, int)):
        return True
    if isinstance(value, float):
        return value == value
    if isinstance(value, list):
        return all(_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_json(v) for k, v in value.items())
    return False


def _raw_events(events: Sequence[Event], criteria_lines: Sequence[int], plain: bool) -> list[list] | None:
    """An entry's events in the entry cache's form (see `_Cache`), or None when a value is not JSON's."""
    raw_events: list[list] = []
    if plain:
        date = dt.date
        for e, criteria_line in zip(events, criteria_lines):
            data = e.data
            date_keys = [k for k, v in data.items() if type(v) is date]
            if date_keys:
                data = {k: v.isoformat() if type(v) is date else v for k, v in data.items()}
            raw_events.append([e.date.isoformat(), e.type, e.line, data, date_keys, criteria_line])
        return raw_events
    for e, criteria_line in zip(events, criteria_lines):
        data = {}
        date_keys = []
        for k, v in e.data.items():
            t = type(v)
            if t is str or t is int or t is bool:
                data[k] = v
            elif _is_date(v):
                data[k] = v.isoformat()
                date_keys.append(k)
            elif _plain_json(v):
                data[k] = v
            else:
                return None
        raw_events.append([e.date.isoformat(), e.type, e.line, data, date_keys, criteria_line])
    return raw_events


def _entry_of(item: list, path: Path) -> tuple[Entry, list[int]] | None:
    """The entry (and each event's line of `criteria`) of an item in the entry cache's form, or None when the
    item is not one (a cache file edited or damaged)."""
    try:
        _key, township, village, code, raw_events = item
        events = []
        lines = []
        fromiso = dt.date.fromisoformat
        for day, etype, line, data, date_keys, criteria_line in raw_events:
            if type(data) is not dict:
                return None
            if date_keys:  # a copy: the cache's own stays JSON (it is saved after this reading)
                data = dict(data)
                for k in date_keys:
                    data[k] = fromiso(data[k])
            events.append(Event(fromiso(day), etype, data, line))
            lines.append(criteria_line)
        if not (isinstance(township, str) and isinstance(village, str) and (code is None or isinstance(code, str))):
            return None
        return Entry(path, township, village, code, tuple(events)), lines
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


def hash_files(h: Any, names: Sequence[str], stats: Sequence[os.stat_result]) -> int:
    """Feed files' names and stat keys (inode, size, modification and change time) into the hash `h`, as the
    ledger's caches key what they keep; the newest time among them is returned, for `RACY_NS`. The numbers
    go in as one array of 64-bit integers (a third of the time of formatting them)."""
    h.update("\0".join(names).encode("utf-8", "surrogateescape"))
    try:
        numbers = array("q")
        for st in stats:
            numbers.extend((st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
        h.update(numbers.tobytes())
    except OverflowError:  # an inode number above 2**63 (some network file systems): the same numbers as text
        h.update(repr([(st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns) for st in stats]).encode())
    return max((max(st.st_mtime_ns, st.st_ctime_ns) for st in stats), default=0)


def cache_folder(folder: Path) -> Path:
    """The ledger's `.cache/` folder, made if missing with a `.gitignore` that keeps it out of git (the entry
    cache, the list's rows and a report's figures are all kept there); raises `OSError`."""
    path = Path(folder) / CACHE_DIR
    path.mkdir(exist_ok=True)
    ignore = path / ".gitignore"
    if not ignore.exists():
        write_text(ignore, "# lax's cache of parsed ledger files; safe to delete\n*\n")
    return path


class _Cache:
    """Checked entries of unchanged, problem-free files, in `.cache/ledger.json`.

    JSON, so nothing in it can run code; each file is keyed by inode, size, mtime and ctime, so any edit
    (by lax or by hand) makes lax read the file again. Per event it keeps [date, type, line, data,
    date-valued keys of data, line of `criteria`]; an event whose data holds dates deeper down is not
    cached (its file is simply parsed each time).
    """

    VERSION = 4  # 4: files with duplicate keys or control characters are no longer entries (never cached)

    def __init__(self, folder: Path):
        self.path = folder / CACHE_DIR / "ledger.json"
        self.files: dict[str, list] = {}
        # an item's JSON text around its key (`"NAME":[` and `"TOWNSHIP",...]`, `_item_text`), made as the item
        # is kept (by the worker that read the file, on the other core, or by `put`, while the worker works),
        # so `save` encodes only the items read from the cache file
        self.texts: dict[str, tuple[str, str]] = {}
        self.dirty = False
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            if isinstance(raw, dict) and raw.get("version") == self.VERSION and isinstance(raw.get("files"), dict):
                self.files = raw["files"]
        except (OSError, ValueError, TypeError, RecursionError):
            self.files = {}

    def get(self, name: str, key: list[int], path: Path) -> tuple[Entry, list[int]] | None:
        item = self.files.get(name)
        if not isinstance(item, list) or len(item) != 5 or item[0] != key:
            return None
        return _entry_of(item, path)

    def put(self, name: str, key: list[int], entry: Entry, criteria_lines: Sequence[int], plain: bool = False) -> None:
        """Keep a checked entry; `plain` when its values are JSON's own types but for dates directly under
        a key (`_Parsed.json_plain`), so only those are looked for."""
        if self._racy(key):
            return
        raw_events = _raw_events(entry.events, criteria_lines, plain)
        if raw_events is not None:
            rest = [entry.township, entry.village, entry.code, raw_events]
            self.files[name] = [key, *rest]
            # encoded now, while a worker may be reading other files, rather than all at once when saving
            text = _item_text(name, rest)
            if text is not None:
                self.texts[name] = text
            else:
                self.texts.pop(name, None)
            self.dirty = True

    def put_item(self, name: str, item: list, text: tuple[str, str] | None = None) -> None:
        """Keep an entry already in the cache's form (`_clean_item`, with its key first); `text`: its JSON
        text around the key (`_item_text`)."""
        if not self._racy(item[0]):
            self.files[name] = item
            if text is not None:
                self.texts[name] = text
            else:
                self.texts.pop(name, None)
            self.dirty = True

    @staticmethod
    def _racy(key: list[int]) -> bool:
        # such a file is parsed again next time instead (RACY_NS)
        return time.time_ns() - key[2] < RACY_NS

    def keep_only(self, names: set[str]) -> None:
        gone = [n for n in self.files if n not in names]
        for n in gone:
            del self.files[n]
            self.texts.pop(n, None)
        self.dirty = self.dirty or bool(gone)

    def _text(self) -> str:
        """The cache file's JSON text: the items encoded as they were kept, and the others (read from the cache
        file) in one encoding (the same JSON value as one encoding of all)."""
        encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
        if not self.texts:
            return encode({"version": self.VERSION, "files": self.files})
        texts = self.texts
        files = self.files
        rest = {name: item for name, item in files.items() if name not in texts}
        parts = [encode(rest)[1:-1]] if rest else []
        parts += [f"{head}{encode(files[name][0])},{tail}" for name, (head, tail) in texts.items()]
        return f'{{"version":{self.VERSION},"files":{{{",".join(parts)}}}}}'

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            cache_folder(self.path.parent.parent)
            text = self._text()
            write_text(self.path, text, ".json")
        except OSError:
            pass  # a read-only ledger still lists; it is just not faster next time


def load_entries(
    folder: Path, criteria_ids: set[str] | None = None, policy: Policy | None = None, use_cache: bool = True
) -> tuple[list[Entry], list[str]]:
    """Every village of the ledger, and every problem found as `FILE:LINE: message`.

    A file that cannot be read at all, or does not read as what it says (`UNTRUSTED`: a key given twice, an
    amount that is NaN or absurd, a control character), gives no entry; an event with a bad date or an
    unknown type is left out of its entry. With `criteria_ids`, unknown standards are problems; with
    `policy`, so are impossible steps in a history. A file lax does not read (`.yml`, other case) is a
    problem too. A missing folder is an empty ledger.
    """
    entries, problems = load_entries_checked(folder, criteria_ids, policy, use_cache)
    return entries, [problem_text(p) for p in problems]


def load_entries_checked(
    folder: Path, criteria_ids: set[str] | None = None, policy: Policy | None = None, use_cache: bool = True
) -> tuple[list[Entry], list[Problem]]:
    """`load_entries`, with the problems as `Problem`s (code, path, line, message)."""
    folder = Path(folder)
    _settle(folder)
    dirents, stray = _scan(folder)
    return _load_scanned(folder, dirents, stray, criteria_ids, policy, use_cache)


def _load_scanned(
    folder: Path,
    dirents: list[os.DirEntry],
    stray: list[str],
    criteria_ids: set[str] | None = None,
    policy: Policy | None = None,
    use_cache: bool = True,
    keys: dict[str, list[int]] | None = None,
) -> tuple[list[Entry], list[Problem]]:
    """`load_entries_checked` of a folder already settled and scanned; `keys` holds the stat keys the caller
    took of the files before reading (`lax.ledger.views.list_view`), so each file is stat'ed once."""
    cache = _Cache(folder) if use_cache and dirents else None
    entries: list[Entry] = []
    problems: list[Problem] = []
    # `folder / name` parses the name again for every file (a fifth of a warm province report's loading);
    # the child of a folder listed by os.scandir needs no parsing. Pathlib's own helper where it has one.
    child = getattr(folder, "_make_child_relpath", folder.joinpath)
    ordered = sorted(dirents, key=lambda d: d.name)
    if cache is not None and cache.files and len(ordered) >= parallel.THRESHOLD:
        keys = _all_keys(ordered, keys)  # to know which files the cache will not serve, before the loop
    share: parallel.Share | None = None
    results: list | None = None
    try:
        share, given = _start_share(ordered, cache, keys, child)
        for d in ordered:
            path = child(d.name)
            key = None
            if cache is not None:
                key = keys.get(d.name) if keys is not None else None
                if key is None:
                    try:
                        key = _stat_key(d.stat())
                    except OSError:
                        key = None
                hit = cache.get(d.name, key, path) if key is not None else None
                if hit is not None:
                    entry, criteria_lines = hit
                    entries.append(entry)
                    if criteria_ids is not None or policy is not None:
                        more = _more_problems(entry.events, criteria_lines, policy, criteria_ids)
                        problems.extend(_typed(str(path), more))
                    continue
            label = str(path)
            at = given.get(d.name)
            if at is not None and share is not None:
                if results is None:  # the first of the worker's files: its answers, all at once
                    results = share.results() or [None] * share.count
                answer = results[at]
                found = None
                if type(answer) is tuple and len(answer) == 2:
                    item, text = answer
                    found = _entry_of(item, path)
                if found is not None:  # a file without problems, read by the worker as this loop reads it
                    entry, criteria_lines = found
                    entries.append(entry)
                    if cache is not None and key is not None:
                        item[0] = key
                        cache.put_item(d.name, item, text if type(text) is tuple else None)
                    if criteria_ids is not None or policy is not None:
                        problems.extend(
                            _typed(label, _more_problems(entry.events, criteria_lines, policy, criteria_ids))
                        )
                    continue
            try:
                parsed = parse_text(_read_text(path, label))
            except _Unreadable as e:
                problems.append(_unreadable_problem(label, e))
                continue
            c = _entry_from(parsed)
            if c.identity is None:
                problems.extend(_typed(label, c.problems))
                continue
            untrusted = {code for _line, code, _msg in c.problems} & UNTRUSTED
            if untrusted:
                # Every problem is still named (verify lists them all), but no command works on this reading. With a
                # key given twice the events read are not the file's, so their history is not judged.
                more = (
                    []
                    if "duplicate-key" in untrusted
                    else _more_problems(c.events, c.criteria_lines, policy, criteria_ids)
                )
                problems.extend(_typed(label, c.problems + more))
                continue
            entry = Entry(path, c.identity["township"], c.identity["village"], c.identity.get("code"), tuple(c.events))
            entries.append(entry)
            if cache is not None and key is not None and not c.problems and parsed.cacheable:
                cache.put(d.name, key, entry, c.criteria_lines, parsed.json_plain)
            problems.extend(
                _typed(label, c.problems + _more_problems(c.events, c.criteria_lines, policy, criteria_ids))
            )
    finally:
        if share is not None:
            share.close()  # at once after its answers; on an error or Ctrl-C here, the worker is ended
    if cache is not None:
        cache.keep_only({d.name for d in dirents})
        cache.save()
    problems.extend(_duplicates(entries))
    problems.extend(_stray_problems(folder, stray))
    return entries, problems


def _all_keys(ordered: Sequence[os.DirEntry], keys: dict[str, list[int]] | None) -> dict[str, list[int]]:
    """The stat key of every file (those the caller took, and the others now); a file that cannot be stat'ed
    is left out (the loop tries again, and reads it without the cache)."""
    out = dict(keys) if keys is not None else {}
    for d in ordered:
        if d.name not in out:
            try:
                out[d.name] = _stat_key(d.stat())
            except OSError:
                pass
    return out


def _start_share(
    ordered: Sequence[os.DirEntry], cache: _Cache | None, keys: dict[str, list[int]] | None, child: Any
) -> tuple[parallel.Share | None, dict[str, int]]:
    """With many files for the entry cache not to serve (`parallel.THRESHOLD`), the last of them in name order
    (`parallel.SHARE`) handed to a forked worker: (the worker, each of its files' place in its answers)."""
    if len(ordered) < parallel.THRESHOLD:
        return None, {}
    if cache is not None and cache.files:
        files = cache.files
        todo = []
        for d in ordered:
            item = files.get(d.name)
            key = keys.get(d.name) if keys is not None else None
            if not (type(item) is list and len(item) == 5 and key is not None and item[0] == key):
                todo.append(d.name)
    else:
        todo = [d.name for d in ordered]
    if len(todo) < parallel.THRESHOLD:
        return None, {}
    mine = todo[len(todo) - int(len(todo) * parallel.SHARE) :]
    share = parallel.start(_clean_item, [child(name) for name in mine])
    if share is None:
        return None, {}
    return share, {name: i for i, name in enumerate(mine)}


def _clean_item(path: Path) -> tuple[list, tuple[str, str] | None] | None:
    """A file read, parsed and checked as `_load_scanned` does, when that gives an entry with no problem at
    all: in the entry cache's form (its key left None), and as JSON text (`_item_text`). None for any other
    file, which the caller then reads itself, so every problem and message is its own. What
    `lax.ledger.parallel`'s worker does per file."""
    try:
        parsed = parse_text(_read_text(path, ""))
    except _Unreadable:
        return None
    if not parsed.cacheable:
        return None
    c = _entry_from(parsed)
    if c.identity is None or c.problems:
        return None
    raw_events = _raw_events(c.events, c.criteria_lines, parsed.json_plain)
    if raw_events is None:
        return None
    rest = [c.identity["township"], c.identity["village"], c.identity.get("code"), raw_events]
    return [None, *rest], _item_text(path.name, rest)


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def _item_text(name: str, rest: list) -> tuple[str, str] | None:
    """The JSON text of an entry cache item around its key: `"NAME":[` and `"TOWNSHIP","VILLAGE",...]` (how
    `_Cache._text` writes it with the key between); None when it cannot be encoded (a value JSON refuses:
    the item is then encoded on saving, and refused there as ever)."""
    try:
        return f"{_encode(name)}:[", _encode(rest)[1:]
    except (TypeError, ValueError, RecursionError):
        return None


def _stray_problems(folder: Path, names: Sequence[str]) -> list[Problem]:
    """A file in the ledger folder that lax does not read: a village file saved as `.yml` or `.YAML` would be
    left out of every list, and the next `check --record` would open a second history for its village."""
    out = []
    for name in names:
        stem, dot, ext = name.rpartition(".")
        if dot and ext.lower() in ("yaml", "yml"):
            message = _(f"is not read by lax: rename it to {stem}.yaml", f"lax 不会读取该文件：请改名为 {stem}.yaml")
            if (folder / f"{stem}.yaml").exists():
                message = _(
                    f"is not read by lax, and {stem}.yaml is there too: merge the two into {stem}.yaml",
                    f"lax 不会读取该文件，且已有 {stem}.yaml：请将两者合并到 {stem}.yaml",
                )
        else:
            message = _(
                "is not a ledger file (lax reads only *.yaml here): move it out of the ledger folder",
                "不是台账文件（此处 lax 只读取 *.yaml）：请移出台账文件夹",
            )
        out.append(Problem("stray-file", message, str(folder / name), line=1))
    return out


def _duplicates(entries: Sequence[Entry]) -> list[Problem]:
    problems = []
    seen: dict[Any, Entry] = {}
    for e in entries:
        key = ("code", e.code) if e.code else ("names", e.township, e.village)
        first = seen.get(key)
        if first is not None:
            problems.append(
                Problem(
                    "duplicate-village",
                    _(
                        f"the same village as {first.path.name} ({e.label}); merge the two files",
                        f"与 {first.path.name} 是同一个村（{e.label}）；请合并这两个文件",
                    ),
                    str(e.path),
                    line=1,
                )
            )
        else:
            seen[key] = e
    return problems


def load_townships(folder: Path) -> dict[str, tuple[Event, ...]]:
    """Township -> its events (quarterly submissions), from `_townships/`."""
    result, _problems = load_townships_checked(folder)
    return result


def load_townships_checked(folder: Path) -> tuple[dict[str, tuple[Event, ...]], list[str]]:
    result, problems = _load_townships(folder)
    return result, [problem_text(p) for p in problems]


def _load_townships(folder: Path) -> tuple[dict[str, tuple[Event, ...]], list[Problem]]:
    result: dict[str, tuple[Event, ...]] = {}
    files, problems = _township_files(folder)
    for _path, name, events in files:
        result[name] = result.get(name, ()) + events
    return result, problems


def _township_files(folder: Path) -> tuple[list[tuple[Path, str, tuple[Event, ...]]], list[Problem]]:
    """Each township file that reads as what it says (path, township, events), and every problem: the one
    walk over `_townships/` for reports, `verify`, `ledger log` and the export's events sheet."""
    _settle(Path(folder))
    tdir = Path(folder) / TOWNSHIPS_DIR
    out: list[tuple[Path, str, tuple[Event, ...]]] = []
    problems: list[Problem] = []
    dirents, stray = _scan(tdir)
    for d in sorted(dirents, key=lambda d: d.name):
        path = tdir / d.name
        label = str(path)
        try:
            parsed = parse_text(_read_text(path, label))
        except _Unreadable as e:
            problems.append(_unreadable_problem(label, e))
            continue
        c = _entry_from(parsed, kind="township")
        problems.extend(_typed(label, c.problems))
        if c.identity is not None and not any(code in UNTRUSTED for _line, code, _msg in c.problems):
            out.append((path, c.identity["township"], tuple(c.events)))
    problems.extend(_stray_problems(tdir, stray))
    return out, problems


def verify(folder: Path, policy: Policy, criteria_ids: set[str]) -> tuple[int, list[str]]:
    """(files checked, every problem as `FILE:LINE: message`) for `lax ledger verify`."""
    files, problems = verify_checked(folder, policy, criteria_ids)
    return files, [problem_text(p) for p in problems]


def verify_checked(
    folder: Path, policy: Policy, criteria_ids: set[str], fields: Mapping[str, Any] | None = None
) -> tuple[int, list[Problem]]:
    """(files checked, every problem as a `Problem` with its code) for `lax ledger verify`; with `fields` (the
    criteria's fields by id), each village profile is checked against them too."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LaxError(_(f"no ledger folder at {folder}", f"找不到台账文件夹 {folder}"))
    entries, problems = load_entries_checked(folder, criteria_ids, policy, use_cache=False)
    if fields is not None:
        from lax.ledger.validate import profile_field_problems

        problems += profile_field_problems(entries, fields)
    _towns, tproblems = _load_townships(folder)
    files = len(_village_paths(folder)) + len(_village_paths(folder / TOWNSHIPS_DIR))
    from lax.ledger.work import verify_work  # here: lax.ledger.work reads through this module

    work_files, work_problems = verify_work(folder)
    files += work_files
    tproblems = tproblems + work_problems
    from lax.ledger.start import start_path, start_problems

    problems += start_problems(folder)  # `_ledger.yaml`, the ledger's first quarter
    files += start_path(folder).is_file()
    for name in sorted(os.listdir(folder)):
        if name.startswith(TMP_PREFIX):
            problems.append(
                Problem(
                    "leftover-temp-file",
                    _("left over from an interrupted write; safe to delete", "中断写入留下的临时文件，可以删除"),
                    str(folder / name),
                    line=1,
                )
            )
        elif name == JOURNAL_NAME:  # only when this process could not take the lock to finish it
            problems.append(
                Problem(
                    "interrupted-record",
                    _(
                        "an interrupted record; the next lax command that can write to the ledger finishes it",
                        "中断的记录；下一次能写入台账的 lax 命令会完成它",
                    ),
                    str(folder / name),
                    line=1,
                )
            )
    return files, problems + tproblems


def _refuse_if_unreadable(entries: Sequence[Entry], problems: Sequence[Problem | str], folder: Path) -> None:
    """Before adding a new village file: a file lax cannot read might be that village, and a second file for
    it would split its history; so every village file must be readable first. A village file saved as
    `.yml` or `.YAML` is not read at all, so its village would look new: refused the same way.
    `problems` are those `load_entries_checked` gave (`load_entries`' text lines are still taken)."""
    known = {e.path.name for e in entries}
    files, stray = _scan(folder)
    lines = [p if isinstance(p, str) else problem_text(p) for p in problems]
    first = next(
        (
            next((p for p in lines if p.startswith(str(folder / d.name) + ":")), str(folder / d.name))
            for d in files
            if d.name not in known
        ),
        None,
    )
    if first is None:
        copies = [n for n in stray if n.rpartition(".")[2].lower() in ("yaml", "yml")]
        first = problem_text(_stray_problems(folder, copies[:1])[0]) if copies else None
    if first is not None:
        raise LaxError(
            _(
                f"{first} (every village file must be readable before a new village is added; "
                f"lax ledger verify lists the problems)",
                f"{first}（新增村之前所有村文件都必须可读；lax ledger verify 会列出问题）",
            )
        )


def township_file(folder: Path, township: str) -> Path:
    """The file of a township's own records in `_townships/`: `township_file_name`, or the file an earlier
    lax named it by (`safe_part`, which could give two townships one name) when that file holds this
    township, so an existing ledger keeps its township files."""
    tdir = Path(folder) / TOWNSHIPS_DIR
    path = _inside(tdir, tdir / township_file_name(township))
    if path.exists():
        return path
    legacy = tdir / (safe_part(township, 100) + ".yaml")
    if legacy != path and _exists(legacy) and _township_of(legacy) in (township, None):
        return _inside(tdir, legacy)  # an unreadable one too: recording then names its problem instead of splitting
    return path


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # e.g. a name too long for the file system, as the earlier names of long townships were
        return False


def _township_of(path: Path) -> str | None:
    """The township a township file holds, or None when it cannot be read."""
    try:
        c = _entry_from(parse_text(_read_text(path, str(path))), kind="township")
    except _Unreadable:
        return None
    return c.identity["township"] if c.identity else None


def township_files_read(folder: Path) -> tuple[list[tuple[Path, str, tuple[Event, ...]]], list[str]]:
    """Each township file that reads as what it says, with its path, township and events (for `ledger log`
    and the export's events sheet), and the problems as `FILE:LINE: message`."""
    files, problems = _township_files(folder)
    return files, [problem_text(p) for p in problems]
