"""Loading and validating a ruleset directory: the only code that reads ruleset files.

``load_ruleset()`` reads the rulesets shipped inside the package (``importlib.resources``, so
an installed copy works from any directory); ``load_ruleset(path)`` reads a user's directory.
Every file is checked, every problem of every file is collected, and a
:class:`~cesu_rules.errors.RulesetValidationError` lists them all with file, line and column.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import NotInForceError, Problem, RulesetValidationError, UnknownParameterError
from ._yaml import compose_document
from .reader import FileChecker, Loc
from .registry import REQUIRED_PARAMETERS
from .schema import (
    FILE_MODELS,
    KINDS,
    TERRITORIES,
    BaremeFile,
    ContributionFile,
    Entry,
    Manifest,
    ParameterFile,
    PolicyFile,
    ScalarEntry,
    ScalarFile,
    Source,
)

__all__ = [
    "MANIFEST_NAME",
    "Parameter",
    "Ruleset",
    "check_parameter_spec",
    "load_ruleset",
    "validate_ruleset",
]

MANIFEST_NAME = "ruleset.yaml"


@dataclass(frozen=True)
class Parameter:
    """One validated parameter file, with a bisect lookup over its start dates."""

    name: str
    path: str
    spec: ParameterFile
    starts: tuple[date, ...] = field(repr=False)
    references: Mapping[str, Source] = field(repr=False, default_factory=dict)

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

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def coverage(self) -> tuple[date, date]:
        return self.manifest.coverage.start, self.manifest.coverage.until

    def check_covered(self, day: date) -> None:
        """Raise :class:`~cesu_rules.errors.NotInForceError` for a month the ruleset does
        not cover."""
        start, until = self.coverage
        if not start <= day <= until:
            raise NotInForceError(
                f"month {day:%Y-%m} is outside the rulesets, which cover {start:%Y-%m} to "
                f"{until:%Y-%m} (ruleset {self.version})",
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


# ---------------------------------------------------------------------------------------------
# Reading files


def _walk(root: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for child in sorted(root.iterdir(), key=lambda t: t.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            if not child.name.startswith((".", "_")):
                yield from _walk(child, rel + "/")
        elif child.name.endswith((".yaml", ".yml")):
            yield rel, child


def _shipped_root() -> Traversable:
    return resources.files("cesu_rules.rulesets")


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


def _check_payload(spec: ParameterFile, entry: Any, here: Loc, checker: FileChecker) -> None:
    payload_field = {
        "scalar": "value",
        "contribution": "rate",
        "bareme": "brackets",
        "policy": "choice",
    }[spec.kind]
    payload = getattr(entry, payload_field)
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


def check_parameter_spec(spec: ParameterFile, path: str, name: str) -> list[Problem]:
    """The problems of an already-parsed parameter (units, dates, statuses, payloads);
    used to validate parameters built in memory, such as reform overlays."""
    checker = FileChecker(path, name, None)
    _check_units(spec, checker)
    _check_entries(spec, checker)
    return checker.problems


def _parse_parameter(
    rel: str, text: str, problems: list[Problem]
) -> tuple[ParameterFile | None, FileChecker]:
    name = rel.rsplit(".", 1)[0]
    located, yaml_problems = compose_document(text)
    checker = FileChecker(rel, name, located)
    for yp in yaml_problems:
        checker.add_at(yp.line, yp.column, yp.message)
    spec: ParameterFile | None = None
    if located is not None and not yaml_problems:
        data = located.data
        if not isinstance(data, dict):
            checker.add((), "a parameter file must be a mapping with kind, label, unit, values")
        else:
            kind = data.get("kind")
            if kind not in KINDS:
                checker.add(
                    ("kind",),
                    f"'kind' must be one of {', '.join(KINDS)} (got {kind!r})",
                )
            else:
                model = FILE_MODELS[str(kind)]
                try:
                    spec = model.model_validate(data)
                except ValidationError as exc:
                    checker.pydantic(exc, model)
                else:
                    _check_units(spec, checker)
                    _check_entries(spec, checker)
    problems.extend(checker.problems)
    return (spec if not checker.problems else None), checker


def _parse_manifest(
    text: str | None, problems: list[Problem]
) -> tuple[Manifest | None, FileChecker]:
    if text is None:
        checker = FileChecker(MANIFEST_NAME, "", None)
        checker.add_at(1, 1, "missing manifest: a ruleset directory needs a ruleset.yaml")
        problems.extend(checker.problems)
        return None, checker
    located, yaml_problems = compose_document(text)
    checker = FileChecker(MANIFEST_NAME, "", located)
    for yp in yaml_problems:
        checker.add_at(yp.line, yp.column, yp.message)
    manifest = None
    if located is not None and not yaml_problems:
        try:
            manifest = Manifest.model_validate(located.data)
        except ValidationError as exc:
            checker.pydantic(exc, Manifest)
    problems.extend(checker.problems)
    return manifest, checker


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


def _check_set(
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


def _read_tree(root: Traversable) -> tuple[str | None, list[tuple[str, bytes]]]:
    manifest_text: str | None = None
    files: list[tuple[str, bytes]] = []
    for rel, item in _walk(root):
        data = item.read_bytes()
        files.append((rel, data))
        if rel == MANIFEST_NAME:
            manifest_text = data.decode("utf-8", errors="replace")
    return manifest_text, files


def _content_hash(files: Sequence[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for rel, data in sorted(files):
        digest.update(rel.encode() + b"\0" + data + b"\0")
    return "sha256:" + digest.hexdigest()


def _build(root: Traversable, origin: str) -> tuple[Ruleset | None, list[Problem]]:
    problems: list[Problem] = []
    manifest_text, files = _read_tree(root)
    manifest, manifest_checker = _parse_manifest(manifest_text, problems)
    parameters: dict[str, Parameter] = {}
    checkers: dict[str, FileChecker] = {}
    for rel, data in files:
        if rel == MANIFEST_NAME:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(rel, 1, 1, rel.rsplit(".", 1)[0], f"not UTF-8 text: {exc}"))
            continue
        spec, checker = _parse_parameter(rel, text, problems)
        checkers[checker.parameter] = checker
        if spec is not None:
            refs = {**(manifest.bibliography if manifest else {}), **spec.references}
            parameters[checker.parameter] = Parameter(
                checker.parameter,
                rel,
                spec,
                tuple(v.start for v in spec.values),
                types.MappingProxyType(refs),
            )
    if manifest is not None:
        _check_set(manifest, manifest_checker, parameters, checkers, problems)
    if problems or manifest is None:
        return None, problems
    return Ruleset(manifest, types.MappingProxyType(parameters), _content_hash(files), origin), []


def validate_ruleset(path: str | Path | None = None) -> list[Problem]:
    """Every problem of the ruleset at ``path`` (default: the shipped one); empty when valid."""
    root, origin = _resolve(path)
    return _build(root, origin)[1]


def _resolve(path: str | Path | None) -> tuple[Traversable, str]:
    if path is None:
        return _shipped_root(), "package"
    p = Path(path)
    if not p.is_dir():
        raise RulesetValidationError(
            [Problem(str(p), 1, 1, "", "not a directory (give the folder holding ruleset.yaml)")]
        )
    return p, str(p)


def load_ruleset(path: str | Path | None = None) -> Ruleset:
    """Load and validate a ruleset directory (default: the rulesets shipped with the package).

    Raises :class:`~cesu_rules.errors.RulesetValidationError` listing every problem found.
    """
    root, origin = _resolve(path)
    ruleset, problems = _build(root, origin)
    if ruleset is None:
        raise RulesetValidationError(problems)
    return ruleset
