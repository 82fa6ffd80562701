"""Every rounding point of the calculator, named, with an explicit mode.

Nothing relies on the caller's decimal context (whose default rounding is half-even and
whose precision a program may change): the calculator's entry points run in
:data:`EXACT_CONTEXT` (:func:`in_exact_context`), 40 significant digits, so that products
and sums of money are exact and a division's own rounding stays far below the cent; every
rounding to the cent is one of the named helpers below, with its mode.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import ParamSpec, TypeVar

__all__ = [
    "CENT",
    "EXACT_CONTEXT",
    "ZERO",
    "ceil_cents",
    "cents",
    "euros",
    "exact_div",
    "from_hundredths",
    "hundredths",
    "in_exact_context",
    "round_cents",
]

CENT = Decimal("0.01")
ZERO = Decimal(0)
EXACT_CONTEXT = Context(
    prec=40, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)

P = ParamSpec("P")
R = TypeVar("R")


def in_exact_context(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` in :data:`EXACT_CONTEXT`, whatever the caller's decimal context is."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(EXACT_CONTEXT):
            return fn(*args, **kwargs)

    return wrapper


def round_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent: the Urssaf's published figures are reproduced this way
    (the 70+ caps of January 2024, the net minima of the branch; ../shared/regression)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def ceil_cents(amount: Decimal) -> Decimal:
    """Round up to the cent: used only to state a minimum that is sure to be enough."""
    return amount.quantize(CENT, rounding=ROUND_CEILING)


def exact_div(numerator: Decimal, denominator: Decimal) -> Decimal:
    """Division, to be rounded by the caller (40 digits inside the calculator's context)."""
    return numerator / denominator


def euros(cents: int) -> Decimal:
    """Integer cents as euros with two decimals, exactly (whatever the caller's context)."""
    return Decimal(cents).scaleb(-2, EXACT_CONTEXT)


def from_hundredths(value: int) -> Decimal:
    """Hundredths (of an hour, of a percent) as a Decimal written without trailing zeros
    (``1050`` → ``10.5``, ``1000`` → ``10``), exactly."""
    if value % 100 == 0:
        return Decimal(value // 100)
    return Decimal(value).scaleb(-2, EXACT_CONTEXT).normalize(EXACT_CONTEXT)


def cents(amount: Decimal) -> int:
    """Euros with at most two decimals as integer cents, exactly."""
    return int(amount.scaleb(2, EXACT_CONTEXT))


hundredths = cents  # the same scaling for hours and rates given to the hundredth
