"""Optional dependencies, imported on use: one place says which extra installs what.

The core (the calculator, the CLI's estimate) needs only pydantic, python-dateutil and PyYAML;
features with heavier dependencies live behind pip extras and ask for them by name when used.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import CesuRulesError

__all__ = ["MissingExtraError", "require"]


class MissingExtraError(CesuRulesError):
    """A feature needs an optional dependency that is not installed."""

    default_code = "missing_extra"


def require(module: str, extra: str, feature: str) -> ModuleType:
    """``module`` imported, or :class:`MissingExtraError` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{feature} needs {module.partition('.')[0]}: pip install 'cesu-rules[{extra}]'",
            field=extra,
        ) from None
