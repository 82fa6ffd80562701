"""Properties of the monthly estimate, over every month, territory and option, and the
engine against the independent Decimal oracle of tests/oracle.py."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cesu_rules import InputError, default_ruleset, estimate, rules_at
from cesu_rules.api import read
from cesu_rules.calc.estimate import compute
from cesu_rules.calc.plan import compile_plan
from cesu_rules.calc.wage import gross_from_net
from cesu_rules.fields import BATCH_OUTPUTS
from cesu_rules.rules.snapshot import Choice, Rules

from . import oracle
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


def with_policies(rules: Rules, inversion: str, totals: str) -> Rules:
    """The snapshot with other rounding policies (a distinct hash: its own plan)."""
    return dataclasses.replace(
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


def _oracle_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    numbers = (
        "hours",
        "net_hourly",
        "gross_hourly",
        "net_monthly",
        "paid_leave_hours",
        "pas_rate",
        "aids",
    )
    out = {k: v for k, v in kwargs.items() if k not in ("month", "territory")}
    return {k: (Decimal(v) if k in numbers else v) for k, v in out.items()}


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
    assert r.net == oracle.r2(Decimal(kwargs["hours"]) * kwargs["net_hourly"])


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
        assert r.deduction <= oracle.r2(r.deduction_hours * r.deduction_per_hour)
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
    estimate_kwargs(),
    st.sampled_from(["monthly", "hourly"]),
    st.sampled_from(["total_then_lines", "each_line"]),
)
def test_the_engine_equals_the_decimal_oracle_under_every_policy(
    kwargs: dict[str, Any], inversion: str, totals: str
) -> None:
    """Every figure and every line, to the cent, against tests/oracle.py."""
    rules = with_policies(
        rules_at(default_ruleset(), kwargs["month"], kwargs["territory"]), inversion, totals
    )
    plan = compile_plan(rules, bool(kwargs.get("non_resident")))
    month = kwargs["month"]
    options = {k: v for k, v in kwargs.items() if k != "month"}
    try:
        _, inputs = read(month, options)
        r = compute(plan, inputs)
    except InputError:
        return
    expected = oracle.estimate(rules, **_oracle_kwargs(kwargs))
    for name in BATCH_OUTPUTS:
        assert getattr(r, name) == expected.figures[name], name
    assert [line.amount for line in r.lines_for("employee")] == expected.employee
    assert [line.amount for line in r.lines_for("employer")] == expected.employer
    assert r.net == r.gross - r.employee_total
    if totals == "each_line" and (inversion == "monthly" or "gross_hourly" in kwargs):
        for line in r.lines:  # each line rounded on its own
            raw = line.base * line.rate / 100
            assert abs(line.amount - raw) <= CENT or line.code == "sante_au_travail"


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
    employee, _ = oracle.sides(rules, non_resident)
    share = rules.csg_base_share.value / 100
    pss = rules.pss_monthly.value
    net = oracle.r2(oracle.net_of(gross, employee, pss, share))
    back = Decimal(gross_from_net(compile_plan(rules, non_resident), int(net * 100))) / 100
    assert abs(back - gross) <= CENT


@PROFILE
@given(estimate_kwargs(wage="gross_hourly", exemption="none"))
def test_round_trip_through_the_public_api(kwargs: dict[str, Any]) -> None:
    """gross → net → gross: the net comes back to the cent. With each line rounded on its
    own several grosses can leave the same net; the engine takes the one closest to the
    exact inverse, at most (lines × ½ cent) / (1 − rate) from it: a few cents."""
    kwargs = dict(kwargs, hours=Decimal(1))
    kwargs.pop("paid_leave_hours", None)
    r = _run(kwargs)
    assert r is not None
    back = _run(dict(kwargs, gross_hourly=None, net_hourly=r.net))
    assert back is not None
    assert back.net == r.net
    assert abs(back.gross - r.gross) <= CENT * 10
    for policy in ("total_then_lines",):  # one rounding of the total: within a cent
        rules = with_policies(
            rules_at(default_ruleset(), kwargs["month"], kwargs["territory"]), "monthly", policy
        )
        plan = compile_plan(rules, bool(kwargs.get("non_resident")))
        options = {k: v for k, v in kwargs.items() if k != "month"}
        first = compute(plan, read(kwargs["month"], options)[1])
        options = dict(options, gross_hourly=None, net_hourly=first.net)
        again = compute(plan, read(kwargs["month"], options)[1])
        assert abs(again.gross - first.gross) <= CENT


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
    plan = compile_plan(rules, non_resident)
    safe = Decimal(plan.safe_net[included]) / 100
    employee, _ = oracle.sides(rules, non_resident)
    exact = oracle.inverse(
        safe * h, employee, rules.pss_monthly.value, rules.csg_base_share.value / 100
    )
    assert oracle.r2(exact / h) * 100 >= plan.minimum[included]
