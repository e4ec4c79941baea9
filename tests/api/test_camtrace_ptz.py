"""CamTrace PTZ over real HTTP: `GET /cameras/:id/ptz?cmd=...` with every command and every range
boundary of the document (in and out), rights and status codes, the camera object's `ptz` and
`ptzAllowed`, and the presets/tours extension (docs/ref/camtrace.md)."""

import time

from camvault.core.model import CameraRight
from tests.api.conftest import ADMIN, CONSULT

PTZ = "/api/v1.2/cameras/1/ptz"
PICTURE = "w=640&h=480"

# (query, expected status, the parameter the error message must name)
CASES = [
    ("", 400, "cmd"), ("cmd=", 400, "cmd"), ("cmd=fly", 400, "fly"),
    ("cmd=CENTER&" + PICTURE + "&x=1&y=1", 400, "CENTER"),
    # center x, y, w, h: a point of a w x h picture
    (f"cmd=center&{PICTURE}&x=0&y=0", 200, None), (f"cmd=center&{PICTURE}&x=640&y=480", 200, None),
    (f"cmd=center&{PICTURE}&x=320.5&y=240", 200, None),
    (f"cmd=center&{PICTURE}&x=-1&y=0", 400, "'x'"), (f"cmd=center&{PICTURE}&x=641&y=0", 400, "'x'"),
    (f"cmd=center&{PICTURE}&x=0&y=-1", 400, "'y'"), (f"cmd=center&{PICTURE}&x=0&y=481", 400, "'y'"),
    (f"cmd=center&{PICTURE}&y=0", 400, "'x'"), (f"cmd=center&{PICTURE}&x=1", 400, "'y'"),
    ("cmd=center&h=480&x=1&y=1", 400, "'w'"), ("cmd=center&w=640&x=1&y=1", 400, "'h'"),
    ("cmd=center&w=0&h=480&x=0&y=0", 400, "'w'"), ("cmd=center&w=640&h=-480&x=0&y=0", 400, "'h'"),
    (f"cmd=center&{PICTURE}&x=abc&y=0", 400, "'x'"), (f"cmd=center&{PICTURE}&x=0&y=nan", 400, "'y'"),
    (f"cmd=center&{PICTURE}&x=inf&y=0", 400, "'x'"), ("cmd=center&w=wide&h=480&x=0&y=0", 400, "'w'"),
    # area x0, y0, x1, y1, w, h
    (f"cmd=area&{PICTURE}&x0=0&y0=0&x1=640&y1=480", 200, None),
    (f"cmd=area&{PICTURE}&x0=400&y0=300&x1=200&y1=100", 200, None),
    (f"cmd=area&{PICTURE}&x0=-1&y0=0&x1=640&y1=480", 400, "'x0'"),
    (f"cmd=area&{PICTURE}&x0=0&y0=-1&x1=640&y1=480", 400, "'y0'"),
    (f"cmd=area&{PICTURE}&x0=0&y0=0&x1=641&y1=480", 400, "'x1'"),
    (f"cmd=area&{PICTURE}&x0=0&y0=0&x1=640&y1=481", 400, "'y1'"),
    (f"cmd=area&{PICTURE}&x0=0&y0=0&x1=640", 400, "'y1'"), ("cmd=area&w=640&x0=0&y0=0&x1=6&y1=4", 400, "'h'"),
    (f"cmd=area&{PICTURE}&x0=10&y0=0&x1=10&y1=480", 400, "empty"),
    (f"cmd=area&{PICTURE}&x0=0&y0=5&x1=640&y1=5", 400, "empty"),
    (f"cmd=area&{PICTURE}&x0=a&y0=0&x1=640&y1=480", 400, "'x0'"),
    # cptm x, y in -100..100 (w, h optional)
    ("cmd=cptm&x=-100&y=100", 200, None), ("cmd=cptm&x=100&y=-100", 200, None), ("cmd=cptm&x=0&y=0", 200, None),
    (f"cmd=cptm&x=50&y=0&{PICTURE}", 200, None),
    ("cmd=cptm&x=101&y=0", 400, "'x'"), ("cmd=cptm&x=-101&y=0", 400, "'x'"),
    ("cmd=cptm&x=0&y=101", 400, "'y'"), ("cmd=cptm&x=0&y=-101", 400, "'y'"),
    ("cmd=cptm&y=0", 400, "'x'"), ("cmd=cptm&x=0", 400, "'y'"), ("cmd=cptm&x=fast&y=0", 400, "'x'"),
    ("cmd=cptm&x=0&y=0&w=0&h=480", 400, "'w'"), ("cmd=cptm&x=0&y=0&w=640&h=x", 400, "'h'"),
    # czm q in -100..100
    ("cmd=czm&q=-100", 200, None), ("cmd=czm&q=100", 200, None), ("cmd=czm&q=0", 200, None),
    ("cmd=czm&q=101", 400, "'q'"), ("cmd=czm&q=-101", 400, "'q'"), ("cmd=czm", 400, "'q'"),
    ("cmd=czm&q=in", 400, "'q'"),
    # zoom q in -10..10
    ("cmd=zoom&q=-10", 200, None), ("cmd=zoom&q=10", 200, None), ("cmd=zoom&q=0", 200, None),
    ("cmd=zoom&q=4", 200, None), ("cmd=zoom&q=10.5", 400, "'q'"), ("cmd=zoom&q=-11", 400, "'q'"),
    ("cmd=zoom", 400, "'q'"), ("cmd=zoom&q=", 400, "'q'"), ("cmd=zoom&q=4x", 400, "'q'"),
    # ptz arg in down/left/right/up/plus/minus
    *[(f"cmd=ptz&arg={arg}", 200, None) for arg in ("down", "left", "right", "up", "plus", "minus")],
    ("cmd=ptz&arg=north", 400, "'arg'"), ("cmd=ptz&arg=UP", 400, "'arg'"), ("cmd=ptz", 400, "'arg'"),
    # preset / tour arg
    ("cmd=preset", 400, "'arg'"), ("cmd=preset&arg=Nowhere", 404, "Nowhere"),
    ("cmd=tour", 400, "'arg'"), ("cmd=tour&arg=Nowhere", 404, "Nowhere"),
]


def test_every_command_and_range_boundary(client):
    failures = []
    for query, status, named in CASES:
        response = client.get(f"{PTZ}?{query}", auth=ADMIN)
        body = response.json()
        if response.status_code != status or (named and named not in body.get("error", "")) \
                or (status == 200 and body != {}):
            failures.append((query, response.status_code, body))
    assert failures == []


def test_the_documented_examples(client):
    client.put("/api/v1.2/cameras/1/ptz/presets/Porte", auth=ADMIN)
    assert client.get(f"{PTZ}?cmd=center&w=640&h=480&x=200&y=400", auth=ADMIN).status_code == 200
    assert client.get(f"{PTZ}?cmd=zoom&q=4", auth=ADMIN).status_code == 200
    assert client.get(f"{PTZ}?cmd=preset&arg=Porte", auth=ADMIN).status_code == 200
    # the document's first example forgets a '&' ("w=640h=480"): h is then missing
    bad = client.get(f"{PTZ}?cmd=center&w=640h=480&x=200&y=400", auth=ADMIN)
    assert bad.status_code == 400 and "'w'" in bad.json()["error"]


def test_rights_existence_and_capability(client, node):
    assert client.get(f"{PTZ}?cmd=zoom&q=1", auth=CONSULT).status_code == 403          # no PTZ right
    assert "PTZ right" in client.get(f"{PTZ}?cmd=zoom&q=1", auth=CONSULT).json()["error"]
    assert client.get("/api/v1.2/cameras/2/ptz?cmd=zoom&q=1", auth=CONSULT).status_code == 403
    assert client.get("/api/v1.2/cameras/99/ptz?cmd=zoom&q=1", auth=ADMIN).status_code == 404
    assert client.get("/api/v1.2/cameras/x/ptz?cmd=zoom&q=1", auth=ADMIN).status_code == 404
    assert client.get(f"{PTZ}?cmd=zoom&q=1").status_code == 401
    created = client.post("/api/v1.2/cameras", auth=ADMIN, json={
        "name": "Fixed", "source": "rtsp://192.0.2.10/stream1", "isIgnored": True})
    fixed = created.json()["id"]
    refused = client.get(f"/api/v1.2/cameras/{fixed}/ptz?cmd=zoom&q=1", auth=ADMIN)
    assert refused.status_code == 409 and "no PTZ" in refused.json()["error"]
    camera = client.get(f"/api/v1.2/cameras/{fixed}", auth=ADMIN).json()
    assert camera["ptzAllowed"] is False and camera["ptz"]["continuous"] is False
    assert client.get("/api/v1.2/cameras/1", auth=CONSULT).json()["ptzAllowed"] is False
    node.users.set_rights(CONSULT[0], [CameraRight(1, ptz=True)])
    assert client.get(f"{PTZ}?cmd=zoom&q=1", auth=CONSULT).status_code == 200
    assert client.get("/api/v1.2/cameras/1", auth=CONSULT).json()["ptzAllowed"] is True


def test_camera_object_shows_ptz_capabilities_presets_and_tours(client):
    assert client.put("/api/v1.2/cameras/1/ptz/presets/Button", auth=ADMIN, json={"name": "Button"}).status_code == 201
    client.put("/api/v1.2/cameras/1/ptz/presets/Light", auth=ADMIN, json={"pan": 0.5, "tilt": 0, "zoom": 0})
    client.put("/api/v1.2/cameras/1/ptz/tours/night", auth=ADMIN,
               json={"name": "Night round", "steps": [{"preset": "Button", "dwellS": 5}]})
    camera = client.get("/api/v1.2/cameras/1", auth=ADMIN).json()
    assert camera["ptz"] == {"click": True, "areazoom": True, "zoomback": True, "continuous": True,
                             "presets": [{"id": "Button", "name": "Button"}, {"id": "Light", "name": "Light"}],
                             "tours": [{"id": "night", "name": "Night round"}]}
    assert camera["ptzAllowed"] is True
    listed = client.get("/api/v1.2/cameras", auth=ADMIN).json()["cameras"]
    assert listed[0]["ptz"] == camera["ptz"]


def position(client):
    return client.get(f"{PTZ}/position", auth=ADMIN).json()["position"]


def test_presets_extension(client):
    client.get(f"{PTZ}?cmd=ptz&arg=left", auth=ADMIN)
    created = client.put(f"{PTZ}/presets/Porte d'entrée", auth=ADMIN)           # current position
    assert created.status_code == 201
    assert created.headers["location"] == "/api/v1.2/cameras/1/ptz/presets/Porte%20d%27entr%C3%A9e"
    assert created.json() == {"preset": {"id": "Porte d'entrée", "name": "Porte d'entrée", "pan": -0.5,
                                         "tilt": 0.0, "zoom": 0.0, "deviceToken": None}}
    updated = client.put(f"{PTZ}/presets/Porte d'entrée", auth=ADMIN,
                         json={"preset": {"name": "Door", "pan": 0.25, "tilt": -0.5, "zoom": 0.75}})
    assert updated.status_code == 200 and updated.json()["preset"]["name"] == "Door"
    client.get(f"{PTZ}?cmd=zoom&q=-10", auth=ADMIN)
    assert client.get(f"{PTZ}?cmd=preset&arg=Porte d'entrée", auth=ADMIN).status_code == 200
    assert position(client) == {"pan": 0.25, "tilt": -0.5, "zoom": 0.75}
    assert client.get(f"{PTZ}/presets", auth=CONSULT).json()["presets"][0]["id"] == "Porte d'entrée"
    for body, field in (({"pan": 2}, "pan"), ({"zoom": "far"}, "zoom"), ({"colour": 1}, "colour")):
        bad = client.put(f"{PTZ}/presets/P", auth=ADMIN, json=body)
        assert bad.status_code == 400 and field in bad.json()["error"]
    assert client.put(f"{PTZ}/presets/P", auth=ADMIN, content=b"{").status_code == 400
    assert client.put(f"{PTZ}/presets/P", auth=CONSULT).status_code == 403
    assert client.put(f"{PTZ}/presets/{'x' * 65}", auth=ADMIN).status_code == 400
    assert client.put("/api/v1.2/cameras/99/ptz/presets/P", auth=ADMIN).status_code == 404
    assert client.delete(f"{PTZ}/presets/Porte d'entrée", auth=CONSULT).status_code == 403
    assert client.delete(f"{PTZ}/presets/Porte d'entrée", auth=ADMIN).status_code == 204
    assert client.delete(f"{PTZ}/presets/Porte d'entrée", auth=ADMIN).status_code == 404
    assert client.get(f"{PTZ}?cmd=preset&arg=Porte d'entrée", auth=ADMIN).status_code == 404


def timed_pan(client) -> tuple[float, float, float]:
    """(pan, monotonic time before the request, after it)."""
    before = time.monotonic()
    pan = position(client)["pan"]
    return pan, before, time.monotonic()


def test_cptm_moves_continuously_until_0_0(client):
    assert client.get(f"{PTZ}?cmd=cptm&x=100&y=0", auth=ADMIN).status_code == 200
    time.sleep(0.2)
    first, first_sent, first_done = timed_pan(client)
    time.sleep(0.2)
    second, second_sent, second_done = timed_pan(client)
    assert 0 < first < second < 1
    speed = 0.5                                                 # pan units per second at x=100
    assert speed * (second_sent - first_done) - 0.01 <= second - first <= speed * (second_done - first_sent) + 0.01
    client.get(f"{PTZ}?cmd=cptm&x=0&y=0", auth=ADMIN)
    stopped = position(client)
    time.sleep(0.2)
    assert position(client) == stopped
    client.get(f"{PTZ}?cmd=cptm&x=0&y=100", auth=ADMIN)          # y > 0 goes down, as in the picture
    time.sleep(0.1)
    client.get(f"{PTZ}?cmd=cptm&x=0&y=0", auth=ADMIN)
    assert position(client)["tilt"] < 0


def test_a_tour_visits_its_presets_and_any_command_stops_it(client):
    for preset, pan in (("A", -0.5), ("B", 0.5)):
        client.put(f"{PTZ}/presets/{preset}", auth=ADMIN, json={"pan": pan, "tilt": 0, "zoom": 0})
    tour = client.put(f"{PTZ}/tours/ab", auth=ADMIN,
                      json={"tour": {"name": "A-B", "steps": [{"preset": "A", "dwellS": 0.3},
                                                               {"preset": "B", "dwellS": 0.3}]}})
    assert tour.status_code == 201 and tour.headers["location"] == "/api/v1.2/cameras/1/ptz/tours/ab"
    assert client.get(f"{PTZ}/tours", auth=ADMIN).json() == {"tours": [
        {"id": "ab", "name": "A-B", "steps": [{"preset": "A", "dwellS": 0.3}, {"preset": "B", "dwellS": 0.3}]}]}
    assert client.get(f"{PTZ}?cmd=tour&arg=ab", auth=ADMIN).status_code == 200
    seen: list[float] = []
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline and len(seen) < 4:
        pan = position(client)["pan"]
        if not seen or seen[-1] != pan:
            seen.append(pan)
        time.sleep(0.02)
    assert seen[:4] == [-0.5, 0.5, -0.5, 0.5], seen
    assert client.get(f"{PTZ}/position", auth=ADMIN).json()["tour"] == "ab"
    client.get(f"{PTZ}?cmd=zoom&q=1", auth=ADMIN)
    assert client.get(f"{PTZ}/position", auth=ADMIN).json()["tour"] is None
    assert client.delete(f"{PTZ}/presets/A", auth=ADMIN).status_code == 409
    bad = client.put(f"{PTZ}/tours/x", auth=ADMIN, json={"steps": [{"preset": "Z", "dwellS": 1}]})
    assert bad.status_code == 400 and "'Z'" in bad.json()["error"]
    assert client.put(f"{PTZ}/tours/x", auth=ADMIN, json={"steps": []}).status_code == 400
    assert client.put(f"{PTZ}/tours/x", auth=ADMIN, json={}).status_code == 400
    assert client.delete(f"{PTZ}/tours/ab", auth=ADMIN).status_code == 204
    assert client.delete(f"{PTZ}/tours/ab", auth=ADMIN).status_code == 404
