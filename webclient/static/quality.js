// Connection quality from RTCPeerConnection.getStats(), sampled every 2 s: round-trip time,
// packet loss, and what arrives (frames per second, bitrate). Shared by the session page and the
// pre-call check. Thresholds follow common video-call guidance: under 150 ms and 2 % loss feels
// live; past 400 ms or 8 % loss, conversation breaks down.

export const SAMPLE_MS = 2000;

const LIMITS = {
  good: { rttMs: 150, lossPct: 2, minFps: 15 },
  fair: { rttMs: 400, lossPct: 8, minFps: 8 },
};

/** good | fair | poor | unknown, from one sample. Frame rate counts only when video arrives. */
export function classify({ rttMs, lossPct, fps }) {
  if (rttMs == null && lossPct == null) return "unknown";
  const within = (limit) =>
    (rttMs == null || rttMs <= limit.rttMs) &&
    (lossPct == null || lossPct <= limit.lossPct) &&
    (fps == null || fps >= limit.minFps);
  if (within(LIMITS.good)) return "good";
  if (within(LIMITS.fair)) return "fair";
  return "poor";
}

/** Totals of one getStats() report that the next sample is compared with. */
function totals(report) {
  const out = {
    rttMs: null,
    remoteLoss: null,
    packetsReceived: 0,
    packetsLost: 0,
    bytesReceived: 0,
    fps: null,
    framesDecoded: 0,
    videoWidth: 0,
    at: performance.now(),
  };
  for (const stat of report.values()) {
    if (stat.type === "candidate-pair" && stat.nominated && stat.state === "succeeded") {
      if (stat.currentRoundTripTime != null) out.rttMs = stat.currentRoundTripTime * 1000;
    } else if (stat.type === "inbound-rtp") {
      out.packetsReceived += stat.packetsReceived || 0;
      out.packetsLost += Math.max(stat.packetsLost || 0, 0);
      out.bytesReceived += stat.bytesReceived || 0;
      if (stat.kind === "video") {
        out.framesDecoded += stat.framesDecoded || 0;
        if (stat.framesPerSecond != null) out.fps = Math.max(out.fps ?? 0, stat.framesPerSecond);
        out.videoWidth = Math.max(out.videoWidth, stat.frameWidth || 0);
      }
    } else if (stat.type === "remote-inbound-rtp" && stat.fractionLost != null) {
      // What the server reports about our outgoing media.
      out.remoteLoss = Math.max(out.remoteLoss ?? 0, stat.fractionLost * 100);
    }
  }
  return out;
}

/** One sample: the figures between two reports, and their level. */
export function sample(previous, report) {
  const now = totals(report);
  const figures = { rttMs: now.rttMs, lossPct: now.remoteLoss, fps: now.fps, kbps: null };
  if (previous) {
    const received = now.packetsReceived - previous.packetsReceived;
    const lost = now.packetsLost - previous.packetsLost;
    if (received + lost > 0) {
      const inbound = (100 * lost) / (received + lost);
      figures.lossPct = Math.max(figures.lossPct ?? 0, inbound);
    }
    const seconds = (now.at - previous.at) / 1000;
    if (seconds > 0) figures.kbps = ((now.bytesReceived - previous.bytesReceived) * 8) / 1000 / seconds;
  }
  if (now.framesDecoded === 0) figures.fps = null; // nothing to watch yet: not a quality problem
  return { totals: now, figures, level: classify(figures) };
}

/** The figures in words, for a tooltip and for screen readers. */
export function describe(figures) {
  const parts = [];
  if (figures.rttMs != null) parts.push(`round trip ${Math.round(figures.rttMs)} ms`);
  if (figures.lossPct != null) parts.push(`packet loss ${figures.lossPct.toFixed(1)} %`);
  if (figures.fps != null) parts.push(`${Math.round(figures.fps)} frames/s`);
  if (figures.kbps != null) parts.push(`${Math.round(figures.kbps)} kbit/s in`);
  return parts.join(", ") || "not measured yet";
}

/**
 * Sample `getPeer()`'s stats every SAMPLE_MS and hand each result to `onSample`.
 * Returns a function that stops sampling.
 */
export function watchQuality(getPeer, onSample) {
  let previous = null;
  let peer = null;
  const tick = async () => {
    const pc = getPeer();
    if (!pc || pc.connectionState === "closed") {
      previous = null;
      onSample({ level: "unknown", figures: {}, totals: null });
      return;
    }
    if (pc !== peer) previous = null; // a rebuilt connection starts its counters at zero
    peer = pc;
    try {
      const result = sample(previous, await pc.getStats());
      previous = result.totals;
      onSample(result);
    } catch {
      previous = null;
    }
  };
  const timer = setInterval(tick, SAMPLE_MS);
  tick();
  return () => clearInterval(timer);
}
