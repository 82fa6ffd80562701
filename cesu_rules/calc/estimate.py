"""The monthly Cesu estimate: pure functions from (inputs, rules) to a frozen result.

Steps, in payslip order (see docs/estimate.md for each formula):

1. wage: net ↔ gross on the month's line structure, per the ruleset's inversion policy;
2. contributions: one line per contribution in force (base, rate, amount), each side's total
   per the ruleset's totals policy;
3. relief: the L241-10 exemption (70+ capped at 65 × SMIC) or the déduction forfaitaire;
4. totals: employer total after relief, net taxable, the Urssaf debit, the household's cost.

No I/O, no globals except caches of immutable values keyed by the ruleset hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import NamedTuple

from ..errors import InputError
from ..rules.schema import Source
from ..rules.snapshot import Choice, LineRule, Rules, Value
from .relief import EXEMPTION_CASES, age_70_cap
from .rounding import (
    CENT,
    ZERO,
    allocate_cents,
    ceil_cents,
    exact_div,
    round_cents,
)
from .wage import Bases, gross_from_net_slopes, segment_slopes

__all__ = ["LINE_ORDER", "Estimate", "Inputs", "Line", "compute", "make_inputs"]

_HUNDRED = Decimal(100)
_ONE = Decimal(1)
_NEAR_MINIMUM = Decimal("1.01")
_MAX_HOURLY = Decimal(1000)
_HALF_CENT = Decimal("0.005")
_SEARCH_CENTS = 40
_ABSURD = Decimal(10) ** 9

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


class Inputs(NamedTuple):
    """Validated inputs of one monthly estimate (see :func:`make_inputs`)."""

    hours: Decimal
    net_hourly: Decimal | None
    gross_hourly: Decimal | None
    paid_leave_included: bool
    paid_leave_defaulted: bool
    paid_leave_hours: Decimal
    non_resident: bool
    exemption: str


class Line(NamedTuple):
    """One contribution line of the result."""

    code: str
    label: str
    side: str
    base: Decimal
    rate: Decimal
    amount: Decimal
    parameter: str
    status: str
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class Estimate:
    """The result of a monthly estimate. Money in euros (Decimal, two decimals)."""

    ruleset_version: str
    ruleset_hash: str
    month: str
    territory: str
    hours: Decimal
    paid_leave: str
    paid_leave_hours: Decimal
    non_resident: bool
    exemption_case: str
    gross_hourly: Decimal
    net_hourly: Decimal
    gross: Decimal
    net: Decimal
    net_taxable: Decimal
    employee_total: Decimal
    employer_total_before_relief: Decimal
    deduction: Decimal
    deduction_hours: Decimal
    deduction_per_hour: Decimal
    exemption: Decimal
    exemption_cap: Decimal | None
    employer_total: Decimal
    urssaf_debit: Decimal
    total_cost: Decimal
    lines: tuple[Line, ...]
    warnings: tuple[str, ...]
    policies: tuple[tuple[str, str], ...]

    def lines_for(self, side: str) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.side == side)


# ---------------------------------------------------------------------------------------------
# Inputs


def _decimal(name: str, value: object, *, example: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise InputError(f"{name} must be a number such as {example}, got {value!r}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise InputError(f"{name} must be a number such as {example}, got {value!r}") from None
    else:
        raise InputError(f"{name} must be a number such as {example}, got {value!r}")
    if not number.is_finite() or abs(number) >= _ABSURD:
        raise InputError(f"{name} must be a plausible number such as {example}, got {value!r}")
    if number != number.quantize(CENT, rounding=ROUND_DOWN):
        raise InputError(
            f"{name} has more than two decimals ({value}); write it to the cent/hundredth, "
            f"such as {example}"
        )
    return number


def make_inputs(
    rules: Rules,
    *,
    hours: object,
    net_hourly: object = None,
    gross_hourly: object = None,
    paid_leave: str | None = None,
    paid_leave_hours: object = 0,
    non_resident: bool = False,
    exemption: str = "none",
) -> Inputs:
    """Check and normalise the inputs of an estimate for the month of ``rules``.

    Raises :class:`~cesu_rules.errors.InputError` with the bad value, what is allowed and
    an example: hours ≤ 0 or above the legal monthly maximum, both or neither wage, an unknown
    exemption or paid-leave option, a wage below the legal minimum of the month.
    """
    h = _decimal("hours", hours, example="10.5")
    maximum = rules.max_monthly_hours.value
    if h <= 0:
        raise InputError(f"hours must be more than 0 (got {h}); example: 10.5")
    if h > maximum:
        raise InputError(
            f"hours {h} exceed the legal maximum of {maximum} hours a month for one employee "
            "(48 hours a week, C. trav. art. L3121-20); declare each month separately"
        )
    if (net_hourly is None) == (gross_hourly is None):
        given = "both" if net_hourly is not None else "neither"
        raise InputError(
            f"give exactly one hourly wage, net or gross ({given} given); "
            "example: --net-hourly 12.00"
        )
    net_h = None if net_hourly is None else _decimal("net_hourly", net_hourly, example="12.00")
    gross_h = (
        None if gross_hourly is None else _decimal("gross_hourly", gross_hourly, example="15.36")
    )
    for name, wage in (("net_hourly", net_h), ("gross_hourly", gross_h)):
        if wage is not None and not 0 < wage < _MAX_HOURLY:
            raise InputError(
                f"{name} must be an hourly wage between 0 and {_MAX_HOURLY} € (got {wage}); "
                "give the wage for one hour, such as 12.00"
            )
    if paid_leave not in (None, "included", "excluded"):
        raise InputError(
            f"paid_leave must be 'included' or 'excluded' (got {paid_leave!r}); by default it "
            f"is included up to {rules.paid_leave_threshold_hours.value} hours a month"
        )
    defaulted = paid_leave is None
    included = (
        h <= rules.paid_leave_threshold_hours.value if defaulted else paid_leave == "included"
    )
    leave_hours = _decimal("paid_leave_hours", paid_leave_hours, example="7")
    if leave_hours < 0 or leave_hours > h:
        raise InputError(
            f"paid_leave_hours must be between 0 and the {h} hours declared (got {leave_hours})"
        )
    if leave_hours and included:
        raise InputError(
            "paid_leave_hours are declared only when paid leave is not included in the wage "
            "(paid_leave 'excluded'); with the 10 % uplift, leave is not paid when taken"
        )
    if exemption not in EXEMPTION_CASES:
        raise InputError(
            f"unknown exemption {exemption!r}; choose one of: {', '.join(EXEMPTION_CASES)}"
        )
    if not isinstance(non_resident, bool):
        raise InputError(f"non_resident must be true or false (got {non_resident!r})")
    inputs = Inputs(h, net_h, gross_h, included, defaulted, leave_hours, non_resident, exemption)
    _check_minimum_wage(rules, inputs)
    return inputs


def _check_minimum_wage(rules: Rules, inputs: Inputs) -> None:
    smic = rules.smic_hourly.value
    minimum = smic
    what = f"the SMIC ({smic} € gross an hour)"
    if inputs.paid_leave_included:
        minimum = round_cents(smic * (_ONE + rules.paid_leave_uplift.value / _HUNDRED))
        what = f"110 % of the SMIC {smic} €, paid leave included"
    structure = _structure(rules, inputs.non_resident)
    rate = structure.slopes[0]
    if inputs.gross_hourly is not None:
        gross_h = inputs.gross_hourly
        given = f"gross hourly wage {gross_h} €"
    else:
        assert inputs.net_hourly is not None
        exact = gross_from_net_slopes(
            inputs.net_hourly * inputs.hours, structure.slopes, structure.pss
        )
        gross_h = round_cents(exact_div(exact, inputs.hours))
        given = f"net hourly wage {inputs.net_hourly} € ({gross_h} € gross)"
    if gross_h < minimum:
        net_min = ceil_cents((minimum - _HALF_CENT) * (_ONE - rate))
        raise InputError(
            f"the {given} is below the legal minimum for {rules.month:%Y-%m} in "
            f"{rules.territory}: {minimum} € gross an hour ({what}), that is at least "
            f"{net_min} € net an hour; example: --net-hourly {net_min}"
        )


# ---------------------------------------------------------------------------------------------
# Computation


class _Structure(NamedTuple):
    """The month's line structure for one residence case, computed once and cached."""

    employee: tuple[LineRule, ...]
    employer: tuple[LineRule, ...]
    employee_specs: tuple[_Spec, ...]
    employer_specs: tuple[_Spec, ...]
    slopes: tuple[Decimal, ...]
    pss: Decimal
    share: Decimal


# (base name, rate as a fraction, monthly cap or None): what _raw_amounts needs of a line.
_Spec = tuple[str, Decimal, Decimal | None]


def _specs(lines: Sequence[LineRule]) -> tuple[_Spec, ...]:
    return tuple((line.base, line.rate, line.monthly_cap) for line in lines)


_STRUCTURES: dict[tuple[str, object, str, bool], _Structure] = {}


def _sorted_side(rules: Rules, non_resident: bool, side: str) -> tuple[LineRule, ...]:
    lines = (
        line
        for line in rules.lines
        if line.side == side and line.applies_to(non_resident=non_resident)
    )
    return tuple(sorted(lines, key=lambda line: (LINE_ORDER.get(line.code, 99), line.code)))


def _structure(rules: Rules, non_resident: bool) -> _Structure:
    key = (rules.ruleset_hash, rules.month, rules.territory, non_resident)
    cached = _STRUCTURES.get(key)
    if cached is None:
        employee = _sorted_side(rules, non_resident, "employee")
        employer = _sorted_side(rules, non_resident, "employer")
        share = rules.csg_base_share.value / _HUNDRED
        cached = _Structure(
            employee,
            employer,
            _specs(employee),
            _specs(employer),
            segment_slopes(employee, share),
            rules.pss_monthly.value,
            share,
        )
        _STRUCTURES[key] = cached
    return cached


def _raw_amounts(specs: Sequence[_Spec], bases: Bases) -> list[Decimal]:
    """Unrounded amount of each line: base × rate, at most the line's monthly cap."""
    amounts = [bases[base] * rate for base, rate, _ in specs]
    for i, (_, _, cap) in enumerate(specs):
        if cap is not None and amounts[i] > cap:
            amounts[i] = cap
    return amounts


def _rounded_each(raw: Sequence[Decimal]) -> list[Decimal]:
    return [round_cents(x) for x in raw]


def _search_gross(
    net: Decimal, exact: Decimal, lines: Sequence[_Spec], pss: Decimal, share: Decimal
) -> tuple[Decimal, Bases, list[Decimal]]:
    """The cent gross closest to ``exact`` whose per-line rounded contributions leave
    exactly ``net`` (policy each_line with the monthly inversion)."""
    start = round_cents(exact)
    candidates = sorted(
        (start + k * CENT for k in range(-_SEARCH_CENTS, _SEARCH_CENTS + 1)),
        key=lambda g: (abs(g - exact), g),
    )
    for gross in candidates:
        bases = Bases(gross, pss, share)
        amounts = _rounded_each(_raw_amounts(lines, bases))
        if gross - sum(amounts, ZERO) == net:
            return gross, bases, amounts
    raise AssertionError(f"no gross wage leaves the net {net} with per-line rounding")


class _Wage(NamedTuple):
    gross: Decimal
    net: Decimal
    gross_hourly: Decimal
    net_hourly: Decimal
    bases: Bases
    employee_amounts: list[Decimal]
    employee_total: Decimal


def _wage(rules: Rules, inputs: Inputs, structure: _Structure) -> _Wage:
    """Gross, net and the employee lines, per the inversion and totals policies."""
    pss, share, employee = structure.pss, structure.share, structure.employee_specs
    each_line = rules.totals_policy.choice == "each_line"
    hours = inputs.hours
    if inputs.gross_hourly is not None:
        gross_h = inputs.gross_hourly
        gross = round_cents(hours * gross_h)
        bases = Bases(gross, pss, share)
        raw = _raw_amounts(employee, bases)
        if each_line:
            amounts = _rounded_each(raw)
            total = sum(amounts, ZERO)
        else:
            total = round_cents(sum(raw, ZERO))
            amounts = allocate_cents(total, raw)
        net = gross - total
        return _Wage(gross, net, gross_h, round_cents(exact_div(net, hours)), bases, amounts, total)

    assert inputs.net_hourly is not None
    net_h = inputs.net_hourly
    net = round_cents(hours * net_h)
    if rules.inversion_policy.choice == "hourly":
        exact_monthly = gross_from_net_slopes(hours * net_h, structure.slopes, pss)
        gross_h = round_cents(exact_div(exact_monthly, hours))
        gross = round_cents(gross_h * hours)
        bases = Bases(gross, pss, share)
        # The declared net fixes the employee total; the lines are allocated to it.
        amounts = allocate_cents(gross - net, _raw_amounts(employee, bases))
    else:
        exact = gross_from_net_slopes(net, structure.slopes, pss)
        if each_line:
            gross, bases, amounts = _search_gross(net, exact, employee, pss, share)
        else:
            gross = round_cents(exact)
            bases = Bases(gross, pss, share)
            amounts = allocate_cents(gross - net, _raw_amounts(employee, bases))
        gross_h = round_cents(exact_div(gross, hours))
    return _Wage(gross, net, gross_h, net_h, bases, amounts, gross - net)


def _employer(
    rules: Rules, employer: Sequence[_Spec], bases: Bases
) -> tuple[list[Decimal], Decimal]:
    """The employer lines and their total before relief, per the totals policy."""
    raw = _raw_amounts(employer, bases)
    if rules.totals_policy.choice == "each_line":
        amounts = _rounded_each(raw)
        return amounts, sum(amounts, ZERO)
    total = round_cents(sum(raw, ZERO))
    return allocate_cents(total, raw), total


class _Relief(NamedTuple):
    deduction: Decimal
    deduction_hours: Decimal
    deduction_per_hour: Decimal
    exemption: Decimal
    cap: Decimal | None
    warnings: list[str]


def _covered(
    employer: Sequence[LineRule], amounts: Sequence[Decimal], relief: str
) -> tuple[Decimal, Decimal]:
    """Sum of the employer amounts a relief can reduce, and the sum of their rates."""
    covered = rate = ZERO
    for line, amount in zip(employer, amounts, strict=True):
        if relief in line.reliefs:
            covered += amount
            rate += line.rate
    return covered, rate


def _relief(
    rules: Rules, inputs: Inputs, employer: Sequence[LineRule], amounts: Sequence[Decimal]
) -> _Relief:
    """The exemption of the employer's case, or else the déduction forfaitaire."""
    warnings: list[str] = []
    if inputs.exemption != "none":
        covered, covered_rate = _covered(employer, amounts, "exemption")
        cap = None
        exemption = covered
        if EXEMPTION_CASES[inputs.exemption].capped:
            cap = age_70_cap(rules, covered_rate, paid_leave_included=inputs.paid_leave_included)
            if covered > cap:
                exemption = cap
                warnings.append(
                    f"the 70+ exemption is capped at {cap} € this month (65 × SMIC of wages "
                    f"per household); the {covered - cap} € above it are charged, and no "
                    "déduction forfaitaire is applied to them (assumption: L241-10 forbids "
                    "cumulating the deduction with an exemption)"
                )
        return _Relief(ZERO, ZERO, ZERO, exemption, cap, warnings)
    covered, _ = _covered(employer, amounts, rules.deduction_relief)
    per_hour = rules.deduction_hourly.value
    hours = inputs.hours - inputs.paid_leave_hours
    deduction = round_cents(hours * per_hour)
    if deduction > covered:
        warnings.append(
            f"the déduction forfaitaire ({hours} h × {per_hour} € = {deduction} €) is capped "
            f"at the {covered} € of contributions it reduces"
        )
        deduction = covered
    return _Relief(deduction, hours, per_hour, ZERO, None, warnings)


def compute(rules: Rules, inputs: Inputs) -> Estimate:
    """The monthly estimate for validated ``inputs`` under ``rules`` (pure, exact to the cent)."""
    structure = _structure(rules, inputs.non_resident)
    employee, employer = structure.employee, structure.employer
    wage = _wage(rules, inputs, structure)
    employer_amounts, employer_before = _employer(rules, structure.employer_specs, wage.bases)
    relief = _relief(rules, inputs, employer, employer_amounts)

    employer_total = employer_before - relief.deduction - relief.exemption
    urssaf_debit = wage.employee_total + employer_total
    net_taxable = wage.net + sum(
        (a for line, a in zip(employee, wage.employee_amounts, strict=True) if line.taxable),
        ZERO,
    )
    shown = {name: round_cents(value) for name, value in wage.bases.items()}
    lines = tuple(
        [
            Line(
                line.code,
                line.label,
                line.side,
                shown[line.base],
                line.rate_percent,
                amount,
                line.parameter,
                line.status,
                line.sources,
            )
            for line, amount in (
                *zip(employee, wage.employee_amounts, strict=True),
                *zip(employer, employer_amounts, strict=True),
            )
        ]
    )
    warnings = [
        *relief.warnings,
        *_context_warnings(rules, inputs, wage.gross, wage.gross_hourly),
        *_provenance_warnings(rules, inputs),
    ]
    return Estimate(
        ruleset_version=rules.ruleset_version,
        ruleset_hash=rules.ruleset_hash,
        month=f"{rules.month:%Y-%m}",
        territory=rules.territory,
        hours=inputs.hours,
        paid_leave="included" if inputs.paid_leave_included else "excluded",
        paid_leave_hours=inputs.paid_leave_hours,
        non_resident=inputs.non_resident,
        exemption_case=inputs.exemption,
        gross_hourly=wage.gross_hourly,
        net_hourly=wage.net_hourly,
        gross=wage.gross,
        net=wage.net,
        net_taxable=net_taxable,
        employee_total=wage.employee_total,
        employer_total_before_relief=employer_before,
        deduction=relief.deduction,
        deduction_hours=relief.deduction_hours,
        deduction_per_hour=relief.deduction_per_hour,
        exemption=relief.exemption,
        exemption_cap=relief.cap,
        employer_total=employer_total,
        urssaf_debit=urssaf_debit,
        total_cost=wage.net + urssaf_debit,
        lines=lines,
        warnings=tuple(warnings),
        policies=(
            ("inversion", rules.inversion_policy.choice),
            ("totals", rules.totals_policy.choice),
        ),
    )


def _context_warnings(rules: Rules, inputs: Inputs, gross: Decimal, gross_h: Decimal) -> list[str]:
    warnings: list[str] = []
    smic = rules.smic_hourly.value
    minimum = (
        round_cents(smic * (_ONE + rules.paid_leave_uplift.value / _HUNDRED))
        if inputs.paid_leave_included
        else smic
    )
    if gross_h < minimum * _NEAR_MINIMUM:
        warnings.append(
            f"the wage ({gross_h} € gross an hour) is within 1 % of the legal minimum "
            f"({minimum} €); the branch minimum of the CCN IDCC 3239 grid (level I and above) "
            "is not checked and may be higher"
        )
    if inputs.paid_leave_defaulted:
        threshold = rules.paid_leave_threshold_hours.value
        if inputs.paid_leave_included:
            warnings.append(
                f"paid leave taken as included in the wage (10 % uplift): {inputs.hours} h is "
                f"at most {threshold} h a month (C. trav. L1271-4, D1271-5-1); pass paid_leave "
                "to say otherwise"
            )
        else:
            warnings.append(
                f"paid leave taken as excluded from the wage: {inputs.hours} h is above "
                f"{threshold} h a month, so leave is paid when taken (C. trav. L1271-4, "
                "D1271-5-1); pass paid_leave 'included' if you pay the 10 % by agreement"
            )
    if gross > rules.pss_monthly.value:
        warnings.append(
            f"the gross wage {gross} € is above the monthly social security ceiling "
            f"({rules.pss_monthly.value} €): the ceiling is not prorated for part-time or "
            "several employers, and no tranche 2 retirement line is applied (neither is "
            "documented for the Cesu)"
        )
    warnings.extend(rules.assumptions)
    return warnings


_PROVENANCE_CACHE: dict[tuple[str, object, str, bool, str], tuple[str, ...]] = {}


def _describe(item: Value | Choice | LineRule) -> str:
    if isinstance(item, LineRule):
        shown = f"{item.rate_percent} %"
        name, status, note = item.parameter, item.status, None
    elif isinstance(item, Choice):
        shown = item.choice
        name, status, note = item.parameter, item.status, item.note
    else:
        shown = str(item.value)
        name, status, note = item.parameter, item.status, item.note
    text = f"{status.replace('_', ' ')} value used: {name} = {shown}"
    if note:
        first = " ".join(note.split()).split(". ")[0].rstrip(".")
        text += f" ({first})"
    return text


def _provenance_warnings(rules: Rules, inputs: Inputs) -> tuple[str, ...]:
    key = (rules.ruleset_hash, rules.month, rules.territory, inputs.non_resident, inputs.exemption)
    cached = _PROVENANCE_CACHE.get(key)
    if cached is not None:
        return cached
    structure = _structure(rules, inputs.non_resident)
    used: list[Value | Choice | LineRule] = [
        *structure.employee,
        *structure.employer,
        rules.pss_monthly,
        rules.csg_base_share,
        rules.inversion_policy,
        rules.totals_policy,
    ]
    if inputs.exemption == "none":
        used.append(rules.deduction_hourly)
    elif EXEMPTION_CASES[inputs.exemption].capped:
        used.extend((rules.smic_hourly, rules.age_70_cap_smic_hours, rules.paid_leave_uplift))
    lines = [_describe(item) for item in used if item.status != "confirmed"]
    # A line is described once even when it has an employee and an employer side.
    result = tuple(dict.fromkeys(lines))
    _PROVENANCE_CACHE[key] = result
    return result
