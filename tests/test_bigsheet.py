"""A large sheet read as two halves on two cores (lax/read/bigsheet.py) yields exactly the ordinary read's rows.

`SPLIT_MIN` is lowered to 0 here so small workbooks built with openpyxl take the two-halves path.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from helpers import rewritten
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples
from python_calamine import CalamineWorkbook

from lax.criteria import load_criteria
from lax.read import bigsheet
from lax.read.records import read_records

ROOT = Path(__file__).resolve().parent.parent
CRIT = load_criteria(ROOT / "criteria.yaml")


@pytest.fixture(autouse=True)
def split_everything(monkeypatch):
    monkeypatch.setattr(bigsheet, "SPLIT_MIN", 0)


def ordinary(path: Path, sheet: str) -> tuple[tuple | None, int, list[list]]:
    ws = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet)
    return ws.start, ws.height, list(ws.iter_rows())


def joined(path: Path, sheet: str) -> tuple[tuple | None, int, list[list]]:
    ws = bigsheet.parse_in_two(path, sheet)
    assert ws is not None, "expected the two-halves path"
    return ws.start, ws.height, list(ws.iter_rows())


def save(path: Path, grid: dict[tuple[int, int], object], title: str = "排查表") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for (r, c), v in grid.items():
        ws.cell(row=r, column=c, value=v)
    wb.save(path)
    return path


values = st.one_of(
    st.sampled_from(["邓埠镇", "宋三村", "是", "否", "", " ", "合计", "=SUM(A1)", "东阳村\n二组"]),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=6),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
)
grids = st.dictionaries(st.tuples(st.integers(1, 60), st.integers(1, 9)), values, min_size=2, max_size=120)


@examples(30)
@given(grid=grids)
def test_two_halves_yield_the_ordinary_rows(tmp_path, grid):
    path = save(tmp_path / "random.xlsx", grid)
    ws = bigsheet.parse_in_two(path, "排查表")
    if ws is None:  # too few rows to leave any after the middle of the XML
        assert len({r for r, _c in grid}) < 4
        return
    assert (ws.start, ws.height, list(ws.iter_rows())) == ordinary(path, "排查表")


@pytest.mark.parametrize(
    "name, grid",
    [
        # the first half's rows start further left (a title in column A) than the second half's
        ("narrow second half", {(1, 1): "余江区排查表", **{(r, 3): f"村{r}" for r in range(3, 40)}}),
        # the second half reaches further right, and further left
        (
            "wide second half",
            {**{(r, 3): f"村{r}" for r in range(1, 20)}, **{(r, 1): r for r in range(20, 40)}, (39, 12): "备注"},
        ),
        # blank rows where the cut falls: they are put back
        (
            "blank rows at the cut",
            {**{(r, 1): f"村{r}" for r in range(1, 10)}, **{(r, 1): f"村{r}" for r in range(30, 34)}},
        ),
        # empty rows above the first used row
        ("rows above", {(r, 2): r * 1.5 for r in range(7, 30)}),
    ],
)
def test_awkward_shapes_yield_the_ordinary_rows(tmp_path, name, grid):
    path = save(tmp_path / "awkward.xlsx", grid)
    assert joined(path, "排查表") == ordinary(path, "排查表"), name


def township_workbook(path: Path, villages: int) -> Path:
    """Shaped like a township's return: two title rows, a two-row header, the township merged down, a footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["余江区村级党组织软弱涣散排查表"])
    ws.append(["填报单位：邓埠镇党委", None, None, "日期：2026年9月30日"])
    ws.append(["乡镇", "村名", "书记空缺月数", "信访情况", None, "换届完成", "群众满意度"])
    ws.append([None, None, None, "集体访", "越级访", None, None])
    for k in range(villages):
        ws.append(
            [
                "邓埠镇" if k % 50 == 0 else None,
                f"第{k}村",
                k % 9,
                k % 4,
                "二" if k == 777 else k % 3,
                "否" if k % 11 == 0 else "是",
                f"{60 + k % 40}%",
            ]
        )
    ws.append(["合计", None, None, None, None, None, None])
    ws.append(["填表人：张三"])
    ws.merge_cells("A5:A54")
    wb.save(path)
    return path


def test_a_township_return_reads_the_same_records_and_problems(tmp_path, monkeypatch):
    path = township_workbook(tmp_path / "邓埠镇.xlsx", 1200)
    split_records, split_problems = read_records([path], CRIT)
    monkeypatch.setattr(bigsheet, "SPLIT_MIN", 1 << 60)
    plain_records, plain_problems = read_records([path], CRIT)
    assert len(plain_records) == 1200
    assert [(r.values, r.row) for r in split_records] == [(r.values, r.row) for r in plain_records]
    assert [str(p) for p in split_problems] == [str(p) for p in plain_problems]
    assert any(p.row == 782 and p.column == "E" for p in plain_problems)  # 越级访 "二" on its own row


def test_the_temporary_halves_are_removed(tmp_path, monkeypatch):
    path = township_workbook(tmp_path / "邓埠镇.xlsx", 100)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    assert bigsheet.parse_in_two(path, "排查表") is not None
    assert list(scratch.iterdir()) == []


# ----------------------------------------------------------------------------- when it reads as usual


def test_a_small_sheet_is_read_as_usual(tmp_path, monkeypatch):
    monkeypatch.setattr(bigsheet, "SPLIT_MIN", 24 << 20)
    assert bigsheet.parse_in_two(township_workbook(tmp_path / "t.xlsx", 100), "排查表") is None


def last_row_before_cut_renumbered(xml: bytes, number: int) -> bytes:
    """The first half ends with row `number`, below where the second half begins."""
    _content, at, _closed = bigsheet._cut(xml)
    start = xml.rindex(b"<row ", 0, at)
    old = re.match(rb'<row r="(\d+)"', xml[start:]).group(1)
    row = xml[start:at].replace(b'r="' + old + b'"', b'r="%d"' % number).replace(b'"A' + old + b'"', b'"A%d"' % number)
    return xml[:start] + row + xml[at:]


@pytest.mark.parametrize(
    "why, patch",
    [
        ("rows without numbers", lambda x: re.sub(rb'<row r="\d+"', b"<row", x)),
        ("a comment among the rows", lambda x: x.replace(b'<row r="30"', b'<!-- <row r="1"> --><row r="30"', 1)),
        ("CDATA among the rows", lambda x: x.replace(b"<t>", b"<t><![CDATA[x]]>", 1)),
        (
            "prefixed elements",
            lambda x: x.replace(b"<sheetData>", b'<x:sheetData xmlns:x="urn:x">').replace(
                b"</sheetData>", b"</x:sheetData>"
            ),
        ),
        ("rows out of order across the cut", lambda x: last_row_before_cut_renumbered(x, 95)),
        ("a damaged second half", lambda x: x.replace(b'<row r="80"', b'<row r="80"><c r="A80"><v>1</v>', 1)),
    ],
)
def test_unusual_xml_is_read_as_usual(tmp_path, why, patch):
    src = save(tmp_path / "src.xlsx", {(r, 1): f"村{r}" for r in range(1, 100)})
    path = rewritten(src, tmp_path / "odd.xlsx", patch)
    assert bigsheet.parse_in_two(path, "排查表") is None, why


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".csv"])
def test_other_formats_are_read_as_usual(tmp_path, suffix):
    path = tmp_path / f"t{suffix}"
    path.write_bytes(b"not read at all")
    assert bigsheet.parse_in_two(path, "排查表") is None


def test_an_unknown_sheet_is_left_to_the_ordinary_read(tmp_path):
    path = township_workbook(tmp_path / "t.xlsx", 100)
    assert bigsheet.parse_in_two(path, "附表") is None


def shared_strings_xlsx(path: Path, rows: list[list[object]]) -> Path:
    """An xlsx written as Excel and WPS write them: text in sharedStrings.xml, cells pointing at it (t="s")."""
    strings: dict[str, int] = {}
    body = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{'ABCDEFGH'[c]}{r}"
            if isinstance(v, str):
                k = strings.setdefault(v, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{k}</v></c>')
            elif v is not None:
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sst = "".join(f"<si><t>{s}</t></si>" for s in strings)
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        '<sheet name="排查表" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
        f'Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>',
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">{sst}</sst>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'
        f"{''.join(body)}</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return path


def test_shared_strings_and_an_absolute_sheet_path_read_the_same(tmp_path):
    rows = [["乡镇", "村名", "换届完成", "书记空缺月数"]]
    rows += [[["邓埠镇", "黄溪镇", "洪湖乡"][k % 3], f"第{k}村", ["是", "否"][k % 2], k % 7] for k in range(300)]
    path = shared_strings_xlsx(tmp_path / "excel.xlsx", rows)
    got = joined(path, "排查表")
    assert got == ordinary(path, "排查表")
    assert got[2][150][:2] == ["洪湖乡", "第149村"]


def test_a_sheet_that_lies_about_its_size_is_not_unpacked_past_the_lie(tmp_path):
    import tracemalloc

    from helpers import zip_bomb_xlsx

    # The directory says 32 MB; the data inflates to 3 GB. The ordinary read then refuses the file.
    bomb = zip_bomb_xlsx(tmp_path / "liar.xlsx", 3000, declared=32 << 20)
    tracemalloc.start()
    try:
        assert bigsheet.parse_in_two(bomb, "排查表") is None
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 << 20, f"{peak / (1 << 20):.0f} MB"


def test_the_halves_are_off_the_disk_before_the_parse_that_might_kill_the_process(tmp_path, monkeypatch):
    import python_calamine

    path = township_workbook(tmp_path / "邓埠镇.xlsx", 200)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    seen = []

    class Watching:
        def __init__(self, wb, p):
            self.wb, self.path = wb, Path(p)

        @classmethod
        def from_path(cls, p):
            return cls(real.from_path(p), p)

        def get_sheet_by_name(self, name):
            seen.append((self.path.name, self.path.exists()))
            return self.wb.get_sheet_by_name(name)

        def close(self):
            self.wb.close()

    real = python_calamine.CalamineWorkbook
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Watching)
    assert bigsheet.parse_in_two(path, "排查表") is not None
    assert sorted(seen) == [("half1.xlsx", False), ("half2.xlsx", False)]
    assert list(scratch.iterdir()) == []


def test_excel_error_cells_are_found_in_the_xml_the_two_halves_path_unpacked(tmp_path, monkeypatch):
    # An error cell (a formula that failed) is a bad-value problem on either path, found once: the two-halves
    # read hands its unpacked XML to the error scan instead of the scan unpacking the sheet again.
    from openpyxl import load_workbook

    path = township_workbook(tmp_path / "邓埠镇.xlsx", 300)
    wb = load_workbook(path)
    wb.active["G250"] = "=1/0"
    wb.save(path)
    # openpyxl writes no cached value: put Excel's own cached error in, as Excel saves it
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    parts[sheet] = parts[sheet].replace(
        b'<c r="G250"><f>1/0</f><v></v></c>', b'<c r="G250" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    )
    assert b't="e"' in parts[sheet]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    unpacked = []
    real = bigsheet._read_member
    monkeypatch.setattr(bigsheet, "_read_member", lambda z, m: unpacked.append(m) or real(z, m))
    split_records, split_problems = read_records([path], CRIT)
    sheets = [m for m in unpacked if "worksheets/" in getattr(m, "filename", m)]
    assert len(sheets) == 1  # the sheet's XML left the zip once (bigsheet's own read, nothing else)
    monkeypatch.setattr(bigsheet, "SPLIT_MIN", 1 << 60)
    plain_records, plain_problems = read_records([path], CRIT)
    assert [str(p) for p in split_problems] == [str(p) for p in plain_problems]
    bad = [p for p in split_problems if p.row == 250 and p.column == "G"]
    assert [(p.code, p.value) for p in bad] == [("bad-value", "#DIV/0!")]
