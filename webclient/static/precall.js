// The pre-call check: camera, microphone (a live level meter), speaker (a generated tone and
// "did you hear it?") and the connection to this server (WebSocket round trips to /ws/check).
// Each ends as pass / warn / fail with advice in plain words. Nothing is recorded or sent on.

import { deviceProblem } from "./session-media.js";
import { TIMED_OUT, within } from "./time-limit.js";

const $ = (id) => document.getElementById(id);
const PINGS = 5;
const PING_GAP_MS = 150;
const CHECK_LIMIT_MS = 5000;
const MIC_LISTEN_MS = 6000;
// Every wait on the browser is bounded: where there is no sound output AudioContext.resume() never
// settles, and getUserMedia() waits as long as a permission prompt stays open.
const SOUND_START_LIMIT_MS = 3000;
const DEVICE_LIMIT_MS = 15000;
const NO_SOUND_OUTPUT =
  "We could not test this: the browser's sound did not start, so this device may have no working sound output (speakers or headphones), or sound is blocked for this site.";
const RTT_LIMITS = { pass: 150, warn: 400 }; // ms: beyond 400 ms a conversation stumbles

function verdict(check, result, advice) {
  const item = $(`check-${check}`);
  const badge = item.querySelector(".verdict");
  badge.dataset.result = result;
  badge.textContent = { pass: "Works", warn: "Check this", fail: "Problem", pending: "Checking…" }[result];
  item.querySelector(".advice").textContent = advice;
  if (result !== "pending") $("status").textContent = `${check[0].toUpperCase()}${check.slice(1)}: ${badge.textContent}. ${advice}`;
}

// ---------------------------------------------------------------------- camera

/**
 * getUserMedia, bounded: past the limit the check says what it could not test and returns null; the
 * request keeps running, and `late(stream)` completes the check if it is granted after all.
 */
async function openDevice(check, constraints, what, late) {
  const request = navigator.mediaDevices.getUserMedia(constraints);
  const stream = await within(request, DEVICE_LIMIT_MS);
  if (stream !== TIMED_OUT) return stream;
  verdict(
    check,
    "warn",
    `We could not test your ${what}: it did not start within ${DEVICE_LIMIT_MS / 1000} seconds. Allow it if your browser asks (the check goes on when it starts), or check that no other app is using it.`,
  );
  request.then(late, (error) => verdict(check, "fail", deviceProblem(what === "camera" ? "video" : "audio", error)));
  return null;
}

async function checkCamera() {
  verdict("camera", "pending", "Allow the camera if your browser asks.");
  try {
    const constraints = { video: { width: { ideal: 640 }, height: { ideal: 480 } } };
    const stream = await openDevice("camera", constraints, "camera", (late) => showCamera(late));
    if (stream) await showCamera(stream);
  } catch (error) {
    verdict("camera", "fail", deviceProblem("video", error));
  }
}

async function showCamera(stream) {
  const video = $("camera-preview");
  video.srcObject = stream;
  await within(video.play().catch(() => {}), 3000);
  const width = await waitFor(() => video.videoWidth, 3000);
  if (width) verdict("camera", "pass", `You should see yourself above (${video.videoWidth}×${video.videoHeight}).`);
  else verdict("camera", "warn", "The camera started but shows no picture. Check it is not covered, or pick another camera in your browser's settings.");
}

// ---------------------------------------------------------------------- microphone

async function checkMicrophone(audio, soundWorks) {
  verdict("microphone", "pending", "Say a few words: the bar should move.");
  let stream;
  try {
    stream = await openDevice("microphone", { audio: true }, "microphone", (late) => listen(audio, late, soundWorks));
  } catch (error) {
    verdict("microphone", "fail", deviceProblem("audio", error));
    return;
  }
  if (stream) await listen(audio, stream, soundWorks);
}

async function listen(audio, stream, soundWorks) {
  if (!soundWorks) {
    // The level meter runs on the page's sound system, which did not start.
    verdict("microphone", "warn", `The microphone started, but we could not measure whether it hears you. ${NO_SOUND_OUTPUT}`);
    return;
  }
  const analyser = audio.createAnalyser();
  analyser.fftSize = 1024;
  audio.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const meter = $("mic-level");
  let loudest = 0;
  const started = performance.now();
  await new Promise((resolve) => {
    const frame = () => {
      analyser.getFloatTimeDomainData(samples);
      const rms = Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length);
      const level = Math.min(1, rms * 4); // speech sits around 0.05–0.2 RMS: stretch it to fill the bar
      meter.value = level;
      loudest = Math.max(loudest, level);
      if (loudest > 0.05 || performance.now() - started > MIC_LISTEN_MS) resolve();
      else setTimeout(frame, 50); // not requestAnimationFrame: it stops in a background tab
    };
    frame();
  });
  // Keep the meter moving while the page is open: people like to see it react.
  const keepGoing = () => {
    analyser.getFloatTimeDomainData(samples);
    meter.value = Math.min(1, Math.sqrt(samples.reduce((s, v) => s + v * v, 0) / samples.length) * 4);
    requestAnimationFrame(keepGoing);
  };
  requestAnimationFrame(keepGoing);
  if (loudest > 0.05) verdict("microphone", "pass", "We can hear you.");
  else verdict("microphone", "warn", "We heard nothing. Check your microphone is not muted (some headsets have a switch) and speak up.");
}

// ---------------------------------------------------------------------- speaker

function playTone(audio) {
  // A soft two-note chime (660 then 880 Hz), about a second, faded in and out to avoid clicks.
  const now = audio.currentTime;
  const gain = audio.createGain();
  gain.gain.setValueAtTime(0, now);
  gain.gain.linearRampToValueAtTime(0.2, now + 0.05);
  gain.gain.setValueAtTime(0.2, now + 0.95);
  gain.gain.linearRampToValueAtTime(0, now + 1.1);
  gain.connect(audio.destination);
  const tone = audio.createOscillator();
  tone.frequency.setValueAtTime(660, now);
  tone.frequency.setValueAtTime(880, now + 0.5);
  tone.connect(gain);
  tone.start(now);
  tone.stop(now + 1.15);
  $("heard-question").hidden = false;
  verdict("speaker", "pending", "Listen: a short chime is playing.");
}

/** Start (or resume) the page's sound, bounded: false when it did not start in time or cannot. */
async function startSound(getAudio) {
  try {
    const audio = getAudio();
    const started = await within(audio.resume(), SOUND_START_LIMIT_MS);
    return started !== TIMED_OUT && audio.state === "running";
  } catch {
    return false;
  }
}

function wireSpeaker(getAudio) {
  $("play-tone").addEventListener("click", async () => {
    if (await startSound(getAudio)) playTone(getAudio());
    else verdict("speaker", "warn", `${NO_SOUND_OUTPUT} You would not hear the others: connect speakers or headphones, then run the check again.`);
  });
  $("heard-yes").addEventListener("click", () => verdict("speaker", "pass", "Your speakers or headphones work."));
  $("heard-no").addEventListener("click", () =>
    verdict("speaker", "fail", "Turn the volume up, check the sound is not muted, and that the right speakers or headphones are chosen. Headphones stop echo."),
  );
}

// ---------------------------------------------------------------------- connection

/** Round-trip times (ms) of a few pings over /ws/check; rejects if the server cannot be reached. */
function measureRoundTrips() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${scheme}//${location.host}/ws/check`);
    const sentAt = new Map();
    const times = [];
    const limit = setTimeout(() => finish(new Error("no answer")), CHECK_LIMIT_MS);
    const finish = (error) => {
      clearTimeout(limit);
      socket.onclose = null;
      socket.close();
      if (error && times.length === 0) reject(error);
      else resolve(times);
    };
    const ping = (id) => {
      sentAt.set(id, performance.now());
      socket.send(JSON.stringify({ type: "ping", id }));
    };
    socket.onopen = () => ping(1);
    socket.onerror = () => finish(new Error("unreachable"));
    socket.onclose = () => finish(new Error("closed"));
    socket.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type !== "pong" || !sentAt.has(message.id)) return;
      times.push(performance.now() - sentAt.get(message.id));
      if (times.length >= PINGS) finish(null);
      else setTimeout(() => ping(message.id + 1), PING_GAP_MS);
    };
  });
}

async function checkConnection() {
  verdict("connection", "pending", "Measuring the way to the Rounds server…");
  if (typeof RTCPeerConnection !== "function") {
    verdict("connection", "fail", "This browser cannot make video calls. Use a recent Chrome, Edge, Firefox or Safari.");
    return;
  }
  let times;
  try {
    times = await measureRoundTrips();
  } catch {
    verdict("connection", "fail", "We could not reach the Rounds server. Check your internet connection; on a work network, ask IT to allow WebSockets to this site.");
    return;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = Math.round(sorted[Math.floor(sorted.length / 2)]);
  const figures = `Round trip ${median} ms (median of ${times.length}).`;
  if (median <= RTT_LIMITS.pass) verdict("connection", "pass", `${figures} Good for video.`);
  else if (median <= RTT_LIMITS.warn) verdict("connection", "warn", `${figures} Video may lag: move closer to your Wi-Fi router or use a cable.`);
  else verdict("connection", "fail", `${figures} Too slow for smooth video: try another network, or join with the camera off.`);
}

// ---------------------------------------------------------------------- helpers

async function waitFor(probe, boundMs) {
  const until = performance.now() + boundMs;
  while (performance.now() < until) {
    const value = probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return probe();
}

// One click starts everything: browsers allow sound and devices only after the person acts.
let audio = null;
const getAudio = () => (audio ??= new AudioContext());
wireSpeaker(getAudio);
$("start").addEventListener("click", async () => {
  $("start").disabled = true;
  $("status").textContent = "Checking…";
  const soundWorks = await startSound(getAudio);
  if (!soundWorks) verdict("speaker", "warn", `${NO_SOUND_OUTPUT} You would not hear the others: connect speakers or headphones, then run the check again.`);
  await Promise.all([checkCamera(), checkMicrophone(soundWorks ? getAudio() : null, soundWorks), checkConnection()]);
  if (soundWorks) {
    $("status").textContent = "Done. Now play the test sound to check your speakers.";
    $("play-tone").focus();
  } else {
    $("status").textContent = "Done, except the sound: we could not test your speakers or measure your microphone.";
  }
});
