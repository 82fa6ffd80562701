"""The one home of the hypothesis strategies used by the property tests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from cesu_rules import default_ruleset, rules_at
from cesu_rules.rules.schema import TERRITORIES

CENT = Decimal("0.01")


def all_months() -> list[str]:
    start, until = default_ruleset().coverage
    months = []
    year, month = start.year, start.month
    while (year, month) <= (until.year, until.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def edge_months() -> list[str]:
    """Every month in which some parameter starts, and the month before it."""
    ruleset = default_ruleset()
    start, until = ruleset.coverage
    edges: set[str] = set()
    for param in ruleset.parameters.values():
        for entry in param.values:
            if start <= entry.start <= until:
                edges.add(f"{entry.start:%Y-%m}")
                edges.add(f"{entry.start - timedelta(days=1):%Y-%m}")
    return sorted(m for m in edges if m >= f"{start:%Y-%m}")


MONTHS = all_months()
EDGES = edge_months()

months = st.sampled_from(EDGES) | st.sampled_from(MONTHS)
territories = st.sampled_from(TERRITORIES)
hours = st.decimals(min_value=Decimal("0.25"), max_value=Decimal(208), places=2)


def minimum_gross_hourly(month: str, territory: str, paid_leave_included: bool) -> Decimal:
    rules = rules_at(default_ruleset(), month, territory)
    smic = rules.smic_hourly.value
    if paid_leave_included:
        return (smic * Decimal("1.1")).quantize(CENT, rounding="ROUND_HALF_UP")
    return smic


@st.composite
def estimate_kwargs(
    draw: st.DrawFn, *, wage: str | None = None, exemption: str | None = None
) -> dict[str, Any]:
    """Valid keyword arguments for cesu_rules.estimate (any month, territory, option)."""
    month = draw(months)
    territory = draw(territories)
    if territory == "mayotte" and month < "2021-01":
        month = draw(st.sampled_from([m for m in MONTHS if m >= "2021-01"]))
    h = draw(hours)
    included = draw(st.booleans())
    minimum = minimum_gross_hourly(month, territory, included)
    kind = wage or draw(st.sampled_from(["net_hourly", "gross_hourly"]))
    gross_h = draw(st.decimals(min_value=minimum + CENT * 2, max_value=Decimal(80), places=2))
    kwargs: dict[str, Any] = {
        "month": month,
        "territory": territory,
        "hours": h,
        "paid_leave": "included" if included else "excluded",
        "non_resident": draw(st.booleans()),
        "exemption": exemption
        or draw(st.sampled_from(["none", "none", "none", "age_70", "apa", "invalidite_80"])),
    }
    if kind == "gross_hourly":
        kwargs["gross_hourly"] = gross_h
    else:
        # A net comfortably above the minimum for any line structure (employee rate < 25 %).
        kwargs["net_hourly"] = (gross_h * Decimal("0.80")).quantize(CENT) + CENT * 3
        if kwargs["net_hourly"] >= Decimal(1000):
            kwargs["net_hourly"] = Decimal("999.00")
    if not included and draw(st.booleans()):
        kwargs["paid_leave_hours"] = draw(st.decimals(min_value=0, max_value=h, places=2))
    kwargs["cesu_plus"] = draw(st.booleans())
    if draw(st.booleans()):
        kwargs["pas_rate"] = draw(st.decimals(min_value=0, max_value=45, places=1))
    return kwargs
