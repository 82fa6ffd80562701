"""The one exception hierarchy of cesu-rules, and the one error shape.

Every error a user can cause derives from :class:`CesuRulesError`; the CLI prints its message
on one line and exits with status 2, the service answers with its :meth:`~CesuRulesError.to_dict`
form. Messages are product text: the bad value, what is allowed, and an example when one helps.

The error shape (``{"code", "message", "field", "value"}``) is the same everywhere: a Python
exception's attributes, the CLI's ``--json`` error object, a batch row's error columns and the
service's HTTP error body. ``code`` is stable (see docs/errors.md); ``message`` may be reworded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "CesuRulesError",
    "FileError",
    "InputError",
    "NotInForceError",
    "OutputError",
    "Problem",
    "RulesetError",
    "RulesetValidationError",
    "UnknownParameterError",
    "first_line",
]


class CesuRulesError(Exception):
    """Base class of every error raised on purpose by cesu-rules.

    ``code`` is a stable identifier of the kind of mistake, ``field`` the input it concerns
    (or None), ``value`` the offending value as text (or None).
    """

    default_code = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.field = field
        self.value = None if value is None else _shown(value)

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def to_dict(self) -> dict[str, Any]:
        """The error shape: ``{"code", "message", "field", "value"}``."""
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "value": self.value,
        }


def first_line(exc: BaseException) -> str:
    """What a foreign exception says, in one line: the first line of its text, or its class
    name when it says nothing (for the one-line errors of files and engines)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _shown(value: object, limit: int = 60) -> str:
    """A value as text for an error object, short enough to print."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"<an integer of about {int(value.bit_length() * 0.30103)} digits>"
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a file, with its place (1-based line and column)."""

    path: str
    line: int
    column: int
    parameter: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        subject = f"{self.parameter}: " if self.parameter else ""
        return f"{where}: {subject}{self.message}"


class RulesetError(CesuRulesError):
    """A ruleset (the shipped one or a user's) cannot be used."""

    default_code = "ruleset_error"


class RulesetValidationError(RulesetError):
    """A ruleset directory has invalid files; ``problems`` lists every one found."""

    default_code = "ruleset_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        files = len({p.path for p in self.problems})
        head = f"{count} problem{'s' if count != 1 else ''} in {files} ruleset file" + (
            "s" if files != 1 else ""
        )
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class UnknownParameterError(RulesetError):
    """A parameter name that the ruleset does not define."""

    default_code = "unknown_parameter"


class NotInForceError(CesuRulesError):
    """No rule is in force for the requested date, month or territory."""

    default_code = "not_in_force"


class InputError(CesuRulesError, ValueError):
    """An input value given by the user is invalid (hours, wage, month, territory...)."""

    default_code = "invalid_input"


class FileError(InputError):
    """A user's file (household, reform, scenario, mapping...) is invalid; ``problems``
    lists every problem found, each with its file, line and column."""

    default_code = "invalid_file"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0] if problems else None
        super().__init__(
            "; ".join(str(p) for p in problems),
            field=None if first is None else f"{first.path}:{first.line}:{first.column}",
        )


class OutputError(CesuRulesError):
    """An output cannot be written (unwritable place, output equal to an input...)."""

    default_code = "output_error"
