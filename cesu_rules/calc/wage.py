"""Payslip step 1: the wage. Net ↔ gross on the month's line structure, and the employee lines.

The employee contributions are a piecewise-linear function of the monthly gross G: the
"plafonnée" lines stop at the PSS, chômage at 4 PSS, and the CSG/CRDS base is 98.25 % of G up
to 4 PSS and 100 % above. The net ``N(G) = G − E(G)`` is strictly increasing, so it is
inverted exactly, segment by segment, as a fraction of integers (no iteration, no float):
:func:`exact_gross`. How the result is rounded to the cent is the ruleset's policy:

* inversion ``monthly``: the month's declared net is inverted and the gross rounded half-up;
  with the ``each_line`` totals policy the gross is the cent closest to that exact gross at
  which the lines, each rounded to the cent, leave exactly the declared net
  (:func:`search_gross`);
* inversion ``hourly``: the hourly gross is rounded first, then multiplied by the hours.

In every case the declared net is kept to the cent (the employee is paid it) and the employee
total is gross − net. Given a gross hourly wage instead, the lines are rounded per the totals
policy and the net follows.

Scalar functions (ints) and their vector twins (``_v``, numpy) sit side by side.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .contributions import (
    Bases,
    SideSums,
    bases,
    bases_v,
    half_up,
    line_units,
    line_units_v,
    round_side,
    round_side_v,
    side_sums_v,
    sums_of_cents,
)
from .plan import MonthPlan
from .stack import PlanStack

__all__ = [
    "SEARCH_CENTS",
    "Wage",
    "exact_gross",
    "exact_gross_v",
    "gross_from_net",
    "search_gross",
    "wage",
    "wage_v",
]

# How far (in cents, each way) the per-line policy looks for a gross leaving the declared net.
SEARCH_CENTS = 40


class Wage(NamedTuple):
    """The wage of a month, in cents (hourly figures in cents an hour)."""

    gross: int
    net: int
    gross_hourly: int
    net_hourly: int
    base: Bases
    employee: list[int]  # cents of each employee line, in the plan's order
    employee_total: int


# ---------------------------------------------------------------------------------------------
# Scalar


def exact_gross(plan: MonthPlan, net: int, scale: int = 1) -> tuple[int, int]:
    """The exact gross G (a fraction num/den of cents) whose net is ``net / scale`` cents."""
    u, (s0, s1, s2), (e0, e1), pss = plan.unit, plan.slopes, plan.net_ends, plan.pss
    x = net * u
    if x <= e0 * scale:
        start, end, slope = 0, 0, s0
    elif x <= e1 * scale:
        start, end, slope = pss, e0, s1
    else:
        start, end, slope = 4 * pss, e1, s2
    free = u - slope
    return start * free * scale + x - end * scale, free * scale


def gross_from_net(plan: MonthPlan, net: int) -> int:
    """The gross of a month's net (cents), inverted exactly and rounded half-up."""
    num, den = exact_gross(plan, net)
    return half_up(num, den)


def _employee_net(plan: MonthPlan, gross: int) -> tuple[int, Bases, list[int]]:
    base = bases(plan, gross)
    cents = [half_up(a, plan.unit) for a in line_units(plan.employee, base)]
    return gross - sum(cents), base, cents


def search_gross(plan: MonthPlan, net: int, num: int, den: int) -> tuple[int, Bases, list[int]]:
    """The cent gross closest to num/den (ties: the lower) whose employee lines, each rounded
    half-up, leave exactly ``net`` cents; candidates are tried by increasing distance."""
    nearest = -((den - 2 * num) // (2 * den))  # ceil(num/den − ½): ties go to the lower
    step = 1 if num > nearest * den else -1
    for k in range(2 * SEARCH_CENTS + 1):
        offset = (k + 1) // 2
        gross = nearest + (offset * step if k % 2 else -offset * step)
        found, base, cents = _employee_net(plan, gross)
        if found == net:
            return gross, base, cents
    raise AssertionError(f"no gross leaves the net {net} cents with per-line rounding")


def wage(
    plan: MonthPlan,
    *,
    hours: int,
    net_hourly: int | None,
    gross_hourly: int | None,
    net_monthly: int | None,
) -> Wage:
    """Gross, net and the employee lines of a month (hours in hundredths, money in cents)."""
    if gross_hourly is not None:
        gross = half_up(gross_hourly * hours, 100)
        base = bases(plan, gross)
        cents, total = round_side(plan, line_units(plan.employee, base))
        net = gross - total
        return Wage(gross, net, gross_hourly, half_up(net * 100, hours), base, cents, total)
    if net_monthly is not None:
        net = net_monthly
        net_h = half_up(net * 100, hours)
        exact, scale = net, 1
    else:
        assert net_hourly is not None
        net = half_up(net_hourly * hours, 100)
        net_h = net_hourly
        exact, scale = net_hourly * hours, 100
    if plan.inversion == "hourly":
        num, den = exact_gross(plan, exact, scale)
        gross_h = half_up(num * 100, den * hours)
        gross = half_up(gross_h * hours, 100)
        base = bases(plan, gross)
        cents, _ = round_side(plan, line_units(plan.employee, base), gross - net)
        return Wage(gross, net, gross_h, net_h, base, cents, gross - net)
    num, den = exact_gross(plan, net)
    if plan.totals == "each_line":
        gross, base, cents = search_gross(plan, net, num, den)
    else:
        gross = half_up(num, den)
        base = bases(plan, gross)
        cents, _ = round_side(plan, line_units(plan.employee, base), gross - net)
    return Wage(gross, net, half_up(gross * 100, hours), net_h, base, cents, gross - net)


# ---------------------------------------------------------------------------------------------
# Vector


def exact_gross_v(stack: PlanStack, plan: Any, x: Any, scale: int) -> tuple[Any, Any]:
    """Vector :func:`exact_gross` for nets of ``x / scale`` cents: (num, free slope) with
    G = num / (free × scale)."""
    np = stack.np
    e0, e1 = (stack.take(e, plan) for e in stack.net_end)
    free0, free1, free2 = (stack.take(f, plan) for f in stack.free)
    pss = stack.take(stack.pss, plan)
    xu = x * stack.unit
    if scale != 1:
        e0, e1 = e0 * scale, e1 * scale
    seg1 = xu > e0
    seg2 = xu > e1
    start = np.where(seg2, 4 * pss, np.where(seg1, pss, 0))
    end = np.where(seg2, e1, np.where(seg1, e0, 0))
    free = np.where(seg2, free2, np.where(seg1, free1, free0))
    return start * free * scale + xu - end, free


def _employee_v(stack: PlanStack, plan: Any, gross: Any) -> tuple[Any, SideSums]:
    """The net of gross wages under ``each_line`` rounding, and the employee side's sums."""
    sums = side_sums_v(stack, "employee", plan, bases_v(stack, plan, gross))
    return gross - sums.total, sums


def _search_v(
    stack: PlanStack, plan: Any, net: Any, num: Any, den: Any, *, given: Any
) -> tuple[Any, SideSums]:
    """Vector :func:`search_gross`: candidates in the same order, each tried only on the rows
    still without a match. Rows with a ``given`` gross (≥ 0) keep it and are not searched."""
    np = stack.np
    nearest = -((den - 2 * num) // (2 * den))
    step = np.where(num > nearest * den, 1, -1)
    searched = given < 0
    gross = np.where(searched, nearest, given)
    found, sums = _employee_v(stack, plan, gross)
    todo = np.nonzero(searched & (found != net))[0]
    k = 0
    while todo.size:
        k += 1
        if k > 2 * SEARCH_CENTS:
            raise AssertionError("no gross leaves the declared net with per-line rounding")
        offset = (k + 1) // 2
        sub_plan = plan if stack.single else plan[todo]
        candidate = nearest[todo] + (offset if k % 2 else -offset) * step[todo]
        found_k, sums_k = _employee_v(stack, sub_plan, candidate)
        hit = found_k == net[todo]
        rows = todo[hit]
        gross[rows] = candidate[hit]
        for mine, theirs in zip(sums, sums_k, strict=True):
            mine[rows] = theirs[hit]
        todo = todo[~hit]
    return gross, sums


def wage_v(
    stack: PlanStack,
    plan: Any,
    *,
    hours: Any,
    net_hourly: Any,
    gross_hourly: Any,
    net_monthly: Any,
    inversion: str,
    totals: str,
) -> dict[str, Any]:
    """:func:`wage` on rows of any wage kind (int64, −1 where not given: a row gives its
    ``gross_hourly``, its ``net_hourly`` or its ``net_monthly``). Returns the gross, net and
    hourly figures, the final ``base`` and the employee side's :class:`SideSums`."""
    np = stack.np
    from_gross = gross_hourly >= 0
    monthly = net_monthly >= 0
    hourly_net = np.maximum(net_hourly, 0)
    net = np.where(monthly, net_monthly, half_up(hourly_net * hours, 100))
    given = np.where(from_gross, half_up(np.maximum(gross_hourly, 0) * hours, 100), -1)
    if inversion == "monthly" and totals == "each_line":
        # The declared net inverted and searched; a given gross taken as is: one pass.
        num, free = exact_gross_v(stack, plan, np.where(from_gross, 0, net), 1)
        gross, employee = _search_v(stack, plan, net, num, free, given=given)
        net = np.where(from_gross, gross - employee.total, net)
        gross_h = np.where(from_gross, gross_hourly, half_up(gross * 100, hours))
    else:
        gross, gross_h, employee = _other_policies(
            stack,
            plan,
            hours=hours,
            net=net,
            exact_hourly=hourly_net * hours,
            given=given,
            gross_hourly=gross_hourly,
            monthly=monthly,
            inversion=inversion,
            totals=totals,
        )
        net = np.where(from_gross, gross - employee.total, net)
    net_h = np.where(from_gross | monthly, half_up(net * 100, hours), net_hourly)
    return {
        "gross": gross,
        "net": net,
        "gross_hourly": gross_h,
        "net_hourly": net_h,
        "base": bases_v(stack, plan, gross),
        "employee": employee,
        "employee_total": employee.total,
    }


def _other_policies(
    stack: PlanStack,
    plan: Any,
    *,
    hours: Any,
    net: Any,
    exact_hourly: Any,
    given: Any,
    gross_hourly: Any,
    monthly: Any,
    inversion: str,
    totals: str,
) -> tuple[Any, Any, SideSums]:
    """(gross, gross hourly, employee sums) under the hourly inversion or the
    ``total_then_lines`` policy, which share a total among the lines (allocation)."""
    np = stack.np
    from_gross = given >= 0
    if inversion == "hourly":
        # The exact net is net_hourly × hours / 100 (scale 100), or the monthly net.
        x = np.where(from_gross, 0, np.where(monthly, net * 100, exact_hourly))
        num, free = exact_gross_v(stack, plan, x, 100)
        gross_h = half_up(num, free * np.maximum(hours, 1))
        gross = half_up(gross_h * hours, 100)
    else:
        num, free = exact_gross_v(stack, plan, np.where(from_gross, 0, net), 1)
        gross = half_up(num, free)
        gross_h = half_up(gross * 100, hours)
    gross = np.where(from_gross, given, gross)
    gross_h = np.where(from_gross, gross_hourly, gross_h)
    units = line_units_v(stack, "employee", plan, bases_v(stack, plan, gross))
    # A declared net fixes the employee total (gross − net); a given gross rounds its lines
    # by the totals policy.
    shared, _ = round_side_v(stack, "employee", plan, units, totals, total=gross - net)
    own, own_total = round_side_v(stack, "employee", plan, units, totals)
    cents = np.where(from_gross[:, None], own, shared)
    total = np.where(from_gross, own_total, gross - net)
    return gross, gross_h, sums_of_cents(stack, "employee", plan, cents, total)
