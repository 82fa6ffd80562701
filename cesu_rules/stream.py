"""Tables of any size: read, computed and written in chunks, with a flat memory footprint.

``cesu-rules batch`` and :func:`stream_table` read a CSV file (Arrow's streaming CSV reader,
every column as text) or a Parquet file (row group by row group) in chunks of about
:data:`CHUNK_ROWS` rows, compute each chunk with the batch engine (:func:`compute_table`) on
worker threads (numpy releases the GIL in its loops), and write the chunks in order with a
streaming CSV or Parquet writer. Memory stays bounded by a few chunks in flight, whatever the
input size. A row that cannot be computed gets its ``error_code`` and ``error`` and never
stops the stream; a file that cannot be read as a table (a truncated CSV, a corrupt Parquet
file) stops the run with a clear error and, through :mod:`cesu_rules.output`, leaves no
output file.

Every output records its provenance (:func:`provenance`): the engine version, the ruleset
version and hash, the reforms applied and the options. Parquet keeps it in the schema's
metadata (key ``cesu_rules``); a CSV file gets a sidecar ``OUT.meta.json``, written and
renamed together with it.

For notebooks and other engines, :func:`compute_table` takes and returns Arrow tables, and
:func:`compute_frame` pandas or polars DataFrames (Arrow-backed, without copying the data
where the libraries allow).
"""

from __future__ import annotations

import collections
import importlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .batch import compute_batch, require_numpy, require_pyarrow
from .errors import InputError, first_line
from .output import writing
from .rules.loader import Ruleset
from .tables import (
    _csv_header,
    output_table,
    parquet_options,
    parse_figures,
    table_columns,
)

__all__ = [
    "CHUNK_ROWS",
    "Progress",
    "StreamStats",
    "compute_frame",
    "compute_table",
    "provenance",
    "sidecar_path",
    "stream_table",
]

_PARQUET_BUFFER = 1 << 20  # bytes read at a time from a Parquet column chunk
CHUNK_ROWS = 65_536  # rows per chunk: small enough to stay in the CPU caches, large enough
# for numpy's per-call cost to vanish (see benchmarks/RESULTS.md)
# CSV blocks of 1 MiB (the reader reads several ahead on its threads: 4 MiB blocks held
# ~130 MB in flight), gathered into chunks of CHUNK_ROWS rows for the engine.
_CSV_BLOCK = 1 << 20


def provenance(ruleset: Ruleset, **options: object) -> dict[str, Any]:
    """What an output was computed with: enough to reproduce it exactly."""
    from . import __version__  # noqa: PLC0415 - the package's own version

    base, _, reforms = ruleset.version.partition("+")
    return {
        "engine": "cesu-rules",
        "engine_version": __version__,
        "ruleset_version": ruleset.version,
        "ruleset_base_version": base,
        "ruleset_hash": ruleset.hash,
        "ruleset_origin": ruleset.origin,  # "package", a folder, "+ reform.yaml"…
        "reforms": [r for r in reforms.split("+") if r],
        "options": options,
    }


def sidecar_path(path: str | Path) -> Path:
    """The provenance sidecar of a CSV output: ``OUT.csv`` → ``OUT.csv.meta.json``."""
    path = Path(path)
    return path.with_name(path.name + ".meta.json")


def compute_table(
    table: Any,
    ruleset: Ruleset | None = None,
    *,
    provisional: bool = False,
    ranges: bool = False,
    figures: str | Sequence[str] | None = None,
) -> Any:
    """Every row of an Arrow table (or record batch) computed: the input columns, then the
    figures (decimal, two places; null on error), ``error_code`` and ``error``. The result's
    schema metadata holds its :func:`provenance` (key ``cesu_rules``). ``figures``: only
    these figures (a comma list or a sequence of names; see
    :func:`cesu_rules.tables.parse_figures`)."""
    pa = require_pyarrow()
    from .api import _ruleset  # noqa: PLC0415 - the one check of a ruleset argument

    rules = _ruleset(ruleset)
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if not isinstance(table, pa.Table):
        raise InputError(
            f"compute_table takes a pyarrow Table or RecordBatch (got a "
            f"{type(table).__name__}); for pandas or polars use compute_frame",
            code="bad_input_type",
            field="table",
        )
    kept = parse_figures(figures)
    columns, _ = table_columns(table)
    result = compute_batch(columns, rules, provisional=provisional, ranges=ranges)
    out = output_table(table, result, figures=kept)
    meta = provenance(rules, provisional=provisional, ranges=ranges, figures=kept)
    return out.replace_schema_metadata({"cesu_rules": json.dumps(meta)})


def compute_frame(
    frame: Any,
    ruleset: Ruleset | None = None,
    *,
    provisional: bool = False,
    ranges: bool = False,
    figures: str | Sequence[str] | None = None,
) -> Any:
    """:func:`compute_table` for a pandas or polars DataFrame, returning the same kind.

    polars converts to and from Arrow without copying; pandas gets Arrow-backed columns
    (``pd.ArrowDtype``), so the figures are exact decimals and nothing is copied back.
    Input numbers may be text or numbers, read exactly either way.
    """
    pa = require_pyarrow()
    kind = type(frame).__module__.split(".")[0]
    if kind == "polars":
        table = frame.to_arrow()
        polars: Any = importlib.import_module("polars")  # the caller's own library

        return polars.from_arrow(
            compute_table(table, ruleset, provisional=provisional, ranges=ranges, figures=figures)
        )
    if kind == "pandas":
        pandas: Any = importlib.import_module("pandas")  # the caller's own library

        table = pa.Table.from_pandas(frame, preserve_index=False)
        out = compute_table(table, ruleset, provisional=provisional, ranges=ranges, figures=figures)
        return out.to_pandas(types_mapper=pandas.ArrowDtype)
    raise InputError(
        f"compute_frame takes a pandas or polars DataFrame (got a {type(frame).__name__})",
        code="bad_input_type",
        field="frame",
    )


# ---------------------------------------------------------------------------------------------
# Streaming


@dataclass(frozen=True)
class Progress:
    """How far a streamed run has gone: rows written (of ``total_rows`` when the input says,
    as Parquet does) and bytes read (of ``total_bytes``, the input's size)."""

    rows: int
    total_rows: int | None
    bytes_read: int
    total_bytes: int


@dataclass
class StreamStats:
    """What a streamed run did."""

    rows: int = 0
    failed: int = 0
    passed_through: list[str] = field(default_factory=list)


class _CountingFile:
    """A binary file that counts the bytes read (the CSV reader's progress)."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        self.count = 0
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self.count += len(data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self._file.close()
        self.closed = True


class TableReader:
    """The chunks of a CSV or Parquet file, with how far the reading has gone."""

    def __init__(self, path: Path, chunk_rows: int) -> None:
        self.path = path
        self.chunk_rows = chunk_rows
        self.size = path.stat().st_size
        self.total_rows: int | None = None
        self._counter: _CountingFile | None = None
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq  # noqa: PLC0415

            # pre_buffer off: with it, Arrow keeps every column chunk it prefetched until the
            # file is closed, so memory grew with the input (1.2 GB at 50 M rows); a plain
            # buffered read keeps it flat, and is no slower.
            self._parquet = pq.ParquetFile(path, pre_buffer=False, buffer_size=_PARQUET_BUFFER)
            self.total_rows = self._parquet.metadata.num_rows

    @property
    def bytes_read(self) -> int:
        return self._counter.count if self._counter is not None else 0

    def empty_table(self) -> Any:
        """The table's columns with no row (a file with a header and nothing else)."""
        if self.path.suffix == ".parquet":
            return self._parquet.schema_arrow.empty_table()
        pa = require_pyarrow()
        return pa.table({name: pa.array([], pa.string()) for name in _csv_header(self.path)})

    def batches(self) -> Iterator[Any]:
        if self.path.suffix == ".parquet":
            yield from self._parquet.iter_batches(batch_size=self.chunk_rows)
            return
        pa = require_pyarrow()
        import pyarrow.csv as pcsv  # noqa: PLC0415

        names = _csv_header(self.path)
        self._counter = _CountingFile(self.path)
        try:
            reader = pcsv.open_csv(
                self._counter,
                read_options=pcsv.ReadOptions(block_size=_CSV_BLOCK),
                convert_options=pcsv.ConvertOptions(
                    column_types={name: pa.string() for name in names}, strings_can_be_null=False
                ),
            )
            yield from _regrouped(reader, self.chunk_rows)
        finally:
            self._counter.close()


def _regrouped(batches: Any, rows: int) -> Iterator[Any]:
    """Small record batches gathered into batches of about ``rows`` rows (one chunk each)."""
    pa = require_pyarrow()
    group: list[Any] = []
    count = 0
    for batch in batches:
        group.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.Table.from_batches(group).combine_chunks().to_batches()[0]
            group, count = [], 0
    if count:
        yield pa.Table.from_batches(group).combine_chunks().to_batches()[0]


def _read_error(path: Path, exc: BaseException) -> InputError:
    return InputError(
        f"cannot read {path} as a table: {first_line(exc)}",
        code="unreadable_file",
        field=str(path),
    )


def stream_table(
    source: str | Path,
    target: Path,
    fmt: str,
    ruleset: Ruleset,
    *,
    sidecar: Path | None = None,
    provisional: bool = False,
    ranges: bool = False,
    figures: str | Sequence[str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    workers: int | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> StreamStats:
    """Compute every row of the table at ``source`` into ``target`` (a temporary file of
    :class:`cesu_rules.output.Outputs`) as ``fmt`` (``.csv`` or ``.parquet``), chunk by chunk.

    ``sidecar`` receives the provenance of a CSV output. ``progress`` is called with a
    :class:`Progress` after each chunk is written. Raises :class:`InputError` when the
    source cannot be read as a table (the caller's :class:`Outputs` then writes nothing).
    """
    pa = require_pyarrow()
    require_numpy()
    path = Path(source)
    if path.suffix not in (".csv", ".parquet"):
        raise InputError(f"{path}: give a .csv or .parquet file", code="bad_input_type")
    try:
        reader = TableReader(path, chunk_rows)
    except (OSError, pa.ArrowInvalid) as exc:
        raise _read_error(path, exc) from None
    kept = parse_figures(figures)
    meta = provenance(ruleset, provisional=provisional, ranges=ranges, figures=kept)
    run = _Stream(ruleset, meta, target, fmt, provisional=provisional, ranges=ranges, figures=kept)
    workers = workers or min(2, os.cpu_count() or 1)
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cesu-batch") as pool:
            try:
                seen = False
                for batch in reader.batches():
                    run.pending.append(pool.submit(run.compute, batch, not seen))
                    seen = True
                    run.drain(workers, reader, progress)
                if not seen:  # a header and no row: an empty table with every column
                    run.pending.append(pool.submit(run.compute, reader.empty_table(), True))
                run.drain(0, reader, progress)
            finally:
                for future in run.pending:
                    future.cancel()
    except (pa.ArrowInvalid, pa.ArrowIOError, OSError) as exc:
        raise _read_error(path, exc) from None
    finally:
        run.close()
    if sidecar is not None:
        with writing(sidecar):
            sidecar.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return run.stats


class _Stream:
    """The chunks of one streamed run: computed (and for CSV, formatted) on worker threads,
    written in order by the calling thread."""

    def __init__(
        self,
        ruleset: Ruleset,
        meta: dict[str, Any],
        target: Path,
        fmt: str,
        *,
        provisional: bool,
        ranges: bool,
        figures: tuple[str, ...] | None,
    ) -> None:
        self.pa = require_pyarrow()
        self.ruleset = ruleset
        self.meta = meta
        self.target = target
        self.fmt = fmt
        self.provisional = provisional
        self.ranges = ranges
        self.figures = figures
        self.stats = StreamStats()
        self.pending: collections.deque[Future[_Chunk]] = collections.deque()
        self.parquet: Any = None
        self.csv: Any = None
        self.schema: Any = None

    def compute(self, batch: Any, first: bool) -> _Chunk:
        """One chunk computed on a worker thread: a table for Parquet, or for CSV its bytes
        (the header with the first chunk). The figures are decimal64, the cents themselves:
        what Parquet stores, and formatted as CSV text a third faster than decimal128 (the
        same bytes)."""
        pa = self.pa
        table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
        columns, passed = table_columns(table)
        if passed and not self.stats.passed_through:
            self.stats.passed_through = passed
        result = compute_batch(
            columns, self.ruleset, provisional=self.provisional, ranges=self.ranges
        )
        failed = int((~result.ok).sum())
        out = output_table(table, result, bits=64, figures=self.figures)
        if self.fmt == ".parquet":
            return _Chunk(out.schema, out.num_rows, failed, out)
        import pyarrow.csv as pcsv  # noqa: PLC0415

        sink = pa.BufferOutputStream()
        pcsv.write_csv(out, sink, write_options=pcsv.WriteOptions(include_header=first))
        return _Chunk(out.schema, out.num_rows, failed, sink.getvalue())

    def drain(
        self, keep: int, reader: TableReader, progress: Callable[[Progress], None] | None
    ) -> None:
        """Write the computed chunks, oldest first, until ``keep`` are left in flight."""
        while len(self.pending) > keep:
            chunk = self.pending.popleft().result()
            if self.schema is None:
                self.schema = chunk.schema.with_metadata({"cesu_rules": json.dumps(self.meta)})
                self._open()
            if self.parquet is None and chunk.schema.names != self.schema.names:
                raise InputError(
                    f"{reader.path}: a block of the file does not have the columns of the "
                    "first one",
                    code="unreadable_file",
                )
            with writing(self.target):  # a full disk, a lost mount (pyarrow's IO errors too)
                if self.parquet is not None:
                    self.parquet.write_table(chunk.data.cast(self.schema))
                else:
                    self.csv.write(chunk.data)
            self.stats.rows += chunk.rows
            self.stats.failed += chunk.failed
            if progress is not None:
                done = Progress(self.stats.rows, reader.total_rows, reader.bytes_read, reader.size)
                progress(done)

    def _open(self) -> None:
        with writing(self.target):
            if self.fmt == ".parquet":
                import pyarrow.parquet as pq  # noqa: PLC0415

                options = parquet_options(self.schema.names)
                self.parquet = pq.ParquetWriter(self.target, self.schema, **options)
            else:
                self.csv = self.target.open("wb")

    def close(self) -> None:
        """Close the output (its last bytes are written then: a full disk shows here too)."""
        with writing(self.target):
            if self.parquet is not None:
                self.parquet.close()
            if self.csv is not None:
                self.csv.close()


class _Chunk(NamedTuple):
    """A computed chunk: its schema, rows, refused rows, and its table or CSV bytes."""

    schema: Any
    rows: int
    failed: int
    data: Any
