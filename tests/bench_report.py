"""Benchmark: `lax report --year 2026` over 10,000 and 50,000 villages (targets: 10,000 under 2 s warm and 5 s
cold, 50,000 within 5 s warm; medians of 3).

Not collected by pytest (the name does not start with `test_`). Run it by hand:

    python tests/bench_report.py [--villages 10000 50000] [--runs 3] [--keep DIR] [--source]

It writes a ledger in the ledger's file format (docs/ledger.md "The file format") straight to disk — 10,000 villages
in 400 townships, every one with a round of identification, plan, progress and acceptance at various stages,
plus the townships' quarterly submissions — then times `lax report` in a fresh process: cold (no lax cache); with the ledger's entries cached but the
figures computed (what the first report after a change costs); warm (the same report again: its figures kept,
`lax.report.cache`), for md, and once warm for html and docx; and once after a hand edit of one file. Every md
run must give the cold run's report byte for byte. Wall and CPU seconds of each run.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, CPU seconds of the child) of one `lax ...` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "lax", *args], env=env, capture_output=True)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"lax {' '.join(args)} failed ({result.returncode}): {result.stderr.decode()[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _shown(runs: list[tuple[float, float]]) -> str:
    return ", ".join(f"{w:.2f} ({c:.2f} CPU)" for w, c in runs)


def _median(runs: list[tuple[float, float]]) -> float:
    return statistics.median(w for w, _c in runs)


def bench(root: Path, villages: int, runs: int, env: dict[str, str]) -> bool:
    """Build a ledger of `villages` villages under `root` and time the report on it; True when on target."""
    ledger = root / "ledger"
    t0 = time.perf_counter()
    if ledger.exists():
        shutil.rmtree(ledger)
    write_ledger(ledger, villages)
    print(f"ledger: {villages} villages written in {time.perf_counter() - t0:.1f} s ({ledger})")

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
    out = root / "out.md"
    os.sync()  # the ledger's writes on disk first: the runs time lax, not the kernel writing the new files back
    time.sleep(2.1)  # files younger than two seconds are not cached (the ledger's "racy" rule)
    cold = []
    for _ in range(runs):
        shutil.rmtree(ledger / ".cache", ignore_errors=True)
        os.sync()  # the previous run's caches written back before this run, not during it
        cold.append(timed(args, env))
    expected = out.read_bytes()

    def same() -> None:
        if out.read_bytes() != expected:
            raise SystemExit("a run's report differs from the cold one's")

    # the ledger's entries cached, the figures computed (what the first report after a change costs)
    computed = []
    for _ in range(runs):
        for kept in (ledger / ".cache").glob("report-*.bin"):
            kept.unlink()
        computed.append(timed(args, env))
        same()
    warm = [timed(args, env) for _ in range(runs)]  # the same report again: its figures kept
    same()
    html = timed(report("html"), env)
    docx = timed(report("docx"), env)
    # one village file edited by hand: its entry read again, the figures computed again
    edited = sorted(ledger.glob("*.yaml"))[len(list(ledger.glob("*.yaml"))) // 2]
    edited.write_text(edited.read_text(encoding="utf-8") + "# 2027年1月核对\n", encoding="utf-8")
    time.sleep(2.1)
    after_edit = timed(args, env)
    same()  # a comment changes no figure
    size = out.stat().st_size
    # The targets of issues 11 and 14: 10,000 villages warm under 2 s and cold under 5 s; a province's
    # 50,000 (or more) warm within 5 s.
    warm_target = 2.0 if villages <= 10_000 else 5.0
    cold_target = 5.0 if villages <= 10_000 else None
    print(f"{villages} villages, lax report --year 2026 --format md (median of {runs}; output {size:,} bytes)")
    print(
        f"  cold (no lax cache):          {_median(cold):5.2f} s   runs: {_shown(cold)}"
        + (f"   target < {cold_target} s" if cold_target else "")
    )
    print(f"  entries cached, figures computed: {_median(computed):5.2f} s   runs: {_shown(computed)}")
    print(f"  warm (figures kept):          {_median(warm):5.2f} s   runs: {_shown(warm)}   target < {warm_target} s")
    print(f"  warm html {html[0]:.2f} s ({html[1]:.2f} CPU), warm docx {docx[0]:.2f} s ({docx[1]:.2f} CPU)")
    print(f"  after a hand edit of one file: {after_edit[0]:.2f} s ({after_edit[1]:.2f} CPU)")
    ok = _median(warm) < warm_target and (cold_target is None or _median(cold) < cold_target)
    print("  OK" if ok else "  SLOWER THAN THE TARGET")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--villages", type=int, nargs="+", default=[10_000, 50_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build the ledgers here and keep them")
    ap.add_argument(
        "--source",
        action="store_true",
        help="compile lax's modules from source in every run, as a checkout does with PYTHONDONTWRITEBYTECODE=1 "
        "(default: compiled once first, as an installed lax has them)",
    )
    opts = ap.parse_args()

    top = opts.keep or Path(tempfile.mkdtemp(prefix="lax-bench-report-"))
    env = {**os.environ, "LAX_TODAY": "2027-01-15", "LAX_LANG": "zh", "PYTHONPATH": str(ROOT)}
    if opts.source:
        for cache in (ROOT / "lax").rglob("__pycache__"):  # lax's own compiled modules (pytest makes them again)
            shutil.rmtree(cache, ignore_errors=True)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        print("lax's modules compiled from source in every run")
    else:
        compileall.compile_dir(str(ROOT / "lax"), quiet=1)
        print("lax's modules compiled once before timing (as installed)")
    try:
        results = [bench(top / f"v{n}", n, opts.runs, env) for n in opts.villages]
        print("OK" if all(results) else "SLOWER THAN A TARGET")
    finally:
        if not opts.keep:
            shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
