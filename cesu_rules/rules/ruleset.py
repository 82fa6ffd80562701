"""A validated ruleset in memory: its parameters, each with a bisect lookup over its dated
values, the manifest (version, coverage, territories) and the content hash."""

from __future__ import annotations

import bisect
import difflib
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..errors import NotInForceError, UnknownParameterError
from .schema import ContributionFile, Entry, Manifest, ParameterFile, ScalarEntry, Source

__all__ = ["Parameter", "Ruleset"]


@dataclass(frozen=True)
class Parameter:
    """One validated parameter file, with a bisect lookup over its start dates."""

    name: str
    path: str
    spec: ParameterFile
    starts: tuple[date, ...] = field(repr=False)
    references: Mapping[str, Source] = field(repr=False, default_factory=dict)
    # What snapshots build from one dated value of this parameter (its Value, LineRule…),
    # built once: keyed by the kind of object and the entry's identity, which is stable
    # because this parameter holds its entries. Immutable objects only; not pickled.
    memo: dict[tuple[str, int], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled with plain dicts (see :meth:`Ruleset.__reduce__`)."""
        fields = (self.name, self.path, self.spec, self.starts, dict(self.references))
        return (_rebuild_parameter, fields)

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def unit(self) -> str:
        return self.spec.unit

    @property
    def values(self) -> tuple[Entry, ...]:
        return self.spec.values

    def at(self, day: date) -> Entry:
        """The dated value in force on ``day``.

        Raises :class:`~cesu_rules.errors.NotInForceError` when ``day`` is before the first
        value or after an explicit end. A value marked ``not_applicable`` is returned as is:
        the caller decides what "does not exist then" means for it.
        """
        index = bisect.bisect_right(self.starts, day) - 1
        if index < 0:
            raise NotInForceError(
                f"{self.name}: no value before {self.starts[0].isoformat()} "
                f"(asked for {day.isoformat()})"
            )
        entry = self.spec.values[index]
        if entry.until is not None and day > entry.until:
            raise NotInForceError(
                f"{self.name}: the last value ended on {entry.until.isoformat()} "
                f"(asked for {day.isoformat()})"
            )
        return entry

    def sources(self, entry: Entry) -> tuple[Source, ...]:
        """The sources of ``entry``, with reference keys resolved."""
        return tuple(s if isinstance(s, Source) else self.references[s] for s in entry.sources)

    def value_at(self, day: date) -> Decimal:
        """The number in force on ``day`` for a scalar parameter (raises if not applicable)."""
        entry = self.at(day)
        if not isinstance(entry, ScalarEntry) or entry.value is None:
            raise NotInForceError(f"{self.name}: not applicable on {day.isoformat()}")
        return entry.value


@dataclass(frozen=True)
class Ruleset:
    """A validated set of parameters: version, content hash, coverage, territories."""

    manifest: Manifest
    parameters: Mapping[str, Parameter]
    hash: str
    origin: str

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled with its parameters as a plain dict (a read-only view cannot be pickled):
        a ruleset, reform included, travels whole to worker processes (Dask, Spark)."""
        return (_rebuild, (self.manifest, dict(self.parameters), self.hash, self.origin))

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def coverage(self) -> tuple[date, date]:
        return self.manifest.coverage.start, self.manifest.coverage.until

    def check_covered(
        self, day: date, *, provisional: bool = False, estimating: bool = True
    ) -> None:
        """Raise :class:`~cesu_rules.errors.NotInForceError` for a month the ruleset does
        not cover (a month after it is accepted as provisional when asked; ``estimating``:
        the refusal says how to estimate such a month)."""
        start, until = self.coverage
        if start <= day <= until or (provisional and day > until):
            return
        hint = (
            "; estimate it as provisional (--provisional, provisional=True) to carry the "
            "latest values forward"
            if day > until and estimating
            else ""
        )
        raise NotInForceError(
            f"month {day:%Y-%m} is outside the rulesets, which cover {start:%Y-%m} to "
            f"{until:%Y-%m} (ruleset {self.version}){hint}",
            code="month_not_covered",
            field="month",
            value=f"{day:%Y-%m}",
        )

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``; raises UnknownParameterError with suggestions."""
        try:
            return self.parameters[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self.parameters), n=3, cutoff=0.5)
            hint = (
                f"; did you mean {', '.join(close)}?"
                if close
                else ("; `cesu-rules rulesets list` shows them all")
            )
            raise UnknownParameterError(f"unknown parameter {name!r}{hint}") from None

    def contributions(self) -> list[Parameter]:
        """Every contribution line of the ruleset, in a stable order (side, then name)."""
        lines = [p for p in self.parameters.values() if isinstance(p.spec, ContributionFile)]
        return sorted(lines, key=lambda p: (p.spec.contribution.side != "employee", p.name))  # type: ignore[union-attr]


def _rebuild(
    manifest: Manifest, parameters: dict[str, Parameter], digest: str, origin: str
) -> Ruleset:
    return Ruleset(manifest, types.MappingProxyType(parameters), digest, origin)


def _rebuild_parameter(
    name: str,
    path: str,
    spec: ParameterFile,
    starts: tuple[date, ...],
    references: dict[str, Source],
) -> Parameter:
    return Parameter(name, path, spec, starts, types.MappingProxyType(references))
