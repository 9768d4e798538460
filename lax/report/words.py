"""A report's words: numbers, dates and amounts as people write them, named lists, a village's status.

Owns numbers in Chinese for headings (一, 十五, 一百零五), quarters and the late or missing quarterly
examinations said once per township ("中童镇第三、四季度未报送"), a standard's title as prose writes it, a span of
dates, lists in the report's language (`A, B and C` /
`A、B、C`), villages named and grouped by township in the documents' manner ("Dongyang Village and Tangqiao
Village in Honghu Township", "洪湖乡东阳村、塘桥村"), a village's full name, and the sentence for its status
and for its channel. Amounts (31,500 yuan; 3.15万元) and dates in words are `lax.show`'s, re-exported here
because templates and callers know them as the report's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import groupby
from operator import itemgetter
from typing import Any

from lax import terms
from lax.show import as_date, long_date, money, value_text, wan, yuan
from lax.show import in_lang as _t

__all__ = [
    "chinese_number",
    "series",
    "group_by_township",
    "names_by_township",
    "full_name",
    "status_text",
    "channel_text",
    "evidence_text",
    "prose_title",
    "date_span",
    "quarters_said",
    "submissions_said",
    "long_date",
    "money",
    "wan",
    "yuan",
]

_DIGITS_ZH = "零一二三四五六七八九"


def chinese_number(n: Any) -> str:
    """1 -> 一, 10 -> 十, 15 -> 十五, 21 -> 二十一, 105 -> 一百零五: for （一）（二）… headings."""
    n = int(n)
    if n < 0:
        return "负" + chinese_number(-n)
    if n < 10:
        return _DIGITS_ZH[n]
    if n < 20:
        return "十" + (_DIGITS_ZH[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS_ZH[n // 10] + "十" + (_DIGITS_ZH[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = (
            ""
            if not rest
            else (
                "零" + _DIGITS_ZH[rest]
                if rest < 10
                else ("一" + chinese_number(rest) if rest < 20 else chinese_number(rest))
            )
        )
        return _DIGITS_ZH[n // 100] + "百" + tail
    return str(n)


# ------------------------------------------------------------------------------------- named lists


def series(items: Iterable[Any], lang: str, last_sep: str | None = None) -> str:
    """`A, B and C` / `A、B、C`."""
    items = [x if type(x) is str else str(x) for x in items]
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (last_sep if last_sep is not None else " and ") + items[-1]


def group_by_township(villages: Iterable[Mapping[str, Any]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """Villages grouped by township, townships in order of first appearance, villages in given order."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    get = groups.get
    for v in villages:  # a province report groups hundreds of thousands of villages: no setdefault, no str()
        township = v["township"]
        if type(township) is not str:
            township = str(township)
        group = get(township)
        if group is None:
            groups[township] = [v]
        else:
            group.append(v)
    return list(groups.items())


def _text(value: Any) -> str:
    return value if type(value) is str else str(value)


def _names_grouped(villages: list[Mapping[str, Any]]) -> list[tuple[str, list[str]]]:
    """The villages' names grouped by township (as `group_by_township`), names as text.

    A report's lists are in township order, so they are cut into runs of one township (`groupby`, in C) and
    only each run, not each village, is looked up: a province names lists of 50,000 villages some 55 times."""
    groups: dict[str, list[str]] = {}
    for township, run in groupby(villages, key=_TOWNSHIP):
        if type(township) is not str:
            township = str(township)
        names = list(map(_VILLAGE, run))
        group = groups.get(township)
        if group is None:
            groups[township] = names
        else:
            group += names
    for township, names in groups.items():
        if not all(type(n) is str for n in names):
            groups[township] = [_text(n) for n in names]
    return list(groups.items())


_TOWNSHIP, _VILLAGE = itemgetter("township"), itemgetter("village")


def names_by_township(villages: Iterable[Mapping[str, Any]], lang: str, limit: int | None = None) -> str:
    """Villages named and grouped by township in the documents' manner.

    en: `Song San Village in Dengbu Town, Tazhou Village in Huangxi Town, and Dongyang Village and
    Tangqiao Village in Honghu Township`; zh: `邓埠镇宋三村，黄溪镇塔洲村，洪湖乡东阳村、塘桥村`
    (groups are separated by `、` when every group has one village). With `limit`, only the first
    `limit` villages are named and the rest counted (`……等20个村` / `and 12 other villages`).
    """
    villages = villages if type(villages) is list else list(villages)
    total = len(villages)
    shown = villages if limit is None or total <= limit else villages[: max(int(limit), 0)]
    groups = _names_grouped(shown)
    rest = total - len(shown)
    if lang == "zh":
        parts = [f"{township}{'、'.join(names)}" for township, names in groups]
        text = ("，" if any(len(names) > 1 for _township, names in groups) else "、").join(parts)
        return f"{text}等{total}个村" if rest else text
    parts = [f"{series(names, lang)} in {township}" for township, names in groups]
    if rest:
        parts.append(f"{rest} other village{'s' if rest != 1 else ''}")
    # A serial comma before the last group when that group names several villages keeps the
    # outer "and" from reading as part of the inner list.
    last_multi = (len(groups[-1][1]) > 1) if groups and not rest else False
    return series(parts, lang, last_sep=", and " if (last_multi and len(parts) > 2) else None)


def full_name(township: str, village: str, lang: str) -> str:
    """`洪湖乡东阳村` / `Dongyang Village in Honghu Township`."""
    return _t(lang, f"{village} in {township}", f"{township}{village}")


def status_text(status: str | None, watching: bool, lang: str) -> str:
    """A village's status as a report says it (a sentence, longer than `ledger list`'s one word)."""
    if status == "identified":
        return _t(lang, "identified, plan not yet recorded", "已确定，待制定整改方案")
    if status == "rectifying":
        return _t(lang, "rectifying", "整改中")
    if status == "accepted":
        return (
            _t(lang, "accepted, in the watch year", "验收合格，巩固观察期内")
            if watching
            else _t(lang, "accepted, watch year over (ready to close)", "验收合格，观察期满待销号")
        )
    if status == "closed":
        return _t(lang, "closed", "已销号")
    return ""


def channel_text(channel: str | None, lang: str) -> str:
    """How a village came onto the list, by the glossary's name (`lax.terms.CHANNELS`)."""
    return terms.name(terms.CHANNELS, channel, lang)


def evidence_text(value: Any, lang: str) -> str:
    """One value of a standard's evidence: `lax.show.value_text`, a blank said as such."""
    return value_text(value, lang, blank=_t(lang, "blank", "空"))


_ASCII_QUOTED = re.compile(r'"([^"]*)"')


def prose_title(title: str, lang: str) -> str:
    """A standard's title as the report's prose writes it: in Chinese, straight quotes become the
    document's “ ” (the criteria file writes `"两委"换届未能顺利完成`, a document `“两委”换届未能顺利完成`)."""
    if lang == "zh" and '"' in title:
        return _ASCII_QUOTED.sub(r"“\1”", title)
    return title


def date_span(first: Any, last: Any, lang: str) -> str:
    """One date, or a span written once: `2027年3月2日至28日`, `2027年3月2日至4月5日`; `2 to 28 March
    2027`, `2 March to 5 April 2027`, `30 December 2026 to 5 January 2027`."""
    a, b = as_date(first), as_date(last)
    if a == b:
        return long_date(a, lang)
    if lang == "zh":
        if a.year != b.year:
            return f"{long_date(a, lang)}至{long_date(b, lang)}"
        tail = f"{b.day}日" if a.month == b.month else f"{b.month}月{b.day}日"
        return f"{long_date(a, lang)}至{tail}"
    if a.year != b.year:
        return f"{long_date(a, lang)} to {long_date(b, lang)}"
    if a.month == b.month:
        return f"{a.day} to {long_date(b, lang)}"
    return f"{long_date(a, lang).rsplit(' ', 1)[0]} to {long_date(b, lang)}"


# ------------------------------------------------------------------------ quarters and submissions


def quarters_said(keys: Iterable[str], lang: str, with_year: bool = True) -> str:
    """Quarters (`2026Q3`) as a document says them, each year once: `第三、四季度` (`with_year=False`, in a
    report of one year), `2026年第四季度、2027年第一季度`; `Q3 and Q4`, `Q4 2026 and Q1 2027`."""
    by_year: dict[str, list[int]] = {}
    for key in keys:
        year, _q, quarter = str(key).partition("Q")
        by_year.setdefault(year, []).append(int(quarter))
    if lang == "zh":
        names = [f"第{'、'.join(_DIGITS_ZH[q] for q in qs)}季度" for qs in by_year.values()]
        if with_year:
            names = [f"{year}年{name}" for year, name in zip(by_year, names)]
        return "、".join(names)
    return series([f"Q{q} {year}" if with_year else f"Q{q}" for year, qs in by_year.items() for q in qs], lang)


def submissions_said(rows: Iterable[Mapping[str, Any]], lang: str, with_year: bool = True) -> list[dict[str, Any]]:
    """The quarterly examinations not sent on time (the context's `submissions.late` rows), each township
    named once and its quarters grouped by what happened: `{"township": "中童镇", "parts": [{"quarters":
    "第三、四季度", "status": "未报送"}], "said": "第三、四季度未报送"}`; a late one says when it came
    (`第三季度逾期报送（2026年10月9日）`, `Q3 sent late (9 October 2026)`)."""
    townships: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        townships.setdefault(str(row["township"]), []).append(row)
    out = []
    for township, mine in townships.items():
        parts = []
        for status in ("late", "missing"):
            these = [r for r in mine if r["status"] == status]
            if not these:
                continue
            quarters = quarters_said((r["quarter"] for r in these), lang, with_year)
            if status == "missing":
                said = _t(lang, "not submitted", "未报送")
            else:
                dates = [long_date(r["date"], lang) for r in these if r.get("date")]
                when = _t(lang, f" ({', '.join(dates)})", f"（{'、'.join(dates)}）") if dates else ""
                said = _t(lang, "sent late", "逾期报送") + when
            parts.append((these[0]["quarter"], {"quarters": quarters, "status": said}))
        parts = [part for _first, part in sorted(parts, key=lambda pair: pair[0])]
        joined = _t(lang, ", ", "，").join(
            _t(lang, f"{part['quarters']} {part['status']}", f"{part['quarters']}{part['status']}") for part in parts
        )
        out.append({"township": township, "parts": parts, "said": joined})
    return out
