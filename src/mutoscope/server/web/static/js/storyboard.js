// Storyboard: add, remove, reorder and time shots (each with its own prompt), then one generation from them.
import { api, ApiError, clearErrors, showError } from "./api.js";
import { limitCharacters } from "./create.js";

const MAX_SHOTS = 12;
const MAX_TOTAL_S = 20;
let counter = 0;

export function start() {
  const form = document.getElementById("storyboard");
  const list = document.getElementById("shots");
  const add = document.getElementById("add-shot");
  limitCharacters(form);
  add.addEventListener("click", () => { addShot(list, "", 3).querySelector("textarea").focus(); refresh(list); });
  list.addEventListener("input", () => refresh(list));
  addShot(list, "", 4);
  addShot(list, "", 4);
  refresh(list);
  form.addEventListener("submit", (event) => { event.preventDefault(); submit(form, list); });
}

function addShot(list, prompt, seconds) {
  const node = document.getElementById("shot-template").content.firstElementChild.cloneNode(true);
  const id = ++counter;
  for (const field of node.querySelectorAll("[data-field]")) {
    field.id = `shot-${id}-${field.dataset.field}`;
    node.querySelector(`[data-for="${field.dataset.field}"]`).htmlFor = field.id;
  }
  node.querySelector('[data-field="prompt"]').value = prompt;
  node.querySelector('[data-field="seconds"]').value = seconds;
  node.querySelector("[data-remove]").addEventListener("click", () => move(list, node, 0));
  node.querySelector("[data-up]").addEventListener("click", () => move(list, node, -1));
  node.querySelector("[data-down]").addEventListener("click", () => move(list, node, 1));
  list.append(node);
  return node;
}

function move(list, node, step) {
  if (step === 0) {
    const next = node.nextElementSibling || node.previousElementSibling;
    node.remove();
    if (next) next.querySelector("textarea").focus();
  } else if (step < 0 && node.previousElementSibling) {
    list.insertBefore(node, node.previousElementSibling);
  } else if (step > 0 && node.nextElementSibling) {
    list.insertBefore(node.nextElementSibling, node);
  }
  refresh(list);
  if (step !== 0) node.querySelector(step < 0 ? "[data-up]" : "[data-down]").focus();
}

function shots(list) {
  return [...list.children].map((node) => ({
    prompt: node.querySelector('[data-field="prompt"]').value.trim(),
    seconds: Number(node.querySelector('[data-field="seconds"]').value),
  }));
}

function refresh(list) {
  const items = shots(list);
  const total = items.reduce((sum, shot) => sum + (Number.isFinite(shot.seconds) ? shot.seconds : 0), 0);
  [...list.children].forEach((node, index) => {
    node.querySelector("h3").textContent = `Shot ${index + 1}`;
    node.querySelector("[data-up]").disabled = index === 0;
    node.querySelector("[data-down]").disabled = index === list.children.length - 1;
    node.querySelector("[data-up]").setAttribute("aria-label", `Move shot ${index + 1} up`);
    node.querySelector("[data-down]").setAttribute("aria-label", `Move shot ${index + 1} down`);
    node.querySelector("[data-remove]").setAttribute("aria-label", `Remove shot ${index + 1}`);
  });
  const timeline = document.getElementById("timeline");
  timeline.replaceChildren(...items.map((shot, index) => {
    const span = document.createElement("span");
    span.style.flexGrow = String(Math.max(shot.seconds || 0, 0.1));
    span.textContent = `${index + 1} · ${shot.seconds || 0}s`;
    return span;
  }));
  const note = document.getElementById("total");
  note.textContent = `${items.length} shot${items.length === 1 ? "" : "s"}, ${total} seconds in all` +
    (total > MAX_TOTAL_S ? ` — more than ${MAX_TOTAL_S} s: shorten a shot` : "");
  document.getElementById("add-shot").disabled = items.length >= MAX_SHOTS;
}

async function submit(form, list) {
  clearErrors(form);
  const items = shots(list);
  const empty = items.findIndex((shot) => !shot.prompt);
  if (!items.length || empty >= 0) {
    const where = empty >= 0 ? list.children[empty].querySelector("textarea") : document.getElementById("add-shot");
    showError(form, new ApiError(400, { detail: items.length ? `Shot ${empty + 1} needs a prompt.` : "Add a shot first." }));
    where.focus();
    return;
  }
  const body = { shots: items, model: form.model.value, size: form.size.value };
  if (form.prompt.value.trim()) body.prompt = form.prompt.value.trim();
  if (form.style.value) body.style = form.style.value;
  const characters = [...form.querySelectorAll('input[name="characters[][id]"]:checked')].map((box) => ({ id: box.value }));
  if (characters.length) body.characters = characters;
  const button = form.querySelector('[type="submit"]');
  button.disabled = true;
  try {
    const video = await api("POST", "/v1/videos", body);
    window.location.assign(`/videos/${encodeURIComponent(video.id)}`);
  } catch (error) {
    showError(form, error);
    button.disabled = false;
  }
}
