"""Chinese all the way (issue 11): with `--lang zh` or `LAX_LANG=zh` nothing lax prints is English — the places
of problems and notices (`邓埠镇.xlsx，排查表，第5行，D列`), evidence by the fields' titles (`两委缺额人数 = 2`),
conditions in words, the progress bar's labels, and the `--help` of every command, click's own words included."""

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from lax import terms
from lax.cli import app
from lax.cli.help_zh import HELP_ZH

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent

# Every column of the default form but the ones a test writes itself, as a village with no trouble has them.
REST = [
    ("党员人数", 36),
    ("书记空缺月数", 0),
    ("书记不胜任", "否"),
    ("书记脱岗天数", 0),
    ("班子不团结", "否"),
    ("拉票贿选案件数", 0),
    ("三会一课落实", "是"),
    ("未发展党员年数", 0),
    ("宗族宗教黑恶势力干扰", "否"),
    ("村务财务未公开月数", 0),
    ("集体资产处置问题数", 0),
    ("集体访次数", 0),
    ("越级访次数", 0),
    ("干部违纪违法人次", 0),
    ("群体性事件数", 0),
    ("森林火灾次数", 0),
    ("违章建筑户数", 0),
    ("有固定活动场所", "是"),
    ("群众满意度", 90),
]


def dengbu(path):
    """邓埠镇's sheet: 宋三村 two committee members short (C04), 坪上村's count written as 'abc' (a problem), a
    column 包村干部 lax does not know and no 换届完成 column (two notices)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    ws.append(["邓埠镇村级班子情况排查表"])
    ws.append(["填报单位：邓埠镇党委", None, None, "日期：2026年9月28日"])
    ws.append(["序号", "乡镇", "村名", "两委缺额人数", "包村干部"] + [h for h, _v in REST])
    ws.append([1, "邓埠镇", "宋三村", 2, "李明"] + [v for _h, v in REST])
    ws.append([2, None, "坪上村", "abc", None] + [v for _h, v in REST])
    ws.append(["合计"])
    wb.save(path)
    return path


def lax(*args, lang="zh", cwd=None):
    env = {"LAX_TODAY": "2026-09-30", "LAX_NOW": "2026-09-30T10:00:00+08:00", "LAX_USER": "王芳"}
    if lang:
        env["LAX_LANG"] = lang
    if cwd is None:
        return runner.invoke(app, list(args), env=env)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, list(args), env=env)
    finally:
        os.chdir(old)


# ------------------------------------------------------------------------------------------ places


def test_a_problem_and_a_notice_are_placed_in_chinese(tmp_path):
    dengbu(tmp_path / "邓埠镇.xlsx")
    r = lax("check", "邓埠镇.xlsx", cwd=tmp_path)
    assert r.exit_code == 2, r.output
    lines = r.stdout.splitlines()
    assert "  邓埠镇.xlsx，排查表，第5行，D列：两委缺额人数：“abc”不是0 或正整数 [bad-number]" in lines
    assert "  邓埠镇.xlsx，排查表：未识别的列：E 包村干部；缺少的字段：换届完成（C05）" in lines
    assert lines[-1] == "共检查 2 个村，1 个符合认定标准，2 个待定，1 处问题，2 条提示（C04：1）"
    assert not re.search(r"\b(sheet|row|column)\b", r.stdout)


def test_the_same_places_in_english_and_in_json(tmp_path):
    dengbu(tmp_path / "邓埠镇.xlsx")
    r = lax("check", "邓埠镇.xlsx", lang="en", cwd=tmp_path)
    lines = r.stdout.splitlines()
    assert (
        "  邓埠镇.xlsx, sheet 排查表, row 5, column D: Committee vacancies: 'abc' is not a whole number of 0 or more [bad-number]"
        in lines
    )
    assert (
        "  邓埠镇.xlsx, sheet 排查表: columns not understood: E 包村干部; fields missing: Election completed (C05)"
        in lines
    )
    # JSON keeps its fields, whatever the language
    data = json.loads(lax("check", "邓埠镇.xlsx", "--format", "json", cwd=tmp_path).stdout)
    assert data["problems"] == [
        {
            "code": "bad-number",
            "path": "邓埠镇.xlsx",
            "sheet": "排查表",
            "row": 5,
            "column": "D",
            "field": "committee_vacancies",
            "value": "abc",
            "message": "两委缺额人数：“abc”不是0 或正整数",
        }
    ]


def test_a_csv_row_and_a_duplicate_are_placed_in_chinese(tmp_path):
    (tmp_path / "洪湖乡.csv").write_text("乡镇,村名,两委缺额人数\n洪湖乡,塘桥村,x\n洪湖乡,塘桥村,1\n", encoding="utf-8")
    r = lax("check", "洪湖乡.csv", cwd=tmp_path)
    lines = r.stdout.splitlines()
    assert "  洪湖乡.csv，第2行，C列：两委缺额人数：“x”不是0 或正整数 [bad-number]" in lines
    assert (
        "  洪湖乡.csv，第3行，B列：洪湖乡 塘桥村重复出现：首次出现在 洪湖乡.csv，第2行；本行未计入 [duplicate-village]"
        in lines
    )


def test_a_text_file_keeps_file_line(tmp_path):
    (tmp_path / "洪湖乡.yaml").write_text(
        "villages:\n- {township: 洪湖乡, village: 东阳村, committee_vacancies: abc}\n", encoding="utf-8"
    )
    r = lax("check", "洪湖乡.yaml", cwd=tmp_path)
    assert "  洪湖乡.yaml:2: 两委缺额人数：“abc”不是0 或正整数 [bad-number]" in r.stdout.splitlines()


def test_two_sheets_in_the_table_say_file_sheet_and_row(tmp_path):
    dengbu(tmp_path / "邓埠镇.xlsx")
    (tmp_path / "黄溪镇.csv").write_text("乡镇,村名,两委缺额人数\n黄溪镇,东阳村,3\n", encoding="utf-8")
    r = lax("check", "邓埠镇.xlsx", "黄溪镇.csv", cwd=tmp_path)
    rows = [" ".join(line.split()) for line in r.stdout.splitlines()]
    assert "邓埠镇 宋三村 邓埠镇.xlsx，排查表，第4行 C04 两委缺额人数 = 2" in rows
    assert "黄溪镇 东阳村 黄溪镇.csv，第2行 C04 两委缺额人数 = 3" in rows


# ------------------------------------------------------------------------------- evidence by titles


def test_csv_evidence_and_source_in_chinese_and_english(tmp_path):
    dengbu(tmp_path / "邓埠镇.xlsx")
    r = lax("check", "邓埠镇.xlsx", "--format", "csv", cwd=tmp_path)
    rows = list(csv.reader(io.StringIO(r.stdout)))
    head, song = rows[0], rows[1]
    assert song[head.index("来源")] == "邓埠镇.xlsx，排查表，第4行"
    assert song[head.index("证据")] == "C04：两委缺额人数 = 2"
    assert r.stderr == "提示：邓埠镇.xlsx，排查表：未识别的列：E 包村干部；缺少的字段：换届完成（C05）\n"
    r = lax("check", "邓埠镇.xlsx", "--format", "csv", lang="en", cwd=tmp_path)
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[1][rows[0].index("Evidence")] == "C04: Committee vacancies = 2"


def test_ledger_show_and_log_in_chinese_name_fields_by_title(tmp_path):
    dengbu(tmp_path / "邓埠镇.xlsx")
    (tmp_path / "邓埠镇.xlsx").rename(tmp_path / "邓埠镇排查.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "邓埠镇排查.xlsx")
    wb.active["D5"] = 0  # no problem, so the check is recorded
    wb.active["H4"] = "是"  # 宋三村's secretary unfit: a yes/no in the evidence
    wb.save(tmp_path / "邓埠镇排查.xlsx")
    r = lax("check", "邓埠镇排查.xlsx", "--record", cwd=tmp_path)
    assert r.exit_code == 1, r.output
    r = lax("ledger", "show", "宋三村", "--as-of", "2026-10-01", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "  状态：已认定" in out.splitlines()
    flat = "".join(out.split())
    assert "依据：C02：书记不胜任=是；C04：两委缺额人数=2；" in flat
    assert "来源：邓埠镇排查.xlsx，排查表，第4行；" in flat
    assert "committee_vacancies" not in out and "secretary_unfit" not in out
    r = lax("ledger", "log", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert (
        "依据：C02：书记不胜任 = 是；C04：两委缺额人数 = 2；时限：2027-03-30；"
        "基本情况：党员人数 = 36，有固定活动场所 = 是，集体访次数 = 0，越级访次数 = 0，群众满意度 = 90；"
        "来源：邓埠镇排查.xlsx，排查表，第4行"
    ) in r.stdout
    r = lax("ledger", "log", lang="en", cwd=tmp_path)
    assert (
        "evidence: C02: Secretary unfit = yes; C04: Committee vacancies = 2; time limit: 2027-03-30; "
        "profile: Party members = 36, Has venue = yes, Collective petitions = 0, Leapfrog petitions = 0, "
        "Satisfaction (%) = 90; source: 邓埠镇排查.xlsx:排查表:4" in r.stdout
    )
    # the site's village page, in Chinese
    r = lax("site", "site", "--as-of", "2026-10-01", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    (page,) = (tmp_path / "site" / "v").glob("*.html")
    html = page.read_text(encoding="utf-8")
    assert (
        '<div class="evidence">依据：书记不胜任 = 是</div><div class="source">来源：<code>邓埠镇排查.xlsx，排查表，第4行</code>'
        "（2026-09-30）</div>" in html
    )
    # a group's --lang is the command's too
    r = lax("--lang", "zh", "ledger", "show", "宋三村", lang=None, cwd=tmp_path)
    assert "  状态：已认定" in r.stdout.splitlines()
    r = lax("ledger", "--lang", "zh", "list", lang="en", cwd=tmp_path)
    assert r.stdout.splitlines()[-1] == "截至 2026-09-30 共 1 个村"


def test_criteria_say_their_conditions_in_words():
    r = lax("criteria")
    assert r.exit_code == 0, r.output
    flat = "".join(r.stdout.split())
    assert "书记空缺月数≥3" in flat and "书记不胜任为“是”，或书记脱岗天数≥30" in flat
    assert "secretary_vacant_months" not in r.stdout
    r = lax("criteria", "--format", "json")
    assert json.loads(r.stdout)["criteria"][0]["when"] == "secretary_vacant_months >= 3"  # JSON unchanged


# ---------------------------------------------------------------------------------------- progress


def test_the_progress_bar_says_what_it_is_doing(tmp_path):
    from lax.check import run_check
    from lax.cli import _Progress
    from lax.criteria import load_criteria
    from lax.i18n import set_lang

    path = dengbu(tmp_path / "邓埠镇.xlsx")
    stages = []
    run_check(
        [str(path)], load_criteria(None), __import__("datetime").date(2026, 9, 30), on_stage=lambda *s: stages.append(s)
    )
    assert stages == [("reading", str(path)), ("checking", None)]
    set_lang("zh")
    try:
        bar = _Progress(large=True)
        assert bar._bar.tasks[0].description == "正在读取"
        bar.stage("reading", str(path))
        assert bar._bar.tasks[0].description == "正在读取 邓埠镇.xlsx"
        bar.stage("checking")
        assert bar._bar.tasks[0].description == "正在检查"
        bar.close()
        later = _Progress(large=False)  # the Excel writer's bar: named before it starts, shown when large
        later.stage("writing", str(tmp_path / "结果.xlsx"))
        later.update(1000, 50000)
        assert later._bar.tasks[0].description == "正在写入 结果.xlsx"
        later.close()
    finally:
        set_lang("en")


# -------------------------------------------------------------------------------------------- help


def _commands():
    """(path, click command) of the root, every group and every command."""
    out = []

    def walk(cmd, path):
        out.append((path, cmd))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    walk(get_command(app), [])
    return out


def test_every_help_text_has_a_chinese_entry():
    import inspect

    missing = []
    for path, cmd in _commands():
        if cmd.help and inspect.cleandoc(cmd.help) not in HELP_ZH:
            missing.append(("lax", *path))
        for p in cmd.params:
            if getattr(p, "help", None) and p.help not in HELP_ZH:
                missing.append(("lax", *path, p.name))
    assert missing == [], f"add these to lax/cli/help_zh.py: {missing}"


def _allowed(cmd) -> set[str]:
    """Words a Chinese help page may still hold: what is typed as is (option values, command names)."""
    words = {
        "lax",
        "Excel",
        "CSV",
        "YAML",
        "JSON",
        "Python",
        "git",
        "json",
        "csv",
        "xlsx",
        "md",
        "html",
        "docx",
        "table",
    }
    for _path, c in _commands():
        words.update(getattr(c, "commands", {}).keys())
        for p in c.params:
            words.add(p.name)  # an argument is listed by its name
            words.update(str(x) for x in getattr(getattr(p, "type", None), "choices", None) or ())
    words.update({"county", "township", "village", "self", "mass", "spot", "department"})
    words.update({"identified", "rectifying", "accepted", "closed"})
    words.update(terms.WORK_KINDS)  # the kinds of `lax ledger work --kind`, typed as they are
    return words


@pytest.mark.parametrize("path", [p for p, _c in _commands()], ids=lambda p: " ".join(p) or "lax")
def test_every_help_page_in_chinese_has_no_english(path):
    r = lax(*path, "--help")
    assert r.exit_code == 0, r.output
    text = r.stdout
    assert text.startswith(f"用法：lax{''.join(' ' + p for p in path)} [选项]")
    assert "Usage" not in text and "Options" not in text and "Show this message" not in text
    left = []
    for line in text.splitlines():
        line = line.split("示例：", 1)[0]  # an example is a command line, typed as is
        line = re.sub(
            r'\{.*\}|<[^>]*>|`[^`]*`|"[^"]*"|\[环境变量：[^\]]*\]|\[默认：[^\]]*\]', " ", line
        )  # metavars, code, values
        line = re.sub(r"(?<![\w.])-{1,2}[\w-]+", " ", line)  # option names
        line = re.sub(r"\S*[./]\S*|\b[A-Z][A-Z0-9_]+\b", " ", line)  # files, keys, environment variables
        left += [w for w in re.findall(r"[A-Za-z]{3,}", line) if w not in _allowed(None)]
    assert left == []


def test_help_in_chinese_by_option_and_english_by_default():
    r = lax("ledger", "accept", "--help", "--lang", "zh", lang=None)
    assert "记录县级验收" in r.stdout and "  --pass " in r.stdout
    assert "[环境变量：LAX_LEDGER；默认：ledger]" in r.stdout
    r = lax("ledger", "accept", "--help", lang=None)
    assert r.stdout.startswith("Usage: lax ledger accept [OPTIONS]") and "Record the county's acceptance" in r.stdout
    r = lax("--help", lang=None)
    assert "Identify and rectify" in r.stdout


def test_help_lines_fit_the_terminal():
    from lax.cli.help_zh import width

    for path, _cmd in _commands():
        text = lax(*path, "--help").stdout
        for line in text.splitlines():
            if "示例：" not in line and not line.lstrip().startswith("-"):
                assert width(line) <= 80, line


def test_a_usage_mistake_in_chinese(tmp_path):
    r = lax("check", "--bogus", "--lang", "zh", lang=None)
    assert r.exit_code == 2
    env = dict(os.environ, PYTHONPATH=str(ROOT), LAX_LANG="zh")
    r = subprocess.run(
        [sys.executable, "-m", "lax", "check", "a.xlsx", "--format", "xml"], capture_output=True, text=True, env=env
    )
    assert (r.returncode, r.stderr) == (
        2,
        "lax check：'--format' 的值无效：“xml”不是 'table', 'json', 'csv', 'xlsx' 之一。（参见 'lax check --help'）\n",
    )
    r = subprocess.run([sys.executable, "-m", "lax", "ledger", "shw"], capture_output=True, text=True, env=env)
    assert (r.returncode, r.stderr) == (2, "lax ledger：没有命令 shw。是否应为 'show'？（参见 'lax ledger --help'）\n")


def test_a_parsers_reason_is_said_in_chinese(tmp_path):
    (tmp_path / "洪湖乡.yaml").write_text("villages:\n- {township: 洪湖乡, village: 东阳村\n- x: [\n", encoding="utf-8")
    (tmp_path / "洪湖乡.json").write_text('[{"township": "洪湖乡",}]', encoding="utf-8")
    (tmp_path / "黄溪镇.yaml").write_text("villages:\n\t- {township: 黄溪镇}\n", encoding="utf-8")
    r = lax("check", "洪湖乡.yaml", "洪湖乡.json", "黄溪镇.yaml", cwd=tmp_path)
    lines = r.stdout.splitlines()
    assert "  洪湖乡.yaml:3: YAML 错误：缺少预期的“,”或“}” [unreadable-file]" in lines
    assert "  洪湖乡.json:1: JSON 错误：此处应有用双引号括起的键名（第21个字符） [unreadable-file]" in lines
    assert (
        "  黄溪镇.yaml:2: YAML 错误：此处有不能作为开头的字符（缩进请用空格，不要用制表符） [unreadable-file]" in lines
    )
    r = lax("check", "洪湖乡.json", lang="en", cwd=tmp_path)
    assert (
        "  洪湖乡.json:1: JSON error: Expecting property name enclosed in double quotes (column 21) [unreadable-file]"
        in (r.stdout.splitlines())
    )
