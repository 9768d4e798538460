"""Turning a report context into a document: templates to Markdown, Markdown to html or Word, the chart.

The package: `templates` (finding a template and rendering it in a bounded Jinja sandbox, errors as
`TEMPLATE:LINE`), `markdown` (the Markdown subset the templates write), `html` (a printable page), `docx`
(a Word document with Chinese official-document fonts) and `chart` (villages by standard, with Pillow);
`render` below ties them together. The check results as CSV/xlsx are `lax.render.results`, the blank
input form `lax.render.form`, the terminal display `lax.render.terminal`. Jinja, python-docx and Pillow
are imported inside the functions that use them, so importing this package costs nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lax.i18n import _
from lax.problems import LaxError
from lax.render.chart import chart_caption, chart_png
from lax.render.docx import to_docx
from lax.render.html import to_html
from lax.render.markdown import (
    CHART_MARKER,
    SIGNATURE_MARKER,
    Block,
    inline,
    parse_markdown,
    place_chart,
    tidy_markdown,
)
from lax.render.templates import MAX_OUTPUT, MAX_TEXT, MAX_WORK, render_markdown, template_dirs, template_name

__all__ = [
    "CHART_MARKER",
    "FORMATS",
    "MAX_OUTPUT",
    "MAX_TEXT",
    "MAX_WORK",
    "SIGNATURE_MARKER",
    "Block",
    "chart_caption",
    "chart_png",
    "inline",
    "parse_markdown",
    "place_chart",
    "render",
    "render_markdown",
    "template_dirs",
    "template_name",
    "tidy_markdown",
    "to_docx",
    "to_html",
]

FORMATS = ("md", "html", "docx")


def render(
    context: dict[str, Any], *, level: str, lang: str, fmt: str, templates: Path | None = None, cwd: Path | None = None
) -> bytes:
    """The report in `fmt` (md, html or docx) as bytes ready to write."""
    if fmt not in FORMATS:
        raise LaxError(_(f"--format: '{fmt}' is not md, html or docx", f"--format：“{fmt}”不是 md、html 或 docx"))
    markdown = render_markdown(
        context,
        level=level,
        lang=lang,
        templates=templates,
        cwd=cwd,
        keep_chart_marker=fmt != "md",
        links=fmt == "html",
    )
    if fmt == "md":
        return markdown.encode("utf-8")
    png = chart_png(context["standards"], context["period"]["as_of"], lang)
    if fmt == "html":
        return to_html(markdown, context, level=level, lang=lang, png=png).encode("utf-8")
    return to_docx(markdown, context, level=level, lang=lang, png=png)
