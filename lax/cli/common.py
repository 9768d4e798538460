"""What every command group of the CLI shares: common options, date parsing, and error handling.

Imported by `lax.cli`, `lax.cli.ledger` and `lax.cli.report`. It imports Typer and nothing heavy, so that
`lax --help` stays fast: spreadsheet, template and report libraries are imported inside the
commands that need them.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import gc
import io
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from lax.i18n import _, set_lang
from lax.problems import LaxError

LangOpt = Annotated[
    str | None,
    typer.Option("--lang", envvar="LAX_LANG", help="Language of everything printed: en or zh.", show_default=False),
]
LedgerOpt = Annotated[
    Path,
    typer.Option("--ledger", envvar="LAX_LEDGER", help="Ledger folder (one YAML file per village).", show_default=True),
]
CriteriaOpt = Annotated[
    Path | None,
    typer.Option(
        "--criteria",
        help="Criteria file (default: ./criteria.yaml if present, else the packaged one).",
        show_default=False,
    ),
]
RecordedByOpt = Annotated[
    str | None,
    typer.Option(
        "--recorded-by",
        help="Who is recording, kept with every event written (default: LAX_USER, else "
        "git's user.name in the ledger folder, else the login name).",
        show_default=False,
    ),
]


def argv_lang(argv: list[str]) -> str | None:
    """The language given on the command line: the last `--lang X` (or `--lang=X`), before the command's
    name (`lax --lang zh ledger show ...`, `lax ledger --lang zh ...`) or after it; None if none."""
    lang = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg[len("--lang=") :]
    return lang


_argv_lang: str | None = None  # this run's `argv_lang`, set by `LaxGroup.main`


class LaxGroup(TyperGroup):
    """The root command group of `lax`. It reads `--lang` wherever it is on the command line (`argv_lang`), so
    that a group's `--lang` is the command's too; asked for Chinese (that, else LAX_LANG), it puts the Chinese
    help of every command and option in place (`lax.cli.help_zh`, on a copy of the command tree) before the
    command line is parsed: `--help` is answered as soon as it is seen, before a `--lang` after it."""

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        global _argv_lang
        _argv_lang = argv_lang([str(a) for a in (sys.argv[1:] if args is None else args)])
        if (_argv_lang or os.environ.get("LAX_LANG") or "").strip().lower() == "zh":
            from lax.cli.help_zh import localise

            return TyperGroup.main(localise(self), args, *rest, **kwargs)
        return super().main(args, *rest, **kwargs)


def parse_date_option(value: str | None, option: str) -> dt.date | None:
    """A command-line date: `2026-09-30`, also `2026/9/30`, `2026.9.30`, `2026年9月30日`."""
    if value is None:
        return None
    from lax.read.values import parse_date

    try:
        return parse_date(value)
    except ValueError:
        raise LaxError(
            _(
                f"{option}: '{value}' is not a valid date (expected YYYY-MM-DD, e.g. 2026-09-30)",
                f"{option}：“{value}”不是有效日期（应为 YYYY-MM-DD，例如 2026-09-30）",
            )
        ) from None


def today() -> dt.date:
    """The date a command acts on when none is given; the only place lax reads the clock."""
    fixed = os.environ.get("LAX_TODAY")  # lets tests and reproducible runs pin "today"
    if fixed:
        try:
            return dt.date.fromisoformat(fixed.strip())
        except ValueError:
            raise LaxError(
                _(
                    f"LAX_TODAY: '{fixed}' is not a date like 2026-09-30",
                    f"LAX_TODAY：“{fixed}”不是 2026-09-30 这样的日期",
                )
            ) from None
    return dt.date.today()


def now() -> dt.datetime:
    """The moment a writing command records its events (with the local UTC offset); `LAX_NOW` pins it."""
    fixed = os.environ.get("LAX_NOW")  # reproducible runs and tests: an ISO timestamp with its offset
    if fixed:
        from lax.ledger.recorder import parse_timestamp

        stamp = parse_timestamp(fixed.strip())
        if stamp is None:
            raise LaxError(
                _(
                    f"LAX_NOW: '{fixed}' is not a timestamp like 2026-09-30T10:15:00+08:00",
                    f"LAX_NOW：“{fixed}”不是 2026-09-30T10:15:00+08:00 这样的时间",
                )
            ) from None
        return stamp
    return dt.datetime.now().astimezone()


def recorded_stamp(given: str | None, ledger: Path) -> dict[str, str]:
    """`recorded: {by, at}` for the events of this command: the name resolved by `lax.ledger.recorder`, the time now."""
    from lax.ledger.recorder import recorded, recorder_name

    return recorded(recorder_name(given, ledger, given_as="--recorded-by"), now())


def err(message: str) -> None:
    """Print one line to stderr (if stderr is gone, as `2>&-` or a closed pipe, the exit code alone speaks)."""
    try:
        sys.stderr.write(message.rstrip("\n") + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the rest of the process


# ------------------------------------------------------------------------------------- standard output


class StdoutError(OSError):
    """A write to standard output failed: the reader closed the pipe (`| head`), the disk it is redirected
    to is full, or stdout was closed (`>&-`). Raised by the `lax` program's own stdout (`install_stdout`),
    so that it is told apart from every other failed write."""


class _StdoutRaw(io.RawIOBase):
    """File descriptor 1 under the `lax` program's `sys.stdout`: its write errors become `StdoutError`; after
    one (`discard`), later writes go nowhere, so Python's own flush at exit has nothing left to complain of."""

    def __init__(self, closed: bool) -> None:
        super().__init__()
        self.gone = closed  # stdout was closed when lax started (fd 1 now holds /dev/null)
        self.discard = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return 1

    def isatty(self) -> bool:
        return not self.gone and os.isatty(1)

    def write(self, b: Any) -> int:
        if self.discard:
            return len(b)
        if self.gone:
            raise StdoutError(errno.EBADF, "standard output is closed")
        try:
            return os.write(1, b)
        except BlockingIOError:
            raise
        except OSError as e:
            raise StdoutError(e.errno, e.strerror) from None


_stdout_raw: _StdoutRaw | None = None


def install_stdout() -> None:
    """For the `lax` program (not a test runner driving `app`): keep file descriptors 0-2 open (a closed one
    is given /dev/null, so no ledger or output file ever gets its number and receives printed text), and
    put `sys.stdout` over `_StdoutRaw`."""
    global _stdout_raw
    closed = set()
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            closed.add(fd)
    if 2 in closed or sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    old = sys.stdout
    _stdout_raw = _StdoutRaw(1 in closed or old is None)
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(_stdout_raw),
        encoding=getattr(old, "encoding", None) or "utf-8",
        errors=getattr(old, "errors", None) or "strict",
        line_buffering=bool(getattr(old, "line_buffering", False)),
    )


def flush_stdout() -> None:
    """Push out what is buffered for stdout (a failure raises, here, while the command can still say so)."""
    if sys.stdout is not None:
        sys.stdout.flush()


# Objects a command leaves to the end of the process (`leave_to_exit`), and whether this process is the `lax`
# program (set by `lax.cli.main`; a test runner driving `app` in-process frees them as usual).
_left: list[object] = []
_program = False


def leave_to_exit(*objects: object) -> None:
    """Hand the command's big results (a province's 50,000 ledger entries and their report context) to the
    end of the process: freeing them one by one takes most of a second, and the process is about to end.
    In the `lax` program `exit_now` then ends it without that; elsewhere (a test driving `app`) nothing is
    kept or frozen."""
    if _program:
        _left.extend(objects)
        # The collector is off while a command runs, so every object it built is still in the youngest
        # generation: the first collection after the command (the collector back on) would walk them all,
        # most of a second for a province. Frozen, they are left out of every collection to the end.
        gc.freeze()


def exit_now(code: int) -> None:
    """End the `lax` program with `code`. With objects left by `leave_to_exit`, flush stdout and stderr and
    end at once (`os._exit`): the output is written and closed, the ledger's cache saved, and lax holds no lock
    or temporary file at this point, so only the freeing is skipped. Otherwise a normal exit."""
    if _left:
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:
                    stream.flush()
        except (OSError, ValueError):
            pass  # a stream that cannot be flushed: the normal exit below says so as usual
        else:
            os._exit(code)
    sys.exit(code)


def _discard_stdout() -> None:
    """After stdout failed: nothing more is written to it, not even by Python's flush at exit."""
    if _stdout_raw is None:
        return
    _stdout_raw.discard = True
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except OSError:  # pragma: no cover
        pass
    try:
        sys.stdout.flush()  # empties the buffer into the void
    except (OSError, ValueError):  # pragma: no cover
        pass


def stdout_failed(e: OSError) -> int:
    """Say in one line that the output could not be written, stop writing it, and give the exit code (2).
    Anything the command recorded before printing is already safe."""
    if e.errno == errno.EPIPE:
        err(
            _(
                "stdout: the output was cut short: the program reading it closed the pipe",
                "标准输出：输出被截断：读取输出的程序已关闭管道",
            )
        )
    elif e.errno == errno.EBADF:
        err(_("stdout: cannot write: standard output is closed", "标准输出：无法写入：标准输出已关闭"))
    else:
        from lax.problems import os_reason

        err(_(f"stdout: cannot write: {os_reason(e)}", f"标准输出：无法写入：{os_reason(e)}"))
    _discard_stdout()
    return 2


_debug = False


def set_debug(on: bool) -> None:
    """`lax --debug ...`: an internal error also prints its traceback (set once per run by the root command)."""
    from lax.read import guard

    global _debug
    _debug = bool(on)
    guard.set_debug(_debug)


def quiet_unraisable(unraisable: Any) -> None:
    """`sys.unraisablehook` for a lax process: an exception Python could only ignore (a spreadsheet library's
    file that failed to close after a full disk had already failed the command, which has said so in one
    line) prints its traceback only with --debug or LAX_DEBUG."""
    if _debug or os.environ.get("LAX_DEBUG"):
        sys.__unraisablehook__(unraisable)


def reads_spreadsheets(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Under `@command`: run the command's work in a child process watched by `lax.read.guard`, so a sheet that
    makes the spreadsheet library crash becomes one problem and the rest of the input is still read."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from lax.read import guard

        code = guard.supervise()
        if code is not None:  # the parent: the child did the work and said everything
            raise typer.Exit(code)
        return fn(*args, **kwargs)

    return wrapper


def command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a command: set the language, turn `LaxError` into a one-line message and its exit code,
    and any other exception into a short internal-error line (the traceback only with --debug or LAX_DEBUG)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = _argv_lang or kwargs.get("lang")  # a group's --lang (`lax --lang zh check ...`) counts too
        try:
            set_lang(lang)
        except ValueError:
            err(f"--lang: '{lang}' is not en or zh / 不是 en 或 zh")
            raise typer.Exit(2) from None
        # A command is a short-lived process that builds hundreds of thousands of small objects (rows,
        # records, ledger events) and frees few before it ends; the cyclic collector's repeated passes over
        # them cost a third of a large check, list or report, and none of them is cyclic garbage.
        was_collecting = gc.isenabled()
        gc.disable()
        try:
            try:
                outcome = fn(*args, **kwargs)
            except typer.Exit:
                flush_stdout()  # still inside the guard: a failed print is said, not lost at exit
                raise
            flush_stdout()
            return outcome
        except typer.Exit:
            raise
        except (StdoutError, BrokenPipeError) as e:
            raise typer.Exit(stdout_failed(e)) from None
        except LaxError as e:
            _flush_quietly()
            err(str(e))
            for line in e.details:
                err(line)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            err(_("interrupted", "已中断"))
            raise typer.Exit(130) from None
        except Exception as e:  # noqa: BLE001 - the last line of defence: never a traceback for a user
            _flush_quietly()
            if kwargs.get("debug") or _debug or os.environ.get("LAX_DEBUG"):
                traceback.print_exc()
            what = " ".join(str(e).split())  # one line, whatever the exception's text holds
            what = what if len(what) <= 300 else what[:297] + "..."
            err(
                _(
                    f"internal error: {type(e).__name__}: {what} (run with --debug or LAX_DEBUG=1 to see the traceback "
                    "for a bug report)",
                    f"内部错误：{type(e).__name__}：{what}（加 --debug 或设置 LAX_DEBUG=1 可查看用于报告问题的调用栈）",
                )
            )
            raise typer.Exit(3) from None
        finally:
            if was_collecting:
                gc.enable()

    return wrapper


def _flush_quietly() -> None:
    """Before an error line: what the command printed goes first; if stdout fails too, the error is the news."""
    try:
        flush_stdout()
    except (OSError, ValueError):
        _discard_stdout()
