// Synchronised recorded playback: one master Clock (wall time, epoch ms) and one Lane per camera,
// a <video> fed through Media Source Extensions by GET /api/v1.2/playback/X.Y.mp4 (fragmented MP4,
// docs/ref/camtrace.md "camvault extensions"). Each answer is placed on the lane's media timeline
// with timestampOffset = (X-Start-Ms - lane base) / 1000, so media time t is wall time
// base + 1000 t for every answer, across gaps and successive requests. `sync()` (called ~10 times a
// second) keeps each video within SEEK_S of the clock: larger drifts seek, smaller ones nudge
// playbackRate; a camera with nothing recorded at the clock's time shows "no recording" and rejoins
// when the clock reaches data its loader fetched (the loader follows X-Next-Start-Ms and the timeline).
import { union } from "./timeline-scale.js";

const WINDOW_MS = 60_000;          // one playback request covers at most this much wall time
const AHEAD_MS = 20_000;           // fetch when the loaded data ends less than this ahead of the clock
const KEEP_BEHIND_S = 30;          // buffered media kept behind the play position
const SEEK_S = 0.3;                // drift beyond which a video seeks instead of adjusting its rate
const LOOKAHEAD_MS = 86_400_000;   // how far the timeline is asked for the next recording after a hole

export class Clock {
  constructor(timeMs) { this.anchorMs = timeMs; this.anchorPerf = performance.now(); this.speed = 1; this.playing = false; }
  now() { return this.anchorMs + (this.playing ? (performance.now() - this.anchorPerf) * this.speed : 0); }
  rebase() { this.anchorMs = this.now(); this.anchorPerf = performance.now(); }
  seek(timeMs) { this.anchorMs = timeMs; this.anchorPerf = performance.now(); }
  play() { this.rebase(); this.playing = true; }
  pause() { this.rebase(); this.playing = false; }
  setSpeed(speed) { this.rebase(); this.speed = speed; }
}

function codecOf(bytes) {
  for (let i = 4; i + 8 < bytes.length; i += 1) {
    const tag = String.fromCharCode(bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]);
    if (tag === "avcC") {
      const hex = (n) => n.toString(16).padStart(2, "0");
      return `avc1.${hex(bytes[i + 5])}${hex(bytes[i + 6])}${hex(bytes[i + 7])}`;
    }
    if (tag === "hvcC") return "hvc1.1.6.L93.B0";
  }
  return null;
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a); out.set(b, a.length);
  return out;
}

async function nextRecordingMs(cameraId, fromMs) {
  const query = `cameraId=${cameraId}&from=${fromMs}&to=${fromMs + LOOKAHEAD_MS}&minGapMs=1000&maxAlarms=1`;
  const answer = await fetch(`/api/v1.2/timeline?${query}`, { credentials: "same-origin",
    headers: { "X-Requested-With": "camvault", Accept: "application/json" } });
  if (!answer.ok) return null;
  const camera = (await answer.json()).timeline.cameras[0];
  const runs = union([...(camera.recordedMs.r || []), ...(camera.recordedMs.a || [])]);
  const next = runs.find(([, end]) => end > fromMs);
  return next ? Math.max(next[0], fromMs) : null;
}

export class Lane {
  // video: a <video> element; onState(state) with "loading" | "playing" | "paused" | "no recording" | "error".
  constructor(cameraId, stream, video, onState) {
    Object.assign(this, { cameraId, stream, video, onState, state: "", alive: true, generation: 0 });
    video.muted = true;
    video.playsInline = true;
  }

  // Start over at wall time `timeMs`: a new MediaSource, a new base, a new loader.
  reset(timeMs) {
    this.generation += 1;
    if (this.abort) this.abort.abort();
    if (this.url) URL.revokeObjectURL(this.url);
    Object.assign(this, { baseMs: timeMs - 600_000, cursorMs: timeMs, loaded: [], buffer: null, loading: false,
      mediaSource: new MediaSource(), abort: new AbortController() });
    this.url = URL.createObjectURL(this.mediaSource);
    this.video.src = this.url;
    this.video.dataset.baseMs = String(this.baseMs);        // wall time of media time 0 (tests, tools)
    const generation = this.generation;
    this.mediaSource.addEventListener("sourceopen", () => this.loader(generation), { once: true });
  }

  // Go to wall time `timeMs`: kept when already buffered, else start over there.
  seek(timeMs) {
    if (this.mediaSource && this.buffer && this.bufferedAt((timeMs - this.baseMs) / 1000)) return;
    this.reset(timeMs);
  }

  stop() {
    this.alive = false;
    this.generation += 1;
    if (this.abort) this.abort.abort();
    this.video.removeAttribute("src");
    this.video.load();
    if (this.url) URL.revokeObjectURL(this.url);
  }

  async loader(generation) {
    const current = () => this.alive && generation === this.generation;
    while (current()) {
      const clockMs = this.clockMs();
      if (this.cursorMs < clockMs - 5000 && !this.loaded.some(([s, e]) => s <= clockMs && clockMs < e)) {
        this.cursorMs = clockMs;                     // the clock ran past what was fetched (fast speeds)
      }
      if (this.cursorMs - this.clockMs() > AHEAD_MS || this.cursorMs > Date.now()) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      try {
        await this.fetchWindow(current);
      } catch (exc) {
        if (!current()) return;
        this.failure = exc.message;
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  }

  async fetchWindow(current) {
    // The timeline says where recording resumes, so the playback request never asks for a hole
    // (its 404 would be a console error) and the loader waits at the live edge.
    const nextMs = await nextRecordingMs(this.cameraId, this.cursorMs);
    if (!current()) return;
    if (nextMs === null) { this.idleAtEdge = true; await new Promise((resolve) => setTimeout(resolve, 2000)); return; }
    this.idleAtEdge = false;
    const fromMs = Math.max(this.cursorMs, nextMs);
    this.cursorMs = fromMs;
    if (fromMs - this.clockMs() > AHEAD_MS) return;
    const toMs = fromMs + WINDOW_MS;
    this.loading = true;
    const answer = await fetch(`/api/v1.2/playback/${this.stream}.mp4?from=${fromMs}&to=${toMs}`,
      { credentials: "same-origin", signal: this.abort.signal });
    try {
      if (answer.status === 404) {                    // pruned meanwhile: ask the timeline again after it
        await answer.body?.cancel();
        if (current()) this.cursorMs = toMs;
        return;
      }
      if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
      const startMs = Number(answer.headers.get("X-Start-Ms"));
      const endMs = Number(answer.headers.get("X-End-Ms"));
      const resumeMs = answer.headers.get("X-Next-Start-Ms");
      this.loaded = union([...this.loaded, [startMs, endMs]]);
      await this.append(answer.body.getReader(), startMs, current);
      if (current()) this.cursorMs = resumeMs ? Number(resumeMs) : Math.max(endMs, fromMs + 1000);
    } finally {
      this.loading = false;
    }
  }

  async append(reader, startMs, current) {
    let pending = new Uint8Array(0);
    for (;;) {
      const { done, value } = await reader.read();
      if (done || !current()) break;
      pending = concat(pending, value);
      if (!this.buffer) {
        const codec = codecOf(pending);
        if (!codec && pending.length < 65536) continue;
        this.buffer = this.mediaSource.addSourceBuffer(`video/mp4; codecs="${codec || "avc1.640028"}"`);
      }
      if (this.buffer.timestampOffset !== (startMs - this.baseMs) / 1000 && pending.length) {
        await this.idle();
        this.buffer.timestampOffset = (startMs - this.baseMs) / 1000;
      }
      await this.appendChunk(pending);
      pending = new Uint8Array(0);
    }
  }

  idle() {
    if (!this.buffer.updating) return Promise.resolve();
    return new Promise((resolve) => this.buffer.addEventListener("updateend", resolve, { once: true }));
  }

  async appendChunk(bytes) {
    await this.idle();
    try {
      this.buffer.appendBuffer(bytes);
    } catch (exc) {
      if (exc.name !== "QuotaExceededError") throw exc;
      await this.trim(5);
      this.buffer.appendBuffer(bytes);
    }
    await this.idle();
    await this.trim(KEEP_BEHIND_S);
  }

  async trim(keepS) {
    const before = this.video.currentTime - keepS;
    const ranges = this.buffer.buffered;
    if (ranges.length && ranges.start(0) < before) {
      await this.idle();
      this.buffer.remove(0, before);
      await this.idle();
    }
  }

  clockMs() { return this.clock ? this.clock.now() : this.cursorMs; }

  bufferedAt(mediaS) {
    const ranges = this.video.buffered;
    for (let i = 0; i < ranges.length; i += 1) {
      if (ranges.start(i) - 0.1 <= mediaS && mediaS < ranges.end(i)) return true;
    }
    return false;
  }

  // Keep the video on the clock; called often.
  sync(clock) {
    this.clock = clock;
    if (!this.mediaSource || this.mediaSource.readyState === "closed") return;
    const nowMs = clock.now();
    const target = (nowMs - this.baseMs) / 1000;
    if (!this.bufferedAt(target)) {
      if (!this.video.paused) this.video.pause();
      const recorded = this.loaded.some(([s, e]) => s <= nowMs && nowMs < e);
      const fetching = !this.idleAtEdge && this.cursorMs <= nowMs + 1000;   // the loader is at the clock
      this.setState(recorded || fetching ? "loading" : "no recording");
      return;
    }
    const drift = this.video.currentTime - target;
    if (Math.abs(drift) > (clock.playing ? SEEK_S : 0.05)) this.video.currentTime = target;
    if (clock.playing) {
      const nudge = Math.abs(drift) < 0.04 ? 0 : Math.max(-0.2, Math.min(0.2, drift)) / 2;
      this.video.playbackRate = clock.speed * (1 - nudge);
      if (this.video.paused) this.video.play().catch(() => {});
    } else if (!this.video.paused) {
      this.video.pause();
    }
    this.setState(clock.playing ? "playing" : "paused");
  }

  setState(state) {
    if (state !== this.state) { this.state = state; this.onState(state); }
  }

  // Wall time of the picture shown now (for tests and the clock display).
  shownMs() { return this.baseMs + this.video.currentTime * 1000; }
}
