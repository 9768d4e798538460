"""The villages read so far, each once: a village repeated (same code, or same township and name) is a
`duplicate-village` problem at the repeat, and the first occurrence is kept.

`Villages` keeps the records of one `read_records` call in input order with the index that finds repeats.
Chunks of clean rows are added at C speed (`add_many`); a record at a time otherwise (`add`).
"""

from __future__ import annotations

from typing import Any

from lax.i18n import _
from lax.problems import Problem


class Villages:
    """The records kept (`records`, in input order) and their duplicate index; repeats go to `problems`."""

    def __init__(self, criteria: Any, records: list, problems: list[Problem]):
        self.records = records
        self.problems = problems
        self.ti = criteria.index["township"]
        self.vi = criteria.index["village"]
        self.ci = criteria.index.get("code")
        self.by_code: dict[str, Any] = {}
        self.by_name: dict[tuple[str, str], Any] = {}
        self.names_indexed = False  # see _index_names

    def add(self, rec: Any, line: int | None = None) -> None:
        """Keep a record unless it repeats an earlier village (then a problem says so)."""
        if self._register(rec, line):
            self.records.append(rec)

    def add_many(self, recs: list, townships: list, villages: list, codes: list | None) -> None:
        """Keep a chunk of clean records, at C speed when none repeats a village; else one by one.

        The fast path adds the whole chunk to the index and checks that the index grew by as many
        entries as records were added. If not, some record repeats a village and the overwritten index
        entries are rebuilt from the records kept so far (in order, so the first occurrence wins), and
        the chunk is registered record by record.
        """
        if codes is not None and not self.names_indexed and None not in codes:
            index, keys = self.by_code, codes
        elif codes is None:
            self._index_names()
            index, keys = self.by_name, list(zip(townships, villages))
        else:
            index = keys = None
        if index is not None:
            before = len(index)
            index.update(zip(keys, recs))
            if len(index) == before + len(recs):
                self.records.extend(recs)
                return
            self._rebuild_index()
        for rec in recs:
            self.add(rec)

    def forget(self, first: int) -> None:
        """Drop the records kept since `first` (of a file or sheet that failed part-way)."""
        for rec in self.records[first:]:
            code = rec.values[self.ci] if self.ci is not None else None
            if code is not None and self.by_code.get(code) is rec:
                del self.by_code[code]
            key = (rec.values[self.ti], rec.values[self.vi])
            if self.by_name.get(key) is rec:
                del self.by_name[key]
        del self.records[first:]

    def check_again(self) -> None:
        """Look for repeats again, in input order, after records were renamed (`Names.merge_townships`)."""
        self.by_code, self.by_name, self.names_indexed = {}, {}, False
        kept = []
        for rec in self.records:
            if self._register(rec):
                kept.append(rec)
        self.records[:] = kept

    def _rebuild_index(self) -> None:
        """The duplicate index from the records kept so far (after a fast path found a repeat)."""
        ti, vi, ci = self.ti, self.vi, self.ci
        self.by_code = {}
        self.by_name = {}
        for rec in self.records:
            values = rec.values
            code = values[ci] if ci is not None else None
            if code is not None:
                self.by_code.setdefault(code, rec)
            if self.names_indexed:
                self.by_name.setdefault((values[ti], values[vi]), rec)

    def _index_names(self) -> None:
        """Start indexing records by township and village name, from the first record without a code on.

        While every record has a code, the name index is not needed (only a record without a code is
        matched by name), so a large file with codes never builds it.
        """
        if self.names_indexed:
            return
        self.names_indexed = True
        ti, vi = self.ti, self.vi
        for rec in self.records:
            self.by_name.setdefault((rec.values[ti], rec.values[vi]), rec)

    def _register(self, rec: Any, line: int | None = None) -> bool:
        """Index a record for duplicate detection; False (and a problem) when it repeats an earlier village.

        Same code means the same village; a record without a code is the same village as an earlier
        one with the same township and village name (with or without a code).
        """
        values = rec.values
        name_key = (values[self.ti], values[self.vi])
        code = values[self.ci] if self.ci is not None else None
        if code is not None:
            first = self.by_code.setdefault(code, rec)
            if first is rec:
                if not self.names_indexed:
                    return True
                earlier = self.by_name.setdefault(name_key, rec)
                if earlier is rec or earlier.values[self.ci] is not None:
                    return True
                del self.by_code[code]
                first = earlier
        else:
            self._index_names()
            first = self.by_name.setdefault(name_key, rec)
            if first is rec:
                return True
        township, village = name_key
        where = first.where()
        what = f"{township} {village}" + (f" ({code})" if code is not None else "")
        self.problems.append(
            Problem(
                "duplicate-village",
                _(
                    f"{what} appears twice: first at {where}; this row is left out",
                    f"{what}重复出现：首次出现在 {where}；本行未计入",
                ),
                rec.path,
                sheet=rec.sheet,
                row=rec.row,
                column=(rec.columns or {}).get("code" if code is not None else "village"),
                field="code" if code is not None else "village",
                value=code if code is not None else village,
                line=line,
            )
        )
        return False
