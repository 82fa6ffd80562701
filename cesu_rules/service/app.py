"""The application: FastAPI with the token check and ruleset stamp (a plain ASGI middleware),
the error handlers that give every refusal the one error shape, ``/v1/health``, and the routes
of each area."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from ..errors import CesuRulesError
from . import estimates, households, rulesets, sandbox
from ._base import Context, FastJSONResponse, ServiceConfig, ServiceError, error_response

__all__ = ["create_app"]


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
                response = error_response(
                    ServiceError(
                        "missing or wrong token: send 'Authorization: Bearer <token>'",
                        code="unauthorized",
                    )
                )
                await response(scope, receive, stamped)
                return
        await self.app(scope, receive, stamped)


def create_app(config: ServiceConfig) -> Any:
    """The ASGI application serving ``config``'s rules."""

    from .. import __version__  # noqa: PLC0415

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
        return error_response(exc)

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

    context = Context(ruleset, config, compute)
    for area in (estimates, households, rulesets, sandbox):
        app.include_router(area.routes(context))
    return app
