"""Turning cell values into typed values: text, whole numbers, numbers, percents, yes/no and dates.

Pure functions, no I/O. `parse_date` serves command-line options and ledger files; the per-type
converters (`to_text`, `to_int`, `to_number`, `to_percent`, `to_bool`, `to_date`) serve `lax.records`,
which converts whole columns at once with `convert_column`.

What a cell may hold, by field type (SPEC §5):

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
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
import unicodedata
from typing import Any, Callable

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

TRUE_WORDS = frozenset({"是", "有", "√", "✓", "✔", "☑", "对", "已", "已完成", "完成", "已落实", "落实",
                        "y", "yes", "true", "1"})
FALSE_WORDS = frozenset({"否", "无", "没有", "×", "✗", "✘", "☒", "x", "错", "未", "未完成", "未落实", "不",
                         "n", "no", "false", "0"})

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


def _tidy(v: float) -> int | float:
    """A whole float as an int (85.0 -> 85), so results read and print naturally."""
    return int(v) if v.is_integer() else v


def to_text(value: Any) -> str | None:
    """A text field's value; never bad."""
    if isinstance(value, str):
        s = clean_text(value)
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


def _raw_number(value: Any, units: Any) -> float | None:
    """The number a count or amount cell holds, before its own rules apply: None for blank, 0 for 无;
    raises ValueError when it is not a number."""
    if isinstance(value, str):
        s = value.strip()
        if s in BLANK_MARKS:
            return None
        folded = _nfkc(s).strip()
        if folded in BLANK_MARKS:
            return None
        if folded == _NONE_WORD:
            return 0.0
        v = _number_text(folded, units)
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


def to_percent(value: Any) -> int | float | None:
    """A percentage 0-100 (`85`, `85%`, or a fraction 0.85 written without a percent sign);
    raises ValueError when it is not one."""
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
    elif isinstance(value, (int, float)):
        signed = False
        v = float(value)
    elif value is None:
        return None
    else:
        raise ValueError(value)
    if not signed and 0 < v <= 1:
        v = round(v * 100, 9)  # 0.85 * 100 is 85.00000000000001 in binary floating point
    if v != v or not 0 <= v <= 100:
        raise ValueError(value)
    return _tidy(v)


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


def convert(ftype: str, value: Any) -> Any:
    """Convert one raw value to a field type; None for blank; raises ValueError for a bad value."""
    try:
        return CONVERTERS[ftype](value)
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


_BLANK_TEXT = dict.fromkeys(BLANK_MARKS | {_NONE_WORD})  # value -> None for blank marks


def convert_column(ftype: str, column: tuple | list, memos: dict[str, Memo]) -> tuple[list | tuple, bool]:
    """Convert a column of raw cell values: (values, has_bad). Bad cells hold `BAD`.

    The result is a new list, except that a text column that needs no cleaning is returned as given.

    Text columns take C-speed paths when the column is all text or all whole numbers (codes), since
    village names and codes are unique and gain nothing from a memo.
    """
    if ftype == "text":
        types = set(map(type, column))
        if types <= {str}:
            # Usually every cell is already clean: check the whole column at once and keep it as it is.
            joined = "|".join(column)
            words = joined.split(None, 1)  # one C scan; a single word the length of the whole means no space
            if len(words) == 1 and len(words[0]) == len(joined) and unicodedata.is_normalized("NFKC", joined) \
                    and _BLANK_TEXT.keys().isdisjoint(column):
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
