"""The rows of a table below its header, as village records.

What a township sheet's rows hold besides villages, and how it is told (shared with `lax.ledger.excel`'s
台账 import, so that `lax check` and `lax ledger import` skip the same rows): footer rows (合计, 填表人：…,
备注：…, `is_footer_row`), blank rows, the 栏次 row of column numbers under a header
(`is_column_number_row`), and the township merged down over its villages or left blank below its first
row (`carry_down`).

`read_table` finds a table's header (`lax.read.header`) and hands its rows to `TableRows`, which converts
them chunk by chunk: rows come in chunks of `CHUNK`; each chunk is transposed into columns (`zip(*rows)`)
and every column converted in one C-level `map` over a memo of already-converted raw values (see
`lax.read.values`), so Python code runs once per *distinct* value, not per cell. Checks that a chunk
holds only villages (no blank, footer, bad or missing value) also run per column at C speed; such a chunk
becomes records and enters the duplicate index (`lax.read.duplicates`) without a Python loop per row.
Only a chunk with something to report goes row by row (`TableRows._slow_rows`).
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from lax.i18n import _
from lax.problems import Problem
from lax.read.header import HEADER_ROWS, blank_cell, column_letter, find_header
from lax.read.values import (
    AMBIGUOUS,
    BAD,
    PROBLEM_CODES,
    Settled,
    bad_reason,
    convert_column,
    expected,
    memo_for,
    settle_percents,
)
from lax.read.values import (
    show_value as _show,
)

CHUNK = 1024  # rows converted at a time: enough for C-speed maps, few enough to stay in the CPU cache (measured)

# Footer rows are not villages: totals, signatures, notes. Matched at the start of the village and township
# cells, of any cell left of the village name (序号) and of a row's first cell, with spaces removed (so
# "合 计" is "合计").
_FOOTER_WORDS = (
    r"合计|总计|小计|共计|累计|总数|填表|填报|制表|审核|审批|负责人|单位负责人|主要负责人|分管|联系人|联系电话|电话|"
    r"统计人|备注|注[:：]|注\d|说明|签字|签名|盖章|"
    r"total\b|subtotal\b|sum\b|prepared\s?by|filled\s?(?:in\s?)?by|checked\s?by|reviewed\s?by|approved\s?by|"
    r"notes?[:：]|remarks?[:：]"
)
_FOOTER_RE = re.compile(f"(?:{_FOOTER_WORDS})", re.IGNORECASE)
_FOOTER_LINE_RE = re.compile(f"^(?:{_FOOTER_WORDS})", re.IGNORECASE | re.MULTILINE)  # one search per column
# A row of column numbers under the header (栏次: 甲 乙 1 2 3 …) is not a village.
_COLUMN_NUMBER_MARKS = frozenset("甲乙丙丁戊己庚辛")
BREAK_RE = re.compile(r"\r\n|\r|\n")
NAME_MAX = 30  # characters: longer than any real township or village name


# ------------------------------------------------------------------------- what a row is (shared with the 台账 import)


def is_footer(text: Any) -> bool:
    """Whether a cell starts a footer row: 合计, 小计, 填表人：…, 审核人：…, 备注：… (spaces ignored)."""
    if not isinstance(text, str) or not text:
        return False
    return _FOOTER_RE.match("".join(text.split())) is not None


def is_footer_row(township: Any, village: Any, row: Sequence, left: Iterable[int]) -> bool:
    """Whether a row is a footer (合计, 填表人：…, 备注：…), not a village: a footer word starts its township
    or village name, a cell left of the village name (`left`: the columns of 序号 and the like), or its first
    non-blank cell (a note typed into an otherwise blank row)."""
    if is_footer(township) or is_footer(village) or any(is_footer(row[c]) for c in left if c < len(row)):
        return True
    return is_footer(next((v for c, v in enumerate(row) if not blank_cell(row, c)), None))


def carry_down(townships: list, above: Any) -> tuple[list, Any]:
    """A township column filled down: a blank (None) cell takes the township of the nearest row above it
    that names one (merged down over its villages, or left blank below its first row); a footer row's
    (小计) is not carried. `above`: the township carried into these rows; returned with the one to carry on."""
    footers = {t for t in set(townships) if is_footer(t)}
    if not footers:
        if None in townships:
            # (accumulate's initial=None would mean "no initial", so the carried value is chained in)
            townships = list(itertools.accumulate(itertools.chain((above,), townships), _carry))[1:]
        return townships, townships[-1] if townships else above
    out = []
    for t in townships:
        if t is None:
            out.append(above)
        else:
            out.append(t)
            if t not in footers:
                above = t
    return out, above


def is_column_number_row(row: list, picked: list[int]) -> bool:
    """A row of column numbers under a header (栏次: 甲 乙 1 2 3 …), which is not a village."""
    cells = [row[c] for c in picked if c < len(row) and not blank_cell(row, c)]
    if len(cells) < 2:
        return False
    for v in cells:
        if isinstance(v, bool):
            return False
        if isinstance(v, (int, float)):
            continue
        s = str(v).strip()
        if not (s.isdigit() or s in _COLUMN_NUMBER_MARKS):
            return False
    return True


def _carry(above: Any, cell: Any) -> Any:
    """Fill down: a blank cell takes the value above it."""
    return above if cell is None else cell


def _may_hold_footer(column: tuple) -> bool:
    """Whether a raw column of a chunk might hold a footer word (one regex search, no Python per cell)."""
    types = set(map(type, column))
    if str not in types:
        return False
    if types != {str}:
        return True
    return _FOOTER_LINE_RE.search("\n".join(map("".join, map(str.split, column)))) is not None


def _odd_name(value: Any) -> bool:
    """A name cell that is no name: a line break inside (spaces around it do not count), or too long."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return "\n" in text or "\r" in text or len(text) > NAME_MAX


def _odd_names(column: tuple) -> bool:
    """Whether a raw name column of a chunk holds an odd name (C-speed scans; no Python per cell)."""
    types = set(map(type, column))
    texts = column if types == {str} else [v for v in column if v.__class__ is str] if str in types else ()
    if not texts:
        return False
    joined = "\x00".join(map(str.strip, texts))
    return "\n" in joined or "\r" in joined or max(map(len, texts)) > NAME_MAX and any(map(_odd_name, texts))


# ------------------------------------------------------------------------------------------- a table


def read_table(
    reader: Any, rows: Iterator[list], rownums: Iterator[int], col0: int, path: str, sheet: str | None, explicit: bool
) -> bool:
    """Read one table (a sheet or a CSV file) into `reader` (a `lax.read.records` reader): find its header,
    say what its columns are, read its rows. False when it has no header (a problem only if `explicit`)."""
    head = list(itertools.islice(rows, HEADER_ROWS + 1))
    head_nums = list(itertools.islice(rownums, len(head)))
    found = find_header(head[:HEADER_ROWS], head[HEADER_ROWS:], reader.criteria.field_for_header)
    if found is None:
        if explicit:
            reader.no_header(path, sheet)
        reader.done += len(head)
        return False
    mapping, header_at, data_at, top = found  # column index -> field id; head positions
    columns = {f: column_letter(col0 + c) for c, f in mapping.items()}
    header_row = head_nums[header_at]
    reader.columns.header(
        head[top:data_at],
        head_nums[top:data_at],
        mapping,
        col0,
        path,
        sheet,
        head[data_at:HEADER_ROWS],
        head_nums[data_at:HEADER_ROWS],
    )
    missing = [f for f in reader.fields if f.required and f.id not in columns]
    for f in missing:
        reader.problems.append(
            Problem(
                "missing-column",
                _(
                    f"no column for {f.title_en} ({f.title_zh}) in the header on row {header_row}",
                    f"第 {header_row} 行的表头中没有“{f.title_zh}”列",
                ),
                path,
                sheet=sheet,
                row=header_row,
                field=f.id,
            )
        )
    if "township" not in columns or "village" not in columns:
        reader.done += len(head)
        return True  # a header, but villages cannot be identified without these columns
    reader.columns.missing_fields(columns, path, sheet, header_row)
    reader.done += data_at
    rows = itertools.chain(head[data_at:], rows)
    rownums = itertools.chain(head_nums[data_at:], rownums)
    # The header's width: up to its last non-blank cell (of either row of a two-row header).
    header_width = max(
        (max((c + 1 for c in range(len(r)) if not blank_cell(r, c)), default=0) for r in head[header_at:data_at]),
        default=0,
    )
    TableRows(
        reader,
        mapping,
        columns,
        col0,
        path,
        sheet,
        first_data=head[data_at : data_at + 1],
        header_width=header_width or None,
    ).read(rows, rownums)
    return True


class TableRows:
    """The data rows of one table, converted chunk by chunk into the reader's records and problems.

    Each chunk is taken apart into one list per field and every list converted at C speed (see the
    module docstring); `zip` puts the rows back together in field order. A chunk whose rows are all
    villages with nothing wrong (the usual case) becomes records without a Python loop per row; a
    chunk with a blank or footer row, a bad value or a missing value goes through `_slow_rows`.
    """

    def __init__(
        self,
        reader: Any,
        mapping: dict[int, str],
        columns: dict[str, str],
        col0: int,
        path: str,
        sheet: str | None,
        first_data: list,
        header_width: int | None = None,
    ):
        self.reader = reader
        self.fields = fields = reader.fields
        ti, vi = self.ti, self.vi = reader.ti, reader.vi
        self.ci = reader.ci
        self.mapping, self.columns, self.col0, self.path, self.sheet = mapping, columns, col0, path, sheet
        self.col_of = col_of = {reader.index[f]: c for c, f in mapping.items()}  # field position -> sheet column
        # Footer words (合计, 填表人：…) may sit in any column up to the village name, mapped or not (序号).
        self.left_cols = left_cols = [c for c in range(col_of[vi]) if c != col_of[ti]]
        # Transposing the whole row is cheapest unless the sheet has many columns no field uses.
        picked = sorted(set(col_of.values()) | set(left_cols))
        width = len(first_data[0]) if first_data else 0
        self.narrow = width <= 2 * len(picked) + 4
        if self.narrow:
            self.where = {c: c for c in picked}
            self.pick = None
        else:
            self.where = {c: k for k, c in enumerate(picked)}
            self.pick = operator.itemgetter(*picked) if len(picked) > 1 else (lambda r, c=picked[0]: (r[c],))
        self.plan = []  # per field position: (index into a chunk's transposed columns or None, type, its memo)
        for p, f in enumerate(fields):
            c = col_of.get(p)
            kind = "percent-raw" if f.type == "percent" else f.type
            memo = None if f.type == "text" else memo_for(reader.memos, kind, f.unit)
            self.plan.append((self.where[c] if c is not None else None, f.type, memo))
        # A percent column is read as a whole (lax.read.values.settle_percents): its decision, per field position.
        self.percent_mode: dict[int, str | None] = {}
        self.settled: dict[int, Settled] = {}  # once decided, per field position (see _convert)
        self.required = [p for p in col_of if fields[p].required and p not in (ti, vi)]
        self.township = None  # the township carried down from the rows above
        self.skip_number_row = bool(first_data) and is_column_number_row(first_data[0], sorted(mapping))
        self.extra = header_width  # cells right of the header's last cell are no column's (see _extra_cells)

    def read(self, rows: Iterator[list], rownums: Iterator[int]) -> None:
        reader, path, sheet, columns = self.reader, self.path, self.sheet, self.columns
        ti, vi, ci = self.ti, self.vi, self.ci
        repeat = itertools.repeat
        from lax.read.records import Record

        while True:
            chunk = list(itertools.islice(rows, CHUNK))
            if not chunk:
                break
            nums = list(itertools.islice(rownums, len(chunk)))
            if self.skip_number_row:
                chunk, nums, self.skip_number_row = chunk[1:], nums[1:], False
            # Rows -> columns in one pass (only the wanted columns when the sheet has many others).
            raw = list(zip(*chunk)) if self.narrow else list(zip(*map(self.pick, chunk)))
            cols, bad_fields = self._convert(raw)
            # Names that are no village's: a line break inside, or longer than any real one (a CSV quote left
            # open swallows the following lines into one cell). Seen in the raw cells, before spaces fold.
            where = self.where
            odd_names = _odd_names(raw[where[self.col_of[vi]]]) or _odd_names(raw[where[self.col_of[ti]]])
            townships, self.township = carry_down(cols[ti], self.township)
            cols[ti] = townships = reader.names.normal(townships, "township", path, sheet, nums, columns)
            cols[vi] = villages = reader.names.normal(cols[vi], "village", path, sheet, nums, columns)
            reader.names.seen_townships(townships, path, sheet, nums, columns)
            codes = cols[ci] if ci is not None and self.plan[ci][0] is not None else None
            clean = (
                not bad_fields
                and not self.required
                and not odd_names
                and None not in villages
                and None not in townships
                and _FOOTER_LINE_RE.search("\n".join(villages)) is None
                and not any(map(is_footer, set(townships)))
                and not any(_may_hold_footer(raw[where[c]]) for c in self.left_cols)
            )
            del raw
            if clean:
                recs = list(map(Record, zip(*cols), repeat(path), repeat(sheet), nums, repeat(columns)))
                reader.villages.add_many(recs, townships, villages, codes)
            else:
                self._slow_rows(chunk, cols, nums, bad_fields)
            if self.extra is not None:
                self._extra_cells(chunk, nums)
            del chunk, cols
            reader.done += len(nums)
            reader.progress()

    def _convert(self, raw: list[tuple]) -> tuple[list, list[int]]:
        """A chunk's raw columns as one converted list per field (in field order), and the field positions
        whose column holds a bad (or, for a percent, ambiguous) value."""
        memos = self.reader.memos
        blank = itertools.repeat(None)
        cols: list = []
        bad_fields = []  # field positions whose column holds a bad value in this chunk
        for p, (c, ftype, memo) in enumerate(self.plan):
            if c is None:
                cols.append(blank)
            elif ftype == "text":
                out, has_bad = convert_column("text", raw[c], memos)
                cols.append(out)
                if has_bad:  # an Excel error value (#N/A) in a name or code
                    bad_fields.append(p)
            else:
                before = memo.bad
                if ftype == "percent" and p in self.settled:
                    # the column's mode is decided: raw cell -> settled value in one map (values.Settled)
                    out = list(map(self.settled[p].__getitem__, raw[c]))
                    if AMBIGUOUS in out and p not in bad_fields:
                        bad_fields.append(p)
                else:
                    out = list(map(memo.__getitem__, raw[c]))
                if ftype == "percent" and p not in self.settled:
                    out, mode = settle_percents(out, self.percent_mode.get(p))
                    self.percent_mode[p] = mode
                    if mode is not None:
                        self.settled[p] = Settled(memo, mode)
                    if AMBIGUOUS in out and p not in bad_fields:
                        bad_fields.append(p)
                cols.append(out)
                if memo.bad != before and p not in bad_fields:
                    bad_fields.append(p)
        return cols, bad_fields

    def _slow_rows(self, chunk: list, cols: list, nums: list[int], bad_fields: list[int]) -> None:
        """The rows of a chunk one by one: skip blank and footer rows, report bad and missing values."""
        from lax.read.records import Record

        reader, fields, col_of = self.reader, self.fields, self.col_of
        path, sheet, columns = self.path, self.sheet, self.columns
        problems = reader.problems
        ti, vi, ci = self.ti, self.vi, self.ci
        bad: dict[int, list[int]] = {}  # chunk row -> field positions holding a bad value
        ambiguous: set[tuple[int, int]] = set()  # (chunk row, field position) of a percent read two ways
        for p in bad_fields:
            col = cols[p]
            for i, v in enumerate(col):
                if v is BAD or v is AMBIGUOUS:
                    if v is AMBIGUOUS:
                        ambiguous.add((i, p))
                    col[i] = None
                    bad.setdefault(i, []).append(p)

        def missing(f: Any) -> None:
            problems.append(missing_problem(path, sheet, rownum, columns.get(f.id), f))

        def bad_value(p: int) -> None:
            problems.append(bad_problem(path, sheet, rownum, columns.get(fields[p].id), fields[p], chunk[i][col_of[p]]))

        for i, values in enumerate(zip(*cols)):
            rownum = nums[i]
            village = values[vi]
            township = values[ti]
            footer = is_footer_row(township, village, chunk[i], self.left_cols)
            identity_bad = [p for p in bad.get(i, ()) if p in (vi, ti)]
            if identity_bad:  # an Excel error where the name should be: the row is no village's
                for p in identity_bad:
                    bad_value(p)
                continue
            if village is None:
                if ci is not None and values[ci] is not None and not footer:
                    missing(fields[vi])
                continue
            if footer:
                continue
            odd = [p for p in (ti, vi) if _odd_name(chunk[i][col_of[p]])]
            if odd:
                for p in odd:
                    problems.append(
                        bad_name(path, sheet, rownum, columns.get(fields[p].id), fields[p], chunk[i][col_of[p]])
                    )
                continue
            if township is None:
                missing(fields[ti])
                continue
            for p in sorted(bad.get(i, ()), key=col_of.__getitem__):  # left to right, as a person reads
                if (i, p) in ambiguous:
                    problems.append(
                        ambiguous_percent(
                            path, sheet, rownum, columns.get(fields[p].id), fields[p], chunk[i][col_of[p]]
                        )
                    )
                    continue
                bad_value(p)
            for p in self.required:
                if values[p] is None and p not in bad.get(i, ()):
                    missing(fields[p])
            reader.villages.add(Record(values, path, sheet, rownum, columns))

    def _extra_cells(self, chunk: list, nums: list[int]) -> None:
        """A problem for each non-blank cell right of the header's last cell: a value there belongs to no
        column (a row shifted right, or cells typed past the table), so it was not read."""
        width = self.extra
        if max(map(len, chunk), default=0) <= width:
            return
        tails = list(map(operator.itemgetter(slice(width, None)), chunk))
        if set(itertools.chain.from_iterable(tails)) <= {"", None}:  # the usual case, seen at C speed
            return
        for row, num, tail in zip(chunk, nums, tails):
            if not tail or all(v is None or (isinstance(v, str) and not v.strip()) for v in tail):
                continue
            if any(is_footer(v) for v in row):  # a signature or date beside a footer row is not data
                continue
            for c in range(width, len(row)):
                if not blank_cell(row, c):
                    self.reader.problems.append(
                        Problem(
                            "extra-cells",
                            _(
                                f"a value '{_show(row[c])}' right of the header's last column: it belongs to no column and "
                                f"was not read (is the row shifted?)",
                                f"表头最后一列右侧有值“{_show(row[c])}”：不属于任何列，未读取（是否整行错位？）",
                            ),
                            self.path,
                            sheet=self.sheet,
                            row=num,
                            column=column_letter(self.col0 + c),
                            value=_show(row[c]),
                        )
                    )


# ------------------------------------------------------------------------------- problems with a value


def bad_problem(
    path: str, sheet: str | None, row: int, column: str | None, f: Any, raw: Any, line: int | None = None
) -> Problem:
    """A cell (or YAML/JSON value) that is not a value of its field's type."""
    shown = _show(raw)  # one line, cut short: a 10 MB cell must not become a 10 MB message
    reason = bad_reason(f.type, f.unit, raw)  # an Excel error value, or a unit that is not the column's
    if reason is not None:
        code, en, zh = reason
        return Problem(
            code,
            _(f"{f.title_en}: '{shown}': {en}", f"{f.title_zh}：“{shown}”：{zh}"),
            path,
            sheet=sheet,
            row=row,
            column=column,
            field=f.id,
            value=raw,
            line=line,
        )
    return Problem(
        PROBLEM_CODES.get(f.type, "bad-value"),
        _(f"{f.title_en}: '{shown}' is not {expected(f.type)}", f"{f.title_zh}：“{shown}”不是{expected(f.type)}"),
        path,
        sheet=sheet,
        row=row,
        column=column,
        field=f.id,
        value=raw,
        line=line,
    )


def ambiguous_percent(path: str, sheet: str | None, row: int, column: str | None, f: Any, raw: Any) -> Problem:
    """A percent written without its sign that reads two ways in its column (`settle_percents`)."""
    shown = _show(raw)
    return Problem(
        "ambiguous-percent",
        _(
            f"{f.title_en}: '{shown}' reads two ways in this column (its other numbers are "
            f"{'fractions such as 0.85' if _is_fraction_like(raw) is False else 'percentages such as 85'}): "
            f"write it with a percent sign, e.g. 85%",
            f"{f.title_zh}：“{shown}”在本列中有两种读法（本列其他数值为"
            f"{'0.85 这样的小数' if _is_fraction_like(raw) is False else '85 这样的百分数'}）：请带百分号填写，如 85%",
        ),
        path,
        sheet=sheet,
        row=row,
        column=column,
        field=f.id,
        value=raw,
    )


def _is_fraction_like(raw: Any) -> bool | None:
    """For the ambiguous-percent message: True when the raw value is itself a fraction (0 < v <= 1), so the
    column's other numbers are percentages; False when it is above 1; None when not a number."""
    try:
        v = float(raw) if not isinstance(raw, str) else float(raw.strip().replace(",", ""))
    except (TypeError, ValueError):
        return None
    return 0 < v <= 1


def bad_name(path: str, sheet: str | None, row: int, column: str | None, f: Any, raw: Any) -> Problem:
    """A name cell that is no name (`_odd_name`): the row is left out."""
    text = str(raw)
    lines = len(text.splitlines())
    why = (
        _(f"holds {lines - 1} line break(s)", f"含有 {lines - 1} 个换行")
        if lines > 1
        else _(
            f"is {len(text.strip())} characters long (no real name is longer than {NAME_MAX})",
            f"长达 {len(text.strip())} 个字符（真实名称不超过 {NAME_MAX} 个字符）",
        )
    )
    return Problem(
        "bad-name",
        _(
            f"{f.title_en} '{_show(raw)}' {why}: not a name; the row is left out",
            f"{f.title_zh}“{_show(raw)}”{why}，不是名称；本行未计入",
        ),
        path,
        sheet=sheet,
        row=row,
        column=column,
        field=f.id,
        value=_show(raw),
    )


def missing_problem(
    path: str, sheet: str | None, row: int, column: str | None, f: Any, line: int | None = None
) -> Problem:
    """A required value left blank (a township with none above it to carry down)."""
    if f.id == "township":
        msg = _(
            f"{f.title_en} is blank (and there is none above it to carry down)",
            f"“{f.title_zh}”为空（上方也没有可沿用的{f.title_zh}）",
        )
    else:
        msg = _(f"{f.title_en} is blank but is required", f"“{f.title_zh}”为空，但必须填写")
    return Problem("missing-value", msg, path, sheet=sheet, row=row, column=column, field=f.id, line=line)
