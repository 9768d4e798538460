"""Formatting one value for a person: the one place that says how a value reads on screen, in a file or
in a report.

Owns: a value as text (`value_text`: yes/no for booleans, a blank's word, 3.0 as 3, dates as ISO), a raw
input as a message quotes it (`raw_text`: on one line, cut short), amounts in yuan as people write them
(31,500; 3.15万; `money`), dates in words (2026年9月30日 / 30 September 2026), and `in_lang`, the choice of
a sentence by a document's language. Everything else — the terminal table, the CSV and Excel results,
`ledger show`, the reports, the input messages — calls these, so a value reads the same everywhere.

Kept at the top of the package, beside `terms.py`, because every layer uses it (the readers' messages as
much as the renderers), and pure: it imports nothing heavier than `lax.i18n`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from lax.i18n import _


def in_lang(lang: str | None, en: str, zh: str) -> str:
    """A text in a document's language (a report's, which is not always the messages'); None: the messages'."""
    if lang is None:
        return _(en, zh)
    return zh if lang == "zh" else en


def yes_no(value: Any, lang: str | None = None) -> str:
    return in_lang(lang, "yes", "是") if value else in_lang(lang, "no", "否")


def number_text(value: float) -> str:
    """A float as a person writes it: 3.0 -> 3, 3.5 -> 3.5; exact, never rounded for display (1e15 and
    beyond in Python's own short form, not as a run of digits)."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def value_text(value: Any, lang: str | None = None, *, blank: str = "") -> str:
    """A value as a person reads it in a table, a cell, a message or a report: `blank` for no value,
    yes/no (in `lang`, or the messages' language) for a boolean, 3 for 3.0, ISO dates, a list joined by `、`."""
    if value is None:
        return blank
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "、".join(value_text(v, lang, blank=blank) for v in value)
    return str(value)


def evidence_text(evidence: Mapping[str, Any], title: Callable[[str], str], lang: str | None = None) -> str:
    """The evidence of standards, `{C05: {election_completed: False}, C04: {committee_vacancies: 2}}`, as a
    person reads it: `C05: Election completed = no; C04: Committee vacancies = 2` / `C05：换届完成 = 否；C04：两委缺额
    人数 = 2`. Each field by its title (`title(field_id)`, the criteria file's title in the language), never its
    id; a standard without fields by its code alone. Used by the check results and by the ledger's views."""
    sep, colon, comma = in_lang(lang, "; ", "；"), in_lang(lang, ": ", "："), in_lang(lang, ", ", "，")
    parts = []
    for cid, fields in evidence.items():
        if isinstance(fields, Mapping):
            shown = comma.join(f"{title(str(f))} = {value_text(v, lang)}" for f, v in fields.items())
        else:  # a hand edit that wrote a value straight under the standard
            shown = value_text(fields, lang)
        parts.append(f"{cid}{colon}{shown}" if shown else str(cid))
    return sep.join(parts)


def raw_text(value: Any, limit: int = 60) -> str:
    """A raw input value as a message quotes it: as written (3.0 -> 3), on one line, cut short if long
    (a 10 MB cell must not become a 10 MB message)."""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------------------------------- dates in words

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def long_date(value: Any, lang: str) -> str:
    """`2026年9月30日` / `30 September 2026` from a date or an ISO string."""
    d = as_date(value)
    return in_lang(lang, f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}", f"{d.year}年{d.month}月{d.day}日")


# -------------------------------------------------------------------------------------------- amounts


def decimal(value: Any) -> Decimal:
    """An amount as an exact Decimal (`31,500` and `3150.5` too); TypeError when it is not one."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"not an amount: {value!r}")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        raise TypeError(f"not an amount: {value!r}") from None


def _trim(d: Decimal) -> str:
    """A decimal without trailing zeros: 3.50 -> 3.5, 3.00 -> 3."""
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def yuan(value: Any) -> str:
    """An amount in yuan with thousands separators: 31500 -> `31,500`, 3150.5 -> `3,150.50`."""
    d = decimal(value)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def wan(value: Any, digits: int = 2) -> str:
    """An amount in units of ten thousand, as Chinese documents write it: 31500 -> `3.15万`,
    30000 -> `3万`; from a hundred million on, in 亿: 123456789 -> `1.23亿`."""
    d = decimal(value)
    unit, scale = ("亿", Decimal(100_000_000)) if abs(d) >= 100_000_000 else ("万", Decimal(10_000))
    q = (d / scale).quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
    return f"{_trim(q)}{unit}"


def money(value: Any, lang: str) -> str:
    """An amount with its unit as people write it: `31,500 yuan`; in Chinese `8,000元` below ten
    thousand and `3.15万元` from ten thousand on."""
    d = decimal(value)
    if lang == "zh":
        return f"{wan(d)}元" if abs(d) >= 10_000 else f"{yuan(d)}元"
    return f"{yuan(d)} yuan"
