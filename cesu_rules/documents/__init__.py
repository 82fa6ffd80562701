"""The papers of a Cesu household, computed offline: the employee's monthly payslip and the
household's yearly tax summary (« récapitulatif fiscal »), in French or English, as HTML or
PDF. See docs/documents.md.

Every figure comes from the household report (:func:`cesu_rules.household.compute_household`),
so a payslip says exactly what ``cesu-rules household`` and ``estimate`` say. Each document
states that it is computed offline by cesu-rules from the declared figures, with the ruleset
version and hash, that it is not issued by the Urssaf, and names every value it rests on that
is not confirmed by two sources.
"""

from __future__ import annotations

from pathlib import Path

from ..api import default_ruleset
from ..errors import OutputError
from ..household import HouseholdFile, compute_household
from ..numbers import parse_month, parse_year
from ..rules.loader import Ruleset
from .model import Document
from .payslip import payslip_document
from .render import to_html, to_pdf
from .summary import tax_summary_document

__all__ = [
    "FORMATS",
    "Document",
    "payslip",
    "render",
    "tax_summary",
    "to_html",
    "to_pdf",
    "write",
]

FORMATS = (".pdf", ".html")


def payslip(
    household: HouseholdFile,
    month: object,
    employee: str,
    *,
    lang: str = "fr",
    ruleset: Ruleset | None = None,
    source: str = "household",
) -> Document:
    """The payslip of ``employee`` for ``month`` (YYYY-MM) of a household file (``source``
    names the file in messages)."""
    chosen = f"{parse_month(month, field='month'):%Y-%m}"
    ruleset = ruleset or default_ruleset()
    report = compute_household(household, ruleset, source=source)
    return payslip_document(household, report, ruleset, month=chosen, employee=employee, lang=lang)


def tax_summary(
    household: HouseholdFile,
    year: object,
    *,
    lang: str = "fr",
    ruleset: Ruleset | None = None,
    source: str = "household",
) -> Document:
    """The tax summary of a household file for the calendar ``year`` (2026 or "2026")."""
    chosen = parse_year(year)
    ruleset = ruleset or default_ruleset()
    report = compute_household(household, ruleset, source=source)
    return tax_summary_document(household, report, ruleset, year=chosen, lang=lang)


def render(document: Document, kind: str) -> bytes:
    """The document's bytes as ``pdf`` or ``html`` (UTF-8)."""
    if kind == "pdf":
        return to_pdf(document)
    if kind == "html":
        return to_html(document).encode()
    raise OutputError(
        f"{kind!r}: write a {' or '.join(FORMATS)} file", code="bad_output_type", field=kind
    )


def write(document: Document, path: str | Path) -> None:
    """Write the document as PDF or HTML, by the path's suffix (the CLI writes through
    :mod:`cesu_rules.output` instead, whole or not at all)."""
    target = Path(path)
    if target.suffix not in FORMATS:
        raise OutputError(
            f"{path}: write a {' or '.join(FORMATS)} file", code="bad_output_type", field=str(path)
        )
    target.write_bytes(render(document, target.suffix[1:]))
