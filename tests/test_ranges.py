"""Honest ranges, provisional months and the one-hour figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cesu_rules import NotInForceError, default_ruleset, estimate, estimate_to_json
from cesu_rules.calc.ranges import RANGE_FIGURES
from cesu_rules.rules.inspect import status_report, touches

from .helpers import run_cli

D = Decimal


def test_a_figure_resting_on_an_undocumented_policy_gets_its_range() -> None:
    r = estimate("2024-04", hours=10, net_hourly="12.00")
    ranges = {x.figure: x for x in r.ranges}
    employer = ranges["employer_total"]
    # Each line rounded (68.64 − 20.00 = 48.64), or one rounding of the total rate (48.66).
    assert (employer.low, employer.high) == (D("48.64"), D("48.66"))
    assert employer.by == (("politiques/arrondi/totaux = total_then_lines", D("48.66")),)
    for x in r.ranges:
        assert x.figure in RANGE_FIGURES
        assert x.low <= getattr(r, x.figure) <= x.high
        assert x.low < x.high
        assert all(value != getattr(r, x.figure) for _, value in x.by)
    assert "pas_amount" not in ranges  # nothing moves the PAS here (0 %)


def test_a_figure_resting_on_an_assumed_rate_gets_its_range() -> None:
    # September 2022: employee prévoyance 1.12 % assumed (France Emploi Domicile says 1.04 %
    # from July 2022), AT 2.49 % single source with the 2024 rate as alternative.
    r = estimate("2022-09", hours=10, net_hourly="12.00", ranges=True)
    ranges = {x.figure: dict(x.by) for x in r.ranges}
    assert "cotisations/salarie/ircem_prevoyance = 1.04" in ranges["gross"]
    assert "cotisations/employeur/accident_travail = 2.10" in ranges["employer_total"]
    assert estimate("2022-09", hours=10, net_hourly="12.00", ranges=False).ranges == ()


def test_confirmed_months_have_no_range_from_their_confirmed_values() -> None:
    r = estimate("2025-06", hours=10, gross_hourly="13.00", paid_leave="excluded")
    labels = {label for x in r.ranges for label, _ in x.by}
    assert labels <= {
        "politiques/arrondi/totaux = total_then_lines",
        "politiques/arrondi/inversion = hourly",
    }


def test_ranges_in_the_json_and_the_table() -> None:
    data = estimate_to_json(estimate("2024-04", hours=10, net_hourly="12.00"))
    assert data["ranges"]["employer_total"] == {
        "low": "48.64",
        "high": "48.66",
        "by": {"politiques/arrondi/totaux = total_then_lines": "48.66"},
    }
    status, out, _ = run_cli(
        "estimate", "--month", "2024-04", "--hours", "10", "--net-hourly", "12"
    )
    assert status == 0
    assert (
        "employer_total 48.64–48.66 €: politiques/arrondi/totaux = total_then_lines gives 48.66"
        in out
    )
    status, out, _ = run_cli(
        "estimate", "--month", "2024-04", "--hours", "10", "--net-hourly", "12", "--no-ranges"
    )
    assert "Ranges" not in out


def test_a_month_after_the_rulesets_is_refused_unless_provisional() -> None:
    with pytest.raises(NotInForceError, match=r"estimate it as provisional \(--provisional"):
        estimate("2027-01", hours=10, net_hourly="12.00")
    r = estimate("2027-01", hours=10, net_hourly="12.00", provisional=True)
    assert r.provisional
    note = next(w for w in r.warnings if w.startswith("provisional: 2027-01 is past the rulesets"))
    assert "smic/horaire_brut/metropole = 12.31" in note  # carried forward
    assert "pss/plafond_mensuel = " not in note  # published for 2027 (4 075 €, assumed)
    assert "smic/horaire_brut/metropole = 12.56" in note  # + 2 % on 1 January: a range
    # The same month inside the coverage is not provisional.
    assert not estimate("2026-12", hours=10, net_hourly="12.00").provisional


def test_a_provisional_smic_revaluation_gives_a_range_or_a_refusal() -> None:
    # 100 h at 12.40 € gross: above the SMIC of 2026 (12.31 €), below 12.31 € + 2 %.
    r = estimate(
        "2027-02",
        hours=100,
        gross_hourly="12.40",
        paid_leave="excluded",
        exemption="age_70",
        provisional=True,
    )
    assert any(
        "with smic/horaire_brut/metropole = 12.56 these inputs are refused" in w for w in r.warnings
    )
    # 150 h at 16 € with the 70+ exemption: the cap (65 × SMIC) moves with the SMIC.
    r = estimate(
        "2027-02",
        hours=150,
        gross_hourly="16.00",
        paid_leave="excluded",
        exemption="age_70",
        provisional=True,
    )
    exemption = next(x for x in r.ranges if x.figure == "exemption")
    assert dict(exemption.by)["smic/horaire_brut/metropole = 12.56"] > r.exemption
    status, out, _ = run_cli(
        "estimate", "--month", "2027-01", "--hours", "10", "--net-hourly", "12", "--provisional"
    )
    assert status == 0
    assert "January 2027, metropole (provisional)" in out


def test_the_figures_of_one_hour_are_computed_on_their_own() -> None:
    # The Urssaf publishes the net of one hour at the minimum: 11.27 € gross → 8.78 € net
    # (January 2023). For 151.67 hours the month's net divided by the hours differs.
    r = estimate("2023-01", hours="151.67", gross_hourly="11.27", paid_leave="excluded")
    assert (r.one_hour_gross, r.one_hour_net) == (D("11.27"), D("8.78"))
    assert r.net_hourly == (r.net / D("151.67")).quantize(D("0.01"))
    declared = estimate("2024-04", hours=10, net_hourly="12.00")
    assert (declared.one_hour_net, declared.one_hour_gross) == (D("12.00"), D("15.36"))


def test_the_shipped_ruleset_says_how_sure_it_is() -> None:
    report = status_report(default_ruleset())
    assert report.total == sum(report.counts.values())
    assert report.counts["confirmed"] > report.total / 2
    assert all(d.status != "confirmed" for d in report.doubts)
    assert len(report.doubts) == report.total - report.counts["confirmed"]
    assert "employee_total" in touches("cotisations/salarie/ircem_prevoyance")
    assert "employer_total" in touches("cotisations/employeur/accident_travail")
    assert "pas_amount" in touches("pas/taux_neutre/metropole")
    status, out, _ = run_cli("rulesets", "status")
    assert status == 0
    assert "values are not confirmed by two sources" in out
    assert "touches: employer_total_before_relief, employer_total" in out
