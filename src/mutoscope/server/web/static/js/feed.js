// The feed: one post per screen (CSS scroll-snap). The visible post plays, the others pause; each post watched
// for a second or more is reported as a view (the wellbeing cards count them); the next page is fetched as HTML
// before the end is reached. Like, share and sound are buttons with pressed states.
import { announce, api } from "./api.js";

const MIN_VIEW_MS = 1000;
let soundOn = false;

export function start() {
  const reel = document.getElementById("reel");
  if (!reel) return;
  reel.tabIndex = 0; // a scrollable region is reachable by keyboard (arrows and Page Down scroll it)
  const watching = new Map();
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const slide = entry.target;
      if (entry.isIntersecting) {
        show(slide, watching);
        if (slide === lastPostSlide(reel)) loadMore(reel, observer);
      } else hide(slide, watching);
    }
  }, { root: reel, threshold: 0.6 });
  bind(reel, observer);
  window.addEventListener("pagehide", () => { for (const slide of [...watching.keys()]) hide(slide, watching); });
}

function bind(root, observer) {
  root.querySelectorAll(".slide:not([data-bound])").forEach((slide) => {
    slide.dataset.bound = "";
    observer.observe(slide);
    const like = slide.querySelector("[data-like]");
    if (like) like.addEventListener("click", () => toggleLike(slide, like));
    const share = slide.querySelector("[data-share]");
    if (share) share.addEventListener("click", () => sharePost(share.dataset.share));
    const sound = slide.querySelector("[data-sound]");
    if (sound) sound.addEventListener("click", () => toggleSound(slide));
  });
}

function lastPostSlide(reel) {
  const slides = reel.querySelectorAll(".slide");
  return slides.length > 1 ? slides[slides.length - 2] : slides[slides.length - 1];
}

function show(slide, watching) {
  const video = slide.querySelector("video");
  if (!video) return;
  watching.set(slide, performance.now());
  video.muted = !soundOn;
  syncSound(slide);
  video.play().catch(() => {}); // autoplay can be refused until the person interacts: the controls remain
}

function hide(slide, watching) {
  const video = slide.querySelector("video");
  if (video) video.pause();
  const since = watching.get(slide);
  if (since === undefined) return;
  watching.delete(slide);
  const watched = Math.round(performance.now() - since);
  if (watched >= MIN_VIEW_MS && slide.dataset.postId) {
    api("POST", "/api/feed/views", { post_id: slide.dataset.postId, watched_ms: Math.min(watched, 3600000) }).catch(() => {});
  }
}

let loading = false;
async function loadMore(reel, observer) {
  const cursor = reel.dataset.next;
  if (!cursor || loading) return;
  loading = true;
  try {
    const params = new URLSearchParams({ tab: reel.dataset.tab, cursor });
    if (reel.dataset.steer) params.set("steer", reel.dataset.steer);
    const response = await fetch(`/feed/page?${params}`, { credentials: "same-origin" });
    if (!response.ok) return;
    reel.dataset.next = response.headers.get("x-next-cursor") || "";
    const holder = document.createElement("template");
    holder.innerHTML = await response.text();
    reel.append(holder.content);
    bind(reel, observer);
  } finally {
    loading = false;
  }
}

async function toggleLike(slide, button) {
  const liked = button.getAttribute("aria-pressed") === "true";
  button.disabled = true;
  try {
    const state = await api(liked ? "DELETE" : "POST", `/api/posts/${slide.dataset.postId}/like`);
    button.setAttribute("aria-pressed", String(state.liked));
    button.querySelector("[data-count]").textContent = state.like_count;
    button.setAttribute("aria-label", `${state.liked ? "Unlike" : "Like"} (${state.like_count} likes)`);
    announce(state.liked ? "Liked" : "Like removed");
  } catch (error) {
    announce(error.message);
  } finally {
    button.disabled = false;
  }
}

export async function sharePost(url) {
  if (navigator.share) {
    try { await navigator.share({ url }); return; } catch (error) { if (error.name === "AbortError") return; }
  }
  try {
    await navigator.clipboard.writeText(url);
    announce("Link copied");
  } catch {
    window.prompt("Copy this link", url);
  }
}

function toggleSound(slide) {
  soundOn = !soundOn;
  const video = slide.querySelector("video");
  if (video) {
    video.muted = !soundOn;
    if (soundOn) video.play().catch(() => {});
  }
  syncSound(slide);
  announce(soundOn ? "Sound on" : "Sound off");
}

function syncSound(slide) {
  const button = slide.querySelector("[data-sound]");
  if (!button) return;
  button.setAttribute("aria-pressed", String(soundOn));
  button.textContent = soundOn ? "Sound on" : "Sound off";
}
