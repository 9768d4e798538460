"""Benchmark for SPEC §9's check targets; not part of the unit tests (pytest does not collect it).

Generates (once, cached) a 100,000-village `.xlsx` with the 26 default columns, then in the same run
times, each in a fresh process and each several times:

- the bare read: python-calamine's `to_python()` of the sheet, nothing else;
- `lax check big.xlsx --format json --output out.json`.

It prints wall time and peak memory (max RSS) for both and the ratios against the targets
(time ≤ 1.25 ×, memory ≤ 2 × the bare read), plus the time of the table view on the same file.

    python tests/bench_check.py                 # 100,000 villages, 3 repeats
    python tests/bench_check.py --rows 20000 --repeat 1
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
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "lax-bench")
    args = parser.parse_args()

    args.workdir.mkdir(parents=True, exist_ok=True)
    big = args.workdir / f"big-{args.rows}.xlsx"
    if not big.exists():
        from make_big import make_big_xlsx

        t = time.perf_counter()
        make_big_xlsx(big, args.rows)
        print(f"generated {big} ({big.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")
    out = args.workdir / "out.json"
    py = sys.executable
    env = dict(os.environ, LAX_TODAY="2026-09-30")
    env.pop("LAX_DEBUG", None)

    bare, lax_runs, table_runs = [], [], []
    for _ in range(args.repeat):  # alternate, so both see the same machine state
        bare.append(run([py, "-c", BARE_READ, str(big)]))
        lax_runs.append(run([py, "-m", "lax", "check", str(big), "--format", "json", "--output", str(out)], env))
        table_runs.append(run([py, "-m", "lax", "check", str(big)], env))
    codes = {r[2] for r in lax_runs}
    bare_t = min(r[0] for r in bare)
    lax_t = min(r[0] for r in lax_runs)
    bare_m = max(r[1] for r in bare)
    lax_m = max(r[1] for r in lax_runs)
    table_t = min(r[0] for r in table_runs)
    bare_cpu = min(r[3] for r in bare)
    lax_cpu = min(r[3] for r in lax_runs)

    print(f"rows: {args.rows:,}   repeats: {args.repeat}   python: {sys.version.split()[0]}")
    print(f"bare calamine read : best {bare_t:6.2f} s  (median {statistics.median(r[0] for r in bare):.2f} s)  "
          f"peak {bare_m:7.1f} MiB")
    print(f"lax check --json   : best {lax_t:6.2f} s  (median {statistics.median(r[0] for r in lax_runs):.2f} s)  "
          f"peak {lax_m:7.1f} MiB  exit {sorted(codes)}")
    print(f"lax check (table)  : best {table_t:6.2f} s")
    print(f"CPU time (user+sys): bare best {bare_cpu:.2f} s, lax --json best {lax_cpu:.2f} s, "
          f"ratio {lax_cpu / bare_cpu:.3f} (lax uses two cores; the target is wall time)")
    ratio_t, ratio_m = lax_t / bare_t, lax_m / bare_m
    ok_t, ok_m = ratio_t <= 1.25, ratio_m <= 2.0
    print(f"time ratio   {ratio_t:.3f}  (target <= 1.25)  {'OK' if ok_t else 'MISSED'}")
    print(f"memory ratio {ratio_m:.3f}  (target <= 2.00)  {'OK' if ok_m else 'MISSED'}")
    return 0 if ok_t and ok_m else 1


if __name__ == "__main__":
    raise SystemExit(main())
