"""Benchmark: national-scale tables — the streaming batch engine at 1, 10 and 50 million rows.

For each size, an input table of random cases (months 2019-2026, every territory, net or
gross wages, exemptions, paid-leave options, Cesu+; a fixed seed) is generated chunk by
chunk as typed Parquet (decimals, booleans), as Parquet of text and as CSV, then
``cesu-rules batch IN --out OUT`` runs in a fresh process (and once more on the typed
Parquet with ``--figures`` naming three figures):
wall time, rows per second and the process's peak resident memory (``wait4``'s maxrss).

Also measured, in the same run:

* compute only: ``compute_batch`` on columns already parsed, chunk by chunk, on one thread and
  on two, against a minimal numpy integer-cents kernel of the same shape (gross from the net,
  20 contribution lines each rounded half-up, a PAS bracket) on the same chunks — the limit;
* the scalar loop (``cesu_rules.estimate`` on 20 000 rows) and the batch speed-up;
* a 10-million-row ``simulate`` grid compared against a reform, written to Parquet;
* the Dask engine on a LocalCluster of two worker processes (1 million rows);
* the input/output floor: reading 1 million input rows and writing their 1 million output
  rows with the engine's own writer options, nothing computed; the writer (pyarrow encodes
  one file's column chunks on one thread) caps what end to end can reach on this machine.

Targets (issue 12): compute ≥ 5 M rows/s, end to end ≥ 2 M rows/s from and to Parquet and
≥ 1 M rows/s for CSV, peak memory ≤ 500 MB at every size.
Run: ``python benchmarks/bench_stream.py [--sizes 1000000,10000000,50000000] [--record]``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from _common import best_seconds, record

from cesu_rules import InputError, default_ruleset, estimate
from cesu_rules.batch import compute_batch
from cesu_rules.stream import CHUNK_ROWS
from cesu_rules.tables import table_columns

ROOT = Path(__file__).resolve().parent.parent
TERRITORIES = ["metropole"] * 5 + ["alsace_moselle", "martinique", "reunion", "guadeloupe"]
EXEMPTIONS = ["none"] * 6 + ["age_70", "apa"]
MONTHS = [f"{y}-{m:02d}" for y in range(2019, 2027) for m in range(1, 13)]


def cases(rows: int, seed: int) -> pa.Table:
    """``rows`` random cases (every input as text, as a CSV gives them)."""
    rng = np.random.default_rng(seed)
    hours = rng.integers(100, 16000, rows)
    wage = rng.integers(1400, 3000, rows)
    gross = rng.random(rows) < 0.3
    wage_text = np.char.add(
        np.char.add((wage // 100).astype(str), "."), np.char.zfill((wage % 100).astype(str), 2)
    )
    hours_text = np.char.add(
        np.char.add((hours // 100).astype(str), "."), np.char.zfill((hours % 100).astype(str), 2)
    )
    return pa.table(
        {
            "id": pa.array(np.char.add("c", rng.integers(0, 10**9, rows).astype(str))),
            "month": pa.array(np.array(MONTHS)[rng.integers(0, len(MONTHS), rows)]),
            "territory": pa.array(np.array(TERRITORIES)[rng.integers(0, len(TERRITORIES), rows)]),
            "hours": pa.array(hours_text),
            "net_hourly": pa.array(np.where(gross, "", wage_text)),
            "gross_hourly": pa.array(np.where(gross, wage_text, "")),
            "exemption": pa.array(np.array(EXEMPTIONS)[rng.integers(0, len(EXEMPTIONS), rows)]),
            "paid_leave": pa.array(np.where(rng.random(rows) < 0.5, "included", "excluded")),
            "cesu_plus": pa.array(np.where(rng.random(rows) < 0.4, "true", "false")),
        }
    )


def typed(table: pa.Table) -> pa.Table:
    """The same cases as a typed Parquet file holds them (as pandas, polars or Spark write
    them): numbers as decimal(9, 2) (null where not given), Cesu+ as a boolean."""
    columns = {}
    for name in table.column_names:
        column = table.column(name)
        if name in ("hours", "net_hourly", "gross_hourly"):
            blank = pc.equal(column, "")
            column = pc.if_else(blank, pa.scalar(None, pa.string()), column)
            column = column.cast(pa.decimal128(9, 2))
        elif name == "cesu_plus":
            column = pc.equal(column, "true")
        columns[name] = column
    return pa.table(columns)


def write_inputs(folder: Path, rows: int) -> tuple[Path, Path, Path]:
    """The same ``rows`` cases as Parquet of text, typed Parquet and CSV, generated a
    million at a time."""
    parquet, typed_parquet = folder / f"in-{rows}.parquet", folder / f"in-{rows}-typed.parquet"
    csv = folder / f"in-{rows}.csv"
    schema = cases(1, 0).schema
    with (
        pq.ParquetWriter(parquet, schema) as pw,
        pq.ParquetWriter(typed_parquet, typed(cases(1, 0)).schema) as tw,
        pcsv.CSVWriter(csv, schema) as cw,
    ):
        for k, start in enumerate(range(0, rows, 1_000_000)):
            table = cases(min(1_000_000, rows - start), seed=k)
            pw.write_table(table, row_group_size=256_000)
            tw.write_table(typed(table), row_group_size=256_000)
            cw.write_table(table)
    return parquet, typed_parquet, csv


# Started from a small Python process, so that the peak resident memory measured is the
# command's own (a child forked from this large benchmark process would count its pages).
_WRAPPER = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode; "
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
    "sys.exit(code)"
)


# As an installed package runs: with its compiled bytecode (pip compiles it at install; a
# machine with PYTHONDONTWRITEBYTECODE would otherwise compile every module on every run,
# about 0.9 s here). The first, unmeasured run of end_to_end writes the cache.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of a command run in a fresh process."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as peak:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _WRAPPER, peak.name, *command], check=False, env=_ENV
        )
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"failed: {' '.join(command)}")
        return wall, int(Path(peak.name).read_text(encoding="utf-8")) / 1024


FEW = "urssaf_debit,tax_credit,cost_after_credit"  # what a study of the households' cost needs


def end_to_end(folder: Path, sizes: list[int]) -> list[str]:
    lines = []
    cli = shutil.which("cesu-rules") or f"{sys.executable} -m cesu_rules.cli"
    warm = folder / "warm-up.parquet"
    pq.write_table(cases(1_000, seed=0), warm)
    run([*cli.split(), "batch", str(warm), "--out", str(folder / "warm-up-out.parquet"), "--quiet"])
    for rows in sizes:
        parquet, typed_parquet, csv = write_inputs(folder, rows)
        for source, fmt, kind, extra in (
            (typed_parquet, ".parquet", "parquet (typed)", []),
            (typed_parquet, ".parquet", f"parquet (typed), --figures {FEW}", ["--figures", FEW]),
            (parquet, ".parquet", "parquet (text)", []),
            (csv, ".csv", "csv", []),
        ):
            target = folder / f"out-{rows}{fmt}"
            command = [*cli.split(), "batch", str(source), "--out", str(target), "--quiet"]
            wall, peak = run(command + extra)
            lines.append(
                f"batch {kind} → {fmt[1:]}, {rows:,} rows: {wall:.1f} s, "
                f"{rows / wall / 1e6:.2f} M rows/s end to end, peak {peak:.0f} MB"
            )
            print(lines[-1], flush=True)
            target.unlink()
            sidecar = target.with_name(target.name + ".meta.json")
            sidecar.unlink(missing_ok=True)
        for source in (parquet, typed_parquet, csv):
            source.unlink()
    return lines


def minimal_kernel(net: Any, plan: Any, rates: list[Any], grid: Any) -> Any:
    """A minimal integer-cents kernel of the estimate's shape: gross from the net (one
    segment), 7 employee and 13 employer lines each rounded half-up, PAS by bracket."""
    unit = 10**9
    gross = (net * 1_300_000 + 500_000) // 1_000_000
    employee = np.zeros_like(gross)
    employer = np.zeros_like(gross)
    base = gross * 10_000
    for j, rate in enumerate(rates):
        cents = base * (rate[plan] if isinstance(rate, np.ndarray) else rate)
        cents += unit // 2
        cents //= unit
        if j < 7:
            employee += cents
        else:
            employer += cents
    index = np.searchsorted(grid, gross - employee, side="right") - 1
    return gross, employee, employer, ((gross - employee) * index + 5000) // 10000


def compute_only() -> list[str]:
    ruleset = default_ruleset()
    table = cases(1_000_000, seed=99)
    chunks = [table_columns(table.slice(i, CHUNK_ROWS))[0] for i in range(0, 1_000_000, CHUNK_ROWS)]
    for c in chunks[:2]:
        compute_batch(c, ruleset)

    def on_threads(workers: int) -> None:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda c: compute_batch(c, ruleset), chunks))

    figures = {w: 1_000_000 / best_seconds(functools.partial(on_threads, w)) for w in (1, 2)}
    rng = np.random.default_rng(1)
    rates: list[Any] = [int(x) for x in rng.integers(1000, 100000, 20)]
    rates[3] = rng.integers(1000, 100000, 600)
    rates[12] = rng.integers(1000, 100000, 600)
    grid = np.sort(rng.integers(0, 10**6, 20))
    nets = [rng.integers(1000, 300000, CHUNK_ROWS) for _ in chunks]
    plans = [rng.integers(0, 600, CHUNK_ROWS) for _ in chunks]

    def limit_pass() -> None:
        for net, plan in zip(nets, plans, strict=True):
            minimal_kernel(net, plan, rates, grid)

    limit = len(nets) * CHUNK_ROWS / best_seconds(limit_pass)
    rows = table.slice(0, 20_000).to_pylist()
    start = time.perf_counter()
    for row in rows:
        kwargs: dict[str, Any] = {k: v for k, v in row.items() if v and k != "id"}
        kwargs["cesu_plus"] = kwargs.get("cesu_plus") == "true"
        for k in ("hours", "net_hourly", "gross_hourly"):
            if k in kwargs:
                kwargs[k] = Decimal(kwargs[k])
        month = kwargs.pop("month")
        with contextlib.suppress(InputError):
            estimate(month, ranges=False, **kwargs)
    scalar = len(rows) / (time.perf_counter() - start)
    return [
        f"compute only (1,000,000 rows in chunks of {CHUNK_ROWS:,}, best of 3): "
        f"{figures[1] / 1e6:.2f} M rows/s on one thread, {figures[2] / 1e6:.2f} M rows/s on two",
        f"minimal numpy kernel of the same shape, same chunks, one thread: {limit / 1e6:.2f} M "
        f"rows/s; the engine is {limit / figures[1]:.1f}x slower on one thread",
        f"scalar loop (estimate() on 20,000 rows): {scalar:,.0f} rows/s; batch speed-up "
        f"{figures[1] / scalar:.0f}x (one thread)",
    ]


def io_floor(folder: Path) -> list[str]:
    """Seconds to read 1 M input rows and to write their output rows, each best of 3, as
    ``cesu-rules batch`` writes them (figures as decimal64, tables.parquet_options), nothing
    computed; and the same Parquet output without the delta encoding of the figures (plain,
    as before 2026-12-01): time to write, size, time to read back."""
    from cesu_rules import default_ruleset  # noqa: PLC0415
    from cesu_rules.tables import output_table, parquet_options  # noqa: PLC0415

    rows = 1_000_000
    source = folder / "floor-in.parquet"
    pq.write_table(cases(rows, seed=7), source, row_group_size=256_000)
    table = pq.read_table(source)
    out = output_table(table, compute_batch(table_columns(table)[0], default_ruleset()), bits=64)
    delta, plain = folder / "floor-delta.parquet", folder / "floor-plain.parquet"
    options = parquet_options(out.column_names)
    without = {k: v for k, v in options.items() if k != "column_encoding"}
    actions: tuple[tuple[str, Callable[[], object]], ...] = (
        ("read", lambda: pq.read_table(source)),
        ("write", lambda: pq.write_table(out, delta, **options)),
        ("write plain", lambda: pq.write_table(out, plain, **without)),
        ("write CSV", lambda: pcsv.write_csv(out, folder / "floor-out.csv")),
        ("read back", lambda: pq.read_table(delta)),
        ("read back plain", lambda: pq.read_table(plain)),
    )
    t = {name: best_seconds(action) for name, action in actions}
    size = {path: path.stat().st_size / 1e6 for path in (delta, plain)}

    def read_columns(tab: pa.Table) -> None:
        for i in range(0, rows, CHUNK_ROWS):
            table_columns(tab.slice(i, CHUNK_ROWS))

    parse = {
        kind: best_seconds(functools.partial(read_columns, tab))
        for kind, tab in (("text", table), ("typed", typed(table)))
    }
    return [
        f"input/output floor, {rows:,} rows, nothing computed, best of 3: read Parquet "
        f"{t['read']:.2f} s, write the output as Parquet {t['write']:.2f} s, as CSV "
        f"{t['write CSV']:.2f} s: the one-thread writer alone caps end to end at "
        f"{rows / t['write'] / 1e6:.2f} M rows/s to Parquet and "
        f"{rows / t['write CSV'] / 1e6:.2f} M rows/s to CSV here",
        f"Parquet output, figures in delta encoding vs plain (both snappy): written in "
        f"{t['write']:.2f} s vs {t['write plain']:.2f} s, {size[delta]:.0f} MB vs "
        f"{size[plain]:.0f} MB, read back in {t['read back']:.2f} s vs "
        f"{t['read back plain']:.2f} s",
        f"reading the inputs of {rows:,} rows into the engine's columns (table_columns, chunks "
        f"of {CHUNK_ROWS:,}): as text {parse['text']:.2f} s, typed (decimals, booleans) "
        f"{parse['typed']:.2f} s",
    ]


def simulate_grid(folder: Path) -> list[str]:
    scenario = folder / "grid.yaml"
    scenario.write_text(
        "label: 10 million rows\nfixed: {month: 2026-01, paid_leave: excluded}\naxes:\n"
        "  hours: {from: 1, to: 200.99, step: 0.01}\n"
        '  net_hourly: {from: "11.00", to: "15.90", step: "0.10"}\n'
        "  exemption: [none, age_70, apa, invalidite_80, tierce_personne_62]\n"
        "  territory: [metropole, reunion]\n",
        encoding="utf-8",
    )
    reform = ROOT / "docs" / "examples" / "reform-deduction-1-50.yaml"
    cli = shutil.which("cesu-rules") or f"{sys.executable} -m cesu_rules.cli"
    out = folder / "grid.parquet"
    command = [*cli.split(), "simulate", str(scenario), "--reform", str(reform)]
    wall, peak = run([*command, "--out", str(out), "--quiet"])
    out.unlink()
    return [
        f"simulate: a 10,000,000-row grid against a reform, rows written to Parquet: "
        f"{wall:.1f} s, peak {peak:.0f} MB"
    ]


def dask_run(folder: Path) -> list[str]:
    try:
        import distributed  # noqa: PLC0415
    except ImportError:
        return ["dask: not installed (pip install '.[dask]')"]
    from cesu_rules.distributed import run_dask  # noqa: PLC0415

    source = folder / "dask-in"
    source.mkdir()
    for k in range(4):
        pq.write_table(cases(250_000, seed=k), source / f"part-{k}.parquet")
    with distributed.LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        start = time.perf_counter()
        rows = run_dask(
            source, folder / "dask-out", default_ruleset(), address=cluster.scheduler_address
        )
        wall = time.perf_counter() - start
    shutil.rmtree(source)
    shutil.rmtree(folder / "dask-out")
    return [
        f"dask: {rows:,} rows (4 Parquet files) on a LocalCluster of 2 worker processes, written "
        f"to a Parquet folder: {wall:.1f} s, {rows / wall / 1e6:.2f} M rows/s"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000000,10000000,50000000")
    parser.add_argument("--workdir", type=Path, help="where the (large) files go")
    parser.add_argument("--skip", default="", help="comma list of: compute,io,e2e,simulate,dask")
    parser.add_argument("--record", action="store_true", help="append to RESULTS.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    skip = set(args.skip.split(","))
    folder = Path(tempfile.mkdtemp(prefix="cesu-bench-", dir=args.workdir))
    lines: list[str] = []
    try:
        if "compute" not in skip:
            lines += compute_only()
            print("\n".join(lines), flush=True)
        if "io" not in skip:
            lines += io_floor(folder)
            print("\n".join(lines[-3:]), flush=True)
        if "e2e" not in skip:
            lines += end_to_end(folder, sizes)
        if "simulate" not in skip:
            lines += simulate_grid(folder)
            print(lines[-1], flush=True)
        if "dask" not in skip:
            lines += dask_run(folder)
            print(lines[-1], flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.record:
        record("bench_stream.py", lines)


if __name__ == "__main__":
    main()
