"""Reading village records from the files townships send: spreadsheets, CSV, YAML and JSON.

`read_records(paths, criteria)` returns `(records, problems)`, with `.notices` beside them (`ReadResult`).
A record is one village row with its values in the order of `criteria.fields` and where it came from. A
problem is bad input as data (a bad cell, a missing column, a duplicate village, a file that cannot be
read); reading carries on past it, so every problem of every file is reported in one pass and valid rows
are still checked. Nothing here raises for bad input and nothing prints.

Spreadsheets (`.xlsx .xlsm .xlsb .xls .ods`, via python-calamine) may be messy the way township sheets
are: title rows above the header; the header found by matching aliases in the first 10 rows; two-row
headers with merged parent cells; the township merged down over its villages or left blank below its
first row; footer rows (合计, 填表人：…) and blank rows; several sheets.

The reading is done by the modules of `lax.read`, each named for what it reads:

- `files`: which kind a file is, opening it safely, spreadsheets sheet by sheet, CSV encodings and quoting;
- `cells`: the cells calamine does not read as they show (Excel errors, percent formats);
- `header`: finding the header row (also for `lax ledger import`), two-row headers, column notices;
- `rows`: a table's rows as records, chunk by chunk at C speed; footer, blank and 栏次 rows, the township
  carried down (also for `lax ledger import`), cells past the header;
- `items`: YAML and JSON files;
- `values`: cell values as typed values; `names`: the place a name stands for; `duplicates`: each
  village once.

Speed: reading a 100,000-row sheet may add only a small fraction to what python-calamine itself
takes (see `lax.read.rows`). The sheet is never held twice: calamine's own copy, one chunk of Python rows,
and the records.

Notices (`lax.problems.Notice`): what was read but not as a person might expect is said, never
silently dropped: a column whose header names no field, or that has values but no header (`unknown-column`,
with the closest field by header similarity), a second column for a field already read (`repeated-column`),
a field the standards use that a sheet lacks (`missing-field`), and a village or township spelled two ways
and read as one place (`name-normalised`, see `normal_name` and `township_merges`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from lax.i18n import _
from lax.problems import Notice, Problem, place
from lax.read.duplicates import Villages
from lax.read.files import SPREADSHEET_SUFFIXES, read_file
from lax.read.header import HEADER_ROWS, NON_FIELD_HEADERS, ColumnNotices, column_letter
from lax.read.names import Names, normal_name, township_merges
from lax.read.values import new_memos


class ReadResult(tuple):
    """What `read_records` returns: `(records, problems)`, unpacked as before, and `.notices` beside them."""

    def __new__(cls, records: list, problems: list, notices: list) -> ReadResult:
        self = super().__new__(cls, (records, problems))
        self.notices = notices
        return self

    @property
    def records(self) -> list:
        return self[0]

    @property
    def problems(self) -> list:
        return self[1]


class Record:
    """One village row: values in `criteria.fields` order (None where blank or bad) and its source."""

    __slots__ = ("values", "path", "sheet", "row", "columns")

    def __init__(self, values: tuple, path: str, sheet: str | None, row: int, columns: dict[str, str] | None):
        self.values = values
        self.path = path
        self.sheet = sheet
        self.row = row
        self.columns = columns  # field id -> column letter, shared by every record of a sheet

    def get(self, field_id: str, criteria: Any) -> Any:
        """The value of one field (by id)."""
        return self.values[criteria.index[field_id]]

    def as_dict(self, criteria: Any) -> dict[str, Any]:
        """Field id -> value."""
        return {f.id: v for f, v in zip(criteria.fields, self.values)}

    def where(self) -> str:
        """`dengbu.xlsx, sheet 排查表, row 5` (`邓埠镇.xlsx，排查表，第5行`), for messages (`lax.problems.place`)."""
        return place(self.path, self.sheet, self.row, item=self.columns is None)

    def __repr__(self) -> str:
        return f"Record({self.path!r}, sheet={self.sheet!r}, row={self.row}, values={self.values!r})"


def read_records(
    paths: Iterable[str | os.PathLike],
    criteria: Any,
    sheet: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_file: Callable[[str], None] | None = None,
) -> ReadResult:
    """Read every file; return the village records in input order and the problems found (and, as
    `.notices` of the result, the notices: see the module docstring).

    `sheet` picks one sheet by name in each spreadsheet (CSV, YAML and JSON ignore it).
    `on_progress(done_rows, total_rows)` is called now and then; `total_rows` grows as files are opened.
    `on_file(path)` is called as each file is begun (a progress bar says which file it is reading).
    """
    reader = _Reader(criteria, sheet, on_progress)
    for p in paths:
        if on_file is not None:
            on_file(str(p))
        read_file(reader, p)
    reader.merge_townships()
    return ReadResult(reader.records, reader.problems, reader.notices)


class _Reader:
    """The state of one `read_records` call, which the `lax.read` modules read into: the records kept (and
    their duplicate index, `villages`), the problems and notices, the names read, value memos, progress."""

    def __init__(self, criteria: Any, sheet: str | None, on_progress: Callable[[int, int], None] | None):
        self.criteria = criteria
        self.fields = criteria.fields
        self.index = criteria.index
        self.sheet = sheet
        self.on_progress = on_progress
        self.records: list[Record] = []
        self.problems: list[Problem] = []
        self.notices: list[Notice] = []
        self.columns = ColumnNotices(criteria, self.notices)
        self.names = Names(self.notices)
        self.villages = Villages(criteria, self.records, self.problems)
        self.memos = new_memos()
        self.done = 0
        self.total = 0
        self.ti = self.index["township"]
        self.vi = self.index["village"]
        self.ci = self.index.get("code")

    def mark(self) -> tuple[int, int, int]:
        """Where the results stand, to `undo` back to."""
        return len(self.records), len(self.problems), len(self.notices)

    def undo(self, mark: tuple[int, int, int], path: str, sheet: str | None) -> None:
        """Forget what was read since `mark` from a file (or one of its sheets) that failed part-way."""
        first_record, first_problem, first_notice = mark
        self.villages.forget(first_record)
        del self.problems[first_problem:]
        self.names.forget(self.notices[first_notice:], path, sheet)
        del self.notices[first_notice:]

    def merge_townships(self) -> None:
        """After every file: township spellings read as one place (`Names.merge_townships`); duplicates
        looked for again."""
        if self.names.merge_townships(self.records, self.ti):
            self.villages.check_again()

    def unreadable(self, path: str, reason: str) -> None:
        self.problems.append(
            Problem("unreadable-file", _(f"cannot read the file: {reason}", f"无法读取文件：{reason}"), path)
        )

    def no_header(self, shown: str, sheet: str | None) -> None:
        self.problems.append(
            Problem(
                "no-header",
                _(
                    f"no header row naming the columns (such as 乡镇 and 村名) in the first {HEADER_ROWS} rows",
                    f"前 {HEADER_ROWS} 行中没有表头（如“乡镇”“村名”）",
                ),
                shown,
                sheet=sheet,
            )
        )

    def progress(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.done, max(self.total, self.done))


__all__ = [
    "Record",
    "ReadResult",
    "read_records",
    "column_letter",
    "normal_name",
    "township_merges",
    "NON_FIELD_HEADERS",
    "SPREADSHEET_SUFFIXES",
]
