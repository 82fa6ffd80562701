"""Payslip step 4: the tax side. PAS, the 50 % tax credit, the avance immédiate, the debit,
and the yearly tax credit of a household under its ceilings.

* PAS (CGI art. 204 H): the employee's personalised rate when given, else the taux neutre
  grid of the month, a flat rate on the whole monthly net taxable (a base equal to a
  threshold takes that bracket), rounded half-up to the cent. The Cesu withholds from
  January 2020; fiscal non-residents' withholding (CGI art. 182 A) is not modelled.
* Tax credit (CGI art. 199 sexdecies): the rate (50 %) of the expense (wage and
  contributions) net of third-party aids, rounded half-up; with Cesu+ from 2022 the avance
  immédiate advances it every month.
* Without Cesu+ the employer pays the net after PAS and the Urssaf debits contributions and
  PAS; with Cesu+ the Urssaf debits net and contributions, minus the avance immédiate.

Scalar and vector (``_v``) forms side by side; amounts in cents, rates in hundredths of a
percent.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from ..rules.snapshot import CreditRules, Value
from .contributions import half_up
from .plan import MonthPlan
from .rounding import cents, from_hundredths, in_exact_context, round_cents
from .stack import PlanStack

__all__ = [
    "CreditSituation",
    "Tax",
    "YearlyCredit",
    "pas_rate_of",
    "taux_neutre",
    "tax",
    "tax_v",
    "yearly_credit",
]

_RATE_SCALE = 10_000  # hundredths of a percent


class Tax(NamedTuple):
    """The tax side of a month (cents; ``pas_rate`` in hundredths of a percent)."""

    pas_rate: int | None  # None when no PAS applies
    pas: int
    credit: int
    advance: int
    urssaf_debit: int
    paid_to_employee: int


def pas_rate_of(plan: MonthPlan, net_taxable: int) -> int:
    """The taux neutre of the month's grid for a net taxable in cents (hundredths of %)."""
    return plan.pas_rates[bisect_right(plan.pas_thresholds, net_taxable) - 1]


def taux_neutre(plan: MonthPlan, net_taxable: Decimal) -> Decimal | None:
    """The taux neutre (percent) of the month's grid for a monthly net taxable in euros, or
    None when the Cesu did not withhold income tax that month. A base equal to a threshold
    takes that bracket's rate."""
    if not plan.pas_applies:
        return None
    return from_hundredths(pas_rate_of(plan, cents(net_taxable)))


def tax(
    plan: MonthPlan,
    *,
    net: int,
    net_taxable: int,
    contributions: int,
    pas_rate: int | None,
    non_resident: bool,
    aids: int,
    cesu_plus: bool,
) -> Tax:
    """PAS, tax credit, avance immédiate and the Urssaf debit of a month.

    The caller has checked that ``aids`` do not exceed the expense (net + contributions).
    """
    rate: int | None = None
    pas = 0
    if plan.pas_applies and not non_resident:
        rate = pas_rate if pas_rate is not None else pas_rate_of(plan, net_taxable)
        pas = half_up(net_taxable * rate, _RATE_SCALE)
    expense = net + contributions
    eligible = expense - aids
    credit = half_up(eligible * plan.credit_rate, _RATE_SCALE)
    if cesu_plus:
        advance = (
            0 if plan.advance_rate is None else half_up(eligible * plan.advance_rate, _RATE_SCALE)
        )
        return Tax(rate, pas, credit, advance, expense - advance, 0)
    return Tax(rate, pas, credit, 0, contributions + pas, net - pas)


def tax_v(
    stack: PlanStack,
    plan: Any,
    *,
    net: Any,
    net_taxable: Any,
    contributions: Any,
    pas_rate: Any,
    aids: Any,
    cesu_plus: Any,
) -> dict[str, Any]:
    """:func:`tax` on rows (``pas_rate`` −1 where not given); aids above the expense are
    flagged by the caller."""
    np = stack.np
    applies = stack.take(stack.withholds, plan)
    rate = np.where(pas_rate >= 0, pas_rate, stack.pas_bracket_rate(plan, net_taxable))
    pas = np.where(applies, half_up(net_taxable * rate, _RATE_SCALE), 0)
    expense = net + contributions
    eligible = expense - aids
    credit = half_up(eligible * stack.take(stack.credit_rate, plan), _RATE_SCALE)
    advance_rate = stack.take(stack.advance_rate, plan)
    advance = np.where(
        cesu_plus & (advance_rate >= 0),
        half_up(eligible * np.maximum(advance_rate, 0), _RATE_SCALE),
        0,
    )
    return {
        "pas_rate": np.where(applies, rate, -1),
        "pas_amount": pas,
        "tax_credit": credit,
        "advance": advance,
        "urssaf_debit": np.where(cesu_plus, expense - advance, contributions + pas),
        "paid_to_employee": np.where(cesu_plus, 0, net - pas),
    }


# ---------------------------------------------------------------------------------------------
# The household's yearly tax credit


class CreditSituation(NamedTuple):
    """What the yearly ceiling of the tax credit depends on."""

    dependents: int = 0  # children, household members and ascendants over 65: +1 500 € each
    children_alternating: int = 0  # children in résidence alternée: +750 € each
    first_year: bool = False  # first year of direct employment
    invalidity: bool = False  # invalidity ceiling


class YearlyCredit(NamedTuple):
    ceiling: Decimal
    retained: Decimal
    credit: Decimal
    notes: tuple[str, ...]


@in_exact_context
def yearly_credit(
    ceilings: CreditRules,
    rate: Value,
    situation: CreditSituation,
    eligible_by_activity: Mapping[str, Decimal],
) -> YearlyCredit:
    """The year's tax credit for the eligible expense (wages and contributions net of aids)
    of each activity, under the ceilings in force on 1 January (``ceilings``, ``rate``).

    Ceiling: 12 000 € + 1 500 € per dependent (750 € per child in résidence alternée), at
    most 15 000 €; the first year of direct employment 15 000 € + increments, at most
    18 000 €; invalidity 20 000 €. Petit jardinage, assistance informatique and petit
    bricolage have their own sub-ceilings. The credit is rounded half-up to the cent.
    """
    notes: list[str] = []
    step = ceilings.increment.value
    increments = step * situation.dependents + step / 2 * situation.children_alternating
    if situation.invalidity:
        ceiling = ceilings.invalidity.value
        notes.append(f"invalidity ceiling {ceiling} € (no increments)")
    elif situation.first_year:
        base, maximum = ceilings.first_year.value, ceilings.first_year_maximum.value
        ceiling = min(base + increments, maximum)
        notes.append(
            f"first-year ceiling: {base} € + {increments} € of increments, at most {maximum} €"
        )
    else:
        base, maximum = ceilings.ceiling.value, ceilings.maximum.value
        ceiling = min(base + increments, maximum)
        notes.append(f"ceiling: {base} € + {increments} € of increments, at most {maximum} €")
    sub_ceilings = dict(ceilings.sub_ceilings)
    retained = Decimal(0)
    for activity, amount in sorted(eligible_by_activity.items()):
        kept = amount
        sub = sub_ceilings.get(activity)
        if sub is not None and amount > sub.value:
            notes.append(
                f"{activity}: {amount} € of expense limited to its sub-ceiling {sub.value} €"
            )
            kept = sub.value
        retained += kept
    if retained > ceiling:
        notes.append(f"expense {retained} € limited to the ceiling {ceiling} €")
        retained = ceiling
    return YearlyCredit(ceiling, retained, round_cents(retained * rate.value / 100), tuple(notes))
