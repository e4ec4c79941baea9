"""Messages of the admin extensions: the camera connection test (services/source_check.py) and
user management (api/camtrace/user_admin.py)."""

MESSAGES: dict[str, dict[str, str]] = {
    "source_unreachable": {"fr": "Impossible de joindre {url}", "de": "{url} ist nicht erreichbar",
                           "es": "No se puede conectar con {url}", "it": "Impossibile raggiungere {url}",
                           "nl": "{url} is niet bereikbaar"},
    "source_auth_refused": {"fr": "{url} a refusé le nom d'utilisateur ou le mot de passe",
                            "de": "{url} hat Benutzername oder Passwort abgelehnt",
                            "es": "{url} rechazó el nombre de usuario o la contraseña",
                            "it": "{url} ha rifiutato nome utente o password",
                            "nl": "{url} heeft de gebruikersnaam of het wachtwoord geweigerd"},
    "source_not_found": {"fr": "{url} : le serveur n'a pas ce flux", "de": "{url}: der Server hat diesen Stream nicht",
                         "es": "{url}: el servidor no tiene ese flujo", "it": "{url}: il server non ha questo flusso",
                         "nl": "{url}: de server heeft deze stream niet"},
    "source_no_video": {"fr": "Aucune vidéo de {url}", "de": "Kein Video von {url}", "es": "Ningún vídeo de {url}",
                        "it": "Nessun video da {url}", "nl": "Geen video van {url}"},
    "source_no_video_in_time": {"fr": "Aucune vidéo de {url} en {seconds} s",
                                "de": "Kein Video von {url} innerhalb von {seconds} s",
                                "es": "Ningún vídeo de {url} en {seconds} s",
                                "it": "Nessun video da {url} entro {seconds} s",
                                "nl": "Geen video van {url} binnen {seconds} s"},
    "source_check_busy": {"fr": "Trop de tests de connexion en cours : réessayez dans quelques secondes",
                          "de": "Zu viele Verbindungstests laufen: in einigen Sekunden erneut versuchen",
                          "es": "Demasiadas pruebas de conexión en curso: inténtelo de nuevo en unos segundos",
                          "it": "Troppi test di connessione in corso: riprovare tra qualche secondo",
                          "nl": "Te veel verbindingstests bezig: probeer het over enkele seconden opnieuw"},
}
