"""The one parser for every number, month and yes/no a user gives.

Used by the Python API, the CLI, JSON and YAML files, batch cells (their vector twin lives in
:mod:`cesu_rules.tables`, with the same rules and messages) and the service:

* numbers are plain decimals written with ASCII digits and an optional dot: ``12.50``,
  ``10``, ``-3.5`` where a sign is allowed. No exponent (``1e2``), no ``_`` separator, no
  ``NaN``/``Infinity``, no non-ASCII digits, at most :data:`MAX_DIGITS` digits before the
  point and two after. Surrounding blanks are ignored. The commonest mistake, a decimal
  comma (``12,50``), gets its own message;
* months are ``YYYY-MM`` (``2024-04``); ``2024-4`` and ``April`` are explained;
* yes/no values are booleans, or in text ``true``/``false``, ``yes``/``no``, ``1``/``0``.

Every message names the field and the value, says what is allowed and gives a valid example.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .errors import InputError

__all__ = [
    "BLANKS",
    "DECIMAL_PATTERN",
    "MAX_DIGITS",
    "MONTH_PATTERN",
    "NOT_A_DECIMAL",
    "NOT_PLAIN",
    "PLAIN_RULES",
    "decimal_message",
    "decimal_problem",
    "month_range",
    "parse_bool",
    "parse_decimal",
    "parse_month",
    "shift_month",
    "shown",
]

MAX_DIGITS = 12  # before the point: up to a thousand billion
# The grammar of a plain decimal (anchored; the sign is checked separately).
DECIMAL_PATTERN = r"^[+-]?[0-9]+(\.[0-9]+)?$"
MONTH_PATTERN = r"^[0-9]{4}-[0-9]{2}$"
_DECIMAL_RE = re.compile(DECIMAL_PATTERN, re.ASCII)
_MONTH_RE = re.compile(MONTH_PATTERN, re.ASCII)
_LOOSE_MONTH_RE = re.compile(r"^([0-9]{4})[-/]([0-9]{1,2})$", re.ASCII)
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0", ""})
_LIMIT = 10**MAX_DIGITS
BLANKS = " \t\r\n"  # what is stripped around a value (the batch engine strips the same)
SHOWN_CHARACTERS = 40

# Why a text is not an allowed decimal: the first rule whose pattern matches (re and RE2
# syntax alike, so the batch engine applies the same rules to whole columns). ``{fixed}`` is
# the text with its comma turned into a dot. The last three rules apply to plain decimals.
NOT_A_DECIMAL: tuple[tuple[str, str], ...] = (
    (r"^$", "is empty"),
    (r"^[+-]?[0-9]+,[0-9]+$", "uses a decimal comma; write the decimal point as a dot: {fixed}"),
    (
        r"^[+-]?[0-9]*\.?[0-9]+[eE][+-]?[0-9]+$",
        "is written with an exponent; write the number in full",
    ),
    (r"^[+-]?([sS]?[nN][aA][nN]|[iI][nN][fF]([iI][nN][iI][tT][yY])?)$", "is not a number"),
    (r"_", "contains '_'; write the digits without separators"),
    (r"[^\x00-\x7f]", "contains non-ASCII characters; write it with the digits 0-9 and a dot"),
)
NOT_PLAIN = "is not a plain decimal number"
PLAIN_RULES: tuple[tuple[str, str], ...] = (
    (r"^-", "must not be negative"),
    (r"^[+-]?[0-9]{13,}", f"has more than {MAX_DIGITS} digits before the point"),
    (r"\.[0-9]{3,}$", "has more than two decimals"),
)
_NOT_A_DECIMAL = tuple((re.compile(p), reason) for p, reason in NOT_A_DECIMAL)
_PLAIN_RULES = tuple((re.compile(p), reason) for p, reason in PLAIN_RULES)


def shown(text: str) -> str:
    """A value as messages quote it: at most 40 characters, between single quotes."""
    if len(text) > SHOWN_CHARACTERS:
        text = text[: SHOWN_CHARACTERS - 1] + "…"
    return f"'{text}'"


def decimal_problem(text: str, *, signed: bool) -> str | None:
    """Why ``text`` (already stripped) is not an allowed decimal, or None when it is: the
    part of the message after the value (see :func:`parse_decimal`). At most two decimals."""
    if not _DECIMAL_RE.match(text):
        for pattern, reason in _NOT_A_DECIMAL:
            if pattern.search(text):
                return reason.format(fixed=text.replace(",", "."))
        return NOT_PLAIN
    for (pattern, reason), applies in zip(_PLAIN_RULES, (not signed, True, True), strict=True):
        if applies and pattern.search(text):
            return reason
    return None


def decimal_message(field: str, text: str, reason: str, example: str) -> str:
    """The one message of a value that is not an allowed decimal (a file's field, placed by
    its reader, passes no name)."""
    head = f"{field}: " if field else ""
    return f"{head}{shown(text)} {reason}; example: {example}"


def parse_decimal(value: object, *, field: str, example: str, signed: bool = False) -> Decimal:
    """``value`` as an exact Decimal, or :class:`InputError` naming the field and the value.

    Accepts Decimal, int, str and float (a float is read through its shortest text, so
    ``12.1`` means 12.10). At most two decimals: ``12.500`` is written ``12.50``.
    """
    if isinstance(value, bool) or value is None:
        raise InputError(
            f"{field} must be a number such as {example}, got {value!r}",
            code="invalid_number",
            field=field,
            value=value,
        )
    if isinstance(value, int):
        if -_LIMIT < value < _LIMIT:
            text = str(value)
        else:
            raise InputError(
                f"{field}: the number has more than {MAX_DIGITS} digits before the point; "
                f"give a plausible value such as {example}",
                code="invalid_number",
                field=field,
                value=value,
            )
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(
                f"{field}: {value} is not a number; write a plain decimal such as {example}",
                code="invalid_number",
                field=field,
                value=str(value),
            )
        if value.adjusted() >= MAX_DIGITS:
            raise InputError(
                f"{field}: the number has more than {MAX_DIGITS} digits before the point; "
                f"give a plausible value such as {example}",
                code="invalid_number",
                field=field,
                value=str(value),
            )
        text = format(value, "f")
    elif isinstance(value, float):
        text = repr(value)
        if "e" in text and abs(value) < _LIMIT:  # (NaN and infinities fail the test)
            text = format(Decimal(text), "f")
    elif isinstance(value, str):
        text = value.strip(BLANKS)
    else:
        raise InputError(
            f"{field} must be a number such as {example}, got a {type(value).__name__}",
            code="invalid_number",
            field=field,
            value=value,
        )
    problem = decimal_problem(text, signed=signed)
    if problem is not None:
        raise InputError(
            decimal_message(field, text, problem, example),
            code="invalid_number",
            field=field,
            value=text,
        )
    return Decimal(text)


def parse_month(value: object, *, field: str = "month") -> date:
    """The first day of the month written ``YYYY-MM`` (or given as a date)."""
    if isinstance(value, date):
        return value.replace(day=1)
    if not isinstance(value, str):
        raise InputError(
            f"{field} must be written YYYY-MM, such as 2024-04 (got {value!r})",
            code="invalid_month",
            field=field,
            value=value,
        )
    text = value.strip(BLANKS)
    parsed = _PARSED.get(text)
    if parsed is not None:
        return parsed
    if _MONTH_RE.match(text):
        year, month = int(text[:4]), int(text[5:])
        if 1 <= month <= 12 and year >= 1:
            parsed = date(year, month, 1)
            if len(_PARSED) < 4096:  # valid months only: small and bounded
                _PARSED[text] = parsed
            return parsed
        hint = f"there is no month {month:02d}"
    else:
        loose = _LOOSE_MONTH_RE.match(text)
        if loose and 1 <= int(loose.group(2)) <= 12:
            hint = f"write it {loose.group(1)}-{int(loose.group(2)):02d}"
        else:
            hint = "write the year and the month number"
    raise InputError(
        f"{field}: {shown(text)} is not a month written YYYY-MM ({hint}); example: 2024-04",
        code="invalid_month",
        field=field,
        value=text,
    )


_PARSED: dict[str, date] = {}


def parse_year(value: object, *, field: str = "year") -> int:
    """A calendar year written with four digits (``"2026"``), or given as an int."""
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return value
    text = value.strip(BLANKS) if isinstance(value, str) else str(value)
    if len(text) == 4 and text.isascii() and text.isdigit() and text[0] != "0":
        return int(text)
    raise InputError(
        f"{field}: {shown(text)} is not a year; write it with four digits, such as 2026",
        code="invalid_year",
        field=field,
        value=text,
    )


def parse_bool(value: object, *, field: str) -> bool:
    """A yes/no value: a bool, or the text true/false, yes/no, 1/0 (any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip(BLANKS).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise InputError(
        f"{field} must be true or false (got {value!r})",
        code="invalid_flag",
        field=field,
        value=value,
    )


def shift_month(month: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) ``month``."""
    return month.replace(day=1) + relativedelta(months=months)


def month_range(start: date, end: date) -> Iterator[date]:
    """Every month from ``start`` to ``end`` included (first days)."""
    current = start.replace(day=1)
    last = end.replace(day=1)
    while current <= last:
        yield current
        current += relativedelta(months=1)
