"""Arrow tables in and out: every cell read by the table path (the bytes fast path or the
rules) gives the scalar parser's value, or its refusal with the same message."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cesu_rules import CesuRulesError
from cesu_rules.calc.inputs import read_value
from cesu_rules.tables import output_name, table_columns

pa = pytest.importorskip("pyarrow")

# Cells as people and programs write them: plain decimals (the fast path), and every way to
# get one wrong (the rules).
plain = st.builds(
    lambda whole, frac: whole + frac,
    st.from_regex(r"[0-9]{1,13}", fullmatch=True),
    st.sampled_from(["", ".", ".5", ".05", ".50", ".123", ".0"]),
)
tricky = st.sampled_from(
    [
        "",
        " ",
        " 10 ",
        "\t7.5",
        "12,50",
        "1e2",
        "1E+308",
        "NaN",
        "inf",
        "-3",
        "+4",
        "1_0",
        "٣",
        ".5",
        "5.",
        "1.2.3",
        "--1",
        "0",
        "00012.30",
        "999999999999.99",
        "9999999999999",
        "12.345",
        "abc",
        "１２",
    ]
)
cells = st.one_of(plain, tricky, st.text(max_size=8))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cells, min_size=1, max_size=40), st.sampled_from(["hours", "net_hourly", "aids"]))
def test_each_cell_is_read_as_the_scalar_parser_reads_it(texts: list[str], name: str) -> None:
    n = len(texts)
    table = pa.table({"month": ["2024-04"] * n, "hours": ["10"] * n, "net_hourly": ["12"] * n})
    if name in table.column_names:
        table = table.drop_columns([name])
    table = table.append_column(name, pa.array(texts, pa.string()))
    columns, _ = table_columns(table)
    column = columns[name]
    texts_out = column.texts.to_pylist() if column.texts is not None else [None] * n
    for i, text in enumerate(texts):
        refusal: tuple[str, str] | None = None
        expected: Any = None
        if text.strip(" \t\r\n"):  # a blank cell is not given (a missing input, later)
            try:
                expected = read_value(name, text)
            except CesuRulesError as exc:
                refusal = (exc.code, exc.message)
        if refusal is not None:
            assert column.refused[i], (text, column.values[i])
            assert (column.codes[i], texts_out[i]) == refusal, text
            continue
        assert not column.refused[i], (text, texts_out[i])
        assert int(column.values[i]) == (-1 if expected is None else expected), text


def test_the_fast_path_reads_leading_zeros_and_the_largest_values() -> None:
    texts = ["007", "0.5", "999999999999.99", "12", "", "1.05"]
    table = pa.table({"month": ["2024-04"] * 6, "hours": ["10"] * 6, "net_hourly": texts})
    values = table_columns(table)[0]["net_hourly"].values.tolist()
    assert values == [700, 50, 99999999999999, 1200, -1, 105]


def test_a_sliced_or_chunked_column_is_read_from_its_own_bytes() -> None:
    table = pa.table(
        {"month": ["2024-04"] * 5, "hours": ["1", "2.5", "3", "4", "5"], "net_hourly": ["12"] * 5}
    )
    sliced = table.slice(2, 3)
    assert table_columns(sliced)[0]["hours"].values.tolist() == [300, 400, 500]
    chunked = pa.concat_tables([table.slice(0, 2), table.slice(2)])
    assert table_columns(chunked)[0]["hours"].values.tolist() == [100, 250, 300, 400, 500]


def test_numbers_given_as_numbers_are_read_through_their_text() -> None:
    table = pa.table(
        {"month": ["2024-04"] * 2, "hours": pa.array([10, 151.67]), "net_hourly": [12, 12.5]}
    )
    assert table_columns(table)[0]["hours"].values.tolist() == [1000, 15167]


def _read(table: Any, name: str) -> tuple[list[int], list[bool], list[Any], list[str]]:
    column = table_columns(table)[0][name]
    n = len(column.values)
    texts = column.texts.to_pylist() if column.texts is not None else [None] * n
    codes = list(column.codes) if column.codes is not None else [""] * n
    refused = column.refused.tolist() if column.refused is not None else [False] * n
    shown = [c if r else "" for c, r in zip(codes, refused, strict=True)]
    return column.values.tolist(), refused, texts, shown


_TYPES = [
    pa.int8(),
    pa.int32(),
    pa.int64(),
    pa.uint16(),
    pa.uint64(),
    pa.decimal32(9, 0),
    pa.decimal64(18, 1),
    pa.decimal128(14, 2),
    pa.decimal128(38, 2),
    pa.decimal128(38, 3),
    pa.decimal256(40, 2),
    pa.decimal128(20, 4),
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_TYPES),
    st.lists(
        st.one_of(
            st.none(),
            st.integers(-(10**4), 10**4),
            st.integers(10**11, 10**16),
            st.sampled_from([0, 1, 10**12 - 1, 10**12, 2**63 - 1, 2**64 - 1, -(2**63)]),
            st.decimals(-(10**13), 10**13, places=2, allow_nan=False),
        ),
        min_size=1,
        max_size=30,
    ),
    st.integers(0, 3),
    st.sampled_from(["hours", "net_hourly", "aids"]),
)
def test_typed_columns_are_read_as_their_text_is(
    kind: Any, cells: list[Any], start: int, name: str
) -> None:
    """A typed Parquet column (integers, decimals) read from its values gives the same
    hundredths, refusals and messages as the same cells written as text."""
    values = []
    for drawn in cells:
        cell = drawn
        if cell is not None and pa.types.is_decimal(kind):
            cell = Decimal(cell).quantize(Decimal(1).scaleb(-kind.scale))
        try:
            pa.array([cell], kind)
        except (pa.ArrowInvalid, OverflowError, TypeError):
            continue  # a value the type cannot hold
        values.append(cell)
    values = values or [None]
    typed = pa.array(values, kind).slice(min(start, len(values) - 1))  # from an offset too
    n = len(typed)
    base = {"month": ["2024-04"] * n, "hours": ["10"] * n, "net_hourly": ["12"] * n}
    base.pop(name, None)
    as_typed = pa.table(base).append_column(name, typed)
    as_text = pa.table(base).append_column(name, typed.cast(pa.string()))
    assert _read(as_typed, name) == _read(as_text, name)


def test_typed_columns_read_nulls_as_empty_and_refuse_what_text_refuses() -> None:
    hours = pa.array([Decimal("10.5"), None, Decimal("-1"), Decimal("1E12")], pa.decimal128(15, 2))
    table = pa.table({"month": ["2024-04"] * 4, "hours": hours, "net_hourly": [12] * 4})
    values, refused, texts, _ = _read(table, "hours")
    assert values[:2] == [1050, -1]
    assert refused == [False, False, True, True]
    assert texts[2] == "hours: '-1.00' must not be negative; example: 10.5"
    assert texts[3] == (
        "hours: '1000000000000.00' has more than 12 digits before the point; example: 10.5"
    )


def test_output_names_of_figures_named_like_inputs() -> None:
    assert output_name("net_hourly") == "net_hourly_out"
    assert output_name("exemption") == "exemption_out"
    assert output_name("total_cost") == "total_cost"
    assert Decimal("0.01") * 100 == 1


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(["true", "False", " yes ", "0", "1", "", "no", "maybe", "TRUE", "2"])
        | st.text(max_size=5),
        min_size=1,
        max_size=30,
    )
)
def test_yes_no_cells_are_read_as_the_scalar_parser_reads_them(texts: list[str]) -> None:
    n = len(texts)
    table = pa.table(
        {
            "month": ["2024-04"] * n,
            "hours": ["10"] * n,
            "net_hourly": ["12"] * n,
            "cesu_plus": texts,
        }
    )
    column = table_columns(table)[0]["cesu_plus"]
    shown = column.texts.to_pylist() if column.texts is not None else [None] * n
    refused = column.refused if column.refused is not None else [False] * n
    for i, text in enumerate(texts):
        refusal: str | None = None
        expected = False
        try:
            expected = read_value("cesu_plus", text)
        except CesuRulesError as exc:
            refusal = exc.message
        if refusal is not None:
            assert (bool(refused[i]), shown[i]) == (True, refusal)
        else:
            assert (bool(refused[i]), bool(column.values[i])) == (False, expected)


def test_a_boolean_column_is_read_as_its_text_is() -> None:
    flags = pa.array([True, False, None, True])
    base = {"month": ["2024-04"] * 4, "hours": ["10"] * 4, "net_hourly": ["12"] * 4}
    as_bool = table_columns(pa.table({**base, "cesu_plus": flags}))[0]["cesu_plus"]
    as_text = table_columns(pa.table({**base, "cesu_plus": flags.cast(pa.string())}))[0]
    assert as_bool.values.tolist() == as_text["cesu_plus"].values.tolist()
    assert as_bool.values.tolist() == [True, False, False, True]
    assert as_bool.refused is None
    assert as_text["cesu_plus"].refused is None


def test_text_cells_differing_by_blanks_share_a_code() -> None:
    table = pa.table(
        {
            "month": ["2024-04", " 2024-04", "2024-04\t"],
            "hours": ["10"] * 3,
            "net_hourly": ["12"] * 3,
            "territory": ["reunion", " reunion ", "metropole"],
        }
    )
    columns = table_columns(table)[0]
    assert columns["month"].vocab == ["2024-04"]
    assert columns["month"].values.tolist() == [0, 0, 0]
    territory = columns["territory"]
    vocab = territory.vocab
    assert vocab is not None
    assert [vocab[c] for c in territory.values] == ["reunion", "reunion", "metropole"]
