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

from bisect import bisect_right
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any, NamedTuple

from ..errors import InputError
from ..rules.schema import Source
from ..rules.snapshot import Choice, LineRule, Rules, Value
from .kernel import (
    BASE_INDEX,
    MonthKernel,
    allocate_units,
    base_units,
    build_kernel,
    half_up,
    line_units,
)
from .relief import EXEMPTION_CASES, age_70_cap
from .rounding import CENT, ZERO, ceil_cents, exact_div, in_exact_context, round_cents
from .wage import gross_from_net_slopes, segment_slopes

__all__ = [
    "LINE_ORDER",
    "Estimate",
    "Inputs",
    "Line",
    "compute",
    "legal_minimum",
    "make_inputs",
    "taux_neutre",
]

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
    net_monthly: Decimal | None
    paid_leave_included: bool
    paid_leave_defaulted: bool
    paid_leave_hours: Decimal
    non_resident: bool
    exemption: str
    pas_rate: Decimal | None = None
    aids: Decimal = ZERO
    cesu_plus: bool = False
    exemption_cap: Decimal | None = None  # set by a household: its share of the 70+ cap


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


class Estimate(NamedTuple):
    """The result of a monthly estimate (immutable). Money in euros (Decimal, two decimals).

    A NamedTuple rather than a frozen dataclass: it is built millions of times in what-if
    runs, and a NamedTuple is built twice as fast.
    """

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
    pas_rate: Decimal | None
    pas_rate_source: str | None  # "personalised", "taux_neutre", or None without PAS
    pas_amount: Decimal
    net_after_pas: Decimal
    paid_to_employee: Decimal
    aids: Decimal
    tax_credit: Decimal
    cesu_plus: bool
    advance: Decimal
    cost_after_credit: Decimal
    lines: tuple[Line, ...]
    warnings: tuple[str, ...]
    policies: tuple[tuple[str, str], ...]

    def lines_for(self, side: str) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.side == side)


# ---------------------------------------------------------------------------------------------
# Inputs


def _decimal(name: str, value: object, *, example: str) -> Decimal:
    if value == 0 and type(value) is int:  # the default of optional amounts
        return ZERO
    if type(value) is Decimal:  # the common case of apps and the CLI: no conversion
        number = value
    elif isinstance(value, bool) or value is None:
        raise InputError(f"{name} must be a number such as {example}, got {value!r}")
    elif isinstance(value, Decimal):
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


def _hours(rules: Rules, hours: object) -> Decimal:
    h = _decimal("hours", hours, example="10.5")
    maximum = rules.max_monthly_hours.value
    if h <= 0:
        raise InputError(f"hours must be more than 0 (got {h}); example: 10.5")
    if h > maximum:
        raise InputError(
            f"hours {h} exceed the legal maximum of {maximum} hours a month for one employee "
            "(48 hours a week, C. trav. art. L3121-20); declare each month separately"
        )
    return h


def _wages(
    hours: Decimal, net_hourly: object, gross_hourly: object, net_monthly: object
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """Exactly one of the three wages, each checked."""
    wages = [w for w in (net_hourly, gross_hourly, net_monthly) if w is not None]
    if len(wages) != 1:
        given = "neither" if not wages else f"{len(wages)} given"
        raise InputError(
            "give exactly one wage: the net hourly, the gross hourly or the net monthly wage "
            f"({given}); example: --net-hourly 12.00"
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
    net_m = None if net_monthly is None else _decimal("net_monthly", net_monthly, example="120.00")
    if net_m is not None and not 0 < net_m < _MAX_HOURLY * hours:
        raise InputError(
            f"net_monthly must be between 0 and {_MAX_HOURLY} € an hour (got {net_m} € for "
            f"{hours} h); example: 120.00"
        )
    return net_h, gross_h, net_m


def _paid_leave(
    rules: Rules, hours: Decimal, paid_leave: str | None, paid_leave_hours: object
) -> tuple[bool, bool, Decimal]:
    """(included, defaulted, leave hours): the 10 % uplift option and paid-leave hours."""
    if paid_leave not in (None, "included", "excluded"):
        raise InputError(
            f"paid_leave must be 'included' or 'excluded' (got {paid_leave!r}); by default it "
            f"is included up to {rules.paid_leave_threshold_hours.value} hours a month"
        )
    defaulted = paid_leave is None
    included = (
        hours <= rules.paid_leave_threshold_hours.value if defaulted else paid_leave == "included"
    )
    leave_hours = _decimal("paid_leave_hours", paid_leave_hours, example="7")
    if leave_hours < 0 or leave_hours > hours:
        raise InputError(
            f"paid_leave_hours must be between 0 and the {hours} hours declared (got {leave_hours})"
        )
    if leave_hours and included:
        raise InputError(
            "paid_leave_hours are declared only when paid leave is not included in the wage "
            "(paid_leave 'excluded'); with the 10 % uplift, leave is not paid when taken"
        )
    return included, defaulted, leave_hours


def _make_inputs(
    rules: Rules,
    *,
    hours: object,
    net_hourly: object = None,
    gross_hourly: object = None,
    net_monthly: object = None,
    paid_leave: str | None = None,
    paid_leave_hours: object = 0,
    non_resident: bool = False,
    exemption: str = "none",
    pas_rate: object = None,
    aids: object = 0,
    cesu_plus: bool = False,
) -> Inputs:
    """Check and normalise the inputs of an estimate for the month of ``rules``.

    Raises :class:`~cesu_rules.errors.InputError` with the bad value, what is allowed and
    an example: hours ≤ 0 or above the legal monthly maximum, both or neither wage, an unknown
    exemption or paid-leave option, a wage below the legal minimum of the month.
    """
    h = _hours(rules, hours)
    net_h, gross_h, net_m = _wages(h, net_hourly, gross_hourly, net_monthly)
    included, defaulted, leave_hours = _paid_leave(rules, h, paid_leave, paid_leave_hours)
    if exemption not in EXEMPTION_CASES:
        raise InputError(
            f"unknown exemption {exemption!r}; choose one of: {', '.join(EXEMPTION_CASES)}"
        )
    for name, flag in (("non_resident", non_resident), ("cesu_plus", cesu_plus)):
        if not isinstance(flag, bool):
            raise InputError(f"{name} must be true or false (got {flag!r})")
    rate = None if pas_rate is None else _decimal("pas_rate", pas_rate, example="7.5")
    if rate is not None and not 0 <= rate <= _HUNDRED:
        raise InputError(f"pas_rate is a percentage between 0 and 100 (got {rate}); example: 7.5")
    aid = _decimal("aids", aids, example="50.00")
    if aid < 0:
        raise InputError(f"aids must not be negative (got {aid}); example: 50.00")
    inputs = Inputs(
        h,
        net_h,
        gross_h,
        net_m,
        included,
        defaulted,
        leave_hours,
        non_resident,
        exemption,
        rate,
        aid,
        cesu_plus,
    )
    _check_minimum_wage(rules, inputs)
    return inputs


def _check_minimum_wage(rules: Rules, inputs: Inputs) -> None:
    structure = _structure(rules, inputs.non_resident)
    # Fast path: a net at least this high is above the minimum on any line structure
    # (below the PSS gross = net / (1 - rate); above it the hourly gross exceeds
    # PSS / 208 h, far above any minimum).
    if (
        inputs.net_hourly is not None
        and inputs.net_hourly >= structure.safe_net[inputs.paid_leave_included]
    ):
        return
    smic = rules.smic_hourly.value
    minimum = structure.minimum[inputs.paid_leave_included]
    what = (
        f"110 % of the SMIC {smic} €, paid leave included"
        if inputs.paid_leave_included
        else f"the SMIC ({smic} € gross an hour)"
    )
    rate = structure.slopes[0]
    if inputs.gross_hourly is not None:
        gross_h = inputs.gross_hourly
        given = f"gross hourly wage {gross_h} €"
    else:
        net = _net_exact(inputs)
        exact = gross_from_net_slopes(net, structure.slopes, structure.pss)
        gross_h = round_cents(exact_div(exact, inputs.hours))
        given = (
            f"net hourly wage {inputs.net_hourly} € ({gross_h} € gross)"
            if inputs.net_monthly is None
            else f"net monthly wage {inputs.net_monthly} € for {inputs.hours} h "
            f"({gross_h} € gross an hour)"
        )
    if gross_h < minimum:
        net_min = ceil_cents((minimum - _HALF_CENT) * (_ONE - rate))
        raise InputError(
            f"the {given} is below the legal minimum for {rules.month:%Y-%m} in "
            f"{rules.territory}: {minimum} € gross an hour ({what}), that is at least "
            f"{net_min} € net an hour; example: --net-hourly {net_min}"
        )


# ---------------------------------------------------------------------------------------------
# Computation


def _net_exact(inputs: Inputs) -> Decimal:
    """The declared net of the month, unrounded (hours × net hourly, or the monthly net)."""
    if inputs.net_monthly is not None:
        return inputs.net_monthly
    assert inputs.net_hourly is not None
    return inputs.net_hourly * inputs.hours


class _Structure(NamedTuple):
    """The month's line structure for one residence case, computed once and cached."""

    employee: tuple[LineRule, ...]
    employer: tuple[LineRule, ...]
    kernel: MonthKernel
    slopes: tuple[Decimal, ...]
    pss: Decimal
    # What a result line copies from its rule, computed once: (code, label, side, base
    # index, rate in percent, parameter, status, sources), employee lines then employer.
    statics: tuple[tuple[Any, ...], ...]
    month: str
    pas_thresholds: tuple[int, ...]  # cents
    pas_rates: tuple[Decimal, ...]  # percent
    minimum: tuple[Decimal, Decimal]  # legal minimum gross an hour: [excluded, included]
    safe_net: tuple[Decimal, Decimal]  # net hourly surely above the minimum: [excluded, included]


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
        minimum = legal_minimum(rules)
        share = rules.csg_base_share.value / _HUNDRED
        pss = rules.pss_monthly.value
        cached = _Structure(
            employee,
            employer,
            build_kernel(employee, employer, pss, share),
            segment_slopes(employee, share),
            pss,
            tuple(
                (
                    line.code,
                    line.label,
                    line.side,
                    BASE_INDEX[line.base],
                    line.rate_percent,
                    line.parameter,
                    line.status,
                    line.sources,
                )
                for line in (*employee, *employer)
            ),
            f"{rules.month:%Y-%m}",
            tuple(_to_cents(b.threshold) for b in rules.pas_grid),
            tuple(b.rate_percent for b in rules.pas_grid),
            minimum,
            _safe_nets(minimum, segment_slopes(employee, share)[0]),
        )
        _STRUCTURES[key] = cached
    return cached


def legal_minimum(rules: Rules) -> tuple[Decimal, Decimal]:
    """The legal minimum gross hourly wage of the month: (paid leave excluded, included).

    Excluded: the SMIC. Included: 110 % of the SMIC rounded half-up to the cent (the hourly
    rate with paid leave, as in the published 70+ caps)."""
    smic = rules.smic_hourly.value
    return smic, round_cents(smic * (_ONE + rules.paid_leave_uplift.value / _HUNDRED))


def _safe_nets(minimum: tuple[Decimal, Decimal], rate: Decimal) -> tuple[Decimal, Decimal]:
    excluded, included = minimum
    return (
        ceil_cents(excluded * (_ONE - rate)) + CENT,
        ceil_cents(included * (_ONE - rate)) + CENT,
    )


def _eur(cents: int) -> Decimal:
    """Integer cents as euros (exact in the calculator's 40-digit context)."""
    return Decimal(cents) * CENT


def _to_cents(amount: Decimal) -> int:
    """Euros with at most two decimals as integer cents (exact)."""
    return int(amount.scaleb(2))


def _side(
    kernel: MonthKernel,
    lines: Sequence[tuple[int, int, int | None]],
    bases: tuple[int, int, int, int],
    *,
    each_line: bool,
) -> tuple[list[int], int]:
    """Cents of each line of one side and the side's total, per the totals policy."""
    raw = line_units(lines, bases)
    unit = kernel.unit
    if each_line:
        cents = [half_up(a, unit) for a in raw]
        return cents, sum(cents)
    total = half_up(sum(raw), unit)
    return allocate_units(total, raw, unit), total


def _search_gross(
    kernel: MonthKernel, net: int, exact: Decimal
) -> tuple[int, tuple[int, int, int, int], list[int]]:
    """The cent gross closest to ``exact`` whose per-line rounded contributions leave
    exactly ``net`` cents (policy each_line with the monthly inversion)."""
    exact_cents = exact * _HUNDRED
    start = _to_cents(round_cents(exact))
    candidates = sorted(
        range(start - _SEARCH_CENTS, start + _SEARCH_CENTS + 1),
        key=lambda g: (abs(g - exact_cents), g),
    )
    for gross in candidates:
        bases = base_units(kernel, gross)
        cents = [half_up(a, kernel.unit) for a in line_units(kernel.employee, bases)]
        if gross - sum(cents) == net:
            return gross, bases, cents
    raise AssertionError(f"no gross wage leaves the net {net} cents with per-line rounding")


class _Wage(NamedTuple):
    gross: int  # cents
    net: int  # cents
    gross_hourly: Decimal
    net_hourly: Decimal
    bases: tuple[int, int, int, int]
    employee: list[int]  # cents, in the order of the structure's employee lines
    employee_total: int  # cents


def _wage(rules: Rules, inputs: Inputs, structure: _Structure) -> _Wage:
    """Gross, net and the employee lines, per the inversion and totals policies."""
    kernel = structure.kernel
    each_line = rules.totals_policy.choice == "each_line"
    hours = inputs.hours
    if inputs.gross_hourly is not None:
        gross_h = inputs.gross_hourly
        gross = _to_cents(round_cents(hours * gross_h))
        bases = base_units(kernel, gross)
        cents, total = _side(kernel, kernel.employee, bases, each_line=each_line)
        net = gross - total
        net_h = round_cents(exact_div(_eur(net), hours))
        return _Wage(gross, net, gross_h, net_h, bases, cents, total)

    if inputs.net_monthly is not None:
        net_eur = inputs.net_monthly
        net_h = round_cents(exact_div(net_eur, hours))
    else:
        assert inputs.net_hourly is not None
        net_h = inputs.net_hourly
        net_eur = round_cents(hours * net_h)
    net = _to_cents(net_eur)
    if rules.inversion_policy.choice == "hourly":
        exact_month = gross_from_net_slopes(_net_exact(inputs), structure.slopes, structure.pss)
        gross_h = round_cents(exact_div(exact_month, hours))
        gross = _to_cents(round_cents(gross_h * hours))
        bases = base_units(kernel, gross)
        # The declared net fixes the employee total; the lines are allocated to it.
        cents = allocate_units(gross - net, line_units(kernel.employee, bases), kernel.unit)
    else:
        exact = gross_from_net_slopes(net_eur, structure.slopes, structure.pss)
        if each_line:
            gross, bases, cents = _search_gross(kernel, net, exact)
        else:
            gross = _to_cents(round_cents(exact))
            bases = base_units(kernel, gross)
            cents = allocate_units(gross - net, line_units(kernel.employee, bases), kernel.unit)
        gross_h = round_cents(exact_div(_eur(gross), hours))
    return _Wage(gross, net, gross_h, net_h, bases, cents, gross - net)


class _Relief(NamedTuple):
    deduction: int  # cents
    deduction_hours: Decimal
    deduction_per_hour: Decimal
    exemption: int  # cents
    cap: Decimal | None
    warnings: list[str]


def _covered(
    employer: Sequence[LineRule], cents: Sequence[int], relief: str
) -> tuple[int, Decimal]:
    """Cents of the employer lines a relief can reduce, and the sum of their rates."""
    covered = 0
    rate = ZERO
    for line, amount in zip(employer, cents, strict=True):
        if relief in line.reliefs:
            covered += amount
            rate += line.rate
    return covered, rate


def _relief(
    rules: Rules, inputs: Inputs, employer: Sequence[LineRule], cents: Sequence[int]
) -> _Relief:
    """The exemption of the employer's case, or else the déduction forfaitaire."""
    warnings: list[str] = []
    if inputs.exemption != "none":
        covered, covered_rate = _covered(employer, cents, "exemption")
        cap = None
        exemption = covered
        if EXEMPTION_CASES[inputs.exemption].capped:
            cap = inputs.exemption_cap
            if cap is None:
                cap = age_70_cap(
                    rules, covered_rate, paid_leave_included=inputs.paid_leave_included
                )
            cap_cents = _to_cents(cap)
            if covered > cap_cents:
                exemption = cap_cents
                what = (
                    f"at this employee's share, {cap} €, of the household's cap"
                    if inputs.exemption_cap is not None
                    else f"at {cap} € this month (65 × SMIC of wages per household)"
                )
                warnings.append(
                    f"the 70+ exemption is capped {what}; the {_eur(covered - cap_cents)} € "
                    "above it are charged, and no déduction forfaitaire is applied to them "
                    "(assumption: L241-10 forbids cumulating the deduction with an exemption)"
                )
        return _Relief(0, ZERO, ZERO, exemption, cap, warnings)
    covered, _ = _covered(employer, cents, rules.deduction_relief)
    per_hour = rules.deduction_hourly.value
    hours = inputs.hours - inputs.paid_leave_hours
    deduction = _to_cents(round_cents(hours * per_hour))
    if deduction > covered:
        warnings.append(
            f"the déduction forfaitaire ({hours} h × {per_hour} € = {_eur(deduction)} €) is "
            f"capped at the {_eur(covered)} € of contributions it reduces"
        )
        deduction = covered
    return _Relief(deduction, hours, per_hour, 0, None, warnings)


class _Tax(NamedTuple):
    pas_rate: Decimal | None  # percent
    pas: int  # cents
    credit: int
    advance: int
    urssaf_debit: int
    paid_to_employee: int
    warnings: list[str]


def _tax_side(
    rules: Rules,
    inputs: Inputs,
    structure: _Structure,
    *,
    net_taxable: int,
    net: int,
    contributions: int,
) -> _Tax:
    """PAS on the net taxable, the 50 % tax credit, the avance immédiate and the debit.

    PAS: the employee's rate when given, else the taux neutre grid of the month (a flat rate
    on the whole net taxable; a base equal to a threshold takes that bracket), rounded
    half-up to the cent. Without Cesu+ the employer pays the net after PAS and the Urssaf
    debits contributions and PAS; with Cesu+ the Urssaf debits net and contributions, minus
    the avance immédiate.
    """
    warnings: list[str] = []
    rate: Decimal | None = None
    pas = 0
    if inputs.non_resident:
        if inputs.pas_rate is not None:
            warnings.append(
                "pas_rate ignored: the withholding of fiscal non-residents "
                "(CGI art. 182 A) is not modelled"
            )
    elif not rules.pas_applies:
        if inputs.pas_rate is not None:
            warnings.append("pas_rate ignored: the Cesu withheld income tax from January 2020")
    else:
        if inputs.pas_rate is not None:
            rate = inputs.pas_rate
        else:
            index = bisect_right(structure.pas_thresholds, net_taxable) - 1
            rate = structure.pas_rates[index]
        pas = _to_cents(round_cents(_eur(net_taxable) * rate / _HUNDRED))
    expense = net + contributions
    aids = _to_cents(inputs.aids)
    if aids > expense:
        raise InputError(
            f"aids of {inputs.aids} € exceed the month's expense of {_eur(expense)} € (wage "
            "and contributions); declare the part of the aid that paid this employee"
        )
    eligible = _eur(expense - aids)
    credit = _to_cents(round_cents(eligible * rules.tax_credit_rate.value / _HUNDRED))
    advance = 0
    if inputs.cesu_plus:
        share = rules.advance_share
        if share is None:
            warnings.append(
                "no avance immédiate before January 2022: the tax credit comes with the next "
                "year's tax return"
            )
        else:
            advance = _to_cents(round_cents(eligible * share.value / _HUNDRED))
            if aids:
                warnings.append(
                    "with aids from a third party (APA, PCH…) the avance immédiate is not "
                    "automatic; check that it applies to this household"
                )
        return _Tax(rate, pas, credit, advance, net + contributions - advance, 0, warnings)
    return _Tax(rate, pas, credit, 0, contributions + pas, net - pas, warnings)


def _compute(rules: Rules, inputs: Inputs) -> Estimate:
    """The monthly estimate for validated ``inputs`` under ``rules`` (pure, exact to the cent)."""
    structure = _structure(rules, inputs.non_resident)
    kernel = structure.kernel
    employee, employer = structure.employee, structure.employer
    wage = _wage(rules, inputs, structure)
    employer_cents, employer_before = _side(
        kernel, kernel.employer, wage.bases, each_line=rules.totals_policy.choice == "each_line"
    )
    relief = _relief(rules, inputs, employer, employer_cents)

    employer_total = employer_before - relief.deduction - relief.exemption
    contributions = wage.employee_total + employer_total
    net_taxable = wage.net + sum(
        c for line, c in zip(employee, wage.employee, strict=True) if line.taxable
    )
    tax = _tax_side(
        rules, inputs, structure, net_taxable=net_taxable, net=wage.net, contributions=contributions
    )
    shown = [_eur(half_up(b, kernel.share_den)) for b in wage.bases]
    new = tuple.__new__  # Line is a NamedTuple: build it without its Python-level __new__
    lines = tuple(
        [
            new(Line, (code, label, side, shown[base], rate, _eur(c), parameter, status, src))
            for (code, label, side, base, rate, parameter, status, src), c in zip(
                structure.statics, (*wage.employee, *employer_cents), strict=True
            )
        ]
    )
    gross = _eur(wage.gross)
    warnings = [
        *relief.warnings,
        *tax.warnings,
        *_context_warnings(rules, inputs, structure, gross, wage.gross_hourly),
        *_provenance_warnings(rules, inputs),
    ]
    # Positional construction (a NamedTuple's keyword __new__ costs microseconds at this
    # size); each value is commented with its field, in the order of Estimate's fields.
    return tuple.__new__(
        Estimate,
        (
            rules.ruleset_version,  # ruleset_version
            rules.ruleset_hash,  # ruleset_hash
            structure.month,  # month
            rules.territory,  # territory
            inputs.hours,  # hours
            "included" if inputs.paid_leave_included else "excluded",  # paid_leave
            inputs.paid_leave_hours,  # paid_leave_hours
            inputs.non_resident,  # non_resident
            inputs.exemption,  # exemption_case
            wage.gross_hourly,  # gross_hourly
            wage.net_hourly,  # net_hourly
            gross,  # gross
            _eur(wage.net),  # net
            _eur(net_taxable),  # net_taxable
            _eur(wage.employee_total),  # employee_total
            _eur(employer_before),  # employer_total_before_relief
            _eur(relief.deduction),  # deduction
            relief.deduction_hours,  # deduction_hours
            relief.deduction_per_hour,  # deduction_per_hour
            _eur(relief.exemption),  # exemption
            relief.cap,  # exemption_cap
            _eur(employer_total),  # employer_total
            _eur(tax.urssaf_debit),  # urssaf_debit
            _eur(wage.net + contributions),  # total_cost
            tax.pas_rate,  # pas_rate
            # pas_rate_source:
            (
                None
                if tax.pas_rate is None
                else ("personalised" if inputs.pas_rate is not None else "taux_neutre")
            ),
            _eur(tax.pas),  # pas_amount
            _eur(wage.net - tax.pas),  # net_after_pas
            _eur(tax.paid_to_employee),  # paid_to_employee
            inputs.aids,  # aids
            _eur(tax.credit),  # tax_credit
            inputs.cesu_plus,  # cesu_plus
            _eur(tax.advance),  # advance
            _eur(
                wage.net + contributions - _to_cents(inputs.aids) - tax.credit
            ),  # cost_after_credit
            lines,  # lines
            tuple(warnings),  # warnings
            # policies:
            (
                ("inversion", rules.inversion_policy.choice),
                ("totals", rules.totals_policy.choice),
            ),
        ),
    )


def taux_neutre(rules: Rules, net_taxable: Decimal) -> Decimal | None:
    """The taux neutre (percent) of the month's grid for a monthly net taxable, or None when
    the Cesu did not withhold income tax that month. A base equal to a threshold takes that
    bracket's rate."""
    if not rules.pas_applies:
        return None
    structure = _structure(rules, non_resident=False)
    return structure.pas_rates[bisect_right(structure.pas_thresholds, _to_cents(net_taxable)) - 1]


# The public entry points run in the calculator's exact decimal context; the API, which
# enters that context once for a whole estimate, calls the undecorated _make_inputs/_compute.
make_inputs = in_exact_context(_make_inputs)
compute = in_exact_context(_compute)


def _context_warnings(
    rules: Rules, inputs: Inputs, structure: _Structure, gross: Decimal, gross_h: Decimal
) -> list[str]:
    warnings: list[str] = []
    minimum = structure.minimum[inputs.paid_leave_included]
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


_PROVENANCE_CACHE: dict[tuple[str, object, str, bool, str, bool], tuple[str, ...]] = {}


def _describe(item: Value | Choice | LineRule) -> str:
    if isinstance(item, LineRule):
        shown = f"{item.rate_percent} %"
        name, status, note = item.parameter, item.status, None
    elif isinstance(item, Choice):
        shown = item.choice
        name, status, note = item.parameter, item.status, item.note
    else:
        shown = item.display or str(item.value)
        name, status, note = item.parameter, item.status, item.note
    text = f"{status.replace('_', ' ')} value used: {name} = {shown}"
    if note:
        first = " ".join(note.split()).split(". ")[0].rstrip(".")
        text += f" ({first})"
    return text


def _provenance_warnings(rules: Rules, inputs: Inputs) -> tuple[str, ...]:
    uses_grid = rules.pas_applies and inputs.pas_rate is None and not inputs.non_resident
    key = (
        rules.ruleset_hash,
        rules.month,
        rules.territory,
        inputs.non_resident,
        inputs.exemption,
        uses_grid,
    )
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
    if uses_grid and rules.pas_grid_value is not None:
        used.append(rules.pas_grid_value)
    lines = [_describe(item) for item in used if item.status != "confirmed"]
    # A line is described once even when it has an employee and an employer side.
    result = tuple(dict.fromkeys(lines))
    _PROVENANCE_CACHE[key] = result
    return result
