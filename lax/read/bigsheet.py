"""One large xlsx sheet read on two cores: the sheet's rows cut in two, each half parsed by calamine at once.

python-calamine parses a sheet's XML in Rust on one core, and for a 100,000-village sheet that parse is
most of `lax check`'s time (the benchmark measures lax against it). The Rust parse releases the GIL, so two
parses run truly in parallel. `parse_in_two` unpacks the sheet's XML once, cuts its `<sheetData>` at a
`<row r="…">` near the middle, and writes two small uncompressed workbooks, each with every other part of
the original (shared strings, styles, the workbook) and one half of the rows; two threads parse them.
`JoinedSheet` then presents the two halves as the one sheet calamine would have built: the same start, the
same rows (blank rows between the halves put back, columns aligned), yielded the way
`CalamineSheet.iter_rows` yields them.

Anything unusual — a small sheet, an .xls or .ods, prefixed or unnumbered rows, a comment or CDATA in the
rows, rows out of order across the cut, a half calamine cannot parse, a zip member bigger than it declares,
no room for the temporary files — returns None, and the caller reads the sheet the ordinary way, which is
the authority on what the file holds. tests/test_bigsheet.py checks that a
joined sheet yields exactly the rows of the ordinary read.
"""

from __future__ import annotations

import itertools
import re
import shutil
import tempfile
import threading
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

SPLIT_MIN = 24 << 20  # bytes of sheet XML below which one parse is quick enough (~0.4 s)

# When streamed (see `parse_in_two`), the first half is the smaller: its rows are turned into records on one
# core while the other core still parses the second half, and both end about together. With the parse
# taking p and the records q CPU seconds a sheet, and the second half written w seconds after the first,
# the best share is (p + w) / (2p + q): about 0.45 for a township sheet (p 2.3, q 0.8, w 0.15 s of CPU).
STREAM_SHARE = 0.44

_ROW_START = re.compile(rb'<row\s[^>]*?\br="(\d+)"')
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class JoinedSheet:
    """Two parsed halves of one sheet, seen as the sheet (`start`, `height`, `iter_rows` as calamine's)."""

    def __init__(self, first: Any, second: Any):
        self.inspected: Any = None  # what `parse_in_two`'s `inspect` found in the sheet's XML
        self.parts = [p for p in (first, second) if p.start is not None]
        if not self.parts:
            self.start = None
            self.height = 0
            return
        top = self.parts[0].start[0]
        bottom = self.parts[-1].end[0]
        left = min(p.start[1] for p in self.parts)
        right = max(p.end[1] for p in self.parts)
        self.start = (top, left)
        self.end = (bottom, right)
        self.height = bottom - top + 1
        self.width = right - left + 1

    def iter_rows(self) -> Iterator[list]:
        if self.start is None:
            return
        width = self.width
        # calamine's iterator first yields one empty row for each row above the sheet's first used row
        yield from ([""] * width for _ in range(self.start[0]))
        next_row = self.start[0]
        for part in self.parts:
            (top, left), (_bottom, right) = part.start, part.end
            yield from ([""] * width for _ in range(next_row, top))  # blank rows between the halves
            pad_left, pad_right = [""] * (left - self.start[1]), [""] * (self.end[1] - right)
            rows = itertools.islice(part.iter_rows(), top, None)  # past this half's own empty rows above
            if pad_left or pad_right:
                rows = (pad_left + row + pad_right for row in rows)
            yield from rows
            next_row = part.end[0] + 1


class Reread(Exception):
    """A streamed sheet's second half did not join its first as one parse would have (it failed to parse,
    its rows overlap the first half's, or its columns differ): read the sheet the ordinary way."""


class StreamedSheet:
    """A sheet whose first half is parsed and whose second half is still being parsed on another thread.

    `iter_rows` yields exactly what `JoinedSheet.iter_rows` would, the first half's rows at once, the second
    half's when its parse is done; or raises `Reread` at the cut (see there). `height` is an estimate for
    a progress bar until the second half is in (the first half's rows, scaled by its share of the XML)."""

    def __init__(self, first: Any, second: threading.Thread, results: dict[int, Any], share: float):
        self.inspected: Any = None
        self._first, self._second, self._results = first, second, results
        self.start = first.start
        top, bottom = first.start[0], first.end[0]
        self.height = bottom + 1 if share <= 0 else int(top + (bottom - top + 1) / min(share, 1.0))

    def iter_rows(self) -> Iterator[list]:
        first = self._first
        (top, left), (bottom, right) = first.start, first.end
        width = right - left + 1
        # calamine's iterator first yields one empty row for each row above the sheet's first used row
        yield from ([""] * width for _ in range(top))
        yield from itertools.islice(first.iter_rows(), top, None)
        self._first = first = None  # calamine's copy of the first half may go
        self._second.join()
        second = self._results.pop(1, None)
        if second is None:
            raise Reread("the second half did not parse")
        if second.start is None:
            return  # nothing below the cut: the rows are the first half's, as JoinedSheet's would be
        (top2, left2), (_bottom2, right2) = second.start, second.end
        if top2 <= bottom or (left2, right2) != (left, right):
            raise Reread("the second half does not join the first as one parse would")
        self.height = second.end[0] + 1
        yield from ([""] * width for _ in range(bottom + 1, top2))  # blank rows between the halves
        yield from itertools.islice(second.iter_rows(), top2, None)


def parse_in_two(
    path: Path, sheet: str, inspect: Callable[[bytes], Any] | None = None, stream: bool = False
) -> JoinedSheet | StreamedSheet | None:
    """The sheet `sheet` of the .xlsx/.xlsm at `path`, parsed as two halves at once; None to read it as usual.

    With `stream`, returns as soon as the first half is parsed, while the second is still parsed on another
    thread (a `StreamedSheet`): the caller turns the first half's rows into records on one core while the
    other core parses the second half. Its `iter_rows` raises `Reread` at the cut when the second half does
    not join the first as one parse would have; the caller then forgets what it read of the sheet and reads
    it the ordinary way.

    `inspect`, when given, is called with the sheet's unpacked XML and its result kept as `.inspected` on
    the sheet returned: the XML is unpacked here anyway, so a caller that must look into it (lax.read.cells,
    for Excel's error cells) does not unpack 100 MB a second time."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        with zipfile.ZipFile(path) as z:
            if all(info.file_size < SPLIT_MIN for info in z.infolist()):
                return None  # the usual township file: not worth reading the workbook's parts to find out more
            member = _sheet_member(z, sheet)
            if member is None or z.getinfo(member).file_size < SPLIT_MIN:
                return None
            data = _read_member(z, member)
            cut = _cut(data, STREAM_SHARE if stream else 0.5)
            if cut is None:
                return None
            # The caller's look into the XML runs beside the two parses (which free the GIL).
            looked: dict[str, Any] = {}
            # (the XML is passed in, not closed over: `del data` below must not take it from the thread)
            look = (
                threading.Thread(
                    target=lambda xml: looked.update(result=inspect(xml)), args=(data,), name="lax-inspect"
                )
                if inspect is not None
                else None
            )
            workdir = Path(tempfile.mkdtemp(prefix="lax-"))
            try:
                if look is not None:
                    look.start()
                box = [data]
                del data  # (the halves' writer lets go of it once both are written, before its own parse)
                joined = _write_and_parse(z, member, box, cut, workdir, sheet, stream)
                if look is not None:
                    look.join()
                    if "result" not in looked:
                        return None  # the look failed: the ordinary read (and its own look) decides
                if joined is not None:
                    joined.inspected = looked.get("result")
                return joined
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
    except Exception:  # noqa: BLE001 - whatever goes wrong here, the ordinary read is the authority
        return None


def _read_member(z: zipfile.ZipFile, member: str | zipfile.ZipInfo) -> bytes:
    """A zip member, never unpacking more than the size its directory entry declares.

    (`ZipFile.read` inflates up to 1 GB per step before it trims to the declared size, so a member that
    lies about its size costs gigabytes; reading exactly the declared size stops there, and the CRC check
    at that point refuses the lie.)"""
    info = member if isinstance(member, zipfile.ZipInfo) else z.getinfo(member)
    with z.open(info) as fh:
        data = fh.read(info.file_size)
        if len(data) != info.file_size or fh.read(1):
            raise zipfile.BadZipFile(f"{info.filename}: not the size its directory entry declares")
    return data


def _sheet_member(z: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding the named sheet's XML, from xl/workbook.xml and its relationships."""
    try:
        book = _read_member(z, "xl/workbook.xml")
        rels = _read_member(z, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    if b"<!DOCTYPE" in book or b"<!DOCTYPE" in rels or b"<!ENTITY" in book or b"<!ENTITY" in rels:
        return None  # nothing here parses a DTD
    rid = None
    for el in ET.fromstring(book).iter():
        if el.tag.rsplit("}", 1)[-1] == "sheet" and el.get("name") == sheet:
            rid = el.get(_REL_NS)
            break
    if rid is None:
        return None
    for el in ET.fromstring(rels).iter():
        if el.tag.rsplit("}", 1)[-1] == "Relationship" and el.get("Id") == rid:
            target = el.get("Target") or ""
            if el.get("TargetMode") == "External":
                return None
            name = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            return name if name in z.namelist() else None
    return None


def _cut(data: bytes, share: float = 0.5) -> tuple[int, int, int] | None:
    """(end of the <sheetData> start tag, where the second half's first <row> starts, where </sheetData>
    starts), or None when the rows cannot be cut safely as plain text. `share`: about how much of the rows'
    XML goes to the first half."""
    opened = data.find(b"<sheetData")
    if opened < 0:
        return None
    content = data.find(b">", opened) + 1
    closed = data.rfind(b"</sheetData>")
    if content <= 0 or data[content - 2 : content] == b"/>" or closed < content:
        return None
    bang = data.find(b"!", content, closed)  # rare in cell text; any comment or CDATA has one
    while bang >= 0:
        if data[bang - 1 : bang] == b"<":
            return None
        bang = data.find(b"!", bang + 1, closed)
    at = content + int((closed - content) * share)
    for _attempt in range(100):
        at = data.find(b"<row", at, closed)
        if at < 0:
            return None
        match = _ROW_START.match(data, at, min(at + 300, closed))
        if match and data[max(content, at - 64) : at].rstrip().endswith(b"</row>"):
            return content, at, closed
        at += 4
    return None


def _write_half(others: list[tuple[str, bytes]], member: str, parts: list, target: Path) -> None:
    """One half's workbook: every other part of the original, and the sheet's XML made of `parts`."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
        for name, blob in others:
            out.writestr(name, blob)
        with out.open(member, "w", force_zip64=True) as fh:
            for piece in parts:
                fh.write(piece)


def _write_and_parse(
    z: zipfile.ZipFile,
    member: str,
    box: list[bytes],
    cut: tuple[int, int, int],
    workdir: Path,
    sheet: str,
    stream: bool = False,
) -> JoinedSheet | StreamedSheet | None:
    """Write the two halves and parse them, each half on its own thread from its writing to its parse: the
    first half's parse starts as soon as it is written, while the second is still being written (writing
    a half is mostly its CRC and the copy into the file, both outside Python's lock). The sheet's XML in
    `box` is let go as soon as both halves are written."""
    content, at, closed = cut
    data = box.pop()
    view = memoryview(data)
    pieces = [[view[:at], view[closed:]], [view[:content], view[at:]]]
    others = [(info.filename, _read_member(z, info)) for info in z.infolist() if info.filename != member]
    paths = [workdir / "half1.xlsx", workdir / "half2.xlsx"]
    written = [threading.Event(), threading.Event()]
    ok = [False, False]
    results: dict[int, Any] = {}

    def write(k: int) -> None:
        try:
            _write_half(others, member, pieces[k], paths[k])
            ok[k] = True
        except Exception:  # noqa: BLE001 - no room for it: the ordinary read
            pass
        finally:
            pieces[k].clear()
            written[k].set()

    def first() -> None:
        write(0)
        if ok[0]:
            _parse_half(paths, 0, sheet, results)

    other = threading.Thread(target=first, name="lax-first-half")
    other.start()
    try:
        write(1)
        written[0].wait()
    finally:
        view.release()
        del data, view
    if stream and ok[1]:
        # The second half is parsed on a thread of its own, opened (and so off the disk) before this returns
        # and the caller removes the folder; the caller reads the first half's rows meanwhile.
        opened = threading.Event()
        second = threading.Thread(
            target=_parse_half, args=(paths, 1, sheet, results, opened), name="lax-second-half", daemon=True
        )
        second.start()
        opened.wait()
        other.join()
        first_part = results.get(0)
        if first_part is None or first_part.start is None:
            second.join()  # nothing to stream ahead of it: both halves as before
            return _joined(first_part, results.get(1))
        share = (at - content) / max(closed - content, 1)
        return StreamedSheet(first_part, second, results, share)
    if ok[1]:
        _parse_half(
            paths, 1, sheet, results
        )  # here while the first is parsed on the other core (the parse frees the GIL)
    other.join()
    return _joined(results.get(0), results.get(1))


def _parse_half(
    halves: list[Path], k: int, sheet: str, results: dict[int, Any], opened: threading.Event | None = None
) -> None:
    from python_calamine import CalamineWorkbook

    try:
        try:
            wb = CalamineWorkbook.from_path(str(halves[k]))
            # Gone from the folder before the parse that might kill the process (lax.read.guard): the open
            # workbook still reads it, and the system frees it however the process ends.
            halves[k].unlink(missing_ok=True)
        finally:
            if opened is not None:
                opened.set()  # (the folder may go now)
        try:
            results[k] = wb.get_sheet_by_name(sheet)
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - either half failing means: read the sheet the ordinary way
        results[k] = None


def _joined(first: Any, second: Any) -> JoinedSheet | None:
    if first is None or second is None:
        return None
    if first.start is not None and second.start is not None and second.start[0] <= first.end[0]:
        return None  # rows out of order across the cut: only the ordinary read says what calamine makes of it
    return JoinedSheet(first, second)
