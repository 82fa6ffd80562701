"""The input checks at their exact edges, in the batch engine and the scalar estimate alike.

Each case is one row at a boundary of a check (the smallest quantity, a value equal to a
limit, a cent either side of the legal minimum) with the refusal it must get, or none. The
rows are run in a batch of one month (one plan: the stack's scalar branch) and mixed with a
row of another month and territory (several plans: the per-row branch), and every row must
also agree with the scalar estimate, code and message.
"""

from __future__ import annotations

from typing import Any

import pytest

from cesu_rules import InputError, default_ruleset, estimate, plan_of
from cesu_rules.calc.inputs import read_inputs

from .differential import batch_of, differences
from .helpers import cents

pytest.importorskip("numpy")
pytest.importorskip("pyarrow")

MONTH, TERRITORY = "2026-01", "metropole"


def _cases() -> list[tuple[str, dict[str, str], str | None]]:
    plan = plan_of(default_ruleset(), MONTH, TERRITORY)
    excluded, included = plan.minimum
    net_excluded = plan.minimum_net[0]
    return [
        ("a hundredth of an hour is worked time", {"hours": "0.01", "net_hourly": "15.00"}, None),
        ("no hours", {"hours": "0", "net_hourly": "15.00"}, "hours_not_positive"),
        (
            "a cent an hour is a wage, below the minimum",
            {"hours": "10", "net_hourly": "0.01"},
            "below_minimum_wage",
        ),
        ("a zero wage", {"hours": "10", "net_hourly": "0"}, "hourly_wage_out_of_range"),
        ("a zero gross", {"hours": "10", "gross_hourly": "0"}, "hourly_wage_out_of_range"),
        (
            "an hourly wage of 1 000 € is refused",
            {"hours": "10", "gross_hourly": "1000.00"},
            "hourly_wage_out_of_range",
        ),
        ("a cent under 1 000 € is accepted", {"hours": "10", "gross_hourly": "999.99"}, None),
        ("a zero monthly net", {"hours": "10", "net_monthly": "0"}, "net_monthly_out_of_range"),
        (
            "a monthly net of exactly 1 000 € an hour",
            {"hours": "10", "net_monthly": "10000.00"},
            "net_monthly_out_of_range",
        ),
        ("a cent under 1 000 € an hour", {"hours": "10", "net_monthly": "9999.99"}, None),
        (
            "a monthly net for a hundredth of an hour (15 € an hour)",
            {"hours": "0.01", "net_monthly": "0.15"},
            None,
        ),
        (
            "paid-leave hours equal to the hours",
            {
                "hours": "10",
                "net_hourly": "15.00",
                "paid_leave": "excluded",
                "paid_leave_hours": "10",
            },
            None,
        ),
        (
            "paid-leave hours above the hours",
            {
                "hours": "10",
                "net_hourly": "15.00",
                "paid_leave": "excluded",
                "paid_leave_hours": "10.01",
            },
            "leave_hours_out_of_range",
        ),
        (
            "a hundredth of a paid-leave hour with the uplift",
            {
                "hours": "10",
                "net_hourly": "15.00",
                "paid_leave": "included",
                "paid_leave_hours": "0.01",
            },
            "leave_hours_with_uplift",
        ),
        (
            "a PAS rate of exactly 100 %",
            {"hours": "10", "net_hourly": "15.00", "pas_rate": "100.00"},
            None,
        ),
        (
            "a PAS rate above 100 %",
            {"hours": "10", "net_hourly": "15.00", "pas_rate": "100.01"},
            "pas_rate_out_of_range",
        ),
        (
            "the SMIC as gross, paid leave apart",
            {"hours": "10", "gross_hourly": cents(excluded), "paid_leave": "excluded"},
            None,
        ),
        (
            "a cent under the SMIC, paid leave apart",
            {"hours": "10", "gross_hourly": cents(excluded - 1), "paid_leave": "excluded"},
            "below_minimum_wage",
        ),
        (
            "the SMIC without the uplift when paid leave is included",
            {"hours": "10", "gross_hourly": cents(excluded), "paid_leave": "included"},
            "below_minimum_wage",
        ),
        (
            "110 % of the SMIC, paid leave included",
            {"hours": "10", "gross_hourly": cents(included), "paid_leave": "included"},
            None,
        ),
        (
            "the minimum net, paid leave apart",
            {"hours": "10", "net_hourly": cents(net_excluded), "paid_leave": "excluded"},
            None,
        ),
        (
            "a cent under the minimum net",
            {"hours": "10", "net_hourly": cents(net_excluded - 1), "paid_leave": "excluded"},
            "below_minimum_wage",
        ),
        (
            "the minimum net as a monthly net over 151.67 hours",
            {
                "hours": "151.67",
                "net_monthly": cents(net_excluded * 15167 // 100 + 1),
                "paid_leave": "excluded",
            },
            None,
        ),
        (
            "aids equal to the expense",
            {"hours": "10", "net_hourly": "15.00", "paid_leave": "excluded", "aids": _expense()},
            None,
        ),
        (
            "aids a cent above the expense",
            {
                "hours": "10",
                "net_hourly": "15.00",
                "paid_leave": "excluded",
                "aids": cents(int(_expense().replace(".", "")) + 1),
            },
            "aids_above_expense",
        ),
    ]


def _expense() -> str:
    """The month's expense (net and contributions) of 10 hours at 15.00 € net."""
    found = estimate(MONTH, hours="10", net_hourly="15.00", paid_leave="excluded").total_cost
    return f"{found:.2f}"


CASES = _cases()


def _rows(other: bool) -> list[dict[str, Any]]:
    rows = [{"month": MONTH, "territory": TERRITORY, **row} for _, row, _ in CASES]
    if other:  # a second plan in the batch
        rows.append(
            {"month": "2025-06", "territory": "reunion", "hours": "10", "net_hourly": "11.00"}
        )
    return rows


@pytest.mark.parametrize("other", [False, True], ids=["one plan", "several plans"])
def test_each_check_at_its_edge(other: bool) -> None:
    rows = _rows(other)
    result = batch_of(rows, default_ruleset())
    codes = result.error_codes().to_pylist()[: len(CASES)]
    expected = [code or "" for _, _, code in CASES]
    assert dict(zip([name for name, _, _ in CASES], codes, strict=True)) == dict(
        zip([name for name, _, _ in CASES], expected, strict=True)
    )
    assert differences(rows, default_ruleset(), result) == []


def test_a_wage_below_the_minimum_names_the_wage_given() -> None:
    net = plan_of(default_ruleset(), MONTH, TERRITORY).minimum_net[0] - 1
    with pytest.raises(InputError) as caught:
        estimate(MONTH, hours="10", net_hourly=cents(net), paid_leave="excluded")
    error = caught.value
    assert (error.code, error.field, error.value) == ("below_minimum_wage", "net_hourly", "9.38")


@pytest.mark.parametrize("territory", ["metropole", "alsace_moselle", "reunion"])
def test_declared_nets_on_every_segment_of_the_inverse(territory: str) -> None:
    """Monthly nets at the end of each segment of the net → gross inverse (the gross at the
    PSS and at 4 PSS), a cent either side, and far above: the batch equals the scalar path."""
    plan = plan_of(default_ruleset(), MONTH, territory)
    nets = [e // plan.unit + d for e in plan.net_ends for d in (-1, 0, 1, 2)] + [3_000_000]
    rows = [
        {
            "month": MONTH,
            "territory": territory,
            "hours": "200",
            "net_monthly": cents(net),
            "paid_leave": "excluded",
        }
        for net in nets
    ]
    result = batch_of(rows, default_ruleset())
    assert result.error_codes().to_pylist() == [""] * len(rows)
    gross = result.values["gross"].tolist()
    assert gross[1] <= plan.pss < gross[3]  # the first end is the PSS
    assert gross[5] <= 4 * plan.pss < gross[7]  # the second, 4 PSS
    assert differences(rows, default_ruleset(), result) == []


@pytest.mark.parametrize(
    ("options", "code", "value"),
    [
        ({"paid_leave": "included", "paid_leave_hours": "0.01"}, "leave_hours_with_uplift", "0.01"),
        (
            {"paid_leave": "excluded", "paid_leave_hours": "10.5"},
            "leave_hours_out_of_range",
            "10.5",
        ),
        ({"pas_rate": "100.01"}, "pas_rate_out_of_range", "100.01"),
    ],
)
def test_each_refusal_names_the_value_refused(
    options: dict[str, Any], code: str, value: str
) -> None:
    with pytest.raises(InputError) as caught:
        estimate(MONTH, hours="10", net_hourly="15.00", **options)
    assert (caught.value.code, caught.value.value) == (code, value)


def test_a_missing_required_input_is_named_with_an_example() -> None:
    with pytest.raises(InputError) as caught:
        read_inputs(MONTH, {"net_hourly": "12.00", "hours": None})
    error = caught.value
    assert (error.code, error.value) == ("missing_input", "hours")
    assert error.message == "missing hours; example: hours 10.5"
