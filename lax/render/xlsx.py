"""Spreadsheet text that can never run as a formula, and the streaming .xlsx writer lax's outputs use.

**The neutraliser.** Text from a township's sheet or a ledger file can begin with `=`, `+`, `-` or `@`;
written back unchanged it would run as a formula when the file is opened. `safe_text` is the
one function every writer of a spreadsheet or CSV calls (the check results, the ledger export, `ledger
list --format csv/xlsx`, the blank form); `unneutralise` is its inverse for the ledger import.

**The writer.** An .xlsx file is a zip of XML parts. The big outputs (the results workbook of `lax check
--format xlsx`: 100,000 villages × 48 columns; the ledger export; `ledger list --format xlsx`) need only
a few things of the format: text, numbers, dates and yes/no; a handful of cell styles (bold, size, fill,
thin border, alignment, wrap, number format); column widths; a header row's height; frozen panes; an
autofilter; merged cells; print setup (orientation, fit to page width, rows repeated on every page). This
module writes exactly that, row by row, straight into the zip, so memory stays flat. Compared on this
machine (100,000 villages, see README "Performance"): openpyxl's write-only mode took 23 s for the results
workbook, XlsxWriter (constant_memory) and PyExcelerate about 14 s for the same shape of sheet,
rustpy-xlsxwriter (Rust) 2.4 s but with per-cell styling only through its own record API, a young
single-maintainer project with wheels not for every platform lax runs on; this writer takes about 3 s,
needs nothing beyond the standard library, and works wherever Python does. openpyxl still reads
workbooks and writes the small blank form (`lax form`, which needs data validation and input hints).

Text goes into the shared-strings table: each distinct text is made safe and escaped once (most cells of
a results sheet repeat: 是/否, township names, 符合), and the file is smaller. The XML is compressed in a
second thread: zlib releases the GIL, so on two cores compression costs almost no wall time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import queue
import re
import threading
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lax.read.header import column_letter  # the one column letter (0 → A)

# ------------------------------------------------------------------------------------- the neutraliser

# A cell whose text starts with one of these is read as a formula by Excel, WPS or LibreOffice (the
# full-width forms too, since WPS folds them; `|` starts a DDE call in some importers); a tab or carriage
# return first can smuggle one past a CSV importer.
FORMULA_START = frozenset("=+-@\t\r＝＋－＠|")
_FORMULA_TUPLE = tuple(FORMULA_START)
# Characters an .xlsx file cannot hold (Excel and openpyxl refuse them).
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037\ufffe\uffff]")
EXCEL_MAX_TEXT = 32767


def safe_text(value: Any) -> Any:
    """Text that can never run as a formula: a leading `= + - @ |` (or tab, CR, full-width ＝＋－＠) gets
    a `'` in front. Anything that is not text is returned unchanged. Idempotent: safe text stays as it is."""
    if isinstance(value, str) and value and value[0] in FORMULA_START:
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """The text `safe_text` was given: the quote it added is taken off again (an exported ledger imports
    unchanged); any other text is returned as it is."""
    if text[:1] == "'" and text[1:2] and text[1] in FORMULA_START:
        return text[1:]
    return text


def cell_value(value: Any) -> Any:
    """A value ready for an .xlsx cell: text made safe, stripped of characters Excel cannot store and cut
    to Excel's 32,767-character limit; numbers, dates and booleans unchanged."""
    if isinstance(value, str):
        if _ILLEGAL_XML.search(value):
            value = _ILLEGAL_XML.sub("", value)
        value = safe_text(value)
        return value[:EXCEL_MAX_TEXT] if len(value) > EXCEL_MAX_TEXT else value
    return value


# ----------------------------------------------------------------------------------------- the writer


def _esc(text: str) -> str:
    # A carriage return written as itself would come back as a line feed (XML parsers normalise it).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attr(text: str) -> str:
    return _esc(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


@dataclass(frozen=True)
class Style:
    """A cell style: the few properties lax's workbooks use. `border` is the colour of a thin box."""

    bold: bool = False
    size: float | None = None
    color: str | None = None  # font colour, RRGGBB
    fill: str | None = None  # solid fill, RRGGBB
    border: str | None = None
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False
    num_fmt: str | None = None


DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_ORDINAL = dt.date(1899, 12, 30).toordinal()


def _serial(value: dt.date) -> str:
    """An Excel date serial (1900 system) as XML text."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        delta = value - _EPOCH
        return repr(delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6)
    return str(value.toordinal() - _EPOCH_ORDINAL)


class XlsxWriter:
    """One workbook written to `path`: `sheet(...)`, then rows with `Sheet.row`, then `close()`.

    Sheets are written one after the other (a new `sheet()` finishes the previous one). Use as a context
    manager; on an error the partial file is left for the caller (lax writes to a temporary file, see
    `lax.files.atomic_path`) to remove.
    """

    def __init__(self, path: str | os.PathLike, *, compresslevel: int = 1) -> None:
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._strings: dict[str, int] = {}
        self._string_xml: list[str] = []
        self._styles: dict[Style, int] = {Style(): 0}
        self._formatted: dict[tuple[int, str], int] = {}
        self._sheets: list[Sheet] = []
        self._current: Sheet | None = None
        self.creator = "lax"

    def __enter__(self) -> XlsxWriter:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    # -- styles and strings

    def style(self, style: Style | None = None, **kw: Any) -> int:
        """The index of a cell style (`Style(...)` or its fields as keywords); 0 is the default."""
        st = style if style is not None else Style(**kw)
        sid = self._styles.get(st)
        if sid is None:
            sid = self._styles[st] = len(self._styles)
        return sid

    def with_format(self, sid: int, num_fmt: str) -> int:
        """The style `sid` with a number format (for a date in a filled cell), unless it has one already."""
        out = self._formatted.get((sid, num_fmt))
        if out is None:
            from dataclasses import replace

            st = self._style_list()[sid]
            out = self._formatted[(sid, num_fmt)] = sid if st.num_fmt else self.style(replace(st, num_fmt=num_fmt))
        return out

    def _style_list(self) -> list[Style]:
        out: list[Style] = [Style()] * len(self._styles)
        for st, i in self._styles.items():
            out[i] = st
        return out

    def string(self, text: str) -> int:
        """The shared-string index of `text` (made safe, see `cell_value`)."""
        idx = self._strings.get(text)
        if idx is None:
            value = cell_value(text)
            idx = self._strings[text] = len(self._string_xml)
            space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
            self._string_xml.append(f"<si><t{space}>{_esc(value)}</t></si>")
        return idx

    # -- sheets

    def sheet(
        self,
        name: str,
        *,
        widths: Sequence[float] = (),
        freeze: str | None = None,
        landscape: bool | None = None,
        fit_width: bool = False,
        print_rows: str | None = None,
        heights: dict[int, float] | None = None,
    ) -> Sheet:
        """Start a sheet. `freeze` is the first scrollable cell (`C2` keeps rows above 2 and columns A-B in
        view); `print_rows` the rows repeated on every printed page (`1:1`); `heights` row heights by
        row number (for rows written later)."""
        if self._current is not None:
            self._current._finish()
        sh = Sheet(self, name, len(self._sheets) + 1, widths, freeze, landscape, fit_width, print_rows, heights or {})
        self._sheets.append(sh)
        self._current = sh
        return sh

    def close(self) -> None:
        if self._current is not None:
            self._current._finish()
            self._current = None
        z = self._zip
        n = len(self._sheets)
        z.writestr("[Content_Types].xml", _content_types(n))
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("docProps/app.xml", _APP)
        z.writestr("docProps/core.xml", _core(self.creator))
        z.writestr("xl/workbook.xml", self._workbook_xml())
        z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(n))
        z.writestr("xl/styles.xml", _styles_xml(self._style_list()))
        with z.open("xl/sharedStrings.xml", "w") as f:
            count = len(self._string_xml)
            f.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_NS}" count="{count}" '
                f'uniqueCount="{count}">'.encode()
            )
            for i in range(0, count, 4096):
                f.write("".join(self._string_xml[i : i + 4096]).encode("utf-8", "replace"))
            f.write(b"</sst>")
        z.close()

    def abort(self) -> None:
        """Stop after an error: the zip is closed, whatever state it is in (the caller removes the file)."""
        with contextlib.suppress(Exception):
            if self._current is not None:
                self._current._abort()
        with contextlib.suppress(Exception):
            self._zip.close()

    def _workbook_xml(self) -> str:
        names = []
        sheets = []
        for i, sh in enumerate(self._sheets):
            quoted = "'" + sh.name.replace("'", "''") + "'"
            if sh.filter_ref:
                a, b = sh.filter_ref.split(":")
                ref = "$" + re.sub(r"(\d+)", r"$\1", a) + ":$" + re.sub(r"(\d+)", r"$\1", b)
                names.append(
                    f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                    f"{_esc(quoted)}!{ref}</definedName>"
                )
            if sh.print_rows:
                top, bottom = sh.print_rows.split(":")
                names.append(
                    f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                    f"{_esc(quoted)}!${top}:${bottom}</definedName>"
                )
            sheets.append(f'<sheet name="{_attr(sh.name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>')
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_NS}" '
            f'xmlns:r="{_NS_R}"><workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{''.join(sheets)}</sheets>{defined}</workbook>"
        )


class Sheet:
    """One worksheet being written: rows in order with `row`, merged ranges with `merge`, an autofilter with
    `autofilter`. Cells are values (str, int, float, bool, date, datetime, None) or `(value, style)` pairs."""

    def __init__(
        self,
        book: XlsxWriter,
        name: str,
        number: int,
        widths: Sequence[float],
        freeze: str | None,
        landscape: bool | None,
        fit_width: bool,
        print_rows: str | None,
        heights: dict[int, float],
    ) -> None:
        self.book = book
        self.name = name
        self.rows = 0
        self.filter_ref: str | None = None
        self.print_rows = print_rows
        self._merges: list[str] = []
        self._heights = heights
        self._landscape = landscape
        self._fit_width = fit_width
        self._refs = [f'<c r="{column_letter(i)}' for i in range(max(len(widths), 64))]
        self._serials: dict[dt.date, str] = {}
        self._style_attr: dict[int, str] = {}
        self._date_style = book.style(num_fmt=DATE_FORMAT)
        self._datetime_style = book.style(num_fmt=DATETIME_FORMAT)
        self._out = _Stream(book._zip, f"xl/worksheets/sheet{number}.xml")
        pr = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if fit_width else ""
        selected = ' tabSelected="1"' if number == 1 else ""
        view = f'<sheetView{selected} workbookViewId="0"'
        if freeze and freeze != "A1":
            col, row = _split_ref(freeze)
            xs, ys = col - 1, row - 1
            pane = "bottomRight" if xs and ys else "bottomLeft" if ys else "topRight"
            split = (f' xSplit="{xs}"' if xs else "") + (f' ySplit="{ys}"' if ys else "")
            view += (
                f'><pane{split} topLeftCell="{freeze}" activePane="{pane}" state="frozen"/>'
                f'<selection pane="{pane}" activeCell="{freeze}" sqref="{freeze}"/></sheetView>'
            )
        else:
            view += "/>"
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>' for i, w in enumerate(widths, 1) if w
        )
        self._out.write(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}" '
            f'xmlns:r="{_NS_R}">{pr}<sheetViews>{view}</sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}<sheetData>'
        )

    def row(self, cells: Iterable[Any], height: float | None = None) -> None:
        """Append one row. (The hot loop of a 100,000-village workbook: one branch per cell, the common
        kinds first, each distinct text looked up once in the shared strings.)"""
        if cells.__class__ is not list:
            cells = list(cells)
        refs = self._refs
        if len(cells) > len(refs):
            refs.extend(f'<c r="{column_letter(k)}' for k in range(len(refs), len(cells)))
        self.rows = r = self.rows + 1
        rs = str(r)
        strings = self.book._strings
        string = self.book.string
        h = height if height is not None else self._heights.get(r) if self._heights else None
        parts = [f'<row r="{rs}" ht="{h:g}" customHeight="1">' if h else f'<row r="{rs}">']
        add = parts.append
        styled = self._style_attr
        for ref, v in zip(refs, cells):
            cls = v.__class__
            if cls is tuple:  # (value, style): a highlighted cell
                v, sid = v
                cls = v.__class__
                s = styled.get(sid)
                if s is None:
                    s = styled[sid] = f'" s="{sid}"' if sid else '"'
                if v is None or (cls is str and not v):
                    if sid:
                        add(f"{ref}{rs}{s}/>")
                    continue
            else:
                sid = 0
                s = '"'
            if cls is str:
                if v:  # an empty text is an empty cell
                    idx = strings.get(v)
                    if idx is None:
                        idx = string(v)
                    add(f'{ref}{rs}{s} t="s"><v>{idx}</v></c>')
            elif v is None:
                pass
            elif cls is float:
                text = repr(v)
                if text[-1] > "9":  # nan, inf: no number in Excel; shown as the text
                    add(f'{ref}{rs}{s} t="s"><v>{string(text)}</v></c>')
                else:
                    add(f"{ref}{rs}{s}><v>{text}</v></c>")
            else:
                add(self._other(ref, rs, v, sid))
        add("</row>")
        self._out.write("".join(parts))

    def _other(self, ref: str, rs: str, v: Any, sid: int) -> str:
        """A cell that is not plain text or a float: a whole number, yes/no, a date, anything else as text."""
        s = f' s="{sid}"' if sid else ""
        cls = v.__class__
        if cls is int:
            return f'{ref}{rs}"{s}><v>{v}</v></c>'
        if cls is bool:
            return f'{ref}{rs}"{s} t="b"><v>{int(v)}</v></c>'
        if cls is float:
            text = repr(v)
            if text[-1] > "9":
                return f'{ref}{rs}"{s} t="s"><v>{self.book.string(text)}</v></c>'
            return f'{ref}{rs}"{s}><v>{text}</v></c>'
        if isinstance(v, dt.date):
            fmt = DATETIME_FORMAT if isinstance(v, dt.datetime) else DATE_FORMAT
            sid = (
                self.book.with_format(sid, fmt)
                if sid
                else (self._datetime_style if fmt is DATETIME_FORMAT else self._date_style)
            )
            serial = self._serials.get(v)
            if serial is None:
                serial = self._serials[v] = _serial(v)
            return f'{ref}{rs}" s="{sid}"><v>{serial}</v></c>'
        if isinstance(v, bool):
            return self._other(ref, rs, bool(v), sid)
        if isinstance(v, (int, float)):  # a subclass: an IntEnum, numpy
            return self._other(ref, rs, int(v) if isinstance(v, int) else float(v), sid)
        text = str(v)
        return f'{ref}{rs}"{s} t="s"><v>{self.book.string(text)}</v></c>'

    def merge(self, ref: str) -> None:
        """Merge a range such as `A1:Q1`."""
        self._merges.append(ref)

    def autofilter(self, ref: str) -> None:
        """An autofilter over `ref` (`A1:AV7`)."""
        self.filter_ref = ref

    def _finish(self) -> None:
        tail = ["</sheetData>"]
        if self.filter_ref:
            tail.append(f'<autoFilter ref="{self.filter_ref}"/>')
        if self._merges:
            tail.append(
                f'<mergeCells count="{len(self._merges)}">'
                + "".join(f'<mergeCell ref="{m}"/>' for m in self._merges)
                + "</mergeCells>"
            )
        tail.append('<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
        setup = []
        if self._landscape is not None:
            setup.append(f'orientation="{"landscape" if self._landscape else "portrait"}"')
        if self._fit_width:
            setup.append('fitToWidth="1" fitToHeight="0"')
        if setup:
            tail.append(f'<pageSetup paperSize="9" {" ".join(setup)}/>')
        tail.append("</worksheet>")
        self._out.write("".join(tail))
        self._out.close()

    def _abort(self) -> None:
        self._out.close()


def _split_ref(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)([0-9]+)", ref)
    if not m:
        raise ValueError(ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return col, int(m.group(2))


class _Stream:
    """A zip member written in a second thread: the caller hands over text in pieces, a thread encodes and
    compresses it (zlib releases the GIL there), so making the XML and compressing it overlap."""

    _BATCH = 256

    def __init__(self, z: zipfile.ZipFile, name: str) -> None:
        self._handle = z.open(name, "w")
        self._pending: list[str] = []
        self._queue: queue.Queue[list[str] | None] = queue.Queue(maxsize=8)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlsx-deflate", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        handle = self._handle
        while True:
            batch = self._queue.get()
            if batch is None:
                return
            if self._error is None:
                try:
                    handle.write("".join(batch).encode("utf-8", "replace"))
                except BaseException as e:  # noqa: BLE001 - handed to the writing thread
                    self._error = e

    def write(self, text: str) -> None:
        pending = self._pending
        pending.append(text)
        if len(pending) >= self._BATCH:
            if self._error is not None:
                raise self._error
            self._queue.put(pending)
            self._pending = []

    def close(self) -> None:
        if self._pending:
            self._queue.put(self._pending)
            self._pending = []
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        self._handle.close()


# ----------------------------------------------------------------------------------------- fixed parts

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/></Relationships>'
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>lax</Application></Properties>"
)


def _core(creator: str) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{_esc(creator)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>'
    )


def _content_types(n: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook_rels(n: int) -> str:
    rels = [
        f'<Relationship Id="rId{i}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    ]
    rels.append(
        f'<Relationship Id="rId{n + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    )
    rels.append(
        f'<Relationship Id="rId{n + 2}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels)
        + "</Relationships>"
    )


def _styles_xml(styles: list[Style]) -> str:
    fonts: dict[tuple, int] = {(False, None, None): 0}
    fills: dict[str | None, int] = {None: 0, "gray125": 1}
    borders: dict[str | None, int] = {None: 0}
    formats: dict[str, int] = {}
    xfs = []
    for st in styles:
        font = fonts.setdefault((st.bold, st.size, st.color), len(fonts))
        fill = fills.setdefault(st.fill, len(fills))
        border = borders.setdefault(st.border, len(borders))
        fmt = 0
        if st.num_fmt == "@":
            fmt = 49
        elif st.num_fmt:
            fmt = formats.setdefault(st.num_fmt, 164 + len(formats))
        attrs = (
            f'numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
            + (' applyNumberFormat="1"' if fmt else "")
            + (' applyFont="1"' if font else "")
            + (' applyFill="1"' if fill else "")
            + (' applyBorder="1"' if border else "")
        )
        align = ""
        if st.horizontal or st.vertical or st.wrap:
            align = (
                "<alignment"
                + (f' horizontal="{st.horizontal}"' if st.horizontal else "")
                + (f' vertical="{st.vertical}"' if st.vertical else "")
                + (' wrapText="1"' if st.wrap else "")
                + "/>"
            )
            attrs += ' applyAlignment="1"'
        xfs.append(f"<xf {attrs}>{align}</xf>" if align else f"<xf {attrs}/>")
    num_fmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>' for code, i in formats.items())
    # The default font in full; the others say only what differs, as openpyxl wrote them before.
    font_xml = ['<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>']  # no theme part to refer to
    for bold, size, color in list(fonts)[1:]:
        font_xml.append(
            "<font>"
            + ("<b/>" if bold else "")
            + (f'<sz val="{size:g}"/>' if size else "")
            + (f'<color rgb="00{color}"/>' if color else "")
            + "</font>"
        )
    fill_xml = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>']
    for color in list(fills)[2:]:
        fill_xml.append(
            f'<fill><patternFill patternType="solid"><fgColor rgb="00{color}"/>'
            f'<bgColor rgb="00{color}"/></patternFill></fill>'
        )
    border_xml = ["<border><left/><right/><top/><bottom/><diagonal/></border>"]
    for color in list(borders)[1:]:
        side = f'style="thin"><color rgb="00{color}"/>'
        border_xml.append(
            f"<border><left {side}</left><right {side}</right><top {side}</top>"
            f"<bottom {side}</bottom><diagonal/></border>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{_NS}">'
        + (f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>' if formats else "")
        + f'<fonts count="{len(font_xml)}">{"".join(font_xml)}</fonts>'
        f'<fills count="{len(fill_xml)}">{"".join(fill_xml)}</fills>'
        f'<borders count="{len(border_xml)}">{"".join(border_xml)}</borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
