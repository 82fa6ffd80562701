"""What-if simulations: scenario grids (or tables of cases) run by the batch engine, under the
shipped rules or a reform overlay, compared with a baseline, summarised, and plotted.

A scenario file (YAML)::

    label: Employer cost vs hours, July 2026
    fixed: {month: 2026-07, net_hourly: "13.00", paid_leave: excluded}
    axes:
      hours: {from: 5, to: 40, step: 5}       # a range (decimal text) or a list
      exemption: [none, age_70]
    plot: {x: hours, y: total_cost, series: exemption}

or, instead of ``axes``, ``cases: cases.csv`` (a CSV/Parquet table of inputs, relative to
the scenario). The grid is the product of the axes; a grid above ``max_rows`` (default
200 000) is refused — the ``batch`` command is made for larger tables.
"""

from __future__ import annotations

import itertools
import re
import statistics
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .batch import OUTPUT_COLUMNS, compute_batch, require_numpy, require_pyarrow
from .calc.inputs import read_value
from .calc.rounding import euros
from .errors import CesuRulesError, FileError, InputError
from .extras import require
from .fields import BATCH_INPUTS as INPUT_COLUMNS
from .numbers import month_range, parse_decimal, parse_month
from .output import outputs
from .rules.loader import Ruleset
from .rules.reader import FileChecker, read_model, read_user_text
from .tables import columns_from_rows, output_name, read_table, table_columns

__all__ = [
    "DEFAULT_MAX_ROWS",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "expand_grid",
    "load_scenario",
    "run_scenario",
]

DEFAULT_MAX_ROWS = 200_000
SUMMARY_METRICS = (
    "gross",
    "employer_total",
    "urssaf_debit",
    "total_cost",
    "tax_credit",
    "cost_after_credit",
)
_MONTH_RE = re.compile(r"^[0-9]{4}-[0-9]{2}$")
_MAX_AXIS = 10_000_000  # values on one axis; the grid itself is limited by max_rows


class ScenarioError(FileError):
    """A scenario file is invalid; ``problems`` lists every problem with its place."""


class PlotSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    x: str
    y: str = "total_cost"
    series: str | None = None


class Scenario(BaseModel):
    """A scenario file: fixed inputs plus axes (a grid), or a table of cases."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1)
    description: str | None = None
    fixed: dict[str, Any] = Field(default_factory=dict)
    axes: dict[str, Any] = Field(default_factory=dict)
    cases: str | None = None
    plot: PlotSpec | None = None
    max_rows: int = Field(default=DEFAULT_MAX_ROWS, gt=0)


@dataclass(frozen=True)
class SimulationResult:
    label: str
    rows: list[dict[str, Any]]  # inputs, figures (Decimal or None), error, and comparisons
    axes: tuple[str, ...]
    compared: bool
    ruleset_version: str
    baseline_version: str | None


def _range(
    spec: Mapping[str, Any], where: tuple[str | int, ...], checker: FileChecker, name: str
) -> list[Any]:
    unknown = sorted(set(spec) - {"from", "to", "step"})
    missing = sorted({"from", "to"} - set(spec))
    if unknown or missing:
        wrong = f"unknown: {', '.join(unknown)}" if unknown else f"missing: {', '.join(missing)}"
        checker.add(where, f"a range is {{from: ..., to: ..., step: ...}} ({wrong})")
        return []
    try:
        if name == "month":
            start = parse_month(spec["from"], field=f"{name}.from")
            end = parse_month(spec["to"], field=f"{name}.to")
            return [f"{m:%Y-%m}" for m in month_range(start, end)]
        example = "0.5"
        low = parse_decimal(spec["from"], field=f"{name}.from", example=example, signed=True)
        high = parse_decimal(spec["to"], field=f"{name}.to", example=example, signed=True)
        step = parse_decimal(spec.get("step", 1), field=f"{name}.step", example=example)
    except CesuRulesError as exc:
        checker.add(where, exc.message)
        return []
    if step <= 0:
        checker.add(where, f"step must be more than 0 (got {step})")
        return []
    count = int((high - low) / step) + 1 if high >= low else 0
    if count > _MAX_AXIS:
        checker.add(where, f"this range has {count:,} values, above the limit of {_MAX_AXIS:,}")
        return []
    return [low + i * step for i in range(count)]


def load_scenario(path: str | Path) -> tuple[Scenario, dict[str, list[Any]]]:
    """The scenario at ``path`` and its axes expanded to lists (raises ScenarioError)."""
    path = Path(path)
    text = read_user_text(path, "scenario")
    scenario, checker = read_model(text, Scenario, str(path))
    if scenario is None:
        raise ScenarioError(checker.problems)
    _check_names(scenario, checker)
    axes = _expand_axes(scenario, checker)
    _check_plot(scenario, checker)
    size = 1
    for values in axes.values():
        size *= max(1, len(values))
    if axes and size > scenario.max_rows:
        checker.add(
            ("axes",),
            f"the grid has {size:,} rows, above the limit of "
            f"{scenario.max_rows:,} (max_rows): write the cases to a CSV or Parquet "
            "file and run `cesu-rules batch` on it",
        )
    if checker.problems:
        raise ScenarioError(checker.problems)
    return scenario, axes


def _check_names(scenario: Scenario, checker: FileChecker) -> None:
    known = ", ".join(INPUT_COLUMNS)
    for section in ("fixed", "axes"):
        for name in getattr(scenario, section):
            if name not in INPUT_COLUMNS:
                checker.add(
                    (section, name), f"unknown input {name!r}; the inputs are {known}", key=True
                )
    if scenario.axes and scenario.cases:
        checker.add(("cases",), "give either axes (a grid) or cases (a table), not both", key=True)
    if not scenario.axes and not scenario.cases:
        checker.add((), "nothing to run: give axes (a grid) or cases (a table of inputs)")
    for name in set(scenario.axes) & set(scenario.fixed):
        checker.add(("fixed", name), f"{name!r} is both fixed and an axis", key=True)


def _expand_axes(scenario: Scenario, checker: FileChecker) -> dict[str, list[Any]]:
    axes: dict[str, list[Any]] = {}
    for name, spec in scenario.axes.items():
        if name not in INPUT_COLUMNS:
            continue
        if isinstance(spec, dict):
            values = _range(spec, ("axes", name), checker, name)
        elif isinstance(spec, list):
            values = list(spec)
        else:
            values = [spec]
        if not values and not checker.problems:
            checker.add(("axes", name), "this axis has no value: the grid would be empty")
        if isinstance(spec, list):
            for i, value in enumerate(values):
                _check_value(name, value, ("axes", name, i), checker)
        elif not isinstance(spec, dict):
            _check_value(name, spec, ("axes", name), checker)
        axes[name] = values
    for name, value in scenario.fixed.items():
        if name in INPUT_COLUMNS:
            _check_value(name, value, ("fixed", name), checker)
    return axes


def _check_value(
    name: str, value: object, where: tuple[str | int, ...], checker: FileChecker
) -> None:
    """A fixed or axis value read with the one input parser, the refusal placed on its line."""
    try:
        read_value(name, value)
    except CesuRulesError as exc:
        checker.add(where, exc.message)


def _check_plot(scenario: Scenario, checker: FileChecker) -> None:
    plot = scenario.plot
    if plot is None:
        return
    if plot.x not in scenario.axes:
        checker.add(("plot", "x"), f"x must be one of the axes ({', '.join(scenario.axes)})")
    if plot.y not in OUTPUT_COLUMNS:
        checker.add(("plot", "y"), f"y must be a figure: {', '.join(OUTPUT_COLUMNS)}")
    if plot.series is not None and plot.series not in scenario.axes:
        checker.add(("plot", "series"), "series must be one of the axes")


def expand_grid(
    fixed: Mapping[str, Any], axes: Mapping[str, Sequence[Any]]
) -> list[dict[str, Any]]:
    """Every combination of the axes, each with the fixed inputs."""
    names = list(axes)
    return [
        {**fixed, **dict(zip(names, combo, strict=True))}
        for combo in itertools.product(*(axes[n] for n in names))
    ]


def _progress_bar(enabled: bool) -> Callable[[int, int], None] | None:
    if not enabled:
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} rows")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _run(columns: Mapping[str, Any], ruleset: Ruleset, progress: bool) -> tuple[Any, Any]:
    hours = columns["hours"]
    n = len(getattr(hours, "values", hours))
    result = compute_batch(columns, ruleset, _progress_bar(progress and n >= 50_000))
    return result.values, result.error_texts().to_pylist()


def _echo(columns: Mapping[str, Any], i: int) -> dict[str, Any]:
    """The inputs of row ``i`` of batch columns, as values a person reads."""
    row: dict[str, Any] = {}
    for name in INPUT_COLUMNS:
        if name not in columns:
            continue
        column = columns[name]
        if column.vocab is not None:  # dictionary-encoded text: codes and distinct values
            row[name] = str(column.vocab[column.values[i]])
            continue
        value = column.values[i]
        if name in ("month", "territory", "paid_leave", "exemption"):
            row[name] = str(value)
        elif name in ("non_resident", "cesu_plus"):
            row[name] = bool(value)
        else:
            row[name] = None if value < 0 else euros(int(value))
    return row


def run_scenario(
    scenario: Scenario,
    axes: Mapping[str, Sequence[Any]],
    ruleset: Ruleset,
    *,
    baseline: Ruleset | None = None,
    base_dir: Path | None = None,
    progress: bool = False,
) -> SimulationResult:
    """Run the grid (or the table) under ``ruleset``, and under ``baseline`` if given."""
    require_numpy()
    if scenario.cases is not None:
        table_path = (base_dir or Path()) / scenario.cases
        columns, _ = table_columns(read_table(table_path))
        n = len(columns["hours"])
        if n > scenario.max_rows:
            raise InputError(
                f"{table_path} has {n:,} rows, above the limit of "
                f"{scenario.max_rows:,}: run `cesu-rules batch` on it",
                code="too_many_rows",
            )
        inputs = [_echo(columns, i) for i in range(n)]
    else:
        inputs = expand_grid(scenario.fixed, axes)
        columns = columns_from_rows(inputs)
    out, errors = _run(columns, ruleset, progress)
    base_out = base_errors = None
    if baseline is not None:
        base_out, base_errors = _run(columns, baseline, progress)
    rows = []
    for i, row in enumerate(inputs):
        record: dict[str, Any] = {k: row[k] for k in row}
        record["error"] = errors[i]
        for name in OUTPUT_COLUMNS:
            column = output_name(name)
            record[column] = None if errors[i] else euros(int(out[name][i]))
        if base_out is not None and base_errors is not None:
            record["baseline_error"] = base_errors[i]
            for name in OUTPUT_COLUMNS:
                column = output_name(name)
                value = None if base_errors[i] else euros(int(base_out[name][i]))
                record[f"baseline_{column}"] = value
                mine = record[column]
                record[f"delta_{column}"] = None if value is None or mine is None else mine - value
        rows.append(record)
    return SimulationResult(
        scenario.label,
        rows,
        tuple(axes),
        baseline is not None,
        ruleset.version,
        None if baseline is None else baseline.version,
    )


def render_summary(result: SimulationResult) -> str:
    """Row counts, then min / median / max of the main figures (and of the changes)."""
    ok = [r for r in result.rows if not r["error"]]
    failed = len(result.rows) - len(ok)
    lines = [
        f"{result.label}: {len(result.rows):,} rows ({failed:,} with an error), "
        f"ruleset {result.ruleset_version}"
        + (f" vs baseline {result.baseline_version}" if result.compared else "")
    ]
    if failed:
        examples = sorted({r["error"] for r in result.rows if r["error"]})[:3]
        lines.extend(f"  error: {e}" for e in examples)
    metrics = list(SUMMARY_METRICS)
    header = f"  {'figure':<28}{'min':>12}{'median':>12}{'max':>12}"
    if result.compared:
        header += f"{'mean change':>14}"
    lines.append(header)
    for m in metrics:
        values = [r[m] for r in ok if r[m] is not None]
        if not values:
            continue
        row = f"  {m:<28}{min(values):>12.2f}{statistics.median(values):>12.2f}{max(values):>12.2f}"
        if result.compared:
            deltas = [r[f"delta_{m}"] for r in ok if r.get(f"delta_{m}") is not None]
            if deltas:
                mean = sum(deltas, Decimal(0)) / len(deltas)
                row += f"{mean:>+14.2f}"
        lines.append(row)
    return "\n".join(lines) + "\n"


RESULT_SUFFIXES = (".csv", ".json", ".parquet")
PLOT_SUFFIXES = (".png", ".svg")


def write_result(result: SimulationResult, path: str | Path, fmt: str | None = None) -> None:
    """Write every row as CSV, JSON or Parquet (``fmt``, default: the extension), whole or
    not at all."""
    with outputs() as out:
        write_result_to(
            result, out.target(path, suffixes=RESULT_SUFFIXES), fmt or Path(path).suffix
        )


def write_result_to(result: SimulationResult, path: Path, suffix: str) -> None:
    """Write every row to ``path`` (a temporary file of :class:`cesu_rules.output.Outputs`)."""
    if suffix == ".json":
        import json  # noqa: PLC0415

        payload = [
            {
                k: (str(v) if isinstance(v, Decimal) else (str(v) if hasattr(v, "item") else v))
                for k, v in r.items()
            }
            for r in result.rows
        ]
        text = json.dumps(
            {"label": result.label, "rows": payload}, ensure_ascii=False, indent=1, default=str
        )
        path.write_text(text + "\n", encoding="utf-8")
        return
    from .tables import write_table_to  # noqa: PLC0415

    pa = require_pyarrow()
    names = list(result.rows[0]) if result.rows else []
    data = {}
    for name in names:
        values = [r[name] for r in result.rows]
        if any(isinstance(v, Decimal) for v in values):
            data[name] = pa.array(values, type=pa.decimal128(20, 2))
        else:
            data[name] = pa.array([None if v is None else str(v) for v in values], type=pa.string())
    write_table_to(pa.table(data), path, suffix)


def plot_result(
    result: SimulationResult, scenario: Scenario, path: str | Path, fmt: str | None = None
) -> None:
    """Draw ``plot.y`` against ``plot.x``, one line per series (and baseline), as PNG or SVG
    (``fmt``, default: the extension), whole or not at all."""
    with outputs() as out:
        plot_result_to(
            result, scenario, out.target(path, suffixes=PLOT_SUFFIXES), fmt or Path(path).suffix
        )


def plot_result_to(result: SimulationResult, scenario: Scenario, path: Path, fmt: str) -> None:
    """Draw the chart to ``path`` (a temporary file of :class:`cesu_rules.output.Outputs`)."""
    if scenario.plot is None:
        raise InputError(
            "the scenario has no 'plot' section: add plot: {x: <axis>, y: <figure>} to draw "
            "a chart",
            code="no_plot",
        )
    require("matplotlib", "plot", "a chart").use("Agg")
    plt: Any = require("matplotlib.pyplot", "plot", "a chart")
    spec = scenario.plot
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in result.rows:
        if r["error"]:
            continue
        key = "" if spec.series is None else f"{spec.series} = {r[spec.series]}"
        groups.setdefault(key, []).append(r)
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for key, rows in sorted(groups.items()):
        rows.sort(key=lambda r: r[spec.x])
        xs = [float(r[spec.x]) if not isinstance(r[spec.x], str) else r[spec.x] for r in rows]
        label = key or spec.y
        ax.plot(
            xs,
            [float(r[output_name(spec.y)]) for r in rows],
            marker="o",
            markersize=3,
            label=f"{label} ({result.ruleset_version})" if result.compared else label,
        )
        if result.compared:
            ax.plot(
                xs,
                [float(r[f"baseline_{output_name(spec.y)}"]) for r in rows],
                linestyle="--",
                label=f"{label} (baseline)",
            )
    ax.set_xlabel(spec.x)
    ax.set_ylabel(f"{spec.y} (€)")
    ax.set_title(result.label)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    try:
        fig.savefig(path, format=fmt.lstrip("."))
    finally:
        plt.close(fig)
