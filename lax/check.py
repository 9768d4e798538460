"""Applying the standards to village records: findings, undetermined standards, and the check result.

A *finding* (`Match`) says a village meets a standard, with the evidence (the field values that made the
expression true). A standard whose outcome depends on a blank value is *undetermined* for that village,
listed with the blank fields. Bad input is not here: it arrives as `Problem`s from `lax.read.records` and is
carried in the result beside the findings, and so are the *notices* (`lax.problems.Notice`): what was read
but not as a person might expect, and examination dates far from the check (`date_notices`).
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import itertools
import json
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _encode_str  # the C escaper json.dumps uses for str
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from lax.criteria import Criteria, findings_function, undetermined_reason
from lax.i18n import _, has_cjk
from lax.problems import Notice, Problem, place

if TYPE_CHECKING:
    from lax.read.records import Record


class Match(NamedTuple):
    """A village meets a standard; `evidence` maps field id to the value that showed it.

    A named tuple rather than a frozen dataclass: a sheet where most villages meet several standards
    makes hundreds of thousands, and a tuple is made in a fraction of the time (`check_records`)."""

    id: str
    evidence: dict[str, Any]


_first = operator.itemgetter(0)  # a Match's id


class Undetermined(tuple):
    """(standard id, blank field ids) of an undetermined standard; `reason` and `detail` say why when no
    blank did (`"division by zero"`, `"party_members = 0"`)."""

    def __new__(cls, cid: str, missing: tuple[str, ...], reason: str | None = None, detail: str | None = None):
        self = super().__new__(cls, (cid, missing))
        self.reason = reason
        self.detail = detail
        return self

    def __getnewargs__(self):  # pickles with its reason
        return (self[0], self[1], self.reason, self.detail)


@dataclass(slots=True)
class VillageResult:
    record: Record
    matches: Sequence[Match]
    undetermined: Sequence[tuple[str, tuple[str, ...]]]  # (standard id, blank field ids it depends on)

    @property
    def flagged(self) -> bool:
        return bool(self.matches)


@dataclass
class CheckResult:
    criteria: Criteria
    as_of: dt.date
    villages: list[VillageResult]
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)  # shown, never counted in the exit code

    def summary(self) -> dict[str, Any]:
        # Counted at C speed (a many-findings sheet has some 300,000 findings): the standards met, in the
        # order first met, as the loop over villages gave them.
        met = [v.matches for v in self.villages if v.matches]
        by = Counter(map(_first, itertools.chain.from_iterable(met)))
        flagged = len(met)
        undetermined = sum(1 for v in self.villages if v.undetermined)
        order = {c.id: i for i, c in enumerate(self.criteria.criteria)}
        return {
            "villages": len(self.villages),
            "flagged": flagged,
            "undetermined": undetermined,
            "problems": len(self.problems),
            "notices": len(self.notices),
            "by_criterion": dict(sorted(by.items(), key=lambda kv: order.get(kv[0], 0))),
        }

    @property
    def exit_code(self) -> int:
        """0: nothing flagged, no problems; 1: flagged villages, no problems; 2: any problem."""
        if self.problems:
            return 2
        return 1 if any(v.matches for v in self.villages) else 0

    def value(self, village: VillageResult, field_id: str) -> Any:
        return village.record.values[self.criteria.index[field_id]]


def check_records(records: Iterable[Record], criteria: Criteria) -> list[VillageResult]:
    """Evaluate every standard on every record.

    One generated call per record decides all standards; only the few records that meet a standard or
    have blanks are looked at further, which keeps 100,000 villages well under a second.
    """
    screen, evaluate = criteria.screen, criteria.evaluate
    # The findings of a village met (in a many-findings sheet, nearly every village) come from one
    # generated call: each standard's evidence fields, positions and either-or branches are in its code.
    found = findings_function(criteria, Match)
    results: list[VillageResult] = []
    # The loop makes a few containers per village met and never a reference cycle; with the collector on,
    # each of its full passes would walk every record read so far (most of the time of a sheet where
    # nearly every village meets a standard: measured 0.7 s of 1.1 s CPU for 100,000 villages). The `lax`
    # command runs with it off already (lax.cli.common.command); this is for the library's callers.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _check_all(records, criteria, screen, evaluate, found, results)
    finally:
        if collecting:
            gc.enable()
    return results


def _check_all(records, criteria, screen, evaluate, found, results) -> None:
    """`check_records`' loop: one VillageResult per record appended to `results`."""
    standards = criteria.criteria
    index = criteria.index
    append = results.append
    none = ()  # shared by the clean villages: nothing met, nothing undetermined
    for record in records:
        values = record.values
        try:
            outcome = screen(values)
        except Exception:  # noqa: BLE001 - e.g. a division by zero: the careful path decides
            outcome = evaluate(values)
        if outcome is None:
            append(VillageResult(record, none, none))
            continue
        if None not in outcome:
            if True in outcome:
                append(VillageResult(record, found(values, outcome), []))
            else:  # the careful path found nothing after all
                append(VillageResult(record, none, none))
            continue
        undetermined: list[tuple[str, tuple[str, ...]]] = []
        for c, r in zip(standards, outcome):
            if r is None:
                missing = tuple(f for f in c.fields if values[index[f]] is None)
                why = undetermined_reason(criteria, c, values) if not missing else None
                if why is None and not missing:
                    why = ("cannot be evaluated", "")
                undetermined.append(Undetermined(c.id, missing, *why) if why else (c.id, missing))
        append(VillageResult(record, found(values, outcome) if True in outcome else [], undetermined))


def run_check(
    paths: Sequence[str],
    criteria: Criteria,
    as_of: dt.date,
    sheet: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
    on_stage: Callable[[str, str | None], None] | None = None,
) -> CheckResult:
    """Read the files and apply the standards: the whole of `lax check` without the printing.

    `on_stage(stage, path)` says what is being done, for a progress bar: ("reading", each file), then
    ("checking", None).

    `today` is the date of the run when it differs from `as_of` (a check dated with `--as-of`): an `as_of`
    far from it, or after it, is a notice. Examination dates are compared with `as_of` (`date_notices`)."""
    from lax.read.records import read_records

    on_file = (lambda path: on_stage("reading", path)) if on_stage is not None else None
    read = read_records(paths, criteria, sheet=sheet, on_progress=on_progress, on_file=on_file)
    if on_stage is not None:
        on_stage("checking", None)
    records, problems = read
    notices = list(read.notices)
    if today is not None:
        notices.extend(as_of_notices(as_of, today))
    notices.extend(date_notices(records, criteria, as_of))
    return CheckResult(criteria, as_of, check_records(records, criteria), problems, notices)


FAR_DAYS = 92  # a quarter: an examination date further than this from the check is said


def as_of_notices(as_of: dt.date, today: dt.date) -> list[Notice]:
    """An `as-of-future` or `as-of-far` notice when the check's date (`--as-of`) is after the day of the run
    or more than a quarter before it."""
    days = (today - as_of).days
    if days < 0:
        return [
            Notice(
                "as-of-future",
                _(
                    f"the check date {as_of} is {-days} days after today ({today})",
                    f"检查日期 {as_of} 比今天（{today}）晚 {-days} 天",
                ),
                "--as-of",
                value=as_of.isoformat(),
            )
        ]
    if days > FAR_DAYS:
        return [
            Notice(
                "as-of-far",
                _(
                    f"the check date {as_of} is {days} days before today ({today})",
                    f"检查日期 {as_of} 比今天（{today}）早 {days} 天",
                ),
                "--as-of",
                value=as_of.isoformat(),
            )
        ]
    return []


def date_notices(records: Sequence[Record], criteria: Criteria, as_of: dt.date) -> list[Notice]:
    """Per sheet (or file), one `checked-on-future` notice when an examination date (排查日期) is after the
    check date, and one `checked-on-far` when one is more than a quarter (`FAR_DAYS`) before it; each names
    the furthest date, its row and how many villages are so dated. A sheet examined last year, or dated
    with a typing slip (2062), is then seen before its findings are recorded as this quarter's."""
    if "checked_on" not in criteria.index:
        return []
    fi = criteria.index["checked_on"]
    f = criteria.fields[fi]
    by_sheet: dict[tuple, list] = {}
    for rec in records:
        day = rec.values[fi]
        if day is None or not isinstance(day, dt.date):
            continue
        if day > as_of or (as_of - day).days > FAR_DAYS:
            by_sheet.setdefault((rec.path, rec.sheet), []).append(rec)
    out: list[Notice] = []
    totals = Counter((r.path, r.sheet) for r in records) if by_sheet else Counter()
    for (path, sheet), recs in by_sheet.items():
        total = totals[(path, sheet)]
        late = [r for r in recs if r.values[fi] > as_of]
        early = [r for r in recs if r.values[fi] < as_of]
        for code, group in (("checked-on-future", late), ("checked-on-far", early)):
            if not group:
                continue
            rec = max(group, key=lambda r: abs((r.values[fi] - as_of).days))
            day = rec.values[fi]
            days = abs((day - as_of).days)
            n = len(group)
            if code == "checked-on-future":
                msg = _(
                    f"{f.title_en} {day} is {days} days after the check date {as_of} ({n} of {total} villages)",
                    f"{f.title_zh} {day} 比检查日期 {as_of} 晚 {days} 天（{total} 个村中有 {n} 个）",
                )
            else:
                msg = _(
                    f"{f.title_en} {day} is {days} days before the check date {as_of} ({n} of {total} villages)",
                    f"{f.title_zh} {day} 比检查日期 {as_of} 早 {days} 天（{total} 个村中有 {n} 个）",
                )
            out.append(
                Notice(
                    code,
                    msg,
                    path,
                    sheet=sheet,
                    row=rec.row,
                    column=(rec.columns or {}).get("checked_on"),
                    field="checked_on",
                    value=day.isoformat(),
                )
            )
    return out


NOTICE_COLUMNS = 20  # columns named in a sheet's notice line; JSON and the notices themselves hold them all


def notice_lines(result: CheckResult) -> list[str]:
    """The notices as a person reads them: one line per sheet (or file), the columns not understood and the
    fields missing gathered (`邓埠镇.xlsx, sheet 排查表: columns not understood: E 是否完成换届 (did you mean
    换届完成?); fields missing: Satisfaction (%) (C15)`), names merged and dates after them."""
    from lax.i18n import get_lang

    zh = get_lang() == "zh"
    crit = result.criteria
    groups: dict[tuple, dict[str, list[str]]] = {}
    for n in result.notices:
        parts = groups.setdefault((n.path, n.sheet), {})
        if n.code in ("unknown-column", "repeated-column"):
            text = f"{n.column} {n.value}" if n.column else f"{n.value}"
            if n.column and not n.value:
                text = f"{n.column} " + _("(no header, has values)", "（无表头，有数据）")
            if n.field in crit.index:
                f = crit.field(n.field)
                title = f.title_zh if has_cjk(str(n.value)) else f.title_en
                text += (
                    _(f" (did you mean {title}?)", f"（是否应为“{title}”？）")
                    if n.code == "unknown-column"
                    else _(f" ({title} again, not read)", f"（重复的“{title}”，未读取）")
                )
            parts.setdefault("unknown", []).append(text)
        elif n.code == "missing-field":
            name = crit.field(n.field).title() if n.field in crit.index else n.field  # its title, as a sheet names it
            parts.setdefault("missing", []).append(f"{name} ({n.value})" if not zh else f"{name}（{n.value}）")
        elif n.code == "name-normalised":
            parts.setdefault("names", []).append(n.message)
        else:
            parts.setdefault("other", []).append(n.message)
    lines = []
    sep = "; " if not zh else "；"
    for (path, sheet), parts in groups.items():
        segments = []
        if "unknown" in parts:
            shown = parts["unknown"][:NOTICE_COLUMNS]  # a sheet of 16,384 columns stays one readable line
            more = len(parts["unknown"]) - len(shown)
            if more:
                shown.append(_(f"… and {more} more", f"……另有 {more} 列"))
            segments.append(_("columns not understood: ", "未识别的列：") + (", " if not zh else "、").join(shown))
        if "missing" in parts:
            segments.append(_("fields missing: ", "缺少的字段：") + (", " if not zh else "、").join(parts["missing"]))
        segments.extend(parts.get("names", []))
        segments.extend(parts.get("other", []))
        lines.append(place(path, sheet) + _(": ", "：") + sep.join(segments))
    return lines


def json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def village_to_dict(result: CheckResult, v: VillageResult) -> dict[str, Any]:
    """One village in the JSON shape of `lax check`."""
    rec = v.record
    idx = result.criteria.index
    values = rec.values
    code = values[idx["code"]] if "code" in idx else None
    return {
        "township": values[idx["township"]],
        "village": values[idx["village"]],
        "code": code,
        "source": {"path": rec.path, "sheet": rec.sheet, "row": rec.row},
        "flagged": bool(v.matches),
        "matches": [
            {
                "id": m.id,
                "title": result.criteria.criterion(m.id).title(),
                "evidence": {k: json_value(x) for k, x in m.evidence.items()},
            }
            for m in v.matches
        ],
        "undetermined": [_undetermined_dict(u) for u in v.undetermined],
    }


def _undetermined_dict(u: tuple) -> dict[str, Any]:
    d: dict[str, Any] = {"id": u[0], "missing": list(u[1])}
    reason = getattr(u, "reason", None)
    if reason:  # undetermined with no blank: e.g. a division by zero
        d["reason"] = reason
        if u.detail:
            d["detail"] = u.detail
    return d


def undetermined_words(u: tuple, criteria: Criteria | None = None) -> str | None:
    """`division by zero (Party members = 0)` / `除数为零（党员人数 = 0）` for an undetermined standard with a
    reason, in the user's language; with `criteria`, each field by its title (JSON keeps the ids: `u.detail`)."""
    reason = getattr(u, "reason", None)
    if not reason:
        return None
    words = {
        "division by zero": _("division by zero", "除数为零"),
        "cannot be evaluated": _("cannot be evaluated", "无法计算"),
    }.get(reason, reason)
    if not u.detail:
        return words
    detail = u.detail
    if criteria is not None:
        import re

        detail = re.sub(
            r"\b([a-z_][a-z0-9_]*) = ",
            lambda m: f"{criteria.field(m[1]).title()} = " if m[1] in criteria.index else m[0],
            detail,
        )
    return _(f"{words} ({detail})", f"{words}（{detail}）")


def write_json(result: CheckResult, out: IO[str]) -> None:
    """Write the JSON of `lax check`, one village per line.

    Streamed rather than built as one dict: nine villages in ten are clean, and their line is a fixed
    pattern filled with already-escaped strings, which keeps a 100,000-village result fast and small in
    memory. The text parses to exactly `result_to_dict(result)`.
    """
    dumps = functools.partial(json.dumps, ensure_ascii=False)
    head = result_to_dict(result, villages=False)
    problems = head.pop("problems")
    notices = head.pop("notices")
    out.write(dumps(head)[:-1] + ',\n"villages": [')
    idx = result.criteria.index
    it, iv = idx["township"], idx["village"]
    ic = idx.get("code")
    prefixes: dict[tuple, str] = {}
    enc = _encode_str
    batch: list[str] = []
    sep = "\n"
    # A flagged village (in a stress sheet nearly every one) is written the same way: each standard's
    # `{"id": ..., "title": ..., "evidence": {` and each field's `"key": ` are encoded once, the values one
    # by one the way json.dumps writes them (its own C escaper for text, repr for numbers), and the lines
    # go out in a few large writes.
    heads: dict[str, str] = {}
    keys: dict[str, str] = {}
    single: dict[tuple, str] = {}
    names: dict[str, str] = {}  # township names repeat: each is escaped once
    float_repr = float.__repr__
    for v in result.villages:
        rec = v.record
        row = rec.row
        if v.undetermined or row.__class__ is not int:
            batch.append(dumps(village_to_dict(result, v)))
            continue
        prefix = prefixes.get((rec.path, rec.sheet))
        if prefix is None:
            prefix = prefixes[(rec.path, rec.sheet)] = (
                f', "source": {{"path": {dumps(rec.path)}, "sheet": {dumps(rec.sheet)}, "row": '
            )
        values = rec.values
        t, n = values[it], values[iv]
        c = values[ic] if ic is not None else None
        if t.__class__ is str:
            t = names.get(t) or names.setdefault(t, enc(t))
        else:
            t = _enc(t)
        ident = (
            f'{{"township": {t}, '
            f'"village": {enc(n) if n.__class__ is str else _enc(n)}, '
            f'"code": {enc(c) if c.__class__ is str else float_repr(c) if c.__class__ is float and c - c == 0 else _enc(c)}'
            f"{prefix}{row}}}, "
        )
        if not v.matches:
            batch.append(ident + '"flagged": false, "matches": [], "undetermined": []}')
            continue
        found = []
        for mid, evidence in v.matches:
            if len(evidence) == 1:
                # The usual finding: one count or yes/no, of a few values that repeat (a vacancy of 3
                # months, 班子不团结 是): its whole text is made once. Keyed by the value's class too, so
                # True and 1 (equal in Python) never share a text; text and fractions are written each time.
                ((k, x),) = evidence.items()
                cls = x.__class__
                if cls is int or cls is bool:
                    whole = (mid, k, cls, x)
                    text = single.get(whole)
                    if text is None:
                        text = _match_json(mid, evidence, heads, keys, result.criteria)
                        if len(single) < 65536:
                            single[whole] = text
                    found.append(text)
                    continue
            found.append(_match_json(mid, evidence, heads, keys, result.criteria))
        batch.append(ident + '"flagged": true, "matches": [' + ", ".join(found) + '], "undetermined": []}')
        if len(batch) >= 2048:  # a few large writes instead of one per village
            out.write(sep + ",\n".join(batch))
            sep = ",\n"
            batch.clear()
    if batch:
        out.write(sep + ",\n".join(batch))
    out.write(
        '\n],\n"problems": [' + ",\n".join(dumps(p) for p in problems) + "],\n"
        '"notices": [' + ",\n".join(dumps(n) for n in notices) + "]}\n"
    )


def _match_json(mid: str, evidence: dict[str, Any], heads: dict[str, str], keys: dict[str, str], criteria) -> str:
    """One finding's JSON as json.dumps writes it: `{"id": ..., "title": ..., "evidence": {...}}`, with the
    standard's head and each field's `"key": ` kept in `heads` and `keys` and each value written the way
    json.dumps would (its own C escaper for text, repr for numbers)."""
    head = heads.get(mid)
    if head is None:
        dumps = functools.partial(json.dumps, ensure_ascii=False)
        head = heads[mid] = f'{{"id": {dumps(mid)}, "title": {dumps(criteria.criterion(mid).title())}, "evidence": {{'
    shown = []
    for k, x in evidence.items():
        key = keys.get(k)
        if key is None:
            key = keys[k] = json.dumps(k, ensure_ascii=False) + ": "
        cls = x.__class__
        if cls is str:
            shown.append(key + _encode_str(x))
        elif cls is int:
            shown.append(key + int.__repr__(x))
        elif cls is bool:
            shown.append(key + ("true" if x else "false"))
        elif cls is float and x - x == 0:  # finite; json.dumps writes NaN and Infinity its own way
            shown.append(key + float.__repr__(x))
        else:
            shown.append(key + _enc(x))
    return head + ", ".join(shown) + "}}"


def _enc(value: Any) -> str:
    if value.__class__ is str:
        return _encode_str(value)
    return json.dumps(json_value(value), ensure_ascii=False)


def result_to_dict(result: CheckResult, villages: bool = True) -> dict[str, Any]:
    """The whole result in the JSON shape of `lax check` (without the villages list when `villages` is false)."""
    data = {
        "criteria": {
            "path": result.criteria.path,
            "version": result.criteria.version,
            "count": len(result.criteria.criteria),
        },
        "as_of": result.as_of.isoformat(),
        "summary": result.summary(),
        "villages": [village_to_dict(result, v) for v in result.villages] if villages else [],
        "problems": [p.to_dict() for p in result.problems],
        "notices": [n.to_dict() for n in result.notices],
    }
    if not villages:
        del data["villages"]
    return data
