// The UI's entry: checks the session, then routes on the URL hash (#/live, #/live/group/<id>,
// #/camera/<id>, #/login). Each page is a function (root, params, ctx) that may return a cleanup.
import { api, session, whenUnauthorized } from "./api.js";
import { h } from "./dom.js";
import { loginPage } from "./pages/login.js";
import { livePage } from "./pages/live.js";
import { cameraPage } from "./pages/camera.js";
import { alarmsPage } from "./pages/alarms.js";
import { exportsPage } from "./pages/exports.js";
import { timelinePage, timelineRoute } from "./pages/timeline.js";
import { adminPage } from "./pages/admin.js";

const ROUTES = [
  [/^#\/live\/group\/(\d+)$/, (m) => ({ page: livePage, params: { group: Number(m[1]) } })],
  [/^#\/live$/, () => ({ page: livePage, params: {} })],
  [/^#\/camera\/(\d+)$/, (m) => ({ page: cameraPage, params: { id: Number(m[1]) } })],
  [/^#\/alarms$/, () => ({ page: alarmsPage, params: {} })],
  [/^#\/exports(?:\?(.*))?$/, (m) => ({ page: exportsPage, params: { query: m[1] || "" } })],
  [/^#\/timeline(?:\/([\d,]*)(?:@(\d+))?)?$/, (m) => ({ page: timelinePage, params: timelineRoute(m) })],
  [/^#\/admin(?:\/(cameras|users|system))?$/, (m) => ({ page: adminPage, params: { tab: m[1] || "cameras" } })],
];

const ctx = { user: null };
const EXPORTERS = ["admin", "protection"];          // profiles the CamTrace exports API serves
let cleanup = null;

function resolve(hash) {
  for (const [pattern, make] of ROUTES) {
    const match = pattern.exec(hash);
    if (match) return make(match);
  }
  return null;
}

function header() {
  const logout = h("button.link", { type: "button", onclick: async () => {
    try { await session.logout(); } finally { ctx.user = null; location.hash = "#/login"; render(); }
  } }, "Log out");
  return h("header.bar", {},
    h("a.brand", { href: "#/live" }, "camvault"),
    h("nav", { "aria-label": "Pages" }, h("a", { href: "#/live", id: "nav-live" }, "Live"),
      h("a", { href: "#/timeline", id: "nav-timeline" }, "Timeline"),
      h("a", { href: "#/alarms", id: "nav-alarms" }, "Alarms"),
      EXPORTERS.includes(ctx.user.profile) ? h("a", { href: "#/exports", id: "nav-exports" }, "Exports") : null,
      ctx.user.profile === "admin" ? h("a", { href: "#/admin", id: "nav-admin" }, "Admin") : null),
    h("span.spacer"),
    h("span.who", { id: "who" }, `${ctx.user.name} (${ctx.user.profile})`),
    logout);
}

async function render() {
  if (cleanup) { cleanup(); cleanup = null; }
  const app = document.getElementById("app");
  app.replaceChildren();
  document.body.dataset.page = "";
  if (!ctx.user || location.hash === "#/login") {
    if (ctx.user) { location.hash = "#/live"; return; }
    document.body.dataset.page = "login";
    cleanup = loginPage(app, {}, { ...ctx, loggedIn });
    return;
  }
  const route = resolve(location.hash);
  if (!route) { location.hash = "#/live"; return; }
  const main = h("main", { id: "main", tabindex: "-1" });
  app.append(header(), main);
  for (const link of app.querySelectorAll("nav a")) {
    if (location.hash.startsWith(link.getAttribute("href"))) link.setAttribute("aria-current", "page");
  }
  cleanup = route.page(main, route.params, ctx) || null;
}

function loggedIn(user) {
  ctx.user = user;
  if (!location.hash || location.hash === "#/login") location.hash = "#/live";
  else render();
}

async function boot() {
  whenUnauthorized(() => { ctx.user = null; render(); });
  try { ctx.user = (await session.current()).user; } catch { ctx.user = null; }
  window.addEventListener("hashchange", render);
  await render();
  document.body.dataset.ready = "true";
}

export { api };
boot();
