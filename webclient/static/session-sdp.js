// Make this browser's first offer speak the server's numbering.
//
// The server (aiortc) writes every offer of its own from a fixed table: Opus is payload type 96,
// VP8 97 (RTX 98), H.264 99/101 (RTX 100/102), and header extensions mid=1, audio level=2,
// abs-send-time=3 — even for media sections already negotiated with the browser's numbers. When it
// later offers us the tracks it forwards, Chromium would (a) refuse the offer because an extension id
// moved ("RTP extension ID reassignment not supported") and (b) start sending with the new payload
// types, which aiortc's already running receivers do not know and silently drop. Offering the server's
// numbers from the start makes every later offer agree with the first. Codecs and extensions the
// server does not have are left out: its answer would drop them anyway.

const EXTENSION_IDS = new Map([
  ["urn:ietf:params:rtp-hdrext:sdes:mid", 1],
  ["urn:ietf:params:rtp-hdrext:ssrc-audio-level", 2],
  ["http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", 3],
]);

/** The server's payload type for a codec of ours ({name, clock, channels, fmtp}), or null. */
function serverPayloadType(kind, codec) {
  const name = codec.name.toLowerCase();
  if (kind === "audio") {
    if (name === "opus" && codec.clock === 48000) return 96;
    if (name === "g722" && codec.clock === 8000) return 9;
    if (name === "pcmu" && codec.clock === 8000) return 0;
    if (name === "pcma" && codec.clock === 8000) return 8;
    return null;
  }
  if (name === "vp8") return 97;
  if (name === "h264" && /packetization-mode=1/.test(codec.fmtp)) {
    if (/profile-level-id=42001f/i.test(codec.fmtp)) return 99;
    if (/profile-level-id=42e01f/i.test(codec.fmtp)) return 101;
  }
  return null;
}

/** Old → new payload types for one media section (RTX follows the codec it repairs). */
function payloadMap(kind, lines) {
  const codecs = new Map();
  for (const line of lines) {
    const rtpmap = /^a=rtpmap:(\d+) ([^/]+)\/(\d+)/.exec(line);
    if (rtpmap) codecs.set(rtpmap[1], { name: rtpmap[2], clock: Number(rtpmap[3]), fmtp: "" });
  }
  for (const line of lines) {
    const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (fmtp && codecs.has(fmtp[1])) codecs.get(fmtp[1]).fmtp = fmtp[2];
  }
  const map = new Map();
  const taken = new Set();
  for (const [pt, codec] of codecs) {
    if (codec.name.toLowerCase() === "rtx") continue;
    const target = serverPayloadType(kind, codec);
    if (target !== null && !taken.has(target)) {
      map.set(pt, target);
      taken.add(target);
    }
  }
  for (const [pt, codec] of codecs) {
    if (codec.name.toLowerCase() !== "rtx") continue;
    const repairs = /apt=(\d+)/.exec(codec.fmtp)?.[1];
    if (repairs && map.has(repairs) && kind === "video" && !taken.has(map.get(repairs) + 1)) {
      map.set(pt, map.get(repairs) + 1);
      taken.add(map.get(repairs) + 1);
    }
  }
  return map;
}

/** One media section rewritten with the server's payload types and extension ids. */
function alignSection(lines) {
  const header = /^m=(audio|video) (\S+) (\S+) (.*)$/.exec(lines[0]);
  if (!header) return lines;
  const kind = header[1];
  const map = payloadMap(kind, lines);
  const order = header[4].split(" ").filter((pt) => map.has(pt)).map((pt) => map.get(pt));
  const out = [`m=${kind} ${header[2]} ${header[3]} ${order.join(" ")}`];
  for (const line of lines.slice(1)) {
    const perCodec = /^a=(rtpmap|fmtp|rtcp-fb):(\d+)( .*)$/.exec(line);
    if (perCodec) {
      if (!map.has(perCodec[2])) continue;
      let rest = perCodec[3];
      if (perCodec[1] === "fmtp") rest = rest.replace(/apt=(\d+)/, (_, apt) => `apt=${map.get(apt) ?? apt}`);
      out.push(`a=${perCodec[1]}:${map.get(perCodec[2])}${rest}`);
      continue;
    }
    const extmap = /^a=extmap:(\d+)(\/\w+)? (\S+)(.*)$/.exec(line);
    if (extmap) {
      const id = EXTENSION_IDS.get(extmap[3]);
      if (id !== undefined) out.push(`a=extmap:${id}${extmap[2] || ""} ${extmap[3]}${extmap[4]}`);
      continue;
    }
    out.push(line);
  }
  return out;
}

/** `sdp` (an offer of ours) renumbered to the server's payload types and header extension ids. */
export function alignWithServer(sdp) {
  const lines = sdp.split("\r\n");
  const sections = [[]];
  for (const line of lines) {
    if (line.startsWith("m=")) sections.push([]);
    sections[sections.length - 1].push(line);
  }
  const [session, ...media] = sections;
  return [...session, ...media.flatMap(alignSection)].join("\r\n");
}
