"""The watched reader (lax/read/guard.py): a sheet that kills the spreadsheet library costs only that sheet.

Everything here runs `python -m lax` (the program, which watches its reads) in a real process under a 1 GB
address-space limit; the in-process CliRunner never forks. The far-corner workbook and its cousins come
from tests/helpers.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest
from helpers import GB, ROOT, far_corner_xlsx, rewritten, run_bounded

from lax.problems import LaxError
from lax.read import guard

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the watched reader needs fork (POSIX)")

HEADER = ["乡镇", "村名", "换届完成", "书记空缺月数"]
GOOD_ROWS = [["邓埠镇", "宋三村", "否", 0], ["邓埠镇", "港口村", "是", 7], ["马荃镇", "何坊村", "是", 0]]


def township_workbook(path: Path, bombed_second_sheet: bool) -> Path:
    """排查表 holds three villages; if asked, a second sheet 附表 holds a fourth and a cell at XFD1048576."""
    seed = path.with_name("seed-" + path.name)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排查表"
    for row in [HEADER, *GOOD_ROWS]:
        ws.append(row)
    if not bombed_second_sheet:
        wb.save(path)
        return path
    extra = wb.create_sheet("附表")
    for row in [HEADER, ["马荃镇", "塘头村", "否", 2]]:
        extra.append(row)
    wb.save(seed)
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    return rewritten(seed, path, lambda xml: xml.replace(b"</sheetData>", far), "xl/worksheets/sheet2.xml")


def check_json(args: list[str], cwd: Path, **env: str) -> tuple[subprocess.CompletedProcess, dict]:
    r = run_bounded(["check", *args, "--format", "json", "--all"], cwd, memory=GB, timeout=120, **env)
    return r, json.loads(r.stdout)


def without_source(villages: list[dict]) -> list[dict]:
    return [{k: v for k, v in village.items() if k != "source"} for village in villages]


def test_a_bomb_sheet_costs_only_itself_and_the_other_files_are_read_as_usual(tmp_path):
    csv_file = tmp_path / "洪湖乡.csv"
    csv_file.write_text("乡镇,村名,换届完成\n洪湖乡,东阳村,否\n洪湖乡,塘桥村,是\n", encoding="utf-8")
    bomb = township_workbook(tmp_path / "bomb.xlsx", bombed_second_sheet=True)
    clean = township_workbook(tmp_path / "clean.xlsx", bombed_second_sheet=False)

    r, data = check_json([str(bomb), str(csv_file)], tmp_path)
    assert r.returncode == 2, r.stderr
    assert "memory allocation" not in r.stderr
    [problem] = data["problems"]
    assert (problem["code"], problem["path"], problem["sheet"]) == ("unreadable-file", str(bomb), "附表")
    assert [v["village"] for v in data["villages"]] == ["宋三村", "港口村", "何坊村", "东阳村", "塘桥村"]

    # Judged exactly as the same villages are without the bombed sheet.
    r, reference = check_json([str(clean), str(csv_file)], tmp_path)
    assert r.returncode == 1 and reference["problems"] == []
    assert without_source(data["villages"]) == without_source(reference["villages"])
    assert data["summary"] == {**reference["summary"], "problems": 1}


def test_the_bombed_sheet_alone_is_one_problem_in_chinese_too(tmp_path):
    far = far_corner_xlsx(tmp_path / "far.xlsx")
    r, data = check_json([str(far), "--lang", "zh"], tmp_path)
    assert r.returncode == 2
    [problem] = data["problems"]
    assert problem["message"].startswith("工作表“排查表”无法读取：表格读取程序内存不足（上限 1 GiB）")


def test_debug_lets_the_dying_library_speak(tmp_path):
    far = far_corner_xlsx(tmp_path / "far.xlsx")
    r, data = check_json([str(far)], tmp_path, LAX_DEBUG="1")
    assert "memory allocation of" in r.stderr  # for a bug report
    assert [p["code"] for p in data["problems"]] == ["unreadable-file"]


def test_check_record_with_a_bombed_sheet_records_nothing(tmp_path):
    bomb = township_workbook(tmp_path / "bomb.xlsx", bombed_second_sheet=True)
    ledger = tmp_path / "ledger"
    r = run_bounded(
        ["check", str(bomb), "--record", "--ledger", str(ledger), "--format", "json"], tmp_path, memory=GB, timeout=120
    )
    assert r.returncode == 2, r.stderr
    assert not ledger.exists() or not list(ledger.glob("*.yaml"))


def test_ledger_import_of_a_bombed_ledger_says_why_and_writes_nothing(tmp_path):
    far = far_corner_xlsx(tmp_path / "台账.xlsx")
    ledger = tmp_path / "ledger"
    r = run_bounded(["ledger", "import", str(far), "--ledger", str(ledger)], tmp_path, memory=GB, timeout=120)
    assert r.returncode == 2, r.stderr
    assert "memory allocation" not in r.stderr and "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [
        f"nothing imported: 1 problem(s) in {far}",
        f"{far}, sheet 排查表: sheet '排查表' could not be read: the spreadsheet reader ran out of memory (limit 1 GiB); "
        "its cells span millions of empty rows or columns, or repeat one cell millions of times [unreadable-sheet]",
    ]
    assert not ledger.exists() or not list(ledger.glob("*.yaml"))


def test_a_bad_memory_limit_is_one_line(tmp_path):
    csv_file = tmp_path / "v.csv"
    csv_file.write_text("乡镇,村名\n邓埠镇,宋三村\n", encoding="utf-8")
    r = run_bounded(["check", str(csv_file)], tmp_path, memory=GB, LAX_MEMORY_LIMIT="lots")
    assert r.returncode == 2
    assert r.stderr.strip() == "LAX_MEMORY_LIMIT: 'lots' is not a size like 4G, 1500M or 0 (no limit)"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("", 4 << 30),
        ("4G", 4 << 30),
        ("1500M", 1500 << 20),
        ("2GiB", 2 << 30),
        ("0", None),
        ("1.5g", 3 << 29),
        ("1073741824", 1 << 30),
        ("256M", 256 << 20),
    ],
)
def test_memory_limit_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("LAX_MEMORY_LIMIT", raw)
    assert guard.memory_limit() == expected


@pytest.mark.parametrize("raw", ["lots", "-1G", "G", "4 GB per core", "10M", "255M"])
def test_memory_limit_refusals(monkeypatch, raw):
    monkeypatch.setenv("LAX_MEMORY_LIMIT", raw)
    with pytest.raises(LaxError, match="LAX_MEMORY_LIMIT"):
        guard.memory_limit()


def test_unwatched_the_work_runs_in_this_process():
    assert guard.supervise() is None  # never enabled in a test run: no fork
    with guard.watch("a.xlsx", "排查表"), guard.native():
        pass
    assert not guard.crashed("a.xlsx", "排查表")


# ------------------------------------------------------------------ the parent's side, with a scripted child

PRELUDE = """
import os, signal, sys, time
from lax.read import guard
from lax.problems import LaxError
guard.enable()
try:
    code = guard.supervise()
except LaxError as e:
    print("parent:", e, e.exit_code, flush=True)
    sys.exit(e.exit_code)
if code is not None:
    print("parent: exit", code, flush=True)
    sys.exit(code)
"""


def scripted(child: str, stderr=subprocess.PIPE) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), LAX_MEMORY_LIMIT="0")
    return subprocess.Popen(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(child)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def finish(p: subprocess.Popen) -> tuple[int, list[str]]:
    out, _err = p.communicate(timeout=60)
    return p.returncode, out.splitlines()


def test_a_read_that_kills_the_child_is_skipped_by_the_next_child():
    code, out = finish(
        scripted("""
        for sheet in ("排查表", "附表", "汇总"):
            if guard.crashed("乡镇.xlsx", sheet):
                print("skipped", sheet, flush=True)
                continue
            with guard.watch("乡镇.xlsx", sheet):
                if sheet != "排查表":
                    os.kill(os.getpid(), signal.SIGKILL)  # what the kernel does to a process out of memory
            print("read", sheet, flush=True)
    """)
    )
    assert code == 0
    # Three children: the first dies in 附表, the second in 汇总, the third skips both.
    assert out == [
        "read 排查表",
        "read 排查表",
        "skipped 附表",
        "read 排查表",
        "skipped 附表",
        "skipped 汇总",
        "parent: exit 0",
    ]


def test_a_child_killed_outside_any_read_is_reported_not_retried():
    code, out = finish(
        scripted("""
        with guard.watch("乡镇.xlsx", "排查表"):
            pass
        print("working", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    )
    assert code == 3
    assert out == ["working", "parent: lax stopped: its work process was killed (SIGKILL) before it finished 3"]


def test_the_childs_exit_code_is_the_commands():
    code, out = finish(scripted("sys.exit(7)"))
    assert (code, out) == (7, ["parent: exit 7"])


def test_an_interrupted_child_is_an_interrupted_command():
    code, out = finish(
        scripted("""
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        with guard.watch("乡镇.xlsx", "排查表"):
            os.kill(os.getpid(), signal.SIGINT)
    """)
    )
    assert (code, out) == (130, ["parent: exit 130"])  # not taken for a crash, not retried


def test_a_terminate_sent_to_the_parent_reaches_the_child():
    p = scripted("""
        print("child", os.getpid(), flush=True)
        time.sleep(60)
        print("still here", flush=True)
    """)
    first = p.stdout.readline().split()
    assert first[0] == "child"
    child = int(first[1])
    p.send_signal(signal.SIGTERM)
    code, out = finish(p)
    assert (code, out) == (128 + signal.SIGTERM, ["parent: exit 143"])
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def test_after_a_crash_the_terminal_gets_its_cursor_back():
    import pty

    master, slave = pty.openpty()
    try:
        p = scripted(
            """
            if not guard.crashed("乡镇.xlsx", "附表"):
                sys.stderr.write("\\x1b[?25l读取中 ━━━━━━━ 40%")  # what a progress bar leaves: cursor hidden
                sys.stderr.flush()
                with guard.watch("乡镇.xlsx", "附表"):
                    os.kill(os.getpid(), signal.SIGKILL)
        """,
            stderr=slave,
        )
        code, out = finish(p)
    finally:
        os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert (code, out) == (0, ["parent: exit 0"])
    assert seen.endswith(b"\r\x1b[2K\x1b[?25h")  # the line cleared, the cursor shown, before the retry
