"""Tables of cases for the batch engine: Arrow tables (CSV, Parquet) in and out, and rows given
as Python dicts (tests, small what-ifs).

Input columns are the estimate's inputs (:data:`cesu_rules.fields.BATCH_INPUTS`); numbers
are read as decimal text with the rules of :mod:`cesu_rules.numbers` (never through a float),
column by column, with no per-row Python: a cell that cannot be read refuses its row with the
same message as the scalar path. Other columns are passed through unchanged. Output tables
repeat the input columns and add the figures (decimal, two places), ``error_code`` and
``error``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from .batch import OUTPUT_COLUMNS, BatchResult, Column, require_numpy, require_pyarrow
from .calc.inputs import INPUTS, Spec, read_value
from .errors import CesuRulesError, InputError
from .numbers import (
    DECIMAL_PATTERN,
    NOT_A_DECIMAL,
    NOT_PLAIN,
    PLAIN_RULES,
    SHOWN_CHARACTERS,
)
from .output import outputs

__all__ = [
    "columns_from_rows",
    "output_name",
    "output_table",
    "read_table",
    "table_columns",
    "write_table",
    "write_table_to",
]

_INPUT_NAMES = frozenset(name for name, _ in INPUTS)
_WAGES = ("net_hourly", "gross_hourly", "net_monthly")


# ---------------------------------------------------------------------------------------------
# Python rows (the scalar reader, cell by cell: for small inputs)


def columns_from_rows(rows: Sequence[Mapping[str, Any]]) -> dict[str, Column]:
    """Batch input columns from rows of estimate inputs (Python values)."""
    np = require_numpy()
    columns: dict[str, Column] = {}
    n = len(rows)
    for name, spec in INPUTS:
        cells = [r.get(name) for r in rows]
        if spec.kind in ("month", "choice"):
            text = ["" if c is None else str(c) for c in cells]
            vocab = sorted(set(text))
            index = {v: i for i, v in enumerate(vocab)}
            columns[name] = Column(np.array([index[t] for t in text], dtype=np.int64), vocab)
            continue
        refused = np.zeros(n, dtype=bool)
        texts = np.full(n, "", dtype=object)
        codes = np.full(n, "", dtype=object)
        values: list[Any] = []
        for i, cell in enumerate(cells):
            try:
                values.append(read_value(name, cell if cell not in ("", None) else None))
            except CesuRulesError as exc:
                refused[i], texts[i], codes[i] = True, exc.message, exc.code
                values.append(None)
        if spec.kind == "flag":
            array = np.array([bool(v) for v in values], dtype=bool)
        else:
            array = np.array([-1 if v is None else v for v in values], dtype=np.int64)
        columns[name] = Column(array, None, refused, texts, codes)
    return columns


# ---------------------------------------------------------------------------------------------
# Arrow tables (vectorised)


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

            names = _csv_header(path)
            return pcsv.read_csv(
                path,
                convert_options=pcsv.ConvertOptions(
                    column_types={name: pa.string() for name in names}, strings_can_be_null=False
                ),
            )
    except (OSError, pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}", code="unreadable_file") from None
    raise InputError(f"{path}: give a .csv or .parquet file", code="bad_input_type")


def _csv_header(path: Path) -> list[str]:
    """The column names of a CSV file, read with a real CSV parser (quoted names, commas or
    quotes inside them), so that every column is read as text, byte for byte."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            return row
    raise InputError(f"{path}: the file is empty (no header line)", code="empty_table")


def _text(pa: Any, pc: Any, array: Any) -> Any:
    """A column as trimmed text (nulls as empty text)."""
    if not pa.types.is_string(array.type):  # numbers, large strings (pandas), dictionaries
        array = array.cast(pa.string())
    return pc.utf8_trim_whitespace(array.fill_null(""))


def _shown(pa: Any, pc: Any, text: Any) -> Any:
    long = pc.greater(pc.utf8_length(text), SHOWN_CHARACTERS)
    cut = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(text, 0, SHOWN_CHARACTERS - 1), pa.scalar("…"), ""
    )
    return pc.binary_join_element_wise("'", pc.if_else(long, cut, text), "'", "")


def _decimal_column(pa: Any, pc: Any, np: Any, array: Any, *, name: str, spec: Spec) -> Column:
    text = _text(pa, pc, array)
    n = len(text)
    empty = pc.equal(text, "")
    plain = pc.match_substring_regex(text, DECIMAL_PATTERN)
    bad = pc.and_(pc.invert(empty), pc.invert(plain))
    reason = pa.nulls(n, pa.string())
    for pattern, why in NOT_A_DECIMAL:
        hit = pc.and_(pc.and_(bad, pc.is_null(reason)), pc.match_substring_regex(text, pattern))
        if "{fixed}" in why:
            head, _ = why.split("{fixed}")
            fixed = pc.replace_substring(text, ",", ".")
            message = pc.binary_join_element_wise(head, fixed, "")
        else:
            message = pa.scalar(why)
        reason = pc.if_else(hit, message, reason)
    reason = pc.if_else(pc.and_(bad, pc.is_null(reason)), pa.scalar(NOT_PLAIN), reason)
    for (pattern, why), applies in zip(PLAIN_RULES, (not spec.signed, True, True), strict=True):
        if not applies:
            continue
        hit = pc.and_(pc.and_(plain, pc.is_null(reason)), pc.match_substring_regex(text, pattern))
        reason = pc.if_else(hit, pa.scalar(why), reason)
    refused = pc.is_valid(reason)
    good = pc.and_(plain, pc.invert(refused))
    values = np.full(n, -1, dtype=np.int64)
    good_np = np.asarray(good.to_numpy(zero_copy_only=False), dtype=bool)
    if good_np.any():
        cells = text.filter(good)
        decimal = pc.cast(cells, pa.decimal128(16, 2))
        cents = pc.cast(
            pc.multiply(decimal, pa.scalar(Decimal(100), pa.decimal128(3, 0))), pa.int64()
        )
        values[good_np] = cents.to_numpy(zero_copy_only=False)
    refused_np = np.asarray(refused.to_numpy(zero_copy_only=False), dtype=bool)
    texts = None
    if refused_np.any():
        texts = pc.binary_join_element_wise(
            f"{name}: ", _shown(pa, pc, text), " ", reason, f"; example: {spec.example}", ""
        )
    codes = np.where(refused_np, "invalid_number", "").astype(object)
    return Column(values, None, refused_np, texts, codes)


def _flag_column(pa: Any, pc: Any, np: Any, array: Any, name: str) -> Column:
    text = pc.utf8_lower(_text(pa, pc, array))
    true = pc.is_in(text, pa.array(["true", "yes", "1"]))
    false = pc.is_in(text, pa.array(["false", "no", "0", ""]))
    refused = pc.invert(pc.or_(true, false))
    refused_np = np.asarray(refused.to_numpy(zero_copy_only=False), dtype=bool)
    texts = None
    if refused_np.any():
        texts = pc.binary_join_element_wise(
            f"{name} must be true or false (got ", _shown(pa, pc, _text(pa, pc, array)), ")", ""
        )
    codes = np.where(refused_np, "invalid_flag", "").astype(object)
    values = np.asarray(true.to_numpy(zero_copy_only=False), dtype=bool)
    return Column(values, None, refused_np, texts, codes)


def _text_column(pa: Any, pc: Any, np: Any, array: Any) -> Column:
    """A text column, dictionary-encoded: codes and distinct values (fast on millions)."""
    encoded = _text(pa, pc, array).dictionary_encode()
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    return Column(
        encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64),
        encoded.dictionary.to_pylist(),
    )


def table_columns(table: Any) -> tuple[dict[str, Column], list[str]]:
    """Batch input columns from a table, and the names of the columns passed through."""
    pa = require_pyarrow()
    np = require_numpy()
    import pyarrow.compute as pc  # noqa: PLC0415

    names = set(table.column_names)
    missing = [n for n, spec in INPUTS if spec.required and n not in names]
    if missing:
        raise InputError(f"missing column(s): {', '.join(missing)}", code="missing_column")
    if not names & set(_WAGES):
        raise InputError(
            "a wage column is needed: net_hourly, gross_hourly or net_monthly",
            code="missing_column",
        )
    columns: dict[str, Column] = {}
    for name, spec in INPUTS:
        if name not in names:
            continue
        array = table.column(name)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        if spec.kind in ("month", "choice"):
            columns[name] = _text_column(pa, pc, np, array)
        elif spec.kind == "flag":
            columns[name] = _flag_column(pa, pc, np, array, name)
        else:
            columns[name] = _decimal_column(pa, pc, np, array, name=name, spec=spec)
    outputs = {output_name(f) for f in OUTPUT_COLUMNS} | {"error", "error_code"}
    return columns, [c for c in table.column_names if c not in _INPUT_NAMES | outputs]


def output_table(table: Any, result: BatchResult) -> Any:
    """The input table with the figures (decimal, 2 places; null on error), ``error_code``
    and ``error``."""
    pa = require_pyarrow()
    import pyarrow.compute as pc  # noqa: PLC0415

    np = require_numpy()
    cent = pa.scalar(Decimal("0.01"), pa.decimal128(3, 2))
    failed = np.asarray(~result.ok, dtype=bool)
    ranges = [f"{n}_{end}" for n in OUTPUT_COLUMNS for end in ("low", "high")]
    for name in (*OUTPUT_COLUMNS, *(r for r in ranges if r in result.values)):
        cents = pa.array(result.values[name], type=pa.int64(), mask=failed)
        value = pc.multiply(pc.cast(cents, pa.decimal128(20, 0)), cent)
        column = output_name(name)
        if column in table.column_names:  # a table that is itself an output: replace
            table = table.drop_columns([column])
        table = table.append_column(column, value)
    for column in ("error_code", "error"):
        if column in table.column_names:
            table = table.drop_columns([column])
    table = table.append_column("error_code", result.error_codes())
    return table.append_column("error", result.error_texts())


def output_name(figure: str) -> str:
    """The column of a figure in an output table: figures named like an input get ``_out``
    (``net_hourly_out``, ``gross_hourly_out``, ``exemption_out``)."""
    return f"{figure}_out" if figure in _INPUT_NAMES else figure


TABLE_SUFFIXES = (".csv", ".parquet")


def write_table(table: Any, path: str | Path) -> None:
    """Write CSV or Parquet (by extension), whole or not at all."""
    with outputs() as out:
        write_table_to(table, out.target(path, suffixes=TABLE_SUFFIXES), Path(path).suffix)


def write_table_to(table: Any, path: Path, fmt: str) -> None:
    """Write a table as ``fmt`` (``.csv`` or ``.parquet``) to ``path`` (a temporary file
    of :class:`cesu_rules.output.Outputs`)."""
    require_pyarrow()
    if fmt == ".parquet":
        import pyarrow.parquet as pq  # noqa: PLC0415

        pq.write_table(table, path)
    else:
        import pyarrow.csv as pcsv  # noqa: PLC0415

        pcsv.write_csv(table, path)
