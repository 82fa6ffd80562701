"""The estimate's inputs: declared once, read once, checked once.

* :class:`EstimateOptions` **is** the declaration of the inputs (with ``month``, see
  :data:`MONTH`): each field's type and its :class:`Spec` (kind, help, example, unit,
  default). The Python API's keyword arguments, the pydantic request model, the CLI options,
  the batch columns, the JSON Schemas and the docs table are derived from it
  (:mod:`cesu_rules.fields`).
* :func:`read_inputs` turns what a user gives (Python values or text) into integer
  :class:`Inputs` with the one parser of :mod:`cesu_rules.numbers`;
  :func:`check_inputs` applies the month's rules (legal maximum of hours, minimum wage...).
* :data:`CHECKS` holds every message, keyed by a stable error code: the scalar path raises
  them, the vector path (:func:`check_inputs_v`) returns the codes of the rows it refuses and
  the batch engine renders the same texts (:func:`message`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, NamedTuple, Required, TypedDict, get_type_hints

from ..errors import InputError
from ..numbers import parse_bool, parse_decimal, parse_month
from ..rules.schema import TERRITORIES
from .contributions import half_up
from .plan import MonthPlan, PlanStack
from .relief import EXEMPTION_CASES
from .rounding import hundredths
from .wage import exact_gross, exact_gross_v

__all__ = [
    "CHECKS",
    "INPUTS",
    "MONTH",
    "PAID_LEAVE",
    "Check",
    "EstimateOptions",
    "Inputs",
    "Number",
    "Spec",
    "check_inputs",
    "check_inputs_v",
    "message",
    "read_inputs",
]

Number = Decimal | int | float | str
PAID_LEAVE = ("included", "excluded")
MAX_HOURLY_CENTS = 100_000  # 1 000 € an hour: above it a wage is surely a typo


@dataclass(frozen=True)
class Spec:
    """What an input is: its kind, help text, an example, a unit and its default."""

    kind: Literal["month", "decimal", "choice", "flag"]
    help: str
    example: str
    unit: str = ""
    default: object = None
    choices: tuple[str, ...] = ()
    signed: bool = False
    required: bool = False


MONTH = Spec("month", "month of work, written YYYY-MM", "2024-04", required=True)


class EstimateOptions(TypedDict, total=False):
    """The inputs of one monthly estimate besides the month (the one declaration)."""

    hours: Required[
        Annotated[
            Number,
            Spec(
                "decimal",
                "hours declared in the month, more than 0, to the hundredth",
                "10.5",
                unit="h",
                required=True,
            ),
        ]
    ]
    net_hourly: Annotated[
        Number | None,
        Spec("decimal", "net hourly wage as declared to the Cesu (one wage only)", "12.00", "€"),
    ]
    gross_hourly: Annotated[
        Number | None, Spec("decimal", "gross hourly wage (one wage only)", "15.36", "€")
    ]
    net_monthly: Annotated[
        Number | None,
        Spec(
            "decimal",
            "net wage of the month, as the Urssaf APIs take it (one wage only)",
            "120.00",
            "€",
        ),
    ]
    territory: Annotated[
        str,
        Spec(
            "choice",
            "where the employer lives",
            "metropole",
            default="metropole",
            choices=TERRITORIES,
        ),
    ]
    exemption: Annotated[
        str,
        Spec(
            "choice",
            "the employer's exemption case (docs/estimate.md)",
            "age_70",
            default="none",
            choices=tuple(EXEMPTION_CASES),
        ),
    ]
    paid_leave: Annotated[
        str | None,
        Spec(
            "choice",
            "whether the wage includes the 10 % paid-leave uplift (default: included up to "
            "32 h a month)",
            "included",
            choices=PAID_LEAVE,
        ),
    ]
    paid_leave_hours: Annotated[
        Number,
        Spec(
            "decimal",
            "hours of paid leave in the month (only when leave is excluded from the wage)",
            "7",
            "h",
            default=0,
        ),
    ]
    non_resident: Annotated[
        bool,
        Spec(
            "flag", "the employee is not a French tax resident (no CSG/CRDS)", "true", default=False
        ),
    ]
    pas_rate: Annotated[
        Number | None,
        Spec(
            "decimal",
            "the employee's personalised PAS rate (default: the taux neutre grid)",
            "7.5",
            "%",
        ),
    ]
    aids: Annotated[
        Number,
        Spec(
            "decimal",
            "third-party aids paying this month's expense (APA, PCH, Cesu préfinancé…)",
            "50.00",
            "€",
            default=0,
        ),
    ]
    cesu_plus: Annotated[
        bool,
        Spec(
            "flag",
            "Cesu+: the Urssaf pays the employee and, from 2022, advances the tax credit",
            "true",
            default=False,
        ),
    ]


def _declared() -> tuple[tuple[str, Spec], ...]:
    hints = get_type_hints(EstimateOptions, include_extras=True)
    fields = [("month", MONTH)]
    for name, hint in hints.items():
        specs = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Spec)]
        if not specs:  # Required[Annotated[...]]: the metadata sits one level down
            specs = [
                m
                for arg in getattr(hint, "__args__", ())
                for m in getattr(arg, "__metadata__", ())
                if isinstance(m, Spec)
            ]
        fields.append((name, specs[0]))
    return tuple(fields)


INPUTS: tuple[tuple[str, Spec], ...] = _declared()
_SPECS = dict(INPUTS)
WAGES = ("net_hourly", "gross_hourly", "net_monthly")


class Inputs(NamedTuple):
    """Read inputs of one estimate: money in cents, hours and rates in hundredths."""

    month: date
    territory: str
    hours: int
    net_hourly: int | None
    gross_hourly: int | None
    net_monthly: int | None
    paid_leave: str | None
    paid_leave_hours: int
    non_resident: bool
    exemption: str
    pas_rate: int | None
    aids: int
    cesu_plus: bool

    @property
    def leave_defaulted(self) -> bool:
        return self.paid_leave is None


# ---------------------------------------------------------------------------------------------
# Messages


class Check(NamedTuple):
    """One refusal: a stable code, the input it concerns and its message template."""

    code: str
    field: str | None
    template: str


CHECKS: dict[str, Check] = {
    c.code: c
    for c in (
        Check(
            "unknown_input",
            None,
            "unknown input {value!r}; the inputs are {known}",
        ),
        Check("missing_input", None, "missing {value}; example: {example}"),
        Check(
            "wage_count",
            None,
            "give exactly one wage: the net hourly, the gross hourly or the net monthly wage "
            "({value}); example: --net-hourly 12.00",
        ),
        Check("invalid_choice", None, "{field}: unknown value {value!r}; choose one of: {known}"),
        Check(
            "hours_not_positive", "hours", "hours must be more than 0 (got {value}); example: 10.5"
        ),
        Check(
            "hours_above_maximum",
            "hours",
            "hours {value} exceed the legal maximum of {maximum} hours a month for one "
            "employee (48 hours a week on average); declare each month separately",
        ),
        Check(
            "hourly_wage_out_of_range",
            None,
            "{field} must be an hourly wage between 0 and 1000 € (got {value}); give the wage "
            "for one hour, such as 12.00",
        ),
        Check(
            "net_monthly_out_of_range",
            "net_monthly",
            "net_monthly must be between 0 and 1000 € an hour (got {value} € for {hours} h); "
            "example: 120.00",
        ),
        Check(
            "leave_hours_out_of_range",
            "paid_leave_hours",
            "paid_leave_hours must be between 0 and the {hours} hours declared (got {value})",
        ),
        Check(
            "leave_hours_with_uplift",
            "paid_leave_hours",
            "paid_leave_hours are declared only when paid leave is not included in the wage "
            "(paid_leave 'excluded'); with the 10 % uplift, leave is not paid when taken",
        ),
        Check(
            "pas_rate_out_of_range",
            "pas_rate",
            "pas_rate is a percentage between 0 and 100 (got {value}); example: 7.5",
        ),
        Check(
            "below_minimum_wage",
            None,
            "the {given} is below the legal minimum for {month} in {territory}: {minimum} € "
            "gross an hour ({what}), that is at least {net_min} € net an hour; example: "
            "--net-hourly {net_min}",
        ),
        Check(
            "aids_above_expense",
            "aids",
            "aids of {value} € exceed the month's expense of {expense} € (wage and "
            "contributions); declare the part of the aid that paid this employee",
        ),
    )
}
# How the wage of a row below the minimum is described, by the wage given.
GIVEN = {
    "net_hourly": "net hourly wage {value} € ({gross} € gross)",
    "gross_hourly": "gross hourly wage {value} €",
    "net_monthly": "net monthly wage {value} € for {hours} h ({gross} € gross an hour)",
}
WHAT = (
    "the SMIC ({smic} € gross an hour)",
    "110 % of the SMIC {smic} €, paid leave included",
)
CHECK_CODES = {code: i for i, code in enumerate(CHECKS)}


def message(code: str, **values: Any) -> str:
    """The message of a refusal (the scalar path raises it, the batch engine writes it)."""
    return CHECKS[code].template.format(**values)


def fail(code: str, *, field: str | None = None, **values: Any) -> InputError:
    check = CHECKS[code]
    name = field or check.field
    return InputError(
        message(code, field=name, **values), code=code, field=name, value=values.get("value")
    )


def cents_text(cents: int) -> str:
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def hundredths_text(value: int) -> str:
    """Hours or a rate in hundredths, as written (``1050`` → ``10.5``, ``1000`` → ``10``)."""
    whole, part = divmod(value, 100)
    return str(whole) if part == 0 else f"{whole}.{part:02d}".rstrip("0")


# ---------------------------------------------------------------------------------------------
# Reading


_scaled = hundredths


def read_value(name: str, value: object) -> Any:
    """One input read with the one parser: a month as a date, a decimal as an integer of
    cents or hundredths (None when not given), a choice as its text, a flag as a bool."""
    spec = _SPECS[name]
    if value is None:
        if spec.required:
            raise fail("missing_input", value=name, example=f"{name} {spec.example}")
        return None
    if spec.kind == "month":
        return parse_month(value, field=name)
    if spec.kind == "decimal":
        return _scaled(parse_decimal(value, field=name, example=spec.example, signed=spec.signed))
    if spec.kind == "flag":
        return parse_bool(value, field=name)
    if isinstance(value, str) and value in spec.choices:
        return value
    raise fail("invalid_choice", field=name, value=value, known=", ".join(spec.choices))


def read_inputs(month: object, options: dict[str, object]) -> Inputs:
    """Parse what a user gives (Python values or text) into :class:`Inputs`.

    Each input is read in the order of the declaration, then the wage count is checked: the
    batch engine refuses a row for the same first reason. Raises
    :class:`~cesu_rules.errors.InputError` naming the field and the value: an unknown input,
    a malformed month or number, an unknown choice, not exactly one wage.
    """
    unknown = [name for name in options if name not in _SPECS or name == "month"]
    if unknown:
        known = ", ".join(n for n, _ in INPUTS if n != "month")
        raise fail("unknown_input", value=unknown[0], known=known)
    values = {}
    for name, spec in INPUTS:
        given = month if name == "month" else options.get(name)
        values[name] = read_value(name, spec.default if given is None else given)
    given = [name for name in WAGES if values[name] is not None]
    if len(given) != 1:
        raise fail("wage_count", value="neither" if not given else f"{len(given)} given")
    return Inputs(**values)


# ---------------------------------------------------------------------------------------------
# Checking against the month's rules


def leave_included(plan: MonthPlan, inputs: Inputs) -> bool:
    """Whether the wage includes the 10 % paid-leave uplift (by default up to 32 h)."""
    if inputs.paid_leave is None:
        return inputs.hours <= plan.leave_threshold
    return inputs.paid_leave == "included"


def check_inputs(plan: MonthPlan, inputs: Inputs) -> bool:
    """Check ``inputs`` against the month's rules; returns whether paid leave is included.

    Raises :class:`~cesu_rules.errors.InputError` (see :data:`CHECKS`): hours ≤ 0 or above
    the legal monthly maximum, a wage out of range or below the legal minimum, paid-leave
    hours out of range, a PAS rate above 100 %.
    """
    h = inputs.hours
    if h <= 0:
        raise fail("hours_not_positive", value=hundredths_text(h))
    if h > plan.max_hours:
        raise fail(
            "hours_above_maximum", value=hundredths_text(h), maximum=hundredths_text(plan.max_hours)
        )
    for name in ("net_hourly", "gross_hourly"):
        wage = getattr(inputs, name)
        if wage is not None and not 0 < wage < MAX_HOURLY_CENTS:
            raise fail("hourly_wage_out_of_range", field=name, value=cents_text(wage))
    nm = inputs.net_monthly
    if nm is not None and not 0 < nm * 100 < MAX_HOURLY_CENTS * h:
        raise fail("net_monthly_out_of_range", value=cents_text(nm), hours=hundredths_text(h))
    included = leave_included(plan, inputs)
    leave = inputs.paid_leave_hours
    if leave > h:
        raise fail(
            "leave_hours_out_of_range", value=hundredths_text(leave), hours=hundredths_text(h)
        )
    if leave and included:
        raise fail("leave_hours_with_uplift", value=hundredths_text(leave))
    if inputs.pas_rate is not None and inputs.pas_rate > 10_000:
        raise fail("pas_rate_out_of_range", value=hundredths_text(inputs.pas_rate))
    if inputs.net_hourly is None or inputs.net_hourly < plan.safe_net[included]:
        _check_minimum(plan, inputs, included)
    return included


def check_gross_hourly(plan: MonthPlan, inputs: Inputs) -> int:
    """The hourly gross the minimum-wage check compares (cents): the one given, or the
    declared net's exact gross divided by the hours, rounded half-up."""
    if inputs.gross_hourly is not None:
        return inputs.gross_hourly
    if inputs.net_monthly is not None:
        num, den = exact_gross(plan, inputs.net_monthly)
        return half_up(num * 100, den * inputs.hours)
    assert inputs.net_hourly is not None
    num, den = exact_gross(plan, inputs.net_hourly * inputs.hours, 100)
    return half_up(num * 100, den * inputs.hours)


def _check_minimum(plan: MonthPlan, inputs: Inputs, included: bool) -> None:
    gross_h = check_gross_hourly(plan, inputs)
    minimum = plan.minimum[included]
    if gross_h >= minimum:
        return
    kind = next(name for name in WAGES if getattr(inputs, name) is not None)
    given = GIVEN[kind].format(
        value=cents_text(getattr(inputs, kind)),
        gross=cents_text(gross_h),
        hours=hundredths_text(inputs.hours),
    )
    net_min = cents_text(plan.minimum_net[included])
    raise fail(
        "below_minimum_wage",
        field=kind,
        value=cents_text(getattr(inputs, kind)),
        given=given,
        month=plan.month,
        territory=plan.rules.territory,
        minimum=cents_text(minimum),
        what=WHAT[included].format(smic=cents_text(plan.minimum[0])),
        net_min=net_min,
    )


# ---------------------------------------------------------------------------------------------
# Vector checks


def check_inputs_v(
    stack: PlanStack, plan: Any, cols: dict[str, Any], refused: Any
) -> dict[str, Any]:
    """The codes (index in CHECKS, −1 when fine) of the rows the scalar path would refuse,
    first failure first, in the order of :func:`check_inputs`.

    ``cols`` holds int64 arrays (−1 when not given) and ``included`` (bool); ``refused``
    holds the codes found while reading (−1 when fine), kept. Returns the codes and the
    per-row values the messages need (``gross_hourly`` checked, ``minimum``).
    """
    np = stack.np
    codes = refused.copy()
    h = cols["hours"]

    def mark(code: str, mask: Any) -> None:
        codes[(codes < 0) & mask] = CHECK_CODES[code]

    mark("hours_not_positive", h <= 0)
    mark("hours_above_maximum", h > stack.take(stack.max_hours, plan))
    for name in ("net_hourly", "gross_hourly"):
        wage = cols[name]
        mark("hourly_wage_out_of_range", (wage == 0) | (wage >= MAX_HOURLY_CENTS))
    nm = cols["net_monthly"]
    mark("net_monthly_out_of_range", (nm == 0) | ((nm > 0) & (nm * 100 >= MAX_HOURLY_CENTS * h)))
    leave = cols["paid_leave_hours"]
    mark("leave_hours_out_of_range", leave > h)
    mark("leave_hours_with_uplift", (leave > 0) & cols["included"])
    mark("pas_rate_out_of_range", cols["pas_rate"] > 10_000)
    # The minimum wage, on the rows still fine (safe hours and wages from here on).
    ok = codes < 0
    safe_h = np.where(ok & (h > 0), h, 100)
    gross_h = cols["gross_hourly"]
    nh = cols["net_hourly"]
    x = np.where(nm >= 0, np.maximum(nm, 0) * 100, np.maximum(nh, 0) * safe_h)
    x = np.where(ok, x, 0)
    num, free = exact_gross_v(stack, plan, x, 100)
    from_net = half_up(num, free * safe_h)
    checked = np.where(gross_h >= 0, gross_h, from_net)
    minima = stack.take(stack.minimum, plan)
    if stack.single:
        minimum = np.where(cols["included"], minima[1], minima[0])
    else:
        minimum = np.where(cols["included"], minima[:, 1], minima[:, 0])
    mark("below_minimum_wage", checked < minimum)
    return {"codes": codes, "gross_hourly": checked, "minimum": minimum}
