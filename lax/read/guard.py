"""The watched reader: a crash inside the spreadsheet library becomes one problem, not a dead command.

python-calamine builds each sheet as one dense block of rows × columns before lax sees a cell. A 6 KB
xlsx with one cell at A1 and one at XFD1048576 asks for 17 billion cells; a 1 KB .ods that repeats one
cell 99 million times asks for gigabytes. Rust does not report a failed allocation, it aborts the process
(exit 134), and nothing in-process can catch that. Predicting it would mean unpacking and scanning every
sheet's XML before calamine unpacks and parses it again — about a fifth of a large check (measured), and
only as good as our copy of calamine's rules for where a cell lands.

So the commands that read spreadsheets run their work in a forked child process that the parent only
watches (POSIX; elsewhere the work runs in-process, unwatched):

- before each native read the child writes to a pipe which file and sheet it is about to read, and when
  it is done (`watch`);
- if the child dies by a signal in the middle of a read, the parent runs the work again in a fresh child,
  which reports that sheet as unreadable (`crashed`) instead of reading it; every other file and sheet is
  read as usual. No command writes output or touches the ledger before it has read all its input, so the
  run that died left nothing behind;
- the child's address space is limited (`LAX_MEMORY_LIMIT`, default 4 GiB), so a block that is merely
  huge fails at once instead of filling the machine's memory and swap first.

A death outside a read (the operating system killing lax for some other reason) is reported as such.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from lax.i18n import _
from lax.problems import LaxError

DEFAULT_MEMORY_LIMIT = 4 << 30
MINIMUM_MEMORY_LIMIT = 256 << 20
MAXIMUM_MEMORY_LIMIT = 1 << 50  # 1024T; setrlimit takes no more than a C long
# Deaths that mean "this read could not be survived"; an interrupt or a terminate is the user's wish.
_CRASH_SIGNALS = {signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGKILL}

_enabled = False
_debug = False  # --debug / LAX_DEBUG: let the native library's own last words through to stderr
_pipe: int | None = None  # in a watched child: where to say what it is reading
_crashed: dict[tuple[str, str | None], int] = {}  # (file, sheet) -> signal, carried into the next child by fork


def enable() -> None:
    """Let `supervise` fork: called by the `lax` program itself, never by tests that drive the CLI in-process
    (a forked copy of a test runner would write its output into its own copy of the runner's buffers)."""
    global _enabled
    _enabled = hasattr(os, "fork") and hasattr(os, "waitpid")


def set_debug(on: bool) -> None:
    """--debug: keep what a dying native library prints (LAX_DEBUG does the same)."""
    global _debug
    _debug = on


def memory_limit() -> int | None:
    """Bytes of address space a watched child may use, from LAX_MEMORY_LIMIT (`4G`, `1500M`, `0` = none)."""
    raw = os.environ.get("LAX_MEMORY_LIMIT", "").strip()
    if not raw:
        return DEFAULT_MEMORY_LIMIT
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    text = raw.upper().removesuffix("B").removesuffix("I")
    scale = units.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in units else text
    try:
        value = float(number)
        if math.isnan(value):  # float() takes `nan` (and `inf`, refused below as too large): no size
            raise ValueError(number)
    except ValueError:
        raise LaxError(
            _(
                f"LAX_MEMORY_LIMIT: '{raw}' is not a size like 4G, 1500M or 0 (no limit)",
                f"LAX_MEMORY_LIMIT：“{raw}”不是 4G、1500M 或 0（不限制）这样的大小",
            )
        ) from None
    if value < 0:
        raise LaxError(_(f"LAX_MEMORY_LIMIT: '{raw}' is negative", f"LAX_MEMORY_LIMIT：“{raw}”是负数"))
    if value * scale > MAXIMUM_MEMORY_LIMIT:  # inf, 1e30: more than the system can be asked for
        raise LaxError(
            _(
                f"LAX_MEMORY_LIMIT: '{raw}' is too large (at most 1024T, or 0 for no limit)",
                f"LAX_MEMORY_LIMIT：“{raw}”过大（最多 1024T，或 0 表示不限制）",
            )
        )
    limit = int(value * scale)
    if 0 < limit < MINIMUM_MEMORY_LIMIT:  # Python and the libraries alone need about this much address space
        raise LaxError(
            _(
                f"LAX_MEMORY_LIMIT: '{raw}' is too small for lax to start (at least 256M, or 0 for no limit)",
                f"LAX_MEMORY_LIMIT：“{raw}”太小，lax 无法运行（至少 256M，或 0 表示不限制）",
            )
        )
    return limit or None


def supervise() -> int | None:
    """Run the rest of the command in a watched child.

    Returns None in the child (the caller goes on with the work) and the child's exit code in the parent
    (the caller exits with it). Without `enable()`, or without fork, returns None at once: the caller does
    the work in this process."""
    global _pipe
    if not _enabled:
        return None
    limit = memory_limit()  # a bad value is the user's error, said before any work starts
    while True:
        sys.stdout.flush()
        sys.stderr.flush()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: does the work
            os.close(read_end)
            _pipe = write_end
            _limit_memory(limit)
            return None
        os.close(write_end)
        reading, status = _watch_child(pid, read_end)
        if not os.WIFSIGNALED(status):
            return os.waitstatus_to_exitcode(status)
        sig = os.WTERMSIG(status)
        _tidy_terminal()
        if sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            return 128 + sig
        if reading is None or reading in _crashed or sig not in _CRASH_SIGNALS:
            name = _signal_name(sig)
            # Not a read: it may have been writing, and each file it wrote is whole (written aside, then renamed).
            raise LaxError(
                _(
                    f"lax stopped: its work process was killed ({name}) before it finished",
                    f"lax 已停止：工作进程在完成前被终止（{name}）",
                ),
                exit_code=3,
            )
        _crashed[reading] = sig  # and go round again: the next child skips this sheet


def _watch_child(pid: int, read_end: int) -> tuple[tuple[str, str | None] | None, int]:
    """Follow the child's messages until it ends; return (the read it was in when it ended, wait status)."""
    previous = {}
    for name in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        # Ctrl-C reaches the child too (same process group) and it stops cleanly; a terminate sent to
        # the parent alone is passed on, so the child is never left running on its own.
        previous[name] = signal.signal(name, signal.SIG_IGN if name == signal.SIGINT else _forward(pid))
    reading: tuple[str, str | None] | None = None
    pending = b""
    try:
        while True:
            try:
                chunk = os.read(read_end, 65536)
            except InterruptedError:  # pragma: no cover - retried by Python itself since PEP 475
                continue
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line == b"done":
                    reading = None
                elif line:
                    file, sheet = json.loads(line)
                    reading = (file, sheet)
        os.close(read_end)
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                return reading, status
            except ChildProcessError:  # pragma: no cover - someone else reaped it
                return reading, 0
            except InterruptedError:  # pragma: no cover
                continue
    finally:
        for name, handler in previous.items():
            signal.signal(name, handler)


def _tidy_terminal() -> None:
    """After a child died mid-way: clear its half-drawn progress line and show the cursor the progress bar
    had hidden, so the user's terminal is as it was."""
    try:
        if sys.stderr.isatty():
            sys.stderr.write("\r\x1b[2K\x1b[?25h")
            sys.stderr.flush()
    except (OSError, ValueError):  # pragma: no cover - a closed or odd stderr
        pass


def _forward(pid: int):
    def handler(signum: int, _frame: object) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:  # pragma: no cover - it has just ended
            pass

    return handler


def _limit_memory(limit: int | None) -> None:
    if limit is None:
        return
    try:
        import resource
    except ImportError:  # pragma: no cover - POSIX without the module
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or limit < soft:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _current_limit() -> int | None:
    try:
        import resource
    except ImportError:  # pragma: no cover
        return None
    soft = resource.getrlimit(resource.RLIMIT_AS)[0]
    return None if soft == resource.RLIM_INFINITY else soft


def _size(n: int) -> str:
    return f"{n / (1 << 30):.3g} GiB" if n >= 1 << 30 else f"{n / (1 << 20):.0f} MiB"


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:  # pragma: no cover
        return f"signal {sig}"


def crashed(file: str, sheet: str | None) -> bool:
    """Whether reading this sheet (None: opening the workbook) killed an earlier child of this run."""
    return (file, sheet) in _crashed


def crash_reason(sheet: str | None) -> str:
    """The one-line reason given for a sheet (or workbook) whose reading killed the process."""
    limit = _current_limit()
    limit_text = _(f"limit {_size(limit)}", f"上限 {_size(limit)}") if limit else _("no limit set", "未设上限")
    what = _(f"sheet '{sheet}'", f"工作表“{sheet}”") if sheet is not None else _("the workbook", "工作簿")
    return _(
        f"{what} could not be read: the spreadsheet reader ran out of memory ({limit_text}); "
        "its cells span millions of empty rows or columns, or repeat one cell millions of times",
        f"{what}无法读取：表格读取程序内存不足（{limit_text}）；"
        "其单元格跨越数百万空行或空列，或将一个单元格重复了数百万次",
    )


@contextmanager
def watch(file: str, sheet: str | None) -> Iterator[None]:
    """Around a native read: tell the watching parent which file and sheet this is (no-op unwatched)."""
    if _pipe is None:
        yield
        return
    os.write(_pipe, json.dumps([file, sheet], ensure_ascii=True).encode() + b"\n")
    try:
        yield
    finally:
        os.write(_pipe, b"done\n")


@contextmanager
def native() -> Iterator[None]:
    """Around the one native call that may die: in a watched child, its stderr goes nowhere meanwhile, so a
    dying Rust library's "memory allocation of 549755813888 bytes failed" does not reach the user beside
    lax's own one-line problem (with --debug or LAX_DEBUG it does)."""
    if _pipe is None or _debug or os.environ.get("LAX_DEBUG"):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
