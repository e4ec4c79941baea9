// Small pieces shared by the Admin tabs: status lines and a two-step (inline) confirmation.
import { h } from "../dom.js";

export function status(text, isError = false) {
  return h(isError ? "p.error" : "p.note", { role: isError ? "alert" : "status" }, text);
}

// A button that asks "Sure?" in place (Yes / Cancel) before running `action`.
export function confirmButton(label, question, action, attrs = {}) {
  const box = h("span.confirm", {});
  const ask = () => {
    const yes = h("button.danger", { type: "button", dataset: { confirm: "yes" }, onclick: action }, `Yes, ${label.toLowerCase()}`);
    box.replaceChildren(h("span", { role: "alert" }, question), yes,
      h("button", { type: "button", onclick: reset }, "Cancel"));
    yes.focus();
  };
  const reset = () => box.replaceChildren(h("button", { type: "button", ...attrs, onclick: ask }, label));
  reset();
  return box;
}
