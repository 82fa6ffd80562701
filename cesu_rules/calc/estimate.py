"""The monthly estimate: the assembly of the payslip steps, one month (scalar) or many rows
(vector), on the same :class:`~cesu_rules.calc.plan.MonthPlan`.

Steps, in payslip order (each a module with its scalar and vector forms):

1. :mod:`.wage`: net ↔ gross and the employee lines, per the ruleset's rounding policies;
2. :mod:`.contributions`: the employer lines, each side's total;
3. :mod:`.relief`: the L241-10 exemption (70+ capped at 65 × SMIC) or the déduction
   forfaitaire;
4. :mod:`.tax`: net taxable, PAS, the tax credit, the avance immédiate and the Urssaf debit;
5. :mod:`.notes`: warnings and the provenance of the values used.

:class:`Estimate` **is** the declaration of the estimate's outputs: each field's type and its
:class:`Out` spec (kind, help, whether it is a batch column), from which the JSON form, the
JSON Schema, the batch columns and the docs table are derived (:mod:`cesu_rules.fields`).

Size: above 400 lines because it assembles both the scalar and the vector result, side by
side on purpose, so that the two stay visibly the same steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, NamedTuple, get_type_hints

from ..rules.schema import Source
from .contributions import (
    line_units,
    line_units_v,
    round_side,
    round_side_v,
    side_sums_v,
    sums_of_cents,
)
from .inputs import Inputs
from .messages import CHECK_CODES, cents_text, fail
from .notes import notes
from .plan import MonthPlan
from .relief import Relief, covered, relief, relief_v
from .rounding import euros, from_hundredths
from .stack import PlanStack
from .tax import Tax, tax, tax_v
from .validation import check_inputs
from .wage import Wage, wage, wage_v

__all__ = [
    "OUTPUTS",
    "Estimate",
    "Line",
    "Out",
    "Payroll",
    "compute",
    "compute_v",
    "finish",
    "payroll",
]

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Out:
    """What an output is: its kind, help text and whether the batch engine gives it."""

    kind: Literal[
        "text",
        "choice",
        "hours",
        "money",
        "money?",
        "percent?",
        "flag",
        "lines",
        "texts",
        "policies",
        "ranges",
    ]
    help: str
    batch: bool = False


class Line(NamedTuple):
    """One contribution line of the result."""

    code: str
    label: str
    side: str
    base: Decimal
    rate: Decimal
    amount: Decimal
    parameter: str
    status: str
    sources: tuple[Source, ...]


class FigureRange(NamedTuple):
    """A figure that rests on a value not confirmed: its lowest and highest value over the
    candidates, and the figure under each candidate that changes it."""

    figure: str
    low: Decimal
    high: Decimal
    by: tuple[tuple[str, Decimal], ...]  # (candidate, e.g. "…/totaux = total_then_lines", figure)


class Estimate(NamedTuple):
    """The result of a monthly estimate (immutable). Money in euros (Decimal, two decimals).

    A NamedTuple rather than a frozen dataclass: it is built millions of times in what-if
    runs, and a NamedTuple is built twice as fast.
    """

    ruleset_version: Annotated[str, Out("text", "version of the ruleset used")]
    ruleset_hash: Annotated[str, Out("text", "content hash of the ruleset used (sha256)")]
    month: Annotated[str, Out("text", "month of work, YYYY-MM")]
    territory: Annotated[str, Out("choice", "where the employer lives")]
    hours: Annotated[Decimal, Out("hours", "hours declared")]
    paid_leave: Annotated[
        str, Out("choice", "whether the wage includes the 10 % paid-leave uplift")
    ]
    paid_leave_hours: Annotated[Decimal, Out("hours", "hours of paid leave paid in the month")]
    non_resident: Annotated[bool, Out("flag", "the employee is not a French tax resident")]
    exemption_case: Annotated[str, Out("choice", "the employer's exemption case")]
    gross_hourly: Annotated[Decimal, Out("money", "gross hourly wage", batch=True)]
    net_hourly: Annotated[Decimal, Out("money", "net hourly wage", batch=True)]
    gross: Annotated[Decimal, Out("money", "gross wage of the month", batch=True)]
    net: Annotated[Decimal, Out("money", "net wage of the month (as declared)", batch=True)]
    net_taxable: Annotated[
        Decimal, Out("money", "net taxable: net + CSG non déductible and CRDS", batch=True)
    ]
    employee_total: Annotated[
        Decimal, Out("money", "employee contributions (gross − net)", batch=True)
    ]
    employer_total_before_relief: Annotated[
        Decimal, Out("money", "employer contributions before any relief", batch=True)
    ]
    deduction: Annotated[Decimal, Out("money", "déduction forfaitaire", batch=True)]
    deduction_hours: Annotated[Decimal, Out("hours", "hours the deduction counts")]
    deduction_per_hour: Annotated[Decimal, Out("money", "deduction per hour worked")]
    exemption: Annotated[Decimal, Out("money", "exemption of the employer's case", batch=True)]
    exemption_cap: Annotated[Decimal | None, Out("money?", "70+ exemption cap applied, or null")]
    employer_total: Annotated[
        Decimal, Out("money", "employer contributions after relief", batch=True)
    ]
    urssaf_debit: Annotated[Decimal, Out("money", "amount debited by the Urssaf", batch=True)]
    total_cost: Annotated[Decimal, Out("money", "wage + contributions", batch=True)]
    pas_rate: Annotated[
        Decimal | None, Out("percent?", "PAS rate applied, percent; null when none")
    ]
    pas_rate_source: Annotated[
        str | None, Out("choice", "personalised or taux_neutre; null without PAS")
    ]
    pas_amount: Annotated[Decimal, Out("money", "income tax withheld (PAS)", batch=True)]
    net_after_pas: Annotated[
        Decimal, Out("money", "net paid to the employee after PAS", batch=True)
    ]
    paid_to_employee: Annotated[
        Decimal, Out("money", "paid by the household to the employee (0 with Cesu+)", batch=True)
    ]
    aids: Annotated[Decimal, Out("money", "third-party aids declared")]
    tax_credit: Annotated[
        Decimal, Out("money", "tax credit (50 % of the expense net of aids)", batch=True)
    ]
    cesu_plus: Annotated[bool, Out("flag", "the household uses Cesu+")]
    advance: Annotated[Decimal, Out("money", "avance immédiate of the tax credit", batch=True)]
    cost_after_credit: Annotated[
        Decimal, Out("money", "cost to the household after aids and tax credit", batch=True)
    ]
    lines: Annotated[tuple[Line, ...], Out("lines", "every contribution line")]
    warnings: Annotated[tuple[str, ...], Out("texts", "what the figures rest on")]
    policies: Annotated[tuple[tuple[str, str], ...], Out("policies", "rounding policies used")]
    one_hour_gross: Annotated[
        Decimal,
        Out(
            "money",
            "gross of one hour on its own: the gross hourly wage given, or the declared hourly "
            "net (or the month's average) turned into a gross for one hour",
        ),
    ] = Decimal(0)
    one_hour_net: Annotated[
        Decimal,
        Out(
            "money",
            "net of one hour on its own, each line rounded: how the Urssaf publishes hourly "
            "minima (net_hourly is the month's net divided by the hours)",
        ),
    ] = Decimal(0)
    provisional: Annotated[
        bool,
        Out("flag", "computed past the rulesets with values carried forward (see warnings)"),
    ] = False
    ranges: Annotated[
        tuple[FigureRange, ...],
        Out(
            "ranges",
            "each figure under every candidate of the values it rests on that are not confirmed",
        ),
    ] = ()

    def lines_for(self, side: str) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.side == side)


OUTPUTS: tuple[tuple[str, Out], ...] = tuple(
    (name, hint.__metadata__[0])
    for name, hint in get_type_hints(Estimate, include_extras=True).items()
)


_eur = euros
_hours = from_hundredths


class Payroll(NamedTuple):
    """The first two payslip steps of a month: what the relief and tax steps start from."""

    plan: MonthPlan
    inputs: Inputs
    included: bool  # paid leave included in the wage
    wage: Wage
    employer: list[int]  # cents of each employer line
    employer_before: int  # employer total before relief, cents

    @property
    def exemptible(self) -> int:
        """Cents of the employer lines an exemption would remove (before any cap)."""
        return covered(self.plan, self.employer, exemption=True)


def payroll(plan: MonthPlan, inputs: Inputs) -> Payroll:
    """Check the inputs against the month's rules, then the wage and the contribution lines.

    Raises :class:`~cesu_rules.errors.InputError` when an input breaks the month's rules (see
    :func:`~cesu_rules.calc.inputs.check_inputs`).
    """
    included = check_inputs(plan, inputs)
    w = wage(
        plan,
        hours=inputs.hours,
        net_hourly=inputs.net_hourly,
        gross_hourly=inputs.gross_hourly,
        net_monthly=inputs.net_monthly,
    )
    employer_cents, employer_before = round_side(plan, line_units(plan.employer, w.base))
    return Payroll(plan, inputs, included, w, employer_cents, employer_before)


def compute(plan: MonthPlan, inputs: Inputs, *, cap_share: int | None = None) -> Estimate:
    """The monthly estimate of ``inputs`` under ``plan`` (pure, exact to the cent).

    Raises :class:`~cesu_rules.errors.InputError` when an input breaks the month's rules (see
    :func:`~cesu_rules.calc.inputs.check_inputs`) or the aids exceed the month's expense.
    ``cap_share`` (cents) replaces the 70+ cap by this employee's share of the household's.
    """
    return finish(payroll(plan, inputs), cap_share=cap_share)


class Amounts(NamedTuple):
    """The relief and tax steps of a month, in integers (cents)."""

    relief: Relief
    employer_total: int
    net_taxable: int
    expense: int
    tax: Tax


def amounts(pay: Payroll, *, cap_share: int | None = None) -> Amounts:
    """Relief and tax of a month whose payroll is computed (raises for aids above the
    month's expense)."""
    plan, inputs, included, w = pay.plan, pay.inputs, pay.included, pay.wage
    r = relief(
        plan,
        pay.employer,
        case=inputs.exemption,
        leave_included=included,
        hours=inputs.hours,
        leave_hours=inputs.paid_leave_hours,
        cap_share=cap_share,
    )
    employer_total = pay.employer_before - r.deduction - r.exemption
    contributions = w.employee_total + employer_total
    net_taxable = w.net + sum(
        c for line, c in zip(plan.employee, w.employee, strict=True) if line.taxable
    )
    expense = w.net + contributions
    if inputs.aids > expense:
        raise fail("aids_above_expense", value=cents_text(inputs.aids), expense=cents_text(expense))
    t = tax(
        plan,
        net=w.net,
        net_taxable=net_taxable,
        contributions=contributions,
        pas_rate=inputs.pas_rate,
        non_resident=inputs.non_resident,
        aids=inputs.aids,
        cesu_plus=inputs.cesu_plus,
    )
    return Amounts(r, employer_total, net_taxable, expense, t)


def figures(plan: MonthPlan, inputs: Inputs, *, cap_share: int | None = None) -> dict[str, int]:
    """The batch figures of a month in cents, without lines, notes or Decimals (what an
    honest range compares under each candidate)."""
    pay = payroll(plan, inputs)
    a = amounts(pay, cap_share=cap_share)
    w, t = pay.wage, a.tax
    return {
        "gross_hourly": w.gross_hourly,
        "net_hourly": w.net_hourly,
        "gross": w.gross,
        "net": w.net,
        "net_taxable": a.net_taxable,
        "employee_total": w.employee_total,
        "employer_total_before_relief": pay.employer_before,
        "deduction": a.relief.deduction,
        "exemption": a.relief.exemption,
        "employer_total": a.employer_total,
        "urssaf_debit": t.urssaf_debit,
        "total_cost": a.expense,
        "pas_amount": t.pas,
        "net_after_pas": w.net - t.pas,
        "paid_to_employee": t.paid_to_employee,
        "tax_credit": t.credit,
        "advance": t.advance,
        "cost_after_credit": a.expense - inputs.aids - t.credit,
    }


def finish(pay: Payroll, *, cap_share: int | None = None) -> Estimate:
    """Relief, tax and notes of a month whose payroll is computed (see :func:`compute`)."""
    plan, inputs, included, w = pay.plan, pay.inputs, pay.included, pay.wage
    employer_cents, employer_before = pay.employer, pay.employer_before
    a = amounts(pay, cap_share=cap_share)
    r, t = a.relief, a.tax
    employer_total, net_taxable, expense = a.employer_total, a.net_taxable, a.expense
    den = plan.share_den
    shown = [_eur((2 * b + den) // (2 * den)) for b in w.base]
    new = tuple.__new__  # Line is a NamedTuple: build it without its Python-level __new__
    lines = tuple(
        [
            new(
                Line,
                (
                    line.code,
                    line.label,
                    line.side,
                    shown[line.base],
                    line.rate_percent,
                    _eur(c),
                    line.parameter,
                    line.status,
                    line.sources,
                ),
            )
            for line, c in zip(plan.lines, (*w.employee, *employer_cents), strict=True)
        ]
    )
    rules = plan.rules
    # Positional construction (a NamedTuple's keyword __new__ costs microseconds at this
    # size); each value is commented with its field, in the order of Estimate's fields.
    return tuple.__new__(
        Estimate,
        (
            rules.ruleset_version,  # ruleset_version
            rules.ruleset_hash,  # ruleset_hash
            plan.month,  # month
            rules.territory,  # territory
            _hours(inputs.hours),  # hours
            "included" if included else "excluded",  # paid_leave
            _hours(inputs.paid_leave_hours),  # paid_leave_hours
            inputs.non_resident,  # non_resident
            inputs.exemption,  # exemption_case
            _eur(w.gross_hourly),  # gross_hourly
            _eur(w.net_hourly),  # net_hourly
            _eur(w.gross),  # gross
            _eur(w.net),  # net
            _eur(net_taxable),  # net_taxable
            _eur(w.employee_total),  # employee_total
            _eur(employer_before),  # employer_total_before_relief
            _eur(r.deduction),  # deduction
            _hours(r.deduction_hours),  # deduction_hours
            _eur(plan.deduction_per_hour if inputs.exemption == "none" else 0),  # per hour
            _eur(r.exemption),  # exemption
            None if r.cap is None else _eur(r.cap),  # exemption_cap
            _eur(employer_total),  # employer_total
            _eur(t.urssaf_debit),  # urssaf_debit
            _eur(expense),  # total_cost
            None if t.pas_rate is None else _hours(t.pas_rate),  # pas_rate
            # pas_rate_source:
            None
            if t.pas_rate is None
            else ("personalised" if inputs.pas_rate is not None else "taux_neutre"),
            _eur(t.pas),  # pas_amount
            _eur(w.net - t.pas),  # net_after_pas
            _eur(t.paid_to_employee),  # paid_to_employee
            _eur(inputs.aids),  # aids
            _eur(t.credit),  # tax_credit
            inputs.cesu_plus,  # cesu_plus
            _eur(t.advance),  # advance
            _eur(expense - inputs.aids - t.credit),  # cost_after_credit
            lines,  # lines
            notes(plan, inputs, included=included, wage=w, relief=r, cap_share=cap_share),
            (("inversion", plan.inversion), ("totals", plan.totals)),  # policies
            *_one_hour(plan, inputs, w),  # one_hour_gross, one_hour_net
            plan.rules.provisional,  # provisional
            (),  # ranges (see cesu_rules.calc.ranges)
        ),
    )


def _one_hour(plan: MonthPlan, inputs: Inputs, w: Wage) -> tuple[Decimal, Decimal]:
    """(gross, net) of one hour computed on its own, each line rounded: from the gross
    hourly wage given, or from the hourly net (declared, or the month's average)."""
    if inputs.gross_hourly is not None:
        one = wage(
            plan, hours=100, net_hourly=None, gross_hourly=inputs.gross_hourly, net_monthly=None
        )
    else:
        one = wage(plan, hours=100, net_hourly=w.net_hourly, gross_hourly=None, net_monthly=None)
    return _eur(one.gross), _eur(one.net)


# ---------------------------------------------------------------------------------------------
# Vector


def compute_v(
    stack: PlanStack, plan: Any, cols: dict[str, Any], inversion: str, totals: str
) -> dict[str, Any]:
    """Every batch figure (int64 cents) of rows that passed the checks, of any wage kind and
    one rounding policy.

    ``cols`` holds ``hours``, ``net_hourly``, ``gross_hourly``, ``net_monthly``,
    ``paid_leave_hours``, ``pas_rate``, ``aids`` (int64, −1 not given), ``exemption``
    (EXEMPTION_CODES), ``included`` and ``cesu_plus`` (bool). The result also has
    ``codes``: −1, or the code of ``aids_above_expense``.
    """
    np = stack.np
    hours = cols["hours"]
    w = wage_v(
        stack,
        plan,
        hours=hours,
        net_hourly=cols["net_hourly"],
        gross_hourly=cols["gross_hourly"],
        net_monthly=cols["net_monthly"],
        inversion=inversion,
        totals=totals,
    )
    if totals == "each_line":
        employer = side_sums_v(stack, "employer", plan, w["base"])
    else:
        units = line_units_v(stack, "employer", plan, w["base"])
        cents, total = round_side_v(stack, "employer", plan, units, totals)
        employer = sums_of_cents(stack, "employer", plan, cents, total)
    employer_before = employer.total
    deduction, exemption = relief_v(
        stack,
        plan,
        employer,
        case=cols["exemption"],
        leave_included=cols["included"],
        hours=hours,
        leave_hours=cols["paid_leave_hours"],
    )
    employer_total = employer_before - deduction - exemption
    net = w["net"]
    contributions = w["employee_total"] + employer_total
    net_taxable = net + w["employee"].taxable
    aids = cols["aids"]
    expense = net + contributions
    t = tax_v(
        stack,
        plan,
        net=net,
        net_taxable=net_taxable,
        contributions=contributions,
        pas_rate=cols["pas_rate"],
        aids=aids,
        cesu_plus=cols["cesu_plus"],
    )
    return {
        "gross_hourly": w["gross_hourly"],
        "net_hourly": w["net_hourly"],
        "gross": w["gross"],
        "net": net,
        "net_taxable": net_taxable,
        "employee_total": w["employee_total"],
        "employer_total_before_relief": employer_before,
        "deduction": deduction,
        "exemption": exemption,
        "employer_total": employer_total,
        "urssaf_debit": t["urssaf_debit"],
        "total_cost": expense,
        "pas_amount": t["pas_amount"],
        "net_after_pas": net - t["pas_amount"],
        "paid_to_employee": t["paid_to_employee"],
        "tax_credit": t["tax_credit"],
        "advance": t["advance"],
        "cost_after_credit": expense - aids - t["tax_credit"],
        "pas_rate": t["pas_rate"],
        "codes": np.where(aids > expense, CHECK_CODES["aids_above_expense"], -1),
    }
