"""The message of each refused batch row, rendered with the calculator's templates
(:mod:`cesu_rules.calc.messages`) column-wise with pyarrow: no per-row Python, and the same
text as the scalar path's error for the same row."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from .batch import CODE_INDEX, BatchResult, require_numpy, require_pyarrow
from .calc.messages import CHECKS, GIVEN, WHAT

__all__ = ["render_errors"]


def _cents_text(pa: Any, pc: Any, np: Any, cents: Any) -> Any:
    cents = np.abs(np.asarray(cents, dtype=np.int64))
    whole = pa.array(cents // 100).cast(pa.string())
    part = pc.utf8_lpad(pa.array(cents % 100).cast(pa.string()), 2, "0")
    return pc.binary_join_element_wise(whole, part, ".")


def _hundredths_text(pa: Any, pc: Any, np: Any, value: Any) -> Any:
    value = np.asarray(value, dtype=np.int64)
    whole = pa.array(value // 100).cast(pa.string())
    part = pc.utf8_rtrim(pc.utf8_lpad(pa.array(value % 100).cast(pa.string()), 2, "0"), "0")
    joined = pc.binary_join_element_wise(whole, part, ".")
    return pc.if_else(pa.array(value % 100 == 0), whole, joined)


def _render(pa: Any, pc: Any, template: str, fields: Mapping[str, Any], size: int) -> Any:
    """The template's text for ``size`` rows; each field an Arrow string array or a str."""
    parts: list[Any] = []
    for literal, name, _spec, conversion in string.Formatter().parse(template):
        if literal:
            parts.append(literal)
        if name is not None:
            value = fields[name]
            if conversion == "r":
                parts.extend(("'", value, "'"))
            else:
                parts.append(value)
    arrays = [p if not isinstance(p, str) else pa.scalar(p, pa.string()) for p in parts]
    if not any(not isinstance(p, str) for p in parts):
        return pa.array([template.format(**fields)] * size, type=pa.string())
    return pc.binary_join_element_wise(*arrays, "")


def render_errors(result: BatchResult) -> Any:
    """The message of each row ("" when computed), an Arrow string array."""
    pa = require_pyarrow()
    np = require_numpy()
    import pyarrow.compute as pc  # noqa: PLC0415

    codes = result.codes
    n = len(codes)
    out = pa.nulls(n, pa.string()).fill_null("")
    if not (codes >= 0).any():
        return out
    for mask, text in result.texts:
        out = pc.replace_with_mask(out, pa.array(mask), _take_texts(pa, np, text, mask))
    ctx = result.context
    if not ctx:
        return out
    cols, plan, stack = ctx["cols"], ctx["plan"], ctx["stack"]
    for code in CHECKS:
        rows_mask = codes == CODE_INDEX[code]
        if not rows_mask.any() or code in (
            "unknown_input",
            "missing_input",
            "wage_count",
            "invalid_choice",
        ):
            continue
        rows = np.nonzero(rows_mask)[0]
        text = _check_texts(
            pa, pc, np, code, rows, cols=cols, plan=plan[rows], stack=stack, ctx=ctx
        )
        out = pc.replace_with_mask(out, pa.array(rows_mask), text)
    return out


def _take_texts(pa: Any, np: Any, text: Any, mask: Any) -> Any:
    """The texts of the rows in ``mask``: one text for all, or a per-row array."""
    count = int(mask.sum())
    if isinstance(text, np.ndarray) and len(text) == 1:
        return pa.array([str(text[0])] * count, type=pa.string())
    if isinstance(text, pa.Array | pa.ChunkedArray):
        return text.filter(pa.array(mask))
    return pa.array([str(t) for t in np.asarray(text, dtype=object)[mask]], type=pa.string())


def _check_texts(
    pa: Any, pc: Any, np: Any, code: str, rows: Any, *, cols: Any, plan: Any, stack: Any, ctx: Any
) -> Any:
    size = len(rows)

    def cents(a: Any) -> Any:
        return _cents_text(pa, pc, np, a)

    def hundredths(a: Any) -> Any:
        return _hundredths_text(pa, pc, np, a)

    hours = cols["hours"][rows]
    template = CHECKS[code].template
    fields: dict[str, Any] = {"hours": hundredths(hours)}
    if code in ("hours_not_positive",):
        fields["value"] = hundredths(hours)
    elif code == "hours_above_maximum":
        fields["value"] = hundredths(hours)
        fields["maximum"] = hundredths(stack.max_hours[plan])
    elif code == "hourly_wage_out_of_range":
        nh = cols["net_hourly"][rows]
        bad_net = (nh == 0) | (nh >= 100_000)
        fields["field"] = pc.if_else(pa.array(bad_net), "net_hourly", "gross_hourly")
        fields["value"] = cents(np.where(bad_net, nh, cols["gross_hourly"][rows]))
    elif code == "net_monthly_out_of_range":
        fields["value"] = cents(cols["net_monthly"][rows])
    elif code in ("leave_hours_out_of_range", "leave_hours_with_uplift"):
        fields["value"] = hundredths(cols["paid_leave_hours"][rows])
    elif code == "pas_rate_out_of_range":
        fields["value"] = hundredths(cols["pas_rate"][rows])
    elif code == "aids_above_expense":
        fields["value"] = cents(cols["aids"][rows])
        fields["expense"] = cents(ctx["expense"][rows])
    elif code == "below_minimum_wage":
        included = cols["included"][rows]
        gross = cents(ctx["checked_gross"][rows])
        kinds = np.where(
            cols["net_hourly"][rows] >= 0, 0, np.where(cols["gross_hourly"][rows] >= 0, 1, 2)
        )
        given = pa.nulls(size, pa.string()).fill_null("")
        for k, name in enumerate(("net_hourly", "gross_hourly", "net_monthly")):
            which = kinds == k
            if which.any():
                sub = {
                    "value": cents(cols[name][rows][which]),
                    "gross": gross.filter(pa.array(which)),
                    "hours": hundredths(hours[which]),
                }
                given = pc.replace_with_mask(
                    given, pa.array(which), _render(pa, pc, GIVEN[name], sub, int(which.sum()))
                )
        smic = cents(stack.minimum[plan, 0])
        what = pc.if_else(
            pa.array(included),
            _render(pa, pc, WHAT[1], {"smic": smic}, size),
            _render(pa, pc, WHAT[0], {"smic": smic}, size),
        )
        month_text = pa.array([p.month for p in stack.plans]).take(pa.array(plan))
        territory = pa.array([p.rules.territory for p in stack.plans]).take(pa.array(plan))
        net_min = stack.minimum_net[plan, included.astype(np.int64)]
        fields.update(
            given=given,
            month=month_text,
            territory=territory,
            minimum=cents(ctx["minimum"][rows]),
            what=what,
            net_min=cents(net_min),
        )
    return _render(pa, pc, template, fields, size)
