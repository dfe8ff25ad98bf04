// Opening the notifications page marks them read (the list still shows which were new this time).
import { api } from "./api.js";

export function start() {
  const root = document.querySelector('[data-module="notifications"]');
  if (root && Number(root.dataset.unread) > 0) {
    api("POST", "/api/notifications/read", { all: true }).then(() => {
      document.querySelectorAll(".badge").forEach((badge) => badge.remove());
    }).catch(() => {});
  }
}
