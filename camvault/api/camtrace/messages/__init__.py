"""More translated error messages, one module per area (each defines `MESSAGES`, shaped like
`i18n.CATALOG`); i18n.py merges every module of this package into its catalog at import."""

from __future__ import annotations

import importlib
import pkgutil


def area_catalogs() -> list[dict[str, dict[str, str]]]:
    """The `MESSAGES` of every module in this package, in name order."""
    return [importlib.import_module(f"{__name__}.{m.name}").MESSAGES
            for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)]
