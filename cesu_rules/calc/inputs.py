"""The estimate's inputs: declared once, read once, checked once.

* :class:`EstimateOptions` **is** the declaration of the inputs (with ``month``, see
  :data:`MONTH`): each field's type and its :class:`Spec` (kind, help, example, unit,
  default). The Python API's keyword arguments, the pydantic request model, the CLI options,
  the batch columns, the JSON Schemas and the docs table are derived from it
  (:mod:`cesu_rules.fields`).
* :func:`read_inputs` turns what a user gives (Python values or text) into integer
  :class:`Inputs` with the one parser of :mod:`cesu_rules.numbers`.
* :mod:`.messages` holds every refusal's message, :mod:`.validation` the checks against the
  month's rules (scalar and vector).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, NamedTuple, Required, TypedDict, get_type_hints

from ..numbers import parse_bool, parse_decimal, parse_month
from ..rules.schema import TERRITORIES
from .messages import fail
from .relief import EXEMPTION_CASES
from .rounding import hundredths

__all__ = [
    "INPUTS",
    "MAX_HOURLY_CENTS",
    "MONTH",
    "PAID_LEAVE",
    "WAGES",
    "EstimateOptions",
    "Inputs",
    "Number",
    "Spec",
    "read_inputs",
    "read_value",
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


# Run once at import: mutation testing cannot reach it (its mutants would be imported before
# any test runs), and every test that reads an input depends on it.
def _declared() -> tuple[tuple[str, Spec], ...]:  # pragma: no mutate block
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
