"""`lax report`: draft the quarterly or yearly summary from the ledger.

Thin: parse the options, load the ledger and the criteria, build the context (`lax.report`), render it
(`lax.render`), write or print. Jinja, python-docx and Pillow are imported only when a report is drawn.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from lax.cli.common import (
    CriteriaOpt,
    LangOpt,
    LedgerOpt,
    command,
    err,
    leave_to_exit,
    parse_date_option,
    today,
)
from lax.i18n import _, get_lang
from lax.problems import LaxError


class Level(str, enum.Enum):
    county = "county"
    township = "township"
    village = "village"


class ReportFormat(str, enum.Enum):
    md = "md"
    html = "html"
    docx = "docx"
    json = "json"  # the template context itself, for people writing their own templates


@command
def report(
    quarter: Annotated[
        str | None, typer.Option("--quarter", help="A quarter: 2026Q3 or 2026-Q3.", show_default=False)
    ] = None,
    year: Annotated[str | None, typer.Option("--year", help="A year: 2026.", show_default=False)] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="First day of the period (with --to).", show_default=False)
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Last day of the period (default: today).", show_default=False)
    ] = None,
    level: Annotated[
        Level | None,
        typer.Option(
            "--level",
            help="county, township or village (default: village "
            "with --village, township with --township, else county).",
            show_default=False,
        ),
    ] = None,
    township: Annotated[
        str | None, typer.Option("--township", help="The township reported on.", show_default=False)
    ] = None,
    village: Annotated[
        str | None,
        typer.Option(
            "--village", help="The village reported on: a code, a name, or township/village.", show_default=False
        ),
    ] = None,
    format: Annotated[
        ReportFormat, typer.Option("--format", help="md, html or docx (json: the template context).")
    ] = ReportFormat.md,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the report to this file (required for docx).", show_default=False),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="Folder of templates overriding the shipped ones (default: ./templates if present).",
            show_default=False,
        ),
    ] = None,
    org: Annotated[
        str | None,
        typer.Option(
            "--org", help="The reporting organisation, for the title and the signature at the end.", show_default=False
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Add an attachment (附件3) listing, for every figure of the text, its villages and the ledger "
            "FILE:LINE of the events behind it (in html each figure links to its list).",
        ),
    ] = False,
    ledger: LedgerOpt = Path("ledger"),
    criteria: CriteriaOpt = None,
    lang: LangOpt = None,
) -> None:
    """Draft the quarterly or yearly summary from the ledger, as of the period's end.

    Example: lax report --quarter 2026Q3 --lang zh --format docx --output 2026Q3.docx
    """
    _report(
        quarter, year, from_, to, level, township, village, format, output, templates, org, ledger, criteria, explain
    )


# What the library's messages call the inputs: the options a person typed (`lax.report` names no option).
_OPTION_NAMES = {
    "quarter": "--quarter",
    "year": "--year",
    "start": "--from",
    "end": "--to",
    "level": "--level {}",
    "township": "--township",
    "village": "--village",
}


def _report(
    quarter: str | None,
    year: str | None,
    from_: str | None,
    to: str | None,
    level: Level | None,
    township: str | None,
    village: str | None,
    format: ReportFormat,
    output: Path | None,
    templates: Path | None,
    org: str | None,
    ledger: Path,
    criteria: Path | None,
    explain: bool = False,
) -> None:
    from lax.criteria import default_criteria_path, load_criteria
    from lax.render import render
    from lax.report import make_period

    fmt = format.value
    if fmt == "docx" and output is None:
        raise LaxError(
            _(
                "--format docx needs --output FILE (a Word document is not printed to the terminal)",
                "--format docx 需要 --output 文件（Word 文档不能输出到终端）",
            )
        )
    period = make_period(
        today=today(),
        quarter=quarter,
        year=year,
        start=parse_date_option(from_, "--from"),
        end=parse_date_option(to, "--to"),
        names=_OPTION_NAMES,
    )
    criteria_file = criteria if criteria is not None else default_criteria_path()
    rules = load_criteria(criteria_file)
    # The report never lands on the criteria file or inside the ledger it reads (said before any work).
    keep = [ledger, criteria_file]
    if output is not None:
        from lax.files import check_output

        check_output(output, keep)
    if not ledger.is_dir():
        raise LaxError(
            _(
                f"ledger folder '{ledger}' not found (give --ledger DIR or set LAX_LEDGER)",
                f"找不到台账文件夹“{ledger}”（请用 --ledger 指定或设置 LAX_LEDGER）",
            )
        )
    from lax.report import cache

    lang_, drafted = get_lang(), today()
    # The same report of an unchanged ledger (another format, a second look) reads its figures back.
    inputs = {
        "ledger": str(ledger),  # as typed (the context names files by name only; kept apart all the same)
        "period": (period.kind, period.key, period.start, period.end, period.as_of),
        "level": level.value if level is not None else None,
        "township": township,
        "village": village,
        "org": org,
        "explain": explain,
        "drafted": drafted,
        "lang": lang_,
    }
    key = cache.report_key(ledger, criteria_file, inputs)
    context = cache.read_kept(ledger, key)
    writing = None
    if context is None:
        context, villages = _context(ledger, rules, period, level, township, village, org, explain, lang_, drafted)
        writing = cache.keep(ledger, key, context, villages)  # beside the rendering, where a core is free
    chosen = context["level"]
    try:
        if fmt == "json":
            data = (json.dumps(context, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        else:
            data = render(context, level=chosen, lang=lang_, fmt=fmt, templates=templates)
    finally:
        cache.done(writing)

    # A province's context takes most of a second to free: left to the process's end (`lax` only).
    leave_to_exit(context, data)
    if output is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    _write(output, data, keep)
    from lax import terms

    err(_(f"wrote {output} ({chosen}, {period.key})", f"已写入 {output}（{terms.LEVELS[chosen].zh}，{period.key}）"))


def _context(
    ledger: Path,
    rules: Any,
    period: Any,
    level: Level | None,
    township: str | None,
    village: str | None,
    org: str | None,
    explain: bool,
    lang_: str,
    drafted: Any,
) -> tuple[dict[str, Any], int]:
    """The report's template context computed from the ledger, and how many village files it read."""
    from lax.ledger import find_village, load_entries, load_townships_checked
    from lax.report import build_context, choose_level, resolve_township

    entries, problems = load_entries(ledger)
    # A township file that cannot be trusted would silently drop its submissions from the report.
    township_events, township_problems = load_townships_checked(ledger)
    from lax.ledger import load_work

    work, work_problems = load_work(ledger)  # what the county and townships did: 二、主要做法
    from lax.ledger import read_start

    start = read_start(ledger)  # the ledger's first quarter (`lax ledger start`); a broken _ledger.yaml is refused
    problems = problems + township_problems + [f"{p.where()}: {p.message}" for p in work_problems]
    if problems:
        raise LaxError(
            _(
                f"the ledger has {len(problems)} problem(s); fix them before drafting a report "
                "(lax ledger verify lists them):",
                f"台账有 {len(problems)} 处问题，请先改正再起草报告（lax ledger verify 可列出）：",
            ),
            details=[str(p) for p in problems],
        )

    chosen = choose_level(level.value if level is not None else None, township, village, names=_OPTION_NAMES)
    the_township = resolve_township(township, entries, township_events, names=_OPTION_NAMES) if township else None
    the_village = None
    if chosen == "village":
        if not village:
            raise LaxError(_("--level village needs --village V", "--level village 需要 --village 村"))
        pool = [e for e in entries if the_township is None or e.township == the_township]
        the_village = find_village(pool, village, ledger)
    elif chosen == "township" and the_township is None:
        raise LaxError(_("--level township needs --township T", "--level township 需要 --township 乡镇"))
    if explain and chosen == "village":
        raise LaxError(
            _(
                "--explain traces the figures of a county or township report; a village report has none "
                "(leave out --explain, or report on the township)",
                "--explain 用于核对县级或乡镇级报告中的数字，村级报告没有这些数字（请去掉 --explain，或改为乡镇级报告）",
            )
        )

    context = build_context(
        entries,
        township_events,
        rules,
        period,
        lang=lang_,
        level=chosen,
        township=the_township,
        village=the_village,
        org=org,
        drafted=drafted,
        work=work,
        start=start,
        explain=explain,
    )
    # A province's entries take most of a second to free: left to the process's end (`lax` only).
    leave_to_exit(entries, township_events, work)
    return context, len(entries)


def _write(path: Path, data: bytes, keep: list[Path] | tuple = ()) -> None:
    """Write through a temporary file (lax's one output writer) so an interrupted run never leaves half a
    document, a symlink is written through, and nothing in `keep` is overwritten."""
    from lax.files import atomic_path

    with atomic_path(path, keep) as tmp:
        tmp.write_bytes(data)
