"""The `cesu-rules rulesets` commands: output, exit statuses, no traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from cesu_rules import Ruleset, load_ruleset
from cesu_rules.rules.inspect import staleness_note

from .helpers import run_cli as run


def test_list_shows_every_parameter_with_version_and_hash() -> None:
    status, out, _ = run("rulesets", "list")
    assert status == 0
    assert out.startswith("ruleset cesu-rules-france ")
    assert "smic/horaire_brut/metropole" in out
    assert "cotisations/employeur/sante_au_travail" in out


def test_show_at_a_month_prints_value_status_and_source() -> None:
    status, out, _ = run("rulesets", "show", "smic/horaire_brut/metropole", "--at", "2024-04")
    assert status == 0
    assert "2024-01-01 → 2024-10-31: 11.65 €/h  [confirmed]" in out
    assert "Décret 2023-1216" in out


def test_show_json_is_machine_readable() -> None:
    status, out, _ = run(
        "rulesets", "show", "cotisations/employeur/sante_au_travail", "--at", "2025-03", "--json"
    )
    assert status == 0
    data = json.loads(out)
    assert data["values"][0]["value"] == {"rate": "2.70", "monthly_cap": "5.00"}
    assert data["contribution"]["side"] == "employer"
    assert data["values"][0]["sources"][0]["url"].startswith("https://")


def test_diff_names_what_changed() -> None:
    status, out, _ = run("rulesets", "diff", "2025-12", "2026-01")
    assert status == 0
    assert "cotisations/employeur/vieillesse_deplafonnee: 2.02 % → 2.11 %  [confirmed]" in out
    assert "smic/horaire_brut/metropole: 11.88 €/h → 12.02 €/h  [confirmed]" in out
    status, out, _ = run("rulesets", "diff", "2024-02", "2024-03")
    assert out == "no parameter changed between 2024-02 and 2024-03\n"


def test_user_errors_exit_2_with_one_line() -> None:
    for argv in (
        ("rulesets", "show", "smic/horaire", "--at", "2024-04"),
        ("rulesets", "show", "smic/horaire_brut/metropole", "--at", "2024/04"),
        ("rulesets", "diff", "2024-01", "2024-13"),
    ):
        status, out, err = run(*argv)
        assert status == 2, argv
        assert out == ""
        assert err.startswith("cesu-rules: error: "), err
        assert err.count("\n") == 1, err


def test_validate_shipped_and_a_broken_directory(ruleset_copy: Path) -> None:
    status, out, _ = run("rulesets", "validate")
    assert status == 0
    assert "valid — " in out
    status, out, _ = run("rulesets", "validate", str(ruleset_copy))
    assert status == 0
    bad = ruleset_copy / "fixture"
    bad.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "invalid" / "gap.yaml", bad / "gap.yaml")
    status, out, err = run("rulesets", "validate", str(ruleset_copy))
    assert status == 1
    assert "fixture/gap.yaml:8:" in err


def test_console_script_prints_no_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cesu_rules.cli", "rulesets", "show", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (
        "cesu-rules: error: unknown parameter 'nope'; `cesu-rules rulesets list` shows them all"
    )


def test_a_staleness_note_comes_before_the_coverage_ends(ruleset: Ruleset) -> None:
    assert staleness_note(ruleset, date(2026, 6, 1)) is None
    assert "in 30 days: time to add next year's values" in str(
        staleness_note(ruleset, date(2026, 12, 1))
    )
    assert "months after it are refused" in str(staleness_note(ruleset, date(2027, 2, 1)))


def test_prepare_copies_the_rulesets_with_next_years_entries_to_fill(tmp_path: Path) -> None:
    target = tmp_path / "r2027"
    status, out, err = run("rulesets", "prepare", "2027", "--out", str(target))
    assert status == 0, err
    assert "smic/horaire_brut/metropole: 12.31 €/h" in out
    assert "pss/plafond_mensuel:" not in out  # the 2027 ceiling is already there
    draft = load_ruleset(target)
    assert draft.coverage[1] == date(2027, 12, 31)
    assert draft.version == "2027.01.0-draft"
    smic = draft.parameter("smic/horaire_brut/metropole")
    assert smic.values[-1].start == date(2027, 1, 1)
    assert smic.values[-1].status == "assumed"
    assert "TO FILL for 2027" in (smic.values[-1].note or "")
    status, out, _ = run("rulesets", "status", "--rulesets", str(target))
    assert "TO FILL for 2027" in out
    # A second run does not overwrite; another year than the next is refused.
    status, _, err = run("rulesets", "prepare", "2027", "--out", str(target))
    assert status == 2
    assert "exists; give a new directory" in err
    status, _, err = run("rulesets", "prepare", "2029", "--out", str(tmp_path / "x"))
    assert (status, "prepare 2027, not 2029" in err) == (2, True)
    assert not (tmp_path / "x").exists()
