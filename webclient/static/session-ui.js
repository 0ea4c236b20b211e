// Drawing the room: video tiles, the people list (with the host's controls), the waiting room,
// consent and chat. Everything here only reflects the server's `state`; buttons call `act(message)`
// and the server decides. Elements are kept per participant and updated in place, so a keyboard
// user's focus survives the state updates that follow each click.

const ROLE_WORDS = { host: "Host", visitor: "Visitor", patient: "Patient" };
const KIND_WORDS = { audio: "microphone", video: "camera" };

/** Shorthand for creating an element with properties and children. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(element.dataset, value);
    else if (key.startsWith("aria-") || key === "role") element.setAttribute(key, value);
    else element[key] = value;
  }
  element.append(...children.filter((child) => child != null));
  return element;
}

function initials(name) {
  return name
    .split(/\s+/)
    .filter((part) => /^[A-Za-z]/.test(part) && !/^(dr|mr|ms|mrs)\.?$/i.test(part))
    .slice(0, 2)
    .map((part) => part[0].toUpperCase())
    .join("");
}

/** Short words for what a participant is doing right now (for labels and screen readers). */
export function flagsOf(person) {
  const flags = [];
  if (!person.publishing.includes("audio")) flags.push("muted");
  if (!person.publishing.includes("video")) flags.push("camera off");
  if (person.hand_raised) flags.push("hand raised");
  if (person.presence === "admitted" && !person.connected) flags.push("connecting");
  if (person.observer) flags.push("observer");
  return flags;
}

// ---------------------------------------------------------------------- video tiles

/** Attach `track` to a media element only when it changed (re-attaching restarts playback). */
function attach(element, track) {
  const current = element.srcObject?.getTracks()[0] || null;
  if (current === track) return;
  element.srcObject = track ? new MediaStream([track]) : null;
  if (track) element.play().catch(() => element.dispatchEvent(new Event("blocked", { bubbles: true })));
}

function remoteTile(person) {
  const video = h("video", { autoplay: true, playsInline: true, muted: true });
  const audio = h("audio", { autoplay: true });
  const placeholder = h("p", { className: "tile-placeholder" });
  const name = h("span", { className: "tile-name" });
  const role = h("span", { className: "tile-role" });
  const flags = h("span", { className: "tile-flags" });
  const tile = h(
    "figure",
    { className: "tile", dataset: { participantId: person.id } },
    video,
    audio,
    placeholder,
    h("figcaption", { className: "tile-label" }, name, " ", role, " ", flags),
  );
  tile.parts = { video, audio, placeholder, name, role, flags };
  return tile;
}

/**
 * Show one tile per admitted participant other than me, with whatever the server forwards to us.
 * `remote` is [{participantId, kind, track}] from the connection.
 */
export function renderTiles(stage, { state, me, remote, unplayable = [], levels = new Map(), mode }) {
  const others = state.participants.filter((p) => p.id !== me.id && p.presence === "admitted");
  const keep = new Set(others.map((p) => p.id));
  for (const tile of stage.querySelectorAll(".tile[data-participant-id]")) {
    if (!keep.has(tile.dataset.participantId)) tile.remove();
  }
  const local = stage.querySelector("#local-tile");
  for (const person of others) {
    let tile = stage.querySelector(`.tile[data-participant-id="${CSS.escape(person.id)}"]`);
    if (!tile) {
      tile = remoteTile(person);
      stage.insertBefore(tile, local);
    }
    const { video, audio, placeholder, name, role, flags } = tile.parts;
    const trackOf = (kind) => remote.find((r) => r.participantId === person.id && r.kind === kind)?.track || null;
    const level = levels.get(person.id)?.level || "full";
    tile.dataset.level = level;
    // Paused for our connection: no frames come, so show why instead of a frozen picture.
    const videoTrack = person.publishing.includes("video") && level !== "paused" ? trackOf("video") : null;
    attach(video, videoTrack);
    attach(audio, person.publishing.includes("audio") ? trackOf("audio") : null);
    video.hidden = !videoTrack;
    placeholder.hidden = Boolean(videoTrack);
    const cannotPlay = unplayable.some((u) => u.participant_id === person.id && u.kind === "video");
    placeholder.textContent = !person.publishing.includes("video")
      ? `${initials(person.name) || "?"} · camera off`
      : cannotPlay
        ? `${initials(person.name) || "?"} · your browser cannot play this video format: audio only`
        : level === "paused"
          ? `${initials(person.name) || "?"} · video paused to keep the sound (your connection is weak)`
          : `${initials(person.name) || "?"} · video not shared with you`;
    name.textContent = person.name;
    role.textContent = ROLE_WORDS[person.role] || person.role;
    flags.textContent = flagsOf(person).join(" · ");
    video.setAttribute("aria-label", `${person.name}'s video`);
    tile.classList.toggle("tile-main", mode === "patient" && person.role === "host");
    tile.classList.toggle("tile-hand", person.hand_raised);
  }
  stage.dataset.count = String(others.length + 1);
}

// ---------------------------------------------------------------------- people and host controls

function hostButtons(person, act, confirmAsk) {
  const may = (kind) => person.may_publish.includes(kind);
  const on = (kind) => person.publishing.includes(kind);
  const buttons = [];
  for (const kind of ["audio", "video"]) {
    if (on(kind)) {
      buttons.push(
        h("button", {
          type: "button",
          className: "small secondary",
          textContent: kind === "audio" ? "Mute" : "Turn camera off",
          onclick: () => act({ type: "mute", participant_id: person.id, kind }),
        }),
      );
    }
    const allowWords = kind === "audio" ? "speak" : "use camera";
    buttons.push(
      h("button", {
        type: "button",
        className: "small secondary",
        textContent: may(kind) ? `Stop allowing to ${allowWords}` : `Allow to ${allowWords}`,
        "aria-pressed": String(may(kind)),
        onclick: () =>
          act({ type: "permit", participant_id: person.id, kind, action: "publish", allowed: !may(kind) }),
      }),
    );
  }
  buttons.push(
    h("button", {
      type: "button",
      className: "small danger",
      textContent: "Remove",
      onclick: () => {
        if (confirmAsk(`Remove ${person.name} from the session? They cannot come back.`)) {
          act({ type: "remove", participant_id: person.id });
        }
      },
    }),
  );
  return buttons;
}

/** The people list; the host gets controls for each other admitted participant. */
export function renderPeople(list, { state, me, act, confirmAsk = window.confirm.bind(window) }) {
  const admitted = state.participants.filter((p) => p.presence === "admitted");
  const isHost = me.role === "host";
  const keep = new Set(admitted.map((p) => p.id));
  for (const item of list.querySelectorAll("li[data-participant-id]")) {
    if (!keep.has(item.dataset.participantId)) item.remove();
  }
  for (const person of admitted) {
    let item = list.querySelector(`li[data-participant-id="${CSS.escape(person.id)}"]`);
    if (!item) {
      item = h(
        "li",
        { dataset: { participantId: person.id } },
        h("span", { className: "person-name" }),
        h("span", { className: "person-flags" }),
        h("span", { className: "person-actions", role: "group" }),
      );
      list.append(item);
    }
    const you = person.id === me.id ? " (you)" : "";
    item.querySelector(".person-name").textContent = `${person.name}${you} — ${ROLE_WORDS[person.role] || person.role}`;
    item.querySelector(".person-flags").textContent = flagsOf(person).join(" · ");
    const actions = item.querySelector(".person-actions");
    actions.setAttribute("aria-label", `Controls for ${person.name}`);
    const fresh = isHost && person.id !== me.id ? hostButtons(person, act, confirmAsk) : [];
    updateButtons(actions, fresh);
  }
}

/** Replace a group's buttons, keeping the element (and so the focus) of those with the same words. */
function updateButtons(group, fresh) {
  const old = [...group.children];
  fresh.forEach((button, index) => {
    const existing = old[index];
    if (existing && existing.textContent === button.textContent) {
      existing.onclick = button.onclick;
      existing.className = button.className;
      if (button.hasAttribute("aria-pressed")) existing.setAttribute("aria-pressed", button.getAttribute("aria-pressed"));
    } else if (existing) {
      const hadFocus = document.activeElement === existing;
      existing.replaceWith(button);
      if (hadFocus) button.focus();
    } else {
      group.append(button);
    }
  });
  for (const extra of old.slice(fresh.length)) extra.remove();
}

/** The host's waiting room: each waiting participant with Admit and Deny. */
export function renderWaiting(panel, list, { state, act, confirmAsk = window.confirm.bind(window) }) {
  const waiting = state.participants.filter((p) => p.presence === "waiting");
  panel.hidden = waiting.length === 0;
  const keep = new Set(waiting.map((p) => p.id));
  for (const item of list.querySelectorAll("li[data-participant-id]")) {
    if (!keep.has(item.dataset.participantId)) item.remove();
  }
  for (const person of waiting) {
    if (list.querySelector(`li[data-participant-id="${CSS.escape(person.id)}"]`)) continue;
    const role = ROLE_WORDS[person.role] || person.role;
    list.append(
      h(
        "li",
        { dataset: { participantId: person.id } },
        h("span", { className: "person-name", textContent: `${person.name} — ${role}` }),
        h(
          "span",
          { className: "person-actions", role: "group", "aria-label": `Waiting: ${person.name}` },
          h("button", {
            type: "button",
            className: "small",
            textContent: `Admit ${person.name}`,
            onclick: () => act({ type: "admit", participant_id: person.id }),
          }),
          h("button", {
            type: "button",
            className: "small danger",
            textContent: "Deny",
            onclick: () => {
              if (confirmAsk(`Turn ${person.name} away? They cannot join this session again.`)) {
                act({ type: "deny", participant_id: person.id });
              }
            },
          }),
        ),
      ),
    );
  }
}

// ---------------------------------------------------------------------- consent

// Under "observe" the patient neither sees nor hears the learners (the server enforces it).
const SCOPE_WORDS = { observe: "observe (the patient does not see or hear them)", interact: "observe and interact" };

function consentWords(consent) {
  const at = new Date(consent.recorded_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return `Consent recorded at ${at} (${consent.method}): learners may ${SCOPE_WORDS[consent.scope] || consent.scope}.`;
}

/** The host's consent panel and the patient's own view of it (patient visits only). */
export function renderConsent(elements, { state, me, roomKind }) {
  const { hostPanel, hostStatus, form, withdraw, patientPanel, patientStatus, patientWithdraw } = elements;
  const patientVisit = roomKind === "patient_visit";
  const consent = state.consent;
  const active = Boolean(consent?.active);
  hostPanel.hidden = !(patientVisit && me.role === "host");
  patientPanel.hidden = !(patientVisit && me.role === "patient");
  let words;
  if (active) words = consentWords(consent);
  else if (consent?.withdrawn_at) words = "Consent was withdrawn: learners and the patient no longer see or hear each other.";
  else words = "No consent recorded yet: learners and the patient do not see or hear each other.";
  hostStatus.textContent = words;
  form.hidden = active;
  withdraw.hidden = !active;
  if (active) {
    patientStatus.textContent =
      "You agreed that learners may " + (SCOPE_WORDS[consent.scope] || consent.scope) + ". You can change your mind at any time.";
  } else {
    patientStatus.textContent = "Learners cannot see or hear you unless you agree to it.";
  }
  patientWithdraw.hidden = !active;
}

/**
 * What to say out loud (the page's status line) when the room's `state` changes in a way that matters
 * to this participant, or null. Each announcement replaces the last, so whatever a later change
 * makes untrue must be said again: the host coming back clears "the host has left".
 * @param {object|null} previous  the state before (null: the first one)
 * @param {object} next           the new state
 * @param {{roomKind: string, role: string}} me
 */
export function announcement(previous, next, { roomKind, role }) {
  if (!previous) return null;
  if (role !== "host") {
    const wasGone = previous.host_grace_seconds != null;
    const isGone = next.host_grace_seconds != null;
    if (isGone && !wasGone) return `The host has left. The session ends in ${next.host_grace_seconds} seconds unless they come back.`;
    if (wasGone && !isGone && next.host_present) return "The host is back: the session goes on.";
  }
  const was = previous.consent?.active ?? false;
  const is = next.consent?.active ?? false;
  const scopeChanged = is && was && previous.consent.scope !== next.consent.scope;
  if (roomKind === "patient_visit" && (was !== is || scopeChanged)) {
    if (!is) return "Consent withdrawn: learners and the patient can no longer see or hear each other.";
    if (next.consent.scope === "interact") return "Consent recorded: learners and the patient can now see and hear each other.";
    return "Consent recorded: learners can now see and hear the patient; the patient does not see or hear the learners.";
  }
  return null;
}

// ---------------------------------------------------------------------- chat

export function appendChat(log, message, myId) {
  const at = new Date(message.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const who = message.sender_id === myId ? "You" : message.sender_name;
  log.append(
    h(
      "li",
      { className: message.sender_id === myId ? "mine" : "" },
      h("span", { className: "chat-who", textContent: who }),
      " ",
      h("time", { textContent: at }),
      h("span", { className: "chat-text", textContent: message.text }),
    ),
  );
  log.scrollTop = log.scrollHeight;
}

/**
 * Plain words for what the server does for a weak connection (its "levels" message), or "" when
 * every video is at full. `levels`: participant id -> {level, reason}.
 */
export function levelWords(levels) {
  const lowered = [...levels.values()].filter((v) => v.level !== "full");
  if (!lowered.length) return "";
  const paused = lowered.some((v) => v.level === "paused");
  const clinical = lowered.some((v) => v.reason === "clinical_priority");
  const what = paused ? "video paused to keep the sound" : "lower quality video to keep up with your connection";
  return `Your connection is weak: ${what}${clinical ? " (the patient's picture comes first)" : ""}.`;
}
