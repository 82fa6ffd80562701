"""Schema of the ruleset files (pydantic, frozen, unknown keys forbidden).

A parameter file holds one parameter family: a ``kind`` (scalar, contribution, bareme or
policy), a ``label``, a ``unit`` and dated ``values``. Each dated value carries its start date
(``from``), optionally an inclusive end (``until``), a ``status`` and at least one source. See
``docs/rulesets.md`` for the format and the maintenance runbook.

Numbers are written as plain YAML decimals (``13.00``) and read from the text into
:class:`~decimal.Decimal`; quoted numbers, exponents and decimal commas are refused.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)

__all__ = [
    "BASES",
    "KINDS",
    "RELIEFS",
    "STATUSES",
    "TERRITORIES",
    "UNITS",
    "Alternative",
    "BaremeEntry",
    "BaremeFile",
    "Bracket",
    "ContributionEntry",
    "ContributionFile",
    "ContributionSpec",
    "Entry",
    "Manifest",
    "ParameterFile",
    "PolicyEntry",
    "PolicyFile",
    "ScalarEntry",
    "ScalarFile",
    "Source",
    "TerritorySpec",
]

Territory = Literal[
    "metropole", "alsace_moselle", "guadeloupe", "martinique", "guyane", "reunion", "mayotte"
]
TERRITORIES: tuple[str, ...] = Territory.__args__  # type: ignore[attr-defined]

Status = Literal["confirmed", "single_source", "derived", "assumed"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]

Unit = Literal["percent", "eur", "eur_per_hour", "hours", "hours_per_month", "choice"]
UNITS: tuple[str, ...] = Unit.__args__  # type: ignore[attr-defined]

Base = Literal["gross", "gross_capped_pss", "gross_capped_4pss", "csg_base"]
BASES: tuple[str, ...] = Base.__args__  # type: ignore[attr-defined]

Relief = Literal["exemption", "deduction", "deduction_outre_mer"]
RELIEFS: tuple[str, ...] = Relief.__args__  # type: ignore[attr-defined]

KINDS = ("scalar", "contribution", "bareme", "policy")

_DECIMAL_RE = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_MAX_WHOLE_DIGITS = 9
_MAX_DECIMALS = 6
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_IDENT_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_PARAM_RE = re.compile(r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*$")


def _decimal_from_text(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(f"expected a decimal number such as 13.00, got {value!r}")
    if getattr(value, "quoted", False):
        raise ValueError(
            f"write numbers without quotes (got the text {str(value)!r}; write {value} instead)"
        )
    if not _DECIMAL_RE.match(value):
        raise ValueError(
            "expected a decimal number written with digits and an optional dot, such as 13.00 "
            f"(got {str(value)!r})"
        )
    whole, _, decimals = value.lstrip("-").partition(".")
    if len(whole.lstrip("0")) > _MAX_WHOLE_DIGITS or len(decimals) > _MAX_DECIMALS:
        raise ValueError(
            f"{str(value)[:30]!r} is out of range: at most {_MAX_WHOLE_DIGITS} digits before the "
            f"point and {_MAX_DECIMALS} after (amounts, rates and hours of the Cesu fit easily)"
        )
    return Decimal(value)


def _date_from_text(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ValueError(f"expected a date written YYYY-MM-DD, such as 2024-01-01, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{str(value)!r} is not a calendar date") from None


def _identifier(value: Any) -> str:
    if not isinstance(value, str) or not _IDENT_RE.match(value):
        raise ValueError(f"expected a snake_case identifier such as 'maladie', got {value!r}")
    return str(value)


def _parameter_name(value: Any) -> str:
    if not isinstance(value, str) or not _PARAM_RE.match(value):
        raise ValueError(
            f"expected a parameter name such as 'smic/horaire_brut/metropole', got {value!r}"
        )
    return str(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty text")
    return str(value)


DecimalText = Annotated[Decimal, BeforeValidator(_decimal_from_text)]
DateText = Annotated[date, BeforeValidator(_date_from_text)]
Identifier = Annotated[str, BeforeValidator(_identifier)]
ParameterName = Annotated[str, BeforeValidator(_parameter_name)]
NonEmptyText = Annotated[str, BeforeValidator(_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Source(_Strict):
    """Where a value comes from. A title and at least a URL or a legal reference."""

    title: NonEmptyText
    url: NonEmptyText | None = None
    legal: NonEmptyText | None = None
    date: DateText | None = None
    note: NonEmptyText | None = None

    @model_validator(mode="after")
    def _url_or_legal(self) -> Source:
        if self.url is None and self.legal is None:
            raise ValueError("a source needs a 'url' or a 'legal' reference (or both)")
        if self.url is not None and not self.url.startswith(("https://", "http://")):
            raise ValueError(f"'url' must start with https:// or http://, got {self.url!r}")
        return self


def _source_tag(value: Any) -> str:
    return "<key>" if isinstance(value, str) else "<inline>"


# A source is written inline (a mapping) or as the key of a reference defined in the file's
# ``references`` or in the manifest's ``bibliography``.
SourceRef = Annotated[
    Annotated[Source, Tag("<inline>")] | Annotated[Identifier, Tag("<key>")],
    Discriminator(_source_tag),
]


class Alternative(_Strict):
    """Another candidate for a value that is not confirmed: a result that uses the value also
    gives its figures under each candidate (an honest range). One payload, of the file's
    kind (``value`` for a scalar, ``rate`` for a contribution), and why it is a candidate."""

    value: DecimalText | None = None
    rate: DecimalText | None = None
    note: NonEmptyText
    sources: tuple[SourceRef, ...] = ()


class _EntryBase(_Strict):
    start: DateText = Field(alias="from")
    until: DateText | None = None
    status: Status
    sources: tuple[SourceRef, ...] = Field(min_length=1)
    note: NonEmptyText | None = None
    formula: NonEmptyText | None = None
    not_applicable: bool = False
    alternatives: tuple[Alternative, ...] = ()


class ScalarEntry(_EntryBase):
    """A dated number (amount, rate, count of hours)."""

    value: DecimalText | None = None


class ContributionEntry(_EntryBase):
    """A dated contribution rate (percent of its base), with an optional monthly cap in euros."""

    rate: DecimalText | None = None
    monthly_cap: DecimalText | None = None


class Bracket(_Strict):
    """One bracket of a flat-rate grid: ``rate`` applies to the whole base from ``threshold``."""

    threshold: DecimalText
    rate: DecimalText


class BaremeEntry(_EntryBase):
    """A dated grid (for instance the PAS taux neutre)."""

    brackets: tuple[Bracket, ...] | None = None


class PolicyEntry(_EntryBase):
    """A dated choice among named candidates (for instance how the Cesu rounds)."""

    choice: Identifier | None = None


Entry = ScalarEntry | ContributionEntry | BaremeEntry | PolicyEntry


class ContributionSpec(_Strict):
    """What a contribution line is: who pays, on which base, which reliefs can reduce it."""

    code: Identifier
    side: Literal["employee", "employer"]
    base: Base
    reliefs: tuple[Relief, ...] = ()
    territories: tuple[Territory, ...] | None = None
    residence: Literal["any", "resident", "non_resident"] = "any"
    taxable: bool = False


class _FileBase(_Strict):
    label: NonEmptyText
    description: NonEmptyText | None = None
    unit: Unit
    references: dict[Identifier, Source] = Field(default_factory=dict)


class ScalarFile(_FileBase):
    kind: Literal["scalar"]
    values: tuple[ScalarEntry, ...] = Field(min_length=1)


class ContributionFile(_FileBase):
    kind: Literal["contribution"]
    contribution: ContributionSpec
    values: tuple[ContributionEntry, ...] = Field(min_length=1)


class BaremeFile(_FileBase):
    kind: Literal["bareme"]
    threshold_unit: Unit
    values: tuple[BaremeEntry, ...] = Field(min_length=1)


class PolicyFile(_FileBase):
    kind: Literal["policy"]
    choices: dict[Identifier, NonEmptyText] = Field(min_length=1)
    values: tuple[PolicyEntry, ...] = Field(min_length=1)


ParameterFile = ScalarFile | ContributionFile | BaremeFile | PolicyFile

FILE_MODELS: dict[str, type[ScalarFile | ContributionFile | BaremeFile | PolicyFile]] = {
    "scalar": ScalarFile,
    "contribution": ContributionFile,
    "bareme": BaremeFile,
    "policy": PolicyFile,
}


class Coverage(_Strict):
    start: DateText = Field(alias="from")
    until: DateText


class TerritorySpec(_Strict):
    """Which parameters a territory uses, and what is assumed about it."""

    label: NonEmptyText
    smic: ParameterName
    deduction: ParameterName
    pas_taux_neutre: ParameterName
    pss: ParameterName = "pss/plafond_mensuel"
    outre_mer: bool = False
    assumptions: tuple[NonEmptyText, ...] = ()


class Revaluation(_Strict):
    """A revaluation certain to happen whose amount is not yet published (the SMIC each 1
    January): a provisional month past it gets a range up to ``up_to`` percent more."""

    parameter: ParameterName
    month: int = Field(ge=1, le=12, description="the month of the year it happens in")
    up_to: DecimalText = Field(description="the highest revaluation taken as a candidate, %")
    note: NonEmptyText
    sources: tuple[SourceRef, ...] = Field(min_length=1)


class Provisional(_Strict):
    """How a month past the coverage is estimated when a user asks for it (``provisional``)."""

    revaluations: tuple[Revaluation, ...] = ()


class Manifest(_Strict):
    """``rulesets/ruleset.yaml``: name, version, the period covered and the territories."""

    name: NonEmptyText
    version: NonEmptyText
    description: NonEmptyText | None = None
    coverage: Coverage
    bibliography: dict[Identifier, Source] = Field(default_factory=dict)
    territories: dict[Territory, TerritorySpec] = Field(min_length=1)
    provisional: Provisional = Provisional()
