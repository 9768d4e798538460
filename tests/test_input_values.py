"""Values read as exactly what they say, or reported, through `lax check --format json`: units against the
column's unit, percent columns read as a whole, Excel error values, impossible dates in YAML."""

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from lax.cli import app

runner = CliRunner()


def check(*paths, extra=()):
    result = runner.invoke(app, ["check", *map(str, paths), "--format", "json", "--as-of", "2026-09-30", *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result, json.loads(result.stdout)


def problems(data):
    return [(p["code"], p["row"], p["column"], p["field"]) for p in data["problems"]]


def evidence(data, village, cid):
    for v in data["villages"]:
        if v["village"] == village:
            for m in v["matches"]:
                if m["id"] == cid:
                    return m["evidence"]
    return None


def sheet(path, header, rows, formats=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["黄溪镇村级班子情况排查表"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    wb.save(path)
    return path


# ------------------------------------------------------------------------------------------------ units


def test_units_that_convert_exactly_are_converted(tmp_path):
    path = sheet(
        tmp_path / "黄溪镇.xlsx",
        ["乡镇", "村名", "书记空缺月数", "书记脱岗天数", "未发展党员年数", "村集体经济收入(万元)"],
        [
            ["黄溪镇", "东阳村", "1年", "2周", "24个月", "3万"],
            ["黄溪镇", "塘桥村", "2个月", "30天", "1年", "35000元"],
            ["黄溪镇", "坪上村", "半年", "0", "0", "1.5万元"],
        ],
    )
    result, data = check(path)
    assert evidence(data, "东阳村", "C01") == {"secretary_vacant_months": 12}
    assert evidence(data, "东阳村", "C02") is None  # 14 days: under the 30 of C02
    assert evidence(data, "塘桥村", "C02") == {"secretary_absent_days": 30}
    assert evidence(data, "东阳村", "C08") == {"years_since_new_member": 2}
    assert problems(data) == [("bad-number", 5, "C", "secretary_vacant_months")]  # 半年: no number written
    assert "'半年' is not a whole number" in data["problems"][0]["message"]


def test_units_that_do_not_convert_exactly_or_are_unknown_are_bad_unit(tmp_path):
    path = sheet(
        tmp_path / "黄溪镇.xlsx",
        ["乡镇", "村名", "书记空缺月数", "书记脱岗天数", "未发展党员年数", "森林火灾次数"],
        [
            ["黄溪镇", "东阳村", "90天", "3个月", "18个月", "2人"],
            ["黄溪镇", "塘桥村", "3斤", "0", "0", "1次"],
        ],
    )
    result, data = check(path)
    assert result.exit_code == 2
    assert problems(data) == [
        ("bad-unit", 3, "C", "secretary_vacant_months"),
        ("bad-unit", 3, "D", "secretary_absent_days"),
        ("bad-unit", 3, "E", "years_since_new_member"),
        ("bad-unit", 3, "F", "forest_fires"),
        ("bad-unit", 4, "C", "secretary_vacant_months"),
    ]
    messages = [p["message"] for p in data["problems"]]
    assert (
        messages[0]
        == "Secretary vacant (months): '90天': '天' does not convert exactly to the column's unit, months (月)"
    )
    assert messages[1].endswith("'个月' does not convert exactly to the column's unit, days (天)")
    assert messages[2].endswith("'18个月' is not a whole number of years (年)")
    assert messages[4].endswith("unknown unit '斤' (the column is in months (月))")
    # 1次 in a times column is 1 fire: C14 met
    assert evidence(data, "塘桥村", "C14") == {"forest_fires": 1}


def test_a_unit_in_a_custom_criteria_file_is_read_and_a_wrong_unit_is_refused(tmp_path):
    from lax.criteria import packaged_path

    text = packaged_path("criteria.yaml").read_text(encoding="utf-8")
    custom = text.replace("    unit: days\n", "    unit: 周\n", 1)
    (tmp_path / "criteria.yaml").write_text(custom, encoding="utf-8")
    path = sheet(tmp_path / "黄溪镇.xlsx", ["乡镇", "村名", "书记脱岗天数"], [["黄溪镇", "东阳村", "30天"]])
    result = runner.invoke(app, ["check", str(path), "--criteria", str(tmp_path / "criteria.yaml")])
    assert result.exit_code == 2
    line = custom[: custom.index("    unit: 周")].count("\n") + 1
    assert (
        f"criteria.yaml:{line}: field 'secretary_absent_days': unit '周' is not one of months, days, years"
        in result.output
    )
    bool_unit = text.replace("    type: bool\n", "    type: bool\n    unit: days\n", 1)
    (tmp_path / "criteria.yaml").write_text(bool_unit, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "--criteria", str(tmp_path / "criteria.yaml")])
    assert result.exit_code == 2 and "only a count (int) or number field has a unit" in result.output


# --------------------------------------------------------------------------------------------- percents


def test_a_percent_formatted_150_percent_is_a_problem_not_1_5_percent(tmp_path):
    path = sheet(
        tmp_path / "洪湖乡.xlsx",
        ["乡镇", "村名", "群众满意度"],
        [
            ["洪湖乡", "塘桥村", 0.85],
            ["洪湖乡", "东阳村", 1.5],
            ["洪湖乡", "坪上村", 0.55],
            ["洪湖乡", "渡口村", "150%"],
        ],
        formats={"C3": "0%", "C4": "0%", "C5": "0%"},
    )
    result, data = check(path)
    assert result.exit_code == 2
    # the cell's percent format says what a person sees: 150 %, out of range, never 1.5 %
    assert problems(data) == [("bad-percent", 4, "C", "satisfaction"), ("bad-percent", 6, "C", "satisfaction")]
    assert data["problems"][0]["value"] == "150%"
    assert evidence(data, "坪上村", "C15") == {"satisfaction": 55}
    assert evidence(data, "东阳村", "C15") is None  # never flagged as 1.5 %


def test_a_lone_percent_formatted_cell_reads_as_it_shows(tmp_path):
    # no fraction beside it to tell the column's habit: only the cell's format says 1.5 is 150 %
    path = sheet(
        tmp_path / "洪湖乡.xlsx",
        ["乡镇", "村名", "群众满意度"],
        [
            ["洪湖乡", "东阳村", 1.5],
            ["洪湖乡", "塘桥村", 1],
            ["洪湖乡", "坪上村", 0.555],
        ],
        formats={"C3": "0%", "C4": "0%", "C5": "0.0%"},
    )
    result, data = check(path)
    assert problems(data) == [("bad-percent", 3, "C", "satisfaction")]
    assert evidence(data, "东阳村", "C15") is None
    assert evidence(data, "坪上村", "C15") == {"satisfaction": 55.5}
    assert [v["village"] for v in data["villages"] if v["flagged"]] == ["坪上村"]  # 塘桥村's 1 is 100 %


def test_an_unformatted_fraction_beside_a_non_integer_is_ambiguous(tmp_path):
    # no format to go by (as in a sheet saved without styles): the column's habit decides, and 1.5 is asked about
    path = sheet(
        tmp_path / "洪湖乡.xlsx",
        ["乡镇", "村名", "群众满意度"],
        [
            ["洪湖乡", "塘桥村", 0.85],
            ["洪湖乡", "东阳村", 1.5],
            ["洪湖乡", "坪上村", 0.55],
        ],
    )
    result, data = check(path)
    assert problems(data) == [("ambiguous-percent", 4, "C", "satisfaction")]
    assert "fractions such as 0.85" in data["problems"][0]["message"]


def test_whole_percentages_beside_a_formatted_fraction_stand(tmp_path):
    path = sheet(
        tmp_path / "洪湖乡.xlsx",
        ["乡镇", "村名", "群众满意度"],
        [
            ["洪湖乡", "塘桥村", 88],
            ["洪湖乡", "东阳村", 0.55],
            ["洪湖乡", "坪上村", "59.5%"],
            ["洪湖乡", "渡口村", 1],
        ],
    )
    result, data = check(path)
    assert problems(data) == []
    assert evidence(data, "东阳村", "C15") == {"satisfaction": 55}
    assert evidence(data, "坪上村", "C15") == {"satisfaction": 59.5}
    assert evidence(data, "塘桥村", "C15") is None and evidence(data, "渡口村", "C15") is None  # 1 is 100 %


def test_a_decimal_percentage_in_a_column_of_percentages_stands(tmp_path):
    path = tmp_path / "马荃镇.csv"
    path.write_text(
        "乡镇,村名,群众满意度\n马荃镇,新店村,59.9\n马荃镇,岩前村,88\n马荃镇,港口村,72.5\n", encoding="utf-8"
    )
    result, data = check(path)
    assert problems(data) == []
    assert evidence(data, "新店村", "C15") == {"satisfaction": 59.9}


# ------------------------------------------------------------------------------------- Excel error values


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"])
def test_an_excel_error_cell_is_a_bad_value_naming_the_error(tmp_path, error):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["乡镇", "村名", "群众满意度", "党员人数", "村代码"])
    ws.append(["邓埠镇", "宋三村", error, 30, "360622101201"])
    ws.append(["邓埠镇", "塔洲村", 90, error, error])
    for ref in ("C2", "D3", "E3"):
        ws[ref].data_type = "e"  # an error cell, as Excel writes a failed formula's value
    wb.save(tmp_path / "邓埠镇.xlsx")
    result, data = check(tmp_path / "邓埠镇.xlsx")
    assert result.exit_code == 2
    assert problems(data) == [
        ("bad-value", 2, "C", "satisfaction"),
        ("bad-value", 3, "D", "party_members"),
        ("bad-value", 3, "E", "code"),
    ]
    assert all(f"the Excel error {error}" in p["message"] for p in data["problems"])
    assert [v["village"] for v in data["villages"]] == ["宋三村", "塔洲村"]
    und = {v["village"]: v["undetermined"] for v in data["villages"]}
    assert any(u["id"] == "C15" and u["missing"] == ["satisfaction"] for u in und["宋三村"])


ODS_CELL = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'


def ods(path, rows_xml):
    """A LibreOffice spreadsheet as LibreOffice saves one: content.xml with its namespaces."""
    import zipfile

    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="说明"><table:table-row>'
        + ODS_CELL.format("填表说明")
        + '</table:table-row></table:table><table:table table:name="排查表">'
        + "".join(rows_xml)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
            'opendocument.spreadsheet"/></manifest:manifest>',
        )
        z.writestr("content.xml", content)
    return path


def test_an_ods_error_cell_is_a_bad_value_not_its_stale_number(tmp_path):
    # LibreOffice keeps a failed formula's last number (0) beside the error; read as 0 % it would flag C15.
    row = "<table:table-row>{}</table:table-row>"
    error = (
        '<table:table-cell table:formula="of:=[.D3]/[.E3]" office:value-type="float" office:value="0" '
        'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>'
    )
    path = ods(
        tmp_path / "邓埠镇.ods",
        [
            row.format(ODS_CELL.format("邓埠镇村级班子情况排查表")),
            '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>',  # blank rows
            row.format("".join(ODS_CELL.format(h) for h in ("乡镇", "村名", "备注", "群众满意度"))),
            row.format("".join(ODS_CELL.format(v) for v in ("邓埠镇", "宋三村", "")) + ODS_CELL.format("85")),
            row.format(
                "".join(ODS_CELL.format(v) for v in ("邓埠镇", "塔洲村"))
                + '<table:table-cell table:number-columns-repeated="1"/>'
                + error
            ),
        ],
    )
    result, data = check(path)
    assert result.exit_code == 2
    assert problems(data) == [("bad-value", 6, "D", "satisfaction")]
    assert data["problems"][0]["value"] == "#DIV/0!"
    assert [(v["village"], v["flagged"]) for v in data["villages"]] == [("宋三村", False), ("塔洲村", False)]


def test_a_legacy_xls_error_cell_is_a_bad_value_naming_the_error():
    # tests/data/errors.xls (made by tests/data/make_fixtures.py with xlwt): calamine reads its error cells as
    # blank, which would leave 东阳村 "undetermined" for C15 as if nobody had filled in 群众满意度.
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "errors.xls"
    result, data = check(path)
    assert result.exit_code == 2
    assert [(p["code"], p["row"], p["column"], p["field"], p["value"]) for p in data["problems"]] == [
        ("bad-value", 3, "E", "satisfaction", "#DIV/0!"),
        ("bad-value", 4, "C", "party_members", "#N/A"),
    ]
    assert [v["village"] for v in data["villages"]] == ["东阳村", "塘桥村"]


def test_an_excel_error_in_a_csv_is_a_bad_value_too(tmp_path):
    path = tmp_path / "黄庄乡.csv"
    path.write_text("乡镇,村名,群众满意度\n黄庄乡,方丘村,#N/A\n黄庄乡,#REF!,80\n", encoding="utf-8")
    result, data = check(path)
    assert problems(data) == [("bad-value", 2, "C", "satisfaction"), ("bad-value", 3, "B", "village")]
    assert [v["village"] for v in data["villages"]] == ["方丘村"]


# ------------------------------------------------------------------------------------------ YAML dates


def test_an_impossible_unquoted_date_costs_its_item_field_only(tmp_path):
    path = tmp_path / "villages.yaml"
    path.write_text(
        "villages:\n"
        "  - township: 邓埠镇\n    village: 宋三村\n    checked_on: 2026-02-30\n    satisfaction: 50\n"
        "  - township: 邓埠镇\n    village: 塔洲村\n    checked_on: 2026-09-30\n    satisfaction: 90\n",
        encoding="utf-8",
    )
    result, data = check(path)
    assert result.exit_code == 2
    assert [(p["code"], p["row"], p["line"], p["field"]) for p in data["problems"]] == [
        ("bad-date", 1, 4, "checked_on")
    ]
    assert "'2026-02-30' is not a date" in data["problems"][0]["message"]
    assert [v["village"] for v in data["villages"]] == ["宋三村", "塔洲村"]
    assert evidence(data, "宋三村", "C15") == {"satisfaction": 50}
