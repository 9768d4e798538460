"""Reading every input format (CSV, YAML, JSON, legacy .xls, .ods) and files that cannot be read at all:
each bad file is exactly one `unreadable-file` problem, never a traceback, and the other files still read."""

import datetime as dt
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from helpers import township_xlsx

from lax.criteria import load_criteria
from lax.read.records import read_records

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def criteria():
    return load_criteria(ROOT / "criteria.yaml")


def get(rec, criteria, *fields):
    return tuple(rec.values[criteria.index[f]] for f in fields)


def one_problem(problems, code="unreadable-file"):
    assert [p.code for p in problems] == [code], problems
    return problems[0]


def plain_xlsx(path, rows=(("乡镇", "村名", "书记空缺月数"), ("邓埠镇", "宋三村", 4))):
    return str(township_xlsx(path, rows))


# ------------------------------------------------------------------------------------------------ CSV

CSV_TEXT = (
    "黄溪镇村级班子情况排查表\n"
    "乡镇,村名,村代码,书记空缺月数,换届完成,群众满意度\n"
    "黄溪镇,塔洲村,360622103201,0,是,85%\n"
    ",渡口村,360622103202,七,否,0.9\n"
    "\n"
    "合计,,,,,\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path, criteria, encoding):
    path = tmp_path / "huangxi.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    records, problems = read_records([str(path)], criteria)
    assert [(r.row, r.sheet) for r in records] == [(3, None), (4, None)]
    assert [
        get(r, criteria, "township", "village", "code", "secretary_vacant_months", "election_completed", "satisfaction")
        for r in records
    ] == [("黄溪镇", "塔洲村", "360622103201", 0, True, 85), ("黄溪镇", "渡口村", "360622103202", None, False, 90)]
    assert records[0].columns["secretary_vacant_months"] == "D"
    assert [(p.code, p.row, p.column, p.sheet, p.value) for p in problems] == [("bad-number", 4, "D", None, "七")]


def test_csv_row_is_the_line_even_with_a_line_break_inside_a_cell(tmp_path, criteria):
    path = tmp_path / "notes.csv"
    path.write_text(
        '乡镇,村名,备注,书记空缺月数\n邓埠镇,宋三村,"第一行\n第二行",1\n邓埠镇,西畈村,,x\n', encoding="utf-8"
    )
    records, problems = read_records([str(path)], criteria)
    assert [r.row for r in records] == [2, 4]
    assert [(p.row, p.column) for p in problems] == [(4, "D")]


def test_csv_short_rows_and_tabs(tmp_path, criteria):
    path = tmp_path / "tabs.csv"
    path.write_text("乡镇\t村名\t书记空缺月数\t换届完成\n洪湖乡\t东阳村\n洪湖乡\t塘桥村\t2\t是\n", encoding="utf-8")
    records, problems = read_records([str(path)], criteria)
    assert problems == []
    assert [get(r, criteria, "village", "secretary_vacant_months", "election_completed") for r in records] == [
        ("东阳村", None, None),
        ("塘桥村", 2, True),
    ]


def test_csv_without_header(tmp_path, criteria):
    path = tmp_path / "data.csv"
    path.write_text("1,2,3\n4,5,6\n", encoding="utf-8")
    records, problems = read_records([str(path)], criteria)
    p = one_problem(problems, "no-header")
    assert records == [] and p.path == str(path) and p.sheet is None


# ----------------------------------------------------------------------------------------- YAML and JSON

YAML_LIST = """\
# 黄庄乡 2026年第三季度排查
- township: 黄庄乡
  village: 方丘村
  code: 360622105201
  secretary_vacant_months: 4
  election_completed: true
  satisfaction: 0.85
  checked_on: 2026-09-30
- 乡镇: 黄庄乡
  村名: 大路村
  书记空缺月数: "七"
  换届完成: 否
  群众满意度: "85%"
  不认识的列: 随便
"""


def test_yaml_list_with_field_ids_and_header_aliases(tmp_path, criteria):
    path = tmp_path / "huangzhuang.yaml"
    path.write_text(YAML_LIST, encoding="utf-8")
    records, problems = read_records([str(path)], criteria)
    assert [(r.row, r.sheet, r.columns) for r in records] == [(1, None, None), (2, None, None)]
    assert get(
        records[0],
        criteria,
        "township",
        "village",
        "code",
        "secretary_vacant_months",
        "election_completed",
        "satisfaction",
        "checked_on",
    ) == ("黄庄乡", "方丘村", "360622105201", 4, True, 85, dt.date(2026, 9, 30))
    assert get(records[1], criteria, "village", "secretary_vacant_months", "election_completed", "satisfaction") == (
        "大路村",
        None,
        False,
        85,
    )
    p = one_problem(problems, "bad-number")
    assert (p.row, p.line, p.column, p.field, p.value) == (2, 11, None, "secretary_vacant_months", "七")
    assert p.where() == f"{path}:11"


def test_yaml_villages_mapping(tmp_path, criteria):
    path = tmp_path / "v.yml"
    path.write_text(
        "villages:\n  - {township: 杨溪乡, village: 墩上村, has_venue: 有}\n  - {township: 杨溪乡, village: 墩上村}\n",
        encoding="utf-8",
    )
    records, problems = read_records([str(path)], criteria)
    assert [get(r, criteria, "village", "has_venue") for r in records] == [("墩上村", True)]
    p = one_problem(problems, "duplicate-village")
    assert (p.row, p.line) == (2, 3)
    assert f"first at {path}, item 1" in p.message


def test_yaml_items_that_are_not_villages(tmp_path, criteria):
    path = tmp_path / "odd.yaml"
    path.write_text(
        "- 春涛乡 罗坪村\n- {township: 春涛乡}\n- {township: 春涛乡, village: 罗坪村, satisfaction: [1, 2]}\n",
        encoding="utf-8",
    )
    records, problems = read_records([str(path)], criteria)
    assert [get(r, criteria, "village", "satisfaction") for r in records] == [("罗坪村", None)]
    assert [(p.code, p.row, p.line, p.field) for p in problems] == [
        ("bad-record", 1, 1, None),
        ("missing-value", 2, 2, "village"),
        ("bad-percent", 3, 3, "satisfaction"),
    ]


@pytest.mark.parametrize("odd", ["\x85", "\u2028", "\u2029"])
def test_yaml_lines_are_the_editors_when_a_value_holds_a_unicode_line_break(tmp_path, criteria, odd):
    # YAML counts NEL/LS/PS (pasted from a web page or a PDF) as line breaks; an editor does not.
    path = tmp_path / "villages.yaml"
    path.write_text(
        f"- township: 邓埠镇\n  village: '宋三村{odd}（原宋家村）'\n"
        "- township: 邓埠镇\n  village: 新桥村\n  satisfaction: 很高\n",
        encoding="utf-8",
    )
    records, problems = read_records([str(path)], criteria)
    [p] = problems
    assert (p.code, p.row, p.line) == ("bad-percent", 2, 5)


def test_yaml_syntax_error_names_the_line(tmp_path, criteria):
    path = tmp_path / "broken.yaml"
    path.write_text("- township: 邓埠镇\n  village: 宋三村\n- township: [邓埠镇\n", encoding="utf-8")
    records, problems = read_records([str(path)], criteria)
    p = one_problem(problems)
    assert records == [] and p.line is not None and p.message.startswith("YAML error:")


def test_yaml_python_object_tag_is_refused_not_run(tmp_path, criteria):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(
        f"- !!python/object/apply:os.system ['touch {marker}']\n- !!python/object:collections.OrderedDict {{}}\n",
        encoding="utf-8",
    )
    records, problems = read_records([str(path)], criteria)
    p = one_problem(problems)
    assert records == [] and not marker.exists()
    assert p.line == 1


def test_yaml_not_a_list(tmp_path, criteria):
    path = tmp_path / "scalar.yaml"
    path.write_text("just some text\n", encoding="utf-8")
    _records, problems = read_records([str(path)], criteria)
    assert "expected a list of villages" in one_problem(problems).message


def test_yaml_alias_bomb_is_harmless(tmp_path, criteria):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    lines += ["villages:", "  - {township: 邓埠镇, village: 宋三村, code: *a8}"]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, problems = read_records([str(path)], criteria)  # aliases are shared, never expanded
    assert [get(r, criteria, "village", "code") for r in records] == [("宋三村", None)]
    assert [(p.code, p.field, p.line, p.message) for p in problems] == [
        ("bad-value", "code", 11, "Village code: expected text, found a list")
    ]


def test_json_list_and_villages_mapping(tmp_path, criteria):
    a = tmp_path / "a.json"
    a.write_text(
        json.dumps(
            [
                {"township": "马荃镇", "village": "新店村", "code": "360622106201", "satisfaction": 58},
                {"乡镇": "马荃镇", "村名": "岩前村", "换届完成": "是"},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    b = tmp_path / "b.json"
    b.write_text(
        json.dumps({"villages": [{"township": "马荃镇", "village": "新店村", "code": "360622106201"}, 7]}),
        encoding="utf-8",
    )
    records, problems = read_records([str(a), str(b)], criteria)
    assert [(r.path, r.row) for r in records] == [(str(a), 1), (str(a), 2)]
    assert get(records[1], criteria, "village", "election_completed") == ("岩前村", True)
    assert [(p.code, p.path, p.row) for p in problems] == [("duplicate-village", str(b), 1), ("bad-record", str(b), 2)]


def test_json_syntax_error_names_the_line(tmp_path, criteria):
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"township": "邓埠镇",\n   "village": }\n]\n', encoding="utf-8")
    p = one_problem(read_records([str(path)], criteria)[1])
    assert p.line == 3 and p.message.startswith("JSON error:")


def test_json_nested_too_deeply(tmp_path, criteria):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert one_problem(read_records([str(path)], criteria)[1]).path == str(path)


# ---------------------------------------------------------------------------------- legacy and open formats


def test_legacy_xls(criteria):
    path = str(DATA / "legacy.xls")
    records, problems = read_records([path], criteria)
    assert [r.row for r in records] == [3, 4, 5]
    assert [
        get(
            r,
            criteria,
            "township",
            "village",
            "code",
            "secretary_vacant_months",
            "election_completed",
            "satisfaction",
            "checked_on",
        )
        for r in records
    ] == [
        ("黄溪镇", "塔洲村", "360622103201", 0, True, 85, dt.date(2026, 9, 28)),
        ("黄溪镇", "渡口村", "360622103202", 4, False, 92, dt.date(2026, 9, 29)),
        ("黄溪镇", "坪上村", "360622103203", None, True, 70, dt.date(2026, 9, 30)),
    ]
    assert [(p.code, p.sheet, p.row, p.column, p.value) for p in problems] == [("bad-number", "排查表", 5, "D", "三")]


def write_ods(path, rows, sheet="排查表"):
    """A minimal OpenDocument spreadsheet, as LibreOffice stores one (mimetype first, uncompressed)."""

    def cell(v):
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(map(cell, r)) + "</table:table-row>" for r in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="{sheet}">{body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return str(path)


def test_ods(tmp_path, criteria):
    path = write_ods(
        tmp_path / "honghu.ods",
        [
            ["洪湖乡村级班子情况排查表"],
            ["乡镇", "村名", "书记空缺月数", "换届完成"],
            ["洪湖乡", "东阳村", 4, "否"],
            [None, "塘桥村", 0, "是"],
            ["合计", None, 4, None],
        ],
    )
    records, problems = read_records([path], criteria)
    assert problems == []
    assert [(r.sheet, r.row, get(r, criteria, "township", "village", "secretary_vacant_months")) for r in records] == [
        ("排查表", 3, ("洪湖乡", "东阳村", 4)),
        ("排查表", 4, ("洪湖乡", "塘桥村", 0)),
    ]


def test_xlsx_saved_with_an_xls_name_is_still_read(tmp_path, criteria):
    path = plain_xlsx(tmp_path / "renamed.xls")
    records, problems = read_records([path], criteria)
    assert problems == [] and get(records[0], criteria, "village") == ("宋三村",)


def test_xlsm_and_upper_case_extension(tmp_path, criteria):
    path = plain_xlsx(tmp_path / "DENGBU.XLSX")
    assert len(read_records([path], criteria)[0]) == 1


# -------------------------------------------------------------------------------------- unreadable files


def test_missing_path(tmp_path, criteria):
    p = one_problem(read_records([str(tmp_path / "nope.xlsx")], criteria)[1])
    assert p.message == "cannot read the file: file not found" and p.path == str(tmp_path / "nope.xlsx")


def test_a_directory(tmp_path, criteria):
    d = tmp_path / "folder.xlsx"
    d.mkdir()
    assert "folder" in one_problem(read_records([str(d)], criteria)[1]).message


@pytest.mark.parametrize("name", ["empty.xlsx", "empty.xls", "empty.csv", "empty.yaml", "empty.json", "empty.ods"])
def test_empty_files(tmp_path, criteria, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert one_problem(read_records([str(path)], criteria)[1]).message == "cannot read the file: the file is empty"


def test_random_bytes(tmp_path, criteria):
    path = tmp_path / "noise.xlsx"
    path.write_bytes(bytes(range(256)) * 40)
    assert (
        one_problem(read_records([str(path)], criteria)[1]).message
        == "cannot read the file: not an Excel or OpenDocument spreadsheet"
    )


def test_zip_that_is_not_a_workbook(tmp_path, criteria):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", "hello")
    assert (
        "not a readable spreadsheet, or the file is damaged"
        in one_problem(read_records([str(path)], criteria)[1]).message
    )


def test_ole_file_that_is_not_a_workbook(tmp_path, criteria):
    path = tmp_path / "fake.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert one_problem(read_records([str(path)], criteria)[1]).path == str(path)


def test_truncated_xlsx(tmp_path, criteria):
    whole = Path(plain_xlsx(tmp_path / "whole.xlsx")).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    one_problem(read_records([str(path)], criteria)[1])


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_text_file_named_xls(tmp_path, criteria, encoding):
    path = tmp_path / "report.xls"
    path.write_bytes("乡镇\t村名\n邓埠镇\t宋三村\n".encode(encoding))
    assert (
        one_problem(read_records([str(path)], criteria)[1]).message
        == "cannot read the file: this is a text file, not a spreadsheet (if it is CSV, name it .csv)"
    )


def test_unknown_extension(tmp_path, criteria):
    path = tmp_path / "villages.txt"
    path.write_text("乡镇,村名\n", encoding="utf-8")
    assert "unknown file type '.txt'" in one_problem(read_records([str(path)], criteria)[1]).message


@pytest.mark.parametrize(
    "name, message",
    [
        (
            "邓埠镇排查表.et",
            "cannot read the file: a WPS spreadsheet (.et) that cannot be read as Excel: in WPS, save it as "
            ".xlsx and check that copy",
        ),
        (
            "排查表.numbers",
            "cannot read the file: an Apple Numbers file: export it as Excel (.xlsx) and check that copy",
        ),
        (
            "邓埠镇整改情况汇报.docx",
            "cannot read the file: a document, not a table: lax reads the township's spreadsheet "
            "itself (.xlsx, .xls, .csv)",
        ),
    ],
)
def test_files_from_other_programs_say_what_to_do(tmp_path, criteria, name, message):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # WPS and Word files are OLE like .xls
    problem = one_problem(read_records([str(path)], criteria)[1])
    assert (problem.code, problem.message) == ("unreadable-file", message)


def test_a_wps_file_that_is_an_excel_workbook_inside_is_read(tmp_path, criteria):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["乡镇", "村名", "换届完成"])
    wb.active.append(["邓埠镇", "宋三村", "否"])
    path = tmp_path / "邓埠镇排查表.et"
    wb.save(path)
    records, problems = read_records([str(path)], criteria)
    assert problems == [] and [r.values[1] for r in records] == ["宋三村"]


def test_binary_csv(tmp_path, criteria):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\x00\x01\xff\xfe\x00" * 100)
    assert len(read_records([str(path)], criteria)[1]) == 1


def test_yaml_not_utf8(tmp_path, criteria):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("- {township: 邓埠镇, village: 宋三村}\n".encode("gbk"))
    assert "UTF-8" in one_problem(read_records([str(path)], criteria)[1]).message


def test_encrypted_workbook(criteria):
    p = one_problem(read_records([str(DATA / "encrypted.xlsx")], criteria)[1])
    assert "password-protected or encrypted" in p.message


def _patched_xlsx(tmp_path, name, patch):
    src = plain_xlsx(tmp_path / "plain.xlsx")
    out = tmp_path / name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = patch(data.decode()).encode()
            zout.writestr(item, data)
    return str(out)


def test_xml_external_entity_is_not_fetched(tmp_path, criteria):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")

    def patch(xml):
        xml = xml.replace("<worksheet", f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{secret}">]><worksheet', 1)
        return re.sub(r'<c r="B2"[^>]*>.*?</c>', '<c r="B2" t="inlineStr"><is><t>&xxe;</t></is></c>', xml)

    path = _patched_xlsx(tmp_path, "xxe.xlsx", patch)
    records, problems = read_records([path], criteria)
    assert "TOP-SECRET" not in repr([r.values for r in records]) + repr([p.message for p in problems])
    assert [p.code for p in problems] == ["unreadable-file"]


def test_xml_entity_expansion_bomb_is_refused(tmp_path, criteria):
    def patch(xml):
        ents = '<!ENTITY a0 "lollollollol">' + "".join(
            f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">' for i in range(1, 10)
        )
        xml = xml.replace("<worksheet", f"<!DOCTYPE worksheet [{ents}]><worksheet", 1)
        return re.sub(r'<c r="B2"[^>]*>.*?</c>', '<c r="B2" t="inlineStr"><is><t>&a9;</t></is></c>', xml)

    path = _patched_xlsx(tmp_path, "bomb.xlsx", patch)
    records, problems = read_records([path], criteria)
    assert [p.code for p in problems] == ["unreadable-file"] and records == []


def test_a_bad_file_does_not_stop_the_others(tmp_path, criteria):
    good = plain_xlsx(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    other = tmp_path / "other.csv"
    other.write_text("乡镇,村名\n黄溪镇,塔洲村\n", encoding="utf-8")
    records, problems = read_records([str(bad), good, str(other), str(tmp_path / "gone.json")], criteria)
    assert [get(r, criteria, "village")[0] for r in records] == ["宋三村", "塔洲村"]
    assert [(p.code, p.path) for p in problems] == [
        ("unreadable-file", str(bad)),
        ("unreadable-file", str(tmp_path / "gone.json")),
    ]
    assert all("\n" not in p.message for p in problems)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_permissions(tmp_path, criteria):
    path = Path(plain_xlsx(tmp_path / "locked.xlsx"))
    path.chmod(0)
    one_problem(read_records([str(path)], criteria)[1])
