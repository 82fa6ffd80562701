"""The checks of a ruleset's files: each file on its own (statuses, dates, payloads, units)
and the set across files (coverage, required parameters, references, unique line codes).
Every problem is collected with its file, line and column; nothing stops at the first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ..errors import Problem
from .reader import FileChecker, Loc
from .registry import REQUIRED_PARAMETERS
from .ruleset import Parameter
from .schema import (
    TERRITORIES,
    BaremeFile,
    ContributionFile,
    Entry,
    Manifest,
    ParameterFile,
    PolicyFile,
    ScalarFile,
)

__all__ = ["check_parameter_spec", "check_set", "check_spec"]


def _check_entries(spec: ParameterFile, checker: FileChecker) -> None:
    values: Sequence[Entry] = spec.values
    for i, entry in enumerate(values):
        here: Loc = ("values", i)
        if entry.status == "confirmed" and len(entry.sources) < 2:
            checker.add(
                (*here, "status"),
                "status 'confirmed' needs at least two independent sources; "
                "use 'single_source' or add a source",
            )
        if entry.status == "derived" and entry.formula is None:
            checker.add((*here, "status"), "status 'derived' needs a 'formula' saying how")
        if entry.status == "assumed" and entry.note is None:
            checker.add((*here, "status"), "status 'assumed' needs a 'note' saying what is assumed")
        if entry.until is not None and entry.until < entry.start:
            checker.add((*here, "until"), f"'until' {entry.until} is before 'from' {entry.start}")
        _check_payload(spec, entry, here, checker)
        if i == 0:
            continue
        previous = values[i - 1]
        if entry.start == previous.start:
            checker.add((*here, "from"), f"two values start on the same date {entry.start}")
        elif entry.start < previous.start:
            checker.add(
                (*here, "from"),
                f"dates must increase: {entry.start} comes after {previous.start}",
            )
        elif previous.until is not None:
            if previous.until >= entry.start:
                checker.add(
                    ("values", i - 1, "until"),
                    f"overlap: this value runs until {previous.until} but the next one "
                    f"starts on {entry.start}",
                )
            elif previous.until + timedelta(days=1) < entry.start:
                checker.add(
                    ("values", i - 1, "until"),
                    f"gap: no value from {previous.until + timedelta(days=1)} to "
                    f"{entry.start - timedelta(days=1)}; add a value (not_applicable: true if "
                    "nothing applied) or move 'until'",
                )


def _check_number(
    unit: str, number: Decimal, loc: Loc, checker: FileChecker, *, what: str = "value"
) -> None:
    if number < 0:
        checker.add(loc, f"{what} must not be negative (got {number})")
    elif unit == "percent" and number > 100:
        checker.add(loc, f"{what} is a percentage and must be at most 100 (got {number})")


def _check_alternatives(
    spec: ParameterFile, entry: Any, here: Loc, checker: FileChecker, payload_field: str
) -> None:
    """Alternatives: only on a value that is not confirmed, each with the file's payload."""
    if not entry.alternatives:
        return
    if entry.status == "confirmed" or entry.not_applicable:
        checker.add(
            (*here, "alternatives"),
            "alternatives are for values that are not confirmed (and not for not_applicable)",
            key=True,
        )
        return
    if payload_field not in ("value", "rate"):
        checker.add(
            (*here, "alternatives"),
            f"a {spec.kind} parameter has no alternatives (a policy's candidates are its choices)",
            key=True,
        )
        return
    for k, alt in enumerate(entry.alternatives):
        where: Loc = (*here, "alternatives", k)
        given = [name for name in ("value", "rate") if getattr(alt, name) is not None]
        if given != [payload_field]:
            checker.add(where, f"an alternative gives one {payload_field!r} and a 'note'")
            continue
        _check_number(spec.unit, getattr(alt, payload_field), (*where, payload_field), checker)


def _check_payload(spec: ParameterFile, entry: Any, here: Loc, checker: FileChecker) -> None:
    payload_field = {
        "scalar": "value",
        "contribution": "rate",
        "bareme": "brackets",
        "policy": "choice",
    }[spec.kind]
    payload = getattr(entry, payload_field)
    _check_alternatives(spec, entry, here, checker, payload_field)
    if entry.not_applicable:
        if payload is not None:
            checker.add(
                (*here, payload_field),
                f"a value marked not_applicable must not have a {payload_field!r}",
            )
        return
    if payload is None:
        checker.add(
            here,
            f"missing {payload_field!r} (or mark the period 'not_applicable: true')",
        )
        return
    if isinstance(spec, ScalarFile):
        _check_number(spec.unit, payload, (*here, "value"), checker)
    elif isinstance(spec, ContributionFile):
        _check_number("percent", payload, (*here, "rate"), checker, what="rate")
        if entry.monthly_cap is not None:
            _check_number("eur", entry.monthly_cap, (*here, "monthly_cap"), checker)
    elif isinstance(spec, BaremeFile):
        if not payload:
            checker.add((*here, "brackets"), "a grid needs at least one bracket")
            return
        if payload[0].threshold != 0:
            checker.add((*here, "brackets", 0, "threshold"), "the first bracket must start at 0")
        for j, bracket in enumerate(payload):
            _check_number("percent", bracket.rate, (*here, "brackets", j, "rate"), checker)
            if j and bracket.threshold <= payload[j - 1].threshold:
                checker.add(
                    (*here, "brackets", j, "threshold"),
                    f"thresholds must increase ({bracket.threshold} after "
                    f"{payload[j - 1].threshold})",
                )
    elif isinstance(spec, PolicyFile) and payload not in spec.choices:
        checker.add(
            (*here, "choice"),
            f"unknown choice {payload!r}; the candidates are {', '.join(spec.choices)}",
        )


_KIND_UNITS = {"contribution": ("percent",), "policy": ("choice",), "bareme": ("percent",)}


def _check_units(spec: ParameterFile, checker: FileChecker) -> None:
    allowed = _KIND_UNITS.get(spec.kind)
    if allowed is not None and spec.unit not in allowed:
        checker.add(
            ("unit",), f"a {spec.kind} parameter has unit {allowed[0]!r}, not {spec.unit!r}"
        )
    if spec.kind == "scalar" and spec.unit == "choice":
        checker.add(("unit",), "unit 'choice' is for policy parameters only")
    if isinstance(spec, BaremeFile) and spec.threshold_unit != "eur":
        checker.add(("threshold_unit",), "grid thresholds are in 'eur'")


def check_parameter_spec(
    spec: ParameterFile, path: str, name: str, checker: FileChecker | None = None
) -> list[Problem]:
    """The problems of an already-parsed parameter (units, dates, statuses, payloads);
    used to validate parameters built in memory, such as reform overlays (whose checker
    places each problem on the user's own entry)."""
    checker = checker or FileChecker(path, name, None)
    _check_units(spec, checker)
    _check_entries(spec, checker)
    return checker.problems


def _check_coverage(
    manifest: Manifest, parameters: dict[str, Parameter], checkers: dict[str, FileChecker]
) -> None:
    start, until = manifest.coverage.start, manifest.coverage.until
    for name, param in parameters.items():
        checker = checkers[name]
        first, last = param.values[0], param.values[-1]
        if first.start > start:
            checker.add(
                ("values", 0, "from"),
                f"the first value starts on {first.start}, after the ruleset coverage start "
                f"{start}; add a value from {start} (not_applicable: true if nothing applied)",
            )
        if last.until is not None and last.until < until:
            checker.add(
                ("values", len(param.values) - 1, "until"),
                f"the last value ends on {last.until}, before the ruleset coverage end {until}",
            )


def _check_required(
    parameters: dict[str, Parameter],
    checkers: dict[str, FileChecker],
    manifest_checker: FileChecker,
) -> None:
    for name, (kind, unit) in REQUIRED_PARAMETERS.items():
        found = parameters.get(name)
        if found is None:
            if name not in checkers:  # a broken file is already reported
                manifest_checker.add_at(
                    1, 1, f"required parameter {name!r} is missing (expected file {name}.yaml)"
                )
        elif (found.kind, found.unit) != (kind, unit):
            checkers[name].add(
                ("unit",),
                f"the calculator needs this parameter as {kind} in {unit!r}, "
                f"found {found.kind} in {found.unit!r}",
            )


def _check_references(
    manifest: Manifest,
    manifest_checker: FileChecker,
    parameters: dict[str, Parameter],
    checkers: dict[str, FileChecker],
) -> None:
    for territory, spec in manifest.territories.items():
        for role in ("smic", "deduction", "pas_taux_neutre", "pss"):
            ref = getattr(spec, role)
            if ref not in parameters and ref not in checkers:
                manifest_checker.add(("territories", territory, role), f"unknown parameter {ref!r}")
    for name, param in parameters.items():
        for i, entry in enumerate(param.values):
            for j, src in enumerate(entry.sources):
                if isinstance(src, str) and src not in param.references:
                    checkers[name].add(
                        ("values", i, "sources", j),
                        f"unknown reference {src!r}: define it under 'references' in this "
                        "file or under 'bibliography' in ruleset.yaml",
                    )


def _check_codes(parameters: dict[str, Parameter], checkers: dict[str, FileChecker]) -> None:
    """A line code is used once per side and territory: two files may share a code only
    when their territories do not overlap (one line with territory-specific dates)."""
    seen: dict[tuple[str, str], list[tuple[str, frozenset[str]]]] = {}
    for name, param in parameters.items():
        if isinstance(param.spec, ContributionFile):
            c = param.spec.contribution
            where = frozenset(c.territories or TERRITORIES)
            for other, territories in seen.get((c.side, c.code), []):
                if territories & where:
                    checkers[name].add(
                        ("contribution", "code"),
                        f"code {c.code!r} is already used on the {c.side} side by {other} "
                        f"in {', '.join(sorted(territories & where))}",
                    )
            seen.setdefault((c.side, c.code), []).append((name, where))


def check_set(
    manifest: Manifest,
    manifest_checker: FileChecker,
    parameters: dict[str, Parameter],
    checkers: dict[str, FileChecker],
    problems: list[Problem],
) -> None:
    """Checks across files: coverage, required parameters, references, unique codes."""
    _check_coverage(manifest, parameters, checkers)
    _check_required(parameters, checkers, manifest_checker)
    _check_references(manifest, manifest_checker, parameters, checkers)
    _check_codes(parameters, checkers)
    for checker in [*checkers.values(), manifest_checker]:
        for p in checker.problems:
            if p not in problems:
                problems.append(p)


def check_spec(spec: ParameterFile, checker: FileChecker) -> None:
    """The checks of one parsed parameter file (units, then its dated values)."""
    _check_units(spec, checker)
    _check_entries(spec, checker)
