"""The one home of the hypothesis strategies used by the property tests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from cesu_rules import default_ruleset, estimate, plan_of, rules_at
from cesu_rules.numbers import month_range
from cesu_rules.rules.schema import TERRITORIES

from .helpers import cents

CENT = Decimal("0.01")


def all_months() -> list[str]:
    start, until = default_ruleset().coverage
    return [f"{m:%Y-%m}" for m in month_range(start, until)]


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


# --- Rows for the scalar-vs-batch differential: valid, edge and bad inputs ------------------

_TEXT_WAGES = ("net_hourly", "gross_hourly", "net_monthly")


@st.composite
def edge_row(draw: st.DrawFn) -> dict[str, Any]:
    """A row at an edge of the rules: a wage exactly at (or a cent under) the legal minimum,
    a net taxable on a PAS threshold, paid leave left to its default around 32 h, the
    Réunion deduction capped, aids equal to the expense."""
    month = draw(months)
    territory = draw(territories)
    if territory == "mayotte" and month < "2021-01":
        month = "2021-06"
    plan = plan_of(default_ruleset(), month, territory)
    included = draw(st.booleans())
    kind = draw(
        st.sampled_from(["minimum", "minimum_net", "under", "pas", "default_leave", "aids"])
    )
    row: dict[str, Any] = {"month": month, "territory": territory}
    h = draw(st.sampled_from(["1", "10", "31.99", "32", "32.01", "151.67", "174"]))
    row["hours"] = h
    if kind != "default_leave":
        row["paid_leave"] = "included" if included else "excluded"
    if kind == "minimum":
        row["gross_hourly"] = cents(plan.minimum[included])
    elif kind in ("minimum_net", "default_leave"):
        row["net_hourly"] = cents(plan.minimum_net[included] + draw(st.integers(0, 3)))
    elif kind == "under":
        row["net_hourly"] = cents(plan.minimum_net[included] - 1)
    elif kind == "pas" and plan.pas_thresholds:
        # A monthly net whose net taxable lands exactly on a threshold of the grid.
        target = draw(st.sampled_from(plan.pas_thresholds[1:8]))
        row["hours"] = "151.67"
        row["paid_leave"] = "excluded"
        net = target * 95 // 100
        for _ in range(60):
            try:
                r = estimate(
                    month,
                    territory=territory,
                    hours="151.67",
                    net_monthly=cents(net),
                    paid_leave="excluded",
                )
            except Exception:
                break
            taxable = int(r.net_taxable * 100)
            if taxable == target:
                break
            net += 1 if taxable < target else -1
        row["net_monthly"] = cents(net)
    else:
        row["net_hourly"] = "14.00"
        if kind == "aids":
            row["aids"] = draw(st.sampled_from(["10000.00", "0.01"]))
    if draw(st.booleans()):
        row["exemption"] = draw(st.sampled_from(["age_70", "apa", "none"]))
    row["cesu_plus"] = draw(st.booleans())
    return row


@st.composite
def bad_row(draw: st.DrawFn) -> dict[str, Any]:
    """A row the scalar path refuses (or almost): malformed text, out-of-range values."""
    row: dict[str, Any] = {
        "month": draw(st.sampled_from(["2024-04", "2024-4", "April", "", "2031-01", "2018-12"])),
        "territory": draw(st.sampled_from(["metropole", "paris", "", "reunion"])),
        "hours": draw(
            st.sampled_from(["10", "0", "-1", "1e2", "12,5", " 10 ", "300", "", "1_0", "٣"])
        ),
    }
    wages = draw(st.lists(st.sampled_from(_TEXT_WAGES), min_size=0, max_size=2, unique=True))
    for wage in wages:
        row[wage] = draw(
            st.sampled_from(
                ["12.00", "12,50", "nan", "0", "1000.00", "5.00", "12.001", "99999999999999"]
            )
        )
    row["paid_leave"] = draw(st.sampled_from(["", "included", "excluded", "maybe"]))
    row["paid_leave_hours"] = draw(st.sampled_from(["", "2", "500"]))
    row["exemption"] = draw(st.sampled_from(["", "none", "old", "age_70"]))
    row["pas_rate"] = draw(st.sampled_from(["", "7.5", "101"]))
    row["non_resident"] = draw(st.sampled_from([False, True]))
    return row


def as_text(kwargs: dict[str, Any]) -> dict[str, Any]:
    """estimate_kwargs with numbers as text (how a CSV gives them)."""
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in kwargs.items()}


@st.composite
def wide_row(draw: st.DrawFn) -> dict[str, Any]:
    """Any row: valid (any wage kind, aids, defaults), at an edge, or bad."""
    kind = draw(st.sampled_from(["valid", "valid", "valid", "monthly", "edge", "bad"]))
    if kind == "edge":
        return draw(edge_row())
    if kind == "bad":
        return draw(bad_row())
    row = as_text(draw(estimate_kwargs()))
    if kind == "monthly" and "net_hourly" in row:
        net = Decimal(row.pop("net_hourly")) * Decimal(row["hours"])
        row["net_monthly"] = str(net.quantize(CENT))
    if draw(st.booleans()):
        row.pop("paid_leave", None)
        row.pop("paid_leave_hours", None)
    if draw(st.booleans()):
        row["aids"] = str(draw(st.decimals(min_value=0, max_value=300, places=2)))
    return row
