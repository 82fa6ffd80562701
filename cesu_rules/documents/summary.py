"""The household's tax summary for one calendar year (*récapitulatif fiscal*)."""

from __future__ import annotations

from decimal import Decimal

from ..calc.estimate import Estimate
from ..calc.rounding import ZERO
from ..errors import InputError
from ..household import HouseholdFile, HouseholdReport, YearSummary
from ..i18n import ACTIVITY_LABELS, Words
from ..rules.loader import Ruleset
from ..rules.snapshot import rules_at
from .model import (
    Document,
    Figures,
    Row,
    Table,
    assumptions,
    employer_block,
    engine,
    find_employee,
    minus,
)

__all__ = ["tax_summary_document"]

_CEILING_NOTES = ("ceiling:", "first-year ceiling:", "invalidity ceiling")


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
    figures = Figures(w)
    shown = figures.shown
    identity = employer_block(w, household, "doc_household")
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
            Row(w("doc_aids"), (minus(money(summary.aids), summary.aids),)),
            Row(w("doc_eligible"), (shown("eligible", summary.eligible),)),
            Row(f"{w('doc_ceiling')} ({how})", (shown("ceiling", summary.ceiling),)),
            Row(w("doc_retained"), (shown("retained", summary.retained),)),
            Row(w("doc_credit", rate=rate), (shown("credit", summary.credit),), strong=True),
            Row(w("doc_advances"), (minus(shown("advances", summary.advances), summary.advances),)),
            Row(w(balance_key), (shown("balance", abs(summary.balance)),), strong=True),
        ),
    )
    lists: list[tuple[str, tuple[str, ...]]] = []
    missing = 12 - summary.months
    if missing:
        lists.append(
            (w("doc_months_counted"), (w("doc_missing_months", count=missing, year=year),))
        )
    unconfirmed: dict[str, None] = {}
    for m in chosen:
        for person_id, e in m.estimates:
            person = find_employee(household, person_id)
            for text in assumptions(w, ruleset, e, person.non_resident):
                unconfirmed.setdefault(text, None)
    lists.append((w("doc_assumptions"), tuple(unconfirmed) or (w("doc_no_assumption"),)))
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
                engine=engine(),
                version=report.ruleset_version,
                hash=report.ruleset_hash,
            ),
        ),
        ruleset_version=report.ruleset_version,
        ruleset_hash=report.ruleset_hash,
        figures=figures,
    )
