// Timeline: recorded ranges (regular, alarm), alarm markers and protected ranges of the chosen
// cameras (GET /api/v1.2/timeline, minGapMs about one pixel of the zoom) on a zoomable axis from a
// minute to four weeks (wheel, pinch, buttons, + and - keys; drag pans); a click plays every chosen
// camera from that moment on one clock (timeline-player.js). Route: #/timeline or
// #/timeline/<cameraId>[,<cameraId>...]@<epoch ms> (docs/ref/web.md), kept up to date while playing.
import { api } from "../api.js";
import { h } from "../dom.js";
import { formatTime } from "../time.js";
import { Clock, Lane } from "./timeline-player.js";
import { centredOn, minGapMs, pan, tickLabel, ticks, tickStepMs, timeAt, xOf, zoom } from "./timeline-scale.js";

const SPEEDS = [0.5, 1, 2, 4, 8, 16];
const MAX_DEFAULT_CAMERAS = 4;
const REFRESH_MS = 10_000;
const STATE_TEXT = { idle: "Click the timeline to play", loading: "Loading…", playing: "", paused: "Paused",
  "no recording": "No recording", "no right": "No records right" };

export function timelineRoute(match) {
  const ids = match[1] ? match[1].split(",").filter(Boolean).map(Number) : null;
  return { cameras: ids, atMs: match[2] ? Number(match[2]) : null };
}

function pct(view, timeMs) {
  return `${Math.max(0, Math.min(100, xOf(view, timeMs, 100)))}%`;
}

function rangeEls(view, ranges, cls, title) {
  const endMs = view.startMs + view.spanMs;
  return (ranges || []).filter(([s, e]) => e >= view.startMs && s <= endMs).map(([s, e]) =>
    h(`div.${cls}`, { style: `left: ${pct(view, s)}; width: calc(${pct(view, e)} - ${pct(view, s)} + 1px)`,
      title: `${title}: ${formatTime(s)} – ${formatTime(e)}`, dataset: { startMs: String(s), endMs: String(e) } }));
}

function laneRow(view, camera, data) {
  const alarms = (data?.alarms || []).filter((a) => a.timeMs >= view.startMs && a.timeMs <= view.startMs + view.spanMs)
    .map((a) => h("div.tl-alarm", { style: `left: ${pct(view, a.timeMs)}`, dataset: { timeMs: String(a.timeMs) },
      title: `${a.count > 1 ? `${a.count} alarms` : a.type} at ${formatTime(a.timeMs)}` }));
  return h("div.tl-row", { dataset: { cameraId: String(camera.id) } },
    h("span.tl-label", {}, camera.name),
    h("div.tl-lane", {},
      rangeEls(view, data?.recordedMs?.r, "tl-rec.r", "Recorded"),
      rangeEls(view, data?.recordedMs?.a, "tl-rec.a", "Alarm recording"),
      rangeEls(view, [...(data?.protectedMs?.r || []), ...(data?.protectedMs?.a || [])], "tl-prot", "Protected"),
      alarms));
}

function axis(view, widthPx) {
  const stepMs = tickStepMs(view, widthPx);
  return h("div.tl-axis", { "aria-hidden": "true" }, ticks(view, stepMs).map((tick) =>
    h(`div.tl-tick${tick.major ? ".major" : ""}`, { style: `left: ${pct(view, tick.timeMs)}`,
      dataset: { timeMs: String(tick.timeMs) } }, h("span", {}, tickLabel(tick, stepMs)))));
}

function videoTile(camera) {
  const state = h("span.tl-state", { role: "status" });
  const video = h("video", { muted: true, playsinline: true, disablepictureinpicture: true });
  const figure = h("figure.tl-video", { dataset: { cameraId: String(camera.id), state: "idle" } },
    video, state, h("figcaption", {}, camera.name));
  const show = (value) => { figure.dataset.state = value; state.textContent = STATE_TEXT[value] ?? value; };
  show(camera.canPlay === false ? "no right" : "idle");
  return { figure, video, show };
}

function toolbar(cameras, chosen, actions) {
  const boxes = h("fieldset.tl-cameras", {}, h("legend", {}, "Cameras"), cameras.map((c) =>
    h("label", {}, h("input", { type: "checkbox", value: String(c.id), checked: chosen.includes(c.id),
      onchange: actions.choose }), ` ${c.name}`)));
  const button = (id, text, label, onclick) => h("button", { type: "button", id, "aria-label": label, title: label, onclick }, text);
  const speed = h("select", { id: "tl-speed", "aria-label": "Speed", onchange: () => actions.speed(Number(speed.value)) },
    SPEEDS.map((s) => h("option", { value: String(s), selected: s === 1 }, `${s}×`)));
  return h("div.toolbar.tl-toolbar", {}, boxes,
    h("div.group", { role: "group", "aria-label": "Playback" },
      button("tl-play", "Play", "Play or pause", actions.toggle), speed,
      h("output", { id: "tl-clock", "aria-live": "off" }, "–")),
    h("div.group", { role: "group", "aria-label": "View" },
      button("tl-earlier", "◀", "Earlier", () => actions.pan(-0.5)),
      button("tl-zoom-out", "−", "Zoom out", () => actions.zoom(2)),
      button("tl-zoom-in", "+", "Zoom in", () => actions.zoom(0.5)),
      button("tl-later", "▶", "Later", () => actions.pan(0.5)),
      button("tl-now", "Now", "Show now", actions.now),
      h("a.button", { id: "tl-export", href: "#/exports", title: "Export the cameras and the time span shown" },
        "Export view")),
    h("output", { id: "tl-span", "aria-live": "polite" }));
}

function spanText(spanMs) {
  const units = [[86_400_000, "day"], [3_600_000, "hour"], [60_000, "minute"]];
  const [size, name] = units.find(([u]) => spanMs >= u) || units[2];
  const n = Math.round((spanMs / size) * 10) / 10;
  return `${n} ${name}${n === 1 ? "" : "s"} shown`;
}

export function timelinePage(root, params) {
  const s = { alive: true, cameras: [], chosen: [], data: new Map(), fetched: null, tiles: new Map(), lanes: new Map(),
    view: centredOn(params.atMs ?? Date.now() - 1_800_000, params.atMs ? 600_000 : 3_600_000), timers: [] };
  const clock = new Clock(params.atMs ?? Date.now());
  let started = false;
  const track = h("div.tl-track", { id: "tl-track", tabindex: "0", role: "group",
    "aria-label": "Timeline: click to play; arrow keys move the play position, shift+arrows pan, + and - zoom, Enter plays or pauses" });
  const rows = h("div.tl-rows", {});
  const head = h("div.tl-head", { "aria-hidden": "true" });
  const videos = h("div.tl-videos", { id: "tl-videos" });
  track.append(rows, head);

  const widthPx = () => Math.max(1, rows.querySelector(".tl-lane")?.clientWidth || track.clientWidth || 1000);
  const draw = () => {
    const lanes = s.cameras.filter((c) => s.chosen.includes(c.id)).map((c) => laneRow(s.view, c, s.data.get(c.id)));
    rows.replaceChildren(h("div.tl-row.tl-axis-row", {}, h("span.tl-label"), axis(s.view, widthPx())), ...lanes);
    root.querySelector("#tl-span").textContent = spanText(s.view.spanMs);
    root.querySelector("#tl-export").href = `#/exports?cameras=${s.chosen.join(",")}`
      + `&from=${Math.round(s.view.startMs)}&to=${Math.round(s.view.startMs + s.view.spanMs)}`;
    moveHead();
  };
  const moveHead = () => {
    const lane = rows.querySelector(".tl-lane");
    const x = xOf(s.view, clock.now(), 1);
    head.hidden = !started || !lane || x < 0 || x > 1;
    if (lane) head.style.left = `${lane.offsetLeft + x * lane.clientWidth}px`;
  };
  const load = async (force = false) => {
    const gap = minGapMs(s.view, widthPx());
    const f = s.fetched;
    if (!force && f && f.fromMs <= s.view.startMs && f.toMs >= s.view.startMs + s.view.spanMs && f.gap <= gap * 2 && f.gap >= gap / 2) return;
    if (!s.chosen.length) return;
    const fromMs = s.view.startMs - s.view.spanMs;
    const toMs = s.view.startMs + 2 * s.view.spanMs;
    const answer = await api(`/api/v1.2/timeline?cameraId=${s.chosen.join(",")}&from=${fromMs}&to=${toMs}&minGapMs=${gap}`);
    if (!s.alive) return;
    s.fetched = { fromMs, toMs, gap };
    for (const c of answer.timeline.cameras) s.data.set(c.cameraId, c);
    draw();
  };
  let pending = null;
  const setView = (view) => {
    s.view = view; draw();
    clearTimeout(pending);
    pending = setTimeout(() => load().catch(showError), 150);
  };
  const showError = (exc) => { if (s.alive) root.querySelector("#tl-error").textContent = exc.message; };
  const remember = () => history.replaceState(null, "",
    `#/timeline/${s.chosen.join(",")}${started ? `@${Math.round(clock.now())}` : ""}`);

  const buildLanes = () => {
    for (const lane of s.lanes.values()) lane.stop();
    s.lanes.clear(); s.tiles.clear();
    videos.replaceChildren();
    for (const camera of s.cameras.filter((c) => s.chosen.includes(c.id))) {
      const tile = videoTile({ ...camera, canPlay: s.data.get(camera.id)?.canPlay });
      s.tiles.set(camera.id, tile);
      videos.append(tile.figure);
      const stream = s.data.get(camera.id)?.playbackStream;
      if (stream && s.data.get(camera.id).canPlay) {
        const lane = new Lane(camera.id, stream, tile.video, tile.show);
        s.lanes.set(camera.id, lane);
        if (started) lane.reset(clock.now());
      }
    }
    videos.style.setProperty("--cols", String(Math.min(2, Math.max(1, s.lanes.size))));
  };
  const playFrom = (timeMs) => {
    started = true;
    clock.seek(timeMs);
    clock.play();
    for (const lane of s.lanes.values()) lane.seek(timeMs);
    root.querySelector("#tl-play").textContent = "Pause";
    if (timeMs < s.view.startMs || timeMs > s.view.startMs + s.view.spanMs) setView(centredOn(timeMs, s.view.spanMs));
    remember();
    moveHead();
  };
  const actions = {
    toggle: () => {
      if (!started) { playFrom(s.view.startMs + s.view.spanMs / 2); return; }
      if (clock.playing) clock.pause(); else clock.play();
      root.querySelector("#tl-play").textContent = clock.playing ? "Pause" : "Play";
      remember();
    },
    speed: (value) => clock.setSpeed(value),
    pan: (fraction) => setView(pan(s.view, fraction)),
    zoom: (factor) => setView(zoom(s.view, factor, started && xOf(s.view, clock.now(), 1) >= 0
      && xOf(s.view, clock.now(), 1) <= 1 ? xOf(s.view, clock.now(), 1) : 0.5)),
    now: () => setView({ startMs: Date.now() - s.view.spanMs * 0.9, spanMs: s.view.spanMs }),
    choose: () => {
      s.chosen = [...root.querySelectorAll(".tl-cameras input:checked")].map((i) => Number(i.value));
      load(true).then(() => { buildLanes(); remember(); }).catch(showError);
    },
  };

  const pointers = new Map();
  let drag = null;
  track.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || !e.target.closest(".tl-lane, .tl-axis")) return;
    track.setPointerCapture(e.pointerId);
    pointers.set(e.pointerId, e.clientX);
    drag = { x: e.clientX, view: s.view, moved: false, spread: null };
  });
  track.addEventListener("pointermove", (e) => {
    if (!drag || !pointers.has(e.pointerId)) return;
    pointers.set(e.pointerId, e.clientX);
    if (pointers.size === 2) {                                         // pinch: zoom by the fingers' spread
      const [a, b] = [...pointers.values()];
      const spread = Math.abs(a - b) || 1;
      if (drag.spread) setView(zoom(s.view, drag.spread / spread, ((a + b) / 2 - lanePx().left) / widthPx()));
      drag.spread = spread; drag.moved = true;
      return;
    }
    if (Math.abs(e.clientX - drag.x) > 4) drag.moved = true;
    if (drag.moved) setView(pan(drag.view, -(e.clientX - drag.x) / widthPx()));
  });
  const lanePx = () => (rows.querySelector(".tl-lane") || track).getBoundingClientRect();
  track.addEventListener("pointerup", (e) => {
    pointers.delete(e.pointerId);
    if (drag && !drag.moved && pointers.size === 0) playFrom(timeAt(s.view, e.clientX - lanePx().left, widthPx()));
    if (pointers.size === 0) drag = null;
  });
  track.addEventListener("pointercancel", (e) => { pointers.delete(e.pointerId); drag = null; });
  track.addEventListener("wheel", (e) => {
    e.preventDefault();
    const factor = Math.exp(Math.max(-100, Math.min(100, e.deltaY)) * (e.ctrlKey ? 0.01 : 0.002));
    setView(zoom(s.view, factor, Math.max(0, Math.min(1, (e.clientX - lanePx().left) / widthPx()))));
  });
  track.addEventListener("keydown", (e) => {
    const step = s.view.spanMs / 20;
    if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      e.preventDefault();
      const sign = e.key === "ArrowLeft" ? -1 : 1;
      if (e.shiftKey) actions.pan(sign * 0.1);
      else playFrom((started ? clock.now() : s.view.startMs + s.view.spanMs / 2) + sign * step);
    } else if (e.key === "Enter" || e.key === " ") { e.preventDefault(); actions.toggle(); }
  });
  root.addEventListener("keydown", (e) => {
    if (e.target.matches("input, select, textarea")) return;
    if (e.key === "+" || e.key === "=") { e.preventDefault(); actions.zoom(0.5); }
    else if (e.key === "-" || e.key === "_") { e.preventDefault(); actions.zoom(2); }
  });

  const tick = () => {
    for (const lane of s.lanes.values()) lane.sync(clock);
    if (started) root.querySelector("#tl-clock").textContent = formatTime(Math.round(clock.now()));
    if (started && clock.playing && clock.now() > s.view.startMs + s.view.spanMs) {
      setView({ startMs: Math.round(clock.now() - s.view.spanMs * 0.1), spanMs: s.view.spanMs });
    }
    moveHead();
  };

  root.append(h("p.note", {}, "Loading…"));
  api("/api/v1.2/cameras").then(async ({ cameras }) => {
    if (!s.alive) return;
    s.cameras = cameras;
    const visible = cameras.map((c) => c.id);
    s.chosen = (params.cameras || visible.slice(0, MAX_DEFAULT_CAMERAS)).filter((id) => visible.includes(id));
    root.replaceChildren(h("h1.sr-only", {}, "Timeline"), toolbar(cameras, s.chosen, actions),
      h("p.error", { id: "tl-error", role: "alert" }), videos, track);
    document.body.dataset.page = "timeline";
    await load(true);
    buildLanes();
    if (params.atMs) playFrom(params.atMs);
    s.timers.push(setInterval(tick, 100), setInterval(() => load(true).catch(showError), REFRESH_MS));
    window.addEventListener("resize", draw);
  }).catch((exc) => { if (s.alive) root.replaceChildren(h("p.error", { role: "alert" }, exc.message)); });

  return () => {
    s.alive = false;
    s.timers.forEach(clearInterval);
    clearTimeout(pending);
    window.removeEventListener("resize", draw);
    for (const lane of s.lanes.values()) lane.stop();
  };
}
