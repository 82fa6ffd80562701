"""Helpers shared by the benchmark scripts: machine description, timing, recording."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

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


def best_seconds(fn: Callable[[], object], repeat: int = 3) -> float:
    """The shortest of ``repeat`` runs of ``fn`` (seconds): on a shared, noisy machine the
    best run is the one least disturbed."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def median_seconds(fn: Callable[[], object], repeat: int, number: int = 1) -> float:
    """Median over ``repeat`` runs of the time of ``number`` calls, divided by ``number``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def record(script: str, lines: list[str]) -> None:
    """Append the figures to RESULTS.md with the date and machine."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(f"\n### {script} — {stamp} — {machine_description()}\n\n")
        out.writelines(f"- {line}\n" for line in lines)
