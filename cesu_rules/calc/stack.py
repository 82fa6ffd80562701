"""The month plans stacked for the vector path: rows of many months, territories and
residences computed together by one set of array operations (no per-group Python).

The lines of every plan are put on common *slots* per side (one slot per line code and base;
a plan without the line has rate 0 there), every rate and share on common denominators, and
each row gathers its plan's parameters by its plan number. With a single plan, parameters are
plain scalars and numpy broadcasts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from .._cache import BoundedCache
from .plan import INT64_SAFE, LINE_ORDER, MAX_GROSS_CENTS, MonthPlan

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt

__all__ = ["PlanStack", "stack_plans"]


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
        self.pas_applies = np.array([p.pas_applies for p in plans], dtype=bool)
        self.non_resident = np.array([p.non_resident for p in plans], dtype=bool)
        self.inversion = tuple(p.inversion for p in plans)
        self.totals = tuple(p.totals for p in plans)
        self.employee = _Slots(np, plans, "employee", rate_den, share_den)
        self.employer = _Slots(np, plans, "employer", rate_den, share_den)
        # The PAS grids, concatenated with each plan's thresholds offset by its number, so one
        # searchsorted finds every row's bracket (plans without PAS get one 0 % bracket).
        offset = 2 * MAX_GROSS_CENTS
        keys: list[int] = []
        rates: list[int] = []
        for k, p in enumerate(plans):
            thresholds = p.pas_thresholds or (0,)
            keys.extend(k * offset + t for t in thresholds)
            rates.extend(p.pas_rates or (0,))
        self.pas_offset = offset
        self.pas_keys = column(keys)
        self.pas_rates = column(rates)

    def take(self, values: Any, plan: Any) -> Any:
        """Per-row values of a per-plan array (a scalar when there is one plan)."""
        return values[0] if self.single else values[plan]


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

    def __len__(self) -> int:
        return len(self.codes)


_STACKS: BoundedCache[tuple[tuple[str, date, str, bool], ...], PlanStack] = BoundedCache(
    "plan stacks", 64
)


def stack_plans(plans: Sequence[MonthPlan]) -> PlanStack:
    """The stack of ``plans`` (cached by their keys: a stream of chunks reuses it)."""
    key = tuple(p.key for p in plans)
    return _STACKS.get_or_build(key, lambda: PlanStack(plans))
