"""Reform overlays: parameter values overridden from a date, as data, on top of a ruleset.

An overlay is a small YAML file::

    label: Déduction forfaitaire à 1,50 € en 2026
    description: what-if, not the law
    overrides:
      deduction_forfaitaire/metropole:
        - {from: 2026-01-01, value: 1.50}
      cotisations/employeur/maladie:
        - {from: 2026-01-01, rate: 13.50}

Each overridden parameter keeps its shipped values before the first override date; the
override values replace everything from that date on. Entries use the ruleset schema
(``value`` / ``rate`` / ``monthly_cap`` / ``brackets`` / ``choice``, ``until``, ``note``);
sources are optional and the status defaults to ``assumed`` with the reform's label as
note, so every result computed with a reform says so in its warnings. The merged parameter
goes through the same validation as a shipped file. An overlay cannot execute anything.
"""

from __future__ import annotations

import hashlib
import json
import re
import types
import unicodedata
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import FileError, InputError, Problem
from .rules.loader import Parameter, Ruleset, check_parameter_spec
from .rules.reader import FileChecker, Loc, read_model, read_user_text
from .rules.schema import FILE_MODELS

__all__ = ["ReformError", "apply_reform", "load_reform", "with_values"]

_PAYLOAD_KEY = {"policy": "choice", "contribution": "rate", "scalar": "value"}


class ReformError(FileError):
    """A reform file is invalid; ``problems`` lists every problem with its place."""


class ReformFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1)
    description: str | None = None
    overrides: dict[str, list[dict[str, Any]]] = Field(min_length=1)


def load_reform(path: str | Path, base: Ruleset) -> Ruleset:
    """``base`` with the overrides of the reform file at ``path`` (raises ReformError)."""
    text = read_user_text(path, "reform")
    return apply_reform(text, base, where=str(path), raw=text.encode("utf-8"))


def apply_reform(
    text: str, base: Ruleset, *, where: str = "reform", raw: bytes | None = None
) -> Ruleset:
    if not isinstance(text, str):
        raise InputError(
            f"a reform is the text of a reform file (YAML), got a {type(text).__name__}",
            code="invalid_reform",
            field="reform",
        )
    if not isinstance(base, Ruleset):
        raise InputError(
            f"a reform applies to a Ruleset (cesu_rules.load_ruleset()), got a "
            f"{type(base).__name__}",
            code="invalid_ruleset",
            field="ruleset",
        )
    reform, checker = read_model(text, ReformFile, where)
    if reform is None:
        raise ReformError(checker.problems)
    parameters = dict(base.parameters)
    ascii_label = unicodedata.normalize("NFKD", reform.label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_label.lower()).strip("-")[:40] or "reform"
    default_source = {"title": f"reform overlay: {reform.label}", "legal": f"what-if ({where})"}
    for name, entries in reform.overrides.items():
        if name not in base.parameters:
            checker.add(
                ("overrides", name),
                f"unknown parameter {name!r}; `cesu-rules rulesets list` shows them all",
                key=True,
            )
            continue
        param = base.parameters[name]
        merged = _merge(
            param,
            entries,
            label=reform.label,
            default_source=default_source,
            checker=checker,
            name=name,
        )
        if merged is not None:
            parameters[name] = merged
    if checker.problems:
        raise ReformError(checker.problems)
    digest = hashlib.sha256(base.hash.encode() + b"\0" + (raw or text.encode())).hexdigest()
    manifest = base.manifest.model_copy(update={"version": f"{base.version}+{slug}"})
    return Ruleset(
        manifest, types.MappingProxyType(parameters), f"sha256:{digest}", f"{base.origin} + {where}"
    )


class _OverridesChecker(FileChecker):
    """Places the problems of a merged parameter on the user's own entries: ``values[k]`` of
    the merged list is ``overrides.<name>[k - kept]`` of the reform file (the kept shipped
    values come first)."""

    def __init__(self, outer: FileChecker, name: str, kept: int) -> None:
        super().__init__(outer.path, "", None)
        self.outer, self.name, self.kept = outer, name, kept
        self.problems = outer.problems

    def add(self, loc: Loc, message: str, *, key: bool = False) -> None:
        if len(loc) >= 2 and loc[0] == "values" and isinstance(loc[1], int):
            index = loc[1] - self.kept
            if index >= 0:
                self.outer.add(("overrides", self.name, index, *loc[2:]), message, key=key)
                return
            message = f"the shipped value #{loc[1] + 1} it keeps: {message}"
        self.outer.add(("overrides", self.name), message, key=key)

    def add_at(self, line: int, column: int, message: str) -> None:
        self.outer.add(("overrides", self.name), message)


def _merge(
    param: Parameter,
    entries: list[dict[str, Any]],
    *,
    label: str,
    default_source: dict[str, str],
    checker: FileChecker,
    name: str,
) -> Parameter | None:
    if not entries:
        checker.add(("overrides", name), "give at least one dated value")
        return None
    completed = []
    for entry in entries:
        data = {
            "status": "assumed",
            "note": f"reform: {label}",
            "sources": [default_source],
            **entry,
        }
        completed.append(data)
    model = FILE_MODELS[param.kind]
    base_data = param.spec.model_dump(by_alias=True, exclude_none=True)
    keep: list[Any] = []
    try:
        first = model.model_validate({**base_data, "values": completed}).values[0].start
        keep = [v for v in param.spec.values if v.start < first]
        spec = model.model_validate(
            {
                **base_data,
                "values": [v.model_dump(by_alias=True, exclude_none=True) for v in keep]
                + completed,
            }
        )
    except ValidationError as exc:
        _OverridesChecker(checker, name, len(keep)).pydantic(exc, model)
        return None
    placed = _OverridesChecker(checker, name, len(keep))
    if check_parameter_spec(spec, checker.path, name, placed):
        return None
    return Parameter(
        name, f"{param.path} + reform", spec, tuple(v.start for v in spec.values), param.references
    )


def with_values(base: Ruleset, values: Mapping[str, str], *, start: date, label: str) -> Ruleset:
    """``base`` with each named parameter set to one value from ``start``: a policy's choice,
    a contribution's rate or a scalar's value, written as text (``each_line``, ``1.12``).

    Used to say under which values a published figure is reproduced (regression cases'
    ``explained_by``) and to compute a figure under each candidate value (honest ranges).
    Raises :class:`ReformError` for an unknown parameter, a grid, or an invalid value.
    """
    problems = []
    lines = [f"label: {json.dumps(label)}", "overrides:"]
    for name, value in values.items():
        param = base.parameters.get(name)
        key = None if param is None else _PAYLOAD_KEY.get(param.kind)
        if param is None or key is None:
            what = (
                "unknown parameter"
                if param is None
                else f"a {param.kind} cannot be set to one value"
            )
            problems.append(Problem(label, 1, 1, name, what))
            continue
        lines.append(f"  {name}:")
        lines.append(f"    - {{from: {start.isoformat()}, {key}: {value}}}")
    if problems:
        raise ReformError(problems)
    return apply_reform("\n".join(lines) + "\n", base, where=label)
