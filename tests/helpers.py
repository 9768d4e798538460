"""Helpers shared by the test modules (a test module imports from here, never from another test module):
the plain township workbook, hostile workbooks made from it (a zip bomb, a cell in the far corner, a part
rewritten), `lax` in a child process under a memory limit, and writing a ledger file.

The Yujiang county scenario that the report tests share is in `scenario.py`.
"""

from __future__ import annotations

import os
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
GB = 1 << 30


# ---------------------------------------------------------------------------------------------- workbooks


def township_xlsx(path: Path, rows, sheet: str = "排查表") -> Path:
    """A workbook of one sheet (排查表) holding `rows` as given, the header first: a township's plainest return."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def plain_xlsx(path: Path, rows=(("乡镇", "村名", "换届完成"), ("邓埠镇", "宋三村", "否"))) -> Path:
    """One village, 邓埠镇/宋三村, whose election is not completed: the seed of the hostile workbooks."""
    return township_xlsx(path, rows)


def _zip(path: Path, entries: list[tuple[str, bytes, int, int]]) -> None:
    """Write a zip from already-deflated entries: (name, raw deflate data, crc32, uncompressed size)."""
    out, central = bytearray(), bytearray()
    for name, data, crc, size in entries:
        n = name.encode()
        offset = len(out)
        out += (
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21, crc, len(data), size, len(n), 0) + n + data
        )
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0x800,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(n),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + n
        )
    start = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), start, 0)
    path.write_bytes(bytes(out))


def zip_bomb_xlsx(path: Path, megabytes: int, unit: bytes = b" ", declared: int | None = None) -> Path:
    """A real workbook whose sheet XML expands to `megabytes` MB of `unit` inside <sheetData>, in a file
    about a thousand times smaller. Built in a second: one megabyte is deflated once (with a full flush, so
    the block stands alone) and the block repeated; the CRC is computed over the expanded text."""
    src = plain_xlsx(path.with_name("seed.xlsx"))
    chunk = unit * ((1 << 20) // len(unit))
    entries = []
    with zipfile.ZipFile(src) as z:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                c = zlib.compressobj(9, zlib.DEFLATED, -15)
                entries.append((info.filename, c.compress(data) + c.flush(), zlib.crc32(data), len(data)))
                continue
            head, tail = data.split(b"</sheetData>", 1)
            tail = b"</sheetData>" + tail
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            h = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
            block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
            t = c.compress(tail) + c.flush()
            crc = zlib.crc32(head)
            for _ in range(megabytes):
                crc = zlib.crc32(chunk, crc)
            crc = zlib.crc32(tail, crc)
            size = len(head) + len(chunk) * megabytes + len(tail)
            entries.append((info.filename, h + block * megabytes + t, crc, size if declared is None else declared))
    _zip(path, entries)
    return path


def rewritten(src: Path, dst: Path, patch, member: str = "xl/worksheets/sheet1.xml") -> Path:
    """A copy of the workbook `src` at `dst` with one part's bytes passed through `patch`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == member:
                data = patch(data)
            zout.writestr(item.filename, data)
    return dst


def patched_xlsx(path: Path, patch, member: str = "xl/worksheets/sheet1.xml") -> Path:
    """`plain_xlsx` with one part's text passed through `patch`."""
    src = plain_xlsx(path.with_name("seed-" + path.name))
    return rewritten(src, path, lambda data: patch(data.decode("utf-8")).encode("utf-8"), member)


def far_corner_xlsx(path: Path) -> Path:
    """A 6 KB xlsx with one real village and one cell at XFD1048576: calamine would build a dense
    1,048,576 x 16,384 block (550 GB) for it and abort the process."""
    return patched_xlsx(
        path,
        lambda xml: xml.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'),
    )


# ------------------------------------------------------------------------------------------ child processes


def run_bounded(
    args: list[str], cwd: Path, memory: int = GB, timeout: float = 60, **extra_env: str
) -> subprocess.CompletedProcess:
    """`lax ARGS` in a child process that may use at most `memory` bytes of address space."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = {k: v for k, v in os.environ.items() if k not in ("LAX_DEBUG", "LAX_LANG", "LAX_LEDGER")}
    env.update(PYTHONPATH=str(ROOT), LAX_TODAY="2026-10-01", RUST_BACKTRACE="0", **extra_env)
    return subprocess.run(
        [sys.executable, "-m", "lax", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,
        env=env,
    )


# -------------------------------------------------------------------------------------------------- files


def write(folder: Path, name: str, text: str) -> Path:
    """`text` written as `folder/name` (the folder made if need be), e.g. a hand-kept ledger file."""
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p
