"""Messages of the object rights (mosaics, maps, metadata connectors)."""

MESSAGES: dict[str, dict[str, str]] = {
    "invalid_object_right": {"fr": "Droit inconnu pour ce type d'objet",
                             "de": "Unbekanntes Recht für diese Objektart",
                             "es": "Derecho desconocido para este tipo de objeto",
                             "it": "Diritto sconosciuto per questo tipo di oggetto",
                             "nl": "Onbekend recht voor dit soort object"},
}
