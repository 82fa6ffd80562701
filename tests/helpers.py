"""Helpers shared by the test modules."""

from __future__ import annotations

import io
from pathlib import Path

from cesu_rules.cli import main


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
