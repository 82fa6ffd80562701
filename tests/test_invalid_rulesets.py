"""One invalid-ruleset fixture per failure mode: each is rejected with its file and line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cesu_rules import RulesetValidationError, load_ruleset, validate_ruleset

INVALID = Path(__file__).parent / "fixtures" / "invalid"
CASES = sorted(p.name for p in INVALID.glob("*.yaml"))


def _expectations(path: Path) -> tuple[int, str]:
    text = path.read_text(encoding="utf-8")
    line = re.search(r"^# expect-line: (\d+)$", text, re.MULTILINE)
    message = re.search(r"^# expect: (.+)$", text, re.MULTILINE)
    assert line, f"{path.name} must say which line it expects"
    assert message, f"{path.name} must say which message it expects"
    return int(line.group(1)), message.group(1)


def test_there_is_a_fixture_for_each_failure_mode() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_invalid_fixture_is_rejected_with_file_and_line(case: str, ruleset_copy: Path) -> None:
    line, expected = _expectations(INVALID / case)
    target = ruleset_copy / "fixture" / case
    target.parent.mkdir()
    shutil.copy(INVALID / case, target)
    problems = validate_ruleset(ruleset_copy)
    mine = [p for p in problems if p.path == f"fixture/{case}"]
    assert mine, f"no problem reported for {case}: {problems}"
    assert any(expected in p.message and p.line == line for p in mine), "\n".join(
        str(p) for p in mine
    )
    rendered = str(mine[0])
    assert rendered.startswith(f"fixture/{case}:{mine[0].line}:{mine[0].column}: ")
    # Nothing else in the (otherwise valid) copy is reported.
    assert all(p.path == f"fixture/{case}" for p in problems)


def test_every_problem_of_a_file_is_reported_at_once(ruleset_copy: Path) -> None:
    bad = ruleset_copy / "fixture" / "many.yaml"
    bad.parent.mkdir()
    bad.write_text(
        "kind: scalar\n"
        "label: Three problems\n"
        "unit: eur\n"
        "values:\n"
        "  - from: 2019-01-01\n"
        "    value: -1\n"
        "    status: confirmed\n"
        "    sources: [urssaf_taux_2024]\n"
        "  - from: 2018-01-01\n"
        "    value: 1\n"
        "    status: single_source\n"
        "    sources: [urssaf_taux_2024]\n",
        encoding="utf-8",
    )
    problems = validate_ruleset(ruleset_copy)
    lines = sorted(p.line for p in problems)
    assert lines == [6, 7, 9], problems


def test_load_ruleset_raises_one_error_listing_all_problems(ruleset_copy: Path) -> None:
    (ruleset_copy / "smic" / "horaire_brut" / "metropole.yaml").write_text(
        "kind: scalar\nlabel: x\nunit: eur\nvalues: []\n", encoding="utf-8"
    )
    (ruleset_copy / "pss" / "plafond_mensuel.yaml").write_text("kind: [\n", encoding="utf-8")
    with pytest.raises(RulesetValidationError) as info:
        load_ruleset(ruleset_copy)
    paths = {p.path for p in info.value.problems}
    assert paths == {"smic/horaire_brut/metropole.yaml", "pss/plafond_mensuel.yaml"}
    assert "2 ruleset files" in str(info.value)


def test_a_required_parameter_with_the_wrong_unit_is_refused(ruleset_copy: Path) -> None:
    path = ruleset_copy / "conges_payes" / "majoration.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("unit: percent", "unit: eur"), encoding="utf-8"
    )
    problems = validate_ruleset(ruleset_copy)
    assert [p.path for p in problems] == ["conges_payes/majoration.yaml"]
    assert "needs this parameter as scalar in 'percent'" in problems[0].message


def test_a_missing_required_parameter_is_reported(ruleset_copy: Path) -> None:
    (ruleset_copy / "conges_payes" / "majoration.yaml").unlink()
    problems = validate_ruleset(ruleset_copy)
    assert any(
        "required parameter 'conges_payes/majoration' is missing" in p.message for p in problems
    )


def test_a_directory_without_manifest_is_refused(tmp_path: Path) -> None:
    problems = validate_ruleset(tmp_path)
    assert problems[0].path == "ruleset.yaml"
    assert "missing manifest" in problems[0].message


def test_a_path_that_is_not_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesetValidationError, match="not a directory"):
        load_ruleset(tmp_path / "nowhere")


def test_a_manifest_pointing_to_an_unknown_parameter_is_refused(ruleset_copy: Path) -> None:
    manifest = ruleset_copy / "ruleset.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "deduction: deduction_forfaitaire/reunion", "deduction: deduction_forfaitaire/ile"
        ),
        encoding="utf-8",
    )
    problems = validate_ruleset(ruleset_copy)
    assert len(problems) == 1
    assert problems[0].path == "ruleset.yaml"
    assert "unknown parameter 'deduction_forfaitaire/ile'" in problems[0].message
    assert problems[0].line > 1
