"""Benchmark for the check targets (docs/dev/benchmarks.md); not part of the unit tests (pytest does not collect it).

Generates (once, cached) two 100,000-village `.xlsx` with the 26 default columns (`tests/make_big.py`):
the realistic shape (about 10 % of villages flagged) and the stress shape (95 % meet two to four
standards). For each it times, each in a fresh process, each run alternating with the bare read:

- the bare read: python-calamine's `to_python()` of the sheet, nothing else;
- `lax check big.xlsx --format json|csv|xlsx --output out.*`.

It prints the medians of wall time, CPU time and peak memory (max RSS) and every ratio against the
targets (issue 14: json ≤ 1.15 × realistic, ≤ 1.4 × stress; xlsx ≤ 4 ×; memory ≤ 2 × the bare read).
On a machine shared with other work, wall time varies; CPU time (printed beside it) far less.

    python tests/bench_check.py                 # both shapes, json csv xlsx, 3 repeats
    python tests/bench_check.py --rows 20000 --repeat 1 --shapes stress --formats json
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

BARE_READ = """
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
for name in wb.sheet_names:
    rows = wb.get_sheet_by_name(name).to_python()
"""


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float, int, float]:
    """Run a command; return (wall seconds, peak RSS in MiB, exit code, CPU seconds) for that process alone.

    CPU time (user + system) is printed beside wall time: on a shared machine it varies far less. (lax parses
    a large sheet on two cores (lax/read/bigsheet.py), so its CPU time is above its wall time; the target is time.)"""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1, 2):
        sys.stderr.write(proc.stderr.read().decode(errors="replace"))
    proc.stderr.close()
    return wall, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shapes", nargs="*", default=["realistic", "stress"], choices=["realistic", "stress"])
    parser.add_argument("--formats", nargs="*", default=["json", "csv", "xlsx"], choices=["json", "csv", "xlsx"])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "lax-bench")
    args = parser.parse_args()

    args.workdir.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    env = dict(os.environ, LAX_TODAY="2026-09-30")
    env.pop("LAX_DEBUG", None)
    targets = {"json": (1.15, 1.4), "csv": (None, None), "xlsx": (4.0, 4.0)}  # (realistic, stress) time ratio
    ok = True
    print(
        f"rows: {args.rows:,}   repeats: {args.repeat} (median, each run alternating with the bare read)   "
        f"python: {sys.version.split()[0]}   cores: {os.cpu_count()}"
    )
    for shape in args.shapes:
        stress = shape == "stress"
        big = args.workdir / (f"stress-{args.rows}.xlsx" if stress else f"big-{args.rows}.xlsx")
        if not big.exists():
            from make_big import make_big_xlsx

            t = time.perf_counter()
            make_big_xlsx(big, args.rows, stress=stress)
            print(f"generated {big} ({big.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")
        bare: list = []
        runs: dict[str, list] = {f: [] for f in args.formats}
        for _ in range(args.repeat):
            for fmt in args.formats:  # alternate, so both see the same machine state
                bare.append(run([py, "-c", BARE_READ, str(big)]))
                out = args.workdir / f"out.{fmt}"
                runs[fmt].append(run([py, "-m", "lax", "check", str(big), "--format", fmt, "--output", str(out)], env))
        bare_t = statistics.median(r[0] for r in bare)
        bare_m = statistics.median(r[1] for r in bare)
        bare_cpu = statistics.median(r[3] for r in bare)
        print(f"[{shape}] bare calamine read: median {bare_t:6.2f} s  CPU {bare_cpu:6.2f} s  peak {bare_m:7.1f} MiB")
        for fmt, rs in runs.items():
            t = statistics.median(r[0] for r in rs)
            m = statistics.median(r[1] for r in rs)
            cpu = statistics.median(r[3] for r in rs)
            target = targets[fmt][1 if stress else 0]
            verdict = "" if target is None else ("OK" if t / bare_t <= target else "MISSED") + f" (target <= {target})"
            mem_ok = m / bare_m <= 2.0
            ok = ok and (target is None or t / bare_t <= target) and mem_ok
            print(
                f"[{shape}] lax check --format {fmt:4s}: median {t:6.2f} s  CPU {cpu:6.2f} s  peak {m:7.1f} MiB  "
                f"exit {sorted({r[2] for r in rs})}   time ratio {t / bare_t:.3f} {verdict}   "
                f"CPU ratio {cpu / bare_cpu:.3f}   memory ratio {m / bare_m:.3f} {'OK' if mem_ok else 'MISSED'}"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
