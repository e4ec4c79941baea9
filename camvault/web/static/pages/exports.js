// Exports: choose cameras and a range (datetime-local inputs, read in the browser's time zone; the
// route #/exports?cameras=1,2&from=<ms>&to=<ms> prefills them, e.g. from the timeline), then create a
// CamTrace export per camera (POST /api/v1.2/exports) or protect the range (POST /api/v1.2/precords).
// The export list (GET /exports, newest first here) is polled every POLL_MS while an export is being
// made, with a progress bar (`p100`) and the download link (`downloadUrl`) once done; an export whose
// progress has not moved for STALL_MS is shown as stalled, with "Retry" (PATCH relaunches a failed
// one). Protected records: the list extension GET /api/v1.2/precords.
import { api } from "../api.js";
import { h } from "../dom.js";
import { formatTime } from "../time.js";

const POLL_MS = 1000;
const STALL_MS = 60_000;
const SHOWN = 20;
const DEFAULT_RANGE_MS = 10 * 60_000;

const pad = (n) => String(n).padStart(2, "0");

// A datetime-local value (local wall time of the browser's zone) for an instant.
export function toLocalInput(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:` +
    `${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// The instant a datetime-local value means in the browser's zone (null when empty or invalid). A wall
// time repeated when clocks go back is read as its first occurrence, one skipped when they go forward
// as the instant after the change (the Date constructor's rule).
export function fromLocalInput(value) {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

// Two labelled datetime-local inputs `<prefix>-from` / `<prefix>-to`; onchange(from, to) with their values.
export function rangeInputs(prefix, fromValue, toValue, onchange) {
  const input = (name, value) => h("input", { id: `${prefix}-${name}`, type: "datetime-local", step: "1", value,
    onchange: () => onchange(from.value, to.value) });
  const from = input("from", fromValue);
  const to = input("to", toValue);
  return [h("label.field", { for: from.id }, "From", from), h("label.field", { for: to.id }, "To", to)];
}

function prefill(query) {
  const args = new URLSearchParams(query || "");
  const number = (name) => (/^\d+$/.test(args.get(name) || "") ? Number(args.get(name)) : null);
  const toMs = number("to") ?? Date.now();
  const fromMs = number("from") ?? toMs - DEFAULT_RANGE_MS;
  const cameras = (args.get("cameras") || "").split(",").filter((c) => /^\d+$/.test(c)).map(Number);
  return { cameras, from: toLocalInput(fromMs), to: toLocalInput(toMs) };
}

function alertOf(exc) { return h("p.error", { role: "alert" }, exc.message); }

function form(cameras, initial, actions) {
  const boxes = cameras.map((c) => h("label.check", { for: `export-camera-${c.id}` },
    h("input", { type: "checkbox", id: `export-camera-${c.id}`, value: String(c.id),
      checked: initial.cameras.includes(c.id) }), c.name));
  const [from, to] = rangeInputs("export", initial.from, initial.to, () => {});
  const type = h("select", { id: "export-type" }, h("option", { value: "r" }, "Regular"), h("option", { value: "a" }, "Alarm"));
  const comment = h("input", { id: "export-comment", maxlength: "2000" });
  const read = () => {
    const ids = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => Number(i.value));
    const range = ["export-from", "export-to"].map((id) => new Date(document.getElementById(id).value));
    if (!ids.length) throw new Error("Choose at least one camera");
    if (range.some((d) => Number.isNaN(d.getTime()))) throw new Error("Enter a start and an end");
    return { ids, from: range[0].toISOString(), to: range[1].toISOString(), type: type.value, comment: comment.value };
  };
  return h("form.panel.export-form", { id: "export-form", "aria-label": "Range", onsubmit: (e) => e.preventDefault() },
    h("fieldset.cameras", {}, h("legend", {}, "Cameras"), boxes),
    h("div.toolbar", {}, from, to,
      h("label.field", { for: "export-type" }, "Recording", type),
      h("label.field", { for: "export-comment" }, "Comment", comment)),
    h("div.toolbar", {},
      h("button", { type: "submit", id: "export-create", onclick: () => actions.create(read) }, "Create export"),
      h("button", { type: "button", id: "protect-create", onclick: () => actions.protect(read) }, "Protect range")));
}

function exportItem(e, name, stalled, retry) {
  const done = e.p100 >= 100;
  const status = e.archived ? "Archived" : done ? `Done · ${(e.size / 1e6).toFixed(2)} MB`
    : stalled ? "Stalled or failed" : `${e.p100} %`;
  return h("li", { dataset: { exportId: String(e.id), p100: String(e.p100) } },
    h("span.what", {}, `${name} · ${formatTime(e.from)} → ${formatTime(e.to)}`, e.comment ? ` · ${e.comment}` : ""),
    h("progress", { max: "100", value: String(e.p100), "aria-label": `Export ${e.id} progress` }),
    h("span.state", {}, status),
    done && !e.archived ? h("a.download", { href: e.downloadUrl, download: `export-${e.id}.zip` }, "Download") : null,
    !done && stalled ? h("button", { type: "button", onclick: () => retry(e) }, "Retry") : null);
}

function precordItem(p, name) {
  return h("li", { dataset: { precordId: String(p.id), cameraId: String(p.cameraId) } },
    `${name} · ${formatTime(p.from)} → ${formatTime(p.to)} · ${p.type === "a" ? "alarm" : "regular"}`,
    p.comment ? ` · ${p.comment}` : "");
}

export function exportsPage(root, params, ctx) {
  if (!["admin", "protection"].includes(ctx?.user?.profile)) {     // the exports API would answer 403
    root.replaceChildren(h("h1", {}, "Exports"),
      h("p.note", { id: "export-status" }, "Exports need the Admin or Protection profile."));
    return null;
  }
  let alive = true;
  let timer = null;
  const names = new Map();
  const seen = new Map();           // export id -> [p100, when it last changed]
  const out = h("div.out", { id: "export-status", "aria-live": "polite" });
  const exportList = h("ul.rows", { id: "exports" });
  const precordList = h("ul.rows", { id: "precords" });
  const name = (id) => names.get(id) || `Camera ${id}`;

  const stalled = (e) => {
    const [p100, since] = seen.get(e.id) || [];
    if (p100 !== e.p100) { seen.set(e.id, [e.p100, Date.now()]); return false; }
    return Date.now() - since > STALL_MS;
  };
  const retry = async (e) => {
    try { await api(`/api/v1.2/exports/${e.id}`, { method: "PATCH" }); seen.delete(e.id); await refreshExports(); }
    catch (exc) { out.replaceChildren(alertOf(exc)); }
  };
  async function refreshExports() {
    clearTimeout(timer);
    const all = (await api("/api/v1.2/exports")).exports.reverse().slice(0, SHOWN);
    if (!alive) return;
    const flags = all.map((e) => !e.archived && e.p100 < 100 && stalled(e));
    exportList.replaceChildren(...all.map((e, i) => exportItem(e, name(e.cameraId), flags[i], retry)));
    if (!all.length) exportList.append(h("li.note", {}, "No export"));
    if (all.some((e, i) => !e.archived && e.p100 < 100 && !flags[i])) timer = setTimeout(poll, POLL_MS);
  }
  function poll() { refreshExports().catch((exc) => alive && out.replaceChildren(alertOf(exc))); }
  async function refreshPrecords() {
    const found = (await api(`/api/v1.2/precords?limit=${SHOWN}`)).precords;
    if (!alive) return;
    precordList.replaceChildren(...found.map((p) => precordItem(p, name(p.cameraId))));
    if (!found.length) precordList.append(h("li.note", {}, "No protected record"));
  }
  const each = async (read, post, refresh, verb) => {
    let asked;
    try { asked = read(); } catch (exc) { out.replaceChildren(alertOf(exc)); return; }
    const lines = [];
    for (const id of asked.ids) {
      try { await post(id, asked); lines.push(h("p.note", { role: "status" }, `${name(id)}: ${verb}`)); }
      catch (exc) { lines.push(h("p.error", { role: "alert" }, `${name(id)}: ${exc.message}`)); }
    }
    out.replaceChildren(...lines);
    await refresh().catch((exc) => out.append(alertOf(exc)));
  };
  const body = (id, a) => ({ cameraId: id, from: a.from, to: a.to, type: a.type, comment: a.comment });
  const actions = {
    create: (read) => each(read, (id, a) => api("/api/v1.2/exports", { method: "POST", body: { export: body(id, a) } }),
      refreshExports, "export created"),
    protect: (read) => each(read, (id, a) => api("/api/v1.2/precords", { method: "POST", body: { precord: body(id, a) } }),
      refreshPrecords, "range protected"),
  };

  root.append(h("h1", {}, "Exports"), h("p.note", {}, "Loading…"));
  api("/api/v1.2/cameras").then(({ cameras }) => {
    if (!alive) return;
    for (const c of cameras) names.set(c.id, c.name);
    root.replaceChildren(h("h1", {}, "Exports"), form(cameras, prefill(params.query), actions), out,
      h("section.panel", { "aria-labelledby": "exports-title" }, h("h2", { id: "exports-title" }, "Exports"), exportList),
      h("section.panel", { "aria-labelledby": "precords-title" },
        h("h2", { id: "precords-title" }, "Protected records"), precordList));
    document.body.dataset.page = "exports";
    poll();
    refreshPrecords().catch((exc) => precordList.replaceChildren(h("li.error", {}, exc.message)));
  }).catch((exc) => { if (alive) root.replaceChildren(alertOf(exc)); });
  return () => { alive = false; clearTimeout(timer); };
}
