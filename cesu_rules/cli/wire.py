"""``cesu-rules wire request``: the Urssaf API payload replaying an estimate's inputs."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ._common import EXIT_OK, rulesets_for
from .estimate import EXEMPTIONS_EPILOG, add_estimate_inputs, read_request

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    wire = commands.add_parser("wire", help="the Urssaf wire format (mapping files)")
    actions = wire.add_subparsers(dest="action", metavar="ACTION", parser_class=type(wire))
    actions.required = True
    request = actions.add_parser(
        "request",
        help="the Urssaf API request payload for an estimate's inputs (to replay a case)",
        epilog=EXEMPTIONS_EPILOG,
    )
    add_estimate_inputs(request)
    request.add_argument(
        "--mapping",
        metavar="FILE",
        default=None,
        help="mapping file (default: the PAJE field names)",
    )
    request.add_argument(
        "--postal-code",
        dest="postal_code",
        metavar="CODE",
        default=None,
        help="postal code sent for employer and employee",
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from ..api import estimate  # noqa: PLC0415
    from ..wire import inputs_to_request, load_mapping  # noqa: PLC0415 - imported on use

    mapping = load_mapping(args.mapping)
    month, options = read_request(args, stdin)
    ruleset, _ = rulesets_for(args)
    result = estimate(month, ruleset=ruleset, **options)  # type: ignore[arg-type]
    payload, notes = inputs_to_request(mapping, result, postal_code=args.postal_code)
    for note in notes:
        err.write(f"cesu-rules: note: {note}\n")
    json.dump(payload, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return EXIT_OK
