"""``make bench``: Loyalty Ladder's load, reopen, write-back and analysis, against the plain pandas+openpyxl way.

Registers of 10,000 and 100,000 customers (about 5 purchases, 0.5 feedback items and 1 action
per customer) are generated once into bench/data/. The app itself is measured through AppTest: the
first screen of a newly opened app, and each page's first run and its run again in one session. Every figure is the median of three runs,
each in a fresh process (the plain way runs once at 100,000: it takes minutes). Prints a
table and writes bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from lib.config import SERVER_ENVIRONMENT

HERE = Path(__file__).parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results.json"
EDITS = 100
TARGETS = {
    "load_s": 6.0,
    "reopen_s": 1.0,
    "write_s": 10.0,
    "analyse_s": 2.0,
    "lifecycle_s": 2.0,
    "feedback_s": 60.0,
    "feedback_mb": 1500.0,
    "peak_mb": 1500.0,
    "first_screen_s": 3.0,
    "app_mb": 1000.0,
}
"""At 100,000 customers on 2 cores (the load also at least 15× faster than the plain way)."""


def dataset(size: int) -> Path:
    path = DATA / f"register_{size}.xlsx"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        print(f"generating {path.name} …", flush=True)
        from sample_data.generate import generate

        generate(path, size, seed=size, problems=False, per_customer=(5, 0.5, 1))
    return path


def task(name: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.tasks", name, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **SERVER_ENVIRONMENT},  # as the app runs
    )
    if done.returncode != 0:
        raise SystemExit(f"bench task {name} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(runs: int, name: str, *args: str, fresh_workspace: bool = False) -> tuple[float, float]:
    """(median seconds, peak MB) over ``runs`` fresh processes."""
    seconds, peaks = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            result = task(name, *args, folder) if fresh_workspace else task(name, *args)
        seconds.append(result["seconds"])
        peaks.append(result["peak_mb"])
    return statistics.median(seconds), max(peaks)


def bench_size(size: int, repeat: int, baseline: bool, earlier: dict | None = None) -> dict:
    file = str(dataset(size))
    load_s, load_mb = measure(repeat, "load", file, fresh_workspace=True)
    with tempfile.TemporaryDirectory() as folder:
        task("load", file, folder)
        reopen_s, reopen_mb = measure(repeat, "reopen", folder)
        write_s, write_mb = measure(repeat, "write", folder, str(EDITS))
        patch_s, _ = measure(repeat, "patch", folder, str(EDITS))
        analyse_s, analyse_mb = measure(repeat, "analyse", folder)
        lifecycle_s, lifecycle_mb = measure(repeat, "lifecycle", folder)
        feedback_s, feedback_mb = measure(repeat, "feedback", folder)
        app = task("pages", folder)  # once: each page's first run and its run again, in one session
    figures = {
        "load_s": load_s,
        "reopen_s": reopen_s,
        "write_s": write_s,
        "patch_s": patch_s,
        "analyse_s": analyse_s,
        "lifecycle_s": lifecycle_s,
        "feedback_s": feedback_s,
        "feedback_mb": feedback_mb,
        "peak_mb": max(load_mb, reopen_mb, write_mb, analyse_mb, lifecycle_mb, feedback_mb),
        "first_screen_s": app["seconds"],
        "app_mb": app["peak_mb"],
        "pages": app["pages"],
        "reading_s": app["reading_s"],
    }
    if earlier and "baseline_load_s" in earlier:  # the plain way does not change between our runs
        figures["baseline_load_s"], figures["baseline_write_s"] = (
            earlier["baseline_load_s"],
            earlier["baseline_write_s"],
        )
    elif baseline:
        runs = 1 if size >= 100_000 else repeat
        figures["baseline_load_s"], _ = measure(runs, "baseline_load", file)
        figures["baseline_write_s"], _ = measure(runs, "baseline_write", file)
    if "baseline_load_s" in figures:
        figures["load_speedup"] = round(figures["baseline_load_s"] / load_s, 1)
    return figures


def table(results: dict[str, dict]) -> str:
    columns = [
        "load_s",
        "reopen_s",
        "write_s",
        "patch_s",
        "analyse_s",
        "lifecycle_s",
        "feedback_s",
        "peak_mb",
        "baseline_load_s",
        "baseline_write_s",
        "load_speedup",
    ]
    lines = ["customers  " + "  ".join(f"{c:>16}" for c in columns)]
    for size, figures in results.items():
        lines.append(f"{int(size):>9,}  " + "  ".join(f"{figures.get(c, float('nan')):>16.2f}" for c in columns))
    for size, figures in results.items():
        shown = figures.get("pages", {})
        if shown:
            lines.append(
                f"{int(size):>9,}  first screen {figures['first_screen_s']:.2f} s; pages first/again: "
                + ", ".join(f"{page} {t['first_s']:.1f}/{t['again_s']:.1f}" for page, t in shown.items())
            )
    big = results.get("100000")
    if big:
        lines.append(
            "targets at 100,000: "
            + ", ".join(f"{k} {'ok' if big[k] <= v else 'MISSED'} ({big[k]:.2f} ≤ {v:g})" for k, v in TARGETS.items())
        )
        if "load_speedup" in big:
            lines.append(f"load speed-up {big['load_speedup']:.1f}× (target ≥ 15×)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain pandas+openpyxl way")
    parser.add_argument(
        "--reuse-baseline",
        action="store_true",
        help="take the plain way's figures from the last bench/results.json (it takes minutes)",
    )
    args = parser.parse_args()
    earlier = json.loads(RESULTS.read_text()) if args.reuse_baseline and RESULTS.exists() else {}
    results = {}
    for size in args.sizes:
        print(f"benchmarking {size:,} customers …", flush=True)
        results[str(size)] = bench_size(size, args.repeat, not args.no_baseline, earlier.get(str(size)))
        print(json.dumps(results[str(size)]), flush=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
