"""Recording a check (`lax check --record`): what `lax check` found becomes ledger events.

A newly flagged village is opened, a rebound in its watch year reopened, an open round gets the standards
it newly meets; each township present gets its quarter's submission. Rows are matched to ledger villages
by code when either side has one (`_LedgerIndex`); the whole record is one transaction.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lax.criteria import Policy
from lax.i18n import _
from lax.ledger.append import _appended, _Change, _commit, _fresh, _plan, _read_text_or_raise, _safe_parse, make_event
from lax.ledger.fileformat import Entry, _dump, _has_control, _Unreadable, dump_entry, dump_township, parse_text
from lax.ledger.names import _new_path, check_name, township_file_name
from lax.ledger.profile import changed, profile_as_of, row_profile, with_profile
from lax.ledger.recorder import source_text
from lax.ledger.store import _refuse_if_unreadable, load_entries_checked, township_file
from lax.ledger.transaction import locked
from lax.ledger.validate import _entry_from, _format_problems
from lax.lifecycle import CHANNELS, EMPTY, Event, default_deadline, state_as_of
from lax.problems import LaxError

if TYPE_CHECKING:
    from lax.check import CheckResult


@dataclass
class RecordSummary:
    """What `record_check` did."""

    opened: int = 0
    reopened: int = 0
    amended: int = 0
    unchanged: int = 0
    missed_inclusions: int = 0
    submissions: int = 0
    files: list[Path] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)  # ledger villages without a code that took the sheet's
    # which quarter each township's submission was filed under and why, when it was not given (`--quarter`)
    notices: list[str] = field(default_factory=list)
    profiles: int = 0  # villages whose profile (the criteria's `profile: true` fields) was recorded or changed
    profiles_older: int = 0  # villages whose ledger has events after the check's date: profile left as it was
    # villages under rectification or in the watch year whose tracked measures (satisfaction, petitions: the
    # "after" of 成效) a later sheet recorded; those kept at identification ride on the round's opening
    measured: int = 0

    def describe(self) -> str:
        """One line for the person who ran `lax check --record`."""
        line = self._counts()
        if self.profiles:
            line += _(f"; profile recorded for {self.profiles} village(s)", f"；记录 {self.profiles} 个村的基本情况")
        if self.measured:
            line += _(
                f"; satisfaction/petitions recorded after identification for {self.measured} village(s)",
                f"；记录 {self.measured} 个村认定后的满意度、信访等指标",
            )
        if self.profiles_older:
            line += _(
                f"; profile of {self.profiles_older} village(s) not recorded: their ledger has later events",
                f"；{self.profiles_older} 个村的基本情况未记录：台账中已有更晚的记录",
            )
        if self.adopted:
            line += _(
                f"; code taken from the input: {'; '.join(self.adopted)}",
                f"；采用输入中的村代码：{'；'.join(self.adopted)}",
            )
        return line

    def _counts(self) -> str:
        if not self.files:
            return _(
                f"ledger: nothing new to record ({self.unchanged} flagged village(s) already recorded)",
                f"台账：无新内容需要记录（{self.unchanged} 个被认定的村已在台账中）",
            )
        return _(
            f"ledger: {self.opened} opened, {self.reopened} reopened (rebound), {self.amended} with standards added, "
            f"{self.unchanged} unchanged, {self.missed_inclusions} missed inclusion(s), "
            f"{self.submissions} submission(s); {len(self.files)} file(s) written",
            f"台账：新列入 {self.opened} 个，反弹重新整改 {self.reopened} 个，追加认定情形 {self.amended} 个，"
            f"无变化 {self.unchanged} 个，漏报 {self.missed_inclusions} 个，记录报送 {self.submissions} 次；"
            f"写入 {len(self.files)} 个文件",
        )


def quarter_of(d: dt.date) -> str:
    """`2026Q3`."""
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def submission_quarter(text: str, as_of: dt.date, name: str | None = None) -> str:
    """The quarter a submission is filed under when a person names it (`2026Q4`, `2026-Q4`, `2026年第四季度`),
    as `2026Q4`; a LaxError (exit 2) for anything else, and for a quarter after that of `as_of` (the check
    date): a sheet cannot have been examined for a quarter that has not begun. `name` is what the message
    calls the input (the CLI gives `--quarter`)."""
    from lax.report.period import quarter_key

    label = name or _("quarter", "季度")
    key = quarter_key(text)
    if key is None:
        raise LaxError(
            _(
                f"{label}: '{text}' is not a quarter (expected e.g. 2026Q4, 2026-Q4 or 2026年第四季度)",
                f"{label}：“{text}”不是季度（应为 2026Q4、2026-Q4 或 2026年第四季度 这样的写法）",
            )
        )
    if key > quarter_of(as_of):
        raise LaxError(
            _(
                f"{label}: {key} is after {quarter_of(as_of)}, the quarter of the check date {as_of}; "
                "a submission is filed under a quarter that has begun",
                f"{label}：{key} 晚于检查日期 {as_of} 所在的 {quarter_of(as_of)}；报送只能记入已经开始的季度",
            )
        )
    return key


def _jsonable(value: Any) -> Any:
    """A value safe to write to YAML and JSON: dates stay dates, anything unusual becomes text."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        # A control character read from a cell would make the file fail `verify` (and be read by no command)
        return (
            "".join("\ufffd" if unicodedata.category(ch) == "Cc" and ch not in "\t\n" else ch for ch in value)
            if _has_control(value)
            else value
        )
    if isinstance(value, (bool, int, dt.date)) or value is None:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None  # NaN or infinity is no evidence; `verify` would reject the file
        return int(value) if value.is_integer() else value
    return str(value)


def record_check(
    folder: Path,
    villages: list[dict],
    as_of: dt.date,
    channel: str,
    policy: Policy,
    criteria_ids: set[str],
    source: str | None,
    recorded: dict | None = None,
    quarter: str | None = None,
    date_title: tuple[str, str] = ("Checked on", "排查日期"),
) -> RecordSummary:
    """Record what `lax check` found (`lax check --record`).

    `villages` holds every village read, flagged or not: {"township", "village", "code", "criteria": [ids met],
    "evidence": {id: {field: value}}, optionally "checked_on": date, "source": {path, sheet, row} and "profile":
    {field: value} (the criteria's `profile: true` fields; `lax.ledger.profile`) and "tracked": {field: value}
    (its `tracked: true` fields, kept on the profile too; `lax.ledger.measured`)}. A newly
    flagged village (none or a closed round) is opened; one in its
    watch year (accepted) is reopened as a rebound; one still identified or rectifying gets the standards it
    newly meets added (`amended`), else nothing. With channel `self`, each township present gets one
    `submission` per quarter; with `spot`, a flagged village its township had not listed (no open round)
    also gets a `missed_inclusion`. Every village of the input already on the ledger (or opened now) keeps
    the profile values that are new or changed, on its new event or in a `profile` event; a check dated before
    a village's last event leaves its profile. Running it twice records nothing the second time.
    Each event keeps the row it came from (`source`, else the text `source` given) and, when given,
    `recorded` ({by, at}: who ran the check and when). Each submission is filed under `quarter` when given
    (`submission_quarter`), else under the quarter of the township's latest 排查日期, else of `as_of`, and
    `summary.notices` says which and why (`date_title`: the date field's title, English and Chinese).
    Villages are matched by code when either side has one (`_match_row`); a ledger village without a code
    takes the code of the one row of its names (said in the summary), and an ambiguous match is refused.
    All-or-nothing as far as checks go: a refused step (e.g. an event older than the file's last) raises
    before any file is written.
    """
    if channel not in CHANNELS:
        raise LaxError(
            _(
                f"channel: '{channel}' is not one of {', '.join(CHANNELS)}",
                f"channel：“{channel}”不在 {', '.join(CHANNELS)} 之中",
            )
        )
    folder = Path(folder)
    summary = RecordSummary()
    if quarter is not None:
        quarter = submission_quarter(quarter, as_of)
    with locked(folder):
        entries, problems = load_entries_checked(folder)
        changes: dict[Path, _Change] = {}
        taken: set[str] = set()
        refusals: list[str] = []
        seen: set[Any] = set()
        per_township: dict[str, int] = {}
        township_sources: dict[str, dict[str, None]] = {}  # township -> the files its rows came from, in order
        examined: dict[str, tuple[dt.date, str | None]] = {}  # township -> its latest 排查日期 and the file it is in
        date_columns: dict[str, bool] = {}  # township -> whether any of its sheets has a 排查日期 column
        index = _LedgerIndex(entries)
        handled: dict[Path, str] = {}  # ledger file -> the row that matched it
        bad_names: list[str] = []
        rows: list[tuple[str, str, str | None, dict]] = []
        for v in villages:
            township = str(v.get("township") or "").strip()
            village = str(v.get("village") or "").strip()
            if not township or not village:
                continue
            try:  # the same rule as `lax ledger open`, so whatever is recorded can be exported and imported back
                check_name(township, "township")
                check_name(village, "village")
            except LaxError as e:
                bad_names.append(f"{township}/{village}: {e}")
                continue
            code = v.get("code")
            code = str(code).strip() if code not in (None, "") else None
            rows.append((township, village, code, v))
        conflicts = index.conflicts(rows)
        if conflicts:
            raise LaxError(
                _(f"nothing recorded: {conflicts[0]}", f"未记录任何内容：{conflicts[0]}"), details=conflicts[1:]
            )
        for township, village, code, v in rows:
            key = ("code", code) if code else ("names", township, village)
            if key in seen:
                continue
            seen.add(key)
            per_township[township] = per_township.get(township, 0) + 1
            row_source = _row_source(v.get("source"))
            if row_source is not None:
                township_sources.setdefault(township, {})[row_source["path"]] = None
            checked = v.get("checked_on")
            if isinstance(checked, dt.datetime):
                checked = checked.date()
            if isinstance(checked, dt.date) and (township not in examined or checked > examined[township][0]):
                examined[township] = (checked, row_source["path"] if row_source is not None else None)
            if v.get("date_column"):
                date_columns[township] = True
            met = list(dict.fromkeys(str(c) for c in (v.get("criteria") or [])))
            unknown = [c for c in met if c not in criteria_ids]
            if unknown:
                raise LaxError(
                    _(
                        f"{township}/{village}: unknown standard {', '.join(unknown)}",
                        f"{township}/{village}：未知标准 {'、'.join(unknown)}",
                    )
                )
            profile = {k: _jsonable(x) for k, x in row_profile(v.get("profile")).items()}
            tracked = {k: _jsonable(x) for k, x in row_profile(v.get("tracked")).items()}
            profile.update((k, x) for k, x in tracked.items() if k not in profile)
            if not met and not profile:
                continue
            evidence = {c: _jsonable(e) for c, e in (v.get("evidence") or {}).items() if c in met}
            where = _row_label(township, village, code, v)
            try:
                entry, adopt = index.match(township, village, code, where)
            except LaxError as e:
                if met:  # a village not flagged only brings its profile: no reason to refuse the record
                    conflicts.append(str(e))
                continue
            if not met and (entry is None or entry.path in handled):
                continue  # only a village already on the ledger keeps a profile
            if entry is not None and met:
                if entry.path in handled:
                    conflicts.append(
                        _(
                            f"{handled[entry.path]} and {where} both match {entry.path}; give each its village code",
                            f"{handled[entry.path]} 与 {where} 都对应 {entry.path}；请为每行填写村代码",
                        )
                    )
                    continue
                handled[entry.path] = where
            try:
                events = (
                    _events_for(
                        entry,
                        met,
                        evidence,
                        as_of,
                        channel,
                        policy,
                        row_source if row_source is not None else source,
                        recorded,
                    )
                    if met
                    else None
                )
            except LaxError as e:
                refusals.append(str(e))
                continue
            if met and events is None:
                summary.unchanged += 1
            if profile:
                history = entry.events if entry is not None else ()
                if events is None and history and as_of < history[-1].date and changed(profile_as_of(history), profile):
                    # the sheet is older than what the ledger knows: its profile may be out of date
                    summary.profiles_older += 1
                else:
                    with_it = with_profile(events, history, profile, as_of, row_source or source, recorded, tracked)
                    if with_it is not events:
                        written = {k for ev in with_it for k in (ev.data.get("profile") or {})}
                        # the village's facts (基本情况) and, apart, the measures a later sheet took again
                        summary.profiles += any(k not in tracked for k in written)
                        summary.measured += any(k in tracked for k in written) and not any(
                            ev.type == "identified" for ev in with_it
                        )
                    events = with_it
            if events is None:
                continue
            if entry is not None:
                handled.setdefault(entry.path, where)
            kinds = [e.type for e in events]
            summary.opened += kinds.count("identified")
            summary.reopened += kinds.count("reopened")
            summary.amended += kinds.count("amended")
            summary.missed_inclusions += kinds.count("missed_inclusion")
            try:
                if entry is not None:
                    old, text = _fresh(entry.path, policy)
                    new_code = old.code
                    if adopt and old.code is None:
                        new_code = code
                        text = _with_code(text, old, code)
                        summary.adopted.append(
                            _(
                                f"{old.label} ({old.path.name}) takes code {code} from {where}",
                                f"{old.label}（{old.path.name}）采用 {where} 的村代码 {code}",
                            )
                        )
                    changes[old.path] = _plan(
                        old.path, old, text, (old.township, old.village, new_code), events, policy
                    )
                else:
                    _refuse_if_unreadable(entries, problems, folder)
                    path = _new_path(folder, township, village, code, taken)
                    taken.add(path.name)
                    change = _plan(path, None, None, (township, village, code), events, policy)
                    changes[path] = change
                    index.add(change.new)
                    handled[path] = where
            except LaxError as e:
                refusals.append(str(e))
        if conflicts:  # which ledger village a row is cannot be told: a problem of identity, not a refused step
            raise LaxError(
                _(f"nothing recorded: {conflicts[0]}", f"未记录任何内容：{conflicts[0]}"), details=conflicts[1:]
            )
        if bad_names:
            raise LaxError(
                _(
                    f"nothing recorded: {len(bad_names)} name(s) cannot go into the ledger",
                    f"未记录任何内容：{len(bad_names)} 个名称无法记入台账",
                ),
                details=bad_names,
            )
        if refusals:
            raise LaxError(
                _(
                    f"nothing recorded: {len(refusals)} village(s) cannot take this check's results",
                    f"未记录任何内容：{len(refusals)} 个村无法记入本次排查结果",
                ),
                exit_code=1,
                details=refusals,
            )
        sources = {t: ", ".join(paths) for t, paths in township_sources.items()}
        township_changes = (
            _submissions(
                folder,
                per_township,
                examined,
                as_of,
                source,
                sources,
                recorded,
                quarter=quarter,
                date_columns=date_columns,
                date_title=date_title,
                notices=summary.notices,
            )
            if channel == "self"
            else []
        )
        # One transaction: the village files and the township files land together or not at all.
        summary.files = _commit(list(changes.values()), township_changes, folder)
        summary.files += [path for path, _text in township_changes]
        summary.submissions += len(township_changes)
    return summary


def check_rows(result: CheckResult) -> list[dict]:
    """The villages of a `lax check` result as `record_check` takes them: every village read, flagged or not,
    with the standards it meets, their evidence, its 排查日期 and the row it came from."""
    idx = result.criteria.index
    villages = []
    for v in result.villages:
        values = v.record.values
        villages.append(
            {
                "township": values[idx["township"]],
                "village": values[idx["village"]],
                "code": values[idx["code"]] if "code" in idx else None,
                "criteria": [m.id for m in v.matches],
                "evidence": {m.id: dict(m.evidence) for m in v.matches},
                "checked_on": values[idx["checked_on"]] if "checked_on" in idx else None,
                # whether the row's sheet has a 排查日期 column at all (None: not known, e.g. a YAML list)
                "date_column": None if v.record.columns is None else "checked_on" in v.record.columns,
                # the village's profile: the criteria's `profile: true` fields (blank ones left out when recorded)
                "profile": {f.id: values[idx[f.id]] for f in result.criteria.profile_fields},
                # the measures 成效 compares before and after (`tracked: true`), kept on the profile the same way
                "tracked": {f.id: values[idx[f.id]] for f in result.criteria.tracked_fields},
                # the row itself: file as given, sheet (spreadsheets only) and row (or item of a YAML/JSON list)
                "source": {"path": v.record.path, "sheet": v.record.sheet, "row": v.record.row},
            }
        )
    return villages


def record_result(
    folder: Path,
    result: CheckResult,
    channel: str,
    source: str | None,
    recorded: dict | None = None,
    quarter: str | None = None,
) -> RecordSummary:
    """Record a `lax check` result in the ledger (`record_check` on `check_rows`). An input with problems
    records nothing: a village whose row could not be read would be missing from the record. `quarter`:
    the quarter every township's submission is filed under (else each township's 排查日期 says)."""
    if result.problems:
        raise LaxError(
            _(
                f"nothing recorded in the ledger: the input has {len(result.problems)} problem(s); fix them and run again",
                f"未记入台账：输入有 {len(result.problems)} 处问题，请修正后重新运行",
            )
        )
    return record_check(
        folder,
        check_rows(result),
        result.as_of,
        channel,
        result.criteria.policy,
        set(result.criteria.ids),
        source,
        recorded,
        quarter=quarter,
        date_title=_date_title(result.criteria),
    )


def _date_title(criteria: Any) -> tuple[str, str]:
    """The 排查日期 field's title in English and Chinese, as the notices name it."""
    try:
        f = criteria.field("checked_on")
        return f.title_en, f.title_zh
    except (KeyError, IndexError, AttributeError):
        return "Checked on", "排查日期"


def _row_source(value: Any) -> dict | None:
    """A row's `source` as written to an event: {path, sheet (spreadsheets only), row}; None if not given."""
    if not isinstance(value, dict) or not value.get("path"):
        return None
    out: dict[str, Any] = {"path": str(value["path"])}
    if value.get("sheet") not in (None, ""):
        out["sheet"] = str(value["sheet"])
    row = value.get("row")
    if isinstance(row, int) and not isinstance(row, bool) and row >= 1:
        out["row"] = row
    return out


def _row_label(township: str, village: str, code: str | None, v: dict) -> str:
    """`dengbu.xlsx:排查表:5 (甲镇/一村, code 360622101201)`: a row as named in a conflict message."""
    src = _row_source(v.get("source"))
    what = f"{township}/{village}" + (_(f", code {code}", f"，村代码 {code}") if code else _(", no code", "，无村代码"))
    if src is None:
        return what
    return f"{source_text(src)} ({what})"


class _LedgerIndex:
    """The ledger's villages by code and by names, for matching the rows of one `check --record`.

    The rule: villages are matched by code when either side has one. A row with a code is the ledger
    village with that code; failing that, a ledger village of the same names that has no code (which
    then takes the row's code). A row without a code is the one ledger village of its names. Anything
    that could be two villages is refused, never guessed.
    """

    def __init__(self, entries: Sequence[Entry]):
        self.by_code: dict[str, Entry] = {}
        self.by_names: dict[tuple[str, str], list[Entry]] = {}
        for e in entries:
            self.add(e)

    def add(self, e: Entry) -> None:
        if e.code:
            self.by_code.setdefault(e.code, e)
        self.by_names.setdefault((e.township, e.village), []).append(e)

    def conflicts(self, rows: Sequence[tuple[str, str, str | None, dict]]) -> list[str]:
        """Two rows of the same names with different codes, against a ledger village of those names without a
        code: which of them the ledger file is cannot be told."""
        coded: dict[tuple[str, str], dict[str, str]] = {}
        for township, village, code, v in rows:
            if code and code not in self.by_code:
                coded.setdefault((township, village), {}).setdefault(code, _row_label(township, village, code, v))
        out = []
        for names, codes in coded.items():
            bare = [e for e in self.by_names.get(names, []) if not e.code]
            if bare and len(codes) > 1:
                labels = list(codes.values())
                out.append(
                    _(
                        f"{bare[0].path} has no village code and the input has {len(codes)} villages "
                        f"{names[0]}/{names[1]} with different codes: {'; '.join(labels)}; write the right code "
                        f"into the ledger file (code: '...') and run again",
                        f"{bare[0].path} 没有村代码，而输入中有 {len(codes)} 个村代码不同的 {names[0]}/{names[1]}："
                        f"{'；'.join(labels)}；请在台账文件中写明村代码（code: '...'）后重新运行",
                    )
                )
        return out

    def match(self, township: str, village: str, code: str | None, where: str) -> tuple[Entry | None, bool]:
        """(the ledger village of a row or None, whether it takes the row's code)."""
        same = self.by_names.get((township, village), [])
        if code:
            found = self.by_code.get(code)
            if found is not None:
                return found, False
            bare = [e for e in same if not e.code]
            if len(bare) > 1:
                raise LaxError(
                    _(
                        f"{where}: the ledger has {len(bare)} files for {township}/{village} without a code: "
                        f"{', '.join(e.path.name for e in bare)}",
                        f"{where}：台账中有 {len(bare)} 个无村代码的 {township}/{village} 文件："
                        f"{'、'.join(e.path.name for e in bare)}",
                    )
                )
            return (bare[0], True) if bare else (None, False)
        if len(same) > 1:
            files = [(e.path.name, e.code or "-") for e in same]
            raise LaxError(
                _(
                    f"{where} matches {len(same)} villages of the ledger: "
                    f"{', '.join(f'{n} ({c})' for n, c in files)}; give the row its village code",
                    f"{where} 对应台账中 {len(same)} 个村："
                    f"{'、'.join(f'{n}（{c}）' for n, c in files)}；请为该行填写村代码",
                )
            )
        return (same[0], False) if same else (None, False)


_CODE_LINE = re.compile(r"^code:[ \t]*(?:null|Null|NULL|~)?[ \t]*(?:#.*)?$", re.M)


def _with_code(text: str, old: Entry, code: str) -> str | None:
    """The village file's text with `code: null` replaced by the adopted code (a hand edit's comments kept);
    None, for the canonical text, when that line cannot be found or the result would read otherwise."""
    if text == dump_entry(old):
        return text  # the canonical text: the new file is written in full anyway
    found = _CODE_LINE.findall(text)
    if len(found) != 1:
        return None
    new_text = _CODE_LINE.sub(_dump({"code": code}).rstrip("\n").replace("\\", "\\\\"), text, count=1)
    try:
        c = _entry_from(parse_text(new_text))
    except _Unreadable:
        return None
    if c.identity is None or c.identity.get("code") != code or c.problems or len(c.events) != len(old.events):
        return None
    return new_text


def _events_for(
    entry: Entry | None,
    met: list[str],
    evidence: dict,
    as_of: dt.date,
    channel: str,
    policy: Policy,
    source: str | dict | None,
    recorded: dict | None = None,
) -> list[Event] | None:
    """The events one flagged village gets from a check on `as_of`, or None when nothing is new."""
    state = state_as_of(entry.events, as_of, policy) if entry else EMPTY
    status = state.status
    deadline = default_deadline(as_of, policy)
    if status in (None, "closed"):
        events = []
        if channel == "spot":
            events.append(
                make_event(
                    as_of,
                    "missed_inclusion",
                    channel=channel,
                    criteria=met,
                    evidence=evidence or None,
                    source=source,
                    recorded=recorded,
                )
            )
        events.append(
            make_event(
                as_of,
                "identified",
                channel=channel,
                criteria=met,
                evidence=evidence or None,
                deadline=deadline,
                source=source,
                recorded=recorded,
            )
        )
        return events
    if status == "accepted":
        return [
            make_event(
                as_of,
                "reopened",
                reason=_(
                    f"meets {', '.join(met)} again ({channel} check)",
                    f"再次符合认定标准 {'、'.join(met)}（{_channel_zh(channel)}）",
                ),
                channel=channel,
                criteria=met,
                evidence=evidence or None,
                deadline=deadline,
                source=source,
                recorded=recorded,
            )
        ]
    new = [c for c in met if c not in state.criteria]
    if not new:
        return None
    return [
        make_event(
            as_of,
            "amended",
            channel=channel,
            criteria=new,
            evidence={c: evidence[c] for c in new if c in evidence} or None,
            source=source,
            recorded=recorded,
        )
    ]


def _channel_zh(channel: str) -> str:
    from lax import terms

    return terms.CHANNELS[channel].zh if channel in terms.CHANNELS else channel


def _submissions(
    folder: Path,
    per_township: dict[str, int],
    examined: dict[str, tuple[dt.date, str | None]],
    as_of: dt.date,
    source: str | None,
    sources: dict[str, str] | None = None,
    recorded: dict | None = None,
    *,
    quarter: str | None = None,
    date_columns: dict[str, bool] | None = None,
    date_title: tuple[str, str] = ("Checked on", "排查日期"),
    notices: list[str] | None = None,
) -> list[tuple[Path, str]]:
    """New township-file texts for this quarter's submissions (one per township per quarter), each keeping
    the number of villages the township's rows held (`villages`).

    The quarter is `quarter` when given; else the one the township examined: that of its latest 排查日期
    (checked_on), so a Q3 examination handed in on 8 October is recorded as a late Q3 submission; else (no
    date column, or every date blank) the quarter of the day the check is recorded. Each submission filed
    without `quarter` adds a line to `notices` saying which quarter and why. A quarter before the ledger's
    first (`lax ledger start`) gets no submission (a notice says so), unless it was asked for: refused.
    """
    from lax.ledger.start import read_start, start_path

    start = read_start(folder)
    notices = notices if notices is not None else []
    title_en, title_zh = date_title
    filed_items: list[tuple[str, str, tuple, bool]] = []  # (township, quarter, reason, has a date column)
    skipped: list[tuple[str, str, tuple, bool]] = []  # the same, for quarters before the ledger's first
    out = []
    paths: dict[Path, str] = {}
    if quarter is not None and start is not None and quarter < start:
        raise LaxError(
            _(
                f"quarter {quarter} is before the ledger's first quarter {start} ({start_path(folder)}); "
                f"nothing recorded",
                f"季度 {quarter} 早于台账的起始季度 {start}（{start_path(folder)}）；未记录任何内容",
            )
        )
    for township, count in per_township.items():
        filed, reason = _submission_quarter_of(
            quarter, examined.get(township), as_of, (sources or {}).get(township) or source
        )
        item = (township, filed, reason, bool((date_columns or {}).get(township)))
        if start is not None and filed < start:
            skipped.append(item)
            continue
        path = township_file(folder, township)
        other = paths.setdefault(path, township)
        if other != township:  # cannot happen with township_file_name; a last guard against merging two townships
            raise LaxError(
                _(
                    f"townships '{other}' and '{township}' would share {path}; nothing recorded",
                    f"乡镇“{other}”与“{township}”会共用 {path}；未记录任何内容",
                )
            )
        events: list[Event] = []
        old_text = None
        if path.exists():
            label = str(path)
            old_text = _read_text_or_raise(path, label)
            parsed = _safe_parse(old_text, label)
            c = _entry_from(parsed, kind="township")
            identity, problems, events = c.identity, _format_problems(label, c.problems), c.events
            if identity is None or problems:
                raise LaxError(
                    _(
                        f"{problems[0] if problems else label} (fix the township file first)",
                        f"{problems[0] if problems else label}（请先修正乡镇文件）",
                    )
                )
            if identity["township"] != township:
                other = identity["township"]
                raise LaxError(
                    _(
                        f"{label}: holds township '{other}', not '{township}' (two names, one file); "
                        f"rename it to {township_file_name(other)}, the file name of '{other}'",
                        f"{label}：记录的是乡镇“{other}”，而不是“{township}”（两个名称对应同一文件）；"
                        f"请将其改名为 {township_file_name(other)}，即“{other}”的文件名",
                    )
                )
        if any(e.type == "submission" and e.data.get("quarter") == filed for e in events):
            continue
        if events and as_of < events[-1].date:
            raise LaxError(
                _(
                    f"{path}: the submission of {as_of} is older than the file's last record ({events[-1].date})",
                    f"{path}：{as_of} 的报送早于该文件最近一条记录（{events[-1].date}）",
                ),
                exit_code=1,
            )
        # the files this township's rows came from (older callers give one text for the whole check)
        event = make_event(
            as_of,
            "submission",
            quarter=filed,
            villages=count,
            source=(sources or {}).get(township) or source,
            recorded=recorded,
        )
        text = dump_township(township, [*events, event])
        if old_text is not None and old_text != dump_township(township, events):
            # a hand-edited file keeps its comments and layout: the submission is appended to it
            text = _appended(old_text, [event], [*events, event], "township") or text
        out.append((path, text))
        filed_items.append(item)
    notices += _grouped_notices(filed_items, as_of, title_en, title_zh)
    if skipped:
        notices += _grouped_notices(skipped, as_of, title_en, title_zh, (start, str(start_path(folder))))
    return out


def _submission_quarter_of(
    quarter: str | None, latest: tuple[dt.date, str | None] | None, as_of: dt.date, where: str | None
) -> tuple[str, tuple]:
    """(the quarter a township's submission is filed under, the reason as a key `_reason_text` words:
    (kind, file, date); kind `asked` with no date when it was asked for and the sheet's dates agree)."""
    if quarter is not None:
        if latest is not None and quarter_of(min(latest[0], as_of)) != quarter:
            return quarter, ("asked_other", latest[1], latest[0])
        return quarter, ("asked", None, None)
    if latest is not None:
        day, path = latest
        return (quarter_of(as_of), ("future", path, day)) if day > as_of else (quarter_of(day), ("dated", path, day))
    return quarter_of(as_of), ("undated", where, None)


def _reason_text(reason: tuple, as_of: dt.date, has_column: bool, title_en: str, title_zh: str) -> str:
    """The clause a notice gives for the quarter a submission went under ("" when asked and agreed)."""
    kind, path, day = reason
    inside_en, inside_zh = (f" in {path}", f"{path} 中") if path else ("", "")
    if kind == "asked_other":
        return _(
            f"as asked, although the latest {title_en} date{inside_en} is {day} ({quarter_of(day)})",
            f"按指定季度，但{' ' if path else ''}{inside_zh}最晚的{title_zh}为 {day}（{quarter_of(day)}）",
        )
    if kind == "future":
        return _(
            f"the latest {title_en} date{inside_en} is {day}, after the check date {as_of}, so the quarter of "
            "the check date is taken",
            f"{inside_zh}最晚的{title_zh}为 {day}，晚于检查日期 {as_of}，故按检查日期所在季度",
        )
    if kind == "dated":
        return _(f"the latest {title_en} date{inside_en} is {day}", f"{inside_zh}最晚的{title_zh}为 {day}")
    if kind == "undated":
        files = path or _("the input", "输入")
        lacks = (
            _(f"every {title_en} date is blank", f"{title_zh}全部为空")
            if has_column
            else _(f"has no {title_en} column", f"没有{title_zh}列")
        )
        return _(
            f"{files} {lacks}, so the quarter of the check date {as_of} is taken; if the sheet was for another "
            "quarter, record it with --quarter",
            f"{files} {lacks}，故按检查日期 {as_of} 所在季度；如该表是其他季度的排查，请用 --quarter 指定季度",
        )
    return ""


def _grouped_notices(
    items: list[tuple[str, str, tuple, bool]],
    as_of: dt.date,
    title_en: str,
    title_zh: str,
    before: tuple[str, str] | None = None,
) -> list[str]:
    """One notice per quarter and reason, naming its townships (a county-wide sheet gives one line, not one
    per township): `邓埠镇, 黄溪镇: submissions filed under 2026Q3: the latest Checked on date in 排查表.xlsx is
    2026-09-29` (the latest of their dates). `before`: (the ledger's first quarter, its file), when the
    submissions were not filed for being before it."""
    groups: dict[tuple, list[tuple[str, tuple, bool]]] = {}
    for township, filed, reason, has_column in items:
        kind, path, _day = reason
        if kind == "asked":
            continue
        groups.setdefault((filed, kind, path, has_column), []).append((township, reason, has_column))
    out = []
    for (filed, kind, path, has_column), members in groups.items():
        names = [t for t, _r, _c in members]
        day = max((r[2] for _t, r, _c in members if r[2] is not None), default=None)
        why = _reason_text((kind, path, day), as_of, has_column, title_en, title_zh)
        who_en, who_zh = ", ".join(names), "、".join(names)
        if before:
            first, where = before
            out.append(
                _(
                    f"{who_en}: no submission filed: {filed} is before the ledger's first quarter {first} ({where}); "
                    f"{why}",
                    f"{who_zh}：未记录报送：{filed} 早于台账的起始季度 {first}（{where}）；{why}",
                )
            )
        else:
            out.append(
                _(
                    f"{who_en}: submission{'s' if len(names) > 1 else ''} filed under {filed}: {why}",
                    f"{who_zh}：报送记入 {filed}：{why}",
                )
            )
    return out
