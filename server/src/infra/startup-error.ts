import { EnvError } from '../config/env.js';

/** A start that cannot go on for a reason the operator can fix (a setting, an unreachable service). */
export class StartupError extends Error {}

/**
 * Runs a process entry point. A configuration or start-up problem prints one line that says what to
 * fix and exits non-zero; anything else prints its message (the stack only with LOG_LEVEL=debug).
 */
export function runMain(label: string, main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    const known = error instanceof EnvError || error instanceof StartupError;
    const message = error instanceof Error ? error.message : String(error);
    console.error(`${label}: ${message}`);
    if (!known && process.env.LOG_LEVEL === 'debug' && error instanceof Error) console.error(error.stack);
    process.exit(1);
  });
}
