"""Reading an Excel 台账 into the ledger: `lax ledger import`.

The header row is found among the first 10 rows by its column names (title rows above are skipped; the
columns and their spellings are `lax.ledger.excel.COLUMNS`), cells are read leniently (dates typed as text,
standards named in words, 通过/未通过 or a score), every bad cell is a problem naming file, sheet, row and
column, each row becomes the events of one village's round, and the import is all-or-nothing. A workbook
written by `ledger export` carries an events sheet, from which the files are rebuilt exactly instead
(`import_events`). Reading uses python-calamine (through `lax.read.files.open_workbook`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lax.criteria import Criteria, header_key
from lax.i18n import _
from lax.ledger import MAX_FUNDS, load_entries, locked, make_event
from lax.ledger.append import _commit, _plain, _plan
from lax.ledger.excel import (
    _BY_KEY,
    _CHANNEL_WORDS,
    _CHANNEL_ZH,
    _FIXED,
    _HEADERS,
    _ORDER_COLUMN,
    _OTHER_COLUMN,
    LedgerFile,
    _number,
    _rebuilt_order,
    _unneutralise,
    decode_cell,
)
from lax.ledger.fileformat import _has_control
from lax.ledger.names import _match, _new_path
from lax.ledger.store import _refuse_if_unreadable
from lax.lifecycle import Event, Replay, default_deadline, passes, refusal
from lax.problems import LaxError, Problem
from lax.read import guard
from lax.read.files import open_workbook, zip_bomb
from lax.read.header import HEADER_ROWS, column_letter, find_header
from lax.read.rows import carry_down, is_column_number_row, is_footer_row
from lax.read.values import to_yuan

# ------------------------------------------------------------------------------------------ cell values

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return _unneutralise(unicodedata.normalize("NFC", str(value)).strip())


def _cell_date(value: Any) -> dt.date:
    """A date cell, an Excel serial number, or text like 2026-09-30 / 2026年9月30日; ValueError otherwise."""
    from lax.read.values import parse_date

    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        if 20000 <= value <= 80000:  # an unformatted Excel date serial (1954..2119)
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        raise ValueError(value)
    return parse_date(value if not isinstance(value, str) else _unneutralise(value.strip()))


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS for ch in text):
        return None
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0) if len(text) == 2 else None
    if len(text) == 1:
        return _CN_DIGITS[text]
    if len(text) == 2 and text[1] == "十":
        return _CN_DIGITS[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return _CN_DIGITS[text[0]] * 10 + _CN_DIGITS[text[2]]
    return None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\"'“”‘’「」『』]+", "", text)


def parse_standards(text: str, crit: Criteria) -> tuple[list[str], list[str]]:
    """Standards named in a 软弱涣散情形 cell: ids (C05), numbers (5, 第5条, 第五条) or titles.

    Returns (ids found, parts that name no standard)."""
    folded = _fold(text)
    found: list[tuple[int, str]] = []
    # Titles first (they may contain the separators 、 and ，); longest first so none hides inside another.
    titles = sorted(((_fold(c.title_zh), c.id) for c in crit.criteria), key=lambda t: -len(t[0]))
    titles += sorted(((_fold(c.title_en).lower(), c.id) for c in crit.criteria), key=lambda t: -len(t[0]))
    lowered = folded.lower()
    rest = folded
    for title, cid in titles:
        if title and title.lower() in lowered:
            found.append((lowered.index(title.lower()), cid))
            start = lowered.index(title.lower())
            lowered = lowered[:start] + "\x00" * len(title) + lowered[start + len(title) :]
            rest = rest[:start] + "\x00" * len(title) + rest[start + len(title) :]
    unknown = []
    for m in re.finditer(r"[^\x00,，、;；/\n]+", unicodedata.normalize("NFKC", rest)):
        part = m.group().strip(" .。:：()（）")
        if not part:
            continue
        cid = _standard_token(part, crit)
        if cid is None:
            unknown.append(part)
        else:
            found.append((m.start(), cid))
    found.sort()
    return list(dict.fromkeys(cid for _pos, cid in found)), unknown


def _standard_token(part: str, crit: Criteria) -> str | None:
    p = part.strip()
    if p in crit.ids:
        return p
    m = re.fullmatch(r"[Cc]0*(\d{1,2})", p) or re.fullmatch(
        r"(?:第)?([0-9]{1,2}|[一二三四五六七八九十]{1,3})(?:条|项|种)?(?:情形)?", p
    )
    if m:
        n = _cn_number(m.group(1))
        if n is not None:
            cid = f"C{n:02d}"
            return cid if cid in crit.ids else None
    # "C05 两委换届…" style: an id followed by (part of) its title.
    m = re.match(r"[Cc]0*(\d{1,2})\b", p)
    if m:
        cid = f"C{int(m.group(1)):02d}"
        return cid if cid in crit.ids else None
    return None


def _verdict(text: str) -> tuple[bool | None, float | None, bool]:
    """验收情况: (passed or None when it says nothing yet, score, understood)."""
    t = unicodedata.normalize("NFKC", text).strip().lower()
    if not t or t in ("待验收", "未验收", "尚未验收", "-", "/", "无", "pending"):
        return None, None, True
    score = None
    m = re.search(r"(\d+(?:\.\d+)?)\s*分?", t)
    if m:
        score = float(m.group(1))
    if any(w in t for w in ("未通过", "不通过", "不合格", "未达标", "不达标", "failed", "fail", "not passed")):
        return False, score, True
    if any(w in t for w in ("通过", "合格", "达标", "passed", "pass")):
        return True, score, True
    if m and re.fullmatch(r"\d+(?:\.\d+)?\s*分?", t):
        return None, score, True  # a bare score: decided by the pass score
    return None, None, False


def _split_measures(text: str) -> list[str]:
    parts = re.split(r"\n+|[；;]", text)
    out = []
    for p in parts:
        p = re.sub(
            r"^\s*(?:[0-9]+[.、．)]|[（(][0-9一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)\s*", "", p
        ).strip()
        if p:
            out.append(p)
    return out


def _channel_of(text: str) -> str | None:
    t = unicodedata.normalize("NFKC", text).strip().lower()
    for key, words in _CHANNEL_WORDS.items():
        if t == key or any(w.lower() in t for w in words):
            return key
    return None


# ----------------------------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    villages: int
    created: int
    unchanged: int
    files: list[Path]


@dataclass
class _Row:
    sheet: str
    row: int  # 1-based spreadsheet row
    cells: dict[str, tuple[Any, str]]  # key -> (raw value, column letter)


def _read_rows(path: Path, sheet: str | None, problems: list[Problem]) -> list[_Row]:
    try:
        import python_calamine  # noqa: F401 - opened through lax.read.files.open_workbook; said plainly if missing
    except ImportError:  # pragma: no cover - a dependency
        raise LaxError(_("python-calamine is needed to read spreadsheets", "读取表格需要 python-calamine")) from None
    shown = str(path)
    if not path.exists():
        raise LaxError(_(f"{shown}: file not found", f"{shown}：找不到文件"))
    if path.is_dir():
        raise LaxError(_(f"{shown}: is a folder, not a spreadsheet", f"{shown}：是文件夹而不是表格"))
    refusal = zip_bomb(path)
    if refusal or guard.crashed(shown, None):  # guard: opening it killed an earlier attempt of this run
        raise LaxError(f"{shown}: {refusal or guard.crash_reason(None)}")
    try:
        with guard.watch(shown, None), guard.native():
            wb = open_workbook(path)  # by extension, else by content (an .xlsx named .xls, a WPS .et)
        names = list(wb.sheet_names)
    except Exception as e:  # noqa: BLE001 - any reader failure is one problem about this file
        raise LaxError(
            _(
                f"{shown}: cannot be read as a spreadsheet ({type(e).__name__}: {str(e)[:120]})",
                f"{shown}：无法作为表格读取（{type(e).__name__}：{str(e)[:120]}）",
            )
        ) from None
    if sheet is not None:
        if sheet not in names:
            raise LaxError(
                _(
                    f"{shown}: no sheet '{sheet}' (sheets: {', '.join(names)})",
                    f"{shown}：没有工作表“{sheet}”（现有：{'、'.join(names)}）",
                )
            )
        names = [sheet]
    rows: list[_Row] = []
    any_header = False
    for name in names:
        if guard.crashed(shown, name):
            problems.append(Problem("unreadable-sheet", guard.crash_reason(name), shown, name))
            continue
        try:
            with guard.watch(shown, name), guard.native():
                data = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as e:  # noqa: BLE001
            problems.append(
                Problem(
                    "unreadable-sheet",
                    _(f"cannot read the sheet: {str(e)[:120]}", f"无法读取工作表：{str(e)[:120]}"),
                    shown,
                    name,
                )
            )
            continue
        # The header and the rows are found as `lax check` finds them (lax.read.header, lax.read.rows).
        found = find_header(data[:HEADER_ROWS], data[HEADER_ROWS : HEADER_ROWS + 1], _column_key)
        if found is None:
            continue
        any_header = True
        columns = dict(sorted(found.columns.items()))
        missing = [k for k in ("township", "village") if k not in columns.values()]
        if missing:
            for k in missing:
                col = _BY_KEY[k]
                problems.append(
                    Problem(
                        "missing-column",
                        _(f"no '{col.zh}' column in the header row", f"表头行中没有“{col.zh}”列"),
                        shown,
                        name,
                        found.data_at,
                        field=k,
                    )
                )
            continue
        at = {key: c for c, key in columns.items()}
        left = [c for c in range(at["village"]) if c != at["township"]]  # 序号 and the like: footer words there too
        start = found.data_at
        if start < len(data) and is_column_number_row(data[start], sorted(columns)):
            start += 1  # the 栏次 row (甲 乙 1 2 3) under the header
        township = None  # carried down from the rows above
        for r in range(start, len(data)):
            values = data[r]
            cells = {}
            for c, key in columns.items():
                v = values[c] if c < len(values) else None
                if isinstance(v, str) and not v.strip():
                    v = None
                cells[key] = (v, column_letter(c))
            if all(v in (None, "") for v in values):
                continue
            written = _cell_text(cells["township"][0]) or None
            (t,), township = carry_down([written], township)  # merged or left blank below its first row
            if is_footer_row(t, _cell_text(cells["village"][0]) or None, values, left):
                continue
            if written is None and t is not None:
                cells["township"] = (t, cells["township"][1])
            if set(k for k, (v, _l) in cells.items() if v not in (None, "")) <= {"seq"}:
                continue
            rows.append(_Row(name, r + 1, cells))
    if not any_header and problems:  # the sheets that might have held it could not be read: say why
        raise LaxError(
            _(
                f"nothing imported: {len(problems)} problem(s) in {shown}",
                f"未导入任何内容：{shown} 中有 {len(problems)} 处问题",
            ),
            details=[str(p) for p in problems],
        )
    if not any_header:
        raise LaxError(
            _(
                f"{shown}: no ledger header (乡镇, 村名, 软弱涣散情形 …) in the first 10 rows of any sheet",
                f"{shown}：任何工作表的前 10 行中都没有台账表头（乡镇、村名、软弱涣散情形……）",
            )
        )
    return rows


def _column_key(cell: Any) -> str | None:
    """The 台账 column a header cell names (`COLUMNS`' spellings), or None: `find_header`'s lookup."""
    return _HEADERS.get(header_key(cell)) if isinstance(cell, str) else None


def import_ledger(
    path: Path,
    folder: Path,
    crit: Criteria,
    on: dt.date,
    channel: str = "self",
    sheet: str | None = None,
    recorded: dict | None = None,
) -> ImportResult:
    """Read an Excel 台账 into the ledger folder; all rows or none (a LaxError lists every problem).

    `recorded` ({by, at}), when given, is kept with every event written: who imported the sheet and when."""
    path, folder = Path(path), Path(folder)
    exported = _events_sheet(path, sheet)
    if exported is not None:  # a workbook `ledger export` wrote: its events sheet holds every event exactly
        return import_events(path, folder, crit, *exported, whole=sheet is None)
    problems: list[Problem] = []
    rows = _read_rows(path, sheet, problems)
    policy = crit.policy
    planned: list[tuple[_Row, str, str, str | None, list[Event]]] = []
    seen: dict[Any, int] = {}
    for row in rows:
        built = _row_events(row, path, crit, on, channel, problems)
        if built is None:
            continue
        township, village, code, events = built
        key = ("code", code) if code else ("names", township, village)
        if key in seen:
            letter = row.cells["village"][1]
            problems.append(
                Problem(
                    "duplicate-village",
                    _(
                        f"{township}/{village} is already on row {seen[key]}",
                        f"{township}/{village} 已在第 {seen[key]} 行出现",
                    ),
                    str(path),
                    row.sheet,
                    row.row,
                    letter,
                    "village",
                    village,
                )
            )
            continue
        seen[key] = row.row
        if events is not None:
            planned.append((row, township, village, code, events))
    if not rows and not problems:
        raise LaxError(_(f"{path}: the ledger has a header but no village rows", f"{path}：台账有表头但没有村的数据行"))
    with locked(folder):
        entries, found = load_entries(folder)
        if planned:
            _refuse_if_unreadable(entries, found, folder)
        changes = []
        taken: set[str] = set()
        created = unchanged = 0
        for row, township, village, code, events in planned:
            existing = _match(entries, township, village, code)
            if existing is not None:
                # who recorded the events and when is no part of what they say: a second import is the same
                same = [(e.date, e.type, _unrecorded(e.data)) for e in existing.events] == [
                    (e.date, e.type, e.data) for e in events
                ]
                if same:
                    unchanged += 1
                    continue
                letter = row.cells["village"][1]
                problems.append(
                    Problem(
                        "already-in-ledger",
                        _(
                            f"{township}/{village} is already in the ledger as "
                            f"{existing.path.name} with other records; remove the row "
                            f"or record changes with lax ledger commands",
                            f"{township}/{village} 已在台账中（{existing.path.name}），"
                            f"记录不同；请删去该行，或用 lax ledger 命令记录变化",
                        ),
                        str(path),
                        row.sheet,
                        row.row,
                        letter,
                        "village",
                        village,
                    )
                )
                continue
            new_path = _new_path(folder, township, village, code, taken)
            taken.add(new_path.name)
            if recorded is not None:
                events = [Event(e.date, e.type, {**e.data, "recorded": recorded}, e.line) for e in events]
            changes.append(_plan(new_path, None, None, (township, village, code), events, policy))
            created += 1
        if problems:
            problems.sort(key=lambda p: (p.sheet or "", p.row or 0, len(p.column or ""), p.column or ""))
            raise LaxError(
                _(
                    f"nothing imported: {len(problems)} problem(s) in {path}",
                    f"未导入任何内容：{path} 中有 {len(problems)} 处问题",
                ),
                details=[str(p) for p in problems],
            )
        files = _commit(changes)
    return ImportResult(len(planned), created, unchanged, files)


def _unrecorded(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "recorded"}


def _row_events(
    row: _Row, path: Path, crit: Criteria, on: dt.date, default_channel: str, problems: list[Problem]
) -> tuple[str, str, str | None, list[Event] | None] | None:
    """The village of one 台账 row and the events it stands for; problems for every bad cell (events None
    when a cell is bad, everything None when the row names no village)."""
    from lax.ledger import check_code, check_name

    shown = str(path)
    policy = crit.policy
    before = len(problems)

    def bad(key: str, code: str, en: str, zh: str) -> None:
        raw, letter = row.cells[key] if key in row.cells else (None, None)
        problems.append(
            Problem(
                code,
                _(en, zh),
                shown,
                row.sheet,
                row.row,
                letter,
                key,
                raw if not isinstance(raw, (dt.date, dt.datetime)) else raw.isoformat(),
            )
        )

    def text(key: str) -> str:
        value = _cell_text(row.cells[key][0]) if key in row.cells else ""
        if _has_control(value):  # the file written would fail `ledger verify` and be read by no command
            bad(
                key,
                "control-character",
                "the cell holds a control character (remove it)",
                "单元格中含有控制字符（请删除）",
            )
            return "".join(ch for ch in value if not _has_control(ch))
        return value

    def date(key: str) -> dt.date | None:
        raw = row.cells.get(key, (None, ""))[0]
        if raw in (None, ""):
            return None
        try:
            return _cell_date(raw)
        except (ValueError, TypeError, OverflowError):
            bad(
                key,
                "bad-date",
                f"'{_cell_text(raw)}' is not a date like 2026-09-30",
                f"“{_cell_text(raw)}”不是 2026-09-30 这样的日期",
            )
            return None

    names = {}
    for key in ("township", "village"):
        value = text(key)
        if not value:
            bad(key, "missing-value", f"the {key} is blank", f"{_BY_KEY[key].zh}为空")
            continue
        try:
            names[key] = check_name(value, key)
        except LaxError as e:
            bad(key, "bad-name", str(e), str(e))
    code = None
    if text("code"):
        try:
            code = check_code(text("code"))
        except LaxError as e:
            bad("code", "bad-code", str(e), str(e))
    identified_on = date("identified_on") or on
    channel = default_channel
    if text("channel"):
        channel = _channel_of(text("channel"))
        if channel is None:
            bad(
                "channel",
                "bad-channel",
                f"'{text('channel')}' is not a channel ({', '.join(_CHANNEL_ZH.values())})",
                f"“{text('channel')}”不是认定渠道（{'、'.join(_CHANNEL_ZH.values())}）",
            )
            channel = default_channel
    ids: list[str] = []
    if not text("criteria"):
        bad("criteria", "missing-value", "no standard given (软弱涣散情形 is blank)", "未填写软弱涣散情形")
    else:
        ids, unknown = parse_standards(text("criteria"), crit)
        if unknown:
            bad(
                "criteria",
                "bad-standard",
                f"'{'、'.join(unknown)}' names no standard (use C01..C15, 第5条, or the title)",
                f"“{'、'.join(unknown)}”不对应任何标准（请写 C01..C15、第5条或标准名称）",
            )
        elif not ids:
            bad("criteria", "missing-value", "no standard given", "未填写软弱涣散情形")
    deadline = date("deadline")
    if deadline and deadline < identified_on:
        bad(
            "deadline",
            "bad-date",
            f"the time limit {deadline} is before the identification date {identified_on}",
            f"整改时限 {deadline} 早于认定时间 {identified_on}",
        )
    measures = _split_measures(text("measures"))
    people = {k: text(k) or None for k in ("county_leader", "township_leader", "first_secretary", "helping_unit")}
    funds = None
    raw_funds = row.cells.get("funds", (None, ""))[0]
    if raw_funds not in (None, ""):
        funds = to_yuan(raw_funds)
        if funds is None:
            bad(
                "funds",
                "bad-number",
                f"'{_cell_text(raw_funds)}' is not an amount in yuan",
                f"“{_cell_text(raw_funds)}”不是以元计的金额",
            )
        elif funds > MAX_FUNDS:  # `ledger verify` would reject the file written; likely a typo in the cell
            bad(
                "funds",
                "bad-amount",
                f"{funds:,.0f} yuan is more than 10^9 yuan: check the cell (if it is right, "
                f"record it with lax ledger progress --force)",
                f"{funds:,.0f} 元超过 10^9 元：请核对该单元格（如确实无误，请用 lax ledger progress --force 记录）",
            )
            funds = None
    accepted_on = date("accepted_on")
    passed, score, understood = _verdict(text("acceptance"))
    if not understood:
        bad(
            "acceptance",
            "bad-acceptance",
            f"'{text('acceptance')}' is not an acceptance result (通过, 未通过, or a score)",
            f"“{text('acceptance')}”不是验收结论（通过、未通过或分数）",
        )
    raw_score = row.cells.get("score", (None, ""))[0]
    if raw_score not in (None, ""):
        try:
            score = float(_cell_text(raw_score).rstrip("分"))
            if not 0 <= score <= 100:
                raise ValueError
        except ValueError:
            bad(
                "score",
                "bad-number",
                f"'{_cell_text(raw_score)}' is not a score from 0 to 100",
                f"“{_cell_text(raw_score)}”不是 0 到 100 的分数",
            )
            score = None
    if passed is None and score is not None and understood:
        passed = passes(score, policy)
    if (
        passed is not None
        and accepted_on is None
        and not any(p.field == "accepted_on" and p.row == row.row for p in problems[before:])
    ):
        bad(
            "acceptance",
            "missing-value",
            "an acceptance result needs its date in the 验收时间 column",
            "有验收结论时须在“验收时间”列填写验收日期",
        )
    if passed is None and accepted_on is not None and understood:
        bad(
            "accepted_on",
            "missing-value",
            "an acceptance date without a result in 验收情况",
            "有验收时间但“验收情况”未填写结论",
        )
    new_deadline = date("new_deadline")
    closed_on = date("closed_on")
    if "village" not in names or "township" not in names:
        return None
    if len(problems) > before:
        return names["township"], names["village"], code, None

    source = path.name
    events = [
        make_event(
            identified_on,
            "identified",
            channel=channel,
            criteria=ids,
            deadline=deadline or default_deadline(identified_on, policy),
            source=source,
            note=text("problems") or None,
        )
    ]
    if measures or any(people.values()) or passed is not None:
        events.append(make_event(identified_on, "planned", measures=measures, **people))
    progress_note = text("progress")
    if progress_note or funds is not None:
        when = accepted_on if accepted_on and passed is not None else max(on, identified_on)
        if closed_on and when > closed_on:
            when = accepted_on or identified_on
        events.append(
            make_event(
                when,
                "progress",
                note=progress_note or _("funds invested", "投入资金"),
                funds=_number(funds) if funds is not None else None,
            )
        )
    if passed is not None and accepted_on is not None:
        limit = None
        if not passed:
            limit = new_deadline or default_deadline(accepted_on, policy)
        events.append(
            make_event(
                accepted_on,
                "acceptance",
                passed=passed,
                score=_number(score) if score is not None else None,
                by=text("by") or None,
                deadline=limit,
            )
        )
    if closed_on is not None:
        events.append(make_event(closed_on, "closed"))
    # The lifecycle decides whether the row's story is possible; a refusal names the cell that breaks it.
    replay = Replay(policy)
    cell_of = {
        "identified": "identified_on",
        "planned": "measures",
        "progress": "progress",
        "acceptance": "accepted_on",
        "closed": "closed_on",
    }
    for e in events:
        reason = refusal(replay, e, policy)
        if reason is not None:
            bad(cell_of[e.type], "impossible-step", reason, reason)
            return names["township"], names["village"], code, None
        replay.step(e)
    return names["township"], names["village"], code, events


# ------------------------------------------------------------------------------ the events sheet (lossless)
# The sheet and its cell encoding are described in `lax.ledger.excel`.


def _events_sheet(path: Path, sheet: str | None) -> tuple[str, list[list[Any]]] | None:
    """(name, cells) of the workbook's events sheet, if it has one (the sheet asked for with --sheet only);
    None otherwise, and whenever the workbook cannot be read (the 台账 reading then says why)."""
    if not path.is_file() or zip_bomb(path) or guard.crashed(str(path), None):
        return None
    try:
        with guard.watch(str(path), None), guard.native():
            wb = open_workbook(path)
        names = list(wb.sheet_names)
    except Exception:  # noqa: BLE001 - reported by the ordinary 台账 reading
        return None
    for name in names if sheet is None else [n for n in names if n == sheet]:
        if guard.crashed(str(path), name):
            continue
        try:
            with guard.watch(str(path), name), guard.native():
                data = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001
            continue
        if data and [v if isinstance(v, str) else None for v in data[0][: len(_FIXED)]] == list(_FIXED):
            return name, data
    return None


def _rebuild_files(
    path: Path, sheet: str, data: list[list[Any]], problems: list[Problem]
) -> list[tuple[LedgerFile, int, list[int]]]:
    """The files the events sheet stands for, each with the spreadsheet rows of its first line and events."""
    shown = str(path)
    header = data[0]
    keys: dict[int, str] = {}
    for c in range(len(_FIXED), len(header)):
        h = header[c]
        if isinstance(h, str) and h:
            keys[c] = h
    files: dict[str, dict[str, Any]] = {}
    spoilt: set[Any] = set()  # files with a bad row: no "event missing" for them on top
    for r in range(1, len(data)):
        values = data[r]
        if all(v in (None, "") for v in values):
            continue
        row = r + 1
        ok = True

        def bad(c: int, code: str, en: str, zh: str, values=values, row=row) -> None:  # this row's
            nonlocal ok
            ok = False
            raw = values[c] if c < len(values) else None
            problems.append(
                Problem(
                    code,
                    _(en, zh),
                    shown,
                    sheet,
                    row,
                    column_letter(c),
                    str(header[c]) if c < len(header) else None,
                    raw if not isinstance(raw, (dt.date, dt.datetime)) else raw.isoformat(),
                )
            )

        def cell(c: int, values=values) -> tuple[bool, Any]:
            return _decoded(values[c] if c < len(values) else None, c, bad)

        fixed = {}
        for c, name in enumerate(_FIXED):
            if name == "event":
                raw = values[c] if c < len(values) else None
                if raw in (None, ""):
                    fixed[name] = None
                elif (
                    isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer() and raw >= 1
                ):
                    fixed[name] = int(raw)
                else:
                    bad(c, "bad-cell", f"{raw!r} is not an event number", f"{raw!r} 不是事件序号")
                continue
            present, value = cell(c)
            fixed[name] = value if present else None
        for name, c, kind in (("file", 0, str), ("township", 1, str)):
            if ok and not isinstance(fixed[name], kind):
                bad(c, "missing-value", f"the {name} is missing", f"缺少 {name}")
        if ok and (
            fixed["village"] is not None
            and not isinstance(fixed["village"], str)
            or fixed["code"] is not None
            and not isinstance(fixed["code"], str)
        ):
            bad(2, "bad-cell", "village and code must be text", "村名和村代码应为文字")
        data_items: dict[str, Any] = {}
        order = other = None
        for c, key in keys.items():
            present, value = cell(c)
            if not present:
                continue
            if key == _ORDER_COLUMN:
                if not (isinstance(value, list) and all(isinstance(k, str) for k in value)):
                    bad(c, "bad-cell", "the key order must be a list of keys", "键顺序应为键的列表")
                order = value
            elif key == _OTHER_COLUMN:
                if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
                    bad(c, "bad-cell", "the other keys must be a JSON object", "其他键应为 JSON 对象")
                other = value
            else:
                data_items[key] = value
        if not ok:
            spoilt.add(fixed.get("file"))
            continue
        if fixed["event"] is not None:
            if not _is_plain_date(fixed["date"]):
                bad(5, "bad-date", "the event has no date", "事件没有日期")
            if not isinstance(fixed["type"], str):
                bad(6, "missing-value", "the event has no type", "事件没有类型")
        elif data_items or other or fixed["date"] is not None or fixed["type"] is not None:
            bad(4, "missing-value", "an event needs its number", "事件需要序号")
        if not ok:
            spoilt.add(fixed.get("file"))
            continue
        if other:
            clash = [k for k in other if k in data_items or k in ("date", "type")]
            if clash:
                bad(
                    next(c for c, k in keys.items() if k == _OTHER_COLUMN),
                    "bad-cell",
                    f"key {clash[0]} is given twice",
                    f"键 {clash[0]} 出现两次",
                )
                continue
            data_items.update(other)
        if order is not None:
            if sorted(order) != sorted(data_items) or len(set(order)) != len(order):
                bad(
                    next(c for c, k in keys.items() if k == _ORDER_COLUMN),
                    "bad-cell",
                    "the key order does not list the event's keys",
                    "键顺序与事件的键不一致",
                )
                continue
            ordered = {k: data_items[k] for k in order}
        else:
            ordered = {k: data_items[k] for k in _rebuilt_order(fixed["type"] or "", data_items, list(other or ()))}
        f = files.setdefault(
            fixed["file"], {"ident": (fixed["township"], fixed["village"], fixed["code"]), "row": row, "events": {}}
        )
        if f["ident"] != (fixed["township"], fixed["village"], fixed["code"]):
            bad(
                1,
                "inconsistent-file",
                f"{fixed['file']} has another township, village or code on row {f['row']}",
                f"{fixed['file']} 在第 {f['row']} 行的乡镇、村名或村代码与此不同",
            )
            continue
        if fixed["event"] is not None:
            if fixed["event"] in f["events"]:
                bad(
                    4,
                    "duplicate-event",
                    f"event {fixed['event']} of {fixed['file']} is already on row {f['events'][fixed['event']][1]}",
                    f"{fixed['file']} 的事件 {fixed['event']} 已在第 {f['events'][fixed['event']][1]} 行",
                )
                continue
            f["events"][fixed["event"]] = (Event(fixed["date"], fixed["type"], ordered), row)
    out = []
    for name, f in files.items():
        numbers = sorted(f["events"])
        if name in spoilt:
            continue
        if numbers != list(range(1, len(numbers) + 1)):
            missing = next(n for n in range(1, len(numbers) + 2) if n not in f["events"])
            problems.append(
                Problem(
                    "missing-event",
                    _(f"{name}: event {missing} is missing", f"{name}：缺少事件 {missing}"),
                    shown,
                    sheet,
                    f["row"],
                    "E",
                    "event",
                )
            )
            continue
        township, village, code = f["ident"]
        out.append(
            (
                LedgerFile(name, township, village, code, tuple(f["events"][n][0] for n in numbers)),
                f["row"],
                [f["events"][n][1] for n in numbers],
            )
        )
    return out


def _is_plain_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _file_text(folder: Path, f: LedgerFile, crit: Criteria) -> tuple[Path | None, str | None, str | None, int | None]:
    """(path, canonical text, None, None) of a rebuilt file, or (None, None, why it cannot be a ledger file,
    the number of the event at fault or None)."""
    from lax.ledger import TOWNSHIPS_DIR, check_code, check_name, dump_township, dump_village, parse_text
    from lax.ledger.fileformat import _Unreadable
    from lax.ledger.validate import _entry_from, _more_problems

    parts = f.name.split("/")
    is_town = f.village is None
    if is_town and (len(parts) != 2 or parts[0] != TOWNSHIPS_DIR) or not is_town and len(parts) != 1:
        return (
            None,
            None,
            _(
                f"'{f.name}' is not a {'township' if is_town else 'village'} file name",
                f"“{f.name}”不是{'乡镇' if is_town else '村'}文件名",
            ),
            None,
        )
    base = parts[-1]
    if (
        not base.endswith(".yaml")
        or base.startswith((".", "_"))
        or "\\" in base
        or base != base.strip()
        or any(unicodedata.category(ch)[0] == "C" for ch in base)
        or base == ".yaml"
    ):
        return None, None, _(f"'{f.name}' is not a ledger file name", f"“{f.name}”不是台账文件名"), None
    try:
        names_ok = (
            check_name(f.township, "township") == f.township
            and (is_town or check_name(f.village, "village") == f.village)
            and check_code(f.code) == f.code
        )
    except LaxError as e:
        return None, None, str(e), None
    if not names_ok:
        return None, None, _("names must be trimmed and in NFC form", "名称不能有首尾空白，且须为 NFC 形式"), None
    try:
        text = dump_township(f.township, f.events) if is_town else dump_village(f.township, f.village, f.code, f.events)
        parsed = parse_text(text)
    except (_Unreadable, yaml_errors()) as e:
        return (
            None,
            None,
            _(f"{f.name}: cannot be written as a ledger file ({e})", f"{f.name}：无法写成台账文件（{e}）"),
            None,
        )
    c = _entry_from(parsed, kind="township" if is_town else "village")
    found = c.problems + ([] if is_town else _more_problems(c.events, c.criteria_lines, crit.policy, set(crit.ids)))
    if found:
        line, _kind, message = sorted(found, key=lambda p: p[0])[0]
        at = [i for i, e in enumerate(c.events) if e.line <= line]
        return None, None, f"{f.name}:{line}: {message}", at[-1] if at else None  # FILE:LINE: in both languages
    if [(e.date, e.type, e.data) for e in c.events] != [(e.date, e.type, e.data) for e in f.events]:
        return (
            None,
            None,
            _(f"{f.name}: its events would not read back as given", f"{f.name}：事件写出后无法原样读回"),
            None,
        )
    path = folder / TOWNSHIPS_DIR / base if is_town else folder / base
    return path, text, None, None


def yaml_errors() -> type:
    import yaml

    return yaml.YAMLError


def import_events(
    path: Path, folder: Path, crit: Criteria, sheet: str, data: list[list[Any]], whole: bool = True
) -> ImportResult:
    """Rebuild the ledger files from an exported workbook's events sheet: byte for byte the files that were
    exported; all or nothing. Into a ledger that already has some of them, the rules of the 台账 import hold:
    a village (or township file) with exactly these events is left as it is, one with other records is a
    problem and nothing is imported. `whole` (no --sheet): the work records and the first quarter too, from
    their sheets when the workbook has them (`_whole_ledger`), in the same transaction."""
    from lax.ledger import TOWNSHIPS_DIR, parse_text
    from lax.ledger.fileformat import _read_text, _Unreadable
    from lax.ledger.names import _inside
    from lax.ledger.validate import _entry_from

    path, folder = Path(path), Path(folder)
    shown = str(path)
    problems: list[Problem] = []
    files = _rebuild_files(path, sheet, data, problems)
    sheets = [sheet]  # the order problems are listed in: this sheet's first, then the work and start sheets
    extras = _whole_ledger(path, problems, sheets) if whole else []
    texts: list[tuple[LedgerFile, int, Path, str]] = []
    seen: dict[Any, int] = {}
    for f, row, rows in files:
        target, text, why, at = _file_text(folder, f, crit)
        if why is not None:
            problems.append(
                Problem("bad-file", why, shown, sheet, rows[at] if at is not None else row, "A", "file", f.name)
            )
            continue
        if f.village is not None:
            key = ("code", f.code) if f.code else ("names", f.township, f.village)
            if key in seen:
                problems.append(
                    Problem(
                        "duplicate-village",
                        _(
                            f"{f.township}/{f.village} is already on row {seen[key]}",
                            f"{f.township}/{f.village} 已在第 {seen[key]} 行出现",
                        ),
                        shown,
                        sheet,
                        row,
                        "C",
                        "village",
                        f.village,
                    )
                )
                continue
            seen[key] = row
        texts.append((f, row, target, text))
    if not files and not extras and not problems:
        raise LaxError(_(f"{shown}: the events sheet has no rows", f"{shown}：事件表没有数据行"))
    with locked(folder):
        entries, found = load_entries(folder)
        if any(f.village is not None for f, *_rest in texts):
            _refuse_if_unreadable(entries, found, folder)
        changes, towns = [], []
        taken: set[str] = set()
        created = unchanged = 0
        for f, row, target, text in texts:
            if f.village is None:
                if target.exists() or target.is_symlink():
                    try:
                        c = _entry_from(parse_text(_read_text(target, str(target))), kind="township")
                        same = (
                            c.identity is not None
                            and c.identity["township"] == f.township
                            and not c.problems
                            and [(e.date, e.type, e.data) for e in c.events]
                            == [(e.date, e.type, e.data) for e in f.events]
                        )
                    except _Unreadable:
                        same = False
                    if same:
                        unchanged += 1
                        continue
                    problems.append(
                        Problem(
                            "already-in-ledger",
                            _(
                                f"{f.name} is already in the ledger with other records; remove its rows or fix the file",
                                f"{f.name} 已在台账中且记录不同；请删去这些行或修正该文件",
                            ),
                            shown,
                            sheet,
                            row,
                            "A",
                            "file",
                            f.name,
                        )
                    )
                    continue
                towns.append((target, text))
                created += 1
                continue
            existing = _match(entries, f.township, f.village, f.code)
            if existing is not None:
                if [(e.date, e.type, e.data) for e in existing.events] == [(e.date, e.type, e.data) for e in f.events]:
                    unchanged += 1
                    continue
                problems.append(
                    Problem(
                        "already-in-ledger",
                        _(
                            f"{f.township}/{f.village} is already in the ledger as {existing.path.name} with other records; "
                            f"remove its rows or record changes with lax ledger commands",
                            f"{f.township}/{f.village} 已在台账中（{existing.path.name}），记录不同；请删去这些行，"
                            f"或用 lax ledger 命令记录变化",
                        ),
                        shown,
                        sheet,
                        row,
                        "C",
                        "village",
                        f.village,
                    )
                )
                continue
            name = target.name
            new_path = (
                _inside(folder, folder / name)
                if name not in taken and not (folder / name).exists()
                else _new_path(folder, f.township, f.village, f.code, taken)
            )
            taken.add(new_path.name)
            changes.append(_plan(new_path, None, None, (f.township, f.village, f.code), list(f.events), crit.policy))
            created += 1
        more, same = _place_extras(extras, folder, [f for f, *_rest in texts if f.village is None], problems)
        created += len(more)
        unchanged += same
        if problems:
            problems.sort(
                key=lambda p: (
                    sheets.index(p.sheet) if p.sheet in sheets else 0,
                    p.row or 0,
                    len(p.column or ""),
                    p.column or "",
                )
            )
            raise LaxError(
                _(
                    f"nothing imported: {len(problems)} problem(s) in {shown}",
                    f"未导入任何内容：{shown} 中有 {len(problems)} 处问题",
                ),
                details=[str(p) for p in problems],
            )
        towns = [(_inside(folder / TOWNSHIPS_DIR, target), text) for target, text in towns] + more
        # One transaction, as a record is: the village files and the township files land together or not at all.
        written = _commit(changes, towns, folder) + [target for target, _text in towns]
    return ImportResult(sum(1 for f, *_rest in texts if f.village is not None), created, unchanged, written)


# ------------------------------------------------------------- the rest of the ledger: work and first quarter
# A full export's `工作记录 work` and `起始季度 start` sheets (`lax.ledger.excel`): rebuilt as lax writes
# `_work/<year>.yaml` and `_ledger.yaml`, after the checks `lax ledger verify` makes of those files; a bad
# cell is a problem naming sheet, row and column, and nothing is imported. A workbook without them (an
# older lax) imports as before.


@dataclass
class _Extra:
    """A work file or `_ledger.yaml` rebuilt from its sheet, with where it came from."""

    sheet: str
    row: int  # the spreadsheet row of its first record
    name: str  # `_work/2027.yaml` or `_ledger.yaml`
    text: str
    same: Any  # what the file in the ledger must hold to be "already there" (records, or {start, recorded})
    shown: str = ""  # the workbook, as problems name it
    start: str | None = None  # `_ledger.yaml`: its quarter, and the column it came from
    start_column: str | None = None


def _lax_sheets(path: Path, headers: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, list[list[Any]]]]:
    """{which: (sheet name, cells)} of the sheets whose first row is one of `headers`' (the first of each)."""
    found: dict[str, tuple[str, list[list[Any]]]] = {}
    if not path.is_file() or zip_bomb(path) or guard.crashed(str(path), None):
        return found
    try:
        with guard.watch(str(path), None), guard.native():
            wb = open_workbook(path)
        names = list(wb.sheet_names)
    except Exception:  # noqa: BLE001 - the events sheet was read from it a moment ago; nothing more here
        return found
    for name in names:
        if guard.crashed(str(path), name):
            continue
        try:
            with guard.watch(str(path), name), guard.native():
                data = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001
            continue
        first = [v if isinstance(v, str) else None for v in data[0]] if data else []
        for which, header in headers.items():
            if which not in found and first[: len(header)] == list(header):
                found[which] = (name, data)
    return found


def _whole_ledger(path: Path, problems: list[Problem], names: list[str]) -> list[_Extra]:
    """The work files and `_ledger.yaml` of the workbook's work and start sheets (none when it has neither);
    the names of the sheets read are appended to `names`."""
    from lax.ledger.excel import START_COLUMNS, work_columns

    sheets = _lax_sheets(path, {"work": work_columns(), "start": START_COLUMNS})
    extras: list[_Extra] = []
    if "work" in sheets:
        names.append(sheets["work"][0])
        extras += _rebuild_work(str(path), *sheets["work"], problems)
    if "start" in sheets:
        names.append(sheets["start"][0])
        extras += _rebuild_start(str(path), *sheets["start"], problems)
    return extras


class _Cells:
    """Reading one row of a lax sheet: each cell decoded (`decode_cell`), a bad one a problem at its place."""

    def __init__(self, shown: str, sheet: str, header: list[Any], values: list[Any], row: int, problems: list[Problem]):
        self.shown, self.sheet, self.header, self.values, self.row = shown, sheet, header, values, row
        self.problems = problems
        self.ok = True

    def raw(self, c: int) -> Any:
        return self.values[c] if c < len(self.values) else None

    def bad(self, c: int, code: str, en: str, zh: str) -> None:
        self.ok = False
        raw = self.raw(c)
        self.problems.append(
            Problem(
                code,
                _(en, zh),
                self.shown,
                self.sheet,
                self.row,
                column_letter(c),
                str(self.header[c]) if c < len(self.header) else None,
                raw if not isinstance(raw, (dt.date, dt.datetime)) else raw.isoformat(),
            )
        )

    def get(self, c: int) -> tuple[bool, Any]:
        return _decoded(self.raw(c), c, self.bad)

    def number(self, c: int, what: str) -> int | None:
        raw = self.raw(c)
        if raw in (None, ""):
            return None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer() and raw >= 1:
            return int(raw)
        self.bad(
            c, "bad-cell", f"{raw!r} is not a {what} number", f"{raw!r} 不是{'记录' if what == 'record' else what}序号"
        )
        return None


_WORK_NAME = re.compile(r"_work/([0-9]{4})\.yaml\Z")


def _rebuild_work(shown: str, sheet: str, data: list[list[Any]], problems: list[Problem]) -> list[_Extra]:
    """The work files of the work sheet: one row per record (file, record number, date and the record keys),
    each file checked as `lax ledger verify` checks it, a problem placed at the record's row and key's column."""
    from lax.ledger import parse_text
    from lax.ledger.fileformat import _dump, _flow, _Unreadable
    from lax.ledger.work import _check, dump_work, record_dict

    header = list(data[0])
    keys = [h for h in header[2:] if isinstance(h, str) and h]
    column = {k: header.index(k) for k in keys}
    files: dict[str, dict[str, Any]] = {}
    spoilt: set[Any] = set()
    for r in range(1, len(data)):
        values = data[r]
        if all(v in (None, "") for v in values):
            continue
        cells = _Cells(shown, sheet, header, values, r + 1, problems)
        present, name = cells.get(0)
        if cells.ok and not (present and isinstance(name, str) and _WORK_NAME.match(name)):
            cells.bad(
                0,
                "bad-file",
                "the file must be a work file like _work/2027.yaml",
                "文件应为 _work/2027.yaml 这样的工作记录文件",
            )
        number = cells.number(1, "record")
        record = {}
        for key in keys:
            present, value = cells.get(column[key])
            if present:
                record[key] = _flow(value) if key == "recorded" and isinstance(value, dict) else value
        if cells.ok and number is None and record:
            cells.bad(1, "missing-value", "a record needs its number", "记录需要序号")
        if not cells.ok:
            spoilt.add(name if isinstance(name, str) else None)
            continue
        f = files.setdefault(name, {"row": r + 1, "records": {}})
        if number is not None:
            if number in f["records"]:
                cells.bad(
                    1,
                    "duplicate-event",
                    f"record {number} of {name} is already on row {f['records'][number][1]}",
                    f"{name} 的记录 {number} 已在第 {f['records'][number][1]} 行",
                )
                continue
            f["records"][number] = (record, r + 1)
    out = []
    for name, f in files.items():
        if name in spoilt:
            continue
        numbers = sorted(f["records"])
        if numbers != list(range(1, len(numbers) + 1)):
            missing = next(n for n in range(1, len(numbers) + 2) if n not in f["records"])
            problems.append(
                Problem(
                    "missing-event",
                    _(f"{name}: record {missing} is missing", f"{name}：缺少记录 {missing}"),
                    shown,
                    sheet,
                    f["row"],
                    "B",
                    "record",
                )
            )
            continue
        year = int(_WORK_NAME.match(name).group(1))
        records = [f["records"][n][0] for n in numbers]
        rows = [f["records"][n][1] for n in numbers]

        def at(index: int, key: str | None, code: str, message: str, rows=rows, first=f["row"]) -> None:
            row = rows[index] if 0 <= index < len(rows) else rows[0] if rows else first
            c = column.get(key or "", 0)
            problems.append(Problem(code, message, shown, sheet, row, column_letter(c), key or "file", None))

        try:
            text = _dump({"year": year, "events": records})
            parsed = parse_text(text)
        except (_Unreadable, yaml_errors()) as e:
            at(
                0,
                None,
                "bad-file",
                _(f"{name}: cannot be written as a work file ({e})", f"{name}：无法写成工作记录文件（{e}）"),
            )
            continue
        read, found = _check(parsed, Path(name), year)
        for line, code, message in sorted(found):
            index = max((i for i, (start, _k) in enumerate(parsed.event_lines) if start <= line), default=-1)
            # The key a message is about leads it in both languages (`text: …`, `kind：…`): its column, even when
            # the key is missing (its line is then the record's first); else the key on that line.
            named = re.match(r"([a-z_]+)[:：]", message)
            key = named.group(1) if named and named.group(1) in column else None
            if key is None and index >= 0:
                key = next((k for k, n in parsed.event_lines[index][1].items() if n == line), None)
            at(index, key, code, message)
        if found:
            continue
        wrong = [i for i, (got, given) in enumerate(zip(read, records)) if record_dict(got) != given]
        if len(read) != len(records) or wrong or dump_work(year, read) != text:
            at(
                wrong[0] if wrong else 0,
                None,
                "bad-file",
                _(f"{name}: the record would not read back as given", f"{name}：记录写出后无法原样读回"),
            )
            continue
        out.append(_Extra(sheet, f["row"], name, text, [record_dict(x) for x in read], shown))
    return out


def _rebuild_start(shown: str, sheet: str, data: list[list[Any]], problems: list[Problem]) -> list[_Extra]:
    """`_ledger.yaml` from the start sheet's one row (file, start, recorded), checked as verify checks it."""
    from lax.ledger.excel import START_COLUMNS
    from lax.ledger.names import LEDGER_FILE
    from lax.ledger.start import check_start_text, start_text
    from lax.ledger.validate import _recorded_problem

    header = list(data[0])
    rows = [r for r in range(1, len(data)) if not all(v in (None, "") for v in data[r])]
    out = []
    for n, r in enumerate(rows):
        cells = _Cells(shown, sheet, header, data[r], r + 1, problems)
        if n:
            cells.bad(
                0,
                "duplicate-event",
                "the ledger has one first quarter: one row only",
                "台账只有一个起始季度：只能有一行",
            )
            continue
        got = {k: cells.get(c) for c, k in enumerate(START_COLUMNS)}
        if not cells.ok:
            continue
        if got["file"] != (True, LEDGER_FILE):
            cells.bad(0, "bad-file", f"the file must be {LEDGER_FILE}", f"文件应为 {LEDGER_FILE}")
            continue
        start = got["start"][1]
        recorded = got["recorded"][1] if got["recorded"][0] else None
        if recorded is not None:
            wrong = _recorded_problem(recorded)
            if wrong:
                cells.bad(2, wrong[0], wrong[1], wrong[1])
                continue
        if not isinstance(start, str):
            # `lax ledger start` takes a quarter; anything else is named as verify would name it
            start = "" if start is None else start
        try:
            text = start_text(start, recorded)
        except (yaml_errors(), TypeError, ValueError) as e:
            cells.bad(1, "bad-value", f"cannot be written ({e})", f"无法写出（{e}）")
            continue
        quarter, found = check_start_text(text, LEDGER_FILE)
        for p in found:
            cells.bad(2 if p.message.startswith("recorded") else 1, p.code, p.message, p.message)
        if quarter is None or found:
            if not found:
                cells.bad(1, "bad-value", "not a quarter like 2026Q3", "不是 2026Q3 这样的季度")
            continue
        doc = {"start": quarter, **({"recorded": recorded} if recorded else {})}
        out.append(_Extra(sheet, r + 1, LEDGER_FILE, text, doc, shown, quarter, column_letter(1)))
    return out


def _place_extras(
    extras: list[_Extra], folder: Path, towns: list[LedgerFile], problems: list[Problem]
) -> tuple[list[tuple[Path, str]], int]:
    """(files to write, files already there) of the rebuilt work files and `_ledger.yaml`, under the lock.
    A file the ledger already holds with the same content is left as it is; with other content it is an
    `already-in-ledger` problem. The first quarter may not be after a quarter a township file (imported or
    already there) holds a submission for, as `lax ledger start` refuses it."""
    from lax.ledger.names import LEDGER_FILE, _inside
    from lax.ledger.start import read_start_doc, start_path
    from lax.ledger.store import township_files_read
    from lax.ledger.work import _read, record_dict, work_folder

    out: list[tuple[Path, str]] = []
    same = 0
    for x in extras:
        if x.name == LEDGER_FILE:
            target = _inside(Path(folder), start_path(folder))
            quarters = [
                (str(e.data["quarter"]), t.name)
                for t in towns
                for e in t.events
                if e.type == "submission" and isinstance(e.data.get("quarter"), str)
            ]
            there, _problems = township_files_read(folder)
            quarters += [
                (str(e.data["quarter"]), f"{p}:{e.line}")
                for p, _t, events in there
                for e in events
                if e.type == "submission" and isinstance(e.data.get("quarter"), str)
            ]
            early = min(quarters, default=None)
            if early is not None and early[0] < (x.start or ""):
                problems.append(
                    Problem(
                        "bad-value",
                        _(
                            f"the ledger holds a submission for {early[0]} ({early[1]}): it cannot start after that quarter",
                            f"台账已有 {early[0]} 的报送记录（{early[1]}）：起始季度不能晚于该季度",
                        ),
                        x.shown,
                        x.sheet,
                        x.row,
                        x.start_column,
                        "start",
                        x.start,
                    )
                )
                continue
            if target.exists() or target.is_symlink():
                doc, _found = read_start_doc(folder)
                if doc is not None and _plain(doc) == _plain(x.same):
                    same += 1
                    continue
                _already(x, problems)
                continue
            out.append((target, x.text))
            continue
        base = x.name.split("/", 1)[1]
        target = _inside(work_folder(folder), work_folder(folder) / base)
        if target.exists() or target.is_symlink():
            records, found, _text = _read(target, int(base[:4]))
            if not found and [_plain(record_dict(r)) for r in records] == [_plain(d) for d in x.same]:
                same += 1
                continue
            _already(x, problems)
            continue
        out.append((target, x.text))
    return out, same


def _already(x: _Extra, problems: list[Problem]) -> None:
    problems.append(
        Problem(
            "already-in-ledger",
            _(
                f"{x.name} is already in the ledger with other records; remove its rows or fix the file",
                f"{x.name} 已在台账中且记录不同；请删去这些行或修正该文件",
            ),
            x.shown,
            x.sheet,
            x.row,
            "A",
            "file",
            x.name,
        )
    )


def _decoded(raw: Any, c: int, bad: Any) -> tuple[bool, Any]:
    """A cell of the events or work sheet read back as lax wrote it (its YAML text): `(True, value)`, or
    `(False, None)` for a blank cell or, through `bad(column, code, en, zh)`, one that is not such a text."""
    if raw is None or raw == "":
        return False, None
    if not isinstance(raw, str):
        bad(
            c,
            "bad-cell",
            f"{raw!r} is not a value as lax writes it (text; edit the ledger, not this sheet)",
            f"{raw!r} 不是 lax 写出的值（应为文字；请修改台账，不要修改此表）",
        )
        return False, None
    try:
        return True, decode_cell(raw)
    except (ValueError, TypeError, KeyError, OverflowError) as e:
        bad(
            c,
            "bad-cell",
            f"'{raw[:60]}' is not a value as lax writes it ({e})",
            f"“{raw[:60]}”不是 lax 写出的值（{e}）",
        )
        return False, None
