"""The `lax` command line: a thin Typer layer over the library.

Each command parses its options, calls one library function, and prints. `lax ledger ...` lives in
`lax.cli.ledger` and `lax report` in `lax.cli.report`. Heavy libraries (spreadsheets, templates, Word)
are imported inside commands so that `lax --help` and `lax --version` stay instant (SPEC §9).
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from lax import __version__
from lax.cli.common import (
    CriteriaOpt, LangOpt, LedgerOpt, RecordedByOpt, command, err, parse_date_option, reads_spreadsheets, recorded_stamp,
    set_debug, today,
)
from lax.i18n import _, get_lang
from lax.problems import LaxError
from lax.cli.ledger import app as ledger_app
from lax.cli.report import report as report_command

app = typer.Typer(
    name="lax",
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
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show the Python traceback of an internal error "
                                        "(for a bug report; also LAX_DEBUG=1).")] = False,
) -> None:
    """Identify and rectify weak and lax (软弱涣散) village-level Party organisations."""
    set_debug(debug)


class CheckFormat(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class Channel(str, enum.Enum):
    self_ = "self"
    mass = "mass"
    spot = "spot"
    department = "department"


TABLE_CAP = 200  # rows drawn in the terminal; the rest are counted, and json/xlsx hold them all


@app.command("check")
@command
@reads_spreadsheets
def check(
    files: Annotated[list[Path], typer.Argument(help="Spreadsheets, CSV, YAML or JSON files townships sent.",
                                                show_default=False)],
    criteria: CriteriaOpt = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Read only this sheet.")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Date of the check (default: today).")] = None,
    format: Annotated[CheckFormat, typer.Option("--format", help="Output: table, json, csv or xlsx.")] = CheckFormat.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the output to this file.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="List every village, not only flagged ones.")] = False,
    record: Annotated[bool, typer.Option("--record", help="Record the results in the ledger.")] = False,
    channel: Annotated[Channel, typer.Option("--channel", help="How the villages were examined (with --record).")] = Channel.self_,
    ledger: LedgerOpt = Path("ledger"),
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Apply the definition standards to township spreadsheets and show which villages meet them.

    Exit 0: no village flagged, no problems; 1: villages flagged; 2: problems in the input.

    Example: lax check examples/yujiang.xlsx --format json --output result.json
    """
    from lax.check import run_check
    from lax.criteria import load_criteria

    day = parse_date_option(as_of, "--as-of") or today()
    if format is CheckFormat.xlsx and output is None:
        raise LaxError(_("--format xlsx needs --output FILE.xlsx", "--format xlsx 需要 --output 文件.xlsx"))
    # The output may overwrite none of the inputs (nor go into the ledger it records to), said before any work.
    keep = [*files, *([criteria] if criteria is not None else []), *([ledger] if record else [])]
    if output is not None:
        from lax.render.results import check_output

        check_output(output, keep)
    crit = load_criteria(criteria)
    progress = _progress_bar(files)
    try:
        result = run_check([str(f) for f in files], crit, day, sheet=sheet,
                           on_progress=progress.update if progress else None,
                           today=today() if as_of is not None else None)
    finally:
        if progress:
            progress.close()
    # Record first, then print: the ledger is written before any result is shown, so a pager that closes
    # the pipe early, or a full disk under the output, cannot cost the record; and a record that fails
    # prints no result as if it had succeeded. Input with problems is not recorded: its results (which
    # list the problems) are printed, then the refusal.
    recorded_first = record and not result.problems
    if recorded_first:
        _record(result, ledger, channel.value, [str(f) for f in files], recorded_by)
    _write_check(result, format, output, all_, keep)
    if record and not recorded_first:
        _record(result, ledger, channel.value, [str(f) for f in files], recorded_by)
    raise typer.Exit(result.exit_code)


def _write_check(result, format: CheckFormat, output: Optional[Path], all_: bool, keep=()) -> None:
    if format is CheckFormat.json:
        from lax.check import write_json

        if output is None:
            write_json(result, sys.stdout)
        else:
            from lax.render.results import atomic_path

            # Through a temporary file (as every writer here): a full disk half-way leaves the previous
            # output as it was, and an OS error comes back as one LaxError line.
            with atomic_path(output, keep) as tmp, tmp.open("w", encoding="utf-8") as fh:
                write_json(result, fh)
    elif format is CheckFormat.csv:
        from lax.render.results import write_csv

        if output is None:
            write_csv(result, sys.stdout)
        else:
            write_csv(result, output, keep=keep)
        _notices_to_stderr(result)
    elif format is CheckFormat.xlsx:
        from lax.render.results import write_xlsx

        bar = _progress_bar()
        try:
            write_xlsx(result, output, on_progress=bar.update if bar else None, keep=keep)
        finally:
            if bar:
                bar.close()
        _notices_to_stderr(result)
    else:
        from lax.render.terminal import print_check

        if output is None:
            print_check(result, all_=all_, cap=TABLE_CAP)
        else:
            from rich.console import Console

            from lax.render.results import atomic_path

            with atomic_path(output, keep) as tmp, tmp.open("w", encoding="utf-8") as fh:
                print_check(result, all_=all_, cap=None, out=Console(file=fh, width=200, color_system=None))
    if output is not None and format is not CheckFormat.table:
        err(_(f"wrote {output}", f"已写入 {output}"))


def _notices_to_stderr(result) -> None:
    """The notices, one line per sheet, on stderr: beside CSV or an Excel file they have no place of their own
    (the Excel file also lists them on its About sheet)."""
    from lax.check import notice_lines

    for line in notice_lines(result):
        err(_("notice: ", "提示：") + line)


class _Progress:
    """A rich progress bar on stderr, shown only in a terminal and only for large inputs.

    For large files it starts at once, without a total: python-calamine unpacks a whole sheet before the
    first row can be counted, which takes a few seconds for a 100,000-village workbook.
    """

    def __init__(self, large: bool) -> None:
        self._bar = None
        self._task = None
        if large:
            self._start(None)

    def _start(self, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self._bar = Progress(console=Console(stderr=True), transient=True)
        self._bar.start()
        self._task = self._bar.add_task(_("reading", "读取中"), total=total)

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            if total < 20000:
                return
            self._start(total)
        self._bar.update(self._task, completed=done, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _progress_bar(files: list[Path] | None = None) -> Optional[_Progress]:
    if not sys.stderr.isatty():
        return None
    size = 0
    for f in files or []:
        try:
            size += f.stat().st_size
        except OSError:
            pass  # the reader reports it
    return _Progress(large=size > (2 << 20))


def _record(result, ledger: Path, channel: str, files: list[str], recorded_by: str | None = None) -> None:
    from lax.ledger import record_result

    summary = record_result(ledger, result, channel, ", ".join(files), recorded_stamp(recorded_by, ledger))
    err(summary.describe())


@app.command("criteria")
@command
def criteria_cmd(
    criteria: CriteriaOpt = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    lang: LangOpt = None,
) -> None:
    """List the definition standards in force and the policy (time limits, pass score).

    Example: lax criteria --lang zh
    """
    from lax.criteria import load_criteria
    from lax.render.terminal import print_criteria

    crit = load_criteria(criteria)
    if format == "json":
        import json

        data = {
            "path": crit.path, "version": crit.version, "name": crit.name(),
            "policy": {"rectify_months": crit.policy.rectify_months, "watch_months": crit.policy.watch_months,
                       "pass_score": crit.policy.pass_score},
            "criteria": [{"id": c.id, "title": c.title(), "when": c.when} for c in crit.criteria],
            "fields": [{"id": f.id, "type": f.type, "required": f.required, "title": f.title()} for f in crit.fields],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif format == "table":
        print_criteria(crit)
    else:
        raise LaxError(_(f"--format: '{format}' is not table or json", f"--format：“{format}”不是 table 或 json"))


@app.command("form")
@command
def form(
    output: Annotated[Path, typer.Argument(help="Where to write the blank form (.xlsx).", show_default=False)],
    criteria: CriteriaOpt = None,
    lang: LangOpt = None,
) -> None:
    """Write a blank input form townships fill in and `lax check` reads back.

    Example: lax form 排查表.xlsx
    """
    from lax.criteria import load_criteria
    from lax.render.form import write_form

    crit = load_criteria(criteria)
    # through a temporary file; an OS error comes back as one line; the criteria file is never overwritten
    from lax.criteria import default_criteria_path

    write_form(crit, output, get_lang(), keep=[criteria if criteria is not None else default_criteria_path()])
    err(_(f"wrote {output}", f"已写入 {output}"))


app.add_typer(ledger_app, name="ledger")
app.command("report")(report_command)


def main() -> None:
    """The `lax` program: the app, with watched reads and one-line usage errors."""
    from typer.main import get_command

    from lax.read import guard
    from lax.cli.common import StdoutError, flush_stdout, install_stdout, quiet_unraisable, stdout_failed

    install_stdout()  # a failed print (closed pipe, full disk, closed stdout) is told apart, said, exit 2
    sys.unraisablehook = quiet_unraisable  # the process's own hook; tests driving `app` keep theirs
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
    sys.exit(code if isinstance(code, int) else 0)


def _usage_error(e: Exception) -> int:
    """Say a command-line mistake in one line (the parser's own form is a usage line, a hint and the error)."""
    from lax.i18n import set_lang

    if type(e).__name__ == "NoArgsIsHelpError":  # `lax` or `lax ledger` alone: the help is the answer
        e.show()  # type: ignore[attr-defined]
        return 2
    try:
        set_lang(None)  # LAX_LANG, as the command would have
    except ValueError:
        pass
    ctx = getattr(e, "ctx", None)
    where = ctx.command_path if ctx is not None else "lax"
    message = " ".join(e.format_message().split()) if hasattr(e, "format_message") else str(e)
    err(_(f"{where}: {message} (see '{where} --help')", f"{where}：{message}（参见 '{where} --help'）"))
    return int(getattr(e, "exit_code", 2))
