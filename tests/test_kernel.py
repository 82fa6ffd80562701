"""The integer kernel, function by function: each vector function equals its scalar twin row
by row on stacks of several real month plans (different lines, caps, grids and units), and
the scalar functions meet their documented rules on hand-made cases."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cesu_rules import default_ruleset, plan_of
from cesu_rules.calc.contributions import (
    allocate,
    allocate_v,
    bases,
    bases_v,
    half_up,
    line_units,
    line_units_v,
    round_side,
    round_side_v,
    side_sums_v,
    sums_of_cents,
)
from cesu_rules.calc.plan import MonthPlan, _slopes
from cesu_rules.calc.relief import EXEMPTION_CODES, relief, relief_v, share_cap
from cesu_rules.calc.stack import PlanStack, stack_plans
from cesu_rules.calc.tax import pas_rate_of, tax, tax_v
from cesu_rules.calc.validation import check_inputs_v
from cesu_rules.calc.wage import exact_gross, exact_gross_v, search_gross

np = pytest.importorskip("numpy")

KERNEL = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Plans that differ in every way the kernel cares about: lines present or not (Alsace-Moselle,
# the CST cap, DOM rates), units (rate denominators), PAS grids, advance, non-residents.
PLAN_KEYS = [
    ("2019-03", "metropole", False),
    ("2021-01", "alsace_moselle", False),
    ("2022-06", "reunion", False),
    ("2023-07", "mayotte", False),
    ("2024-04", "metropole", True),
    ("2025-05", "guyane", False),
    ("2026-07", "metropole", False),
]


def plan(k: int) -> MonthPlan:
    month, territory, non_resident = PLAN_KEYS[k]
    return plan_of(default_ruleset(), month, territory, non_resident=non_resident)


@st.composite
def stacked_rows(draw: st.DrawFn, size: int = 12) -> tuple[list[MonthPlan], Any, Any]:
    """Two to four plans, and rows each on one of them with a gross up to 6 PSS (cents)."""
    keys = draw(st.lists(st.integers(0, len(PLAN_KEYS) - 1), min_size=1, max_size=4, unique=True))
    plans = [plan(k) for k in keys]
    which = draw(st.lists(st.integers(0, len(plans) - 1), min_size=size, max_size=size))
    gross = [
        draw(st.integers(0, 6 * plans[w].pss) | st.sampled_from(_edges(plans[w]))) for w in which
    ]
    return plans, np.array(which, dtype=np.int64), np.array(gross, dtype=np.int64)


def _edges(p: MonthPlan) -> list[int]:
    """Gross wages on the bases' edges: the PSS and 4 PSS, a cent either side."""
    return [p.pss - 1, p.pss, p.pss + 1, 4 * p.pss - 1, 4 * p.pss, 4 * p.pss + 1]


def slots_of(stack: PlanStack, side: str, p: MonthPlan, cents: list[int]) -> list[int]:
    """A plan's line cents placed on the stack's slots (0 where the plan has no line)."""
    slots = stack.employee if side == "employee" else stack.employer
    index = {(c, int(b)): i for i, (c, b) in enumerate(zip(slots.codes, slots.base, strict=True))}
    out = [0] * len(slots)
    for line, c in zip(getattr(p, side), cents, strict=True):
        out[index[(line.code, line.base)]] = c
    return out


# ---------------------------------------------------------------------------------------------
# Rounding and allocation


def test_half_up_rounds_halves_up_and_is_exact_on_arrays() -> None:
    assert [half_up(x, 10) for x in (14, 15, 16, 0, 25)] == [1, 2, 2, 0, 3]
    assert half_up(np.array([14, 15, 16, 25]), 10).tolist() == [1, 2, 2, 3]


def test_allocate_gives_missing_cents_to_the_largest_remainders_ties_first() -> None:
    # Units of 1/100 cent: floors 1, 1, 1 (sum 3), remainders 50, 70, 50; total 5: two cents
    # missing go to the 70 and then to the first of the two 50s.
    assert allocate(5, [150, 170, 150], 100) == [2, 2, 1]
    assert allocate(3, [150, 170, 150], 100) == [1, 1, 1]  # nothing missing
    assert allocate(4, [150, 150, 150], 100) == [2, 1, 1]  # ties: the first line


def test_allocate_puts_a_far_total_on_the_largest_amount_first_on_ties() -> None:
    # Floors 1, 3, 3: 5 cents missing, more than one per line: all on the first largest.
    assert allocate(12, [100, 300, 300], 100) == [1, 8, 3]
    # Below the floors: the largest amount takes the whole difference.
    assert allocate(0, [100, 300, 200], 100) == [1, -3, 2]
    # As many cents missing as lines: one each (the normal path, not the far one).
    assert allocate(10, [100, 300, 300], 100) == [2, 4, 4]


@KERNEL
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 10**6), min_size=4, max_size=4),
            st.lists(st.booleans(), min_size=4, max_size=4),
            st.integers(-6, 6),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_allocate_v_is_allocate_on_each_row(rows: list[Any]) -> None:
    unit = 1000
    units = np.array([u for u, _, _ in rows], dtype=np.int64)
    present = np.array([p for _, p, _ in rows], dtype=bool)
    units = np.where(present, units, 0)
    floors = (units // unit).sum(axis=1)
    totals = floors + np.array([d for _, _, d in rows], dtype=np.int64)
    for mask in (None, present):
        got = allocate_v(np, totals, units, unit, mask)
        for i, (u, p, _) in enumerate(rows):
            keep = [j for j in range(4) if mask is None or p[j]]
            if not keep:
                continue
            expected = allocate(int(totals[i]), [int(units[i, j]) for j in keep], unit)
            assert [int(got[i, j]) for j in keep] == expected, (u, p, int(totals[i]))
            assert all(int(got[i, j]) == 0 for j in range(4) if j not in keep)


# ---------------------------------------------------------------------------------------------
# Bases and contribution lines, on stacks of plans


@KERNEL
@given(stacked_rows(), st.sampled_from(["each_line", "total_then_lines"]))
def test_every_side_of_every_row_is_its_plans_scalar_lines(
    case: tuple[list[MonthPlan], Any, Any], totals: str
) -> None:
    plans, which, gross = case
    stack = stack_plans(plans)
    base = bases_v(stack, which, gross)
    for side in ("employee", "employer"):
        units = line_units_v(stack, side, which, base)
        cents, total = round_side_v(stack, side, which, units, totals)
        given_total = total + np.arange(len(gross)) % 3 - 1  # a shared total, ±1 cent
        shared, _ = round_side_v(stack, side, which, units, totals, total=given_total)
        for i, w in enumerate(which.tolist()):
            p = dataclasses.replace(plans[w], totals=totals)
            scalar_units = line_units(getattr(p, side), bases(p, int(gross[i])))
            expected, expected_total = round_side(p, scalar_units)
            assert cents[i].tolist() == slots_of(stack, side, p, expected), (side, i)
            assert int(total[i]) == expected_total
            expected_shared, _ = round_side(p, scalar_units, int(given_total[i]))
            assert shared[i].tolist() == slots_of(stack, side, p, expected_shared)


@KERNEL
@given(stacked_rows())
def test_side_sums_are_the_sums_of_the_rounded_lines(
    case: tuple[list[MonthPlan], Any, Any],
) -> None:
    plans, which, gross = case
    stack = stack_plans(plans)
    base = bases_v(stack, which, gross)
    for side in ("employee", "employer"):
        cents, total = round_side_v(
            stack, side, which, line_units_v(stack, side, which, base), "each_line"
        )
        expected = sums_of_cents(stack, side, which, cents, total)
        got = side_sums_v(stack, side, which, base)
        for mine, theirs in zip(got, expected, strict=True):
            assert mine.tolist() == theirs.tolist()


def test_each_base_counts_in_the_slope_of_its_segments() -> None:
    """dE/dG by segment (below the PSS, up to 4 PSS, above): a line on the gross counts on
    all three, one capped at the PSS on the first, at 4 PSS on the first two, the CSG base
    its share up to 4 PSS and the whole gross above."""
    p = plan(6)
    line = p.employee[0]
    rate, num, den = line.rate_num, p.share_num, p.share_den
    expected = {
        0: (rate * den, rate * den, rate * den),
        1: (rate * den, 0, 0),
        2: (rate * den, rate * den, 0),
        3: (rate * num, rate * num, rate * den),
    }
    for base, slopes in expected.items():
        assert _slopes([dataclasses.replace(line, base=base)], num, den) == slopes
    both = [dataclasses.replace(line, base=1), dataclasses.replace(line, base=2)]
    assert _slopes(both, num, den) == (2 * rate * den, rate * den, 0)


def test_the_csg_base_stops_at_four_pss() -> None:
    p = plan(6)
    below, above = bases(p, 4 * p.pss), bases(p, 4 * p.pss + 100)
    # Above 4 PSS the CSG base grows by the whole gross, not by 98.25 % of it.
    assert above[3] - below[3] == 100 * p.share_den
    assert below[3] == 4 * p.pss * p.share_num
    assert above[2] == below[2] == 4 * p.pss * p.share_den


# ---------------------------------------------------------------------------------------------
# Net → gross


@KERNEL
@given(stacked_rows(), st.sampled_from([1, 100]))
def test_exact_gross_v_is_exact_gross_on_each_segment(
    case: tuple[list[MonthPlan], Any, Any], scale: int
) -> None:
    plans, which, gross = case
    stack = stack_plans(plans)
    # Nets on each segment's end, just past it, and anywhere.
    nets = []
    for i, w in enumerate(which.tolist()):
        p = plans[w]
        e0, e1 = (e * scale // p.unit for e in p.net_ends)
        nets.append([e0, e0 + 1, e1, e1 + 1, int(gross[i]) * scale // 2][i % 5])
    x = np.array(nets, dtype=np.int64)
    num, free = exact_gross_v(stack, which, x, scale)
    for i, w in enumerate(which.tolist()):
        p = plans[w]
        s_num, s_den = exact_gross(p, int(x[i]), scale)
        # The same fraction, each on its own unit.
        assert int(num[i]) * s_den == s_num * int(free[i]) * scale


def test_search_gross_finds_the_closest_gross_that_leaves_the_net() -> None:
    p = plan(6)
    for net in (12_000, 120_000, 153_333):
        num, den = exact_gross(p, net)
        gross, _, cents = search_gross(p, net, num, den)
        assert gross - sum(cents) == net
        assert abs(gross * den - num) <= 2 * den  # within two cents of the exact gross


# ---------------------------------------------------------------------------------------------
# Relief


@KERNEL
@given(
    stacked_rows(),
    st.lists(st.sampled_from(sorted(EXEMPTION_CODES)), min_size=12, max_size=12),
    st.lists(st.booleans(), min_size=12, max_size=12),
)
def test_relief_v_is_relief_on_each_row(
    case: tuple[list[MonthPlan], Any, Any], cases: list[str], included: list[bool]
) -> None:
    plans, which, gross = case
    stack = stack_plans(plans)
    units = line_units_v(stack, "employer", which, bases_v(stack, which, gross))
    employer, _ = round_side_v(stack, "employer", which, units, "each_line")
    sums = side_sums_v(stack, "employer", which, bases_v(stack, which, gross))
    hours = gross // 1500 * 100  # about 15 € an hour, in hundredths of hours
    leave = np.where(np.array(included), 0, hours // 10)
    deduction, exemption = relief_v(
        stack,
        which,
        sums,
        case=np.array([EXEMPTION_CODES[c] for c in cases]),
        leave_included=np.array(included),
        hours=hours,
        leave_hours=leave,
    )
    for i, w in enumerate(which.tolist()):
        p = plans[w]
        mine = [c for line, c in zip(stack.employer.codes, employer[i].tolist(), strict=True)]
        lines = [mine[stack.employer.codes.index(line.code)] for line in p.employer]
        expected = relief(
            p,
            lines,
            case=cases[i],
            leave_included=included[i],
            hours=int(hours[i]),
            leave_hours=int(leave[i]),
        )
        assert (int(deduction[i]), int(exemption[i])) == (expected.deduction, expected.exemption)


def test_the_70_plus_cap_follows_the_paid_leave_mode() -> None:
    p = plan(6)
    capped, uncapped = p.age_70_caps[True], p.age_70_caps[False]
    assert capped > uncapped  # 10 % uplift included: a higher cap
    employer = [100_000] * len(p.employer)
    for included, cap in ((True, capped), (False, uncapped)):
        result = relief(p, employer, case="age_70", leave_included=included, hours=0, leave_hours=0)
        assert result.exemption == cap


def test_share_cap_shares_by_largest_remainder_ties_by_id() -> None:
    # 100 cents shared 1:1:1 → 33.33 each: the extra cent to the first id.
    assert share_cap(100, {"b": 10, "a": 10, "c": 10}) == {"a": 34, "b": 33, "c": 33}
    # 100 cents shared 2:1 → 66.67 / 33.33: the larger remainder gets the cent.
    assert share_cap(100, {"x": 20, "y": 10}) == {"x": 67, "y": 33}
    # ... also when that is the later id.
    assert share_cap(100, {"a": 10, "b": 20}) == {"a": 33, "b": 67}
    # Listing order never matters.
    assert share_cap(7, {"z": 5, "y": 3}) == share_cap(7, {"y": 3, "z": 5}) == {"y": 3, "z": 4}


# ---------------------------------------------------------------------------------------------
# Tax side


@KERNEL
@given(
    st.lists(st.integers(0, len(PLAN_KEYS) - 1), min_size=1, max_size=4, unique=True),
    st.data(),
)
def test_tax_v_is_tax_on_each_row_including_the_thresholds(keys: list[int], data: Any) -> None:
    plans = [plan(k) for k in keys]
    stack = stack_plans(plans)
    n = 16
    which = data.draw(st.lists(st.integers(0, len(plans) - 1), min_size=n, max_size=n))
    rows = []
    for w in which:
        p = plans[w]
        thresholds = list(p.pas_thresholds) or [0]
        edge = data.draw(st.sampled_from(thresholds))
        taxable = data.draw(st.sampled_from([edge - 1, edge, edge + 1]) | st.integers(0, 900_000))
        taxable = max(taxable, 0)
        net = taxable - data.draw(st.integers(0, 5_000))
        contributions = data.draw(st.integers(0, 80_000))
        pas_rate = data.draw(st.sampled_from([None, 0, 750, 4300]))
        aids = data.draw(st.sampled_from([0, net + contributions, (net + contributions) // 3]))
        cesu_plus = data.draw(st.booleans())
        rows.append((taxable, max(net, 0), contributions, pas_rate, max(aids, 0), cesu_plus))
    col = list(zip(*rows, strict=True))
    out = tax_v(
        stack,
        np.array(which, dtype=np.int64),
        net_taxable=np.array(col[0], dtype=np.int64),
        net=np.array(col[1], dtype=np.int64),
        contributions=np.array(col[2], dtype=np.int64),
        pas_rate=np.array([-1 if r is None else r for r in col[3]], dtype=np.int64),
        aids=np.array(col[4], dtype=np.int64),
        cesu_plus=np.array(col[5], dtype=bool),
    )
    for i, (taxable, net, contributions, pas_rate, aids, cesu_plus) in enumerate(rows):
        p = plans[which[i]]
        expected = tax(
            p,
            net=net,
            net_taxable=taxable,
            contributions=contributions,
            pas_rate=pas_rate,
            non_resident=p.non_resident,
            aids=aids,
            cesu_plus=cesu_plus,
        )
        got = {name: int(values[i]) for name, values in out.items()}
        assert got["pas_rate"] == (-1 if expected.pas_rate is None else expected.pas_rate)
        assert got["pas_amount"] == expected.pas
        assert got["tax_credit"] == expected.credit
        assert got["advance"] == expected.advance
        assert got["urssaf_debit"] == expected.urssaf_debit
        assert got["paid_to_employee"] == expected.paid_to_employee


def test_a_net_taxable_on_a_threshold_takes_that_brackets_rate() -> None:
    p = plan(6)
    for k, threshold in enumerate(p.pas_thresholds[1:6], start=1):
        on = tax(
            p,
            net=0,
            net_taxable=threshold,
            contributions=0,
            pas_rate=None,
            non_resident=False,
            aids=0,
            cesu_plus=False,
        )
        below = tax(
            p,
            net=0,
            net_taxable=threshold - 1,
            contributions=0,
            pas_rate=None,
            non_resident=False,
            aids=0,
            cesu_plus=False,
        )
        assert (on.pas_rate, below.pas_rate) == (p.pas_rates[k], p.pas_rates[k - 1])


def test_aids_reduce_the_advance_and_the_credit() -> None:
    p = plan(6)
    full = tax(
        p,
        net=100_000,
        net_taxable=100_000,
        contributions=50_000,
        pas_rate=0,
        non_resident=False,
        aids=0,
        cesu_plus=True,
    )
    aided = tax(
        p,
        net=100_000,
        net_taxable=100_000,
        contributions=50_000,
        pas_rate=0,
        non_resident=False,
        aids=30_000,
        cesu_plus=True,
    )
    assert (full.advance, full.credit) == (75_000, 75_000)
    assert (aided.advance, aided.credit) == (60_000, 60_000)
    assert aided.urssaf_debit == 150_000 - 60_000
    # A personal rate of 0 % withholds nothing, whatever the grid says.
    assert full.pas_rate == 0
    assert full.pas == 0


# ---------------------------------------------------------------------------------------------
# Checks


@pytest.mark.parametrize("alone", [True, False], ids=["one plan", "two plans"])
def test_check_inputs_v_takes_the_minimum_of_each_rows_paid_leave_mode(alone: bool) -> None:
    """The minimum-wage check of the vector path, on a stack of one plan (its scalar branch)
    and of two: each row compared with the SMIC or 110 % of it by its paid-leave mode, a
    gross given as is, a net hourly near the minimum inverted exactly."""
    p = plan(6)
    stack = PlanStack([p] if alone else [p, plan(0)])
    (smic, uplifted), (net_min, net_min_uplifted) = p.minimum, p.minimum_net
    rows = [  # (gross hourly, net hourly, paid leave included, refused)
        (smic, -1, False, False),
        (smic - 1, -1, False, True),
        (smic, -1, True, True),
        (uplifted, -1, True, False),
        (-1, net_min, False, False),
        (-1, net_min - 1, False, True),
        (-1, net_min, True, True),  # above the safe net apart, under it with the uplift
        (-1, net_min_uplifted, True, False),
        (-1, net_min_uplifted - 1, True, True),
    ]
    n = len(rows)
    cols = {
        "hours": np.full(n, 1000),
        "gross_hourly": np.array([r[0] for r in rows]),
        "net_hourly": np.array([r[1] for r in rows]),
        "net_monthly": np.full(n, -1),
        "paid_leave_hours": np.zeros(n, dtype=np.int64),
        "pas_rate": np.full(n, -1),
        "included": np.array([r[2] for r in rows]),
    }
    found = check_inputs_v(stack, np.zeros(n, dtype=np.int64), cols, np.full(n, -1))
    assert (found["codes"] >= 0).tolist() == [r[3] for r in rows]
    assert found["minimum"].tolist() == [uplifted if r[2] else smic for r in rows]


def test_a_stack_needs_a_plan() -> None:
    with pytest.raises(ValueError, match="a plan stack needs at least one plan"):
        PlanStack([])


def test_the_pas_lookup_on_every_threshold_and_far_above_the_last() -> None:
    """The coarse lookup table of the PAS grids gives the grid's own bracket for a net
    taxable on each threshold, a cent under it, and far above the last one, in a stack of
    plans with different grids."""
    plans = [plan(k) for k in range(len(PLAN_KEYS)) if plan(k).pas_thresholds]
    stack = stack_plans(plans)
    which, taxable = [], []
    for w, p in enumerate(plans):
        for t in p.pas_thresholds:
            for x in (t - 1, t, t + 1):
                if x >= 0:
                    which.append(w)
                    taxable.append(x)
        which += [w, w]
        taxable += [p.pas_thresholds[-1] * 3, 10**9]  # far above the top bracket
    got = stack.pas_bracket_rate(np.array(which), np.array(taxable, dtype=np.int64))
    expected = [pas_rate_of(plans[w], x) for w, x in zip(which, taxable, strict=True)]
    assert got.tolist() == expected
