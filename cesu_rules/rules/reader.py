"""Reading a user's YAML or JSON file into a pydantic model, with every problem's place.

Shared by the ruleset loader and every reader of a user's file (regression cases, households,
reforms, scenarios, mapping files), so that all of them report ``file:line:column`` the same
way. :data:`Amount` is the decimal of such a file, read by the one number parser.
"""

from __future__ import annotations

import json
import re
import sys
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, TextIO, TypeVar

from pydantic import BaseModel, BeforeValidator, ValidationError

from ..errors import InputError, Problem
from ..numbers import parse_decimal
from ._yaml import MAX_BYTES, MAX_DEPTH, Located, compose_document, locate

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Amount",
    "FileChecker",
    "Loc",
    "parse_json",
    "read_model",
    "read_user_text",
]

Loc = tuple[str | int, ...]


def _amount(value: Any) -> Decimal:
    return parse_decimal(value, field="", example="153.61", signed=True)


# A decimal amount in a user's file (regression cases, households): a plain decimal with at
# most two decimals, read from its text.
Amount = Annotated[Decimal, BeforeValidator(_amount)]


def _format_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The pydantic model class reached by following ``loc`` from ``model``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        found = None
        for fname, finfo in current.model_fields.items():
            if part in (fname, finfo.alias):
                found = finfo.annotation
                break
        if found is None:
            return None
        current = _unwrap_model(found)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, tuple, list, dict, typing.Annotated):
        for arg in typing.get_args(annotation):
            inner = _unwrap_model(arg)
            if inner is not None:
                return inner
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return sorted(f.alias or n for n, f in model.model_fields.items())


class FileChecker:
    """Collects the problems of one file with their positions."""

    def __init__(self, path: str, parameter: str, located: Located | None) -> None:
        self.path = path
        self.parameter = parameter
        self.node = located.node if located is not None else None
        self.problems: list[Problem] = []

    def add(self, loc: Loc, message: str, *, key: bool = False) -> None:
        line, column = locate(self.node, loc, key=key)
        where = _format_loc(loc)
        text = f"{where}: {message}" if where else message
        self.problems.append(Problem(self.path, line, column, self.parameter, text))

    def add_at(self, line: int, column: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, column, self.parameter, message))

    def pydantic(self, exc: ValidationError, model: type[BaseModel]) -> None:
        errors = exc.errors(include_url=False)
        failed = [tuple(e["loc"]) for e in errors if e["type"] != "too_short"]
        for error in errors:
            here = tuple(error["loc"])
            if error["type"] == "too_short" and any(
                len(f) > len(here) and f[: len(here)] == here for f in failed
            ):
                continue  # "too short after validation" only echoes an item's own error
            # Drop the tags pydantic adds for tagged unions ("<inline>", "<key>").
            loc: Loc = tuple(
                p for p in error["loc"] if not (isinstance(p, str) and p.startswith("<"))
            )
            kind = error["type"]
            if kind == "extra_forbidden":
                parent = _model_at(model, loc[:-1])
                allowed = f" (allowed here: {', '.join(_field_names(parent))})" if parent else ""
                self.add(loc, f"unknown key {loc[-1]!r}{allowed}", key=True)
            elif kind == "missing":
                line, column = locate(self.node, loc[:-1])
                where = _format_loc(loc[:-1])
                prefix = f"{where}: " if where else ""
                self.add_at(line, column, f"{prefix}missing required key {loc[-1]!r}")
            else:
                message = str(error["msg"]).removeprefix("Value error, ")
                self.add(loc, message)


M = TypeVar("M", bound=BaseModel)


def read_user_text(path: str | Path, what: str, stdin: TextIO | None = None) -> str:
    """The text of a user's file (``-``: ``stdin``, default the process's standard input),
    at most MAX_BYTES of UTF-8.

    Raises :class:`~cesu_rules.errors.InputError` naming the file: missing, unreadable, too
    large (checked before reading), not UTF-8 (with the byte where it fails).
    """
    if str(path) == "-":
        text = (stdin or sys.stdin).read(MAX_BYTES + 1)
        if len(text) > MAX_BYTES:
            raise InputError(
                f"stdin: the {what} is more than {MAX_BYTES // 2**20} MiB",
                code="file_too_large",
                field="stdin",
            )
        return text
    where = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"{where}: the {what} is {size:,} bytes, more than the {MAX_BYTES // 2**20} "
                "MiB a file of this kind may hold",
                code="file_too_large",
                field=where,
            )
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read the {what} {where}: {exc.strerror}",
            code="unreadable_file",
            field=where,
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: the {what} is not UTF-8 text (byte {exc.start + 1})",
            code="not_utf8",
            field=where,
        ) from None


def _depth_problem(text: str) -> tuple[int, int] | None:
    """The (line, column) where a JSON text nests deeper than MAX_DEPTH, outside strings."""
    depth = 0
    in_string = escaped = False
    line, column = 1, 0
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, column
        elif char in "]}":
            depth -= 1
    return None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKeyError(key)
        seen[key] = value
    return seen


class _DuplicateKeyError(ValueError):
    pass


def _plain_number(text: str) -> Decimal:
    """A JSON number with a fraction or an exponent: exact, and written in full (the rule of
    every number a user gives: no exponent)."""
    if "e" in text or "E" in text:
        raise ValueError(f"{text} is written with an exponent; write the number in full")
    return Decimal(text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows; write a plain decimal")


def parse_json(text: str, where: str, *, limit: int = MAX_BYTES) -> Any:
    """A JSON document, read safely: at most ``limit`` characters and MAX_DEPTH levels,
    duplicate keys refused (as in YAML), numbers kept exact as Decimal (never a float, never
    a 5 000-digit integer conversion), NaN and Infinity refused.

    Raises :class:`~cesu_rules.errors.InputError` with the line and column when known.
    """
    if len(text) > limit:
        raise InputError(
            f"{where}: more than {_size(limit)} of JSON",
            code="file_too_large",
            field=where,
        )
    try:
        data = json.loads(
            text,
            parse_float=_plain_number,
            parse_int=Decimal,
            parse_constant=_no_constant,
            object_pairs_hook=_no_duplicates,
        )
    except RecursionError:
        data = _TOO_DEEP
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON in {where} at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            code="invalid_json",
            field=where,
        ) from None
    except _DuplicateKeyError as exc:
        raise InputError(
            f"invalid JSON in {where}: duplicate key {exc.args[0]!r}",
            code="invalid_json",
            field=where,
        ) from None
    except ValueError as exc:
        raise InputError(
            f"invalid JSON in {where}: {exc}", code="invalid_json", field=where
        ) from None
    # Depth: only a document with that many brackets can be too deep; the position is then
    # found by scanning the text (the slow path of a refusal only).
    if data is _TOO_DEEP or (
        text.count("[") + text.count("{") > MAX_DEPTH and _deeper_than(data, MAX_DEPTH)
    ):
        line, column = _depth_problem(text) or (1, 1)
        raise InputError(
            f"invalid JSON in {where} at line {line}, column {column}: nested deeper than "
            f"{MAX_DEPTH} levels",
            code="invalid_json",
            field=where,
        )
    return data


_TOO_DEEP = object()


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether a parsed JSON value nests more than ``limit`` arrays and objects."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _size(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit % 2**20 == 0 else f"{limit:,} characters"


def read_model(
    text: str, model: type[M], where: str, *, is_json: bool = False
) -> tuple[M | None, FileChecker]:
    """Parse a YAML (or JSON) document into ``model``; the checker holds every problem.

    JSON is checked with the json module first (for its own error positions), then read with
    the YAML reader like YAML, so that numbers stay the text written and every problem of
    the validation gets a line and a column. Returns ``(None, checker)`` on any problem.
    """
    if is_json:
        try:
            parse_json(text, where)
        except InputError as exc:
            checker = FileChecker(where, "", None)
            position = re.search(r"at line (\d+), column (\d+): (.*)$", exc.message)
            if position:
                line, column = int(position.group(1)), int(position.group(2))
                checker.add_at(line, column, f"invalid JSON: {position.group(3)}")
            else:
                checker.add_at(1, 1, exc.message.removeprefix(f"invalid JSON in {where}: "))
            return None, checker
    located, yaml_problems = compose_document(text)
    checker = FileChecker(where, "", located)
    for problem in yaml_problems:
        checker.add_at(problem.line, problem.column, problem.message)
    if located is None or yaml_problems:
        return None, checker
    if not isinstance(located.data, dict):
        checker.add_at(1, 1, f"expected a mapping of keys ({', '.join(model.model_fields)})")
        return None, checker
    try:
        return model.model_validate(located.data), checker
    except ValidationError as exc:
        checker.pydantic(exc, model)
        return None, checker
