"""``cesu-rules batch``: a table of estimates, CSV or Parquet in and out."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from ..output import outputs
from ..progress import progress_bar
from ._common import EXIT_OK, add_reform_option, add_rulesets_option, rulesets_for

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    batch = commands.add_parser(
        "batch",
        help="compute a table of estimates (CSV or Parquet in and out)",
        description="Compute one estimate per row of IN (columns: month, hours, net_hourly "
        "or gross_hourly or net_monthly, and optionally territory, paid_leave, "
        "paid_leave_hours, non_resident, exemption, pas_rate, aids, cesu_plus). Rows that "
        "cannot be computed get a code in 'error_code' and a message in 'error'.",
    )
    batch.add_argument("input_file", metavar="IN", help="input table (.csv or .parquet)")
    batch.add_argument(
        "--out",
        metavar="OUT",
        required=True,
        help="output (.csv or .parquet; with --dask, a folder of Parquet files)",
    )
    batch.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="compute on the Dask cluster at this address (tcp://host:8786); needs the "
        "'dask' extra",
    )
    batch.add_argument(
        "--provisional",
        action="store_true",
        help="accept months after the rulesets, carrying the latest values forward",
    )
    batch.add_argument(
        "--ranges",
        action="store_true",
        help="add <figure>_low and <figure>_high: each figure under the candidates of the "
        "values that are not confirmed",
    )
    batch.add_argument(
        "--figures",
        metavar="LIST",
        help="write only these figures, a comma list (urssaf_debit,tax_credit); default: "
        "every figure. The input columns, error_code and error are always written",
    )
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    add_reform_option(batch)
    add_rulesets_option(batch)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pathlib import Path  # noqa: PLC0415

    from ..stream import sidecar_path, stream_table  # noqa: PLC0415 - numpy, on use
    from ..tables import TABLE_SUFFIXES, parse_figures  # noqa: PLC0415

    figures = parse_figures(args.figures)  # refused before any work
    if args.dask:
        from ..distributed import run_dask  # noqa: PLC0415 - dask, on use

        ruleset, _ = rulesets_for(args)
        rows = run_dask(
            args.input_file,
            args.out,
            ruleset,
            address=args.dask,
            provisional=args.provisional,
            ranges=args.ranges,
            figures=figures,
        )
        out.write(
            f"{rows:,} rows computed on the Dask cluster at {args.dask} into the Parquet "
            f"folder {args.out}; ruleset {ruleset.version}\n"
        )
        return EXIT_OK
    fmt = Path(args.out).suffix
    with outputs([args.input_file]) as files:
        target = files.target(args.out, suffixes=TABLE_SUFFIXES)
        sidecar = files.target(sidecar_path(args.out)) if fmt == ".csv" else None
        ruleset, _ = rulesets_for(args)
        with progress_bar(enabled=not args.quiet, stream=err) as bar:
            stats = stream_table(
                args.input_file,
                target,
                fmt,
                ruleset,
                sidecar=sidecar,
                provisional=args.provisional,
                ranges=args.ranges,
                figures=figures,
                progress=bar,
            )
    if stats.passed_through:
        err.write(
            f"cesu-rules: note: columns passed through unchanged: "
            f"{', '.join(stats.passed_through)}\n"
        )
    out.write(
        f"{stats.rows:,} rows computed into {args.out} ({stats.failed:,} with an error, see "
        f"the 'error' column); ruleset {ruleset.version}\n"
    )
    return EXIT_OK
