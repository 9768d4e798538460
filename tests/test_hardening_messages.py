"""Error messages as a person reads them: one line naming the file or option and the place, what was expected
and what was found; a traceback only with `--debug` or LAX_DEBUG=1, for a bug report, and nowhere else."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import township_xlsx
from typer.testing import CliRunner

from lax.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def invoke(*args, **env):
    return runner.invoke(app, [str(a) for a in args], env={"LAX_TODAY": "2026-10-01", **env})


def boom(*_args, **_kwargs):
    raise RuntimeError("boom: the ledger reader broke\nsecond line of the exception")


@pytest.fixture
def led(tmp_path):
    led = tmp_path / "ledger"
    r = invoke(
        "ledger",
        "open",
        "东阳村",
        "--township",
        "洪湖乡",
        "--standards",
        "C07",
        "--date",
        "2026-09-30",
        "--ledger",
        led,
    )
    assert r.exit_code == 0, r.output
    return led


# ------------------------------------------------------------------------------------- internal errors


def test_an_internal_error_is_one_line_and_exit_3_without_a_traceback(led, monkeypatch):
    monkeypatch.setattr("lax.ledger.list_view", boom)
    r = invoke("ledger", "list", "--ledger", led)
    assert r.exit_code == 3
    assert r.stderr == (
        "internal error: RuntimeError: boom: the ledger reader broke second line of the exception "
        "(run with --debug or LAX_DEBUG=1 to see the traceback for a bug report)\n"
    )
    assert "Traceback" not in r.output


def test_lax_debug_shows_the_traceback(led, monkeypatch):
    monkeypatch.setattr("lax.ledger.list_view", boom)
    r = invoke("ledger", "list", "--ledger", led, LAX_DEBUG="1")
    assert r.exit_code == 3
    assert r.stderr.startswith("Traceback (most recent call last):\n")
    assert "RuntimeError: boom: the ledger reader broke" in r.stderr
    assert r.stderr.splitlines()[-1].startswith("internal error: RuntimeError: boom")


def test_the_debug_option_shows_the_traceback_and_does_not_stick(led, monkeypatch):
    monkeypatch.setattr("lax.ledger.list_view", boom)
    r = runner.invoke(app, ["--debug", "ledger", "list", "--ledger", str(led)])
    assert r.exit_code == 3 and "Traceback (most recent call last):" in r.stderr
    # The next run without --debug is quiet again.
    r = runner.invoke(app, ["ledger", "list", "--ledger", str(led)])
    assert r.exit_code == 3 and "Traceback" not in r.stderr and len(r.stderr.splitlines()) == 1


def test_an_internal_error_in_chinese(led, monkeypatch):
    monkeypatch.setattr("lax.ledger.list_view", boom)
    r = invoke("ledger", "list", "--ledger", led, "--lang", "zh")
    assert r.exit_code == 3
    assert r.stderr.startswith("内部错误：RuntimeError：boom") and r.stderr.count("\n") == 1


def test_a_bad_input_never_shows_a_traceback_even_with_debug(tmp_path):
    # --debug is for bugs only: a bad input stays one plain line.
    bad = tmp_path / "criteria.yaml"
    bad.write_text("version: 1\nfields: [\n", encoding="utf-8")
    r = runner.invoke(app, ["--debug", "criteria", "--criteria", str(bad)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.stderr.startswith(f"{bad}:3: YAML syntax error") and r.stderr.count("\n") == 1


def test_internal_error_in_a_real_process(tmp_path):
    # The same through a real process: no traceback, one line, exit 3; and a traceback with --debug.
    code = (
        "import lax.ledger, sys\n"
        "def boom(*a, **k):\n    raise ZeroDivisionError('division by zero')\n"
        "lax.ledger.list_view = boom\n"
        "from lax.cli import main\nsys.argv = ['lax'] + sys.argv[1:]\nmain()\n"
    )
    (tmp_path / "led").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "LAX_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    r = subprocess.run(
        [sys.executable, "-c", code, "ledger", "list", "--ledger", str(tmp_path / "led")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    r = subprocess.run(
        [sys.executable, "-c", code, "--debug", "ledger", "list", "--ledger", str(tmp_path / "led")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 3 and "Traceback (most recent call last)" in r.stderr


# ------------------------------------------------------------------------- one line, place, expected/found


_sheet = township_xlsx


def _cases(tmp: Path, led: Path):
    """(arguments, exit code, the exact first line or a regex for it)."""
    crit = tmp / "c.yaml"
    crit.write_text(
        "version: 1\nfields:\n  - id: township\n  - id: village\ncriteria:\n  - id: X1\n"
        "    title: x\n    when: village.upper() == 'A'\n",
        encoding="utf-8",
    )
    broken = led / "洪湖乡-塘桥村.yaml"
    return [
        (
            ["check", tmp / "a.xlsx", "--as-of", "2026-13-40"],
            2,
            "--as-of: '2026-13-40' is not a valid date (expected YYYY-MM-DD, e.g. 2026-09-30)",
        ),
        (
            ["check", tmp / "a.xlsx", "--criteria", crit],
            2,
            f"{crit}:8: criterion 'X1': function calls are not allowed in a standard",
        ),
        (["check", tmp / "a.xlsx", "--format", "xlsx"], 2, "--format xlsx needs --output FILE.xlsx"),
        (["check", tmp / "a.xlsx", "--output", tmp, "--format", "csv"], 2, f"{tmp}: is a folder; give a file name"),
        (
            ["ledger", "progress", "西阳村", "x", "--ledger", led],
            2,
            re.compile(r"no village '西阳村' in the ledger \(.*\); did you mean: 洪湖乡/东阳村"),
        ),
        (
            ["ledger", "progress", "东阳村", "x", "--funds", "三万", "--ledger", led],
            2,
            "--funds: '三万' is not an amount in yuan (e.g. 31500)",
        ),
        (
            ["ledger", "open", "东阳村", "--standards", "C99", "--ledger", led],
            2,
            re.compile(r"--standards: unknown standard C99; valid: C01, C02, .*, C15"),
        ),
        (
            ["ledger", "close", "东阳村", "--date", "2026-10-01", "--ledger", led],
            1,
            re.compile(
                r"refused: 洪湖乡/东阳村: it is identified: .* the earliest date it could be closed is 2027-10-01"
            ),
        ),
        (
            ["ledger", "accept", "东阳村", "--pass", "--date", "2026-10-01", "--ledger", led],
            1,
            "refused: 洪湖乡/东阳村: no rectification plan is recorded yet (lax ledger plan)",
        ),
        (
            ["ledger", "progress", "东阳村", "x", "--date", "2026-09-01", "--ledger", led],
            1,
            "refused: 洪湖乡/东阳村: 2026-09-01 is before the last recorded event (2026-09-30); events are recorded "
            "in date order",
        ),
        (
            ["ledger", "progress", "塘桥村", "x", "--ledger", led],
            2,
            f"{broken}:5: date: '2026-02-30' is not a valid date (fix the file before adding to it; "
            "lax ledger verify lists every problem)",
        ),
        (
            ["ledger", "list", "--format", "pdf", "--ledger", led],
            2,
            "--format: 'pdf' is not one of table, json, csv, xlsx",
        ),
        (["report", "--quarter", "2026Q5", "--ledger", led], 2, None),
        (["form", tmp / "no" / "such" / "folder" / "form.xlsx"], 2, None),
    ]


def test_every_message_is_one_line_naming_the_place(tmp_path):
    led = tmp_path / "ledger"
    assert (
        invoke(
            "ledger",
            "open",
            "东阳村",
            "--township",
            "洪湖乡",
            "--standards",
            "C07",
            "--date",
            "2026-09-30",
            "--ledger",
            led,
        ).exit_code
        == 0
    )
    (led / "洪湖乡-塘桥村.yaml").write_text(
        "township: 洪湖乡\nvillage: 塘桥村\ncode: null\nevents:\n- date: 2026-02-30\n  type: identified\n"
        "  criteria: [C05]\n",
        encoding="utf-8",
    )
    _sheet(tmp_path / "a.xlsx", [("乡镇", "村名", "换届完成"), ("洪湖乡", "东阳村", "否")])
    for args, code, first in _cases(tmp_path, led):
        r = invoke(*args)
        assert r.exit_code == code, (args, r.output)
        assert "Traceback" not in r.output and "internal error" not in r.output, (args, r.output)
        lines = r.stderr.splitlines()
        assert lines, args
        if isinstance(first, str):
            assert lines[0] == first, (args, r.stderr)
        elif first is not None:
            assert first.fullmatch(lines[0]), (args, r.stderr)
        else:
            assert len(lines) == 1 and lines[0].strip(), (args, r.stderr)


def test_a_problem_line_names_file_sheet_row_column_and_what_was_expected(tmp_path):
    path = _sheet(
        tmp_path / "honghu.xlsx",
        [
            ("洪湖乡村级班子情况排查表",),
            ("乡镇", "村名", "书记空缺月数", "换届完成", "群众满意度"),
            ("洪湖乡", "东阳村", "七", "否", "85%"),
            (None, "塘桥村", 0, "也许", 130),
        ],
    )
    r = invoke("check", path, "--format", "json")
    import json

    problems = json.loads(r.stdout)["problems"]
    assert r.exit_code == 2
    assert [(p["code"], p["sheet"], p["row"], p["column"], p["field"], p["value"]) for p in problems] == [
        ("bad-number", "排查表", 3, "C", "secretary_vacant_months", "七"),
        ("bad-bool", "排查表", 4, "D", "election_completed", "也许"),
        ("bad-percent", "排查表", 4, "E", "satisfaction", 130),
    ]
    assert [p["message"] for p in problems] == [
        "Secretary vacant (months): '七' is not a whole number of 0 or more",
        "Election completed: '也许' is not yes or no (是/否, 有/无, √/×, Y/N)",
        "Satisfaction (%): '130' is not a percentage from 0 to 100 (85, 85% or 0.85)",
    ]
    table = invoke("check", path)
    assert (
        f"{path}, sheet 排查表, row 3, column C: Secretary vacant (months): '七' is not a whole number of 0 or more "
        "[bad-number]" in table.stdout
    )


@pytest.mark.parametrize(
    "args, line",
    [
        (
            ["check", "{csv}", "--fromat", "json"],
            "lax check: No such option: --fromat (Possible options: --format) (see 'lax check --help')",
        ),
        (
            ["check", "{csv}", "--format", "jsn"],
            "lax check: Invalid value for '--format': Value error, 'jsn' is not one of 'table', 'json', 'csv', 'xlsx'. "
            "(see 'lax check --help')",
        ),
        (["check"], "lax check: Missing argument 'files'. (see 'lax check --help')"),
        (["ledger", "show"], "lax ledger show: Missing argument 'VILLAGE'. (see 'lax ledger show --help')"),
        (["核查"], "lax: No such command '核查'. (see 'lax --help')"),
    ],
)
def test_a_command_line_mistake_is_one_line(tmp_path, args, line):
    csv_file = tmp_path / "邓埠镇.csv"
    csv_file.write_text("乡镇,村名\n邓埠镇,宋三村\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("LAX_LANG", None)
    r = subprocess.run(
        [sys.executable, "-m", "lax", *[a.format(csv=csv_file) for a in args]],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (r.returncode, r.stdout, r.stderr) == (2, "", line + "\n")


def test_a_command_line_mistake_in_chinese(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), LAX_LANG="zh")
    r = subprocess.run([sys.executable, "-m", "lax", "check"], capture_output=True, text=True, env=env, timeout=60)
    assert (r.returncode, r.stderr) == (2, "lax check：缺少参数 files。（参见 'lax check --help'）\n")


def test_lax_alone_still_shows_the_help():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "lax"], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2 and "Usage: lax [OPTIONS] COMMAND [ARGS]..." in r.stdout + r.stderr
    assert "check" in r.stdout + r.stderr and "ledger" in r.stdout + r.stderr
