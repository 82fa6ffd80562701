"""Unit tests of the modules around the kernel: the wire mapping, reforms, the text report
and the Python API's own behaviour (caches, arguments, flags)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from cesu_rules import (
    CesuRulesError,
    InputError,
    clear_caches,
    default_ruleset,
    estimate,
    plan_of,
)
from cesu_rules.numbers import parse_year
from cesu_rules.reform import ReformError, apply_reform, with_values
from cesu_rules.report import render_estimate
from cesu_rules.rules.snapshot import rules_at
from cesu_rules.wire import (
    inputs_to_request,
    load_mapping,
    request_to_inputs,
    response_to_expected,
    territory_of_postal_code,
)

# ---------------------------------------------------------------------------------------------
# Wire


@pytest.mark.parametrize(
    ("code", "territory"),
    [
        ("75011", "metropole"),
        ("57000", "alsace_moselle"),
        ("67000", "alsace_moselle"),
        ("68100", "alsace_moselle"),
        ("97110", "guadeloupe"),
        ("97200", "martinique"),
        ("97300", "guyane"),
        ("97400", "reunion"),
        ("97600", "mayotte"),
        (" 69001 ", "metropole"),
    ],
)
def test_the_territory_of_a_postal_code(code: str, territory: str) -> None:
    assert territory_of_postal_code(code) == territory


@pytest.mark.parametrize("code", ["7501", "750111", "75O11", ""])
def test_a_postal_code_that_is_not_five_digits_is_refused(code: str) -> None:
    with pytest.raises(InputError) as caught:
        territory_of_postal_code(code)
    assert caught.value.code == "invalid_postal_code"


def test_a_wire_request_becomes_engine_inputs() -> None:
    mapping = load_mapping()
    req = mapping.request
    assert req.net_monthly is not None
    assert req.employer_postal_code is not None
    inputs = request_to_inputs(
        mapping, {req.hours: 10, req.net_monthly: 126.0, req.employer_postal_code: "97400"}
    )
    assert inputs == {
        "hours": Decimal(10),
        "net_monthly": Decimal("126.00"),
        "territory": "reunion",
    }
    with pytest.raises(InputError, match="exactly one wage field") as caught:
        request_to_inputs(mapping, {req.hours: 10})
    assert caught.value.code == "invalid_wire"
    with pytest.raises(InputError, match="exponent"):
        request_to_inputs(mapping, {req.hours: "1e1", req.net_monthly: 126.0})


def test_a_wire_response_becomes_expected_figures_and_unknown_fields_are_listed() -> None:
    mapping = load_mapping()
    wire, engine = next(iter(mapping.response.items()))
    expected, not_compared = response_to_expected(mapping, {wire: 12.5, "zzz": 1})
    assert expected == {engine: Decimal("12.50")}
    assert not_compared == ["zzz (unknown to the mapping)"]
    twin = [w for w, e in mapping.response.items() if e == engine and w != wire]
    if twin:  # two wire fields for one figure must agree
        with pytest.raises(InputError, match="two values"):
            response_to_expected(mapping, {wire: 1, twin[0]: 2})


def test_a_request_replays_an_estimate_with_whole_hours() -> None:
    mapping = load_mapping()
    result = estimate("2024-04", hours="10.5", net_hourly="12.00", territory="reunion")
    payload, notes = inputs_to_request(mapping, result)
    assert payload[mapping.request.hours] == 11
    assert notes == [f"{mapping.request.hours}: 10.5 h sent as 11 (the wire takes whole hours)"]
    strict = mapping.model_copy(update={"hours_rounding": "refuse"})
    with pytest.raises(InputError) as caught:
        inputs_to_request(strict, result)
    assert caught.value.code == "hours_not_whole"
    up = mapping.model_copy(update={"hours_rounding": "up"})
    quarter = estimate("2024-04", hours="10.25", net_hourly="12.00")
    assert inputs_to_request(up, quarter)[0][mapping.request.hours] == 11
    with pytest.raises(InputError, match="not in reunion"):
        inputs_to_request(mapping, result, postal_code="75011")


# ---------------------------------------------------------------------------------------------
# Reforms


REFORM = """label: Déduction à 1,50 €
overrides:
  deduction_forfaitaire/metropole:
    - {from: 2026-01-01, value: 1.50}
"""


def test_a_reform_changes_its_values_from_its_date_only() -> None:
    base = default_ruleset()
    reform = apply_reform(REFORM, base)
    assert reform.version == f"{base.version}+deduction-a-1-50"
    assert reform.hash != base.hash
    assert apply_reform(REFORM, base).hash == reform.hash  # reproducible
    before, after = (
        rules_at(reform, month, "metropole").deduction_hourly.value
        for month in ("2025-12", "2026-01")
    )
    assert (before, after) == (Decimal("2.00"), Decimal("1.50"))
    a = estimate("2026-01", hours=10, net_hourly="12.00", ruleset=reform)
    b = estimate("2026-01", hours=10, net_hourly="12.00")
    assert a.deduction == b.deduction - Decimal("5.00")


def test_a_reform_refuses_an_unknown_parameter_at_its_line() -> None:
    text = "label: x\noverrides:\n  nope/nope:\n    - {from: 2026-01-01, value: 1}\n"
    with pytest.raises(ReformError) as caught:
        apply_reform(text, default_ruleset(), where="x.yaml")
    assert str(caught.value.problems[0]).startswith("x.yaml:3:3: overrides.nope/nope")


def test_with_values_sets_one_value_and_refuses_grids() -> None:
    base = default_ruleset()
    changed = with_values(
        base, {"politiques/arrondi/totaux": "total_then_lines"}, start=date(2019, 1, 1), label="t"
    )
    assert rules_at(changed, "2024-04", "metropole").totals_policy.choice == "total_then_lines"
    with pytest.raises(ReformError, match="cannot be set to one value"):
        with_values(base, {"pas/taux_neutre/metropole": "1"}, start=date(2024, 1, 1), label="g")


# ---------------------------------------------------------------------------------------------
# Report


def test_the_report_shows_every_line_and_the_totals() -> None:
    result = estimate("2024-04", hours=10, net_hourly="12.00")
    text = render_estimate(result)
    assert text.startswith("Cesu estimate — April 2024, metropole\n")
    # One row per contribution, employee and employer side by side, labels cut to the column.
    table = text.split("-" * 100)[1]  # between the rules under the heading and the totals
    rows = [row for row in table.splitlines() if row.strip()]
    assert len(rows) == len({line.code for line in result.lines})
    for line in result.lines:
        assert line.label[:16] in text
    assert "Total contributions" in text
    assert f"{result.gross:.2f}" in text.replace(" ", "")
    with_sources = render_estimate(result, sources=True)
    assert len(with_sources) > len(text)
    assert "Décret" in with_sources or "CSS" in with_sources


def test_a_provisional_report_says_so() -> None:
    _, until = default_ruleset().coverage
    month = f"{until.year + 1}-01"
    result = estimate(month, hours=10, net_hourly="14.00", provisional=True)
    assert "(provisional)" in render_estimate(result).splitlines()[0]


# ---------------------------------------------------------------------------------------------
# API


def test_plans_are_cached_and_the_caches_cleared_by_one_function() -> None:
    ruleset = default_ruleset()
    first = plan_of(ruleset, "2024-04", "metropole")
    assert plan_of(ruleset, "2024-04", "metropole") is first
    clear_caches()
    assert plan_of(default_ruleset(), "2024-04", "metropole") is not first
    assert plan_of(default_ruleset(), "2024-04", "metropole") == first


def test_ranges_can_be_left_out_and_change_no_figure() -> None:
    full = estimate("2023-06", hours=10, net_hourly="12.00")
    bare = estimate("2023-06", hours=10, net_hourly="12.00", ranges=False)
    assert full.ranges
    assert bare.ranges == ()
    assert (bare.gross, bare.total_cost) == (full.gross, full.total_cost)


def test_a_month_after_the_rulesets_needs_provisional() -> None:
    _, until = default_ruleset().coverage
    month = f"{until.year + 1}-03"
    with pytest.raises(CesuRulesError) as caught:
        estimate(month, hours=10, net_hourly="14.00")
    assert caught.value.code == "month_not_covered"
    result = estimate(month, hours=10, net_hourly="14.00", provisional=True)
    assert result.provisional


def test_the_provisional_warning_names_each_carried_value() -> None:
    _, until = default_ruleset().coverage
    month = f"{until.year + 1}-01"
    result = estimate(month, hours=10, net_hourly="14.00", provisional=True)
    (note,) = [w for w in result.warnings if w.startswith("provisional: ")]
    head, _, rest = note.partition("unpublished changes are not known: ")
    assert head == (
        f"provisional: {month} is past the rulesets; these values are carried forward from "
        "their latest date, "
    )
    carried, _, revalued = rest.partition(
        ". Certain revaluations not yet published, given as ranges: "
    )
    items = carried.split(", ")
    assert len(items) > 10
    assert all(re.fullmatch(r"[a-z0-9_/]+ = \S.*", item) for item in items), items
    assert "cotisations/salarie/csg_deductible = 6.80 %" in items
    assert revalued.startswith("smic/horaire_brut/metropole = ")


def test_numbers_may_be_given_as_decimal_int_str_or_float() -> None:
    figures = {
        estimate("2024-04", hours=h, net_hourly=w).total_cost
        for h, w in ((10, "12.00"), (Decimal(10), Decimal("12.00")), ("10", 12), (10.0, 12.0))
    }
    assert figures == {Decimal("202.25")}


def test_a_refusal_carries_its_field_and_value_as_data() -> None:
    with pytest.raises(InputError) as caught:
        estimate("2024-04", hours="0", net_hourly="12.00")
    assert (caught.value.code, caught.value.field, caught.value.value) == (
        "hours_not_positive",
        "hours",
        "0",
    )
    with pytest.raises(InputError) as caught:
        estimate("2024-04", hours="208.50", net_hourly="12.00")
    assert caught.value.message.startswith("hours 208.5 exceed the legal maximum of 208 hours")
    assert (caught.value.field, caught.value.value) == ("hours", "208.5")


# ---------------------------------------------------------------------------------------------
# The year parser (tax summaries, in the CLI and the service alike)


@pytest.mark.parametrize("given", ["2026", " 2026 ", 2026])
def test_a_year_is_four_digits(given: object) -> None:
    assert parse_year(given) == 2026


@pytest.mark.parametrize("given", ["26", "0999", "20 26", "２０２６", "2026.0", True, 99999, 999])
def test_anything_else_is_not_a_year(given: object) -> None:
    with pytest.raises(InputError) as caught:
        parse_year(given, field="--year")
    assert caught.value.code == "invalid_year"
    assert caught.value.message.startswith("--year: ")
    assert caught.value.message.endswith("write it with four digits, such as 2026")
