"""Writing the ledger as a spreadsheet: `lax ledger export` and `lax ledger list --format csv/xlsx`.

The export is the 台账 in the columns of `lax.ledger.excel.COLUMNS` (one row per village, its current round),
then the events sheet that lets the workbook rebuild the ledger files exactly. Every text cell goes through
the one formula neutraliser; the workbook is written with lax's own streaming writer (`lax.render.xlsx`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from lax.criteria import Criteria
from lax.i18n import _, get_lang
from lax.ledger import Entry
from lax.ledger.excel import (
    _CHANNEL_ZH,
    _FIXED,
    _ORDER_COLUMN,
    _OTHER_COLUMN,
    COLUMNS,
    EVENTS_SHEET,
    START_COLUMNS,
    START_SHEET,
    WORK_SHEET,
    Column,
    LedgerFile,
    WorkFile,
    _event_columns,
    _json_text,
    _number,
    _rebuilt_order,
    encode_cell,
    neutralise,
    work_columns,
)
from lax.lifecycle import Event, state_as_of, status_label
from lax.problems import LaxError, Problem
from lax.show import yes_no

# ----------------------------------------------------------------------------------------------- export


def _round_events(entry: Entry, as_of: dt.date) -> list[Event]:
    """The events of the village's latest round opened by `as_of`."""
    events = [e for e in entry.events if e.date <= as_of]
    start = None
    for i, e in enumerate(events):
        if e.type == "identified":
            start = i
    return [] if start is None else events[start:]


def export_rows(
    entries: Sequence[Entry], crit: Criteria, as_of: dt.date, status: str | None = None, township: str | None = None
) -> list[dict[str, Any]]:
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
            "township": entry.township,
            "village": entry.village,
            "code": entry.code,
            "identified_on": first.date,
            "channel": _CHANNEL_ZH.get(first.data.get("channel", "self"))
            if get_lang() == "zh"
            else first.data.get("channel", "self"),
            "criteria": "\n".join(f"{c} {titles.get(c, '')}".strip() for c in state.criteria),
            "problems": first.data.get("note"),
            "deadline": first.data.get("deadline"),
            "status": status_label(state.status),
            "overdue": yes_no(state.overdue),
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


def export_ledger(
    entries: Sequence[Entry],
    output: Path,
    crit: Criteria,
    as_of: dt.date,
    status: str | None = None,
    township: str | None = None,
    towns: Sequence[LedgerFile] = (),
    keep: Sequence[Path] = (),
    work: Sequence[WorkFile] = (),
    start: dict[str, Any] | None = None,
) -> int:
    """Write the ledger as a styled Excel 台账, plus the events sheet that holds every event of the villages
    (and of the township files `towns`, see `township_files`) exactly; returns the number of 台账 rows.
    A full export (no `status`, no `township`) also carries the submissions for reading, the work records
    `work` (`work_files`) and the first quarter `start` (`start_file`): the whole ledger, for import.
    `keep`: files and folders (the ledger) the output may not overwrite or land in (`lax.files.atomic_path`)."""
    rows = export_rows(entries, crit, as_of, status, township)
    whole = status is None and township is None
    title = _(
        f"Ledger of weak and lax village Party organisations (as of {as_of})",
        f"软弱涣散村党组织整顿台账（截至 {as_of.year}年{as_of.month}月{as_of.day}日）",
    )
    _write_xlsx(
        output,
        title,
        list(COLUMNS),
        rows,
        _("Ledger", "台账"),
        keep,
        events=export_files(entries, towns, rows, status, township),
        more=(lambda book: _add_whole_ledger_sheets(book, towns, work, start)) if whole else None,
    )
    return len(rows)


def _write_xlsx(
    output: Path,
    title: str,
    columns: list[Column],
    rows: list[dict[str, Any]],
    sheet_name: str,
    keep: Sequence[Path] = (),
    events: Sequence[LedgerFile] | None = None,
    more: Callable[[Any], None] | None = None,
) -> None:
    """The styled 台账 (a title merged over the columns, a bold boxed header, boxed rows, dates as dates;
    frozen under the header; printed landscape, fitted to the page width, the header on every page), then
    the sheets `more` adds (a full export's submissions, work record and first quarter), the events sheet when
    `events` is given. Written with `lax.render.xlsx` (fast, flat memory)."""
    from lax.files import atomic_path, check_output
    from lax.read.header import column_letter
    from lax.render.xlsx import DATE_FORMAT, XlsxWriter

    check_output(output, keep)  # refused before a folder is made for it
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        # A full disk half-way leaves the previous file as it was.
        with atomic_path(output, keep) as tmp, XlsxWriter(tmp) as book:
            n = len(columns)
            ws = book.sheet(
                sheet_name,
                widths=[col.width for col in columns],
                freeze="A3",
                landscape=True,
                fit_width=True,
                print_rows="2:2",
            )
            ws.row([(title, book.style(bold=True, size=14, horizontal="center"))])
            ws.merge(f"A1:{column_letter(n - 1)}1")
            head = book.style(
                bold=True, fill="DDEBF7", border="999999", horizontal="center", vertical="center", wrap=True
            )
            ws.row([(col.title(), head) for col in columns])
            plain = book.style(border="999999", vertical="top")
            wrapped = book.style(border="999999", vertical="top", wrap=True)
            dated = book.style(border="999999", vertical="top", num_fmt=DATE_FORMAT)
            for row in rows:
                cells = []
                for col in columns:
                    value = row.get(col.key)
                    if isinstance(value, (list, tuple)):
                        value = "、".join(str(v) for v in value)
                    style = (
                        wrapped
                        if isinstance(value, str) and len(value) > 10
                        else dated
                        if isinstance(value, dt.date)
                        else plain
                    )
                    cells.append((value, style))
                ws.row(cells)
            if more is not None:  # the sheets only a full export has (`_add_whole_ledger_sheets`)
                more(book)
            if events is not None:
                _add_events_sheet(book, events)
    except OSError as e:
        raise LaxError(_(f"cannot write {output}: {e.strerror}", f"无法写入 {output}：{e.strerror}")) from None


# ------------------------------------------------------------------------------------ list as csv / xlsx

LIST_KEYS = (
    "township",
    "village",
    "code",
    "status",
    "overdue",
    "deadline",
    "watch_until",
    "criteria",
    "rounds",
    "identified_on",
    "channel",
    "rebounds",
    "funds",
)
_LIST_TITLES = {
    "township": ("乡镇", "Township"),
    "village": ("村名", "Village"),
    "code": ("村代码", "Village code"),
    "status": ("状态", "Status"),
    "overdue": ("超期", "Overdue"),
    "deadline": ("整改时限", "Time limit"),
    "watch_until": ("观察期至", "Watched until"),
    "criteria": ("认定情形", "Standards"),
    "rounds": ("轮次", "Rounds"),
    "identified_on": ("认定时间", "Identified on"),
    "channel": ("认定渠道", "Channel"),
    "rebounds": ("反弹次数", "Rebounds"),
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
        row["overdue"] = yes_no(v["overdue"])
        row["criteria"] = "、".join(v["criteria"])
        for k in ("deadline", "watch_until", "identified_on"):
            row[k] = dt.date.fromisoformat(v[k]) if v.get(k) else None
        rows.append(row)
    _write_xlsx(output, _("Ledger list", "台账清单"), columns, rows, _("List", "清单"), keep)


# ------------------------------------------------------------------------------ the events sheet (lossless)
# The sheet and its cell encoding are described in `lax.ledger.excel`.


def township_files(folder: Path) -> tuple[list[LedgerFile], list[str]]:
    """Every readable township file of the ledger, one by one (files, problems as FILE:LINE: message)."""
    from lax.ledger import TOWNSHIPS_DIR, township_files_read

    found, problems = township_files_read(folder)
    return [
        LedgerFile(f"{TOWNSHIPS_DIR}/{path.name}", township, None, None, tuple(events))
        for path, township, events in found
    ], problems


def event_rows(files: Sequence[LedgerFile]) -> tuple[list[str], list[list[str | int | None]]]:
    """(header, rows) of the events sheet: one row per event (a file without events: one row, no event)."""
    keys = _event_columns()
    known = set(keys)
    header = [*_FIXED, *keys, _ORDER_COLUMN, _OTHER_COLUMN]
    rows: list[list[str | int | None]] = []
    for f in files:
        ident = [
            encode_cell(f.name),
            encode_cell(f.township),
            encode_cell(f.village) if f.village is not None else None,
            encode_cell(f.code) if f.code is not None else None,
        ]
        if not f.events:
            rows.append(ident + [None] * (len(header) - len(ident)))
        for i, e in enumerate(f.events, 1):
            data = {k: v for k, v in e.data.items() if k not in ("date", "type")}
            cells: list[str | int | None] = [*ident, i, encode_cell(e.date), encode_cell(e.type)]
            cells += [encode_cell(data[k]) if k in data else None for k in keys]
            other = {k: v for k, v in data.items() if k not in known}
            order = list(data)
            cells.append(_json_text(order) if order != _rebuilt_order(e.type, data.keys(), list(other)) else None)
            cells.append(_json_text(other) if other else None)
            rows.append(cells)
    return header, rows


def _add_events_sheet(book: Any, files: Sequence[LedgerFile]) -> None:
    """The events sheet: a bold header frozen above one row per event, every value as text (never a
    formula: see `encode_cell`)."""
    header, rows = event_rows(files)
    ws = book.sheet(EVENTS_SHEET, freeze="A2")
    bold = book.style(bold=True)
    ws.row([(h, bold) for h in header])
    for row in rows:
        ws.row(row)


def export_files(
    entries: Sequence[Entry],
    towns: Sequence[LedgerFile],
    rows: Sequence[dict[str, Any]],
    status: str | None,
    township: str | None,
) -> list[LedgerFile]:
    """The files the events sheet holds: all of them, or those of `--township`, or with `--status` the
    villages of the 台账 rows (no township files)."""
    files = []
    listed = {(r["township"], r["village"], r["code"]) for r in rows}
    for e in sorted(entries, key=lambda e: e.path.name):
        if township is not None and e.township != township:
            continue
        if status is not None and (e.township, e.village, e.code) not in listed:
            continue
        files.append(LedgerFile(e.path.name, e.township, e.village, e.code, e.events))
    if status is None:
        files += [t for t in towns if township is None or t.township == township]
    return files


# --------------------------------------------------------------- the rest of the ledger (a full export only)
# Submissions for reading (their township files are in the events sheet), then the work records and the
# first quarter, in the events sheet's cell encoding (`lax.ledger.excel`), which import reads back.


def work_files(folder: Path) -> tuple[list[WorkFile], list[Problem]]:
    """Every work file of the ledger (`_work/<year>.yaml`) with its records in the file's order, and the
    problems of `_work/`. A file with a problem is left out whole (never a part of it): the export names it."""
    from lax.ledger.work import WORK_DIR, _files, _read, record_dict

    files, problems = _files(Path(folder))
    out = []
    for path, year in files:
        records, found, _text = _read(path, year)
        if found:
            problems.extend(found)
            continue
        out.append(WorkFile(f"{WORK_DIR}/{path.name}", tuple(record_dict(r) for r in records)))
    return out, problems


def start_file(folder: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The ledger's first quarter as `_ledger.yaml` holds it (`{start, recorded}`), None when none is set or
    the file has a problem (then named)."""
    from lax.ledger.start import read_start_doc

    return read_start_doc(Path(folder))


def _sheet_styles(book: Any) -> tuple[int, int, int]:
    """(header, cell, wrapped cell) styles, as the 台账 sheet has them."""
    head = book.style(bold=True, fill="DDEBF7", border="999999", horizontal="center", vertical="center", wrap=True)
    return head, book.style(border="999999", vertical="top"), book.style(border="999999", vertical="top", wrap=True)


def _add_whole_ledger_sheets(
    book: Any, towns: Sequence[LedgerFile], work: Sequence[WorkFile], start: dict[str, Any] | None
) -> None:
    if any(e.type == "submission" for t in towns for e in t.events):
        _add_submissions_sheet(book, towns)
    if work:
        _add_work_sheet(book, work)
    if start is not None:
        _add_start_sheet(book, start)


SUBMISSIONS_SHEET = ("Submissions", "乡镇报送")
_SUBMISSION_COLUMNS = (
    Column("township", "乡镇", "Township", (), 12),
    Column("quarter", "报送季度", "Quarter", (), 10),
    Column("villages", "排查村数", "Villages examined", (), 10),
    Column("date", "记录日期", "Recorded on", (), 12),
    Column("source", "报送文件", "Sheet sent", (), 30),
    Column("by", "记录人", "Recorded by", (), 10),
    Column("note", "备注", "Note", (), 30),
)


def _add_submissions_sheet(book: Any, towns: Sequence[LedgerFile]) -> None:
    """The townships' quarterly submissions for people to read (township, quarter, villages examined, …),
    printed as the 台账 is. Import does not read it: the township files come back from the events sheet."""
    from lax.render.xlsx import DATE_FORMAT

    columns = _SUBMISSION_COLUMNS
    ws = book.sheet(
        _(*SUBMISSIONS_SHEET),
        widths=[c.width for c in columns],
        freeze="B2",
        landscape=True,
        fit_width=True,
        print_rows="1:1",
    )
    head, plain, wrapped = _sheet_styles(book)
    dated = book.style(border="999999", vertical="top", num_fmt=DATE_FORMAT)
    ws.row([(c.title(), head) for c in columns])
    subs = [(t.township, e) for t in towns for e in t.events if e.type == "submission"]
    for township, e in sorted(subs, key=lambda s: (s[0], str(s[1].data.get("quarter", "")), s[1].date)):
        d = e.data
        recorded = d.get("recorded")
        source = d.get("source")
        values = {
            "township": township,
            "quarter": d.get("quarter"),
            "villages": d.get("villages"),
            "date": e.date,
            "source": source if isinstance(source, str) else None,
            "by": recorded.get("by") if isinstance(recorded, dict) else None,
            "note": d.get("note"),
        }
        ws.row(
            [
                (
                    values[c.key],
                    dated if isinstance(values[c.key], dt.date) else wrapped if c.width >= 30 else plain,
                )
                for c in columns
            ]
        )


def _add_work_sheet(book: Any, files: Sequence[WorkFile]) -> None:
    """The work records, one row each: the file, the record's number in it, then its keys, every value in
    the events sheet's cell encoding; printed as the 台账 is."""
    header = work_columns()
    widths = {"file": 16, "record": 7, "date": 11, "level": 9, "township": 10, "kind": 13, "text": 50}
    ws = book.sheet(
        WORK_SHEET,
        widths=[widths.get(h, 10 if h != "recorded" else 40) for h in header],
        freeze="C2",
        landscape=True,
        fit_width=True,
        print_rows="1:1",
    )
    head, plain, wrapped = _sheet_styles(book)
    ws.row([(h, head) for h in header])
    for f in files:
        if not f.records:  # a year's file with no records yet: its name alone
            ws.row([(encode_cell(f.name), plain)] + [(None, plain)] * (len(header) - 1))
        for i, record in enumerate(f.records, 1):
            cells: list[Any] = [(encode_cell(f.name), plain), (i, plain)]
            for key in header[2:]:
                value = record.get(key)
                cells.append((encode_cell(value) if key in record else None, wrapped if key == "text" else plain))
            ws.row(cells)


def _add_start_sheet(book: Any, start: dict[str, Any]) -> None:
    """The ledger's first quarter (`_ledger.yaml`): one row under its header."""
    ws = book.sheet(START_SHEET, widths=[14, 10, 40], freeze="A2", landscape=True, fit_width=True, print_rows="1:1")
    head, plain, _wrapped = _sheet_styles(book)
    ws.row([(h, head) for h in START_COLUMNS])
    from lax.ledger.names import LEDGER_FILE

    row = {"file": LEDGER_FILE, **start}
    ws.row([(encode_cell(row[k]) if k in row else None, plain) for k in START_COLUMNS])
