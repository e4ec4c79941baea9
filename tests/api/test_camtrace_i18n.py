"""CamTrace error translations, checked against the source without a server: every error key raised
under camvault/ (but for the modules only the OAK and Bandit dialects use) has a message in each CamTrace language, every message formats with the params its
raise sites pass, and an unsupported language falls back to the English message."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

import camvault
from camvault.api.camtrace.i18n import CATALOG, LANGUAGES, translate
from camvault.core.errors import BadRequest, DomainError, NotFound

SOURCE = Path(camvault.__file__).parent
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != "en")   # English is the error's own message
KEY_PATTERN = re.compile(r"""\bkey=(["'])(\w+)\1""")

DYNAMIC_KEYS = {"ptz_invalid_{}_id": ("preset", "tour")}
"""Keys built with an f-string (`key=f"ptz_invalid_{kind}_id"`) -> the values the placeholder takes."""


OTHER_DIALECTS = ("api/oak/", "api/bandit/", "core/bandit.py", "store/bandit.py", "services/bandit",
                  "services/sensors.py", "services/sensor_controls.py", "core/sensor_streams.py",
                  "api/fleet/", "core/fleet.py", "store/fleet.py", "services/fleet")
"""Modules whose errors only the OAK and Bandit dialects show (in English, as those products do)."""


def _modules() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*.py")
                  if not p.relative_to(SOURCE).as_posix().startswith(OTHER_DIALECTS))


def _error_classes(trees: list[ast.Module]) -> set[str]:
    """DomainError and every class under camvault/ that derives from it, by name."""
    names = {"DomainError"}
    grown = True
    while grown:
        grown = False
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names and any(
                        _name(base) in names for base in node.bases):
                    names.add(node.name)
                    grown = True
    return names


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _dynamic_keys(joined: ast.JoinedStr) -> list[str]:
    template = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in joined.values)
    assert template in DYNAMIC_KEYS, f"new f-string error key {template!r}: list its values in DYNAMIC_KEYS"
    return [template.format(value) for value in DYNAMIC_KEYS[template]]


def _raise_sites() -> dict[str, list[tuple[str, frozenset[str]]]]:
    """key -> [(file:line, names of the other keyword arguments)] for each error built with a `key`."""
    trees = {path: ast.parse(path.read_text(), filename=str(path)) for path in _modules()}
    errors = _error_classes(list(trees.values()))
    sites: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node.func) not in errors:
                continue
            key = next((kw.value for kw in node.keywords if kw.arg == "key"), None)
            if key is None:
                continue
            assert all(kw.arg is not None for kw in node.keywords), \
                f"{path}:{node.lineno}: **params cannot be checked against the catalog"
            params = frozenset(kw.arg for kw in node.keywords if kw.arg != "key")
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys = [key.value]
            else:
                assert isinstance(key, ast.JoinedStr), f"{path}:{node.lineno}: error key is not a literal"
                keys = _dynamic_keys(key)
            for name in keys:
                sites[name].append((f"{path.relative_to(SOURCE.parent)}:{node.lineno}", params))
    return sites


SITES = _raise_sites()


def _grepped_keys() -> set[str]:
    return {match.group(2) for path in _modules() for match in KEY_PATTERN.finditer(path.read_text())}


def test_the_scans_find_the_raise_sites():
    assert len(SITES) > 50
    assert {"camera_not_found", "invalid_password", "ptz_invalid_preset_id", "ptz_invalid_tour_id"} <= set(SITES)
    assert _grepped_keys() <= set(SITES), "a key= outside an error call: teach _raise_sites about it"


def test_every_raised_key_has_every_language():
    keys = _grepped_keys() | set(SITES)
    missing = sorted(f"{key} ({', '.join(lang for lang in TRANSLATED if lang not in CATALOG.get(key, {}))})"
                     for key in keys if any(lang not in CATALOG.get(key, {}) for lang in TRANSLATED))
    assert not missing, f"untranslated error keys: {missing}"


def test_catalog_entries_are_non_empty_texts_in_known_languages():
    for key, messages in CATALOG.items():
        assert set(messages) <= set(TRANSLATED), key
        assert all(isinstance(text, str) and text.strip() for text in messages.values()), key


@pytest.mark.parametrize("key", sorted(SITES))
def test_templates_format_with_the_params_of_every_raise_site(key):
    for site, params in SITES[key]:
        for dummy in ("x", 7):
            values = dict.fromkeys(params, dummy)
            for lang in TRANSLATED:
                template = CATALOG[key][lang]
                try:
                    text = template.format(**values)
                except (KeyError, IndexError, ValueError) as exc:
                    pytest.fail(f"{key}[{lang}] does not format with the params of {site} {sorted(params)}: {exc!r}")
                error = DomainError("English", key=key, **values)
                assert translate(error, lang) == text != "English", (key, lang, site)


def test_unknown_language_falls_back_to_english():
    error = NotFound("Camera 3 not found", key="camera_not_found", id=3)
    assert translate(error, "fr") == "Caméra 3 introuvable"
    for header in ("ja", "pt-BR, ru;q=0.8", "", None, "fr;q=0", "en", "*"):
        assert translate(error, header) == "Camera 3 not found", header


def test_unknown_key_or_missing_params_fall_back_to_english():
    assert translate(BadRequest("Something odd", key="no_such_key"), "de") == "Something odd"
    assert translate(NotFound("Camera ? not found", key="camera_not_found"), "it") == "Camera ? not found"
