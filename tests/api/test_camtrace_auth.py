"""CamTrace authentication: WSSE UsernameToken (headers and URL arguments, bcrypt and legacy MD5
variants) with a client written from the document's algorithm, stale and replayed tokens,
decoy salts, users/login, openheadband, JSON-P and translated errors."""

import base64
import hashlib
import json
import re
import secrets
from datetime import datetime, timedelta, timezone

import bcrypt
import pytest

from tests.api.conftest import ADMIN, CONSULT


def wsse_token(client, user, password, *, variant="bcrypt", created=None, nonce=None):
    """The document's client algorithm: salt from /users/:name/auth, bcrypt (or MD5) of the
    password, PasswordDigest = base64(sha1(nonce + created + hashed-password))."""
    if variant == "bcrypt":
        salt = client.get(f"/api/v1.2/users/{user}/auth").json()["auth"][0]["salt"]
        hashed = bcrypt.hashpw(password.encode(), salt.encode()).decode()
    else:
        hashed = hashlib.md5(password.encode()).hexdigest()
    nonce = nonce or base64.b64encode(secrets.token_bytes(16)).decode()
    created = created or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = base64.b64encode(hashlib.sha1((nonce + created + hashed).encode()).digest()).decode()
    return {"Username": user, "PasswordDigest": digest, "Nonce": nonce, "Created": created}


def wsse_headers(token):
    fields = ", ".join(f'{k}="{v}"' for k, v in token.items())
    return {"Authorization": 'WSSE profile="UsernameToken"', "X-WSSE": f"UsernameToken {fields}"}


def wsse_query(token):
    return {"_username": token["Username"], "_password": token["PasswordDigest"], "_nonce": token["Nonce"],
            "_created_at": token["Created"]}


def test_auth_methods_list_needs_no_auth_and_gives_a_bcrypt_salt(client):
    body = client.get("/api/v1.2/users/admin/auth").json()
    assert body["auth"][1:] == [{"type": "wsse"}, {"type": "basic"}]
    assert re.fullmatch(r"\$2y\$10\$[./A-Za-z0-9]{22}", body["auth"][0]["salt"])


def test_unknown_user_gets_a_stable_decoy_salt(client):
    first = client.get("/api/v1.2/users/ghost/auth")
    assert first.status_code == 200
    salt = first.json()["auth"][0]["salt"]
    assert re.fullmatch(r"\$2y\$10\$[./A-Za-z0-9]{22}", salt)
    assert client.get("/api/v1.2/users/ghost/auth").json()["auth"][0]["salt"] == salt
    assert client.get("/api/v1.2/users/ghost2/auth").json()["auth"][0]["salt"] != salt


@pytest.mark.parametrize("variant", ["bcrypt", "md5"])
def test_wsse_headers_authenticate(client, variant):
    token = wsse_token(client, *CONSULT, variant=variant)
    response = client.get("/api/v1.2/cameras", headers=wsse_headers(token))
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["cameras"]] == [1]


@pytest.mark.parametrize("variant", ["bcrypt", "md5"])
def test_wsse_url_arguments_authenticate(client, variant):
    token = wsse_token(client, *ADMIN, variant=variant)
    assert client.get("/api/v1.2/cameras", params=wsse_query(token)).status_code == 200


def test_a_replayed_nonce_is_refused(client):
    token = wsse_token(client, *ADMIN)
    assert client.get("/api/v1.2/cameras", headers=wsse_headers(token)).status_code == 200
    replay = client.get("/api/v1.2/cameras", headers=wsse_headers(token))
    assert replay.status_code == 401 and "nonce" in replay.json()["error"]


@pytest.mark.parametrize("offset_s", [-12, 12, -3600])   # Created has whole seconds: keep a margin
def test_a_stale_or_future_created_is_refused(client, offset_s):
    created = (datetime.now(timezone.utc) + timedelta(seconds=offset_s)).strftime("%Y-%m-%dT%H:%M:%SZ")
    token = wsse_token(client, *ADMIN, created=created)
    response = client.get("/api/v1.2/cameras", headers=wsse_headers(token))
    assert response.status_code == 401 and "10 s" in response.json()["error"]


def test_wrong_password_missing_token_and_garbage_are_401(client):
    token = wsse_token(client, "admin", "not-the-password")
    assert client.get("/api/v1.2/cameras", headers=wsse_headers(token)).status_code == 401
    token = wsse_token(client, "ghost", "x")
    assert client.get("/api/v1.2/cameras", headers=wsse_headers(token)).json() == {"error": "Invalid password!"}
    assert client.get("/api/v1.2/cameras", headers={"Authorization": "WSSE profile=\"UsernameToken\""}).status_code == 401
    bad = wsse_token(client, *ADMIN, created="yesterday")
    assert client.get("/api/v1.2/cameras", headers=wsse_headers(bad)).status_code == 401


def test_users_login_lists_services_and_permissions(client):
    body = client.get("/api/v1.2/users/login", auth=CONSULT).json()
    assert body["user"]["name"] == "carl" and body["user"]["profile"] == "consult"
    assert body["services"]["live"]["http"] == "/live/view/{streamId}"
    assert body["services"]["live"]["rtsp"].endswith("/live/view/{streamId}")
    assert body["permissions"]["admin"] is False
    assert body["permissions"]["cameras"] == [{"id": 1, "playLive": True, "playRecords": True, "ptz": False}]
    assert client.get("/api/v1.2/users/login").status_code == 401


def test_openheadband_authenticates_from_the_url(client):
    response = client.get("/api/v1.2/openheadband", params={"_username": "admin", "_password": "admin-pw"},
                          follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "/"
    assert client.get("/api/v1.2/openheadband", params={"_username": "admin", "_password": "x"}).status_code == 401


def test_jsonp_wraps_answers_and_errors(client):
    ok = client.get("/api/v1.2/servers", params={"_callback": "pop"}, auth=ADMIN)
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("application/javascript")
    match = re.fullmatch(r"pop\((.*)\);", ok.text, re.S)
    wrapped = json.loads(match.group(1))
    assert wrapped["meta"] == {"status": 200} and wrapped["data"]["servers"][0]["id"] == 0
    refused = client.get("/api/v1.2/cameras", params={"_callback": "cb"})
    assert json.loads(refused.text[3:-2])["meta"] == {"status": 401}
    assert client.get("/api/v1.2/servers", params={"_callback": "alert(1)//"}, auth=ADMIN).status_code == 400


@pytest.mark.parametrize("header, expected", [
    (None, "Invalid password!"), ("fr", "Mot de passe invalide !"), ("de-DE,de;q=0.9", "Ungültiges Passwort!"),
    ("es", "¡Contraseña no válida!"), ("it", "Password non valida!"), ("nl", "Ongeldig wachtwoord!"),
    ("ja, fr;q=0.5", "Mot de passe invalide !"), ("ru", "Invalid password!")])
def test_errors_are_translated(client, header, expected):
    headers = {"Accept-Language": header} if header else {}
    assert client.get("/api/v1.2/cameras", auth=("pop", "pop"), headers=headers).json() == {"error": expected}


def test_translated_errors_keep_their_parameters(client):
    body = client.get("/api/v1.2/cameras/99", auth=ADMIN, headers={"Accept-Language": "fr"}).json()
    assert body == {"error": "Caméra 99 introuvable"}
