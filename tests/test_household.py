"""Households: the shared 70+ cap, per-employee figures, the yearly tax credit, bad files."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cesu_rules import default_ruleset, estimate, rules_at
from cesu_rules.calc.tax import CreditSituation as TaxSituation
from cesu_rules.calc.tax import yearly_credit
from cesu_rules.cli import main
from cesu_rules.household import (
    HouseholdError,
    HouseholdFile,
    compute_household,
    load_household,
)

from .helpers import write

D = Decimal
EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "household.yaml"
PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def household(
    work: list[dict[str, Any]],
    *,
    exemption: str = "age_70",
    month: str = "2026-03",
    cesu_plus: bool = False,
    leave: str = "excluded",
) -> HouseholdFile:
    ids = sorted({w["employee"] for w in work})
    return HouseholdFile.model_validate(
        {
            "household": {"exemption": exemption, "cesu_plus": cesu_plus},
            "employees": [{"id": i, "paid_leave": leave} for i in ids],
            "months": [{"month": month, "work": work}],
        }
    )


def test_the_example_household() -> None:
    report = compute_household(load_household(EXAMPLE))
    january = report.months[0]
    assert january.month == "2026-01"
    assert january.exemption_cap == D("248.42")  # 65 × 13.22 × 28.91 %
    assert january.total("exemption") == D("248.42")
    assert january.exempted_before_cap > january.exemption_cap
    year = report.years[0]
    assert year.months == 3
    assert year.ceiling == D("13500.00")
    assert year.credit == D("2141.78")
    assert year.advances == sum((m.total("advance") for m in report.months), D(0))


def test_one_employee_gives_exactly_the_monthly_estimate() -> None:
    h = household([{"employee": "a", "hours": 100, "net_hourly": "12.50"}], cesu_plus=True)
    ((eid, e),) = compute_household(h).months[0].estimates
    direct = estimate(
        "2026-03",
        hours=100,
        net_hourly="12.50",
        paid_leave="excluded",
        exemption="age_70",
        cesu_plus=True,
    )
    assert eid == "a"
    assert e == direct


work_items = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=150),
        st.sampled_from(["12.50", "14.00", "16.75", "20.00"]),
    ),
    min_size=1,
    max_size=6,
)


@PROFILE
@given(work_items, st.sampled_from(["2024-01", "2025-06", "2026-07"]), st.randoms())
def test_the_shared_cap_is_never_exceeded_and_order_does_not_matter(
    items: list[tuple[int, str]], month: str, rnd: Any
) -> None:
    work = [{"employee": f"e{i}", "hours": h, "net_hourly": w} for i, (h, w) in enumerate(items)]
    first = compute_household(household(work, month=month)).months[0]
    assert first.exemption_cap is not None
    assert first.total("exemption") <= first.exemption_cap
    assert first.total("exemption") == min(first.exempted_before_cap, first.exemption_cap)
    shuffled = list(work)
    rnd.shuffle(shuffled)
    again = compute_household(household(shuffled, month=month)).months[0]
    assert dict(again.estimates) == dict(first.estimates)


def test_the_ranges_keep_each_employees_share_of_a_binding_cap() -> None:
    """Under each candidate value (the ranges), an employee's exemption stays its share of
    the household's cap: the cap binds, so no candidate moves the exemption."""
    work = [
        {"employee": "a", "hours": 100, "net_hourly": "14.00"},
        {"employee": "b", "hours": 80, "net_hourly": "13.00"},
    ]
    month = compute_household(household(work, month="2024-01")).months[0]
    assert month.exemption_cap is not None
    assert month.exempted_before_cap > month.exemption_cap  # the cap binds
    assert month.total("exemption") == month.exemption_cap
    for _, e in month.estimates:
        moved = {r.figure for r in e.ranges}
        assert "employer_total" in moved  # candidates were tried
        assert "exemption" not in moved


def test_uncapped_cases_exempt_every_employee_fully() -> None:
    work = [
        {"employee": "a", "hours": 150, "net_hourly": "14.00"},
        {"employee": "b", "hours": 150, "net_hourly": "14.00"},
    ]
    month = compute_household(household(work, exemption="apa")).months[0]
    assert month.exemption_cap is None
    single = estimate(
        "2026-03", hours=150, net_hourly="14.00", paid_leave="excluded", exemption="apa"
    )
    assert month.total("exemption") == 2 * single.exemption


@pytest.mark.parametrize(
    ("eligible", "tax", "credit"),
    [
        # PUBLISHED F1 (francetvinfo, 2022): 100 € of wage + 60 € of contributions -> 80 €.
        ({"menage": D("160.00")}, TaxSituation(), D("80.00")),
        # PUBLISHED F2 (cld.bz): at most 6 000 €, 6 750 € with one child or a member > 65,
        # 7 500 € with two children.
        ({"menage": D("30000")}, TaxSituation(), D("6000.00")),
        ({"menage": D("30000")}, TaxSituation(dependents=1), D("6750.00")),
        ({"menage": D("30000")}, TaxSituation(dependents=2), D("7500.00")),
        ({"menage": D("30000")}, TaxSituation(dependents=5), D("7500.00")),
        # First year: 15 000 € + increments, at most 18 000 €; invalidity 20 000 €.
        ({"menage": D("30000")}, TaxSituation(first_year=True), D("7500.00")),
        ({"menage": D("30000")}, TaxSituation(first_year=True, dependents=3), D("9000.00")),
        ({"menage": D("30000")}, TaxSituation(invalidity=True), D("10000.00")),
        ({"menage": D("30000")}, TaxSituation(children_alternating=1), D("6375.00")),
        # Sub-ceilings: petit jardinage 5 000 €, assistance informatique 3 000 €, bricolage 500 €.
        ({"petit_jardinage": D("8000"), "menage": D("1000")}, TaxSituation(), D("3000.00")),
        ({"petit_bricolage": D("900")}, TaxSituation(), D("250.00")),
        ({"assistance_informatique": D("4000")}, TaxSituation(), D("1500.00")),
    ],
)
def test_yearly_credit_under_its_ceilings(
    eligible: dict[str, Decimal], tax: TaxSituation, credit: Decimal
) -> None:
    january = rules_at(default_ruleset(), "2025-01")
    _, retained, computed, _ = yearly_credit(january.credit, january.tax_credit_rate, tax, eligible)
    assert computed == credit
    assert computed <= retained / 2 + D("0.005")


BASE = """\
household: {exemption: none}
employees:
  - {id: a}
months:
  - month: 2026-03
    work:
      - {employee: a, hours: 10, net_hourly: "13.00"}
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            BASE.replace("exemption: none", "exemptoin: none"),
            "h.yaml:1:13: household.exemptoin: unknown key 'exemptoin'",
        ),
        (
            BASE + '      - {employee: a, hours: 5, net_hourly: "13.00"}\n',
            "h.yaml:8:20: months[0].work[1].employee: employee 'a' is listed twice in 2026-03",
        ),
        (
            BASE + "  - month: 2026-03\n    work: [{employee: a, hours: 1, net_hourly: 13}]\n",
            "h.yaml:8:12: months[1].month: month 2026-03 is listed twice",
        ),
        (BASE.replace("employee: a,", "employee: b,"), "unknown employee 'b'"),
        (
            BASE.replace('"13.00"}', '"13.00", aids: {apa: "-5.00"}}'),
            "an amount must not be negative",
        ),
        (BASE.replace("{id: a}", "{id: a}\n  - {id: a}"), "employee 'a' is listed twice"),
        ("[1, 2]\n", "expected a mapping of keys (household, employees, months)"),
    ],
)
def test_bad_household_files_name_the_file_and_place(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(HouseholdError) as info:
        load_household(write(tmp_path, "h.yaml", text))
    assert message in str(info.value)


def test_an_aid_larger_than_the_expense_names_the_month(tmp_path: Path) -> None:
    path = write(tmp_path, "h.yaml", BASE.replace('"13.00"}', '"13.00", aids: {apa: "900.00"}}'))
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "report.txt"
    status = main(["household", str(path), "--out", str(target)], out=out, err=err)
    assert status == 2
    assert "months[0] (2026-03): aids of 900.00 € exceed the month's expense" in err.getvalue()
    assert not target.exists()  # nothing partially written
    assert not list(tmp_path.glob("*.partial"))


def test_household_cli_text_json_and_out(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["household", str(EXAMPLE)], out=out, err=err) == 0
    assert "Year 2026 (3 month(s))" in out.getvalue()
    out = io.StringIO()
    assert main(["household", str(EXAMPLE), "--json"], out=out, err=err) == 0
    data = json.loads(out.getvalue())
    assert data["months"][0]["totals"]["exemption"] == "248.42"
    assert data["months"][0]["employees"][0]["id"] == "aide"
    assert data["years"][0]["credit"] == "2141.78"
    target = tmp_path / "report.json"
    assert main(["household", str(EXAMPLE), "--json", "--out", str(target)], out=out, err=err) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["name"].startswith("Famille")
