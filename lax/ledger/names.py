"""The ledger's names: the files of a folder (village files, `_townships/`, the lock, journal and cache), a
safe and unique file name for every village and township, names and codes as a person types them, and
finding a village by what a person calls it.

A file name is only where a village is kept; villages are found by their file's content (`find_village`,
`_match`), and a new village never takes a name already used (`_new_path`).
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

from lax.files import TMP_PREFIX  # noqa: F401  (lax's temporary files: a leftover in a ledger folder is named by verify)
from lax.i18n import _
from lax.ledger.fileformat import Entry
from lax.problems import LaxError

TOWNSHIPS_DIR = "_townships"
LOCK_NAME = ".lock"
JOURNAL_NAME = ".journal"  # a record being written: the renames that complete it (see `_write_all`)
JOURNAL_SUFFIX = ".journal"
CACHE_DIR = ".cache"
LEDGER_FILE = "_ledger.yaml"  # the ledger's own settings (its first quarter: `lax.ledger.start`); never a village file


_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,39}$")


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
        digest = hashlib.sha256(f"{township}\0{village}\0{code or ''}".encode()).hexdigest()[:16]
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
        raise LaxError(
            _(
                f"{what} name '{value}' may not contain '/', '\\' or control characters",
                f"{_what_zh(what)}名称“{value}”不能包含“/”“\\”或控制字符",
            )
        )
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
        raise LaxError(
            _(
                f"village code '{value}' must be letters and digits, such as 360622101201",
                f"村代码“{value}”只能由字母和数字组成，例如 360622101201",
            )
        )
    return text


def _what_zh(what: str) -> str:
    return {"township": "乡镇", "village": "村"}.get(what, what)


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
        raise LaxError(
            _(
                f"'{q}' matches {len(found)} villages: {_candidates(found)}; name it as township/village or by code",
                f"“{q}”对应 {len(found)} 个村：{_candidates(found)}；请写成 乡镇/村 或使用村代码",
            )
        )
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
