"""The work record: what the county and the townships did (`lax ledger work`), kept beside the village files
as one YAML file per calendar year, `_work/2027.yaml`.

A file holds `year: 2027` and an append-only list `events:` of dated records, each with its level
(`county`, or `township` with the township's name), its kind (`lax.terms.WORK_KINDS`: organisation,
documents, meetings, publicity, training, inspection, system, funds, other), a text, optional figures
(`people` trained or attending, `villages` covered, `funds` in yuan) and `recorded: {by, at}` as every
village event carries. One file per year, not per level: the summaries that draw on these records are
yearly (or quarterly within a year), county and township clerks append to the same year under the ledger's
one lock, and a year's file is what an office reviews and prints. Records are kept in the order they were
entered (a meeting is often recorded days after it was held), never rewritten; reports sort them by date.

Owns the file format of `_work/`, checking it (every problem a coded `Problem` with FILE:LINE), reading all
years (`load_work`) and appending one record under the lock as its own transaction (`add_work`). No Typer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lax.i18n import _
from lax.ledger.fileformat import _BadScalar, _dump, _flow, _Parsed, _read_text, _Unreadable, parse_text
from lax.ledger.store import _scan, _stray_problems
from lax.ledger.transaction import _settle, _write_all, locked
from lax.ledger.validate import UNTRUSTED, _is_date, _recorded_problem, _typed, _unreadable_problem, funds_problem
from lax.problems import LaxError, Problem
from lax.terms import WORK_KINDS

WORK_DIR = "_work"
LEVELS = ("county", "township")
# The keys of a record besides `date`, in their written order.
RECORD_KEYS = ("level", "township", "kind", "text", "people", "villages", "funds", "recorded")
FIGURES = ("people", "villages", "funds")
MAX_TEXT = 2000
MAX_COUNT = 10_000_000  # people or villages in one record; more is a typo
_YEAR_FILE = re.compile(r"^(\d{4})\.yaml$")


@dataclass(frozen=True)
class WorkRecord:
    """One action of the county or a township, as recorded."""

    date: dt.date
    level: str  # "county" or "township"
    township: str | None
    kind: str  # a key of `lax.terms.WORK_KINDS`
    text: str
    people: int | None = None
    villages: int | None = None
    funds: int | float | None = None
    recorded: dict | None = None
    path: Path | None = None
    line: int = 0

    def same_as(self, other: WorkRecord) -> bool:
        """The same action (who recorded it and when aside): recording it again adds nothing."""
        return _identity(self) == _identity(other)

    @property
    def where(self) -> str:
        """`ledger/_work/2027.yaml:12`, the record's place in the ledger."""
        return f"{self.path}:{self.line}"


def _identity(r: WorkRecord) -> tuple:
    return (r.date, r.level, r.township, r.kind, r.text, r.people, r.villages, r.funds)


def record_dict(r: WorkRecord) -> dict[str, Any]:
    """A record as written: `date`, then its keys in `RECORD_KEYS` order, blank ones left out."""
    d: dict[str, Any] = {"date": r.date, "level": r.level}
    if r.level == "township":
        d["township"] = r.township
    d["kind"] = r.kind
    d["text"] = r.text
    for key in FIGURES:
        value = getattr(r, key)
        if value is not None:
            d[key] = value
    if r.recorded:
        d["recorded"] = _flow(dict(r.recorded))
    return d


def dump_work(year: int, records: Sequence[WorkRecord]) -> str:
    """The canonical text of a year's work file."""
    return _dump({"year": year, "events": [record_dict(r) for r in records]})


def work_folder(folder: Path) -> Path:
    return Path(folder) / WORK_DIR


def work_path(folder: Path, year: int) -> Path:
    """`<ledger>/_work/2027.yaml`: the file of the year a record is dated in."""
    return work_folder(folder) / f"{year:04d}.yaml"


# ------------------------------------------------------------------------------------------ checking


def _count_problem(key: str, value: Any) -> tuple[str, str] | None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > MAX_COUNT:
        what = _("people", "人数") if key == "people" else _("villages", "村数")
        return "bad-value", _(
            f"{key}: {value!r} is not a number of {what} (a whole number, 0 or more)",
            f"{key}：{value!r} 不是{what}（应为不小于 0 的整数）",
        )
    return None


def _text_problem(key: str, value: Any) -> tuple[str, str] | None:
    if not isinstance(value, str) or not value.strip():
        return "missing-value" if value in (None, "") else "bad-value", _(
            f"{key}: must be text saying what was done", f"{key}：应为说明做了什么的文字"
        )
    if len(value) > MAX_TEXT:
        return "bad-value", _(f"{key}: longer than {MAX_TEXT} characters", f"{key}：超过 {MAX_TEXT} 个字符")
    return None


def _check(parsed: _Parsed, path: Path, year: int | None) -> tuple[list[WorkRecord], list[tuple[int, str, str]]]:
    """The records of a parsed work file and every problem as (line, code, message)."""
    problems: list[tuple[int, str, str]] = list(parsed.problems)
    records: list[WorkRecord] = []

    def say(line: int, code: str, message: str) -> None:
        problems.append((line, code, message))

    doc = parsed.doc
    if not isinstance(doc, dict):
        say(
            1,
            "bad-structure",
            _("a work file must be a mapping with year and events", "工作记录文件应为包含 year、events 的映射"),
        )
        return records, problems
    kl = parsed.key_lines
    for key in doc:
        if key not in ("year", "events"):
            say(
                kl.get(key, 1),
                "unknown-key",
                _(f"unknown key '{key}' (expected year, events)", f"未知的键“{key}”（应为 year、events）"),
            )
    file_year = doc.get("year")
    if not isinstance(file_year, int) or isinstance(file_year, bool):
        say(
            kl.get("year", 1),
            "missing-value",
            _("'year' is missing or not a year like 2027", "缺少“year”或其值不是 2027 这样的年份"),
        )
        file_year = None
    elif year is not None and file_year != year:
        say(
            kl.get("year", 1),
            "bad-value",
            _(
                f"year: {file_year} but the file is {path.name} (the file of a year is named after it)",
                f"year：{file_year}，但文件名为 {path.name}（每年的文件以该年命名）",
            ),
        )
    year = year if year is not None else file_year
    raw = doc.get("events")
    if raw is None:
        say(
            kl.get("events", 1),
            "missing-value",
            _("'events' is missing (write events: [] for none)", "缺少“events”（没有记录时写 events: []）"),
        )
        raw = []
    elif not isinstance(raw, list):
        say(
            kl.get("events", 1),
            "bad-structure",
            _("'events' must be a list of dated records", "“events”应为带日期的记录列表"),
        )
        raw = []
    for index, item in enumerate(raw):
        line, keys = parsed.event_lines[index] if index < len(parsed.event_lines) else (kl.get("events", 1), {})
        at = keys.get
        if not isinstance(item, dict):
            say(
                line,
                "bad-structure",
                _(
                    "a record must be a mapping with date, level, kind and text",
                    "每条记录应为包含 date、level、kind、text 的映射",
                ),
            )
            continue
        ok = True
        date = item.get("date")
        if isinstance(date, _BadScalar):
            say(at("date", line), "bad-date", _(f"date: '{date}' is not a valid date", f"date：“{date}”不是有效日期"))
            ok = False
        elif not _is_date(date):
            say(
                at("date", line),
                "bad-date",
                _(
                    f"date: {date!r} is not a date like 2027-03-05 (unquoted)",
                    f"date：{date!r} 不是 2027-03-05 这样的日期（不加引号）",
                ),
            )
            ok = False
        elif year is not None and date.year != year:
            say(
                at("date", line),
                "bad-date",
                _(
                    f"date: {date} is not in {year}; a record goes in the file of its year ({date.year}.yaml)",
                    f"date：{date} 不在 {year} 年；记录应放在其所在年份的文件（{date.year}.yaml）中",
                ),
            )
            ok = False
        for key in item:
            if key != "date" and key not in RECORD_KEYS:
                say(
                    at(key, line),
                    "unknown-key",
                    _(
                        f"unknown key '{key}' (allowed: date, {', '.join(RECORD_KEYS)})",
                        f"未知的键“{key}”（允许：date、{'、'.join(RECORD_KEYS)}）",
                    ),
                )
                ok = False
        level = item.get("level")
        township = item.get("township")
        if level not in LEVELS:
            code = "missing-value" if level is None else "bad-value"
            say(
                at("level", line),
                code,
                _(f"level: {level!r} is not county or township", f"level：{level!r} 不是 county 或 township"),
            )
            ok = False
        elif level == "township":
            if not isinstance(township, str) or not township.strip():
                say(
                    at("township", line),
                    "missing-value",
                    _("township: a township record needs the township's name", "township：乡镇级记录需要写明乡镇名称"),
                )
                ok = False
        elif township is not None:
            say(
                at("township", line),
                "bad-value",
                _(
                    "township: a county record names no township (write level: township for a township's work)",
                    "township：县级记录不写乡镇（乡镇的工作请写 level: township）",
                ),
            )
            ok = False
        kind = item.get("kind")
        if kind not in WORK_KINDS:
            code = "missing-value" if kind is None else "bad-value"
            say(
                at("kind", line),
                code,
                _(
                    f"kind: {kind!r} is not one of {', '.join(WORK_KINDS)}",
                    f"kind：{kind!r} 不在 {', '.join(WORK_KINDS)} 之中",
                ),
            )
            ok = False
        found = _text_problem("text", item.get("text"))
        if found:
            say(at("text", line), *found)
            ok = False
        for key in ("people", "villages"):
            if key in item:
                found = _count_problem(key, item[key])
                if found:
                    say(at(key, line), *found)
                    ok = False
        if "funds" in item:
            message = funds_problem(item["funds"])
            if message:
                say(at("funds", line), "bad-amount", message)
                ok = False
        if "recorded" in item:
            found = _recorded_problem(item["recorded"])
            if found:
                say(at("recorded", line), *found)
                ok = False
        if ok:
            records.append(
                WorkRecord(
                    date,
                    level,
                    township.strip() if level == "township" else None,
                    kind,
                    item["text"].strip(),
                    item.get("people"),
                    item.get("villages"),
                    item.get("funds"),
                    item.get("recorded"),
                    path,
                    line,
                )
            )
    return records, problems


def _read(path: Path, year: int | None) -> tuple[list[WorkRecord], list[Problem], str | None]:
    """(records, problems, text) of one work file; a file that does not read as what it says gives no records."""
    label = str(path)
    try:
        text = _read_text(path, label)
        parsed = parse_text(text)
    except _Unreadable as e:
        return [], [_unreadable_problem(label, e)], None
    records, found = _check(parsed, path, year)
    if any(code in UNTRUSTED for _line, code, _msg in found):
        records = []
    return records, _typed(label, found), text


def _files(folder: Path) -> tuple[list[tuple[Path, int | None]], list[Problem]]:
    """The work files of a ledger, with the year each one's name says, and the files there lax does not read."""
    wdir = work_folder(folder)
    dirents, stray = _scan(wdir)
    files: list[tuple[Path, int | None]] = []
    problems = _stray_problems(wdir, stray)
    for d in sorted(dirents, key=lambda d: d.name):
        m = _YEAR_FILE.match(d.name)
        path = wdir / d.name
        if m is None:
            problems.append(
                Problem(
                    "bad-file-name",
                    _(
                        "is not read as a work file: the file of a year is named after it, e.g. 2027.yaml",
                        "不会作为工作记录文件读取：每年的文件以该年命名，例如 2027.yaml",
                    ),
                    str(path),
                    line=1,
                )
            )
            continue
        files.append((path, int(m.group(1))))
    return files, problems


def load_work(folder: Path) -> tuple[list[WorkRecord], list[Problem]]:
    """Every work record of the ledger in date order (then as entered), and every problem of `_work/`."""
    folder = Path(folder)
    _settle(folder)
    records: list[WorkRecord] = []
    files, problems = _files(folder)
    for path, year in files:
        found, more, _text = _read(path, year)
        records.extend(found)
        problems.extend(more)
    records.sort(key=lambda r: r.date)  # stable: records of one day keep the order they were entered in
    return records, problems


def verify_work(folder: Path) -> tuple[int, list[Problem]]:
    """(work files checked, every problem) for `lax ledger verify`."""
    files, _problems = _files(Path(folder))
    _records, problems = load_work(folder)
    return len(files), problems


def add_work(folder: Path, record: WorkRecord) -> tuple[WorkRecord, bool]:
    """Append one record to its year's file, under the ledger's lock: (the record as stored with its file and
    line, True), or (the record already there, False) when the same action is already recorded, so running a
    command twice records it once. A file with problems is refused (fix it first), never rewritten."""
    folder = Path(folder)
    year = record.date.year
    path = work_path(folder, year)
    with locked(folder):
        old_text = None
        old: list[WorkRecord] = []
        if path.exists():
            old, problems, old_text = _read(path, year)
            if problems:
                raise LaxError(
                    _(
                        f"{problems[0].where()}: {problems[0].message} (fix the file before adding to it; "
                        f"lax ledger verify lists every problem)",
                        f"{problems[0].where()}：{problems[0].message}（请先修正该文件再添加记录；lax ledger verify 会列出全部问题）",
                    )
                )
            for r in old:
                if r.same_as(record):
                    return r, False
        text = _appended(old_text, old, record, path, year)
        # What is written must read back as exactly what it says: a record the file could not hold (a control
        # character, a kind or count verify would fault) is refused here, not found later by verify.
        try:
            _back, found = _check(parse_text(text), path, year)
        except _Unreadable as e:
            found = [(1, "unreadable", str(e))]
        if found:
            message = found[0][2]
            raise LaxError(
                _(
                    f"{path}: the work record was not recorded: {message}",
                    f"{path}：工作记录未保存：{message}",
                )
            )
        _write_all(folder, [(path, text)])
    stored, _problems, _text = _read(path, year)
    return stored[-1] if stored else record, True


def _appended(old_text: str | None, old: list[WorkRecord], record: WorkRecord, path: Path, year: int) -> str:
    """The file's text with the record appended (a hand edit's comments and layout kept) when reading it back
    gives exactly the old records and the new one; else the canonical text of them all."""
    canonical = dump_work(year, [*old, record])
    if old_text is None:
        return canonical
    base = old_text if old_text.endswith("\n") else old_text + "\n"
    text = base + _dump([record_dict(record)])
    try:
        back, found = _check(parse_text(text), path, year)
    except _Unreadable:
        return canonical
    if not found and [_identity(r) for r in back] == [_identity(r) for r in [*old, record]]:
        return text
    return canonical
