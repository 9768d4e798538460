"""The loaded criteria as data: the fields of a village record, the standards, the policy, the whole file.

A criteria file names the fields of a village record (with the header spellings that map to them, folded by
`header_key`) and the standards, each a `when` expression over field ids already compiled by
`lax.criteria.expr`. Everything here is built by `lax.criteria.load` and never changes afterwards.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FIELD_TYPES = ("text", "int", "number", "percent", "bool", "date")


@dataclass(frozen=True)
class Policy:
    rectify_months: int = 6
    watch_months: int = 12
    pass_score: float = 70


@dataclass(frozen=True)
class Field:
    id: str
    type: str
    required: bool
    title_zh: str
    title_en: str
    aliases: tuple[str, ...] = ()
    # The unit of a count or amount (`months`, `days`, `years`, `persons`, `times`, `yuan`, `10k_yuan`; see
    # lax.read.values.UNITS): a cell written in another unit is converted when exact, else reported. None: no unit.
    unit: str | None = None
    # A fact about the village rather than a sign of weakness (党员人数, 村集体经济收入): the ledger keeps it
    # from the latest recorded sheet (`check --record`) and the village report states it (`profile: true`).
    profile: bool = False
    # A measure of the problem whose change rectification should bring (群众满意度, 集体访次数): the ledger keeps
    # it like a profile field, from identification and from every later sheet, and 成效 compares the value at
    # identification with the latest one (`tracked: true`; `lax.ledger.measured`).
    tracked: bool = False

    def title(self, lang: str | None = None) -> str:
        from lax.i18n import get_lang

        return self.title_zh if (lang or get_lang()) == "zh" else self.title_en


@dataclass(frozen=True)
class Criterion:
    id: str
    title_zh: str
    title_en: str
    when: str
    fields: tuple[str, ...]
    line: int
    # Evaluates the expression with three-valued logic over a values tuple: True, False or None.
    evaluate: Callable[[tuple], bool | None] = field(repr=False, compare=False)
    # Fields whose values made a match true (for the evidence), given a values tuple.
    evidence_fields: Callable[[tuple], tuple[str, ...]] = field(repr=False, compare=False)
    # Plain Python over locals x<i>, valid only when none of the fields is blank.
    fast_source: str = field(default="", repr=False, compare=False)

    def title(self, lang: str | None = None) -> str:
        from lax.i18n import get_lang

        return self.title_zh if (lang or get_lang()) == "zh" else self.title_en


@dataclass(frozen=True)
class Criteria:
    path: str
    version: int
    name_zh: str
    name_en: str
    policy: Policy
    fields: tuple[Field, ...]
    criteria: tuple[Criterion, ...]
    # Field id -> position in a record's values tuple.
    index: dict[str, int] = field(repr=False, compare=False)
    # Normalised header text -> field id.
    headers: dict[str, str] = field(repr=False, compare=False)
    # Evaluates every standard on a values tuple in one call; a tuple of True/False/None.
    evaluate: Callable[[tuple], tuple] = field(repr=False, compare=False)
    # The same, but None when no standard is met and none is undetermined (the common case, made fast).
    # It may raise on a value of an unexpected type (e.g. a division by zero): fall back to `evaluate`.
    screen: Callable[[tuple], tuple | None] = field(repr=False, compare=False, default=None)

    def name(self, lang: str | None = None) -> str:
        from lax.i18n import get_lang

        return self.name_zh if (lang or get_lang()) == "zh" else self.name_en

    def field(self, field_id: str) -> Field:
        return self.fields[self.index[field_id]]

    def criterion(self, criterion_id: str) -> Criterion | None:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        return None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    @property
    def profile_fields(self) -> tuple[Field, ...]:
        """The fields marked `profile: true`, in the file's order."""
        return tuple(f for f in self.fields if f.profile)

    @property
    def tracked_fields(self) -> tuple[Field, ...]:
        """The fields marked `tracked: true`, in the file's order."""
        return tuple(f for f in self.fields if f.tracked)

    def field_for_header(self, text: Any) -> str | None:
        """The field id a header cell names, or None."""
        if text is None:
            return None
        return self.headers.get(header_key(str(text)))


def header_key(text: str) -> str:
    """Fold a header cell for matching: full-width to half-width, no spaces, breaks or quotes, lower case."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\"'“”‘’`*＊:：]+", "", text).lower()
