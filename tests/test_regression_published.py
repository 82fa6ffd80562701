"""The shipped regression cases (tests/regression), run through `cesu_rules.checks`.

A case with ``known_mismatch`` must still mismatch (if it starts to match, the check fails so
that the case is looked at again); every other case must match to the cent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cesu_rules.checks import load_case, run_case, run_paths

REGRESSION = Path(__file__).parent / "regression"
CASES = sorted(p for p in REGRESSION.rglob("*.yaml") if not p.name.startswith("TEMPLATE"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path) -> None:
    case, problems = load_case(path)
    assert case is not None, problems
    assert case.source.url
    result = run_case(case, path)
    assert result.status in ("passed", "known_mismatch"), [
        c for c in result.comparisons if not c.ok
    ]
    if case.known_mismatch:
        assert result.status == "known_mismatch"


def test_the_template_is_a_valid_case_that_matches() -> None:
    case, problems = load_case(REGRESSION / "TEMPLATE.yaml")
    assert case is not None, problems
    assert run_case(case, REGRESSION / "TEMPLATE.yaml").status == "passed"


def test_the_whole_folder_passes_with_its_known_mismatches() -> None:
    report = run_paths([REGRESSION])
    assert report.exit_status == 0
    cases = [load_case(path)[0] for path in CASES]
    known = sum(1 for case in cases if case is not None and case.known_mismatch)
    assert report.count("known_mismatch") == known
    assert report.count("passed") == len(CASES) - known
