"""Exact integer arithmetic for the contribution lines of a month (the hot path).

Money is held in integer cents. A rate of the ruleset (a decimal percentage such as 0.016)
becomes an integer numerator over a power-of-ten denominator, and so does the CSG base share
(98.25 % → 9825 / 10000). A line amount is then an exact integer in *units* of
``1 / unit`` cent:

    base (cents) × share_den [× share_num for the CSG base] × rate_num   (units)

so every rounding is an integer division with an explicit rule — the same results as the
Decimal formulas of :mod:`cesu_rules.calc.wage`, several times faster, and directly
vectorisable over arrays of int64 for batch runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from ..rules.snapshot import LineRule

__all__ = [
    "BASE_INDEX",
    "MonthKernel",
    "allocate_units",
    "base_units",
    "build_kernel",
    "half_up",
    "line_units",
]

BASE_INDEX = {"gross": 0, "gross_capped_pss": 1, "gross_capped_4pss": 2, "csg_base": 3}


def _fraction(value: Decimal) -> tuple[int, int]:
    """``value`` as numerator / 10**k, exactly (value has finitely many decimals)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    scale = 10 ** max(0, -exponent)
    return int(value * scale), scale


class MonthKernel(NamedTuple):
    """The integer form of a month's line structure (one per month, territory, residence)."""

    unit: int  # units per cent
    share_num: int
    share_den: int
    pss: int  # cents
    employee: tuple[tuple[int, int, int | None], ...]  # (base index, rate_num, cap in units)
    employer: tuple[tuple[int, int, int | None], ...]


def build_kernel(
    employee: Sequence[LineRule], employer: Sequence[LineRule], pss: Decimal, share: Decimal
) -> MonthKernel:
    """Integer form of the lines; ``share`` is the CSG base share as a fraction (0.9825)."""
    share_num, share_den = _fraction(share)
    rate_den = max((_fraction(line.rate)[1] for line in (*employee, *employer)), default=1)
    unit = share_den * rate_den

    def convert(lines: Sequence[LineRule]) -> tuple[tuple[int, int, int | None], ...]:
        out = []
        for line in lines:
            cap = None
            if line.monthly_cap is not None:
                cap = int(line.monthly_cap * 100) * unit
            out.append((BASE_INDEX[line.base], int(line.rate * rate_den), cap))
        return tuple(out)

    return MonthKernel(
        unit, share_num, share_den, int(pss * 100), convert(employee), convert(employer)
    )


def base_units(kernel: MonthKernel, gross: int) -> tuple[int, int, int, int]:
    """The four bases of a gross wage in cents, scaled by ``share_den``."""
    den = kernel.share_den
    capped = gross if gross <= kernel.pss else kernel.pss
    four = 4 * kernel.pss
    capped_4 = gross if gross <= four else four
    return (
        gross * den,
        capped * den,
        capped_4 * den,
        capped_4 * kernel.share_num + (gross - capped_4) * den,
    )


def line_units(
    lines: Sequence[tuple[int, int, int | None]], bases: tuple[int, int, int, int]
) -> list[int]:
    """Exact amount of each line in units (monthly caps applied)."""
    amounts = [bases[base] * rate for base, rate, _ in lines]
    for i, (_, _, cap) in enumerate(lines):
        if cap is not None and amounts[i] > cap:
            amounts[i] = cap
    return amounts


def half_up(units: int, unit: int) -> int:
    """Round a non-negative amount in units to the nearest cent, halves up."""
    return (2 * units + unit) // (2 * unit)


def allocate_units(total: int, amounts: Sequence[int], unit: int) -> list[int]:
    """Cents of each amount, adding up to ``total`` cents (largest-remainder method).

    Each amount is floored to the cent; the missing cents go to the largest dropped
    fractions (ties: first in order). A total further from the sum than one cent per amount
    (never the case for the rounded sum) puts the excess on the largest amount.
    """
    cents = [a // unit for a in amounts]
    missing = total - sum(cents)
    if missing == 0:
        return cents
    if 0 < missing <= len(cents):
        remainders = [a % unit for a in amounts]
        order = sorted(range(len(cents)), key=remainders.__getitem__, reverse=True)
        for i in order[:missing]:
            cents[i] += 1
        return cents
    largest = max(range(len(amounts)), key=lambda i: (amounts[i], -i))
    cents[largest] += missing
    return cents
