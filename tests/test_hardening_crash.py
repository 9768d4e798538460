"""Crash safety and concurrency of the ledger with real processes (docs/ledger.md, "Safety").

- Several writers at once, on one village and on many, by `lax ledger` and by `lax check --record`: no event
  is lost, no village gets two files, `lax ledger verify` is clean afterwards.
- Writers killed with SIGKILL at random moments: every event a writer had acknowledged (its command had
  finished) is in the file, the file is the old one or the new one, and after the next write verify is clean.
- A full disk — a file-size limit (RLIMIT_FSIZE, no privileges needed), a tiny tmpfs when mounting is
  allowed, or a failing fsync — makes a command exit non-zero with one line, leaving the old file as it was.

(tests/test_ledger_safety.py already covers two writers on one village and a kill during the rename.)
"""

from __future__ import annotations

import errno
import os
import random
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from helpers import township_xlsx
from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import Policy
from lax.ledger import load_entries, read_village

ROOT = Path(__file__).resolve().parent.parent
POLICY = Policy(6, 12, 70)
IDS = {f"C{k:02d}" for k in range(1, 16)}
runner = CliRunner()


def env(**extra: str) -> dict:
    e = {
        k: v for k, v in os.environ.items() if k not in ("LAX_TEST_WRITE_DELAY", "LAX_DEBUG", "LAX_LEDGER", "LAX_LANG")
    }
    e.update({"LAX_TODAY": "2026-12-01", "PYTHONPATH": str(ROOT), **extra})
    return e


def lax(*args: str, preexec=None, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lax", *map(str, args)],
        capture_output=True,
        text=True,
        env=env(**extra),
        timeout=120,
        preexec_fn=preexec,
    )


def here(*args: str):
    """`lax ARGS` in this process, for the commands that only read or write files after the real processes under
    test have finished or been killed (a tenth of a `python -m lax`'s start-up)."""
    return runner.invoke(app, [*map(str, args)], env={"LAX_TODAY": "2026-12-01", "LAX_TEST_WRITE_DELAY": None})


def verify_clean(led: Path) -> None:
    r = here("ledger", "verify", "--ledger", led)
    assert r.exit_code == 0, r.stdout + r.stderr


def notes(path: Path) -> list[str]:
    checked = read_village(path, POLICY, IDS)
    assert checked.problems == (), checked.problems
    return [e.data["note"] for e in checked.entry.events if e.type == "progress"]


# ------------------------------------------------------------------------------------ many writers at once

WRITER = textwrap.dedent("""
    import sys
    from lax.cli import app
    led, me, villages, count = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4])

    def run(*args):
        try:
            app([*args, "--ledger", led], standalone_mode=False)
        except SystemExit as e:
            if e.code:
                raise

    for v in villages:  # new villages, each its own file, in shared townships
        township, village = v.split("/")
        run("ledger", "open", village, "--township", township, "--standards", "C05", "--date", "2026-09-30")
        run("ledger", "plan", f"{township}/{village}", "--measure", "县乡联合督导", "--date", "2026-10-10")
    for i in range(count):  # and all of them on one village
        run("ledger", "progress", "洪湖乡/东阳村", f"{me}-{i}", "--funds", "100", "--date", "2026-11-15")
        print(f"ack {me}-{i}", flush=True)
""")

TOWNSHIPS = ["洪湖乡", "黄庄乡", "杨溪乡"]


def test_many_writers_on_many_villages_and_on_one_lose_nothing(tmp_path):
    led = tmp_path / "ledger"
    r = lax(
        "ledger",
        "open",
        "东阳村",
        "--township",
        "洪湖乡",
        "--standards",
        "C07",
        "--date",
        "2026-09-30",
        "--ledger",
        led,
    )
    assert r.returncode == 0, r.stderr
    # Three writers, each opening three villages of its own and then writing six events on one shared village:
    # enough for them to take turns at the township's and the village's lock many times.
    writers, mine = [], {}
    for k in range(3):
        villages = [f"{TOWNSHIPS[(k + j) % 3]}/新村{k}{j}" for j in range(3)]
        mine[f"w{k}"] = villages
        writers.append(
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(led), f"w{k}", ",".join(villages), "6"],
                env=env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for w in writers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
    entries, problems = load_entries(led, IDS, POLICY)
    assert problems == []
    assert sorted(e.label for e in entries) == sorted(["洪湖乡/东阳村"] + [v for vs in mine.values() for v in vs])
    for e in entries:
        if e.village != "东阳村":
            assert [x.type for x in e.events] == ["identified", "planned"]
    got = notes(led / "洪湖乡-东阳村.yaml")
    assert sorted(got) == sorted(f"w{k}-{i}" for k in range(3) for i in range(6))
    for k in range(3):
        assert [n for n in got if n.startswith(f"w{k}-")] == [f"w{k}-{i}" for i in range(6)]
    assert not list(led.glob(".tmp-*"))
    verify_clean(led)


def _sheet(path: Path, rows) -> Path:
    return township_xlsx(path, [("乡镇", "村名", "村代码", "换届完成", "越级访次数", "排查日期"), *rows])


ROWS = [
    ("洪湖乡", "东阳村", "360622105201", "否", 0, "2026-09-28"),
    ("洪湖乡", "塘桥村", "360622105202", "是", 2, "2026-09-28"),
    ("黄庄乡", "方丘村", "360622106201", "否", 1, "2026-09-29"),
    ("杨溪乡", "墩上村", "360622107201", "是", 0, "2026-09-29"),
    ("春涛乡", "罗坪村", "360622108201", "否", 0, "2026-09-30"),
] + [("春涛乡", f"岭下{k}村", f"3606221082{k:02d}", "否", 0, "2026-09-30") for k in range(10, 40)]


def test_the_same_check_recorded_by_three_processes_at_once_is_recorded_once(tmp_path):
    sheet = _sheet(tmp_path / "排查表.xlsx", ROWS)
    led = tmp_path / "ledger"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lax",
                "check",
                str(sheet),
                "--record",
                "--ledger",
                str(led),
                "--format",
                "json",
                "--as-of",
                "2026-10-08",
            ],
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [1, 1, 1], [o[1] for o in outs]
    last = sorted(next(x for x in o[1].splitlines() if x.startswith("ledger:")) for o in outs)  # not the notices
    assert (
        last
        == [
            "ledger: 34 opened, 0 reopened (rebound), 0 with standards added, 0 unchanged, 0 missed inclusion(s), "
            "4 submission(s); 38 file(s) written"
        ]
        + ["ledger: nothing new to record (34 flagged village(s) already recorded)"] * 2
    )
    entries, problems = load_entries(led, IDS, POLICY)
    assert problems == [] and len(entries) == 34
    assert all([x.type for x in e.events] == ["identified"] for e in entries)
    towns = sorted(p.name for p in (led / "_townships").iterdir())
    assert towns == ["春涛乡.yaml", "杨溪乡.yaml", "洪湖乡.yaml", "黄庄乡.yaml"]
    for t in (led / "_townships").iterdir():
        assert t.read_text(encoding="utf-8").count("type: submission") == 1
    verify_clean(led)


# ------------------------------------------------------------------------------- writers killed at random

ACKER = textwrap.dedent("""
    import sys
    from lax.cli import app
    led, me, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(count):
        try:
            app(["ledger", "progress", "洪湖乡/东阳村", f"{me}-{i}", "--date", "2026-11-15", "--ledger", led],
                standalone_mode=False)
        except SystemExit as e:
            if e.code:
                raise
        print(f"{me}-{i}", flush=True)  # acknowledged: the command finished and said so
""")


_PARTIAL: dict[int, bytes] = {}  # per process: the start of a line not yet complete


def _read_acks(proc: subprocess.Popen, until: float, acks: list[str]) -> None:
    fd = proc.stdout.fileno()
    buf = _PARTIAL.pop(proc.pid, b"")
    while time.monotonic() < until:
        ready, _w, _x = select.select([fd], [], [], max(0.0, until - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        acks.extend(line.decode() for line in lines if re.fullmatch(rb"r\d+w\d+-\d+", line))
    _PARTIAL[proc.pid] = buf


@pytest.mark.parametrize("delay", ["", "0.02"])
def test_writers_killed_at_random_moments_lose_no_acknowledged_event(tmp_path, delay):
    led = tmp_path / "ledger"
    r = lax(
        "ledger",
        "open",
        "东阳村",
        "--township",
        "洪湖乡",
        "--standards",
        "C07",
        "--date",
        "2026-09-30",
        "--ledger",
        led,
    )
    assert r.returncode == 0, r.stderr
    path = led / "洪湖乡-东阳村.yaml"
    rng = random.Random(f"lax-kill-{delay}")
    acked: list[str] = []
    for round_ in range(3):
        before = path.read_bytes()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", ACKER, str(led), f"r{round_}w{k}", "40"],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env(LAX_TEST_WRITE_DELAY=delay) if delay else env(),
            )
            for k in range(2)
        ]
        acks: list[list[str]] = [[], []]
        deadline = time.monotonic() + rng.uniform(0.3, 1.2)
        while time.monotonic() < deadline:
            for k, p in enumerate(procs):
                _read_acks(p, min(deadline, time.monotonic() + 0.02), acks[k])
        for p in procs:
            p.send_signal(signal.SIGKILL)
        for k, p in enumerate(procs):
            p.wait(timeout=60)
            _read_acks(p, time.monotonic() + 0.5, acks[k])  # what it said before it died
            p.stdout.close()
        now = path.read_bytes()
        checked = read_village(path, POLICY, IDS)
        assert checked.problems == (), checked.problems  # never a torn file
        assert now.startswith(before) or now == before
        got = notes(path)
        for k in range(2):
            mine = [n for n in got if n.startswith(f"r{round_}w{k}-")]
            assert mine[: len(acks[k])] == acks[k]  # every acknowledged event, in order
            assert len(mine) <= len(acks[k]) + 1  # at most the one being written when it was killed
        acked += [n for a in acks for n in a]
    assert set(acked) <= set(notes(path))
    # The next write (under the lock) clears anything a killed writer left; then verify is clean.
    r = lax("ledger", "progress", "东阳村", "收尾", "--date", "2026-11-16", "--ledger", led)
    assert r.returncode == 0, r.stderr
    assert not list(led.glob(".tmp-*"))
    verify_clean(led)


def test_a_check_record_killed_half_way_completes_when_run_again(tmp_path):
    sheet = _sheet(tmp_path / "排查表.xlsx", ROWS)
    clean = tmp_path / "clean"
    r = here("check", sheet, "--record", "--ledger", clean, "--format", "json", "--as-of", "2026-10-08")
    assert r.exit_code == 1, r.stderr
    want = here("ledger", "list", "--format", "json", "--ledger", clean).stdout
    rng = random.Random(20261008)
    for attempt in range(2):
        led = tmp_path / f"killed{attempt}"
        p = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lax",
                "check",
                str(sheet),
                "--record",
                "--ledger",
                str(led),
                "--format",
                "json",
                "--as-of",
                "2026-10-08",
            ],
            env=env(LAX_TEST_WRITE_DELAY="0.01"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 0.9))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        if led.exists():
            entries, problems = load_entries(led, IDS, POLICY)
            assert problems == []  # whatever was written is whole
        r = here("check", sheet, "--record", "--ledger", led, "--format", "json", "--as-of", "2026-10-08")
        assert r.exit_code == 1, r.stderr
        assert here("ledger", "list", "--format", "json", "--ledger", led).stdout == want
        verify_clean(led)


# ------------------------------------------------------------------------------------------ a full disk


def file_size_limit(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.fixture
def seeded(tmp_path) -> Path:
    led = tmp_path / "ledger"
    for args in (
        ["open", "东阳村", "--township", "洪湖乡", "--standards", "C07", "--date", "2026-09-30"],
        ["plan", "东阳村", "--measure", "县乡联合督导", "--date", "2026-10-10"],
    ):
        r = here("ledger", *args, "--ledger", led)  # the set-up: only the full disk below needs a process
        assert r.exit_code == 0, r.stderr
    return led


def test_a_full_disk_while_appending_leaves_the_old_file(seeded):
    path = seeded / "洪湖乡-东阳村.yaml"
    before = path.read_bytes()
    r = lax(
        "ledger",
        "progress",
        "东阳村",
        "完成支部换届选举，" * 20,
        "--funds",
        "31500",
        "--date",
        "2026-11-15",
        "--ledger",
        seeded,
        preexec=file_size_limit(len(before) + 10),
    )
    assert r.returncode == 2
    assert r.stderr == f"cannot write {path}: File too large\n"
    assert path.read_bytes() == before and not list(seeded.glob(".tmp-*"))
    verify_clean(seeded)


def test_a_full_disk_while_recording_a_check_leaves_the_ledger_as_it_was(seeded, tmp_path):
    sheet = _sheet(tmp_path / "排查表.xlsx", ROWS[:5])
    snapshot = {p: p.read_bytes() for p in seeded.rglob("*.yaml")}
    r = lax(
        "check",
        sheet,
        "--record",
        "--ledger",
        seeded,
        "--format",
        "json",
        "--as-of",
        "2026-11-20",
        preexec=file_size_limit(120),
    )
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("cannot write ") and r.stderr.strip().endswith("File too large")
    # Files written before the disk filled are whole; the rest are untouched; nothing half-written.
    entries, problems = load_entries(seeded, IDS, POLICY)
    assert problems == []
    for p, data in snapshot.items():
        assert p.read_bytes() == data
    assert not list(seeded.rglob(".tmp-*"))


OUTPUTS = [
    (["check", "{sheet}", "--format", "json", "--output", "{out}.json"], "json"),
    (["check", "{sheet}", "--format", "csv", "--output", "{out}.csv"], "csv"),
    (["check", "{sheet}", "--format", "xlsx", "--output", "{out}.xlsx"], "xlsx"),
    (["check", "{sheet}", "--output", "{out}.txt"], "txt"),
    (["ledger", "list", "--format", "json", "--output", "{out}.json", "--ledger", "{led}"], "json"),
    (["ledger", "list", "--format", "csv", "--output", "{out}.csv", "--ledger", "{led}"], "csv"),
    (["ledger", "list", "--format", "xlsx", "--output", "{out}.xlsx", "--ledger", "{led}"], "xlsx"),
    (["ledger", "export", "{out}.xlsx", "--ledger", "{led}"], "xlsx"),
    (["form", "{out}.xlsx"], "xlsx"),
    (["report", "--quarter", "2026Q4", "--format", "md", "--output", "{out}.md", "--ledger", "{led}"], "md"),
    (["report", "--quarter", "2026Q4", "--format", "docx", "--output", "{out}.docx", "--ledger", "{led}"], "docx"),
]


@pytest.mark.parametrize("args, kind", OUTPUTS, ids=[" ".join(a[:2]) + " " + k for a, k in OUTPUTS])
def test_a_full_disk_while_writing_an_output_leaves_the_old_output(seeded, tmp_path, args, kind):
    sheet = _sheet(tmp_path / "排查表.xlsx", ROWS)
    out = tmp_path / "result"
    args = [a.format(sheet=sheet, out=out, led=seeded) for a in args]
    target = Path(next(a for a in args if a.startswith(str(out))))
    first = here(*args)  # the old output, written in-process; the process with the file-size limit is below
    assert first.exit_code in (0, 1), first.stderr
    before = target.read_bytes()
    assert len(before) > 150
    r = lax(*args, preexec=file_size_limit(len(before) // 2))
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "File too large" in lines[0] and str(target) in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_failing_fsync_leaves_the_old_file_and_says_so_in_one_line(seeded, monkeypatch):
    path = seeded / "洪湖乡-东阳村.yaml"
    before = path.read_bytes()

    def broken_fsync(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    r = runner.invoke(app, ["ledger", "progress", "东阳村", "进展", "--date", "2026-11-15", "--ledger", str(seeded)])
    assert r.exit_code == 2
    assert r.stderr == f"cannot write {path}: Input/output error\n"
    assert path.read_bytes() == before and not list(seeded.glob(".tmp-*"))


def test_a_tiny_filesystem_that_fills_up(tmp_path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "small"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("mount is not allowed here: " + r.stderr.decode(errors="replace").strip())
    try:
        led = mnt / "ledger"
        r = lax(
            "ledger",
            "open",
            "东阳村",
            "--township",
            "洪湖乡",
            "--standards",
            "C07",
            "--date",
            "2026-09-30",
            "--ledger",
            led,
        )
        assert r.returncode == 0, r.stderr
        path = led / "洪湖乡-东阳村.yaml"
        before = path.read_bytes()
        filler = mnt / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)  # fill the disk to its last byte
        try:
            for size in (4096, 1):
                while True:
                    try:
                        os.write(fd, b"\0" * size)
                    except OSError:
                        break
        finally:
            os.close(fd)
        r = lax("ledger", "progress", "东阳村", "完成支部换届选举" * 200, "--date", "2026-11-15", "--ledger", led)
        assert r.returncode == 2, r.stderr
        assert r.stderr == f"cannot write {path}: No space left on device\n"
        assert path.read_bytes() == before and not list(led.glob(".tmp-*"))
        filler.unlink()
        r = lax("ledger", "progress", "东阳村", "腾出空间后重新记录", "--date", "2026-11-15", "--ledger", led)
        assert r.returncode == 0, r.stderr
        verify_clean(led)
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
