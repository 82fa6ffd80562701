"""cesu-rules: an offline, line-by-line engine for the French Cesu déclaratif.

Public API (everything else is private implementation):

* :func:`estimate`: one month of a Cesu declaration, line by line (an :class:`Estimate`);
  :class:`EstimateRequest` / :func:`estimate_to_json` / :class:`EstimateResponse` are its
  JSON wire format.
* :func:`load_ruleset` / :func:`validate_ruleset`: read and check a ruleset directory
  (default: the rulesets shipped with the package).
* :func:`rules_at`: the frozen snapshot of the rules in force for a month and territory.
* The error hierarchy rooted at :class:`CesuRulesError`.
"""

from __future__ import annotations

from .api import clear_cache, default_ruleset, estimate
from .calc.estimate import Estimate, Line
from .calc.relief import EXEMPTION_CASES
from .errors import (
    CesuRulesError,
    InputError,
    NotInForceError,
    Problem,
    RulesetError,
    RulesetValidationError,
    UnknownParameterError,
)
from .models import EstimateRequest, EstimateResponse, estimate_to_json
from .rules.loader import Parameter, Ruleset, load_ruleset, validate_ruleset
from .rules.snapshot import Rules, parse_month, rules_at

__version__ = "0.1.0"

__all__ = [
    "EXEMPTION_CASES",
    "CesuRulesError",
    "Estimate",
    "EstimateRequest",
    "EstimateResponse",
    "InputError",
    "Line",
    "NotInForceError",
    "Parameter",
    "Problem",
    "Rules",
    "Ruleset",
    "RulesetError",
    "RulesetValidationError",
    "UnknownParameterError",
    "__version__",
    "clear_cache",
    "default_ruleset",
    "estimate",
    "estimate_to_json",
    "load_ruleset",
    "parse_month",
    "rules_at",
    "validate_ruleset",
]
