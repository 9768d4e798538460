"""The village profile (issue 11): the criteria's `profile: true` fields (党员人数, 入党积极分子人数, 有固定活动场所,
村集体经济收入) kept by `lax check --record` from the latest sheet, shown by `ledger show`, checked by
`ledger verify`, carried through export/import, and stated in the village report's 基本情况; the helping unit
and first secretary named in the county and township reports. Everything through the CLI, with sheets built
here with openpyxl."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from lax.cli import app

HEADER = [
    "乡镇",
    "村名",
    "村代码",
    "党员人数",
    "入党积极分子",
    "换届完成",
    "有固定活动场所",
    "村集体经济收入(万元)",
    "排查日期",
]
SONGSAN = "邓埠镇-宋三村.yaml"


def sheet(path: Path, rows: list[list], header: list[str] = HEADER) -> Path:
    """A township's sheet as they send it: a title row, the header, the villages, a footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["邓埠镇村级班子情况排查表"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    ws.append(["填表人：李明"])
    wb.save(path)
    return path


def q3_rows(**song) -> list[list]:
    """宋三村 fails the election (C05) with its profile; 新桥村 meets nothing."""
    s = {"members": 31, "activists": 3, "election": "否", "venue": "有", "income": 5.2, "date": "2026-09-26", **song}
    return [
        [
            "邓埠镇",
            "宋三村",
            "360622101201",
            s["members"],
            s["activists"],
            s["election"],
            s["venue"],
            s["income"],
            s["date"],
        ],
        ["邓埠镇", "新桥村", "360622101202", 45, 4, "是", "有", 12, "2026-09-26"],
    ]


def run(args: list[str], now: str = "2026-09-30T10:15:00+08:00", today: str = "2026-10-08"):
    env = {"LAX_NOW": now, "LAX_TODAY": today, "LAX_USER": "李明", "LAX_LANG": "en", "LAX_LEDGER": None}
    return CliRunner().invoke(app, args, env=env)


def record(folder: Path, path: Path, as_of: str, now: str = "2026-09-30T10:15:00+08:00"):
    # the sheet as a clerk names it, from the folder it is in (the test's current folder)
    return run(["check", path.name, "--as-of", as_of, "--record", "--ledger", str(folder)], now=now)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*.yaml"))}


@pytest.fixture
def q3(tmp_path, monkeypatch):
    """The ledger after 邓埠镇's Q3 sheet is recorded."""
    monkeypatch.chdir(tmp_path)
    led = tmp_path / "ledger"
    r = record(led, sheet(tmp_path / "邓埠镇2026Q3.xlsx", q3_rows()), "2026-09-30")
    assert r.exit_code == 1, r.output  # a village flagged
    assert "profile recorded for 1 village(s)" in r.output
    return led


def test_profile_is_kept_on_the_identified_event(q3):
    text = (q3 / SONGSAN).read_text("utf-8")
    lines = text.splitlines()
    assert lines[4:11] == [
        "- date: 2026-09-30",
        "  type: identified",
        "  channel: self",
        "  criteria: [C05]",
        "  evidence: {C05: {election_completed: false}}",
        "  deadline: 2027-03-30",
        "  profile: {party_members: 31, activists: 3, has_venue: true, collective_income: 5.2}",
    ]
    assert lines[11] == "  source: {path: 邓埠镇2026Q3.xlsx, sheet: 排查表, row: 3}"
    # 新桥村 meets nothing and is not on the ledger: its profile alone opens no file.
    assert sorted(p.name for p in q3.glob("*.yaml")) == [SONGSAN]


def test_recording_the_same_sheet_again_changes_no_file(q3, tmp_path):
    before = snapshot(q3)
    r = record(q3, tmp_path / "邓埠镇2026Q3.xlsx", "2026-09-30", now="2026-10-02T09:00:00+08:00")
    assert r.exit_code == 1
    assert "ledger: nothing new to record (1 flagged village(s) already recorded)" in r.output
    assert snapshot(q3) == before


def test_a_later_sheet_that_changes_the_profile_adds_a_profile_event(q3, tmp_path):
    # Q4: still failing the election (same standard), two new members, 积极分子 left blank, income up.
    q4 = sheet(tmp_path / "邓埠镇2026Q4.xlsx", q3_rows(members=33, activists=None, income=6, date="2026-12-20"))
    r = record(q3, q4, "2026-12-31", now="2026-12-31T16:00:00+08:00")
    assert r.exit_code == 1, r.output
    assert "1 unchanged" in r.output and "profile recorded for 1 village(s)" in r.output
    tail = (q3 / SONGSAN).read_text("utf-8").splitlines()[-5:]
    assert tail == [
        "- date: 2026-12-31",
        "  type: profile",
        "  profile: {party_members: 33, collective_income: 6}",
        "  source: {path: 邓埠镇2026Q4.xlsx, sheet: 排查表, row: 3}",
        "  recorded: {by: 李明, at: '2026-12-31T16:00:00+08:00'}",
    ]
    # Dated: the profile as of each date, the blank 积极分子 keeping the value already recorded.
    show = run(["ledger", "show", "宋三村", "--as-of", "2027-01-05", "--format", "json", "--ledger", str(q3)])
    assert show.exit_code == 0, show.output
    assert json.loads(show.stdout)["profile"] == {
        "party_members": 33,
        "activists": 3,
        "has_venue": True,
        "collective_income": 6,
    }
    before = run(["ledger", "show", "宋三村", "--as-of", "2026-12-30", "--format", "json", "--ledger", str(q3)])
    assert json.loads(before.stdout)["profile"]["party_members"] == 31
    table = run(["ledger", "show", "宋三村", "--as-of", "2027-01-05", "--lang", "zh", "--ledger", str(q3)])
    assert (
        "  基本情况：党员人数 = 33，入党积极分子人数 = 3，有固定活动场所 = 是，村集体经济收入(万元) = 6" in table.stdout
    )
    verify = run(["ledger", "verify", "--ledger", str(q3)])
    assert verify.exit_code == 0, verify.output


def test_a_village_no_longer_flagged_still_keeps_its_profile(q3, tmp_path):
    # Q4: the election was held, so 宋三村 meets nothing; it is still on the ledger (identified).
    q4 = sheet(tmp_path / "q4.xlsx", q3_rows(election="是", venue="无", date="2026-12-20"))
    r = record(q3, q4, "2026-12-31", now="2026-12-31T16:00:00+08:00")
    assert r.exit_code == 0, r.output
    assert "profile recorded for 1 village(s)" in r.output
    assert "  profile: {has_venue: false}" in (q3 / SONGSAN).read_text("utf-8").splitlines()
    assert sorted(p.name for p in q3.glob("*.yaml")) == [SONGSAN]  # 新桥村 still has no file


def test_a_sheet_dated_before_the_ledger_last_event_leaves_the_profile(q3, tmp_path):
    plan = run(["ledger", "plan", "宋三村", "--measure", "重新选举", "--date", "2026-10-10", "--ledger", str(q3)])
    assert plan.exit_code == 0, plan.output
    before = snapshot(q3)
    older = sheet(tmp_path / "old.xlsx", q3_rows(members=29, election="是", date="2026-09-20"))
    r = record(q3, older, "2026-10-01")
    assert "profile of 1 village(s) not recorded: their ledger has later events" in r.output
    assert {k: v for k, v in snapshot(q3).items() if not k.startswith("_")} == {
        k: v for k, v in before.items() if not k.startswith("_")
    }


def test_village_report_states_the_profile_in_chinese_and_english(q3):
    zh = run(["report", "--village", "宋三村", "--quarter", "2026Q3", "--lang", "zh", "--ledger", str(q3)])
    assert zh.exit_code == 0, zh.output
    assert (
        "据2026年9月30日排查，全村共有党员31名，入党积极分子3名，有固定活动场所，村集体经济收入5.2万元。\n" in zh.stdout
    )
    assert "党员人数、入党积极分子人数" not in zh.stdout  # no longer asked of the author
    assert "> 【待填写：“两委”班子成员情况。】" in zh.stdout
    en = run(["report", "--village", "宋三村", "--quarter", "2026Q3", "--lang", "en", "--ledger", str(q3)])
    assert en.exit_code == 0, en.output
    assert (
        "As examined on 30 September 2026: The village has 31 Party members, 3 activists applying to join the "
        "Party, a fixed venue for its activities and a collective income of 52,000 yuan.\n"
    ) in en.stdout
    ctx = run(["report", "--village", "宋三村", "--quarter", "2026Q3", "--format", "json", "--ledger", str(q3)])
    profile = json.loads(ctx.stdout)["village"]["profile"]
    assert profile["date"] == "2026-09-30" and profile["missing"] == []
    assert profile["values"] == {"party_members": 31, "activists": 3, "has_venue": True, "collective_income": 5.2}
    assert profile["items"][3] == {
        "field": "collective_income",
        "title": "Collective income (10k yuan)",
        "value": 5.2,
        "text": "52,000 yuan",
        "known": True,
    }


def test_report_uses_the_profile_as_of_the_period_end(q3, tmp_path):
    q4 = sheet(tmp_path / "q4.xlsx", q3_rows(members=33, date="2026-12-20"))
    assert record(q3, q4, "2026-12-31", now="2026-12-31T16:00:00+08:00").exit_code == 1
    args = ["report", "--village", "宋三村", "--lang", "zh", "--ledger", str(q3)]
    assert "全村共有党员31名" in run([*args, "--quarter", "2026Q3"], today="2027-01-05").stdout
    assert "据2026年12月31日排查，全村共有党员33名" in run([*args, "--quarter", "2026Q4"], today="2027-01-05").stdout


def test_a_missing_value_is_a_placeholder_naming_the_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    led = tmp_path / "ledger"
    header = [h for h in HEADER if h != "入党积极分子"]
    rows = [[c for i, c in enumerate(r) if i != 4] for r in q3_rows()]
    assert record(led, sheet(tmp_path / "q3.xlsx", rows, header), "2026-09-30").exit_code == 1
    zh = run(["report", "--village", "宋三村", "--quarter", "2026Q3", "--lang", "zh", "--ledger", str(led)])
    assert "全村共有党员31名，【待填写：入党积极分子人数】，有固定活动场所，村集体经济收入5.2万元。" in zh.stdout
    en = run(["report", "--village", "宋三村", "--quarter", "2026Q3", "--lang", "en", "--ledger", str(led)])
    assert "The village has 31 Party members, [To be written: Activists], a fixed venue" in en.stdout


def test_a_village_with_no_profile_gets_one_placeholder_naming_every_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    led = tmp_path / "ledger"
    opened = run(
        ["ledger", "open", "黄溪镇/塔洲村", "--standards", "C12", "--date", "2026-09-30", "--ledger", str(led)]
    )
    assert opened.exit_code == 0, opened.output
    zh = run(["report", "--village", "塔洲村", "--quarter", "2026Q3", "--lang", "zh", "--ledger", str(led)])
    assert (
        "> 【待填写：党员人数、入党积极分子人数、有固定活动场所、村集体经济收入(万元)（排查表未填报，台账中没有记录）。】"
        in zh.stdout
    )


def test_county_and_township_reports_name_the_helping_unit_and_first_secretary(q3):
    plan = run(
        [
            "ledger", "plan", "宋三村", "--measure", "重新选举", "--first-secretary", "王强",
            "--helping-unit", "县财政局", "--date", "2026-10-10", "--ledger", str(q3),
        ]
    )  # fmt: skip
    assert plan.exit_code == 0, plan.output
    county = run(["report", "--quarter", "2026Q4", "--lang", "zh", "--ledger", str(q3)], today="2027-01-05")
    assert county.exit_code == 0, county.output
    assert "目前仍在整改1个。落实帮扶力量：邓埠镇宋三村，县财政局结对帮扶，选派第一书记王强。\n" in county.stdout
    town = run(
        ["report", "--quarter", "2026Q4", "--township", "邓埠镇", "--lang", "en", "--ledger", str(q3)],
        today="2027-01-05",
    )
    assert "Help for the villages still rectifying: 宋三村, paired with 县财政局, first secretary 王强." in town.stdout


BAD_PROFILES = [
    ("{party_members: thirty, activists: 3}", "profile: party_members: 'thirty' is not a whole count of 0 or more"),
    ("{party_member: 31}", "profile: unknown field 'party_member' (profile fields of the criteria file: "
     "activists, collective_income, has_venue, party_members)"),
    ("{has_venue: 1}", "profile: has_venue: 1 is not true or false"),
    ("[31, 3]", "profile: must map field ids to values, e.g. {party_members: 31, has_venue: true}"),
    ("{party_members: null}", "profile: party_members: a blank value is left out, not written as null"),
    ("{collective_income: .nan}", "profile: collective_income: nan is not a number"),
]  # fmt: skip


@pytest.mark.parametrize("written, message", BAD_PROFILES, ids=[b[0] for b in BAD_PROFILES])
def test_verify_names_a_hand_edited_bad_profile_with_its_line(q3, written, message):
    path = q3 / SONGSAN
    text = path.read_text("utf-8")
    good = "  profile: {party_members: 31, activists: 3, has_venue: true, collective_income: 5.2}\n"
    assert good in text
    path.write_text(text.replace(good, f"  # 手工修改\n  profile: {written}\n"), "utf-8")
    line = path.read_text("utf-8").splitlines().index(f"  profile: {written}") + 1
    r = run(["ledger", "verify", "--ledger", str(q3)])
    assert r.exit_code == 2
    assert r.stdout.splitlines() == [f"{path}:{line}: {message}"]


def test_export_and_import_keep_the_profile(q3, tmp_path):
    q4 = sheet(tmp_path / "q4.xlsx", q3_rows(members=33, date="2026-12-20"))
    assert record(q3, q4, "2026-12-31", now="2026-12-31T16:00:00+08:00").exit_code == 1
    out = tmp_path / "台账.xlsx"
    assert run(["ledger", "export", str(out), "--as-of", "2027-01-05", "--ledger", str(q3)]).exit_code == 0
    copy = tmp_path / "副本"
    imported = run(["ledger", "import", str(out), "--ledger", str(copy)])
    assert imported.exit_code == 0, imported.output
    assert (copy / SONGSAN).read_bytes() == (q3 / SONGSAN).read_bytes()


BAD_CRITERIA = [
    ("    profile: yes please\n", "field 'party_members': profile must be true or false"),
    ("    profile: 1\n", "field 'party_members': profile must be true or false"),
]


@pytest.mark.parametrize("written, message", BAD_CRITERIA)
def test_criteria_refuse_a_profile_that_is_not_true_or_false(tmp_path, written, message):
    from lax.criteria import packaged_path

    text = packaged_path("criteria.yaml").read_text("utf-8")
    marked = "    aliases: [党员人数, 党员数, 党员总数, 党员人数（人）, Party members, Number of Party members]\n    profile: true\n"
    assert marked in text
    bad = text.replace(marked, marked.replace("    profile: true\n", written))
    path = tmp_path / "criteria.yaml"
    path.write_text(bad, "utf-8")
    line = bad.splitlines().index(written.rstrip("\n")) + 1
    r = run(["criteria", "--criteria", str(path)])
    assert r.exit_code == 2
    assert f"{path}:{line}: {message}" in r.output


def test_criteria_refuse_a_profile_on_the_village_name(tmp_path):
    from lax.criteria import packaged_path

    text = packaged_path("criteria.yaml").read_text("utf-8")
    anchor = "    title: {zh: 村名, en: Village}\n"
    bad = text.replace(anchor, anchor + "    profile: true\n")
    path = tmp_path / "criteria.yaml"
    path.write_text(bad, "utf-8")
    line = bad.splitlines().index("    title: {zh: 村名, en: Village}") + 2
    r = run(["criteria", "--criteria", str(path)])
    assert r.exit_code == 2
    assert f"{path}:{line}: field 'village' names the village; it cannot be a profile field" in r.output


def test_the_standards_page_marks_the_profile_fields_as_the_packaged_file_does():
    from lax.criteria import load_criteria, packaged_path

    crit = load_criteria(packaged_path("criteria.yaml"))
    assert [f.id for f in crit.profile_fields] == ["party_members", "activists", "has_venue", "collective_income"]
    page = (Path(__file__).parent.parent / "docs" / "standards.md").read_text("utf-8")
    for f in crit.fields:
        row = next(line for line in page.splitlines() if line.startswith(f"| `{f.id}` |"))
        assert row.endswith("| yes |" if f.profile else "|  |"), row
    activists = crit.field("activists")
    assert (activists.type, activists.unit, activists.title_zh) == ("int", "persons", "入党积极分子人数")
    assert {crit.field_for_header(h) for h in ("入党积极分子", "积极分子", "Activists")} == {"activists"}
    assert not any("activists" in c.fields for c in crit.criteria)  # no standard uses it


def test_the_form_has_the_activists_column_and_says_which_columns_are_the_profile(tmp_path):
    out = tmp_path / "排查表.xlsx"
    r = run(["form", str(out), "--lang", "zh"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    header = [c.value for c in wb["排查表"][3]]
    assert header[3:5] == ["党员人数", "入党积极分子人数"]
    rows = {row[1]: row for row in wb["填表说明"].iter_rows(values_only=True) if row[1]}
    assert rows["入党积极分子人数"][5] == "村基本情况，记入台账"
    assert rows["有固定活动场所"][5] == "村基本情况，记入台账"
    assert rows["两委缺额人数"][5] == "用于标准 C04"
