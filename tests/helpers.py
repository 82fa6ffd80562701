"""Helpers shared by the test modules."""

from __future__ import annotations

import io
from pathlib import Path

from cesu_rules import Ruleset, default_ruleset
from cesu_rules.cli import main
from cesu_rules.reform import apply_reform


def run_cli(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    """Run the CLI in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err, stdin=io.StringIO(stdin))
    return status, out.getvalue(), err.getvalue()


def write(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``folder/name`` and return the path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def cents(value: int) -> str:
    """An amount in cents written as a user gives it: ``939`` → ``"9.39"``."""
    return f"{value // 100}.{value % 100:02d}"


_POLICIES: dict[tuple[str, str], Ruleset] = {}


def policies(inversion: str, totals: str) -> Ruleset:
    """The shipped rules with other rounding policies (a reform overlay), built once each."""
    key = (inversion, totals)
    if key not in _POLICIES:
        _POLICIES[key] = apply_reform(
            f"label: {inversion} {totals}\noverrides:\n"
            f"  politiques/arrondi/inversion:\n    - {{from: 2019-01-01, choice: {inversion}}}\n"
            f"  politiques/arrondi/totaux:\n    - {{from: 2019-01-01, choice: {totals}}}\n",
            default_ruleset(),
        )
    return _POLICIES[key]
