"""What every part of the service shares: its configuration and limits, the JSON response,
the error shape and HTTP statuses, reading a body within its limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Request
from pydantic import BaseModel
from starlette.responses import JSONResponse

from ..errors import CesuRulesError, InputError
from ..rules.loader import Ruleset

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


def error_response(exc: CesuRulesError) -> Any:
    return FastJSONResponse({"error": exc.to_dict()}, status_code=_STATUS.get(exc.code, 422))


async def read_body(request: Request, limit: int) -> str:
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


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of an endpoint reading its JSON with the CLI's reader."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


@dataclass(frozen=True)
class Context:
    """What the routes of an application share: its rules, its limits, and ``compute`` (a
    computation run off the event loop within the time limit)."""

    ruleset: Ruleset
    config: ServiceConfig
    compute: Callable[[Callable[[], Any]], Awaitable[Any]]
