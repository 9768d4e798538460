"""A report's figures kept for an unchanged ledger: `<ledger>/.cache/report-<key>.bin`.

Computing a province's report (50,000 village files) takes seconds; drafting the same report again, in
another format or after reading it through, from a ledger none of whose files changed, reads the figures
(the template context, `lax.report.context.build_context`) back instead, and only renders them.

The key covers everything the context is computed from, so a kept context is only ever the one lax would
compute now:
- every file lax reads in the ledger folder, by name, inode, size and timestamps (`lax.ledger.stamp`): any
  edit, by lax or by hand, changes it; a ledger whose files changed in the last two seconds is not kept;
- the criteria file's bytes; the period (start, end, the date figures are taken as of); the level, the
  township and village as typed, `--org`, `--explain`, the drafting date and the language;
- lax itself: its version, and the size and time of each of its modules, so another lax (or an edited
  checkout) computes afresh.

Only a context computed from a ledger without problems is kept (a report refuses the others), and only for
ledgers of `MIN_VILLAGES` village files or more: below that, computing is quicker than reading back.
The file is marshal data (the context holds only dicts, lists, texts, numbers, True/False and None): it loads
in a third of the time JSON takes and keeps a village shared by several lists stored once. It is read only
from lax's own cache folder, checked to be a context, and never run. The `KEEP` most recently written are
kept; a broken or unreadable file is simply computed again.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lax.ledger.names import CACHE_DIR
from lax.problems import LaxError

MIN_VILLAGES = 1000
KEEP = 3
_PREFIX, _SUFFIX = "report-", ".bin"
_MAGIC = b"lax-report-context 1\n"

_code: str | None = None


def _code_stamp() -> str:
    """lax's version, Python's, and every module and data file of the lax package by size and time."""
    global _code
    if _code is None:
        import lax

        h = hashlib.blake2b(digest_size=20)
        h.update(f"{lax.__version__}\0{sys.version}\0{marshal.version}\0".encode())
        root = Path(lax.__file__).parent
        for top, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".yaml", ".json")):
                    st = os.stat(os.path.join(top, name))
                    h.update(
                        f"{os.path.relpath(os.path.join(top, name), root)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode()
                    )
        _code = h.hexdigest()
    return _code


def report_key(ledger: Path, criteria_file: Path, inputs: Mapping[str, Any]) -> str | None:
    """The key of the report asked for, or None when it cannot be kept: a ledger folder that cannot be
    listed, a record half-done, a file changed in the last two seconds, or a criteria file that cannot be
    read. `inputs`: the period and the options, as plain values (their text is hashed)."""
    from lax.ledger.stamp import folder_stamp

    stamp = folder_stamp(ledger)
    if stamp is None or stamp[1]:
        return None
    try:
        criteria_bytes = Path(criteria_file).read_bytes()
    except OSError:
        return None
    h = hashlib.blake2b(digest_size=20)
    h.update(_code_stamp().encode())
    h.update(stamp[0].encode())
    h.update(hashlib.blake2b(criteria_bytes, digest_size=20).digest())
    h.update(repr(sorted(inputs.items())).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _path(ledger: Path, key: str) -> Path:
    return Path(ledger) / CACHE_DIR / f"{_PREFIX}{key}{_SUFFIX}"


def read_kept(ledger: Path, key: str | None) -> dict[str, Any] | None:
    """The context kept under `key`, or None (none kept, or not readable as one)."""
    if key is None:
        return None
    try:
        data = _path(ledger, key).read_bytes()
    except OSError:
        return None
    if not data.startswith(_MAGIC):
        return None
    try:
        context = marshal.loads(memoryview(data)[len(_MAGIC) :])
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(context, dict) or not isinstance(context.get("villages"), list):
        return None
    return context


def keep(ledger: Path, key: str | None, context: Mapping[str, Any], villages: int) -> Any:
    """Keep `context` under `key` (a ledger of `MIN_VILLAGES` village files or more), and drop all but the
    `KEEP` most recent; a ledger that cannot be written to (read-only) is simply not kept.

    Encoding and writing a province's context takes most of a second, so where a second core is free
    (`lax.ledger.parallel`: Linux) a forked copy of lax writes it while this process renders the report; the
    caller waits for it with `done` before it ends. Elsewhere it is written here and now. Returns what to
    pass to `done`."""
    if key is None or villages < MIN_VILLAGES:
        return None
    from lax.ledger import parallel

    share = parallel.start(lambda _item: _write(ledger, key, context), [None])
    if share is None:
        _write(ledger, key, context)
    return share


def done(share: Any) -> None:
    """Wait for the worker `keep` started (if any) to finish writing; a worker that failed kept nothing."""
    if share is not None:
        share.results()


def _write(ledger: Path, key: str, context: Mapping[str, Any]) -> bool:
    from lax.files import atomic_path
    from lax.ledger.store import cache_folder

    path = _path(ledger, key)
    try:
        data = _MAGIC + marshal.dumps(context)
    except ValueError:  # a value marshal cannot hold: nothing of the kind is in a context, but never fail a report
        return False
    try:
        cache_folder(ledger)
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
        kept = sorted(
            (p for p in path.parent.iterdir() if p.name.startswith(_PREFIX) and p.name.endswith(_SUFFIX)),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
        for old in kept[KEEP:]:
            old.unlink()
    except (OSError, LaxError):  # the cache is an optimisation: a report never fails for it
        return False
    return True
