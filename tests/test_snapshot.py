"""Resolution of the rules in force for a month and territory."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cesu_rules import InputError, NotInForceError, Ruleset, parse_month, rules_at


def test_parse_month() -> None:
    assert parse_month("2024-04") == date(2024, 4, 1)
    assert parse_month(date(2024, 4, 17)) == date(2024, 4, 1)
    for bad in ("2024-4", "2024-13", "24-04", "april", ""):
        with pytest.raises(InputError, match="YYYY-MM"):
            parse_month(bad)


@pytest.mark.parametrize(
    ("month", "smic"),
    [
        ("2019-01", "10.03"),
        ("2021-09", "10.25"),
        ("2021-10", "10.48"),
        ("2024-10", "11.65"),
        ("2024-11", "11.88"),
        ("2025-12", "11.88"),
        ("2026-05", "12.02"),
        ("2026-06", "12.31"),
    ],
)
def test_smic_changes_on_its_start_dates(ruleset: Ruleset, month: str, smic: str) -> None:
    assert rules_at(ruleset, month).smic_hourly.value == Decimal(smic)


def test_months_outside_the_coverage_are_refused_with_the_range(ruleset: Ruleset) -> None:
    for month in ("2018-12", "2027-01"):
        with pytest.raises(NotInForceError, match="cover 2019-01 to 2026-12"):
            rules_at(ruleset, month)


def test_unknown_territory_lists_the_known_ones(ruleset: Ruleset) -> None:
    with pytest.raises(InputError, match="unknown territory 'corse'; choose one of: metropole"):
        rules_at(ruleset, "2024-04", "corse")


def test_alsace_moselle_has_its_local_health_line_and_metropole_does_not(
    ruleset: Ruleset,
) -> None:
    local = [
        line
        for line in rules_at(ruleset, "2024-04", "alsace_moselle").lines
        if line.code == "maladie_alsace_moselle"
    ]
    assert [line.rate_percent for line in local] == [Decimal("1.30")]
    assert rules_at(ruleset, "2022-03", "alsace_moselle").lines
    assert [
        line.rate_percent
        for line in rules_at(ruleset, "2022-03", "alsace_moselle").lines
        if line.code == "maladie_alsace_moselle"
    ] == [Decimal("1.50")]
    assert "maladie_alsace_moselle" not in {
        line.code for line in rules_at(ruleset, "2024-04", "metropole").lines
    }


def test_the_health_at_work_contribution_exists_from_2025_with_its_cap(ruleset: Ruleset) -> None:
    def cst(month: str) -> list[tuple[Decimal, Decimal | None]]:
        return [
            (line.rate_percent, line.monthly_cap)
            for line in rules_at(ruleset, month).lines
            if line.code == "sante_au_travail"
        ]

    assert cst("2024-12") == []
    assert cst("2025-01") == [(Decimal("2.70"), Decimal("5.00"))]


def test_deduction_depends_on_the_territory(ruleset: Ruleset) -> None:
    assert rules_at(ruleset, "2024-04").deduction_hourly.value == Decimal("2.00")
    assert rules_at(ruleset, "2024-04").deduction_relief == "deduction"
    assert rules_at(ruleset, "2024-04", "martinique").deduction_hourly.value == Decimal("3.70")
    assert rules_at(ruleset, "2024-04", "martinique").deduction_relief == "deduction_outre_mer"
    assert rules_at(ruleset, "2020-04", "reunion").deduction_hourly.value == Decimal("5.70")
    assert rules_at(ruleset, "2025-01", "reunion").deduction_hourly.value == Decimal("3.70")


def test_pas_grid_starts_in_2020_and_the_2025_grid_on_1_may(ruleset: Ruleset) -> None:
    assert not rules_at(ruleset, "2019-12").pas_applies
    assert rules_at(ruleset, "2020-01").pas_grid[1].threshold == Decimal(1418)
    assert rules_at(ruleset, "2025-04").pas_grid[1].threshold == Decimal(1591)
    assert rules_at(ruleset, "2025-05").pas_grid[1].threshold == Decimal(1620)
    assert rules_at(ruleset, "2026-04").pas_grid[1].threshold == Decimal(1620)
    assert rules_at(ruleset, "2026-05").pas_grid[1].threshold == Decimal(1635)
    assert rules_at(ruleset, "2026-05", "guyane").pas_grid[1].threshold == Decimal(2008)


def test_rates_are_fractions_built_from_the_text(ruleset: Ruleset) -> None:
    rules = rules_at(ruleset, "2024-04")
    employee = {line.code: line.rate for line in rules.lines if line.side == "employee"}
    assert employee["csg_deductible"] == Decimal("0.068")
    assert rules.csg_base_share.value == Decimal("98.25")


def test_snapshots_are_cached_and_frozen(ruleset: Ruleset) -> None:
    first = rules_at(ruleset, "2024-04")
    assert rules_at(ruleset, "2024-04") is first
    with pytest.raises(AttributeError):
        first.territory = "mayotte"  # type: ignore[misc]


def test_months_under_the_same_values_share_them_and_order_does_not_matter() -> None:
    """A snapshot is built from each dated value once (Parameter.memo): two months under
    the same values share the very objects, and a ruleset whose snapshots are built in
    another order gives equal snapshots."""
    from cesu_rules import default_ruleset  # noqa: PLC0415
    from cesu_rules.rules.loader import load_ruleset  # noqa: PLC0415

    shared = default_ruleset()
    february, march = rules_at(shared, "2024-02"), rules_at(shared, "2024-03")
    assert february.smic_hourly is march.smic_hourly
    assert february.lines == march.lines
    assert all(a is b for a, b in zip(february.lines, march.lines, strict=True))
    assert rules_at(shared, "2025-01").smic_hourly is not february.smic_hourly  # revalued
    fresh = load_ruleset()
    months = [f"{y}-{m:02d}" for y in range(2019, 2027) for m in range(1, 13)]
    for territory in ("metropole", "alsace_moselle", "reunion", "guyane"):
        backwards = {m: rules_at(fresh, m, territory) for m in reversed(months)}
        for month in months:
            assert rules_at(shared, month, territory) == backwards[month], (month, territory)
