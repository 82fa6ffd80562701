"""Every rounding point of the calculator, named, with an explicit mode.

Nothing here relies on the ambient decimal context (whose default rounding is half-even):
each helper passes its rounding mode, and divisions run in :func:`exact`, a local context
with enough digits that its own rounding never reaches the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext

__all__ = ["CENT", "ZERO", "allocate_cents", "ceil_cents", "exact_div", "round_cents"]

CENT = Decimal("0.01")
ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_EXACT = Context(prec=40)


def round_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent: the Urssaf's published figures are reproduced this way
    (the 70+ caps of January 2024, the net minima of the branch; ../shared/regression)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def ceil_cents(amount: Decimal) -> Decimal:
    """Round up to the cent: used only to state a minimum that is sure to be enough."""
    return amount.quantize(CENT, rounding=ROUND_CEILING)


def exact_div(numerator: Decimal, denominator: Decimal) -> Decimal:
    """Division at 40 significant digits, far below the cent for any wage; round after."""
    with localcontext(_EXACT):
        return numerator / denominator


def allocate_cents(total: Decimal, raw: Sequence[Decimal]) -> list[Decimal]:
    """Round ``raw`` amounts to cents so that they add up exactly to ``total`` (in cents).

    Largest-remainder method: each amount is floored to the cent, then the missing cents go
    one by one to the amounts with the largest dropped fractions (ties: first in order). If
    ``total`` is further from the sum than one cent per amount (it never is when ``total`` is
    the rounded sum), the excess goes to the largest amount. Amounts are non-negative.
    """
    floors = [x.quantize(CENT, rounding=ROUND_FLOOR) for x in raw]
    missing = int((total - sum(floors, ZERO)) * _HUNDRED)
    if missing == 0:
        return floors
    if 0 < missing <= len(floors):
        fractions = [x - f for x, f in zip(raw, floors, strict=True)]
        # sorted() is stable, also with reverse=True: equal fractions keep their order.
        order = sorted(range(len(floors)), key=fractions.__getitem__, reverse=True)
        for i in order[:missing]:
            floors[i] += CENT
        return floors
    largest = max(range(len(raw)), key=lambda i: (raw[i], -i))
    floors[largest] += missing * CENT
    return floors
