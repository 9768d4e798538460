"""`lax report`'s usage errors name the options a person typed, in both languages, byte for byte, although
the library (`lax.report.make_period`, `choose_level`, `resolve_township`) names no CLI option: the CLI tells
it what each input is called. And the library, called directly, says the same thing in words."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from lax.cli import app
from lax.i18n import set_lang
from lax.problems import LaxError
from lax.report import choose_level, make_period, resolve_township

TODAY = "2027-01-15"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report") / "ledger"
    result = CliRunner().invoke(
        app,
        [
            "ledger",
            "open",
            "宋三村",
            "--township",
            "邓埠镇",
            "--standards",
            "C07",
            "--date",
            "2026-09-30",
            "--ledger",
            str(folder),
        ],
    )
    assert result.exit_code == 0, result.output
    return folder


CASES = [
    (
        ["--quarter", "2026Q5"],
        "--quarter: '2026Q5' is not a quarter (expected e.g. 2026Q3 or 2026-Q3)",
        "--quarter：“2026Q5”不是季度（应为 2026Q3 或 2026-Q3 这样的写法）",
    ),
    (
        ["--year", "2026", "--quarter", "2026Q1"],
        "give only one of --quarter, --year, --from/--to (got --quarter, --year)",
        "--quarter、--year、--from/--to 只能给出一种（给出了 --quarter、--year）",
    ),
    (
        ["--year", "2026", "--from", "2026-01-01"],
        "give only one of --quarter, --year, --from/--to (got --year, --from/--to)",
        "--quarter、--year、--from/--to 只能给出一种（给出了 --year、--from/--to）",
    ),
    (
        ["--year", "26"],
        "--year: '26' is not a year (expected e.g. 2026)",
        "--year：“26”不是年份（应为 2026 这样的写法）",
    ),
    (
        ["--to", "2026-09-30"],
        "--to needs --from (the first day of the period)",
        "--to 需要同时给出 --from（期间的第一天）",
    ),
    (
        ["--from", "2026-09-30", "--to", "2026-09-01"],
        "--to 2026-09-01 is before --from 2026-09-30",
        "--to 2026-09-01 早于 --from 2026-09-30",
    ),
    (
        ["--level", "county", "--township", "邓埠镇"],
        "--level county covers every township; leave out --township, or use --level township",
        "--level county 覆盖全部乡镇；请去掉 --township，或改用 --level township",
    ),
    (
        ["--level", "county", "--village", "宋三村"],
        "--level county covers every township; leave out --village, or use --level village",
        "--level county 覆盖全部乡镇；请去掉 --village，或改用 --level village",
    ),
    (
        ["--level", "township", "--township", "邓埠镇", "--village", "宋三村"],
        "--level township covers the whole township; leave out --village, or use --level village",
        "--level township 覆盖整个乡镇；请去掉 --village，或改用 --level village",
    ),
    (
        ["--township", "白塔镇"],
        "--township: '白塔镇' is not in the ledger (townships: 邓埠镇)",
        "--township：台账中没有“白塔镇”（已有乡镇：邓埠镇）",
    ),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("args, en, zh", CASES)
def test_the_cli_names_the_options(monkeypatch, ledger, lang, args, en, zh):
    monkeypatch.setenv("LAX_TODAY", TODAY)
    result = CliRunner().invoke(app, ["report", *args, "--lang", lang, "--ledger", str(ledger)])
    assert result.exit_code == 2, result.output
    assert result.stderr == (en if lang == "en" else zh) + "\n"


@pytest.fixture()
def english():
    set_lang("en")
    yield
    set_lang("en")


D = dt.date.fromisoformat


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: make_period(today=D(TODAY), quarter="2026Q5"),
            "quarter: '2026Q5' is not a quarter (expected e.g. 2026Q3 or 2026-Q3)",
        ),
        (
            lambda: make_period(today=D(TODAY), quarter="2026Q1", year="2026"),
            "give only one of quarter, year, start/end (got quarter, year)",
        ),
        (lambda: make_period(today=D(TODAY), year="26"), "year: '26' is not a year (expected e.g. 2026)"),
        (lambda: make_period(today=D(TODAY), end=D("2026-09-30")), "end needs start (the first day of the period)"),
        (
            lambda: make_period(today=D(TODAY), start=D("2026-09-30"), end=D("2026-09-01")),
            "end 2026-09-01 is before start 2026-09-30",
        ),
        (
            lambda: choose_level("county", "邓埠镇", None),
            "a county report covers every township; leave out the township, or use a township report",
        ),
        (
            lambda: choose_level("township", "邓埠镇", "宋三村"),
            "a township report covers the whole township; leave out the village, or use a village report",
        ),
        (
            lambda: resolve_township("白塔镇", [], {"邓埠镇": []}),
            "township: '白塔镇' is not in the ledger (townships: 邓埠镇)",
        ),
    ],
)
def test_the_library_names_no_option(english, call, message):
    with pytest.raises(LaxError) as e:
        call()
    assert str(e.value) == message and e.value.exit_code == 2 and "--" not in str(e.value)
