"""Every ```python block of the README and docs/ runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    pytest.param(match.group(1), id=f"{page.name}:{text[: match.start()].count(chr(10)) + 1}")
    for page in PAGES
    for text in [page.read_text(encoding="utf-8")]
    for match in re.finditer(r"```python\n(.*?)```", text, re.DOTALL)
]


@pytest.mark.parametrize("code", BLOCKS)
def test_python_examples_run(code: str) -> None:
    exec(compile(code, "<doc>", "exec"), {"__name__": "__doc_example__"})
