"""Messages of shared camera and recording rules that the CamTrace API can meet too (camera
position, deleting one recorded file)."""

MESSAGES: dict[str, dict[str, str]] = {
    "invalid_position": {"fr": "Une position demande lat_deg entre -90 et 90 et lon_deg entre -180 et 180",
                         "de": "Eine Position braucht lat_deg zwischen -90 und 90 und lon_deg zwischen -180 und 180",
                         "es": "Una posición necesita lat_deg entre -90 y 90 y lon_deg entre -180 y 180",
                         "it": "Una posizione richiede lat_deg tra -90 e 90 e lon_deg tra -180 e 180",
                         "nl": "Een positie vraagt lat_deg tussen -90 en 90 en lon_deg tussen -180 en 180"},
    "slice_protected": {"fr": "Cet enregistrement est protégé et ne peut pas être supprimé",
                        "de": "Diese Aufzeichnung ist geschützt und kann nicht gelöscht werden",
                        "es": "Esta grabación está protegida y no se puede borrar",
                        "it": "Questa registrazione è protetta e non può essere eliminata",
                        "nl": "Deze opname is beveiligd en kan niet worden verwijderd"},
    "slice_in_use": {"fr": "Cet enregistrement est en cours d'export ; supprimez-le plus tard",
                     "de": "Diese Aufzeichnung wird gerade exportiert; später löschen",
                     "es": "Esta grabación se está exportando; bórrela más tarde",
                     "it": "Questa registrazione è in esportazione; eliminarla più tardi",
                     "nl": "Deze opname wordt geëxporteerd; verwijder haar later"},
}
