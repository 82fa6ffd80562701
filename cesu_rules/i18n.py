"""Words and numbers for a reader: the one table of labels in English and French, and the
formatting of amounts, rates, hours and months in each language.

English keeps the program's historical style (``1 741.27 €``, a thin space between thousands
and a decimal point), which needs nothing beyond the core. French follows the French
conventions through Babel's CLDR data (``1 741,27 €``, ``13,00 %``, ``janvier 2026``), so it
needs the ``documents`` extra (``pip install 'cesu-rules[documents]'``); asking for French
without it is a clear error naming the extra.

Engine messages (warnings, notes of the rules) stay in English: they are written once, in the
engine, and a document shows them as they are, under a heading that says so.

Size: above 400 lines because most of it is the one label table of both languages (one
entry a line), kept whole so that a label lives in one place.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from .errors import InputError
from .extras import require

__all__ = [
    "ACTIVITY_LABELS",
    "EXEMPTION_LABELS",
    "FIGURE_LABELS",
    "INPUT_LABELS",
    "LANGS",
    "TERRITORY_LABELS",
    "Lang",
    "Words",
    "words",
]

Lang = Literal["fr", "en"]
LANGS: tuple[str, ...] = Lang.__args__  # type: ignore[attr-defined]

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# key: (English, French). ``{name}`` fields are filled by :meth:`Words.__call__`.
_TEXT: dict[str, tuple[str, str]] = {
    # the estimate's table
    "estimate_title": (
        "Cesu estimate — {month}, {territory}",
        "Estimation Cesu — {month}, {territory}",
    ),
    "provisional": ("provisional", "provisoire"),
    "ruleset_line": (
        "ruleset {version} ({hash}…), rounding: {policies}",
        "règles {version} ({hash}…), arrondis : {policies}",
    ),
    "leave_included": ("paid leave included (10 %)", "congés payés inclus (10 %)"),
    "leave_excluded": ("paid leave excluded", "congés payés exclus"),
    "leave_paid": ("{hours} h of leave paid", "{hours} h de congés payées"),
    "non_resident": ("non-resident employee", "salarié non résident"),
    "hours_declared": ("Hours declared", "Heures déclarées"),
    "hourly_wage": ("Hourly wage", "Salaire horaire"),
    "net": ("net", "net"),
    "gross": ("gross", "brut"),
    "gross_wage": ("Gross wage", "Salaire brut"),
    "contribution": ("Contribution", "Cotisation"),
    "base": ("base", "base"),
    "rate_pct": ("rate %", "taux %"),
    "employee": ("employee", "salarié"),
    "employer": ("employer", "employeur"),
    "total_contributions": ("Total contributions", "Total des cotisations"),
    "deduction_line": (
        "Déduction forfaitaire ({hours} h × {per_hour} €)",
        "Déduction forfaitaire ({hours} h × {per_hour} €)",
    ),
    "exemption_line": ("Exemption {case}{cap}", "Exonération {case}{cap}"),
    "cap": (", cap {amount} €", ", plafond {amount} €"),
    "employer_after_relief": (
        "Employer contributions after relief",
        "Cotisations patronales après allègements",
    ),
    "net_wage": ("Net wage", "Salaire net"),
    "net_taxable": ("Net taxable", "Net imposable"),
    "pas": ("Income tax withheld (PAS)", "Prélèvement à la source (PAS)"),
    "none": ("none", "aucun"),
    "taux_neutre": ("taux neutre", "taux neutre"),
    "personal_rate": ("personal rate", "taux personnalisé"),
    "net_paid": ("Net paid to the employee", "Net payé au salarié"),
    "debited_cesu_plus": ("Debited by the Urssaf (Cesu+)", "Prélevé par l'Urssaf (Cesu+)"),
    "debited_cesu_plus_why": (
        "net wage + contributions{advance}",
        "salaire net + cotisations{advance}",
    ),
    "minus_advance": (" − avance immédiate {amount} €", " − avance immédiate {amount} €"),
    "paid_by_you": ("Paid by you to the employee", "Payé par vous au salarié"),
    "debited": ("Debited by the Urssaf", "Prélevé par l'Urssaf"),
    "contributions_pas": ("contributions + PAS", "cotisations + PAS"),
    "total_cost": ("Total cost to the household", "Coût total pour le foyer"),
    "wage_contributions": ("wage + contributions", "salaire + cotisations"),
    "aids_declared": ("Aids declared", "Aides déclarées"),
    "tax_credit": ("Tax credit ({rate} %)", "Crédit d'impôt ({rate} %)"),
    "advanced_month": ("advanced this month", "avancé ce mois-ci"),
    "with_return": ("with the tax return", "avec la déclaration de revenus"),
    "cost_after_credit": ("Cost after the tax credit", "Coût après crédit d'impôt"),
    "chart_baseline": ("baseline", "référence"),
    "ranges_head": (
        "Ranges (figures under the candidates of values that are not confirmed):",
        "Fourchettes (chiffres selon les valeurs candidates non confirmées) :",
    ),
    "gives": ("{label} gives {amount}", "{label} donne {amount}"),
    "sources_head": ("Sources of the lines:", "Sources des lignes :"),
    "no_legal": ("no legal text cited", "aucun texte cité"),
    "warnings_head": ("Warnings:", "Avertissements (en anglais) :"),
    # the household's table
    "household": ("Household", "Foyer"),
    "ruleset_short": ("ruleset {version} ({hash}…)", "règles {version} ({hash}…)"),
    "cap_month": (
        " — 70+ exemption cap {cap} € (exempted contributions before the cap {before} €)",
        " — plafond d'exonération 70 ans et plus {cap} € (cotisations exonérées avant plafond {before} €)",
    ),
    "col_employee": ("employee", "salarié"),
    "col_hours": ("hours", "heures"),
    "col_net": ("net", "net"),
    "col_gross": ("gross", "brut"),
    "col_contrib": ("contrib.", "cotis."),
    "col_relief": ("relief", "allègts"),
    "col_pas": ("PAS", "PAS"),
    "col_debited": ("debited", "prélevé"),
    "col_cost": ("cost", "coût"),
    "col_credit": ("credit", "crédit"),
    "household_row": ("household", "foyer"),
    "note": ("note", "remarque"),
    "year_head": ("Year {year} ({months} month(s))", "Année {year} ({months} mois)"),
    "y_net": ("net wages", "salaires nets"),
    "y_gross": ("gross wages", "salaires bruts"),
    "y_contributions": ("contributions", "cotisations"),
    "y_pas": ("income tax withheld (PAS)", "impôt prélevé à la source (PAS)"),
    "y_expense": ("expense (wages + contributions)", "dépense (salaires + cotisations)"),
    "y_aids": ("aids", "aides"),
    "y_eligible": ("eligible expense", "dépense éligible"),
    "y_ceiling": ("ceiling", "plafond"),
    "y_retained": ("expense retained", "dépense retenue"),
    "y_credit": ("tax credit (50 %)", "crédit d'impôt (50 %)"),
    "y_advances": ("advanced during the year", "avancé pendant l'année"),
    "y_due": ("still due to you (tax return)", "encore dû (déclaration)"),
    "y_repay": ("to repay (advanced too much)", "à rembourser (trop avancé)"),
    "provenance_head": (
        "Values used that are not confirmed by two sources:",
        "Valeurs utilisées non confirmées par deux sources :",
    ),
    # the documents (payslip and tax summary)
    "doc_payslip_title": ("Payslip — {month}", "Bulletin de salaire — {month}"),
    "doc_payslip_sub": (
        "Home employment, Cesu déclaratif — computed offline",
        "Emploi à domicile, Cesu déclaratif — calcul hors ligne",
    ),
    "doc_summary_title": ("Tax summary {year}", "Récapitulatif fiscal {year}"),
    "doc_summary_sub": (
        "Employment of a home employee — tax credit (art. 199 sexdecies CGI)",
        "Emploi d'un salarié à domicile — crédit d'impôt (art. 199 sexdecies du CGI)",
    ),
    "doc_employer": ("Employer", "Employeur"),
    "doc_employee": ("Employee", "Salarié"),
    "doc_household": ("Household", "Foyer"),
    "doc_name": ("Name", "Nom"),
    "doc_address": ("Address", "Adresse"),
    "doc_cesu_employer": ("Cesu employer number", "N° d'employeur Cesu"),
    "doc_cesu_employee": ("Cesu employee number", "N° de salarié Cesu"),
    "doc_not_given": ("not given", "non renseigné"),
    "doc_exemption": ("Exemption", "Exonération"),
    "doc_territory": ("Territory", "Territoire"),
    "doc_activity": ("Activity", "Activité"),
    "doc_agreement": ("Collective agreement", "Convention collective"),
    "doc_period": ("Period", "Période"),
    "doc_period_text": ("{first} to {last}", "du {first} au {last}"),
    "doc_hours_worked": ("Hours worked", "Heures travaillées"),
    "doc_leave_hours": ("Hours of paid leave paid", "Heures de congés payés rémunérées"),
    "doc_leave": ("Paid leave", "Congés payés"),
    "doc_leave_included": ("included in the wage (+10 %)", "inclus dans le salaire (+10 %)"),
    "doc_leave_excluded": ("paid when taken", "payés lorsqu'ils sont pris"),
    "doc_gross_hourly": ("Gross hourly wage", "Salaire horaire brut"),
    "doc_net_hourly": ("Net hourly wage", "Salaire horaire net"),
    "doc_gross_monthly": ("Gross wage of the month", "Salaire brut du mois"),
    "doc_lines": ("Contributions", "Cotisations et contributions sociales"),
    "doc_col_label": ("Line", "Rubrique"),
    "doc_col_base": ("Base", "Base"),
    "doc_col_ee_rate": ("Employee rate", "Taux salarial"),
    "doc_col_ee": ("Employee part", "Part salariale"),
    "doc_col_er_rate": ("Employer rate", "Taux patronal"),
    "doc_col_er": ("Employer part", "Part patronale"),
    "doc_total": ("Total", "Total"),
    "doc_deduction": (
        "Déduction forfaitaire ({hours} h × {per_hour})",
        "Déduction forfaitaire ({hours} h × {per_hour})",
    ),
    "doc_exemption_line": ("Exemption: {case}", "Exonération : {case}"),
    "doc_exemption_cap": ("capped at {cap}", "plafonnée à {cap}"),
    "doc_employer_after": (
        "Employer contributions after relief",
        "Cotisations patronales après allègements",
    ),
    "doc_net_head": ("Net pay", "Net à payer"),
    "doc_net": ("Net wage", "Salaire net"),
    "doc_net_taxable": ("Net taxable", "Net imposable"),
    "doc_pas": (
        "Income tax withheld at source (PAS)",
        "Impôt sur le revenu prélevé à la source (PAS)",
    ),
    "doc_pas_rate": ("rate {rate}, {source}", "taux {rate}, {source}"),
    "doc_pas_none": ("not applied", "non appliqué"),
    "doc_net_paid": ("Net paid to the employee", "Net payé au salarié"),
    "doc_ytd": ("Year to date ({months})", "Cumuls de l'année ({months})"),
    "doc_ytd_months": (
        "{count} month(s) of {year} in the file, up to {month}",
        "{count} mois de {year} dans le fichier, jusqu'à {month}",
    ),
    "doc_ytd_gross": ("Gross wages", "Salaires bruts"),
    "doc_ytd_employee": ("Employee contributions", "Cotisations salariales"),
    "doc_employer_cost": ("Cost to the employer", "Coût pour l'employeur"),
    "doc_total_cost": ("Total cost (wage + contributions)", "Coût total (salaire + cotisations)"),
    "doc_debit": ("Debited by the Urssaf", "Prélevé par l'Urssaf"),
    "doc_advance": ("Avance immédiate of the tax credit", "Avance immédiate du crédit d'impôt"),
    "doc_ranges": (
        "Figures that depend on unconfirmed rounding rules",
        "Chiffres qui dépendent de règles d'arrondi non confirmées",
    ),
    "doc_range": ("{figure}: between {low} and {high}", "{figure} : entre {low} et {high}"),
    "doc_assumptions": (
        "Values these figures rest on that are not confirmed by two sources",
        "Valeurs non confirmées par deux sources sur lesquelles reposent ces chiffres",
    ),
    "doc_no_assumption": (
        "None: every value used is confirmed by two sources.",
        "Aucune : chaque valeur utilisée est confirmée par deux sources.",
    ),
    "status_assumed": ("assumed", "supposée"),
    "status_derived": ("derived", "déduite"),
    "status_single_source": ("single source", "source unique"),
    "doc_remarks": ("Remarks of the calculation (in English)", "Remarques du calcul (en anglais)"),
    "doc_keep": (
        "In your interest and to help you assert your rights, keep this payslip without time limit.",
        "Dans votre intérêt et pour vous aider à faire valoir vos droits, conservez ce bulletin de paie sans limitation de durée.",
    ),
    "doc_honest_payslip": (
        "This document is computed offline by cesu-rules {engine} from the figures declared in the household file, with the rules {version} ({hash}). It is not issued by the Urssaf: the document that stands as the payslip is the one the Cesu makes available to the employee each month.",
        "Ce document est calculé hors ligne par cesu-rules {engine} à partir des éléments déclarés dans le fichier du foyer, avec les règles {version} ({hash}). Il n'est pas délivré par l'Urssaf : le document qui vaut bulletin de salaire est celui que le Cesu met chaque mois à la disposition du salarié.",
    ),
    "doc_honest_summary": (
        "This tax summary is computed offline by cesu-rules {engine} from the months in the household file, with the rules {version} ({hash}). It is not the Urssaf's attestation fiscale, which is the document to rely on for the tax return.",
        "Ce récapitulatif fiscal est calculé hors ligne par cesu-rules {engine} à partir des mois du fichier du foyer, avec les règles {version} ({hash}). Ce n'est pas l'attestation fiscale de l'Urssaf, qui est le document de référence pour la déclaration de revenus.",
    ),
    "doc_by_employee": ("By employee", "Par salarié"),
    "doc_col_employee": ("Employee", "Salarié"),
    "doc_col_months": ("Months", "Mois"),
    "doc_col_hours": ("Hours", "Heures"),
    "doc_col_net": ("Net wages", "Salaires nets"),
    "doc_col_contrib": ("Contributions", "Cotisations"),
    "doc_col_pas": ("PAS withheld", "PAS retenu"),
    "doc_col_expense": ("Expense", "Dépense"),
    "doc_col_aids": ("Aids", "Aides"),
    "doc_contrib_note": (
        "Contributions: employee and employer parts, after relief. The PAS is withheld from the wage and paid over to the tax office; it is not an expense of the household.",
        "Cotisations : parts salariale et patronale, après allègements. Le PAS est retenu sur le salaire et reversé à l'administration fiscale ; ce n'est pas une dépense du foyer.",
    ),
    "doc_credit_head": ("Tax credit", "Crédit d'impôt"),
    "doc_expense": ("Expense (wages + contributions)", "Dépense (salaires + cotisations)"),
    "doc_aids": (
        "Aids deducted (APA, PCH, prefinanced Cesu…)",
        "Aides déduites (APA, PCH, Cesu préfinancé…)",
    ),
    "doc_eligible": ("Eligible expense", "Dépense éligible"),
    "doc_ceiling": ("Ceiling", "Plafond"),
    "doc_retained": ("Expense retained", "Dépense retenue"),
    "doc_credit": ("Tax credit ({rate})", "Crédit d'impôt ({rate})"),
    "doc_advances": ("Avance immédiate already received", "Avance immédiate déjà perçue"),
    "doc_balance_due": (
        "Balance to receive with the tax return",
        "Solde à recevoir avec la déclaration de revenus",
    ),
    "doc_balance_repay": (
        "Balance to repay (advanced too much)",
        "Solde à reverser (avance supérieure au crédit)",
    ),
    "doc_ceiling_base": (
        "{base} + {increments} of increments, at most {maximum}",
        "{base} + {increments} de majorations, au plus {maximum}",
    ),
    "doc_ceiling_first": (
        "first year of direct employment: {base} + {increments} of increments, at most {maximum}",
        "première année d'emploi direct : {base} + {increments} de majorations, au plus {maximum}",
    ),
    "doc_ceiling_invalidity": (
        "invalidity ceiling, no increments",
        "plafond invalidité, sans majoration",
    ),
    "doc_months_counted": ("Months counted", "Mois comptés"),
    "doc_missing_months": (
        "{count} month(s) of {year} are not in the file and are not counted.",
        "{count} mois de {year} ne sont pas dans le fichier et ne sont pas comptés.",
    ),
    "doc_notes": ("Notes of the calculation (in English)", "Remarques du calcul (en anglais)"),
}

# Activities, exemption cases and territories as a reader names them.
ACTIVITY_LABELS: dict[str, tuple[str, str]] = {
    "menage": ("Housework", "Ménage, repassage"),
    "garde_enfant": ("Childcare at home", "Garde d'enfant à domicile"),
    "assistance": (
        "Assistance to an elderly or dependent person",
        "Assistance aux personnes âgées ou dépendantes",
    ),
    "cours": ("Lessons at home", "Cours et soutien scolaire à domicile"),
    "petit_jardinage": ("Small gardening work", "Petits travaux de jardinage"),
    "assistance_informatique": ("Computer assistance", "Assistance informatique"),
    "petit_bricolage": ("Small odd jobs", "Petit bricolage"),
    "autre": ("Other service at home", "Autre service à domicile"),
}
EXEMPTION_LABELS: dict[str, tuple[str, str]] = {
    "none": ("none (déduction forfaitaire)", "aucune (déduction forfaitaire)"),
    "age_70": ("employer aged 70 or more", "employeur âgé de 70 ans ou plus"),
    "tierce_personne_62": (
        "employer aged 62 or more needing a third person",
        "employeur de 62 ans ou plus ayant besoin d'une tierce personne",
    ),
    "invalidite_80": ("invalidity of 80 % or more", "invalidité d'au moins 80 %"),
    "enfant_handicape": (
        "parent of a disabled child (AEEH, PCH)",
        "parent d'un enfant handicapé (AEEH, PCH)",
    ),
    "pch_mtp_pctp": ("holder of the PCH, MTP or PCTP", "bénéficiaire de la PCH, MTP ou PCTP"),
    "apa": ("APA loss-of-autonomy condition", "condition de perte d'autonomie de l'APA"),
}
# The inputs of an estimate (the axes of a simulation).
INPUT_LABELS: dict[str, tuple[str, str]] = {
    "month": ("month", "mois"),
    "hours": ("hours declared", "heures déclarées"),
    "net_hourly": ("net hourly wage (€)", "salaire horaire net (€)"),
    "gross_hourly": ("gross hourly wage (€)", "salaire horaire brut (€)"),
    "net_monthly": ("net monthly wage (€)", "salaire net mensuel (€)"),
    "paid_leave": ("paid leave", "congés payés"),
    "paid_leave_hours": ("hours of paid leave", "heures de congés payés"),
    "exemption": ("exemption", "exonération"),
    "territory": ("territory", "territoire"),
    "pas_rate": ("PAS rate (%)", "taux de PAS (%)"),
    "aids": ("aids (€)", "aides (€)"),
    "cesu_plus": ("Cesu+", "Cesu+"),
    "non_resident": ("non-resident", "non-résident"),
}
# The figures of a result (a chart's y axis, a range).
FIGURE_LABELS: dict[str, tuple[str, str]] = {
    "gross": ("gross wage", "salaire brut"),
    "net": ("net wage", "salaire net"),
    "net_taxable": ("net taxable", "net imposable"),
    "employee_total": ("employee contributions", "cotisations salariales"),
    "employer_total_before_relief": (
        "employer contributions before relief",
        "cotisations patronales avant allègements",
    ),
    "employer_total": (
        "employer contributions after relief",
        "cotisations patronales après allègements",
    ),
    "deduction": ("déduction forfaitaire", "déduction forfaitaire"),
    "exemption": ("exemption", "exonération"),
    "pas_amount": ("PAS", "PAS"),
    "net_after_pas": ("net paid", "net payé"),
    "paid_to_employee": ("paid to the employee", "payé au salarié"),
    "urssaf_debit": ("debited by the Urssaf", "prélevé par l'Urssaf"),
    "total_cost": ("total cost", "coût total"),
    "tax_credit": ("tax credit", "crédit d'impôt"),
    "advance": ("avance immédiate", "avance immédiate"),
    "cost_after_credit": ("cost after the tax credit", "coût après crédit d'impôt"),
    "gross_hourly": ("gross hourly wage", "salaire horaire brut"),
    "net_hourly": ("net hourly wage", "salaire horaire net"),
    "one_hour_gross": ("gross of one hour", "brut d'une heure"),
    "one_hour_net": ("net of one hour", "net d'une heure"),
}
TERRITORY_LABELS: dict[str, tuple[str, str]] = {
    "metropole": ("mainland France", "France métropolitaine"),
    "alsace_moselle": ("Alsace-Moselle", "Alsace-Moselle"),
    "guadeloupe": ("Guadeloupe", "Guadeloupe"),
    "martinique": ("Martinique", "Martinique"),
    "guyane": ("French Guiana", "Guyane"),
    "reunion": ("La Réunion", "La Réunion"),
    "mayotte": ("Mayotte", "Mayotte"),
}


class Words:
    """Labels and number formats of one language."""

    def __init__(self, lang: str, *, plain: bool = False) -> None:
        if lang not in LANGS:
            raise InputError(
                f"unknown language {lang!r}; choose one of {', '.join(LANGS)}",
                code="invalid_choice",
                field="lang",
                value=lang,
            )
        self.lang = lang
        self.plain = plain  # plain spaces, for fixed-width text tables
        self._index = 0 if lang == "en" else 1
        self._numbers = None
        self._dates = None
        if lang == "fr":
            self._numbers = require("babel.numbers", "documents", "French output")
            self._dates = require("babel.dates", "documents", "French output")

    def __call__(self, key: str, **fields: object) -> str:
        text = _TEXT[key][self._index]
        return text.format(**fields) if fields else text

    def label(self, table: dict[str, tuple[str, str]], name: str) -> str:
        """A name of :data:`ACTIVITY_LABELS`, :data:`EXEMPTION_LABELS` or
        :data:`TERRITORY_LABELS` in this language (the name itself when unknown)."""
        pair = table.get(name)
        return name if pair is None else pair[self._index]

    def amount(self, value: Decimal) -> str:
        """An amount in euros without the sign: ``1 741.27`` / ``1 741,27``."""
        if self._numbers is None:
            return f"{value:,.2f}".replace(",", " ")
        text: str = self._numbers.format_decimal(
            value, format="#,##0.00", locale="fr_FR", decimal_quantization=True
        )
        return text.replace("\u202f", " ") if self.plain else text

    def money(self, value: Decimal) -> str:
        """An amount with its currency: ``1 741.27 €`` / ``1 741,27 €`` (no-break spaces in
        French)."""
        space = "\u00a0" if self._numbers and not self.plain else " "
        return f"{self.amount(value)}{space}€"

    def number(self, value: Decimal) -> str:
        """A number exactly as given (hours, a rate in %), with the language's decimal mark."""
        text = str(value)
        return text.replace(".", ",") if self.lang == "fr" else text

    def percent(self, value: Decimal) -> str:
        """A rate in percent: ``13.00 %`` / ``13,00 %``."""
        space = "\u00a0" if self.lang == "fr" and not self.plain else " "
        return f"{self.number(value)}{space}%"

    def month(self, month: str) -> str:
        """A month ``YYYY-MM`` as a reader writes it: ``January 2026`` / ``janvier 2026``."""
        year, number = int(month[:4]), int(month[5:7])
        if self._dates is None:
            return f"{_MONTHS_EN[number - 1]} {year}"
        text: str = self._dates.format_date(date(year, number, 1), "LLLL y", locale="fr_FR")
        return text

    def short_month(self, when: date) -> str:
        """A month on a chart's axis: ``Jan 2026`` / ``janv. 2026``."""
        if self._dates is None:
            return f"{_MONTHS_EN[when.month - 1][:3]} {when.year}"
        text: str = self._dates.format_date(when, "MMM y", locale="fr_FR")
        return text

    def whole(self, value: float, digits: int = 0) -> str:
        """A number of a chart's axis: ``1 500`` / ``1 500`` (``digits`` at most)."""
        if self._numbers is None:
            text = f"{value:,.{digits}f}".replace(",", " ")
            return text.rstrip("0").rstrip(".") if digits else text
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        shown: str = self._numbers.format_decimal(value, format=pattern, locale="fr_FR")
        return shown

    def day(self, when: date) -> str:
        """A date: ``1 January 2026`` / ``1 janvier 2026``."""
        if self._dates is None:
            return f"{when.day} {_MONTHS_EN[when.month - 1]} {when.year}"
        text: str = self._dates.format_date(when, "d MMMM y", locale="fr_FR")
        return text


def words(lang: str = "en", *, plain: bool = False) -> Words:
    """The :class:`Words` of a language (``en`` or ``fr``); ``plain``: ordinary spaces in
    numbers (fixed-width text tables) instead of the no-break spaces of print."""
    return Words(lang, plain=plain)
