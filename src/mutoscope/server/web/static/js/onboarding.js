// Character onboarding. A person: ask for a fresh liveness challenge, record camera + microphone while showing
// each digit and head-turn prompt at its scheduled moment (measured from the start of the recording), upload,
// and show the verdict with its reasons. The preview is mirrored, so turn prompts are mirrored too: the
// challenge names directions as seen in the recorded video. Pets, objects and illustrations: a clip upload.
import { announce, api, ApiError, clearErrors, showError } from "./api.js";

const MIRRORED = { left: "Turn your head → to the right", right: "Turn your head ← to the left", up: "Look up ↑" };
const TAIL_S = 0.6; // recorded past the challenge's minimum, so the last turn is complete
let stream = null;

export function start() {
  document.querySelectorAll('input[name="what"]').forEach((radio) =>
    radio.addEventListener("change", () => {
      const person = document.querySelector('input[name="what"]:checked').value === "person";
      document.getElementById("person").hidden = !person;
      document.getElementById("thing").hidden = person;
    }),
  );
  document.getElementById("preview").addEventListener("click", () => openCamera().catch(cameraError));
  const form = document.getElementById("person-form");
  form.addEventListener("submit", (event) => { event.preventDefault(); record(form); });
}

async function openCamera() {
  stopCamera();
  stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" },
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const video = document.getElementById("camera");
  video.srcObject = stream;
  document.getElementById("stage").hidden = false;
  video.play().catch(() => {}); // not awaited: the recording starts as soon as the stream is there
  return stream;
}

function stopCamera() {
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
}

function cameraError(error) {
  status(`Your camera or microphone could not be opened: ${error.message}. Allow them for this site and try again.`);
}

function status(text) {
  document.getElementById("onboarding-status").textContent = text;
}

async function record(form) {
  clearErrors(form);
  if (!form.name.value.trim()) {
    showError(form, new ApiError(400, { detail: "Give your character a name.", param: "name" }));
    return;
  }
  const button = document.getElementById("record");
  button.disabled = true;
  document.getElementById("onboarding-result").replaceChildren();
  try {
    const challenge = await api("POST", "/api/characters/challenges");
    await openCamera(); // a fresh stream, so the recording starts with the challenge
    const blob = await perform(challenge);
    status("Checking your recording… this takes a few seconds.");
    document.getElementById("stage").hidden = true;
    const body = new FormData();
    body.append("challenge_id", challenge.id);
    body.append("name", form.name.value.trim());
    if (form.handle.value.trim()) body.append("handle", form.handle.value.trim().replace(/^@/, ""));
    body.append("video", blob, blob.type.includes("mp4") ? "recording.mp4" : "recording.webm");
    const character = await api("POST", "/api/characters/person", body);
    status("");
    showResult(true, `Verified: ${character.name} (@${character.handle}) is ready. Only you can use it until you share it.`, character);
  } catch (error) {
    status("");
    if (error instanceof ApiError) showResult(false, error.message);
    else cameraError(error);
  } finally {
    stopCamera();
    document.getElementById("stage").hidden = true;
    button.disabled = false;
  }
}

function perform(challenge) {
  const types = ["video/webm;codecs=vp8,opus", "video/webm", "video/mp4"];
  const mimeType = types.find((type) => window.MediaRecorder && MediaRecorder.isTypeSupported(type)) || "";
  const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
  const chunks = [];
  recorder.ondataavailable = (event) => { if (event.data.size) chunks.push(event.data); };
  const digit = document.getElementById("digit");
  const turn = document.getElementById("turn");
  const countdown = document.getElementById("countdown");
  const stage = document.getElementById("stage");
  stage.classList.add("recording"); // full screen while recording, so the prompts are always in view
  stage.scrollIntoView({ block: "center" });
  const total = challenge.min_recording_s + TAIL_S;
  return new Promise((resolve, reject) => {
    recorder.onerror = (event) => reject(event.error || new Error("recording failed"));
    recorder.onstop = () => resolve(new Blob(chunks, { type: recorder.mimeType || "video/webm" }));
    recorder.start(250);
    const started = performance.now();
    let shownDigit = null;
    let shownTurn = null;
    const tick = () => {
      const t = (performance.now() - started) / 1000;
      const current = challenge.digits.find((d) => t >= d.shown_s && t < d.shown_s + challenge.digit_shown_s);
      const text = current ? String(current.digit) : "";
      if (text !== shownDigit) { digit.textContent = text; shownDigit = text; if (text) announce(`Say ${text}`); }
      const cue = [...challenge.turns].reverse().find((c) => t >= c.cue_s);
      const ask = cue ? MIRRORED[cue.direction] : "";
      if (ask !== shownTurn) { turn.textContent = ask; shownTurn = ask; if (ask) announce(ask); }
      countdown.textContent = t < challenge.digits[0].shown_s ? "Recording: get ready to read the digits aloud" : `Recording · ${Math.max(0, Math.ceil(total - t))} s left`;
      if (t >= total) {
        digit.textContent = "";
        turn.textContent = "";
        countdown.textContent = "";
        stage.classList.remove("recording");
        recorder.stop();
        return;
      }
      setTimeout(tick, 40);
    };
    tick();
  });
}

function showResult(accepted, message, character) {
  const box = document.getElementById("onboarding-result");
  const note = document.createElement("div");
  note.className = `notice ${accepted ? "ok" : "error"}`;
  note.setAttribute("role", "alert");
  const text = document.createElement("p");
  text.textContent = accepted ? message : `Not verified. ${message}`;
  note.append(text);
  if (accepted) {
    const link = document.createElement("a");
    link.href = `/characters/${encodeURIComponent(character.id)}`;
    link.textContent = "Choose who may use it";
    link.className = "button primary-action";
    note.append(link);
  } else {
    const hint = document.createElement("p");
    hint.textContent = "Each try gets new digits and turns. Face the camera in good light, read every digit aloud when it appears, and turn your head when asked.";
    note.append(hint);
  }
  box.replaceChildren(note);
  box.focus();
}
