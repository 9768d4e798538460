"""The ledger's file format: one YAML file per village (`township`, `village`, `code`, `events`) and one per
township in `_townships/` (`township`, `events`), README "The files".

Writing: `dump_village`/`dump_township` give the canonical text (block style for the file and its events,
flow style inside an event). Reading: `parse_text` parses with a safe YAML loader only (no object
construction); a file written by lax itself is read by a small exact parser for the canonical layout, and
anything else (hand edits, comments, other styles) goes through PyYAML, so both always give the same
result. Each key keeps its line, for `FILE:LINE` problems; what the values mean is checked in
`lax.ledger.validate`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lax.i18n import _
from lax.lifecycle import Event
from lax.problems import YAML_ONLY_BREAKS, editor_lines, parser_reason
from lax.yamlsafe import SafeLoader as _BaseLoader

_MAX_FILE_BYTES = 5_000_000


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
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1 << 30, indent=2
    )


def dump_village(township: str, village: str, code: str | None, events: Sequence[Event]) -> str:
    """The canonical text of a village file; `dump_village(*read(text)) == text` for any text it wrote."""
    return _dump({"township": township, "village": village, "code": code, "events": [event_dict(e) for e in events]})


def dump_entry(entry: Entry) -> str:
    return dump_village(entry.township, entry.village, entry.code, entry.events)


def dump_township(township: str, events: Sequence[Event]) -> str:
    return _dump({"township": township, "events": [event_dict(e) for e in events]})


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
    # True when every value is of JSON's own types (text, whole and finite numbers, true/false, null, lists,
    # maps with text keys) but for dates as the direct value of a key: what the exact parser gives when no
    # list or map holds a date. The entry cache stores such events without looking into every value.
    json_plain: bool = False


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
    return _Parsed(
        parsed.doc,
        {k: at(n) for k, n in parsed.key_lines.items()},
        [(at(n), {k: at(m) for k, m in keys.items()}) for n, keys in parsed.event_lines],
        parsed.cacheable,
        [(at(n), code, message) for n, code, message in parsed.problems],
    )


def _slow_parse(text: str) -> _Parsed:
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            reason = str(e.problem or e.context or e)
            raise _Unreadable(
                mark.line + 1 if mark else 1,
                # libyaml (PyYAML's wheels bundle 0.2.5) stops at 1,000 levels itself: the same fault as
                # Python's recursion limit under the pure parser, said the same way
                _("the YAML is nested too deeply", "YAML 嵌套过深")
                if "maximum nesting depth" in reason
                else _("YAML syntax error: ", "YAML 语法错误：") + parser_reason(reason),
                "yaml-syntax",
            ) from None
        except yaml.YAMLError as e:
            raise _Unreadable(1, _("YAML error: ", "YAML 错误：") + str(e).splitlines()[0], "yaml-syntax") from None
        except RecursionError:
            raise _Unreadable(1, _("the YAML is nested too deeply", "YAML 嵌套过深"), "yaml-syntax") from None
        if node is None:
            return _Parsed(None, {}, [], cacheable=False)
        shared = _shared_node(node)
        if shared is not None:
            raise _Unreadable(
                shared.start_mark.line + 1,
                _(
                    "anchors and aliases (& and *) are not allowed in a ledger file",
                    "台账文件中不允许使用锚点和别名（& 与 *）",
                ),
                "yaml-not-allowed",
            )
        found = _node_problems(node)
        try:
            doc = loader.construct_document(node)
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            problem = str(e.problem or e)
            if "could not determine a constructor" in problem:
                problem = _(
                    f"tag not allowed ({problem.split('tag', 1)[-1].strip()}); ledger files hold plain data only",
                    f"不允许的标签（{problem.split('tag', 1)[-1].strip()}）；台账文件只能包含普通数据",
                )
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
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in _HIDDEN_CATEGORIES else ch
        for ch in text
    )


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
            raise _Unreadable(
                node.start_mark.line + 1, _("the YAML is nested too deeply", "YAML 嵌套过深"), "yaml-syntax"
            )
        if isinstance(node, yaml.ScalarNode):
            if isinstance(node.value, str) and _has_control(node.value):
                found.append(
                    (
                        node.start_mark.line + 1,
                        "control-character",
                        _(
                            f"control character in '{_shown(node.value)[:80]}' (remove it or write it out)",
                            f"“{_shown(node.value)[:80]}”中含有控制字符（请删除或改写）",
                        ),
                    )
                )
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            seen: dict[tuple, int] = {}
            for k, _v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    line = k.start_mark.line + 1
                    first = seen.get((k.tag, k.value))
                    if first is None:
                        seen[(k.tag, k.value)] = line
                    else:
                        found.append(
                            (
                                line,
                                "duplicate-key",
                                _(
                                    f"'{_shown(k.value)[:80]}' is given twice in this mapping (also on line {first}); "
                                    f"YAML would keep only the last, so merge them",
                                    f"“{_shown(k.value)[:80]}”在同一映射中出现两次（另见第 {first} 行）；YAML 只会保留后者，请合并",
                                ),
                            )
                        )
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
# millisecond, which for 10,000 villages is most of the time budget. This parser reads exactly
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
    if (
        not value
        or value[0] in _PLAIN_BAD_START
        or value[-1] == " "
        or ": " in value
        or " #" in value
        or value.endswith(":")
        or "\t" in value
    ):
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


# The characters the exact parser reads: a line break, printable ASCII, and what YAML prints outside ASCII
# except its own line breaks (NEL, LS, PS) and the byte-order mark. Anything else (a tab, a CR, a control
# character) leaves the file to PyYAML, which reads it, refuses it or reports it.
# Written as the characters left out (the same set as `[^\n -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe...]`,
# checked over every code point): compiled in half a millisecond instead of ten, at every start of lax.
_NOT_FAST = re.compile("[\x00-\t\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")

# The lines the exact parser has read, by their text: a ledger repeats most of its lines in file after file
# (`- date: 2026-09-30`, `  type: planned`, `  criteria: [C05]`, who recorded), so each is parsed once per
# run. Per line: its kind (`_TOP` `key: value`, `_ITEM` the first key of an event, `_MORE` another key of
# it, `_EVENTS` the `events:` line), the key, the value as read, for a list or map how to copy it for each
# use (`list.copy`, `dict.copy`, or `_fresh` when it holds lists or maps: every file's events own their
# data), and whether a date is inside the list or map (see `_Parsed.json_plain`).
_TOP, _ITEM, _MORE, _EVENTS = 0, 1, 2, 3
_LINES: dict[str, tuple[int, str, Any, Any, bool]] = {}
_MEMO_LINE = 300  # a longer line (a long note) is seldom repeated: kept out, so the memo stays small
_MUTABLE = (list, dict)


def _copier(value: Any) -> Any:
    """How to copy a value read from a line for each use: None for a scalar (shared: it cannot change)."""
    if not isinstance(value, _MUTABLE):
        return None
    items = value if type(value) is list else value.values()
    if any(isinstance(v, _MUTABLE) for v in items):
        return _fresh
    return list.copy if type(value) is list else dict.copy


def _holds_date(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dt.date):
            return True
        if isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
    return False


def _line(line: str) -> tuple[int, str, Any, Any, bool]:
    """One line of the canonical layout, parsed (see `_LINES`); raises `_GiveUp`."""
    if line == "events:":
        return _EVENTS, "events", None, None, False
    head = line[:2]
    kind, start = (_ITEM, 2) if head == "- " else (_MORE, 2) if head == "  " else (_TOP, 0)
    m = _LINE_RE.match(line, start)
    if not m or (kind == _TOP and m.group(1) == "events"):  # `events: [...]` inline: PyYAML's to read (or refuse)
        raise _GiveUp
    key = _resolve_plain(m.group(1))
    if not isinstance(key, str):
        raise _GiveUp
    value = _block_value(m.group(2))
    copy = _copier(value)
    return kind, key, value, copy, copy is not None and _holds_date(value)


def _fresh(value: Any) -> Any:
    """A copy of a flow list or map (nested only in lists and maps) for one file's event."""
    if type(value) is list:
        return [_fresh(v) if isinstance(v, _MUTABLE) else v for v in value]
    return {k: _fresh(v) if isinstance(v, _MUTABLE) else v for k, v in value.items()}


def _fast_parse(text: str) -> _Parsed | None:
    if not text.endswith("\n") or _NOT_FAST.search(text):
        return None
    memo = _LINES
    if len(memo) > 200_000:
        memo.clear()
    try:
        doc: dict = {}
        key_lines: dict = {}
        event_lines: list = []
        events: list | None = None
        current: dict = {}
        current_keys: dict = {}
        nested_date = False
        lines = text.split("\n")
        lines.pop()
        for n, line in enumerate(lines, 1):
            try:
                kind, key, value, copy, dated = memo[line]
            except KeyError:
                item = _line(line)
                if len(line) <= _MEMO_LINE:
                    memo[line] = item
                kind, key, value, copy, dated = item
            if dated:
                nested_date = True
            if kind == _MORE:
                if not events or key in current:
                    return None
            elif kind == _ITEM:
                if events is None:
                    return None
                current = {}
                current_keys = {}
                events.append(current)
                event_lines.append((n, current_keys))
            elif events is not None or key in doc:
                return None  # a top-level key after the events, or given twice
            elif kind == _EVENTS:
                events = []
                doc["events"] = events
                key_lines["events"] = n
                continue
            else:
                doc[key] = value if copy is None else copy(value)
                key_lines[key] = n
                continue
            current[key] = value if copy is None else copy(value)
            current_keys[key] = n
        if events is None:
            return None
        return _Parsed(doc, key_lines, event_lines, json_plain=not nested_date)
    except (_GiveUp, IndexError, KeyError, RecursionError):  # lists nested past Python's limit: PyYAML says so
        return None


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, up to one more than `_MAX_FILE_BYTES` (enough to know it is too large): with
    os.open and os.read, a third of `Path.read_bytes`' time for the small files of a ledger (no file object,
    no buffer, no size asked first); raises `OSError`."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        chunk = os.read(fd, 65536)
        if not chunk:
            return chunk
        chunks = [chunk]
        size = len(chunk)
        while size <= _MAX_FILE_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def _read_text(path: Path, label: str) -> str:
    try:
        raw = _read_bytes(path)
    except OSError as e:
        raise _Unreadable(1, _(f"cannot read the file: {e.strerror}", f"无法读取文件：{e.strerror}")) from None
    if len(raw) > _MAX_FILE_BYTES:
        raise _Unreadable(1, _("the file is too large for a ledger file", "文件过大，不是台账文件"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise _Unreadable(line, _("the file is not UTF-8 text", "文件不是 UTF-8 文本")) from None
