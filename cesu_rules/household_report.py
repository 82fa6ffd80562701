"""A household report as JSON (money as decimal strings) or as readable text: one table per
month, then one summary per year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .fields import estimate_to_json
from .household import HouseholdReport

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


def _eur(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ")


def render_household(report: HouseholdReport) -> str:
    """A readable report: one table per month, then one summary per year."""
    out = [
        f"Household {report.name or ''}".rstrip(),
        f"ruleset {report.ruleset_version} ({report.ruleset_hash[:19]}…)",
        "",
    ]
    provenance: dict[str, None] = {}  # ordered set of the values-used warnings
    head = (
        "employee",
        "hours",
        "net",
        "gross",
        "contrib.",
        "relief",
        "PAS",
        "debited",
        "cost",
        "credit",
    )
    widths = (12, 7, 10, 10, 10, 9, 8, 10, 10, 10)
    for m in report.months:
        cap = (
            ""
            if m.exemption_cap is None
            else (
                f" — 70+ exemption cap {_eur(m.exemption_cap)} € "
                f"(exempted contributions before the cap {_eur(m.exempted_before_cap)} €)"
            )
        )
        out.append(f"{m.month}{cap}")
        out.append(
            "  ".join(
                h.rjust(w) if i else h.ljust(w)
                for i, (h, w) in enumerate(zip(head, widths, strict=True))
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
                    "household",
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
            cells = [str(row[0]).ljust(widths[0]), str(row[1]).rjust(widths[1])]
            cells += [_eur(v).rjust(w) for v, w in zip(row[2:], widths[2:], strict=True)]
            out.append("  ".join(cells))
        out.extend(f"  note: {w}" for w in m.warnings)
        seen: set[tuple[str, str]] = set()
        for eid, e in m.estimates:
            for w in e.warnings:
                if " value used: " in w:
                    provenance.setdefault(w, None)
                elif (eid, w) not in seen:
                    seen.add((eid, w))
                    out.append(f"  {eid}: {w}")
        out.append("")
    for y in report.years:
        out.append(f"Year {y.year} ({y.months} month(s))")
        for label, value in (
            ("net wages", y.net),
            ("gross wages", y.gross),
            ("contributions", y.contributions),
            ("income tax withheld (PAS)", y.pas),
            ("expense (wages + contributions)", y.expense),
            ("aids", y.aids),
            ("eligible expense", y.eligible),
            ("ceiling", y.ceiling),
            ("expense retained", y.retained),
            ("tax credit (50 %)", y.credit),
            ("advanced during the year", y.advances),
        ):
            out.append(f"  {label:<34}{_eur(value):>12} €")
        if y.balance >= 0:
            out.append(f"  {'still due to you (tax return)':<34}{_eur(y.balance):>12} €")
        else:
            out.append(f"  {'to repay (advanced too much)':<34}{_eur(-y.balance):>12} €")
        out.extend(f"  note: {n}" for n in y.notes)
        out.append("")
    if provenance:
        out.append("Values used that are not confirmed by two sources:")
        out.extend(f"  - {w}" for w in provenance)
        out.append("")
    return "\n".join(out)
