"""Shared test settings: a wide, plain terminal and no language or ledger settings leaking in from outside."""

import pytest


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
