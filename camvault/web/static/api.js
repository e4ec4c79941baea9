// camvault's public HTTP APIs, called with the session cookie. Every request sends
// X-Requested-With (required for changes made with the cookie: docs/ref/web.md), which also keeps
// camvault from answering 401 with a Basic challenge (no browser password dialog).
export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

let onUnauthorized = () => {};
export function whenUnauthorized(callback) { onUnauthorized = callback; }

function messageOf(status, body) {
  if (body && typeof body.error === "string") return body.error;                 // CamTrace, session
  if (body && typeof body.detail === "string") return body.detail;               // OAK
  if (body && Array.isArray(body.detail)) return body.detail.map((d) => d.msg).join("; ");
  return `HTTP ${status}`;
}

export async function api(path, { method = "GET", body } = {}) {
  const headers = { "X-Requested-With": "camvault", Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const answer = await fetch(path, {
    method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!answer.ok) {
    if (answer.status === 401 && !path.startsWith("/api/session")) onUnauthorized();
    throw new ApiError(answer.status, messageOf(answer.status, json));
  }
  return json;
}

export const session = {
  current: () => api("/api/session"),
  login: (name, password) => api("/api/session", { method: "POST", body: { name, password } }),
  logout: () => api("/api/session", { method: "DELETE" }),
};
