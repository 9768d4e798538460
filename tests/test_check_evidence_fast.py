"""The fast path of many findings: each standard's evidence built by generated code (either-or standards naming
only the branches that held), and the JSON written by hand, which must be json.dumps's text byte for byte.

The reference for both is the plain way: `{f: v[f] for f in c.evidence_fields(v) if v[f] is not None}` per
standard met, and `json.dumps(village_to_dict(...), ensure_ascii=False)` per village line."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import examples
from typer.testing import CliRunner

from lax.check import CheckResult, Match, check_records, result_to_dict, village_to_dict, write_json
from lax.cli import app
from lax.criteria import findings_function, load_criteria
from lax.read.records import Record

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
SHIPPED = (ROOT / "criteria.yaml").read_text(encoding="utf-8")
FIELDS_PART = SHIPPED.split("\ncriteria:\n")[0] + "\n"
CRIT = load_criteria(ROOT / "criteria.yaml")


def criteria_file(folder: Path, whens: list[str]) -> Path:
    """The shipped fields with the given standards, each `when` quoted for YAML."""
    body = "".join(
        f"  - id: X{k + 1}\n    title: {{zh: 标准{k + 1}, en: Standard {k + 1}}}\n"
        f"    when: {yaml.safe_dump(w, allow_unicode=True, width=10**6).strip().removesuffix('...').strip()}\n"
        for k, w in enumerate(whens)
    )
    path = folder / "criteria.yaml"
    path.write_text(FIELDS_PART + "criteria:\n" + body, encoding="utf-8")
    return path


def values_of(crit, **kw) -> tuple:
    values = [None] * len(crit.fields)
    for k, v in kw.items():
        values[crit.index[k]] = v
    return tuple(values)


def reference_findings(crit, values: tuple) -> list[Match]:
    """The findings as the check made them before the generated code: one call per standard met."""
    idx = crit.index
    out = []
    for c, r in zip(crit.criteria, crit.evaluate(values)):
        if r is True:
            ev = {f: values[idx[f]] for f in c.evidence_fields(values) if values[idx[f]] is not None}
            out.append(Match(c.id, ev))
    return out


def assert_same_findings(crit, values: tuple) -> list[Match]:
    found = findings_function(crit, Match)(values, crit.evaluate(values))
    expected = reference_findings(crit, values)
    assert found == expected
    # the same values of the same types, in the same order (True == 1 would hide a mix-up)
    assert [[(k, type(x), x) for k, x in m.evidence.items()] for m in found] == [
        [(k, type(x), x) for k, x in m.evidence.items()] for m in expected
    ]
    return found


# ============================================================================ either-or evidence

HEADER = [
    "乡镇",
    "村名",
    "行政区划代码",
    "书记不胜任",
    "书记脱岗天数",
    "集体访次数",
    "越级访次数",
    "群体性事件数",
    "森林火灾次数",
    "违章建筑户数",
]


def township_sheet(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["邓埠镇村级班子情况排查表"])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_either_or_evidence_names_the_branches_that_held(tmp_path):
    sheet = township_sheet(
        tmp_path / "邓埠镇.xlsx",
        [
            ["邓埠镇", "宋三村", "360622101201", "是", 0, 0, 0, 0, 0, 0],  # C02 by the first branch
            ["邓埠镇", "东阳村", "360622101202", "否", 45, 3, 0, 0, 0, 0],  # C02 by the second, C12 by the first
            ["邓埠镇", "塘桥村", "360622101203", "是", 31, 4, 2, 0, 1, 12],  # both branches; C14 by two of three
            ["邓埠镇", "方墩村", "360622101204", None, 60, 0, 0, 1, 0, None],  # a blank beside a branch that held
            ["邓埠镇", "罗坪村", "360622101205", "否", 0, 0, 0, 0, 0, 0],  # nothing
        ],
    )
    out = tmp_path / "结果.json"
    result = runner.invoke(app, ["check", str(sheet), "--format", "json", "--output", str(out)])
    assert result.exit_code == 1, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    got = {
        v["village"]: {m["id"]: m["evidence"] for m in v["matches"] if m["id"] in ("C02", "C12", "C14")}
        for v in data["villages"]
    }
    assert got == {
        "宋三村": {"C02": {"secretary_unfit": True}},
        "东阳村": {"C02": {"secretary_absent_days": 45}, "C12": {"collective_petitions": 3}},
        "塘桥村": {
            "C02": {"secretary_unfit": True, "secretary_absent_days": 31},
            "C12": {"collective_petitions": 4, "leapfrog_petitions": 2},
            "C14": {"forest_fires": 1, "illegal_buildings": 12},
        },
        "方墩村": {"C02": {"secretary_absent_days": 60}, "C14": {"mass_incidents": 1}},
        "罗坪村": {},
    }
    # and the file is the JSON of the same result, village by village, as json.dumps writes it
    lines = out.read_text(encoding="utf-8").splitlines()
    village_lines = [line.rstrip(",") for line in lines if line.startswith('{"township"')]
    assert [json.loads(line) for line in village_lines] == data["villages"]
    assert village_lines == [json.dumps(v, ensure_ascii=False) for v in data["villages"]]


def test_a_branch_whose_plain_form_raises_is_decided_by_the_careful_evaluator(tmp_path):
    crit = load_criteria(
        criteria_file(
            tmp_path,
            [
                "(party_members / years_since_new_member > 10 or secretary_unfit) or team_disunity",
                "party_members / years_since_new_member > 10 or team_disunity",
                "secretary_absent_days >= 30 and has_venue or not org_life_held or checked_on < '2026-01-01'",
            ],
        )
    )
    # years 0: the plain `/` raises; the evaluator reads it as unknown, and `or secretary_unfit` still holds
    found = assert_same_findings(
        crit,
        values_of(
            crit,
            party_members=40,
            years_since_new_member=0,
            secretary_unfit=True,
            team_disunity=False,
            secretary_absent_days=35,
            has_venue=True,
            org_life_held=True,
            checked_on=dt.date(2026, 9, 30),
        ),
    )
    assert found == [
        Match("X1", {"party_members": 40, "years_since_new_member": 0, "secretary_unfit": True}),
        Match("X3", {"secretary_absent_days": 35, "has_venue": True}),
    ]
    found = assert_same_findings(
        crit, values_of(crit, party_members=40, years_since_new_member=0, team_disunity=True, org_life_held=False)
    )
    assert found == [
        Match("X1", {"team_disunity": True}),
        Match("X2", {"team_disunity": True}),
        Match("X3", {"org_life_held": False}),
    ]
    # a date branch: the text literal is a date
    found = assert_same_findings(crit, values_of(crit, checked_on=dt.date(2025, 12, 31), org_life_held=True))
    assert found == [Match("X3", {"checked_on": dt.date(2025, 12, 31)})]


def test_the_generated_code_is_made_once_per_criteria_file(tmp_path):
    crit = load_criteria(criteria_file(tmp_path, ["secretary_unfit or team_disunity"]))
    assert findings_function(crit, Match) is findings_function(crit, Match)
    again = load_criteria(criteria_file(tmp_path, ["secretary_unfit or team_disunity"]))
    assert findings_function(again, Match) is findings_function(crit, Match)


NUM = ["party_members", "secretary_absent_days", "collective_petitions", "years_since_new_member", "satisfaction"]
BOOL = ["secretary_unfit", "team_disunity", "org_life_held", "has_venue"]
ATOMS = [
    *(f"{f} >= {n}" for f in NUM for n in (0, 1, 30)),
    *BOOL,
    *(f"not {f}" for f in BOOL),
    "party_members / collective_petitions > 2",
    "collective_petitions in [1, 3, 5]",
    'secretary_unfit in ["是"]',
    "checked_on >= '2026-06-30'",
    'township == "邓埠镇"',
    "true",
    "satisfaction < 60 and has_venue",
    "(team_disunity or secretary_absent_days > 10)",
]
VALUE = {
    "num": st.one_of(st.none(), st.integers(0, 40), st.sampled_from([0.5, 59.5, 100.0])),
    "bool": st.one_of(st.none(), st.booleans()),
}


@st.composite
def standard(draw):
    branches = draw(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=4))
    return " or ".join(f"({b})" if " or " in b or " and " in b else b for b in branches)


@examples(25, dev=150)
@given(whens=st.lists(standard(), min_size=1, max_size=4), data=st.data())
def test_random_either_or_standards_give_the_reference_evidence(tmp_path_factory, whens, data):
    crit = load_criteria(criteria_file(tmp_path_factory.mktemp("c"), whens))
    for _ in range(20):
        kw = {f: data.draw(VALUE["num"]) for f in NUM}
        kw.update({f: data.draw(VALUE["bool"]) for f in BOOL})
        kw["township"] = data.draw(st.sampled_from(["邓埠镇", "黄溪镇", None]))
        kw["checked_on"] = data.draw(st.sampled_from([None, dt.date(2026, 9, 30), dt.date(2026, 1, 5)]))
        assert_same_findings(crit, values_of(crit, **kw))


def clean_values(crit, **kw) -> tuple:
    """A village with every field filled in and nothing wrong, but for `kw`."""
    base = {f.id: 0 for f in crit.fields if f.type in ("int", "number")}
    base.update({f.id: False for f in crit.fields if f.type == "bool"})
    base.update(
        township="洪湖乡",
        village="塘桥村",
        code="360622105201",
        satisfaction=90,
        checked_on=dt.date(2026, 9, 20),
        party_members=36,
        election_completed=True,
        org_life_held=True,
        has_venue=True,
    )
    base.update(kw)
    return values_of(crit, **base)


def test_check_records_keeps_the_shapes_it_had():
    """Clean villages share one empty tuple; a village met has a list of findings and an empty list of
    undetermined standards; one with a blank lists the standards it leaves undetermined."""
    crit = CRIT
    recs = [
        Record(clean_values(crit), "洪湖乡.xlsx", "排查表", 3, {}),
        Record(clean_values(crit, village="宋三村", secretary_unfit=True), "洪湖乡.xlsx", "排查表", 4, {}),
        Record(
            clean_values(crit, village="东阳村", team_disunity=True, satisfaction=None), "洪湖乡.xlsx", "排查表", 5, {}
        ),
    ]
    clean, met, blank = check_records(recs, crit)
    assert clean.matches == () and clean.undetermined == () and not clean.flagged
    assert met.matches == [Match("C02", {"secretary_unfit": True})] and met.undetermined == []
    assert type(met.matches[0]) is Match and met.matches[0].id == "C02"
    assert met.matches[0].evidence == {"secretary_unfit": True}
    assert blank.matches == [Match("C03", {"team_disunity": True})]
    assert blank.undetermined == [("C15", ("satisfaction",))]


# ============================================================================ the JSON writer's text

TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("邓埠镇宋三村黄溪东阳\"\\/'\u2028\u2029\x7f"),
        st.characters(min_codepoint=0, max_codepoint=0x1F),  # control characters
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=12,
)
NUMBER = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e16, 0.1, 2.5]),
    st.booleans(),
    st.just(dt.date(2026, 9, 30)),
    st.just(dt.datetime(2026, 9, 30, 8, 30)),
)


def text_criteria(folder: Path) -> Path:
    """Standards that are met by any text or number: their evidence carries the values as they are."""
    return criteria_file(
        folder,
        [
            'code != "不会有的代码"',
            "collective_income >= 0 or collective_income < 0 or secretary_unfit",
            "secretary_unfit or team_disunity",
        ],
    )


@examples(25, dev=150)
@given(
    rows=st.lists(
        st.tuples(TEXT.filter(bool), TEXT.filter(bool), st.one_of(TEXT, st.none()), NUMBER, st.booleans()),
        min_size=1,
        max_size=8,
    ),
    sheet=st.one_of(st.none(), TEXT),
)
def test_the_hand_written_json_is_json_dumps_text(tmp_path_factory, rows, sheet):
    crit = load_criteria(text_criteria(tmp_path_factory.mktemp("c")))
    records = [
        Record(
            values_of(crit, township=t, village=n, code=c, collective_income=x, secretary_unfit=u),
            'd:\\村"表"\n.xlsx',
            sheet,
            k + 3,
            {},
        )
        for k, (t, n, c, x, u) in enumerate(rows)
    ]
    result = CheckResult(crit, dt.date(2026, 9, 30), check_records(records, crit), [], [])
    out = _write(result)
    lines = out.split("\n")
    village_lines = lines[lines.index('"villages": [') + 1 : lines.index("],")]
    expected = [json.dumps(village_to_dict(result, v), ensure_ascii=False) for v in result.villages]
    assert [line.removesuffix(",") for line in village_lines] == expected
    if not any(isinstance(x, float) and math.isnan(x) for *_r, x, _u in rows):  # NaN is never equal to itself
        assert json.loads(out) == json.loads(json.dumps(result_to_dict(result), ensure_ascii=False))


def _write(result) -> str:
    import io

    buf = io.StringIO()
    write_json(result, buf)
    return buf.getvalue()


def test_json_of_chinese_quotes_and_control_characters():
    crit = CRIT
    name = '宋"三"村\\\t\x01\u2028'
    rec = Record(
        values_of(
            crit, township="邓埠镇", village=name, code="3606\x1f", secretary_unfit=True, secretary_absent_days=45
        ),
        "邓埠镇.xlsx",
        "排查表",
        7,
        {},
    )
    result = CheckResult(crit, dt.date(2026, 9, 30), check_records([rec], crit), [], [])
    text = _write(result)
    line = [x for x in text.split("\n") if x.startswith('{"township"')][0]
    assert line == json.dumps(village_to_dict(result, result.villages[0]), ensure_ascii=False)
    assert '"village": "宋\\"三\\"村\\\\\\t\\u0001\u2028"' in line
    assert '"evidence": {"secretary_unfit": true, "secretary_absent_days": 45}' in line
    assert json.loads(text)["villages"][0]["code"] == "3606\x1f"


@pytest.mark.parametrize("shape", ["clean", "met"])
def test_a_row_that_is_not_a_number_goes_the_general_way(shape):
    crit = CRIT
    rec = Record(
        values_of(crit, township="黄溪镇", village="东阳村", secretary_unfit=shape == "met"),
        "x.yaml",
        None,
        "第3行",
        {},
    )
    result = CheckResult(crit, dt.date(2026, 9, 30), check_records([rec], crit), [], [])
    text = _write(result)
    assert json.loads(text)["villages"][0]["source"] == {"path": "x.yaml", "sheet": None, "row": "第3行"}


# ============================================================================ the two halves written and parsed at once


def village_workbook(path: Path, n: int) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(HEADER)
    for k in range(n):
        ws.append(
            ["黄溪镇" if k % 2 else "洪湖乡", f"塘桥{k}村", f"3606221052{k:02d}", "否", k % 50, k % 4, 0, 0, 0, k % 13]
        )
    wb.save(path)
    return path


def test_each_half_is_parsed_as_soon_as_it_is_written(tmp_path, monkeypatch):
    from python_calamine import CalamineWorkbook

    from lax.read import bigsheet

    monkeypatch.setattr(bigsheet, "SPLIT_MIN", 0)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    path = village_workbook(tmp_path / "黄溪镇.xlsx", 400)
    ordinary = list(CalamineWorkbook.from_path(str(path)).get_sheet_by_name("排查表").iter_rows())
    ws = bigsheet.parse_in_two(path, "排查表")
    assert ws is not None and list(ws.iter_rows()) == ordinary
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("failing", ["half1.xlsx", "half2.xlsx"])
def test_a_half_that_cannot_be_written_leaves_the_sheet_to_the_ordinary_read(tmp_path, monkeypatch, failing):
    from lax.read import bigsheet

    monkeypatch.setattr(bigsheet, "SPLIT_MIN", 0)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    real = bigsheet._write_half

    def full_disk(others, member, parts, target):
        if target.name == failing:
            raise OSError(28, "No space left on device")
        real(others, member, parts, target)

    monkeypatch.setattr(bigsheet, "_write_half", full_disk)
    path = village_workbook(tmp_path / "洪湖乡.xlsx", 400)
    assert bigsheet.parse_in_two(path, "排查表") is None
    assert list(scratch.iterdir()) == []
    # and the check reads it the ordinary way, every village
    out = tmp_path / "结果.json"
    result = runner.invoke(app, ["check", str(path), "--format", "json", "--output", str(out)])
    assert result.exit_code == 1, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["villages"] == 400
    assert [v["village"] for v in data["villages"]] == [f"塘桥{k}村" for k in range(400)]
