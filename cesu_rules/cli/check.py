"""``cesu-rules check``: regression cases against the engine."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ..output import outputs
from ._common import add_json_option

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    check = commands.add_parser(
        "check",
        help="run regression cases (payslips, simulator, API estimates) against the engine",
        description="Run every case of the given files and folders and compare the figures "
        "to the cent. Exit 0 when all pass (known mismatches are reported, not failing), 1 "
        "when a case fails, 2 when a case file is invalid.",
    )
    check.add_argument("paths", metavar="PATH", nargs="+", help="case files or folders")
    add_json_option(check, "print the results as JSON")
    check.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..checks import run_paths  # noqa: PLC0415 - imported on use
    from ..checks_report import render_report, report_to_json, report_to_junit  # noqa: PLC0415

    with outputs(args.paths) as files:
        junit = files.target(args.junit, suffixes=(".xml",)) if args.junit else None
        report = run_paths(args.paths)
        if junit is not None:
            junit.write_bytes(report_to_junit(report))
    if args.json:
        json.dump(report_to_json(report), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_report(report))
    return report.exit_status
