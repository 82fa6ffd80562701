"""Properties of the monthly estimate, over every month, territory and option."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cesu_rules import InputError, default_ruleset, estimate, rules_at
from cesu_rules.calc import estimate as estimate_module
from cesu_rules.calc.estimate import compute, make_inputs
from cesu_rules.calc.kernel import base_units, build_kernel, half_up, line_units
from cesu_rules.calc.rounding import round_cents
from cesu_rules.calc.wage import Bases, gross_from_net, raw_total
from cesu_rules.rules.snapshot import Choice

from .strategies import CENT, estimate_kwargs, hours, months

PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _run(kwargs: dict[str, Any]) -> Any:
    kwargs = dict(kwargs)
    month = kwargs.pop("month")
    try:
        return estimate(month, **kwargs)
    except InputError as exc:  # a drawn net may land under the minimum: then it must say so
        if "below the legal minimum" not in str(exc):
            raise
        return None


@PROFILE
@given(estimate_kwargs())
def test_lines_add_up_and_totals_are_consistent(kwargs: dict[str, Any]) -> None:
    r = _run(kwargs)
    if r is None:
        return
    assert sum(line.amount for line in r.lines_for("employee")) == r.employee_total
    assert sum(line.amount for line in r.lines_for("employer")) == r.employer_total_before_relief
    assert r.net == r.gross - r.employee_total
    assert Decimal(0) < r.net <= r.gross
    assert r.employer_total == r.employer_total_before_relief - r.deduction - r.exemption
    assert r.employer_total >= 0
    contributions = r.employee_total + r.employer_total
    assert r.total_cost == r.gross + r.employer_total == r.net + contributions
    assert r.net_after_pas == r.net - r.pas_amount
    assert 0 <= r.pas_amount <= r.net_taxable
    if r.cesu_plus:
        assert r.urssaf_debit == r.net + contributions - r.advance
        assert r.paid_to_employee == 0
    else:
        assert r.urssaf_debit == contributions + r.pas_amount
        assert r.paid_to_employee == r.net_after_pas
        assert r.advance == 0
    # The credit is half of the expense net of aids (to the cent), the advance at most that.
    assert 0 <= r.advance <= r.tax_credit
    assert abs(r.tax_credit * 2 - (r.total_cost - r.aids)) <= CENT
    assert r.cost_after_credit == r.total_cost - r.aids - r.tax_credit
    assert r.net <= r.net_taxable <= r.gross
    for value in (r.gross, r.net, r.employee_total, r.employer_total, r.total_cost):
        assert value == value.quantize(CENT)


@PROFILE
@given(estimate_kwargs(wage="net_hourly"))
def test_the_declared_net_is_kept_to_the_cent(kwargs: dict[str, Any]) -> None:
    r = _run(kwargs)
    if r is None:
        return
    assert r.net == round_cents(Decimal(kwargs["hours"]) * kwargs["net_hourly"])


@PROFILE
@given(estimate_kwargs())
def test_relief_never_exceeds_what_it_reduces_nor_its_cap(kwargs: dict[str, Any]) -> None:
    r = _run(kwargs)
    if r is None:
        return
    rules = rules_at(default_ruleset(), kwargs["month"], kwargs["territory"])
    reliefs = {line.parameter: line.reliefs for line in rules.lines}
    if r.exemption_case == "none":
        assert r.exemption == 0
        covered = sum(
            line.amount
            for line in r.lines_for("employer")
            if rules.deduction_relief in reliefs[line.parameter]
        )
        assert 0 <= r.deduction <= covered
        assert r.deduction <= round_cents(r.deduction_hours * r.deduction_per_hour)
    else:
        assert r.deduction == 0
        covered = sum(
            line.amount
            for line in r.lines_for("employer")
            if "exemption" in reliefs[line.parameter]
        )
        assert 0 <= r.exemption <= covered
        if r.exemption_case == "age_70":
            assert r.exemption_cap is not None
            assert r.exemption <= r.exemption_cap


@PROFILE
@given(estimate_kwargs(wage="gross_hourly", exemption="none"), st.data())
def test_contributions_grow_with_hours_and_wage(kwargs: dict[str, Any], data: Any) -> None:
    r1 = _run(kwargs)
    more_hours = dict(kwargs, hours=min(Decimal(208), kwargs["hours"] + data.draw(hours)))
    more_hours.pop("paid_leave_hours", None)
    kwargs.pop("paid_leave_hours", None)
    r1 = _run(kwargs)
    r2 = _run(more_hours)
    assert r1 is not None
    assert r2 is not None
    assert r2.employee_total >= r1.employee_total
    assert r2.employer_total_before_relief >= r1.employer_total_before_relief
    higher = dict(
        kwargs,
        gross_hourly=kwargs["gross_hourly"]
        + data.draw(st.decimals(min_value=0, max_value=20, places=2)),
    )
    r3 = _run(higher)
    assert r3 is not None
    assert r3.employee_total >= r1.employee_total
    assert r3.employer_total_before_relief >= r1.employer_total_before_relief


@PROFILE
@given(
    months,
    st.sampled_from(["metropole", "alsace_moselle"]),
    st.decimals(min_value=Decimal("500"), max_value=Decimal("40000"), places=2),
    st.booleans(),
)
def test_gross_to_net_to_gross_within_a_cent(
    month: str, territory: str, gross: Decimal, non_resident: bool
) -> None:
    # On the inversion itself, across the PSS and 4 PSS breakpoints.
    rules = rules_at(default_ruleset(), month, territory)
    employee = [
        line
        for line in rules.lines
        if line.side == "employee" and line.applies_to(non_resident=non_resident)
    ]
    share = rules.csg_base_share.value / 100
    pss = rules.pss_monthly.value
    net = gross - round_cents(raw_total(employee, Bases(gross, pss, share)))
    back = round_cents(gross_from_net(net, employee, pss, share))
    assert abs(back - gross) <= CENT


@PROFILE
@given(
    months,
    st.sampled_from(["metropole", "alsace_moselle", "reunion"]),
    st.integers(min_value=1, max_value=5_000_000),
    st.booleans(),
)
def test_integer_kernel_agrees_with_the_decimal_formulas(
    month: str, territory: str, gross_cents: int, non_resident: bool
) -> None:
    rules = rules_at(default_ruleset(), month, territory)
    share = rules.csg_base_share.value / 100
    pss = rules.pss_monthly.value
    employee = [
        line
        for line in rules.lines
        if line.side == "employee" and line.applies_to(non_resident=non_resident)
    ]
    employer = [
        line
        for line in rules.lines
        if line.side == "employer" and line.applies_to(non_resident=non_resident)
    ]
    kernel = build_kernel(employee, employer, pss, share)
    gross = Decimal(gross_cents) / 100
    bases = Bases(gross, pss, share)
    units = base_units(kernel, gross_cents)
    for lines, specs in ((employee, kernel.employee), (employer, kernel.employer)):
        exact = [amount * 100 * kernel.unit for amount in _decimal_amounts(lines, bases)]
        assert line_units(specs, units) == [int(x) for x in exact]
        assert all(x == int(x) for x in exact)
        assert half_up(sum(line_units(specs, units)), kernel.unit) == int(
            round_cents(raw_total(lines, bases)) * 100
        )


def _decimal_amounts(lines: Any, bases: Bases) -> list[Decimal]:
    out = []
    for line in lines:
        amount = bases[line.base] * line.rate
        if line.monthly_cap is not None:
            amount = min(amount, line.monthly_cap)
        out.append(amount)
    return out


@PROFILE
@given(estimate_kwargs(wage="gross_hourly", exemption="none"))
def test_round_trip_through_the_public_api(kwargs: dict[str, Any]) -> None:
    kwargs = dict(kwargs, hours=Decimal(1))
    kwargs.pop("paid_leave_hours", None)
    r = _run(kwargs)
    assert r is not None
    back = _run(dict(kwargs, gross_hourly=None, net_hourly=r.net))
    assert back is not None
    assert abs(back.gross - r.gross) <= CENT


@PROFILE
@given(
    estimate_kwargs(),
    st.sampled_from(["monthly", "hourly"]),
    st.sampled_from(["total_then_lines", "each_line"]),
)
def test_every_rounding_policy_keeps_the_invariants(
    kwargs: dict[str, Any], inversion: str, totals: str
) -> None:
    kwargs = dict(kwargs)
    rules = rules_at(default_ruleset(), kwargs.pop("month"), kwargs.pop("territory"))
    rules = dataclasses.replace(
        rules,
        inversion_policy=dataclasses.replace(rules.inversion_policy, choice=inversion),
        totals_policy=Choice(
            rules.totals_policy.parameter,
            totals,
            "assumed",
            rules.totals_policy.start,
            rules.totals_policy.sources,
        ),
        ruleset_hash=f"{rules.ruleset_hash}:{inversion}:{totals}",
    )
    try:
        inputs = make_inputs(rules, **kwargs)
    except InputError:
        return
    r = compute(rules, inputs)
    assert sum(line.amount for line in r.lines_for("employee")) == r.employee_total
    assert sum(line.amount for line in r.lines_for("employer")) == r.employer_total_before_relief
    assert r.net == r.gross - r.employee_total
    if inputs.net_hourly is not None:
        assert r.net == round_cents(inputs.hours * inputs.net_hourly)
    if totals == "each_line" and (inversion == "monthly" or inputs.gross_hourly is not None):
        caps = {line.parameter: line.monthly_cap for line in rules.lines}
        for line in r.lines:
            raw = line.base * line.rate / 100
            cap = caps[line.parameter]
            if cap is not None:
                raw = min(raw, cap)
            assert abs(line.amount - raw) <= CENT  # each line rounded on its own


@PROFILE
@given(
    months,
    st.sampled_from(["metropole", "mayotte", "alsace_moselle"]),
    st.booleans(),
    st.booleans(),
    st.decimals(min_value=Decimal("0.25"), max_value=Decimal(208), places=2),
)
def test_the_minimum_wage_fast_path_never_accepts_a_wage_under_the_minimum(
    month: str, territory: str, included: bool, non_resident: bool, h: Decimal
) -> None:
    if territory == "mayotte" and month < "2021-01":
        return
    rules = rules_at(default_ruleset(), month, territory)
    structure = estimate_module._structure(rules, non_resident)
    safe = structure.safe_net[included]
    minimum = rules.smic_hourly.value
    if included:
        minimum = round_cents(minimum * Decimal("1.1"))
    exact = gross_from_net(
        safe * h,
        list(structure.employee),
        rules.pss_monthly.value,
        rules.csg_base_share.value / 100,
    )
    assert round_cents(exact / h) >= minimum
