"""Every rounding point of the calculator, named, with an explicit mode.

Nothing here relies on the ambient decimal context (whose default rounding is half-even):
each helper passes its rounding mode, and divisions run in :func:`exact`, a local context
with enough digits that its own rounding never reaches the cent.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal, localcontext

__all__ = ["CENT", "ZERO", "ceil_cents", "exact_div", "round_cents"]

CENT = Decimal("0.01")
ZERO = Decimal(0)
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
