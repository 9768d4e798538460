"""Writing a check result as a spreadsheet: CSV for any tool, and the Excel copy a county sends back.

`write_csv` gives one row per village (identity, source, flagged, the standards met, one column per
standard, the evidence). `write_xlsx` gives the copy a county returns to its townships: every field value
of every village with a column per standard, flagged rows and the cells that decided a standard
highlighted, undetermined standards and their blank cells marked, a sheet of input problems and a sheet
saying which standards were applied and when.

Text taken from a spreadsheet can begin with `=`, `+`, `-` or `@`; written back unchanged it would run as
a formula when the file is opened. Every text written here goes through `safe_text`
(`lax.render.xlsx`: the one neutraliser of every writer). The workbook is written with the streaming
writer of `lax.render.xlsx`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

from lax.files import atomic_path
from lax.i18n import _, get_lang
from lax.problems import place
from lax.render.xlsx import safe_text  # the one neutraliser, used here and re-exported
from lax.show import evidence_text as show_evidence
from lax.show import value_text as display  # a value as a person reads it: lax's one value formatter
from lax.show import yes_no

if TYPE_CHECKING:
    from lax.check import CheckResult, VillageResult
    from lax.criteria import Criteria

HEADER_FILL = "D9E1F2"  # pale blue: header row
FLAGGED_FILL = "FFC7CE"  # light red: a flagged village's row
EVIDENCE_FILL = "F4B084"  # orange: a value that made a standard true, and the standard's "met" cell
UNKNOWN_FILL = "FFF2CC"  # light yellow: an undetermined standard and the blank it depends on
PROBLEM_FILL = "D9C3E9"  # lilac: a bad input value, shown as it was read (see the Problems sheet)


# ------------------------------------------------------------------------------------- safe values


def text_width(value: Any) -> int:
    """Columns a value takes on screen: a Chinese character counts two."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    longest = 0
    for line in text.splitlines() or [""]:
        w = sum(2 if ord(ch) > 0x2E7F else 1 for ch in line)
        longest = max(longest, w)
    return longest


def fit_widths(
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    *,
    minimum: int = 6,
    maximum: int = 40,
    header_maximum: int = 18,
) -> list[float]:
    """Column widths from the header (wrapped beyond `header_maximum`) and the first 200 rows."""
    widths = [min(max(text_width(h), minimum), header_maximum) for h in header]
    for row in rows[:200]:
        for i, v in enumerate(row):
            if i >= len(widths):
                break
            v = getattr(v, "value", v)
            widths[i] = max(widths[i], min(text_width(v), maximum))
    return [w + 2 for w in widths]


def status_words() -> tuple[str, str, str]:
    """The words for a standard's outcome: met, not met, undetermined."""
    return _("met", "符合"), _("not met", "不符合"), _("undetermined", "待定")


def source_text(path: str, sheet: str | None, row: int | None) -> str:
    """`dengbu.xlsx, 排查表, row 5` / `dengbu.xlsx，排查表，第5行` (the Chinese as `lax.problems.place` writes it)."""
    if get_lang() == "zh":
        return place(str(path), sheet, row)
    parts = [str(path)]
    if sheet:
        parts.append(str(sheet))
    if row is not None:
        parts.append(_(f"row {row}", f"第{row}行"))
    return _(", ", "，").join(parts)


def evidence_text(result: CheckResult, village: VillageResult, titles: dict[str, str] | None = None) -> str:
    """`C05: Election completed = no; C13: Cadre violations = 1` (field titles in the current language;
    `titles`, field id to title, saves looking them up again for each of many villages)."""
    criteria = result.criteria
    if titles is None:
        titles = {f: criteria.field(f).title() for m in village.matches for f in m.evidence}
    return show_evidence({m.id: m.evidence for m in village.matches}, titles.__getitem__)


def undetermined_text(result: CheckResult, village: VillageResult) -> str:
    """`C15 (blank: Satisfaction (%))` for each undetermined standard."""
    criteria = result.criteria
    sep = _("; ", "；")
    parts = []
    from lax.check import undetermined_words

    for u in village.undetermined:
        cid, missing = u
        titles = _(", ", "、").join(criteria.field(f).title() for f in missing)
        why = undetermined_words(u, criteria)
        parts.append(
            _(f"{cid} (blank: {titles})", f"{cid}（空白：{titles}）")
            if titles
            else _(f"{cid} ({why})", f"{cid}（{why}）")
            if why
            else cid
        )
    return sep.join(parts)


def met_ids(village: VillageResult) -> str:
    return _(", ", "、").join(m.id for m in village.matches)


def _identity(result: CheckResult, village: VillageResult) -> tuple[Any, Any, Any]:
    idx = result.criteria.index
    values = village.record.values
    return tuple(values[idx[f]] if f in idx else None for f in ("township", "village", "code"))


def _identity_titles(criteria: Criteria) -> list[str]:
    defaults = {"township": _("Township", "乡镇"), "village": _("Village", "村名"), "code": _("Code", "代码")}
    return [criteria.field(f).title() if f in criteria.index else defaults[f] for f in defaults]


def _standard_header(criterion: Any) -> str:
    return f"{criterion.id} {criterion.title()}"


# --------------------------------------------------------------------------------------------- CSV


def csv_header(criteria: Criteria) -> list[str]:
    return [
        *_identity_titles(criteria),
        _("Source", "来源"),
        _("Flagged", "认定"),
        _("Standards met", "符合标准"),
        *(_standard_header(c) for c in criteria.criteria),
        _("Evidence", "证据"),
        _("Undetermined", "待定"),
    ]


def csv_rows(result: CheckResult) -> Iterable[list[Any]]:
    """The rows of `write_csv`, text already safe."""
    met, not_met, unknown = status_words()
    ids = result.criteria.ids
    for v in result.villages:
        rec = v.record
        outcome = dict.fromkeys(ids, not_met)
        for m in v.matches:
            outcome[m.id] = met
        for cid, _missing in v.undetermined:
            outcome[cid] = unknown
        row = [
            *(display(x) for x in _identity(result, v)),
            source_text(rec.path, rec.sheet, rec.row),
            yes_no(v.flagged),
            met_ids(v),
            *outcome.values(),
            evidence_text(result, v),
            undetermined_text(result, v),
        ]
        yield [safe_text(x) for x in row]


def write_csv(
    result: CheckResult,
    path_or_stream: str | os.PathLike | IO,
    *,
    bom: bool | None = None,
    keep: Iterable[str | os.PathLike] = (),
) -> None:
    """One row per village, in input order. UTF-8 with a byte-order mark for a file or a byte stream,
    so Excel on a Chinese Windows opens it correctly; none for a text stream such as stdout unless
    `bom=True`. Header in the current language. A file never overwrites one in `keep` (`atomic_path`)."""
    target = path_or_stream
    if isinstance(target, (str, os.PathLike)):
        with atomic_path(target, keep) as tmp:
            with open(tmp, "w", encoding="utf-8-sig" if bom is not False else "utf-8", newline="") as f:
                _write_csv_to(result, f)
        return
    if isinstance(target, (io.RawIOBase, io.BufferedIOBase)) or "b" in getattr(target, "mode", ""):
        text = io.TextIOWrapper(
            target, encoding="utf-8-sig" if bom is not False else "utf-8", newline="", write_through=True
        )
        try:
            _write_csv_to(result, text)
            text.flush()
        finally:
            text.detach()
        return
    if bom:
        target.write("\ufeff")
    _write_csv_to(result, target)


def _write_csv_to(result: CheckResult, f: IO[str]) -> None:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow([safe_text(h) for h in csv_header(result.criteria)])
    w.writerows(csv_rows(result))


# -------------------------------------------------------------------------------------------- xlsx


def write_xlsx(
    result: CheckResult,
    path: str | os.PathLike,
    on_progress: Callable[[int, int], None] | None = None,
    keep: Iterable[str | os.PathLike] = (),
) -> None:
    """The copy of a check a county sends back to its townships.

    Sheet Results/结果: a row per village with every field value, a column per standard ("met" / "符合",
    "undetermined" / "待定", blank when not met), the outcome, the evidence and the source row. A flagged
    row is light red; the values that made a standard true and the standard's cell are orange and bold;
    an undetermined standard and the blanks it waits for are light yellow; a bad value is shown as it was
    read, in lilac. Sheet Problems/问题 lists bad input; sheet About/说明 the standards applied and the
    counts. Printed landscape, fitted to the page width, the header row on every page.

    Written row by row with `lax.render.xlsx` (memory stays flat; about 3 s for 100,000 villages).
    `on_progress(done, total)` is called every 1,000 villages. It never overwrites a file in `keep`
    (`atomic_path`).
    """
    from lax.render.xlsx import XlsxWriter

    with atomic_path(path, keep) as tmp, XlsxWriter(tmp) as book:
        _results_sheet(book, result, on_progress)
        _problems_sheet(book, result)
        _about_sheet(book, result)


def results_header(criteria: Criteria) -> list[str]:
    return [
        *(f.title() for f in criteria.fields),
        *(_standard_header(c) for c in criteria.criteria),
        _("Flagged", "认定结果"),
        _("Standards met", "符合标准"),
        _("Evidence", "证据"),
        _("Undetermined", "待定"),
        _("File", "来源文件"),
        _("Sheet", "工作表"),
        _("Row", "行号"),
    ]


def _header_row(book: Any, header: Sequence[Any], widths: Sequence[float]) -> tuple[list[Any], float]:
    """The styled header cells (bold, filled, centred, wrapped, boxed) and the row's height."""
    sid = book.style(bold=True, fill=HEADER_FILL, horizontal="center", vertical="center", wrap=True, border="8EA9DB")
    lines = max((text_width(h) / max(w - 2, 1) for h, w in zip(header, widths)), default=1)
    return [(h, sid) for h in header], 15 * min(max(int(lines + 0.999), 1), 4) + 4


def _plain_sheet(
    book: Any,
    name: str,
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    autofilter: bool = True,
) -> None:
    """A sheet with a frozen header row (and an autofilter) over plain rows; cells may be (value, style)."""
    from lax.read.header import column_letter

    head, height = _header_row(book, header, widths)
    ws = book.sheet(name, widths=widths, freeze="A2", landscape=True, fit_width=True, print_rows="1:1")
    ws.row(head, height)
    for row in rows:
        ws.row(row)
    if autofilter and header:
        ws.autofilter(f"A1:{column_letter(len(header) - 1)}{len(rows) + 1}")


def _results_sheet(book: Any, result: CheckResult, on_progress: Callable[[int, int], None] | None = None) -> None:
    from lax.read.header import column_letter

    criteria = result.criteria
    fields = criteria.fields
    nf = len(fields)
    bool_pos = [i for i, f in enumerate(fields) if f.type == "bool"]
    col_of = {c.id: nf + k for k, c in enumerate(criteria.criteria)}
    header = results_header(criteria)
    met, _not_met, unknown = status_words()
    yes, no = _("yes", "是"), _("no", "否")
    titles = {f.id: f.title() for f in fields}
    styles = {
        "row": book.style(fill=FLAGGED_FILL),
        "evidence": book.style(fill=EVIDENCE_FILL, bold=True),
        "unknown": book.style(fill=UNKNOWN_FILL),
        "problem": book.style(fill=PROBLEM_FILL),
    }
    row_style = styles["row"]
    # Bad values by source row, so a township sees in place what it has to correct.
    bad: dict[tuple[str, Any, Any], dict[int, Any]] = {}
    for p in result.problems:
        if p.field in criteria.index and p.row is not None and p.value is not None:
            bad.setdefault((str(p.path), p.sheet, p.row), {})[criteria.index[p.field]] = p.value

    def plain_row(v: VillageResult) -> list[Any]:
        # Text is made safe by the writer (once per distinct text, in its shared-strings table).
        rec = v.record
        row = list(rec.values)
        for i in bool_pos:
            x = row[i]
            if x is not None:
                row[i] = yes if x else no
        outcome: list[Any] = [None] * len(col_of)  # blank = not met: the met ones stand out
        for m in v.matches:
            outcome[col_of[m.id] - nf] = met
        for cid, _missing in v.undetermined:
            outcome[col_of[cid] - nf] = unknown
        row.extend(outcome)
        row.extend(
            (
                yes if v.matches else no,
                met_ids(v),
                evidence_text(result, v, titles) if v.matches else None,
                undetermined_text(result, v) if v.undetermined else None,
                str(rec.path),
                rec.sheet,
                rec.row,
            )
        )
        return row

    def rows() -> Iterable[list[Any]]:
        index = criteria.index
        for v in result.villages:
            row = plain_row(v)
            wrong = bad.get((str(v.record.path), v.record.sheet, v.record.row)) if bad else None
            if not v.matches and not v.undetermined and not wrong:
                yield row
                continue
            marks: dict[int, str] = {}
            for i, value in (wrong or {}).items():
                if row[i] is None:
                    row[i] = value if isinstance(value, (str, int, float)) else str(value)
                    marks[i] = "problem"
            for cid, missing in v.undetermined:
                marks[col_of[cid]] = "unknown"
                for f in missing:
                    marks.setdefault(index[f], "unknown")
            for m in v.matches:
                marks[col_of[m.id]] = "evidence"
                for f in m.evidence:
                    marks[index[f]] = "evidence"
            if v.matches:
                yield [(x, styles[marks[i]]) if i in marks else (x, row_style) for i, x in enumerate(row)]
            else:
                yield [(x, styles[marks[i]]) if i in marks else x for i, x in enumerate(row)]

    sample = [plain_row(v) for v in result.villages[:200]]
    widths = fit_widths(header, sample)
    for i, f in enumerate(fields):
        if f.type == "date":
            widths[i] = max(widths[i], 12)
    head, height = _header_row(book, header, widths)
    # C2 keeps the township and village in view while scrolling right, on screen; on paper the header row
    # is repeated on every page and the width fitted to one page.
    ws = book.sheet(_("Results", "结果"), widths=widths, freeze="C2", landscape=True, fit_width=True, print_rows="1:1")
    ws.row(head, height)
    append = ws.row
    total = len(result.villages)
    for n, row in enumerate(rows(), 1):
        append(row)
        if on_progress is not None and (n % 1000 == 0 or n == total):
            on_progress(n, total)
    ws.autofilter(f"A1:{column_letter(len(header) - 1)}{total + 1}")


def _problems_sheet(book: Any, result: CheckResult) -> None:
    criteria = result.criteria
    header = [
        _("Code", "问题代码"),
        _("File", "文件"),
        _("Sheet", "工作表"),
        _("Row", "行号"),
        _("Column", "列"),
        _("Field", "字段"),
        _("Value", "值"),
        _("Message", "说明"),
    ]
    rows = []
    for p in result.problems:
        field = p.field
        if field and field in criteria.index:
            field = criteria.field(field).title()
        value = p.value
        if value is not None and not isinstance(value, (str, int, float, bool, dt.date)):
            value = str(value)
        row = p.row if p.row is not None else p.line
        rows.append([p.code, str(p.path), p.sheet, row, p.column, field, value, p.message])
    _plain_sheet(book, _("Problems", "问题"), header, rows, fit_widths(header, rows, maximum=60))


def _about_sheet(book: Any, result: CheckResult) -> None:
    from lax import __version__

    criteria = result.criteria
    head = book.style(bold=True, fill=HEADER_FILL)
    s = result.summary()
    by = s["by_criterion"]
    rows: list[list[Any]] = [
        [_("Standards", "认定标准"), criteria.name(), None],
        [_("Criteria file", "标准文件"), str(criteria.path), None],
        [_("Version", "版本"), criteria.version, None],
        [_("As of", "截至日期"), result.as_of, None],
        [_("Villages", "村数"), s["villages"], None],
        [_("Flagged", "认定软弱涣散"), s["flagged"], None],
        [_("Undetermined", "存在待定标准"), s["undetermined"], None],
        [_("Problems", "数据问题"), s["problems"], None],
        [_("Notices", "提示"), s["notices"], None],
        [_("Written by", "生成工具"), f"lax {__version__}", None],
        [None, None, None],
        [(t, head) for t in (_("Standard", "标准"), _("Title", "名称"), _("Villages meeting it", "符合村数"))],
    ]
    for c in criteria.criteria:
        rows.append([c.id, c.title(), by.get(c.id, 0)])
    if result.notices:  # read, but to be checked: columns not understood, fields missing, names merged, dates
        from lax.check import notice_lines

        rows.append([None, None, None])
        rows.append([(_("Notices", "提示"), head), None, None])
        rows.extend([None, line, None] for line in notice_lines(result))
    header = [_("Item", "项目"), _("Value", "内容"), ""]
    _plain_sheet(book, _("About", "说明"), header, rows, [22, 60, 16], autofilter=False)
