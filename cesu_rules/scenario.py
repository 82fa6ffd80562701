"""Scenario files: what-if grids (or tables of cases) for ``cesu-rules simulate``.

A scenario file (YAML)::

    label: Employer cost vs hours, July 2026
    fixed: {month: 2026-07, net_hourly: "13.00", paid_leave: excluded}
    axes:
      hours: {from: 5, to: 40, step: 5}       # a range (decimal text) or a list
      exemption: [none, age_70]
    plot: {x: hours, y: total_cost, series: exemption}

or, instead of ``axes``, ``cases: cases.csv`` (a CSV/Parquet table of inputs, relative to
the scenario). The grid is the product of the axes. Every fixed and axis value is read with
the estimate's own parser and refused at its line; the grid's size is checked against
``max_rows`` (default :data:`DEFAULT_MAX_ROWS`: the summary keeps 4 bytes a row for each of
its six figures, about 250 MB at the limit) before anything is computed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .batch import Column
from .calc.inputs import INPUTS, read_value
from .errors import CesuRulesError, FileError
from .extras import require
from .fields import BATCH_INPUTS as INPUT_COLUMNS
from .fields import BATCH_OUTPUTS as OUTPUT_COLUMNS
from .numbers import month_range, parse_decimal, parse_month
from .rules.reader import FileChecker, read_model, read_user_text
from .stream import CHUNK_ROWS, TableReader
from .tables import table_columns

__all__ = [
    "DEFAULT_MAX_ROWS",
    "Grid",
    "PlotSpec",
    "Scenario",
    "ScenarioError",
    "cases_chunks",
    "expand_grid",
    "grid_size",
    "load_scenario",
]

DEFAULT_MAX_ROWS = 10_000_000
_MAX_AXIS = 10_000_000  # values on one axis; the grid itself is limited by max_rows
_SPECS = dict(INPUTS)


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


def grid_size(axes: Mapping[str, Sequence[Any]]) -> int:
    """The number of rows of a grid: the product of its axes' lengths."""
    size = 1
    for values in axes.values():
        size *= len(values)
    return size


# ---------------------------------------------------------------------------------------------
# The rows: a grid's chunks, or a table's


class _Axis:
    """One input of the grid: its values as written (for the output) and as the batch
    engine reads them (parsed once, by the estimate's own parser)."""

    def __init__(self, np: Any, name: str, values: Sequence[Any]) -> None:
        self.name = name
        spec = _SPECS[name]
        self.kind = spec.kind
        self.texts = [_written(v) for v in values]
        if self.kind in ("month", "choice"):
            self.parsed: Any = None
        elif self.kind == "flag":
            self.parsed = np.array([read_value(name, v) for v in values], dtype=bool)
        else:
            self.parsed = np.array([read_value(name, v) for v in values], dtype=np.int64)

    def column(self, index: Any) -> Any:
        """The batch engine's column for rows taking these value indices."""
        if self.parsed is None:
            return Column(index, self.texts)
        return self.parsed[index]


def _written(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Grid:
    """The rows of a grid, made chunk by chunk from their number (mixed radix)."""

    def __init__(self, scenario: Scenario, axes: Mapping[str, Sequence[Any]]) -> None:
        self.np = require("numpy", "batch", "simulations")
        self.pa = require("pyarrow", "batch", "simulations")
        inputs: dict[str, Sequence[Any]] = {name: [v] for name, v in scenario.fixed.items()}
        inputs.update(axes)
        self.axes = [_Axis(self.np, name, values) for name, values in inputs.items()]
        self.sizes = [len(a.texts) for a in self.axes]
        self.size = grid_size(inputs)

    def chunks(self, rows: int) -> Iterator[tuple[dict[str, Any], Any, Any]]:
        """(columns, inputs table, plot indices) of each chunk of ``rows`` rows."""
        np, pa = self.np, self.pa
        for start in range(0, self.size, rows):
            number = np.arange(start, min(start + rows, self.size), dtype=np.int64)
            index = np.unravel_index(number, self.sizes) if self.size else ()
            columns = {a.name: a.column(i) for a, i in zip(self.axes, index, strict=True)}
            table = pa.table(
                {
                    a.name: pa.DictionaryArray.from_arrays(
                        pa.array(i.astype(np.int32)), pa.array(a.texts, pa.string())
                    ).cast(pa.string())
                    for a, i in zip(self.axes, index, strict=True)
                }
            )
            yield columns, table, dict(zip((a.name for a in self.axes), index, strict=True))


def cases_chunks(path: Path) -> Iterator[tuple[dict[str, Any], Any, Any]]:
    """(columns, inputs table, None) of each chunk of a table of cases."""
    pa = require("pyarrow", "batch", "simulations")
    reader = TableReader(path, CHUNK_ROWS)
    for batch in reader.batches():
        table = pa.Table.from_batches([batch])
        columns, _ = table_columns(table)
        yield columns, table, None
