"""Benchmark: `lax report --year 2026` over a 10,000-village ledger (targets: under 2 s warm, 5 s cold).

Not collected by pytest (the name does not start with `test_`). Run it by hand:

    python tests/bench_report.py [--villages 10000] [--runs 3] [--keep DIR]

It writes a ledger in the ledger's file format (docs/ledger.md "The file format") straight to disk — 10,000 villages
in 400 townships, every one with a round of identification, plan, progress and acceptance at various stages,
plus the townships' quarterly submissions — then times `lax report` in a fresh process: cold (no lax cache)
and warm (the cache in place), for md, and once warm for html and docx.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STANDARDS = [f"C{i:02d}" for i in range(1, 16)]
FIELDS = {
    "C01": "secretary_vacant_months",
    "C04": "committee_vacancies",
    "C05": "election_completed",
    "C13": "cadre_violations",
    "C15": "satisfaction",
}


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_ledger(folder: Path, villages: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    townships = [f"第{i:03d}镇" for i in range(400)]
    start = dt.date(2026, 1, 5)
    for n in range(villages):
        t = n % len(townships)
        township, village = townships[t], f"样本{n:05d}村"
        code = f"360622{t:03d}{n // len(townships):03d}"  # unique: the village's number within its township
        day = start + dt.timedelta(days=rng.randrange(0, 300))
        met = sorted(rng.sample(STANDARDS, rng.choice((1, 1, 1, 2, 3))))
        evidence = ", ".join(f"{c}: {{{FIELDS.get(c, 'asset_cases')}: 1}}" for c in met)
        channel = rng.choice(("self", "self", "mass", "spot", "department"))
        lines = [
            f"township: {township}",
            f"village: {village}",
            f"code: {_q(code)}",
            "events:",
            f"- date: {day.isoformat()}",
            "  type: identified",
            f"  channel: {channel}",
            f"  criteria: [{', '.join(met)}]",
            f"  evidence: {{{evidence}}}",
            f"  deadline: {(day + dt.timedelta(days=182)).isoformat()}",
        ]
        stage = rng.random()
        if stage > 0.1:
            d = day + dt.timedelta(days=7)
            lines += [
                f"- date: {d.isoformat()}",
                "  type: planned",
                "  measures: [召开党员大会重新选举, 县乡联合督导, 建立村级议事规则]",
                "  county_leader: 张建国",
                "  township_leader: 李明",
                "  first_secretary: 王强",
                "  helping_unit: 县财政局",
            ]
            for k in range(rng.randrange(1, 4)):
                d = d + dt.timedelta(days=20)
                lines += [
                    f"- date: {d.isoformat()}",
                    "  type: progress",
                    f"  note: 第{k + 1}次整改进展",
                    f"  funds: {rng.randrange(0, 50) * 100}",
                ]
            if stage > 0.4:
                d = d + dt.timedelta(days=30)
                passed = stage > 0.5
                lines += [
                    f"- date: {d.isoformat()}",
                    "  type: acceptance",
                    f"  passed: {'true' if passed else 'false'}",
                    f"  score: {rng.randrange(70, 95) if passed else rng.randrange(40, 69)}",
                    "  by: 县委组织部",
                ]
                if not passed:
                    lines.append(f"  deadline: {(d + dt.timedelta(days=90)).isoformat()}")
        (folder / f"{township}-{village}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tdir = folder / "_townships"
    tdir.mkdir(exist_ok=True)
    for i, township in enumerate(townships):
        lines = [f"township: {township}", "events:"]
        for q, due in ((1, "03-31"), (2, "06-30"), (3, "09-30")):
            late = i % 37 == q
            day = dt.date.fromisoformat(f"2026-{due}") + dt.timedelta(days=9 if late else -2)
            lines += [f"- date: {day.isoformat()}", "  type: submission", f"  quarter: 2026Q{q}", "  villages: 25"]
        (tdir / f"{township}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "lax", *args], env=env, capture_output=True)
    elapsed = time.perf_counter() - t0
    if result.returncode != 0:
        raise SystemExit(f"lax {' '.join(args)} failed ({result.returncode}): {result.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--villages", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build the ledger here and keep it")
    opts = ap.parse_args()

    root = opts.keep or Path(tempfile.mkdtemp(prefix="lax-bench-report-"))
    ledger = root / "ledger"
    try:
        t0 = time.perf_counter()
        if ledger.exists():
            shutil.rmtree(ledger)
        write_ledger(ledger, opts.villages)
        print(f"ledger: {opts.villages} villages written in {time.perf_counter() - t0:.1f} s ({ledger})")
        env = {**os.environ, "LAX_TODAY": "2027-01-15", "LAX_LANG": "zh"}

        def report(fmt: str) -> list[str]:
            return [
                "report",
                "--year",
                "2026",
                "--format",
                fmt,
                "--ledger",
                str(ledger),
                "--output",
                str(root / f"out.{fmt}"),
            ]

        args = report("md")
        time.sleep(2.1)  # files younger than two seconds are not cached (the ledger's "racy" rule)
        cold = []
        for _ in range(opts.runs):
            shutil.rmtree(ledger / ".cache", ignore_errors=True)
            cold.append(timed(args, env))
        timed(args, env)  # fills the cache
        warm = [timed(args, env) for _ in range(opts.runs)]
        html = timed(report("html"), env)
        docx = timed(report("docx"), env)
        size = (root / "out.md").stat().st_size
        print(
            f"lax report --year 2026 --format md: cold (no lax cache) best {min(cold):.2f} s of {opts.runs} "
            f"[{', '.join(f'{x:.2f}' for x in cold)}]; warm best {min(warm):.2f} s "
            f"[{', '.join(f'{x:.2f}' for x in warm)}]; output {size:,} bytes"
        )
        print(f"warm html {html:.2f} s, warm docx {docx:.2f} s")
        print(
            f"targets: warm < 2 s: {'met' if min(warm) < 2 else 'NOT met'}; "
            f"cold < 5 s: {'met' if min(cold) < 5 else 'NOT met'}"
        )
    finally:
        if not opts.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
