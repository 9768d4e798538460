"""The ledger's first quarter (`lax ledger start 2026Q3`): the file `_ledger.yaml` in the ledger folder.

A county that starts keeping its ledger in the third quarter did not miss the sheets of the first two: the
reports count a township's quarterly submission as missing only from the ledger's first quarter on. It is
the quarter set here, else the quarter of the first submission recorded (`lax.report.context.first_quarter`).

`_ledger.yaml` holds `start: 2026Q3` and `recorded: {by, at}` (who set it, and when); it is read here,
checked by `lax ledger verify` (FILE:LINE, the same codes as the other files), and written atomically under
the ledger's lock. A start after a quarter the ledger already holds a submission for is refused: that
submission would fall outside the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lax.files import write_atomic
from lax.i18n import _
from lax.ledger.fileformat import _dump, _read_text, _Unreadable, parse_text
from lax.ledger.names import LEDGER_FILE
from lax.ledger.transaction import locked
from lax.ledger.validate import QUARTER_KEY
from lax.problems import LaxError, Problem

_KEYS = ("start", "recorded")
_HEADER = (
    "# The ledger's first quarter: a township's quarterly submission is counted as missing only from here on.\n"
    "# Written by `lax ledger start`.\n"
)


def start_path(folder: Path) -> Path:
    return Path(folder) / LEDGER_FILE


def start_problems(folder: Path) -> list[Problem]:
    """Every problem of `_ledger.yaml` as `Problem`s with FILE:LINE (none when the file is absent)."""
    return _read(Path(folder))[1]


def read_start(folder: Path) -> str | None:
    """The quarter `lax ledger start` set (`2026Q3`), or None when none was set; a LaxError naming FILE:LINE
    when `_ledger.yaml` is there but cannot be trusted (a report would otherwise count the wrong quarters)."""
    start, problems = _read(Path(folder))
    if problems:
        p = problems[0]
        raise LaxError(
            _(
                f"{p.path}:{p.line}: {p.message} (the ledger's first quarter; fix the file: lax ledger verify "
                "lists its problems)",
                f"{p.path}:{p.line}：{p.message}（台账起始季度文件；请修正该文件，lax ledger verify 会列出问题）",
            )
        )
    return start


def start_text(quarter: str, recorded: Mapping[str, str] | None) -> str:
    """The canonical text of `_ledger.yaml` (as `lax ledger start` writes it, and `ledger import` rebuilds it)."""
    doc: dict[str, Any] = {"start": quarter}
    if recorded:
        doc["recorded"] = dict(recorded)
    return _HEADER + _dump(doc)


def read_start_doc(folder: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """(`{start, recorded}` as the file holds them, problems) of `_ledger.yaml`; (None, []) when it is absent,
    (None, problems) when it cannot be trusted. For the Excel export, which carries the file whole."""
    path = start_path(Path(folder))
    start, problems = _read(Path(folder))
    if start is None or problems:
        return None, problems
    try:  # the whole document (`_read` checked it; `recorded` too)
        doc = parse_text(_read_text(path, str(path))).doc
    except _Unreadable as e:
        return None, [Problem(e.code, e.message, str(path), line=e.line)]
    if not isinstance(doc, dict):  # replaced in between: nothing to carry
        return None, []
    return {k: doc[k] for k in _KEYS if k in doc}, []


def check_start_text(text: str, label: str) -> tuple[str | None, list[Problem]]:
    """(start, problems) of a `_ledger.yaml` text: the checks `lax ledger verify` makes of the file."""
    try:
        parsed = parse_text(text)
    except _Unreadable as e:
        return None, [Problem(e.code, e.message, label, line=e.line)]
    return _check(parsed, label)


def _read(folder: Path) -> tuple[str | None, list[Problem]]:
    path = start_path(folder)
    label = str(path)
    if not path.exists():
        return None, []
    if not path.is_file():
        return None, [Problem("bad-structure", _("is not a file", "不是文件"), label, line=1)]
    try:
        parsed = parse_text(_read_text(path, label))
    except _Unreadable as e:
        return None, [Problem(e.code, e.message, label, line=e.line)]
    return _check(parsed, label)


def _check(parsed: Any, label: str) -> tuple[str | None, list[Problem]]:
    problems = [Problem(code, message, label, line=line) for line, code, message in parsed.problems]
    doc, lines = parsed.doc, parsed.key_lines
    if not isinstance(doc, dict):
        problems.append(
            Problem(
                "bad-structure",
                _("must be a mapping: start: 2026Q3", "应为映射：start: 2026Q3"),
                label,
                line=1,
            )
        )
        return None, problems
    from lax.ledger.validate import _recorded_problem

    for key, value in doc.items():
        line = lines.get(str(key), 1)
        if key not in _KEYS:
            problems.append(
                Problem(
                    "unknown-key",
                    _(f"unknown key '{key}' (allowed: start, recorded)", f"未知的键“{key}”（允许：start, recorded）"),
                    label,
                    line=line,
                )
            )
        elif key == "recorded":
            found = _recorded_problem(value)
            if found:
                problems.append(Problem(found[0], found[1], label, line=line))
    start = doc.get("start")
    if "start" not in doc:
        problems.append(
            Problem("missing-value", _("'start' is missing (start: 2026Q3)", "缺少“start”（start: 2026Q3）"), label, 1)
        )
        start = None
    elif not isinstance(start, str) or not QUARTER_KEY.match(start):
        problems.append(
            Problem(
                "bad-value",
                _(f"start: {start!r} is not a quarter like 2026Q3", f"start：{start!r} 不是 2026Q3 这样的季度"),
                label,
                line=lines.get("start", 1),
            )
        )
        start = None
    return (None if problems else start), sorted(problems, key=lambda p: p.line or 0)


def earliest_submission(township_files: Sequence[tuple[Path, str, Sequence[Any]]]) -> tuple[str, str] | None:
    """(quarter, `FILE:LINE`) of the earliest quarter any township file holds a submission for, or None."""
    best: tuple[str, str] | None = None
    for path, _township, events in township_files:
        for ev in events:
            q = ev.data.get("quarter")
            if ev.type == "submission" and isinstance(q, str) and QUARTER_KEY.match(q):
                if best is None or q < best[0]:
                    best = (q, f"{path}:{ev.line}")
    return best


def set_start(folder: Path, quarter: str, recorded: Mapping[str, str] | None) -> str | None:
    """Set the ledger's first quarter (canonical `2026Q3`); returns the quarter it replaced (or None).

    Refused (exit 1, nothing written) when a township file holds a submission for an earlier quarter, and
    when `_ledger.yaml` is there but unreadable (it is fixed by hand, or moved away, first: no guessing)."""
    from lax.ledger.store import township_files_read

    folder = Path(folder)
    if not QUARTER_KEY.match(quarter):
        raise LaxError(_(f"'{quarter}' is not a quarter like 2026Q3", f"“{quarter}”不是 2026Q3 这样的季度"))
    with locked(folder):
        old, problems = _read(folder)
        if problems:
            p = problems[0]
            raise LaxError(
                _(
                    f"{p.path}:{p.line}: {p.message}; fix or remove the file first",
                    f"{p.path}:{p.line}：{p.message}；请先修正或移走该文件",
                )
            )
        if old == quarter:
            return old
        files, _problems = township_files_read(folder)
        first = earliest_submission(files)
        if first is not None and first[0] < quarter:
            raise LaxError(
                _(
                    f"the ledger already holds a submission for {first[0]} ({first[1]}): it cannot start after "
                    f"that quarter; use lax ledger start {first[0]} or earlier",
                    f"台账已有 {first[0]} 的报送记录（{first[1]}）：起始季度不能晚于该季度；"
                    f"请使用 lax ledger start {first[0]} 或更早的季度",
                ),
                exit_code=1,
            )
        write_atomic(start_path(folder), start_text(quarter, recorded))
    return old
