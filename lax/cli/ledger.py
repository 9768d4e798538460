"""`lax ledger ...`: the per-village rectification ledger on the command line.

Thin: each command parses its options, calls `lax.ledger` (files), `lax.lifecycle` (rules) or
`lax.ledger.excel` (spreadsheets), and prints. Exit codes: 0 done; 1 a refused step (nothing written);
2 a usage or input error. Library modules are imported inside the commands so `lax --help` stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
import unicodedata
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
    parse_date_option,
    reads_spreadsheets,
    recorded_stamp,
    today,
)
from lax.i18n import _
from lax.problems import LaxError

app = typer.Typer(
    help="Keep the per-village rectification ledger: open, plan, progress, accept, reopen, close, show, list; "
    "work records what the county and townships did.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _ledger(lang: LangOpt = None) -> None:
    """Keep the per-village rectification ledger: open, plan, progress, accept, reopen, close, show, list."""
    # `lax ledger --lang zh ...`: the language is read from the command line by `lax.cli.common.LaxGroup`.


VillageArg = Annotated[
    str, typer.Argument(metavar="VILLAGE", help="Village code, name, or township/village.", show_default=False)
]
DateOpt = Annotated[str | None, typer.Option("--date", help="Date of the event (default: today).", show_default=False)]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Show the state on this date (default: today).", show_default=False)
]
DeadlineOpt = Annotated[str | None, typer.Option("--deadline", help="Time limit (YYYY-MM-DD).", show_default=False)]
NoteOpt = Annotated[str | None, typer.Option("--note", help="A note kept with the event.", show_default=False)]
# `open` and `reopen` once took the standard ids as --criteria and the criteria file as --criteria-file; both
# spellings still work for one release (`_standards_option`), --criteria-file hidden.
CriteriaFileOpt = Annotated[Path | None, typer.Option("--criteria-file", hidden=True, show_default=False)]
CriteriaOrIdsOpt = Annotated[
    str | None,
    typer.Option(
        "--criteria",
        metavar="<path>",
        help="Criteria file (default: ./criteria.yaml if present, else the packaged one).",
        show_default=False,
    ),
]
DEFAULT_LEDGER = Path("ledger")


# ----------------------------------------------------------------------------------------- helpers


def _criteria(path: Path | None):
    from lax.criteria import load_criteria

    return load_criteria(path)


def _date(value: str | None, option: str) -> dt.date:
    return parse_date_option(value, option) or today()


_IDS_RE = re.compile(r"[\sCc0-9,，、;；]*[0-9][\sCc0-9,，、;；]*")


def _standards_option(
    standards: str | None,
    criteria: str | None,
    criteria_file: Path | None,
) -> tuple[str | None, str, Path | None]:
    """(the standard ids as typed, the option that gave them, the criteria file) of `ledger open`/`reopen`.

    `--criteria` is the criteria FILE, as in every other command, and `--standards` the ids. For one release
    the old spelling still works: a `--criteria` value that is no file and reads as standard ids (`C05,C13`)
    is taken as `--standards`, with a one-line deprecation notice on stderr; `--criteria-file` (hidden) is
    the criteria file."""
    from lax.cli.common import err

    given = "--standards"
    if criteria is not None:
        if "\x00" in criteria:  # no file name holds it (a shell cannot pass one; a program can)
            raise LaxError(_(f"--criteria: {criteria!r} is not a file name", f"--criteria：{criteria!r} 不是文件名"))
        text = unicodedata.normalize("NFKC", criteria)
        if _IDS_RE.fullmatch(text) and not Path(criteria).exists():
            if standards is not None:
                raise LaxError(
                    _(
                        f"--standards and --criteria {criteria} both give the standards met; give only "
                        f"--standards (--criteria is the criteria file)",
                        f"--standards 与 --criteria {criteria} 都给出了所符合的标准；请只用 --standards"
                        f"（--criteria 是标准文件）",
                    )
                )
            err(
                _(
                    f"warning: --criteria {criteria} for the standards met is deprecated and will be removed; "
                    f"write --standards {criteria} (--criteria is the criteria file, as in every command)",
                    f"提示：用 --criteria {criteria} 给出所符合的标准的写法已弃用，将被移除；请写成 --standards {criteria}"
                    f"（--criteria 是标准文件，与其他命令一致）",
                )
            )
            return criteria, "--criteria", criteria_file
        if criteria_file is not None:
            raise LaxError(
                _(
                    "--criteria and --criteria-file both name the criteria file; give only --criteria",
                    "--criteria 与 --criteria-file 都指定了标准文件；请只用 --criteria",
                )
            )
        criteria_file = Path(criteria)
    return standards, given, criteria_file


def _standards(text: str, crit, option: str = "--standards") -> list[str]:
    """`C05,C13` (also `5、13`, `c5 c13`) -> ["C05", "C13"]; unknown ids are a usage error listing the valid ones."""
    parts = [p for p in re.split(r"[\s,，、;；]+", unicodedata.normalize("NFKC", text or "")) if p]
    ids = crit.ids
    out, unknown = [], []
    for p in parts:
        m = re.fullmatch(r"[Cc]?0*(\d{1,2})", p)
        cid = f"C{int(m.group(1)):02d}" if m else p
        if cid not in ids and p in ids:
            cid = p
        (out if cid in ids else unknown).append(cid if cid in ids else p)
    if unknown:
        raise LaxError(
            _(
                f"{option}: unknown standard {', '.join(unknown)}; valid: {', '.join(ids)}",
                f"{option}：未知标准 {'、'.join(unknown)}；有效编号：{'、'.join(ids)}",
            )
        )
    if not out:
        raise LaxError(
            _(f"{option}: give at least one standard, e.g. C05,C13", f"{option}：至少给出一条标准，例如 C05,C13")
        )
    return list(dict.fromkeys(out))


def _channel(value: str) -> str:
    from lax.lifecycle import CHANNELS

    v = (value or "").strip().lower()
    if v not in CHANNELS:
        raise LaxError(
            _(
                f"--channel: '{value}' is not one of {', '.join(CHANNELS)}",
                f"--channel：“{value}”不在 {', '.join(CHANNELS)} 之中",
            )
        )
    return v


def _text(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise LaxError(_(f"{option}: control characters are not allowed", f"{option}：不允许控制字符"))
    if len(text) > 2000:
        raise LaxError(_(f"{option}: longer than 2000 characters", f"{option}：超过 2000 个字符"))
    return text or None


def _amount(value: str | None, option: str, force: bool = False) -> int | float | None:
    """Yuan: `31500`, `31,500`, `31500元`, `3.15万`; NaN, infinite and negative amounts are refused, and one
    above 10^9 yuan (a typo such as an extra 0000, most likely) needs --force."""
    if value is None:
        return None
    from lax.ledger import HARD_MAX_FUNDS, MAX_FUNDS
    from lax.read.values import to_yuan

    amount = to_yuan(value)
    if amount is None:
        raise LaxError(
            _(
                f"{option}: '{value}' is not an amount in yuan (e.g. 31500)",
                f"{option}：“{value}”不是以元计的金额（例如 31500）",
            )
        )
    if amount > HARD_MAX_FUNDS:
        raise LaxError(
            _(f"{option}: '{value}' is not a plausible amount in yuan", f"{option}：“{value}”不是可信的金额")
        )
    if amount > MAX_FUNDS and not force:
        raise LaxError(
            _(
                f"{option}: {amount:,.0f} yuan is more than 10^9 yuan; check it, and give --force if it is right",
                f"{option}：{amount:,.0f} 元超过 10^9 元；请核对，确实无误时加 --force",
            )
        )
    return amount


def _deadline(value: str | None, on: dt.date) -> dt.date | None:
    d = parse_date_option(value, "--deadline")
    if d is not None and d < on:
        raise LaxError(_(f"--deadline {d} is before the event's date {on}", f"--deadline {d} 早于事件日期 {on}"))
    return d


def _entries(folder: Path):
    """The villages of the ledger and its problems (`Problem`s, printed by `_warn`)."""
    from lax.ledger import load_entries_checked

    _check_folder(folder)
    return load_entries_checked(folder)


def _check_folder(folder: Path) -> None:
    """A ledger folder must be there and be a folder (a missing one is not an empty ledger here)."""
    if not folder.exists():
        raise LaxError(
            _(
                f"no ledger at {folder} (use --ledger DIR or LAX_LEDGER; lax ledger open creates one)",
                f"{folder} 处没有台账（用 --ledger DIR 或 LAX_LEDGER 指定；lax ledger open 会新建）",
            )
        )
    if not folder.is_dir():
        raise LaxError(_(f"ledger folder {folder} is a file, not a folder", f"台账文件夹 {folder} 是文件而不是文件夹"))


def _find(folder: Path, query: str):
    from lax.ledger import find_village, problem_text

    entries, problems = _entries(folder)
    try:
        return find_village(entries, query, folder)
    except LaxError as e:
        # The village may be in a file lax refuses to read: say which, so the person knows where to look.
        read = {str(x.path) for x in entries}
        unread = [problem_text(p) for p in problems if p.path not in read]
        if not unread:
            raise
        raise LaxError(
            _(
                f"{e}; {len(unread)} problem(s) in files that cannot be read, the first: {unread[0]}",
                f"{e}；无法读取的文件中有 {len(unread)} 处问题，第一处：{unread[0]}",
            ),
            e.exit_code,
        ) from None


def _record(folder: Path, query: str, event, policy):
    from lax.ledger import add_event

    entry = _find(folder, query)
    return add_event(folder, entry, event, policy)


def _out(line: str) -> None:
    typer.echo(line)


def _where(entry) -> str:
    return f"{entry.label} [{entry.path}]"


def _format(value: str, allowed: tuple[str, ...]) -> str:
    v = (value or "").strip().lower()
    if v not in allowed:
        raise LaxError(
            _(
                f"--format: '{value}' is not one of {', '.join(allowed)}",
                f"--format：“{value}”不在 {', '.join(allowed)} 之中",
            )
        )
    return v


# ----------------------------------------------------------------------------------------- commands


@app.command("open")
@command
def open_cmd(
    village: VillageArg,
    township: Annotated[
        str | None,
        typer.Option("--township", help="Township (needed for a village new to the ledger).", show_default=False),
    ] = None,
    standards: Annotated[
        str | None, typer.Option("--standards", help="Standards met, e.g. C05,C13.", show_default=False)
    ] = None,
    code: Annotated[str | None, typer.Option("--code", help="12-digit village code.", show_default=False)] = None,
    channel: Annotated[str, typer.Option("--channel", help="self, mass, spot or department.")] = "self",
    satisfaction: Annotated[
        str | None,
        typer.Option(
            "--satisfaction",
            help="Mass satisfaction (%) measured at identification: the 'before' of the report's results.",
            show_default=False,
        ),
    ] = None,
    collective_petitions: Annotated[
        str | None,
        typer.Option(
            "--collective-petitions",
            help="Collective petitions counted at identification: the 'before' of the report's results.",
            show_default=False,
        ),
    ] = None,
    leapfrog_petitions: Annotated[
        str | None,
        typer.Option(
            "--leapfrog-petitions",
            help="Leapfrog petitions counted at identification: the 'before' of the report's results.",
            show_default=False,
        ),
    ] = None,
    date: DateOpt = None,
    deadline: DeadlineOpt = None,
    note: NoteOpt = None,
    criteria: CriteriaOrIdsOpt = None,
    criteria_file: CriteriaFileOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """List a village for rectification (identified); a closed village starts a new round.

    The time limit is the date plus policy.rectify_months unless --deadline is given. --satisfaction and the
    petition counts record what was measured at identification (a sheet recorded by check --record holds
    them already), so the report's results can compare them with the values at acceptance.

    Example: lax ledger open 宋三村 --township 邓埠镇 --standards C05,C13 --satisfaction 58 --date 2026-09-30
    """
    from lax.ledger import check_code, check_name, make_event, open_village
    from lax.lifecycle import default_deadline

    standards, option, criteria_file = _standards_option(standards, criteria, criteria_file)
    crit = _criteria(criteria_file)
    if not (standards or "").strip():
        raise LaxError(
            _(
                "--standards is required: the standards met, e.g. C05,C13",
                "必须给出 --standards：所符合的标准，例如 C05,C13",
            )
        )
    ids = _standards(standards, crit, option)
    name = village.strip()
    if "/" in name:
        t, name = (p.strip() for p in name.split("/", 1))
        if township is not None and township.strip() != t:
            raise LaxError(
                _(
                    f"VILLAGE says township '{t}' but --township says '{township}'",
                    f"VILLAGE 中的乡镇为“{t}”，而 --township 为“{township}”",
                )
            )
        township = t
    code_ = check_code(code)
    if township is None:
        # A village already in the ledger may be named alone (or by its code); a new one needs its township.
        from lax.ledger import find_village, load_entries

        entries = load_entries(ledger)[0] if ledger.is_dir() else []
        try:
            entry = find_village(entries, name, ledger)
        except LaxError as e:
            if not any(name in (x.village, x.code) for x in entries):
                raise LaxError(
                    _(
                        f"--township is required: '{name}' is not in the ledger yet",
                        f"必须给出 --township：“{name}”尚未列入台账",
                    )
                ) from None
            raise e from None
        township, name, code_ = entry.township, entry.village, entry.code
    township_ = check_name(township, "township")
    village_ = check_name(name, "village")
    # kept as the village's profile at identification, where a recorded sheet keeps them (lax.ledger.measured)
    measured = _measures(satisfaction, collective_petitions, leapfrog_petitions)
    on = _date(date, "--date")
    limit = _deadline(deadline, on) or default_deadline(on, crit.policy)
    event = make_event(
        on,
        "identified",
        channel=_channel(channel),
        criteria=ids,
        deadline=limit,
        note=_text(note, "--note"),
        profile=measured or None,
        recorded=recorded_stamp(recorded_by, ledger),
    )
    entry, _created = open_village(ledger, township_, village_, code_, event, crit.policy)
    rounds = sum(1 for e in entry.events if e.type == "identified")
    _out(
        _(
            f"opened {_where(entry)}: round {rounds}, {', '.join(ids)}, identified {on}, time limit {limit}",
            f"已列入 {_where(entry)}：第 {rounds} 轮，{'、'.join(ids)}，认定于 {on}，整改时限 {limit}",
        )
    )


@app.command("plan")
@command
def plan_cmd(
    village: VillageArg,
    measure: Annotated[
        list[str] | None,
        typer.Option("--measure", help="A rectification measure (repeat for more).", show_default=False),
    ] = None,
    county_leader: Annotated[
        str | None, typer.Option("--county-leader", help="County contact leader.", show_default=False)
    ] = None,
    township_leader: Annotated[
        str | None, typer.Option("--township-leader", help="Responsible township leader.", show_default=False)
    ] = None,
    first_secretary: Annotated[
        str | None,
        typer.Option("--first-secretary", help="First secretary sent to the village.", show_default=False),
    ] = None,
    helping_unit: Annotated[
        str | None, typer.Option("--helping-unit", help="Paired helping unit.", show_default=False)
    ] = None,
    deadline: DeadlineOpt = None,
    date: DateOpt = None,
    note: NoteOpt = None,
    criteria: CriteriaOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record the rectification plan: measures and the people responsible (status becomes rectifying).

    Example: lax ledger plan 宋三村 --measure 召开党员大会重新选举 --measure 县乡联合督导 --township-leader 李明 --date 2026-10-10
    """
    from lax.ledger import make_event

    measures = [m for m in (_text(x, "--measure") for x in (measure or [])) if m]
    if not measures:
        raise LaxError(
            _("--measure is required (repeat it for several measures)", "必须给出 --measure（多条措施可重复该选项）")
        )
    crit = _criteria(criteria)
    on = _date(date, "--date")
    event = make_event(
        on,
        "planned",
        measures=measures,
        county_leader=_text(county_leader, "--county-leader"),
        township_leader=_text(township_leader, "--township-leader"),
        first_secretary=_text(first_secretary, "--first-secretary"),
        helping_unit=_text(helping_unit, "--helping-unit"),
        deadline=_deadline(deadline, on),
        note=_text(note, "--note"),
        recorded=recorded_stamp(recorded_by, ledger),
    )
    entry = _record(ledger, village, event, crit.policy)
    _out(
        _(
            f"planned {_where(entry)}: {len(measures)} measure(s) on {on}",
            f"已录入整改措施 {_where(entry)}：{on}，{len(measures)} 条",
        )
    )


@app.command("progress")
@command
def progress_cmd(
    village: VillageArg,
    note: Annotated[str, typer.Argument(metavar="NOTE", help="What was done.", show_default=False)],
    funds: Annotated[
        str | None, typer.Option("--funds", help="Funds spent, in yuan (e.g. 31500).", show_default=False)
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Accept funds above 10^9 yuan (recorded as confirmed).")
    ] = False,
    highlight: Annotated[
        bool, typer.Option("--highlight", help="A notable step: the reports may name it as an example.")
    ] = False,
    date: DateOpt = None,
    criteria: CriteriaOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record a dated progress report, with the funds spent.

    --funds above 10^9 yuan is refused unless --force is given (then the event says funds_confirmed: true).
    --highlight marks a notable step (highlight: true), which the county and township reports name as an
    example under 二、主要做法.

    Example: lax ledger progress 宋三村 "完成支部换届选举" --funds 31500 --date 2026-11-15
    """
    from lax.ledger import make_event

    text = _text(note, "NOTE")
    if not text:
        raise LaxError(_("NOTE is empty: say what was done", "NOTE 为空：请说明完成了什么"))
    crit = _criteria(criteria)
    on = _date(date, "--date")
    amount = _amount(funds, "--funds", force)
    from lax.ledger import FUNDS_CONFIRMED, MAX_FUNDS

    # An amount above the limit is marked confirmed, so `verify` knows it was meant and not a typo.
    confirmed = {FUNDS_CONFIRMED: True} if amount is not None and amount > MAX_FUNDS else {}
    event = make_event(
        on,
        "progress",
        note=text,
        funds=amount,
        **confirmed,
        highlight=True if highlight else None,
        recorded=recorded_stamp(recorded_by, ledger),
    )
    entry = _record(ledger, village, event, crit.policy)
    spent = _(f", {amount} yuan", f"，投入 {amount} 元") if amount is not None else ""
    if highlight:
        spent += _(" (highlighted)", "（标为典型）")
    _out(_(f"progress recorded for {_where(entry)} on {on}{spent}", f"已记录 {_where(entry)} 的整改进展：{on}{spent}"))


def _measure(text: str | None, option: str, percent: bool = False) -> int | float | None:
    """A value measured at an acceptance: a percent from 0 to 100 (`92`, `92%`, `９２％`), or a whole count of
    0 or more (`2`, `2次`)."""
    if text is None:
        return None
    raw = unicodedata.normalize("NFKC", text).strip()
    try:
        value = float(raw.rstrip("%") if percent else raw.rstrip("次"))
    except ValueError:
        value = float("nan")
    if percent:
        if not math.isfinite(value) or not 0 <= value <= 100:
            raise LaxError(
                _(f"{option}: '{text}' is not a percent from 0 to 100", f"{option}：“{text}”不是 0 到 100 之间的百分数")
            )
        return int(value) if value.is_integer() else value
    if not math.isfinite(value) or value < 0 or not value.is_integer():
        raise LaxError(
            _(f"{option}: '{text}' is not a count of 0 or more", f"{option}：“{text}”不是 0 或以上的整数次数")
        )
    return int(value)


def _measures(satisfaction: str | None, collective: str | None, leapfrog: str | None) -> dict[str, int | float]:
    """The tracked values given on the command line (`ledger open` and `ledger accept`), keyed by the
    criteria's fields (`lax.ledger.measured.ACCEPTANCE_KEYS`); those not given are left out."""
    values = (
        ("satisfaction", _measure(satisfaction, "--satisfaction", percent=True)),
        ("collective_petitions", _measure(collective, "--collective-petitions")),
        ("leapfrog_petitions", _measure(leapfrog, "--leapfrog-petitions")),
    )
    return {key: value for key, value in values if value is not None}


@app.command("accept")
@command
def accept_cmd(
    village: VillageArg,
    passed: Annotated[bool, typer.Option("--pass", help="Passed acceptance.")] = False,
    failed: Annotated[
        bool, typer.Option("--fail", help="Failed acceptance (keeps rectifying under a new time limit).")
    ] = False,
    score: Annotated[
        str | None,
        typer.Option("--score", help="Acceptance score; alone it decides by policy.pass_score.", show_default=False),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Inspecting organisation.", show_default=False)] = None,
    satisfaction: Annotated[
        str | None,
        typer.Option(
            "--satisfaction",
            help="Mass satisfaction (%) measured at the inspection, for the report's results.",
            show_default=False,
        ),
    ] = None,
    collective_petitions: Annotated[
        str | None,
        typer.Option(
            "--collective-petitions",
            help="Collective petitions counted at the inspection, for the report's results.",
            show_default=False,
        ),
    ] = None,
    leapfrog_petitions: Annotated[
        str | None,
        typer.Option(
            "--leapfrog-petitions",
            help="Leapfrog petitions counted at the inspection, for the report's results.",
            show_default=False,
        ),
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline",
            help="New time limit after a failed acceptance (default: date + policy.rectify_months).",
            show_default=False,
        ),
    ] = None,
    date: DateOpt = None,
    note: NoteOpt = None,
    criteria: CriteriaOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record the county's acceptance inspection: --pass or --fail, or --score alone to decide by the pass score.

    --pass with a score below policy.pass_score is refused as contradictory (exit 2); --fail with a passing
    score is allowed (a single veto item fails a village whatever its score). --satisfaction and the petition
    counts measured at the inspection are the "after" values of the report's 成效.

    Example: lax ledger accept 宋三村 --pass --score 85 --by 县委组织部 --date 2027-03-20
    Example: lax ledger accept 宋三村 --pass --satisfaction 92 --collective-petitions 0 --date 2027-03-20
    """
    from lax.ledger import make_event
    from lax.lifecycle import default_deadline, passes, watch_end

    crit = _criteria(criteria)
    pass_score = crit.policy.pass_score
    value = None
    if score is not None:
        try:
            value = float(unicodedata.normalize("NFKC", score).strip().rstrip("分"))
        except ValueError:
            value = float("nan")
        if not math.isfinite(value) or not 0 <= value <= 100:
            raise LaxError(
                _(f"--score: '{score}' is not a score from 0 to 100", f"--score：“{score}”不是 0 到 100 之间的分数")
            )
        value = int(value) if value.is_integer() else value
    if passed and failed:
        raise LaxError(_("give --pass or --fail, not both", "--pass 与 --fail 只能选一个"))
    if not passed and not failed:
        if value is None:
            raise LaxError(
                _(
                    "give --pass, --fail, or --score to decide by the pass score",
                    "请给出 --pass、--fail，或给出 --score 按合格分数判定",
                )
            )
        passed = passes(value, crit.policy)
    elif passed and value is not None and not passes(value, crit.policy):
        raise LaxError(
            _(
                f"--pass with --score {value} contradicts the pass score {pass_score} (policy.pass_score); "
                f"use --fail, or give --score alone to decide by it",
                f"--pass 与 --score {value} 矛盾：合格分数为 {pass_score}（policy.pass_score）；"
                f"请改用 --fail，或只给 --score 按分数判定",
            )
        )
    measured = _measures(satisfaction, collective_petitions, leapfrog_petitions)
    on = _date(date, "--date")
    limit = _deadline(deadline, on)
    if passed and limit is not None:
        raise LaxError(
            _(
                "--deadline is the new time limit of a failed acceptance; it does not go with a pass",
                "--deadline 是验收未通过时的新整改时限，验收通过时不能使用",
            )
        )
    if not passed:
        limit = limit or default_deadline(on, crit.policy)
    event = make_event(
        on,
        "acceptance",
        passed=bool(passed),
        score=value,
        **measured,
        by=_text(by, "--by"),
        deadline=limit,
        note=_text(note, "--note"),
        recorded=recorded_stamp(recorded_by, ledger),
    )
    entry = _record(ledger, village, event, crit.policy)
    if passed:
        watch = watch_end(on, crit.policy)
        _out(
            _(
                f"{_where(entry)} passed acceptance on {on}; watched until {watch}",
                f"{_where(entry)} 于 {on} 通过验收；观察期至 {watch}",
            )
        )
    else:
        _out(
            _(
                f"{_where(entry)} failed acceptance on {on}; keeps rectifying, new time limit {limit}",
                f"{_where(entry)} 于 {on} 验收未通过；继续整改，新的整改时限 {limit}",
            )
        )


@app.command("reopen")
@command
def reopen_cmd(
    village: VillageArg,
    reason: Annotated[str, typer.Option("--reason", help="What came back (the rebound).", show_default=False)] = "",
    standards: Annotated[
        str | None, typer.Option("--standards", help="Standards met again, e.g. C12.", show_default=False)
    ] = None,
    deadline: DeadlineOpt = None,
    date: DateOpt = None,
    criteria: CriteriaOrIdsOpt = None,
    criteria_file: CriteriaFileOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Reopen an accepted village whose problem rebounded in its watch year (status back to rectifying).

    Example: lax ledger reopen 宋三村 --reason "再次出现越级访" --standards C12 --date 2027-05-01
    """
    from lax.ledger import make_event
    from lax.lifecycle import default_deadline

    standards, option, criteria_file = _standards_option(standards, criteria, criteria_file)
    text = _text(reason, "--reason")
    if not text:
        raise LaxError(_("--reason is required: what came back", "必须给出 --reason：反弹的问题"))
    crit = _criteria(criteria_file)
    ids = _standards(standards, crit, option) if standards else None
    on = _date(date, "--date")
    limit = _deadline(deadline, on) or default_deadline(on, crit.policy)
    event = make_event(
        on, "reopened", reason=text, criteria=ids, deadline=limit, recorded=recorded_stamp(recorded_by, ledger)
    )
    entry = _record(ledger, village, event, crit.policy)
    _out(
        _(
            f"reopened {_where(entry)} on {on} (rebound); time limit {limit}",
            f"{_where(entry)} 于 {on} 反弹，重新整改；整改时限 {limit}",
        )
    )


@app.command("close")
@command
def close_cmd(
    village: VillageArg,
    date: DateOpt = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Organisation that cancels the account.", show_default=False)
    ] = None,
    note: NoteOpt = None,
    criteria: CriteriaOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Cancel the account (销号): refused unless the last acceptance passed and the watch period ended with no rebound.

    Example: lax ledger close 宋三村 --date 2028-03-21
    """
    from lax.ledger import make_event

    crit = _criteria(criteria)
    on = _date(date, "--date")
    event = make_event(
        on, "closed", by=_text(by, "--by"), note=_text(note, "--note"), recorded=recorded_stamp(recorded_by, ledger)
    )
    entry = _record(ledger, village, event, crit.policy)
    _out(_(f"closed {_where(entry)} on {on} (account cancelled)", f"{_where(entry)} 已于 {on} 销号"))


@app.command("show")
@command
def show_cmd(
    village: VillageArg,
    as_of: AsOfOpt = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    criteria: CriteriaOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    lang: LangOpt = None,
) -> None:
    """Show one village: its state on a date and its events up to that date.

    Example: lax ledger show 宋三村 --as-of 2027-01-01 --format json
    """
    from lax.ledger import show_data

    fmt = _format(format, ("table", "json"))
    crit = _criteria(criteria)
    on = _date(as_of, "--as-of")
    entry = _find(ledger, village)
    data = show_data(entry, on, crit.policy, [f.id for f in crit.tracked_fields])
    if fmt == "json":
        _out(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_show(data, on, _field_title(crit))


@app.command("list")
@command
def list_cmd(
    status: Annotated[
        str | None, typer.Option("--status", help="identified, rectifying, accepted or closed.", show_default=False)
    ] = None,
    township: Annotated[str | None, typer.Option("--township", help="Only this township.", show_default=False)] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only villages past their time limit.")] = False,
    as_of: AsOfOpt = None,
    format: Annotated[str, typer.Option("--format", help="table, json, csv or xlsx.")] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write to this file (needed for xlsx).", show_default=False)
    ] = None,
    criteria: CriteriaOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    lang: LangOpt = None,
) -> None:
    """List the villages in the ledger with their state on a date.

    Example: lax ledger list --status rectifying --overdue --as-of 2027-04-01
    """
    from lax.ledger import list_view
    from lax.lifecycle import STATUSES

    fmt = _format(format, ("table", "json", "csv", "xlsx"))
    if status is not None and status.strip().lower() not in STATUSES:
        raise LaxError(
            _(
                f"--status: '{status}' is not one of {', '.join(STATUSES)}",
                f"--status：“{status}”不在 {', '.join(STATUSES)} 之中",
            )
        )
    if fmt == "xlsx" and output is None:
        raise LaxError(_("--format xlsx needs --output FILE.xlsx", "--format xlsx 需要 --output FILE.xlsx"))
    crit = _criteria(criteria)
    keep = [ledger, *([criteria] if criteria is not None else [])]  # an output never lands on what it reads
    if output is not None:
        from lax.files import check_output

        check_output(output, keep)
    on = _date(as_of, "--as-of")
    _check_folder(ledger)
    view, problems = list_view(ledger, on, crit.policy)
    # Each village's JSON text comes from the list's cache (one read for 10,000 villages); the other formats
    # decode it once.
    lines = view.lines(status.strip().lower() if status else None, township.strip() if township else None, overdue)
    if fmt == "json":
        # One village per line: readable, diff-friendly, and the same text whether cached or just encoded.
        rows = ",\n".join(lines)
        _emit(f'{{"as_of": "{on.isoformat()}", "villages": [' + (f"\n{rows}\n" if rows else "") + "]}", output, keep)
        _warn(problems)
        return
    data = {"as_of": on.isoformat(), "villages": view.rows(lines)}
    if fmt == "csv":
        from lax.ledger.excel_export import list_csv

        _emit(list_csv(data["villages"]), output, keep)
    elif fmt == "xlsx":
        from lax.ledger.excel_export import write_list_xlsx

        write_list_xlsx(data["villages"], output, crit, keep=keep)
        _out(
            _(
                f"wrote {len(data['villages'])} village(s) to {output}",
                f"已将 {len(data['villages'])} 个村写入 {output}",
            )
        )
    else:
        _emit(_list_table(data), output, keep)
    _warn(problems)


def _emit(text: str, output: Path | None, keep: list[Path] | tuple = ()) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from lax.files import atomic_path

    # Through a temporary file: a full disk half-way leaves the previous output as it was.
    with atomic_path(output, keep) as tmp:
        tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def _warn(problems: list) -> None:
    """A ledger with broken files still lists; the problems go to stderr as `FILE:LINE: message` and the exit
    code is 2. (`ledger export`'s township problems still come from `lax.ledger.excel` as text.)"""
    if not problems:
        return
    from lax.cli.common import err
    from lax.ledger import problem_text

    for p in problems[:20]:
        err(p if isinstance(p, str) else problem_text(p))
    if len(problems) > 20:
        err(
            _(
                f"... and {len(problems) - 20} more (lax ledger verify lists them all)",
                f"……另有 {len(problems) - 20} 处（lax ledger verify 会全部列出）",
            )
        )
    raise typer.Exit(2)


@app.command("verify")
@command
def verify_cmd(
    format: Annotated[str, typer.Option("--format", help="table (FILE:LINE: message) or json.")] = "table",
    criteria: CriteriaOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    lang: LangOpt = None,
) -> None:
    """Check every file of the ledger, hand edits included: FILE:LINE: message for each problem (exit 2 if any).

    --format json prints {"files": N, "problems": [{"code", "path", "line", "message", ...}]}, the same
    problem shape as lax check.

    Example: lax ledger verify --ledger ledger --format json
    """
    from lax.cli.common import err
    from lax.ledger import problem_text, verify_checked

    fmt = _format(format, ("table", "json"))
    crit = _criteria(criteria)
    files, problems = verify_checked(ledger, crit.policy, set(crit.ids), {f.id: f for f in crit.fields})
    if fmt == "json":
        _out(json.dumps({"files": files, "problems": [p.to_dict() for p in problems]}, ensure_ascii=False, indent=2))
    else:
        for p in problems:
            _out(problem_text(p))
    if problems:
        err(_(f"{len(problems)} problem(s) in {files} file(s)", f"{files} 个文件中有 {len(problems)} 处问题"))
        raise typer.Exit(2)
    err(_(f"{files} file(s) checked, no problems", f"已检查 {files} 个文件，没有问题"))


@app.command("start")
@command
def start_cmd(
    quarter: Annotated[
        str | None,
        typer.Argument(
            metavar="[QUARTER]",
            help="The ledger's first quarter: 2026Q3, 2026-Q3 or 2026年第三季度 (without it: show it).",
            show_default=False,
        ),
    ] = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Set (or show) the ledger's first quarter: quarterly submissions are counted as missing only from it on.

    Without it, the ledger starts at the quarter of the first submission recorded. Kept in _ledger.yaml.

    Example: lax ledger start 2026Q3
    """
    from lax.ledger import read_start, set_start, township_files_read
    from lax.ledger.start import earliest_submission, start_path
    from lax.report import quarter_key

    path = start_path(ledger)
    if quarter is None:
        _check_folder(ledger)
        start = read_start(ledger)
        if start is not None:
            _out(_(f"the ledger starts at {start} (set in {path})", f"台账起始季度为 {start}（见 {path}）"))
            return
        files, _problems = township_files_read(ledger)
        first = earliest_submission(files)
        if first is None:
            _out(
                _(
                    "no first quarter set and no submission recorded yet: no quarterly submission is counted as "
                    "missing (set one with lax ledger start 2026Q3)",
                    "尚未设置起始季度，也未记录任何报送：不统计未报送的季度（可用 lax ledger start 2026Q3 设置）",
                )
            )
            return
        _out(
            _(
                f"the ledger starts at {first[0]}, the quarter of the first submission recorded ({first[1]}); "
                "none set in " + str(path),
                f"台账起始季度为 {first[0]}，即最早一次报送所属季度（{first[1]}）；{path} 未设置",
            )
        )
        return
    key = quarter_key(quarter)
    if key is None:
        raise LaxError(
            _(
                f"QUARTER: '{quarter}' is not a quarter (expected e.g. 2026Q3, 2026-Q3 or 2026年第三季度)",
                f"QUARTER：“{quarter}”不是季度（应为 2026Q3、2026-Q3 或 2026年第三季度 这样的写法）",
            )
        )
    if ledger.exists() and not ledger.is_dir():
        _check_folder(ledger)
    old = set_start(ledger, key, recorded_stamp(recorded_by, ledger))
    if old == key:
        _out(
            _(
                f"the ledger already starts at {key} ({path}); nothing written",
                f"台账起始季度已是 {key}（{path}）；未写入",
            )
        )
    elif old is not None:
        _out(
            _(
                f"the ledger now starts at {key} (was {old}): submissions before it are not counted as missing ({path})",
                f"台账起始季度改为 {key}（原为 {old}）：此前的季度不统计未报送（{path}）",
            )
        )
    else:
        _out(
            _(
                f"the ledger starts at {key}: submissions before it are not counted as missing ({path})",
                f"台账起始季度设为 {key}：此前的季度不统计未报送（{path}）",
            )
        )


@app.command("log")
@command
def log_cmd(
    since: Annotated[
        str | None, typer.Option("--since", help="Only events recorded on or after this date.", show_default=False)
    ] = None,
    village: Annotated[
        str | None,
        typer.Option("--village", show_default=False, help="Only this village (code, name, or township/village)."),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Only events recorded by this name.", show_default=False)
    ] = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    criteria: CriteriaOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    lang: LangOpt = None,
) -> None:
    """List the events of the whole ledger in the order they were recorded, with who recorded each.

    Events typed by hand (without `recorded`) come first, by their date, marked as not recorded by lax.

    Example: lax ledger log --since 2026-10-01 --by 李明
    """
    from lax.ledger import find_village, log_data
    from lax.ledger.recorder import clean_name

    fmt = _format(format, ("table", "json"))
    day = parse_date_option(since, "--since")
    if by is not None and clean_name(by) is None:
        raise LaxError(_(f"--by: '{by}' is not a name", f"--by：“{by}”不是姓名"))
    entries, problems = _entries(ledger)
    one = find_village(entries, village, ledger) if village is not None else None
    from lax.ledger import load_work

    work, work_problems = load_work(ledger) if one is None else ([], [])
    rows, more = log_data(ledger, entries, day, one, by, work)
    more = more + work_problems
    if fmt == "json":
        lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
        _out('{"events": [' + (f"\n{lines}\n" if lines else "") + "]}")
    else:
        sys.stdout.write(_log_table(rows, _field_title(_criteria(criteria))))
    _warn(problems + more)


@app.command("import")
@command
@reads_spreadsheets
def import_cmd(
    file: Annotated[
        Path, typer.Argument(metavar="LEDGER.xlsx", help="An existing Excel ledger (台账).", show_default=False)
    ],
    sheet: Annotated[str | None, typer.Option("--sheet", help="Read only this sheet.", show_default=False)] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", help="Identification date for rows without 认定时间 (default: today).", show_default=False
        ),
    ] = None,
    channel: Annotated[str, typer.Option("--channel", help="Channel for the imported rounds.")] = "self",
    criteria: CriteriaOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Read an existing Excel ledger (台账) into village files: all rows or, if any cell is bad, none.

    Example: lax ledger import 2026年软弱涣散村整顿台账.xlsx --ledger ledger
    """
    from lax.ledger.excel_import import import_ledger

    crit = _criteria(criteria)
    on = _date(date, "--date")
    result = import_ledger(
        file, ledger, crit, on, _channel(channel), sheet, recorded=recorded_stamp(recorded_by, ledger)
    )
    _out(
        _(
            f"imported {result.villages} village(s) from {file} into {ledger}: {result.created} new file(s), "
            f"{result.unchanged} already there",
            f"已从 {file} 导入 {result.villages} 个村到 {ledger}：新建 {result.created} 个文件，{result.unchanged} 个已存在",
        )
    )


@app.command("export")
@command
def export_cmd(
    output: Annotated[Path, typer.Argument(metavar="OUT.xlsx", help="Excel file to write.", show_default=False)],
    as_of: AsOfOpt = None,
    status: Annotated[str | None, typer.Option("--status", help="Only this status.", show_default=False)] = None,
    township: Annotated[str | None, typer.Option("--township", help="Only this township.", show_default=False)] = None,
    criteria: CriteriaOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    lang: LangOpt = None,
) -> None:
    """Write the ledger as an Excel 台账 (one row per village, its current round), readable by lax ledger import.

    Example: lax ledger export 台账.xlsx --as-of 2026-12-31
    """
    from lax.ledger.excel_export import export_ledger, start_file, township_files, work_files
    from lax.lifecycle import STATUSES

    if status is not None and status.strip().lower() not in STATUSES:
        raise LaxError(
            _(
                f"--status: '{status}' is not one of {', '.join(STATUSES)}",
                f"--status：“{status}”不在 {', '.join(STATUSES)} 之中",
            )
        )
    crit = _criteria(criteria)
    keep = [ledger, *([criteria] if criteria is not None else [])]  # the 台账 never lands in the ledger itself
    from lax.files import check_output

    check_output(output, keep)
    on = _date(as_of, "--as-of")
    entries, problems = _entries(ledger)
    towns, town_problems = township_files(ledger)
    whole = status is None and township is None  # the work records and the first quarter: a full export only
    work, work_problems = work_files(ledger) if whole else ([], [])
    start, start_problems = start_file(ledger) if whole else (None, [])
    count = export_ledger(
        entries,
        output,
        crit,
        on,
        status.strip().lower() if status else None,
        township.strip() if township else None,
        towns,
        keep=keep,
        work=work,
        start=start,
    )
    _out(_(f"wrote {count} village(s) to {output}", f"已将 {count} 个村写入 {output}"))
    _warn(problems + town_problems + work_problems + start_problems)


# ------------------------------------------------------------------------------------------- tables


_EVENT_LABELS = {key: (t.en, t.zh) for key, t in terms.EVENT_TYPES.items()}
_KEY_LABELS = {
    "channel": ("channel", "渠道"),
    "criteria": ("standards", "情形"),
    "evidence": ("evidence", "依据"),
    "deadline": ("time limit", "时限"),
    "source": ("source", "来源"),
    "note": ("note", "备注"),
    "measures": ("measures", "措施"),
    **{key: (t.en, t.zh) for key, t in terms.ROLES.items()},
    "funds": ("funds (yuan)", "资金（元）"),
    "passed": ("passed", "通过"),
    "score": ("score", "得分"),
    "satisfaction": ("satisfaction (%)", "群众满意度（%）"),
    "collective_petitions": ("collective petitions", "集体访次数"),
    "leapfrog_petitions": ("leapfrog petitions", "越级访次数"),
    "by": ("by", "单位"),
    "reason": ("reason", "原因"),
    "recorded": ("recorded", "录入"),
    "quarter": ("quarter", "季度"),
    "villages": ("villages", "村数"),
    "profile": ("profile", "基本情况"),
    "kind": ("kind", "类别"),
    "text": ("what was done", "内容"),
    "people": ("people", "人数"),
}


def _label(pair: tuple[str, str] | None, fallback: str) -> str:
    return _(*pair) if pair else fallback


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _fmt_value(value) -> str:
    from lax.show import value_text

    if isinstance(value, list):
        return "、".join(_fmt_value(v) for v in value)
    if isinstance(value, dict):
        # evidence: {C05: {election_completed: false}} -> "C05 election_completed=no"
        return "; ".join(
            f"{k} " + ", ".join(f"{fk}={_fmt_value(fv)}" for fk, fv in v.items())
            if isinstance(v, dict)
            else f"{k}={_fmt_value(v)}"
            for k, v in value.items()
        )
    return value_text(value, blank="None")  # a null a hand edit left, shown as it was written


def _detail(key: str, value, field_title=None) -> str:
    """One key of an event for people: a channel by its name, `source` as FILE:SHEET:ROW (`lax.problems.place`
    in Chinese), `recorded` as who, when, the evidence with each field by its title (`field_title`)."""
    if key == "evidence" and isinstance(value, dict) and field_title is not None:
        from lax.show import evidence_text

        return evidence_text(value, field_title)
    if key == "profile" and isinstance(value, dict):
        return _profile_text(value, field_title)
    if key == "channel":
        return _channel_label(value)
    if key == "kind":
        return terms.name(terms.WORK_KINDS, value)
    if key == "source":
        from lax.ledger.recorder import source_text

        return source_text(value)
    if key == "recorded" and isinstance(value, dict):
        return f"{value.get('by')}{_(', ', '，')}{value.get('at')}"
    return _fmt_value(value)


def _details(event: dict, skip: tuple[str, ...], field_title=None) -> str:
    sep, colon = _("; ", "；"), _(": ", "：")
    return sep.join(
        f"{_label(_KEY_LABELS.get(k), k)}{colon}{_detail(k, v, field_title)}" for k, v in event.items() if k not in skip
    )


def _field_title(crit):
    """Field id -> its title in the language (an id the criteria file does not know, as written)."""
    return lambda f: crit.field(f).title() if f in crit.index else f


def _log_table(rows: list[dict], field_title=None) -> str:
    """`ledger log` as an aligned table (CJK-width aware): when and by whom, the event, the village, its details."""
    headers = [
        _("Recorded at", "录入时间"),
        _("By", "录入人"),
        _("Date", "日期"),
        _("Event", "事件"),
        _("Village", "村"),
        _("Details", "详情"),
    ]
    table = []
    for r in rows:
        rec = r["recorded"]
        when, who = (rec["at"], rec["by"]) if rec else (_("not recorded by lax", "手工录入"), "")
        where = f"{r['township']}/{r['village']}" if r["village"] else r["township"] or _("county", "县级")
        event = {
            k: v
            for k, v in r.items()
            if k not in ("township", "village", "code", "date", "type", "recorded", "path", "line", "level")
        }
        table.append(
            [
                when,
                who,
                r["date"],
                _label(_EVENT_LABELS.get(r["type"]), r["type"]),
                where,
                " ".join(_details(event, (), field_title).split()),
            ]
        )
    return _aligned(headers, table, _(f"{len(rows)} event(s)", f"共 {len(rows)} 条记录"))


def _channel_label(channel) -> str:
    term = terms.CHANNELS.get(channel) if isinstance(channel, str) else None
    return term.label() if term else str(channel)


def _profile_text(profile: dict, field_title=None) -> str:
    """`党员人数 = 31, 有固定活动场所 = 是`: the profile by the fields' titles (ids the criteria lack as they are)."""
    from lax.show import value_text

    title = field_title or (lambda f: f)
    return _(", ", "，").join(f"{title(k)} = {value_text(v)}" for k, v in profile.items())


def _measured_text(measured: dict, field_title=None) -> str:
    """`群众满意度 58（2026-03-01）→ 92（2026-08-01），集体访次数 4（2026-03-01）→ 未再测`: each measure at
    identification and the latest after it."""
    from lax.show import value_text

    title = field_title or (lambda f: f)

    def one(value, on) -> str:
        if value is None:
            return _("not measured", "未测")
        return f"{value_text(value)}{_(' (', '（')}{on}{_(')', '）')}"

    return _("; ", "；").join(
        f"{title(k)} {one(m['before'], m['before_on'])} → {one(m['after'], m['after_on'])}" for k, m in measured.items()
    )


def _print_show(data: dict, on: dt.date, field_title=None) -> None:
    from rich.markup import escape
    from rich.table import Table

    from lax.lifecycle import status_label

    console = _console()
    code = f" ({data['code']})" if data["code"] else ""
    console.print(escape(f"{data['township']}/{data['village']}{code}") + "  " + escape(_(f"as of {on}", f"截至 {on}")))
    facts = [
        (
            _("Status", "状态"),
            status_label(data["status"]) + (_(" (overdue)", "（已超期）") if data["overdue"] else ""),
        ),
        (_("Standards", "认定情形"), "、".join(data["criteria"]) or "-"),
        (_("Time limit", "整改时限"), data["deadline"] or "-"),
        (_("Watched until", "观察期至"), data["watch_until"] or "-"),
        (_("Rounds", "轮次"), str(data["rounds"])),
        (_("Funds (yuan)", "投入资金（元）"), _fmt_value(data["funds"])),
    ]
    if data.get("profile"):
        facts.append((_("Profile", "基本情况"), _profile_text(data["profile"], field_title)))
    if data.get("measured"):
        facts.append((_("Before / after", "整改前后"), _measured_text(data["measured"], field_title)))
    for k, v in facts:
        console.print(escape(f"  {k}{_(': ', '：')}{v}"))
    from rich import box

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(_("Date", "日期"), no_wrap=True)
    table.add_column(_("Event", "事件"), no_wrap=True)
    table.add_column(_("Details", "详情"), overflow="fold")  # Chinese runs have no spaces to wrap at: folded, never cut
    for e in data["events"]:
        details = _details(e, ("date", "type"), field_title)
        table.add_row(e["date"], _label(_EVENT_LABELS.get(e["type"]), e["type"]), escape(details))
    console.print(table)


def _list_table(data: dict) -> str:
    """The list as an aligned table (CJK-width aware); never cropped, and fast for 10,000 villages."""
    from lax.lifecycle import status_label

    villages = data["villages"]
    headers = [
        _("Township", "乡镇"),
        _("Village", "村名"),
        _("Code", "村代码"),
        _("Status", "状态"),
        _("Overdue", "超期"),
        _("Time limit", "整改时限"),
        _("Watched until", "观察期至"),
        _("Standards", "认定情形"),
        _("Rounds", "轮次"),
    ]
    rows = [
        [
            v["township"],
            v["village"],
            v["code"] or "",
            status_label(v["status"]),
            _("yes", "是") if v["overdue"] else "",
            v["deadline"] or "",
            v["watch_until"] or "",
            ",".join(v["criteria"]),
            str(v["rounds"]),
        ]
        for v in villages
    ]
    footer = _(f"{len(villages)} village(s) as of {data['as_of']}", f"截至 {data['as_of']} 共 {len(villages)} 个村")
    return _aligned(headers, rows, footer)


def _aligned(headers: list[str], rows: list[list[str]], footer: str) -> str:
    """Text columns aligned by display width (a Chinese character is two columns), a rule under the header,
    then a footer line: never cropped, and fast for 10,000 rows (rich's Table is not)."""
    from rich.cells import cell_len

    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - cell_len(c)) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(headers), line(["─" * w for w in widths]), *map(line, rows), footer]) + "\n"


@app.command("due")
@command
def due_cmd(
    within: Annotated[
        int,
        typer.Option("--within", help="Days ahead to look for time limits and watch years ending.", min=0, max=3660),
    ] = 30,
    as_of: AsOfOpt = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    criteria: CriteriaOpt = None,
    ledger: LedgerOpt = DEFAULT_LEDGER,
    lang: LangOpt = None,
) -> None:
    """The to-do list: villages overdue, time limits within N days, accounts that can be closed (or will be
    within N days), townships whose quarterly examination is late or missing.

    Example: lax ledger due --within 60 --as-of 2027-04-01
    """
    from lax.due import due_data
    from lax.i18n import get_lang
    from lax.ledger import load_townships_checked
    from lax.lifecycle import status_label

    fmt = _format(format, ("table", "json"))
    crit = _criteria(criteria)
    on = _date(as_of, "--as-of")
    entries, problems = _entries(ledger)
    towns, town_problems = load_townships_checked(ledger)
    from lax.ledger import read_start

    data = due_data(entries, towns, crit, on, within, get_lang(), start=read_start(ledger))
    if fmt == "json":
        _out(json.dumps(data, ensure_ascii=False, indent=2))
        _warn(problems + town_problems)
        return
    sections = [
        ("overdue", _("Overdue (past the time limit)", "已超期（超过整改时限）"), _("days over", "超期天数")),
        ("due", _(f"Time limit within {within} days", f"{within} 天内到期"), _("days left", "剩余天数")),
        ("closable", _("Watch year over: can be closed", "观察期满：可销号"), _("days since", "已满天数")),
        (
            "watch_ending",
            _(f"Watch year ending within {within} days", f"{within} 天内观察期满"),
            _("days left", "剩余天数"),
        ),
    ]
    out = [_(f"To do as of {data['as_of']}", f"截至 {data['as_of']} 的待办事项")]
    for key, title, days in sections:
        rows = data[key]
        out.append("")
        out.append(f"{title}: {len(rows)}")
        if rows:
            table = [
                [
                    r["township"],
                    r["village"],
                    r["code"] or "",
                    status_label(r["status"]),
                    (r["deadline"] if key in ("overdue", "due") else r["watch_until"]) or "",
                    str(abs(r["days"]) if r["days"] is not None else ""),
                ]
                for r in rows
            ]
            date_head = _("Time limit", "整改时限") if key in ("overdue", "due") else _("Watched until", "观察期至")
            out.append(
                _aligned(
                    [
                        _("Township", "乡镇"),
                        _("Village", "村名"),
                        _("Code", "村代码"),
                        _("Status", "状态"),
                        date_head,
                        days,
                    ],
                    table,
                    "",
                ).rstrip("\n")
            )
    late = data["late_submissions"]
    out.append("")
    out.append(
        _(
            f"Quarterly examinations late or missing (since {data['submissions_from']}): {len(late)}",
            f"季度排查逾期或未报送（自 {data['submissions_from']} 起）：{len(late)}",
        )
    )
    if late:
        table = [[r["township"], r["quarter_label"], r["due"], r["status_text"]] for r in late]
        out.append(
            _aligned(
                [_("Township", "乡镇"), _("Quarter", "季度"), _("Due", "截止日期"), _("Status", "状态")], table, ""
            ).rstrip("\n")
        )
    sys.stdout.write("\n".join(out) + "\n")
    _warn(problems + town_problems)


# `lax ledger work` lives in its own module and registers itself on this group.
from lax.cli import work as _work  # noqa: E402, F401
