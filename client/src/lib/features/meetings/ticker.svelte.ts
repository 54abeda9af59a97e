import { createSubscriber } from 'svelte/reactivity';

/**
 * A clock that templates can read: `ticker.now` re-renders its readers every `ms` while anything
 * reads it, and runs no timer otherwise.
 */
export class Ticker {
  readonly #subscribe: () => void;

  constructor(ms: number) {
    this.#subscribe = createSubscriber((update) => {
      const timer = setInterval(update, ms);
      return () => clearInterval(timer);
    });
  }

  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}

/** Elapsed times and countdowns. */
export const everySecond = new Ticker(1_000);
/** Start windows (a lesson becomes startable 15 minutes before it begins). */
export const everyFewSeconds = new Ticker(5_000);

/** `1:05:09` / `5:09` from milliseconds. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
