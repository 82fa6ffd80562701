"""A household's months and years: several employees, the shared 70+ cap, PAS, the tax
credit with its ceilings, the avance immédiate, and the yearly summary.

The household is the real unit: the exemption of an employer aged 70+ is capped *per month
and per household* (art. L241-10 I CSS; urssaf.fr: "plafonnée, par mois et par ménage"),
whatever the number of employees. Each employee keeps their own déduction forfaitaire, CST,
PAS and lines: they are computed by the monthly estimate.

Allocation of the shared cap (no public rule found, so an assumption said in the result):
when the exempted contributions of all employees exceed the cap, the cap is shared in
proportion to each employee's exempted contributions, in cents, by the largest-remainder
method with ties broken by employee id — the result does not depend on the order in which
employees are listed.

Size: above 400 lines because the file's models, their checks and the month's cap sharing
are one contract (the household file) read in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal, TextIO

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .api import default_ruleset, plan_of, read
from .calc.estimate import Estimate, Payroll, finish, payroll
from .calc.messages import cents_text
from .calc.ranges import with_ranges
from .calc.relief import EXEMPTION_CASES, household_cap, share_cap
from .calc.rounding import CENT, ZERO, euros, in_exact_context
from .calc.tax import CreditSituation, yearly_credit
from .errors import CesuRulesError, FileError, InputError
from .numbers import parse_month
from .rules.loader import Ruleset
from .rules.reader import Amount as _Amount
from .rules.reader import FileChecker, read_model, read_user_text
from .rules.schema import Territory
from .rules.snapshot import SUB_CEILING_ACTIVITIES, rules_at

__all__ = [
    "ACTIVITIES",
    "HouseholdError",
    "HouseholdFile",
    "HouseholdMonth",
    "HouseholdReport",
    "YearSummary",
    "compute_household",
    "household_from_text",
    "load_household",
    "yearly_summary",
]

Activity = Literal[
    "menage",
    "garde_enfant",
    "assistance",
    "cours",
    "petit_jardinage",
    "assistance_informatique",
    "petit_bricolage",
    "autre",
]
ACTIVITIES: tuple[str, ...] = Activity.__args__  # type: ignore[attr-defined]
assert set(SUB_CEILING_ACTIVITIES) <= set(ACTIVITIES)


def _cents(number: Decimal) -> Decimal:
    if number != number.quantize(CENT):
        raise ValueError(f'expected an amount in euros and cents such as "50.00", got {number}')
    if number < 0:
        raise ValueError(f"an amount must not be negative (got {number})")
    return number


Amount = Annotated[_Amount, AfterValidator(_cents)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaxSituation(_Strict):
    """What the yearly ceiling of the tax credit depends on."""

    dependents: int = Field(
        default=0,
        ge=0,
        description=(
            "children, household members over 65 and ascendants over 65 (APA): +1 500 € each"
        ),
    )
    children_alternating: int = Field(
        default=0, ge=0, description=("children in résidence alternée: +750 € each")
    )
    first_year: bool = Field(default=False, description="first year of direct employment")
    invalidity: bool = Field(default=False, description="invalidity ceiling of 20 000 €")


# Identities shown on the documents (payslip, tax summary); optional, never computed with.
Text = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]


class HouseholdInfo(_Strict):
    name: Text | None = None
    address: Text | None = Field(default=None, description="the employer's postal address")
    cesu_number: Text | None = Field(
        default=None, description="the employer's Cesu number (numéro d'employeur)"
    )
    exemption: str = "none"
    territory: Territory = "metropole"
    cesu_plus: bool = False
    tax: TaxSituation = TaxSituation()


class Employee(_Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    activity: Activity = "menage"
    territory: Territory | None = None
    paid_leave: Literal["included", "excluded"] | None = None
    pas_rate: Decimal | None = None
    non_resident: bool = False
    name: Text | None = Field(default=None, description="the employee's name")
    address: Text | None = Field(default=None, description="the employee's postal address")
    cesu_number: Text | None = Field(
        default=None, description="the employee's Cesu number (numéro de salarié)"
    )


class Aids(_Strict):
    apa: Amount = ZERO
    pch: Amount = ZERO
    cesu_prefinance: Amount = ZERO
    other: Amount = ZERO

    @property
    def total(self) -> Decimal:
        return self.apa + self.pch + self.cesu_prefinance + self.other


class Work(_Strict):
    employee: str
    hours: Decimal
    net_hourly: Decimal | None = None
    gross_hourly: Decimal | None = None
    net_monthly: Decimal | None = None
    paid_leave_hours: Decimal = ZERO
    aids: Aids = Aids()


class MonthEntry(_Strict):
    month: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}$")
    work: tuple[Work, ...] = Field(min_length=1)


class HouseholdFile(_Strict):
    """A household file (YAML or JSON): the household, its employees and its months."""

    household: HouseholdInfo = HouseholdInfo()
    employees: tuple[Employee, ...] = Field(min_length=1)
    months: tuple[MonthEntry, ...] = Field(min_length=1)


class HouseholdError(FileError):
    """A household file is invalid; ``problems`` lists every problem with its place."""


# ---------------------------------------------------------------------------------------------
# Reading


def load_household(path: str | Path, stdin: TextIO | None = None) -> HouseholdFile:
    """Read and check a household file (``-``: ``stdin``, default the process's standard
    input); raises HouseholdError naming the file and place."""
    text = read_user_text(path, "household file", stdin)
    where = "stdin" if str(path) == "-" else str(path)
    is_json = Path(path).suffix == ".json" or (where == "stdin" and text.lstrip().startswith("{"))
    return household_from_text(text, where, is_json=is_json)


def household_from_text(text: str, where: str, *, is_json: bool) -> HouseholdFile:
    """Read and check a household file's text (YAML or JSON); raises HouseholdError naming
    ``where`` and the place of each problem."""
    household, checker = read_model(text, HouseholdFile, where, is_json=is_json)
    if household is not None:
        _check_household(household, checker)
    if checker.problems or household is None:
        raise HouseholdError(checker.problems)
    return household


def _check_household(household: HouseholdFile, checker: FileChecker) -> None:
    if household.household.exemption not in EXEMPTION_CASES:
        checker.add(
            ("household", "exemption"),
            f"unknown exemption; choose one of: {', '.join(EXEMPTION_CASES)}",
        )
    ids: dict[str, int] = {}
    for i, employee in enumerate(household.employees):
        if employee.id in ids:
            checker.add(
                ("employees", i, "id"),
                f"employee {employee.id!r} is listed twice (also employees[{ids[employee.id]}])",
            )
        ids.setdefault(employee.id, i)
    seen_months: dict[str, int] = {}
    for m, entry in enumerate(household.months):
        if entry.month in seen_months:
            checker.add(
                ("months", m, "month"),
                f"month {entry.month} is listed twice (also months[{seen_months[entry.month]}])",
            )
        seen_months.setdefault(entry.month, m)
        listed: set[str] = set()
        for w, work in enumerate(entry.work):
            where = ("months", m, "work", w, "employee")
            if work.employee not in ids:
                checker.add(
                    where, f"unknown employee {work.employee!r}; the employees are {', '.join(ids)}"
                )
            elif work.employee in listed:
                checker.add(where, f"employee {work.employee!r} is listed twice in {entry.month}")
            listed.add(work.employee)


# ---------------------------------------------------------------------------------------------
# Computing


@dataclass(frozen=True)
class HouseholdMonth:
    """One month of a household: each employee's estimate and the household's totals."""

    month: str
    estimates: tuple[tuple[str, Estimate], ...]  # (employee id, estimate), as listed
    exemption_cap: Decimal | None
    exempted_before_cap: Decimal
    warnings: tuple[str, ...]

    def total(self, name: str) -> Decimal:
        return sum((getattr(e, name) for _, e in self.estimates), ZERO)


@dataclass(frozen=True)
class YearSummary:
    year: int
    months: int
    net: Decimal
    gross: Decimal
    contributions: Decimal
    pas: Decimal
    expense: Decimal
    aids: Decimal
    eligible: Decimal
    ceiling: Decimal
    retained: Decimal
    credit: Decimal
    advances: Decimal
    balance: Decimal  # credit - advances: > 0 comes with the tax return, < 0 is to repay
    notes: tuple[str, ...]


@dataclass(frozen=True)
class HouseholdReport:
    months: tuple[HouseholdMonth, ...]
    years: tuple[YearSummary, ...]
    ruleset_version: str
    ruleset_hash: str
    name: str | None = None
    warnings: tuple[str, ...] = field(default=())


def _options(household: HouseholdFile, employee: Employee, work: Work) -> dict[str, object]:
    return {
        "hours": work.hours,
        "net_hourly": work.net_hourly,
        "gross_hourly": work.gross_hourly,
        "net_monthly": work.net_monthly,
        "territory": employee.territory or household.household.territory,
        "paid_leave": employee.paid_leave,
        "paid_leave_hours": work.paid_leave_hours,
        "non_resident": employee.non_resident,
        "exemption": household.household.exemption,
        "pas_rate": employee.pas_rate,
        "aids": work.aids.total,
        "cesu_plus": household.household.cesu_plus,
    }


def _month(
    household: HouseholdFile, entry: MonthEntry, ruleset: Ruleset, where: str
) -> HouseholdMonth:
    """One month: each employee's payroll, the household's 70+ cap shared if it binds, then
    each employee's relief and tax side."""
    employees = {e.id: e for e in household.employees}
    case = household.household.exemption
    capped = case in EXEMPTION_CASES and EXEMPTION_CASES[case].capped
    try:
        pays: list[tuple[str, Payroll]] = []
        for work in entry.work:
            options = _options(household, employees[work.employee], work)
            plan, inputs = read(entry.month, options, ruleset)
            pays.append((work.employee, payroll(plan, inputs)))
        shares: dict[str, int] = {}
        warnings: list[str] = []
        cap: int | None = None
        exempted = sum(p.exemptible for _, p in pays) if case != "none" else 0
        if capped and len(pays) > 1:
            regimes = {p.included for _, p in pays}
            if len(regimes) > 1:
                warnings.append(
                    "employees with and without the 10 % paid-leave uplift: the cap "
                    "with paid leave included (the higher) is used (assumption)"
                )
            home = plan_of(ruleset, entry.month, household.household.territory)
            cap = household_cap(home, True in regimes)
            if exempted > cap:
                shares = share_cap(cap, {eid: p.exemptible for eid, p in pays})
                warnings.append(
                    f"the household's 70+ exemption cap of {cents_text(cap)} € binds (exempted "
                    f"contributions {cents_text(exempted)} €): it is shared in proportion to each "
                    "employee's exempted contributions (assumption: no public allocation rule)"
                )
        estimates = [
            (
                eid,
                with_ranges(
                    p.plan,
                    p.inputs,
                    finish(p, cap_share=shares.get(eid)),
                    cap_share=shares.get(eid),
                ),
            )
            for eid, p in pays
        ]
    except CesuRulesError as exc:
        raise InputError(
            f"{where}: {exc}", code=exc.code, field=exc.field, value=exc.value
        ) from None
    if capped and cap is None:  # one employee: the cap is the estimate's own
        shown = estimates[0][1].exemption_cap
    else:
        shown = None if cap is None else euros(cap)
    return HouseholdMonth(entry.month, tuple(estimates), shown, euros(exempted), tuple(warnings))


def yearly_summary(
    household: HouseholdFile, months: Sequence[HouseholdMonth], ruleset: Ruleset, year: int
) -> YearSummary:
    """The year's totals and tax credit under the applicable ceilings."""
    chosen = [m for m in months if m.month.startswith(f"{year}-")]
    activity: dict[str, str] = {e.id: e.activity for e in household.employees}
    eligible_by_activity: dict[str, Decimal] = {}
    for m in chosen:
        for eid, e in m.estimates:
            act = activity[eid]
            eligible_by_activity[act] = eligible_by_activity.get(act, ZERO) + e.total_cost - e.aids
    january = rules_at(ruleset, f"{year}-01", household.household.territory)
    tax = household.household.tax
    situation = CreditSituation(
        tax.dependents, tax.children_alternating, tax.first_year, tax.invalidity
    )
    ceiling, retained, credit, credit_notes = yearly_credit(
        january.credit, january.tax_credit_rate, situation, eligible_by_activity
    )
    notes = list(credit_notes)
    expense = sum((m.total("total_cost") for m in chosen), ZERO)
    aids = sum((m.total("aids") for m in chosen), ZERO)
    advances = sum((m.total("advance") for m in chosen), ZERO)
    missing = 12 - len(chosen)
    if missing:
        notes.append(f"{missing} month(s) of {year} are not in the file and are not counted")
    return YearSummary(
        year=year,
        months=len(chosen),
        net=sum((m.total("net") for m in chosen), ZERO),
        gross=sum((m.total("gross") for m in chosen), ZERO),
        contributions=sum(
            (m.total("employee_total") + m.total("employer_total") for m in chosen), ZERO
        ),
        pas=sum((m.total("pas_amount") for m in chosen), ZERO),
        expense=expense,
        aids=aids,
        eligible=expense - aids,
        ceiling=ceiling,
        retained=retained,
        credit=credit,
        advances=advances,
        balance=credit - advances,
        notes=tuple(notes),
    )


@in_exact_context
def compute_household(
    household: HouseholdFile, ruleset: Ruleset | None = None, *, source: str = "household"
) -> HouseholdReport:
    """Every month of the household, then a summary per calendar year."""
    ruleset = ruleset or default_ruleset()
    months = []
    for index, entry in sorted(enumerate(household.months), key=lambda item: item[1].month):
        parse_month(entry.month)
        months.append(
            _month(household, entry, ruleset, f"{source}: months[{index}] ({entry.month})")
        )
    years = sorted({int(m.month[:4]) for m in months})
    return HouseholdReport(
        months=tuple(months),
        years=tuple(yearly_summary(household, months, ruleset, y) for y in years),
        ruleset_version=ruleset.version,
        ruleset_hash=ruleset.hash,
        name=household.household.name,
    )
