"""Contribution bases and the net → gross inversion on the month's line structure.

These are the readable Decimal formulas. The hot path computes the line amounts with the
integer kernel of :mod:`cesu_rules.calc.kernel`; a property test proves both agree to the
unit on random wages.


The employee contributions are a piecewise-linear function of the monthly gross wage G: the
"plafonnée" lines stop at the PSS, chômage at 4 PSS, and the CSG/CRDS base is 98.25 % of G up
to 4 PSS and 100 % above. The net is ``N(G) = G − E(G)``, strictly increasing, so it is
inverted exactly segment by segment (no iteration, no float).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..rules.snapshot import LineRule
from .rounding import ZERO, exact_div

__all__ = [
    "Bases",
    "gross_from_net",
    "gross_from_net_slopes",
    "raw_total",
    "segment_slopes",
]

_FOUR = Decimal(4)
_ONE = Decimal(1)


class Bases(dict[str, Decimal]):
    """The four bases of a month for one gross wage (unrounded), by base name."""

    def __init__(self, gross: Decimal, pss: Decimal, csg_share: Decimal) -> None:
        capped_pss = gross if gross <= pss else pss
        four = pss * _FOUR
        capped_4pss = gross if gross <= four else four
        super().__init__(
            gross=gross,
            gross_capped_pss=capped_pss,
            gross_capped_4pss=capped_4pss,
            csg_base=capped_4pss * csg_share + (gross - capped_4pss),
        )

    @property
    def gross(self) -> Decimal:
        return self["gross"]


def raw_total(lines: Sequence[LineRule], bases: Bases) -> Decimal:
    """Unrounded sum of the lines' amounts (monthly caps applied)."""
    total = ZERO
    for line in lines:
        amount = bases[line.base] * line.rate
        if line.monthly_cap is not None and amount > line.monthly_cap:
            amount = line.monthly_cap
        total += amount
    return total


def segment_slopes(lines: Sequence[LineRule], csg_share: Decimal) -> tuple[Decimal, ...]:
    """dE/dG of the employee lines on each segment: ≤ PSS, ≤ 4 PSS, above."""
    return tuple(_slope(lines, segment, csg_share) for segment in range(3))


def _slope(lines: Sequence[LineRule], segment: int, csg_share: Decimal) -> Decimal:
    """dE/dG of the employee lines on segment 0 (≤ PSS), 1 (≤ 4 PSS) or 2 (above)."""
    slope = ZERO
    for line in lines:
        base = line.base
        if base == "gross":
            slope += line.rate
        elif base == "gross_capped_pss":
            if segment == 0:
                slope += line.rate
        elif base == "gross_capped_4pss":
            if segment <= 1:
                slope += line.rate
        else:  # csg_base
            slope += line.rate * (csg_share if segment <= 1 else _ONE)
    return slope


def gross_from_net(
    net: Decimal, lines: Sequence[LineRule], pss: Decimal, csg_share: Decimal
) -> Decimal:
    """The exact (unrounded) monthly gross G such that G − E(G) = ``net``.

    ``lines`` are the employee lines of the month; ``csg_share`` is 0.9825 (a fraction).
    """
    return gross_from_net_slopes(net, segment_slopes(lines, csg_share), pss)


def gross_from_net_slopes(net: Decimal, slopes: Sequence[Decimal], pss: Decimal) -> Decimal:
    """:func:`gross_from_net` with the segment slopes already computed."""
    start = ZERO
    net_at_start = ZERO
    for segment, end in enumerate((pss, pss * _FOUR, None)):
        slope = _ONE - slopes[segment]
        if end is None:
            return start + exact_div(net - net_at_start, slope)
        net_at_end = net_at_start + (end - start) * slope
        if net <= net_at_end:
            return start + exact_div(net - net_at_start, slope)
        start, net_at_start = end, net_at_end
    raise AssertionError("unreachable")  # pragma: no cover
