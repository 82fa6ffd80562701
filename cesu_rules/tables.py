"""Tables of cases for the batch engine: CSV or Parquet in and out (pyarrow), and rows given
as Python dicts (simulations, tests).

Input columns are the estimate's inputs (``month``, ``hours``, one of ``net_hourly``,
``gross_hourly``, ``net_monthly``, and optionally ``territory``, ``paid_leave``,
``paid_leave_hours``, ``non_resident``, ``exemption``, ``pas_rate``, ``aids``,
``cesu_plus``); numbers are decimal text, read exactly (never through a float). Other
columns are passed through unchanged. Output files repeat the input columns and add the
figures (decimal, two places) and an ``error`` column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .batch import OUTPUT_COLUMNS, BatchError, require_numpy
from .errors import InputError

__all__ = [
    "columns_from_rows",
    "output_name",
    "output_table",
    "read_table",
    "table_columns",
    "write_table",
]

_DECIMAL_COLUMNS = {  # column: scale (100 = cents or hundredths)
    "hours": 100,
    "net_hourly": 100,
    "gross_hourly": 100,
    "net_monthly": 100,
    "paid_leave_hours": 100,
    "pas_rate": 100,
    "aids": 100,
}
_TEXT_DEFAULTS = {"territory": "metropole", "paid_leave": "", "exemption": "none"}
_BOOL_COLUMNS = ("non_resident", "cesu_plus")
_REQUIRED = ("month", "hours")
_INPUT_NAMES = {"month", *_DECIMAL_COLUMNS, *_TEXT_DEFAULTS, *_BOOL_COLUMNS}


def require_pyarrow() -> Any:
    try:
        import pyarrow  # noqa: PLC0415 - optional dependency, imported on use
    except ImportError:  # pragma: no cover - depends on the installation
        raise BatchError(
            "reading and writing CSV/Parquet needs pyarrow: pip install 'cesu-rules[batch]'"
        ) from None
    return pyarrow


def _to_scaled(value: Any, column: str, row: int) -> int:
    if value is None or value == "":
        return -1
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(f"row {row + 1}, column {column}: {value!r} is not a number") from None
    scaled = number * 100
    if scaled != scaled.to_integral_value():
        raise InputError(f"row {row + 1}, column {column}: {value} has more than two decimals")
    if number < 0 and column != "pas_rate":
        raise InputError(f"row {row + 1}, column {column}: {value} is negative")
    return int(scaled)


def _to_bool(value: Any, column: str, row: int) -> bool:
    if value in (None, "", False, 0, "0", "false", "False", "no"):
        return False
    if value in (True, 1, "1", "true", "True", "yes"):
        return True
    raise InputError(f"row {row + 1}, column {column}: {value!r} is not true or false")


def columns_from_rows(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Batch input columns from rows of estimate inputs (Python values)."""
    np = require_numpy()
    columns: dict[str, Any] = {}
    for name in _REQUIRED:
        if any(name not in r for r in rows):
            raise InputError(f"every row needs {name!r}")
    columns["month"] = np.array([str(r["month"]) for r in rows], dtype=object)
    for name, scale in _DECIMAL_COLUMNS.items():
        del scale
        columns[name] = np.array(
            [_to_scaled(r.get(name), name, i) for i, r in enumerate(rows)], dtype=np.int64
        )
    columns["paid_leave_hours"] = np.maximum(columns["paid_leave_hours"], 0)
    columns["aids"] = np.maximum(columns["aids"], 0)
    for name, default in _TEXT_DEFAULTS.items():
        columns[name] = np.array([str(r.get(name) or default) for r in rows], dtype=object)
    for name in _BOOL_COLUMNS:
        columns[name] = np.array(
            [_to_bool(r.get(name), name, i) for i, r in enumerate(rows)], dtype=bool
        )
    return columns


def read_table(path: str | Path) -> Any:
    """A pyarrow Table from a CSV or Parquet file (every CSV column read as text)."""
    pa = require_pyarrow()
    path = Path(path)
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq  # noqa: PLC0415

            return pq.read_table(path)
        if path.suffix == ".csv":
            import pyarrow.csv as pcsv  # noqa: PLC0415

            with path.open("rb") as handle:
                header = handle.readline().decode("utf-8").strip().split(",")
            return pcsv.read_csv(
                path,
                convert_options=pcsv.ConvertOptions(
                    column_types={name: pa.string() for name in header}, strings_can_be_null=False
                ),
            )
    except (OSError, pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    raise InputError(f"{path}: give a .csv or .parquet file")


def _decimal_column(table: Any, name: str) -> Any:
    """A decimal text column as int64 hundredths (cents); -1 (or 0) where empty."""
    np = require_numpy()
    pa = require_pyarrow()
    import pyarrow.compute as pc  # noqa: PLC0415

    empty = 0 if name in ("paid_leave_hours", "aids") else -1
    if name not in table.column_names:
        return np.full(table.num_rows, empty, dtype=np.int64)
    raw = table.column(name).cast(pa.string())
    text = pc.if_else(pc.equal(raw, ""), pa.scalar(None, pa.string()), raw)
    try:
        dec = pc.cast(text, pa.decimal128(18, 2))
        hundred = pa.scalar(Decimal(100), pa.decimal128(3, 0))
        cents = pc.cast(pc.multiply(dec, hundred), pa.int64())
    except pa.ArrowInvalid:  # locate the bad value for a precise message
        for i, value in enumerate(raw.to_pylist()):
            _to_scaled(value, name, i)
        raise
    scaled = cents.fill_null(empty).to_numpy(zero_copy_only=False).astype(np.int64)
    if name != "pas_rate":
        negative = np.nonzero(
            pc.fill_null(pc.less(cents, 0), False).to_numpy(zero_copy_only=False)
        )[0]
        if negative.size:
            i = int(negative[0])
            raise InputError(f"row {i + 1}, column {name}: {scaled[i] / 100} is negative")
    return scaled


def _text_column(table: Any, name: str, default: str) -> Any:
    """A text column, dictionary-encoded: ``(codes, distinct values)`` (fast on millions)."""
    np = require_numpy()
    if name not in table.column_names:
        return (np.zeros(table.num_rows, dtype=np.int64), [default])
    pa = require_pyarrow()
    column = table.column(name).cast(pa.string()).fill_null("").combine_chunks()
    encoded = column.dictionary_encode()
    distinct = [v or default for v in encoded.dictionary.to_pylist()]
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return (codes, distinct)


def _bool_column(table: Any, name: str) -> Any:
    np = require_numpy()
    if name not in table.column_names:
        return np.zeros(table.num_rows, dtype=bool)
    values = table.column(name).cast(require_pyarrow().string()).fill_null("").to_pylist()
    return np.array([_to_bool(v, name, i) for i, v in enumerate(values)], dtype=bool)


def table_columns(table: Any) -> tuple[dict[str, Any], list[str]]:
    """Batch input columns from a table, and the names of the columns passed through."""
    names = set(table.column_names)
    missing = [n for n in _REQUIRED if n not in names]
    if missing:
        raise InputError(f"missing column(s): {', '.join(missing)}")
    if not names & {"net_hourly", "gross_hourly", "net_monthly"}:
        raise InputError("a wage column is needed: net_hourly, gross_hourly or net_monthly")
    columns: dict[str, Any] = {"month": _text_column(table, "month", "")}
    columns.update({name: _decimal_column(table, name) for name in _DECIMAL_COLUMNS})
    columns.update(
        {name: _text_column(table, name, default) for name, default in _TEXT_DEFAULTS.items()}
    )
    columns.update({name: _bool_column(table, name) for name in _BOOL_COLUMNS})
    outputs = {output_name(f) for f in OUTPUT_COLUMNS} | {"error"}
    return columns, [c for c in table.column_names if c not in _INPUT_NAMES | outputs]


def output_table(table: Any, out: Mapping[str, Any], errors: Any) -> Any:
    """The input table with the figures (decimal, 2 places; null on error) and ``error``."""
    pa = require_pyarrow()
    import pyarrow.compute as pc  # noqa: PLC0415

    np = require_numpy()
    cent = pa.scalar(Decimal("0.01"), pa.decimal128(3, 2))
    failed = np.asarray([bool(e) for e in errors], dtype=bool)
    for name in OUTPUT_COLUMNS:
        cents = pa.array(out[name], type=pa.int64(), mask=failed)
        value = pc.multiply(pc.cast(cents, pa.decimal128(20, 0)), cent)
        column = output_name(name)
        if column in table.column_names:  # a table that is itself an output: replace
            table = table.drop_columns([column])
        table = table.append_column(column, value)
    if "error" in table.column_names:
        table = table.drop_columns(["error"])
    return table.append_column("error", pa.array(list(errors), type=pa.string()))


def output_name(figure: str) -> str:
    """The column of a figure in an output table: figures named like an input get ``_out``
    (``net_hourly_out``, ``gross_hourly_out``, ``exemption_out``)."""
    return f"{figure}_out" if figure in _INPUT_NAMES else figure


def write_table(table: Any, path: str | Path) -> None:
    """Write CSV or Parquet, whole or not at all (a partial file is never left behind)."""
    require_pyarrow()
    path = Path(path)
    if path.suffix not in (".csv", ".parquet"):
        raise InputError(f"{path}: the output must be a .csv or .parquet file")
    partial = path.with_name(path.name + ".partial")
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq  # noqa: PLC0415

            pq.write_table(table, partial)
        else:
            import pyarrow.csv as pcsv  # noqa: PLC0415

            pcsv.write_csv(table, partial)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
