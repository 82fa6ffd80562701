"""The batch engine gives the scalar estimate's figures to the cent, row by row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cesu_rules import InputError, default_ruleset, estimate
from cesu_rules.batch import OUTPUT_COLUMNS, compute_batch
from cesu_rules.tables import columns_from_rows

from .strategies import estimate_kwargs

np = pytest.importorskip("numpy")


def _scalar(row: dict[str, Any]) -> Any:
    kwargs = dict(row)
    month = kwargs.pop("month")
    try:
        return estimate(month, **kwargs)
    except InputError as exc:
        return exc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(estimate_kwargs(), min_size=1, max_size=40))
def test_every_row_equals_the_scalar_estimate(rows: list[dict[str, Any]]) -> None:
    out, errors = compute_batch(columns_from_rows(rows), default_ruleset())
    for i, row in enumerate(rows):
        expected = _scalar(row)
        if isinstance(expected, InputError):
            assert errors[i], (row, str(expected))
            continue
        assert errors[i] == "", (row, errors[i])
        for name in OUTPUT_COLUMNS:
            assert Decimal(int(out[name][i])) / 100 == getattr(expected, name), (name, row)


def test_bad_rows_get_an_error_and_the_others_are_computed() -> None:
    rows = [
        {"month": "2024-04", "hours": "10", "net_hourly": "12.00"},
        {"month": "2024-04", "hours": "10", "net_hourly": "5.00"},
        {"month": "2031-01", "hours": "10", "net_hourly": "12.00"},
        {"month": "2024-04", "hours": "10", "net_hourly": "12.00", "territory": "paris"},
        {"month": "2024-04", "hours": "300", "net_hourly": "12.00"},
        {"month": "2024-04", "hours": "10", "net_hourly": "12.00", "gross_hourly": "15.00"},
        {"month": "2024-04", "hours": "10", "net_hourly": "12.00", "aids": "500.00"},
    ]
    out, errors = compute_batch(columns_from_rows(rows), default_ruleset())
    assert errors[0] == ""
    assert out["gross"][0] == 15361
    assert "below the legal minimum" in errors[1]
    assert "outside the rulesets" in errors[2]
    assert "unknown territory" in errors[3]
    assert "legal maximum" in errors[4]
    assert "exactly one wage" in errors[5]
    assert "exceed the month's expense" in errors[6]
    assert (out["gross"][1:] == -1).all()
