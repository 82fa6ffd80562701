"""Contract over every parameter file of the shipped ruleset (DESIGN.md, test layer 2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cesu_rules import NotInForceError, Ruleset, load_ruleset, rules_at
from cesu_rules.rules.registry import REQUIRED_PARAMETERS
from cesu_rules.rules.schema import STATUSES, TERRITORIES

from .strategies import all_months

SHIPPED = load_ruleset()
NAMES = sorted(SHIPPED.parameters)


def test_the_shipped_ruleset_has_a_version_and_a_content_hash(ruleset: Ruleset) -> None:
    assert ruleset.version
    assert ruleset.hash.startswith("sha256:")
    assert len(ruleset.hash) == len("sha256:") + 64
    assert ruleset.coverage == (date(2019, 1, 1), date(2026, 12, 31))


def test_every_required_parameter_is_present_with_its_kind_and_unit(ruleset: Ruleset) -> None:
    for name, (kind, unit) in REQUIRED_PARAMETERS.items():
        param = ruleset.parameter(name)
        assert (param.kind, param.unit) == (kind, unit), name


@pytest.mark.parametrize("name", NAMES)
def test_every_value_has_a_resolvable_source_and_a_valid_status(name: str) -> None:
    param = SHIPPED.parameter(name)
    for entry in param.values:
        assert entry.status in STATUSES
        sources = param.sources(entry)
        assert sources, f"{name} {entry.start}: no source"
        for source in sources:
            assert source.title.strip()
            assert source.url or source.legal
        if entry.status == "confirmed":
            assert len(sources) >= 2
        if entry.status == "assumed":
            assert entry.note
        if entry.status == "derived":
            assert entry.formula


@pytest.mark.parametrize("name", NAMES)
def test_lookup_on_each_start_date_and_the_day_before(name: str) -> None:
    param = SHIPPED.parameter(name)
    first = param.values[0]
    with pytest.raises(NotInForceError):
        param.at(first.start - timedelta(days=1))
    for previous, entry in zip(param.values, param.values[1:], strict=False):
        assert param.at(entry.start) is entry
        assert param.at(entry.start - timedelta(days=1)) is previous


@pytest.mark.parametrize("name", NAMES)
def test_every_parameter_covers_the_whole_ruleset_period(name: str) -> None:
    param = SHIPPED.parameter(name)
    start, until = SHIPPED.coverage
    assert param.values[0].start <= start
    assert param.values[-1].until is None or param.values[-1].until >= until
    param.at(until)  # does not raise


@pytest.mark.parametrize("territory", TERRITORIES)
def test_a_snapshot_resolves_for_every_month_of_the_coverage(
    ruleset: Ruleset, territory: str
) -> None:
    for month in all_months():
        if territory == "mayotte" and month < "2021-01":
            with pytest.raises(NotInForceError, match="smic/horaire_brut/mayotte"):
                rules_at(ruleset, month, territory)
            continue
        rules = rules_at(ruleset, month, territory)
        assert rules.smic_hourly.value > 0
        assert rules.lines, month
        employer = {line.code for line in rules.lines if line.side == "employer"}
        assert {"maladie", "vieillesse_plafonnee", "allocations_familiales"} <= employer
