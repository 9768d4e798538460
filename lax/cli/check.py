"""`lax check`: apply the standards to township spreadsheets; print, export or record the results.

Thin: parse the options, run the check (`lax.check`), record it in the ledger (`lax.ledger.record_check`,
with `--record`), write it (`lax.render.terminal`, `lax.render.results`). Also the progress bar on stderr
that large inputs show. Heavy libraries are imported inside the command.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from lax import terms
from lax.cli.common import (
    CriteriaOpt,
    LangOpt,
    LedgerOpt,
    RecordedByOpt,
    command,
    err,
    parse_date_option,
    reads_spreadsheets,
    recorded_stamp,
    today,
)
from lax.i18n import _
from lax.problems import LaxError


class CheckFormat(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


# The channels of the glossary (`lax.terms.CHANNELS`) as choices; `self` is a Python word, so its member is `self_`.
Channel = enum.Enum("Channel", {("self_" if key == "self" else key): key for key in terms.CHANNELS}, type=str)


TABLE_CAP = 200  # rows drawn in the terminal; the rest are counted, and json/xlsx hold them all


@command
@reads_spreadsheets
def check(
    files: Annotated[
        list[Path], typer.Argument(help="Spreadsheets, CSV, YAML or JSON files townships sent.", show_default=False)
    ],
    criteria: CriteriaOpt = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Read only this sheet.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of the check (default: today).")] = None,
    format: Annotated[
        CheckFormat, typer.Option("--format", help="Output: table, json, csv or xlsx.")
    ] = CheckFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the output to this file.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="List every village, not only flagged ones.")] = False,
    record: Annotated[bool, typer.Option("--record", help="Record the results in the ledger.")] = False,
    channel: Annotated[
        Channel, typer.Option("--channel", help="How the villages were examined (with --record).")
    ] = Channel.self_,
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            help="With --record: the quarter every township's submission is for, e.g. 2026Q4 "
            "(default: from the sheet's 排查日期, else the quarter of --as-of).",
            show_default=False,
        ),
    ] = None,
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
    if quarter is not None:
        if not record:
            raise LaxError(
                _(
                    "--quarter needs --record (it says which quarter the recorded submissions are for)",
                    "--quarter 需要与 --record 一起使用（它指定所记录的报送属于哪个季度）",
                )
            )
        if channel.value != "self":
            raise LaxError(
                _(
                    "--quarter is for --channel self: only a township's own examination is a quarterly submission",
                    "--quarter 仅用于 --channel self：只有乡镇自查才是季度报送",
                )
            )
        from lax.ledger.record import submission_quarter

        quarter = submission_quarter(quarter, day, "--quarter")  # said before any file is read
    if format is CheckFormat.xlsx and output is None:
        raise LaxError(_("--format xlsx needs --output FILE.xlsx", "--format xlsx 需要 --output 文件.xlsx"))
    # The output may overwrite none of the inputs (nor go into the ledger it records to), said before any work.
    keep = [*files, *([criteria] if criteria is not None else []), *([ledger] if record else [])]
    if output is not None:
        from lax.files import check_output

        check_output(output, keep)
    crit = load_criteria(criteria)
    progress = _progress_bar(files)
    try:
        result = run_check(
            [str(f) for f in files],
            crit,
            day,
            sheet=sheet,
            on_progress=progress.update if progress else None,
            today=today() if as_of is not None else None,
            on_stage=progress.stage if progress else None,
        )
    finally:
        if progress:
            progress.close()
    # Record first, then print: the ledger is written before any result is shown, so a pager that closes
    # the pipe early, or a full disk under the output, cannot cost the record; and a record that fails
    # prints no result as if it had succeeded. Input with problems is not recorded: its results (which
    # list the problems) are printed, then the refusal.
    recorded_first = record and not result.problems
    if recorded_first:
        _record(result, ledger, channel.value, [str(f) for f in files], recorded_by, quarter)
    _write_check(result, format, output, all_, keep)
    if record and not recorded_first:
        _record(result, ledger, channel.value, [str(f) for f in files], recorded_by, quarter)
    raise typer.Exit(result.exit_code)


def _write_check(result, format: CheckFormat, output: Path | None, all_: bool, keep=()) -> None:
    if format is CheckFormat.json:
        from lax.check import write_json

        if output is None:
            write_json(result, sys.stdout)
        else:
            from lax.files import atomic_path

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
        if bar:
            bar.stage("writing", str(output))
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

            from lax.files import atomic_path

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
        self._label = _("reading", "正在读取")
        if large:
            self._start(None)

    def stage(self, stage: str, path: str | None = None) -> None:
        """Say what is being done: `reading 邓埠镇.xlsx` / `正在读取 邓埠镇.xlsx`, `checking` / `正在检查`,
        `writing out.xlsx` / `正在写入 out.xlsx` (a file by its name, without its folder)."""
        words = {
            "reading": _("reading", "正在读取"),
            "checking": _("checking", "正在检查"),
            "writing": _("writing", "正在写入"),
        }.get(stage, stage)
        self._label = f"{words} {Path(path).name}" if path else words
        if self._bar is not None:
            self._bar.update(self._task, description=self._label)

    def _start(self, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self._bar = Progress(console=Console(stderr=True), transient=True)
        self._bar.start()
        self._task = self._bar.add_task(self._label, total=total)

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            if total < 20000:
                return
            self._start(total)
        self._bar.update(self._task, completed=done, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _progress_bar(files: list[Path] | None = None) -> _Progress | None:
    if not sys.stderr.isatty():
        return None
    size = 0
    for f in files or []:
        try:
            size += f.stat().st_size
        except OSError:
            pass  # the reader reports it
    return _Progress(large=size > (2 << 20))


def _record(
    result, ledger: Path, channel: str, files: list[str], recorded_by: str | None = None, quarter: str | None = None
) -> None:
    from lax.ledger import record_result

    # refused, recording nothing, when the input has problems
    summary = record_result(
        ledger, result, channel, ", ".join(files), recorded_stamp(recorded_by, ledger), quarter=quarter
    )
    err(summary.describe())
    for line in summary.notices:  # which quarter each township's submission went under, and why
        err(_("notice: ", "提示：") + line)
