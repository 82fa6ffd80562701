"""The employee's payslip for one month of a household file (*bulletin de salaire*)."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from ..calc.estimate import Estimate
from ..calc.rounding import ZERO
from ..errors import InputError
from ..household import HouseholdFile, HouseholdMonth, HouseholdReport
from ..i18n import ACTIVITY_LABELS, EXEMPTION_LABELS, FIGURE_LABELS, TERRITORY_LABELS, Words
from ..numbers import parse_month
from ..report import contribution_rows
from ..rules.loader import Ruleset
from .model import (
    Block,
    Document,
    Figures,
    Row,
    Table,
    assumptions,
    employer_block,
    engine,
    find_employee,
    given,
    minus,
)

__all__ = ["payslip_document"]

_AGREEMENT_3239 = "2022-01"
_AGREEMENTS = (
    "Convention collective nationale des salariés du particulier employeur (IDCC 2111)",
    "Convention collective nationale de la branche du secteur des particuliers employeurs "
    "et de l'emploi à domicile (IDCC 3239)",
)


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
    person = find_employee(household, employee)
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
    year, number = int(month[:4]), int(month[5:7])
    last_day = calendar.monthrange(year, number)[1]
    figures = Figures(w)
    shown = figures.shown
    employer = employer_block(w, household, "doc_employer")
    staff = Block(
        w("doc_employee"),
        (
            (w("doc_name"), person.name or person.id),
            (w("doc_address"), given(w, person.address)),
            (w("doc_cesu_employee"), given(w, person.cesu_number)),
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
            Row(pas_label, (minus(shown("pas_amount", e.pas_amount), e.pas_amount),)),
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
    unconfirmed = assumptions(w, ruleset, e, person.non_resident)
    lists.append((w("doc_assumptions"), tuple(unconfirmed) or (w("doc_no_assumption"),)))
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
                engine=engine(),
                version=report.ruleset_version,
                hash=report.ruleset_hash,
            ),
        ),
        ruleset_version=report.ruleset_version,
        ruleset_hash=report.ruleset_hash,
        figures=figures,
    )
