"""The RTSP 1.0 server (asyncio): `rtsp://host:port/live/view/<X.Y>` (live), `/live/delayed/<X.Y>`
(live with the configured delay), `/live/alarm/<X.Y>` (live while an alarm is active, else the
latest alarm's recording), `/replay/view/<X.Y>` (recorded video, `Range: npt=` or `clock=`) and
the short form `rtsp://host:port/<X.Y>` of live view. What each path plays is a `Feed` obtained
from the `open_feed` callable (the playback service: rights and streams).

Methods: OPTIONS, DESCRIBE, SETUP (RTP/AVP/TCP interleaved or RTP/AVP UDP unicast), PLAY (with a
Range on replay: seek), PAUSE, TEARDOWN, GET_PARAMETER/SET_PARAMETER (keep-alive). Authentication:
Digest (MD5, realm "camvault", checked against the user's stored HA1) or Basic, both offered in the
401; credentials in the URL are also accepted. DESCRIBE and SETUP need a user with the right for
the path (401 / 403, unknown 404). Sessions time out after 60 s without a request or RTCP.

`RtspWorker` runs the server on its own thread and event loop; its constructor has no side effects.
A port that cannot be bound is logged and the node runs without RTSP.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from camvault.core.errors import Forbidden, NotFound, Unauthorized
from camvault.core.model import User
from camvault.video.feeds import Feed, FeedUnavailable
from camvault.video.feeds.replay import RangeNotAvailable
from camvault.video.rtsp import codecs, sdp
from camvault.video.rtsp.auth import Nonces, digest_params, response_matches
from camvault.video.rtsp.fanout import LiveFanouts
from camvault.video.rtsp.protocol import (
    Request,
    basic_credentials,
    format_clock,
    parse_head,
    parse_range,
    parse_transport,
    response,
    url_credentials,
    url_path,
)
from camvault.video.rtsp.session import TIMEOUT_S, RtspSession

log = logging.getLogger(__name__)

REALM = "camvault"
PUBLIC = "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER"
PATH = re.compile(r"^(?:(live/view|live/delayed|live/alarm|replay/view)/)?(\d+)\.(\d+)(?:/trackID=\d+)?/?$")
KINDS = {None: "live", "live/view": "live", "live/delayed": "delayed", "live/alarm": "alarm", "replay/view": "replay"}
MAX_HEAD_BYTES = 16_384
IO_THREADS = 32

FeedOpener = Callable[[User, str, int, int], Feed]
"""(user, kind, camera id, stream id) -> a new feed; raises NotFound / Forbidden."""


class RtspError(Exception):
    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.headers = headers or {}


def stream_key(url: str) -> tuple[str, int, int] | None:
    """(kind, camera id, stream id) of a stream URL or of its track URL, None if it is not one."""
    match = PATH.match(url_path(url))
    return (KINDS[match[1]], int(match[2]), int(match[3])) if match else None


class RtspServer:
    def __init__(self, open_feed: FeedOpener, authenticate: Callable[[str, str], User],
                 authenticate_digest: Callable[[str, Callable[[str], bool]], User]) -> None:
        self._open_feed = open_feed
        self._authenticate = authenticate
        self._authenticate_digest = authenticate_digest
        self._nonces = Nonces()
        self.logins: collections.Counter[str] = collections.Counter()     # accepted logins by scheme
        self.requests: collections.Counter[str] = collections.Counter()   # requests by method
        self.sessions: dict[str, RtspSession] = {}
        self.fanouts = LiveFanouts()
        self._writers: set[asyncio.StreamWriter] = set()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        owned: list[str] = []
        peer = writer.get_extra_info("peername") or ("?", 0)
        self._writers.add(writer)
        try:
            while True:
                request = await self._read_request(reader, owned)
                if request is None:
                    log.info("rtsp connection from %s closed by the client (%d session(s))", peer[0],
                             sum(1 for s in owned if s in self.sessions))
                    break
                try:
                    status, headers, body = await self._dispatch(request, writer, owned)
                except RtspError as exc:
                    status, headers, body = exc.status, exc.headers, b""
                except Exception:               # a fault in one request does not end the client's sessions
                    log.exception("rtsp %s %s from %s failed", request.method, request.url, peer[0])
                    status, headers, body = 500, {}, b""
                writer.write(response(status, request.cseq, headers, body))
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            log.info("rtsp connection from %s ended: %r", peer[0], exc)
        except (ValueError, asyncio.LimitOverrunError) as exc:
            log.warning("rtsp connection from %s closed: unreadable request (%s)", peer[0], exc)
        finally:
            for session_id in owned:
                self._close(session_id)
            self._writers.discard(writer)
            writer.close()

    async def _read_request(self, reader: asyncio.StreamReader, owned: list[str]) -> Request | None:
        """The next request; interleaved RTCP from the client in between only keeps sessions alive."""
        while True:
            first = await reader.read(1)
            if not first:
                return None
            if first == b"$":
                header = await reader.readexactly(3)
                await reader.readexactly(int.from_bytes(header[1:3], "big"))
                for session_id in owned:
                    if session_id in self.sessions:
                        self.sessions[session_id].touch()
                continue
            head = first + await reader.readuntil(b"\r\n\r\n")
            if len(head) > MAX_HEAD_BYTES:
                raise ValueError("request head too large")
            request = parse_head(head[:-4])
            length = int(request.header("content-length", "0") or 0)
            request.body = await reader.readexactly(length) if length else b""
            return request

    async def _dispatch(self, request: Request, writer: asyncio.StreamWriter,
                        owned: list[str]) -> tuple[int, dict[str, str], bytes]:
        method = request.method
        self.requests[method] += 1
        if method == "OPTIONS":
            return 200, {"Public": PUBLIC}, b""
        if method == "DESCRIBE":
            return await self._describe(request, writer)
        if method == "SETUP":
            return await self._setup(request, writer, owned)
        session = self._session_of(request)
        session.touch()
        if method == "PLAY":
            return await self._play(request, session)
        if method == "PAUSE":
            session.pause()
            return 200, {"Session": session.id}, b""
        if method == "TEARDOWN":
            self._close(session.id)
            return 200, {"Session": session.id}, b""
        if method in ("GET_PARAMETER", "SET_PARAMETER"):
            return 200, {"Session": session.id}, b""
        raise RtspError(405, {"Allow": PUBLIC})

    async def _describe(self, request: Request, writer: asyncio.StreamWriter) -> tuple[int, dict[str, str], bytes]:
        feed, key = await self._authorized_feed(request)
        try:
            codec, keyframe = await self._described(feed, key)
            media = codecs.media_format(codec.codec, codec.extradata, keyframe)
            if media is None:
                log.warning("rtsp DESCRIBE %s: codec %s not served or parameter sets not known yet", key, codec.codec)
                raise RtspError(503)
            host = (writer.get_extra_info("sockname") or ("0.0.0.0",))[0]
            body = sdp.describe(abs(hash(key)) % 10**9, host, f"camvault {key}", media, codec.width, codec.height,
                                feed.sdp_range()).encode()
        finally:
            feed.close()
        base = request.url.rstrip("/") + "/"
        return 200, {"Content-Type": "application/sdp", "Content-Base": base}, body

    async def _described(self, feed: Feed, key: str):
        try:
            return await feed.describe()
        except FeedUnavailable as exc:
            log.warning("rtsp %s: %s", key, exc.reason)
            raise RtspError(503) from None

    async def _setup(self, request: Request, writer: asyncio.StreamWriter,
                     owned: list[str]) -> tuple[int, dict[str, str], bytes]:
        transport = parse_transport(request.header("transport"))
        if transport is None:
            raise RtspError(461)
        if request.header("session"):
            raise RtspError(459)                 # one video track: no second SETUP in a session
        feed, key = await self._authorized_feed(request)
        try:
            codec, _keyframe = await self._described(feed, key)
        except RtspError:
            feed.close()
            raise
        session = RtspSession(feed, key, codec.codec, transport, writer, self.fanouts)
        if transport.tcp:
            reply = f"RTP/AVP/TCP;unicast;interleaved={transport.channels[0]}-{transport.channels[1]}"
        else:
            session.udp_peer = (writer.get_extra_info("peername") or ("127.0.0.1",))[0]
            session.udp, server_ports = await _udp_pair(writer.get_extra_info("sockname")[0])
            ports = transport.client_ports
            reply = (f"RTP/AVP;unicast;client_port={ports[0]}-{ports[1]};"
                     f"server_port={server_ports[0]}-{server_ports[1]}")
        reply += f";ssrc={session.ssrc:08X}"
        self.sessions[session.id] = session
        owned.append(session.id)
        return 200, {"Transport": reply, "Session": f"{session.id};timeout={TIMEOUT_S}"}, b""

    async def _play(self, request: Request, session: RtspSession) -> tuple[int, dict[str, str], bytes]:
        try:
            wanted = parse_range(request.header("range"))
            start = await session.play(wanted)
        except (ValueError, RangeNotAvailable) as exc:                # (before FeedUnavailable: a subclass)
            log.info("rtsp PLAY %s: range %r refused: %s", session.key, request.header("range"), exc)
            raise RtspError(457) from None
        except FeedUnavailable as exc:
            log.warning("rtsp PLAY %s: %s", session.key, exc.reason)
            raise RtspError(503) from None
        headers = {"Session": session.id}
        if start is not None:
            headers["Range"] = _range_header(start, clock=wanted is not None and wanted.clock_ms is not None)
            headers["RTP-Info"] = (f"url={request.url.rstrip('/')}/trackID=0;seq={session.seq};"
                                   f"rtptime={session.rtp_base & 0xFFFFFFFF}")
        return 200, headers, b""

    async def _authorized_feed(self, request: Request) -> tuple[Feed, str]:
        """A new feed for the request's URL, for its authenticated user (401/403/404 otherwise)."""
        key = stream_key(request.url)
        user = await self._user(request)
        if key is None:
            raise RtspError(404)
        kind, camera_id, stream_id = key
        try:
            feed = await asyncio.to_thread(self._open_feed, user, kind, camera_id, stream_id)
        except NotFound as exc:
            log.info("rtsp %s: %s", request.url, exc)
            raise RtspError(404) from None
        except Forbidden:
            log.info("rtsp: %s may not play %s", user.name, request.url)
            raise RtspError(403) from None
        return feed, f"{kind} {camera_id}.{stream_id}"

    async def _user(self, request: Request) -> User:
        """The authenticated user of a request (Digest, Basic or URL credentials); 401 otherwise."""
        digest = digest_params(request.header("authorization"))
        loop = asyncio.get_running_loop()
        try:
            if digest is not None:
                if digest.get("realm") != REALM or not self._nonces.valid(digest.get("nonce", "")):
                    raise RtspError(401, self._challenge())       # stale or foreign nonce: ask again
                check = lambda ha1: response_matches(ha1, request.method, digest)
                user = await loop.run_in_executor(None, self._authenticate_digest, digest.get("username", ""), check)
                self.logins["digest"] += 1
                return user
            credentials = basic_credentials(request.header("authorization")) or url_credentials(request.url)
            if credentials is None:
                raise RtspError(401, self._challenge())
            user = await loop.run_in_executor(None, self._authenticate, *credentials)
            self.logins["basic"] += 1
            return user
        except Unauthorized:
            log.info("rtsp: refused credentials for %s", request.url)
            raise RtspError(401, self._challenge()) from None

    def _challenge(self) -> dict[str, list[str]]:
        return {"WWW-Authenticate": [f'Digest realm="{REALM}", nonce="{self._nonces.issue()}", algorithm=MD5',
                                     f'Basic realm="{REALM}"']}

    def _session_of(self, request: Request) -> RtspSession:
        session_id = request.header("session").split(";")[0].strip()
        session = self.sessions.get(session_id)
        if session is None:
            raise RtspError(454)
        return session

    def _close(self, session_id: str) -> None:
        session = self.sessions.pop(session_id, None)
        if session is not None:
            session.close()

    async def reap(self) -> None:
        """Close sessions idle for over the timeout (UDP clients that vanished)."""
        while True:
            await asyncio.sleep(5)
            for session_id in [s.id for s in self.sessions.values() if s.expired()]:
                log.info("rtsp session %s timed out", session_id)
                self._close(session_id)

    def close_all(self) -> None:
        for session_id in list(self.sessions):
            self._close(session_id)
        for writer in list(self._writers):
            writer.close()


def _range_header(start, *, clock: bool) -> str:
    if start.npt_s is None:
        return "npt=now-"
    if clock and start.clock_ms is not None:
        return f"clock={format_clock(start.clock_ms)}-"
    return f"npt={start.npt_s:.3f}-"


class _Sink(asyncio.DatagramProtocol):
    """Receives (and ignores) what a UDP client sends to our RTP/RTCP ports."""


async def _udp_pair(host: str) -> tuple[tuple[asyncio.DatagramTransport, asyncio.DatagramTransport], tuple[int, int]]:
    """Two UDP sockets on consecutive ports, the first even (RTP, RTCP)."""
    loop = asyncio.get_running_loop()
    for _ in range(50):
        rtp, _p = await loop.create_datagram_endpoint(_Sink, local_addr=(host, 0))
        port = rtp.get_extra_info("sockname")[1]
        if port % 2 == 0:
            try:
                rtcp, _p = await loop.create_datagram_endpoint(_Sink, local_addr=(host, port + 1))
                return (rtp, rtcp), (port, port + 1)
            except OSError:
                pass
        rtp.close()
    raise RtspError(503)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where installed (uvicorn[standard] brings it): its socket writes cost less per client."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


class RtspWorker:
    """Runs `RtspServer` on `host:port` on its own thread until `stop()`."""

    def __init__(self, open_feed: FeedOpener, authenticate: Callable[[str, str], User],
                 authenticate_digest: Callable[[str, Callable[[str], bool]], User], host: str, port: int) -> None:
        self.server = RtspServer(open_feed, authenticate, authenticate_digest)
        self._host, self._port = host, port
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self.listening = False

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="rtsp-server", daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def run(self) -> None:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop.set_default_executor(ThreadPoolExecutor(IO_THREADS, thread_name_prefix="rtsp-io"))
        self._stop = asyncio.Event()
        try:
            server = await asyncio.start_server(self.server.handle, self._host, self._port)
        except OSError as exc:
            log.error("RTSP service not started on port %s: %s", self._port, exc)
            self._ready.set()
            return
        self.listening = True
        log.info("RTSP service listening on %s:%s", self._host, self._port)
        reaper = asyncio.create_task(self.server.reap())
        self._ready.set()
        await self._stop.wait()
        reaper.cancel()
        server.close()
        self.server.close_all()
        await server.wait_closed()
        self.listening = False

    def stop(self, timeout_s: float = 5.0) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._stop.set)
            except RuntimeError:
                pass
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.error("RTSP service did not stop within %.0f s", timeout_s)
