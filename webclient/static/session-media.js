// The camera and microphone of this browser, one track per kind, acquired only while needed:
// a camera that is "off" is stopped (its light goes out), not merely muted.

const CONSTRAINTS = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30, max: 30 } },
};

/** Words a person can act on, for a getUserMedia failure. */
export function deviceProblem(kind, error) {
  const device = kind === "audio" ? "microphone" : "camera";
  switch (error?.name) {
    case "NotAllowedError":
    case "SecurityError":
      return `Your browser is blocking the ${device}. Allow it (usually from the icon in the address bar), then try again.`;
    case "NotFoundError":
    case "OverconstrainedError":
      return `No ${device} was found. Plug one in, or join without it.`;
    case "NotReadableError":
    case "AbortError":
      return `The ${device} is in use by another program. Close that program, then try again.`;
    default:
      return `The ${device} could not be started (${error?.name || "unknown problem"}).`;
  }
}

export class LocalMedia {
  constructor() {
    this.tracks = { audio: null, video: null };
    this.pending = { audio: null, video: null };
  }

  /** The live track of `kind`, asking the browser for one if needed (one request at a time). */
  async acquire(kind) {
    const current = this.tracks[kind];
    if (current && current.readyState === "live") return current;
    if (!this.pending[kind]) {
      this.pending[kind] = navigator.mediaDevices
        .getUserMedia({ [kind]: CONSTRAINTS[kind] })
        .then((stream) => {
          const track = stream.getTracks()[0];
          this.tracks[kind] = track;
          return track;
        })
        .finally(() => {
          this.pending[kind] = null;
        });
    }
    return this.pending[kind];
  }

  /** Ask for camera and microphone together (one permission prompt), for the lobby's preview. */
  async acquireBoth() {
    const stream = await navigator.mediaDevices.getUserMedia(CONSTRAINTS);
    for (const track of stream.getTracks()) {
      this.tracks[track.kind]?.stop();
      this.tracks[track.kind] = track;
    }
  }

  /** Stop the track of `kind` (camera light off, microphone released). */
  release(kind) {
    const track = this.tracks[kind];
    this.tracks[kind] = null;
    if (track) track.stop();
  }

  releaseAll() {
    this.release("audio");
    this.release("video");
  }

  /** A stream holding the current video track, for a local preview (null with the camera off). */
  previewStream() {
    return this.tracks.video ? new MediaStream([this.tracks.video]) : null;
  }
}
