"""Option values reach lax's commands as Typer itself gives them, without pydantic (`lax.cli.coerce`).

Every option and argument of every lax command is coerced both ways (lax's plain coercion, Typer's own
pydantic adapter) for the values a person types, and must come out equal and of the same type; a command
that needs no other type never imports pydantic; an option Typer checks itself (a bounded number) still says
its error. The types lax's commands do not use yet (a float, a list of numbers or choices, a bounded float)
are compared on a small app of their own, so that a new option of such a type is coerced right too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import openpyxl
import pytest
import typer
from typer import _coercion, core
from typer.main import get_command
from typer.testing import CliRunner

import lax.cli
from lax.cli import app

ROOT = Path(__file__).resolve().parent.parent

SAMPLES = [
    "邓埠镇",
    "宋三村",
    "",
    " ",
    "-",
    "2026-09-30",
    "ledger",
    "out/洪湖乡 台账.xlsx",
    "../塘桥村",
    "yes",
    "0",
    "3",
]
# What a person types for a number: plain, negative, bad, and the spellings pydantic reads its own way.
NUMBERS = ["-3", "-1", "007", "+5", " 7 ", "3.0", "1.5", "-0.5", "1e3", "1_000", "３", "99999", "3660", "3661"]
NUMBERS += ["abc", "二", "9" * 30, "0.1.2", "--1", "nan", "inf", 5, -1, 3660, 2.5, 7.0]


def _params():
    out = []

    def walk(cmd, path):
        for p in getattr(cmd, "params", []):
            if hasattr(p, "type_descriptor"):
                out.append(pytest.param(p, id=f"{path}:{p.name}"))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(get_command(app), "lax")
    return out


def test_choices_are_compared_too():
    assert any(p.values[0].type_descriptor.choices for p in _params())


def test_installed():
    assert core.build_runtime_param is not _coercion.build_runtime_param
    assert lax.cli.coerce._installed


@pytest.mark.parametrize("param", _params())
def test_same_value_as_typer(param):
    values = [*SAMPLES, None, Path("ledger"), Path("宋三村.yaml"), True, False]
    choices = param.type_descriptor.choices or ()
    values += [*choices, *(str(c.value) for c in choices), *(str(c.value).upper() for c in choices)]
    values += NUMBERS
    if param.multiple or param.nargs == -1:
        values = [None, (), [], "邓埠镇.xlsx", ("邓埠镇.xlsx",), ("黄溪镇.xlsx", "洪湖乡.csv"), ["宋三村", "-3"]]
        values += [("",), (Path("东阳村.csv"),), ("3", "-1", "abc", "1.5")]
    _compare(param, values)


def _compare(param, values):
    ctx = typer.Context(get_command(app))
    ours = core.build_runtime_param(param.type_descriptor)
    theirs = _coercion.build_runtime_param(param.type_descriptor)
    for value in values:
        try:
            expected = theirs.coerce(value, param=param, ctx=ctx)
        except (typer.BadParameter, typer.Abort) as e:
            with pytest.raises(type(e)) as got:
                ours.coerce(value, param=param, ctx=ctx)
            assert got.value.format_message() == e.format_message()
            continue
        got = ours.coerce(value, param=param, ctx=ctx)
        same = got == expected or repr(got) == repr(expected)  # nan is not equal to itself
        assert same and type(got) is type(expected), (value, got, expected)
        if isinstance(got, list):
            assert [type(g) for g in got] == [type(e) for e in expected], (value, got, expected)


def test_list_does_not_import_pydantic(tmp_path):
    ledger = tmp_path / "ledger"
    ledger.mkdir()
    (ledger / "邓埠镇-宋三村.yaml").write_text(
        "township: 邓埠镇\nvillage: 宋三村\ncode: '360622101201'\nevents:\n"
        "- date: 2026-09-30\n  type: identified\n  criteria: [C05]\n  deadline: 2027-03-30\n",
        encoding="utf-8",
    )
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['lax', 'ledger', 'list', '--format', 'json', '--ledger', {str(ledger)!r}, '--as-of', '2026-10-01']\n"
        "try:\n    runpy.run_module('lax', run_name='__main__')\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "print('PYDANTIC:', 'pydantic' in sys.modules)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert '"village": "宋三村"' in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "PYDANTIC: False"


def test_bounded_number_still_checked_by_typer(tmp_path):
    result = CliRunner().invoke(app, ["ledger", "due", "--within", "99999", "--ledger", str(tmp_path)])
    assert result.exit_code == 2
    assert "--within" in result.output and "3660" in result.output


def test_path_from_environment(tmp_path, monkeypatch):
    ledger = tmp_path / "黄溪镇台账"
    ledger.mkdir()
    monkeypatch.setenv("LAX_LEDGER", str(ledger))
    result = CliRunner().invoke(app, ["ledger", "list", "--format", "json", "--as-of", "2026-10-01"])
    assert result.exit_code == 0, result.output
    assert result.output == '{"as_of": "2026-10-01", "villages": []}\n'


class _Level(str, Enum):
    county = "county"
    city = "city"


_other = typer.Typer()


@_other.command()
def _every_type(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
    score: Annotated[float, typer.Option()] = 0.0,
    share: Annotated[float, typer.Option(min=0, max=1)] = 0.5,
    months: Annotated[int | None, typer.Option(min=-12)] = None,
    years: Annotated[list[int] | None, typer.Option()] = None,
    rates: Annotated[list[float] | None, typer.Option(max=100)] = None,
    levels: Annotated[list[_Level] | None, typer.Option()] = None,
    names: Annotated[list[str] | None, typer.Option()] = None,
    ledgers: Annotated[list[Path] | None, typer.Option(file_okay=False)] = None,
) -> None:
    """Every type an option of lax may one day have."""


def _other_params():
    return [pytest.param(p, id=p.name) for p in get_command(_other).params]


@pytest.mark.parametrize("param", _other_params())
def test_other_types_same_as_typer(param, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "邓埠镇.xlsx").write_bytes(b"x")
    (tmp_path / "洪湖乡台账").mkdir()
    assert type(core.build_runtime_param(param.type_descriptor)).__name__ == "PlainRuntimeParam"
    values = [*SAMPLES, *NUMBERS, None, "county", "CITY", "province", True]
    if param.multiple or param.nargs == -1:
        values = [None, (), [], "3", ("3", "-3"), ("1.5", "-0.5", "100", "100.5"), ("county", "town"), ("1e3",)]
        values += [("邓埠镇.xlsx",), ("邓埠镇.xlsx", "黄溪镇.xlsx"), ("洪湖乡台账",), ("邓埠镇.xlsx", "洪湖乡台账")]
        values += [tuple(SAMPLES), tuple(v for v in NUMBERS if isinstance(v, str))]
    _compare(param, values)


def _township_sheet(path):
    """A township's return as it is sent: the header row, then its villages (the form's other columns blank)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["乡镇", "村名", "行政区划代码", "书记空缺月数", "换届完成", "群众满意度"])
    ws.append(["邓埠镇", "宋三村", 360622101201, 0, "是", 92])
    ws.append(["邓埠镇", "东阳村", 360622101202, 5, "是", 88])
    wb.save(path)
    return path


def test_check_json_does_not_import_pydantic(tmp_path):
    sheet = _township_sheet(tmp_path / "邓埠镇.xlsx")
    out_file = tmp_path / "结果.json"
    args = ["check", str(sheet), "--format", "json", "-o", str(out_file), "--as-of", "2026-09-30"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), LAX_TODAY="2026-09-30")
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "lax", *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 1, out.stderr[-2000:]  # 1: 东阳村 is flagged
    imported = [line.split("|")[-1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")]
    assert "lax.check" in imported and "typer" in imported  # the import log is the whole run's
    assert [m for m in imported if m.split(".")[0] == "pydantic"] == []
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert [(v["village"], v["flagged"]) for v in data["villages"]] == [("宋三村", False), ("东阳村", True)]


def test_bad_year_said_as_typer_says_it(tmp_path):
    result = CliRunner().invoke(app, ["ledger", "work", "--year", "二〇二六", "--ledger", str(tmp_path)])
    assert result.exit_code == 2
    assert "--year" in result.output and "valid integer" in result.output
