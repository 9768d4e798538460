"""What a report says, computed from the ledger as of the period's end: the template context.

Owns the figures (villages identified by standard, channel and township, the villages named in each
figure, acceptance, watch year, rebounds, funds, missed inclusions, late quarterly submissions, and per
village its standards, measures, responsible people, progress and acceptance), one step per section of
the report (`build_context` lists them), and finding a township by name.

Pure: ledger entries, township records, criteria and a period come in; plain dicts, lists, strings and
numbers go out, so a template can only read them and the whole context can be dumped as JSON. Every event
dated after the period's end is ignored, so a past quarter's report comes out the same whenever it is
drafted.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lax import terms
from lax.i18n import _
from lax.problems import LaxError
from lax.report.appendix import build_appendix
from lax.report.period import Period, quarter_bounds, quarter_key, quarter_label, quarters_ending_in
from lax.report.practices import practices, results
from lax.report.profile import ProfileSpec, support, village_profile
from lax.report.words import (
    channel_text,
    date_span,
    evidence_text,
    full_name,
    prose_title,
    status_text,
    submissions_said,
)
from lax.show import as_date, decimal, long_date
from lax.show import in_lang as _t

LEVELS = tuple(terms.LEVELS)  # county, township, village


def _plain_number(d: int | Decimal) -> int | float:
    """An amount for the context: an int when whole, else a float rounded to the fen."""
    if type(d) is int:
        return d
    if d == d.to_integral_value():
        return int(d)
    return float(d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def build_context(
    entries: Sequence[Any],
    townships: Mapping[str, Sequence[Any]],
    criteria: Any,
    period: Period,
    *,
    lang: str = "en",
    level: str = "county",
    township: str | None = None,
    village: Any = None,
    org: str | None = None,
    drafted: dt.date | None = None,
    work: Sequence[Any] = (),
    start: str | None = None,
    explain: bool = False,
) -> dict[str, Any]:
    """The template context for one report (every key is documented in the README).

    `entries` are ledger entries (`lax.ledger.Entry`), `townships` the township records
    (`lax.ledger.load_townships`), `village` the entry of a village-level report, `work` the work records
    (`lax.ledger.work.load_work`) that 二、主要做法 is drafted from, `drafted` the day the report is drafted
    (the date of its 落款; by default the period's as-of date). Figures cover the
    villages *on the ledger during the period*: a round opened by its end and not closed before it began.
    `start` is the ledger's first quarter as `lax ledger start` set it (`lax.ledger.read_start`), else the
    quarter of the first submission is taken (`first_quarter`): no quarter before it counts as missing.
    Each section of the report is one step below, in the order the context lists them.
    Each section of the report is one step below, in the order the context lists them. With `explain`,
    `appendix.figures` traces every figure to its villages and ledger lines (`lax.report.appendix`).
    """
    if level not in LEVELS:
        raise LaxError(
            _(
                f"level: '{level}' is not county, township or village",
                f"报告级别：“{level}”不是 county、township 或 village",
            )
        )
    order = known_townships(entries, townships)
    rank = {t: i for i, t in enumerate(order)}
    scope_entries, scope_townships = _scope(entries, order, level, township, village)
    villages, missed, funds_by_township = _villages(scope_entries, rank, criteria, period, level, lang)
    if level == "village" and not villages:
        raise LaxError(
            _(
                f"{village.township}/{village.village} had not been identified by "
                f"{period.as_of.isoformat()}: there is nothing to report for it",
                f"截至 {period.as_of.isoformat()}，{village.township}{village.village}尚未被确定为整顿对象，"
                "无可报告的内容",
            )
        )
    funds_total = sum(funds_by_township.values())
    funds_period = sum(v["_funds_period"] for v in villages)
    funds_period_by_township = _settle_funds(villages)
    titles = _Titles(criteria, lang)
    groups = _groups(villages)
    missed_rows = _missed_by_township(missed, scope_entries, period, rank)
    first = first_quarter(start, townships, period.as_of)
    quarters = [(y, q) for y, q in quarters_ending_in(period) if first is not None and f"{y}Q{q}" >= first]
    submission_rows, late = _submissions(scope_townships, townships, quarters, period, lang)
    examined, examined_by_township = _examined(scope_townships, townships, period, first)
    township_rows = _township_rows(
        scope_townships, villages, groups, missed_rows, submission_rows, funds_period_by_township, funds_by_township
    )
    for row in township_rows:
        row.update(examined_by_township[row["township"]])
        # the statistics table's cell: its quarters not on time, grouped, in words ("第三、四季度未报送")
        not_on_time = [r for r in submission_rows.get(row["township"], ()) if r["status"] != "on_time"]
        said = submissions_said(not_on_time, lang, with_year=period.start.year != period.end.year)
        row["submissions_said"] = said[0]["said"] if said else ""
    policy = criteria.policy
    context = {
        "lang": lang,
        "level": level,
        "org": org or "",
        "scope": _scope_names(level, township, village, lang),
        "period": {
            "kind": period.kind,
            "key": period.key,
            "label": period.label(lang),
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "as_of": period.as_of.isoformat(),
            "year": period.year,
            "quarter": period.quarter,
            "complete": period.as_of == period.end,
        },
        "criteria": {
            "name": criteria.name(lang),
            "version": criteria.version,
            "count": len(criteria.criteria),
            "rectify_months": policy.rectify_months,
            "watch_months": policy.watch_months,
            "pass_score": policy.pass_score,
        },
        "standards": _by_standard(villages, criteria, titles),
        "channels": _by_channel(villages, lang),
        **groups,
        "funds": {"period": _plain_number(funds_period), "total": _plain_number(funds_total)},
        "responsible": {role: sum(1 for v in villages if v[role]) for role in terms.ROLES},
        "missed_inclusions": {
            "count": len(missed),
            "villages": missed,
            "townships": missed_rows,
            "escalated": [m["township"] for m in missed_rows if m["escalate"]],
        },
        "submissions": {
            "quarters": [
                {"key": f"{y}Q{q}", "label": quarter_label(y, q, lang), "due": quarter_bounds(y, q)[1].isoformat()}
                for y, q in quarters
            ],
            "late": late,
            # the same, each township once and its quarters grouped ("中童镇第三、四季度未报送"); a period
            # within one year names its quarters without the year, which the title gives
            "late_by_township": submissions_said(late, lang, with_year=period.start.year != period.end.year),
            "late_count": sum(1 for r in late if r["status"] == "late"),
            "missing_count": sum(1 for r in late if r["status"] == "missing"),
            "first_quarter": first,
        },
        "examined": examined,
        "townships": township_rows,
        "practices": practices(  # a village's report says what the village did, not the county's work
            villages, work if level != "village" else (), period, lang, township if level == "township" else None
        ),
        "results": results(
            scope_entries,
            villages,
            period,
            lang,
            [c.id for c in criteria.criteria if "election_completed" in c.fields],
            getattr(criteria, "tracked_fields", ()),
        ),
        "villages": villages,
        "village": villages[0] if level == "village" else None,
        "deadlines": deadline_groups(groups["rectifying"]["villages"], lang),
        "signature": {"org": org or "", "date": (drafted or period.as_of).isoformat()},
    }
    context["appendix"] = build_appendix(context, scope_entries, townships, period, explain=explain)
    return context


def choose_level(
    level: str | None, township: str | None, village: str | None, *, names: Mapping[str, str] | None = None
) -> str:
    """The level of a report: as asked, else village with a village named, township with a township, else
    county. A county report covers every township and village, so a narrower choice beside it is a mistake,
    not a filter; likewise a village beside a township report.

    `names` says what messages call the inputs: `township`, `village`, and `level` as a template for one
    level (the CLI gives `--township`, `--village`, `--level {}`); by default, what they are."""
    n = {"township": _("the township", "乡镇"), "village": _("the village", "村"), **(names or {})}

    def a(level_: str) -> str:
        if "level" in n:
            return n["level"].format(level_)
        return _(f"a {level_} report", f"{terms.LEVELS[level_].zh}报告")

    chosen = level if level is not None else ("village" if village else "township" if township else "county")
    if chosen == "county" and (township or village):
        given, instead = (n["township"], "township") if township else (n["village"], "village")
        raise LaxError(
            _(
                f"{a('county')} covers every township; leave out {given}, or use {a(instead)}",
                f"{a('county')} 覆盖全部乡镇；请去掉 {given}，或改用 {a(instead)}",
            )
        )
    if chosen == "township" and village:
        raise LaxError(
            _(
                f"{a('township')} covers the whole township; leave out {n['village']}, or use {a('village')}",
                f"{a('township')} 覆盖整个乡镇；请去掉 {n['village']}，或改用 {a('village')}",
            )
        )
    return chosen


def _scope(
    entries: Sequence[Any], order: list[str], level: str, township: str | None, village: Any
) -> tuple[list[Any], list[str]]:
    """The entries and the townships a report of `level` covers."""
    if level == "village":
        if village is None:
            raise LaxError(_("a village-level report needs a village", "村级报告需要指定村"))
        return [village], [village.township]
    if level == "township":
        if township is None:
            raise LaxError(_("a township-level report needs a township", "乡镇级报告需要指定乡镇"))
        return [e for e in entries if e.township == township], [township]
    return list(entries), order


def _scope_names(level: str, township: str | None, village: Any, lang: str) -> dict[str, Any]:
    """`scope`: what the report is about, by name."""
    if level == "village":
        name = full_name(village.township, village.village, lang)
    elif level == "township":
        name = township
    else:
        name = _t(lang, "the county", "全县")
    return {
        "level": level,
        "name": name,
        "township": township if level == "township" else (village.township if level == "village" else None),
        "village": village.village if level == "village" else None,
    }


def _villages(
    scope_entries: list[Any], rank: dict[str, int], criteria: Any, period: Period, level: str, lang: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, int | Decimal]]:
    """`villages`: every village on the ledger during the period, in report order (township, code, name);
    with the missed inclusions dated in the period, and each township's funds over all rounds."""
    from lax.lifecycle import state_as_of

    as_of, policy = period.as_of, criteria.policy

    def entry_key(e: Any) -> tuple:
        return (rank.get(e.township, len(rank)), str(e.code) if e.code else "\uffff", e.village)

    titles = _Titles(criteria, lang)
    villages: list[dict[str, Any]] = []
    missed: list[dict[str, Any]] = []
    funds_by_township: dict[str, int | Decimal] = {}
    for entry in sorted(scope_entries, key=entry_key):
        events = [ev for ev in entry.events if ev.date <= as_of]
        for ev in events:
            if ev.type == "missed_inclusion" and period.contains(ev.date):
                missed.append(
                    {**_ref(entry, lang), "date": ev.date.isoformat(), "criteria": _as_list(ev.data.get("criteria"))}
                )
        state = state_as_of(entry.events, as_of, policy)
        if state.status is None:
            continue
        record = _village_record(entry, events, state, period, titles, lang)
        funds_by_township[entry.township] = funds_by_township.get(entry.township, 0) + record["_funds_all"]
        if (
            level != "village"
            and record["status"] == "closed"
            and record["_closed_on"] is not None
            and record["_closed_on"] < period.start
        ):
            continue  # its account was cancelled before this period began: not part of this report
        villages.append(record)
    return villages, missed, funds_by_township


def _settle_funds(villages: list[dict[str, Any]]) -> dict[str, int | Decimal]:
    """Each township's funds spent in the period, from the villages' exact sums, which are then removed
    (the context holds only plain numbers)."""
    by_township: dict[str, int | Decimal] = {}
    for v in villages:
        t = v["township"]
        by_township[t] = by_township.get(t, 0) + v["_funds_period"]
        del v["_funds_period"], v["_funds_all"], v["_closed_on"]
    return by_township


def _by_standard(villages: list[dict[str, Any]], criteria: Any, titles: _Titles) -> list[dict[str, Any]]:
    """`standards`: every standard of the criteria in order, then any other standard the ledger names."""
    by_standard: dict[str, list[dict[str, Any]]] = {}
    for v in villages:
        for st in v["standards"]:
            by_standard.setdefault(st["id"], []).append(v)
    standard_ids = list(criteria.ids) + sorted(set(by_standard) - set(criteria.ids))
    standards = []
    for cid in standard_ids:
        named = by_standard.get(cid, [])
        standards.append(
            {
                "id": cid,
                "title": titles.standard(cid),
                "count": len(named),
                "in_period": sum(1 for v in named if v["identified_in_period"]),
                "villages": named,
            }
        )
    return standards


def _by_channel(villages: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """`channels`: the four channels in the documents' order, then any other the ledger names."""
    by_channel: dict[str, list[dict[str, Any]]] = {}
    for v in villages:
        if v["channel"]:
            by_channel.setdefault(str(v["channel"]), []).append(v)
    channel_ids = list(terms.CHANNELS) + sorted(set(by_channel) - set(terms.CHANNELS))
    channels = []
    for ch in channel_ids:
        named = by_channel.get(ch, [])
        channels.append(
            {
                "id": ch,
                "title": channel_text(ch, lang),
                "count": len(named),
                "in_period": sum(1 for v in named if v["identified_in_period"]),
                "villages": named,
            }
        )
    return channels


_NOT_ACCEPTED = ("identified", "rectifying")


def _groups(villages: list[dict[str, Any]]) -> dict[str, Any]:
    """The named groups (`identified`, `accepted_in_period`, `overdue`, `rebounds`…): a count and the villages.

    One pass over the villages (a province has 50,000), each village appended to every group it belongs to, in
    the villages' order."""
    names = (
        "identified_in_period carried_over rectifying awaiting_plan overdue accepted accepted_in_period failed "
        "failed_in_period watching closable closed rebounds rebounds_in_period"
    ).split()
    lists: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    (
        in_period_,
        carried,
        rectifying,
        awaiting,
        overdue,
        accepted,
        accepted_in,
        failed,
        failed_in,
        watching,
        closable,
        closed,
        rebounds,
        rebounds_in,
    ) = lists.values()
    for v in villages:
        status = v["status"]
        (in_period_ if v["identified_in_period"] else carried).append(v)
        if status in _NOT_ACCEPTED:
            rectifying.append(v)
            if status == "identified":
                awaiting.append(v)
            acceptance = v["acceptance"]
            if acceptance is not None and not acceptance["passed"]:
                failed.append(v)
        if v["overdue"]:
            overdue.append(v)
        if status in ("accepted", "closed"):
            accepted.append(v)
        passed_in = failed_in_ = False
        for a in v["acceptances"]:
            if a["in_period"]:
                if a["passed"] == True:  # noqa: E712 -- the comparison the groups were defined by
                    passed_in = True
                if a["passed"] == False:  # noqa: E712
                    failed_in_ = True
        if passed_in:
            accepted_in.append(v)
        if failed_in_:
            failed_in.append(v)
        if v["watching"]:
            watching.append(v)
        elif status == "accepted":
            closable.append(v)
        if status == "closed":
            closed.append(v)
        reopened = v["reopened"]
        if reopened:
            rebounds.append(v)
            if any(r["in_period"] for r in reopened):
                rebounds_in.append(v)
    groups = {"identified": {"count": len(villages), "villages": list(villages)}}
    for name in names:
        groups[name] = {"count": len(lists[name]), "villages": lists[name]}
    return groups


def _missed_by_township(
    missed: list[dict[str, Any]], scope_entries: list[Any], period: Period, rank: dict[str, int]
) -> list[dict[str, Any]]:
    """`missed_inclusions.townships`: the source documents criticise a township for one missed inclusion and
    escalate on a second within one (calendar) year, so each year the period touches is counted up to the
    period's end."""
    as_of = period.as_of
    years = range(period.start.year, as_of.year + 1)
    missed_by_township: dict[str, list[dict[str, Any]]] = {}
    for m in missed:
        missed_by_township.setdefault(m["township"], []).append(m)
    year_counts: dict[str, dict[int, int]] = {}
    for entry in scope_entries:
        for ev in entry.events:
            if ev.type == "missed_inclusion" and ev.date <= as_of and ev.date.year in years:
                per = year_counts.setdefault(entry.township, {})
                per[ev.date.year] = per.get(ev.date.year, 0) + 1
    missed_rows = []
    for t in sorted(missed_by_township, key=lambda t: rank.get(t, len(rank))):
        per_year = year_counts.get(t, {})
        missed_rows.append(
            {
                "township": t,
                "count": len(missed_by_township[t]),
                "year_counts": {str(y): n for y, n in sorted(per_year.items())},
                "escalate": any(n >= 2 for n in per_year.values()),
                "villages": missed_by_township[t],
            }
        )
    return missed_rows


def _submissions(
    scope_townships: list[str],
    townships: Mapping[str, Sequence[Any]],
    quarters: list[tuple[int, int]],
    period: Period,
    lang: str,
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """`submissions`: each township's quarterly examinations, due by each quarter's last day; later is
    late, none by the period's end missing. Returns the rows by township and those not on time."""
    as_of = period.as_of
    submission_rows: dict[str, list[dict[str, Any]]] = {}
    late: list[dict[str, Any]] = []
    for t in scope_townships:
        rows = []
        for y, q in quarters:
            key = f"{y}Q{q}"
            last = quarter_bounds(y, q)[1]
            dates = [
                ev.date
                for ev in townships.get(t, ())
                if ev.type == "submission" and ev.date <= as_of and quarter_key(ev.data.get("quarter")) == key
            ]
            first = min(dates) if dates else None
            status = "missing" if first is None else ("on_time" if first <= last else "late")
            text = {
                "on_time": _t(lang, "on time", "按时报送"),
                "late": _t(
                    lang,
                    f"late ({long_date(first, lang)})" if first else "late",
                    f"逾期报送（{long_date(first, lang)}）" if first else "逾期报送",
                ),
                "missing": _t(lang, "not submitted", "未报送"),
            }[status]
            row = {
                "township": t,
                "quarter": key,
                "quarter_label": quarter_label(y, q, lang),
                "due": last.isoformat(),
                "date": _iso(first),
                "status": status,
                "status_text": text,
            }
            rows.append(row)
            if status != "on_time":
                late.append(row)
        submission_rows[t] = rows
    return submission_rows, late


def first_quarter(start: str | None, townships: Mapping[str, Sequence[Any]], as_of: dt.date) -> str | None:
    """The ledger's first quarter (`2026Q3`) as of `as_of`: `start` when set (`lax ledger start`), else the
    earliest quarter a submission dated by `as_of` was filed under; None when there is neither (then no
    quarterly submission is counted as missing: the ledger has not begun keeping them)."""
    if start:
        return quarter_key(start) or start
    first = None
    for events in townships.values():
        for ev in events:
            if ev.type == "submission" and ev.date <= as_of:
                key = quarter_key(ev.data.get("quarter"))
                if key is not None and (first is None or key < first):
                    first = key
    return first


def _examined(
    scope_townships: list[str], townships: Mapping[str, Sequence[Any]], period: Period, first: str | None
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """`examined`: how many villages each township examined in the period — the `villages` of its latest
    submission dated by the period's end for a quarter overlapping the period (a township examines all its
    villages each quarter, so a year is not the sum of four) — and the county's figure: townships, villages,
    and the townships that sent nothing. `tracked` is false when no quarter of the period is on or after the
    ledger's first (nothing is said then). Returns the county figure and each township row's keys."""
    as_of = period.as_of
    overlapping = []
    y, q = period.start.year, (period.start.month - 1) // 3 + 1
    while quarter_bounds(y, q)[0] <= as_of:
        overlapping.append(f"{y}Q{q}")
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    keys = {k for k in overlapping if first is not None and k >= first}
    rows: dict[str, dict[str, Any]] = {}
    reported, missing, uncounted = [], [], []
    total = 0
    for t in scope_townships:
        best = None
        for ev in townships.get(t, ()):
            if ev.type != "submission" or ev.date > as_of:
                continue
            key = quarter_key(ev.data.get("quarter"))
            if key in keys and (best is None or (key, ev.date) >= (best[0], best[1].date)):
                best = (key, ev)
        count = None
        if best is not None:
            value = best[1].data.get("villages")
            count = value if type(value) is int and value >= 0 else None  # an old submission keeps no count
            reported.append(t)
            if count is None:
                uncounted.append(t)
            else:
                total += count
        elif keys:
            missing.append(t)
        rows[t] = {
            "reported": best is not None,
            "examined": count,
            "examined_quarter": best[0] if best is not None else None,
            "examined_date": best[1].date.isoformat() if best is not None else None,
        }
    county = {
        "tracked": bool(keys),
        "townships": len(scope_townships),
        "reported": len(reported),
        "villages": None if uncounted or not reported else total,
        "uncounted": uncounted,
        "missing": missing,
        "missing_count": len(missing),
        "all": bool(keys) and not missing,
    }
    return county, rows


def _township_rows(
    scope_townships: list[str],
    villages: list[dict[str, Any]],
    groups: dict[str, Any],
    missed_rows: list[dict[str, Any]],
    submission_rows: dict[str, list[dict[str, Any]]],
    funds_period_by_township: Mapping[str, int | Decimal],
    funds_by_township: Mapping[str, int | Decimal],
) -> list[dict[str, Any]]:
    """`townships`: the table per township."""
    by_township: dict[str, list[dict[str, Any]]] = {}
    for v in villages:
        by_township.setdefault(v["township"], []).append(v)
    failed_ids = {id(v) for v in groups["failed"]["villages"]}
    missed_row = {m["township"]: m for m in missed_rows}
    township_rows = []
    for t in scope_townships:
        vs = by_township.get(t, [])
        mrow = missed_row.get(t)
        subs = submission_rows.get(t, [])
        township_rows.append(
            {
                "township": t,
                "identified": len(vs),
                "identified_in_period": sum(1 for v in vs if v["identified_in_period"]),
                "rectifying": sum(1 for v in vs if v["status"] in _NOT_ACCEPTED),
                "overdue": sum(1 for v in vs if v["overdue"]),
                "accepted": sum(1 for v in vs if v["status"] in ("accepted", "closed")),
                "failed": sum(1 for v in vs if id(v) in failed_ids),
                "watching": sum(1 for v in vs if v["watching"]),
                "closed": sum(1 for v in vs if v["status"] == "closed"),
                "rebounds": sum(1 for v in vs if v["reopened"]),
                "funds": _plain_number(funds_period_by_township.get(t, 0)),
                "funds_total": _plain_number(funds_by_township.get(t, 0)),
                "missed_inclusions": mrow["count"] if mrow else 0,
                "escalate": bool(mrow and mrow["escalate"]),
                "submissions": subs,
                "late": sum(1 for s in subs if s["status"] == "late"),
                "missing": sum(1 for s in subs if s["status"] == "missing"),
                "villages": vs,
            }
        )
    return township_rows


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        out = []
        for x in value:
            if x is not None:
                text = x if type(x) is str else str(x)
                if text.strip():
                    out.append(text)
        return out
    text = str(value).strip()
    return [text] if text else []


def _amount(entry: Any, event: Any) -> int | Decimal:
    value = event.data.get("funds")
    if value is None or value == "":
        return 0
    if type(value) is int:  # the common case, kept exact and fast; other numbers go through Decimal
        return value
    try:
        return decimal(value)
    except TypeError:
        raise LaxError(
            _(
                f"{entry.path}:{event.line}: funds '{value}' is not an amount in yuan",
                f"{entry.path}:{event.line}：资金“{value}”不是以元为单位的金额",
            )
        ) from None


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


class _Titles:
    """Standard and field titles in the report's language, looked up once per report."""

    def __init__(self, criteria: Any, lang: str):
        self.criteria, self.lang = criteria, lang
        self.standards = {c.id: prose_title(c.title(lang), lang) for c in criteria.criteria}
        self.fields: dict[str, str] = {}
        self.profile = ProfileSpec(criteria, lang)  # the profile fields' titles, once per report
        self.roles = [(role, term.text(lang)) for role, term in terms.ROLES.items()]
        self.channels: dict[Any, str] = {}
        self.said: dict[tuple, str] = {}  # evidence values in words
        self.supports: dict[tuple, dict[str, Any]] = {}

    def channel(self, channel: Any) -> str:
        """`channel_text`, once per channel and report (a province names 50,000 villages' channels)."""
        try:
            return self.channels[channel]
        except KeyError:
            text = self.channels[channel] = channel_text(channel, self.lang)
            return text
        except TypeError:
            return channel_text(channel, self.lang)

    def evidence(self, value: Any) -> str:
        """`evidence_text`, once per value and report (a province shows some 80,000 values, most alike)."""
        if type(value) not in (str, int, bool):  # a float is said as it is: 0.0 and -0.0 are equal keys
            return evidence_text(value, self.lang)
        key = (type(value), value)  # 1 and True are said differently
        text = self.said.get(key)
        if text is None:
            text = evidence_text(value, self.lang)
            if len(self.said) >= 100_000:  # bounded, whatever the ledger holds
                self.said.clear()
            self.said[key] = text
        return text

    def support(self, helping_unit: str | None, first_secretary: str | None) -> dict[str, Any]:
        """`support`, worked out once per helping unit and first secretary (a county pairs few of each); each
        village gets its own copy of the dict."""
        key = (helping_unit, first_secretary)
        try:
            found = self.supports[key]
        except KeyError:
            found = support(helping_unit, first_secretary, self.lang)
            if len(self.supports) >= 100_000:
                self.supports.clear()
            self.supports[key] = found
        except TypeError:  # an unhashable name: worked out as it is
            return support(helping_unit, first_secretary, self.lang)
        return dict(found)

    def standard(self, cid: str) -> str:
        return self.standards.get(cid, cid)

    def in_words(self, text: str, ids: Sequence[str]) -> str:
        """`text` with the standards `ids` named by title: the reason `lax check --record` writes for a rebound
        names them by code (再次符合认定标准 C14（乡镇自查）), and prose names a standard in words."""
        for cid in ids:
            title = self.standards.get(cid)
            if not title:
                continue
            word = f"“{title}”" if self.lang == "zh" and "“" not in title else title  # “两委”… has its own
            space = r"\s?" if self.lang == "zh" else ""  # 标准 C14 → 标准“…”
            text = re.sub(rf"{space}(?<![A-Za-z0-9]){re.escape(cid)}(?![A-Za-z0-9])", lambda _m, w=word: w, text)
        return text

    def field(self, field_id: str) -> str:
        title = self.fields.get(field_id)
        if title is None:
            try:
                title = prose_title(self.criteria.field(field_id).title(self.lang), self.lang)
            except (KeyError, IndexError):
                title = field_id
            self.fields[field_id] = title
        return title


def _village_record(
    entry: Any, events: list[Any], state: Any, period: Period, titles: _Titles, lang: str
) -> dict[str, Any]:
    """One village as of the period's end: the current round's standards, plan, progress and acceptance.

    Written for speed (a county report builds one for each of thousands of villages): one pass over the
    round's events, plain type checks, the period's bounds in locals."""
    start = 0
    for i, ev in enumerate(events):
        if ev.type == "identified":
            start = i
    round_events = events[start:] if start else events
    identified = round_events[0] if round_events and round_events[0].type == "identified" else None
    first, last = period.start, period.as_of

    evidence: dict[str, Any] = {}
    measures: list[str] = []
    people: dict[str, str] = {}
    progress: list[dict[str, Any]] = []
    acceptances: list[dict[str, Any]] = []
    reopened: list[dict[str, Any]] = []
    closed_on = None
    planned_on = None
    funds_round: int | Decimal = 0
    funds_period: int | Decimal = 0
    for ev in round_events:
        etype, data, day = ev.type, ev.data, ev.date
        if etype == "progress":
            amount = _amount(entry, ev)
            funds_round += amount
            in_period = first <= day <= last
            if in_period:
                funds_period += amount
            note = data.get("note")
            progress.append(
                {
                    "date": day.isoformat(),
                    "note": note if type(note) is str else str(note or ""),
                    "funds": amount if type(amount) is int else _plain_number(amount),
                    "in_period": in_period,
                    "highlight": data.get("highlight") is True,
                }
            )
        elif etype == "planned":
            planned_on = planned_on or day
            for m in _as_list(data.get("measures")):
                if m not in measures:
                    measures.append(m)
            for role in terms.ROLES:
                value = data.get(role)
                if value is not None:
                    value = str(value).strip()
                    if value:
                        people[role] = value
        elif etype == "acceptance":
            score = data.get("score")
            deadline = data.get("deadline")
            acceptances.append(
                {
                    "date": day.isoformat(),
                    "passed": bool(data.get("passed")),
                    "score": score if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
                    "by": str(data.get("by") or ""),
                    "note": str(data.get("note") or ""),
                    "deadline": as_date(deadline).isoformat() if deadline else None,
                    "in_period": first <= day <= last,
                }
            )
        elif etype == "reopened":
            reopened.append(
                {
                    "date": day.isoformat(),
                    "reason": titles.in_words(str(data.get("reason") or ""), _as_list(data.get("criteria"))),
                    "criteria": _as_list(data.get("criteria")),
                    "in_period": first <= day <= last,
                }
            )
        elif etype == "closed":
            closed_on = day
        # Evidence comes with the identification and with any standards added later in the round
        # (an `amended` event, or a rebound that names the standards met again).
        if etype in ("identified", "amended", "reopened"):
            shown = data.get("evidence")
            if isinstance(shown, dict):
                for cid, fields in shown.items():
                    evidence.setdefault(str(cid), fields)
    funds_all = funds_round
    if start:
        funds_all += sum(_amount(entry, ev) for ev in events[:start] if ev.type == "progress")

    standards = []
    for cid in state.criteria:
        shown = evidence.get(cid)
        items = []
        if isinstance(shown, dict):
            for field_id, value in shown.items():
                field_id = str(field_id)
                items.append(
                    {
                        "field": field_id,
                        "title": titles.field(field_id),
                        "value": value if value is None or isinstance(value, (str, int, float, bool)) else str(value),
                        "text": titles.evidence(value),
                    }
                )
        standards.append({"id": cid, "title": titles.standard(cid), "evidence": items})

    watching = bool(state.watching)
    identified_on, deadline, watch_until = state.identified_on, state.deadline, state.watch_until
    return {
        "township": entry.township,
        "village": entry.village,
        "code": str(entry.code) if entry.code else None,
        "name": full_name(entry.township, entry.village, lang),
        "status": state.status,
        "status_text": status_text(state.status, watching, lang),
        "overdue": bool(state.overdue),
        "deadline": deadline.isoformat() if deadline else None,
        "watch_until": watch_until.isoformat() if watch_until else None,
        "watching": watching,
        "identified_on": identified_on.isoformat() if identified_on else None,
        "identified_in_period": bool(identified_on and first <= identified_on <= last),
        "channel": state.channel,
        "channel_text": titles.channel(state.channel),
        "note": str(identified.data.get("note") or "") if identified is not None else "",
        "rounds": state.rounds,
        "rebounds": state.rebounds,
        "standards": standards,
        "planned_on": planned_on.isoformat() if planned_on else None,
        "measures": measures,
        "people": [
            {"role": role, "title": title, "name": people[role]} for role, title in titles.roles if role in people
        ],
        "county_leader": people.get("county_leader"),
        "township_leader": people.get("township_leader"),
        "first_secretary": people.get("first_secretary"),
        "helping_unit": people.get("helping_unit"),
        # the village's facts as of the period's end, and the help named in its plan (lax.report.profile)
        "profile": village_profile(events, titles.profile),
        "support": titles.support(people.get("helping_unit"), people.get("first_secretary")),
        "progress": progress,
        "funds": _plain_number(funds_round),
        "funds_in_period": _plain_number(funds_period),
        "funds_total": _plain_number(funds_all),
        "acceptances": acceptances,
        "acceptance": acceptances[-1] if acceptances else None,
        "reopened": reopened,
        "closed_on": closed_on.isoformat() if closed_on else None,
        "_funds_period": funds_period,  # exact sums for the totals; removed before the context is returned
        "_funds_all": funds_all,
        "_closed_on": closed_on,
    }


def _ref(entry: Any, lang: str) -> dict[str, Any]:
    return {
        "township": entry.township,
        "village": entry.village,
        "code": str(entry.code) if entry.code else None,
        "name": full_name(entry.township, entry.village, lang),
    }


def known_townships(entries: Sequence[Any], townships: Mapping[str, Any]) -> list[str]:
    """Every township the ledger knows, in report order (by village code where codes exist, then name)."""
    first_code: dict[str, str] = {}
    for e in entries:
        code = str(e.code) if e.code else "\uffff"
        if e.township not in first_code or code < first_code[e.township]:
            first_code[e.township] = code
    for t in townships:
        first_code.setdefault(str(t), "\uffff")
    return sorted(first_code, key=lambda t: (first_code[t], t))


def resolve_township(
    name: str, entries: Sequence[Any], townships: Mapping[str, Any], *, names: Mapping[str, str] | None = None
) -> str:
    """The township of the ledger that `name` means (spelt as the ledger spells it: full-width letters and
    case folded); a LaxError listing the townships when there is none. `names["township"]` is what the
    message calls the input (the CLI gives `--township`)."""
    known = known_townships(entries, townships)
    if name in known:
        return name
    folded = unicodedata.normalize("NFKC", name).strip()
    matches = [t for t in known if unicodedata.normalize("NFKC", t).strip().lower() == folded.lower()]
    if len(matches) == 1:
        return matches[0]
    listing = "、".join(known) if known else _("none", "无")
    label = (names or {}).get("township") or _("township", "乡镇")
    raise LaxError(
        _(
            f"{label}: '{name}' is not in the ledger (townships: {listing})",
            f"{label}：台账中没有“{name}”（已有乡镇：{listing}）",
        )
    )


# A deadline is said once for the villages that share it; past this many distinct deadlines, the villages
# whose deadlines fall in one month are named together under the month's span of dates.
_MAX_DEADLINE_GROUPS = 6


def deadline_groups(rectifying: Sequence[Mapping[str, Any]], lang: str) -> dict[str, list[dict[str, Any]]]:
    """`deadlines`: the villages still rectifying grouped by their time limit, so that a report says each
    deadline once ("督促以下24个村于2027年3月30日前完成整改：…"). `past` holds the groups whose time limit had
    passed by the period's end (they read as overdue, never as "to finish by"), `coming` the others;
    each group is `{first, last, span, count, villages}` in date order, `first == last` when the group
    shares one date, else a month's villages (`span`: `2027年3月2日至28日`)."""
    past = [v for v in rectifying if v["overdue"] and v["deadline"]]
    coming = [v for v in rectifying if not v["overdue"] and v["deadline"]]
    return {"past": _by_deadline(past, lang), "coming": _by_deadline(coming, lang)}


def _by_deadline(villages: list[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    by_day: dict[str, list[Mapping[str, Any]]] = {}
    for v in villages:
        by_day.setdefault(v["deadline"], []).append(v)
    if len(by_day) > _MAX_DEADLINE_GROUPS:
        by_month: dict[str, list[Mapping[str, Any]]] = {}
        for day in sorted(by_day):
            by_month.setdefault(day[:7], []).extend(by_day[day])
        keys = [(min(v["deadline"] for v in vs), max(v["deadline"] for v in vs), vs) for vs in by_month.values()]
    else:
        keys = [(day, day, vs) for day, vs in sorted(by_day.items())]
    # Villages keep the report's order (township, code) inside a group, so they are named by township.
    order = {id(v): i for i, v in enumerate(villages)}
    return [
        {
            "first": first,
            "last": last,
            "span": date_span(first, last, lang),
            "count": len(vs),
            "villages": sorted(vs, key=lambda v: order[id(v)]),
        }
        for first, last, vs in keys
    ]
