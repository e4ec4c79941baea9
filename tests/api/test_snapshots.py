"""CamTrace snapshots against real recordings: the documented shapes (list with `paging`, detail,
create 201, update, update refused once commented), every list filter and paging, rights, the
picture taken from the recording at a time, JPEG resizing and the PDF report."""

import io

import numpy as np
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader

from camvault.core.timefmt import format_iso_ms
from camvault.video.stills import picture_at
from tests.api.conftest import ADMIN, CONSULT
from tests.support.media import record_packets

URL = "synthetic://?width=160&height=90&fps=10&gop=5&realtime=0"
T0 = 1_665_340_000_000          # 2022-10-09T18:26:40Z
FIELDS = {"id", "time", "userId", "ip", "cameraId", "comment", "updatable", "imageUrl", "reportUrl"}


def record(node, camera_id, start_ms=T0):
    """Three seconds of the synthetic camera recorded and indexed as one slice of `camera_id`."""
    made = record_packets(URL, node.store.media, packets=30, slice_max_s=60, camera_id=camera_id,
                          wall_start_ms=start_ms)
    assert len(made) == 1
    return node.recordings.add_slice(made[0])


def take(client, camera_id, time_ms, comment=None, auth=ADMIN):
    body = {"cameraId": camera_id, "time": format_iso_ms(time_ms)}
    if comment is not None:
        body["comment"] = comment
    response = client.post("/api/v1.2/snapshots", json={"snapshot": body}, auth=auth)
    assert response.status_code == 201, response.text
    return response.json()["snapshot"]


def ids(client, auth=ADMIN, **params):
    response = client.get("/api/v1.2/snapshots", params=params, auth=auth)
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()["snapshots"]]


def gray(data: bytes | Image.Image) -> np.ndarray:
    picture = data if isinstance(data, Image.Image) else Image.open(io.BytesIO(data))
    return np.asarray(picture.convert("L"), dtype=float)


def test_documented_example_shapes(client, node):
    record(node, 1)
    created = client.post("/api/v1.2/snapshots", json={"snapshot": {"cameraId": 1, "time": "2022-10-09T18:26:41Z"}},
                          auth=ADMIN)
    assert created.status_code == 201
    snap = created.json()["snapshot"]
    assert set(snap) == FIELDS
    sid = snap["id"]
    assert snap == {"id": sid, "time": "2022-10-09T18:26:41Z", "userId": 1, "ip": "testclient", "cameraId": 1,
                    "comment": None, "updatable": True, "imageUrl": f"/api/v1.2/snapshots/{sid}.jpg",
                    "reportUrl": f"/api/v1.2/snapshots/{sid}.pdf"}
    assert created.headers["location"] == f"/api/v1.2/snapshots/{sid}"
    assert client.get(f"/api/v1.2/snapshots/{sid}", auth=ADMIN).json() == snap

    listed = client.get("/api/v1.2/snapshots?cameraId=1,2&from=2022-10-09T18:00:00Z&to=2022-10-10T12:30:00Z",
                        auth=ADMIN).json()
    assert set(listed) == {"snapshots", "paging"}
    assert listed["snapshots"] == [snap]
    filters = "cameraId=1%2C2&from=2022-10-09T18%3A00%3A00Z&to=2022-10-10T12%3A30%3A00Z"
    assert listed["paging"] == {"first": f"/api/v1.2/snapshots?{filters}&limit=20", "count": 1, "current": 0,
                                "last": f"/api/v1.2/snapshots?{filters}&limit=20&offset=0"}

    updated = client.put(f"/api/v1.2/snapshots/{sid}", json={"snapshot": {"comment": "Test de main courante"}},
                         auth=ADMIN)
    assert updated.status_code == 200
    assert updated.json() == {"snapshot": {**snap, "comment": "Test de main courante", "updatable": False}}
    assert client.get(f"/api/v1.2/snapshots/{sid}", auth=ADMIN).json()["updatable"] is False

    refused = client.put(f"/api/v1.2/snapshots/{sid}", json={"snapshot": {"comment": "Changed"}}, auth=ADMIN)
    assert refused.status_code == 409
    assert refused.json() == {"error": f"Snapshot {sid} already has a comment; it can no longer be changed"}
    assert client.get(f"/api/v1.2/snapshots/{sid}", auth=ADMIN).json()["comment"] == "Test de main courante"


def test_a_comment_given_at_creation_makes_it_not_updatable(client, node):
    record(node, 1)
    snap = take(client, 1, T0 + 1000, comment="  Un test  ")
    assert snap["comment"] == "Un test" and snap["updatable"] is False
    assert client.put(f"/api/v1.2/snapshots/{snap['id']}", json={"comment": "x"}, auth=ADMIN).status_code == 409


def test_snapshot_from_the_recording_shows_the_picture_of_that_time(client, node):
    recorded = record(node, 1)
    path = node.store.media.absolute(recorded.path)
    early, late = gray(picture_at(path, 500)), gray(picture_at(path, 2500))
    assert np.abs(early - late).mean() > 2, "the synthetic box moves between the two times"
    for offset_ms, expected, other in ((500, early, late), (2500, late, early)):
        snap = take(client, 1, T0 + offset_ms)
        image = gray(client.get(snap["imageUrl"], auth=ADMIN).content)
        assert image.shape == expected.shape == (90, 160)
        same, different = np.abs(image - expected).mean(), np.abs(image - other).mean()
        assert same < 2.0 and same * 3 < different, (offset_ms, same, different)


def test_ip_is_the_client_address(client, node):
    record(node, 1)
    remote = TestClient(client.app, client=("198.51.100.7", 41234))
    snap = remote.post("/api/v1.2/snapshots", json={"snapshot": {"cameraId": 1, "time": format_iso_ms(T0)}},
                       auth=CONSULT).json()["snapshot"]
    carl = node.users.list()[-1]
    assert (snap["ip"], snap["userId"]) == ("198.51.100.7", carl.id)


def test_every_list_filter_and_paging(client, node):
    record(node, 1)
    record(node, 2)
    a = take(client, 1, T0 + 200, comment="Door open")["id"]
    b = take(client, 2, T0 + 1200)["id"]
    c = take(client, 1, T0 + 2200, comment="door closed 100%", auth=CONSULT)["id"]
    d = take(client, 1, T0 + 2800)["id"]
    carl_id = client.get(f"/api/v1.2/snapshots/{c}", auth=ADMIN).json()["userId"]
    assert ids(client) == [d, c, b, a], "most recent first"
    assert ids(client, cameraId="1") == [d, c, a]
    assert ids(client, cameraId="2") == [b]
    assert ids(client, cameraId="1,2") == [d, c, b, a]
    assert ids(client, **{"from": format_iso_ms(T0 + 1200)}) == [d, c, b]
    assert ids(client, to=format_iso_ms(T0 + 2200)) == [c, b, a]
    assert ids(client, **{"from": format_iso_ms(T0 + 1000), "to": format_iso_ms(T0 + 2500)}) == [c, b]
    assert ids(client, userId=str(carl_id)) == [c]
    assert ids(client, userId="1") == [d, b, a]
    assert ids(client, comment="DOOR") == [c, a], "part of the comment, any case"
    assert ids(client, comment="100%") == [c]
    assert ids(client, comment="%") == [c], "% is a character, not a wildcard"
    assert ids(client, comment="window") == []
    assert ids(client, cameraId="1", comment="door", userId="1") == [a]

    page = client.get("/api/v1.2/snapshots", params={"cameraId": "1,2", "limit": 3}, auth=ADMIN).json()
    assert [s["id"] for s in page["snapshots"]] == [d, c, b]
    assert page["paging"] == {"first": "/api/v1.2/snapshots?cameraId=1%2C2&limit=3", "count": 2, "current": 0,
                              "last": "/api/v1.2/snapshots?cameraId=1%2C2&limit=3&offset=3"}
    page = client.get("/api/v1.2/snapshots", params={"limit": 3, "offset": 3}, auth=ADMIN).json()
    assert [s["id"] for s in page["snapshots"]] == [a] and page["paging"]["current"] == 1
    assert ids(client, limit="2", offset="1") == [c, b]
    assert ids(client, offset="10") == []
    empty = client.get("/api/v1.2/snapshots", params={"comment": "window"}, auth=ADMIN).json()["paging"]
    assert empty == {"first": "/api/v1.2/snapshots?comment=window&limit=20", "count": 0, "current": 0,
                     "last": "/api/v1.2/snapshots?comment=window&limit=20&offset=0"}


def test_paging_links_never_carry_credentials(client, node):
    record(node, 1)
    take(client, 1, T0)
    paging = client.get("/api/v1.2/snapshots", params={"_username": "admin", "_password": "admin-pw",
                                                       "cameraId": "1"}).json()["paging"]
    assert paging["first"] == "/api/v1.2/snapshots?cameraId=1&limit=20"
    assert "admin-pw" not in paging["last"]


BAD_LIST_ARGUMENTS = [{"cameraId": "one"}, {"from": "yesterday"}, {"to": "2022-13-45"}, {"userId": "bob"},
                      {"limit": "0"}, {"limit": "x"}, {"offset": "-1"},
                      {"from": "2022-10-10T00:00:00Z", "to": "2022-10-09T00:00:00Z"}]


def test_bad_list_arguments_are_400(client):
    for params in BAD_LIST_ARGUMENTS:
        response = client.get("/api/v1.2/snapshots", params=params, auth=ADMIN)
        assert response.status_code == 400 and set(response.json()) == {"error"}, params


def test_rights_consult_sees_only_camera_1(client, node):
    record(node, 1)
    record(node, 2)
    mine = take(client, 1, T0 + 500)["id"]
    hidden = take(client, 2, T0 + 500)["id"]
    assert ids(client, auth=CONSULT) == [mine]
    assert ids(client, auth=CONSULT, cameraId="1") == [mine]
    assert client.get("/api/v1.2/snapshots?cameraId=1,2", auth=CONSULT).status_code == 403
    assert client.get("/api/v1.2/snapshots?cameraId=2", auth=CONSULT).status_code == 403
    for path in (f"/{hidden}", f"/{hidden}.jpg", f"/{hidden}.pdf"):
        assert client.get(f"/api/v1.2/snapshots{path}", auth=CONSULT).status_code == 403, path
    assert client.put(f"/api/v1.2/snapshots/{hidden}", json={"snapshot": {"comment": "x"}},
                      auth=CONSULT).status_code == 403
    assert client.get(f"/api/v1.2/snapshots/{hidden}", auth=ADMIN).json()["comment"] is None
    body = {"snapshot": {"cameraId": 2, "time": format_iso_ms(T0 + 500)}}
    assert client.post("/api/v1.2/snapshots", json=body, auth=CONSULT).status_code == 403
    assert client.get(f"/api/v1.2/snapshots/{mine}.jpg", auth=CONSULT).status_code == 200
    assert client.get("/api/v1.2/snapshots").status_code == 401


def test_unknown_snapshots_are_404(client):
    for path in ("/999", "/999.jpg", "/999.pdf", "/abc", "/abc.jpg"):
        response = client.get(f"/api/v1.2/snapshots{path}", auth=ADMIN)
        assert response.status_code == 404 and set(response.json()) == {"error"}, path
    assert client.put("/api/v1.2/snapshots/999", json={"snapshot": {"comment": "x"}}, auth=ADMIN).status_code == 404


CREATE_ERRORS = [
    ({"snapshot": {"time": "2022-10-09T18:26:41Z"}}, 400, "cameraId"),
    ({"snapshot": {"cameraId": "one"}}, 400, "cameraId"),
    ({"snapshot": {"cameraId": 1, "time": "noon"}}, 400, "time"),
    ({"snapshot": {"cameraId": 1, "time": "2022-10-09T18:26:41Z", "comment": "x" * 2001}}, 400, "comment"),
    ({"snapshot": {"cameraId": 99}}, 404, "Camera 99"),
    ({"snapshot": {"cameraId": 1, "time": "2020-01-01T00:00:00Z"}}, 404, "no recording"),
    ({"snapshot": {"cameraId": 1}}, 404, "no live picture"),
]


def test_create_errors(client, node):
    record(node, 1)
    for body, status, words in CREATE_ERRORS:
        response = client.post("/api/v1.2/snapshots", json=body, auth=ADMIN)
        assert response.status_code == status and words in response.json()["error"], (body, response.text)
    assert client.post("/api/v1.2/snapshots", content=b"cameraId=1", auth=ADMIN).status_code == 400
    assert ids(client) == []
    assert list(node.store.media.root.glob("snapshots/**/*.jpg")) == [], "no image left without a row"


def test_update_needs_a_comment(client, node):
    record(node, 1)
    sid = take(client, 1, T0)["id"]
    for body in ({"snapshot": {}}, {"snapshot": {"comment": "   "}}, {"snapshot": {"comment": 5}}, [1]):
        assert client.put(f"/api/v1.2/snapshots/{sid}", json=body, auth=ADMIN).status_code == 400, body
    assert client.get(f"/api/v1.2/snapshots/{sid}", auth=ADMIN).json()["updatable"] is True


SIZES = [({}, (160, 90)), ({"width": 80}, (80, 45)), ({"height": 45}, (80, 45)),
         ({"width": 100, "height": 100}, (100, 56)), ({"width": 160, "height": 30}, (53, 30)),
         ({"width": 1000}, (160, 90))]
BAD_SIZES = [{"width": 0}, {"width": -5}, {"height": "abc"}, {"width": "1.5"}, {"height": 100000}]


def test_jpeg_resized_keeping_the_aspect_ratio(client, node):
    record(node, 1)
    sid = take(client, 1, T0 + 1000)["id"]
    for params, size in SIZES:
        response = client.get(f"/api/v1.2/snapshots/{sid}.jpg", params=params, auth=ADMIN)
        assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
        picture = Image.open(io.BytesIO(response.content))
        assert picture.format == "JPEG" and picture.size == size, params
    for params in BAD_SIZES:
        response = client.get(f"/api/v1.2/snapshots/{sid}.jpg", params=params, auth=ADMIN)
        assert response.status_code == 400 and set(response.json()) == {"error"}, params


def test_pdf_report_holds_the_picture_and_the_facts(client, node):
    record(node, 1)
    snap = take(client, 1, T0 + 1500, comment="Colis déposé devant la porte")
    response = client.get(snap["reportUrl"], auth=ADMIN)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in ("Cam 1", "id 1", "2022-10-09 18:26:41.500 UTC", "admin", "testclient",
                     "Colis déposé devant la porte"):
        assert expected in text, (expected, text)
    images = reader.pages[0].images
    assert len(images) == 1 and images[0].image.size == (160, 90)
