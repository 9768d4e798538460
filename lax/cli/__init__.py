"""The `lax` command line: a thin Typer layer over the library.

Each command parses its options, calls one library function, and prints; one module per command group:
`lax check` in `lax.cli.check`, `lax criteria` and `lax form` in `lax.cli.form`, `lax ledger ...` in
`lax.cli.ledger`, `lax report` in `lax.cli.report`. This module is the app, its options, registering the
groups, and `main` (the program's entry point). Heavy libraries (spreadsheets, templates, Word)
are imported inside commands so that `lax --help` and `lax --version` stay instant.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lax import __version__
from lax.cli import coerce
from lax.cli.check import _Progress, _progress_bar, check  # noqa: F401 - `from lax.cli import _Progress` keeps working
from lax.cli.common import LangOpt, LaxGroup, err, set_debug
from lax.cli.form import criteria_cmd, form
from lax.cli.ledger import app as ledger_app
from lax.cli.report import report as report_command
from lax.cli.site import site as site_command
from lax.i18n import _

coerce.install()  # before any command runs: plain option values without importing pydantic (0.2 s a command)

app = typer.Typer(
    name="lax",
    cls=LaxGroup,  # its help pages in Chinese with --lang zh or LAX_LANG=zh
    help="Identify and rectify weak and lax (软弱涣散) village-level Party organisations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lax {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = None,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Show the Python traceback of an internal error (for a bug report; also LAX_DEBUG=1)."
        ),
    ] = False,
    lang: LangOpt = None,  # read by `LaxGroup` from the command line, for the help and the command that follows
) -> None:
    """Identify and rectify weak and lax (软弱涣散) village-level Party organisations."""
    set_debug(debug)


app.command("check")(check)
app.command("criteria")(criteria_cmd)
app.command("form")(form)
app.add_typer(ledger_app, name="ledger")
app.command("report")(report_command)
app.command("site")(site_command)


def main() -> None:
    """The `lax` program: the app, with watched reads and one-line usage errors."""
    from typer.main import get_command

    from lax.cli import common
    from lax.cli.common import StdoutError, exit_now, flush_stdout, install_stdout, quiet_unraisable, stdout_failed
    from lax.read import guard

    install_stdout()  # a failed print (closed pipe, full disk, closed stdout) is told apart, said, exit 2
    sys.unraisablehook = quiet_unraisable  # the process's own hook; tests driving `app` keep theirs
    common._program = True  # a command may leave its big results to the process's end (`leave_to_exit`)
    guard.enable()  # the program itself, not a test runner driving `app` in-process: reads may be watched
    try:
        code = get_command(app).main(prog_name="lax", standalone_mode=False)
        flush_stdout()
    except typer.TyperException as e:  # the command line itself: an unknown option, a bad choice, no argument
        sys.exit(_usage_error(e))
    except typer.Abort:
        err(_("interrupted", "已中断"))
        sys.exit(130)
    except StdoutError as e:  # --help or --version into a closed pipe (commands say it themselves)
        sys.exit(stdout_failed(e))
    exit_now(code if isinstance(code, int) else 0)


def _usage_error(e: Exception) -> int:
    """Say a command-line mistake in one line (the parser's own form is a usage line, a hint and the error)."""
    from lax.cli import common
    from lax.i18n import get_lang, set_lang

    if type(e).__name__ == "NoArgsIsHelpError":  # `lax` or `lax ledger` alone: the help is the answer
        e.show()  # type: ignore[attr-defined]
        return 2
    try:
        set_lang(common._argv_lang)  # --lang wherever it is, else LAX_LANG, as the command would have
    except ValueError:
        pass
    ctx = getattr(e, "ctx", None)
    where = ctx.command_path if ctx is not None else "lax"
    message = " ".join(e.format_message().split()) if hasattr(e, "format_message") else str(e)
    if get_lang() == "zh":
        from lax.cli.help_zh import usage_error_zh

        message = usage_error_zh(message)
    err(_(f"{where}: {message} (see '{where} --help')", f"{where}：{message}（参见 '{where} --help'）"))
    return int(getattr(e, "exit_code", 2))
