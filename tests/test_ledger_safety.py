"""Two real processes writing one village keep every event; a writer killed mid-write leaves the old file."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import Policy
from lax.ledger import load_entries, read_village

POLICY = Policy(6, 12, 70)
ROOT = Path(__file__).resolve().parent.parent


def env(**extra: str) -> dict:
    e = dict(os.environ)
    e.pop("LAX_TEST_WRITE_DELAY", None)
    e.update({"LAX_TODAY": "2026-12-01", "PYTHONPATH": str(ROOT), **extra})
    return e


def lax_proc(led: Path, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "lax", "ledger", *args, "--ledger", str(led)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(**extra),
    )


def run(led: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lax", "ledger", *args, "--ledger", str(led)],
        capture_output=True,
        text=True,
        env=env(),
        timeout=120,
    )


def seed(tmp_path: Path) -> Path:
    """One village opened and planned, in-process: the set-up, before the real processes under test start."""
    led = tmp_path / "ledger"
    for args in (
        ["open", "宋三村", "--township", "邓埠镇", "--standards", "C05,C13", "--date", "2026-09-30"],
        ["plan", "宋三村", "--measure", "县乡联合督导", "--date", "2026-10-10"],
    ):
        r = CliRunner().invoke(app, ["ledger", *args, "--ledger", str(led)], env={"LAX_TODAY": "2026-12-01"})
        assert r.exit_code == 0, r.stderr
    return led


def notes(led: Path) -> list[str]:
    checked = read_village(led / "邓埠镇-宋三村.yaml", POLICY)
    assert checked.problems == (), checked.problems
    return [e.data["note"] for e in checked.entry.events if e.type == "progress"]


WORKER = textwrap.dedent("""
    import sys
    from lax.cli import app
    led, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(count):
        try:
            app(["ledger", "progress", "宋三村", f"{name}-{i}", "--funds", "100", "--date", "2026-11-15",
                 "--ledger", led], standalone_mode=False)
        except SystemExit as e:
            if e.code:
                raise
""")


def test_concurrent_writers_keep_every_event(tmp_path):
    led = seed(tmp_path)
    # Twelve events each: every write re-reads and rewrites the growing village file, so the cost grows with the
    # square of the count, while the three writers still take turns at the lock many times over.
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(led), f"w{k}", "12"],
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(3)
    ]
    for w in workers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
    got = notes(led)
    assert sorted(got) == sorted(f"w{k}-{i}" for k in range(3) for i in range(12))
    # Each writer's own events stay in its order.
    for k in range(3):
        mine = [n for n in got if n.startswith(f"w{k}-")]
        assert mine == [f"w{k}-{i}" for i in range(12)]
    assert run(led, "verify").returncode == 0


def test_two_lax_commands_at_once(tmp_path):
    led = seed(tmp_path)
    procs = [
        lax_proc(led, "progress", "宋三村", f"p{k}-{i}", "--date", "2026-11-15") for i in range(2) for k in range(2)
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    assert sorted(notes(led)) == sorted(f"p{k}-{i}" for i in range(2) for k in range(2))


def test_a_writer_waits_for_the_lock_and_both_events_are_kept(tmp_path):
    led = seed(tmp_path)
    slow = lax_proc(led, "progress", "宋三村", "慢的一条", "--date", "2026-11-15", LAX_TEST_WRITE_DELAY="1.5")
    _wait_for_temp(led)
    fast = lax_proc(led, "progress", "宋三村", "快的一条", "--date", "2026-11-16")
    for p in (slow, fast):
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert notes(led) == ["慢的一条", "快的一条"]


def _wait_for_temp(led: Path, timeout: float = 60) -> Path:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        temps = list(led.glob(".tmp-*.yaml"))
        if temps:
            return temps[0]
        time.sleep(0.01)
    raise AssertionError("the writer never reached its temporary file")


def test_a_writer_killed_mid_write_leaves_the_old_file(tmp_path):
    led = seed(tmp_path)
    path = led / "邓埠镇-宋三村.yaml"
    before = path.read_bytes()
    p = lax_proc(led, "progress", "宋三村", "写到一半", "--date", "2026-11-15", LAX_TEST_WRITE_DELAY="30")
    temp = _wait_for_temp(led)
    time.sleep(0.2)  # the new text is in the temporary file, not yet renamed
    p.send_signal(signal.SIGKILL)
    p.communicate(timeout=60)
    assert p.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    assert temp.exists()
    # verify names the leftover; the next write (under the lock) clears it and succeeds.
    r = run(led, "verify")
    assert r.returncode == 2 and "left over from an interrupted write" in r.stdout
    entries, problems = load_entries(led)
    assert problems == [] and len(entries) == 1
    r = run(led, "progress", "宋三村", "重新记录", "--date", "2026-11-15")
    assert r.returncode == 0, r.stderr
    assert not list(led.glob(".tmp-*"))
    assert notes(led) == ["重新记录"]


def test_killed_at_random_moments_the_file_is_old_or_new(tmp_path):
    led = seed(tmp_path)
    path = led / "邓埠镇-宋三村.yaml"
    rng = random.Random(20260930)
    for i in range(6):
        old = path.read_bytes()
        p = lax_proc(led, "progress", "宋三村", f"第{i}次", "--date", "2026-11-15")
        time.sleep(rng.uniform(0.05, 0.6))
        p.send_signal(signal.SIGKILL)
        p.communicate(timeout=60)
        now = path.read_bytes()
        checked = read_village(path, POLICY)
        assert checked.problems == () and checked.entry is not None
        if now != old:
            assert now.startswith(old)  # the old text plus one appended event
            assert checked.entry.events[-1].data["note"] == f"第{i}次"
