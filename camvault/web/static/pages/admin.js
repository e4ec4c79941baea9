// Admin (Admin profile only; others get a "not allowed" note): tabs Cameras (admin-cameras.js),
// Users and rights (admin-users.js), Health, licence and logs (admin-system.js). Routes #/admin,
// #/admin/cameras, #/admin/users, #/admin/system. Rights are enforced by the APIs; the tabs only
// call them (docs/ref/web.md "Admin").
import { h } from "../dom.js";
import { camerasTab } from "./admin-cameras.js";
import { usersTab } from "./admin-users.js";
import { systemTab } from "./admin-system.js";

const TABS = [["cameras", "Cameras", camerasTab], ["users", "Users and rights", usersTab],
  ["system", "Health, licence and logs", systemTab]];

function tabList(current) {
  const list = h("div.admin-tabs", { role: "tablist", "aria-label": "Admin sections" },
    TABS.map(([key, label]) => h("a", { role: "tab", id: `tab-${key}`, href: `#/admin/${key}`,
      "aria-selected": String(key === current), "aria-controls": "admin-panel",
      tabindex: key === current ? "0" : "-1" }, label)));
  list.addEventListener("keydown", (event) => {            // arrow keys move between tabs
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const index = TABS.findIndex(([key]) => key === current);
    location.hash = `#/admin/${TABS[(index + step + TABS.length) % TABS.length][0]}`;
  });
  return list;
}

export function adminPage(root, params, ctx) {
  document.body.dataset.page = "admin";
  if (!ctx.user || ctx.user.profile !== "admin") {
    root.append(h("h1", {}, "Admin"), h("p.error", { id: "admin-forbidden", role: "alert" },
      "Not allowed: the Admin page is for users with the Admin profile."));
    return null;
  }
  const current = params.tab || "cameras";
  const [, label, build] = TABS.find(([key]) => key === current);
  const panel = h("section.admin-panel", { id: "admin-panel", role: "tabpanel", "aria-labelledby": `tab-${current}` });
  root.append(h("h1", {}, "Admin"), tabList(current), panel);
  const cleanup = build(panel, ctx);
  panel.dataset.tab = current;
  panel.setAttribute("aria-label", label);
  if (location.hash.startsWith("#/admin/")) document.getElementById(`tab-${current}`).focus();
  return cleanup || null;
}
