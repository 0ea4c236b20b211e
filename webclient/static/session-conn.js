// The live session's link to the server: one WebSocket for signaling (docs/signaling.md) and one
// RTCPeerConnection for media. After a drop both are rebuilt together: the server (aiortc) has no
// ICE restart, and a fresh `join` on a new socket gets the participant's place back.
//
// The page never decides what anyone may do; it reports what the server says through events:
//   "status"  detail: {socketState}        connecting | open | reconnecting | closed
//   "welcome" detail: the welcome message  (after every (re)join)
//   "state" / "tracks" / "levels" / "chat" / "error" / "bye"  detail: the message
//   "media"   detail: {pc}                 a remote track arrived or the peer state changed
//   "refused" detail: {message}            the server will not let us in (do not retry): an error
//                                          refusing our join, or the verdict after a failed socket

import { askVerdict, verdictUrl } from "./join-verdict.js";
import { reconnectDelay } from "./reconnect.js";

const PEER_GRACE_MS = 2000; // "disconnected" often heals by itself within a second or two
const CONNECT_LIMIT_MS = 8000; // a peer connection still not up after this is rebuilt
const PING_MS = 2000;
const SILENCE_MS = 6500; // no frame at all (not even a pong) for this long: the socket is dead
const GATHER_LIMIT_MS = 2500;
// A socket that closes before its welcome may have been refused (ended, not invited, logged out): the
// page asks the server's verdict (join-verdict.js) and stops at a refusal. Otherwise it is the network,
// or the server is busy: before the first welcome, give up after this many sockets, but not before this
// long since the page first tried. A count alone gave up at random: with random waits (reconnect.js)
// five sockets can fail within the ~3 s a cluster takes to notice a dead node, while the room is being
// moved to another node the page would have reached a moment later.
const FIRST_JOIN_ATTEMPTS = 5;
const FIRST_JOIN_MS = 10000;

/** Resolve when the connection has gathered its ICE candidates (or after a bound). */
function iceGathered(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState !== "complete") return;
      pc.removeEventListener("icegatheringstatechange", done);
      resolve();
    };
    pc.addEventListener("icegatheringstatechange", done);
    // Host candidates on a LAN take milliseconds; never hang the join on a slow STUN server.
    setTimeout(resolve, GATHER_LIMIT_MS);
  });
}

export class SessionConnection extends EventTarget {
  /**
   * @param {string} url   the ws(s):// address of /ws/sessions/{visit_id}
   */
  constructor(url) {
    super();
    this.url = url;
    this.socket = null;
    this.pc = null;
    this.socketState = "closed";
    this.welcome = null;
    this.trackMap = new Map(); // mid -> {kind, participantId}
    this.unplayable = []; // [{participant_id, kind, codec}] from "tracks"
    this.levels = new Map(); // participant id -> {level, reason} from "levels" (missing: full)
    this.localTracks = { audio: null, video: null };
    this.senders = { audio: null, video: null };
    this.bye = null;
    this.reconnects = 0;
    this.everWelcomed = false;
    this.failedAttempts = 0;
    this.startedAt = performance.now(); // when the page first tried, for the first-join limit
    this.retries = 0; // reconnects scheduled since the last welcome: how long the next one waits
    this.finished = false; // bye, refusal or leave: never reconnect
    this.queue = Promise.resolve();
    this.timers = {};
    this.pingId = 0;
    this.lastHeard = 0;
    this.onOnline = () => {
      // The network is back: do not wait for the next retry tick.
      if (this.socketState === "reconnecting") this.openSocket();
    };
    window.addEventListener("online", this.onOnline);
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  setSocketState(value) {
    if (this.socketState === value) return;
    this.socketState = value;
    this.emit("status", { socketState: value });
  }

  // ---------------------------------------------------------------- the socket

  /** Open the first socket and join. */
  start() {
    this.finished = false;
    this.setSocketState("connecting");
    this.openSocket();
  }

  openSocket() {
    clearTimeout(this.timers.retry);
    this.dropSocket();
    const socket = new WebSocket(this.url);
    this.socket = socket;
    let welcomed = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.lastHeard = performance.now();
      socket.send(JSON.stringify({ type: "join", protocol: 1 }));
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.lastHeard = performance.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "welcome") welcomed = true;
      // One at a time and in order: an offer from the server may arrive right behind its answer.
      this.queue = this.queue
        .then(() => (this.socket === socket ? this.handle(message) : null))
        .catch((error) => console.warn("session: message failed", message.type, error));
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.finished) {
        this.shutDown();
        return;
      }
      this.failedAttempts += 1;
      const tried = performance.now() - this.startedAt;
      if (!this.everWelcomed && this.failedAttempts >= FIRST_JOIN_ATTEMPTS && tried >= FIRST_JOIN_MS) {
        this.refuse("The Rounds server could not be reached. Check your internet connection, then try again.");
        return;
      }
      this.scheduleReconnect();
      if (!welcomed) this.askWhy();
    };
  }

  /** The socket closed before its welcome: if the server refuses us, say why and stop retrying. */
  async askWhy() {
    const verdict = await askVerdict(verdictUrl(this.url));
    if (verdict.kind === "refused" && !this.finished) this.refuse(verdict.message);
  }

  /** Forget the current socket without reacting to its close. */
  dropSocket() {
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close();
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  /** Lost the socket or the media path: rebuild both, retrying (with backoff) until the server answers. */
  scheduleReconnect() {
    if (this.finished) return;
    this.setSocketState("reconnecting");
    this.dropSocket();
    this.closePeer();
    this.stopPinging();
    clearTimeout(this.timers.retry);
    this.timers.retry = setTimeout(() => this.openSocket(), reconnectDelay(this.retries, Math.random()));
    this.retries += 1;
  }

  startPinging() {
    this.stopPinging();
    this.timers.ping = setInterval(() => {
      if (performance.now() - this.lastHeard > SILENCE_MS) {
        // A dead network often leaves the socket "open" for minutes: do not wait for it.
        this.scheduleReconnect();
        return;
      }
      this.send({ type: "ping", id: ++this.pingId });
    }, PING_MS);
  }

  stopPinging() {
    clearInterval(this.timers.ping);
  }

  // ---------------------------------------------------------------- messages

  async handle(message) {
    switch (message.type) {
      case "welcome":
        this.welcome = message;
        if (this.everWelcomed) this.reconnects += 1;
        this.everWelcomed = true;
        this.failedAttempts = 0;
        this.retries = 0;
        this.setSocketState("open");
        this.startPinging();
        this.emit("welcome", message);
        await this.startPeer(message.ice_servers || []);
        break;
      case "answer":
        if (this.pc?.signalingState === "have-local-offer") {
          await this.pc.setRemoteDescription({ type: "answer", sdp: message.sdp });
        }
        break;
      case "offer":
        await this.answerOffer(message.sdp);
        break;
      case "tracks":
        this.trackMap = new Map(
          message.tracks.map((t) => [t.mid, { kind: t.kind, participantId: t.participant_id }]),
        );
        // What the server cannot send us: this browser refused the codec it was published in.
        this.unplayable = message.unplayable || [];
        this.emit("tracks", message);
        break;
      case "levels":
        // What the server sends us of each video, adapted to our downlink (sound is never dropped).
        this.levels = new Map(message.video.map((v) => [v.participant_id, { level: v.level, reason: v.reason }]));
        this.emit("levels", message);
        break;
      case "error":
        if (message.refused === "join") {
          this.refuse(message.message);
          return;
        }
        this.emit("error", message);
        break;
      case "bye":
        this.bye = message.reason;
        this.finished = true;
        this.emit("bye", message);
        break;
      case "state":
      case "chat":
        this.emit(message.type, message);
        break;
      default:
        break; // pong, and anything newer than this page
    }
  }

  refuse(text) {
    this.finished = true;
    this.emit("refused", { message: text });
    this.shutDown();
  }

  // ---------------------------------------------------------------- media

  /** A new peer connection and offer for this socket (on every join: no ICE restart server-side). */
  async startPeer(iceServers) {
    this.closePeer();
    this.trackMap = new Map();
    this.unplayable = [];
    if (this.levels.size) {
      this.levels = new Map(); // a new connection starts with everything at full
      this.emit("levels", { type: "levels", video: [] });
    }
    const pc = new RTCPeerConnection({ iceServers });
    this.pc = pc;
    for (const kind of ["audio", "video"]) {
      // Always both transceivers, even with the camera off, so the server can forward them the
      // moment the host allows it; with no track, nothing leaves the browser.
      const transceiver = pc.addTransceiver(this.localTracks[kind] || kind, { direction: "sendonly" });
      this.senders[kind] = transceiver.sender;
    }
    pc.ontrack = () => this.emit("media", { pc });
    pc.onconnectionstatechange = () => this.watchPeer(pc);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await iceGathered(pc);
    if (this.pc !== pc) return;
    this.send({ type: "offer", sdp: pc.localDescription.sdp });
    clearTimeout(this.timers.connect);
    this.timers.connect = setTimeout(() => {
      if (this.pc === pc && pc.connectionState !== "connected") this.scheduleReconnect();
    }, CONNECT_LIMIT_MS);
  }

  async answerOffer(sdp) {
    const pc = this.pc;
    if (!pc) return;
    await pc.setRemoteDescription({ type: "offer", sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await iceGathered(pc);
    if (this.pc !== pc) return;
    this.send({ type: "answer", sdp: pc.localDescription.sdp });
    this.emit("media", { pc });
  }

  watchPeer(pc) {
    if (this.pc !== pc) return;
    const state = pc.connectionState;
    this.emit("media", { pc });
    clearTimeout(this.timers.peer);
    if (state === "connected") {
      clearTimeout(this.timers.connect);
    } else if (state === "failed" || state === "disconnected") {
      const wait = state === "failed" ? 0 : PEER_GRACE_MS;
      this.timers.peer = setTimeout(() => {
        const now = pc.connectionState;
        if (this.pc === pc && (now === "failed" || now === "disconnected")) this.scheduleReconnect();
      }, wait);
    }
  }

  /** Send `track` (or nothing, with null) as our `kind`; survives peer connections being rebuilt. */
  async setTrack(kind, track) {
    this.localTracks[kind] = track;
    const sender = this.senders[kind];
    if (sender && this.pc && this.pc.connectionState !== "closed") await sender.replaceTrack(track);
  }

  /** Receiving tracks and whom they carry now: [{mid, kind, participantId, track}]. */
  remoteTracks() {
    if (!this.pc) return [];
    const out = [];
    for (const transceiver of this.pc.getTransceivers()) {
      const source = this.trackMap.get(transceiver.mid);
      if (!source || !source.participantId) continue;
      out.push({ mid: transceiver.mid, ...source, track: transceiver.receiver.track });
    }
    return out;
  }

  closePeer() {
    clearTimeout(this.timers.peer);
    clearTimeout(this.timers.connect);
    const pc = this.pc;
    this.pc = null;
    this.senders = { audio: null, video: null };
    if (pc) pc.close();
  }

  // ---------------------------------------------------------------- leaving

  /** Leave politely: the server answers with bye and closes; give it a moment, then close anyway. */
  async leave() {
    this.finished = true;
    if (this.send({ type: "leave" })) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 1500);
        this.addEventListener("bye", () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
    this.shutDown();
  }

  shutDown() {
    this.finished = true;
    clearTimeout(this.timers.retry);
    this.stopPinging();
    this.dropSocket();
    this.closePeer();
    window.removeEventListener("online", this.onOnline);
    this.setSocketState("closed");
  }
}
