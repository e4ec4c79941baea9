"""The licence file, `licence.json` in the data dir (written atomically)."""

from __future__ import annotations

import json
import os
from pathlib import Path


class LicenceFile:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "licence.json"

    def read(self) -> dict | None:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def write(self, content: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".json.part")
        partial.write_text(json.dumps(content, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(partial, self.path)
