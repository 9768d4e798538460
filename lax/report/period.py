"""Report periods: a quarter, a year or a span of days, and the date the figures are taken as of.

Owns a quarter written 2026Q3 (or 2026-Q3, 2026年第三季度), a year, a span of days, the bounds of a quarter,
the quarters whose examinations fall due in a period, and a period's name in a report's language. A period
that has not ended yet is reported as of today: a report drafted mid-quarter must not count deadlines that
have not passed yet as missed.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lax.i18n import _
from lax.problems import LaxError
from lax.show import in_lang as _t
from lax.show import long_date

_QUARTER_NAMES_ZH = "一二三四"


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
            return quarter_label(self.year, self.quarter, lang)
        if self.kind == "year":
            return _t(lang, str(self.year), f"{self.year}年度")
        return _t(
            lang,
            f"{long_date(self.start, lang)} to {long_date(self.end, lang)}",
            f"{long_date(self.start, lang)}至{long_date(self.end, lang)}",
        )


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


def make_period(
    *,
    today: dt.date,
    quarter: str | None = None,
    year: str | int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    names: Mapping[str, str] | None = None,
) -> Period:
    """The period asked for (a quarter, a year, or a span from `start` to `end`); without any, the quarter
    containing `today`.

    The figures are taken as of the period's end, or as of `today` while the period is still running
    (a report drafted mid-quarter must not count deadlines that have not passed yet as missed).
    `names` says what messages call the inputs `quarter`, `year`, `start`, `end` (the CLI gives its option
    names, `--quarter` ...); by default they are called by what they are.
    """
    n = {
        "quarter": _("quarter", "季度"),
        "year": _("year", "年份"),
        "start": _("start", "起始日期"),
        "end": _("end", "截止日期"),
        **(names or {}),
    }
    span = f"{n['start']}/{n['end']}"
    given = [
        name for name, value in ((n["quarter"], quarter), (n["year"], year), (span, start or end)) if value is not None
    ]
    if len(given) > 1:
        raise LaxError(
            _(
                f"give only one of {n['quarter']}, {n['year']}, {span} (got {', '.join(given)})",
                f"{n['quarter']}、{n['year']}、{span} 只能给出一种（给出了 {'、'.join(given)}）",
            )
        )
    if quarter is not None:
        try:
            y, q = parse_quarter(quarter)
        except ValueError:
            raise LaxError(
                _(
                    f"{n['quarter']}: '{quarter}' is not a quarter (expected e.g. 2026Q3 or 2026-Q3)",
                    f"{n['quarter']}：“{quarter}”不是季度（应为 2026Q3 或 2026-Q3 这样的写法）",
                )
            ) from None
        first, last = quarter_bounds(y, q)
        kind, y_, q_ = "quarter", y, q
    elif year is not None:
        m = re.match(r"^(\d{4})\s*(?:年度?)?$", unicodedata.normalize("NFKC", str(year)).strip())
        if not m:
            raise LaxError(
                _(
                    f"{n['year']}: '{year}' is not a year (expected e.g. 2026)",
                    f"{n['year']}：“{year}”不是年份（应为 2026 这样的写法）",
                )
            )
        y_, q_ = int(m.group(1)), None
        first, last, kind = dt.date(y_, 1, 1), dt.date(y_, 12, 31), "year"
    elif start is not None or end is not None:
        if start is None:
            raise LaxError(
                _(
                    f"{n['end']} needs {n['start']} (the first day of the period)",
                    f"{n['end']} 需要同时给出 {n['start']}（期间的第一天）",
                )
            )
        first, last = start, (end if end is not None else today)
        if last < first:
            raise LaxError(
                _(
                    f"{n['end']} {last.isoformat()} is before {n['start']} {first.isoformat()}",
                    f"{n['end']} {last.isoformat()} 早于 {n['start']} {first.isoformat()}",
                )
            )
        kind, y_, q_ = "range", None, None
    else:
        q_now = (today.month - 1) // 3 + 1
        first, last = quarter_bounds(today.year, q_now)
        kind, y_, q_ = "quarter", today.year, q_now
    if first > today:
        raise LaxError(
            _(
                f"the period starts on {first.isoformat()}, after today ({today.isoformat()}): "
                "there is nothing to report yet",
                f"该期间从 {first.isoformat()} 开始，晚于今天（{today.isoformat()}），尚无可报告的内容",
            )
        )
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
