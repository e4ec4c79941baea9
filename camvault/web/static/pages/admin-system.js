// Admin > Health, licence and logs, read-only: CamTrace GET /health, GET /license and
// GET /system/logs (all levels, 20 a page, offset 0 = the newest; "Older"/"Newer" page through).
import { api } from "../api.js";
import { h } from "../dom.js";
import { formatTime } from "../time.js";
import { status } from "./admin-common.js";

const PAGE = 20;
const LICENCE_FIELDS = [["license_valid", "Valid"], ["max_video_sources", "Video sources allowed"],
  ["current_video_sources", "Video sources defined"], ["max_metadata_sources", "Metadata sources allowed"],
  ["current_metadata_sources", "Metadata sources defined"], ["active_modules", "Modules"], ["hardware_id", "Hardware id"]];

function text(value) {
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "boolean") return value ? "yes" : "no";
  return value === null || value === undefined ? "—" : String(value);
}

async function health(section) {
  const { health: result } = await api("/api/v1.2/health");
  const items = ["recorder", "cameras", "hardware"].map((part) => h("li", { dataset: { part, ok: String(result[part]) } },
    h("span", { class: result[part] ? "ok" : "bad" }, result[part] ? "OK" : "Problem"), ` ${part}`,
    result.errorDetails[part] ? h("span.note", {}, `: ${JSON.stringify(result.errorDetails[part])}`) : null));
  section.append(h("ul.health", { id: "health" }, items));
}

async function licence(section) {
  const { license: content } = await api("/api/v1.2/license");
  section.append(h("dl.licence", { id: "licence" }, LICENCE_FIELDS.filter(([key]) => key in content)
    .flatMap(([key, label]) => [h("dt", {}, label), h("dd", {}, text(content[key]))])));
}

function logs(section) {
  let offset = 0;
  const body = h("tbody", { id: "system-logs" });
  const where = h("span", { id: "logs-page" });
  const newer = h("button", { type: "button", id: "logs-newer", onclick: () => show(Math.max(0, offset - PAGE)) }, "Newer");
  const older = h("button", { type: "button", id: "logs-older", onclick: () => show(offset + PAGE) }, "Older");
  const out = h("div.out", { "aria-live": "polite" });
  const show = async (start) => {
    try {
      const answer = await api(`/api/v1.2/system/logs?all=true&limit=${PAGE}&offset=${start}`);
      offset = start;
      body.replaceChildren(...answer.systemLogs.map((entry) => h("tr", {},
        h("td", {}, h("time", { datetime: entry.dateTime }, formatTime(entry.dateTime))), h("td", {}, entry.type || "INFO"),
        h("td", {}, entry.name), h("td.event", {}, entry.event))));
      const total = answer.paging.total;
      where.textContent = total ? `${start + 1}–${start + answer.systemLogs.length} of ${total}, newest first` : "No record";
      newer.disabled = start === 0;
      older.disabled = start + PAGE >= total;
      out.replaceChildren();
    } catch (exc) { out.replaceChildren(status(exc.message, true)); }
  };
  section.append(h("div.scroll", {}, h("table.admin.logs", {}, h("thead", {}, h("tr", {},
    ["Time", "Level", "Source", "Event"].map((t) => h("th", { scope: "col" }, t)))), body)),
  h("div.pager", {}, newer, where, older), out);
  return show(0);
}

export function systemTab(panel) {
  const part = (id, title, fill) => {
    const section = h("section.panel", { "aria-labelledby": `${id}-title` }, h("h2", { id: `${id}-title` }, title));
    panel.append(section);
    Promise.resolve().then(() => fill(section)).catch((exc) => section.append(status(exc.message, true)));
  };
  part("health", "Health", health);
  part("licence", "Licence", licence);
  part("logs", "System logs", logs);
  return null;
}
