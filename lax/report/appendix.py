"""A report's 附件 (attachments): the name lists, and every figure traced to its villages and ledger lines.

Owns the context key `appendix`: 附件1's name lists of villages by status and by standard (the same lists
the figures of the text count), and, when a report is asked to explain itself (`lax report --explain`),
附件3: for every figure of the context (each group's count, each standard's and channel's, funds, missed
inclusions, responsible people, late and missing quarterly examinations) the villages behind it and the
ledger `FILE:LINE` of each event that made it, so a reader can check any number in minutes. (附件2, the
statistics by township, is the context's `townships` table.) Each figure's dict in the context is marked
with `anchor`, the id of its list in 附件3, which the `fig` template filter links to in html.

Pure: the context, the entries it was built from and the period come in; plain dicts go out. A figure's
villages are the context's own lists (never recomputed), so a traced list cannot disagree with its
number; only the events are looked up here, in the village's current round as of the period's end.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from lax import terms
from lax.lifecycle import standard_ids
from lax.report.period import Period, quarter_key
from lax.report.words import full_name
from lax.show import decimal, long_date, money
from lax.show import in_lang as _t

# 附件1's lists by status: (the context group, English title, Chinese title). The groups are those the
# text counts, so a name list and a figure of the text always agree.
STATUS_LISTS = (
    ("identified", "All villages on the ledger in the period", "整顿村总名单"),
    ("awaiting_plan", "Identified, plan not yet recorded", "已确定、尚未制定整改方案"),
    ("rectifying", "Rectifying (not yet passed acceptance)", "仍在整改（尚未通过验收）"),
    ("overdue", "Past the time limit without passing acceptance", "超过整改时限仍未通过验收"),
    ("accepted", "Passed acceptance", "验收合格"),
    ("failed", "Failed acceptance, rectifying again", "验收不合格、继续整改"),
    ("watching", "In the one-year watch period", "处于一年巩固观察期"),
    ("closed", "Accounts closed", "已销号"),
    ("rebounds", "Rebounded and rectifying again", "反弹、重新整改"),
)

# The groups of villages 附件3 traces, in the order the text speaks of them, with the events that make
# each: (group, English title, Chinese title, how its events are found).
GROUP_FIGURES = (
    ("identified", "Villages identified", "排查确定的整顿村", "identified"),
    ("identified_in_period", "Newly identified in the period", "本期新确定", "identified"),
    ("carried_over", "Identified earlier and still being dealt with", "以前确定、本期继续整顿", "identified"),
    ("accepted", "Passed acceptance", "验收合格", "accepted"),
    ("accepted_in_period", "Passed acceptance in the period", "本期验收合格", "accepted_in_period"),
    ("failed", "Failed acceptance, rectifying again", "验收不合格、继续整改", "last_acceptance"),
    ("failed_in_period", "Failed an acceptance in the period", "本期验收不合格", "failed_in_period"),
    ("rectifying", "Still rectifying", "仍在整改", "status"),
    ("awaiting_plan", "Without a recorded plan", "尚未制定整改方案", "identified"),
    ("overdue", "Past the time limit without passing", "超过整改时限仍未通过验收", "deadline"),
    ("watching", "In the watch period", "处于巩固观察期", "passed"),
    ("closable", "Watch period over, ready to close", "观察期满待销号", "passed"),
    ("closed", "Accounts closed", "已销号", "closed"),
    ("rebounds", "Rebounded", "反弹、重新整改", "reopened"),
    ("rebounds_in_period", "Rebounded in the period", "本期出现反弹", "reopened_in_period"),
)

_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def anchor(key: str) -> str:
    """The html id of a figure's list in 附件3: `fig-identified`, `fig-standard-C05` (any character an id
    should not hold written as `.` and its code, so two keys never share an id)."""
    return "fig-" + _ANCHOR_UNSAFE.sub(lambda m: f".{ord(m.group()):x}", key)


def build_appendix(
    context: dict[str, Any],
    entries: Sequence[Any],
    townships: Mapping[str, Sequence[Any]],
    period: Period,
    *,
    explain: bool = False,
) -> dict[str, Any]:
    """The context's `appendix`: `statuses` and `standards` (附件1), and with `explain` the `figures`
    (附件3) and their `anchors`. Marks each figure's dict in `context` with its `anchor`.

    `entries` are the ledger entries the context covers, `townships` the township records."""
    lang = context["lang"]
    for key, *_rest in GROUP_FIGURES:
        context[key]["anchor"] = anchor(key)
    for s in context["standards"]:
        s["anchor"] = anchor(f"standard-{s['id']}")
    for c in context["channels"]:
        c["anchor"] = anchor(f"channel-{c['id']}")
    context["missed_inclusions"]["anchor"] = anchor("missed_inclusions")

    statuses = [
        {"id": key, "title": _t(lang, en, zh), "count": context[key]["count"], "villages": context[key]["villages"]}
        for key, en, zh in STATUS_LISTS
    ]
    standards = [
        {"id": s["id"], "title": s["title"], "count": s["count"], "villages": s["villages"]}
        for s in context["standards"]
        if s["count"]
    ]
    figures = _figures(context, entries, townships, period) if explain else []
    return {
        "explain": explain,
        "statuses": statuses,
        "standards": standards,
        "figures": figures,
        "anchors": [f["anchor"] for f in figures],
    }


# ------------------------------------------------------------------------------------------- 附件3


class _Rounds:
    """Each entry's events up to the period's end and where its current round starts, looked up by village."""

    def __init__(self, entries: Sequence[Any], period: Period):
        self.as_of = period.as_of
        self.by_name = {(e.township, e.village): e for e in entries}
        self._cache: dict[tuple[str, str], tuple[Any, list[Any], list[Any]]] = {}

    def get(self, v: Mapping[str, Any]) -> tuple[Any, list[Any], list[Any]]:
        """(entry, events to the period's end, events of the current round)."""
        key = (v["township"], v["village"])
        found = self._cache.get(key)
        if found is None:
            entry = self.by_name[key]
            events = [ev for ev in entry.events if ev.date <= self.as_of]
            start = max((i for i, ev in enumerate(events) if ev.type == "identified"), default=0)
            found = self._cache[key] = (entry, events, events[start:])
        return found


def _funds(event: Any) -> Decimal:
    value = event.data.get("funds")
    if value is None or value == "":
        return Decimal(0)
    try:
        return decimal(value)
    except TypeError:  # build_context has refused such a ledger already; counted as nothing here
        return Decimal(0)


def _plain(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d.quantize(Decimal("0.01")))


def _event(entry_file: str, ev: Any, lang: str, detail: str = "") -> dict[str, Any]:
    """One event as 附件3 cites it: what, when, and the `FILE:LINE` it is written at."""
    return {
        "type": ev.type,
        "type_text": terms.name(terms.EVENT_TYPES, ev.type, lang),
        "date": ev.date.isoformat(),
        "date_text": long_date(ev.date, lang),
        "detail": detail,
        "file": entry_file,
        "line": ev.line,
        "where": f"{entry_file}:{ev.line}",
    }


def _detail(ev: Any, lang: str) -> str:
    """The part of an event that bears on a figure: a result, a time limit, a channel, an amount."""
    data = ev.data
    if ev.type == "acceptance":
        passed = data.get("passed") is True
        score = data.get("score")
        text = _t(lang, "passed" if passed else "failed", "合格" if passed else "不合格")
        if isinstance(score, (int, float)) and not isinstance(score, bool):
            text += _t(lang, f", score {score}", f"，{score}分")
        return text
    if ev.type == "identified":
        return terms.name(terms.CHANNELS, str(data.get("channel") or "self"), lang)
    if ev.type == "progress" and _funds(ev):
        return money(_plain(_funds(ev)), lang)
    if ev.type == "reopened":
        return str(data.get("reason") or "")
    return ""


def _round_events(how: str, round_events: list[Any], period: Period) -> list[Any]:
    """The events of a village's current round that make it count in a group (see GROUP_FIGURES)."""
    first, last = period.start, period.as_of

    def of(*types: str) -> list[Any]:
        return [ev for ev in round_events if ev.type in types]

    def passed(ev: Any) -> bool:
        return ev.data.get("passed") is True

    if how == "identified":
        return of("identified")[:1]
    if how == "accepted":
        done = [ev for ev in of("acceptance") if passed(ev)][-1:]
        return done + of("closed")[-1:]
    if how == "accepted_in_period":
        return [ev for ev in of("acceptance") if passed(ev) and first <= ev.date <= last]
    if how == "failed_in_period":
        return [ev for ev in of("acceptance") if not passed(ev) and first <= ev.date <= last]
    if how == "last_acceptance":
        return of("acceptance")[-1:]
    if how == "passed":
        return [ev for ev in of("acceptance") if passed(ev)][-1:]
    if how == "closed":
        return of("closed")[-1:]
    if how == "reopened":
        return of("reopened")
    if how == "reopened_in_period":
        return [ev for ev in of("reopened") if first <= ev.date <= last]
    if how == "status":  # the last event that put it where it is: identified, a plan, a failure, a rebound
        return [
            ev
            for ev in round_events
            if ev.type in ("identified", "planned", "reopened") or (ev.type == "acceptance" and not passed(ev))
        ][-1:]
    if how == "deadline":  # the event that set the time limit it has passed
        return [
            ev
            for ev in round_events
            if ev.type in ("identified", "reopened")
            or (ev.type == "planned" and ev.data.get("deadline"))
            or (ev.type == "acceptance" and not passed(ev))
        ][-1:]
    raise ValueError(how)


def _figures(
    context: dict[str, Any], entries: Sequence[Any], townships: Mapping[str, Sequence[Any]], period: Period
) -> list[dict[str, Any]]:
    """附件3: every nonzero figure of the context, in the order the text gives them."""
    trace = _Trace(context, entries, period)
    lang = context["lang"]
    for key, en, zh, how in GROUP_FIGURES[:3]:
        trace.group(key, _t(lang, en, zh), context[key]["villages"], how)
    for c in context["channels"]:
        title = _t(lang, f"Found by {c['title']}", f"{c['title']}发现")
        trace.group(f"channel-{c['id']}", title, c["villages"], "identified")
    for s in context["standards"]:
        trace.standard(s)
    for key, en, zh, how in GROUP_FIGURES[3:]:
        trace.group(key, _t(lang, en, zh), context[key]["villages"], how)
    trace.funds()
    trace.missed_inclusions()
    for role, term in terms.ROLES.items():
        trace.responsible(role, term)
    trace.submissions(townships)
    return trace.figures


class _Trace:
    """Builds 附件3's figures, each village with the events (`_event`) that make it count."""

    def __init__(self, context: dict[str, Any], entries: Sequence[Any], period: Period):
        self.context, self.entries, self.period = context, entries, period
        self.lang = context["lang"]
        self.rounds = _Rounds(entries, period)
        self.figures: list[dict[str, Any]] = []

    def add(self, key: str, title: str, value: str, items: list[dict[str, Any]], unit: str = "villages") -> None:
        """A figure with its list; a figure of nothing (0 villages, 0 yuan) has no list to check."""
        if items:
            self.figures.append(
                {
                    "key": key,
                    "anchor": anchor(key),
                    "title": title,
                    "count": len(items),
                    "value": value,
                    "unit": unit,
                    "villages": items,
                }
            )

    def item(self, v: Mapping[str, Any], events: list[Any], detail: Any = None) -> dict[str, Any]:
        """A village of a figure: its names and the events cited, each with `detail(event)` or `_detail`."""
        file = self.rounds.get(v)[0].path.name
        lang = self.lang
        return {
            "township": v["township"],
            "village": v["village"],
            "code": v.get("code"),
            "name": v["name"],
            "events": [_event(file, ev, lang, detail(ev) if detail else _detail(ev, lang)) for ev in events],
        }

    def group(self, key: str, title: str, villages: list[Mapping[str, Any]], how: str) -> None:
        items = [self.item(v, _round_events(how, self.rounds.get(v)[2], self.period)) for v in villages]
        self.add(key, title, str(len(items)), items)

    def standard(self, s: Mapping[str, Any]) -> None:
        """A standard's villages, each with the records that named it: the identification, standards added
        later in the round, or the rebound that met it again."""
        cid = s["id"]
        items = []
        for v in s["villages"]:
            naming = [
                ev
                for ev in self.rounds.get(v)[2]
                if ev.type in ("identified", "amended", "reopened") and cid in standard_ids(ev.data.get("criteria"))
            ]
            items.append(self.item(v, naming))
        title = _t(self.lang, f"{s['title']} (standard met)", f"{s['title']}（界定情形）")
        self.add(f"standard-{cid}", title, str(len(items)), items)

    def funds(self) -> None:
        """The progress records with an amount: in the period (the current rounds of the villages reported
        on), and to its end (every round of every village identified by then, as `funds.total` counts them,
        villages closed before the period included)."""
        lang, first, last = self.lang, self.period.start, self.period.as_of
        items, total = [], Decimal(0)
        for v in self.context["villages"]:
            spent = [
                ev for ev in self.rounds.get(v)[2] if ev.type == "progress" and first <= ev.date <= last and _funds(ev)
            ]
            if spent:
                items.append(self.item(v, spent))
                total += sum((_funds(ev) for ev in spent), Decimal(0))
        self.add(
            "funds-period",
            _t(lang, "Funds spent in the period", "本期投入整改资金"),
            money(_plain(total), lang),
            items,
            "yuan",
        )

        rank = {t["township"]: i for i, t in enumerate(self.context["townships"])}
        items, total = [], Decimal(0)
        for e in sorted(
            self.entries, key=lambda e: (rank.get(e.township, len(rank)), str(e.code or "\uffff"), e.village)
        ):
            events = [ev for ev in e.events if ev.date <= last]
            spent = [ev for ev in events if ev.type == "progress" and _funds(ev)]
            if spent and any(ev.type == "identified" for ev in events):
                v = {
                    "township": e.township,
                    "village": e.village,
                    "code": e.code,
                    "name": full_name(e.township, e.village, lang),
                }
                items.append(self.item(v, spent))
                total += sum((_funds(ev) for ev in spent), Decimal(0))
        self.add(
            "funds-total",
            _t(lang, "Funds spent to the period's end", "累计投入整改资金"),
            money(_plain(total), lang),
            items,
            "yuan",
        )

    def missed_inclusions(self) -> None:
        """One item per `missed_inclusion` record dated in the period (a village missed twice is two)."""
        items = []
        cited: set[tuple[str, str, int]] = set()
        for m in self.context["missed_inclusions"]["villages"]:
            events = self.rounds.get(m)[1]
            ev = next(
                ev
                for ev in events
                if ev.type == "missed_inclusion"
                and ev.date.isoformat() == m["date"]
                and (m["township"], m["village"], ev.line) not in cited
            )
            cited.add((m["township"], m["village"], ev.line))
            items.append(self.item(m, [ev], detail=lambda _ev: ""))
        title = _t(self.lang, "Missed inclusions found by the county", "应列未列（漏报）")
        self.add("missed_inclusions", title, str(len(items)), items)

    def responsible(self, role: str, term: Any) -> None:
        """The villages with a person of `role` named, each with the (latest) plan that named them."""
        items = []
        for v in self.context["identified"]["villages"]:
            if v[role]:
                plans = [
                    ev for ev in self.rounds.get(v)[2] if ev.type == "planned" and str(ev.data.get(role) or "").strip()
                ]
                items.append(self.item(v, plans[-1:], detail=lambda ev: str(ev.data.get(role)).strip()))
        title = _t(self.lang, f"With a {term.en} named", f"明确{term.zh}")
        self.add(f"responsible-{role}", title, str(len(items)), items)

    def submissions(self, townships: Mapping[str, Sequence[Any]]) -> None:
        """The quarterly examinations not on time: a late one's `submission` record in the township's file
        (the first for the quarter, whose date made it late); a missing one names the file that lacks it."""
        lang, last = self.lang, self.period.as_of
        for status, en, zh in (
            ("late", "Quarterly examinations sent late", "逾期报送季度排查"),
            ("missing", "Quarterly examinations not sent", "未报送季度排查"),
        ):
            items = []
            for r in self.context["submissions"]["late"]:
                if r["status"] != status:
                    continue
                file = _township_file(r["township"])
                sent = [
                    ev
                    for ev in townships.get(r["township"], ())
                    if ev.type == "submission"
                    and ev.date <= last
                    and quarter_key(ev.data.get("quarter")) == r["quarter"]
                ]
                items.append(
                    {
                        "township": r["township"],
                        "village": None,
                        "code": None,
                        "name": f"{r['township']}{_t(lang, ', ', '')}{r['quarter_label']}",
                        "file": file,
                        "events": [
                            _event(file, ev, lang, r["quarter"]) for ev in sorted(sent, key=lambda ev: ev.date)[:1]
                        ],
                    }
                )
            self.add(f"submissions-{status}", _t(lang, en, zh), str(len(items)), items, "examinations")


def _township_file(township: str) -> str:
    from lax.ledger.names import TOWNSHIPS_DIR, township_file_name

    return f"{TOWNSHIPS_DIR}/{township_file_name(township)}"
