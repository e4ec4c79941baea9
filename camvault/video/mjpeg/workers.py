"""The threads of MJPEG pipelines: `DecodeWorker` (a packet source decoded into a board) and
`MosaicWorker` (tile boards composed into a mosaic board). Constructors have no side effects;
`start()` runs `run()` on a daemon thread; `stop()` sets the stop event and joins.

Both wait on a `threading.Event` set by their inputs (no polling), with a `TICK_S` timeout to
notice a stop, the "no video" delay and `keep_running()` (the hub's grace period) going false.
A worker ends its board when its input is gone for good, and calls `on_exit` when it ends.

Times: monotonic seconds (`*_s`); pictures in pixels.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from PIL import Image

from camvault.core.tiles import Cell, Size
from camvault.video.mjpeg.decoder import PictureDecoder
from camvault.video.mjpeg.frames import FrameBoard, MjpegFrame, no_video_image

log = logging.getLogger(__name__)

TICK_S = 0.5
NO_VIDEO_S = 3.0           # without a picture for this long, a "no video" picture is published
DEFAULT_SIZE = Size(640, 360)
FIRST_COMPOSE_WAIT_S = 1.0  # a new mosaic waits this long for every tile's first picture


class Counter:
    """A thread-safe event counter (statistics read by the hub and the tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self, n: int = 1) -> None:
        with self._lock:
            self.value += n


class _Worker:
    def __init__(self, board: FrameBoard, label: str, keep_running: Callable[[], bool],
                 on_exit: Callable[[], None]) -> None:
        self.board = board
        self.label = label
        self._keep_running = keep_running
        self._on_exit = on_exit
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self.jpeg_encodes = Counter()
        self.pictures = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._main, name=f"mjpeg {self.label}", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._ready.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _main(self) -> None:
        try:
            self.run()
        except Exception:
            log.exception("mjpeg %s: worker failed", self.label)
            self.board.end()
        finally:
            self._on_exit()

    def run(self) -> None:
        raise NotImplementedError

    def _publish(self, image: Image.Image, pts_90k: int | None = None, placeholder: bool = False,
                 qualities: tuple[int, ...] = ()) -> None:
        """Publish a picture, encoded first at every quality its viewers asked for."""
        frame = MjpegFrame(image, pts_90k=pts_90k, placeholder=placeholder, on_encode=self.jpeg_encodes.add)
        for quality in set(self.board.qualities()) | set(qualities):
            frame.jpeg(quality)
        self.pictures += 1
        self.board.publish(frame)


class DecodeWorker(_Worker):
    """Decodes `source` into `board`: pictures fitted into `box` (None: the stream's own size)."""

    def __init__(self, source, board: FrameBoard, *, box: Size | None, max_fps: float, label: str,
                 keep_running: Callable[[], bool] = lambda: True, on_exit: Callable[[], None] = lambda: None,
                 no_video_s: float = NO_VIDEO_S) -> None:
        super().__init__(board, label, keep_running, on_exit)
        self._source = source
        self._box = box
        self._max_fps = max_fps
        self._no_video_s = no_video_s
        self._decoder: PictureDecoder | None = None
        self._last_picture_s = 0.0
        self._last_size: Size | None = None
        self.frames_decoded = 0

    def run(self) -> None:
        self._source.open(self._ready.set)
        self._last_picture_s = time.monotonic()
        self._check_no_video()
        try:
            while not self._stop.is_set() and self._keep_running():
                self._ready.wait(TICK_S)
                self._ready.clear()
                packets = self._source.take()
                if packets:
                    self._decode(packets)
                elif self._source.ended:
                    log.info("mjpeg %s: the stream ended", self.label)
                    self.board.end()
                    return
                self._check_no_video()
        finally:
            self._source.close()

    def _decode(self, packets) -> None:
        codec = self._source.codec
        if codec is None:
            return
        if self._decoder is None or self._decoder.codec != codec:
            self._decoder = PictureDecoder(codec, self._box, self._max_fps, self.label)
        before = self._decoder.frames_decoded
        picture = self._decoder.decode(packets)
        if self._decoder.frames_decoded > before:
            self.frames_decoded += self._decoder.frames_decoded - before
            self._last_picture_s = time.monotonic()        # decoding: not "no video", even if not shown
        if picture is not None:
            self._last_size = Size(*picture.image.size)
            self._publish(picture.image, picture.pts_90k)

    def _check_no_video(self) -> None:
        """Publish "no video" once the source has given no picture for `no_video_s`, or at once when
        there is no stream to subscribe to (a camera not pulled)."""
        latest = self.board.latest
        if latest is not None and latest.placeholder:
            return
        absent = latest is None and not self._source.available
        if not absent and time.monotonic() - self._last_picture_s < self._no_video_s:
            return
        codec = self._source.codec
        size = self._last_size or self._box or (Size(codec.width, codec.height) if codec and codec.width else None)
        size = size or DEFAULT_SIZE
        log.info("mjpeg %s: %s, showing 'no video'", self.label,
                 "no such stream now" if absent else f"no picture for {self._no_video_s:.0f} s")
        self._publish(no_video_image(size.width_px, size.height_px), placeholder=True)


class MosaicWorker(_Worker):
    """Composes the latest pictures of `tiles` (boards; None: an empty tile) into `cells` of a
    `canvas`-sized picture, encoded once at `quality`, at most `max_fps` times a second and only
    when a tile changed."""

    def __init__(self, tiles: list[FrameBoard | None], cells: list[Cell], canvas: Size, quality: int, board: FrameBoard,
                 *, max_fps: float, label: str, keep_running: Callable[[], bool] = lambda: True,
                 on_exit: Callable[[], None] = lambda: None) -> None:
        super().__init__(board, label, keep_running, on_exit)
        self._tiles = tiles
        self._cells = cells
        self._canvas = canvas
        self._quality = quality
        self._interval_s = 1 / max_fps
        self._no_video: dict[Size, Image.Image] = {}

    def run(self) -> None:
        boards = {id(b): b for b in self._tiles if b is not None}.values()
        for tile in boards:
            tile.watch(self._ready.set)
        started_s, slot_s, last_state = time.monotonic(), 0.0, None
        try:
            while not self._stop.is_set() and self._keep_running():
                self._ready.wait(TICK_S)
                wait_s = slot_s + self._interval_s - time.monotonic()
                if wait_s > 0 and self._stop.wait(wait_s):
                    break
                self._ready.clear()
                state = self._state()
                if not self._changed(state, last_state, started_s):
                    continue
                now_s = time.monotonic()
                # keep the cadence of the slots (a late picture may catch up a quarter slot)
                slot_s = max(slot_s + self._interval_s, now_s - self._interval_s / 4)
                self._compose()
                last_state = state
        finally:
            for tile in boards:
                tile.unwatch(self._ready.set)

    @staticmethod
    def _changed(state: tuple, last_state: tuple | None, started_s: float) -> bool:
        """A tile changed; the first mosaic waits a little for every tile's first picture."""
        if state == last_state:
            return False
        waiting = any(seq is None for seq, _ in state) and time.monotonic() - started_s < FIRST_COMPOSE_WAIT_S
        return not (last_state is None and waiting)

    def _state(self) -> tuple:
        """What the mosaic shows: each tile's frame sequence (None before its first frame)."""
        return tuple((t.latest.seq if t.latest else None, t.ended) if t is not None else (0, True) for t in self._tiles)

    def _compose(self) -> None:
        canvas = Image.new("RGB", (self._canvas.width_px, self._canvas.height_px))
        for tile, cell in zip(self._tiles, self._cells):
            image = self._tile_image(tile, cell)
            if image is None:
                continue                       # no picture yet: black
            if image.width > cell.width_px or image.height > cell.height_px:
                image = image.resize((min(image.width, cell.width_px), min(image.height, cell.height_px)))
            canvas.paste(image, (cell.x_px + (cell.width_px - image.width) // 2,
                                 cell.y_px + (cell.height_px - image.height) // 2))
        self._publish(canvas, qualities=(self._quality,))

    def _tile_image(self, tile: FrameBoard | None, cell: Cell) -> Image.Image | None:
        if tile is None or tile.ended:
            return self._no_video_for(cell.size)
        frame = tile.latest
        return frame.image if frame is not None else None

    def _no_video_for(self, size: Size) -> Image.Image:
        if size not in self._no_video:
            self._no_video[size] = no_video_image(size.width_px, size.height_px)
        return self._no_video[size]
