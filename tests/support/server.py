"""The real camvault server as a child process (`python -m camvault run`) on free ports, for
end-to-end tests: start, wait until it answers, call it over real HTTP, stop or kill -9."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

ADMIN_PASSWORD = "admin-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CamvaultProcess:
    def __init__(self, data_dir: Path, config: dict, database_url: str | None = None) -> None:
        self.data_dir = data_dir
        self.http_port = free_port()
        self.config_path = data_dir.parent / f"{data_dir.name}-config.yml"
        self.config_path.write_text(yaml.safe_dump(config))
        self.database_url = database_url
        self.proc: subprocess.Popen | None = None
        self.log_path = data_dir.parent / f"{data_dir.name}-server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def client(self, user: str = "admin", password: str = ADMIN_PASSWORD) -> httpx.Client:
        return httpx.Client(base_url=self.url, auth=(user, password), timeout=30)

    def start(self, timeout_s: float = 30) -> "CamvaultProcess":
        env = {**os.environ, "CAMVAULT_CONFIG": str(self.config_path), "CAMVAULT_DATA_DIR": str(self.data_dir),
               "CAMVAULT_HTTP_PORT": str(self.http_port), "CAMVAULT_RTSP_PORT": str(free_port()),
               "CAMVAULT_ADMIN_PASSWORD": ADMIN_PASSWORD}
        if self.database_url:
            env["CAMVAULT_DATABASE_URL"] = self.database_url
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "camvault", "run"], env=env, stdout=log,
                                     stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"camvault exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/api/v1.2/getservertime", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"camvault did not answer within {timeout_s} s:\n{self.log()}")

    def stop(self) -> int:
        """Graceful stop (SIGTERM, as an init system would); returns the exit code (uvicorn re-raises
        the signal after its shutdown, so a clean stop is -SIGTERM)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def stopped_cleanly(self) -> bool:
        return self.stop() in (0, -signal.SIGTERM) and "camvault stopped" in self.log()

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def synthetic_camera(cam_id: int, name: str, *, width=320, height=180, fps=10, slice_max_s=None, **extra) -> dict:
    camera = {"id": cam_id, "name": name,
              "source": f"synthetic://?width={width}&height={height}&fps={fps}&bitrate=300000&gop={fps}"}
    if slice_max_s:
        camera["slice_max_s"] = slice_max_s
    camera.update(extra)
    return camera
