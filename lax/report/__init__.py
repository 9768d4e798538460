"""What a quarterly or yearly summary says, computed from the ledger as of the period's end.

The package: `period` (quarters, years, `--from/--to`, the date figures are taken as of), `context` (the
figures a template is rendered with, one step per section of the report), `appendix` (the 附件: name lists
and every figure traced to its villages and ledger lines) and `words` (numbers, amounts,
dates and named lists as people write them). Rendering (templates, html, docx, the chart) lives in
`lax.render`. The public names are re-exported here: `from lax.report import build_context, make_period`.
"""

from __future__ import annotations

from lax.report.appendix import anchor, build_appendix
from lax.report.context import LEVELS, build_context, choose_level, known_townships, resolve_township
from lax.report.period import (
    Period,
    make_period,
    parse_quarter,
    quarter_bounds,
    quarter_key,
    quarter_label,
    quarters_ending_in,
)
from lax.report.words import (
    channel_text,
    chinese_number,
    date_span,
    evidence_text,
    full_name,
    group_by_township,
    long_date,
    money,
    names_by_township,
    prose_title,
    series,
    status_text,
    wan,
    yuan,
)

__all__ = [
    "LEVELS",
    "anchor",
    "build_appendix",
    "Period",
    "build_context",
    "choose_level",
    "channel_text",
    "chinese_number",
    "date_span",
    "evidence_text",
    "full_name",
    "group_by_township",
    "known_townships",
    "long_date",
    "make_period",
    "money",
    "names_by_township",
    "parse_quarter",
    "prose_title",
    "quarter_bounds",
    "quarter_key",
    "quarter_label",
    "quarters_ending_in",
    "resolve_township",
    "series",
    "status_text",
    "wan",
    "yuan",
]
