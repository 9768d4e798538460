"""`lax ledger verify` means verified: duplicate keys, NaN/absurd amounts, control characters, stray files,
unknown keys, the `recorded`/`source` shapes, and every problem with a code (`--format json`); and no other
command works on a file verify rejects (`list`, `show`, `report`, `export`, `check --record`)."""

import json
import os
from pathlib import Path

import pytest
from helpers import write
from typer.testing import CliRunner

from lax.cli import app

runner = CliRunner()

SONGSAN = """\
township: 邓埠镇
village: 宋三村
code: '360622101201'
events:
- date: 2026-09-30
  type: identified
  channel: self
  criteria: [C05, C13]
  evidence: {C05: {election_completed: false}, C13: {cadre_violations: 1}}
  deadline: 2027-03-30
  source: dengbu.xlsx
- date: 2026-10-10
  type: planned
  measures: [召开党员大会重新选举, 县乡联合督导]
  township_leader: 李明
- date: 2026-11-15
  type: progress
  note: 完成支部换届选举
  funds: 31500
"""

TAZHOU = """\
township: 黄溪镇
village: 塔洲村
code: null
events:
- date: 2026-09-30
  type: identified
  channel: self
  criteria: [C12]
  deadline: 2027-03-30
"""


def lax(*args: str):
    return runner.invoke(app, list(args))


def verify_json(led: Path) -> tuple[int, dict]:
    r = lax("ledger", "verify", "--ledger", str(led), "--format", "json")
    return r.exit_code, json.loads(r.stdout)


def codes(data: dict) -> list[tuple[str, int, str]]:
    return [(p["code"], p["line"], Path(p["path"]).name) for p in data["problems"]]


# ------------------------------------------------------------------------------------------- duplicate keys


def test_events_given_twice_is_a_duplicate_key_and_the_file_is_read_by_no_command(tmp_path):
    led = tmp_path / "ledger"
    # The first list (identified, planned) would be silently dropped by YAML: the village would look new.
    text = SONGSAN.replace("- date: 2026-11-15\n", "events:\n- date: 2026-11-15\n")
    f = write(led, "邓埠镇-宋三村.yaml", text)
    write(led, "黄溪镇-塔洲村.yaml", TAZHOU)
    r = lax("ledger", "verify", "--ledger", str(led))
    assert r.exit_code == 2
    assert r.stdout.splitlines() == [
        f"{f}:16: 'events' is given twice in this mapping (also on line 4); YAML would keep only the last, so merge them"
    ]
    assert "1 problem(s) in 2 file(s)" in r.stderr
    status, data = verify_json(led)
    assert status == 2 and data["files"] == 2 and codes(data) == [("duplicate-key", 16, "邓埠镇-宋三村.yaml")]
    # list shows the villages it can trust, names the file it cannot, and exits 2
    r = lax("ledger", "list", "--ledger", str(led), "--as-of", "2026-12-01", "--format", "json")
    assert r.exit_code == 2
    assert [v["village"] for v in json.loads(r.stdout)["villages"]] == ["塔洲村"]
    assert f"{f}:16: 'events' is given twice" in r.stderr
    # show of that village says where the trouble is instead of "no such village"
    r = lax("ledger", "show", "宋三村", "--ledger", str(led))
    assert r.exit_code == 2
    assert "no village '宋三村'" in r.stderr and f"{f}:16: 'events' is given twice" in r.stderr
    assert "internal error" not in r.output


@pytest.mark.parametrize(
    "old, new, line",
    [
        ("  note: 完成支部换届选举\n", "  note: 完成支部换届选举\n  note: 召开党员大会\n", 19),
        ("{C05: {election_completed: false}", "{C05: {election_completed: false, election_completed: true}", 9),
        ("village: 宋三村\n", "village: 宋三村\nvillage: 新桥村\n", 3),
    ],
)
def test_a_key_twice_in_any_mapping_is_named_by_line(tmp_path, old, new, line):
    led = tmp_path / "ledger"
    write(led, "邓埠镇-宋三村.yaml", SONGSAN.replace(old, new))
    status, data = verify_json(led)
    assert status == 2
    assert codes(data) == [("duplicate-key", line, "邓埠镇-宋三村.yaml")]
    assert "is given twice in this mapping" in data["problems"][0]["message"]


# ---------------------------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    "funds, fragment",
    [
        (".nan", "funds: nan is not a finite amount in yuan"),
        (".inf", "funds: inf is not a finite amount in yuan"),
        ("-.inf", "funds: -inf is not an amount in yuan"),
        ("-200", "funds: -200 is not an amount in yuan"),
        ("2000000000", "funds: 2,000,000,000 yuan is more than 10^9 yuan; if it is right, add 'funds_confirmed: true'"),
        ("1.0e+34", "funds: 1e+34 yuan is not a plausible amount"),
    ],
)
def test_nan_infinite_and_absurd_funds_are_bad_amounts(tmp_path, funds, fragment):
    led = tmp_path / "ledger"
    f = write(led, "邓埠镇-宋三村.yaml", SONGSAN.replace("funds: 31500", f"funds: {funds}"))
    r = lax("ledger", "verify", "--ledger", str(led))
    assert r.exit_code == 2
    assert r.stdout.startswith(f"{f}:19: {fragment}"), r.stdout
    status, data = verify_json(led)
    assert codes(data) == [("bad-amount", 19, "邓埠镇-宋三村.yaml")]


def test_a_report_never_prints_nan_yuan_it_names_the_file(tmp_path):
    led = tmp_path / "ledger"
    f = write(led, "邓埠镇-宋三村.yaml", SONGSAN.replace("funds: 31500", "funds: .nan"))
    r = lax("report", "--quarter", "2026Q4", "--ledger", str(led))
    assert r.exit_code == 2
    assert "NaN" not in r.output and "nan yuan" not in r.output.lower()
    assert f"{f}:19: funds: nan is not a finite amount in yuan" in r.stderr
    assert "internal error" not in r.output


def test_confirmed_large_funds_verify_clean(tmp_path):
    led = tmp_path / "ledger"
    write(led, "邓埠镇-宋三村.yaml", SONGSAN.replace("funds: 31500", "funds: 2000000000\n  funds_confirmed: true"))
    r = lax("ledger", "verify", "--ledger", str(led))
    assert r.exit_code == 0, r.output
    write(led, "邓埠镇-宋三村.yaml", SONGSAN.replace("funds: 31500", "funds: 31500\n  funds_confirmed: yes please"))
    status, data = verify_json(led)
    assert status == 2 and codes(data) == [("bad-value", 20, "邓埠镇-宋三村.yaml")]


@pytest.mark.parametrize(
    "funds, message",
    [
        ("1e34", "--funds: '1e34' is not a plausible amount in yuan"),
        ("nan", "--funds: 'nan' is not an amount in yuan (e.g. 31500)"),
        ("inf", "--funds: 'inf' is not an amount in yuan (e.g. 31500)"),
        ("-5", "--funds: '-5' is not an amount in yuan (e.g. 31500)"),
        ("20亿", "--funds: '20亿' is not an amount in yuan (e.g. 31500)"),
        ("200000万", "--funds: 2,000,000,000 yuan is more than 10^9 yuan; check it, and give --force if it is right"),
    ],
)
def test_progress_refuses_impossible_funds_in_one_line(tmp_path, funds, message):
    led = tmp_path / "ledger"
    f = write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    before = f.read_bytes()
    r = lax(
        "ledger", "progress", "宋三村", "拨付整改资金", f"--funds={funds}", "--date", "2026-11-20", "--ledger", str(led)
    )
    assert r.exit_code == 2
    assert r.stderr.strip() == message
    assert f.read_bytes() == before


def test_progress_with_force_records_a_large_amount_as_confirmed(tmp_path):
    led = tmp_path / "ledger"
    f = write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    r = lax(
        "ledger",
        "progress",
        "宋三村",
        "县级统筹项目资金",
        "--funds",
        "150000万",
        "--force",
        "--date",
        "2026-11-20",
        "--ledger",
        str(led),
    )
    assert r.exit_code == 0, r.output
    assert f.read_text(encoding="utf-8").endswith(
        "- date: 2026-11-20\n  type: progress\n  note: 县级统筹项目资金\n  funds: 1500000000\n  funds_confirmed: true\n"
        "  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}\n"
    )
    assert lax("ledger", "verify", "--ledger", str(led)).exit_code == 0
    # an ordinary amount gets no mark, --force or not
    r = lax(
        "ledger",
        "progress",
        "宋三村",
        "购置办公设备",
        "--funds",
        "8000",
        "--force",
        "--date",
        "2026-11-21",
        "--ledger",
        str(led),
    )
    assert r.exit_code == 0
    assert f.read_text(encoding="utf-8").endswith(
        "  note: 购置办公设备\n  funds: 8000\n  recorded: {by: 测试员, at: '2026-09-30T10:15:00+08:00'}\n"
    )


# ----------------------------------------------------------------------------------- control characters


def test_a_control_character_in_a_note_is_a_problem_and_export_names_it(tmp_path):
    led = tmp_path / "ledger"
    f = write(led, "邓埠镇-宋三村.yaml", SONGSAN.replace("note: 完成支部换届选举", 'note: "完成支部\\x07换届选举"'))
    write(led, "黄溪镇-塔洲村.yaml", TAZHOU)
    r = lax("ledger", "verify", "--ledger", str(led))
    assert r.exit_code == 2
    assert r.stdout.splitlines() == [
        f"{f}:18: control character in '完成支部\\x07换届选举' (remove it or write it out)"
    ]
    status, data = verify_json(led)
    assert codes(data) == [("control-character", 18, "邓埠镇-宋三村.yaml")]
    out = tmp_path / "台账.xlsx"
    r = lax("ledger", "export", str(out), "--ledger", str(led), "--as-of", "2026-12-01")
    assert r.exit_code == 2
    assert "internal error" not in r.output
    assert f"{f}:18: control character" in r.stderr
    assert "wrote 1 village(s)" in r.stdout  # the readable village is exported; the broken file is named


@pytest.mark.parametrize(
    "where, text",
    [
        ("a village name", 'village: "宋三\\u0000村"\n'),
        ("a key", '"no\\tte\\x1b": x\n'),
        ("a measure", None),
    ],
)
def test_control_characters_anywhere_are_found(tmp_path, where, text):
    led = tmp_path / "ledger"
    if text is None:
        body = SONGSAN.replace("[召开党员大会重新选举, 县乡联合督导]", '["召开党员大会\\r重新选举", 县乡联合督导]')
        line = 14
    elif text.startswith("village"):
        body = SONGSAN.replace("village: 宋三村\n", text)
        line = 2
    else:
        body = SONGSAN + text
        line = 20
    write(led, "x.yaml", body)
    status, data = verify_json(led)
    assert status == 2
    assert ("control-character", line, "x.yaml") in codes(data), (where, data)


def test_tabs_and_line_breaks_in_a_note_are_fine(tmp_path):
    led = tmp_path / "ledger"
    write(led, "邓埠镇-宋三村.yaml", SONGSAN.replace("note: 完成支部换届选举", 'note: "完成支部换届选举\\n\\t共 3 人"'))
    r = lax("ledger", "verify", "--ledger", str(led))
    assert r.exit_code == 0, r.output


# -------------------------------------------------------------------------------------------- stray files


@pytest.mark.parametrize("name", ["邓埠镇-宋三村.yml", "邓埠镇-宋三村.YAML", "邓埠镇-宋三村.Yml"])
def test_a_village_file_with_another_extension_is_a_stray_file_and_no_second_history_is_opened(tmp_path, name):
    led = tmp_path / "ledger"
    f = write(led, name, SONGSAN)
    stem = name.rsplit(".", 1)[0]
    r = lax("ledger", "verify", "--ledger", str(led))
    assert r.exit_code == 2
    assert r.stdout.splitlines() == [f"{f}:1: is not read by lax: rename it to {stem}.yaml"]
    status, data = verify_json(led)
    assert codes(data) == [("stray-file", 1, name)]
    # check --record with the same village flagged again refuses rather than opening a second file
    sheet = tmp_path / "dengbu.csv"
    sheet.write_text("乡镇,村名,村代码,换届完成,排查日期\n邓埠镇,宋三村,360622101201,否,2026-12-20\n", encoding="utf-8")
    r = lax("check", str(sheet), "--record", "--ledger", str(led), "--as-of", "2026-12-28")
    assert r.exit_code == 1  # refused, nothing written
    assert f"{f}:1: is not read by lax: rename it to {stem}.yaml" in r.stderr
    assert sorted(p.name for p in led.iterdir() if not p.name.startswith(".")) == [name]
    # once renamed, the record goes into the village's one history
    f.rename(led / f"{stem}.yaml")
    r = lax("check", str(sheet), "--record", "--ledger", str(led), "--as-of", "2026-12-28")
    assert "0 opened" in r.output and "1 unchanged" in r.output
    assert sorted(p.name for p in led.glob("*.yaml")) == [f"{stem}.yaml"]


def test_stray_files_in_townships_and_other_files_are_named(tmp_path):
    led = tmp_path / "ledger"
    write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    write(led, "邓埠镇-宋三村.yml", SONGSAN)
    write(led, "说明.txt", "台账说明\n")
    write(led / "_townships", "邓埠镇.YAML", "township: 邓埠镇\nevents: []\n")
    write(led, ".gitignore", ".cache/\n")  # hidden files are lax's or git's, never strays
    status, data = verify_json(led)
    assert status == 2
    by_name = {Path(p["path"]).name: p for p in data["problems"]}
    assert sorted(by_name) == sorted(["邓埠镇-宋三村.yml", "邓埠镇.YAML", "说明.txt"])
    assert all(p["code"] == "stray-file" and p["line"] == 1 for p in data["problems"])
    assert by_name["邓埠镇-宋三村.yml"]["message"] == (
        "is not read by lax, and 邓埠镇-宋三村.yaml is there too: merge the two into 邓埠镇-宋三村.yaml"
    )
    assert by_name["说明.txt"]["message"] == (
        "is not a ledger file (lax reads only *.yaml here): move it out of the ledger folder"
    )
    assert by_name["邓埠镇.YAML"]["path"] == str(led / "_townships" / "邓埠镇.YAML")


# ------------------------------------------------------------------------------- unknown keys and order


def test_unknown_keys_at_top_level_and_in_events_and_events_out_of_order(tmp_path):
    led = tmp_path / "ledger"
    text = SONGSAN.replace("code: '360622101201'\n", "code: '360622101201'\nremark: 重点村\n")
    text = text.replace("  township_leader: 李明\n", "  township_leader: 李明\n  leader_phone: '13800000000'\n")
    text = text.replace("- date: 2026-11-15\n", "- date: 2026-10-01\n")
    f = write(led, "邓埠镇-宋三村.yaml", text)
    status, data = verify_json(led)
    assert status == 2
    assert codes(data) == [
        ("unknown-key", 4, "邓埠镇-宋三村.yaml"),
        ("unknown-key", 17, "邓埠镇-宋三村.yaml"),
        ("event-order", 18, "邓埠镇-宋三村.yaml"),
        ("event-order", 18, "邓埠镇-宋三村.yaml"),
    ]
    r = lax("ledger", "verify", "--ledger", str(led))
    assert r.stdout.splitlines()[:2] == [
        f"{f}:4: unknown key 'remark' (expected township, village, code, events)",
        f"{f}:17: planned: unknown key 'leader_phone' (allowed: measures, county_leader, township_leader, first_secretary, "
        "helping_unit, deadline, note, recorded)",
    ]


def test_every_problem_has_a_kebab_case_code_and_the_json_shape_of_lax_check(tmp_path):
    led = tmp_path / "ledger"
    write(
        led,
        "黄溪镇-塔洲村.yaml",
        """\
township: 黄溪镇
village: 塔洲村
code: 360622102203
events:
- date: 2026-09-30
  type: identified
  criteria: [C05, C99]
  channel: phone
- date: 2026-13-40
  type: planned
  measures: [县乡联合督导]
- date: 2026-10-20
  type: inspected
- date: 2026-11-15
  type: acceptance
  passed: true
  deadline: 2026-11-01
""",
    )
    write(led, "bad.yaml", "township: [\n")
    write(led, "宋三村-copy.yaml", SONGSAN)
    write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    write(led, ".tmp-abc.yaml", "township: x\n")
    status, data = verify_json(led)
    assert status == 2
    assert sorted({p["code"] for p in data["problems"]}) == [
        "bad-code",
        "bad-date",
        "bad-deadline",
        "bad-value",
        "duplicate-village",
        "impossible-step",
        "leftover-temp-file",
        "unknown-event-type",
        "unknown-standard",
        "yaml-syntax",
    ]
    for p in data["problems"]:
        assert set(p) >= {"code", "path", "line", "message"}
        assert isinstance(p["line"], int) and p["line"] >= 1
        assert Path(p["path"]).parent == led
    # the table gives the same problems, each exactly FILE:LINE: message
    r = lax("ledger", "verify", "--ledger", str(led))
    assert r.stdout.splitlines() == [f"{p['path']}:{p['line']}: {p['message']}" for p in data["problems"]]


def test_verify_json_of_a_clean_ledger(tmp_path):
    led = tmp_path / "ledger"
    write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    r = lax("ledger", "verify", "--ledger", str(led), "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout) == {"files": 1, "problems": []}
    r = lax("ledger", "verify", "--ledger", str(led), "--format", "xml")
    assert r.exit_code == 2 and "--format: 'xml' is not one of table, json" in r.stderr


# ------------------------------------------------------------------------- recorded and source (schema)


RECORDED = "  recorded: {by: 李明, at: '2026-11-29T23:50:00+08:00'}\n"


def test_recorded_on_every_event_and_source_as_a_mapping_verify_clean(tmp_path):
    led = tmp_path / "ledger"
    text = SONGSAN.replace(
        "  source: dengbu.xlsx\n", "  source: {path: dengbu.xlsx, sheet: 排查表, row: 17}\n" + RECORDED
    )
    text = text.replace("  township_leader: 李明\n", "  township_leader: 李明\n" + RECORDED)
    text += (
        RECORDED + "- date: 2026-12-01\n  type: amended\n  criteria: [C12]\n  source: {path: villages.csv, row: 4}\n"
        "  recorded:\n    by: 王强\n    at: '2026-12-01T09:00:00+08:00'\n"
    )
    write(led, "邓埠镇-宋三村.yaml", text)
    write(
        led / "_townships",
        "邓埠镇.yaml",
        "township: 邓埠镇\nevents:\n- date: 2026-09-30\n  type: submission\n"
        "  quarter: 2026Q3\n  villages: 12\n  source: {path: dengbu.xlsx, sheet: 排查表, row: 2}\n" + RECORDED,
    )
    r = lax("ledger", "verify", "--ledger", str(led))
    assert r.exit_code == 0, r.output
    assert "2 file(s) checked, no problems" in r.stderr


@pytest.mark.parametrize(
    "recorded, code, fragment",
    [
        ("recorded: 李明", "bad-value", "recorded: must be {by: NAME, at: '2026-11-29T23:50:00+08:00'}"),
        ("recorded: {by: 李明}", "bad-value", "recorded: at: None must be a quoted time"),
        (
            "recorded: {by: 李明, at: 2026-11-29}",
            "bad-value",
            "recorded: at: datetime.date(2026, 11, 29) must be a quoted",
        ),
        ("recorded: {by: 李明, at: 'yesterday'}", "bad-value", "recorded: at: 'yesterday' must be a quoted time"),
        ("recorded: {by: '', at: '2026-11-29T23:50:00+08:00'}", "bad-value", "recorded: by: '' must be the name"),
        (
            "recorded: {by: 李明, at: '2026-11-29T23:50:00+08:00', host: pc1}",
            "unknown-key",
            "recorded: unknown key 'host' (allowed: by, at)",
        ),
        ("source: {path: dengbu.xlsx, sheet: 排查表}", "bad-value", "source: row: None must be a row number"),
        ("source: {path: dengbu.xlsx, row: 0}", "bad-value", "source: row: 0 must be a row number"),
        (
            "source: {file: dengbu.xlsx, row: 3}",
            "unknown-key",
            "source: unknown key 'file' (allowed: path, sheet, row)",
        ),
        ("source: [dengbu.xlsx]", "bad-value", "source: ['dengbu.xlsx'] must be text"),
    ],
)
def test_wrong_shapes_of_recorded_and_source_are_problems(tmp_path, recorded, code, fragment):
    led = tmp_path / "ledger"
    f = write(led, "邓埠镇-宋三村.yaml", SONGSAN.replace("  source: dengbu.xlsx\n", f"  {recorded}\n"))
    status, data = verify_json(led)
    assert status == 2
    assert codes(data) == [(code, 11, "邓埠镇-宋三村.yaml")]
    assert data["problems"][0]["message"].startswith(fragment), data["problems"][0]["message"]
    assert data["problems"][0]["path"] == str(f)


def test_a_cached_clean_file_edited_to_hold_a_duplicate_key_is_read_again(tmp_path):
    led = tmp_path / "ledger"
    f = write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    old = f.stat().st_mtime - 3600
    os.utime(f, (old, old))
    r = lax("ledger", "list", "--ledger", str(led), "--as-of", "2026-12-01", "--format", "json")
    assert r.exit_code == 0 and (led / ".cache" / "ledger.json").exists()
    f.write_text(SONGSAN.replace("  funds: 31500\n", "  funds: 31500\n  funds: 315000\n"), encoding="utf-8")
    os.utime(f, (old, old))
    r = lax("ledger", "list", "--ledger", str(led), "--as-of", "2026-12-01", "--format", "json")
    assert r.exit_code == 2
    assert json.loads(r.stdout)["villages"] == []
    assert f"{f}:20: 'funds' is given twice in this mapping (also on line 19)" in r.stderr


def test_a_report_refuses_a_township_file_with_a_key_twice(tmp_path):
    led = tmp_path / "ledger"
    write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    t = write(
        led / "_townships",
        "邓埠镇.yaml",
        "township: 邓埠镇\nevents:\n- date: 2026-09-28\n  type: submission\n"
        "  quarter: 2026Q3\n  villages: 12\nevents: []\n",
    )
    r = lax("report", "--quarter", "2026Q4", "--ledger", str(led))
    assert r.exit_code == 2
    assert f"{t}:7: 'events' is given twice in this mapping (also on line 2)" in r.stderr
    assert "internal error" not in r.output


def test_import_refuses_an_absurd_amount_in_a_cell(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "整顿台账"
    ws.append(["乡镇", "村名", "认定时间", "软弱涣散情形", "整改时限", "整改进展", "投入资金（元）"])
    ws.append(["邓埠镇", "宋三村", "2026-03-31", "C05", "2026-09-30", "完成支部换届选举", 31500000000])
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    led = tmp_path / "ledger"
    r = lax("ledger", "import", str(path), "--ledger", str(led), "--date", "2026-12-31")
    assert r.exit_code == 2
    assert (
        "row 2, column G: 31,500,000,000 yuan is more than 10^9 yuan: check the cell (if it is right, record it "
        "with lax ledger progress --force)"
    ) in r.output
    assert not led.exists() or not list(led.glob("*.yaml"))  # nothing imported


def test_import_refuses_a_control_character_in_a_cell(tmp_path):
    # `_x0007_` is how a spreadsheet stores the BEL character; the file written from it would fail verify.
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "整顿台账"
    ws.append(["乡镇", "村名", "认定时间", "软弱涣散情形", "整改时限", "整改进展"])
    ws.append(["邓埠镇", "宋三村", "2026-03-31", "C05", "2026-09-30", "完成_x0007_换届选举"])
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    led = tmp_path / "ledger"
    r = lax("ledger", "import", str(path), "--ledger", str(led), "--date", "2026-12-31")
    assert r.exit_code == 2
    assert f"{path}, sheet 整顿台账, row 2, column F: the cell holds a control character (remove it)" in r.output
    assert not led.exists() or not list(led.glob("*.yaml"))


def test_check_record_never_writes_a_control_character_or_nan_into_evidence(tmp_path):
    from lax.ledger.record import _jsonable

    assert _jsonable({"C05": {"remark": "换届\x07未完成", "rate": float("nan"), "note": "两行\n文字"}}) == {
        "C05": {"remark": "换届\ufffd未完成", "rate": None, "note": "两行\n文字"}
    }
