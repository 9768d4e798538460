"""`lax --help` and `lax --version` import no spreadsheet, template or report library."""

import subprocess
import sys

import pytest

HEAVY = ("python_calamine", "openpyxl", "jinja2", "docx", "PIL", "lax.read.records", "lax.report", "lax.render")


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["ledger", "--help"], ["check", "--help"]])
def test_help_imports_nothing_heavy(args):
    code = (
        f"import sys, runpy; sys.argv = ['lax', *{args!r}]\n"
        "try:\n    runpy.run_module('lax', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} or m in {HEAVY!r})\n"
        "print('HEAVY:', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "HEAVY: []"


def test_version():
    out = subprocess.run([sys.executable, "-m", "lax", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    import lax

    assert out.stdout.strip() == f"lax {lax.__version__}"
