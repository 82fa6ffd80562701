"""Streaming tables: chunk by chunk equals the whole table, in order; provenance in every
output; a file that cannot be read leaves nothing behind; the Arrow, pandas and polars APIs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cesu_rules import CesuRulesError, InputError, default_ruleset
from cesu_rules.output import outputs
from cesu_rules.reform import load_reform
from cesu_rules.stream import compute_frame, compute_table, sidecar_path, stream_table

from .helpers import run_cli

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pc = pytest.importorskip("pyarrow.compute")
pcsv = pytest.importorskip("pyarrow.csv")

ROOT = Path(__file__).resolve().parent.parent


def cases(n: int) -> Any:
    """``n`` rows of every kind: net and gross wages, territories, exemptions, bad cells."""
    months = [f"{y}-{m:02d}" for y in (2019, 2022, 2024, 2026) for m in (1, 6, 12)]
    territories = ["metropole", "alsace_moselle", "reunion", "mayotte", "guyane"]
    rows = []
    for i in range(n):
        wage = f"{12 + i % 9}.{i % 100:02d}"
        row = {
            "id": f"{i:06d}",
            "month": months[i % len(months)],
            "territory": territories[i % len(territories)],
            "hours": str(1 + i % 170),
            "net_hourly": "" if i % 3 == 0 else wage,
            "gross_hourly": wage if i % 3 == 0 else "",
            "exemption": ["none", "age_70", "apa"][i % 3],
            "cesu_plus": "true" if i % 2 else "false",
        }
        if i % 97 == 5:
            row["hours"] = "12,5"  # refused with its reason, the stream goes on
        rows.append(row)
    return pa.Table.from_pylist(rows)


def stream(source: Path, target: Path, **options: Any) -> Any:
    with outputs([source]) as files:
        fmt = target.suffix
        temporary = files.target(target)
        sidecar = files.target(sidecar_path(target)) if fmt == ".csv" else None
        return stream_table(
            source,
            temporary,
            fmt,
            options.pop("ruleset", default_ruleset()),
            sidecar=sidecar,
            **options,
        )


@pytest.mark.parametrize("fmt", [".csv", ".parquet"])
def test_chunk_by_chunk_is_the_whole_table_in_order(tmp_path: Path, fmt: str) -> None:
    table = cases(3_000)
    source = tmp_path / f"in{fmt}"
    if fmt == ".csv":
        pcsv.write_csv(table, source)
    else:
        pq.write_table(table, source, row_group_size=700)
    target = tmp_path / f"out{fmt}"
    stats = stream(source, target, chunk_rows=128, workers=2)
    whole = compute_table(table)
    streamed = (
        pcsv.read_csv(
            target,
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(whole.column_names, pa.string())
            ),
        )
        if fmt == ".csv"
        else pq.read_table(target)
    )
    if fmt == ".csv":  # byte for byte the whole table written at once (decimal128 figures)
        whole_csv = pa.BufferOutputStream()
        pcsv.write_csv(whole, whole_csv)
        assert target.read_bytes() == whole_csv.getvalue().to_pybytes()
    assert stats.rows == 3_000
    assert stats.failed == sum(1 for code in whole.column("error_code").to_pylist() if code)
    assert stats.failed > 30
    assert stats.passed_through == ["id"]
    assert streamed.column_names == whole.column_names
    for name in ("id", "total_cost", "urssaf_debit", "error_code", "error"):
        mine = streamed.column(name).to_pylist()
        theirs = [None if v is None else str(v) for v in whole.column(name).to_pylist()]
        if fmt == ".parquet":
            theirs = whole.column(name).to_pylist()
        elif name not in ("id", "error_code", "error"):
            mine = [v or None for v in mine]
        assert mine == theirs, name


def test_a_typed_parquet_file_gives_what_its_text_gives(tmp_path: Path) -> None:
    """Numbers as Parquet decimals and integers, Cesu+ as booleans (as pandas, polars or
    Spark write them): the same figures and refusals as the same table written as text.
    The figures are written as Parquet's DECIMAL(18, 2) on INT64 in delta encoding, the
    columns of few values as dictionaries, and read back as exact decimals."""
    text = cases(2_000)
    hours = pc.if_else(pc.equal(text["hours"], "12,5"), pa.scalar(None, pa.string()), text["hours"])
    as_types = {
        "hours": hours.cast(pa.int32()),
        "net_hourly": pc.if_else(pc.equal(text["net_hourly"], ""), None, text["net_hourly"]),
        "gross_hourly": pc.if_else(pc.equal(text["gross_hourly"], ""), None, text["gross_hourly"]),
        "cesu_plus": pc.equal(text["cesu_plus"], "true"),
    }
    typed = text
    for name, column in as_types.items():
        wage = name in ("net_hourly", "gross_hourly")
        cast = column.cast(pa.decimal128(6, 2)) if wage else column
        typed = typed.set_column(typed.schema.get_field_index(name), name, cast)
    text = text.set_column(
        text.schema.get_field_index("hours"), "hours", hours.cast(pa.int32()).cast(pa.string())
    )
    pq.write_table(typed, tmp_path / "typed.parquet", row_group_size=300)
    pq.write_table(text, tmp_path / "text.parquet", row_group_size=300)
    stream(tmp_path / "typed.parquet", tmp_path / "a.parquet", chunk_rows=256)
    stream(tmp_path / "text.parquet", tmp_path / "b.parquet", chunk_rows=256)
    a, b = pq.read_table(tmp_path / "a.parquet"), pq.read_table(tmp_path / "b.parquet")
    figures = [c for c in a.column_names if c not in typed.column_names]
    assert a.select(figures).equals(b.select(figures))
    assert a.column("gross").type == pa.decimal64(18, 2)
    assert sum(1 for code in a.column("error_code").to_pylist() if code) > 5  # hours missing
    whole = compute_table(text).column("total_cost")
    assert a.column("total_cost").to_pylist()[1] == whole[1].as_py()
    chunk = pq.ParquetFile(tmp_path / "a.parquet").metadata.row_group(0)
    encodings = {
        chunk.column(i).path_in_schema: chunk.column(i).encodings for i in range(chunk.num_columns)
    }
    assert "DELTA_BINARY_PACKED" in encodings["gross"]
    assert "DELTA_BINARY_PACKED" in encodings["cost_after_credit"]
    assert "RLE_DICTIONARY" in encodings["month"]
    assert "RLE_DICTIONARY" not in encodings["id"]


@pytest.mark.parametrize("fmt", [".csv", ".parquet"])
def test_only_the_figures_asked_for_are_written(tmp_path: Path, fmt: str) -> None:
    table = cases(500)
    source = tmp_path / "in.parquet"
    pq.write_table(table, source)
    target = tmp_path / f"out{fmt}"
    stream(source, target, figures="tax_credit, exemption_out,gross,tax_credit", ranges=True)
    whole = compute_table(table, ranges=True)
    kept = [
        "gross", "exemption_out", "tax_credit", "gross_low", "gross_high", "exemption_low",
        "exemption_high", "tax_credit_low", "tax_credit_high",
    ]  # fmt: skip
    expected = whole.select([*table.column_names, *kept, "error_code", "error"])
    if fmt == ".parquet":
        written = pq.read_table(target)
        meta = json.loads(written.schema.metadata[b"cesu_rules"])
        assert written.cast(expected.schema).equals(expected)
    else:
        written = pcsv.read_csv(target)
        meta = json.loads(sidecar_path(target).read_text(encoding="utf-8"))
        assert written.column_names == expected.column_names
    assert meta["options"]["figures"] == ["gross", "exemption", "tax_credit"]
    assert compute_table(table, figures=["urssaf_debit"]).column_names[-3:] == [
        "urssaf_debit", "error_code", "error",
    ]  # fmt: skip


def test_an_unknown_figure_is_refused_before_any_work(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    pcsv.write_csv(cases(10), source)
    status, _, err = run_cli(
        "batch", str(source), "--out", str(tmp_path / "out.csv"), "--figures", "gross,debit"
    )
    assert status == 2
    assert err.startswith("cesu-rules: error: figures: 'debit' is not a figure; choose among ")
    assert err.rstrip().endswith("; example: urssaf_debit,tax_credit")
    assert list(tmp_path.iterdir()) == [source]
    with pytest.raises(InputError, match="'' is not a figure"):
        compute_table(cases(1), figures="")


def test_every_output_records_its_provenance(tmp_path: Path) -> None:
    table = cases(50)
    source = tmp_path / "in.parquet"
    pq.write_table(table, source)
    reform = load_reform(ROOT / "docs" / "examples" / "reform-smic-plus-2.yaml", default_ruleset())
    stream(source, tmp_path / "out.parquet", ruleset=reform, ranges=True)
    meta = json.loads(pq.read_schema(tmp_path / "out.parquet").metadata[b"cesu_rules"])
    assert meta["ruleset_version"] == reform.version
    assert meta["ruleset_hash"] == reform.hash
    assert meta["ruleset_base_version"] == default_ruleset().version
    assert meta["reforms"] == [reform.version.split("+", 1)[1]]
    assert meta["options"] == {"provisional": False, "ranges": True, "figures": None}
    pcsv.write_csv(table, tmp_path / "in.csv")
    stream(tmp_path / "in.csv", tmp_path / "out.csv")
    sidecar = json.loads((tmp_path / "out.csv.meta.json").read_text(encoding="utf-8"))
    assert sidecar["ruleset_hash"] == default_ruleset().hash
    assert sidecar["engine"] == "cesu-rules"
    assert json.loads(compute_table(table).schema.metadata[b"cesu_rules"]) == {
        **sidecar,
        "options": {"provisional": False, "ranges": False, "figures": None},
    }


def test_a_table_with_a_header_and_no_row(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("month,hours,net_hourly,id\n", encoding="utf-8")
    stream(source, tmp_path / "out.parquet")
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.num_rows == 0
    assert out.column_names[:4] == ["month", "hours", "net_hourly", "id"]
    assert "total_cost" in out.column_names


def test_a_truncated_csv_or_corrupt_parquet_writes_nothing(tmp_path: Path) -> None:
    table = cases(400)
    good = tmp_path / "good.parquet"
    pq.write_table(table, good)
    corrupt = tmp_path / "corrupt.parquet"
    data = good.read_bytes()
    corrupt.write_bytes(data[: len(data) // 2] + data[-64:])
    truncated = tmp_path / "truncated.csv"
    pcsv.write_csv(table, truncated)
    text = truncated.read_text(encoding="utf-8")
    truncated.write_text(text[: len(text) - 40], encoding="utf-8")  # the last row cut short
    for source in (corrupt, truncated):
        status, _, err = run_cli(
            "batch", str(source), "--out", str(tmp_path / f"out-{source.stem}.csv")
        )
        assert status == 2, err
        assert err.startswith(f"cesu-rules: error: cannot read {source} as a table: ")
        assert err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "corrupt.parquet",
        "good.parquet",
        "truncated.csv",
    ]


@pytest.mark.parametrize("fmt", [".csv", ".parquet"])
def test_a_full_disk_while_writing_is_an_output_error_and_writes_nothing(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails midway (here the second chunk: "No space left on device") names
    the output the user asked for and the system's reason; no file is left."""
    import errno  # noqa: PLC0415

    source = tmp_path / "in.parquet"
    pq.write_table(cases(300), source)
    calls = []

    def full(*args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")

    class FullFile:  # the CSV output: its second write fails
        def __init__(self, real: Any) -> None:
            self.real = real

        def write(self, data: Any) -> None:
            full()
            self.real.write(data)

        def close(self) -> None:
            self.real.close()

    if fmt == ".parquet":
        monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    else:
        real_open = Path.open

        def opened(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            handle = real_open(self, mode, *args, **kwargs)
            return FullFile(handle) if mode == "wb" else handle

        monkeypatch.setattr(Path, "open", opened)
    target = tmp_path / f"out{fmt}"
    with pytest.raises(CesuRulesError) as caught:
        stream(source, target, chunk_rows=100)
    assert caught.value.code == "output_not_writable"
    assert caught.value.message == f"cannot write {target}: No space left on device"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.parquet"]


def test_compute_table_takes_tables_and_batches_only() -> None:
    table = cases(20)
    assert compute_table(table.to_batches()[0]).num_rows == 20
    with pytest.raises(CesuRulesError) as caught:
        compute_table([{"month": "2024-04"}])
    assert caught.value.code == "bad_input_type"


def test_pandas_and_polars_frames_come_back_as_they_went() -> None:
    pandas = pytest.importorskip("pandas")
    polars = pytest.importorskip("polars")
    rows: dict[str, list[Any]] = {
        "month": ["2024-04", "2024-04"],
        "hours": [10, 20],
        "net_hourly": ["12.00", "12,00"],
    }
    expected = compute_table(pa.table({k: [str(v) for v in vs] for k, vs in rows.items()}))
    frame = compute_frame(pandas.DataFrame(rows))
    assert isinstance(frame, pandas.DataFrame)
    assert [str(v) for v in frame["total_cost"][:1]] == ["202.25"]
    assert list(frame["error_code"]) == ["", "invalid_number"]
    pl = compute_frame(polars.DataFrame(rows))
    assert isinstance(pl, polars.DataFrame)
    assert pl["total_cost"].to_list()[0] == expected.column("total_cost").to_pylist()[0]
    assert pl.columns == expected.column_names
