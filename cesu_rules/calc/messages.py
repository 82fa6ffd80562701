"""Every refusal of an input, once: a stable code, the input it concerns and its message.

The scalar path raises them (:func:`fail`), the vector path returns their codes and the batch
engine renders the same texts from the same templates (:mod:`cesu_rules.batch_errors`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..errors import InputError

__all__ = [
    "CHECKS",
    "CHECK_CODES",
    "GIVEN",
    "WHAT",
    "Check",
    "cents_text",
    "fail",
    "hundredths_text",
    "message",
]


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
    "the SMIC",
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
