"""A report as a Word document with the fonts of Chinese official documents (GB/T 9704), East Asian text
included. python-docx is imported inside the functions, so importing this module costs nothing.
"""

from __future__ import annotations

import copy
import functools
import io
import re
from typing import Any

from lax.render.chart import chart_caption
from lax.render.markdown import (
    PLACEHOLDER_PREFIXES,
    Block,
    inline,
    parse_markdown,
    place_chart,
    title_lines,
    title_parts,
)

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
    if "\t" in text or "\n" in text or "\r" in text:
        run = paragraph.add_run(text)  # python-docx makes tabs and breaks of them
    else:
        # One `w:t` made directly: python-docx's `add_run(text)` walks the text a character at a time,
        # which costs seconds for a report's name lists of thousands of villages.
        run = paragraph.add_run()
        if text:
            run._element.append(_make_text(text))
    run._element.insert(0, copy.deepcopy(_run_properties(spec, bold, todo)))
    return run


def _make_text(text: str) -> Any:
    from docx.oxml import OxmlElement

    t = OxmlElement("w:t")
    t.text = text
    if text[:1].isspace() or text[-1:].isspace():
        t.set(_qn("xml:space"), "preserve")  # as python-docx does: Word would drop the spaces otherwise
    return t


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


# ------------------------------------------------------------------------------------ table widths

# Widths in em of the characters a report's tables hold, rounded up so that an estimate is never short:
# Chinese and full-width characters are square; digits and ASCII punctuation are half-width in the
# Chinese fonts and at most half an em (plus a margin) in Times; capitals are the widest Latin letters.
_CELL_MARGINS_PT = 2 * 5.4 + 1.5  # Table Grid's left and right cell margins (108 twips each), and the borders
_NUMBER = re.compile(r"^[-+]?(\d[\d,]*(\.\d+)?|\.\d+)%?$")
_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


@functools.lru_cache(maxsize=4096)  # a big table repeats its values (0, dates, statuses)
def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """A generous estimate of the width of `text` set in the report's fonts at `size_pt`, in points."""
    em = 0.0
    for ch in text:
        if _WIDE.match(ch):
            em += 1.0
        elif ch == " ":
            em += 0.3
        elif ch.isdigit() or not ch.isalpha():
            em += 0.56
        elif ch.isupper() or ch in "mw":
            em += 0.78
        else:
            em += 0.52
    return em * size_pt * (1.08 if bold else 1.0)


def is_number(text: str) -> bool:
    """A cell that is one number (`15,000`, `3.5`, `80%`): it must never wrap."""
    return bool(_NUMBER.match(text.strip()))


def _words(text: str) -> list[str]:
    """The pieces a line may not be broken inside: Latin words and numbers whole, Chinese at any character."""
    return [w for w in re.split(r"\s+|(?<=[\u2e80-\ufaff\uff00-\uffef])|(?=[\u2e80-\ufaff\uff00-\uffef])", text) if w]


def column_widths(
    header: list[str], rows: list[list[str]], size_pt: float, portrait_pt: float, landscape_pt: float
) -> tuple[list[float], bool]:
    """Column widths in points for a table, and whether it needs a landscape page. A number is never
    broken across lines; header words are kept whole where the page allows; the room left over goes to
    the columns whose text is longest. Landscape only when the table's words cannot fit the portrait width whole."""
    cols = max(len(header), 1)
    plain = [[t for t, _b in inline(c)] for c in header]
    header_text = ["".join(p) for p in plain]
    numbers = [0.0] * cols  # the widest number in each column
    words = [0.0] * cols  # the widest unbreakable piece of text, header words included
    natural = [0.0] * cols  # each column's widest cell on one line
    for c, text in enumerate(header_text[:cols]):
        natural[c] = text_width_pt(text, size_pt, bold=True)
        words[c] = max((text_width_pt(w, size_pt, bold=True) for w in _words(text)), default=0.0)
    for row in rows:
        for c in range(min(cols, len(row))):
            text = "".join(t for t, _b in inline(row[c]))
            if not text:
                continue
            width = text_width_pt(text, size_pt)
            if width > natural[c]:
                natural[c] = width
            if is_number(text):
                if width > numbers[c]:
                    numbers[c] = width
            elif width > words[c]:
                # A short cell (a village's or township's name, a status) stays on one line.
                pieces = [text] if len(text) <= 6 else _words(text)
                words[c] = max([words[c]] + [text_width_pt(w, size_pt) for w in pieces])
    pad = _CELL_MARGINS_PT
    whole = [max(n, w) + pad for n, w in zip(numbers, words)]
    only_numbers = [max(n, size_pt) + pad for n in numbers]
    natural = [max(n, m) + pad for n, m in zip(natural, whole)]
    # A table whose words do not fit a portrait page whole goes onto a landscape page even when its numbers
    # alone would fit the portrait one: squeezed there, its header words and names break mid-word
    # ("To/wn/sh/ip").
    choices = (
        (whole, portrait_pt, False),
        (whole, landscape_pt, True),
        (only_numbers, landscape_pt, True),
    )
    fitting = next((choice for choice in choices if sum(choice[0]) <= choice[1]), None)
    if fitting is None:  # not even the numbers fit a landscape page: narrow all columns alike
        scale = landscape_pt / sum(only_numbers)
        return [w * scale for w in only_numbers], True
    minimum, room, landscape = fitting
    if sum(natural) <= room:  # everything on one line: widen all in proportion to fill the width
        scale = room / sum(natural)
        return [w * scale for w in natural], landscape
    spare, wants = room - sum(minimum), [n - m for n, m in zip(natural, minimum)]
    total = sum(wants) or 1.0
    return [m + max(spare, 0.0) * w / total for m, w in zip(minimum, wants)], landscape


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
        # No gap between paragraphs: official documents mark a paragraph by its two-character indent only
        # (Word's default 10 pt after each paragraph left the text looking double-spaced between paragraphs).
        normal.paragraph_format.space_after = Pt(0)
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
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.shared import Cm, Mm, Pt
    from docx.text.paragraph import Paragraph

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

    first = doc.sections[0]
    margins = (first.left_margin, first.right_margin)

    def text_width(landscape: bool) -> float:
        """The width between the margins of a portrait or a landscape A4 page, in points."""
        return (Mm(297 if landscape else 210) - margins[0] - margins[1]) / 12700

    def orient(landscape: bool) -> None:
        """Start a new page in landscape or back in portrait, with the same margins."""
        section = doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        long_side, short_side = Mm(297), Mm(210)
        section.page_width, section.page_height = (long_side, short_side) if landscape else (short_side, long_side)

    def fix_widths(table: Any, widths: list[float]) -> None:
        """Fixed column widths (twentieths of a point) in the grid and every cell, and a fixed layout, so
        that Word and LibreOffice keep them instead of fitting columns to their text."""
        twips = [str(round(w * 20)) for w in widths]
        tbl = table._tbl
        tbl_pr = tbl.tblPr
        tbl_w = tbl_pr.find(_qn("w:tblW"))
        tbl_w.set(_qn("w:type"), "dxa")
        tbl_w.set(_qn("w:w"), str(sum(int(t) for t in twips)))
        table.autofit = False  # w:tblLayout fixed, in its place in the schema's order
        for col, w in zip(tbl.tblGrid.findall(_qn("w:gridCol")), twips):
            col.set(_qn("w:w"), w)
        for tr in tbl.tr_lst:
            for tc, w in zip(tr.tc_lst, twips):
                tc_w = tc.tcPr.find(_qn("w:tcW"))
                tc_w.set(_qn("w:type"), "dxa")
                tc_w.set(_qn("w:w"), w)

    def paragraph_runs(p: Any, text: str, spec: tuple[str, str, float], todo: bool = False) -> None:
        for t, bold in inline(text):
            _run(p, t, spec, bold=bold, todo=todo)

    def title_fits(line: str) -> bool:
        """Whether a line of the title fits the portrait page (the Title style spaces letters by 0.25 pt)."""
        return text_width_pt(line, fonts["title"][2]) + 0.25 * len(line) <= text_width(False) - 2

    layouts: dict[int, tuple[list[float], bool]] = {}

    def layout(b: Block) -> tuple[list[float], bool]:
        """A table's column widths and whether it needs a landscape page (worked out once per table)."""
        if id(b) not in layouts:
            layouts[id(b)] = column_widths(b.header, b.rows, fonts["table"][2], text_width(False), text_width(True))
        return layouts[id(b)]

    # `fresh`: nothing written yet on the current page; `page`: a page marker waits for the next block;
    # `landscape`: a landscape section is open (begun at a table's heading); `close`: its table is written,
    # and the next block that is not another wide table goes back to portrait. Closing it only then leaves
    # no blank portrait page at the end of a report whose last attachment is a landscape table.
    page = {"fresh": True, "page": False, "landscape": False, "close": False}

    def emit(blocks: list[Block], todo: bool = False) -> None:
        for k, b in enumerate(blocks):
            if b.kind == "page":
                page["page"] = True
                continue
            after = blocks[k + 1] if k + 1 < len(blocks) else None
            # A heading right above a table that needs a landscape page goes onto that page with it.
            wide = (b.kind == "table" and layout(b)[1]) or (
                b.kind == "heading" and after is not None and after.kind == "table" and layout(after)[1]
            )
            if page["close"]:
                page["close"] = False
                if not wide:
                    orient(False)
                    page["landscape"], page["fresh"] = False, True
            turn = not page["landscape"] and wide
            # (a new section's page is new already); the break's run has the fonts every run has. Before a
            # heading the break opens the heading's own paragraph: an empty paragraph holding only the break
            # can fall to the next page by itself in LibreOffice and leave a blank page behind it.
            heading_break = False
            if page["page"] and not turn and not page["fresh"]:
                if b.kind == "heading":
                    heading_break = True
                else:
                    _run(doc.add_paragraph(), "", fonts["body"]).add_break(WD_BREAK.PAGE)
            page["page"] = page["fresh"] = False
            if turn:
                orient(True)
                page["landscape"] = True
            if b.kind == "heading":
                key = {1: "title", 2: "h1", 3: "h2"}.get(b.level, "h3")
                p = doc.add_heading("", level=min(b.level - 1, 9))
                if heading_break:
                    _run(p, "", fonts["body"]).add_break(WD_BREAK.PAGE)
                if b.level == 1:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    if lang == "zh":
                        # A long title is broken where a document breaks it (organisation, period, subject),
                        # not wherever the line runs out ("涣/散").
                        lines = title_lines(title_parts(b.text), title_fits)
                        paragraph_runs(p, "\n".join(lines), fonts[key], todo)
                        continue
                elif lang == "zh" and not b.text.startswith("附件"):
                    # 一、 and （一） headings stand indented two characters like the text under them, as
                    # official documents set them (GB/T 9704), not out at the margin; an attachment's
                    # 附件1 starts at the margin, as the standard sets it.
                    p.paragraph_format.first_line_indent = Pt(fonts["body"][2] * 2)
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
                # Too wide for a portrait page even with its numbers kept whole: a landscape page (begun above).
                widths = layout(b)[0]
                table = doc.add_table(rows=1 + len(b.rows), cols=cols)
                table.style = doc.styles["Table Grid"]
                table.alignment = WD_TABLE_ALIGNMENT.CENTER
                fix_widths(table, widths)
                # The header row repeats at the top of every page a long table runs onto (w:tblHeader), and no
                # row is split across two pages (w:cantSplit): a total cut in half reads as two rows.
                table._tbl.tr_lst[0].get_or_add_trPr().append(OxmlElement("w:tblHeader"))
                for tr in table._tbl.tr_lst:
                    tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
                # Row by row, cell elements directly: `table.cell(r, c)` rebuilds the whole grid on every call
                # (quadratic in big tables), and `row.cells` looks for merged cells a new table cannot have.
                for r, (tr, row) in enumerate(zip(table._tbl.tr_lst, [b.header] + b.rows)):
                    for c, tc in enumerate(tr.tc_lst[:cols]):
                        p = Paragraph(tc.p_lst[0], table)
                        p._p.insert(0, copy.deepcopy(cell_props[r == 0 or c > 0]))
                        text = row[c] if c < len(row) else ""
                        for t, bold in inline(text):
                            _run(p, t, fonts["table"], bold=bold or r == 0)
                doc.add_paragraph()
                if page["landscape"]:
                    page["close"] = True
            elif b.kind == "quote":
                body = doc.element.body
                before = len(body.findall(_qn("w:p")))
                emit(b.children, todo=True)
                # A place for the author stands apart from the text around it (Chinese paragraphs have no
                # gap of their own), so two of them, or one under a caption, do not read as one.
                added = body.findall(_qn("w:p"))[before:]
                if added:
                    Paragraph(added[0], doc._body).paragraph_format.space_before = Pt(6)
                    Paragraph(added[-1], doc._body).paragraph_format.space_after = Pt(6)
            elif b.kind == "hr":
                doc.add_paragraph()
            elif b.kind == "signature":
                # The 落款: organisation above date, right-aligned, set off from the text by a blank line;
                # in Chinese, the date clear of the margin by two characters, as documents set it.
                for k, line in enumerate(b.items):
                    p = doc.add_paragraph()
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    p.paragraph_format.first_line_indent = Pt(0)
                    if k == 0:
                        p.paragraph_format.space_before = Pt(fonts["body"][2] * 2)
                    if k + 1 < len(b.items):  # the organisation and its date on one page, never split
                        p.paragraph_format.keep_with_next = True
                    if lang == "zh":
                        p.paragraph_format.right_indent = Pt(fonts["body"][2] * 2)
                    paragraph_runs(p, line, fonts["body"], todo or line.startswith(PLACEHOLDER_PREFIXES))
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
