"""Resolution: the frozen, typed snapshot of every rule in force for one month and territory.

``rules_at(ruleset, "2024-04", "metropole")`` bisects each parameter once and returns a
:class:`Rules` object that the pure calculator reads; nothing below this module reads files.
A month outside the ruleset's coverage, or a territory/month with no rule in force, raises a
typed error, never returns ``None``.

Size: above 400 lines because it is the one typed list of every rule in force (one
field per parameter): splitting it would split that list.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any, TypeVar

from .._cache import BoundedCache
from ..errors import InputError, NotInForceError
from ..numbers import month_range, parse_month, shift_month
from .loader import Parameter, Ruleset
from .schema import (
    TERRITORIES,
    BaremeEntry,
    ContributionEntry,
    ContributionFile,
    Entry,
    PolicyEntry,
    PolicyFile,
    ScalarEntry,
    Source,
)

__all__ = [
    "BracketRule",
    "Candidate",
    "Choice",
    "CreditRules",
    "LineRule",
    "Rules",
    "Value",
    "parse_month",
    "rules_at",
]

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Candidate:
    """Another value a parameter that is not confirmed could have: a number as text (a
    scalar's value, a line's rate in percent) or a policy's other choice, and why."""

    parameter: str
    value: str
    note: str

    @property
    def label(self) -> str:
        return f"{self.parameter} = {self.value}"


@dataclass(frozen=True)
class Value:
    """A resolved parameter value with its provenance."""

    parameter: str
    value: Decimal
    status: str
    start: date
    sources: tuple[Source, ...]
    note: str | None = None
    display: str | None = None  # how to show a value that is not a number (a grid)
    alternatives: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class Choice:
    """A resolved policy: the candidate selected by the ruleset, with its provenance."""

    parameter: str
    choice: str
    status: str
    start: date
    sources: tuple[Source, ...]
    note: str | None = None
    alternatives: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class LineRule:
    """One contribution line in force: rate as a fraction (0.13 for 13 %), base, reliefs."""

    parameter: str
    code: str
    label: str
    side: str
    base: str
    rate: Decimal
    rate_percent: Decimal
    monthly_cap: Decimal | None
    reliefs: frozenset[str]
    residence: str
    taxable: bool
    status: str
    sources: tuple[Source, ...]
    start: date
    note: str | None = None
    alternatives: tuple[Candidate, ...] = ()

    def applies_to(self, *, non_resident: bool) -> bool:
        if self.residence == "resident":
            return not non_resident
        if self.residence == "non_resident":
            return non_resident
        return True


@dataclass(frozen=True)
class BracketRule:
    threshold: Decimal
    rate: Decimal
    rate_percent: Decimal


@dataclass(frozen=True)
class CreditRules:
    """The yearly ceilings of the tax credit (CGI art. 199 sexdecies) in force on a date."""

    ceiling: Value
    increment: Value
    maximum: Value
    first_year: Value
    first_year_maximum: Value
    invalidity: Value
    sub_ceilings: tuple[tuple[str, Value], ...]  # (activity, ceiling)


# Activities with their own yearly sub-ceiling of the tax credit (CGI art. 199 sexdecies).
SUB_CEILING_ACTIVITIES = ("petit_jardinage", "assistance_informatique", "petit_bricolage")


@dataclass(frozen=True)
class Rules:
    """Every rule in force for one month and territory (a frozen snapshot)."""

    month: date
    territory: str
    territory_label: str
    outre_mer: bool
    ruleset_version: str
    ruleset_hash: str
    smic_hourly: Value
    pss_monthly: Value
    csg_base_share: Value
    deduction_hourly: Value
    deduction_relief: str
    age_70_cap_smic_hours: Value
    paid_leave_uplift: Value
    paid_leave_threshold_hours: Value
    max_monthly_hours: Value
    pas_grid: tuple[BracketRule, ...]
    pas_grid_value: Value | None
    inversion_policy: Choice
    totals_policy: Choice
    lines: tuple[LineRule, ...]
    assumptions: tuple[str, ...]
    tax_credit_rate: Value
    advance_share: Value | None  # avance immédiate with Cesu+; None before it existed
    credit: CreditRules
    provisional: bool = False  # a month past the rulesets' coverage (values carried forward)
    carried: tuple[Value | Choice | LineRule, ...] = ()  # what a provisional month carries
    revaluations: tuple[Candidate, ...] = ()  # certain revaluations not yet published

    @property
    def pas_applies(self) -> bool:
        """Whether the Cesu withheld income tax (PAS) in this month (from 2020-01)."""
        return bool(self.pas_grid)

    def with_candidate(self, candidate: Candidate) -> Rules:
        """This snapshot with one parameter set to a candidate value (for honest ranges);
        its hash names the candidate, so its compiled plan is cached apart."""
        changes: dict[str, Any] = {}
        for name in (f.name for f in dataclasses.fields(self)):
            item = getattr(self, name)
            if isinstance(item, Value) and item.parameter == candidate.parameter:
                changes[name] = dataclasses.replace(item, value=Decimal(candidate.value))
            elif isinstance(item, Choice) and item.parameter == candidate.parameter:
                changes[name] = dataclasses.replace(item, choice=candidate.value)
        lines = tuple(
            dataclasses.replace(
                line,
                rate=Decimal(candidate.value) / _HUNDRED,
                rate_percent=Decimal(candidate.value),
            )
            if line.parameter == candidate.parameter
            else line
            for line in self.lines
        )
        return dataclasses.replace(
            self, **changes, lines=lines, ruleset_hash=f"{self.ruleset_hash}#{candidate.label}"
        )

    def provenance(self) -> tuple[Value | Choice, ...]:
        """Every resolved parameter of the snapshot except the contribution lines."""
        values: tuple[Value | Choice, ...] = (
            self.smic_hourly,
            self.pss_monthly,
            self.csg_base_share,
            self.deduction_hourly,
            self.age_70_cap_smic_hours,
            self.paid_leave_uplift,
            self.paid_leave_threshold_hours,
            self.max_monthly_hours,
            self.inversion_policy,
            self.totals_policy,
        )
        return values if self.pas_grid_value is None else (*values, self.pas_grid_value)


def _candidates(param: Parameter, entry: Entry) -> tuple[Candidate, ...]:
    """The other candidates of a dated value: its declared alternatives, or every other
    choice of a policy that is not confirmed."""
    if isinstance(entry, PolicyEntry):
        if entry.status == "confirmed":
            return ()
        assert isinstance(param.spec, PolicyFile)
        return tuple(
            Candidate(param.name, name, " ".join(text.split()))
            for name, text in param.spec.choices.items()
            if name != entry.choice
        )
    return tuple(
        Candidate(param.name, str(alt.value if alt.value is not None else alt.rate), alt.note)
        for alt in entry.alternatives
    )


T = TypeVar("T")


def _built(param: Parameter, entry: Entry, kind: str, build: Callable[[], T]) -> T:
    """What ``build`` makes of one dated value, made once per parameter and entry (every
    month in force shares it: a snapshot costs lookups, not rebuilding)."""
    key = (kind, id(entry))
    found: T | None = param.memo.get(key)
    if found is None:
        found = param.memo[key] = build()
    return found


def _value(param: Parameter, entry: ScalarEntry) -> Value:
    assert entry.value is not None
    value = entry.value
    return _built(
        param,
        entry,
        "value",
        lambda: Value(
            param.name,
            value,
            entry.status,
            entry.start,
            param.sources(entry),
            entry.note,
            alternatives=_candidates(param, entry),
        ),
    )


def _scalar(param: Parameter, day: date, territory: str) -> Value:
    entry = param.at(day)
    assert isinstance(entry, ScalarEntry)
    if entry.not_applicable or entry.value is None:
        reason = f" ({entry.note.strip()})" if entry.note else ""
        raise NotInForceError(f"{param.name} has no value for {day:%Y-%m} in {territory}{reason}")
    return _value(param, entry)


def _optional(param: Parameter, day: date) -> Value | None:
    """A scalar that may legitimately not exist in a period (marked not_applicable)."""
    entry = param.at(day)
    assert isinstance(entry, ScalarEntry)
    if entry.not_applicable or entry.value is None:
        return None
    return _value(param, entry)


def _policy(param: Parameter, day: date) -> Choice:
    entry = param.at(day)
    assert isinstance(entry, PolicyEntry)
    choice = entry.choice
    assert choice is not None
    return _built(
        param,
        entry,
        "choice",
        lambda: Choice(
            param.name,
            choice,
            entry.status,
            entry.start,
            param.sources(entry),
            entry.note,
            alternatives=_candidates(param, entry),
        ),
    )


def _lines(ruleset: Ruleset, day: date, territory: str) -> tuple[LineRule, ...]:
    lines: list[LineRule] = []
    for param in ruleset.contributions():
        spec = param.spec
        assert isinstance(spec, ContributionFile)
        c = spec.contribution
        if c.territories is not None and territory not in c.territories:
            continue
        try:
            entry = param.at(day)
        except NotInForceError:
            continue  # the line does not exist (yet, or any more)
        assert isinstance(entry, ContributionEntry)
        if entry.not_applicable or entry.rate is None:
            continue
        lines.append(_built(param, entry, "line", functools.partial(_line, param, entry)))
    return tuple(lines)


def _line(param: Parameter, entry: ContributionEntry) -> LineRule:
    spec = param.spec
    assert isinstance(spec, ContributionFile)
    assert entry.rate is not None
    c = spec.contribution
    return LineRule(
        parameter=param.name,
        code=c.code,
        label=spec.label,
        side=c.side,
        base=c.base,
        rate=entry.rate / _HUNDRED,
        rate_percent=entry.rate,
        monthly_cap=entry.monthly_cap,
        reliefs=frozenset(c.reliefs),
        residence=c.residence,
        taxable=c.taxable,
        status=entry.status,
        sources=param.sources(entry),
        start=entry.start,
        note=entry.note,
        alternatives=_candidates(param, entry),
    )


def rules_at(
    ruleset: Ruleset,
    month: str | date,
    territory: str = "metropole",
    *,
    provisional: bool = False,
) -> Rules:
    """The snapshot of the rules in force for ``month`` (YYYY-MM) in ``territory``.

    With ``provisional``, a month after the coverage is resolved too: each parameter takes
    its latest value (a value already published for that month, such as next year's
    ceiling, is used; the others are carried forward, listed in ``carried``), and each
    certain revaluation not yet published becomes a candidate of the honest ranges.

    Raises :class:`~cesu_rules.errors.InputError` for a malformed month or an unknown
    territory, and :class:`~cesu_rules.errors.NotInForceError` for a month outside the
    ruleset's coverage or a territory with no rule in force that month.
    """
    day = parse_month(month)
    ruleset.check_covered(day, provisional=provisional)
    spec = ruleset.manifest.territories.get(territory)  # type: ignore[call-overload]
    if spec is None:
        known = ", ".join(t for t in TERRITORIES if t in ruleset.manifest.territories)
        raise InputError(
            f"unknown territory {territory!r}; choose one of: {known}",
            code="unknown_territory",
            field="territory",
            value=territory,
        )
    key = (ruleset.hash, day, territory)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached

    p = ruleset.parameter
    pas_param = p(spec.pas_taux_neutre)
    pas_entry = pas_param.at(day)
    assert isinstance(pas_entry, BaremeEntry)
    grid: tuple[BracketRule, ...] = ()
    grid_value: Value | None = None
    if not pas_entry.not_applicable and pas_entry.brackets:
        grid = tuple(
            BracketRule(b.threshold, b.rate / _HUNDRED, b.rate) for b in pas_entry.brackets
        )
        grid_value = Value(
            pas_param.name,
            Decimal(0),
            pas_entry.status,
            pas_entry.start,
            pas_param.sources(pas_entry),
            pas_entry.note,
            display=f"the grid in force from {pas_entry.start}",
        )
    rules = Rules(
        month=day,
        territory=territory,
        territory_label=spec.label,
        outre_mer=spec.outre_mer,
        ruleset_version=ruleset.version,
        ruleset_hash=ruleset.hash,
        smic_hourly=_scalar(p(spec.smic), day, territory),
        pss_monthly=_scalar(p(spec.pss), day, territory),
        csg_base_share=_scalar(p("cotisations/assiette_csg_crds"), day, territory),
        deduction_hourly=_scalar(p(spec.deduction), day, territory),
        deduction_relief="deduction_outre_mer" if spec.outre_mer else "deduction",
        age_70_cap_smic_hours=_scalar(p("exonerations/age_70/plafond_heures_smic"), day, territory),
        paid_leave_uplift=_scalar(p("conges_payes/majoration"), day, territory),
        paid_leave_threshold_hours=_scalar(
            p("conges_payes/seuil_heures_mensuelles"), day, territory
        ),
        max_monthly_hours=_scalar(p("duree_travail/maximum_heures_mensuelles"), day, territory),
        pas_grid=grid,
        pas_grid_value=grid_value,
        inversion_policy=_policy(p("politiques/arrondi/inversion"), day),
        totals_policy=_policy(p("politiques/arrondi/totaux"), day),
        lines=_lines(ruleset, day, territory),
        assumptions=spec.assumptions,
        tax_credit_rate=_scalar(p("credit_impot/taux"), day, territory),
        advance_share=_optional(p("credit_impot/avance_immediate"), day),
        credit=_credit(ruleset, day, territory),
    )
    if day > ruleset.coverage[1]:
        rules = _provisional(ruleset, rules)
    return _CACHE.put(key, rules)


def _provisional(ruleset: Ruleset, rules: Rules) -> Rules:
    """A month past the coverage: which values are carried forward, which revaluations are
    certain but not yet published."""
    until = ruleset.coverage[1]
    items: list[Value | Choice | LineRule] = [*rules.lines, *rules.provenance()]
    carried = tuple(item for item in items if item.start <= until)
    by_name = {item.parameter: item for item in items}
    revaluations = []
    for r in ruleset.manifest.provisional.revaluations:
        item = by_name.get(r.parameter)
        if not isinstance(item, Value):
            continue
        # Due: a revaluation month has passed since the value's start.
        due = any(m.month == r.month for m in month_range(shift_month(item.start, 1), rules.month))
        if due:
            with localcontext(Context(prec=40)):
                high = (item.value * (1 + r.up_to / _HUNDRED)).quantize(_CENT, ROUND_HALF_UP)
            note = f"revalued by up to {r.up_to} %: {' '.join(r.note.split())}"
            revaluations.append(Candidate(r.parameter, str(high), note))
    return dataclasses.replace(
        rules, provisional=True, carried=carried, revaluations=tuple(revaluations)
    )


def _credit(ruleset: Ruleset, day: date, territory: str) -> CreditRules:
    def value(name: str) -> Value:
        return _scalar(ruleset.parameter(f"credit_impot/{name}"), day, territory)

    return CreditRules(
        ceiling=value("plafond"),
        increment=value("majoration_plafond"),
        maximum=value("plafond_maximum"),
        first_year=value("plafond_premiere_annee"),
        first_year_maximum=value("plafond_maximum_premiere_annee"),
        invalidity=value("plafond_invalidite"),
        sub_ceilings=tuple(
            (activity, value(f"sous_plafond/{activity}")) for activity in SUB_CEILING_ACTIVITIES
        ),
    )


# Snapshots are immutable and keyed by the ruleset's content hash, so caching them is safe;
# the bound keeps a long-running process that tries many reforms from growing.
_CACHE: BoundedCache[tuple[str, date, str], Rules] = BoundedCache("rules snapshots", 4096)
