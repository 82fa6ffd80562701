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

Modules: :mod:`._base` (configuration, limits, the error shape), :mod:`.app` (the
application, its middleware and error handlers), and one module of routes per area:
:mod:`.estimates`, :mod:`.households` (households, documents, checks), :mod:`.rulesets`
(rulesets and schemas), :mod:`.sandbox`.
"""

from __future__ import annotations

from ._base import (
    ERROR_CODES,
    TOKEN_VARIABLE,
    FastJSONResponse,
    ServiceConfig,
    ServiceError,
    check_binding,
)
from .app import create_app
from .estimates import EstimatesRequest, EstimatesResponse

__all__ = [
    "ERROR_CODES",
    "TOKEN_VARIABLE",
    "EstimatesRequest",
    "EstimatesResponse",
    "FastJSONResponse",
    "ServiceConfig",
    "ServiceError",
    "check_binding",
    "create_app",
]
