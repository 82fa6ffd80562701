"""The ``cesu-rules`` command line: one module per command, parsing and printing only.

Every user mistake (bad month, unknown parameter, invalid ruleset directory...) prints one
readable line on stderr and exits with status 2 — or, with ``--json``, prints the error
object ``{"error": {"code", "message", "field", "value"}}`` on stdout and exits with 2;
``rulesets validate`` exits with 1 when the ruleset it checks is invalid. No traceback is
shown for a user error.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from .. import __version__
from ..errors import CesuRulesError, RulesetValidationError
from ..output import io_error
from . import (
    batch,
    check,
    documents,
    estimate,
    household,
    rulesets,
    schema,
    serve,
    simulate,
    wire,
)
from ._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Parser, UsageError

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "build_parser",
    "main",
    "run",
]

EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM


def build_parser() -> Parser:
    parser = Parser(
        prog="cesu-rules",
        description="Offline, line-by-line engine for the French Cesu déclaratif.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for module in (estimate, check, simulate, batch, household, wire, schema, rulesets, serve):
        module.add_parser(commands)
        if module is household:
            documents.add_parsers(commands)
    return parser


def _dispatch(args: object, out: TextIO, err: TextIO, stdin: TextIO, argv: list[str]) -> int:
    command = getattr(args, "command")  # noqa: B009 - argparse namespace
    runners: dict[str, Callable[[], int]] = {
        "estimate": lambda: estimate.run(args, out, stdin),  # type: ignore[arg-type]
        "check": lambda: check.run(args, out),  # type: ignore[arg-type]
        "simulate": lambda: simulate.run(args, out, err),  # type: ignore[arg-type]
        "batch": lambda: batch.run(args, out, err),  # type: ignore[arg-type]
        "household": lambda: household.run(args, out, stdin),  # type: ignore[arg-type]
        "payslip": lambda: documents.run_payslip(args, out, stdin),  # type: ignore[arg-type]
        "tax-summary": lambda: documents.run_tax_summary(args, out, stdin),  # type: ignore[arg-type]
        "wire": lambda: wire.run(args, out, err, stdin),  # type: ignore[arg-type]
        "schema": lambda: schema.run(args, out),  # type: ignore[arg-type]
        "rulesets": lambda: rulesets.run(args, out, err),  # type: ignore[arg-type]
        "serve": lambda: serve.run(args, argv, err),  # type: ignore[arg-type]
    }
    return runners[command]()


def main(
    argv: Sequence[str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 check failed, 2 user error)."""
    out = out or sys.stdout
    err = err or sys.stderr
    stdin = stdin or sys.stdin
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    try:
        args = build_parser().parse_args(argv)
        return _dispatch(args, out, err, stdin, argv)
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    except KeyboardInterrupt:
        err.write("cesu-rules: interrupted; no output file was written\n")
        return EXIT_INTERRUPTED
    except Terminated:
        err.write("cesu-rules: terminated; no output file was written\n")
        return EXIT_TERMINATED
    except UsageError as exc:
        error = CesuRulesError(str(exc), code="usage")
    except RulesetValidationError as exc:
        error = exc
        error.args = (f"the ruleset is invalid — {exc}",)
    except CesuRulesError as exc:
        error = exc
    except BrokenPipeError:
        raise  # the reader closed the pipe: run() exits quietly
    except OSError as exc:  # the last resort for a file the system failed midway
        error = io_error(exc)
    if as_json:
        json.dump({"error": error.to_dict()}, out, ensure_ascii=False)
        out.write("\n")
    else:
        prefix = (
            ""
            if isinstance(error, CesuRulesError) and error.code == "usage"
            else "cesu-rules: error: "
        )
        err.write(f"{prefix}{error.message}\n")
    return EXIT_USAGE


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that every output is cleaned up."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def run() -> None:
    """Console-script entry point: exit quietly when the reader closes the pipe (| head);
    Ctrl-C and SIGTERM stop cleanly (no traceback, no partial file; exit 130 and 143)."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = EXIT_FAILED
    sys.exit(status)
