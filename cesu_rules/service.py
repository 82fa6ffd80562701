"""The HTTP service (``cesu-rules serve``, the ``serve`` extra: FastAPI on uvicorn): the
engine for apps in any language, with an OpenAPI document generated from the same pydantic
models as the CLI. This module needs the extra (the CLI checks it before importing it).

Endpoints, all under ``/v1`` (see docs/service.md):

* ``GET /v1/health``; ``POST /v1/estimate`` (one request, the CLI's JSON);
  ``POST /v1/estimates`` (many: the figures of each, by the batch engine);
* ``POST /v1/household`` (a household file as JSON); ``POST /v1/check`` (a case file);
  ``POST /v1/documents/payslip`` and ``/v1/documents/tax-summary`` (PDF or HTML);
* ``GET /v1/rulesets``, ``/v1/rulesets/status``, ``/v1/rulesets/diff``,
  ``/v1/rulesets/parameters/{name}``; ``GET /v1/schemas/{name}``;
* ``POST /v1/sandbox/{mapping}/estimer``: the Urssaf wire format in and out (an offline
  stand-in for the Urssaf estimate, through the shipped mapping files).

Every response carries the ruleset in use (header ``X-Cesu-Ruleset``: version and hash).
Errors are data, in the one error shape of :mod:`cesu_rules.errors`:
``{"error": {"code", "message", "field", "value"}}`` — 400 for a body that is not JSON, 401
without the token, 404/405 for an unknown path or method, 413 for a body over the limit, 422
for a request the engine refuses, 503 when a computation runs out of time; never a 500 for a
user's mistake. The sandbox answers its errors as the Urssaf does (a JSON array of
``{code, message, description}``, HTTP 400).

Safety: the rulesets are those the server was started with (no request names a file or a
folder); bodies and arrays are limited; a bearer token is required when the server is not
bound to the loopback interface (:func:`check_binding`).

Size: above 400 lines because the endpoints, their error mapping and the server's limits
are one application object (FastAPI's), declared in one place.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from .errors import CesuRulesError, InputError
from .extras import require
from .fields import BATCH_INPUTS, EstimateRequest, EstimateResponse, estimate_json
from .rules.loader import Ruleset
from .rules.reader import parse_json

try:  # orjson writes a response ten times faster than json (the serve extra brings it)
    import orjson
except ImportError:  # pragma: no cover - without it, the standard library
    orjson = None  # type: ignore[assignment]


class FastJSONResponse(JSONResponse):
    """JSON responses written by orjson when it is there (the same bytes' meaning)."""

    def render(self, content: Any) -> bytes:
        if orjson is None:  # pragma: no cover
            return super().render(content)
        return orjson.dumps(content)


__all__ = [
    "ERROR_CODES",
    "EstimatesRequest",
    "ServiceConfig",
    "ServiceError",
    "check_binding",
    "create_app",
]

TOKEN_VARIABLE = "CESU_RULES_TOKEN"
DocumentFormat = Literal["pdf", "html"]
DocumentLang = Literal["fr", "en"]
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class ServiceError(CesuRulesError):
    """A request the service refuses before the engine sees it (size, token, path)."""

    default_code = "service_error"


@dataclass(frozen=True)
class ServiceConfig:
    """How a server runs: its rules, its token and its limits."""

    ruleset: Ruleset
    token: str | None = None
    max_body: int = 1 << 20  # bytes of one request's body
    max_batch_body: int = 64 << 20  # bytes of a /v1/estimates body
    max_rows: int = 200_000  # requests in one /v1/estimates body
    timeout: float = 30.0  # seconds of computation for one request


def check_binding(host: str, token: str | None) -> None:
    """Refuse to serve beyond the loopback interface without a token."""
    if host not in LOOPBACK and not token:
        raise ServiceError(
            f"serving on {host} (not the loopback interface) needs a token: set "
            f"{TOKEN_VARIABLE} to a long random secret; clients then send "
            "'Authorization: Bearer <token>'",
            code="token_required",
        )


# ---------------------------------------------------------------------------------------------
# Models of the array endpoint (documentation and validation of its shape)


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


# ---------------------------------------------------------------------------------------------
# The application


# The HTTP status of an error code (422 for every other refusal of the engine).
_STATUS = {
    "invalid_json": 400,
    "invalid_parameter": 422,
    "http_error": 400,
    "unauthorized": 401,
    "not_found": 404,
    "method_not_allowed": 405,
    "body_too_large": 413,
    "too_many_rows": 413,
    "timeout": 503,
}


ERROR_CODES = tuple(_STATUS)  # the codes only the service gives (docs/errors.md lists them)


class _Guard:
    """The token check and the ruleset stamp of every response, as a plain ASGI middleware
    (Starlette's ``BaseHTTPMiddleware`` costs about a fifth of a small request)."""

    def __init__(self, app: Any, *, token: str | None, stamp: bytes) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode() if token else None
        self.stamp = stamp

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def stamped(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                headers.append((b"x-cesu-ruleset", self.stamp))
                message = {**message, "headers": headers}
            await send(message)

        if self.expected is not None and scope["path"] != "/v1/health":
            given = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
            if not hmac.compare_digest(given, self.expected):
                response = _error(
                    ServiceError(
                        "missing or wrong token: send 'Authorization: Bearer <token>'",
                        code="unauthorized",
                    )
                )
                await response(scope, receive, stamped)
                return
        await self.app(scope, receive, stamped)


def _error(exc: CesuRulesError) -> Any:
    return FastJSONResponse({"error": exc.to_dict()}, status_code=_STATUS.get(exc.code, 422))


async def _body(request: Request, limit: int) -> str:
    """The request's body as text, refused past ``limit`` bytes (before reading it all)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ServiceError(
            f"the body has {int(declared):,} bytes, more than the {limit:,} allowed",
            code="body_too_large",
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ServiceError(f"the body is over {limit:,} bytes", code="body_too_large")
        chunks.append(chunk)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the body is not UTF-8 (byte {exc.start})", code="invalid_json") from None


def _json_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of an endpoint reading its JSON with the CLI's reader."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


def create_app(config: ServiceConfig) -> Any:  # noqa: PLR0915 - the routes, in one place
    """The ASGI application serving ``config``'s rules."""

    from . import __version__  # noqa: PLC0415

    ruleset = config.ruleset
    app = FastAPI(
        title="cesu-rules",
        version=__version__,
        description="The French Cesu déclaratif, computed offline line by line: estimates, "
        "households, rulesets, regression checks and an Urssaf sandbox. Ruleset "
        f"{ruleset.version}.",
        docs_url=None,  # no page loading scripts from elsewhere: /openapi.json is the document
        redoc_url=None,
    )
    stamp = f"{ruleset.version} {ruleset.hash}".encode()

    app.add_middleware(_Guard, token=config.token, stamp=stamp)

    @app.exception_handler(CesuRulesError)
    async def refused(_: Any, exc: CesuRulesError) -> Any:
        return _error(exc)

    @app.exception_handler(HTTPException)
    async def http_error(request: Any, exc: Any) -> Any:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        text = {
            404: f"no such endpoint: {request.url.path}; see /openapi.json",
            405: f"{request.method} is not allowed on {request.url.path}",
        }.get(exc.status_code, str(exc.detail))
        return FastJSONResponse(
            {"error": {"code": code, "message": text, "field": None, "value": None}},
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(_: Any, exc: Any) -> Any:
        first = exc.errors()[0]
        field = ".".join(str(x) for x in first["loc"][1:]) or None
        return FastJSONResponse(
            {
                "error": {
                    "code": "invalid_parameter",
                    "message": f"{field}: {first['msg']}",
                    "field": field,
                    "value": None if first.get("input") is None else str(first["input"])[:60],
                }
            },
            status_code=422,
        )

    async def compute(fn: Callable[[], Any]) -> Any:
        """Run a computation off the event loop, within the time limit."""
        try:
            return await asyncio.wait_for(run_in_threadpool(fn), config.timeout)
        except TimeoutError:
            raise ServiceError(
                f"the computation took more than {config.timeout:g} s; send fewer rows",
                code="timeout",
            ) from None

    # -- health and estimates ------------------------------------------------------------------

    @app.get("/v1/health", tags=["service"])
    async def health() -> dict[str, Any]:
        """Whether the service runs, and with which engine and rules."""
        start, until = ruleset.coverage
        return {
            "status": "ok",
            "engine_version": __version__,
            "ruleset_version": ruleset.version,
            "ruleset_hash": ruleset.hash,
            "coverage": {"from": f"{start:%Y-%m}", "to": f"{until:%Y-%m}"},
        }

    @app.post(
        "/v1/estimate",
        tags=["estimates"],
        openapi_extra=_json_body(EstimateRequest),
        responses={200: {"model": EstimateResponse}},
    )
    async def estimate_one(request: Request, ranges: bool = True, provisional: bool = False) -> Any:
        """One month, line by line: the JSON of `cesu-rules estimate --json`."""
        data = parse_json(await _body(request, config.max_body), "the body")
        return FastJSONResponse(
            estimate_json(data, ruleset, where="the body", ranges=ranges, provisional=provisional)
        )

    @app.post(
        "/v1/estimates",
        tags=["estimates"],
        openapi_extra=_json_body(EstimatesRequest),
        responses={200: {"model": EstimatesResponse}},
    )
    async def estimate_many(request: Request, provisional: bool = False) -> Any:
        """Many estimates at once by the batch engine (the same cents): the figures of each,
        column by column, and the refusals with their row index."""
        text = await _body(request, config.max_batch_body)
        return FastJSONResponse(
            await compute(lambda: _estimates(text, ruleset, config, provisional=provisional))
        )

    # -- households and checks -----------------------------------------------------------------

    from .checks import Case  # noqa: PLC0415
    from .household import HouseholdFile  # noqa: PLC0415

    @app.post("/v1/household", tags=["households"], openapi_extra=_json_body(HouseholdFile))
    async def household(request: Request) -> Any:
        """A household file (JSON): every month, the shared 70+ cap, PAS, the tax credit and
        the yearly summary — the JSON of `cesu-rules household --json`."""
        from .household import compute_household, household_from_text  # noqa: PLC0415
        from .household_report import report_to_json  # noqa: PLC0415

        text = await _body(request, config.max_body)

        def run() -> Any:
            found = household_from_text(text, "the body", is_json=True)
            return report_to_json(compute_household(found, ruleset, source="the body"))

        return FastJSONResponse(await compute(run))

    @app.post(
        "/v1/documents/payslip",
        tags=["documents"],
        openapi_extra=_json_body(HouseholdFile),
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}, "text/html": {}}}},
    )
    async def payslip(
        request: Request,
        month: str = Query(..., examples=["2026-06"]),
        employee: str = Query(..., examples=["aide"]),
        format: DocumentFormat = "pdf",
        lang: DocumentLang = "fr",
    ) -> Any:
        """An employee's payslip for one month of a household file (JSON body), as PDF or
        HTML (the documents extra) — `cesu-rules payslip`."""
        from .documents import payslip as make  # noqa: PLC0415
        from .numbers import parse_month  # noqa: PLC0415

        parse_month(month, field="month")  # refused before the body is read
        text = await _body(request, config.max_body)
        return await _document(
            text,
            format,
            lambda found: make(
                found, month, employee, lang=lang, ruleset=ruleset, source="the body"
            ),
        )

    @app.post(
        "/v1/documents/tax-summary",
        tags=["documents"],
        openapi_extra=_json_body(HouseholdFile),
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}, "text/html": {}}}},
    )
    async def tax_summary(
        request: Request,
        year: str = Query(..., examples=["2026"]),
        format: DocumentFormat = "pdf",
        lang: DocumentLang = "fr",
    ) -> Any:
        """A household's tax summary (récapitulatif fiscal) for one year of a household file
        (JSON body), as PDF or HTML (the documents extra) — `cesu-rules tax-summary`."""
        from .documents import tax_summary as make  # noqa: PLC0415
        from .numbers import parse_year  # noqa: PLC0415

        parse_year(year)  # refused before the body is read
        text = await _body(request, config.max_body)
        return await _document(
            text,
            format,
            lambda found: make(found, year, lang=lang, ruleset=ruleset, source="the body"),
        )

    async def _document(text: str, kind: str, make: Callable[[Any], Any]) -> Response:
        from .documents import render  # noqa: PLC0415
        from .household import household_from_text  # noqa: PLC0415

        def run() -> bytes:
            return render(make(household_from_text(text, "the body", is_json=True)), kind)

        body = await compute(run)
        media = "application/pdf" if kind == "pdf" else "text/html; charset=utf-8"
        return Response(content=body, media_type=media)

    @app.post("/v1/check", tags=["checks"], openapi_extra=_json_body(Case))
    async def check(request: Request) -> Any:
        """A regression case (JSON): the engine's figures compared with the expected ones."""
        from .checks import CheckReport, case_from_text, run_case  # noqa: PLC0415
        from .checks_report import report_to_json  # noqa: PLC0415
        from .errors import FileError  # noqa: PLC0415

        text = await _body(request, config.max_body)
        case, problems = case_from_text(text, "the body", is_json=True)
        if case is None:
            raise FileError(problems)
        result = await compute(lambda: run_case(case, Path("the body"), ruleset))
        return FastJSONResponse(report_to_json(CheckReport([result])))

    # -- rulesets and schemas ------------------------------------------------------------------

    @app.get("/v1/rulesets", tags=["rulesets"])
    async def rulesets_list() -> Any:
        """Every parameter and its latest value."""
        from .rules.inspect import list_json  # noqa: PLC0415

        return FastJSONResponse(list_json(ruleset))

    @app.get("/v1/rulesets/status", tags=["rulesets"])
    async def rulesets_status() -> Any:
        """How sure the rules are: the values not confirmed by two sources, and what they
        touch."""
        from .rules.inspect import status_report  # noqa: PLC0415

        return FastJSONResponse(status_report(ruleset).json())

    @app.get("/v1/rulesets/diff", tags=["rulesets"])
    async def rulesets_diff(
        from_month: str = Query(..., alias="from", examples=["2025-12"]),
        to_month: str = Query(..., alias="to", examples=["2026-01"]),
    ) -> Any:
        """What changed between two months."""
        from .rules.inspect import diff_json  # noqa: PLC0415

        return FastJSONResponse(diff_json(ruleset, from_month, to_month))

    @app.get("/v1/rulesets/parameters/{name:path}", tags=["rulesets"])
    async def rulesets_show(name: str, at: str | None = None) -> Any:
        """A parameter's values and sources (the one in force in month `at` when given)."""
        from .rules.inspect import show_json  # noqa: PLC0415

        return FastJSONResponse(show_json(ruleset, name, at))

    @app.get("/v1/schemas/{name}", tags=["schemas"])
    async def schema(name: str) -> Any:
        """The JSON Schema of a public format: estimate-input, estimate-output, check-case,
        household, wire-mapping."""
        from .cli.schema import SCHEMAS, schema_model  # noqa: PLC0415

        if name not in SCHEMAS:
            raise ServiceError(
                f"no schema {name!r}; choose one of: {', '.join(SCHEMAS)}",
                code="not_found",
                field="name",
                value=name,
            )
        return FastJSONResponse(schema_model(name).model_json_schema())

    # -- the Urssaf sandbox --------------------------------------------------------------------

    @app.post("/v1/sandbox/{mapping}/estimer", tags=["sandbox"])
    async def sandbox(mapping: str, request: Request, month: str | None = None) -> Any:
        """The Urssaf estimate, offline: a request in the wire format of the mapping file
        (`urssaf-paje-1.0.0`: the fields of the API Tierce Déclaration), answered in the same
        format. `month` defaults to the current month; the inputs the wire does not carry
        (`paid_leave`, `exemption`, `cesu_plus`, `pas_rate`…) may be given as query
        parameters."""
        return await _sandbox(mapping, request, month, ruleset, config)

    return app


# ---------------------------------------------------------------------------------------------
# The endpoints' work


def _estimates(
    text: str, ruleset: Ruleset, config: ServiceConfig, *, provisional: bool
) -> dict[str, Any]:
    """/v1/estimates: the body read, the rows computed by the batch engine."""
    pa: Any = require("pyarrow", "serve", "the array endpoint")
    from .batch import OUTPUT_COLUMNS  # noqa: PLC0415
    from .stream import compute_table  # noqa: PLC0415
    from .tables import output_name  # noqa: PLC0415

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


async def _sandbox(
    name: str, request: Any, month: str | None, ruleset: Ruleset, config: ServiceConfig
) -> Any:
    """The Urssaf estimate in its own format: errors as a JSON array, HTTP 400."""
    from .api import estimate  # noqa: PLC0415
    from .wire import load_mapping, request_to_inputs  # noqa: PLC0415

    shipped = Path(__file__).parent / "data" / "wire"
    names = sorted(p.stem for p in shipped.glob("*.yaml"))
    if name not in names:
        raise ServiceError(
            f"no mapping {name!r}; the shipped mappings are: {', '.join(names)}",
            code="not_found",
            field="mapping",
            value=name,
        )
    mapping = load_mapping(shipped / f"{name}.yaml")
    try:
        data = parse_json(await _body(request, config.max_body), "the body")
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
