"""The estimate endpoints: ``POST /v1/estimate`` (one, the CLI's JSON) and
``POST /v1/estimates`` (many, by the batch engine: rows or columns)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from ..errors import InputError
from ..extras import require
from ..fields import BATCH_INPUTS, EstimateRequest, EstimateResponse, estimate_json
from ..rules.loader import Ruleset
from ..rules.reader import parse_json
from ._base import Context, FastJSONResponse, ServiceConfig, ServiceError, json_body, read_body

__all__ = ["EstimatesRequest", "EstimatesResponse", "routes"]


class EstimatesRequest(BaseModel):
    """Many estimates at once: ``requests`` (objects, as /v1/estimate takes) or ``columns``
    (one list per input, the fastest), not both."""

    model_config = ConfigDict(extra="forbid")

    requests: list[dict[str, Any]] | None = Field(
        None, description="one object per estimate, the fields of /v1/estimate"
    )
    columns: dict[str, list[Any]] | None = Field(
        None, description="one list per input, all of the same length"
    )


class EstimatesResponse(BaseModel):
    """The figures of each estimate, column by column (null where a row is refused), and the
    refusals with their row index."""

    ruleset_version: str
    ruleset_hash: str
    count: int
    failed: int
    figures: dict[str, list[str | None]]
    errors: list[dict[str, Any]]


def routes(ctx: Context) -> APIRouter:
    """The estimate endpoints of an application."""
    router = APIRouter()
    ruleset = ctx.ruleset

    @router.post(
        "/v1/estimate",
        tags=["estimates"],
        openapi_extra=json_body(EstimateRequest),
        responses={200: {"model": EstimateResponse}},
    )
    async def estimate_one(request: Request, ranges: bool = True, provisional: bool = False) -> Any:
        """One month, line by line: the JSON of `cesu-rules estimate --json`."""
        data = parse_json(await read_body(request, ctx.config.max_body), "the body")
        return FastJSONResponse(
            estimate_json(data, ruleset, where="the body", ranges=ranges, provisional=provisional)
        )

    @router.post(
        "/v1/estimates",
        tags=["estimates"],
        openapi_extra=json_body(EstimatesRequest),
        responses={200: {"model": EstimatesResponse}},
    )
    async def estimate_many(request: Request, provisional: bool = False) -> Any:
        """Many estimates at once by the batch engine (the same cents): the figures of each,
        column by column, and the refusals with their row index."""
        text = await read_body(request, ctx.config.max_batch_body)
        return FastJSONResponse(
            await ctx.compute(
                lambda: _estimates(text, ruleset, ctx.config, provisional=provisional)
            )
        )

    return router


def _estimates(
    text: str, ruleset: Ruleset, config: ServiceConfig, *, provisional: bool
) -> dict[str, Any]:
    """/v1/estimates: the body read, the rows computed by the batch engine."""
    pa: Any = require("pyarrow", "serve", "the array endpoint")
    from ..batch import OUTPUT_COLUMNS  # noqa: PLC0415
    from ..stream import compute_table  # noqa: PLC0415
    from ..tables import output_name  # noqa: PLC0415

    data = parse_json(text, "the body", limit=config.max_batch_body)
    if not isinstance(data, dict):
        raise InputError(
            'the body must be a JSON object: {"requests": [...]} or {"columns": {...}}',
            code="invalid_json",
        )
    body = EstimatesRequest.model_validate(data) if set(data) <= {"requests", "columns"} else None
    if body is None or (body.requests is None) == (body.columns is None):
        raise InputError(
            'give either "requests" (a list of objects) or "columns" (a list per input)',
            code="invalid_json",
        )
    columns = _columns(body)
    rows = len(next(iter(columns.values()))) if columns else 0
    if rows > config.max_rows:
        raise ServiceError(
            f"{rows:,} requests in one body, more than the {config.max_rows:,} allowed",
            code="too_many_rows",
        )
    table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    out = compute_table(table, ruleset, provisional=provisional)
    codes = out.column("error_code").to_pylist()
    messages = out.column("error").to_pylist()
    errors = [
        {"index": i, "code": c, "message": m}
        for i, (c, m) in enumerate(zip(codes, messages, strict=True))
        if c
    ]
    return {
        "ruleset_version": ruleset.version,
        "ruleset_hash": ruleset.hash,
        "count": rows,
        "failed": len(errors),
        "figures": {
            name: out.column(output_name(name)).cast(pa.string()).to_pylist()
            for name in OUTPUT_COLUMNS
        },
        "errors": errors,
    }


def _columns(body: EstimatesRequest) -> dict[str, list[str | None]]:
    """The inputs as columns of text (numbers as written: read exactly by the engine)."""
    known = set(BATCH_INPUTS)
    if body.columns is not None:
        unknown = sorted(set(body.columns) - known)
        if unknown:
            raise InputError(
                f"unknown input {unknown[0]!r}; the inputs are {', '.join(BATCH_INPUTS)}",
                code="unknown_input",
                field=unknown[0],
            )
        lengths = {len(v) for v in body.columns.values()}
        if len(lengths) > 1:
            raise InputError(
                "every column must have the same length (got "
                f"{', '.join(str(n) for n in sorted(lengths))})",
                code="invalid_json",
            )
        return {k: [_text(v) for v in values] for k, values in body.columns.items()}
    requests = body.requests or []
    names = sorted({k for r in requests for k in r})
    unknown = [n for n in names if n not in known]
    if unknown:
        index = next(i for i, r in enumerate(requests) if unknown[0] in r)
        raise InputError(
            f"requests[{index}]: unknown input {unknown[0]!r}; the inputs are "
            f"{', '.join(BATCH_INPUTS)}",
            code="unknown_input",
            field=unknown[0],
        )
    return {n: [_text(r.get(n)) for r in requests] for n in names}


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
