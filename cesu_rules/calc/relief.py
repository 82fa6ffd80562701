"""Payslip step 3: reliefs on employer contributions, the L241-10 exemptions and the deduction.

* The exemptions (art. L241-10 I CSS) remove the employer's sécurité-sociale cotisations
  except AT (the lines whose ruleset says ``reliefs: [exemption, …]``). Only the age case is
  capped: per month and household, on at most 65 × SMIC of wages (art. D241-5 CSS).
* The déduction forfaitaire (art. L241-10 I bis) removes a fixed amount per hour of work
  actually performed (paid-leave hours excluded), at most the contributions it reduces, and
  is not cumulable with an exemption.

Scalar and vector (``_v``) forms side by side; amounts in cents, hours in hundredths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from .contributions import SideSums, half_up
from .plan import MonthPlan
from .stack import PlanStack

__all__ = [
    "EXEMPTION_CASES",
    "ExemptionCase",
    "Relief",
    "covered",
    "household_cap",
    "relief",
    "relief_v",
    "share_cap",
]


class ExemptionCase(NamedTuple):
    name: str
    label: str
    capped: bool


EXEMPTION_CASES: dict[str, ExemptionCase] = {
    case.name: case
    for case in (
        ExemptionCase("none", "no exemption (déduction forfaitaire applies)", capped=False),
        ExemptionCase(
            "age_70",
            "employer or spouse aged 70 or more (capped at 65 × SMIC per month and household)",
            capped=True,
        ),
        ExemptionCase(
            "tierce_personne_62",
            "employer aged 62 or more who needs a third person for the acts of daily life",
            capped=False,
        ),
        ExemptionCase(
            "invalidite_80",
            "holder of an invalidity card of at least 80 % (or CMI invalidité)",
            capped=False,
        ),
        ExemptionCase(
            "enfant_handicape",
            "parent of a child under 20 entitled to the AEEH complement or the PCH",
            capped=False,
        ),
        ExemptionCase(
            "pch_mtp_pctp",
            "holder of the PCH (human aid), the MTP or the PCTP",
            capped=False,
        ),
        ExemptionCase(
            "apa",
            "person meeting the APA loss-of-autonomy condition (GIR 1 to 4)",
            capped=False,
        ),
    )
}
# Vector codes of the cases: their position in EXEMPTION_CASES.
EXEMPTION_CODES = {name: i for i, name in enumerate(EXEMPTION_CASES)}
CAPPED_CODES = tuple(i for i, case in enumerate(EXEMPTION_CASES.values()) if case.capped)


class Relief(NamedTuple):
    """The relief of a month, in cents (hours in hundredths)."""

    deduction: int
    deduction_hours: int
    exemption: int
    cap: int | None  # the 70+ cap applied (the household's share when given)
    covered: int  # what the applied relief could reduce, before its cap


def covered(plan: MonthPlan, employer: Sequence[int], *, exemption: bool) -> int:
    """Cents of the employer lines the exemptions (or the territory's deduction) reduce."""
    if exemption:
        return sum(c for line, c in zip(plan.employer, employer, strict=True) if line.exemption)
    return sum(c for line, c in zip(plan.employer, employer, strict=True) if line.deduction)


def relief(
    plan: MonthPlan,
    employer: Sequence[int],
    *,
    case: str,
    leave_included: bool,
    hours: int,
    leave_hours: int,
    cap_share: int | None = None,
) -> Relief:
    """The exemption of the employer's case, or else the déduction forfaitaire.

    ``cap_share`` replaces the 70+ cap by this employee's share of the household's cap.
    """
    if case != "none":
        base = covered(plan, employer, exemption=True)
        cap = None
        if EXEMPTION_CASES[case].capped:
            cap = cap_share if cap_share is not None else plan.age_70_caps[leave_included]
        exemption = base if cap is None or base <= cap else cap
        return Relief(0, 0, exemption, cap, base)
    base = covered(plan, employer, exemption=False)
    worked = hours - leave_hours
    deduction = half_up(worked * plan.deduction_per_hour, 100)
    return Relief(min(deduction, base), worked, 0, None, base)


def relief_v(
    stack: PlanStack,
    plan: Any,
    employer: SideSums,
    *,
    case: Any,
    leave_included: Any,
    hours: Any,
    leave_hours: Any,
) -> tuple[Any, Any]:
    """(deduction, exemption) in cents per row; ``case`` holds EXEMPTION_CODES and
    ``employer`` the employer side's sums (what each relief could reduce)."""
    np = stack.np
    excluded_cap, included_cap = (stack.take(c, plan) for c in _caps(stack))
    cap = np.where(leave_included, included_cap, excluded_cap)
    has_case = case != EXEMPTION_CODES["none"]
    capped = np.isin(case, CAPPED_CODES)
    covered_ex = employer.exemption
    exemption = np.where(has_case, np.where(capped, np.minimum(covered_ex, cap), covered_ex), 0)
    per_hour = stack.take(stack.deduction_per_hour, plan)
    deduction = np.where(
        has_case,
        0,
        np.minimum(half_up((hours - leave_hours) * per_hour, 100), employer.deduction),
    )
    return deduction, exemption


def _caps(stack: PlanStack) -> tuple[Any, Any]:
    """The per-plan 70+ caps, leave excluded then included, as arrays :meth:`take` reads."""
    caps = stack.age_70_caps
    return caps[:, 0], caps[:, 1]


# ---------------------------------------------------------------------------------------------
# The household's 70+ cap


def household_cap(plan: MonthPlan, leave_included: bool) -> int:
    """The 70+ cap of a household for the month (cents): one cap per household, whatever
    the number of employees (art. L241-10 I, D241-5 CSS: "par mois et par ménage")."""
    return plan.age_70_caps[leave_included]


def share_cap(cap: int, exemptible: Mapping[str, int]) -> dict[str, int]:
    """Each employee's share of a binding household cap (cents), in proportion to what each
    one's exemption would remove, by the largest-remainder method, ties by employee id (no
    public allocation rule: an assumption, said in the household report). The shares add up
    to ``cap`` and never depend on the order the employees are listed in."""
    total = sum(exemptible.values())
    ids = sorted(exemptible)
    exact = [exemptible[i] * cap for i in ids]  # units of 1/total cent
    floors = [e // total for e in exact]
    missing = cap - sum(floors)
    order = sorted(range(len(ids)), key=lambda k: (-(exact[k] % total), k))
    for k in order[:missing]:
        floors[k] += 1
    return dict(zip(ids, floors, strict=True))
