// Every page: bind API forms and buttons, sign-out, local times, and load the page's own module (data-module).
import { api, bindButton, bindForm } from "./api.js";

function localTimes() {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  document.querySelectorAll("time[datetime]").forEach((node) => {
    const moment = new Date(node.getAttribute("datetime"));
    if (!Number.isNaN(moment.valueOf())) node.textContent = format.format(moment);
  });
}

function start() {
  document.querySelectorAll("form[data-api]:not([data-manual])").forEach((form) => bindForm(form));
  document.querySelectorAll("button[data-api]").forEach((button) => bindButton(button));
  document.querySelectorAll("[data-signout]").forEach((button) =>
    button.addEventListener("click", async () => {
      await api("POST", "/api/auth/logout");
      window.location.assign("/signin");
    }),
  );
  localTimes();
  const modules = new Set([...document.querySelectorAll("[data-module]")].map((node) => node.dataset.module));
  modules.forEach((name) => import(`./${name}.js`).then((module) => module.start && module.start()));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
