"""Ruleset schema, loader and resolution: the only code that reads ruleset files."""

from .loader import MANIFEST_NAME, Parameter, Ruleset, load_ruleset, validate_ruleset

__all__ = ["MANIFEST_NAME", "Parameter", "Ruleset", "load_ruleset", "validate_ruleset"]
