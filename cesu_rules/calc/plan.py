"""The month plan: every rule of one month, territory and residence, compiled once to integers.

A :class:`MonthPlan` is built by :func:`compile_plan` from a :class:`~cesu_rules.Rules`
snapshot and the employee's residence. It holds what the payslip steps need, in exact integer
form, for the scalar path (Python ints, one estimate) and the vector path (numpy arrays, see
:class:`PlanStack`) alike, so that a rule is read from the rulesets in one place only:

* money in integer **cents**, hours in **hundredths**, rates of the PAS and the tax credit in
  **hundredths of a percent**;
* each contribution line as an integer rate over the plan's ``unit``: a line amount is
  ``base × rate_num`` in *units*, ``unit`` units making a cent (see :mod:`.contributions`);
* the slopes of the employee lines on each segment of the gross (≤ PSS, ≤ 4 PSS, above), for
  the exact net → gross inverse (see :mod:`.wage`);
* minima, maxima, caps, the PAS grid, relief masks, the tax-credit and advance rates, and the
  notes on non-confirmed values the month uses (see :mod:`.notes`).

:func:`plan_for` is the only cache of :mod:`cesu_rules.calc`: bounded (least recently used
dropped first) and emptied by :func:`cesu_rules.clear_caches`. Its vector form for rows of
many months is :class:`cesu_rules.calc.stack.PlanStack`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from .._cache import BoundedCache
from ..errors import RulesetError
from ..rules.schema import Source
from ..rules.snapshot import Candidate, LineRule, Rules
from .rounding import ceil_cents, cents, in_exact_context, round_cents

__all__ = [
    "BASES",
    "INT64_SAFE",
    "LINE_ORDER",
    "MAX_GROSS_CENTS",
    "Inversion",
    "LineSpec",
    "MonthPlan",
    "Totals",
    "compile_plan",
    "plan_for",
]

Inversion = Literal["monthly", "hourly"]
Totals = Literal["total_then_lines", "each_line"]

# The four bases of a line, in the order of :func:`.contributions.bases`.
BASES = ("gross", "gross_capped_pss", "gross_capped_4pss", "csg_base")
_BASE_INDEX = {name: i for i, name in enumerate(BASES)}

# Display order of the lines, as on the Urssaf's Cesu table; unknown codes come after.
LINE_ORDER = {
    code: i
    for i, code in enumerate(
        (
            "maladie",
            "csa",
            "maladie_alsace_moselle",
            "maladie_non_resident",
            "vieillesse_plafonnee",
            "vieillesse_deplafonnee",
            "allocations_familiales",
            "accident_travail",
            "fnal",
            "csg_deductible",
            "csg_crds_non_deductible",
            "ircem_prevoyance",
            "retraite_complementaire_t1",
            "ceg_t1",
            "chomage",
            "formation_professionnelle",
            "dialogue_social",
            "sante_au_travail",
        )
    )
}

# The largest gross wage of a month the integer paths must hold exactly: the legal maximum
# of hours (well under 1 000 h) at the largest hourly wage accepted (1 000 €), in cents.
MAX_GROSS_CENTS = 1000 * 1000 * 100
# Intermediate integers of the vector path stay below this (int64 with a margin).
INT64_SAFE = 2**62
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One contribution line of the plan: integer form and what a result line shows."""

    code: str
    label: str
    side: str  # "employee" or "employer"
    base: int  # index in BASES
    rate_num: int  # rate = rate_num / rate_den (a fraction of the base)
    cap: int | None  # monthly cap in units, or None
    exemption: bool  # reduced by the L241-10 exemptions
    deduction: bool  # reduced by the déduction forfaitaire of the territory
    taxable: bool  # part of the net taxable (CSG non déductible, CRDS)
    rate_percent: Decimal
    parameter: str
    status: str
    sources: tuple[Source, ...]
    note: str | None = None
    alternatives: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class MonthPlan:
    """Every rule of a month for one territory and residence, in integer form (frozen)."""

    rules: Rules
    non_resident: bool
    month: str  # "YYYY-MM"
    inversion: Inversion
    totals: Totals
    unit: int  # units per cent of a line amount
    rate_den: int
    share_num: int  # CSG/CRDS base share = share_num / share_den (98.25 % → 9825 / 10000)
    share_den: int
    pss: int  # cents
    employee: tuple[LineSpec, ...]
    employer: tuple[LineSpec, ...]
    # Employee slopes dE/dG on each segment (≤ PSS, ≤ 4 PSS, above) over ``unit``; the net at
    # the end of the first two segments, scaled by ``unit`` (cents × unit).
    slopes: tuple[int, int, int]
    net_ends: tuple[int, int]
    minimum: tuple[int, int]  # legal minimum gross an hour, cents: (leave excluded, included)
    safe_net: tuple[int, int]  # a net hourly surely above the minimum, cents: (excl., incl.)
    minimum_net: tuple[int, int]  # the smallest net hourly reaching the minimum (excl., incl.)
    max_hours: int  # hundredths
    leave_threshold: int  # hundredths: paid leave included by default up to this
    deduction_per_hour: int  # cents
    age_70_caps: tuple[int, int]  # cents: (leave excluded, included)
    exemption_rate: Decimal  # sum of the exempted employer rates (a fraction)
    pas_thresholds: tuple[int, ...]  # cents; empty when the Cesu did not withhold tax
    pas_rates: tuple[int, ...]  # hundredths of a percent
    credit_rate: int  # hundredths of a percent
    advance_rate: int | None  # hundredths of a percent; None before the avance immédiate

    @property
    def lines(self) -> tuple[LineSpec, ...]:
        return (*self.employee, *self.employer)

    @property
    def pas_applies(self) -> bool:
        return bool(self.pas_thresholds)

    @property
    def key(self) -> tuple[str, date, str, bool]:
        return (self.rules.ruleset_hash, self.rules.month, self.rules.territory, self.non_resident)


# ---------------------------------------------------------------------------------------------
# Compilation


def _fraction(value: Decimal) -> tuple[int, int]:
    """``value`` as numerator / 10**k, exactly (value has finitely many decimals)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    scale = 10 ** max(0, -exponent)
    return int(value * scale), scale


def _sorted_side(rules: Rules, non_resident: bool, side: str) -> list[LineRule]:
    lines = (
        line
        for line in rules.lines
        if line.side == side and line.applies_to(non_resident=non_resident)
    )
    return sorted(lines, key=lambda line: (LINE_ORDER.get(line.code, 99), line.code))


_cents = cents


def _policy(rules: Rules) -> tuple[Inversion, Totals]:
    inversion, totals = rules.inversion_policy.choice, rules.totals_policy.choice
    if inversion not in ("monthly", "hourly") or totals not in ("total_then_lines", "each_line"):
        raise RulesetError(
            f"unknown rounding policy {inversion!r}/{totals!r}: the calculator implements "
            "inversion monthly|hourly and totals total_then_lines|each_line"
        )
    return inversion, totals  # type: ignore[return-value]


@in_exact_context
def compile_plan(rules: Rules, non_resident: bool) -> MonthPlan:
    """The integer plan of ``rules`` for a resident (or non-resident) employee.

    Raises :class:`~cesu_rules.errors.RulesetError` when the rules cannot be computed exactly
    in 64-bit integers (rates with too many decimals) or use what the calculator does not
    implement (a monthly cap on an employee line, an unknown rounding policy).
    """
    employee = _sorted_side(rules, non_resident, "employee")
    employer = _sorted_side(rules, non_resident, "employer")
    for line in employee:
        if line.monthly_cap is not None:
            raise RulesetError(
                f"{line.parameter}: a monthly cap on an employee line is not supported (the "
                "net → gross inversion needs employee lines proportional to their base)"
            )
    share_num, share_den = _fraction(rules.csg_base_share.value / _HUNDRED)
    rate_den = max((_fraction(line.rate)[1] for line in (*employee, *employer)), default=1)
    unit = share_den * rate_den
    relief = rules.deduction_relief

    def spec(line: LineRule) -> LineSpec:
        num, den = _fraction(line.rate)
        cap = None if line.monthly_cap is None else _cents(line.monthly_cap) * unit
        return LineSpec(
            code=line.code,
            label=line.label,
            side=line.side,
            base=_BASE_INDEX[line.base],
            rate_num=num * (rate_den // den),
            cap=cap,
            exemption="exemption" in line.reliefs,
            deduction=relief in line.reliefs,
            taxable=line.taxable,
            rate_percent=line.rate_percent,
            parameter=line.parameter,
            status=line.status,
            sources=line.sources,
            note=line.note,
            alternatives=line.alternatives,
        )

    employee_specs = tuple(spec(line) for line in employee)
    employer_specs = tuple(spec(line) for line in employer)
    slopes = _slopes(employee_specs, share_num, share_den)
    pss = _cents(rules.pss_monthly.value)
    end0 = pss * (unit - slopes[0])
    net_ends = (end0, end0 + 3 * pss * (unit - slopes[1]))
    max_hours = _hundredths(rules.max_monthly_hours.value)
    _check_range(
        rules,
        (*employee_specs, *employer_specs),
        share_den=share_den,
        unit=unit,
        slopes=slopes,
        max_hours=max_hours,
    )

    smic = rules.smic_hourly.value
    uplift = rules.paid_leave_uplift.value / _HUNDRED
    minimum = (smic, round_cents(smic * (1 + uplift)))
    # A net at least this high is above the minimum on any line structure: below the PSS
    # gross = net / (1 − rate); above it the hourly gross far exceeds any minimum.
    first = Decimal(slopes[0]) / unit
    safe_net = tuple(_cents(ceil_cents(m * (1 - first))) + 1 for m in minimum)
    # ceil((minimum − ½ cent) × (1 − employee rate)): the smallest net whose gross rounds up
    # to the minimum (below the PSS).
    minimum_net = tuple(
        -(-((2 * _cents(m) - 1) * (unit - slopes[0])) // (2 * unit)) for m in minimum
    )
    exemption_rate = sum(
        (line.rate for line in employer if "exemption" in line.reliefs), Decimal(0)
    )
    hours = rules.age_70_cap_smic_hours.value
    exempted = [line.rate for line in employer if "exemption" in line.reliefs]
    # The cap is the exemption of 65 × SMIC of wages (art. D241-5 CSS; the SMIC in force on
    # the first day of the month), each exempted line rounded to the cent as every line is:
    # this reproduces every published cap (regression cases A1, G2, G3, G6). With paid leave
    # the hourly rate is rounded to the cent before the multiplication by 65.
    caps = tuple(
        sum((round_cents(base * rate) for rate in exempted), Decimal(0))
        for base in (round_cents(hours * smic), hours * minimum[1])
    )
    advance = rules.advance_share
    return MonthPlan(
        rules=rules,
        non_resident=non_resident,
        month=f"{rules.month:%Y-%m}",
        inversion=_policy(rules)[0],
        totals=_policy(rules)[1],
        unit=unit,
        rate_den=rate_den,
        share_num=share_num,
        share_den=share_den,
        pss=pss,
        employee=employee_specs,
        employer=employer_specs,
        slopes=slopes,
        net_ends=net_ends,
        minimum=(_cents(minimum[0]), _cents(minimum[1])),
        safe_net=(safe_net[0], safe_net[1]),
        minimum_net=(minimum_net[0], minimum_net[1]),
        max_hours=max_hours,
        leave_threshold=_hundredths(rules.paid_leave_threshold_hours.value),
        deduction_per_hour=_cents(rules.deduction_hourly.value),
        age_70_caps=(_cents(caps[0]), _cents(caps[1])),
        exemption_rate=exemption_rate,
        pas_thresholds=tuple(_cents(b.threshold) for b in rules.pas_grid),
        pas_rates=tuple(_hundredths(b.rate_percent) for b in rules.pas_grid),
        credit_rate=_hundredths(rules.tax_credit_rate.value),
        advance_rate=None if advance is None else _hundredths(advance.value),
    )


def _hundredths(value: Decimal) -> int:
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise RulesetError(f"{value} has more than two decimals where hundredths are expected")
    return int(scaled)


def _slopes(employee: Sequence[LineSpec], share_num: int, share_den: int) -> tuple[int, int, int]:
    """dE/dG of the employee lines on each segment, over ``unit`` (= share_den × rate_den)."""
    out = []
    for segment in range(3):
        slope = 0
        for line in employee:
            if line.base == 0:  # gross
                slope += line.rate_num * share_den
            elif line.base == 1:  # capped at the PSS
                slope += line.rate_num * share_den if segment == 0 else 0
            elif line.base == 2:  # capped at 4 PSS
                slope += line.rate_num * share_den if segment <= 1 else 0
            else:  # CSG/CRDS base: share of the gross up to 4 PSS, all of it above
                slope += line.rate_num * (share_num if segment <= 1 else share_den)
        out.append(slope)
    return out[0], out[1], out[2]


def _check_range(
    rules: Rules,
    lines: Sequence[LineSpec],
    *,
    share_den: int,
    unit: int,
    slopes: tuple[int, int, int],
    max_hours: int,
) -> None:
    """Refuse rules whose exact integers could leave int64 in the vector path.

    The largest integers are the sum of a side's line units (the gross × share_den × the sum
    of the rate numerators) and the net → gross inverse of an hourly net (net hourly × hours
    × unit, plus the segment start), for the largest wage accepted (1 000 € an hour) and the
    legal maximum of hours; a half-up rounding doubles each.
    """
    max_gross = max_hours * 1000  # cents: hours (hundredths) × 1 000 € an hour
    pss = _cents(rules.pss_monthly.value)
    worst = max(
        max_gross * share_den * max(1, sum(line.rate_num for line in lines)),
        100_000 * max_hours * unit + 400 * pss * unit,
    )
    if 2 * worst + unit >= 2**63 or max(slopes) >= unit:
        raise RulesetError(
            f"the rates in force in {rules.month:%Y-%m} ({rules.territory}) have too many "
            "decimals (or add up to 100 % or more) to be computed exactly in 64-bit integers; "
            "write rates with at most 3 decimals in percent"
        )


_PLANS: BoundedCache[tuple[str, date, str, bool], MonthPlan] = BoundedCache("month plans", 2048)


def plan_for(rules: Rules, non_resident: bool = False) -> MonthPlan:
    """The plan of ``rules`` for the residence, compiled once (the one cache of calc/)."""
    key = (rules.ruleset_hash, rules.month, rules.territory, non_resident)
    found = _PLANS.get(key)
    if found is not None:
        return found
    return _PLANS.put(key, compile_plan(rules, non_resident))
