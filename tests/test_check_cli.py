"""`lax check` driven as a user does: output formats, the exact JSON shape, exit codes, problems beside results."""

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from lax.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

HEADER = ["乡镇", "村名", "行政区划代码", "书记空缺月数", "换届完成", "群众满意度", "森林火灾次数"]
# The other columns of the default form, filled in as a village with no trouble would have them.
REST = [
    ("党员人数", 36),
    ("书记不胜任", "否"),
    ("书记脱岗天数", 0),
    ("班子不团结", "否"),
    ("两委缺额人数", 0),
    ("拉票贿选案件数", 0),
    ("三会一课落实", "是"),
    ("未发展党员年数", 0),
    ("宗族宗教黑恶势力干扰", "否"),
    ("村务财务未公开月数", 0),
    ("集体资产处置问题数", 0),
    ("集体访次数", 0),
    ("越级访次数", 0),
    ("干部违纪违法人次", 0),
    ("群体性事件数", 0),
    ("违章建筑户数", 0),
    ("有固定活动场所", "是"),
]


def township_sheet(path, rows, title="锦江镇村级班子情况排查表"):
    """A sheet as a township sends it: a title row, a 填报单位 row, the header, villages, a 合计 footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append([title])
    ws.append(["填报单位：锦江镇党委", None, None, "日期：2026年9月30日"])
    ws.append(HEADER + [h for h, _v in REST])
    for r in rows:
        ws.append(r + [v for _h, v in REST])
    ws.append(["合计"])
    wb.save(path)
    return path


ROWS = [
    ["锦江镇", "大塘村", 360622102201, 0, "是", 88, 0],
    [None, "石港村", 360622102202, 4, "是", 90, 0],  # C01: secretary vacant 4 months
    [None, "新岭村", 360622102203, 0, "否", 75, 1],  # C05 and C14
    [None, "下陂村", 360622102204, 0, "是", None, 0],  # C15 undetermined
]


def invoke(args):
    # The run's day pinned too: a check dated far from the day it runs carries an `as-of-far` notice.
    return runner.invoke(app, ["check", *args, "--as-of", "2026-09-30"], env={"LAX_TODAY": "2026-09-30"})


def test_json_has_exactly_the_spec_shape(tmp_path):
    path = township_sheet(tmp_path / "jinjiang.xlsx", ROWS)
    result = invoke([str(path), "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["criteria", "as_of", "summary", "villages", "problems", "notices"]
    assert data["criteria"]["version"] == 1 and data["criteria"]["count"] == 15
    assert data["as_of"] == "2026-09-30"
    assert data["summary"] == {
        "villages": 4,
        "flagged": 2,
        "undetermined": 1,
        "problems": 0,
        "notices": 0,
        "by_criterion": {"C01": 1, "C05": 1, "C14": 1},
    }
    assert [v["village"] for v in data["villages"]] == ["大塘村", "石港村", "新岭村", "下陂村"]
    shigang = data["villages"][1]
    assert shigang == {
        "township": "锦江镇",
        "village": "石港村",
        "code": "360622102202",
        "source": {"path": str(path), "sheet": "排查表", "row": 5},
        "flagged": True,
        "matches": [{"id": "C01", "title": "Secretary post long vacant", "evidence": {"secretary_vacant_months": 4}}],
        "undetermined": [],
    }
    xinling = data["villages"][2]
    assert [(m["id"], m["evidence"]) for m in xinling["matches"]] == [
        ("C05", {"election_completed": False}),
        ("C14", {"forest_fires": 1}),
    ]
    assert data["villages"][3]["undetermined"] == [{"id": "C15", "missing": ["satisfaction"]}]
    assert data["villages"][3]["flagged"] is False
    assert data["problems"] == []
    assert data["notices"] == []


def test_problems_exit_2_and_valid_rows_are_still_checked(tmp_path):
    rows = [r[:] for r in ROWS]
    rows[0][3] = "七"  # not a number: row 4, column D
    rows[2][4] = "也许"  # not a yes/no: row 6, column E
    path = township_sheet(tmp_path / "jinjiang.xlsx", rows)
    result = invoke([str(path), "--format", "json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["summary"]["villages"] == 4
    assert data["summary"]["flagged"] == 2  # 石港村 C01, 新岭村 C14 (C05 unknown now)
    codes = [(p["code"], p["row"], p["column"], p["field"], p["value"]) for p in data["problems"]]
    assert codes == [
        ("bad-number", 4, "D", "secretary_vacant_months", "七"),
        ("bad-bool", 6, "E", "election_completed", "也许"),
    ]
    for p in data["problems"]:
        assert p["path"] == str(path) and p["sheet"] == "排查表" and p["message"]


def test_exit_0_when_nothing_flagged(tmp_path):
    path = township_sheet(tmp_path / "ok.xlsx", [ROWS[0]])
    result = invoke([str(path)])
    assert result.exit_code == 0, result.output
    assert "1 villages checked, 0 flagged, 0 undetermined, 0 problems" in result.stdout


def test_table_lists_flagged_undetermined_problems_and_summary(tmp_path):
    rows = [r[:] for r in ROWS]
    rows[0][3] = "七"
    path = township_sheet(tmp_path / "jinjiang.xlsx", rows)
    result = invoke([str(path), "--lang", "zh"])
    assert result.exit_code == 2
    out = result.stdout
    assert "符合认定标准的村" in out and "石港村" in out and "书记空缺月数 = 4" in out
    assert "待定（有空值）" in out and "下陂村" in out  # a bad value leaves its standard undetermined, as a blank does
    assert f"{path}，排查表，第4行，D列：书记空缺月数：“七”不是0 或正整数 [bad-number]" in out
    assert "共检查 4 个村，2 个符合认定标准，2 个待定，1 处问题" in out
    assert out.index("石港村") < out.index("待定（有空值）") < out.index("输入中的问题")


def test_all_lists_every_village(tmp_path):
    path = township_sheet(tmp_path / "jinjiang.xlsx", ROWS)
    plain = invoke([str(path)]).stdout
    every = invoke([str(path), "--all"]).stdout
    assert "大塘村" not in plain.split("Undetermined")[0]
    assert "大塘村" in every


def test_csv_output(tmp_path):
    path = township_sheet(tmp_path / "jinjiang.xlsx", ROWS)
    out = tmp_path / "result.csv"
    result = invoke([str(path), "--format", "csv", "--output", str(out)])
    assert result.exit_code == 1, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 5
    assert rows[2][:3] == ["锦江镇", "石港村", "360622102202"]
    assert rows[0][:3] == ["Township", "Village", "Village code"]


def test_xlsx_output_needs_output_file(tmp_path):
    path = township_sheet(tmp_path / "jinjiang.xlsx", ROWS)
    result = invoke([str(path), "--format", "xlsx"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "--format xlsx needs --output FILE.xlsx"


def test_xlsx_output_reads_back(tmp_path):
    path = township_sheet(tmp_path / "jinjiang.xlsx", ROWS)
    out = tmp_path / "回执.xlsx"
    result = invoke([str(path), "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 1, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] in ("Results", "结果")
    again = invoke([str(out), "--format", "json", "--sheet", wb.sheetnames[0]])
    assert json.loads(again.stdout)["summary"]["flagged"] == 2


def test_several_files_and_sheet_option(tmp_path):
    a = township_sheet(tmp_path / "a.xlsx", ROWS[:2])
    b = township_sheet(tmp_path / "b.xlsx", [["洪湖乡", "东阳村", 360622103201, 0, "是", 80, 0]])
    result = invoke([str(a), str(b), "--format", "json", "--sheet", "排查表"])
    data = json.loads(result.stdout)
    assert [v["village"] for v in data["villages"]] == ["大塘村", "石港村", "东阳村"]
    missing = invoke([str(a), "--format", "json", "--sheet", "汇总"])
    assert missing.exit_code == 2
    assert json.loads(missing.stdout)["problems"][0]["code"] == "no-sheet"


@pytest.mark.parametrize("bad", ["2026-13-40", "next week"])
def test_bad_as_of_is_a_usage_error(tmp_path, bad):
    path = township_sheet(tmp_path / "a.xlsx", ROWS)
    result = runner.invoke(app, ["check", str(path), "--as-of", bad])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"--as-of: '{bad}' is not a valid date (expected YYYY-MM-DD, e.g. 2026-09-30)"


def test_unreadable_inputs_are_one_problem_each_never_a_traceback(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    noise = tmp_path / "noise.xls"
    noise.write_bytes(bytes(range(256)) * 40)
    text = tmp_path / "text.xls"
    text.write_text("乡镇,村名\n邓埠镇,宋三村\n", encoding="utf-8")
    truncated = tmp_path / "truncated.xlsx"
    township_sheet(tmp_path / "whole.xlsx", ROWS)
    truncated.write_bytes((tmp_path / "whole.xlsx").read_bytes()[:2000])
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    missing = tmp_path / "missing.xlsx"
    files = [empty, noise, text, truncated, folder, missing]
    result = invoke([*map(str, files), "--format", "json"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)
    assert sorted(p["path"] for p in data["problems"]) == sorted(map(str, files))
    assert all(p["code"] == "unreadable-file" for p in data["problems"])


def test_missing_file_in_table_mode(tmp_path):
    result = invoke([str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 2
    assert "nope.xlsx" in result.stdout and "Traceback" not in result.output


def test_shipped_examples():
    for name, flagged in (("yujiang.xlsx", 10), ("dengbu.xlsx", 3)):
        result = invoke([str(EXAMPLES / name), "--format", "json"])
        assert result.exit_code == 1, result.output
        data = json.loads(result.stdout)
        assert data["summary"]["problems"] == 0
        assert data["summary"]["flagged"] == flagged


def test_table_output_to_file(tmp_path):
    path = township_sheet(tmp_path / "a.xlsx", ROWS)
    out = tmp_path / "result.txt"
    result = invoke([str(path), "--output", str(out)])
    assert result.exit_code == 1
    text = out.read_text(encoding="utf-8")
    assert "石港村" in text and "4 villages checked" in text


def test_record_files_the_submission_under_the_quarter_examined(tmp_path):
    """A Q3 examination (排查日期 in September) handed in on 8 October is a late Q3 submission, not a Q4 one."""
    import yaml

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["乡镇", "村名", "换届完成", "排查日期"])
    ws.append(["锦江镇", "大塘村", "是", "2026-09-26"])
    ws.append(["锦江镇", "新岭村", "否", "2026年9月27日"])
    path = tmp_path / "jinjiang.xlsx"
    wb.save(path)
    ledger = tmp_path / "ledger"
    result = runner.invoke(app, ["check", str(path), "--as-of", "2026-10-08", "--record", "--ledger", str(ledger)])
    assert result.exit_code == 1, result.output
    township = yaml.safe_load((ledger / "_townships" / "锦江镇.yaml").read_text(encoding="utf-8"))
    assert [(e["type"], str(e["date"]), e["quarter"]) for e in township["events"]] == [
        ("submission", "2026-10-08", "2026Q3")
    ]
    village = yaml.safe_load((ledger / "锦江镇-新岭村.yaml").read_text(encoding="utf-8"))
    assert [(e["type"], e["criteria"]) for e in village["events"]] == [("identified", ["C05"])]
    again = runner.invoke(app, ["check", str(path), "--as-of", "2026-10-08", "--record", "--ledger", str(ledger)])
    assert again.exit_code == 1
    assert (ledger / "_townships" / "锦江镇.yaml").read_text(encoding="utf-8").count("submission") == 1


def test_record_refuses_input_with_problems(tmp_path):
    rows = [r[:] for r in ROWS]
    rows[0][3] = "七"
    path = township_sheet(tmp_path / "jinjiang.xlsx", rows)
    ledger = tmp_path / "ledger"
    result = invoke([str(path), "--record", "--ledger", str(ledger), "--format", "json"])
    assert result.exit_code == 2
    assert "nothing recorded in the ledger: the input has 1 problem(s)" in result.stderr
    assert not ledger.exists()


def test_streamed_json_equals_the_result_as_data(tmp_path):
    """The JSON written line by line parses to exactly the library's own result."""
    import datetime as dt

    from lax.check import result_to_dict, run_check
    from lax.criteria import load_criteria

    rows = [r[:] for r in ROWS] + [["锦江镇", '村"引号\\反斜杠', None, 0, "是", 90, 0]]
    rows[0][3] = "七"
    path = township_sheet(tmp_path / "jinjiang.xlsx", rows)
    out = tmp_path / "out.json"
    result = invoke([str(path), "--format", "json", "--output", str(out)])
    assert result.exit_code == 2
    expected = result_to_dict(run_check([str(path)], load_criteria(), dt.date(2026, 9, 30)))
    assert json.loads(out.read_text(encoding="utf-8")) == expected
    assert expected["villages"][4]["village"] == '村"引号\\反斜杠' and expected["villages"][4]["code"] is None


def test_bad_lax_today_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv("LAX_TODAY", "2026-13-01")
    path = township_sheet(tmp_path / "a.xlsx", ROWS)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == "LAX_TODAY: '2026-13-01' is not a date like 2026-09-30"


def test_progress_bar_starts_for_large_inputs_only():
    from lax.cli import _Progress

    small = _Progress(large=False)
    small.update(100, 500)  # a small file: no bar
    assert small._bar is None
    small.update(1000, 50000)  # a large sheet, counted once it is unpacked: a bar with its total
    assert small._bar is not None and small._bar.tasks[0].total == 50000
    small.close()
    big = _Progress(large=True)  # a large file: a bar at once, before rows can be counted
    assert big._bar is not None and big._bar.tasks[0].total is None
    big.update(5, 80000)
    assert big._bar.tasks[0].completed == 5
    big.close()
