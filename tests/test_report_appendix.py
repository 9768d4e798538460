"""The reports' 附件 (issue 11, traceability): name lists by status and standard, the statistics by township,
and with `--explain` every figure of the text traced to its villages and the ledger FILE:LINE of the events
behind it; in html each figure of 一、基本情况 links to its list. Driven through the CLI on the county of the
first source summary (`tests/scenario.py`) and on a small ledger made through `lax ledger` with a closed
account, a rebound, an overdue village and one without a plan."""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess

import pytest
from scenario import write_ledger_cli
from typer.testing import CliRunner

from lax.cli import app

TODAY = "2027-01-15"
JINGJIANG = {"zh": "锦江镇", "en": "Jingjiang Town"}
# The groups of the context that are figures of the text, and the figures that are not groups.
GROUPS = (
    "identified",
    "identified_in_period",
    "carried_over",
    "accepted",
    "accepted_in_period",
    "failed",
    "failed_in_period",
    "rectifying",
    "awaiting_plan",
    "overdue",
    "watching",
    "closable",
    "closed",
    "rebounds",
    "rebounds_in_period",
)
# A FILE:LINE in 附件3, after the `，` or `, ` that ends the event's words (English file names have spaces).
WHERE = re.compile(r"(?:，|, )((?:_townships/)?[^，,；;：:]+?\.yaml):(\d+)")


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory):
    root = tmp_path_factory.mktemp("appendix")
    return {lang: write_ledger_cli(root / lang / "ledger", lang) for lang in ("zh", "en")}


@pytest.fixture()
def report(monkeypatch, tmp_path):
    """Run `lax report` in an empty folder on a fixed day; the result (exit code 0 asserted)."""
    monkeypatch.chdir(tmp_path)

    def run(*args, today=TODAY):
        monkeypatch.setenv("LAX_TODAY", today)
        result = CliRunner().invoke(app, ["report", *[str(a) for a in args]])
        assert result.exit_code == 0, result.output
        return result

    return run


def _context(report, ledger, *args, today=TODAY):
    return json.loads(report(*args, "--format", "json", "--explain", "--ledger", ledger, today=today).stdout)


def _names(villages):
    return [v["name"] for v in villages]


def _text_figures(context):
    """Every figure the context gives the text, nonzero: (key, count or amount, its villages or None)."""
    found = [(key, context[key]["count"], _names(context[key]["villages"])) for key in GROUPS]
    found += [(f"standard-{s['id']}", s["count"], _names(s["villages"])) for s in context["standards"]]
    found += [(f"channel-{c['id']}", c["count"], _names(c["villages"])) for c in context["channels"]]
    mi = context["missed_inclusions"]
    found.append(("missed_inclusions", mi["count"], _names(mi["villages"])))
    found += [(f"responsible-{role}", n, None) for role, n in context["responsible"].items()]
    found.append(("submissions-late", context["submissions"]["late_count"], None))
    found.append(("submissions-missing", context["submissions"]["missing_count"], None))
    found.append(("funds-period", context["funds"]["period"], None))
    found.append(("funds-total", context["funds"]["total"], None))
    return [f for f in found if f[1]]


def _amount(detail):
    """The yuan in an event's detail: `3,000元`, `1.2万元`, `3,000 yuan`."""
    m = re.search(r"([\d,.]+)\s*(万元|元|yuan)", detail)
    value = float(m.group(1).replace(",", ""))
    return value * 10000 if m.group(2) == "万元" else value


# ------------------------------------------------------------------------ every figure, the same villages


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("period", [["--quarter", "2026Q3"], ["--year", "2026"]], ids=["quarter", "year"])
def test_every_county_figure_is_traced_with_the_same_villages(report, ledgers, lang, period):
    context = _context(report, ledgers[lang], *period, "--lang", lang)
    figures = {f["key"]: f for f in context["appendix"]["figures"]}
    expected = _text_figures(context)
    assert len(expected) >= 25  # the scenario gives the text that many figures; none may go untraced
    for key, value, villages in expected:
        f = figures.pop(key)
        assert f["anchor"] == "fig-" + key
        if key.startswith("funds-"):
            spent = [_amount(e["detail"]) for v in f["villages"] for e in v["events"]]
            assert sum(spent) == value, key
            assert all(e["type"] == "progress" for v in f["villages"] for e in v["events"])
        else:
            assert f["count"] == value == len(f["villages"]), key
            if villages is not None:
                assert _names(f["villages"]) == villages, key
        for v in f["villages"]:
            assert v["events"] or key == "submissions-missing", (key, v["name"])
    assert figures == {}  # and nothing traced that the context does not give
    # The figure's dict in the context names its list.
    assert context["identified"]["anchor"] == "fig-identified"
    assert context["standards"][4]["anchor"] == f"fig-standard-{context['standards'][4]['id']}"


def test_the_figures_are_the_source_summarys(report, ledgers):
    """Spot checks against what happened in the scenario: 团黄村 failed on 22 September (line 25 of its file),
    罗坪村's October funds count in the year's total but not the quarter's."""
    q3 = {
        f["key"]: f
        for f in _context(report, ledgers["zh"], "--quarter", "2026Q3", "--lang", "zh")["appendix"]["figures"]
    }
    failed = q3["failed"]["villages"]
    assert [v["name"] for v in failed] == ["锦江镇团黄村"]
    assert [(e["type"], e["date"], e["where"], e["detail"]) for e in failed[0]["events"]] == [
        ("acceptance", "2026-09-22", "锦江镇-团黄村.yaml:30", "不合格，62分")
    ]
    assert q3["funds-total"]["value"] == "3.15万元"
    year = {
        f["key"]: f for f in _context(report, ledgers["zh"], "--year", "2026", "--lang", "zh")["appendix"]["figures"]
    }
    luoping = next(v for v in year["funds-total"]["villages"] if v["village"] == "罗坪村")
    assert [(e["date"], e["detail"]) for e in luoping["events"]] == [
        ("2026-05-01", "8,000元"),
        ("2026-10-12", "4,000元"),
    ]
    assert year["funds-total"]["value"] == "3.55万元"
    missing = year["submissions-missing"]["villages"]
    assert [(m["name"], m["file"], m["events"]) for m in missing] == [
        ("中童镇2026年第三季度", "_townships/中童镇.yaml", []),
        ("中童镇2026年第四季度", "_townships/中童镇.yaml", []),
    ]
    late = year["submissions-late"]["villages"]
    assert [(m["name"], [e["where"] for e in m["events"]]) for m in late] == [
        ("春涛乡2026年第三季度", ["_townships/春涛乡.yaml:15"])  # recorded by `lax check --record`
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_file_line_is_that_event_in_the_ledger_file(report, ledgers, lang):
    context = _context(report, ledgers[lang], "--year", "2026", "--lang", lang)
    checked = 0
    for f in context["appendix"]["figures"]:
        for v in f["villages"]:
            for e in v["events"]:
                lines = (ledgers[lang] / e["file"]).read_text(encoding="utf-8").splitlines()
                assert e["where"] == f"{e['file']}:{e['line']}"
                # The event starts at its line (`- date: 2026-09-22`), its type on the next.
                assert lines[e["line"] - 1] == f"- date: {e['date']}", (f["key"], e)
                assert lines[e["line"]] == f"  type: {e['type']}", (f["key"], e)
                checked += 1
    assert checked > 150


# ------------------------------------------------------------------------------- the documents


def _appendix3(md):
    """附件3 of a Markdown report: {heading: [(village, [FILE:LINE...]) ...]}."""
    part = re.split(r"^## (?:附件3|Attachment 3)\b.*$", md, flags=re.M)[1]
    lists: dict[str, list] = {}
    heading = None
    for line in part.splitlines():
        if line.startswith("### "):
            heading = line[4:]
            lists[heading] = []
        elif line.startswith("- ") and heading:
            name = line[2:].split("：" if "：" in line else ": ")[0]
            lists[heading].append((name, WHERE.findall(line)))
    return lists


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markdown_lists_each_figure_with_its_villages_and_lines(report, ledgers, lang):
    ledger = ledgers[lang]
    md = report("--quarter", "2026Q3", "--lang", lang, "--explain", "--ledger", ledger).stdout
    context = _context(report, ledger, "--quarter", "2026Q3", "--lang", lang)
    lists = _appendix3(md)
    figures = context["appendix"]["figures"]
    assert len(lists) == len(figures)
    for k, (f, (heading, items)) in enumerate(zip(figures, lists.items()), start=1):
        unit = {"villages": "个", "examinations": "次", "yuan": ""}[f["unit"]] if lang == "zh" else ""
        sep = "．" if lang == "zh" else ". "
        colon = "：" if lang == "zh" else ": "
        assert heading == f"{k}{sep}{f['title']}{colon}{f['value']}{unit}"
        assert [name for name, _w in items] == _names(f["villages"])
        assert [[f"{a}:{b}" for a, b in w] for _n, w in items] == [
            [e["where"] for e in v["events"]] for v in f["villages"]
        ]
    # Markdown stays plain: no links, no heading ids, no page markers.
    assert "](#" not in md and "{#" not in md and "<!--" not in md
    # Without --explain: 附件1 and 2, no 附件3.
    plain = report("--quarter", "2026Q3", "--lang", lang, "--ledger", ledger).stdout
    assert ("## 附件1" in plain and "## 附件2" in plain) if lang == "zh" else ("## Attachment 1" in plain)
    assert "附件3" not in plain and "Attachment 3" not in plain and ".yaml:" not in plain


def test_name_lists_and_statistics_by_township_zh(report, ledgers):
    md = report("--quarter", "2026Q3", "--lang", "zh", "--ledger", ledgers["zh"]).stdout
    attach = md[md.index("## 附件1　全县整顿村名单") :]
    assert "- 验收不合格、继续整改（1个）：锦江镇团黄村\n" in attach
    assert "- 已销号（0个）：无\n" in attach
    assert (
        "- 验收合格（14个）：邓埠镇宋三村，锦江镇潜山村，黄溪镇塔洲村，中童镇石艾村、坪上村，马荃镇新店村，画桥镇画桥村，"
        "洪湖乡东阳村、塘桥村，黄庄乡方丘村，平定乡东安村、平定村，杨溪乡墩上村，春涛乡罗坪村\n"
    ) in attach
    # By standard, named in words (no codes outside the tables).
    assert "- 村干部违纪违法（3个）：锦江镇团黄村、杨溪乡墩上村、春涛乡罗坪村\n" in attach
    assert not re.search(r"^- .*C\d\d", attach, re.M)
    rows = [line for line in attach.splitlines() if line.startswith("| ")]
    assert rows[0].startswith(
        "| 乡镇 | 确定 | 本期新确定 | 仍在整改 | 超期 | 验收合格 | 验收不合格 | 观察期内 | 已销号 | 反弹 |"
    )
    assert "| 锦江镇 | 2 | 0 | 1 | 0 | 1 | 1 | 1 | 0 | 0 | 0 | 1,700 | 0 | 按时报送 |" in rows
    assert "| 中童镇 | 2 | 1 | 0 | 0 | 2 | 0 | 2 | 0 | 0 | 1,000 | 2,000 | 0 | 第三季度未报送 |" in rows
    assert rows[-1] == "| 合计 | 15 | 3 | 1 | 0 | 14 | 1 | 14 | 0 | 0 | 9,300 | 31,500 | 1 | 逾期0次，未报2次 |"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_township_report_traces_its_own_villages(report, ledgers, lang):
    args = ("--year", "2026", "--lang", lang, "--township", JINGJIANG[lang])
    context = _context(report, ledgers[lang], *args)
    figures = {f["key"]: f for f in context["appendix"]["figures"]}
    assert {v["township"] for f in figures.values() for v in f["villages"]} == {JINGJIANG[lang]}
    assert figures["identified"]["count"] == 2 and figures["failed_in_period"]["count"] == 1
    md = report(*args, "--explain", "--ledger", ledgers[lang]).stdout
    assert len(_appendix3(md)) == len(figures)


# ----------------------------------------------------------------------------------------- html


def _links_and_lists(page):
    """The links of a page (target, text) and each id'd heading's list: {id: [li text]}."""
    links = re.findall(r'<a href="#([^"]+)">([^<]*)</a>', page)
    lists = {}
    for m in re.finditer(r'<h3 id="([^"]+)">.*?</h3>\s*<ul>(.*?)</ul>', page, re.S):
        lists[m.group(1)] = [
            htmllib.unescape(re.sub("<[^>]+>", "", li)) for li in re.findall(r"<li>(.*?)</li>", m.group(2))
        ]
    return links, lists


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_figures_link_to_their_lists(report, ledgers, lang, tmp_path):
    ledger = ledgers[lang]
    out = tmp_path / "county.html"
    report("--quarter", "2026Q3", "--lang", lang, "--explain", "--format", "html", "-o", out, "--ledger", ledger)
    page = out.read_text(encoding="utf-8")
    context = _context(report, ledger, "--quarter", "2026Q3", "--lang", lang)
    figures = {f["anchor"]: f for f in context["appendix"]["figures"]}
    links, lists = _links_and_lists(page)
    ids = set(re.findall(r' id="([^"]+)"', page))
    assert links and all(target in ids for target, _text in links)  # every link resolves
    assert set(lists) == set(figures)
    # The links are the figures of 一、基本情况, in the order the text gives them, each the figure's value.
    situation = page[page.index("<h2>") : page.index("<h2>", page.index("<h2>") + 1)]
    assert len(re.findall(r'<a href="#', situation)) == len(links)
    for target, text in links:
        f = figures[target]
        assert htmllib.unescape(text) == f["value"]
        assert len(lists[target]) == len(f["villages"])
        assert [li.split("：" if lang == "zh" else ": ")[0] for li in lists[target]] == _names(f["villages"])
    linked = {target for target, _text in links}
    assert {"fig-identified", "fig-accepted", "fig-failed", "fig-funds-period", "fig-funds-total"} <= linked
    assert {f"fig-standard-{s['id']}" for s in context["standards"] if s["count"]} <= linked
    assert {f"fig-channel-{c['id']}" for c in context["channels"] if c["count"]} <= linked
    # The attachments start new pages when printed.
    assert page.count('<hr class="page">') == 3
    # Without --explain there is nothing to link to: no links.
    report("--quarter", "2026Q3", "--lang", lang, "--format", "html", "-o", out, "--ledger", ledger)
    assert "<a href" not in out.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------------------- Word


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_docx_has_the_attachments_with_plain_figures(report, ledgers, lang, tmp_path):
    import docx
    from docx.enum.section import WD_ORIENT

    out = tmp_path / "county.docx"
    report("--year", "2026", "--lang", lang, "--explain", "--format", "docx", "-o", out, "--ledger", ledgers[lang])
    doc = docx.Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[-3:] == (
        ["附件1　全县整顿村名单", "附件2　全县整顿工作统计表", "附件3　数字核对清单"]
        if lang == "zh"
        else [
            "Attachment 1. The villages, by status and by standard",
            "Attachment 2. Statistics by township",
            "Attachment 3. Where each figure comes from",
        ]
    )
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "](#" not in text and "{#" not in text
    # Body: the figures as plain numbers.
    assert (
        "全县共排查确定软弱涣散村级党组织15个" if lang == "zh" else "definition standards, 15 village-level"
    ) in text
    subheads = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert ("1．排查确定的整顿村：15个" if lang == "zh" else "1. Villages identified: 15") in subheads
    assert any("锦江镇-团黄村.yaml:30" in p.text or "Jingjiang Town-Tuanhuang Village.yaml:30" in p.text
               for p in doc.paragraphs)  # fmt: skip
    # 附件2's fourteen columns: inside the margins of their landscape page.
    table = doc.tables[1]
    assert len(table.columns) == 14
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT
    last = doc.sections[-2]  # its landscape section, then 附件3 back in portrait
    assert last.orientation == WD_ORIENT.LANDSCAPE
    room = (last.page_width - last.left_margin - last.right_margin) / 12700
    grid = [
        int(c.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w")) / 20 for c in table._tbl.tblGrid
    ]
    assert sum(grid) <= room + 0.5

    # Each attachment starts a page: 附件1 after a page break; 附件2's heading on the landscape page with its
    # table (not left alone at the foot of 附件1's page); 附件3 on the portrait page after it.
    from docx.oxml.ns import qn

    flow, section = [], 0
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            flow.append((section, "table"))
        elif child.tag == qn("w:p"):
            if any(br.get(qn("w:type")) == "page" for br in child.iter(qn("w:br"))):
                flow.append((section, "page break"))
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if text.startswith(("附件", "Attachment ")):
                flow.append((section, text[:12]))
            if child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                section += 1
    starts = [k for k, (_s, kind) in enumerate(flow) if kind in {h[:12] for h in headings[-3:]}]
    assert len(starts) == 3
    for k in starts:  # after a page break, or first on a new section's page; never two breaks (a blank page)
        before = flow[k - 1]
        assert (before == (flow[k][0], "page break")) != (before[0] < flow[k][0]), flow
    assert flow[starts[1] + 1] == (flow[starts[1]][0], "table")  # 附件2's heading is on its table's page
    if lang == "zh":
        assert [s for s, _kind in flow[starts[0] - 1 :]] == [0, 0, 1, 1, 2]
        assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]


# ------------------------------------------------------------------ a ledger with every kind of figure


@pytest.fixture()
def lifecycle_ledger(tmp_path):
    """洪湖乡: 东阳村 closed in 2027 (its funds before the period), 塘桥村 rebounded, 新塘村 overdue,
    黄溪镇东阳村 without a plan; made through `lax ledger` as a clerk makes it."""
    folder = tmp_path / "ledger"
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(app, ["ledger", *args, "--ledger", str(folder)])
        assert result.exit_code == 0, (args, result.output)

    run("open", "东阳村", "--township", "洪湖乡", "--standards", "C14", "--date", "2026-01-10")
    run("plan", "洪湖乡/东阳村", "--measure", "成立治安巡逻队", "--first-secretary", "王强", "--date", "2026-01-20")
    run("progress", "洪湖乡/东阳村", "购置巡逻设备", "--funds", "5000", "--date", "2026-02-01")
    run("accept", "洪湖乡/东阳村", "--pass", "--score", "85", "--date", "2026-03-01")
    run("close", "洪湖乡/东阳村", "--date", "2027-03-05")
    run("open", "塘桥村", "--township", "洪湖乡", "--standards", "C05", "--date", "2026-12-01")
    run("plan", "塘桥村", "--measure", "完成两委换届", "--date", "2026-12-10")
    run("accept", "塘桥村", "--pass", "--score", "80", "--date", "2027-04-01")
    run("reopen", "塘桥村", "--reason", "再次出现越级访", "--standards", "C12", "--date", "2027-08-01")
    run(
        "open",
        "新塘村",
        "--township",
        "洪湖乡",
        "--standards",
        "C02",
        "--date",
        "2027-01-05",
        "--deadline",
        "2027-06-30",
    )
    run("plan", "新塘村", "--measure", "调整支部书记", "--date", "2027-01-15")
    run("open", "东阳村", "--township", "黄溪镇", "--standards", "C15", "--date", "2027-07-10")
    return folder


def test_closed_rebound_overdue_and_no_plan_are_traced(report, lifecycle_ledger):
    context = _context(report, lifecycle_ledger, "--quarter", "2027Q3", "--lang", "zh", today="2027-10-10")
    figures = {f["key"]: f for f in context["appendix"]["figures"]}

    def cited(key):
        return [(v["name"], [(e["type"], e["date"]) for e in v["events"]]) for v in figures[key]["villages"]]

    assert cited("rebounds_in_period") == [("洪湖乡塘桥村", [("reopened", "2027-08-01")])]
    assert cited("overdue") == [("洪湖乡新塘村", [("identified", "2027-01-05")])]  # its time limit was set there
    assert cited("awaiting_plan") == [("黄溪镇东阳村", [("identified", "2027-07-10")])]
    assert cited("rectifying") == [
        ("洪湖乡塘桥村", [("reopened", "2027-08-01")]),
        ("洪湖乡新塘村", [("planned", "2027-01-15")]),
        ("黄溪镇东阳村", [("identified", "2027-07-10")]),
    ]
    # The standard the rebound added is traced to the rebound; the first to the identification.
    assert cited("standard-C12") == [("洪湖乡塘桥村", [("reopened", "2027-08-01")])]
    assert cited("standard-C05") == [("洪湖乡塘桥村", [("identified", "2026-12-01")])]
    # 东阳村 was closed before the quarter: not on the ledger in it, but its funds count in the total.
    assert "洪湖乡东阳村" not in _names(context["identified"]["villages"])
    assert context["funds"]["total"] == 5000
    assert cited("funds-total") == [("洪湖乡东阳村", [("progress", "2026-02-01")])]
    assert "funds-period" not in figures
    for f in figures.values():
        for v in f["villages"]:
            for e in v["events"]:
                lines = (lifecycle_ledger / e["file"]).read_text(encoding="utf-8").splitlines()
                assert lines[e["line"] - 1] == f"- date: {e['date']}" and lines[e["line"]] == f"  type: {e['type']}"
    # Closed in its period, the close is cited beside the acceptance that allowed it.
    q1 = _context(report, lifecycle_ledger, "--quarter", "2027Q1", "--lang", "zh", today="2027-10-10")
    closed = {f["key"]: f for f in q1["appendix"]["figures"]}["closed"]["villages"]
    assert [(v["name"], [(e["type"], e["date"]) for e in v["events"]]) for v in closed] == [
        ("洪湖乡东阳村", [("closed", "2027-03-05")])
    ]


# ------------------------------------------------------------------------------ the Markdown they use


def test_heading_ids_figure_links_and_page_markers_in_the_markdown_subset():
    from lax.render import parse_markdown, tidy_markdown, to_html

    text = "# 总结\n\n全县共{{n}}个。\n\n<!-- page -->\n\n### 1．排查确定的整顿村：15个 {#fig-identified}\n\n- 甲\n"
    text = text.replace("{{n}}", "[15](#fig-identified)")
    blocks = parse_markdown(text)
    assert [(b.kind, b.text, b.anchor) for b in blocks if b.kind in ("heading", "page")] == [
        ("heading", "总结", ""),
        ("page", "", ""),
        ("heading", "1．排查确定的整顿村：15个", "fig-identified"),
    ]
    assert "<!-- page -->" not in tidy_markdown(text) and "<!-- page -->" in tidy_markdown(text, keep_chart_marker=True)
    page = to_html(text, {}, level="county", lang="zh", png=None)
    assert '<p>全县共<a href="#fig-identified">15</a>个。</p>' in page
    assert '<h3 id="fig-identified">1．排查确定的整顿村：15个</h3>' in page and '<hr class="page">' in page
    # A ledger note that looks like a link to anything but a figure's list stays text.
    assert "[见附件](#top)" in to_html("# t\n\n[见附件](#top)\n", {}, level="county", lang="zh", png=None)


def test_explain_on_a_village_report_is_refused_in_one_line(ledgers, monkeypatch, tmp_path):
    monkeypatch.setenv("LAX_TODAY", TODAY)
    monkeypatch.chdir(tmp_path)
    args = ["report", "--quarter", "2026Q3", "--village", "锦江镇/团黄村", "--explain", "--ledger", str(ledgers["zh"])]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.output == (
        "--explain traces the figures of a county or township report; a village report has none "
        "(leave out --explain, or report on the township)\n"
    )
    result = CliRunner().invoke(app, [*args, "--lang", "zh"])
    assert result.exit_code == 2
    assert "村级报告没有这些数字" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None, reason="LibreOffice (soffice) and pdftotext are not installed"
)
def test_libreoffice_starts_each_attachment_on_its_own_page(report, ledgers, tmp_path):
    """The Chinese yearly county report with 附件3, as LibreOffice lays it out: each attachment begins a page,
    附件2's heading shares its page with its table, and no page is left blank."""
    out = tmp_path / "county.docx"
    report("--year", "2026", "--lang", "zh", "--explain", "--format", "docx", "-o", out, "--ledger", ledgers["zh"])
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(out)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(tmp_path / "county.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [page.strip() for page in text.split("\f")]
    while pages and not pages[-1]:
        pages.pop()
    assert all(pages), "a blank page"
    firsts = {re.sub(r"\s+", "", page.splitlines()[0])[:3]: page for page in pages}  # `附件 1   全县…`
    assert {"附件1", "附件2", "附件3"} <= set(firsts)
    assert "乡镇" in firsts["附件2"] and "合计" in firsts["附件2"]  # the table under its heading
