"""`lax ledger list`'s own cache (`.cache/list.txt`): the same output as without it, and never stale: a hand
edit of the same size, a file added or removed, another date or policy, a ledger with problems."""

import json
import os
import time

from typer.testing import CliRunner

from lax.cli import app
from lax.criteria import packaged_path

runner = CliRunner()

SONGSAN = """\
township: 邓埠镇
village: 宋三村
code: '360622101201'
events:
- date: 2026-09-30
  type: identified
  channel: self
  criteria: [C05, C13]
  deadline: 2027-03-30
- date: 2026-10-10
  type: planned
  measures: [召开党员大会重新选举, 县乡联合督导]
"""

DONGYANG = """\
township: 黄溪镇
village: 东阳村
code: '360622102305'
events:
- date: 2026-08-15
  type: identified
  channel: mass
  criteria: [C12]
"""

TANGQIAO = """\
township: 洪湖乡
village: 塘桥村
events:
- date: 2026-11-02
  type: identified
  channel: spot
  criteria: [C03]
  deadline: 2027-05-02
"""


def _write(folder, name, text, age=3600):
    """A village file as it is at rest: last written `age` seconds ago (fresh files are never cached)."""
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    old = time.time() - age
    os.utime(p, (old, old))
    return p


def _ledger(tmp_path):
    led = tmp_path / "ledger"
    _write(led, "邓埠镇-宋三村.yaml", SONGSAN)
    _write(led, "黄溪镇-东阳村.yaml", DONGYANG)
    return led


def _list(led, *args, fmt="json", as_of="2027-01-31"):
    return runner.invoke(app, ["ledger", "list", "--ledger", str(led), "--format", fmt, "--as-of", as_of, *args])


def _settled():
    time.sleep(2.1)  # files whose status changed (a write, a rename) in the last 2 s are not trusted to a cache


def test_the_cached_list_is_the_list_in_every_format(tmp_path):
    led = _ledger(tmp_path)
    _settled()
    cold = {f: _list(led, fmt=f) for f in ("json", "csv", "table")}
    assert all(r.exit_code == 0 for r in cold.values())
    assert (led / ".cache" / "list.txt").exists()
    data = json.loads(cold["json"].stdout)
    assert [v["village"] for v in data["villages"]] == ["宋三村", "东阳村"]
    assert [v["status"] for v in data["villages"]] == ["rectifying", "identified"]
    for f in ("json", "csv", "table"):
        assert _list(led, fmt=f).stdout == cold[f].stdout
    # The filters apply to the cached rows as to freshly computed ones.
    only = json.loads(_list(led, "--township", "黄溪镇").stdout)["villages"]
    assert [v["village"] for v in only] == ["东阳村"]
    assert json.loads(_list(led, "--status", "rectifying").stdout)["villages"][0]["village"] == "宋三村"


def test_a_hand_edit_of_the_same_size_and_time_shows_in_the_next_list(tmp_path):
    led = _ledger(tmp_path)
    _settled()
    _list(led)
    assert _list(led).exit_code == 0 and (led / ".cache" / "list.txt").exists()
    p = led / "邓埠镇-宋三村.yaml"
    st = p.stat()
    p.write_text(SONGSAN.replace("C13]", "C12]"), encoding="utf-8")  # same size
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the old mtime: only inode/ctime differ
    villages = json.loads(_list(led).stdout)["villages"]
    assert villages[0]["criteria"] == ["C05", "C12"]


def test_a_file_added_or_removed_shows_in_the_next_list(tmp_path):
    led = _ledger(tmp_path)
    _settled()
    _list(led)
    _write(led, "洪湖乡-塘桥村.yaml", TANGQIAO)
    assert [v["village"] for v in json.loads(_list(led).stdout)["villages"]] == ["塘桥村", "宋三村", "东阳村"]
    (led / "黄溪镇-东阳村.yaml").unlink()
    assert [v["village"] for v in json.loads(_list(led).stdout)["villages"]] == ["塘桥村", "宋三村"]


def test_another_date_or_policy_is_not_answered_from_the_cache(tmp_path):
    led = _ledger(tmp_path)
    _settled()
    _list(led)
    late = json.loads(_list(led, as_of="2027-04-01").stdout)["villages"]
    assert [v["overdue"] for v in late] == [True, True]
    early = json.loads(_list(led, as_of="2026-09-01").stdout)["villages"]
    assert [v["village"] for v in early] == ["东阳村"]
    crit = tmp_path / "criteria.yaml"
    text = packaged_path("criteria.yaml").read_text(encoding="utf-8")
    assert "rectify_months: 6" in text
    crit.write_text(text.replace("rectify_months: 6", "rectify_months: 1"), encoding="utf-8")
    assert [v["deadline"] for v in json.loads(_list(led).stdout)["villages"]] == ["2027-03-30", "2027-02-15"]
    # 东阳村's time limit comes from the policy (none was written): one month instead of six.
    strict = json.loads(_list(led, "--criteria", str(crit)).stdout)["villages"]
    assert [(v["deadline"], v["overdue"]) for v in strict] == [("2027-03-30", False), ("2026-09-15", True)]


def test_a_ledger_with_problems_says_them_on_every_run(tmp_path):
    led = _ledger(tmp_path)
    _write(led, "邓埠镇-宋三村-360622101201.yaml", SONGSAN)  # the same village twice
    (led / "notes.txt").write_text("待办", encoding="utf-8")
    _settled()
    for _ in range(2):
        r = _list(led)
        assert r.exit_code == 2
        assert "the same village as 邓埠镇-宋三村" in r.stderr
        assert "notes.txt" in r.stderr
    assert not (led / ".cache" / "list.txt").exists()
    (led / "邓埠镇-宋三村-360622101201.yaml").unlink()
    _settled()
    for _ in range(2):  # the stray file is still named when the rows come from the cache
        r = _list(led)
        assert r.exit_code == 2 and "notes.txt" in r.stderr and "the same village" not in r.stderr
    assert (led / ".cache" / "list.txt").exists()


def test_a_corrupt_list_cache_is_ignored(tmp_path):
    led = _ledger(tmp_path)
    _settled()
    good = _list(led).stdout
    (led / ".cache" / "list.txt").write_bytes(b"\x80\x04\x95 not json cos\nsystem\n")
    assert _list(led).stdout == good
    (led / ".cache" / "list.txt").write_text('{"sig": null, "rows": [[1, 2]]}', encoding="utf-8")
    assert _list(led).stdout == good
    # The right key, but the rows cut short, or one row without its fields.
    cache = led / ".cache" / "list.txt"
    _list(led)
    whole = cache.read_text(encoding="utf-8")
    cache.write_text(whole[: whole.rindex("\n", 0, len(whole) - 1) + 1], encoding="utf-8")
    assert _list(led).stdout == good
    _list(led)
    head, _nl, rows = cache.read_text(encoding="utf-8").partition("\n")
    cache.write_text(head + "\n" + rows.replace("\x1f", " ", 3), encoding="utf-8")
    assert _list(led).stdout == good


def test_rows_cached_by_another_version_of_lax_are_not_used(tmp_path, monkeypatch):
    led = _ledger(tmp_path)
    _settled()
    _list(led)
    cache = led / ".cache" / "list.txt"
    # Spoil the cached rows but keep their key: this lax answers from them (the cache is really used) ...
    cache.write_text(cache.read_text(encoding="utf-8").replace("宋三村", "假村"), encoding="utf-8")
    assert [v["village"] for v in json.loads(_list(led).stdout)["villages"]] == ["假村", "东阳村"]
    # ... another version of lax (other rules, another row format) does not.
    monkeypatch.setattr("lax.ledger.views.__version__", "9.9.9")
    assert [v["village"] for v in json.loads(_list(led).stdout)["villages"]] == ["宋三村", "东阳村"]
