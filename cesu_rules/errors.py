"""The one exception hierarchy of cesu-rules.

Every error a user can cause derives from :class:`CesuRulesError`; the CLI prints its message
on one line and exits with status 2. Messages are product text: the bad value, what is
allowed, and an example when one helps.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CesuRulesError",
    "FileError",
    "InputError",
    "NotInForceError",
    "Problem",
    "RulesetError",
    "RulesetValidationError",
    "UnknownParameterError",
]


class CesuRulesError(Exception):
    """Base class of every error raised on purpose by cesu-rules."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a ruleset file, with its place (1-based line and column)."""

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


class RulesetValidationError(RulesetError):
    """A ruleset directory has invalid files; ``problems`` lists every one found."""

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


class NotInForceError(CesuRulesError):
    """No rule is in force for the requested date, month or territory."""


class InputError(CesuRulesError, ValueError):
    """An input value given by the user is invalid (hours, wage, month, territory...)."""


class FileError(InputError):
    """A user's file (household, reform, scenario, mapping...) is invalid; ``problems``
    lists every problem found, each with its file, line and column."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))
