"""Writing a command's text output to a file: whole or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import OutputError

__all__ = ["write_text"]


def write_text(target: str | Path, text: str, *, inputs: Sequence[str | Path] = ()) -> None:
    """Write ``text`` to ``target`` whole or not at all (no partial file on error)."""
    path = Path(target)
    for source in inputs:
        if Path(source).exists() and path.exists() and path.resolve() == Path(source).resolve():
            raise OutputError(
                f"{target} is also an input; write the output elsewhere", field=str(target)
            )
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {exc.strerror}", field=str(target)) from None
