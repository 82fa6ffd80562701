"""Preparing next year's rulesets for a maintainer to fill and source.

``prepare_year(ruleset_dir, 2027, out)`` copies a ruleset directory and, in each parameter that
changes from year to year (the SMIC, the ceilings, the PAS grids, every parameter whose value
moved in the last two covered years), appends an entry dated 1 January of the new year that
carries the latest value forward, marked ``assumed`` with a "to fill" note; the manifest's
coverage is extended to the end of that year and its version marked as a draft. The copy is
valid as it is (so the engine can already be run on it), and ``cesu-rules rulesets status``
on it lists every entry left to fill. See docs/rulesets.md, "The year ahead".
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from ..errors import OutputError
from .inspect import payload_text
from .loader import MANIFEST_NAME, load_ruleset
from .ruleset import Parameter
from .schema import BaremeEntry, ContributionEntry, Entry, PolicyEntry, ScalarEntry

__all__ = ["Prepared", "prepare_year"]

# Parameters revalued every year whatever moved lately (their name starts with these).
_YEARLY = ("smic/", "pss/", "pas/taux_neutre/")


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare_year` wrote: the directory and the entries to fill."""

    directory: Path
    year: int
    entries: tuple[tuple[str, str], ...]  # (parameter, the value carried)


def _payload(entry: Entry) -> list[str]:
    """The YAML lines of an entry's payload, indented for a values list item."""
    if isinstance(entry, ScalarEntry):
        return [f"    value: {entry.value}"]
    if isinstance(entry, ContributionEntry):
        out = [f"    rate: {entry.rate}"]
        if entry.monthly_cap is not None:
            out.append(f"    monthly_cap: {entry.monthly_cap}")
        return out
    if isinstance(entry, BaremeEntry):
        out = ["    brackets:"]
        out.extend(
            f"      - {{threshold: {b.threshold}, rate: {b.rate}}}" for b in entry.brackets or ()
        )
        return out
    assert isinstance(entry, PolicyEntry)
    return [f"    choice: {entry.choice}"]


def _sources(param: Parameter, entry: Entry) -> list[str]:
    out = ["    sources:"]
    for source in entry.sources:
        if isinstance(source, str):
            out.append(f"      - {source}")
        else:
            resolved = param.sources(entry)[entry.sources.index(source)]
            out.append(f"      - title: {_quoted(resolved.title)}")
            if resolved.url:
                out.append(f"        url: {resolved.url}")
            if resolved.legal:
                out.append(f"        legal: {_quoted(resolved.legal)}")
    return out


def _quoted(text: str) -> str:
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _moves_yearly(param: Parameter, last_year: int) -> bool:
    if param.name.startswith(_YEARLY):
        return True
    return any(e.start.year >= last_year - 1 for e in param.values if e.start.year <= last_year)


def prepare_year(source: str | Path | None, year: int, out: str | Path) -> Prepared:
    """Copy the ruleset directory ``source`` (None: the shipped one) to ``out`` with the
    entries of ``year`` to fill. Raises :class:`~cesu_rules.errors.OutputError` when ``out``
    exists, and the ruleset's errors when ``source`` is invalid."""
    target = Path(out)
    if target.exists():
        raise OutputError(f"{target} exists; give a new directory", field=str(target))
    ruleset = load_ruleset(source)
    last_year = ruleset.coverage[1].year
    if year != last_year + 1:
        raise OutputError(
            f"the rulesets end in {last_year}: prepare {last_year + 1}, not {year}",
            field="year",
            value=str(year),
        )
    new_start = date(year, 1, 1)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent or None))
    try:
        tree = staging / "rulesets"
        if source is None:
            with resources.as_file(resources.files("cesu_rules.rulesets")) as shipped:
                shutil.copytree(shipped, tree, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        else:
            shutil.copytree(source, tree, ignore=shutil.ignore_patterns("__pycache__"))
        entries = []
        for param in sorted(ruleset.parameters.values(), key=lambda p: p.name):
            latest = param.values[-1]
            if latest.start >= new_start or latest.until is not None:
                continue  # already has the year (or ends): nothing to carry
            if not _moves_yearly(param, last_year):
                continue
            lines = [
                f"  - from: {new_start.isoformat()}",
                *(["    not_applicable: true"] if latest.not_applicable else _payload(latest)),
                "    status: assumed",
                "    note: >-",
                f"      TO FILL for {year}: the value of {latest.start.isoformat()} carried "
                f"forward until the {year} value is published; replace it, set the status "
                "and the sources, then run cesu-rules rulesets validate.",
                *_sources(param, latest),
            ]
            path = tree / param.path
            text = path.read_text(encoding="utf-8").rstrip("\n")
            path.write_text(text + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
            entries.append((param.name, payload_text(param, latest)))
        manifest = tree / MANIFEST_NAME
        text = manifest.read_text(encoding="utf-8")
        text = text.replace(
            f"until: {ruleset.coverage[1].isoformat()}", f"until: {year}-12-31", 1
        ).replace(f"version: {ruleset.version}", f"version: {year}.01.0-draft", 1)
        manifest.write_text(text, encoding="utf-8")
        load_ruleset(tree)  # the draft must be valid as it is
        tree.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Prepared(target, year, tuple(entries))
