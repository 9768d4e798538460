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


# Each test file's seconds in the suite (`--durations=0` summed by file, `-n 2`, 2026-11-30, 300 s in all); files
# not named here are small. `--dist loadfile` hands each worker one whole file at a time, in collection order, so
# the largest go first: the last files handed out are then small, and both workers finish within a few seconds of
# each other instead of one waiting while the other runs a 15-second file it picked up last. A stale or missing
# figure only makes the split less even, never changes what runs.
FILE_COST = {
    "test_report_look.py": 25.1,
    "test_hardening_crash.py": 19.2,
    "test_report_prose.py": 19.1,
    "test_ledger_list_cache.py": 17.2,
    "test_report_pages.py": 17.0,
    "test_report_appendix.py": 16.2,
    "test_ledger_scale.py": 16.1,
    "test_ledger_transaction.py": 14.6,
    "test_ledger_parallel.py": 13.0,  # measured 2026-11-30, with start-up (-n 0, one file alone)
    "test_report_cache.py": 11.8,
    "test_report_compute.py": 7.0,
    "test_hardening_settings.py": 13.9,
    "test_cli_coerce.py": 11.4,
    "test_zh_all_the_way.py": 10.8,
    "test_hardening_hostile.py": 10.0,
    "test_report_scenario.py": 9.3,
    "test_example_year.py": 7.6,
    "test_ledger_safety.py": 7.4,
    "test_hardening_readers.py": 6.7,
    "test_site_browser.py": 6.3,
    "test_safe_output.py": 5.9,
    "test_hardening_criteria.py": 5.6,
    "test_ledger_excel_whole.py": 5.0,
    "test_ledger_cli.py": 4.5,
    "test_hardening_ledger.py": 4.4,
    "test_guard.py": 3.6,
    "test_ledger_roundtrip.py": 3.3,
    "test_bigsheet.py": 3.1,
    "test_submissions.py": 2.6,
    "test_form.py": 2.6,
    "test_check_evidence_fast.py": 2.4,
    "test_report_render.py": 2.4,
    "test_read_fast.py": 2.2,
    "test_report_scale.py": 2.2,
    "test_hardening_messages.py": 2.2,
    "test_report_results.py": 2.1,
}


def pytest_collection_modifyitems(items):
    # A stable sort: the tests inside a file keep their order, and the small files keep theirs.
    items.sort(key=lambda item: -FILE_COST.get(item.path.name, 0))


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
