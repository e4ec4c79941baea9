"""CamTrace commands (exturls) over real HTTP: list, details and trigger as documented for any
user, the admin's create/update/delete with validation, and a trigger whose URLs reach a real local
HTTP server in order, with the delay between them, a failure showing in the system log."""

import time

from camvault.api.camtrace.exturls import LIST_PATH
from tests.api.conftest import ADMIN, CONSULT
from tests.support.http_hits import HitServer, refused_url


def create(client, name, urls, auth=ADMIN):
    return client.post(LIST_PATH, json={"exturls": {"name": name, "urls": urls}}, auth=auth)


def test_list_details_and_admin_changes(client):
    assert client.get(LIST_PATH, auth=CONSULT).json() == {"exturls": []}
    urls = ["http://10.2.50.100/tgi/control.tgi?l=p:admin:admin&port=u1uu", "delay=10",
            "http://10.2.50.100/tgi/control.tgi?l=p:admin:admin&port=u0uu"]
    made = create(client, "Allume_Eteint", urls)
    assert made.status_code == 201
    command_id = made.json()["exturls"]["id"]
    assert made.headers["location"] == f"{LIST_PATH}/{command_id}"
    create(client, "Allume_ProjoIR_Prise1", ["https://192.0.2.7:8443/relay?on=1"])
    listed = client.get(LIST_PATH, auth=CONSULT).json()["exturls"]
    assert listed[0] == {"id": command_id, "name": "Allume_Eteint", "href": f"/api/v1.2/exturls/{command_id}"}
    assert [c["name"] for c in listed] == ["Allume_Eteint", "Allume_ProjoIR_Prise1"]
    details = client.get(f"{LIST_PATH}/{command_id}", auth=CONSULT)
    assert details.json() == {"exturls": {"id": command_id, "name": "Allume_Eteint", "urls": urls}}

    changed = client.put(f"{LIST_PATH}/{command_id}", json={"name": "Eteint", "urls": urls[2:]}, auth=ADMIN)
    assert changed.status_code == 200 and changed.json()["exturls"]["urls"] == urls[2:]
    assert client.get(f"{LIST_PATH}/{command_id}", auth=ADMIN).json()["exturls"]["name"] == "Eteint"
    assert client.delete(f"{LIST_PATH}/{command_id}", auth=ADMIN).status_code == 204
    assert client.get(f"{LIST_PATH}/{command_id}", auth=ADMIN).status_code == 404
    assert client.get(f"{LIST_PATH}/{command_id}/trigger", auth=ADMIN).status_code == 404
    assert client.delete(f"{LIST_PATH}/{command_id}", auth=ADMIN).status_code == 404


def test_rights_validation_and_errors(client):
    assert client.get(LIST_PATH).status_code == 401
    assert create(client, "x", ["http://192.0.2.1/"], auth=CONSULT).status_code == 403
    command_id = create(client, "x", ["http://192.0.2.1/"]).json()["exturls"]["id"]
    assert client.put(f"{LIST_PATH}/{command_id}", json={"name": "y", "urls": ["http://192.0.2.1/"]},
                      auth=CONSULT).status_code == 403
    assert client.delete(f"{LIST_PATH}/{command_id}", auth=CONSULT).status_code == 403
    bad = create(client, "x", ["http://192.0.2.1/", "ftp://192.0.2.1/file"])
    assert bad.status_code == 400 and bad.json() == {
        "error": "urls[1] must be an http:// or https:// URL or delay=N (seconds)"}
    french = client.post(LIST_PATH, json={"name": "x", "urls": ["delay=5"]}, auth=ADMIN,
                         headers={"Accept-Language": "fr"})
    assert french.json() == {"error": "Une commande doit avoir de 1 à 50 urls (dont au moins une URL)"}
    assert create(client, " ", ["http://192.0.2.1/"]).status_code == 400
    assert client.post(LIST_PATH, json={"exturls": {"name": "x"}}, auth=ADMIN).status_code == 400
    assert client.get(f"{LIST_PATH}/abc", auth=ADMIN).status_code == 404


def test_trigger_calls_the_urls_in_order_in_the_background(client, node):
    with HitServer() as hits:
        urls = [hits.url("/on"), "delay=1", hits.url("/off"), refused_url("/broken")]
        command_id = create(client, "Allume_Eteint", urls).json()["exturls"]["id"]
        started = time.monotonic()
        answer = client.get(f"{LIST_PATH}/{command_id}/trigger", auth=CONSULT)
        assert time.monotonic() - started < 0.8, "answered before the delay"
        assert answer.status_code == 200 and answer.json() == {"triggered": True}
        assert node.commands.wait_idle(10)
        (on_s, on), (off_s, off) = hits.hits
    assert (on, off) == ("/on", "/off") and 1.0 <= off_s - on_s < 2.5
    node.system_log.write_pending()
    logs = client.get("/api/v1.2/system/logs", params={"search": "/broken"}, auth=ADMIN).json()["systemLogs"]
    assert [e["type"] for e in logs] == ["WARNING"]
    assert logs[0]["event"].startswith(f"command {command_id} (Allume_Eteint): GET http://127.0.0.1:")
