"""Writing files safely: the one atomic writer and the one lock every part of lax uses.

A file lax writes lands whole or not at all: the new content goes to a temporary file in the same folder
(`temp_beside`, named `.tmp-…`, with the mode the file has or would get), is synced to disk, renamed over
the file, and the folder is synced so the rename survives a power cut (`replace`). A crash leaves the old
file or the new one, never a torn one; a failure leaves the old file and no temporary file.

- `write_atomic(path, text)`: a text file (ledger files, the cache), one `LaxError` line on failure;
- `write_temp` + `replace`: the two halves, for a transaction that writes several files aside before
  renaming any (`lax.ledger.transaction`);
- `atomic_path(output, keep)`: an output another library writes by path (openpyxl, python-docx), refused
  first if it may not be overwritten (`check_output`);
- `lock(path)`: an exclusive lock on a lock file, held for a whole read-check-write step.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from lax.i18n import _
from lax.problems import LaxError, os_reason

TMP_PREFIX = ".tmp-"  # every temporary file lax makes starts so (the ledger deletes its leftovers under the lock)


# ------------------------------------------------------------------------------------- the writer


def unlink_quietly(path: Path) -> None:
    """Delete `path` if it is there; a failure to (already gone, read-only) is no error."""
    try:
        path.unlink()
    except OSError:
        pass


def _new_file_mode() -> int:
    """The permissions a new file gets from the user's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _mode_for(path: Path) -> int:
    """The permissions `path` has, or a new file would get."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return _new_file_mode()


def temp_beside(path: Path, suffix: str) -> Path:
    """A new empty temporary file in `path`'s folder (so the rename stays on one file system), created with
    the user's umask, unlike mkstemp's 0600."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX, suffix=suffix)
    os.close(fd)
    try:
        os.chmod(tmp, _new_file_mode())
    except BaseException:
        unlink_quietly(Path(tmp))
        raise
    return Path(tmp)


def _sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)  # Windows flushes writable handles only
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Make the renames in a folder durable (not every platform can sync a folder, which is then skipped)."""
    try:
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def write_temp(path: Path, text: str, suffix: str) -> Path:
    """`text` (UTF-8, `\\n` line ends) in a new, synced temporary file beside `path`, with the mode `path`
    has (or would get); raises `OSError`."""
    tmp = temp_beside(path, suffix)
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _mode_for(path))  # after writing: the file may be read-only (0444) by choice
    except BaseException:
        unlink_quietly(tmp)
        raise
    return tmp


def replace(tmp: Path, path: Path) -> None:
    """Rename a synced temporary file over `path` and sync the folder; raises `OSError`."""
    os.replace(tmp, path)
    sync_folder(path.parent)


def write_text(path: Path, text: str, suffix: str = ".tmp") -> None:
    """Replace `path` with `text` atomically; raises `OSError` (the old file kept, no temporary file left)."""
    tmp = write_temp(path, text, suffix)
    try:
        replace(tmp, path)
    except BaseException:
        unlink_quietly(tmp)
        raise


def write_atomic(path: Path, text: str, suffix: str = ".tmp") -> None:
    """Replace `path` with `text` so that a crash leaves the old file or the new one, never a torn one.
    A failure is one `LaxError` line ("cannot write PATH: No space left on device"), the old file kept."""
    try:
        write_text(Path(path), text, suffix)
    except OSError as e:
        raise LaxError(_(f"cannot write {path}: {os_reason(e)}", f"无法写入 {path}：{os_reason(e)}")) from None


# ------------------------------------------------------------------------------------- output files


def check_output(path: str | os.PathLike, keep: Iterable[str | os.PathLike] = ()) -> Path:
    """The file an output given as `path` is written to: `path` itself, or through a symlink the file it
    points to (so the link stays a link). Refused in one `LaxError` line naming `path` (exit 2): a folder,
    a named pipe (FIFO), a device or a socket, which a rename would replace or a write could hang on;
    any file in `keep` (the command's inputs: the same file by device and inode, whatever name or hard
    link it is given by); any place inside a folder in `keep` (the ledger a command reads or records to).
    """
    target = Path(os.path.realpath(os.fspath(path)))  # through every symlink, also one to a folder on the way
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise LaxError(_(f"{path}: cannot write: {os_reason(e)}", f"{path}：无法写入：{os_reason(e)}")) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        mode = st.st_mode
        if stat.S_ISDIR(mode):
            raise LaxError(_(f"{path}: is a folder; give a file name", f"{path}：是文件夹，请给出文件名"))
        what = (
            _("a named pipe (FIFO)", "命名管道（FIFO）")
            if stat.S_ISFIFO(mode)
            else _("a device", "设备文件")
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else _("a socket", "套接字")
            if stat.S_ISSOCK(mode)
            else _("not a regular file", "不是普通文件")
        )
        raise LaxError(
            _(
                f"{path}: is {what}, not a file lax can write an output to; give a file name",
                f"{path}：是{what}，lax 不能把输出写入其中；请给出文件名",
            )
        )
    for k in keep:
        real = os.path.realpath(os.fspath(k))
        try:
            kst: os.stat_result | None = os.stat(real)
        except OSError:
            kst = None  # not there (yet): compared by name
        if (kst is None or stat.S_ISDIR(kst.st_mode)) and str(target).startswith(real + os.sep):
            raise LaxError(
                _(
                    f"{path}: is inside the ledger folder {k}; write the output outside it",
                    f"{path}：位于台账文件夹 {k} 之中；请把输出写到台账文件夹之外",
                )
            )
        same = (
            (kst.st_dev, kst.st_ino) == (st.st_dev, st.st_ino)
            if kst is not None and st is not None
            else kst is None and real == str(target)
        )
        if same:
            raise LaxError(
                _(
                    f"{path}: is an input of this command ({k}); writing the output there would destroy "
                    "it; give another file name",
                    f"{path}：是本命令的输入文件（{k}），写入输出会毁掉它；请换一个文件名",
                )
            )
    return target


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, keep: Iterable[str | os.PathLike] = ()) -> Iterator[Path]:
    """A fresh temporary file beside the output, synced and renamed onto it when the block succeeds.

    Every output file lax writes (`--output`, `lax form`, `ledger export`) goes through here. What it may
    not overwrite is refused first (`check_output`: folders, FIFOs, devices, sockets, the command's own
    inputs given in `keep`, anything inside a ledger folder in `keep`); a symlink is written through to the
    file it points to, atomically in that file's folder. A missing or read-only folder fails at once,
    before any work, with one clear `LaxError`; a failure half-way leaves the old file as it was; the
    reader never sees a half-written workbook.
    """
    target = check_output(path, keep)

    def fail(e: OSError) -> LaxError:
        reason = os_reason(e)
        return LaxError(_(f"{path}: cannot write: {reason}", f"{path}：无法写入：{reason}"))

    try:
        tmp = temp_beside(target, ".tmp")
    except OSError as e:
        raise fail(e) from None
    try:
        yield tmp
        _sync_file(tmp)
        replace(tmp, target)
    except OSError as e:
        raise fail(e) from None
    except Exception as e:
        # lxml, which openpyxl streams sheets through, reports a failed write (a full disk) as its own
        # SerialisationError('IO_ENOSPC'), not as an OSError.
        code = str(e).strip()
        number = getattr(errno, code[3:], None) if type(e).__name__ == "SerialisationError" else None
        if not code.startswith("IO_") or not isinstance(number, int):
            raise
        raise fail(OSError(number, os.strerror(number))) from None
    finally:
        unlink_quietly(tmp)


# ------------------------------------------------------------------------------------- the lock


@contextlib.contextmanager
def lock(path: Path, timeout: float, busy: str) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (created if missing) for the block: one process at a time.

    Waits up to `timeout` seconds for another holder, then raises `LaxError(busy)`. Opening the lock file
    raises `OSError` (the caller names what it is). The lock is the operating system's (`flock`, or
    `msvcrt.locking` on Windows), so a killed holder releases it."""
    fh = open(path, "a+b")
    try:
        _acquire(fh, timeout, busy)
        try:
            yield
        finally:
            _release(fh)
    finally:
        fh.close()


def _acquire(fh: IO[Any], timeout: float, busy: str) -> None:
    deadline = time.monotonic() + timeout
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        while True:
            try:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise LaxError(busy) from None
                time.sleep(0.05)
    while True:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise LaxError(busy) from None
            time.sleep(0.01)


def _release(fh: IO[Any]) -> None:
    try:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    except ImportError:
        import msvcrt

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
