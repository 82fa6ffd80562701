"""Hostile and careless input (tests/fixtures/hostile and the cases of the issue): a result,
or one readable line naming the value, exit 2, no traceback, no output file — never a crash."""

from __future__ import annotations

import shutil
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cesu_rules import CesuRulesError, InputError, default_ruleset, estimate, load_ruleset
from cesu_rules.reform import apply_reform

from .helpers import run_cli

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"


def refused(*argv: str, stdin: str = "") -> str:
    """Run the CLI; it must refuse with one line on stderr, exit 2 and no traceback."""
    status, out, err = run_cli(*argv, stdin=stdin)
    assert status == 2, (argv, out, err)
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    return err


def test_a_billion_laughs_file_is_refused_at_once() -> None:
    start = time.monotonic()
    err = refused("household", str(HOSTILE / "billion_laughs.yaml"))
    assert time.monotonic() - start < 5
    assert "billion_laughs.yaml:1:4: YAML anchors and aliases are not allowed" in err


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("deep.json", "nested deeper than 64 levels"),
        ("huge_number.json", "hours: the number has more than 12 digits before the point"),
        ("duplicate_keys.json", "duplicate key 'hours'"),
        ("nan.json", "NaN is not a number JSON allows"),
    ],
)
def test_a_hostile_json_request_is_refused(name: str, message: str) -> None:
    text = (HOSTILE / name).read_text(encoding="utf-8")
    assert message in refused("estimate", "--input", "-", stdin=text)
    assert message in refused("estimate", "--input", str(HOSTILE / name))


def test_hostile_json_errors_are_data_with_json(tmp_path: Path) -> None:
    import json  # noqa: PLC0415

    status, out, err = run_cli(
        "estimate", "--input", "-", "--json", stdin=(HOSTILE / "duplicate_keys.json").read_text()
    )
    assert (status, err) == (2, "")
    error = json.loads(out)["error"]
    assert error["code"] == "invalid_json"
    assert "duplicate key 'hours'" in error["message"]


def test_reform_errors_point_at_the_users_entry() -> None:
    err = refused(
        "estimate", "--month", "2026-02", "--hours", "10", "--net-hourly", "13",
        "--reform", str(HOSTILE / "reform_huge_number.yaml"),
    )  # fmt: skip
    assert "reform_huge_number.yaml:4:" in err
    assert "out of range: at most 9 digits before the point" in err
    err = refused(
        "estimate", "--month", "2026-02", "--hours", "10", "--net-hourly", "13",
        "--reform", str(HOSTILE / "reform_second_entry.yaml"),
    )  # fmt: skip
    assert "reform_second_entry.yaml:5:" in err
    assert "overrides.cotisations/employeur/maladie[1].rate" in err
    assert "values[" not in err


def test_a_ruleset_copy_with_an_absurd_number_is_invalid(ruleset_copy: Path) -> None:
    path = ruleset_copy / "deduction_forfaitaire" / "metropole.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("value: 2.00", "value: 99999999999999999999999999999999999", 1))
    status, _, err = run_cli("rulesets", "validate", str(ruleset_copy))
    assert status == 1
    assert "out of range" in err
    assert "Traceback" not in err


def test_batch_cells_refuse_their_row_and_spaces_are_ignored(tmp_path: Path) -> None:
    import pyarrow.csv as pcsv  # noqa: PLC0415

    out = tmp_path / "out.csv"
    status, _, err = run_cli("batch", str(HOSTILE / "cells.csv"), "--out", str(out))
    assert status == 0, err
    rows = pcsv.read_csv(out).to_pylist()
    assert rows[0]["gross"] == 153.61  # " 10 ": surrounding blanks ignored
    messages = [r["error"] for r in rows[1:]]
    assert "hours: '1e2' is written with an exponent" in messages[0]
    assert messages[1].startswith(f"net_hourly: '{'9' * 40}' ")
    assert "has more than 12 digits before the point" in messages[1]
    assert "net_hourly: 'NaN' is not a number" in messages[2]
    assert "write the decimal point as a dot: 12.50" in messages[3]
    assert "hours: '1_0' contains '_'" in messages[4]
    assert "hours: '١٠' contains non-ASCII characters" in messages[5]
    assert {r["error_code"] for r in rows[1:]} == {"invalid_number"}


def test_pass_through_columns_stay_text_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    status, _, err = run_cli("batch", str(HOSTILE / "quoted_header.csv"), "--out", str(out))
    assert status == 0, err
    text = out.read_text(encoding="utf-8")
    assert '"007","01000"' in text


def test_a_check_case_with_a_negative_tolerance_is_invalid(tmp_path: Path) -> None:
    shutil.copy(HOSTILE / "negative_tolerance.yaml", tmp_path)
    status, out, _ = run_cli("check", str(tmp_path))
    assert status == 2
    assert "tolerance" in out
    assert "greater than or equal to 0" in out


def test_files_that_are_not_utf8_or_empty() -> None:
    assert "is not UTF-8 text (byte" in refused("household", str(HOSTILE / "latin1_household.yaml"))
    err = refused("batch", str(HOSTILE / "empty.csv"), "--out", "/tmp/never-written.csv")
    assert "empty" in err
    assert not Path("/tmp/never-written.csv").exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--net-hourly", "12,50", "write the decimal point as a dot: 12.50"),
        ("--month", "April", "'April' is not a month written YYYY-MM"),
        ("--month", "2024-4", "write it 2024-04"),
        ("--hours", "1e2", "'1e2' is written with an exponent"),
        ("--hours", "1_0", "contains '_'"),
        ("--hours", "١٠", "contains non-ASCII characters"),
        ("--net-hourly", "1E+308", "'1E+308' is written with an exponent"),
        ("--net-hourly", "NaN", "'NaN' is not a number"),
        ("--hours", "9" * 40, "has more than 12 digits before the point"),
    ],
)
def test_cli_numbers_and_months_get_helpful_messages(option: str, value: str, message: str) -> None:
    argv = {"--month": "2024-04", "--hours": "10", "--net-hourly": "12.00", option: value}
    err = refused("estimate", *[x for kv in argv.items() for x in kv])
    assert message in err
    assert "Decimal(" not in err


def test_a_month_past_the_rulesets_is_refused_by_show() -> None:
    assert "outside the rulesets" in refused(
        "rulesets", "show", "smic/horaire_brut/metropole", "--at", "2030-01"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": Decimal("sNaN"), "net_hourly": "12"}, "hours: sNaN is not a number"),
        ({"hours": 10**5000, "net_hourly": "12"}, "more than 12 digits"),
        ({"hours": 10, "net_hourly": "12", "ruleset": "x"}, "ruleset must be a Ruleset"),
        ({"hours": 10, "net_hourly": "12", "territory": None}, None),
        ({"hours": 10, "net_hourly": "12", "hourz": 3}, "unknown input 'hourz'"),
        ({"hours": [10], "net_hourly": "12"}, "hours must be a number such as 10.5"),
    ],
)
def test_the_python_api_raises_only_its_own_errors(
    kwargs: dict[str, Any], message: str | None
) -> None:
    if message is None:
        assert estimate("2024-04", **kwargs).territory == "metropole"
        return
    with pytest.raises(CesuRulesError, match=message) as info:
        estimate("2024-04", **kwargs)
    assert info.value.code
    assert info.value.to_dict()["message"] == str(info.value)


def test_reform_and_batch_arguments() -> None:
    from cesu_rules.batch import compute_batch  # noqa: PLC0415
    from cesu_rules.tables import columns_from_rows  # noqa: PLC0415

    with pytest.raises(InputError, match="a reform is the text of a reform file"):
        apply_reform(None, default_ruleset())  # type: ignore[arg-type]
    with pytest.raises(InputError, match="a reform applies to a Ruleset"):
        apply_reform("label: x\noverrides: {}\n", None)  # type: ignore[arg-type]
    rows = [{"month": "2024-04", "hours": "10", "net_hourly": "1" * 20}]
    result = compute_batch(columns_from_rows(rows), load_ruleset())
    assert result.error_codes().to_pylist() == ["invalid_number"]


def test_a_grid_gives_its_real_size(tmp_path: Path) -> None:
    err = refused("simulate", str(HOSTILE / "huge_grid.yaml"), "--out", str(tmp_path / "r.csv"))
    assert "huge_grid.yaml:4:3: axes: the grid has 79,623,901 rows, above the limit" in err
    assert not list(tmp_path.iterdir())


def test_a_bad_scenario_value_is_placed_on_its_line(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        'label: bad\nfixed: {month: 2024-04, net_hourly: "12.00"}\naxes:\n'
        '  hours: [10, 20, "abc"]\n  pas_rate: {from: 0, to: 1e1}\n',
        encoding="utf-8",
    )
    err = refused("simulate", str(scenario))
    assert "s.yaml:4:19: axes.hours[2]: hours: 'abc' is not a plain decimal number" in err
    assert "s.yaml:5:13: axes.pas_rate: pas_rate.to: '1e1' is written with an exponent" in err
