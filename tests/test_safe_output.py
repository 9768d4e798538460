"""`--output` (and `lax form`, `ledger export`) never destroys what it is not meant to (issue 10).

Every output file goes through one writer (`lax.files.atomic_path`): it refuses, in one line naming the
path and before any work, a file the same command reads (the township's own sheet, the criteria file —
by inode, so a symlink or a hard link to it is caught too), a place inside the ledger folder, a folder, a
FIFO, a device or a socket; it writes through a symlink to the file the link points to, atomically, and
the link stays a link. A command whose stdout fails after it wrote its file says so and exits 2.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from lax.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
CSV = (
    "乡镇,村名,村代码,换届完成,越级访次数,排查日期\r\n"
    "洪湖乡,东阳村,360622105201,否,0,2026-09-28\r\n"
    "洪湖乡,塘桥村,360622105202,是,0,2026-09-28\r\n"
    "黄溪镇,东阳村,360622106201,否,1,2026-09-29\r\n"
)


def env(**extra: str) -> dict:
    e = {
        k: v for k, v in os.environ.items() if k not in ("LAX_TEST_WRITE_DELAY", "LAX_DEBUG", "LAX_LEDGER", "LAX_LANG")
    }
    e.update({"LAX_TODAY": "2026-12-01", "PYTHONPATH": str(ROOT), **extra})
    return e


def lax(*args, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lax", *map(str, args)], capture_output=True, text=True, env=env(**extra), timeout=120
    )


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """A county office's folder: the township's sheet as it came, and a ledger recorded from it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAX_TODAY", "2026-12-01")
    (tmp_path / "villages.csv").write_text(CSV, encoding="utf-8")
    r = runner.invoke(app, ["check", "villages.csv", "--record", "--as-of", "2026-10-08"])
    assert r.exit_code == 1, r.output
    return tmp_path


def one_line(r, exit_code: int = 2) -> str:
    assert r.exit_code == exit_code, r.output
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


# ----------------------------------------------------------------------------------- its own inputs


@pytest.mark.parametrize("fmt", ["csv", "json", "table", "xlsx"])
def test_check_refuses_to_write_over_the_sheet_it_reads(work, fmt):
    sheet = work / "villages.csv"
    r = runner.invoke(app, ["check", "villages.csv", "--format", fmt, "--output", "villages.csv"])
    assert one_line(r) == (
        "villages.csv: is an input of this command (villages.csv); writing the output there "
        "would destroy it; give another file name"
    )
    assert sheet.read_bytes() == CSV.encode() and r.stdout == ""


def test_the_same_sheet_by_another_name_is_refused_too(work):
    (work / "副本.csv").hardlink_to(work / "villages.csv")
    (work / "link.csv").symlink_to("villages.csv")
    (work / "sub").mkdir()
    for out in ["副本.csv", "link.csv", "sub/../villages.csv", str(work / "villages.csv")]:
        r = runner.invoke(app, ["check", "villages.csv", "--format", "csv", "--output", out])
        assert one_line(r).startswith(f"{out}: is an input of this command (villages.csv)")
    r = runner.invoke(app, ["check", "link.csv", "--format", "json", "--output", "villages.csv", "--lang", "zh"])
    assert one_line(r) == "villages.csv：是本命令的输入文件（link.csv），写入输出会毁掉它；请换一个文件名"
    assert (work / "villages.csv").read_bytes() == CSV.encode() and (work / "link.csv").is_symlink()


def test_the_criteria_file_is_an_input_too(work):
    crit = work / "criteria.yaml"
    crit.write_bytes((ROOT / "criteria.yaml").read_bytes())
    before = crit.read_bytes()
    for args in (
        ["check", "villages.csv", "--criteria", "criteria.yaml", "--format", "json", "--output", "criteria.yaml"],
        ["ledger", "list", "--criteria", "criteria.yaml", "--format", "csv", "--output", "criteria.yaml"],
        ["report", "--quarter", "2026Q4", "--format", "md", "--output", "criteria.yaml"],
    ):  # ./criteria.yaml is the default
        r = runner.invoke(app, args)
        assert one_line(r).startswith("criteria.yaml: is an input of this command"), args
    assert crit.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ["ledger", "export", "ledger/台账.xlsx"],
        ["ledger", "list", "--format", "csv", "--output", "ledger/清单.yaml"],
        ["ledger", "list", "--format", "xlsx", "--output", "ledger/new/清单.xlsx"],
        ["report", "--quarter", "2026Q4", "--format", "md", "--output", "ledger/_townships/报告.md"],
        ["check", "villages.csv", "--record", "--format", "json", "--output", "ledger/结果.json"],
    ],
    ids=["export", "list csv", "list xlsx in a new folder", "report", "check --record"],
)
def test_nothing_is_written_inside_the_ledger(work, args):
    before = sorted(p.relative_to(work) for p in (work / "ledger").rglob("*") if ".cache" not in p.parts)
    r = runner.invoke(app, args)
    out = next(a for a in args if a.startswith("ledger/"))
    assert one_line(r) == f"{out}: is inside the ledger folder ledger; write the output outside it"
    assert sorted(p.relative_to(work) for p in (work / "ledger").rglob("*") if ".cache" not in p.parts) == before
    r = runner.invoke(app, ["ledger", "verify"])
    assert r.exit_code == 0, r.output


def test_check_refuses_an_output_in_its_ledger_before_recording(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "villages.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "台账").mkdir()
    r = runner.invoke(
        app, ["check", "villages.csv", "--record", "--ledger", "台账", "--format", "json", "--output", "台账/结果.json"]
    )
    assert one_line(r) == "台账/结果.json: is inside the ledger folder 台账; write the output outside it"
    assert list((tmp_path / "台账").iterdir()) == []  # refused before the record, not after


# ----------------------------------------------------------------------------------- special files


def test_folders_fifos_devices_and_sockets_are_refused(work):
    os.mkfifo(work / "管道")
    (work / "结果").mkdir()
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(work / "套接字"))
    try:
        cases = {
            "结果": "is a folder; give a file name",
            "管道": "is a named pipe (FIFO), not a file lax can write an output to; give a file name",
            "/dev/null": "is a device, not a file lax can write an output to; give a file name",
            "套接字": "is a socket, not a file lax can write an output to; give a file name",
        }
        for out, why in cases.items():
            for args in (
                ["check", "villages.csv", "--format", "csv", "--output", out],
                ["ledger", "list", "--format", "json", "--output", out],
                ["ledger", "export", out],
                ["report", "--quarter", "2026Q4", "--format", "md", "--output", out],
            ):
                r = runner.invoke(app, args)
                assert one_line(r) == f"{out}: {why}", args
        os.mkfifo(work / "排查表.xlsx")  # `lax form` wants a name ending in .xlsx
        r = runner.invoke(app, ["form", "排查表.xlsx"])
        assert one_line(r) == f"排查表.xlsx: {cases['管道']}"
        link = work / "到管道.json"
        link.symlink_to("管道")  # through a symlink: what it points to counts
        r = runner.invoke(app, ["check", "villages.csv", "--format", "json", "--output", str(link), "--lang", "zh"])
        assert one_line(r) == f"{link}：是命名管道（FIFO），lax 不能把输出写入其中；请给出文件名"
    finally:
        server.close()
    assert (work / "管道").is_fifo() and (work / "套接字").is_socket()


def test_a_fifo_with_no_reader_does_not_hang_the_command(work):
    os.mkfifo(work / "管道")
    r = subprocess.run(
        [sys.executable, "-m", "lax", "check", "villages.csv", "--format", "csv", "--output", "管道"],
        capture_output=True,
        text=True,
        env=env(),
        cwd=work,
        timeout=60,
    )
    assert r.returncode == 2 and r.stderr.startswith("管道: is a named pipe (FIFO)")


# ----------------------------------------------------------------------------------- symlinks

OUTPUTS = [
    (["check", "villages.csv", "--format", "json", "--output", "{out}"], ".json"),
    (["check", "villages.csv", "--format", "csv", "--output", "{out}"], ".csv"),
    (["check", "villages.csv", "--format", "xlsx", "--output", "{out}"], ".xlsx"),
    (["check", "villages.csv", "--output", "{out}"], ".txt"),
    (["ledger", "list", "--format", "json", "--output", "{out}"], ".json"),
    (["ledger", "list", "--format", "csv", "--output", "{out}"], ".csv"),
    (["ledger", "list", "--format", "xlsx", "--output", "{out}"], ".xlsx"),
    (["ledger", "export", "{out}"], ".xlsx"),
    (["form", "{out}"], ".xlsx"),
    (["report", "--quarter", "2026Q4", "--format", "md", "--output", "{out}"], ".md"),
    (["report", "--quarter", "2026Q4", "--format", "docx", "--output", "{out}"], ".docx"),
]


@pytest.mark.parametrize("args, ext", OUTPUTS, ids=[" ".join(a[:2]) + " " + e for a, e in OUTPUTS])
def test_a_symlink_is_written_through_and_stays_a_link(work, args, ext):
    shared = work / "共享"
    shared.mkdir()
    target = shared / f"报送{ext}"
    target.write_bytes(b"old")
    link = work / f"out{ext}"
    link.symlink_to(target)
    r = runner.invoke(app, [a.format(out=link.name) for a in args])
    assert r.exit_code in (0, 1), r.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() != b"old" and len(target.read_bytes()) > 100
    if ext == ".xlsx":
        openpyxl.load_workbook(target).close()
    assert sorted(p.name for p in shared.iterdir()) == [target.name]  # no temporary file left beside it
    assert not [p for p in work.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]


def test_a_dangling_symlink_creates_the_file_it_names(work):
    link = work / "结果.json"
    link.symlink_to("归档/2026Q4.json")
    (work / "归档").mkdir()
    r = runner.invoke(app, ["check", "villages.csv", "--format", "json", "--output", "结果.json"])
    assert r.exit_code == 1, r.output
    assert link.is_symlink() and (work / "归档" / "2026Q4.json").read_text(encoding="utf-8").startswith('{"criteria"')


def test_an_ordinary_output_is_still_replaced(work):
    out = work / "结果.csv"
    out.write_text("上次的结果", encoding="utf-8")
    r = runner.invoke(app, ["check", "villages.csv", "--format", "csv", "--output", "结果.csv"])
    assert r.exit_code == 1, r.output
    assert out.read_text(encoding="utf-8-sig").startswith("Township,Village,Village code,Source,Flagged")


# ----------------------------------------------------------------------------------- a failed print


def closed_pipe(args: list[str], cwd: Path) -> tuple[int, str]:
    p = subprocess.Popen(
        [sys.executable, "-m", "lax", *args], env=env(), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    p.stdout.close()
    err = p.stderr.read().decode()
    p.wait(timeout=120)
    p.stderr.close()
    return p.returncode, err


PIPE_MSG = "stdout: the output was cut short: the program reading it closed the pipe\n"


def test_ledger_export_into_a_closed_pipe_writes_its_file_then_exits_2(work):
    code, err = closed_pipe(["ledger", "export", "台账.xlsx"], work)
    assert (code, err) == (2, PIPE_MSG)
    assert openpyxl.load_workbook(work / "台账.xlsx").active.max_row >= 3


@pytest.mark.parametrize(
    "args",
    [
        ["ledger", "list", "--format", "json"],
        ["report", "--quarter", "2026Q4"],
        ["criteria"],
        ["ledger", "show", "洪湖乡/东阳村"],
    ],
)
def test_a_printing_command_into_a_closed_pipe_exits_2_in_one_line(work, args):
    code, err = closed_pipe(args, work)
    assert (code, err) == (2, PIPE_MSG)


def test_into_head_no_exception_is_ignored_at_exit(work):
    r = subprocess.run(
        [
            "bash",
            "-c",
            f'"{sys.executable}" -m lax criteria --format json | head -c 10 >/dev/null; exit ${{PIPESTATUS[0]}}',
        ],
        capture_output=True,
        text=True,
        env=env(),
        cwd=work,
        timeout=60,
    )
    # Small outputs may fit in the pipe before `head` closes it (exit 0); a cut one is exit 2: never a traceback.
    assert r.returncode in (0, 2) and r.stderr in ("", PIPE_MSG), r.stderr


def test_a_closed_stdout_is_one_line_in_chinese_too(work):
    r = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m lax ledger list --lang zh >&-'],
        capture_output=True,
        text=True,
        env=env(),
        cwd=work,
        timeout=60,
    )
    assert r.returncode == 2 and r.stderr == "标准输出：无法写入：标准输出已关闭\n"


def test_with_stderr_closed_too_the_exit_code_still_says_it(work):
    r = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m lax ledger list >&- 2>&-'],
        capture_output=True,
        text=True,
        env=env(),
        cwd=work,
        timeout=60,
    )
    assert r.returncode == 2 and r.stdout == "" and r.stderr == ""


def test_stdout_on_a_full_device_is_one_line(work):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        r = subprocess.run(
            [sys.executable, "-m", "lax", "ledger", "list", "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
            cwd=work,
            timeout=60,
        )
    assert r.returncode == 2 and r.stderr == "stdout: cannot write: No space left on device\n"
