"""The ruleset endpoints (``GET /v1/rulesets``, ``/status``, ``/diff``, ``/parameters/…``)
and the JSON Schemas of the public formats (``GET /v1/schemas/{name}``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from ._base import Context, FastJSONResponse, ServiceError

__all__ = ["routes"]


def routes(ctx: Context) -> APIRouter:
    """The ruleset and schema endpoints of an application."""
    router = APIRouter()
    ruleset = ctx.ruleset

    @router.get("/v1/rulesets", tags=["rulesets"])
    async def rulesets_list() -> Any:
        """Every parameter and its latest value."""
        from ..rules.inspect import list_json  # noqa: PLC0415

        return FastJSONResponse(list_json(ruleset))

    @router.get("/v1/rulesets/status", tags=["rulesets"])
    async def rulesets_status() -> Any:
        """How sure the rules are: the values not confirmed by two sources, and what they
        touch."""
        from ..rules.inspect import status_report  # noqa: PLC0415

        return FastJSONResponse(status_report(ruleset).json())

    @router.get("/v1/rulesets/diff", tags=["rulesets"])
    async def rulesets_diff(
        from_month: str = Query(..., alias="from", examples=["2025-12"]),
        to_month: str = Query(..., alias="to", examples=["2026-01"]),
    ) -> Any:
        """What changed between two months."""
        from ..rules.inspect import diff_json  # noqa: PLC0415

        return FastJSONResponse(diff_json(ruleset, from_month, to_month))

    @router.get("/v1/rulesets/parameters/{name:path}", tags=["rulesets"])
    async def rulesets_show(name: str, at: str | None = None) -> Any:
        """A parameter's values and sources (the one in force in month `at` when given)."""
        from ..rules.inspect import show_json  # noqa: PLC0415

        return FastJSONResponse(show_json(ruleset, name, at))

    @router.get("/v1/schemas/{name}", tags=["schemas"])
    async def schema(name: str) -> Any:
        """The JSON Schema of a public format: estimate-input, estimate-output, check-case,
        household, wire-mapping."""
        from ..cli.schema import SCHEMAS, schema_model  # noqa: PLC0415

        if name not in SCHEMAS:
            raise ServiceError(
                f"no schema {name!r}; choose one of: {', '.join(SCHEMAS)}",
                code="not_found",
                field="name",
                value=name,
            )
        return FastJSONResponse(schema_model(name).model_json_schema())

    return router
