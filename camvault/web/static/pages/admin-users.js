// Admin > Users and rights: the users (extension GET /api/v1.2/users), creating one with a profile
// and camera rights (POST /users), and replacing a user's camera rights (PUT /users/<id>/cameras).
// A right is {id, playLive, playRecords, ptz}; a camera with no box ticked gets no right (unseen).
import { api } from "../api.js";
import { h } from "../dom.js";
import { status } from "./admin-common.js";

const PROFILES = ["consult", "monitor", "protection", "admin"];
const KINDS = [["playLive", "Live"], ["playRecords", "Records"], ["ptz", "PTZ"]];

// A table of checkboxes, one row per camera; `.rights()` reads the ticked rights back.
function rightsGrid(prefix, cameras, rights) {
  const byId = new Map(rights.map((r) => [r.id, r]));
  const rows = cameras.map((camera) => h("tr", { dataset: { cameraId: String(camera.id) } },
    h("th", { scope: "row" }, camera.name),
    KINDS.map(([kind, label]) => h("td", {}, h("input", { type: "checkbox", id: `${prefix}-${camera.id}-${kind}`,
      "aria-label": `${label} on ${camera.name}`, checked: Boolean(byId.get(camera.id)?.[kind]) })))));
  const table = h("table.admin.rights", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Camera"),
    KINDS.map(([, label]) => h("th", { scope: "col" }, label)))), h("tbody", {}, rows));
  table.rights = () => cameras.map((camera) => {
    const right = { id: camera.id };
    for (const [kind] of KINDS) right[kind] = table.querySelector(`#${prefix}-${camera.id}-${kind}`).checked;
    return right;
  }).filter((r) => KINDS.some(([kind]) => r[kind]));
  return table;
}

function summary(user, names) {
  if (user.admin) return "every camera (admin)";
  if (!user.cameras.length) return "no camera";
  return user.cameras.map((r) => `${names.get(r.id) ?? r.id} (${KINDS.filter(([k]) => r[k]).map(([, l]) => l).join(", ") || "see"})`).join("; ");
}

function editor(user, cameras, out, reload) {
  if (user.admin) return h("p.note", {}, `${user.name} has the Admin profile: every camera, every right.`);
  const grid = rightsGrid(`edit-${user.id}`, cameras, user.cameras);
  const save = async () => {
    try {
      await api(`/api/v1.2/users/${user.id}/cameras`, { method: "PUT", body: { cameras: grid.rights() } });
      out.replaceChildren(status(`Rights of ${user.name} saved`));
      await reload(user.id);
    } catch (exc) { out.replaceChildren(status(exc.message, true)); }
  };
  return h("div.editor", { id: "rights-editor" }, h("h3", {}, `Camera rights of ${user.name}`),
    h("div.scroll", {}, grid), h("button", { type: "button", id: "rights-save", onclick: save }, "Save rights"));
}

function createForm(cameras, out, reload) {
  const field = (id, label, input) => h("div.admin-field", {}, h("label", { for: id }, label), input);
  const name = h("input", { id: "user-name", required: true, autocomplete: "off" });
  const password = h("input", { id: "user-password", type: "password", required: true, autocomplete: "new-password" });
  const profile = h("select", { id: "user-profile" }, PROFILES.map((p) => h("option", { value: p }, p)));
  const grid = rightsGrid("new", cameras, []);
  const submit = async (event) => {
    event.preventDefault();
    try {
      const user = await api("/api/v1.2/users", { method: "POST", body: { user: {
        name: name.value.trim(), password: password.value, profile: profile.value, cameras: grid.rights() } } });
      out.replaceChildren(status(`User ${user.name} (${user.profile}) created`));
      await reload(user.id);
    } catch (exc) { out.replaceChildren(status(exc.message, true)); }
  };
  return h("section.panel", { "aria-labelledby": "new-user-title" }, h("h2", { id: "new-user-title" }, "Create a user"),
    h("form.admin-form", { onsubmit: submit }, field("user-name", "Name", name), field("user-password", "Password", password),
      field("user-profile", "Profile", profile), h("div.scroll", {}, grid),
      h("div.admin-actions", {}, h("button", { type: "submit", id: "user-create" }, "Create user"))));
}

export function usersTab(panel) {
  let alive = true;
  const out = h("div.out", { id: "users-status", "aria-live": "polite" });
  const load = async (selected = null) => {
    const [{ users }, { cameras }] = await Promise.all([api("/api/v1.2/users"), api("/api/v1.2/cameras")]);
    if (!alive) return;
    const names = new Map(cameras.map((c) => [c.id, c.name]));
    const edit = h("div", { id: "rights-slot" });
    const choose = (user) => {
      edit.replaceChildren(editor(user, cameras, out, load));
      for (const row of list.querySelectorAll("tr[data-user-id]")) row.classList.toggle("chosen", row.dataset.userId === String(user.id));
    };
    const list = h("tbody", { id: "admin-users" }, users.map((user) => h("tr", { dataset: { userId: String(user.id), userName: user.name } },
      h("td", {}, user.name), h("td", {}, user.profile), h("td", {}, summary(user, names)),
      h("td", {}, h("button", { type: "button", id: `user-edit-${user.id}`, onclick: () => choose(user) }, "Rights")))));
    panel.replaceChildren(h("section.panel", { "aria-labelledby": "users-title" }, h("h2", { id: "users-title" }, "Users"),
      h("div.scroll", {}, h("table.admin", {}, h("thead", {}, h("tr", {}, ["Name", "Profile", "Cameras", ""].map((t) => h("th", { scope: "col" }, t)))), list)),
      out, edit), createForm(cameras, out, load));
    const chosen = users.find((u) => u.id === selected);
    if (chosen) choose(chosen);
  };
  panel.append(h("p.note", {}, "Loading…"));
  load().catch((exc) => panel.replaceChildren(status(exc.message, true)));
  return () => { alive = false; };
}
