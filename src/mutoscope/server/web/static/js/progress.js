// A generation's live progress: server-sent events from /v1/videos/{id}/events (polling if the stream fails),
// with cancel. When it finishes, the finished video (and the form to post it) or the reason it failed appear.
import { announce, api } from "./api.js";

const LIVE = new Set(["queued", "in_progress"]);

export function start() {
  const root = document.getElementById("job");
  if (!root || !LIVE.has(root.dataset.status)) return;
  const id = root.dataset.videoId;
  let finished = false;
  const update = (video) => {
    if (finished) return;
    render(video);
    if (!LIVE.has(video.status)) { finished = true; source.close(); }
  };
  const source = new EventSource(`/v1/videos/${encodeURIComponent(id)}/events`);
  source.addEventListener("progress", (event) => update(JSON.parse(event.data)));
  source.onerror = () => {
    if (finished) return;
    source.close();
    poll(id, update, () => finished);
  };
  document.getElementById("cancel").addEventListener("click", async (event) => {
    event.currentTarget.disabled = true;
    try {
      update(await api("POST", `/v1/videos/${encodeURIComponent(id)}/cancel`));
    } catch (error) {
      announce(error.message);
      event.currentTarget.disabled = false;
    }
  });
}

async function poll(id, update, isFinished) {
  while (!isFinished()) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    try { update(await api("GET", `/v1/videos/${encodeURIComponent(id)}`)); } catch { /* try again */ }
  }
}

function render(video) {
  const bar = document.getElementById("progress");
  const state = document.getElementById("state");
  bar.value = video.progress;
  bar.textContent = `${video.progress}%`;
  state.textContent = video.status === "queued" ? "Waiting for a worker…" : `${video.progress}% done`;
  const heading = document.querySelector("#job h1");
  if (video.status === "completed") {
    document.getElementById("working").hidden = true;
    const done = document.getElementById("done");
    const player = document.getElementById("result");
    const track = document.createElement("track");
    Object.assign(track, { kind: "subtitles", src: player.dataset.subtitles, srclang: "en", label: "Dialogue", default: true });
    player.append(track);
    player.src = player.dataset.src;
    done.hidden = false;
    heading.textContent = "Your video is ready";
    announce("Your video is ready");
  } else if (video.status === "failed") {
    document.getElementById("working").hidden = true;
    const failed = document.getElementById("failed");
    const error = video.error || { message: "The generation failed.", code: "internal_error" };
    document.getElementById("failure").textContent =
      error.code === "cancelled" ? error.message : `${error.message} (${error.code})`;
    failed.hidden = false;
    heading.textContent = "This generation stopped";
    announce(error.code === "cancelled" ? "Cancelled" : "The generation failed");
  }
}
