"""Plain-text rendering of an estimate, laid out like the Urssaf's monthly statement."""

from __future__ import annotations

import re
from decimal import Decimal

from .calc.estimate import Estimate, Line
from .calc.plan import LINE_ORDER

__all__ = ["render_estimate"]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _eur(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ")


def _rows(result: Estimate) -> list[tuple[str, Decimal, Decimal, Line | None, Line | None]]:
    """One row per contribution code, employee and employer side by side."""
    rows: dict[str, list[Line | None]] = {}
    for line in result.lines:
        pair = rows.setdefault(line.code, [None, None])
        pair[0 if line.side == "employee" else 1] = line
    out = []
    for _code, pair in sorted(rows.items(), key=lambda kv: (LINE_ORDER.get(kv[0], 99), kv[0])):
        ref = pair[0] or pair[1]
        assert ref is not None
        label = ref.label
        if pair[0] and pair[1]:
            label = _SIDE_SUFFIX.sub("", label)
        out.append((label, ref.base, ref.rate, pair[0], pair[1]))
    return out


_SIDE_SUFFIX = re.compile(r" \(part (salariale|patronale)\)$")


def render_estimate(result: Estimate, *, width: int = 100, sources: bool = False) -> str:
    """The estimate as a readable, payslip-like table (French labels, English headings);
    with ``sources``, the legal reference and the source of every line after the table."""
    year, month = result.month.split("-")
    title = f"Cesu estimate — {_MONTHS[int(month) - 1]} {year}, {result.territory}"
    if result.provisional:
        title += " (provisional)"
    out = [title, "=" * len(title)]
    out.append(
        f"ruleset {result.ruleset_version} ({result.ruleset_hash[:19]}…), "
        f"rounding: {', '.join(f'{k} {v}' for k, v in result.policies)}"
    )
    out.append("")
    leave = (
        "paid leave included (10 %)"
        if result.paid_leave == "included"
        else (
            "paid leave excluded"
            + (f", {result.paid_leave_hours} h of leave paid" if result.paid_leave_hours else "")
        )
    )
    out.append(
        f"Hours declared   {result.hours} h — {leave}"
        + (", non-resident employee" if result.non_resident else "")
    )
    out.append(
        f"Hourly wage      {_eur(result.net_hourly)} € net   {_eur(result.gross_hourly)} € gross"
    )
    out.append(f"Gross wage       {_eur(result.gross)} €")
    out.append("")
    label_w = width - 50
    out.append(
        f"{'Contribution':<{label_w}} {'base':>10} {'rate %':>13} {'employee':>11} {'employer':>11}"
    )
    out.append("-" * width)
    for label, base, rate, employee, employer in _rows(result):
        short = label if len(label) <= label_w else label[: label_w - 1] + "…"
        emp = _eur(employee.amount) if employee else ""
        er = _eur(employer.amount) if employer else ""
        rate_text = f"{employee.rate}+{employer.rate} %" if employee and employer else f"{rate} %"
        out.append(f"{short:<{label_w}} {_eur(base):>10} {rate_text:>13} {emp:>11} {er:>11}")
    out.append("-" * width)
    out.append(
        f"{'Total contributions':<{label_w}} {'':>10} {'':>13} "
        f"{_eur(result.employee_total):>11} "
        f"{_eur(result.employer_total_before_relief):>11}"
    )
    if result.deduction:
        text = (
            f"Déduction forfaitaire ({result.deduction_hours} h × "
            f"{_eur(result.deduction_per_hour)} €)"
        )
        out.append(
            f"{text:<{label_w}} {'':>10} {'':>13} {'':>11} {'−' + _eur(result.deduction):>11}"
        )
    if result.exemption_case != "none":
        cap = f", cap {_eur(result.exemption_cap)} €" if result.exemption_cap is not None else ""
        text = f"Exemption {result.exemption_case}{cap}"
        out.append(
            f"{text:<{label_w}} {'':>10} {'':>13} {'':>11} {'−' + _eur(result.exemption):>11}"
        )
    out.append(
        f"{'Employer contributions after relief':<{label_w}} {'':>10} {'':>13} "
        f"{'':>11} {_eur(result.employer_total):>11}"
    )
    out.append("")
    out.extend(_money_lines(result))
    if result.ranges:
        out.append("")
        out.append("Ranges (figures under the candidates of values that are not confirmed):")
        for r in result.ranges:
            by = "; ".join(f"{label} gives {_eur(value)}" for label, value in r.by)
            out.append(f"  {r.figure} {_eur(r.low)}–{_eur(r.high)} €: {by}")
    if sources:
        out.append("")
        out.append("Sources of the lines:")
        for line in result.lines:
            legal = next((s.legal for s in line.sources if s.legal), None)
            first = line.sources[0]
            where = first.url or ""
            out.append(
                f"  {line.code} ({line.side}, {line.status}): {legal or 'no legal text cited'}"
                f" — {first.title}" + (f" <{where}>" if where else "")
            )
    if result.warnings:
        out.append("")
        out.append("Warnings:")
        out.extend(f"  - {w}" for w in result.warnings)
    return "\n".join(out) + "\n"


def _money_lines(result: Estimate) -> list[str]:
    """Net, PAS, what is paid to whom, and the cost before and after the tax credit."""
    out = [
        f"Net wage                        {_eur(result.net):>10} €",
        f"Net taxable                     {_eur(result.net_taxable):>10} €",
    ]
    if result.pas_rate is None:
        out.append("Income tax withheld (PAS)             none")
    else:
        source = "taux neutre" if result.pas_rate_source == "taux_neutre" else "personal rate"
        out.append(
            f"Income tax withheld (PAS)       {_eur(result.pas_amount):>10} €  "
            f"({result.pas_rate} %, {source})"
        )
    out.append(f"Net paid to the employee        {_eur(result.net_after_pas):>10} €")
    out.append("")
    if result.cesu_plus:
        advance = f" − avance immédiate {_eur(result.advance)} €" if result.advance else ""
        out.append(
            f"Debited by the Urssaf (Cesu+)   {_eur(result.urssaf_debit):>10} €  "
            f"(net wage + contributions{advance})"
        )
    else:
        out.append(f"Paid by you to the employee     {_eur(result.paid_to_employee):>10} €")
        out.append(
            f"Debited by the Urssaf           {_eur(result.urssaf_debit):>10} €  "
            "(contributions + PAS)"
        )
    out.append(
        f"Total cost to the household     {_eur(result.total_cost):>10} €  (wage + contributions)"
    )
    if result.aids:
        out.append(f"Aids declared                   {_eur(result.aids):>10} €")
    when = "advanced this month" if result.advance else "with the tax return"
    out.append(f"Tax credit (50 %)               {_eur(result.tax_credit):>10} €  ({when})")
    out.append(f"Cost after the tax credit       {_eur(result.cost_after_credit):>10} €")
    return out
