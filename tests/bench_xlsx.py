"""Benchmark of .xlsx writers on the shape of lax's results sheet; not part of the unit tests.

Writes N rows × 48 columns (Chinese text, numbers, a date, 是/否), every tenth row filled light red with
two cells orange and bold, a bold filled header, frozen panes and an autofilter, with each writer that
is installed, one after the other in this process, and prints wall and CPU seconds. This is how the
writer of `lax.render.xlsx` was chosen (see README "Performance").

    python tests/bench_xlsx.py                  # 100,000 rows
    python tests/bench_xlsx.py --rows 20000 --only lax openpyxl
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

COLS = 48
HEADER = [f"列{i} 标题" for i in range(COLS)]
RED, ORANGE, BLUE = "FFC7CE", "F4B084", "D9E1F2"


def rows(n: int):
    towns = ["邓埠镇", "黄溪镇", "洪湖乡", "春涛乡"]
    for i in range(n):
        row: list = [towns[i % 4], f"宋三{i}村", float(360622000000 + i)]
        row += [float(i % 7) for _ in range(20)]
        row += ["是" if i % 3 else "否" for _ in range(3)]
        row.append(dt.date(2026, 9, 1 + i % 30))
        row += ["符合" if i % 10 == 0 and k < 2 else None for k in range(15)]
        row += [
            "是" if i % 10 == 0 else "否",
            "C01、C02" if i % 10 == 0 else "",
            None,
            None,
            "big.xlsx",
            "排查表",
            i + 4,
        ]
        yield i % 10 == 0, row[:COLS]


def w_lax(path: Path, n: int) -> None:
    from lax.render.xlsx import XlsxWriter

    with XlsxWriter(path) as book:
        head = book.style(bold=True, fill=BLUE)
        red, orange = book.style(fill=RED), book.style(fill=ORANGE, bold=True)
        ws = book.sheet("结果", widths=[12] * COLS, freeze="C2")
        ws.row([(h, head) for h in HEADER])
        for flagged, row in rows(n):
            if flagged:
                row = [(x, orange if k in (5, 26) else red) for k, x in enumerate(row)]
            ws.row(row)
        ws.autofilter(f"A1:AV{n + 1}")


def w_openpyxl(path: Path, n: int) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("结果")
    ws.freeze_panes = "C2"
    red, orange = PatternFill("solid", start_color=RED), PatternFill("solid", start_color=ORANGE)
    bold = Font(bold=True)
    head = []
    for h in HEADER:
        c = WriteOnlyCell(ws, h)
        c.font, c.fill = bold, PatternFill("solid", start_color=BLUE)
        head.append(c)
    ws.append(head)
    for flagged, row in rows(n):
        if flagged:
            cells = []
            for k, x in enumerate(row):
                c = WriteOnlyCell(ws, x)
                c.fill = orange if k in (5, 26) else red
                if k in (5, 26):
                    c.font = bold
                cells.append(c)
            row = cells
        ws.append(row)
    ws.auto_filter.ref = f"A1:AV{n + 1}"
    wb.save(path)


def w_xlsxwriter(path: Path, n: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("结果")
    head = wb.add_format({"bold": True, "bg_color": "#" + BLUE})
    red, orange = wb.add_format({"bg_color": "#" + RED}), wb.add_format({"bg_color": "#" + ORANGE, "bold": True})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.freeze_panes(1, 2)
    ws.write_row(0, 0, HEADER, head)
    for r, (flagged, row) in enumerate(rows(n), 1):
        for k, x in enumerate(row):
            fmt = (orange if k in (5, 26) else red) if flagged else (date if isinstance(x, dt.date) else None)
            if x is None:
                if fmt is not None:
                    ws.write_blank(r, k, None, fmt)
            elif isinstance(x, dt.date):
                ws.write_datetime(r, k, x, fmt)
            else:
                ws.write(r, k, x, fmt)
    ws.autofilter(0, 0, n, COLS - 1)
    wb.close()


def w_pyexcelerate(path: Path, n: int) -> None:
    from pyexcelerate import Color, Fill, Font, Style, Workbook

    wb = Workbook()
    data = [HEADER] + [row for _, row in rows(n)]
    ws = wb.new_sheet("结果", data=data)
    red, orange = (
        Style(fill=Fill(background=Color(255, 199, 206))),
        Style(fill=Fill(background=Color(244, 176, 132)), font=Font(bold=True)),
    )
    ws.set_row_style(1, Style(font=Font(bold=True), fill=Fill(background=Color(217, 225, 242))))
    for r, (flagged, _row) in enumerate(rows(n), 2):
        if flagged:
            for k in range(1, COLS + 1):
                ws.set_cell_style(r, k, orange if k in (6, 27) else red)
    wb.save(str(path))


def w_rustpy(path: Path, n: int) -> None:
    # Per-cell fills are not in its API (row formats and conditional formats only): the whole flagged row
    # gets one fill here, so it does less than the others.
    from rustpy_xlsxwriter import FastExcel, Format

    red = Format().set_background_color("#" + RED)
    data, formats = [], {}
    for r, (flagged, row) in enumerate(rows(n), 1):
        data.append({h: x for h, x in zip(HEADER, row)})
        if flagged:
            formats[r] = red
    FastExcel(str(path)).freeze(row=1, col=2).sheet("结果", data, row_formats=formats, autofilter=True).save()


WRITERS = {
    "lax": w_lax,
    "openpyxl": w_openpyxl,
    "xlsxwriter": w_xlsxwriter,
    "pyexcelerate": w_pyexcelerate,
    "rustpy-xlsxwriter": w_rustpy,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", nargs="*", default=list(WRITERS))
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="lax-xlsx-bench-"))
    print(f"rows: {args.rows:,} × {COLS} columns   python {sys.version.split()[0]}   (machine may be shared)")
    for name in args.only:
        path = out / f"{name}.xlsx"
        t, c = time.perf_counter(), time.process_time()
        try:
            WRITERS[name](path, args.rows)
        except ImportError as e:
            print(f"{name:18s} not installed ({e})")
            continue
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        print(f"{name:18s} {wall:6.2f} s wall  {cpu:6.2f} s CPU  {path.stat().st_size / 1e6:6.1f} MB", flush=True)
        os.unlink(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
