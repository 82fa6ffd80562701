"""Loading and validating a ruleset directory: the only code that reads ruleset files.

``load_ruleset()`` reads the rulesets shipped inside the package (``importlib.resources``, so
an installed copy works from any directory); ``load_ruleset(path)`` reads a user's directory.
Every file is checked (:mod:`.validation`), every problem of every file is collected, and a
:class:`~cesu_rules.errors.RulesetValidationError` lists them all with file, line and column.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Iterator, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import ValidationError

from ..errors import Problem, RulesetValidationError
from ._yaml import compose_document
from .reader import FileChecker
from .ruleset import Parameter, Ruleset
from .schema import FILE_MODELS, KINDS, Manifest, ParameterFile
from .validation import check_parameter_spec, check_set, check_spec

__all__ = [
    "MANIFEST_NAME",
    "Parameter",
    "Ruleset",
    "check_parameter_spec",
    "load_ruleset",
    "validate_ruleset",
]

MANIFEST_NAME = "ruleset.yaml"


# ---------------------------------------------------------------------------------------------
# Reading files


def _walk(root: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for child in sorted(root.iterdir(), key=lambda t: t.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            if not child.name.startswith((".", "_")):
                yield from _walk(child, rel + "/")
        elif child.name.endswith((".yaml", ".yml")):
            yield rel, child


def _shipped_root() -> Traversable:
    return resources.files("cesu_rules.rulesets")


def _parse_parameter(
    rel: str, text: str, problems: list[Problem]
) -> tuple[ParameterFile | None, FileChecker]:
    name = rel.rsplit(".", 1)[0]
    located, yaml_problems = compose_document(text)
    checker = FileChecker(rel, name, located)
    for yp in yaml_problems:
        checker.add_at(yp.line, yp.column, yp.message)
    spec: ParameterFile | None = None
    if located is not None and not yaml_problems:
        data = located.data
        if not isinstance(data, dict):
            checker.add((), "a parameter file must be a mapping with kind, label, unit, values")
        else:
            kind = data.get("kind")
            if kind not in KINDS:
                checker.add(
                    ("kind",),
                    f"'kind' must be one of {', '.join(KINDS)} (got {kind!r})",
                )
            else:
                model = FILE_MODELS[str(kind)]
                try:
                    spec = model.model_validate(data)
                except ValidationError as exc:
                    checker.pydantic(exc, model)
                else:
                    check_spec(spec, checker)
    problems.extend(checker.problems)
    return (spec if not checker.problems else None), checker


def _parse_manifest(
    text: str | None, problems: list[Problem]
) -> tuple[Manifest | None, FileChecker]:
    if text is None:
        checker = FileChecker(MANIFEST_NAME, "", None)
        checker.add_at(1, 1, "missing manifest: a ruleset directory needs a ruleset.yaml")
        problems.extend(checker.problems)
        return None, checker
    located, yaml_problems = compose_document(text)
    checker = FileChecker(MANIFEST_NAME, "", located)
    for yp in yaml_problems:
        checker.add_at(yp.line, yp.column, yp.message)
    manifest = None
    if located is not None and not yaml_problems:
        try:
            manifest = Manifest.model_validate(located.data)
        except ValidationError as exc:
            checker.pydantic(exc, Manifest)
    problems.extend(checker.problems)
    return manifest, checker


def _read_tree(root: Traversable) -> tuple[str | None, list[tuple[str, bytes]]]:
    manifest_text: str | None = None
    files: list[tuple[str, bytes]] = []
    for rel, item in _walk(root):
        data = item.read_bytes()
        files.append((rel, data))
        if rel == MANIFEST_NAME:
            manifest_text = data.decode("utf-8", errors="replace")
    return manifest_text, files


def _content_hash(files: Sequence[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for rel, data in sorted(files):
        digest.update(rel.encode() + b"\0" + data + b"\0")
    return "sha256:" + digest.hexdigest()


def _build(root: Traversable, origin: str) -> tuple[Ruleset | None, list[Problem]]:
    problems: list[Problem] = []
    manifest_text, files = _read_tree(root)
    manifest, manifest_checker = _parse_manifest(manifest_text, problems)
    parameters: dict[str, Parameter] = {}
    checkers: dict[str, FileChecker] = {}
    for rel, data in files:
        if rel == MANIFEST_NAME:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(rel, 1, 1, rel.rsplit(".", 1)[0], f"not UTF-8 text: {exc}"))
            continue
        spec, checker = _parse_parameter(rel, text, problems)
        checkers[checker.parameter] = checker
        if spec is not None:
            refs = {**(manifest.bibliography if manifest else {}), **spec.references}
            parameters[checker.parameter] = Parameter(
                checker.parameter,
                rel,
                spec,
                tuple(v.start for v in spec.values),
                types.MappingProxyType(refs),
            )
    if manifest is not None:
        check_set(manifest, manifest_checker, parameters, checkers, problems)
    if problems or manifest is None:
        return None, problems
    return Ruleset(manifest, types.MappingProxyType(parameters), _content_hash(files), origin), []


def validate_ruleset(path: str | Path | None = None) -> list[Problem]:
    """Every problem of the ruleset at ``path`` (default: the shipped one); empty when valid."""
    root, origin = _resolve(path)
    return _build(root, origin)[1]


def _resolve(path: str | Path | None) -> tuple[Traversable, str]:
    if path is None:
        return _shipped_root(), "package"
    p = Path(path)
    if not p.is_dir():
        raise RulesetValidationError(
            [Problem(str(p), 1, 1, "", "not a directory (give the folder holding ruleset.yaml)")]
        )
    return p, str(p)


def load_ruleset(path: str | Path | None = None) -> Ruleset:
    """Load and validate a ruleset directory (default: the rulesets shipped with the package).

    Raises :class:`~cesu_rules.errors.RulesetValidationError` listing every problem found.
    """
    root, origin = _resolve(path)
    ruleset, problems = _build(root, origin)
    if ruleset is None:
        raise RulesetValidationError(problems)
    return ruleset
