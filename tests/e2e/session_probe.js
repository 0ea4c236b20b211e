// What the e2e tests read from a live session page. Playwright adds this script to every page of a
// test's browser profile (add_init_script: it runs before the page's own scripts), so the production
// pages carry no test-only global. It only watches: the page's state comes from its DOM (data-* on
// #main, the tiles), and the browser objects the page makes are remembered by subclassing WebSocket and
// RTCPeerConnection, whose behaviour stays the browser's own.
(() => {
  const SESSION_SOCKET = /\/ws\/sessions\//;
  let socket = null; // the live session's newest WebSocket: the one the page listens to
  let peer = null; // the newest RTCPeerConnection the page made
  let peersMade = 0;
  let welcome = null;
  let welcomes = 0;
  let participantOfMid = new Map(); // from the newest `tracks` message on `socket`
  let levelsNow = new Map(); // participant id -> level named by the newest `levels` message (none: full)
  let levelsEver = new Map(); // participant id -> Set of every level any `levels` message named

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      if (!SESSION_SOCKET.test(String(args[0]))) return;
      socket = this;
      participantOfMid = new Map();
      levelsNow = new Map(); // a new connection starts with everything at full, as the page says
      this.addEventListener("message", (event) => {
        if (socket !== this) return; // the page ignores an old socket too
        let message;
        try {
          message = JSON.parse(event.data);
        } catch {
          return;
        }
        if (message.type === "welcome") {
          welcome = message;
          welcomes += 1;
        } else if (message.type === "levels") {
          levelsNow = new Map(message.video.map((v) => [v.participant_id, v.level]));
          for (const v of message.video) {
            const seen = levelsEver.get(v.participant_id) ?? new Set();
            levelsEver.set(v.participant_id, seen.add(v.level));
          }
        } else if (message.type === "tracks") {
          participantOfMid = new Map(
            message.tracks.filter((t) => t.participant_id).map((t) => [t.mid, t.participant_id]),
          );
        }
      });
    }
  };

  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(...args) {
      super(...args);
      peer = this;
      peersMade += 1;
    }
  };

  const main = () => document.getElementById("main");

  // Every connection state and status line the page has shown, in order: a reconnect can pass
  // through "reconnecting" in a few tens of milliseconds (its first retry waits a random 0-0.5 s),
  // quicker than a test polling the page's state now would see it.
  const statesSeen = [];
  const statusesSeen = [];
  const noteShown = () => {
    const state = main()?.dataset.connection;
    if (state && statesSeen.at(-1) !== state) statesSeen.push(state);
    const status = document.querySelector('[role="status"]')?.textContent?.trim();
    if (status && statusesSeen.at(-1) !== status) statusesSeen.push(status);
  };
  const watchShown = () => {
    new MutationObserver(noteShown).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ["data-connection"],
    });
    noteShown();
  };
  // Chromium runs this before the page's scripts; Firefox's harness may add it to a loaded page.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watchShown);
  else watchShown();

  /** Sum `field` of the inbound-rtp statistics of `kind` per participant ({} with no live connection). */
  async function inbound(kind, field) {
    const pc = peer;
    if (!pc || pc.signalingState === "closed") return {}; // a new connection counts from zero
    const out = {};
    for (const stat of (await pc.getStats()).values()) {
      if (stat.type !== "inbound-rtp" || stat.kind !== kind) continue;
      const who = participantOfMid.get(stat.mid) ?? "unknown";
      out[who] = (out[who] || 0) + (stat[field] || 0);
    }
    return out;
  }

  /** The ICE candidate pair the newest connection uses: its local and remote candidates, or null. */
  async function selectedPath() {
    const pc = peer;
    if (!pc || pc.signalingState === "closed") return null;
    const stats = await pc.getStats();
    let pair = null;
    for (const stat of stats.values()) {
      // Chromium names the pair on the transport; Firefox marks it `selected` (no transport stats).
      if (stat.type === "transport" && stat.selectedCandidatePairId) pair = stats.get(stat.selectedCandidatePairId);
      if (!pair && stat.type === "candidate-pair" && stat.selected) pair = stat;
    }
    if (!pair) return null;
    const local = stats.get(pair.localCandidateId);
    const remote = stats.get(pair.remoteCandidateId);
    return {
      state: pair.state ?? null,
      localType: local?.candidateType ?? null,
      localAddress: local?.address ?? null,
      localProtocol: local?.protocol ?? null,
      // For a relay candidate: how this browser reaches its TURN server (udp, tcp or tls).
      relayProtocol: local?.relayProtocol ?? null,
      remoteType: remote?.candidateType ?? null,
      remoteAddress: remote?.address ?? null,
    };
  }

  // The counters of inbound-rtp statistics a measuring window adds up, per kind.
  const COUNTED = {
    audio: [
      "packetsReceived",
      "packetsLost",
      "totalSamplesReceived",
      "concealedSamples",
      "silentConcealedSamples",
      "totalAudioEnergy",
      "totalSamplesDuration",
      "bytesReceived",
    ],
    video: ["packetsReceived", "framesDecoded", "freezeCount", "totalFreezesDuration", "bytesReceived"],
  };

  /**
   * A measuring window over the live connection's inbound streams, sampled every `periodMs` in the page
   * (no round trip to the test per sample). Per participant and kind it adds up the growth of the
   * COUNTED fields (a stream that appears in the window, on a new connection too, counts from zero),
   * and keeps what only a series of samples shows: the largest growth of concealedSamples between two
   * samples and the longest run of consecutive samples that each concealed at least half their span
   * (both in samples; an approximation of the longest concealment), and the longest run of samples in
   * which no video frame was decoded (ms).
   */
  class Sampler {
    constructor(periodMs) {
      this.periodMs = periodMs;
      this.last = new Map(); // `${connection}/${stat id}` -> the stat at the previous sample
      this.sources = {};
      this.samples = 0;
      this.started = null; // when the baseline was taken
      this.stopped = false;
      this.first = true;
      this.done = this.loop();
    }

    source(who, kind) {
      const of = (this.sources[who] ??= {});
      if (!of[kind]) {
        of[kind] = Object.fromEntries(COUNTED[kind].map((f) => [f, 0]));
        Object.assign(of[kind], { clockRate: null, maxConcealedStep: 0, longestConcealedRun: 0, run: 0, audioLevelMin: null, stillMs: 0, longestStillMs: 0, present: false });
      }
      return of[kind];
    }

    async sample() {
      const pc = peer;
      if (!pc || pc.signalingState === "closed") return;
      const stats = await pc.getStats();
      const now = performance.now();
      const span = this.previousAt === undefined ? 0 : now - this.previousAt;
      this.previousAt = now;
      for (const stat of stats.values()) {
        if (stat.type !== "inbound-rtp" || !COUNTED[stat.kind]) continue;
        const key = `${peersMade}/${stat.id}`;
        const before = this.last.get(key);
        this.last.set(key, stat);
        if (this.first) continue; // the baseline of what already flowed
        const who = participantOfMid.get(stat.mid) ?? "unknown";
        const acc = this.source(who, stat.kind);
        acc.present = true;
        const grew = {};
        for (const field of COUNTED[stat.kind]) {
          grew[field] = Math.max(0, (stat[field] ?? 0) - (before?.[field] ?? 0));
          acc[field] += grew[field];
        }
        if (stat.kind === "audio") {
          const codec = stats.get(stat.codecId);
          acc.clockRate = codec?.clockRate ?? acc.clockRate ?? 48000;
          acc.maxConcealedStep = Math.max(acc.maxConcealedStep, grew.concealedSamples);
          const concealing = span > 0 && grew.concealedSamples >= (acc.clockRate * span) / 2000;
          acc.run = concealing ? acc.run + grew.concealedSamples : 0;
          acc.longestConcealedRun = Math.max(acc.longestConcealedRun, acc.run);
          if (typeof stat.audioLevel === "number") {
            acc.audioLevelMin = acc.audioLevelMin === null ? stat.audioLevel : Math.min(acc.audioLevelMin, stat.audioLevel);
          }
        } else {
          acc.stillMs = grew.framesDecoded > 0 ? 0 : acc.stillMs + span;
          acc.longestStillMs = Math.max(acc.longestStillMs, acc.stillMs);
        }
      }
      if (this.first) this.started = now;
      else this.samples += 1;
      this.first = false;
    }

    async loop() {
      while (!this.stopped) {
        const due = performance.now() + this.periodMs;
        await this.sample();
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      }
    }

    async stop() {
      this.stopped = true;
      await this.done;
      await this.sample();
      const sources = {};
      for (const [who, kinds] of Object.entries(this.sources)) {
        sources[who] = {};
        for (const [kind, acc] of Object.entries(kinds)) {
          const { run, stillMs, ...kept } = acc;
          sources[who][kind] = kept;
        }
      }
      const seconds = this.started === null ? 0 : (this.previousAt - this.started) / 1000;
      return { seconds, samples: this.samples, sources };
    }
  }

  let sampler = null;

  window.roundsProbe = {
    /** connecting | open | reconnecting | closed, as the page shows it. */
    get socketState() {
      return main()?.dataset.connection ?? "closed";
    },
    /** Every connection state the page has shown, in order (repeats folded). */
    get socketStatesSeen() {
      return [...statesSeen];
    },
    /** Every text the page's status line has shown, in order (repeats folded). */
    get statusesSeen() {
      return [...statusesSeen];
    },
    /** waiting | admitted (null before the first state), as the page shows it. */
    get presence() {
      return main()?.dataset.presence ?? null;
    },
    get phase() {
      return main()?.dataset.phase ?? null;
    },
    get participantId() {
      return welcome?.participant_id ?? null;
    },
    /** Welcomes after the first one: how often the page got back in. */
    get reconnects() {
      return Math.max(0, welcomes - 1);
    },
    /** The other people's tiles on the stage: [{participantId, kind, videoWidth, playing}]. */
    get remoteTiles() {
      return [...document.querySelectorAll("#stage .tile[data-participant-id]")].map((tile) => {
        const video = tile.querySelector("video");
        return {
          participantId: tile.dataset.participantId,
          kind: "video",
          videoWidth: !video || video.hidden ? 0 : video.videoWidth,
          playing: Boolean(video?.srcObject),
        };
      });
    },
    /** Decoded video frames per participant. */
    framesDecoded: () => inbound("video", "framesDecoded"),
    /** Audio samples received per participant. */
    audioSamplesReceived: () => inbound("audio", "totalSamplesReceived"),
    /** Video frames this page has sent to the server on its live connection (0 without one). */
    async framesSent() {
      const pc = peer;
      if (!pc || pc.signalingState === "closed") return 0;
      let frames = 0;
      for (const stat of (await pc.getStats()).values()) {
        if (stat.type === "outbound-rtp" && stat.kind === "video") frames += stat.framesSent || 0;
      }
      return frames;
    },
    /** The addresses of the host candidates this browser offered (mDNS names end in `.local`). */
    get localAddresses() {
      const sdp = peer?.localDescription?.sdp ?? "";
      return sdp
        .split("\r\n")
        .filter((line) => line.startsWith("a=candidate:") && / typ host/.test(line))
        .map((line) => line.split(" ")[4]);
    },
    /** The level the server says it sends of each participant's video ({} when all is full). */
    get videoLevels() {
      return Object.fromEntries(levelsNow);
    },
    /** Every level any `levels` message named, per participant (since the page loaded). */
    get videoLevelsEver() {
      return Object.fromEntries([...levelsEver].map(([who, seen]) => [who, [...seen]]));
    },
    /** The weak-connection notice the page shows ("" when hidden). */
    get adaptedNotice() {
      const box = document.getElementById("adapted");
      return !box || box.hidden ? "" : box.textContent;
    },
    /** Start a measuring window sampled every `periodMs` (see Sampler); ends one already running. */
    async startMeasuring(periodMs = 100) {
      if (sampler) await sampler.stop();
      sampler = new Sampler(periodMs);
      return true;
    },
    /** Samples the running measuring window has taken after its baseline (0 without one). */
    get measuringSamples() {
      return sampler?.samples ?? 0;
    },
    /** End the measuring window: {seconds, samples, sources: {participant: {audio, video}}}. */
    async stopMeasuring() {
      const running = sampler;
      sampler = null;
      return running ? running.stop() : null;
    },
    /** The live connection's local and remote SDP (what was negotiated: feedback, extensions). */
    get descriptions() {
      return { local: peer?.localDescription?.sdp ?? null, remote: peer?.remoteDescription?.sdp ?? null };
    },
    /** The selected ICE candidate pair of the live connection (see selectedPath), or null. */
    selectedPath,
    /** How many RTCPeerConnections the page has made (a reconnect makes a new one). */
    get peersMade() {
      return peersMade;
    },
    /** Close the session's socket as a network drop would (no leave, no bye). */
    dropSocket() {
      socket?.close();
    },
  };
})();
