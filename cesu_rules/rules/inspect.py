"""What a person asks of a ruleset: each parameter's values as text or JSON, what changed
between two months, and when a ruleset stops covering the months to come.

Shared by the CLI (``cesu-rules rulesets …``) and the service; printing is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ..errors import CesuRulesError
from ..numbers import parse_month
from .loader import Parameter, Ruleset
from .schema import (
    STATUSES,
    BaremeEntry,
    ContributionEntry,
    ContributionFile,
    Entry,
    PolicyEntry,
    ScalarEntry,
)

__all__ = [
    "Change",
    "Doubt",
    "StatusReport",
    "changes_between",
    "diff_json",
    "entry_end",
    "entry_json",
    "list_json",
    "parameter_json",
    "payload_json",
    "payload_text",
    "show_json",
    "staleness_note",
    "status_report",
    "touches",
    "with_unit",
]

_UNITS = {
    "percent": " %",
    "eur": " €",
    "eur_per_hour": " €/h",
    "hours": " h",
    "hours_per_month": " h/month",
}


def with_unit(value: Decimal | None, unit: str) -> str:
    return f"{value}{_UNITS.get(unit, '')}"


def payload_text(param: Parameter, entry: Entry) -> str:
    """A dated value in one short line (a grid summarised by its brackets)."""
    if entry.not_applicable:
        return "not applicable"
    if isinstance(entry, ScalarEntry):
        return with_unit(entry.value, param.unit)
    if isinstance(entry, ContributionEntry):
        text = f"{entry.rate} %"
        if entry.monthly_cap is not None:
            text += f" (at most {entry.monthly_cap} € a month)"
        return text
    if isinstance(entry, BaremeEntry):
        brackets = entry.brackets or ()
        if len(brackets) < 2:
            return f"flat grid at {brackets[0].rate} %" if brackets else "empty grid"
        second, last = brackets[1], brackets[-1]
        return (
            f"grid of {len(brackets)} brackets ({second.rate} % from {second.threshold} € "
            f"… {last.rate} % from {last.threshold} €)"
        )
    assert isinstance(entry, PolicyEntry)
    return f"choice {entry.choice}"


def payload_json(entry: Entry) -> Any:
    if entry.not_applicable:
        return None
    if isinstance(entry, ScalarEntry):
        return str(entry.value)
    if isinstance(entry, ContributionEntry):
        return {
            "rate": str(entry.rate),
            "monthly_cap": None if entry.monthly_cap is None else str(entry.monthly_cap),
        }
    if isinstance(entry, BaremeEntry):
        return [{"threshold": str(b.threshold), "rate": str(b.rate)} for b in entry.brackets or ()]
    assert isinstance(entry, PolicyEntry)
    return entry.choice


def entry_end(param: Parameter, entry: Entry) -> date | None:
    """The last day a dated value is in force (None: until further notice)."""
    if entry.until is not None:
        return entry.until
    index = param.values.index(entry)
    if index + 1 < len(param.values):
        return param.values[index + 1].start - timedelta(days=1)
    return None


def entry_json(param: Parameter, entry: Entry) -> dict[str, Any]:
    return {
        "from": entry.start.isoformat(),
        "until": entry.until.isoformat() if entry.until else None,
        "value": payload_json(entry),
        "status": entry.status,
        "note": entry.note,
        "formula": entry.formula,
        "sources": [s.model_dump(mode="json", exclude_none=True) for s in param.sources(entry)],
    }


def parameter_json(param: Parameter, entries: list[Entry]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": param.name,
        "label": param.label,
        "kind": param.kind,
        "unit": param.unit,
        "file": param.path,
        "values": [entry_json(param, e) for e in entries],
    }
    if isinstance(param.spec, ContributionFile):
        data["contribution"] = param.spec.contribution.model_dump(mode="json")
    return data


@dataclass(frozen=True)
class Change:
    """A parameter whose value or status differs between two months."""

    param: Parameter
    old: Entry | None  # None: not in force
    new: Entry | None

    def text(self) -> str:
        old, new, param = self.old, self.new, self.param
        if old is None or new is None:
            old_t = "not in force" if old is None else payload_text(param, old)
            new_t = "not in force" if new is None else payload_text(param, new)
            return f"{old_t} → {new_t}"
        if payload_json(old) == payload_json(new):
            return f"{payload_text(param, new)} (status {old.status} → {new.status})"
        status = f"  [{new.status}]"
        if isinstance(old, BaremeEntry) and isinstance(new, BaremeEntry):
            pairs = list(zip(old.brackets or (), new.brackets or (), strict=False))
            moved = [f"{b.rate} % from {a.threshold} → {b.threshold} €" for a, b in pairs if a != b]
            shown = ", ".join(moved[:3]) + (
                f", and {len(moved) - 3} more" if len(moved) > 3 else ""
            )
            return f"grid changed ({shown}){status}"
        return f"{payload_text(param, old)} → {payload_text(param, new)}{status}"

    def json(self) -> dict[str, Any]:
        return {
            "name": self.param.name,
            "from": None if self.old is None else entry_json(self.param, self.old),
            "to": None if self.new is None else entry_json(self.param, self.new),
        }


def _safe_at(param: Parameter, day: date) -> Entry | None:
    try:
        return param.at(day)
    except CesuRulesError:
        return None


def changes_between(ruleset: Ruleset, before: date, after: date) -> list[Change]:
    """Every parameter whose value or status differs between two months, by name."""
    changes = []
    for param in sorted(ruleset.parameters.values(), key=lambda p: p.name):
        old, new = _safe_at(param, before), _safe_at(param, after)
        if old is new:
            continue
        same_value = (None if old is None else payload_json(old)) == (
            None if new is None else payload_json(new)
        )
        if same_value and (old is None or new is None or old.status == new.status):
            continue
        changes.append(Change(param, old, new))
    return changes


def staleness_note(ruleset: Ruleset, today: date, *, warn_days: int = 60) -> str | None:
    """A reminder when the rulesets stop covering the months to come (None otherwise)."""
    until = ruleset.coverage[1]
    if today > until:
        return (
            f"the rulesets end in {until:%Y-%m} and today is {today}: months after it "
            "are refused until next year's values are added "
            "(docs/rulesets.md, runbook)"
        )
    if (until - today).days <= warn_days:
        return (
            f"the rulesets end in {until:%Y-%m}, in {(until - today).days} days: time to "
            "add next year's values (docs/rulesets.md, runbook)"
        )
    return None


# ---------------------------------------------------------------------------------------------
# The status report: how sure the rulesets are, and what each doubt touches

_MONEY = ("urssaf_debit", "total_cost", "tax_credit", "cost_after_credit")
_EMPLOYEE = ("gross", "net", "employee_total", "net_taxable", "pas_amount", *_MONEY)
_EMPLOYER = ("employer_total_before_relief", "employer_total", *_MONEY)
# What a parameter changes, by the start of its name (the longest prefix wins).
_TOUCHES: dict[str, tuple[str, ...]] = {
    "cotisations/salarie/": _EMPLOYEE,
    "cotisations/employeur/": _EMPLOYER,
    "cotisations/assiette_csg_crds": _EMPLOYEE,
    "smic/": ("the minimum wage check", "exemption_cap (70+)", "exemption", *_EMPLOYER),
    "pss/": (*_EMPLOYEE, *_EMPLOYER),
    "deduction_forfaitaire/": ("deduction", "employer_total", *_MONEY),
    "exonerations/": ("exemption_cap (70+)", "exemption", "employer_total", *_MONEY),
    "conges_payes/": ("the minimum wage check", "paid leave default", "exemption_cap (70+)"),
    "duree_travail/": ("the hours check",),
    "pas/": ("pas_rate", "pas_amount", "net_after_pas", "paid_to_employee", "urssaf_debit"),
    "credit_impot/": ("tax_credit", "advance", "cost_after_credit", "the yearly tax credit"),
    "politiques/": ("every figure, by a cent or a few",),
}


def touches(name: str) -> tuple[str, ...]:
    """The figures and checks a parameter changes."""
    best = max((p for p in _TOUCHES if name.startswith(p)), key=len, default=None)
    return () if best is None else tuple(dict.fromkeys(_TOUCHES[best]))


@dataclass(frozen=True)
class Doubt:
    """A dated value that is not confirmed by two sources, with what it touches."""

    parameter: str
    start: date
    end: date | None  # last day in force, None: until further notice
    status: str
    value: str
    note: str | None
    territories: tuple[str, ...]
    figures: tuple[str, ...]
    alternatives: tuple[str, ...]


@dataclass(frozen=True)
class StatusReport:
    """The share of dated values by status, and every value that is not confirmed."""

    version: str
    hash: str
    counts: dict[str, int]
    doubts: tuple[Doubt, ...]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, status: str) -> float:
        return self.counts.get(status, 0) / self.total if self.total else 0.0

    def json(self) -> dict[str, Any]:
        return {
            "ruleset_version": self.version,
            "ruleset_hash": self.hash,
            "values": self.total,
            "by_status": {
                s: {"count": n, "share": round(self.share(s), 4)} for s, n in self.counts.items()
            },
            "not_confirmed": [
                {
                    "parameter": d.parameter,
                    "from": d.start.isoformat(),
                    "until": None if d.end is None else d.end.isoformat(),
                    "status": d.status,
                    "value": d.value,
                    "note": d.note,
                    "territories": list(d.territories),
                    "touches": list(d.figures),
                    "alternatives": list(d.alternatives),
                }
                for d in self.doubts
            ],
        }


def _territories(ruleset: Ruleset, param: Parameter) -> tuple[str, ...]:
    if isinstance(param.spec, ContributionFile):
        return tuple(param.spec.contribution.territories or ruleset.manifest.territories)
    roles = ("smic", "deduction", "pas_taux_neutre", "pss")
    named = [
        t
        for t, spec in ruleset.manifest.territories.items()
        if any(getattr(spec, role) == param.name for role in roles)
    ]
    return tuple(named) or tuple(ruleset.manifest.territories)


def status_report(ruleset: Ruleset) -> StatusReport:
    """Every dated value counted by status; each one that is not confirmed, with its period,
    the territories and the figures it touches, and its alternatives."""
    counts = dict.fromkeys(STATUSES, 0)
    doubts = []
    for param in sorted(ruleset.parameters.values(), key=lambda p: p.name):
        for entry in param.values:
            counts[entry.status] += 1
            if entry.status == "confirmed":
                continue
            doubts.append(
                Doubt(
                    parameter=param.name,
                    start=entry.start,
                    end=entry_end(param, entry),
                    status=entry.status,
                    value=payload_text(param, entry),
                    note=None if entry.note is None else " ".join(entry.note.split()),
                    territories=_territories(ruleset, param),
                    figures=touches(param.name),
                    alternatives=tuple(
                        f"{alt.value if alt.value is not None else alt.rate}: {alt.note}"
                        for alt in entry.alternatives
                    ),
                )
            )
    return StatusReport(ruleset.version, ruleset.hash, counts, tuple(doubts))


# ---------------------------------------------------------------------------------------------
# The JSON views (``rulesets list|show|diff --json`` and the service's /v1/rulesets)


def list_json(ruleset: Ruleset) -> dict[str, Any]:
    """Every parameter with its latest value."""
    params = sorted(ruleset.parameters.values(), key=lambda p: p.name)
    return {
        "ruleset_version": ruleset.version,
        "ruleset_hash": ruleset.hash,
        "parameters": [
            {
                "name": p.name,
                "kind": p.kind,
                "unit": p.unit,
                "label": p.label,
                "latest": entry_json(p, p.values[-1]),
            }
            for p in params
        ],
    }


def show_json(ruleset: Ruleset, name: str, at: object = None) -> dict[str, Any]:
    """A parameter's values (the one in force in month ``at`` when given)."""
    param = ruleset.parameter(name)
    entries = list(param.values)
    if at is not None:
        day = parse_month(at, field="at")
        ruleset.check_covered(day, estimating=False)
        entries = [param.at(day)]
    return parameter_json(param, entries)


def diff_json(ruleset: Ruleset, before: object, after: object) -> dict[str, Any]:
    """What changed between two months."""
    first = parse_month(before, field="from")
    last = parse_month(after, field="to")
    return {
        "from": f"{first:%Y-%m}",
        "to": f"{last:%Y-%m}",
        "changes": [c.json() for c in changes_between(ruleset, first, last)],
    }
