// A character's settings page: approving someone by handle (the rest are plain API forms and buttons).
import { api, ApiError, showError } from "./api.js";

export function start() {
  const root = document.querySelector("[data-character-id]");
  const form = document.getElementById("approve");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const handle = form.handle.value.trim().replace(/^@/, "");
    if (!handle) { showError(form, new ApiError(400, { detail: "Type the @handle of someone to approve.", param: "handle" })); return; }
    try {
      await api("PUT", `/api/characters/${root.dataset.characterId}/approvals/${encodeURIComponent(handle)}`);
      window.location.reload();
    } catch (error) {
      showError(form, Object.assign(error, { param: "handle" }));
    }
  });
}
