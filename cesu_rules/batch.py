"""The batch engine: millions of monthly estimates, vectorised, to the same cent as the
scalar path.

Rows are grouped by (month, territory, residence) — each group shares one line structure —
and every figure is computed on int64 arrays of cents with the integer formulas of
:mod:`cesu_rules.calc.kernel`: rates as integer fractions, every rounding an integer
division with its rule (half-up, or floor + largest remainder). A differential property test
proves that every row equals :func:`cesu_rules.estimate` to the cent.

Scope: the rounding policies selected by the shipped rulesets (``inversion: monthly``,
``totals: total_then_lines``); no household cap sharing (one row is one employee's month);
rows that the scalar path would refuse get an ``error`` text instead of figures.

numpy is needed (``pip install 'cesu-rules[batch]'``); pyarrow for CSV/Parquet files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

from .calc.estimate import _Structure, _structure
from .calc.relief import EXEMPTION_CASES, age_70_cap
from .calc.rounding import EXACT_CONTEXT
from .errors import CesuRulesError, InputError, NotInForceError
from .rules.loader import Ruleset
from .rules.schema import TERRITORIES
from .rules.snapshot import Rules, rules_at

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    BoolArray = npt.NDArray[np.bool_]

__all__ = ["INPUT_COLUMNS", "OUTPUT_COLUMNS", "BatchError", "compute_batch", "require_numpy"]

# Input columns: money in cents, hours and rates in hundredths; -1 means "not given".
INPUT_COLUMNS = (
    "month",
    "territory",
    "hours",
    "net_hourly",
    "gross_hourly",
    "net_monthly",
    "paid_leave",
    "paid_leave_hours",
    "non_resident",
    "exemption",
    "pas_rate",
    "aids",
    "cesu_plus",
)
# Output columns, all integer cents (hourly figures too).
OUTPUT_COLUMNS = (
    "gross_hourly",
    "net_hourly",
    "gross",
    "net",
    "net_taxable",
    "employee_total",
    "employer_total_before_relief",
    "deduction",
    "exemption",
    "employer_total",
    "urssaf_debit",
    "total_cost",
    "pas_amount",
    "net_after_pas",
    "paid_to_employee",
    "tax_credit",
    "advance",
    "cost_after_credit",
)


_NONE = list(EXEMPTION_CASES).index("none")
_AGE_70 = list(EXEMPTION_CASES).index("age_70")


class BatchError(CesuRulesError):
    """The batch engine cannot run these rules or inputs (the message says why)."""


def require_numpy() -> Any:
    try:
        import numpy  # noqa: PLC0415 - optional dependency, imported on use
    except ImportError:  # pragma: no cover - depends on the installation
        raise BatchError("the batch engine needs numpy: pip install 'cesu-rules[batch]'") from None
    return numpy


def _fraction(value: Decimal) -> tuple[int, int]:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    scale = 10 ** max(0, -exponent)
    return int(value * scale), scale


@dataclass(frozen=True)
class _Group:
    """Integer parameters of one (month, territory, residence) group."""

    rules: Rules
    structure: _Structure
    non_resident: bool
    slope_num: tuple[int, int, int]
    slope_den: int
    min_excluded: int  # cents
    min_included: int
    max_hours: int  # hundredths
    leave_threshold: int  # hundredths
    deduction_per_hour: int  # cents
    employer_exempt_mask: tuple[bool, ...]
    employer_deduction_mask: tuple[bool, ...]
    employee_taxable_mask: tuple[bool, ...]
    cap_excluded: int  # cents, 70+ cap
    cap_included: int
    pas_thresholds: tuple[int, ...]
    pas_rates: tuple[int, ...]  # hundredths of percent
    credit_rate: int  # hundredths of percent
    advance_rate: int | None


def _group(rules: Rules, non_resident: bool) -> _Group:
    structure = _structure(rules, non_resident)
    fractions = [_fraction(s) for s in structure.slopes]
    den = max(d for _, d in fractions)
    nums = tuple(n * (den // d) for n, d in fractions)
    minimum_excluded, minimum_included = structure.minimum
    employer = structure.employer
    exempt_rate = sum((line.rate for line in employer if "exemption" in line.reliefs), Decimal(0))
    with localcontext(EXACT_CONTEXT):
        cap_ex = age_70_cap(rules, exempt_rate, paid_leave_included=False)
        cap_in = age_70_cap(rules, exempt_rate, paid_leave_included=True)
    advance = rules.advance_share
    return _Group(
        rules=rules,
        structure=structure,
        non_resident=non_resident,
        slope_num=(nums[0], nums[1], nums[2]),
        slope_den=den,
        min_excluded=int(minimum_excluded * 100),
        min_included=int(minimum_included * 100),
        max_hours=int(rules.max_monthly_hours.value * 100),
        leave_threshold=int(rules.paid_leave_threshold_hours.value * 100),
        deduction_per_hour=int(rules.deduction_hourly.value * 100),
        employer_exempt_mask=tuple("exemption" in line.reliefs for line in employer),
        employer_deduction_mask=tuple(rules.deduction_relief in line.reliefs for line in employer),
        employee_taxable_mask=tuple(line.taxable for line in structure.employee),
        cap_excluded=int(cap_ex * 100),
        cap_included=int(cap_in * 100),
        pas_thresholds=structure.pas_thresholds,
        pas_rates=tuple(int(r * 100) for r in structure.pas_rates),
        credit_rate=int(rules.tax_credit_rate.value * 100),
        advance_rate=None if advance is None else int(advance.value * 100),
    )


def _half_up(np: Any, x: Any, d: Any) -> Any:
    """Round x / d half-up for non-negative x (d > 0, scalar or array)."""
    return (2 * x + d) // (2 * d)


def _lines(np: Any, specs: Iterable[tuple[int, int, int | None]], bases: Any, unit: int) -> Any:
    """Exact amounts (units) of each line, shape (rows, lines)."""
    columns = []
    for base, rate, cap in specs:
        amount = bases[base] * rate
        if cap is not None:
            amount = np.minimum(amount, cap)
        columns.append(amount)
    if not columns:
        return np.zeros((bases.shape[1], 0), dtype=np.int64)
    return np.stack(columns, axis=1)


def _subset_cents(np: Any, total: Any, units: Any, unit: int, mask: tuple[bool, ...]) -> Any:
    """Sum, per row, of the cents of the lines in ``mask`` after the largest-remainder
    allocation of ``total`` (the rule of kernel.allocate_units), without allocating every
    line: a line gets one of the ``missing`` cents when fewer than ``missing`` lines have a
    larger dropped fraction (or an equal one and a lower index)."""
    chosen = np.array(mask, dtype=bool)
    k = units.shape[1]
    if k == 0 or not chosen.any():
        return np.zeros(units.shape[0], dtype=np.int64)
    floors = units // unit
    missing = total - floors.sum(axis=1)
    normal = (missing >= 0) & (missing <= k)
    # The dropped fractions, in units (< unit <= 10**9: int32 makes the comparisons cheaper).
    remainders = (units % unit).astype(np.int32 if unit <= 2**31 else np.int64)
    complement = chosen.sum() > k - chosen.sum()
    ranked = np.nonzero(~chosen if complement else chosen)[0]
    extra = np.zeros(units.shape[0], dtype=np.int64)
    for i in ranked:
        own = remainders[:, i : i + 1]
        rank = (remainders > own).sum(axis=1) + (remainders[:, :i] == own).sum(axis=1)
        extra += rank < missing
    if complement:
        extra = missing - extra
    result = floors[:, chosen].sum(axis=1) + np.where(normal, extra, 0)
    if not normal.all():  # far totals: the excess goes to the largest amount
        largest = np.argmax(units, axis=1)
        result += np.where(~normal & chosen[largest], missing, 0)
    return result


@dataclass
class _Rows:
    """The input arrays of a group's rows (cents, hundredths; -1 when not given)."""

    hours: Any
    net_h: Any
    gross_h: Any
    net_m: Any
    leave: Any
    pas: Any
    aids: Any
    cesu_plus: Any
    exemption: Any  # codes: index in EXEMPTION_CASES, -1 unknown
    paid_leave: Any  # codes: 0 default, 1 included, 2 excluded, -1 unknown
    # (exemption, paid_leave) as written: raw codes into the column's distinct values, and
    # those values; read only to word an error message.
    texts: tuple[Any, Any] = ((), ())
    vocab: tuple[Any, Any] = ((), ())
    included: Any = None

    def take(self, mask: Any) -> _Rows:
        return _Rows(
            hours=self.hours[mask],
            net_h=self.net_h[mask],
            gross_h=self.gross_h[mask],
            net_m=self.net_m[mask],
            leave=self.leave[mask],
            pas=self.pas[mask],
            aids=self.aids[mask],
            cesu_plus=self.cesu_plus[mask],
            exemption=self.exemption[mask],
            paid_leave=self.paid_leave[mask],
            texts=(self.texts[0][mask], self.texts[1][mask]),
            vocab=self.vocab,
            included=None if self.included is None else self.included[mask],
        )


def _validate(
    np: Any, g: _Group, rows: _Rows, fail: Callable[[Any, Callable[[int], str]], None]
) -> None:
    """Mark the rows the scalar path would refuse (same rules, first failure wins)."""
    hours, leave = rows.hours, rows.leave
    given = (rows.net_h >= 0).astype(int) + (rows.gross_h >= 0) + (rows.net_m >= 0)
    fail(given != 1, lambda i: "give exactly one wage: net_hourly, gross_hourly or net_monthly")
    fail(hours <= 0, lambda i: "hours must be more than 0")
    fail(
        hours > g.max_hours,
        lambda i: f"hours exceed the legal maximum of {g.max_hours / 100:g} hours a month",
    )
    known = rows.paid_leave >= 0
    fail(
        ~known,
        lambda i: (
            f"paid_leave must be 'included' or 'excluded' (got {rows.vocab[1][rows.texts[1][i]]!r})"
        ),
    )
    fail(
        (leave < 0) | (leave > hours),
        lambda i: "paid_leave_hours must be between 0 and the hours declared",
    )
    fail(
        (leave > 0) & rows.included,
        lambda i: "paid_leave_hours are declared only when paid leave is excluded",
    )
    fail(
        rows.exemption < 0,
        lambda i: f"unknown exemption {rows.vocab[0][rows.texts[0][i]]!r}",
    )
    fail(
        (rows.pas > 10000) | (rows.pas < -1), lambda i: "pas_rate is a percentage between 0 and 100"
    )
    fail(rows.aids < 0, lambda i: "aids must not be negative")
    fail(
        (rows.net_h >= 100000) | (rows.gross_h >= 100000) | (rows.net_h == 0) | (rows.gross_h == 0),
        lambda i: "the hourly wage must be between 0 and 1000 €",
    )
    fail(
        (rows.net_m == 0) | (rows.net_m >= 1000 * hours),
        lambda i: "net_monthly must be between 0 and 1000 € an hour",
    )
    # The hourly gross of the minimum-wage check, with the segment-0 formula: a wage near
    # the minimum is always under the PSS, and above it the hourly gross exceeds any minimum.
    d, n0 = g.slope_den, g.slope_num[0]
    safe_hours = np.where(hours > 0, hours, 1)
    check_h = np.where(
        rows.gross_h >= 0,
        rows.gross_h,
        np.where(
            rows.net_h >= 0,
            _half_up(np, np.maximum(rows.net_h, 0) * d, d - n0),
            _half_up(np, np.maximum(rows.net_m, 0) * d * 100, (d - n0) * safe_hours),
        ),
    )
    minimum = np.where(rows.included, g.min_included, g.min_excluded)
    fail(
        check_h < minimum,
        lambda i: (
            f"the hourly wage is below the legal minimum for {g.rules.month:%Y-%m} in "
            f"{g.rules.territory}: {minimum[i] / 100:.2f} € gross an hour"
        ),
    )


def _wage(np: Any, g: _Group, rows: _Rows) -> dict[str, Any]:
    """Gross and net (monthly inversion, integer segments), bases, employee lines."""
    kernel = g.structure.kernel
    pss, unit = kernel.pss, kernel.unit
    d, (n0, n1, n2) = g.slope_den, g.slope_num
    from_gross = rows.gross_h >= 0
    net = np.where(
        rows.net_m >= 0, rows.net_m, _half_up(np, np.maximum(rows.net_h, 0) * rows.hours, 100)
    )
    scaled = net * d
    end0 = pss * (d - n0)
    end1 = end0 + 3 * pss * (d - n1)
    gross_from_net = np.where(
        scaled <= end0,
        _half_up(np, scaled, d - n0),
        np.where(
            scaled <= end1,
            pss + _half_up(np, np.maximum(scaled - end0, 0), d - n1),
            4 * pss + _half_up(np, np.maximum(scaled - end1, 0), d - n2),
        ),
    )
    gross = np.where(
        from_gross, _half_up(np, np.maximum(rows.gross_h, 0) * rows.hours, 100), gross_from_net
    )
    capped = np.minimum(gross, pss)
    capped4 = np.minimum(gross, 4 * pss)
    den = kernel.share_den
    bases = np.stack(
        [
            gross * den,
            capped * den,
            capped4 * den,
            capped4 * kernel.share_num + (gross - capped4) * den,
        ]
    )
    units = _lines(np, kernel.employee, bases, unit)
    total = np.where(from_gross, _half_up(np, units.sum(axis=1), unit), gross - net)
    net = gross - total
    return {
        "gross": gross,
        "net": net,
        "bases": bases,
        "employee_total": total,
        "taxable": net + _subset_cents(np, total, units, unit, g.employee_taxable_mask),
        "gross_hourly": np.where(from_gross, rows.gross_h, _half_up(np, gross * 100, rows.hours)),
        "net_hourly": np.where(rows.net_h >= 0, rows.net_h, _half_up(np, net * 100, rows.hours)),
    }


def _relief(
    np: Any, g: _Group, rows: _Rows, employer_before: Any, employer_units: Any
) -> tuple[Any, Any]:
    """(deduction, exemption) in cents per row."""
    unit = g.structure.kernel.unit
    covered_ex = _subset_cents(np, employer_before, employer_units, unit, g.employer_exempt_mask)
    covered_de = (
        covered_ex  # in métropole the deduction reduces the same lines as the exemptions
        if g.employer_deduction_mask == g.employer_exempt_mask
        else _subset_cents(np, employer_before, employer_units, unit, g.employer_deduction_mask)
    )
    has_case = rows.exemption != _NONE
    cap = np.where(rows.included, g.cap_included, g.cap_excluded)
    exempt = np.where(
        has_case, np.where(rows.exemption == _AGE_70, np.minimum(covered_ex, cap), covered_ex), 0
    )
    deduction = np.where(
        has_case,
        0,
        np.minimum(_half_up(np, (rows.hours - rows.leave) * g.deduction_per_hour, 100), covered_de),
    )
    return deduction, exempt


def _tax(
    np: Any, g: _Group, rows: _Rows, *, net: Any, net_taxable: Any, contributions: Any
) -> dict[str, Any]:
    """PAS, tax credit, avance immédiate, Urssaf debit (cents per row)."""
    if g.pas_thresholds and not g.non_resident:
        index = np.searchsorted(np.array(g.pas_thresholds), net_taxable, side="right") - 1
        rate = np.where(rows.pas >= 0, rows.pas, np.array(g.pas_rates)[index])
        pas = _half_up(np, net_taxable * rate, 10000)
    else:
        pas = np.zeros_like(net)
    expense = net + contributions
    eligible = np.maximum(expense - rows.aids, 0)
    credit = _half_up(np, eligible * g.credit_rate, 10000)
    advance = (
        np.zeros_like(net)
        if g.advance_rate is None
        else np.where(rows.cesu_plus, _half_up(np, eligible * g.advance_rate, 10000), 0)
    )
    return {
        "pas_amount": pas,
        "net_after_pas": net - pas,
        "total_cost": expense,
        "paid_to_employee": np.where(rows.cesu_plus, 0, net - pas),
        "tax_credit": credit,
        "advance": advance,
        "cost_after_credit": expense - rows.aids - credit,
        "urssaf_debit": np.where(
            rows.cesu_plus, net + contributions - advance, contributions + pas
        ),
    }


def _run_group(
    np: Any,
    g: _Group,
    cols: Mapping[str, Any],
    sl: slice,
    *,
    out: dict[str, IntArray],
    errors: Any,
) -> None:
    """Compute the rows ``sl`` (a slice of the sorted columns) into ``out``."""
    rows = _Rows(
        hours=cols["hours"][sl],
        net_h=cols["net_hourly"][sl],
        gross_h=cols["gross_hourly"][sl],
        net_m=cols["net_monthly"][sl],
        leave=cols["paid_leave_hours"][sl],
        pas=cols["pas_rate"][sl],
        aids=cols["aids"][sl],
        cesu_plus=cols["cesu_plus"][sl],
        exemption=cols["exemption"][sl],
        paid_leave=cols["paid_leave"][sl],
        texts=(cols["exemption_raw"][sl], cols["paid_leave_raw"][sl]),
        vocab=(cols["exemption_vocab"], cols["paid_leave_vocab"]),
    )
    rows.included = np.where(
        rows.paid_leave == 0, rows.hours <= g.leave_threshold, rows.paid_leave == 1
    )
    idx = np.arange(sl.start, sl.stop)
    bad = np.zeros(len(idx), dtype=bool)

    def fail(mask: Any, message: Callable[[int], str]) -> None:
        new = mask & ~bad
        for i in np.nonzero(new)[0]:
            errors[idx[i]] = message(int(i))
        bad[:] |= new

    _validate(np, g, rows, fail)
    if bad.all():
        return
    sel, rows = idx[~bad], rows.take(~bad)
    wage = _wage(np, g, rows)
    kernel = g.structure.kernel
    employer_units = _lines(np, kernel.employer, wage["bases"], kernel.unit)
    employer_before = _half_up(np, employer_units.sum(axis=1), kernel.unit)
    deduction, exempt = _relief(np, g, rows, employer_before, employer_units)
    employer_total = employer_before - deduction - exempt
    contributions = wage["employee_total"] + employer_total
    net_taxable = wage["taxable"]
    values = {
        "gross_hourly": wage["gross_hourly"],
        "net_hourly": wage["net_hourly"],
        "gross": wage["gross"],
        "net": wage["net"],
        "net_taxable": net_taxable,
        "employee_total": wage["employee_total"],
        "employer_total_before_relief": employer_before,
        "deduction": deduction,
        "exemption": exempt,
        "employer_total": employer_total,
        **_tax(np, g, rows, net=wage["net"], net_taxable=net_taxable, contributions=contributions),
    }
    over = rows.aids > values["total_cost"]
    for i in np.nonzero(over)[0]:
        errors[sel[i]] = (
            f"aids of {rows.aids[i] / 100:.2f} € exceed the month's expense of "
            f"{values['total_cost'][i] / 100:.2f} €"
        )
    keep = ~over
    for name, array in values.items():
        out[name][sel[keep]] = array[keep]


def compute_batch(
    columns: Mapping[str, Any], ruleset: Ruleset, progress: Callable[[int, int], None] | None = None
) -> tuple[dict[str, Any], Any]:
    """Compute every row of ``columns`` (numpy arrays, see INPUT_COLUMNS).

    Returns the output arrays (int64 cents; -1 where the row has an error) and an array of
    error texts ("" when the row is fine).
    """
    np = require_numpy()
    for policy, wanted in (("inversion", "monthly"), ("totaux", "total_then_lines")):
        name = f"politiques/arrondi/{policy}"
        choices = {str(getattr(e, "choice", "")) for e in ruleset.parameter(name).values}
        if choices != {wanted}:
            raise BatchError(
                f"the batch engine implements {policy} '{wanted}' only; this "
                f"ruleset selects {sorted(choices)}: use the scalar estimate"
            )
    n = len(columns["hours"])
    months, month_codes = _encode(np, columns["month"])
    territories, territory_codes = _encode(np, columns["territory"])
    residents = np.asarray(columns["non_resident"], dtype=bool)
    keys = (month_codes * len(territories) + territory_codes) * 2 + residents
    uniq, inverse = np.unique(keys, return_inverse=True)
    if len(uniq) < 2**15:  # a stable sort of 16-bit keys is a radix sort
        inverse = inverse.astype(np.int16)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(uniq) + 1))
    # Sort every column once by group: each group is then a contiguous slice (no copies).
    cols = {
        name: np.asarray(columns[name])[order]
        for name in (
            "hours",
            "net_hourly",
            "gross_hourly",
            "net_monthly",
            "paid_leave_hours",
            "pas_rate",
            "aids",
            "cesu_plus",
        )
    }
    for name, vocabulary in (
        ("exemption", list(EXEMPTION_CASES)),
        ("paid_leave", ["", "included", "excluded"]),
    ):
        distinct, raw = _encode(np, columns[name])
        lookup = np.array(
            [vocabulary.index(v) if v in vocabulary else -1 for v in distinct], dtype=np.int64
        )
        cols[f"{name}_raw"] = raw[order]
        cols[f"{name}_vocab"] = distinct
        cols[name] = lookup[raw][order] if len(distinct) else np.zeros(0, dtype=np.int64)
    out = {name: np.full(n, -1, dtype=np.int64) for name in OUTPUT_COLUMNS}
    errors = np.full(n, "", dtype=object)
    done = 0
    for k in range(len(uniq)):
        sl = slice(int(bounds[k]), int(bounds[k + 1]))
        first = order[sl.start]
        month, territory = str(months[month_codes[first]]), str(territories[territory_codes[first]])
        if territory not in TERRITORIES:
            errors[sl] = f"unknown territory {territory!r}"
            continue
        try:
            group = _group(rules_at(ruleset, month, territory), bool(residents[first]))
        except (InputError, NotInForceError) as exc:
            errors[sl] = str(exc)
            continue
        _run_group(np, group, cols, sl, out=out, errors=errors)
        done += sl.stop - sl.start
        if progress is not None:
            progress(done, n)
    # Back to the input order.
    result = {name: np.empty_like(array) for name, array in out.items()}
    for name, array in out.items():
        result[name][order] = array
    unsorted = np.empty_like(errors)
    unsorted[order] = errors
    return result, unsorted


def _encode(np: Any, values: Any) -> tuple[Any, Any]:
    """(distinct values, code of each row) for a text column: an array of text, or an
    already encoded ``(codes, distinct values)`` pair (see tables.table_columns)."""
    if isinstance(values, tuple):
        codes, distinct = values
        return np.asarray(distinct, dtype=object), np.asarray(codes, dtype=np.int64)
    text = np.asarray(values).astype(str)
    distinct, inverse = np.unique(text, return_inverse=True)
    return distinct, inverse
