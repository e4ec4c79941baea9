// Live: a grid of the cameras the user may see (CamTrace GET /cameras), each an MJPEG tile of its
// lowest-quality stream (PUSH HTTP /live/view/X.Y); layouts 1/4/9/16 with pages; a tile enlarges on
// click, Enter or Space (Escape or the same again shrinks it) and then shows the best stream.
// A CamTrace mosaic (GET /api/v1/groups) shows as the server-composed /m?group=<id>, which
// follows the mosaic's cycle and overrides.
import { api } from "../api.js";
import { activate, h, stopImages } from "../dom.js";

const LAYOUTS = [1, 4, 9, 16];
const state = { layout: 4, page: 0 };        // kept while the UI is open

export function liveStream(camera, best = false) {
  const order = best ? ["hdStream", "mdStream", "ldStream"] : ["ldStream", "mdStream", "hdStream"];
  const path = order.map((key) => camera[key]).find((p) => p);
  return path || null;
}

function tile(camera, onToggle) {
  const path = liveStream(camera);
  const body = !camera.playLiveAllowed ? h("p.note", {}, "No live right")
    : camera.isIgnored ? h("p.note", {}, "Disabled")
    : !path ? h("p.note", {}, "No stream")
    : h("img", { src: path, alt: `${camera.name} live`, dataset: { live: "" } });
  const el = h("figure.tile", { tabindex: "0", role: "button", "aria-label": `${camera.name}: enlarge`,
    "aria-pressed": "false", dataset: { cameraId: String(camera.id) } },
  body,
  h("figcaption", {}, h("span", {}, camera.name),
    h("a", { href: `#/camera/${camera.id}`, onclick: (e) => e.stopPropagation(),
      onkeydown: (e) => e.stopPropagation() }, "Camera page")));
  activate(el, () => onToggle(el, camera));
  return el;
}

function toolbar(groups, current, rerender) {
  const layouts = h("div.group", { role: "group", "aria-label": "Layout" },
    LAYOUTS.map((n) => h("button", { type: "button", "aria-pressed": String(!current && state.layout === n),
      dataset: { layout: String(n) }, onclick: () => {
        state.layout = n; state.page = 0;
        if (current) location.hash = "#/live"; else rerender();
      } }, String(n))));
  const select = h("select", { id: "mosaic", onchange: () => {
    location.hash = select.value ? `#/live/group/${select.value}` : "#/live";
  } }, h("option", { value: "" }, "Cameras"),
  groups.map((g) => h("option", { value: String(g.id), selected: g.id === current }, g.name)));
  return h("div.toolbar", {}, layouts, h("label", { for: "mosaic" }, "Mosaic"), select);
}

function showMosaic(root, group) {
  const frame = h("div.mosaic", {});
  root.append(frame);
  const width = Math.min(1920, Math.max(64, Math.floor(frame.clientWidth * devicePixelRatio / 2) * 2));
  const height = Math.max(64, Math.floor(width * 9 / 16 / 2) * 2);
  frame.append(h("img", { id: "mosaic-picture", src: `/m?group=${group}&width=${width}&height=${height}`,
    alt: "Mosaic", dataset: { live: "" } }));
}

function showGrid(root, cameras, rerender) {
  const pages = Math.max(1, Math.ceil(cameras.length / state.layout));
  state.page = Math.min(state.page, pages - 1);
  const shown = cameras.slice(state.page * state.layout, (state.page + 1) * state.layout);
  const grid = h("div.grid", { id: "grid", style: `--cols: ${Math.sqrt(state.layout)}` });
  const toggle = (el, camera) => {
    const enlarge = !grid.classList.contains("enlarged");
    grid.classList.toggle("enlarged", enlarge);
    el.classList.toggle("big", enlarge);
    el.setAttribute("aria-pressed", String(enlarge));
    el.setAttribute("aria-label", `${camera.name}: ${enlarge ? "back to the grid" : "enlarge"}`);
    const img = el.querySelector("img");
    const path = enlarge ? liveStream(camera, true) : liveStream(camera);
    if (img && path && !img.src.endsWith(path)) img.src = path;
  };
  grid.addEventListener("keydown", (event) => {
    const big = grid.querySelector(".tile.big");
    if (event.key === "Escape" && big) big.click();
  });
  grid.append(...shown.map((camera) => tile(camera, toggle)));
  if (!cameras.length) grid.append(h("p.note", {}, "No camera to show"));
  root.append(grid);
  if (pages > 1) {
    root.append(h("div.pager", {},
      h("button", { type: "button", disabled: state.page === 0, onclick: () => { state.page -= 1; rerender(); } },
        "Previous"),
      h("span", {}, `Page ${state.page + 1} of ${pages}`),
      h("button", { type: "button", disabled: state.page >= pages - 1,
        onclick: () => { state.page += 1; rerender(); } }, "Next")));
  }
}

export function livePage(root, params) {
  let alive = true;
  const load = async () => {
    const [cameras, groups] = await Promise.all([api("/api/v1.2/cameras"), api("/api/v1/groups")]);
    return [cameras.cameras, groups.groups];
  };
  const draw = ([cameras, groups]) => {
    if (!alive) return;
    stopImages(root);
    root.replaceChildren(h("h1.sr-only", {}, "Live"));
    const rerender = () => draw([cameras, groups]);
    root.append(toolbar(groups, params.group ?? null, rerender));
    if (params.group !== undefined) showMosaic(root, params.group);
    else showGrid(root, cameras, rerender);
    document.body.dataset.page = "live";
  };
  root.append(h("p.note", {}, "Loading…"));
  load().then(draw).catch((exc) => { if (alive) root.replaceChildren(h("p.error", { role: "alert" }, exc.message)); });
  return () => { alive = false; stopImages(root); };
}
