"""Payslip step 5: the notes of a result. Warnings on the month's figures, and the provenance
of every value used that is not confirmed by two sources.

A warning says what a figure rests on that the user should know: a relief capped, an input
ignored, a default taken, an assumption of the rules. Provenance notes ("assumed value used:
…") are computed once per plan and case, since they depend only on the rules used.
"""

from __future__ import annotations

import re

from .._cache import BoundedCache
from ..rules.snapshot import Choice, LineRule, Value
from .contributions import half_up
from .inputs import Inputs
from .messages import cents_text, hundredths_text
from .plan import LineSpec, MonthPlan
from .relief import EXEMPTION_CASES, Relief
from .wage import Wage

__all__ = [
    "NEAR_MINIMUM_PERMILLE",
    "first_sentence",
    "notes",
    "provenance",
    "used_values",
    "uses_grid",
]

# A wage within 1 % of the legal minimum is flagged (the branch minimum may be higher).
NEAR_MINIMUM_PERMILLE = 1010


def notes(
    plan: MonthPlan,
    inputs: Inputs,
    *,
    included: bool,
    wage: Wage,
    relief: Relief,
    cap_share: int | None,
) -> tuple[str, ...]:
    """Every warning of one month's result, then the provenance notes."""
    out: list[str] = []
    if relief.cap is not None and relief.covered > relief.cap:
        what = (
            f"at this employee's share, {cents_text(relief.cap)} €, of the household's cap"
            if cap_share is not None
            else f"at {cents_text(relief.cap)} € this month (65 × SMIC of wages per household)"
        )
        out.append(
            f"the 70+ exemption is capped {what}; the {cents_text(relief.covered - relief.cap)} € "
            "above it are charged, and no déduction forfaitaire is applied to them "
            "(assumption: L241-10 forbids cumulating the deduction with an exemption)"
        )
    if inputs.exemption == "none":
        wanted = half_up(relief.deduction_hours * plan.deduction_per_hour, 100)
        if wanted > relief.deduction:
            out.append(
                f"the déduction forfaitaire ({hundredths_text(relief.deduction_hours)} h × "
                f"{cents_text(plan.deduction_per_hour)} € = {cents_text(wanted)} €) is capped at "
                f"the {cents_text(relief.covered)} € of contributions it reduces"
            )
    out.extend(_tax_notes(plan, inputs))
    out.extend(_context(plan, inputs, included, wage))
    out.extend(provenance(plan, inputs.exemption, uses_grid(plan, inputs)))
    return tuple(out)


def uses_grid(plan: MonthPlan, inputs: Inputs) -> bool:
    return plan.pas_applies and inputs.pas_rate is None and not inputs.non_resident


def _tax_notes(plan: MonthPlan, inputs: Inputs) -> list[str]:
    out = []
    if inputs.pas_rate is not None:
        if inputs.non_resident:
            out.append(
                "pas_rate ignored: the withholding of fiscal non-residents (CGI art. 182 A) "
                "is not modelled"
            )
        elif not plan.pas_applies:
            out.append("pas_rate ignored: the Cesu withheld income tax from January 2020")
    if inputs.cesu_plus:
        if plan.advance_rate is None:
            out.append(
                "no avance immédiate before January 2022: the tax credit comes with the next "
                "year's tax return"
            )
        elif inputs.aids:
            out.append(
                "with aids from a third party (APA, PCH…) the avance immédiate is not "
                "automatic; check that it applies to this household"
            )
    return out


def _context(plan: MonthPlan, inputs: Inputs, included: bool, wage: Wage) -> list[str]:
    out: list[str] = []
    minimum = plan.minimum[included]
    if wage.gross_hourly * 1000 < minimum * NEAR_MINIMUM_PERMILLE:
        out.append(
            f"the wage ({cents_text(wage.gross_hourly)} € gross an hour) is within 1 % of the "
            f"legal minimum ({cents_text(minimum)} €); the branch minimum of the CCN IDCC 3239 "
            "grid (level I and above) is not checked and may be higher"
        )
    if inputs.leave_defaulted:
        threshold = hundredths_text(plan.leave_threshold)
        hours = hundredths_text(inputs.hours)
        if included:
            out.append(
                f"paid leave taken as included in the wage (10 % uplift): {hours} h is at most "
                f"{threshold} h a month (C. trav. L1271-4, D1271-5-1); pass paid_leave to say "
                "otherwise"
            )
        else:
            out.append(
                f"paid leave taken as excluded from the wage: {hours} h is above {threshold} h "
                "a month, so leave is paid when taken (C. trav. L1271-4, D1271-5-1); pass "
                "paid_leave 'included' if you pay the 10 % by agreement"
            )
    if wage.gross > plan.pss:
        out.append(
            f"the gross wage {cents_text(wage.gross)} € is above the monthly social security "
            f"ceiling ({plan.rules.pss_monthly.value} €): the ceiling is not prorated for "
            "part-time or several employers, and no tranche 2 retirement line is applied "
            "(neither is documented for the Cesu)"
        )
    out.extend(plan.rules.assumptions)
    if plan.rules.provisional:
        out.append(_provisional_note(plan))
    return out


def _provisional_note(plan: MonthPlan) -> str:
    """The one warning of a provisional month: every value carried forward, by name."""
    rules = plan.rules
    carried = ", ".join(
        f"{item.parameter} = {_shown(item)}" for item in dict.fromkeys(rules.carried)
    )
    text = (
        f"provisional: {plan.month} is past the rulesets; these values are carried forward "
        f"from their latest date, unpublished changes are not known: {carried}"
    )
    if rules.revaluations:
        certain = "; ".join(c.label + f" ({c.note})" for c in rules.revaluations)
        text += f". Certain revaluations not yet published, given as ranges: {certain}"
    return text


def _shown(item: Value | Choice | LineRule) -> str:
    if isinstance(item, LineRule):
        return f"{item.rate_percent} %"
    if isinstance(item, Choice):
        return item.choice
    return item.display or str(item.value)


def _describe(item: Value | Choice | LineRule | LineSpec) -> str:
    note: str | None
    if isinstance(item, LineSpec | LineRule):
        shown = f"{item.rate_percent} %"
        name, status, note = item.parameter, item.status, item.note
    elif isinstance(item, Choice):
        shown = item.choice
        name, status, note = item.parameter, item.status, item.note
    else:
        shown = item.display or str(item.value)
        name, status, note = item.parameter, item.status, item.note
    text = f"{status.replace('_', ' ')} value used: {name} = {shown}"
    if note:
        text += f" ({first_sentence(note)})"
    return text


# A sentence ends with a full stop followed by a capital, unless the word before the stop is
# an abbreviation of the legal and administrative texts the notes cite ("art. L241-10").
_SENTENCE_END = re.compile(
    r"(?<!\bart)(?<!\bal)(?<!\bcf)(?<!\bp)(?<!\bn°)(?<!\bNo)\.\s+(?=[A-ZÀ-Ý])"
)


def first_sentence(note: str) -> str:
    """The first sentence of a ruleset note, on one line, without its full stop."""
    text = " ".join(note.split())
    return _SENTENCE_END.split(text, maxsplit=1)[0].rstrip(".")


_PROVENANCE: BoundedCache[tuple[object, ...], tuple[str, ...]] = BoundedCache(
    "provenance notes", 8192
)


def used_values(
    plan: MonthPlan, exemption: str, grid: bool
) -> list[Value | Choice | LineRule | LineSpec]:
    """Every value a month's result rests on, for an exemption case and whether the PAS
    comes from the taux neutre grid (``grid``)."""
    kind = _kind(exemption)
    rules = plan.rules
    used: list[Value | Choice | LineRule | LineSpec] = [
        *plan.employee,
        *plan.employer,
        rules.pss_monthly,
        rules.csg_base_share,
        rules.inversion_policy,
        rules.totals_policy,
    ]
    if kind == "none":
        used.append(rules.deduction_hourly)
    elif kind == "capped":
        used.extend((rules.smic_hourly, rules.age_70_cap_smic_hours, rules.paid_leave_uplift))
    if grid and rules.pas_grid_value is not None:
        used.append(rules.pas_grid_value)
    return used


def _kind(exemption: str) -> str:
    if exemption == "none":
        return "none"
    return "capped" if EXEMPTION_CASES[exemption].capped else "other"


def provenance(plan: MonthPlan, exemption: str, grid: bool) -> tuple[str, ...]:
    """The notes on every non-confirmed value a month's result uses (each described once)."""
    key = (*plan.key, _kind(exemption), grid)
    found = _PROVENANCE.get(key)
    if found is not None:
        return found
    used = used_values(plan, exemption, grid)
    described = [_describe(item) for item in used if item.status != "confirmed"]
    return _PROVENANCE.put(key, tuple(dict.fromkeys(described)))
