"""``cesu-rules estimate``: one month, from options or a JSON request (the options are
derived from the declaration of the inputs)."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ..calc.inputs import INPUTS
from ..calc.relief import EXEMPTION_CASES
from ..errors import InputError
from ..fields import estimate_to_json, request_options
from ..report import render_estimate
from ..rules.reader import parse_json, read_user_text
from ._common import EXIT_OK, add_json_option, add_reform_option, add_rulesets_option, rulesets_for

__all__ = ["add_estimate_inputs", "add_parser", "read_request", "run"]

EXEMPTIONS_EPILOG = "exemptions: " + "; ".join(
    f"{c.name}: {c.label}" for c in EXEMPTION_CASES.values()
)
_METAVARS = {"€": "EUR", "h": "H", "%": "PCT"}


def add_estimate_inputs(parser: argparse.ArgumentParser) -> None:
    """One option per declared input (shared by `estimate` and `wire request`)."""
    for name, spec in INPUTS:
        flag = "--" + name.replace("_", "-")
        help_text = spec.help.replace("%", "%%")
        if spec.kind == "flag":
            parser.add_argument(flag, dest=name, action="store_true", default=None, help=help_text)
            continue
        if spec.kind == "choice":
            metavar = "|".join(spec.choices) if len(spec.choices) <= 3 else name.upper()
            default = f" (default: {spec.default})" if spec.default else ""
            help_text += f"; one of {', '.join(spec.choices)}{default}"
        else:
            metavar = "YYYY-MM" if spec.kind == "month" else _METAVARS.get(spec.unit, "N")
            help_text += f", e.g. {spec.example}"
        parser.add_argument(flag, dest=name, metavar=metavar, default=None, help=help_text)
    parser.add_argument(
        "--input",
        metavar="FILE",
        help="read the request as a JSON object from FILE, or - for stdin",
    )
    parser.add_argument(
        "--provisional",
        action="store_true",
        help="estimate a month after the rulesets with the latest values carried forward "
        "(the result says so and gives ranges for certain revaluations)",
    )
    parser.add_argument(
        "--no-ranges",
        dest="ranges",
        action="store_false",
        help="skip the figures under the candidates of values that are not confirmed",
    )
    add_rulesets_option(parser)
    add_reform_option(parser)


def add_parser(commands: Any) -> None:
    est = commands.add_parser(
        "estimate",
        help="one month of a Cesu declaration, line by line",
        description="Estimate one month of a Cesu declaration: gross, every contribution "
        "line, relief, net taxable, Urssaf debit and total cost.",
        epilog=EXEMPTIONS_EPILOG,
    )
    add_estimate_inputs(est)
    add_json_option(est, "print one JSON object")
    est.add_argument(
        "--sources",
        action="store_true",
        help="after the table, the legal reference and source of every line",
    )


def read_request(args: argparse.Namespace, stdin: TextIO) -> tuple[object, dict[str, object]]:
    """(month, options) from the options or from ``--input`` (a JSON object)."""
    if args.input is None:
        data = {name: getattr(args, name) for name, _ in INPUTS if getattr(args, name) is not None}
        if "month" not in data or "hours" not in data:
            missing = [f"--{n}" for n in ("month", "hours") if n not in data]
            raise InputError(
                f"missing {' and '.join(missing)}; example: cesu-rules estimate "
                "--month 2024-04 --hours 10 --net-hourly 12.00",
                code="missing_input",
                field=missing[0][2:],
            )
        return request_options(data)
    given = [f"--{n.replace('_', '-')}" for n, _ in INPUTS if getattr(args, n) is not None]
    if given:
        raise InputError(
            f"--input reads every field from JSON; drop {', '.join(given)}", code="usage"
        )
    text = read_user_text(args.input, "request", stdin)
    where = "stdin" if args.input == "-" else args.input
    data = parse_json(text, where)
    if not isinstance(data, dict):
        raise InputError(
            f"the JSON in {where} must be an object such as "
            '{"month": "2024-04", "hours": 10, "net_hourly": "12.00"}',
            code="invalid_json",
        )
    return request_options(data)


def run(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from ..api import estimate  # noqa: PLC0415

    month, options = read_request(args, stdin)
    ruleset, _ = rulesets_for(args)
    result = estimate(
        month,  # type: ignore[arg-type]
        ruleset=ruleset,
        ranges=args.ranges,
        provisional=args.provisional,
        **options,  # type: ignore[arg-type]
    )
    if args.json:
        json.dump(estimate_to_json(result), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_estimate(result, sources=args.sources))
    return EXIT_OK
