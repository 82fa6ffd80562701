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
from ..rules.loader import Ruleset
from .model import Document
from .payslip import payslip_document
from .render import to_html, to_pdf
from .summary import tax_summary_document

__all__ = ["FORMATS", "Document", "payslip", "tax_summary", "to_html", "to_pdf", "write"]

FORMATS = (".pdf", ".html")


def payslip(
    household: HouseholdFile,
    month: str,
    employee: str,
    *,
    lang: str = "fr",
    ruleset: Ruleset | None = None,
) -> Document:
    """The payslip of ``employee`` for ``month`` (YYYY-MM) of a household file."""
    ruleset = ruleset or default_ruleset()
    report = compute_household(household, ruleset)
    return payslip_document(household, report, ruleset, month=month, employee=employee, lang=lang)


def tax_summary(
    household: HouseholdFile, year: int, *, lang: str = "fr", ruleset: Ruleset | None = None
) -> Document:
    """The tax summary of a household file for the calendar ``year``."""
    ruleset = ruleset or default_ruleset()
    report = compute_household(household, ruleset)
    return tax_summary_document(household, report, ruleset, year=year, lang=lang)


def write(document: Document, path: str | Path) -> None:
    """Write the document as PDF or HTML, by the path's suffix (the CLI writes through
    :mod:`cesu_rules.output` instead, whole or not at all)."""
    target = Path(path)
    if target.suffix == ".pdf":
        target.write_bytes(to_pdf(document))
    elif target.suffix == ".html":
        target.write_text(to_html(document), encoding="utf-8")
    else:
        raise OutputError(
            f"{path}: write a {' or '.join(FORMATS)} file", code="bad_output_type", field=str(path)
        )
