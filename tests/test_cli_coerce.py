"""Option values reach lax's commands as Typer itself gives them, without pydantic (`lax.cli.coerce`).

Every option and argument of every lax command is coerced both ways (lax's plain coercion, Typer's own
pydantic adapter) for the values a person types, and must come out equal and of the same type; a command
that needs no other type never imports pydantic; an option Typer checks itself (a bounded number) still says
its error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    ctx = typer.Context(get_command(app))
    ours = core.build_runtime_param(param.type_descriptor)
    theirs = _coercion.build_runtime_param(param.type_descriptor)
    values = [*SAMPLES, None, Path("ledger"), Path("宋三村.yaml"), True, False]
    choices = param.type_descriptor.choices or ()
    values += [*choices, *(str(c.value) for c in choices), *(str(c.value).upper() for c in choices)]
    if param.multiple or param.nargs == -1:
        values = [None, (), ("邓埠镇.xlsx",), ("黄溪镇.xlsx", "洪湖乡.csv")]
    for value in values:
        try:
            expected = theirs.coerce(value, param=param, ctx=ctx)
        except (typer.BadParameter, typer.Abort) as e:
            with pytest.raises(type(e)) as got:
                ours.coerce(value, param=param, ctx=ctx)
            assert got.value.format_message() == e.format_message()
            continue
        got = ours.coerce(value, param=param, ctx=ctx)
        assert got == expected and type(got) is type(expected), (value, got, expected)


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
