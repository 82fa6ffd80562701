"""Shared fixtures: the shipped ruleset (loaded once) and writable copies of it."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from cesu_rules import Ruleset, clear_caches, load_ruleset

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _fresh_caches() -> None:
    """Each test session starts with empty caches: a session run in a forked process (as
    mutation testing does) computes its own plans instead of reusing its parent's."""
    clear_caches()


@pytest.fixture(scope="session")
def ruleset() -> Ruleset:
    return load_ruleset()


@pytest.fixture
def ruleset_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped ruleset directory."""
    source = resources.files("cesu_rules.rulesets")
    target = tmp_path / "rulesets"
    with resources.as_file(source) as src:
        shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target
