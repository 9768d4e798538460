"""Finding and reading `criteria.yaml`: the packaged default, the line-remembering YAML loader, validation.

Loading validates everything and reports every problem as `FILE:LINE: message` before any record is read;
the `when` expressions are checked and compiled by `lax.criteria.expr`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from lax.criteria.expr import ExpressionError, _evaluate_all, compile_expression
from lax.criteria.model import FIELD_TYPES, Criteria, Criterion, Field, Policy, header_key
from lax.i18n import _
from lax.problems import LaxError, editor_lines, parser_reason
from lax.yamlsafe import SafeLoader as _Loader

_ID_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
_CRITERION_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
# The fields that say which village a row is: never part of its profile.
_IDENTITY_FIELDS = ("township", "village", "code")


def packaged_path(name: str) -> Path:
    """A shipped default (`criteria.yaml`, `templates`) inside the installed package.

    An editable install runs from the source tree, where the defaults sit at the project root.
    """
    here = Path(__file__).resolve().parent.parent  # the `lax` package folder
    for candidate in (here / "data" / name, here.parent / name):
        if candidate.exists():
            return candidate
    return here / "data" / name


def default_criteria_path(cwd: Path | None = None) -> Path:
    """`./criteria.yaml` when present, else the packaged default."""
    local = (cwd or Path.cwd()) / "criteria.yaml"
    # Anything by that name counts (a FIFO or a folder is then refused by name), never silently passed over.
    return local if os.path.lexists(local) else packaged_path("criteria.yaml")


class _LineLoader(_Loader):  # type: ignore[misc, valid-type]
    """Safe YAML loader that remembers the line of every mapping and of each of its keys."""

    def construct_mapping(self, node, deep=False):  # noqa: D401
        mapping = super().construct_mapping(node, deep=deep)
        if isinstance(mapping, dict):
            lines = {}
            for key_node, _value in node.value:
                lines[key_node.value] = key_node.start_mark.line + 1
            mapping["__line__"] = node.start_mark.line + 1
            mapping["__lines__"] = lines
        return mapping


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)


def load_criteria(path: str | os.PathLike | None = None) -> Criteria:
    """Load and compile a criteria file; raise `LaxError` listing every problem as `FILE:LINE: message`."""
    p = Path(path) if path is not None else default_criteria_path()
    shown = str(path) if path is not None else (p.name if p.parent == Path.cwd() else str(p))
    raw = _read_file(p, shown)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LaxError(
            _(f"{shown}:1: criteria file is not UTF-8 text", f"{shown}:1: 标准文件不是 UTF-8 文本")
        ) from None
    at = editor_lines(text)  # the line an editor shows for each line YAML counts
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as e:
        line = at((e.problem_mark or e.context_mark).line + 1) if (e.problem_mark or e.context_mark) else 1
        raise LaxError(
            f"{shown}:{line}: " + _("YAML syntax error: ", "YAML 语法错误：") + parser_reason(str(e.problem or e))
        ) from None
    except yaml.YAMLError as e:
        raise LaxError(f"{shown}:1: " + _("YAML error: ", "YAML 错误：") + str(e).splitlines()[0]) from None
    errors: list[tuple[int, str]] = []
    criteria = _build(data, shown, errors)
    if errors:
        errors.sort(key=lambda e: e[0])
        # One line per problem, even when it quotes a key or header holding a line break.
        lines = [f"{shown}:{at(line)}: {' '.join(msg.split())}" for line, msg in errors]
        raise LaxError(
            lines[0]
            if len(lines) == 1
            else _(f"{shown}: {len(lines)} problems in the criteria file", f"{shown}：标准文件有 {len(lines)} 处问题"),
            details=lines if len(lines) > 1 else [],
        )
    assert criteria is not None
    return criteria


# A criteria file is a page or two of YAML; anything this large is not one (and is not read into memory).
MAX_CRITERIA_BYTES = 2_000_000


def _read_file(p: Path, shown: str) -> bytes:
    """The bytes of a criteria file, which must be a regular file of at most MAX_CRITERIA_BYTES: a FIFO is
    opened without waiting for a writer and refused, like a device (`/dev/zero`) or a folder."""
    import stat

    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise LaxError(_(f"{shown}: criteria file not found", f"{shown}：找不到标准文件")) from None
    except IsADirectoryError:
        raise LaxError(_(f"{shown}: is a folder, not a criteria file", f"{shown}：是文件夹，不是标准文件")) from None
    except OSError as e:
        raise LaxError(f"{shown}: {e.strerror}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise LaxError(_(f"{shown}: is a folder, not a criteria file", f"{shown}：是文件夹，不是标准文件"))
        if not stat.S_ISREG(st.st_mode):
            kind = _("a FIFO", "管道") if stat.S_ISFIFO(st.st_mode) else _("a device or special file", "设备或特殊文件")
            raise LaxError(_(f"{shown}: is {kind}, not a criteria file", f"{shown}：是{kind}，不是标准文件"))
        if st.st_size > MAX_CRITERIA_BYTES:
            raise LaxError(
                _(
                    f"{shown}: {st.st_size:,} bytes is too large for a criteria file (at most {MAX_CRITERIA_BYTES:,})",
                    f"{shown}：{st.st_size:,} 字节，标准文件过大（最多 {MAX_CRITERIA_BYTES:,}）",
                )
            )
        with os.fdopen(os.dup(fd), "rb") as f:
            raw = f.read(MAX_CRITERIA_BYTES + 1)  # a file growing while read is still bounded
    except OSError as e:
        raise LaxError(f"{shown}: {e.strerror}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_CRITERIA_BYTES:
        raise LaxError(
            _(
                f"{shown}: too large for a criteria file (at most {MAX_CRITERIA_BYTES:,} bytes)",
                f"{shown}：标准文件过大（最多 {MAX_CRITERIA_BYTES:,} 字节）",
            )
        )
    return raw


def _line(m: dict, key: str | None = None) -> int:
    if key is not None and key in m.get("__lines__", {}):
        return m["__lines__"][key]
    return m.get("__line__", 1)


def _bilingual(m: dict, key: str, errors: list, required: bool = True) -> tuple[str, str]:
    v = m.get(key)
    if isinstance(v, str) and v.strip():
        return v.strip(), v.strip()
    if isinstance(v, dict):
        zh, en = v.get("zh"), v.get("en")
        if isinstance(zh, str) and zh.strip() and isinstance(en, str) and en.strip():
            return zh.strip(), en.strip()
        if isinstance(zh, str) and zh.strip():
            return zh.strip(), zh.strip()
        if isinstance(en, str) and en.strip():
            return en.strip(), en.strip()
    if required:
        errors.append(
            (
                _line(m, key),
                _(f"'{key}' needs a text or {{zh: ..., en: ...}}", f"“{key}”应为文字或 {{zh: ..., en: ...}}"),
            )
        )
    return "", ""


def _build(data: Any, path: str, errors: list[tuple[int, str]]) -> Criteria | None:
    if not isinstance(data, dict):
        errors.append(
            (
                1,
                _(
                    "the criteria file must be a mapping with version, fields and criteria",
                    "标准文件应为包含 version、fields、criteria 的映射",
                ),
            )
        )
        return None
    known = {"version", "name", "policy", "fields", "criteria", "__line__", "__lines__"}
    for key in data:
        if key not in known:
            errors.append((_line(data, key), _(f"unknown key '{key}'", f"未知的键“{key}”")))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        errors.append(
            (_line(data, "version"), _("'version' must be a whole number such as 1", "“version”应为整数，例如 1"))
        )
        version = 0
    name_zh, name_en = _bilingual(data, "name", errors, required=False)

    policy = Policy()
    pol = data.get("policy")
    if pol is not None:
        if not isinstance(pol, dict):
            errors.append((_line(data, "policy"), _("'policy' must be a mapping", "“policy”应为映射")))
        else:
            values = {}
            for key in pol:
                if key in ("__line__", "__lines__"):
                    continue
                if key not in ("rectify_months", "watch_months", "pass_score"):
                    errors.append((_line(pol, key), _(f"unknown policy '{key}'", f"未知的政策项“{key}”")))
                    continue
                v = pol[key]
                ok = isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
                if key != "pass_score":
                    ok = ok and isinstance(v, int) and v > 0
                if not ok:
                    errors.append(
                        (
                            _line(pol, key),
                            _(
                                f"policy '{key}' must be a positive number, got {v!r}",
                                f"政策项“{key}”应为正数，实际为 {v!r}",
                            ),
                        )
                    )
                else:
                    values[key] = v
            policy = Policy(**values)

    fields: list[Field] = []
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        errors.append((_line(data, "fields"), _("'fields' must be a non-empty list", "“fields”应为非空列表")))
        raw_fields = []
    seen_ids: dict[str, int] = {}
    headers: dict[str, str] = {}
    for item in raw_fields:
        if not isinstance(item, dict):
            errors.append(
                (
                    _line(data, "fields"),
                    _("each field must be a mapping with id and type", "每个字段应为包含 id 和 type 的映射"),
                )
            )
            continue
        line = _line(item)
        fid = item.get("id")
        if not isinstance(fid, str) or not _ID_RE.fullmatch(fid):
            errors.append(
                (
                    _line(item, "id"),
                    _(
                        f"field id {fid!r} must be lower-case letters, digits and _",
                        f"字段 id {fid!r} 只能由小写字母、数字和下划线组成",
                    ),
                )
            )
            continue
        if fid in seen_ids:
            errors.append(
                (
                    line,
                    _(
                        f"field '{fid}' is defined twice (first at line {seen_ids[fid]})",
                        f"字段“{fid}”重复定义（首次在第 {seen_ids[fid]} 行）",
                    ),
                )
            )
            continue
        seen_ids[fid] = line
        ftype = item.get("type", "text")
        if ftype not in FIELD_TYPES:
            errors.append(
                (
                    _line(item, "type"),
                    _(
                        f"field '{fid}': type {ftype!r} is not one of {', '.join(FIELD_TYPES)}",
                        f"字段“{fid}”：类型 {ftype!r} 不在 {', '.join(FIELD_TYPES)} 之中",
                    ),
                )
            )
            ftype = "text"
        required = item.get("required", False)
        if not isinstance(required, bool):
            errors.append(
                (
                    _line(item, "required"),
                    _(f"field '{fid}': required must be true or false", f"字段“{fid}”：required 应为 true 或 false"),
                )
            )
            required = False
        zh, en = _bilingual(item, "title", errors, required=False)
        zh, en = zh or fid, en or fid
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, (str, int, float)) for a in aliases):
            errors.append(
                (
                    _line(item, "aliases"),
                    _(
                        f"field '{fid}': aliases must be a list of header texts",
                        f"字段“{fid}”：aliases 应为表头文字列表",
                    ),
                )
            )
            aliases = []
        aliases = tuple(str(a) for a in aliases)
        for text in (fid, zh, en, *aliases):
            key = header_key(text)
            if not key:
                continue
            other = headers.get(key)
            if other is not None and other != fid:
                errors.append(
                    (
                        _line(item, "aliases"),
                        _(
                            f"field '{fid}': header '{text}' already names field '{other}'",
                            f"字段“{fid}”：表头“{text}”已用于字段“{other}”",
                        ),
                    )
                )
                continue
            headers[key] = fid
        unit = item.get("unit")
        if unit is not None:
            from lax.read.values import UNIT_NAMES

            canonical = UNIT_NAMES.get(unit.strip()) if isinstance(unit, str) else None
            if ftype not in ("int", "number"):
                errors.append(
                    (
                        _line(item, "unit"),
                        _(
                            f"field '{fid}': only a count (int) or number field has a unit, not a {ftype} field",
                            f"字段“{fid}”：只有计数（int）或数字（number）字段可以有单位，{ftype} 字段不能",
                        ),
                    )
                )
                unit = None
            elif canonical is None:
                names = "months, days, years, persons, times, yuan, 10k_yuan"
                errors.append(
                    (
                        _line(item, "unit"),
                        _(
                            f"field '{fid}': unit {unit!r} is not one of {names}",
                            f"字段“{fid}”：单位 {unit!r} 不在 {names} 之中",
                        ),
                    )
                )
                unit = None
            else:
                unit = canonical
        profile = item.get("profile", False)
        if not isinstance(profile, bool):
            errors.append(
                (
                    _line(item, "profile"),
                    _(f"field '{fid}': profile must be true or false", f"字段“{fid}”：profile 应为 true 或 false"),
                )
            )
            profile = False
        elif profile and fid in _IDENTITY_FIELDS:
            errors.append(
                (
                    _line(item, "profile"),
                    _(
                        f"field '{fid}' names the village; it cannot be a profile field",
                        f"字段“{fid}”用于识别村，不能作为概况字段（profile）",
                    ),
                )
            )
            profile = False
        tracked = item.get("tracked", False)
        if not isinstance(tracked, bool):
            errors.append(
                (
                    _line(item, "tracked"),
                    _(f"field '{fid}': tracked must be true or false", f"字段“{fid}”：tracked 应为 true 或 false"),
                )
            )
            tracked = False
        elif tracked and (fid in _IDENTITY_FIELDS or ftype not in ("int", "number", "percent")):
            errors.append(
                (
                    _line(item, "tracked"),
                    _(
                        f"field '{fid}': only a count, number or percent can be tracked (its change is averaged or summed)",
                        f"字段“{fid}”：只有计数、数字或百分数字段可以跟踪（tracked），其变化要求平均或合计",
                    ),
                )
            )
            tracked = False
        fields.append(Field(fid, ftype, required, zh, en, aliases, unit, profile, tracked))
    for needed in ("township", "village"):
        if raw_fields and needed not in seen_ids:
            errors.append(
                (
                    _line(data, "fields"),
                    _(
                        f"the fields must include '{needed}' (it identifies a village)",
                        f"字段中必须有“{needed}”（用于识别村）",
                    ),
                )
            )

    index = {f.id: i for i, f in enumerate(fields)}
    types = {f.id: f.type for f in fields}
    criteria: list[Criterion] = []
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        errors.append((_line(data, "criteria"), _("'criteria' must be a non-empty list", "“criteria”应为非空列表")))
        raw_criteria = []
    seen_c: dict[str, int] = {}
    for item in raw_criteria:
        if not isinstance(item, dict):
            errors.append(
                (
                    _line(data, "criteria"),
                    _(
                        "each criterion must be a mapping with id, title and when",
                        "每条标准应为包含 id、title、when 的映射",
                    ),
                )
            )
            continue
        line = _line(item)
        cid = item.get("id")
        if not isinstance(cid, str) or not _CRITERION_ID_RE.fullmatch(cid):
            errors.append(
                (
                    _line(item, "id"),
                    _(
                        f"criterion id {cid!r} must be a short code such as C01",
                        f"标准编号 {cid!r} 应为 C01 这样的代码",
                    ),
                )
            )
            continue
        if cid in seen_c:
            errors.append(
                (
                    line,
                    _(
                        f"criterion '{cid}' is defined twice (first at line {seen_c[cid]})",
                        f"标准“{cid}”重复定义（首次在第 {seen_c[cid]} 行）",
                    ),
                )
            )
            continue
        seen_c[cid] = line
        zh, en = _bilingual(item, "title", errors)
        when = item.get("when")
        wline = _line(item, "when")
        if isinstance(when, bool) or not isinstance(when, str) or not when.strip():
            errors.append(
                (
                    wline,
                    _(
                        f"criterion '{cid}': 'when' must be an expression such as secretary_vacant_months >= 3",
                        f"标准“{cid}”：when 应为表达式，例如 secretary_vacant_months >= 3",
                    ),
                )
            )
            continue
        try:
            compiled = compile_expression(when, types, index)
        except ExpressionError as e:
            errors.append((wline, _(f"criterion '{cid}': {e}", f"标准“{cid}”：{e}")))
            continue
        criteria.append(
            Criterion(
                cid,
                zh,
                en,
                when.strip(),
                compiled.fields,
                line,
                compiled.evaluate,
                compiled.evidence_fields,
                compiled.fast_source,
            )
        )
    if errors:
        return None
    evaluate, screen = _evaluate_all(criteria, index)
    return Criteria(
        path, version, name_zh, name_en, policy, tuple(fields), tuple(criteria), index, headers, evaluate, screen
    )
