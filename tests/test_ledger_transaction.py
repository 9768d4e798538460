"""`lax check --record` records first, then prints; one record lands whole or not at all (issue 10).

Real processes throughout, since a closed pipe, a kill and a full disk are what is tested:

- a pager that closes the pipe early (`| head -c 100`, or the read end closed before the first byte), a
  stdout redirected to a full disk, a closed stdout: the ledger is recorded all the same, then one line on
  stderr and exit 2 (never 0 or 1 as if all went well, never `internal error`);
- a writer killed between the renames of one record (os.replace patched in a `python -c` child): the next
  command, reading or writing, finishes the record from its journal; killed before the journal, or with a
  journal whose files do not hold, the record is undone;
- a full disk (a small tmpfs, or RLIMIT_FSIZE) while the township file of a record is written after its
  village files: nothing is written, one line naming the file, exit 2.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import township_xlsx

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["乡镇", "村名", "村代码", "换届完成", "越级访次数", "排查日期"]
ROWS = [
    ("洪湖乡", "东阳村", "360622105201", "否", 0, "2026-09-28"),
    ("洪湖乡", "塘桥村", "360622105202", "是", 2, "2026-09-28"),
    ("黄溪镇", "东阳村", "360622106201", "否", 1, "2026-09-29"),
    ("邓埠镇", "宋三村", "360622107201", "否", 0, "2026-09-29"),
    ("邓埠镇", "渡口村", "360622107202", "是", 0, "2026-09-29"),
]


def env(**extra: str) -> dict:
    e = {
        k: v for k, v in os.environ.items() if k not in ("LAX_TEST_WRITE_DELAY", "LAX_DEBUG", "LAX_LEDGER", "LAX_LANG")
    }
    e.update({"LAX_TODAY": "2026-10-08", "PYTHONPATH": str(ROOT), **extra})
    return e


def lax(*args, preexec=None, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lax", *map(str, args)],
        capture_output=True,
        text=True,
        env=env(**extra),
        timeout=300,
        preexec_fn=preexec,
    )


def sheet(path: Path, rows) -> Path:
    return township_xlsx(path, [HEADER, *rows])


def many(n: int) -> list[tuple]:
    """n flagged villages (换届未完成) in three townships."""
    towns = ["洪湖乡", "黄溪镇", "邓埠镇"]
    return [(towns[k % 3], f"岭下{k}村", f"360622{k:06d}", "否", 0, "2026-09-28") for k in range(n)]


def files(led: Path) -> dict[str, bytes]:
    """Every ledger file a person sees (not the lock or the cache), by path inside the ledger."""
    return {
        str(p.relative_to(led)): p.read_bytes()
        for p in sorted(led.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(led).parts)
    }


def leftovers(led: Path) -> list[str]:
    return sorted(str(p.relative_to(led)) for p in led.rglob("*") if p.name.startswith((".tmp-", ".journal")))


def listed(led: Path) -> str:
    r = lax("ledger", "list", "--format", "json", "--as-of", "2026-10-08", "--ledger", led)
    assert r.returncode == 0, r.stderr
    return r.stdout


def verify_clean(led: Path) -> None:
    r = lax("ledger", "verify", "--ledger", led)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> tuple[Path, str, list[str]]:
    """The sheet, and what a record of it that nothing disturbed gives: the list and the file names. Built once
    for the file (two `lax` processes); the tests only read the sheet and record it into ledgers of their own."""
    base = tmp_path_factory.mktemp("expected")
    s = sheet(base / "排查表.xlsx", ROWS)
    clean = base / "clean"
    r = lax("check", s, "--record", "--ledger", clean, "--as-of", "2026-10-08")
    assert r.returncode == 1, r.stderr
    return s, listed(clean), sorted(files(clean))


# ------------------------------------------------------------------------------ record first, then print


def test_a_reader_that_closes_the_pipe_at_once_still_gets_the_record_and_exit_2(expected, tmp_path):
    s, want, names = expected
    led = tmp_path / "ledger"
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lax",
            "check",
            str(s),
            "--record",
            "--all",
            "--ledger",
            str(led),
            "--as-of",
            "2026-10-08",
        ],
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    p.stdout.close()  # the pager is gone before lax prints its first line
    err = p.stderr.read().decode()
    p.wait(timeout=120)
    assert p.returncode == 2, err
    assert [x for x in err.splitlines() if not x.startswith("notice: ")] == [  # the quarter's notice aside
        "ledger: 4 opened, 0 reopened (rebound), 0 with standards added, 0 unchanged, 0 missed inclusion(s), "
        "3 submission(s); 7 file(s) written",
        "stdout: the output was cut short: the program reading it closed the pipe",
    ]
    assert listed(led) == want and sorted(files(led)) == names
    verify_clean(led)


def test_json_of_many_flagged_villages_into_head_records_them_all_and_exits_2(tmp_path):
    s = sheet(tmp_path / "排查表.xlsx", many(150))  # about 150 KB of JSON: more than a pipe holds
    led = tmp_path / "ledger"
    r = subprocess.run(
        [
            "bash",
            "-c",
            f'"{sys.executable}" -m lax check "{s}" --record --format json '
            f'--ledger "{led}" --as-of 2026-10-08 | head -c 100 > "{tmp_path / "head.txt"}"; '
            "exit ${PIPESTATUS[0]}",
        ],
        capture_output=True,
        text=True,
        env=env(),
        timeout=300,
    )
    assert r.returncode == 2, r.stderr
    assert (tmp_path / "head.txt").read_text(encoding="utf-8").startswith('{"criteria": {')
    assert r.stderr.splitlines()[-1] == "stdout: the output was cut short: the program reading it closed the pipe"
    assert "internal error" not in r.stderr and "Exception ignored" not in r.stderr
    assert len(json.loads(listed(led))["villages"]) == 150
    assert leftovers(led) == []


def test_a_closed_stdout_still_gets_the_record_and_exit_2(expected, tmp_path):
    s, want, _names = expected
    led = tmp_path / "ledger"
    r = subprocess.run(
        [
            "bash",
            "-c",
            f'"{sys.executable}" -m lax check "{s}" --record --format json --ledger "{led}" --as-of 2026-10-08 >&-',
        ],
        capture_output=True,
        text=True,
        env=env(),
        timeout=120,
    )
    assert r.returncode == 2, r.stderr
    assert r.stderr.splitlines()[-1] == "stdout: cannot write: standard output is closed"
    assert listed(led) == want


def test_stdout_on_a_full_disk_still_gets_the_record_and_exit_2(expected, tmp_path):
    s, want, _names = expected
    led = tmp_path / "ledger"
    out = tmp_path / "result.json"

    def small_files() -> None:  # ledger files are a few hundred bytes; the JSON result is larger
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    with out.open("wb") as fh:
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "lax",
                "check",
                str(s),
                "--record",
                "--format",
                "json",
                "--ledger",
                str(led),
                "--as-of",
                "2026-10-08",
                "--lang",
                "zh",
            ],
            stdout=fh,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
            timeout=120,
            preexec_fn=small_files,
        )
    assert r.returncode == 2, r.stderr
    assert r.stderr.splitlines()[-1] == "标准输出：无法写入：文件过大"
    assert listed(led) == want


def test_a_record_that_fails_prints_no_result(tmp_path):
    # A village file that cannot be read refuses a record that adds a village: no result is printed as if
    # the record had been made, only the refusal.
    led = tmp_path / "ledger"
    r = lax("check", sheet(tmp_path / "三季度.xlsx", ROWS), "--record", "--ledger", led, "--as-of", "2026-10-08")
    assert r.returncode == 1, r.stderr
    broken = led / "洪湖乡-东阳村.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8") + "- {date: 2026-10-12, type: progress, note: [未闭合\n", encoding="utf-8"
    )
    more = sheet(tmp_path / "补报.xlsx", [*ROWS, ("杨溪乡", "墩上村", "360622108201", "否", 0, "2026-11-18")])
    before = files(led)
    r = lax("check", more, "--record", "--ledger", led, "--as-of", "2026-11-20", "--format", "json")
    assert r.returncode == 1 and r.stdout == "", r.stdout
    assert r.stderr.startswith("nothing recorded: 2 village(s) cannot take this check's results\n"), r.stderr
    assert str(broken) in r.stderr and files(led) == before


def test_a_ledger_command_into_a_closed_pipe_keeps_its_event_and_exits_2(expected, tmp_path):
    s, _want, _names = expected
    led = tmp_path / "ledger"
    assert lax("check", s, "--record", "--ledger", led, "--as-of", "2026-10-08").returncode == 1
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lax",
            "ledger",
            "plan",
            "洪湖乡/东阳村",
            "--measure",
            "县乡联合督导",
            "--date",
            "2026-10-10",
            "--ledger",
            str(led),
        ],
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    p.stdout.close()
    err = p.stderr.read().decode()
    p.wait(timeout=120)
    assert p.returncode == 2 and err == "stdout: the output was cut short: the program reading it closed the pipe\n"
    assert "县乡联合督导" in (led / "洪湖乡-东阳村.yaml").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ killed in the middle

KILLER = textwrap.dedent("""
    import os, signal, sys
    when, args = sys.argv[1], sys.argv[2:]
    real_replace = os.replace
    renamed = []

    def replace(src, dst, *a, **k):
        name = os.path.basename(os.fspath(dst))
        if name == ".journal" and when == "before-journal":
            os.kill(os.getpid(), signal.SIGKILL)  # the texts are written aside; the journal is not in place
        if name.endswith(".yaml") and not os.path.basename(os.fspath(src)).startswith(".cache"):
            if when == "after-journal" or (when == "after-one-rename" and renamed):
                os.kill(os.getpid(), signal.SIGKILL)
            renamed.append(name)
        return real_replace(src, dst, *a, **k)

    os.replace = replace
    sys.argv = ["lax", *args]
    from lax.cli import main
    main()
""")


def killed(when: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", KILLER, when, *map(str, args)], capture_output=True, text=True, env=env(), timeout=120
    )


@pytest.mark.parametrize("then", ["ledger list", "check --record", "ledger verify"])
def test_a_record_killed_between_its_renames_is_finished_by_the_next_command(expected, tmp_path, then):
    s, want, names = expected
    led = tmp_path / "ledger"
    r = killed("after-one-rename", "check", s, "--record", "--ledger", led, "--as-of", "2026-10-08")
    assert r.returncode == 3 and "SIGKILL" in r.stderr, r.stderr  # the watched child died; the parent says so
    # Half-way: one village file renamed into place, the others still aside, the journal saying what to do.
    assert (led / ".journal").exists()
    assert len(files(led)) == 1 and len(leftovers(led)) == len(names) - 1 + 1
    if then == "ledger list":
        assert listed(led) == want  # a reading command finishes it first
    elif then == "ledger verify":
        verify_clean(led)
    else:
        r = lax("check", s, "--record", "--ledger", led, "--as-of", "2026-10-08")
        assert r.returncode == 1, r.stderr
        assert r.stderr.splitlines()[-1] == "ledger: nothing new to record (4 flagged village(s) already recorded)"
        assert listed(led) == want
    assert sorted(files(led)) == names and leftovers(led) == []
    verify_clean(led)


def test_a_record_killed_before_its_journal_leaves_the_ledger_as_it_was(expected, tmp_path):
    s, want, names = expected
    led = tmp_path / "ledger"
    r = lax(
        "ledger",
        "open",
        "渡口村",
        "--township",
        "邓埠镇",
        "--standards",
        "C07",
        "--date",
        "2026-09-30",
        "--ledger",
        led,
    )
    assert r.returncode == 0, r.stderr
    before = files(led)
    r = killed("before-journal", "check", s, "--record", "--ledger", led, "--as-of", "2026-10-08")
    assert r.returncode == 3, r.stderr
    assert files(led) == before and not (led / ".journal").exists()
    assert leftovers(led)  # the texts written aside, deleted by the next writer
    assert json.loads(listed(led))["villages"][0]["village"] == "渡口村"
    assert len(json.loads(listed(led))["villages"]) == 1
    r = lax("check", s, "--record", "--ledger", led, "--as-of", "2026-10-08")
    assert r.returncode == 1, r.stderr
    assert leftovers(led) == [] and sorted(files(led)) == sorted(set(names) | set(before))
    verify_clean(led)


def test_a_journal_whose_files_do_not_hold_is_undone(expected, tmp_path):
    s, _want, _names = expected
    led = tmp_path / "ledger"
    r = killed("after-journal", "check", s, "--record", "--ledger", led, "--as-of", "2026-10-08")
    assert r.returncode == 3, r.stderr
    journal = json.loads((led / ".journal").read_text(encoding="utf-8"))
    gone = led / journal["renames"][0][0]
    gone.unlink()  # a text the journal names is lost (a person cleaning up, a bad disk): the record cannot land whole
    assert json.loads(listed(led))["villages"] == []
    assert files(led) == {} and leftovers(led) == []


def test_a_journal_cannot_name_files_outside_its_ledger(tmp_path):
    led = tmp_path / "ledger"
    led.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("村务公开栏照片说明", encoding="utf-8")
    (led / ".journal").write_text(
        json.dumps({"lax-journal": 1, "renames": [["../victim.txt", "x.yaml", "0"]], "end": True}), encoding="utf-8"
    )
    assert json.loads(listed(led))["villages"] == []
    assert victim.read_text(encoding="utf-8") == "村务公开栏照片说明" and not (led / "x.yaml").exists()
    assert leftovers(led) == []
    # Nor can it delete a village file by naming it as a temporary file.
    r = lax(
        "ledger",
        "open",
        "东阳村",
        "--township",
        "洪湖乡",
        "--standards",
        "C05",
        "--date",
        "2026-09-30",
        "--ledger",
        led,
    )
    assert r.returncode == 0, r.stderr
    kept = files(led)
    (led / ".journal").write_text(
        json.dumps({"lax-journal": 1, "renames": [["洪湖乡-东阳村.yaml", "y.yaml", "0"]], "end": True}),
        encoding="utf-8",
    )
    assert len(json.loads(listed(led))["villages"]) == 1
    assert files(led) == kept and leftovers(led) == []


# ------------------------------------------------------------------------------ a full disk mid-record


def test_a_township_file_that_does_not_fit_leaves_no_village_file_either(tmp_path):
    s = sheet(tmp_path / "四季度.xlsx", [(*row[:5], "2026-12-15") for row in ROWS])
    led = tmp_path / "ledger"
    first = sheet(tmp_path / "三季度.xlsx", ROWS[:1])
    assert lax("check", first, "--record", "--ledger", led, "--as-of", "2026-09-30").returncode == 1
    town = led / "_townships" / "洪湖乡.yaml"
    # A hand-kept township file with a long note on top: lax appends to it, so its next text is the largest.
    town.write_text(
        "# 洪湖乡党委报送记录，附各村排查表扫描件目录。" + "说明" * 900 + "\n" + town.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    before = files(led)
    assert 2800 < len(town.read_bytes()) < 6000

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(town.read_bytes()) + 10, resource.RLIM_INFINITY))

    r = lax("check", s, "--record", "--ledger", led, "--as-of", "2026-12-20", preexec=limit)
    assert r.returncode == 2, r.stderr
    assert r.stderr == f"cannot write {town}: File too large\n"
    assert files(led) == before and leftovers(led) == []
    r = lax("check", s, "--record", "--ledger", led, "--as-of", "2026-12-20", "--lang", "zh", preexec=limit)
    assert r.returncode == 2 and r.stderr == f"无法写入 {town}：文件过大\n"
    r = lax("check", s, "--record", "--ledger", led, "--as-of", "2026-12-20")
    assert r.returncode == 1, r.stderr
    assert len(files(led)) == len(before) + 3 + 2  # 塘桥村, 黄溪镇/东阳村, 邓埠镇/宋三村 and two new townships
    verify_clean(led)


@pytest.fixture
def tiny_disk(tmp_path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "small"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("mount is not allowed here: " + r.stderr.decode(errors="replace").strip())
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def fill(mnt: Path, leave: int) -> Path:
    """Fill the disk but for about `leave` bytes."""
    filler = mnt / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def test_a_full_disk_during_a_record_writes_nothing_and_says_so_in_one_line(expected, tiny_disk, tmp_path):
    s, want, names = expected
    led = tiny_disk / "ledger"
    (led / "_townships").mkdir(parents=True)
    filler = fill(tiny_disk, 4096 * 3)  # room for a few village files, not for the whole record
    r = lax("check", s, "--record", "--ledger", led, "--as-of", "2026-10-08")
    assert r.returncode == 2, r.stderr
    lines = r.stderr.splitlines()
    assert (
        len(lines) == 1
        and lines[0].startswith(f"cannot write {led}/")
        and lines[0].endswith(": No space left on device")
    ), r.stderr
    assert files(led) == {} and leftovers(led) == []
    filler.unlink()
    r = lax("check", s, "--record", "--ledger", led, "--as-of", "2026-10-08")
    assert r.returncode == 1, r.stderr
    assert listed(led) == want and sorted(files(led)) == names
