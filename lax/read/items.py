"""Village records from YAML and JSON files: a list of villages, or `villages:` followed by one.

Each item is a mapping of field (any header spelling the standards file knows) to value, converted as a
spreadsheet cell is (`lax.read.values`). Problems and notices name the item and, for YAML, the line of the
item or key in the editor (`lax.problems.editor_lines`). An unquoted impossible date (`2026-02-30`) is a
`bad-date` problem for its item, not a file that cannot be read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lax.criteria import header_key
from lax.i18n import _
from lax.problems import Problem, editor_lines, parser_reason
from lax.read.files import decode
from lax.read.rows import bad_problem, missing_problem
from lax.read.values import PROBLEM_CODES, convert, expected, to_text
from lax.read.values import show_value as _show


class _ImpossibleDate(str):
    """An unquoted YAML date that is no date (`checked_on: 2026-02-30`): PyYAML raises while building it,
    which would lose the whole file; kept as its text, it is a `bad-date` problem for its item and line."""


_LOADER = None


def _yaml_loader() -> Any:
    """The safe YAML loader (the C one when present) whose impossible dates stay text (`_ImpossibleDate`)."""
    global _LOADER
    if _LOADER is None:
        from lax.yamlsafe import SafeLoader as base  # merge keys bounded

        class Loader(base):  # type: ignore[misc, valid-type]
            def construct_yaml_timestamp(self, node):  # noqa: D401
                try:
                    return super().construct_yaml_timestamp(node)
                except (ValueError, OverflowError):
                    return _ImpossibleDate(node.value)

        Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
        _LOADER = Loader
    return _LOADER


# ---------------------------------------------------------------------------------------------- reading


def _utf8_text(reader: Any, path: Path, shown: str) -> str | None:
    """The file's text, or None after recording why it cannot be read (empty, not UTF-8)."""
    raw = path.read_bytes()
    if not raw.strip():
        reader.unreadable(shown, _("the file is empty", "文件是空的"))
        return None
    text = decode(raw, gbk=False)
    if text is None:
        reader.unreadable(shown, _("the file is not UTF-8 text", "文件不是 UTF-8 文本"))
    return text


def read_yaml(reader: Any, path: Path, shown: str) -> None:
    """A YAML file of villages into `reader`; problems and notices name the editor's line."""
    import yaml

    text = _utf8_text(reader, path, shown)
    if text is None:
        return
    at = editor_lines(text)  # YAML counts NEL/LS/PS as line breaks; the lines said are the editor's
    loader = _yaml_loader()(text)
    try:
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = at(mark.line + 1) if mark is not None else None
        reason = parser_reason(str(e.problem or e.context or "").strip() or type(e).__name__)
        reader.problems.append(
            Problem("unreadable-file", _(f"YAML error: {reason}", f"YAML 错误：{reason}"), shown, line=line)
        )
        return
    except yaml.YAMLError as e:
        reader.unreadable(shown, _("YAML error: ", "YAML 错误：") + (str(e).splitlines() or [type(e).__name__])[0])
        return
    items, item_lines = _items_with_lines(data, node, at)
    if items is None:
        reader.unreadable(
            shown,
            _("expected a list of villages, or 'villages:' followed by one", "应为村的列表，或“villages:”下的列表"),
        )
        return
    _read_items(reader, items, item_lines, shown)


def read_json(reader: Any, path: Path, shown: str) -> None:
    """A JSON file of villages into `reader`."""
    text = _utf8_text(reader, path, shown)
    if text is None:
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        reader.problems.append(
            Problem(
                "unreadable-file",
                _(f"JSON error: {e.msg} (column {e.colno})", f"JSON 错误：{parser_reason(e.msg)}（第{e.colno}个字符）"),
                shown,
                line=e.lineno,
            )
        )
        return
    items, _lines = _items_with_lines(data, None)
    if items is None:
        reader.unreadable(
            shown, _('expected a list of villages, or {"villages": [...]}', '应为村的列表，或 {"villages": [...]}')
        )
        return
    _read_items(reader, items, None, shown)


def _read_items(reader: Any, items: list, lines: list[int] | None, path: str) -> None:
    """The village items of a YAML or JSON file: each a mapping of field (any header spelling) to value."""
    from lax.read.records import Record

    fields = reader.fields
    lookup = reader.criteria.field_for_header
    reader.total += len(items)
    present: set[str] = set()  # the fields some item has a key for (for `missing-field`)
    reader.columns.suggested = 0
    unknown: set[str] = set()  # the keys naming no field already said (one notice per key and file)
    any_item = False
    for k, item in enumerate(items):
        row = k + 1
        at = lines[k] if lines is not None else None  # YAML only: the item's line and its keys' lines
        line = int(at) if at is not None else None
        if not isinstance(item, dict):
            reader.problems.append(
                Problem(
                    "bad-record",
                    _(
                        f"item {row} is not a village (a mapping of field: value), it is {_kind(item)}",
                        f"第 {row} 项不是村记录（“字段: 值”的映射），而是{_kind(item)}",
                    ),
                    path,
                    row=row,
                    line=line,
                )
            )
            continue
        values: list[Any] = [None] * len(fields)
        seen: set[int] = set()
        problems: list[Problem] = []
        any_item = True
        for key, raw in item.items():
            fid = lookup(key) if isinstance(key, (str, int, float)) and not isinstance(key, bool) else None
            if fid is None:  # not read, like a column that names no field: said once per key
                text = " ".join(str(key).split())
                if text and text not in unknown and header_key(text) not in reader.columns.quiet:
                    unknown.add(text)
                    reader.notices.append(
                        reader.columns.unknown(text, path, None, row, None, at.of(key) if at is not None else None)
                    )
                continue
            present.add(fid)
            p = reader.index[fid]
            if p in seen:
                continue  # the first spelling of a field wins
            seen.add(p)
            f = fields[p]
            key_line = at.of(key) if at is not None else None
            if isinstance(raw, (dict, list, tuple, set)):
                kind = _kind(raw)
                problems.append(
                    Problem(
                        PROBLEM_CODES.get(f.type, "bad-value"),
                        _(
                            f"{f.title_en}: expected {expected(f.type)}, found {kind}",
                            f"{f.title_zh}：应为{expected(f.type)}，实际是{kind}",
                        ),
                        path,
                        row=row,
                        field=f.id,
                        value=kind,
                        line=key_line,
                    )
                )
                continue
            try:
                if raw.__class__ is _ImpossibleDate and f.type != "text":
                    raise ValueError(raw)  # a date-shaped value that is no date is no count or yes/no either
                values[p] = convert(f.type, raw, f.unit) if f.type != "text" else to_text(raw)
            except ValueError:
                problems.append(bad_problem(path, None, row, None, f, raw, key_line))
        if values[reader.vi] is None:
            reader.problems.append(missing_problem(path, None, row, None, fields[reader.vi], line))
            continue
        if values[reader.ti] is None:
            reader.problems.append(missing_problem(path, None, row, None, fields[reader.ti], line))
            continue
        (values[reader.ti],) = reader.names.normal([values[reader.ti]], "township", path, None, [row], None, [line])
        (values[reader.vi],) = reader.names.normal([values[reader.vi]], "village", path, None, [row], None, [line])
        reader.names.seen_townships([values[reader.ti]], path, None, [row], None, line)
        reader.problems.extend(problems)
        for p, f in enumerate(fields):
            if (
                f.required
                and values[p] is None
                and p not in (reader.ti, reader.vi)
                and not any(q.field == f.id for q in problems)
            ):
                reader.problems.append(missing_problem(path, None, row, None, f, line))
        rec = Record(tuple(values), path, None, row, None)
        reader.villages.add(rec, line)
        reader.done += 1
    if any_item:
        reader.columns.missing_fields(present, path, None, None)
    reader.progress()


def _items_with_lines(data: Any, node: Any, at: Callable[[int], int] = int) -> tuple[list | None, list[int] | None]:
    """The list of village items in a YAML/JSON document, and each item's line when known (`at`: YAML's
    line number to the editor's, see `lax.problems.editor_lines`)."""
    if isinstance(data, dict):
        key = next((k for k in data if isinstance(k, str) and k.strip().lower() in ("villages", "records")), None)
        if key is None:
            return None, None
        items = data[key]
        sub = None
        if node is not None and getattr(node, "id", "") == "mapping":
            for k_node, v_node in node.value:
                if getattr(k_node, "value", None) == key:
                    sub = v_node
                    break
        node = sub
    else:
        items = data
    if not isinstance(items, list):
        return None, None
    lines = None
    if node is not None and getattr(node, "id", "") == "sequence" and len(node.value) == len(items):
        lines = [_ItemLines(n, at) for n in node.value]
    return items, lines


class _ItemLines(int):
    """The line of a YAML item (an int), with the line of each of its keys (`.of(key)`)."""

    def __new__(cls, node: Any, at: Callable[[int], int]) -> _ItemLines:
        self = super().__new__(cls, at(node.start_mark.line + 1))
        self.keys = {}
        if getattr(node, "id", "") == "mapping":
            for k_node, _v_node in node.value:
                self.keys.setdefault(getattr(k_node, "value", None), at(k_node.start_mark.line + 1))
        return self

    def of(self, key: Any) -> int:
        return self.keys.get(str(key) if not isinstance(key, str) else key, int(self))


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return _("a mapping", "映射")
    if isinstance(value, (list, tuple, set)):
        return _("a list", "列表")
    if value is None:
        return _("empty", "空值")
    return _(f"the value '{_show(value)}'", f"值“{_show(value)}”")
