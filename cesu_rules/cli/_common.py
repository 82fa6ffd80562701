"""What every command shares: the argument parser that reports usage errors on one line,
the ruleset options and their resolution (base + reform, written once), exit statuses."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..api import default_ruleset
from ..rules.loader import Ruleset, load_ruleset

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Parser",
    "UsageError",
    "add_json_option",
    "add_lang_option",
    "add_reform_option",
    "add_rulesets_option",
    "rulesets_for",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A command-line usage mistake, reported by main() on one line (exit status 2)."""


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line (see main) instead of exiting."""

    def error(self, message: str) -> Any:
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


def add_rulesets_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rulesets",
        metavar="DIR",
        default=None,
        help="use the ruleset directory DIR instead of the shipped one",
    )


def add_reform_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reform", metavar="FILE", help="reform overlay applied to the rules")


def add_lang_option(parser: argparse.ArgumentParser, default: str, what: str) -> None:
    """``--lang en|fr``: the language of a table or document (French needs the documents
    extra, see :mod:`cesu_rules.i18n`)."""
    from ..i18n import LANGS  # noqa: PLC0415 - a table of two names, no dependency

    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=default,
        help=f"language of {what} (default {default}; fr needs the documents extra)",
    )


def add_json_option(parser: argparse.ArgumentParser, text: str = "print JSON") -> None:
    parser.add_argument("--json", action="store_true", help=f"{text}; errors as a JSON object")


def rulesets_for(args: argparse.Namespace) -> tuple[Ruleset, Ruleset]:
    """(the rules to use, the base they overlay): ``--rulesets DIR`` or the shipped ones,
    with ``--reform FILE`` applied when given (then the base is the comparison baseline)."""
    base = load_ruleset(args.rulesets) if getattr(args, "rulesets", None) else default_ruleset()
    reform = getattr(args, "reform", None)
    if not reform:
        return base, base
    from ..reform import load_reform  # noqa: PLC0415 - imported on use, for a fast start

    return load_reform(Path(reform), base), base
