"""A report as a Word document with the fonts of Chinese official documents (GB/T 9704), East Asian text
included. python-docx is imported inside the functions, so importing this module costs nothing.
"""

from __future__ import annotations

import copy
import functools
import io
from typing import Any

from lax.render.chart import chart_caption
from lax.render.markdown import Block, inline, parse_markdown, place_chart

# Fonts of Chinese official documents (GB/T 9704): title in 方正小标宋简体, first-level headings in 黑体,
# second-level in 楷体_GB2312, body in 仿宋_GB2312; sizes 二号 (22 pt) and 三号 (16 pt).
_FONTS = {
    "zh": {
        "body": ("仿宋_GB2312", "仿宋_GB2312", 16),
        "title": ("方正小标宋简体", "方正小标宋简体", 22),
        "h1": ("黑体", "黑体", 16),
        "h2": ("楷体_GB2312", "楷体_GB2312", 16),
        "h3": ("仿宋_GB2312", "仿宋_GB2312", 16),
        "table": ("仿宋_GB2312", "仿宋_GB2312", 12),
    },
    "en": {
        "body": ("Times New Roman", "仿宋_GB2312", 12),
        "title": ("Times New Roman", "方正小标宋简体", 18),
        "h1": ("Arial", "黑体", 14),
        "h2": ("Arial", "楷体_GB2312", 12.5),
        "h3": ("Times New Roman", "仿宋_GB2312", 12),
        "table": ("Times New Roman", "仿宋_GB2312", 10.5),
    },
}
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(element: Any, latin: str, east_asian: str) -> None:
    """Name the fonts on a run's or a style's properties, East Asian text included; theme fonts, which
    would win over the names, are removed."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in _THEME_ATTRS:
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)


def _style_font(style: Any, spec: tuple[str, str, float], bold: bool | None = None) -> None:
    from docx.shared import Pt, RGBColor

    latin, east_asian, size = spec
    style.font.name = latin
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    style.font.italic = False
    if bold is not None:
        style.font.bold = bold
    _set_fonts(style.element, latin, east_asian)


def _run(paragraph: Any, text: str, spec: tuple[str, str, float], *, bold: bool = False, todo: bool = False) -> Any:
    """A run with its fonts (East Asian included), size, weight and highlight set."""
    run = paragraph.add_run(text)
    run._element.insert(0, copy.deepcopy(_run_properties(spec, bold, todo)))
    return run


@functools.lru_cache(maxsize=64)
def _run_properties(spec: tuple[str, str, float], bold: bool, todo: bool) -> Any:
    """The `w:rPr` of a kind of run, made once with python-docx and then copied: setting fonts through
    python-docx run by run costs most of the time of a big document."""
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    latin, east_asian, size = spec
    run = _scratch_paragraph().add_run("")
    run.font.name = latin
    run._element.rPr.rFonts.set(_qn("w:eastAsia"), east_asian)
    _set_fonts(run._element, latin, east_asian)
    run.font.size = Pt(size)
    if bold:
        run.bold = True
    if todo:  # the places only a person can write stand out until they are written
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run._element.rPr


@functools.lru_cache(maxsize=1)
def _scratch_paragraph() -> Any:
    from docx import Document

    return Document().add_paragraph()


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _prepare_document(lang: str) -> Any:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.shared import Mm, Pt

    fonts = _FONTS["zh" if lang == "zh" else "en"]
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    # Document defaults and styles carry the fonts too, so text typed later in Word keeps them.
    defaults = doc.styles.element.find(_qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(_qn("w:rPrDefault"))
        if rpr_default is not None and rpr_default.find(_qn("w:rPr")) is not None:
            rpr = rpr_default.find(_qn("w:rPr"))
            rfonts = rpr.find(_qn("w:rFonts"))
            if rfonts is None:
                rfonts = OxmlElement("w:rFonts")
                rpr.insert(0, rfonts)
            for attr in _THEME_ATTRS:
                if rfonts.get(_qn(attr)) is not None:
                    del rfonts.attrib[_qn(attr)]
            latin, east_asian, _size = fonts["body"]
            for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                rfonts.set(_qn(attr), latin)
            rfonts.set(_qn("w:eastAsia"), east_asian)
    normal = doc.styles["Normal"]
    _style_font(normal, fonts["body"])
    if lang == "zh":
        normal.paragraph_format.line_spacing = Pt(28)  # 三号 body on a 28-point line, as official documents set it
        lang_el = normal.element.get_or_add_rPr().find(_qn("w:lang"))
        if lang_el is None:
            lang_el = OxmlElement("w:lang")
            normal.element.get_or_add_rPr().append(lang_el)
        lang_el.set(_qn("w:eastAsia"), "zh-CN")
    for name, key, bold in (
        ("Title", "title", False),
        ("Heading 1", "h1", False),
        ("Heading 2", "h2", True),
        ("Heading 3", "h3", True),
        ("List Bullet", "body", None),
        ("Table Grid", "table", None),
    ):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        _style_font(style, fonts[key], bold)
    title = doc.styles["Title"]
    title.paragraph_format.alignment = 1  # centred
    # Word's Title style draws a rule under the title; official documents have none.
    ppr = title.element.find(_qn("w:pPr"))
    if ppr is not None:
        for border in ppr.findall(_qn("w:pBdr")):
            ppr.remove(border)
    return doc


def to_docx(markdown: str, context: dict[str, Any], *, level: str, lang: str, png: bytes | None) -> bytes:
    """The report as a Word document (bytes): headings, paragraphs, lists, tables and the chart, every run
    with its East Asian font set."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    fonts = _FONTS["zh" if lang == "zh" else "en"]
    doc = _prepare_document(lang)
    blocks = place_chart(parse_markdown(markdown), level)
    title_text = next((b.text for b in blocks if b.kind == "heading"), "")
    doc.core_properties.title = "".join(t for t, _b in inline(title_text))
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en"

    bullet = doc.styles["List Bullet"]
    # Paragraph properties of table cells (single-spaced, not indented; centred or left), made once and
    # copied into each cell: python-docx's setters cost more than the rest of a big table.
    cell_props = {}
    for centred in (False, True):
        p = doc.add_paragraph()
        p.paragraph_format.line_spacing = 1.0
        p.paragraph_format.first_line_indent = Pt(0)
        if centred:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell_props[centred] = p._p.pPr
        p._p.getparent().remove(p._p)

    def paragraph_runs(p: Any, text: str, spec: tuple[str, str, float], todo: bool = False) -> None:
        for t, bold in inline(text):
            _run(p, t, spec, bold=bold, todo=todo)

    def emit(blocks: list[Block], todo: bool = False) -> None:
        for b in blocks:
            if b.kind == "heading":
                key = {1: "title", 2: "h1", 3: "h2"}.get(b.level, "h3")
                p = doc.add_heading("", level=min(b.level - 1, 9))
                if b.level == 1:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph_runs(p, b.text, fonts[key], todo)
            elif b.kind == "para":
                p = doc.add_paragraph()
                if lang == "zh" and not todo:
                    p.paragraph_format.first_line_indent = Pt(fonts["body"][2] * 2)  # two characters
                if todo:
                    p.paragraph_format.left_indent = Cm(0.75)
                paragraph_runs(p, b.text, fonts["body"], todo)
            elif b.kind == "ul":
                for item in b.items:
                    p = doc.add_paragraph(style=bullet)
                    paragraph_runs(p, item, fonts["body"], todo)
            elif b.kind == "ol":
                # Numbers written out: Word's shared list numbering would run on from one list to the next.
                for k, item in enumerate(b.items, start=b.level or 1):
                    p = doc.add_paragraph()
                    p.paragraph_format.left_indent = Cm(0.75 if not todo else 1.5)
                    p.paragraph_format.first_line_indent = Cm(-0.75)
                    _run(p, f"{k}．" if lang == "zh" else f"{k}. ", fonts["body"], todo=todo)
                    paragraph_runs(p, item, fonts["body"], todo)
            elif b.kind == "table":
                cols = max(len(b.header), 1)
                table = doc.add_table(rows=1 + len(b.rows), cols=cols)
                table.style = doc.styles["Table Grid"]
                table.alignment = WD_TABLE_ALIGNMENT.CENTER
                # Row by row: `table.cell(r, c)` rebuilds the whole grid on every call, quadratic in big tables.
                for r, (row_obj, row) in enumerate(zip(table.rows, [b.header] + b.rows)):
                    for c, cell in enumerate(row_obj.cells[:cols]):
                        p = cell.paragraphs[0]
                        p._p.insert(0, copy.deepcopy(cell_props[r == 0 or c > 0]))
                        text = row[c] if c < len(row) else ""
                        for t, bold in inline(text):
                            _run(p, t, fonts["table"], bold=bold or r == 0)
                doc.add_paragraph()
            elif b.kind == "quote":
                emit(b.children, todo=True)
            elif b.kind == "hr":
                doc.add_paragraph()
            elif b.kind == "chart" and png is not None:
                doc.add_picture(io.BytesIO(png), width=Cm(15))
                pic = doc.paragraphs[-1]
                pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
                pic.paragraph_format.first_line_indent = Pt(0)
                # Single (auto) spacing: the Normal style's exact 28 pt line would clip the picture to a strip.
                pic.paragraph_format.line_spacing = 1.0
                for run in pic.runs:
                    latin, east_asian, _size = fonts["body"]
                    _set_fonts(run._element, latin, east_asian)
                cap = doc.add_paragraph()
                cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run(cap, chart_caption(context, lang), fonts["table"])

    emit(blocks)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
