"""What a county or township report says it did (二、主要做法) and achieved (成效), drafted from the ledger.

`practices` groups the work records (`lax ledger work`) of the period by kind, in the order of
`lax.terms.WORK_KINDS`, as the documents number them （一）（二）…, each kind's records in date order with
their figures, and puts under the right heading the village examples the ledger already holds: who is
responsible for the villages (organisation), the measures of the plans and the progress notes marked
`--highlight` (a section of its own, 一村一策), a village that failed acceptance and then passed
(inspection), a rebound found in the watch year (system: consolidating the results), the villages' funds
(funds guarantee). `results` drafts 成效 from measured change: villages accepted, teams completed after
elections, satisfaction and petitions before and after where the ledger holds both, no rebound.

What no record can say stays a placeholder that names exactly what is missing. Pure: the villages of the
report context, the ledger entries, the work records, the period and the language in; plain dicts out.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Any

from lax import terms
from lax.report.words import chinese_number, names_by_township, series
from lax.show import in_lang as _t
from lax.show import long_date, money

# The headings of 二、主要做法, in the documents' manner: what was done, then to what end.
HEADINGS = {
    "organisation": ("Leadership strengthened and work teams set up", "加强组织领导，健全工作机构"),
    "documents": ("Documents issued: standards and procedures made clear", "制定下发文件，明确标准程序"),
    "meetings": ("Meetings held to mobilise and deploy at every level", "召开专题会议，层层动员部署"),
    "publicity": ("Publicity to create a strong atmosphere", "广泛宣传发动，营造浓厚氛围"),
    "training": ("Training to raise the cadres' ability", "开展教育培训，提升干部能力"),
    "rectification": ("One village, one plan: rectification by category", "坚持一村一策，分类推进整改"),
    "inspection": ("Inspection, spot checks and acceptance", "强化督导检查，严格验收把关"),
    "system": ("Rules and systems to consolidate the results", "健全制度机制，巩固整顿成果"),
    "funds": ("Funds guaranteed", "落实经费保障，夯实工作基础"),
    "other": ("Other work", "其他工作"),
}
# Where the village examples go among the kinds of work: after training, before inspection.
ORDER = (
    "organisation",
    "documents",
    "meetings",
    "publicity",
    "training",
    "rectification",
    "inspection",
    "system",
    "funds",
    "other",
)
MAX_EXAMPLES = 8  # villages named under one heading; a report names examples, the 附件 lists them all


def _number(n: int, lang: str) -> str:
    return _t(lang, f"({n})", f"（{chinese_number(n)}）")


def _figures(record: Any, lang: str) -> str:
    parts = []
    if record.people is not None:
        if record.kind == "training":
            parts.append(_t(lang, f"{record.people} people trained", f"培训{record.people}人次"))
        elif record.kind == "meetings":
            parts.append(_t(lang, f"{record.people} attending", f"参会{record.people}人"))
        else:
            parts.append(_t(lang, f"{record.people} people", f"参与{record.people}人"))
    if record.villages is not None:
        parts.append(_t(lang, f"{record.villages} villages covered", f"覆盖{record.villages}个村"))
    if record.funds is not None:
        parts.append(_t(lang, f"{money(record.funds, lang)}", f"投入经费{money(record.funds, lang)}"))
    return _t(lang, ", ", "，").join(parts)


def _record_text(record: Any, lang: str) -> str:
    """`2027年3月5日，洪湖乡举办村党组织书记培训班（培训86人次，覆盖12个村）。`"""
    text = record.text.rstrip("。.；;，, ")
    who = ""
    if record.township and not text.startswith(record.township):
        who = _t(lang, f"{record.township}: ", record.township)
    figures = _figures(record, lang)
    tail = _t(lang, f" ({figures})", f"（{figures}）") if figures else ""
    return _t(
        lang,
        f"{long_date(record.date, lang)}: {who}{text}{tail}.",
        f"{long_date(record.date, lang)}，{who}{text}{tail}。",
    )


def _record_dict(record: Any, lang: str) -> dict[str, Any]:
    return {
        "date": record.date.isoformat(),
        "level": record.level,
        "township": record.township,
        "kind": record.kind,
        "text": record.text,
        "people": record.people,
        "villages": record.villages,
        "funds": record.funds,
        "where": record.where,
        "sentence": _record_text(record, lang),
    }


def _villages(n: int) -> str:
    return f"{n} village" if n == 1 else f"{n} villages"


def _names(villages: Sequence[dict[str, Any]], lang: str) -> str:
    """Named and grouped by township in the documents' manner (洪湖乡东阳村、塘桥村)."""
    return names_by_township(villages, lang)


def _organisation_examples(villages: Sequence[dict[str, Any]], lang: str) -> list[str]:
    """Who answers for the villages, from the plans: counts, and the helping units named."""
    if not villages:
        return []
    counts = {role: [v for v in villages if v.get(role)] for role in terms.ROLES}
    parts = [
        _t(lang, f"{len(vs)} with a {terms.ROLES[role].en}", f"明确{terms.ROLES[role].zh}的{len(vs)}个")
        for role, vs in counts.items()
        if vs
    ]
    if not parts:
        return []
    out = [
        _t(
            lang,
            f"Of the {_villages(len(villages))} under rectification, {series(parts, lang)}.",
            f"{len(villages)}个整顿村中，{'，'.join(parts)}。",
        )
    ]
    units = [v for v in counts["helping_unit"]][:MAX_EXAMPLES]
    if units:
        pairs = series(
            (_t(lang, f"{v['helping_unit']} for {v['name']}", f"{v['helping_unit']}帮扶{v['name']}") for v in units),
            lang,
        )
        out.append(_t(lang, f"Paired helping units: {pairs}.", f"结对帮扶：{pairs}。"))
    return out


def _rectification_examples(villages: Sequence[dict[str, Any]], lang: str) -> list[str]:
    """Notable steps (progress marked --highlight) in the period, then the measures of villages' plans."""
    out = []
    shown: set[str] = set()
    for v in villages:
        for p in v.get("progress", ()):
            if p.get("highlight") and p.get("in_period") and len(out) < MAX_EXAMPLES:
                funds = p.get("funds")
                spent = _t(lang, f", {money(funds, lang)} spent", f"，投入资金{money(funds, lang)}") if funds else ""
                note = str(p["note"]).rstrip("。.；;，, ")
                out.append(
                    _t(
                        lang,
                        f"{v['name']}: {note} ({long_date(p['date'], lang)}{spent}).",
                        f"{v['name']}{note}（{long_date(p['date'], lang)}{spent}）。",
                    )
                )
                shown.add(v["name"])
    # Villages whose plans answer the same standards with the same measures are named together, once.
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for v in villages:
        if v.get("measures") and v["name"] not in shown and v.get("planned_on"):
            key = (tuple(s["title"] for s in v["standards"][:2]), tuple(v["measures"][:3]))
            groups.setdefault(key, []).append(v)
    for (titles, measures), vs in groups.items():
        if len(out) >= MAX_EXAMPLES:
            break
        who = names_by_township(vs, lang)
        out.append(
            _t(
                lang,
                f"{who} ({', '.join(titles)}): {'; '.join(m.rstrip('.;') for m in measures)}.",
                f"{who}针对{'、'.join(titles)}的问题，{'；'.join(m.rstrip('。；') for m in measures)}。",
            )
        )
    return out


def _inspection_examples(villages: Sequence[dict[str, Any]], lang: str) -> list[str]:
    """Acceptance: how many passed in the period, and each village that failed first and passed later."""
    out = []
    passed = [v for v in villages if any(a["in_period"] and a["passed"] for a in v.get("acceptances", ()))]
    failed = [v for v in villages if any(a["in_period"] and not a["passed"] for a in v.get("acceptances", ()))]
    if passed or failed:
        out.append(
            _t(
                lang,
                f"Acceptance checks in the period: {_villages(len(passed))} passed"
                + (
                    f", {len(failed)} failed and {'was' if len(failed) == 1 else 'were'} sent back to rectify"
                    if failed
                    else ""
                )
                + ".",
                f"本期组织检查验收，{len(passed)}个村验收合格"
                + (f"，{len(failed)}个村验收不合格、责令继续整改" if failed else "")
                + "。",
            )
        )
    for v in villages:
        accs = v.get("acceptances", ())
        first_fail = next((a for a in accs if not a["passed"]), None)
        later_pass = next((a for a in accs if a["passed"] and first_fail and a["date"] > first_fail["date"]), None)
        if first_fail and later_pass and later_pass["in_period"] and len(out) <= MAX_EXAMPLES:
            why = str(first_fail.get("note") or "").rstrip("。.；;，, ")
            why_en = f" ({why})" if why else ""
            why_zh = f"（{why}）" if why else ""
            out.append(
                _t(
                    lang,
                    f"{v['name']} failed acceptance on {long_date(first_fail['date'], lang)}{why_en}; after further "
                    f"rectification it passed on {long_date(later_pass['date'], lang)}.",
                    f"{v['name']}于{long_date(first_fail['date'], lang)}首次验收不合格{why_zh}，经继续整改，"
                    f"于{long_date(later_pass['date'], lang)}验收合格。",
                )
            )
    return out


def _system_examples(villages: Sequence[dict[str, Any]], lang: str) -> list[str]:
    """The watch year: rebounds found in the period and put back under rectification."""
    out = []
    for v in villages:
        for r in v.get("reopened", ()):
            if r["in_period"] and len(out) < MAX_EXAMPLES:
                reason = str(r.get("reason") or "").rstrip("。.；;，, ")
                out.append(
                    _t(
                        lang,
                        f"In its watch year {v['name']} was found to have rebounded on {long_date(r['date'], lang)}"
                        + (f" ({reason})" if reason else "")
                        + " and was put back under rectification.",
                        f"巩固观察期内跟踪发现{v['name']}出现反弹"
                        + (f"（{reason}）" if reason else "")
                        + f"，于{long_date(r['date'], lang)}重新列入整顿。",
                    )
                )
    return out


def _funds_examples(villages: Sequence[dict[str, Any]], lang: str) -> list[str]:
    spent = [v for v in villages if v.get("funds_in_period")]
    if not spent:
        return []
    total = sum(v["funds_in_period"] for v in spent)
    top = heapq.nlargest(3, spent, key=lambda v: float(v["funds_in_period"]))  # stable: ties in report order
    named = series(
        (
            _t(
                lang,
                f"{v['name']} {money(v['funds_in_period'], lang)}",
                f"{v['name']}{money(v['funds_in_period'], lang)}",
            )
            for v in top
        ),
        lang,
    )
    return [
        _t(
            lang,
            f"{len(spent)} village(s) spent {money(total, lang)} on rectification in the period, among them {named}.",
            f"本期{len(spent)}个整顿村共投入整改资金{money(total, lang)}，其中{named}。",
        )
    ]


_EXAMPLES = {
    "organisation": _organisation_examples,
    "rectification": _rectification_examples,
    "inspection": _inspection_examples,
    "system": _system_examples,
    "funds": _funds_examples,
}


def in_scope(work: Sequence[Any], township: str | None) -> list[Any]:
    """The work records a report draws on: for the county all of them; for a township its own, and the
    county's that name it in their text (a spot check there, its leaders trained), since a county-wide step
    belongs to the county's report and a township's report says what the township did."""
    if township is None:
        return list(work)
    return [r for r in work if r.township == township or (r.level == "county" and township in r.text)]


def practices(
    villages: Sequence[dict[str, Any]], work: Sequence[Any], period: Any, lang: str, township: str | None = None
) -> dict[str, Any]:
    """`practices`: the sections of 二、主要做法, numbered, each with its records and village examples.

    `work` are the ledger's work records (`lax.ledger.work.load_work`), of which those in scope (`in_scope`)
    and in the period are used; `villages` are the report context's. A section is there when a record or an
    example is; `missing` names the kinds of work with no record in the period (besides "other"), for the one
    placeholder that says so."""
    in_period = [r for r in in_scope(work, township) if period.start <= r.date <= period.as_of]
    in_period.sort(key=lambda r: r.date)
    sections = []
    for kind in ORDER:
        records = [_record_dict(r, lang) for r in in_period if r.kind == kind]
        examples = _EXAMPLES[kind](villages, lang) if kind in _EXAMPLES else []
        if not records and not examples:
            continue
        en, zh = HEADINGS[kind]
        sections.append(
            {
                "kind": kind,
                "number": _number(len(sections) + 1, lang),
                "heading": _t(lang, en, zh),
                "title": terms.name(terms.WORK_KINDS, kind, lang) if kind in terms.WORK_KINDS else _t(lang, en, zh),
                "records": records,
                "examples": examples,
                "lines": [r["sentence"] for r in records] + examples,
            }
        )
    with_records = {r.kind for r in in_period}
    missing = [k for k in terms.WORK_KINDS if k != "other" and k not in with_records]
    missing_titles = [terms.WORK_KINDS[k].text(lang) for k in missing]
    if not in_period:
        start, end = long_date(period.start, lang), long_date(period.as_of, lang)
        if township:
            arg = f'"{township}"' if " " in township else township
            placeholder = _t(
                lang,
                f"[To be written: the ledger holds no work record of {township} dated {start} to {end} (lax ledger "
                f"work --township {arg}), nor a county record naming it: the township's leadership, "
                f"meetings, publicity, training, inspection, systems and funds of the period.]",
                f"【待填写：台账中没有{start}至{end}{township}的工作记录，"
                f"县级记录中也没有提到{township}的，本乡（镇）的组织领导、会议、宣传、培训、督导检查、制度建设和经费保障等做法须补写。】",
            )
        else:
            placeholder = _t(
                lang,
                f"[To be written: the ledger holds no work record of the county or the townships dated "
                f"{start} to {end} (lax ledger work): the leadership, documents, meetings, publicity, training, "
                f"inspection, systems and funds of the period.]",
                f"【待填写：台账中没有{start}至{end}县、乡镇的工作记录，"
                f"本期的组织领导、文件、会议、宣传、培训、督导检查、制度建设和经费保障等做法须补写。】",
            )
    elif missing:
        placeholder = _t(
            lang,
            f"[To be written: no work record of kind {series(missing_titles, lang, ' or ')} in this period "
            f"(lax ledger work --kind {missing[0]} ...); add what was done, or delete this line.]",
            f"【待填写：本期台账中没有“{'、'.join(missing_titles)}”类工作记录，有相关做法的请补写，没有的删去此段。】",
        )
    else:
        placeholder = None
    return {
        "sections": sections,
        "records": len(in_period),
        "missing": missing,
        "missing_titles": missing_titles,
        "placeholder": placeholder,
    }


# ------------------------------------------------------------------------------------------ 成效

_SATISFACTION = ("satisfaction",)
_PETITIONS = ("collective_petitions", "leapfrog_petitions")


_EVIDENCE_EVENTS = frozenset({"identified", "amended", "reopened"})  # the events that carry `evidence`


def _measured(entries: Sequence[Any], keys: set, groups: Sequence[Sequence[str]], as_of: Any) -> list[list]:
    """For each group of fields, [(entry, [(date, value summed over the group's fields), ...])] of the villages
    in `keys` whose evidence holds it, up to `as_of`: one pass over the ledger for all groups."""
    out: list[list] = [[] for _g in groups]
    wanted = {f for fields in groups for f in fields}
    for e in entries:
        if (e.township, e.village) not in keys:
            continue
        series_: list[list] = [[] for _g in groups]
        for ev in e.events:
            if ev.date > as_of:
                break
            if ev.type not in _EVIDENCE_EVENTS:
                continue
            evidence = ev.data.get("evidence")
            if not isinstance(evidence, dict):
                continue
            # only the standards' values that name a field looked for (most name none: a province has 50,000)
            present = [v for v in evidence.values() if isinstance(v, dict) and not wanted.isdisjoint(v)]
            if not present:
                continue
            for i, fields in enumerate(groups):
                total = None
                for values in present:
                    for f in fields:
                        v = values.get(f)
                        if isinstance(v, (int, float)) and not isinstance(v, bool):
                            total = (total or 0) + v
                if total is not None:
                    series_[i].append((ev.date, total))
        for i, values in enumerate(series_):
            if values:
                out[i].append((e, values))
    return out


def _number_text(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _before_after(measured: list) -> tuple[list, list]:
    """Villages with a value at identification and a later one ([(entry, before, after)]), and those with the
    first only ([(entry, before)])."""
    both, only = [], []
    for e, values in measured:
        first_day, before = values[0]
        later = [v for d, v in values if d > first_day]
        if later:
            both.append((e, before, later[-1]))
        else:
            only.append((e, before))
    return both, only


def results(
    entries: Sequence[Any],
    villages: Sequence[dict[str, Any]],
    period: Any,
    lang: str,
    election_standards: Sequence[str] = (),
) -> dict[str, Any]:
    """`results`: the sentences of 成效 from measured change, and placeholders naming what the ledger lacks.
    `election_standards` are the ids of the standards met when the two-committee election was not completed
    (those whose condition reads `election_completed`)."""
    items: list[str] = []
    missing: list[str] = []
    accepted = [v for v in villages if v["status"] in ("accepted", "closed")]
    accepted_now = [v for v in villages if any(a["in_period"] and a["passed"] for a in v.get("acceptances", ()))]
    if accepted:
        items.append(
            _t(
                lang,
                f"{len(accepted)} of the {len(villages)} villages under rectification have passed acceptance"
                + (
                    f", {len(accepted_now)} of them in this period"
                    if accepted_now and len(accepted_now) != len(accepted)
                    else ""
                )
                + f": {_names(accepted, lang)}.",
                f"{len(villages)}个整顿村中已有{len(accepted)}个通过验收"
                + (f"（本期{len(accepted_now)}个）" if accepted_now and len(accepted_now) != len(accepted) else "")
                + f"：{_names(accepted, lang)}。",
            )
        )
    elif villages:
        items.append(
            _t(
                lang,
                f"None of the {len(villages)} villages under rectification has passed acceptance yet."
                if len(villages) > 1
                else "The village under rectification has not passed acceptance yet.",
                f"{len(villages)}个整顿村尚无通过验收的。",
            )
        )
    election = [
        v
        for v in villages
        if any(
            s["id"] in election_standards or any(i["field"] == "election_completed" for i in s["evidence"])
            for s in v["standards"]
        )
    ]
    if election:
        done = [v for v in election if v["status"] in ("accepted", "closed")]
        items.append(
            _t(
                lang,
                f"Of the {_villages(len(election))} listed because the two-committee election was not completed, "
                + (
                    f"{len(done)} {'has' if len(done) == 1 else 'have'} completed it and passed acceptance: "
                    f"{_names(done, lang)}."
                    if done
                    else "none has passed acceptance yet."
                ),
                f"因“两委”换届未能顺利完成列入整顿的{len(election)}个村中，"
                + (f"{len(done)}个已完成换届、通过验收：{_names(done, lang)}。" if done else "尚无通过验收的。"),
            )
        )
    closed = [v for v in villages if v["status"] == "closed"]
    watched = [v for v in accepted if not v.get("reopened")]
    if accepted:
        items.append(
            _t(
                lang,
                f"Of the accepted villages, {len(watched)} {'has' if len(watched) == 1 else 'have'} shown no rebound"
                + (
                    f"; {len(closed)} completed the watch year and were closed ({_names(closed, lang)})"
                    if closed
                    else ""
                )
                + ".",
                f"验收合格的村中，{len(watched)}个未出现反弹"
                + (f"，{len(closed)}个观察期满已销号（{_names(closed, lang)}）" if closed else "")
                + "。",
            )
        )
    keys = {(v["township"], v["village"]) for v in villages}
    measured = _measured(entries, keys, (_SATISFACTION, _PETITIONS), period.as_of)
    for fields, found, en, zh in (
        (_SATISFACTION, measured[0], "mass satisfaction", "群众满意度"),
        (_PETITIONS, measured[1], "petitions (collective and leapfrog)", "信访（集体访、越级访）次数"),
    ):
        both, only = _before_after(found)
        unit = "%" if fields == _SATISFACTION else ""
        if both:
            b = sum(x[1] for x in both) / len(both)
            a = sum(x[2] for x in both) / len(both)
            named = series(
                (
                    f"{e.township}{e.village}" if lang == "zh" else f"{e.village} in {e.township}"
                    for e, _b, _a in both[:MAX_EXAMPLES]
                ),
                lang,
            )
            items.append(
                _t(
                    lang,
                    f"In {len(both)} village(s) ({named}) {en} went from {_number_text(b)}{unit} on average at "
                    f"identification to {_number_text(a)}{unit} at the latest record.",
                    f"{len(both)}个村（{named}）{zh}由认定时平均{_number_text(b)}{unit}变为最近一次记录的{_number_text(a)}{unit}。",
                )
            )
        elif only:
            b = sum(x[1] for x in only) / len(only)
            missing.append(
                _t(
                    lang,
                    f"the change in {en}: the ledger holds it for {len(only)} village(s) at identification "
                    f"(average {_number_text(b)}{unit}) but no later value",
                    f"{zh}的变化：台账只有{len(only)}个村认定时的数值（平均{_number_text(b)}{unit}），没有整改后的数值",
                )
            )
    missing.append(
        _t(
            lang,
            "changes no record measures: the fighting capacity of the village teams, the cadres' morale, the "
            "village economy, stability",
            "台账无法统计的变化：村级班子战斗力、干部精神面貌、村级经济发展、农村和谐稳定等",
        )
    )
    placeholder = _t(
        lang,
        f"[To be written: {'; '.join(missing)}.]",
        f"【待填写：{'；'.join(missing)}。】",
    )
    return {"lines": items, "missing": missing, "placeholder": placeholder}
