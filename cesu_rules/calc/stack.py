"""The month plans stacked for the vector path: rows of many months, territories and
residences computed together by one set of array operations (no per-group Python).

The lines of every plan are put on common *slots* per side (one slot per line code and base;
a plan without the line has rate 0 there), every rate and share on common denominators, and
each row gathers its plan's parameters by its plan number. With a single plan, parameters are
plain scalars and numpy broadcasts them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from .._cache import BoundedCache
from .plan import INT64_SAFE, LINE_ORDER, MonthPlan

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt

__all__ = ["PlanStack", "SlotColumn", "stack_plans"]


class SlotColumn(NamedTuple):
    """One slot of a side, ready for the per-line kernel: each field is a plain value when
    every stacked plan has the same one (no per-row gather), else a per-plan array."""

    base: int  # which of the four bases
    rate: Any  # int, or (plans,) int64: the rate on the common unit (0 where absent)
    cap: Any  # None when no plan caps the line, int, or (plans,) int64
    taxable: Any  # bool, or (plans,) bool
    exemption: Any
    deduction: Any


class PlanStack:
    """Plans stacked into numpy arrays, indexed by a per-row plan number (see the module)."""

    def __init__(self, plans: Sequence[MonthPlan]) -> None:
        import numpy as np  # noqa: PLC0415 - the vector path needs numpy, the scalar path not

        if not plans:
            raise ValueError("a plan stack needs at least one plan")
        self.np = np
        self.plans = tuple(plans)
        self.single = len(plans) == 1
        share_den = max(p.share_den for p in plans)
        rate_den = max(p.rate_den for p in plans)
        self.unit = share_den * rate_den
        self.share_den = share_den
        i64 = np.int64

        def column(values: Sequence[int]) -> npt.NDArray[np.int64]:
            return np.array(values, dtype=i64)

        self.share_num = column([p.share_num * (share_den // p.share_den) for p in plans])
        self.pss = column([p.pss for p in plans])
        scale = [self.unit // p.unit for p in plans]
        self.slopes = np.array(
            [[s * k for s in p.slopes] for p, k in zip(plans, scale, strict=True)], dtype=i64
        )
        ends = [
            (pss * (self.unit - s[0]), pss * (self.unit - s[0]) + 3 * pss * (self.unit - s[1]))
            for pss, s in zip(self.pss.tolist(), self.slopes.tolist(), strict=True)
        ]
        self.minimum = np.array([p.minimum for p in plans], dtype=i64)
        self.safe_net = np.array([p.safe_net for p in plans], dtype=i64)
        self.minimum_net = np.array([p.minimum_net for p in plans], dtype=i64)
        self.max_hours = column([p.max_hours for p in plans])
        self.leave_threshold = column([p.leave_threshold for p in plans])
        self.deduction_per_hour = column([p.deduction_per_hour for p in plans])
        self.age_70_caps = np.array([p.age_70_caps for p in plans], dtype=i64)
        self.credit_rate = column([p.credit_rate for p in plans])
        self.advance_rate = column(
            [-1 if p.advance_rate is None else p.advance_rate for p in plans]
        )
        self.inversion = tuple(p.inversion for p in plans)
        self.totals = tuple(p.totals for p in plans)
        self.employee = _Slots(np, plans, "employee", rate_den, share_den)
        self.employer = _Slots(np, plans, "employer", rate_den, share_den)
        # The PAS grids, each distinct one once, with a coarse lookup table: a net taxable's
        # bracket is the table's entry for its bucket (buckets narrower than any bracket),
        # plus one if it reaches the next threshold — two gathers, no search.
        grids: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
        for p in plans:
            grids.setdefault((p.pas_thresholds or (0,), p.pas_rates or (0,)), len(grids))
        self.pas_grid = column(
            [grids[(p.pas_thresholds or (0,), p.pas_rates or (0,))] for p in plans]
        )
        self.withholds = np.array([p.pas_applies and not p.non_resident for p in plans])
        self._pas_tables(np, list(grids))
        # The net → gross inverse, per plan: the net at the end of the first two segments and
        # the free share (unit − slope) on each segment (see calc.wage.exact_gross).
        self.net_end = (column([e[0] for e in ends]), column([e[1] for e in ends]))
        self.free = tuple(
            column([self.unit - s[k] for s in self.slopes.tolist()]) for k in range(3)
        )

    def _pas_tables(self, np: Any, grids: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> None:
        gaps = [b - a for thresholds, _ in grids for a, b in itertools.pairwise(thresholds)]
        shift = max(min(gaps, default=1 << 20), 1).bit_length() - 1  # 2**shift <= every gap
        top = max(t for thresholds, _ in grids for t in thresholds)
        buckets = (top >> shift) + 1
        width = max(len(thresholds) for thresholds, _ in grids) + 1
        table = np.zeros((len(grids), buckets), dtype=np.int64)
        following = np.full((len(grids), width), INT64_SAFE, dtype=np.int64)
        rates = np.zeros((len(grids), width), dtype=np.int64)
        starts = np.arange(buckets, dtype=np.int64) << shift
        for g, (thresholds, grid_rates) in enumerate(grids):
            bounds = np.array(thresholds, dtype=np.int64)
            table[g] = np.searchsorted(bounds, starts, side="right") - 1
            following[g, : len(bounds) - 1] = bounds[1:]
            rates[g, : len(grid_rates)] = grid_rates
        self.pas_shift = shift
        self.pas_buckets = buckets
        self.pas_table = table.ravel()  # (grid, bucket) → bracket
        self.pas_width = width
        self.pas_next = following.ravel()  # (grid, bracket) → the next bracket's threshold
        self.pas_rates = rates.ravel()  # (grid, bracket) → rate

    def pas_bracket_rate(self, plan: Any, net_taxable: Any) -> Any:
        """The taux neutre (hundredths of %) of each row's net taxable in its plan's grid
        (a net taxable equal to a threshold takes that threshold's bracket)."""
        np = self.np
        grid = self.take(self.pas_grid, plan)
        bucket = np.clip(net_taxable >> self.pas_shift, 0, self.pas_buckets - 1)
        bracket = self.pas_table[grid * self.pas_buckets + bucket]
        slot = grid * self.pas_width + bracket
        bracket_slot = slot + (net_taxable >= self.pas_next[slot])
        return self.pas_rates[bracket_slot]

    def take(self, values: Any, plan: Any) -> Any:
        """Per-row values of a per-plan array (a scalar when there is one plan)."""
        return values[0] if self.single else values[plan]

    def pick(self, value: Any, plan: Any) -> Any:
        """Per-row values of a :class:`SlotColumn` field: itself when it is one value."""
        return value[plan] if isinstance(value, self.np.ndarray) else value


class _Slots:
    """The lines of one side across stacked plans: rates, caps and masks per (plan, slot)."""

    def __init__(
        self, np: Any, plans: Sequence[MonthPlan], side: str, rate_den: int, share_den: int
    ) -> None:
        slots: dict[tuple[str, int], None] = {}
        for p in plans:
            for line in getattr(p, side):
                slots.setdefault((line.code, line.base), None)
        keys = sorted(slots, key=lambda k: (LINE_ORDER.get(k[0], 99), k[0], k[1]))
        index = {k: i for i, k in enumerate(keys)}
        shape = (len(plans), len(keys))
        self.codes = tuple(k[0] for k in keys)
        self.base = np.array([k[1] for k in keys], dtype=np.intp)
        self.rate = np.zeros(shape, dtype=np.int64)
        self.cap = np.full(shape, INT64_SAFE, dtype=np.int64)
        self.exemption = np.zeros(shape, dtype=bool)
        self.deduction = np.zeros(shape, dtype=bool)
        self.taxable = np.zeros(shape, dtype=bool)
        self.present = np.zeros(shape, dtype=bool)
        unit = share_den * rate_den
        for row, p in enumerate(plans):
            for line in getattr(p, side):
                col = index[(line.code, line.base)]
                self.rate[row, col] = line.rate_num * (rate_den // p.rate_den)
                if line.cap is not None:
                    self.cap[row, col] = line.cap * (unit // p.unit)
                self.exemption[row, col] = line.exemption
                self.deduction[row, col] = line.deduction
                self.taxable[row, col] = line.taxable
                self.present[row, col] = True
        # The scale that turns a row's share_den-scaled base into the common one.
        self.share_scale = share_den
        self.capped = bool((self.cap < INT64_SAFE).any())
        self.full = bool(self.present.all())  # every plan has every line
        self.columns = tuple(
            SlotColumn(
                int(self.base[j]),
                _plain(np, self.rate[:, j]),
                None if (self.cap[:, j] >= INT64_SAFE).all() else _plain(np, self.cap[:, j]),
                _plain(np, self.taxable[:, j]),
                _plain(np, self.exemption[:, j]),
                _plain(np, self.deduction[:, j]),
            )
            for j in range(len(keys))
        )

    def __len__(self) -> int:
        return len(self.codes)


def _plain(np: Any, column: Any) -> Any:
    """A per-plan column as one Python value when every plan has the same, else the array."""
    first = column[0]
    if bool((column == first).all()):
        return bool(first) if column.dtype == bool else int(first)
    return np.ascontiguousarray(column)


_STACKS: BoundedCache[tuple[tuple[str, date, str, bool], ...], PlanStack] = BoundedCache(
    "plan stacks", 64
)


def stack_plans(plans: Sequence[MonthPlan]) -> PlanStack:
    """The stack of ``plans`` (cached by their keys: a stream of chunks reuses it)."""
    key = tuple(p.key for p in plans)
    return _STACKS.get_or_build(key, lambda: PlanStack(plans))
