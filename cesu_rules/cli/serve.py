"""``cesu-rules serve``: the HTTP service (the ``serve`` extra: FastAPI on uvicorn)."""

from __future__ import annotations

import argparse
import json
import os
import signal
from typing import Any, TextIO

from ._common import EXIT_OK, add_reform_option, add_rulesets_option, rulesets_for

__all__ = ["add_parser", "app_from_environment", "run"]

_CONFIG_VARIABLE = "CESU_RULES_SERVE_ARGS"  # how a worker process gets the server's options


def add_parser(commands: Any) -> None:
    serve = commands.add_parser(
        "serve",
        help="the HTTP service (estimates, households, rulesets, checks, an Urssaf sandbox)",
        description="Serve the engine over HTTP (see docs/service.md). Binds 127.0.0.1 unless "
        "--host says otherwise; any other address needs a token in CESU_RULES_TOKEN, which "
        "clients send as 'Authorization: Bearer <token>'. The OpenAPI document is at "
        "/openapi.json.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (default 1; one per core)"
    )
    serve.add_argument(
        "--max-body", type=int, default=1 << 20, metavar="BYTES", help="largest body of a request"
    )
    serve.add_argument(
        "--max-rows", type=int, default=200_000, help="most estimates in one /v1/estimates body"
    )
    serve.add_argument(
        "--timeout", type=float, default=30.0, metavar="SECONDS", help="longest computation"
    )
    add_rulesets_option(serve)
    add_reform_option(serve)


def _config(args: argparse.Namespace) -> Any:
    from ..extras import require  # noqa: PLC0415

    require("fastapi", "serve", "the service")
    require("uvicorn", "serve", "the service")
    from ..service import TOKEN_VARIABLE, ServiceConfig  # noqa: PLC0415 - the serve extra

    ruleset, _ = rulesets_for(args)
    return ServiceConfig(
        ruleset,
        token=os.environ.get(TOKEN_VARIABLE) or None,
        max_body=args.max_body,
        max_rows=args.max_rows,
        timeout=args.timeout,
    )


def app_from_environment() -> Any:
    """The application of a worker process (``--workers`` > 1), from the server's options."""
    from ..service import create_app  # noqa: PLC0415
    from . import build_parser  # noqa: PLC0415

    args = build_parser().parse_args(["serve", *json.loads(os.environ[_CONFIG_VARIABLE])])
    return create_app(_config(args))


def run(args: argparse.Namespace, argv: list[str], err: TextIO) -> int:
    config = _config(args)
    import uvicorn  # noqa: PLC0415 - the serve extra, checked by _config

    from ..service import check_binding, create_app  # noqa: PLC0415

    check_binding(args.host, config.token)
    err.write(
        f"cesu-rules: serving on http://{args.host}:{args.port} (ruleset "
        f"{config.ruleset.version}, {args.workers} worker(s)); OpenAPI at /openapi.json\n"
    )
    err.flush()
    # uvicorn stops gracefully on SIGTERM and SIGINT (in-flight requests finish).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    options = {"host": args.host, "port": args.port, "log_level": "warning", "access_log": False}
    if args.workers > 1:
        # A JSON list: an environment variable cannot hold the NUL a join would need.
        os.environ[_CONFIG_VARIABLE] = json.dumps(argv[argv.index("serve") + 1 :])
        uvicorn.run(
            "cesu_rules.cli.serve:app_from_environment",
            factory=True,
            workers=args.workers,
            **options,
        )
    else:
        uvicorn.run(create_app(config), **options)
    return EXIT_OK
