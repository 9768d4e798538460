"""`lax ledger work`: record what the county or a township did (a meeting, a training, a spot check ...),
or list the records. Thin: the file format and its rules are `lax.ledger.work`; registered on the `ledger`
group by `lax.cli.ledger`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import typer

from lax import terms
from lax.cli.common import LangOpt, LedgerOpt, RecordedByOpt, command, err, parse_date_option, recorded_stamp, today
from lax.cli.ledger import DEFAULT_LEDGER, _amount, _check_folder, _format, _out, _text, app
from lax.i18n import _
from lax.problems import LaxError

KINDS = ", ".join(terms.WORK_KINDS)


def _kind(value: str | None) -> str:
    """A kind as typed: its id (`training`) or its Chinese name (`教育培训`, also `培训`)."""
    if value is None:
        raise LaxError(_(f"--kind is needed: one of {KINDS}", f"需要 --kind：{KINDS} 之一"))
    v = value.strip()
    if v.lower() in terms.WORK_KINDS:
        return v.lower()
    for key, names in terms.spellings(terms.WORK_KINDS).items():
        if v in names:
            return key
    raise LaxError(
        _(
            f"--kind: '{value}' is not one of {KINDS}",
            f"--kind：“{value}”不在 {KINDS} 之中（也可写中文：{'、'.join(t.zh for t in terms.WORK_KINDS.values())}）",
        )
    )


def _count(value: str | None, option: str) -> int | None:
    if value is None:
        return None
    text = value.strip().replace(",", "").removesuffix("人").removesuffix("个").removesuffix("村")
    from lax.ledger.work import MAX_COUNT

    if not re.fullmatch(r"\d{1,9}", text) or int(text) > MAX_COUNT:
        raise LaxError(
            _(
                f"{option}: '{value}' is not a number (a whole number, 0 or more)",
                f"{option}：“{value}”不是有效数字（应为不小于 0 的整数）",
            )
        )
    return int(text)


def _township(name: str, ledger: Path) -> str:
    """The township as the ledger spells it; a name the ledger does not know yet is kept, with a notice."""
    from lax.ledger import check_name, load_entries, load_townships
    from lax.report.context import known_townships, resolve_township

    name = check_name(name, "township")
    entries, _problems = load_entries(ledger)
    towns = load_townships(ledger)
    if not known_townships(entries, towns):
        return name
    try:
        return resolve_township(name, entries, towns, names={"township": "--township"})
    except LaxError as e:
        err(_(f"note: {e}; recorded as given", f"提示：{e}；按所写名称记录"))
        return name


@app.command("work")
@command
def work_cmd(
    text: Annotated[
        str | None, typer.Argument(metavar="TEXT", help="What was done (not with --list).", show_default=False)
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help=f"Kind of work: {KINDS} (or its Chinese name).", show_default=False),
    ] = None,
    county: Annotated[bool, typer.Option("--county", help="Work of the county.")] = False,
    township: Annotated[
        str | None, typer.Option("--township", help="Work of this township.", show_default=False)
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Date of the work (default: today).", show_default=False)
    ] = None,
    people: Annotated[
        str | None, typer.Option("--people", help="People trained or attending.", show_default=False)
    ] = None,
    villages: Annotated[str | None, typer.Option("--villages", help="Villages covered.", show_default=False)] = None,
    funds: Annotated[str | None, typer.Option("--funds", help="Funds, in yuan.", show_default=False)] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the work records instead of adding one.")] = False,
    year: Annotated[int | None, typer.Option("--year", help="With --list: only this year.", show_default=False)] = None,
    format: Annotated[str, typer.Option("--format", help="With --list: table or json.")] = "table",
    ledger: LedgerOpt = DEFAULT_LEDGER,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record what the county or a township did, for the reports' 二、主要做法; or --list the records.

    Kinds: organisation (leading group, work teams), documents, meetings, publicity, training, inspection
    (spot checks), system (system building), funds (funds guarantee), other. Stored in
    LEDGER/_work/YEAR.yaml, append-only; the same record given twice is kept once.

    Example: lax ledger work "召开全县整顿工作推进会" --kind meetings --county --people 120 --date 2027-03-05
    """
    if list_:
        recording = [o for o, v in (("TEXT", text), ("--kind", kind), ("--date", date), ("--people", people),
                                    ("--villages", villages), ("--funds", funds)) if v is not None]  # fmt: skip
        if recording:
            raise LaxError(
                _(
                    f"--list lists the records: {recording[0]} is for recording one",
                    f"--list 用于列出记录：{recording[0]} 用于新增记录",
                )
            )
        _list(ledger, year, township, county, _format(format, ("table", "json")))
        return
    if year is not None or format != "table":
        option = "--year" if year is not None else "--format"
        raise LaxError(_(f"{option} goes with --list", f"{option} 需与 --list 一起使用"))
    from lax.ledger import WorkRecord, add_work

    what = _text(text, "TEXT")
    if not what:
        raise LaxError(_("TEXT is empty: say what was done", "TEXT 为空：请说明做了什么"))
    if county == (township is not None):
        raise LaxError(
            _("give --county or --township NAME (one of them)", "请指定 --county 或 --township 乡镇名（二者选一）")
        )
    kind_id = _kind(kind)
    on = parse_date_option(date, "--date") or today()
    count_people = _count(people, "--people")
    count_villages = _count(villages, "--villages")
    amount = _amount(funds, "--funds")
    where = _township(township, ledger) if township is not None else None
    record = WorkRecord(
        on,
        "township" if where else "county",
        where,
        kind_id,
        what,
        count_people,
        count_villages,
        amount,
        recorded_stamp(recorded_by, ledger),
    )
    stored, added = add_work(ledger, record)
    level = where or _("the county", "县级")
    name = terms.name(terms.WORK_KINDS, kind_id)
    if added:
        _out(
            _(
                f"work recorded for {level} on {on} ({name}) [{stored.where}]",
                f"已记录{level}工作：{on}，{name} [{stored.where}]",
            )
        )
    else:
        _out(_(f"already recorded, nothing added [{stored.where}]", f"已有相同记录，未重复添加 [{stored.where}]"))


def _list(ledger: Path, year: int | None, township: str | None, county: bool, fmt: str) -> None:
    from lax.cli.ledger import _aligned
    from lax.ledger import load_work

    _check_folder(ledger)
    records, problems = load_work(ledger)
    if year is not None:
        records = [r for r in records if r.date.year == year]
    if county:
        records = [r for r in records if r.level == "county"]
    if township is not None:
        records = [r for r in records if r.township == township]
    if fmt == "json":
        rows = [
            {
                "date": r.date.isoformat(),
                "level": r.level,
                "township": r.township,
                "kind": r.kind,
                "text": r.text,
                "people": r.people,
                "villages": r.villages,
                "funds": r.funds,
                "recorded": r.recorded,
                "where": r.where,
            }
            for r in records
        ]
        _out(json.dumps({"work": rows}, ensure_ascii=False, indent=2))
    else:
        headers = [
            _("date", "日期"),
            _("level", "层级"),
            _("kind", "类别"),
            _("figures", "数字"),
            _("text", "内容"),
            _("where", "位置"),
        ]
        rows = [
            [
                r.date.isoformat(),
                r.township or _("county", "县级"),
                terms.name(terms.WORK_KINDS, r.kind),
                _figures(r),
                r.text,
                r.where,
            ]
            for r in records
        ]
        typer.echo(
            _aligned(headers, rows, _(f"{len(records)} work record(s)", f"共 {len(records)} 条工作记录")), nl=False
        )
    for p in problems:
        err(f"{p.where()}: {p.message}")
    if problems:
        raise typer.Exit(2)


def _figures(r) -> str:
    parts = []
    if r.people is not None:
        parts.append(_(f"{r.people} people", f"{r.people}人"))
    if r.villages is not None:
        parts.append(_(f"{r.villages} villages", f"{r.villages}个村"))
    if r.funds is not None:
        from lax.i18n import get_lang
        from lax.show import money

        parts.append(money(r.funds, get_lang()))
    return _("; ", "，").join(parts)
