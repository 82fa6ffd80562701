"""French and English: the words and numbers of cesu_rules.i18n, the --lang tables of
estimate and household, and simulate's charts (French labels, a real date axis)."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from cesu_rules import estimate
from cesu_rules.cli import main
from cesu_rules.i18n import Words

pytest.importorskip("babel", reason="the documents extra")

D = Decimal
FR = Words("fr")
EN = Words("en")
EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "household.yaml"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_french_numbers_follow_the_french_conventions() -> None:
    assert FR.money(D("1741.27")) == "1\u202f741,27\u00a0€"
    assert FR.money(D("0")) == "0,00\u00a0€"
    assert FR.money(D("-12.5")) == "-12,50\u00a0€"
    assert FR.percent(D("0.016")) == "0,016\u00a0%"
    assert FR.month("2026-08") == "août 2026"
    assert EN.money(D("1741.27")) == "1 741.27 €"
    assert EN.month("2026-08") == "August 2026"


def test_estimate_table_in_french() -> None:
    status, out, _ = _run(
        "estimate", "--month", "2026-01", "--hours", "60", "--net-hourly", "13.50", "--lang", "fr"
    )
    assert status == 0
    e = estimate("2026-01", hours=D(60), net_hourly=D("13.50"))
    plain = Words("fr", plain=True)
    assert out.startswith("Estimation Cesu — janvier 2026, metropole\n")
    assert f"Salaire brut     {plain.amount(e.gross)} €" in out
    assert plain.amount(e.gross) == FR.amount(e.gross).replace("\u202f", " ")
    assert f"{'Net imposable':<32}{plain.amount(e.net_taxable):>10} €" in out
    assert "Total des cotisations" in out


def test_household_table_in_french() -> None:
    status, out, _ = _run("household", str(EXAMPLE), "--lang", "fr")
    assert status == 0
    assert out.startswith("Foyer Famille Martin (example)\nrègles ")
    assert "Année 2026 (3 mois)" in out
    assert "crédit d'impôt (50 %)" in out
    status, out, _ = _run("household", str(EXAMPLE), "--lang", "de")
    assert status == 2


MONTHS_SCENARIO = """\
label: 40 h at 13.50 net, 2019-2026
fixed: {hours: 40, net_hourly: "13.50", paid_leave: excluded}
axes:
  month: {from: 2019-01, to: 2026-12}
  exemption: [none, age_70]
plot: {x: month, y: total_cost, series: exemption}
"""


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ("mois", "coût total (€)", "janv. ", "exonération = none")),
        ("en", ("month", "total cost (€)", "Jan ", "exemption = none")),
    ],
)
def test_a_month_axis_is_a_date_axis_in_the_charts_language(
    tmp_path: Path, lang: str, words: tuple[str, str, str, str]
) -> None:
    axis, figure, month, series = words
    pytest.importorskip("matplotlib", reason="the plot extra")
    scenario = tmp_path / "months.yaml"
    scenario.write_text(MONTHS_SCENARIO, encoding="utf-8")
    chart = tmp_path / "months.svg"
    status, _, err = _run(
        "simulate", str(scenario), "--plot", str(chart), "--lang", lang, "--quiet"
    )
    assert status == 0, err
    svg = chart.read_text(encoding="utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert axis in texts
    assert figure in texts
    assert series in texts
    ticks = [t for t in texts if re.fullmatch(r"\S+\.? \d{4}", t)]
    # 96 months on the axis, a handful of dated ticks (not 96 category labels), in order.
    assert 4 <= len(ticks) <= 12
    assert all(t.startswith(month) for t in ticks)
    years = [int(t[-4:]) for t in ticks]
    assert years == sorted(years)
    assert years[0] <= 2019
    assert years[-1] >= 2026
    # Amounts on the y axis in the language's digits (French: thin space, no decimals).
    assert any(re.fullmatch(r"\d{3}", t) for t in texts)


def test_the_python_api_refuses_with_cesu_rules_errors(tmp_path: Path) -> None:
    pytest.importorskip("jinja2", reason="the documents extra")
    from cesu_rules import CesuRulesError  # noqa: PLC0415
    from cesu_rules.documents import payslip, write  # noqa: PLC0415
    from cesu_rules.household import load_household  # noqa: PLC0415

    household = load_household(EXAMPLE)
    with pytest.raises(CesuRulesError) as language:
        Words("de")
    assert language.value.code == "invalid_choice"
    with pytest.raises(CesuRulesError) as kind:
        write(payslip(household, "2026-06", "aide"), tmp_path / "p.docx")
    assert kind.value.code == "bad_output_type"
    with pytest.raises(CesuRulesError) as month:
        payslip(household, "juin 2026", "aide")
    assert month.value.code == "invalid_month"
    assert list(tmp_path.iterdir()) == []
