"""What a quarterly or yearly summary says, computed from the ledger as of the period's end.

Owns: report periods (`--quarter 2026Q3`, `--year 2026`, `--from/--to`); the *context* a template is
rendered with (villages identified by standard, channel and township, the villages named in each figure,
acceptance, watch year, rebounds, funds, missed inclusions, late quarterly submissions, and per village its
standards, measures, responsible people, progress and acceptance); numbers written the way people write
them (31,500 yuan; 3.15万元); named lists grouped by township in the documents' manner
("Dongyang Village and Tangqiao Village in Honghu Township", "洪湖乡东阳村、塘桥村").

Pure: ledger entries, township records, criteria and a period come in; plain dicts, lists, strings and
numbers go out, so a template can only read them and the whole context can be dumped as JSON. Every event
dated after the period's end is ignored, so a past quarter's report comes out the same whenever it is
drafted. Rendering (templates, html, docx, the chart) lives in `lax.render`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Iterable, Mapping, Sequence

from lax.i18n import _
from lax.problems import LaxError

LEVELS = ("county", "township", "village")

# The four ways a village comes onto the list (SPEC §2.1), in the order the documents give them.
CHANNELS = {
    "self": ("township self-examination", "乡镇自查"),
    "mass": ("mass satisfaction evaluation", "群众满意度测评"),
    "spot": ("county spot check", "县级抽查"),
    "department": ("county department report", "县直部门通报"),
}

# The people a plan names (SPEC §2.2), as the ledger's `planned` events spell them.
ROLES = (
    ("county_leader", "county contact leader", "县级联系领导"),
    ("township_leader", "township leader", "乡镇包村领导"),
    ("first_secretary", "first secretary", "第一书记"),
    ("helping_unit", "paired helping unit", "结对帮扶单位"),
)

_QUARTER_NAMES_ZH = "一二三四"


def _t(lang: str, en: str, zh: str) -> str:
    """A sentence in the report's language (the report's, which is not always the messages')."""
    return zh if lang == "zh" else en


# ---------------------------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    """The span a report covers. `as_of` is the end, or today when the period has not ended yet."""

    kind: str  # quarter | year | range
    start: dt.date
    end: dt.date
    as_of: dt.date
    year: int | None = None
    quarter: int | None = None

    @property
    def key(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}Q{self.quarter}"
        if self.kind == "year":
            return str(self.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def contains(self, day: dt.date) -> bool:
        """Whether an event dated `day` happened in the period (and not after its end)."""
        return self.start <= day <= self.as_of

    def label(self, lang: str) -> str:
        if self.kind == "quarter":
            return _t(lang, f"Q{self.quarter} {self.year}", f"{self.year}年第{_QUARTER_NAMES_ZH[self.quarter - 1]}季度")
        if self.kind == "year":
            return _t(lang, str(self.year), f"{self.year}年度")
        return _t(lang, f"{long_date(self.start, lang)} to {long_date(self.end, lang)}",
                  f"{long_date(self.start, lang)}至{long_date(self.end, lang)}")


_QUARTER_RES = (
    re.compile(r"^(\d{4})\s*-?\s*[Qq]\s*([1-4])$"),  # 2026Q3, 2026-Q3, 2026 q3
    re.compile(r"^(\d{4})\s*年?\s*第?\s*([1-4一二三四])\s*季度?$"),  # 2026年第三季度, 2026年3季度
)


def parse_quarter(text: str) -> tuple[int, int]:
    """`2026Q3`, `2026-Q3`, `2026年第三季度` -> (2026, 3); raises ValueError otherwise."""
    folded = unicodedata.normalize("NFKC", str(text)).strip()
    for pattern in _QUARTER_RES:
        m = pattern.match(folded)
        if m:
            q = m.group(2)
            return int(m.group(1)), (_QUARTER_NAMES_ZH.index(q) + 1 if q in _QUARTER_NAMES_ZH else int(q))
    raise ValueError(f"not a quarter: {text!r}")


@functools.lru_cache(maxsize=1024)
def _quarter_key(text: str) -> str | None:
    try:
        year, q = parse_quarter(text)
    except ValueError:
        return None
    return f"{year}Q{q}"


def quarter_key(text: Any) -> str | None:
    """The canonical `2026Q3` for any accepted spelling, or None."""
    return _quarter_key(str(text))


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    last = dt.date(year, 12, 31) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return first, last


def make_period(*, today: dt.date, quarter: str | None = None, year: str | int | None = None,
                start: dt.date | None = None, end: dt.date | None = None) -> Period:
    """The period the options ask for; without any, the quarter containing `today`.

    The figures are taken as of the period's end, or as of `today` while the period is still running
    (a report drafted mid-quarter must not count deadlines that have not passed yet as missed).
    """
    given = [name for name, value in (("--quarter", quarter), ("--year", year), ("--from/--to", start or end))
             if value is not None]
    if len(given) > 1:
        raise LaxError(_(f"give only one of --quarter, --year, --from/--to (got {', '.join(given)})",
                         f"--quarter、--year、--from/--to 只能给出一种（给出了 {'、'.join(given)}）"))
    if quarter is not None:
        try:
            y, q = parse_quarter(quarter)
        except ValueError:
            raise LaxError(_(f"--quarter: '{quarter}' is not a quarter (expected e.g. 2026Q3 or 2026-Q3)",
                             f"--quarter：“{quarter}”不是季度（应为 2026Q3 或 2026-Q3 这样的写法）")) from None
        first, last = quarter_bounds(y, q)
        kind, y_, q_ = "quarter", y, q
    elif year is not None:
        m = re.match(r"^(\d{4})\s*(?:年度?)?$", unicodedata.normalize("NFKC", str(year)).strip())
        if not m:
            raise LaxError(_(f"--year: '{year}' is not a year (expected e.g. 2026)",
                             f"--year：“{year}”不是年份（应为 2026 这样的写法）"))
        y_, q_ = int(m.group(1)), None
        first, last, kind = dt.date(y_, 1, 1), dt.date(y_, 12, 31), "year"
    elif start is not None or end is not None:
        if start is None:
            raise LaxError(_("--to needs --from (the first day of the period)", "--to 需要同时给出 --from（期间的第一天）"))
        first, last = start, (end if end is not None else today)
        if last < first:
            raise LaxError(_(f"--to {last.isoformat()} is before --from {first.isoformat()}",
                             f"--to {last.isoformat()} 早于 --from {first.isoformat()}"))
        kind, y_, q_ = "range", None, None
    else:
        q_now = (today.month - 1) // 3 + 1
        first, last = quarter_bounds(today.year, q_now)
        kind, y_, q_ = "quarter", today.year, q_now
    if first > today:
        raise LaxError(_(f"the period starts on {first.isoformat()}, after today ({today.isoformat()}): "
                         "there is nothing to report yet",
                         f"该期间从 {first.isoformat()} 开始，晚于今天（{today.isoformat()}），尚无可报告的内容"))
    return Period(kind=kind, start=first, end=last, as_of=min(last, today), year=y_, quarter=q_)


def quarters_ending_in(period: Period) -> list[tuple[int, int]]:
    """The quarters whose last day falls within the period (by its `as_of`): the quarterly examinations due."""
    out = []
    y, q = period.start.year, (period.start.month - 1) // 3 + 1
    while True:
        first, last = quarter_bounds(y, q)
        if first > period.as_of:
            break
        if period.start <= last <= period.as_of:
            out.append((y, q))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def quarter_label(year: int, quarter: int, lang: str) -> str:
    return _t(lang, f"Q{quarter} {year}", f"{year}年第{_QUARTER_NAMES_ZH[quarter - 1]}季度")


# ------------------------------------------------------------------------------- numbers and dates


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def long_date(value: Any, lang: str) -> str:
    """`2026年9月30日` / `30 September 2026` from a date or an ISO string."""
    d = _as_date(value)
    return _t(lang, f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}", f"{d.year}年{d.month}月{d.day}日")


def _decimal(value: Any) -> Decimal:
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
    d = _decimal(value)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def wan(value: Any, digits: int = 2) -> str:
    """An amount in units of ten thousand, as Chinese documents write it: 31500 -> `3.15万`,
    30000 -> `3万`; from a hundred million on, in 亿: 123456789 -> `1.23亿`."""
    d = _decimal(value)
    unit, scale = ("亿", Decimal(100_000_000)) if abs(d) >= 100_000_000 else ("万", Decimal(10_000))
    q = (d / scale).quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
    return f"{_trim(q)}{unit}"


def money(value: Any, lang: str) -> str:
    """An amount with its unit as people write it: `31,500 yuan`; in Chinese `8,000元` below ten
    thousand and `3.15万元` from ten thousand on."""
    d = _decimal(value)
    if lang == "zh":
        return f"{wan(d)}元" if abs(d) >= 10_000 else f"{yuan(d)}元"
    return f"{yuan(d)} yuan"


def _plain_number(d: int | Decimal) -> int | float:
    """An amount for the context: an int when whole, else a float rounded to the fen."""
    if type(d) is int:
        return d
    if d == d.to_integral_value():
        return int(d)
    return float(d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


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
        tail = "" if not rest else ("零" + _DIGITS_ZH[rest] if rest < 10 else
                                    ("一" + chinese_number(rest) if rest < 20 else chinese_number(rest)))
        return _DIGITS_ZH[n // 100] + "百" + tail
    return str(n)


# ------------------------------------------------------------------------------------- named lists


def series(items: Iterable[Any], lang: str, last_sep: str | None = None) -> str:
    """`A, B and C` / `A、B、C`."""
    items = [str(x) for x in items]
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (last_sep if last_sep is not None else " and ") + items[-1]


def group_by_township(villages: Iterable[Mapping[str, Any]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """Villages grouped by township, townships in order of first appearance, villages in given order."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for v in villages:
        groups.setdefault(str(v["township"]), []).append(v)
    return list(groups.items())


def names_by_township(villages: Iterable[Mapping[str, Any]], lang: str, limit: int | None = None) -> str:
    """Villages named and grouped by township in the documents' manner.

    en: `Song San Village in Dengbu Town, Tazhou Village in Huangxi Town, and Dongyang Village and
    Tangqiao Village in Honghu Township`; zh: `邓埠镇宋三村，黄溪镇塔洲村，洪湖乡东阳村、塘桥村`
    (groups are separated by `、` when every group has one village). With `limit`, only the first
    `limit` villages are named and the rest counted (`……等20个村` / `and 12 other villages`).
    """
    villages = list(villages)
    total = len(villages)
    shown = villages if limit is None or total <= limit else villages[: max(int(limit), 0)]
    groups = group_by_township(shown)
    rest = total - len(shown)
    if lang == "zh":
        parts = [f"{township}{'、'.join(str(v['village']) for v in vs)}" for township, vs in groups]
        text = ("，" if any(len(vs) > 1 for _township, vs in groups) else "、").join(parts)
        return f"{text}等{total}个村" if rest else text
    parts = [f"{series((v['village'] for v in vs), lang)} in {township}" for township, vs in groups]
    if rest:
        parts.append(f"{rest} other village{'s' if rest != 1 else ''}")
    # A serial comma before the last group when that group names several villages keeps the
    # outer "and" from reading as part of the inner list.
    last_multi = (len(groups[-1][1]) > 1) if groups and not rest else False
    return series(parts, lang, last_sep=", and " if (last_multi and len(parts) > 2) else None)


def full_name(township: str, village: str, lang: str) -> str:
    """`洪湖乡东阳村` / `Dongyang Village in Honghu Township`."""
    return _t(lang, f"{village} in {township}", f"{township}{village}")


# --------------------------------------------------------------------------------------- resolving


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


def resolve_township(name: str, entries: Sequence[Any], townships: Mapping[str, Any]) -> str:
    known = known_townships(entries, townships)
    if name in known:
        return name
    folded = unicodedata.normalize("NFKC", name).strip()
    matches = [t for t in known if unicodedata.normalize("NFKC", t).strip().lower() == folded.lower()]
    if len(matches) == 1:
        return matches[0]
    listing = "、".join(known) if known else _("none", "无")
    raise LaxError(_(f"--township: '{name}' is not in the ledger (townships: {listing})",
                     f"--township：台账中没有“{name}”（已有乡镇：{listing}）"))


# ------------------------------------------------------------------------------------------ context


def _status_text(status: str | None, watching: bool, lang: str) -> str:
    if status == "identified":
        return _t(lang, "identified, plan not yet recorded", "已确定，待制定整改方案")
    if status == "rectifying":
        return _t(lang, "rectifying", "整改中")
    if status == "accepted":
        return (_t(lang, "accepted, in the watch year", "验收合格，巩固观察期内") if watching
                else _t(lang, "accepted, watch year over (ready to close)", "验收合格，观察期满待销号"))
    if status == "closed":
        return _t(lang, "closed", "已销号")
    return ""


def _channel_text(channel: str | None, lang: str) -> str:
    if channel in CHANNELS:
        en, zh = CHANNELS[channel]
        return _t(lang, en, zh)
    return str(channel or "")


def _value_text(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return _t(lang, "yes", "是") if value else _t(lang, "no", "否")
    if value is None:
        return _t(lang, "blank", "空")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    return str(value)


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
        return _decimal(value)
    except TypeError:
        raise LaxError(_(f"{entry.path}:{event.line}: funds '{value}' is not an amount in yuan",
                         f"{entry.path}:{event.line}：资金“{value}”不是以元为单位的金额")) from None


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


class _Titles:
    """Standard and field titles in the report's language, looked up once per report."""

    def __init__(self, criteria: Any, lang: str):
        self.criteria, self.lang = criteria, lang
        self.standards = {c.id: c.title(lang) for c in criteria.criteria}
        self.fields: dict[str, str] = {}

    def standard(self, cid: str) -> str:
        return self.standards.get(cid, cid)

    def field(self, field_id: str) -> str:
        title = self.fields.get(field_id)
        if title is None:
            try:
                title = self.criteria.field(field_id).title(self.lang)
            except (KeyError, IndexError):
                title = field_id
            self.fields[field_id] = title
        return title


def _village_record(entry: Any, events: list[Any], state: Any, period: Period, titles: _Titles,
                    lang: str) -> dict[str, Any]:
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
            progress.append({"date": day.isoformat(), "note": note if type(note) is str else str(note or ""),
                             "funds": amount if type(amount) is int else _plain_number(amount),
                             "in_period": in_period})
        elif etype == "planned":
            planned_on = planned_on or day
            for m in _as_list(data.get("measures")):
                if m not in measures:
                    measures.append(m)
            for role, _en, _zh in ROLES:
                value = data.get(role)
                if value is not None:
                    value = str(value).strip()
                    if value:
                        people[role] = value
        elif etype == "acceptance":
            score = data.get("score")
            deadline = data.get("deadline")
            acceptances.append({
                "date": day.isoformat(), "passed": bool(data.get("passed")),
                "score": score if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
                "by": str(data.get("by") or ""), "note": str(data.get("note") or ""),
                "deadline": _as_date(deadline).isoformat() if deadline else None,
                "in_period": first <= day <= last})
        elif etype == "reopened":
            reopened.append({"date": day.isoformat(), "reason": str(data.get("reason") or ""),
                             "criteria": _as_list(data.get("criteria")), "in_period": first <= day <= last})
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
                items.append({"field": field_id, "title": titles.field(field_id),
                              "value": value if value is None or isinstance(value, (str, int, float, bool))
                              else str(value),
                              "text": _value_text(value, lang)})
        standards.append({"id": cid, "title": titles.standard(cid), "evidence": items})

    watching = bool(state.watching)
    identified_on = state.identified_on
    return {
        "township": entry.township,
        "village": entry.village,
        "code": str(entry.code) if entry.code else None,
        "name": full_name(entry.township, entry.village, lang),
        "status": state.status,
        "status_text": _status_text(state.status, watching, lang),
        "overdue": bool(state.overdue),
        "deadline": _iso(state.deadline),
        "watch_until": _iso(state.watch_until),
        "watching": watching,
        "identified_on": _iso(identified_on),
        "identified_in_period": bool(identified_on and first <= identified_on <= last),
        "channel": state.channel,
        "channel_text": _channel_text(state.channel, lang),
        "note": str(identified.data.get("note") or "") if identified is not None else "",
        "rounds": state.rounds,
        "rebounds": state.rebounds,
        "standards": standards,
        "planned_on": _iso(planned_on),
        "measures": measures,
        "people": [{"role": role, "title": _t(lang, en, zh), "name": people[role]}
                   for role, en, zh in ROLES if role in people],
        "county_leader": people.get("county_leader"),
        "township_leader": people.get("township_leader"),
        "first_secretary": people.get("first_secretary"),
        "helping_unit": people.get("helping_unit"),
        "progress": progress,
        "funds": _plain_number(funds_round),
        "funds_in_period": _plain_number(funds_period),
        "funds_total": _plain_number(funds_all),
        "acceptances": acceptances,
        "acceptance": acceptances[-1] if acceptances else None,
        "reopened": reopened,
        "closed_on": _iso(closed_on),
        "_funds_period": funds_period,  # exact sums for the totals; removed before the context is returned
        "_funds_all": funds_all,
        "_closed_on": closed_on,
    }


def _group(villages: list[dict[str, Any]]) -> dict[str, Any]:
    return {"count": len(villages), "villages": villages}


def _ref(entry: Any, lang: str) -> dict[str, Any]:
    return {"township": entry.township, "village": entry.village, "code": str(entry.code) if entry.code else None,
            "name": full_name(entry.township, entry.village, lang)}


def build_context(entries: Sequence[Any], townships: Mapping[str, Sequence[Any]], criteria: Any, period: Period,
                  *, lang: str = "en", level: str = "county", township: str | None = None,
                  village: Any = None, org: str | None = None) -> dict[str, Any]:
    """The template context for one report (every key is documented in the README).

    `entries` are ledger entries (`lax.ledger.Entry`), `townships` the township records
    (`lax.ledger.load_townships`), `village` the entry of a village-level report. Figures cover the
    villages *on the ledger during the period*: a round opened by its end and not closed before it began.
    """
    from lax.lifecycle import state_as_of

    if level not in LEVELS:
        raise LaxError(_(f"--level: '{level}' is not county, township or village",
                         f"--level：“{level}”不是 county、township 或 village"))
    as_of = period.as_of
    policy = criteria.policy
    order = known_townships(entries, townships)
    rank = {t: i for i, t in enumerate(order)}

    if level == "village":
        if village is None:
            raise LaxError(_("a village-level report needs --village", "村级报告需要给出 --village"))
        scope_entries = [village]
        scope_townships = [village.township]
    elif level == "township":
        if township is None:
            raise LaxError(_("a township-level report needs --township", "乡镇级报告需要给出 --township"))
        scope_entries = [e for e in entries if e.township == township]
        scope_townships = [township]
    else:
        scope_entries = list(entries)
        scope_townships = order

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
                missed.append({**_ref(entry, lang), "date": ev.date.isoformat(),
                               "criteria": _as_list(ev.data.get("criteria"))})
        state = state_as_of(entry.events, as_of, policy)
        if state.status is None:
            continue
        record = _village_record(entry, events, state, period, titles, lang)
        funds_by_township[entry.township] = funds_by_township.get(entry.township, 0) + record["_funds_all"]
        if (level != "village" and record["status"] == "closed" and record["_closed_on"] is not None
                and record["_closed_on"] < period.start):
            continue  # its account was cancelled before this period began: not part of this report
        villages.append(record)
    if level == "village" and not villages:
        raise LaxError(_(f"{village.township}/{village.village} had not been identified by {as_of.isoformat()}: "
                         "there is nothing to report for it",
                         f"截至 {as_of.isoformat()}，{village.township}{village.village}尚未被确定为整顿对象，无可报告的内容"))
    funds_total = sum(funds_by_township.values())

    funds_period = sum(v["_funds_period"] for v in villages)
    by_township: dict[str, list[dict[str, Any]]] = {}
    by_standard: dict[str, list[dict[str, Any]]] = {}
    by_channel: dict[str, list[dict[str, Any]]] = {}
    funds_period_by_township: dict[str, int | Decimal] = {}
    for v in villages:
        t = v["township"]
        funds_period_by_township[t] = funds_period_by_township.get(t, 0) + v["_funds_period"]
        del v["_funds_period"], v["_funds_all"], v["_closed_on"]
        by_township.setdefault(v["township"], []).append(v)
        for st in v["standards"]:
            by_standard.setdefault(st["id"], []).append(v)
        if v["channel"]:
            by_channel.setdefault(str(v["channel"]), []).append(v)

    def pick(pred) -> list[dict[str, Any]]:
        return [v for v in villages if pred(v)]

    identified_in_period = pick(lambda v: v["identified_in_period"])
    not_accepted = ("identified", "rectifying")

    # Every standard of the criteria in order, then any other standard the ledger names.
    standard_ids = list(criteria.ids) + sorted(set(by_standard) - set(criteria.ids))
    standards = []
    for cid in standard_ids:
        named = by_standard.get(cid, [])
        standards.append({"id": cid, "title": titles.standard(cid), "count": len(named),
                          "in_period": sum(1 for v in named if v["identified_in_period"]), "villages": named})

    channel_ids = list(CHANNELS) + sorted(set(by_channel) - set(CHANNELS))
    channels = []
    for ch in channel_ids:
        named = by_channel.get(ch, [])
        channels.append({"id": ch, "title": _channel_text(ch, lang), "count": len(named),
                         "in_period": sum(1 for v in named if v["identified_in_period"]), "villages": named})

    def passed_in_period(v: dict[str, Any], passed: bool) -> bool:
        return any(a["in_period"] and a["passed"] == passed for a in v["acceptances"])

    groups = {
        "identified": _group(villages),
        "identified_in_period": _group(identified_in_period),
        "carried_over": _group(pick(lambda v: not v["identified_in_period"])),
        "rectifying": _group(pick(lambda v: v["status"] in not_accepted)),
        "awaiting_plan": _group(pick(lambda v: v["status"] == "identified")),
        "overdue": _group(pick(lambda v: v["overdue"])),
        "accepted": _group(pick(lambda v: v["status"] in ("accepted", "closed"))),
        "accepted_in_period": _group(pick(lambda v: passed_in_period(v, True))),
        "failed": _group(pick(lambda v: v["status"] in not_accepted and v["acceptance"] is not None
                              and not v["acceptance"]["passed"])),
        "failed_in_period": _group(pick(lambda v: passed_in_period(v, False))),
        "watching": _group(pick(lambda v: v["watching"])),
        "closable": _group(pick(lambda v: v["status"] == "accepted" and not v["watching"])),
        "closed": _group(pick(lambda v: v["status"] == "closed")),
        "rebounds": _group(pick(lambda v: bool(v["reopened"]))),
        "rebounds_in_period": _group(pick(lambda v: any(r["in_period"] for r in v["reopened"]))),
    }

    # Missed inclusions: the source documents criticise a township for one and escalate on a second
    # within one (calendar) year, so each year the period touches is counted up to the period's end.
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
        missed_rows.append({"township": t, "count": len(missed_by_township[t]),
                            "year_counts": {str(y): n for y, n in sorted(per_year.items())},
                            "escalate": any(n >= 2 for n in per_year.values()),
                            "villages": missed_by_township[t]})

    # Quarterly examinations: due by each quarter's last day; later is late, none by the period's end missing.
    quarters = quarters_ending_in(period)
    submission_rows: dict[str, list[dict[str, Any]]] = {}
    late: list[dict[str, Any]] = []
    for t in scope_townships:
        rows = []
        for y, q in quarters:
            key = f"{y}Q{q}"
            last = quarter_bounds(y, q)[1]
            dates = [ev.date for ev in townships.get(t, ())
                     if ev.type == "submission" and ev.date <= as_of and quarter_key(ev.data.get("quarter")) == key]
            first = min(dates) if dates else None
            status = "missing" if first is None else ("on_time" if first <= last else "late")
            text = {"on_time": _t(lang, "on time", "按时报送"),
                    "late": _t(lang, f"late ({long_date(first, lang)})" if first else "late",
                               f"逾期报送（{long_date(first, lang)}）" if first else "逾期报送"),
                    "missing": _t(lang, "not submitted", "未报送")}[status]
            row = {"township": t, "quarter": key, "quarter_label": quarter_label(y, q, lang),
                   "due": last.isoformat(), "date": _iso(first), "status": status, "status_text": text}
            rows.append(row)
            if status != "on_time":
                late.append(row)
        submission_rows[t] = rows

    failed_ids = {id(v) for v in groups["failed"]["villages"]}
    township_rows = []
    missed_row = {m["township"]: m for m in missed_rows}
    for t in scope_townships:
        vs = by_township.get(t, [])
        mrow = missed_row.get(t)
        subs = submission_rows.get(t, [])
        township_rows.append({
            "township": t,
            "identified": len(vs),
            "identified_in_period": sum(1 for v in vs if v["identified_in_period"]),
            "rectifying": sum(1 for v in vs if v["status"] in not_accepted),
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
        })

    if level == "village":
        scope_name = full_name(village.township, village.village, lang)
    elif level == "township":
        scope_name = township
    else:
        scope_name = _t(lang, "the county", "全县")
    this_village = villages[0] if level == "village" else None

    return {
        "lang": lang,
        "level": level,
        "org": org or "",
        "scope": {"level": level, "name": scope_name, "township": township if level == "township"
                  else (village.township if level == "village" else None),
                  "village": village.village if level == "village" else None},
        "period": {
            "kind": period.kind, "key": period.key, "label": period.label(lang),
            "start": period.start.isoformat(), "end": period.end.isoformat(), "as_of": as_of.isoformat(),
            "year": period.year, "quarter": period.quarter, "complete": as_of == period.end,
        },
        "criteria": {"name": criteria.name(lang), "version": criteria.version, "count": len(criteria.criteria),
                     "rectify_months": policy.rectify_months, "watch_months": policy.watch_months,
                     "pass_score": policy.pass_score},
        "standards": standards,
        "channels": channels,
        **groups,
        "funds": {"period": _plain_number(funds_period), "total": _plain_number(funds_total)},
        "responsible": {role: sum(1 for v in villages if v[role]) for role, _en, _zh in ROLES},
        "missed_inclusions": {"count": len(missed), "villages": missed, "townships": missed_rows,
                              "escalated": [m["township"] for m in missed_rows if m["escalate"]]},
        "submissions": {
            "quarters": [{"key": f"{y}Q{q}", "label": quarter_label(y, q, lang),
                          "due": quarter_bounds(y, q)[1].isoformat()} for y, q in quarters],
            "late": late,
            "late_count": sum(1 for r in late if r["status"] == "late"),
            "missing_count": sum(1 for r in late if r["status"] == "missing"),
        },
        "townships": township_rows,
        "villages": villages,
        "village": this_village,
    }
