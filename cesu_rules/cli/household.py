"""``cesu-rules household``: a household's months and years."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ..output import outputs
from ._common import (
    EXIT_OK,
    add_json_option,
    add_lang_option,
    add_rulesets_option,
    rulesets_for,
)

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    household = commands.add_parser(
        "household",
        help="a household's months and years: several employees, shared 70+ cap, PAS, "
        "tax credit, avance immédiate",
        description="Compute every month of a household file (YAML or JSON, see "
        "docs/household.md) and a summary per year.",
    )
    household.add_argument("file", metavar="FILE", help="household file (YAML or JSON)")
    add_json_option(household)
    household.add_argument("--out", metavar="FILE", help="write the report to FILE")
    add_rulesets_option(household)
    add_lang_option(household, "en", "the text report")


def run(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from ..household import compute_household, load_household  # noqa: PLC0415 - on use
    from ..household_report import render_household  # noqa: PLC0415
    from ..household_report import report_to_json as household_to_json  # noqa: PLC0415

    with outputs([args.file]) as files:
        target = files.target(args.out) if args.out else None
        household = load_household(args.file, stdin)
        ruleset, _ = rulesets_for(args)
        report = compute_household(household, ruleset, source=args.file)
        if args.json:
            text = json.dumps(household_to_json(report), ensure_ascii=False, indent=2) + "\n"
        else:
            text = render_household(report, lang=args.lang)
        if target is not None:
            target.write_text(text, encoding="utf-8")
        else:
            out.write(text)
    return EXIT_OK
