"""Progress bars for long runs (``batch``, ``simulate``): tqdm on a terminal, nothing else.

A bar is shown only when its stream is a terminal and the user did not pass ``--quiet``; it
counts rows when the input says how many there are (Parquet, a scenario's grid) and bytes
read otherwise (CSV), with the rows written beside it and tqdm's ETA. Without tqdm installed
(it comes with the ``batch`` extra) the run is simply silent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from .stream import Progress

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(
    *, enabled: bool, stream: TextIO, label: str = "rows"
) -> Iterator[Callable[[Progress], None] | None]:
    """A callback drawing a bar on ``stream`` (None when no bar is to be drawn)."""
    isatty = getattr(stream, "isatty", None)
    if not enabled or isatty is None or not isatty():
        yield None
        return
    try:
        from tqdm import tqdm  # noqa: PLC0415 - optional, imported on use
    except ImportError:
        yield None
        return
    bar: Any = None

    def show(state: Progress) -> None:
        nonlocal bar
        by_rows = state.total_rows is not None
        if bar is None:
            total = state.total_rows if by_rows else state.total_bytes
            bar = tqdm(
                total=total,
                file=stream,
                unit=label if by_rows else "B",
                unit_scale=True,
                unit_divisor=1000 if by_rows else 1024,
                dynamic_ncols=True,
                leave=False,
            )
        bar.update((state.rows if by_rows else state.bytes_read) - bar.n)
        if not by_rows:
            bar.set_postfix_str(f"{state.rows:,} {label} written", refresh=False)

    try:
        yield show
    finally:
        if bar is not None:
            bar.close()
