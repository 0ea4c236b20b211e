// When the live session tries again after losing its connection: exponential backoff with full
// jitter. Each wait is drawn uniformly between 0 and a ceiling that doubles with every attempt that
// failed, up to a cap. A server restart drops every browser at the same instant; a fixed retry period
// would bring them all back at one instant too, time after time, while random waits spread them out
// and the growing ceiling spares a server that is down for longer. The first ceiling is short, so a
// brief blip costs a participant at most half a second; the count starts again after every welcome.

export const FIRST_CEILING_MS = 500; // the first retry comes within half a second
// A cap of a few seconds: when a node dies, its participants reconnect through another node once the
// cluster has noticed (about 3 s); a longer cap would keep them waiting long after the room is back.
export const CEILING_CAP_MS = 5000; // and no wait is ever longer than this

/**
 * Milliseconds to wait before reconnect attempt number `attempt`.
 * @param {number} attempt  attempts already made since the last welcome: 0 for the first retry
 * @param {number} unit     a random number in [0, 1), such as Math.random()
 * @returns {number}        a whole number of milliseconds in [0, min(cap, first ceiling * 2^attempt))
 */
export function reconnectDelay(attempt, unit) {
  const ceiling = Math.min(CEILING_CAP_MS, FIRST_CEILING_MS * 2 ** Math.max(0, attempt));
  return Math.floor(unit * ceiling);
}
