"""`ledger open` and `ledger reopen` take the standards met as `--standards C05,C13`; `--criteria` is the
criteria FILE there too, as in every other command. The old spelling `--criteria C05,C13` still works for
one release, with a one-line deprecation notice on stderr, and writes the same file byte for byte."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import packaged_path

runner = CliRunner()
DEPRECATED = (
    "warning: --criteria C05,C13 for the standards met is deprecated and will be removed; write "
    "--standards C05,C13 (--criteria is the criteria file, as in every command)\n"
)


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAX_TODAY", "2026-10-01")
    monkeypatch.setenv("LAX_NOW", "2026-10-01T09:30:00+08:00")
    monkeypatch.setenv("LAX_USER", "李明")
    return tmp_path


def lax(*args: str, lang: str = "en"):
    return runner.invoke(app, ["ledger", *args, "--lang", lang])


def county_criteria(folder: Path) -> Path:
    """The packaged standards with the county's own policy: a 3-month time limit, a pass score of 80."""
    text = packaged_path("criteria.yaml").read_text(encoding="utf-8")
    path = folder / "县标准.yaml"
    path.write_text(
        text.replace("rectify_months: 6", "rectify_months: 3").replace("pass_score: 70", "pass_score: 80"),
        encoding="utf-8",
    )
    return path


SONGSAN = """\
township: 邓埠镇
village: 宋三村
code: '360622101201'
events:
- date: 2026-09-30
  type: identified
  channel: self
  criteria: [C05, C13]
  deadline: 2027-03-30
  recorded: {by: 李明, at: '2026-10-01T09:30:00+08:00'}
"""


def test_open_takes_the_standards_as_standards(work):
    r = lax(
        "open",
        "宋三村",
        "--township",
        "邓埠镇",
        "--standards",
        "C05,C13",
        "--code",
        "360622101201",
        "--date",
        "2026-09-30",
    )
    assert r.exit_code == 0, r.output
    assert r.stdout == (
        "opened 邓埠镇/宋三村 [ledger/邓埠镇-宋三村.yaml]: round 1, C05, C13, identified 2026-09-30, "
        "time limit 2027-03-30\n"
    )
    assert r.stderr == ""
    assert (work / "ledger" / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8") == SONGSAN


def test_the_old_spelling_still_works_with_one_deprecation_line(work):
    r = lax(
        "open",
        "宋三村",
        "--township",
        "邓埠镇",
        "--criteria",
        "C05,C13",
        "--code",
        "360622101201",
        "--date",
        "2026-09-30",
    )
    assert r.exit_code == 0, r.output
    assert r.stderr == DEPRECATED
    assert "opened 邓埠镇/宋三村" in r.stdout
    # the same file as with --standards, byte for byte
    assert (work / "ledger" / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8") == SONGSAN


def test_the_deprecation_line_in_chinese(work):
    r = lax("open", "宋三村", "--township", "邓埠镇", "--criteria", "C05,C13", "--date", "2026-09-30", lang="zh")
    assert r.exit_code == 0, r.output
    assert r.stderr == (
        "提示：用 --criteria C05,C13 给出所符合的标准的写法已弃用，将被移除；请写成 --standards C05,C13"
        "（--criteria 是标准文件，与其他命令一致）\n"
    )


def test_criteria_is_the_criteria_file_in_open_and_reopen(work):
    crit = county_criteria(work)
    r = lax("open", "黄溪镇/东阳村", "--standards", "C07", "--criteria", str(crit), "--date", "2026-09-30")
    assert r.exit_code == 0 and r.stderr == "", r.output
    assert "time limit 2026-12-30" in r.stdout  # 3 months: the county's file was read
    for args in (
        ["plan", "东阳村", "--measure", "配齐两委班子", "--date", "2026-10-08"],
        ["accept", "东阳村", "--score", "85", "--date", "2026-12-01"],
    ):
        r = lax(*args, "--criteria", str(crit))
        assert r.exit_code == 0, r.output
    r = lax(
        "reopen",
        "东阳村",
        "--reason",
        "再次出现越级访",
        "--standards",
        "C12",
        "--criteria",
        str(crit),
        "--date",
        "2027-05-01",
    )
    assert r.exit_code == 0 and r.stderr == "", r.output
    assert (
        r.stdout
        == "reopened 黄溪镇/东阳村 [ledger/黄溪镇-东阳村.yaml] on 2027-05-01 (rebound); time limit 2027-08-01\n"
    )
    text = (work / "ledger" / "黄溪镇-东阳村.yaml").read_text(encoding="utf-8")
    assert "  reason: 再次出现越级访\n  criteria: [C12]\n  deadline: 2027-08-01\n" in text


def test_reopen_old_spelling_and_the_hidden_criteria_file(work):
    crit = county_criteria(work)
    assert lax("open", "洪湖乡/塘桥村", "--standards", "C05", "--date", "2026-03-31").exit_code == 0
    assert lax("plan", "塘桥村", "--measure", "召开党员大会重新选举", "--date", "2026-04-10").exit_code == 0
    assert lax("accept", "塘桥村", "--pass", "--date", "2026-09-01").exit_code == 0
    r = lax(
        "reopen",
        "塘桥村",
        "--reason",
        "村干部违纪",
        "--criteria",
        "13",
        "--criteria-file",
        str(crit),
        "--date",
        "2026-09-30",
    )
    assert r.exit_code == 0, r.output
    assert r.stderr == (
        "warning: --criteria 13 for the standards met is deprecated and will be removed; write "
        "--standards 13 (--criteria is the criteria file, as in every command)\n"
    )
    assert r.stdout.endswith("time limit 2026-12-30\n")  # the county's 3 months, from --criteria-file
    assert "  criteria: [C13]\n" in (work / "ledger" / "洪湖乡-塘桥村.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--standards", "C05", "--criteria", "C07"],
            "--standards and --criteria C07 both give the standards met; give only --standards (--criteria is the criteria file)\n",
        ),
        (
            ["--criteria", "县标准.yaml", "--criteria-file", "县标准.yaml"],
            "--criteria and --criteria-file both name the criteria file; give only --criteria\n",
        ),
        ([], "--standards is required: the standards met, e.g. C05,C13\n"),
        (
            ["--standards", "C05,C99"],
            "--standards: unknown standard C99; valid: C01, C02, C03, C04, C05, C06, C07, C08, C09, C10, C11, C12, C13, C14, C15\n",
        ),
        (["--standards", "C05", "--criteria", "没有这个文件.yaml"], "没有这个文件.yaml: criteria file not found\n"),
        (["--standards", "C05", "--criteria", "\x00"], "--criteria: '\\x00' is not a file name\n"),
    ],
)
def test_usage_errors_name_the_option_and_write_nothing(work, args, message):
    county_criteria(work)
    r = lax("open", "宋三村", "--township", "邓埠镇", "--date", "2026-09-30", *args)
    assert r.exit_code == 2, r.output
    assert r.stderr == message
    assert not (work / "ledger").exists()


def test_a_file_named_like_standard_ids_is_a_criteria_file(work):
    # An existing file is always the criteria file, whatever its name.
    (work / "C07").write_text(county_criteria(work).read_text(encoding="utf-8"), encoding="utf-8")
    r = lax("open", "洪湖乡/东阳村", "--standards", "C12", "--criteria", "C07", "--date", "2026-09-30")
    assert r.exit_code == 0 and r.stderr == "", r.output
    assert "time limit 2026-12-30" in r.stdout


def test_help_shows_standards_and_the_criteria_file(work):
    for command in ("open", "reopen"):
        r = runner.invoke(app, ["ledger", command, "--help"])
        assert r.exit_code == 0
        assert "--standards" in r.stdout and "--criteria <path>" in r.stdout
        assert "--criteria-file" not in r.stdout
