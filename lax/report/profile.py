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


class ProfileSpec:
    """What saying a profile needs from the criteria, worked out once per report: each profile field's id,
    title, placeholder, type and unit in the report's language (a county report builds thousands of profiles)."""

    def __init__(self, criteria: Any, lang: str):
        self.lang = lang
        self.fields = tuple(getattr(criteria, "profile_fields", ()))
        self.titles = tuple(f.title(lang) for f in self.fields)
        self.ids = frozenset(f.id for f in self.fields)
        self.placeholders = tuple(placeholder(t, lang) for t in self.titles)
        self._empty: dict[str, Any] | None = None
        # (field index, type, value) -> (words, phrase): a county's villages share most of their values
        self._said: dict[tuple, tuple[str, str | None]] = {}

    def empty(self) -> dict[str, Any]:
        """The profile of a village no sheet gave a value for (the same for every such village)."""
        if self._empty is None:
            self._empty = self._build({}, None)
        return dict(self._empty)

    def _build(self, values: dict[str, Any], date: Any) -> dict[str, Any]:
        lang = self.lang
        items = []
        known: dict[str, Any] = {}
        missing: list[str] = []
        phrased: list[str] = []  # the village "has" these (en), or the clauses of one sentence (zh)
        other: list[str] = []  # a county's own fields, or a value of an unexpected kind: "title: value"
        said = self._said
        for i, (f, title, blank) in enumerate(zip(self.fields, self.titles, self.placeholders)):
            v = values.get(f.id)
            if v is None:
                items.append({"field": f.id, "title": title, "value": None, "text": "", "known": False})
                missing.append(title)
                phrased.append(blank)
                continue
            if not isinstance(v, (str, int, float, bool)):
                v = value_text(v, lang)
            key = (i, type(v), v)
            found = said.get(key)
            if found is None:
                words = _value_words(f, v, lang)
                found = said[key] = (words, _phrase(f, v, words, lang))
                if len(said) > 100_000:  # bounded, whatever the ledger holds
                    said.clear()
            words, phrase = found
            items.append({"field": f.id, "title": title, "value": v, "text": words, "known": True})
            known[f.id] = v
            if phrase is not None:
                phrased.append(phrase)
            else:
                other.append(f"{title}: {words}" if lang != "zh" else f"{title}：{words}")
        return {
            "date": date.isoformat() if date is not None else None,
            "values": known,
            "items": items,
            "missing": missing,
            "sentence": _sentence(phrased, other, lang) if self.fields else "",
        }


def village_profile(events: Iterable[Any], spec: ProfileSpec) -> dict[str, Any]:
    """`village.profile` from a village's events up to the period's end (the caller drops later ones).

    {"date": the latest sheet's date (ISO) or None, "values": {field: value}, "items": [{"field", "title",
    "value", "text", "known"}] per profile field of the criteria, "missing": [titles], "sentence": the
    profile in one sentence, placeholders for what is missing; "" when the criteria mark no profile field}."""
    values: dict[str, Any] = {}
    date = None
    ids = spec.ids
    for ev in events:
        recorded = ev.data.get("profile")
        if recorded is not None and type(recorded) is dict:
            values.update(recorded)
            # the sheet's date, when it gave a profile field (not only tracked ones: satisfaction, petitions)
            if any(k in ids for k in recorded):
                date = ev.date
    if date is None:
        return spec.empty()
    return spec._build(values, date)


def _value_words(f: Any, v: Any, lang: str) -> str:
    """One value as the report writes it: counts and yes/no as words, an amount with its unit."""
    if type(v) is int and f.unit not in _YUAN_PER_UNIT:
        return str(v)
    if f.unit in _YUAN_PER_UNIT and isinstance(v, (int, float)) and not isinstance(v, bool):
        return money(decimal(v) * _YUAN_PER_UNIT[f.unit], lang)
    return value_text(v, lang)


def _phrase(f: Any, v: Any, words: str, lang: str) -> str | None:
    """The packaged fields' own phrases ("全村共有党员31名"); None for any other field or an odd value."""
    fid = f.id
    count = type(v) is int and v >= 0
    if fid == "party_members" and count:
        return _t(lang, f"{v} Party member{'s' if v != 1 else ''}", f"全村共有党员{v}名")
    if fid == "activists" and count:
        return _t(lang, f"{v} activist{'s' if v != 1 else ''} applying to join the Party", f"入党积极分子{v}名")
    if fid == "has_venue" and type(v) is bool:
        return (
            _t(lang, "a fixed venue for its activities", "有固定活动场所")
            if v
            else _t(lang, "no fixed venue for its activities", "没有固定活动场所")
        )
    if fid == "collective_income" and f.unit in _YUAN_PER_UNIT and type(v) in (int, float):
        return _t(lang, f"a collective income of {words}", f"村集体经济收入{words}")
    return None


def _sentence(phrased: list[str], other: list[str], lang: str) -> str:
    """The profile in the documents' manner; each missing value a placeholder naming its field."""
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
