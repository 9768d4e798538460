"""Reading village records from the files townships send: spreadsheets, CSV, YAML and JSON (SPEC §5).

`read_records(paths, criteria)` returns `(records, problems)`, with `.notices` beside them (`ReadResult`).
A record is one village row with its values in the order of `criteria.fields` and where it came from. A
problem is bad input as data (a bad cell, a missing column, a duplicate village, a file that cannot be
read); reading carries on past it, so every problem of every file is reported in one pass and valid rows
are still checked. Nothing here raises for bad input and nothing prints.

Spreadsheets (`.xlsx .xlsm .xlsb .xls .ods`, via python-calamine) may be messy the way township sheets
are: title rows above the header; the header found by matching aliases in the first 10 rows; two-row
headers with merged parent cells; the township merged down over its villages or left blank below its
first row; footer rows (合计, 填表人：…) and blank rows; several sheets.

Speed (SPEC §9): reading a 100,000-row sheet may add only a small fraction to what python-calamine itself
takes. Rows come from calamine's iterator in chunks of `CHUNK`; each chunk is transposed into columns
(`zip(*rows)`) and every column converted in one C-level `map` over a memo of already-converted raw
values (see `lax.read.values`), so Python code runs once per *distinct* value, not per cell. Checks that a
chunk holds only villages (no blank, footer, bad or missing value) also run per column at C speed; such
a chunk becomes records and enters the duplicate index without a Python loop per row. Only a chunk with
something to report goes row by row (`_slow_rows`). The sheet is never held twice: calamine's own copy,
one chunk of Python rows, and the records.

Notices (`lax.problems.Notice`, SPEC §12): what was read but not as a person might expect is said, never
silently dropped: a column whose header names no field, or that has values but no header (`unknown-column`,
with the closest field by header similarity), a second column for a field already read (`repeated-column`),
a field the standards use that a sheet lacks (`missing-field`), and a village or township spelled two ways
and read as one place (`name-normalised`, see `normal_name` and `township_merges`).
"""

from __future__ import annotations

import csv
import difflib
import io
import itertools
import json
import operator
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from lax.read import bigsheet, guard
from lax.i18n import _, has_cjk
from lax.criteria import header_key
from lax.problems import Notice, Problem, editor_lines
from lax.read.values import (AMBIGUOUS, BAD, PROBLEM_CODES, bad_reason, convert, convert_column, excel_error, expected,
                        memo_for, new_memos, settle_percents, show_value as _show, to_text,
                        unit_title)

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
HEADER_ROWS = 10  # the header must be within the first rows of a sheet
CHUNK = 1024  # rows converted at a time: enough for C-speed maps, few enough to stay in the CPU cache (measured)

# Footer rows are not villages: totals, signatures, notes. Matched at the start of the village and township
# cells and of any cell left of the village name (序号), with spaces removed (so "合 计" is "合计").
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


# Headers that name no field and need no notice: row numbers and remarks columns townships add to every
# sheet. Compared after `header_key` folding (no spaces, lower case, full-width folded).
NON_FIELD_HEADERS = frozenset(header_key(h) for h in (
    "序号", "编号", "序", "排序", "顺序号", "行号", "栏次", "备注", "备注说明", "说明", "附注",
    "No", "No.", "#", "S/N", "Remark", "Remarks", "Note", "Notes"))
# The columns lax itself adds to a results sheet or CSV (lax.render.results), read back without a notice; with them,
# each standard's column (`C05`, `C05 Two-committee election not completed`), see `_Reader.quiet`.
_LAX_OUTPUT_HEADERS = frozenset(header_key(h) for h in (
    "Source", "来源", "Flagged", "认定", "认定结果", "Standards met", "符合标准", "Evidence", "证据", "Undetermined",
    "待定", "File", "来源文件", "Sheet", "工作表", "Row", "行号"))
SUGGEST_MIN = 0.6  # header similarity (difflib ratio) from which a field is suggested for an unknown column
# Suggestions cost a comparison with every header spelling: made for headers of a readable length and for the
# first columns of a sheet only, so a hostile sheet (16,384 columns, a 10 MB header cell) stays fast.
SUGGEST_MAX_LEN = 40
SUGGEST_MAX_COLUMNS = 50
# Words of a question form that say nothing about which field is meant (是否完成换届 ~ 完成换届).
_QUESTION_WORDS = re.compile(r"是否|有无|与否|情况|如何|\(?是/否\)?")
_NEGATIONS = re.compile(r"[不未无没非]")


class ReadResult(tuple):
    """What `read_records` returns: `(records, problems)`, unpacked as before, and `.notices` beside them."""

    def __new__(cls, records: list, problems: list, notices: list) -> "ReadResult":
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
        """`dengbu.xlsx, sheet 排查表, row 5`, for messages."""
        parts = [self.path]
        if self.sheet is not None:
            parts.append(_(f"sheet {self.sheet}", f"工作表 {self.sheet}"))
        parts.append(_(f"row {self.row}", f"第 {self.row} 行") if self.columns is not None
                     else _(f"item {self.row}", f"第 {self.row} 项"))
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"Record({self.path!r}, sheet={self.sheet!r}, row={self.row}, values={self.values!r})"


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_records(
    paths: Iterable[str | os.PathLike],
    criteria: Any,
    sheet: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ReadResult:
    """Read every file; return the village records in input order and the problems found (and, as
    `.notices` of the result, the notices: see the module docstring).

    `sheet` picks one sheet by name in each spreadsheet (CSV, YAML and JSON ignore it).
    `on_progress(done_rows, total_rows)` is called now and then; `total_rows` grows as files are opened.
    """
    reader = _Reader(criteria, sheet, on_progress)
    for p in paths:
        reader.read_path(p)
    reader.merge_townships()
    return ReadResult(reader.records, reader.problems, reader.notices)


# ------------------------------------------------------------------------------------------- the reader


class _Reader:
    """The state of one `read_records` call: results so far, duplicate index, value memos, progress."""

    def __init__(self, criteria: Any, sheet: str | None, on_progress: Callable[[int, int], None] | None):
        self.criteria = criteria
        self.fields = criteria.fields
        self.index = criteria.index
        self.sheet = sheet
        self.on_progress = on_progress
        self.records: list[Record] = []
        self.problems: list[Problem] = []
        self.notices: list[Notice] = []
        # The fields the standards use, each with the standards using it (for `missing-field`).
        self.used: dict[str, list[str]] = {}
        self._suggested = 0  # suggestions made for the sheet (or file) being read, see SUGGEST_MAX_COLUMNS
        for c in getattr(criteria, "criteria", ()):
            for fid in c.fields:
                self.used.setdefault(fid, []).append(c.id)
        self.used = {f.id: self.used[f.id] for f in self.fields if f.id in self.used}
        # Headers that name no field but need no notice: see NON_FIELD_HEADERS and _LAX_OUTPUT_HEADERS.
        self.quiet = set(NON_FIELD_HEADERS | _LAX_OUTPUT_HEADERS)
        for c in getattr(criteria, "criteria", ()):
            self.quiet.update(header_key(h) for h in (c.id, f"{c.id} {c.title_zh}", f"{c.id} {c.title_en}"))
        # Per field (township, village): a spelling as read -> the name it stands for (normal_name).
        self.names: dict[str, dict[Any, Any]] = {"township": {None: None}, "village": {None: None}}
        self.names_noticed: set[tuple[str, str]] = set()  # (field id, spelling) already said
        self.townships: dict[str, tuple] = {}  # each township spelling -> where it first appears
        self.memos = new_memos()
        self.by_code: dict[str, Record] = {}
        self.by_name: dict[tuple[str, str], Record] = {}
        self.names_indexed = False  # see _index_names
        self.done = 0
        self.total = 0
        self.ti = self.index["township"]
        self.vi = self.index["village"]
        self.ci = self.index.get("code")

    # -- files

    def read_path(self, p: str | os.PathLike) -> None:
        shown = os.fspath(p)
        path = Path(shown)
        first_record, first_problem, first_notice = len(self.records), len(self.problems), len(self.notices)
        try:
            if not path.exists():
                self._unreadable(shown, _("file not found", "找不到文件"))
                return
            if path.is_dir():
                self._unreadable(shown, _("is a folder, not a file", "是文件夹，不是文件"))
                return
            suffix = path.suffix.lower()
            if suffix in SPREADSHEET_SUFFIXES or suffix in _WPS_SUFFIXES:  # a WPS .et may be read as an .xls
                self._read_workbook(path, shown)
            elif suffix == ".csv":
                self._read_csv(path, shown)
            elif suffix in (".yaml", ".yml"):
                self._read_yaml(path, shown)
            elif suffix == ".json":
                self._read_json(path, shown)
            elif suffix in _OTHER_PROGRAMS:
                self._unreadable(shown, _OTHER_PROGRAMS[suffix]())
            else:
                self._unreadable(shown, _(
                    f"unknown file type '{path.suffix or path.name}' (expected .xlsx, .xls, .ods, .csv, .yaml or .json)",
                    f"不支持的文件类型“{path.suffix or path.name}”（应为 .xlsx、.xls、.ods、.csv、.yaml 或 .json）"))
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as e:  # noqa: BLE001 - calamine can panic (a BaseException); any failure is one problem
            self._forget(first_record)  # a file that failed part-way is read not at all: one problem says so
            del self.problems[first_problem:]
            self._forget_notices(first_notice, shown, None)
            self._unreadable(shown, _wps_hint() if path.suffix.lower() in _WPS_SUFFIXES else _describe_error(e))

    def _forget(self, first: int) -> None:
        """Drop the records read since `first` (of a file or sheet that failed part-way)."""
        for rec in self.records[first:]:
            code = rec.values[self.ci] if self.ci is not None else None
            if code is not None and self.by_code.get(code) is rec:
                del self.by_code[code]
            key = (rec.values[self.ti], rec.values[self.vi])
            if self.by_name.get(key) is rec:
                del self.by_name[key]
        del self.records[first:]

    def _forget_notices(self, first: int, path: str, sheet: str | None) -> None:
        """Drop the notices since `first` and the spellings seen in a file (or one of its sheets) that failed."""
        for n in self.notices[first:]:
            if n.code == "name-normalised":
                self.names_noticed.discard((n.field, n.value))
        del self.notices[first:]
        for t, at in list(self.townships.items()):
            if at[0] == path and (sheet is None or at[1] == sheet):
                del self.townships[t]

    def _unreadable(self, path: str, reason: str) -> None:
        self.problems.append(Problem("unreadable-file", _(f"cannot read the file: {reason}", f"无法读取文件：{reason}"),
                                     path))

    def _progress(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.done, max(self.total, self.done))

    # -- spreadsheets

    def _read_workbook(self, path: Path, shown: str) -> None:
        from python_calamine import SheetTypeEnum

        with path.open("rb") as fh:
            magic = fh.read(512)
        if not magic:
            self._unreadable(shown, _("the file is empty", "文件是空的"))
            return
        is_zip, is_ole = magic[:4] == b"PK\x03\x04", magic[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        if not is_zip and not is_ole:
            if _looks_like_text(magic):
                self._unreadable(shown, _("this is a text file, not a spreadsheet (if it is CSV, name it .csv)",
                                          "这是文本文件，不是电子表格（如果是 CSV，请以 .csv 为扩展名）"))
            else:
                self._unreadable(shown, _("not an Excel or OpenDocument spreadsheet", "不是 Excel 或 OpenDocument 电子表格"))
            return
        if is_zip:
            refusal = zip_bomb(path)
            if refusal:
                self._unreadable(shown, refusal)
                return
        if guard.crashed(shown, None):  # opening it killed an earlier attempt of this run (lax.read.guard)
            self._unreadable(shown, guard.crash_reason(None))
            return
        with guard.watch(shown, None):  # an .xls is parsed whole when it is opened
            with guard.native():
                wb = open_workbook(path)
        try:
            names = list(wb.sheet_names)
            if self.sheet is not None:
                wanted = self.sheet
                if wanted not in names:  # forgive case and stray spaces when only one sheet fits
                    close = [n for n in names if n.strip().casefold() == wanted.strip().casefold()]
                    wanted = close[0] if len(close) == 1 else wanted
                if wanted not in names:
                    self.problems.append(Problem("no-sheet", _(
                        f"no sheet named '{self.sheet}' (the sheets are: {', '.join(names)})",
                        f"没有名为“{self.sheet}”的工作表（现有工作表：{'、'.join(names)}）"), shown, sheet=self.sheet))
                    return
                targets = [wanted]
            else:
                kinds = {m.name: m.typ for m in wb.sheets_metadata}
                targets = [n for n in names if kinds.get(n, SheetTypeEnum.WorkSheet) == SheetTypeEnum.WorkSheet]
            found = False
            for name in targets:
                if guard.crashed(shown, name):
                    self.problems.append(Problem("unreadable-file", guard.crash_reason(name), shown, sheet=name))
                    found = True  # said already: not also "no sheet has a header"
                    continue
                first_record, first_problem, first_notice = len(self.records), len(self.problems), len(self.notices)
                try:
                    with guard.watch(shown, name):  # calamine builds the whole sheet here, then rows as we go
                        with guard.native():
                            # a large xlsx sheet is parsed as two halves on two cores (lax.read.bigsheet)
                            # the Excel error cells are looked for on another thread meanwhile (unpacking
                            # releases the GIL, as calamine's parse does)
                            ws = bigsheet.parse_in_two(path, name, inspect=_sheet_inspector(path)) if is_zip else None
                            if ws is not None:
                                errors = ws.inspected  # found in the XML bigsheet unpacked anyway
                            else:
                                scan = _Background(excel_error_cells, path, name) if is_zip else None
                                ws = wb.get_sheet_by_name(name)
                                errors = scan.result() if scan is not None else (
                                    xls_error_cells(path, name) if is_ole else None)
                        found |= self._read_sheet(ws, shown, name, explicit=self.sheet is not None,
                                                  errors=errors)
                        ws = None  # free calamine's copy of this sheet before the next one
                except (KeyboardInterrupt, SystemExit, GeneratorExit):
                    raise
                except BaseException as e:  # noqa: BLE001 - one damaged sheet costs that sheet, not the workbook
                    ws = None
                    self._forget(first_record)  # a sheet is read wholly or not at all
                    del self.problems[first_problem:]
                    self._forget_notices(first_notice, shown, name)
                    self.problems.append(Problem("unreadable-file", _(
                        f"sheet '{name}' cannot be read: {_describe_error(e)}",
                        f"无法读取工作表“{name}”：{_describe_error(e)}"), shown, sheet=name))
                    found = True  # said already: not also "no sheet has a header"
            if not found and self.sheet is None:
                self.problems.append(Problem("no-header", _(
                    f"no sheet has a header row naming the columns (such as 乡镇 and 村名) in its first {HEADER_ROWS} rows",
                    f"没有哪个工作表在前 {HEADER_ROWS} 行中有表头（如“乡镇”“村名”）"), shown))
        finally:
            wb.close()

    def _read_sheet(self, ws: Any, shown: str, name: str, explicit: bool,
                    errors: dict[tuple[int, int], str] | None = None) -> bool:
        """Read one sheet; False when it has no recognisable header (a problem only if `explicit`).
        `errors`: the sheet's Excel error cells, (row, column) from 0 -> `#DIV/0!`, which calamine reads as
        blank; they are put back into the rows so that they are reported, never read as blank."""
        start = ws.start
        if start is None:  # an empty sheet
            if explicit:
                self._no_header(shown, name)
            return False
        start_row, start_col = start
        rows = ws.iter_rows()
        first = next(rows, None)
        if first is None:
            if explicit:
                self._no_header(shown, name)
            return False
        # python-calamine's iterator yields the empty rows above the used range; skip them.
        if start_row > 0 and first.count("") == len(first):
            for _skipped in itertools.islice(rows, start_row - 1):
                pass
            first = next(rows, None)
            if first is None:
                return False
        self.total += (ws.height or 0)
        all_rows: Iterator[list] = itertools.chain((first,), rows)
        if errors:
            all_rows = _with_errors(all_rows, start_row + 1, start_col, errors)
        return self._read_table(all_rows, itertools.count(start_row + 1), start_col, shown, name, explicit)

    def _no_header(self, shown: str, sheet: str | None) -> None:
        self.problems.append(Problem("no-header", _(
            f"no header row naming the columns (such as 乡镇 and 村名) in the first {HEADER_ROWS} rows",
            f"前 {HEADER_ROWS} 行中没有表头（如“乡镇”“村名”）"), shown, sheet=sheet))

    # -- CSV

    def _read_csv(self, path: Path, shown: str) -> None:
        raw = path.read_bytes()
        if not raw.strip():
            self._unreadable(shown, _("the file is empty", "文件是空的"))
            return
        text = _decode(raw)
        if text is None:
            self._unreadable(shown, _("the text is neither UTF-8 nor GBK/GB18030", "文本既不是 UTF-8 也不是 GBK/GB18030 编码"))
            return
        del raw
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows: list[list[str]] = []
        lines: list[int] = []
        spans: list[int] = []  # index of each row that spans more than one line (a quoted line break)
        line = 1
        for row in reader:
            if reader.line_num > line:
                spans.append(len(rows))
            rows.append(row)
            lines.append(line)
            line = reader.line_num + 1
        if spans:
            self._csv_quotes(rows, lines, spans, line - 1, shown)
        width = max(map(len, rows), default=0)
        for k, row in enumerate(rows):
            if len(row) < width:
                rows[k] = row + [""] * (width - len(row))
        self.total += len(rows)
        self._read_table(iter(rows), iter(lines), 0, shown, None, explicit=True)

    def _csv_quotes(self, rows: list[list[str]], lines: list[int], spans: list[int], last_line: int,
                    shown: str) -> None:
        """Rows whose quoting swallowed line breaks into a cell where none belongs: a `csv-quote` problem at
        the line where the quote opened, naming the lines swallowed, and the row is not read (its cells
        hold the following lines, not its values). A line break may stand in a free-text field (a note);
        in a name or code, or in a field of any other type, it means a quote left open (`"宋三村` swallows
        every line up to the next `"`). Such rows are taken out of `rows`/`lines` in place."""
        found = self._find_header(rows[:HEADER_ROWS], rows[HEADER_ROWS:HEADER_ROWS + 1])
        if found is None:
            return  # no header: said by the table reader
        mapping, header_at, data_at, _top = found
        strict = {c: f for c, f in mapping.items()
                  if f in ("township", "village", "code") or self.fields[self.index[f]].type != "text"}
        drop = []
        for k in spans:
            if k < data_at:
                continue
            row = rows[k]
            start = lines[k]
            end = lines[k + 1] - 1 if k + 1 < len(lines) else last_line
            at = start  # the line each cell starts on
            for c, cell in enumerate(row):
                breaks = len(_BREAK_RE.findall(cell))
                if breaks and c in strict:
                    f = self.fields[self.index[strict[c]]]
                    swallowed = end - at
                    self.problems.append(Problem("csv-quote", _(
                        f"a quote opened in {f.title_en} on line {at} swallows the next {swallowed} line(s) "
                        f"(to line {end}) into one cell: lines {start}-{end} are not read; close or remove the quote",
                        f"第 {at} 行“{f.title_zh}”中的引号未闭合，把其后 {swallowed} 行（至第 {end} 行）并入了一个单元格："
                        f"第 {start}-{end} 行未读取；请补全或删去该引号"),
                        shown, row=at, column=column_letter(c), field=f.id, value=_show(cell), line=at))
                    drop.append(k)
                    break
                at += breaks
        for k in reversed(drop):
            del rows[k], lines[k]

    # -- tables (spreadsheet sheets and CSV)

    def _read_table(self, rows: Iterator[list], rownums: Iterator[int], col0: int, path: str,
                    sheet: str | None, explicit: bool) -> bool:
        head = list(itertools.islice(rows, HEADER_ROWS + 1))
        head_nums = list(itertools.islice(rownums, len(head)))
        found = self._find_header(head[:HEADER_ROWS], head[HEADER_ROWS:])
        if found is None:
            if explicit:
                self._no_header(path, sheet)
            self.done += len(head)
            return False
        mapping, header_at, data_at, top = found  # column index -> field id; head positions
        columns = {f: column_letter(col0 + c) for c, f in mapping.items()}
        header_row = head_nums[header_at]
        self._column_notices(head[top:data_at], head_nums[top:data_at], mapping, col0, path, sheet,
                             head[data_at:HEADER_ROWS], head_nums[data_at:HEADER_ROWS])
        missing = [f for f in self.fields if f.required and f.id not in columns]
        for f in missing:
            self.problems.append(Problem("missing-column", _(
                f"no column for {f.title_en} ({f.title_zh}) in the header on row {header_row}",
                f"第 {header_row} 行的表头中没有“{f.title_zh}”列"), path, sheet=sheet, row=header_row, field=f.id))
        if "township" not in columns or "village" not in columns:
            self.done += len(head)
            return True  # a header, but villages cannot be identified without these columns
        self._missing_field_notices(columns, path, sheet, header_row)
        self.done += data_at
        rows = itertools.chain(head[data_at:], rows)
        rownums = itertools.chain(head_nums[data_at:], rownums)
        # The header's width: up to its last non-blank cell (of either row of a two-row header).
        header_width = max((max((c + 1 for c in range(len(r)) if not _blank_cell(r, c)), default=0)
                            for r in head[header_at:data_at]), default=0)
        self._read_data(rows, rownums, mapping, columns, col0, path, sheet, first_data=head[data_at:data_at + 1],
                        header_width=header_width or None)
        return True

    def _find_header(self, head: list[list], extra: list[list]) -> tuple[dict[int, str], int, int, int] | None:
        """Find the header among the first rows: (column index -> field id, header position, first data position,
        position of the header's top row).

        The header is the row naming the most fields (at least township and village, or three fields; the
        first on a tie). A row right below it that names more fields is the lower half of a two-row header
        (`信访情况` merged over `集体访` / `越级访`); a row right above it that names fields where the header
        is blank is the upper half (`乡镇` merged down over two header rows).
        """
        rows = head + extra
        matches = [self._match_row(r) for r in rows]
        best, best_score = None, 0
        for k, m in enumerate(matches[:len(head)]):
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
            child = self._match_row(rows[best + 1], parent=header)
            child = {c: f for c, f in child.items() if mapping.get(c) != f}
            if child:
                mapping.update(child)
                data_at = best + 2
        # The row above: headers merged down over both rows sit there.
        top = best
        if best > 0:
            above = self._match_row(rows[best - 1])
            upper = {c: f for c, f in above.items() if c not in mapping and _blank_cell(header, c)}
            joined = self._match_row(header, parent=rows[best - 1])
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
        return unique, best, data_at, top

    def _column_notices(self, rows: list[list], nums: list[int], mapping: dict[int, str], col0: int, path: str,
                        sheet: str | None, data: list[list] = (), data_nums: list[int] = ()) -> None:
        """An `unknown-column` notice for each column whose header (the lowest text in the header rows)
        names no field, unless it is a row-number or remarks column (`NON_FIELD_HEADERS`); for a column with
        no header at all, when the first data rows (`data`) hold a value in it; a `repeated-column` notice for
        a second column naming a field already read."""
        # The first data rows, without footer rows and the 栏次 row (甲 乙 1 2 3), show whether a column
        # without a header holds values.
        data = [(r, n) for k, (r, n) in enumerate(zip(data, data_nums))
                if not any(_is_footer(v) for v in r) and not (k == 0 and _is_column_number_row(r, sorted(mapping)))]
        width = max(map(len, rows), default=0)
        self._suggested = 0
        for c in range(max([width] + [len(r) for r, _n in data])):
            if c in mapping:
                continue
            text, row = None, None
            for r, n in zip(rows, nums):
                if not _blank_cell(r, c):
                    text, row = " ".join(str(r[c]).split()), n
            if text is None:
                held = next(((r[c], n) for r, n in data if not _blank_cell(r, c)), None)
                if held is not None:
                    letter = column_letter(col0 + c)
                    self.notices.append(Notice("unknown-column", _(
                        f"column {letter} has no header but holds values (“{_show(held[0])}” on row {held[1]}); "
                        f"they are not read",
                        f"第 {letter} 列没有表头但有数据（第 {held[1]} 行为“{_show(held[0])}”），未读取"),
                        path, sheet=sheet, row=nums[-1] if nums else None, column=letter, value=""))
                continue
            if header_key(text) in self.quiet:
                continue
            fid = self.criteria.field_for_header(text)
            if fid is not None and fid in mapping.values():  # a second column for a field: the first is read
                f = self.fields[self.index[fid]]
                read = column_letter(col0 + min(k for k, v in mapping.items() if v == fid))
                letter = column_letter(col0 + c)
                self.notices.append(Notice("repeated-column", _(
                    f'column {letter} "{_show(text)}" names {f.title_en} ({fid}) again: only column {read} is read',
                    f"第 {letter} 列“{_show(text)}”与第 {read} 列同为“{f.title_zh}”：只读取第 {read} 列"),
                    path, sheet=sheet, row=row, column=letter, field=fid, value=text))
                continue
            self.notices.append(self._unknown_column(text, path, sheet, row, column_letter(col0 + c)))

    def _unknown_column(self, text: str, path: str, sheet: str | None, row: int | None, column: str | None,
                        line: int | None = None) -> Notice:
        f = self._suggest(text)
        shown = _show(text)
        what = (_(f'column {column} "{shown}"', f"第 {column} 列“{shown}”") if column is not None
                else _(f'key "{shown}"', f"键“{shown}”"))
        if f is None:
            msg = _(f"{what} is not a known field; its values are not read",
                    f"{what}不是已知字段，该列的值未读取")
        else:
            title = f.title_zh if has_cjk(text) else f.title_en
            msg = _(f"{what} is not a known field (not read) — did you mean {title} ({f.id})?",
                    f"{what}不是已知字段（未读取）——是否应为“{title}”（{f.id}）？")
            if f.type == "bool" and bool(_NEGATIONS.search(_QUESTION_WORDS.sub("", text))) != \
                    bool(_NEGATIONS.search(title)):
                msg += _(f" Mind the sense: {title} asks the opposite question, so its yes is this column's no",
                         f"注意：“{title}”的问法与本列相反，其“是”即本列的“否”")
        return Notice("unknown-column", msg, path, sheet=sheet, row=row, column=column,
                      field=f.id if f is not None else None, value=text, line=line)

    def _suggest(self, text: str) -> Any:
        """The field whose header spellings are most like `text` (difflib ratio >= SUGGEST_MIN), or None."""
        key = header_key(text)
        self._suggested += 1
        if len(key) > SUGGEST_MAX_LEN or self._suggested > SUGGEST_MAX_COLUMNS:
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

    def _missing_field_notices(self, present: Iterable[str], path: str, sheet: str | None, row: int | None,
                               line: int | None = None) -> None:
        """A `missing-field` notice for each field the standards use that a sheet (or file) has no column for."""
        present = set(present)
        for fid, ids in self.used.items():
            if fid in present:
                continue
            f = self.fields[self.index[fid]]
            names = ", ".join(ids)
            self.notices.append(Notice("missing-field", _(
                f"no column for {f.title_en} ({fid}), which {names} use(s): undetermined for every village "
                f"whose outcome depends on it",
                f"没有“{f.title_zh}”列（{names} 要用到）：凡结果取决于此项的村，均为待定"),
                path, sheet=sheet, row=row, field=fid, value=names, line=line))

    def _normal_names(self, values: list, fid: str, path: str, sheet: str | None, nums: list,
                      columns: dict[str, str] | None, lines: list | None = None) -> list:
        """A column of village (or township) names as the places they stand for (`normal_name`), with a
        `name-normalised` notice for each spelling changed, where it first appears. Python runs once per
        distinct spelling (the memo `self.names`), the column is mapped at C speed."""
        names = self.names[fid]
        new = [v for v in set(values) if v not in names]
        for v in new:
            names[v] = normal_name(v, township=fid == "township") if isinstance(v, str) else v
        out = list(map(names.__getitem__, values))
        changed = [v for v in set(values) if names[v] != v and (fid, v) not in self.names_noticed and not _is_footer(v)]
        for k in sorted(map(values.index, changed)):  # in the order of the rows
            v = values[k]
            self._name_notice(fid, v, names[v], path, sheet, nums[k], columns, lines[k] if lines else None)
        return out

    def _name_notice(self, fid: str, spelling: str, name: str, path: str, sheet: str | None, row: int,
                     columns: dict[str, str] | None, line: int | None = None, also: str | None = None) -> None:
        self.names_noticed.add((fid, spelling))
        if fid == "township":
            msg = _(f'township "{spelling}" is read as {name}, the same place' + (f" (as in {also})" if also else ""),
                    f"乡镇“{spelling}”按“{name}”读取，视为同一乡镇" + (f"（见 {also}）" if also else ""))
        else:
            msg = _(f'village "{spelling}" is read as {name}, the same place (the organisation\'s name stripped)',
                    f"村“{spelling}”按“{name}”读取，视为同一个村（去掉了组织名称）")
        self.notices.append(Notice("name-normalised", msg, path, sheet=sheet, row=row,
                                   column=(columns or {}).get(fid), field=fid, value=spelling, line=line))

    def _seen_townships(self, townships: list, path: str, sheet: str | None, nums: list,
                        columns: dict[str, str] | None, line: int | None = None) -> None:
        """Remember where each township spelling first appears (for `merge_townships`)."""
        seen = self.townships
        new = [t for t in set(townships) if isinstance(t, str) and t not in seen]
        for k in sorted(map(townships.index, new)):  # in the order of the rows
            seen[townships[k]] = (path, sheet, nums[k], (columns or {}).get("township"), line)

    def merge_townships(self) -> None:
        """After every file: a township written both without and with its 镇/乡 (邓埠, 邓埠镇) is the suffixed
        one; records are renamed, one notice per spelling merged, and duplicates looked for again."""
        merges = township_merges(self.townships)
        if not merges:
            return
        ti = self.ti
        for rec in self.records:
            t = rec.values[ti]
            if t in merges:
                values = list(rec.values)
                values[ti] = merges[t]
                rec.values = tuple(values)
        for spelling in [t for t in self.townships if t in merges]:  # in input order
            name = merges[spelling]
            path, sheet, row, column, line = self.townships[spelling]
            target = self.townships[name]
            also = Record(None, target[0], target[1], target[2], {} if target[3] is not None else None).where()
            self._name_notice("township", spelling, name, path, sheet, row,
                              {"township": column} if column else None, line, also)
        # The same village may now be there twice (邓埠/宋三村 and 邓埠镇/宋三村): look again, in input order.
        self.by_code, self.by_name, self.names_indexed = {}, {}, False
        kept = []
        for rec in self.records:
            if self._register(rec):
                kept.append(rec)
        self.records[:] = kept

    def _match_row(self, row: list, parent: list | None = None) -> dict[int, str]:
        """Column index -> field id for the cells of a row that name a field."""
        out = {}
        lookup = self.criteria.field_for_header
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

    def _read_data(self, rows: Iterator[list], rownums: Iterator[int], mapping: dict[int, str],
                   columns: dict[str, str], col0: int, path: str, sheet: str | None, first_data: list,
                   header_width: int | None = None) -> None:
        """Convert the data rows of a table chunk by chunk and keep the village rows as records.

        Each chunk is taken apart into one list per field and every list converted at C speed (see the
        module docstring); `zip` puts the rows back together in field order. A chunk whose rows are all
        villages with nothing wrong (the usual case) becomes records without a Python loop per row; a
        chunk with a blank or footer row, a bad value or a missing value goes through `_slow_rows`.
        """
        fields = self.fields
        ti, vi, ci = self.ti, self.vi, self.ci
        col_of = {self.index[f]: c for c, f in mapping.items()}  # field position -> sheet column index
        # Footer words (合计, 填表人：…) may sit in any column up to the village name, mapped or not (序号).
        village_col = col_of[self.vi]
        left_cols = [c for c in range(village_col) if c != col_of[self.ti]]
        # Transposing the whole row is cheapest unless the sheet has many columns no field uses.
        picked = sorted(set(col_of.values()) | set(left_cols))
        width = len(first_data[0]) if first_data else 0
        narrow = width <= 2 * len(picked) + 4
        if narrow:
            where = {c: c for c in picked}
            pick = None
        else:
            where = {c: k for k, c in enumerate(picked)}
            pick = operator.itemgetter(*picked) if len(picked) > 1 else (lambda r, c=picked[0]: (r[c],))
        plan = []  # per field position: (index into a chunk's transposed columns or None, type, its memo)
        for p, f in enumerate(fields):
            c = col_of.get(p)
            memo = None if f.type == "text" else memo_for(self.memos, "percent-raw" if f.type == "percent" else f.type,
                                                          f.unit)
            plan.append((where[c] if c is not None else None, f.type, memo))
        # A percent column is read as a whole (lax.read.values.settle_percents): its decision, per field position.
        percent_mode: dict[int, str | None] = {}
        vcol = col_of[vi]
        tcol = col_of[ti]
        required = [p for p in col_of if fields[p].required and p not in (ti, vi)]
        memos = self.memos
        blank = itertools.repeat(None)
        repeat = itertools.repeat
        state = {"township": None}  # the township carried down from the rows above
        skip_number_row = bool(first_data) and _is_column_number_row(first_data[0], sorted(mapping))
        extra = header_width  # cells right of the header's last cell are no column's (see _extra_cells)
        while True:
            chunk = list(itertools.islice(rows, CHUNK))
            if not chunk:
                break
            nums = list(itertools.islice(rownums, len(chunk)))
            if skip_number_row:
                chunk, nums, skip_number_row = chunk[1:], nums[1:], False
            # Rows -> columns in one pass (only the wanted columns when the sheet has many others).
            raw = list(zip(*chunk)) if narrow else list(zip(*map(pick, chunk)))
            cols: list = []
            bad_fields = []  # field positions whose column holds a bad value in this chunk
            for p, (c, ftype, memo) in enumerate(plan):
                if c is None:
                    cols.append(blank)
                elif ftype == "text":
                    out, has_bad = convert_column("text", raw[c], memos)
                    cols.append(out)
                    if has_bad:  # an Excel error value (#N/A) in a name or code
                        bad_fields.append(p)
                else:
                    before = memo.bad
                    out = list(map(memo.__getitem__, raw[c]))
                    if ftype == "percent":
                        out, percent_mode[p] = settle_percents(out, percent_mode.get(p))
                        if AMBIGUOUS in out and p not in bad_fields:
                            bad_fields.append(p)
                    cols.append(out)
                    if memo.bad != before and p not in bad_fields:
                        bad_fields.append(p)
            # Names that are no village's: a line break inside, or longer than any real one (a CSV quote left
            # open swallows the following lines into one cell). Seen in the raw cells, before spaces fold.
            odd_names = _odd_names(raw[where[vcol]]) or _odd_names(raw[where[tcol]])
            townships, villages = cols[ti], cols[vi]
            if None in townships:  # merged down, or left blank below the first row
                # (accumulate's initial=None would mean "no initial", so the carried value is chained in)
                filled = itertools.accumulate(itertools.chain((state["township"],), townships), _carry)
                cols[ti] = townships = list(filled)[1:]
            if townships:
                state["township"] = townships[-1]
            cols[ti] = townships = self._normal_names(townships, "township", path, sheet, nums, columns)
            cols[vi] = villages = self._normal_names(villages, "village", path, sheet, nums, columns)
            self._seen_townships(townships, path, sheet, nums, columns)
            codes = cols[ci] if ci is not None and plan[ci][0] is not None else None
            clean = (not bad_fields and not required and not odd_names and None not in villages and None not in townships
                     and _FOOTER_LINE_RE.search("\n".join(villages)) is None
                     and not any(map(_is_footer, set(townships)))
                     and not any(_may_hold_footer(raw[where[c]]) for c in left_cols))
            del raw
            if clean:
                recs = list(map(Record, zip(*cols), repeat(path), repeat(sheet), nums, repeat(columns)))
                self._register_many(recs, townships, villages, codes)
            else:
                self._slow_rows(chunk, cols, nums, col_of, left_cols, bad_fields, required, path, sheet, columns)
            if extra is not None:
                self._extra_cells(chunk, nums, extra, col0, path, sheet)
            del chunk, cols
            self.done += len(nums)
            self._progress()

    def _slow_rows(self, chunk: list, cols: list, nums: list[int], col_of: dict[int, int], left_cols: list[int],
                   bad_fields: list[int], required: list[int], path: str, sheet: str | None,
                   columns: dict[str, str]) -> None:
        """The rows of a chunk one by one: skip blank and footer rows, report bad and missing values."""
        fields = self.fields
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
        for i, values in enumerate(zip(*cols)):
            rownum = nums[i]
            village = values[vi]
            township = values[ti]
            footer = _is_footer(township) or any(_is_footer(chunk[i][c]) for c in left_cols)
            identity_bad = [p for p in bad.get(i, ()) if p in (vi, ti)]
            if identity_bad:  # an Excel error where the name should be: the row is no village's
                for p in identity_bad:
                    self._bad_value(path, sheet, rownum, columns, fields[p], chunk[i][col_of[p]])
                continue
            if village is None:
                if ci is not None and values[ci] is not None and not footer:
                    self._missing_value(path, sheet, rownum, columns, fields[vi])
                continue
            if footer or _is_footer(village):
                continue
            odd = [p for p in (ti, vi) if _odd_name(chunk[i][col_of[p]])]
            if odd:
                for p in odd:
                    self.problems.append(self._bad_name(path, sheet, rownum, columns.get(fields[p].id), fields[p],
                                                        chunk[i][col_of[p]]))
                continue
            if township is None:
                self._missing_value(path, sheet, rownum, columns, fields[ti])
                continue
            for p in sorted(bad.get(i, ()), key=col_of.__getitem__):  # left to right, as a person reads
                if (i, p) in ambiguous:
                    self.problems.append(self._ambiguous_percent(path, sheet, rownum, columns.get(fields[p].id),
                                                                 fields[p], chunk[i][col_of[p]]))
                    continue
                self._bad_value(path, sheet, rownum, columns, fields[p], chunk[i][col_of[p]])
            for p in required:
                if values[p] is None and p not in bad.get(i, ()):
                    self._missing_value(path, sheet, rownum, columns, fields[p])
            rec = Record(values, path, sheet, rownum, columns)
            if self._register(rec):
                self.records.append(rec)

    # -- YAML and JSON

    def _utf8_text(self, path: Path, shown: str) -> str | None:
        """The file's text, or None after recording why it cannot be read (empty, not UTF-8)."""
        raw = path.read_bytes()
        if not raw.strip():
            self._unreadable(shown, _("the file is empty", "文件是空的"))
            return None
        text = _decode(raw, gbk=False)
        if text is None:
            self._unreadable(shown, _("the file is not UTF-8 text", "文件不是 UTF-8 文本"))
        return text

    def _read_yaml(self, path: Path, shown: str) -> None:
        import yaml

        text = self._utf8_text(path, shown)
        if text is None:
            return
        at = editor_lines(text)  # YAML counts NEL/LS/PS as line breaks; the lines said are the editor's
        loader = _yaml_loader()(text)
        try:
            try:
                node = loader.get_single_node()
                data = loader.construct_document(node) if node is not None else None
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line = at(mark.line + 1) if mark is not None else None
            reason = str(e.problem or e.context or "").strip() or type(e).__name__
            self.problems.append(Problem("unreadable-file", _(f"YAML error: {reason}", f"YAML 错误：{reason}"),
                                         shown, line=line))
            return
        except yaml.YAMLError as e:
            self._unreadable(shown, _("YAML error: ", "YAML 错误：") + (str(e).splitlines() or [type(e).__name__])[0])
            return
        items, item_lines = _items_with_lines(data, node, at)
        if items is None:
            self._unreadable(shown, _("expected a list of villages, or 'villages:' followed by one",
                                      "应为村的列表，或“villages:”下的列表"))
            return
        self._read_items(items, item_lines, shown)

    def _read_json(self, path: Path, shown: str) -> None:
        text = self._utf8_text(path, shown)
        if text is None:
            return
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            self.problems.append(Problem("unreadable-file", _(f"JSON error: {e.msg} (column {e.colno})",
                                                              f"JSON 错误：{e.msg}（第 {e.colno} 列）"),
                                         shown, line=e.lineno))
            return
        items, _lines = _items_with_lines(data, None)
        if items is None:
            self._unreadable(shown, _('expected a list of villages, or {"villages": [...]}',
                                      '应为村的列表，或 {"villages": [...]}'))
            return
        self._read_items(items, None, shown)

    def _read_items(self, items: list, lines: list[int] | None, path: str) -> None:
        fields = self.fields
        lookup = self.criteria.field_for_header
        self.total += len(items)
        present: set[str] = set()  # the fields some item has a key for (for `missing-field`)
        self._suggested = 0
        unknown: set[str] = set()  # the keys naming no field already said (one notice per key and file)
        any_item = False
        for k, item in enumerate(items):
            row = k + 1
            at = lines[k] if lines is not None else None  # YAML only: the item's line and its keys' lines
            line = int(at) if at is not None else None
            if not isinstance(item, dict):
                self.problems.append(Problem("bad-record", _(
                    f"item {row} is not a village (a mapping of field: value), it is {_kind(item)}",
                    f"第 {row} 项不是村记录（“字段: 值”的映射），而是{_kind(item)}"), path, row=row, line=line))
                continue
            values: list[Any] = [None] * len(fields)
            seen: set[int] = set()
            problems: list[Problem] = []
            any_item = True
            for key, raw in item.items():
                fid = lookup(key) if isinstance(key, (str, int, float)) and not isinstance(key, bool) else None
                if fid is None:  # not read, like a column that names no field: said once per key
                    text = " ".join(str(key).split())
                    if text and text not in unknown and header_key(text) not in self.quiet:
                        unknown.add(text)
                        self.notices.append(self._unknown_column(
                            text, path, None, row, None, at.of(key) if at is not None else None))
                    continue
                present.add(fid)
                p = self.index[fid]
                if p in seen:
                    continue  # the first spelling of a field wins
                seen.add(p)
                f = fields[p]
                key_line = at.of(key) if at is not None else None
                if isinstance(raw, (dict, list, tuple, set)):
                    kind = _kind(raw)
                    problems.append(Problem(PROBLEM_CODES.get(f.type, "bad-value"), _(
                        f"{f.title_en}: expected {expected(f.type)}, found {kind}",
                        f"{f.title_zh}：应为{expected(f.type)}，实际是{kind}"),
                        path, row=row, field=f.id, value=kind, line=key_line))
                    continue
                try:
                    if raw.__class__ is _ImpossibleDate and f.type != "text":
                        raise ValueError(raw)  # a date-shaped value that is no date is no count or yes/no either
                    values[p] = convert(f.type, raw, f.unit) if f.type != "text" else to_text(raw)
                except ValueError:
                    problems.append(self._bad_problem(path, None, row, None, f, raw, key_line))
            if values[self.vi] is None:
                self.problems.append(self._missing_problem(path, None, row, None, fields[self.vi], line))
                continue
            if values[self.ti] is None:
                self.problems.append(self._missing_problem(path, None, row, None, fields[self.ti], line))
                continue
            values[self.ti], = self._normal_names([values[self.ti]], "township", path, None, [row], None, [line])
            values[self.vi], = self._normal_names([values[self.vi]], "village", path, None, [row], None, [line])
            self._seen_townships([values[self.ti]], path, None, [row], None, line)
            self.problems.extend(problems)
            for p, f in enumerate(fields):
                if f.required and values[p] is None and p not in (self.ti, self.vi) and \
                        not any(q.field == f.id for q in problems):
                    self.problems.append(self._missing_problem(path, None, row, None, f, line))
            rec = Record(tuple(values), path, None, row, None)
            if self._register(rec, line):
                self.records.append(rec)
            self.done += 1
        if any_item:
            self._missing_field_notices(present, path, None, None)
        self._progress()

    # -- shared checks

    def _register_many(self, recs: list[Record], townships: list, villages: list, codes: list | None) -> None:
        """Register a chunk of clean records at C speed when none repeats a village; else one by one.

        The fast path adds the whole chunk to the index and checks that the index grew by as many
        entries as records were added. If not, some record repeats a village and the overwritten index
        entries are rebuilt from the records kept so far (in order, so the first occurrence wins), and
        the chunk is registered record by record.
        """
        if codes is not None and not self.names_indexed and None not in codes:
            index, keys = self.by_code, codes
        elif codes is None:
            self._index_names()
            index, keys = self.by_name, list(zip(townships, villages))
        else:
            index = keys = None
        if index is not None:
            before = len(index)
            index.update(zip(keys, recs))
            if len(index) == before + len(recs):
                self.records.extend(recs)
                return
            self._rebuild_index()
        for rec in recs:
            if self._register(rec):
                self.records.append(rec)

    def _rebuild_index(self) -> None:
        """The duplicate index from the records kept so far (after a fast path found a repeat)."""
        ti, vi, ci = self.ti, self.vi, self.ci
        self.by_code = {}
        self.by_name = {}
        for rec in self.records:
            values = rec.values
            code = values[ci] if ci is not None else None
            if code is not None:
                self.by_code.setdefault(code, rec)
            if self.names_indexed:
                self.by_name.setdefault((values[ti], values[vi]), rec)

    def _index_names(self) -> None:
        """Start indexing records by township and village name, from the first record without a code on.

        While every record has a code, the name index is not needed (only a record without a code is
        matched by name), so a large file with codes never builds it.
        """
        if self.names_indexed:
            return
        self.names_indexed = True
        ti, vi = self.ti, self.vi
        for rec in self.records:
            self.by_name.setdefault((rec.values[ti], rec.values[vi]), rec)

    def _register(self, rec: Record, line: int | None = None) -> bool:
        """Index a record for duplicate detection; False (and a problem) when it repeats an earlier village.

        Same code means the same village; a record without a code is the same village as an earlier
        one with the same township and village name (with or without a code).
        """
        values = rec.values
        name_key = (values[self.ti], values[self.vi])
        code = values[self.ci] if self.ci is not None else None
        if code is not None:
            first = self.by_code.setdefault(code, rec)
            if first is rec:
                if not self.names_indexed:
                    return True
                earlier = self.by_name.setdefault(name_key, rec)
                if earlier is rec or earlier.values[self.ci] is not None:
                    return True
                del self.by_code[code]
                first = earlier
        else:
            self._index_names()
            first = self.by_name.setdefault(name_key, rec)
            if first is rec:
                return True
        township, village = name_key
        where = first.where()
        what = f"{township} {village}" + (f" ({code})" if code is not None else "")
        self.problems.append(Problem(
            "duplicate-village",
            _(f"{what} appears twice: first at {where}; this row is left out",
              f"{what}重复出现：首次出现在 {where}；本行未计入"),
            rec.path, sheet=rec.sheet, row=rec.row,
            column=(rec.columns or {}).get("code" if code is not None else "village"),
            field="code" if code is not None else "village",
            value=code if code is not None else village, line=line))
        return False

    def _bad_problem(self, path: str, sheet: str | None, row: int, column: str | None, f: Any, raw: Any,
                     line: int | None = None) -> Problem:
        shown = _show(raw)  # one line, cut short: a 10 MB cell must not become a 10 MB message
        reason = bad_reason(f.type, f.unit, raw)  # an Excel error value, or a unit that is not the column's
        if reason is not None:
            code, en, zh = reason
            return Problem(code, _(f"{f.title_en}: '{shown}': {en}", f"{f.title_zh}：“{shown}”：{zh}"),
                           path, sheet=sheet, row=row, column=column, field=f.id, value=raw, line=line)
        return Problem(PROBLEM_CODES.get(f.type, "bad-value"), _(
            f"{f.title_en}: '{shown}' is not {expected(f.type)}",
            f"{f.title_zh}：“{shown}”不是{expected(f.type)}"),
            path, sheet=sheet, row=row, column=column, field=f.id, value=raw, line=line)

    def _ambiguous_percent(self, path: str, sheet: str | None, row: int, column: str | None, f: Any,
                           raw: Any) -> Problem:
        shown = _show(raw)
        return Problem("ambiguous-percent", _(
            f"{f.title_en}: '{shown}' reads two ways in this column (its other numbers are "
            f"{'fractions such as 0.85' if _is_fraction_like(raw) is False else 'percentages such as 85'}): "
            f"write it with a percent sign, e.g. 85%",
            f"{f.title_zh}：“{shown}”在本列中有两种读法（本列其他数值为"
            f"{'0.85 这样的小数' if _is_fraction_like(raw) is False else '85 这样的百分数'}）：请带百分号填写，如 85%"),
            path, sheet=sheet, row=row, column=column, field=f.id, value=raw)

    def _bad_name(self, path: str, sheet: str | None, row: int, column: str | None, f: Any, raw: Any) -> Problem:
        text = str(raw)
        lines = len(text.splitlines())
        why = (_(f"holds {lines - 1} line break(s)", f"含有 {lines - 1} 个换行") if lines > 1
               else _(f"is {len(text.strip())} characters long (no real name is longer than {NAME_MAX})",
                      f"长达 {len(text.strip())} 个字符（真实名称不超过 {NAME_MAX} 个字符）"))
        return Problem("bad-name", _(
            f"{f.title_en} '{_show(raw)}' {why}: not a name; the row is left out",
            f"{f.title_zh}“{_show(raw)}”{why}，不是名称；本行未计入"),
            path, sheet=sheet, row=row, column=column, field=f.id, value=_show(raw))

    def _extra_cells(self, chunk: list, nums: list[int], width: int, col0: int, path: str, sheet: str | None) -> None:
        """A problem for each non-blank cell right of the header's last cell: a value there belongs to no
        column (a row shifted right, or cells typed past the table), so it was not read."""
        if max(map(len, chunk), default=0) <= width:
            return
        tails = list(map(operator.itemgetter(slice(width, None)), chunk))
        if set(itertools.chain.from_iterable(tails)) <= {"", None}:  # the usual case, seen at C speed
            return
        for row, num, tail in zip(chunk, nums, tails):
            if not tail or all(v is None or (isinstance(v, str) and not v.strip()) for v in tail):
                continue
            if any(_is_footer(v) for v in row):  # a signature or date beside a footer row is not data
                continue
            for c in range(width, len(row)):
                if not _blank_cell(row, c):
                    self.problems.append(Problem("extra-cells", _(
                        f"a value '{_show(row[c])}' right of the header's last column: it belongs to no column and "
                        f"was not read (is the row shifted?)",
                        f"表头最后一列右侧有值“{_show(row[c])}”：不属于任何列，未读取（是否整行错位？）"),
                        path, sheet=sheet, row=num, column=column_letter(col0 + c), value=_show(row[c])))

    def _bad_value(self, path: str, sheet: str | None, row: int, columns: dict[str, str], f: Any, raw: Any) -> None:
        self.problems.append(self._bad_problem(path, sheet, row, columns.get(f.id), f, raw))

    def _missing_problem(self, path: str, sheet: str | None, row: int, column: str | None, f: Any,
                         line: int | None = None) -> Problem:
        if f.id == "township":
            msg = _(f"{f.title_en} is blank (and there is none above it to carry down)",
                    f"“{f.title_zh}”为空（上方也没有可沿用的{f.title_zh}）")
        else:
            msg = _(f"{f.title_en} is blank but is required", f"“{f.title_zh}”为空，但必须填写")
        return Problem("missing-value", msg, path, sheet=sheet, row=row, column=column, field=f.id, line=line)

    def _missing_value(self, path: str, sheet: str | None, row: int, columns: dict[str, str], f: Any) -> None:
        self.problems.append(self._missing_problem(path, sheet, row, columns.get(f.id), f))


# ------------------------------------------------------------------------------------------- names


# The names of a village's organisations, written after the village's own name: 坪上村村委会, 坪上村党支部 and
# 坪上村委会 are all 坪上村. Only organisational words, never 村 itself (新村 is a village). Longest first.
_VILLAGE_ORGS = tuple(sorted((
    "村民委员会", "村委会", "村委", "村两委", "村党总支部委员会", "村党支部委员会", "村党总支部", "村党总支", "村党支部",
    "村党委", "村总支", "村支部", "党总支部委员会", "党支部委员会", "党总支部", "党总支", "党支部", "党委", "两委",
    "总支部委员会", "支部委员会", "委员会", "总支", "支部",
), key=len, reverse=True))
_COMMUNITY_ORGS = ("居民委员会", "居委会")  # only after 社区: 城关社区居委会 is 城关社区
_TOWNSHIP_ORGS = ("人民政府", "党委", "政府")  # only after 镇/乡/街道: 邓埠镇人民政府 is 邓埠镇
_TOWNSHIP_ENDS = ("镇", "乡", "街道", "民族乡")
_ENGLISH_ORGS = re.compile(r"\s+(?:(?:villagers'?|village)\s+committee|party\s+(?:general\s+)?branch|"
                           r"party\s+committee)$", re.IGNORECASE)


def normal_name(name: str, township: bool = False) -> str:
    """The place a village (or township) name stands for, with the name of an organisation of it removed.

    `坪上村村委会`, `坪上村党支部`, `坪上村党总支`, `坪上村委会`, `中共坪上村支部委员会` -> `坪上村`; `坪上党支部` -> `坪上`;
    `城关社区居委会` -> `城关社区`; `Pingshang Village Committee` -> `Pingshang Village`; for a township,
    `邓埠镇人民政府`, `邓埠镇党委` -> `邓埠镇`. A name that would be left empty is kept as written.
    Pure: the same text gives the same name, whatever else was read (see `township_merges` for that).
    """
    text = name
    m = _ENGLISH_ORGS.search(text)
    if m and m.start() > 0:
        stem = text[:m.start()]
        if re.search(r"(?i)villagers'?\s+committee|village\s+committee", m.group()) and \
                not stem.lower().endswith("village"):
            stem += " Village"
        return stem
    if township:
        for suffix in _TOWNSHIP_ORGS:
            stem = text[:-len(suffix)]
            if text.endswith(suffix) and stem.endswith(_TOWNSHIP_ENDS) and len(stem) > 1:
                return stem
        return text
    for suffix in _COMMUNITY_ORGS:
        stem = text[:-len(suffix)]
        if text.endswith(suffix) and stem.endswith("社区") and len(stem) > 2:
            return stem
    for suffix in _VILLAGE_ORGS:
        if not text.endswith(suffix):
            continue
        stem = text[:-len(suffix)]
        if stem.startswith("中共"):
            stem = stem[2:]
        if not stem or stem in ("村", "社区"):
            return text
        if suffix.startswith("村") and not stem.endswith("村"):
            stem += "村"  # 坪上村委会: the 村 belongs to both
        return stem
    return text


def township_merges(names: Iterable[str]) -> dict[str, str]:
    """Township spellings to read as another in the same input: `邓埠` -> `邓埠镇` when both are there.

    A name without 镇/乡/街道 is merged only into the one suffixed name it can be (`邓埠` with `邓埠镇`; not
    when both `邓埠镇` and `邓埠乡` are there); a bare name alone stays as written; `Dengbu` -> `Dengbu Town`
    the same way in English."""
    names = set(n for n in names if isinstance(n, str) and n)
    out = {}
    for n in names:
        if n.endswith(_TOWNSHIP_ENDS) or re.search(r"(?i)\s(?:town|township)$", n):
            continue
        fits = [n + end for end in ("镇", "乡", "街道") if n + end in names]
        fits += [f"{n} {end}" for end in ("Town", "Township") if f"{n} {end}" in names]
        if len(fits) == 1:
            out[n] = fits[0]
    return out


# ------------------------------------------------------------------------------------------- helpers


# A real workbook's XML packs about 10:1 (a 100,000-village sheet: 111 MB in 9.6 MB). calamine unpacks a
# sheet whole, so a small file that unpacks to gigabytes would take the machine's memory with it.
ZIP_MAX_UNPACKED = 1 << 30
ZIP_MAX_RATIO = 100


# WPS's own spreadsheet format: often close enough to .xls for calamine; when not, say what to do.
_WPS_SUFFIXES = (".et", ".ett")


def _wps_hint() -> str:
    return _("a WPS spreadsheet (.et) that cannot be read as Excel: in WPS, save it as .xlsx and check that copy",
             "这是无法按 Excel 读取的 WPS 表格文件（.et）：请在 WPS 中另存为 .xlsx 文件后再检查")


# Files townships send that are not tables lax reads, with what to do about them.
_OTHER_PROGRAMS: dict[str, Callable[[], str]] = {
    ".numbers": lambda: _("an Apple Numbers file: export it as Excel (.xlsx) and check that copy",
                          "这是 Apple Numbers 文件：请导出为 Excel（.xlsx）文件后再检查"),
    **dict.fromkeys((".doc", ".docx", ".wps", ".pdf"), lambda: _(
        "a document, not a table: lax reads the township's spreadsheet itself (.xlsx, .xls, .csv)",
        "这是文档，不是表格：请提供乡镇的排查表格本身（.xlsx、.xls、.csv）")),
}


def open_workbook(path: Path) -> Any:
    """python-calamine's workbook for `path`: by its extension, else by its content (an .xlsx saved as .xls,
    a WPS .et that is an Excel workbook inside); a file neither way reads raises the first error."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as first_error:  # noqa: BLE001
        try:
            with path.open("rb") as fh:
                return CalamineWorkbook.from_filelike(fh)
        except Exception:  # noqa: BLE001
            raise first_error from None


def zip_bomb(path: Path) -> str | None:
    """Why a zip-based workbook must not be unpacked (a zip bomb), from its directory alone; else None."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # damaged: calamine says so in its own words
    total = sum(i.file_size for i in infos)
    worst = max(infos, key=lambda i: i.file_size / max(1, i.compress_size), default=None)
    bomb = total > ZIP_MAX_UNPACKED or (
        worst is not None and worst.file_size > (50 << 20) and worst.file_size > ZIP_MAX_RATIO * worst.compress_size)
    if not bomb:
        return None
    return _(f"the workbook would unpack to {total / (1 << 20):,.0f} MB from {path.stat().st_size / (1 << 20):,.1f} MB "
             f"(a zip bomb?); refused",
             f"工作簿解压后将达 {total / (1 << 20):,.0f} MB（文件仅 {path.stat().st_size / (1 << 20):,.1f} MB，疑为压缩炸弹），已拒绝读取")


class _ImpossibleDate(str):
    """An unquoted YAML date that is no date (`checked_on: 2026-02-30`): PyYAML raises while building it,
    which would lose the whole file; kept as its text, it is a `bad-date` problem for its item and line."""


_LOADER = None


def _yaml_loader() -> Any:
    """The safe YAML loader (the C one when present) whose impossible dates stay text (`_ImpossibleDate`)."""
    global _LOADER
    if _LOADER is None:
        from lax.yamlsafe import SafeLoader as base  # merge keys bounded

        class Loader(base):  # type: ignore[misc, valid-type]
            def construct_yaml_timestamp(self, node):  # noqa: D401
                try:
                    return super().construct_yaml_timestamp(node)
                except (ValueError, OverflowError):
                    return _ImpossibleDate(node.value)

        Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
        _LOADER = Loader
    return _LOADER


class _Background:
    """A function run on a thread; `result()` waits for it (and raises what it raised)."""

    def __init__(self, fn: Callable, *args: Any):
        import threading

        self._out: list = []
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable, args: tuple) -> None:
        try:
            self._out.append((True, fn(*args)))
        except BaseException as e:  # noqa: BLE001 - handed to the caller of result()
            self._out.append((False, e))

    def result(self) -> Any:
        self._thread.join()
        ok, value = self._out[0]
        if not ok:
            raise value
        return value


def excel_error_cells(path: Path, sheet: str) -> dict[tuple[int, int], Any]:
    """The marks of an xlsx or ods sheet's cells that calamine does not read as they show: (row, column)
    from 0 -> the Excel error (`#DIV/0!`), or `PERCENT_CELL` (`sheet_marks`, `ods_error_cells`).

    python-calamine reads an error cell as blank (python-calamine issue #105), which would make a failed
    formula look like a value nobody filled in. The sheet's XML marks them `t="e"`; without percent styles
    it is scanned as it is unpacked, a C-level search per megabyte, and parsed further only where one is
    found."""
    import zipfile

    out: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as z:
            member = bigsheet._sheet_member(z, sheet)
            if member is None:
                if "content.xml" in z.namelist():  # an .ods (or an .xlsx named so): its own error cells
                    data = bigsheet._read_member(z, "content.xml")
                    return ods_error_cells(data, sheet) if b'value-type="error"' in data else out
                return out
            info = z.getinfo(member)
            percents = percent_styles(z)
            if percents:  # number formats that show a percent: every cell's style must be looked at
                return sheet_marks(bigsheet._read_member(z, info), percents)
            tail = b""
            hit = False
            with z.open(info) as fh:
                # Only looked through: calamine reads (and checks) the part itself, so the CRC is not
                # computed twice (a sixth of this scan's time).
                if hasattr(fh, "_expected_crc"):
                    fh._expected_crc = None
                read = 0
                while read < info.file_size:
                    block = fh.read(min(1 << 20, info.file_size - read))
                    if not block:
                        break
                    read += len(block)
                    if b't="e"' in tail + block[:16] or b't="e"' in block:
                        hit = True
                        break
                    tail = block[-16:]
            if not hit:
                return out
            data = bigsheet._read_member(z, info)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError, EOFError):
        return out  # damaged: calamine says so in its own words
    return error_cells_in(data)


# In the cell marks of a sheet, beside error texts: a number cell whose format shows it as a percent.
PERCENT_CELL = object()
_BUILTIN_PERCENT_FORMATS = {"9", "10"}  # 0% and 0.00%
_QUOTED_RE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def percent_styles(z: Any) -> list[str]:
    """The cell styles (xf indices) of an xlsx whose number format shows a percent (`0%`, `0.0%`, …).

    calamine gives a cell formatted as 150 % as the number 1.5, which the percent column would read as
    1.5 %; the cell's style says what a person sees."""
    import xml.etree.ElementTree as ET

    try:
        data = bigsheet._read_member(z, "xl/styles.xml")
        root = ET.fromstring(data)
    except Exception:  # noqa: BLE001 - no styles part (or a damaged one): nothing is shown as a percent
        return []
    ns = root.tag[:-len("styleSheet")] if root.tag.endswith("styleSheet") else ""
    percent = set(_BUILTIN_PERCENT_FORMATS)
    for fmt in root.iter(ns + "numFmt"):
        code = _QUOTED_RE.sub("", fmt.get("formatCode", ""))
        if "%" in code:
            percent.add(fmt.get("numFmtId", ""))
    xfs = root.find(ns + "cellXfs")
    if xfs is None:
        return []
    return [str(i) for i, xf in enumerate(xfs.iter(ns + "xf")) if xf.get("numFmtId", "0") in percent]


def sheet_marks(data: bytes, percents: list[str]) -> dict[tuple[int, int], Any]:
    """A sheet's error cells (`error_cells_in`) and, with `percents` (see `percent_styles`), its number
    cells above 1 styled as a percent (150 % stored as 1.5), marked `PERCENT_CELL`: (row, column) from 0."""
    out: dict[tuple[int, int], Any] = error_cells_in(data) if b't="e"' in data else {}
    if percents:
        # Found by one C-level search for number cells with such a style whose value may be above 1 (at or
        # below 1 the percent column reads a bare number as a fraction anyway, `lax.read.values.settle_percents`,
        # so the format changes nothing there); each candidate's value is then read exactly. `<` cannot
        # stand inside an attribute value, so the `<` before the style attribute opens the cell's tag.
        styled = re.compile(rb' s="(?:' + "|".join(percents).encode() + rb')"(?: t="n")?>'
                            rb'(?:<f[^>]*>[^<]*</f>|<f[^>]*/>)?<v>([1-9][^<]*)</v>')
        for m in styled.finditer(data):
            try:
                if float(m.group(1)) <= 1:
                    continue
            except ValueError:
                continue
            start = data.rfind(b"<", 0, m.start())
            ref = _CELL_REF_RE.search(data, start, m.start()) if data[start:start + 3] == b"<c " else None
            if ref:
                out.setdefault(_cell_at(ref), PERCENT_CELL)
    return out


def _sheet_inspector(path: Path) -> Callable[[bytes], dict[tuple[int, int], Any]]:
    """For `bigsheet.parse_in_two`: the cell marks of the XML it unpacks."""
    def inspect(data: bytes) -> dict[tuple[int, int], Any]:
        import zipfile

        with zipfile.ZipFile(path) as z:
            return sheet_marks(data, percent_styles(z))
    return inspect


def xls_error_cells(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """The Excel error values of a legacy .xls sheet: (row, column) from 0 -> the error (`#DIV/0!`).

    python-calamine reads them as blank and BIFF keeps no text to search for, so the sheet is read a second
    time with xlrd (pure Python, which reports an error cell's type); township .xls files are small (a
    600-village sheet takes a few hundredths of a second). Anything xlrd cannot read is calamine's to judge."""
    try:
        import xlrd

        book = xlrd.open_workbook(str(path), on_demand=True)
        try:
            ws = book.sheet_by_name(sheet)
            out: dict[tuple[int, int], str] = {}
            for r in range(ws.nrows):
                types = ws.row_types(r)
                if xlrd.XL_CELL_ERROR in types:
                    for c, t in enumerate(types):
                        if t == xlrd.XL_CELL_ERROR:
                            out[(r, c)] = xlrd.error_text_from_code.get(ws.cell_value(r, c), "#VALUE!")
            return out
        finally:
            book.release_resources()
    except Exception:  # noqa: BLE001 - a file xlrd cannot read (WPS .et, damage): calamine's read stands
        return {}


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_TEXT_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
_ODS_CALCEXT_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"


def ods_error_cells(data: bytes, sheet: str) -> dict[tuple[int, int], str]:
    """The error values of an .ods sheet (content.xml): (row, column) from 0 -> the error (`#DIV/0!`).

    LibreOffice keeps a failed formula's last number beside the error (`office:value="0"
    calcext:value-type="error"`), and calamine reads that number: a 群众满意度 of #DIV/0! would be read as
    0 % and flagged. Rows and cells are counted as calamine counts them, repeats included."""
    import io
    import xml.etree.ElementTree as ET

    out: dict[tuple[int, int], str] = {}
    row = -1
    inside = False
    for event, el in ET.iterparse(io.BytesIO(data), events=("start", "end")):
        tag = el.tag
        if tag == _ODS_TABLE + "table":
            if event == "start":
                inside, row = el.get(_ODS_TABLE + "name") == sheet, -1
            elif inside:
                break
            continue
        if not inside or event != "end":
            continue
        if tag == _ODS_TABLE + "table-row":
            repeat = int(el.get(_ODS_TABLE + "number-rows-repeated", "1") or 1)
            col = 0
            for cell in el:
                span = int(cell.get(_ODS_TABLE + "number-columns-repeated", "1") or 1)
                if cell.get(_ODS_CALCEXT_TYPE) == "error":
                    text = "".join("".join(p.itertext()) for p in cell.iter(_ODS_TEXT_P)).strip() or "#VALUE!"
                    for r in range(row + 1, row + 1 + min(repeat, 1000)):
                        for c in range(col, col + min(span, 1000)):
                            out[(r, c)] = text if text.startswith("#") else "#" + text
                col += span
            row += repeat
            el.clear()
    return out


def error_cells_in(data: bytes) -> dict[tuple[int, int], str]:
    """The Excel error values in a sheet's XML: (row, column) from 0 -> the error (`#DIV/0!`)."""
    out: dict[tuple[int, int], str] = {}
    pos = data.find(b't="e"')
    while pos != -1:
        start = data.rfind(b"<c", 0, pos)
        end = data.find(b">", pos)
        if start != -1 and end != -1 and data[end - 1:end] != b"/":
            tag = data[start:end]
            ref = _CELL_REF_RE.search(tag)
            close = data.find(b"</c>", end)
            value = _CELL_V_RE.search(data, end, close if close != -1 else len(data))
            if ref and value:
                text = value.group(1).decode("utf-8", "replace").strip()
                out[_cell_at(ref)] = text if text.startswith("#") else "#" + text
        pos = data.find(b't="e"', pos + 5)
    return out


_CELL_REF_RE = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CELL_V_RE = re.compile(rb"<v>([^<]*)</v>")


def _cell_at(ref: re.Match) -> tuple[int, int]:
    """(row, column) from 0 of a cell's `r="AB12"` (a `_CELL_REF_RE` match)."""
    col = 0
    for ch in ref.group(1):
        col = col * 26 + ch - 64
    return int(ref.group(2)) - 1, col - 1


def _with_errors(rows: Iterator[list], first_num: int, start_col: int,
                 errors: dict[tuple[int, int], str]) -> Iterator[list]:
    """The rows of a sheet with its Excel error values put back where calamine left a blank (xlsx) or the
    failed formula's stale number (ods): the file says the cell is an error, so it reads as one. A number
    styled as a percent (`PERCENT_CELL`) reads as what the cell shows: 1.5 as `150%`."""
    by_row: dict[int, dict[int, str]] = {}
    for (r, c), text in errors.items():
        by_row.setdefault(r + 1, {})[c - start_col] = text
    for num, row in zip(itertools.count(first_num), rows):
        fix = by_row.get(num)
        if fix:
            row = list(row)
            for c, text in fix.items():
                if not 0 <= c < len(row):
                    continue
                if text is PERCENT_CELL:
                    v = row[c]
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        row[c] = f"{v * 100:.10g}%"
                else:
                    row[c] = text
        yield row


_BREAK_RE = re.compile(r"\r\n|\r|\n")
NAME_MAX = 30  # characters: longer than any real township or village name


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


def _is_fraction_like(raw: Any) -> bool | None:
    """For the ambiguous-percent message: True when the raw value is itself a fraction (0 < v <= 1), so the
    column's other numbers are percentages; False when it is above 1; None when not a number."""
    try:
        v = float(raw) if not isinstance(raw, str) else float(raw.strip().replace(",", ""))
    except (TypeError, ValueError):
        return None
    return 0 < v <= 1


def _blank_cell(row: list, c: int) -> bool:
    if c >= len(row):
        return True
    v = row[c]
    return v is None or (isinstance(v, str) and not v.strip())


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


def _is_footer(text: Any) -> bool:
    """Whether a cell starts a footer row: 合计, 小计, 填表人：…, 审核人：…, 备注：… (spaces ignored)."""
    if not isinstance(text, str) or not text:
        return False
    return _FOOTER_RE.match("".join(text.split())) is not None


def _is_column_number_row(row: list, picked: list[int]) -> bool:
    """A row of column numbers under a header (栏次: 甲 乙 1 2 3 …), which is not a village."""
    cells = [row[c] for c in picked if c < len(row) and not _blank_cell(row, c)]
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


def _looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file are text (UTF-8 or GBK, no NUL bytes)."""
    if b"\x00" in head:
        return head[:2] in (b"\xff\xfe", b"\xfe\xff")
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as e:
            if e.start >= len(head) - 4:  # a character cut at the end of the sample
                return True
    return False


def _decode(raw: bytes, gbk: bool = True) -> str | None:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030 (a superset of GBK) when allowed."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if not gbk:
        return None
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _items_with_lines(data: Any, node: Any, at: Callable[[int], int] = int) -> tuple[list | None, list[int] | None]:
    """The list of village items in a YAML/JSON document, and each item's line when known (`at`: YAML's
    line number to the editor's, see `lax.problems.editor_lines`)."""
    if isinstance(data, dict):
        key = next((k for k in data if isinstance(k, str) and k.strip().lower() in ("villages", "records")), None)
        if key is None:
            return None, None
        items = data[key]
        sub = None
        if node is not None and getattr(node, "id", "") == "mapping":
            for k_node, v_node in node.value:
                if getattr(k_node, "value", None) == key:
                    sub = v_node
                    break
        node = sub
    else:
        items = data
    if not isinstance(items, list):
        return None, None
    lines = None
    if node is not None and getattr(node, "id", "") == "sequence" and len(node.value) == len(items):
        lines = [_ItemLines(n, at) for n in node.value]
    return items, lines


class _ItemLines(int):
    """The line of a YAML item (an int), with the line of each of its keys (`.of(key)`)."""

    def __new__(cls, node: Any, at: Callable[[int], int]) -> "_ItemLines":
        self = super().__new__(cls, at(node.start_mark.line + 1))
        self.keys = {}
        if getattr(node, "id", "") == "mapping":
            for k_node, _v_node in node.value:
                self.keys.setdefault(getattr(k_node, "value", None), at(k_node.start_mark.line + 1))
        return self

    def of(self, key: Any) -> int:
        return self.keys.get(str(key) if not isinstance(key, str) else key, int(self))


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return _("a mapping", "映射")
    if isinstance(value, (list, tuple, set)):
        return _("a list", "列表")
    if value is None:
        return _("empty", "空值")
    return _(f"the value '{_show(value)}'", f"值“{_show(value)}”")


def _describe_error(e: BaseException) -> str:
    """A one-line reason for a file that cannot be read."""
    name = type(e).__name__
    text = " ".join(str(e).split())
    if name == "PasswordError" or "password" in text.lower() or "encrypt" in text.lower():
        return _("the workbook is password-protected or encrypted; save an unprotected copy",
                 "工作簿有密码保护或已加密，请另存一份无密码的副本")
    if isinstance(e, UnicodeDecodeError):
        return _("the text encoding is not recognised (save as UTF-8)", "无法识别文本编码（请另存为 UTF-8）")
    if isinstance(e, MemoryError):
        return _("the file is too large to read", "文件太大，无法读取")
    if isinstance(e, RecursionError):
        return _("the file is nested too deeply", "文件嵌套过深")
    if isinstance(e, PermissionError):
        return _("permission denied", "没有读取权限")
    if isinstance(e, OSError):
        return e.strerror or name
    if name in ("CalamineError", "XmlError", "ZipError", "PanicException") or "calamine" in type(e).__module__:
        if len(text) > 120:
            text = text[:117] + "..."
        return _(f"not a readable spreadsheet, or the file is damaged ({text or name})",
                 f"不是可读取的电子表格，或文件已损坏（{text or name}）")
    if isinstance(e, csv.Error):
        return _(f"not a readable CSV file ({text})", f"不是可读取的 CSV 文件（{text}）")
    return f"{name}: {text}" if text else name


__all__ = ["Record", "ReadResult", "read_records", "column_letter", "normal_name", "township_merges",
           "NON_FIELD_HEADERS", "SPREADSHEET_SUFFIXES"]
