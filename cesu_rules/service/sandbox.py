"""The offline Urssaf sandbox: ``POST /v1/sandbox/{mapping}/estimer`` takes a request in the
Urssaf wire format of a shipped mapping file and answers in the same format (a development and
CI stand-in for the Urssaf estimate; see docs/service.md for its limits)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request

from ..errors import CesuRulesError, InputError
from ..fields import BATCH_INPUTS
from ..rules.loader import Ruleset
from ..rules.reader import parse_json
from ._base import Context, FastJSONResponse, ServiceConfig, ServiceError, read_body

__all__ = ["routes"]

# The shipped mapping files (cesu_rules/data/wire/), listed once: they are package data.
_MAPPINGS = Path(__file__).resolve().parent.parent / "data" / "wire"
_NAMES = tuple(sorted(p.stem for p in _MAPPINGS.glob("*.yaml")))


def routes(ctx: Context) -> APIRouter:
    """The sandbox endpoint of an application."""
    router = APIRouter()
    ruleset = ctx.ruleset

    @router.post("/v1/sandbox/{mapping}/estimer", tags=["sandbox"])
    async def sandbox(mapping: str, request: Request, month: str | None = None) -> Any:
        """The Urssaf estimate, offline: a request in the wire format of the mapping file
        (`urssaf-paje-1.0.0`: the fields of the API Tierce Déclaration), answered in the same
        format. `month` defaults to the current month; the inputs the wire does not carry
        (`paid_leave`, `exemption`, `cesu_plus`, `pas_rate`…) may be given as query
        parameters."""
        return await _sandbox(mapping, request, month, ruleset, ctx.config)

    return router


async def _sandbox(
    name: str, request: Any, month: str | None, ruleset: Ruleset, config: ServiceConfig
) -> Any:
    """The Urssaf estimate in its own format: errors as a JSON array, HTTP 400."""
    from ..api import estimate  # noqa: PLC0415
    from ..wire import load_mapping, request_to_inputs  # noqa: PLC0415

    if name not in _NAMES:
        raise ServiceError(
            f"no mapping {name!r}; the shipped mappings are: {', '.join(_NAMES)}",
            code="not_found",
            field="mapping",
            value=name,
        )
    mapping = load_mapping(_MAPPINGS / f"{name}.yaml")
    try:
        data = parse_json(await read_body(request, config.max_body), "the body")
        if not isinstance(data, dict):
            raise InputError("the body must be a JSON object", code="invalid_json")
        inputs = request_to_inputs(mapping, data)
        for key, value in request.query_params.items():
            if key == "month":
                continue
            if key not in BATCH_INPUTS or key in inputs:
                raise InputError(
                    f"unknown query parameter {key!r}: the wire's inputs come in the body; "
                    "the others are "
                    + ", ".join(n for n in BATCH_INPUTS if n not in inputs and n != "month"),
                    code="unknown_input",
                    field=key,
                )
            inputs[key] = value
        when = month or f"{date.today():%Y-%m}"
        provisional = False
        if month is None and date.today() > ruleset.coverage[1]:
            provisional = True  # today is after the rules: the latest values carried forward
        result = estimate(when, ruleset=ruleset, ranges=False, provisional=provisional, **inputs)
    except ServiceError:
        raise
    except CesuRulesError as exc:
        wire_error = {"code": exc.code, "message": exc.message, "description": exc.field or ""}
        return FastJSONResponse([wire_error], status_code=400)
    body: dict[str, Any] = {
        wire: float(getattr(result, engine)) for wire, engine in mapping.response.items()
    }
    if "erreursNonBloquantes" in mapping.ignore:
        body["erreursNonBloquantes"] = []
    headers = {"X-Cesu-Month": result.month}
    if result.provisional:
        headers["X-Cesu-Provisional"] = "true"
    return FastJSONResponse(body, headers=headers)
