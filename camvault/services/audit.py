"""Logs an administrator reads: the user-action log (logins and every changing request, with the
client's IP), the camera-connections log, and the system log (camvault's own log records, kept in
the database by `SystemLogWriter`).

System-log searches may use a user's regular expression: it runs with the `regex` engine's
timeout inside a total time budget, so a pathological pattern cannot hang the server.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass

import regex

from camvault.core.clock import Clock
from camvault.core.errors import BadRequest
from camvault.core.model import ConnectionEvent, User
from camvault.core.rights import require_admin
from camvault.store.logs import SystemLogEntry, UserAction
from camvault.store.store import Store

log = logging.getLogger(__name__)

SEARCH_BUDGET_S = 2.0
SEARCH_SCAN_ROWS = 200_000
INFO_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
PROBLEM_LEVELS = ["WARNING", "ERROR", "CRITICAL"]


@dataclass(frozen=True)
class LogQuery:
    include_info: bool = False
    search: str | None = None
    negative: bool = False
    no_case: bool = False
    is_regex: bool = False


class AuditService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # --- user actions ---------------------------------------------------------------------------
    def record(self, user: User, ip: str, action: str, description: str) -> None:
        try:
            self._store.user_actions.add(user.id, user.name, self._clock.now_ms(), ip, action, description)
        except Exception:
            log.exception("recording the action %s of %s failed", action, user.name)

    def login(self, user: User, ip: str) -> None:
        self.record(user, ip, "LogUserLogin", "User login")

    def actions(self, user: User, *, user_id: int | None, from_ms: int | None, to_ms: int | None, limit: int,
                offset: int) -> tuple[int, list[UserAction]]:
        require_admin(user)
        return self._store.user_actions.page(user_id=user_id, from_ms=from_ms, to_ms=to_ms, limit=limit,
                                             offset=offset)

    # --- camera connections ---------------------------------------------------------------------
    def connections(self, user: User, *, camera_ids: list[int] | None, connected: bool | None,
                    from_ms: int | None, to_ms: int | None, limit: int,
                    offset: int) -> tuple[int, list[ConnectionEvent]]:
        require_admin(user)
        return self._store.connections.page(camera_ids=camera_ids, connected=connected, from_ms=from_ms,
                                            to_ms=to_ms, limit=limit, offset=offset)

    # --- system log -----------------------------------------------------------------------------
    def system_logs(self, user: User, q: LogQuery, *, limit: int, offset: int) -> tuple[int, list[SystemLogEntry]]:
        """(total matching, one page newest first)."""
        require_admin(user)
        levels = INFO_LEVELS if q.include_info else PROBLEM_LEVELS
        repo = self._store.system_logs
        if not (q.search and q.is_regex):
            args = dict(levels=levels, contains=q.search or None, case_sensitive=not q.no_case, negative=q.negative)
            return repo.count(**args), repo.newest(**args, limit=limit, offset=offset)
        return self._regex_search(q, levels, limit, offset)

    def _regex_search(self, q: LogQuery, levels: list[str], limit: int, offset: int):
        try:
            pattern = regex.compile(q.search, regex.IGNORECASE if q.no_case else 0)
        except regex.error as exc:
            raise BadRequest(f"Invalid regular expression: {exc}", key="invalid_regex") from None
        deadline = time.monotonic() + SEARCH_BUDGET_S
        matches: list[SystemLogEntry] = []
        total, scanned, before_id = 0, 0, None
        while scanned < SEARCH_SCAN_ROWS:
            batch = self._store.system_logs.newest(levels=levels, contains=None, case_sensitive=True, negative=False,
                                                   limit=1000, before_id=before_id)
            if not batch:
                break
            for entry in batch:
                if _matches(pattern, entry.event, deadline) != q.negative:
                    if offset <= total < offset + limit:
                        matches.append(entry)
                    total += 1
            scanned += len(batch)
            before_id = batch[-1].id
        return total, matches


def _matches(pattern, text: str, deadline: float) -> bool:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise BadRequest("The search took too long; use a simpler expression", key="search_too_long")
    try:
        return pattern.search(text, timeout=remaining) is not None
    except TimeoutError:
        raise BadRequest("The search took too long; use a simpler expression", key="search_too_long") from None


class SystemLogWriter(logging.Handler):
    """A logging handler that keeps camvault's records (INFO and above) in the system-log table.
    `emit` only queues; a worker thread writes batches, so logging never waits on the database.
    Records older than `keep_days` are pruned once an hour."""

    def __init__(self, store: Store, *, keep_days: float = 30) -> None:
        super().__init__(level=logging.INFO)
        self._store = store
        self._keep_ms = round(keep_days * 86_400_000)
        self._queue: queue.Queue = queue.Queue(maxsize=100_000)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("sqlalchemy", "alembic")):
            return
        try:
            self._queue.put_nowait((round(record.created * 1000), record.levelname,
                                    f"{record.funcName}@{record.module}", record.getMessage()))
        except queue.Full:
            pass
        except Exception:
            self.handleError(record)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="system-log", daemon=True)
        self._thread.start()
        logging.getLogger().addHandler(self)

    def run(self) -> None:
        last_prune = 0.0
        while not self._stop.wait(0.5):
            self._flush_queue()
            if time.monotonic() - last_prune > 3600:
                last_prune = time.monotonic()
                self._store.system_logs.prune_before(round(time.time() * 1000) - self._keep_ms)
        self._flush_queue()

    def write_pending(self) -> None:
        """Write what is queued now (tests)."""
        self._flush_queue()

    def _flush_queue(self) -> None:
        batch = []
        while True:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if batch:
            try:
                self._store.system_logs.add_many(batch)
            except Exception as exc:   # never log from here: it would feed itself
                print(f"camvault: writing {len(batch)} system-log records failed: {exc}")

    def stop(self) -> None:
        logging.getLogger().removeHandler(self)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
