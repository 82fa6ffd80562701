"""Benchmark-style run of the scalar-vs-batch differential on 100 000 rows.

The rows are drawn by the same hypothesis strategy as tests/test_batch.py (``wide_row``:
every wage kind, aids, defaulted paid leave, wages at and a cent under the minimum, net
taxables exactly on a PAS threshold, capped reliefs, and malformed rows), derandomised so a
run is reproducible. The batch engine computes them all at once; each row is then estimated
by the scalar path and every figure, refusal code and message is compared
(``tests/differential.py``, the comparison the test suite uses).

Target (issue 9): 0 differences on at least 100 000 rows, under every rounding policy.
Run: ``python benchmarks/bench_differential.py [--rows N] [--all-policies] [--record]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cesu_rules import Ruleset, default_ruleset
from tests.differential import batch_of, differences
from tests.helpers import policies
from tests.strategies import wide_row

BLOCK = 40  # rows per hypothesis draw (larger lists overrun hypothesis's buffer)


def draw_rows(count: int) -> list[dict[str, Any]]:
    """``count`` rows from the differential's strategy, the same on every run."""
    rows: list[dict[str, Any]] = []

    @settings(
        max_examples=count // BLOCK + 1,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(wide_row(), min_size=BLOCK, max_size=BLOCK))
    def collect(block: list[dict[str, Any]]) -> None:
        rows.extend(block)

    while len(rows) < count:
        collect()
    return rows[:count]


def compare(rows: list[dict[str, Any]], ruleset: Ruleset, label: str) -> list[str]:
    start = time.perf_counter()
    result = batch_of(rows, ruleset)
    batch_s = time.perf_counter() - start
    start = time.perf_counter()
    found = differences(rows, ruleset, result)
    scalar_s = time.perf_counter() - start
    refused = int((~result.ok).sum())
    line = (
        f"{label}: {len(rows):,} rows ({refused:,} refused by both paths), "
        f"{len(found)} differences; batch {batch_s:.2f} s, scalar loop + comparison "
        f"{scalar_s:.1f} s"
    )
    print(line, flush=True)
    for problem in found[:10]:
        print("  ", problem)
    return [line]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--all-policies", action="store_true", help="the four rounding policies")
    parser.add_argument("--record", action="store_true", help="append to RESULTS.md")
    args = parser.parse_args()
    start = time.perf_counter()
    rows = draw_rows(args.rows)
    lines = [f"drew {len(rows):,} rows in {time.perf_counter() - start:.0f} s (derandomised)"]
    print(lines[0], flush=True)
    lines += compare(rows, default_ruleset(), "shipped rules")
    if args.all_policies:
        for inversion in ("monthly", "hourly"):
            for totals in ("each_line", "total_then_lines"):
                label = f"inversion {inversion}, totals {totals}"
                lines += compare(rows, policies(inversion, totals), label)
    if args.record:
        record("bench_differential.py", lines)
    return 1 if any(" 0 differences" not in line for line in lines[1:]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
