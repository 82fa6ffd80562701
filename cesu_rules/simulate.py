"""What-if simulations: a scenario's grid (or table of cases) run by the batch engine under
the shipped rules or a reform, compared with a baseline, summarised, written and plotted.

Everything is columnar and streamed: the grid is generated chunk by chunk from the axes'
indices (each axis value parsed once, never a row as a Python dict), each chunk is computed
by :func:`cesu_rules.batch.compute_batch` (and again under the baseline), written to the
output as it comes (CSV, Parquet, or JSON up to :data:`JSON_MAX_ROWS` rows), and folded into
the summary. The summary is exact: min, median and max of six figures (kept as 4-byte cents
a row, the only memory that grows with the grid) and the mean change against the baseline.
A chart draws one figure against an axis, one line per series (and its baseline).

The scenario file format is :mod:`cesu_rules.scenario`.

Size: above 400 lines because the scenario's run, its fold into a summary and its chart
data share one columnar state (:class:`_Fold`) that is clearer kept together.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .batch import OUTPUT_COLUMNS, BatchResult, compute_batch
from .chart import PlotData
from .errors import InputError
from .extras import require
from .output import writing
from .rules.loader import Ruleset
from .scenario import (
    DEFAULT_MAX_ROWS,
    Grid,
    PlotSpec,
    Scenario,
    ScenarioError,
    cases_chunks,
    expand_grid,
    load_scenario,
)
from .stream import CHUNK_ROWS, Progress, TableReader, provenance
from .tables import output_name, output_table, parquet_options

__all__ = [
    "DEFAULT_MAX_ROWS",
    "JSON_MAX_ROWS",
    "PLOT_MAX_POINTS",
    "PLOT_SUFFIXES",
    "RESULT_SUFFIXES",
    "SUMMARY_METRICS",
    "PlotSpec",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "expand_grid",
    "load_scenario",
    "render_summary",
    "run_scenario",
]

SUMMARY_METRICS = (
    "gross",
    "employer_total",
    "urssaf_debit",
    "total_cost",
    "tax_credit",
    "cost_after_credit",
)
RESULT_SUFFIXES = (".csv", ".json", ".parquet")
PLOT_SUFFIXES = (".png", ".svg")
JSON_MAX_ROWS = 200_000  # a JSON file of rows is for people and small programs
PLOT_MAX_POINTS = 1_000_000  # beyond, a chart is ink: plot a coarser grid
_GRID_CHUNK = CHUNK_ROWS // 2  # two rulesets and three sets of figures per row in flight


@dataclass(frozen=True)
class Summary:
    """A figure over the rows computed: min, median, max (euros) and the mean change
    against the baseline (None without one)."""

    minimum: Decimal
    median: Decimal
    maximum: Decimal
    mean_change: Decimal | None


@dataclass(frozen=True)
class SimulationResult:
    label: str
    rows: int
    failed: int
    errors: tuple[str, ...]  # up to three distinct messages, as examples
    axes: tuple[str, ...]
    compared: bool
    ruleset_version: str
    baseline_version: str | None
    summary: dict[str, Summary] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Running


def run_scenario(
    scenario: Scenario,
    axes: Mapping[str, Sequence[Any]],
    ruleset: Ruleset,
    *,
    baseline: Ruleset | None = None,
    base_dir: Path | None = None,
    out: Path | None = None,
    out_format: str | None = None,
    chart: Path | None = None,
    chart_format: str | None = None,
    chart_lang: str = "en",
    sidecar: Path | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> SimulationResult:
    """Run the grid (or the table) under ``ruleset``, and under ``baseline`` if given.

    ``out`` receives every row (inputs, figures, error; with a baseline its figures and the
    changes) as ``out_format`` (``.csv``, ``.parquet`` or ``.json``), ``chart`` the plot
    (``.png`` or ``.svg``, its words in ``chart_lang``), ``sidecar`` the provenance of a CSV
    output: paths from :class:`cesu_rules.output.Outputs`, renamed only if the whole run
    succeeds.
    """
    np = require("numpy", "batch", "simulations")
    grid: Grid | None = None
    if scenario.cases is not None:
        source = (base_dir or Path()) / scenario.cases
        chunks, size = cases_chunks(source), _table_rows(source)
    else:
        grid = Grid(scenario, axes)
        chunks, size = grid.chunks(_GRID_CHUNK), grid.size
    if size is not None and size > scenario.max_rows:
        raise InputError(
            f"{scenario.cases} has {size:,} rows, above the limit of {scenario.max_rows:,} "
            "(max_rows): run `cesu-rules batch` on it",
            code="too_many_rows",
        )
    if out_format == ".json" and size is not None and size > JSON_MAX_ROWS:
        raise InputError(
            f"{size:,} rows are too many for a JSON file (at most {JSON_MAX_ROWS:,}): "
            "write .csv or .parquet",
            code="too_many_rows",
        )
    if chart is not None:
        _check_plot_size(scenario, size)
    meta = provenance(ruleset, baseline=None if baseline is None else baseline.version)
    fold = _Fold(np, scenario, compared=baseline is not None, capacity=size)
    writer = _RowsWriter(out, out_format, meta, label=scenario.label)
    try:
        for columns, inputs, index in chunks:
            mine = compute_batch(columns, ruleset)
            theirs = None if baseline is None else compute_batch(columns, baseline)
            fold.add(mine, theirs, index)
            if out is not None:
                writer.write(_rows_table(inputs, mine, theirs))
            if progress is not None:
                progress(Progress(fold.rows, size, 0, 0))
            if fold.rows > scenario.max_rows:
                raise InputError(
                    f"{scenario.cases} has more than {scenario.max_rows:,} rows (max_rows): "
                    "run `cesu-rules batch` on it",
                    code="too_many_rows",
                )
    finally:
        writer.close()
    if sidecar is not None:
        with writing(sidecar):
            sidecar.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    result = fold.result(scenario.label, tuple(axes), ruleset, baseline)
    if chart is not None and grid is not None:
        from .chart import draw_grid  # noqa: PLC0415 - matplotlib, on use

        draw_grid(
            fold.plot_data(grid), result, chart, chart_format or chart.suffix, lang=chart_lang
        )
    return result


def _table_rows(path: Path) -> int | None:
    """The rows of a Parquet table (from its footer); None for CSV (counted while read)."""
    if path.suffix != ".parquet":
        return None
    return int(TableReader(path, CHUNK_ROWS).total_rows or 0)


def _check_plot_size(scenario: Scenario, size: int | None) -> None:
    if scenario.plot is None:
        raise InputError(
            "the scenario has no 'plot' section: add plot: {x: <axis>, y: <figure>} to draw "
            "a chart",
            code="no_plot",
        )
    if size is not None and size > PLOT_MAX_POINTS:
        raise InputError(
            f"a chart of {size:,} points cannot be read (at most {PLOT_MAX_POINTS:,}): plot a "
            "coarser grid, and write the rows with --out",
            code="too_many_rows",
        )


def _rows_table(inputs: Any, mine: BatchResult, theirs: BatchResult | None) -> Any:
    """The output rows of a chunk: inputs, error, figures; then the baseline's error and
    figures and the changes (``delta_``)."""
    pa = require("pyarrow", "batch", "simulations")
    table = output_table(inputs, mine)
    columns = {c: table.column(c) for c in inputs.column_names}
    columns["error"] = table.column("error")
    for name in OUTPUT_COLUMNS:
        columns[output_name(name)] = table.column(output_name(name))
    if theirs is not None:
        base = output_table(inputs, theirs)
        columns["baseline_error"] = base.column("error")
        for name in OUTPUT_COLUMNS:
            column = output_name(name)
            columns[f"baseline_{column}"] = base.column(column)
        import pyarrow.compute as pc  # noqa: PLC0415

        for name in OUTPUT_COLUMNS:
            column = output_name(name)
            columns[f"delta_{column}"] = pc.subtract(table.column(column), base.column(column))
    return pa.table(columns)


class _RowsWriter:
    """The rows of a run, written chunk by chunk as CSV or Parquet, or gathered for JSON."""

    def __init__(
        self, path: Path | None, fmt: str | None, meta: dict[str, Any], *, label: str
    ) -> None:
        self.path = path
        self.fmt = fmt or (path.suffix if path is not None else None)
        self.meta = meta
        self.label = label
        self._writer: Any = None
        self._schema: Any = None
        self._json: list[Any] = []

    def write(self, table: Any) -> None:
        if self.fmt == ".json":
            self._json.append(table)
            return
        with writing(self.path or "the output"):
            self._write(table)

    def _write(self, table: Any) -> None:
        if self._writer is None:
            schema = table.schema.with_metadata({"cesu_rules": json.dumps(self.meta)})
            if self.fmt == ".parquet":
                import pyarrow.parquet as pq  # noqa: PLC0415

                options = parquet_options(schema.names)
                self._writer = pq.ParquetWriter(self.path, schema, **options)
            else:
                import pyarrow.csv as pcsv  # noqa: PLC0415

                self._writer = pcsv.CSVWriter(self.path, schema)
            self._schema = schema
        self._writer.write_table(table.cast(self._schema))

    def close(self) -> None:
        with writing(self.path or "the output"):
            self._close()

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self.fmt == ".json" and self.path is not None:
            rows = [
                {k: _json_value(v) for k, v in row.items()}
                for table in self._json
                for row in table.to_pylist()
            ]
            text = json.dumps(
                {"label": self.label, "provenance": self.meta, "rows": rows},
                ensure_ascii=False,
                indent=1,
            )
            self.path.write_text(text + "\n", encoding="utf-8")


def _json_value(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


# ---------------------------------------------------------------------------------------------
# The summary


class _Fold:
    """What the summary and the chart need of the rows, gathered chunk by chunk."""

    def __init__(
        self, np: Any, scenario: Scenario, *, compared: bool, capacity: int | None
    ) -> None:
        self.np = np
        self.compared = compared
        self.capacity = capacity
        self.rows = 0
        self.kept = 0  # rows computed (their figures are in the summary)
        self.failed = 0
        self.errors: set[str] = set()
        # The figures of the rows computed, 4-byte cents each (a monthly figure stays below
        # 21 million euros): one array filled in place when the row count is known, else
        # chunks joined at the end.
        self._figures: dict[str, list[Any]] = {
            m: [] if capacity is None else [np.empty(capacity, dtype=np.int32)]
            for m in SUMMARY_METRICS
        }
        self._delta_sum = dict.fromkeys(SUMMARY_METRICS, 0)
        self._delta_count = 0
        self.plot = scenario.plot
        self.points: list[tuple[Any, Any, Any, Any]] = []  # x index, series index, y, baseline

    def add(self, mine: BatchResult, theirs: BatchResult | None, index: Any) -> None:
        np = self.np
        ok = np.asarray(mine.ok, dtype=bool)
        n = len(ok)
        self.rows += n
        self.failed += int(n - ok.sum())
        if len(self.errors) < 3 and not ok.all():
            texts = mine.error_texts().to_pylist()
            self.errors.update(t for t in texts if t)
        count = int(ok.sum())
        for m in SUMMARY_METRICS:
            if self.capacity is None:
                self._figures[m].append(mine.values[m][ok].astype(np.int32))
            else:
                self._figures[m][0][self.kept : self.kept + count] = mine.values[m][ok]
        self.kept += count
        both = ok
        if theirs is not None:
            both = ok & np.asarray(theirs.ok, dtype=bool)
            self._delta_count += int(both.sum())
            for m in SUMMARY_METRICS:
                delta = mine.values[m][both] - theirs.values[m][both]
                self._delta_sum[m] += int(delta.sum())
        if self.plot is not None and index is not None:
            keep = ok if theirs is None else both
            series = index.get(self.plot.series) if self.plot.series else None
            self.points.append(
                (
                    index[self.plot.x][keep],
                    None if series is None else series[keep],
                    mine.values[self.plot.y][keep],
                    None if theirs is None else theirs.values[self.plot.y][keep],
                )
            )

    def plot_data(self, grid: Grid) -> PlotData:
        """The chart's points, joined."""
        np = self.np
        spec = self.plot
        assert spec is not None
        axis = {a.name: a for a in grid.axes}

        def joined(k: int) -> Any:
            parts = [p[k] for p in self.points]
            if not parts or parts[0] is None:
                return None if parts else np.zeros(0, dtype=np.int64)
            return np.concatenate(parts)

        return PlotData(
            spec.x,
            spec.y,
            spec.series,
            axis[spec.x].texts,
            axis[spec.x].kind == "decimal",
            axis[spec.series].texts if spec.series else [],
            joined(0),
            joined(1),
            joined(2),
            joined(3),
            months=axis[spec.x].kind == "month",
        )

    def result(
        self, label: str, axes: tuple[str, ...], ruleset: Ruleset, baseline: Ruleset | None
    ) -> SimulationResult:
        np = self.np
        summary: dict[str, Summary] = {}
        for m in SUMMARY_METRICS:
            if self.capacity is None:
                values = np.concatenate(self._figures[m]) if self._figures[m] else np.zeros(0)
            else:
                values = self._figures[m][0][: self.kept]
            self._figures[m] = []
            if not len(values):
                continue
            half = len(values) // 2
            values.partition([half - 1, half] if len(values) % 2 == 0 else [half])  # in place
            part = values
            middle = (
                Decimal(int(part[half - 1]) + int(part[half])) / 200
                if len(values) % 2 == 0
                else Decimal(int(part[half])) / 100
            )
            change = None
            if self.compared and self._delta_count:
                change = Decimal(self._delta_sum[m]) / 100 / self._delta_count
            summary[m] = Summary(
                Decimal(int(part.min())) / 100, middle, Decimal(int(part.max())) / 100, change
            )
        return SimulationResult(
            label,
            self.rows,
            self.failed,
            tuple(sorted(self.errors)[:3]),
            axes,
            self.compared,
            ruleset.version,
            None if baseline is None else baseline.version,
            summary,
        )


def render_summary(result: SimulationResult) -> str:
    """Row counts, then min / median / max of the main figures (and the mean changes)."""
    lines = [
        f"{result.label}: {result.rows:,} rows ({result.failed:,} with an error), "
        f"ruleset {result.ruleset_version}"
        + (f" vs baseline {result.baseline_version}" if result.compared else "")
    ]
    lines.extend(f"  error: {e}" for e in result.errors)
    header = f"  {'figure':<28}{'min':>12}{'median':>12}{'max':>12}"
    if result.compared:
        header += f"{'mean change':>14}"
    lines.append(header)
    for m, s in result.summary.items():
        row = f"  {m:<28}{s.minimum:>12.2f}{s.median:>12.2f}{s.maximum:>12.2f}"
        if s.mean_change is not None:
            row += f"{s.mean_change:>+14.2f}"
        lines.append(row)
    return "\n".join(lines) + "\n"
