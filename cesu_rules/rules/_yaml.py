"""Reading YAML text into plain data while keeping every position.

PyYAML's own constructors turn ``13.00`` into a float and silently keep the last of two
duplicate keys. Neither is acceptable for legal parameters, so this module stops at the
*node* level (``yaml.compose``) and builds the data itself:

* every scalar stays the exact text written in the file (a :class:`Text`, with its quoting
  style), so decimals are built from the text and never through ``float``;
* ``true``/``false``/``null`` (plain, unquoted) become ``True``/``False``/``None``;
* a duplicate key is reported with both lines;
* anchors, aliases and custom tags are refused: a parameter file is plain data.

The node tree is kept next to the data so that any validation error, addressed by a path of
keys and indexes, can be traced back to a line and a column.

Nothing here touches PyYAML's shared loader classes (no global ``add_constructor``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

try:  # libyaml's parser is several times faster; the pure-Python one gives the same nodes.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Located",
    "Text",
    "YamlProblem",
    "compose_document",
    "locate",
]

_PLAIN_CONSTANTS: dict[str, bool | None] = {
    "true": True,
    "false": False,
    "null": None,
    "~": None,
}

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:binary",
    "tag:yaml.org,2002:value",
}


class Text(str):
    """A scalar exactly as written in the YAML file.

    ``quoted`` is true when the author wrote it between quotes: ``rate: "13.00"`` is text that
    merely looks like a number, which the schema refuses for numeric fields.
    """

    quoted: bool

    def __new__(cls, value: str, *, quoted: bool = False) -> Text:
        obj = super().__new__(cls, value)
        obj.quoted = quoted
        return obj


@dataclass(frozen=True)
class YamlProblem:
    """One problem found while reading the YAML itself (1-based line and column)."""

    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Located:
    """The plain data of a document and its node tree, to find positions later."""

    data: Any
    node: yaml.Node | None


def _mark_position(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _position(node: yaml.Node) -> tuple[int, int]:
    return _mark_position(node.start_mark)


def _convert(node: yaml.Node, problems: list[YamlProblem]) -> Any:
    if node.tag not in _STANDARD_TAGS:
        line, col = _position(node)
        problems.append(YamlProblem(line, col, f"custom YAML tag {node.tag!r} is not allowed"))
    if isinstance(node, yaml.ScalarNode):
        quoted = node.style in ("'", '"')
        if not quoted and node.style not in ("|", ">"):
            if node.value in _PLAIN_CONSTANTS:
                return _PLAIN_CONSTANTS[node.value]
            if node.value == "":
                return None
        return Text(node.value, quoted=quoted)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, problems) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line, col = _position(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(YamlProblem(line, col, "mapping keys must be plain text"))
                continue
            if key_node.value == "<<":
                problems.append(YamlProblem(line, col, "YAML merge keys ('<<') are not allowed"))
                continue
            key = str(key_node.value)
            if key in first_seen:
                problems.append(
                    YamlProblem(
                        line,
                        col,
                        f"duplicate key {key!r} (first defined on line {first_seen[key]})",
                    )
                )
                continue
            first_seen[key] = line
            result[key] = _convert(value_node, problems)
        return result
    raise AssertionError(f"unexpected YAML node {node!r}")  # pragma: no cover


# Limits of a document: a ruleset file, a case, a household, a reform or a request is far
# smaller; anything larger is refused before it is built (a "billion laughs" file never
# expands: aliases are refused while the events are read, before any node is composed).
MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 500_000


def _event_problems(text: str) -> list[YamlProblem]:
    """What makes a document unsafe to build, found from its event stream alone: anchors and
    aliases, nesting deeper than MAX_DEPTH, more than MAX_NODES nodes. Stops at the first."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_Loader):
        line, column = _mark_position(event.start_mark)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return [
                YamlProblem(
                    line, column, "YAML anchors and aliases are not allowed: write the value out"
                )
            ]
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return [YamlProblem(line, column, f"nested deeper than {MAX_DEPTH} levels")]
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > MAX_NODES:
                return [YamlProblem(line, column, f"more than {MAX_NODES:,} values")]
    return []


def compose_document(text: str) -> tuple[Located | None, list[YamlProblem]]:
    """Parse ``text`` into plain data and its node tree.

    Returns ``(None, problems)`` when the text is not valid YAML, too large, nested too deep
    or uses anchors and aliases (refused before anything is built), otherwise the located
    data and the problems found while building it (duplicate keys, tags...). Never raises
    for bad input.
    """
    if len(text) > MAX_BYTES:
        return None, [YamlProblem(1, 1, f"the document is larger than {MAX_BYTES // 2**20} MiB")]
    try:
        problems = _event_problems(text)
        node = None if problems else _compose(text)
    except yaml.MarkedYAMLError as exc:
        return None, [_marked(exc)]
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked reader errors
        return None, [YamlProblem(1, 1, f"invalid YAML: {exc}")]
    if problems:
        return None, problems
    if node is None:
        return Located(None, None), []
    return Located(_convert(node, problems), node), problems


def _compose(text: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def _marked(exc: yaml.MarkedYAMLError) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
    return YamlProblem(line, col, f"invalid YAML: {message}")


def locate(
    node: yaml.Node | None, path: Sequence[str | int], *, key: bool = False
) -> tuple[int, int]:
    """Line and column (1-based) of the node at ``path``, or of its deepest existing parent.

    With ``key=True`` and a path ending on a mapping key, the position of the key itself.
    """
    if node is None:
        return 1, 1
    current = node
    position = _position(node)
    for index, part in enumerate(path):
        last = index == len(path) - 1
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                    if last and key:
                        return _position(key_node)
                    current = value_node
                    position = _position(current)
                    break
            else:
                return position
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(current.value):
                current = current.value[part]
                position = _position(current)
            else:
                return position
        else:
            return position
    return position
