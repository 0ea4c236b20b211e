// Why a join failed. A browser cannot read the HTTP status of a refused WebSocket handshake: a 409
// "this visit has ended" and a dropped network both look like a socket that closed. So when a socket
// closes before `welcome`, the live page asks GET /ws/sessions/{id}/verdict, which answers what the
// handshake would (200 {"may_join": true}, or 401/403/404/409/410 with {"error": {"message"}}) and
// changes nothing. A refusal is shown and never retried; anything else is treated as the network.

/** HTTP statuses that mean "you may not join (now)": retrying will not help. */
export const REFUSALS = [401, 403, 404, 409, 410];
const VERDICT_LIMIT_MS = 5000; // a question that hangs counts as the network failing

const FALLBACK_WORDS = {
  401: "Log in to join this session (a patient reopens the link their clinician sent).",
  403: "You are not invited to this session.",
  404: "There is no such session.",
  409: "This session cannot be joined now.",
  410: "This session has ended.",
};

/**
 * What an answer from /verdict means.
 * @param {number} status  the HTTP status (0: no answer at all)
 * @param {any} body       the parsed JSON body, or null
 * @returns {{kind: "open"} | {kind: "refused", status: number, message: string} | {kind: "unreachable", status: number}}
 */
export function verdictOf(status, body) {
  if (status === 200 && body && body.may_join === true) return { kind: "open" };
  if (REFUSALS.includes(status)) {
    const message = body && body.error && typeof body.error.message === "string" && body.error.message;
    return { kind: "refused", status, message: message || FALLBACK_WORDS[status] };
  }
  return { kind: "unreachable", status }; // 429, 5xx, a proxy's page, no answer: try again later
}

/** The verdict address for a session socket's address (ws://H/ws/sessions/7 → http://H/ws/sessions/7/verdict). */
export function verdictUrl(socketUrl) {
  return socketUrl.replace(/^ws(s?):/, "http$1:") + "/verdict";
}

/**
 * Ask the server whether we may join, bounded in time.
 * @param {string} url
 * @param {typeof fetch} fetchImpl  the browser's fetch (a stand-in in tests)
 */
export async function askVerdict(url, fetchImpl = fetch) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), VERDICT_LIMIT_MS);
  try {
    const response = await fetchImpl(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
      signal: controller.signal,
    });
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    return verdictOf(response.status, body);
  } catch {
    return { kind: "unreachable", status: 0 };
  } finally {
    clearTimeout(timer);
  }
}
