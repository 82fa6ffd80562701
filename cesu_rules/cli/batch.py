"""``cesu-rules batch``: a table of estimates, CSV or Parquet in and out."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from ..output import outputs
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
    batch.add_argument("--out", metavar="OUT", required=True, help="output (.csv or .parquet)")
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
    add_reform_option(batch)
    add_rulesets_option(batch)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pathlib import Path  # noqa: PLC0415

    from ..batch import compute_batch  # noqa: PLC0415 - needs numpy, imported on use
    from ..tables import TABLE_SUFFIXES, output_table, read_table, table_columns, write_table_to  # noqa: PLC0415

    with outputs([args.input_file]) as files:
        target = files.target(args.out, suffixes=TABLE_SUFFIXES)
        ruleset, _ = rulesets_for(args)
        table = read_table(args.input_file)
        columns, passed = table_columns(table)
        if passed:
            err.write(f"cesu-rules: note: columns passed through unchanged: {', '.join(passed)}\n")
        result = compute_batch(columns, ruleset, provisional=args.provisional, ranges=args.ranges)
        write_table_to(output_table(table, result), target, Path(args.out).suffix)
    failed = int((~result.ok).sum())
    out.write(
        f"{len(result.codes):,} rows computed into {args.out} ({failed:,} with an error, see "
        f"the 'error' column); ruleset {ruleset.version}\n"
    )
    return EXIT_OK
