"""`cesu-rules check`, the case format, the wire adapter and `wire request`."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest

from cesu_rules import estimate
from cesu_rules.checks import run_paths
from cesu_rules.cli import main
from cesu_rules.errors import InputError
from cesu_rules.wire import (
    inputs_to_request,
    load_mapping,
    request_to_inputs,
    response_to_expected,
    territory_of_postal_code,
)

from .helpers import run_cli as run
from .helpers import write

GOOD = """\
id: good
source: {title: test, url: https://example.org/}
inputs: {month: 2024-04, hours: "10", net_hourly: "12.00"}
expected: {gross: "153.61", urssaf_debit: "82.25"}
"""


def test_a_passing_case_exits_0_with_a_table(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", GOOD)
    status, out, _ = run("check", str(tmp_path))
    assert status == 0
    assert "good  gross" in out
    assert out.rstrip().endswith("1 passed, 0 failed, 0 known mismatches, 0 invalid")


def test_a_failing_case_exits_1_and_shows_the_difference(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", GOOD.replace('"82.25"', '"82.26"'))
    status, out, _ = run("check", str(tmp_path / "bad.yaml"))
    assert status == 1
    assert "urssaf_debit" in out
    assert "-0.01  FAIL" in out
    assert "0 passed, 1 failed" in out


def test_tolerance_and_lines(tmp_path: Path) -> None:
    write(
        tmp_path,
        "tol.yaml",
        GOOD.replace('"82.25"', '"82.26"')
        + 'tolerance: "0.01"\n'
        + 'expected_lines: {employer: {maladie: "19.97"}, employee: {ceg_t1: "1.32"}}\n',
    )
    status, out, _ = run("check", str(tmp_path))
    assert status == 0, out
    assert "employer.maladie" in out


def test_a_known_mismatch_is_reported_not_failing_and_must_stay_a_mismatch(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "known.yaml",
        GOOD.replace('"82.25"', '"82.30"') + "known_mismatch: the source rounds differently\n",
    )
    status, out, _ = run("check", str(tmp_path))
    assert status == 0
    assert "known mismatch: good: the source rounds differently" in out
    write(tmp_path, "known.yaml", GOOD + "known_mismatch: it used to differ\n")
    status, out, _ = run("check", str(tmp_path))
    assert status == 1
    assert "now matches: remove known_mismatch" in out


def test_an_explained_mismatch_is_checked_under_the_values_that_explain_it(
    tmp_path: Path,
) -> None:
    # 10 h at 12.00 € net in April 2024: 82.25 € debited with a 2.10 % AT rate (3.23 €); at
    # 2.20 % the AT line is 3.38 € (153.61 × 2.20 % = 3.379), 0.15 € more.
    case = GOOD.replace('"82.25"', '"82.40"') + "known_mismatch: the source used AT 2.20 %\n"
    write(
        tmp_path,
        "known.yaml",
        case + "explained_by: {cotisations/employeur/accident_travail: '2.20'}\n",
    )
    status, out, _ = run("check", str(tmp_path))
    assert status == 0, out
    assert "[matches with cotisations/employeur/accident_travail = 2.20]" in out
    write(
        tmp_path,
        "known.yaml",
        case + "explained_by: {cotisations/employeur/accident_travail: '2.30'}\n",
    )
    status, out, _ = run("check", str(tmp_path))
    assert status == 1
    assert "does not reproduce the figures" in out


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("broken.yaml", "id: [x\n", "broken.yaml:2:1: invalid YAML"),
        ("broken.json", '{"id": "x",\n "source": }', "broken.json:2:12: invalid JSON"),
        (
            "noinputs.yaml",
            "id: x\nsource: {title: t}\nexpected: {gross: '1.00'}\n",
            "missing 'inputs'",
        ),
        (
            "notdecimal.yaml",
            GOOD.replace('"153.61"', "about 150"),
            "notdecimal.yaml:4:19: expected.gross: 'about 150' is not a plain decimal number",
        ),
        (
            "unknownfield.yaml",
            GOOD.replace("gross:", "grosss:"),
            "unknownfield.yaml:4:12: expected.grosss: unknown field",
        ),
        ("unknowninput.yaml", GOOD.replace("hours:", "houres:"), "inputs.houres: unknown input"),
        ("unknownkey.yaml", GOOD + "commentaire: x\n", "unknown key 'commentaire'"),
        (
            "cannotcompute.yaml",
            GOOD.replace("2024-04", "2031-01").replace("id: good", "id: x"),
            "cannot compute: month 2031-01 is outside the rulesets",
        ),
    ],
)
def test_an_invalid_case_exits_2_names_the_place_and_the_others_still_run(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    write(tmp_path, "a_good.yaml", GOOD)
    write(tmp_path, name, text)
    status, out, _ = run("check", str(tmp_path))
    assert status == 2, out
    assert message in out, out
    assert "1 passed, 0 failed, 0 known mismatches, 1 invalid" in out


def test_duplicate_ids_and_missing_paths_are_invalid(tmp_path: Path) -> None:
    write(tmp_path, "one.yaml", GOOD)
    write(tmp_path, "two.yaml", GOOD)
    report = run_paths([tmp_path, tmp_path / "nowhere"])
    assert report.exit_status == 2
    messages = [p.message for r in report.results for p in r.problems]
    assert any("case id 'good' is already used" in m for m in messages)
    assert any("no such file or directory" in m for m in messages)


def test_json_and_junit_outputs(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", GOOD)
    write(
        tmp_path,
        "bad.json",
        json.dumps(
            {
                "id": "bad",
                "source": {"title": "t"},
                "inputs": {"month": "2024-04", "hours": 10, "net_hourly": 12.00},
                "expected": {"gross": 153.62},
            }
        ),
    )
    junit = tmp_path / "out" / "junit.xml"
    junit.parent.mkdir()
    status, out, _ = run("check", str(tmp_path), "--json", "--junit", str(junit))
    assert status == 1
    data = json.loads(out)
    assert data["summary"] == {"passed": 1, "failed": 1, "known_mismatch": 0, "invalid": 0}
    bad = next(c for c in data["cases"] if c["id"] == "bad")
    assert bad["comparisons"][0] == {
        "field": "gross",
        "expected": "153.62",
        "computed": "153.61",
        "difference": "-0.01",
        "ok": False,
    }
    suite = ElementTree.parse(junit).getroot()
    assert suite.get("tests") == "2"
    assert suite.get("failures") == "1"
    assert [c.get("name") for c in suite.iter("testcase")] == ["bad", "good"]


# --- the wire adapter ---------------------------------------------------------------------


def test_postal_codes_give_the_territory() -> None:
    assert territory_of_postal_code("75011") == "metropole"
    assert territory_of_postal_code("67000") == "alsace_moselle"
    assert territory_of_postal_code("97411") == "reunion"
    assert territory_of_postal_code("97600") == "mayotte"
    with pytest.raises(InputError, match="5 digits"):
        territory_of_postal_code("7501")


def test_the_default_mapping_reads_a_paje_style_request_and_response() -> None:
    mapping = load_mapping()
    inputs = request_to_inputs(
        mapping,
        {"mntSalaireNetMensuel": Decimal("120.00"), "nbHeures": 10, "cdPostalEmployeur": "97200"},
    )
    assert inputs == {
        "hours": Decimal(10),
        "net_monthly": Decimal("120.00"),
        "territory": "martinique",
    }
    expected, not_compared = response_to_expected(
        mapping,
        {
            "mntCotiEmplAcharge": 82.25,
            "mntExoEmployeur": 20.0,
            "mntCotiPriseEnChargeOdpf": 0,
            "nouveauChamp": 1,
        },
    )
    assert expected == {"urssaf_debit": Decimal("82.25"), "deduction": Decimal("20.0")}
    assert not_compared == ["mntCotiPriseEnChargeOdpf", "nouveauChamp (unknown to the mapping)"]


def _api_case(
    request: Mapping[str, object], response: Mapping[str, object], mapping: str | None = None
) -> str:
    case: dict[str, object] = {
        "id": "api",
        "kind": "api_estimate",
        "source": {"title": "saved API response"},
        "month": "2024-04",
        "request": request,
        "response": response,
        "inputs": {"paid_leave": "included"},
    }
    if mapping:
        case["mapping"] = mapping
    return json.dumps(case)


def test_an_api_estimate_case_round_trips_through_the_wire(tmp_path: Path) -> None:
    # The response is built from the engine's own figures: this tests the adapter's
    # plumbing (names, numbers, territory), not the engine against the Urssaf.
    result = estimate("2024-04", hours=10, net_hourly="12.00", paid_leave="included")
    request, notes = inputs_to_request(load_mapping(), result)
    assert notes == []
    assert request == {
        "nbHeures": 10,
        "mntSalaireNetMensuel": 120.0,
        "cdPostalEmployeur": "75001",
        "cdPostalSalarie": "75001",
        "cdModeCalcul": "R",
    }
    response = {
        "mntCotiEmplAcharge": float(result.urssaf_debit),
        "mntExoEmployeur": float(result.deduction),
        "mntCotiPriseEnChargeOdpf": 0,
    }
    write(tmp_path, "api.json", _api_case(request, response))
    status, out, _ = run("check", str(tmp_path))
    assert status == 0, out
    assert "urssaf_debit" in out
    assert "not compared: mntCotiPriseEnChargeOdpf" in out
    response["mntExoEmployeur"] = 21.0
    write(tmp_path, "api.json", _api_case(request, response))
    assert run("check", str(tmp_path))[0] == 1


def test_a_custom_mapping_needs_no_code_change(tmp_path: Path) -> None:
    default = (
        Path(__file__).parent.parent / "cesu_rules" / "data" / "wire" / "urssaf-paje-1.0.0.yaml"
    ).read_text(encoding="utf-8")
    custom = default.replace("mntSalaireNetMensuel", "montantNetMois").replace(
        "mntCotiEmplAcharge", "totalCotisations"
    )
    (tmp_path / "mappings").mkdir()
    write(tmp_path / "mappings", "cesu.yaml", custom)
    case = _api_case(
        {"montantNetMois": 120.0, "nbHeures": 10},
        {"totalCotisations": 82.25},
        mapping="mappings/cesu.yaml",
    )
    write(tmp_path, "api.json", case)
    status, out, _ = run("check", str(tmp_path))
    assert status == 0, out


def test_an_unknown_field_in_a_mapping_is_an_invalid_case(tmp_path: Path) -> None:
    (tmp_path / "mappings").mkdir()
    write(
        tmp_path / "mappings",
        "bad.yaml",
        "name: bad\nrequest: {hours: nbHeures, net_monthly: net}\n"
        "response: {total: cotisations_totales}\nunknown: 1\n",
    )
    write(
        tmp_path,
        "api.json",
        _api_case({"net": 120.0, "nbHeures": 10}, {"total": 82.25}, mapping="mappings/bad.yaml"),
    )
    status, out, _ = run("check", str(tmp_path))
    assert status == 2
    assert "bad.yaml:3:" in out
    assert "not an engine output" in out
    assert "unknown key 'unknown'" in out


def test_wire_request_prints_the_payload_and_says_how_hours_were_rounded() -> None:
    out, err = io.StringIO(), io.StringIO()
    status = main(
        [
            "wire",
            "request",
            "--month",
            "2024-04",
            "--hours",
            "10.5",
            "--net-hourly",
            "12.00",
            "--territory",
            "reunion",
        ],
        out=out,
        err=err,
        stdin=io.StringIO(""),
    )
    assert status == 0, err.getvalue()
    payload = json.loads(out.getvalue())
    assert payload["nbHeures"] == 11
    assert payload["mntSalaireNetMensuel"] == 126.0
    assert payload["cdPostalEmployeur"] == "97400"
    assert "nbHeures: 10.5 h sent as 11" in err.getvalue()


def test_schema_of_cases_and_mappings() -> None:
    for which, key in (("check-case", "expected_lines"), ("wire-mapping", "response")):
        status, out, _ = run("schema", which)
        assert status == 0
        assert key in json.loads(out)["properties"]
