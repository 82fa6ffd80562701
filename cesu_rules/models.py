"""Pydantic models of the estimate's input and output: validation, JSON and JSON Schema.

The calculator itself works on plain frozen values for speed; these models are the public,
documented wire format used by the JSON CLI and by apps in other languages:

* :class:`EstimateRequest` validates a JSON (or dict) request and runs it;
* :func:`estimate_to_json` turns a result into the JSON object whose keys are a public
  contract (money as decimal strings with two decimals, rates in percent as decimal strings);
* :class:`EstimateResponse` describes that object (``EstimateResponse.model_json_schema()``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from .api import estimate
from .calc.estimate import Estimate, Line
from .calc.relief import EXEMPTION_CASES
from .rules.loader import Ruleset
from .rules.schema import Territory

__all__ = [
    "EstimateRequest",
    "EstimateResponse",
    "LineModel",
    "SourceModel",
    "decimal_amount",
    "estimate_to_json",
]

ExemptionName = Literal[
    "none",
    "age_70",
    "tierce_personne_62",
    "invalidite_80",
    "enfant_handicape",
    "pch_mtp_pctp",
    "apa",
]
assert set(ExemptionName.__args__) == set(EXEMPTION_CASES)  # type: ignore[attr-defined]


def decimal_amount(value: Any) -> Decimal:
    """A decimal read from its text (YAML text, JSON number kept as text, str, int)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f'expected a decimal amount such as "153.61", got {value!r}')
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValueError(f'expected a decimal amount such as "153.61", got {value!r}') from None
    if not number.is_finite():
        raise ValueError(f"expected a finite decimal amount, got {value!r}")
    return number


# A decimal amount in a user's file (regression cases, households).
Amount = Annotated[Decimal, BeforeValidator(decimal_amount)]

Money = Annotated[str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["153.61"])]


class EstimateRequest(BaseModel):
    """One monthly estimate request (the JSON read by ``cesu-rules estimate --input -``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    month: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2024-04"])
    # Ranges (hours ≤ the legal maximum, wage ≥ the legal minimum of the month...) are
    # checked by the engine, whose messages say what is allowed for that month.
    hours: Decimal = Field(description="hours declared, > 0, to the hundredth", examples=["10.5"])
    net_hourly: Decimal | None = Field(
        default=None, description="net hourly wage, in euros", examples=["12.00"]
    )
    gross_hourly: Decimal | None = Field(default=None, description="gross hourly wage, in euros")
    net_monthly: Decimal | None = Field(default=None, description="net wage of the month, in euros")
    territory: Territory = "metropole"
    exemption: ExemptionName = "none"
    paid_leave: Literal["included", "excluded"] | None = None
    paid_leave_hours: Decimal = Decimal(0)
    non_resident: bool = False
    pas_rate: Decimal | None = Field(
        default=None, description="personalised PAS rate in percent (default: taux neutre)"
    )
    aids: Decimal = Field(
        default=Decimal(0), description="third-party aids paying this month (APA, PCH...)"
    )
    cesu_plus: bool = False

    def run(self, ruleset: Ruleset | None = None) -> Estimate:
        """Compute the estimate (raises the same errors as :func:`cesu_rules.estimate`)."""
        return estimate(
            self.month,
            hours=self.hours,
            net_hourly=self.net_hourly,
            gross_hourly=self.gross_hourly,
            net_monthly=self.net_monthly,
            territory=self.territory,
            paid_leave=self.paid_leave,
            paid_leave_hours=self.paid_leave_hours,
            non_resident=self.non_resident,
            exemption=self.exemption,
            pas_rate=self.pas_rate,
            aids=self.aids,
            cesu_plus=self.cesu_plus,
            ruleset=ruleset,
        )


class SourceModel(BaseModel):
    """Where a line's rate comes from: the ruleset parameter, its status, its first source."""

    parameter: str
    status: Literal["confirmed", "single_source", "derived", "assumed"]
    title: str
    url: str | None = None
    legal: str | None = None


class LineModel(BaseModel):
    code: str
    label: str
    side: Literal["employee", "employer"]
    base: Money
    rate: str = Field(description="percent of the base, as a decimal string", examples=["6.90"])
    amount: Money
    source: SourceModel


class EstimateResponse(BaseModel):
    """The JSON object printed by ``cesu-rules estimate --json`` (keys are a public contract)."""

    ruleset_version: str
    ruleset_hash: str
    month: str
    territory: Territory
    hours: str
    paid_leave: Literal["included", "excluded"]
    paid_leave_hours: str
    non_resident: bool
    exemption_case: ExemptionName
    gross_hourly: Money
    net_hourly: Money
    gross: Money
    net: Money
    net_taxable: Money
    employee_total: Money
    employer_total_before_relief: Money
    deduction: Money
    deduction_hours: str
    deduction_per_hour: Money
    exemption: Money
    exemption_cap: str | None = None
    employer_total: Money
    urssaf_debit: Money
    total_cost: Money
    pas_rate: str | None = Field(description="PAS rate applied, percent; null when none")
    pas_rate_source: Literal["personalised", "taux_neutre"] | None
    pas_amount: Money
    net_after_pas: Money
    paid_to_employee: Money
    aids: Money
    tax_credit: Money
    cesu_plus: bool
    advance: Money
    cost_after_credit: Money
    policies: dict[str, str]
    warnings: list[str]
    lines: list[LineModel]


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _line_json(line: Line) -> dict[str, Any]:
    first = line.sources[0]
    return {
        "code": line.code,
        "label": line.label,
        "side": line.side,
        "base": _money(line.base),
        "rate": str(line.rate),
        "amount": _money(line.amount),
        "source": {
            "parameter": line.parameter,
            "status": line.status,
            "title": first.title,
            "url": first.url,
            "legal": first.legal,
        },
    }


def estimate_to_json(result: Estimate) -> dict[str, Any]:
    """The public JSON object of an estimate (see :class:`EstimateResponse`)."""
    return {
        "ruleset_version": result.ruleset_version,
        "ruleset_hash": result.ruleset_hash,
        "month": result.month,
        "territory": result.territory,
        "hours": str(result.hours),
        "paid_leave": result.paid_leave,
        "paid_leave_hours": str(result.paid_leave_hours),
        "non_resident": result.non_resident,
        "exemption_case": result.exemption_case,
        "gross_hourly": _money(result.gross_hourly),
        "net_hourly": _money(result.net_hourly),
        "gross": _money(result.gross),
        "net": _money(result.net),
        "net_taxable": _money(result.net_taxable),
        "employee_total": _money(result.employee_total),
        "employer_total_before_relief": _money(result.employer_total_before_relief),
        "deduction": _money(result.deduction),
        "deduction_hours": str(result.deduction_hours),
        "deduction_per_hour": _money(result.deduction_per_hour),
        "exemption": _money(result.exemption),
        "exemption_cap": None if result.exemption_cap is None else _money(result.exemption_cap),
        "employer_total": _money(result.employer_total),
        "urssaf_debit": _money(result.urssaf_debit),
        "total_cost": _money(result.total_cost),
        "pas_rate": None if result.pas_rate is None else str(result.pas_rate),
        "pas_rate_source": result.pas_rate_source,
        "pas_amount": _money(result.pas_amount),
        "net_after_pas": _money(result.net_after_pas),
        "paid_to_employee": _money(result.paid_to_employee),
        "aids": _money(result.aids),
        "tax_credit": _money(result.tax_credit),
        "cesu_plus": result.cesu_plus,
        "advance": _money(result.advance),
        "cost_after_credit": _money(result.cost_after_credit),
        "policies": dict(result.policies),
        "warnings": list(result.warnings),
        "lines": [_line_json(line) for line in result.lines],
    }
