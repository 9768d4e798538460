"""Reading township spreadsheets as they really arrive: each workbook is built with openpyxl the
way townships fill them in, and the test asserts the exact records, rows, column letters and problems."""

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

import lax.read.rows
from lax.criteria import load_criteria
from lax.read.records import Record, column_letter, read_records

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def criteria():
    return load_criteria(ROOT / "criteria.yaml")


def book(path, sheets):
    """Write a workbook: `sheets` maps a sheet name to a function that fills the worksheet."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, fill in sheets.items():
        fill(wb.create_sheet(name))
    wb.save(path)
    return str(path)


def rows_into(ws, rows, start=1):
    for r, row in enumerate(rows, start=start):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(r, c, v)


def get(rec, criteria, *fields):
    return tuple(rec.values[criteria.index[f]] for f in fields)


def codes(problems):
    return [p.code for p in problems]


# ------------------------------------------------------------------------------------ titles and headers


def test_title_rows_above_the_header(tmp_path, criteria):
    def fill(ws):
        ws["A1"] = "邓埠镇村级班子情况排查表"
        ws.merge_cells("A1:F1")
        ws["A2"] = "填报单位：邓埠镇党委"
        ws["E2"] = "日期：2026年9月30日"
        rows_into(
            ws,
            [
                ["乡镇", "村名", "行政区划代码", "书记空缺月数", "换届完成", "群众满意度"],
                ["邓埠镇", "宋三村", 360622101201, 0, "是", 88],
                ["邓埠镇", "西畈村", 360622101202, 4, "否", 0.55],
            ],
            start=3,
        )

    path = book(tmp_path / "dengbu.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == []
    assert [r.row for r in records] == [4, 5]
    assert [r.sheet for r in records] == ["排查表", "排查表"]
    assert records[0].path == path
    assert get(
        records[0],
        criteria,
        "township",
        "village",
        "code",
        "secretary_vacant_months",
        "election_completed",
        "satisfaction",
    ) == ("邓埠镇", "宋三村", "360622101201", 0, True, 88)
    assert get(records[1], criteria, "secretary_vacant_months", "election_completed", "satisfaction") == (4, False, 55)
    assert records[0].columns == {
        "township": "A",
        "village": "B",
        "code": "C",
        "secretary_vacant_months": "D",
        "election_completed": "E",
        "satisfaction": "F",
    }
    assert records[0].columns is records[1].columns  # shared by the sheet
    # fields without a column are blank
    assert get(records[0], criteria, "party_members", "checked_on") == (None, None)


def test_two_row_header_with_merged_parent_cells(tmp_path, criteria):
    def fill(ws):
        ws["A1"] = "马荃镇村级班子情况排查表"
        rows_into(
            ws,
            [
                ["序号", "乡镇", "村名", "书记空缺\n月数", "信访情况", None, "群众满意度（%）"],
                [None, None, None, None, "集体访", "越级访", None],
                [1, "马荃镇", "新店村", 0, 3, 1, 90],
                [2, "马荃镇", "岩前村", 1, 0, 0, 61],
            ],
            start=2,
        )
        ws.merge_cells("E2:F2")
        for col in "ABCDG":
            ws.merge_cells(f"{col}2:{col}3")

    path = book(tmp_path / "maquan.xlsx", {"Sheet1": fill})
    records, problems = read_records([path], criteria)
    assert problems == []
    assert [r.row for r in records] == [4, 5]
    assert records[0].columns == {
        "township": "B",
        "village": "C",
        "secretary_vacant_months": "D",
        "collective_petitions": "E",
        "leapfrog_petitions": "F",
        "satisfaction": "G",
    }
    assert get(records[0], criteria, "village", "collective_petitions", "leapfrog_petitions", "satisfaction") == (
        "新店村",
        3,
        1,
        90,
    )


def test_two_row_header_child_matches_only_when_joined_to_its_parent(tmp_path, criteria):
    # 书记 merged over 空缺月数 / 脱岗天数: only "书记空缺月数" and "书记脱岗天数" name fields.
    def fill(ws):
        rows_into(
            ws,
            [
                ["乡镇", "村名", "书记", None, "换届完成"],
                [None, None, "空缺月数", "脱岗天数", None],
                ["黄庄乡", "方丘村", 2, 45, "是"],
            ],
        )
        ws.merge_cells("C1:D1")

    path = book(tmp_path / "huangzhuang.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == []
    assert records[0].row == 3
    assert records[0].columns["secretary_vacant_months"] == "C"
    assert records[0].columns["secretary_absent_days"] == "D"
    assert get(records[0], criteria, "secretary_vacant_months", "secretary_absent_days") == (2, 45)


def test_group_row_above_the_header_with_names_merged_down(tmp_path, criteria):
    # 乡镇 and 村名 merged down over two rows; the other headers sit in the second row under group titles.
    def fill(ws):
        rows_into(
            ws,
            [
                ["杨溪乡村级班子情况排查表"],
                ["乡镇", "村名", "班子情况", None, None],
                [None, None, "书记空缺月数", "换届完成", "两委缺额人数"],
                ["杨溪乡", "墩上村", 0, "否", 2],
            ],
        )
        ws.merge_cells("A2:A3")
        ws.merge_cells("B2:B3")
        ws.merge_cells("C2:E2")

    path = book(tmp_path / "yangxi.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == []
    assert [r.row for r in records] == [4]
    assert records[0].columns == {
        "township": "A",
        "village": "B",
        "secretary_vacant_months": "C",
        "election_completed": "D",
        "committee_vacancies": "E",
    }
    assert get(records[0], criteria, "township", "village", "election_completed", "committee_vacancies") == (
        "杨溪乡",
        "墩上村",
        False,
        2,
    )


def test_header_text_with_breaks_spaces_and_full_width_brackets(tmp_path, criteria):
    def fill(ws):
        rows_into(
            ws,
            [
                [
                    "乡 镇",
                    "村\n名",
                    "  群众满意度（%） ",
                    "村集体经济收入（万元）",
                    "“两委”缺额人数",
                    "三会一课\r\n落实",
                ],
                ["春涛乡", "罗坪村", "85%", "12.5", "１", "√"],
            ],
        )

    path = book(tmp_path / "chuntao.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == []
    assert get(
        records[0],
        criteria,
        "township",
        "village",
        "satisfaction",
        "collective_income",
        "committee_vacancies",
        "org_life_held",
    ) == ("春涛乡", "罗坪村", 85, 12.5, 1, True)


def test_english_headers(tmp_path, criteria):
    def fill(ws):
        rows_into(
            ws,
            [
                [
                    "Township",
                    "Village",
                    "Village code",
                    "Secretary vacant (months)",
                    "Election completed",
                    "Satisfaction (%)",
                ],
                ["Honghu Township", "Dongyang Village", "360622104201", 5, "no", 72],
            ],
        )

    path = book(tmp_path / "en.xlsx", {"Sheet": fill})
    records, problems = read_records([path], criteria)
    assert problems == []
    assert get(
        records[0],
        criteria,
        "township",
        "village",
        "code",
        "secretary_vacant_months",
        "election_completed",
        "satisfaction",
    ) == ("Honghu Township", "Dongyang Village", "360622104201", 5, False, 72)


def test_header_is_the_row_naming_most_fields(tmp_path, criteria):
    # Row 1 names two fields in passing (a note), row 2 is the real header with five.
    def fill(ws):
        rows_into(
            ws,
            [
                ["乡镇", "村名"],
                ["乡镇", "村名", "书记空缺月数", "换届完成", "群众满意度"],
                ["黄溪镇", "塔洲村", 0, "是", 90],
            ],
        )

    path = book(tmp_path / "huangxi.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == [] and [r.row for r in records] == [3]
    assert get(records[0], criteria, "satisfaction") == (90,)


def test_header_must_be_in_the_first_ten_rows(tmp_path, criteria):
    def fill(ws):
        ws["A1"] = "说明"
        rows_into(ws, [["乡镇", "村名", "书记空缺月数"], ["黄溪镇", "塔洲村", 0]], start=11)

    path = book(tmp_path / "late.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert records == []
    assert codes(problems) == ["no-header"]
    assert problems[0].path == path and problems[0].sheet is None


def test_header_at_row_ten_is_found(tmp_path, criteria):
    def fill(ws):
        ws["A1"] = "说明"
        rows_into(ws, [["乡镇", "村名", "书记空缺月数"], ["黄溪镇", "塔洲村", 0]], start=10)

    path = book(tmp_path / "ten.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == [] and [r.row for r in records] == [11]


def test_table_not_starting_in_column_a(tmp_path, criteria):
    def fill(ws):
        ws["C2"] = "洪湖乡村级班子情况排查表"
        rows_into(ws, [], start=1)
        for r, row in enumerate(
            [["乡镇", "村名", "书记空缺月数"], ["洪湖乡", "东阳村", "七"], ["洪湖乡", "塘桥村", 1]], start=4
        ):
            for c, v in enumerate(row, start=3):
                ws.cell(r, c, v)

    path = book(tmp_path / "honghu.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert [r.row for r in records] == [5, 6]
    assert records[0].columns == {"township": "C", "village": "D", "secretary_vacant_months": "E"}
    assert [(p.code, p.row, p.column, p.field, p.value) for p in problems] == [
        ("bad-number", 5, "E", "secretary_vacant_months", "七")
    ]


def test_column_number_row_under_the_header_is_skipped(tmp_path, criteria):
    def fill(ws):
        rows_into(
            ws,
            [
                ["乡镇", "村名", "书记空缺月数", "换届完成"],
                ["甲", "乙", 1, 2],
                ["黄溪镇", "塔洲村", 0, "是"],
            ],
        )

    path = book(tmp_path / "numbers.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == [] and [r.row for r in records] == [3]


def test_extra_columns_are_ignored_even_many(tmp_path, criteria):
    # Forty columns no field uses (a wide form): exercises the path that picks columns before transposing.
    def fill(ws):
        header = ["序号", "乡镇", "村名"] + [f"备用{k}" for k in range(40)] + ["书记空缺月数", "换届完成"]
        rows_into(
            ws,
            [
                header,
                [1, "黄溪镇", "塔洲村"] + ["x"] * 40 + [3, "否"],
                [2, "黄溪镇", "渡口村"] + [None] * 40 + [0, "是"],
            ],
        )

    path = book(tmp_path / "wide.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == []
    assert records[0].columns["secretary_vacant_months"] == column_letter(43) == "AR"
    assert [get(r, criteria, "village", "secretary_vacant_months", "election_completed") for r in records] == [
        ("塔洲村", 3, False),
        ("渡口村", 0, True),
    ]


def test_first_column_naming_a_field_wins(tmp_path, criteria):
    def fill(ws):
        rows_into(ws, [["乡镇", "村名", "行政村", "书记空缺月数"], ["黄溪镇", "塔洲村", "别名", 0]])

    path = book(tmp_path / "twice.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == [] and records[0].columns["village"] == "B"
    assert get(records[0], criteria, "village") == ("塔洲村",)


# ------------------------------------------------------------------------------ townships, footers, blanks


def test_township_merged_down_or_blank_below_its_first_row(tmp_path, criteria):
    def fill(ws):
        rows_into(
            ws,
            [
                ["序号", "乡镇", "村名", "书记空缺月数"],
                [1, "邓埠镇", "宋三村", 0],
                [2, None, "西畈村", 0],
                [3, None, "月湖村", 0],
                [4, "黄溪镇", "塔洲村", 0],
                [5, None, "渡口村", 0],
            ],
        )
        ws.merge_cells("B2:B4")

    path = book(tmp_path / "county.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == []
    assert [get(r, criteria, "township", "village") for r in records] == [
        ("邓埠镇", "宋三村"),
        ("邓埠镇", "西畈村"),
        ("邓埠镇", "月湖村"),
        ("黄溪镇", "塔洲村"),
        ("黄溪镇", "渡口村"),
    ]


def test_footer_and_blank_rows_are_skipped(tmp_path, criteria):
    def fill(ws):
        rows_into(
            ws,
            [
                ["序号", "乡镇", "村名", "书记空缺月数", "换届完成"],
                [1, "锦江镇", "大塘村", 0, "是"],
                [None, None, None, None, None],
                [2, None, "石港村", 4, "是"],
                [None, "小计", "2个村", "4", None],
                ["合计", None, "2个村", 4, "合计"],
                ["总 计", None, "2个村", 4, None],
                ["填表人：张三", None, None, "审核人：李四"],
                [None, "填报人：王五", None, None, "联系电话：0701-5888888"],
                ["备注：书记空缺按月计", None, "说明：本表……", None, None],
                [None, None, "负责人：赵六", None, None],
            ],
        )

    path = book(tmp_path / "jinjiang.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == []  # no bad-bool for 合计 in 换届完成: footer rows are not villages
    assert [(r.row, get(r, criteria, "village")[0]) for r in records] == [(2, "大塘村"), (4, "石港村")]


def test_village_named_like_a_footer_word_is_still_a_village(tmp_path, criteria):
    def fill(ws):
        rows_into(ws, [["乡镇", "村名"], ["锦江镇", "小港村"], ["锦江镇", "合丰村"], ["锦江镇", "联合村"]])

    path = book(tmp_path / "names.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == [] and [get(r, criteria, "village")[0] for r in records] == ["小港村", "合丰村", "联合村"]


def test_english_footers_and_village_names_that_look_like_them(tmp_path, criteria):
    def fill(ws):
        rows_into(
            ws,
            [
                ["Township", "Village", "Secretary vacant (months)"],
                ["Dengbu Town", "Songsan Village", 0],
                ["Dengbu Town", "Totally Village", 0],
                ["Total", "2 villages", 0],
                ["Prepared by: Zhang San", None, None],
                [None, "Checked by: Li Si", None],
                [None, "Note: months are whole months", None],
            ],
        )

    path = book(tmp_path / "en.xlsx", {"Sheet": fill})
    records, problems = read_records([path], criteria)
    assert problems == [] and [get(r, criteria, "village")[0] for r in records] == [
        "Songsan Village",
        "Totally Village",
    ]


# ---------------------------------------------------------------------------------------------- sheets


def _sheet(rows):
    return lambda ws: rows_into(ws, rows)


def test_every_sheet_with_a_header_is_read_others_skipped(tmp_path, criteria):
    path = book(
        tmp_path / "county.xlsx",
        {
            "说明": _sheet([["填表说明：每村一行"], ["书记空缺月数填整数"]]),
            "邓埠镇": _sheet([["乡镇", "村名", "书记空缺月数"], ["邓埠镇", "宋三村", 0]]),
            "空表": _sheet([]),
            "黄溪镇": _sheet([["乡镇", "村名", "书记空缺月数"], ["黄溪镇", "塔洲村", 3]]),
        },
    )
    records, problems = read_records([path], criteria)
    assert problems == []
    assert [(r.sheet, r.row, get(r, criteria, "village")[0]) for r in records] == [
        ("邓埠镇", 2, "宋三村"),
        ("黄溪镇", 2, "塔洲村"),
    ]


def test_sheet_option_picks_one(tmp_path, criteria):
    path = book(
        tmp_path / "county.xlsx",
        {
            "邓埠镇": _sheet([["乡镇", "村名"], ["邓埠镇", "宋三村"]]),
            "黄溪镇": _sheet([["乡镇", "村名"], ["黄溪镇", "塔洲村"]]),
        },
    )
    records, problems = read_records([path], criteria, sheet="黄溪镇")
    assert problems == [] and [get(r, criteria, "village")[0] for r in records] == ["塔洲村"]


def test_sheet_option_forgives_case_and_spaces(tmp_path, criteria):
    path = book(
        tmp_path / "county.xlsx",
        {
            "Dengbu ": _sheet([["乡镇", "村名"], ["邓埠镇", "宋三村"]]),
            "Huangxi": _sheet([["乡镇", "村名"], ["黄溪镇", "塔洲村"]]),
        },
    )
    records, problems = read_records([path], criteria, sheet="dengbu")
    assert problems == [] and [r.sheet for r in records] == ["Dengbu "]


def test_sheet_option_names_a_missing_sheet(tmp_path, criteria):
    path = book(tmp_path / "county.xlsx", {"邓埠镇": _sheet([["乡镇", "村名"]]), "黄溪镇": _sheet([["乡镇", "村名"]])})
    records, problems = read_records([path], criteria, sheet="马荃镇")
    assert records == [] and codes(problems) == ["no-sheet"]
    assert problems[0].sheet == "马荃镇"
    assert "'马荃镇'" in problems[0].message and "邓埠镇, 黄溪镇" in problems[0].message


def test_sheet_option_on_a_sheet_without_header(tmp_path, criteria):
    path = book(tmp_path / "county.xlsx", {"说明": _sheet([["填表说明"]]), "邓埠镇": _sheet([["乡镇", "村名"]])})
    records, problems = read_records([path], criteria, sheet="说明")
    assert codes(problems) == ["no-header"] and problems[0].sheet == "说明"


def test_no_sheet_with_a_header_is_one_problem(tmp_path, criteria):
    path = book(tmp_path / "notes.xlsx", {"说明": _sheet([["填表说明"]]), "Sheet2": _sheet([[1, 2, 3]])})
    records, problems = read_records([path], criteria)
    assert records == [] and codes(problems) == ["no-header"]
    assert "no sheet has a header row" in problems[0].message


# ------------------------------------------------------------------------------------------- values


def test_cell_types_as_excel_stores_them(tmp_path, criteria):
    def fill(ws):
        rows_into(
            ws,
            [
                [
                    "乡镇",
                    "村名",
                    "村代码",
                    "群众满意度",
                    "排查日期",
                    "党员人数",
                    "村集体经济收入(万元)",
                    "有固定活动场所",
                ]
            ],
        )
        ws.append(["塘桥乡", "塘桥村", 360622104202, 0.85, dt.date(2026, 9, 30), 36.0, 1200.5, True])
        ws.append(["塘桥乡", "东阳村", "360622104201", "85％", dt.datetime(2026, 9, 29, 10, 30), "３６", "1,200", "有"])
        ws.append(["塘桥乡", "港口村", 360622104203.0, 85, "2026年9月28日", "36人", 0, "×"])
        ws["D2"].number_format = "0%"
        ws["E2"].number_format = "yyyy-mm-dd"
        ws["E3"].number_format = "yyyy-mm-dd hh:mm"

    path = book(tmp_path / "types.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert problems == []
    fields = ("code", "satisfaction", "checked_on", "party_members", "collective_income", "has_venue")
    assert [get(r, criteria, *fields) for r in records] == [
        ("360622104202", 85, dt.date(2026, 9, 30), 36, 1200.5, True),
        ("360622104201", 85, dt.date(2026, 9, 29), 36, 1200, True),
        ("360622104203", 85, dt.date(2026, 9, 28), 36, 0, False),
    ]


def test_bad_values_are_problems_at_their_cell_and_the_row_is_kept(tmp_path, criteria):
    def fill(ws):
        rows_into(
            ws,
            [
                ["邓埠镇村级班子情况排查表"],
                [
                    "乡镇",
                    "村名",
                    "书记空缺月数",
                    "换届完成",
                    "群众满意度",
                    "排查日期",
                    "村集体经济收入(万元)",
                    "两委缺额人数",
                ],
                ["邓埠镇", "宋三村", "七", "是", 90, "2026-09-30", 3, 0],
                ["邓埠镇", "西畈村", 0, "也许", 90, "2026-09-30", 3, -1],
                ["邓埠镇", "月湖村", 0, "是", 120, "2026-13-40", "三万", 3.5],
            ],
        )

    path = book(tmp_path / "dengbu.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert [r.row for r in records] == [3, 4, 5]
    got = [(p.code, p.row, p.column, p.field, p.value) for p in problems]
    assert got == [
        ("bad-number", 3, "C", "secretary_vacant_months", "七"),
        ("bad-bool", 4, "D", "election_completed", "也许"),
        ("bad-number", 4, "H", "committee_vacancies", -1),
        ("bad-percent", 5, "E", "satisfaction", 120),
        ("bad-date", 5, "F", "checked_on", "2026-13-40"),
        ("bad-number", 5, "G", "collective_income", "三万"),
        ("bad-number", 5, "H", "committee_vacancies", 3.5),
    ]
    assert all(p.path == path and p.sheet == "排查表" for p in problems)
    assert problems[0].message == "Secretary vacant (months): '七' is not a whole number of 0 or more"
    assert "'也许' is not yes or no" in problems[1].message
    assert "'120' is not a percentage from 0 to 100" in problems[3].message
    # the bad cells read as blank; the rest of the row is kept
    assert get(records[0], criteria, "secretary_vacant_months", "election_completed") == (None, True)
    assert get(records[2], criteria, "satisfaction", "checked_on", "committee_vacancies") == (None, None, None)


def test_problem_messages_in_chinese(tmp_path, criteria):
    from lax.i18n import set_lang

    def fill(ws):
        rows_into(ws, [["乡镇", "村名", "书记空缺月数"], ["邓埠镇", "宋三村", "七"]])

    path = book(tmp_path / "zh.xlsx", {"排查表": fill})
    set_lang("zh")
    _records, problems = read_records([path], criteria)
    assert problems[0].message == "书记空缺月数：“七”不是0 或正整数"


# -------------------------------------------------------------------------------- columns and values missing


def test_missing_village_column(tmp_path, criteria):
    def fill(ws):
        rows_into(
            ws, [["填报单位：黄溪镇"], ["乡镇", "书记空缺月数", "换届完成", "群众满意度"], ["黄溪镇", 0, "是", 90]]
        )

    path = book(tmp_path / "novillage.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert records == []
    assert [(p.code, p.sheet, p.row, p.field) for p in problems] == [("missing-column", "排查表", 2, "village")]
    assert problems[0].message == "no column for Village (村名) in the header on row 2"


def test_missing_township_column(tmp_path, criteria):
    def fill(ws):
        rows_into(ws, [["黄溪镇村级班子情况排查表"], ["村名", "书记空缺月数", "换届完成"], ["塔洲村", 0, "是"]])

    path = book(tmp_path / "notownship.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert records == [] and [(p.code, p.field) for p in problems] == [("missing-column", "township")]


def test_missing_township_value_with_none_above(tmp_path, criteria):
    def fill(ws):
        rows_into(ws, [["乡镇", "村名", "书记空缺月数"], [None, "塔洲村", 0], ["黄溪镇", "渡口村", 0]])

    path = book(tmp_path / "blank.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert [r.row for r in records] == [3]
    assert [(p.code, p.row, p.column, p.field) for p in problems] == [("missing-value", 2, "A", "township")]


def test_missing_village_name_in_a_row_with_a_code(tmp_path, criteria):
    def fill(ws):
        rows_into(
            ws, [["乡镇", "村名", "村代码"], ["黄溪镇", None, "360622103201"], ["黄溪镇", "渡口村", "360622103202"]]
        )

    path = book(tmp_path / "noname.xlsx", {"排查表": fill})
    records, problems = read_records([path], criteria)
    assert [r.row for r in records] == [3]
    assert [(p.code, p.row, p.column, p.field) for p in problems] == [("missing-value", 2, "B", "village")]


# ------------------------------------------------------------------------------------------- duplicates


def test_duplicate_code_across_files_names_the_first(tmp_path, criteria):
    a = book(
        tmp_path / "dengbu.xlsx", {"排查表": _sheet([["乡镇", "村名", "村代码"], ["邓埠镇", "宋三村", 360622101201]])}
    )
    b = book(
        tmp_path / "again.xlsx",
        {"Sheet1": _sheet([["标题"], ["乡镇", "村名", "村代码"], ["邓埠镇", "宋三村(重)", 360622101201]])},
    )
    records, problems = read_records([a, b], criteria)
    assert [r.path for r in records] == [a]
    assert [(p.code, p.path, p.sheet, p.row, p.column, p.field, p.value) for p in problems] == [
        ("duplicate-village", b, "Sheet1", 3, "C", "code", "360622101201")
    ]
    assert f"first at {a}, sheet 排查表, row 2" in problems[0].message


def test_duplicate_by_name_when_there_is_no_code(tmp_path, criteria):
    path = book(
        tmp_path / "dup.xlsx",
        {
            "排查表": _sheet(
                [
                    ["乡镇", "村名", "书记空缺月数"],
                    ["洪湖乡", "东阳村", 0],
                    ["洪湖乡", "塘桥村", 0],
                    ["洪湖乡", "东阳村", 5],
                    ["黄庄乡", "东阳村", 0],
                ]
            )
        },
    )
    records, problems = read_records([path], criteria)
    assert [r.row for r in records] == [2, 3, 5]  # same name in another township is another village
    assert [(p.code, p.row, p.column, p.value) for p in problems] == [("duplicate-village", 4, "B", "东阳村")]
    assert "row 2" in problems[0].message


def test_same_name_different_codes_are_different_villages(tmp_path, criteria):
    path = book(
        tmp_path / "codes.xlsx",
        {
            "排查表": _sheet(
                [["乡镇", "村名", "村代码"], ["洪湖乡", "东阳村", "360622104201"], ["洪湖乡", "东阳村", "360622104299"]]
            )
        },
    )
    records, problems = read_records([path], criteria)
    assert problems == [] and len(records) == 2


def test_row_without_code_repeats_a_coded_village(tmp_path, criteria):
    path = book(
        tmp_path / "mixed.xlsx",
        {
            "排查表": _sheet(
                [["乡镇", "村名", "村代码"], ["洪湖乡", "东阳村", "360622104201"], ["洪湖乡", "东阳村", None]]
            )
        },
    )
    records, problems = read_records([path], criteria)
    assert [r.row for r in records] == [2] and codes(problems) == ["duplicate-village"]


# ---------------------------------------------------------------------------------- chunks and progress


def _county(ws, n):
    ws.append(["余江区村级班子情况排查表"])
    ws.append(["序号", "乡镇", "村名", "村代码", "书记空缺月数", "换届完成"])
    for i in range(n):
        township = "邓埠镇" if i < n // 2 else "黄溪镇"
        first = i in (0, n // 2)
        ws.append([i + 1, township if first else None, f"村{i:03d}", 360622000000 + i, i % 5, "是" if i % 7 else "否"])


def test_results_do_not_depend_on_chunk_size(tmp_path, criteria, monkeypatch):
    def fill(ws):
        _county(ws, 40)
        ws["E10"] = "七"  # a bad value inside a chunk
        ws["C20"] = "村010"  # no: a repeated name keeps its own code, so not a duplicate
        ws["D25"] = 360622000003  # a repeated code, in a later chunk
        ws.append(["合计", None, "40个村"])

    path = book(tmp_path / "county.xlsx", {"排查表": fill})
    whole = read_records([path], criteria)
    monkeypatch.setattr(lax.read.rows, "CHUNK", 3)
    chunked = read_records([path], criteria)
    assert [(r.row, r.values) for r in whole[0]] == [(r.row, r.values) for r in chunked[0]]
    assert whole[1] == chunked[1]
    assert [(p.code, p.row, p.column) for p in whole[1]] == [("bad-number", 10, "E"), ("duplicate-village", 25, "D")]
    assert len(whole[0]) == 39
    assert {get(r, criteria, "township")[0] for r in whole[0][:20]} == {"邓埠镇"}
    assert {get(r, criteria, "township")[0] for r in whole[0][20:]} == {"黄溪镇"}


def test_progress_is_reported(tmp_path, criteria, monkeypatch):
    path = book(tmp_path / "county.xlsx", {"排查表": lambda ws: _county(ws, 30)})
    monkeypatch.setattr(lax.read.rows, "CHUNK", 8)
    seen = []
    records, problems = read_records([path], criteria, on_progress=lambda done, total: seen.append((done, total)))
    assert len(records) == 30 and problems == []
    assert len(seen) >= 4
    assert all(d <= t for d, t in seen) and [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert seen[-1][0] == seen[-1][1] == 32


def test_record_is_slotted_and_helpful(tmp_path, criteria):
    path = book(tmp_path / "one.xlsx", {"排查表": _sheet([["乡镇", "村名"], ["邓埠镇", "宋三村"]])})
    (rec,), _ = read_records([path], criteria)
    assert isinstance(rec, Record) and not hasattr(rec, "__dict__")
    assert rec.get("village", criteria) == "宋三村"
    assert rec.as_dict(criteria)["township"] == "邓埠镇"
    assert rec.where() == f"{path}, sheet 排查表, row 2"


def test_other_required_fields_from_a_custom_criteria_file(tmp_path):
    text = (ROOT / "criteria.yaml").read_text(encoding="utf-8")
    for fid in ("checked_on", "satisfaction"):
        text = text.replace(
            f"  - id: {fid}\n    type: date\n    required: false", f"  - id: {fid}\n    type: date\n    required: true"
        )
        text = text.replace(
            f"  - id: {fid}\n    type: percent\n    required: false",
            f"  - id: {fid}\n    type: percent\n    required: true",
        )
    custom = tmp_path / "criteria.yaml"
    custom.write_text(text, encoding="utf-8")
    criteria = load_criteria(custom)
    assert criteria.field("checked_on").required and criteria.field("satisfaction").required
    path = book(
        tmp_path / "dates.xlsx",
        {
            "排查表": _sheet(
                [
                    ["乡镇", "村名", "排查日期"],
                    ["黄溪镇", "塔洲村", "2026-09-30"],
                    ["黄溪镇", "渡口村", None],
                    ["黄溪镇", "坪上村", "2026-13-01"],
                ]
            )
        },
    )
    records, problems = read_records([path], criteria)
    assert [r.row for r in records] == [2, 3, 4]  # rows with a blank or bad required value are still read
    assert [(p.code, p.row, p.column, p.field) for p in problems] == [
        ("missing-column", 1, None, "satisfaction"),
        ("missing-value", 3, "C", "checked_on"),
        ("bad-date", 4, "C", "checked_on"),
    ]


def test_benchmark_workbook_reads_cleanly(tmp_path, criteria):
    from make_big import make_big_xlsx

    path = str(make_big_xlsx(tmp_path / "big.xlsx", 60))
    records, problems = read_records([path], criteria)
    assert problems == [] and len(records) == 60
    assert records[0].row == 4 and records[0].sheet == "排查表"
    first = records[0].as_dict(criteria)
    assert first["township"] == "邓埠镇" and first["code"] == "360623000000"
    assert isinstance(first["party_members"], int) and isinstance(first["election_completed"], bool)
    assert isinstance(first["checked_on"], dt.date)
    assert all(0 <= r.get("satisfaction", criteria) <= 100 for r in records)


def test_a_damaged_sheet_costs_that_sheet_not_the_workbook(tmp_path, criteria):
    from helpers import rewritten

    good = book(
        tmp_path / "seed.xlsx",
        {
            "排查表": lambda ws: rows_into(
                ws, [["乡镇", "村名", "换届完成"], ["邓埠镇", "宋三村", "否"], ["邓埠镇", "新桥村", "是"]]
            ),
            "附表": lambda ws: rows_into(ws, [["乡镇", "村名", "换届完成"], ["黄溪镇", "塔洲村", "否"]]),
        },
    )
    unclosed = b'<row r="9"><c r="A9"><v>1</v></row></sheetData>'  # no </c>
    path = rewritten(
        Path(good),
        tmp_path / "邓埠镇.xlsx",
        lambda xml: xml.replace(b"</sheetData>", unclosed),
        "xl/worksheets/sheet2.xml",
    )
    records, problems = read_records([path], criteria)
    assert [r.values[1] for r in records] == ["宋三村", "新桥村"]
    [problem] = problems  # the other sheet's villages are read and checked as usual

    assert (problem.code, problem.sheet) == ("unreadable-file", "附表")
    assert problem.message.startswith("sheet '附表' cannot be read: not a readable spreadsheet, or the file is damaged")
