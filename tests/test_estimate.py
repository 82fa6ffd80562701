"""Unit tests of the monthly estimate: figures, relief, territories, bad input."""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

import pytest

from cesu_rules import (
    Estimate,
    InputError,
    NotInForceError,
    default_ruleset,
    estimate,
    plan_of,
)
from cesu_rules.calc.contributions import allocate, half_up
from cesu_rules.calc.inputs import read_inputs
from cesu_rules.calc.notes import used_values, uses_grid
from cesu_rules.calc.tax import taux_neutre

from .helpers import policies

D = Decimal


def amounts(result: Estimate, side: str) -> dict[str, Decimal]:
    return {line.code: line.amount for line in result.lines_for(side)}


def test_the_rules_md_illustration_of_april_2024() -> None:
    # ../shared/domain/RULES.md §9, derived with the URSSAF-T24 rates (not an official figure).
    r = estimate("2024-04", hours=10, net_hourly="12.00")
    assert (r.gross, r.net, r.employee_total) == (D("153.61"), D("120.00"), D("33.61"))
    # Each line rounded on its own (policy totals: each_line): the employer lines add up to
    # 68.64 € (one rounding of the 44.696 % total would give 68.66 €).
    assert r.employer_total_before_relief == D("68.64")
    assert amounts(r, "employer")["allocations_familiales"] == D("8.06")  # 8.0645
    assert (r.deduction, r.employer_total) == (D("20.00"), D("48.64"))
    assert (r.urssaf_debit, r.total_cost) == (D("82.25"), D("202.25"))
    assert r.net_taxable == D("124.38")  # net + CSG/CRDS imposable 4.38
    assert amounts(r, "employee")["csg_crds_non_deductible"] == D("4.38")
    assert r.ruleset_hash.startswith("sha256:")


def test_lines_add_up_to_the_totals() -> None:
    r = estimate("2025-06", hours="37.5", net_hourly="13.47", paid_leave="excluded")
    assert sum(amounts(r, "employee").values()) == r.employee_total
    assert sum(amounts(r, "employer").values()) == r.employer_total_before_relief
    assert r.gross - r.employee_total == r.net
    assert r.total_cost == r.gross + r.employer_total


def test_the_health_at_work_contribution_is_capped_at_5_euros() -> None:
    small = estimate("2025-03", hours=5, gross_hourly="14.00", paid_leave="excluded")
    assert amounts(small, "employer")["sante_au_travail"] == D("1.89")  # 70 × 2.7 %
    big = estimate("2025-03", hours=20, gross_hourly="15.00", paid_leave="excluded")
    assert amounts(big, "employer")["sante_au_travail"] == D("5.00")
    assert "sante_au_travail" not in amounts(
        estimate("2024-12", hours=5, net_hourly=11), "employer"
    )


def test_deduction_counts_worked_hours_only() -> None:
    r = estimate("2024-04", hours=60, net_hourly="10.00", paid_leave="excluded", paid_leave_hours=8)
    assert r.deduction_hours == D(52)
    assert r.deduction == D("104.00")


def test_age_70_exemption_and_its_cap_january_2024() -> None:
    # Published caps (urssaf.fr, 1 January 2024): 218.24 € hors CP, 240.16 € CP inclus.
    below = estimate(
        "2024-01", hours=10, gross_hourly="12.82", paid_leave="included", exemption="age_70"
    )
    covered = sum(
        amounts(below, "employer")[c]
        for c in (
            "maladie",
            "vieillesse_plafonnee",
            "vieillesse_deplafonnee",
            "allocations_familiales",
        )
    )
    assert below.exemption == covered
    assert below.exemption_cap == D("240.16")
    assert below.deduction == 0
    above = estimate(
        "2024-01", hours=120, gross_hourly="11.65", paid_leave="excluded", exemption="age_70"
    )
    assert above.exemption_cap == D("218.24")
    assert above.exemption == D("218.24")
    assert any("capped at 218.24" in w for w in above.warnings)


def test_uncapped_exemption_removes_all_covered_lines() -> None:
    r = estimate("2024-04", hours=150, gross_hourly="13.00", paid_leave="excluded", exemption="apa")
    employer = amounts(r, "employer")
    covered = (
        employer["maladie"]
        + employer["vieillesse_plafonnee"]
        + employer["vieillesse_deplafonnee"]
        + employer["allocations_familiales"]
    )
    assert r.exemption == covered
    assert r.exemption_cap is None
    assert r.employer_total == r.employer_total_before_relief - covered


def test_outre_mer_deduction_is_broader() -> None:
    r = estimate("2024-04", hours=10, net_hourly="12.00", territory="guadeloupe")
    assert r.deduction == D("37.00")
    assert r.deduction_per_hour == D("3.70")


def test_deduction_capped_by_the_contributions_it_reduces() -> None:
    # In La Réunion (5.70 € an hour in 2020-04, assumed held) the SMIC wage leaves less
    # than 5.70 € of deductible contributions per hour.
    r = estimate(
        "2021-06", hours=10, gross_hourly="10.25", paid_leave="excluded", territory="reunion"
    )
    assert r.deduction < D("57.00")
    assert r.deduction == r.employer_total_before_relief - amounts(r, "employer").get(
        "sante_au_travail", D(0)
    )
    assert any("capped at the" in w for w in r.warnings)


def test_alsace_moselle_costs_the_employee_more() -> None:
    base = estimate("2024-04", hours=10, net_hourly="12.00")
    local = estimate("2024-04", hours=10, net_hourly="12.00", territory="alsace_moselle")
    assert local.gross > base.gross
    assert amounts(local, "employee")["maladie_alsace_moselle"] == D("2.03")


def test_non_resident_pays_maladie_instead_of_csg_crds() -> None:
    r = estimate("2024-04", hours=10, gross_hourly="15.00", non_resident=True)
    employee = amounts(r, "employee")
    assert "csg_deductible" not in employee
    assert employee["maladie_non_resident"] == D("8.25")
    assert r.net_taxable == r.net


def test_mayotte_uses_its_smic_and_warns_about_rates() -> None:
    r = estimate(
        "2024-04", hours=10, gross_hourly="9.00", paid_leave="excluded", territory="mayotte"
    )
    assert r.gross == D("90.00")
    assert any("Mayotte has its own" in w for w in r.warnings)
    with pytest.raises(NotInForceError, match="mayotte"):
        estimate("2020-06", hours=10, gross_hourly="9.00", territory="mayotte")


def test_paid_leave_defaults_follow_the_32_hour_rule() -> None:
    assert estimate("2024-04", hours=32, net_hourly=11).paid_leave == "included"
    assert estimate("2024-04", hours="32.5", net_hourly=11).paid_leave == "excluded"


def test_non_confirmed_values_are_named_in_warnings() -> None:
    r = estimate("2021-03", hours=10, net_hourly=11)
    text = "\n".join(r.warnings)
    assert "single source value used: cotisations/employeur/accident_travail = 1.90 %" in text
    assert (
        "assumed value used: cotisations/salarie/ircem_prevoyance = 0.70 % (No Cesu rate table"
        " of 2019-2021 was found" in text
    )
    assert "assumed value used: politiques/arrondi/inversion = monthly" in text
    assert "confirmed value used" not in text


def test_the_minimum_wage_check_accepts_the_smic_net_and_refuses_a_cent_less() -> None:
    # 11.65 € gross (SMIC 2024) is 9.10 € net. With paid leave the minimum is 12.82 € gross:
    # 10.01 € net gives 12.81 € (refused), 10.02 € net gives 12.83 € (the first accepted).
    assert estimate(
        "2024-04", hours=40, net_hourly="9.10", paid_leave="excluded"
    ).gross_hourly == D("11.65")
    with pytest.raises(
        InputError,
        match=r"below the legal minimum for 2024-04 in metropole: "
        r"11.65 € gross an hour .* at least 9.10 € net",
    ):
        estimate("2024-04", hours=40, net_hourly="9.09", paid_leave="excluded")
    with pytest.raises(InputError, match=r"12.82 € gross an hour \(110 % of the SMIC.*10.02 €"):
        estimate("2024-04", hours=10, net_hourly="10.01")
    assert estimate("2024-04", hours=10, net_hourly="10.02").gross_hourly == D("12.83")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": 0, "net_hourly": 12}, "hours must be more than 0"),
        ({"hours": -3, "net_hourly": 12}, "hours: '-3' must not be negative; example: 10.5"),
        ({"hours": 209, "net_hourly": 12}, "exceed the legal maximum of 208 hours"),
        ({"hours": "10.333", "net_hourly": 12}, "more than two decimals"),
        ({"hours": "ten", "net_hourly": 12}, "hours: 'ten' is not a plain decimal number"),
        (
            {"hours": 10},
            "give exactly one wage: the net hourly, the gross hourly or the net "
            "monthly wage (neither)",
        ),
        ({"hours": 10, "net_hourly": 12, "gross_hourly": 15}, "(2 given)"),
        ({"hours": 10, "net_monthly": "0"}, "net_monthly must be between 0 and 1000"),
        ({"hours": 10, "net_hourly": "12.005"}, "more than two decimals"),
        ({"hours": 10, "net_hourly": 5000}, "between 0 and 1000"),
        (
            {"hours": 10, "net_hourly": 12, "exemption": "age_60"},
            "exemption: unknown value 'age_60'; choose one of: none, age_70",
        ),
        (
            {"hours": 10, "net_hourly": 12, "paid_leave": "yes"},
            "paid_leave: unknown value 'yes'; choose one of: included, excluded",
        ),
        (
            {"hours": 10, "net_hourly": 12, "paid_leave_hours": 11, "paid_leave": "excluded"},
            "between 0 and the 10 hours",
        ),
        ({"hours": 10, "net_hourly": 12, "paid_leave_hours": 2}, "declared only when paid"),
        ({"hours": 10, "net_hourly": float("nan")}, "net_hourly: 'nan' is not a number"),
        ({"hours": True, "net_hourly": 12}, "hours must be a number"),
    ],
)
def test_bad_inputs_are_input_errors_saying_what_is_allowed(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError) as info:
        estimate("2024-04", **kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)


def test_months_and_territories_outside_the_rules() -> None:
    with pytest.raises(NotInForceError, match="outside the rulesets"):
        estimate("2027-01", hours=10, net_hourly=12)
    with pytest.raises(InputError, match="territory: unknown value 'paris'"):
        estimate("2024-04", hours=10, net_hourly=12, territory="paris")


def test_floats_are_read_through_their_text() -> None:
    assert estimate("2024-04", hours=10.5, net_hourly=12.1).net == D("127.05")


def test_allocate_units_largest_remainder() -> None:
    # Amounts in units of 1/1000 cent.
    assert allocate(3, [1100, 1100, 800], 1000) == [1, 1, 1]
    assert allocate(101, [33400, 33600, 33500], 1000) == [33, 34, 34]
    # Ties go to the first in order.
    assert allocate(1, [500, 500], 1000) == [1, 0]
    # A total far from the sum puts the excess on the largest amount.
    assert allocate(100, [10000, 50000], 1000) == [10, 90]
    assert allocate(0, [], 1000) == []


def test_half_up_rounds_halves_up() -> None:
    assert [half_up(u, 1000) for u in (0, 499, 500, 1499, 1500, 2500)] == [0, 0, 1, 1, 2, 3]


def test_results_are_immutable() -> None:
    r = estimate("2024-04", hours=10, net_hourly=12)
    with pytest.raises(AttributeError):
        r.gross = D(0)  # type: ignore[misc]


def test_a_monthly_net_gives_the_same_month_as_the_hourly_net() -> None:
    hourly = estimate("2024-04", hours=10, net_hourly="12.00")
    monthly = estimate("2024-04", hours=10, net_monthly="120.00")
    assert monthly.lines == hourly.lines
    assert (monthly.gross, monthly.net, monthly.net_hourly) == (
        hourly.gross,
        hourly.net,
        hourly.net_hourly,
    )
    odd = estimate("2024-04", hours=3, net_monthly="40.00")
    assert odd.net == D("40.00")
    assert odd.net_hourly == D("13.33")
    with pytest.raises(InputError, match=r"net monthly wage 20.00 € for 3 h"):
        estimate("2024-04", hours=3, net_monthly="20.00")


def test_the_callers_decimal_context_changes_nothing() -> None:
    reference = estimate("2025-06", hours="37.5", net_hourly="13.47", paid_leave="excluded")
    with decimal.localcontext() as ctx:
        ctx.prec = 4
        ctx.rounding = decimal.ROUND_DOWN
        again = estimate("2025-06", hours="37.5", net_hourly="13.47", paid_leave="excluded")
    assert again == reference


def test_pas_with_the_taux_neutre_grid() -> None:
    r = estimate("2026-07", hours=120, net_hourly="14.00", paid_leave="excluded")
    assert r.net_taxable == D("1741.27")
    assert (r.pas_rate, r.pas_rate_source) == (D("1.3"), "taux_neutre")  # 1698 <= base < 1807
    assert r.pas_amount == D("22.64")
    assert r.net_after_pas == r.net - D("22.64")
    assert r.urssaf_debit == r.employee_total + r.employer_total + D("22.64")
    assert r.paid_to_employee == r.net_after_pas


def test_taux_neutre_thresholds_are_inclusive_and_dated() -> None:
    def plan(month: str) -> Any:
        return plan_of(default_ruleset(), month, "metropole")

    assert taux_neutre(plan("2026-05"), D("1634.99")) == D("0")
    assert taux_neutre(plan("2026-05"), D("1635.00")) == D("0.5")
    assert taux_neutre(plan("2026-04"), D("1635.00")) == D("0.5")
    assert taux_neutre(plan("2026-04"), D("1619.99")) == D("0")
    assert taux_neutre(plan("2019-12"), D("5000")) is None


def test_a_personalised_pas_rate() -> None:
    r = estimate("2024-04", hours=10, net_hourly="12.00", pas_rate="7.5")
    assert (r.pas_rate, r.pas_rate_source) == (D("7.5"), "personalised")
    assert r.pas_amount == D("9.33")  # 124.38 × 7.5 % = 9.3285
    before = estimate("2019-06", hours=10, net_hourly="12.00", pas_rate="7.5")
    assert (before.pas_rate, before.pas_amount) == (None, D("0.00"))
    assert any("from January 2020" in w for w in before.warnings)


def test_tax_credit_and_cesu_plus_avance_immediate() -> None:
    classic = estimate("2024-04", hours=10, net_hourly="12.00")
    assert classic.tax_credit == D("101.13")  # 50 % of 202.25, half-up
    assert classic.cost_after_credit == D("101.12")
    assert classic.advance == 0
    plus = estimate("2024-04", hours=10, net_hourly="12.00", cesu_plus=True)
    assert plus.advance == D("101.13")
    assert plus.urssaf_debit == D("202.25") - D("101.13")  # net + contributions - advance
    assert plus.paid_to_employee == 0
    early = estimate("2021-06", hours=10, net_hourly="12.00", cesu_plus=True)
    assert early.advance == 0
    assert early.urssaf_debit == early.total_cost
    assert any("no avance immédiate before January 2022" in w for w in early.warnings)


def test_aids_reduce_the_credit_base_and_cannot_exceed_the_expense() -> None:
    r = estimate("2024-04", hours=10, net_hourly="12.00", aids="50.00")
    assert r.tax_credit == D("76.13")  # (202.25 - 50) × 50 %
    assert r.cost_after_credit == D("202.25") - D("50.00") - D("76.13")
    with pytest.raises(InputError, match=r"aids of 250.00 € exceed the month's expense of 202.25"):
        estimate("2024-04", hours=10, net_hourly="12.00", aids="250.00")
    with pytest.raises(InputError, match="aids: '-1' must not be negative"):
        estimate("2024-04", hours=10, net_hourly="12.00", aids="-1")


@pytest.mark.parametrize(
    ("gross_hourly", "cst"),
    [("18.52", "5.00"), ("25.00", "5.00"), ("18.00", "4.86")],
)
def test_the_health_at_work_contribution_at_its_cap(gross_hourly: str, cst: str) -> None:
    # 10 h: 185.20 € (2.7 % = 5.0004: the cap, exactly 5 €, binds from 185.19 €), 250 €,
    # 180.00 € (4.86 exactly). Just under the cap the cent depends on the totals policy.
    r = estimate("2025-03", hours=10, gross_hourly=gross_hourly, paid_leave="excluded")
    assert amounts(r, "employer")["sante_au_travail"] == D(cst)


@pytest.mark.parametrize("inversion", ["monthly", "hourly"])
@pytest.mark.parametrize("totals", ["each_line", "total_then_lines"])
def test_lines_add_up_to_the_totals_under_every_rounding_policy(
    inversion: str, totals: str
) -> None:
    ruleset = policies(inversion, totals)
    wages: list[dict[str, Any]] = [
        {"net_hourly": "13.47"},
        {"gross_hourly": "17.31"},
        {"net_monthly": "505.13"},
    ]
    for wage in wages:
        r = estimate("2025-06", ruleset=ruleset, hours="37.5", paid_leave="excluded", **wage)
        assert sum(amounts(r, "employee").values()) == r.employee_total
        assert sum(amounts(r, "employer").values()) == r.employer_total_before_relief
        assert r.gross - r.employee_total == r.net


def test_the_values_a_result_rests_on() -> None:
    """What the warnings and ranges look at: every line, the PSS, the CSG base and the
    rounding policies; the deduction per hour without exemption, the 70+ cap's SMIC, hours
    and uplift with it; the taux neutre grid only when the PAS comes from it."""
    plan = plan_of(default_ruleset(), "2026-01", "metropole")

    def names(exemption: str, grid: bool) -> set[str]:
        found = used_values(plan, exemption, grid)
        return {str(getattr(x, "parameter", None) or getattr(x, "name", "")) for x in found}

    cap = {"smic/horaire_brut/metropole", "exonerations/age_70/plafond_heures_smic"}
    deduction = {p for p in names("none", False) if p.startswith("deduction_forfaitaire")}
    assert deduction
    assert not deduction & names("age_70", False)
    assert cap <= names("age_70", False)
    assert not cap & names("none", False)
    assert not cap & names("apa", False)  # an uncapped exemption
    assert "pas/taux_neutre/metropole" in names("none", True)
    assert "pas/taux_neutre/metropole" not in names("none", False)
    assert {"politiques/arrondi/inversion", "politiques/arrondi/totaux"} <= names("none", False)

    def grid(**options: object) -> bool:
        return uses_grid(
            plan, read_inputs("2026-01", {"hours": "10", "net_hourly": "15", **options})
        )

    assert grid()
    assert not grid(pas_rate="3.5")
    assert not grid(non_resident=True)
    assert not uses_grid(
        plan_of(default_ruleset(), "2019-06", "metropole"),
        read_inputs("2019-06", {"hours": "10", "net_hourly": "15"}),
    )  # no PAS in the Cesu before 2020


def test_an_unconfirmed_pas_grid_is_named_only_when_the_pas_comes_from_it() -> None:
    grid = "pas/taux_neutre/guadeloupe_martinique_reunion"
    options: dict[str, Any] = {"territory": "reunion", "hours": "150", "net_hourly": "15.00"}
    neutral = estimate("2024-06", **options)
    personal = estimate("2024-06", pas_rate="1.0", **options)
    assert any(grid in w for w in neutral.warnings)
    assert not any(grid in w for w in personal.warnings)
