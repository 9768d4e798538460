"""The Yujiang county scenario of `scenario.py` (the first source summary as a ledger): its figures, that it loads
without problems, and the reports drafted from it against the golden files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from scenario import QUARTER_END, village_events, write_ledger_cli, write_ledger_yaml

# ------------------------------------------------------------------------------------------ sanity


def test_scenario_figures_match_the_source_summary():
    events = village_events("zh")
    assert len(events) == 15
    funds = sum(d.get("funds", 0) for _t, _v, _c, evs in events for _e, day, d in evs if day <= QUARTER_END)
    assert funds == 31500
    passed = {
        (t, v)
        for t, v, _c, evs in events
        for e, day, d in evs
        if e == "acceptance" and d["passed"] and day <= QUARTER_END
    }
    assert len(passed) == 14 and ("锦江镇", "团黄村") not in passed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scenario_ledger_loads_without_problems(tmp_path, lang):
    from lax.ledger import load_entries, load_townships

    folder = write_ledger_yaml(tmp_path / "ledger", lang)
    entries, problems = load_entries(folder)
    assert problems == []
    assert len(entries) == 15
    assert len(load_townships(folder)) == 11


# ------------------------------------------------------------------------------------------ golden files

GOLDEN = Path(__file__).parent / "golden" / "report"
TODAY = "2027-01-15"  # drafted well after the quarter: the events after it are in the ledger

# (golden file, lax report arguments, ledger language)
GOLDEN_CASES = [
    ("county.zh.md", ["--quarter", "2026Q3", "--lang", "zh"], "zh"),
    ("county.en.md", ["--quarter", "2026-Q3", "--lang", "en"], "en"),
    ("township.zh.md", ["--quarter", "2026Q3", "--lang", "zh", "--township", "锦江镇"], "zh"),
    ("township.en.md", ["--quarter", "2026Q3", "--lang", "en", "--township", "Jingjiang Town"], "en"),
    ("village.zh.md", ["--quarter", "2026Q3", "--lang", "zh", "--village", "团黄村"], "zh"),
    ("village.en.md", ["--quarter", "2026Q3", "--lang", "en", "--village", "Jingjiang Town/Tuanhuang Village"], "en"),
    ("county.zh.2026.md", ["--year", "2026", "--lang", "zh", "--org", "中共余江县委组织部"], "zh"),
    ("village.zh.spot.md", ["--quarter", "2026Q3", "--lang", "zh", "--village", "360622203204"], "zh"),
    # The year, with the work record's 二、主要做法 and 成效, at the three levels in both languages; and the
    # county's with every figure traced (--explain: 附件3).
    ("county.en.2026.md", ["--year", "2026", "--lang", "en", "--org", "Yujiang County Party Committee"], "en"),
    ("township.zh.2026.md", ["--year", "2026", "--lang", "zh", "--township", "邓埠镇"], "zh"),
    ("township.en.2026.md", ["--year", "2026", "--lang", "en", "--township", "Dengbu Town"], "en"),
    ("village.zh.2026.md", ["--year", "2026", "--lang", "zh", "--village", "罗坪村"], "zh"),
    ("village.en.2026.md", ["--year", "2026", "--lang", "en", "--village", "Chuntao Township/Luoping Village"], "en"),
    ("county.zh.2026.explain.md", ["--year", "2026", "--lang", "zh", "--explain"], "zh"),
]


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory):
    """The scenario ledger in both languages, made through the CLI."""
    root = tmp_path_factory.mktemp("ledgers")
    return {lang: write_ledger_cli(root / lang, lang) for lang in ("zh", "en")}


def run_report(args, ledger, monkeypatch):
    from typer.testing import CliRunner

    from lax.cli import app

    monkeypatch.setenv("LAX_TODAY", TODAY)
    return CliRunner().invoke(app, ["report", *args, "--ledger", str(ledger)])


@pytest.mark.parametrize("name, args, lang", GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_report_matches_golden_file(name, args, lang, ledgers, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no ./templates or ./criteria.yaml of the caller's
    result = run_report(args, ledgers[lang], monkeypatch)
    assert result.exit_code == 0, result.output
    golden = GOLDEN / name
    if os.environ.get("LAX_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_county_golden_states_the_source_summarys_figures():
    """The golden county report says what the first source summary says, in its manner."""
    zh = (GOLDEN / "county.zh.md").read_text(encoding="utf-8")
    assert "全县共排查确定软弱涣散村级党组织15个" in zh
    assert (
        "已整改验收合格14个，分别是邓埠镇宋三村，锦江镇潜山村，黄溪镇塔洲村，中童镇石艾村、坪上村，马荃镇新店村，"
        "画桥镇画桥村，洪湖乡东阳村、塘桥村，黄庄乡方丘村，平定乡东安村、平定村，杨溪乡墩上村，春涛乡罗坪村。"
    ) in zh
    assert "验收不合格1个：锦江镇团黄村" in zh
    assert "累计投入3.15万元" in zh and "3.55万元" not in zh  # 罗坪村's 4,000 yuan in October does not count
    assert "【待填写：" in zh
    en = (GOLDEN / "county.en.md").read_text(encoding="utf-8")
    assert "Dongyang Village and Tangqiao Village in Honghu Township" in en
    assert "31,500 yuan in all" in en and "At acceptance, 1 village failed: Tuanhuang Village in Jingjiang Town" in en
    assert "[To be written:" in en
    year = (GOLDEN / "county.zh.2026.md").read_text(encoding="utf-8")
    assert "已整改验收合格15个" in year and "累计投入3.55万元" in year
    assert "锦江镇团黄村首次验收不合格，经继续整改，于2026年12月20日验收合格" in year
    assert "未按时报送季度排查情况：中童镇第三、四季度未报送；春涛乡第三季度逾期报送（2026年10月9日）。" in year
