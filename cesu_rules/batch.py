"""The batch engine: many monthly estimates at once, to the same cent as the scalar path.

Every rule is in the vector forms of :mod:`cesu_rules.calc`, computed on the same
:class:`~cesu_rules.calc.plan.MonthPlan` as :func:`cesu_rules.estimate`: rows of any month,
territory and residence are computed together on a :class:`~cesu_rules.calc.plan.PlanStack`
(each row gathers its plan's parameters), so there is no per-group loop. This module only
does what is specific to tables of rows:

* reading the inputs in the order of their declaration (a row is refused for the same first
  reason as the scalar path), from :class:`Column` objects built by :mod:`cesu_rules.tables`;
* resolving each distinct (month, territory, residence) once;
* splitting rows by wage kind and rounding policy, and writing the figures back in order;
* the error of each refused row: its stable code and its message, rendered with the
  templates of :data:`cesu_rules.calc.inputs.CHECKS` (vectorised with pyarrow).

numpy and pyarrow are needed (``pip install 'cesu-rules[batch]'``).

Size: above 400 lines because grouping by plan, the registry of stacked plans and the
error columns are one pipeline over the same arrays.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ._cache import BoundedCache
from .calc.estimate import compute_v
from .calc.inputs import INPUTS, read_value
from .calc.messages import CHECKS
from .calc.plan import MonthPlan, plan_for
from .calc.ranges import RANGE_FIGURES, plan_candidates
from .calc.relief import EXEMPTION_CODES
from .calc.stack import PlanStack, stack_plans
from .calc.validation import check_inputs_v
from .errors import CesuRulesError
from .extras import require
from .fields import BATCH_OUTPUTS
from .rules.loader import Ruleset
from .rules.snapshot import rules_at

__all__ = [
    "CODE_INDEX",
    "ERROR_CODES",
    "OUTPUT_COLUMNS",
    "BatchError",
    "BatchResult",
    "Column",
    "compute_batch",
    "require_numpy",
    "require_pyarrow",
]

OUTPUT_COLUMNS = BATCH_OUTPUTS
# Every code a row can be refused with: the checks of the calculator, then those raised while
# reading a value or resolving the month's rules (their message comes with the row).
ERROR_CODES: tuple[str, ...] = (
    *CHECKS,
    "invalid_number",
    "invalid_month",
    "invalid_flag",
    "unknown_territory",
    "month_not_covered",
    "not_in_force",
    "ruleset_error",
)
CODE_INDEX = {code: i for i, code in enumerate(ERROR_CODES)}
_DECIMALS = tuple(name for name, spec in INPUTS if spec.kind == "decimal")
_TEXTS = tuple(name for name, spec in INPUTS if spec.kind in ("month", "choice"))
_FLAGS = tuple(name for name, spec in INPUTS if spec.kind == "flag")
_SPEC = dict(INPUTS)


class BatchError(CesuRulesError):
    """The batch engine cannot run these inputs (the message says why)."""

    default_code = "batch_error"


def require_numpy() -> Any:
    return require("numpy", "batch", "the batch engine")


def require_pyarrow() -> Any:
    return require("pyarrow", "batch", "the batch engine")


class Column(NamedTuple):
    """One input column, read.

    ``values``: int64 (cents or hundredths, −1 when empty) for a decimal, bool for a flag,
    int codes into ``vocab`` for a text column. ``refused``: the rows whose cell could not
    be read (or None), with their messages and codes in ``texts`` and ``codes`` (strings,
    only read where refused).
    """

    values: Any
    vocab: Sequence[str] | None = None
    refused: Any = None
    texts: Any = None
    codes: Any = None


@dataclass
class BatchResult:
    """The figures of every row (int64 cents, meaningless where refused) and the refusals."""

    values: dict[str, Any]
    codes: Any  # int16: index in ERROR_CODES, −1 when the row is computed
    texts: list[tuple[Any, Any]] = field(default_factory=list, repr=False)
    context: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> Any:
        return self.codes < 0

    def error_codes(self) -> Any:
        """The code of each row's refusal ("" when computed), an Arrow string array."""
        pa = require_pyarrow()
        np = require_numpy()
        names = np.array(["", *ERROR_CODES], dtype=object)
        return pa.DictionaryArray.from_arrays(
            pa.array(self.codes.astype(np.int32) + 1), pa.array(names.astype(str))
        ).cast(pa.string())

    def error_texts(self) -> Any:
        """The message of each row's refusal ("" when computed), an Arrow string array."""
        from .batch_errors import render_errors  # noqa: PLC0415 - pyarrow, on use

        return render_errors(self)


def _dictionary(np: Any, column: Column | Any) -> tuple[Any, list[str]]:
    if isinstance(column, Column):
        assert column.vocab is not None
        return np.asarray(column.values, dtype=np.int64), list(column.vocab)
    text = np.asarray(column).astype(str)
    vocab, codes = np.unique(text, return_inverse=True)
    return codes.astype(np.int64), [str(v) for v in vocab]


def compute_batch(
    columns: Mapping[str, Any],
    ruleset: Ruleset,
    progress: Callable[[int, int], None] | None = None,
    *,
    provisional: bool = False,
    ranges: bool = False,
) -> BatchResult:
    """Compute every row of ``columns`` (:class:`Column` objects, or plain arrays: int64
    cents/hundredths with −1 when empty, bools, arrays of text).

    A row the scalar path would refuse gets the same code and message; the others get the
    same figures, to the cent. ``provisional`` accepts months after the rulesets (values
    carried forward, as :func:`cesu_rules.estimate`); ``ranges`` adds ``<figure>_low`` and
    ``<figure>_high`` for every range figure: its lowest and highest value under the
    candidates of the values that are not confirmed (each tried alone, as the scalar path).
    """
    run = _Run(require_numpy(), len(_values(columns["hours"])))
    run.read(columns)
    known, plan = run.resolve(ruleset, provisional=provisional)
    if (plan >= 0).any():
        stack, plans = known.stack()
        plan = run.np.maximum(plan, 0)  # refused rows (−1) are computed on plan 0, discarded
        checked = run.check(stack, plan)
        run.compute(stack, plan)
        if ranges:
            run.ranges(plans, plan)
        run.context.update(
            cols=run.cols,
            plan=plan,
            stack=stack,
            checked_gross=checked["gross_hourly"],
            minimum=checked["minimum"],
        )
    if progress is not None:
        progress(run.n, run.n)
    return BatchResult(run.values, run.codes, run.texts, run.context)


class _Run:
    """One batch computation: the refusals so far, the columns read, the figures."""

    def __init__(self, np: Any, n: int) -> None:
        self.np = np
        self.n = n
        self.codes = np.full(n, -1, dtype=np.int16)
        self.texts: list[tuple[Any, Any]] = []  # (rows, texts) of refusals with their text
        self.cols: dict[str, Any] = {}
        self.vocab: dict[str, list[Any]] = {}
        self.values = {name: np.zeros(n, dtype=np.int64) for name in (*OUTPUT_COLUMNS, "pas_rate")}
        self.context: dict[str, Any] = {}

    def refuse(self, mask: Any, code: str, text: Any = None) -> None:
        """Refuse the rows of ``mask`` not yet refused (the first reason wins)."""
        new = mask & (self.codes < 0)
        if new.any():
            self.codes[new] = CODE_INDEX[code]
            if text is not None:
                self.texts.append((new, text))

    def one_text(self, text: str) -> Any:
        return self.np.array([text], dtype=object)

    # 1. Reading, field by field in the order of the declaration.

    def read(self, columns: Mapping[str, Any]) -> None:
        for name, spec in INPUTS:
            column = columns.get(name)
            if spec.kind in ("month", "choice"):
                self._read_text(name, spec, column)
            elif column is None:
                self._absent(name, spec)
            else:
                self._read_values(name, spec, column)
        cols = self.cols
        given = (
            (cols["net_hourly"] >= 0).astype(self.np.int8)
            + (cols["gross_hourly"] >= 0)
            + (cols["net_monthly"] >= 0)
        )
        for count, what in ((0, "neither"), (2, "2 given"), (3, "3 given")):
            text = CHECKS["wage_count"].template.format(value=what)
            self.refuse(given == count, "wage_count", self.one_text(text))

    def _read_text(self, name: str, spec: Any, column: Any) -> None:
        np = self.np
        if column is None:
            raw, vocab = np.zeros(self.n, dtype=np.int64), [""]
        else:
            raw, vocab = _dictionary(np, column)
        parsed: list[Any] = []
        for k, text in enumerate(vocab):
            try:  # an empty cell is not given: the default, or a missing month
                parsed.append(read_value(name, text or spec.default))
            except CesuRulesError as exc:
                parsed.append(None)
                self.refuse(raw == k, exc.code, self.one_text(exc.message))
        self.cols[name] = raw
        self.vocab[name] = parsed

    def _absent(self, name: str, spec: Any) -> None:
        np = self.np
        if spec.kind == "flag":
            self.cols[name] = np.zeros(self.n, dtype=bool)
            return
        self.cols[name] = np.full(self.n, -1 if spec.default is None else 0, dtype=np.int64)
        if spec.required:
            self.refuse(
                np.ones(self.n, dtype=bool), "missing_input", self.one_text(f"missing {name}")
            )

    def _read_values(self, name: str, spec: Any, column: Any) -> None:
        np = self.np
        col = column if isinstance(column, Column) else Column(np.asarray(column))
        values = np.asarray(col.values)
        if col.refused is not None and col.refused.any():
            codes = np.asarray(col.codes, dtype=object)
            for code in sorted(set(codes[col.refused])):
                self.refuse(col.refused & (codes == code), str(code), col.texts)
        if spec.kind == "decimal":
            if spec.default is not None:
                values = np.where(values < 0, 0, values)
            elif spec.required:
                missing = values < 0
                if col.refused is not None:
                    missing &= ~col.refused
                text = f"missing {name}; example: {name} {spec.example}"
                self.refuse(missing, "missing_input", self.one_text(text))
        self.cols[name] = values

    # 2. The month's rules: each distinct (month, territory, residence) once.

    def resolve(self, ruleset: Ruleset, *, provisional: bool) -> tuple[_Plans, Any]:
        np, cols = self.np, self.cols
        months, territories = self.vocab["month"], self.vocab["territory"]
        key = (cols["month"] * len(territories) + cols["territory"]) * 2 + cols[
            "non_resident"
        ].astype(np.int64)
        keys, inverse = _distinct(np, key, len(months) * len(territories) * 2)
        known = _PLANS.get_or_build(
            (ruleset.hash, provisional), lambda: _Plans(ruleset, provisional=provisional)
        )
        plan_of_key = np.full(len(keys), -1, dtype=np.int64)
        for k, value in enumerate(keys.tolist()):
            rest, non_resident = divmod(value, 2)
            m, t = divmod(rest, len(territories))
            if months[m] is None or territories[t] is None:
                continue  # refused while reading
            number = known.number(months[m], territories[t], bool(non_resident))
            if isinstance(number, CesuRulesError):
                code = number.code if number.code in CODE_INDEX else "not_in_force"
                self.refuse(inverse == k, code, self.one_text(number.message))
                continue
            plan_of_key[k] = number
        return known, plan_of_key[inverse]

    # 3. The checks of the month's rules (first failure first, as the scalar path).

    def check(self, stack: Any, plan: Any) -> dict[str, Any]:
        np, cols = self.np, self.cols
        exemption_of = np.array(
            [EXEMPTION_CODES.get(v or "none", 0) for v in self.vocab["exemption"]], dtype=np.int64
        )
        leave_of = np.array(
            [{None: 0, "included": 1, "excluded": 2}[v] for v in self.vocab["paid_leave"]],
            dtype=np.int8,
        )
        leave_choice = leave_of[cols["paid_leave"]]
        cols["included"] = np.where(
            leave_choice == 0,
            cols["hours"] <= stack.take(stack.leave_threshold, plan),
            leave_choice == 1,
        )
        cols["exemption"] = exemption_of[cols["exemption"]]
        cols["cesu_plus"] = cols["cesu_plus"].astype(bool)
        refused = np.where(self.codes < 0, -1, 0).astype(np.int64)  # stay refused
        checked = check_inputs_v(stack, plan, cols, refused)
        new = (self.codes < 0) & (checked["codes"] >= 0)
        self.codes[new] = checked["codes"][new]
        return checked

    # 4. The figures, by wage kind and rounding policy (usually one part: no copies).

    def compute(self, stack: Any, plan: Any, ok: Any = None, target: Any = None) -> None:
        """The figures of the rows ``ok`` (default: every row not refused) into ``target``
        (default: the run's values), by rounding policy (usually one part: no copies)."""
        np = self.np
        if ok is None:
            ok = self.codes < 0
        policies = sorted(set(zip(stack.inversion, stack.totals, strict=True)))
        for inversion, totals in policies:
            mask = ok
            if len(policies) > 1:
                same = np.array(
                    [
                        (i, t) == (inversion, totals)
                        for i, t in zip(stack.inversion, stack.totals, strict=True)
                    ]
                )
                mask = ok & same[plan]
            if mask.any():
                self._compute_part(stack, plan, mask, (inversion, totals), target)

    def ranges(self, plans: list[MonthPlan], plan: Any) -> None:
        """``<figure>_low`` / ``_high``: each candidate tried alone on the rows whose plan has
        it; rows refused under a candidate (a higher minimum wage) keep their bounds."""
        np = self.np
        ok = self.codes < 0
        low = {name: self.values[name].copy() for name in RANGE_FIGURES}
        high = {name: self.values[name].copy() for name in RANGE_FIGURES}
        found = [plan_candidates(p) for p in plans]
        for candidate in dict.fromkeys(c for cs in found for c in cs):
            has = np.array([candidate in cs for cs in found])
            variant = [
                plan_for(p.rules.with_candidate(candidate), p.non_resident) if h else p
                for p, h in zip(plans, has, strict=True)
            ]
            stack = stack_plans(variant)
            rows = ok & has[plan]
            checked = check_inputs_v(stack, plan, self.cols, np.where(rows, -1, 0))
            rows &= checked["codes"] < 0
            if not rows.any():
                continue
            target = {name: np.zeros(self.n, dtype=np.int64) for name in self.values}
            self.compute(stack, plan, rows, target)
            for name in RANGE_FIGURES:
                np.minimum(low[name], np.where(rows, target[name], low[name]), out=low[name])
                np.maximum(high[name], np.where(rows, target[name], high[name]), out=high[name])
        for name in RANGE_FIGURES:
            self.values[f"{name}_low"] = low[name]
            self.values[f"{name}_high"] = high[name]

    def _compute_part(
        self, stack: Any, plan: Any, mask: Any, policy: tuple[str, str], target: Any
    ) -> None:
        np = self.np
        whole = bool(mask.all())
        rows = slice(None) if whole else np.nonzero(mask)[0]
        part = {
            name: self.cols[name][rows]
            for name in (*_DECIMALS, "exemption", "included", "cesu_plus")
        }
        out = compute_v(stack, plan if stack.single or whole else plan[rows], part, *policy)
        values = self.values if target is None else target
        for name in values:
            if whole:
                values[name] = out[name]  # the arrays themselves: no copy
            else:
                values[name][rows] = out[name]
        over = out["codes"] >= 0
        if target is None and over.any():
            where = mask.copy()
            where[where] = over
            self.codes[where] = CODE_INDEX["aids_above_expense"]
            expense = self.context.setdefault("expense", np.zeros(self.n, dtype=np.int64))
            expense[rows] = out["total_cost"]


class _Plans:
    """The month plans a ruleset's batch runs have met, each numbered once: the chunks of a
    stream (and repeated calls) share the numbers and one stack of them, so a chunk resolves
    only its distinct (month, territory, residence) keys with dictionary lookups."""

    def __init__(self, ruleset: Ruleset, *, provisional: bool) -> None:
        self.ruleset = ruleset
        self.provisional = provisional
        self._lock = threading.Lock()
        self._building = threading.Lock()
        self._numbers: dict[tuple[Any, str, bool], int | CesuRulesError] = {}
        self._plans: list[MonthPlan] = []
        self._stack: tuple[PlanStack, list[MonthPlan]] | None = None

    def number(self, month: Any, territory: str, non_resident: bool) -> int | CesuRulesError:
        """The plan number of a key, or the error that refuses its rows."""
        key = (month, territory, non_resident)
        found = self._numbers.get(key)
        if found is not None:
            return found
        # One thread builds a new plan while the others wait for it: building is Python
        # (it holds the GIL), so two threads building the same plans at the start of a
        # stream only doubled the work.
        with self._building:
            found = self._numbers.get(key)
            if found is not None:
                return found
            try:
                rules = rules_at(self.ruleset, month, territory, provisional=self.provisional)
                plan = plan_for(rules, non_resident)
            except CesuRulesError as exc:
                with self._lock:
                    self._numbers[key] = exc
                return exc
            with self._lock:
                found = self._numbers[key] = len(self._plans)
                self._plans.append(plan)
                self._stack = None
            return found

    def stack(self) -> tuple[PlanStack, list[MonthPlan]]:
        """The stack of every plan numbered so far, and those plans (a new stack only when
        plans were added)."""
        with self._lock:
            if self._stack is None:
                plans = list(self._plans)
                self._stack = (stack_plans(plans), plans)
            return self._stack


# Bounded: a registry per (ruleset, provisional); a stream's chunks reuse the same one.
_PLANS: BoundedCache[tuple[str, bool], _Plans] = BoundedCache("batch plan numbers", 16)


def _distinct(np: Any, key: Any, space: int) -> tuple[Any, Any]:
    """The distinct values of ``key`` (ints in ``range(space)``) and each row's index among
    them, as ``np.unique(return_inverse=True)`` but in linear time when the space is small."""
    if space > 4 * len(key) + 1024:
        return np.unique(key, return_inverse=True)  # type: ignore[no-any-return]
    seen = np.zeros(space, dtype=bool)
    seen[key] = True
    keys = np.flatnonzero(seen)
    index = np.zeros(space, dtype=np.int64)
    index[keys] = np.arange(len(keys))
    return keys, index[key]


def _values(column: Any) -> Any:
    return column.values if isinstance(column, Column) else column
