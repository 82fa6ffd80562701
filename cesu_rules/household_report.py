"""A household report as JSON (money as decimal strings) or as readable text: one table per
month, then one summary per year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .fields import estimate_to_json
from .household import HouseholdReport
from .i18n import Words

__all__ = ["render_household", "report_to_json"]

_MONTH_TOTALS = (
    "gross",
    "net",
    "employee_total",
    "employer_total",
    "deduction",
    "exemption",
    "pas_amount",
    "net_after_pas",
    "urssaf_debit",
    "paid_to_employee",
    "total_cost",
    "aids",
    "tax_credit",
    "advance",
    "cost_after_credit",
)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def report_to_json(report: HouseholdReport) -> dict[str, Any]:
    """The JSON form of a household report (money as decimal strings)."""
    return {
        "ruleset_version": report.ruleset_version,
        "ruleset_hash": report.ruleset_hash,
        "name": report.name,
        "months": [
            {
                "month": m.month,
                "exemption_cap": _money(m.exemption_cap),
                "exempted_before_cap": _money(m.exempted_before_cap),
                "totals": {name: _money(m.total(name)) for name in _MONTH_TOTALS},
                "warnings": list(m.warnings),
                "employees": [{"id": eid, **estimate_to_json(e)} for eid, e in m.estimates],
            }
            for m in report.months
        ],
        "years": [
            {
                "year": y.year,
                "months": y.months,
                **{
                    name: _money(getattr(y, name))
                    for name in (
                        "net",
                        "gross",
                        "contributions",
                        "pas",
                        "expense",
                        "aids",
                        "eligible",
                        "ceiling",
                        "retained",
                        "credit",
                        "advances",
                        "balance",
                    )
                },
                "notes": list(y.notes),
            }
            for y in report.years
        ],
    }


def render_household(report: HouseholdReport, *, lang: str = "en") -> str:
    """A readable report in ``lang``: one table per month, then one summary per year."""
    w = Words(lang, plain=True)
    eur = w.amount
    out = [
        f"{w('household')} {report.name or ''}".rstrip(),
        w("ruleset_short", version=report.ruleset_version, hash=report.ruleset_hash[:19]),
        "",
    ]
    provenance: dict[str, None] = {}  # ordered set of the values-used warnings
    head = tuple(
        w(key)
        for key in (
            "col_employee",
            "col_hours",
            "col_net",
            "col_gross",
            "col_contrib",
            "col_relief",
            "col_pas",
            "col_debited",
            "col_cost",
            "col_credit",
        )
    )
    widths = (12, 7, 10, 10, 10, 9, 8, 10, 10, 10)
    for m in report.months:
        cap = (
            ""
            if m.exemption_cap is None
            else w("cap_month", cap=eur(m.exemption_cap), before=eur(m.exempted_before_cap))
        )
        out.append(f"{m.month}{cap}")
        out.append(
            "  ".join(
                h.rjust(width) if i else h.ljust(width)
                for i, (h, width) in enumerate(zip(head, widths, strict=True))
            )
        )
        rows = [
            (
                eid,
                e.hours,
                e.net,
                e.gross,
                e.employee_total + e.employer_total,
                e.deduction + e.exemption,
                e.pas_amount,
                e.urssaf_debit,
                e.total_cost,
                e.tax_credit,
            )
            for eid, e in m.estimates
        ]
        if len(rows) > 1:
            rows.append(
                (
                    w("household_row"),
                    m.total("hours"),
                    m.total("net"),
                    m.total("gross"),
                    m.total("employee_total") + m.total("employer_total"),
                    m.total("deduction") + m.total("exemption"),
                    m.total("pas_amount"),
                    m.total("urssaf_debit"),
                    m.total("total_cost"),
                    m.total("tax_credit"),
                )
            )
        for row in rows:
            cells = [str(row[0]).ljust(widths[0]), w.number(row[1]).rjust(widths[1])]
            cells += [eur(v).rjust(width) for v, width in zip(row[2:], widths[2:], strict=True)]
            out.append("  ".join(cells))
        out.extend(f"  {w('note')}: {text}" for text in m.warnings)
        seen: set[tuple[str, str]] = set()
        for eid, e in m.estimates:
            for text in e.warnings:
                if " value used: " in text:
                    provenance.setdefault(text, None)
                elif (eid, text) not in seen:
                    seen.add((eid, text))
                    out.append(f"  {eid}: {text}")
        out.append("")
    for y in report.years:
        out.append(w("year_head", year=y.year, months=y.months))
        for key, value in (
            ("y_net", y.net),
            ("y_gross", y.gross),
            ("y_contributions", y.contributions),
            ("y_pas", y.pas),
            ("y_expense", y.expense),
            ("y_aids", y.aids),
            ("y_eligible", y.eligible),
            ("y_ceiling", y.ceiling),
            ("y_retained", y.retained),
            ("y_credit", y.credit),
            ("y_advances", y.advances),
        ):
            out.append(f"  {w(key):<34}{eur(value):>12} €")
        if y.balance >= 0:
            out.append(f"  {w('y_due'):<34}{eur(y.balance):>12} €")
        else:
            out.append(f"  {w('y_repay'):<34}{eur(-y.balance):>12} €")
        out.extend(f"  {w('note')}: {n}" for n in y.notes)
        out.append("")
    if provenance:
        out.append(w("provenance_head"))
        out.extend(f"  - {text}" for text in provenance)
        out.append("")
    return "\n".join(out)
