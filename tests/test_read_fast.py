"""A large sheet streamed (lax/read/bigsheet.py, `parse_in_two(..., stream=True)`): the first half's rows are
read while the second half is still parsed, and what `lax check` reports is exactly what the ordinary read
gives — also when the second half does not join the first as one parse would (`Reread`: the sheet is read
again the ordinary way, its problems said once).

`SPLIT_MIN` is lowered to 0 here so small workbooks built with openpyxl take the two-halves path.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from helpers import rewritten
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import load_criteria
from lax.read import bigsheet
from lax.read.records import read_records

ROOT = Path(__file__).resolve().parent.parent
CRIT = load_criteria(ROOT / "criteria.yaml")
runner = CliRunner()


@pytest.fixture(autouse=True)
def split_everything(monkeypatch):
    monkeypatch.setattr(bigsheet, "SPLIT_MIN", 0)


def ordinary_rows(path: Path, sheet: str = "排查表") -> tuple:
    ws = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet)
    return ws.start, list(ws.iter_rows())


def streamed(path: Path, sheet: str = "排查表") -> bigsheet.StreamedSheet:
    ws = bigsheet.parse_in_two(path, sheet, stream=True)
    assert isinstance(ws, bigsheet.StreamedSheet), "expected the streamed two-halves path"
    return ws


def save(path: Path, grid: dict[tuple[int, int], object]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    for (r, c), v in grid.items():
        ws.cell(row=r, column=c, value=v)
    wb.save(path)
    return path


def township_workbook(path: Path, villages: int) -> Path:
    """A township's return: a title row, a two-row header, the township merged down, bad cells, a footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["余江区村级党组织软弱涣散排查表"])
    ws.append(["乡镇", "村名", "书记空缺月数", "信访情况", None, "换届完成", "群众满意度"])
    ws.append([None, None, None, "集体访", "越级访", None, None])
    for k in range(villages):
        ws.append(
            [
                ("邓埠镇" if k < villages // 2 else "黄溪镇") if k % 50 == 0 else None,
                f"宋{k}村" if k % 7 else f"东阳{k}村",
                "３" if k == 12 else k % 9,  # a full-width digit
                k % 4,
                "二" if k == villages - 20 else k % 3,  # a bad count in the second half
                ["是", "否", "√", "×"][k % 4] if k != 30 else "也许",  # a bad yes/no in the first
                f"{60 + k % 40}%" if k % 3 else 0.6 + (k % 40) / 100,
            ]
        )
    ws.append(["合计", None, None, None, None, None, None])
    ws.append(["填表人：张三"])
    wb.save(path)
    return path


def check_json(path: Path) -> tuple[int, str]:
    result = runner.invoke(
        app, ["check", str(path), "--format", "json", "--as-of", "2026-09-30"], env={"LAX_TODAY": "2026-09-30"}
    )
    return result.exit_code, result.stdout


def ordinary_check_json(path: Path, monkeypatch) -> tuple[int, str]:
    monkeypatch.setattr(bigsheet, "SPLIT_MIN", 1 << 60)
    try:
        return check_json(path)
    finally:
        monkeypatch.setattr(bigsheet, "SPLIT_MIN", 0)


values = st.one_of(
    st.sampled_from(["邓埠镇", "宋三村", "是", "否", "√", "×", "１２", "85%", "", " ", "合计", "东阳村\n二组"]),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=6),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
)
grids = st.dictionaries(st.tuples(st.integers(1, 60), st.integers(1, 9)), values, min_size=2, max_size=120)


@examples(30)
@given(grid=grids)
def test_a_streamed_sheet_yields_the_ordinary_rows_or_asks_to_be_read_again(tmp_path, grid):
    path = save(tmp_path / "random.xlsx", grid)
    ws = bigsheet.parse_in_two(path, "排查表", stream=True)
    if ws is None:  # too few rows to cut, or an empty first half that the halves' path leaves to itself
        return
    start, rows = ordinary_rows(path)
    try:
        got = list(ws.iter_rows())
    except bigsheet.Reread:
        return  # the columns differ across the cut: the caller reads the sheet again (tested below)
    assert (ws.start, got) == (start, rows)


@examples(15)
@given(grid=grids)
def test_records_and_problems_of_a_streamed_sheet_are_the_ordinary_reads(tmp_path, grid):
    path = save(tmp_path / "random.xlsx", {(1, 1): "乡镇", (1, 2): "村名", (1, 3): "换届完成", **grid})
    split = read_records([path], CRIT)
    bigsheet.SPLIT_MIN = 1 << 60  # (restored by the fixture's monkeypatch)
    plain = read_records([path], CRIT)
    bigsheet.SPLIT_MIN = 0
    assert [(r.values, r.row) for r in split.records] == [(r.values, r.row) for r in plain.records]
    assert [str(p) for p in split.problems] == [str(p) for p in plain.problems]
    assert [str(n) for n in split.notices] == [str(n) for n in plain.notices]


def test_a_township_return_checks_the_same_when_streamed(tmp_path, monkeypatch):
    path = township_workbook(tmp_path / "邓埠镇.xlsx", 1500)
    ws = streamed(path)
    assert ws.height > 1000  # an estimate until the second half is in, for the progress bar
    code, out = check_json(path)
    assert (code, out) == ordinary_check_json(path, monkeypatch)
    problems = [(p["row"], p["column"], p["code"]) for p in json.loads(out)["problems"]]
    assert (1484, "E", "bad-number") in problems  # 越级访 "二", below the cut
    assert (34, "F", "bad-bool") in problems  # 换届完成 "也许", above it


def test_a_first_half_smaller_than_the_second_when_streamed(tmp_path):
    # The first half's records are read while the second half is parsed: it is the smaller of the two.
    path = township_workbook(tmp_path / "邓埠镇.xlsx", 1000)
    ws = streamed(path)
    first_rows = ws._first.end[0] + 1
    assert 0.35 * 1005 < first_rows < 0.5 * 1005
    start, rows = ordinary_rows(path)
    assert (ws.start, list(ws.iter_rows())) == (start, rows)


def last_row_before_stream_cut_renumbered(xml: bytes, number: int) -> bytes:
    """The first half (cut where the streamed read cuts) ends with row `number`, below the second half's first."""
    _content, at, _closed = bigsheet._cut(xml, bigsheet.STREAM_SHARE)
    start = xml.rindex(b"<row ", 0, at)
    old = re.match(rb'<row r="(\d+)"', xml[start:]).group(1)
    row = re.sub(rb'r="([A-Z]*)' + old + b'"', lambda m: b'r="%s%d"' % (m.group(1), number), xml[start:at])
    return xml[:start] + row + xml[at:]


@pytest.mark.parametrize(
    "why, patch",
    [
        ("rows out of order across the cut", lambda x: last_row_before_stream_cut_renumbered(x, 290)),
        ("a damaged second half", lambda x: x.replace(b'<row r="250"', b'<row r="250"><c r="A250"><v>1</v>', 1)),
        (
            "a second half reaching further right",
            lambda x: x.replace(
                b"</sheetData>",
                '<row r="400"><c r="K400" t="inlineStr"><is><t>备注</t></is></c></row></sheetData>'.encode(),
            ),
        ),
    ],
)
def test_a_second_half_that_does_not_join_is_read_again_the_ordinary_way(tmp_path, monkeypatch, why, patch):
    src = township_workbook(tmp_path / "src.xlsx", 300)
    path = rewritten(src, tmp_path / "黄溪镇.xlsx", patch)
    with pytest.raises(bigsheet.Reread):
        list(streamed(path).iter_rows())
    code, out = check_json(path)
    assert (code, out) == ordinary_check_json(path, monkeypatch), why
    # (what the ordinary read makes of the file, a damaged sheet included, is said once, as it says it)
    assert json.loads(out)["summary"]["villages"] + json.loads(out)["summary"]["problems"] > 0


def test_the_streamed_halves_leave_no_temporary_files(tmp_path, monkeypatch):
    path = township_workbook(tmp_path / "邓埠镇.xlsx", 400)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    ws = streamed(path)
    assert list(scratch.iterdir()) == []  # the second half is open (and off the disk) before parse_in_two returns
    assert len(list(ws.iter_rows())) == len(ordinary_rows(path)[1])
    assert list(scratch.iterdir()) == []


# ------------------------------------------------------- a percent column once its mode is decided


percent_cells = st.one_of(
    st.sampled_from(
        ["85%", "８５％", "0.5%", "85", "0.85", " 85 % ", "１", "无", "-", "", None, "是", "#DIV/0!", "百分之八十五"]
    ),
    st.sampled_from([0, 1, 0.0, 1.0, 0.85, 0.9, 1.5, 85.0, 100, 150.0, True, False]),
    st.floats(-10, 200, allow_nan=False),
    st.integers(-5, 120),
    st.integers(0, 130).map(lambda n: f"{n}%"),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=4),
)


@examples(60)
@given(raws=st.lists(percent_cells, max_size=60), mode=st.sampled_from(["fraction", "percent"]))
def test_a_settled_percent_column_converts_as_settle_percents_does(raws, mode):
    from lax.read.values import BAD, Memo, Settled, settle_percents, to_percent_raw

    fast_memo, reference_memo = Memo(to_percent_raw), Memo(to_percent_raw)
    settled = Settled(fast_memo, mode)
    for _round in range(2):  # a second chunk of the same values comes from the filled memo
        fast = list(map(settled.__getitem__, raws))
        reference, kept = settle_percents(list(map(reference_memo.__getitem__, raws)), mode)
        assert kept == mode
        assert [(type(v), v) for v in fast] == [(type(v), v) for v in reference]
        assert fast_memo.bad == reference_memo.bad  # each bad cell counted, every time
        assert BAD not in settled.values()


def test_a_percent_column_read_in_many_chunks(tmp_path, monkeypatch):
    # The column's mode (fractions) is decided in its first chunk; later chunks take the settled map.
    monkeypatch.setattr(bigsheet, "SPLIT_MIN", 1 << 60)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["乡镇", "村名", "群众满意度"])
    cells = {1500: 1.5, 2100: "85%", 2200: "８５％", 2300: "九十", 2400: 88, 2500: "无"}
    for k in range(3000):
        ws.append(["洪湖乡", f"塘桥{k}村", cells.get(k, [0.85, 0.9, "0.95", 1][k % 4])])
    path = tmp_path / "洪湖乡.xlsx"
    wb.save(path)
    read = read_records([path], CRIT)
    by_row = {r.row: r.get("satisfaction", CRIT) for r in read.records}
    assert [by_row[k + 2] for k in (0, 1, 2, 3, 2100, 2200, 2400, 2500, 2999)] == [
        85,
        90,
        95,
        100,
        85,
        85,
        88,
        None,
        100,
    ]
    assert [(p.row, p.code) for p in read.problems] == [(1502, "ambiguous-percent"), (2302, "bad-percent")]
