"""``cesu-rules estimate``: one month, from options or a JSON request (the options are
derived from the declaration of the inputs)."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ..calc.inputs import INPUTS
from ..calc.relief import EXEMPTION_CASES
from ..errors import CesuRulesError, InputError
from ..fields import estimate_json, estimate_to_json, request_object, request_options
from ..report import render_estimate
from ..rules.reader import parse_json, read_user_text
from ._common import (
    EXIT_OK,
    add_json_option,
    add_lang_option,
    add_reform_option,
    add_rulesets_option,
    rulesets_for,
)

__all__ = ["MAX_LINE", "add_estimate_inputs", "add_parser", "read_request", "run"]

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
        "--jsonl",
        action="store_true",
        help="with --input FILE or -: one JSON request per line in, one JSON result (or "
        '{"error": ..., "line": N}) per line out, as each line arrives',
    )
    est.add_argument(
        "--sources",
        action="store_true",
        help="after the table, the legal reference and source of every line",
    )
    add_lang_option(est, "en", "the table")


def read_request(args: argparse.Namespace, stdin: TextIO) -> tuple[object, dict[str, object]]:
    """(month, options) from the options or from ``--input`` (a JSON object)."""
    if args.input is not None:
        _no_options_with_input(args)
        text = read_user_text(args.input, "request", stdin)
        where = "stdin" if args.input == "-" else args.input
        return request_options(request_object(parse_json(text, where), f"the JSON in {where}"))
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


def _no_options_with_input(args: argparse.Namespace) -> None:
    given = [f"--{n.replace('_', '-')}" for n, _ in INPUTS if getattr(args, n) is not None]
    if given:
        raise InputError(
            f"--input reads every field from JSON; drop {', '.join(given)}", code="usage"
        )


def run(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from ..api import estimate  # noqa: PLC0415

    ruleset, _ = rulesets_for(args)
    if args.jsonl:
        return _json_lines(args, ruleset, out, stdin)
    if args.input is not None:
        _no_options_with_input(args)
        text = read_user_text(args.input, "request", stdin)
        where = "stdin" if args.input == "-" else args.input
        data = estimate_json(
            parse_json(text, where),
            ruleset,
            where=f"the JSON in {where}",
            ranges=args.ranges,
            provisional=args.provisional,
        )
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    month, options = read_request(args, stdin)
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
        out.write(render_estimate(result, sources=args.sources, lang=args.lang))
    return EXIT_OK


def _json_lines(args: argparse.Namespace, ruleset: Any, out: TextIO, stdin: TextIO) -> int:
    """One request per line in, one result per line out, as each line arrives: a result, or
    ``{"error": {...}, "line": N}``. A long-lived process for apps in any language."""
    if args.input is None:
        raise InputError(
            "--jsonl reads requests from --input FILE or --input - (stdin)", code="usage"
        )
    _no_options_with_input(args)
    handle = stdin if args.input == "-" else _open_lines(args.input)
    try:
        for number, line in enumerate(iter(lambda: handle.readline(MAX_LINE + 1), ""), 1):
            if not line.strip():
                continue
            try:
                if len(line) > MAX_LINE:
                    raise InputError(
                        f"line {number} is longer than {MAX_LINE:,} characters",
                        code="file_too_large",
                    )
                answer: dict[str, Any] = estimate_json(
                    parse_json(line, f"line {number}"),
                    ruleset,
                    where=f"line {number}",
                    ranges=args.ranges,
                    provisional=args.provisional,
                )
            except CesuRulesError as exc:
                answer = {"error": exc.to_dict(), "line": number}
                if len(line) > MAX_LINE:
                    handle.readline()  # the rest of the long line
            out.write(json.dumps(answer, ensure_ascii=False, separators=(",", ":")) + "\n")
            out.flush()
    finally:
        if handle is not stdin:
            handle.close()
    return EXIT_OK


MAX_LINE = 1 << 20  # characters of one request line


def _open_lines(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read {path}: {exc.strerror}", code="unreadable_file", field=path
        ) from None
