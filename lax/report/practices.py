"""What a county or township report says it did (二、主要做法) and achieved (成效), drafted from the ledger.

`practices` groups the work records (`lax ledger work`) of the period by kind, in the order of
`lax.terms.WORK_KINDS`, as the documents number them （一）（二）…, each kind's records in date order with
their figures, and puts under the right heading the village examples the ledger already holds: who is
responsible for the villages (organisation), the measures of the plans and the progress notes marked
`--highlight` (a section of its own, 一村一策), a village that failed acceptance and then passed
(inspection), a rebound found in the watch year (system: consolidating the results), the villages' funds
(funds guarantee). `results` drafts 成效 from measured change: villages accepted, teams completed after
elections, satisfaction and petitions before and after where the ledger holds both (the criteria's
`tracked: true` fields, measured at identification and by a later sheet or the acceptance:
`lax.ledger.measured`), no rebound.

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
    # most of a province's villages have no acceptance yet: they are passed over without a generator each
    accepting = [v for v in villages if v.get("acceptances")]
    passed = [v for v in accepting if any(a["in_period"] and a["passed"] for a in v["acceptances"])]
    failed = [v for v in accepting if any(a["in_period"] and not a["passed"] for a in v["acceptances"])]
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
    for v in accepting:
        accs = v["acceptances"]
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
    elif absent := [k for k in missing if k not in {sec["kind"] for sec in sections}]:
        # Only the kinds the draft says nothing about: a heading drafted from the villages' own records
        # (organisation, inspection, funds) already stands, and the author adds to it where it is.
        absent_titles = [terms.WORK_KINDS[k].text(lang) for k in absent]
        placeholder = _t(
            lang,
            f"[To be written: no work record of kind {series(absent_titles, lang, ' or ')} in this period "
            f"(lax ledger work --kind {absent[0]} ...); add what was done, or delete this line.]",
            f"【待填写：本期台账中没有“{'、'.join(absent_titles)}”类工作记录，有相关做法的请补写，没有的删去此段。】",
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

# How the prose names a tracked measure (`tracked: true` fields of the criteria), where its title is a column
# heading ("集体访次数") rather than a noun of the documents ("集体访"); another field is named by its title.
_MEASURE_WORDS = {
    "satisfaction": ("mass satisfaction", "群众满意度"),
    "collective_petitions": ("collective petitions", "集体访"),
    "leapfrog_petitions": ("leapfrog petitions", "越级访"),
}
_UNIT_ZH = {
    "times": "次",
    "persons": "人",
    "yuan": "元",
    "10k_yuan": "万元",
    "months": "个月",
    "days": "天",
    "years": "年",
}


def _measure_name(field: Any, lang: str) -> str:
    en, zh = _MEASURE_WORDS.get(field.id, (field.title("en"), field.title("zh")))
    return _t(lang, en, zh)


def _measure_value(field: Any, x: float, lang: str) -> str:
    """`58%`, `12次` / `12`: a measure's value as the prose writes it."""
    text = _number_text(x)
    if field.type == "percent":
        return f"{text}%"
    return f"{text}{_UNIT_ZH.get(field.unit or '', '')}" if lang == "zh" else text


def _how_to_measure(fields: Sequence[Any], lang: str) -> str:
    """Where the ledger takes the "after" values from: a later sheet, and the acceptance options that exist."""
    from lax.ledger import ACCEPTANCE_KEYS

    options = [f"--{f.id.replace('_', '-')}" for f in fields if f.id in ACCEPTANCE_KEYS]
    accept = (
        _t(lang, f", or at acceptance: lax ledger accept {' '.join(o + ' N' for o in options)}", "，或在验收时记录")
        if options
        else ""
    )
    columns = (
        "、".join(f"“{f.title('zh')}”" for f in fields)
        if lang == "zh"
        else ", ".join(f"'{f.title('en')}'" for f in fields)
    )
    return _t(
        lang,
        f"a later township sheet with the column(s) {columns} recorded by lax check --record{accept}",
        f"可由下一季度排查表的{columns}列记入台账{accept}",
    )


def _measured_change(
    entries: Sequence[Any], villages: Sequence[dict[str, Any]], tracked: Sequence[Any], as_of: Any, lang: str
) -> tuple[list[str], list[str]]:
    """The sentences of measured change (one per tracked measure held before and after for some village), and
    what is missing: the villages with a value at identification but none after, or after but none before,
    and the measures the ledger holds for none of the villages. Satisfaction (a percent, a number) is
    averaged over the villages, counts (petitions) summed; only villages with both values count."""
    from lax.ledger import befores_afters

    if not villages or not tracked:
        return [], []
    by_key = {(e.township, e.village): e for e in entries}
    # satisfaction first, then petitions, as the documents say them; a county's own tracked fields after
    order = list(_MEASURE_WORDS)
    tracked = sorted(tracked, key=lambda f: order.index(f.id) if f.id in order else len(order))
    ids = [f.id for f in tracked]
    measured = []  # (village, {field: (before, after)}), one pass over each village's events
    for v in villages:
        e = by_key.get((v["township"], v["village"]))
        if e is not None:
            measured.append((v, befores_afters(e.events, ids, as_of)))
    lines: list[str] = []
    missing: list[str] = []
    unmeasured: list[Any] = []
    # villages with a later value but none at identification, per set of villages: the measures (said once
    # for all the measures the same villages lack)
    no_before: dict[tuple, tuple[list, list[str]]] = {}
    for field in tracked:
        both, only_before, only_after = [], [], []
        for v, found in measured:
            before, after = found.get(field.id, (None, None))
            if before is not None and after is not None:
                both.append((v, before[1], after[1]))
            elif before is not None:
                only_before.append((v, before[1]))
            elif after is not None:
                only_after.append(v)
        name = _measure_name(field, lang)
        if not (both or only_before or only_after):
            unmeasured.append(field)
            continue
        if both:
            average = field.type != "int"
            b = sum(x[1] for x in both) / (len(both) if average else 1)
            a = sum(x[2] for x in both) / (len(both) if average else 1)
            bt, at = _measure_value(field, b, lang), _measure_value(field, a, lang)
            named = names_by_township([x[0] for x in both], lang, limit=MAX_EXAMPLES)
            avg_en, avg_zh = (" on average", "平均") if average and len(both) > 1 else ("", "")
            if a > b:
                en, zh = f"rose from {bt}{avg_en} before rectification to {at}", f"由整顿前{avg_zh}{bt}提高到{at}"
            elif a < b:
                en, zh = f"fell from {bt}{avg_en} before rectification to {at}", f"由整顿前{avg_zh}{bt}降至{at}"
            else:
                en, zh = f"stayed at {bt}{avg_en}, as before rectification", f"与整顿前持平，{avg_zh}为{at}"
            lines.append(
                _t(
                    lang,
                    f"{name[:1].upper()}{name[1:]} {en} ({_villages(len(both))}: {named}).",
                    f"{name}{zh}（{len(both)}个村：{named}）。",
                )
            )
        if only_before:
            named = names_by_township([x[0] for x in only_before], lang, limit=MAX_EXAMPLES)
            average = field.type != "int"
            b = sum(x[1] for x in only_before) / (len(only_before) if average else 1)
            avg_en, avg_zh = ("average ", "平均") if average and len(only_before) > 1 else ("", "")
            bt = _measure_value(field, b, lang)
            missing.append(
                _t(
                    lang,
                    f"{name} after rectification in {_villages(len(only_before))} ({named}): the ledger holds only "
                    f"the value before ({avg_en}{bt}); {_how_to_measure([field], lang)}",
                    f"{_counted(named, len(only_before))}整改后的{name}：台账只有整顿前的数值（{avg_zh}{bt}），"
                    f"{_how_to_measure([field], lang)}",
                )
            )
        if only_after:
            no_before.setdefault(tuple((v["township"], v["village"]) for v in only_after), (only_after, []))[1].append(
                name
            )
    for vs, names_ in no_before.values():
        named = names_by_township(vs, lang, limit=MAX_EXAMPLES)
        missing.append(
            _t(
                lang,
                f"{series(names_, lang)} before rectification for {_villages(len(vs))} ({named}): none was recorded "
                "at identification, so the later values are not compared",
                f"{_counted(named, len(vs))}整顿前的{'、'.join(names_)}：认定时台账中没有数值，整改后的数值无从比较",
            )
        )
    if unmeasured:
        names = (
            series((_measure_name(f, lang) for f in unmeasured), lang)
            if lang != "zh"
            else "、".join(_measure_name(f, lang) for f in unmeasured)
        )
        missing.append(
            _t(
                lang,
                f"the change in {names}: the ledger holds no value of the villages under rectification before and "
                f"after ({_how_to_measure(unmeasured, lang)})",
                f"{names}的变化：台账中没有整顿村整顿前后的数值（{_how_to_measure(unmeasured, lang)}）",
            )
        )
    return lines, missing


def _counted(named: str, n: int) -> str:
    """`锦江镇团黄村、潜山村（2个村）`; a list already cut short ends `等12个村` and is left as it is."""
    return named if named.endswith("个村") else f"{named}（{n}个村）"


def _number_text(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def results(
    entries: Sequence[Any],
    villages: Sequence[dict[str, Any]],
    period: Any,
    lang: str,
    election_standards: Sequence[str] = (),
    tracked: Sequence[Any] = (),
) -> dict[str, Any]:
    """`results`: the sentences of 成效 from measured change, and placeholders naming what the ledger lacks.
    `election_standards` are the ids of the standards met when the two-committee election was not completed
    (those whose condition reads `election_completed`); `tracked` the criteria's `tracked: true` fields
    (`Criteria.tracked_fields`), whose values before and after rectification are compared
    (`lax.ledger.measured`)."""
    items: list[str] = []
    missing: list[str] = []
    accepted = [v for v in villages if v["status"] in ("accepted", "closed")]
    accepted_now = [
        v for v in villages if v.get("acceptances") and any(a["in_period"] and a["passed"] for a in v["acceptances"])
    ]
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
    measured_lines, measured_missing = _measured_change(entries, villages, tracked, period.as_of, lang)
    items += measured_lines
    missing += measured_missing
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
