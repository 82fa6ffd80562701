"""Benchmark: loading and validating the shipped rulesets, and resolving monthly snapshots.

Run: ``python benchmarks/bench_rulesets.py`` (add ``--record`` to append the figures to
benchmarks/RESULTS.md with the date and machine).
"""

from __future__ import annotations

import argparse

from _common import median_seconds, record

from cesu_rules import load_ruleset, rules_at
from cesu_rules.rules import snapshot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--record", action="store_true", help="append to RESULTS.md")
    args = parser.parse_args()
    ruleset = load_ruleset()
    load = median_seconds(load_ruleset, 20)

    def resolve_all() -> None:
        snapshot._CACHE.clear()
        for year in range(2019, 2027):
            for month in range(1, 13):
                rules_at(ruleset, f"{year}-{month:02d}", "metropole")

    resolve = median_seconds(resolve_all, 20) / 96
    cached = median_seconds(lambda: rules_at(ruleset, "2024-04", "metropole"), 20, 1000)
    lines = [
        f"load_ruleset (parse + validate {len(ruleset.parameters)} files): {load * 1e3:.1f} ms",
        f"rules_at, first resolution of a month: {resolve * 1e6:.0f} µs",
        f"rules_at, cached: {cached * 1e6:.2f} µs",
    ]
    print("\n".join(lines))
    if args.record:
        record("bench_rulesets.py", lines)


if __name__ == "__main__":
    main()
