// The login page: POST /api/session with the name and password; the answer sets the session cookie.
import { session } from "../api.js";
import { h } from "../dom.js";

export function loginPage(root, _params, ctx) {
  const name = h("input", { id: "login-name", name: "username", autocomplete: "username", required: true });
  const password = h("input", { id: "login-password", name: "password", type: "password",
    autocomplete: "current-password", required: true });
  const error = h("p.error", { id: "login-error", role: "alert" });
  const button = h("button", { type: "submit", id: "login-submit" }, "Log in");
  const form = h("form.login", { onsubmit: async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.textContent = "";
    try {
      const answer = await session.login(name.value, password.value);
      ctx.loggedIn(answer.user);
    } catch (exc) {
      error.textContent = exc.message;
      password.select();
    } finally {
      button.disabled = false;
    }
  } },
  h("h1", {}, "camvault"),
  h("label", { for: "login-name" }, "User name"), name,
  h("label", { for: "login-password" }, "Password"), password,
  button, error);
  root.append(h("main.center", { id: "main" }, form));
  name.focus();
}
