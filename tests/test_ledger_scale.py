"""`lax ledger list` over a ledger of hundreds of villages: the caches that make it fast never hide a change
(a hand edit of one file among many, a file added or removed, an edit that keeps the modification time but
changes the size), a warm list reads no village file at all, and the exact parser's shared lines never
make two villages share one list or map."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

from typer.testing import CliRunner

from lax.cli import app
from lax.ledger import dump_village, village_file_name
from lax.ledger.fileformat import _fast_parse, parse_text
from lax.ledger.store import _Cache, load_entries
from lax.lifecycle import Event

runner = CliRunner()

TOWNSHIPS = ["邓埠镇", "黄溪镇", "洪湖乡", "马荃镇", "杨溪乡"]
VILLAGES = ["宋三村", "东阳村", "塘桥村", "方丘村", "上罗村", "西畈村", "渡口村", "石门村", "柏树村", "龙岗村"]
N = 300
AS_OF = "2027-01-31"


def _events(i: int) -> list[Event]:
    start = dt.date(2026, 3, 1) + dt.timedelta(days=i % 200)
    rec = {"by": "张丽", "at": f"{start.isoformat()}T09:30:00+08:00"}
    evs = [
        Event(
            start,
            "identified",
            {
                "channel": "self",
                "criteria": ["C05", "C13"] if i % 3 else ["C12"],
                "evidence": {"C05": {"cadre_violations": 2}},
                "deadline": start + dt.timedelta(days=180),
                "source": {"path": "2026年第一季度排查.xlsx", "sheet": "排查表", "row": 2 + i},
                "recorded": rec,
            },
        )
    ]
    if i % 2:
        evs.append(
            Event(start + dt.timedelta(days=10), "planned", {"measures": ["召开党员大会重新选举", "县乡联合督导"]})
        )
    return evs


def _name(i: int) -> tuple[str, str, str]:
    township = TOWNSHIPS[i % len(TOWNSHIPS)]
    village = VILLAGES[i] if i < len(VILLAGES) else f"{VILLAGES[i % len(VILLAGES)][:-1]}{i}村"  # 宋三村, ..., 宋三10村
    return township, village, f"36062210{i:04d}"


def _at_rest(path, age=3600):
    old = time.time() - age
    os.utime(path, (old, old))


def _ledger(tmp_path, n=N):
    led = tmp_path / "ledger"
    led.mkdir()
    for i in range(n):
        township, village, code = _name(i)
        p = led / village_file_name(township, village)
        p.write_text(dump_village(township, village, code, _events(i)), encoding="utf-8")
        _at_rest(p)
    time.sleep(2.1)  # the folder itself changed just now; files changed in the last 2 s are never cached
    return led


def _list(led, *args):
    r = runner.invoke(app, ["ledger", "list", "--ledger", str(led), "--format", "json", "--as-of", AS_OF, *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)["villages"]


def _by_code(villages):
    return {v["code"]: v for v in villages}


def test_a_warm_list_reads_no_village_file(tmp_path, monkeypatch):
    led = _ledger(tmp_path)
    cold = _list(led)
    assert len(cold) == N
    assert (led / ".cache" / "list.txt").exists()

    def no_reading(*_args, **_kwargs):
        raise AssertionError("a village file was read")

    monkeypatch.setattr("lax.ledger.store.parse_text", no_reading)
    monkeypatch.setattr("lax.ledger.store._read_text", no_reading)
    assert _list(led) == cold
    assert [v["village"] for v in _list(led, "--township", "黄溪镇")] == [
        v["village"] for v in cold if v["township"] == "黄溪镇"
    ]


def test_a_hand_edit_of_one_file_among_many_is_seen(tmp_path):
    led = _ledger(tmp_path)
    before = _by_code(_list(led))
    _list(led)  # warm
    township, village, code = _name(137)
    p = led / village_file_name(township, village)
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("channel: self", "channel: mass", 1), encoding="utf-8")
    after = _by_code(_list(led))
    assert after[code]["channel"] == "mass"
    assert {c: v for c, v in after.items() if c != code} == {c: v for c, v in before.items() if c != code}
    assert _by_code(_list(led))[code]["channel"] == "mass"  # and again, once the edit is at rest
    _at_rest(p)
    time.sleep(2.1)
    assert _by_code(_list(led))[code]["channel"] == "mass"
    assert _by_code(_list(led))[code]["channel"] == "mass"


def test_a_file_added_or_removed_among_many_is_seen(tmp_path):
    led = _ledger(tmp_path)
    assert len(_list(led)) == N
    _list(led)
    p = led / village_file_name("春涛乡", "桃源村")
    p.write_text(dump_village("春涛乡", "桃源村", "360622301001", _events(7)), encoding="utf-8")
    _at_rest(p)
    villages = _list(led)
    assert len(villages) == N + 1 and "桃源村" in {v["village"] for v in villages}
    township, village, code = _name(42)
    (led / village_file_name(township, village)).unlink()
    villages = _list(led)
    assert len(villages) == N and code not in _by_code(villages)


def test_an_edit_that_keeps_the_modification_time_but_changes_the_size_is_seen(tmp_path):
    led = _ledger(tmp_path)
    _list(led)
    _list(led)
    township, village, code = _name(211)
    p = led / village_file_name(township, village)
    st = p.stat()
    text = p.read_text(encoding="utf-8")
    edited = text.replace("criteria: [", "criteria: [C01, ", 1)
    assert len(edited) != len(text)
    p.write_text(edited, encoding="utf-8")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))  # the old modification time, as `touch -r` or a copy keeps it
    assert p.stat().st_mtime_ns == st.st_mtime_ns
    assert _by_code(_list(led))[code]["criteria"][0] == "C01"


def test_villages_never_share_a_list_or_map_read_from_the_same_line(tmp_path):
    led = _ledger(tmp_path, n=4)
    entries, problems = load_entries(led, use_cache=False)
    assert problems == []
    a, b = (e for e in entries if len(e.events) == 2)  # both planned with the same measures line
    assert a.events[1].data["measures"] == b.events[1].data["measures"]
    a.events[1].data["measures"].append("另加一条")
    a.events[0].data["evidence"]["C05"]["cadre_violations"] = 99
    assert b.events[1].data["measures"] == ["召开党员大会重新选举", "县乡联合督导"]
    assert b.events[0].data["evidence"]["C05"] == {"cadre_violations": 2}
    again = parse_text((led / a.path.name).read_text(encoding="utf-8"))
    assert again.doc["events"][1]["measures"] == ["召开党员大会重新选举", "县乡联合督导"]


def test_the_cache_keeps_the_same_events_for_plain_and_dated_values(tmp_path):
    led = tmp_path / "ledger"
    led.mkdir()
    plain = dump_village("邓埠镇", "宋三村", "360622101201", _events(1))
    dated_events = _events(2)
    dated_events[0].data["evidence"] = {"C05": {"last_election": dt.date(2023, 5, 1)}}
    dated = dump_village("黄溪镇", "东阳村", "360622102305", dated_events)
    assert _fast_parse(plain).json_plain and not _fast_parse(dated).json_plain
    for name, text in (("邓埠镇-宋三村.yaml", plain), ("黄溪镇-东阳村.yaml", dated)):
        p = led / name
        p.write_text(text, encoding="utf-8")
        _at_rest(p)
    fresh, problems = load_entries(led, use_cache=False)
    assert problems == []
    first, _ = load_entries(led)  # writes the cache
    again, _ = load_entries(led)  # from it
    assert first == fresh and again == fresh
    cache = _Cache(led)
    assert "邓埠镇-宋三村.yaml" in cache.files  # plain values, stored without looking into each
    assert "黄溪镇-东阳村.yaml" not in cache.files  # a date inside a map: parsed each time instead
    # The quick way of storing plain events stores what the careful one does.
    entry = next(e for e in fresh if e.village == "宋三村")
    key = [1, 2, 3, 4]
    quick, careful = _Cache(tmp_path / "none"), _Cache(tmp_path / "none")
    quick.put("x.yaml", key, entry, [3, 3], plain=True)
    careful.put("x.yaml", key, entry, [3, 3])
    assert quick.files == careful.files and quick.files


def test_a_township_written_over_two_lines_is_listed_but_its_rows_are_not_cached(tmp_path):
    led = tmp_path / "ledger"
    led.mkdir()
    p = led / "邓埠镇-宋三村.yaml"
    p.write_text(
        "township: |-\n  邓埠\n  镇\nvillage: 宋三村\ncode: '360622101201'\nevents:\n"
        "- date: 2026-09-30\n  type: identified\n  criteria: [C05]\n",
        encoding="utf-8",
    )
    _at_rest(p)
    time.sleep(2.1)
    for _ in range(2):
        villages = _list(led)
        assert [(v["township"], v["village"]) for v in villages] == [("邓埠\n镇", "宋三村")]
    assert not (led / ".cache" / "list.txt").exists()  # a line break would break its one-row-a-line layout


def test_lists_nested_past_the_recursion_limit_inside_an_event_are_one_problem(tmp_path):
    led = tmp_path / "ledger"
    led.mkdir()
    p = led / "洪湖乡-塘桥村.yaml"
    p.write_text(
        "township: 洪湖乡\nvillage: 塘桥村\ncode: null\nevents:\n- date: 2026-09-30\n  type: identified\n"
        "  criteria: " + "[" * 3000 + "]" * 3000 + "\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["ledger", "list", "--ledger", str(led), "--format", "json", "--as-of", AS_OF])
    assert r.exit_code == 2
    assert "internal error" not in r.output
    assert r.stderr.startswith(f"{p}:") and "nested too deeply" in r.stderr


def test_the_exact_parser_leaves_every_character_yaml_refuses_or_reads_as_a_break_to_pyyaml():
    import yaml

    from lax.ledger.fileformat import _NOT_FAST

    refused = yaml.reader.Reader.NON_PRINTABLE
    for code in [*range(0x10000), 0x10000, 0x1F600, 0x10FFFF]:
        ch = chr(code)
        if refused.match(ch) or ch in "\r\t\x85\u2028\u2029\ufeff":
            assert _NOT_FAST.match(ch), hex(code)
    assert not _NOT_FAST.search("township: 邓埠镇\nnote: 完成支部换届选举 (2026) — 好\n")
