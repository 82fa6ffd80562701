"""Reform overlays, scenario grids, `cesu-rules simulate` and `cesu-rules batch`."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from cesu_rules import default_ruleset, estimate
from cesu_rules.reform import ReformError, apply_reform, load_reform
from cesu_rules.simulate import ScenarioError, load_scenario

from .helpers import run_cli as run
from .helpers import write

pytest.importorskip("numpy")
pyarrow = pytest.importorskip("pyarrow")
pytest.importorskip("pyarrow.csv")

EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"
D = Decimal


# --- reforms ---------------------------------------------------------------------------------


def test_a_reform_overrides_from_its_date_and_says_so() -> None:
    reform = load_reform(EXAMPLES / "reform-deduction-1-50.yaml", default_ruleset())
    assert reform.version.startswith(default_ruleset().version + "+deduction-forfaitaire")
    assert reform.hash != default_ruleset().hash
    before = estimate("2025-12", hours=10, net_hourly="13.00", ruleset=reform)
    after = estimate("2026-01", hours=10, net_hourly="13.00", ruleset=reform)
    assert before.deduction == D("20.00")
    assert after.deduction == D("15.00")
    assert any("reform: Déduction forfaitaire à 1,50 €" in w for w in after.warnings)
    # The shipped rules are untouched.
    assert estimate("2026-01", hours=10, net_hourly="13.00").deduction == D("20.00")


def test_a_reform_can_change_a_contribution_rate() -> None:
    reform = apply_reform(
        "label: maladie 14 %\noverrides:\n  cotisations/employeur/maladie:\n"
        "    - {from: 2026-01-01, rate: 14.00}\n",
        default_ruleset(),
    )
    line = next(
        x
        for x in estimate("2026-02", hours=10, net_hourly="13.00", ruleset=reform).lines
        if x.code == "maladie"
    )
    assert line.rate == D("14.00")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "label: x\noverrides:\n  smic/horaire:\n    - {from: 2026-01-01, value: 13}\n",
            "reform:3:3: overrides.smic/horaire: unknown parameter 'smic/horaire'",
        ),
        (
            "label: x\noverrides:\n  smic/horaire_brut/metropole:\n"
            "    - {from: 2026-13-01, value: 13}\n",
            "is not a calendar date",
        ),
        (
            "label: x\noverrides:\n  smic/horaire_brut/metropole:\n"
            "    - {from: 2026-06-01, value: 13}\n    - {from: 2026-01-01, value: 14}\n",
            "dates must increase",
        ),
        (
            "overrides:\n  smic/horaire_brut/metropole:\n    - {from: 2026-01-01, value: 13}\n",
            "missing required key 'label'",
        ),
        (
            "label: x\noverrides:\n  cotisations/employeur/maladie:\n"
            "    - {from: 2026-01-01, value: 13}\n",
            "unknown key 'value'",
        ),
        (
            "label: x\noverrides:\n  smic/horaire_brut/metropole:\n"
            "    - {from: 2026-01-01, value: 1.3e1}\n",
            "expected a decimal number",
        ),
    ],
)
def test_bad_reforms_are_refused_with_their_place(text: str, message: str) -> None:
    with pytest.raises(ReformError) as info:
        apply_reform(text, default_ruleset())
    assert message in str(info.value)


# --- scenarios -------------------------------------------------------------------------------


def test_the_grid_is_the_product_of_the_axes() -> None:
    scenario, axes = load_scenario(EXAMPLES / "scenario-hours.yaml")
    assert len(axes["hours"]) == 8
    assert axes["exemption"] == ["none", "age_70"]
    assert scenario.plot is not None


SCENARIO = """\
label: t
fixed: {month: 2026-07, net_hourly: "13.00", paid_leave: excluded}
axes:
  hours: {from: 10, to: 30, step: 10}
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SCENARIO.replace("hours:", "heures:"), "s.yaml:4:3: axes.heures: unknown input 'heures'"),
        (SCENARIO.replace("to: 30", "to: 5"), "this axis has no value: the grid would be empty"),
        (SCENARIO + "max_rows: 2\n", "the grid has 3 rows, above the limit of 2"),
        (SCENARIO + "  month: [2026-01]\n", "'month' is both fixed and an axis"),
        (SCENARIO + "plot: {x: wage}\n", "x must be one of the axes"),
        ("label: t\nfixed: {month: 2026-07}\n", "nothing to run"),
    ],
)
def test_bad_scenarios_are_refused_with_their_place(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, "s.yaml", text))
    assert message in str(info.value)


def test_simulate_writes_rows_and_a_chart(tmp_path: Path) -> None:
    out_csv, chart = tmp_path / "rows.csv", tmp_path / "chart.png"
    status, out, err = run(
        "simulate",
        str(EXAMPLES / "scenario-hours.yaml"),
        "--out",
        str(out_csv),
        "--plot",
        str(chart),
    )
    assert status == 0, err
    assert "16 rows (0 with an error)" in out
    assert chart.stat().st_size > 10_000
    table = pyarrow.csv.read_csv(out_csv)
    assert table.num_rows == 16
    row = table.slice(0, 1).to_pylist()[0]
    direct = estimate("2026-07", hours=5, net_hourly="13.00", paid_leave="excluded")
    assert Decimal(str(row["total_cost"])) == direct.total_cost


def test_simulate_with_a_reform_compares_with_the_shipped_rules(tmp_path: Path) -> None:
    target = tmp_path / "rows.json"
    status, out, _ = run(
        "simulate",
        str(EXAMPLES / "scenario-reform.yaml"),
        "--reform",
        str(EXAMPLES / "reform-deduction-1-50.yaml"),
        "--out",
        str(target),
    )
    assert status == 0
    assert "mean change" in out
    rows = json.loads(target.read_text(encoding="utf-8"))["rows"]
    first = rows[0]  # 10 hours: the deduction falls by 10 × 0.50 €
    assert first["delta_deduction"] == "-5.00"
    assert first["delta_employer_total"] == "5.00"


def test_simulate_errors_leave_no_output(tmp_path: Path) -> None:
    bad = write(tmp_path, "s.yaml", SCENARIO.replace("hours:", "heures:"))
    target = tmp_path / "rows.csv"
    status, _, err = run("simulate", str(bad), "--out", str(target))
    assert status == 2
    assert "unknown input 'heures'" in err
    assert not target.exists()
    status, _, err = run(
        "simulate",
        str(EXAMPLES / "scenario-hours.yaml"),
        "--reform",
        str(write(tmp_path, "r.yaml", "label: x\noverrides: {nope: []}\n")),
        "--out",
        str(target),
    )
    assert status == 2
    assert "unknown parameter 'nope'" in err
    assert not target.exists()


# --- batch -----------------------------------------------------------------------------------


def test_batch_csv_and_parquet(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "in.csv",
        "id,month,hours,net_hourly,exemption\n"
        "a,2024-04,10,12.00,none\nb,2024-04,10,5.00,none\n"
        "c,2026-07,120,14.00,age_70\n",
    )
    status, out, err = run("batch", str(source), "--out", str(tmp_path / "out.parquet"))
    assert status == 0, err
    assert "3 rows computed" in out
    assert "(1 with an error" in out
    assert "passed through unchanged: id" in err
    table = pyarrow.parquet.read_table(tmp_path / "out.parquet").to_pylist()
    assert table[0]["id"] == "a"
    assert table[0]["gross"] == D("153.61")
    assert table[1]["gross"] is None
    assert "below the legal minimum" in table[1]["error"]
    status, _, _ = run("batch", str(tmp_path / "out.parquet"), "--out", str(tmp_path / "o.csv"))
    assert status == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("month,hours\n2024-04,10\n", "a wage column is needed"),
        ("hours,net_hourly\n10,12\n", "missing column(s): month"),
    ],
)
def test_batch_refuses_bad_files_without_output(tmp_path: Path, text: str, message: str) -> None:
    target = tmp_path / "out.csv"
    status, _, err = run("batch", str(write(tmp_path, "in.csv", text)), "--out", str(target))
    assert status == 2
    assert message in err
    assert not target.exists()


def test_batch_with_empty_cells_and_negative_values(tmp_path: Path) -> None:
    good = write(
        tmp_path,
        "in.csv",
        "month,hours,net_hourly,gross_hourly\n2024-04,10,12.00,\n2024-04,10,,15.36\n",
    )
    status, out, err = run("batch", str(good), "--out", str(tmp_path / "out.csv"))
    assert status == 0, err
    assert "(0 with an error" in out


@pytest.mark.parametrize(
    ("cell", "code", "message"),
    [
        ("-12.00", "invalid_number", "net_hourly: '-12.00' must not be negative; example: 12.00"),
        ("12.123", "invalid_number", "net_hourly: '12.123' has more than two decimals"),
        ("twelve", "invalid_number", "net_hourly: 'twelve' is not a plain decimal number"),
        ('"12,50"', "invalid_number", "write the decimal point as a dot: 12.50"),
        ("1e308", "invalid_number", "net_hourly: '1e308' is written with an exponent"),
        (" 12.00 ", "", ""),
    ],
)
def test_a_bad_cell_refuses_its_row_and_the_run_goes_on(
    tmp_path: Path, cell: str, code: str, message: str
) -> None:
    bad = write(
        tmp_path, "bad.csv", f"month,hours,net_hourly\n2024-04,10,{cell}\n2024-04,10,12.00\n"
    )
    status, _, err = run("batch", str(bad), "--out", str(tmp_path / "o2.csv"))
    assert status == 0, err
    rows = pyarrow.csv.read_csv(tmp_path / "o2.csv").to_pylist()
    assert (rows[0]["error_code"] or "") == code
    assert message in (rows[0]["error"] or "")
    assert rows[1]["gross"] == 153.61


# --- the columnar path -----------------------------------------------------------------------

GRID = """\
label: grid
fixed: {month: 2026-03, paid_leave: excluded}
axes:
  hours: {from: 1, to: 160, step: 0.25}
  net_hourly: {from: "8.00", to: "28.00", step: "0.50"}
  exemption: [none, age_70, apa]
"""


def test_a_grid_of_many_chunks_is_every_row_and_an_exact_summary(tmp_path: Path) -> None:
    from cesu_rules.simulate import run_scenario  # noqa: PLC0415

    np = pytest.importorskip("numpy")
    scenario, axes = load_scenario(write(tmp_path, "g.yaml", GRID))
    reform = load_reform(EXAMPLES / "reform-deduction-1-50.yaml", default_ruleset())
    target = tmp_path / "rows.parquet"
    result = run_scenario(scenario, axes, reform, baseline=default_ruleset(), out=target)
    size = 637 * 41 * 3
    rows = pyarrow.parquet.read_table(target)
    assert result.rows == rows.num_rows == size
    assert result.failed == sum(1 for e in rows.column("error").to_pylist() if e)
    assert result.failed > 1000  # the lowest wages are below the minimum
    # Row 12 345 is the grid's row 12 345: exemption fastest, then the wage, then the hours.
    row = rows.slice(12_345, 1).to_pylist()[0]
    h, rest = divmod(12_345, 41 * 3)
    w, e = divmod(rest, 3)
    assert (row["hours"], row["net_hourly"], row["exemption"]) == (
        str(D(1) + D("0.25") * h),
        str(D("8.00") + D("0.50") * w),
        ["none", "age_70", "apa"][e],
    )
    direct = estimate(
        "2026-03",
        hours=row["hours"],
        net_hourly=row["net_hourly"],
        exemption=row["exemption"],
        paid_leave="excluded",
        ruleset=reform,
    )
    assert row["total_cost"] == direct.total_cost
    assert row["delta_deduction"] == row["deduction"] - row["baseline_deduction"]
    # The summary is exact: the median of the written figures, the mean of the changes.
    ok = rows.filter(pyarrow.compute.equal(rows.column("error"), ""))
    for name in ("total_cost", "tax_credit"):
        cents = np.sort([int(v * 100) for v in ok.column(name).to_pylist()])
        half = len(cents) // 2
        median = (
            D(int(cents[half])) / 100
            if len(cents) % 2
            else D(int(cents[half - 1] + cents[half])) / 200
        )
        summary = result.summary[name]
        assert (summary.minimum, summary.median, summary.maximum) == (
            D(int(cents[0])) / 100,
            median,
            D(int(cents[-1])) / 100,
        )
    meta = json.loads(pyarrow.parquet.read_schema(target).metadata[b"cesu_rules"])
    assert meta["ruleset_hash"] == reform.hash
    assert meta["options"] == {"baseline": default_ruleset().version}


def test_a_table_of_cases_is_streamed(tmp_path: Path) -> None:
    cases = write(
        tmp_path,
        "cases.csv",
        "id,month,hours,net_hourly\n"
        + "".join(f"{i},2026-01,{1 + i % 150},12.{i % 100:02d}\n" for i in range(3000)),
    )
    scenario = write(tmp_path, "s.yaml", f"label: cases\ncases: {cases.name}\n")
    status, out, err = run("simulate", str(scenario), "--out", str(tmp_path / "rows.csv"))
    assert status == 0, err
    assert out.startswith("cases: 3,000 rows (0 with an error)")
    assert (tmp_path / "rows.csv.meta.json").exists()
    assert pyarrow.csv.read_csv(tmp_path / "rows.csv").num_rows == 3000


def test_json_rows_are_for_small_grids(tmp_path: Path) -> None:
    big = write(tmp_path, "b.yaml", GRID.replace("step: 0.25", "step: 0.01"))
    status, _, err = run("simulate", str(big), "--out", str(tmp_path / "rows.json"))
    assert status == 2
    assert "rows are too many for a JSON file (at most 200,000): write .csv or .parquet" in err
    assert not list(tmp_path.glob("rows*"))


def test_a_full_disk_while_writing_rows_is_one_line_and_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno  # noqa: PLC0415

    import pyarrow.parquet as pq  # noqa: PLC0415

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    scenario = write(tmp_path, "s.yaml", GRID)
    target = tmp_path / "rows.parquet"
    status, out, err = run("simulate", str(scenario), "--out", str(target))
    assert (status, out) == (2, "")
    assert err == f"cesu-rules: error: cannot write {target}: No space left on device\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]
