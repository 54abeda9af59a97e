import type { Logger } from './logger.js';
import type { FallbackListener, Lock } from './lock.js';
import type { Metrics } from './metrics.js';
import { StartupError } from './startup-error.js';

const PROBE_TIMEOUT_MS = 5_000;
const REPEAT_LOG_MS = 60_000;

/**
 * Counts every run without the Redis lock and says so loudly: the first time at once, then at most
 * once a minute with the count since, so an outage is visible without flooding the log.
 */
export function fallbackReporter(logger: Logger, metrics: Metrics): FallbackListener {
  let lastLogAt = 0;
  let unreported = 0;
  return (reason, error) => {
    metrics.lockFallbacks.inc({ reason });
    unreported++;
    const now = Date.now();
    if (now - lastLogAt < REPEAT_LOG_MS) return;
    logger.error({ reason, err: error instanceof Error ? error.message : String(error), since: unreported }, 'Redis lock not taken; running on database locks alone');
    lastLogAt = now;
    unreported = 0;
  };
}

/** Takes and releases a throw-away key at start: a configured Redis whose lock cannot work stops the start. */
export async function probeLock(lock: Lock, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([lock.probe(), timeout]);
    logger.info({ lock: lock.kind }, 'Redis lock probe: acquired and released');
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new StartupError(`REDIS_URL is set but the Redis lock cannot be taken (${why}); check that Redis is reachable, or unset REDIS_URL for single-node mode`);
  } finally {
    clearTimeout(timer);
  }
}
