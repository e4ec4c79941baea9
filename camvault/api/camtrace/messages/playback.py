"""Messages of the camvault extensions for recorded playback over HTTP (fMP4) and the timeline."""

MESSAGES: dict[str, dict[str, str]] = {
    "missing_argument": {"fr": "L'argument '{field}' est obligatoire", "de": "Das Argument '{field}' ist erforderlich",
                         "es": "El argumento '{field}' es obligatorio", "it": "L'argomento '{field}' è obbligatorio",
                         "nl": "Het argument '{field}' is verplicht"},
    "invalid_time": {"fr": "Heure invalide pour '{field}' : {value!r} (ISO-8601 ou millisecondes epoch attendues)",
                     "de": "Ungültige Zeit für '{field}': {value!r} (ISO-8601 oder Epoch-Millisekunden erwartet)",
                     "es": "Hora no válida para '{field}': {value!r} (se espera ISO-8601 o milisegundos epoch)",
                     "it": "Ora non valida per '{field}': {value!r} (attesi ISO-8601 o millisecondi epoch)",
                     "nl": "Ongeldige tijd voor '{field}': {value!r} (ISO-8601 of epoch-milliseconden verwacht)"},
}
