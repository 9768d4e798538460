"""A cold read of a large ledger on two cores (`lax.ledger.parallel`): the same entries, problems, messages
(English and Chinese), entry cache and `ledger list` output as the one-process reading, and the same when
the worker cannot be had (no fork) or fails (killed, an error); no process left behind, also on Ctrl-C."""

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lax.ledger.parallel as parallel
import lax.ledger.store as store
from lax.cli import app
from lax.criteria import Policy
from lax.i18n import get_lang, set_lang
from lax.ledger import dump_village, village_file_name
from lax.lifecycle import Event, add_months

ROOT = Path(__file__).resolve().parent.parent
POLICY = Policy(6, 12, 70)
CRITERIA = {f"C{i:02d}" for i in range(1, 16)}
TOWNSHIPS = ["邓埠镇", "黄溪镇", "洪湖乡", "马荃镇", "杨溪乡", "春涛乡", "锦江镇", "画桥镇"]
SYLLABLES = "宋三塔洲新店东阳塘桥方丘墩上罗坪西畈渡口石门柏树龙岗桃源竹林枫林高桥杨家李家王家陈家"
COUNT = 2400  # village files: above the real threshold, so a `python -m lax` over them uses the worker

needs_fork = pytest.mark.skipif(
    not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="no fork, or one CPU, here"
)


@pytest.fixture(autouse=True)
def idle_machine(monkeypatch):
    """The tests' machine may be busy with other work: the worker is used whatever the other CPUs do, but
    where a test says otherwise (`free_core`, tested on its own)."""
    monkeypatch.setattr(parallel, "free_core", lambda cpus: True)


def _events(rng: random.Random, start: dt.date) -> list[Event]:
    """A history as lax writes it, stopped at a random stage (identified ... closed, or a rebound)."""
    criteria = sorted(rng.sample(sorted(CRITERIA), rng.choice([1, 1, 2, 3])))
    rec = {"by": "张丽", "at": f"{start.isoformat()}T09:30:00+08:00"}
    evs = [
        Event(
            start,
            "identified",
            {
                "channel": rng.choice(["self", "mass", "spot", "department"]),
                "criteria": criteria,
                "evidence": {criteria[0]: {"cadre_violations": rng.randint(1, 3)}},
                "deadline": add_months(start, 6),
                "source": {"path": "2026年第三季度排查.xlsx", "sheet": "排查表", "row": rng.randint(2, 300)},
                "recorded": rec,
            },
        )
    ]
    stage = rng.random()
    d = start + dt.timedelta(days=rng.randint(3, 20))
    if stage < 0.15:
        return evs
    evs.append(Event(d, "planned", {"measures": ["召开党员大会重新选举", "县乡联合督导"], "township_leader": "李明"}))
    d += dt.timedelta(days=rng.randint(20, 60))
    evs.append(Event(d, "progress", {"note": "完成支部换届选举", "funds": rng.randint(0, 50) * 1000}))
    if stage < 0.4:
        return evs
    d += dt.timedelta(days=rng.randint(30, 90))
    if rng.random() < 0.2:
        evs.append(
            Event(d, "acceptance", {"passed": False, "score": rng.randint(50, 69), "deadline": add_months(d, 3)})
        )
        d += dt.timedelta(days=rng.randint(30, 80))
    evs.append(Event(d, "acceptance", {"passed": True, "score": rng.randint(70, 95), "by": "县委组织部"}))
    if stage < 0.7:
        return evs
    if stage < 0.8:
        later = d + dt.timedelta(days=100)
        evs.append(
            Event(
                later, "reopened", {"reason": "再次出现越级访", "criteria": ["C12"], "deadline": add_months(later, 6)}
            )
        )
        return evs
    evs.append(Event(add_months(d, 12), "closed", {}))
    return evs


BROKEN = {
    # name -> text: spread over the name order, so some fall in the worker's share and some in this process's
    "邓埠镇-坏日期村.yaml": "township: 邓埠镇\nvillage: 坏日期村\ncode: null\nevents:\n- date: 2026-13-40\n  type: identified\n"
    "  channel: self\n  criteria: [C05]\n",
    "黄溪镇-重复键村.yaml": "township: 黄溪镇\nvillage: 重复键村\ncode: null\ncode: '360622000001'\nevents: []\n",
    "洪湖乡-控制符村.yaml": 'township: 洪湖乡\nvillage: "控制符\\x07村"\ncode: null\nevents: []\n',
    "锦江镇-未知事件村.yaml": "township: 锦江镇\nvillage: 未知事件村\ncode: null\nevents:\n- date: 2026-09-30\n"
    "  type: inspected\n  note: 县里来查\n",
    "画桥镇-未知标准村.yaml": "township: 画桥镇\nvillage: 未知标准村\ncode: null\nevents:\n- date: 2026-09-30\n"
    "  type: identified\n  channel: self\n  criteria: [C99]\n",
    "杨溪乡-先验收村.yaml": "township: 杨溪乡\nvillage: 先验收村\ncode: null\nevents:\n- date: 2026-09-30\n"
    "  type: acceptance\n  passed: true\n  score: 80\n",
    "春涛乡-手写村.yaml": "# 手工录入\ntownship: 春涛乡\nvillage: 手写村\ncode: null\nevents:\n"
    "- {date: 2026-09-30, type: identified, channel: self, criteria: [C03]}\n",
    "马荃镇-不是映射村.yaml": "- 马荃镇\n- 不是映射村\n",
}


def _build(folder: Path, count: int = COUNT) -> Path:
    rng = random.Random(2026)
    folder.mkdir(parents=True)
    seen = set()
    for i in range(count):
        township = TOWNSHIPS[i % len(TOWNSHIPS)]
        name = "".join(rng.sample(SYLLABLES, 2)) + "村"
        code = f"3606{22 + i // 5000:02d}{i % 5000:06d}"
        file = village_file_name(township, name)
        if file in seen:
            file = village_file_name(township, name, code)
        seen.add(file)
        start = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 540))
        (folder / file).write_text(dump_village(township, name, code, _events(rng, start)), encoding="utf-8")
    for name, text in BROKEN.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "邓埠镇-宋三村.yml").write_text("township: 邓埠镇\nvillage: 宋三村\nevents: []\n", encoding="utf-8")
    past = time.time() - 86400  # at rest: fresh files are never trusted to the entry cache
    for p in folder.iterdir():
        os.utime(p, (past, past))
    return folder


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("par") / "ledger")


def _shape(entries, problems):
    """Everything a reading gives, as plain values to compare."""
    return (
        [
            (str(e.path), e.township, e.village, e.code, [(ev.date, ev.type, ev.data, ev.line) for ev in e.events])
            for e in entries
        ],
        [(p.code, p.path, p.line, p.message) for p in problems],
    )


def _read(folder, monkeypatch, threshold, use_cache=False):
    """One reading with the worker's threshold set; (its shape, whether a worker was started)."""
    started = []
    real_start = parallel.start

    def spy(work, items):
        share = real_start(work, items)
        started.append(share is not None)
        return share

    with monkeypatch.context() as m:
        m.setattr(parallel, "THRESHOLD", threshold)
        m.setattr(parallel, "start", spy)
        entries, problems = store.load_entries_checked(folder, CRITERIA, POLICY, use_cache=use_cache)
    return _shape(entries, problems), any(started)


@needs_fork
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_worker_reads_as_this_process_reads(ledger, monkeypatch, lang):
    before = get_lang()
    set_lang(lang)
    try:
        serial, used = _read(ledger, monkeypatch, 10**9)
        assert not used
        both, used = _read(ledger, monkeypatch, 100)
        assert used
    finally:
        set_lang(before)
    assert both == serial
    entries, problems = serial
    # the broken files that still give an entry: 坏日期 and 未知事件 (without that event), 未知标准, 先验收, 手写
    assert len(entries) == COUNT + 5
    codes = {(Path(path).name, code) for code, path, _line, _msg in problems}
    assert {
        ("邓埠镇-坏日期村.yaml", "bad-date"),
        ("黄溪镇-重复键村.yaml", "duplicate-key"),
        ("洪湖乡-控制符村.yaml", "control-character"),
        ("锦江镇-未知事件村.yaml", "unknown-event-type"),
        ("画桥镇-未知标准村.yaml", "unknown-standard"),
        ("杨溪乡-先验收村.yaml", "impossible-step"),
        ("马荃镇-不是映射村.yaml", "bad-structure"),
        ("邓埠镇-宋三村.yml", "stray-file"),
    } <= codes
    message = next(msg for code, path, _line, msg in problems if code == "bad-date")
    assert message == ("date：“2026-13-40”不是有效日期" if lang == "zh" else "date: '2026-13-40' is not a valid date")


@needs_fork
def test_the_entry_cache_written_is_the_same(tmp_path, monkeypatch):
    folder = _build(tmp_path / "ledger", 600)
    cache = folder / ".cache" / "ledger.json"
    serial, _used = _read(folder, monkeypatch, 10**9, use_cache=True)
    written = json.loads(cache.read_text("utf-8"))
    cache.unlink()
    both, used = _read(folder, monkeypatch, 100, use_cache=True)
    assert used and both == serial
    assert json.loads(cache.read_text("utf-8")) == written
    assert len(written["files"]) == 600 + 3  # every problem-free file (no file with a problem is cached)
    # warm: every entry from the cache, the same again
    again, used = _read(folder, monkeypatch, 100, use_cache=True)
    assert not used and again == serial


@needs_fork
def test_files_the_cache_does_not_serve_go_to_the_worker(tmp_path, monkeypatch):
    folder = _build(tmp_path / "ledger", 600)
    _read(folder, monkeypatch, 10**9, use_cache=True)
    # 300 files edited by hand since (the same text, written again: new timestamps, so a new key each)
    past = time.time() - 3600
    for p in sorted(folder.glob("*.yaml"))[::2]:
        p.write_text(p.read_text("utf-8"), encoding="utf-8")
        os.utime(p, (past, past))
    serial, used = _read(folder, monkeypatch, 10**9, use_cache=False)
    both, used = _read(folder, monkeypatch, 250, use_cache=True)
    assert used and both == serial
    handed = []
    real_start = parallel.start
    monkeypatch.setattr(parallel, "THRESHOLD", 250)
    monkeypatch.setattr(parallel, "start", lambda work, items: handed.append(len(items)) or real_start(work, items))
    (folder / ".cache" / "ledger.json").unlink()
    store.load_entries_checked(folder, CRITERIA, POLICY)  # all 611 to read: the worker takes half
    assert handed == [int(len(list(folder.glob("*.yaml"))) * parallel.SHARE)]
    handed.clear()
    store.load_entries_checked(folder, CRITERIA, POLICY)  # all from the cache now: nothing to hand over
    assert handed == []


def test_without_fork_the_reading_is_the_same(ledger, monkeypatch):
    serial, _used = _read(ledger, monkeypatch, 10**9)
    monkeypatch.delattr(os, "fork")
    assert not parallel.fork_available()
    again, used = _read(ledger, monkeypatch, 100)
    assert not used and again == serial


def test_with_every_other_cpu_busy_the_reading_is_the_same(ledger, monkeypatch, tmp_path):
    serial, _used = _read(ledger, monkeypatch, 10**9)
    loadavg = tmp_path / "loadavg"
    real_open = open

    def proc_open(path, *args, **kwargs):  # /proc/loadavg as it reads with N processes running now
        return real_open(loadavg if path == "/proc/loadavg" else path, *args, **kwargs)

    monkeypatch.undo()  # the real `free_core`, reading the file
    monkeypatch.setattr("builtins.open", proc_open)
    for running, free in ((1, True), (2, False), (5, False)):
        loadavg.write_text(f"1.69 2.37 2.29 {running}/90 31490\n")
        assert parallel.free_core(2) is free
        assert parallel.free_core(8) is True
    again, used = _read(ledger, monkeypatch, 100)
    assert not used and again == serial
    loadavg.write_text("garbled\n")
    assert parallel.free_core(2) is True  # unreadable: the worker is worth trying


def test_with_one_cpu_the_reading_is_the_same(ledger, monkeypatch):
    serial, _used = _read(ledger, monkeypatch, 10**9)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not parallel.fork_available()
    again, used = _read(ledger, monkeypatch, 100)
    assert not used and again == serial


@needs_fork
@pytest.mark.parametrize("how", ["error", "killed", "exit"])
def test_a_failed_worker_leaves_the_files_to_this_process(ledger, monkeypatch, how):
    serial, _used = _read(ledger, monkeypatch, 10**9)
    real = store._clean_item
    count = []

    def failing(path):  # runs in the worker only: this process reads the worker's files itself afterwards
        count.append(path)
        if len(count) == 50:
            if how == "error":
                raise OSError("disk gone")
            if how == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            os._exit(0)  # ends without an answer
        return real(path)

    monkeypatch.setattr(store, "_clean_item", failing)
    again, used = _read(ledger, monkeypatch, 100)
    assert used and again == serial
    assert count == []  # nothing of the worker's ran here
    assert _children() == []


def _children() -> list[str]:
    """This process's child processes (Linux), to see that no worker is left behind."""
    try:
        tasks = Path(f"/proc/{os.getpid()}/task").iterdir()
        return [c for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return []


def _lax(args, serial=False, mark=None):
    """`python -m lax ARGS` in a subprocess (with the worker's threshold out of reach when `serial`)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), LAX_TODAY="2027-06-30")
    if serial:
        code = "import lax.ledger.parallel as p; p.THRESHOLD = 10**9; from lax.cli import main; main()"
        cmd = [sys.executable, "-c", code, *args]
    elif mark is not None:  # the real threshold; a worker started is noted in the file `mark`
        code = (
            "import sys, lax.ledger.parallel as p\n"
            "p.free_core = lambda cpus: True  # the machine may be busy with other tests\n"
            "start = p.start\n"
            "def noted(work, items):\n"
            "    share = start(work, items)\n"
            f"    open({str(mark)!r}, 'a').write(f'{{len(items)}} {{share is not None}}\\n')\n"
            "    return share\n"
            "p.start = noted\n"
            "from lax.cli import main; main()\n"
        )
        cmd = [sys.executable, "-c", code, *args]
    else:
        cmd = [sys.executable, "-m", "lax", *args]
    return subprocess.run(cmd, capture_output=True, env=env)


@needs_fork
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ledger_list_over_the_cli_is_the_serial_one_byte_for_byte(ledger, tmp_path, lang):
    args = ["ledger", "list", "--format", "json", "--ledger", str(ledger), "--lang", lang]
    cache = ledger / ".cache"
    for p in cache.glob("*"):
        p.unlink()
    serial = _lax(args, serial=True)
    for p in cache.glob("*"):
        p.unlink()
    both = _lax(args, mark=tmp_path / "started")
    assert (tmp_path / "started").read_text() == f"{(COUNT + len(BROKEN)) // 2} True\n"
    assert serial.returncode == both.returncode == 2  # the ledger's problems are said, and the exit says so
    assert both.stdout == serial.stdout
    assert both.stderr == serial.stderr
    assert len(json.loads(both.stdout)["villages"]) == COUNT + 2  # and 未知标准, 手写: a round opened
    assert "2026-13-40" in both.stderr.decode("utf-8")


@needs_fork
def test_ledger_list_in_process_is_the_serial_one(ledger, monkeypatch):
    runner = CliRunner()
    args = ["ledger", "list", "--format", "json", "--ledger", str(ledger), "--as-of", "2027-06-30"]
    outputs = []
    for threshold in (10**9, 100):
        monkeypatch.setattr(parallel, "THRESHOLD", threshold)
        for p in (ledger / ".cache").glob("*"):
            p.unlink()
        result = runner.invoke(app, args)
        outputs.append((result.exit_code, result.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 2
    assert _children() == []


@needs_fork
@pytest.mark.parametrize("to", ["group", "lax"])
def test_ctrl_c_leaves_no_process_behind(ledger, tmp_path, to):
    # A worker that takes its time, and lax waiting for it: the interrupt comes while both run. A terminal's
    # Ctrl-C goes to the whole group; a `kill -INT` to lax alone, whose worker lax then ends itself.
    code = (
        "import sys, time, lax.ledger.store as s, lax.ledger.parallel as p\n"
        "p.free_core = lambda cpus: True\n"
        "real = s._clean_item\n"
        "def slow(path):\n"
        "    time.sleep(0.01)\n"
        "    return real(path)\n"
        "s._clean_item = slow\n"
        "results = p.Share.results\n"
        "def waiting(self):\n"
        "    print('worker', self.pid, file=sys.stderr, flush=True)\n"
        "    time.sleep(60)\n"
        "    return results(self)\n"
        "p.Share.results = waiting\n"
        "from lax.cli import main; main()\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), LAX_TODAY="2027-06-30")
    for p in (ledger / ".cache").glob("*"):
        p.unlink()  # cold: an earlier test's caches would answer at once
    out_file = (tmp_path / "out").open("wb")  # not a pipe: a full one would hold lax up before it reads
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "ledger", "list", "--ledger", str(ledger), "--format", "json"],
        stdout=out_file,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        line = proc.stderr.readline().decode()
        assert line.startswith("worker ")
        worker = int(line.split()[1])
        os.kill(worker, 0)  # running
        if to == "group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
        assert proc.returncode == 130
        assert err.decode("utf-8") == "interrupted\n"
        assert (tmp_path / "out").read_bytes() == b""
        with pytest.raises(ProcessLookupError):
            os.kill(worker, 0)
        with pytest.raises(ProcessLookupError):
            os.killpg(proc.pid, 0)  # nothing of that lax's is left
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        out_file.close()


def test_the_fast_parsers_character_check_is_the_set_it_says():
    """`_NOT_FAST`, written as the characters it leaves out, is the complement of the characters the exact
    parser reads, over every code point."""
    import re

    from lax.ledger.fileformat import _NOT_FAST

    reads = re.compile("[\n -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
    assert [c for c in range(0x110000) if bool(_NOT_FAST.match(chr(c))) == bool(reads.match(chr(c)))] == []
