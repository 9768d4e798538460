"""Every page of a report right, as a reader sees it (issue 11, "Every page right"): a long Chinese title
broken where a document breaks it, not mid-word; the late or missing quarterly examinations said once per
township; no English sentence that starts with a digit; township and village names never broken in a table
cell. The ledger is the scenario county made through the CLI (`tests/scenario.py`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from scenario import write_ledger_cli
from typer.testing import CliRunner

from lax.cli import app

TODAY = "2027-01-15"
ORG = {"zh": "余江区委组织部", "en": "Yujiang District Party Organisation Department"}
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory):
    root = tmp_path_factory.mktemp("look")
    return {lang: write_ledger_cli(root / lang / "ledger", lang) for lang in ("zh", "en")}


@pytest.fixture()
def report(monkeypatch, tmp_path):
    """Run `lax report` in an empty folder on a fixed day; returns its standard output."""
    monkeypatch.setenv("LAX_TODAY", TODAY)
    monkeypatch.chdir(tmp_path)

    def run(*args):
        result = CliRunner().invoke(app, ["report", *[str(a) for a in args]])
        assert result.exit_code == 0, result.output
        return result.stdout

    return run


def _docx(report, ledger: Path, out: Path, *args):
    import docx

    report(*args, "--format", "docx", "--output", out, "--ledger", ledger)
    return docx.Document(str(out))


# ------------------------------------------------------------------------------------ 1. the title

TITLES = [
    # (arguments, the title's lines in the Word file)
    (["--year", "2026", "--org", ORG["zh"]], ["余江区委组织部2026年度", "整顿软弱涣散村级党组织工作总结"]),
    (["--quarter", "2026Q3", "--org", ORG["zh"]], ["余江区委组织部2026年第三季度", "整顿软弱涣散村级党组织工作总结"]),
    (["--quarter", "2026Q3"], ["2026年第三季度", "整顿软弱涣散村级党组织工作总结"]),
    (["--year", "2026"], ["2026年度整顿软弱涣散村级党组织工作总结"]),  # fits one line: not broken
    (["--year", "2026", "--township", "春涛乡"], ["春涛乡2026年度", "整顿软弱涣散村级党组织工作总结"]),
    (["--year", "2026", "--village", "春涛乡/罗坪村"], ["罗坪村党支部2026年度", "整顿软弱涣散党组织工作总结"]),
]


@pytest.mark.parametrize("args, lines", TITLES, ids=[" ".join(a) for a, _l in TITLES])
def test_a_long_chinese_title_breaks_between_its_parts_in_word(report, ledgers, tmp_path, args, lines):
    doc = _docx(report, ledgers["zh"], tmp_path / "r.docx", *args, "--lang", "zh")
    title = doc.paragraphs[0]
    assert title.style.name == "Title"
    assert title.text.split("\n") == lines
    # one line break between lines, in the title's own runs (the paragraph stays one centred title)
    assert len(title._p.xpath(".//w:br")) == len(lines) - 1
    assert doc.core_properties.title == "".join(lines)


def test_an_english_title_is_left_to_wrap_at_its_spaces(report, ledgers, tmp_path):
    doc = _docx(report, ledgers["en"], tmp_path / "r.docx", "--year", "2026", "--org", ORG["en"], "--lang", "en")
    title = doc.paragraphs[0]
    assert title.text == (
        "Yujiang District Party Organisation Department: Summary of the Rectification of Weak and Lax "
        "Village Party Organisations, 2026"
    )
    assert not title._p.xpath(".//w:br")


def test_the_html_title_may_break_only_between_its_parts(report, ledgers, tmp_path):
    out = tmp_path / "r.html"
    report(
        "--year", "2026", "--org", ORG["zh"], "--lang", "zh", "--format", "html", "-o", out, "--ledger", ledgers["zh"]
    )
    page = out.read_text(encoding="utf-8")
    h1 = re.search(r"<h1>(.*?)</h1>", page).group(1)
    assert re.findall(r'<span class="keep">(.*?)</span>', h1) == [
        "余江区委组织部",
        "2026年度",
        "整顿软弱涣散村级党组织工作总结",
    ]
    assert "h1 .keep { display: inline-block;" in page  # each part is one box: the browser breaks between them
    assert "<title>余江区委组织部2026年度整顿软弱涣散村级党组织工作总结</title>" in page
    # An English title is plain text.
    report(
        "--year", "2026", "--org", ORG["en"], "--lang", "en", "--format", "html", "-o", out, "--ledger", ledgers["en"]
    )
    assert "<h1>Yujiang District Party Organisation Department: Summary" in out.read_text(encoding="utf-8")


@pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None, reason="LibreOffice (soffice) and pdftotext are not installed"
)
def test_libreoffice_sets_the_title_on_the_lines_it_was_given(report, ledgers, tmp_path):
    """The title as LibreOffice lays it out: its two lines whole, nothing wrapped inside them ("涣/散")."""
    out = tmp_path / "county.docx"
    _docx(report, ledgers["zh"], out, "--year", "2026", "--org", ORG["zh"], "--lang", "zh")
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(out)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = subprocess.run(
        [PDFTOTEXT, "-f", "1", "-l", "1", str(tmp_path / "county.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [re.sub(r"\s+", "", line) for line in text.splitlines() if line.strip()]
    assert lines[:2] == ["余江区委组织部2026年度", "整顿软弱涣散村级党组织工作总结"]


# ---------------------------------------------------------------- 2. late examinations said once


def test_the_county_names_each_township_once_with_its_quarters(report, ledgers):
    zh = report("--year", "2026", "--lang", "zh", "--ledger", ledgers["zh"])
    assert "- 未按时报送季度排查情况：中童镇第三、四季度未报送；春涛乡第三季度逾期报送（2026年10月9日）。\n" in zh
    assert "中童镇2026年" not in zh and zh.count("中童镇第") == 1  # said once, the year left to the title
    assert "| 中童镇 | 2 | 2 | 0 | 0 | 2 | 0 | 2 | 0 | 0 | 2,000 | 2,000 | 0 | 第三、四季度未报送 |" in zh
    assert "2026Q" not in zh  # no quarter key in the document
    en = report("--year", "2026", "--lang", "en", "--ledger", ledgers["en"])
    assert (
        "- Quarterly examinations not sent on time: Zhongtong Town: Q3 and Q4 not submitted; "
        "Chuntao Township: Q3 sent late (9 October 2026).\n"
    ) in en
    assert "| 0 | Q3 and Q4 not submitted |" in en and "2026Q" not in en


def test_a_township_report_says_its_late_quarter(report, ledgers):
    zh = report("--year", "2026", "--lang", "zh", "--township", "春涛乡", "--ledger", ledgers["zh"])
    assert "\n- 第三季度排查情况逾期报送（2026年10月9日）。\n" in zh
    assert "| 第三季度逾期报送（2026年10月9日） |" in zh
    en = report("--year", "2026", "--lang", "en", "--township", "Zhongtong Town", "--ledger", ledgers["en"])
    assert "\n- Quarterly examination, Q3 and Q4: not submitted.\n" in en


def test_quarters_of_two_years_keep_their_years():
    from lax.report.words import quarters_said, submissions_said

    assert quarters_said(["2026Q3", "2026Q4"], "zh", with_year=False) == "第三、四季度"
    assert quarters_said(["2026Q4", "2027Q1", "2027Q2"], "zh") == "2026年第四季度、2027年第一、二季度"
    assert quarters_said(["2026Q4", "2027Q1"], "en") == "Q4 2026 and Q1 2027"
    rows = [
        {"township": "黄溪镇", "quarter": "2026Q4", "status": "late", "date": "2027-01-05"},
        {"township": "中童镇", "quarter": "2026Q4", "status": "missing", "date": None},
        {"township": "黄溪镇", "quarter": "2027Q1", "status": "missing", "date": None},
    ]
    said = submissions_said(rows, "zh")
    assert [(g["township"], g["said"]) for g in said] == [
        ("黄溪镇", "2026年第四季度逾期报送（2027年1月5日），2027年第一季度未报送"),
        ("中童镇", "2026年第四季度未报送"),
    ]
    assert submissions_said(rows, "en")[0]["said"] == "Q4 2026 sent late (5 January 2027), Q1 2027 not submitted"


def test_a_period_across_two_years_names_the_years(report, ledgers):
    zh = report("--from", "2026-07-01", "--to", "2027-01-15", "--lang", "zh", "--ledger", ledgers["zh"])
    line = next(line for line in zh.splitlines() if line.startswith("- 未按时报送季度排查情况"))
    assert "中童镇2026年第三季度未报送，2026年第四季度逾期报送（2027年1月6日）；春涛乡2026年第三季度" in line


# ------------------------------------------------------- 3. no English sentence starts with a digit

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# A sentence's start: a paragraph's or list item's first word, or the word after a full stop.
SENTENCE_START = re.compile(r"(?:^|(?<=\. ))(\d[\d,.]*)(?! (?:" + MONTHS + r"))(?=\b)")


def _template_prose(md: str, skip: tuple[str, ...]) -> list[str]:
    """The report's paragraphs and list items (list markers off), without tables, headings, the
    attachments and the sections `skip` names (those another module drafts)."""
    out, skipping = [], False
    for line in md.split("\n## Attachment")[0].splitlines():
        if line.startswith("## "):
            skipping = line[3:].split(". ", 1)[-1] in skip
            continue
        if skipping or not line.strip() or line.startswith(("|", "#", ">")):
            continue
        out.append(re.sub(r"^(?:- |\d+\. )", "", line))
    return out


@pytest.mark.parametrize(
    "args",
    [["--quarter", "2026Q3"], ["--year", "2026"], ["--quarter", "2026Q4"],
     ["--quarter", "2026Q3", "--township", "Jingjiang Town"], ["--year", "2026", "--township", "Chuntao Township"],
     ["--year", "2026", "--village", "Jingjiang Town/Tuanhuang Village"]],
    ids=lambda a: " ".join(a),
)  # fmt: skip
def test_no_english_sentence_starts_with_a_digit(report, ledgers, args):
    md = report(*args, "--lang", "en", "--ledger", ledgers["en"])
    # 二、主要做法 and 成效 are drafted by lax/report/practices.py; the "Results:" paragraph is its too.
    prose = [p for p in _template_prose(md, ("Main practices", "Results")) if not p.startswith("Results: ")]
    assert prose
    bad = [p for p in prose for s in SENTENCE_START.finditer(p)]
    assert not bad, bad


def test_the_turned_sentences_read_as_before(report, ledgers):
    q3 = report("--quarter", "2026Q3", "--lang", "en", "--ledger", ledgers["en"])
    assert "\nOf the county's 11 townships, 9 examined 180 administrative villages (2 not reported: " in q3
    assert "\nAt acceptance, 1 village failed: Tuanhuang Village in Jingjiang Town, scoring 62" in q3
    assert "\nThere is 1 village still rectifying. Help in place: Tuanhuang Village in Jingjiang Town" in q3
    assert (
        "\n- Failed acceptance and still rectifying: 1 village (Tuanhuang Village in Jingjiang Town), "
        "to finish within the new time limit.\n"
    ) in q3


# ------------------------------------------------------------- 4. names whole in an html table


@pytest.mark.skipif(CHROMIUM is None or PDFTOTEXT is None, reason="Chromium and pdftotext are not installed")
def test_printed_html_keeps_each_township_name_on_one_line(report, ledgers, tmp_path):
    """The county table printed from Chromium: every township's name whole in its cell (the narrow first
    column used to stack 邓/埠/镇 one character a line)."""
    out = tmp_path / "county.html"
    report("--year", "2026", "--lang", "zh", "--format", "html", "-o", out, "--ledger", ledgers["zh"])
    assert "td:first-child { text-align: left; word-break: keep-all; }" in out.read_text(encoding="utf-8")
    pdf = tmp_path / "county.pdf"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
         f"--user-data-dir={tmp_path / 'chromium'}", out.as_uri()],
        capture_output=True, timeout=120,
    )  # fmt: skip
    if not pdf.is_file():
        pytest.skip("Chromium could not print here")
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    rows = [line.split()[0] for line in text.splitlines() if re.match(r"^\s*\S+\s+\d+\s+\d+\s+\d+", line)]
    for township in (
        "邓埠镇",
        "锦江镇",
        "黄溪镇",
        "中童镇",
        "马荃镇",
        "画桥镇",
        "洪湖乡",
        "黄庄乡",
        "平定乡",
        "杨溪乡",
        "春涛乡",
    ):
        assert township in rows, (township, rows)


# ------------------------------------------------------------------------------ 5. no blank pages


def test_a_report_ending_in_a_landscape_table_ends_there(report, ledgers, tmp_path):
    """Without 附件3 the last thing is 附件2's landscape table: no portrait section after it (an empty page)."""
    from docx.enum.section import WD_ORIENT

    doc = _docx(report, ledgers["zh"], tmp_path / "r.docx", "--year", "2026", "--lang", "zh")
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]
    assert doc.element.body[-2].tag.endswith("}p") and doc.element.body[-3].tag.endswith("}tbl")
    # With 附件3 after it the report goes back to portrait for it.
    doc = _docx(report, ledgers["zh"], tmp_path / "x.docx", "--year", "2026", "--lang", "zh", "--explain")
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_break_opens_the_attachments_heading(report, ledgers, tmp_path, lang):
    """No paragraph holds only a page break (LibreOffice can push such a paragraph onto a page of its own);
    the break begins the heading's paragraph; the 落款's organisation keeps with its date."""
    from docx.oxml.ns import qn

    doc = _docx(report, ledgers[lang], tmp_path / "r.docx", "--quarter", "2026Q3", "--lang", lang, "--org", ORG[lang])
    breaking = [p for p in doc.paragraphs if p._p.xpath('.//w:br[@w:type="page"]')]
    # 附件1 after a page break; 附件2 begins its landscape section's page (in English too: its header words
    # do not fit a portrait page whole)
    assert [p.text[:12] for p in breaking] == (["附件1　全县整顿村名单"] if lang == "zh" else ["Attachment 1"])
    for p in breaking:
        assert p.style.name == "Heading 1"
        assert p._p.find(qn("w:r")).find(qn("w:br")) is not None  # before the heading's words
    texts = [p.text for p in doc.paragraphs]
    k = texts.index(ORG[lang])
    assert texts[k + 1] == ("2027年1月15日" if lang == "zh" else "15 January 2027")
    assert doc.paragraphs[k].paragraph_format.keep_with_next is True
    assert doc.paragraphs[k + 1].paragraph_format.keep_with_next is None


@pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None, reason="LibreOffice (soffice) and pdftotext are not installed"
)
def test_libreoffice_leaves_no_page_blank(report, ledgers, tmp_path):
    """The English quarterly county report (its landscape table, the attachments after the 落款) and the
    Chinese yearly one (ending in 附件2's landscape table), as LibreOffice lays them out: no blank page."""
    files = []
    for lang, args in (
        ("en", ["--quarter", "2026Q3"]),
        ("zh", ["--year", "2026"]),
        ("zh", ["--year", "2026", "--township", "春涛乡"]),
    ):
        out = tmp_path / f"{lang}-{len(files)}.docx"
        _docx(report, ledgers[lang], out, *args, "--lang", lang)
        files.append(out)
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *map(str, files)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for out in files:
        text = subprocess.run(
            [PDFTOTEXT, "-layout", str(out.with_suffix(".pdf")), "-"], capture_output=True, text=True, check=True
        ).stdout
        pages = text.split("\f")[:-1]  # pdftotext ends every page with a form feed
        assert len(pages) > 3 and all(p.strip() for p in pages), (
            out.name,
            [k + 1 for k, p in enumerate(pages) if not p.strip()],
        )
        # the 落款's date is not alone at the top of a page
        assert not any(re.sub(r"\s+", "", p).startswith(("2027年1月15日", "15January2027")) for p in pages), out.name


def test_chinese_attachment_headings_start_at_the_margin(report, ledgers, tmp_path):
    """GB/T 9704 sets 附件1 at the left margin; the body's 一、 headings stand indented two characters."""
    from docx.shared import Pt

    doc = _docx(report, ledgers["zh"], tmp_path / "r.docx", "--year", "2026", "--lang", "zh", "--explain")
    indents = {
        p.text.lstrip("\n"): p.paragraph_format.first_line_indent for p in doc.paragraphs if p.style.name == "Heading 1"
    }
    assert indents["一、基本情况"] == Pt(32)
    for heading in ("附件1　全县整顿村名单", "附件2　全县整顿工作统计表", "附件3　数字核对清单"):
        assert indents[heading] in (None, 0), heading


@pytest.mark.skipif(CHROMIUM is None or PDFTOTEXT is None, reason="Chromium and pdftotext are not installed")
def test_printed_html_keeps_the_signature_on_one_page(report, ledgers, tmp_path):
    """The village report printed from Chromium: the 落款's organisation and date on one page (the date used
    to be printed alone at the top of the last page)."""
    out = tmp_path / "village.html"
    report("--year", "2026", "--lang", "zh", "--village", "春涛乡/罗坪村", "--format", "html", "-o", out,
           "--ledger", ledgers["zh"])  # fmt: skip
    pdf = tmp_path / "village.pdf"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
         f"--user-data-dir={tmp_path / 'chromium'}", out.as_uri()],
        capture_output=True, timeout=120,
    )  # fmt: skip
    if not pdf.is_file():
        pytest.skip("Chromium could not print here")
    text = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [re.sub(r"\s+", "", p) for p in text.split("\f")[:-1]]
    signed = [k for k, p in enumerate(pages) if "2027年1月15日" in p]
    assert len(signed) == 1 and "【待填写：落款单位】" in pages[signed[0]], pages
    assert not pages[signed[0]].startswith("2027年1月15日")


def test_the_english_statistics_attachment_gets_a_landscape_page_and_rows_stay_whole(report, ledgers, tmp_path):
    """附件2 in English: fourteen columns whose header words ("Quarterly examination", "Funds this period") do
    not fit a portrait page whole get a landscape page, as in Chinese (squeezed onto a portrait page the
    townships' names and header words broke mid-word); no row of any table is split across two pages (the
    total row cut in half read as two rows)."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    doc = _docx(report, ledgers["en"], tmp_path / "r.docx", "--year", "2026", "--lang", "en")
    stats = doc.tables[-1]
    assert stats.rows[0].cells[0].text == "Township" and len(stats.columns) >= 14
    section = next(s for s in doc.sections if s._sectPr is _section_of(doc, stats._tbl))
    assert section.orientation == WD_ORIENT.LANDSCAPE
    for table in doc.tables:
        for tr in table._tbl.tr_lst:
            assert tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None


def _section_of(doc, element):
    """The w:sectPr of the section holding `element` (the next paragraph's section break, or the body's)."""
    from docx.oxml.ns import qn

    for nxt in element.itersiblings():
        sect = nxt.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if sect is not None:
            return sect
    return doc.element.body.find(qn("w:sectPr"))
