/** One round of benchmark events, shared by the product's node and the bare WebSocket server. */

/** Each sender emits one event stamped with `at`; it may return a promise. */
export type Sender = (at: string) => unknown;

/**
 * Sends every event of a round: all at once (`spreadMs` 0, a burst: every socket written in one go)
 * or spaced evenly over `spreadMs` (a stream). Each event is stamped with the time it was due, not
 * the time it went out, so a server still busy with earlier events pays for the wait in the latency.
 * Resolves with the milliseconds spent.
 */
export async function sendRound(senders: Sender[], spreadMs = 0): Promise<number> {
  const started = performance.now();
  const startedAt = Date.now();
  const pending: unknown[] = [];
  for (let i = 0; i < senders.length; i++) {
    const offset = (i * spreadMs) / senders.length;
    const wait = started + offset - performance.now();
    if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(senders[i]!(new Date(startedAt + Math.round(offset)).toISOString()));
  }
  await Promise.all(pending);
  return performance.now() - started;
}
