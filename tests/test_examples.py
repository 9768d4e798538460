"""The shipped examples: they are what `examples/make_examples.py` produces, and `lax check` reads them
with no problems and flags the villages the script says it should."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from lax.check import run_check
from lax.cli import app
from lax.criteria import load_criteria, packaged_path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = dt.date(2026, 9, 30)


def load_script():
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return load_script()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory, script):
    out = tmp_path_factory.mktemp("examples")
    assert script.main([str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def criteria():
    return load_criteria(packaged_path("criteria.yaml"))


def workbook_content(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: {
            "values": [list(r) for r in ws.iter_rows(values_only=True)],
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "freeze": ws.freeze_panes,
        }
        for ws in wb.worksheets
    }


@pytest.mark.parametrize("name", ["yujiang.xlsx", "dengbu.xlsx"])
def test_committed_workbooks_are_what_the_script_makes(regenerated, name):
    assert (EXAMPLES / name).is_file(), "run: python examples/make_examples.py"
    assert workbook_content(EXAMPLES / name) == workbook_content(regenerated / name)


@pytest.mark.parametrize("name", ["villages.csv", "villages.yaml"])
def test_committed_text_examples_are_what_the_script_makes(regenerated, name):
    assert (EXAMPLES / name).read_bytes() == (regenerated / name).read_bytes()


def test_csv_example_is_utf8_with_bom_and_chinese_headers():
    data = (EXAMPLES / "villages.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0].startswith("乡镇,村名,村代码,党员人数,")


def test_yujiang_is_english_with_a_title_row():
    ws = openpyxl.load_workbook(EXAMPLES / "yujiang.xlsx").active
    assert ws["A1"].value.startswith("Yujiang County")
    assert [c.value for c in ws[2]][:4] == ["Township", "Village", "Village code", "Party members"]
    townships = {c.value for c in ws["A"][2:]}
    assert townships == {
        "Dengbu Town",
        "Huangxi Town",
        "Ma Quan Town",
        "Honghu Township",
        "Huang Zhuang Township",
        "Yangxi Township",
        "Chuntao Township",
    }


def test_dengbu_is_shaped_like_a_real_township_sheet():
    ws = openpyxl.load_workbook(EXAMPLES / "dengbu.xlsx").active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "邓埠镇村级党组织软弱涣散情况排查表"
    assert ws["A2"].value.startswith("填报单位：")
    assert ws["Q3"].value == "信访情况" and "Q3:R3" in merged
    assert (ws["Q4"].value, ws["R4"].value) == ("集体访", "越级访")
    assert "A5:A12" in merged  # the township merged down its villages
    assert ws["D6"].value == "３８"  # full-width digits
    assert ws["X8"].value == "93%"
    assert ws["A14"].value == "合计"
    assert ws["A15"].value.startswith("填表人：")


def expected_values(village: dict, criteria) -> tuple:
    return tuple(village.get(f.id) for f in criteria.fields)


@pytest.mark.parametrize(
    "name, data, flagged, undetermined",
    [
        ("yujiang.xlsx", "YUJIANG", "YUJIANG_FLAGGED", "YUJIANG_UNDETERMINED"),
        ("dengbu.xlsx", "DENGBU", "DENGBU_FLAGGED", "DENGBU_UNDETERMINED"),
        ("villages.csv", "CSV_VILLAGES", "CSV_FLAGGED", None),
    ],
)
def test_examples_read_back_exactly_with_no_problems(script, criteria, name, data, flagged, undetermined):
    result = run_check([str(EXAMPLES / name)], criteria, AS_OF)
    assert result.problems == []
    villages = getattr(script, data)
    assert [v.record.values for v in result.villages] == [expected_values(v, criteria) for v in villages]
    got = {v.record.values[1]: [m.id for m in v.matches] for v in result.villages if v.matches}
    assert got == getattr(script, flagged)
    got = {v.record.values[1]: [u[0] for u in v.undetermined] for v in result.villages if v.undetermined}
    assert got == (getattr(script, undetermined) if undetermined else {})


def test_yaml_example_reads_back(script, criteria):
    result = run_check([str(EXAMPLES / "villages.yaml")], criteria, AS_OF)
    assert result.problems == []
    got = {v.record.values[1]: [m.id for m in v.matches] for v in result.villages}
    assert got == script.YAML_FLAGGED
    assert result.villages[0].record.values[criteria.index["code"]] == "360622101201"
    assert result.villages[0].record.values[criteria.index["checked_on"]] == dt.date(2026, 10, 8)


def test_readme_first_command_flags_yujiang_villages():
    r = CliRunner().invoke(
        app,
        ["check", str(EXAMPLES / "yujiang.xlsx"), "--format", "json", "--as-of", "2026-09-30"],
        env={"LAX_TODAY": "2026-09-30"},
    )
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    assert data["summary"] == {
        "villages": 20,
        "flagged": 10,
        "undetermined": 2,
        "problems": 0,
        "notices": 0,
        "by_criterion": {"C02": 1, "C05": 3, "C11": 1, "C12": 1, "C13": 2, "C14": 4, "C15": 2},
    }
    flagged = [(v["township"], v["village"]) for v in data["villages"] if v["flagged"]]
    assert flagged == [
        ("Dengbu Town", "Song San Village"),
        ("Huangxi Town", "Tazhou Village"),
        ("Ma Quan Town", "Xindian Village"),
        ("Honghu Township", "Dongyang Village"),
        ("Honghu Township", "Tangqiao Village"),
        ("Huang Zhuang Township", "Fang Qiu Village"),
        ("Yangxi Township", "Dunshang Village"),
        ("Chuntao Township", "Luoping Village"),
        ("Chuntao Township", "Qianshan Village"),
        ("Chuntao Township", "Dong'an Village"),
    ]
    xindian = next(v for v in data["villages"] if v["village"] == "Xindian Village")
    assert xindian["code"] == "360622102201"
    assert xindian["source"]["row"] == 9
    assert xindian["matches"] == [
        {
            "id": "C02",
            "title": "Secretary unfit for the post or often absent",
            "evidence": {"secretary_absent_days": 62},
        }
    ]
    maquan = next(v for v in data["villages"] if v["village"] == "Maquan Village")
    assert maquan["flagged"] is False
    assert maquan["undetermined"] == [{"id": "C15", "missing": ["satisfaction"]}]
    assert data["problems"] == []


def test_readme_first_command_as_a_table():
    r = CliRunner().invoke(app, ["check", str(EXAMPLES / "yujiang.xlsx"), "--as-of", "2026-09-30"])
    assert r.exit_code == 1, r.output
    assert "Song San Village" in r.stdout and "Luoping Village" in r.stdout


def test_every_example_together_is_one_clean_check():
    files = [str(EXAMPLES / n) for n in ("dengbu.xlsx", "villages.csv", "villages.yaml")]
    r = CliRunner().invoke(app, ["check", *files, "--format", "json", "--as-of", "2026-09-30", "--lang", "zh"])
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    assert data["summary"]["villages"] == 17 and data["summary"]["problems"] == 0


def test_check_results_of_yujiang_as_xlsx(tmp_path):
    out = tmp_path / "yujiang-results.xlsx"
    r = CliRunner().invoke(
        app,
        ["check", str(EXAMPLES / "yujiang.xlsx"), "--format", "xlsx", "--output", str(out), "--as-of", "2026-09-30"],
    )
    assert r.exit_code == 1, r.output
    ws = openpyxl.load_workbook(out)["Results"]
    assert ws.max_row == 21
    header = [c.value for c in ws[1]]
    song = [c.value for c in ws[2]]
    assert song[header.index("Village")] == "Song San Village"
    assert song[header.index("Flagged")] == "yes"
    assert song[header.index("C14 Public order and safety problems")] == "met"
