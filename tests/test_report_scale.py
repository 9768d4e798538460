"""The shortcuts a province's report and a cold `ledger list` take: the report's named groups, made in one pass
over the villages, are exactly the villages each group's definition picks; the check of an event's values,
remembered per distinct value, still catches a wrong value after the same key was found right many times (and
a value right for one event type is still judged afresh for another)."""

from __future__ import annotations

import json
import os
import time

from typer.testing import CliRunner

from lax.cli import app

runner = CliRunner()

TOWNSHIPS = ["邓埠镇", "黄溪镇", "洪湖乡"]
VILLAGES = ["宋三村", "东阳村", "塘桥村", "方丘村", "上罗村", "西畈村", "渡口村", "石门村"]


def _village(i: int) -> tuple[str, str, list[str]]:
    township, village = TOWNSHIPS[i % 3], VILLAGES[i % 8] if i < 8 else f"{VILLAGES[i % 8][:-1]}{i}村"
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
    stage = i % 6
    if stage >= 1:
        lines += [
            f"- date: {day[:5]}07-01",
            "  type: planned",
            "  measures: [召开党员大会重新选举]",
            "  helping_unit: 县财政局",
        ]
    if stage >= 2:
        lines += [
            f"- date: {day[:5]}08-0{1 + i % 9}",
            "  type: acceptance",
            f"  passed: {'true' if stage != 3 else 'false'}",
            "  score: 88" if stage != 3 else "  score: 52",
            "  by: 县委组织部",
        ]
        if stage == 3:
            lines.append("  deadline: 2026-12-31")
    if stage == 4:
        lines += ["- date: 2026-10-20", "  type: reopened", "  reason: 群众反映问题复发", "  criteria: [C05]"]
    return township, village, lines


def _ledger(tmp_path, n=60):
    led = tmp_path / "ledger"
    led.mkdir()
    old = time.time() - 3600
    for i in range(n):
        township, village, lines = _village(i)
        p = led / f"{township}-{village}.yaml"
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.utime(p, (old, old))
    return led


_NOT_ACCEPTED = ("identified", "rectifying")


def _passed_in_period(v, passed):
    return any(a["in_period"] and a["passed"] == passed for a in v["acceptances"])


# Each group's definition, as the report's documentation gives it.
DEFINITIONS = {
    "identified": lambda v: True,
    "identified_in_period": lambda v: v["identified_in_period"],
    "carried_over": lambda v: not v["identified_in_period"],
    "rectifying": lambda v: v["status"] in _NOT_ACCEPTED,
    "awaiting_plan": lambda v: v["status"] == "identified",
    "overdue": lambda v: v["overdue"],
    "accepted": lambda v: v["status"] in ("accepted", "closed"),
    "accepted_in_period": lambda v: _passed_in_period(v, True),
    "failed": lambda v: v["status"] in _NOT_ACCEPTED and v["acceptance"] is not None and not v["acceptance"]["passed"],
    "failed_in_period": lambda v: _passed_in_period(v, False),
    "watching": lambda v: v["watching"],
    "closable": lambda v: v["status"] == "accepted" and not v["watching"],
    "closed": lambda v: v["status"] == "closed",
    "rebounds": lambda v: bool(v["reopened"]),
    "rebounds_in_period": lambda v: any(r["in_period"] for r in v["reopened"]),
}


def test_each_group_holds_exactly_the_villages_its_definition_picks(tmp_path):
    led = _ledger(tmp_path)
    for args in (["--year", "2026"], ["--quarter", "2026Q3"], ["--from", "2026-08-03", "--to", "2026-10-31"]):
        r = runner.invoke(
            app, ["report", *args, "--format", "json", "--ledger", str(led)], env={"LAX_TODAY": "2027-01-15"}
        )
        assert r.exit_code == 0, r.output
        ctx = json.loads(r.stdout)
        everyone = ctx["identified"]["villages"]
        assert len(everyone) == 60 and ctx["identified"]["count"] == 60
        sizes = {}
        for name, picks in DEFINITIONS.items():
            expected = [v for v in everyone if picks(v)]
            assert ctx[name]["villages"] == expected, (args, name)
            assert ctx[name]["count"] == len(expected)
            sizes[name] = len(expected)
        # the ledger has villages in every stage, so no group is trivially right
        picked = ("rectifying", "accepted", "failed", "watching", "rebounds", "awaiting_plan")
        for name in picked if args[0] == "--year" else ():
            assert sizes[name] > 0, (args, name)


def _verify(led):
    return runner.invoke(app, ["ledger", "verify", "--ledger", str(led)], env={"LAX_LANG": "en"})


def test_a_wrong_value_is_caught_after_the_same_key_was_right_many_times(tmp_path):
    led = _ledger(tmp_path)
    assert _verify(led).exit_code == 0
    bad = led / "洪湖乡-塘桥村.yaml"
    text = bad.read_text(encoding="utf-8")
    bad.write_text(
        text.replace("channel: spot", "channel: spott").replace("  by: 县委组织部", "  by: 2026"), encoding="utf-8"
    )
    r = _verify(led)
    assert r.exit_code != 0
    assert "洪湖乡-塘桥村.yaml:7" in r.output and "channel: 'spott' is not one of" in r.output
    assert "by: 2026 must be text" in r.output


def test_a_value_right_for_one_event_type_is_judged_again_for_another(tmp_path):
    led = _ledger(tmp_path, n=8)
    first = led / "邓埠镇-宋三村.yaml"
    # `criteria: []` is allowed on a rebound (no standard named again) but not on an identification
    lines = first.read_text(encoding="utf-8").splitlines()
    lines += ["- date: 2026-11-02", "  type: reopened", "  reason: 复发", "  criteria: []"]
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = _verify(led)
    assert "criteria: at least one standard" not in r.output, r.output
    second = led / "黄溪镇-东阳村.yaml"
    second.write_text(
        second.read_text(encoding="utf-8").replace("criteria: [C05]", "criteria: []", 1), encoding="utf-8"
    )
    r = _verify(led)
    assert r.exit_code != 0
    assert "黄溪镇-东阳村.yaml:8" in r.output and "criteria: at least one standard is needed" in r.output


# --- The `lax` program leaves a report's big results to the process's end (`leave_to_exit`, `exit_now`) ---


def _lax(args, tmp_path, **kw):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "LAX_TODAY": "2027-01-15", "LAX_LANG": "zh", "PYTHONPATH": str(root)}
    env.pop("LAX_LEDGER", None)
    return subprocess.run([sys.executable, "-m", "lax", *args], env=env, cwd=tmp_path, timeout=120, **kw)


def test_the_program_ending_early_writes_the_same_report_as_in_process(tmp_path):
    led = _ledger(tmp_path)
    inproc = runner.invoke(
        app, ["report", "--year", "2026", "--ledger", str(led), "--lang", "zh"], env={"LAX_TODAY": "2027-01-15"}
    )
    assert inproc.exit_code == 0, inproc.output
    printed = _lax(["report", "--year", "2026", "--ledger", str(led)], tmp_path, capture_output=True)
    assert printed.returncode == 0 and printed.stderr == b""
    assert printed.stdout.decode("utf-8") == inproc.stdout and "邓埠镇" in inproc.stdout
    out = tmp_path / "2026.md"
    wrote = _lax(["report", "--year", "2026", "--ledger", str(led), "-o", str(out)], tmp_path, capture_output=True)
    assert wrote.returncode == 0
    assert wrote.stderr.decode("utf-8") == f"已写入 {out}（县级，2026）\n"
    assert out.read_text("utf-8") == inproc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026.md", "ledger"]  # no temporary file left
    cache = led / ".cache" / "ledger.json"
    assert cache.is_file() and cache.stat().st_size > 0  # the entry cache was saved before the early end


def test_the_program_ending_early_keeps_the_exit_code_of_a_failed_write(tmp_path):
    led = _ledger(tmp_path, n=12)
    from pathlib import Path

    if not Path("/dev/full").exists():
        import pytest

        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        r = _lax(["report", "--year", "2026", "--ledger", str(led)], tmp_path, stdout=full, stderr=-1)
    assert r.returncode == 2 and r.stderr.decode("utf-8") == "标准输出：无法写入：磁盘空间不足\n"
    missing = _lax(
        ["report", "--year", "2026", "--ledger", str(led), "--village", "不存在村"], tmp_path, capture_output=True
    )
    assert missing.returncode != 0 and missing.stderr.decode("utf-8").count("\n") == 1
    assert "不存在村" in missing.stderr.decode("utf-8")
