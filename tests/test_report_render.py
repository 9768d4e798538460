"""`lax report` output: html and Word documents, the chart, user templates and the sandbox, usage errors."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pytest
from scenario import write_ledger_yaml
from typer.testing import CliRunner

from lax.cli import app
from lax.render import parse_markdown, tidy_markdown

TODAY = "2027-01-15"


@pytest.fixture(scope="module")
def ledger_zh(tmp_path_factory):
    return write_ledger_yaml(tmp_path_factory.mktemp("zh") / "ledger", "zh")


@pytest.fixture(scope="module")
def ledger_en(tmp_path_factory):
    return write_ledger_yaml(tmp_path_factory.mktemp("en") / "ledger", "en")


@pytest.fixture()
def report(monkeypatch, tmp_path):
    """Run `lax report` in an empty folder on a fixed day."""
    monkeypatch.setenv("LAX_TODAY", TODAY)
    monkeypatch.chdir(tmp_path)

    def run(*args):
        return CliRunner().invoke(app, ["report", *[str(a) for a in args]])

    return run


# ---------------------------------------------------------------------------------------------- html


def test_html_is_a_printable_page_with_the_chart_embedded(report, ledger_zh, tmp_path):
    from PIL import Image

    out = tmp_path / "2026Q3.html"
    result = report("--quarter", "2026Q3", "--lang", "zh", "--format", "html", "--output", out, "--ledger", ledger_zh)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert "<title>2026年第三季度整顿软弱涣散村级党组织工作总结</title>" in page
    assert "@media print" in page and "@page { size: A4;" in page
    assert "<h2>一、基本情况</h2>" in page
    assert "<th>乡镇</th>" in page and "<td>锦江镇</td>" in page
    assert '<blockquote class="todo"><p>【待填写：' in page
    found = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert found, "the chart is embedded as a data: URI"
    chart = Image.open(io.BytesIO(base64.b64decode(found.group(1))))
    assert chart.format == "PNG" and chart.size == (1800, 840)
    # The chart comes at the end of the first section, where the template marks it.
    assert page.index("<figure") < page.index("<h2>二、主要做法</h2>")
    assert "<!-- chart -->" not in page
    assert result.stderr.strip() == f"已写入 {out}（县级，2026Q3）"


def test_html_escapes_what_the_ledger_holds(report, tmp_path):
    import yaml

    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "洪湖乡-东阳村.yaml").write_text(
        yaml.safe_dump(
            {
                "township": "洪湖乡",
                "village": "东阳村",
                "code": None,
                "events": [
                    {
                        "date": __import__("datetime").date(2026, 7, 10),
                        "type": "identified",
                        "channel": "self",
                        "criteria": ["C14"],
                        "note": "<script>alert(1)</script> & 违建 | 12户",
                    }
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    result = report(
        "--quarter", "2026Q3", "--lang", "zh", "--format", "html", "--ledger", folder, "--township", "洪湖乡"
    )
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 违建 | 12户" in result.stdout


# ---------------------------------------------------------------------------------------------- docx


def _east_asian(run):
    from docx.oxml.ns import qn

    rpr = run._element.rPr
    fonts = rpr.rFonts if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


@pytest.mark.parametrize("lang, heading, header", [("zh", "一、基本情况", "乡镇"), ("en", "1. Situation", "Township")])
def test_docx_has_headings_a_table_the_chart_and_east_asian_fonts(
    report, ledger_zh, ledger_en, tmp_path, lang, heading, header
):
    import docx
    from docx.oxml.ns import qn

    out = tmp_path / f"county.{lang}.docx"
    ledger = ledger_zh if lang == "zh" else ledger_en
    result = report("--quarter", "2026Q3", "--lang", lang, "--format", "docx", "--output", out, "--ledger", ledger)
    assert result.exit_code == 0, result.output
    doc = docx.Document(str(out))
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styles[0][0] == "Title"
    assert ("Heading 1", heading) in styles
    assert [t for s, t in styles if s == "Heading 1"] == (
        [
            "一、基本情况",
            "二、主要做法",
            "三、存在问题",
            "四、下一步工作",
            "附件1　全县整顿村名单",
            "附件2　全县整顿工作统计表",
        ]
        if lang == "zh"
        else [
            "1. Situation",
            "2. Main practices",
            "3. Existing problems",
            "4. Next steps",
            "Attachment 1. The villages, by status and by standard",
            "Attachment 2. Statistics by township",
        ]
    )
    table = doc.tables[0]
    assert table.style.name == "Table Grid"
    assert table.rows[0].cells[0].text == header and len(table.rows) == 1 + 11 + 1  # header, 11 townships, total
    assert len(doc.inline_shapes) == 1  # the chart
    blob = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert doc.part.related_parts[blob].content_type == "image/png"
    # Every run, in paragraphs and in table cells, names its East Asian font.
    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs for r in p.runs]
    assert runs and all(_east_asian(r) for r in runs)
    body = next(p for p in doc.paragraphs if p.style.name == "Normal" and p.runs)
    title = doc.paragraphs[0]
    first_heading = next(p for p in doc.paragraphs if p.style.name == "Heading 1")
    assert _east_asian(title.runs[0]) == "方正小标宋简体"
    assert _east_asian(first_heading.runs[0]) == "黑体"
    assert _east_asian(body.runs[0]) == "仿宋_GB2312"
    if lang == "zh":
        assert body.runs[0].font.name == "仿宋_GB2312"
    # The styles carry the fonts too, without theme fonts that would override them.
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312" and normal.get(qn("w:eastAsiaTheme")) is None
    assert doc.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    # The places for the author are highlighted.
    todo = [r for p in doc.paragraphs for r in p.runs if r.text.startswith(("【待填写", "[To be written"))]
    assert todo and all(r.font.highlight_color is not None for r in todo)


def test_docx_needs_an_output_file(report, ledger_zh):
    result = report("--quarter", "2026Q3", "--format", "docx", "--ledger", ledger_zh)
    assert result.exit_code == 2
    assert result.stderr.strip() == "--format docx needs --output FILE (a Word document is not printed to the terminal)"


def test_village_docx_has_no_chart_unless_its_template_asks(report, ledger_zh, tmp_path):
    import docx

    out = tmp_path / "village.docx"
    result = report(
        "--quarter",
        "2026Q3",
        "--lang",
        "zh",
        "--village",
        "锦江镇/团黄村",
        "--format",
        "docx",
        "-o",
        out,
        "--ledger",
        ledger_zh,
    )
    assert result.exit_code == 0, result.output
    doc = docx.Document(str(out))
    assert len(doc.inline_shapes) == 0
    assert doc.paragraphs[0].text == "团黄村党支部2026年第三季度\n整顿软弱涣散党组织工作总结"  # broken between parts


# ------------------------------------------------------------------------------------ user templates


def _template(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_template_reaching_for_python_internals_is_refused(report, ledger_en, tmp_path):
    mine = _template(
        tmp_path / "mine",
        "county.en.md.j2",
        "# Report\n\nIdentified: {{ identified.count }}\n{{ ''.__class__.__mro__ }}\n",
    )
    result = report("--quarter", "2026Q3", "--templates", mine, "--ledger", ledger_en)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{mine}/county.en.md.j2:4: refused by the template sandbox: "
        "access to attribute '__class__' of 'str' object is unsafe."
    )
    assert result.stdout == ""


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("# R\n\n{{ identified.count }}\n{{ no_such_thing }}\n", 4, "'no_such_thing' is undefined"),
        (
            "# R\n{% for v in villages %}\n- {{ v.nickname }}\n{% endfor %}\n",
            3,
            "'dict object' has no attribute 'nickname'",
        ),
        ("# R\n\n{% if identified.count %}\nmany\n", 4, "Unexpected end of template"),
        (
            "# R\n{{ villages.append(1) }}\n",
            2,
            "refused by the template sandbox: access to attribute 'append' of 'list' object is unsafe.",
        ),
        ("# R\n\n{{ 'lots' | money }}\n", 3, "TypeError: not an amount: 'lots'"),
        ("# R\n{% include 'missing.j2' %}\n", 2, "TemplateNotFound: missing.j2"),
        ("# R\n{% include '../../etc/passwd' %}\n", 2, "TemplateNotFound: ../../etc/passwd"),
        ("# R\n\n{{ 'x' * 10**10 }}\n", 3, "refused by the template sandbox: the repeated value would be too long"),
        ("# R\n{{ 2 ** 100000 }}\n", 2, "refused by the template sandbox: the exponent 100000 is too large"),
        ("# R\n{% for i in range(10**9) %}{% endfor %}\n", 2, "OverflowError"),
    ],
)
def test_template_errors_name_the_template_and_line(report, ledger_en, tmp_path, text, line, message):
    mine = _template(tmp_path / "mine", "county.en.md.j2", text)
    result = report("--quarter", "2026Q3", "--templates", mine, "--ledger", ledger_en)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{mine}/county.en.md.j2:{line}: ")
    assert message in result.stderr and "Traceback" not in result.output


def test_templates_in_the_current_folder_override_the_shipped_ones(report, ledger_zh, tmp_path):
    _template(
        tmp_path / "templates",
        "county.zh.md.j2",
        "# {{ org }}整顿工作简报\n\n全县确定{{ identified.count }}个，验收合格{{ accepted.count }}个：{{ accepted.villages | names(3) }}。"
        "投入{{ funds.total | wan }}元。\n",
    )
    result = report("--quarter", "2026Q3", "--lang", "zh", "--org", "余江县", "--ledger", ledger_zh)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "# 余江县整顿工作简报\n\n全县确定15个，验收合格14个：邓埠镇宋三村、锦江镇潜山村、黄溪镇塔洲村等14个村。"
        "投入3.15万元。\n"
    )
    # Levels the folder does not override still use the shipped templates.
    result = report("--quarter", "2026Q3", "--lang", "zh", "--township", "洪湖乡", "--ledger", ledger_zh)
    assert result.exit_code == 0 and result.stdout.startswith("# 洪湖乡2026年第三季度整顿软弱涣散村级党组织工作总结\n")


def test_a_missing_templates_folder_is_a_usage_error(report, ledger_en):
    result = report("--quarter", "2026Q3", "--templates", "nowhere", "--ledger", ledger_en)
    assert result.exit_code == 2 and result.stderr.strip() == "--templates: 'nowhere' is not a folder"


# ------------------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    "args, message",
    [
        (["--quarter", "2026Q5"], "--quarter: '2026Q5' is not a quarter (expected e.g. 2026Q3 or 2026-Q3)"),
        (
            ["--year", "2026", "--quarter", "2026Q1"],
            "give only one of --quarter, --year, --from/--to (got --quarter, --year)",
        ),
        (["--from", "2026-13-01", "--to", "2026-12-31"], "--from: '2026-13-01' is not a valid date"),
        (["--township", "白塔镇"], "--township: '白塔镇' is not in the ledger (townships: 邓埠镇、锦江镇"),
        (["--village", "白塔村"], "no village '白塔村' in the ledger"),
        (["--level", "village"], "--level village needs --village V"),
        (["--level", "township"], "--level township needs --township T"),
        (
            ["--level", "county", "--township", "邓埠镇"],
            "--level county covers every township; leave out --township, or use --level township",
        ),
        (
            ["--level", "county", "--village", "宋三村"],
            "--level county covers every township; leave out --village, or use --level village",
        ),
        (
            ["--level", "township", "--township", "邓埠镇", "--village", "宋三村"],
            "--level township covers the whole township; leave out --village, or use --level village",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(report, ledger_zh, args, message):
    result = report(*args, "--ledger", ledger_zh)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_missing_ledger_folder(report, tmp_path):
    result = report("--quarter", "2026Q3", "--ledger", tmp_path / "nope")
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == f"ledger folder '{tmp_path / 'nope'}' not found (give --ledger DIR or set LAX_LEDGER)"
    )


def test_a_broken_ledger_file_stops_the_report(report, ledger_zh, tmp_path):
    import shutil

    folder = tmp_path / "broken"
    shutil.copytree(ledger_zh, folder)
    (folder / "洪湖乡-东阳村.yaml").write_text("township: 洪湖乡\nvillage: 东阳村\nevents: [\n", encoding="utf-8")
    result = report("--quarter", "2026Q3", "--ledger", folder)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("the ledger has 1 problem(s); fix them before drafting a report")
    assert lines[1].startswith(f"{folder / '洪湖乡-东阳村.yaml'}:")


def test_messages_follow_the_language(report, ledger_zh):
    result = report("--quarter", "2026Q3", "--format", "docx", "--lang", "zh", "--ledger", ledger_zh)
    assert (
        result.exit_code == 2 and result.stderr.strip() == "--format docx 需要 --output 文件（Word 文档不能输出到终端）"
    )


# ------------------------------------------------------------------------------------- the context


def test_json_prints_the_template_context(report, ledger_zh):
    result = report("--quarter", "2026Q3", "--lang", "zh", "--format", "json", "--ledger", ledger_zh)
    assert result.exit_code == 0, result.output
    context = json.loads(result.stdout)
    assert context["period"]["key"] == "2026Q3" and context["accepted"]["count"] == 14
    assert context["funds"] == {"period": 9300, "total": 31500}


def _keys(value, prefix=""):
    """Every key path of the context: `period.label`, `villages[].standards[].evidence[].title`, ..."""
    found = set()
    if isinstance(value, dict):
        for k, v in value.items():
            path = f"{prefix}.{k}" if prefix else k
            found.add(path)
            found |= _keys(v, path)
    elif isinstance(value, list) and value:
        for item in value:
            found |= _keys(item, prefix + "[]")
    return found


def test_readme_documents_every_context_variable(report, ledger_zh):
    doc = (Path(__file__).parent.parent / "docs" / "reports.md").read_text(encoding="utf-8")
    names = set()
    for level in (
        ["--quarter", "2026Q3"],
        ["--year", "2026", "--village", "团黄村"],
        ["--year", "2026", "--township", "平定乡"],
    ):
        result = report(*level, "--format", "json", "--ledger", ledger_zh)
        assert result.exit_code == 0, result.output
        names |= {path.split(".")[-1].rstrip("[]") for path in _keys(json.loads(result.stdout))}
    missing = sorted(n for n in names if f"`{n}`" not in doc and not n.isdigit())
    assert missing == []


# ---------------------------------------------------------------------------------- Markdown subset


def test_markdown_subset_blocks():
    blocks = parse_markdown(
        "# 标题\n\n第一段\n续行\n\n- 甲\n- 乙\n\n3. 三\n4. 四\n\n| a | b \\| c |\n|---|---|\n| 1 | 2 |\n\n"
        "> 【待填写：x】\n>\n> - 记录\n\n<!-- chart -->\n"
    )
    assert [b.kind for b in blocks] == ["heading", "para", "ul", "ol", "table", "quote", "chart"]
    assert blocks[1].text == "第一段续行"
    assert (blocks[3].level, blocks[3].items) == (3, ["三", "四"])
    assert (blocks[4].header, blocks[4].rows) == (["a", "b | c"], [["1", "2"]])
    assert [c.kind for c in blocks[5].children] == ["para", "ul"]


def test_tidy_puts_blocks_apart_and_drops_the_chart_marker():
    text = "# T\n段落\n- a\n- b\n后文\n| x |\n|---|\n<!-- chart -->\n\n\n\n> q\n"
    assert tidy_markdown(text) == "# T\n\n段落\n\n- a\n- b\n\n后文\n\n| x |\n|---|\n\n> q\n"
    assert "<!-- chart -->" in tidy_markdown(text, keep_chart_marker=True)
