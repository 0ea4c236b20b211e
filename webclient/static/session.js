// The live session page: lobby → (waiting room) → room → ended. The server is the authority on
// everything (who is in, who may publish, consent); this page shows its `state` and sends requests.
// What it shows is in the DOM (data-phase, data-connection, data-presence on #main; one tile per
// person): tests read it from there, with tests/e2e/session_probe.js, never from a global of this page.

import { SessionConnection } from "./session-conn.js";
import { LocalMedia, deviceProblem } from "./session-media.js";
import {
  announcement,
  appendChat,
  flagsOf,
  levelWords,
  renderConsent,
  renderPeople,
  renderTiles,
  renderWaiting,
} from "./session-ui.js";
import { describe, watchQuality } from "./quality.js";

const main = document.getElementById("main");
const $ = (id) => document.getElementById(id);
const mode = main.dataset.mode; // "account" | "patient"
const visitId = main.dataset.visitId;

const media = new LocalMedia();
let conn = null;
let welcome = null;
let state = null;
let me = null;
let stopQuality = null;
let wasAdmitted = false;
let syncing = Promise.resolve();
let endedReason = null;

// ---------------------------------------------------------------------- words

const BYE_WORDS = {
  left: "You left the session.",
  denied: "The host did not let you in to this session.",
  removed: "The host removed you from the session.",
  ended: "The host ended the session.",
  host_gone: "The session ended because the host did not come back.",
  replaced: "You joined this session from another window or device, so this one was closed.",
  shutdown: "The server was restarted. Join again in a moment.",
};

const REFUSAL_WORDS = {
  media: (error) =>
    error.code === "forbidden"
      ? "The host has not allowed that yet. Raise your hand to ask."
      : error.message,
  rate_limited: () => "Too many clicks at once: wait a moment and try again.",
};

function say(text) {
  $("status").textContent = text;
}

function alertUser(text) {
  const box = $("alert");
  box.textContent = text;
  box.hidden = !text;
  clearTimeout(alertUser.timer);
  if (text) alertUser.timer = setTimeout(() => (box.hidden = true), 8000);
}

function setPhase(phase) {
  main.dataset.phase = phase;
  $("lobby").hidden = phase !== "lobby";
  $("room").hidden = phase !== "room";
  $("ended").hidden = phase !== "ended";
}

// ---------------------------------------------------------------------- the lobby

async function startLobby() {
  setPhase("lobby");
  const placeholder = $("lobby-placeholder");
  // Joining never waits for the camera: a pending permission prompt must not block the way in.
  $("join").addEventListener("click", join, { once: true });
  try {
    await media.acquireBoth();
    $("lobby-video").srcObject = media.previewStream();
    placeholder.hidden = true;
  } catch (error) {
    placeholder.textContent = deviceProblem("video", error) + " You can still join.";
  }
}

function join() {
  $("lobby-video").srcObject = null;
  $("join").disabled = true;
  setPhase("room");
  say("Connecting…");
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  conn = new SessionConnection(`${scheme}//${location.host}/ws/sessions/${visitId}`);
  conn.addEventListener("status", onStatus);
  conn.addEventListener("welcome", (e) => onWelcome(e.detail));
  conn.addEventListener("state", (e) => onState(e.detail));
  conn.addEventListener("tracks", drawTiles);
  conn.addEventListener("levels", onLevels);
  conn.addEventListener("media", drawTiles);
  conn.addEventListener("chat", (e) => appendChat($("chat-log"), e.detail, welcome?.participant_id));
  conn.addEventListener("error", (e) => onRefusal(e.detail));
  conn.addEventListener("bye", (e) => (endedReason = e.detail.reason));
  conn.addEventListener("refused", (e) => showEnded(e.detail.message, false));
  conn.start();
  stopQuality = watchQuality(() => conn?.pc, showQuality);
  $("controls").focus();
}

// ---------------------------------------------------------------------- connection events

function onStatus({ detail }) {
  main.dataset.connection = detail.socketState;
  if (detail.socketState === "reconnecting") {
    say("Connection lost. Reconnecting…");
  } else if (detail.socketState === "closed" && endedReason) {
    showEnded(BYE_WORDS[endedReason] || "The session has ended.", endedReason === "left" || endedReason === "shutdown");
  }
}

function onWelcome(message) {
  const again = welcome !== null;
  welcome = message;
  $("end").hidden = message.role !== "host";
  if ($("toggle-hand")) $("toggle-hand").hidden = message.role === "host"; // the host needs no permission
  main.dataset.role = message.role;
  if (again) say(message.presence === "admitted" ? "Reconnected." : "Reconnected. Still waiting for the host.");
}

function onState(message) {
  const previous = state;
  state = message;
  me = message.participants.find((p) => p.id === welcome?.participant_id) || null;
  if (!me) return;
  const admitted = me.presence === "admitted";
  $("waiting").hidden = admitted;
  $("host-absent").hidden = message.host_present;
  main.dataset.presence = me.presence;
  if (admitted && !wasAdmitted) say(me.role === "host" ? "You are in the session (host)." : "You are in: the host let you in.");
  else if (!admitted && me.presence === "waiting" && !previous) say("You are in the waiting room.");
  wasAdmitted = wasAdmitted || admitted;
  announceChanges(previous, message);
  drawRoom();
  syncLocalMedia();
}

/** Say out loud (aria-live) what changed that matters: consent, the host's absence and return. */
function announceChanges(previous, next) {
  const words = announcement(previous, next, { roomKind: welcome?.room_kind, role: me.role });
  if (words) say(words);
}

/** The server adapted what it sends us to our connection: say so, and clear it when back to full. */
function onLevels() {
  const box = $("adapted");
  const words = levelWords(conn?.levels || new Map());
  if (words !== box.textContent) box.textContent = words;
  box.hidden = !words;
  drawTiles();
}

function onRefusal(error) {
  const words = REFUSAL_WORDS[error.refused] || REFUSAL_WORDS[error.code];
  alertUser(words ? words(error) : error.message);
}

function showEnded(text, canRejoin) {
  stopQuality?.();
  media.releaseAll();
  $("ended-text").textContent = text;
  $("rejoin").hidden = !canRejoin;
  setPhase("ended");
  say(text);
  $("ended-heading").focus?.();
}

// ---------------------------------------------------------------------- drawing

function act(message) {
  if (!conn?.send(message)) alertUser("Not connected right now: try again in a moment.");
}

function drawTiles() {
  if (!state || !me || !conn) return;
  renderTiles($("stage"), {
    state,
    me,
    remote: conn.remoteTracks(),
    unplayable: conn.unplayable,
    levels: conn.levels,
    mode,
  });
}

function drawRoom() {
  drawTiles();
  renderPeople($("people-list"), { state, me, act });
  if (me.role === "host") renderWaiting($("waiting-panel"), $("waiting-list"), { state, act });
  renderConsent(
    {
      hostPanel: $("consent-panel"),
      hostStatus: $("consent-status"),
      form: $("consent-form"),
      withdraw: $("withdraw-consent"),
      patientPanel: $("patient-consent"),
      patientStatus: $("patient-consent-status"),
      patientWithdraw: $("patient-withdraw"),
    },
    { state, me, roomKind: welcome?.room_kind },
  );
  drawControls();
}

function drawControls() {
  for (const kind of ["audio", "video"]) {
    const button = $(`toggle-${kind}`);
    const on = me.publishing.includes(kind);
    const allowed = me.may_publish.includes(kind);
    const device = kind === "audio" ? "Microphone" : "Camera";
    // A toggle keeps its name ("Camera"); aria-pressed says on or off, the visible word repeats it.
    button.querySelector(".control-state").textContent = on ? "on" : "off";
    button.setAttribute("aria-pressed", String(on));
    button.setAttribute("aria-disabled", String(!allowed));
    button.title = allowed ? `Turn your ${device.toLowerCase()} ${on ? "off" : "on"}` : "The host has not allowed this yet";
  }
  const hand = $("toggle-hand");
  if (hand) {
    hand.setAttribute("aria-pressed", String(me.hand_raised));
  }
  $("local-flags").textContent = flagsOf(me).join(" · ");
}

function showQuality(result) {
  const box = $("quality");
  box.hidden = result.level === "unknown" && !conn?.pc;
  box.dataset.level = result.level;
  const words = { good: "good", fair: "fair", poor: "poor", unknown: "checking" }[result.level];
  const details = describe(result.figures || {});
  box.querySelector(".quality-text").textContent = `Connection: ${words}`;
  box.title = details;
  box.setAttribute("aria-label", `Connection ${words}: ${details}`);
}

// ---------------------------------------------------------------------- local media

/** Make what this browser sends match what the server says we publish (serialized). */
function syncLocalMedia() {
  syncing = syncing.then(applyLocalMedia).catch((error) => console.warn("session: media sync", error));
}

async function applyLocalMedia() {
  if (!me || !conn) return;
  for (const kind of ["audio", "video"]) {
    const wanted = me.publishing.includes(kind) && me.may_publish.includes(kind);
    if (wanted) {
      try {
        await conn.setTrack(kind, await media.acquire(kind));
      } catch (error) {
        alertUser(deviceProblem(kind, error));
        act({ type: "media", kind, on: false });
      }
    } else if (conn.localTracks[kind] || media.tracks[kind]) {
      await conn.setTrack(kind, null);
      media.release(kind);
    }
  }
  const preview = media.previewStream();
  const video = $("local-video");
  if (video.srcObject?.getTracks()[0] !== media.tracks.video) video.srcObject = preview;
  video.hidden = !preview;
  $("local-placeholder").hidden = Boolean(preview);
}

function toggleMedia(kind) {
  if (!me) return;
  if (!me.may_publish.includes(kind)) {
    const what = kind === "audio" ? "speak" : "turn on your camera";
    alertUser(`The host has not allowed you to ${what} yet. Raise your hand to ask.`);
    return;
  }
  const on = !me.publishing.includes(kind);
  if (!on) {
    // Switching off takes effect here at once; the server's state follows.
    conn.setTrack(kind, null).then(() => media.release(kind));
  }
  act({ type: "media", kind, on });
}

// ---------------------------------------------------------------------- controls

function wireControls() {
  $("toggle-audio").addEventListener("click", () => toggleMedia("audio"));
  $("toggle-video").addEventListener("click", () => toggleMedia("video"));
  $("toggle-hand")?.addEventListener("click", () => me && act({ type: "hand", raised: !me.hand_raised }));
  $("leave").addEventListener("click", async () => {
    say("Leaving…");
    endedReason = "left";
    await conn?.leave();
    showEnded(BYE_WORDS.left, true);
  });
  $("end").addEventListener("click", () => {
    if (window.confirm("End the session for everyone?")) act({ type: "end" });
  });
  $("rejoin").addEventListener("click", () => location.reload());
  $("enable-sound").addEventListener("click", () => {
    for (const audio of document.querySelectorAll(".tile audio")) audio.play().catch(() => {});
    $("unmute-audio").hidden = true;
  });
  // A browser that blocks sound until a click: offer the click.
  $("stage").addEventListener("blocked", () => ($("unmute-audio").hidden = false));
  $("consent-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    act({ type: "consent", scope: form.get("scope"), method: form.get("method") });
  });
  $("withdraw-consent").addEventListener("click", () => {
    if (window.confirm("Record that the patient withdrew consent? Learners stop seeing and hearing the patient at once.")) {
      act({ type: "withdraw_consent" });
    }
  });
  $("patient-withdraw").addEventListener("click", () => {
    if (window.confirm("Stop the learners from seeing and hearing you? Your clinician stays with you.")) {
      act({ type: "withdraw_consent" });
    }
  });
  $("chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("chat-text");
    const text = input.value.trim();
    if (!text) return;
    act({ type: "chat", text });
    input.value = "";
  });
  window.addEventListener("pagehide", () => conn?.leave());
}

wireControls();
startLobby();
