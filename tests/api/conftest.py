"""An in-process camvault (real services, real database, real HTTP through Starlette's test client)
with three ignored cameras (no video is pulled) and users of each kind."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, StorageConfig

ADMIN = ("admin", "admin-pw")
CONSULT = ("carl", "carl-pw")      # may see camera 1 only


@pytest.fixture
def node(tmp_path, database_url):
    cameras = [CameraConfig(id=i, name=f"Cam {i}", source="synthetic://?width=160&height=90&fps=5", enabled=False)
               for i in (1, 2, 3)]
    config = Config(storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=database_url), cameras=cameras)
    return Camvault(config, admin_password=ADMIN[1])


@pytest.fixture
def client(node):
    with TestClient(build_http_app(node, announce=lambda _m: None)) as http:
        node.users.create(CONSULT[0], CONSULT[1], "consult", camera_ids=[1])
        yield http
