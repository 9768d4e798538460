"""One sheet-reading layer: `lax check` and `lax ledger import` find the same header and skip the same rows.

The 台账 import used to find its header, carry the township down and skip footer rows with code (and a
footer word list) of its own; both now use `lax.read.header` and `lax.read.rows`. Each test reads one
county 台账 with both commands, as a clerk would, and asserts that they agree on which rows are villages.
"""

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lax.cli import app
from lax.read.header import column_letter, find_header
from lax.read.rows import carry_down, is_footer_row

runner = CliRunner()
D = dt.date
HEADER = ["序号", "乡镇", "村名", "认定时间", "软弱涣散情形", "主要问题", "整改措施", "整改时限"]


def ledger_sheet(path: Path, rows: list[list], header: list = HEADER, under_header: list | None = None) -> Path:
    """A 台账 as a county keeps it: a title row, the header, optionally a row under it, the villages."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "整顿台账"
    ws.append(["余江县软弱涣散村党组织整顿台账"])
    ws.append(header)
    if under_header is not None:
        ws.append(under_header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def checked(path: Path) -> dict:
    """`lax check --format json --all` of a file, parsed."""
    r = runner.invoke(app, ["check", str(path), "--format", "json", "--all", "--as-of", "2026-12-31"])
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


def imported(path: Path, folder: Path):
    return runner.invoke(app, ["ledger", "import", str(path), "--ledger", str(folder), "--date", "2026-12-31"])


def villages_in(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml"))


@pytest.mark.parametrize(
    "footer",
    [
        ["说明：村名按民政部门公布的名称填写"],  # 说明 was a footer word of `check` only
        [None, "备注：东阳村已于10月销号"],  # 备注, in the township column
        [None, None, "分管领导：李四", None, "联系人：王五"],  # 分管 / 联系人, in the village column
        ["注：本表一式两份"],  # 注：
    ],
)
def test_a_footer_word_check_knew_is_skipped_by_the_ledger_import_too(tmp_path, footer):
    src = ledger_sheet(
        tmp_path / "台账.xlsx",
        [
            [1, "邓埠镇", "宋三村", D(2026, 3, 31), "C05", "换届选举未完成", "召开党员大会重新选举", D(2026, 9, 30)],
            [2, "黄溪镇", "东阳村", D(2026, 6, 30), "C07", "三会一课长期不开", "落实三会一课制度", D(2026, 12, 31)],
            footer,
        ],
    )
    result = checked(src)
    assert [(v["township"], v["village"]) for v in result["villages"]] == [("邓埠镇", "宋三村"), ("黄溪镇", "东阳村")]
    assert result["problems"] == []
    r = imported(src, tmp_path / "ledger")
    assert r.exit_code == 0, r.output
    assert "imported 2 village(s)" in r.stdout
    assert villages_in(tmp_path / "ledger") == ["邓埠镇-宋三村", "黄溪镇-东阳村"]


def test_a_township_after_a_subtotal_row_is_carried_down_alike(tmp_path):
    # 邓埠镇 merged down over its villages, a 小计 row, then a village whose township was left blank: it is
    # 邓埠镇's (the row above that names a township), not the subtotal's. `check` used to carry 小计 down and
    # drop 塘桥村 without a word; the import carried 邓埠镇.
    src = ledger_sheet(
        tmp_path / "台账.xlsx",
        [
            [1, "邓埠镇", "宋三村", D(2026, 3, 31), "C05", "换届选举未完成", "召开党员大会重新选举", D(2026, 9, 30)],
            [None, "小计", "1个村"],
            [2, None, "塘桥村", D(2026, 3, 31), "C12", "集体访频发", "化解信访积案", D(2026, 9, 30)],
            [3, "黄溪镇", "东阳村", D(2026, 6, 30), "C07", "三会一课长期不开", "落实三会一课制度", D(2026, 12, 31)],
            ["合计", None, "3个村"],
        ],
    )
    result = checked(src)
    assert [(v["township"], v["village"], v["source"]["row"]) for v in result["villages"]] == [
        ("邓埠镇", "宋三村", 3),
        ("邓埠镇", "塘桥村", 5),
        ("黄溪镇", "东阳村", 6),
    ]
    assert result["problems"] == []
    r = imported(src, tmp_path / "ledger")
    assert r.exit_code == 0, r.output
    assert villages_in(tmp_path / "ledger") == ["邓埠镇-塘桥村", "邓埠镇-宋三村", "黄溪镇-东阳村"]


def test_the_column_number_row_under_the_header_is_no_village_for_either(tmp_path):
    src = ledger_sheet(
        tmp_path / "台账.xlsx",
        [
            [1, "洪湖乡", "塘桥村", D(2026, 3, 31), "C12", "集体访频发", "化解信访积案", D(2026, 9, 30)],
        ],
        under_header=["甲", "乙", "丙", 1, 2, 3, 4, 5],
    )
    assert [v["village"] for v in checked(src)["villages"]] == ["塘桥村"]
    r = imported(src, tmp_path / "ledger")
    assert r.exit_code == 0, r.output
    assert villages_in(tmp_path / "ledger") == ["洪湖乡-塘桥村"]


def test_a_first_village_under_a_header_is_not_read_as_the_headers_lower_half(tmp_path):
    # The first village's 主要问题 says 书记不胜任, which is also how a column of the standards is headed: the
    # row is still a village (its village cell names no column). `check` used to take it for the lower half
    # of a two-row header and leave 宋三村 out without a word; the import did not.
    src = ledger_sheet(
        tmp_path / "台账.xlsx",
        [
            [1, "邓埠镇", "宋三村", D(2026, 3, 31), "C02", "书记不胜任", "调整村党组织书记", D(2026, 9, 30)],
            [2, "黄溪镇", "东阳村", D(2026, 6, 30), "C07", "三会一课长期不开", "落实三会一课制度", D(2026, 12, 31)],
        ],
    )
    assert [v["village"] for v in checked(src)["villages"]] == ["宋三村", "东阳村"]
    r = imported(src, tmp_path / "ledger")
    assert r.exit_code == 0, r.output
    assert villages_in(tmp_path / "ledger") == ["邓埠镇-宋三村", "黄溪镇-东阳村"]


def test_one_header_finder_for_any_column_names():
    rows = [
        ["余江县整顿台账"],
        ["序号", "乡镇", "村名", "整顿措施", None],
        [None, None, None, "县级联系领导", "乡镇包村领导"],
        [1, "邓埠镇", "宋三村", "刘县长", "李明"],
    ]
    names = {
        "乡镇": "township",
        "村名": "village",
        "整顿措施县级联系领导": "county_leader",
        "整顿措施乡镇包村领导": "township_leader",
    }
    found = find_header(rows, [], names.get)
    assert found.columns == {1: "township", 2: "village", 3: "county_leader", 4: "township_leader"}
    assert (found.at, found.data_at, found.top) == (1, 3, 1)
    assert find_header([["姓名", "电话"]], [], names.get) is None


def test_footer_rows_and_carry_down():
    assert is_footer_row(None, None, ["", "合 计", ""], [0])
    assert is_footer_row("邓埠镇", None, ["", "", "", "", "填表人：张三"], [0])  # the first non-blank cell
    assert not is_footer_row("邓埠镇", "宋三村", [1, "邓埠镇", "宋三村", "合计"], [0])
    assert carry_down([None, "宋三村镇", None, "小计", None], "邓埠镇") == (
        ["邓埠镇", "宋三村镇", "宋三村镇", "小计", "宋三村镇"],
        "宋三村镇",
    )
    assert carry_down([None, None], None) == ([None, None], None)
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
