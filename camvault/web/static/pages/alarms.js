// Alarms: the CamTrace alarm list (GET /api/v1.2/cameras/alarms, newest first) with filters (camera,
// kind, description text, time range in the browser's zone, state) and pages of PAGE_SIZE; each row
// has the alarm's picture (/cameras/alarms/<id>.jpg?w=&h=, small), a link to the timeline at the
// alarm's time (#/timeline/<camera>@<ms>) and, for an active triggered alarm, "Acknowledge" (the
// CamTrace acknowledge call, GET /cameras/alarms/untrigger?cameraId=, which ends the camera's
// triggered alarms; the API decides who may). Active alarms are re-read every REFRESH_MS.
import { api } from "../api.js";
import { h } from "../dom.js";
import { formatTime, toMs } from "../time.js";
import { fromLocalInput, rangeInputs } from "./exports.js";

const PAGE_SIZE = 20;
const REFRESH_MS = 5000;
const THUMB = { w: 160, h: 90 };
const state = { cameraId: "", kind: "", q: "", from: "", to: "", state: "", offset: 0 };   // kept while the UI is open

function query() {
  const args = new URLSearchParams({ limit: String(PAGE_SIZE + 1), offset: String(state.offset) });
  for (const name of ["kind", "q", "state"]) if (state[name]) args.set(name, state[name]);
  for (const name of ["from", "to"]) {
    const ms = fromLocalInput(state[name]);
    if (ms !== null) args.set(name, new Date(ms).toISOString());
  }
  const base = state.cameraId ? `/api/v1.2/cameras/${state.cameraId}/alarms` : "/api/v1.2/cameras/alarms";
  return `${base}?${args}`;
}

function select(id, label, value, options, onchange) {
  return h("label.field", { for: id }, label, h("select", { id, onchange: (e) => onchange(e.target.value) },
    options.map(([v, text]) => h("option", { value: v, selected: v === value }, text))));
}

function filters(cameras, reload) {
  const set = (name) => (value) => { state[name] = value; state.offset = 0; reload(); };
  const [from, to] = rangeInputs("alarms", state.from, state.to, (f, t) => {
    state.from = f; state.to = t; state.offset = 0; reload();
  });
  const text = h("input", { id: "alarms-q", type: "search", value: state.q, placeholder: "porte1, MOTION…",
    onchange: (e) => set("q")(e.target.value.trim()) });
  return h("form.toolbar.filters", { id: "alarm-filters", role: "search", "aria-label": "Alarm filters",
    onsubmit: (e) => e.preventDefault() },
  select("alarms-camera", "Camera", state.cameraId, [["", "All cameras"],
    ...cameras.map((c) => [String(c.id), c.name])], set("cameraId")),
  select("alarms-kind", "Type", state.kind, [["", "Any"], ["motion", "Motion"], ["trigger", "Trigger"]], set("kind")),
  h("label.field", { for: "alarms-q" }, "Description", text),
  from, to,
  select("alarms-state", "State", state.state, [["", "Any"], ["active", "Active"], ["ended", "Ended"]], set("state")));
}

function row(alarm, cameraName, acknowledge) {
  const timeMs = toMs(alarm.time);
  const active = alarm.endTime === null;
  const picture = h("img.thumb", { src: `${alarm.snapshot}?w=${THUMB.w}&h=${THUMB.h}`, alt: "", loading: "lazy",
    width: THUMB.w, height: THUMB.h });
  return h("li.alarm", { dataset: { alarmId: String(alarm.id), cameraId: String(alarm.cameraId),
    state: active ? "active" : "ended" } },
  picture,
  h("div.what", {},
    h("strong", {}, cameraName || `Camera ${alarm.cameraId}`), " ",
    h("time", { datetime: alarm.time }, formatTime(timeMs)),
    h("p.desc", {}, alarm.description),
    h("p.state", {}, active ? h("span.badge.active", {}, "Active")
      : h("span.badge", {}, `Ended ${formatTime(alarm.endTime)}`), ` · ${alarm.kind}`)),
  h("div.actions", {},
    h("a.jump", { href: `#/timeline/${alarm.cameraId}@${timeMs}` }, "Recording"),
    active && alarm.kind === "trigger" ? h("button.ack", { type: "button", onclick: () => acknowledge(alarm) },
      "Acknowledge") : null));
}

export function alarmsPage(root) {
  let alive = true;
  let timer = null;
  const list = h("ul.alarms", { id: "alarms", "aria-label": "Alarms" });
  const out = h("div.out", { id: "alarms-status", "aria-live": "polite" });
  const pager = h("div.pager", {});
  const names = new Map();

  const acknowledge = async (alarm) => {
    try {
      await api(`/api/v1.2/cameras/alarms/untrigger?cameraId=${alarm.cameraId}`);
      out.replaceChildren(h("p.note", { role: "status" }, `Alarms of ${names.get(alarm.cameraId)} acknowledged`));
      await reload();
    } catch (exc) { out.replaceChildren(h("p.error", { role: "alert" }, exc.message)); }
  };
  const pageButton = (label, id, offset, enabled) => h("button", { type: "button", id, disabled: !enabled,
    onclick: () => { state.offset = offset; reload(); } }, label);

  async function reload() {
    clearTimeout(timer);
    try {
      const found = await api(query());
      if (!alive) return;
      const alarms = found.alarms.slice(0, PAGE_SIZE);
      list.replaceChildren(...alarms.map((a) => row(a, names.get(a.cameraId), acknowledge)));
      if (!alarms.length) list.append(h("li.note", {}, "No alarm"));
      const pageNo = Math.floor(state.offset / PAGE_SIZE) + 1;
      pager.replaceChildren(pageButton("Newer", "alarms-newer", Math.max(0, state.offset - PAGE_SIZE), state.offset > 0),
        h("span", {}, `Page ${pageNo}`),
        pageButton("Older", "alarms-older", state.offset + PAGE_SIZE, found.alarms.length > PAGE_SIZE));
      if (alarms.some((a) => a.endTime === null)) timer = setTimeout(reload, REFRESH_MS);
    } catch (exc) { if (alive) out.replaceChildren(h("p.error", { role: "alert" }, exc.message)); }
  }

  root.append(h("h1", {}, "Alarms"), h("p.note", {}, "Loading…"));
  api("/api/v1.2/cameras").then(({ cameras }) => {
    if (!alive) return;
    for (const c of cameras) names.set(c.id, c.name);
    root.replaceChildren(h("h1", {}, "Alarms"), filters(cameras, reload), out, list, pager);
    document.body.dataset.page = "alarms";
    return reload();
  }).catch((exc) => { if (alive) root.replaceChildren(h("p.error", { role: "alert" }, exc.message)); });
  return () => { alive = false; clearTimeout(timer); };
}
