"""`cesu-rules estimate` and `cesu-rules schema`: table, JSON contract, stdin, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cesu_rules import EstimateResponse

from .helpers import run_cli as run

CONTRACT_KEYS = {
    "ruleset_version",
    "ruleset_hash",
    "month",
    "hours",
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
    "warnings",
    "lines",
}


def test_table_output_reads_like_a_statement() -> None:
    status, out, err = run(
        "estimate", "--month", "2024-04", "--hours", "10", "--net-hourly", "12.00"
    )
    assert status == 0, err
    assert "Cesu estimate — April 2024, metropole" in out
    assert "Gross wage       153.61 €" in out
    assert "Déduction forfaitaire (10 h × 2.00 €)" in out
    assert "Debited by the Urssaf                82.25 €" in out
    assert "Warnings:" in out


def test_json_output_keeps_the_public_contract() -> None:
    status, out, _ = run(
        "estimate", "--month", "2024-04", "--hours", "10", "--net-hourly", "12.00", "--json"
    )
    assert status == 0
    data = json.loads(out)
    assert set(data) >= CONTRACT_KEYS
    assert data["gross"] == "153.61"
    assert data["total_cost"] == "202.25"
    line = next(x for x in data["lines"] if x["code"] == "accident_travail")
    assert set(line) >= {"code", "side", "base", "rate", "amount", "source"}
    assert (line["side"], line["base"], line["rate"], line["amount"]) == (
        "employer",
        "153.61",
        "2.10",
        "3.23",
    )
    assert line["source"]["parameter"] == "cotisations/employeur/accident_travail"
    EstimateResponse.model_validate(data)  # the documented schema describes the output


def test_all_options_on_the_command_line() -> None:
    status, out, err = run(
        "estimate",
        "--month",
        "2025-06",
        "--hours",
        "40",
        "--gross-hourly",
        "14.00",
        "--territory",
        "alsace_moselle",
        "--exemption",
        "age_70",
        "--paid-leave",
        "excluded",
        "--paid-leave-hours",
        "4",
        "--non-resident",
        "--json",
    )
    assert status == 0, err
    data = json.loads(out)
    assert (data["territory"], data["exemption_case"], data["paid_leave"]) == (
        "alsace_moselle",
        "age_70",
        "excluded",
    )
    codes = {x["code"] for x in data["lines"]}
    assert "maladie_non_resident" in codes
    assert "maladie_alsace_moselle" in codes
    assert "sante_au_travail" in codes


def test_json_on_stdin_gives_the_same_result() -> None:
    request = {"month": "2024-04", "hours": 10, "net_hourly": 12.00}
    _, from_flags, _ = run(
        "estimate", "--month", "2024-04", "--hours", "10", "--net-hourly", "12.00", "--json"
    )
    status, from_stdin, err = run("estimate", "--input", "-", "--json", stdin=json.dumps(request))
    assert status == 0, err
    assert json.loads(from_stdin) == json.loads(from_flags)


def test_json_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text('{"month": "2024-04", "hours": "10", "net_hourly": "12.00"}', encoding="utf-8")
    status, out, _ = run("estimate", "--input", str(path), "--json")
    assert status == 0
    assert json.loads(out)["gross"] == "153.61"


def _error(*argv: str, stdin: str = "") -> str:
    status, out, err = run(*argv, stdin=stdin)
    assert status == 2, (argv, out, err)
    assert out == ""
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_user_errors_are_one_line_with_exit_2() -> None:
    base = ("estimate", "--month", "2024-04", "--hours", "10")
    assert "below the legal minimum" in _error(*base, "--net-hourly", "5.00")
    assert "hours must be more than 0" in _error(
        "estimate", "--month", "2024-04", "--hours", "0", "--net-hourly", "12"
    )
    assert "hours: '-2' must not be negative" in _error(
        "estimate", "--month", "2024-04", "--hours", "-2", "--net-hourly", "12"
    )
    assert "exceed the legal maximum" in _error(
        "estimate", "--month", "2024-04", "--hours", "400", "--net-hourly", "12"
    )
    assert "outside the rulesets" in _error(
        "estimate", "--month", "2031-01", "--hours", "10", "--net-hourly", "12"
    )
    assert "give exactly one wage" in _error(*base)
    assert "missing --month" in _error("estimate", "--hours", "10", "--net-hourly", "12")
    assert "territory: unknown value 'paris'; choose one of: metropole" in _error(
        *base, "--net-hourly", "12", "--territory", "paris"
    )
    assert "give exactly one wage" in _error(*base, "--net-hourly", "12", "--gross-hourly", "15")
    assert "hours: 'ten' is not a plain decimal number; example: 10.5" in _error(
        "estimate", "--month", "2024-04", "--hours", "ten", "--net-hourly", "12"
    )
    assert "write the decimal point as a dot: 12.50" in _error(*base, "--net-hourly", "12,50")


def test_bad_json_input_is_a_clear_error() -> None:
    assert "invalid JSON in stdin at line 1, column 2" in _error(
        "estimate", "--input", "-", stdin="{month: 2024}"
    )
    assert "must be a JSON object" in _error("estimate", "--input", "-", stdin="[1, 2]")
    err = _error(
        "estimate",
        "--input",
        "-",
        stdin='{"month": "2024-04", "hours": 10, "net_hourly": 12, "houres": 3}',
    )
    assert "unknown input 'houres'; the inputs are month, hours" in err
    assert "--input reads every field from JSON; drop --month" in _error(
        "estimate", "--input", "-", "--month", "2024-04", stdin="{}"
    )
    assert "cannot read the request /nonexistent.json: No such file" in _error(
        "estimate", "--input", "/nonexistent.json"
    )


def test_schema_command_prints_both_schemas() -> None:
    for which, key in (("estimate-input", "net_hourly"), ("estimate-output", "total_cost")):
        status, out, _ = run("schema", which)
        assert status == 0
        assert key in json.loads(out)["properties"]


def test_help_lists_the_exemption_cases() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cesu_rules.cli", "estimate", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert "age_70" in proc.stdout
    assert "tierce_personne_62" in proc.stdout


def test_json_lines_answer_each_line_as_it_arrives() -> None:
    """One long-lived process: a line in, its answer out, before the next line is written."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    process = subprocess.Popen(
        [sys.executable, "-m", "cesu_rules.cli", "estimate", "--input", "-", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    answers = []
    for line in (
        '{"month": "2024-04", "hours": 10, "net_hourly": "12.00"}',
        "",
        '{"month": "2024-04", "hours": 10, "net_hourly": "12,50"}',
        "[1, 2]",
        "{not json",
        '{"month": "2026-07", "hours": "120", "net_hourly": "14.00", "cesu_plus": true}',
    ):
        process.stdin.write(line + "\n")
        process.stdin.flush()
        if line:
            answers.append(json.loads(process.stdout.readline()))
    process.stdin.close()
    assert process.wait(timeout=30) == 0
    assert answers[0]["total_cost"] == "202.25"
    assert answers[1] == {
        "error": {
            "code": "invalid_number",
            "message": "net_hourly: '12,50' uses a decimal comma; write the decimal point as a "
            "dot: 12.50; example: 12.00",
            "field": "net_hourly",
            "value": "12,50",
        },
        "line": 3,
    }
    assert (answers[2]["error"]["code"], answers[2]["line"]) == ("invalid_json", 4)
    assert (answers[3]["error"]["code"], answers[3]["line"]) == ("invalid_json", 5)
    assert answers[4]["advance"] == "1438.37"


def test_json_lines_need_an_input() -> None:
    status, _, err = run("estimate", "--jsonl")
    assert status == 2
    assert "--jsonl reads requests from --input FILE or --input - (stdin)" in err
