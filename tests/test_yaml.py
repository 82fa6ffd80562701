"""Unit tests of the position-keeping YAML reader."""

from __future__ import annotations

from cesu_rules.rules._yaml import Text, compose_document, locate


def test_scalars_stay_the_text_written_in_the_file() -> None:
    located, problems = compose_document("a: 13.00\nb: '13.00'\nc: 1e3\nd: 0.1\n")
    assert not problems
    assert located is not None
    data = located.data
    assert data == {"a": "13.00", "b": "13.00", "c": "1e3", "d": "0.1"}
    assert isinstance(data["a"], Text)
    assert not data["a"].quoted
    assert data["b"].quoted


def test_plain_constants_become_python_values_but_quoted_ones_do_not() -> None:
    located, _ = compose_document("a: true\nb: 'true'\nc: null\nd:\n")
    assert located is not None
    assert located.data == {"a": True, "b": "true", "c": None, "d": None}


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    _, problems = compose_document("a: 1\nb: 2\na: 3\n")
    assert [(p.line, p.message) for p in problems] == [
        (3, "duplicate key 'a' (first defined on line 1)")
    ]


def test_invalid_yaml_gives_a_position_and_no_data() -> None:
    located, problems = compose_document("a: [1, 2\nb: 3\n")
    assert located is None
    assert len(problems) == 1
    assert problems[0].message.startswith("invalid YAML")
    assert problems[0].line >= 2


def test_custom_tags_are_refused() -> None:
    _, problems = compose_document("a: !!python/name:os.system x\n")
    assert problems
    assert "tag" in problems[0].message


def test_locate_follows_keys_and_indexes() -> None:
    located, _ = compose_document("values:\n  - from: 2019-01-01\n    rate: 2\n")
    assert located is not None
    assert locate(located.node, ("values", 0, "rate")) == (3, 11)
    assert locate(located.node, ("values", 0, "rate"), key=True) == (3, 5)
    # A path that goes nowhere stops at its deepest existing parent.
    assert locate(located.node, ("values", 5, "rate")) == (2, 3)
