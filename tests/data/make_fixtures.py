"""How the binary fixtures beside this file were made (run once by hand; not a test, not a dependency).

    pip install --target /tmp/fixture-tools xlwt msoffcrypto-tool
    PYTHONPATH=/tmp/fixture-tools python tests/data/make_fixtures.py

- `legacy.xls`: a township sheet in the old Excel 97-2003 format (BIFF8), written with xlwt: a title row,
  the header on row 2, three villages (numbers, 是/否, a date cell, a percent as 0.85), a 合计 footer.
- `errors.xls`: the same kind of sheet where formulas failed: 群众满意度 `#DIV/0!` in one village, 党员人数
  `#N/A` in another, as Excel 97-2003 stores a failed formula's value (an error cell).
- `encrypted.xlsx`: a workbook protected with the password "lax" (Office "agile" encryption), written
  with openpyxl and encrypted with msoffcrypto-tool.
"""

import datetime as dt
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent


def legacy_xls(path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("排查表")
    ws.write(0, 0, "黄溪镇村级班子情况排查表")
    for c, h in enumerate(["乡镇", "村名", "村代码", "书记空缺月数", "换届完成", "群众满意度", "排查日期"]):
        ws.write(1, c, h)
    date = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    pct = xlwt.easyxf(num_format_str="0%")
    rows = [
        ("黄溪镇", "塔洲村", 360622103201, 0, "是", 0.85, dt.date(2026, 9, 28)),
        ("", "渡口村", 360622103202, 4, "否", 92, dt.date(2026, 9, 29)),
        ("", "坪上村", 360622103203, "三", "是", "70%", "2026/9/30"),
    ]
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row):
            style = date if isinstance(v, dt.date) else pct if (c == 5 and isinstance(v, float)) else None
            ws.write(r, c, v, style) if style is not None else ws.write(r, c, v)
    ws.write(5, 0, "合计")
    ws.write(5, 3, 4)
    wb.save(str(path))


def errors_xls(path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("填表说明")
    ws.write(0, 0, "群众满意度由公式计算")
    ws = wb.add_sheet("排查表")
    ws.write(0, 0, "洪湖乡村级班子情况排查表")
    for c, h in enumerate(["乡镇", "村名", "党员人数", "书记空缺月数", "群众满意度"]):
        ws.write(1, c, h)
    ws.write(2, 0, "洪湖乡")
    ws.write(2, 1, "东阳村")
    ws.write(2, 2, 41)
    ws.write(2, 3, 0)
    ws.row(2).set_cell_error(4, "#DIV/0!")
    ws.write(3, 0, "洪湖乡")
    ws.write(3, 1, "塘桥村")
    ws.row(3).set_cell_error(2, 0x2A)  # #N/A (xlwt knows it by code only)
    ws.write(3, 3, 4)
    ws.write(3, 4, 88)
    wb.save(str(path))


def encrypted_xlsx(path: Path) -> None:
    import openpyxl
    from msoffcrypto.format.ooxml import OOXMLFile

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["乡镇", "村名", "书记空缺月数"])
    ws.append(["邓埠镇", "宋三村", 4])
    plain = io.BytesIO()
    wb.save(plain)
    plain.seek(0)
    f = OOXMLFile(plain)
    with path.open("wb") as out:
        f.encrypt("lax", out)


if __name__ == "__main__":
    legacy_xls(HERE / "legacy.xls")
    errors_xls(HERE / "errors.xls")
    encrypted_xlsx(HERE / "encrypted.xlsx")
