"""Charts of simulations (matplotlib, the ``plot`` extra): one figure against one axis of a
grid, one line per series, and each line's baseline dashed when a run is compared."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .extras import require

if TYPE_CHECKING:  # pragma: no cover
    from .simulate import SimulationResult

__all__ = ["PlotData", "draw_grid"]


@dataclass(frozen=True)
class PlotData:
    """The points of a chart: per row computed, the x axis's value index, the series axis's
    value index (None: one line), the figure and its baseline (cents)."""

    x_name: str
    y_name: str
    series_name: str | None
    x_texts: list[str]
    numeric: bool  # the x axis holds numbers (else categories, in their order)
    series_texts: list[str]
    x: Any
    series: Any
    y: Any
    baseline: Any


def draw_grid(data: PlotData, result: SimulationResult, path: Path, fmt: str) -> None:
    """Draw the chart to ``path`` (a temporary file of :class:`cesu_rules.output.Outputs`)."""
    np = require("numpy", "batch", "a chart")
    require("matplotlib", "plot", "a chart").use("Agg")
    plt: Any = require("matplotlib.pyplot", "plot", "a chart")
    fig, ax = plt.subplots(figsize=(8, 4.8))
    keys = [None] if data.series is None else sorted(set(data.series.tolist()))
    for key in keys:
        rows = np.arange(len(data.x)) if key is None else np.flatnonzero(data.series == key)
        order = rows[np.argsort(data.x[rows], kind="stable")]
        values = [data.x_texts[i] for i in data.x[order].tolist()]
        xs = [float(v) for v in values] if data.numeric else values
        name = data.y_name if key is None else f"{data.series_name} = {data.series_texts[key]}"
        ax.plot(
            xs,
            (data.y[order] / 100).tolist(),
            marker="o",
            markersize=3,
            label=f"{name} ({result.ruleset_version})" if result.compared else name,
        )
        if data.baseline is not None:
            ys = (data.baseline[order] / 100).tolist()
            ax.plot(xs, ys, linestyle="--", label=f"{name} (baseline)")
    ax.set_xlabel(data.x_name)
    ax.set_ylabel(f"{data.y_name} (€)")
    ax.set_title(result.label)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    try:
        fig.savefig(path, format=fmt.lstrip("."))
    finally:
        plt.close(fig)
