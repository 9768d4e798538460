"""What a ledger folder holds right now, as one digest: every file lax reads there (village files, `_townships/`,
`_work/`, `_ledger.yaml`, and the files lax names as strays), by name, inode, size and timestamps.

A cache of anything computed from the whole ledger (a report's figures: `lax.report.cache`) is keyed by it, so
any edit, by lax or by hand, in any of those files, and any file added, removed or renamed, gives another
digest. The list's own cache (`lax.ledger.views`) keys on the village files alone, as a list reads nothing else.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from lax.ledger.names import JOURNAL_NAME, TOWNSHIPS_DIR
from lax.ledger.store import RACY_NS, hash_files  # the entry cache's rules, for every cache of the ledger
from lax.ledger.transaction import _settle
from lax.ledger.work import WORK_DIR


def folder_stamp(folder: Path) -> tuple[str, bool] | None:
    """(digest, racy) of the ledger folder, after finishing a record a killed writer left half-done; `racy` when
    a file changed within the last two seconds (it could change again within the same timestamp tick without
    its stat changing: nothing computed from it may be kept). None when the folder cannot be listed or a
    record is still half-done (a read-only ledger with a journal is read as it is, and never cached)."""
    folder = Path(folder)
    _settle(folder)
    if os.path.lexists(folder / JOURNAL_NAME):
        return None
    h = hashlib.blake2b(digest_size=20)
    newest = 0
    try:
        for sub in ("", TOWNSHIPS_DIR, WORK_DIR):
            files = []
            try:
                with os.scandir(folder / sub if sub else folder) as it:
                    for d in it:
                        # hidden files (`.lock`, `.cache`, `.git`) are never read by lax; nor are folders
                        # other than these two
                        if d.name.startswith(".") or not d.is_file():
                            continue
                        files.append((d.name, d))
            except FileNotFoundError:
                if not sub:
                    return None
                h.update(f"\0{sub} absent\0".encode())  # a ledger without township or work records yet
                continue
            files.sort()
            h.update(f"\0{sub}\0".encode())
            newest = max(newest, hash_files(h, [name for name, _d in files], [d.stat() for _name, d in files]))
    except OSError:
        return None
    return h.hexdigest(), time.time_ns() - newest < RACY_NS
