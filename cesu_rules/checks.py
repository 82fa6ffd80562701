"""Regression checks: run case files against the engine and compare, to the cent.

A *case* is a YAML or JSON file (format in ``docs/checks.md``, JSON Schema from
``cesu-rules schema check-case``, template in ``tests/regression/TEMPLATE.yaml``):

* ``kind: estimate``: engine inputs and the expected figures, as aggregates (``expected``:
  gross, net, urssaf_debit…) or lines (``expected_lines``: employee/employer amounts by code,
  as a payslip shows them);
* ``kind: api_estimate``: a saved Urssaf request and response, read through a mapping file
  (:mod:`cesu_rules.wire`), plus the month and any input the wire does not carry.

``run_paths`` runs every case of files and folders; an invalid file is reported with its
place and the other cases still run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .api import default_ruleset
from .errors import CesuRulesError, Problem
from .fields import EstimateRequest, estimate_to_json
from .reform import with_values
from .rules.loader import Ruleset
from .rules.reader import Amount, FileChecker, read_model, read_user_text
from .wire import (
    COMPARABLE_FIELDS,
    load_mapping,
    request_to_inputs,
    response_to_expected,
)

__all__ = [
    "Case",
    "CaseResult",
    "CheckReport",
    "Comparison",
    "load_case",
    "run_case",
    "run_paths",
]

CASE_SUFFIXES = (".yaml", ".yml", ".json")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CaseSource(_Strict):
    title: str = Field(min_length=1)
    url: str | None = None
    date: dt.date | None = None


class Case(_Strict):
    """One regression case (see docs/checks.md)."""

    id: str = Field(min_length=1, description="unique name of the case")
    kind: Literal["estimate", "api_estimate"] = "estimate"
    source: CaseSource
    reliability: Literal["official", "sector", "press", "payslip", "simulator", "api"] | None = None
    obtained: dt.date | None = Field(default=None, description="when the figures were obtained")
    note: str | None = None
    inputs: dict[str, Any] = Field(
        default_factory=dict,
        description="estimate inputs (fields of EstimateRequest); for api_estimate, the "
        "inputs the wire does not carry (exemption, paid_leave...)",
    )
    month: str | None = Field(default=None, description="api_estimate: the month estimated")
    mapping: str | None = Field(
        default=None, description="api_estimate: mapping file (relative to the case) or default"
    )
    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    expected: dict[str, Amount] = Field(default_factory=dict)
    expected_lines: dict[Literal["employee", "employer"], dict[str, Amount]] = Field(
        default_factory=dict
    )
    tolerance: Amount = Field(
        default=Decimal("0.00"), ge=0, description="euros, at least 0.00 (to the cent)"
    )
    known_mismatch: str | None = Field(
        default=None, description="why the engine does not reproduce this source (kept visible)"
    )
    explained_by: dict[str, str] = Field(
        default_factory=dict,
        description="known_mismatch: parameter values (policy choice, rate or value, as text) "
        "under which the case matches; `check` verifies that it really does",
    )


class Comparison(BaseModel):
    field: str
    expected: Decimal
    computed: Decimal | None
    difference: Decimal | None
    ok: bool


@dataclass
class CaseResult:
    path: str
    id: str
    status: Literal["passed", "failed", "known_mismatch", "invalid"]
    comparisons: list[Comparison] = field(default_factory=list)
    message: str = ""
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class CheckReport:
    results: list[CaseResult]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def exit_status(self) -> int:
        """0: all pass (known mismatches included); 1: a case fails; 2: a file is invalid."""
        if self.count("invalid"):
            return 2
        return 1 if self.count("failed") else 0

    def summary(self) -> str:
        return (
            f"{self.count('passed')} passed, {self.count('failed')} failed, "
            f"{self.count('known_mismatch')} known mismatches, {self.count('invalid')} invalid"
        )


# ---------------------------------------------------------------------------------------------
# Reading


def load_case(path: Path) -> tuple[Case | None, list[Problem]]:
    """The case in ``path``, or the problems that make it invalid (with their places)."""
    try:
        text = read_user_text(path, "case")
    except CesuRulesError as exc:
        return None, [Problem(str(path), 1, 1, "", exc.message)]
    return case_from_text(text, str(path), is_json=path.suffix == ".json")


def case_from_text(text: str, where: str, *, is_json: bool) -> tuple[Case | None, list[Problem]]:
    """The case in a file's text (YAML or JSON), or its problems (placed in ``where``)."""
    case, checker = read_model(text, Case, where, is_json=is_json)
    if case is None:
        return None, checker.problems
    _check_case(case, checker)
    return (None, checker.problems) if checker.problems else (case, [])


def _check_case(case: Case, checker: FileChecker) -> None:
    """Rules across fields: what each kind needs, known fields and inputs."""
    _check_kind(case, checker)
    for name in case.expected:
        if name not in COMPARABLE_FIELDS:
            checker.add(
                ("expected", name),
                f"unknown field; compare one of: {', '.join(COMPARABLE_FIELDS)}",
                key=True,
            )
    if case.kind == "estimate" and case.inputs:
        try:
            EstimateRequest.model_validate(case.inputs)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = ("inputs", *error["loc"])
                msg = str(error["msg"])
                if error["type"] == "extra_forbidden":
                    msg = f"unknown input (known: {', '.join(EstimateRequest.model_fields)})"
                checker.add(loc, msg, key=error["type"] == "extra_forbidden")


def _check_kind(case: Case, checker: FileChecker) -> None:
    if case.explained_by and not case.known_mismatch:
        checker.add(("explained_by",), "only with known_mismatch", key=True)
    if case.kind == "estimate":
        if not case.inputs:
            checker.add((), "missing 'inputs' (month, hours, net_hourly...)")
        if not case.expected and not case.expected_lines:
            checker.add((), "nothing to compare: give 'expected' and/or 'expected_lines'")
        for name in ("month", "mapping", "request", "response"):
            if getattr(case, name) is not None:
                checker.add((name,), "only for kind: api_estimate", key=True)
    else:
        for name in ("month", "request", "response"):
            if getattr(case, name) is None:
                checker.add((), f"kind api_estimate needs {name!r}")


def _case_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in CASE_SUFFIXES
                and p.is_file()
                and not p.name.upper().startswith("TEMPLATE")
                and "mappings" not in p.parts
            )
            if not found:
                problems.append(Problem(str(path), 1, 1, "", "no case file (.yaml, .json) here"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), 1, 1, "", "no such file or directory"))
    return files, problems


# ---------------------------------------------------------------------------------------------
# Running


def _compare(name: str, expected: Decimal, computed: str | None, tolerance: Decimal) -> Comparison:
    if computed is None:
        return Comparison(field=name, expected=expected, computed=None, difference=None, ok=False)
    value = Decimal(computed)
    difference = value - expected
    return Comparison(
        field=name,
        expected=expected,
        computed=value,
        difference=difference,
        ok=abs(difference) <= tolerance,
    )


def _inputs(case: Case, path: Path) -> tuple[dict[str, Any], dict[str, Decimal], list[str]]:
    """The engine inputs of a case, the expected figures and notes on what is not compared."""
    notes: list[str] = []
    expected = dict(case.expected)
    if case.kind != "api_estimate":
        return dict(case.inputs), expected, notes
    assert case.request is not None
    assert case.response is not None
    mapping_path = case.mapping
    if mapping_path not in (None, "default"):
        mapping_path = str((path.parent / str(mapping_path)).resolve())
    mapping = load_mapping(mapping_path)
    inputs = {**request_to_inputs(mapping, case.request), **case.inputs, "month": case.month}
    from_wire, not_compared = response_to_expected(mapping, case.response)
    if not_compared:
        notes.append("not compared: " + ", ".join(not_compared))
    return inputs, {**from_wire, **expected}, notes


def _comparisons(
    case: Case, expected: dict[str, Decimal], inputs: dict[str, Any], ruleset: Ruleset
) -> list[Comparison]:
    request = EstimateRequest.model_validate(inputs)
    result = estimate_to_json(request.run(ruleset))
    comparisons = [
        _compare(name, value, result.get(name), case.tolerance) for name, value in expected.items()
    ]
    lines = {(line["side"], line["code"]): line["amount"] for line in result["lines"]}
    for side, codes in case.expected_lines.items():
        for code, value in codes.items():
            comparisons.append(
                _compare(f"{side}.{code}", value, lines.get((side, code)), case.tolerance)
            )
    return comparisons


def _invalid(case: Case, path: Path, exc: Exception) -> CaseResult:
    message = str(exc).replace("\n", " ")
    return CaseResult(
        str(path),
        case.id,
        "invalid",
        message=f"cannot compute: {message}",
        problems=[Problem(str(path), 1, 1, "", f"cannot compute: {message}")],
    )


def run_case(case: Case, path: Path, ruleset: Ruleset | None = None) -> CaseResult:
    """Run one valid case; engine errors make it invalid (its inputs cannot be computed).

    A known mismatch with ``explained_by`` is run again under those values: it stays a known
    mismatch only if it then matches (the explanation is checked, not taken on trust).
    """
    ruleset = ruleset or default_ruleset()
    try:
        inputs, expected, notes = _inputs(case, path)
        comparisons = _comparisons(case, expected, inputs, ruleset)
    except (CesuRulesError, ValidationError) as exc:
        return _invalid(case, path, exc)
    matches = all(c.ok for c in comparisons)
    status: Literal["passed", "failed", "known_mismatch"] = "passed" if matches else "failed"
    message = "" if matches else "figures differ"
    if case.known_mismatch and matches:
        status, message = "failed", "marked known_mismatch but now matches: remove known_mismatch"
    elif case.known_mismatch:
        status, message = "known_mismatch", case.known_mismatch
        if case.explained_by:
            values = ", ".join(f"{k} = {v}" for k, v in case.explained_by.items())
            try:
                alternative = with_values(
                    ruleset,
                    case.explained_by,
                    start=ruleset.coverage[0],
                    label=f"{case.id}: {values}",
                )
                explained = all(c.ok for c in _comparisons(case, expected, inputs, alternative))
            except (CesuRulesError, ValidationError) as exc:
                return _invalid(case, path, exc)
            if explained:
                message = f"{case.known_mismatch} [matches with {values}]"
            else:
                status, message = (
                    "failed",
                    f"explained_by ({values}) does not reproduce the figures",
                )
    return CaseResult(str(path), case.id, status, comparisons, message, notes)


def run_paths(paths: Sequence[str | Path]) -> CheckReport:
    """Run every case found in ``paths`` (files or folders, recursively)."""
    files, missing = _case_files(paths)
    results = [CaseResult(p.path, "-", "invalid", message=p.message, problems=[p]) for p in missing]
    seen: dict[str, str] = {}
    for path in files:
        case, problems = load_case(path)
        if case is None:
            results.append(
                CaseResult(
                    str(path), path.stem, "invalid", message="invalid case file", problems=problems
                )
            )
            continue
        if case.id in seen:
            problem = Problem(
                str(path), 1, 1, "", f"case id {case.id!r} is already used by {seen[case.id]}"
            )
            results.append(
                CaseResult(
                    str(path), case.id, "invalid", message=problem.message, problems=[problem]
                )
            )
            continue
        seen[case.id] = str(path)
        results.append(run_case(case, path))
    return CheckReport(results)
