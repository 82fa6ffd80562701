"""What the documents say: every figure of a payslip and a tax summary, taken from the
household report (the same estimates ``cesu-rules household`` prints) and written for a reader
in one language. No figure is computed here beyond sums of the report's own figures (the
year-to-date totals and the per-employee totals of a year).

The templates (``templates/``) only lay these out.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..api import plan_of
from ..calc.estimate import Estimate
from ..calc.notes import first_sentence, used_values
from ..calc.plan import LineSpec
from ..calc.rounding import ZERO
from ..errors import InputError
from ..household import Employee, HouseholdFile, HouseholdMonth, HouseholdReport, YearSummary
from ..i18n import ACTIVITY_LABELS, EXEMPTION_LABELS, FIGURE_LABELS, TERRITORY_LABELS, Words
from ..numbers import parse_month
from ..report import contribution_rows
from ..rules.loader import Ruleset
from ..rules.snapshot import Choice, LineRule, rules_at

__all__ = ["Document", "Row", "payslip_document", "tax_summary_document"]

# The branch's collective agreement: IDCC 3239 (secteur des particuliers employeurs et de
# l'emploi à domicile) in force since 1 January 2022; before it, IDCC 2111 (salariés du
# particulier employeur). Assistants maternels (Pajemploi) are not Cesu.
_AGREEMENT_3239 = "2022-01"
_AGREEMENTS = (
    "Convention collective nationale des salariés du particulier employeur (IDCC 2111)",
    "Convention collective nationale de la branche du secteur des particuliers employeurs "
    "et de l'emploi à domicile (IDCC 3239)",
)


_CEILING_NOTES = ("ceiling:", "first-year ceiling:", "invalidity ceiling")


@dataclass(frozen=True)
class Row:
    """One row of a table: a label and its cells (already written for the reader)."""

    label: str
    cells: tuple[str, ...] = ()
    strong: bool = False


@dataclass(frozen=True)
class Block:
    """A titled block of label/value rows (an identity, the period…)."""

    title: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    title: str
    head: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str = ""


@dataclass(frozen=True)
class Document:
    """One document ready to lay out: its language, title, blocks, tables and notices."""

    kind: str  # "payslip" or "tax_summary"
    lang: str
    title: str
    subtitle: str
    blocks: tuple[Block, ...]
    tables: tuple[Table, ...]
    lists: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, items)
    notices: tuple[str, ...]
    ruleset_version: str
    ruleset_hash: str
    figures: dict[str, Decimal] = field(default_factory=dict)  # every amount shown, by name


def _given(w: Words, value: str | None) -> str:
    return value if value else w("doc_not_given")


def _minus(text: str, value: Decimal) -> str:
    """An amount taken off: ``−12,00 €``, or ``0,00 €`` when there is nothing to take."""
    return "−" + text if value else text


def _engine() -> str:
    from .. import __version__  # noqa: PLC0415 - the package's own version

    return __version__


def _find_month(report: HouseholdReport, month: str) -> HouseholdMonth:
    parse_month(month)
    for m in report.months:
        if m.month == month:
            return m
    listed = ", ".join(m.month for m in report.months)
    raise InputError(
        f"month {month} is not in the household file; its months are {listed}",
        code="month_not_in_file",
        field="month",
        value=month,
    )


def _find_employee(household: HouseholdFile, employee: str) -> Employee:
    for e in household.employees:
        if e.id == employee:
            return e
    ids = ", ".join(e.id for e in household.employees)
    raise InputError(
        f"unknown employee {employee!r}; the employees are {ids}",
        code="unknown_employee",
        field="employee",
        value=employee,
    )


def _assumptions(w: Words, ruleset: Ruleset, estimate: Estimate, non_resident: bool) -> list[str]:
    """Every value the month's figures rest on that is not confirmed, in the reader's words."""
    plan = plan_of(ruleset, estimate.month, estimate.territory, non_resident)
    grid = estimate.pas_rate_source == "taux_neutre"
    out: dict[str, None] = {}
    for item in used_values(plan, estimate.exemption_case, grid):
        if item.status == "confirmed":
            continue
        if isinstance(item, LineSpec | LineRule):
            shown = w.percent(item.rate_percent)
        elif isinstance(item, Choice):
            shown = item.choice
        else:
            shown = item.display or w.number(item.value)
        text = f"{item.parameter} = {shown} — {w('status_' + item.status)}"
        if item.note:
            text += f" ({first_sentence(item.note)})"
        out.setdefault(text, None)
    return list(out)


def _lines_table(w: Words, e: Estimate, shown: Callable[[str, Decimal], str]) -> Table:
    """Every contribution line, employee and employer side by side, then the reliefs."""
    money = w.money
    rows = []
    for i, (label, base, _rate, ee, er) in enumerate(contribution_rows(e)):
        rows.append(
            Row(
                label,
                (
                    shown(f"line{i}_base", base),
                    w.percent(ee.rate) if ee else "",
                    shown(f"line{i}_employee", ee.amount) if ee else "",
                    w.percent(er.rate) if er else "",
                    shown(f"line{i}_employer", er.amount) if er else "",
                ),
            )
        )
    rows.append(
        Row(
            w("doc_total"),
            (
                "",
                "",
                shown("employee_total", e.employee_total),
                "",
                shown("employer_total_before_relief", e.employer_total_before_relief),
            ),
            strong=True,
        )
    )
    if e.deduction:
        rows.append(
            Row(
                w(
                    "doc_deduction",
                    hours=w.number(e.deduction_hours),
                    per_hour=money(e.deduction_per_hour),
                ),
                ("", "", "", "", "−" + shown("deduction", e.deduction)),
            )
        )
    if e.exemption_case != "none":
        label = w("doc_exemption_line", case=w.label(EXEMPTION_LABELS, e.exemption_case))
        if e.exemption_cap is not None:
            label += ", " + w("doc_exemption_cap", cap=shown("exemption_cap", e.exemption_cap))
        rows.append(Row(label, ("", "", "", "", "−" + shown("exemption", e.exemption))))
    rows.append(
        Row(
            w("doc_employer_after"),
            ("", "", "", "", shown("employer_total", e.employer_total)),
            strong=True,
        )
    )
    return Table(
        w("doc_lines"),
        (
            w("doc_col_label"),
            w("doc_col_base"),
            w("doc_col_ee_rate"),
            w("doc_col_ee"),
            w("doc_col_er_rate"),
            w("doc_col_er"),
        ),
        tuple(rows),
    )


def payslip_document(
    household: HouseholdFile,
    report: HouseholdReport,
    ruleset: Ruleset,
    *,
    month: str,
    employee: str,
    lang: str = "fr",
) -> Document:
    """The payslip of one employee for one month of the household report."""
    w = Words(lang)
    person = _find_employee(household, employee)
    entry = _find_month(report, month)
    found = dict(entry.estimates)
    if employee not in found:
        worked = [m.month for m in report.months if employee in dict(m.estimates)]
        raise InputError(
            f"employee {employee!r} has no work in {month}; their months are "
            f"{', '.join(worked) or 'none'}",
            code="employee_not_in_month",
            field="employee",
            value=employee,
        )
    e = found[employee]
    money = w.money
    info = household.household
    year, number = int(month[:4]), int(month[5:7])
    last_day = calendar.monthrange(year, number)[1]
    figures: dict[str, Decimal] = {}

    def shown(name: str, value: Decimal) -> str:
        figures[name] = value
        return money(value)

    employer = Block(
        w("doc_employer"),
        (
            (w("doc_name"), _given(w, info.name)),
            (w("doc_address"), _given(w, info.address)),
            (w("doc_cesu_employer"), _given(w, info.cesu_number)),
            (w("doc_exemption"), w.label(EXEMPTION_LABELS, e.exemption_case)),
        ),
    )
    staff = Block(
        w("doc_employee"),
        (
            (w("doc_name"), person.name or person.id),
            (w("doc_address"), _given(w, person.address)),
            (w("doc_cesu_employee"), _given(w, person.cesu_number)),
            (w("doc_activity"), w.label(ACTIVITY_LABELS, person.activity)),
        ),
    )
    period = Block(
        w("doc_period"),
        (
            (
                w("doc_period"),
                w(
                    "doc_period_text",
                    first=w.day(date(year, number, 1)),
                    last=w.day(date(year, number, last_day)),
                ),
            ),
            (w("doc_territory"), w.label(TERRITORY_LABELS, e.territory)),
            (w("doc_hours_worked"), f"{w.number(e.hours)} h"),
            (
                w("doc_leave"),
                w("doc_leave_included" if e.paid_leave == "included" else "doc_leave_excluded"),
            ),
            *(
                [(w("doc_leave_hours"), f"{w.number(e.paid_leave_hours)} h")]
                if e.paid_leave_hours
                else []
            ),
            (w("doc_gross_hourly"), shown("gross_hourly", e.gross_hourly)),
            (w("doc_net_hourly"), shown("net_hourly", e.net_hourly)),
            (w("doc_gross_monthly"), shown("gross", e.gross)),
        ),
    )
    lines = _lines_table(w, e, shown)
    if e.pas_rate is None:
        pas_label = f"{w('doc_pas')} — {w('doc_pas_none')}"
    else:
        source = w("taux_neutre" if e.pas_rate_source == "taux_neutre" else "personal_rate")
        pas_label = (
            f"{w('doc_pas')} — {w('doc_pas_rate', rate=w.percent(e.pas_rate), source=source)}"
        )
    net = Table(
        w("doc_net_head"),
        ("", ""),
        (
            Row(w("doc_net"), (shown("net", e.net),)),
            Row(w("doc_net_taxable"), (shown("net_taxable", e.net_taxable),)),
            Row(pas_label, (_minus(shown("pas_amount", e.pas_amount), e.pas_amount),)),
            Row(w("doc_net_paid"), (shown("net_after_pas", e.net_after_pas),), strong=True),
        ),
    )
    # Year to date: this employee's months of the same year in the file, up to this one.
    months = [
        dict(m.estimates)[employee]
        for m in report.months
        if m.month[:4] == month[:4] and m.month <= month and employee in dict(m.estimates)
    ]

    def ytd(name: str) -> Decimal:
        return sum((getattr(x, name) for x in months), ZERO)

    ytd_hours = ytd("hours")
    ytd_table = Table(
        w(
            "doc_ytd",
            months=w("doc_ytd_months", count=len(months), year=year, month=w.month(month)),
        ),
        ("", ""),
        (
            Row(w("doc_hours_worked"), (f"{w.number(ytd_hours)} h",)),
            Row(w("doc_ytd_gross"), (shown("ytd_gross", ytd("gross")),)),
            Row(w("doc_ytd_employee"), (shown("ytd_employee", ytd("employee_total")),)),
            Row(w("doc_net"), (shown("ytd_net", ytd("net")),)),
            Row(w("doc_net_taxable"), (shown("ytd_net_taxable", ytd("net_taxable")),)),
            Row(w("doc_pas"), (shown("ytd_pas", ytd("pas_amount")),)),
        ),
    )
    cost_rows = [
        Row(w("doc_total_cost"), (shown("total_cost", e.total_cost),)),
        Row(w("doc_debit"), (shown("urssaf_debit", e.urssaf_debit),)),
    ]
    if e.advance:
        cost_rows.append(Row(w("doc_advance"), (shown("advance", e.advance),)))
    cost = Table(w("doc_employer_cost"), ("", ""), tuple(cost_rows))
    lists: list[tuple[str, tuple[str, ...]]] = []
    if e.ranges:
        lists.append(
            (
                w("doc_ranges"),
                tuple(
                    w(
                        "doc_range",
                        figure=w.label(FIGURE_LABELS, r.figure),
                        low=money(r.low),
                        high=money(r.high),
                    )
                    for r in e.ranges
                ),
            )
        )
    assumptions = _assumptions(w, ruleset, e, person.non_resident)
    lists.append((w("doc_assumptions"), tuple(assumptions) or (w("doc_no_assumption"),)))
    remarks = [
        text
        for text in (*entry.warnings, *e.warnings)
        if " value used: " not in text and not text.startswith("provisional:")
    ]
    if e.provisional:
        remarks.extend(t for t in e.warnings if t.startswith("provisional:"))
    if remarks:
        lists.append((w("doc_remarks"), tuple(remarks)))
    return Document(
        kind="payslip",
        lang=lang,
        title=w("doc_payslip_title", month=w.month(month)),
        subtitle=w("doc_payslip_sub"),
        blocks=(employer, staff, period),
        tables=(lines, net, ytd_table, cost),
        lists=tuple(lists),
        notices=(
            f"{w('doc_agreement')} : {_AGREEMENTS[month >= _AGREEMENT_3239]}."
            if lang == "fr"
            else f"{w('doc_agreement')}: {_AGREEMENTS[month >= _AGREEMENT_3239]}.",
            w("doc_keep"),
            w(
                "doc_honest_payslip",
                engine=_engine(),
                version=report.ruleset_version,
                hash=report.ruleset_hash,
            ),
        ),
        ruleset_version=report.ruleset_version,
        ruleset_hash=report.ruleset_hash,
        figures=figures,
    )


def _find_year(report: HouseholdReport, year: int) -> YearSummary:
    for y in report.years:
        if y.year == year:
            return y
    listed = ", ".join(str(y.year) for y in report.years)
    raise InputError(
        f"year {year} is not in the household file; its years are {listed}",
        code="year_not_in_file",
        field="year",
        value=str(year),
    )


def tax_summary_document(
    household: HouseholdFile,
    report: HouseholdReport,
    ruleset: Ruleset,
    *,
    year: int,
    lang: str = "fr",
) -> Document:
    """The tax summary (« récapitulatif fiscal ») of one household for one calendar year."""
    w = Words(lang)
    summary = _find_year(report, year)
    money = w.money
    info = household.household
    figures: dict[str, Decimal] = {}

    def shown(name: str, value: Decimal) -> str:
        figures[name] = value
        return money(value)

    identity = Block(
        w("doc_household"),
        (
            (w("doc_name"), _given(w, info.name)),
            (w("doc_address"), _given(w, info.address)),
            (w("doc_cesu_employer"), _given(w, info.cesu_number)),
            (w("doc_exemption"), w.label(EXEMPTION_LABELS, info.exemption)),
        ),
    )
    chosen = [m for m in report.months if m.month[:4] == str(year)]
    rows = []
    for person in household.employees:
        mine = [dict(m.estimates)[person.id] for m in chosen if person.id in dict(m.estimates)]
        if not mine:
            continue

        def total(name: str, mine: list[Estimate] = mine) -> Decimal:
            return sum((getattr(x, name) for x in mine), ZERO)

        key = person.id
        rows.append(
            Row(
                f"{person.name or person.id} — {w.label(ACTIVITY_LABELS, person.activity)}",
                (
                    str(len(mine)),
                    f"{w.number(total('hours'))} h",
                    shown(f"{key}_net", total("net")),
                    shown(
                        f"{key}_contributions", total("employee_total") + total("employer_total")
                    ),
                    shown(f"{key}_pas", total("pas_amount")),
                    shown(f"{key}_expense", total("total_cost")),
                    shown(f"{key}_aids", total("aids")),
                ),
            )
        )
    rows.append(
        Row(
            w("doc_total"),
            (
                str(summary.months),
                "",
                shown("net", summary.net),
                shown("contributions", summary.contributions),
                shown("pas", summary.pas),
                shown("expense", summary.expense),
                shown("aids", summary.aids),
            ),
            strong=True,
        )
    )
    by_employee = Table(
        w("doc_by_employee"),
        (
            w("doc_col_employee"),
            w("doc_col_months"),
            w("doc_col_hours"),
            w("doc_col_net"),
            w("doc_col_contrib"),
            w("doc_col_pas"),
            w("doc_col_expense"),
            w("doc_col_aids"),
        ),
        tuple(rows),
        note=w("doc_contrib_note"),
    )
    january = rules_at(ruleset, f"{year}-01", info.territory)
    credit_rules, tax = january.credit, info.tax
    step = credit_rules.increment.value
    increments = step * tax.dependents + step / 2 * tax.children_alternating
    if tax.invalidity:
        how = w("doc_ceiling_invalidity")
    elif tax.first_year:
        how = w(
            "doc_ceiling_first",
            base=money(credit_rules.first_year.value),
            increments=money(increments),
            maximum=money(credit_rules.first_year_maximum.value),
        )
    else:
        how = w(
            "doc_ceiling_base",
            base=money(credit_rules.ceiling.value),
            increments=money(increments),
            maximum=money(credit_rules.maximum.value),
        )
    rate = w.percent(january.tax_credit_rate.value)
    balance_key = "doc_balance_due" if summary.balance >= 0 else "doc_balance_repay"
    credit = Table(
        w("doc_credit_head"),
        ("", ""),
        (
            Row(w("doc_expense"), (money(summary.expense),)),
            Row(w("doc_aids"), (_minus(money(summary.aids), summary.aids),)),
            Row(w("doc_eligible"), (shown("eligible", summary.eligible),)),
            Row(f"{w('doc_ceiling')} ({how})", (shown("ceiling", summary.ceiling),)),
            Row(w("doc_retained"), (shown("retained", summary.retained),)),
            Row(w("doc_credit", rate=rate), (shown("credit", summary.credit),), strong=True),
            Row(
                w("doc_advances"), (_minus(shown("advances", summary.advances), summary.advances),)
            ),
            Row(w(balance_key), (shown("balance", abs(summary.balance)),), strong=True),
        ),
    )
    lists: list[tuple[str, tuple[str, ...]]] = []
    missing = 12 - summary.months
    if missing:
        lists.append(
            (w("doc_months_counted"), (w("doc_missing_months", count=missing, year=year),))
        )
    assumptions: dict[str, None] = {}
    for m in chosen:
        for person_id, e in m.estimates:
            person = _find_employee(household, person_id)
            for text in _assumptions(w, ruleset, e, person.non_resident):
                assumptions.setdefault(text, None)
    lists.append((w("doc_assumptions"), tuple(assumptions) or (w("doc_no_assumption"),)))
    # The ceiling's make-up is shown above in the reader's language; the other notes (a
    # sub-ceiling or the ceiling reached) as the engine wrote them.
    notes = [
        n
        for n in summary.notes
        if "are not in the file" not in n and not n.startswith(_CEILING_NOTES)
    ]
    if notes:
        lists.append((w("doc_notes"), tuple(notes)))
    return Document(
        kind="tax_summary",
        lang=lang,
        title=w("doc_summary_title", year=year),
        subtitle=w("doc_summary_sub"),
        blocks=(identity,),
        tables=(by_employee, credit),
        lists=tuple(lists),
        notices=(
            w(
                "doc_honest_summary",
                engine=_engine(),
                version=report.ruleset_version,
                hash=report.ruleset_hash,
            ),
        ),
        ruleset_version=report.ruleset_version,
        ruleset_hash=report.ruleset_hash,
        figures=figures,
    )
