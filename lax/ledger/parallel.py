"""The second core for a cold read of a large ledger: a share of the files worked on in a forked process.

Reading, parsing and checking the 10,000 files of a county's ledger with no cache is about a second of one
core's work, each file on its own; on a machine with a second core a forked copy of lax does a share of
them while this process does the rest (`lax.ledger.store._load_scanned`). The worker sends back plain data
(lists, dicts, text, numbers, through a pipe in `marshal`'s format: a third faster both ways than pickle's,
and it builds nothing but such values) and nothing else: it never writes to the terminal
(its stdout and stderr go to /dev/null before anything runs, so not even the parent's unflushed buffers are
written twice) nor to the ledger, and it always ends by `os._exit`, so no handler, `finally` or `atexit` of
the parent runs in it. What the worker sends back is only what cannot differ from this process's own
reading (see `store._clean_item`): every file with a problem is read again here, so every message is made
here, in the language in force.

Whenever the worker cannot be had or fails (no `os.fork`: Windows; one CPU; other threads running, which a
fork would copy in whatever state their locks are; the worker killed or its answer cut short), `start`
or `Share.results` gives None and the caller reads those files itself: the same result, only slower.
Ctrl-C reaches both processes (one process group); the worker ends at once, and `Share.close` (in the
caller's `finally`) kills and reaps it in any case, so no process is left behind.
"""

from __future__ import annotations

import marshal
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

# Below this many files to parse, a process is not worth its few milliseconds: with the worker, this
# process's CPU for reading 500, 1,000, 2,000 and 10,000 files fell from 0.074, 0.137, 0.288 and 1.43 s to
# 0.056, 0.100, 0.214 and 1.05 s (docs/dev/benchmarks.md): 18 ms for 500 files, 37 ms for 1,000.
THRESHOLD = 1000
# The worker's share of the files to parse: each side reads, checks and encodes its files for the entry
# cache, so half each; measured, the worker's answers are ready when this process reaches them.
SHARE = 0.5


def fork_available() -> bool:
    """True where a forked worker can be used: Linux, more than one CPU for this process, and no other
    thread running (a fork copies a thread's locks, held or not, without the thread). Not macOS: its system
    libraries are not safe to use in a forked child, and CPython itself no longer forks there by default."""
    if not sys.platform.startswith("linux"):
        return False
    if not (hasattr(os, "fork") and hasattr(os, "waitpid") and hasattr(signal, "pthread_sigmask")):
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if cpus < 2:
        return False
    threading = sys.modules.get("threading")
    return (threading is None or threading.active_count() == 1) and free_core(cpus)


def free_core(cpus: int) -> bool:
    """True unless every other CPU is running something right now (Linux: the running count of
    /proc/loadavg, this process included). A worker then only takes turns with this process on one core,
    and the hand-over is pure cost: over 10,000 files with one of two cores busy, 1.55-1.65 s with the
    worker against 1.23-1.29 s without (docs/dev/benchmarks.md). Elsewhere, or unreadable: True."""
    try:
        with open("/proc/loadavg", "rb") as f:
            running = int(f.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return True
    return running < cpus  # this process and fewer others than the other CPUs


class Share:
    """A worker at work on its share of the items; `results` waits for its answers, `close` ends it."""

    def __init__(self, pid: int, fd: int, count: int):
        self.pid: int | None = pid
        self.fd: int | None = fd
        self.count = count
        self._results: list | None = None
        self._done = False

    def results(self) -> list | None:
        """The worker's answer for each item, in order; None when it failed in any way."""
        if self._done:
            return self._results
        self._done = True
        try:
            chunks = []
            while True:
                chunk = os.read(self.fd, 1 << 20)  # type: ignore[arg-type]
                if not chunk:
                    break
                chunks.append(chunk)
            status = self._reap()
            data = b"".join(chunks)
            if status != 0 or not data:
                return None
            results = marshal.loads(data)
            if type(results) is list and len(results) == self.count:
                self._results = results
        except (OSError, EOFError, ValueError, TypeError, MemoryError):
            self._results = None
        finally:
            self.close()
        return self._results

    def _reap(self) -> int | None:
        if self.pid is None:
            return None
        try:
            _pid, status = os.waitpid(self.pid, 0)
        except ChildProcessError:  # pragma: no cover - reaped by someone else
            status = -1
        self.pid = None
        return os.waitstatus_to_exitcode(status) if status >= 0 else None

    def close(self) -> None:
        """End the worker if it is still running (an error or Ctrl-C in this process) and release its pipe."""
        if self.fd is not None:
            try:
                os.close(self.fd)
            except OSError:  # pragma: no cover
                pass
            self.fd = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:  # pragma: no cover - it has just ended
                pass
            self._reap()


def start(work: Callable[[Any], Any], items: Sequence[Any]) -> Share | None:
    """Run `work` on each of `items` in a forked worker, or None when no worker can be had (see the module)."""
    if not items or not fork_available():
        return None
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    # Ctrl-C held back over the fork, so the worker is inside its `try` before it can see one (a
    # KeyboardInterrupt raised in it anywhere else would run the parent's code in the worker)
    stop = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stop)
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the worker
        code = 1
        try:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, stop)
            os.close(read_end)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            data = marshal.dumps([work(item) for item in items])  # ValueError for any other value: no answer
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view) :]
            code = 0
        except BaseException:  # noqa: BLE001 - anything at all (Ctrl-C too): the parent reads the files itself
            code = 1
        finally:
            os._exit(code)
    share = Share(pid, read_end, len(items))
    os.close(write_end)
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stop)  # a Ctrl-C held back is raised here
    except BaseException:
        share.close()
        raise
    return share
