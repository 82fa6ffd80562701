"""Benchmark: loading and validating the shipped rulesets, and resolving monthly snapshots.

Run: ``python benchmarks/bench_rulesets.py`` (add ``--record`` to append the figures to
benchmarks/RESULTS.md with the date and machine).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cesu_rules import load_ruleset, rules_at
from cesu_rules.rules import snapshot

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine_description() -> str:
    """CPU model, core count, Python and OS: enough to compare recorded figures."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{model}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.machine()}"
    )


def _median_seconds(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--record", action="store_true", help="append to RESULTS.md")
    args = parser.parse_args()
    ruleset = load_ruleset()
    load = _median_seconds(load_ruleset, 20)

    def resolve_all() -> None:
        snapshot._CACHE.clear()
        for year in range(2019, 2027):
            for month in range(1, 13):
                rules_at(ruleset, f"{year}-{month:02d}", "metropole")

    resolve = _median_seconds(resolve_all, 20) / 96
    cached = _median_seconds(lambda: rules_at(ruleset, "2024-04", "metropole"), 2000)
    lines = [
        f"load_ruleset (parse + validate {len(ruleset.parameters)} files): {load * 1e3:.1f} ms",
        f"rules_at, first resolution of a month: {resolve * 1e6:.0f} µs",
        f"rules_at, cached: {cached * 1e6:.2f} µs",
    ]
    print("\n".join(lines))
    if args.record:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        machine = machine_description()
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(f"\n### bench_rulesets.py — {stamp} — {machine}\n\n")
            out.writelines(f"- {line}\n" for line in lines)


if __name__ == "__main__":
    main()
