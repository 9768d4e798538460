"""A report's figures kept for an unchanged ledger (`lax.report.cache`): the same report drafted again reads them
back and says exactly what computing them says; any change to what the figures come from (a village file, a
township's submissions, the work record, the ledger's first quarter, the criteria, the period, the options,
the day, the language, lax itself) computes them afresh; a broken or unwritable cache never fails a report."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lax.ledger.stamp as stamp
import lax.report.cache as cache
from lax.cli import app

runner = CliRunner()

TOWNSHIPS = ["邓埠镇", "黄溪镇", "洪湖乡"]
VILLAGES = ["宋三村", "东阳村", "塘桥村", "方丘村", "上罗村", "西畈村", "渡口村", "石门村"]


def _village_text(i: int) -> tuple[str, str]:
    township = TOWNSHIPS[i % 3]
    village = VILLAGES[i % 8] if i < 8 else f"{VILLAGES[i % 8][:-1]}{i}村"
    day = f"2026-0{1 + i % 6}-1{i % 10}"
    lines = [
        f"township: {township}",
        f"village: {village}",
        f"code: '36062210{i:04d}'",
        "events:",
        f"- date: {day}",
        "  type: identified",
        f"  channel: {('self', 'mass', 'spot')[i % 3]}",
        "  criteria: [C05]",
        "  evidence: {C05: {election_completed: false}}",
    ]
    if i % 4 >= 1:
        lines += [
            f"- date: {day[:5]}07-01",
            "  type: planned",
            "  measures: [召开党员大会重新选举]",
            "  helping_unit: 县财政局",
        ]
    if i % 4 >= 2:
        lines += [f"- date: {day[:5]}08-0{1 + i % 9}", "  type: progress", "  note: 完成换届选举", "  funds: 20000"]
    if i % 4 == 3:
        lines += [
            f"- date: {day[:5]}09-1{i % 9}",
            "  type: acceptance",
            "  passed: true",
            "  score: 90",
            "  by: 县委组织部",
        ]
    return f"{township}-{village}.yaml", "\n".join(lines) + "\n"


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    """A ledger of 24 villages in three townships, with their submissions, and the cache's size limit lowered so
    such a ledger is kept (the shipped limit is for ledgers of a thousand villages and more)."""
    monkeypatch.setattr(cache, "MIN_VILLAGES", 1)
    monkeypatch.setattr(stamp, "RACY_NS", 0)  # files written just now count as settled (racy: its own test)
    monkeypatch.setenv("LAX_TODAY", "2027-01-15")
    monkeypatch.delenv("LAX_LANG", raising=False)
    led = tmp_path / "ledger"
    led.mkdir()
    for i in range(24):
        name, text = _village_text(i)
        (led / name).write_text(text, encoding="utf-8")
    tdir = led / "_townships"
    tdir.mkdir()
    for township in TOWNSHIPS:
        (tdir / f"{township}.yaml").write_text(
            f"township: {township}\nevents:\n- date: 2026-09-28\n  type: submission\n  quarter: 2026Q3\n  villages: 8\n",
            encoding="utf-8",
        )
    return led


def _report(led: Path, *args: str) -> str:
    period = [] if {"--quarter", "--from", "--to"} & set(args) else ["--year", "2026"]
    result = runner.invoke(app, ["report", *period, "--ledger", str(led), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _kept(led: Path) -> list[Path]:
    return sorted((led / ".cache").glob("report-*.bin"))


def _computed(led: Path, *args: str) -> str:
    """The report with nothing kept read back: what lax computes now."""
    saved = cache.read_kept
    cache.read_kept = lambda ledger, key: None
    try:
        return _report(led, *args)
    finally:
        cache.read_kept = saved


@pytest.fixture
def reads(monkeypatch):
    """Whether each report read its figures back (True) or computed them (False)."""
    seen: list[bool] = []
    original = cache.read_kept

    def counted(led, key):
        context = original(led, key)
        seen.append(context is not None)
        return context

    monkeypatch.setattr(cache, "read_kept", counted)
    return seen


def test_a_report_drafted_again_reads_its_figures_back_and_says_the_same(ledger, reads):
    first = _report(ledger)
    assert reads == [False] and len(_kept(ledger)) == 1
    again = _report(ledger)
    assert reads == [False, True]  # read back, not computed
    assert again == first
    assert "邓埠镇" in again and "宋三村" in again
    # another format of the same report uses the same figures; a Chinese one has its own
    _report(ledger, "--format", "html")
    assert reads[-1] is True
    zh = _report(ledger, "--lang", "zh")
    assert reads[-1] is False and "软弱涣散" in zh
    assert len(_kept(ledger)) == 2


@pytest.mark.parametrize(
    "change",
    [
        "edit a village file by hand",
        "add a village file",
        "remove a village file",
        "a township's submission",
        "a work record",
        "the ledger's first quarter",
        "a stray file",
    ],
)
def test_any_change_to_the_ledger_computes_the_figures_again(ledger, reads, change):
    before = _report(ledger)
    if change == "edit a village file by hand":
        path = ledger / _village_text(0)[0]
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("宋三村", "宋四村"), encoding="utf-8")  # the same size in bytes
        os.utime(path, ns=(time.time_ns() + 5_000_000_000,) * 2)  # and a time of its own (not the first's tick)
        want = "宋四村"
    elif change == "add a village file":
        name, text = _village_text(40)
        (ledger / name).write_text(text, encoding="utf-8")
        want = _village_text(40)[0].split("-")[1][:-5]
    elif change == "remove a village file":
        (ledger / _village_text(0)[0]).unlink()
        want = None
    elif change == "a township's submission":
        with open(ledger / "_townships" / "邓埠镇.yaml", "a", encoding="utf-8") as f:
            f.write("- date: 2026-12-28\n  type: submission\n  quarter: 2026Q4\n  villages: 8\n")
        want = None
    elif change == "a work record":
        result = runner.invoke(
            app,
            [
                "ledger",
                "work",
                "召开全县整顿工作推进会",
                "--kind",
                "meetings",
                "--county",
                "--date",
                "2026-10-12",
                "--ledger",
                str(ledger),
            ],
        )
        assert result.exit_code == 0, result.output
        want = "召开全县整顿工作推进会"
    elif change == "the ledger's first quarter":
        result = runner.invoke(app, ["ledger", "start", "2026Q1", "--ledger", str(ledger)])
        assert result.exit_code == 0, result.output
        want = None
    else:
        (ledger / "notes.txt").write_text("乡镇联系人名单\n", encoding="utf-8")
        result = runner.invoke(app, ["report", "--year", "2026", "--ledger", str(ledger)])
        assert result.exit_code == 2 and "notes.txt" in result.output  # a problem: never read back as fine
        return
    after = _report(ledger)
    assert reads == [False, False]
    assert after == _computed(ledger)
    assert after != before
    if want:
        assert want in after


def test_a_broken_file_is_refused_even_after_the_report_was_kept(ledger):
    _report(ledger)
    (ledger / "黄溪镇-东阳村.yaml").write_text(
        "township: 黄溪镇\nvillage: 东阳村\nevents:\n- date: 2026-13-40\n", "utf-8"
    )
    result = runner.invoke(app, ["report", "--year", "2026", "--ledger", str(ledger)])
    assert result.exit_code == 2
    assert "黄溪镇-东阳村.yaml:4" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--quarter", "2026Q4"],
        ["--org", "中共余江县委组织部"],
        ["--township", "邓埠镇"],
        ["--village", "邓埠镇/宋三村"],
        ["--explain"],
        ["--to", "2026-11-30", "--from", "2026-01-01"],
    ],
)
def test_other_options_are_other_reports(ledger, reads, args):
    _report(ledger)
    out = _report(ledger, *args)
    assert reads == [False, False]
    assert out == _computed(ledger, *args)
    assert len(_kept(ledger)) == 2
    assert _report(ledger, *args) == out and reads[-1] is True


def test_another_day_criteria_file_or_lax_computes_again(ledger, reads, monkeypatch, tmp_path):
    first = _report(ledger)
    monkeypatch.setenv("LAX_TODAY", "2027-01-16")
    assert _report(ledger) != first  # the drafting date of the 落款
    assert reads == [False, False]
    # a criteria file changed in any way (here only a comment) is another key
    from lax.criteria import default_criteria_path

    crit = tmp_path / "criteria.yaml"
    crit.write_bytes(default_criteria_path().read_bytes())
    with_file = _report(ledger, "--criteria", str(crit))
    assert _report(ledger, "--criteria", str(crit)) == with_file and reads[-1] is True
    crit.write_bytes(crit.read_bytes() + "# 2027年修订\n".encode())
    assert _report(ledger, "--criteria", str(crit)) == with_file and reads[-1] is False
    # another lax (or an edited checkout): nothing kept by this one is read
    monkeypatch.setattr(cache, "_code", "another lax")
    _report(ledger, "--criteria", str(crit))
    assert reads[-1] is False


@pytest.mark.parametrize("damage", ["truncated", "garbage", "not a context", "empty"])
def test_a_broken_kept_file_is_computed_again(ledger, damage):
    first = _report(ledger)
    [path] = _kept(ledger)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(data[:30] + b"\xff" * 200 + data[230:])
    elif damage == "not a context":
        import marshal

        path.write_bytes(data[: data.index(b"\n") + 1] + marshal.dumps([1, 2, 3]))
    else:
        path.write_bytes(b"")
    assert _report(ledger) == first


def test_a_ledger_changed_in_the_last_two_seconds_is_not_kept(ledger, monkeypatch):
    monkeypatch.setattr(stamp, "RACY_NS", 2_000_000_000)
    out = _report(ledger)  # the files were written just now: one could change again unseen
    assert _kept(ledger) == []
    later = time.time_ns() + 3_000_000_000
    monkeypatch.setattr(stamp.time, "time_ns", lambda: later)
    assert _report(ledger) == out
    assert len(_kept(ledger)) == 1


def test_small_ledgers_keep_nothing_and_only_the_last_reports_are_kept(ledger, monkeypatch):
    monkeypatch.setattr(cache, "MIN_VILLAGES", 1000)
    _report(ledger)
    assert _kept(ledger) == []
    monkeypatch.setattr(cache, "MIN_VILLAGES", 1)
    for quarter in ("2026Q1", "2026Q2", "2026Q3", "2026Q4"):
        _report(ledger, "--quarter", quarter)
    assert len(_kept(ledger)) == cache.KEEP
    assert (ledger / ".cache" / ".gitignore").is_file()


def test_a_cache_that_cannot_be_written_still_reports(ledger):
    first = _report(ledger)
    import shutil

    shutil.rmtree(ledger / ".cache")
    (ledger / ".cache").write_text("不是文件夹\n", encoding="utf-8")  # nothing can be written under it
    assert _report(ledger) == first
    assert _report(ledger) == first
    assert (ledger / ".cache").read_text(encoding="utf-8") == "不是文件夹\n"


def test_the_program_reads_the_kept_figures_too(ledger, monkeypatch):
    """Through `python -m lax`, with the shipped two-second rule: a kept file is read back by the program. To
    see that it is, the kept figures are altered (a village renamed inside the file, same length): the
    program prints what was kept, where a computed report would name the village as its file does."""
    import subprocess
    import sys

    monkeypatch.setattr(stamp, "RACY_NS", 2_000_000_000)
    time.sleep(2.1)  # the ledger's files older than two seconds (their change times cannot be set back)
    first = _report(ledger)
    [path] = _kept(ledger)
    data = path.read_bytes()
    assert "宋三村".encode() in data
    path.write_bytes(data.replace("宋三村".encode(), "宋五村".encode()))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "LAX_TODAY": "2027-01-15"}
    env.pop("LAX_LANG", None)
    out = subprocess.run(
        [sys.executable, "-m", "lax", "report", "--year", "2026", "--ledger", str(ledger)],
        env=env,
        capture_output=True,
    )
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.decode("utf-8") == first.replace("宋三村", "宋五村")
    assert "宋三村" in first


@pytest.mark.parametrize("second_core", [True, False])
def test_the_figures_are_kept_by_the_time_the_report_is_done(ledger, reads, monkeypatch, second_core):
    """Where a second core is free a forked copy of lax writes the kept figures while the report renders;
    elsewhere (Windows, one CPU, a busy machine) they are written before rendering. Either way they are in
    place, whole, when the command returns, and read back as the same report."""
    from lax.ledger import parallel

    monkeypatch.setattr(parallel, "fork_available", lambda: second_core)
    started = []
    original = parallel.start
    monkeypatch.setattr(parallel, "start", lambda work, items: started.append(1) or original(work, items))
    first = _report(ledger, "--format", "html")
    assert started == [1]
    [path] = _kept(ledger)
    assert path.read_bytes().startswith(b"lax-report-context 1\n")
    assert not [p for p in (ledger / ".cache").iterdir() if p.name.startswith(".lax-tmp") or "tmp" in p.suffix]
    assert _report(ledger, "--format", "html") == first
    assert reads == [False, True]


def test_a_failed_writer_keeps_nothing_and_fails_nothing(ledger, reads, monkeypatch):
    """A worker that dies (here: marshal refuses what it is given) leaves no kept file and no temporary file;
    the report is written as usual and the next one computes its figures again."""
    import marshal

    def refuse(value, *args):
        raise ValueError("unmarshallable object")

    with monkeypatch.context() as m:
        m.setattr(marshal, "dumps", refuse)
        first = _report(ledger)
    assert _kept(ledger) == []
    cache_dir = ledger / ".cache"
    assert not cache_dir.exists() or not [p for p in cache_dir.iterdir() if "tmp" in p.name]
    assert _computed(ledger) == first
    assert reads == [False]
