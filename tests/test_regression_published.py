"""Regression cases from published figures (tests/regression/published/*.yaml).

Each case runs the estimate and compares the expected figures to the cent (or its
tolerance). A case with ``known_mismatch`` is an expected failure (strict: if it starts to
match, the test fails so that the case is looked at again).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cesu_rules import EstimateRequest, estimate_to_json
from cesu_rules.rules._yaml import compose_document

CASES_DIR = Path(__file__).parent / "regression" / "published"


def _load(path: Path) -> dict[str, Any]:
    located, problems = compose_document(path.read_text(encoding="utf-8"))
    assert located is not None
    assert not problems, problems
    data: dict[str, Any] = located.data
    return data


def _params() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        case = _load(path)
        marks = []
        if case.get("known_mismatch"):
            marks.append(pytest.mark.xfail(reason=str(case["known_mismatch"]), strict=True))
        params.append(pytest.param(case, id=str(case["id"]), marks=marks))
    return params


def test_every_case_has_source_and_expectations() -> None:
    for path in CASES_DIR.glob("*.yaml"):
        case = _load(path)
        assert case["source"]["title"]
        assert case["source"]["url"].startswith("http")
        assert case.get("expected") or case.get("expected_lines"), path.name


@pytest.mark.parametrize("case", _params())
def test_published_case(case: dict[str, Any]) -> None:
    result = estimate_to_json(EstimateRequest.model_validate(case["inputs"]).run())
    tolerance = Decimal(case.get("tolerance") or "0.00")
    differences = []
    for field, expected in (case.get("expected") or {}).items():
        computed = result[field]
        if abs(Decimal(computed) - Decimal(expected)) > tolerance:
            differences.append(f"{field}: expected {expected}, computed {computed}")
    lines = {(line["side"], line["code"]): line["amount"] for line in result["lines"]}
    for side, codes in (case.get("expected_lines") or {}).items():
        for code, expected in codes.items():
            computed = lines.get((side, code))
            if computed is None or abs(Decimal(computed) - Decimal(expected)) > tolerance:
                differences.append(f"{side} {code}: expected {expected}, computed {computed}")
    assert not differences, "; ".join(differences)
