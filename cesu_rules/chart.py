"""Charts of simulations (matplotlib, the ``plot`` extra): one figure against one axis of a
grid, one line per series, and each line's baseline dashed when a run is compared. A month
axis is a real date axis (ticks placed by matplotlib's date locator, months named in the
chart's language), not a row of 96 category labels; labels and numbers in English or French
(:mod:`cesu_rules.i18n`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .extras import require
from .i18n import FIGURE_LABELS, INPUT_LABELS, Words

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
    months: bool = False  # the x axis holds months YYYY-MM: drawn as dates


def _x_values(data: PlotData, values: list[str]) -> list[Any]:
    if data.months:
        return [date(int(v[:4]), int(v[5:7]), 1) for v in values]
    return [float(v) for v in values] if data.numeric else values


def _axes_in(ax: Any, data: PlotData, w: Words) -> None:
    """Axis titles, a date axis for months, numbers in the chart's language."""
    ticker: Any = require("matplotlib.ticker", "plot", "a chart")
    ax.set_xlabel(w.label(INPUT_LABELS, data.x_name))
    ax.set_ylabel(f"{w.label(FIGURE_LABELS, data.y_name)} (€)")
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: w.whole(v)))
    if data.months:
        dates: Any = require("matplotlib.dates", "plot", "a chart")
        locator = dates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(
            ticker.FuncFormatter(lambda v, _: w.short_month(dates.num2date(v).date()))
        )
    elif data.numeric:
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: w.whole(v, digits=2)))


def draw_grid(
    data: PlotData, result: SimulationResult, path: Path, fmt: str, *, lang: str = "en"
) -> None:
    """Draw the chart to ``path`` (a temporary file of :class:`cesu_rules.output.Outputs`)
    with its words and numbers in ``lang``."""
    np = require("numpy", "batch", "a chart")
    require("matplotlib", "plot", "a chart").use("Agg")
    plt: Any = require("matplotlib.pyplot", "plot", "a chart")
    w = Words(lang)
    with plt.rc_context({"svg.fonttype": "none"}):  # SVG text stays text (searchable)
        fig = _figure(np, plt, w, data, result)
        try:
            fig.savefig(path, format=fmt.lstrip("."))
        finally:
            plt.close(fig)


def _figure(np: Any, plt: Any, w: Words, data: PlotData, result: SimulationResult) -> Any:
    fig, ax = plt.subplots(figsize=(8, 4.8))
    keys = [None] if data.series is None else sorted(set(data.series.tolist()))
    for key in keys:
        rows = np.arange(len(data.x)) if key is None else np.flatnonzero(data.series == key)
        order = rows[np.argsort(data.x[rows], kind="stable")]
        xs = _x_values(data, [data.x_texts[i] for i in data.x[order].tolist()])
        name = (
            w.label(FIGURE_LABELS, data.y_name)
            if key is None
            else f"{w.label(INPUT_LABELS, data.series_name or '')} = {data.series_texts[key]}"
        )
        ax.plot(
            xs,
            (data.y[order] / 100).tolist(),
            marker="o",
            markersize=3,
            label=f"{name} ({result.ruleset_version})" if result.compared else name,
        )
        if data.baseline is not None:
            ys = (data.baseline[order] / 100).tolist()
            ax.plot(xs, ys, linestyle="--", label=f"{name} ({w('chart_baseline')})")
    _axes_in(ax, data, w)
    ax.set_title(result.label)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
