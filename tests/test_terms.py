"""One glossary (`lax.terms`) and one value formatter (`lax.show`): the ledger, its Excel export and the report
call a channel, a role and a value by the same words; the other spellings offices write are still read."""

import datetime as dt
import re

import pytest
from typer.testing import CliRunner

from lax import terms
from lax.cli import app
from lax.show import raw_text, value_text

runner = CliRunner()
D = dt.date


@pytest.fixture
def led(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAX_TODAY", "2026-12-31")
    return tmp_path / "ledger"


def ok(*args: str):
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return r


def open_two_villages():
    """宋三村 found by the mass satisfaction evaluation, 塘桥村 reported by a county department, both planned."""
    ok(
        "ledger",
        "open",
        "宋三村",
        "--township",
        "邓埠镇",
        "--standards",
        "C15",
        "--channel",
        "mass",
        "--date",
        "2026-07-15",
    )
    ok(
        "ledger",
        "plan",
        "宋三村",
        "--measure",
        "入户走访收集意见",
        "--township-leader",
        "吴平",
        "--helping-unit",
        "县信访局",
        "--date",
        "2026-07-20",
    )
    ok(
        "ledger",
        "open",
        "塘桥村",
        "--township",
        "洪湖乡",
        "--criteria",
        "C13",
        "--channel",
        "department",
        "--date",
        "2026-08-03",
    )


def test_the_ledger_the_export_and_the_report_name_a_channel_and_a_role_alike(led, tmp_path):
    open_two_villages()
    mass, department = terms.CHANNELS["mass"].zh, terms.CHANNELS["department"].zh
    leader, unit = terms.ROLES["township_leader"].zh, terms.ROLES["helping_unit"].zh
    assert (mass, department, leader, unit) == ("群众满意度测评", "县直部门通报", "乡镇包村领导", "结对帮扶单位")

    shown = ok("ledger", "show", "宋三村", "--lang", "zh").stdout
    assert f"渠道：{mass}" in shown and f"{leader}：吴平" in shown and f"{unit}：县信访局" in shown
    assert "群众评议" not in shown and "乡镇责任人" not in shown
    logged = ok("ledger", "log", "--lang", "zh").stdout
    assert f"渠道：{department}" in logged and "部门报告" not in logged
    english = ok("ledger", "show", "塘桥村", "--lang", "en").stdout
    assert "channel: county department report" in english

    out = tmp_path / "台账.xlsx"
    ok("ledger", "export", str(out), "--as-of", "2026-12-31", "--lang", "zh")
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    header = [c.value for c in ws[2]]
    assert leader in header and "乡镇责任人" not in header
    channel_col = header.index("认定渠道") + 1
    channels = {
        ws.cell(row=r, column=3).value: ws.cell(row=r, column=channel_col).value for r in range(3, ws.max_row + 1)
    }
    assert channels == {"宋三村": mass, "塘桥村": department}

    report = ok("report", "--year", "2026", "--lang", "zh").stdout
    assert f"{mass}发现1个" in report and f"{department}发现1个" in report
    village = ok("report", "--year", "2026", "--lang", "zh", "--village", "宋三村").stdout
    assert f"{leader}吴平" in village and f"{unit}县信访局" in village


def test_an_excel_ledger_written_with_the_other_spellings_is_read(led, tmp_path):
    """An office's own 台账 may say 群众评议, 部门报告 and 乡镇责任人: read as the glossary's mass, department and
    township leader, and exported again under the glossary's names."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["乡镇", "村名", "认定时间", "认定渠道", "软弱涣散情形", "整改措施", "乡镇责任人", "整改时限"])
    ws.append(["邓埠镇", "宋三村", D(2026, 7, 15), "群众评议", "C15", "入户走访收集意见", "吴平", D(2027, 1, 15)])
    ws.append(["洪湖乡", "塘桥村", D(2026, 8, 3), "部门报告", "C13", "县乡联合督导", "周海", D(2027, 2, 3)])
    src = tmp_path / "整顿台账.xlsx"
    wb.save(src)
    ok("ledger", "import", str(src), "--date", "2026-12-31")
    songsan = (led / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8")
    tangqiao = (led / "洪湖乡-塘桥村.yaml").read_text(encoding="utf-8")
    assert "  channel: mass\n" in songsan and "  township_leader: 吴平\n" in songsan
    assert "  channel: department\n" in tangqiao and "  township_leader: 周海\n" in tangqiao

    out = tmp_path / "导出.xlsx"
    ok("ledger", "export", str(out), "--as-of", "2026-12-31", "--lang", "zh")
    from openpyxl import load_workbook

    header = [c.value for c in load_workbook(out).active[2]]
    assert "乡镇包村领导" in header


def test_an_unknown_channel_in_an_excel_ledger_lists_the_glossarys_names(led, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["乡镇", "村名", "认定时间", "认定渠道", "软弱涣散情形"])
    ws.append(["邓埠镇", "宋三村", D(2026, 7, 15), "电话举报", "C15"])
    src = tmp_path / "整顿台账.xlsx"
    wb.save(src)
    r = runner.invoke(app, ["ledger", "import", str(src), "--date", "2026-12-31", "--lang", "zh"])
    assert r.exit_code == 2
    assert "“电话举报”不是认定渠道（乡镇自查、群众满意度测评、县级抽查、县直部门通报）" in r.output
    assert not led.exists() or not list(led.glob("*.yaml"))


def test_a_rebound_found_by_the_mass_evaluation_says_so_in_the_glossarys_words(led, monkeypatch):
    from lax.criteria import Policy
    from lax.i18n import set_lang
    from lax.ledger import record_check

    ok("ledger", "open", "宋三村", "--township", "邓埠镇", "--criteria", "C15", "--date", "2026-01-10")
    ok("ledger", "plan", "宋三村", "--measure", "入户走访收集意见", "--date", "2026-01-20")
    ok("ledger", "accept", "宋三村", "--pass", "--score", "85", "--date", "2026-06-30")
    again = [
        {
            "township": "邓埠镇",
            "village": "宋三村",
            "code": None,
            "criteria": ["C15"],
            "evidence": {"C15": {"satisfaction": 52}},
        }
    ]
    set_lang("zh")
    try:
        record_check(
            led,
            again,
            D(2026, 9, 30),
            "mass",
            Policy(6, 12, 70),
            {f"C{i:02d}" for i in range(1, 16)},
            "群众满意度测评.xlsx",
        )
    finally:
        set_lang("en")
    text = (led / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8")
    assert "  reason: 再次符合认定标准 C15（群众满意度测评）\n" in text


@pytest.mark.parametrize(
    "value, text",
    [
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (3.0, "3"),
        (85.5, "85.5"),
        (12.345678, "12.345678"),
        (1e20, "1e+20"),
        (31500, "31500"),
        (D(2026, 9, 30), "2026-09-30"),
        (["C05", "C13"], "C05、C13"),
        ("宋三村", "宋三村"),
    ],
)
def test_one_value_formatter(value, text):
    assert value_text(value) == text


def test_a_value_reads_the_same_in_the_terminal_and_in_the_csv(tmp_path, monkeypatch):
    """The evidence of a flagged village: the terminal table used to round 52.123456 to 52.1235."""
    monkeypatch.chdir(tmp_path)
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["乡镇", "村名", "群众满意度"])
    ws.append(["邓埠镇", "宋三村", 52.123456])
    wb.save(tmp_path / "排查表.xlsx")
    table = runner.invoke(app, ["check", "排查表.xlsx", "--as-of", "2026-09-30"])
    csv = runner.invoke(app, ["check", "排查表.xlsx", "--as-of", "2026-09-30", "--format", "csv"])
    assert table.exit_code == csv.exit_code == 1, table.output + csv.output
    shown = re.findall(r"= ([0-9.]+)", table.stdout)
    assert "52.123456" in shown and all(s in csv.stdout for s in shown)


def test_a_raw_value_in_a_message_is_one_short_line():
    assert raw_text(3.0) == "3" and raw_text("a\n  b") == "a b"
    assert raw_text("宋" * 100) == "宋" * 57 + "..."
