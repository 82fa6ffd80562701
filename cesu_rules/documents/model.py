"""The shape of a document: titled blocks, tables and lists of text already written for a
reader in one language, with every amount it shows kept by name (``figures``); and the helpers
the payslip and the tax summary share. The templates (``templates/``) only lay these out.

What a document says is taken from the household report (the same estimates ``cesu-rules
household`` prints); no figure is computed here beyond sums of the report's own figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..api import plan_of
from ..calc.estimate import Estimate
from ..calc.notes import first_sentence, used_values
from ..calc.plan import LineSpec
from ..errors import InputError
from ..household import Employee, HouseholdFile
from ..i18n import EXEMPTION_LABELS, Words
from ..rules.loader import Ruleset
from ..rules.snapshot import Choice, LineRule

__all__ = [
    "Block",
    "Document",
    "Figures",
    "Row",
    "Table",
    "assumptions",
    "employer_block",
    "engine",
    "find_employee",
    "given",
    "minus",
]


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


def given(w: Words, value: str | None) -> str:
    return value if value else w("doc_not_given")


def minus(text: str, value: Decimal) -> str:
    """An amount taken off: ``−12,00 €``, or ``0,00 €`` when there is nothing to take."""
    return "−" + text if value else text


def engine() -> str:
    from .. import __version__  # noqa: PLC0415 - the package's own version

    return __version__


class Figures(dict[str, Decimal]):
    """Every amount a document shows, by name: :meth:`shown` records one and writes it."""

    def __init__(self, words: Words) -> None:
        super().__init__()
        self.words = words

    def shown(self, name: str, value: Decimal) -> str:
        self[name] = value
        return self.words.money(value)


def employer_block(w: Words, household: HouseholdFile, title: str) -> Block:
    """The employer's identity (the household of the file) under ``title``."""
    info = household.household
    return Block(
        w(title),
        (
            (w("doc_name"), given(w, info.name)),
            (w("doc_address"), given(w, info.address)),
            (w("doc_cesu_employer"), given(w, info.cesu_number)),
            (w("doc_exemption"), w.label(EXEMPTION_LABELS, info.exemption)),
        ),
    )


def find_employee(household: HouseholdFile, employee: str) -> Employee:
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


def assumptions(w: Words, ruleset: Ruleset, estimate: Estimate, non_resident: bool) -> list[str]:
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
