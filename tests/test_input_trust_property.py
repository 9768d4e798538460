"""The rule of issue 9 as a property: for random township sheets (xlsx and CSV) with random spellings of
values, every non-blank cell of a known column either reads as the value it denotes or is a problem at its
exact row and column, and no data row is absent from both the records and the problems."""

import csv
import datetime as dt
import json

import openpyxl
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples
from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import load_criteria, packaged_path
from lax.read.records import column_letter, read_records

CRIT = load_criteria(packaged_path("criteria.yaml"))
FIELDS = {f.id: f for f in CRIT.fields}
TYPED = [f.id for f in CRIT.fields if f.type != "text"]
TOWNSHIPS = ["邓埠镇", "黄溪镇", "马荃镇", "洪湖乡", "黄庄乡"]
VILLAGES = ["宋三村", "塔洲村", "新店村", "东阳村", "塘桥村", "方丘村", "墩上村", "罗坪村", "岩前村", "坪上村"]
FULL = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
runner = CliRunner()

# How a township may write a count in a column of each unit, as (spelling, how the value maps to it).
UNIT_WORDS = {
    "months": ["个月", "月"],
    "days": ["天", "日"],
    "years": ["年"],
    "persons": ["人", "名", "人次"],
    "times": ["次", "起", "件", "户", "个"],
}
GARBAGE = {
    "int": ["七", "很多", "3斤", "-2", "3.5", "#N/A", "#DIV/0!"],
    "number": ["十万", "abc", "3斤", "#VALUE!"],
    "percent": ["高", "120%", "-5%", "#REF!", 130],
    "bool": ["也许", "正常", "2", "#NAME?"],
    "date": ["2026-13-40", "昨天", "2026/02/30", "#NUM!"],
}
# A unit of another kind in a column (3天 in a months column): never read as the column's unit.
WRONG_UNIT = {"months": "天", "days": "个月", "years": "天", "persons": "次", "times": "人"}


@st.composite
def cell(draw, fid: str, csv_file: bool):
    """(what is written in the cell, the value it denotes, whether it must be a problem)."""
    f = FIELDS[fid]
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.sampled_from([None, "", " ", "-", "/", "—"])), None, False
    if kind == 1:
        bad = draw(st.sampled_from(GARBAGE[f.type] + ([f"2{WRONG_UNIT[f.unit]}"] if f.unit in WRONG_UNIT else [])))
        return bad, None, True
    if f.type == "int":
        v = draw(st.one_of(st.integers(0, 60), st.sampled_from([12, 24, 14, 28, 2])))  # some that convert
        spelt = [v, float(v), str(v), str(v).translate(FULL), f" {v} "] + [f"{v}{u}" for u in UNIT_WORDS[f.unit]]
        converted = []  # written in another unit that converts exactly to the column's
        if f.unit == "months" and v % 12 == 0 and v:
            converted.append(f"{v // 12}年")
        if f.unit == "days" and v % 7 == 0 and v:
            converted.append(f"{v // 7}周")
        if f.unit == "years":
            converted.append(f"{v * 12}个月")
        if v == 0:
            spelt.append("无")
        if converted and draw(st.booleans()):
            return draw(st.sampled_from(converted)), v, False
        return draw(st.sampled_from(spelt)), v, False
    if f.type == "number":  # collective_income, in 万元
        cents = draw(st.integers(0, 100000))
        v = cents / 100
        spelt = [v, str(v), f"{v}万元", f"{v}万", f"{cents * 100}元", str(v).translate(FULL)]
        return draw(st.sampled_from(spelt)), (int(v) if v.is_integer() else v), False
    if f.type == "percent":
        v = draw(st.integers(0, 100))
        tenth = draw(st.integers(0, 9))
        spelt = [f"{v}%", f"{v}％", f"{v} %", f"{v}.{tenth}%" if v < 100 else f"{v}%"]
        if v == 0 or v > 1:
            spelt += [v, str(v)]  # a whole percentage typed into an unformatted cell
        if not csv_file and 0 < v:
            spelt.append(v / 100)  # a percent-formatted cell holds the fraction
        s = draw(st.sampled_from(spelt))
        denoted = float(s.rstrip("%％ ")) if isinstance(s, str) and s.endswith(("%", "％")) else v
        return s, (int(denoted) if float(denoted).is_integer() else denoted), False
    if f.type == "bool":
        v = draw(st.booleans())
        yes, no = ["是", "有", "√", "Y", "yes", "已完成", "TRUE"], ["否", "无", "×", "N", "no", "未", "FALSE"]
        if not csv_file:
            yes, no = yes + [True, 1], no + [False, 0]
        return draw(st.sampled_from(yes if v else no)), v, False
    v = draw(st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
    spelt = [v.isoformat(), f"{v.year}/{v.month}/{v.day}", f"{v.year}年{v.month}月{v.day}日", f"{v:%Y%m%d}"]
    if not csv_file:
        spelt.append(v)
    return draw(st.sampled_from(spelt)), v, False


@st.composite
def townships_sheet(draw):
    csv_file = draw(st.booleans())
    known = draw(st.lists(st.sampled_from(TYPED), min_size=6, max_size=len(TYPED), unique=True))
    order = ["township", "village"] + known
    n = draw(st.integers(1, 12))
    rows = []
    for k in range(n):
        township = TOWNSHIPS[k % len(TOWNSHIPS)]
        village = f"{VILLAGES[k % len(VILLAGES)]}{k // len(VILLAGES) or ''}"
        cells = [(township, township, False), (village, village, False)]
        cells += [draw(cell(fid, csv_file)) for fid in known]
        rows.append(cells)
    return csv_file, order, rows


def write(tmp_path, csv_file, order, rows):
    header = [FIELDS[f].title_zh for f in order]
    if csv_file:
        path = tmp_path / "排查表.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for r in rows:
                w.writerow(["" if c[0] is None else str(c[0]) for c in r])
        return path
    path = tmp_path / "排查表.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(header)
    for k, r in enumerate(rows, start=2):
        ws.append([c[0] for c in r])
        for c, (written, _v, _bad) in enumerate(r):
            if isinstance(written, float) and order[c] == "satisfaction" and written <= 1:
                ws.cell(k, c + 1).number_format = "0%"
    wb.save(path)
    return path


@examples(20)
@given(sheet=townships_sheet())
def test_every_cell_reads_as_it_says_or_is_a_problem_at_its_place(tmp_path_factory, sheet):
    csv_file, order, rows = sheet
    path = write(tmp_path_factory.mktemp("trust"), csv_file, order, rows)
    records, problems = read_records([str(path)], CRIT)
    by_row = {r.row: r for r in records}
    at = {(p.row, p.column) for p in problems}
    problem_rows = {p.row for p in problems}
    for p in problems:
        assert p.row is not None and p.column is not None, p  # every problem has its exact place
    for k, cells in enumerate(rows, start=2):
        rec = by_row.get(k)
        assert rec is not None or k in problem_rows, (k, cells)  # no row lost without a word
        for c, (written, denoted, bad) in enumerate(cells):
            where = (k, column_letter(c))
            if bad:
                assert where in at, (where, written)
                continue
            if where in at:
                continue
            blank = written is None or (isinstance(written, str) and written.strip() in ("", "-", "/", "—"))
            if blank:
                assert rec is None or rec.get(order[c], CRIT) is None
                continue
            assert rec is not None, (where, written, problems)
            got = rec.get(order[c], CRIT)
            assert got == denoted and type(got) is type(denoted), (where, written, got, denoted)
    # the CLI says the same: the same problems, exit 2 exactly when there is one
    result = runner.invoke(app, ["check", str(path), "--format", "json", "--as-of", "2026-09-30"])
    data = json.loads(result.stdout)
    assert [(p["code"], p["row"], p["column"]) for p in data["problems"]] == [
        (p.code, p.row, p.column) for p in problems
    ]
    assert len(data["villages"]) == len(records)
    assert (result.exit_code == 2) == bool(problems)
