"""The ledger on disk: one YAML file per village, read, checked, appended to, and recorded from `lax check`.

A ledger folder holds `<township>-<village>.yaml` per village (identity plus an append-only list of dated
events, README "The files") and `_townships/<township>.yaml` for township-level records (quarterly
submissions). Nothing but events is stored: states come from `lax.lifecycle`.

Reading is safe and fast. Files are parsed with a safe YAML loader only (no object construction); a file
written by lax itself is read by a small exact parser for its canonical layout, and anything else (hand
edits, comments, other styles) goes through PyYAML, so both always give the same result. A cache in
`.cache/` keyed by each file's inode, size and timestamps skips even that for unchanged files, so a hand
edit is always noticed. Every problem is reported as `FILE:LINE: message`.

Writing is atomic and locked: one lock file (`.lock`) serialises writers; under it the village file is
re-read, the new event checked against the lifecycle, and the new text written to a temporary file in the
same folder, synced, and renamed over the old one. A crash leaves the old file or the new one, never a torn
one; two processes appending at once both keep their events. A step that writes several files (one
`check --record`: village files and township files; an import) is one transaction: every text is written
aside first, a journal (`.journal`) then decides the record, and the renames follow; the next command that
takes the lock finishes a journal a killed writer left, so a record lands whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import math
import os
import re
import tempfile
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import yaml

from lax.criteria import Policy
from lax.i18n import _
from lax.lifecycle import (
    CHANNELS, EMPTY, EVENT_KEYS, EVENT_TYPES, Event, Replay, State, add_months, event_keys, history_refusals,
    refusal, state_as_of,
)
from lax.problems import YAML_ONLY_BREAKS, LaxError, Problem, editor_lines, os_reason
from lax.yamlsafe import SafeLoader as _BaseLoader
from lax.ledger.recorder import parse_timestamp, source_text

TOWNSHIPS_DIR = "_townships"
LOCK_NAME = ".lock"
JOURNAL_NAME = ".journal"  # a record being written: the renames that complete it (see `_write_all`)
JOURNAL_SUFFIX = ".journal"
CACHE_DIR = ".cache"
_TMP_PREFIX = ".tmp-"
_MAX_FILE_BYTES = 5_000_000
_TEXT_KEYS = {"source", "note", "reason", "by", "county_leader", "township_leader", "first_secretary", "helping_unit"}
_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,39}$")


@dataclass(frozen=True)
class Entry:
    path: Path
    township: str
    village: str
    code: str | None
    events: tuple[Event, ...]

    @property
    def label(self) -> str:
        """`邓埠镇/宋三村`, how a person names the village on the command line."""
        return f"{self.township}/{self.village}"


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

    def describe(self) -> str:
        """One line for the person who ran `lax check --record`."""
        line = self._counts()
        if self.adopted:
            line += _(f"; code taken from the input: {'; '.join(self.adopted)}", f"；采用输入中的村代码：{'；'.join(self.adopted)}")
        return line

    def _counts(self) -> str:
        if not self.files:
            return _(f"ledger: nothing new to record ({self.unchanged} flagged village(s) already recorded)",
                     f"台账：无新内容需要记录（{self.unchanged} 个被认定的村已在台账中）")
        return _(f"ledger: {self.opened} opened, {self.reopened} reopened (rebound), {self.amended} with standards added, "
                 f"{self.unchanged} unchanged, {self.missed_inclusions} missed inclusion(s), "
                 f"{self.submissions} submission(s); {len(self.files)} file(s) written",
                 f"台账：新列入 {self.opened} 个，反弹重新整改 {self.reopened} 个，追加认定情形 {self.amended} 个，"
                 f"无变化 {self.unchanged} 个，漏报 {self.missed_inclusions} 个，记录报送 {self.submissions} 次；"
                 f"写入 {len(self.files)} 个文件")


# ============================================================================================ names


def safe_part(text: str, limit: int = 60) -> str:
    """One recognisable, safe piece of a file name: no separators, no `..`, no control characters."""
    text = unicodedata.normalize("NFC", str(text)).strip()
    out = []
    for ch in text:
        if ch in '/\\:*?"<>|' or unicodedata.category(ch)[0] == "C":
            out.append("_")
        else:
            out.append(ch)
    name = "".join(out)
    while ".." in name:
        name = name.replace("..", "__")
    name = re.sub(r"^[.\s]+", lambda m: "_" * len(m.group()), name)
    name = name[:limit].rstrip(" .")
    return name or "_"


# Characters Windows does not allow in a file name, and `%`, which starts an escape.
_UNSAFE_IN_NAME = set('<>:"/\\|?*%')
_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
_MAX_NAME_BYTES = 200  # well under the 255 bytes most file systems allow, with room for `.yaml`


def _escape(ch: str) -> str:
    n = ord(ch)
    return f"%{n:02X}" if n < 0x100 else f"%u{n:04X}" if n < 0x10000 else f"%U{n:06X}"


def township_file_name(township: str) -> str:
    """`黄溪镇.yaml`: a township's file in `_townships/`, one file per name (an injective function of it).

    Nothing is dropped or replaced, which could give two townships one file (`黄溪镇` and `黄溪镇.`, or
    `新城镇:东区` and `新城镇*东区`): a character not safe in a file name on Windows or Linux (`<>:"/\\|?*`,
    a control character, a leading dot, a trailing dot or space) is written as `%` and its code, as in a web
    address (`新城镇%3A东区.yaml`), and `%` itself as `%25`; a device name (CON, NUL, COM1 ...) has its
    first letter escaped. A name too long for a file keeps its beginning and ends with `%~` and a hash of
    the whole name, which no escaped name contains."""
    text = unicodedata.normalize("NFC", str(township)).strip()
    out = [_escape(ch) if ch in _UNSAFE_IN_NAME or unicodedata.category(ch)[0] == "C" else ch for ch in text]
    if out and out[0] == ".":
        out[0] = _escape(".")
    i = len(out) - 1
    while i >= 0 and out[i] in (".", " "):
        out[i] = _escape(out[i])
        i -= 1
    if out and text.split(".")[0].strip().upper() in _RESERVED_NAMES:
        out[0] = _escape(out[0])
    name = "".join(out)
    if not name or len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        keep, size = [], 0
        for part in out:
            size += len(part.encode("utf-8"))
            if size > _MAX_NAME_BYTES - 20:
                break
            keep.append(part)
        name = "".join(keep) + "%~" + digest
    return name + ".yaml"


def village_file_name(township: str, village: str, code: str | None = None) -> str:
    """`邓埠镇-宋三村.yaml`, or `邓埠镇-宋三村-360622101201.yaml` for a second village of the same names.

    Villages are found by their file's content, not its name, and a new village never takes a name already
    used (`_new_path`), so two villages whose names read alike here still get two files. A name longer than
    a file system allows (two 60-character Chinese names are 360 bytes) keeps its beginning and ends with
    `~` and a hash of the names."""
    stem = f"{safe_part(township)}-{safe_part(village)}"
    if code:
        stem += f"-{safe_part(code, 40)}"
    if len(stem.encode("utf-8")) > _MAX_NAME_BYTES:
        digest = hashlib.sha256(f"{township}\0{village}\0{code or ''}".encode("utf-8")).hexdigest()[:16]
        while len(stem.encode("utf-8")) > _MAX_NAME_BYTES - 17:
            stem = stem[:-1]
        stem = stem.rstrip(" .") + "~" + digest
    return stem + ".yaml"


def _inside(folder: Path, path: Path) -> Path:
    """Refuse any path that would not sit directly in `folder` (a last guard; names are already safe)."""
    if path.parent.resolve() != folder.resolve() or path.name in ("", ".", ".."):
        raise LaxError(_(f"refusing to write outside the ledger folder: {path}", f"拒绝写入台账文件夹之外：{path}"))
    return path


def check_name(value: str, what: str) -> str:
    """A township or village name as typed: trimmed, non-empty, one line, no path separators."""
    text = unicodedata.normalize("NFC", str(value)).strip()
    if not text:
        raise LaxError(_(f"the {what} name is empty", f"{_what_zh(what)}名称为空"))
    if any(unicodedata.category(ch)[0] == "C" for ch in text) or "/" in text or "\\" in text:
        raise LaxError(_(f"{what} name '{value}' may not contain '/', '\\' or control characters",
                         f"{_what_zh(what)}名称“{value}”不能包含“/”“\\”或控制字符"))
    if len(text) > 100:
        raise LaxError(_(f"{what} name is longer than 100 characters", f"{_what_zh(what)}名称超过 100 个字符"))
    return text


def check_code(value: str | None) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if not _CODE_RE.match(text):
        raise LaxError(_(f"village code '{value}' must be letters and digits, such as 360622101201",
                         f"村代码“{value}”只能由字母和数字组成，例如 360622101201"))
    return text


def _what_zh(what: str) -> str:
    return {"township": "乡镇", "village": "村"}.get(what, what)


def quarter_of(d: dt.date) -> str:
    """`2026Q3`."""
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


# ========================================================================================= writing YAML


class _FlowList(list):
    pass


class _FlowMap(dict):
    pass


_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """Block style for the file and its events; flow style for the short lists and maps inside an event."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # two events sharing one date object must still read `date: 2026-10-08`, never `&id001`


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # A multi-line note reads best as a literal block; PyYAML falls back to quotes where that is not possible.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(_FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))


def _flow(value: Any) -> Any:
    if isinstance(value, dict):
        return _FlowMap((k, _flow(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return _FlowList(_flow(v) for v in value)
    return value


def event_dict(event: Event) -> dict:
    """An event as written: `date`, `type`, then its other keys in their order."""
    d: dict[str, Any] = {"date": event.date, "type": event.type}
    for k, v in event.data.items():
        if k not in ("date", "type"):
            d[k] = _flow(v)
    return d


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=1 << 30, indent=2)


def dump_village(township: str, village: str, code: str | None, events: Sequence[Event]) -> str:
    """The canonical text of a village file; `dump_village(*read(text)) == text` for any text it wrote."""
    return _dump({"township": township, "village": village, "code": code,
                  "events": [event_dict(e) for e in events]})


def dump_entry(entry: Entry) -> str:
    return dump_village(entry.township, entry.village, entry.code, entry.events)


def dump_township(township: str, events: Sequence[Event]) -> str:
    return _dump({"township": township, "events": [event_dict(e) for e in events]})


# ========================================================================================= reading YAML


class _BadScalar(str):
    """A scalar the YAML resolver took for a date but that is no date (`2026-13-40`); kept to report it."""

    line: int = 0




class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, plus: an impossible date becomes a reportable value instead of an exception, and any
    other construction error carries its line."""

    def construct_object(self, node, deep=False):  # noqa: D401
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError, RecursionError) as e:
            raise yaml.constructor.ConstructorError(None, None, str(e), node.start_mark) from None


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        bad = _BadScalar(node.value)
        bad.line = node.start_mark.line + 1
        return bad


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


@dataclass
class _Parsed:
    doc: Any
    key_lines: dict  # top-level key -> line
    event_lines: list  # per item of `events`: (line of the item, {key: line})
    cacheable: bool = True
    # (line, code, message) found in the YAML itself: a key given twice in a mapping (YAML keeps only the
    # last, silently), a control character in a text. `_entry_from` reports them with the rest.
    problems: list = field(default_factory=list)


class _Unreadable(Exception):
    def __init__(self, line: int, message: str, code: str = "unreadable-file"):
        super().__init__(message)
        self.line = line
        self.message = message
        self.code = code


def parse_text(text: str) -> _Parsed:
    """Parse a ledger file's text; raise `_Unreadable(line, message)` when it is not valid YAML."""
    fast = _fast_parse(text)
    if fast is not None:
        return fast
    if not YAML_ONLY_BREAKS.search(text):
        return _slow_parse(text)
    # YAML counts NEL/LS/PS as line breaks, editors do not: every line said must be the editor's.
    at = editor_lines(text)
    try:
        parsed = _slow_parse(text)
    except _Unreadable as e:
        raise _Unreadable(at(e.line), e.message, e.code) from None
    for bad in _bad_scalars(parsed.doc):
        bad.line = at(bad.line)
    return _Parsed(parsed.doc, {k: at(n) for k, n in parsed.key_lines.items()},
                   [(at(n), {k: at(m) for k, m in keys.items()}) for n, keys in parsed.event_lines], parsed.cacheable,
                   [(at(n), code, message) for n, code, message in parsed.problems])


def _slow_parse(text: str) -> _Parsed:
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            raise _Unreadable(mark.line + 1 if mark else 1, _("YAML syntax error: ", "YAML 语法错误：")
                              + str(e.problem or e.context or e), "yaml-syntax") from None
        except yaml.YAMLError as e:
            raise _Unreadable(1, _("YAML error: ", "YAML 错误：") + str(e).splitlines()[0], "yaml-syntax") from None
        except RecursionError:
            raise _Unreadable(1, _("the YAML is nested too deeply", "YAML 嵌套过深"), "yaml-syntax") from None
        if node is None:
            return _Parsed(None, {}, [], cacheable=False)
        shared = _shared_node(node)
        if shared is not None:
            raise _Unreadable(shared.start_mark.line + 1, _("anchors and aliases (& and *) are not allowed in a ledger file",
                                                            "台账文件中不允许使用锚点和别名（& 与 *）"), "yaml-not-allowed")
        found = _node_problems(node)
        try:
            doc = loader.construct_document(node)
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            problem = str(e.problem or e)
            if "could not determine a constructor" in problem:
                problem = _(f"tag not allowed ({problem.split('tag', 1)[-1].strip()}); ledger files hold plain data only",
                            f"不允许的标签（{problem.split('tag', 1)[-1].strip()}）；台账文件只能包含普通数据")
            code = "yaml-not-allowed" if "could not determine a constructor" in str(e.problem or e) else "yaml-syntax"
            raise _Unreadable(mark.line + 1 if mark else 1, problem, code) from None
        except yaml.YAMLError as e:
            raise _Unreadable(1, str(e).splitlines()[0], "yaml-syntax") from None
        except RecursionError:
            raise _Unreadable(1, _("the YAML is nested too deeply", "YAML 嵌套过深"), "yaml-syntax") from None
    finally:
        loader.dispose()
    key_lines: dict = {}
    event_lines: list = []
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                key_lines.setdefault(k.value, k.start_mark.line + 1)
                if k.value == "events" and isinstance(v, yaml.SequenceNode):
                    for item in v.value:
                        keys = {}
                        if isinstance(item, yaml.MappingNode):
                            for ik, _iv in item.value:
                                if isinstance(ik, yaml.ScalarNode):
                                    keys.setdefault(ik.value, ik.start_mark.line + 1)
                        event_lines.append((item.start_mark.line + 1, keys))
    return _Parsed(doc, key_lines, event_lines, cacheable=not _has_bad(doc) and not found, problems=found)


_MAX_DEPTH = 64  # a ledger file needs 6 levels (file, events, event, evidence, standard, value)
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def _has_control(text: str) -> bool:
    """A control character a person cannot see or type (tabs and line breaks are fine)."""
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\n" for ch in text)


def _shown(text: str) -> str:
    """A text with its control characters spelt out (`\\x07`), safe to print on one line."""
    return "".join(ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in _HIDDEN_CATEGORIES else ch
                   for ch in text)


def _node_problems(root: yaml.Node) -> list[tuple[int, str, str]]:
    """Keys given twice in one mapping, and texts holding control characters, anywhere in the document.

    YAML keeps the last of two equal keys and drops the first without a word (`events:` twice loses a whole
    history), so a duplicate is a problem, never a choice; a control character (typed as an escape such as
    "\\x07") cannot be seen, printed or written to a spreadsheet. Only files read by PyYAML need this walk:
    the exact parser gives up on both."""
    found: list[tuple[int, str, str]] = []
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise _Unreadable(node.start_mark.line + 1, _("the YAML is nested too deeply", "YAML 嵌套过深"), "yaml-syntax")
        if isinstance(node, yaml.ScalarNode):
            if isinstance(node.value, str) and _has_control(node.value):
                found.append((node.start_mark.line + 1, "control-character",
                              _(f"control character in '{_shown(node.value)[:80]}' (remove it or write it out)",
                                f"“{_shown(node.value)[:80]}”中含有控制字符（请删除或改写）")))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            seen: dict[tuple, int] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    line = k.start_mark.line + 1
                    first = seen.get((k.tag, k.value))
                    if first is None:
                        seen[(k.tag, k.value)] = line
                    else:
                        found.append((line, "duplicate-key",
                                      _(f"'{_shown(k.value)[:80]}' is given twice in this mapping (also on line {first}); "
                                        f"YAML would keep only the last, so merge them",
                                        f"“{_shown(k.value)[:80]}”在同一映射中出现两次（另见第 {first} 行）；YAML 只会保留后者，请合并")))
            for k, v in reversed(node.value):
                stack.append((v, depth + 1))
                stack.append((k, depth + 1))
    found.sort(key=lambda p: p[0])
    return found


def _shared_node(root: yaml.Node) -> yaml.Node | None:
    """The first node reached twice (an alias), which could make later walks explode; None if none is."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return node
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append(k)
                stack.append(v)
    return None


def _has_bad(value: Any) -> bool:
    return next(_bad_scalars(value), None) is not None


def _bad_scalars(value: Any) -> Iterator[_BadScalar]:
    """Every impossible date the loader kept (to report it) in a parsed document, in document order.

    A walk with a stack, not recursion: a hostile file nested a few thousand levels deep must be a problem
    reported, not a RecursionError."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, _BadScalar):
            yield v
        elif isinstance(v, dict):
            for k, item in reversed(list(v.items())):
                stack.append(item)
                stack.append(k)
        elif isinstance(v, list):
            stack.extend(reversed(v))


# --- the exact parser for the canonical layout -------------------------------------------------------
#
# lax writes every file in one layout (`dump_village`). Reading such a file with PyYAML costs about half a
# millisecond, which for 10,000 villages is most of the time budget (SPEC §9). This parser reads exactly
# that layout and gives up (returns None) on anything it is not sure of, so PyYAML reads those files; a
# property test checks both parsers agree. Plain scalars are resolved with PyYAML's own resolver.

_RESOLVER = yaml.resolver.Resolver()
_LINE_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): (.+)\Z")
_INT_RE = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_FLOAT_RE = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+\Z")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_BOOLS = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@` ")
_FLOW_STOP = set(",[]{}")
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE  # PyYAML refuses these; leave the refusal to it


class _GiveUp(Exception):
    pass


_RESOLVED: dict[str, Any] = {}


def _resolve_plain(value: str) -> Any:
    """A plain scalar's value, as PyYAML would construct it (memoised: the same words recur in every file)."""
    try:
        return _RESOLVED[value]
    except KeyError:
        pass
    result = _resolve_plain_uncached(value)
    if len(_RESOLVED) > 200_000:
        _RESOLVED.clear()
    _RESOLVED[value] = result
    return result


def _resolve_plain_uncached(value: str) -> Any:
    if not value or value[0] in _PLAIN_BAD_START or value[-1] == " " or ": " in value or " #" in value \
            or value.endswith(":") or "\t" in value:
        raise _GiveUp
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    if tag == "tag:yaml.org,2002:str":
        return value
    if tag == "tag:yaml.org,2002:int" and _INT_RE.match(value):
        return int(value)
    if tag == "tag:yaml.org,2002:float" and _FLOAT_RE.match(value):
        return float(value)
    if tag == "tag:yaml.org,2002:bool":
        return _BOOLS[value.lower()]
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:timestamp" and _DATE_RE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _GiveUp from None
    raise _GiveUp


def _single_quoted(s: str, i: int) -> tuple[str, int]:
    # s[i] == "'"; a doubled quote is a quote.
    out = []
    j = i + 1
    while True:
        k = s.find("'", j)
        if k < 0:
            raise _GiveUp
        out.append(s[j:k])
        if s.startswith("''", k):
            out.append("'")
            j = k + 2
            continue
        return "".join(out), k + 1


def _flow_value(s: str, i: int) -> tuple[Any, int]:
    c = s[i] if i < len(s) else ""
    if c == "[":
        items: list = []
        i += 1
        if s.startswith("]", i):
            return items, i + 1
        while True:
            v, i = _flow_value(s, i)
            items.append(v)
            if s.startswith(", ", i):
                i += 2
            elif s.startswith("]", i):
                return items, i + 1
            else:
                raise _GiveUp
    if c == "{":
        mapping: dict = {}
        i += 1
        if s.startswith("}", i):
            return mapping, i + 1
        while True:
            k = s.find(": ", i)
            if k < 0:
                raise _GiveUp
            key = _resolve_plain(s[i:k])
            if not isinstance(key, str) or any(ch in _FLOW_STOP or ch == ":" for ch in key) or key in mapping:
                raise _GiveUp
            v, i = _flow_value(s, k + 2)
            mapping[key] = v
            if s.startswith(", ", i):
                i += 2
            elif s.startswith("}", i):
                return mapping, i + 1
            else:
                raise _GiveUp
    if c == "'":
        return _single_quoted(s, i)
    if c == "" or c == '"':
        raise _GiveUp
    j = i
    while j < len(s) and s[j] not in _FLOW_STOP:
        j += 1
    token = s[i:j]
    if ":" in token or "#" in token:
        raise _GiveUp
    return _resolve_plain(token), j


def _block_value(s: str) -> Any:
    c = s[0]
    if c in "[{":
        v, i = _flow_value(s, 0)
        if i != len(s):
            raise _GiveUp
        return v
    if c == "'":
        v, i = _single_quoted(s, 0)
        if i != len(s):
            raise _GiveUp
        return v
    return _resolve_plain(s)


def _fast_parse(text: str) -> _Parsed | None:
    if "\r" in text or "\t" in text or not text.endswith("\n") or text.startswith("\ufeff") \
            or YAML_ONLY_BREAKS.search(text) or _NON_PRINTABLE.search(text):
        return None
    try:
        doc: dict = {}
        key_lines: dict = {}
        event_lines: list = []
        events: list | None = None
        current: dict | None = None
        current_keys: dict = {}
        lines = text.split("\n")
        lines.pop()
        for n, line in enumerate(lines, 1):
            if events is None:
                if line == "events:":
                    events = []
                    doc["events"] = events
                    key_lines["events"] = n
                    continue
                m = _LINE_RE.match(line)
                if not m or m.group(1) in doc or m.group(1) == "events":
                    return None
                key = _resolve_plain(m.group(1))
                if not isinstance(key, str):
                    return None
                doc[key] = _block_value(m.group(2))
                key_lines[key] = n
                continue
            if line.startswith("- "):
                current = {}
                current_keys = {}
                events.append(current)
                event_lines.append((n, current_keys))
            elif not line.startswith("  ") or current is None:
                return None
            m = _LINE_RE.match(line, 2)
            if not m or m.group(1) in current:
                return None
            key = _resolve_plain(m.group(1))
            if not isinstance(key, str):
                return None
            current[key] = _block_value(m.group(2))
            current_keys[key] = n
        if events is None:
            return None
        return _Parsed(doc, key_lines, event_lines)
    except (_GiveUp, IndexError, KeyError):
        return None


# ===================================================================================== checking a file


def _is_date(v: Any) -> bool:
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


MAX_FUNDS = 10**9  # yuan in one progress report; more is a typo (an extra 0000) unless confirmed
HARD_MAX_FUNDS = 10**15  # beyond this no amount is plausible, and floats stop holding whole yuan exactly
FUNDS_CONFIRMED = "funds_confirmed"  # `true` on a progress event whose funds above MAX_FUNDS were confirmed (--force)
# Keys every event may carry whatever its type: who recorded it and when (`recorded: {by, at}`).
_EVERY_EVENT_KEYS = ("recorded",)
_RECORDED_KEYS = ("by", "at")
_SOURCE_KEYS = ("path", "sheet", "row")


def funds_problem(value: Any, confirmed: bool = False) -> str | None:
    """Why `value` is not a believable amount of yuan for one progress report, or None."""
    if not _is_number(value) or value < 0:
        return _(f"funds: {value!r} is not an amount in yuan", f"funds：{value!r} 不是以元计的金额")
    if not math.isfinite(value):
        return _(f"funds: {value!r} is not a finite amount in yuan", f"funds：{value!r} 不是有限的金额")
    if value > HARD_MAX_FUNDS:
        return _(f"funds: {value:g} yuan is not a plausible amount", f"funds：{value:g} 元不是可信的金额")
    if value > MAX_FUNDS and not confirmed:
        return _(f"funds: {value:,.0f} yuan is more than 10^9 yuan; if it is right, add 'funds_confirmed: true' to the "
                 f"event (what lax ledger progress --force writes)",
                 f"funds：{value:,.0f} 元超过 10^9 元；如确实无误，请在该事件中加上“funds_confirmed: true”"
                 f"（即 lax ledger progress --force 所写）")
    return None


def _timestamp(value: Any) -> bool:
    """`'2026-11-29T23:50:00+08:00'`: a time with its UTC offset, written as text (`recorder.parse_timestamp`,
    by which `ledger log` orders events, so every `at` that verifies can be ordered)."""
    return isinstance(value, str) and parse_timestamp(value) is not None


def _value_problem(key: str, value: Any, etype: str, event: dict | None = None) -> tuple[str, str] | None:
    """What is wrong with one key of an event, as (code, message), or None."""
    if isinstance(value, _BadScalar):
        return "bad-date", _(f"{key}: '{value}' is not a valid date", f"{key}：“{value}”不是有效日期")
    if key == "deadline":
        if not _is_date(value):
            return "bad-date", _(f"deadline: {value!r} is not a date like 2027-03-30",
                                 f"deadline：{value!r} 不是 2027-03-30 这样的日期")
    elif key == "channel":
        if value not in CHANNELS:
            return "bad-value", _(f"channel: '{value}' is not one of {', '.join(CHANNELS)}",
                                  f"channel：“{value}”不在 {', '.join(CHANNELS)} 之中")
    elif key == "criteria":
        ids = value if isinstance(value, list) else None
        if ids is None or not all(isinstance(c, str) for c in ids):
            return "bad-value", _("criteria: must be a list of standard ids such as [C05, C13]",
                                  "criteria：应为标准编号列表，例如 [C05, C13]")
        if not ids and etype in ("identified", "amended"):
            return "missing-value", _("criteria: at least one standard is needed", "criteria：至少需要一条标准")
    elif key == "evidence":
        if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
            return "bad-value", _("evidence: must map a standard to its field values, e.g. {C05: {election_completed: false}}",
                                  "evidence：应为标准到字段值的映射，例如 {C05: {election_completed: false}}")
        if _non_finite(value):
            return "bad-amount", _("evidence: holds .nan or .inf, which is not a number",
                                   "evidence：含有 .nan 或 .inf，不是数字")
    elif key == "measures":
        if not (isinstance(value, str) or (isinstance(value, list) and all(isinstance(m, str) for m in value))):
            return "bad-value", _("measures: must be a list of texts", "measures：应为文字列表")
    elif key == "funds":
        message = funds_problem(value, bool(event and event.get(FUNDS_CONFIRMED) is True))
        if message:
            return "bad-amount", message
    elif key == FUNDS_CONFIRMED:
        if value is not True:
            return "bad-value", _(f"{key}: {value!r} must be true (or leave the key out)", f"{key}：{value!r} 应为 true（或删去该键）")
    elif key == "score":
        if not _is_number(value) or not math.isfinite(value) or value < 0:
            return ("bad-amount" if _is_number(value) else "bad-value"), _(f"score: {value!r} is not a score",
                                                                           f"score：{value!r} 不是有效分数")
    elif key == "passed":
        if not isinstance(value, bool):
            return "bad-value", _(f"passed: {value!r} must be true or false", f"passed：{value!r} 应为 true 或 false")
    elif key == "recorded":
        return _recorded_problem(value)
    elif key == "source" and isinstance(value, dict):
        return _source_problem(value)
    elif key in _TEXT_KEYS:
        if not isinstance(value, str):
            return "bad-value", _(f"{key}: {value!r} must be text", f"{key}：{value!r} 应为文字")
    return None


def _recorded_problem(value: Any) -> tuple[str, str] | None:
    """`recorded: {by: 李明, at: '2026-11-29T23:50:00+08:00'}`: who entered the event, and when."""
    shape = _("recorded: must be {by: NAME, at: '2026-11-29T23:50:00+08:00'}",
              "recorded：应为 {by: 姓名, at: '2026-11-29T23:50:00+08:00'}")
    if not isinstance(value, dict):
        return "bad-value", shape
    unknown = [str(k) for k in value if k not in _RECORDED_KEYS]
    if unknown:
        return "unknown-key", _(f"recorded: unknown key '{unknown[0]}' (allowed: by, at)",
                                f"recorded：未知的键“{unknown[0]}”（允许：by, at）")
    by = value.get("by")
    if not isinstance(by, str) or not by.strip():
        return "bad-value", _(f"recorded: by: {by!r} must be the name of who recorded it",
                              f"recorded：by：{by!r} 应为记录人姓名")
    if not _timestamp(value.get("at")):
        return "bad-value", _(f"recorded: at: {value.get('at')!r} must be a quoted time like '2026-11-29T23:50:00+08:00'",
                              f"recorded：at：{value.get('at')!r} 应为加引号的时间，例如 '2026-11-29T23:50:00+08:00'")
    return None


def _source_problem(value: dict) -> tuple[str, str] | None:
    """`source: {path: 邓埠镇.xlsx, sheet: 排查表, row: 17}` (older files hold plain text, also fine)."""
    unknown = [str(k) for k in value if k not in _SOURCE_KEYS]
    if unknown:
        return "unknown-key", _(f"source: unknown key '{unknown[0]}' (allowed: path, sheet, row)",
                                f"source：未知的键“{unknown[0]}”（允许：path, sheet, row）")
    path, sheet, row = value.get("path"), value.get("sheet"), value.get("row")
    if not isinstance(path, str) or not path.strip():
        return "bad-value", _(f"source: path: {path!r} must be the name of the file read",
                              f"source：path：{path!r} 应为所读文件的名称")
    if sheet is not None and not isinstance(sheet, str):
        return "bad-value", _(f"source: sheet: {sheet!r} must be text", f"source：sheet：{sheet!r} 应为文字")
    if not isinstance(row, int) or isinstance(row, bool) or row < 1:
        return "bad-value", _(f"source: row: {row!r} must be a row number", f"source：row：{row!r} 应为行号")
    return None


def _non_finite(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            return True
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def _id_range(ids: set[str]) -> str:
    ordered = sorted(ids)
    if len(ordered) > 4:
        return f"{ordered[0]}..{ordered[-1]}"
    return ", ".join(ordered)


@dataclass
class _Checked:
    """A parsed file after the format checks (no criteria or lifecycle yet)."""

    identity: dict | None
    problems: list[tuple[int, str, str]]  # (line, code, message)
    events: list[Event]
    criteria_lines: list[int]  # per event: the line of its `criteria` key (for unknown-standard messages)


def _entry_from(parsed: _Parsed, kind: str = "village") -> _Checked:
    """Check a parsed file's format: identity, event dates and types, each key's value."""
    problems: list[tuple[int, str, str]] = list(parsed.problems)
    criteria_lines: list[int] = []
    doc = parsed.doc

    def say(line: int, code: str, message: str) -> None:
        problems.append((line, code, message))

    if not isinstance(doc, dict):
        say(1, "bad-structure", _("a ledger file must be a mapping with township, village, code and events",
                 "台账文件应为包含 township、village、code、events 的映射") if kind == "village" else
            _("a township file must be a mapping with township and events", "乡镇文件应为包含 township、events 的映射"))
        return _Checked(None, problems, [], [])
    kl = parsed.key_lines
    allowed = ("township", "village", "code", "events") if kind == "village" else ("township", "events")
    for key in doc:
        if key not in allowed:
            say(kl.get(key, 1), "unknown-key", _(f"unknown key '{key}' (expected {', '.join(allowed)})",
                                  f"未知的键“{key}”（应为 {', '.join(allowed)}）"))
    identity: dict[str, Any] = {}
    for key in allowed[:-1]:
        value = doc.get(key)
        if key == "code":
            if value is None:
                identity[key] = None
            elif isinstance(value, str) and value.strip():
                identity[key] = value.strip()
            elif _is_number(value):
                say(kl.get(key, 1), "bad-code", _(f"code: write the code as quoted text, e.g. code: '{value}'",
                                      f"code：村代码应加引号写成文字，例如 code: '{value}'"))
                identity[key] = str(value)
            else:
                say(kl.get(key, 1), "bad-code", _("code: must be text or null", "code：应为文字或 null"))
                identity[key] = None
        elif not isinstance(value, str) or not value.strip():
            say(kl.get(key, 1), "missing-value", _(f"'{key}' is missing or not a name", f"缺少“{key}”或其值不是名称"))
            identity = {}
            break
        else:
            identity[key] = value.strip()
    raw_events = doc.get("events")
    events: list[Event] = []
    if raw_events is None:
        say(kl.get("events", 1), "missing-value", _("'events' is missing (write events: [] for none)", "缺少“events”（没有事件时写 events: []）"))
        raw_events = []
    elif not isinstance(raw_events, list):
        say(kl.get("events", 1), "bad-structure", _("'events' must be a list of dated events", "“events”应为带日期的事件列表"))
        raw_events = []
    types = EVENT_TYPES if kind == "village" else ("submission",)
    for index, item in enumerate(raw_events):
        line, keys = parsed.event_lines[index] if index < len(parsed.event_lines) else (kl.get("events", 1), {})
        if not isinstance(item, dict):
            say(line, "bad-structure", _("an event must be a mapping with date and type", "事件应为包含 date 和 type 的映射"))
            continue
        date = item.get("date")
        etype = item.get("type")
        ok = True
        if isinstance(date, _BadScalar):
            say(keys.get("date", line), "bad-date", _(f"date: '{date}' is not a valid date", f"date：“{date}”不是有效日期"))
            ok = False
        elif not _is_date(date):
            say(keys.get("date", line), "bad-date", _(f"date: {date!r} is not a date like 2026-09-30 (unquoted)",
                                          f"date：{date!r} 不是 2026-09-30 这样的日期（不加引号）"))
            ok = False
        if etype not in types:
            say(keys.get("type", line), "unknown-event-type", _(f"unknown event type {etype!r} (expected one of {', '.join(types)})",
                                          f"未知的事件类型 {etype!r}（应为 {', '.join(types)} 之一）"))
            ok = False
        if not ok:
            continue
        allowed_keys = event_keys(etype)
        data = {}
        for key, value in item.items():
            if key in ("date", "type"):
                continue
            data[key] = value
            if key not in allowed_keys and key not in _EVERY_EVENT_KEYS:
                say(keys.get(key, line), "unknown-key",
                    _(f"{etype}: unknown key '{key}' (allowed: {', '.join(allowed_keys)})",
                      f"{etype}：未知的键“{key}”（允许：{', '.join(allowed_keys)}）"))
                continue
            if kind == "township":
                found = _township_value_problem(key, value)
            else:
                found = _value_problem(key, value, etype, item)
            if found:
                say(keys.get(key, line), *found)
        if etype in ("identified", "amended") and "criteria" not in data:
            say(line, "missing-value", _(f"{etype}: 'criteria' is missing", f"{etype}：缺少“criteria”"))
        if etype == "acceptance" and "passed" not in data:
            say(line, "missing-value", _("acceptance: 'passed' (true or false) is missing",
                                         "acceptance：缺少“passed”（true 或 false）"))
        if etype == "submission" and "quarter" not in data:
            say(line, "missing-value", _("submission: 'quarter' is missing", "submission：缺少“quarter”"))
        deadline = data.get("deadline")
        if _is_date(deadline) and deadline < date:
            say(keys.get("deadline", line), "bad-deadline", _(f"deadline {deadline} is before the event's date {date}",
                                              f"整改时限 {deadline} 早于事件日期 {date}"))
        if events and date < events[-1].date:
            say(keys.get("date", line), "event-order", _(f"events out of order: {date} comes after {events[-1].date}",
                                          f"事件顺序错误：{date} 排在 {events[-1].date} 之后"))
        events.append(Event(date, etype, data, line))
        criteria_lines.append(keys.get("criteria", line))
    return _Checked(identity or None, problems, events, criteria_lines)


def _standards_problems(events: Sequence[Event], criteria_lines: Sequence[int],
                        criteria_ids: set[str]) -> list[tuple[int, str, str]]:
    """Standards in the events that the criteria file does not define."""
    problems = []
    for e, line in zip(events, criteria_lines):
        ids = e.data.get("criteria")
        if isinstance(ids, list):
            unknown = [str(c) for c in ids if c not in criteria_ids]
            if unknown:
                problems.append((line, "unknown-standard", _(f"criteria: unknown standard {', '.join(unknown)} (valid: {_id_range(criteria_ids)})",
                                         f"criteria：未知标准 {'、'.join(unknown)}（有效编号：{_id_range(criteria_ids)}）")))
    return problems


def _township_value_problem(key: str, value: Any) -> tuple[str, str] | None:
    if isinstance(value, _BadScalar):
        return "bad-date", _(f"{key}: '{value}' is not a valid date", f"{key}：“{value}”不是有效日期")
    if key == "quarter":
        if not isinstance(value, str) or not re.match(r"^\d{4}Q[1-4]$", value):
            return "bad-value", _(f"quarter: {value!r} is not a quarter like 2026Q3", f"quarter：{value!r} 不是 2026Q3 这样的季度")
    elif key == "villages":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return "bad-value", _(f"villages: {value!r} is not a number of villages", f"villages：{value!r} 不是村数")
    elif key == "recorded":
        return _recorded_problem(value)
    elif key == "source" and isinstance(value, dict):
        return _source_problem(value)
    elif not isinstance(value, str):
        return "bad-value", _(f"{key}: {value!r} must be text", f"{key}：{value!r} 应为文字")
    return None


def _read_text(path: Path, label: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise _Unreadable(1, _(f"cannot read the file: {e.strerror}", f"无法读取文件：{e.strerror}")) from None
    if len(raw) > _MAX_FILE_BYTES:
        raise _Unreadable(1, _("the file is too large for a ledger file", "文件过大，不是台账文件"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise _Unreadable(line, _("the file is not UTF-8 text", "文件不是 UTF-8 文本")) from None


# Problems that mean the file does not read as what it says: a key given twice (YAML kept only the last), an
# amount that is NaN, infinite or absurd, a control character no one can see. Every command treats such a file
# as unreadable (no entry, the problem reported), as `verify` does, so none works on a silently wrong reading.
UNTRUSTED = frozenset({"duplicate-key", "bad-amount", "control-character"})


@dataclass(frozen=True)
class Checked:
    """One village file, read and checked."""

    entry: Entry | None
    problems: tuple[str, ...]  # format and history problems, `FILE:LINE: message`
    parsed: _Parsed | None = None
    typed: tuple[Problem, ...] = ()  # the same problems as `Problem`s (code, path, line, message)


def problem_text(p: Problem) -> str:
    """A ledger problem as `verify` prints it: `FILE:LINE: message`."""
    return f"{p.path}:{p.line}: {p.message}"


def _unreadable_problem(label: str, e: _Unreadable) -> Problem:
    return Problem(e.code, e.message, label, line=e.line)


def read_village(path: Path, policy: Policy | None = None, criteria_ids: set[str] | None = None,
                 label: str | None = None, parsed: _Parsed | None = None) -> Checked:
    """Read and check one village file (the history too, when a policy is given)."""
    label = label or str(path)
    if parsed is None:
        try:
            parsed = parse_text(_read_text(path, label))
        except _Unreadable as e:
            p = _unreadable_problem(label, e)
            return Checked(None, (problem_text(p),), None, (p,))
    c = _entry_from(parsed)
    entry = None
    if c.identity is not None:
        entry = Entry(path, c.identity["township"], c.identity["village"], c.identity.get("code"), tuple(c.events))
    typed = _typed(label, c.problems + _more_problems(c.events, c.criteria_lines, policy, criteria_ids))
    return Checked(entry, tuple(problem_text(p) for p in typed), parsed, tuple(typed))


def _more_problems(events: Sequence[Event], criteria_lines: Sequence[int], policy: Policy | None,
                   criteria_ids: set[str] | None) -> list[tuple[int, str, str]]:
    found: list[tuple[int, str, str]] = []
    if criteria_ids is not None:
        found += _standards_problems(events, criteria_lines, criteria_ids)
    if policy is not None:
        found += _history_problems(events, policy)
    return found


def _history_problems(events: Sequence[Event], policy: Policy) -> list[tuple[int, str, str]]:
    """`lifecycle.history_problems` with codes: `event-order` for a date before the last one's,
    `impossible-step` for a step the lifecycle would have refused."""
    return [(event.line, "event-order" if out_of_order else "impossible-step",
             _(f"{event.type} on {event.date}: {reason}", f"{event.date} 的 {event.type}：{reason}"))
            for event, reason, out_of_order in history_refusals(events, policy)]


def _typed(label: str, problems: Sequence[tuple[int, str, str]]) -> list[Problem]:
    """`Problem`s in line order (stable, so a line's problems keep the order they were found)."""
    return [Problem(code, msg, label, line=line) for line, code, msg in sorted(problems, key=lambda p: p[0])]


def _format_problems(label: str, problems: Sequence[tuple[int, str, str]]) -> tuple[str, ...]:
    """`FILE:LINE: message`, in line order."""
    return tuple(problem_text(p) for p in _typed(label, problems))


# ================================================================================ the folder and cache


def _village_paths(folder: Path) -> list[os.DirEntry]:
    return _scan(folder)[0]


def _scan(folder: Path) -> tuple[list[os.DirEntry], list[str]]:
    """The ledger files of a folder (`*.yaml`), and the names of its other files, which lax does not read
    (`邓埠镇-宋三村.yml`, `.YAML`, `notes.txt`); hidden files (`.lock`, `.gitignore`) and folders are neither."""
    files: list[os.DirEntry] = []
    stray: list[str] = []
    try:
        with os.scandir(folder) as it:
            for d in it:
                if d.name.startswith("."):
                    continue
                if d.name.endswith(".yaml"):
                    if d.is_file():
                        files.append(d)
                elif d.is_file():
                    stray.append(d.name)
        return files, sorted(stray)
    except FileNotFoundError:
        return [], []
    except NotADirectoryError:
        raise LaxError(_(f"ledger folder {folder} is a file, not a folder", f"台账文件夹 {folder} 是文件而不是文件夹")) from None
    except OSError as e:
        raise LaxError(_(f"cannot read the ledger folder {folder}: {e.strerror}", f"无法读取台账文件夹 {folder}：{e.strerror}")) from None


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _plain_json(value: Any) -> bool:
    """True when JSON holds `value` exactly (no dates, tuples, non-text keys or NaN inside)."""
    if isinstance(value, str) or value is None or isinstance(value, (bool, int)):
        return True
    if isinstance(value, float):
        return value == value
    if isinstance(value, list):
        return all(_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_json(v) for k, v in value.items())
    return False


class _Cache:
    """Checked entries of unchanged, problem-free files, in `.cache/ledger.json`.

    JSON, so nothing in it can run code; each file is keyed by inode, size, mtime and ctime, so any edit
    (by lax or by hand) makes lax read the file again. Per event it keeps [date, type, line, data,
    date-valued keys of data, line of `criteria`]; an event whose data holds dates deeper down is not
    cached (its file is simply parsed each time).
    """

    VERSION = 4  # 4: files with duplicate keys or control characters are no longer entries (never cached)

    def __init__(self, folder: Path):
        self.path = folder / CACHE_DIR / "ledger.json"
        self.files: dict[str, list] = {}
        self.dirty = False
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            if isinstance(raw, dict) and raw.get("version") == self.VERSION and isinstance(raw.get("files"), dict):
                self.files = raw["files"]
        except (OSError, ValueError, TypeError, RecursionError):
            self.files = {}

    def get(self, name: str, key: list[int], path: Path) -> tuple[Entry, list[int]] | None:
        item = self.files.get(name)
        if not isinstance(item, list) or len(item) != 5 or item[0] != key:
            return None
        try:
            _key, township, village, code, raw_events = item
            events = []
            lines = []
            fromiso = dt.date.fromisoformat
            for day, etype, line, data, date_keys, criteria_line in raw_events:
                data = dict(data)
                for k in date_keys:
                    data[k] = fromiso(data[k])
                events.append(Event(fromiso(day), etype, data, line))
                lines.append(criteria_line)
            if not (isinstance(township, str) and isinstance(village, str) and (code is None or isinstance(code, str))):
                return None
            return Entry(path, township, village, code, tuple(events)), lines
        except (TypeError, ValueError, KeyError, AttributeError):
            return None

    def put(self, name: str, key: list[int], entry: Entry, criteria_lines: Sequence[int]) -> None:
        # A file changed within the last two seconds could change again within the same timestamp tick
        # without its key changing (git's "racy" case); such a file is parsed again next time instead.
        if time.time_ns() - key[2] < 2_000_000_000:
            return
        raw_events = []
        for e, criteria_line in zip(entry.events, criteria_lines):
            data = {}
            date_keys = []
            for k, v in e.data.items():
                if _is_date(v):
                    data[k] = v.isoformat()
                    date_keys.append(k)
                elif _plain_json(v):
                    data[k] = v
                else:
                    return
            raw_events.append([e.date.isoformat(), e.type, e.line, data, date_keys, criteria_line])
        self.files[name] = [key, entry.township, entry.village, entry.code, raw_events]
        self.dirty = True

    def keep_only(self, names: set[str]) -> None:
        gone = [n for n in self.files if n not in names]
        for n in gone:
            del self.files[n]
        self.dirty = self.dirty or bool(gone)

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# lax's cache of parsed ledger files; safe to delete\n*\n", "utf-8")
            text = json.dumps({"version": self.VERSION, "files": self.files}, ensure_ascii=False, separators=(",", ":"))
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=_TMP_PREFIX, suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(tmp, self.path)
            except BaseException:
                _unlink(Path(tmp))
                raise
        except OSError:
            pass  # a read-only ledger still lists; it is just not faster next time


def load_entries(folder: Path, criteria_ids: set[str] | None = None, policy: Policy | None = None,
                 use_cache: bool = True) -> tuple[list[Entry], list[str]]:
    """Every village of the ledger, and every problem found as `FILE:LINE: message`.

    A file that cannot be read at all, or does not read as what it says (`UNTRUSTED`: a key given twice, an
    amount that is NaN or absurd, a control character), gives no entry; an event with a bad date or an
    unknown type is left out of its entry. With `criteria_ids`, unknown standards are problems; with
    `policy`, so are impossible steps in a history. A file lax does not read (`.yml`, other case) is a
    problem too. A missing folder is an empty ledger.
    """
    entries, problems = load_entries_checked(folder, criteria_ids, policy, use_cache)
    return entries, [problem_text(p) for p in problems]


def load_entries_checked(folder: Path, criteria_ids: set[str] | None = None, policy: Policy | None = None,
                         use_cache: bool = True) -> tuple[list[Entry], list[Problem]]:
    """`load_entries`, with the problems as `Problem`s (code, path, line, message)."""
    folder = Path(folder)
    _settle(folder)
    dirents, stray = _scan(folder)
    cache = _Cache(folder) if use_cache and dirents else None
    entries: list[Entry] = []
    problems: list[Problem] = []
    for d in sorted(dirents, key=lambda d: d.name):
        path = folder / d.name
        key = None
        if cache is not None:
            try:
                key = _stat_key(d.stat())
            except OSError:
                key = None
            hit = cache.get(d.name, key, path) if key is not None else None
            if hit is not None:
                entry, criteria_lines = hit
                entries.append(entry)
                if criteria_ids is not None or policy is not None:
                    more = _more_problems(entry.events, criteria_lines, policy, criteria_ids)
                    problems.extend(_typed(str(path), more))
                continue
        label = str(path)
        try:
            parsed = parse_text(_read_text(path, label))
        except _Unreadable as e:
            problems.append(_unreadable_problem(label, e))
            continue
        c = _entry_from(parsed)
        if c.identity is None:
            problems.extend(_typed(label, c.problems))
            continue
        untrusted = {code for _line, code, _msg in c.problems} & UNTRUSTED
        if untrusted:
            # Every problem is still named (verify lists them all), but no command works on this reading. With a
            # key given twice the events read are not the file's, so their history is not judged.
            more = [] if "duplicate-key" in untrusted else _more_problems(c.events, c.criteria_lines, policy, criteria_ids)
            problems.extend(_typed(label, c.problems + more))
            continue
        entry = Entry(path, c.identity["township"], c.identity["village"], c.identity.get("code"), tuple(c.events))
        entries.append(entry)
        if cache is not None and key is not None and not c.problems and parsed.cacheable:
            cache.put(d.name, key, entry, c.criteria_lines)
        problems.extend(_typed(label, c.problems + _more_problems(c.events, c.criteria_lines, policy, criteria_ids)))
    if cache is not None:
        cache.keep_only({d.name for d in dirents})
        cache.save()
    problems.extend(_duplicates(entries))
    problems.extend(_stray_problems(folder, stray))
    return entries, problems


def _stray_problems(folder: Path, names: Sequence[str]) -> list[Problem]:
    """A file in the ledger folder that lax does not read: a village file saved as `.yml` or `.YAML` would be
    left out of every list, and the next `check --record` would open a second history for its village."""
    out = []
    for name in names:
        stem, dot, ext = name.rpartition(".")
        if dot and ext.lower() in ("yaml", "yml"):
            message = _(f"is not read by lax: rename it to {stem}.yaml", f"lax 不会读取该文件：请改名为 {stem}.yaml")
            if (folder / f"{stem}.yaml").exists():
                message = _(f"is not read by lax, and {stem}.yaml is there too: merge the two into {stem}.yaml",
                            f"lax 不会读取该文件，且已有 {stem}.yaml：请将两者合并到 {stem}.yaml")
        else:
            message = _("is not a ledger file (lax reads only *.yaml here): move it out of the ledger folder",
                        "不是台账文件（此处 lax 只读取 *.yaml）：请移出台账文件夹")
        out.append(Problem("stray-file", message, str(folder / name), line=1))
    return out


def _duplicates(entries: Sequence[Entry]) -> list[Problem]:
    problems = []
    seen: dict[Any, Entry] = {}
    for e in entries:
        key = ("code", e.code) if e.code else ("names", e.township, e.village)
        first = seen.get(key)
        if first is not None:
            problems.append(Problem("duplicate-village",
                                    _(f"the same village as {first.path.name} ({e.label}); merge the two files",
                                      f"与 {first.path.name} 是同一个村（{e.label}）；请合并这两个文件"), str(e.path), line=1))
        else:
            seen[key] = e
    return problems


def load_townships(folder: Path) -> dict[str, tuple[Event, ...]]:
    """Township -> its events (quarterly submissions), from `_townships/`."""
    result, _problems = load_townships_checked(folder)
    return result


def load_townships_checked(folder: Path) -> tuple[dict[str, tuple[Event, ...]], list[str]]:
    result, problems = _load_townships(folder)
    return result, [problem_text(p) for p in problems]


def _load_townships(folder: Path) -> tuple[dict[str, tuple[Event, ...]], list[Problem]]:
    result: dict[str, tuple[Event, ...]] = {}
    files, problems = _township_files(folder)
    for _path, name, events in files:
        result[name] = result.get(name, ()) + events
    return result, problems


def _township_files(folder: Path) -> tuple[list[tuple[Path, str, tuple[Event, ...]]], list[Problem]]:
    """Each township file that reads as what it says (path, township, events), and every problem: the one
    walk over `_townships/` for reports, `verify`, `ledger log` and the export's events sheet."""
    _settle(Path(folder))
    tdir = Path(folder) / TOWNSHIPS_DIR
    out: list[tuple[Path, str, tuple[Event, ...]]] = []
    problems: list[Problem] = []
    dirents, stray = _scan(tdir)
    for d in sorted(dirents, key=lambda d: d.name):
        path = tdir / d.name
        label = str(path)
        try:
            parsed = parse_text(_read_text(path, label))
        except _Unreadable as e:
            problems.append(_unreadable_problem(label, e))
            continue
        c = _entry_from(parsed, kind="township")
        problems.extend(_typed(label, c.problems))
        if c.identity is not None and not any(code in UNTRUSTED for _line, code, _msg in c.problems):
            out.append((path, c.identity["township"], tuple(c.events)))
    problems.extend(_stray_problems(tdir, stray))
    return out, problems


def verify(folder: Path, policy: Policy, criteria_ids: set[str]) -> tuple[int, list[str]]:
    """(files checked, every problem as `FILE:LINE: message`) for `lax ledger verify`."""
    files, problems = verify_checked(folder, policy, criteria_ids)
    return files, [problem_text(p) for p in problems]


def verify_checked(folder: Path, policy: Policy, criteria_ids: set[str]) -> tuple[int, list[Problem]]:
    """(files checked, every problem as a `Problem` with its code) for `lax ledger verify`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LaxError(_(f"no ledger folder at {folder}", f"找不到台账文件夹 {folder}"))
    entries, problems = load_entries_checked(folder, criteria_ids, policy, use_cache=False)
    _towns, tproblems = _load_townships(folder)
    files = len(_village_paths(folder)) + len(_village_paths(folder / TOWNSHIPS_DIR))
    for name in sorted(os.listdir(folder)):
        if name.startswith(_TMP_PREFIX):
            problems.append(Problem("leftover-temp-file", _("left over from an interrupted write; safe to delete",
                                                            "中断写入留下的临时文件，可以删除"), str(folder / name), line=1))
        elif name == JOURNAL_NAME:  # only when this process could not take the lock to finish it
            problems.append(Problem("interrupted-record", _("an interrupted record; the next lax command that can write "
                                                            "to the ledger finishes it",
                                                            "中断的记录；下一次能写入台账的 lax 命令会完成它"),
                                    str(folder / name), line=1))
    return files, problems + tproblems


# ================================================================================ finding a village


def _candidates(entries: Sequence[Entry]) -> str:
    return ", ".join(f"{e.label}" + (f" ({e.code})" if e.code else "") for e in entries)


def find_village(entries: Sequence[Entry], query: str, folder: Path | None = None) -> Entry:
    """The village a person named: by code, `township/village`, village name, or township and village run
    together (`邓埠镇宋三村`). Ambiguous or unknown names are an error listing the candidates."""
    q = unicodedata.normalize("NFC", str(query)).strip()
    if not q:
        raise LaxError(_("no village given", "未指定村"))
    found = [e for e in entries if e.code and e.code == q]
    if not found and "/" in q:
        t, v = (p.strip() for p in q.split("/", 1))
        found = [e for e in entries if e.township == t and e.village == v]
    if not found:
        found = [e for e in entries if e.village == q]
    if not found:
        found = [e for e in entries if e.township + e.village == q]
    if len(found) == 1:
        return found[0]
    if found:
        raise LaxError(_(f"'{q}' matches {len(found)} villages: {_candidates(found)}; name it as township/village or by code",
                         f"“{q}”对应 {len(found)} 个村：{_candidates(found)}；请写成 乡镇/村 或使用村代码"))
    keys: dict[str, list[Entry]] = {}
    for e in entries:
        keys.setdefault(e.village, []).append(e)
        keys.setdefault(e.label, []).append(e)
    close = difflib.get_close_matches(q.split("/")[-1], list(keys), n=5, cutoff=0.5)
    near: list[Entry] = []
    for name in close:
        near += [e for e in keys[name] if e not in near]
    near += [e for e in entries if (q in e.label or e.village in q) and e not in near]
    near = near[:5]
    where = f" ({folder})" if folder is not None else ""
    hint = _(f"; did you mean: {_candidates(near)}", f"；是否指：{_candidates(near)}") if near else ""
    raise LaxError(_(f"no village '{q}' in the ledger{where}{hint}", f"台账{where}中没有“{q}”{hint}"))


# ============================================================================================= writing


_held: set[str] = set()  # ledger folders whose lock this process holds (real paths)


@contextmanager
def locked(folder: Path, timeout: float = 60.0) -> Iterator[None]:
    """Hold the ledger's write lock (one `.lock` file per folder) for a whole read-check-write step."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fh = open(folder / LOCK_NAME, "a+b")
    except OSError as e:
        raise LaxError(_(f"cannot use the ledger folder {folder}: {e.strerror}", f"无法使用台账文件夹 {folder}：{e.strerror}")) from None
    try:
        _lock(fh, timeout)
        key = os.path.realpath(folder)
        _held.add(key)
        try:
            _recover(folder)  # a record a killed writer left half-renamed is finished (or undone) first
            _clean_temp_files(folder)
            yield
        finally:
            _held.discard(key)
            _unlock(fh)
    finally:
        fh.close()


def _lock(fh: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        while True:
            try:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise LaxError(_("the ledger is locked by another lax process; try again", "台账正被另一个 lax 进程写入，请稍后再试")) from None
                time.sleep(0.05)
    while True:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise LaxError(_("the ledger is locked by another lax process; try again", "台账正被另一个 lax 进程写入，请稍后再试")) from None
            time.sleep(0.01)


def _unlock(fh: Any) -> None:
    try:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    except ImportError:
        import msvcrt

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)


def _clean_temp_files(folder: Path) -> None:
    # Under the lock no other writer is mid-write, so any temporary file is left from a crash.
    for d in (folder, folder / TOWNSHIPS_DIR):
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for name in names:
            if name.startswith(_TMP_PREFIX) and name.endswith((".yaml", JOURNAL_SUFFIX)):
                _unlink(d / name)


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` so that a crash leaves the old file or the new one, never a torn one.
    A failure is one `LaxError` line ("cannot write PATH: No space left on device"), the old file kept."""
    _write_all(path.parent, [(path, text)])


def _write_all(folder: Path, files: Sequence[tuple[Path, str]]) -> None:
    """Write several ledger files as one transaction, under the lock: all of them land, or none.

    Every new text goes to a temporary file beside its final name first (written, synced). Then, for more
    than one file, a journal (`.journal` in the ledger folder, itself written aside, synced and renamed
    into place) lists the renames to do with a digest of each text: once it is there the record is
    decided. Then every temporary file is renamed over its final name, the folders are synced, and the
    journal is deleted. A process killed before the journal leaves only temporary files, which the next
    writer deletes (nothing happened); killed after it, the next command that takes the lock finishes the
    renames (`_recover`). One file needs no journal: its rename alone is atomic.
    """
    if not files:
        return
    made: list[Path] = []
    temps: list[tuple[Path, Path]] = []  # (temporary, final)

    def fail(path: Path, e: OSError) -> LaxError:
        return LaxError(_(f"cannot write {path}: {os_reason(e)}", f"无法写入 {path}：{os_reason(e)}"))

    try:
        for path, text in files:
            if not path.parent.is_dir():
                try:
                    path.parent.mkdir(parents=True)
                    made.append(path.parent)
                except FileExistsError:
                    pass
                except OSError as e:
                    raise fail(path, e) from None
            try:
                temps.append((_write_temp(path, text), path))
            except OSError as e:
                raise fail(path, e) from None
        delay = os.environ.get("LAX_TEST_WRITE_DELAY")  # lets the crash tests kill a writer mid-write
        if delay:
            time.sleep(float(delay))
        if len(temps) == 1:
            tmp, path = temps[0]
            try:
                os.replace(tmp, path)
            except OSError as e:
                raise fail(path, e) from None
            _sync_folder(path.parent)
            return
        journal = Path(folder) / JOURNAL_NAME
        try:
            _write_journal(Path(folder), [(t, p, _digest(text)) for (t, p), (_p, text) in zip(temps, files)])
        except OSError as e:
            raise fail(journal, e) from None
    except BaseException:
        for tmp, _path in temps:
            _unlink(tmp)
        for d in made:  # a `_townships/` folder made for this record goes with it
            _rmdir_if_empty(d)
        raise
    # The record is decided: from here a failure is finished by the next command that takes the lock.
    try:
        for tmp, path in temps:
            os.replace(tmp, path)
        for d in dict.fromkeys(p.parent for _t, p in temps):
            _sync_folder(d)
        journal.unlink()
        _sync_folder(Path(folder))
    except OSError as e:
        raise LaxError(_(f"cannot finish writing the ledger {folder}: {os_reason(e)}; the next lax command "
                         "on it finishes the record",
                         f"无法完成写入台账 {folder}：{os_reason(e)}；下一次对该台账运行 lax 命令时会完成这次记录")) from None


def _write_temp(path: Path, text: str) -> Path:
    """`text` in a new synced temporary file beside `path`, with the mode `path` has (or would get)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_TMP_PREFIX, suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
    except BaseException:
        _unlink(Path(tmp))
        raise
    return Path(tmp)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_journal(folder: Path, renames: Sequence[tuple[Path, Path, str]]) -> None:
    """The journal of one transaction, in place only when whole (written aside, synced, renamed)."""
    data = {"lax-journal": 1,
            "renames": [[os.path.relpath(t, folder), os.path.relpath(p, folder), h] for t, p, h in renames],
            "end": True}
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=_TMP_PREFIX, suffix=JOURNAL_SUFFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, folder / JOURNAL_NAME)
    except BaseException:
        _unlink(Path(tmp))
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the renames in a folder durable (not every platform can sync a folder)."""
    try:
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def _rmdir_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _recover(folder: Path) -> None:
    """Under the lock: finish the transaction a killed writer left (its journal is in place and every
    file is either still its temporary file or already renamed, each with the text the journal names),
    or undo it (a journal that does not hold: delete its temporary files). Then delete the journal."""
    journal = folder / JOURNAL_NAME
    try:
        raw = journal.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError):
        raw = ""
    renames: list[tuple[Path, Path, str]] = []
    whole = False
    try:
        data = json.loads(raw)
        base = os.path.realpath(folder)
        for t, p, h in data["renames"]:
            tmp, path = folder / t, folder / p
            # A journal names lax's own temporary files and ledger files inside its folder, nothing else
            # (a damaged or hand-made one cannot delete or overwrite anything outside).
            if not tmp.name.startswith(_TMP_PREFIX) or path.name.startswith(".") or not path.name.endswith(".yaml"):
                raise ValueError(t)
            for q in (tmp, path):
                if os.path.commonpath([base, os.path.realpath(q.parent)]) != base:
                    raise ValueError(q)
            renames.append((tmp, path, str(h)))
        whole = data.get("lax-journal") == 1 and data.get("end") is True and bool(renames)
    except (ValueError, TypeError, KeyError, AttributeError):
        whole = False
    if whole:
        for tmp, path, h in renames:
            if tmp.exists():
                whole = _file_digest(tmp) == h
            else:  # renamed before the writer was killed
                whole = _file_digest(path) == h
            if not whole:
                break
    try:
        if whole:
            for tmp, path, _h in renames:
                if tmp.exists():
                    os.replace(tmp, path)
            for d in dict.fromkeys(p.parent for _t, p, _h in renames):
                _sync_folder(d)
        else:
            for tmp, _path, _h in renames:
                _unlink(tmp)
        journal.unlink()
        _sync_folder(folder)
    except OSError as e:
        raise LaxError(_(f"cannot finish the interrupted write in {folder}: {os_reason(e)}",
                         f"无法完成 {folder} 中中断的写入：{os_reason(e)}")) from None


def _settle(folder: Path) -> None:
    """Before reading: if a killed writer left a journal, take the lock so it is finished (or undone) and
    the reader sees a whole record. A ledger this process cannot lock (read-only) is read as it is; verify
    names the journal."""
    if not os.path.lexists(Path(folder) / JOURNAL_NAME) or os.path.realpath(folder) in _held:
        return
    try:
        with locked(folder):
            pass
    except LaxError:
        pass


def _appended_text(old_text: str | None, old: Entry | None, new: Entry, added: Sequence[Event]) -> str:
    """The new village file text: the old text with the new events appended when that is exact (so a hand
    edit's comments and layout survive), else the canonical text."""
    canonical = dump_entry(new)
    if old_text is None or old is None or old_text == dump_entry(old):
        return canonical
    return _appended(old_text, added, new.events, "village") or canonical


def _appended(old_text: str, added: Sequence[Event], expected: Sequence[Event], kind: str) -> str | None:
    """The old text with `added` appended to its event list, if reading it back gives exactly `expected`
    (the events are the file's last block, in block style); else None."""
    base = old_text if old_text.endswith("\n") else old_text + "\n"
    text = base + _dump([event_dict(e) for e in added])
    try:
        parsed = parse_text(text)
    except _Unreadable:
        return None
    c = _entry_from(parsed, kind=kind)
    if c.identity and [(e.date, e.type, e.data) for e in c.events] == [(e.date, e.type, _plain(e.data)) for e in expected]:
        return text
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass
class _Change:
    path: Path
    old_text: str | None
    old: Entry | None
    new: Entry
    added: list[Event]


def _fresh(path: Path, policy: Policy) -> tuple[Entry, str]:
    """Re-read a village file under the lock; refuse to add to a file that has problems."""
    label = str(path)
    try:
        text = _read_text(path, label)
    except _Unreadable as e:
        raise LaxError(f"{label}:{e.line}: {e.message}") from None
    checked = read_village(path, policy, None, label, _safe_parse(text, label))
    if checked.entry is None or checked.problems:
        first = checked.problems[0] if checked.problems else label
        raise LaxError(_(f"{first} (fix the file before adding to it; lax ledger verify lists every problem)",
                         f"{first}（请先修正该文件再添加记录；lax ledger verify 会列出全部问题）"))
    return checked.entry, text


def _safe_parse(text: str, label: str) -> _Parsed:
    try:
        return parse_text(text)
    except _Unreadable as e:
        raise LaxError(f"{label}:{e.line}: {e.message}") from None


def _plan(path: Path, old: Entry | None, old_text: str | None, identity: tuple[str, str, str | None],
          events: Sequence[Event], policy: Policy) -> _Change:
    """Check new events against the history; raise a refusal (exit 1) naming the village if one cannot follow."""
    history = list(old.events) if old else []
    replay = Replay(policy)
    for e in history:
        replay.step(e)
    for e in events:
        reason = refusal(replay, e, policy)
        if reason is not None:
            township, village, _code = identity
            raise LaxError(_(f"refused: {township}/{village}: {reason}", f"已拒绝：{township}/{village}：{reason}"), exit_code=1)
        replay.step(e)
    new = Entry(path, identity[0], identity[1], identity[2], tuple(history) + tuple(events))
    return _Change(path, old_text, old, new, list(events))


def _commit(changes: Sequence[_Change], more: Sequence[tuple[Path, str]] = (),
            folder: Path | None = None) -> list[Path]:
    """Write the changed village files (and `more` files, e.g. township files) as one transaction."""
    files = [(c.path, _appended_text(c.old_text, c.old, c.new, c.added)) for c in changes] + list(more)
    if files:
        _write_all(Path(folder) if folder is not None else files[0][0].parent, files)
    return [c.path for c in changes]


def _refuse_if_unreadable(entries: Sequence[Entry], problems: Sequence[str], folder: Path) -> None:
    """Before adding a new village file: a file lax cannot read might be that village, and a second file for
    it would split its history; so every village file must be readable first. A village file saved as
    `.yml` or `.YAML` is not read at all, so its village would look new: refused the same way."""
    known = {e.path.name for e in entries}
    files, stray = _scan(folder)
    first = next((next((p for p in problems if p.startswith(str(folder / d.name) + ":")), str(folder / d.name))
                  for d in files if d.name not in known), None)
    if first is None:
        copies = [n for n in stray if n.rpartition(".")[2].lower() in ("yaml", "yml")]
        first = problem_text(_stray_problems(folder, copies[:1])[0]) if copies else None
    if first is not None:
        raise LaxError(_(f"{first} (every village file must be readable before a new village is added; "
                         f"lax ledger verify lists the problems)",
                         f"{first}（新增村之前所有村文件都必须可读；lax ledger verify 会列出问题）"))


def _new_path(folder: Path, township: str, village: str, code: str | None, taken: set[str]) -> Path:
    """A file name for a village new to the ledger, never one already used by another village."""
    def names() -> Iterator[str]:  # made one at a time: the numbered ones are almost never needed
        yield village_file_name(township, village)
        if code:
            yield village_file_name(township, village, code)
        for n in range(2, 1000):
            yield village_file_name(township, village, str(n))

    for name in names():
        if name not in taken and not (folder / name).exists():
            return _inside(folder, folder / name)
    raise LaxError(_("too many villages with the same name", "同名村过多"))


def _match(entries: Sequence[Entry], township: str, village: str, code: str | None) -> Entry | None:
    """The ledger entry of a village given by its identity (code first, then names)."""
    if code:
        for e in entries:
            if e.code == code:
                return e
    for e in entries:
        if e.township == township and e.village == village and (not code or not e.code or e.code == code):
            return e
    return None


def make_event(date: dt.date, etype: str, **data: Any) -> Event:
    """An event with its keys in the written order and blank options left out."""
    order = event_keys(etype)
    clean = {k: data[k] for k in order if k in data and data[k] is not None and data[k] != "" and data[k] != []}
    clean.update({k: v for k, v in data.items() if k not in order and v is not None})
    return Event(date, etype, clean)


def open_village(folder: Path, township: str, village: str, code: str | None, event: Event,
                 policy: Policy) -> tuple[Entry, bool]:
    """Record an `identified` event, creating the village's file when it is new: (entry, created)."""
    folder = Path(folder)
    with locked(folder):
        entries, problems = load_entries(folder)
        existing = _match(entries, township, village, code)
        if existing is not None and (existing.township, existing.village) != (township, village):
            raise LaxError(_(f"code {code} belongs to {existing.label} in the ledger, not to {township}/{village}",
                             f"村代码 {code} 在台账中属于 {existing.label}，而不是 {township}/{village}"))
        if existing is not None:
            old, text = _fresh(existing.path, policy)
            change = _plan(old.path, old, text, (old.township, old.village, old.code), [event], policy)
            _commit([change])
            return change.new, False
        _refuse_if_unreadable(entries, problems, folder)
        path = _new_path(folder, township, village, code, set())
        change = _plan(path, None, None, (township, village, code), [event], policy)
        _commit([change])
        return change.new, True


def add_event(folder: Path, entry: Entry, event: Event, policy: Policy) -> Entry:
    """Append one event to a village's file, if the lifecycle allows it (else a refusal, exit 1)."""
    folder = Path(folder)
    with locked(folder):
        if not entry.path.exists():
            raise LaxError(_(f"{entry.path} disappeared", f"{entry.path} 已不存在"))
        old, text = _fresh(entry.path, policy)
        change = _plan(old.path, old, text, (old.township, old.village, old.code), [event], policy)
        _commit([change])
        return change.new


def prepare_event(entry: Entry, event: Event, policy: Policy) -> None:
    """Raise the refusal `add_event` would give, without writing (used to check before asking for more)."""
    _plan(entry.path, entry, None, (entry.township, entry.village, entry.code), [event], policy)


# ====================================================================================== check --record


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
        return "".join("\ufffd" if unicodedata.category(ch) == "Cc" and ch not in "\t\n" else ch for ch in value) \
            if _has_control(value) else value
    if isinstance(value, (bool, int, dt.date)) or value is None:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None  # NaN or infinity is no evidence; `verify` would reject the file
        return int(value) if value.is_integer() else value
    return str(value)


def record_check(folder: Path, villages: list[dict], as_of: dt.date, channel: str, policy: Policy,
                 criteria_ids: set[str], source: str | None, recorded: dict | None = None) -> RecordSummary:
    """Record what `lax check` found (SPEC §7, `lax check --record`).

    `villages` holds every village read, flagged or not: {"township", "village", "code", "criteria": [ids met],
    "evidence": {id: {field: value}}, optionally "checked_on": date and "source": {path, sheet, row}}. A newly
    flagged village (none or a closed round) is opened; one in its
    watch year (accepted) is reopened as a rebound; one still identified or rectifying gets the standards it
    newly meets added (`amended`), else nothing. With channel `self`, each township present gets one
    `submission` per quarter; with `spot`, a flagged village its township had not listed (no open round)
    also gets a `missed_inclusion`. Running it twice records nothing the second time.
    Each event keeps the row it came from (`source`, else the text `source` given) and, when given,
    `recorded` ({by, at}: who ran the check and when).
    Villages are matched by code when either side has one (`_match_row`); a ledger village without a code
    takes the code of the one row of its names (said in the summary), and an ambiguous match is refused.
    All-or-nothing as far as checks go: a refused step (e.g. an event older than the file's last) raises
    before any file is written.
    """
    if channel not in CHANNELS:
        raise LaxError(_(f"--channel: '{channel}' is not one of {', '.join(CHANNELS)}",
                         f"--channel：“{channel}”不在 {', '.join(CHANNELS)} 之中"))
    folder = Path(folder)
    summary = RecordSummary()
    with locked(folder):
        entries, problems = load_entries(folder)
        changes: dict[Path, _Change] = {}
        taken: set[str] = set()
        refusals: list[str] = []
        seen: set[Any] = set()
        per_township: dict[str, int] = {}
        township_sources: dict[str, dict[str, None]] = {}  # township -> the files its rows came from, in order
        examined: dict[str, dt.date] = {}  # township -> its latest 排查日期 (checked_on) in the input
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
            raise LaxError(_(f"nothing recorded: {conflicts[0]}", f"未记录任何内容：{conflicts[0]}"), details=conflicts[1:])
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
            if isinstance(checked, dt.date) and (township not in examined or checked > examined[township]):
                examined[township] = checked if not isinstance(checked, dt.datetime) else checked.date()
            met = list(dict.fromkeys(str(c) for c in (v.get("criteria") or [])))
            unknown = [c for c in met if c not in criteria_ids]
            if unknown:
                raise LaxError(_(f"{township}/{village}: unknown standard {', '.join(unknown)}",
                                 f"{township}/{village}：未知标准 {'、'.join(unknown)}"))
            if not met:
                continue
            evidence = {c: _jsonable(e) for c, e in (v.get("evidence") or {}).items() if c in met}
            where = _row_label(township, village, code, v)
            try:
                entry, adopt = index.match(township, village, code, where)
            except LaxError as e:
                conflicts.append(str(e))
                continue
            if entry is not None:
                if entry.path in handled:
                    conflicts.append(_(f"{handled[entry.path]} and {where} both match {entry.path}; "
                                       f"give each its village code",
                                       f"{handled[entry.path]} 与 {where} 都对应 {entry.path}；请为每行填写村代码"))
                    continue
                handled[entry.path] = where
            try:
                events = _events_for(entry, met, evidence, as_of, channel, policy,
                                     row_source if row_source is not None else source, recorded)
            except LaxError as e:
                refusals.append(str(e))
                continue
            if events is None:
                summary.unchanged += 1
                continue
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
                        summary.adopted.append(_(f"{old.label} ({old.path.name}) takes code {code} from {where}",
                                                 f"{old.label}（{old.path.name}）采用 {where} 的村代码 {code}"))
                    changes[old.path] = _plan(old.path, old, text, (old.township, old.village, new_code), events, policy)
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
            raise LaxError(_(f"nothing recorded: {conflicts[0]}", f"未记录任何内容：{conflicts[0]}"), details=conflicts[1:])
        if bad_names:
            raise LaxError(_(f"nothing recorded: {len(bad_names)} name(s) cannot go into the ledger",
                             f"未记录任何内容：{len(bad_names)} 个名称无法记入台账"), details=bad_names)
        if refusals:
            raise LaxError(_(f"nothing recorded: {len(refusals)} village(s) cannot take this check's results",
                             f"未记录任何内容：{len(refusals)} 个村无法记入本次排查结果"), exit_code=1, details=refusals)
        sources = {t: ", ".join(paths) for t, paths in township_sources.items()}
        township_changes = _submissions(folder, per_township, examined, as_of, source, sources,
                                        recorded) if channel == "self" else []
        # One transaction: the village files and the township files land together or not at all.
        summary.files = _commit(list(changes.values()), township_changes, folder)
        summary.files += [path for path, _text in township_changes]
        summary.submissions += len(township_changes)
    return summary


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
                out.append(_(f"{bare[0].path} has no village code and the input has {len(codes)} villages "
                             f"{names[0]}/{names[1]} with different codes: {'; '.join(labels)}; write the right code "
                             f"into the ledger file (code: '...') and run again",
                             f"{bare[0].path} 没有村代码，而输入中有 {len(codes)} 个村代码不同的 {names[0]}/{names[1]}："
                             f"{'；'.join(labels)}；请在台账文件中写明村代码（code: '...'）后重新运行"))
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
                raise LaxError(_(f"{where}: the ledger has {len(bare)} files for {township}/{village} without a code: "
                                 f"{', '.join(e.path.name for e in bare)}",
                                 f"{where}：台账中有 {len(bare)} 个无村代码的 {township}/{village} 文件："
                                 f"{'、'.join(e.path.name for e in bare)}"))
            return (bare[0], True) if bare else (None, False)
        if len(same) > 1:
            files = [(e.path.name, e.code or "-") for e in same]
            raise LaxError(_(f"{where} matches {len(same)} villages of the ledger: "
                             f"{', '.join(f'{n} ({c})' for n, c in files)}; give the row its village code",
                             f"{where} 对应台账中 {len(same)} 个村："
                             f"{'、'.join(f'{n}（{c}）' for n, c in files)}；请为该行填写村代码"))
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


def _events_for(entry: Entry | None, met: list[str], evidence: dict, as_of: dt.date, channel: str,
                policy: Policy, source: str | dict | None, recorded: dict | None = None) -> list[Event] | None:
    """The events one flagged village gets from a check on `as_of`, or None when nothing is new."""
    state = state_as_of(entry.events, as_of, policy) if entry else EMPTY
    status = state.status
    deadline = add_months(as_of, policy.rectify_months)
    if status in (None, "closed"):
        events = []
        if channel == "spot":
            events.append(make_event(as_of, "missed_inclusion", channel=channel, criteria=met, evidence=evidence or None,
                                     source=source, recorded=recorded))
        events.append(make_event(as_of, "identified", channel=channel, criteria=met, evidence=evidence or None,
                                 deadline=deadline, source=source, recorded=recorded))
        return events
    if status == "accepted":
        return [make_event(as_of, "reopened",
                           reason=_(f"meets {', '.join(met)} again ({channel} check)", f"再次符合认定标准 {'、'.join(met)}（{_channel_zh(channel)}）"),
                           channel=channel, criteria=met, evidence=evidence or None, deadline=deadline, source=source,
                           recorded=recorded)]
    new = [c for c in met if c not in state.criteria]
    if not new:
        return None
    return [make_event(as_of, "amended", channel=channel, criteria=new,
                       evidence={c: evidence[c] for c in new if c in evidence} or None, source=source,
                       recorded=recorded)]


def _channel_zh(channel: str) -> str:
    from lax import terms

    return terms.CHANNELS[channel].zh if channel in terms.CHANNELS else channel


def township_file(folder: Path, township: str) -> Path:
    """The file of a township's own records in `_townships/`: `township_file_name`, or the file an earlier
    lax named it by (`safe_part`, which could give two townships one name) when that file holds this
    township, so an existing ledger keeps its township files."""
    tdir = Path(folder) / TOWNSHIPS_DIR
    path = _inside(tdir, tdir / township_file_name(township))
    if path.exists():
        return path
    legacy = tdir / (safe_part(township, 100) + ".yaml")
    if legacy != path and _exists(legacy) and _township_of(legacy) in (township, None):
        return _inside(tdir, legacy)  # an unreadable one too: recording then names its problem instead of splitting
    return path


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # e.g. a name too long for the file system, as the earlier names of long townships were
        return False


def _township_of(path: Path) -> str | None:
    """The township a township file holds, or None when it cannot be read."""
    try:
        c = _entry_from(parse_text(_read_text(path, str(path))), kind="township")
    except _Unreadable:
        return None
    return c.identity["township"] if c.identity else None


def _submissions(folder: Path, per_township: dict[str, int], examined: dict[str, dt.date], as_of: dt.date,
                 source: str | None, sources: dict[str, str] | None = None,
                 recorded: dict | None = None) -> list[tuple[Path, str]]:
    """New township-file texts for this quarter's submissions (one per township per quarter).

    The quarter is the one the township examined: that of its latest 排查日期 (checked_on) when the sheet
    has one, so a Q3 examination handed in on 8 October is recorded as a late Q3 submission; otherwise
    the quarter of the day the check is recorded.
    """
    out = []
    paths: dict[Path, str] = {}
    for township, count in per_township.items():
        quarter = quarter_of(min(examined.get(township, as_of), as_of))
        path = township_file(folder, township)
        other = paths.setdefault(path, township)
        if other != township:  # cannot happen with township_file_name; a last guard against merging two townships
            raise LaxError(_(f"townships '{other}' and '{township}' would share {path}; nothing recorded",
                             f"乡镇“{other}”与“{township}”会共用 {path}；未记录任何内容"))
        events: list[Event] = []
        old_text = None
        if path.exists():
            label = str(path)
            old_text = _read_text_or_raise(path, label)
            parsed = _safe_parse(old_text, label)
            c = _entry_from(parsed, kind="township")
            identity, problems, events = c.identity, _format_problems(label, c.problems), c.events
            if identity is None or problems:
                raise LaxError(_(f"{problems[0] if problems else label} (fix the township file first)",
                                 f"{problems[0] if problems else label}（请先修正乡镇文件）"))
            if identity["township"] != township:
                other = identity["township"]
                raise LaxError(_(f"{label}: holds township '{other}', not '{township}' (two names, one file); "
                                 f"rename it to {township_file_name(other)}, the file name of '{other}'",
                                 f"{label}：记录的是乡镇“{other}”，而不是“{township}”（两个名称对应同一文件）；"
                                 f"请将其改名为 {township_file_name(other)}，即“{other}”的文件名"))
        if any(e.type == "submission" and e.data.get("quarter") == quarter for e in events):
            continue
        if events and as_of < events[-1].date:
            raise LaxError(_(f"{path}: the submission of {as_of} is older than the file's last record ({events[-1].date})",
                             f"{path}：{as_of} 的报送早于该文件最近一条记录（{events[-1].date}）"), exit_code=1)
        # the files this township's rows came from (older callers give one text for the whole check)
        event = make_event(as_of, "submission", quarter=quarter, villages=count,
                           source=(sources or {}).get(township) or source, recorded=recorded)
        text = dump_township(township, [*events, event])
        if old_text is not None and old_text != dump_township(township, events):
            # a hand-edited file keeps its comments and layout: the submission is appended to it
            text = _appended(old_text, [event], [*events, event], "township") or text
        out.append((path, text))
    return out


def _read_text_or_raise(path: Path, label: str) -> str:
    try:
        return _read_text(path, label)
    except _Unreadable as e:
        raise LaxError(f"{label}:{e.line}: {e.message}") from None


# ================================================================================== views for the CLI


def json_value(value: Any) -> Any:
    """Dates as ISO strings, recursively, for JSON output."""
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def summary(entry: Entry, state: State) -> dict:
    """One village as `show`/`list` print it (SPEC §7 keys first; more keys after)."""
    return {
        "township": entry.township,
        "village": entry.village,
        "code": entry.code,
        "status": state.status,
        "overdue": state.overdue,
        "deadline": state.deadline.isoformat() if state.deadline else None,
        "watch_until": state.watch_until.isoformat() if state.watch_until else None,
        "criteria": list(state.criteria),
        "rounds": state.rounds,
        "identified_on": state.identified_on.isoformat() if state.identified_on else None,
        "channel": state.channel,
        "rebounds": state.rebounds,
        "funds": state.funds,
        "file": entry.path.name,
    }


def show_data(entry: Entry, as_of: dt.date, policy: Policy) -> dict:
    state = state_as_of(entry.events, as_of, policy)
    data = summary(entry, state)
    data["events"] = [json_value(event_dict(e)) for e in entry.events if e.date <= as_of]
    return data


def list_data(entries: Sequence[Entry], as_of: dt.date, policy: Policy, status: str | None = None,
              township: str | None = None, overdue: bool = False) -> dict:
    """`lax ledger list` as data: villages with a round opened by `as_of`, filtered, in township/village order."""
    rows = []
    for e in entries:
        if township is not None and e.township != township:
            continue
        replay = Replay(policy)
        for ev in e.events:
            if ev.date <= as_of:
                replay.step(ev)
        if replay.status is None:
            continue
        state = replay.snapshot(as_of)
        if status is not None and state.status != status:
            continue
        if overdue and not state.overdue:
            continue
        rows.append(summary(e, state))
    rows.sort(key=lambda r: (r["township"], r["village"], r["code"] or ""))
    return {"as_of": as_of.isoformat(), "villages": rows}


def township_files_read(folder: Path) -> tuple[list[tuple[Path, str, tuple[Event, ...]]], list[str]]:
    """Each township file that reads as what it says, with its path, township and events (for `ledger log`
    and the export's events sheet), and the problems as `FILE:LINE: message`."""
    files, problems = _township_files(folder)
    return files, [problem_text(p) for p in problems]


def log_data(folder: Path, entries: Sequence[Entry], since: dt.date | None = None, village: Entry | None = None,
             by: str | None = None) -> tuple[list[dict], list[str]]:
    """`lax ledger log` as data: every event of the ledger (village and township files) in the order it was
    recorded, and the problems of township files that could not be read.

    Events lax wrote carry `recorded: {by, at}` and are ordered by `at`, then by file and line; events
    without it (typed by hand, or from before lax kept it) come first, by their own date. `since` keeps
    events recorded on or after that day (events without `recorded`: dated on or after it); `village` keeps
    one village's events; `by` keeps the events recorded by that name.
    """
    from lax.ledger.recorder import clean_name

    who = clean_name(by) if by is not None else None
    if by is not None and who is None:
        raise LaxError(_(f"--by: '{by}' is not a name", f"--by：“{by}”不是姓名"))
    sources: list[tuple[Path, str, str | None, str | None, Sequence[Event]]] = []
    for e in sorted(entries, key=lambda e: e.path.name):
        if village is None or e.path == village.path:
            sources.append((e.path, e.township, e.village, e.code, e.events))
    problems: list[str] = []
    if village is None:
        towns, problems = township_files_read(folder)
        sources += [(path, township, None, None, events) for path, township, events in towns]
    rows: list[tuple[tuple, dict]] = []
    order = 0
    for path, township, name, code, events in sources:
        for ev in events:
            order += 1
            rec = ev.data.get("recorded")
            stamp = parse_timestamp(rec.get("at")) if isinstance(rec, dict) else None
            if stamp is None:
                rec = None
            if who is not None and (rec is None or rec.get("by") != who):
                continue
            day = stamp.date() if stamp is not None else ev.date
            if since is not None and day < since:
                continue
            key = (1, stamp.timestamp(), order) if stamp is not None else (0, ev.date.toordinal(), order)
            row = {"township": township, "village": name, "code": code, "date": ev.date.isoformat(), "type": ev.type,
                   "recorded": json_value(rec) if rec is not None else None, "path": str(path), "line": ev.line}
            row.update({k: json_value(v) for k, v in ev.data.items() if k != "recorded" and k not in row})
            rows.append((key, row))
    rows.sort(key=lambda r: r[0])
    return [r for _key, r in rows], problems
