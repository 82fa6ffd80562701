"""Tables of cases for the batch engine: Arrow tables (CSV, Parquet) in and out, and rows given
as Python dicts (tests, small what-ifs).

Input columns are the estimate's inputs (:data:`cesu_rules.fields.BATCH_INPUTS`); numbers
are read as decimal text with the rules of :mod:`cesu_rules.numbers` (never through a float),
column by column, with no per-row Python: a cell that cannot be read refuses its row with the
same message as the scalar path. Other columns are passed through unchanged. Output tables
repeat the input columns and add the figures (decimal, two places), ``error_code`` and
``error``.

Size: above 400 lines because reading and writing the exact table formats (CSV bytes,
Parquet decimals, dictionary columns) is one concern whose halves must stay in step.
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
    BLANKS,
    DECIMAL_PATTERN,
    MAX_DIGITS,
    NOT_A_DECIMAL,
    NOT_PLAIN,
    PLAIN_RULES,
    SHOWN_CHARACTERS,
    parse_bool,
    shown,
)
from .output import outputs

__all__ = [
    "columns_from_rows",
    "output_name",
    "output_table",
    "parse_figures",
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


def _as_text(pa: Any, array: Any) -> Any:
    """A column as text, nulls as empty text (numbers, large strings, dictionaries cast)."""
    if not pa.types.is_string(array.type):
        array = array.cast(pa.string())
    return array.fill_null("") if array.null_count else array


def _text(pa: Any, pc: Any, array: Any) -> Any:
    """A column as trimmed text (nulls as empty text): the blanks the scalar parser strips
    (space, tab, CR, LF), not other Unicode spaces (those make a cell invalid there too)."""
    return pc.utf8_trim(_as_text(pa, array), characters=BLANKS)


def _shown(pa: Any, pc: Any, text: Any) -> Any:
    long = pc.greater(pc.utf8_length(text), SHOWN_CHARACTERS)
    cut = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(text, 0, SHOWN_CHARACTERS - 1), pa.scalar("…"), ""
    )
    return pc.binary_join_element_wise("'", pc.if_else(long, cut, text), "'", "")


def _decimal_column(pa: Any, pc: Any, np: Any, array: Any, *, name: str, spec: Spec) -> Column:
    """A decimal column in hundredths (−1 where empty). Cells written as plain ASCII digits
    with at most one dot are read straight from the Arrow buffers (:func:`_plain_hundredths`);
    the few others (blanks, signs, commas, exponents…) go through the rules of
    :mod:`cesu_rules.numbers`, which say why a cell is refused."""
    typed = _typed_hundredths(pa, np, array)
    values, other = typed if typed is not None else _plain_hundredths(np, _as_text(pa, array))
    n = len(array)
    refused = np.zeros(n, dtype=bool)
    texts = None
    if other.any():
        mask = pa.array(other)
        cells = _as_text(pa, array.filter(mask))
        sub = _ruled_decimals(pa, pc, np, cells, name=name, spec=spec)
        values[other] = sub.values
        refused[other] = sub.refused
        if sub.texts is not None:
            texts = pc.replace_with_mask(pa.nulls(n, pa.string()), mask, sub.texts)
    codes = np.where(refused, "invalid_number", "").astype(object) if refused.any() else None
    return Column(values, None, refused, texts, codes)


_WIDEST = 15  # characters of the longest cell the fast path reads (12 digits, a dot, 2)
_LIMIT_CENTS = 10 ** (MAX_DIGITS + 2)  # the first value with more than MAX_DIGITS digits


def _typed_hundredths(pa: Any, np: Any, array: Any) -> tuple[Any, Any] | None:
    """(hundredths, other) of a typed column (Parquet integers or decimals of at most two
    places) read from its values, without writing them as text: a null is an empty cell
    (−1); ``other`` marks the cells this does not read (negative, more than MAX_DIGITS
    digits), which go through the rules as their text, exactly as before. ``None`` for the
    other types (text, floats, decimals of three places or more: read as their text)."""
    kind = array.type
    valid = np.ones(len(array), dtype=bool)
    if array.null_count:
        valid = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if pa.types.is_integer(kind):
        if pa.types.is_unsigned_integer(kind) and kind.bit_width == 64:
            return None  # above int64's range: the text path reads or refuses it
        units = np.asarray(array.cast(pa.int64()).fill_null(0).to_numpy(), dtype=np.int64)
        read = valid & (units >= 0) & (units < _LIMIT_CENTS // 100)
        return np.where(read, units * 100, -1), valid & ~read
    if not pa.types.is_decimal(kind) or not 0 <= kind.scale <= 2:
        return None
    if kind.precision - kind.scale + 2 > 38:
        return None  # rescaled to two places it would not fit decimal128: as text
    # Rescaled to two places (exact: no place is dropped), the 128-bit words are the cents:
    # the low word is the value when the high word is its sign.
    cents = array.cast(pa.decimal128(38, 2)).fill_null(Decimal(0))
    words = np.frombuffer(cents.buffers()[1], dtype=np.int64)
    words = words[2 * cents.offset : 2 * (cents.offset + len(cents))].reshape(-1, 2)
    low, high = words[:, 0], words[:, 1]
    read = valid & (high == 0) & (low >= 0) & (low < _LIMIT_CENTS)
    return np.where(read, low, -1), valid & ~read


def _plain_hundredths(np: Any, raw: Any) -> tuple[Any, Any]:
    """(hundredths, other): the value of every cell written ``[0-9]{1,12}(.[0-9]{1,2})?``
    (−1 for an empty cell), read from the string array's bytes one character position at a
    time for all cells at once (no per-cell Python); ``other`` marks the cells written any
    other way (their value or refusal is left to the rules)."""
    n = len(raw)
    offsets = np.frombuffer(raw.buffers()[1], dtype=np.int32)[raw.offset : raw.offset + n + 1]
    values = np.full(n, -1, dtype=np.int64)
    first, last = int(offsets[0]), int(offsets[-1])
    if last == first:
        return values, np.zeros(n, dtype=bool)
    data = np.frombuffer(raw.buffers()[2], dtype=np.uint8)[first:last]
    start = offsets[:-1].astype(np.int64) - first
    length = offsets[1:].astype(np.int64) - first - start
    width = min(int(length.max()), _WIDEST)
    # Character c of every cell, one row array per c (long inner loops for numpy).
    last_byte = len(data) - 1
    digits = np.zeros(n, dtype=np.int64)  # the digits seen so far, as one integer
    point = length.copy()  # the dot's position, or the cell's length
    dots = np.zeros(n, dtype=np.int64)
    odd = length > _WIDEST
    for c in range(width):
        inside = c < length
        char = np.where(inside, data[np.minimum(start + c, last_byte)], 48)
        dot = char == 46
        digit = (char >= 48) & (char <= 57)
        odd |= ~(digit | dot)
        point = np.where(dot & (dots == 0), c, point)
        dots += dot
        digits = np.where(inside & digit, digits * 10 + (char.astype(np.int64) - 48), digits)
    fraction = np.where(dots > 0, length - point - 1, 0)
    empty = length == 0
    other = ~empty & (
        odd
        | (dots > 1)
        | (point < 1)
        | (point > MAX_DIGITS)
        | ((dots == 1) & ((fraction < 1) | (fraction > 2)))
    )
    # The digits read as one integer: scale to hundredths by the decimals written.
    worth = digits * np.where(fraction == 0, 100, np.where(fraction == 1, 10, 1))
    good = ~empty & ~other
    values[good] = worth[good]
    return values, other


def _ruled_decimals(pa: Any, pc: Any, np: Any, array: Any, *, name: str, spec: Spec) -> Column:
    """The cells :func:`_plain_hundredths` leaves: read, or refused with their reason, by the
    rules of :mod:`cesu_rules.numbers` applied to the whole column (regular expressions)."""
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


def _distinct_cells(pa: Any, np: Any, array: Any) -> tuple[Any, list[str]]:
    """(codes, texts): each cell's index among the column's distinct texts, and those texts
    (Arrow's dictionary encoding: one hash per cell, then Python only per distinct text)."""
    encoded = _as_text(pa, array).dictionary_encode()
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    indices = encoded.indices  # int32, no nulls: read from its buffer (no pandas, one cast)
    width = indices.type.bit_width // 8
    raw = np.frombuffer(indices.buffers()[1], dtype=f"<i{width}")
    codes = raw[indices.offset : indices.offset + len(indices)].astype(np.int64)
    return codes, encoded.dictionary.to_pylist()


def _flag_column(pa: Any, np: Any, array: Any, name: str) -> Column:
    """A yes/no column: each distinct text read once by the scalar parser (same values, same
    messages), then spread to the rows by their codes."""
    if pa.types.is_boolean(array.type):  # read as is (its text, true/false/empty, would be)
        return Column(np.asarray(array.fill_null(False).to_numpy(zero_copy_only=False)))
    codes, texts = _distinct_cells(pa, np, array)
    values = np.zeros(len(texts), dtype=bool)
    messages: list[str | None] = [None] * len(texts)
    for k, text in enumerate(texts):
        try:
            values[k] = parse_bool(text, field=name)
        except CesuRulesError as exc:
            messages[k] = exc.message
    refused = np.array([m is not None for m in messages], dtype=bool)[codes]
    if not refused.any():
        return Column(values[codes])
    shown = pa.array(messages, pa.string()).take(pa.array(codes))
    return Column(
        values[codes], None, refused, shown, np.where(refused, "invalid_flag", "").astype(object)
    )


def _text_column(pa: Any, np: Any, array: Any) -> Column:
    """A text column as codes and distinct values, blanks around a value stripped (cells that
    differ only by them share a code)."""
    codes, texts = _distinct_cells(pa, np, array)
    vocab = sorted({t.strip(BLANKS) for t in texts})
    index = {v: i for i, v in enumerate(vocab)}
    remap = np.array([index[t.strip(BLANKS)] for t in texts], dtype=np.int64)
    return Column(remap[codes] if len(texts) else codes, vocab)


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
            columns[name] = _text_column(pa, np, array)
        elif spec.kind == "flag":
            columns[name] = _flag_column(pa, np, array, name)
        else:
            columns[name] = _decimal_column(pa, pc, np, array, name=name, spec=spec)
    outputs = {output_name(f) for f in OUTPUT_COLUMNS} | {"error", "error_code"}
    return columns, [c for c in table.column_names if c not in _INPUT_NAMES | outputs]


def parse_figures(value: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """The figures an output keeps, in the output's order (``None``: every figure), from a
    comma list or a sequence of names, each a figure (``urssaf_debit``) or its column
    (``exemption_out``)."""
    if value is None:
        return None
    names = value.split(",") if isinstance(value, str) else list(value)
    wanted: set[str] = set()
    for raw in names:
        name = str(raw).strip(BLANKS)
        figure = _FIGURE_OF.get(name)
        if figure is None:
            raise InputError(
                f"figures: {shown(name)} is not a figure; choose among "
                f"{', '.join(OUTPUT_COLUMNS)}; example: urssaf_debit,tax_credit",
                code="unknown_figure",
                field="figures",
                value=name,
            )
        wanted.add(figure)
    return tuple(f for f in OUTPUT_COLUMNS if f in wanted)


def output_table(
    table: Any, result: BatchResult, *, bits: int = 128, figures: Sequence[str] | None = None
) -> Any:
    """The input table with the figures (decimal, 2 places; null on error), ``error_code``
    and ``error``. ``bits``: the figures' Arrow type, ``decimal128(18, 2)`` (any library
    reads it) or ``decimal64(18, 2)`` (the cents themselves: what Parquet stores).
    ``figures`` (see :func:`parse_figures`): only those figures (and their ranges)."""
    pa = require_pyarrow()
    np = require_numpy()
    failed = np.asarray(~result.ok, dtype=bool)
    valid = pa.array(~failed).buffers()[1] if failed.any() else None
    n = len(failed)
    kept = OUTPUT_COLUMNS if figures is None else figures
    ranges = [f"{n}_{end}" for n in kept for end in ("low", "high")]
    # The input columns (those of a table that is itself an output are computed again),
    # then the figures, the ranges asked for, the error code and message.
    columns = {c: table.column(c) for c in table.column_names if c not in _OUTPUT_NAMES}
    for name in (*kept, *(r for r in ranges if r in result.values)):
        columns[output_name(name)] = _decimal_cents(
            pa, np, result.values[name], valid, n, bits=bits
        )
    columns["error_code"] = result.error_codes()
    columns["error"] = result.error_texts()
    return pa.table(columns)


def _decimal_cents(pa: Any, np: Any, cents: Any, valid: Any, n: int, *, bits: int) -> Any:
    """An Arrow decimal(18, 2) array of int64 cents, built on their bytes (a 64-bit value is
    the cents, a 128-bit one the cents and their sign extension): no conversion, exact."""
    if bits == 64:
        words = np.ascontiguousarray(cents, dtype=np.int64)
        return pa.Array.from_buffers(pa.decimal64(18, 2), n, [valid, pa.py_buffer(words)])
    words = np.empty((n, 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63
    return pa.Array.from_buffers(pa.decimal128(18, 2), n, [valid, pa.py_buffer(words)])


def output_name(figure: str) -> str:
    """The column of a figure in an output table: figures named like an input get ``_out``
    (``net_hourly_out``, ``gross_hourly_out``, ``exemption_out``)."""
    return f"{figure}_out" if figure in _INPUT_NAMES else figure


_FIGURE_OF = {f: f for f in OUTPUT_COLUMNS} | {output_name(f): f for f in OUTPUT_COLUMNS}
_OUTPUT_NAMES = frozenset(
    [output_name(f) for f in OUTPUT_COLUMNS]
    + [output_name(f"{f}_{end}") for f in OUTPUT_COLUMNS for end in ("low", "high")]
    + ["error_code", "error"]
)


TABLE_SUFFIXES = (".csv", ".parquet")
# Columns of few distinct values, worth Parquet's dictionary encoding (the others are not:
# trying it on every figure costs a third of the writing time).
_FEW_VALUES = frozenset(
    [n for n, spec in INPUTS if spec.kind in ("month", "choice", "flag")] + ["error_code"]
)


# The figures' columns (and their ranges): 64-bit integers of cents, written with Parquet's
# DELTA_BINARY_PACKED encoding, which stores each page as differences packed in as few bits
# as they need. Measured on the output of 1 M rows (bench_stream.py, RESULTS.md 2026-12-01)
# against PLAIN, both snappy: the whole file written 15–20 % faster (1.01 s vs 1.18 s), two
# thirds of the size (62 vs 92 MB), read back 1.6 times faster (0.28 vs 0.45 s).
_FIGURE_NAMES = _OUTPUT_NAMES - {"error_code", "error"}


def parquet_options(columns: Sequence[str]) -> dict[str, Any]:
    """How every Parquet output is written: figures as 64-bit integers of cents (Parquet's
    DECIMAL(18, 2) on INT64, read back as exact decimals) in delta encoding, dictionaries only
    where they pay."""
    return {
        "use_dictionary": [c for c in columns if c in _FEW_VALUES],
        "store_decimal_as_integer": True,
        "column_encoding": {c: "DELTA_BINARY_PACKED" for c in columns if c in _FIGURE_NAMES},
    }


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

        pq.write_table(table, path, **parquet_options(table.column_names))
    else:
        import pyarrow.csv as pcsv  # noqa: PLC0415

        pcsv.write_csv(table, path)
