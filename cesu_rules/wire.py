"""The one adapter between the engine and the Urssaf wire format (field names as data).

A *mapping file* (YAML) says which wire field carries which engine input or output; the
default one (``cesu_rules/data/wire/urssaf-paje-1.0.0.yaml``) uses the names of the public
PAJE swagger. With the real Cesu swagger, a user writes a new mapping file: no code change.

* :func:`request_to_inputs`: a saved wire request → estimate inputs;
* :func:`response_to_expected`: a saved wire response → expected engine figures;
* :func:`inputs_to_request`: an engine estimate → the request payload to replay against
  the sandbox (hours become the wire's integer as the mapping says, and the caller is told).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .calc.estimate import Estimate
from .errors import FileError, InputError
from .fields import BATCH_OUTPUTS as OUTPUT_COLUMNS
from .numbers import parse_decimal
from .rules.reader import read_model, read_user_text
from .rules.schema import TERRITORIES

__all__ = [
    "COMPARABLE_FIELDS",
    "DEFAULT_MAPPING",
    "WireMapping",
    "inputs_to_request",
    "load_mapping",
    "request_to_inputs",
    "response_to_expected",
    "territory_of_postal_code",
]

DEFAULT_MAPPING = "urssaf-paje-1.0.0.yaml"

# Engine output fields a wire response (or a case) can be compared with.
COMPARABLE_FIELDS = (*OUTPUT_COLUMNS, "exemption_cap")

RequestField = Literal[
    "net_monthly", "hours", "employer_postal_code", "employee_postal_code", "net_hourly"
]


class MappingError(FileError):
    """A mapping file is invalid; ``problems`` lists every problem with its place."""


class _RequestMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    net_monthly: str | None = None
    net_hourly: str | None = None
    hours: str
    employer_postal_code: str | None = None
    employee_postal_code: str | None = None
    constants: dict[str, str] = Field(default_factory=dict)


class WireMapping(BaseModel):
    """A mapping file: which wire field carries which engine input or output."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str | None = None
    source: dict[str, str] = Field(default_factory=dict)
    request: _RequestMapping
    hours_rounding: Literal["half_up", "up", "refuse"] = "half_up"
    response: dict[str, str]
    ignore: tuple[str, ...] = ()
    postal_codes: dict[str, str] = Field(default_factory=dict)

    @field_validator("response")
    @classmethod
    def _known_targets(cls, value: dict[str, str]) -> dict[str, str]:
        for wire, engine in value.items():
            if engine not in COMPARABLE_FIELDS:
                raise ValueError(
                    f"{wire!r} maps to {engine!r}, which is not an engine output; "
                    f"use one of: {', '.join(COMPARABLE_FIELDS)}"
                )
        return value

    @field_validator("postal_codes")
    @classmethod
    def _known_territories(cls, value: dict[str, str]) -> dict[str, str]:
        for territory in value:
            if territory not in TERRITORIES:
                raise ValueError(
                    f"unknown territory {territory!r}; use one of: {', '.join(TERRITORIES)}"
                )
        return value


def load_mapping(path: str | Path | None = None) -> WireMapping:
    """The mapping file at ``path``, or the shipped default. Raises MappingError."""
    if path is None or str(path) == "default":
        text = (
            resources.files("cesu_rules.data")
            .joinpath("wire", DEFAULT_MAPPING)
            .read_text(encoding="utf-8")
        )
        where = f"(default) {DEFAULT_MAPPING}"
    else:
        text = read_user_text(path, "mapping file")
        where = str(path)
    mapping, checker = read_model(text, WireMapping, where)
    if mapping is None:
        raise MappingError(checker.problems)
    return mapping


def territory_of_postal_code(code: str) -> str:
    """The territory of a French postal code (Alsace-Moselle: 57, 67, 68)."""
    code = code.strip()
    if len(code) != 5 or not code.isdigit():
        raise InputError(
            f"a postal code has 5 digits, such as 75011 (got {code!r})",
            code="invalid_postal_code",
            value=code,
        )
    overseas = {
        "971": "guadeloupe",
        "972": "martinique",
        "973": "guyane",
        "974": "reunion",
        "976": "mayotte",
    }
    if code[:3] in overseas:
        return overseas[code[:3]]
    if code[:2] in ("57", "67", "68"):
        return "alsace_moselle"
    return "metropole"


def _decimal(value: Any, field: str) -> Decimal:
    """A number of the wire, read with the one number parser."""
    return parse_decimal(value, field=f"wire field {field}", example="126.00")


def request_to_inputs(mapping: WireMapping, request: dict[str, Any]) -> dict[str, Any]:
    """Engine inputs (for :class:`~cesu_rules.EstimateRequest`) from a wire request.

    The territory comes from the employer's postal code (assumption: the employer's
    residence decides the outre-mer deduction and the Alsace-Moselle regime).
    """
    req = mapping.request
    inputs: dict[str, Any] = {}
    hours_field = req.hours
    if hours_field not in request:
        raise InputError(f"the wire request has no {hours_field!r} (hours)", code="invalid_wire")
    inputs["hours"] = _decimal(request[hours_field], hours_field)
    wages = [(name, getattr(req, name)) for name in ("net_monthly", "net_hourly")]
    given = [(name, wire) for name, wire in wages if wire is not None and wire in request]
    if len(given) != 1:
        names = " or ".join(wire for _, wire in wages if wire is not None)
        raise InputError(
            f"the wire request needs exactly one wage field ({names})", code="invalid_wire"
        )
    name, wire = given[0]
    inputs[name] = _decimal(request[wire], wire)
    for postal in (req.employer_postal_code, req.employee_postal_code):
        if postal is not None and postal in request:
            inputs["territory"] = territory_of_postal_code(str(request[postal]))
            break
    return inputs


def response_to_expected(
    mapping: WireMapping, response: dict[str, Any]
) -> tuple[dict[str, Decimal], list[str]]:
    """Expected engine figures from a wire response, and the wire fields not compared
    (those the mapping ignores, then unknown ones, each list sorted)."""
    expected: dict[str, Decimal] = {}
    ignored: list[str] = []
    unknown: list[str] = []
    for wire, value in response.items():
        engine = mapping.response.get(wire)
        if engine is None:
            (ignored if wire in mapping.ignore else unknown).append(wire)
            continue
        amount = _decimal(value, wire)
        previous = expected.get(engine)
        if previous is not None and previous != amount:
            raise InputError(
                f"the wire response gives two values for {engine}: {previous} and {amount} "
                f"({wire})",
                code="invalid_wire",
            )
        expected[engine] = amount
    return expected, sorted(ignored) + [f"{w} (unknown to the mapping)" for w in sorted(unknown)]


def inputs_to_request(
    mapping: WireMapping, result: Estimate, *, postal_code: str | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The wire request replaying ``result``'s inputs, and notes on what was adapted.

    Money is sent as JSON numbers with two decimals (a float is exact for cents); hours as
    the wire's integer, rounded as the mapping says.
    """
    notes: list[str] = []
    req = mapping.request
    hours = result.hours
    whole = hours.to_integral_value(rounding=ROUND_HALF_UP)
    if whole != hours:
        if mapping.hours_rounding == "refuse":
            raise InputError(
                f"the wire takes whole hours; {hours} h cannot be sent as is",
                code="hours_not_whole",
                field="hours",
                value=hours,
            )
        if mapping.hours_rounding == "up":
            whole = hours.to_integral_value(rounding="ROUND_CEILING")
        notes.append(f"{req.hours}: {hours} h sent as {whole} (the wire takes whole hours)")
    payload: dict[str, Any] = {req.hours: int(whole)}
    if req.net_monthly is not None:
        payload[req.net_monthly] = float(result.net)
    elif req.net_hourly is not None:
        payload[req.net_hourly] = float(result.net_hourly)
    code = postal_code or mapping.postal_codes.get(result.territory)
    if code is not None:
        if territory_of_postal_code(code) != result.territory:
            raise InputError(
                f"postal code {code} is not in {result.territory}",
                code="invalid_postal_code",
                value=code,
            )
        for field in (req.employer_postal_code, req.employee_postal_code):
            if field is not None:
                payload[field] = code
    payload.update(req.constants)
    return payload, notes
