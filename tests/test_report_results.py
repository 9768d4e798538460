"""成效 from measured change (issue 11): 群众满意度 and the petition counts (the criteria's `tracked: true` fields)
kept by `lax check --record` at identification and from the next quarter's sheet, measured again at the
acceptance (`lax ledger accept --satisfaction 92 --collective-petitions 0`), shown by `ledger show`, checked by
`ledger verify`, carried through export/import, and compared in the reports' 成效 only over the villages with
both values, the placeholder naming what is still missing. Everything through the CLI, in Chinese and English,
with sheets built here with openpyxl."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from lax.cli import app

HEADER = ["乡镇", "村名", "党员人数", "群众满意度", "集体访次数", "越级访次数", "排查日期"]
GOLDEN = Path(__file__).parent / "golden" / "report"


def sheet(path: Path, rows: list[list]) -> Path:
    """A township's sheet as they send it: a title row, the header, the villages, a footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["村级班子情况排查表"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    ws.append(["填表人：李明"])
    wb.save(path)
    return path


def run(args: list[str], lang: str = "en", today: str = "2026-07-10"):
    env = {"LAX_NOW": "2026-07-10T10:15:00+08:00", "LAX_TODAY": today, "LAX_USER": "李明", "LAX_LANG": lang}
    return CliRunner().invoke(app, [*args], env={**env, "LAX_LEDGER": None})


def ok(*args: str, lang: str = "en", code: int = 0):
    r = run(list(args), lang)
    assert r.exit_code == code, r.output
    return r


@pytest.fixture
def dengbu(tmp_path, monkeypatch):
    """邓埠镇's first-quarter sheet recorded (宋三村 and 港背村 flagged for satisfaction, 宋三村 for petitions too;
    东湖村 meets nothing), both plans recorded, then its second-quarter sheet: 宋三村 better, 港背村 the same."""
    monkeypatch.chdir(tmp_path)
    led = tmp_path / "ledger"
    q1 = [
        ["邓埠镇", "宋三村", 31, 55, 4, 0, "2026-03-20"],
        ["邓埠镇", "港背村", 20, 58, 0, 0, "2026-03-20"],
        ["邓埠镇", "东湖村", 25, 90, 0, 0, "2026-03-20"],
    ]
    sheet(tmp_path / "邓埠镇2026Q1.xlsx", q1)
    ok("check", "邓埠镇2026Q1.xlsx", "--as-of", "2026-03-25", "--record", "--ledger", str(led), code=1)
    for village in ("宋三村", "港背村"):
        ok(
            "ledger",
            "plan",
            village,
            "--measure",
            "逐户回访，逐项整改群众反映的问题",
            "--date",
            "2026-03-30",
            "--ledger",
            str(led),
        )
    q2 = [
        ["邓埠镇", "宋三村", 31, 85, 1, 0, "2026-06-20"],
        ["邓埠镇", "港背村", 20, 58, 0, 0, "2026-06-20"],
        ["邓埠镇", "东湖村", 25, 91, 0, 0, "2026-06-20"],
    ]
    sheet(tmp_path / "邓埠镇2026Q2.xlsx", q2)
    r = ok("check", "邓埠镇2026Q2.xlsx", "--as-of", "2026-06-25", "--record", "--ledger", str(led), code=1)
    summary = next(line for line in r.output.splitlines() if line.startswith("ledger: "))
    assert summary.endswith("3 file(s) written; satisfaction/petitions recorded after identification for 2 village(s)")
    return led


def events_text(path: Path) -> list[str]:
    return [line for line in path.read_text("utf-8").splitlines() if not line.startswith("  recorded:")]


def test_the_sheets_keep_the_values_at_identification_and_the_next_quarters(dengbu):
    song = events_text(dengbu / "邓埠镇-宋三村.yaml")
    assert "  profile: {party_members: 31, collective_petitions: 4, leapfrog_petitions: 0, satisfaction: 55}" in song
    assert song[-4:] == [
        "- date: 2026-06-25",
        "  type: profile",
        "  profile: {collective_petitions: 1, leapfrog_petitions: 0, satisfaction: 85}",
        "  source: {path: 邓埠镇2026Q2.xlsx, sheet: 排查表, row: 3}",
    ]
    # 港背村's values did not change, but this is their first measurement since identification: kept, so that
    # the report can say "the same" rather than "not measured again"
    gang = events_text(dengbu / "邓埠镇-港背村.yaml")
    assert gang[-4:] == [
        "- date: 2026-06-25",
        "  type: profile",
        "  profile: {collective_petitions: 0, leapfrog_petitions: 0, satisfaction: 58}",
        "  source: {path: 邓埠镇2026Q2.xlsx, sheet: 排查表, row: 4}",
    ]
    # 东湖村 meets nothing and is not on the ledger: no file for its values alone
    assert not (dengbu / "邓埠镇-东湖村.yaml").exists()
    # the same sheet again records nothing: the values are already measured on that date
    before = {p.name: p.read_bytes() for p in dengbu.glob("*.yaml")}
    r = ok("check", "邓埠镇2026Q2.xlsx", "--as-of", "2026-06-25", "--record", "--ledger", str(dengbu), code=1)
    assert "nothing new to record" in r.output
    assert {p.name: p.read_bytes() for p in dengbu.glob("*.yaml")} == before
    # a third sheet with 港背村 still at 58 adds nothing more for it: measured after identification already
    sheet(Path("邓埠镇2026Q3.xlsx"), [["邓埠镇", "港背村", 20, 58, 0, 0, "2026-09-20"]])
    ok("check", "邓埠镇2026Q3.xlsx", "--as-of", "2026-09-25", "--record", "--ledger", str(dengbu), code=1)
    assert events_text(dengbu / "邓埠镇-港背村.yaml")[-4:] == gang[-4:]


def test_the_chinese_report_says_the_change_and_names_the_villages(dengbu):
    data = json.loads(
        ok("report", "--quarter", "2026Q2", "--format", "json", "--lang", "zh", "--ledger", str(dengbu)).stdout
    )
    lines = data["results"]["lines"]
    assert lines[-3:-1] == [
        "群众满意度由整顿前平均56.5%提高到71.5%（2个村：邓埠镇宋三村、港背村）。",
        "集体访由整顿前4次降至1次（2个村：邓埠镇宋三村、港背村）。",
    ]
    # 越级访 was 0 before and after: said as unchanged, over the same villages
    assert not any("越级访由" in line for line in lines)
    md = ok("report", "--quarter", "2026Q2", "--lang", "zh", "--ledger", str(dengbu)).stdout
    assert "越级访与整顿前持平，为0次（2个村：邓埠镇宋三村、港背村）。" in md
    assert "【待填写：台账无法统计的变化：村级班子战斗力" in md  # nothing measured is missing
    # the first quarter: no later value yet; the placeholder names the villages, the value and where the rest comes from
    data = json.loads(
        ok("report", "--quarter", "2026Q1", "--format", "json", "--lang", "zh", "--ledger", str(dengbu)).stdout
    )
    assert not any("群众满意度由" in line for line in data["results"]["lines"])
    assert data["results"]["placeholder"].startswith(
        "【待填写：邓埠镇宋三村、港背村（2个村）整改后的群众满意度：台账只有整顿前的数值（平均56.5%），"
        "可由下一季度排查表的“群众满意度”列记入台账，或在验收时记录；"
        "邓埠镇宋三村、港背村（2个村）整改后的集体访：台账只有整顿前的数值（4次），"
    )


def test_the_english_report_says_the_change_and_names_the_villages(dengbu):
    data = json.loads(
        ok("report", "--quarter", "2026Q2", "--format", "json", "--lang", "en", "--ledger", str(dengbu)).stdout
    )
    assert data["results"]["lines"][-3:] == [
        "Mass satisfaction rose from 56.5% on average before rectification to 71.5% (2 villages: 宋三村 and 港背村 in 邓埠镇).",
        "Collective petitions fell from 4 before rectification to 1 (2 villages: 宋三村 and 港背村 in 邓埠镇).",
        "Leapfrog petitions stayed at 0, as before rectification (2 villages: 宋三村 and 港背村 in 邓埠镇).",
    ]
    data = json.loads(
        ok("report", "--quarter", "2026Q1", "--format", "json", "--lang", "en", "--ledger", str(dengbu)).stdout
    )
    assert data["results"]["placeholder"].startswith(
        "[To be written: mass satisfaction after rectification in 2 villages (宋三村 and 港背村 in 邓埠镇): the ledger "
        "holds only the value before (average 56.5%); a later township sheet with the column(s) 'Satisfaction (%)' "
        "recorded by lax check --record, or at acceptance: lax ledger accept --satisfaction N;"
    )


@pytest.fixture
def honghu(tmp_path, monkeypatch):
    """洪湖乡's sheet: 东阳村 and 塘桥村 flagged for satisfaction, 东阳村 for a leapfrog petition; plans recorded."""
    monkeypatch.chdir(tmp_path)
    led = tmp_path / "ledger"
    rows = [["洪湖乡", "东阳村", 28, 52, 1, 2, "2026-03-18"], ["洪湖乡", "塘桥村", 33, 50, 0, 0, "2026-03-18"]]
    sheet(tmp_path / "洪湖乡.xlsx", rows)
    ok("check", "洪湖乡.xlsx", "--as-of", "2026-03-20", "--record", "--ledger", str(led), code=1)
    for village in ("东阳村", "塘桥村"):
        ok("ledger", "plan", village, "--measure", "开展群众满意度回访", "--date", "2026-03-25", "--ledger", str(led))
    return led


def test_the_acceptance_gives_the_after_value(honghu):
    r = ok(
        "ledger", "accept", "塘桥村", "--pass", "--score", "88", "--satisfaction", "90%", "--leapfrog-petitions", "0",
        "--by", "县委组织部", "--date", "2026-06-28", "--ledger", str(honghu),
    )  # fmt: skip
    assert "passed acceptance on 2026-06-28" in r.output
    assert events_text(honghu / "洪湖乡-塘桥村.yaml")[-7:] == [
        "- date: 2026-06-28",
        "  type: acceptance",
        "  passed: true",
        "  score: 88",
        "  satisfaction: 90",
        "  leapfrog_petitions: 0",
        "  by: 县委组织部",
    ]
    ok("ledger", "verify", "--ledger", str(honghu))
    md = ok("report", "--quarter", "2026Q2", "--lang", "zh", "--ledger", str(honghu)).stdout
    assert (
        "群众满意度由整顿前50%提高到90%（1个村：洪湖乡塘桥村）。越级访与整顿前持平，为0次（1个村：洪湖乡塘桥村）。"
        in md
    )
    # 东阳村 was not accepted and sent no later sheet: not averaged in, named in the placeholder with its value
    assert "洪湖乡东阳村（1个村）整改后的群众满意度：台账只有整顿前的数值（52%）" in md
    assert "洪湖乡东阳村（1个村）整改后的越级访：台账只有整顿前的数值（2次）" in md
    en = ok("report", "--quarter", "2026Q2", "--lang", "en", "--ledger", str(honghu)).stdout
    assert "Mass satisfaction rose from 50% before rectification to 90% (1 village: 塘桥村 in 洪湖乡)." in en
    assert (
        "mass satisfaction after rectification in 1 village (东阳村 in 洪湖乡): the ledger holds only the value before (52%)"
        in en
    )


def test_ledger_show_prints_before_and_after(honghu):
    ok("ledger", "accept", "塘桥村", "--pass", "--satisfaction", "90", "--date", "2026-06-28", "--ledger", str(honghu))
    out = ok("ledger", "show", "塘桥村", "--lang", "zh", "--ledger", str(honghu)).stdout
    flat = "".join(out.split())
    assert "整改前后：群众满意度50（2026-03-20）→90（2026-06-28）；集体访次数0（2026-03-20）→未测；" in flat
    assert "验收" in out and "群众满意度（%）：90" in flat
    out = ok("ledger", "show", "塘桥村", "--ledger", str(honghu)).stdout
    assert "Before / after: Satisfaction (%) 50 (2026-03-20) → 90 (2026-06-28)" in " ".join(out.split())
    data = json.loads(ok("ledger", "show", "塘桥村", "--format", "json", "--ledger", str(honghu)).stdout)
    assert data["measured"]["satisfaction"] == {
        "before": 50,
        "before_on": "2026-03-20",
        "after": 90,
        "after_on": "2026-06-28",
    }
    assert data["measured"]["collective_petitions"] == {
        "before": 0,
        "before_on": "2026-03-20",
        "after": None,
        "after_on": None,
    }


@pytest.mark.parametrize(
    "option, value, en, zh",
    [
        (
            "--satisfaction",
            "120",
            "--satisfaction: '120' is not a percent from 0 to 100",
            "--satisfaction：“120”不是 0 到 100 之间的百分数",
        ),
        (
            "--satisfaction",
            "很高",
            "--satisfaction: '很高' is not a percent from 0 to 100",
            "--satisfaction：“很高”不是 0 到 100 之间的百分数",
        ),
        (
            "--collective-petitions",
            "1.5",
            "--collective-petitions: '1.5' is not a count of 0 or more",
            "--collective-petitions：“1.5”不是 0 或以上的整数次数",
        ),
        (
            "--leapfrog-petitions",
            "-1",
            "--leapfrog-petitions: '-1' is not a count of 0 or more",
            "--leapfrog-petitions：“-1”不是 0 或以上的整数次数",
        ),
    ],
)
def test_accept_refuses_a_value_that_is_not_a_measure(honghu, option, value, en, zh):
    before = (honghu / "洪湖乡-塘桥村.yaml").read_bytes()
    for lang, message in (("en", en), ("zh", zh)):
        r = run(["ledger", "accept", "塘桥村", "--pass", option, value, "--ledger", str(honghu)], lang)
        assert r.exit_code == 2
        assert r.output.splitlines() == [message]
    assert (honghu / "洪湖乡-塘桥村.yaml").read_bytes() == before


def test_verify_names_the_line_of_a_bad_measure(honghu):
    path = honghu / "洪湖乡-塘桥村.yaml"
    ok(
        "ledger",
        "accept",
        "塘桥村",
        "--pass",
        "--satisfaction",
        "90",
        "--collective-petitions",
        "0",
        "--date",
        "2026-06-28",
        "--ledger",
        str(honghu),
    )
    text = path.read_text("utf-8")
    text = text.replace("  satisfaction: 90\n", "  satisfaction: 190\n").replace(
        "  collective_petitions: 0\n", "  collective_petitions: 两次\n"
    )
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    n_sat = lines.index("  satisfaction: 190") + 1
    n_pet = lines.index("  collective_petitions: 两次") + 1
    # a sheet's value against the criteria's type: checked in a file whose format is right
    other = honghu / "洪湖乡-东阳村.yaml"
    text = other.read_text("utf-8").replace(
        "leapfrog_petitions: 2, satisfaction: 52}", "leapfrog_petitions: 2, satisfaction: 152}"
    )
    other.write_text(text, encoding="utf-8")
    n_prof = next(i for i, line in enumerate(text.splitlines(), 1) if "satisfaction: 152}" in line)
    r = run(["ledger", "verify", "--ledger", str(honghu)])
    assert r.exit_code == 2, r.output
    assert f"{path}:{n_sat}: satisfaction: 190 is not a percent from 0 to 100" in r.output
    assert f"{path}:{n_pet}: collective_petitions: '两次' is not a count of 0 or more" in r.output
    assert f"{other}:{n_prof}: profile: satisfaction: 152 is not a percent from 0 to 100" in r.output
    r = run(["ledger", "verify", "--ledger", str(honghu)], "zh")
    assert f"{path}:{n_sat}: satisfaction：190 不是 0 到 100 的百分数" in r.output
    assert f"{path}:{n_pet}: collective_petitions：'两次' 不是 0 或以上的次数" in r.output


def test_export_and_import_keep_the_measures(honghu, tmp_path):
    ok(
        "ledger",
        "accept",
        "塘桥村",
        "--pass",
        "--satisfaction",
        "90",
        "--collective-petitions",
        "0",
        "--leapfrog-petitions",
        "0",
        "--date",
        "2026-06-28",
        "--ledger",
        str(honghu),
    )
    ok("ledger", "export", str(tmp_path / "台账.xlsx"), "--ledger", str(honghu))
    wb = openpyxl.load_workbook(tmp_path / "台账.xlsx")
    events = wb["事件 events"]
    header = [c.value for c in next(events.iter_rows(max_row=1))]
    assert {"satisfaction", "collective_petitions", "leapfrog_petitions"} <= set(header)
    ok("ledger", "import", str(tmp_path / "台账.xlsx"), "--ledger", str(tmp_path / "copy"))
    for p in honghu.glob("*.yaml"):
        assert (tmp_path / "copy" / p.name).read_bytes() == p.read_bytes(), p.name


def test_a_tracked_marker_that_cannot_be_is_refused_with_its_line(tmp_path, monkeypatch):
    from lax.criteria import packaged_path

    monkeypatch.chdir(tmp_path)
    text = packaged_path("criteria.yaml").read_text("utf-8")
    bad = text.replace(
        "    title: {zh: 村名, en: Village}\n", "    title: {zh: 村名, en: Village}\n    tracked: true\n"
    )
    at = bad.index("  - id: satisfaction\n")
    bad = bad[:at] + bad[at:].replace("    tracked: true\n", "    tracked: 是\n", 1)
    path = tmp_path / "criteria.yaml"
    path.write_text(bad, encoding="utf-8")
    lines = bad.splitlines()
    village = lines.index("    title: {zh: 村名, en: Village}") + 2
    satisfaction = lines.index("    tracked: 是") + 1
    r = run(["criteria", "--criteria", str(path)])
    assert r.exit_code == 2
    assert (
        f"{path}:{village}: field 'village': only a count, number or percent can be tracked (its change is averaged or summed)"
        in r.output
    )
    assert f"{path}:{satisfaction}: field 'satisfaction': tracked must be true or false" in r.output


def test_the_packaged_criteria_track_satisfaction_and_the_petitions():
    from lax.criteria import load_criteria, packaged_path

    crit = load_criteria(packaged_path("criteria.yaml"))
    assert [f.id for f in crit.tracked_fields] == ["collective_petitions", "leapfrog_petitions", "satisfaction"]
    assert not any(f.profile for f in crit.tracked_fields)  # measures of the problem, not facts of 基本情况


def test_the_golden_county_report_says_the_measured_change():
    """The scenario's spot-check sheets carry satisfaction and petitions, the acceptances measure them again
    (88 and 90), and 平定乡's third-quarter sheet, after both acceptances, gives the latest values: the report
    compares the value at identification with the latest one."""
    zh = (GOLDEN / "county.zh.md").read_text(encoding="utf-8")
    assert (
        "群众满意度由整顿前平均63.5%提高到88%（2个村：平定乡东安村、平定村）。"
        "集体访由整顿前3次降至0次（2个村：平定乡东安村、平定村）。"
    ) in zh
    assert "等14个村整顿前的越级访：认定时台账中没有数值，整改后的数值无从比较" in zh
    en = (GOLDEN / "county.en.md").read_text(encoding="utf-8")
    assert (
        "Mass satisfaction rose from 63.5% on average before rectification to 88% "
        "(2 villages: Dong'an Village and Pingding Village in Pingding Township)."
    ) in en
    # the village report of a spot-checked village does not list satisfaction among its facts
    spot = (GOLDEN / "village.zh.spot.md").read_text(encoding="utf-8")
    assert (
        "【待填写：党员人数、入党积极分子人数、有固定活动场所、村集体经济收入(万元)（排查表未填报，台账中没有记录）。】"
        in spot
    )


def test_a_village_opened_by_hand_has_no_before_and_is_not_compared(tmp_path, monkeypatch):
    """黄溪镇塔洲村 opened by hand (a mass complaint) has no value at identification; its acceptance's is not
    compared with anything, and the placeholder says so."""
    monkeypatch.chdir(tmp_path)
    led = str(tmp_path / "ledger")
    ok(
        "ledger",
        "open",
        "塔洲村",
        "--township",
        "黄溪镇",
        "--standards",
        "C15",
        "--channel",
        "mass",
        "--date",
        "2026-04-02",
        "--ledger",
        led,
    )
    ok("ledger", "plan", "塔洲村", "--measure", "逐项整改群众反映的问题", "--date", "2026-04-10", "--ledger", led)
    ok("ledger", "accept", "塔洲村", "--pass", "--satisfaction", "86", "--date", "2026-06-30", "--ledger", led)
    data = json.loads(ok("report", "--quarter", "2026Q2", "--format", "json", "--lang", "zh", "--ledger", led).stdout)
    assert not any("群众满意度由" in line for line in data["results"]["lines"])
    assert data["results"]["missing"][:2] == [
        "黄溪镇塔洲村（1个村）整顿前的群众满意度：认定时台账中没有数值，整改后的数值无从比较",
        "集体访、越级访的变化：台账中没有整顿村整顿前后的数值（可由下一季度排查表的“集体访次数”、“越级访次数”列记入台账，或在验收时记录）",
    ]
    data = json.loads(ok("report", "--quarter", "2026Q2", "--format", "json", "--lang", "en", "--ledger", led).stdout)
    assert data["results"]["missing"][0] == (
        "mass satisfaction before rectification for 1 village (塔洲村 in 黄溪镇): none was recorded at identification, "
        "so the later values are not compared"
    )
