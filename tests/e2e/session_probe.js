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

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      if (!SESSION_SOCKET.test(String(args[0]))) return;
      socket = this;
      participantOfMid = new Map();
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

  window.roundsProbe = {
    /** connecting | open | reconnecting | closed, as the page shows it. */
    get socketState() {
      return main()?.dataset.connection ?? "closed";
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
