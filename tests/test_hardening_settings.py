"""Templates and settings a person hands lax: a `--templates` folder cannot reach outside itself, a user
template's work is bounded, LAX_MEMORY_LIMIT and the criteria file are checked before any work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lax.cli import app

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2027-01-15"


@pytest.fixture()
def office(tmp_path, monkeypatch):
    """A small ledger (邓埠镇/宋三村 rectifying, 黄溪镇/东阳村 accepted) and an empty templates folder."""
    monkeypatch.setenv("LAX_TODAY", TODAY)
    monkeypatch.chdir(tmp_path)
    run = CliRunner()
    for args in (
        ["open", "邓埠镇/宋三村", "--standards", "C05,C13", "--date", "2026-08-01"],
        ["open", "黄溪镇/东阳村", "--standards", "C07", "--date", "2026-03-31"],
        ["plan", "东阳村", "--measure", "落实三会一课制度", "--date", "2026-04-10"],
        ["accept", "东阳村", "--pass", "--score", "85", "--date", "2026-09-20"],
    ):
        r = run.invoke(app, ["ledger", *args])
        assert r.exit_code == 0, r.output
    (tmp_path / "mine").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.j2").write_text("机密 {{ 1 }}\n", encoding="utf-8")
    return tmp_path


def report(*args):
    return CliRunner().invoke(app, ["report", "--quarter", "2026Q3", "--lang", "en", "--templates", "mine", *args])


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------------- symlinks out of the folder


def test_a_template_that_is_a_symlink_out_of_the_folder_is_refused(office):
    os.symlink("../outside/secret.j2", office / "mine" / "county.en.md.j2")
    r = report()
    assert r.exit_code == 2
    assert r.stderr == (
        f"mine/county.en.md.j2 leads outside the templates folder mine "
        f"(to {office / 'outside' / 'secret.j2'}); refused\n"
    )
    assert "机密" not in r.stdout


def test_an_include_of_a_symlink_out_of_the_folder_is_refused_at_its_line(office):
    write(office / "mine" / "county.en.md.j2", "# Report\n\n{% include 'part.j2' %}\n")
    os.symlink("../outside/secret.j2", office / "mine" / "part.j2")
    r = report()
    assert r.exit_code == 2
    assert r.stderr == (
        f"mine/county.en.md.j2:3: refused by the template sandbox: mine/part.j2 leads outside the "
        f"templates folder mine (to {office / 'outside' / 'secret.j2'}); refused\n"
    )


def test_an_include_through_a_linked_folder_is_refused(office):
    write(office / "mine" / "county.en.md.j2", "# Report\n{% include 'shared/secret.j2' %}\n")
    os.symlink("../outside", office / "mine" / "shared")
    r = report()
    assert r.exit_code == 2
    assert r.stderr.startswith(
        "mine/county.en.md.j2:2: refused by the template sandbox: mine/shared/secret.j2 leads "
        "outside the templates folder mine"
    )
    assert len(r.stderr.splitlines()) == 1


def test_a_symlink_inside_the_folder_is_fine(office):
    write(office / "mine" / "common.j2", "Villages identified: {{ identified.count }}\n")
    os.symlink("common.j2", office / "mine" / "part.j2")
    write(office / "mine" / "county.en.md.j2", "# Report\n\n{% include 'part.j2' %}\n")
    r = report()
    assert r.exit_code == 0, r.output
    assert r.stdout == "# Report\n\nVillages identified: 2\n"


# ------------------------------------------------------------------------------------ bounded template work


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("# R\n{{ 'x'.ljust(10**9) }}\n", 2, "a width of more than the 5,000,000 characters a template may build"),
        ("# R\n\n{{ '%1000000000s' % 1 }}\n", 3, "a format width of a million or more"),
        ("# R\n{{ '{:>1000000000}'.format(1) }}\n", 2, "a format width of a million or more"),
        ("# R\n{{ 'x' | center(10**9) }}\n", 2, "center: a width of more than the 5,000,000 characters"),
        ("# R\n{{ '%1000000000s' | format(1) }}\n", 2, "a format width of a million or more"),
        (
            "# R\n{{ range(99999) | join('x' * 99999) }}\n",
            2,
            "the value would be 10,000,188,887 long, more than the 5,000,000",
        ),
        (
            "# R\n{% set ns = namespace(s='邓埠镇') %}\n{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}\n",
            3,
            "the value would be 6,291,456 long, more than the 5,000,000 a template may build",
        ),
        (
            "# R\n{% set ns = namespace(s='x') %}\n{% for i in range(60) %}\n{% set ns.s = ns.s + ns.s %}\n{% endfor %}\n",
            4,
            "the value would be 8,388,608 long",
        ),
        (
            "# R\n{% for i in range(99999) %}\n{% for j in range(99999) %}{% endfor %}\n{% endfor %}\n",
            3,
            "more than 2,000,000 loop steps and calls",
        ),
        (
            "# R\n{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}\n{{ f(40) }}\n",
            2,
            "more than 2,000,000 loop steps and calls",
        ),
        (
            "# R\n\n{% for i in range(99999) %}\n{{ 'x' * 99999 }}\n{% endfor %}\n",
            4,
            "the output would be more than 20,000,000 characters",
        ),
    ],
)
def test_a_template_s_work_is_bounded(office, text, line, message):
    write(office / "mine" / "county.en.md.j2", text)
    r = report()
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith(f"mine/county.en.md.j2:{line}: refused by the template sandbox: "), r.stderr
    assert message in r.stderr
    assert len(r.stderr.splitlines()) == 1 and r.stdout == ""


def test_loops_and_joins_of_ordinary_size_still_render(office):
    write(
        office / "mine" / "county.en.md.j2",
        "# Report\n\n{% for v in villages %}\n- {{ v.township ~ '/' ~ v.village }}\n{% endfor %}\n\n"
        "{{ range(1000) | join(',') | length }} {{ 'ab' * 3 + 'c' }} {{ '%5s' % 'x' }} {{ '{:>4}'.format(7) }}\n",
    )
    r = report()
    assert r.exit_code == 0, r.output
    assert r.stdout.endswith("3889 abababc     x    7\n")
    assert "- 邓埠镇/宋三村\n" in r.stdout


# ------------------------------------------------------------------------------------------ LAX_MEMORY_LIMIT


def lax_process(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "lax", *args], capture_output=True, text=True, env=full, timeout=timeout
    )


@pytest.mark.parametrize(
    "value, message",
    [
        ("inf", "LAX_MEMORY_LIMIT: 'inf' is too large (at most 1024T, or 0 for no limit)"),
        ("1e30", "LAX_MEMORY_LIMIT: '1e30' is too large (at most 1024T, or 0 for no limit)"),
        ("1e400", "LAX_MEMORY_LIMIT: '1e400' is too large (at most 1024T, or 0 for no limit)"),
        ("2000T", "LAX_MEMORY_LIMIT: '2000T' is too large (at most 1024T, or 0 for no limit)"),
        ("nan", "LAX_MEMORY_LIMIT: 'nan' is not a size like 4G, 1500M or 0 (no limit)"),
        ("abc", "LAX_MEMORY_LIMIT: 'abc' is not a size like 4G, 1500M or 0 (no limit)"),
        ("-5", "LAX_MEMORY_LIMIT: '-5' is negative"),
        ("-inf", "LAX_MEMORY_LIMIT: '-inf' is negative"),
    ],
)
def test_a_bad_memory_limit_is_one_line_naming_the_variable(tmp_path, value, message):
    sheet = ROOT / "tests" / "data" / "legacy.xls"
    r = lax_process("check", str(sheet), env={"LAX_MEMORY_LIMIT": value})
    assert r.returncode == 2
    assert r.stderr == message + "\n"
    assert "internal error" not in r.stderr and r.stdout == ""


# ------------------------------------------------------------------------------------------ criteria files


@pytest.mark.parametrize("kind", ["device", "fifo", "folder", "huge"])
def test_a_criteria_file_that_is_no_file_is_one_line_never_a_hang(tmp_path, kind):
    if kind == "device":
        given, message = "/dev/zero", "/dev/zero: is a device or special file, not a criteria file"
    elif kind == "fifo":
        given = str(tmp_path / "标准.yaml")
        os.mkfifo(given)  # nobody ever writes to it: opening it must not wait
        message = f"{given}: is a FIFO, not a criteria file"
    elif kind == "folder":
        given = str(tmp_path / "criteria")
        os.mkdir(given)
        message = f"{given}: is a folder, not a criteria file"
    else:
        given = str(tmp_path / "criteria.yaml")
        with open(given, "wb") as f:
            f.truncate(50 << 20)  # sparse: 50 MB that costs nothing
        message = f"{given}: 52,428,800 bytes is too large for a criteria file (at most 2,000,000)"
    r = lax_process("check", str(ROOT / "tests" / "data" / "legacy.xls"), "--criteria", given, timeout=30)
    assert (r.returncode, r.stderr) == (2, message + "\n")
    r = lax_process("ledger", "list", "--criteria", given, "--ledger", str(tmp_path / "ledger"), timeout=30)
    assert (r.returncode, r.stderr) == (2, message + "\n")


def test_a_criteria_file_as_default_in_the_current_folder_is_checked_too(tmp_path):
    os.mkfifo(tmp_path / "criteria.yaml")
    full = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, "-m", "lax", "check", str(ROOT / "tests" / "data" / "legacy.xls")],
        capture_output=True,
        text=True,
        env=full,
        cwd=tmp_path,
        timeout=30,
    )
    assert (r.returncode, r.stderr) == (2, "criteria.yaml: is a FIFO, not a criteria file\n")
