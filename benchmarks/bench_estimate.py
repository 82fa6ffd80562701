"""Benchmark: one monthly estimate through the Python API, and a cold CLI call.

* API: the median time of one ``cesu_rules.estimate(...)`` call (ruleset already loaded),
  over a mix of 64 inputs (months 2019-2026, territories, net or gross, exemptions).
* Cold CLI: ``cesu-rules estimate ... --json`` as a new process, from start to exit, median
  of 15 runs (includes Python start-up, imports and ruleset loading).

Targets (issue 3, 2-core machine): API median under 50 µs, cold CLI under 400 ms.
Run: ``python benchmarks/bench_estimate.py [--record]``.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import subprocess
import sys
from decimal import Decimal
from typing import Any

from _common import median_seconds, record

from cesu_rules import estimate


def _inputs() -> list[dict[str, Any]]:
    months = [
        "2019-03",
        "2020-07",
        "2021-11",
        "2022-06",
        "2023-09",
        "2024-04",
        "2025-06",
        "2026-07",
    ]
    territories = ["metropole", "alsace_moselle", "martinique", "reunion"]
    cases = []
    for i, (month, territory) in enumerate(itertools.product(months, territories)):
        hours = Decimal(8 + (i * 7) % 120)
        kwargs: dict[str, Any] = {
            "month": month,
            "territory": territory,
            "hours": hours,
            "paid_leave": "excluded",
            "exemption": ("none", "age_70", "apa")[i % 3],
        }
        if i % 2:
            kwargs["gross_hourly"] = Decimal("16.40")
        else:
            kwargs["net_hourly"] = Decimal("12.80")
        cases.append(kwargs)
    return cases * 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--record", action="store_true", help="append to RESULTS.md")
    args = parser.parse_args()
    cases = _inputs()
    for kwargs in cases:  # warm the ruleset and snapshot caches
        estimate(**kwargs)

    def run_all() -> None:
        for kwargs in cases:
            estimate(**kwargs)

    per_call = median_seconds(run_all, 41) / len(cases)
    single = median_seconds(
        lambda: estimate("2024-04", hours=Decimal(10), net_hourly=Decimal("12.00")), 41, 200
    )
    exe = shutil.which("cesu-rules")
    command = [exe] if exe else [sys.executable, "-m", "cesu_rules.cli"]
    command += [
        "estimate",
        "--month",
        "2024-04",
        "--hours",
        "10",
        "--net-hourly",
        "12.00",
        "--json",
    ]
    cold = median_seconds(lambda: subprocess.run(command, check=True, capture_output=True), 15)
    lines = [
        f"estimate() through the Python API, median over a mix of {len(cases)} inputs: "
        f"{per_call * 1e6:.1f} µs per estimate (target < 50 µs)",
        f"estimate() of one fixed month (2024-04, 10 h at 12.00 € net): {single * 1e6:.1f} µs",
        f"cold CLI `cesu-rules estimate ... --json` (process start to exit), median of 15: "
        f"{cold * 1e3:.0f} ms (target < 400 ms)",
    ]
    print("\n".join(lines))
    if args.record:
        record("bench_estimate.py", lines)


if __name__ == "__main__":
    main()
