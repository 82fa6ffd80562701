"""An independent reference of the monthly estimate, in plain Decimal arithmetic.

The engine computes with exact integers on a compiled month plan; this oracle reads the same
:class:`~cesu_rules.Rules` snapshot and applies the documented formulas (docs/estimate.md)
with Decimals and ``quantize`` — a second, deliberately naive implementation that the tests
compare the engine with. It lives in tests/ only: it is never used by the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

from cesu_rules import EXEMPTION_CASES, Rules
from cesu_rules.calc.plan import LINE_ORDER
from cesu_rules.rules.snapshot import LineRule

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)
CONTEXT = Context(prec=60)


def r2(x: Decimal) -> Decimal:
    """Half-up to the cent."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def bases(gross: Decimal, pss: Decimal, share: Decimal) -> dict[str, Decimal]:
    capped = min(gross, pss)
    capped4 = min(gross, 4 * pss)
    return {
        "gross": gross,
        "gross_capped_pss": capped,
        "gross_capped_4pss": capped4,
        "csg_base": capped4 * share + (gross - capped4),
    }


def exact_amounts(lines: list[LineRule], b: dict[str, Decimal]) -> list[Decimal]:
    out = []
    for line in lines:
        amount = b[line.base] * line.rate
        if line.monthly_cap is not None:
            amount = min(amount, line.monthly_cap)
        out.append(amount)
    return out


def allocate(total: Decimal, amounts: list[Decimal]) -> list[Decimal]:
    """Largest remainder to the cent, ties to the first; the excess of a far total on the
    largest amount (ties to the first)."""
    floors = [(a / CENT).to_integral_value(rounding="ROUND_FLOOR") * CENT for a in amounts]
    missing = int((total - sum(floors, ZERO)) / CENT)
    if 0 <= missing <= len(amounts):
        order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] - floors[i]), i))
        for i in order[:missing]:
            floors[i] += CENT
        return floors
    largest = max(range(len(amounts)), key=lambda i: (amounts[i], -i))
    floors[largest] += missing * CENT
    return floors


def net_of(gross: Decimal, employee: list[LineRule], pss: Decimal, share: Decimal) -> Decimal:
    """The exact net of a gross (no rounding)."""
    return gross - sum(exact_amounts(employee, bases(gross, pss, share)), ZERO)


def inverse(net: Decimal, employee: list[LineRule], pss: Decimal, share: Decimal) -> Decimal:
    """The exact gross of a net, found by bisection on the (increasing) exact net, then
    checked: an independent way to invert."""
    low, high = ZERO, net * 4 + 1
    for _ in range(400):
        mid = (low + high) / 2
        if net_of(mid, employee, pss, share) < net:
            low = mid
        else:
            high = mid
        if high - low < Decimal("1e-30"):
            break
    return (low + high) / 2


@dataclass
class Result:
    gross: Decimal
    net: Decimal
    employee: list[Decimal]
    employer: list[Decimal]
    figures: dict[str, Any]


def sides(rules: Rules, non_resident: bool) -> tuple[list[LineRule], list[LineRule]]:
    def side(name: str) -> list[LineRule]:
        lines = [
            line
            for line in rules.lines
            if line.side == name and line.applies_to(non_resident=non_resident)
        ]
        return sorted(lines, key=lambda line: (LINE_ORDER.get(line.code, 99), line.code))

    return side("employee"), side("employer")


def estimate(rules: Rules, **kw: Any) -> Result:
    """The estimate of ``kw`` (Decimal inputs as for cesu_rules.estimate) under ``rules``."""
    with localcontext(CONTEXT):
        return _estimate(rules, **kw)


def _estimate(
    rules: Rules,
    *,
    hours: Decimal,
    net_hourly: Decimal | None = None,
    gross_hourly: Decimal | None = None,
    net_monthly: Decimal | None = None,
    paid_leave: str | None = None,
    paid_leave_hours: Decimal = ZERO,
    non_resident: bool = False,
    exemption: str = "none",
    pas_rate: Decimal | None = None,
    aids: Decimal = ZERO,
    cesu_plus: bool = False,
    cap: Decimal | None = None,
) -> Result:
    employee, employer = sides(rules, non_resident)
    pss = rules.pss_monthly.value
    share = rules.csg_base_share.value / HUNDRED
    inversion = rules.inversion_policy.choice
    totals = rules.totals_policy.choice

    def round_side(amounts: list[Decimal]) -> tuple[list[Decimal], Decimal]:
        if totals == "each_line":
            cents = [r2(a) for a in amounts]
            return cents, sum(cents, ZERO)
        total = r2(sum(amounts, ZERO))
        return allocate(total, amounts), total

    if gross_hourly is not None:
        gross = r2(hours * gross_hourly)
        emp, emp_total = round_side(exact_amounts(employee, bases(gross, pss, share)))
        net = gross - emp_total
        gross_h, net_h = gross_hourly, r2(net / hours)
    else:
        net = net_monthly if net_monthly is not None else r2(hours * net_hourly)  # type: ignore[operator]
        net_h = net_hourly if net_hourly is not None else r2(net / hours)
        if inversion == "hourly":
            exact_net = net_monthly if net_monthly is not None else hours * net_hourly  # type: ignore[operator]
            gross_h = r2(inverse(exact_net, employee, pss, share) / hours)
            gross = r2(gross_h * hours)
            emp = allocate(gross - net, exact_amounts(employee, bases(gross, pss, share)))
        elif totals == "each_line":
            exact = inverse(net, employee, pss, share)
            candidates = sorted(
                (r2(exact) + k * CENT for k in range(-40, 41)),
                key=lambda g: (abs(g - exact), g),
            )
            for gross in candidates:
                emp = [r2(a) for a in exact_amounts(employee, bases(gross, pss, share))]
                if gross - sum(emp, ZERO) == net:
                    break
            else:
                raise AssertionError("no gross")
            gross_h = r2(gross / hours)
        else:
            gross = r2(inverse(net, employee, pss, share))
            emp = allocate(gross - net, exact_amounts(employee, bases(gross, pss, share)))
            gross_h = r2(gross / hours)
    emp_total = gross - net
    er, er_total = round_side(exact_amounts(employer, bases(gross, pss, share)))
    included = (
        hours <= rules.paid_leave_threshold_hours.value
        if paid_leave is None
        else paid_leave == "included"
    )
    # Relief
    deduction = exempted = ZERO
    if exemption == "none":
        covered = sum(
            (
                c
                for line, c in zip(employer, er, strict=True)
                if rules.deduction_relief in line.reliefs
            ),
            ZERO,
        )
        deduction = min(r2((hours - paid_leave_hours) * rules.deduction_hourly.value), covered)
    else:
        covered = sum(
            (c for line, c in zip(employer, er, strict=True) if "exemption" in line.reliefs), ZERO
        )
        exempted = covered
        if EXEMPTION_CASES[exemption].capped:
            if cap is None:
                smic = rules.smic_hourly.value
                n = rules.age_70_cap_smic_hours.value
                uplift = 1 + rules.paid_leave_uplift.value / HUNDRED
                wages = n * r2(smic * uplift) if included else r2(n * smic)
                cap = sum(
                    (r2(wages * line.rate) for line in employer if "exemption" in line.reliefs),
                    ZERO,
                )
            exempted = min(covered, cap)
    employer_total = er_total - deduction - exempted
    contributions = emp_total + employer_total
    taxable = net + sum((c for line, c in zip(employee, emp, strict=True) if line.taxable), ZERO)
    pas = ZERO
    rate_used = None
    if rules.pas_grid and not non_resident:
        if pas_rate is not None:
            rate_used = pas_rate
        else:
            rate_used = next(
                b.rate_percent for b in reversed(rules.pas_grid) if taxable >= b.threshold
            )
        pas = r2(taxable * rate_used / HUNDRED)
    expense = net + contributions
    eligible = expense - aids
    credit = r2(eligible * rules.tax_credit_rate.value / HUNDRED)
    advance = ZERO
    if cesu_plus and rules.advance_share is not None:
        advance = r2(eligible * rules.advance_share.value / HUNDRED)
    figures = {
        "gross_hourly": gross_h,
        "net_hourly": net_h,
        "gross": gross,
        "net": net,
        "net_taxable": taxable,
        "employee_total": emp_total,
        "employer_total_before_relief": er_total,
        "deduction": deduction,
        "exemption": exempted,
        "employer_total": employer_total,
        "urssaf_debit": expense - advance if cesu_plus else contributions + pas,
        "total_cost": expense,
        "pas_amount": pas,
        "net_after_pas": net - pas,
        "paid_to_employee": ZERO if cesu_plus else net - pas,
        "tax_credit": credit,
        "advance": advance,
        "cost_after_credit": expense - aids - credit,
        "pas_rate": rate_used,
    }
    return Result(gross, net, emp, er, figures)
