"""The ledger as a spreadsheet: importing an existing Excel 台账, exporting one, and `list` as CSV or xlsx.

Counties already keep their rectification ledger (台账) in Excel: one row per village with the township,
the standards met (软弱涣散情形), the main problems, the measures, the people responsible, the time limit,
the acceptance and the cancellation (销号). `import_ledger` turns such a sheet into village files: the
header row is found among the first 10 rows by its column names (title rows above are skipped), every bad
cell is a problem naming file, sheet, row and column, and the import is all-or-nothing. `export_ledger`
writes the same columns back, so an exported ledger imports again unchanged.

Text written to a spreadsheet or CSV that starts with `= + - @` is prefixed with a single quote so that it
can never run as a formula (SPEC §10); import removes that quote again. Reading uses python-calamine,
writing openpyxl; both are imported inside the functions that need them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from lax import guard
from lax.criteria import Criteria, header_key
from lax.i18n import _, get_lang
from lax.ledger import (
    MAX_FUNDS, Entry, _commit, _has_control, _match, _new_path, _plan, _refuse_if_unreadable, load_entries, locked, make_event,
)
from lax.lifecycle import Event, Replay, add_months, refusal, state_as_of, status_label
from lax.problems import LaxError, Problem
from lax.records import open_workbook, zip_bomb
from lax.values import to_yuan

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading single quote; other values pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _unneutralise(text: str) -> str:
    if text.startswith("'") and text[1:2] in _FORMULA_START and text[1:2]:
        return text[1:]
    return text


# --------------------------------------------------------------------------------------- the columns


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    aliases: tuple[str, ...]
    width: int = 14

    def title(self) -> str:
        return self.zh if get_lang() == "zh" else self.en


# The 台账 columns, in the order `export_ledger` writes them. `aliases` are the spellings counties use.
COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", "No.", ("序号", "编号", "No", "No.", "#"), 6),
    Column("township", "乡镇", "Township", ("乡镇", "乡镇名称", "乡（镇）", "乡镇（街道）", "所属乡镇", "镇（乡）", "Township", "Town"), 10),
    Column("village", "村名", "Village", ("村名", "村", "村名称", "行政村", "村（社区）", "村庄名称", "Village", "Village name"), 10),
    Column("code", "村代码", "Village code", ("村代码", "行政区划代码", "区划代码", "Code", "Village code"), 15),
    Column("identified_on", "认定时间", "Identified on", ("认定时间", "认定日期", "列入时间", "列入日期", "确定时间", "排查时间",
                                                         "Identified on", "Identified", "Date identified"), 12),
    Column("channel", "认定渠道", "Channel", ("认定渠道", "发现渠道", "渠道", "来源渠道", "Channel"), 10),
    Column("criteria", "软弱涣散情形", "Standards met", ("软弱涣散情形", "软弱涣散类型", "软弱涣散问题类型", "认定情形", "认定标准",
                                                       "存在问题类型", "问题类型", "Standards met", "Standards", "Criteria"), 30),
    Column("problems", "主要问题", "Main problems", ("主要问题", "存在问题", "存在的主要问题", "问题表现", "Main problems", "Problems"), 30),
    Column("measures", "整改措施", "Measures", ("整改措施", "整顿措施", "整改举措", "主要措施", "Measures", "Rectification measures"), 30),
    Column("county_leader", "县级联系领导", "County contact leader", ("县级联系领导", "联系县领导", "县领导", "县级领导", "县级联系领导干部",
                                                                    "County contact leader", "County leader"), 12),
    Column("township_leader", "乡镇责任人", "Township leader", ("乡镇责任人", "乡镇包村领导", "包村领导", "乡镇领导", "责任人", "整改责任人",
                                                              "Township leader", "Responsible person"), 12),
    Column("first_secretary", "第一书记", "First secretary", ("第一书记", "驻村第一书记", "First secretary"), 12),
    Column("helping_unit", "结对帮扶单位", "Helping unit", ("结对帮扶单位", "帮扶单位", "结对单位", "挂点单位", "Helping unit", "Paired unit"), 14),
    Column("deadline", "整改时限", "Time limit", ("整改时限", "完成时限", "整改期限", "整改完成时限", "Time limit", "Deadline"), 12),
    Column("progress", "整改进展", "Progress", ("整改进展", "进展情况", "整改进展情况", "整改情况", "Progress"), 30),
    Column("funds", "投入资金（元）", "Funds (yuan)", ("投入资金（元）", "投入资金", "投入资金(元)", "资金（元）", "整改资金", "整改资金（元）",
                                                    "Funds (yuan)", "Funds"), 12),
    Column("accepted_on", "验收时间", "Acceptance date", ("验收时间", "验收日期", "Acceptance date", "Accepted on"), 12),
    Column("acceptance", "验收情况", "Acceptance", ("验收情况", "验收结果", "验收结论", "Acceptance", "Acceptance result"), 12),
    Column("score", "验收得分", "Score", ("验收得分", "得分", "验收分数", "分数", "Score"), 8),
    Column("by", "验收单位", "Inspected by", ("验收单位", "验收部门", "Inspected by", "Accepted by"), 14),
    Column("new_deadline", "新整改时限", "New time limit", ("新整改时限", "延长时限", "再整改时限", "New time limit", "New deadline"), 12),
    Column("closed_on", "销号时间", "Closed on", ("销号时间", "销号日期", "Closed on", "Account closed on"), 12),
    Column("status", "当前状态", "Status", ("当前状态", "状态", "Status"), 14),
    Column("overdue", "是否超期", "Overdue", ("是否超期", "超期", "Overdue"), 8),
)
_BY_KEY = {c.key: c for c in COLUMNS}
_HEADERS = {header_key(a): c.key for c in COLUMNS for a in (c.zh, c.en, *c.aliases)}
_FOOTER = ("合计", "小计", "总计", "填表人", "填报人", "审核人", "制表人", "负责人：", "负责人:", "联系电话", "Total", "Prepared by")

_CHANNEL_WORDS = {
    "self": ("乡镇自查", "自查", "乡镇排查", "排查", "self"),
    "mass": ("群众评议", "群众满意度测评", "群众", "mass"),
    "spot": ("县级抽查", "抽查", "县委抽查", "spot"),
    "department": ("部门报告", "部门移交", "部门", "department"),
}
_CHANNEL_ZH = {"self": "乡镇自查", "mass": "群众评议", "spot": "县级抽查", "department": "部门报告"}
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _column_letter(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


# ------------------------------------------------------------------------------------------ cell values


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
    from lax.values import parse_date

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
            lowered = lowered[:start] + "\x00" * len(title) + lowered[start + len(title):]
            rest = rest[:start] + "\x00" * len(title) + rest[start + len(title):]
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
    m = re.fullmatch(r"[Cc]0*(\d{1,2})", p) or re.fullmatch(r"(?:第)?([0-9]{1,2}|[一二三四五六七八九十]{1,3})(?:条|项|种)?(?:情形)?", p)
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
        p = re.sub(r"^\s*(?:[0-9]+[.、．)]|[（(][0-9一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)\s*", "", p).strip()
        if p:
            out.append(p)
    return out


def _channel_of(text: str) -> str | None:
    t = unicodedata.normalize("NFKC", text).strip().lower()
    for key, words in _CHANNEL_WORDS.items():
        if t == key or any(w.lower() in t for w in words):
            return key
    return None


def _number(value: float) -> int | float:
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


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
        import python_calamine  # noqa: F401 - opened through records.open_workbook; said plainly if missing
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
        raise LaxError(_(f"{shown}: cannot be read as a spreadsheet ({type(e).__name__}: {str(e)[:120]})",
                         f"{shown}：无法作为表格读取（{type(e).__name__}：{str(e)[:120]}）")) from None
    if sheet is not None:
        if sheet not in names:
            raise LaxError(_(f"{shown}: no sheet '{sheet}' (sheets: {', '.join(names)})",
                             f"{shown}：没有工作表“{sheet}”（现有：{'、'.join(names)}）"))
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
            problems.append(Problem("unreadable-sheet", _(f"cannot read the sheet: {str(e)[:120]}", f"无法读取工作表：{str(e)[:120]}"),
                                    shown, name))
            continue
        header_at, columns = _find_header(data)
        if header_at is None:
            continue
        any_header = True
        missing = [k for k in ("township", "village") if k not in columns.values()]
        if missing:
            for k in missing:
                col = _BY_KEY[k]
                problems.append(Problem("missing-column", _(f"no '{col.zh}' column in the header row",
                                                            f"表头行中没有“{col.zh}”列"), shown, name, header_at + 1, field=k))
            continue
        township = ""
        for r in range(header_at + 1, len(data)):
            values = data[r]
            cells = {}
            for c, key in columns.items():
                v = values[c] if c < len(values) else None
                if isinstance(v, str) and not v.strip():
                    v = None
                cells[key] = (v, _column_letter(c))
            texts = [_cell_text(v) for v in values if v not in (None, "")]
            if not texts:
                continue
            if any(texts[0].startswith(f) for f in _FOOTER) or (len(texts) > 1 and any(texts[1].startswith(f) for f in _FOOTER)):
                continue
            t = _cell_text(cells["township"][0])
            if t:
                township = t
            elif township:
                cells["township"] = (township, cells["township"][1])  # merged or left blank below its first row
            if set(k for k, (v, _l) in cells.items() if v not in (None, "")) <= {"seq"}:
                continue
            rows.append(_Row(name, r + 1, cells))
    if not any_header and problems:  # the sheets that might have held it could not be read: say why
        raise LaxError(_(f"nothing imported: {len(problems)} problem(s) in {shown}",
                         f"未导入任何内容：{shown} 中有 {len(problems)} 处问题"), details=[str(p) for p in problems])
    if not any_header:
        raise LaxError(_(f"{shown}: no ledger header (乡镇, 村名, 软弱涣散情形 …) in the first 10 rows of any sheet",
                         f"{shown}：任何工作表的前 10 行中都没有台账表头（乡镇、村名、软弱涣散情形……）"))
    return rows


def _find_header(data: list[list[Any]]) -> tuple[int | None, dict[int, str]]:
    """(The last header row, column index -> column key) among the first 10 rows, or (None, {}).

    The header is the row naming the most columns (at least three). Hand-kept 台账 often have two header
    rows: a parent merged over its children (整顿措施 over 县级联系领导 / 乡镇责任人, 验收 over 验收时间 /
    验收结果) and the single columns (乡镇, 村名) merged down over both. So the row below, if it names
    columns not yet found and holds no village name, is the header's lower half (and the data starts after
    it); the row above names what the header leaves blank."""
    matches = [_header_cells(values) for values in data[:10]]
    best, best_cols = None, {}
    for r, cols in enumerate(matches):
        if len(cols) >= 3 and len(cols) > len(best_cols):
            best, best_cols = r, cols
    if best is None:
        return None, {}
    cols = dict(best_cols)
    last = best
    if best > 0:
        for c, key in matches[best - 1].items():
            if c not in cols and key not in cols.values() and _cell_text(_at(data[best], c)) == "":
                cols[c] = key
    village_col = next((c for c, key in cols.items() if key == "village"), None)
    if best + 1 < len(matches):
        new = {c: key for c, key in matches[best + 1].items() if c not in cols and key not in cols.values()}
        if new and (village_col is None or _cell_text(_at(data[best + 1], village_col)) == ""):
            cols.update(new)
            last = best + 1
    return last, dict(sorted(cols.items()))


def _header_cells(values: list[Any]) -> dict[int, str]:
    """Column index -> column key for the cells of one row that name a 台账 column."""
    cols: dict[int, str] = {}
    for c, v in enumerate(values):
        if isinstance(v, str):
            key = _HEADERS.get(header_key(v))
            if key and key not in cols.values():
                cols[c] = key
    return cols


def _at(values: list[Any], c: int) -> Any:
    return values[c] if c < len(values) else None


def import_ledger(path: Path, folder: Path, crit: Criteria, on: dt.date, channel: str = "self",
                  sheet: str | None = None, recorded: dict | None = None) -> ImportResult:
    """Read an Excel 台账 into the ledger folder; all rows or none (a LaxError lists every problem).

    `recorded` ({by, at}), when given, is kept with every event written: who imported the sheet and when."""
    path, folder = Path(path), Path(folder)
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
            problems.append(Problem("duplicate-village", _(f"{township}/{village} is already on row {seen[key]}",
                                                           f"{township}/{village} 已在第 {seen[key]} 行出现"),
                                    str(path), row.sheet, row.row, letter, "village", village))
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
                same = [(e.date, e.type, _unrecorded(e.data)) for e in existing.events] == \
                    [(e.date, e.type, e.data) for e in events]
                if same:
                    unchanged += 1
                    continue
                letter = row.cells["village"][1]
                problems.append(Problem("already-in-ledger", _(f"{township}/{village} is already in the ledger as "
                                                               f"{existing.path.name} with other records; remove the row "
                                                               f"or record changes with lax ledger commands",
                                                               f"{township}/{village} 已在台账中（{existing.path.name}），"
                                                               f"记录不同；请删去该行，或用 lax ledger 命令记录变化"),
                                        str(path), row.sheet, row.row, letter, "village", village))
                continue
            new_path = _new_path(folder, township, village, code, taken)
            taken.add(new_path.name)
            if recorded is not None:
                events = [Event(e.date, e.type, {**e.data, "recorded": recorded}, e.line) for e in events]
            changes.append(_plan(new_path, None, None, (township, village, code), events, policy))
            created += 1
        if problems:
            problems.sort(key=lambda p: (p.sheet or "", p.row or 0, len(p.column or ""), p.column or ""))
            raise LaxError(_(f"nothing imported: {len(problems)} problem(s) in {path}",
                             f"未导入任何内容：{path} 中有 {len(problems)} 处问题"), details=[str(p) for p in problems])
        files = _commit(changes)
    return ImportResult(len(planned), created, unchanged, files)


def _unrecorded(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "recorded"}


def _row_events(row: _Row, path: Path, crit: Criteria, on: dt.date, default_channel: str,
                problems: list[Problem]) -> tuple[str, str, str | None, list[Event] | None] | None:
    """The village of one 台账 row and the events it stands for; problems for every bad cell (events None
    when a cell is bad, everything None when the row names no village)."""
    from lax.ledger import check_code, check_name

    shown = str(path)
    policy = crit.policy
    before = len(problems)

    def bad(key: str, code: str, en: str, zh: str) -> None:
        raw, letter = row.cells[key] if key in row.cells else (None, None)
        problems.append(Problem(code, _(en, zh), shown, row.sheet, row.row, letter, key,
                                raw if not isinstance(raw, (dt.date, dt.datetime)) else raw.isoformat()))

    def text(key: str) -> str:
        value = _cell_text(row.cells[key][0]) if key in row.cells else ""
        if _has_control(value):  # the file written would fail `ledger verify` and be read by no command
            bad(key, "control-character", "the cell holds a control character (remove it)", "单元格中含有控制字符（请删除）")
            return "".join(ch for ch in value if not _has_control(ch))
        return value

    def date(key: str) -> dt.date | None:
        raw = row.cells.get(key, (None, ""))[0]
        if raw in (None, ""):
            return None
        try:
            return _cell_date(raw)
        except (ValueError, TypeError, OverflowError):
            bad(key, "bad-date", f"'{_cell_text(raw)}' is not a date like 2026-09-30",
                f"“{_cell_text(raw)}”不是 2026-09-30 这样的日期")
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
            bad("channel", "bad-channel", f"'{text('channel')}' is not a channel (乡镇自查, 群众评议, 县级抽查, 部门报告)",
                f"“{text('channel')}”不是认定渠道（乡镇自查、群众评议、县级抽查、部门报告）")
            channel = default_channel
    ids: list[str] = []
    if not text("criteria"):
        bad("criteria", "missing-value", "no standard given (软弱涣散情形 is blank)", "未填写软弱涣散情形")
    else:
        ids, unknown = parse_standards(text("criteria"), crit)
        if unknown:
            bad("criteria", "bad-standard", f"'{'、'.join(unknown)}' names no standard (use C01..C15, 第5条, or the title)",
                f"“{'、'.join(unknown)}”不对应任何标准（请写 C01..C15、第5条或标准名称）")
        elif not ids:
            bad("criteria", "missing-value", "no standard given", "未填写软弱涣散情形")
    deadline = date("deadline")
    if deadline and deadline < identified_on:
        bad("deadline", "bad-date", f"the time limit {deadline} is before the identification date {identified_on}",
            f"整改时限 {deadline} 早于认定时间 {identified_on}")
    measures = _split_measures(text("measures"))
    people = {k: text(k) or None for k in ("county_leader", "township_leader", "first_secretary", "helping_unit")}
    funds = None
    raw_funds = row.cells.get("funds", (None, ""))[0]
    if raw_funds not in (None, ""):
        funds = to_yuan(raw_funds)
        if funds is None:
            bad("funds", "bad-number", f"'{_cell_text(raw_funds)}' is not an amount in yuan",
                f"“{_cell_text(raw_funds)}”不是以元计的金额")
        elif funds > MAX_FUNDS:  # `ledger verify` would reject the file written; likely a typo in the cell
            bad("funds", "bad-amount", f"{funds:,.0f} yuan is more than 10^9 yuan: check the cell (if it is right, "
                f"record it with lax ledger progress --force)",
                f"{funds:,.0f} 元超过 10^9 元：请核对该单元格（如确实无误，请用 lax ledger progress --force 记录）")
            funds = None
    accepted_on = date("accepted_on")
    passed, score, understood = _verdict(text("acceptance"))
    if not understood:
        bad("acceptance", "bad-acceptance", f"'{text('acceptance')}' is not an acceptance result (通过, 未通过, or a score)",
            f"“{text('acceptance')}”不是验收结论（通过、未通过或分数）")
    raw_score = row.cells.get("score", (None, ""))[0]
    if raw_score not in (None, ""):
        try:
            score = float(_cell_text(raw_score).rstrip("分"))
            if not 0 <= score <= 100:
                raise ValueError
        except ValueError:
            bad("score", "bad-number", f"'{_cell_text(raw_score)}' is not a score from 0 to 100",
                f"“{_cell_text(raw_score)}”不是 0 到 100 的分数")
            score = None
    if passed is None and score is not None and understood:
        passed = score >= policy.pass_score
    if passed is not None and accepted_on is None and not any(p.field == "accepted_on" and p.row == row.row for p in problems[before:]):
        bad("acceptance", "missing-value", "an acceptance result needs its date in the 验收时间 column",
            "有验收结论时须在“验收时间”列填写验收日期")
    if passed is None and accepted_on is not None and understood:
        bad("accepted_on", "missing-value", "an acceptance date without a result in 验收情况", "有验收时间但“验收情况”未填写结论")
    new_deadline = date("new_deadline")
    closed_on = date("closed_on")
    if "village" not in names or "township" not in names:
        return None
    if len(problems) > before:
        return names["township"], names["village"], code, None

    source = path.name
    events = [make_event(identified_on, "identified", channel=channel, criteria=ids,
                         deadline=deadline or add_months(identified_on, policy.rectify_months),
                         source=source, note=text("problems") or None)]
    if measures or any(people.values()) or passed is not None:
        events.append(make_event(identified_on, "planned", measures=measures, **people))
    progress_note = text("progress")
    if progress_note or funds is not None:
        when = accepted_on if accepted_on and passed is not None else max(on, identified_on)
        if closed_on and when > closed_on:
            when = accepted_on or identified_on
        events.append(make_event(when, "progress", note=progress_note or _("funds invested", "投入资金"),
                                 funds=_number(funds) if funds is not None else None))
    if passed is not None and accepted_on is not None:
        limit = None
        if not passed:
            limit = new_deadline or add_months(accepted_on, policy.rectify_months)
        events.append(make_event(accepted_on, "acceptance", passed=passed,
                                 score=_number(score) if score is not None else None, by=text("by") or None,
                                 deadline=limit))
    if closed_on is not None:
        events.append(make_event(closed_on, "closed"))
    # The lifecycle decides whether the row's story is possible; a refusal names the cell that breaks it.
    replay = Replay(policy)
    cell_of = {"identified": "identified_on", "planned": "measures", "progress": "progress", "acceptance": "accepted_on",
               "closed": "closed_on"}
    for e in events:
        reason = refusal(replay, e, policy)
        if reason is not None:
            bad(cell_of[e.type], "impossible-step", reason, reason)
            return names["township"], names["village"], code, None
        replay.step(e)
    return names["township"], names["village"], code, events


# ----------------------------------------------------------------------------------------------- export


def _round_events(entry: Entry, as_of: dt.date) -> list[Event]:
    """The events of the village's latest round opened by `as_of`."""
    events = [e for e in entry.events if e.date <= as_of]
    start = None
    for i, e in enumerate(events):
        if e.type == "identified":
            start = i
    return [] if start is None else events[start:]


def export_rows(entries: Sequence[Entry], crit: Criteria, as_of: dt.date, status: str | None = None,
                township: str | None = None) -> list[dict[str, Any]]:
    """One 台账 row per village (its current round as of `as_of`), keyed by column key."""
    policy = crit.policy
    titles = {c.id: c.title() for c in crit.criteria}
    rows = []
    for entry in sorted(entries, key=lambda e: (e.township, e.village, e.code or "")):
        if township is not None and entry.township != township:
            continue
        events = _round_events(entry, as_of)
        if not events:
            continue
        state = state_as_of(entry.events, as_of, policy)
        if status is not None and state.status != status:
            continue
        first = events[0]
        row: dict[str, Any] = {
            "township": entry.township, "village": entry.village, "code": entry.code,
            "identified_on": first.date,
            "channel": _CHANNEL_ZH.get(first.data.get("channel", "self")) if get_lang() == "zh" else first.data.get("channel", "self"),
            "criteria": "\n".join(f"{c} {titles.get(c, '')}".strip() for c in state.criteria),
            "problems": first.data.get("note"),
            "deadline": first.data.get("deadline"),
            "status": status_label(state.status),
            "overdue": _("yes", "是") if state.overdue else _("no", "否"),
        }
        notes, funds, measures = [], None, []
        for e in events[1:]:
            d = e.data
            if e.type == "planned":
                m = d.get("measures")
                measures += [m] if isinstance(m, str) else list(m or [])
                for k in ("county_leader", "township_leader", "first_secretary", "helping_unit"):
                    if d.get(k):
                        row[k] = d[k]
            elif e.type == "progress":
                if d.get("note"):
                    notes.append(str(d["note"]))
                if isinstance(d.get("funds"), (int, float)) and not isinstance(d.get("funds"), bool):
                    funds = (funds or 0) + d["funds"]
            elif e.type == "acceptance":
                row["accepted_on"] = e.date
                row["acceptance"] = _("passed", "通过") if d.get("passed") else _("failed", "未通过")
                row["score"] = d.get("score")
                row["by"] = d.get("by")
                row["new_deadline"] = d.get("deadline") if not d.get("passed") else None
            elif e.type == "closed":
                row["closed_on"] = e.date
            elif e.type == "reopened":
                notes.append(_(f"{e.date} rebound: {d.get('reason', '')}", f"{e.date} 反弹：{d.get('reason', '')}"))
        row["measures"] = "\n".join(measures) or None
        row["progress"] = "\n".join(notes) or None
        row["funds"] = _number(funds) if funds is not None else None
        rows.append(row)
    for i, row in enumerate(rows, 1):
        row["seq"] = i
    return rows


def export_ledger(entries: Sequence[Entry], output: Path, crit: Criteria, as_of: dt.date, status: str | None = None,
                  township: str | None = None, keep: Sequence[Path] = ()) -> int:
    """Write the ledger as a styled Excel 台账; returns the number of villages written. `keep`: files and
    folders (the ledger) the output may not overwrite or land in (`lax.export.atomic_path`)."""
    rows = export_rows(entries, crit, as_of, status, township)
    title = _(f"Ledger of weak and lax village Party organisations (as of {as_of})",
              f"软弱涣散村党组织整顿台账（截至 {as_of.year}年{as_of.month}月{as_of.day}日）")
    _write_xlsx(output, title, list(COLUMNS), rows, _("Ledger", "台账"), keep)
    return len(rows)


def _write_xlsx(output: Path, title: str, columns: list[Column], rows: list[dict[str, Any]], sheet_name: str,
                keep: Sequence[Path] = ()) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name
    n = len(columns)
    ws.cell(row=1, column=1, value=neutralise(title)).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for c, col in enumerate(columns, 1):
        cell = ws.cell(row=2, column=c, value=col.title())
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = col.width
    for r, row in enumerate(rows, 3):
        for c, col in enumerate(columns, 1):
            value = row.get(col.key)
            if isinstance(value, (list, tuple)):
                value = "、".join(str(v) for v in value)
            cell = ws.cell(row=r, column=c, value=neutralise(value))
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str) and len(value) > 10)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A3"
    from lax.export import atomic_path, check_output

    check_output(output, keep)  # refused before a folder is made for it
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(output, keep) as tmp:  # a full disk half-way leaves the previous file as it was
            wb.save(tmp)
    except OSError as e:
        raise LaxError(_(f"cannot write {output}: {e.strerror}", f"无法写入 {output}：{e.strerror}")) from None


# ------------------------------------------------------------------------------------ list as csv / xlsx

LIST_KEYS = ("township", "village", "code", "status", "overdue", "deadline", "watch_until", "criteria", "rounds",
             "identified_on", "channel", "rebounds", "funds")
_LIST_TITLES = {
    "township": ("乡镇", "Township"), "village": ("村名", "Village"), "code": ("村代码", "Village code"),
    "status": ("状态", "Status"), "overdue": ("超期", "Overdue"), "deadline": ("整改时限", "Time limit"),
    "watch_until": ("观察期至", "Watched until"), "criteria": ("认定情形", "Standards"), "rounds": ("轮次", "Rounds"),
    "identified_on": ("认定时间", "Identified on"), "channel": ("认定渠道", "Channel"), "rebounds": ("反弹次数", "Rebounds"),
    "funds": ("投入资金（元）", "Funds (yuan)"),
}


def list_csv(villages: Iterable[dict]) -> str:
    """`lax ledger list --format csv`: the JSON keys as the header, one village a row, formulas neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(LIST_KEYS)
    for v in villages:
        out = []
        for k in LIST_KEYS:
            value = v.get(k)
            if isinstance(value, list):
                value = ",".join(value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            elif value is None:
                value = ""
            out.append(neutralise(value))
        w.writerow(out)
    return buf.getvalue()


def write_list_xlsx(villages: Sequence[dict], output: Path, crit: Criteria, keep: Sequence[Path] = ()) -> None:
    columns = [Column(k, *_LIST_TITLES[k], (), 14 if k not in ("criteria",) else 20) for k in LIST_KEYS]
    rows = []
    for v in villages:
        row = dict(v)
        row["status"] = status_label(v["status"])
        row["overdue"] = _("yes", "是") if v["overdue"] else _("no", "否")
        row["criteria"] = "、".join(v["criteria"])
        for k in ("deadline", "watch_until", "identified_on"):
            row[k] = dt.date.fromisoformat(v[k]) if v.get(k) else None
        rows.append(row)
    _write_xlsx(output, _("Ledger list", "台账清单"), columns, rows, _("List", "清单"), keep)
