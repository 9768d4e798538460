"""The county of the first source summary as a ledger, shared by the report tests (test_report_scenario's golden
files, test_report_context, test_report_render).

Yujiang county, 2026: fifteen villages identified (twelve before the third quarter, three in it), fourteen
passed acceptance and one (锦江镇团黄村) failed; 31,500 yuan spent by the end of the quarter. Two events
come after the quarter and must not count in its report: more funds for 罗坪村 and 团黄村 passing on a
second inspection. 平定乡 missed two villages that county spot checks found (a second miss in one year
escalates); 春涛乡 sent its third-quarter examination late, and 中童镇 sent none for the third quarter
and its fourth only after the year's end.

The year itself (its villages, events, submissions and work records) is the shipped example's:
`examples/year.py` holds it and makes it through lax's commands; `write_ledger_cli` is that example without
its extras, in Chinese or English. The golden files come from that ledger; the other report tests use
the same county written directly as files in the ledger's format (`write_ledger_yaml`,
docs/ledger.md "The file format"), which also hold the evidence `lax check --record` would have recorded. Each text
is given in Chinese and in English, so the English reports read a ledger kept in English, as the English
example county is.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import yaml

_spec = importlib.util.spec_from_file_location(
    "lax_example_year", Path(__file__).resolve().parent.parent / "examples" / "year.py"
)
year = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = year
_spec.loader.exec_module(year)

# The scenario's data, from the example year.
D = year.D
TOWNSHIPS, VILLAGES, PEOPLE = year.TOWNSHIPS, year.VILLAGES, year.PEOPLE
SCENARIO, LATE_PROGRESS, MISSED, SUBMISSIONS, WORK = (
    year.SCENARIO,
    year.LATE_PROGRESS,
    year.MISSED,
    year.SUBMISSIONS,
    year.WORK,
)
QUARTER_END = year.QUARTER_END
text, village_events = year.text, year.village_events


def write_ledger_yaml(folder: Path, lang: str) -> Path:
    """The scenario written directly as ledger files in the contract's format."""
    folder.mkdir(parents=True, exist_ok=True)
    for township, village, code, events in village_events(lang):
        doc = {
            "township": township,
            "village": village,
            "code": code,
            "events": [{"date": day, "type": etype, **data} for etype, day, data in events],
        }
        name = f"{township}-{village}.yaml".replace("/", "_")
        (folder / name).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    write_townships_yaml(folder, lang)
    return folder


def write_townships_yaml(folder: Path, lang: str) -> None:
    tdir = folder / "_townships"
    tdir.mkdir(parents=True, exist_ok=True)
    per: dict[str, list] = {}
    for township, quarter, day in SUBMISSIONS:
        per.setdefault(township, []).append({"date": day, "type": "submission", "quarter": quarter, "villages": 20})
    for township, events in per.items():
        name = text(township, lang)
        events.sort(key=lambda e: e["date"])
        (tdir / f"{name}.yaml").write_text(
            yaml.safe_dump({"township": name, "events": events}, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )


def write_ledger_cli(folder: Path, lang: str) -> Path:
    """The scenario made the way a county office makes it, through lax's commands (`examples/year.py`
    without the example's extras): the townships' quarterly sheets through `lax check --record --quarter`,
    the villages its spot checks found through `lax check --channel spot --record` (which also records the
    townships' missed inclusions), the others through `lax ledger open`, and every plan, progress report,
    acceptance and work record through `lax ledger`."""
    return year.make_year(folder, lang, full=False, sheets=folder.parent / f"sheets-{lang}", say=None)
