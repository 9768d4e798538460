"""Every page of a report right (issue 11): the Word chart at full size, the chart in the report's language,
lists as lists in every language and format, tables that fit the page. The ledger is made through the CLI
(`tests/scenario.py`, the county of the first source summary)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from scenario import write_ledger_cli
from typer.testing import CliRunner

from lax.cli import app

TODAY = "2027-01-15"
# 春涛乡/罗坪村 has two progress reports in 2026 (the election, then the cadres' arrears paid).
LUOPING = {"zh": "春涛乡/罗坪村", "en": "Chuntao Township/Luoping Village"}
PROGRESS = {
    "zh": [
        "2026年5月1日：“两委”换届选举顺利完成，投入资金8,000元。",
        "2026年10月12日：补发村干部工资，投入资金4,000元。",
    ],
    "en": [
        "1 May 2026: Two-committee election completed (8,000 yuan)",
        "12 October 2026: Cadres' arrears paid (4,000 yuan)",
    ],
}


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    return {lang: write_ledger_cli(root / lang / "ledger", lang) for lang in ("zh", "en")}


@pytest.fixture()
def report(monkeypatch, tmp_path):
    """Run `lax report` in an empty folder on a fixed day."""
    monkeypatch.setenv("LAX_TODAY", TODAY)
    monkeypatch.chdir(tmp_path)

    def run(*args):
        result = CliRunner().invoke(app, ["report", *[str(a) for a in args]])
        assert result.exit_code == 0, result.output
        return result

    return run


def _docx(report, ledger: Path, out: Path, *args):
    import docx

    report(*args, "--format", "docx", "--output", out, "--ledger", ledger)
    return docx.Document(str(out))


# ------------------------------------------------------------------------------------ 1. the chart whole


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_chart_paragraph_has_no_exact_line_spacing(report, ledgers, tmp_path, lang):
    from docx.enum.text import WD_LINE_SPACING

    doc = _docx(report, ledgers[lang], tmp_path / "county.docx", "--quarter", "2026Q3", "--lang", lang)
    holding = [p for p in doc.paragraphs if p._p.xpath(".//pic:pic")]
    assert len(holding) == 1 and len(doc.inline_shapes) == 1
    fmt = holding[0].paragraph_format
    assert fmt.line_spacing_rule not in (WD_LINE_SPACING.EXACTLY, WD_LINE_SPACING.AT_LEAST)
    assert fmt.line_spacing_rule == WD_LINE_SPACING.SINGLE
    if lang == "zh":  # the body keeps the official 28 pt line; only the picture is freed from it
        assert doc.styles["Normal"].paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    # The picture is shown at 15 cm wide and its full height: the PNG's proportions are kept.
    shape = doc.inline_shapes[0]
    assert round(shape.width / shape.height, 2) == round(1800 / 840, 2)


# ------------------------------------------------------------------------------------ 3. lists as lists


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_progress_items_are_one_list_item_each_in_markdown(report, ledgers, lang):
    md = report("--year", "2026", "--lang", lang, "--village", LUOPING[lang], "--ledger", ledgers[lang]).stdout
    lines = md.splitlines()
    first, second = (lines.index(f"- {item}") for item in PROGRESS[lang])
    assert second == first + 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_progress_items_are_one_bullet_each_in_html(report, ledgers, lang, tmp_path):
    out = tmp_path / "village.html"
    report("--year", "2026", "--lang", lang, "--village", LUOPING[lang], "--format", "html", "-o", out,
           "--ledger", ledgers[lang])  # fmt: skip
    page = out.read_text(encoding="utf-8")
    import html as _html

    items = [_html.unescape(i) for i in re.findall(r"<li>(.*?)</li>", page, re.S)]
    assert PROGRESS[lang][0] in items and PROGRESS[lang][1] in items


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_progress_items_are_one_paragraph_each_in_docx(report, ledgers, lang, tmp_path):
    doc = _docx(report, ledgers[lang], tmp_path / "village.docx", "--year", "2026", "--lang", lang,
                "--village", LUOPING[lang])  # fmt: skip
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert PROGRESS[lang][0] in bullets and PROGRESS[lang][1] in bullets


def test_the_township_report_lists_each_progress_item_apart(report, ledgers):
    md = report("--year", "2026", "--lang", "en", "--township", "Chuntao Township", "--ledger", ledgers["en"]).stdout
    assert f"- {PROGRESS['en'][0]}\n- {PROGRESS['en'][1]}\n" in md


def test_a_failed_then_passed_acceptance_is_two_items(report, ledgers):
    md = report(
        "--year", "2026", "--lang", "en", "--village", "Jingjiang Town/Tuanhuang Village", "--ledger", ledgers["en"]
    ).stdout
    items = [line for line in md.splitlines() if line.startswith(("- 22 September 2026", "- 20 December 2026"))]
    assert [i.split(":")[1].strip().split(" ")[0] for i in items] == ["failed", "passed"]
    assert ")- " not in md


def test_no_shipped_template_line_loses_its_newline_after_a_block_tag():
    """Jinja's trim_blocks eats the newline after a block tag: a list item that ends with `{% endif %}`
    runs into the next one. Such a line ends with `+%}` (keep the newline), or is followed by a blank line."""
    folder = Path(__file__).resolve().parent.parent / "templates"
    for template in sorted(folder.glob("*.md.j2")):
        lines = template.read_text(encoding="utf-8").splitlines()
        for k, line in enumerate(lines):
            if line.startswith("- ") and line.endswith("%}") and not line.endswith("+%}"):
                following = lines[k + 1] if k + 1 < len(lines) else ""
                assert following.strip() == "", f"{template.name}:{k + 1}"


# ------------------------------------------------------------------------------ 2. the chart's language


def _html_chart(report, ledger, out, lang):
    import base64

    from PIL import Image

    report("--quarter", "2026Q3", "--lang", lang, "--format", "html", "-o", out, "--ledger", ledger)
    found = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', out.read_text(encoding="utf-8"))
    return Image.open(io.BytesIO(base64.b64decode(found.group(1))))


def _docx_chart(doc):
    from PIL import Image

    blip = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    return Image.open(io.BytesIO(doc.part.related_parts[blip].blob))


def _title_band(image):
    """The strip above the plot where the title and the axis label are drawn."""
    return image.convert("RGB").crop((0, 0, image.width, 100)).tobytes()


def test_the_chart_speaks_the_reports_language(report, ledgers, tmp_path, monkeypatch):
    from lax.render import chart

    monkeypatch.delenv("LAX_CHART_FONT", raising=False)
    if chart.cjk_font_path() is None:
        pytest.skip("no font with Chinese glyphs on this machine")
    zh = _html_chart(report, ledgers["zh"], tmp_path / "zh.html", "zh")
    en = _html_chart(report, ledgers["en"], tmp_path / "en.html", "en")
    assert zh.text["Title"] == "按界定标准统计的软弱涣散村数（截至2026年9月30日）"
    assert en.text["Title"] == "Villages by standard (as of 30 September 2026)"
    assert _title_band(zh) != _title_band(en)  # drawn, not only named
    # The Word report carries the same chart.
    doc = _docx(report, ledgers["zh"], tmp_path / "zh.docx", "--quarter", "2026Q3", "--lang", "zh")
    assert _docx_chart(doc).text["Title"] == zh.text["Title"]
    doc = _docx(report, ledgers["en"], tmp_path / "en.docx", "--quarter", "2026Q3", "--lang", "en")
    assert _docx_chart(doc).text["Title"] == en.text["Title"]


def test_without_a_chinese_font_the_chart_falls_back_to_english(report, ledgers, tmp_path, monkeypatch):
    from lax.render import chart

    monkeypatch.delenv("LAX_CHART_FONT", raising=False)
    monkeypatch.setattr(chart, "CJK_FONTS", ())
    zh = _html_chart(report, ledgers["zh"], tmp_path / "zh.html", "zh")
    en = _html_chart(report, ledgers["en"], tmp_path / "en.html", "en")
    assert zh.text["Title"] == "Villages by standard (as of 30 September 2026)"
    assert _title_band(zh) == _title_band(en)  # English drawn, not boxes for missing glyphs
    # The report around it is still Chinese.
    assert "一、基本情况" in (tmp_path / "zh.html").read_text(encoding="utf-8")


def test_lax_chart_font_names_the_font(report, ledgers, tmp_path, monkeypatch):
    from lax.render import chart

    found = chart.cjk_font_path()
    if found is None:
        pytest.skip("no font with Chinese glyphs on this machine")
    monkeypatch.setattr(chart, "CJK_FONTS", ())
    monkeypatch.setenv("LAX_CHART_FONT", found)
    assert _html_chart(report, ledgers["zh"], tmp_path / "zh.html", "zh").text["Title"].startswith("按界定标准")
    monkeypatch.setenv("LAX_CHART_FONT", str(tmp_path / "missing.ttc"))
    assert _html_chart(report, ledgers["zh"], tmp_path / "zh2.html", "zh").text["Title"].startswith("Villages")
    (tmp_path / "broken.ttc").write_bytes(b"not a font")  # a file that is no font: English, not boxes
    monkeypatch.setenv("LAX_CHART_FONT", str(tmp_path / "broken.ttc"))
    assert _html_chart(report, ledgers["zh"], tmp_path / "zh3.html", "zh").text["Title"].startswith("Villages")


# ----------------------------------------------------------------------------------- 4. tables fit pages

NUMBER = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?%?$")
LIBERATION_SERIF = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"  # Times' metrics


def _number_width_pt(text: str, size_pt: float, lang: str) -> float:
    """How wide a number is set in the table font: the Chinese fonts' digits and punctuation are
    half-width; Times is measured with Liberation Serif, which has its metrics."""
    if lang == "zh":
        return len(text) * size_pt / 2
    from PIL import ImageFont

    if not Path(LIBERATION_SERIF).is_file():
        pytest.skip("Liberation Serif is not installed")
    return ImageFont.truetype(LIBERATION_SERIF, 100).getlength(text) * size_pt / 100


def _grid_pt(table) -> list[float]:
    return [col.w / 12700 for col in table._tbl.tblGrid.gridCol_lst]


def _section_of(doc, table):
    """The section a table is in: the first section break after it ends its section."""
    from docx.oxml.ns import qn

    body = doc.element.body
    after = False
    index = 0
    for child in body.iterchildren():
        if child is table._tbl:
            after = True
        elif child.tag == qn("w:p") and child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            if after:
                return doc.sections[index]
            index += 1
    return doc.sections[-1]


def _check_table_fits(doc, table, size_pt, lang):
    from docx.oxml.ns import qn

    section = _section_of(doc, table)
    room = (section.page_width - section.left_margin - section.right_margin) / 12700
    grid = _grid_pt(table)
    assert sum(grid) <= room + 0.5, (sum(grid), room)
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            assert abs(cell.width / 12700 - grid[c]) < 0.1  # every cell says the grid's width
            text = cell.text.strip()
            if NUMBER.match(text):
                inside = grid[c] - 2 * 5.4  # Table Grid's cell margins: 108 twips on each side
                needed = _number_width_pt(text, size_pt, lang) * (1.08 if r == 0 else 1)
                assert needed <= inside, (text, c, needed, inside)
    return section


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_number_in_the_county_table_can_wrap(report, ledgers, tmp_path, lang):
    doc = _docx(report, ledgers[lang], tmp_path / "county.docx", "--year", "2026", "--lang", lang)
    table = doc.tables[0]
    assert table.rows[0].cells[0].text == ("乡镇" if lang == "zh" else "Township")
    numbers = [c.text for row in table.rows[1:] for c in row.cells if NUMBER.match(c.text)]
    assert "15,000" in numbers or any("," in n for n in numbers)  # the funds column has thousands
    section = _check_table_fits(doc, table, 12 if lang == "zh" else 10.5, lang)
    if lang == "zh":  # eleven columns fit a portrait page once their widths follow their contents
        from docx.enum.section import WD_ORIENT

        # (附件2's fourteen columns get a landscape page of their own, after the body)
        assert section.orientation == WD_ORIENT.PORTRAIT and section._sectPr is doc.sections[0]._sectPr


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_township_table_fits_its_page(report, ledgers, tmp_path, lang):
    township = {"zh": "春涛乡", "en": "Chuntao Township"}[lang]
    doc = _docx(report, ledgers[lang], tmp_path / "township.docx", "--year", "2026", "--lang", lang,
                "--township", township)  # fmt: skip
    _check_table_fits(doc, doc.tables[0], 12 if lang == "zh" else 10.5, lang)


def test_a_table_too_wide_for_portrait_gets_a_landscape_page(report, ledgers, tmp_path):
    from docx.enum.section import WD_ORIENT

    mine = tmp_path / "mine"
    mine.mkdir()
    header = "| 乡镇 | " + " | ".join(f"第{k}项资金（元）" for k in range(1, 10)) + " |"
    (mine / "county.zh.md.j2").write_text(
        "# 表\n\n## 一、数字\n\n前文。\n\n" + header + "\n|" + "---|" * 10 + "\n"
        + "{% for t in townships %}| {{ t.township }} | " + " | ".join("1,234,567" for _k in range(9)) + " |\n{% endfor %}"
        + "\n## 二、后文\n\n后文。\n",
        encoding="utf-8",
    )  # fmt: skip
    doc = _docx(report, ledgers["zh"], tmp_path / "wide.docx", "--year", "2026", "--lang", "zh", "--templates", mine)
    section = _check_table_fits(doc, doc.tables[0], 12, "zh")
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    # The text before and after stays on portrait pages.
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert doc.paragraphs[-1].text == "后文。"


# ------------------------------------------------------------------ the page as LibreOffice draws it

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(SOFFICE is None or PDFTOPPM is None, reason="LibreOffice (soffice) and pdftoppm are not installed")
def test_libreoffice_draws_the_chart_whole(report, ledgers, tmp_path):
    """The Chinese county report opened in LibreOffice: on the page with the chart, the red bars stand at
    least 60 px tall at 60 dpi (about 100 px when whole; a chart squeezed into one 28 pt line shows at most 23 px)."""
    from PIL import Image

    out = tmp_path / "county.docx"
    _docx(report, ledgers["zh"], out, "--year", "2026", "--lang", "zh")
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    subprocess.run([PDFTOPPM, "-r", "60", "-png", str(tmp_path / "county.pdf"), str(tmp_path / "page")], check=True)
    tallest = 0
    for page in sorted(tmp_path.glob("page-*.png")):
        image = Image.open(page).convert("RGB")
        width, height = image.size
        pixels = image.load()
        rows = [y for y in range(height) if any(_bar_red(pixels[x, y]) for x in range(0, width, 2))]
        if rows:
            tallest = max(tallest, rows[-1] - rows[0])
    assert tallest >= 60, f"the chart's bars span only {tallest} px on the rendered page"


def _bar_red(rgb) -> bool:
    r, g, b = rgb
    return r > 140 and g < 80 and b < 80  # the bars' (178, 34, 34), anti-aliased
