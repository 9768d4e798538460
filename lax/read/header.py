"""Finding the header of a table and saying what its columns are.

A township sheet has title rows above its header, so the header is looked for among the first
`HEADER_ROWS` rows: the row naming the most fields. A two-row header (`信访情况` merged over `集体访` /
`越级访`, or `乡镇` merged down over both rows) is read as one. `find_header` does this for any set of
column names: `lax check` passes the standards file's field headers (`Criteria.field_for_header`) and
`lax ledger import` the 台账 columns, so both find the same header in the same sheet.

`ColumnNotices` says what was read but not as a person might expect: a column whose header names
no field (`unknown-column`, with the closest field by header similarity), a column with values but no
header, a second column for a field already read (`repeated-column`), and a field the standards use that
a sheet lacks (`missing-field`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from lax.criteria import header_key
from lax.i18n import _, has_cjk
from lax.problems import Notice
from lax.read.values import show_value as _show

HEADER_ROWS = 10  # the header must be within the first rows of a sheet

# Headers that name no field and need no notice: row numbers and remarks columns townships add to every
# sheet. Compared after `header_key` folding (no spaces, lower case, full-width folded).
NON_FIELD_HEADERS = frozenset(
    header_key(h)
    for h in (
        "序号",
        "编号",
        "序",
        "排序",
        "顺序号",
        "行号",
        "栏次",
        "备注",
        "备注说明",
        "说明",
        "附注",
        "No",
        "No.",
        "#",
        "S/N",
        "Remark",
        "Remarks",
        "Note",
        "Notes",
    )
)
# The columns lax itself adds to a results sheet or CSV (lax.render.results), read back without a notice; with them,
# each standard's column (`C05`, `C05 Two-committee election not completed`), see `ColumnNotices.quiet`.
_LAX_OUTPUT_HEADERS = frozenset(
    header_key(h)
    for h in (
        "Source",
        "来源",
        "Flagged",
        "认定",
        "认定结果",
        "Standards met",
        "符合标准",
        "Evidence",
        "证据",
        "Undetermined",
        "待定",
        "File",
        "来源文件",
        "Sheet",
        "工作表",
        "Row",
        "行号",
    )
)
SUGGEST_MIN = 0.6  # header similarity (difflib ratio) from which a field is suggested for an unknown column
# Suggestions cost a comparison with every header spelling: made for headers of a readable length and for the
# first columns of a sheet only, so a hostile sheet (16,384 columns, a 10 MB header cell) stays fast.
SUGGEST_MAX_LEN = 40
SUGGEST_MAX_COLUMNS = 50
# Words of a question form that say nothing about which field is meant (是否完成换届 ~ 完成换届).
_QUESTION_WORDS = re.compile(r"是否|有无|与否|情况|如何|\(?是/否\)?")
_NEGATIONS = re.compile(r"[不未无没非]")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def blank_cell(row: list, c: int) -> bool:
    """Whether a row's cell `c` is empty: past the row's end, None, or spaces only."""
    if c >= len(row):
        return True
    v = row[c]
    return v is None or (isinstance(v, str) and not v.strip())


class Header(NamedTuple):
    """A table's header as `find_header` found it, positions counted in the rows it was given."""

    columns: dict[int, str]  # column index -> field id (or 台账 column key), one column per field, leftmost
    at: int  # the row naming the most fields
    data_at: int  # the first row after the header (the lower half of a two-row header included)
    top: int  # the header's top row (`at`, or the row above when that is the upper half)


def find_header(head: list[list], extra: list[list], lookup: Callable[[Any], str | None]) -> Header | None:
    """Find the header among the first rows (`head`; `extra`: the row after them, for a two-row header's
    lower half), naming columns with `lookup` (a header cell -> field id or None); None when there is none.

    The header is the row naming the most fields (at least township and village, or three fields; the
    first on a tie). A row right below it that names more fields is the lower half of a two-row header
    (`信访情况` merged over `集体访` / `越级访`), unless its village cell holds text that names no field (a
    village: the first data row); a row right above it that names fields where the header is blank is the
    upper half (`乡镇` merged down over two header rows).
    """
    rows = head + extra
    matches = [match_row(r, lookup) for r in rows]
    best, best_score = None, 0
    for k, m in enumerate(matches[: len(head)]):
        fields = set(m.values())
        ok = len(fields) >= 3 or {"township", "village"} <= fields
        if ok and len(fields) > best_score:
            best, best_score = k, len(fields)
    if best is None:
        return None
    mapping = dict(matches[best])
    header = rows[best]
    data_at = best + 1
    # The row below: child cells, alone or joined to the (merged, so filled right) parent text.
    if best + 1 < len(rows):
        lower = rows[best + 1]
        named = match_row(lower, lookup, parent=header)
        child = {c: f for c, f in named.items() if mapping.get(c) != f}
        village_col = next((c for c, f in mapping.items() if f == "village"), None)
        names_village = village_col is not None and not blank_cell(lower, village_col) and village_col not in named
        if child and not names_village:
            mapping.update(child)
            data_at = best + 2
    # The row above: headers merged down over both rows sit there.
    top = best
    if best > 0:
        above = match_row(rows[best - 1], lookup)
        upper = {c: f for c, f in above.items() if c not in mapping and blank_cell(header, c)}
        joined = match_row(header, lookup, parent=rows[best - 1])
        joined = {c: f for c, f in joined.items() if c not in mapping}
        mapping.update(upper)
        for c, f in joined.items():
            mapping.setdefault(c, f)
        if upper or joined:
            top = best - 1  # a header row too: its texts are the headers of the columns it names
    # One column per field: the first (leftmost) wins.
    seen: set[str] = set()
    unique = {}
    for c in sorted(mapping):
        if mapping[c] not in seen:
            seen.add(mapping[c])
            unique[c] = mapping[c]
    return Header(unique, best, data_at, top)


def match_row(row: list, lookup: Callable[[Any], str | None], parent: list | None = None) -> dict[int, str]:
    """Column index -> field id for the cells of a row that name a field; with `parent` (the row above), a
    cell may also name one joined to the parent text over it (merged, so the last text to its left)."""
    out = {}
    last_parent = ""
    for c, cell in enumerate(row):
        if parent is not None:
            p = parent[c] if c < len(parent) else ""
            if isinstance(p, str) and p.strip():
                last_parent = p
        if not isinstance(cell, str) or not cell.strip():
            continue
        f = lookup(cell)
        if f is None and parent is not None and last_parent:
            f = lookup(last_parent + cell)
        if f is not None:
            out[c] = f
    return out


class ColumnNotices:
    """The notices about the columns of the sheets (or the keys of the files) one `read_records` call reads,
    appended to `notices`."""

    def __init__(self, criteria: Any, notices: list[Notice]):
        self.criteria = criteria
        self.fields = criteria.fields
        self.index = criteria.index
        self.notices = notices
        self.suggested = 0  # suggestions made for the sheet (or file) being read, see SUGGEST_MAX_COLUMNS
        # The fields the standards use, each with the standards using it (for `missing-field`).
        used: dict[str, list[str]] = {}
        for c in getattr(criteria, "criteria", ()):
            for fid in c.fields:
                used.setdefault(fid, []).append(c.id)
        self.used = {f.id: used[f.id] for f in self.fields if f.id in used}
        # Headers that name no field but need no notice: see NON_FIELD_HEADERS and _LAX_OUTPUT_HEADERS.
        self.quiet = set(NON_FIELD_HEADERS | _LAX_OUTPUT_HEADERS)
        for c in getattr(criteria, "criteria", ()):
            self.quiet.update(header_key(h) for h in (c.id, f"{c.id} {c.title_zh}", f"{c.id} {c.title_en}"))

    def header(
        self,
        rows: list[list],
        nums: list[int],
        mapping: dict[int, str],
        col0: int,
        path: str,
        sheet: str | None,
        data: list[list] = (),
        data_nums: list[int] = (),
    ) -> None:
        """An `unknown-column` notice for each column whose header (the lowest text in the header rows)
        names no field, unless it is a row-number or remarks column (`NON_FIELD_HEADERS`); for a column with
        no header at all, when the first data rows (`data`) hold a value in it; a `repeated-column` notice for
        a second column naming a field already read."""
        from lax.read.rows import is_column_number_row, is_footer

        # The first data rows, without footer rows and the 栏次 row (甲 乙 1 2 3), show whether a column
        # without a header holds values.
        data = [
            (r, n)
            for k, (r, n) in enumerate(zip(data, data_nums))
            if not any(is_footer(v) for v in r) and not (k == 0 and is_column_number_row(r, sorted(mapping)))
        ]
        width = max(map(len, rows), default=0)
        self.suggested = 0
        for c in range(max([width] + [len(r) for r, _n in data])):
            if c in mapping:
                continue
            text, row = None, None
            for r, n in zip(rows, nums):
                if not blank_cell(r, c):
                    text, row = " ".join(str(r[c]).split()), n
            if text is None:
                held = next(((r[c], n) for r, n in data if not blank_cell(r, c)), None)
                if held is not None:
                    letter = column_letter(col0 + c)
                    self.notices.append(
                        Notice(
                            "unknown-column",
                            _(
                                f"column {letter} has no header but holds values (“{_show(held[0])}” on row {held[1]}); "
                                f"they are not read",
                                f"{letter}列没有表头但有数据（第{held[1]}行为“{_show(held[0])}”），未读取",
                            ),
                            path,
                            sheet=sheet,
                            row=nums[-1] if nums else None,
                            column=letter,
                            value="",
                        )
                    )
                continue
            if header_key(text) in self.quiet:
                continue
            fid = self.criteria.field_for_header(text)
            if fid is not None and fid in mapping.values():  # a second column for a field: the first is read
                f = self.fields[self.index[fid]]
                read = column_letter(col0 + min(k for k, v in mapping.items() if v == fid))
                letter = column_letter(col0 + c)
                self.notices.append(
                    Notice(
                        "repeated-column",
                        _(
                            f'column {letter} "{_show(text)}" names {f.title_en} ({fid}) again: only column {read} is read',
                            f"{letter}列“{_show(text)}”与{read}列同为“{f.title_zh}”：只读取{read}列",
                        ),
                        path,
                        sheet=sheet,
                        row=row,
                        column=letter,
                        field=fid,
                        value=text,
                    )
                )
                continue
            self.notices.append(self.unknown(text, path, sheet, row, column_letter(col0 + c)))

    def unknown(
        self, text: str, path: str, sheet: str | None, row: int | None, column: str | None, line: int | None = None
    ) -> Notice:
        """The `unknown-column` notice for a column (or, without `column`, a YAML/JSON key) naming no field."""
        f = self.suggest(text)
        shown = _show(text)
        what = (
            _(f'column {column} "{shown}"', f"{column}列“{shown}”")
            if column is not None
            else _(f'key "{shown}"', f"键“{shown}”")
        )
        if f is None:
            msg = _(f"{what} is not a known field; its values are not read", f"{what}不是已知字段，该列的值未读取")
        else:
            title = f.title_zh if has_cjk(text) else f.title_en
            msg = _(
                f"{what} is not a known field (not read) — did you mean {title} ({f.id})?",
                f"{what}不是已知字段（未读取）——是否应为“{title}”（{f.id}）？",
            )
            if f.type == "bool" and bool(_NEGATIONS.search(_QUESTION_WORDS.sub("", text))) != bool(
                _NEGATIONS.search(title)
            ):
                msg += _(
                    f" Mind the sense: {title} asks the opposite question, so its yes is this column's no",
                    f"注意：“{title}”的问法与本列相反，其“是”即本列的“否”",
                )
        return Notice(
            "unknown-column",
            msg,
            path,
            sheet=sheet,
            row=row,
            column=column,
            field=f.id if f is not None else None,
            value=text,
            line=line,
        )

    def suggest(self, text: str) -> Any:
        """The field whose header spellings are most like `text` (difflib ratio >= SUGGEST_MIN), or None."""
        key = header_key(text)
        self.suggested += 1
        if len(key) > SUGGEST_MAX_LEN or self.suggested > SUGGEST_MAX_COLUMNS:
            return None
        bare = _QUESTION_WORDS.sub("", key)
        best, score = None, SUGGEST_MIN - 1e-9
        for alias, fid in self.criteria.headers.items():
            if len(alias) > 2 * SUGGEST_MAX_LEN:
                continue
            for k in {key, bare}:
                if not k:
                    continue
                m = difflib.SequenceMatcher(None, k, alias, autojunk=False)
                if m.real_quick_ratio() <= score or m.quick_ratio() <= score:
                    continue  # cannot beat the best so far (upper bounds, cheap)
                r = m.ratio()
                if r > score:
                    best, score = fid, r
        return self.fields[self.index[best]] if best is not None and score >= SUGGEST_MIN else None

    def missing_fields(
        self, present: Iterable[str], path: str, sheet: str | None, row: int | None, line: int | None = None
    ) -> None:
        """A `missing-field` notice for each field the standards use that a sheet (or file) has no column for."""
        present = set(present)
        for fid, ids in self.used.items():
            if fid in present:
                continue
            f = self.fields[self.index[fid]]
            names = ", ".join(ids)
            self.notices.append(
                Notice(
                    "missing-field",
                    _(
                        f"no column for {f.title_en} ({fid}), which {names} use(s): undetermined for every village "
                        f"whose outcome depends on it",
                        f"没有“{f.title_zh}”列（{names} 要用到）：凡结果取决于此项的村，均为待定",
                    ),
                    path,
                    sheet=sheet,
                    row=row,
                    field=fid,
                    value=names,
                    line=line,
                )
            )
