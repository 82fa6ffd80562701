"""Beyond one machine: the batch engine on a Dask cluster (the ``dask`` extra).

Each partition of a ``dask.dataframe`` is computed by :func:`cesu_rules.stream.compute_frame`
(the same engine, the same cents as everywhere), on whatever workers the cluster has. The
ruleset, reform included, is pickled whole to the workers. :func:`compute_dask` is lazy;
:func:`run_dask` reads a CSV or Parquet input, computes it on a cluster and writes a Parquet
dataset (a folder of part files, with the provenance in ``_cesu_rules.meta.json``) into a
temporary folder renamed over the target only when every partition succeeded: a lost worker
or a failed partition leaves no output.

On Spark (the ``spark`` extra), :func:`compute_spark` maps the same engine over a Spark
DataFrame's Arrow batches (``mapInArrow``): the schema of the result is known before any row
is computed, and the ruleset travels to the Python workers pickled.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import CesuRulesError, OutputError, first_line
from .extras import require
from .rules.loader import Ruleset
from .stream import compute_frame, provenance
from .tables import parquet_options, parse_figures

__all__ = ["DistributedError", "compute_dask", "compute_spark", "run_dask"]

META_FILE = "_cesu_rules.meta.json"


class DistributedError(CesuRulesError):
    """The cluster could not finish the run (a lost worker, an unreachable scheduler)."""

    default_code = "distributed_error"


def _compute_partition(
    frame: Any,
    ruleset: Ruleset | None,
    provisional: bool,
    ranges: bool,
    figures: tuple[str, ...] | None = None,
) -> Any:
    return compute_frame(frame, ruleset, provisional=provisional, ranges=ranges, figures=figures)


def compute_dask(
    frame: Any,
    ruleset: Ruleset | None = None,
    *,
    provisional: bool = False,
    ranges: bool = False,
    figures: str | Sequence[str] | None = None,
    partition: Callable[..., Any] = _compute_partition,
) -> Any:
    """The lazy ``dask.dataframe`` of every row of ``frame`` computed: its columns, then the
    figures, ``error_code`` and ``error`` (as :func:`cesu_rules.stream.compute_table`)."""
    require("dask.dataframe", "dask", "the Dask engine")
    pandas: Any = require("pandas", "dask", "the Dask engine")
    kept = parse_figures(figures)
    empty = frame._meta.astype("string") if len(frame._meta.columns) else frame._meta
    meta = compute_frame(
        pandas.DataFrame(empty), ruleset, provisional=provisional, ranges=ranges, figures=kept
    )
    return frame.map_partitions(partition, ruleset, provisional, ranges, kept, meta=meta)


def read_input(path: Path) -> Any:
    """A CSV file (every column as text), a Parquet file or a folder of Parquet files (a
    dataset: one partition per file or row group) as a ``dask.dataframe``."""
    dd: Any = require("dask.dataframe", "dask", "the Dask engine")
    if path.is_dir() or path.suffix == ".parquet":
        return dd.read_parquet(str(path))
    return dd.read_csv(str(path), dtype=str, keep_default_na=False, blocksize="64MB")


def run_dask(
    source: str | Path,
    target: str | Path,
    ruleset: Ruleset,
    *,
    address: str | Any,
    provisional: bool = False,
    ranges: bool = False,
    figures: str | Sequence[str] | None = None,
    partition: Callable[..., Any] = _compute_partition,
) -> int:
    """Compute the table at ``source`` on the Dask cluster at ``address`` (a scheduler
    address, or a ``distributed.Client``) into the Parquet folder ``target``, whole or not at
    all. Returns the number of rows."""
    distributed: Any = require("distributed", "dask", "the Dask engine")
    source, target = Path(source), Path(target)
    folder = target.parent if str(target.parent) else Path()
    if not folder.is_dir():
        raise OutputError(
            f"cannot write {target}: the folder {folder} does not exist", code="no_output_folder"
        )
    if target.exists() and not target.is_dir():
        raise OutputError(
            f"cannot write {target}: it is a file (a Dask run writes a folder of Parquet files)",
            code="output_not_writable",
        )
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=folder))
    kept = parse_figures(figures)
    meta = provenance(ruleset, provisional=provisional, ranges=ranges, figures=kept, engine="dask")
    try:
        client = address if not isinstance(address, str) else distributed.Client(address)
        try:
            frame = compute_dask(
                read_input(source),
                ruleset,
                provisional=provisional,
                ranges=ranges,
                figures=kept,
                partition=partition,
            )
            options = parquet_options(list(frame.columns))
            frame.to_parquet(str(temporary), write_index=False, compute=True, **options)
            rows = sum(int(_parquet_rows(p)) for p in temporary.glob("*.parquet"))
        finally:
            if isinstance(address, str):
                client.close()
        (temporary / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        _replace_folder(temporary, target)
    except CesuRulesError:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    except BaseException as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise DistributedError(
            f"the Dask run failed and wrote nothing: {type(exc).__name__}: {first_line(exc)}"
        ) from None
    return rows


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq  # noqa: PLC0415

    return int(pq.ParquetFile(path).metadata.num_rows)


def _replace_folder(temporary: Path, target: Path) -> None:
    """Put the finished folder in place; an older output folder goes only then."""
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
        os.replace(temporary, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(temporary, target)


def compute_spark(
    frame: Any,
    ruleset: Ruleset | None = None,
    *,
    provisional: bool = False,
    ranges: bool = False,
    figures: str | Sequence[str] | None = None,
) -> Any:
    """The lazy Spark DataFrame of every row of ``frame`` computed (as
    :func:`cesu_rules.stream.compute_table`), batch by batch on the executors."""
    types: Any = require("pyspark.sql.pandas.types", "spark", "the Spark engine")

    from .api import _ruleset  # noqa: PLC0415
    from .stream import compute_table  # noqa: PLC0415

    rules = _ruleset(ruleset)
    empty = types.to_arrow_schema(frame.schema).empty_table()
    kept = parse_figures(figures)
    options: dict[str, Any] = {"provisional": provisional, "ranges": ranges, "figures": kept}
    schema = compute_table(empty, rules, **options).schema

    def compute(batches: Any) -> Any:
        for batch in batches:
            table = compute_table(batch, rules, **options)
            yield from table.cast(schema.remove_metadata()).to_batches()

    return frame.mapInArrow(compute, types.from_arrow_schema(schema))
