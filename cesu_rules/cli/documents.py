"""``cesu-rules payslip`` and ``cesu-rules tax-summary``: the papers of a household file, as
PDF or HTML (the documents extra). Both commands share their options and their one way of
writing: the output is checked before any work and written whole or not at all."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ..output import outputs
from ._common import EXIT_OK, add_json_option, add_lang_option, add_rulesets_option, rulesets_for

__all__ = ["add_parsers", "run_payslip", "run_tax_summary"]


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", metavar="FILE", help="household file (YAML or JSON, or - for stdin)"
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        required=True,
        help="the document to write: FILE.pdf or FILE.html (written whole or not at all)",
    )
    add_lang_option(parser, "fr", "the document")
    add_json_option(parser, "print what was written as a JSON object")
    add_rulesets_option(parser)


def add_parsers(commands: Any) -> None:
    payslip = commands.add_parser(
        "payslip",
        help="an employee's payslip for one month of a household file (PDF or HTML)",
        description="Write the payslip of one employee for one month of a household file "
        "(see docs/documents.md): hours, wage, every contribution line, reliefs, net, PAS, "
        "year-to-date totals. Computed offline; not issued by the Urssaf.",
    )
    _common(payslip)
    payslip.add_argument("--month", required=True, metavar="YYYY-MM", help="the month")
    payslip.add_argument("--employee", required=True, metavar="ID", help="the employee's id")
    summary = commands.add_parser(
        "tax-summary",
        help="a household's yearly tax summary (récapitulatif fiscal), PDF or HTML",
        description="Write the tax summary of a household file for one calendar year (see "
        "docs/documents.md): wages and contributions per employee, aids, the expense "
        "retained, the ceilings, the tax credit, the avance immédiate and the balance. "
        "Computed offline; not the Urssaf's attestation fiscale.",
    )
    _common(summary)
    summary.add_argument("--year", required=True, metavar="YYYY", help="the calendar year")


def _write(args: argparse.Namespace, out: TextIO, stdin: TextIO, make: Any) -> int:
    """Check the output, read the household, make the document (``make(household,
    ruleset)``) and write it whole."""
    from ..documents import FORMATS, render  # noqa: PLC0415 - the documents extra, on use
    from ..household import load_household  # noqa: PLC0415

    with outputs([args.file]) as files:
        target = files.target(args.out, suffixes=FORMATS)
        household = load_household(args.file, stdin)
        ruleset, _ = rulesets_for(args)
        document = make(household, ruleset)
        target.write_bytes(render(document, "pdf" if args.out.endswith(".pdf") else "html"))
    if args.json:
        written = {
            "written": args.out,
            "document": document.kind,
            "ruleset_version": document.ruleset_version,
            "ruleset_hash": document.ruleset_hash,
        }
        out.write(json.dumps(written, ensure_ascii=False) + "\n")
    return EXIT_OK


def run_payslip(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from ..documents import payslip  # noqa: PLC0415
    from ..numbers import parse_month  # noqa: PLC0415

    parse_month(args.month, field="month")  # a bad month is refused before any work
    return _write(
        args,
        out,
        stdin,
        lambda household, ruleset: payslip(
            household,
            args.month,
            args.employee,
            lang=args.lang,
            ruleset=ruleset,
            source=args.file,
        ),
    )


def run_tax_summary(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from ..documents import tax_summary  # noqa: PLC0415
    from ..numbers import parse_year  # noqa: PLC0415

    parse_year(args.year, field="--year")  # a bad year is refused before any work
    return _write(
        args,
        out,
        stdin,
        lambda household, ruleset: tax_summary(
            household, args.year, lang=args.lang, ruleset=ruleset, source=args.file
        ),
    )
