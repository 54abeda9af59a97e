import { ApiError } from '$lib/api/errors.js';

export type SaveStatus = 'saved' | 'pending' | 'saving' | 'retrying' | 'failed';
type Send = (questionId: string, answer: unknown) => Promise<void>;

const DEBOUNCE_MS = 600;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;
const STORAGE_PREFIX = 'tp_hw_unsaved:';

interface Slot {
  answer: unknown;
  /** Bumped on every change; a save only counts as done for the version it sent. */
  version: number;
  sentVersion: number;
  timer?: ReturnType<typeof setTimeout>;
  inFlight: boolean;
}

/**
 * Saves each answer to the server as it changes: debounced per question, one request in flight per
 * question (a newer value follows when it returns), failures retried with backoff. Until the server
 * has it, an answer is also kept in this browser, so a reload or a dropped connection loses nothing;
 * the next load of the attempt sends those leftovers first.
 */
export class AnswerAutosave {
  /** Per question: what the "saved" mark next to it shows. */
  statuses = $state<Record<string, SaveStatus>>({});
  /** A refusal that retrying will not fix (validation), per question, for the message at the field. */
  refusals = $state<Record<string, ApiError>>({});
  status = $derived(summarise(Object.values(this.statuses)));
  // Bookkeeping, not rendered: what the screen shows lives in `statuses`.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private slots = new Map<string, Slot>();
  private retryDelay = RETRY_MIN_MS;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly attemptId: string,
    private readonly send: Send,
    private readonly debounceMs = DEBOUNCE_MS,
  ) {}

  /** Answers this browser still owes the server from an earlier visit (they are newer than the server's). */
  leftovers(): Record<string, unknown> {
    try {
      return JSON.parse(localStorage.getItem(this.key) ?? '{}') as Record<string, unknown>;
    } catch {
      return {};
    }
  }

  /** Re-queues the leftovers (after the snapshot was loaded) so they reach the server now. */
  resume(): void {
    for (const [questionId, answer] of Object.entries(this.leftovers())) this.change(questionId, answer, 0);
  }

  /** A student changed an answer. */
  change(questionId: string, answer: unknown, delay = this.debounceMs): void {
    const slot = this.slots.get(questionId) ?? { answer, version: 0, sentVersion: 0, inFlight: false };
    slot.answer = answer;
    slot.version += 1;
    this.slots.set(questionId, slot);
    this.remember();
    this.statuses[questionId] = 'pending';
    delete this.refusals[questionId];
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => void this.push(questionId), delay);
  }

  /** Sends everything pending now and resolves when nothing is left (before submitting). Rejects on a refusal. */
  async flush(): Promise<void> {
    for (const [questionId, slot] of this.slots) {
      clearTimeout(slot.timer);
      if (slot.version !== slot.sentVersion && !slot.inFlight) void this.push(questionId);
    }
    await new Promise<void>((resolve) => {
      if (this.idle()) resolve();
      else this.idleWaiters.push(resolve);
    });
    const refused = Object.values(this.refusals)[0];
    if (refused) throw refused;
    if (this.status !== 'saved') throw new ApiError('network/offline', 'Answers are not saved yet', 0);
  }

  /** The connection is back: try what failed now instead of waiting out the backoff. */
  retryNow(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retryDelay = RETRY_MIN_MS;
    for (const [questionId, slot] of this.slots) if (slot.version !== slot.sentVersion && !slot.inFlight) void this.push(questionId);
  }

  dispose(): void {
    clearTimeout(this.retryTimer);
    for (const slot of this.slots.values()) clearTimeout(slot.timer);
  }

  private async push(questionId: string): Promise<void> {
    const slot = this.slots.get(questionId);
    if (!slot || slot.inFlight) return;
    const version = slot.version;
    slot.inFlight = true;
    this.statuses[questionId] = 'saving';
    try {
      await this.send(questionId, slot.answer);
      slot.sentVersion = version;
      this.retryDelay = RETRY_MIN_MS;
    } catch (error) {
      const retryable = !(error instanceof ApiError) || error.status === 0 || error.status >= 500 || error.status === 429;
      if (retryable) {
        this.statuses[questionId] = 'retrying';
        // A rate-limit answer says how long to wait; otherwise back off.
        this.scheduleRetry(error instanceof ApiError && error.retryAfter !== null ? error.retryAfter * 1000 : 0);
      } else {
        // Validation or a closed attempt: keep the answer on screen, say why at the field, stop retrying.
        slot.sentVersion = version;
        this.refusals[questionId] = error as ApiError;
        this.statuses[questionId] = 'failed';
      }
      return;
    } finally {
      slot.inFlight = false;
      this.settle(questionId, slot);
    }
  }

  private settle(questionId: string, slot: Slot): void {
    if (this.statuses[questionId] === 'saving') {
      if (slot.version !== slot.sentVersion) void this.push(questionId);
      else this.statuses[questionId] = 'saved';
    }
    this.remember();
    if (this.idle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Nothing waits for a debounce or a request; retries count as idle so `flush` can report them. */
  private idle(): boolean {
    return [...this.slots.entries()].every(([id, slot]) => !slot.inFlight && (slot.version === slot.sentVersion || this.statuses[id] === 'retrying'));
  }

  private scheduleRetry(atLeastMs: number): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
      for (const [questionId, slot] of this.slots) if (slot.version !== slot.sentVersion && !slot.inFlight) void this.push(questionId);
    }, Math.max(this.retryDelay, atLeastMs));
  }

  private get key(): string {
    return STORAGE_PREFIX + this.attemptId;
  }

  /** Keeps the answers the server has not confirmed in this browser; forgets the rest. */
  private remember(): void {
    const unsaved: Record<string, unknown> = {};
    for (const [questionId, slot] of this.slots) if (slot.version !== slot.sentVersion) unsaved[questionId] = slot.answer;
    try {
      if (Object.keys(unsaved).length) localStorage.setItem(this.key, JSON.stringify(unsaved));
      else localStorage.removeItem(this.key);
    } catch {
      // Storage full or private mode: the server copy is all we have.
    }
  }
}

function summarise(statuses: SaveStatus[]): SaveStatus {
  for (const status of ['failed', 'retrying', 'saving', 'pending'] as const) if (statuses.includes(status)) return status;
  return 'saved';
}
