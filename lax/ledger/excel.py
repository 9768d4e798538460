"""The ledger as a spreadsheet: what the import and the export of an Excel 台账 share.

Counties already keep their rectification ledger (台账) in Excel: one row per village with the township,
the standards met (软弱涣散情形), the main problems, the measures, the people responsible, the time limit,
the acceptance and the cancellation (销号). `lax.ledger.excel_import` turns such a sheet into village files
(`import_ledger`); `lax.ledger.excel_export` writes the same columns back (`export_ledger`, and `ledger list`
as CSV or xlsx), so that an exported ledger imports again unchanged. This module owns what both sides must
agree on: the 台账 columns (`COLUMNS`, with the spellings counties use), and the events sheet's cell
encoding (`encode_cell`, `decode_cell`, `LedgerFile`), by which an exported workbook rebuilds the ledger
files byte for byte.

Text written to a spreadsheet or CSV that starts with `= + - @` (and the rest of `lax.render.xlsx.safe_text`'s
list) is prefixed with a single quote so that it can never run as a formula; import removes that
quote again.

The import and export functions are re-exported here under their old names (`from lax.ledger.excel import
import_ledger` keeps working); they are looked up on first use, because both modules import this one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lax import terms
from lax.criteria import header_key
from lax.i18n import get_lang
from lax.lifecycle import EVENT_KEYS, TOWNSHIP_EVENT_KEYS, Event, event_keys
from lax.render.xlsx import FORMULA_START, safe_text, unneutralise

# The one neutraliser of every spreadsheet and CSV writer (full-width ＝＋－＠, tab, CR and `|` too), and
# its inverse for the import: an exported ledger imports unchanged.
neutralise = safe_text
_unneutralise = unneutralise
_FORMULA_START = tuple(FORMULA_START)


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
    Column(
        "township",
        "乡镇",
        "Township",
        ("乡镇", "乡镇名称", "乡（镇）", "乡镇（街道）", "所属乡镇", "镇（乡）", "Township", "Town"),
        10,
    ),
    Column(
        "village",
        "村名",
        "Village",
        ("村名", "村", "村名称", "行政村", "村（社区）", "村庄名称", "Village", "Village name"),
        10,
    ),
    Column("code", "村代码", "Village code", ("村代码", "行政区划代码", "区划代码", "Code", "Village code"), 15),
    Column(
        "identified_on",
        "认定时间",
        "Identified on",
        (
            "认定时间",
            "认定日期",
            "列入时间",
            "列入日期",
            "确定时间",
            "排查时间",
            "Identified on",
            "Identified",
            "Date identified",
        ),
        12,
    ),
    Column("channel", "认定渠道", "Channel", ("认定渠道", "发现渠道", "渠道", "来源渠道", "Channel"), 10),
    Column(
        "criteria",
        "软弱涣散情形",
        "Standards met",
        (
            "软弱涣散情形",
            "软弱涣散类型",
            "软弱涣散问题类型",
            "认定情形",
            "认定标准",
            "存在问题类型",
            "问题类型",
            "Standards met",
            "Standards",
            "Criteria",
        ),
        30,
    ),
    Column(
        "problems",
        "主要问题",
        "Main problems",
        ("主要问题", "存在问题", "存在的主要问题", "问题表现", "Main problems", "Problems"),
        30,
    ),
    Column(
        "measures",
        "整改措施",
        "Measures",
        ("整改措施", "整顿措施", "整改举措", "主要措施", "Measures", "Rectification measures"),
        30,
    ),
    Column(
        "county_leader",
        "县级联系领导",
        "County contact leader",
        (
            "县级联系领导",
            "联系县领导",
            "县领导",
            "县级领导",
            "县级联系领导干部",
            "County contact leader",
            "County leader",
        ),
        12,
    ),
    Column(
        "township_leader",
        terms.ROLES["township_leader"].zh,
        "Township leader",
        (
            "乡镇责任人",
            "乡镇包村领导",
            "包村领导",
            "乡镇领导",
            "责任人",
            "整改责任人",
            "Township leader",
            "Responsible person",
        ),
        12,
    ),
    Column("first_secretary", "第一书记", "First secretary", ("第一书记", "驻村第一书记", "First secretary"), 12),
    Column(
        "helping_unit",
        "结对帮扶单位",
        "Helping unit",
        ("结对帮扶单位", "帮扶单位", "结对单位", "挂点单位", "Helping unit", "Paired unit"),
        14,
    ),
    Column(
        "deadline",
        "整改时限",
        "Time limit",
        ("整改时限", "完成时限", "整改期限", "整改完成时限", "Time limit", "Deadline"),
        12,
    ),
    Column("progress", "整改进展", "Progress", ("整改进展", "进展情况", "整改进展情况", "整改情况", "Progress"), 30),
    Column(
        "funds",
        "投入资金（元）",
        "Funds (yuan)",
        (
            "投入资金（元）",
            "投入资金",
            "投入资金(元)",
            "资金（元）",
            "整改资金",
            "整改资金（元）",
            "Funds (yuan)",
            "Funds",
        ),
        12,
    ),
    Column(
        "accepted_on", "验收时间", "Acceptance date", ("验收时间", "验收日期", "Acceptance date", "Accepted on"), 12
    ),
    Column(
        "acceptance",
        "验收情况",
        "Acceptance",
        ("验收情况", "验收结果", "验收结论", "Acceptance", "Acceptance result"),
        12,
    ),
    Column("score", "验收得分", "Score", ("验收得分", "得分", "验收分数", "分数", "Score"), 8),
    Column("by", "验收单位", "Inspected by", ("验收单位", "验收部门", "Inspected by", "Accepted by"), 14),
    Column(
        "new_deadline",
        "新整改时限",
        "New time limit",
        ("新整改时限", "延长时限", "再整改时限", "New time limit", "New deadline"),
        12,
    ),
    Column("closed_on", "销号时间", "Closed on", ("销号时间", "销号日期", "Closed on", "Account closed on"), 12),
    Column("status", "当前状态", "Status", ("当前状态", "状态", "Status"), 14),
    Column("overdue", "是否超期", "Overdue", ("是否超期", "超期", "Overdue"), 8),
)
_BY_KEY = {c.key: c for c in COLUMNS}
_HEADERS = {header_key(a): c.key for c in COLUMNS for a in (c.zh, c.en, *c.aliases)}

_CHANNEL_WORDS = {key: (*words, key) for key, words in terms.spellings(terms.CHANNELS).items()}
_CHANNEL_ZH = {key: t.zh for key, t in terms.CHANNELS.items()}

# ------------------------------------------------------------------------------------------------ numbers


def _number(value: float) -> int | float:
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


# ------------------------------------------------------------------------------ the events sheet (lossless)
#
# `ledger export` adds, after the 台账 people read, a sheet holding every event of every village and township
# file exactly: one row per event, a column per known event key, a column with the order of the keys when
# it is not the usual one, and a column with any other keys. `ledger import` of a workbook with this sheet
# rebuilds the files from it alone, byte for byte (the 台账 sheet is then only for reading).
#
# Every cell is text in one unambiguous encoding, so that values come back exactly whatever a spreadsheet
# does with numbers and dates: a plain string is written as itself when it cannot be mistaken for anything
# else (`宋三村`, a note with line breaks); a date as `2026-03-31`; anything else, or a string that could be
# mistaken (`500`, `true`, `2026-03-31`, `=SUM(A1)`, ` padded`), as JSON, with dates inside it as
# {"$date": "..."}. Such JSON starting with `-` (a negative number) gets the usual formula quote.

EVENTS_SHEET = "事件 events"
_FIXED = ("file", "township", "village", "code", "event", "date", "type")
_ORDER_COLUMN = "(key order)"
_OTHER_COLUMN = "(other keys)"
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_TAGS = ("$date", "$datetime", "$map", "$bytes")


def _event_columns() -> list[str]:
    """The key columns: every key of `EVENT_KEYS` (first appearance order), then the township keys."""
    keys: dict[str, None] = {}
    for etype in EVENT_KEYS:
        keys.update(dict.fromkeys(EVENT_KEYS[etype]))
    keys.update(dict.fromkeys(TOWNSHIP_EVENT_KEYS))
    return list(keys)


def _tag(value: Any) -> Any:
    """A YAML value as plain JSON data, dates and other non-JSON values tagged so they come back as they were."""
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_tag(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _tag(v) for k, v in value.items()}
        return {"$map": [[_tag(k), _tag(v)] for k, v in value.items()]}
    if isinstance(value, bytes):
        import base64

        return {"$bytes": base64.b64encode(value).decode("ascii")}
    raise ValueError(f"{type(value).__name__} value {value!r}")


def _untag(value: Any) -> Any:
    if isinstance(value, list):
        return [_untag(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, inner),) = value.items()
            if tag == "$date":
                return dt.date.fromisoformat(inner)
            if tag == "$datetime":
                return dt.datetime.fromisoformat(inner)
            if tag == "$map":
                return {_hashable(_untag(k)): _untag(v) for k, v in inner}
            if tag == "$bytes":
                import base64

                return base64.b64decode(inner.encode("ascii"), validate=True)
        if any(k.startswith("$") for k in value):
            raise ValueError(f"unknown tag in {sorted(value)}")
        return {k: _untag(v) for k, v in value.items()}
    return value


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _json_text(value: Any) -> str:
    """Canonical JSON (key order kept: it is the order in the file), every non-printing character escaped."""
    text = json.dumps(_tag(value), ensure_ascii=False, separators=(",", ":"))
    return "".join(ch if unicodedata.category(ch)[0] != "C" else json.dumps(ch)[1:-1] for ch in text)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _plain_ok(text: str) -> bool:
    """Whether a string may stand in a cell as itself: nothing it could be mistaken for, nothing a sheet alters."""
    return (
        bool(text)
        and not text[0].isspace()
        and not text[-1].isspace()
        and text[0] not in "'\"[{"
        and not text.startswith(_FORMULA_START)
        and not _DATE_SHAPE.match(text)
        and all(ch == "\n" or unicodedata.category(ch)[0] != "C" for ch in text)
        and not _is_json(text)
    )


def encode_cell(value: Any) -> str:
    """One value as the text of an events-sheet cell (see above); `decode_cell` gives it back exactly."""
    if isinstance(value, str) and _plain_ok(value):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return neutralise(_json_text(value))


def decode_cell(text: str) -> Any:
    """The value an events-sheet cell stands for; ValueError when it is not a value `encode_cell` writes."""
    text = _unneutralise(text)
    if _DATE_SHAPE.match(text):
        return dt.date.fromisoformat(text)
    try:
        data = json.loads(text)
    except ValueError:
        if not _plain_ok(text):
            raise ValueError("neither plain text nor JSON") from None
        return text
    return _untag(data)


@dataclass(frozen=True)
class LedgerFile:
    """One file of the ledger as the events sheet holds it: its name relative to the ledger folder."""

    name: str  # `邓埠镇-宋三村.yaml` or `_townships/邓埠镇.yaml`
    township: str
    village: str | None  # None for a township file
    code: str | None
    events: tuple[Event, ...]


def _rebuilt_order(etype: str, present: Iterable[str], other: list[str]) -> list[str]:
    """The key order import gives when no order is written: the usual order of the type, then the other
    column keys in column order, then the other keys as listed."""
    present = set(present)
    usual = [k for k in event_keys(etype) if k in present]
    rest = [k for k in _event_columns() if k in present and k not in usual]
    return usual + rest + [k for k in other if k not in usual and k not in rest]


# ------------------------------------------------------------- the rest of the ledger: work and first quarter
#
# A full export (no --township, no --status) carries the files of the ledger that are not events of a village
# or township, in the same cell encoding: `工作记录 work`, one row per work record (`lax ledger work`,
# `_work/<year>.yaml`: the file, the record's number in it, then its keys), and `起始季度 start`, the
# ledger's first quarter (`lax ledger start`, `_ledger.yaml`). Import rebuilds these files as lax writes
# them, after the checks `lax ledger verify` makes of them.

WORK_SHEET = "工作记录 work"
WORK_FIXED = ("file", "record")
START_SHEET = "起始季度 start"
START_COLUMNS = ("file", "start", "recorded")


def work_columns() -> tuple[str, ...]:
    """The work sheet's header: the file, the record's number, `date` and the record keys in written order."""
    from lax.ledger.work import RECORD_KEYS

    return (*WORK_FIXED, "date", *RECORD_KEYS)


@dataclass(frozen=True)
class WorkFile:
    """One year's work file as the work sheet holds it: `_work/2027.yaml` and its records (each a dict of
    `date` and the record keys, as written), in the order of the file."""

    name: str
    records: tuple[dict[str, Any], ...]


# ------------------------------------------------------------------------------------------ re-exports
# Every name the import and export modules define, as callers and tests have always imported it from here.
# Looked up lazily (PEP 562): an eager import at the end of this module would fail whenever
# `lax.ledger.excel_import` is imported first, since it imports this module before its own names exist.

_IMPORT_NAMES = (
    "_CN_DIGITS",
    "_cell_text",
    "_cell_date",
    "_cn_number",
    "_fold",
    "parse_standards",
    "_standard_token",
    "_verdict",
    "_split_measures",
    "_channel_of",
    "ImportResult",
    "_Row",
    "_read_rows",
    "_column_key",
    "import_ledger",
    "_unrecorded",
    "_row_events",
    "_events_sheet",
    "_rebuild_files",
    "_is_plain_date",
    "_file_text",
    "yaml_errors",
    "import_events",
)
_EXPORT_NAMES = (
    "_round_events",
    "export_rows",
    "export_ledger",
    "_write_xlsx",
    "LIST_KEYS",
    "_LIST_TITLES",
    "list_csv",
    "write_list_xlsx",
    "township_files",
    "event_rows",
    "_add_events_sheet",
    "export_files",
    "work_files",
    "start_file",
)


def __getattr__(name: str) -> Any:
    if name in _IMPORT_NAMES:
        from lax.ledger import excel_import as module
    elif name in _EXPORT_NAMES:
        from lax.ledger import excel_export as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(module, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_IMPORT_NAMES, *_EXPORT_NAMES})
