"""The shipped example year (`examples/year.py`): run as a clerk runs it, it makes a ledger that verifies
clean, prints the commands it ran, and gives a Chinese county year report with every section written, the
year's figures as the example recorded them, and html and Word files."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from lax.cli import app

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "year.py"
ORG = "中共余江县委组织部"
TODAY = "2027-01-15"  # the report is drafted after the year's end


def load_year():
    spec = importlib.util.spec_from_file_location("lax_example_year_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def year():
    return load_year()


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """`python examples/year.py OUTDIR`, as the README says, in a fresh folder."""
    out = tmp_path_factory.mktemp("example") / "year"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("LAX_LEDGER", None)
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(out)], capture_output=True, text=True, env=env, timeout=600, cwd=out.parent
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out, proc.stdout


def lax(*args, today=TODAY):
    return CliRunner().invoke(app, [str(a) for a in args], env={"LAX_TODAY": today, "LAX_LANG": "zh"})


@pytest.fixture(scope="module")
def report(made):
    out, _ = made
    result = lax("report", "--year", "2026", "--lang", "zh", "--ledger", out / "ledger", "--org", ORG)
    assert result.exit_code == 0, result.output
    return result.stdout


# ------------------------------------------------------------------------------------------ the run


def test_it_prints_the_commands_a_clerk_types(made):
    out, printed = made
    commands = [line for line in printed.splitlines() if line.startswith("lax ")]
    assert commands[0] == "lax ledger start 2026Q1 --ledger ledger"
    assert "# 2026-03-20" in printed.splitlines()
    # the townships' sheets, each for its quarter; 春涛乡's third quarter handed in late; dengbu.xlsx as sent
    assert (
        "lax check sheets/邓埠镇-2026Q1.xlsx --record --quarter 2026Q1 --as-of 2026-03-27 --ledger ledger" in commands
    )
    assert (
        "lax check sheets/春涛乡-2026Q3.xlsx --record --quarter 2026Q3 --as-of 2026-10-09 --ledger ledger" in commands
    )
    assert "lax check sheets/dengbu.xlsx --record --quarter 2026Q3 --as-of 2026-09-28 --ledger ledger" in commands
    assert (
        sum(c.startswith("lax check") and "--quarter" in c for c in commands) == 43
    )  # 11 townships × 4, one never sent
    assert any(c.startswith("lax check sheets/spot-") and "--channel spot --record" in c for c in commands)
    assert any(
        c.startswith("lax ledger progress") and c.endswith("--highlight --date 2026-05-10 --ledger ledger")
        for c in commands
    )
    assert any(c.startswith("lax ledger accept 锦江镇/团黄村 --fail") for c in commands)
    assert sum(c.startswith("lax ledger work") for c in commands) == 15
    assert printed.rstrip().endswith(f"lax report --year 2026 --lang zh --ledger {out / 'ledger'} --org {ORG}")
    # the sheets it checked are left beside the ledger for a reader to open
    assert (out / "sheets" / "dengbu.xlsx").read_bytes() == (ROOT / "examples" / "dengbu.xlsx").read_bytes()
    assert len(list((out / "sheets").glob("*.xlsx"))) == 43


def test_the_ledger_verifies_clean(made):
    out, _ = made
    result = lax("ledger", "verify", "--ledger", out / "ledger")
    assert result.exit_code == 0, result.output
    assert "没有问题" in result.output or "no problems" in result.output


def test_every_event_is_recorded_by_the_clerk_on_its_day(made, year):
    """Pinned LAX_USER and LAX_NOW: the same ledger on every run."""
    out, _ = made
    files = [p for p in sorted((out / "ledger").glob("*.yaml")) if not p.name.startswith("_")]
    files += sorted((out / "ledger" / "_townships").glob("*.yaml"))
    assert len(files) == 17 + 11
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for event in doc["events"]:
            assert event["recorded"]["by"] == year.CLERK, (path.name, event)
            day = event["date"] if isinstance(event["date"], dt.date) else dt.date.fromisoformat(event["date"])
            recorded = event["recorded"]["at"]
            assert recorded == f"{day.isoformat()}T17:00:00+08:00", (path.name, event)


def test_the_ledger_holds_the_year_the_script_describes(made):
    out, _ = made
    songsan = yaml.safe_load((out / "ledger" / "邓埠镇-宋三村.yaml").read_text(encoding="utf-8"))
    types = [e["type"] for e in songsan["events"] if e["type"] != "profile"]  # the sheets' profile figures
    assert types[:4] == ["identified", "planned", "progress", "acceptance"]
    assert songsan["events"][1]["profile"]["party_members"] == 46  # as examples/dengbu.xlsx has it
    assert "reopened" in types and types[-1] == "acceptance"  # the rebound, rectified again
    reopened = next(e for e in songsan["events"] if e["type"] == "reopened")
    assert reopened["source"]["path"] == "sheets/dengbu.xlsx" and "再次符合" in reopened["reason"]
    pingding = yaml.safe_load((out / "ledger" / "平定乡-东安村.yaml").read_text(encoding="utf-8"))
    assert [e["type"] for e in pingding["events"]][:2] == ["missed_inclusion", "identified"]
    chuntao = yaml.safe_load((out / "ledger" / "_townships" / "春涛乡.yaml").read_text(encoding="utf-8"))
    late = next(e for e in chuntao["events"] if e["quarter"] == "2026Q3")
    assert str(late["date"]) == "2026-10-09" and late["villages"] == 20


def test_usage_and_a_used_folder_are_refused(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2 and proc.stderr.strip() == "usage: python examples/year.py OUTDIR"
    (tmp_path / "ledger").mkdir()
    (tmp_path / "ledger" / "锦江镇-团黄村.yaml").write_text("township: 锦江镇\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"{tmp_path / 'ledger'}: already exists and is not empty; give a new OUTDIR"
    assert (tmp_path / "ledger" / "锦江镇-团黄村.yaml").read_text(encoding="utf-8") == "township: 锦江镇\n"


# ------------------------------------------------------------------------------------------ the county report

SECTIONS = [
    "一、基本情况",
    "二、主要做法",
    "三、存在问题",
    "四、下一步工作",
    "附件1　全县整顿村名单",
    "附件2　全县整顿工作统计表",
]


def sections(md: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", md, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def test_the_year_report_has_every_section_and_none_empty(report):
    found = sections(report)
    assert list(found) == SECTIONS
    for title, body in found.items():
        written = [
            line for line in body.splitlines() if line.strip() and not line.startswith("> 【待填写") and line != ORG
        ]
        assert written, f"{title} is empty"
    assert report.startswith(f"# {ORG}2026年度整顿软弱涣散村级党组织工作总结")
    practices = sections(report)["二、主要做法"]
    # practices grouped by kind in the documents' manner, with named villages under them
    assert practices.count("### （") >= 8
    assert "邓埠镇大桥村新任支部书记经党员大会选举到岗" in practices
    assert "锦江镇团黄村于2026年9月22日首次验收不合格" in practices
    # the 落款 before the attachments
    assert f"\n{ORG}\n\n2027年1月15日\n\n## 附件1" in report


def test_the_rebound_names_its_standard_in_words(report, made):
    """The reason `lax check --record` wrote for 宋三村's rebound names the standard by code; the report's
    prose names it in words, in the county and the village report alike."""
    out, _ = made
    assert re.findall(r"C\d\d", report) == []
    assert "邓埠镇宋三村（2026年9月28日，再次符合认定标准“社会治安和安全问题突出”（乡镇自查））" in report
    village = lax("report", "--year", "2026", "--lang", "zh", "--ledger", out / "ledger", "--village", "邓埠镇/宋三村")
    assert village.exit_code == 0, village.output
    # in the order it happened: between the acceptance before it and the one after
    assert (
        "- 2026年8月25日经县委组织部验收合格，得分85分。\n"
        "- 2026年9月28日出现反弹：再次符合认定标准“社会治安和安全问题突出”（乡镇自查），重新进入整改。\n"
        "- 2026年12月18日经县委组织部验收合格，得分83分。\n"
    ) in village.stdout


def year_figures(year):
    """What the example recorded in 2026, counted from its own data: villages identified, those whose last
    acceptance of the year passed, and the funds."""
    events = {(t, v): list(evs) for t, v, _c, evs in year.village_events("zh")}
    for township, village, _field, extra in year.EXTRAS:
        events.setdefault((township, village), []).extend(extra)
    in_year = {k: [e for e in evs if e[1].year == 2026] for k, evs in events.items()}
    funds = sum(d.get("funds", 0) for evs in in_year.values() for e, _day, d in evs if e == "progress")
    accepted = set()
    for key, evs in in_year.items():
        acceptances = [d for e, _day, d in sorted(evs, key=lambda e: e[1]) if e == "acceptance"]
        if acceptances and acceptances[-1]["passed"]:
            accepted.add(key)
    return len(events), accepted, funds


def test_the_year_report_states_the_figures_the_example_recorded(report, year):
    identified, accepted, funds = year_figures(year)
    assert (identified, len(accepted), funds) == (17, 16, 39100)
    assert f"全县共排查确定软弱涣散村级党组织{identified}个" in report
    assert f"已整改验收合格{len(accepted)}个" in report
    assert f"累计投入{funds / 10000:g}万元" in report
    assert "全县11个乡镇" in report and "个行政村全部排查" in report
    assert "目前仍在整改1个" in report  # 港背村
    assert "巩固观察期内出现反弹、重新整改1个：邓埠镇宋三村" in report
    assert "锦江镇团黄村首次验收不合格，经继续整改，于2026年12月20日验收合格" in report
    assert "县级抽查发现应列未列（漏报）2个村：平定乡2个（东安村、平定村）" in report
    assert "春涛乡第三季度逾期报送（2026年10月9日）" in report
    assert "| 合计 | 17 | 17 | 1 | 0 | 16 | 0 | 0 | 39,100 | 2 |" in report


def test_the_year_report_renders_as_html_and_word(made, tmp_path):
    import docx

    out, _ = made
    html = tmp_path / "2026.html"
    word = tmp_path / "2026.docx"
    common = ["report", "--year", "2026", "--lang", "zh", "--ledger", out / "ledger", "--org", ORG]
    result = lax(*common, "--format", "html", "--output", html)
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert all(title in page for title in SECTIONS) and "邓埠镇港背村" in page
    result = lax(*common, "--format", "docx", "--output", word)
    assert result.exit_code == 0, result.output
    doc = docx.Document(str(word))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == SECTIONS
    assert len(doc.inline_shapes) == 1  # the chart
    assert any("全县共排查确定软弱涣散村级党组织17个" in p.text for p in doc.paragraphs)


# ------------------------------------------------------------------------------------------ every page right


def _word(made, tmp_path, *extra):
    import docx

    out, _ = made
    word = tmp_path / "2026.docx"
    args = ["report", "--year", "2026", "--lang", "zh", "--ledger", out / "ledger", "--org", ORG, *extra]
    result = lax(*args, "--format", "docx", "--output", word)
    assert result.exit_code == 0, result.output
    return word, docx.Document(str(word))


def test_the_word_file_ends_on_its_landscape_attachment_not_an_empty_page(made, tmp_path):
    """附件2's table needs a landscape page; nothing follows it, so no portrait section (an empty page) does.
    Tables repeat their header row on each page."""
    from docx.enum.section import WD_ORIENT

    _word_path, doc = _word(made, tmp_path)
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]
    last = doc.element.body[-2]  # the last block before the body's own section properties
    assert last.tag.endswith("}p") and not last.xpath(".//w:sectPr")
    # a table that runs onto the next page repeats its header row there
    assert len(doc.tables) == 2 and all(t._tbl.tr_lst[0].xpath("./w:trPr/w:tblHeader") for t in doc.tables)


def test_two_landscape_tables_share_the_landscape_section(made, tmp_path):
    """A second wide table right after the first stays in the landscape section, with no portrait page
    between, and the text after them (the chart, placed by its marker) is back on a portrait page."""
    from docx.enum.section import WD_ORIENT

    mine = tmp_path / "mine"
    mine.mkdir()
    header = "| 乡镇 | " + " | ".join(f"第{k}项资金（元）" for k in range(1, 10)) + " |\n|" + "---|" * 10 + "\n"
    rows = (
        "{% for t in townships %}| {{ t.township }} | "
        + " | ".join("1,234,567" for _k in range(9))
        + " |\n{% endfor %}"
    )
    (mine / "county.zh.md.j2").write_text(
        "# 表\n\n## 一、数字\n\n前文。\n\n"
        + header
        + rows
        + "\n## 二、又一表\n\n"
        + header
        + rows
        + "\n## 三、后文\n\n<!-- chart -->\n\n后文。\n",
        encoding="utf-8",
    )
    _word_path, doc = _word(made, tmp_path, "--templates", mine)
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert len(doc.tables) == 2 and doc.paragraphs[-1].text == "后文。"


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None, reason="LibreOffice (soffice) and pdftotext are not installed"
)
def test_libreoffice_prints_every_page_with_text_on_it(made, tmp_path):
    """The example year's Word file as LibreOffice prints it: no empty page, the title on the first, 附件2
    on the last."""
    word, _doc = _word(made, tmp_path)
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(word)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(tmp_path / "2026.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]  # pdftotext ends the last page with a form feed too
    assert len(pages) >= 8
    assert [k for k, page in enumerate(pages, 1) if not page.strip()] == []
    assert "2026年度整顿软弱涣散村级党组织工作总结" in re.sub(r"\s", "", pages[0])
    assert "附件2全县整顿工作统计表" in re.sub(r"\s", "", pages[-1]) and "合计" in pages[-1]
    # the page a table ends on shows its header row, also when the table began on the page before
    ends = [page for page in pages if re.search(r"^\s*合计\s", page, re.M)]
    assert len(ends) == 2 and all(re.search(r"^\s*乡镇\s", page, re.M) for page in ends)
