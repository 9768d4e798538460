"""The reports' prose right (issue 11): standards named in words (codes only in tables), time limits said
once and an overdue one said as overdue, the 落款 at the end, lists as lists in every format, and a Chinese
report with no English in it. Everything goes through `lax report` as a county office runs it, on the
county of the first source summary (`tests/scenario.py`) and on a county whose villages ran past their
time limit."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest
from scenario import write_ledger_cli
from typer.testing import CliRunner

from lax.cli import app

TODAY = "2027-01-15"
CODE = re.compile(r"\bC\d\d\b")

# The three levels of the scenario county, by the ledger's language: a township, and a village whose
# evidence was recorded by a spot check (平定乡/东安村: 换届完成 = 否).
LEVELS = {
    "zh": {"county": [], "township": ["--township", "锦江镇"], "village": ["--village", "平定乡/东安村"]},
    "en": {
        "county": [],
        "township": ["--township", "Jingjiang Town"],
        "village": ["--village", "Pingding Township/Dong'an Village"],
    },
}
CASES = [(lang, level) for lang in ("zh", "en") for level in ("county", "township", "village")]


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory):
    root = tmp_path_factory.mktemp("prose")
    return {lang: write_ledger_cli(root / lang / "ledger", lang) for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def overdue_ledger(tmp_path_factory):
    """A county in the spring of 2027: seven villages of two townships identified on 30 September 2026 with
    the six-month limit (30 March 2027) and not accepted; two identified on 1 December 2026 (limit 1 June
    2027) and one on 10 December 2026; 邓埠镇港背村 failed its acceptance on 10 January 2027 with a new
    limit of 28 February 2027."""
    folder = tmp_path_factory.mktemp("overdue") / "ledger"
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(app, [*args, "--ledger", str(folder)])
        assert result.exit_code == 0, (args, result.output)

    n = 0
    for township, villages in (
        ("黄溪镇", ["东阳村", "塔洲村", "新田村", "上湖村"]),
        ("洪湖乡", ["塘桥村", "西山村", "中洲村"]),
    ):
        for village in villages:
            n += 1
            run("ledger", "open", village, "--township", township, "--standards", "C05,C13", "--channel", "self",
                "--date", "2026-09-30", "--code", f"3606222{n:05d}")  # fmt: skip
    for village, day in (("宋三村", "2026-12-01"), ("港背村", "2026-12-01"), ("马岗村", "2026-12-10")):
        n += 1
        run("ledger", "open", village, "--township", "邓埠镇", "--standards", "C15", "--channel", "mass",
            "--date", day, "--code", f"3606222{n:05d}")  # fmt: skip
    run("ledger", "plan", "邓埠镇/港背村", "--measure", "对群众反映的问题逐项整改", "--date", "2026-12-05")
    run("ledger", "accept", "邓埠镇/港背村", "--fail", "--score", "60", "--by", "县委组织部",
        "--deadline", "2027-02-28", "--note", "群众满意度仍未达标", "--date", "2027-01-10")  # fmt: skip
    return folder


@pytest.fixture()
def report(monkeypatch, tmp_path):
    """Run `lax report` in an empty folder on a fixed day; the output text (md) or the file written."""

    def run(*args, today=TODAY):
        monkeypatch.setenv("LAX_TODAY", today)
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(app, ["report", *[str(a) for a in args]])
        assert result.exit_code == 0, result.output
        return result.stdout

    return run


def _md(report, ledgers, lang, level, *extra):
    return report("--year", "2026", "--lang", lang, *LEVELS[lang][level], "--ledger", ledgers[lang], *extra)


def _html_text(page: str) -> str:
    """The text a reader sees outside tables and the chart."""
    page = re.sub(r"<style>.*?</style>|<table>.*?</table>|<figure.*?</figure>|<title>.*?</title>", "", page, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", "\n", page))


def _docx_prose(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


# ------------------------------------------------------------------------ standards named in words


@pytest.mark.parametrize("lang, level", CASES)
def test_no_standard_code_outside_tables(report, ledgers, lang, level, tmp_path):
    md = _md(report, ledgers, lang, level)
    prose = [line for line in md.splitlines() if not line.startswith("|")]
    assert [line for line in prose if CODE.search(line)] == []
    # The tables keep the codes, where a reader looks a standard up.
    if level == "township":
        assert any(CODE.search(line) for line in md.splitlines() if line.startswith("|"))
    _md(report, ledgers, lang, level, "--format", "html", "-o", tmp_path / "r.html")
    assert CODE.findall(_html_text((tmp_path / "r.html").read_text(encoding="utf-8"))) == []
    _md(report, ledgers, lang, level, "--format", "docx", "-o", tmp_path / "r.docx")
    assert CODE.findall(_docx_prose(tmp_path / "r.docx")) == []


def test_standards_are_named_by_their_titles_with_the_documents_quotes(report, ledgers):
    county = _md(report, ledgers, "zh", "county")
    assert (
        "- “两委”换届未能顺利完成：7个，锦江镇潜山村，中童镇石艾村、坪上村，画桥镇画桥村，平定乡东安村、平定村，春涛乡罗坪村\n"
        in county
    )
    assert "- 集体“三资”管理混乱、处置不公：1个，黄庄乡方丘村\n" in county
    assert '"' not in county
    village = _md(report, ledgers, "zh", "village")
    assert "1. “两委”换届未能顺利完成（换届完成：否）。\n" in village
    township = _md(report, ledgers, "zh", "township")
    assert "**界定情形**：村干部违纪违法；社会治安和安全问题突出。" in township
    assert "| 团黄村 | C13、C14 |" in township  # the table keeps the codes
    en = _md(report, ledgers, "en", "village")
    assert "1. Two-committee election not completed (Election completed: no).\n" in en


# ------------------------------------------------------------------------------------- deadlines

Q1 = ["--quarter", "2027Q1", "--lang"]


def test_an_overdue_village_reads_as_overdue_in_the_county_report(report, overdue_ledger):
    md = report(*Q1, "zh", "--ledger", overdue_ledger, today="2027-04-10")
    next_steps = md.split("## 四、下一步工作")[1]
    assert (
        "- 以下7个村已超过整改时限（2027年3月30日）仍未通过验收，督促尽快完成整改并申请验收："
        "黄溪镇东阳村、塔洲村、新田村、上湖村，洪湖乡塘桥村、西山村、中洲村。\n"
    ) in next_steps
    assert "- 邓埠镇港背村已超过整改时限（2027年2月28日）仍未通过验收，督促其尽快完成整改并申请验收。\n" in next_steps
    # A time limit already past is never written as one still to meet.
    assert "2027年3月30日前" not in md and "2027年2月28日前" not in md
    assert (
        "验收不合格1个：邓埠镇港背村，群众满意度仍未达标，验收得分60分，责令继续整改的时限（2027年2月28日）已过，仍未通过验收。"
        in md
    )
    assert "- 验收不合格的1个村（邓埠镇港背村）仍在整改，已超过新的整改时限。\n" in md
    en = report(*Q1, "en", "--ledger", overdue_ledger, today="2027-04-10")
    assert "7 villages are past their time limit (30 March 2027) without passing acceptance;" in en
    assert "by 30 March 2027" not in en and "by 28 February 2027" not in en


def test_an_overdue_village_reads_as_overdue_in_township_and_village_reports(report, overdue_ledger):
    township = report(*Q1, "zh", "--township", "黄溪镇", "--ledger", overdue_ledger, today="2027-04-10")
    assert (
        "- 东阳村、塔洲村、新田村、上湖村已超过整改时限（2027年3月30日）仍未通过验收，督促尽快完成整改，及时申请验收。\n"
        in township
    )
    assert "前完成整改" not in township
    village = report(*Q1, "zh", "--village", "黄溪镇/东阳村", "--ledger", overdue_ledger, today="2027-04-10")
    assert "- 已超过整改时限（2027年3月30日），对照整改措施逐项落实，尽快完成整改并申请验收。\n" in village
    assert "2027年3月30日前" not in village
    failed = report(*Q1, "zh", "--township", "邓埠镇", "--ledger", overdue_ledger, today="2027-04-10")
    assert "限2027年2月28日前完成整改，现已超过整改时限。" in failed  # the order given, then where it stands
    en = report(*Q1, "en", "--village", "黄溪镇/东阳村", "--ledger", overdue_ledger, today="2027-04-10")
    assert "- The time limit (30 March 2027) has passed: carry out every remaining measure" in en


def test_before_the_limit_the_same_villages_are_pressed_to_finish_by_it_said_once(report, overdue_ledger):
    md = report("--quarter", "2026Q4", "--lang", "zh", "--ledger", overdue_ledger, today="2027-01-05")
    next_steps = md.split("## 四、下一步工作")[1]
    assert (
        "- 督促以下7个村于2027年3月30日前完成整改并申请验收："
        "黄溪镇东阳村、塔洲村、新田村、上湖村，洪湖乡塘桥村、西山村、中洲村。\n"
    ) in next_steps
    assert next_steps.count("2027年3月30日") == 1  # the shared deadline said once, not once per village
    assert "- 督促以下2个村于2027年6月1日前完成整改并申请验收：邓埠镇宋三村、港背村。\n" in next_steps
    assert "- 督促邓埠镇马岗村于2027年6月10日前完成整改并申请验收。\n" in next_steps
    assert "已超过整改时限" not in md
    en = report("--quarter", "2026Q4", "--lang", "en", "--ledger", overdue_ledger, today="2027-01-05")
    assert "- Press the following 7 villages to finish rectifying by 30 March 2027 and apply for acceptance: " in en
    township = report("--quarter", "2026Q4", "--lang", "zh", "--township", "邓埠镇", "--ledger", overdue_ledger,
                      today="2027-01-05")  # fmt: skip
    assert "- 督促宋三村、港背村于2027年6月1日前完成整改，及时申请验收。\n" in township


def test_many_different_deadlines_are_named_by_month(report, tmp_path):
    """Past six distinct dates, a month's villages are named together under the month's span."""
    folder = tmp_path / "ledger"
    runner = CliRunner()
    villages = ["东阳村", "塔洲村", "新田村", "上湖村", "塘桥村", "西山村", "中洲村"]
    for k, village in enumerate(villages, start=1):
        day = f"2026-10-{k + 1:02d}"  # limits 2 to 8 April 2027
        result = runner.invoke(app, ["ledger", "open", village, "--township", "黄溪镇", "--standards", "C07",
                                     "--date", day, "--code", f"36062210{k:04d}", "--ledger", str(folder)])  # fmt: skip
        assert result.exit_code == 0, result.output
    md = report("--quarter", "2026Q4", "--lang", "zh", "--ledger", folder, today="2027-01-05")
    assert (
        "- 督促以下7个村在各自整改时限（2027年4月2日至8日）内完成整改并申请验收：黄溪镇东阳村、塔洲村、新田村、上湖村、塘桥村、西山村、中洲村。\n"
        in md
    )
    en = report("--quarter", "2026Q4", "--lang", "en", "--ledger", folder, today="2027-01-05")
    assert "within their time limits (2 to 8 April 2027)" in en


# --------------------------------------------------------------------------------------- 落款


@pytest.mark.parametrize("lang, level", CASES)
def test_every_report_ends_with_its_signature(report, ledgers, lang, level):
    org = {"zh": "中共余江县委组织部", "en": "Yujiang County Party Organisation Department"}[lang]
    date = {"zh": "2027年1月15日", "en": "15 January 2027"}[lang]
    placeholder = {"zh": "【待填写：落款单位】", "en": "[To be written: the issuing organisation]"}[lang]
    assert _body(_md(report, ledgers, lang, level, "--org", org)).endswith(f"\n\n{org}\n\n{date}\n")
    assert _body(_md(report, ledgers, lang, level)).endswith(f"\n\n{placeholder}\n\n{date}\n")


def _body(md: str) -> str:
    """A report without its attachments (county and township reports end with them, after the 落款)."""
    return re.split(r"(?<=\n)\n## (?:附件1|Attachment 1)", md)[0]


def test_the_signature_is_right_aligned_in_html_and_docx(report, ledgers, tmp_path):
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _md(report, ledgers, "zh", "county", "--org", "中共余江县委组织部", "--format", "html", "-o", tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<div class="signature"><p>中共余江县委组织部</p><p>2027年1月15日</p></div>\n<hr class="page">' in page
    assert re.search(r"\.signature \{[^}]*text-align: right", page)
    _md(report, ledgers, "zh", "county", "--format", "html", "-o", tmp_path / "p.html")
    assert '<p><mark class="todo">【待填写：落款单位】</mark></p>' in (tmp_path / "p.html").read_text(encoding="utf-8")
    for org, first_line in (("中共余江县委组织部", "中共余江县委组织部"), (None, "【待填写：落款单位】")):
        out = tmp_path / f"r{bool(org)}.docx"
        _md(report, ledgers, "zh", "county", *(["--org", org] if org else []), "--format", "docx", "-o", out)
        texts = [p for p in docx.Document(str(out)).paragraphs if p.text]
        at = next(i for i, p in enumerate(texts) if p.text == "2027年1月15日")
        last = texts[at - 1 : at + 1]
        assert [p.text for p in last] == [first_line, "2027年1月15日"]
        assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in last)
        # A placeholder is highlighted like every place for the author; an organisation is not.
        assert (last[0].runs[0].font.highlight_color is not None) == (org is None)


def test_the_signature_date_is_the_drafting_day(report, ledgers):
    """The 落款 is dated the day the report is drafted; the figures stay those of the period's end."""
    early = report("--quarter", "2026Q3", "--lang", "zh", "--ledger", ledgers["zh"], today="2026-10-08")
    late = report("--quarter", "2026Q3", "--lang", "zh", "--ledger", ledgers["zh"], today="2027-01-15")
    early, late = _body(early), _body(late)
    assert early.endswith("\n2026年10月8日\n") and late.endswith("\n2027年1月15日\n")
    assert early.rsplit("\n\n", 1)[0] == late.rsplit("\n\n", 1)[0]


def test_the_township_results_fact_stands_outside_the_box_for_the_author(report, ledgers):
    md = _md(report, ledgers, "zh", "township")
    results = md.split("## 三、取得成效")[1].split("## 四")[0]
    assert "\n1. 2个整顿村中已有2个通过验收：锦江镇团黄村、潜山村。\n" in results
    for line in md.splitlines():
        if line.startswith(">") and "【待填写" in line:
            assert not re.search(r"\d", line.split("】", 1)[1]), line  # nothing computed after the box's text
    en = _md(report, ledgers, "en", "township")
    assert (
        "\n1. 2 of the 2 villages under rectification have passed acceptance: Tuanhuang Village and Qianshan Village in Jingjiang Town.\n"
        in en
    )


# ------------------------------------------------------------------------------------ lists as lists


def _md_items(md: str) -> list[str]:
    """The list items of a Markdown report (block quotes' included), each one line."""
    items = []
    for line in md.splitlines():
        line = re.sub(r"^>\s?", "", line)
        m = re.match(r"^(?:[-*+]|\d{1,9}[.)])\s+(.*)$", line)
        if m:
            items.append(m.group(1))
    return items


@pytest.mark.parametrize("lang, level", CASES)
def test_lists_are_lists_in_every_format(report, ledgers, lang, level, tmp_path):
    import docx

    md = _md(report, ledgers, lang, level)
    items = _md_items(md)
    assert items
    for item in items:  # no two items run together on one line
        assert not re.search(r"[。.;；)）]\s*- ", item), item
    _md(report, ledgers, lang, level, "--format", "html", "-o", tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    li = [html_lib.unescape(re.sub(r"<[^>]+>", "", x)) for x in re.findall(r"<li>(.*?)</li>", page, re.S)]
    assert li == [item.replace("**", "") for item in items]  # one <li> per item, in order
    _md(report, ledgers, lang, level, "--format", "docx", "-o", tmp_path / "r.docx")
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs]
    for item in items:
        text = item.replace("**", "")
        assert any(p == text or re.fullmatch(rf"\d+(?:．|\. ){re.escape(text)}", p) for p in paragraphs), text


# --------------------------------------------------------------------------------------- 中文到底

# What may stay in Latin letters in a Chinese report: nothing but the codes in tables (left out below).
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.mark.parametrize("level", ["county", "township", "village"])
def test_a_chinese_report_has_no_english(report, ledgers, level, tmp_path):
    md = _md(report, ledgers, "zh", level)
    prose = "\n".join(line for line in md.splitlines() if not line.startswith("|"))
    assert LATIN_WORD.findall(prose) == []
    assert "True" not in md and "False" not in md and "None" not in md
    _md(report, ledgers, "zh", level, "--format", "html", "-o", tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert LATIN_WORD.findall(_html_text(page)) == []
    cells = re.findall(r"<t[dh]>(.*?)</t[dh]>", page)
    assert [c for c in cells if LATIN_WORD.search(c) and not CODE.fullmatch(c.split("、")[0])] == []
    _md(report, ledgers, "zh", level, "--format", "docx", "-o", tmp_path / "r.docx")
    assert LATIN_WORD.findall(_docx_prose(tmp_path / "r.docx")) == []


def test_a_chinese_report_on_the_overdue_county_has_no_english(report, overdue_ledger):
    for args in ([], ["--township", "邓埠镇"], ["--village", "邓埠镇/港背村"]):
        md = report(*Q1, "zh", *args, "--ledger", overdue_ledger, today="2027-04-10")
        prose = "\n".join(line for line in md.splitlines() if not line.startswith("|"))
        assert LATIN_WORD.findall(prose) == [], args


# ------------------------------------------------------------------------------ the Word page's prose


def test_the_chinese_word_report_sets_its_text_as_documents_do(report, ledgers, tmp_path):
    import docx
    from docx.shared import Pt

    _md(report, ledgers, "zh", "county", "--format", "docx", "-o", tmp_path / "r.docx")
    doc = docx.Document(str(tmp_path / "r.docx"))
    # No gap after each paragraph (a paragraph is marked by its two-character indent), ...
    assert doc.styles["Normal"].paragraph_format.space_after == Pt(0)
    body = next(p for p in doc.paragraphs if "严格对照15条界定标准" in p.text)
    assert body.paragraph_format.first_line_indent == Pt(32)
    # ... the section headings indented like the text, the title centred, ...
    headings = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in headings][:4] == ["一、基本情况", "二、主要做法", "三、存在问题", "四、下一步工作"]
    body_headings = [p for p in headings if not p.text.lstrip("\n").startswith("附件")]  # 附件1 at the margin
    assert all(p.paragraph_format.first_line_indent == Pt(32) for p in body_headings)
    # ... and each place for the author set apart from the text around it.
    boxes = [p for p in doc.paragraphs if p.text.startswith("【待填写：存在的其他问题及原因分析")]
    assert len(boxes) == 1 and boxes[0].paragraph_format.space_before == Pt(6)
    assert boxes[0].paragraph_format.space_after == Pt(6)
