"""`lax.files`: the one atomic writer and the one lock, used by the ledger, its cache and every output file."""

import errno
import os
import stat
import sys
import threading

import pytest

from lax import files
from lax.problems import LaxError

SONGSAN = "township: 邓埠镇\nvillage: 宋三村\ncode: null\nevents: []\n"


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(files.TMP_PREFIX))


def test_write_atomic_replaces_the_file_and_keeps_its_mode(tmp_path):
    path = tmp_path / "邓埠镇-宋三村.yaml"
    path.write_text("old\n", encoding="utf-8")
    os.chmod(path, 0o640)
    files.write_atomic(path, SONGSAN)
    assert path.read_bytes() == SONGSAN.encode("utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_new_file_gets_the_users_umask(tmp_path):
    old = os.umask(0o027)
    try:
        files.write_atomic(tmp_path / "黄溪镇.yaml", "township: 黄溪镇\nevents: []\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "黄溪镇.yaml").stat().st_mode) == 0o640


def test_a_failing_sync_keeps_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "洪湖乡-塘桥村.yaml"
    path.write_text(SONGSAN, encoding="utf-8")

    def broken_fsync(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(LaxError) as e:
        files.write_atomic(path, "township: 洪湖乡\n")
    assert str(e.value) == f"cannot write {path}: Input/output error"
    assert path.read_text(encoding="utf-8") == SONGSAN
    assert leftovers(tmp_path) == []


def test_write_atomic_into_a_missing_folder_is_one_line(tmp_path):
    path = tmp_path / "没有" / "洪湖乡.yaml"
    with pytest.raises(LaxError) as e:
        files.write_atomic(path, "x\n")
    assert str(e.value) == f"cannot write {path}: No such file or directory"


def test_atomic_path_renames_only_when_the_block_succeeds(tmp_path):
    out = tmp_path / "台账.csv"
    out.write_text("旧\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with files.atomic_path(out) as tmp:
            tmp.write_text("新\n", encoding="utf-8")
            raise RuntimeError("the writer broke half-way")
    assert out.read_text(encoding="utf-8") == "旧\n" and leftovers(tmp_path) == []
    with files.atomic_path(out) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(files.TMP_PREFIX)
        tmp.write_text("新\n", encoding="utf-8")
    assert out.read_text(encoding="utf-8") == "新\n" and leftovers(tmp_path) == []


def test_atomic_path_refuses_an_input_of_the_command(tmp_path):
    sheet = tmp_path / "排查表.csv"
    sheet.write_text("乡镇,村\n", encoding="utf-8")
    with pytest.raises(LaxError) as e:
        with files.atomic_path(sheet, keep=[sheet]):
            pass
    assert "is an input of this command" in str(e.value)
    assert sheet.read_text(encoding="utf-8") == "乡镇,村\n"


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_the_lock_is_exclusive_and_a_waiter_gives_up_with_the_busy_message(tmp_path):
    lock = tmp_path / ".lock"
    held, release = threading.Event(), threading.Event()

    def holder():
        with files.lock(lock, 1, "busy"):
            held.set()
            release.wait(10)

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert held.wait(10)
        with pytest.raises(LaxError) as e:
            with files.lock(lock, 0.2, "the ledger is locked by another lax process; try again"):
                pass
        assert str(e.value) == "the ledger is locked by another lax process; try again"
    finally:
        release.set()
        t.join()
    with files.lock(lock, 1, "busy"):  # free again once the holder is done
        pass
