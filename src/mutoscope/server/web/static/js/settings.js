// Settings: create an API key (its secret is shown once), copy invite links, describe the export.
import { announce, api, bindForm } from "./api.js";

async function copy(text) {
  try { await navigator.clipboard.writeText(text); announce("Copied"); } catch { window.prompt("Copy this", text); }
}

export function start() {
  const form = document.getElementById("new-key");
  bindForm(form, {
    after(key) {
      document.getElementById("secret-value").textContent = key.secret;
      const box = document.getElementById("new-secret");
      box.hidden = false;
      box.querySelector("button").focus();
      form.reset();
      return false;
    },
  });
  document.getElementById("copy-secret").addEventListener("click", () => copy(document.getElementById("secret-value").textContent));
  document.querySelectorAll("[data-copy]").forEach((button) =>
    button.addEventListener("click", () => copy(new URL(button.dataset.copy, window.location.origin).href)));
  document.getElementById("describe-export").addEventListener("click", async () => {
    const summary = document.getElementById("export-summary");
    try {
      const plan = await api("POST", "/api/me/export");
      const mib = (plan.media_bytes / 1048576).toFixed(1);
      summary.textContent = `${plan.video_count} videos, ${plan.file_count} files, about ${mib} MiB: ${plan.filename}`;
    } catch (error) {
      summary.textContent = error.message;
    }
  });
}
