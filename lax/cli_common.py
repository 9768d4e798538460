"""What every command group of the CLI shares: common options, date parsing, and error handling.

Imported by `lax.cli`, `lax.cli_ledger` and `lax.cli_report`. It imports Typer and nothing heavy, so that
`lax --help` stays fast (SPEC §9): spreadsheet, template and report libraries are imported inside the
commands that need them.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
import sys
import traceback
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from lax.i18n import _, set_lang
from lax.problems import LaxError

LangOpt = Annotated[
    Optional[str],
    typer.Option("--lang", envvar="LAX_LANG", help="Language of everything printed: en or zh.", show_default=False),
]
LedgerOpt = Annotated[
    Path,
    typer.Option("--ledger", envvar="LAX_LEDGER", help="Ledger folder (one YAML file per village).", show_default=True),
]
CriteriaOpt = Annotated[
    Optional[Path],
    typer.Option("--criteria", help="Criteria file (default: ./criteria.yaml if present, else the packaged one).",
                 show_default=False),
]
RecordedByOpt = Annotated[
    Optional[str],
    typer.Option("--recorded-by", help="Who is recording, kept with every event written (default: LAX_USER, else "
                 "git's user.name in the ledger folder, else the login name).", show_default=False),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show the Python traceback of an internal error.", hidden=True)]


def parse_date_option(value: str | None, option: str) -> dt.date | None:
    """A command-line date: `2026-09-30`, also `2026/9/30`, `2026.9.30`, `2026年9月30日`."""
    if value is None:
        return None
    from lax.values import parse_date

    try:
        return parse_date(value)
    except ValueError:
        raise LaxError(_(f"{option}: '{value}' is not a valid date (expected YYYY-MM-DD, e.g. 2026-09-30)",
                         f"{option}：“{value}”不是有效日期（应为 YYYY-MM-DD，例如 2026-09-30）")) from None


def today() -> dt.date:
    """The date a command acts on when none is given; the only place lax reads the clock."""
    fixed = os.environ.get("LAX_TODAY")  # lets tests and reproducible runs pin "today"
    if fixed:
        try:
            return dt.date.fromisoformat(fixed.strip())
        except ValueError:
            raise LaxError(_(f"LAX_TODAY: '{fixed}' is not a date like 2026-09-30",
                             f"LAX_TODAY：“{fixed}”不是 2026-09-30 这样的日期")) from None
    return dt.date.today()


def now() -> dt.datetime:
    """The moment a writing command records its events (with the local UTC offset); `LAX_NOW` pins it."""
    fixed = os.environ.get("LAX_NOW")  # reproducible runs and tests: an ISO timestamp with its offset
    if fixed:
        from lax.recorder import parse_timestamp

        stamp = parse_timestamp(fixed.strip())
        if stamp is None:
            raise LaxError(_(f"LAX_NOW: '{fixed}' is not a timestamp like 2026-09-30T10:15:00+08:00",
                             f"LAX_NOW：“{fixed}”不是 2026-09-30T10:15:00+08:00 这样的时间")) from None
        return stamp
    return dt.datetime.now().astimezone()


def recorded_stamp(given: str | None, ledger: Path) -> dict[str, str]:
    """`recorded: {by, at}` for the events of this command: the name resolved by `lax.recorder`, the time now."""
    from lax.recorder import recorded, recorder_name

    return recorded(recorder_name(given, ledger), now())


def err(message: str) -> None:
    """Print one line to stderr."""
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()


_debug = False


def set_debug(on: bool) -> None:
    """`lax --debug ...`: an internal error also prints its traceback (set once per run by the root command)."""
    from lax import guard

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
    """Under `@command`: run the command's work in a child process watched by `lax.guard`, so a sheet that
    makes the spreadsheet library crash becomes one problem and the rest of the input is still read."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from lax import guard

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
        lang = kwargs.get("lang")
        try:
            set_lang(lang)
        except ValueError:
            err(f"--lang: '{lang}' is not en or zh / 不是 en 或 zh")
            raise typer.Exit(2) from None
        # A command is a short-lived process that builds hundreds of thousands of small objects (rows,
        # records, ledger events) and frees few before it ends; the cyclic collector's repeated passes over
        # them cost a third of a large check, list or report (SPEC §9), and none of them is cyclic garbage.
        was_collecting = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except LaxError as e:
            err(str(e))
            for line in e.details:
                err(line)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            err(_("interrupted", "已中断"))
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None
        except Exception as e:  # noqa: BLE001 - the last line of defence: never a traceback for a user
            if kwargs.get("debug") or _debug or os.environ.get("LAX_DEBUG"):
                traceback.print_exc()
            what = " ".join(str(e).split())  # one line, whatever the exception's text holds
            what = what if len(what) <= 300 else what[:297] + "..."
            err(_(f"internal error: {type(e).__name__}: {what} (run with --debug or LAX_DEBUG=1 to see the traceback "
                  "for a bug report)",
                  f"内部错误：{type(e).__name__}：{what}（加 --debug 或设置 LAX_DEBUG=1 可查看用于报告问题的调用栈）"))
            raise typer.Exit(3) from None
        finally:
            if was_collecting:
                gc.enable()

    return wrapper
