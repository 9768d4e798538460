"""Every page of a report right (issue 11): the Word chart at full size, the chart in the report's language,
lists as lists in every language and format, tables that fit the page. The ledger is made through the CLI
(`tests/scenario.py`, the county of the first source summary)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from scenario import write_ledger_cli
from typer.testing import CliRunner

from lax.cli import app

TODAY = "2027-01-15"
# 春涛乡/罗坪村 has two progress reports in 2026 (the election, then the cadres' arrears paid).
LUOPING = {"zh": "春涛乡/罗坪村", "en": "Chuntao Township/Luoping Village"}
PROGRESS = {
    "zh": ["2026年5月1日：“两委”换届选举顺利完成，投入资金8,000元。", "2026年10月12日：补发村干部工资，投入资金4,000元。"],
    "en": ["1 May 2026: Two-committee election completed (8,000 yuan)", "12 October 2026: Cadres' arrears paid (4,000 yuan)"],
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
