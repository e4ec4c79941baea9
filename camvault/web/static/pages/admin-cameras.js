// Admin > Cameras: the camera list (CamTrace GET /cameras) with rename and enable (extension
// PATCH /cameras/<id>) and delete after a confirmation (DELETE /cameras/<id>); "Add an RTSP camera"
// runs the connection test (extension POST /cameras/test, answered as a JPEG shown here) and only
// then allows saving (POST /cameras). Cameras from the config file are read-only (the API says 409).
import { api, ApiError } from "../api.js";
import { h } from "../dom.js";
import { confirmButton, status } from "./admin-common.js";

// POST /api/v1.2/cameras/test: the first picture (a Blob) and the stream's properties.
async function testSource(body) {
  const answer = await fetch("/api/v1.2/cameras/test", {
    method: "POST", credentials: "same-origin", body: JSON.stringify({ camera: body }),
    headers: { "X-Requested-With": "camvault", "Content-Type": "application/json", Accept: "image/jpeg" },
  });
  if (!answer.ok) {
    let message = `HTTP ${answer.status}`;
    try { message = (await answer.json()).error || message; } catch { /* not JSON */ }
    throw new ApiError(answer.status, message);
  }
  const header = (name) => answer.headers.get(name);
  return { picture: await answer.blob(), encoding: header("X-Source-Encoding"), width: header("X-Source-Width"),
    height: header("X-Source-Height"), fps: header("X-Source-Fps"), ms: header("X-First-Picture-Ms") };
}

function cameraRow(camera, out, reload) {
  const nameId = `camera-name-${camera.id}`;
  const name = h("input", { id: nameId, value: camera.name, "aria-label": `Name of camera ${camera.id}` });
  const patch = async (change, done) => {
    try {
      await api(`/api/v1.2/cameras/${camera.id}`, { method: "PATCH", body: { camera: change } });
      out.replaceChildren(status(done));
      await reload();
    } catch (exc) { out.replaceChildren(status(exc.message, true)); }
  };
  const enabled = h("input", { type: "checkbox", id: `camera-enabled-${camera.id}`, checked: !camera.isIgnored,
    onchange: (e) => patch({ isIgnored: !e.target.checked }, `${camera.name}: ${e.target.checked ? "enabled" : "disabled"}`) });
  const remove = async () => {
    try {
      await api(`/api/v1.2/cameras/${camera.id}`, { method: "DELETE" });
      out.replaceChildren(status(`${camera.name} deleted (its recordings are kept)`));
      await reload();
    } catch (exc) { out.replaceChildren(status(exc.message, true)); }
  };
  return h("tr", { dataset: { cameraId: String(camera.id) } },
    h("td", {}, String(camera.id)),
    h("td", {}, h("form.inline", { onsubmit: (e) => { e.preventDefault(); patch({ name: name.value }, `Renamed to ${name.value.trim()}`); } },
      name, h("button", { type: "submit" }, "Rename"))),
    h("td", {}, h("label", { for: `camera-enabled-${camera.id}` }, enabled, " enabled")),
    h("td", {}, camera.status === 2 ? "delivering" : camera.status === -2 ? "disabled" : "no video"),
    h("td", {}, confirmButton("Delete", `Delete ${camera.name}?`, remove, { id: `camera-delete-${camera.id}` })));
}

function addForm(reload) {
  const out = h("div.out", { id: "add-status", "aria-live": "polite" });
  const preview = h("div.preview", { id: "test-preview" });
  const field = (id, label, input) => h("div.admin-field", {}, h("label", { for: id }, label), input);
  const name = h("input", { id: "add-name", required: true, autocomplete: "off" });
  const source = h("input", { id: "add-source", required: true, placeholder: "rtsp://user:password@host:554/stream",
    autocomplete: "off", spellcheck: false });
  const transport = h("select", { id: "add-transport" }, h("option", { value: "tcp" }, "TCP"), h("option", { value: "udp" }, "UDP"));
  const save = h("button", { type: "button", id: "add-save", disabled: true }, "Save camera");
  let tested = null;                                   // the body that passed the test
  const body = () => ({ name: name.value.trim(), source: source.value.trim(), transport: transport.value });
  const invalidate = () => {
    if (tested && (tested.source !== body().source || tested.transport !== body().transport)) {
      tested = null; save.disabled = true; preview.replaceChildren();
    }
  };
  const test = async (event) => {
    event.preventDefault();
    tested = null; save.disabled = true;
    out.replaceChildren(status("Connecting…"));
    preview.replaceChildren();
    const wanted = body();
    try {
      const result = await testSource(wanted);
      const url = URL.createObjectURL(result.picture);
      const img = h("img", { id: "test-picture", src: url, alt: `First picture of ${wanted.source}`, width: result.width,
        height: result.height, onload: () => URL.revokeObjectURL(url) });
      preview.replaceChildren(img);
      out.replaceChildren(status(`Connected: ${result.encoding} ${result.width}×${result.height}` +
        `${result.fps ? ` at ${result.fps} fps` : ""}, first picture in ${result.ms} ms. Check the picture, then save.`));
      tested = wanted; save.disabled = false;
    } catch (exc) { out.replaceChildren(status(exc.message, true)); }
  };
  save.addEventListener("click", async () => {
    try {
      const camera = await api("/api/v1.2/cameras", { method: "POST", body: { camera: { ...tested, name: body().name } } });
      out.replaceChildren(status(`Camera ${camera.id} (${camera.name}) saved`));
      tested = null; save.disabled = true; preview.replaceChildren();
      name.value = ""; source.value = "";
      await reload();
    } catch (exc) { out.replaceChildren(status(exc.message, true)); }
  });
  for (const input of [source, transport]) input.addEventListener("input", invalidate);
  return h("section.panel", { "aria-labelledby": "add-title" }, h("h2", { id: "add-title" }, "Add an RTSP camera"),
    h("form.admin-form", { onsubmit: test },
      field("add-name", "Name", name), field("add-source", "Source URL", source), field("add-transport", "Transport", transport),
      h("div.admin-actions", {}, h("button", { type: "submit", id: "add-test" }, "Test connection"), save)),
    out, preview);
}

export function camerasTab(panel) {
  let alive = true;
  const out = h("div.out", { id: "cameras-status", "aria-live": "polite" });
  const body = h("tbody", { id: "admin-cameras" });
  const reload = async () => {
    const { cameras } = await api("/api/v1.2/cameras");
    if (alive) body.replaceChildren(...cameras.map((c) => cameraRow(c, out, reload)));
  };
  panel.append(h("section.panel", { "aria-labelledby": "cameras-title" }, h("h2", { id: "cameras-title" }, "Cameras"),
    h("div.scroll", {}, h("table.admin", {}, h("thead", {}, h("tr", {}, ["Id", "Name", "Enabled", "Video", ""].map((t) => h("th", { scope: "col" }, t)))), body)),
    out), addForm(reload));
  reload().catch((exc) => out.replaceChildren(status(exc.message, true)));
  return () => { alive = false; };
}
