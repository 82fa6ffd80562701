"""The wheel: built without a warning, with every ruleset file and nothing it should not ship,
and installable (CI also installs it in a fresh venv and runs it from another directory)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

pytest.importorskip("hatchling")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-build-isolation",
            "--no-deps",
            "-w",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    (path,) = out.glob("cesu_rules-*.whl")
    return path, done.stdout + done.stderr


def test_the_build_prints_no_warning(wheel: tuple[Path, str]) -> None:
    _, output = wheel
    lines = [line for line in output.splitlines() if "warning" in line.lower()]
    # pip itself may warn about this machine's package index configuration; the build may not.
    assert [line for line in lines if "Location" not in line] == []
    assert "would be ignored" not in output


def test_the_wheel_ships_every_ruleset_file_and_the_package_data(wheel: tuple[Path, str]) -> None:
    path, _ = wheel
    names = set(zipfile.ZipFile(path).namelist())
    rulesets = {
        "cesu_rules/rulesets/" + str(p.relative_to(ROOT / "rulesets"))
        for p in (ROOT / "rulesets").rglob("*.yaml")
    }
    assert rulesets, "no ruleset file found"
    assert rulesets <= names
    assert {"cesu_rules/py.typed", "cesu_rules/rulesets/ruleset.yaml"} <= names
    assert any(n.startswith("cesu_rules/data/wire/") and n.endswith(".yaml") for n in names)
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)
    metadata = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(path).read(metadata).decode()
    assert "Requires-Dist: pydantic" in text
