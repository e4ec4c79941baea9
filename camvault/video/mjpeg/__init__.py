"""MJPEG for the PUSH HTTP service: pictures decoded from a stream once, scaled once per output
size and JPEG-encoded once per quality, whatever the number of viewers.

- `decoder`: `PictureDecoder` turns access units (`LivePacket`s + `CodecInfo`) into RGB pictures at an
  output size, at most `max_fps` per second (blocking; one thread).
- `sources`: where a decode worker's packets come from: a `LiveStream` subscription, or a bounded
  queue filled from an async `Feed` (`pump_feed`).
- `frames`: `MjpegFrame` (a picture and its cached JPEGs) and `FrameBoard` (the latest frame of a
  pipeline, and who to wake when it changes).
- `workers`: `DecodeWorker` (a packet source into a board, on its own thread) and `MosaicWorker`
  (tile boards composed into one board, on its own thread).
- `hub`: `MjpegHub`, the registry of running pipelines: made by the first viewer, stopped a grace
  period after the last one left.
- `viewer`: `FrameViewer`, the asyncio side: waits for the next frame without polling.
- `program`: `ProgramViewer`, a viewer that follows a mosaic whose content changes over time (a
  CamTrace group's cycle and overrides), moving from one shared mosaic pipeline to the next.
"""
