// Camera: live view (best stream), PTZ pad for cameras the user may steer (CamTrace GET
// /cameras/<id>/ptz?cmd=...), snapshot button (POST /snapshots, then its PDF report) with the
// latest snapshots, and sensor controls through /oak (the OAK device of the same name).
import { api } from "../api.js";
import { h, stopImages } from "../dom.js";
import { formatTime } from "../time.js";
import { liveStream } from "./live.js";

const SLIDERS = [
  ["brightness", -10, 10], ["contrast", -10, 10], ["saturation", -10, 10],
  ["exposure_time", 1, 33000], ["sensitivity_iso", 100, 5000], ["auto_exposure_compensation", -9, 9],
  ["luma_denoise", 0, 4], ["chroma_denoise", 0, 4], ["manual_whitebalance", 1000, 12000],
];
const PAD = [["up", "▲", "Up"], ["left", "◀", "Left"], ["right", "▶", "Right"], ["down", "▼", "Down"],
  ["plus", "+", "Zoom in"], ["minus", "−", "Zoom out"]];

function status(text, isError = false) {
  return h(isError ? "p.error" : "p.note", { role: isError ? "alert" : "status" }, text);
}

function ptzPad(camera) {
  const out = h("div.out", { id: "ptz-status", "aria-live": "polite" });
  const send = async (query, label) => {
    try {
      await api(`/api/v1.2/cameras/${camera.id}/ptz?${query}`);
      out.replaceChildren(status(`${label}: sent`));
    } catch (exc) { out.replaceChildren(status(exc.message, true)); }
  };
  const pad = h("div.pad", { role: "group", "aria-label": "Pan, tilt and zoom" },
    PAD.map(([arg, glyph, label]) => h("button", { type: "button", id: `ptz-${arg}`, title: label,
      "aria-label": label, onclick: () => send(`cmd=ptz&arg=${arg}`, label) }, glyph)));
  const presets = camera.ptz.presets.length ? h("select", { id: "ptz-preset", "aria-label": "Go to preset",
    onchange: (e) => e.target.value && send(`cmd=preset&arg=${encodeURIComponent(e.target.value)}`, "Preset") },
  h("option", { value: "" }, "Preset…"), camera.ptz.presets.map((p) => h("option", { value: p.id }, p.name))) : null;
  return h("section.panel", { "aria-labelledby": "ptz-title" }, h("h2", { id: "ptz-title" }, "PTZ"), pad, presets, out);
}

function snapshotItem(snapshot) {
  return h("li", { dataset: { snapshotId: String(snapshot.id) } },
    h("img", { src: `${snapshot.imageUrl}?width=160`, alt: "", width: 160, loading: "lazy" }),
    h("time", { datetime: snapshot.time }, formatTime(snapshot.time)),
    h("a", { href: snapshot.reportUrl, target: "_blank", rel: "noopener" }, "PDF report"));
}

function snapshots(camera) {
  const list = h("ul.snapshots", { id: "snapshots" });
  const out = h("div.out", { id: "snapshot-status", "aria-live": "polite" });
  const refresh = async () => {
    const answer = await api(`/api/v1.2/snapshots?cameraId=${camera.id}&limit=5`);
    list.replaceChildren(...answer.snapshots.map(snapshotItem));
  };
  const take = async () => {
    try {
      const { snapshot } = await api("/api/v1.2/snapshots", { method: "POST", body: { snapshot: { cameraId: camera.id } } });
      out.replaceChildren(h("p.note", { role: "status" }, `Snapshot ${snapshot.id} at ${formatTime(snapshot.time)} `,
        h("a", { id: "snapshot-pdf", href: snapshot.reportUrl, target: "_blank", rel: "noopener" }, "PDF report")));
      await refresh();
    } catch (exc) { out.replaceChildren(status(exc.message, true)); }
  };
  refresh().catch((exc) => out.replaceChildren(status(exc.message, true)));
  return h("section.panel", { "aria-labelledby": "snap-title" }, h("h2", { id: "snap-title" }, "Snapshots"),
    h("button", { type: "button", id: "snapshot", onclick: take }, "Take a snapshot"), out, list);
}

function slider(name, min, max, value, onchange) {
  const id = `control-${name}`;
  const shown = h("output", { for: id }, String(value));
  const input = h("input", { type: "range", id, name, min: String(min), max: String(max), value: String(value),
    oninput: () => { shown.textContent = input.value; }, onchange: () => onchange(name, Number(input.value)) });
  return h("div.control", {}, h("label", { for: id }, name.replaceAll("_", " ")), input, shown);
}

async function sensorControls(camera, panel) {
  const devices = (await api("/oak/cameras/")).filter((d) => d.camvault_camera_id === camera.id);
  if (devices.length !== 1) { panel.remove(); return; }
  const base = `/oak/cameras/${devices[0].mxid}/streams/`;
  const sensors = (await api(base)).filter((s) => s.active);
  if (!sensors.length) { panel.remove(); return; }
  const out = h("div.out", { id: "control-status", "aria-live": "polite" });
  const body = h("div.controls", {});
  const choose = h("select", { id: "sensor", "aria-label": "Sensor", onchange: () => show(choose.value) },
    sensors.map((s) => h("option", { value: s.name }, s.name)));
  const post = async (name, value) => {
    try {
      const answer = await api(`${base}${choose.value}/control`, { method: "POST", body: { [name]: value } });
      const missed = answer.not_applied || [];
      out.replaceChildren(missed.length ? status(`Stored, not applied by the camera: ${missed.join(", ")}`)
        : status(`${name.replaceAll("_", " ")} applied`));
      out.dataset.notApplied = missed.join(",");
    } catch (exc) { out.replaceChildren(status(exc.message, true)); }
  };
  const show = async (sensor) => {
    const control = await api(`${base}${sensor}/control`);
    body.replaceChildren(...SLIDERS.map(([name, min, max]) => slider(name, min, max, control[name], post)),
      h("div.control", {}, h("label", { for: "control-auto_exposure_enable" }, "auto exposure"),
        h("input", { type: "checkbox", id: "control-auto_exposure_enable", checked: control.auto_exposure_enable,
          onchange: (e) => post("auto_exposure_enable", e.target.checked) })));
  };
  panel.append(choose, body, out);
  await show(sensors[0].name);
}

export function cameraPage(root, params) {
  let alive = true;
  root.append(h("p.note", {}, "Loading…"));
  api(`/api/v1.2/cameras/${params.id}`).then((camera) => {
    if (!alive) return;
    const path = liveStream(camera, true);
    const view = camera.playLiveAllowed && path && !camera.isIgnored
      ? h("img", { id: "camera-live", src: path, alt: `${camera.name} live`, dataset: { live: "" } })
      : h("p.note", {}, camera.isIgnored ? "Disabled" : "No live view");
    const sensors = h("section.panel", { id: "sensors", "aria-labelledby": "sensor-title" },
      h("h2", { id: "sensor-title" }, "Sensor controls"));
    root.replaceChildren(h("h1", {}, camera.name),
      h("div.camera", {}, h("div.live", {}, view),
        h("div.side", {}, camera.ptzAllowed ? ptzPad(camera) : null, snapshots(camera), sensors)));
    document.body.dataset.page = "camera";
    sensorControls(camera, sensors).catch((exc) => sensors.append(status(exc.message, true)));
  }).catch((exc) => { if (alive) root.replaceChildren(h("p.error", { role: "alert" }, exc.message)); });
  return () => { alive = false; stopImages(root); };
}
