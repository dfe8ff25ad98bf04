// Sign-up: joined → into the app; waitlisted (202) → say so, and why the invite code did not apply.
import { bindForm } from "./api.js";

export function start() {
  const form = document.getElementById("signup");
  const waitlisted = document.getElementById("waitlisted");
  bindForm(form, {
    after(data) {
      if (data.status === "active") { window.location.assign("/"); return false; }
      form.hidden = true;
      waitlisted.hidden = false;
      waitlisted.textContent = `${data.detail} When an admin lets you in, you will get an invite code that works with this email.`;
      waitlisted.focus();
      return false;
    },
  });
}
