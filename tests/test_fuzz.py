"""Fuzzing every reader and the CLI entry point, in process, with random and mutated inputs.

The property is the product's promise for bad input: a result, or a CesuRulesError with a
readable message (the CLI: one line on stderr, or the JSON error object, and exit 2) — never
another exception, never a traceback. Each reader gets at least 1 000 inputs, drawn with a
deterministic profile (the same inputs at every run: CI stays reproducible and in budget).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from cesu_rules import CesuRulesError, default_ruleset
from cesu_rules.checks import Case
from cesu_rules.cli import main
from cesu_rules.household import HouseholdFile
from cesu_rules.numbers import parse_bool, parse_decimal, parse_month
from cesu_rules.reform import ReformFile
from cesu_rules.rules.reader import parse_json, read_model
from cesu_rules.simulate import Scenario
from cesu_rules.wire import WireMapping

ROOT = Path(__file__).parent.parent
FUZZ = settings(
    max_examples=1000,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def _seed(path: Path) -> str:
    return path.read_text(encoding="utf-8")


SEEDS: dict[type[BaseModel], str] = {
    HouseholdFile: _seed(ROOT / "docs" / "examples" / "household.yaml"),
    Case: _seed(ROOT / "tests" / "regression" / "TEMPLATE.yaml"),
    ReformFile: _seed(ROOT / "docs" / "examples" / "reform-deduction-1-50.yaml"),
    Scenario: _seed(ROOT / "docs" / "examples" / "scenario-hours.yaml"),
    WireMapping: _seed(ROOT / "cesu_rules" / "data" / "wire" / "urssaf-paje-1.0.0.yaml"),
}
ALPHABET = st.characters(codec="utf-8") | st.sampled_from(list("{}[]:,-&*!|>'\"#\n 0123456789.e"))


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> str:
    """The seed with a few random edits: insertions, deletions, replacements, duplications."""
    text = seed
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        if op == "insert":
            text = text[:pos] + draw(st.text(ALPHABET, max_size=8)) + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 20)) :]
        elif op == "replace":
            text = text[:pos] + draw(st.text(ALPHABET, min_size=1, max_size=4)) + text[pos + 1 :]
        else:
            end = min(len(text), pos + draw(st.integers(1, 40)))
            text = text[:end] + text[pos:end] + text[end:]
    return text


def documents(seed: str) -> st.SearchStrategy[str]:
    as_json = json.dumps(_plain(seed), default=str)
    return st.one_of(
        st.text(ALPHABET, max_size=200), mutated(seed), mutated(as_json) if as_json else st.just("")
    )


def _plain(seed: str) -> Any:
    import yaml  # noqa: PLC0415 - only to turn the seed into JSON

    return yaml.safe_load(seed)


def _never_raises_else(call: Callable[[], Any]) -> Any:
    """The call's result, or the CesuRulesError it raised (any other exception fails)."""
    try:
        return call()
    except CesuRulesError as exc:
        return exc


@pytest.mark.parametrize("model", list(SEEDS), ids=lambda m: m.__name__)
def test_every_file_reader_survives_random_and_mutated_documents(model: type[BaseModel]) -> None:
    @FUZZ
    @given(text=documents(SEEDS[model]), is_json=st.booleans())
    def run(text: str, is_json: bool) -> None:
        result, checker = read_model(text, model, "fuzz", is_json=is_json)
        if result is None:
            assert checker.problems
            assert all(p.line >= 1 and p.column >= 1 and p.message for p in checker.problems)

    run()


@FUZZ
@given(documents(json.dumps({"month": "2024-04", "hours": 10, "net_hourly": "12.00"})))
def test_the_json_reader_survives(text: str) -> None:
    _never_raises_else(lambda: parse_json(text, "fuzz"))


VALUES = st.one_of(
    st.text(ALPHABET, max_size=30),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)


@FUZZ
@given(VALUES)
def test_the_number_month_and_flag_parsers_survive(value: Any) -> None:
    number = _never_raises_else(lambda: parse_decimal(value, field="x", example="1.00"))
    if isinstance(number, Decimal):
        assert number.is_finite()
        assert number == number.quantize(Decimal("0.01"))
    _never_raises_else(lambda: parse_month(value))
    _never_raises_else(lambda: parse_bool(value, field="x"))


OPTIONS = {
    "--month": st.sampled_from(["2024-04", "2019-01", "2026-12", "2027-01", "2024-4", "", "x"]),
    "--hours": VALUES.map(str),
    "--net-hourly": VALUES.map(str),
    "--gross-hourly": VALUES.map(str),
    "--net-monthly": VALUES.map(str),
    "--territory": st.sampled_from(["metropole", "reunion", "mayotte", "paris", ""]),
    "--exemption": st.sampled_from(["none", "age_70", "apa", "x"]),
    "--paid-leave": st.sampled_from(["included", "excluded", "both"]),
    "--paid-leave-hours": VALUES.map(str),
    "--pas-rate": VALUES.map(str),
    "--aids": VALUES.map(str),
}
FLAGS = ["--json", "--non-resident", "--cesu-plus", "--provisional", "--no-ranges", "--sources"]


@st.composite
def command_lines(draw: st.DrawFn) -> tuple[list[str], str]:
    command = draw(
        st.sampled_from(
            ["estimate", "estimate-stdin", "wire", "rulesets", "household-stdin", "schema", "junk"]
        )
    )
    stdin = ""
    if command == "estimate-stdin":
        stdin = draw(documents(json.dumps({"month": "2024-04", "hours": 10, "net_hourly": "12"})))
        return ["estimate", "--input", "-", *draw(st.lists(st.sampled_from(FLAGS[:1])))], stdin
    if command == "household-stdin":
        return ["household", "-", "--json"], draw(documents(SEEDS[HouseholdFile]))
    if command == "rulesets":
        action = draw(st.sampled_from(["show", "diff", "list", "status"]))
        args = {
            "show": [
                draw(st.sampled_from(["smic/horaire_brut/metropole", "nope", "pss"])),
                *draw(st.lists(st.sampled_from(["--at", "2024-04", "2030-01", "x"]), max_size=2)),
            ],
            "diff": draw(
                st.lists(st.sampled_from(["2024-01", "2025-13", "x", "2026-12"]), max_size=3)
            ),
            "list": [],
            "status": [],
        }[action]
        return ["rulesets", action, *args, *draw(st.lists(st.just("--json"), max_size=1))], stdin
    if command == "schema":
        return ["schema", draw(st.sampled_from(["estimate-input", "household", "nope"]))], stdin
    if command == "junk":
        return draw(st.lists(st.text(ALPHABET, max_size=10), max_size=4)), stdin
    argv = ["estimate"] if command == "estimate" else ["wire", "request"]
    for option, values in OPTIONS.items():
        if draw(st.booleans()):
            argv += [option, draw(values)]
    argv += draw(st.lists(st.sampled_from(FLAGS), max_size=3, unique=True))
    return argv, stdin


@FUZZ
@given(command_lines())
def test_the_cli_never_prints_a_traceback(case: tuple[list[str], str]) -> None:
    argv, stdin = case
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, out=out, err=err, stdin=io.StringIO(stdin))
    assert status in (0, 1, 2)
    assert "Traceback" not in err.getvalue()
    if status == 2 and "--json" in argv and err.getvalue() == "":
        error = json.loads(out.getvalue())["error"]
        assert error["code"]
        assert error["message"]
    elif status == 2:
        assert err.getvalue().count("\n") == 1, err.getvalue()


def test_the_fuzz_seeds_are_valid() -> None:
    """The mutations start from documents the readers accept."""
    for model, seed in SEEDS.items():
        result, checker = read_model(seed, model, "seed")
        assert result is not None, checker.problems
    assert default_ruleset().version
