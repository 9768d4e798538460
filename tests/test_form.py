"""The blank input form (`lax form`): layout, validation, instructions, and a hand-filled form read back."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import openpyxl
import pytest

from lax.criteria import load_criteria, packaged_path
from lax.i18n import set_lang
from lax.problems import LaxError
from lax.render.form import FORM_SHEET, HELP_SHEET, describe_when, write_form


@pytest.fixture(scope="module")
def criteria():
    return load_criteria(packaged_path("criteria.yaml"))


@pytest.fixture(scope="module")
def blank_form(tmp_path_factory, criteria):
    path = tmp_path_factory.mktemp("blank") / "排查表.xlsx"
    write_form(criteria, path, "zh")  # about a second: written once, each test gets its own copy
    return path


@pytest.fixture()
def form(tmp_path, blank_form):
    path = tmp_path / "排查表.xlsx"
    shutil.copyfile(blank_form, path)
    return path


def validations(ws) -> dict[str, object]:
    """Column letter -> its data validation."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        ref = str(dv.sqref)
        out[ref.split(":")[0].rstrip("0123456789")] = dv
    return out


def test_form_sheet_layout(form, criteria):
    wb = openpyxl.load_workbook(form)
    assert wb.sheetnames == [FORM_SHEET, HELP_SHEET] == ["排查表", "填表说明"]
    ws = wb[FORM_SHEET]
    assert ws["A1"].value == "XX乡镇村级党组织软弱涣散情况排查表"
    assert ws["A1"].font.b
    assert "A1:AA1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value.startswith("填报单位（盖章）：")
    header = [c.value for c in ws[3]]
    assert header == [f.title_zh for f in criteria.fields]
    assert header[:3] == ["乡镇", "村名", "村代码"] and header[-1] == "排查日期"
    # Required headers in red, others black; all bold and filled.
    assert ws["A3"].font.color.rgb == "00C00000" and ws["B3"].font.color.rgb == "00C00000"
    assert ws["C3"].font.color is None
    assert all(c.font.b and c.fill.fgColor.rgb == "00D9E1F2" for c in ws[3])
    assert ws.freeze_panes == "C4"
    assert ws.column_dimensions["C"].width == 15
    assert ws.column_dimensions["AA"].width >= 12
    # Prepared rows: the code column keeps digits as text, the date column shows dates as 2026-09-30.
    assert ws["C4"].number_format == "@" and ws["C203"].number_format == "@"
    assert ws["AA4"].number_format == "yyyy-mm-dd"
    assert ws["A205"].value.startswith("填表人：")
    assert ws.print_title_rows == "$3:$3"


def test_form_validations(form, criteria):
    ws = openpyxl.load_workbook(form)[FORM_SHEET]
    dv = validations(ws)
    assert len(dv) == 27  # one per field (入党积极分子人数 is the 27th)
    letters = {f.id: openpyxl.utils.get_column_letter(i) for i, f in enumerate(criteria.fields, 1)}
    for f in criteria.fields:
        v = dv[letters[f.id]]
        assert str(v.sqref) == f"{letters[f.id]}4:{letters[f.id]}203"
        assert v.promptTitle == f.title_zh
        assert v.showInputMessage
        assert v.allow_blank
    secretary_unfit = dv[letters["secretary_unfit"]]
    assert (secretary_unfit.type, secretary_unfit.formula1) == ("list", '"是,否"')
    assert secretary_unfit.showErrorMessage and "是" in secretary_unfit.error
    for fid in ("election_completed", "org_life_held", "has_venue", "team_disunity", "gang_interference"):
        assert dv[letters[fid]].type == "list"
    members = dv[letters["party_members"]]
    assert (members.type, members.operator, members.formula1) == ("whole", "greaterThanOrEqual", "0")
    satisfaction = dv[letters["satisfaction"]]
    assert (satisfaction.type, satisfaction.operator, satisfaction.formula1, satisfaction.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    income = dv[letters["collective_income"]]
    assert income.type == "decimal"
    date = dv[letters["checked_on"]]
    assert (date.type, date.operator, date.formula1, date.formula2) == ("date", "between", "36526", "73050")
    code = dv[letters["code"]]
    assert (code.type, code.operator, code.formula1, code.errorStyle) == ("textLength", "equal", "12", "warning")
    township = dv["A"]
    assert township.type is None and "必填" in township.prompt


def test_instructions_sheet_lists_every_field_and_standard(form, criteria):
    ws = openpyxl.load_workbook(form)[HELP_SHEET]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    text = "\n".join(str(c) for c in cells)
    assert ws["A1"].value == "填表说明"
    for f in criteria.fields:
        assert f.title_zh in cells
    for c in criteria.criteria:
        assert c.id in cells
        assert c.title_zh in cells
        assert c.when in cells
    assert "书记不胜任为“是”，或书记脱岗天数 ≥ 30" in cells
    assert "群体性事件数 ≥ 1，或森林火灾次数 ≥ 1，或违章建筑户数 ≥ 10" in cells
    assert "从下拉列表选择“是”或“否”。" in cells
    assert "用于标准 C12" in cells
    assert "认定后 6 个月" in text and "70 分及以上" in text and "观察 12 个月" in text
    assert "English" not in text and "Instructions" not in text


def test_english_form_keeps_chinese_headers_and_adds_english_instructions(tmp_path, criteria):
    path = tmp_path / "form.xlsx"
    write_form(criteria, path, "en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["排查表", "填表说明"]
    ws = wb[FORM_SHEET]
    assert [c.value for c in ws[3]][:2] == ["乡镇", "村名"]
    assert validations(ws)["G"].prompt == "从下拉列表选择“是”或“否”。\nChoose 是 (yes) or 否 (no) from the drop-down."
    cells = [c for row in wb[HELP_SHEET].iter_rows(values_only=True) for c in row if c is not None]
    assert wb[HELP_SHEET]["A1"].value == "填表说明\nInstructions"
    assert "书记空缺月数\nSecretary vacant (months)" in cells
    assert "党组织书记长期缺职\nSecretary post long vacant" in cells
    assert "书记空缺月数 ≥ 3\nSecretary vacant (months) ≥ 3" in cells


def test_form_title_names_the_township(tmp_path, criteria):
    path = tmp_path / "f.xlsx"
    write_form(criteria, path, "zh", township="邓埠镇", rows=50)
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    assert ws["A1"].value == "邓埠镇村级党组织软弱涣散情况排查表"
    assert str(validations(ws)["A"].sqref) == "A4:A53"


def test_form_needs_an_xlsx_name(tmp_path, criteria):
    with pytest.raises(LaxError, match=r"\.xlsx"):
        write_form(criteria, tmp_path / "form.xls", "en")
    with pytest.raises(LaxError, match="cannot write"):
        write_form(criteria, tmp_path / "missing" / "form.xlsx", "en")


@pytest.mark.parametrize(
    "cid, zh, en",
    [
        ("C01", "书记空缺月数 ≥ 3", "Secretary vacant (months) ≥ 3"),
        ("C02", "书记不胜任为“是”，或书记脱岗天数 ≥ 30", "Secretary unfit is yes, or Secretary absent (days) ≥ 30"),
        ("C05", "换届完成为“否”", "Election completed is no"),
        ("C12", "集体访次数 ≥ 3，或越级访次数 ≥ 1", "Collective petitions ≥ 3, or Leapfrog petitions ≥ 1"),
        ("C15", "群众满意度 < 60", "Satisfaction (%) < 60"),
    ],
)
def test_describe_when_default_standards(criteria, cid, zh, en):
    c = criteria.criterion(cid)
    assert describe_when(c, criteria, "zh") == zh
    assert describe_when(c, criteria, "en") == en


def test_describe_when_other_constructs(tmp_path):
    path = tmp_path / "criteria.yaml"
    path.write_text(
        """
version: 1
fields:
  - {id: township, type: text, required: true, title: {zh: 乡镇, en: Township}}
  - {id: village, type: text, required: true, title: {zh: 村名, en: Village}}
  - {id: collective_petitions, type: int, title: {zh: 集体访次数, en: Collective petitions}}
  - {id: leapfrog_petitions, type: int, title: {zh: 越级访次数, en: Leapfrog petitions}}
  - {id: venue, type: text, title: {zh: 活动场所, en: Venue}}
  - {id: election_completed, type: bool, title: {zh: 换届完成, en: Election completed}}
criteria:
  - {id: X1, title: 信访, when: "collective_petitions + leapfrog_petitions * 2 >= 4"}
  - {id: X2, title: 场所, when: "venue in ['租用', '无'] and not (election_completed or collective_petitions > 0)"}
  - {id: X3, title: 换届, when: "election_completed == false"}
  - {id: X4, title: 算式, when: "(collective_petitions + leapfrog_petitions) * 2 - (leapfrog_petitions - 1) > -1"}
""",
        encoding="utf-8",
    )
    c = load_criteria(path)
    assert describe_when(c.criterion("X1"), c, "zh") == "集体访次数 + 越级访次数 × 2 ≥ 4"
    assert (
        describe_when(c.criterion("X2"), c, "zh")
        == "活动场所为“租用”、“无”之一，且并非（换届完成为“是”，或集体访次数 > 0）"
    )
    assert (
        describe_when(c.criterion("X2"), c, "en")
        == 'Venue is one of "租用", "无", and not (Election completed is yes, or Collective petitions > 0)'
    )
    assert describe_when(c.criterion("X3"), c, "zh") == "换届完成为“否”"
    assert describe_when(c.criterion("X3"), c, "en") == "Election completed is no"
    assert (
        describe_when(c.criterion("X4"), c, "en")
        == "(Collective petitions + Leapfrog petitions) × 2 − (Leapfrog petitions − 1) > -1"
    )
    # A form from these criteria has their fields only.
    write_form(c, tmp_path / "f.xlsx", "zh")
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx")[FORM_SHEET]
    assert [x.value for x in ws[3]] == ["乡镇", "村名", "集体访次数", "越级访次数", "活动场所", "换届完成"]


# ------------------------------------------------------------------------------ filled in by hand


def fill_in(path, criteria) -> None:
    """Type three villages into the form the way a township clerk does, and save it."""
    wb = openpyxl.load_workbook(path)
    ws = wb[FORM_SHEET]
    col = {f.id: i for i, f in enumerate(criteria.fields, 1)}
    villages = [
        {"township": "邓埠镇", "village": "宋三村", "code": "360622100201", "forest_fires": 2, "satisfaction": 78},
        {"township": "邓埠镇", "village": "仙台村", "code": "360622100202", "satisfaction": 91},
        {
            "township": "邓埠镇",
            "village": "新塘村",
            "code": "360622100207",
            "election_completed": "否",
            "satisfaction": None,
        },
    ]
    for r, v in enumerate(villages, 4):
        for f in criteria.fields:
            if f.id in v:
                value = v[f.id]
            elif f.type == "bool":
                value = "否" if f.id in ("secretary_unfit", "team_disunity", "gang_interference") else "是"
            elif f.type == "int":
                value = 0
            elif f.id == "party_members":
                value = 30
            elif f.type == "number":
                value = 8.5
            elif f.type == "percent":
                value = 85
            elif f.type == "date":
                value = dt.date(2026, 9, 28)
            else:
                value = None
            ws.cell(r, col[f.id], value)
    ws.cell(4, col["party_members"], 46)
    wb["排查表"]["A2"] = "填报单位（盖章）：邓埠镇党委        填报日期：2026年9月28日"
    wb.save(path)


def test_filled_form_reads_back_with_no_problems(form, criteria):
    from lax.check import run_check

    fill_in(form, criteria)
    result = run_check([str(form)], criteria, dt.date(2026, 9, 30))
    assert result.problems == []
    got = {
        v.record.values[1]: ([m.id for m in v.matches], [u[0] for u in v.undetermined], v.record.row)
        for v in result.villages
    }
    assert got == {"宋三村": (["C14"], [], 4), "仙台村": ([], [], 5), "新塘村": (["C05"], ["C15"], 6)}
    song = result.villages[0].record.values
    idx = criteria.index
    assert song[idx["code"]] == "360622100201"
    assert song[idx["party_members"]] == 46
    assert song[idx["election_completed"]] is True
    assert song[idx["checked_on"]] == dt.date(2026, 9, 28)
    assert all(v.record.sheet == "排查表" for v in result.villages)


def test_filled_form_through_lax_check(form, criteria):
    from typer.testing import CliRunner

    from lax.cli import app

    fill_in(form, criteria)
    r = CliRunner().invoke(app, ["check", str(form), "--format", "json", "--as-of", "2026-09-30"])
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    assert data["summary"]["problems"] == 0
    assert data["summary"]["flagged"] == 2
    assert [v["village"] for v in data["villages"] if v["flagged"]] == ["宋三村", "新塘村"]


def test_blank_form_reads_as_no_villages_and_no_problems(form, criteria):
    from lax.check import run_check

    result = run_check([str(form)], criteria, dt.date(2026, 9, 30))
    assert result.villages == [] and result.problems == []


def test_form_follows_the_current_language_when_lang_not_given(tmp_path, criteria):
    set_lang("zh")
    write_form(criteria, tmp_path / "f.xlsx")
    assert openpyxl.load_workbook(tmp_path / "f.xlsx")[HELP_SHEET]["A1"].value == "填表说明"
