"""Plain-text rendering of an estimate, laid out like the Urssaf's monthly statement."""

from __future__ import annotations

import re
from decimal import Decimal

from .calc.estimate import Estimate, Line
from .calc.plan import LINE_ORDER
from .i18n import Words

__all__ = ["contribution_rows", "render_estimate"]


def contribution_rows(
    result: Estimate,
) -> list[tuple[str, Decimal, Decimal, Line | None, Line | None]]:
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


def render_estimate(
    result: Estimate, *, width: int = 100, sources: bool = False, lang: str = "en"
) -> str:
    """The estimate as a readable, payslip-like table (line labels in French, headings in
    ``lang``); with ``sources``, the legal reference and the source of every line after the
    table."""
    w = Words(lang, plain=True)
    eur = w.amount
    title = w("estimate_title", month=w.month(result.month), territory=result.territory)
    if result.provisional:
        title += f" ({w('provisional')})"
    out = [title, "=" * len(title)]
    out.append(
        w(
            "ruleset_line",
            version=result.ruleset_version,
            hash=result.ruleset_hash[:19],
            policies=", ".join(f"{k} {v}" for k, v in result.policies),
        )
    )
    out.append("")
    if result.paid_leave == "included":
        leave = w("leave_included")
    else:
        leave = w("leave_excluded")
        if result.paid_leave_hours:
            leave += ", " + w("leave_paid", hours=w.number(result.paid_leave_hours))
    out.append(
        f"{w('hours_declared'):<17}{w.number(result.hours)} h — {leave}"
        + (f", {w('non_resident')}" if result.non_resident else "")
    )
    out.append(
        f"{w('hourly_wage'):<17}{eur(result.net_hourly)} € {w('net')}   "
        f"{eur(result.gross_hourly)} € {w('gross')}"
    )
    out.append(f"{w('gross_wage'):<17}{eur(result.gross)} €")
    out.append("")
    label_w = width - 50
    out.append(
        f"{w('contribution'):<{label_w}} {w('base'):>10} {w('rate_pct'):>13} "
        f"{w('employee'):>11} {w('employer'):>11}"
    )
    out.append("-" * width)
    for label, base, rate, employee, employer in contribution_rows(result):
        short = label if len(label) <= label_w else label[: label_w - 1] + "…"
        emp = eur(employee.amount) if employee else ""
        er = eur(employer.amount) if employer else ""
        rate_text = (
            f"{w.number(employee.rate)}+{w.number(employer.rate)} %"
            if employee and employer
            else f"{w.number(rate)} %"
        )
        out.append(f"{short:<{label_w}} {eur(base):>10} {rate_text:>13} {emp:>11} {er:>11}")
    out.append("-" * width)
    blank = f"{'':>10} {'':>13}"
    out.append(
        f"{w('total_contributions'):<{label_w}} {blank} "
        f"{eur(result.employee_total):>11} {eur(result.employer_total_before_relief):>11}"
    )
    if result.deduction:
        text = w(
            "deduction_line",
            hours=w.number(result.deduction_hours),
            per_hour=eur(result.deduction_per_hour),
        )
        out.append(f"{text:<{label_w}} {blank} {'':>11} {'−' + eur(result.deduction):>11}")
    if result.exemption_case != "none":
        cap = w("cap", amount=eur(result.exemption_cap)) if result.exemption_cap is not None else ""
        text = w("exemption_line", case=result.exemption_case, cap=cap)
        out.append(f"{text:<{label_w}} {blank} {'':>11} {'−' + eur(result.exemption):>11}")
    out.append(
        f"{w('employer_after_relief'):<{label_w}} {blank} {'':>11} {eur(result.employer_total):>11}"
    )
    out.append("")
    out.extend(_money_lines(result, w))
    out.extend(_ranges(result, w))
    if sources:
        out.extend(_sources(result, w))
    if result.warnings:
        out.append("")
        out.append(w("warnings_head"))
        out.extend(f"  - {text}" for text in result.warnings)
    return "\n".join(out) + "\n"


def _ranges(result: Estimate, w: Words) -> list[str]:
    """The figures that depend on values not confirmed, with what each candidate gives."""
    if not result.ranges:
        return []
    eur = w.amount
    out = ["", w("ranges_head")]
    for r in result.ranges:
        by = "; ".join(w("gives", label=label, amount=eur(value)) for label, value in r.by)
        out.append(f"  {r.figure} {eur(r.low)}–{eur(r.high)} €: {by}")
    return out


def _sources(result: Estimate, w: Words) -> list[str]:
    """The legal reference and first source of every line."""
    out = ["", w("sources_head")]
    for line in result.lines:
        legal = next((s.legal for s in line.sources if s.legal), None)
        first = line.sources[0]
        where = first.url or ""
        out.append(
            f"  {line.code} ({line.side}, {line.status}): {legal or w('no_legal')}"
            f" — {first.title}" + (f" <{where}>" if where else "")
        )
    return out


def _money_lines(result: Estimate, w: Words) -> list[str]:
    """Net, PAS, what is paid to whom, and the cost before and after the tax credit."""
    eur = w.amount

    def row(key: str, value: Decimal, why: str = "", **fields: object) -> str:
        return f"{w(key, **fields):<32}{eur(value):>10} €" + (f"  ({why})" if why else "")

    out = [row("net_wage", result.net), row("net_taxable", result.net_taxable)]
    if result.pas_rate is None:
        out.append(f"{w('pas'):<32}{w('none'):>12}")
    else:
        source = w("taux_neutre" if result.pas_rate_source == "taux_neutre" else "personal_rate")
        out.append(row("pas", result.pas_amount, f"{w.percent(result.pas_rate)}, {source}"))
    out.append(row("net_paid", result.net_after_pas))
    out.append("")
    if result.cesu_plus:
        advance = w("minus_advance", amount=eur(result.advance)) if result.advance else ""
        out.append(
            row(
                "debited_cesu_plus",
                result.urssaf_debit,
                w("debited_cesu_plus_why", advance=advance),
            )
        )
    else:
        out.append(row("paid_by_you", result.paid_to_employee))
        out.append(row("debited", result.urssaf_debit, w("contributions_pas")))
    out.append(row("total_cost", result.total_cost, w("wage_contributions")))
    if result.aids:
        out.append(row("aids_declared", result.aids))
    when = w("advanced_month" if result.advance else "with_return")
    out.append(row("tax_credit", result.tax_credit, when, rate=50))
    out.append(row("cost_after_credit", result.cost_after_credit))
    return out
