// Talking to mutoscope's JSON API from pages: the session cookie authenticates, the CSRF token from the page's
// <meta> goes with every unsafe request, and problem+json errors become ApiError with the field at fault.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `Request failed (${status})`);
    this.status = status;
    this.param = problem.param || null;
    this.code = problem.code || null;
  }
}

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

export async function api(method, url, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken();
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : null;
  if (!response.ok) {
    const problem = data && data.error ? { detail: data.error.message, param: data.error.param, code: data.error.code } : data || {};
    throw new ApiError(response.status, problem);
  }
  return data;
}

export function announce(text) {
  const region = document.getElementById("announcer");
  if (region) { region.textContent = ""; setTimeout(() => { region.textContent = text; }, 30); }
}

// Show an error next to the field it names (or at the top of the form), and move focus there.
export function showError(form, error) {
  clearErrors(form);
  const name = error.param ? String(error.param).split(/[.[]/)[0] : null;
  const field = name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
  const message = document.createElement("p");
  message.className = field ? "field-error" : "notice error";
  message.setAttribute("role", "alert");
  message.dataset.error = "";
  message.textContent = error.message;
  if (field) {
    message.id = `${field.id || name}-error`;
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", message.id);
    (field.closest("label + *") ? field : field).insertAdjacentElement("afterend", message);
    field.focus();
  } else {
    form.prepend(message);
  }
}

export function clearErrors(form) {
  form.querySelectorAll("[data-error]").forEach((node) => node.remove());
  form.querySelectorAll('[aria-invalid="true"]').forEach((node) => {
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-describedby");
  });
}

// The fields of a form as the API wants them: JSON (strings; data-json="bool|number|lines|flag:on:off" converts)
// or multipart (empty file inputs left out, so an unused "image" field is not an empty upload).
export function formBody(form) {
  const data = new FormData(form);
  data.delete("csrf_token");
  if (form.dataset.encoding === "multipart") {
    for (const [key, value] of [...data.entries()]) {
      if (value instanceof File && !value.name && value.size === 0) data.delete(key);
      else if (value === "" && form.elements[key] && form.elements[key].dataset.optional !== undefined) data.delete(key);
    }
    return data;
  }
  const body = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled || element.name === "csrf_token") continue;
    const kind = element.dataset.json;
    if (element.type === "checkbox") {
      if (kind === "bool") body[element.name] = element.checked;
      else if (kind && kind.startsWith("flag:")) body[element.name] = kind.split(":")[element.checked ? 1 : 2];
      else if (element.checked) (body[element.name] ||= []).push(element.value);
      continue;
    }
    if (element.type === "radio" && !element.checked) continue;
    let value = element.value;
    if (value === "" && element.dataset.optional !== undefined) continue;
    if (kind === "number") value = Number(value);
    if (kind === "lines") value = value.split("\n").map((line) => line.trim()).filter(Boolean);
    body[element.name] = value;
  }
  return body;
}

function fill(template, data) {
  return template.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(data && data[key] != null ? data[key] : ""));
}

// <form data-api="/api/..." [data-method] [data-encoding=multipart] [data-redirect="/videos/{id}"] [data-reload]
//  [data-success="Saved"]>: submitted with fetch; errors shown in place.
export function bindForm(form, { before, after } = {}) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submit = form.querySelector('[type="submit"]');
    clearErrors(form);
    let body = formBody(form);
    if (before) {
      try { body = before(body); } catch (error) { showError(form, error); return; }
    }
    if (submit) submit.disabled = true;
    try {
      const data = await api((form.dataset.method || "POST").toUpperCase(), fill(form.dataset.api, {}), body);
      if (after && (await after(data)) === false) return;
      if (form.dataset.redirect) { window.location.assign(fill(form.dataset.redirect, data)); return; }
      if (form.dataset.reload !== undefined) { window.location.reload(); return; }
      if (form.dataset.success) {
        const note = document.createElement("p");
        note.className = "notice ok";
        note.setAttribute("role", "status");
        note.dataset.error = "";
        note.textContent = form.dataset.success;
        form.append(note);
      }
    } catch (error) {
      showError(form, error instanceof ApiError ? error : new ApiError(0, { detail: String(error.message || error) }));
    } finally {
      if (submit) submit.disabled = false;
    }
  });
}

// <button data-api="/api/..." data-method="DELETE" [data-confirm="Sure?"] [data-then="reload|remove|/path"]>
export function bindButton(button) {
  button.addEventListener("click", async () => {
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    button.disabled = true;
    try {
      const body = button.dataset.body ? JSON.parse(button.dataset.body) : undefined;
      const data = await api((button.dataset.method || "POST").toUpperCase(), button.dataset.api, body);
      const then = button.dataset.then || "reload";
      if (then === "reload") window.location.reload();
      else if (then === "remove") {
        const item = button.closest("[data-item]");
        announce(button.dataset.done || "Done");
        if (item) item.remove();
      } else window.location.assign(fill(then, data));
    } catch (error) {
      button.disabled = false;
      const holder = button.closest("[data-item]") || button.parentElement;
      const note = document.createElement("p");
      note.className = "notice error";
      note.setAttribute("role", "alert");
      note.textContent = error.message;
      holder.append(note);
    }
  });
}
