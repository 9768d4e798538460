"""Rows that are not what they seem, driven through `lax check --format json`: a CSV quote left open that
swallows the following lines, cells spilling past the header, names that are no names. Never a silent merge."""

import json

import openpyxl
from typer.testing import CliRunner

from lax.cli import app

runner = CliRunner()


def check(*paths):
    result = runner.invoke(app, ["check", *map(str, paths), "--format", "json", "--as-of", "2026-09-30"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result, json.loads(result.stdout)


def problems(data):
    return [(p["code"], p["row"], p["column"], p["field"]) for p in data["problems"]]


def villages(data):
    return [(v["township"], v["village"]) for v in data["villages"]]


CSV_HEAD = "乡镇,村名,行政区划代码,党员人数,备注\n"


def test_a_stray_quote_that_swallows_a_thousand_rows_is_reported_at_its_line(tmp_path):
    lines = [CSV_HEAD.rstrip("\n"), '邓埠镇,"宋三村,360622101201,30,']  # the quote never closes
    lines += [f"邓埠镇,新村{k},36062210{k:04d},{20 + k % 9}," for k in range(1000)]
    path = tmp_path / "邓埠镇.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, data = check(path)
    assert result.exit_code == 2
    assert data["villages"] == []
    assert problems(data) == [("csv-quote", 2, "B", "village")]
    message = data["problems"][0]["message"]
    assert "line 2" in message and "next 1000 line(s)" in message and "lines 2-1002 are not read" in message


def test_a_quote_closed_further_down_costs_only_the_swallowed_lines(tmp_path):
    path = tmp_path / "黄溪镇.csv"
    path.write_text(
        CSV_HEAD
        + '黄溪镇,"东阳村,360622103201,30,\n'  # line 2: the quote opens
        + "黄溪镇,塘桥村,360622103202,25,\n"  # line 3: swallowed
        + '黄溪镇,坪上村",360622103203,28,\n'  # line 4: the quote closes
        + "黄溪镇,渡口村,360622103204,31,\n",
        encoding="utf-8",
    )
    result, data = check(path)
    assert result.exit_code == 2
    assert villages(data) == [("黄溪镇", "渡口村")]
    assert problems(data) == [("csv-quote", 2, "B", "village")]
    assert "next 2 line(s) (to line 4)" in data["problems"][0]["message"]


def test_a_line_break_in_a_number_cell_is_a_quote_problem_too(tmp_path):
    path = tmp_path / "马荃镇.csv"
    path.write_text(CSV_HEAD + '马荃镇,新店村,360622106201,"3\n0",\n马荃镇,岩前村,360622106202,12,\n', encoding="utf-8")
    result, data = check(path)
    assert villages(data) == [("马荃镇", "岩前村")]
    assert problems(data) == [("csv-quote", 2, "D", "party_members")]


def test_a_quoted_multi_line_note_stands(tmp_path):
    path = tmp_path / "洪湖乡.csv"
    path.write_text(
        CSV_HEAD
        + '洪湖乡,塘桥村,360622104201,30,"第一季度已整改\n第二季度复查"\n'
        + "洪湖乡,东阳村,360622104202,22,\n",
        encoding="utf-8",
    )
    result, data = check(path)
    assert result.exit_code == 0, result.output
    assert villages(data) == [("洪湖乡", "塘桥村"), ("洪湖乡", "东阳村")]
    assert data["villages"][1]["source"]["row"] == 4  # the row after the two-line note keeps its own line
    assert data["problems"] == []


def test_cells_past_the_header_in_a_csv_are_reported_at_their_row_and_column(tmp_path):
    path = tmp_path / "春涛乡.csv"
    path.write_text(
        "乡镇,村名,党员人数\n春涛乡,罗坪村,30\n春涛乡,罗坪村二组,春涛乡,山背村,28\n春涛乡,港口村,26,,\n",
        encoding="utf-8",
    )
    result, data = check(path)
    assert result.exit_code == 2
    assert ("春涛乡", "港口村") in villages(data)
    # the row shifted right: its township lands in 党员人数, and two cells spill past the header
    assert problems(data) == [
        ("bad-number", 3, "C", "party_members"),
        ("extra-cells", 3, "D", None),
        ("extra-cells", 3, "E", None),
    ]
    assert "'山背村'" in data["problems"][1]["message"] and "'28'" in data["problems"][2]["message"]


def sheet(path, rows, header=("乡镇", "村名", "行政区划代码", "书记空缺月数", "备注")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["邓埠镇村级班子情况排查表"])
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    ws.append(["合计", None, None, None, None, None, "填表人：张三"])
    wb.save(path)
    return path


def test_cells_past_the_header_in_a_sheet_are_reported_and_the_footer_is_not(tmp_path):
    path = sheet(
        tmp_path / "邓埠镇.xlsx",
        [
            ["邓埠镇", "宋三村", "360622101201", 0, None],
            ["邓埠镇", "塔洲村", "360622101202", 2, "已整改", None, 5],  # 5 in G: no column there
            ["邓埠镇", "西畈村", "360622101203", 0],
        ],
    )
    result, data = check(path)
    assert result.exit_code == 2
    assert villages(data) == [("邓埠镇", "宋三村"), ("邓埠镇", "塔洲村"), ("邓埠镇", "西畈村")]
    assert problems(data) == [("extra-cells", 4, "G", None)]
    assert data["problems"][0]["sheet"] == "排查表"


def test_a_name_with_a_line_break_or_too_long_is_a_problem_not_a_village(tmp_path):
    long_name = "宋三村" * 11  # 33 characters
    path = sheet(
        tmp_path / "邓埠镇.xlsx",
        [
            ["邓埠镇", "宋三村\n塔洲村", "360622101201", 0],
            ["邓埠镇", long_name, "360622101202", 0],
            ["邓埠镇", "西畈村", "360622101203", 0],
            ["邓埠镇", "  墩上村  ", "360622101204", 0],  # spaces around a name are no problem
        ],
    )
    result, data = check(path)
    assert result.exit_code == 2
    assert villages(data) == [("邓埠镇", "西畈村"), ("邓埠镇", "墩上村")]
    assert problems(data) == [("bad-name", 3, "B", "village"), ("bad-name", 4, "B", "village")]
    assert "1 line break" in data["problems"][0]["message"]
    assert "33 characters" in data["problems"][1]["message"]


def test_a_long_name_in_a_csv_is_reported_in_chinese_too(tmp_path):
    path = tmp_path / "杨溪乡.csv"
    path.write_text("乡镇,村名\n杨溪乡," + "岭下村" * 12 + "\n杨溪乡,湾里村\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "--format", "json", "--lang", "zh"])
    data = json.loads(result.stdout)
    assert result.exit_code == 2
    assert problems(data) == [("bad-name", 2, "B", "village")]
    assert "36 个字符" in data["problems"][0]["message"]
