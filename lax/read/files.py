"""Opening the files townships send, safely: which kind a file is, spreadsheets sheet by sheet, CSV text.

`read_file` reads one path into a `lax.read.records` reader; every file that cannot be read is one
`unreadable-file` problem naming it and why (not found, a folder, empty, a text file named .xlsx, a zip
bomb, a damaged or password-protected workbook, a Numbers or Word file, an unknown encoding), and a file or
sheet that fails part-way is read not at all. Spreadsheets (`.xlsx .xlsm .xlsb .xls .ods`, and WPS `.et`
when it is an Excel workbook inside) are read with python-calamine under `lax.read.guard` (a sheet that
crashes the native reader costs that sheet); CSV is UTF-8, UTF-16 with a BOM or GBK, comma- or
tab-separated, and a quote left open that swallows lines is a `csv-quote` problem. The tables found are
read by `lax.read.rows.read_table`; YAML and JSON by `lax.read.items`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lax.i18n import _
from lax.problems import Problem
from lax.read import bigsheet, guard
from lax.read.cells import excel_error_cells, sheet_inspector, with_errors, xls_error_cells
from lax.read.header import HEADER_ROWS, column_letter, find_header
from lax.read.rows import BREAK_RE, read_table
from lax.read.values import show_value as _show

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
# A real workbook's XML packs about 10:1 (a 100,000-village sheet: 111 MB in 9.6 MB). calamine unpacks a
# sheet whole, so a small file that unpacks to gigabytes would take the machine's memory with it.
ZIP_MAX_UNPACKED = 1 << 30
ZIP_MAX_RATIO = 100
# WPS's own spreadsheet format: often close enough to .xls for calamine; when not, say what to do.
_WPS_SUFFIXES = (".et", ".ett")

# Files townships send that are not tables lax reads, with what to do about them.
_OTHER_PROGRAMS: dict[str, Callable[[], str]] = {
    ".numbers": lambda: _(
        "an Apple Numbers file: export it as Excel (.xlsx) and check that copy",
        "这是 Apple Numbers 文件：请导出为 Excel（.xlsx）文件后再检查",
    ),
    **dict.fromkeys(
        (".doc", ".docx", ".wps", ".pdf"),
        lambda: _(
            "a document, not a table: lax reads the township's spreadsheet itself (.xlsx, .xls, .csv)",
            "这是文档，不是表格：请提供乡镇的排查表格本身（.xlsx、.xls、.csv）",
        ),
    ),
}


def read_file(reader: Any, p: str | os.PathLike) -> None:
    """Read one file of any kind into `reader`; a file that fails part-way is read not at all."""
    from lax.read.items import read_json, read_yaml

    shown = os.fspath(p)
    path = Path(shown)
    mark = reader.mark()
    try:
        if not path.exists():
            reader.unreadable(shown, _("file not found", "找不到文件"))
            return
        if path.is_dir():
            reader.unreadable(shown, _("is a folder, not a file", "是文件夹，不是文件"))
            return
        suffix = path.suffix.lower()
        if suffix in SPREADSHEET_SUFFIXES or suffix in _WPS_SUFFIXES:  # a WPS .et may be read as an .xls
            read_workbook(reader, path, shown)
        elif suffix == ".csv":
            read_csv(reader, path, shown)
        elif suffix in (".yaml", ".yml"):
            read_yaml(reader, path, shown)
        elif suffix == ".json":
            read_json(reader, path, shown)
        elif suffix in _OTHER_PROGRAMS:
            reader.unreadable(shown, _OTHER_PROGRAMS[suffix]())
        else:
            reader.unreadable(
                shown,
                _(
                    f"unknown file type '{path.suffix or path.name}' (expected .xlsx, .xls, .ods, .csv, .yaml or .json)",
                    f"不支持的文件类型“{path.suffix or path.name}”（应为 .xlsx、.xls、.ods、.csv、.yaml 或 .json）",
                ),
            )
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as e:  # noqa: BLE001 - calamine can panic (a BaseException); any failure is one problem
        reader.undo(mark, shown, None)  # a file that failed part-way is read not at all: one problem says so
        reader.unreadable(shown, _wps_hint() if path.suffix.lower() in _WPS_SUFFIXES else _describe_error(e))


# -------------------------------------------------------------------------------------------- spreadsheets


def read_workbook(reader: Any, path: Path, shown: str) -> None:
    """Every worksheet of a workbook (or the one `reader.sheet` names) that has a header."""
    with path.open("rb") as fh:
        magic = fh.read(512)
    if not magic:
        reader.unreadable(shown, _("the file is empty", "文件是空的"))
        return
    is_zip, is_ole = magic[:4] == b"PK\x03\x04", magic[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    if not is_zip and not is_ole:
        if _looks_like_text(magic):
            reader.unreadable(
                shown,
                _(
                    "this is a text file, not a spreadsheet (if it is CSV, name it .csv)",
                    "这是文本文件，不是电子表格（如果是 CSV，请以 .csv 为扩展名）",
                ),
            )
        else:
            reader.unreadable(
                shown, _("not an Excel or OpenDocument spreadsheet", "不是 Excel 或 OpenDocument 电子表格")
            )
        return
    if is_zip:
        refusal = zip_bomb(path)
        if refusal:
            reader.unreadable(shown, refusal)
            return
    if guard.crashed(shown, None):  # opening it killed an earlier attempt of this run (lax.read.guard)
        reader.unreadable(shown, guard.crash_reason(None))
        return
    with guard.watch(shown, None):  # an .xls is parsed whole when it is opened
        with guard.native():
            wb = open_workbook(path)
    try:
        targets = _sheets_to_read(reader, wb, shown)
        if targets is None:
            return
        found = False
        for name in targets:
            found |= _read_worksheet(reader, wb, path, shown, name, is_zip, is_ole)
        if not found and reader.sheet is None:
            reader.problems.append(
                Problem(
                    "no-header",
                    _(
                        f"no sheet has a header row naming the columns (such as 乡镇 and 村名) in its first {HEADER_ROWS} rows",
                        f"没有哪个工作表在前 {HEADER_ROWS} 行中有表头（如“乡镇”“村名”）",
                    ),
                    shown,
                )
            )
    finally:
        wb.close()


def _sheets_to_read(reader: Any, wb: Any, shown: str) -> list[str] | None:
    """The names of the sheets to read: the one asked for (None, with a problem, when there is none such),
    else every worksheet (not chart sheets)."""
    from python_calamine import SheetTypeEnum

    names = list(wb.sheet_names)
    if reader.sheet is None:
        kinds = {m.name: m.typ for m in wb.sheets_metadata}
        return [n for n in names if kinds.get(n, SheetTypeEnum.WorkSheet) == SheetTypeEnum.WorkSheet]
    wanted = reader.sheet
    if wanted not in names:  # forgive case and stray spaces when only one sheet fits
        close = [n for n in names if n.strip().casefold() == wanted.strip().casefold()]
        wanted = close[0] if len(close) == 1 else wanted
    if wanted not in names:
        reader.problems.append(
            Problem(
                "no-sheet",
                _(
                    f"no sheet named '{reader.sheet}' (the sheets are: {', '.join(names)})",
                    f"没有名为“{reader.sheet}”的工作表（现有工作表：{'、'.join(names)}）",
                ),
                shown,
                sheet=reader.sheet,
            )
        )
        return None
    return [wanted]


def _read_worksheet(reader: Any, wb: Any, path: Path, shown: str, name: str, is_zip: bool, is_ole: bool) -> bool:
    """One sheet of an open workbook, read wholly or not at all; False when it has no header (and nothing was
    said about it)."""
    if guard.crashed(shown, name):
        reader.problems.append(Problem("unreadable-file", guard.crash_reason(name), shown, sheet=name))
        return True  # said already: not also "no sheet has a header"
    mark = reader.mark()
    try:
        with guard.watch(shown, name):  # calamine builds the whole sheet here, then rows as we go
            with guard.native():
                # a large xlsx sheet is parsed as two halves on two cores (lax.read.bigsheet)
                # the Excel error cells are looked for on another thread meanwhile (unpacking
                # releases the GIL, as calamine's parse does)
                # (streamed: the first half's rows are read while the second half is still parsed)
                ws = bigsheet.parse_in_two(path, name, inspect=sheet_inspector(path), stream=True) if is_zip else None
                if ws is not None:
                    errors = ws.inspected  # found in the XML bigsheet unpacked anyway
                else:
                    ws, errors = _parse_sheet(wb, path, name, is_zip, is_ole)
            try:
                # (a streamed sheet's second half is still parsed meanwhile: the native call that may die)
                with guard.native() if isinstance(ws, bigsheet.StreamedSheet) else contextlib.nullcontext():
                    found = _read_sheet(reader, ws, shown, name, explicit=reader.sheet is not None, errors=errors)
            except bigsheet.Reread:
                # the second half did not join the first as one parse would have: forget what was read of
                # the sheet and read it the ordinary way, the authority on what the file holds
                ws = None
                reader.undo(mark, shown, name)
                with guard.native():
                    ws, errors = _parse_sheet(wb, path, name, is_zip, is_ole)
                found = _read_sheet(reader, ws, shown, name, explicit=reader.sheet is not None, errors=errors)
            ws = None  # free calamine's copy of this sheet before the next one
            return found
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as e:  # noqa: BLE001 - one damaged sheet costs that sheet, not the workbook
        ws = None
        reader.undo(mark, shown, name)  # a sheet is read wholly or not at all
        reader.problems.append(
            Problem(
                "unreadable-file",
                _(
                    f"sheet '{name}' cannot be read: {_describe_error(e)}",
                    f"无法读取工作表“{name}”：{_describe_error(e)}",
                ),
                shown,
                sheet=name,
            )
        )
        return True  # said already: not also "no sheet has a header"


def _parse_sheet(wb: Any, path: Path, name: str, is_zip: bool, is_ole: bool) -> tuple[Any, Any]:
    """A sheet parsed the ordinary way (one calamine parse), and its Excel error cells."""
    scan = _Background(excel_error_cells, path, name) if is_zip else None
    ws = wb.get_sheet_by_name(name)
    errors = scan.result() if scan is not None else (xls_error_cells(path, name) if is_ole else None)
    return ws, errors


def _read_sheet(
    reader: Any, ws: Any, shown: str, name: str, explicit: bool, errors: dict[tuple[int, int], str] | None = None
) -> bool:
    """Read one sheet; False when it has no recognisable header (a problem only if `explicit`).
    `errors`: the sheet's Excel error cells, (row, column) from 0 -> `#DIV/0!`, which calamine reads as
    blank; they are put back into the rows so that they are reported, never read as blank."""
    start = ws.start
    if start is None:  # an empty sheet
        if explicit:
            reader.no_header(shown, name)
        return False
    start_row, start_col = start
    rows = ws.iter_rows()
    first = next(rows, None)
    if first is None:
        if explicit:
            reader.no_header(shown, name)
        return False
    # python-calamine's iterator yields the empty rows above the used range; skip them.
    if start_row > 0 and first.count("") == len(first):
        for _skipped in itertools.islice(rows, start_row - 1):
            pass
        first = next(rows, None)
        if first is None:
            return False
    reader.total += ws.height or 0
    all_rows: Iterator[list] = itertools.chain((first,), rows)
    if errors:
        all_rows = with_errors(all_rows, start_row + 1, start_col, errors)
    return read_table(reader, all_rows, itertools.count(start_row + 1), start_col, shown, name, explicit)


def _wps_hint() -> str:
    return _(
        "a WPS spreadsheet (.et) that cannot be read as Excel: in WPS, save it as .xlsx and check that copy",
        "这是无法按 Excel 读取的 WPS 表格文件（.et）：请在 WPS 中另存为 .xlsx 文件后再检查",
    )


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
        worst is not None and worst.file_size > (50 << 20) and worst.file_size > ZIP_MAX_RATIO * worst.compress_size
    )
    if not bomb:
        return None
    return _(
        f"the workbook would unpack to {total / (1 << 20):,.0f} MB from {path.stat().st_size / (1 << 20):,.1f} MB "
        f"(a zip bomb?); refused",
        f"工作簿解压后将达 {total / (1 << 20):,.0f} MB（文件仅 {path.stat().st_size / (1 << 20):,.1f} MB，疑为压缩炸弹），已拒绝读取",
    )


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


def decode(raw: bytes, gbk: bool = True) -> str | None:
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


def _describe_error(e: BaseException) -> str:
    """A one-line reason for a file that cannot be read."""
    name = type(e).__name__
    text = " ".join(str(e).split())
    if name == "PasswordError" or "password" in text.lower() or "encrypt" in text.lower():
        return _(
            "the workbook is password-protected or encrypted; save an unprotected copy",
            "工作簿有密码保护或已加密，请另存一份无密码的副本",
        )
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
        return _(
            f"not a readable spreadsheet, or the file is damaged ({text or name})",
            f"不是可读取的电子表格，或文件已损坏（{text or name}）",
        )
    if isinstance(e, csv.Error):
        return _(f"not a readable CSV file ({text})", f"不是可读取的 CSV 文件（{text}）")
    return f"{name}: {text}" if text else name


# -------------------------------------------------------------------------------------------------- CSV


def read_csv(reader: Any, path: Path, shown: str) -> None:
    """A CSV file (UTF-8, UTF-16 with a BOM, or GBK; comma- or tab-separated) as one table."""
    raw = path.read_bytes()
    if not raw.strip():
        reader.unreadable(shown, _("the file is empty", "文件是空的"))
        return
    text = decode(raw)
    if text is None:
        reader.unreadable(
            shown, _("the text is neither UTF-8 nor GBK/GB18030", "文本既不是 UTF-8 也不是 GBK/GB18030 编码")
        )
        return
    del raw
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    parsed = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    spans: list[int] = []  # index of each row that spans more than one line (a quoted line break)
    line = 1
    for row in parsed:
        if parsed.line_num > line:
            spans.append(len(rows))
        rows.append(row)
        lines.append(line)
        line = parsed.line_num + 1
    if spans:
        _csv_quotes(reader, rows, lines, spans, line - 1, shown)
    width = max(map(len, rows), default=0)
    for k, row in enumerate(rows):
        if len(row) < width:
            rows[k] = row + [""] * (width - len(row))
    reader.total += len(rows)
    read_table(reader, iter(rows), iter(lines), 0, shown, None, explicit=True)


def _csv_quotes(
    reader: Any, rows: list[list[str]], lines: list[int], spans: list[int], last_line: int, shown: str
) -> None:
    """Rows whose quoting swallowed line breaks into a cell where none belongs: a `csv-quote` problem at
    the line where the quote opened, naming the lines swallowed, and the row is not read (its cells
    hold the following lines, not its values). A line break may stand in a free-text field (a note);
    in a name or code, or in a field of any other type, it means a quote left open (`"宋三村` swallows
    every line up to the next `"`). Such rows are taken out of `rows`/`lines` in place."""
    found = find_header(rows[:HEADER_ROWS], rows[HEADER_ROWS : HEADER_ROWS + 1], reader.criteria.field_for_header)
    if found is None:
        return  # no header: said by the table reader
    mapping, header_at, data_at, _top = found
    strict = {
        c: f
        for c, f in mapping.items()
        if f in ("township", "village", "code") or reader.fields[reader.index[f]].type != "text"
    }
    drop = []
    for k in spans:
        if k < data_at:
            continue
        row = rows[k]
        start = lines[k]
        end = lines[k + 1] - 1 if k + 1 < len(lines) else last_line
        at = start  # the line each cell starts on
        for c, cell in enumerate(row):
            breaks = len(BREAK_RE.findall(cell))
            if breaks and c in strict:
                f = reader.fields[reader.index[strict[c]]]
                swallowed = end - at
                reader.problems.append(
                    Problem(
                        "csv-quote",
                        _(
                            f"a quote opened in {f.title_en} on line {at} swallows the next {swallowed} line(s) "
                            f"(to line {end}) into one cell: lines {start}-{end} are not read; close or remove the quote",
                            f"第 {at} 行“{f.title_zh}”中的引号未闭合，把其后 {swallowed} 行（至第 {end} 行）并入了一个单元格："
                            f"第 {start}-{end} 行未读取；请补全或删去该引号",
                        ),
                        shown,
                        row=at,
                        column=column_letter(c),
                        field=f.id,
                        value=_show(cell),
                        line=at,
                    )
                )
                drop.append(k)
                break
            at += breaks
    for k in reversed(drop):
        del rows[k], lines[k]
