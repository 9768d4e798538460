"""Notices (issue 9): every column of a sheet is either read or said to be not understood, every field
the standards use and a sheet lacks is named, and an examination date far from the check is said — in the table,
JSON, CSV's stderr and the Excel About sheet, without changing the exit code."""

import csv
import io
import json

import openpyxl
from typer.testing import CliRunner

from lax.cli import app

runner = CliRunner()

# Every column of the default form but 换届完成 (the column under test), filled in as a village with no trouble.
REST = [
    ("党员人数", 36),
    ("书记空缺月数", 0),
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
    ("森林火灾次数", 0),
    ("违章建筑户数", 0),
    ("有固定活动场所", "是"),
    ("群众满意度", 90),
]


def township_sheet(path, header, rows, rest=REST, title="邓埠镇村级班子情况排查表", sheet="排查表"):
    """A sheet as a township sends it: a title row, a 填报单位 row, the header (then the usual other columns),
    the villages, a 合计 footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([title])
    ws.append(["填报单位：邓埠镇党委", None, None, "日期：2026年9月28日"])
    ws.append(header + [h for h, _v in rest])
    for r in rows:
        ws.append(r + [v for _h, v in rest])
    ws.append(["合计"])
    wb.save(path)
    return path


def check(*args, today="2026-09-30", lang="en"):
    return runner.invoke(app, ["check", *args, "--lang", lang], env={"LAX_TODAY": today})


def as_json(result):
    return json.loads(result.stdout)


def test_a_question_form_header_is_read_and_the_cross_flags_c05(tmp_path):
    # The example: 是否完成换届 was not among the aliases, so the × was never read.
    path = township_sheet(
        tmp_path / "dengbu.xlsx",
        ["序号", "乡镇", "村名", "是否完成换届"],
        [[1, "邓埠镇", "宋三村", "×"], [2, None, "坪上村", "√"]],
    )
    r = check(str(path), "--format", "json")
    assert r.exit_code == 1, r.output
    data = as_json(r)
    assert [(v["village"], [m["id"] for m in v["matches"]]) for v in data["villages"]] == [
        ("宋三村", ["C05"]),
        ("坪上村", []),
    ]
    assert data["notices"] == [] and data["summary"]["notices"] == 0


def test_an_unknown_column_is_a_notice_with_the_closest_field_and_the_missing_field(tmp_path):
    path = township_sheet(
        tmp_path / "dengbu.xlsx",
        ["序号", "乡镇", "村名", "备注", "换届完成与否"],
        [[1, "邓埠镇", "宋三村", None, "×"], [2, None, "坪上村", "新班子", "√"]],
    )
    r = check(str(path), "--format", "json")
    assert r.exit_code == 0, r.output  # nothing flagged, no problem: the notices leave the exit code alone
    data = as_json(r)
    assert data["problems"] == []
    assert data["notices"] == [
        {
            "code": "unknown-column",
            "path": str(path),
            "sheet": "排查表",
            "row": 3,
            "column": "E",
            "field": "election_completed",
            "value": "换届完成与否",
            "message": 'column E "换届完成与否" is not a known field (not read) — did you mean 换届完成 (election_completed)?',
        },
        {
            "code": "missing-field",
            "path": str(path),
            "sheet": "排查表",
            "row": 3,
            "column": None,
            "field": "election_completed",
            "value": "C05",
            "message": "no column for Election completed (election_completed), which C05 use(s): undetermined for every "
            "village whose outcome depends on it",
        },
    ]
    assert data["summary"]["notices"] == 2
    # Both villages wait for the column that was not understood; 序号 and 备注 are not noticed.
    assert [v["undetermined"] for v in data["villages"]] == [[{"id": "C05", "missing": ["election_completed"]}]] * 2


def test_the_table_says_it_in_one_line_per_sheet_and_the_absent_column_is_not_called_blank(tmp_path):
    path = township_sheet(
        tmp_path / "dengbu.xlsx",
        ["乡镇", "村名", "换届完成与否"],
        [["邓埠镇", "宋三村", "×"], ["邓埠镇", "坪上村", "√"], ["邓埠镇", "徐家村", "√"]],
    )
    r = check(str(path))
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    k = lines.index("Notices (read, but check these):")
    assert lines[k + 1] == (
        f"  {path}, sheet 排查表: columns not understood: C 换届完成与否 (did you mean 换届完成?); "
        "fields missing: Election completed (C05)"
    )
    assert lines[k + 2] == "3 villages checked, 0 flagged, 3 undetermined, 0 problems, 2 notices"
    assert sum("Election completed (no column)" in line for line in lines) == 3


def test_the_table_in_chinese(tmp_path):
    path = township_sheet(tmp_path / "dengbu.xlsx", ["乡镇", "村名", "换届完成与否"], [["邓埠镇", "宋三村", "×"]])
    r = check(str(path), lang="zh")
    assert r.exit_code == 0, r.output
    assert (
        f"  {path}，排查表：未识别的列：C 换届完成与否（是否应为“换届完成”？）；缺少的字段：换届完成（C05）"
        in r.stdout.splitlines()
    )


def test_a_sheet_whose_columns_are_all_unrecognised_names_every_missing_field(tmp_path):
    header = ["乡镇", "村名", "支书姓名", "人口数"]
    path = township_sheet(
        tmp_path / "huangxi.xlsx", header, [["黄溪镇", "东阳村", "张三", 1200]], rest=[], title="黄溪镇排查表"
    )
    r = check(str(path), "--format", "json")
    assert r.exit_code == 0, r.output
    data = as_json(r)
    unknown = [(n["column"], n["value"], n["field"]) for n in data["notices"] if n["code"] == "unknown-column"]
    assert unknown == [("C", "支书姓名", None), ("D", "人口数", None)]
    assert data["notices"][0]["message"] == 'column C "支书姓名" is not a known field; its values are not read'
    missing = {n["field"]: n["value"] for n in data["notices"] if n["code"] == "missing-field"}
    assert missing == {
        "secretary_vacant_months": "C01",
        "secretary_unfit": "C02",
        "secretary_absent_days": "C02",
        "team_disunity": "C03",
        "committee_vacancies": "C04",
        "election_completed": "C05",
        "vote_buying_cases": "C06",
        "org_life_held": "C07",
        "years_since_new_member": "C08",
        "gang_interference": "C09",
        "disclosure_missed_months": "C10",
        "asset_cases": "C11",
        "collective_petitions": "C12",
        "leapfrog_petitions": "C12",
        "cadre_violations": "C13",
        "mass_incidents": "C14",
        "forest_fires": "C14",
        "illegal_buildings": "C14",
        "satisfaction": "C15",
    }
    assert data["summary"] == {
        "villages": 1,
        "flagged": 0,
        "undetermined": 1,
        "problems": 0,
        "notices": 21,
        "by_criterion": {},
    }


def test_a_question_asked_the_other_way_round_is_suggested_with_a_warning(tmp_path):
    path = township_sheet(
        tmp_path / "dengbu.xlsx",
        ["乡镇", "村名", "换届完成", "班子是否团结"],
        [["邓埠镇", "宋三村", "是", "是"]],
        rest=REST[:4] + REST[5:],
    )  # no 班子不团结 column
    notices = as_json(check(str(path), "--format", "json"))["notices"]
    assert notices[0]["message"] == (
        'column D "班子是否团结" is not a known field (not read) — did you mean 班子不团结 (team_disunity)? '
        "Mind the sense: 班子不团结 asks the opposite question, so its yes is this column's no"
    )


def test_an_unknown_child_of_a_two_row_header_is_named_by_its_own_column(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["邓埠镇排查表"])
    ws.append(["乡镇", "村名", "信访情况", None, None, "换届完成"])
    ws.append([None, None, "集体访", "越级访", "网上信访", None])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:E2")
    ws.merge_cells("F2:F3")
    ws.append(["邓埠镇", "宋三村", 0, 1, 2, "是"])
    path = tmp_path / "dengbu.xlsx"
    wb.save(path)
    data = as_json(check(str(path), "--format", "json"))
    assert [(v["village"], [m["id"] for m in v["matches"]]) for v in data["villages"]] == [("宋三村", ["C12"])]
    unknown = [(n["row"], n["column"], n["value"]) for n in data["notices"] if n["code"] == "unknown-column"]
    assert unknown == [(3, "E", "网上信访")]


def test_csv_output_keeps_stdout_clean_and_says_the_notices_on_stderr(tmp_path):
    path = township_sheet(tmp_path / "dengbu.xlsx", ["乡镇", "村名", "换届完成与否"], [["邓埠镇", "宋三村", "×"]])
    r = check(str(path), "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert [row[:2] for row in rows] == [["Township", "Village"], ["邓埠镇", "宋三村"]]
    assert r.stderr.splitlines() == [
        f"notice: {path}, sheet 排查表: columns not understood: C 换届完成与否 (did you mean 换届完成?); "
        "fields missing: Election completed (C05)"
    ]


def test_the_excel_results_list_the_notices_on_the_about_sheet(tmp_path):
    path = township_sheet(tmp_path / "dengbu.xlsx", ["乡镇", "村名", "换届完成与否"], [["邓埠镇", "宋三村", "×"]])
    out = tmp_path / "结果.xlsx"
    r = check(str(path), "--format", "xlsx", "--output", str(out))
    assert r.exit_code == 0, r.output
    about = [list(row) for row in openpyxl.load_workbook(out)["About"].iter_rows(values_only=True)]
    assert ["Notices", 2, None] in about
    k = about.index(["Notices", None, None])
    assert about[k + 1] == [
        None,
        f"{path}, sheet 排查表: columns not understood: C 换届完成与否 (did you mean 换届完成?); "
        "fields missing: Election completed (C05)",
        None,
    ]


def test_yaml_keys_that_name_no_field_are_noticed_with_their_line(tmp_path):
    path = tmp_path / "spot.yaml"
    path.write_text(
        "villages:\n"
        "  - 乡镇: 洪湖乡\n"
        "    村名: 塘桥村\n"
        "    换届完成与否: 否\n"
        "    备注: 抽查\n"
        "  - 乡镇: 洪湖乡\n"
        "    村名: 东阳村\n"
        "    换届完成与否: 是\n",
        encoding="utf-8",
    )
    data = as_json(check(str(path), "--format", "json"))
    unknown = [n for n in data["notices"] if n["code"] == "unknown-column"]
    assert [(n["row"], n["line"], n["value"], n["field"]) for n in unknown] == [
        (1, 4, "换届完成与否", "election_completed")
    ]
    assert (
        unknown[0]["message"]
        == 'key "换届完成与否" is not a known field (not read) — did you mean 换届完成 (election_completed)?'
    )
    assert "election_completed" in {n["field"] for n in data["notices"] if n["code"] == "missing-field"}


def test_lax_own_results_read_back_without_notices(tmp_path):
    path = township_sheet(tmp_path / "dengbu.xlsx", ["乡镇", "村名", "换届完成"], [["邓埠镇", "宋三村", "×"]])
    out = tmp_path / "results.xlsx"
    assert check(str(path), "--format", "xlsx", "--output", str(out)).exit_code == 1
    r = check(str(out), "--format", "json")
    assert r.exit_code == 1, r.output
    assert as_json(r)["notices"] == []


# -------------------------------------------------------------------------------- examination dates


def dated_sheet(path, dates):
    rows = [["邓埠镇", name, "是", day] for name, day in zip(["宋三村", "坪上村", "徐家村"], dates)]
    return township_sheet(path, ["乡镇", "村名", "换届完成", "排查日期"], rows)


def test_an_examination_a_year_old_is_one_notice_for_the_sheet(tmp_path):
    path = dated_sheet(tmp_path / "dengbu.xlsx", ["2025-03-31", "2025-03-31", "2026-11-20"])
    r = check(str(path), "--format", "json", today="2026-11-29")
    assert r.exit_code == 0, r.output
    assert as_json(r)["notices"] == [
        {
            "code": "checked-on-far",
            "path": str(path),
            "sheet": "排查表",
            "row": 4,
            "column": "D",
            "field": "checked_on",
            "value": "2025-03-31",
            "message": "Checked on 2025-03-31 is 608 days before the check date 2026-11-29 (2 of 3 villages)",
        }
    ]


def test_an_examination_dated_after_the_check_is_noticed(tmp_path):
    path = dated_sheet(tmp_path / "dengbu.xlsx", ["2026-09-28", "2062-09-28", "2026-09-28"])
    r = check(str(path), "--as-of", "2026-09-30", "--format", "json", today="2026-10-02")
    assert r.exit_code == 0, r.output
    notices = as_json(r)["notices"]
    assert [(n["code"], n["row"], n["message"]) for n in notices] == [
        (
            "checked-on-future",
            5,
            "Checked on 2062-09-28 is 13147 days after the check date 2026-09-30 (1 of 3 villages)",
        )
    ]


def test_dates_within_a_quarter_of_the_check_say_nothing(tmp_path):
    path = dated_sheet(tmp_path / "dengbu.xlsx", ["2026-07-01", "2026-09-30", "2026-09-28"])
    r = check(str(path), "--as-of", "2026-09-30", "--format", "json", today="2026-09-30")
    assert as_json(r)["notices"] == []


def test_a_check_dated_far_from_the_day_it_runs_is_noticed(tmp_path):
    path = dated_sheet(tmp_path / "dengbu.xlsx", ["2025-09-28"] * 3)
    r = check(str(path), "--as-of", "2025-09-30", today="2026-09-30")
    assert r.exit_code == 0, r.output
    assert "  --as-of: the check date 2025-09-30 is 365 days before today (2026-09-30)" in r.stdout.splitlines()
    r = check(str(path), "--as-of", "2026-10-30", "--format", "json", today="2026-09-30")
    notice = as_json(r)["notices"][0]
    assert (notice["code"], notice["path"], notice["message"]) == (
        "as-of-future",
        "--as-of",
        "the check date 2026-10-30 is 30 days after today (2026-09-30)",
    )


def test_a_second_column_for_the_same_field_is_said_and_the_first_is_read(tmp_path):
    path = township_sheet(
        tmp_path / "dengbu.xlsx", ["乡镇", "村名", "换届完成", "满意度"], [["邓埠镇", "宋三村", "是", 40]]
    )  # 群众满意度 (90) comes later, among the usual columns
    r = check(str(path), "--format", "json")
    assert r.exit_code == 1, r.output
    data = as_json(r)
    assert [m["evidence"] for v in data["villages"] for m in v["matches"]] == [{"satisfaction": 40}]
    assert [(n["code"], n["column"], n["field"], n["message"]) for n in data["notices"]] == [
        (
            "repeated-column",
            "X",
            "satisfaction",
            'column X "群众满意度" names Satisfaction (%) (satisfaction) again: only column D is read',
        )
    ]


def test_a_column_without_a_header_that_holds_values_is_said(tmp_path):
    path = township_sheet(tmp_path / "dengbu.xlsx", ["乡镇", "村名", "换届完成"], [["邓埠镇", "宋三村", "是"]])
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["Z4"] = "已整改"  # a note typed right of the table, under no header
    wb.save(path)
    data = as_json(check(str(path), "--format", "json"))
    assert [(n["code"], n["row"], n["column"], n["value"], n["message"]) for n in data["notices"]] == [
        ("unknown-column", 3, "Z", "", "column Z has no header but holds values (“已整改” on row 4); they are not read")
    ]
    assert (
        as_json(
            check(
                str(
                    township_sheet(tmp_path / "clean.xlsx", ["乡镇", "村名", "换届完成"], [["邓埠镇", "宋三村", "是"]])
                ),
                "--format",
                "json",
            )
        )["notices"]
        == []
    )
