"""Names (issue 9): a village written with the name of its organisation (坪上村村委会, 坪上村党支部) and a township
with and without its 镇/乡 are the same place as the bare name — read as one, said in a `name-normalised` notice
per spelling, and seen as the same village by duplicate detection and the ledger."""

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from lax.cli import app
from lax.read.records import normal_name, township_merges

runner = CliRunner()

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


def township_sheet(path, rows, title="邓埠镇村级班子情况排查表"):
    """Title row, 填报单位 row, header (乡镇 村名 换届完成 + the usual columns), the villages, a 合计 footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append([title])
    ws.append(["填报单位：邓埠镇党委", None, None, "日期：2026年9月28日"])
    ws.append(["乡镇", "村名", "换届完成"] + [h for h, _v in REST])
    for r in rows:
        ws.append(r + [v for _h, v in REST])
    ws.append(["合计"])
    wb.save(path)
    return path


def check_json(*paths, extra=()):
    r = runner.invoke(
        app,
        ["check", *map(str, paths), "--format", "json", "--as-of", "2026-09-30", *extra],
        env={"LAX_TODAY": "2026-09-30"},
    )
    return r, json.loads(r.stdout) if r.stdout.startswith("{") else None


@pytest.mark.parametrize(
    "written, name",
    [
        ("坪上村村委会", "坪上村"),
        ("坪上村党支部", "坪上村"),
        ("坪上村党总支", "坪上村"),
        ("坪上村委会", "坪上村"),
        ("坪上村村民委员会", "坪上村"),
        ("中共坪上村支部委员会", "坪上村"),
        ("坪上党支部", "坪上"),
        ("城关社区居委会", "城关社区"),
        ("坪上村", "坪上村"),
        ("新村", "新村"),
        ("村委会", "村委会"),
        ("城关居委会", "城关居委会"),
        ("Pingshang Village Committee", "Pingshang Village"),
        ("Song San Village", "Song San Village"),
    ],
)
def test_a_village_name_loses_the_organisation_never_its_village(written, name):
    assert normal_name(written) == name


def test_a_township_loses_its_government_and_party_committee_but_keeps_its_name():
    assert [normal_name(t, township=True) for t in ("邓埠镇人民政府", "邓埠镇党委", "邓埠", "镇政府")] == [
        "邓埠镇",
        "邓埠镇",
        "邓埠",
        "镇政府",
    ]


def test_a_bare_township_is_merged_only_into_the_one_suffixed_name_there():
    assert township_merges(["邓埠", "邓埠镇", "黄溪", "洪湖", "洪湖镇", "洪湖乡", "Dengbu", "Dengbu Town"]) == {
        "邓埠": "邓埠镇",
        "Dengbu": "Dengbu Town",
    }


def test_organisation_spellings_in_one_sheet_are_one_village_and_a_duplicate(tmp_path):
    path = township_sheet(
        tmp_path / "dengbu.xlsx",
        [
            ["邓埠镇", "坪上村党支部", "否"],
            [None, "宋三村", "是"],
            [None, "坪上村村委会", "是"],
            [None, "徐家村党支部", "是"],
            [None, "徐家村党支部", "是"],  # the same spelling again: still one notice
        ],
    )
    r, data = check_json(path)
    assert r.exit_code == 2, r.output  # the duplicates are problems
    assert [v["village"] for v in data["villages"]] == ["坪上村", "宋三村", "徐家村"]
    assert [(p["code"], p["row"], p["value"]) for p in data["problems"]] == [
        ("duplicate-village", 6, "坪上村"),
        ("duplicate-village", 8, "徐家村"),
    ]
    assert (
        data["problems"][0]["message"]
        == f"邓埠镇 坪上村 appears twice: first at {path}, sheet 排查表, row 4; this row is left out"
    )
    names = [n for n in data["notices"] if n["code"] == "name-normalised"]
    assert [(n["row"], n["column"], n["field"], n["value"]) for n in names] == [
        (4, "B", "village", "坪上村党支部"),
        (6, "B", "village", "坪上村村委会"),
        (7, "B", "village", "徐家村党支部"),
    ]
    assert (
        names[0]["message"]
        == 'village "坪上村党支部" is read as 坪上村, the same place (the organisation\'s name stripped)'
    )


def test_a_township_with_and_without_its_suffix_across_two_files_is_one_place(tmp_path):
    first = township_sheet(tmp_path / "dengbu.xlsx", [["邓埠镇", "宋三村", "是"], ["邓埠镇", "坪上村", "否"]])
    second = township_sheet(tmp_path / "dengbu-supplement.xlsx", [["邓埠", "坪上村", "否"], ["邓埠", "徐家村", "是"]])
    r, data = check_json(first, second)
    assert r.exit_code == 2, r.output
    assert [(v["township"], v["village"]) for v in data["villages"]] == [
        ("邓埠镇", "宋三村"),
        ("邓埠镇", "坪上村"),
        ("邓埠镇", "徐家村"),
    ]
    assert [(p["code"], p["path"], p["row"]) for p in data["problems"]] == [("duplicate-village", str(second), 4)]
    names = [n for n in data["notices"] if n["code"] == "name-normalised"]
    assert [(n["path"], n["row"], n["column"], n["field"], n["value"], n["message"]) for n in names] == [
        (
            str(second),
            4,
            "A",
            "township",
            "邓埠",
            f'township "邓埠" is read as 邓埠镇, the same place (as in {first}, sheet 排查表, row 4)',
        )
    ]


def test_a_bare_township_alone_stays_as_written(tmp_path):
    path = township_sheet(tmp_path / "dengbu.xlsx", [["邓埠", "宋三村", "是"], ["邓埠", "坪上村", "是"]])
    r, data = check_json(path)
    assert r.exit_code == 0, r.output
    assert {v["township"] for v in data["villages"]} == {"邓埠"}
    assert data["notices"] == []


def test_the_table_names_the_spellings_merged(tmp_path):
    path = township_sheet(tmp_path / "dengbu.xlsx", [["邓埠镇", "坪上村委会", "否"]])
    r = runner.invoke(app, ["check", str(path), "--as-of", "2026-09-30"], env={"LAX_TODAY": "2026-09-30"})
    assert r.exit_code == 1, r.output
    assert (
        f'  {path}, sheet 排查表: village "坪上村委会" is read as 坪上村, the same place (the organisation\'s name '
        "stripped)" in r.stdout.splitlines()
    )


def test_yaml_items_are_normalised_too(tmp_path):
    path = tmp_path / "spot.yaml"
    path.write_text(
        "- {township: 洪湖乡, village: 塘桥村党支部, election_completed: false}\n"
        "- {township: 洪湖, village: 东阳村, election_completed: true}\n"
        "- {township: 洪湖乡, village: 东阳村村委会, election_completed: true}\n",
        encoding="utf-8",
    )
    r, data = check_json(path)
    assert [(v["township"], v["village"]) for v in data["villages"]] == [("洪湖乡", "塘桥村"), ("洪湖乡", "东阳村")]
    assert [(p["code"], p["row"]) for p in data["problems"]] == [("duplicate-village", 3)]
    assert [(n["row"], n["line"], n["value"]) for n in data["notices"] if n["code"] == "name-normalised"] == [
        (1, 1, "塘桥村党支部"),
        (3, 3, "东阳村村委会"),
        (2, 2, "洪湖"),
    ]


def test_the_ledger_keeps_one_history_for_the_village_however_it_is_written(tmp_path):
    ledger = tmp_path / "ledger"
    first = township_sheet(tmp_path / "q3.xlsx", [["邓埠镇", "坪上村党支部", "否"]])
    r, _data = check_json(first, extra=("--record", "--ledger", str(ledger)))
    assert r.exit_code == 1, r.output
    second = township_sheet(tmp_path / "q3-again.xlsx", [["邓埠", "坪上村", "否"], ["邓埠镇", "宋三村", "是"]])
    r, data = check_json(second, extra=("--record", "--ledger", str(ledger)))
    assert r.exit_code == 1, r.output
    assert [(v["township"], v["village"]) for v in data["villages"] if v["flagged"]] == [("邓埠镇", "坪上村")]
    assert sorted(p.name for p in ledger.glob("*.yaml") if "坪上" in p.name) == ["邓埠镇-坪上村.yaml"]
