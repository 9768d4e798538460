"""Property tests for every record reader against an independent, hand-written evaluation of the 15 standards.

Each test draws villages as *typed truth* (a count, yes/no, a percentage, a date or blank per field), writes
them the way townships do — a spreadsheet with title rows, a header spelt with any of the aliases, columns in
any order, the township left blank below its first row, blank and footer rows, several sheets; a CSV in UTF-8
or GB18030; YAML or JSON — with each value in one of the spellings lax accepts, and a few cells spoilt
on purpose. The properties:

- reading never raises, and every problem has a code and a place (file, sheet, row, column, field);
- the spoilt cells, and only they, are problems, each at its own row and column;
- every village reads back as its truth (a spoilt cell reads as blank);
- each village's outcome (standards met, with evidence; standards undetermined, with the blanks) equals the
  independent evaluation below, which is plain Python per standard with explicit three-valued logic.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples

from lax.check import check_records
from lax.criteria import load_criteria
from lax.read.records import column_letter, read_records

ROOT = Path(__file__).resolve().parent.parent
CRIT = load_criteria(ROOT / "criteria.yaml")
FIELDS = {f.id: f for f in CRIT.fields}
TYPES = {f.id: f.type for f in CRIT.fields}

# ============================================================================ the independent evaluation


def or3(*xs):
    """Three-valued or: true if any is true, else unknown if any is unknown, else false."""
    if any(x is True for x in xs):
        return True
    return None if any(x is None for x in xs) else False


def not3(x):
    return None if x is None else (not x)


def ge(x, n):
    return None if x is None else x >= n


def lt(x, n):
    return None if x is None else x < n


# id -> (fields it reads, [(fields of one alternative, its value)]) ; an "or" standard has several alternatives.
def standards(r: dict) -> dict:
    g = r.get
    return {
        "C01": [(("secretary_vacant_months",), ge(g("secretary_vacant_months"), 3))],
        "C02": [
            (("secretary_unfit",), g("secretary_unfit")),
            (("secretary_absent_days",), ge(g("secretary_absent_days"), 30)),
        ],
        "C03": [(("team_disunity",), g("team_disunity"))],
        "C04": [(("committee_vacancies",), ge(g("committee_vacancies"), 2))],
        "C05": [(("election_completed",), not3(g("election_completed")))],
        "C06": [(("vote_buying_cases",), ge(g("vote_buying_cases"), 1))],
        "C07": [(("org_life_held",), not3(g("org_life_held")))],
        "C08": [(("years_since_new_member",), ge(g("years_since_new_member"), 2))],
        "C09": [(("gang_interference",), g("gang_interference"))],
        "C10": [(("disclosure_missed_months",), ge(g("disclosure_missed_months"), 3))],
        "C11": [(("asset_cases",), ge(g("asset_cases"), 1))],
        "C12": [
            (("collective_petitions",), ge(g("collective_petitions"), 3)),
            (("leapfrog_petitions",), ge(g("leapfrog_petitions"), 1)),
        ],
        "C13": [(("cadre_violations",), ge(g("cadre_violations"), 1))],
        "C14": [
            (("mass_incidents",), ge(g("mass_incidents"), 1)),
            (("forest_fires",), ge(g("forest_fires"), 1)),
            (("illegal_buildings",), ge(g("illegal_buildings"), 10)),
        ],
        "C15": [(("satisfaction",), lt(g("satisfaction"), 60))],
    }


def expected_outcome(r: dict) -> tuple[dict, dict]:
    """({standard met: evidence}, {standard undetermined: blank fields}) for one village's typed values."""
    met, undetermined = {}, {}
    for cid, alternatives in standards(r).items():
        value = or3(*(v for _f, v in alternatives))
        if value is True:
            fields = [f for fs, v in alternatives if v is True for f in fs]
            met[cid] = {f: r[f] for f in fields}
        elif value is None:
            undetermined[cid] = tuple(f for fs, _v in alternatives for f in fs if r.get(f) is None)
    return met, undetermined


def actual_outcome(result) -> tuple[dict, dict]:
    return ({m.id: dict(m.evidence) for m in result.matches}, {cid: tuple(miss) for cid, miss in result.undetermined})


def test_the_independent_evaluation_agrees_with_the_spec_examples():
    blank = {f: None for f in FIELDS}
    met, und = expected_outcome({**blank, "secretary_unfit": True, "election_completed": True, "org_life_held": True})
    assert met == {"C02": {"secretary_unfit": True}}
    assert "C05" not in und and "C07" not in und and "C02" not in und
    assert und["C12"] == ("collective_petitions", "leapfrog_petitions")
    met, und = expected_outcome({**blank, "forest_fires": 0, "mass_incidents": 0, "illegal_buildings": 10})
    assert met["C14"] == {"illegal_buildings": 10}


# ================================================================================ typed villages (truth)

TOWNSHIPS = ["邓埠镇", "黄溪镇", "马荃镇", "洪湖乡", "黄庄乡", "杨溪乡", "春涛乡"]
VILLAGES = [
    "宋三村",
    "塔洲村",
    "新店村",
    "东阳村",
    "塘桥村",
    "方丘村",
    "墩上村",
    "罗坪村",
    "岩前村",
    "渡口村",
    "坪上村",
    "山背村",
    "港口村",
    "桥头村",
    "湾里村",
    "岭下村",
]

ints = st.one_of(st.none(), st.integers(0, 40), st.integers(0, 3000))
bools = st.one_of(st.none(), st.booleans())
percents = st.one_of(st.none(), st.integers(0, 100), st.integers(0, 1000).map(lambda x: x / 10))
numbers = st.one_of(st.none(), st.integers(-50000, 500000).map(lambda x: x / 100), st.integers(0, 3000))
dates = st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
BY_TYPE = {"int": ints, "bool": bools, "percent": percents, "number": numbers, "date": dates}


def tidy(value):
    """A value as lax gives it back: a whole float as an int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@st.composite
def villages(draw, min_size=1, max_size=12):
    n = draw(st.integers(min_size, max_size))
    names = draw(
        st.lists(st.tuples(st.sampled_from(TOWNSHIPS), st.sampled_from(VILLAGES)), min_size=n, max_size=n, unique=True)
    )
    names.sort(key=lambda tv: TOWNSHIPS.index(tv[0]))  # a township's villages together, as in a real sheet
    with_codes = draw(st.booleans())
    out = []
    for k, (township, village) in enumerate(names):
        r = {"township": township, "village": village, "code": f"3606221{k:05d}" if with_codes else None}
        for f in CRIT.fields:
            if f.type in BY_TYPE:
                r[f.id] = tidy(draw(BY_TYPE[f.type]))
        out.append(r)
    return out


# ---------------------------------------------------------------- spellings of a value, as a cell holds it

FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
TRUE_SPELLINGS = ["是", "有", "√", "✓", "Y", "y", "yes", "TRUE", "1", "已完成", True, 1]
FALSE_SPELLINGS = ["否", "无", "×", "✗", "N", "no", "False", "0", "未", False, 0]
BLANK_SPELLINGS = [None, "", "  ", "-", "/", "—", "／"]
BAD = {
    "int": ["七", "3.5", "-2", "很多"],
    "number": ["十万", "1,2,3", "abc"],
    "percent": ["120", "-5%", "高", 130],
    "bool": ["也许", "正常", "2", 2],
    "date": ["2026-13-40", "昨天", "2026/02/30"],
}


# A count's unit as a township writes it, by the field's unit (a unit that is not the column's is a problem).
UNIT_WORDS = {
    "months": ["个月", "月"],
    "days": ["天", "日"],
    "years": ["年"],
    "persons": ["人", "名"],
    "times": ["次", "个"],
    None: ["个", "人"],
}


def spellings(ftype: str, v, text_only: bool = False, unit: str | None = None) -> list:
    """Every way a township may write the typed value `v` in a cell of a field of type `ftype` (and unit)."""
    if v is None:
        return BLANK_SPELLINGS[1:] if text_only else BLANK_SPELLINGS
    if ftype == "bool":
        out = TRUE_SPELLINGS if v else FALSE_SPELLINGS
    elif ftype == "int":
        out = [v, float(v), str(v), str(v).translate(FULL_WIDTH), f" {v} "] + [f"{v}{u}" for u in UNIT_WORDS[unit]]
        if v >= 1000:
            out.append(f"{v:,}")
        if v == 0:
            out.append("无")
    elif ftype == "number":
        out = [v, str(v), f"{v}万元", str(v).translate(FULL_WIDTH)]
        if abs(v) >= 1000:
            out.append(f"{v:,}")
    elif ftype == "percent":
        out = [f"{v}%", f"{v}％", f"{v} %"]
        # a bare 59.9 beside formatted fractions reads two ways (150 % formatted is 1.5): a problem, so not here
        if v == 0 or (v > 1 and float(v).is_integer()):
            out += [v, str(v)]
        if 0 < v <= 100 and round(v / 100 * 100, 9) == v:
            out.append(v / 100)  # a percent-formatted cell holds the fraction
    elif ftype == "date":
        out = [
            v,
            v.isoformat(),
            f"{v.year}/{v.month}/{v.day}",
            f"{v.year}.{v.month}.{v.day}",
            f"{v.year}年{v.month}月{v.day}日",
            dt.datetime(v.year, v.month, v.day),
        ]
    else:
        out = [v]
    if text_only:
        out = [x if isinstance(x, str) else _as_text(x) for x in out]
    return out


def _as_text(x) -> str:
    if isinstance(x, bool):
        return "TRUE" if x else "FALSE"
    if isinstance(x, dt.datetime):
        return x.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(x, dt.date):
        return x.isoformat()
    return str(x)


# ============================================================================== spreadsheets (openpyxl)


@st.composite
def workbooks(draw):
    """(a workbook layout, the villages as read back, the spoilt cells) — see `write_workbook`."""
    vs = draw(villages())
    optional = [f.id for f in CRIT.fields if f.id not in ("township", "village")]
    present = ["township", "village"] + [f for f in optional if draw(st.booleans()) or draw(st.booleans())]
    if all(v["code"] is None for v in vs) and "code" in present and draw(st.booleans()):
        present.remove("code")
    sheets = draw(st.integers(1, min(3, len(vs))))
    cuts = (
        sorted(draw(st.lists(st.integers(1, len(vs) - 1), min_size=sheets - 1, max_size=sheets - 1, unique=True)))
        if len(vs) > 1 and sheets > 1
        else []
    )
    parts = [vs[a:b] for a, b in zip([0, *cuts], [*cuts, len(vs)])]
    layout = []
    for s, part in enumerate(parts):
        order = draw(st.permutations(present))
        header = [draw(st.sampled_from([FIELDS[f].title_zh, FIELDS[f].title_en, *FIELDS[f].aliases])) for f in order]
        header = [draw(st.sampled_from([h, respell(h, draw(st.integers(0, 99)))])) for h in header]
        titles = draw(
            st.lists(
                st.sampled_from(
                    [
                        f"{part[0]['township']}村级班子情况排查表",
                        "填报单位：（盖章）    日期：2026年9月30日",
                        None,
                        "附件2",
                        "XX镇村级党组织软弱涣散情况排查表（2026年第三季度）",
                    ]
                ),
                max_size=3,
            )
        )
        rows, expect = [], []
        last_township = None
        for v in part:
            if draw(st.integers(0, 9)) == 0:
                rows.append(None)  # a blank row between villages
            cells, spoilt = [], []
            for f in order:
                value = v.get(f)
                if f == "township":
                    carry = value == last_township and draw(st.booleans())
                    cells.append(None if carry else draw(st.sampled_from([value, f" {value} ", value])))
                    continue
                if f == "village":
                    cells.append(draw(st.sampled_from([value, f"{value} ", value])))
                    continue
                if f == "code":
                    cells.append(None if value is None else draw(st.sampled_from([value, int(value)])))
                    continue
                ftype = TYPES[f]
                if draw(st.integers(0, 15)) == 0:
                    cells.append(draw(st.sampled_from(BAD[ftype])))
                    spoilt.append(f)
                else:
                    cells.append(draw(st.sampled_from(spellings(ftype, value, unit=FIELDS[f].unit))))
            last_township = v["township"]
            rows.append(cells)
            expect.append((v, spoilt))
        footers = draw(
            st.lists(st.sampled_from(["合计", "填表人：张三", "审核人：李四", "备注：无", "小计"]), max_size=3)
        )
        layout.append(
            {
                "title": f"排查表{s + 1}" if s else "排查表",
                "titles": titles,
                "order": order,
                "header": header,
                "rows": rows,
                "expect": expect,
                "footers": footers,
                "left": draw(st.integers(0, 2)),
                "serial": draw(st.booleans()),
                "remarks": draw(st.booleans()),
                "numbers_row": draw(st.integers(0, 4)) == 0,
                "merge": draw(st.booleans()),
                "two_rows": {"collective_petitions", "leapfrog_petitions"} <= set(order) and draw(st.booleans()),
            }
        )
    notes_sheet = draw(st.booleans())
    return layout, notes_sheet


def respell(header: str, seed: int) -> str:
    """The same header as a person types it: a line break, spaces, full-width brackets and digits."""
    text = header.replace("(", "（").replace(")", "）") if seed % 2 else header.replace("（", "(").replace("）", ")")
    if len(text) > 2 and seed % 3 == 0:
        cut = 1 + seed % (len(text) - 1)
        text = text[:cut] + "\n" + text[cut:]
    if seed % 5 == 0:
        text = " " + text.replace("", " ").strip() + " " if len(text) < 8 else f" {text} "
    return text


def write_workbook(path: Path, layout, notes_sheet: bool) -> list[tuple[dict, str, int, list[str], list[str]]]:
    """Write the workbook; return per village (truth, sheet, row, spoilt fields, field order as sheet columns).

    The field order returned holds a None for each column that is not a field (blank columns on the left,
    a 序号 serial column, a 备注 remarks column), so that a field's index is its column.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    out = []
    for sheet in layout:
        ws = wb.create_sheet(sheet["title"])
        pad = [None] * sheet["left"]
        pre = pad + (["序号"] if sheet["serial"] else [])
        columns = [None] * len(pre) + list(sheet["order"]) + ([None] if sheet["remarks"] else [])
        post = ["备注"] if sheet["remarks"] else []
        for t in sheet["titles"]:
            ws.append(pad + [t])
        header = list(sheet["header"])
        if sheet["two_rows"]:
            # 信访情况 merged over 集体访 | 越级访; every other header cell merged down over both rows.
            upper, lower = [], []
            for f, h in zip(sheet["order"], header):
                if f == "collective_petitions":
                    upper.append("信访情况"), lower.append("集体访")
                elif f == "leapfrog_petitions":
                    upper.append("信访情况"), lower.append("越级访")
                else:
                    upper.append(h), lower.append(None)
            ws.append(pre + upper + post)
            ws.append([None] * len(pre) + lower + [None] * len(post))
            first = ws.max_row - 1
            for c, (f, _h) in enumerate(zip(sheet["order"], header)):
                col = len(pre) + c + 1
                if f == "leapfrog_petitions":
                    ws.cell(first, col).value = None if upper[c - 1] == "信访情况" else "信访情况"
            for c, f in enumerate(sheet["order"]):
                if f not in ("collective_petitions", "leapfrog_petitions"):
                    col = len(pre) + c + 1
                    ws.merge_cells(start_row=first, start_column=col, end_row=first + 1, end_column=col)
        else:
            ws.append(pre + header + post)
        if sheet["numbers_row"]:
            marks = ["甲", "乙"] + list(range(1, len(columns)))
            ws.append(pad + marks[: len(columns) - len(pad)])
        k = 0
        runs: list[list[int]] = []  # rows of a township written once and left blank below (to merge)
        for cells in sheet["rows"]:
            if cells is None:
                ws.append([])
                runs.append([])
                continue
            serial = [k + 1] if sheet["serial"] else []
            ws.append(pad + serial + list(cells) + (["情况属实"] if sheet["remarks"] else []))
            row = ws.max_row
            for c, f in enumerate(sheet["order"]):
                if f == "satisfaction" and isinstance(cells[c], float) and cells[c] <= 1:
                    ws.cell(row, len(pre) + c + 1).number_format = "0%"
            t = sheet["order"].index("township")
            if cells[t] is None and runs and runs[-1]:
                runs[-1].append(row)
            else:
                runs.append([row])
            truth, spoilt = sheet["expect"][k]
            out.append((truth, sheet["title"], row, spoilt, columns))
            k += 1
        if sheet["merge"]:
            col = len(pre) + sheet["order"].index("township") + 1
            for run in runs:
                if len(run) > 1:
                    ws.merge_cells(start_row=run[0], start_column=col, end_row=run[-1], end_column=col)
        for word in sheet["footers"]:
            ws.append(pad + [word] + [None] * (len(columns) - len(pad) - 1))
    if notes_sheet:
        ws = wb.create_sheet("填表说明")
        ws.append(["1. 本表由各乡镇党委填报。"])
        ws.append(["2. 是/否 栏填“是”或“否”。"])
    wb.save(path)
    return out


def check_against_truth(path: str, written, records, problems):
    """The shared properties: problems with places, spoilt cells only, truth read back, outcome = evaluation."""
    for p in problems:
        assert p.code and p.message and p.path == path, p
        assert "\n" not in p.message, p
    expected_problems = []
    for _truth, sheet, row, spoilt, order in written:
        for f in sorted(spoilt, key=order.index):
            expected_problems.append((TYPES_CODE[TYPES[f]], sheet, row, column_letter(order.index(f)), f))
    assert [(p.code, p.sheet, p.row, p.column, p.field) for p in problems] == expected_problems
    assert len(records) == len(written)
    results = check_records(records, CRIT)
    for rec, res, (truth, sheet, row, spoilt, order) in zip(records, results, written):
        assert (rec.sheet, rec.row) == (sheet, row)
        want = {f.id: (None if f.id in spoilt or f.id not in order else truth.get(f.id)) for f in CRIT.fields}
        got = rec.as_dict(CRIT)
        assert got == want, (sheet, row)
        assert actual_outcome(res) == expected_outcome(want), (sheet, row, want)


TYPES_CODE = {
    "int": "bad-number",
    "number": "bad-number",
    "percent": "bad-percent",
    "bool": "bad-bool",
    "date": "bad-date",
}


@examples(25, dev=100)
@given(workbooks())
def test_random_workbooks_read_and_check_like_the_independent_evaluation(tmp_path_factory, case):
    layout, notes_sheet = case
    path = tmp_path_factory.mktemp("wb") / "排查表.xlsx"
    written = write_workbook(path, layout, notes_sheet)
    records, problems = read_records([str(path)], CRIT)
    check_against_truth(str(path), written, records, problems)


# ===================================================================================================== CSV


@st.composite
def csv_files(draw):
    vs = draw(villages(max_size=8))
    optional = [f.id for f in CRIT.fields if f.id not in ("township", "village", "code")]
    order = draw(st.permutations(["township", "village"] + [f for f in optional if draw(st.booleans())]))
    header = [draw(st.sampled_from([FIELDS[f].title_zh, *FIELDS[f].aliases])) for f in order]
    rows, written = [], []
    for v in vs:
        cells, spoilt = [], []
        for f in order:
            if f in ("township", "village"):
                cells.append(v[f])
            elif draw(st.integers(0, 15)) == 0:
                bad = draw(st.sampled_from(BAD[TYPES[f]]))
                cells.append(str(bad))
                spoilt.append(f)
            else:
                cells.append(draw(st.sampled_from(spellings(TYPES[f], v.get(f), text_only=True, unit=FIELDS[f].unit))))
        rows.append(cells)
        written.append((v, spoilt))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    title = draw(st.booleans())
    return order, header, rows, written, encoding, title


@examples(25, dev=100)
@given(csv_files())
def test_random_csv_files_read_like_the_truth(tmp_path_factory, case):
    order, header, rows, written, encoding, title = case
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if title:
        w.writerow(["黄溪镇村级班子情况排查表"])
    w.writerow(header)
    w.writerows(rows)
    w.writerow(["合计"] + [""] * (len(order) - 1))
    path = tmp_path_factory.mktemp("csv") / "huangxi.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    records, problems = read_records([str(path)], CRIT)
    first = 3 if title else 2
    check_against_truth(
        str(path), [(v, None, first + k, spoilt, order) for k, (v, spoilt) in enumerate(written)], records, problems
    )


# ============================================================================================ YAML / JSON

yaml_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.dates(),
    st.sampled_from(["是", "否", "85%", "１２", "七", "无", "-"]),
)
yaml_value = st.recursive(
    yaml_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6,
)
any_key = st.one_of(
    st.sampled_from([k for f in CRIT.fields for k in (f.id, f.title_zh, *f.aliases)]),
    st.text(max_size=8),
    st.integers(),
    st.booleans(),
)


@examples(30, dev=150)
@given(
    items=st.one_of(
        st.lists(st.one_of(st.dictionaries(any_key, yaml_value, max_size=8), yaml_value), max_size=6), yaml_value
    ),
    wrap=st.booleans(),
    as_json=st.booleans(),
)
def test_any_yaml_or_json_document_gives_records_and_located_problems(tmp_path_factory, items, wrap, as_json):
    doc = {"villages": items} if wrap else items
    folder = tmp_path_factory.mktemp("yj")
    if as_json:
        path = folder / "villages.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    else:
        path = folder / "villages.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    records, problems = read_records([str(path)], CRIT)
    for p in problems:
        assert p.code and p.message and p.path == str(path) and "\n" not in p.message
        assert p.code == "unreadable-file" or p.row is not None, p
        if not as_json and p.code != "unreadable-file":
            assert p.line is not None, p
    for rec in records:
        assert rec.values[CRIT.index["township"]] and rec.values[CRIT.index["village"]]
    check_records(records, CRIT)


@st.composite
def typed_items(draw):
    vs = draw(villages(max_size=8))
    items, written = [], []
    for v in vs:
        item, spoilt, order = {}, [], []
        for f in CRIT.fields:
            value = v.get(f.id)
            if f.id == "code" and value is None:
                continue
            key = draw(st.sampled_from([f.id, f.title_zh, *f.aliases]))
            if f.type in BAD and draw(st.integers(0, 15)) == 0:
                item[key] = draw(st.sampled_from(BAD[f.type]))
                spoilt.append(f.id)
            elif f.type in BY_TYPE:
                spelt = draw(st.sampled_from(spellings(f.type, value, unit=f.unit)))
                if isinstance(spelt, dt.datetime):
                    spelt = spelt.date()
                item[key] = spelt
            else:
                item[key] = value
            order.append(f.id)
        items.append(item)
        written.append((v, spoilt, order))
    return items, written


@examples(25, dev=100)
@given(case=typed_items(), as_json=st.booleans())
def test_typed_yaml_and_json_records_check_like_the_independent_evaluation(tmp_path_factory, case, as_json):
    items, written = case
    folder = tmp_path_factory.mktemp("typed")
    if as_json:
        path = folder / "villages.json"
        path.write_text(json.dumps({"villages": items}, ensure_ascii=False, default=str), encoding="utf-8")
    else:
        path = folder / "villages.yaml"
        path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    records, problems = read_records([str(path)], CRIT)
    expected_problems = [(TYPES_CODE[TYPES[f]], k + 1, f) for k, (_v, spoilt, _o) in enumerate(written) for f in spoilt]
    assert sorted((p.code, p.row, p.field) for p in problems) == sorted(expected_problems)
    assert all(p.sheet is None and p.path == str(path) for p in problems)
    if not as_json:
        assert all(p.line is not None for p in problems)
    results = check_records(records, CRIT)
    assert len(results) == len(written)
    for k, (res, (v, spoilt, _order)) in enumerate(zip(results, written)):
        assert res.record.row == k + 1
        want = {f.id: (None if f.id in spoilt else v.get(f.id)) for f in CRIT.fields}
        assert res.record.as_dict(CRIT) == want
        assert actual_outcome(res) == expected_outcome(want)


# ====================================================================== the evaluator on typed records


@examples(200, dev=1000)
@given(villages(max_size=1))
def test_the_compiled_standards_equal_the_independent_evaluation(vs):
    values = vs[0]
    tup = tuple(values.get(f.id) for f in CRIT.fields)
    met, und = expected_outcome(values)
    outcome = CRIT.evaluate(tup)
    assert {c.id for c, r in zip(CRIT.criteria, outcome) if r is True} == set(met)
    assert {c.id for c, r in zip(CRIT.criteria, outcome) if r is None} == set(und)
    screened = CRIT.screen(tup)
    assert screened == outcome or (screened is None and not (met or und))


@pytest.mark.parametrize(
    "field, value, flagged",
    [
        ("secretary_vacant_months", 3, "C01"),
        ("secretary_absent_days", 30, "C02"),
        ("committee_vacancies", 2, "C04"),
        ("years_since_new_member", 2, "C08"),
        ("disclosure_missed_months", 3, "C10"),
        ("collective_petitions", 3, "C12"),
        ("illegal_buildings", 10, "C14"),
        ("satisfaction", 59.9, "C15"),
    ],
)
def test_each_threshold_is_met_exactly_at_its_boundary(field, value, flagged):
    clean = {f.id: None for f in CRIT.fields}
    clean.update(
        {
            f: 0
            for f in (
                "secretary_vacant_months",
                "secretary_absent_days",
                "committee_vacancies",
                "vote_buying_cases",
                "years_since_new_member",
                "disclosure_missed_months",
                "asset_cases",
                "collective_petitions",
                "leapfrog_petitions",
                "cadre_violations",
                "mass_incidents",
                "forest_fires",
                "illegal_buildings",
            )
        }
    )
    clean.update(
        secretary_unfit=False,
        team_disunity=False,
        election_completed=True,
        org_life_held=True,
        gang_interference=False,
        satisfaction=60,
    )
    tup = lambda d: tuple(d[f.id] for f in CRIT.fields)  # noqa: E731
    assert CRIT.screen(tup(clean)) is None
    below = value - (0.1 if isinstance(value, float) else 1) if field != "satisfaction" else 60
    assert CRIT.screen(tup({**clean, field: below})) is None
    out = CRIT.evaluate(tup({**clean, field: value}))
    assert [c.id for c, r in zip(CRIT.criteria, out) if r] == [flagged]


# ======================================================================= any cell in any column

any_cell = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).filter(lambda t: not t.startswith("=")),
    st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)),
    st.sampled_from(
        [
            "合计",
            "填表人：张三",
            "甲",
            "１２",
            "1,200",
            "85％",
            "√",
            "✗",
            "2026年9月30日",
            "无",
            "-",
            "/",
            "#N/A",
            "#DIV/0!",
            " ",
            "\n",
            "0.5",
            "1e400",
            "NaN",
            "inf",
            "-0",
            "3个月",
            "十二",
        ]
    ),
)


@examples(25, dev=100)
@given(
    order=st.permutations([f.id for f in CRIT.fields]),
    rows=st.lists(st.lists(any_cell, min_size=26, max_size=26), min_size=1, max_size=8),
)
def test_any_cell_value_in_any_column_never_raises_and_every_problem_has_its_cell(tmp_path_factory, order, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append([FIELDS[f].title_zh for f in order])
    for row in rows:
        ws.append(row)
    path = tmp_path_factory.mktemp("any") / "any.xlsx"
    wb.save(path)
    records, problems = read_records([str(path)], CRIT)
    for p in problems:
        assert p.code and p.path == str(path) and p.sheet == "排查表" and p.message, p
        assert 2 <= p.row <= len(rows) + 1 and p.column and p.field, p
        assert p.column == column_letter(order.index(p.field)), p
    for rec in records:
        assert rec.values[CRIT.index["township"]] and rec.values[CRIT.index["village"]]
        for f, v in zip(CRIT.fields, rec.values):
            assert (
                v is None
                or {"text": str, "int": int, "bool": bool, "date": dt.date}.get(f.type, (int, float))
                and isinstance(v, {"text": str, "int": int, "bool": bool, "date": dt.date}.get(f.type, (int, float)))
            )
    check_records(records, CRIT)
