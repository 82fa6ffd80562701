"""The parameters the calculator needs, with the kind and unit each must have.

This is the contract between the code and the data: the validator checks that every name
below exists in a ruleset with this kind and unit, so a ruleset edit cannot silently break an
estimate. Contribution lines are not listed: every ``kind: contribution`` file is a line.
"""

from __future__ import annotations

__all__ = ["REQUIRED_PARAMETERS"]

REQUIRED_PARAMETERS: dict[str, tuple[str, str]] = {
    "smic/horaire_brut/metropole": ("scalar", "eur_per_hour"),
    "smic/horaire_brut/mayotte": ("scalar", "eur_per_hour"),
    "pss/plafond_mensuel": ("scalar", "eur"),
    "cotisations/assiette_csg_crds": ("scalar", "percent"),
    "deduction_forfaitaire/metropole": ("scalar", "eur_per_hour"),
    "deduction_forfaitaire/outre_mer": ("scalar", "eur_per_hour"),
    "deduction_forfaitaire/reunion": ("scalar", "eur_per_hour"),
    "exonerations/age_70/plafond_heures_smic": ("scalar", "hours"),
    "conges_payes/majoration": ("scalar", "percent"),
    "conges_payes/seuil_heures_mensuelles": ("scalar", "hours_per_month"),
    "duree_travail/maximum_heures_mensuelles": ("scalar", "hours_per_month"),
    "pas/taux_neutre/metropole": ("bareme", "percent"),
    "pas/taux_neutre/guadeloupe_martinique_reunion": ("bareme", "percent"),
    "pas/taux_neutre/guyane_mayotte": ("bareme", "percent"),
    "credit_impot/taux": ("scalar", "percent"),
    "credit_impot/avance_immediate": ("scalar", "percent"),
    "credit_impot/plafond": ("scalar", "eur"),
    "credit_impot/majoration_plafond": ("scalar", "eur"),
    "credit_impot/plafond_maximum": ("scalar", "eur"),
    "credit_impot/plafond_premiere_annee": ("scalar", "eur"),
    "credit_impot/plafond_maximum_premiere_annee": ("scalar", "eur"),
    "credit_impot/plafond_invalidite": ("scalar", "eur"),
    "credit_impot/sous_plafond/petit_jardinage": ("scalar", "eur"),
    "credit_impot/sous_plafond/assistance_informatique": ("scalar", "eur"),
    "credit_impot/sous_plafond/petit_bricolage": ("scalar", "eur"),
    "politiques/arrondi/inversion": ("policy", "choice"),
    "politiques/arrondi/totaux": ("policy", "choice"),
}
