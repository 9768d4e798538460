"""The small Markdown subset the report templates write, tidied and parsed into blocks.

Owns headings (with an optional `{#id}`), paragraphs, bullet and numbered lists, pipe tables, bold, links to
a heading of the same report (`[15](#fig-identified)`, html only), block quotes (the places the author
must write), the chart's marker, the signature's (the 落款, set right-aligned) and the page marker (before
the attachments): `tidy_markdown` spaces the blocks of a rendered template, and `parse_markdown` gives the
blocks the html and Word converters draw.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

# A line a template writes where html and docx put the chart; dropped from Markdown output.
CHART_MARKER = "<!-- chart -->"
# A line a template writes where a printed document starts a new page (before the attachments); dropped
# from Markdown output.
PAGE_MARKER = "<!-- page -->"
# A line a template writes before the 落款 (organisation, then date, each its own paragraph): html and docx
# set those paragraphs right-aligned; dropped from Markdown output, where they stay plain paragraphs.
SIGNATURE_MARKER = "<!-- signature -->"
_MARKERS = (CHART_MARKER, SIGNATURE_MARKER, PAGE_MARKER)
# How a place for the author begins outside a block quote (the 落款's organisation when --org is not given).
PLACEHOLDER_PREFIXES = ("【待填写", "[To be written")


def _line_kind(line: str) -> str:
    s = line.strip()
    if s.startswith(">"):
        return "quote"
    if s.startswith("|"):
        return "table"
    if _HEADING.match(s):
        return "heading"
    if s == CHART_MARKER:
        return "chart"
    if s == PAGE_MARKER:
        return "page"
    if _BULLET.match(s) or _NUMBER.match(s):
        return "list"
    if line[:1] in (" ", "\t"):
        return "indented"  # a list item's continuation
    return "text"


def tidy_markdown(text: str, keep_chart_marker: bool = False) -> str:
    """No trailing spaces; a blank line between blocks of different kinds (so a heading, table, list or
    quote always stands apart, whatever the template's whitespace control did) and never two in a row;
    one final newline; the chart, signature and page markers only when html or docx will read them."""
    lines = [line.rstrip() for line in text.splitlines()]
    if not keep_chart_marker:
        lines = [line for line in lines if line.strip() not in _MARKERS]
    out: list[str] = []
    for line in lines:
        if not line:
            if out and out[-1]:
                out.append("")
            continue
        if out and out[-1]:
            before, kind = _line_kind(out[-1]), _line_kind(line)
            if "heading" in (before, kind) or (before != kind and not (before == "list" and kind == "indented")):
                out.append("")
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


@dataclass
class Block:
    kind: str  # heading | para | ul | ol | table | quote | chart | hr | signature | page
    level: int = 0  # heading level; first number of an ordered list
    text: str = ""
    items: list[str] = field(default_factory=list)  # list items; a signature's lines
    header: list[str] = field(default_factory=list)  # table header cells
    rows: list[list[str]] = field(default_factory=list)  # table body rows
    children: list[Block] = field(default_factory=list)  # a block quote's blocks
    anchor: str = ""  # a heading's id (`## 附件3 {#fig-list}`), which html links to


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_HEADING_ID = re.compile(r"^(.*?)\s*\{#([A-Za-z0-9_.-]+)\}$")  # the `{#id}` the `anchor` template filter writes
_BULLET = re.compile(r"^[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^(\d{1,9})[.)]\s+(.*)$")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_TABLE_SEP = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _join(a: str, b: str) -> str:
    """Join two lines of one paragraph: no space between Chinese characters."""
    if not a:
        return b
    if _CJK.match(a[-1]) or _CJK.match(b[:1] or " "):
        return a + b
    return a + " " + b


def _split_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    cells = re.split(r"(?<!\\)\|", line)
    return [c.strip().replace("\\|", "|") for c in cells]


def _starts_block(line: str, next_line: str | None) -> bool:
    s = line.strip()
    return bool(
        s in _MARKERS
        or _HEADING.match(s)
        or _BULLET.match(s)
        or _NUMBER.match(s)
        or s.startswith(">")
        or _RULE.match(s)
        or (s.startswith("|") and next_line is not None and _TABLE_SEP.match(next_line.strip()))
    )


def parse_markdown(text: str) -> list[Block]:
    """The blocks of the Markdown subset the templates write."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i, n = 0, len(lines)
    while i < n:
        s = lines[i].strip()
        nxt = lines[i + 1] if i + 1 < n else None
        if not s:
            i += 1
        elif s == CHART_MARKER:
            blocks.append(Block("chart"))
            i += 1
        elif s == SIGNATURE_MARKER:
            # The paragraphs that follow, up to the next block of another kind: one line each.
            lines_: list[str] = []
            i += 1
            while i < n:
                if not lines[i].strip():
                    i += 1
                    continue
                if _starts_block(lines[i], lines[i + 1] if i + 1 < n else None):
                    break
                para = ""
                while (
                    i < n
                    and lines[i].strip()
                    and not (para and _starts_block(lines[i], lines[i + 1] if i + 1 < n else None))
                ):
                    para = _join(para, lines[i].strip())
                    i += 1
                lines_.append(para)
            blocks.append(Block("signature", items=lines_))
        elif s == PAGE_MARKER:
            blocks.append(Block("page"))
            i += 1
        elif m := _HEADING.match(s):
            text, anchor = m.group(2), ""
            if a := _HEADING_ID.match(text):
                text, anchor = a.group(1), a.group(2)
            blocks.append(Block("heading", level=len(m.group(1)), text=text, anchor=anchor))
            i += 1
        elif _RULE.match(s):
            blocks.append(Block("hr"))
            i += 1
        elif s.startswith(">"):
            inner = []
            while i < n and lines[i].strip().startswith(">"):
                inner.append(re.sub(r"^\s*>\s?", "", lines[i]))
                i += 1
            blocks.append(Block("quote", children=parse_markdown("\n".join(inner))))
        elif s.startswith("|") and nxt is not None and _TABLE_SEP.match(nxt.strip()):
            header = _split_row(s)
            rows = []
            i += 2
            while i < n and lines[i].strip().startswith("|"):
                row = _split_row(lines[i])
                rows.append((row + [""] * len(header))[: max(len(header), 1)])
                i += 1
            blocks.append(Block("table", header=header, rows=rows))
        elif _BULLET.match(s) or _NUMBER.match(s):
            ordered = not _BULLET.match(s)
            pattern = _NUMBER if ordered else _BULLET
            items: list[str] = []
            first = int(_NUMBER.match(s).group(1)) if ordered else 0
            while i < n and lines[i].strip():
                cur = lines[i].strip()
                m = pattern.match(cur)
                if m:
                    items.append(m.group(m.lastindex))
                elif lines[i][:1] in (" ", "\t") and items:
                    items[-1] = _join(items[-1], cur)  # an indented continuation line
                else:
                    break
                i += 1
            blocks.append(Block("ol" if ordered else "ul", level=first, items=items))
        else:
            para = ""
            while i < n and lines[i].strip():
                if para and _starts_block(lines[i], lines[i + 1] if i + 1 < n else None):
                    break
                para = _join(para, lines[i].strip())
                i += 1
            blocks.append(Block("para", text=para))
    return blocks


def inline(text: str) -> list[tuple[str, bool]]:
    """A line's runs: (text, bold). Only `**bold**` is marked up; `\\*` is a literal star."""
    runs: list[tuple[str, bool]] = []
    for k, part in enumerate(re.split(r"(?<!\\)\*\*", text)):
        part = part.replace("\\*", "*")
        if part:
            runs.append((part, k % 2 == 1))
    return runs


# A link to a heading of the report, as the `fig` template filter writes it: `[15](#fig-identified)`.
# Only links to figures' lists are links: a ledger note that happens to look like one stays text.
LINK = re.compile(r"\[([^\[\]\n]*)\]\(#(fig-[A-Za-z0-9_.-]+)\)")


# Where a Chinese report title may break: before its period (`2026年度`, `2026年第三季度`, a span's first
# date) and before its subject (`整顿软弱涣散…工作总结`), as a document sets a long title on two lines.
_TITLE_PERIOD = re.compile(r"\d{4}年")


def title_parts(text: str) -> list[str]:
    """A Chinese title cut where a document may break it, never inside a word: `余江区委组织部` /
    `2026年度` / `整顿软弱涣散村级党组织工作总结`. A title of another shape (an English one, a county's own
    template) is one part: it wraps as its words allow."""
    period = _TITLE_PERIOD.search(text)
    if period is None or not _CJK.search(text):
        return [text]
    subject = text.find("整顿", period.end())
    cuts = [0, period.start()] + ([subject] if subject > 0 else []) + [len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:]) if text[a:b]]


def title_lines(parts: list[str], fits: Callable[[str], bool]) -> list[str]:
    """The title's parts joined into as few lines as `fits(line)` allows, a break only between parts."""
    lines: list[str] = []
    for part in parts:
        if lines and fits(lines[-1] + part):
            lines[-1] += part
        else:
            lines.append(part)
    return lines


def place_chart(blocks: list[Block], level: str) -> list[Block]:
    """Where the chart goes: at the template's marker; else, for county and township reports, at the end
    of the first section (before the second `##` heading)."""
    if any(b.kind == "chart" for b in blocks) or level == "village":
        return blocks
    seen = 0
    for k, b in enumerate(blocks):
        if b.kind == "heading" and b.level == 2:
            seen += 1
            if seen == 2:
                return blocks[:k] + [Block("chart")] + blocks[k:]
    return blocks + [Block("chart")]
