"""The batch engine gives the scalar estimate's figures to the cent, row by row, and refuses
the same rows with the same code and message, under every rounding policy."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cesu_rules import Ruleset, default_ruleset, estimate
from cesu_rules.batch import OUTPUT_COLUMNS, compute_batch
from cesu_rules.tables import columns_from_rows

from .differential import differences
from .helpers import policies
from .strategies import wide_row

np = pytest.importorskip("numpy")
pytest.importorskip("pyarrow")


def assert_batch_equals_scalar(rows: list[dict[str, Any]], ruleset: Ruleset) -> None:
    assert differences(rows, ruleset) == []


PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(st.lists(wide_row(), min_size=1, max_size=40))
def test_every_row_equals_the_scalar_estimate(rows: list[dict[str, Any]]) -> None:
    assert_batch_equals_scalar(rows, default_ruleset())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(wide_row(), min_size=1, max_size=30),
    st.sampled_from(["monthly", "hourly"]),
    st.sampled_from(["total_then_lines", "each_line"]),
)
def test_every_rounding_policy_gives_the_scalar_figures(
    rows: list[dict[str, Any]], inversion: str, totals: str
) -> None:
    assert_batch_equals_scalar(rows, policies(inversion, totals))


def test_bad_rows_get_an_error_and_the_others_are_computed() -> None:
    rows = [
        {"month": "2024-04", "hours": "10", "net_hourly": "12.00"},
        {"month": "2024-04", "hours": "10", "net_hourly": "5.00"},
        {"month": "2031-01", "hours": "10", "net_hourly": "12.00"},
        {"month": "2024-04", "hours": "10", "net_hourly": "12.00", "territory": "paris"},
        {"month": "2024-04", "hours": "300", "net_hourly": "12.00"},
        {"month": "2024-04", "hours": "10", "net_hourly": "12.00", "gross_hourly": "15.00"},
        {"month": "2024-04", "hours": "10", "net_hourly": "12.00", "aids": "500.00"},
        {"month": "2024-04", "hours": "10", "net_hourly": "12,50"},
    ]
    result = compute_batch(columns_from_rows(rows), default_ruleset())
    errors = result.error_texts().to_pylist()
    assert errors[0] == ""
    assert result.values["gross"][0] == 15361
    assert "below the legal minimum" in errors[1]
    assert "outside the rulesets" in errors[2]
    assert "unknown value 'paris'" in errors[3]
    assert "legal maximum" in errors[4]
    assert "exactly one wage" in errors[5]
    assert "exceed the month's expense" in errors[6]
    assert "write the decimal point as a dot: 12.50" in errors[7]
    assert result.error_codes().to_pylist() == [
        "",
        "below_minimum_wage",
        "month_not_covered",
        "invalid_choice",
        "hours_above_maximum",
        "wage_count",
        "aids_above_expense",
        "invalid_number",
    ]
    assert result.ok.tolist() == [True] + [False] * 7


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(wide_row(), min_size=1, max_size=12))
def test_the_ranges_of_every_row_are_the_scalar_ranges(rows: list[dict[str, Any]]) -> None:
    result = compute_batch(columns_from_rows(rows), default_ruleset(), ranges=True)
    for i, row in enumerate(rows):
        if not result.ok[i]:
            continue
        kwargs: dict[str, Any] = {k: (None if v == "" else v) for k, v in row.items()}
        expected = estimate(kwargs.pop("month"), **kwargs)
        bounds = {r.figure: (r.low, r.high) for r in expected.ranges}
        for name in OUTPUT_COLUMNS:
            low = Decimal(int(result.values[f"{name}_low"][i])) / 100
            high = Decimal(int(result.values[f"{name}_high"][i])) / 100
            value = getattr(expected, name)
            assert (low, high) == bounds.get(name, (value, value)), (name, row)


def test_provisional_rows_in_the_batch() -> None:
    rows = [{"month": "2027-03", "hours": "10", "net_hourly": "12.00"}]
    refused = compute_batch(columns_from_rows(rows), default_ruleset())
    assert refused.error_codes().to_pylist() == ["month_not_covered"]
    result = compute_batch(columns_from_rows(rows), default_ruleset(), provisional=True)
    scalar = estimate("2027-03", hours="10", net_hourly="12.00", provisional=True)
    assert result.ok.all()
    assert Decimal(int(result.values["urssaf_debit"][0])) / 100 == scalar.urssaf_debit
