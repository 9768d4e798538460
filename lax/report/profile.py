"""A village's profile and the help it gets, in a report's words: `village.profile` and `village.support`.

The profile is what the ledger keeps of the criteria's `profile: true` fields (党员人数, 入党积极分子人数,
有固定活动场所, 村集体经济收入; `lax.ledger.profile`), as of the period's end, said the way the source
summaries say it ("全村共有党员31名，入党积极分子3名，村集体经济收入5.2万元，有固定活动场所"); a value no sheet
gave stays a placeholder naming its field. The support is the helping unit and the first secretary the
plan names ("县财政局结对帮扶，选派第一书记王强"). Pure: events and criteria in, plain data out.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from lax.show import decimal, money, value_text
from lax.show import in_lang as _t

# Yuan in one unit of an amount field (`unit:` of the criteria file): 村集体经济收入 is written in 万元.
_YUAN_PER_UNIT = {"10k_yuan": Decimal(10_000), "yuan": Decimal(1)}


def placeholder(title: str, lang: str) -> str:
    """`【待填写：党员人数】` / `[To be written: Party members]`: the exact blank the author fills in."""
    return _t(lang, f"[To be written: {title}]", f"【待填写：{title}】")


def village_profile(events: Iterable[Any], criteria: Any, lang: str) -> dict[str, Any]:
    """`village.profile` from a village's events up to the period's end (the caller drops later ones).

    {"date": the latest sheet's date (ISO) or None, "values": {field: value}, "items": [{"field", "title",
    "value", "text", "known"}] per profile field of the criteria, "missing": [titles], "sentence": the
    profile in one sentence, placeholders for what is missing; "" when the criteria mark no profile field}."""
    values: dict[str, Any] = {}
    date = None
    for ev in events:
        recorded = ev.data.get("profile")
        if isinstance(recorded, dict):
            values.update(recorded)
            date = ev.date
    fields = tuple(getattr(criteria, "profile_fields", ()))
    items = []
    for f in fields:
        v = values.get(f.id)
        known = v is not None
        items.append(
            {
                "field": f.id,
                "title": f.title(lang),
                "value": v if v is None or isinstance(v, (str, int, float, bool)) else value_text(v, lang),
                "text": _value_words(f, v, lang) if known else "",
                "known": known,
            }
        )
    return {
        "date": date.isoformat() if date is not None else None,
        "values": {f.id: items[i]["value"] for i, f in enumerate(fields) if items[i]["known"]},
        "items": items,
        "missing": [i["title"] for i in items if not i["known"]],
        "sentence": _sentence(fields, values, lang) if fields else "",
    }


def _value_words(f: Any, v: Any, lang: str) -> str:
    """One value as the report writes it: counts and yes/no as words, an amount with its unit."""
    if f.unit in _YUAN_PER_UNIT and isinstance(v, (int, float)) and not isinstance(v, bool):
        return money(decimal(v) * _YUAN_PER_UNIT[f.unit], lang)
    return value_text(v, lang)


def _count(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


def _phrase(f: Any, v: Any, lang: str) -> str | None:
    """The packaged fields' own phrases ("全村共有党员31名"); None for any other field or an odd value."""
    n = _count(v)
    if f.id == "party_members" and n is not None:
        return _t(lang, f"{n} Party member{'s' if n != 1 else ''}", f"全村共有党员{n}名")
    if f.id == "activists" and n is not None:
        return _t(lang, f"{n} activist{'s' if n != 1 else ''} applying to join the Party", f"入党积极分子{n}名")
    if f.id == "has_venue" and isinstance(v, bool):
        return (
            _t(lang, "a fixed venue for its activities", "有固定活动场所")
            if v
            else _t(lang, "no fixed venue for its activities", "没有固定活动场所")
        )
    if f.id == "collective_income" and f.unit in _YUAN_PER_UNIT and isinstance(v, (int, float)):
        if not isinstance(v, bool):
            amount = _value_words(f, v, lang)
            return _t(lang, f"a collective income of {amount}", f"村集体经济收入{amount}")
    return None


def _sentence(fields: tuple, values: dict[str, Any], lang: str) -> str:
    """The profile in the documents' manner; each missing value a placeholder naming its field."""
    phrased: list[str] = []  # the village "has" these (en), or the clauses of one sentence (zh)
    other: list[str] = []  # a county's own fields, or a value of an unexpected kind: "title: value"
    for f in fields:
        v = values.get(f.id)
        title = f.title(lang)
        if v is None:
            phrased.append(placeholder(title, lang))
            continue
        phrase = _phrase(f, v, lang)
        if phrase is not None:
            phrased.append(phrase)
        else:
            other.append(_t(lang, f"{title}: {_value_words(f, v, lang)}", f"{title}：{_value_words(f, v, lang)}"))
    if lang == "zh":
        return "，".join(phrased + other) + "。"
    parts = []
    if phrased:
        listed = phrased[0] if len(phrased) == 1 else ", ".join(phrased[:-1]) + " and " + phrased[-1]
        parts.append(f"The village has {listed}.")
    parts += [f"{o}." for o in other]
    return " ".join(parts)


def support(helping_unit: str | None, first_secretary: str | None, lang: str) -> dict[str, Any]:
    """`village.support`: the helping unit and first secretary the plan names, and the phrase naming them
    ("县财政局结对帮扶，选派第一书记王强" / "paired with 县财政局, first secretary 王强"); "" when neither is named."""
    said = []
    if helping_unit:
        said.append(_t(lang, f"paired with {helping_unit}", f"{helping_unit}结对帮扶"))
    if first_secretary:
        said.append(_t(lang, f"first secretary {first_secretary}", f"选派第一书记{first_secretary}"))
    return {
        "helping_unit": helping_unit or None,
        "first_secretary": first_secretary or None,
        "text": _t(lang, ", ", "，").join(said),
    }
