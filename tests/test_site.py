"""`lax site`: the page model equals `lax ledger list` and `lax report` for the same date; the command writes
the pages, escapes every text, and refuses an OUT it must not write to in one line (exit 2)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from site_county import (
    AS_OF,
    HOSTILE,
    D,
    ident,
    lax,
    make_county,
    plan,
    progress,
)


@pytest.fixture()
def ledger(tmp_path):
    return make_county(tmp_path / "ledger")


def _model(ledger: Path, as_of: str = AS_OF, lang: str = "en"):
    from lax.criteria import load_criteria
    from lax.i18n import set_lang
    from lax.ledger import load_entries, load_townships
    from lax.site import build_site

    set_lang(lang)
    try:
        entries, problems = load_entries(ledger)
        assert problems == []
        return build_site(entries, load_townships(ledger), load_criteria(None), D(as_of), lang)
    finally:
        set_lang("en")


# ------------------------------------------------------------------------------------------ the model


@pytest.mark.parametrize("as_of", ["2026-09-30", "2026-03-31", "2025-12-31"])
def test_model_figures_equal_report_year_and_ledger_list(ledger, as_of):
    site = _model(ledger, as_of)
    report = lax("report", "--year", as_of[:4], "--format", "json", "--ledger", str(ledger), today=as_of)
    assert report.returncode == 0, report.stderr
    context = json.loads(report.stdout)
    for key in ("identified", "rectifying", "overdue", "accepted", "watching", "closable", "closed", "rebounds"):
        assert site["headline"][key] == context[key]["count"], key
    assert site["headline"]["funds_total"] == context["funds"]["total"]
    assert [(s["id"], s["count"]) for s in site["standards"]] == [(s["id"], s["count"]) for s in context["standards"]]
    assert [t["township"] for t in site["townships"]] == [t["township"] for t in context["townships"]]
    for mine, theirs in zip(site["townships"], context["townships"]):
        for key, value in mine["figures"].items():
            assert value == theirs[key], (mine["township"], key)
        assert sum(mine["submissions"].values()) == len(theirs["submissions"])
        assert mine["submissions"]["missing"] == theirs["missing"]
        assert mine["submissions"]["late"] == theirs["late"]
        assert sum(mine["shades"].values()) == theirs["identified"]

    listed = lax("ledger", "list", "--format", "json", "--as-of", as_of, "--ledger", str(ledger))
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)["villages"]
    keys = list(rows[0])
    mine = sorted(({k: v[k] for k in keys} for v in site["villages"]), key=lambda r: (r["township"], r["village"]))
    assert mine == rows
    assert site["listed"] == len(rows)


def test_model_at_2026_09_30_in_figures(ledger):
    site = _model(ledger)
    h = site["headline"]
    # 渡口村 was closed in 2025: on the wall chart, not in this year's figures.
    assert (
        site["listed"],
        h["identified"],
        h["rectifying"],
        h["overdue"],
        h["accepted"],
        h["watching"],
        h["closable"],
        h["closed"],
        h["rebounds"],
    ) == (10, 9, 6, 2, 3, 2, 1, 0, 1)
    shade = {v["village"]: v["shade"] for v in site["villages"]}
    assert shade == {
        "宋三村": "rectifying",
        "塔洲村": "rectifying",
        "新店村": "closable",
        "方丘村": "identified",
        "东阳村": "watching",
        "渡口村": "closed",
        "石门村": "rectifying",
        "塘桥村": "rectifying",
        "柏树村": "watching",
        "龙岗村": "identified",
    }
    flags = {v["village"]: (v["overdue"], v["due_soon"]) for v in site["villages"]}
    assert flags["宋三村"] == (True, False) and flags["塘桥村"] == (True, False)
    assert flags["塔洲村"] == (False, True) and flags["石门村"] == (False, True)
    assert flags["方丘村"] == (False, False)
    # Events by quarter: rounds opened, acceptances passed, accounts closed.
    q = {row["key"]: (row["identified"], row["accepted"], row["closed"]) for row in site["quarters"]}
    assert q["2026Q3"] == (2, 1, 0) and q["2025Q4"] == (0, 1, 1) and q["2026Q1"] == (3, 0, 0)
    assert list(q)[-1] == "2026Q3" and len(q) == 8


def test_village_detail_standards_evidence_source_and_timeline(ledger):
    from lax.site.model import village_detail

    site = _model(ledger)
    v = next(v for v in site["villages"] if v["village"] == "塔洲村")
    detail = village_detail(site, v)
    assert [s["id"] for s in detail["standards"]] == ["C01", "C13"]
    c01 = detail["standards"][0]
    assert c01["source"] == "邓埠镇2026Q1排查.xlsx:排查表:6" and c01["date"] == "2026-04-08"
    assert c01["evidence"] == [{"field": "secretary_vacant_months", "title": c01["evidence"][0]["title"], "value": 7}]
    assert [e["type"] for e in detail["timeline"]] == ["identified", "planned", "progress"]
    assert detail["timeline"][2]["by"] == "陈芳" and detail["timeline"][2]["details"]["funds"] == 12000
    assert detail["people"]["first_secretary"] == "王强"
    # A rebound's standards join the round's, with the rebound's date.
    v = next(v for v in site["villages"] if v["village"] == "塘桥村")
    assert [(s["id"], s["event"]) for s in village_detail(site, v)["standards"]] == [
        ("C02", "identified"),
        ("C12", "reopened"),
    ]


def test_model_ignores_events_after_the_date(ledger):
    before = _model(ledger, "2026-04-01")
    names = {v["village"] for v in before["villages"]}
    assert "塔洲村" not in names and "龙岗村" not in names and "柏树村" in names


# ------------------------------------------------------------------------------------------ the command


def test_site_writes_every_page(ledger, tmp_path):
    out = tmp_path / "site"
    done = lax("site", str(out), "--ledger", str(ledger), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert f"已写入 15 个文件到 {out}（截至 {AS_OF} 共 10 个村）" in done.stderr
    assert sorted(p.name for p in out.iterdir()) == [".lax-site", "assets", "index.html", "todo.html", "v", "wall.html"]
    assert len(list((out / "v").glob("*.html"))) == 10
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in index and "全县概况" in index
    assert re.search(r'class="card c-overdue" data-key="overdue"><b>2</b>', index)
    wall = (out / "wall.html").read_text(encoding="utf-8")
    assert wall.count('class="tile ') == 10
    assert "@page { size: A4 landscape" in wall
    # Nothing outside the folder: no http(s) link, no remote script or style.
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text


def test_site_in_english(ledger, tmp_path):
    out = tmp_path / "site"
    done = lax("site", str(out), "--ledger", str(ledger), "--lang", "en", "--as-of", "2026-09-30")
    assert done.returncode == 0, done.stderr
    assert f"wrote 15 files to {out} (10 villages as of 2026-09-30)" in done.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in index and "County overview" in index and "76,500 yuan" in index


def test_hostile_names_and_notes_are_escaped(tmp_path):
    ledger = make_county(
        tmp_path / "ledger",
        extra=[
            (
                "洪湖乡",
                HOSTILE,
                None,
                [
                    ident("2026-09-01", ["C14"], 12),
                    plan("2026-09-02"),
                    progress("2026-09-10", 100, note='"><script>alert(2)</script>'),
                ],
            ),
            ('黄溪镇" onmouseover="alert(3)', "东岭村", None, [ident("2026-09-01", ["C14"], 13)]),
        ],
    )
    out = tmp_path / "site"
    done = lax("site", str(out), "--ledger", str(ledger))
    assert done.returncode == 0, done.stderr
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<img" not in text and "<script>" not in text and '" onmouseover="' not in text, page
    wall = (out / "wall.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in wall
    pages = "".join(p.read_text(encoding="utf-8") for p in (out / "v").glob("*.html"))
    assert "&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in pages


def test_site_run_again_replaces_the_earlier_site(ledger, tmp_path):
    out = tmp_path / "site"
    assert lax("site", str(out), "--ledger", str(ledger)).returncode == 0
    first = {p.name for p in (out / "v").iterdir()}
    gone = next(ledger.glob("*龙岗村*"))
    gone.unlink()
    done = lax("site", str(out), "--ledger", str(ledger))
    assert done.returncode == 0, done.stderr
    second = {p.name for p in (out / "v").iterdir()}
    assert len(second) == 9 and second < first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


def test_site_out_refused_in_one_line(ledger, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me", encoding="utf-8")
    busy = tmp_path / "documents"
    busy.mkdir()
    (busy / "plan.docx").write_text("keep me too", encoding="utf-8")
    cases = [
        (a_file, f"{a_file}: is a file, not a folder; give a folder for the site"),
        (ledger / "site", f"{ledger / 'site'}: is inside the ledger folder {ledger}; give a folder outside it"),
        (ledger, f"{ledger}: is inside the ledger folder {ledger}; give a folder outside it"),
        (tmp_path, f"{tmp_path}: holds the ledger folder {ledger}; give a folder of its own for the site"),
        (busy, f"{busy}: is a folder that holds other files, not an earlier lax site; give a new or empty folder"),
        (a_file / "site", f"{a_file / 'site'}: the folder {a_file} does not exist"),
    ]
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    for out, message in cases:
        done = lax("site", str(out), "--ledger", str(ledger))
        assert done.returncode == 2, (out, done.stderr)
        assert done.stderr == message + "\n"
        assert done.stdout == ""
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    assert a_file.read_text(encoding="utf-8") == "keep me"


def test_site_other_errors(tmp_path):
    missing = lax("site", str(tmp_path / "site"), "--ledger", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert missing.stderr == f"ledger folder '{tmp_path / 'nope'}' not found (give --ledger DIR or set LAX_LEDGER)\n"
    bad = lax("site", str(tmp_path / "site"), "--ledger", str(tmp_path), "--as-of", "2026-13-01")
    assert bad.returncode == 2
    assert bad.stderr == "--as-of: '2026-13-01' is not a valid date (expected YYYY-MM-DD, e.g. 2026-09-30)\n"
    assert not (tmp_path / "site").exists()


def test_site_with_a_broken_ledger_file_still_writes_and_exits_2(ledger, tmp_path):
    (ledger / "黄溪镇-坏村.yaml").write_text("township: 黄溪镇\nvillage: 坏村\nevents: [\n", encoding="utf-8")
    out = tmp_path / "site"
    done = lax("site", str(out), "--ledger", str(ledger))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0].startswith("wrote 15 files") and "黄溪镇-坏村.yaml:" in lines[1]
    assert (out / "index.html").exists()


def test_empty_ledger_gives_an_empty_site(tmp_path):
    (tmp_path / "ledger").mkdir()
    out = tmp_path / "site"
    done = lax("site", str(out), "--ledger", str(tmp_path / "ledger"))
    assert done.returncode == 0, done.stderr
    assert "No village is on the ledger yet." in (out / "wall.html").read_text(encoding="utf-8")


def test_site_run_again_remakes_only_changed_village_pages(ledger, tmp_path):
    out = tmp_path / "site"
    assert lax("site", str(out), "--ledger", str(ledger)).returncode == 0
    before = {p.name: p.stat().st_ino for p in (out / "v").iterdir()}
    edited = next(ledger.glob("*塔洲村*"))
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("完成支部换届选举", "完成村务公开栏建设"), encoding="utf-8"
    )
    done = lax("site", str(out), "--ledger", str(ledger))
    assert done.returncode == 0, done.stderr
    after = {p.name: p.stat().st_ino for p in (out / "v").iterdir()}
    changed = [name for name in after if after[name] != before[name]]
    assert len(changed) == 1
    assert "完成村务公开栏建设" in (out / "v" / changed[0]).read_text(encoding="utf-8")
    # Another day changes every page (today's line, the days left).
    assert lax("site", str(out), "--ledger", str(ledger), "--as-of", "2026-10-01").returncode == 0
    again = {p.name: p.stat().st_ino for p in (out / "v").iterdir()}
    assert all(again[name] != after[name] for name in again)
    assert "2026-10-01" in (out / "v" / changed[0]).read_text(encoding="utf-8")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to a read-only folder")
def test_site_out_in_a_read_only_folder(ledger, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        done = lax("site", str(locked / "site"), "--ledger", str(ledger))
        assert done.returncode == 2
        assert done.stderr == f"{locked / 'site'}: cannot write: the folder {locked} is not writable\n"
    finally:
        locked.chmod(0o755)


def test_long_todo_sections_are_cut_into_tables_laid_out_when_seen(ledger, monkeypatch):
    from lax.site import pages

    site = _model(ledger)
    monkeypatch.setattr(pages, "CHUNK", 1)
    html = pages.todo(site)
    overdue = html[html.index('<section id="overdue">') : html.index('<section id="due30">')]
    assert overdue.count('<div class="chunk"><table class="todo fixed">') == 2
    assert overdue.index("宋三村") < overdue.index("塘桥村")  # the most overdue first, in one order across the tables
    monkeypatch.setattr(pages, "CHUNK", 200)
    assert 'class="chunk"' not in pages.todo(site)
