"""Payslip step 2: the contribution lines, exact integer amounts and their rounding to the cent.

A line's exact amount is an integer number of *units* (``plan.unit`` units make a cent)::

    base (cents) × share_den [× share_num / share_den for the CSG base] × rate_num

so every rounding is an integer division with a named rule:

* :func:`half_up`: the nearest cent, halves up (the Urssaf's published figures);
* :func:`allocate`: cents of several amounts adding up to a given total, by the largest
  remainder (the ``total_then_lines`` policy rounds each side's total once and shares it).

Scalar functions (Python ints, one estimate) and vector functions (``_v``, numpy int64 arrays
of many rows, see :class:`~cesu_rules.calc.plan.PlanStack`) sit side by side and follow the
same formulas; a differential test proves them equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, overload

from .plan import LineSpec, MonthPlan
from .stack import PlanStack

__all__ = [
    "SideSums",
    "allocate",
    "allocate_v",
    "bases",
    "bases_v",
    "half_up",
    "line_units",
    "line_units_v",
    "round_side",
    "round_side_v",
    "side_sums_v",
    "sums_of_cents",
]

Bases = tuple[int, int, int, int]


@overload
def half_up(units: int, unit: int) -> int: ...
@overload
def half_up(units: Any, unit: Any) -> Any: ...
def half_up(units: Any, unit: Any) -> Any:
    """Round a non-negative amount in units to the nearest cent, halves up (int or array)."""
    return (2 * units + unit) // (2 * unit)


# ---------------------------------------------------------------------------------------------
# Scalar


def bases(plan: MonthPlan, gross: int) -> Bases:
    """The four bases of a gross wage in cents, scaled by ``share_den``: the gross, the
    gross capped at the PSS, at 4 PSS, and the CSG/CRDS base (98.25 % up to 4 PSS)."""
    den, pss = plan.share_den, plan.pss
    capped = gross if gross <= pss else pss
    capped_4 = gross if gross <= 4 * pss else 4 * pss
    return (
        gross * den,
        capped * den,
        capped_4 * den,
        capped_4 * plan.share_num + (gross - capped_4) * den,
    )


def line_units(lines: Sequence[LineSpec], base: Bases) -> list[int]:
    """Exact amount of each line in units (monthly caps applied)."""
    out = []
    for line in lines:
        amount = base[line.base] * line.rate_num
        if line.cap is not None and amount > line.cap:
            amount = line.cap
        out.append(amount)
    return out


def allocate(total: int, units: Sequence[int], unit: int) -> list[int]:
    """Cents of each amount, adding up to ``total`` cents (largest-remainder method).

    Each amount is floored to the cent; the missing cents go to the largest dropped
    fractions (ties: the first line in the Urssaf's order). A total further from the sum than
    one cent per amount (never the case for a rounded sum) puts the excess on the largest
    amount (ties: the first).
    """
    cents = [a // unit for a in units]
    missing = total - sum(cents)
    if missing == 0:
        return cents
    if 0 < missing <= len(cents):
        remainders = [a % unit for a in units]
        order = sorted(range(len(cents)), key=lambda i: (-remainders[i], i))
        for i in order[:missing]:
            cents[i] += 1
        return cents
    largest = max(range(len(units)), key=lambda i: (units[i], -i))
    cents[largest] += missing
    return cents


def round_side(
    plan: MonthPlan, units: Sequence[int], total: int | None = None
) -> tuple[list[int], int]:
    """Cents of each line of one side and the side's total.

    ``total`` given (the employee side of a declared net: gross − net): the lines share it.
    Otherwise per the plan's totals policy: ``each_line`` rounds every line and adds them;
    ``total_then_lines`` rounds the exact total and shares it among the lines.
    """
    unit = plan.unit
    if total is not None:
        return allocate(total, units, unit), total
    if plan.totals == "each_line":
        cents = [half_up(a, unit) for a in units]
        return cents, sum(cents)
    rounded = half_up(sum(units), unit)
    return allocate(rounded, units, unit), rounded


# ---------------------------------------------------------------------------------------------
# Vector


class SideSums(NamedTuple):
    """What the rest of the payslip needs of one side's rounded lines, per row (cents): the
    total and the parts that are taxable, exemptible and reduced by the deduction."""

    total: Any
    taxable: Any
    exemption: Any
    deduction: Any


def bases_v(stack: PlanStack, plan: Any, gross: Any) -> tuple[Any, Any, Any, Any]:
    """The four bases of gross wages (cents), each a row array scaled by ``share_den``."""
    np = stack.np
    den = stack.share_den
    pss = stack.take(stack.pss, plan)
    capped_4 = np.minimum(gross, 4 * pss)
    return (
        gross * den,
        np.minimum(gross, pss) * den,
        capped_4 * den,
        capped_4 * stack.take(stack.share_num, plan) + (gross - capped_4) * den,
    )


def side_sums_v(stack: PlanStack, side: str, plan: Any, base: Sequence[Any]) -> SideSums:
    """Every line of a side rounded half-up to the cent on its own (``each_line``) and summed,
    one line at a time on row arrays: a line's rate, cap and flags are plain numbers when every
    plan has the same (no gather), and nothing of the (rows, lines) shape is built."""
    np = stack.np
    unit = stack.unit
    even = unit % 2 == 0  # then half-up is (units + unit/2) // unit, in place
    n = len(base[0])
    total = np.zeros(n, dtype=np.int64)
    parts = {name: np.zeros(n, dtype=np.int64) for name in ("taxable", "exemption", "deduction")}
    slots = stack.employee if side == "employee" else stack.employer
    for column in slots.columns:
        rate = stack.pick(column.rate, plan)
        if isinstance(rate, int) and rate == 0:
            continue
        cents = base[column.base] * rate
        if column.cap is not None:
            np.minimum(cents, stack.pick(column.cap, plan), out=cents)
        if even:
            cents += unit // 2
            cents //= unit
        else:
            cents = half_up(cents, unit)
        total += cents
        for name in parts:
            flag = stack.pick(getattr(column, name), plan)
            if flag is True:
                parts[name] += cents
            elif flag is not False:
                parts[name] += cents * flag
    return SideSums(total, parts["taxable"], parts["exemption"], parts["deduction"])


def sums_of_cents(stack: PlanStack, side: str, plan: Any, cents: Any, total: Any) -> SideSums:
    """:class:`SideSums` of (rows, lines) cents already rounded (the allocation policies)."""
    slots = stack.employee if side == "employee" else stack.employer
    return SideSums(
        total,
        (cents * stack.take(slots.taxable, plan)).sum(axis=1),
        (cents * stack.take(slots.exemption, plan)).sum(axis=1),
        (cents * stack.take(slots.deduction, plan)).sum(axis=1),
    )


def line_units_v(stack: PlanStack, side: str, plan: Any, base: Sequence[Any]) -> Any:
    """The (rows, slots) exact amounts in units of one side's lines (caps applied), for the
    policies that share a rounded total among the lines."""
    np = stack.np
    slots = stack.employee if side == "employee" else stack.employer
    rate = stack.take(slots.rate, plan)
    units = np.stack([base[b] for b in slots.base.tolist()], axis=1) * rate
    if slots.capped:
        np.minimum(units, stack.take(slots.cap, plan), out=units)
    return units


def allocate_v(np: Any, total: Any, units: Any, unit: int, present: Any = None) -> Any:
    """:func:`allocate` on every row: (rows, slots) cents adding up to ``total`` per row.

    The missing cents go to the largest remainders, ties to the first slot: each slot's
    remainder is keyed with its position so that keys are distinct, and a slot gets a cent
    when fewer than ``missing`` keys of its row are larger. ``present`` (rows, slots) marks
    the lines a row's plan has: the others (rate 0 in a stack of plans) take no cent and do
    not count, so a row is allocated exactly as its own plan's lines would be.
    """
    k = units.shape[1]
    cents = units // unit
    missing = total - cents.sum(axis=1)
    if k == 0:
        return cents
    key = (units - cents * unit) * k + (k - 1 - np.arange(k))
    count = k
    if present is not None:
        key = np.where(present, key, -1)
        count = present.sum(axis=-1)
    rank = np.zeros_like(units)
    for j in range(k):
        rank += key[:, j : j + 1] > key
    normal = (missing >= 0) & (missing <= count)
    chosen = (rank < missing[:, None]) & normal[:, None]
    if present is not None:
        chosen &= present
    cents += chosen
    if not normal.all():  # far totals: the excess goes to the largest amount (first on ties)
        rows = np.nonzero(~normal)[0]
        amounts = units[rows] if present is None else np.where(present[rows], units[rows], -1)
        largest = np.argmax(amounts, axis=1)
        cents[rows, largest] += missing[rows]
    return cents


def round_side_v(
    stack: PlanStack, side: str, plan: Any, units: Any, totals: str, *, total: Any = None
) -> tuple[Any, Any]:
    """(rows, slots) cents and the per-row total of one side (see :func:`round_side`)."""
    np = stack.np
    unit = stack.unit
    slots = stack.employee if side == "employee" else stack.employer
    present = None if slots.full else stack.take(slots.present, plan)
    if total is not None:
        return allocate_v(np, total, units, unit, present), total
    if totals == "each_line":
        cents = half_up(units, unit)
        return cents, cents.sum(axis=1)
    rounded = half_up(units.sum(axis=1), unit)
    return allocate_v(np, rounded, units, unit, present), rounded
