"""cesu-rules: an offline, line-by-line engine for the French Cesu déclaratif.

Public API (everything else is private implementation):

* :func:`estimate`: one month of a Cesu declaration, line by line (an :class:`Estimate`);
  :class:`EstimateRequest` / :func:`estimate_to_json` / :class:`EstimateResponse` are its
  JSON wire format, derived from the one declaration of its fields (:mod:`cesu_rules.fields`).
* :func:`load_ruleset` / :func:`validate_ruleset`: read and check a ruleset directory
  (default: the rulesets shipped with the package).
* :func:`rules_at`: the frozen snapshot of the rules in force for a month and territory;
  :func:`plan_of`: the month's compiled plan (:class:`MonthPlan`), shared by the scalar and
  the batch paths.
* :func:`clear_caches`: forget every cached ruleset, snapshot and plan.
* The error hierarchy rooted at :class:`CesuRulesError`; every error has ``code``,
  ``message``, ``field`` and ``value`` (:meth:`CesuRulesError.to_dict`).
"""

from __future__ import annotations

from importlib import metadata as _metadata

from .api import clear_cache, clear_caches, default_ruleset, estimate, plan_of
from .calc.estimate import Estimate, Line
from .calc.plan import MonthPlan
from .calc.relief import EXEMPTION_CASES
from .errors import (
    CesuRulesError,
    InputError,
    NotInForceError,
    OutputError,
    Problem,
    RulesetError,
    RulesetValidationError,
    UnknownParameterError,
)
from .fields import EstimateRequest, EstimateResponse, estimate_to_json
from .numbers import parse_month
from .rules.loader import Parameter, Ruleset, load_ruleset, validate_ruleset
from .rules.snapshot import Rules, rules_at

try:
    __version__ = _metadata.version("cesu-rules")  # one source: pyproject.toml
except _metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
    __version__ = "0+unknown"

__all__ = [
    "EXEMPTION_CASES",
    "CesuRulesError",
    "Estimate",
    "EstimateRequest",
    "EstimateResponse",
    "InputError",
    "Line",
    "MonthPlan",
    "NotInForceError",
    "OutputError",
    "Parameter",
    "Problem",
    "Rules",
    "Ruleset",
    "RulesetError",
    "RulesetValidationError",
    "UnknownParameterError",
    "__version__",
    "clear_cache",
    "clear_caches",
    "default_ruleset",
    "estimate",
    "estimate_to_json",
    "load_ruleset",
    "parse_month",
    "plan_of",
    "rules_at",
    "validate_ruleset",
]
