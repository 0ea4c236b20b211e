// Waiting with a bound. Browser APIs can wait for ever: AudioContext.resume() where there is no sound
// output, getUserMedia() while a permission prompt is open. A check must still end and say what it
// could not test, so each wait is raced against a limit; the promise itself keeps running (a prompt
// answered later can still complete the check).

/** What `within` resolves to when the limit came first. */
export const TIMED_OUT = Symbol("timed out");

/**
 * The promise's value, or TIMED_OUT if it has not settled after `ms`. A rejection passes through.
 * @template T
 * @param {Promise<T> | T} promise
 * @param {number} ms
 * @returns {Promise<T | typeof TIMED_OUT>}
 */
export function within(promise, ms) {
  let timer;
  const limit = new Promise((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([Promise.resolve(promise), limit]).finally(() => clearTimeout(timer));
}
