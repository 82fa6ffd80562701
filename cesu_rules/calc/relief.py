"""Reliefs on employer contributions: the L241-10 exemptions and the déduction forfaitaire.

* The exemptions (art. L241-10 I CSS) remove the employer's sécurité-sociale cotisations
  except AT (the lines whose ruleset says ``reliefs: [exemption, …]``). Only the age case is
  capped: per month and household, on at most 65 × SMIC of wages.
* The déduction forfaitaire (art. L241-10 I bis) removes a fixed amount per hour of work
  actually performed (paid-leave hours excluded), at most the contributions it reduces, and
  is not cumulable with an exemption.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from ..rules.snapshot import Rules
from .rounding import round_cents

__all__ = ["EXEMPTION_CASES", "ExemptionCase", "age_70_cap"]


class ExemptionCase(NamedTuple):
    name: str
    label: str
    capped: bool


EXEMPTION_CASES: dict[str, ExemptionCase] = {
    case.name: case
    for case in (
        ExemptionCase("none", "no exemption (déduction forfaitaire applies)", capped=False),
        ExemptionCase(
            "age_70",
            "employer or spouse aged 70 or more (capped at 65 × SMIC per month and household)",
            capped=True,
        ),
        ExemptionCase(
            "tierce_personne_62",
            "employer aged 62 or more who needs a third person for the acts of daily life",
            capped=False,
        ),
        ExemptionCase(
            "invalidite_80",
            "holder of an invalidity card of at least 80 % (or CMI invalidité)",
            capped=False,
        ),
        ExemptionCase(
            "enfant_handicape",
            "parent of a child under 20 entitled to the AEEH complement or the PCH",
            capped=False,
        ),
        ExemptionCase(
            "pch_mtp_pctp",
            "holder of the PCH (human aid), the MTP or the PCTP",
            capped=False,
        ),
        ExemptionCase(
            "apa",
            "person meeting the APA loss-of-autonomy condition (GIR 1 to 4)",
            capped=False,
        ),
    )
}


def age_70_cap(rules: Rules, covered_rate: Decimal, *, paid_leave_included: bool) -> Decimal:
    """Monthly cap of the 70+ exemption, in euros.

    ``covered_rate`` is the sum of the exempted employer rates (maladie, vieillesse, AF) as a
    fraction. Formula reproducing the Urssaf's January 2024 figures (218.24 € / 240.16 €):

    * paid leave excluded: round(round(65 × SMIC) × R)
    * paid leave included: round(65 × round(1.10 × SMIC) × R) — the hourly rate with paid
      leave is rounded to the cent *before* the multiplication by 65.
    """
    smic = rules.smic_hourly.value
    hours = rules.age_70_cap_smic_hours.value
    if paid_leave_included:
        uplift = 1 + rules.paid_leave_uplift.value / 100
        return round_cents(hours * round_cents(smic * uplift) * covered_rate)
    return round_cents(round_cents(hours * smic) * covered_rate)
