"""The streaming .xlsx writer (lax/render/xlsx.py), the print setup of the workbooks lax writes, and the one
formula neutraliser shared by every spreadsheet and CSV writer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from lax.cli import app
from lax.ledger.excel import _unneutralise, neutralise
from lax.render.results import safe_text
from lax.render.xlsx import XlsxWriter, unneutralise

runner = CliRunner()

# Every start a spreadsheet or CSV importer may run as a formula or a DDE call.
HOSTILE = [
    "=1+1",
    "＝1+1",
    "+86 701",
    "＋1",
    "-2+3",
    "－1",
    "@SUM(A1)",
    "＠A1",
    "\t=1",
    "\r=1",
    "|calc!A0",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","点我")',
]
# Those a township's sheet keeps as typed (the reader folds full-width forms and trims whitespace).
TYPED = [h for h in HOSTILE if h.isascii() and h == h.strip()]


def township_sheet(path, villages):
    """A township's 排查表 as it is filled in: title row, Chinese header, one row per village."""
    wb = Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["邓埠镇村级党组织软弱涣散情况排查表"])
    ws.append(["乡镇", "村名", "行政区划代码", "党员人数", "换届完成", "森林火灾次数", "排查日期"])
    for i, (name, fires) in enumerate(villages):
        ws.append(["邓埠镇", name, f"3606221002{i:02d}", 30, "是", fires, dt.date(2026, 9, 24)])
        ws.cell(ws.max_row, 2).data_type = "s"  # typed text, even "=1+1"
    wb.save(path)
    return path


# ------------------------------------------------------------------------------------- the neutraliser


@pytest.mark.parametrize("text", HOSTILE)
def test_one_neutraliser_for_results_and_ledger(text):
    assert neutralise is safe_text  # one function, not two that disagree
    assert safe_text(text) == "'" + text
    assert unneutralise(safe_text(text)) == text and _unneutralise(neutralise(text)) == text
    assert safe_text(safe_text(text)) == safe_text(text)


def test_hostile_village_names_stay_text_in_results_xlsx_and_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = township_sheet(tmp_path / "邓埠镇.xlsx", [(name, 0) for name in TYPED] + [("宋三村", 2)])
    out = tmp_path / "结果.xlsx"
    r = runner.invoke(
        app, ["check", str(src), "--format", "xlsx", "--output", str(out), "--as-of", "2026-09-30", "--lang", "zh"]
    )
    assert r.exit_code == 1, r.output  # 宋三村 is flagged
    ws = openpyxl.load_workbook(out)["结果"]
    names = [ws.cell(row, 2).value for row in range(2, ws.max_row + 1)]
    assert names == ["'" + n for n in TYPED] + ["宋三村"]
    assert all(ws.cell(row, 2).data_type == "s" for row in range(2, ws.max_row + 1))
    with zipfile.ZipFile(out) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()  # no formula anywhere

    r = runner.invoke(
        app,
        [
            "check",
            str(src),
            "--format",
            "csv",
            "--output",
            str(tmp_path / "结果.csv"),
            "--as-of",
            "2026-09-30",
            "--lang",
            "zh",
        ],
    )
    assert r.exit_code == 1, r.output
    rows = list(csv.reader(io.StringIO((tmp_path / "结果.csv").read_text(encoding="utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["'" + n for n in TYPED] + ["宋三村"]


@pytest.mark.parametrize("township", ["＝1+1", "+86", "－1", "@SUM(A1)", "＠A1"])
def test_hostile_township_stays_text_in_ledger_list_csv_and_xlsx(tmp_path, monkeypatch, township):
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["ledger", "open", f"{township}/东阳村", "--criteria", "C12", "--date", "2026-09-30"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["ledger", "list", "--format", "csv", "--as-of", "2026-10-01"])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1].startswith(f"'{township},东阳村,")
    out = tmp_path / "清单.xlsx"
    r = runner.invoke(app, ["ledger", "list", "--format", "xlsx", "--output", str(out), "--as-of", "2026-10-01"])
    assert r.exit_code == 0, r.output
    cell = openpyxl.load_workbook(out).active["A3"]
    assert cell.value == "'" + township and cell.data_type == "s"
    out = tmp_path / "台账.xlsx"
    r = runner.invoke(app, ["ledger", "export", str(out), "--as-of", "2026-12-31"])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out).active
    assert ws.cell(3, 2).value == "'" + township


# ------------------------------------------------------------------------------------------ print setup


def assert_printed_landscape(ws, title_rows):
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == title_rows


def test_results_workbook_prints_landscape_fitted_with_the_header_on_every_page(tmp_path):
    src = township_sheet(tmp_path / "邓埠镇.xlsx", [("宋三村", 2), ("仙台村", 0)])
    out = tmp_path / "结果.xlsx"
    r = runner.invoke(
        app, ["check", str(src), "--format", "xlsx", "--output", str(out), "--as-of", "2026-09-30", "--lang", "zh"]
    )
    assert r.exit_code == 1, r.output  # 宋三村 is flagged
    wb = openpyxl.load_workbook(out)
    ws = wb["结果"]
    assert_printed_landscape(ws, "$1:$1")
    assert ws.freeze_panes == "C2"  # township and village stay in view
    assert_printed_landscape(wb["问题"], "$1:$1")


def test_ledger_export_prints_landscape_fitted_with_the_header_on_every_page(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (
        runner.invoke(app, ["ledger", "open", "邓埠镇/宋三村", "--criteria", "C05", "--date", "2026-03-31"]).exit_code
        == 0
    )
    out = tmp_path / "台账.xlsx"
    r = runner.invoke(app, ["ledger", "export", str(out), "--as-of", "2026-12-31", "--lang", "zh"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert_printed_landscape(ws, "$2:$2")
    assert ws.freeze_panes == "A3"
    assert [str(m) for m in ws.merged_cells.ranges] == [f"A1:{ws.cell(2, ws.max_column).column_letter}1"]
    assert ws["A1"].font.b and ws["A1"].font.sz == 14
    assert ws.cell(3, 3).value == "宋三村" and ws.cell(3, 3).border.left.style == "thin"


# --------------------------------------------------------------------------------------------- the writer


def test_writer_values_read_back_exactly_by_openpyxl_and_calamine(tmp_path):
    path = tmp_path / "x.xlsx"
    values = [
        "宋三村",
        "  前后有空格  ",
        "第一行\n第二行",
        "回车\r\n换行",
        "a&b<c>d\"e'",
        "宋三\x07村",
        "x" * 40000,
        0,
        -3,
        12.5,
        1e16,
        True,
        False,
        dt.date(2026, 9, 30),
        dt.datetime(2026, 9, 30, 8, 30),
        None,
        "",
        float("nan"),
    ]
    with XlsxWriter(path) as book:
        bold = book.style(bold=True, fill="FFC7CE")
        ws = book.sheet("工作表 'one'", widths=[12, 30], freeze="B2")
        ws.row(["值", "说明"])
        for v in values:
            ws.row([v, (v, bold)])
    wb = openpyxl.load_workbook(path)
    ws = wb["工作表 'one'"]
    got = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(2, len(values) + 2)]
    want = []
    for v in values:
        if isinstance(v, str):
            v = v.replace("\x07", "")[:32767] or None
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            v = dt.datetime.combine(v, dt.time())
        if isinstance(v, float) and v != v:
            v = "nan"
        want.append((v, v))
    assert got == want
    assert ws.cell(2, 2).font.b and ws.cell(2, 2).fill.fgColor.rgb == "00FFC7CE"
    assert ws.cell(15, 1).number_format == "yyyy-mm-dd"
    assert ws.cell(15, 2).number_format == "yyyy-mm-dd" and ws.cell(15, 2).fill.fgColor.rgb == "00FFC7CE"
    assert ws.freeze_panes == "B2" and ws.column_dimensions["B"].width == 30
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("工作表 'one'").to_python()
    assert rows[1][0] == "宋三村" and rows[2][0] == "  前后有空格  " and rows[4][0] == "回车\r\n换行"
    assert rows[15][0] == dt.datetime(2026, 9, 30, 8, 30)


def test_writer_failure_half_way_leaves_the_old_file(tmp_path):
    from lax.files import atomic_path

    path = tmp_path / "结果.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(path) as tmp, XlsxWriter(tmp) as book:
            ws = book.sheet("结果")
            ws.row(["邓埠镇"])
            raise RuntimeError("stop")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["结果.xlsx"]
