"""Writing the ledger: the lock, and transactions over several files with a journal and recovery.

One lock file (`.lock`) serialises writers; under it a step re-reads what it changes. A step that writes
several files (one `check --record`: village files and township files; an import) is one transaction:
every text is written aside first (`lax.files`: a temporary file in the same folder, synced), a journal
(`.journal`) then decides the record, and the renames follow; the next command that takes the lock
finishes a journal a killed writer left, so a record lands whole or not at all. One file needs no journal:
its rename alone is atomic.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from lax.files import lock, replace, sync_folder, unlink_quietly, write_temp, write_text
from lax.i18n import _
from lax.ledger.names import JOURNAL_NAME, JOURNAL_SUFFIX, LOCK_NAME, TMP_PREFIX, TOWNSHIPS_DIR
from lax.problems import LaxError, os_reason

_held: set[str] = set()  # ledger folders whose lock this process holds (real paths)


@contextmanager
def locked(folder: Path, timeout: float = 60.0) -> Iterator[None]:
    """Hold the ledger's write lock (one `.lock` file per folder) for a whole read-check-write step."""
    folder = Path(folder)
    held = ExitStack()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        held.enter_context(
            lock(
                folder / LOCK_NAME,
                timeout,
                _("the ledger is locked by another lax process; try again", "台账正被另一个 lax 进程写入，请稍后再试"),
            )
        )
    except OSError as e:
        raise LaxError(
            _(f"cannot use the ledger folder {folder}: {e.strerror}", f"无法使用台账文件夹 {folder}：{e.strerror}")
        ) from None
    with held:
        key = os.path.realpath(folder)
        _held.add(key)
        try:
            _recover(folder)  # a record a killed writer left half-renamed is finished (or undone) first
            _clean_temp_files(folder)
            yield
        finally:
            _held.discard(key)


def _clean_temp_files(folder: Path) -> None:
    # Under the lock no other writer is mid-write, so any temporary file is left from a crash.
    for d in (folder, folder / TOWNSHIPS_DIR):
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for name in names:
            if name.startswith(TMP_PREFIX) and name.endswith((".yaml", JOURNAL_SUFFIX)):
                unlink_quietly(d / name)


def _write_all(folder: Path, files: Sequence[tuple[Path, str]]) -> None:
    """Write several ledger files as one transaction, under the lock: all of them land, or none.

    Every new text goes to a temporary file beside its final name first (written, synced). Then, for more
    than one file, a journal (`.journal` in the ledger folder, itself written aside, synced and renamed
    into place) lists the renames to do with a digest of each text: once it is there the record is
    decided. Then every temporary file is renamed over its final name, the folders are synced, and the
    journal is deleted. A process killed before the journal leaves only temporary files, which the next
    writer deletes (nothing happened); killed after it, the next command that takes the lock finishes the
    renames (`_recover`). One file needs no journal: its rename alone is atomic.
    """
    if not files:
        return
    made: list[Path] = []
    temps: list[tuple[Path, Path]] = []  # (temporary, final)

    def fail(path: Path, e: OSError) -> LaxError:
        return LaxError(_(f"cannot write {path}: {os_reason(e)}", f"无法写入 {path}：{os_reason(e)}"))

    try:
        for path, text in files:
            if not path.parent.is_dir():
                try:
                    path.parent.mkdir(parents=True)
                    made.append(path.parent)
                except FileExistsError:
                    pass
                except OSError as e:
                    raise fail(path, e) from None
            try:
                temps.append((write_temp(path, text, ".yaml"), path))
            except OSError as e:
                raise fail(path, e) from None
        delay = os.environ.get("LAX_TEST_WRITE_DELAY")  # lets the crash tests kill a writer mid-write
        if delay:
            time.sleep(float(delay))
        if len(temps) == 1:
            tmp, path = temps[0]
            try:
                replace(tmp, path)
            except OSError as e:
                raise fail(path, e) from None
            return
        journal = Path(folder) / JOURNAL_NAME
        try:
            _write_journal(Path(folder), [(t, p, _digest(text)) for (t, p), (_p, text) in zip(temps, files)])
        except OSError as e:
            raise fail(journal, e) from None
    except BaseException:
        for tmp, _path in temps:
            unlink_quietly(tmp)
        for d in made:  # a `_townships/` folder made for this record goes with it
            _rmdir_if_empty(d)
        raise
    # The record is decided: from here a failure is finished by the next command that takes the lock.
    try:
        for tmp, path in temps:  # renamed together, then each folder synced once (not per file, as files.replace)
            os.replace(tmp, path)
        for d in dict.fromkeys(p.parent for _t, p in temps):
            sync_folder(d)
        journal.unlink()
        sync_folder(Path(folder))
    except OSError as e:
        raise LaxError(
            _(
                f"cannot finish writing the ledger {folder}: {os_reason(e)}; the next lax command "
                "on it finishes the record",
                f"无法完成写入台账 {folder}：{os_reason(e)}；下一次对该台账运行 lax 命令时会完成这次记录",
            )
        ) from None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_journal(folder: Path, renames: Sequence[tuple[Path, Path, str]]) -> None:
    """The journal of one transaction, in place only when whole (written aside, synced, renamed)."""
    data = {
        "lax-journal": 1,
        "renames": [[os.path.relpath(t, folder), os.path.relpath(p, folder), h] for t, p, h in renames],
        "end": True,
    }
    write_text(folder / JOURNAL_NAME, json.dumps(data, ensure_ascii=False) + "\n", JOURNAL_SUFFIX)


def _rmdir_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _recover(folder: Path) -> None:
    """Under the lock: finish the transaction a killed writer left (its journal is in place and every
    file is either still its temporary file or already renamed, each with the text the journal names),
    or undo it (a journal that does not hold: delete its temporary files). Then delete the journal."""
    journal = folder / JOURNAL_NAME
    try:
        raw = journal.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError):
        raw = ""
    renames: list[tuple[Path, Path, str]] = []
    whole = False
    try:
        data = json.loads(raw)
        base = os.path.realpath(folder)
        for t, p, h in data["renames"]:
            tmp, path = folder / t, folder / p
            # A journal names lax's own temporary files and ledger files inside its folder, nothing else
            # (a damaged or hand-made one cannot delete or overwrite anything outside).
            if not tmp.name.startswith(TMP_PREFIX) or path.name.startswith(".") or not path.name.endswith(".yaml"):
                raise ValueError(t)
            for q in (tmp, path):
                if os.path.commonpath([base, os.path.realpath(q.parent)]) != base:
                    raise ValueError(q)
            renames.append((tmp, path, str(h)))
        whole = data.get("lax-journal") == 1 and data.get("end") is True and bool(renames)
    except (ValueError, TypeError, KeyError, AttributeError):
        whole = False
    if whole:
        for tmp, path, h in renames:
            if tmp.exists():
                whole = _file_digest(tmp) == h
            else:  # renamed before the writer was killed
                whole = _file_digest(path) == h
            if not whole:
                break
    try:
        if whole:
            for tmp, path, _h in renames:
                if tmp.exists():
                    os.replace(tmp, path)
            for d in dict.fromkeys(p.parent for _t, p, _h in renames):
                sync_folder(d)
        else:
            for tmp, _path, _h in renames:
                unlink_quietly(tmp)
        journal.unlink()
        sync_folder(folder)
    except OSError as e:
        raise LaxError(
            _(
                f"cannot finish the interrupted write in {folder}: {os_reason(e)}",
                f"无法完成 {folder} 中中断的写入：{os_reason(e)}",
            )
        ) from None


def _settle(folder: Path) -> None:
    """Before reading: if a killed writer left a journal, take the lock so it is finished (or undone) and
    the reader sees a whole record. A ledger this process cannot lock (read-only) is read as it is; verify
    names the journal."""
    if not os.path.lexists(Path(folder) / JOURNAL_NAME) or os.path.realpath(folder) in _held:
        return
    try:
        with locked(folder):
            pass
    except LaxError:
        pass
