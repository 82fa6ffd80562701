"""``cesu-rules schema``: the JSON Schemas of the public formats."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from pydantic import BaseModel

from ._common import EXIT_OK

__all__ = ["SCHEMAS", "add_parser", "run", "schema_model"]

SCHEMAS = ("estimate-input", "estimate-output", "check-case", "household", "wire-mapping")


def add_parser(commands: Any) -> None:
    schema = commands.add_parser("schema", help="JSON Schemas of the public formats")
    schema.add_argument("which", choices=list(SCHEMAS))


def schema_model(name: str) -> type[BaseModel]:
    """The pydantic model of a public format (the less common ones imported on use)."""
    from ..checks import Case  # noqa: PLC0415
    from ..fields import EstimateRequest, EstimateResponse  # noqa: PLC0415
    from ..household import HouseholdFile  # noqa: PLC0415
    from ..wire import WireMapping  # noqa: PLC0415

    models: dict[str, type[BaseModel]] = {
        "estimate-input": EstimateRequest,
        "estimate-output": EstimateResponse,
        "check-case": Case,
        "household": HouseholdFile,
        "wire-mapping": WireMapping,
    }
    return models[name]


def run(args: argparse.Namespace, out: TextIO) -> int:
    json.dump(schema_model(args.which).model_json_schema(), out, ensure_ascii=False, indent=2)
    out.write("\n")
    return EXIT_OK
