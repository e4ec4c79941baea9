"""Live pictures for viewers that want JPEG frames (any dialect's MJPEG service): one camera stream,
or a mosaic of cameras composed server-side.

Rights: the user's live right on every camera shown (unknown camera or stream: NotFound; a camera
the user may not see or not view live: Forbidden). A mosaic tile shows the camera's lowest-quality
pulled stream whose picture covers the tile, else its best one (`core.tiles.tile_stream`); a tile
whose camera has no pulled stream or no picture yet shows "no video" rather than holding the
mosaic back.

The answer is a view: checked now (blocking: call it off the event loop), watched later with
`async with view.watching() as viewer` on the event loop that streams it, so pipeline resources
are only taken while a viewer actually reads. `LiveView` shares pipelines between viewers;
`FeedView` decodes a private `Feed` (replay, alarm view) for one viewer; `ProgramView` follows a
mosaic whose content changes over time (a CamTrace group's cycle and overrides), moving from one
shared mosaic pipeline to the next. Qualities are JPEG qualities 1..100 (higher = better, larger);
sizes in pixels.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from camvault.core.errors import BadRequest, Forbidden, NotFound
from camvault.core.model import Stream, User
from camvault.core.rights import can_play_live
from camvault.core.tiles import Cell, Size, cells, chosen_stream
from camvault.services.cameras import CameraService, CameraView
from camvault.video.feeds import Feed
from camvault.video.live import LiveHub
from camvault.video.mjpeg.feed import decoded_feed
from camvault.video.mjpeg.hub import Lease, MjpegHub, StreamRef
from camvault.video.mjpeg.program import Composition, ProgramViewer
from camvault.video.mjpeg.viewer import FrameViewer

log = logging.getLogger(__name__)

MAX_TILES = 64
MIN_SIDE_PX, MAX_SIDE_PX = 64, 3840


@dataclass(frozen=True)
class LiveView:
    """A checked view: what to show (`streams`: the stream of each tile, None for a camera with no
    stream to show) and at which JPEG quality."""

    label: str
    quality: int
    streams: tuple[StreamRef | None, ...]
    _open: Callable[[], Lease]

    @asynccontextmanager
    async def watching(self) -> AsyncIterator[FrameViewer]:
        """Take the pipeline (made and started for its first viewer) and watch its frames; on the
        event loop that awaits the viewer. Gives the pipeline back on exit."""
        lease = self._open()
        try:
            with FrameViewer(lease.board, self.quality) as viewer:
                yield viewer
        finally:
            lease.release()


@dataclass(frozen=True)
class FeedView:
    """One viewer's own decoding of `feed`, at the feed's size. The feed must hold nothing before
    `describe()` (it is only described, played and closed if the view is watched)."""

    label: str
    quality: int
    feed: Feed
    max_fps: float

    @asynccontextmanager
    async def watching(self) -> AsyncIterator[FrameViewer]:
        """Raises `FeedUnavailable` when the feed has nothing to show."""
        async with decoded_feed(self.feed, box=None, max_fps=self.max_fps, label=self.label) as board:
            with FrameViewer(board, self.quality) as viewer:
                yield viewer


@dataclass(frozen=True)
class ProgramView:
    """A mosaic whose content changes over time (see `video.mjpeg.program`): `plan()` says what to
    show now (None: nothing any more), `resolve(plan)` (blocking) which streams in which cells."""

    label: str
    quality: int
    canvas: Size
    plan: Callable[[], object]
    resolve: Callable[[object], Composition]
    _open: Callable[[Composition], Lease]

    @asynccontextmanager
    async def watching(self) -> AsyncIterator[ProgramViewer]:
        async with ProgramViewer(self.plan, self.resolve, self._open, self.quality) as viewer:
            yield viewer


class LiveViewService:
    def __init__(self, cameras: CameraService, live: LiveHub, hub: MjpegHub, *, mosaic_size: Size) -> None:
        self._cameras = cameras
        self._live = live
        self.hub = hub
        self.mosaic_size = mosaic_size

    def stream_view(self, user: User, camera_id: int, stream_id: int, quality: int) -> LiveView:
        """Stream `camera_id.stream_id` at its own size."""
        _check_quality(quality)
        camera = self._cameras.camera_for(user, camera_id)
        stream = camera.stream(stream_id)
        if stream is None or stream.ignored:
            raise NotFound(f"Stream {camera_id}.{stream_id} not found", key="stream_not_found")
        _require_live(user, camera_id)
        if self._live.get(camera_id, stream_id) is None:
            raise NotFound(f"Stream {camera_id}.{stream_id} is not delivering", key="stream_not_found")
        return LiveView(f"{camera_id}.{stream_id}", quality, ((camera_id, stream_id),),
                        lambda: self.hub.acquire_stream(camera_id, stream_id))

    def mosaic_view(self, user: User, camera_ids: list[int], quality: int, size: Size | None = None) -> LiveView:
        """The cameras (repeats allowed) tiled on a grid of ceil(sqrt(n)) columns, row by row."""
        _check_quality(quality)
        if not camera_ids:
            raise BadRequest("A mosaic needs at least one camera id", key="invalid_id_list", field="ids")
        if len(camera_ids) > MAX_TILES:
            raise BadRequest(f"A mosaic has at most {MAX_TILES} cameras", key="too_many_tiles", limit=MAX_TILES)
        canvas = _checked_size(size) if size is not None else self.mosaic_size
        box = cells(len(camera_ids), canvas)[0].size
        chosen: dict[int, StreamRef | None] = {}
        for camera_id in camera_ids:
            if camera_id not in chosen:
                view = self._cameras.get_for(user, camera_id)
                _require_live(user, camera_id)
                chosen[camera_id] = self._tile_ref(view, box)
        tiles = [chosen[c] for c in camera_ids]
        label = "mosaic " + ",".join(map(str, camera_ids))
        return LiveView(label, quality, tuple(tiles), lambda: self.hub.acquire_mosaic(tiles, canvas, quality))

    def program_view(self, label: str, quality: int, size: Size | None, plan: Callable[[], object],
                     resolve: Callable[[object, Size], Composition]) -> ProgramView:
        """A mosaic that follows `plan` (see `ProgramView`); `resolve` gets the plan and the canvas."""
        _check_quality(quality)
        canvas = _checked_size(size) if size is not None else self.mosaic_size

        def open_mosaic(c: Composition) -> Lease:
            return self.hub.acquire_mosaic(list(c.tiles), canvas, quality, list(c.cells))
        return ProgramView(label, quality, canvas, plan, lambda p: resolve(p, canvas), open_mosaic)

    def feed_view(self, feed: Feed, quality: int, label: str) -> FeedView:
        """MJPEG of a feed the caller opened (and checked rights for), e.g. a last-alarm replay."""
        _check_quality(quality)
        return FeedView(label, quality, feed, self.hub.max_fps)

    @staticmethod
    def _tile_ref(view: CameraView, box: Size, stream_id: int | None = None,
                  quality: int | None = None) -> StreamRef | None:
        """The pulled stream of the camera that feeds a tile of `box` (`core.tiles.chosen_stream`:
        the asked quality or stream if any, else the lowest quality that covers the tile)."""
        stream = chosen_stream(stream_candidates(view), box, stream_id=stream_id, quality=quality)
        return (view.camera.id, stream.stream_id) if stream is not None else None

    def cell_ref(self, view: CameraView, cell: Cell, stream_id: int | None = None,
                 quality: int | None = None) -> StreamRef | None:
        """The stream shown in a mosaic cell (`_tile_ref`); None: the camera has no stream to show."""
        return self._tile_ref(view, cell.size, stream_id, quality)


def _require_live(user: User, camera_id: int) -> None:
    if not can_play_live(user, camera_id):
        raise Forbidden(f"You may not view camera {camera_id} live", key="live_forbidden")


def _check_quality(quality: int) -> None:
    if not 1 <= quality <= 100:
        raise BadRequest(f"JPEG quality must be between 1 and 100, not {quality}", key="invalid_jpeg_quality")


def _checked_size(size: Size) -> Size:
    if not (MIN_SIDE_PX <= size.width_px <= MAX_SIDE_PX and MIN_SIDE_PX <= size.height_px <= MAX_SIDE_PX):
        raise BadRequest(f"A mosaic is {MIN_SIDE_PX} to {MAX_SIDE_PX} pixels wide and high", key="invalid_size")
    return Size(size.width_px // 2 * 2, size.height_px // 2 * 2)


def stream_candidates(view: CameraView) -> list[tuple[Stream, Size | None]]:
    """The camera's streams that can be pulled for live view, each with its picture size (as
    measured by ingest, else as configured; None if unknown)."""
    candidates = []
    for stream in view.camera.streams:
        if stream.ignored or stream.on_demand:
            continue
        state = view.states.get(stream.stream_id)
        width, height = (state.width, state.height) if state and state.width else (stream.width, stream.height)
        candidates.append((stream, Size(width, height) if width and height else None))
    return candidates
