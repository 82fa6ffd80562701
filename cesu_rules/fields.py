"""Everything derived from the one declaration of the estimate's fields.

The inputs are declared once by :class:`~cesu_rules.calc.inputs.EstimateOptions` (with the
month), the outputs once by :class:`~cesu_rules.calc.estimate.Estimate`. From them:

* :data:`INPUT_FIELDS` / :data:`OUTPUT_FIELDS`: name, kind, unit, help and example of each;
* :data:`BATCH_INPUTS` / :data:`BATCH_OUTPUTS`: the columns of the batch engine;
* :class:`EstimateRequest` / :class:`EstimateResponse`: the pydantic models of the JSON wire
  format (JSON Schemas of ``cesu-rules schema``, the service's OpenAPI document);
* :func:`estimate_to_json`: the public JSON object of a result;
* :func:`markdown_tables`: the docs tables (a test keeps docs/estimate.md in step).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from ._cache import BoundedCache
from .calc.estimate import OUTPUTS, Estimate, Line, Out
from .calc.inputs import INPUTS, Spec
from .calc.messages import CHECKS, fail
from .errors import InputError
from .numbers import parse_bool, parse_decimal, parse_month
from .rules.schema import STATUSES

__all__ = [
    "BATCH_INPUTS",
    "BATCH_OUTPUTS",
    "INPUT_FIELDS",
    "OUTPUT_FIELDS",
    "EstimateRequest",
    "EstimateResponse",
    "LineModel",
    "SourceModel",
    "estimate_json",
    "estimate_to_json",
    "markdown_tables",
    "request_object",
    "request_options",
]

INPUT_FIELDS: tuple[tuple[str, Spec], ...] = INPUTS
OUTPUT_FIELDS: tuple[tuple[str, Out], ...] = OUTPUTS
BATCH_INPUTS: tuple[str, ...] = tuple(name for name, _ in INPUTS)
BATCH_OUTPUTS: tuple[str, ...] = tuple(name for name, out in OUTPUTS if out.batch)
_OPTION_NAMES = frozenset(name for name, _ in INPUTS if name != "month")


def estimate_json(
    data: object,
    ruleset: Any = None,
    *,
    where: str = "the request",
    ranges: bool = True,
    provisional: bool = False,
) -> dict[str, Any]:
    """The JSON of the estimate of a request already parsed from JSON (an object), with the
    CLI's messages: ``estimate --input``, ``--jsonl`` and the service all go through here."""
    from .api import estimate  # noqa: PLC0415 - api imports fields' siblings

    month, options = request_options(request_object(data, where))
    result = estimate(
        month,  # type: ignore[arg-type]
        ruleset=ruleset,
        ranges=ranges,
        provisional=provisional,
        **options,  # type: ignore[arg-type]
    )
    return estimate_to_json(result)


def request_object(data: object, where: str) -> Mapping[str, Any]:
    """A parsed JSON request, which must be an object (the one message when it is not)."""
    if not isinstance(data, Mapping):
        raise InputError(
            f"{where} must be a JSON object such as "
            '{"month": "2024-04", "hours": 10, "net_hourly": "12.00"}',
            code="invalid_json",
        )
    return data


def request_options(data: Mapping[str, Any]) -> tuple[object, dict[str, object]]:
    """(month, options) of a JSON request object, with the one message for a missing month
    or an unknown field; the values themselves are read by the estimate."""
    unknown = [name for name in data if name != "month" and name not in _OPTION_NAMES]
    if unknown:
        raise fail("unknown_input", value=unknown[0], known=", ".join(BATCH_INPUTS))
    if "month" not in data:
        raise fail("missing_input", value="month", example='"month": "2024-04"')
    options = {k: v for k, v in data.items() if k != "month"}
    return data["month"], options


# ---------------------------------------------------------------------------------------------
# The request model


def _reader(name: str, spec: Spec) -> Any:
    """A before-validator reading one input with the one parser (its messages)."""

    def read(value: Any) -> Any:
        if value is None:
            return None
        if spec.kind == "month":
            return f"{parse_month(value, field=name):%Y-%m}"
        if spec.kind == "decimal":
            return parse_decimal(value, field=name, example=spec.example, signed=spec.signed)
        if spec.kind == "flag":
            return parse_bool(value, field=name)
        if value not in spec.choices:
            raise fail("invalid_choice", field=name, value=value, known=", ".join(spec.choices))
        return value

    return read


def _request_type(name: str, spec: Spec) -> Any:
    base: Any
    if spec.kind == "month":
        base = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$")]
    elif spec.kind == "decimal":
        base = Decimal
    elif spec.kind == "flag":
        base = bool
    else:
        base = Literal[spec.choices]
    if not spec.required and spec.default is None:
        base = base | None
    return Annotated[base, BeforeValidator(_reader(name, spec))]


def _request_field(name: str, spec: Spec) -> Any:
    extra: dict[str, Any] | None = {"unit": spec.unit} if spec.unit else None
    default = ... if spec.required else spec.default
    if spec.kind == "decimal" and isinstance(default, int):
        default = Decimal(default)
    return (
        _request_type(name, spec),
        Field(default, description=spec.help, examples=[spec.example], json_schema_extra=extra),
    )


class _RequestBase(BaseModel):
    """One monthly estimate request (the JSON read by ``cesu-rules estimate --input -``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def run(self, ruleset: Any = None) -> Estimate:
        """Compute the estimate (raises the same errors as :func:`cesu_rules.estimate`)."""
        from .api import estimate  # noqa: PLC0415 - api imports fields' siblings

        values = self.model_dump()
        month = values.pop("month")
        return estimate(month, ruleset=ruleset, **values)


EstimateRequest: type[_RequestBase] = create_model(
    "EstimateRequest",
    __base__=_RequestBase,
    __doc__="One monthly estimate request (the JSON read by `cesu-rules estimate --input -`).",
    **{name: _request_field(name, spec) for name, spec in INPUTS},
)


# ---------------------------------------------------------------------------------------------
# The response model and the JSON form

Money = Annotated[str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["153.61"])]


class SourceModel(BaseModel):
    """Where a line's rate comes from: the ruleset parameter, its status, its first source."""

    parameter: str
    status: Literal[STATUSES]  # type: ignore[valid-type]
    title: str
    url: str | None = None
    legal: str | None = None


class LineModel(BaseModel):
    code: str
    label: str
    side: Literal["employee", "employer"]
    base: Money
    rate: str = Field(description="percent of the base, as a decimal string", examples=["6.90"])
    amount: Money
    source: SourceModel


class RangeModel(BaseModel):
    """A figure under the candidates of the values it rests on that are not confirmed."""

    low: Money
    high: Money
    by: dict[str, Money] = Field(description="the figure under each candidate that moves it")


_RESPONSE_TYPES: dict[str, Any] = {
    "text": str,
    "choice": str,
    "hours": str,
    "money": Money,
    "money?": Money | None,
    "percent?": str | None,
    "flag": bool,
    "lines": list[LineModel],
    "texts": list[str],
    "policies": dict[str, str],
    "ranges": dict[str, RangeModel],
}

EstimateResponse: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "EstimateResponse",
    __doc__="The JSON object of an estimate (`cesu-rules estimate --json`); keys are a public "
    "contract.",
    **{
        name: (
            _RESPONSE_TYPES[out.kind] if name != "pas_rate_source" else str | None,
            Field(description=out.help),
        )
        for name, out in OUTPUTS
    },
)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _line_json(line: Line) -> dict[str, Any]:
    return {
        "code": line.code,
        "label": line.label,
        "side": line.side,
        "base": _money(line.base),
        "rate": str(line.rate),
        "amount": _money(line.amount),
        "source": _source_json(line.parameter, line.status, line.sources),
    }


_SOURCES: BoundedCache[int, tuple[Any, dict[str, Any]]] = BoundedCache("line sources", 4096)


def _source_json(parameter: str, status: str, sources: tuple[Any, ...]) -> dict[str, Any]:
    """A line's source, built once per rule value (the same for every estimate of its
    months; kept by the identity of its sources, which the cache holds alive). Shared: the
    JSON encoders only read it."""
    found = _SOURCES.get(id(sources))
    if found is not None and found[0] is sources and found[1]["status"] == status:
        return found[1]
    first = sources[0]
    built = {
        "parameter": parameter,
        "status": status,
        "title": first.title,
        "url": first.url,
        "legal": next((s.legal for s in sources if s.legal), None),
    }
    _SOURCES.put(id(sources), (sources, built))
    return built


_JSON: dict[str, Callable[[Any], Any]] = {
    "text": lambda v: v,
    "choice": lambda v: v,
    "hours": str,
    "money": _money,
    "money?": lambda v: None if v is None else _money(v),
    "percent?": lambda v: None if v is None else str(v),
    "flag": lambda v: v,
    "lines": lambda v: [_line_json(line) for line in v],
    "texts": list,
    "policies": dict,
    "ranges": lambda v: {
        r.figure: {
            "low": _money(r.low),
            "high": _money(r.high),
            "by": {label: _money(value) for label, value in r.by},
        }
        for r in v
    },
}
_ENCODERS = tuple((i, _JSON[out.kind]) for i, (_, out) in enumerate(OUTPUTS))
_NAMES = tuple(name for name, _ in OUTPUTS)


def estimate_to_json(result: Estimate) -> dict[str, Any]:
    """The public JSON object of an estimate (see :class:`EstimateResponse`)."""
    return {name: encode(result[i]) for name, (i, encode) in zip(_NAMES, _ENCODERS, strict=True)}


# ---------------------------------------------------------------------------------------------
# Docs


def markdown_tables() -> str:
    """The input and output tables of docs/estimate.md (kept in step by a test)."""
    rows = ["| input | kind | unit | default | example | meaning |", "|---|---|---|---|---|---|"]
    for name, spec in INPUTS:
        kind = spec.kind if spec.kind != "choice" else "one of " + ", ".join(spec.choices)
        default = (
            "required" if spec.required else ("—" if spec.default is None else str(spec.default))
        )
        cells = (f"`{name}`", kind, spec.unit, default, f"`{spec.example}`", spec.help)
        rows.append("| " + " | ".join(cells) + " |")
    rows += ["", "| output | kind | batch column | meaning |", "|---|---|---|---|"]
    for name, out in OUTPUTS:
        rows.append(f"| `{name}` | {out.kind} | {'yes' if out.batch else ''} | {out.help} |")
    rows += ["", "| error code | input | message |", "|---|---|---|"]
    for check in CHECKS.values():
        rows.append(f"| `{check.code}` | {check.field or '(varies)'} | {check.template} |")
    return "\n".join(rows) + "\n"
