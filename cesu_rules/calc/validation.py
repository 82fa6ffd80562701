"""Checking the read inputs against the month's rules: the scalar check and its vector twin,
in the same order, with the messages of :mod:`.messages`."""

from __future__ import annotations

from typing import Any

from .contributions import half_up
from .inputs import MAX_HOURLY_CENTS, WAGES, Inputs
from .messages import CHECK_CODES, GIVEN, WHAT, cents_text, fail, hundredths_text
from .plan import MonthPlan
from .stack import PlanStack
from .wage import exact_gross, exact_gross_v

__all__ = ["check_gross_hourly", "check_inputs", "check_inputs_v", "leave_included"]


def leave_included(plan: MonthPlan, inputs: Inputs) -> bool:
    """Whether the wage includes the 10 % paid-leave uplift (by default up to 32 h)."""
    if inputs.paid_leave is None:
        return inputs.hours <= plan.leave_threshold
    return inputs.paid_leave == "included"


def check_inputs(plan: MonthPlan, inputs: Inputs) -> bool:
    """Check ``inputs`` against the month's rules; returns whether paid leave is included.

    Raises :class:`~cesu_rules.errors.InputError` (see :data:`CHECKS`): hours ≤ 0 or above
    the legal monthly maximum, a wage out of range or below the legal minimum, paid-leave
    hours out of range, a PAS rate above 100 %.
    """
    h = inputs.hours
    if h <= 0:
        raise fail("hours_not_positive", value=hundredths_text(h))
    if h > plan.max_hours:
        raise fail(
            "hours_above_maximum", value=hundredths_text(h), maximum=hundredths_text(plan.max_hours)
        )
    for name in ("net_hourly", "gross_hourly"):
        wage = getattr(inputs, name)
        if wage is not None and not 0 < wage < MAX_HOURLY_CENTS:
            raise fail("hourly_wage_out_of_range", field=name, value=cents_text(wage))
    nm = inputs.net_monthly
    if nm is not None and not 0 < nm * 100 < MAX_HOURLY_CENTS * h:
        raise fail("net_monthly_out_of_range", value=cents_text(nm), hours=hundredths_text(h))
    included = leave_included(plan, inputs)
    leave = inputs.paid_leave_hours
    if leave > h:
        raise fail(
            "leave_hours_out_of_range", value=hundredths_text(leave), hours=hundredths_text(h)
        )
    if leave and included:
        raise fail("leave_hours_with_uplift", value=hundredths_text(leave))
    if inputs.pas_rate is not None and inputs.pas_rate > 10_000:
        raise fail("pas_rate_out_of_range", value=hundredths_text(inputs.pas_rate))
    if inputs.net_hourly is None or inputs.net_hourly < plan.safe_net[included]:
        _check_minimum(plan, inputs, included)
    return included


def check_gross_hourly(plan: MonthPlan, inputs: Inputs) -> int:
    """The hourly gross the minimum-wage check compares (cents): the one given, or the
    declared net's exact gross divided by the hours, rounded half-up."""
    if inputs.gross_hourly is not None:
        return inputs.gross_hourly
    if inputs.net_monthly is not None:
        num, den = exact_gross(plan, inputs.net_monthly)
        return half_up(num * 100, den * inputs.hours)
    assert inputs.net_hourly is not None
    num, den = exact_gross(plan, inputs.net_hourly * inputs.hours, 100)
    return half_up(num * 100, den * inputs.hours)


def _check_minimum(plan: MonthPlan, inputs: Inputs, included: bool) -> None:
    gross_h = check_gross_hourly(plan, inputs)
    minimum = plan.minimum[included]
    if gross_h >= minimum:
        return
    kind = next(name for name in WAGES if getattr(inputs, name) is not None)
    given = GIVEN[kind].format(
        value=cents_text(getattr(inputs, kind)),
        gross=cents_text(gross_h),
        hours=hundredths_text(inputs.hours),
    )
    net_min = cents_text(plan.minimum_net[included])
    raise fail(
        "below_minimum_wage",
        field=kind,
        value=cents_text(getattr(inputs, kind)),
        given=given,
        month=plan.month,
        territory=plan.rules.territory,
        minimum=cents_text(minimum),
        what=WHAT[included].format(smic=cents_text(plan.minimum[0])),
        net_min=net_min,
    )


# ---------------------------------------------------------------------------------------------
# Vector checks


def check_inputs_v(
    stack: PlanStack, plan: Any, cols: dict[str, Any], refused: Any
) -> dict[str, Any]:
    """The codes (index in CHECKS, −1 when fine) of the rows the scalar path would refuse,
    first failure first, in the order of :func:`check_inputs`.

    ``cols`` holds int64 arrays (−1 when not given) and ``included`` (bool); ``refused``
    holds the codes found while reading (−1 when fine), kept. Returns the codes and the
    per-row values the messages need (``gross_hourly`` checked, ``minimum``).
    """
    np = stack.np
    codes = refused.copy()
    h = cols["hours"]

    def mark(code: str, mask: Any) -> None:
        codes[(codes < 0) & mask] = CHECK_CODES[code]

    mark("hours_not_positive", h <= 0)
    mark("hours_above_maximum", h > stack.take(stack.max_hours, plan))
    for name in ("net_hourly", "gross_hourly"):
        wage = cols[name]
        mark("hourly_wage_out_of_range", (wage == 0) | (wage >= MAX_HOURLY_CENTS))
    nm = cols["net_monthly"]
    mark("net_monthly_out_of_range", (nm == 0) | ((nm > 0) & (nm * 100 >= MAX_HOURLY_CENTS * h)))
    leave = cols["paid_leave_hours"]
    mark("leave_hours_out_of_range", leave > h)
    mark("leave_hours_with_uplift", (leave > 0) & cols["included"])
    mark("pas_rate_out_of_range", cols["pas_rate"] > 10_000)
    # The minimum wage, on the rows still fine. A gross given is compared as is; a net hourly
    # at or above the plan's safe net surely passes (as in the scalar path); only the other
    # nets (monthly, or close to the minimum) are inverted exactly.
    minima = stack.take(stack.minimum, plan)
    included = cols["included"]
    if stack.single:
        minimum = np.where(included, minima[1], minima[0])
        safe = np.where(included, int(stack.safe_net[0, 1]), int(stack.safe_net[0, 0]))
    else:
        minimum = np.where(included, minima[:, 1], minima[:, 0])
        safe_nets = stack.take(stack.safe_net, plan)
        safe = np.where(included, safe_nets[:, 1], safe_nets[:, 0])
    gross_h = cols["gross_hourly"]
    nh = cols["net_hourly"]
    checked = np.where(gross_h >= 0, gross_h, MAX_HOURLY_CENTS)  # above any minimum
    exact = np.flatnonzero((codes < 0) & (gross_h < 0) & ((nm >= 0) | (nh < safe)))
    if exact.size:
        sub = plan if stack.single else plan[exact]
        h_sub = np.maximum(h[exact], 1)
        x = np.where(nm[exact] >= 0, nm[exact] * 100, np.maximum(nh[exact], 0) * h_sub)
        num, free = exact_gross_v(stack, sub, x, 100)
        checked[exact] = half_up(num, free * h_sub)
    mark("below_minimum_wage", checked < minimum)
    return {"codes": codes, "gross_hourly": checked, "minimum": minimum}
