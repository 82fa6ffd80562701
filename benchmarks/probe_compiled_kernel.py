# ruff: noqa: PLR0912, PLR0915, PLR0917, SIM108, N803, N806
# (one compiled loop in payslip order; numba takes its arrays positionally)
"""Probe: what a compiled kernel would buy — the shipped policies' payslip fused into one
numba loop per row, over the same stacked month plans, against the engine's numpy pass.

Not part of the engine. Issue 12 asks for ≥ 5 M rows/s of compute on one core; the engine's
whole-array numpy passes give ~1.5 M. This probe answers "would a compiled kernel reach it?"
with a measurement instead of a guess: it mirrors :func:`cesu_rules.calc.estimate.compute_v`
for the shipped policies (inversion ``monthly``, totals ``each_line``) step by step, reading
the same :class:`~cesu_rules.calc.stack.PlanStack` arrays (rates, caps, flags, segments, PAS
tables, relief caps), **checks that it gives every figure of every row equal to the numpy
pass** on the benchmark's random cases, then times both:

* the compute step alone (``compute_v`` vs the compiled loop, best of N, one thread);
* the whole ``compute_batch`` (reading the columns, resolving the plans, the checks, the
  compute) with each, i.e. what a user of the batch would see.

Needs numba (``pip install numba``; not a dependency of cesu-rules). Run:
``python benchmarks/probe_compiled_kernel.py [--rows 1000000] [--record]``.
"""

from __future__ import annotations

import argparse
import importlib.util
from typing import Any

import numpy as np
from _common import best_seconds, record
from bench_stream import cases

from cesu_rules import batch as batch_module
from cesu_rules import default_ruleset
from cesu_rules.batch import OUTPUT_COLUMNS, compute_batch
from cesu_rules.calc.estimate import compute_v
from cesu_rules.calc.messages import CHECK_CODES
from cesu_rules.calc.relief import CAPPED_CODES, EXEMPTION_CODES
from cesu_rules.calc.stack import PlanStack
from cesu_rules.calc.wage import SEARCH_CENTS
from cesu_rules.stream import CHUNK_ROWS
from cesu_rules.tables import table_columns

FIGURES = (*OUTPUT_COLUMNS, "pas_rate", "codes")  # compute_v's keys, the kernel's rows
_KERNELS: dict[int, Any] = {}


def _kernel(unit: int) -> Any:
    if unit not in _KERNELS:
        _KERNELS[unit] = _build(unit)
    return _KERNELS[unit]


def compute_fused(stack: PlanStack, plan: Any, cols: dict[str, Any]) -> dict[str, Any]:
    """:func:`~cesu_rules.calc.estimate.compute_v` under the ``monthly`` / ``each_line``
    policies, by the compiled kernel: the same inputs, the same figures (int64 cents)."""
    np = stack.np
    n = len(cols["hours"])
    out = np.zeros((len(FIGURES), n), dtype=np.int64)
    if n == 0:
        return dict(zip(FIGURES, out, strict=True))
    plans = np.zeros(n, dtype=np.int64) if stack.single else np.ascontiguousarray(plan)
    ee, er = stack.employee, stack.employer
    capped = np.zeros(max(EXEMPTION_CODES.values()) + 1, dtype=np.bool_)
    capped[list(CAPPED_CODES)] = True
    found = _kernel(stack.unit)(
        n,
        plans,
        *(
            np.ascontiguousarray(cols[name], dtype=np.int64)
            for name in (
                "hours",
                "net_hourly",
                "gross_hourly",
                "net_monthly",
                "paid_leave_hours",
                "pas_rate",
                "aids",
                "exemption",
            )
        ),
        np.ascontiguousarray(cols["included"], dtype=np.bool_),
        np.ascontiguousarray(cols["cesu_plus"], dtype=np.bool_),
        # the plans
        stack.share_den,
        stack.share_num,
        stack.pss,
        stack.net_end[0],
        stack.net_end[1],
        stack.free[0],
        stack.free[1],
        stack.free[2],
        # the lines of each side
        ee.base.astype(np.int64),
        ee.rate,
        ee.cap,
        ee.taxable,
        er.base.astype(np.int64),
        er.rate,
        er.cap,
        er.exemption,
        er.deduction,
        # reliefs
        stack.age_70_caps,
        stack.deduction_per_hour,
        EXEMPTION_CODES["none"],
        capped,
        # tax
        stack.withholds,
        stack.pas_grid,
        stack.pas_shift,
        stack.pas_buckets,
        stack.pas_table,
        stack.pas_width,
        stack.pas_next,
        stack.pas_rates,
        stack.credit_rate,
        stack.advance_rate,
        CHECK_CODES["aids_above_expense"],
        SEARCH_CENTS,
        out,
    )
    if found >= 0:  # as _search_v: the scalar path raises the same
        raise AssertionError("no gross leaves the declared net with per-line rounding")
    return dict(zip(FIGURES, out, strict=True))


def _build(UNIT: int) -> Any:
    import numba  # noqa: PLC0415 - optional: the numpy path runs without it

    # The output row of each figure (constants of the compiled code).
    GROSS_HOURLY = FIGURES.index("gross_hourly")
    NET_HOURLY = FIGURES.index("net_hourly")
    GROSS = FIGURES.index("gross")
    NET = FIGURES.index("net")
    NET_TAXABLE = FIGURES.index("net_taxable")
    EMPLOYEE_TOTAL = FIGURES.index("employee_total")
    EMPLOYER_TOTAL_BEFORE_RELIEF = FIGURES.index("employer_total_before_relief")
    DEDUCTION = FIGURES.index("deduction")
    EXEMPTION = FIGURES.index("exemption")
    EMPLOYER_TOTAL = FIGURES.index("employer_total")
    URSSAF_DEBIT = FIGURES.index("urssaf_debit")
    TOTAL_COST = FIGURES.index("total_cost")
    PAS_AMOUNT = FIGURES.index("pas_amount")
    NET_AFTER_PAS = FIGURES.index("net_after_pas")
    PAID_TO_EMPLOYEE = FIGURES.index("paid_to_employee")
    TAX_CREDIT = FIGURES.index("tax_credit")
    ADVANCE = FIGURES.index("advance")
    COST_AFTER_CREDIT = FIGURES.index("cost_after_credit")
    PAS_RATE = FIGURES.index("pas_rate")
    CODES = FIGURES.index("codes")

    @numba.njit(nogil=True, cache=False, inline="always")
    def half_up(units: int, unit: int) -> int:
        # calc.contributions.half_up
        return (2 * units + unit) // (2 * unit)

    half = UNIT // 2
    if UNIT % 2 == 0:

        @numba.njit(nogil=True, cache=False, inline="always")
        def line_cents(units: int) -> int:
            # side_sums_v: halves up, as (units + unit/2) // unit when the unit is even
            return (units + half) // UNIT
    else:

        @numba.njit(nogil=True, cache=False, inline="always")
        def line_cents(units: int) -> int:
            return (2 * units + UNIT) // (2 * UNIT)

    @numba.njit(nogil=True, cache=False, inline="always")
    def bases(gross: int, pss: int, share_num: int, den: int) -> tuple[int, int, int, int]:
        # calc.contributions.bases_v
        capped_4 = min(gross, 4 * pss)
        return (
            gross * den,
            min(gross, pss) * den,
            capped_4 * den,
            capped_4 * share_num + (gross - capped_4) * den,
        )

    @numba.njit(nogil=True, cache=False)
    def employee_sums(
        gross: int,
        p: int,
        den: int,
        share_num: Any,
        pss: Any,
        base_of: Any,
        rate: Any,
        cap: Any,
        taxable: Any,
    ) -> tuple[int, int]:
        # side_sums_v("employee"): (total, taxable part)
        b = bases(gross, pss[p], share_num[p], den)
        total = 0
        tax = 0
        for j in range(base_of.shape[0]):
            r = rate[p, j]
            if r == 0:
                continue
            amount = b[base_of[j]] * r
            amount = min(amount, cap[p, j])
            c = line_cents(amount)
            total += c
            if taxable[p, j]:
                tax += c
        return total, tax

    @numba.njit(nogil=True, cache=False)
    def kernel(  # type: ignore[no-untyped-def]
        n,
        plans,
        hours,
        net_hourly,
        gross_hourly,
        net_monthly,
        leave_hours,
        pas_rate,
        aids,
        exemption,
        included,
        cesu_plus,
        den,
        share_num,
        pss,
        end0,
        end1,
        free0,
        free1,
        free2,
        ee_base,
        ee_rate,
        ee_cap,
        ee_taxable,
        er_base,
        er_rate,
        er_cap,
        er_exemption,
        er_deduction,
        age_70_caps,
        deduction_per_hour,
        none_code,
        capped,
        withholds,
        pas_grid,
        pas_shift,
        pas_buckets,
        pas_table,
        pas_width,
        pas_next,
        pas_rates,
        credit_rate,
        advance_rate,
        aids_code,
        search_cents,
        out,
    ):
        for i in range(n):
            p = plans[i]
            h = hours[i]
            if h <= 0:
                continue  # refused rows are not passed here; a guard against dividing by 0
            # -- calc.wage.wage_v (monthly, each_line): the net, then the gross
            from_gross = gross_hourly[i] >= 0
            monthly = net_monthly[i] >= 0
            if monthly:
                net = net_monthly[i]
            else:
                net = half_up(max(net_hourly[i], 0) * h, 100)
            if from_gross:
                gross = half_up(gross_hourly[i] * h, 100)
                ee_total, ee_tax = employee_sums(
                    gross, p, den, share_num, pss, ee_base, ee_rate, ee_cap, ee_taxable
                )
                net = gross - ee_total
                gross_h = gross_hourly[i]
            else:
                # exact_gross_v (scale 1): the segment of the net, its free share
                xu = net * UNIT
                if xu > end1[p]:
                    start, end, free = 4 * pss[p], end1[p], free2[p]
                elif xu > end0[p]:
                    start, end, free = pss[p], end0[p], free1[p]
                else:
                    start, end, free = 0, 0, free0[p]
                num = start * free + xu - end
                # _search_v: the nearest gross, then a cent each way, alternately
                nearest = -((free - 2 * num) // (2 * free))
                step = 1 if num > nearest * free else -1
                gross = nearest
                ee_total, ee_tax = employee_sums(
                    gross, p, den, share_num, pss, ee_base, ee_rate, ee_cap, ee_taxable
                )
                k = 0
                while gross - ee_total != net:
                    k += 1
                    if k > 2 * search_cents:
                        return i
                    offset = (k + 1) // 2
                    gross = nearest + (offset if k % 2 else -offset) * step
                    ee_total, ee_tax = employee_sums(
                        gross, p, den, share_num, pss, ee_base, ee_rate, ee_cap, ee_taxable
                    )
                gross_h = half_up(gross * 100, h)
            if from_gross or monthly:
                net_h = half_up(net * 100, h)
            else:
                net_h = net_hourly[i]
            # -- calc.contributions.side_sums_v("employer")
            b = bases(gross, pss[p], share_num[p], den)
            er_total = 0
            er_ex = 0
            er_ded = 0
            for j in range(er_base.shape[0]):
                r = er_rate[p, j]
                if r == 0:
                    continue
                amount = b[er_base[j]] * r
                amount = min(amount, er_cap[p, j])
                c = line_cents(amount)
                er_total += c
                if er_exemption[p, j]:
                    er_ex += c
                if er_deduction[p, j]:
                    er_ded += c
            # -- calc.relief.relief_v
            case = exemption[i]
            if case != none_code:
                ex = er_ex
                if capped[case]:
                    cap = age_70_caps[p, 1] if included[i] else age_70_caps[p, 0]
                    ex = min(ex, cap)
                ded = 0
            else:
                ex = 0
                ded = min(half_up((h - leave_hours[i]) * deduction_per_hour[p], 100), er_ded)
            employer_total = er_total - ded - ex
            contributions = ee_total + employer_total
            net_taxable = net + ee_tax
            expense = net + contributions
            # -- calc.tax.tax_v
            if pas_rate[i] >= 0:
                rate = pas_rate[i]
            else:  # PlanStack.pas_bracket_rate
                g = pas_grid[p]
                bucket = min(max(net_taxable >> pas_shift, 0), pas_buckets - 1)
                slot = g * pas_width + pas_table[g * pas_buckets + bucket]
                if net_taxable >= pas_next[slot]:
                    slot += 1
                rate = pas_rates[slot]
            pas = half_up(net_taxable * rate, 10_000) if withholds[p] else 0
            eligible = expense - aids[i]
            credit = half_up(eligible * credit_rate[p], 10_000)
            advance = 0
            if cesu_plus[i] and advance_rate[p] >= 0:
                advance = half_up(eligible * advance_rate[p], 10_000)
            out[GROSS_HOURLY, i] = gross_h
            out[NET_HOURLY, i] = net_h
            out[GROSS, i] = gross
            out[NET, i] = net
            out[NET_TAXABLE, i] = net_taxable
            out[EMPLOYEE_TOTAL, i] = ee_total
            out[EMPLOYER_TOTAL_BEFORE_RELIEF, i] = er_total
            out[DEDUCTION, i] = ded
            out[EXEMPTION, i] = ex
            out[EMPLOYER_TOTAL, i] = employer_total
            out[URSSAF_DEBIT, i] = expense - advance if cesu_plus[i] else contributions + pas
            out[TOTAL_COST, i] = expense
            out[PAS_AMOUNT, i] = pas
            out[NET_AFTER_PAS, i] = net - pas
            out[PAID_TO_EMPLOYEE, i] = 0 if cesu_plus[i] else net - pas
            out[TAX_CREDIT, i] = credit
            out[ADVANCE, i] = advance
            out[COST_AFTER_CREDIT, i] = expense - aids[i] - credit
            out[PAS_RATE, i] = rate if withholds[p] else -1
            out[CODES, i] = aids_code if aids[i] > expense else -1
        return -1

    return kernel


def _capture(chunks: list[Any]) -> list[tuple[PlanStack, Any, dict[str, Any]]]:
    """The (stack, plan, columns) compute_v receives for each chunk (numpy pass)."""
    seen: list[tuple[PlanStack, Any, dict[str, Any]]] = []

    def spy(stack: PlanStack, plan: Any, cols: dict[str, Any], inversion: str, totals: str) -> Any:
        assert (inversion, totals) == ("monthly", "each_line"), "the shipped policies only"
        seen.append((stack, plan, cols))
        return compute_v(stack, plan, cols, inversion, totals)

    setattr(batch_module, "compute_v", spy)  # noqa: B010 - the probe spies on the batch
    try:
        for chunk in chunks:
            compute_batch(chunk, default_ruleset())
    finally:
        setattr(batch_module, "compute_v", compute_v)  # noqa: B010
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7, help="best of N (default 7)")
    parser.add_argument("--record", action="store_true", help="append to RESULTS.md")
    args = parser.parse_args()
    if importlib.util.find_spec("numba") is None:
        raise SystemExit("the probe needs numba, which cesu-rules does not: pip install numba")
    table = cases(args.rows, seed=99)
    chunks = [table_columns(table.slice(i, CHUNK_ROWS))[0] for i in range(0, args.rows, CHUNK_ROWS)]
    parts = _capture(chunks)
    rows = sum(len(cols["hours"]) for _, _, cols in parts)
    for stack, plan, cols in parts:  # equal first, then timed
        mine = compute_fused(stack, plan, cols)
        theirs = compute_v(stack, plan, cols, "monthly", "each_line")
        for name in FIGURES:
            if not np.array_equal(mine[name], theirs[name]):
                raise SystemExit(f"the compiled kernel differs from compute_v on {name}")

    def numpy_pass() -> None:
        for stack, plan, cols in parts:
            compute_v(stack, plan, cols, "monthly", "each_line")

    def compiled_pass() -> None:
        for stack, plan, cols in parts:
            compute_fused(stack, plan, cols)

    def fused_v(stack: PlanStack, plan: Any, cols: dict[str, Any], *policy: str) -> Any:
        return compute_fused(stack, plan, cols)

    def whole_batch() -> None:
        for chunk in chunks:
            compute_batch(chunk, default_ruleset())

    numpy_s = best_seconds(numpy_pass, args.repeat)
    compiled_s = best_seconds(compiled_pass, args.repeat)
    batch_s = best_seconds(whole_batch, args.repeat)
    setattr(batch_module, "compute_v", fused_v)  # noqa: B010
    try:
        batch_fused_s = best_seconds(whole_batch, args.repeat)
    finally:
        setattr(batch_module, "compute_v", compute_v)  # noqa: B010
    lines = [
        f"probe, {args.rows:,} random rows ({rows:,} computed, "
        f"{args.rows - rows:,} refused by the checks), one thread, best of {args.repeat}: the "
        "compiled kernel gives every figure of every row equal to "
        "the numpy pass",
        f"compute step: numpy compute_v {rows / numpy_s / 1e6:.2f} M rows/s, compiled "
        f"(numba) {rows / compiled_s / 1e6:.2f} M rows/s ({numpy_s / compiled_s:.1f}x)",
        f"whole compute_batch (read, plans, checks, compute): with numpy "
        f"{args.rows / batch_s / 1e6:.2f} M rows/s, with the compiled kernel "
        f"{args.rows / batch_fused_s / 1e6:.2f} M rows/s ({batch_s / batch_fused_s:.2f}x)",
    ]
    print("\n".join(lines))
    if args.record:
        record("probe_compiled_kernel.py", lines)


if __name__ == "__main__":
    main()
