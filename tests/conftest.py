"""Shared test settings: a wide, plain terminal and no language or ledger settings leaking in from outside; the
CLI's click command built once per run for `typer.testing.CliRunner`."""

import compileall
import functools
import os
from pathlib import Path

import pytest
import typer.main
import typer.testing

# `CliRunner.invoke(app, ...)` rebuilds the click command from the app's Python signatures on every call
# (`typing.get_type_hints` over every parameter of every command: 0.05-0.3 s for lax's commands, the larger part
# of most CLI tests). The apps are not changed while tests run and a click command keeps no state between
# invocations (each makes its own context), so one build per app serves them all. Typer's own runner looks the
# builder up in its module by this name; if a Typer release renames it, this does nothing and tests are slower.
if hasattr(typer.testing, "_get_command"):
    typer.testing._get_command = functools.lru_cache(maxsize=None)(typer.main.get_command)


def pytest_configure(config):
    # These machines set PYTHONDONTWRITEBYTECODE=1, so every `python -m lax` a test starts (a few hundred) compiled
    # lax's own modules from source again, about 0.1 s of CPU each. Compile them once, in the main process (not in
    # each xdist worker), into the ignored __pycache__ folders; Python still reads them with that setting.
    if os.environ.get("PYTHONDONTWRITEBYTECODE") and not hasattr(config, "workerinput"):
        compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "lax"), quiet=1)


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("NO_COLOR", "1")
    for name in ("LAX_LANG", "LAX_LEDGER", "LAX_DEBUG", "LAX_TODAY"):
        monkeypatch.delenv(name, raising=False)
    # Who recorded an event and when (`recorded: {by, at}`), the same in every test and on every machine.
    monkeypatch.setenv("LAX_USER", "测试员")
    monkeypatch.setenv("LAX_NOW", "2026-09-30T10:15:00+08:00")
    from lax.i18n import set_lang

    set_lang("en")
    yield
    set_lang("en")
