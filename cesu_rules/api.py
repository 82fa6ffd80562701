"""The Python API of the monthly estimate.

:func:`estimate` reads its inputs with the one parser (:mod:`cesu_rules.numbers`), resolves the
month's rules and compiled plan (both cached, bounded, cleared by :func:`clear_caches`) and
runs the calculator. Every mistake raises a :class:`~cesu_rules.CesuRulesError` subclass with
the same message as the CLI.
"""

from __future__ import annotations

from datetime import date

from typing_extensions import Unpack

from ._cache import clear_caches, on_clear
from .calc.estimate import Estimate, compute
from .calc.inputs import EstimateOptions, Inputs, read_inputs
from .calc.plan import MonthPlan, plan_for
from .calc.ranges import with_ranges
from .errors import InputError
from .rules.loader import Ruleset, load_ruleset
from .rules.snapshot import rules_at

__all__ = ["clear_cache", "clear_caches", "default_ruleset", "estimate", "plan_of", "read"]

_default: list[Ruleset] = []


def default_ruleset() -> Ruleset:
    """The shipped ruleset, loaded and validated once per process (see :func:`clear_caches`)."""
    if not _default:
        _default.append(load_ruleset())
    return _default[0]


on_clear(_default.clear)


def clear_cache() -> None:
    """Alias of :func:`clear_caches` (the name of version 0.1)."""
    clear_caches()


def _ruleset(ruleset: object) -> Ruleset:
    if ruleset is None:
        return default_ruleset()
    if not isinstance(ruleset, Ruleset):
        raise InputError(
            f"ruleset must be a Ruleset from cesu_rules.load_ruleset() (got a "
            f"{type(ruleset).__name__}); leave it out to use the shipped rulesets",
            code="invalid_ruleset",
            field="ruleset",
        )
    return ruleset


def read(
    month: object, options: dict[str, object], ruleset: object = None, *, provisional: bool = False
) -> tuple[MonthPlan, Inputs]:
    """The month's plan and the read inputs of one estimate (no computation yet)."""
    inputs = read_inputs(month, options)
    rules = rules_at(_ruleset(ruleset), inputs.month, inputs.territory, provisional=provisional)
    return plan_for(rules, inputs.non_resident), inputs


def plan_of(
    ruleset: Ruleset, month: str | date, territory: str, non_resident: bool = False
) -> MonthPlan:
    """The compiled plan of a month, territory and residence (cached)."""
    return plan_for(rules_at(ruleset, month, territory), non_resident)


def estimate(
    month: str | date,
    *,
    ruleset: Ruleset | None = None,
    ranges: bool = True,
    provisional: bool = False,
    **inputs: Unpack[EstimateOptions],
) -> Estimate:
    """Estimate one month of a Cesu declaration, line by line, exact to the cent.

    ``month`` is ``"YYYY-MM"``; ``hours`` the hours declared (decimals allowed, to the
    hundredth); exactly one of ``net_hourly`` (how the Cesu is declared), ``gross_hourly`` or
    ``net_monthly`` (the month's net, as the Urssaf APIs take it); ``paid_leave`` says
    whether the wage includes the 10 % paid-leave uplift (default: included up to 32 hours
    a month); ``paid_leave_hours`` are leave hours paid in the month (only when leave is not
    included; not eligible to the deduction); ``exemption`` is one of
    :data:`cesu_rules.EXEMPTION_CASES`; ``pas_rate`` is the employee's personalised PAS rate
    in percent (default: the taux neutre grid of the month); ``aids`` the third-party aids
    paying this month's expense (APA, PCH, Cesu préfinancé…), deducted from the tax-credit
    base; ``cesu_plus`` whether the household uses Cesu+ (the Urssaf pays the employee, and
    from 2022 advances the tax credit: avance immédiate).

    ``ranges`` (default on) also computes every figure under each candidate of the values
    it rests on that are not confirmed (:attr:`Estimate.ranges`). ``provisional`` accepts
    a month after the rulesets, carrying the latest values forward; the result says so
    (:attr:`Estimate.provisional`, a warning naming every value carried) and gives ranges
    for the revaluations that are certain but not yet published. Numbers may be Decimal, int, str
    or float (floats are read through their shortest text, so ``12.1`` means 12.10); text
    numbers are plain decimals (``12.50``, not ``12,50`` nor ``1e1``).

    Raises :class:`~cesu_rules.InputError` for bad inputs (the message names the value, says
    what is allowed and gives an example; ``code``, ``field`` and ``value`` say the same as
    data), :class:`~cesu_rules.NotInForceError` for a month outside the rulesets.
    """
    plan, read_ = read(month, dict(inputs), ruleset, provisional=provisional)
    result = compute(plan, read_)
    return with_ranges(plan, read_, result) if ranges else result
