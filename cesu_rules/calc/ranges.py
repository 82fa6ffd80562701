"""Honest ranges: a figure that rests on a value that is not confirmed, or on a rounding
policy the Urssaf does not state, is also computed under each candidate of that value.

The candidates are the ruleset's own: the ``alternatives`` of a dated value (another rate a
source gives, the value of the year before…), the other choices of a policy that is not
confirmed, and, for a provisional month, the certain revaluation not yet published. Each
candidate is tried one at a time on the month's plan (a snapshot with that one value
changed, compiled and cached like any plan); a figure gets a range when a candidate moves
it. Nothing is combined: a range says "this figure is X, or Y if that value is Z".
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..errors import CesuRulesError
from ..rules.snapshot import Candidate
from .estimate import OUTPUTS, Estimate, FigureRange, figures
from .inputs import Inputs
from .notes import used_values, uses_grid
from .plan import MonthPlan, plan_for
from .rounding import cents, euros

__all__ = ["RANGE_FIGURES", "candidates", "figure_ranges", "plan_candidates", "with_ranges"]

# The figures a range is given for: every money figure of the batch.
RANGE_FIGURES = tuple(name for name, out in OUTPUTS if out.batch)


def candidates(plan: MonthPlan, inputs: Inputs) -> tuple[Candidate, ...]:
    """Every candidate of the values the month's result rests on, each once."""
    used = used_values(plan, inputs.exemption, uses_grid(plan, inputs))
    found = [c for item in used for c in item.alternatives]
    found.extend(plan.rules.revaluations)
    return tuple(dict.fromkeys(found))


def plan_candidates(plan: MonthPlan) -> tuple[Candidate, ...]:
    """Every candidate of the month's values, whatever a row's exemption or PAS (the batch
    tries them all: one that does not touch a row leaves it as it is)."""
    rules = plan.rules
    items = [*plan.employee, *plan.employer, *rules.provenance()]
    found = [c for item in items for c in item.alternatives]
    found.extend(rules.revaluations)
    return tuple(dict.fromkeys(found))


def figure_ranges(
    base: Estimate, variants: Sequence[tuple[Candidate, dict[str, int]]]
) -> tuple[FigureRange, ...]:
    """The range of each figure some candidate moves (lowest, highest, and by whom)."""
    out = []
    for name in RANGE_FIGURES:
        value: Decimal = getattr(base, name)
        exact = cents(value)
        moved = tuple((c.label, euros(v[name])) for c, v in variants if v[name] != exact)
        if moved:
            values = [value, *(v for _, v in moved)]
            out.append(FigureRange(name, min(values), max(values), moved))
    return tuple(out)


def with_ranges(
    plan: MonthPlan, inputs: Inputs, base: Estimate, *, cap_share: int | None = None
) -> Estimate:
    """``base`` with its ranges. A candidate under which the inputs are refused (a wage that
    would fall under the minimum…) is left out of the ranges and said in the warnings. A
    household's share of the 70+ cap (``cap_share``) is kept as it is under each candidate."""
    variants: list[tuple[Candidate, dict[str, int]]] = []
    refused: list[str] = []
    for candidate in candidates(plan, inputs):
        variant = plan_for(plan.rules.with_candidate(candidate), plan.non_resident)
        try:
            variants.append((candidate, figures(variant, inputs, cap_share=cap_share)))
        except CesuRulesError as exc:
            refused.append(f"with {candidate.label} these inputs are refused: {exc.message}")
    ranges = figure_ranges(base, variants)
    if not ranges and not refused:
        return base
    return base._replace(ranges=ranges, warnings=(*base.warnings, *refused))
