"""The Python API of the monthly estimate, with an explicit, clearable ruleset cache."""

from __future__ import annotations

from datetime import date
from decimal import localcontext

from .calc import estimate as _estimate_module
from .calc.estimate import Estimate, _compute, _make_inputs
from .calc.rounding import EXACT_CONTEXT
from .rules import snapshot as _snapshot
from .rules.loader import Ruleset, load_ruleset
from .rules.snapshot import rules_at

__all__ = ["clear_cache", "default_ruleset", "estimate"]

_default: Ruleset | None = None


def default_ruleset() -> Ruleset:
    """The shipped ruleset, loaded and validated once per process (see :func:`clear_cache`)."""
    global _default  # noqa: PLW0603 - a process-wide cache, cleared by clear_cache()
    if _default is None:
        _default = load_ruleset()
    return _default


def clear_cache() -> None:
    """Forget the loaded default ruleset and every cached snapshot."""
    global _default  # noqa: PLW0603 - see default_ruleset()
    _default = None
    _snapshot._CACHE.clear()
    _estimate_module._STRUCTURES.clear()
    _estimate_module._PROVENANCE_CACHE.clear()


def estimate(
    month: str | date,
    *,
    hours: object,
    net_hourly: object = None,
    gross_hourly: object = None,
    net_monthly: object = None,
    territory: str = "metropole",
    paid_leave: str | None = None,
    paid_leave_hours: object = 0,
    non_resident: bool = False,
    exemption: str = "none",
    pas_rate: object = None,
    aids: object = 0,
    cesu_plus: bool = False,
    ruleset: Ruleset | None = None,
) -> Estimate:
    """Estimate one month of a Cesu declaration, line by line, exact to the cent.

    ``month`` is ``"YYYY-MM"``; ``hours`` the hours declared (decimals allowed, to the
    hundredth); exactly one of ``net_hourly`` (how the Cesu is declared), ``gross_hourly`` or
    ``net_monthly`` (the month's net, as the Urssaf APIs take it);
    ``paid_leave`` says whether the wage includes the 10 % paid-leave uplift (default:
    included up to 32 hours a month); ``paid_leave_hours`` are leave hours paid in the month
    (only when leave is not included; not eligible to the deduction); ``exemption`` is one of
    :data:`cesu_rules.EXEMPTION_CASES`; ``pas_rate`` is the employee's personalised PAS rate
    in percent (default: the taux neutre grid of the month); ``aids`` the third-party aids
    paying this month's expense (APA, PCH, Cesu préfinancé…), deducted from the tax-credit
    base; ``cesu_plus`` whether the household uses Cesu+ (the Urssaf pays the employee, and
    from 2022 advances the tax credit: avance immédiate). Numbers may be Decimal, int, str or
    float (floats are read through their shortest text, so ``12.1`` means 12.10).

    Raises :class:`~cesu_rules.InputError` for bad inputs (the message says what is allowed),
    :class:`~cesu_rules.NotInForceError` for a month outside the rulesets.
    """
    rules = rules_at(ruleset or default_ruleset(), month, territory)
    with localcontext(EXACT_CONTEXT):
        inputs = _make_inputs(
            rules,
            hours=hours,
            net_hourly=net_hourly,
            gross_hourly=gross_hourly,
            net_monthly=net_monthly,
            paid_leave=paid_leave,
            paid_leave_hours=paid_leave_hours,
            non_resident=non_resident,
            exemption=exemption,
            pas_rate=pas_rate,
            aids=aids,
            cesu_plus=cesu_plus,
        )
        return _compute(rules, inputs)
