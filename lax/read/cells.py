"""The cells python-calamine does not read as a spreadsheet shows them, found in the file itself.

calamine reads an Excel error cell (`#DIV/0!`) as blank (python-calamine issue #105), an .ods error as the
failed formula's stale number, and a number formatted as a percent (150 %) as the bare number (1.5). Read so,
a failed formula would look like a value nobody filled in, or 150 % like 1.5 %. The functions here find those
cells in the sheet's XML (xlsx, ods) or with xlrd (xls), and `with_errors` puts what the cell shows back
into the rows before they are read.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lax.read import bigsheet


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
    ns = root.tag[: -len("styleSheet")] if root.tag.endswith("styleSheet") else ""
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
        styled = re.compile(
            rb' s="(?:' + "|".join(percents).encode() + rb')"(?: t="n")?>'
            rb"(?:<f[^>]*>[^<]*</f>|<f[^>]*/>)?<v>([1-9][^<]*)</v>"
        )
        for m in styled.finditer(data):
            try:
                if float(m.group(1)) <= 1:
                    continue
            except ValueError:
                continue
            start = data.rfind(b"<", 0, m.start())
            ref = _CELL_REF_RE.search(data, start, m.start()) if data[start : start + 3] == b"<c " else None
            if ref:
                out.setdefault(cell_at(ref), PERCENT_CELL)
    return out


def sheet_inspector(path: Path) -> Callable[[bytes], dict[tuple[int, int], Any]]:
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
        if start != -1 and end != -1 and data[end - 1 : end] != b"/":
            tag = data[start:end]
            ref = _CELL_REF_RE.search(tag)
            close = data.find(b"</c>", end)
            value = _CELL_V_RE.search(data, end, close if close != -1 else len(data))
            if ref and value:
                text = value.group(1).decode("utf-8", "replace").strip()
                out[cell_at(ref)] = text if text.startswith("#") else "#" + text
        pos = data.find(b't="e"', pos + 5)
    return out


_CELL_REF_RE = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CELL_V_RE = re.compile(rb"<v>([^<]*)</v>")


def cell_at(ref: re.Match) -> tuple[int, int]:
    """(row, column) from 0 of a cell's `r="AB12"` (a `_CELL_REF_RE` match)."""
    col = 0
    for ch in ref.group(1):
        col = col * 26 + ch - 64
    return int(ref.group(2)) - 1, col - 1


def with_errors(
    rows: Iterator[list], first_num: int, start_col: int, errors: dict[tuple[int, int], str]
) -> Iterator[list]:
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
