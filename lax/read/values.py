"""Turning cell values into typed values: text, whole numbers, numbers, percents, yes/no and dates.

Pure functions, no I/O. `parse_date` serves command-line options and ledger files; the per-type
converters (`to_text`, `to_int`, `to_number`, `to_percent`, `to_bool`, `to_date`) serve `lax.read.rows`,
which converts whole columns at once with `convert_column`.

What a cell may hold, by field type:

- every type: blank (`None`) for an empty cell, spaces only, or a dash/slash mark: `-`, `－`, `—`, `——`,
  `–`, `/`, `／`, `\\`. Full-width characters are folded first (NFKC), so `１２` is `12`.
- `int` (counts): `3`, `3.0`, `"3"`, `"1,200"`, `"１２"`, a count with its unit (`"3个月"`, `"2人"`, `"5次"`,
  `"30天"` …), and `无` ("none") for 0. Negative or fractional values are bad (`bad-number`).
- `number`: as `int` but fractions and negative values are allowed; a `万元`/`万` unit is dropped
  (the column is in 万元). `无` is 0.
- `percent` (0–100): `85`, `"85"`, `"85%"`, `"85％"`. A value written *without* a percent sign that lies in
  0 < v <= 1 is a fraction and is multiplied by 100, because a percent-formatted cell showing 85 % holds
  0.85 (and so does the text `"0.85"`); so `1` reads as 100 %. `"0.5%"` is 0.5. Outside 0–100 is bad
  (`bad-percent`). `无` is blank.
- `bool`: yes = `是 有 √ ✓ ✔ ☑ 对 已 已完成 完成 已落实 落实 y yes true 1`; no = `否 无 没有 × ✗ ✘ ☒ x 错 未 未完成
  未落实 不 n no false 0` (letters in any case; a TRUE/FALSE cell; the numbers 1 and 0). `正常/不正常` are *not*
  accepted: whether "normal" means yes or no depends on how the column is worded. Else `bad-bool`.
- `date`: a date or date-time cell, the text forms `parse_date` takes, and `20260930` (text or number).
  Else `bad-date`. (An Excel serial number in a non-date cell is not a date here.)
- `text`: folded (NFKC), spaces collapsed, a space between two Chinese characters removed (`宋 三村` is
  `宋三村`); a whole number stored in a numeric cell reads back as its digits (360622101201.0 is
  `"360622101201"`, never `3.6e11`); a date cell as `2026-09-30`. `无` is blank. Never bad.

A TRUE/FALSE cell in a number column reads as 1/0 (in Python `True == 1`, and converted values are
cached per raw value).

Units (a field's optional `unit:` in criteria.yaml, see `UNITS`): a count or amount written with a unit is
read against the column's unit. A unit that converts exactly converts (`1年` is 12 in a months column,
`2周` is 14 in a days column, `1.5万元` is 15000 in a yuan column, `3万` is 3 in a 万元 column); one that does
not (`3个月` in a days column, `90天` in a months column, `18个月` in a whole-years column) or an unknown one
(`3斤`) is bad (`bad-unit`, naming the column's unit). A field without a unit keeps the old reading: a
trailing count word (`个月 人 次 …`, or `万元` for a number) is dropped.

Excel error values (`#DIV/0!`, `#N/A`, `#VALUE!`, `#REF!`, `#NAME?`, `#NUM!`, `#NULL!` …) are bad in every
field, text included (`bad-value`), never blank: the cell holds a formula that failed, not a value.

Percent columns are settled as a whole by `settle_percents` (see there): a bare number <= 1 is a fraction,
and in a column of fractions a bare number above 1 that is not whole (a percent-formatted 150 %, stored as
1.5) is a problem, never 1.5 %; `lax.read.cells` reads an xlsx cell's percent format first.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from fractions import Fraction
from typing import Any

# -------------------------------------------------------------------------------------------- dates

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", re.ASCII)
_TIME_RE = re.compile(r"^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", re.ASCII)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII)


def parse_date(value: Any) -> dt.date:
    """A date from a date or datetime cell, or text such as `2026-09-30`, `2026/9/30`, `2026.9.30`,
    `2026年9月30日` (full-width digits and surrounding spaces allowed; `2026-09-30 00:00:00` too);
    raises ValueError for anything else, including impossible dates such as 2026-13-40."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    text = unicodedata.normalize("NFKC", value).strip()
    m = _DATE_RE.match(text)
    if m is None and len(text) > 10 and text[10] in "T " and _TIME_RE.match(text[11:].strip()):
        m = _DATE_RE.match(text[:10])  # a date-time exported as text; the time is dropped
    if m is None:
        raise ValueError(f"not a date: {value!r}")
    year, month, day = (int(g) for g in m.groups())
    return dt.date(year, month, day)  # ValueError for month 13 or day 40


# ------------------------------------------------------------------------------------ scalar converters

# Marks people put in a cell to say "nothing here"; blank for every type.
BLANK_MARKS = frozenset({"", "-", "－", "—", "——", "–", "/", "／", "\\", "--", "---"})
_NONE_WORD = "无"  # "none": False for yes/no, 0 for counts and numbers, blank for text/percent/date

TRUE_WORDS = frozenset(
    {"是", "有", "√", "✓", "✔", "☑", "对", "已", "已完成", "完成", "已落实", "落实", "y", "yes", "true", "1"}
)
FALSE_WORDS = frozenset(
    {"否", "无", "没有", "×", "✗", "✘", "☒", "x", "错", "未", "未完成", "未落实", "不", "n", "no", "false", "0"}
)

_NUMBER_RE = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$", re.ASCII)
_INT_UNITS = ("个月", "人次", "个", "人", "名", "次", "天", "日", "月", "年", "户", "起", "件", "处", "宗", "例")
_NUMBER_UNITS = ("万元", "万")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_SPACE_RE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")

_nfkc = functools.partial(unicodedata.normalize, "NFKC")


def clean_text(s: str) -> str:
    """Fold full-width forms, collapse runs of spaces and line breaks, drop spaces between Chinese characters."""
    s = " ".join(_nfkc(s).split())
    if " " in s:
        s = _CJK_SPACE_RE.sub("", s)
    return s


def _number_text(s: str, units: tuple[str, ...]) -> float | None:
    """The number in a text cell, or None when it is not one. Accepts `1,200`, `3.0`, `.5`, a trailing unit."""
    s = _nfkc(s).strip()
    for unit in units:
        if s.endswith(unit) and len(s) > len(unit):
            s = s[: -len(unit)].rstrip()
            break
    m = _NUMBER_RE.match(s)
    if m is None or (m.group(2) is None and not m.group(3)):
        return None
    return float(s.replace(",", ""))


# Excel's error values: a formula that failed. Never a value, never blank (calamine reads them as blank, so
# `lax.read.cells` finds them in the sheet's XML and puts the error text back in the cell).
EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)


def excel_error(value: Any) -> str | None:
    """The Excel error a cell holds (`#DIV/0!`), or None."""
    if isinstance(value, str) and value[:1] in ("#", "＃"):
        s = _nfkc(value).strip().upper()
        if s in EXCEL_ERRORS:
            return s
    return None


class UnitError(ValueError):
    """A count or amount written with a unit that is not the column's and does not convert exactly, or that
    lax does not know; `args` = (raw value, the unit written, whether lax knows that unit)."""


# A field's unit: its words (how criteria.yaml may name it) and the units written in a cell that convert
# to it exactly, with the factor. Units of the same kind that do not convert exactly (a month is not a whole
# number of days) are absent, so they are refused.
UNITS: dict[str, dict[str, Fraction]] = {
    "months": {"个月": Fraction(1), "月": Fraction(1), "年": Fraction(12), "季度": Fraction(3), "个季度": Fraction(3)},
    "days": {"天": Fraction(1), "日": Fraction(1), "周": Fraction(7), "个星期": Fraction(7), "星期": Fraction(7)},
    "years": {"年": Fraction(1), "个月": Fraction(1, 12), "月": Fraction(1, 12)},
    "persons": {"人": Fraction(1), "名": Fraction(1), "人次": Fraction(1), "位": Fraction(1), "个": Fraction(1)},
    "times": {
        "次": Fraction(1),
        "起": Fraction(1),
        "件": Fraction(1),
        "户": Fraction(1),
        "个": Fraction(1),
        "处": Fraction(1),
        "宗": Fraction(1),
        "例": Fraction(1),
    },
    "yuan": {"元": Fraction(1), "万元": Fraction(10000), "万": Fraction(10000), "千元": Fraction(1000)},
    "10k_yuan": {"万元": Fraction(1), "万": Fraction(1), "元": Fraction(1, 10000), "千元": Fraction(1, 10)},
}
# How criteria.yaml may spell a unit (`unit: months` or `unit: 月`).
UNIT_NAMES = {
    "months": "months",
    "month": "months",
    "月": "months",
    "个月": "months",
    "days": "days",
    "day": "days",
    "天": "days",
    "日": "days",
    "years": "years",
    "year": "years",
    "年": "years",
    "persons": "persons",
    "people": "persons",
    "人": "persons",
    "名": "persons",
    "人次": "persons",
    "times": "times",
    "cases": "times",
    "count": "times",
    "次": "times",
    "起": "times",
    "件": "times",
    "户": "times",
    "个": "times",
    "yuan": "yuan",
    "元": "yuan",
    "10k_yuan": "10k_yuan",
    "万元": "10k_yuan",
    "万": "10k_yuan",
}
# Every unit word lax knows, longest first (so 个月 is tried before 月).
_KNOWN_UNITS = tuple(
    sorted({u for table in UNITS.values() for u in table} | set(_INT_UNITS) | {"周"}, key=len, reverse=True)
)
_UNIT_SPLIT_RE = re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?)\s*([^\d\s.,+-].*)$")


def unit_title(unit: str) -> str:
    """A unit as a person reads it: `months (月)`."""
    from lax.i18n import _

    return {
        "months": _("months (月)", "月"),
        "days": _("days (天)", "天"),
        "years": _("years (年)", "年"),
        "persons": _("persons (人)", "人"),
        "times": _("times/cases (次、起、件、户)", "次/起/件/户"),
        "yuan": _("yuan (元)", "元"),
        "10k_yuan": _("10,000 yuan (万元)", "万元"),
    }.get(unit, unit)


def _unit_number(s: str, unit: str) -> float | None:
    """The number in a folded text cell of a column in `unit`, converted to that unit; None when it is no
    number at all; raises UnitError for a unit that does not convert exactly or is unknown."""
    m = _NUMBER_RE.match(s)
    if m is not None:
        if m.group(2) is None and not m.group(3):
            return None
        return float(s.replace(",", ""))
    m = _UNIT_SPLIT_RE.match(s)
    if m is None or not m.group(1) or m.group(1) in ("+", "-") or not any(ch.isdigit() for ch in m.group(1)):
        return None
    number, written = m.group(1).replace(",", ""), m.group(2).strip()
    factor = UNITS[unit].get(written)
    if factor is None:
        raise UnitError(s, written, written in _KNOWN_UNITS)
    exact = Fraction(number) * factor
    return float(exact) if exact.denominator == 1 or factor.denominator == 1 else _exact_float(exact, s, written)


def _exact_float(value: Fraction, s: str, written: str) -> float:
    """A converted value that must come out exactly (18个月 is 1.5 years: fine for a number, not for a count);
    the caller of a count checks that it is whole. Refuse a result a float cannot hold exactly."""
    f = float(value)
    if Fraction(f) != value and Fraction(round(f, 9)).limit_denominator(10**9) != value:
        raise UnitError(s, written, True)
    return f


def _tidy(v: float) -> int | float:
    """A whole float as an int (85.0 -> 85), so results read and print naturally."""
    return int(v) if v.is_integer() else v


def to_text(value: Any) -> str | None:
    """A text field's value; bad (ValueError) only for an Excel error value such as `#N/A`."""
    if isinstance(value, str):
        s = clean_text(value)
        if s[:1] == "#" and s.upper() in EXCEL_ERRORS:
            raise ValueError(value)  # a formula that failed is not a name or a code
        return None if s in BLANK_MARKS or s == _NONE_WORD else s
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return clean_text(str(value))


def _raw_number(value: Any, units: Any, unit: str | None = None) -> float | None:
    """The number a count or amount cell holds, before its own rules apply: None for blank, 0 for 无;
    raises ValueError when it is not a number. With `unit` (the column's), a unit written in the cell is
    converted to it (UnitError when it does not convert exactly or is unknown); else `units` are the
    suffixes that may follow the number."""
    if isinstance(value, str):
        s = value.strip()
        if s in BLANK_MARKS:
            return None
        folded = _nfkc(s).strip()
        if folded in BLANK_MARKS:
            return None
        if folded == _NONE_WORD:
            return 0.0
        v = _unit_number(folded, unit) if unit else _number_text(folded, units)
        if v is None:
            raise ValueError(value)
        return v
    if isinstance(value, (int, float)):  # bool is an int: TRUE reads as 1
        return float(value)
    if value is None:
        return None
    raise ValueError(value)


def to_int(value: Any) -> int | None:
    """A count (whole number, 0 or more); raises ValueError when it is not one."""
    v = _raw_number(value, _INT_UNITS)
    if v is None:
        return None
    if v != v or v < 0 or not v.is_integer():
        raise ValueError(value)
    return int(v)


def to_number(value: Any) -> int | float | None:
    """Any finite number (fractions and negative values allowed); raises ValueError when it is not one."""
    v = _raw_number(value, _NUMBER_UNITS)
    if v is None:
        return None
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError(value)
    return _tidy(v)


def to_int_in(value: Any, unit: str) -> int | None:
    """A count in a column with a unit (`1年` is 12 in a months column); raises ValueError when it is not one."""
    v = _raw_number(value, None, unit)
    if v is None:
        return None
    if v != v or v < 0 or not v.is_integer():
        raise ValueError(value)
    return int(v)


def to_number_in(value: Any, unit: str) -> int | float | None:
    """An amount in a column with a unit (`1.5万元` is 15000 in a yuan column); raises ValueError when it is not one."""
    v = _raw_number(value, None, unit)
    if v is None:
        return None
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError(value)
    return _tidy(round(v, 9) if not v.is_integer() else v)


def converter(ftype: str, unit: str | None = None) -> Callable[[Any], Any]:
    """The converter for a field: by its type, and by its unit for a count or amount that has one."""
    if unit is not None and ftype in ("int", "number"):
        fn = to_int_in if ftype == "int" else to_number_in
        return functools.partial(fn, unit=unit)
    return CONVERTERS[ftype]


def bad_reason(ftype: str, unit: str | None, raw: Any) -> tuple[str, str, str] | None:
    """(problem code, English, Chinese) for a bad value that is an Excel error or written in a wrong or
    unknown unit; None for any other bad value (the type's own code and message say it)."""
    err = excel_error(raw)
    if err is not None:
        return (
            "bad-value",
            f"the cell holds the Excel error {err} (a formula that failed), not a value",
            f"单元格是 Excel 错误值 {err}（公式出错），不是数值",
        )
    if unit is None or ftype not in ("int", "number") or not isinstance(raw, str):
        return None
    folded = _nfkc(raw).strip()
    try:
        v = _unit_number(folded, unit)
    except UnitError as e:
        written, known = e.args[1], e.args[2]
        if known:
            return (
                "bad-unit",
                f"'{written}' does not convert exactly to the column's unit, {unit_title(unit)}",
                f"“{written}”不能准确换算为本列的单位（{unit_title(unit)}）",
            )
        return (
            "bad-unit",
            f"unknown unit '{written}' (the column is in {unit_title(unit)})",
            f"不认识的单位“{written}”（本列单位为{unit_title(unit)}）",
        )
    if v is not None and ftype == "int" and v >= 0 and not v.is_integer() and _NUMBER_RE.match(folded) is None:
        return (
            "bad-unit",
            f"'{show_value(raw)}' is not a whole number of {unit_title(unit)}",
            f"“{show_value(raw)}”换算后不是整数{unit_title(unit)}",
        )
    return None


from lax.show import raw_text as show_value  # noqa: E402 - a raw value in a message: lax's one value formatter


def to_percent(value: Any) -> int | float | None:
    """A percentage 0-100 (`85`, `85%`, or a fraction 0.85 written without a percent sign), one value on its
    own (a sheet's column is read as a whole: `settle_percents`); raises ValueError when it is not one."""
    v = to_percent_raw(value)
    if v is None:
        return None
    if v.__class__ is tuple:  # written with its sign
        return _tidy(v[0])
    if 0 < v <= 1:
        v = round(v * 100, 9)  # 0.85 * 100 is 85.00000000000001 in binary floating point
    return _tidy(v)


def to_percent_raw(value: Any) -> float | None:
    """A percent cell before its column is settled: `(v,)` for a value written with `%` (0-100; a tuple so
    that it never counts as, or is confused with, a bare number of the same value), a plain float for a bare
    number (0-100, not yet read as a fraction or not); raises ValueError when it is neither."""
    if isinstance(value, str):
        s = value.strip()
        if s in BLANK_MARKS:
            return None
        folded = _nfkc(s).strip()
        if folded in BLANK_MARKS or folded == _NONE_WORD:
            return None
        signed = folded.endswith("%")
        v = _number_text(folded[:-1].rstrip() if signed else folded, ())
        if v is None:
            raise ValueError(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        signed = False
        v = float(value)
    elif value is None:
        return None
    else:
        raise ValueError(value)
    if v != v or not 0 <= v <= 100:
        raise ValueError(value)
    return (v,) if signed else v


AMBIGUOUS = object()  # a percent cell that reads two ways in its column (see `settle_percents`)


def settle_percents(values: list, mode: str | None) -> tuple[list, str | None]:
    """Read the bare numbers of a percent column (from `to_percent_raw`) as a whole: (values, mode).

    A percent-formatted cell showing 85 % holds 0.85, so a bare number in 0 < v <= 1 is a fraction (x100,
    so 1 is 100 %), as `to_percent` reads it. But a percent-formatted cell showing 150 % holds 1.5, which
    alone would read as 1.5 %. So the column decides, by its bare nonzero numbers (`85%` written with its
    sign does not vote; 0 and 1 do not either):
    - more fractions (0 < v < 1) than numbers above 1: a column of fractions. There a bare number above 1
      that is not whole (1.5: 150 % or 1.5 %?) is AMBIGUOUS, a problem, never a guess; a whole number
      above 1 (85) was typed as a percentage into an unformatted cell (Excel turns 85 typed into a
      percent-formatted cell into 0.85) and stands.
    - otherwise: bare numbers above 1 stand (88 beside a formatted 0.55 is 88 %).
    `mode` ("fraction", "percent" or None when no number voted) is the decision of the column's earlier
    chunks; once made it holds for the rest of the sheet. Blanks stay None and bad values stay BAD.
    """
    counts = Counter(values)
    if mode is None:
        small = large = 0
        for v, n in counts.items():
            if v.__class__ is float or v.__class__ is int:
                if 0 < v < 1:
                    small += n
                elif v > 1:
                    large += n
        mode = "fraction" if small > large else "percent" if large else None
    table = {}
    for v in counts:
        if v is None or v is BAD:
            continue
        if v.__class__ is tuple:
            table[v] = _tidy(v[0])
        elif v <= 1:
            table[v] = _tidy(round(v * 100, 9))
        elif mode == "fraction" and not v.is_integer():
            table[v] = AMBIGUOUS
        else:
            table[v] = _tidy(v)
    return list(map(table.get, values, values)), mode


class Settled(dict):
    """Raw percent cell -> its settled value, for a column whose mode (`settle_percents`) is decided: the
    rest of the column converts with one C-level map instead of a raw map, a count and a table per chunk.

    Filled on first sight from the column's raw memo (`memo`, of `to_percent_raw`) and `settle_percents`
    itself, so every value is exactly what the chunk-by-chunk settling gives. A bad value is not stored:
    each occurrence goes through the raw memo, which counts it (`Memo.bad`), as before."""

    __slots__ = ("memo", "mode")

    def __init__(self, memo: Memo, mode: str):
        super().__init__()
        self.memo = memo
        self.mode = mode

    def __missing__(self, raw: Any) -> Any:
        value = self.memo[raw]
        if value is BAD:
            return BAD
        settled = settle_percents([value], self.mode)[0][0]
        try:
            self[raw] = settled
        except TypeError:  # unhashable; never produced by the readers, but stay correct
            pass
        return settled


def to_bool(value: Any) -> bool | None:
    """Yes or no; raises ValueError for anything else."""
    if isinstance(value, str):
        s = "".join(_nfkc(value).split()).lower()
        if s in TRUE_WORDS:
            return True
        if s in FALSE_WORDS:
            return False
        if s in BLANK_MARKS:
            return None
        raise ValueError(value)
    if isinstance(value, (bool, int, float)):  # a TRUE/FALSE cell, or 1/0
        if value == 1:
            return True
        if value == 0:
            return False
        raise ValueError(value)
    if value is None:
        return None
    raise ValueError(value)


def to_date(value: Any) -> dt.date | None:
    """A date; raises ValueError when it is not one."""
    if isinstance(value, dt.date):  # also datetime
        return parse_date(value)
    if isinstance(value, str):
        s = value.strip()
        folded = "".join(_nfkc(s).split())
        if folded in BLANK_MARKS or folded == _NONE_WORD:
            return None
        m = _COMPACT_DATE_RE.match(folded)
        if m:
            return dt.date(*(int(g) for g in m.groups()))
        return parse_date(s)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 29991231:
            m = _COMPACT_DATE_RE.match(str(int(value)))
            if m:
                return dt.date(*(int(g) for g in m.groups()))
        raise ValueError(value)
    if value is None:
        return None
    raise ValueError(value)


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "text": to_text,
    "int": to_int,
    "number": to_number,
    "percent": to_percent,
    "bool": to_bool,
    "date": to_date,
}

# The problem code a bad value of each type gets.
PROBLEM_CODES = {
    "int": "bad-number",
    "number": "bad-number",
    "percent": "bad-percent",
    "bool": "bad-bool",
    "date": "bad-date",
}


def convert(ftype: str, value: Any, unit: str | None = None) -> Any:
    """Convert one raw value to a field type (and unit); None for blank; raises ValueError for a bad value."""
    try:
        return converter(ftype, unit)(value)
    except (TypeError, OverflowError) as e:
        raise ValueError(value) from e


def expected(ftype: str) -> str:
    """What a field of this type should hold, in words for a problem message."""
    from lax.i18n import _

    return {
        "int": _("a whole number of 0 or more", "0 或正整数"),
        "number": _("a number", "数字"),
        "percent": _("a percentage from 0 to 100 (85, 85% or 0.85)", "0 到 100 的百分数（85、85% 或 0.85）"),
        "bool": _("yes or no (是/否, 有/无, √/×, Y/N)", "是或否（是/否、有/无、√/×、Y/N）"),
        "date": _("a date like 2026-09-30", "2026-09-30 这样的日期"),
    }.get(ftype, _("text", "文字"))


# ------------------------------------------------------------------------------------- column converters


class _Bad:
    """The converted value of a bad cell inside a column, found later with `BAD in column`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "BAD"

    def __reduce__(self) -> str:
        return "BAD"


BAD = _Bad()


class Memo(dict):
    """Raw value -> converted value for one field type, filled on first sight.

    Raw values repeat massively in a sheet (0.0, 1.0, 是, 否), so a column converts at C speed with
    `list(map(memo.__getitem__, column))` and only unseen values reach Python. A bad value is not
    stored: each occurrence goes through `__missing__` and bumps `bad`, so a caller can tell whether a
    column holds any bad value without scanning it.
    """

    __slots__ = ("convert", "bad")

    def __init__(self, convert: Callable[[Any], Any]):
        super().__init__()
        self.convert = convert
        self.bad = 0

    def __missing__(self, raw: Any) -> Any:
        try:
            value = self.convert(raw)
        except (ValueError, TypeError, OverflowError):
            self.bad += 1
            return BAD
        try:
            self[raw] = value
        except TypeError:  # unhashable; never produced by the readers, but stay correct
            pass
        return value


def new_memos() -> dict[str, Memo]:
    """One memo per field type, shared by every column of that type while reading a set of files."""
    return {ftype: Memo(conv) for ftype, conv in CONVERTERS.items() if ftype != "text"}


def memo_for(memos: dict[str, Memo], ftype: str, unit: str | None = None) -> Memo:
    """The memo of a field's converter in `memos` (from `new_memos`), made on first use for a unit."""
    key = ftype if unit is None or ftype not in ("int", "number") else f"{ftype}:{unit}"
    memo = memos.get(key)
    if memo is None:
        memo = memos[key] = Memo(converter(ftype, unit) if key != "percent-raw" else to_percent_raw)
    return memo


def _text_or_bad(value: Any) -> Any:
    try:
        return to_text(value)
    except ValueError:
        return BAD


_BLANK_TEXT = dict.fromkeys(BLANK_MARKS | {_NONE_WORD})  # value -> None for blank marks


def convert_column(ftype: str, column: tuple | list, memos: dict[str, Memo]) -> tuple[list | tuple, bool]:
    """Convert a column of raw cell values: (values, has_bad). Bad cells hold `BAD`.

    The result is a new list, except that a text column that needs no cleaning is returned as given.

    Text columns take C-speed paths when the column is all text or all whole numbers (codes), since
    village names and codes are unique and gain nothing from a memo.
    """
    if ftype == "text":
        types = set(map(type, column))
        if str in types:
            joined = "|".join(column if types == {str} else [v for v in column if v.__class__ is str])
            if "#" in joined or "＃" in joined:
                out = list(map(_text_or_bad, column))  # an Excel error value (#N/A) among the texts?
                return out, BAD in out
        if types <= {str}:
            # Usually every cell is already clean: check the whole column at once and keep it as it is.
            joined = "|".join(column)
            words = joined.split(None, 1)  # one C scan; a single word the length of the whole means no space
            if (
                len(words) == 1
                and len(words[0]) == len(joined)
                and unicodedata.is_normalized("NFKC", joined)
                and _BLANK_TEXT.keys().isdisjoint(column)
            ):
                return column, False
            out = list(map(" ".join, map(str.split, map(_nfkc, column))))
            if any(map(str.__contains__, out, itertools.repeat(" "))):
                out = [_CJK_SPACE_RE.sub("", s) if " " in s else s for s in out]
            # dict.get(v, v): None for a blank mark, else the text itself
            return list(map(_BLANK_TEXT.get, out, out)), False
        if types == {float} and all(map(float.is_integer, column)):
            return list(map(str, map(int, column))), False  # codes: 360622101201.0 -> "360622101201"
        return list(map(to_text, column)), False
    memo = memos[ftype]
    before = memo.bad
    out = list(map(memo.__getitem__, column))
    return out, memo.bad != before


def to_yuan(value: Any) -> int | float | None:
    """An amount of money in yuan as people write it: `31500`, `31,500`, `31500元`, `3.15万`, a number cell.

    None when it is not an amount (negative, not finite, not a number); whole amounts come back as int,
    so a ledger file says `funds: 31500`, not `31500.0`.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        amount = float(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").rstrip("元").strip()
        scale = 1
        if text.endswith("万"):
            text, scale = text[:-1].strip(), 10000
        try:
            amount = float(text) * scale
        except ValueError:
            return None
    if not math.isfinite(amount) or amount < 0:
        return None
    amount = round(amount, 2)
    return int(amount) if amount.is_integer() else amount
