"""The places names stand for: a village or township written with the name of one of its organisations
(坪上村村委会, 邓埠镇人民政府) or without its 镇/乡 (邓埠 beside 邓埠镇) is read as the place.

`normal_name` and `township_merges` are pure. `Names` applies them while a `read_records` call reads, and
says each spelling it changed once, where it first appears (`name-normalised` notices).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lax.i18n import _
from lax.problems import Notice

# The names of a village's organisations, written after the village's own name: 坪上村村委会, 坪上村党支部 and
# 坪上村委会 are all 坪上村. Only organisational words, never 村 itself (新村 is a village). Longest first.
_VILLAGE_ORGS = tuple(
    sorted(
        (
            "村民委员会",
            "村委会",
            "村委",
            "村两委",
            "村党总支部委员会",
            "村党支部委员会",
            "村党总支部",
            "村党总支",
            "村党支部",
            "村党委",
            "村总支",
            "村支部",
            "党总支部委员会",
            "党支部委员会",
            "党总支部",
            "党总支",
            "党支部",
            "党委",
            "两委",
            "总支部委员会",
            "支部委员会",
            "委员会",
            "总支",
            "支部",
        ),
        key=len,
        reverse=True,
    )
)
_COMMUNITY_ORGS = ("居民委员会", "居委会")  # only after 社区: 城关社区居委会 is 城关社区
_TOWNSHIP_ORGS = ("人民政府", "党委", "政府")  # only after 镇/乡/街道: 邓埠镇人民政府 is 邓埠镇
_TOWNSHIP_ENDS = ("镇", "乡", "街道", "民族乡")
_ENGLISH_ORGS = re.compile(
    r"\s+(?:(?:villagers'?|village)\s+committee|party\s+(?:general\s+)?branch|"
    r"party\s+committee)$",
    re.IGNORECASE,
)


def normal_name(name: str, township: bool = False) -> str:
    """The place a village (or township) name stands for, with the name of an organisation of it removed.

    `坪上村村委会`, `坪上村党支部`, `坪上村党总支`, `坪上村委会`, `中共坪上村支部委员会` -> `坪上村`; `坪上党支部` -> `坪上`;
    `城关社区居委会` -> `城关社区`; `Pingshang Village Committee` -> `Pingshang Village`; for a township,
    `邓埠镇人民政府`, `邓埠镇党委` -> `邓埠镇`. A name that would be left empty is kept as written.
    Pure: the same text gives the same name, whatever else was read (see `township_merges` for that).
    """
    text = name
    m = _ENGLISH_ORGS.search(text)
    if m and m.start() > 0:
        stem = text[: m.start()]
        if re.search(r"(?i)villagers'?\s+committee|village\s+committee", m.group()) and not stem.lower().endswith(
            "village"
        ):
            stem += " Village"
        return stem
    if township:
        for suffix in _TOWNSHIP_ORGS:
            stem = text[: -len(suffix)]
            if text.endswith(suffix) and stem.endswith(_TOWNSHIP_ENDS) and len(stem) > 1:
                return stem
        return text
    for suffix in _COMMUNITY_ORGS:
        stem = text[: -len(suffix)]
        if text.endswith(suffix) and stem.endswith("社区") and len(stem) > 2:
            return stem
    for suffix in _VILLAGE_ORGS:
        if not text.endswith(suffix):
            continue
        stem = text[: -len(suffix)]
        if stem.startswith("中共"):
            stem = stem[2:]
        if not stem or stem in ("村", "社区"):
            return text
        if suffix.startswith("村") and not stem.endswith("村"):
            stem += "村"  # 坪上村委会: the 村 belongs to both
        return stem
    return text


def township_merges(names: Iterable[str]) -> dict[str, str]:
    """Township spellings to read as another in the same input: `邓埠` -> `邓埠镇` when both are there.

    A name without 镇/乡/街道 is merged only into the one suffixed name it can be (`邓埠` with `邓埠镇`; not
    when both `邓埠镇` and `邓埠乡` are there); a bare name alone stays as written; `Dengbu` -> `Dengbu Town`
    the same way in English."""
    names = set(n for n in names if isinstance(n, str) and n)
    out = {}
    for n in names:
        if n.endswith(_TOWNSHIP_ENDS) or re.search(r"(?i)\s(?:town|township)$", n):
            continue
        fits = [n + end for end in ("镇", "乡", "街道") if n + end in names]
        fits += [f"{n} {end}" for end in ("Town", "Township") if f"{n} {end}" in names]
        if len(fits) == 1:
            out[n] = fits[0]
    return out


class Names:
    """The names read by one `read_records` call: each spelling as the place it stands for, with a notice
    for each spelling changed (appended to `notices`), and where each township spelling first appears."""

    def __init__(self, notices: list[Notice]):
        self.notices = notices
        # Per field (township, village): a spelling as read -> the name it stands for (normal_name).
        self.memo: dict[str, dict[Any, Any]] = {"township": {None: None}, "village": {None: None}}
        self.noticed: set[tuple[str, str]] = set()  # (field id, spelling) already said
        self.townships: dict[str, tuple] = {}  # each township spelling -> where it first appears

    def normal(
        self,
        values: list,
        fid: str,
        path: str,
        sheet: str | None,
        nums: list,
        columns: dict[str, str] | None,
        lines: list | None = None,
    ) -> list:
        """A column of village (or township) names as the places they stand for (`normal_name`), with a
        `name-normalised` notice for each spelling changed, where it first appears. Python runs once per
        distinct spelling (the memo), the column is mapped at C speed."""
        from lax.read.rows import is_footer

        names = self.memo[fid]
        new = [v for v in set(values) if v not in names]
        for v in new:
            names[v] = normal_name(v, township=fid == "township") if isinstance(v, str) else v
        out = list(map(names.__getitem__, values))
        changed = [v for v in set(values) if names[v] != v and (fid, v) not in self.noticed and not is_footer(v)]
        for k in sorted(map(values.index, changed)):  # in the order of the rows
            v = values[k]
            self._notice(fid, v, names[v], path, sheet, nums[k], columns, lines[k] if lines else None)
        return out

    def _notice(
        self,
        fid: str,
        spelling: str,
        name: str,
        path: str,
        sheet: str | None,
        row: int,
        columns: dict[str, str] | None,
        line: int | None = None,
        also: str | None = None,
    ) -> None:
        self.noticed.add((fid, spelling))
        if fid == "township":
            msg = _(
                f'township "{spelling}" is read as {name}, the same place' + (f" (as in {also})" if also else ""),
                f"乡镇“{spelling}”按“{name}”读取，视为同一乡镇" + (f"（见 {also}）" if also else ""),
            )
        else:
            msg = _(
                f'village "{spelling}" is read as {name}, the same place (the organisation\'s name stripped)',
                f"村“{spelling}”按“{name}”读取，视为同一个村（去掉了组织名称）",
            )
        self.notices.append(
            Notice(
                "name-normalised",
                msg,
                path,
                sheet=sheet,
                row=row,
                column=(columns or {}).get(fid),
                field=fid,
                value=spelling,
                line=line,
            )
        )

    def seen_townships(
        self,
        townships: list,
        path: str,
        sheet: str | None,
        nums: list,
        columns: dict[str, str] | None,
        line: int | None = None,
    ) -> None:
        """Remember where each township spelling first appears (for `merge_townships`)."""
        seen = self.townships
        new = [t for t in set(townships) if isinstance(t, str) and t not in seen]
        for k in sorted(map(townships.index, new)):  # in the order of the rows
            seen[townships[k]] = (path, sheet, nums[k], (columns or {}).get("township"), line)

    def forget(self, dropped: list[Notice], path: str, sheet: str | None) -> None:
        """Forget the spellings said in `dropped` and seen in a file (or one of its sheets) that failed."""
        for n in dropped:
            if n.code == "name-normalised":
                self.noticed.discard((n.field, n.value))
        for t, at in list(self.townships.items()):
            if at[0] == path and (sheet is None or at[1] == sheet):
                del self.townships[t]

    def merge_townships(self, records: list, ti: int) -> bool:
        """After every file: a township written both without and with its 镇/乡 (邓埠, 邓埠镇) is the suffixed
        one; records are renamed and one notice per spelling merged said. True when a record was renamed
        (duplicates must then be looked for again)."""
        from lax.read.records import Record

        merges = township_merges(self.townships)
        if not merges:
            return False
        for rec in records:
            t = rec.values[ti]
            if t in merges:
                values = list(rec.values)
                values[ti] = merges[t]
                rec.values = tuple(values)
        for spelling in [t for t in self.townships if t in merges]:  # in input order
            name = merges[spelling]
            path, sheet, row, column, line = self.townships[spelling]
            target = self.townships[name]
            also = Record(None, target[0], target[1], target[2], {} if target[3] is not None else None).where()
            self._notice(
                "township", spelling, name, path, sheet, row, {"township": column} if column else None, line, also
            )
        return True
